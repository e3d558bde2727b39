/* The catalog's public functions at their edges (lib/catalog.c): NULL rows, names and outputs,
 * versions and indices it does not know, each answered with the value or status its header
 * documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static void test_null_rows(void **state) {
  (void)state;
  assert_null(sbp_catalog_op_name(NULL));
  assert_null(sbp_catalog_op_parent(NULL));
  assert_int_equal(sbp_catalog_op_is_terminal(NULL), 0);
  assert_int_equal(sbp_catalog_op_builtin(NULL), SBP_ACTION_NONE);
  assert_int_equal(sbp_catalog_op_flags(NULL), 0);
  assert_int_equal(sbp_catalog_op_version(NULL), 0);
  assert_int_equal(sbp_catalog_op_id(NULL), -1);
  assert_int_equal(sbp_catalog_op_accepts(NULL, "path", 4), -1);
  assert_null(sbp_catalog_filter_spelling(NULL));
  assert_null(sbp_catalog_filter_base(NULL));
  assert_int_equal(sbp_catalog_filter_match(NULL), 0);
  assert_int_equal(sbp_catalog_filter_arg(NULL), SBP_CATALOG_ARG_OTHER);
  assert_null(sbp_catalog_filter_category(NULL));
  assert_int_equal(sbp_catalog_filter_flags(NULL), 0);
  assert_null(sbp_catalog_modifier_name(NULL));
  assert_null(sbp_catalog_modifier_canonical(NULL));
  assert_null(sbp_catalog_modifier_implied_arg(NULL));
  assert_int_equal(sbp_catalog_modifier_applies(NULL), 0);
  assert_int_equal(sbp_catalog_modifier_flags(NULL), 0);
  assert_null(sbp_catalog_modifier_source(NULL));
  assert_int_equal(sbp_catalog_modifier_arg(NULL), SBP_CATALOG_ARG_OTHER);
  assert_null(sbp_catalog_service_name(NULL));
  assert_null(sbp_catalog_service_operation(NULL));
  assert_null(sbp_catalog_service_gives(NULL));
  assert_null(sbp_catalog_service_breaks(NULL));
  assert_null(sbp_catalog_service_source(NULL));
  assert_null(sbp_catalog_service_at(sbp_catalog_service_count()));
  assert_int_equal(sbp_catalog_fact_at(sbp_catalog_fact_count()), SBP_FACT_NONE);
  assert_null(sbp_catalog_fact_name((sbp_fact)9999));
  assert_null(sbp_catalog_fact_statement((sbp_fact)9999));
  assert_int_equal(sbp_catalog_fact_confidence((sbp_fact)9999), 0);
  assert_null(sbp_catalog_fact_source((sbp_fact)9999));
  assert_null(sbp_catalog_fact_if_wrong((sbp_fact)9999));
}

static void test_unknown_versions_and_indices(void **state) {
  (void)state;
  uint32_t v = sbp_catalog_newest();
  assert_int_equal(sbp_catalog_version_at(sbp_catalog_version_count()), 0);
  assert_int_equal(sbp_catalog_version_flags(0x010203u), 0);
  assert_int_equal(sbp_catalog_version_nearest(0x010000u), 0);
  assert_null(sbp_catalog_op_at(v, sbp_catalog_op_count(v)));
  assert_null(sbp_catalog_filter_at(v, sbp_catalog_filter_count(v)));
  assert_null(sbp_catalog_modifier_at(v, sbp_catalog_modifier_count(v)));
  assert_int_equal(sbp_catalog_constant_count(v, "no-such-filter", 14), 0);
  const char *name = "x";
  int64_t value = 7;
  assert_int_equal(sbp_catalog_constant_at(v, "no-such-filter", 14, 0, &name, &value),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_symbol_kinds(v, "no-such-symbol-at-all", 21), 0);
  assert_int_equal(sbp_catalog_is_attribute(v, "no-such-attribute", 17), 0);
  /* no suggestion for a name that is too long, empty or NULL */
  char longname[80];
  memset(longname, 'a', sizeof longname);
  assert_null(sbp_catalog_suggest(v, 0, longname, sizeof longname));
  assert_null(sbp_catalog_suggest(v, 0, "", 0));
  assert_null(sbp_catalog_suggest(v, 0, NULL, 0));
}

