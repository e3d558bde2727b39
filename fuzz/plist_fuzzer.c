/* Fuzz target: the entitlements property-list reader. Arbitrary bytes either read or fail
 * with SBP_E_SYNTAX and a position inside the text; what reads is well formed (a key, a
 * known kind, the strings its kind promises, no key twice) and feeds the evaluator, which
 * must bind *entitlements* with one entry for each. Any disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
  fprintf(stderr, "plist_fuzzer: %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *xml = (const char *)data;
  sbp_entitlements *set = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_entitlements_read_plist(xml, size, NULL, &set, &err);
  if (rc != SBP_OK) {
    if (rc != SBP_E_SYNTAX && rc != SBP_E_NOMEM) fail("unexpected status");
    if (set != NULL) fail("a set on failure");
    if (rc == SBP_E_SYNTAX && (err.line == 0 || err.column == 0 || err.line > size + 1))
      fail("an error without a position in the text");
    return 0;
  }
  size_t n = 0;
  const sbp_entitlement *e = sbp_entitlements_items(set, &n);
  for (size_t i = 0; i < n; i++) {
    if (e[i].key == NULL) fail("an entitlement without a key");
    for (size_t j = 0; j < i; j++)
      if (strcmp(e[i].key, e[j].key) == 0) fail("a key twice");
    switch (e[i].kind) {
      case SBP_ENTITLEMENT_BOOLEAN:
        if (e[i].boolean != 0 && e[i].boolean != 1) fail("a boolean neither 0 nor 1");
        break;
      case SBP_ENTITLEMENT_STRING:
        if (e[i].string == NULL) fail("a string entitlement without its string");
        break;
      case SBP_ENTITLEMENT_STRINGS:
        if (e[i].nstrings > 0 && e[i].strings == NULL) fail("an array without its strings");
        for (size_t k = 0; k < e[i].nstrings; k++)
          if (e[i].strings[k] == NULL) fail("a NULL string in an array");
        break;
      default:
        fail("an unknown kind");
    }
  }
  /* (length *entitlements*) must be n: the profile allows one literal per entry */
  const char *text = "(version 1)\n(for-each (lambda (e) (allow file-read* (literal \"/e\")))"
                     " *entitlements*)";
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.entitlements = e;
  o.nentitlements = n;
  static const sbp_entitlement none[1];
  if (e == NULL) o.entitlements = none;
  sbp_profile *p = NULL;
  rc = sbp_profile_read(&p, text, strlen(text), "f.sb", &o, NULL, &err);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("the evaluator refused what the reader read");
  if (rc == SBP_OK && sbp_profile_rule_count(p) != n) fail("*entitlements* has a wrong length");
  sbp_profile_free(p);
  sbp_entitlements_free(set);
  return 0;
}
