/* Look-ups over the generated catalog tables (catalog_data.c): the internal interface of
 * catalog.h and the public one of sbprofile/catalog.h. Every table is sorted by byte order,
 * so each look-up is a binary search; nothing allocates except the text formatters. */
#include "catalog.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "catalog_data.h"
#include "error.h"
#include "sbprofile/catalog.h"

/* ---- helpers ----------------------------------------------------------------------------- */

/* Compares the NUL-terminated a with s[0..len) in byte order. */
static int cmp_name(const char *a, const char *s, size_t len) {
  size_t i = 0;
  for (; i < len; i++) {
    unsigned char ca = (unsigned char)a[i], cs = (unsigned char)s[i];
    if (ca == 0) return -1;
    if (ca != cs) return ca < cs ? -1 : 1;
  }
  return a[i] == 0 ? 0 : 1;
}

static int vindex(uint32_t macos) {
  if (macos == 0) macos = sbp_catalog_newest();
  for (int i = 0; i < SBP__CAT_NVERSIONS; i++)
    if (sbp__cat_versions[i].macos == macos) return i;
  return -1;
}

/* The version's entry when it has all of `need`, else NULL. */
static const sbp__cat_version *version_with(uint32_t macos, unsigned need) {
  int i = vindex(macos);
  if (i < 0 || (sbp__cat_versions[i].flags & need) != need) return NULL;
  return &sbp__cat_versions[i];
}

