/* Assertion helpers: semantic and structural, their exact messages and positions, and the
 * cmocka macros of include/sbprofile/cmocka.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mini_sbpl.h"
#include "sbprofile.h"
#include "sbprofile/cmocka.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

static const char *const PROFILE =
    "(version 1)\n"
    "(deny default)\n"
    "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\"))\n"
    "(allow file-read* (subpath \"/usr\"))\n"
    "(deny file-read* (literal \"/usr/secret\") (with no-log))\n"
    "(allow file-read* (signing-identifier \"com.x\"))\n";

static sbp_profile *profile_of(const char *text) {
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (mini_sbpl_read(text, strlen(text), "p.sb", NULL, &p, &err) != SBP_OK)
    fail_msg("%s", err.message);
  return p;
}

static void test_semantic_messages(void **state) {
  (void)state;
  sbp_profile *p = profile_of(PROFILE);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_assert_allows_simple(p, S("mach-lookup"),
                                            S("com.apple.SystemConfiguration.configd"), &err),
                   SBP_OK);
  assert_string_equal(err.message,
                      "mach-lookup global-name=\"com.apple.SystemConfiguration.configd\": allow by "
                      "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\")) "
                      "at p.sb:3:1 [filtered rule]");
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 1);
  assert_string_equal(err.file, "p.sb");

  assert_int_equal(sbp_assert_allows_simple(p, S("mach-lookup"), S("com.apple.other"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "expected allow for mach-lookup global-name=\"com.apple.other\", got deny by "
                      "(deny default) at p.sb:2:1 [default rule]");
  assert_int_equal(err.code, SBP_E_ASSERT);
  assert_int_equal(err.line, 2);

  assert_int_equal(sbp_assert_denies_simple(p, S("mach-lookup"), S("com.apple.other"), &err),
                   SBP_OK);
  assert_int_equal(sbp_assert_denies_simple(p, S("file-read-data"), S("/usr/lib/x"), &err),
                   SBP_E_ASSERT);
  /* an unknown answer names the rule it skipped and the attribute it needed */
  assert_int_equal(sbp_assert_denies_simple(p, S("file-read-data"), S("/usr/secret"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "expected deny for file-read-data path=\"/usr/secret\", got unknown by "
                      "(deny file-read* (literal \"/usr/secret\") (with no-log)) at p.sb:5:1 "
                      "[filtered rule]; unknown because (allow file-read* (signing-identifier "
                      "\"com.x\")) at p.sb:6:1 needs signing-identifier");
  assert_int_equal(err.line, 6);

  /* with the attribute given, the request is denied */
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("/usr/secret"), NULL), SBP_OK);
  assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_SIGNING_IDENTIFIER, S("com.y"), NULL),
                   SBP_OK);
  assert_int_equal(sbp_assert_denies(p, r, &err), SBP_OK);
  assert_int_equal(sbp_assert_allows(p, r, &err), SBP_E_ASSERT);
  assert_int_equal(err.line, 5);
  sbp_decider *d;
  assert_int_equal(sbp_decider_new(&d, p, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_assert_decision(d, r, SBP_DECISION_DENY, &err), SBP_OK);
  assert_int_equal(sbp_assert_decision(d, r, SBP_DECISION_UNKNOWN, &err), SBP_E_ASSERT);
  assert_int_equal(sbp_assert_decision(NULL, r, SBP_DECISION_UNKNOWN, &err), SBP_E_INVALID_ARG);
  sbp_decider_free(d);
  sbp_request_free(r);
  assert_int_equal(sbp_assert_allows(NULL, NULL, &err), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
}

static void test_built_rules_have_no_position(void **state) {
  (void)state;
  sbp_profile *p;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  assert_int_equal(sbp_add_default(p, SBP_DENY, NULL, &err), SBP_OK);
  assert_int_equal(sbp_assert_allows_simple(p, S("sysctl-read"), S("kern.hostname"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "expected allow for sysctl-read sysctl-name=\"kern.hostname\", got deny by "
                      "(deny default) at rule #1 (no source position) [default rule]");
  assert_int_equal(err.line, 0);
  sbp_profile_free(p);
}

static void test_structural(void **state) {
  (void)state;
  sbp_profile *p = profile_of(PROFILE);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("mach-lookup"), S("global-name"),
                                       S("com.apple.SystemConfiguration.configd"), &err),
                   SBP_OK);
  assert_string_equal(err.message,
                      "found (allow mach-lookup (global-name "
                      "\"com.apple.SystemConfiguration.configd\")) at p.sb:3:1");
  /* literal and path are one filter */
  assert_int_equal(sbp_assert_has_rule(p, SBP_DENY, S("file-read*"), S("path"), S("/usr/secret"),
                                       &err),
                   SBP_OK);
  assert_int_equal(err.line, 5);
  /* the rule is on file-read*, not on its child */
  assert_int_equal(sbp_assert_has_rule(p, SBP_DENY, S("file-read-data"), S("literal"),
                                       S("/usr/secret"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "no (deny file-read-data (literal \"/usr/secret\")) rule; the value appears in "
                      "(deny file-read* (literal \"/usr/secret\") (with no-log)) at p.sb:5:1");
  assert_int_equal(err.line, 5);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("mach-lookup"), S("global-name"),
                                       S("com.apple.nothing"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "no (allow mach-lookup (global-name \"com.apple.nothing\")) rule");
  assert_int_equal(err.line, 0);
  /* unfiltered rules */
  assert_int_equal(sbp_assert_has_rule(p, SBP_DENY, S("default"), NULL, 0, NULL, 0, &err), SBP_OK);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("default"), NULL, 0, NULL, 0, &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message, "no unfiltered (allow default) rule");
  assert_int_equal(sbp_assert_has_rule(p, SBP_ACTION_NONE, S("default"), NULL, 0, NULL, 0, &err),
                   SBP_E_INVALID_ARG);

  sbp_buf b = SBP_BUF_INIT;
  size_t n = 99;
  assert_int_equal(sbp_profile_rules_mentioning(p, S("/usr/secret"), &b, &n, &err), SBP_OK);
  assert_int_equal(n, 1);
  assert_string_equal(b.ptr,
                      "p.sb:5:1: (deny file-read* (literal \"/usr/secret\") (with no-log))\n");
  assert_int_equal(sbp_profile_rules_mentioning(p, S("nowhere"), &b, &n, &err), SBP_OK);
  assert_int_equal(n, 0);
  assert_string_equal(b.ptr, "");
  sbp_buf_dispose(&b);
  sbp_profile_free(p);
}

/* Values the structural assertions look into: an integer, a part of a concatenation with a
 * parameter kept symbolic, a filter inside nested groups; and their argument checks. */
static void test_structural_values(void **state) {
  (void)state;
  static const char text[] =
      "(version 1)\n"
      "(allow system-socket (socket-domain 2))\n"
      "(allow file-read* (require-all (require-not (literal (string-append (param \"H\") \"/cfg\")))))\n";
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_SYMBOLIC_PARAMS;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, text, sizeof text - 1, "v.sb", &o, NULL, &err), SBP_OK);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("system-socket"), S("socket-domain"),
                                       S("2"), &err),
                   SBP_OK);
  assert_int_equal(err.line, 2);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("system-socket"), S("socket-domain"),
                                       S("3"), &err),
                   SBP_E_ASSERT);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("system-socket"), S("socket-domain"),
                                       S("22"), &err),
                   SBP_E_ASSERT);
  /* the literal's value is the concatenation, not its part; the part is a mention */
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("file-read*"), S("literal"), S("/cfg"),
                                       &err),
                   SBP_E_ASSERT);
  assert_non_null(strstr(err.message, "; the value appears in (allow file-read* (require-all"));
  assert_int_equal(err.line, 3);
  size_t n = 0;
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_profile_rules_mentioning(p, S("/cfg"), &b, &n, &err), SBP_OK);
  assert_int_equal(n, 1);
  sbp_buf_dispose(&b);
  /* a filter named without a value, no operation, no profile */
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("file-read*"), S("literal"), NULL, 0,
                                       &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, NULL, 0, NULL, 0, NULL, 0, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_assert_has_rule(NULL, SBP_ALLOW, S("default"), NULL, 0, NULL, 0, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_profile_rules_mentioning(p, NULL, 0, &b, &n, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_profile_rules_mentioning(p, S("/cfg"), NULL, &n, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_assert_allows(NULL, NULL, &err), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
}

/* Filter spellings compared through the catalog: an unknown one never matches, nor one of
 * another kind of match on the same base; the NULL arguments of the other entry points. */
static void test_spellings_and_arguments(void **state) {
  (void)state;
  sbp_profile *p = profile_of(PROFILE);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_assert_has_rule(p, SBP_DENY, S("file-read*"), S("bogus-filter"),
                                       S("/usr/secret"), &err),
                   SBP_E_ASSERT);
  assert_string_equal(err.message,
                      "no (deny file-read* (bogus-filter \"/usr/secret\")) rule; the value appears "
                      "in (deny file-read* (literal \"/usr/secret\") (with no-log)) at p.sb:5:1");
  assert_int_equal(sbp_assert_has_rule(p, SBP_DENY, S("file-read*"), S("subpath"),
                                       S("/usr/secret"), &err),
                   SBP_E_ASSERT);
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, S("file-read*"), S("subpath"), S("/usr"),
                                       &err),
                   SBP_OK);
  assert_string_equal(err.message, "found (allow file-read* (subpath \"/usr\")) at p.sb:4:1");
  assert_int_equal(sbp_assert_has_rule(p, SBP_ALLOW, "default", 0, NULL, 0, NULL, 0, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "assert: bad argument");
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_profile_rules_mentioning(p, S("/usr"), &b, NULL, &err), SBP_OK);
  assert_string_equal(b.ptr, "p.sb:4:1: (allow file-read* (subpath \"/usr\"))\n");
  sbp_buf_dispose(&b);
  size_t n = 9;
  assert_int_equal(sbp_profile_rules_mentioning(NULL, S("/usr"), &b, &n, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(n, 0);
  assert_string_equal(err.message, "rules mentioning: NULL argument");
  assert_int_equal(sbp_assert_allows_simple(NULL, S("file-read-data"), S("/usr/x"), &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "assert: NULL profile");
  sbp_decider *d = NULL;
  assert_int_equal(sbp_decider_new(&d, p, NULL, &err), SBP_OK);
  assert_int_equal(sbp_assert_decision(d, NULL, SBP_DECISION_ALLOW, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "assert: NULL argument");
  sbp_decider_free(d);
  sbp_profile_free(p);
}

static void test_cmocka_macros(void **state) {
  (void)state;
  sbp_profile *p = profile_of(PROFILE);
  assert_sbp_allows(p, "mach-lookup", "com.apple.SystemConfiguration.configd");
  assert_sbp_denies(p, "mach-lookup", "com.apple.nothing");
  assert_sbp_allows(p, "file-read-metadata", "/usr/bin/true");
  assert_sbp_has_rule(p, SBP_ALLOW, "file-read*", "subpath", "/usr");
  assert_sbp_has_rule(p, SBP_DENY, "default", NULL, NULL);
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("mach-register"), S("x"), NULL), SBP_OK);
  assert_sbp_denies_request(p, r);
  sbp_decider *d;
  assert_int_equal(sbp_decider_new(&d, p, NULL, NULL), SBP_OK);
  assert_sbp_decision(d, r, SBP_DECISION_DENY);
  sbp_decider_free(d);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("/usr/lib/a"), NULL), SBP_OK);
  assert_sbp_allows_request(p, r);
  sbp_request_free(r);
  sbp_profile_free(p);
}

