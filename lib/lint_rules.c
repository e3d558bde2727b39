/* The linter's checks on an evaluated (or built) profile: names against the catalog of the
 * target macOS version, paths, regexes, rules that never decide, duplicates, the ordering
 * trap of unfiltered rules, defaults, broad grants, rule size and rename bypasses. The model
 * of which rule decides is semantics.md: filtered rules first, last written wins; then the
 * last unfiltered rule; then default. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "lint_locate.h"
#include "lint_result.h"
#include "lint_rules.h"
#include "node.h"
#include "path.h"
#include "regex.h"
#include "rule_text.h"
#include "sbprofile/catalog.h"
#include "sbprofile/decide.h"

#define MAX_CHAIN 24

typedef struct lint_entry {
  const sbp_node *rule;
  size_t rule_idx;
  const char *op;
  const sbp_catalog_op *row; /* NULL when the version does not know it */
  const sbp_catalog_op *chain[MAX_CHAIN];
  size_t nchain;
  int action;
  int filtered;
  int is_default;
  const sbp_node *shadowed_by; /* a later rule that decides first for everything */
  const char *shadowed_op;     /* the operation of that rule's entry */
} lint_entry;

typedef struct lint_ctx {
  sbp_lint_result *r;
  const sbp_profile *profile;
  const sbp_alloc *alloc;
  uint32_t macos;
  char target[32];
  lint_entry *e;
  size_t ne;
  const sbp_node **rules;
  size_t nrules;
  const sbp_node **stack; /* scratch for subtree walks */
  size_t stack_cap;
  struct rule_filters *rf; /* per rule, while check_order runs */
  struct twin *twins; /* "/private" paths, sorted by hash; built on first need */
  size_t ntwins, twins_cap;
  int twins_built;
  int nomem; /* a position could not be looked up: the result is not to be trusted */
} lint_ctx;

/* ---- small helpers ----------------------------------------------------------------------- */

static void node_pos(lint_ctx *c, const sbp_node *n, const sbp_node *rule, const char **file,
                     uint32_t *line, uint32_t *col) {
  *file = NULL;
  *line = *col = 0;
  sbp_node_position(n, file, line, col);
  if (*line != 0) return;
  sbp_node_position(rule, file, line, col);
  if (*line == 0 || n == rule) return;
  /* Rules keep their form's position; find the value's own in the text. */
  const sbp_node *v = n;
  if (sbp_node_type_of(n) == SBP_NODE_FILTER) {
    v = sbp_node_first_child(n);
    while (v && sbp_value_kind_of(v) != SBP_VALUE_STRING && sbp_value_kind_of(v) != SBP_VALUE_REGEX)
      v = sbp_node_next(v);
  }
  sbp_value_kind k = sbp_value_kind_of(v);
  if (k != SBP_VALUE_STRING && k != SBP_VALUE_REGEX) return;
  size_t len;
  const char *text = sbp_node_text(v, &len);
  uint32_t l2, c2;
  int rc = sbp__lint_locate(c->r, *file, *line, *col, text, len, &l2, &c2);
  if (rc == SBP_OK) {
    *line = l2;
    *col = c2;
  } else if (rc == SBP_E_NOMEM) {
    c->nomem = 1;
  }
}

/* Where a rule stands, into buf (as explanations write it). */
static const char *pos_text(const sbp_node *rule, char *buf, size_t size) {
  sbp__rule_where_into(buf, size, rule);
  return buf;
}

/* A rule's text, one line, cut to size - 1 bytes (with "..." when cut). */
static int rule_text(lint_ctx *c, const sbp_node *rule, char *buf, size_t size) {
  sbp_buf t = SBP_BUF_INIT;
  int rc = sbp__rule_text_cut(&t, c->alloc, rule, size - 1);
  if (rc == SBP_OK) {
    memcpy(buf, t.len ? t.ptr : "", t.len);
    buf[t.len] = '\0';
  }
  sbp_buf_dispose(&t);
  return rc;
}

static int str_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* FNV-1a over n bytes, continuing from h. */
#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * FNV_PRIME;
  return h;
}

/* The versions (as "10.15 14.4.1") where lookup succeeds; "" when none. */
typedef int (*known_fn)(uint32_t v, const char *name, size_t len, const char *extra);

static int filter_known(uint32_t v, const char *name, size_t len, const char *extra) {
  const sbp_catalog_filter *f;
  (void)extra;
  return sbp_catalog_filter_lookup(v, name, len, &f, NULL) == SBP_OK;
}

static int modifier_known(uint32_t v, const char *name, size_t len, const char *extra) {
  const sbp_catalog_modifier *m;
  (void)extra;
  return sbp_catalog_modifier_lookup(v, name, len, &m, NULL) == SBP_OK;
}

static int constant_known(uint32_t v, const char *name, size_t len, const char *extra) {
  int64_t val;
  return sbp_catalog_constant(v, extra, strlen(extra), name, len, &val, NULL) == SBP_OK;
}

static int versions_text(lint_ctx *c, uint32_t mask, char *buf, size_t size) {
  sbp_buf t = SBP_BUF_INIT;
  int rc = sbp_catalog_versions_format(mask, c->alloc, &t, NULL);
  if (rc == SBP_E_NOMEM) {
    sbp_buf_dispose(&t);
    return rc;
  }
  snprintf(buf, size, "%s", rc == SBP_OK && t.ptr ? t.ptr : "");
  sbp_buf_dispose(&t);
  return SBP_OK;
}

static int known_in(lint_ctx *c, known_fn fn, const char *name, size_t len, const char *extra,
                    char *buf, size_t size) {
  uint32_t mask = 0;
  size_t nv = sbp_catalog_version_count();
  for (size_t i = 0; i < nv && i < 32; i++) {
    uint32_t v = sbp_catalog_version_at(i);
    if (!(sbp_catalog_version_flags(v) & SBP_CATALOG_HAS_FILTERS)) continue;
    if (fn(v, name, len, extra)) mask |= 1u << i;
  }
  return versions_text(c, mask, buf, size);
}

/* Pre-order walk of the subtree under start (start included), without recursion: visit
 * returns non-zero to stop with that status. */
typedef int (*visit_fn)(lint_ctx *c, const sbp_node *rule, const sbp_node *n, void *payload);

static int walk(lint_ctx *c, const sbp_node *rule, const sbp_node *start, visit_fn visit,
                void *payload) {
  const sbp_node *n = start;
  while (n != NULL) {
    int rc = visit(c, rule, n, payload);
    if (rc != SBP_OK) return rc;
    const sbp_node *child = sbp_node_first_child(n);
    if (child != NULL) {
      n = child;
      continue;
    }
    while (n != start && sbp_node_next(n) == NULL) n = sbp_node_parent(n);
    if (n == start) break;
    n = sbp_node_next(n);
  }
  return SBP_OK;
}

static int is_filter_node(const sbp_node *n) {
  sbp_node_type t = sbp_node_type_of(n);
  return t == SBP_NODE_FILTER || t == SBP_NODE_REQUIRE_ALL || t == SBP_NODE_REQUIRE_ANY ||
         t == SBP_NODE_REQUIRE_NOT;
}

/* Appends s as an SBPL string literal ("..." with \\ and \" escaped). */
static int put_quoted(lint_ctx *c, sbp_buf *b, const char *s, size_t len) {
  int rc = sbp__buf_putc(b, c->alloc, '"');
  for (size_t i = 0; rc == SBP_OK && i < len; i++) {
    if (s[i] == '"' || s[i] == '\\') rc = sbp__buf_putc(b, c->alloc, '\\');
    if (rc == SBP_OK) rc = sbp__buf_putc(b, c->alloc, s[i]);
  }
  if (rc == SBP_OK) rc = sbp__buf_putc(b, c->alloc, '"');
  return rc;
}

/* Appends a regex as a literal: raw (#"...") when it can be, that is without '"' and not
 * ending in '\\' (a reader that took \" as an escape would run on past the end), else as a
 * string literal. */
static int put_regex(lint_ctx *c, sbp_buf *b, const char *re, size_t len) {
  if (len > 0 && (memchr(re, '"', len) != NULL || re[len - 1] == '\\'))
    return put_quoted(c, b, re, len);
  int rc = sbp__buf_put(b, c->alloc, "#\"", 2);
  if (rc == SBP_OK) rc = sbp__buf_put(b, c->alloc, re, len);
  if (rc == SBP_OK) rc = sbp__buf_putc(b, c->alloc, '"');
  return rc;
}

/* ---- paths -------------------------------------------------------------------------------- */

int sbp__lint_symlinked(const char *p, size_t len, size_t *link_len) {
  static const char *const links[] = {"/tmp", "/var", "/etc"};
  for (size_t i = 0; i < 3; i++)
    if (len >= 4 && memcmp(p, links[i], 4) == 0 && (len == 4 || p[4] == '/')) {
      if (link_len) *link_len = 4;
      return 1;
    }
  return 0;
}

/* The lexically normalized spelling of an absolute path, into out. */
static int normalize_path(lint_ctx *c, const char *p, size_t len, int keep_trailing,
                          sbp_buf *out) {
  int rc = sbp__buf_grow(out, c->alloc, len + 1);
  if (rc == SBP_OK) out->len = sbp__path_normalize(p, len, keep_trailing, out->ptr);
  return rc;
}

/* ---- "/private" twins ------------------------------------------------------------------- */

/* A value that spells a path under /private ("/private/tmp/x", or a regex "^/private/tmp/x"),
 * under the hash of where it stands and what it would be without "/private": the node that
 * holds its filter, the filter's name, and the rest of its text ("^" + rest for a regex). A
 * generated profile holds thousands of /tmp paths in one rule; finding each one's twin by
 * hash keeps the check linear. */
