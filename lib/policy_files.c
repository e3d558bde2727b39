/* Compiling policies: reads and writes of files (policy_files.h). */
#include "policy_files.h"

#include <stdio.h>
#include <string.h>

#include "glob.h"
#include "sbprofile/regex.h"

/* A compiled regex per glob spelling of a list, for coverage tests; NULL where not a glob. */
typedef struct globre {
  const sbp__pentry *e;
  int s;
  sbp_regex *re;
} globre;

static int compile_globs(sbp__compiler *c, int list, globre **out, size_t *n) {
  sbp_policy *p = c->p;
  size_t cnt = 0;
  for (size_t i = 0; i < p->nentries; i++)
    if (c->lists[i] == list && p->entries[i].kind == SBP_PATH_GLOB)
      cnt += (size_t)sbp__group_spellings(c, &p->entries[i]);
  *out = NULL;
  *n = 0;
  if (cnt == 0) return SBP_OK;
  globre *g = sbp__calloc(c->a, cnt, sizeof(*g));
  if (g == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
  memset(g, 0, cnt * sizeof(*g));
  *out = g;
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != list || e->kind != SBP_PATH_GLOB) continue;
    for (int s = 0; s < sbp__group_spellings(c, e); s++) {
      const char *re;
      size_t rl, pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if (sbp__group_glob_regex(c, path, pl, 1, &re, &rl) != SBP_OK) return c->rc;
      g[*n].e = e;
      g[*n].s = s;
      int rc = sbp_regex_compile(re, rl, c->a, &g[*n].re, NULL);
      /* Too large a program to test against: treated as covering nothing here. */
      if (rc == SBP_E_NOMEM) return sbp__compiler_fail(c, rc);
      (*n)++;
    }
  }
  return SBP_OK;
}

static void free_globs(sbp__compiler *c, globre *g, size_t n) {
  for (size_t i = 0; i < n; i++) sbp_regex_free(g[i].re);
  sbp__free(c->a, g);
}

static int glob_matches(const globre *g, const char *path, size_t len) {
  return g->re != NULL && sbp_regex_search(g->re, path, len) == 1;
}

/* The set of literal paths, subtree paths of one list (every spelling). */
static int list_sets(sbp__compiler *c, int list, sbp__strset *lits, sbp__strset *subs) {
  sbp_policy *p = c->p;
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != list || e->kind == SBP_PATH_GLOB) continue;
    for (int s = 0; s < sbp__group_spellings(c, e); s++) {
      sbp__strset *set = e->kind == SBP_PATH_LITERAL ? lits : subs;
      size_t pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if (sbp__strset_add(c->a, set, path, pl) != SBP_OK)
        return sbp__compiler_fail(c, SBP_E_NOMEM);
    }
  }
  return SBP_OK;
}

/* Is spelling s of e covered by an entry of the sets or globs? */
static int covered(const sbp__pentry *e, int s, const sbp__strset *lits,
                   const sbp__strset *subs, const globre *g, size_t ng) {
  size_t len;
  const char *path = sbp__pentry_base(e, s, &len);
  if (sbp__strset_under(subs, path, len)) return 1;
  if (e->kind == SBP_PATH_LITERAL && sbp__strset_has(lits, path, len)) return 1;
  for (size_t i = 0; i < ng; i++)
    if (glob_matches(&g[i], path, len)) return 1;
  return 0;
}

