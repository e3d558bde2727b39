/* Path checks for the builder, and the lexical normalization shared by requests and lint. */
#include "path.h"

#include <string.h>

#include "error.h"

static int bad(sbp_error *err, const char *what, const char *s, size_t len, const char *why) {
  char q[96] = "";
  sbp__error_quote(q, sizeof(q), s, len, 60);
  return sbp__error(err, SBP_E_INVALID_ARG, "%s: \"%s\" %s", what, q, why);
}

int sbp__path_check(const char *what, const char *s, size_t len, int prefix, sbp_error *err) {
  if (s == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "%s is NULL", what);
  if (len == 0) return sbp__error(err, SBP_E_INVALID_ARG, "%s: empty", what);
  if (memchr(s, '\0', len) != NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "%s: contains a NUL byte", what);
  if (s[0] != '/') return bad(err, what, s, len, "is not absolute");
  if (len == 1) return SBP_OK;
  if (s[len - 1] == '/' && !prefix) return bad(err, what, s, len, "ends with /");
  /* Walk the components after each '/'. */
  size_t i = 1;
  while (i <= len) {
    size_t end = i;
    while (end < len && s[end] != '/') end++;
    size_t n = end - i;
    int last = end == len; /* not followed by '/' */
    if (n == 0 && !last) return bad(err, what, s, len, "contains //");
    if (!(prefix && last)) {
      if (n == 1 && s[i] == '.') return bad(err, what, s, len, "contains a . component");
      if (n == 2 && s[i] == '.' && s[i + 1] == '.')
        return bad(err, what, s, len, "contains a .. component");
    }
    i = end + 1;
  }
  return SBP_OK;
}

size_t sbp__path_normalize(const char *p, size_t len, int keep_trailing, char *out) {
  size_t o = 0, i = 0;
  while (i < len) {
    while (i < len && p[i] == '/') i++;
    size_t s = i;
    while (i < len && p[i] != '/') i++;
    size_t n = i - s;
    if (n == 0) break;
    if (n == 1 && p[s] == '.') continue;
    if (n == 2 && p[s] == '.' && p[s + 1] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
      continue;
    }
    out[o++] = '/';
    memmove(out + o, p + s, n); /* out may be p itself: o never passes s */
    o += n;
  }
  if (o == 0) out[o++] = '/';
  else if (keep_trailing && len > 1 && p[len - 1] == '/') out[o++] = '/';
  out[o] = '\0';
  return o;
}
