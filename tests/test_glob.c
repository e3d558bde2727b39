/* sbp_glob_to_regex: the grammar as a table (glob -> regex), what each regex matches, the
 * glob bugs reported against sandbox-runtime, and hostile patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(x) x, strlen(x)

typedef struct row {
  const char *glob;
  uint32_t flags;
  const char *regex; /* NULL: an error is expected */
  size_t offset;     /* of the error */
} row;

static const row TABLE[] = {
    {"/a/b.txt", 0, "^/a/b\\.txt$", 0},
    {"/a/*.txt", 0, "^/a/[^/]*\\.txt$", 0},
    {"/a/**/b", 0, "^/a/(.*/)?b$", 0},
    {"/a/**", 0, "^/a/.+$", 0},
    {"**/.env", 0, "^(.*/)?\\.env$", 0},
    {"**", 0, "^.*$", 0},
    {"/a/**/**/b", 0, "^/a/(.*/)?b$", 0},
    {"/a/***/b", 0, "^/a/(.*/)?b$", 0},
    {"/a/x**y", 0, "^/a/x[^/]*y$", 0},
    {"/a/f?.c", 0, "^/a/f[^/]\\.c$", 0},
    {"/a/[abc].c", 0, "^/a/[a-c]\\.c$", 0},
    {"/a/[a-cx].c", 0, "^/a/[a-cx]\\.c$", 0},
    {"/a/[]x]", 0, "^/a/[\\]x]$", 0},
    {"/a/[-x]", 0, "^/a/[\\-x]$", 0},
    {"/a/[\\]]", 0, "^/a/[\\]]$", 0},
    {"/a/\\*", 0, "^/a/\\*$", 0},
    {"/a/\\[x\\]", 0, "^/a/\\[x\\]$", 0},
    {"/a/(x)+{1}|^$", 0, "^/a/\\(x\\)\\+\\{1\\}\\|\\^\\$$", 0},
    {"/a/b", SBP_GLOB_SUBTREE, "^/a/b(/.*)?$", 0},
    {"/a/*.key", SBP_GLOB_SUBTREE, "^/a/[^/]*\\.key(/.*)?$", 0},
    {"", 0, "^$", 0},
    {"/a/[^x]", 0, "^/a/[^/x]$", 0},
    {"/a/[a-\\z]", 0, "^/a/[a-z]$", 0},
    {"/a/[x^]", 0, "^/a/[\\^x]$", 0},
    {"/a/[][\\-]", 0, "^/a/[\\-\\[\\]]$", 0},
    {"/a/[\xfe\xff]", 0, "^/a/[\xfe\xff]$", 0},
    {"/a/**b", 0, "^/a/[^/]*b$", 0},
    /* errors */
    {"/a/[\\", 0, NULL, 4},
    {"/a/[a-\\", 0, NULL, 6},
    {"/a/[bc", 0, NULL, 3},
    {"/a/[z-a]", 0, NULL, 4},
    {"/a/[/]", 0, NULL, 3},
    {"/a/b\\", 0, NULL, 4},
};

static void check_row(const row *r) {
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_glob_to_regex(S(r->glob), r->flags, NULL, &out, &err);
  if (r->regex == NULL) {
    if (rc != SBP_E_SYNTAX) fail_msg("%s: expected a syntax error, got %s", r->glob, out.ptr);
    assert_int_equal(err.code, SBP_E_SYNTAX);
    if (err.offset != r->offset)
      fail_msg("%s: error at %zu, expected %zu (%s)", r->glob, err.offset, r->offset,
               err.message);
    assert_int_equal(err.column, r->offset + 1);
    assert_null(out.ptr);
    return;
  }
  if (rc != SBP_OK) fail_msg("%s: %s", r->glob, err.message);
  if (strcmp(out.ptr, r->regex) != 0) fail_msg("%s: got %s, expected %s", r->glob, out.ptr, r->regex);
  /* Every regex produced is valid in the library's dialect. */
  assert_int_equal(sbp_regex_check(out.ptr, out.len, NULL, NULL, NULL), SBP_OK);
  sbp_buf_dispose(&out);
}

static void test_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(TABLE) / sizeof(TABLE[0]); i++) check_row(&TABLE[i]);
}

/* Does glob match path (through the produced regex)? */
static int matches(const char *glob, uint32_t flags, const char *path) {
  sbp_buf re = SBP_BUF_INIT;
  assert_int_equal(sbp_glob_to_regex(S(glob), flags, NULL, &re, NULL), SBP_OK);
  int m = -1;
  assert_int_equal(sbp_regex_match(re.ptr, re.len, S(path), NULL, &m, NULL), SBP_OK);
  sbp_buf_dispose(&re);
  return m;
}

