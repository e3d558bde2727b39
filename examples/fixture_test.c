/* A test fixture in a few lines: assert what a sandbox profile grants, in a cmocka test that
 * runs on any OS. Build with: cc fixture_test.c $(pkg-config --cflags --libs sbprofile cmocka)
 * and run it from the directory that holds fixture.sb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "sbprofile/cmocka.h"

#define CONFIGD "com.apple.SystemConfiguration.configd"

/* A profile made with the builder. */
static void test_builder_profile_allows_configd(void **state) {
  (void)state;
  sbp_profile *p;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 1, &err), SBP_OK);
  assert_int_equal(sbp_add_default(p, SBP_DENY, NULL, &err), SBP_OK);
  assert_int_equal(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT, CONFIGD, strlen(CONFIGD),
                                       NULL, &err),
                   SBP_OK);
  assert_sbp_allows(p, "mach-lookup", CONFIGD);                            /* semantic */
  assert_sbp_has_rule(p, SBP_ALLOW, "mach-lookup", "global-name", CONFIGD); /* structural */
  assert_sbp_denies(p, "mach-lookup", "com.apple.coreservices.launchservicesd");
  sbp_profile_free(p);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 4096 > cap) {
      char *nb = realloc(buf, cap = n + 4096);
      if (nb == NULL) break;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

/* A profile read from a file. */
static void test_file_profile_allows_configd(void **state) {
  (void)state;
  size_t len = 0;
  char *text = slurp("fixture.sb", &len);
  assert_non_null(text);
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, text, len, "fixture.sb", NULL, NULL, &err);
  free(text);
  if (rc != SBP_OK) fail_msg("fixture.sb:%u:%u: %s", err.line, err.column, err.message);
  assert_sbp_allows(p, "mach-lookup", CONFIGD);
  assert_sbp_allows(p, "file-read-data", "/usr/lib/libSystem.B.dylib");
  assert_sbp_allows(p, "network-outbound", "tcp4:93.184.216.34:443");
  assert_sbp_denies(p, "network-outbound", "tcp4:93.184.216.34:80");
  assert_sbp_denies(p, "file-write-data", "/usr/lib/libSystem.B.dylib");
  sbp_profile_free(p);
}

/* Without the rule, the assertion fails and names the rule that denied the request. */
static void test_missing_rule_names_the_denying_rule(void **state) {
  (void)state;
  const char *text = "(version 1)\n(deny default)\n(allow file-read* (subpath \"/usr\"))\n";
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "strict.sb", NULL, NULL, &err), SBP_OK);
  int rc = sbp_assert_allows_simple(p, "mach-lookup", strlen("mach-lookup"), CONFIGD,
                                    strlen(CONFIGD), &err);
  assert_int_equal(rc, SBP_E_ASSERT);
  print_message("as a failing assert_sbp_allows would print:\n  %s\n", err.message);
  assert_string_equal(err.message,
                      "expected allow for mach-lookup global-name=\"" CONFIGD "\", got deny by "
                      "(deny default) at strict.sb:2:1 [default rule]");
  assert_string_equal(err.file, "strict.sb");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 1);
  sbp_profile_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builder_profile_allows_configd),
      cmocka_unit_test(test_file_profile_allows_configd),
      cmocka_unit_test(test_missing_rule_names_the_denying_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