typedef struct twin {
  uint64_t hash;
  const sbp_node *value;
} twin;

static uint64_t twin_hash(const sbp_node *holder, const char *name, const char *head,
                          size_t head_len, const char *rest, size_t rest_len) {
  uint64_t h = mix(FNV_OFFSET, &holder, sizeof holder);
  h = mix(h, name, strlen(name) + 1); /* with its NUL: where the name ends */
  h = mix(h, head, head_len);
  return mix(h, rest, rest_len);
}

static int twin_add(lint_ctx *c, uint64_t h, const sbp_node *v) {
  if (sbp__array_grow(c->alloc, (void **)&c->twins, &c->twins_cap, c->ntwins + 1,
                      sizeof *c->twins) != SBP_OK)
    return SBP_E_NOMEM;
  c->twins[c->ntwins].hash = h;
  c->twins[c->ntwins].value = v;
  c->ntwins++;
  return SBP_OK;
}

static int visit_twin(lint_ctx *c, const sbp_node *rule, const sbp_node *v, void *payload) {
  (void)rule, (void)payload;
  const sbp_node *f = sbp_node_parent(v);
  if (sbp_node_type_of(v) != SBP_NODE_VALUE || f == NULL || sbp_node_type_of(f) != SBP_NODE_FILTER)
    return SBP_OK;
  const char *name = sbp_node_text(f, NULL);
  size_t len;
  const char *t = sbp_node_text(v, &len);
  if (name == NULL || t == NULL) return SBP_OK;
  const sbp_node *holder = sbp_node_parent(f);
  if (len >= 8 && memcmp(t, "/private", 8) == 0)
    return twin_add(c, twin_hash(holder, name, NULL, 0, t + 8, len - 8), v);
  if (len >= 9 && memcmp(t, "^/private", 9) == 0)
    return twin_add(c, twin_hash(holder, name, "^", 1, t + 9, len - 9), v);
  return SBP_OK;
}

static int cmp_twin(const void *pa, const void *pb) {
  const twin *a = pa, *b = pb;
  return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Does the filter, or a filter of the same name beside it, also hold "/private" + text (or,
 * for a regex, "^/private" + text after its '^')? Then the link spelling is there on purpose,
 * beside the one the kernel sees, for tools that check unresolved paths. Sets *found. */
static int has_private_twin(lint_ctx *c, const sbp_node *filter, const char *text, size_t len,
                            int regex, int *found) {
  *found = 0;
  const char *name = sbp_node_text(filter, NULL);
  if (name == NULL) return SBP_OK;
  if (!c->twins_built) {
    int rc = walk(c, NULL, sbp_profile_root(c->profile), visit_twin, NULL);
    if (rc != SBP_OK) return rc;
    if (c->ntwins) qsort(c->twins, c->ntwins, sizeof *c->twins, cmp_twin);
    c->twins_built = 1;
  }
  size_t skip = regex ? 1 : 0;
  const sbp_node *holder = sbp_node_parent(filter);
  uint64_t h = twin_hash(holder, name, text, skip, text + skip, len - skip);
  size_t lo = 0, hi = c->ntwins;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->twins[mid].hash < h) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < c->ntwins && c->twins[lo].hash == h; lo++) {
    const sbp_node *v = c->twins[lo].value, *f = sbp_node_parent(v);
    size_t vl;
    const char *vt = sbp_node_text(v, &vl);
    if (sbp_node_parent(f) == holder && strcmp(sbp_node_text(f, NULL), name) == 0 &&
        vl == len + 8 && memcmp(vt, text, skip) == 0 && memcmp(vt + skip, "/private", 8) == 0 &&
        memcmp(vt + skip + 8, text + skip, len - skip) == 0) {
      *found = 1;
      return SBP_OK;
    }
  }
  return SBP_OK;
}

static int check_path_value(lint_ctx *c, const sbp_node *rule, const sbp_node *filter,
                            const sbp_node *value, int match) {
  size_t len;
  const char *p = sbp_node_text(value, &len);
  const char *file;
  uint32_t line, col;
  node_pos(c, value, filter, &file, &line, &col);
  if (line == 0) node_pos(c, filter, rule, &file, &line, &col);
  const char *fname = sbp_node_text(filter, NULL);
  int rc = SBP_OK;
  if (match == SBP_CATALOG_MATCH_REGEX) {
    /* ^/tmp/... never matches either. */
    int twinned = 0;
    if (len < 5 || p[0] != '^' || !sbp__lint_symlinked(p + 1, len - 1, NULL)) return SBP_OK;
    rc = has_private_twin(c, filter, p, len, 1, &twinned);
    if (rc != SBP_OK || twinned) return rc;
    sbp_buf fix = SBP_BUF_INIT, re = SBP_BUF_INIT;
    rc = sbp__buf_put(&re, c->alloc, "^/private", 9);
    if (rc == SBP_OK) rc = sbp__buf_put(&re, c->alloc, p + 1, len - 1);
    if (rc == SBP_OK) rc = put_regex(c, &fix, re.ptr, re.len);
    sbp_buf_dispose(&re);
    if (rc == SBP_OK)
      rc = sbp__lint_add(c->r, SBP__L_SYMLINKED_PATH, 0, file, line, col, fix.ptr, fix.len,
                         "regex '%.*s' matches under %.4s, which the kernel sees as "
                         "/private%.4s: it never matches",
                         (int)(len > 80 ? 80 : len), p, p + 1, p + 1);
    sbp_buf_dispose(&fix);
    return rc;
  }
  if (len == 0 || p[0] != '/') {
    return sbp__lint_add(c->r, SBP__L_RELATIVE_PATH, 0, file, line, col, NULL, 0,
                         "relative path \"%.*s\" in (%s ...): the kernel matches absolute "
                         "paths, so it never matches",
                         (int)(len > 80 ? 80 : len), p, fname ? fname : "filter");
  }
  int keep_trailing = match == SBP_CATALOG_MATCH_PREFIX;
  sbp_buf norm = SBP_BUF_INIT;
  rc = normalize_path(c, p, len, keep_trailing, &norm);
  sbp_buf qnorm = SBP_BUF_INIT;
  if (rc == SBP_OK && (norm.len != len || memcmp(norm.ptr, p, len) != 0))
    rc = put_quoted(c, &qnorm, norm.ptr, norm.len);
  if (rc == SBP_OK && qnorm.len) {
    rc = sbp__lint_add(c->r, SBP__L_UNNORMALIZED_PATH, 0, file, line, col, qnorm.ptr, qnorm.len,
                       "path \"%.*s\" is not normalized (//, /./, /../ or a trailing /): the "
                       "kernel compares normalized paths",
                       (int)(len > 80 ? 80 : len), p);
  }
  sbp_buf_dispose(&qnorm);
  size_t ll;
  int linked = rc == SBP_OK && sbp__lint_symlinked(norm.ptr, norm.len, &ll), twinned = 0;
  if (linked) rc = has_private_twin(c, filter, p, len, 0, &twinned);
  if (linked && rc == SBP_OK && !twinned) {
    sbp_buf fix = SBP_BUF_INIT, full = SBP_BUF_INIT;
    rc = sbp__buf_put(&full, c->alloc, "/private", 8);
    if (rc == SBP_OK) rc = sbp__buf_put(&full, c->alloc, norm.ptr, norm.len);
    if (rc == SBP_OK) rc = put_quoted(c, &fix, full.ptr, full.len);
    sbp_buf_dispose(&full);
    if (rc == SBP_OK)
      rc = sbp__lint_add(c->r, SBP__L_SYMLINKED_PATH, 0, file, line, col, fix.ptr, fix.len,
                         "path \"%.*s\" is under %.4s, a symbolic link: the kernel sees "
                         "/private%.4s/..., so this never matches",
                         (int)(len > 80 ? 80 : len), p, norm.ptr, norm.ptr);
    sbp_buf_dispose(&fix);
  }
  sbp_buf_dispose(&norm);
  return rc;
}

/* ---- names, values, regexes: per node of a rule's filters and modifiers ------------------ */

typedef struct rule_names {
  const sbp_catalog_op *rows[64]; /* the rule's operations as the catalog knows them */
  const char *names[64];
  size_t nrows;
} rule_names;

/* Rewrites counted repetition X{m}, X{m,}, X{m,n} (X a byte, an escape, ., a class or a
 * group; groups are tracked on a fixed stack, not by recursion) as repetition the dialect
 * surely has: X m times, then X* or (n - m) times X?.
 * Returns SBP_OK with the text in out, SBP_E_NOT_FOUND when it cannot (or the result would
 * pass 4 KiB), SBP_E_NOMEM. */