static const sbp__op_info *find_op(const sbp__cat_version *v, const char *name, size_t len) {
  size_t lo = 0, hi = v->n_ops;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(v->ops[mid].name, name, len);
    if (c == 0) return &v->ops[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static const sbp__filter_info *find_filter(const sbp__cat_version *v, const char *s,
                                           size_t len) {
  size_t lo = 0, hi = v->n_filters;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(v->filters[mid].spelling, s, len);
    if (c == 0) return &v->filters[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static const sbp__cat_alias *find_alias(const char *name, size_t len) {
  size_t lo = 0, hi = sbp__cat_naliases;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(sbp__cat_op_aliases[mid].name, name, len);
    if (c == 0) return &sbp__cat_op_aliases[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* The alias row for name that applies in version index vi, or NULL. */
static const sbp__cat_alias *alias_in(int vi, const char *name, size_t len) {
  const sbp__cat_alias *a = find_alias(name, len);
  if (a == NULL || vi < 0 || !(a->versions & (1u << vi))) return NULL;
  return a;
}

static const sbp__cat_name *find_op_name(const char *name, size_t len) {
  size_t lo = 0, hi = sbp__cat_nopnames;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(sbp__cat_op_names[mid].name, name, len);
    if (c == 0) return &sbp__cat_op_names[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* First constant row whose (base, name) is not below the key. */
static size_t constants_lower(const char *base, size_t blen, const char *name, size_t nlen) {
  size_t lo = 0, hi = sbp__cat_nconstants;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(sbp__cat_constants[mid].base, base, blen);
    if (c == 0) c = cmp_name(sbp__cat_constants[mid].name, name, nlen);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static int find_constant(int vi, const char *base, size_t blen, const char *name, size_t nlen,
                         int64_t *out) {
  for (size_t i = constants_lower(base, blen, name, nlen); i < sbp__cat_nconstants; i++) {
    const sbp__cat_constant *k = &sbp__cat_constants[i];
    if (cmp_name(k->base, base, blen) != 0 || cmp_name(k->name, name, nlen) != 0) break;
    if (k->versions & (1u << vi)) {
      *out = k->value;
      return 1;
    }
  }
  return 0;
}

static const sbp__modifier_info *find_modifier(int vi, const char *name, size_t len) {
  size_t lo = 0, hi = sbp__cat_nmodifiers;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_name(sbp__cat_modifiers[mid].name, name, len) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; i < sbp__cat_nmodifiers; i++) {
    const sbp__modifier_info *m = &sbp__cat_modifiers[i];
    if (cmp_name(m->name, name, len) != 0) break;
    if (m->versions & (1u << vi)) return m;
  }
  return NULL;
}

static int category_index(const char *cat, size_t len) {
  static const char iokit_filter_side[] = "iokit-registry-entry-class";
  if (cmp_name(iokit_filter_side, cat, len) == 0) {
    cat = "iokit-user-client";
    len = strlen(cat);
  }
  for (size_t i = 0; i < sbp__cat_ncategories; i++)
    if (cmp_name(sbp__cat_categories[i], cat, len) == 0) return (int)i;
  return -1;
}

static int op_accepts(const sbp__op_info *op, const char *cat, size_t len) {
  int i = category_index(cat, len);
  if (i >= 0 && (op->categories >> i) & 1u) return 1;
  return op->categories_known == 1 ? 0 : -1;
}

/* Quoted input for messages. */
#define QUOTE(buf, s, len) ((buf)[0] = '\0', sbp__error_quote((buf), sizeof(buf), (s), (len), 80))

static const char *vlabel(const sbp__cat_version *v) { return v->label; }

/* ---- internal interface (catalog.h) ------------------------------------------------------ */

uint32_t sbp__catalog_version(uint32_t macos) {
  const sbp__cat_version *v = version_with(macos, SBP__CAT_TARGET);
  return v ? v->macos : 0;
}

const char *sbp__catalog_op_alias_v(uint32_t macos, const char *name, size_t len,
                                    size_t *out_len) {
  const sbp__cat_alias *a = alias_in(vindex(macos), name, len);
  if (a == NULL || a->target == NULL) {
    if (out_len) *out_len = len;
    return name;
  }
  if (out_len) *out_len = strlen(a->target);
  return a->target;
}

const char *sbp__catalog_op_alias(const char *name, size_t len, size_t *out_len) {
  return sbp__catalog_op_alias_v(0, name, len, out_len);
}

int sbp__catalog_op_noop(uint32_t macos, const char *name, size_t len) {
  const sbp__cat_alias *a = alias_in(vindex(macos), name, len);
  return a != NULL && a->target == NULL;
}

int sbp__catalog_op_alias_weak(uint32_t macos, const char *name, size_t len) {
  const sbp__cat_alias *a = alias_in(vindex(macos), name, len);
  return a != NULL && a->weak;
}

const sbp__op_info *sbp__catalog_op_raw(uint32_t macos, const char *name, size_t len) {
  const sbp__cat_version *v = version_with(macos, SBP__CAT_HAS_OPS);
  if (v == NULL || (name == NULL && len > 0)) return NULL;
  return find_op(v, name, len);
}

const sbp__op_info *sbp__catalog_op(uint32_t macos, const char *name, size_t len) {
  if (name == NULL && len > 0) return NULL;
  if (sbp__catalog_op_noop(macos, name, len)) return NULL;
  size_t tlen = 0;
  const char *t = sbp__catalog_op_alias_v(macos, name, len, &tlen);
  return sbp__catalog_op_raw(macos, t, tlen);
}

const sbp__op_info *sbp__catalog_op_parent(const sbp__op_info *op) {
  if (op == NULL || op->parent == NULL || op->version >= SBP__CAT_NVERSIONS) return NULL;
  return find_op(&sbp__cat_versions[op->version], op->parent, strlen(op->parent));
}

uint32_t sbp__catalog_op_name_versions(const char *name, size_t len) {
  if (name == NULL && len > 0) return 0;
  const sbp__cat_name *n = find_op_name(name, len);
  return n ? n->versions : 0;
}

const sbp__filter_info *sbp__catalog_filter(uint32_t macos, const char *spelling, size_t len) {
  const sbp__cat_version *v = version_with(macos, SBP__CAT_HAS_FILTERS);
  if (v == NULL || (spelling == NULL && len > 0)) return NULL;
  return find_filter(v, spelling, len);
}

int sbp__catalog_constant(uint32_t macos, const char *base, const char *name, size_t len,
                          int64_t *out) {
  int vi = vindex(macos);
  if (vi < 0 || !(sbp__cat_versions[vi].flags & SBP__CAT_HAS_FILTERS) || base == NULL ||
      (name == NULL && len > 0) || out == NULL)
    return 0;
  size_t blen = strlen(base);
  if (find_constant(vi, base, blen, name, len, out)) return 1;
  /* A spelling (to, from, literal) stands for its base filter. */
  const sbp__filter_info *f = find_filter(&sbp__cat_versions[vi], base, blen);
  if (f != NULL && strcmp(f->base, base) != 0)
    return find_constant(vi, f->base, strlen(f->base), name, len, out);
  return 0;
}

int sbp__catalog_op_accepts(uint32_t macos, const char *op, const char *category) {
  if (op == NULL || category == NULL) return -1;
  const sbp__op_info *o = sbp__catalog_op(macos, op, strlen(op));
  if (o == NULL) return -1;
  return op_accepts(o, category, strlen(category));
}

/* ---- public: versions -------------------------------------------------------------------- */

int sbp_macos_version_parse(const char *text, size_t len, uint32_t *out, sbp_error *err) {
  if (out == NULL || (text == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "macOS version: %s is NULL",
                      out == NULL ? "out" : "text");
  if (len == 0) return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, 1, 0, "empty macOS version");
  uint32_t part[3] = {0, 0, 0};
  size_t nparts = 0, digits = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || text[i] == '.') {
      if (digits == 0)
        return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, (uint32_t)i + 1, i,
                             "macOS version: empty part at column %zu", i + 1);
      if (i < len && nparts == 2)
        return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, (uint32_t)i + 1, i,
                             "macOS version: more than three parts");
      nparts++;
      digits = 0;
      continue;
    }
    unsigned char c = (unsigned char)text[i];
    if (c < '0' || c > '9') {
      char q[16];
      QUOTE(q, text + i, 1);
      return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, (uint32_t)i + 1, i,
                           "macOS version: unexpected '%s' at column %zu", q, i + 1);
    }
    part[nparts] = part[nparts] * 10u + (uint32_t)(c - '0');
    if (++digits > 3 || part[nparts] > 255u)
      return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, (uint32_t)i + 1, i,
                           "macOS version: part %zu is out of range (0-255)", nparts + 1);
  }
  if (part[0] == 0)
    return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, 1, 0,
                         "macOS version: the major version cannot be 0");
  *out = SBP_MACOS_VERSION(part[0], part[1], part[2]);
  return SBP_OK;
}

static const sbp_alloc *alloc_or_default(const sbp_alloc *a) {
  return a ? a : sbp_alloc_default();
}

/* Empties out (keeping its memory) and makes sure it holds a NUL-terminated buffer. */
static int buf_reset(sbp_buf *out, const sbp_alloc *alloc) {
  sbp__buf_truncate(out, 0);
  return sbp__buf_grow(out, alloc, 0);
}

static int put_version(sbp_buf *out, const sbp_alloc *a, uint32_t v) {
  uint32_t maj = (v >> 16) & 0xffu, min = (v >> 8) & 0xffu, pat = v & 0xffu;
  /* a failed write keeps its status in rc (SBP_OK or SBP_E_NOMEM): looked at once */
  int rc = sbp__buf_put_int(out, a, maj);
  if (min || pat) {
    rc |= sbp__buf_putc(out, a, '.');
    rc |= sbp__buf_put_int(out, a, min);
  }
  if (pat) {
    rc |= sbp__buf_putc(out, a, '.');
    rc |= sbp__buf_put_int(out, a, pat);
  }
  return rc;
}

int sbp_macos_version_format(uint32_t version, const sbp_alloc *alloc, sbp_buf *out,
                             sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "macOS version: out is NULL");
  if (version == 0 || version > 0xffffffu)
    return sbp__error(err, SBP_E_INVALID_ARG, "macOS version: %s",
                      version == 0 ? "0 stands for the newest known; it has no text"
                                   : "not a version number");
  const sbp_alloc *a = alloc_or_default(alloc);
  int rc = buf_reset(out, a);
  if (rc == SBP_OK) rc = put_version(out, a, version);
  if (rc != SBP_OK) {
    sbp__buf_truncate(out, 0);
    return sbp__nomem(err);
  }
  return SBP_OK;
}

