/* The lint result's accessors at their edges (lib/lint.c): a NULL result and an index past
 * the end answer with the documented defaults and leave outputs untouched; the check table
 * and severity names end where they say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static void test_null_and_past_the_end(void **state) {
  (void)state;
  assert_int_equal(sbp_lint_count(NULL), 0);
  assert_int_equal(sbp_lint_evaluated(NULL), 0);
  assert_int_equal(sbp_lint_count_at_least(NULL, SBP_LINT_NOTE), 0);
  assert_null(sbp_lint_code(NULL, 0));
  assert_int_equal(sbp_lint_severity(NULL, 0), 0);
  assert_null(sbp_lint_message(NULL, 0));
  assert_null(sbp_lint_fix(NULL, 0));
  const char *file = "kept";
  uint32_t line = 7, col = 8;
  sbp_lint_position(NULL, 0, &file, &line, &col);
  assert_string_equal(file, "kept");
  assert_int_equal(line, 7);
  assert_int_equal(col, 8);
  sbp_lint_result_free(NULL);
  /* a result with one finding: index 1 is past the end */
  static const char text[] = "(version 1)\n(allow file-read* (literal \"tmp/x\"))\n";
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_lint_text(text, sizeof text - 1, "t.sb", NULL, NULL, &r, &err), SBP_OK);
  size_t n = sbp_lint_count(r);
  assert_true(n >= 1);
  assert_int_equal(sbp_lint_evaluated(r), 1);
  assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_NOTE), n);
  assert_true(sbp_lint_count_at_least(r, SBP_LINT_ERROR + 1) == 0);
  size_t rel = n;
  for (size_t i = 0; i < n; i++)
    if (strcmp(sbp_lint_code(r, i), "relative-path") == 0) rel = i;
  assert_true(rel < n);
  assert_non_null(sbp_lint_message(r, rel));
  sbp_lint_position(r, rel, &file, &line, &col);
  assert_string_equal(file, "t.sb");
  assert_int_equal(line, 2);
  assert_int_equal(col, 28); /* the string */
  assert_null(sbp_lint_code(r, n));
  assert_int_equal(sbp_lint_severity(r, n), 0);
  assert_null(sbp_lint_message(r, n));
  assert_null(sbp_lint_fix(r, n));
  file = "kept";
  sbp_lint_position(r, n, &file, &line, &col);
  assert_string_equal(file, "kept");
  sbp_lint_result_free(r);
}

static void test_tables(void **state) {
  (void)state;
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_NOTE), "note");
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_WARNING), "warning");
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_ERROR), "error");
  assert_string_equal(sbp_lint_severity_name(0), "unknown");
  assert_string_equal(sbp_lint_severity_name(4), "unknown");
  size_t n = sbp_lint_check_count();
  assert_true(n > 10);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(sbp_lint_check_code(i));
    assert_non_null(sbp_lint_check_summary(i));
    int s = sbp_lint_check_severity(i);
    assert_true(s >= SBP_LINT_NOTE && s <= SBP_LINT_ERROR);
  }
  assert_null(sbp_lint_check_code(n));
  assert_null(sbp_lint_check_summary(n));
  assert_int_equal(sbp_lint_check_severity(n), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_and_past_the_end),
      cmocka_unit_test(test_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