static int expand_braces(lint_ctx *c, const char *re, size_t len, sbp_buf *out) {
  size_t atom = SIZE_MAX; /* start of the last atom written to out */
  size_t groups[64];      /* where each open group starts in out */
  size_t ngroups = 0;
  int rc = SBP_OK;
  for (size_t i = 0; i < len && rc == SBP_OK;) {
    char ch = re[i];
    if (ch == '{' && atom != SIZE_MAX) {
      size_t j = i + 1, m = 0, n = 0;
      int open = 0, have_n = 0;
      while (j < len && re[j] >= '0' && re[j] <= '9' && m < 1000) m = m * 10 + (size_t)(re[j++] - '0');
      if (j == i + 1) return SBP_E_NOT_FOUND;
      if (j < len && re[j] == ',') {
        j++;
        if (j < len && re[j] == '}') open = 1;
        while (j < len && re[j] >= '0' && re[j] <= '9' && n < 1000) {
          n = n * 10 + (size_t)(re[j++] - '0');
          have_n = 1;
        }
      } else {
        n = m;
        have_n = 1;
      }
      if (j >= len || re[j] != '}' || (!open && !have_n) || (have_n && n < m) || n > 64)
        return SBP_E_NOT_FOUND;
      /* The atom is out[atom..]; write it m times in all, then the rest. */
      size_t alen = out->len - atom;
      char abuf[256];
      if (alen >= sizeof abuf) return SBP_E_NOT_FOUND;
      memcpy(abuf, out->ptr + atom, alen);
      sbp__buf_truncate(out, atom);
      for (size_t k = 0; k < m && rc == SBP_OK; k++) rc = sbp__buf_put(out, c->alloc, abuf, alen);
      if (open) {
        if (rc == SBP_OK) rc = sbp__buf_put(out, c->alloc, abuf, alen);
        if (rc == SBP_OK) rc = sbp__buf_putc(out, c->alloc, '*');
      } else {
        for (size_t k = m; k < n && rc == SBP_OK; k++) {
          rc = sbp__buf_put(out, c->alloc, abuf, alen);
          if (rc == SBP_OK) rc = sbp__buf_putc(out, c->alloc, '?');
        }
      }
      if (out->len > 4096) return SBP_E_NOT_FOUND;
      atom = SIZE_MAX;
      i = j + 1;
      continue;
    }
    size_t start = i, end = i + 1;
    if (ch == '\\') {
      end = i + 2 <= len ? i + 2 : len;
    } else if (ch == '[') {
      end = i + 1;
      if (end < len && re[end] == '^') end++;
      if (end < len && re[end] == ']') end++;
      while (end < len && re[end] != ']') end += re[end] == '\\' ? 2 : 1;
      if (end >= len) return SBP_E_NOT_FOUND;
      end++;
    } else if (ch == '(') {
      if (ngroups == sizeof groups / sizeof groups[0]) return SBP_E_NOT_FOUND;
      groups[ngroups++] = out->len;
      rc = sbp__buf_putc(out, c->alloc, '(');
      atom = SIZE_MAX;
      i++;
      continue;
    } else if (ch == ')') {
      if (ngroups == 0) return SBP_E_NOT_FOUND;
      rc = sbp__buf_putc(out, c->alloc, ')');
      atom = groups[--ngroups];
      i++;
      continue;
    }
    size_t at = out->len;
    rc = sbp__buf_put(out, c->alloc, re + start, end - start);
    atom = (ch == '^' || ch == '$' || ch == '|' || ch == '*' || ch == '+' || ch == '?') ? SIZE_MAX : at;
    i = end;
  }
  return rc;
}

static int check_regex(lint_ctx *c, const sbp_node *rule, const sbp_node *value) {
  size_t len;
  const char *re = sbp_node_text(value, &len);
  const char *file;
  uint32_t line, col;
  node_pos(c, value, rule, &file, &line, &col);
  sbp__regex *cre = NULL;
  sbp_error e = SBP_ERROR_INIT;
  int rc = sbp__regex_compile(c->alloc, re, len, &cre, &e);
  if (rc == SBP_E_NOMEM) return rc;
  if (rc != SBP_OK) {
    return sbp__lint_add(c->r, SBP__L_REGEX_UNSUPPORTED, 0, file, line, col, NULL, 0,
                         "regex \"%.*s\": %s (column %u of the pattern)",
                         (int)(len > 80 ? 80 : len), re, e.message, (unsigned)e.column);
  }
  uint32_t flags = sbp__regex_flags(cre);
  sbp__regex_free(cre);
  if (flags & SBP__RE_USES_BRACES) {
    sbp_buf ex = SBP_BUF_INIT, fix = SBP_BUF_INIT;
    rc = expand_braces(c, re, len, &ex);
    if (rc == SBP_E_NOMEM) {
      sbp_buf_dispose(&ex);
      return rc;
    }
    if (rc == SBP_OK) rc = put_regex(c, &fix, ex.ptr, ex.len);
    sbp_buf_dispose(&ex);
    if (rc == SBP_E_NOMEM) {
      sbp_buf_dispose(&fix);
      return rc;
    }
    rc = sbp__lint_add(c->r, SBP__L_REGEX_DOUBTFUL, 0, file, line, col, fix.ptr, fix.len,
                         "regex \"%.*s\" uses counted repetition {m,n}, which Apple's regex "
                         "compiler may not support; repeat the atom instead",
                         (int)(len > 80 ? 80 : len), re);
    sbp_buf_dispose(&fix);
    return rc;
  }
  return SBP_OK;
}

static int visit_filter(lint_ctx *c, const sbp_node *rule, const sbp_node *n, void *payload) {
  rule_names *rn = payload;
  if (sbp_node_type_of(n) != SBP_NODE_FILTER) return SBP_OK;
  size_t len;
  const char *name = sbp_node_text(n, &len);
  const char *file;
  uint32_t line, col;
  node_pos(c, n, rule, &file, &line, &col);
  const sbp_catalog_filter *f = NULL;
  int rc;
  if (sbp_catalog_filter_lookup(c->macos, name, len, &f, NULL) != SBP_OK) {
    char vers[128];
    rc = known_in(c, filter_known, name, len, NULL, vers, sizeof vers);
    if (rc != SBP_OK) return rc;
    return sbp__lint_add(c->r, SBP__L_UNKNOWN_FILTER, 0, file, line, col, NULL, 0,
                         "unknown filter '%s' for macOS %s (%s%s)", name, c->target,
                         vers[0] ? "known in " : "no version knows it", vers);
  }
  /* Does every operation of the rule accept it? */
  const char *cat = sbp_catalog_filter_category(f);
  for (size_t i = 0; cat && i < rn->nrows; i++) {
    if (rn->rows[i] == NULL || str_eq(rn->names[i], "default")) continue;
    if (sbp_catalog_op_accepts(rn->rows[i], cat, strlen(cat)) == 0) {
      rc = sbp__lint_add(c->r, SBP__L_FILTER_NOT_ACCEPTED, 0, file, line, col, NULL, 0,
                         "operation '%s' does not accept filter '%s' (category %s) on macOS "
                         "%s: it never matches there",
                         rn->names[i], name, cat, c->target);
      if (rc != SBP_OK) return rc;
    }
  }
  int match = sbp_catalog_filter_match(f);
  int arg = sbp_catalog_filter_arg(f);
  for (const sbp_node *v = sbp_node_first_child(n); v; v = sbp_node_next(v)) {
    sbp_value_kind k = sbp_value_kind_of(v);
    rc = SBP_OK;
    if (k == SBP_VALUE_CONSTANT) {
      size_t cl;
      const char *cn = sbp_node_text(v, &cl);
      int64_t val;
      /* (remote unix-socket ...): the prelude binds unix-socket to 'unix, the legacy
       * spelling of a unix-domain socket filter; it is no table constant. A built profile
       * holds the name as written. */
      int legacy_unix = ((cl == 4 && memcmp(cn, "unix", 4) == 0) ||
                         (cl == 11 && memcmp(cn, "unix-socket", 11) == 0)) &&
                        (str_eq(name, "remote") || str_eq(name, "local") || str_eq(name, "from") ||
                         str_eq(name, "to"));
      if (!legacy_unix && sbp_catalog_constant(c->macos, name, len, cn, cl, &val, NULL) != SBP_OK) {
        char vers[128];
        rc = known_in(c, constant_known, cn, cl, name, vers, sizeof vers);
        if (rc != SBP_OK) return rc;
        const char *vf;
        uint32_t vl, vc;
        node_pos(c, v, n, &vf, &vl, &vc);
        if (vl == 0) vf = file, vl = line, vc = col;
        rc = sbp__lint_add(c->r, SBP__L_UNKNOWN_CONSTANT, 0, vf, vl, vc, NULL, 0,
                           "unknown constant '%s' for filter '%s' on macOS %s (%s%s)", cn, name,
                           c->target, vers[0] ? "known in " : "no version knows it", vers);
      }
    } else if (k == SBP_VALUE_REGEX) {
      rc = check_regex(c, rule, v);
      if (rc == SBP_OK && arg == SBP_CATALOG_ARG_PATH)
        rc = check_path_value(c, rule, n, v, SBP_CATALOG_MATCH_REGEX);
    } else if (k == SBP_VALUE_STRING && arg == SBP_CATALOG_ARG_PATH) {
      rc = check_path_value(c, rule, n, v, match);
    } else if (k == SBP_VALUE_CONCAT && arg == SBP_CATALOG_ARG_PATH) {
      /* (string-append "/tmp/" (param "X")): the literal head can still be under a link. */
      const sbp_node *h = sbp_node_first_child(v);
      size_t hl;
      const char *hs = sbp_value_kind_of(h) == SBP_VALUE_STRING ? sbp_node_text(h, &hl) : NULL;
      if (hs && match != SBP_CATALOG_MATCH_REGEX && sbp__lint_symlinked(hs, hl, NULL)) {
        /* A computed value has no position of its own: the filter's. */
        rc = sbp__lint_add(c->r, SBP__L_SYMLINKED_PATH, 0, file, line, col, NULL, 0,
                           "path starting \"%.*s\" is under %.4s, a symbolic link: the kernel "
                           "sees /private%.4s/..., so this never matches",
                           (int)(hl > 80 ? 80 : hl), hs, hs, hs);
      }
    }
    if (rc != SBP_OK) return rc;
  }
  return SBP_OK;
}

