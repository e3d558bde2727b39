/* Entitlements property lists (lib/plist.c), the parts test_plist leaves out: every entity and
 * character reference form decoded, empty arrays and strings, comments and declarations
 * around the dict, and the error with its position for each malformed tag, reference and
 * ending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static void test_values(void **state) {
  (void)state;
  static const char xml[] =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE plist>\n<plist version=\"a>b\"><dict><!-- c -->"
      "<key>a</key><string>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#X43;&#xe9;&#x20AC;&#x1F600;"
      "</string>"
      "<key>b</key><array><string>x</string><string>y</string></array>"
      "<key>c</key><array/><key>d</key><string/><key>e</key><false/>"
      "</dict></plist>\n<!-- trailing -->\n";
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_entitlements_read_plist(xml, sizeof xml - 1, NULL, &set, &err), SBP_OK);
  size_t n = 0;
  const sbp_entitlement *it = sbp_entitlements_items(set, &n);
  assert_int_equal(n, 5);
  assert_string_equal(it[0].key, "a");
  assert_int_equal(it[0].kind, SBP_ENTITLEMENT_STRING);
  assert_string_equal(it[0].string, "<>&\"'ABC\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  assert_int_equal(it[1].kind, SBP_ENTITLEMENT_STRINGS);
  assert_int_equal(it[1].nstrings, 2);
  assert_string_equal(it[1].strings[0], "x");
  assert_string_equal(it[1].strings[1], "y");
  assert_int_equal(it[2].kind, SBP_ENTITLEMENT_STRINGS);
  assert_int_equal(it[2].nstrings, 0);
  assert_int_equal(it[3].kind, SBP_ENTITLEMENT_STRING);
  assert_string_equal(it[3].string, "");
  assert_int_equal(it[4].kind, SBP_ENTITLEMENT_BOOLEAN);
  assert_int_equal(it[4].boolean, 0);
  sbp_entitlements_free(set);
}

static const struct {
  const char *xml;
  uint32_t column;
  const char *message;
} refused[] = {
    {"<plist><dict><key>a</key><string>&#x;</string></dict></plist>", 34,
     "malformed character reference"},
    {"<plist><dict><key>a</key><string>&#12a;</string></dict></plist>", 34,
     "malformed character reference"},
    {"<plist><dict><key>a</key><string>&#xD800;</string></dict></plist>", 34,
     "character reference to no character"},
    {"<plist><dict><key>a</key><string>&amp</string></dict></plist>", 34,
     "unterminated entity"},
    {"<plist><dict><key>a</key><array><string>x</string></dict></plist>", 51,
     "an entitlement array may hold only <string> values"},
    {"<plist><dict><key>a</key><true/></dict></plistx>", 40, "expected </plist>"},
    {"<plist><dict><key>a</key><true/></dict></list>", 40, "expected </plist>"},
    {"<plist><dict><key>a</key><true/></dict>", 40, "expected a tag"},
    {"<plist><dict><key>a</key><true/></dict></plist", 40, "unterminated tag"},
    {"<plist><dict><key>a<true/></dict></plist>", 20, "expected </key>"},
    {"< plist><dict/></plist>", 1, "expected a tag name"},
    {"<plist><dict><key>a</key><true/><dict>", 33, "expected <key>"},
    {"<plist><dict/><dict/></plist>", 15, "expected </plist>"},
    {"<plist></dict></plist>", 8, "the entitlements must be one <dict>"},
    {"<plist><dict><key>a</key><true/></plist>", 33, "expected <key>"},
    {"<plist><dict></key></dict></plist>", 14, "expected <key>"},
    {"<plist><dict><key>a</key></string></dict></plist>", 26,
     "entitlement a: a </string> value (only true, false, string and array of strings are read)"},
    {"<plist><dict><key>a</key></array></dict></plist>", 26,
     "entitlement a: a </array> value (only true, false, string and array of strings are read)"},
    {"<plist><dict><key>a</key><integer>1</integer></dict></plist>", 26,
     "entitlement a: a <integer> value (only true, false, string and array of strings are read)"},
    {"<plist><dict><key>a</key><averyveryverylongtagname/></dict></plist>", 26,
     "entitlement a: a <averyveryverylo> value (only true, false, string and array of strings "
     "are read)"},
    {"<plist version=\"1.0><dict/></plist>", 1, "unterminated tag"},
    {"<plist><dict><key>a</key><string>&#12345678901;</string></dict></plist>", 34,
     "unterminated entity"},
    {"<plist><dict><key>a</key><string>&#xg1;</string></dict></plist>", 34,
     "malformed character reference"},
    {"<plist><dict><key>a</key><string>&#xG1;</string></dict></plist>", 34,
     "malformed character reference"},
    {"<plist><dict><key>a</key><string>&#;</string></dict></plist>", 34,
     "unknown entity"},
    {"<plist><dict><key>a</key><string>a&</string></dict></plist>", 35, "unterminated entity"},
    {"<plist><dict/></plist>x", 23, "text after </plist>"},
    {"", 1, "expected a tag"},
};

static void test_refused(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    sbp_entitlements *set = (sbp_entitlements *)1;
    sbp_error err = SBP_ERROR_INIT;
    const char *xml = refused[i].xml;
    assert_int_equal(sbp_entitlements_read_plist(xml, strlen(xml), NULL, &set, &err),
                     SBP_E_SYNTAX);
    assert_null(set);
    const char *prefix = "entitlements plist: ";
    if (strncmp(err.message, prefix, strlen(prefix)) != 0 ||
        strcmp(err.message + strlen(prefix), refused[i].message) != 0 || err.line != 1 ||
        err.column != refused[i].column)
      fail_msg("%s: %u:%u '%s', wanted 1:%u '%s%s'", xml, err.line, err.column, err.message,
               refused[i].column, prefix, refused[i].message);
  }
}

/* A NUL byte inside the text is refused where it stands, on its line. */
static void test_nul_byte(void **state) {
  (void)state;
  static const char xml[] = "<plist><dict>\n<key>a</key><string>x\0y</string></dict></plist>";
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_entitlements_read_plist(xml, sizeof xml - 1, NULL, &set, &err),
                   SBP_E_SYNTAX);
  assert_null(set);
  assert_string_equal(err.message, "entitlements plist: NUL byte in text");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 22);
}

/* Argument checks, an empty dict and white space of every kind between the tags. */
static void test_arguments_and_space(void **state) {
  (void)state;
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_entitlements_read_plist("<plist/>", 8, NULL, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "out is NULL");
  assert_int_equal(sbp_entitlements_read_plist(NULL, 3, NULL, &set, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "xml is NULL");
  assert_int_equal(sbp_entitlements_read_plist(NULL, 0, NULL, &set, &err), SBP_E_SYNTAX);
  assert_string_equal(err.message, "entitlements plist: expected a tag");
  size_t n = 7;
  assert_null(sbp_entitlements_items(NULL, &n));
  assert_int_equal(n, 0);
  static const char xml[] = "\r\n\t <plist>\r\n<dict/>\t\r\n</plist>\r\n";
  assert_int_equal(sbp_entitlements_read_plist(xml, sizeof xml - 1, NULL, &set, &err), SBP_OK);
  n = 9;
  assert_null(sbp_entitlements_items(set, &n)); /* an empty dict: no items */
  assert_int_equal(n, 0);
  assert_null(sbp_entitlements_items(set, NULL));
  sbp_entitlements_free(set);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_nul_byte),
      cmocka_unit_test(test_arguments_and_space),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
