/* Compiling policies: the groups that rules are collected into (policy_group.h). */
#include "policy_group.h"

#include <stdio.h>
#include <string.h>

#include "sbprofile/policy.h"

int sbp__compiler_fail(sbp__compiler *c, int rc) {
  if (c->rc == SBP_OK) c->rc = rc;
  return rc;
}

sbp__group *sbp__group_get(sbp__compiler *c, int section, sbp_action action, const char *ops) {
  for (size_t i = 0; i < c->ngroups; i++) {
    sbp__group *g = c->groups[i];
    if (g->section == section && g->action == action && strcmp(g->ops, ops) == 0) return g;
  }
  if (c->ngroups == c->gcap) {
    size_t nc = c->gcap ? c->gcap * 2 : 16;
    sbp__group **ng = sbp__realloc(c->a, c->groups, nc * sizeof(*ng));
    if (ng == NULL) {
      sbp__compiler_fail(c, SBP_E_NOMEM);
      return NULL;
    }
    c->groups = ng;
    c->gcap = nc;
  }
  sbp__group *g = sbp__malloc(c->a, sizeof(*g));
  if (g == NULL) {
    sbp__compiler_fail(c, SBP_E_NOMEM);
    return NULL;
  }
  c->groups[c->ngroups++] = g;
  memset(g, 0, sizeof(*g));
  g->section = section;
  g->action = action;
  g->ops = ops;
  g->range_lo = g->range_hi = -1;
  return g;
}

int sbp__group_close_range(sbp__compiler *c, sbp__group *g) {
  if (g->range_kind == NULL) return SBP_OK;
  char tmp[96];
  if (g->range_lo == g->range_hi)
    snprintf(tmp, sizeof tmp, "%s%s[%ld]", g->label.len ? ", " : "", g->range_kind,
             g->range_lo);
  else
    snprintf(tmp, sizeof tmp, "%s%s[%ld-%ld]", g->label.len ? ", " : "", g->range_kind,
             g->range_lo, g->range_hi);
  g->range_kind = NULL;
  return sbp__buf_puts(&g->label, c->a, tmp);
}

/* Adds the name of the policy item behind a group's rule: "read-deny" with index 3 is
 * written read-deny[3], runs of indexes as ranges; index -1 for items without one. */
int sbp__group_label(sbp__compiler *c, sbp__group *g, const char *kind, long index) {
  if (!c->comments) return SBP_OK;
  int rc;
  if (index >= 0) {
    if (g->range_kind != NULL && strcmp(g->range_kind, kind) == 0) {
      if (index >= g->range_lo && index <= g->range_hi) return SBP_OK;
      if (index == g->range_hi + 1) {
        g->range_hi = index;
        return SBP_OK;
      }
    }
    if ((rc = sbp__group_close_range(c, g)) != SBP_OK) return sbp__compiler_fail(c, rc);
    g->range_kind = kind;
    g->range_lo = g->range_hi = index;
    return SBP_OK;
  }
  if ((rc = sbp__group_close_range(c, g)) != SBP_OK) return sbp__compiler_fail(c, rc);
  size_t kl = strlen(kind);
  if (g->label.len > 0) {
    /* Already there? Labels are few per group. */
    const char *at = g->label.ptr;
    while ((at = strstr(at, kind)) != NULL) {
      int starts = at == g->label.ptr || (at >= g->label.ptr + 2 && at[-2] == ',');
      if (starts && (at[kl] == '\0' || at[kl] == ',')) return SBP_OK;
      at += kl;
    }
    if ((rc = sbp__buf_puts(&g->label, c->a, ", ")) != SBP_OK) return sbp__compiler_fail(c, rc);
  }
  if ((rc = sbp__buf_put(&g->label, c->a, kind, kl)) != SBP_OK)
    return sbp__compiler_fail(c, rc);
  return SBP_OK;
}