static int check_rule_names(lint_ctx *c, const sbp_node *rule) {
  rule_names rn;
  rn.nrows = 0;
  int rc = SBP_OK;
  sbp_action action = sbp_rule_action(rule);
  for (const sbp_node *n = sbp_node_first_child(rule); n; n = sbp_node_next(n)) {
    sbp_node_type t = sbp_node_type_of(n);
    const char *file;
    uint32_t line, col;
    node_pos(c, n, rule, &file, &line, &col);
    if (t == SBP_NODE_OPERATION) {
      size_t len;
      const char *name = sbp_node_text(n, &len);
      const sbp_catalog_op *row = NULL;
      if (strcmp(name, "default") != 0 &&
          sbp_catalog_op_lookup(c->macos, name, len, &row, NULL) != SBP_OK) {
        uint32_t mask = 0;
        sbp_catalog_op_versions(name, len, SBP_CATALOG_WITH_ALIASES, &mask, NULL);
        char vers[128];
        rc = versions_text(c, mask, vers, sizeof vers);
        const char *near =
            mask ? NULL : sbp_catalog_suggest(c->macos, SBP_CATALOG_NAME_OPERATION, name, len);
        if (rc == SBP_OK)
          rc = sbp__lint_add(c->r, SBP__L_UNKNOWN_OPERATION, 0, file, line, col, near,
                             near ? strlen(near) : 0,
                             "unknown operation '%s' for macOS %s (%s%s)%s%s%s", name, c->target,
                             vers[0] ? "known in " : "no version knows it", vers,
                             near ? ": did you mean '" : "", near ? near : "", near ? "'?" : "");
        row = NULL;
      }
      if (rn.nrows < 64) {
        rn.rows[rn.nrows] = row;
        rn.names[rn.nrows] = name;
        rn.nrows++;
      }
    } else if (t == SBP_NODE_MODIFIER) {
      size_t len;
      const char *name = sbp_node_text(n, &len);
      const sbp_catalog_modifier *m;
      if (sbp_catalog_modifier_lookup(c->macos, name, len, &m, NULL) != SBP_OK) {
        char vers[128];
        rc = known_in(c, modifier_known, name, len, NULL, vers, sizeof vers);
        if (rc == SBP_OK)
          rc = sbp__lint_add(c->r, SBP__L_UNKNOWN_MODIFIER, 0, file, line, col, NULL, 0,
                             "unknown modifier '%s' for macOS %s (%s%s)", name, c->target,
                             vers[0] ? "known in " : "no version knows it", vers);
      } else {
        uint32_t applies = sbp_catalog_modifier_applies(m);
        uint32_t mflags = sbp_catalog_modifier_flags(m);
        uint32_t bit = action == SBP_ALLOW ? SBP_CATALOG_APPLIES_ALLOW : SBP_CATALOG_APPLIES_DENY;
        if (!(mflags & (SBP_CATALOG_MODIFIER_APPLIES_UNKNOWN | SBP_CATALOG_MODIFIER_NOOP)) &&
            applies != 0 && !(applies & bit))
          rc = sbp__lint_add(c->r, SBP__L_MODIFIER_NOT_ACCEPTED, 0, file, line, col, NULL, 0,
                             "modifier '%s' does not apply to %s rules (it applies to %s only); "
                             "libsandbox ignores or rejects it",
                             name, action == SBP_ALLOW ? "allow" : "deny",
                             action == SBP_ALLOW ? "deny" : "allow");
      }
    } else if (is_filter_node(n)) {
      rc = walk(c, rule, n, visit_filter, &rn);
    }
    if (rc != SBP_OK) return rc;
  }
  return SBP_OK;
}

/* ---- rule size ----------------------------------------------------------------------------- */

static int visit_size(lint_ctx *c, const sbp_node *rule, const sbp_node *n, void *payload) {
  size_t *total = payload;
  size_t len = 0;
  (void)c;
  (void)rule;
  if (sbp_node_type_of(n) == SBP_NODE_VALUE) sbp_node_text(n, &len);
  *total += len + 4;
  return SBP_OK;
}

static int check_rule_size(lint_ctx *c, const sbp_node *rule) {
  size_t total = 0;
  for (const sbp_node *n = sbp_node_first_child(rule); n; n = sbp_node_next(n))
    if (is_filter_node(n)) walk(c, rule, n, visit_size, &total);
  if (total < 49152) return SBP_OK;
  const char *file;
  uint32_t line, col;
  node_pos(c, rule, rule, &file, &line, &col);
  if (total > 65535)
    return sbp__lint_add(c->r, SBP__L_RULE_SIZE, SBP_LINT_ERROR, file, line, col, NULL, 0,
                         "this rule's filters take about %zu bytes, over the 65,535-byte limit "
                         "(\"pattern serialization length exceeds maximum\"); split it into "
                         "several rules",
                         total);
  return sbp__lint_add(c->r, SBP__L_RULE_SIZE, 0, file, line, col, NULL, 0,
                       "this rule's filters take about %zu bytes, near the 65,535-byte limit; "
                       "split it into several rules",
                       total);
}

/* ---- entries: one per (rule, operation) ------------------------------------------------- */

static int build_entries(lint_ctx *c) {
  sbp_node *root = sbp_profile_root(c->profile);
  size_t nr = 0, ne = 0;
  for (const sbp_node *n = sbp_node_first_child(root); n; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
    nr++;
    for (const sbp_node *k = sbp_node_first_child(n); k; k = sbp_node_next(k))
      if (sbp_node_type_of(k) == SBP_NODE_OPERATION) ne++;
  }
  c->rules = sbp__calloc(c->alloc, nr ? nr : 1, sizeof *c->rules);
  c->e = sbp__calloc(c->alloc, ne ? ne : 1, sizeof *c->e);
  if (c->rules == NULL || c->e == NULL) return SBP_E_NOMEM;
  for (const sbp_node *n = sbp_node_first_child(root); n; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
    int filtered = 0;
    for (const sbp_node *k = sbp_node_first_child(n); k; k = sbp_node_next(k))
      if (is_filter_node(k)) filtered = 1;
    for (const sbp_node *k = sbp_node_first_child(n); k; k = sbp_node_next(k)) {
      if (sbp_node_type_of(k) != SBP_NODE_OPERATION) continue;
      lint_entry *e = &c->e[c->ne++];
      size_t len;
      e->rule = n;
      e->rule_idx = c->nrules;
      e->op = sbp_node_text(k, &len);
      e->action = sbp_rule_action(n);
      e->filtered = filtered;
      e->is_default = strcmp(e->op, "default") == 0;
      e->row = NULL;
      if (sbp_catalog_op_lookup(c->macos, e->op, len, &e->row, NULL) != SBP_OK) e->row = NULL;
      e->nchain = 0;
      for (const sbp_catalog_op *o = e->row; o && e->nchain < MAX_CHAIN;
           o = sbp_catalog_op_parent(o))
        e->chain[e->nchain++] = o;
    }
    c->rules[c->nrules++] = n;
  }
  return SBP_OK;
}

/* Is b's operation a / an ancestor of a's (so b speaks for every request a speaks for)? */
static int op_covers(const lint_entry *b, const lint_entry *a) {
  if (strcmp(a->op, b->op) == 0) return 1;
  if (b->row == NULL) return 0;
  for (size_t i = 0; i < a->nchain; i++)
    if (a->chain[i] == b->row) return 1;
  return 0;
}

static int under(const char *f, size_t fl, const char *g, size_t gl) {
  if (fl < gl || memcmp(f, g, gl) != 0) return 0;
  if (fl == gl) return 1;
  return (gl > 0 && g[gl - 1] == '/') || f[gl] == '/';
}

/* Does value gv (matched as gm) match everything value fv (matched as fm) matches? */
static int value_covers(int gm, const sbp_node *gv, int fm, const sbp_node *fv) {
  if (gm == fm && sbp_node_equal(gv, fv, SBP_EQUAL_DEFAULT)) return 1;
  if (sbp_value_kind_of(gv) != SBP_VALUE_STRING || sbp_value_kind_of(fv) != SBP_VALUE_STRING)
    return 0;
  size_t gl, fl;
  const char *g = sbp_node_text(gv, &gl);
  const char *f = sbp_node_text(fv, &fl);
  switch (gm) {
    case SBP_CATALOG_MATCH_EXACT: return fm == SBP_CATALOG_MATCH_EXACT && gl == fl && !memcmp(g, f, gl);
    case SBP_CATALOG_MATCH_SUBPATH:
      if (fm == SBP_CATALOG_MATCH_EXACT || fm == SBP_CATALOG_MATCH_SUBPATH) return under(f, fl, g, gl);
      if (fm == SBP_CATALOG_MATCH_PREFIX) return fl > gl && under(f, fl, g, gl) && (f[gl] == '/' || g[gl - 1] == '/');
      return 0;
    case SBP_CATALOG_MATCH_PREFIX:
      return fm != SBP_CATALOG_MATCH_REGEX && fl >= gl && memcmp(f, g, gl) == 0;
    default: return 0;
  }
}

static int leaf_covers(lint_ctx *c, const sbp_node *g, const sbp_node *f) {
  if (sbp_node_equal(g, f, SBP_EQUAL_DEFAULT)) return 1;
  if (sbp_node_type_of(g) == SBP_NODE_REQUIRE_ANY) {
    for (const sbp_node *k = sbp_node_first_child(g); k; k = sbp_node_next(k))
      if (sbp_node_type_of(k) == SBP_NODE_FILTER && leaf_covers(c, k, f)) return 1;
    return 0;
  }
  if (sbp_node_type_of(g) != SBP_NODE_FILTER || sbp_node_type_of(f) != SBP_NODE_FILTER) return 0;
  size_t gl, fl;
  const char *gn = sbp_node_text(g, &gl);
  const char *fn = sbp_node_text(f, &fl);
  const sbp_catalog_filter *gf, *ff;
  if (sbp_catalog_filter_lookup(c->macos, gn, gl, &gf, NULL) != SBP_OK ||
      sbp_catalog_filter_lookup(c->macos, fn, fl, &ff, NULL) != SBP_OK)
    return 0;
  if (!str_eq(sbp_catalog_filter_base(gf), sbp_catalog_filter_base(ff))) return 0;
  int gm = sbp_catalog_filter_match(gf), fm = sbp_catalog_filter_match(ff);
  for (const sbp_node *fv = sbp_node_first_child(f); fv; fv = sbp_node_next(fv)) {
    int covered = 0;
    for (const sbp_node *gv = sbp_node_first_child(g); gv && !covered; gv = sbp_node_next(gv))
      covered = value_covers(gm, gv, fm, fv);
    if (!covered) return 0;
  }
  return 1;
}

