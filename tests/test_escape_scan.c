/* White-box test of the scanners and copiers that find the bytes the serializer escapes
 * (lib/escape_scan.h).
 *
 * The word-at-a-time ones and, where the compiler targets SSE2, the 16-byte ones are all
 * held to a byte-by-byte reference: every byte value at every position of texts of 0 to 64
 * bytes; the values at the edges of the escaped set at every offset of a 16-byte block; two
 * escapes, the scan starting before, at and after each (as it does after each escape
 * written). A copier must copy a plain text whole and never write past its end. Built
 * against lib/ (tests/CMakeLists.txt: SBP_WHITEBOX_TESTS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape_scan.h"

#define MAX_LEN 64

static size_t reference(const char *t, size_t i, size_t n) {
  for (; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) return i;
  }
  return n;
}

typedef size_t (*scanner)(const char *t, size_t i, size_t n);

/* The scanners under test, by name for the failure message; the serializer's choice is one
 * of them (test_chosen_is_one). */
static const struct {
  const char *name;
  scanner scan;
} scanners[] = {
    {"words", sbp__next_escape_words},
#if defined(__SSE2__)
    {"sse2", sbp__next_escape_sse2},
#endif
};
#define NSCANNERS (sizeof(scanners) / sizeof(scanners[0]))

typedef int (*copier)(char *d, const char *t, size_t n);

static const struct {
  const char *name;
  copier copy;
} copiers[] = {
    {"words", sbp__copy_plain_words},
#if defined(__SSE2__)
    {"sse2", sbp__copy_plain_sse2},
#endif
};
#define NCOPIERS (sizeof(copiers) / sizeof(copiers[0]))

static size_t checks;

/* Each copier says whether t[0..n) needs no escape, as the reference does, copies it whole
 * when so, and never writes past d[n). */
static void expect_copy(const char *t, size_t n) {
  const int plain = reference(t, 0, n) == n;
  char d[MAX_LEN + 16];
  for (size_t k = 0; k < NCOPIERS; k++) {
    memset(d, 0x55, sizeof d);
    int got = copiers[k].copy(d, t, n);
    if (got != plain)
      fail_msg("%s copier: %zu bytes at offset %u: got %d, want %d", copiers[k].name, n,
               (unsigned)((uintptr_t)t % 16), got, plain);
    if (plain && memcmp(d, t, n) != 0)
      fail_msg("%s copier: %zu bytes copied wrong", copiers[k].name, n);
    for (size_t i = n; i < sizeof d; i++)
      if (d[i] != 0x55) fail_msg("%s copier: %zu bytes, wrote at %zu", copiers[k].name, n, i);
  }
}

static void expect_at(const char *t, size_t i, size_t n, size_t want) {
  for (size_t k = 0; k < NSCANNERS; k++) {
    size_t got = scanners[k].scan(t, i, n);
    if (got != want)
      fail_msg("%s scanner: from %zu in %zu bytes at offset %u: got %zu, want %zu",
               scanners[k].name, i, n, (unsigned)((uintptr_t)t % 16), got, want);
  }
  checks++;
}

static void expect_same(const char *t, size_t i, size_t n) {
  expect_at(t, i, n, reference(t, i, n));
}

/* The text copied to the end of an allocation of its size plus the offset (at least one
 * byte), so that reading past it is an error under ASan and valgrind. */
static char *place(const char *text, size_t n, size_t offset) {
  char *block = malloc(offset + n > 0 ? offset + n : 1);
  assert_non_null(block);
  memcpy(block + offset, text, n);
  return block;
}

/* The byte values on either side of each edge of the escaped set, and UTF-8 bytes. */
static const unsigned char edges[] = {0x00, 0x01, '\t', '\n', '\r', 0x1f, 0x20, 0x21, '"', 0x23,
                                      0x5b, '\\', 0x5d, 0x7e, 0x7f, 0x80, 0xc3, 0xff};

/* Each of values[0..nvalues) at every position of texts of 0 to 64 bytes, the rest plain,
 * placed at offset in a 16-byte block; copied too when copy is set. Returns the number of
 * texts scanned. */
