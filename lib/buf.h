/* Growing an sbp_buf. The bytes live behind a small header that remembers the allocator,
 * so sbp_buf_dispose() and sbp_free() need nothing but the pointer. */
#ifndef SBP_LIB_BUF_H
#define SBP_LIB_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

/* Makes room for `extra` more bytes (plus the NUL). The first call fixes the allocator. */
int sbp__buf_grow(sbp_buf *buf, const sbp_alloc *alloc, size_t extra);
int sbp__buf_put(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len);
int sbp__buf_puts(sbp_buf *buf, const sbp_alloc *alloc, const char *s);
int sbp__buf_putc(sbp_buf *buf, const sbp_alloc *alloc, char c);
int sbp__buf_put_int(sbp_buf *buf, const sbp_alloc *alloc, int64_t v);
/* Drops the content but keeps the memory. */
void sbp__buf_truncate(sbp_buf *buf, size_t len);
/* Moves src into *dst (disposing what dst held) and leaves src empty. */
void sbp__buf_move(sbp_buf *dst, sbp_buf *src);

#endif