uint32_t sbp_catalog_newest(void) {
  uint32_t best = 0;
  for (int i = 0; i < SBP__CAT_NVERSIONS; i++)
    if ((sbp__cat_versions[i].flags & SBP__CAT_TARGET) && sbp__cat_versions[i].macos > best)
      best = sbp__cat_versions[i].macos;
  return best;
}

size_t sbp_catalog_version_count(void) { return SBP__CAT_NVERSIONS; }

uint32_t sbp_catalog_version_at(size_t index) {
  return index < SBP__CAT_NVERSIONS ? sbp__cat_versions[index].macos : 0;
}

uint32_t sbp_catalog_version_flags(uint32_t version) {
  int i = vindex(version);
  if (i < 0) return 0;
  uint32_t f = 0, have = sbp__cat_versions[i].flags;
  if (have & SBP__CAT_HAS_OPS) f |= SBP_CATALOG_HAS_OPERATIONS;
  if (have & SBP__CAT_HAS_FILTERS) f |= SBP_CATALOG_HAS_FILTERS;
  if (have & SBP__CAT_TARGET) f |= SBP_CATALOG_TARGET;
  return f;
}

uint32_t sbp_catalog_version_nearest(uint32_t version) {
  if (version == 0) return sbp_catalog_newest();
  uint32_t best = 0;
  for (int i = 0; i < SBP__CAT_NVERSIONS; i++) {
    const sbp__cat_version *v = &sbp__cat_versions[i];
    if ((v->flags & SBP__CAT_TARGET) && v->macos <= version && v->macos > best) best = v->macos;
  }
  return best;
}