static size_t one_byte_texts(size_t offset, const unsigned char *values, size_t nvalues,
                             int copy) {
  char text[MAX_LEN];
  memset(text, 'a', sizeof text);
  size_t before = checks;
  for (size_t n = 0; n <= MAX_LEN; n++) {
    char *block = place(text, n, offset);
    char *t = block + offset;
    expect_same(t, 0, n); /* no escape at all */
    if (copy) expect_copy(t, n);
    for (size_t pos = 0; pos < n; pos++) {
      for (size_t v = 0; v < nvalues; v++) {
        t[pos] = (char)values[v];
        /* the rest is plain: the reference is the one byte */
        expect_at(t, 0, n, reference(t + pos, 0, 1) == 0 ? pos : n);
        if (copy) expect_copy(t, n);
      }
      t[pos] = 'a';
    }
    free(block);
  }
  return checks - before;
}

/* All 256 byte values at every position, with the text aligned and not; the edge values at
 * every offset of a 16-byte block, scanned and copied. */
static void test_every_byte_everywhere(void **state) {
  (void)state;
  unsigned char all[256];
  for (unsigned b = 0; b < 256; b++) all[b] = (unsigned char)b;
  const size_t positions = 64 * 65 / 2; /* of all texts of 0..64 bytes */
  /* the copiers test bytes with the scanners' own tests, so the edges are enough for them */
  assert_int_equal(one_byte_texts(0, all, 256, 0), 65 + positions * 256);
  assert_int_equal(one_byte_texts(5, all, 256, 0), 65 + positions * 256);
  for (size_t offset = 0; offset < 16; offset++)
    assert_int_equal(one_byte_texts(offset, edges, sizeof edges, 1),
                     65 + positions * sizeof edges);
}

/* Two escapes: each scan finds the first one at or after its start. */
static void test_two_escapes(void **state) {
  (void)state;
  static const unsigned char kinds[] = {'"', '\\', 0x00, 0x1f, 0x7f, '\n'};
  char text[MAX_LEN];
  for (size_t n = 2; n <= MAX_LEN; n++) {
    for (size_t p = 0; p + 1 < n; p++) {
      for (size_t q = p + 1; q < n; q++) {
        memset(text, '/', sizeof text);
        text[p] = (char)kinds[(p + q) % sizeof kinds];
        text[q] = (char)kinds[q % sizeof kinds];
        char *block = place(text, n, (p + q) % 16);
        char *t = block + (p + q) % 16;
        /* from the start, and from each escape and the byte after it, as the serializer
         * scans again after writing one */
        const size_t starts[] = {0, p, p + 1, q, q + 1};
        for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) expect_same(t, starts[k], n);
        expect_copy(t, n);
        free(block);
      }
    }
  }
}

/* Bytes next to the ones that need an escape do not: 0x20, 0x21, 0x5b, 0x5d, 0x7e, 0x80 and
 * up (UTF-8). A text of only those is one run. */
static void test_neighbours_are_plain(void **state) {
  (void)state;
  static const unsigned char plain[] = {0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7e, 0x80, 0x9f, 0xa0, 0xff};
  char text[MAX_LEN];
  for (size_t k = 0; k < MAX_LEN; k++) text[k] = (char)plain[k % sizeof plain];
  for (size_t n = 0; n <= MAX_LEN; n++) {
    for (size_t k = 0; k < NSCANNERS; k++) assert_int_equal(scanners[k].scan(text, 0, n), n);
    expect_copy(text, n);
  }
}

/* The serializer's scanner and copier are the 16-byte ones where SSE2 is, else the word
 * ones: the same answers on a text with its escape in the last block. */
static void test_chosen_is_one(void **state) {
  (void)state;
  const char text[] = "/Users/dev/src/project-1/module_2/\"file\".c";
  size_t n = sizeof text - 1;
  for (size_t i = 0; i <= n; i++)
    assert_int_equal(sbp__next_escape(text, i, n), reference(text, i, n));
  char d[sizeof text];
  assert_int_equal(sbp__copy_plain(d, text, n), 0);
  assert_int_equal(sbp__copy_plain(d, text, 34), 1); /* up to the first quote */
  assert_memory_equal(d, text, 34);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_byte_everywhere),
      cmocka_unit_test(test_two_escapes),
      cmocka_unit_test(test_neighbours_are_plain),
      cmocka_unit_test(test_chosen_is_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
