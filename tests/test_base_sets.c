/* The base sets' tables through their look-ups: every set and every entry it lists (its own
 * and those of the set it includes) found by name and by index, names that are a prefix of
 * an entry's or extend it not found, and the argument checks and NULL answers of each
 * accessor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static void test_every_set_and_entry(void **state) {
  (void)state;
  size_t nsets = sbp_base_set_count();
  assert_true(nsets > 0);
  assert_null(sbp_base_set_at(nsets));
  sbp_error err = SBP_ERROR_INIT;
  for (size_t i = 0; i < nsets; i++) {
    const sbp_base_set *s = sbp_base_set_at(i), *found = NULL;
    const char *name = sbp_base_set_name(s);
    assert_non_null(name);
    assert_non_null(sbp_base_set_summary(s));
    assert_int_equal(sbp_base_set_lookup(name, strlen(name), &found, &err), SBP_OK);
    assert_ptr_equal(found, s);
    size_t n = sbp_base_set_entry_count(s);
    assert_true(n > 0);
    assert_null(sbp_base_set_entry_at(s, n));
    for (size_t k = 0; k < n; k++) {
      const sbp_base_entry *e = sbp_base_set_entry_at(s, k), *again = NULL;
      if (e == NULL) fail_msg("set %s: entry %zu of %zu is missing", name, k, n);
      const char *en = sbp_base_entry_name(e);
      assert_non_null(sbp_base_entry_rule(e));
      assert_int_equal(sbp_base_entry_lookup(en, strlen(en), &again, &err), SBP_OK);
      assert_ptr_equal(again, e);
      /* a name one byte longer, or one byte shorter, is another name */
      char longer[256];
      snprintf(longer, sizeof longer, "%s~", en);
      assert_int_equal(sbp_base_entry_lookup(longer, strlen(longer), &again, &err),
                       SBP_E_NOT_FOUND);
      assert_null(again);
      const sbp_base_entry *shorter = NULL;
      int rc = sbp_base_entry_lookup(en, strlen(en) - 1, &shorter, &err);
      if (rc == SBP_OK) assert_int_equal(strlen(sbp_base_entry_name(shorter)), strlen(en) - 1);
      else assert_int_equal(rc, SBP_E_NOT_FOUND);
    }
  }
}

static void test_arguments(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  const sbp_base_set *s = (const sbp_base_set *)&err;
  const sbp_base_entry *e = (const sbp_base_entry *)&err;
  assert_int_equal(sbp_base_set_lookup("x", 1, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "base set look-up: out is NULL");
  assert_int_equal(sbp_base_set_lookup(NULL, 3, &s, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "base set look-up: name is NULL");
  assert_null(s);
  assert_int_equal(sbp_base_set_lookup(NULL, 0, &s, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "base set \"\": unknown name");
  assert_int_equal(sbp_base_set_lookup("no-such-set", 11, &s, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "base set \"no-such-set\": unknown name");
  assert_int_equal(sbp_base_entry_lookup("x", 1, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "base entry look-up: out is NULL");
  assert_int_equal(sbp_base_entry_lookup(NULL, 2, &e, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "base entry look-up: name is NULL");
  assert_null(e);
  assert_int_equal(sbp_base_entry_lookup("", 0, &e, &err), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_base_entry_lookup("\xff\xff", 2, &e, &err), SBP_E_NOT_FOUND);
  /* NULL in, nothing out */
  assert_null(sbp_base_set_name(NULL));
  assert_int_equal(sbp_base_set_version(NULL), 0);
  assert_null(sbp_base_set_summary(NULL));
  assert_int_equal(sbp_base_set_entry_count(NULL), 0);
  assert_null(sbp_base_set_entry_at(NULL, 0));
  assert_null(sbp_base_entry_name(NULL));
  assert_null(sbp_base_entry_rule(NULL));
  assert_null(sbp_base_entry_serves(NULL));
  assert_null(sbp_base_entry_breaks(NULL));
  assert_null(sbp_base_entry_source(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_set_and_entry),
      cmocka_unit_test(test_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
