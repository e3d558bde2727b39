/* The entitlements property-list reader: what codesign prints, entities, every refusal with
 * its position, arguments, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define HEAD                                                                              \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                         \
  "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "                               \
  "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"                                 \
  "<plist version=\"1.0\">\n"

static const char CODESIGN[] = HEAD
    "<dict>\n"
    "\t<key>com.apple.security.app-sandbox</key>\n\t<true/>\n"
    "\t<!-- a comment -->\n"
    "\t<key>com.apple.security.network.client</key>\n\t<false/>\n"
    "\t<key>com.apple.security.application-groups</key>\n"
    "\t<array>\n\t\t<string>T.group &amp; &lt;co&gt;</string>\n\t\t<string/>\n"
    "\t\t<string>&#x41;&#233;&quot;&apos;</string>\n\t</array>\n"
    "\t<key>team</key>\n\t<string>ABC</string>\n"
    "\t<key>empty</key>\n\t<array/>\n"
    "</dict>\n</plist>\n";

static void test_codesign_output(void **state) {
  (void)state;
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_entitlements_read_plist(CODESIGN, strlen(CODESIGN), NULL, &set, &err),
                   SBP_OK);
  size_t n = 0;
  const sbp_entitlement *e = sbp_entitlements_items(set, &n);
  assert_int_equal(n, 5);
  assert_string_equal(e[0].key, "com.apple.security.app-sandbox");
  assert_int_equal(e[0].kind, SBP_ENTITLEMENT_BOOLEAN);
  assert_int_equal(e[0].boolean, 1);
  assert_int_equal(e[1].kind, SBP_ENTITLEMENT_BOOLEAN);
  assert_int_equal(e[1].boolean, 0);
  assert_int_equal(e[2].kind, SBP_ENTITLEMENT_STRINGS);
  assert_int_equal(e[2].nstrings, 3);
  assert_string_equal(e[2].strings[0], "T.group & <co>");
  assert_string_equal(e[2].strings[1], "");
  assert_string_equal(e[2].strings[2], "A\xc3\xa9\"'");
  assert_int_equal(e[3].kind, SBP_ENTITLEMENT_STRING);
  assert_string_equal(e[3].string, "ABC");
  assert_int_equal(e[4].nstrings, 0);
  /* the set feeds the evaluator */
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.entitlements = e;
  o.nentitlements = n;
  const char *text = "(version 1)\n(allow file-read* (literal (cdr (assoc \"team\" *entitlements*))))";
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, &err), SBP_OK);
  sbp_profile_free(p);
  sbp_entitlements_free(set);
  sbp_entitlements_free(NULL);
  /* an empty dict */
  const char *empty = "<plist version=\"1.0\"><dict/></plist>";
  assert_int_equal(sbp_entitlements_read_plist(empty, strlen(empty), NULL, &set, &err), SBP_OK);
  assert_null(sbp_entitlements_items(set, &n));
  assert_int_equal(n, 0);
  sbp_entitlements_free(set);
}

static void expect_refused(const char *xml, uint32_t line, uint32_t col, const char *msg) {
  sbp_entitlements *set = (sbp_entitlements *)1;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_entitlements_read_plist(xml, strlen(xml), NULL, &set, &err),
                   SBP_E_SYNTAX);
  assert_null(set);
  if (strcmp(err.message, msg) != 0) fail_msg("got '%s', wanted '%s'", err.message, msg);
  if (err.line != line || err.column != col)
    fail_msg("%s: at %u:%u, wanted %u:%u", msg, err.line, err.column, line, col);
}

static void test_refusals(void **state) {
  (void)state;
  expect_refused("<plist><dict><key>a</key><integer>1</integer></dict></plist>", 1, 26,
                 "entitlements plist: entitlement a: a <integer> value (only true, false, "
                 "string and array of strings are read)");
  expect_refused("<plist><dict><key>a</key><array><true/></array></dict></plist>", 1, 33,
                 "entitlements plist: an entitlement array may hold only <string> values");
  expect_refused("<plist><dict><key>a</key><true/><key>a</key><false/></dict></plist>", 1, 33,
                 "entitlements plist: duplicate key");
  expect_refused("<plist><array/></plist>", 1, 8,
                 "entitlements plist: the entitlements must be one <dict>");
  expect_refused("<plist><dict><key>a</key><string>x &bogus; y</string></dict></plist>", 1, 36,
                 "entitlements plist: unknown entity");
  expect_refused("<plist><dict><key>a</key><string>&#0;</string></dict></plist>", 1, 34,
                 "entitlements plist: character reference to no character");
  expect_refused("<plist><dict><key>a</key><string>&#x110000;</string></dict></plist>", 1, 34,
                 "entitlements plist: character reference out of range");
  expect_refused("<plist><dict><key>a</key><string>x", 1, 34,
                 "entitlements plist: unterminated text");
  expect_refused("<plist><dict></dict></plist> x", 1, 30, "entitlements plist: text after </plist>");
  expect_refused("<!-- x", 1, 1, "entitlements plist: unterminated comment or declaration");
  expect_refused("", 1, 1, "entitlements plist: expected a tag");
  expect_refused("<plist><dict>\n<string>a</string></dict></plist>", 2, 1,
                 "entitlements plist: expected <key>");
}

static void test_arguments(void **state) {
  (void)state;
  sbp_entitlements *set = NULL;
  assert_int_equal(sbp_entitlements_read_plist("x", 1, NULL, NULL, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_entitlements_read_plist(NULL, 1, NULL, &set, NULL), SBP_E_INVALID_ARG);
  sbp_alloc broken = {NULL, NULL, NULL, NULL};
  assert_int_equal(sbp_entitlements_read_plist("x", 1, &broken, &set, NULL), SBP_E_INVALID_ARG);
  size_t n = 7;
  assert_null(sbp_entitlements_items(NULL, &n));
  assert_int_equal(n, 0);
}

static int alloc_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_entitlements *set = NULL;
  int rc = sbp_entitlements_read_plist(CODESIGN, strlen(CODESIGN), alloc, &set, NULL);
  sbp_entitlements_free(set);
  return rc;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(alloc_op, NULL) > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codesign_output),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
