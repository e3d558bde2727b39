/* Suggestions at their edges (lib/suggest.c): the comment of a rule when many processes,
 * many requests or huge counts meet in it, the report as text for them, placement after a
 * deny whose form holds strings, comments and character literals, and the accessors and
 * arguments refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static sbp_suggestion *suggest_text(const char *text, const sbp_suggest_options *o) {
  sbp_denial_log *log = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_denial_parse(&log, text, strlen(text), NULL, NULL, &err) != SBP_OK)
    fail_msg("parse: %s", err.message);
  sbp_suggestion *s = NULL;
  if (sbp_suggest(&s, log, o, NULL, &err) != SBP_OK) fail_msg("suggest: %s", err.message);
  sbp_denial_log_free(log);
  return s;
}

static void assert_format(const sbp_suggestion *s, const char *expected) {
  sbp_buf b = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_suggestion_format(s, &b, &err), SBP_OK);
  if (strcmp(b.ptr, expected) != 0) fail_msg("got\n%s\nexpected\n%s", b.ptr, expected);
  sbp_buf_dispose(&b);
}

/* Ten processes and nine: eight are named, then "and N more report(s)"; a process name is
 * cut at 250 bytes; four files in one folder, collapsed: three processes and the number of
 * requests; counts that add up past INT64_MAX stop there; the tag of the first report. */
static void test_comments(void **state) {
  (void)state;
  static char text[8192], expected[8192];
  size_t at = 0;
  for (int i = 0; i < 10; i++)
    at += (size_t)snprintf(text + at, sizeof text - at, "Sandbox: p%d(%d) deny(1) mach-lookup com.x.a\n", i, i);
  for (int i = 0; i < 9; i++)
    at += (size_t)snprintf(text + at, sizeof text - at, "Sandbox: q%d(%d) deny(1) mach-lookup com.x.b\n", i, i);
  char longname[301];
  memset(longname, 'L', 300);
  longname[300] = '\0';
  at += (size_t)snprintf(text + at, sizeof text - at, "Sandbox: %s(5) deny(1) mach-lookup com.x.c\n",
                         longname);
  for (const char *f = "abcd"; *f; f++)
    at += (size_t)snprintf(text + at, sizeof text - at,
                           "Sandbox: cc(3) deny(1) file-write-create /Users/u/w/build/%c.o\n", *f);
  for (int i = 0; i < 10; i++)
    at += (size_t)snprintf(text + at, sizeof text - at,
                           "999999999999999999 duplicate reports for Sandbox: big(1) deny(1) "
                           "sysctl-read kern.y\n");
  snprintf(text + at, sizeof text - at,
           "Sandbox: t(1) deny(1) file-read-data /Users/u/tagged\nTAG_X\n");
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.flags = SBP_SUGGEST_COLLAPSE;
  sbp_suggestion *s = suggest_text(text, &o);
  assert_int_equal(sbp_suggestion_request_count(s), 9);
  assert_int_equal(sbp_suggestion_rule_count(s), 6);
  assert_int_equal(sbp_suggestion_risky_count(s), 1);
  longname[250] = '\0';
  snprintf(expected, sizeof expected,
           ";; file-read-data\n"
           ";; t(1): 1 denial, tagged TAG_X\n"
           "(allow file-read-data (literal \"/Users/u/tagged\"))\n"
           "\n"
           ";; file-write-create\n"
           ";; cc(3); cc(3); cc(3); 4 requests in all: 4 denials\n"
           ";;   RISKY: a write outside the workspace\n"
           "(allow file-write-create (subpath \"/Users/u/w/build\"))\n"
           "\n"
           ";; mach-lookup\n"
           ";; p0(0), p1(1), p2(2), p3(3), p4(4), p5(5), p6(6), p7(7) and 2 more reports: 10 "
           "denials\n"
           "(allow mach-lookup (global-name \"com.x.a\"))\n"
           ";; q0(0), q1(1), q2(2), q3(3), q4(4), q5(5), q6(6), q7(7) and 1 more report: 9 "
           "denials\n"
           "(allow mach-lookup (global-name \"com.x.b\"))\n"
           ";; %s(5): 1 denial\n"
           "(allow mach-lookup (global-name \"com.x.c\"))\n"
           "\n"
           ";; sysctl-read\n"
           ";; big(1): 9223372036854775807 denials\n"
           "(allow sysctl-read (sysctl-name \"kern.y\"))\n",
           longname);
  assert_format(s, expected);
  sbp_suggestion_free(s);
}

