/* Resolving the paths of a policy: `~` and relative paths, `.` and `..`, repeated slashes,
 * and the second spelling of paths under macOS's symlinked roots /tmp, /var and /etc. */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "glob.h"
#include "policy_path.h"
#include "sbprofile/regex.h"

/* The roots macOS links into /private. */
static const char *const LINKED_ROOTS[] = {"tmp", "var", "etc"};

const char *sbp__policy_list_name(int list) {
  switch (list) {
    case SBP_POLICY_READ_DENY: return "read-deny";
    case SBP_POLICY_READ_ALLOW: return "read-allow";
    case SBP_POLICY_WRITE_ALLOW: return "write-allow";
    case SBP_POLICY_WRITE_DENY: return "write-deny";
    case SBP_POLICY_EXEC_ALLOW: return "exec-allow";
    case SBP_POLICY_UNIX_SOCKET: return "unix-socket";
    default: return "settings file";
  }
}

static int bad(sbp_error *err, const char *what, const char *text, size_t len, const char *why) {
  char q[112] = "";
  sbp__error_quote(q, sizeof(q), text, len, 96);
  return sbp__error(err, SBP_E_INVALID_ARG, "%s \"%s\": %s", what, q, why);
}

/* Is component c[0..n) (with glob escapes when glob) a pattern? */
static int component_is_pattern(const char *c, size_t n, int glob) {
  return glob && sbp_glob_is_pattern(c, n);
}

/* Appends the normalized form of the absolute path s[0..len) to out: components split on
 * '/', "." dropped, ".." folded. For a glob, ".." after a pattern component is an error. */
static int normalize(const char *s, size_t len, int glob, sbp_buf *out, const sbp_alloc *a,
                     const char **why) {
  size_t i = 0;
  int rc = SBP_OK;
  while (i < len && rc == SBP_OK) {
    while (i < len && s[i] == '/') i++;
    size_t start = i;
    int dangling = 0; /* the component ends with a '\\' that escapes the '/' after it */
    while (i < len && s[i] != '/') {
      if (glob && s[i] == '\\' && i + 1 < len) {
        if (s[i + 1] == '/') {
          dangling = 1;
          i++;
          break;
        }
        i++;
      }
      i++;
    }
    size_t n = i - start - (size_t)dangling;
    const char *c = s + start;
    if (n == 0 || (n == 1 && c[0] == '.')) continue;
    if (n == 2 && c[0] == '.' && c[1] == '.') {
      size_t last = out->len;
      while (last > 0 && out->ptr[last - 1] != '/') last--;
      if (last > 0 && component_is_pattern(out->ptr + last, out->len - last, glob)) {
        *why = "'..' after a pattern component";
        return SBP_E_INVALID_ARG;
      }
      sbp__buf_truncate(out, last > 0 ? last - 1 : 0);
      continue;
    }
    rc = sbp__buf_putc(out, a, '/');
    /* A '\' before '/' escapes nothing a path needs: drop it with the separator. */
    if (rc == SBP_OK) rc = sbp__buf_put(out, a, c, n);
  }
  if (rc == SBP_OK && out->len == 0) rc = sbp__buf_putc(out, a, '/');
  return rc;
}

int sbp__policy_dir(sbp__arena *arena, const char *what, const char *s, size_t len, char **out,
                    size_t *out_len, sbp_error *err) {
  if (s == NULL || len == 0) return bad(err, what, "", 0, "empty path");
  if (memchr(s, '\0', len) != NULL) return bad(err, what, s, len, "NUL byte");
  if (s[0] != '/') return bad(err, what, s, len, "not an absolute path");
  sbp_buf b = SBP_BUF_INIT;
  const char *why = NULL;
  int rc = normalize(s, len, 0, &b, arena->alloc, &why);
  char *copy = rc == SBP_OK ? sbp__arena_strndup(arena, b.ptr, b.len) : NULL;
  size_t n = b.len;
  sbp_buf_dispose(&b);
  if (copy == NULL) return sbp__nomem(err);
  *out = copy;
  *out_len = n;
  return SBP_OK;
}

/* The static directory of an absolute, normalized glob: its components before the first
 * pattern component, without escapes. */
static int glob_base(const char *g, size_t len, sbp_buf *out, const sbp_alloc *a) {
  size_t end = 0, i = 0;
  while (i < len) {
    size_t start = i + 1; /* after the '/' */
    size_t j = start;
    while (j < len && g[j] != '/') j += (g[j] == '\\' && j + 1 < len) ? 2 : 1;
    if (sbp_glob_is_pattern(g + start, j - start)) break;
    end = j;
    i = j;
  }
  if (end == len) {
    /* No pattern at all (the caller treats it as a literal): its parent bounds it. */
    while (end > 0 && g[end - 1] != '/') end--;
    if (end > 0) end--;
  }
  if (end == 0) return sbp__buf_putc(out, a, '/');
  return sbp__glob_unescape(out, a, g, end);
}