/* The top-level filters of a rule by structural hash (node_hash), sorted: made on first
 * need, for comparing rules too large to compare filter by filter. */
typedef struct filter_hash {
  uint64_t hash;
  const sbp_node *filter;
} filter_hash;

typedef struct rule_filters {
  filter_hash *f;
  size_t n;
  int made;
} rule_filters;

static uint64_t node_hash(const sbp_node *start);

/* Pairs of filters compared one by one at most: past this, rules are compared by equal
 * filters only (a 10,000-filter rule beside another would take 10^8 comparisons). */
#define COVER_PAIRS_MAX 4096

static int cmp_filter_hash(const void *pa, const void *pb) {
  const filter_hash *a = pa, *b = pb;
  return a->hash < b->hash ? -1 : a->hash > b->hash;
}

static int rule_filters_of(lint_ctx *c, size_t ri, const rule_filters **out) {
  rule_filters *rf = &c->rf[ri];
  *out = rf;
  if (rf->made) return SBP_OK;
  size_t n = 0;
  for (const sbp_node *g = c->rules[ri]->first; g; g = g->next) n += is_filter_node(g);
  rf->f = sbp__malloc(c->alloc, (n ? n : 1) * sizeof *rf->f);
  if (rf->f == NULL) return SBP_E_NOMEM;
  for (const sbp_node *g = c->rules[ri]->first; g; g = g->next)
    if (is_filter_node(g)) {
      rf->f[rf->n].hash = node_hash(g);
      rf->f[rf->n++].filter = g;
    }
  qsort(rf->f, rf->n, sizeof *rf->f, cmp_filter_hash);
  rf->made = 1;
  return SBP_OK;
}

static size_t count_filters(const sbp_node *rule) {
  size_t n = 0;
  for (const sbp_node *g = rule->first; g; g = g->next) n += is_filter_node(g);
  return n;
}

/* Does every request rule a matches also match rule b? A rule's filters are OR-ed
 * (semantics.md 1), so each of a's filters must be covered by one of b's. Large pairs of
 * rules are compared through their sorted filter hashes, which finds a's filters that b
 * holds as they are and no other covering: an answer of no is then "not shown", never a
 * false "never decides". Sets *covers. */
static int filters_cover(lint_ctx *c, const lint_entry *b, const lint_entry *a, int *covers) {
  *covers = 0;
  size_t na = count_filters(a->rule), nb = count_filters(b->rule);
  if (na != 0 && nb > COVER_PAIRS_MAX / na) {
    const rule_filters *fa, *fb;
    int rc = rule_filters_of(c, a->rule_idx, &fa);
    if (rc == SBP_OK) rc = rule_filters_of(c, b->rule_idx, &fb);
    if (rc != SBP_OK) return rc;
    size_t j = 0;
    for (size_t i = 0; i < fa->n; i++) {
      while (j < fb->n && fb->f[j].hash < fa->f[i].hash) j++;
      int covered = 0;
      for (size_t k = j; k < fb->n && fb->f[k].hash == fa->f[i].hash && !covered; k++)
        covered = sbp_node_equal(fb->f[k].filter, fa->f[i].filter, SBP_EQUAL_DEFAULT);
      if (!covered) return SBP_OK;
    }
    *covers = 1;
    return SBP_OK;
  }
  for (const sbp_node *f = a->rule->first; f; f = f->next) {
    if (!is_filter_node(f)) continue;
    int covered = 0;
    for (const sbp_node *g = b->rule->first; g && !covered; g = g->next)
      if (is_filter_node(g)) covered = leaf_covers(c, g, f);
    if (!covered) return SBP_OK;
  }
  *covers = 1;
  return SBP_OK;
}

/* Same action, same filters and modifiers (positions and comments aside). */
static int same_body(const sbp_node *a, const sbp_node *b) {
  if (sbp_rule_action(a) != sbp_rule_action(b)) return 0;
  const sbp_node *x = sbp_node_first_child(a), *y = sbp_node_first_child(b);
  while (x && sbp_node_type_of(x) == SBP_NODE_OPERATION) x = sbp_node_next(x);
  while (y && sbp_node_type_of(y) == SBP_NODE_OPERATION) y = sbp_node_next(y);
  while (x && y) {
    if (!sbp_node_equal(x, y, SBP_EQUAL_DEFAULT)) return 0;
    x = sbp_node_next(x);
    y = sbp_node_next(y);
  }
  return x == NULL && y == NULL;
}

/* ---- ordering: duplicates, rules that never decide, the unfiltered-rule trap ----------- *
 *
 * A filtered rule a never decides when a later filtered rule x, on a's operation or an
 * ancestor of it, matches everything a matches. Each leaf of a must then be covered by a
 * leaf of x, and a leaf covers another only when it is equal to it or each of its values is
 * a string prefix of (or equal to) one of x's. So candidates for x are found through an
 * index of hashes: of each filter node, and of each value, and for a's first leaf the
 * hashes of every prefix of its first string value. */


/* The seed of a value's hash; its text follows. */
static uint64_t value_seed(const sbp_node *v) {
  uint8_t tk[2] = {v->type, v->kind};
  return mix(FNV_OFFSET, tk, 2);
}

/* A structural hash: equal nodes (sbp_node_equal, positions and comments aside) hash
 * equally. Iterative over the subtree. */
static uint64_t node_hash(const sbp_node *start) {
  uint64_t h = FNV_OFFSET;
  const sbp_node *n = start;
  while (n != NULL) {
    uint8_t tk[2] = {n->type, n->kind};
    if (n->type == SBP_NODE_VALUE && n->first == NULL) {
      h = mix(h, "V", 1);
      uint64_t vh = value_seed(n);
      if (n->text) vh = mix(vh, n->text, n->text_len);
      vh = mix(vh, &n->host, sizeof n->host);
      vh = mix(vh, &n->num, sizeof n->num);
      h = mix(h, &vh, sizeof vh);
    } else {
      h = mix(h, tk, 2);
      if (n->text) h = mix(h, n->text, n->text_len);
    }
    if (n->first != NULL) {
      h = mix(h, "(", 1);
      n = n->first;
      continue;
    }
    while (n != start && n->next == NULL) {
      n = n->parent;
      h = mix(h, ")", 1);
    }
    if (n == start) break;
    n = n->next;
  }
  return h;
}

/* The hash of a leaf value, the way prefixes of strings are hashed. */
static uint64_t value_hash(const sbp_node *v) {
  if (v->kind == SBP_VALUE_STRING) {
    uint64_t h = value_seed(v);
    h = mix(h, v->text, v->text_len);
    uint64_t out = FNV_OFFSET;
    return mix(mix(out, "V", 1), &h, sizeof h);
  }
  return node_hash(v);
}

typedef struct hkey {
  uint64_t hash;
  size_t entry;
} hkey;

typedef struct hindex {
  hkey *k;
  size_t n, cap;
  /* A bloom filter over the hashes (16 bits each): most lookups are for prefixes no filter
   * holds, and a bit answers them without two binary searches over the whole index. */
  uint64_t *bloom;
  uint64_t bloom_mask;
  /* dir[t] is the first key whose hash has top bits t (64 - dir_shift of them); one entry
   * more ends the last range. */
  size_t *dir;
  unsigned dir_shift;
} hindex;

static uint64_t hindex_bit(const hindex *ix, uint64_t h) {
  return ((h >> 29) ^ h) & ix->bloom_mask;
}

static int hindex_add(lint_ctx *c, hindex *ix, uint64_t h, size_t entry) {
  if (sbp__array_grow(c->alloc, (void **)&ix->k, &ix->cap, ix->n + 1, sizeof *ix->k) != SBP_OK)
    return SBP_E_NOMEM;
  ix->k[ix->n].hash = h;
  ix->k[ix->n].entry = entry;
  ix->n++;
  return SBP_OK;
}

static int cmp_hkey(const void *pa, const void *pb) {
  const hkey *a = pa, *b = pb;
  if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
  return a->entry < b->entry ? -1 : a->entry > b->entry ? 1 : 0;
}

/* The keys of hash h in the sorted index: [*lo, *hi). The directory narrows the search to
 * the keys that share h's top bits, a few on average, so a lookup in millions of keys touches
 * two or three places rather than the forty of two binary searches. */
static void hindex_range(const hindex *ix, uint64_t h, size_t *lo, size_t *hi) {
  size_t d = (size_t)(h >> ix->dir_shift);
  size_t a = ix->dir[d], b = ix->dir[d + 1];
  while (a < b) { /* first key >= h */
    size_t mid = a + (b - a) / 2;
    if (ix->k[mid].hash < h) a = mid + 1;
    else b = mid;
  }
  *lo = a;
  b = ix->dir[d + 1];
  while (a < b) { /* first key > h */
    size_t mid = a + (b - a) / 2;
    if (ix->k[mid].hash <= h) a = mid + 1;
    else b = mid;
  }
  *hi = a;
}

static int index_values(lint_ctx *c, hindex *ix, const sbp_node *filter, size_t entry) {
  int rc = SBP_OK;
  for (const sbp_node *v = filter->first; v && rc == SBP_OK; v = v->next)
    if (v->type == SBP_NODE_VALUE) rc = hindex_add(c, ix, value_hash(v), entry);
  return rc;
}