int sbp_macos_version_resolve(const char *text, size_t len, uint32_t *requested, uint32_t *used,
                              sbp_error *err) {
  uint32_t v = 0;
  if (used == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "macOS version: used is NULL");
  int rc = sbp_macos_version_parse(text, len, &v, err);
  if (rc != SBP_OK) return rc;
  uint32_t near = sbp_catalog_version_nearest(v);
  if (near == 0) {
    uint32_t oldest = sbp_catalog_version_nearest(SBP_MACOS_VERSION(255, 255, 255));
    for (int i = 0; i < SBP__CAT_NVERSIONS; i++)
      if ((sbp__cat_versions[i].flags & SBP__CAT_TARGET) && sbp__cat_versions[i].macos < oldest)
        oldest = sbp__cat_versions[i].macos;
    return sbp__error(err, SBP_E_NOT_FOUND,
                      "macOS %.*s is older than every version the catalog knows (%u.%u is the "
                      "oldest)", (int)(len > 20 ? 20 : len), text, (unsigned)(oldest >> 16),
                      (unsigned)((oldest >> 8) & 0xffu));
  }
  if (requested) *requested = v;
  *used = near;
  return SBP_OK;
}

/* Edit distance with swaps of neighbours (optimal string alignment); stops early once every
 * cell of a row passes limit, returning limit + 1. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m, size_t limit) {
  size_t rows[3][65];
  size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++) prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    size_t best = cur[0];
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t d = prev[j - 1] + cost;
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
        d = pp[j - 2] + 1;
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    size_t *t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

static const char *kind_name_at(uint32_t version, int kind, size_t i, int *more) {
  if (kind == SBP_CATALOG_NAME_OPERATION) {
    const sbp_catalog_op *op = sbp_catalog_op_at(version, i);
    *more = op != NULL;
    return op ? sbp_catalog_op_name(op) : NULL;
  }
  const sbp_catalog_filter *f = sbp_catalog_filter_at(version, i);
  *more = f != NULL;
  if (f == NULL || (sbp_catalog_filter_flags(f) & SBP_CATALOG_FILTER_INTERNAL)) return NULL;
  return sbp_catalog_filter_base(f);
}

const char *sbp_catalog_suggest(uint32_t version, int kind, const char *name, size_t len) {
  if (name == NULL || len == 0 || len > 64) return NULL;
  if (kind != SBP_CATALOG_NAME_OPERATION && kind != SBP_CATALOG_NAME_ATTRIBUTE) return NULL;
  size_t limit = len / 3 < 3 ? len / 3 : 3;
  if (limit == 0) return NULL;
  const char *best = NULL;
  size_t best_d = limit + 1;
  int more = 1;
  for (size_t i = 0; more; i++) {
    const char *cand = kind_name_at(version, kind, i, &more);
    if (cand == NULL) continue;
    size_t cl = strlen(cand);
    if (cl > 64 || (cl > len ? cl - len : len - cl) > limit) continue;
    size_t d = edit_distance(name, len, cand, cl, limit);
    if (d == 0) return NULL;
    if (d < best_d || (d == best_d && best != NULL && strcmp(cand, best) < 0)) {
      best = cand;
      best_d = d;
    }
  }
  return best;
}

int sbp_catalog_is_attribute(uint32_t version, const char *name, size_t len) {
  if (name == NULL) return 0;
  int more = 1;
  for (size_t i = 0; more; i++) {
    const char *cand = kind_name_at(version, SBP_CATALOG_NAME_ATTRIBUTE, i, &more);
    if (cand != NULL && strlen(cand) == len && memcmp(cand, name, len) == 0) return 1;
  }
  return 0;
}

int sbp_catalog_versions_format(uint32_t mask, const sbp_alloc *alloc, sbp_buf *out,
                                sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "versions: out is NULL");
  const sbp_alloc *a = alloc_or_default(alloc);
  int rc = buf_reset(out, a);
  int first = 1;
  for (int i = 0; rc == SBP_OK && i < SBP__CAT_NVERSIONS; i++) {
    if (!(mask & (1u << i))) continue;
    if (!first) rc = sbp__buf_putc(out, a, ' ');
    if (rc == SBP_OK) rc = sbp__buf_puts(out, a, sbp__cat_versions[i].label);
    first = 0;
  }
  if (rc != SBP_OK) {
    sbp__buf_truncate(out, 0);
    return sbp__nomem(err);
  }
  return SBP_OK;
}

/* ---- public: operations ------------------------------------------------------------------ */