/* The other spelling of a canonical path under /private/{tmp,var,etc}: the same without
 * "/private"; 0 when there is none. */
static size_t linked_prefix(const char *p, size_t len) {
  static const char priv[] = "/private/";
  if (len < sizeof(priv) - 1 + 3 || memcmp(p, priv, sizeof(priv) - 1) != 0) return 0;
  const char *c = p + sizeof(priv) - 1;
  size_t rest = len - (sizeof(priv) - 1);
  for (size_t k = 0; k < sizeof(LINKED_ROOTS) / sizeof(LINKED_ROOTS[0]); k++)
    if (memcmp(c, LINKED_ROOTS[k], 3) == 0 && (rest == 3 || c[3] == '/')) return 8;
  return 0;
}

/* The linked roots (bits of LINKED_ROOTS) that the first component of the absolute,
 * normalized glob g can match when it is a pattern; *first_len receives the length of "/"
 * and that component. A whole `**` matches any components, /private/tmp among them, so it
 * needs no other spelling: 0. SBP_OK or SBP_E_NOMEM. */
static int pattern_roots(const char *g, size_t len, const sbp_alloc *a, size_t *first_len,
                         unsigned *roots) {
  *roots = 0;
  size_t j = 1;
  while (j < len && g[j] != '/') j += (g[j] == '\\' && j + 1 < len) ? 2 : 1;
  *first_len = j;
  const char *c = g + 1;
  size_t n = j - 1;
  if (!sbp_glob_is_pattern(c, n)) return SBP_OK;
  size_t stars = 0;
  while (stars < n && c[stars] == '*') stars++;
  if (stars == n && n >= 2) return SBP_OK;
  sbp_buf re = SBP_BUF_INIT;
  int rc = sbp_glob_to_regex(c, n, 0, a, &re, NULL);
  for (size_t k = 0; k < sizeof(LINKED_ROOTS) / sizeof(LINKED_ROOTS[0]) && rc == SBP_OK; k++) {
    int m = 0;
    rc = sbp_regex_match(re.ptr, re.len, LINKED_ROOTS[k], 3, a, &m, NULL);
    if (m) *roots |= 1u << k;
  }
  sbp_buf_dispose(&re);
  /* The pattern was checked with the whole glob: only memory can fail. */
  return rc == SBP_OK ? SBP_OK : SBP_E_NOMEM;
}

/* Appends s[0..len) and a NUL at *at. */
static void put_str(char **at, const char *s, size_t len) {
  memcpy(*at, s, len);
  (*at)[len] = '\0';
  *at += len + 1;
}