sbp__spec *sbp__group_spec(sbp__compiler *c, sbp__group *g, int type) {
  if (g == NULL) return NULL;
  if (g->nspecs == g->cap) {
    size_t nc = g->cap ? g->cap * 2 : 8;
    sbp__spec *ns = sbp__realloc(c->a, g->specs, nc * sizeof(*ns));
    if (ns == NULL) {
      sbp__compiler_fail(c, SBP_E_NOMEM);
      return NULL;
    }
    g->specs = ns;
    g->cap = nc;
  }
  sbp__spec *s = &g->specs[g->nspecs++];
  memset(s, 0, sizeof(*s));
  s->type = (uint8_t)type;
  return s;
}

/* One filter of a path: literal, subpath or regex. */
int sbp__group_add_path(sbp__compiler *c, sbp__group *g, int type, const char *text,
                        size_t len) {
  sbp__spec *s = sbp__group_spec(c, g, type);
  if (s == NULL) return c->rc;
  if (type == F_REGEX) {
    s->text = text;
    s->len = len;
  } else {
    sbp__spec_set_path(s, text, len);
  }
  return SBP_OK;
}

int sbp__group_add_unfiltered(sbp__compiler *c, int section, sbp_action action, const char *ops,
                              const char *label) {
  sbp__group *g = sbp__group_get(c, section, action, ops);
  if (g == NULL) return c->rc;
  g->unfiltered = 1;
  return sbp__group_label(c, g, label, -1);
}

int sbp__group_add_named(sbp__compiler *c, int section, sbp_action action, const char *ops,
                         int type, const char *filter, const char *text, const char *label) {
  sbp__group *g = sbp__group_get(c, section, action, ops);
  sbp__spec *s = sbp__group_spec(c, g, type);
  if (s == NULL) return c->rc;
  s->u.filter = filter;
  s->text = text;
  s->len = strlen(text);
  return sbp__group_label(c, g, label, -1);
}

/* The anchored regex of a glob spelling (subtree: also everything beneath), in the arena. */
int sbp__group_glob_regex(sbp__compiler *c, const char *glob, size_t len, int subtree,
                          const char **out, size_t *out_len) {
  sbp_buf b = SBP_BUF_INIT;
  int rc = sbp_glob_to_regex(glob, len, subtree ? SBP_GLOB_SUBTREE : 0, c->a, &b, NULL);
  if (rc == SBP_OK) {
    char *copy = sbp__arena_strndup(&c->arena, b.ptr, b.len);
    if (copy == NULL) rc = SBP_E_NOMEM;
    *out = copy;
    *out_len = b.len;
  }
  sbp_buf_dispose(&b);
  /* The glob was checked when it was added, so only memory can fail here. */
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, SBP_E_NOMEM);
}

/* Adds one spelling of an entry as a filter: literal, subpath, or the glob's regex. */
int sbp__group_add_entry_spec(sbp__compiler *c, sbp__group *g, const sbp__pentry *e, int s,
                              int subtree_glob) {
  size_t pl;
  const char *path = sbp__pentry_path(e, s, &pl);
  if (e->kind == SBP_PATH_GLOB) {
    const char *re;
    size_t rl;
    int rc = sbp__group_glob_regex(c, path, pl, subtree_glob, &re, &rl);
    if (rc != SBP_OK) return rc;
    return sbp__group_add_path(c, g, F_REGEX, re, rl);
  }
  return sbp__group_add_path(c, g, e->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH, path,
                             pl);
}

/* Adds every spelling of an entry to a group, labelled with its list and index. */
int sbp__group_add_entry(sbp__compiler *c, int section, sbp_action action, const char *ops,
                         const sbp__pentry *e, int subtree_glob) {
  sbp__group *g = sbp__group_get(c, section, action, ops);
  if (g == NULL) return c->rc;
  for (int s = 0; s < sbp__group_spellings(c, e); s++) {
    int rc = sbp__group_add_entry_spec(c, g, e, s, subtree_glob);
    if (rc != SBP_OK) return rc;
  }
  return sbp__group_label(c, g, sbp__policy_list_name(e->list), (long)e->index);
}