static const sbp__op_info *OP(const sbp_catalog_op *p) {
  return (const sbp__op_info *)(const void *)p;
}
static const sbp_catalog_op *PUB_OP(const sbp__op_info *p) {
  return (const sbp_catalog_op *)(const void *)p;
}

/* The entry of a version that has `need`, or an SBP_E_INVALID_ARG error naming it. */
static const sbp__cat_version *require_version(uint32_t version, unsigned need,
                                               const char *what, sbp_error *err) {
  const sbp__cat_version *v = version_with(version, need);
  if (v != NULL) return v;
  char label[16];
  snprintf(label, sizeof(label), "%u.%u.%u", (unsigned)((version >> 16) & 0xffu),
           (unsigned)((version >> 8) & 0xffu), (unsigned)(version & 0xffu));
  sbp__error(err, SBP_E_INVALID_ARG, "the catalog has no %s for macOS %s", what,
             vindex(version) >= 0 ? sbp__cat_versions[vindex(version)].label : label);
  return NULL;
}

int sbp_catalog_op_lookup(uint32_t version, const char *name, size_t len,
                          const sbp_catalog_op **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "operation look-up: %s is NULL",
                      out == NULL ? "out" : "name");
  const sbp__cat_version *v = require_version(version, SBP__CAT_HAS_OPS, "operation table", err);
  if (v == NULL) return SBP_E_INVALID_ARG;
  char q[96];
  QUOTE(q, name, len);
  int vi = (int)(v - sbp__cat_versions);
  const sbp__cat_alias *a = alias_in(vi, name, len);
  if (a != NULL && a->target == NULL)
    return sbp__error(err, SBP_E_NOT_FOUND,
                      "operation '%s' is bound to 'no-op on macOS %s: a rule naming it is dropped",
                      q, vlabel(v));
  const char *t = a ? a->target : name;
  const sbp__op_info *op = find_op(v, t, a ? strlen(t) : len);
  if (op == NULL) {
    uint32_t m = sbp__catalog_op_name_versions(name, len);
    if (m == 0)
      return sbp__error(err, SBP_E_NOT_FOUND, "unknown operation '%s' (macOS %s)", q, vlabel(v));
    char where[64] = "";
    size_t used = 0;
    for (int i = 0; i < SBP__CAT_NVERSIONS; i++) {
      if (!(m & (1u << i))) continue;
      int n = snprintf(where + used, sizeof(where) - used, "%s%s", used ? " " : "",
                       sbp__cat_versions[i].label);
      if (n < 0 || (size_t)n >= sizeof(where) - used) break;
      used += (size_t)n;
    }
    return sbp__error(err, SBP_E_NOT_FOUND,
                      "operation '%s' is not in the macOS %s table (known in: %s)", q, vlabel(v),
                      where);
  }
  *out = PUB_OP(op);
  return SBP_OK;
}

int sbp_catalog_op_accepts_modifier(const sbp_catalog_op *op, const char *name, size_t len) {
  if (op == NULL || (name == NULL && len > 0)) return -1;
  const sbp__op_info *o = OP(op);
  const sbp__modifier_info *m = find_modifier(o->version, name, len);
  if (m == NULL) return o->categories_known == 1 ? 0 : -1;
  if (m->flags & SBP__MOD_NOOP) return 1;
  for (size_t i = 0; i < sbp__cat_nopmodifiers; i++)
    if (strcmp(sbp__cat_op_modifiers[i], m->canonical) == 0 && ((o->modifiers >> i) & 1u))
      return 1;
  return o->categories_known == 1 ? 0 : -1;
}

size_t sbp_catalog_op_count(uint32_t version) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_OPS);
  return v ? v->n_ops : 0;
}

const sbp_catalog_op *sbp_catalog_op_at(uint32_t version, size_t index) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_OPS);
  return v && index < v->n_ops ? PUB_OP(&v->ops[index]) : NULL;
}

const char *sbp_catalog_op_name(const sbp_catalog_op *op) { return op ? OP(op)->name : NULL; }

const sbp_catalog_op *sbp_catalog_op_parent(const sbp_catalog_op *op) {
  return PUB_OP(sbp__catalog_op_parent(OP(op)));
}

int sbp_catalog_op_is_terminal(const sbp_catalog_op *op) { return op ? OP(op)->terminal : 0; }