static void test_null_arguments(void **state) {
  (void)state;
  uint32_t v = sbp_catalog_newest();
  sbp_error err = SBP_ERROR_INIT;
  const sbp_catalog_op *op = NULL;
  const sbp_catalog_filter *f = NULL;
  const sbp_catalog_modifier *m = NULL;
  const sbp_service_note *note = NULL;
  uint32_t mask = 0, requested = 0, used = 0;
  int64_t value = 0;
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_macos_version_parse("14.0", 4, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_macos_version_format(0, NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_macos_version_format(v, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_versions_format(1, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_macos_version_resolve("x", 1, &requested, &used, &err), SBP_E_SYNTAX);
  assert_int_equal(sbp_catalog_op_lookup(v, "file-read*", 10, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_op_lookup(v, NULL, 3, &op, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_op_versions(NULL, 3, 0, &mask, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_op_versions("file-read*", 10, 0, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_filter_lookup(v, "subpath", 7, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_filter_lookup(v, NULL, 3, &f, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_modifier_lookup(v, "report", 6, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_modifier_lookup(v, NULL, 3, &m, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_service_lookup("x", 1, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_service_lookup(NULL, 3, &note, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_constant(v, NULL, 3, "x", 1, &value, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_constant(v, "socket-domain", 13, "AF_UNIX", 7, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_is_attribute(v, NULL, 3), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(v, NULL, 3), 0);
  assert_int_equal(sbp_catalog_constant_count(v, NULL, 3), 0);
  /* a real row, asked about a NULL category or modifier name */
  assert_int_equal(sbp_catalog_op_lookup(v, "file-read-data", 14, &op, &err), SBP_OK);
  assert_int_equal(sbp_catalog_op_accepts(op, NULL, 3), -1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(op, NULL, 3), -1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(NULL, "report", 6), -1);
  assert_null(b.ptr);
}

/* A NULL name of length 0 is the empty name: every look-up answers as for "" (no such row),
 * never as for a NULL argument. */
static void test_null_empty_names(void **state) {
  (void)state;
  uint32_t v = sbp_catalog_newest();
  sbp_error err = SBP_ERROR_INIT;
  const sbp_catalog_op *op = NULL;
  const sbp_catalog_filter *f = NULL;
  const sbp_catalog_modifier *m = NULL;
  const char *target = "x";
  uint32_t flags = 7, mask = 7;
  int64_t value = 0;
  assert_int_equal(sbp_catalog_op_lookup(v, NULL, 0, &op, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "unknown operation '' (macOS 14.4.1)");
  assert_int_equal(sbp_catalog_op_alias(v, NULL, 0, &target, &flags, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "'' is no operation alias on macOS 14.4.1");
  assert_null(target);
  assert_int_equal(flags, 0);
  assert_int_equal(sbp_catalog_op_alias(v, NULL, 3, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "operation alias: name is NULL");
  assert_int_equal(sbp_catalog_op_alias(0x0f0000u, "process-exec", 12, NULL, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "the catalog has no operation table for macOS 15");
  assert_int_equal(sbp_catalog_op_versions(NULL, 0, SBP_CATALOG_WITH_ALIASES, &mask, &err), SBP_OK);
  assert_int_equal(mask, 0);
  assert_int_equal(sbp_catalog_filter_lookup(v, NULL, 0, &f, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "unknown filter '' (macOS 14.4.1)");
  assert_int_equal(sbp_catalog_modifier_lookup(v, NULL, 0, &m, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "unknown modifier '' (macOS 14.4.1)");
  assert_int_equal(sbp_catalog_constant(v, NULL, 0, NULL, 0, &value, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "'' has no constant '' (macOS 14.4.1)");
  assert_int_equal(sbp_catalog_constant(v, "x", 1, NULL, 3, &value, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "constant look-up: name is NULL");
  assert_int_equal(sbp_catalog_constant(v, NULL, 3, NULL, 3, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "constant look-up: out is NULL");
  /* a filter with no constants at all, and a base after every constant's */
  assert_int_equal(sbp_catalog_constant(v, "subpath", 7, "x", 1, &value, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "'subpath' has no constant 'x' (macOS 14.4.1)");
  assert_int_equal(sbp_catalog_constant(v, "zzz", 3, "x", 1, &value, &err), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_constant_count(v, NULL, 0), 0);
  assert_int_equal(sbp_catalog_constant_count(v, "zzz", 3), 0);
  assert_int_equal(sbp_catalog_constant_at(v, "zzz", 3, 0, NULL, NULL), SBP_E_NOT_FOUND);
  const char *name = "x";
  assert_int_equal(sbp_catalog_constant_at(v, NULL, 0, 0, &name, &value), SBP_E_NOT_FOUND);
  assert_null(name);
  assert_int_equal(sbp_catalog_constant_at(v, NULL, 3, 0, NULL, NULL), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_constant_at(v, "codesigning-operation", 21, 0, NULL, NULL),
                   SBP_OK);
  assert_int_equal(sbp_catalog_constant_at(0x010000u, "socket-domain", 13, 0, &name, NULL),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_symbol_kinds(v, NULL, 0), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(0x010000u, "file-read*", 10), 0);
  /* a real row and an empty category or modifier name */
  assert_int_equal(sbp_catalog_op_lookup(v, "file-read-data", 14, &op, &err), SBP_OK);
  assert_int_equal(sbp_catalog_op_accepts(op, NULL, 0), sbp_catalog_op_accepts(op, "", 0));
  assert_int_equal(sbp_catalog_op_accepts_modifier(op, NULL, 0),
                   sbp_catalog_op_accepts_modifier(op, "", 0));
}

/* Versions written with their patch level only, a version older than the catalog, and the
 * look-up of an operation the newest table lacks, named with every version that has it. */
static void test_versions_in_messages(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_macos_version_format(SBP_MACOS_VERSION(10, 0, 1), NULL, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "10.0.1");
  assert_int_equal(sbp_macos_version_format(SBP_MACOS_VERSION(11, 0, 0), NULL, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "11");
  sbp_buf_dispose(&b);
  uint32_t used = 0;
  assert_int_equal(sbp_macos_version_resolve("10.1", 4, NULL, &used, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "macOS 10.1 is older than every version the catalog knows "
                                   "(10.12 is the oldest)");
  assert_int_equal(sbp_macos_version_resolve("10.1", 4, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS version: used is NULL");
  const sbp_catalog_op *op = NULL;
  assert_int_equal(sbp_catalog_op_lookup(sbp_catalog_newest(), "load-unsigned-code", 18, &op, &err),
                   SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "operation 'load-unsigned-code' is not in the macOS 14.4.1 table "
                                   "(known in: 10.12 10.13 10.14 10.15)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_rows),
      cmocka_unit_test(test_unknown_versions_and_indices),
      cmocka_unit_test(test_null_arguments),
      cmocka_unit_test(test_null_empty_names),
      cmocka_unit_test(test_versions_in_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
