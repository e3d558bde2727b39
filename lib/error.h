/* Filling a caller's sbp_error. Never allocates. */
#ifndef SBP_LIB_ERROR_H
#define SBP_LIB_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

#if defined(__GNUC__) || defined(__clang__)
#  define SBP__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define SBP__PRINTF(f, a)
#endif

/* Sets code and message (printf-style); clears the position. Returns code. err may be NULL. */
int sbp__error(sbp_error *err, int code, const char *fmt, ...) SBP__PRINTF(3, 4);

/* As sbp__error, with a position. file may be NULL. */
int sbp__error_at(sbp_error *err, int code, const char *file, uint32_t line, uint32_t column,
                  size_t offset, const char *fmt, ...) SBP__PRINTF(7, 8);

/* Shorthand for the out-of-memory error. */
int sbp__nomem(sbp_error *err);
/* The byte offset of line:column (1-based; the column counts bytes) in text[0..len), into
 * *offset: 1 when the position lies in the text (at most at its end), else 0 with *offset =
 * len. A column of 0 means the start of the line. */
int sbp__text_offset(const char *text, size_t len, uint32_t line, uint32_t column,
                     size_t *offset);

/* Appends printable text for s[0..len) to dst (escaping control bytes, quoting nothing),
 * truncated to at most max bytes shown; for messages that quote input. */
void sbp__error_quote(char *dst, size_t dst_size, const char *s, size_t len, size_t max);

#endif
