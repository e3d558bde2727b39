#include "buf.h"

#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

typedef struct buf_header {
  sbp_alloc alloc;
  size_t cap; /* bytes available after the header, including the NUL */
  alignas(max_align_t) char data[];
} buf_header;

static buf_header *header_of(const sbp_buf *buf) { return (buf_header *)buf->reserved; }

int sbp__buf_grow(sbp_buf *buf, const sbp_alloc *alloc, size_t extra) {
  buf_header *h = header_of(buf);
  if (extra > SIZE_MAX / 2 - buf->len - sizeof(buf_header)) return SBP_E_NOMEM;
  size_t need = buf->len + extra + 1;
  if (h != NULL && need <= h->cap) return SBP_OK;
  size_t cap = h ? h->cap : 64;
  while (cap < need) cap = cap < SIZE_MAX / 4 ? cap * 2 : need;
  const sbp_alloc *a = h ? &h->alloc : alloc;
  buf_header *nh = h ? sbp__realloc(a, h, sizeof(buf_header) + cap)
                     : sbp__malloc(a, sizeof(buf_header) + cap);
  if (nh == NULL) return SBP_E_NOMEM;
  if (h == NULL) {
    nh->alloc = *alloc;
    nh->data[0] = '\0';
  }
  nh->cap = cap;
  buf->reserved = nh;
  buf->ptr = nh->data;
  return SBP_OK;
}

int sbp__buf_put(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len) {
  int rc = sbp__buf_grow(buf, alloc, len);
  if (rc != SBP_OK) return rc;
  if (len) memcpy(buf->ptr + buf->len, s, len);
  buf->len += len;
  buf->ptr[buf->len] = '\0';
  return SBP_OK;
}

int sbp__buf_puts(sbp_buf *buf, const sbp_alloc *alloc, const char *s) {
  return sbp__buf_put(buf, alloc, s, strlen(s));
}

int sbp__buf_putc(sbp_buf *buf, const sbp_alloc *alloc, char c) {
  return sbp__buf_put(buf, alloc, &c, 1);
}

int sbp__buf_put_int(sbp_buf *buf, const sbp_alloc *alloc, int64_t v) {
  /* Digits from the end: printf's machinery costs many times this for a short number. */
  char tmp[24];
  size_t n = sizeof tmp;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do tmp[--n] = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0) tmp[--n] = '-';
  return sbp__buf_put(buf, alloc, tmp + n, sizeof tmp - n);
}

void sbp__buf_truncate(sbp_buf *buf, size_t len) {
  if (buf->ptr != NULL && len < buf->len) {
    buf->len = len;
    buf->ptr[len] = '\0';
  }
}

void sbp__buf_move(sbp_buf *dst, sbp_buf *src) {
  if (dst == src) return;
  sbp_buf_dispose(dst);
  *dst = *src;
  src->ptr = NULL;
  src->len = 0;
  src->reserved = NULL;
}

void sbp_buf_dispose(sbp_buf *buf) {
  if (buf == NULL) return;
  buf_header *h = header_of(buf);
  if (h != NULL) {
    sbp_alloc a = h->alloc;
    sbp__free(&a, h);
  }
  buf->ptr = NULL;
  buf->len = 0;
  buf->reserved = NULL;
}

char *sbp_buf_detach(sbp_buf *buf) {
  if (buf == NULL || buf->reserved == NULL) return NULL;
  char *p = buf->ptr;
  buf->ptr = NULL;
  buf->len = 0;
  buf->reserved = NULL;
  return p;
}

void sbp_free(void *ptr) {
  if (ptr == NULL) return;
  buf_header *h = (buf_header *)((char *)ptr - offsetof(buf_header, data));
  sbp_alloc a = h->alloc;
  sbp__free(&a, h);
}
