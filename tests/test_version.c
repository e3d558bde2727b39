/* Version, status codes, sbp_error and sbp_buf: the small common API every caller meets. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

static void test_version_matches_macros(void **state) {
  (void)state;
  assert_int_equal(sbp_version(), SBP_VERSION_NUMBER);
  assert_string_equal(sbp_version_string(), SBP_VERSION_STRING);
  assert_int_equal(SBP_VERSION_NUMBER,
                   (SBP_VERSION_MAJOR << 16) | (SBP_VERSION_MINOR << 8) | SBP_VERSION_PATCH);
  char text[32];
  snprintf(text, sizeof text, "%d.%d.%d", SBP_VERSION_MAJOR, SBP_VERSION_MINOR,
           SBP_VERSION_PATCH);
  assert_string_equal(sbp_version_string(), text);
  assert_int_equal(sbp_version() >> 16, SBP_VERSION_MAJOR);
  assert_int_equal((sbp_version() >> 8) & 0xffu, SBP_VERSION_MINOR);
  assert_int_equal(sbp_version() & 0xffu, SBP_VERSION_PATCH);
}

static void test_version_at_least(void **state) {
  (void)state;
  assert_true(SBP_VERSION_AT_LEAST(0, 0, 0));
  assert_true(SBP_VERSION_AT_LEAST(0, 1, 0));
  assert_true(SBP_VERSION_AT_LEAST(SBP_VERSION_MAJOR, SBP_VERSION_MINOR, SBP_VERSION_PATCH));
  assert_false(SBP_VERSION_AT_LEAST(SBP_VERSION_MAJOR, SBP_VERSION_MINOR, SBP_VERSION_PATCH + 1));
  assert_false(SBP_VERSION_AT_LEAST(SBP_VERSION_MAJOR, SBP_VERSION_MINOR + 1, 0));
  assert_false(SBP_VERSION_AT_LEAST(SBP_VERSION_MAJOR + 1, 0, 0));
#if !SBP_VERSION_AT_LEAST(0, 1, 0)
#error "SBP_VERSION_AT_LEAST must work in #if"
#endif
}

/* Every row of the status table, straight from the public X-macro. */
struct status_row {
  int code;
  const char *name;
  const char *text;
};
static const struct status_row status_rows[] = {
#define ROW(name, value, text) {value, "SBP_" #name, text},
    SBP_STATUS_MAP(ROW)
#undef ROW
};
#define N_STATUS (sizeof status_rows / sizeof status_rows[0])

static void test_status_table(void **state) {
  (void)state;
  assert_int_equal(N_STATUS, 10);
  for (size_t i = 0; i < N_STATUS; i++) {
    assert_string_equal(sbp_status_name(status_rows[i].code), status_rows[i].name);
    assert_string_equal(sbp_strerror(status_rows[i].code), status_rows[i].text);
    /* Codes are 0 and then -1, -2, ... in order, with no gaps: values never change. */
    assert_int_equal(status_rows[i].code, -(int)i);
    assert_true(status_rows[i].code > SBP__STATUS_LAST);
  }
  assert_string_equal(sbp_status_name(SBP_OK), "SBP_OK");
  assert_string_equal(sbp_strerror(SBP_OK), "success");
  assert_string_equal(sbp_status_name(SBP_E_NOMEM), "SBP_E_NOMEM");
  assert_string_equal(sbp_strerror(SBP_E_NOMEM), "out of memory");
  assert_string_equal(sbp_status_name(SBP_E_IO), "SBP_E_IO");
  assert_string_equal(sbp_strerror(SBP_E_SYNTAX), "syntax error");
}

static void test_unknown_status(void **state) {
  (void)state;
  const int unknown[] = {1, 2, SBP__STATUS_LAST, -11, -1000, INT_MIN, INT_MAX};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    assert_string_equal(sbp_status_name(unknown[i]), "SBP_E_UNKNOWN");
    assert_string_equal(sbp_strerror(unknown[i]), "unknown status");
  }
}

