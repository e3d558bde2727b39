/* Compiling policies: rename protection (policy_move.h). */
#include "policy_move.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_files.h"
#include "sbprofile/regex.h"

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The write roots (write-allow paths and glob bases) into c->roots, with their ancestors. */
static int collect_roots(sbp__compiler *c) {
  sbp_policy *p = c->p;
  /* Room for the roots and a quarter more for their ancestors, grown if there are more. */
  size_t n = p->list_counts[SBP_POLICY_WRITE_ALLOW];
  if (n > 0 && sbp__rootset_reserve(c->a, &c->roots, n + n / 4 + 1) != SBP_OK)
    return sbp__compiler_fail(c, SBP_E_NOMEM);
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_WRITE_ALLOW) continue;
    for (int s = 0; s < sbp__group_spellings(c, e); s++) {
      size_t bl;
      const char *base = sbp__pentry_base(e, s, &bl);
      uint32_t had;
      if (sbp__rootset_add(c->a, &c->roots, base, bl, SBP__ROOT, &had) != SBP_OK)
        return sbp__compiler_fail(c, SBP_E_NOMEM);
      if (!(had & SBP__ROOT)) c->nsorted++;
      if (bl == 1) {
        c->slash_root = 1;
        continue;
      }
      /* Its ancestors, up to the first one already known as one (so are those above it). */
      for (size_t k = bl - 1; k > 0; k--) {
        if (base[k] != '/') continue;
        if (sbp__rootset_add(c->a, &c->roots, base, k, SBP__ANCESTOR, &had) != SBP_OK)
          return sbp__compiler_fail(c, SBP_E_NOMEM);
        if (had & SBP__ANCESTOR) break;
      }
      if (sbp__rootset_add(c->a, &c->roots, "/", 1, SBP__ANCESTOR, NULL) != SBP_OK)
        return sbp__compiler_fail(c, SBP_E_NOMEM);
    }
  }
  return SBP_OK;
}