int sbp__files_reads(sbp__compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  int deny_all = p->read_mode == SBP_READ_DENY_ALL;
  if (!deny_all)
    rc = sbp__group_add_unfiltered(c, S_READ_BROAD, SBP_ALLOW, "file-read*",
                                   "read mode allow-all");
  sbp__strset dlit = {0}, dsub = {0}, clit = {0}, csub = {0};
  globre *dglobs = NULL, *cglobs = NULL;
  size_t ndglobs = 0, ncglobs = 0;
  /* Carve-outs: read-allow entries inside denied trees. */
  uint8_t *carve = NULL;
  size_t ndeny = p->list_counts[SBP_POLICY_READ_DENY];
  size_t nallow = p->list_counts[SBP_POLICY_READ_ALLOW];
  if (rc == SBP_OK && nallow > 0) {
    carve = sbp__malloc(c->a, p->nentries);
    if (carve == NULL) rc = sbp__compiler_fail(c, SBP_E_NOMEM);
    else memset(carve, 0, p->nentries);
    if (rc == SBP_OK) rc = list_sets(c, SBP_POLICY_READ_DENY, &dlit, &dsub);
    if (rc == SBP_OK) rc = compile_globs(c, SBP_POLICY_READ_DENY, &dglobs, &ndglobs);
  }
  for (size_t i = 0; i < p->nentries && rc == SBP_OK && nallow > 0; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_READ_ALLOW) continue;
    int conflict =
        e->kind != SBP_PATH_GLOB && sbp__strset_has(e->kind == SBP_PATH_LITERAL ? &dlit : &dsub,
                                                    sbp__pentry_path0(e), e->path_len);
    if (conflict) {
      if (sbp__policy_warn(p,
                           "read-allow[%u] \"%s\" is also denied by the read-deny list: "
                           "deny wins",
                           (unsigned)e->index, e->text) != SBP_OK)
        rc = sbp__compiler_fail(c, SBP_E_NOMEM);
      continue;
    }
    int inside = 0;
    for (int s = 0; s < sbp__group_spellings(c, e) && !inside; s++)
      inside = covered(e, s, &dlit, &dsub, dglobs, ndglobs);
    if (inside) {
      carve[i] = 1;
      rc = sbp__group_add_entry(c, S_READ_CARVE, SBP_ALLOW, "file-read*", e, 0);
    } else if (deny_all) {
      rc = sbp__group_add_entry(c, S_READ_BROAD, SBP_ALLOW, "file-read*", e, 0);
    } else if (sbp__policy_warn(p,
                                "read-allow[%u] \"%s\" has no effect: it is inside no "
                                "denied tree and reads are allowed everywhere else",
                                (unsigned)e->index, e->text) != SBP_OK) {
      rc = sbp__compiler_fail(c, SBP_E_NOMEM);
    }
  }
  /* The carve-outs as sets, to find the denies nested in them. */
  size_t ncarve = 0;
  for (size_t i = 0; i < p->nentries && carve != NULL; i++) ncarve += carve[i];
  if (rc == SBP_OK && ncarve > 0) {
    for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++) {
      const sbp__pentry *e = &p->entries[i];
      if (!carve[i] || e->kind == SBP_PATH_GLOB) continue;
      for (int s = 0; s < sbp__group_spellings(c, e) && rc == SBP_OK; s++) {
        size_t pl;
        const char *path = sbp__pentry_path(e, s, &pl);
        rc = sbp__strset_add(c->a, e->kind == SBP_PATH_LITERAL ? &clit : &csub, path, pl);
      }
    }
    if (rc != SBP_OK) rc = sbp__compiler_fail(c, SBP_E_NOMEM);
    /* Glob carve-outs, compiled only among the carve-outs. */
    if (rc == SBP_OK) rc = compile_globs(c, SBP_POLICY_READ_ALLOW, &cglobs, &ncglobs);
    size_t keep = 0;
    for (size_t k = 0; k < ncglobs; k++) {
      if (carve[(size_t)(cglobs[k].e - p->entries)]) cglobs[keep++] = cglobs[k];
      else sbp_regex_free(cglobs[k].re);
    }
    ncglobs = keep;
  }
  int root_denied = 0;
  for (size_t i = 0; i < p->nentries && rc == SBP_OK && ndeny > 0; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_READ_DENY) continue;
    rc = sbp__group_add_entry(c, S_READ_DENY, SBP_DENY, "file-read*", e, 1);
    if (e->kind == SBP_PATH_SUBTREE && e->path_len == 1) root_denied = 1;
    if (e->kind == SBP_PATH_GLOB && e->base_len == 1 && !root_denied) {
      const char *re;
      size_t rl;
      int m = 0;
      if ((rc = sbp__group_glob_regex(c, sbp__pentry_path0(e), e->path_len, 1, &re, &rl)) !=
          SBP_OK)
        break;
      if (sbp_regex_match(re, rl, "/", 1, c->a, &m, NULL) == SBP_E_NOMEM) {
        rc = sbp__compiler_fail(c, SBP_E_NOMEM);
        break;
      }
      root_denied = m;
    }
    if (rc != SBP_OK || ncarve == 0) continue;
    if (e->kind != SBP_PATH_GLOB) {
      int nested = 0;
      for (int s = 0; s < sbp__group_spellings(c, e) && !nested; s++)
        nested = covered(e, s, &clit, &csub, cglobs, ncglobs);
      if (nested) rc = sbp__group_add_entry(c, S_READ_REDENY, SBP_DENY, "file-read*", e, 1);
      continue;
    }
    /* A glob deny after the carve-outs, minus the carve-outs it covers (those are more
     * specific than it): leaf-shaped globs (**\/.env) cover none and stay whole. */
    sbp__group *g = sbp__group_get(c, S_READ_REDENY, SBP_DENY, "file-read*");
    if (g == NULL) {
      rc = c->rc;
      goto done;
    }
    for (int s = 0; s < sbp__group_spellings(c, e) && rc == SBP_OK; s++) {
      const char *re;
      size_t rl, pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if ((rc = sbp__group_glob_regex(c, path, pl, 1, &re, &rl)) != SBP_OK) break;
      sbp_regex *cre = NULL;
      if (sbp_regex_compile(re, rl, c->a, &cre, NULL) == SBP_E_NOMEM) {
        rc = sbp__compiler_fail(c, SBP_E_NOMEM);
        break;
      }
      size_t nn = 0;
      sbp__spec *nots = NULL;
      for (size_t k = 0; k < p->nentries && rc == SBP_OK; k++) {
        if (carve == NULL || !carve[k]) continue;
        const sbp__pentry *a = &p->entries[k];
        for (int t = 0; t < sbp__group_spellings(c, a); t++) {
          size_t bl;
          const char *base = sbp__pentry_base(a, t, &bl);
          if (cre == NULL || sbp_regex_search(cre, base, bl) != 1) continue;
          if (nots == NULL) {
            nots = sbp__arena_alloc(&c->arena, sizeof(sbp__spec) * ncarve * 2);
            if (nots == NULL) {
              rc = sbp__compiler_fail(c, SBP_E_NOMEM);
              break;
            }
          }
          sbp__spec *ns = &nots[nn++];
          memset(ns, 0, sizeof(*ns));
          size_t al;
          const char *apath = sbp__pentry_path(a, t, &al);
          if (a->kind == SBP_PATH_GLOB) {
            ns->type = F_REGEX;
            if ((rc = sbp__group_glob_regex(c, apath, al, 0, &ns->text, &ns->len)) != SBP_OK)
              break;
          } else {
            ns->type = a->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
            sbp__spec_set_path(ns, apath, al);
          }
        }
      }
      sbp_regex_free(cre);
      if (rc != SBP_OK) break;
      sbp__spec *sp = sbp__group_spec(c, g, nn > 0 ? F_CARVE : F_REGEX);
      if (sp == NULL) {
        rc = c->rc;
        goto done;
      }
      sp->sub = F_REGEX;
      sp->text = re;
      sp->len = rl;
      sp->u.nots = nots;
      sp->n.nnots = (uint32_t)nn;
    }
    if (rc == SBP_OK) rc = sbp__group_label(c, g, "read-deny", (long)e->index);
  }
  if (rc == SBP_OK && root_denied) {
    sbp__group *g = sbp__group_get(c, S_READ_META, SBP_ALLOW, "file-read*");
    rc = g ? sbp__group_add_path(c, g, F_LITERAL, "/", 1) : c->rc;
    if (rc == SBP_OK) rc = sbp__group_label(c, g, "root directory (dyld needs it)", -1);
  }
  if (rc == SBP_OK && (ndeny > 0 || deny_all) &&
      sbp_policy_option_get(p, SBP_POLICY_DIRECTORY_METADATA))
    rc = sbp__group_add_named(c, S_READ_META, SBP_ALLOW, "file-read-metadata", F_CONST,
                              "vnode-type", "DIRECTORY", "option directory-metadata");