sbp_action sbp_catalog_op_builtin(const sbp_catalog_op *op) {
  if (op == NULL || !OP(op)->terminal) return SBP_ACTION_NONE;
  switch (OP(op)->builtin) {
    case 1: return SBP_ALLOW;
    case 2: return SBP_DENY;
    default: return SBP_ACTION_NONE;
  }
}

uint32_t sbp_catalog_op_flags(const sbp_catalog_op *op) {
  if (op == NULL) return 0;
  uint32_t f = 0;
  if (OP(op)->parent_inferred) f |= SBP_CATALOG_OP_PARENT_INFERRED;
  if (OP(op)->categories_known == 2) f |= SBP_CATALOG_OP_BORROWED;
  if (OP(op)->categories_known == 0) f |= SBP_CATALOG_OP_ACCEPTS_UNKNOWN;
  return f;
}

uint32_t sbp_catalog_op_version(const sbp_catalog_op *op) {
  if (op == NULL || OP(op)->version >= SBP__CAT_NVERSIONS) return 0;
  return sbp__cat_versions[OP(op)->version].macos;
}

int sbp_catalog_op_id(const sbp_catalog_op *op) { return op ? (int)OP(op)->id : -1; }

int sbp_catalog_op_accepts(const sbp_catalog_op *op, const char *category, size_t len) {
  if (op == NULL || (category == NULL && len > 0)) return -1;
  return op_accepts(OP(op), category, len);
}

int sbp_catalog_op_alias(uint32_t version, const char *name, size_t len,
                         const char **out_target, uint32_t *out_flags, sbp_error *err) {
  if (out_target) *out_target = NULL;
  if (out_flags) *out_flags = 0;
  if (name == NULL && len > 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "operation alias: name is NULL");
  const sbp__cat_version *v = require_version(version, SBP__CAT_HAS_OPS, "operation table", err);
  if (v == NULL) return SBP_E_INVALID_ARG;
  const sbp__cat_alias *a = alias_in((int)(v - sbp__cat_versions), name, len);
  if (a == NULL) {
    char q[96];
    QUOTE(q, name, len);
    return sbp__error(err, SBP_E_NOT_FOUND, "'%s' is no operation alias on macOS %s", q,
                      vlabel(v));
  }
  if (out_target) *out_target = a->target;
  if (out_flags)
    *out_flags = (a->target == NULL ? SBP_CATALOG_ALIAS_NOOP : 0u) |
                 (a->weak ? SBP_CATALOG_ALIAS_WEAK : 0u);
  return SBP_OK;
}

int sbp_catalog_op_versions(const char *name, size_t len, uint32_t flags, uint32_t *out_mask,
                            sbp_error *err) {
  if (out_mask == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "operation versions: %s is NULL",
                      out_mask == NULL ? "out_mask" : "name");
  uint32_t m = sbp__catalog_op_name_versions(name, len);
  if (flags & SBP_CATALOG_WITH_ALIASES) {
    const sbp__cat_alias *a = find_alias(name, len);
    if (a != NULL) m |= a->versions;
  }
  *out_mask = m;
  return SBP_OK;
}

/* ---- public: filters and constants ------------------------------------------------------- */

static const sbp__filter_info *FI(const sbp_catalog_filter *p) {
  return (const sbp__filter_info *)(const void *)p;
}

int sbp_catalog_filter_lookup(uint32_t version, const char *spelling, size_t len,
                              const sbp_catalog_filter **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (spelling == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "filter look-up: %s is NULL",
                      out == NULL ? "out" : "spelling");
  const sbp__cat_version *v = require_version(version, SBP__CAT_HAS_FILTERS, "filters", err);
  if (v == NULL) return SBP_E_INVALID_ARG;
  const sbp__filter_info *f = find_filter(v, spelling, len);
  if (f == NULL) {
    char q[96];
    QUOTE(q, spelling, len);
    return sbp__error(err, SBP_E_NOT_FOUND, "unknown filter '%s' (macOS %s)", q, vlabel(v));
  }
  *out = (const sbp_catalog_filter *)(const void *)f;
  return SBP_OK;
}

size_t sbp_catalog_filter_count(uint32_t version) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  return v ? v->n_filters : 0;
}

const sbp_catalog_filter *sbp_catalog_filter_at(uint32_t version, size_t index) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  if (v == NULL || index >= v->n_filters) return NULL;
  return (const sbp_catalog_filter *)(const void *)&v->filters[index];
}