static int build_index(lint_ctx *c, hindex *ix) {
  int rc = SBP_OK;
  for (size_t i = 0; i < c->ne && rc == SBP_OK; i++) {
    if (!c->e[i].filtered) continue;
    for (const sbp_node *g = c->e[i].rule->first; g && rc == SBP_OK; g = g->next) {
      if (!is_filter_node(g)) continue;
      rc = hindex_add(c, ix, node_hash(g), i);
      if (rc == SBP_OK && g->type == SBP_NODE_FILTER) rc = index_values(c, ix, g, i);
      if (g->type == SBP_NODE_REQUIRE_ANY)
        for (const sbp_node *k = g->first; k && rc == SBP_OK; k = k->next) {
          rc = hindex_add(c, ix, node_hash(k), i);
          if (rc == SBP_OK && k->type == SBP_NODE_FILTER) rc = index_values(c, ix, k, i);
        }
    }
  }
  if (rc == SBP_OK && ix->n) qsort(ix->k, ix->n, sizeof *ix->k, cmp_hkey);
  if (rc != SBP_OK) return rc;
  uint64_t bits = 512;
  while (bits < (uint64_t)ix->n * 16u && bits < ((uint64_t)1 << 40)) bits <<= 1;
  ix->bloom = sbp__calloc(c->alloc, (size_t)(bits / 64), sizeof *ix->bloom);
  if (ix->bloom == NULL) return SBP_E_NOMEM;
  ix->bloom_mask = bits - 1;
  for (size_t i = 0; i < ix->n; i++) {
    uint64_t bit = hindex_bit(ix, ix->k[i].hash);
    ix->bloom[bit >> 6] |= (uint64_t)1 << (bit & 63);
  }
  unsigned top = 1; /* about one directory entry per key */
  while (top < 40 && ((size_t)1 << top) < ix->n) top++;
  size_t nd = (size_t)1 << top;
  ix->dir = sbp__malloc(c->alloc, (nd + 1) * sizeof *ix->dir);
  if (ix->dir == NULL) return SBP_E_NOMEM;
  ix->dir_shift = 64 - top;
  size_t j = 0;
  for (size_t d = 0; d <= nd; d++) {
    while (j < ix->n && (size_t)(ix->k[j].hash >> ix->dir_shift) < d) j++;
    ix->dir[d] = j;
  }
  return SBP_OK;
}

/* The latest rule of the candidates for filtered entry a under hash h that matches
 * everything a matches, if later than *best (and a): the candidates are in entry order, so
 * they are searched from the last and the search ends at the first rule that covers. Among
 * one rule's entries the first that covers is taken. */
static int lookup(lint_ctx *c, const hindex *ix, uint64_t h, size_t ai, size_t *tested,
                  size_t *best) {
  const lint_entry *a = &c->e[ai];
  uint64_t bit = hindex_bit(ix, h);
  if (!((ix->bloom[bit >> 6] >> (bit & 63)) & 1u)) return SBP_OK;
  size_t lo, hi;
  hindex_range(ix, h, &lo, &hi);
  size_t floor = a->rule_idx, found = SIZE_MAX;
  if (*best != SIZE_MAX && c->e[*best].rule_idx > floor) floor = c->e[*best].rule_idx;
  for (size_t k = hi; k-- > lo;) {
    size_t xi = ix->k[k].entry;
    const lint_entry *x = &c->e[xi];
    if (x->rule_idx <= floor) break;
    if (found != SIZE_MAX && x->rule_idx < c->e[found].rule_idx) break;
    /* an entry is a candidate under several hashes: it is judged once for a */
    if (tested[xi] == ai + 1) continue;
    tested[xi] = ai + 1;
    int covers = 0;
    if (x->filtered && op_covers(x, a)) {
      int rc = filters_cover(c, x, a, &covers);
      if (rc != SBP_OK) return rc;
    }
    if (covers) found = xi;
  }
  if (found != SIZE_MAX) *best = found;
  return SBP_OK;
}

/* A hash of what same_body compares, with the operation: entries equal under it are copies
 * of each other on the same operation. */
static uint64_t body_key(const lint_entry *e) {
  uint64_t h = mix(FNV_OFFSET, e->op, strlen(e->op));
  uint8_t action = (uint8_t)e->action;
  h = mix(h, &action, 1);
  const sbp_node *x = e->rule->first;
  while (x && x->type == SBP_NODE_OPERATION) x = x->next;
  for (; x; x = x->next) {
    uint64_t nh = node_hash(x);
    h = mix(h, &nh, sizeof nh);
  }
  return h;
}

/* Copies: entries on the same operation with the same body (same_body) form a class. For
 * each entry, next[i] gets the next entry of its class on a later rule (or SIZE_MAX), and
 * class_first[i] the first entry of its class. Classes are found by sorting hashes, so the work
 * grows with the entries, not with their pairs. */
static int find_copies(lint_ctx *c, size_t *next, size_t *class_first) {
  hkey *k = sbp__calloc(c->alloc, c->ne ? c->ne : 1, sizeof *k);
  size_t *reps = NULL, nreps = 0, capreps = 0;
  if (k == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < c->ne; i++) {
    k[i].hash = body_key(&c->e[i]);
    k[i].entry = i;
    next[i] = SIZE_MAX;
  }
  if (c->ne) qsort(k, c->ne, sizeof *k, cmp_hkey);
  int rc = SBP_OK;
  for (size_t r0 = 0, r1; r0 < c->ne && rc == SBP_OK; r0 = r1) {
    for (r1 = r0 + 1; r1 < c->ne && k[r1].hash == k[r0].hash;) r1++;
    /* within one hash, the classes (more than one only when hashes collide); reps holds
     * each class's latest entry so far */
    nreps = 0;
    for (size_t j = r0; j < r1; j++) {
      size_t e = k[j].entry, m = 0;
      const lint_entry *x = &c->e[e];
      for (; m < nreps; m++) {
        const lint_entry *y = &c->e[reps[m]];
        if (strcmp(x->op, y->op) == 0 && same_body(x->rule, y->rule)) break;
      }
      if (m == nreps) {
        if (nreps == capreps) {
          size_t cap = capreps ? capreps * 2 : 4;
          size_t *nr = sbp__realloc(c->alloc, reps, cap * sizeof *nr);
          if (nr == NULL) {
            rc = SBP_E_NOMEM;
            break;
          }
          reps = nr;
          capreps = cap;
        }
        reps[nreps++] = e;
        class_first[e] = e;
        continue;
      }
      next[reps[m]] = e;
      class_first[e] = class_first[reps[m]];
      reps[m] = e;
    }
    /* the next copy on a later rule: skip copies on the same rule (an operation named twice) */
    for (size_t j = r1; j-- > r0;) {
      size_t e = k[j].entry, n = next[e];
      if (n != SIZE_MAX && c->e[n].rule_idx == c->e[e].rule_idx) next[e] = next[n];
    }
  }
  sbp__free(c->alloc, reps);
  sbp__free(c->alloc, k);
  return rc;
}

typedef struct op_bucket {
  const char *op;
  const lint_entry *first; /* an entry on the op (for its chain) */
  size_t last_unfiltered;  /* highest rule index of an unfiltered entry, or SIZE_MAX */
  const sbp_node *last_unfiltered_rule;
  size_t first_filtered[3]; /* by action: lowest rule index of a filtered entry */
  const sbp_node *first_filtered_rule[3];
} op_bucket;

static op_bucket *find_bucket(op_bucket *b, size_t nb, const char *op) {
  for (size_t i = 0; i < nb; i++)
    if (strcmp(b[i].op, op) == 0) return &b[i];
  return NULL;
}