typedef struct oom_ctx {
  int unused;
} oom_ctx;

static int oom_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p = NULL;
  int rc = mini_sbpl_read(PROFILE, strlen(PROFILE), "p.sb", alloc, &p, NULL);
  if (rc != SBP_OK) return rc;
  sbp_error err = SBP_ERROR_INIT;
  rc = sbp_assert_denies_simple(p, S("mach-lookup"), S("x"), &err);
  if (rc == SBP_OK) rc = sbp_assert_has_rule(p, SBP_ALLOW, S("file-read*"), S("subpath"), S("/usr"), &err);
  if (rc == SBP_OK) {
    sbp_buf b = SBP_BUF_INIT;
    rc = sbp_profile_rules_mentioning(p, S("/usr"), &b, NULL, &err);
    sbp_buf_dispose(&b);
  }
  sbp_profile_free(p);
  return rc;
}

static void test_allocation_failures(void **state) {
  (void)state;
  oom_ctx c = {0};
  assert_true(test_alloc_exhaust(oom_op, &c) > 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_semantic_messages),
      cmocka_unit_test(test_built_rules_have_no_position),
      cmocka_unit_test(test_structural),
      cmocka_unit_test(test_structural_values),
      cmocka_unit_test(test_spellings_and_arguments),
      cmocka_unit_test(test_cmocka_macros),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
