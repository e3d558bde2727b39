/* Path checks for the builder. */
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