static int check_order(lint_ctx *c) {
  int rc = SBP_OK;
  hindex ix = {NULL, 0, 0, NULL, 0, NULL, 0};
  op_bucket *b = sbp__calloc(c->alloc, c->ne ? c->ne : 1, sizeof *b);
  uint8_t *reported = sbp__calloc(c->alloc, c->nrules ? c->nrules : 1, 1);
  uint8_t *dup_later = sbp__calloc(c->alloc, c->nrules ? c->nrules : 1, 1);
  const sbp_node **dup_of = sbp__calloc(c->alloc, c->nrules ? c->nrules : 1, sizeof *dup_of);
  size_t *next = sbp__calloc(c->alloc, c->ne ? c->ne : 1, sizeof *next);
  size_t *class_first = sbp__calloc(c->alloc, c->ne ? c->ne : 1, sizeof *class_first);
  size_t *tested = sbp__calloc(c->alloc, c->ne ? c->ne : 1, sizeof *tested);
  c->rf = sbp__calloc(c->alloc, c->nrules ? c->nrules : 1, sizeof *c->rf);
  size_t nb = 0;
  if (b == NULL || reported == NULL || dup_later == NULL || dup_of == NULL || next == NULL ||
      class_first == NULL || tested == NULL || c->rf == NULL) {
    rc = SBP_E_NOMEM;
    goto done;
  }
  /* Buckets per operation name (few distinct names: a linear search is fine). */
  for (size_t i = 0; i < c->ne && rc == SBP_OK; i++) {
    lint_entry *e = &c->e[i];
    op_bucket *k = find_bucket(b, nb, e->op);
    if (k == NULL) {
      k = &b[nb++];
      k->op = e->op;
      k->first = e;
      k->last_unfiltered = SIZE_MAX;
      for (int a = 0; a < 3; a++) k->first_filtered[a] = SIZE_MAX;
    }
    if (e->filtered) {
      if (k->first_filtered[e->action] == SIZE_MAX) {
        k->first_filtered[e->action] = e->rule_idx;
        k->first_filtered_rule[e->action] = e->rule;
      }
      continue;
    }
    k->last_unfiltered = e->rule_idx;
    k->last_unfiltered_rule = e->rule;
  }
  if (rc == SBP_OK) rc = build_index(c, &ix);
  if (rc == SBP_OK) rc = find_copies(c, next, class_first);
  if (rc != SBP_OK) goto done;

  /* Duplicates: a rule repeats the earliest rule one of its entries copies (for a filtered
   * entry its class's first; for an unfiltered one the copy just before it, the one it
   * shadows), and a rule with a later copy is reported at that copy only. */
  for (size_t i = 0; i < c->ne; i++) {
    const lint_entry *a = &c->e[i];
    if (next[i] != SIZE_MAX) dup_later[a->rule_idx] = 1;
    const lint_entry *by = NULL;
    if (a->filtered) {
      if (c->e[class_first[i]].rule_idx < a->rule_idx) by = &c->e[class_first[i]];
    } else if (next[i] != SIZE_MAX) {
      by = a;
      a = &c->e[next[i]];
    }
    if (by != NULL && dup_of[a->rule_idx] == NULL) dup_of[a->rule_idx] = by->rule;
  }

  for (size_t i = 0; i < c->ne; i++) {
    lint_entry *a = &c->e[i];
    if (a->filtered) {
      /* A filtered entry's rule has a filter node (build_entries): the first one. */
      const sbp_node *f = a->rule->first;
      while (!is_filter_node(f)) f = f->next;
      size_t best = SIZE_MAX;
      rc = lookup(c, &ix, node_hash(f), i, tested, &best);
      if (rc == SBP_OK && f->type == SBP_NODE_FILTER && f->first &&
          f->first->type == SBP_NODE_VALUE) {
        const sbp_node *v = f->first;
        if (v->kind == SBP_VALUE_STRING) {
          uint64_t h = value_seed(v);
          for (size_t k = 0; k <= v->text_len && rc == SBP_OK; k++) {
            uint64_t key = mix(mix(FNV_OFFSET, "V", 1), &h, sizeof h);
            rc = lookup(c, &ix, key, i, tested, &best);
            if (k < v->text_len) h = mix(h, v->text + k, 1);
          }
        } else {
          rc = lookup(c, &ix, value_hash(v), i, tested, &best);
        }
      }
      if (rc != SBP_OK) goto done;
      if (best != SIZE_MAX) {
        a->shadowed_by = c->e[best].rule;
        a->shadowed_op = c->e[best].op;
      }
      continue;
    }
    /* Unfiltered: a later unfiltered rule on the operation or an ancestor decides first
     * (for default: a later unfiltered default). */
    op_bucket *own = find_bucket(b, nb, a->op);
    if (next[i] != SIZE_MAX) {
      a->shadowed_by = c->e[next[i]].rule;
      a->shadowed_op = c->e[next[i]].op;
      continue;
    }
    size_t best_idx = 0;
    if (a->is_default) {
      if (own->last_unfiltered > a->rule_idx) {
        a->shadowed_by = own->last_unfiltered_rule;
        a->shadowed_op = own->op;
      }
      continue;
    }
    for (size_t k = 0; k < (a->nchain ? a->nchain : 1); k++) {
      const char *name = k == 0 ? a->op : sbp_catalog_op_name(a->chain[k]);
      if (name == NULL || strcmp(name, "default") == 0) continue;
      op_bucket *bk = find_bucket(b, nb, name);
      if (bk && bk->last_unfiltered != SIZE_MAX && bk->last_unfiltered > a->rule_idx &&
          bk->last_unfiltered > best_idx) {
        best_idx = bk->last_unfiltered;
        a->shadowed_by = bk->last_unfiltered_rule;
        a->shadowed_op = bk->op;
      }
    }
  }

  /* Report: a rule all of whose entries are shadowed never decides. */
  size_t ei = 0;
  for (size_t ri = 0; ri < c->nrules && rc == SBP_OK; ri++) {
    const sbp_node *rule = c->rules[ri];
    const sbp_node *by = NULL;
    int all = 1, any = 0, weak = 0, chain = 0;
    for (; ei < c->ne && c->e[ei].rule_idx == ri; ei++) {
      const lint_entry *e = &c->e[ei];
      any = 1;
      if (e->shadowed_by == NULL) {
        all = 0;
        continue;
      }
      if (by == NULL) by = e->shadowed_by;
      /* shadowed from an ancestor operation: under the other reading of precedence across
       * the chain (SBP_FACT_SPECIFIC_OPERATION_FIRST) this entry would decide */
      if (strcmp(e->op, e->shadowed_op) != 0) chain = 1;
      /* Through a fallback link the catalog marks as a weak fact? */
      if (strcmp(e->op, e->shadowed_op) != 0)
        for (size_t k = 0; k + 1 < e->nchain; k++) {
          const char *on = sbp_catalog_op_name(e->chain[k]);
          if (str_eq(on, e->shadowed_op)) break;
          if (str_eq(on, "network-bind") || str_eq(on, "managed-preference-read") ||
              (sbp_catalog_op_flags(e->chain[k]) & SBP_CATALOG_OP_PARENT_INFERRED))
            weak = 1;
        }
    }
    const char *file;
    uint32_t line, col;
    node_pos(c, rule, rule, &file, &line, &col);
    char pos[320], text[112];
    if (dup_of[ri] != NULL) {
      rc = sbp__lint_add(c->r, SBP__L_DUPLICATE_RULE, 0, file, line, col, NULL, 0,
                         "duplicate rule: it repeats the rule at %s",
                         pos_text(dup_of[ri], pos, sizeof pos));
      if (rc != SBP_OK) break;
    }
    /* A rule repeated later is reported once, as a duplicate, at the later copy. */
    if (any && all && by != NULL && !dup_later[ri]) {
      rc = rule_text(c, by, text, sizeof text);
      if (rc == SBP_OK)
        rc = sbp__lint_add(c->r, SBP__L_SHADOWED_RULE, 0, file, line, col, NULL, 0,
                           "this rule never decides: the later rule at %s %s decides first for "
                           "everything it matches%s%s",
                           pos_text(by, pos, sizeof pos), text,
                           weak ? " (through a fallback link of medium or low confidence: "
                                  "network-bind falls back to network-inbound, ...)"
                                : "",
                           chain ? " (under plain last-wins across the chain; if a rule for the "
                                   "exact operation outranks a later wildcard rule, contested "
                                   "fact specific-operation-first, this rule decides)"
                                 : "");
    }
  }
  if (rc != SBP_OK) goto done;

  /* The ordering trap: an unfiltered rule after filtered rules of the other action on its
   * operation or below it. */
  for (size_t j = 0; j < c->ne && rc == SBP_OK; j++) {
    const lint_entry *u = &c->e[j];
    if (u->filtered || u->is_default || reported[u->rule_idx]) continue;
    int other = u->action == SBP_ALLOW ? SBP_DENY : SBP_ALLOW;
    size_t first = SIZE_MAX;
    const sbp_node *frule = NULL;
    for (size_t k = 0; k < nb; k++) {
      if (b[k].first_filtered[other] >= u->rule_idx || b[k].first_filtered[other] >= first)
        continue;
      if (!op_covers(u, b[k].first)) continue;
      first = b[k].first_filtered[other];
      frule = b[k].first_filtered_rule[other];
    }
    if (frule == NULL) continue;
    reported[u->rule_idx] = 1;
    const char *file;
    uint32_t line, col;
    node_pos(c, u->rule, u->rule, &file, &line, &col);
    char pos[320];
    char fix[160];
    int fl = 0;
    if (strncmp(u->op, "file", 4) == 0)
      fl = snprintf(fix, sizeof fix, "(%s %s (subpath \"/\"))",
                    u->action == SBP_ALLOW ? "allow" : "deny", u->op);
    rc = sbp__lint_add(c->r, SBP__L_UNFILTERED_AFTER_FILTERED, 0, file, line, col,
                       fl > 0 ? fix : NULL, fl > 0 ? (size_t)fl : 0,
                       "unfiltered (%s %s) after the filtered %s at %s does not override it: "
                       "filtered rules decide first, in either order (semantics.md 3.2); as a "
                       "fallback it belongs before them, and to override them it needs a "
                       "filter that matches everything",
                       u->action == SBP_ALLOW ? "allow" : "deny", u->op,
                       other == SBP_ALLOW ? "allow" : "deny", pos_text(frule, pos, sizeof pos));
  }
done:
  sbp__free(c->alloc, b);
  sbp__free(c->alloc, ix.k);
  sbp__free(c->alloc, ix.bloom);
  sbp__free(c->alloc, ix.dir);
  sbp__free(c->alloc, reported);
  sbp__free(c->alloc, dup_later);
  sbp__free(c->alloc, dup_of);
  sbp__free(c->alloc, next);
  sbp__free(c->alloc, class_first);
  sbp__free(c->alloc, tested);
  for (size_t i = 0; c->rf != NULL && i < c->nrules; i++) sbp__free(c->alloc, c->rf[i].f);
  sbp__free(c->alloc, c->rf);
  c->rf = NULL;
  return rc;
}

/* ---- defaults and broad grants -------------------------------------------------------------- */

static int matches_everything(const sbp_node *f) {
  if (sbp_node_type_of(f) != SBP_NODE_FILTER) return 0;
  const char *name = sbp_node_text(f, NULL);
  for (const sbp_node *v = sbp_node_first_child(f); v; v = sbp_node_next(v)) {
    size_t len;
    const char *s = sbp_node_text(v, &len);
    if (s == NULL) continue;
    if ((str_eq(name, "subpath") || str_eq(name, "prefix") || str_eq(name, "path-prefix")) &&
        len == 1 && s[0] == '/')
      return 1;
    if ((str_eq(name, "regex") || str_eq(name, "path-regex")) &&
        (str_eq(s, "^/") || str_eq(s, "^/.*") || str_eq(s, ".*") || str_eq(s, "^.*$") ||
         str_eq(s, "") || str_eq(s, "^/.*$")))
      return 1;
  }
  return 0;
}