typedef struct mrow {
  const char *glob;
  const char *path;
  int expected;
} mrow;

static const mrow MATCHES[] = {
    /* `*` stays within a component. */
    {"/a/*.txt", "/a/b.txt", 1},
    {"/a/*.txt", "/a/.txt", 1},
    {"/a/*.txt", "/a/b/c.txt", 0},
    /* `**` in the middle: zero or more whole components (a reported runtime bug: `**` in
     * the middle matched only one or more). */
    {"/a/**/b", "/a/b", 1},
    {"/a/**/b", "/a/x/b", 1},
    {"/a/**/b", "/a/x/y/b", 1},
    {"/a/**/b", "/a/xb", 0},
    {"/a/**/b", "/ab", 0},
    {"**/.env", ".env", 1},
    {"/**/.env", "/w/p/.env", 1},
    {"/**/.env", "/w/p/.env.example", 0},
    /* Character classes (a reported runtime bug: sets were read as literal text). */
    {"/a/[abc].c", "/a/b.c", 1},
    {"/a/[abc].c", "/a/d.c", 0},
    {"/a/[!abc].c", "/a/d.c", 1},
    {"/a/[!abc].c", "/a/a.c", 0},
    {"/a/[^abc].c", "/a/d.c", 1},
    {"/a/[!a].c", "/a//.c", 0},
    {"/a/[0-9][0-9]", "/a/42", 1},
    {"/a/[0-9][0-9]", "/a/4x", 0},
    {"/a/f?", "/a/fx", 1},
    {"/a/f?", "/a/f/", 0},
    {"/a/f?", "/a/f", 0},
    /* Escapes and metacharacters of the regex dialect are literal. */
    {"/a/\\*", "/a/*", 1},
    {"/a/\\*", "/a/x", 0},
    {"/a/b.c", "/a/bxc", 0},
    {"/a/(x)", "/a/(x)", 1},
    {"/a/x+", "/a/xx", 0},
    {"/a/x+", "/a/x+", 1},
};

static void test_matching(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(MATCHES) / sizeof(MATCHES[0]); i++) {
    const mrow *r = &MATCHES[i];
    if (matches(r->glob, 0, r->path) != r->expected)
      fail_msg("%s on %s: expected %d", r->glob, r->path, r->expected);
  }
  assert_int_equal(matches("/a/*.d", SBP_GLOB_SUBTREE, "/a/x.d/y/z"), 1);
  assert_int_equal(matches("/a/*.d", SBP_GLOB_SUBTREE, "/a/x.d"), 1);
  assert_int_equal(matches("/a/*.d", SBP_GLOB_SUBTREE, "/a/x.dz"), 0);
  assert_int_equal(matches("/a/*.d", 0, "/a/x.d/y"), 0);
}

static void test_is_pattern(void **state) {
  (void)state;
  assert_int_equal(sbp_glob_is_pattern(S("/a/b")), 0);
  assert_int_equal(sbp_glob_is_pattern(S("/a/*")), 1);
  assert_int_equal(sbp_glob_is_pattern(S("/a/?")), 1);
  assert_int_equal(sbp_glob_is_pattern(S("/a/[x]")), 1);
  assert_int_equal(sbp_glob_is_pattern(S("/a/\\*")), 0);
  assert_int_equal(sbp_glob_is_pattern(S("/a/\\[x]")), 0);
  assert_int_equal(sbp_glob_is_pattern(NULL, 3), 0);
}