/* The patched profile: the deny's form holds a string with a parenthesis, a comment, a
 * character literal and ends the text without a newline; the rule goes right after it. */
static void test_placement_after_lexemes(void **state) {
  (void)state;
  static const char profile[] =
      "(version 1)\n(deny default)\n(define paren #\\()\n"
      "(deny mach-lookup ; a comment with (\n (global-name \"a(b\"))";
  sbp_source src = {profile, sizeof profile - 1, "p.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  sbp_suggestion *s = suggest_text("Sandbox: x(1) deny(1) mach-lookup a(b\n", &o);
  sbp_buf b = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_suggestion_profile(s, &b, &err), SBP_OK);
  assert_string_equal(b.ptr,
                      "(version 1)\n(deny default)\n(define paren #\\()\n"
                      "(deny mach-lookup ; a comment with (\n (global-name \"a(b\"))\n"
                      ";; sbprofile suggest: x(1): 1 denial\n"
                      "(allow mach-lookup (global-name \"a(b\"))\n");
  sbp_buf_dispose(&b);
  sbp_suggest_request r;
  assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
  assert_string_equal(r.decided_at, "p.sb:4:1");
  sbp_suggestion_free(s);
}

static void test_accessors_and_arguments(void **state) {
  (void)state;
  assert_int_equal(sbp_suggestion_request_count(NULL), 0);
  assert_int_equal(sbp_suggestion_rule_count(NULL), 0);
  assert_int_equal(sbp_suggestion_risky_count(NULL), 0);
  sbp_suggest_request r;
  sbp_suggest_rule u;
  assert_int_equal(sbp_suggestion_request(NULL, 0, &r), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_rule(NULL, 0, &u), SBP_E_INVALID_ARG);
  size_t still = 9, other = 9;
  const char *text = NULL;
  assert_int_equal(sbp_suggestion_verified(NULL, &still, &other, &text), 0);
  assert_int_equal(still, 0);
  assert_int_equal(other, 0);
  assert_string_equal(text, "");
  sbp_buf b = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_suggestion_profile(NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "suggest: NULL argument");
  assert_int_equal(sbp_suggestion_format(NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_NEW_RULE), "new-rule");
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_ALREADY_ALLOWED), "already-allowed");
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_UNMAPPABLE), "unmappable");
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_REPORTED_ALLOW), "reported-allow");
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_PLATFORM), "platform-policy");
  assert_null(sbp_suggest_status_name(0));

  sbp_suggestion *s = suggest_text("Sandbox: a(1) deny(1) mach-lookup x\n", NULL);
  assert_int_equal(sbp_suggestion_request(s, 1, &r), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_request(s, 0, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_rule(s, 1, &u), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_rule(s, 0, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_rule(s, 0, &u), SBP_OK);
  assert_int_equal(u.applied, 0); /* no profile: nothing is applied */
  /* no profile was given: nothing verified, no patched profile */
  assert_int_equal(sbp_suggestion_verified(s, NULL, NULL, NULL), 0);
  still = 9;
  assert_int_equal(sbp_suggestion_verified(s, &still, NULL, &text), 0);
  assert_int_equal(still, 0);
  assert_string_equal(text, "");
  assert_int_equal(sbp_suggestion_profile(s, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_profile(s, &b, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "suggest: no profile was given");
  assert_int_equal(sbp_suggestion_format(s, NULL, &err), SBP_E_INVALID_ARG);
  sbp_suggestion_free(s);

  sbp_denial_log *log = NULL;
  assert_int_equal(sbp_denial_parse(&log, "", 0, NULL, NULL, &err), SBP_OK);
  assert_int_equal(sbp_suggest(NULL, log, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggest(&s, NULL, NULL, NULL, &err), SBP_E_INVALID_ARG);
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  sbp_source src = {NULL, 3, "p.sb"};
  o.profile = &src;
  assert_int_equal(sbp_suggest(&s, log, &o, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "suggest: NULL profile text");
  assert_null(s);
  sbp_alloc half = {0};
  assert_int_equal(sbp_suggest(&s, log, NULL, &half, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "suggest: incomplete allocator");
  /* an empty log: no requests, and an empty report */
  assert_int_equal(sbp_suggest(&s, log, NULL, NULL, &err), SBP_OK);
  assert_int_equal(sbp_suggestion_request_count(s), 0);
  assert_format(s, "");
  sbp_suggestion_free(s);
  sbp_denial_log_free(log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_placement_after_lexemes),
      cmocka_unit_test(test_accessors_and_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
