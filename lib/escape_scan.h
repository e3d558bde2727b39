/* Finding the bytes of a text that go out as escapes inside an SBPL "..." literal: the quote,
 * the backslash and the control bytes (below 0x20, and 0x7f). Most texts (paths, names) hold
 * none, so the serializer asks for the next such byte and copies the run before it whole.
 *
 * Each scan comes twice with the same answers: a word (size_t) at a time, which builds on any
 * C11 target, and 16 bytes at a time with SSE2, which every x86-64 has. Both stay compiled
 * where SSE2 is, so that a test can hold each to a byte-by-byte reference. */
#ifndef SBP_LIB_ESCAPE_SCAN_H
#define SBP_LIB_ESCAPE_SCAN_H

#include <stddef.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int sbp__needs_escape(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
}

/* A word at a time: SBP__ONES has 0x01 in every byte, SBP__HIGHS 0x80. A result is nonzero
 * exactly when some byte of x is zero (below n); which byte it is is found again byte by
 * byte, so the order of bytes in the word never matters. */
#define SBP__ONES ((size_t)-1 / 0xFF)
#define SBP__HIGHS (SBP__ONES * 0x80)
/* Before the mask with SBP__HIGHS (applied once per word): bytes of x equal to c, below n. */
static inline size_t sbp__eq_bytes(size_t x, unsigned c) {
  size_t y = x ^ (SBP__ONES * c);
  return (y - SBP__ONES) & ~y;
}
static inline size_t sbp__below_bytes(size_t x, unsigned n) { return (x - SBP__ONES * n) & ~x; }

/* Does the word hold a control byte (below 0x20, or 0x7f)? */
static inline size_t sbp__word_control(size_t x) {
  return (sbp__below_bytes(x, 0x20) | sbp__eq_bytes(x, 0x7f)) & SBP__HIGHS;
}

/* Does the word hold a byte sbp__needs_escape() takes? */
static inline size_t sbp__word_escape(size_t x) {
  return (sbp__below_bytes(x, 0x20) | sbp__eq_bytes(x, 0x7f) | sbp__eq_bytes(x, '"') |
          sbp__eq_bytes(x, '\\')) &
         SBP__HIGHS;
}

/* The index of the first byte of t[i..n) that needs an escape, or n: a word at a time. */
static inline size_t sbp__next_escape_words(const char *t, size_t i, size_t n) {
  size_t x;
  if (n - i >= sizeof x) {
    for (; n - i >= sizeof x; i += sizeof x) {
      memcpy(&x, t + i, sizeof x);
      if (sbp__word_escape(x)) goto bytes;
    }
    if (i == n) return n;
    /* the last word, overlapping bytes already seen */
    memcpy(&x, t + n - sizeof x, sizeof x);
    if (!sbp__word_escape(x)) return n;
  }
bytes:
  while (i < n && !sbp__needs_escape((unsigned char)t[i])) i++;
  return i;
}

#if defined(__SSE2__)
/* Bit k set when byte k of the 16 at p needs an escape. */
static inline unsigned sbp__escape_mask16(const char *p) {
  const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  const __m128i hit =
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                   _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)),
                                /* x <= 0x1f, unsigned: the minimum of the two is x */
                                _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x)));
  return (unsigned)_mm_movemask_epi8(hit);
}

/* The same answer as sbp__next_escape_words(), 16 bytes at a time. */
static inline size_t sbp__next_escape_sse2(const char *t, size_t i, size_t n) {
  if (n - i < 16) return sbp__next_escape_words(t, i, n);
  for (; n - i >= 16; i += 16) {
    unsigned m = sbp__escape_mask16(t + i);
    if (m != 0) return i + (size_t)__builtin_ctz(m);
  }
  if (i == n) return n;
  /* The last 16 bytes: those before i were seen above and hold no escape, so the first bit
   * set, if any, is at i or after. */
  unsigned m = sbp__escape_mask16(t + n - 16);
  return m != 0 ? n - 16 + (size_t)__builtin_ctz(m) : n;
}
#endif

/* Copies t[0..n) to d when no byte of it needs an escape and returns 1; else returns 0, with
 * d[0..n) partly written. Each byte is read once for both the check and the copy. Never
 * writes outside d[0..n). */
static inline int sbp__copy_plain_words(char *d, const char *t, size_t n) {
  size_t x;
  if (n < sizeof x) {
    for (size_t i = 0; i < n; i++) {
      if (sbp__needs_escape((unsigned char)t[i])) return 0;
      d[i] = t[i];
    }
    return 1;
  }
  for (size_t i = 0; i + sizeof x < n; i += sizeof x) {
    memcpy(&x, t + i, sizeof x);
    if (sbp__word_escape(x)) return 0;
    memcpy(d + i, &x, sizeof x);
  }
  /* the last word, overlapping bytes already copied */
  memcpy(&x, t + n - sizeof x, sizeof x);
  if (sbp__word_escape(x)) return 0;
  memcpy(d + n - sizeof x, &x, sizeof x);
  return 1;
}

#if defined(__SSE2__)
static inline void sbp__copy16(char *d, const char *t) {
  _mm_storeu_si128((__m128i *)(void *)d, _mm_loadu_si128((const __m128i *)(const void *)t));
}

/* The same as sbp__copy_plain_words(), 16 bytes at a time. */
static inline int sbp__copy_plain_sse2(char *d, const char *t, size_t n) {
  if (n < 16) return sbp__copy_plain_words(d, t, n);
  for (size_t i = 0; i + 16 < n; i += 16) {
    if (sbp__escape_mask16(t + i) != 0) return 0;
    sbp__copy16(d + i, t + i);
  }
  /* the last 16 bytes, overlapping bytes already copied */
  if (sbp__escape_mask16(t + n - 16) != 0) return 0;
  sbp__copy16(d + n - 16, t + n - 16);
  return 1;
}
#endif

static inline int sbp__copy_plain(char *d, const char *t, size_t n) {
#if defined(__SSE2__)
  return sbp__copy_plain_sse2(d, t, n);
#else
  return sbp__copy_plain_words(d, t, n);
#endif
}

static inline size_t sbp__next_escape(const char *t, size_t i, size_t n) {
#if defined(__SSE2__)
  return sbp__next_escape_sse2(t, i, n);
#else
  return sbp__next_escape_words(t, i, n);
#endif
}

#endif
