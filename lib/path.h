/* Checking the paths the builder writes into path filters. */
#ifndef SBP_LIB_PATH_H
#define SBP_LIB_PATH_H

#include <stddef.h>

#include "sbprofile/common.h"

/* Checks that s[0..len) is an absolute, normalized path: it starts with '/', holds no NUL
 * byte, no "//", no "." or ".." component and no trailing '/' (except "/" itself). With
 * prefix set, the text is a raw string prefix: a trailing '/' is kept and the last component
 * may be partial (so "." or ".." are allowed there, as in "/p/." for dot files).
 * SBP_OK, or SBP_E_INVALID_ARG with a message that starts with `what`. */
int sbp__path_check(const char *what, const char *s, size_t len, int prefix, sbp_error *err);

/* Normalizes the absolute path p[0..len) lexically into out (room for len + 1 bytes; out
 * may be p): no "//", no "." component, ".." removes the component before it (and stays at
 * "/" at the root, as the kernel does), no trailing '/' except "/" itself, or, with
 * keep_trailing, one kept (prefix filters). NUL-terminates; returns the length. */
size_t sbp__path_normalize(const char *p, size_t len, int keep_trailing, char *out);

#endif