const char *sbp_catalog_filter_spelling(const sbp_catalog_filter *f) {
  return f ? FI(f)->spelling : NULL;
}
const char *sbp_catalog_filter_base(const sbp_catalog_filter *f) {
  return f ? FI(f)->base : NULL;
}
sbp_catalog_match sbp_catalog_filter_match(const sbp_catalog_filter *f) {
  return f ? (sbp_catalog_match)FI(f)->match : (sbp_catalog_match)0;
}
sbp_catalog_arg sbp_catalog_filter_arg(const sbp_catalog_filter *f) {
  return f ? (sbp_catalog_arg)FI(f)->arg : SBP_CATALOG_ARG_OTHER;
}
const char *sbp_catalog_filter_category(const sbp_catalog_filter *f) {
  return f ? FI(f)->category : NULL;
}
uint32_t sbp_catalog_filter_flags(const sbp_catalog_filter *f) {
  if (f == NULL) return 0;
  uint32_t fl = 0;
  if (FI(f)->flags & SBP__FILTER_ALIAS) fl |= SBP_CATALOG_FILTER_ALIAS;
  if (FI(f)->flags & SBP__FILTER_INFERRED) fl |= SBP_CATALOG_FILTER_INFERRED;
  if (FI(f)->flags & SBP__FILTER_INTERNAL) fl |= SBP_CATALOG_FILTER_INTERNAL;
  return fl;
}

int sbp_catalog_constant(uint32_t version, const char *filter, size_t filter_len,
                         const char *name, size_t name_len, int64_t *out, sbp_error *err) {
  if (out == NULL || (filter == NULL && filter_len > 0) || (name == NULL && name_len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "constant look-up: %s is NULL",
                      out == NULL ? "out" : filter == NULL ? "filter" : "name");
  const sbp__cat_version *v = require_version(version, SBP__CAT_HAS_FILTERS, "filters", err);
  if (v == NULL) return SBP_E_INVALID_ARG;
  int vi = (int)(v - sbp__cat_versions);
  if (find_constant(vi, filter, filter_len, name, name_len, out)) return SBP_OK;
  const sbp__filter_info *f = find_filter(v, filter, filter_len);
  if (f != NULL && cmp_name(f->base, filter, filter_len) != 0 &&
      find_constant(vi, f->base, strlen(f->base), name, name_len, out))
    return SBP_OK;
  char qf[96], qn[96];
  QUOTE(qf, filter, filter_len);
  QUOTE(qn, name, name_len);
  return sbp__error(err, SBP_E_NOT_FOUND, "'%s' has no constant '%s' (macOS %s)", qf, qn,
                    vlabel(v));
}

/* The base whose constants a filter spelling or modifier name uses, as (ptr, len). */
static void constant_base(const sbp__cat_version *v, const char **s, size_t *len) {
  const sbp__filter_info *f = find_filter(v, *s, *len);
  if (f != NULL) {
    *s = f->base;
    *len = strlen(f->base);
  }
}

size_t sbp_catalog_constant_count(uint32_t version, const char *filter, size_t len) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  if (v == NULL || (filter == NULL && len > 0)) return 0;
  constant_base(v, &filter, &len);
  unsigned bit = 1u << (unsigned)(v - sbp__cat_versions);
  size_t n = 0;
  for (size_t i = constants_lower(filter, len, "", 0); i < sbp__cat_nconstants; i++) {
    if (cmp_name(sbp__cat_constants[i].base, filter, len) != 0) break;
    if (sbp__cat_constants[i].versions & bit) n++;
  }
  return n;
}

int sbp_catalog_constant_at(uint32_t version, const char *filter, size_t len, size_t index,
                            const char **out_name, int64_t *out_value) {
  if (out_name) *out_name = NULL;
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  if (v == NULL || (filter == NULL && len > 0)) return SBP_E_NOT_FOUND;
  constant_base(v, &filter, &len);
  unsigned bit = 1u << (unsigned)(v - sbp__cat_versions);
  for (size_t i = constants_lower(filter, len, "", 0); i < sbp__cat_nconstants; i++) {
    const sbp__cat_constant *k = &sbp__cat_constants[i];
    if (cmp_name(k->base, filter, len) != 0) break;
    if (!(k->versions & bit) || index-- != 0) continue;
    if (out_name) *out_name = k->name;
    if (out_value) *out_value = k->value;
    return SBP_OK;
  }
  return SBP_E_NOT_FOUND;
}