/* The distinct write roots in c->sorted_roots, sorted (once). */
static int sort_roots(sbp__compiler *c) {
  if (c->sorted_roots != NULL || c->nsorted == 0) return SBP_OK;
  c->sorted_roots = sbp__calloc(c->a, c->nsorted, sizeof(char *));
  if (c->sorted_roots == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
  size_t n = 0;
  for (size_t i = 0; i < c->roots.cap; i++)
    if (c->roots.slots[i].key != NULL && (c->roots.slots[i].meta & SBP__ROOT))
      c->sorted_roots[n++] = c->roots.slots[i].key;
  qsort((void *)c->sorted_roots, n, sizeof(char *), cmp_str);
  return SBP_OK;
}

/* The first index of sorted_roots at or after dir + "/" (every root strictly beneath dir
 * follows from there). */
static size_t roots_from(const sbp__compiler *c, const char *dir, size_t len) {
  if (len == 1) /* beneath "/": every root but "/" itself, which sorts first */
    return c->nsorted > 0 && c->sorted_roots[0][1] == '\0' ? 1 : 0;
  size_t lo = 0, hi = c->nsorted;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *r = c->sorted_roots[mid];
    int cmp = strncmp(r, dir, len);
    if (cmp == 0) cmp = r[len] == '\0' ? -1 : (r[len] < '/' ? -1 : (r[len] == '/' ? 0 : 1));
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static int strictly_beneath(const char *r, const char *dir, size_t len) {
  if (len == 1) return r[0] == '/' && r[1] != '\0';
  return strncmp(r, dir, len) == 0 && r[len] == '/';
}

/* Could a write root move path: is a root at or above it, or beneath it? One walk down its
 * ancestors, which ends at the first that is neither a root nor above one. */
static int exposed(const sbp__compiler *c, const char *path, size_t len) {
  if (c->slash_root) return 1;
  if (len == 1) return sbp__rootset_tag(&c->roots, path, 1) != 0;
  for (size_t k = 2; k <= len; k++) {
    if (k < len && path[k] != '/') continue;
    uint32_t t = sbp__rootset_tag(&c->roots, path, k);
    if (t & SBP__ROOT) return 1;
    if (t == 0) return 0;
  }
  return 1; /* path is above a root */
}

/* Adds literal filters for the ancestors of path (and path itself when self) that a write
 * root makes writable, or all of them when writes are allowed everywhere. */
static int pin_ancestors(sbp__compiler *c, sbp__group *g, const char *path, size_t len,
                         int self) {
  int writable = c->p->write_mode == SBP_WRITE_ALLOW_ALL || c->slash_root;
  if (len <= 1) return SBP_OK; /* the root directory is never pinned */
  for (size_t k = 1; k <= len; k++) {
    if (k < len && path[k] != '/') continue;
    if (k == len && !self) break;
    if (!writable) {
      uint32_t t = sbp__rootset_tag(&c->roots, path, k);
      if (t == 0) return SBP_OK; /* no root here or beneath: nothing further is writable */
      writable = (t & SBP__ROOT) != 0;
    }
    if (writable) {
      int rc = sbp__group_add_path(c, g, F_LITERAL, path, k);
      if (rc != SBP_OK) return rc;
    }
  }
  return SBP_OK;
}

/* Appends an exception (a subpath, or a glob's regex) to nots. */
static int add_not(sbp__compiler *c, sbp__spec **nots, size_t *nn, size_t *cap,
                   const sbp__pentry *a, int t, const char *root) {
  size_t pl;
  const char *path = root ? root : sbp__pentry_path(a, t, &pl);
  if (root) pl = strlen(root);
  for (size_t i = 0; i < *nn && (root || a->kind != SBP_PATH_GLOB); i++)
    if ((*nots)[i].type != F_REGEX && (*nots)[i].len == pl &&
        memcmp((*nots)[i].text, path, pl) == 0)
      return SBP_OK;
  if (*nn == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    sbp__spec *ns = sbp__arena_alloc(&c->arena, ncap * sizeof(sbp__spec));
    if (ns == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
    if (*nn > 0) memcpy(ns, *nots, *nn * sizeof(sbp__spec));
    *nots = ns;
    *cap = ncap;
  }
  sbp__spec *n = &(*nots)[(*nn)++];
  memset(n, 0, sizeof(*n));
  if (root != NULL) {
    n->type = F_SUBPATH;
    sbp__spec_set_path(n, root, strlen(root));
  } else if (a->kind == SBP_PATH_GLOB) {
    n->type = F_REGEX;
    return sbp__group_glob_regex(c, path, pl, 0, &n->text, &n->len);
  } else {
    n->type = a->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
    sbp__spec_set_path(n, path, pl);
  }
  return SBP_OK;
}

/* The unlink deny of a read-denied entry's spelling s, minus the write roots and read
 * carve-outs inside it: those may be cleaned up, only the denied files must stay put. */
static int add_exposed_deny(sbp__compiler *c, sbp__group *g, const sbp__pentry *e, int s) {
  sbp_policy *p = c->p;
  int glob = e->kind == SBP_PATH_GLOB;
  size_t bl, tl;
  const char *base = sbp__pentry_base(e, s, &bl);
  sbp_regex *re = NULL;
  const char *text = sbp__pentry_path(e, s, &tl);
  int rc = SBP_OK;
  if (glob) {
    if ((rc = sbp__group_glob_regex(c, text, tl, 1, &text, &tl)) != SBP_OK) return rc;
    if (sbp_regex_compile(text, tl, c->a, &re, NULL) == SBP_E_NOMEM)
      return sbp__compiler_fail(c, SBP_E_NOMEM);
  }
  sbp__spec *nots = NULL;
  size_t nn = 0, cap = 0;
  if (e->kind != SBP_PATH_LITERAL && sort_roots(c) != SBP_OK) rc = c->rc;
  if (e->kind != SBP_PATH_LITERAL && rc == SBP_OK) {
    for (size_t k = roots_from(c, base, bl); k < c->nsorted && rc == SBP_OK; k++) {
      const char *r = c->sorted_roots[k];
      if (!strictly_beneath(r, base, bl)) break;
      if (glob && (re == NULL || sbp_regex_search(re, r, strlen(r)) != 1)) continue;
      if (nn > 0 && strcmp(nots[nn - 1].text, r) == 0) continue;
      rc = add_not(c, &nots, &nn, &cap, NULL, 0, r);
    }
    for (size_t k = 0; k < p->nentries && rc == SBP_OK; k++) {
      const sbp__pentry *a = &p->entries[k];
      if (c->lists[k] != SBP_POLICY_READ_ALLOW) continue;
      for (int t = 0; t < sbp__group_spellings(c, a) && rc == SBP_OK; t++) {
        size_t abl;
        const char *abase = sbp__pentry_base(a, t, &abl);
        int inside = glob ? re != NULL && sbp_regex_search(re, abase, abl) == 1
                          : strictly_beneath(abase, base, bl);
        if (inside) rc = add_not(c, &nots, &nn, &cap, a, t, NULL);
      }
    }
  }
  sbp_regex_free(re);
  if (rc != SBP_OK) return rc;
  if (nn == 0) return sbp__group_add_entry_spec(c, g, e, s, 1);
  sbp__spec *sp = sbp__group_spec(c, g, F_CARVE);
  if (sp == NULL) return c->rc;
  sp->sub = (uint8_t)(glob ? F_REGEX : F_SUBPATH);
  sp->text = text;
  sp->len = tl;
  sp->u.nots = nots;
  sp->n.nnots = (uint32_t)nn;
  return SBP_OK;
}

int sbp__move_protection(sbp__compiler *c) {
  sbp_policy *p = c->p;
  if (!sbp_policy_option_get(p, SBP_POLICY_MOVE_PROTECTION)) return SBP_OK;
  int allow_all = p->write_mode == SBP_WRITE_ALLOW_ALL;
  if (!allow_all && collect_roots(c) != SBP_OK) return c->rc;
  if (!allow_all && c->nsorted == 0) return SBP_OK; /* nothing is writable: nothing moves */
  sbp__group *g = sbp__group_get(c, S_MOVE, SBP_DENY, "file-write-unlink");
  if (g == NULL) return c->rc;
  int rc = SBP_OK;
  const sbp__pentry *settings = p->has_settings ? &p->settings : NULL;
  for (size_t i = 0; i <= p->nentries && rc == SBP_OK; i++) {
    if (i < p->nentries && c->lists[i] != SBP_POLICY_READ_DENY &&
        c->lists[i] != SBP_POLICY_WRITE_DENY)
      continue;
    const sbp__pentry *e = i < p->nentries ? &p->entries[i] : settings;
    if (e == NULL) break;
    int read_deny = e->list == SBP_POLICY_READ_DENY;
    if (!read_deny && e->list != SBP_POLICY_WRITE_DENY && e != settings) continue;
    size_t before = g->nspecs;
    for (int s = 0; s < sbp__group_spellings(c, e) && rc == SBP_OK; s++) {
      size_t bl;
      const char *base = sbp__pentry_base(e, s, &bl);
      int glob = e->kind == SBP_PATH_GLOB;
      if (read_deny) {
        /* The denied path itself, where a write root could let it be moved. */
        if (!allow_all && !exposed(c, base, bl)) continue;
        if ((rc = add_exposed_deny(c, g, e, s)) != SBP_OK) break;
      }
      if (rc == SBP_OK) rc = pin_ancestors(c, g, base, bl, glob);
    }
    if (rc == SBP_OK && g->nspecs > before)
      rc = sbp__group_label(
          c, g, e == settings ? "protection settings-file" : sbp__policy_list_name(e->list),
          e == settings ? -1 : (long)e->index);
  }
  /* The folders the multi-component protections live in (.git of .git/hooks). */
  for (size_t i = 0; i < sbp_policy_protection_count() && rc == SBP_OK; i++) {
    if (!sbp__files_protection_on(p, i)) continue;
    const char *re;
    size_t rl;
    if ((rc = sbp__files_protection_regex(c, i, 1, &re, &rl)) != SBP_OK || re == NULL) continue;
    char label[64];
    snprintf(label, sizeof label, "protection %s", sbp_policy_protection_name(i));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
    rc = sbp__group_add_path(c, g, F_REGEX, re, rl);
    if (rc == SBP_OK) rc = sbp__group_label(c, g, l, -1);
  }
  return rc;
}
