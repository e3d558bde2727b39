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

#endif
