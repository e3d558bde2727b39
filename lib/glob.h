/* Path globs: converting them to SBPL regexes, and the escaping that joins literal names
 * (a home, a cwd) with patterns. */
#ifndef SBP_LIB_GLOB_H
#define SBP_LIB_GLOB_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

/* Appends the body of the glob's regex (no `^`, no `$`, no subtree tail) to buf.
 * SBP_OK, SBP_E_SYNTAX (err with the offset), SBP_E_NOMEM. */
int sbp__glob_regex_body(const char *glob, size_t len, sbp_buf *buf, const sbp_alloc *alloc,
                         sbp_error *err);

/* Appends s[0..len) with every regex metacharacter escaped. */
int sbp__regex_escape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len);

/* Appends s[0..len) with every glob metacharacter (`*`, `?`, `[`, `\`) escaped. */
int sbp__glob_escape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len);

/* Appends the glob's text with its escapes removed; only for a glob that is not a pattern
 * (sbp_glob_is_pattern() == 0). */
int sbp__glob_unescape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len);

#endif