done:
  sbp__strset_free(c->a, &dlit);
  sbp__strset_free(c->a, &dsub);
  sbp__strset_free(c->a, &clit);
  sbp__strset_free(c->a, &csub);
  free_globs(c, dglobs, ndglobs);
  free_globs(c, cglobs, ncglobs);
  sbp__free(c->a, carve);
  return rc;
}

int sbp__files_protection_on(const sbp_policy *p, size_t i) {
  return !(p->protections_off & (1u << i));
}

/* The regex of one protection over its globs: any folder, then one of its names, then
 * anything beneath (with parents set: the first folder of each multi-component name). */
int sbp__files_protection_regex(sbp__compiler *c, size_t i, int parents, const char **out,
                                size_t *out_len) {
  const char *globs = sbp_policy_protection_globs(i);
  sbp_buf b = SBP_BUF_INIT;
  int rc = sbp__buf_puts(&b, c->a, "^/(.*/)?(");
  size_t names = 0;
  while (*globs && rc == SBP_OK) {
    const char *end = strchr(globs, '\n');
    size_t n = end ? (size_t)(end - globs) : strlen(globs);
    const char *name = globs + 3; /* after "**" "/" */
    size_t nl = n - 3;
    if (parents) {
      const char *slash = memchr(name, '/', nl);
      nl = slash ? (size_t)(slash - name) : 0;
    }
    /* A folder named twice (.claude of .claude/commands and .claude/agents) once. */
    int seen = 0;
    for (const char *g = sbp_policy_protection_globs(i); g < globs && !seen; g++)
      seen = parents && strncmp(g, globs, 3 + nl) == 0 && (g[3 + nl] == '/');
    if (nl > 0 && !seen) {
      if (names++ > 0) rc = sbp__buf_putc(&b, c->a, '|');
      if (rc == SBP_OK) rc = sbp__regex_escape(&b, c->a, name, nl);
    }
    globs += n + (end ? 1 : 0);
  }
  if (rc == SBP_OK) rc = sbp__buf_puts(&b, c->a, parents ? ")$" : ")(/.*)?$");
  *out = NULL;
  *out_len = 0;
  if (rc == SBP_OK && names > 0) {
    *out = sbp__arena_strndup(&c->arena, b.ptr, b.len);
    *out_len = b.len;
    if (*out == NULL) rc = SBP_E_NOMEM;
  }
  sbp_buf_dispose(&b);
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
}

