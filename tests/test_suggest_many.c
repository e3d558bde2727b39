/* Suggestions from a log of many distinct denials, each reported twice: the index that folds
 * repeated denials grows past its first size (rehashing what it holds) and still folds every
 * repeat, so each denial gives exactly one rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

enum { DISTINCT = 1500 };

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) n++;
  return n;
}

static void test_many_distinct_denials(void **state) {
  (void)state;
  size_t cap = (size_t)DISTINCT * 2 * 80 + 1, len = 0;
  char *log_text = malloc(cap);
  assert_non_null(log_text);
  /* every name twice, the second time after all the others: a repeat must be found after
   * the index has grown */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < DISTINCT; i++)
      len += (size_t)snprintf(log_text + len, cap - len,
                              "Sandbox: app(7) deny(1) mach-lookup com.example.service%d\n", i);
  sbp_denial_log *log = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_denial_parse(&log, log_text, len, NULL, NULL, &err), SBP_OK);
  free(log_text);
  assert_int_equal(sbp_denial_log_count(log), 2 * DISTINCT);

  static const char profile[] = "(version 1)\n(deny default)\n";
  sbp_source src = {profile, sizeof profile - 1, "p.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  sbp_suggestion *s = NULL;
  assert_int_equal(sbp_suggest(&s, log, &o, NULL, &err), SBP_OK);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_profile(s, &b, &err), SBP_OK);
  assert_int_equal(count(b.ptr, "(allow mach-lookup (global-name \"com.example.service"),
                   DISTINCT);
  assert_int_equal(count(b.ptr, "\"com.example.service1499\""), 1);
  assert_int_equal(count(b.ptr, "\"com.example.service0\""), 1);
  sbp_buf_dispose(&b);
  sbp_suggestion_free(s);
  sbp_denial_log_free(log);
}

/* More distinct operation names than the index of operations first holds (names the
 * catalog does not know, as a log may carry): each is kept once, and reported as unknown. */
static void test_many_distinct_operations(void **state) {
  (void)state;
  enum { OPS = 700 };
  size_t cap = (size_t)OPS * 2 * 64 + 1, len = 0;
  char *log_text = malloc(cap);
  assert_non_null(log_text);
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < OPS; i++)
      len += (size_t)snprintf(log_text + len, cap - len, "Sandbox: app(7) deny(1) x-op-%d /p\n", i);
  sbp_denial_log *log = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_denial_parse(&log, log_text, len, NULL, NULL, &err), SBP_OK);
  free(log_text);
  sbp_suggestion *s = NULL;
  assert_int_equal(sbp_suggest(&s, log, NULL, NULL, &err), SBP_OK);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_format(s, &b, &err), SBP_OK);
  assert_int_equal(count(b.ptr, "x-op-699"), 1);
  assert_int_equal(count(b.ptr, "x-op-0 "), 1);
  /* both reports of each folded into one request */
  assert_int_equal(count(b.ptr, "app(7) (2): cannot be mapped: the catalog does not know"), OPS);
  sbp_buf_dispose(&b);
  sbp_suggestion_free(s);
  sbp_denial_log_free(log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_distinct_denials),
      cmocka_unit_test(test_many_distinct_operations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