uint32_t sbp_catalog_symbol_kinds(uint32_t version, const char *name, size_t len) {
  int vi = vindex(version);
  if (vi < 0 || (name == NULL && len > 0)) return 0;
  const sbp__cat_version *v = &sbp__cat_versions[vi];
  uint32_t k = 0;
  if (v->flags & SBP__CAT_HAS_OPS) {
    if (find_op(v, name, len)) k |= SBP_CATALOG_SYMBOL_OPERATION;
    if (alias_in(vi, name, len)) k |= SBP_CATALOG_SYMBOL_OP_ALIAS;
  }
  if (v->flags & SBP__CAT_HAS_FILTERS) {
    if (find_filter(v, name, len)) k |= SBP_CATALOG_SYMBOL_FILTER;
    if (find_modifier(vi, name, len)) k |= SBP_CATALOG_SYMBOL_MODIFIER;
    size_t lo = 0, hi = sbp__cat_nconstant_names;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      int c = cmp_name(sbp__cat_constant_names[mid].name, name, len);
      if (c == 0) {
        if (sbp__cat_constant_names[mid].versions & (1u << vi)) k |= SBP_CATALOG_SYMBOL_CONSTANT;
        break;
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
  }
  return k;
}

/* ---- public: modifiers ------------------------------------------------------------------- */

static const sbp__modifier_info *MI(const sbp_catalog_modifier *p) {
  return (const sbp__modifier_info *)(const void *)p;
}

int sbp_catalog_modifier_lookup(uint32_t version, const char *name, size_t len,
                                const sbp_catalog_modifier **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (out == NULL || (name == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "modifier look-up: %s is NULL",
                      out == NULL ? "out" : "name");
  const sbp__cat_version *v = require_version(version, SBP__CAT_HAS_FILTERS, "modifiers", err);
  if (v == NULL) return SBP_E_INVALID_ARG;
  const sbp__modifier_info *m = find_modifier((int)(v - sbp__cat_versions), name, len);
  if (m == NULL) {
    char q[96];
    QUOTE(q, name, len);
    return sbp__error(err, SBP_E_NOT_FOUND, "unknown modifier '%s' (macOS %s)", q, vlabel(v));
  }
  *out = (const sbp_catalog_modifier *)(const void *)m;
  return SBP_OK;
}

size_t sbp_catalog_modifier_count(uint32_t version) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  if (v == NULL) return 0;
  unsigned bit = 1u << (unsigned)(v - sbp__cat_versions);
  size_t n = 0;
  for (size_t i = 0; i < sbp__cat_nmodifiers; i++)
    if (sbp__cat_modifiers[i].versions & bit) n++;
  return n;
}

const sbp_catalog_modifier *sbp_catalog_modifier_at(uint32_t version, size_t index) {
  const sbp__cat_version *v = version_with(version, SBP__CAT_HAS_FILTERS);
  if (v == NULL) return NULL;
  unsigned bit = 1u << (unsigned)(v - sbp__cat_versions);
  for (size_t i = 0; i < sbp__cat_nmodifiers; i++)
    if ((sbp__cat_modifiers[i].versions & bit) && index-- == 0)
      return (const sbp_catalog_modifier *)(const void *)&sbp__cat_modifiers[i];
  return NULL;
}

const char *sbp_catalog_modifier_name(const sbp_catalog_modifier *m) {
  return m ? MI(m)->name : NULL;
}
const char *sbp_catalog_modifier_canonical(const sbp_catalog_modifier *m) {
  return m ? MI(m)->canonical : NULL;
}
const char *sbp_catalog_modifier_implied_arg(const sbp_catalog_modifier *m) {
  return m ? MI(m)->implied_arg : NULL;
}
uint32_t sbp_catalog_modifier_applies(const sbp_catalog_modifier *m) {
  return m ? MI(m)->applies : 0u;
}
sbp_catalog_arg sbp_catalog_modifier_arg(const sbp_catalog_modifier *m) {
  return m ? (sbp_catalog_arg)MI(m)->arg : SBP_CATALOG_ARG_OTHER;
}
uint32_t sbp_catalog_modifier_flags(const sbp_catalog_modifier *m) {
  if (m == NULL) return 0;
  uint32_t f = 0;
  if (MI(m)->flags & SBP__MOD_ALIAS) f |= SBP_CATALOG_MODIFIER_ALIAS;
  if (MI(m)->flags & SBP__MOD_NOOP) f |= SBP_CATALOG_MODIFIER_NOOP;
  if (MI(m)->flags & SBP__MOD_APPLIES_UNKNOWN) f |= SBP_CATALOG_MODIFIER_APPLIES_UNKNOWN;
  if (MI(m)->flags & SBP__MOD_WEAK) f |= SBP_CATALOG_MODIFIER_WEAK;
  return f;
}
const char *sbp_catalog_modifier_source(const sbp_catalog_modifier *m) {
  return m ? MI(m)->source : NULL;
}