static int check_defaults_and_grants(lint_ctx *c) {
  int rc = SBP_OK, has_default = 0;
  for (size_t i = 0; i < c->ne && rc == SBP_OK; i++) {
    const lint_entry *e = &c->e[i];
    const char *file;
    uint32_t line, col;
    node_pos(c, e->rule, e->rule, &file, &line, &col);
    if (e->is_default) {
      has_default = 1;
      if (e->action == SBP_ALLOW && !e->filtered)
        rc = sbp__lint_add(c->r, SBP__L_ALLOW_DEFAULT, 0, file, line, col, "(deny default)", 14,
                           "(allow default): everything this profile does not deny is allowed; "
                           "prefer (deny default) and allow what is needed");
      continue;
    }
    if (e->action != SBP_ALLOW) continue;
    const char *op = e->op;
    if (str_eq(op, "file*") || str_eq(op, "file-write*") || str_eq(op, "file-write-data")) {
      int broad = !e->filtered;
      for (const sbp_node *f = sbp_node_first_child(e->rule); f && !broad; f = sbp_node_next(f))
        broad = matches_everything(f);
      if (broad)
        rc = sbp__lint_add(c->r, SBP__L_BROAD_GRANT, 0, file, line, col, NULL, 0,
                           "broad grant: %s on every path (/)", op);
    } else if ((str_eq(op, "mach-lookup") || str_eq(op, "mach*")) && !e->filtered) {
      rc = sbp__lint_add(c->r, SBP__L_BROAD_GRANT, 0, file, line, col, NULL, 0,
                         "broad grant: unfiltered %s reaches every mach service", op);
    } else if (str_eq(op, "network*") && !e->filtered) {
      rc = sbp__lint_add(c->r, SBP__L_BROAD_GRANT, 0, file, line, col, NULL, 0,
                         "broad grant: unfiltered network* allows every network operation to "
                         "every host");
    } else if (str_eq(op, "network*")) {
      rc = sbp__lint_add(c->r, SBP__L_BROAD_GRANT, 0, file, line, col, NULL, 0,
                         "broad grant: network* covers inbound, outbound and bind at once");
    }
  }
  if (rc == SBP_OK && !has_default) {
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    if (c->nrules > 0) sbp_node_position(c->rules[0], &file, &line, &col);
    rc = sbp__lint_add(c->r, SBP__L_NO_DEFAULT, 0, file, line ? 1u : 0u, line ? 1u : 0u,
                       "(deny default)", 14,
                       "no default rule: requests no rule decides are left to the system; "
                       "start with (deny default)");
  }
  return rc;
}

/* ---- rename bypass ------------------------------------------------------------------------- */

static int check_rename(lint_ctx *c) {
  int rc = SBP_OK;
  sbp_decider *d = NULL;
  sbp_request *req = NULL;
  sbp_decision *dec = NULL;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.macos = c->macos;
  sbp_error derr = SBP_ERROR_INIT;
  int drc = sbp_decider_new(&d, c->profile, &o, &derr);
  if (drc == SBP_E_NOMEM) return drc;
  /* A profile the engine rejects: a bad regex is said elsewhere (it has a position), the
   * decider's memory limit here, as check and flatten report it. */
  if (drc == SBP_E_LIMIT && derr.line == 0)
    return sbp__lint_add(c->r, SBP__L_EVAL_ERROR, 0, NULL, 0, 0, NULL, 0, "%s", derr.message);
  if (drc != SBP_OK) return SBP_OK;
  if (sbp_request_new(&req, c->alloc, NULL) != SBP_OK ||
      sbp_decision_new(&dec, c->alloc, NULL) != SBP_OK) {
    rc = SBP_E_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < c->ne && rc == SBP_OK; i++) {
    const lint_entry *e = &c->e[i];
    if (e->action != SBP_DENY || !e->filtered) continue;
    if (!(str_eq(e->op, "file-read*") || str_eq(e->op, "file-read-data") || str_eq(e->op, "file*")))
      continue;
    if (i > 0 && c->e[i - 1].rule == e->rule) continue; /* once per rule */
    sbp_buf fix = SBP_BUF_INIT, list = SBP_BUF_INIT;
    size_t nvals = 0, nbad = 0;
    for (const sbp_node *f = sbp_node_first_child(e->rule); f && rc == SBP_OK; f = sbp_node_next(f)) {
      if (sbp_node_type_of(f) != SBP_NODE_FILTER) continue;
      const char *fname = sbp_node_text(f, NULL);
      int sub = str_eq(fname, "subpath");
      if (!sub && !str_eq(fname, "literal") && !str_eq(fname, "path")) continue;
      for (const sbp_node *v = sbp_node_first_child(f); v && rc == SBP_OK && nvals < 64;
           v = sbp_node_next(v)) {
        size_t len;
        if (sbp_value_kind_of(v) != SBP_VALUE_STRING) continue;
        const char *p = sbp_node_text(v, &len);
        if (len < 2 || p[0] != '/') continue;
        nvals++;
        /* The path itself, then each ancestor but "/". */
        size_t l = len;
        while (l > 1 && p[l - 1] == '/') l--;
        int first = 1;
        while (l > 1 && rc == SBP_OK) {
          rc = sbp_request_set_simple(req, "file-write-unlink", 17, p, l, NULL);
          if (rc == SBP_OK) rc = sbp_decide_into(d, req, NULL, dec, NULL);
          if (rc != SBP_OK) break;
          if (sbp_decision_result(dec) == SBP_DECISION_ALLOW) {
            nbad++;
            if (list.len) rc = sbp__buf_put(&list, c->alloc, ", ", 2);
            if (rc == SBP_OK) rc = sbp__buf_put(&list, c->alloc, p, l);
            if (rc == SBP_OK) rc = sbp__buf_puts(&fix, c->alloc, fix.len ? " (" : "(deny file-write-unlink (");
            if (rc == SBP_OK) rc = sbp__buf_puts(&fix, c->alloc, first && sub ? "subpath \"" : "literal \"");
            if (rc == SBP_OK) rc = sbp__buf_put(&fix, c->alloc, p, l);
            if (rc == SBP_OK) rc = sbp__buf_put(&fix, c->alloc, "\")", 2);
          }
          first = 0;
          while (l > 0 && p[l - 1] != '/') l--;
          if (l > 1) l--;
          else break;
        }
      }
    }
    if (rc == SBP_OK && nbad > 0) rc = sbp__buf_putc(&fix, c->alloc, ')');
    if (rc == SBP_OK && nbad > 0) {
      const char *file;
      uint32_t line, col;
      node_pos(c, e->rule, e->rule, &file, &line, &col);
      rc = sbp__lint_add(c->r, SBP__L_RENAME_BYPASS, 0, file, line, col, fix.ptr, fix.len,
                         "a rename can bypass this read deny: file-write-unlink is allowed on "
                         "%.*s%s, so the denied path can be moved somewhere readable",
                         (int)(list.len > 200 ? 200 : list.len), list.ptr ? list.ptr : "",
                         list.len > 200 ? "..." : "");
    }
    sbp_buf_dispose(&fix);
    sbp_buf_dispose(&list);
  }
done:
  if (rc == SBP_E_INVALID_ARG) rc = SBP_OK;
  sbp_decision_free(dec);
  sbp_request_free(req);
  sbp_decider_free(d);
  return rc;
}

/* ---- entry ----------------------------------------------------------------------------------- */

int sbp__lint_profile_checks(sbp_lint_result *r, const sbp_profile *profile, uint32_t macos,
                             sbp_error *err) {
  lint_ctx c;
  memset(&c, 0, sizeof c);
  c.r = r;
  c.profile = profile;
  c.alloc = &profile->alloc;
  c.macos = macos;
  snprintf(c.target, sizeof c.target, "%u.%u", (unsigned)(macos >> 16),
           (unsigned)((macos >> 8) & 0xffu));
  if (macos & 0xffu)
    snprintf(c.target, sizeof c.target, "%u.%u.%u", (unsigned)(macos >> 16),
             (unsigned)((macos >> 8) & 0xffu), (unsigned)(macos & 0xffu));
  int rc = build_entries(&c);
  sbp_node *root = sbp_profile_root(profile);
  for (const sbp_node *n = sbp_node_first_child(root); n && rc == SBP_OK; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) == SBP_NODE_IMPORT) {
      const char *file = NULL;
      uint32_t line = 0, col = 0;
      sbp_node_position(n, &file, &line, &col);
      rc = sbp__lint_add(r, SBP__L_MISSING_IMPORT, 0, file, line, col, NULL, 0,
                         "import \"%s\" cannot be found (search a directory with -I DIR): "
                         "sandbox-exec fails, and what its rules allow or deny is unknown",
                         sbp_node_text(n, NULL));
      r->evaluated = 0; /* sandbox-exec would fail */
    }
    if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
    rc = check_rule_names(&c, n);
    if (rc == SBP_OK) rc = check_rule_size(&c, n);
  }
  if (rc == SBP_OK) rc = check_order(&c);
  if (rc == SBP_OK) rc = check_defaults_and_grants(&c);
  if (rc == SBP_OK) rc = check_rename(&c);
  if (rc == SBP_OK && c.nomem) rc = SBP_E_NOMEM;
  sbp__free(c.alloc, c.e);
  sbp__free(c.alloc, c.rules);
  sbp__free(c.alloc, c.twins);
  if (rc == SBP_E_NOMEM) return sbp__nomem(err);
  return rc;
}