static void test_hostile(void **state) {
  (void)state;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  /* NUL inside, at its offset. */
  assert_int_equal(sbp_glob_to_regex("/a\0b", 4, 0, NULL, &out, &err), SBP_E_SYNTAX);
  assert_int_equal(err.offset, 2);
  assert_non_null(strstr(err.message, "NUL"));
  assert_int_equal(sbp_glob_to_regex("/a[\0]", 5, 0, NULL, &out, &err), SBP_E_SYNTAX);
  assert_int_equal(err.offset, 3);
  /* Bad arguments. */
  assert_int_equal(sbp_glob_to_regex(S("/a"), 0, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_glob_to_regex(NULL, 2, 0, NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_glob_to_regex(S("/a"), 0x80, NULL, &out, &err), SBP_E_INVALID_ARG);
  sbp_alloc half = *sbp_alloc_default();
  half.free = NULL;
  assert_int_equal(sbp_glob_to_regex(S("/a"), 0, &half, &out, &err), SBP_E_INVALID_ARG);

  /* 100 KB patterns: wildcards that match the same fold into one, so the regex stays small
   * and matching linear; the rest grows linearly. */
  size_t n = 100 * 1024;
  char *big = malloc(n + 1);
  assert_non_null(big);
  memset(big, '*', n);
  assert_int_equal(sbp_glob_to_regex(big, n, 0, NULL, &out, &err), SBP_OK);
  assert_string_equal(out.ptr, "^.*$");
  for (size_t i = 0; i < n; i++) big[i] = "**/"[i % 3];
  assert_int_equal(sbp_glob_to_regex(big, n, 0, NULL, &out, &err), SBP_OK);
  assert_true(out.len < 16);
  for (size_t i = 0; i < n; i++) big[i] = "a*"[i % 2];
  assert_int_equal(sbp_glob_to_regex(big, n, 0, NULL, &out, &err), SBP_OK);
  assert_true(out.len < 4 * n);
  int m = 0;
  assert_int_equal(sbp_regex_match(out.ptr, out.len, big, n, NULL, &m, NULL) == SBP_OK ||
                       sbp_regex_check(out.ptr, out.len, NULL, NULL, NULL) == SBP_E_LIMIT,
                   1);
  /* Unbalanced brackets: the first '[' that nothing closes, at offset 0. */
  memset(big, '[', n);
  assert_int_equal(sbp_glob_to_regex(big, n, 0, NULL, &out, &err), SBP_E_SYNTAX);
  assert_int_equal(err.offset, 0);
  /* Every byte value as text: escaped where the dialect needs it, valid regex. */
  for (size_t i = 0; i < 255; i++) big[i] = (char)(i + 1);
  big[91 - 1] = 'x'; /* '[' */
  big[92 - 1] = 'x'; /* '\' */
  big[42 - 1] = 'x'; /* '*' */
  big[63 - 1] = 'x'; /* '?' */
  assert_int_equal(sbp_glob_to_regex(big, 255, 0, NULL, &out, &err), SBP_OK);
  assert_int_equal(sbp_regex_check(out.ptr, out.len, NULL, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_regex_match(out.ptr, out.len, big, 255, NULL, &m, NULL), SBP_OK);
  assert_int_equal(m, 1);
  /* A set of every byte but a few, negated, escaped and valid. */
  assert_int_equal(sbp_glob_to_regex(S("[!]\\\\^-]"), 0, NULL, &out, &err), SBP_OK);
  assert_int_equal(sbp_regex_check(out.ptr, out.len, NULL, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_regex_match(out.ptr, out.len, S("^"), NULL, &m, NULL), SBP_OK);
  assert_int_equal(m, 0);
  assert_int_equal(sbp_regex_match(out.ptr, out.len, S("q"), NULL, &m, NULL), SBP_OK);
  assert_int_equal(m, 1);
  free(big);
  sbp_buf_dispose(&out);
}

static int op_glob(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_glob_to_regex(S("/w/**/[a-c]?x/*.key"), SBP_GLOB_SUBTREE, alloc, &out, NULL);
  sbp_buf_dispose(&out);
  return rc;
}

static void test_oom(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_glob, NULL) > 0);
}

/* NUL bytes, which only a length can carry, are refused where they stand; a NULL glob of
 * length 0 is the empty glob. */
static void test_nul_bytes(void **state) {
  (void)state;
  static const struct {
    const char *glob;
    size_t len, offset;
  } nul[] = {{"/a/\\\0", 5, 4}, {"/a/[\0]", 6, 4}, {"/a/[\\\0]", 7, 5}, {"/a/[a-\0]", 8, 6}};
  for (size_t i = 0; i < sizeof nul / sizeof nul[0]; i++) {
    sbp_buf out = SBP_BUF_INIT;
    sbp_error err = SBP_ERROR_INIT;
    assert_int_equal(sbp_glob_to_regex(nul[i].glob, nul[i].len, 0, NULL, &out, &err),
                     SBP_E_SYNTAX);
    assert_int_equal(err.offset, nul[i].offset);
    char want[64];
    snprintf(want, sizeof want, "glob: NUL byte at offset %zu", nul[i].offset);
    assert_string_equal(err.message, want);
    assert_null(out.ptr);
  }
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_glob_to_regex(NULL, 0, 0, NULL, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, "^$");
  sbp_buf_dispose(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),     cmocka_unit_test(test_matching),
      cmocka_unit_test(test_is_pattern), cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_oom), cmocka_unit_test(test_nul_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