int sbp__policy_resolve(sbp__arena *arena, sbp_buf scratch[2], const char *home,
                        size_t home_len, const char *cwd, size_t cwd_len, sbp_path_kind kind,
                        const char *text, size_t len, const char *what, sbp__pentry *e,
                        sbp_error *err) {
  const sbp_alloc *a = arena->alloc;
  if (text == NULL || len == 0) return bad(err, what, "", 0, "empty path");
  if (memchr(text, '\0', len) != NULL) return bad(err, what, text, len, "NUL byte");
  sbp_buf *cur = &scratch[0], *other = &scratch[1], *swap;
  sbp__buf_truncate(cur, 0);
  sbp__buf_truncate(other, 0);
  int glob = kind == SBP_PATH_GLOB || (kind == SBP_PATH_AUTO && sbp_glob_is_pattern(text, len));
  if (glob) {
    /* Checked on the text as given, so that an error's offset points into it. */
    sbp_error gerr = SBP_ERROR_INIT;
    int rc = sbp__glob_regex_body(text, len, cur, a, &gerr);
    sbp__buf_truncate(cur, 0);
    if (rc == SBP_E_NOMEM) return sbp__nomem(err);
    if (rc != SBP_OK) {
      char q[112] = "";
      sbp__error_quote(q, sizeof(q), text, len, 96);
      return sbp__error_at(err, SBP_E_INVALID_ARG, NULL, 1, gerr.column, gerr.offset,
                           "%s \"%s\": %s", what, q, gerr.message);
    }
  }
  int rc = SBP_OK;
  const char *rest = text;
  size_t rest_len = len;
  if (text[0] == '~' && (len == 1 || text[1] == '/')) {
    if (home == NULL) return bad(err, what, text, len, "~ without a home");
    rc = glob ? sbp__glob_escape(other, a, home, home_len) : sbp__buf_put(other, a, home, home_len);
    rest = text + 1;
    rest_len = len - 1;
    if (rc == SBP_OK) rc = sbp__buf_putc(other, a, '/');
  } else if (text[0] != '/') {
    if (cwd == NULL) return bad(err, what, text, len, "relative path without a cwd");
    rc = glob ? sbp__glob_escape(other, a, cwd, cwd_len) : sbp__buf_put(other, a, cwd, cwd_len);
    if (rc == SBP_OK) rc = sbp__buf_putc(other, a, '/');
  }
  if (rc == SBP_OK) rc = sbp__buf_put(other, a, rest, rest_len);
  const char *why = NULL;
  if (rc == SBP_OK) rc = normalize(other->ptr, other->len, glob, cur, a, &why);
  if (rc == SBP_E_INVALID_ARG) return bad(err, what, text, len, why);
  /* A glob without metacharacters is a literal path. */
  if (rc == SBP_OK && glob && !sbp_glob_is_pattern(cur->ptr, cur->len)) {
    sbp__buf_truncate(other, 0);
    rc = sbp__glob_unescape(other, a, cur->ptr, cur->len);
    swap = cur, cur = other, other = swap;
    glob = 0;
    if (kind == SBP_PATH_GLOB) kind = SBP_PATH_LITERAL;
  }
  /* Canonical spelling first: /tmp/x is /private/tmp/x. */
  if (rc == SBP_OK) {
    for (size_t k = 0; k < sizeof(LINKED_ROOTS) / sizeof(LINKED_ROOTS[0]); k++) {
      if (cur->len >= 4 && memcmp(cur->ptr + 1, LINKED_ROOTS[k], 3) == 0 &&
          (cur->len == 4 || cur->ptr[4] == '/')) {
        sbp__buf_truncate(other, 0);
        rc = sbp__buf_puts(other, a, "/private");
        if (rc == SBP_OK) rc = sbp__buf_put(other, a, cur->ptr, cur->len);
        swap = cur, cur = other, other = swap;
        break;
      }
    }
  }
  if (rc != SBP_OK) return sbp__nomem(err);
  if (len > SBP__PENTRY_MAX || cur->len > SBP__PENTRY_MAX)
    return bad(err, what, text, len, "longer than the 1 GiB an entry can hold");
  /* A glob's base, in other. */
  const char *base = cur->ptr;
  size_t base_len = cur->len;
  if (glob) {
    sbp__buf_truncate(other, 0);
    if (glob_base(cur->ptr, cur->len, other, a) != SBP_OK) return sbp__nomem(err);
    base = other->ptr;
    base_len = other->len;
  }
  size_t skip = linked_prefix(cur->ptr, cur->len);
  size_t base_skip = glob ? linked_prefix(base, base_len) : skip;
  /* A glob whose first component is a pattern that can match tmp, var or etc: once more
   * under /private for each (/t*\/x is also /private/tmp/x). */
  unsigned roots = 0;
  size_t first_len = 0;
  if (glob && pattern_roots(cur->ptr, cur->len, a, &first_len, &roots) != SBP_OK)
    return sbp__nomem(err);
  size_t alt_len = sizeof("/private/tmp") - 1 + cur->len - first_len;
  /* The strings of every spelling, in one block (see policy.h). */
  size_t size = len + 1 + cur->len + 1 + (glob ? base_len + 1 : 0);
  if (skip > 0) size += cur->len - skip + 1 + (glob ? base_len - base_skip + 1 : 0);
  for (unsigned k = 0; k < 3; k++)
    if (roots & (1u << k)) size += 2 * (alt_len + 1); /* the path and its base */
  char *at = sbp__arena_alloc(arena, size);
  if (at == NULL) return sbp__nomem(err);
  memset(e, 0, sizeof(*e));
  e->kind = (uint8_t)(glob ? SBP_PATH_GLOB
                           : kind == SBP_PATH_LITERAL ? SBP_PATH_LITERAL : SBP_PATH_SUBTREE);
  e->text = at;
  e->text_len = (uint32_t)len;
  e->path_len = (uint32_t)cur->len;
  e->base_len = (uint32_t)base_len;
  e->nspell = skip > 0 ? 2 : 1;
  e->linked = skip > 0;
  put_str(&at, text, len);
  for (int s = 0; s < e->nspell; s++) {
    size_t ps = s == 0 ? 0 : skip, bs = s == 0 ? 0 : base_skip;
    put_str(&at, cur->ptr + ps, cur->len - ps);
    if (glob) put_str(&at, base + bs, base_len - bs);
  }
  for (unsigned k = 0; k < 3 && rc == SBP_OK; k++) {
    if (!(roots & (1u << k))) continue;
    char *alt = at;
    memcpy(at, "/private/", 9);
    memcpy(at + 9, LINKED_ROOTS[k], 3);
    memcpy(at + 12, cur->ptr + first_len, cur->len - first_len);
    at[alt_len] = '\0';
    at += alt_len + 1;
    /* Its base: the static folder before its first pattern, or all of it when the rest of
     * the glob is no pattern (/t* under /private is /private/tmp). */
    sbp__buf_truncate(other, 0);
    rc = sbp_glob_is_pattern(alt, alt_len) ? glob_base(alt, alt_len, other, a)
                                           : sbp__glob_unescape(other, a, alt, alt_len);
    if (rc == SBP_OK) put_str(&at, other->ptr, other->len);
    e->nspell++;
  }
  return rc == SBP_OK ? SBP_OK : sbp__nomem(err);
}