int sbp__files_writes(sbp__compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  int allow_all = p->write_mode == SBP_WRITE_ALLOW_ALL;
  sbp__strset dlit = {0}, dsub = {0};
  if (allow_all)
    rc = sbp__group_add_unfiltered(c, S_WRITE_BROAD, SBP_ALLOW, "file-write*",
                                   "write mode allow-all");
  if (rc == SBP_OK) rc = list_sets(c, SBP_POLICY_WRITE_DENY, &dlit, &dsub);
  for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++) {
    if (c->lists[i] != SBP_POLICY_WRITE_ALLOW && c->lists[i] != SBP_POLICY_WRITE_DENY) continue;
    const sbp__pentry *e = &p->entries[i];
    if (e->list == SBP_POLICY_WRITE_ALLOW) {
      if (e->kind != SBP_PATH_GLOB &&
          sbp__strset_has(e->kind == SBP_PATH_LITERAL ? &dlit : &dsub, sbp__pentry_path0(e),
                          e->path_len)) {
        if (sbp__policy_warn(p,
                             "write-allow[%u] \"%s\" is also in the write-deny list: deny "
                             "wins",
                             (unsigned)e->index, e->text) != SBP_OK)
          rc = sbp__compiler_fail(c, SBP_E_NOMEM);
        continue;
      }
      if (allow_all) {
        if (sbp__policy_warn(p,
                             "write-allow[%u] \"%s\" has no effect: writes are allowed "
                             "everywhere",
                             (unsigned)e->index, e->text) != SBP_OK)
          rc = sbp__compiler_fail(c, SBP_E_NOMEM);
        continue;
      }
      rc = sbp__group_add_entry(c, S_WRITE_BROAD, SBP_ALLOW, "file-write*", e, 0);
    } else if (e->list == SBP_POLICY_WRITE_DENY) {
      rc = sbp__group_add_entry(c, S_WRITE_DENY, SBP_DENY, "file-write*", e, 1);
    }
  }
  sbp__strset_free(c->a, &dlit);
  sbp__strset_free(c->a, &dsub);
  for (size_t i = 0; i < sbp_policy_protection_count() && rc == SBP_OK; i++) {
    if (!sbp__files_protection_on(p, i)) continue;
    const char *re;
    size_t rl;
    if ((rc = sbp__files_protection_regex(c, i, 0, &re, &rl)) != SBP_OK) break;
    char label[64];
    snprintf(label, sizeof label, "protection %s", sbp_policy_protection_name(i));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
    sbp__group *g = sbp__group_get(c, S_WRITE_DENY, SBP_DENY, "file-write*");
    if (g == NULL) return c->rc;
    if (re != NULL) {
      rc = sbp__group_add_path(c, g, F_REGEX, re, rl);
    } else if (p->has_settings) {
      for (int s = 0; s < sbp__group_spellings(c, &p->settings) && rc == SBP_OK; s++)
        rc = sbp__group_add_entry_spec(c, g, &p->settings, s, 1);
    } else {
      continue;
    }
    if (rc == SBP_OK) rc = sbp__group_label(c, g, l, -1);
  }
  return rc;
}