static void test_error_clear(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(err.version, SBP_ERROR_VERSION);
  memset(&err, 0x5a, sizeof err);
  err.message[sizeof err.message - 1] = '\0';
  sbp_error_clear(&err);
  assert_int_equal(err.version, SBP_ERROR_VERSION);
  assert_int_equal(err.code, SBP_OK);
  assert_int_equal(err.line, 0);
  assert_int_equal(err.column, 0);
  assert_int_equal(err.offset, 0);
  assert_string_equal(err.message, "");
  assert_string_equal(err.file, "");
  sbp_error_clear(NULL);

  /* A failing call fills the struct; clearing it forgets the failure. */
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 7, &err), SBP_E_INVALID_ARG);
  assert_int_equal(err.code, SBP_E_INVALID_ARG);
  assert_true(err.message[0] != '\0');
  sbp_error_clear(&err);
  assert_int_equal(err.code, SBP_OK);
  assert_string_equal(err.message, "");
  sbp_profile_free(p);
}

static void test_alloc_default(void **state) {
  (void)state;
  const sbp_alloc *a = sbp_alloc_default();
  assert_non_null(a);
  assert_ptr_equal(a, sbp_alloc_default());
  assert_non_null(a->malloc);
  assert_non_null(a->realloc);
  assert_non_null(a->free);
}

static void test_empty_buffer(void **state) {
  (void)state;
  sbp_buf b = SBP_BUF_INIT;
  sbp_buf_dispose(&b);
  assert_null(b.ptr);
  assert_int_equal(b.len, 0);
  assert_null(b.reserved);
  assert_null(sbp_buf_detach(&b));
  assert_null(sbp_buf_detach(NULL));
  sbp_buf_dispose(NULL);
  sbp_free(NULL);
}

/* Fills b through the public API: the serialized text of `(version 1) (allow default)`,
 * made with allocator a. */
static void fill(sbp_buf *b, const sbp_alloc *a) {
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, a), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  assert_int_equal(sbp_add_default(p, SBP_ALLOW, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_serialize(p, NULL, b, NULL), SBP_OK);
  sbp_profile_free(p);
}

static void test_buffer_dispose(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_buf b = SBP_BUF_INIT;
  fill(&b, &ta.alloc);
  assert_int_equal(b.len, 28);
  assert_string_equal(b.ptr, "(version 1)\n(allow default)\n");
  assert_true(ta.live > 0);
  sbp_buf_dispose(&b);
  assert_int_equal(ta.live, 0);
  assert_null(b.ptr);
  assert_int_equal(b.len, 0);
  assert_null(b.reserved);
  sbp_buf_dispose(&b); /* twice is fine */
}

static void test_buffer_detach_and_free(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_buf b = SBP_BUF_INIT;
  fill(&b, &ta.alloc);
  char *s = sbp_buf_detach(&b);
  assert_non_null(s);
  assert_string_equal(s, "(version 1)\n(allow default)\n");
  assert_null(b.ptr);
  assert_int_equal(b.len, 0);
  assert_null(b.reserved);
  assert_null(sbp_buf_detach(&b));
  sbp_buf_dispose(&b); /* the detached bytes are not the buffer's any more */
  assert_true(ta.live > 0);
  /* sbp_free finds the allocator that made the bytes on its own. */
  sbp_free(s);
  assert_int_equal(ta.live, 0);

  /* The same with the default allocator (valgrind and ASan check this one). */
  fill(&b, sbp_alloc_default());
  s = sbp_buf_detach(&b);
  assert_string_equal(s, "(version 1)\n(allow default)\n");
  sbp_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_matches_macros),
      cmocka_unit_test(test_version_at_least),
      cmocka_unit_test(test_status_table),
      cmocka_unit_test(test_unknown_status),
      cmocka_unit_test(test_error_clear),
      cmocka_unit_test(test_alloc_default),
      cmocka_unit_test(test_empty_buffer),
      cmocka_unit_test(test_buffer_dispose),
      cmocka_unit_test(test_buffer_detach_and_free),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
