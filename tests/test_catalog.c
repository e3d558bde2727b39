/* The catalog: versions, operations and their chains, aliases, filters, named constants,
 * modifiers, the weak-facts table, service notes, and the generated tables' invariants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

static const uint32_t V1012 = SBP_MACOS_VERSION(10, 12, 0);
static const uint32_t V1014 = SBP_MACOS_VERSION(10, 14, 0);
static const uint32_t V1015 = SBP_MACOS_VERSION(10, 15, 0);
static const uint32_t V144 = SBP_MACOS_VERSION(14, 4, 1);
static const uint32_t V15 = SBP_MACOS_VERSION(15, 0, 0);
static const uint32_t TARGETS[] = {SBP_MACOS_VERSION(10, 12, 0), SBP_MACOS_VERSION(10, 13, 0),
                                   SBP_MACOS_VERSION(10, 14, 0), SBP_MACOS_VERSION(10, 15, 0),
                                   SBP_MACOS_VERSION(14, 4, 1)};
#define NTARGETS (sizeof(TARGETS) / sizeof(TARGETS[0]))

static const sbp_catalog_op *op_in(uint32_t v, const char *name) {
  const sbp_catalog_op *op = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_catalog_op_lookup(v, name, strlen(name), &op, &err);
  if (rc != SBP_OK) fail_msg("%s: %s", name, err.message);
  return op;
}

/* Asserts the fallback chain of name in v, ending with NULL after the last element. */
static void assert_chain(uint32_t v, const char *name, const char *const *want) {
  const sbp_catalog_op *op = op_in(v, name);
  size_t i = 0;
  for (; want[i] != NULL; i++) {
    assert_non_null(op);
    assert_string_equal(sbp_catalog_op_name(op), want[i]);
    op = sbp_catalog_op_parent(op);
  }
  assert_null(op);
}

/* ---- versions --------------------------------------------------------------------------- */

static void expect_parse_error(const char *text, uint32_t column, const char *message) {
  sbp_error err = SBP_ERROR_INIT;
  uint32_t v = 77;
  assert_int_equal(sbp_macos_version_parse(text, strlen(text), &v, &err), SBP_E_SYNTAX);
  assert_int_equal(v, 77);
  assert_int_equal(err.code, SBP_E_SYNTAX);
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, column);
  assert_string_equal(err.message, message);
}

static void test_version_parse(void **state) {
  (void)state;
  uint32_t v = 0;
  assert_int_equal(sbp_macos_version_parse(S("10.15"), &v, NULL), SBP_OK);
  assert_int_equal(v, 0x0A0F00u);
  assert_int_equal(sbp_macos_version_parse(S("14.4.1"), &v, NULL), SBP_OK);
  assert_int_equal(v, 0x0E0401u);
  assert_int_equal(sbp_macos_version_parse(S("15"), &v, NULL), SBP_OK);
  assert_int_equal(v, 0x0F0000u);
  assert_int_equal(sbp_macos_version_parse(S("10.6.8"), &v, NULL), SBP_OK);
  assert_int_equal(v, SBP_MACOS_VERSION(10, 6, 8));
  /* Only the given length is read. */
  assert_int_equal(sbp_macos_version_parse("14.4.1x", 4, &v, NULL), SBP_OK);
  assert_int_equal(v, SBP_MACOS_VERSION(14, 4, 0));

  expect_parse_error("", 1, "empty macOS version");
  expect_parse_error("10.", 4, "macOS version: empty part at column 4");
  expect_parse_error(".5", 1, "macOS version: empty part at column 1");
  expect_parse_error("10..1", 4, "macOS version: empty part at column 4");
  expect_parse_error("10.x", 4, "macOS version: unexpected 'x' at column 4");
  expect_parse_error(" 10", 1, "macOS version: unexpected ' ' at column 1");
  expect_parse_error("-1", 1, "macOS version: unexpected '-' at column 1");
  expect_parse_error("1.2.3.4", 6, "macOS version: more than three parts");
  expect_parse_error("256", 3, "macOS version: part 1 is out of range (0-255)");
  expect_parse_error("10.0300", 7, "macOS version: part 2 is out of range (0-255)");
  expect_parse_error("0.1", 1, "macOS version: the major version cannot be 0");

  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_macos_version_parse(NULL, 2, &v, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS version: text is NULL");
  assert_int_equal(sbp_macos_version_parse(S("10.15"), NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS version: out is NULL");
  assert_int_equal(sbp_macos_version_parse(NULL, 0, &v, &err), SBP_E_SYNTAX);
}

static void expect_format(uint32_t v, const char *want) {
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_macos_version_format(v, NULL, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, want);
  assert_int_equal(out.len, strlen(want));
  sbp_buf_dispose(&out);
}

static void test_version_format(void **state) {
  (void)state;
  expect_format(V1015, "10.15");
  expect_format(V144, "14.4.1");
  expect_format(V15, "15");
  expect_format(SBP_MACOS_VERSION(11, 0, 1), "11.0.1");
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_macos_version_format(0, NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS version: 0 stands for the newest known; it has no text");
  assert_int_equal(sbp_macos_version_format(0x1000000u, NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_macos_version_format(V1015, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_null(out.ptr);
  /* Round trip through parse for every catalog version. */
  for (size_t i = 0; i < sbp_catalog_version_count(); i++) {
    uint32_t v = sbp_catalog_version_at(i), back = 0;
    assert_int_equal(sbp_macos_version_format(v, NULL, &out, NULL), SBP_OK);
    assert_int_equal(sbp_macos_version_parse(out.ptr, out.len, &back, NULL), SBP_OK);
    assert_int_equal(back, v);
  }
  sbp_buf_dispose(&out);
}

/* What a user writes for --macos maps to the newest catalog at or before it. */
static void test_version_resolve(void **state) {
  (void)state;
  static const struct { const char *text; uint32_t want; } cases[] = {
      {"11", SBP_MACOS_VERSION(10, 15, 0)},     {"12.0", SBP_MACOS_VERSION(10, 15, 0)},
      {"13.0", SBP_MACOS_VERSION(10, 15, 0)},   {"14.0", SBP_MACOS_VERSION(10, 15, 0)},
      {"14.5", SBP_MACOS_VERSION(14, 4, 1)},    {"15", SBP_MACOS_VERSION(14, 4, 1)},
      {"26.0", SBP_MACOS_VERSION(14, 4, 1)},    {"10.15.7", SBP_MACOS_VERSION(10, 15, 0)},
      {"14.4.1", SBP_MACOS_VERSION(14, 4, 1)},  {"10.12", SBP_MACOS_VERSION(10, 12, 0)},
  };
  sbp_error err = SBP_ERROR_INIT;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint32_t req = 0, used = 0;
    assert_int_equal(sbp_macos_version_resolve(cases[i].text, strlen(cases[i].text), &req, &used,
                                               &err), SBP_OK);
    assert_int_equal(used, cases[i].want);
    uint32_t parsed = 0;
    assert_int_equal(sbp_macos_version_parse(cases[i].text, strlen(cases[i].text), &parsed, NULL),
                     SBP_OK);
    assert_int_equal(req, parsed);
    assert_true(sbp_catalog_version_flags(used) & SBP_CATALOG_TARGET);
  }
  uint32_t used = 7;
  assert_int_equal(sbp_macos_version_resolve("10.11", 5, NULL, &used, &err), SBP_E_NOT_FOUND);
  assert_string_equal(err.message,
                      "macOS 10.11 is older than every version the catalog knows (10.12 is the oldest)");
  assert_int_equal(used, 7);
  assert_int_equal(sbp_macos_version_resolve("ten", 3, NULL, &used, &err), SBP_E_SYNTAX);
  assert_int_equal(sbp_macos_version_resolve("", 0, NULL, &used, &err), SBP_E_SYNTAX);
  assert_int_equal(sbp_macos_version_resolve("14", 2, NULL, NULL, &err), SBP_E_INVALID_ARG);
}

/* Misspelt names get the nearest known one, and only a near one. */
static void test_suggest(void **state) {
  (void)state;
  const uint32_t op = SBP_CATALOG_NAME_OPERATION, at = SBP_CATALOG_NAME_ATTRIBUTE;
  assert_string_equal(sbp_catalog_suggest(0, (int)op, "mach-lookp", 10), "mach-lookup");
  assert_string_equal(sbp_catalog_suggest(0, (int)op, "file-raed*", 10), "file-read*");
  assert_string_equal(sbp_catalog_suggest(0, (int)op, "file-write-dat", 14), "file-write-data");
  assert_null(sbp_catalog_suggest(0, (int)op, "mach-lookup", 11)); /* known: nothing to say */
  assert_null(sbp_catalog_suggest(0, (int)op, "frobnicate", 10));
  assert_null(sbp_catalog_suggest(0, (int)op, "fil", 3)); /* too short to guess */
  assert_null(sbp_catalog_suggest(0, 9, "mach-lookp", 10));
  assert_null(sbp_catalog_suggest(0, (int)op, NULL, 3));
  char longname[80];
  memset(longname, 'a', sizeof longname);
  assert_null(sbp_catalog_suggest(0, (int)op, longname, sizeof longname));
  assert_string_equal(sbp_catalog_suggest(0, (int)at, "signing-identifer", 17), "signing-identifier");
  assert_string_equal(sbp_catalog_suggest(0, (int)at, "global-nam", 10), "global-name");
  assert_null(sbp_catalog_suggest(0, (int)at, "bogus", 5));
  assert_true(sbp_catalog_is_attribute(0, "global-name", 11));
  assert_true(sbp_catalog_is_attribute(0, "path", 4));
  assert_false(sbp_catalog_is_attribute(0, "subpath", 7)); /* a spelling, not a base */
  assert_false(sbp_catalog_is_attribute(0, "bogus", 5));
  assert_false(sbp_catalog_is_attribute(0, NULL, 0));
}

static void test_catalog_versions(void **state) {
  (void)state;
  assert_int_equal(sbp_catalog_newest(), V144);
  assert_int_equal(sbp_catalog_version_count(), 7);
  assert_int_equal(sbp_catalog_version_at(0), SBP_MACOS_VERSION(10, 6, 0));
  assert_int_equal(sbp_catalog_version_at(6), V15);
  assert_int_equal(sbp_catalog_version_at(7), 0);
  assert_int_equal(sbp_catalog_version_flags(V1015),
                   SBP_CATALOG_HAS_OPERATIONS | SBP_CATALOG_HAS_FILTERS | SBP_CATALOG_TARGET);
  assert_int_equal(sbp_catalog_version_flags(0), sbp_catalog_version_flags(V144));
  assert_int_equal(sbp_catalog_version_flags(V15), SBP_CATALOG_HAS_FILTERS);
  assert_int_equal(sbp_catalog_version_flags(SBP_MACOS_VERSION(10, 6, 0)), 0);
  assert_int_equal(sbp_catalog_version_flags(SBP_MACOS_VERSION(10, 11, 0)), 0);
  assert_int_equal(sbp_catalog_version_nearest(V15), V144);
  assert_int_equal(sbp_catalog_version_nearest(SBP_MACOS_VERSION(10, 15, 7)), V1015);
  assert_int_equal(sbp_catalog_version_nearest(SBP_MACOS_VERSION(13, 0, 0)), V1015);
  assert_int_equal(sbp_catalog_version_nearest(SBP_MACOS_VERSION(10, 11, 0)), 0);
  assert_int_equal(sbp_catalog_version_nearest(0), V144);

  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_catalog_versions_format(0x3eu, NULL, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, "10.12 10.13 10.14 10.15 14.4.1");
  assert_int_equal(sbp_catalog_versions_format(0x41u | 0x80u, NULL, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, "10.6 15");
  assert_int_equal(sbp_catalog_versions_format(0, NULL, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, "");
  assert_int_equal(out.len, 0);
  sbp_buf_dispose(&out);
  assert_int_equal(sbp_catalog_versions_format(1, NULL, NULL, NULL), SBP_E_INVALID_ARG);
}

static int op_format(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_macos_version_format(V144, alloc, &out, NULL);
  if (rc == SBP_OK) rc = sbp_catalog_versions_format(0x7fu, NULL, &out, NULL);
  if (rc == SBP_OK && strcmp(out.ptr, "10.6 10.12 10.13 10.14 10.15 14.4.1 15") != 0)
    rc = SBP_E_ASSERT;
  sbp_buf_dispose(&out);
  return rc;
}

static void test_format_allocation_failures(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_format, NULL) >= 1);
  test_alloc ta;
  test_alloc_init(&ta);
  test_alloc_fail_at(&ta, 0, 1);
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_macos_version_format(V1015, &ta.alloc, &out, &err), SBP_E_NOMEM);
  assert_int_equal(err.code, SBP_E_NOMEM);
  assert_null(out.ptr);
  assert_int_equal(ta.live, 0);
}

/* ---- operations -------------------------------------------------------------------------- */

static void test_op_chains(void **state) {
  (void)state;
  static const char *const file_read[] = {"file-read-data", "file-read*", "file*", "default",
                                          NULL};
  static const char *const bind[] = {"network-bind", "network-inbound", "network*", "default",
                                     NULL};
  static const char *const mpref[] = {"managed-preference-read", "user-preference-read",
                                      "user-preference*", "default", NULL};
  static const char *const mount_upd[] = {"file-mount-update", "file-mount", "file*", "default",
                                          NULL};
  for (size_t i = 0; i < NTARGETS; i++) {
    assert_chain(TARGETS[i], "file-read-data", file_read);
    assert_chain(TARGETS[i], "network-bind", bind);
  }
  assert_chain(V1015, "managed-preference-read", mpref);
  assert_chain(V144, "managed-preference-read", mpref);
  assert_chain(V144, "file-mount-update", mount_upd);
  assert_chain(0, "file-read-data", file_read);

  const sbp_catalog_op *op = op_in(V1015, "file-read-data");
  assert_int_equal(sbp_catalog_op_version(op), V1015);
  assert_int_equal(sbp_catalog_op_flags(op), 0);
  assert_int_equal(sbp_catalog_op_is_terminal(op), 0);
  assert_int_equal(sbp_catalog_op_builtin(op), SBP_ACTION_NONE);
  assert_true(sbp_catalog_op_id(op) > 0);
  assert_int_equal(sbp_catalog_op_id(op_in(V1015, "default")), 0);
  assert_int_equal(sbp_catalog_op_id(NULL), -1);
  assert_null(sbp_catalog_op_name(NULL));
  assert_null(sbp_catalog_op_parent(NULL));
  assert_int_equal(sbp_catalog_op_flags(NULL), 0);
  assert_int_equal(sbp_catalog_op_version(NULL), 0);
}

static void test_terminal_ops(void **state) {
  (void)state;
  for (size_t i = 0; i < NTARGETS; i++) {
    const sbp_catalog_op *op = op_in(TARGETS[i], "process-info*");
    assert_int_equal(sbp_catalog_op_is_terminal(op), 1);
    assert_int_equal(sbp_catalog_op_builtin(op), SBP_ALLOW);
    assert_null(sbp_catalog_op_parent(op));
    op = op_in(TARGETS[i], "default");
    assert_int_equal(sbp_catalog_op_is_terminal(op), 1);
    assert_int_equal(sbp_catalog_op_builtin(op), SBP_ACTION_NONE);
    op = op_in(TARGETS[i], "file-write-setugid");
    if (TARGETS[i] == V1012) continue; /* checked below */
    assert_int_equal(sbp_catalog_op_is_terminal(op), 1);
    assert_int_equal(sbp_catalog_op_builtin(op), SBP_DENY);
  }
  /* In 10.12 file-write-setugid was still an ordinary child of file-write*. */
  static const char *const setugid[] = {"file-write-setugid", "file-write*", "file*", "default",
                                        NULL};
  assert_chain(V1012, "file-write-setugid", setugid);
  /* A child of a TERMINAL op falls back to it, and its chain ends there. */
  static const char *const listpids[] = {"process-info-listpids", "process-info*", NULL};
  assert_chain(V1015, "process-info-listpids", listpids);
  assert_chain(V144, "process-info-listpids", listpids);
  /* 14.4.1 keeps the 10.15 TERMINAL flags and built-ins. */
  const sbp_catalog_op *op = op_in(V144, "syscall-unix");
  assert_int_equal(sbp_catalog_op_builtin(op), SBP_ALLOW);
  assert_int_equal(sbp_catalog_op_flags(op), SBP_CATALOG_OP_BORROWED);
  assert_int_equal(sbp_catalog_op_builtin(op_in(V144, "storage-class-map")), SBP_DENY);
  assert_int_equal(sbp_catalog_op_builtin(op_in(V144, "job-creation")), SBP_DENY);
  assert_int_equal(sbp_catalog_op_builtin(op_in(V1015, "file-link")), SBP_ALLOW);
  assert_int_equal(sbp_catalog_op_is_terminal(op_in(V144, "file-link")), 1);
}

static void test_inferred_parents(void **state) {
  (void)state;
  static const char *const lock[] = {"file-lock", "file*", "default", NULL};
  assert_chain(V144, "file-lock", lock);
  const sbp_catalog_op *op = op_in(V144, "file-lock");
  assert_int_equal(sbp_catalog_op_flags(op),
                   SBP_CATALOG_OP_PARENT_INFERRED | SBP_CATALOG_OP_ACCEPTS_UNKNOWN);
  static const char *const ledger[] = {"process-info-ledger", "process-info*", NULL};
  assert_chain(V144, "process-info-ledger", ledger);
  static const char *const uc[] = {"iokit-open-user-client", "iokit-open*", "iokit*", "default",
                                   NULL};
  assert_chain(V144, "iokit-open-user-client", uc);
}

static void expect_op_error(uint32_t v, const char *name, int code, const char *message) {
  const sbp_catalog_op *op = (const sbp_catalog_op *)1;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_catalog_op_lookup(v, name, strlen(name), &op, &err), code);
  assert_null(op);
  assert_string_equal(err.message, message);
}

static void test_unknown_ops(void **state) {
  (void)state;
  expect_op_error(V144, "bogus-op", SBP_E_NOT_FOUND, "unknown operation 'bogus-op' (macOS 14.4.1)");
  expect_op_error(0, "", SBP_E_NOT_FOUND, "unknown operation '' (macOS 14.4.1)");
  expect_op_error(V1015, "file-lock", SBP_E_NOT_FOUND,
                  "operation 'file-lock' is not in the macOS 10.15 table (known in: 14.4.1)");
  expect_op_error(V144, "load-unsigned-code", SBP_E_NOT_FOUND,
                  "operation 'load-unsigned-code' is not in the macOS 14.4.1 table (known in: "
                  "10.12 10.13 10.14 10.15)");
  expect_op_error(V1015, "system-chud", SBP_E_NOT_FOUND,
                  "operation 'system-chud' is bound to 'no-op on macOS 10.15: a rule naming it "
                  "is dropped");
  expect_op_error(V15, "default", SBP_E_INVALID_ARG,
                  "the catalog has no operation table for macOS 15");
  expect_op_error(SBP_MACOS_VERSION(10, 6, 0), "default", SBP_E_INVALID_ARG,
                  "the catalog has no operation table for macOS 10.6");
  expect_op_error(SBP_MACOS_VERSION(9, 1, 2), "default", SBP_E_INVALID_ARG,
                  "the catalog has no operation table for macOS 9.1.2");
  /* Names are exact: case and trailing bytes matter. */
  expect_op_error(V1015, "File-read*", SBP_E_NOT_FOUND, "unknown operation 'File-read*' (macOS 10.15)");
  const sbp_catalog_op *op;
  assert_int_equal(sbp_catalog_op_lookup(V1015, "file-read*x", 10, &op, NULL), SBP_OK);
  assert_string_equal(sbp_catalog_op_name(op), "file-read*");
  assert_int_equal(sbp_catalog_op_lookup(V1015, NULL, 3, &op, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_op_lookup(V1015, S("default"), NULL, NULL), SBP_E_INVALID_ARG);
  /* system-chud is still a real operation in 10.14. */
  assert_string_equal(sbp_catalog_op_name(op_in(V1014, "system-chud")), "system-chud");
}

static void test_op_aliases(void **state) {
  (void)state;
  for (size_t i = 0; i < NTARGETS; i++) {
    assert_string_equal(sbp_catalog_op_name(op_in(TARGETS[i], "process-exec")), "process-exec*");
    assert_string_equal(sbp_catalog_op_name(op_in(TARGETS[i], "sysctl-write")), "sysctl*");
    assert_string_equal(sbp_catalog_op_name(op_in(TARGETS[i], "file-write-mount")), "file-mount");
    assert_string_equal(sbp_catalog_op_name(op_in(TARGETS[i], "ipc-posix-shm")), "ipc-posix-shm*");
  }
  const char *target = NULL;
  uint32_t flags = 99;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_catalog_op_alias(V144, S("iokit-open"), &target, &flags, &err), SBP_OK);
  assert_string_equal(target, "iokit-open-user-client");
  assert_int_equal(flags, SBP_CATALOG_ALIAS_WEAK);
  assert_string_equal(sbp_catalog_op_name(op_in(V144, "iokit-open")), "iokit-open-user-client");
  /* In 10.15 iokit-open is an operation of its own. */
  assert_int_equal(sbp_catalog_op_alias(V1015, S("iokit-open"), &target, &flags, &err),
                   SBP_E_NOT_FOUND);
  assert_null(target);
  assert_int_equal(flags, 0);
  assert_string_equal(err.message, "'iokit-open' is no operation alias on macOS 10.15");
  assert_string_equal(sbp_catalog_op_name(op_in(V1015, "iokit-open")), "iokit-open");
  assert_int_equal(sbp_catalog_op_alias(V1015, S("qtn-download"), &target, &flags, NULL), SBP_OK);
  assert_null(target);
  assert_int_equal(flags, SBP_CATALOG_ALIAS_NOOP);
  assert_int_equal(sbp_catalog_op_alias(V1015, S("sysctl-write"), NULL, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_catalog_op_alias(V15, S("sysctl-write"), NULL, NULL, NULL),
                   SBP_E_INVALID_ARG);

}

static void test_op_versions(void **state) {
  (void)state;
  uint32_t m = 0;
  assert_int_equal(sbp_catalog_op_versions(S("file-read-data"), 0, &m, NULL), SBP_OK);
  assert_int_equal(m, 0x3fu); /* 10.6 through 14.4.1 */
  assert_int_equal(sbp_catalog_op_versions(S("process-exec"), 0, &m, NULL), SBP_OK);
  assert_int_equal(m, 0x01u);
  assert_int_equal(sbp_catalog_op_versions(S("process-exec"), SBP_CATALOG_WITH_ALIASES, &m, NULL),
                   SBP_OK);
  assert_int_equal(m, 0x3fu);
  assert_int_equal(sbp_catalog_op_versions(S("file-lock"), 0, &m, NULL), SBP_OK);
  assert_int_equal(m, 0x20u);
  assert_int_equal(sbp_catalog_op_versions(S("iokit-open"), SBP_CATALOG_WITH_ALIASES, &m, NULL),
                   SBP_OK);
  assert_int_equal(m, 0x3fu);
  assert_int_equal(sbp_catalog_op_versions(S("nope"), SBP_CATALOG_WITH_ALIASES, &m, NULL), SBP_OK);
  assert_int_equal(m, 0);
  assert_int_equal(sbp_catalog_op_versions(S("nope"), 0, NULL, NULL), SBP_E_INVALID_ARG);
}

static void test_op_accepts(void **state) {
  (void)state;
  const sbp_catalog_op *ml = op_in(V1015, "mach-lookup");
  assert_int_equal(sbp_catalog_op_accepts(ml, S("mach")), 1);
  assert_int_equal(sbp_catalog_op_accepts(ml, S("path")), 0);
  assert_int_equal(sbp_catalog_op_accepts(ml, S("no-such-category")), 0);
  assert_int_equal(sbp_catalog_op_accepts(ml, S("process")), 1);
  assert_int_equal(sbp_catalog_op_accepts(NULL, S("mach")), -1);
  /* 14.4.1 borrows 10.15's categories: what they list is known, the rest is not. */
  const sbp_catalog_op *ml14 = op_in(V144, "mach-lookup");
  assert_int_equal(sbp_catalog_op_flags(ml14), SBP_CATALOG_OP_BORROWED);
  assert_int_equal(sbp_catalog_op_accepts(ml14, "mach", 1), -1); /* "m" only */
  assert_int_equal(sbp_catalog_op_accepts(ml14, S("mach")), 1);
  assert_int_equal(sbp_catalog_op_accepts(ml14, S("path")), -1);
  const sbp_catalog_op *lock = op_in(V144, "file-lock");
  assert_int_equal(sbp_catalog_op_accepts(lock, S("path")), -1);
  assert_int_equal(sbp_catalog_op_accepts(lock, S("process")), 1);
  /* The IOKit class filter's category reaches the operations' name for it. */
  const sbp_catalog_filter *f = NULL;
  assert_int_equal(sbp_catalog_filter_lookup(V1015, S("iokit-user-client-class"), &f, NULL), SBP_OK);
  assert_string_equal(sbp_catalog_filter_category(f), "iokit-user-client");
  assert_int_equal(sbp_catalog_op_accepts(op_in(V1015, "iokit-open"), S("iokit-user-client")), 1);
}

static void test_op_accepts_modifier(void **state) {
  (void)state;
  const sbp_catalog_op *def = op_in(V1015, "default");
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("no-report")), 1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("no-log")), 1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("partial-symbolication")), 1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("termination")), 1);
  /* no-sandbox is accepted by process-exec* only, not by default. */
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("no-sandbox")), 0);
  assert_int_equal(sbp_catalog_op_accepts_modifier(op_in(V1015, "process-exec"), S("no-sandbox")),
                   1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(def, S("errno")), 0); /* not in 10.15 */
  assert_int_equal(sbp_catalog_op_accepts_modifier(op_in(V1012, "default"), S("message")), 0);
  /* 14.4.1 rows borrow 10.15's list, so what it lacks is unknown. */
  const sbp_catalog_op *def14 = op_in(V144, "default");
  assert_int_equal(sbp_catalog_op_accepts_modifier(def14, S("report")), 1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(def14, S("errno")), -1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(op_in(V144, "file-lock"), S("report")), -1);
  assert_int_equal(sbp_catalog_op_accepts_modifier(NULL, S("report")), -1);
}

/* ---- filters and constants --------------------------------------------------------------- */

static const sbp_catalog_filter *filter_in(uint32_t v, const char *s) {
  const sbp_catalog_filter *f = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_catalog_filter_lookup(v, s, strlen(s), &f, &err) != SBP_OK)
    fail_msg("%s: %s", s, err.message);
  return f;
}

static void expect_filter(uint32_t v, const char *s, const char *base, sbp_catalog_match m,
                          sbp_catalog_arg arg, const char *category, uint32_t flags) {
  const sbp_catalog_filter *f = filter_in(v, s);
  assert_string_equal(sbp_catalog_filter_spelling(f), s);
  assert_string_equal(sbp_catalog_filter_base(f), base);
  assert_int_equal(sbp_catalog_filter_match(f), m);
  assert_int_equal(sbp_catalog_filter_arg(f), arg);
  if (category) assert_string_equal(sbp_catalog_filter_category(f), category);
  else assert_null(sbp_catalog_filter_category(f));
  assert_int_equal(sbp_catalog_filter_flags(f), flags);
}

static void test_filters(void **state) {
  (void)state;
  const uint32_t all[] = {V1012, V1015, V144, V15};
  for (size_t i = 0; i < 4; i++) {
    uint32_t v = all[i];
    expect_filter(v, "path", "path", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_PATH, "path", 0);
    expect_filter(v, "literal", "path", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_PATH, "path",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "subpath", "path", SBP_CATALOG_MATCH_SUBPATH, SBP_CATALOG_ARG_PATH, "path", 0);
    expect_filter(v, "prefix", "path", SBP_CATALOG_MATCH_PREFIX, SBP_CATALOG_ARG_PATH, "path",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "regex", "path", SBP_CATALOG_MATCH_REGEX, SBP_CATALOG_ARG_PATH, "path",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "path-literal", "path", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_PATH,
                  "path", SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "global-name", "global-name", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NAME,
                  "mach", 0);
    expect_filter(v, "global-name-prefix", "global-name", SBP_CATALOG_MATCH_PREFIX,
                  SBP_CATALOG_ARG_NAME, "mach", 0);
    expect_filter(v, "global-name-regex", "global-name", SBP_CATALOG_MATCH_REGEX,
                  SBP_CATALOG_ARG_NAME, "mach", 0);
    expect_filter(v, "remote", "remote", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NETWORK,
                  "network", 0);
    expect_filter(v, "to", "remote", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NETWORK, "network",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "from", "local", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NETWORK, "network",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "file-mode", "file-mode", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_BITFIELD,
                  "file-mode", 0);
    expect_filter(v, "socket-domain", "socket-domain", SBP_CATALOG_MATCH_EXACT,
                  SBP_CATALOG_ARG_INTEGER, "socket", 0);
    expect_filter(v, "target", "target", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_INTEGER,
                  "target", 0);
    expect_filter(v, "process-subpath", "process-path", SBP_CATALOG_MATCH_SUBPATH,
                  SBP_CATALOG_ARG_PATH, "process", 0);
    expect_filter(v, "iokit-user-client-class", "iokit-registry-entry-class",
                  SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NAME, "iokit-user-client",
                  SBP_CATALOG_FILTER_ALIAS);
    expect_filter(v, "extension", "extension", SBP_CATALOG_MATCH_EXACT, SBP_CATALOG_ARG_NAME,
                  "extension", 0);
  }
  expect_filter(V1015, "mount-relative-literal", "mount-relative-path", SBP_CATALOG_MATCH_EXACT,
                SBP_CATALOG_ARG_PATH, "path", SBP_CATALOG_FILTER_ALIAS);
  expect_filter(V1015, "mount-relative-subpath", "mount-relative-path", SBP_CATALOG_MATCH_SUBPATH,
                SBP_CATALOG_ARG_PATH, "path", 0);
  expect_filter(V1015, "granted-extensions", "extension", SBP_CATALOG_MATCH_EXACT,
                SBP_CATALOG_ARG_NAME, "extension", SBP_CATALOG_FILTER_ALIAS);
  expect_filter(V1015, "signal-number", "signal-number", SBP_CATALOG_MATCH_EXACT,
                SBP_CATALOG_ARG_INTEGER, "signal", 0);
  expect_filter(V1015, "%entitlement-string-prefix", "%entitlement-string",
                SBP_CATALOG_MATCH_PREFIX, SBP_CATALOG_ARG_NAME, "process",
                SBP_CATALOG_FILTER_INTERNAL);
  /* Filters new in 14.x: kinds and spellings inferred from the 15.x table. */
  expect_filter(V144, "kernel-mig-routine", "kernel-mig-routine", SBP_CATALOG_MATCH_EXACT,
                SBP_CATALOG_ARG_INTEGER, "migroutine", SBP_CATALOG_FILTER_INFERRED);
  expect_filter(V144, "mount-root-subpath", "mount-root-path", SBP_CATALOG_MATCH_SUBPATH,
                SBP_CATALOG_ARG_PATH, "path", SBP_CATALOG_FILTER_INFERRED);
  expect_filter(V144, "snapshot-name-regex", "snapshot-name", SBP_CATALOG_MATCH_REGEX,
                SBP_CATALOG_ARG_NAME, "snapshot", SBP_CATALOG_FILTER_INFERRED);

  const sbp_catalog_filter *f = (const sbp_catalog_filter *)1;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_catalog_filter_lookup(V1015, S("remote-host"), &f, &err), SBP_E_NOT_FOUND);
  assert_null(f);
  assert_string_equal(err.message, "unknown filter 'remote-host' (macOS 10.15)");
  assert_int_equal(sbp_catalog_filter_lookup(V1012, S("kernel-mig-routine"), &f, &err),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_filter_lookup(SBP_MACOS_VERSION(10, 6, 0), S("path"), &f, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "the catalog has no filters for macOS 10.6");
  assert_int_equal(sbp_catalog_filter_lookup(V1015, S("path"), NULL, &err), SBP_E_INVALID_ARG);
  assert_null(sbp_catalog_filter_base(NULL));
  assert_int_equal(sbp_catalog_filter_flags(NULL), 0);
  assert_int_equal(sbp_catalog_filter_arg(NULL), SBP_CATALOG_ARG_OTHER);

}

static void expect_const(uint32_t v, const char *filter, const char *name, int64_t want) {
  int64_t got = -12345;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_catalog_constant(v, filter, strlen(filter), name, strlen(name), &got, &err);
  if (rc != SBP_OK) fail_msg("%s %s: %s", filter, name, err.message);
  assert_int_equal(got, want);
}

static void test_constants(void **state) {
  (void)state;
  const uint32_t all[] = {V1012, V1014, V1015, V144, V15};
  for (size_t i = 0; i < 5; i++) {
    uint32_t v = all[i];
    expect_const(v, "socket-type", "SOCK_STREAM", 1);
    expect_const(v, "target", "same-sandbox", 5);
    expect_const(v, "target", "self", 1);
    expect_const(v, "vnode-type", "CHARACTER-DEVICE", 4);
    expect_const(v, "remote", "tcp", 7);
    expect_const(v, "to", "udp4", 9);
    expect_const(v, "local", "ip", 3);
    expect_const(v, "send-signal", "SIGKILL", 9);
  }
  for (size_t i = 0; i < 4; i++) {
    expect_const(all[i], "socket-domain", "AF_UNIX", 1);
    expect_const(all[i], "socket-domain", "AF_INET", 2);
  }
  expect_const(V15, "socket-domain", "AF_LOCAL", 1);
  expect_const(V1015, "socket-domain", "AF_INET6", 30);
  expect_const(V1015, "vnode-type", "TTY", 65535);
  expect_const(V1015, "signal-number", "SIGTERM", 15);
  expect_const(V1015, "semaphore-owner", "platform-binary", 7);
  expect_const(V1015, "process-attribute", "is-sandboxed", 5);
  expect_const(V1015, "system-attribute", "sandbox-debug-mode", 1);
  expect_const(V1015, "syscall-number", "SYS_open", 5);
  expect_const(V144, "errno", "EPERM", 1);
  expect_const(V144, "errno", "ENOENT", 2);
  expect_const(V144, "fcntl-command", "F_GETFD", 1);
  expect_const(0, "socket-domain", "AF_UNIX", 1);

  int64_t got = 42;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_catalog_constant(V1015, S("errno"), S("EPERM"), &got, &err),
                   SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "'errno' has no constant 'EPERM' (macOS 10.15)");
  assert_int_equal(got, 42);
  assert_int_equal(sbp_catalog_constant(V1015, S("socket-domain"), S("af_unix"), &got, &err),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_constant(V1015, S("target"), S("parent"), &got, &err),
                   SBP_E_NOT_FOUND);
  assert_string_equal(err.message, "'target' has no constant 'parent' (macOS 10.15)");
  assert_int_equal(sbp_catalog_constant(V1015, S("target"), S("self"), NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_catalog_constant(SBP_MACOS_VERSION(10, 6, 0), S("target"), S("self"), &got,
                                        &err),
                   SBP_E_INVALID_ARG);

}

static void test_constant_listing(void **state) {
  (void)state;
  size_t n = sbp_catalog_constant_count(V1015, S("target"));
  assert_int_equal(n, 6);
  const char *name = NULL;
  int64_t value = 0;
  /* Byte order: children, initproc, others, pgrp, same-sandbox, self. */
  assert_int_equal(sbp_catalog_constant_at(V1015, S("target"), 0, &name, &value), SBP_OK);
  assert_string_equal(name, "children");
  assert_int_equal(value, 4);
  assert_int_equal(sbp_catalog_constant_at(V1015, S("target"), 5, &name, &value), SBP_OK);
  assert_string_equal(name, "self");
  assert_int_equal(value, 1);
  assert_int_equal(sbp_catalog_constant_at(V1015, S("target"), 6, &name, &value), SBP_E_NOT_FOUND);
  assert_null(name);
  /* A spelling lists its base's constants; a modifier its argument names. */
  assert_int_equal(sbp_catalog_constant_count(V1015, S("to")), 9);
  assert_int_equal(sbp_catalog_constant_count(V1015, S("send-signal")), 31);
  assert_int_equal(sbp_catalog_constant_count(V144, S("errno")), 6);
  assert_int_equal(sbp_catalog_constant_count(V1015, S("global-name")), 0);
  assert_int_equal(sbp_catalog_constant_count(V1015, S("nope")), 0);
  assert_int_equal(sbp_catalog_constant_count(SBP_MACOS_VERSION(10, 6, 0), S("target")), 0);
  /* Every listed constant is found again by name. */
  n = sbp_catalog_constant_count(V144, S("socket-domain"));
  assert_true(n >= 40);
  for (size_t i = 0; i < n; i++) {
    int64_t again = -1;
    assert_int_equal(sbp_catalog_constant_at(V144, S("socket-domain"), i, &name, &value), SBP_OK);
    assert_int_equal(sbp_catalog_constant(V144, S("socket-domain"), name, strlen(name), &again,
                                          NULL),
                     SBP_OK);
    assert_int_equal(again, value);
  }
}

static void test_symbol_kinds(void **state) {
  (void)state;
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("file-read*")), SBP_CATALOG_SYMBOL_OPERATION);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("process-exec")),
                   SBP_CATALOG_SYMBOL_OP_ALIAS);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("sysctl-write")),
                   SBP_CATALOG_SYMBOL_OPERATION | SBP_CATALOG_SYMBOL_OP_ALIAS);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("subpath")), SBP_CATALOG_SYMBOL_FILTER);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("AF_UNIX")), SBP_CATALOG_SYMBOL_CONSTANT);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("SIGKILL")), SBP_CATALOG_SYMBOL_CONSTANT);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("no-log")), SBP_CATALOG_SYMBOL_MODIFIER);
  assert_int_equal(sbp_catalog_symbol_kinds(0, S("mach-bootstrap")), SBP_CATALOG_SYMBOL_OPERATION);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("mach-bootstrap")), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("remote-host")), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, S("TIOCSTI")), 0);
  /* 15 has filters but no operation table. */
  assert_int_equal(sbp_catalog_symbol_kinds(V15, S("file-read*")), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(V15, S("literal")), SBP_CATALOG_SYMBOL_FILTER);
  assert_int_equal(sbp_catalog_symbol_kinds(SBP_MACOS_VERSION(9, 0, 0), S("literal")), 0);
  assert_int_equal(sbp_catalog_symbol_kinds(V1015, NULL, 2), 0);
}

/* ---- modifiers --------------------------------------------------------------------------- */

static const sbp_catalog_modifier *mod_in(uint32_t v, const char *name) {
  const sbp_catalog_modifier *m = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_catalog_modifier_lookup(v, name, strlen(name), &m, &err) != SBP_OK)
    fail_msg("%s: %s", name, err.message);
  return m;
}

static void test_modifiers(void **state) {
  (void)state;
  const uint32_t all[] = {V1012, V1014, V1015, V144, V15};
  for (size_t i = 0; i < 5; i++) {
    const sbp_catalog_modifier *m = mod_in(all[i], "no-log");
    assert_string_equal(sbp_catalog_modifier_name(m), "no-log");
    assert_string_equal(sbp_catalog_modifier_canonical(m), "no-report");
    assert_int_equal(sbp_catalog_modifier_applies(m), SBP_CATALOG_APPLIES_DENY);
    assert_true(sbp_catalog_modifier_flags(m) & SBP_CATALOG_MODIFIER_ALIAS);
    m = mod_in(all[i], "report");
    assert_int_equal(sbp_catalog_modifier_applies(m), SBP_CATALOG_APPLIES_ALLOW);
    assert_int_equal(sbp_catalog_modifier_arg(m), SBP_CATALOG_ARG_NONE);
    m = mod_in(all[i], "send-signal");
    assert_int_equal(sbp_catalog_modifier_applies(m),
                     SBP_CATALOG_APPLIES_ALLOW | SBP_CATALOG_APPLIES_DENY);
    assert_int_equal(sbp_catalog_modifier_arg(m), SBP_CATALOG_ARG_INTEGER);
    m = mod_in(all[i], "partial-symbolication");
    assert_true(sbp_catalog_modifier_flags(m) & SBP_CATALOG_MODIFIER_NOOP);
  }
  const sbp_catalog_modifier *m = mod_in(V1015, "termination");
  assert_string_equal(sbp_catalog_modifier_canonical(m), "send-signal");
  assert_string_equal(sbp_catalog_modifier_implied_arg(m), "SIGKILL");
  assert_int_equal(sbp_catalog_modifier_flags(m), SBP_CATALOG_MODIFIER_ALIAS);
  m = mod_in(V144, "termination");
  assert_int_equal(sbp_catalog_modifier_flags(m),
                   SBP_CATALOG_MODIFIER_ALIAS | SBP_CATALOG_MODIFIER_WEAK);
  m = mod_in(V1015, "message");
  assert_int_equal(sbp_catalog_modifier_arg(m), SBP_CATALOG_ARG_STRING);
  assert_int_equal(sbp_catalog_modifier_applies(m), 3);
  m = mod_in(V1014, "rootless");
  assert_string_equal(sbp_catalog_modifier_canonical(m), "rootless");
  assert_int_equal(sbp_catalog_modifier_applies(m), SBP_CATALOG_APPLIES_DENY);
  assert_string_equal(sbp_catalog_modifier_source(m), "simbple modifiers.c (10.12-10.14 table)");
  m = mod_in(V144, "rootless");
  assert_string_equal(sbp_catalog_modifier_canonical(m), "sip-override");
  assert_string_equal(sbp_catalog_modifier_canonical(mod_in(V144, "sip-override")), "sip-override");
  m = mod_in(V144, "errno");
  assert_int_equal(sbp_catalog_modifier_applies(m), SBP_CATALOG_APPLIES_DENY);
  m = mod_in(V1014, "file-approval-override");
  assert_true(sbp_catalog_modifier_flags(m) & SBP_CATALOG_MODIFIER_APPLIES_UNKNOWN);

  sbp_error err = SBP_ERROR_INIT;
  const sbp_catalog_modifier *none = (const sbp_catalog_modifier *)1;
  assert_int_equal(sbp_catalog_modifier_lookup(V1014, S("termination"), &none, &err),
                   SBP_E_NOT_FOUND);
  assert_null(none);
  assert_string_equal(err.message, "unknown modifier 'termination' (macOS 10.14)");
  assert_int_equal(sbp_catalog_modifier_lookup(V1012, S("message"), &none, &err), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_modifier_lookup(V1015, S("errno"), &none, &err), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_modifier_lookup(SBP_MACOS_VERSION(10, 6, 0), S("report"), &none,
                                               &err),
                   SBP_E_INVALID_ARG);
  assert_null(sbp_catalog_modifier_name(NULL));
  assert_int_equal(sbp_catalog_modifier_applies(NULL), 0);
}

/* ---- iteration ------------------------------------------------------------------------- */

static void test_iteration(void **state) {
  (void)state;
  /* Every row an iteration yields is found again by name, in the same version. */
  const uint32_t all[] = {V1012, V1014, V1015, V144, V15};
  size_t total_ops = 0;
  for (size_t i = 0; i < 5; i++) {
    uint32_t v = all[i];
    size_t n = sbp_catalog_op_count(v);
    for (size_t k = 0; k < n; k++) {
      const sbp_catalog_op *op = sbp_catalog_op_at(v, k), *again = NULL;
      const char *name = sbp_catalog_op_name(op);
      assert_int_equal(sbp_catalog_op_version(op), v);
      assert_int_equal(sbp_catalog_op_lookup(v, name, strlen(name), &again, NULL),
                       /* a name the prelude rebinds (sysctl-write) resolves to its target */
                       SBP_OK);
      if (strcmp(name, "sysctl-write") != 0) assert_ptr_equal(again, op);
      if (k > 0) assert_true(strcmp(sbp_catalog_op_name(sbp_catalog_op_at(v, k - 1)), name) < 0);
    }
    assert_null(sbp_catalog_op_at(v, n));
    total_ops += n;
    n = sbp_catalog_filter_count(v);
    assert_true(n > 100);
    for (size_t k = 0; k < n; k++) {
      const sbp_catalog_filter *f = sbp_catalog_filter_at(v, k), *again = NULL;
      const char *s = sbp_catalog_filter_spelling(f);
      assert_int_equal(sbp_catalog_filter_lookup(v, s, strlen(s), &again, NULL), SBP_OK);
      assert_ptr_equal(again, f);
    }
    assert_null(sbp_catalog_filter_at(v, n));
    n = sbp_catalog_modifier_count(v);
    assert_true(n >= 10);
    for (size_t k = 0; k < n; k++) {
      const sbp_catalog_modifier *m = sbp_catalog_modifier_at(v, k), *again = NULL;
      const char *name = sbp_catalog_modifier_name(m);
      assert_int_equal(sbp_catalog_modifier_lookup(v, name, strlen(name), &again, NULL), SBP_OK);
      assert_ptr_equal(again, m);
    }
    assert_null(sbp_catalog_modifier_at(v, n));
  }
  assert_int_equal(total_ops, 137 + 148 + 145 + 196);
  assert_int_equal(sbp_catalog_op_count(V15), 0);
  assert_null(sbp_catalog_op_at(V15, 0));
  assert_int_equal(sbp_catalog_filter_count(SBP_MACOS_VERSION(10, 6, 0)), 0);
  assert_int_equal(sbp_catalog_modifier_count(SBP_MACOS_VERSION(9, 0, 0)), 0);
  assert_null(sbp_catalog_modifier_at(SBP_MACOS_VERSION(9, 0, 0), 0));
  assert_int_equal(sbp_catalog_op_count(0), 196);
}

/* ---- weak facts -------------------------------------------------------------------------- */

static void test_weak_facts(void **state) {
  (void)state;
  size_t n = sbp_catalog_fact_count();
  assert_int_equal(n, 16);
  for (size_t i = 0; i < n; i++) {
    sbp_fact id = sbp_catalog_fact_at(i);
    assert_int_equal(id, (sbp_fact)(i + 1)); /* table order = id order, ids stable */
    assert_non_null(sbp_catalog_fact_name(id));
    assert_true(strlen(sbp_catalog_fact_statement(id)) > 20);
    assert_true(strlen(sbp_catalog_fact_source(id)) > 10);
    assert_true(strlen(sbp_catalog_fact_if_wrong(id)) > 10);
    sbp_confidence c = sbp_catalog_fact_confidence(id);
    assert_true(c >= SBP_CONFIDENCE_LOW && c <= SBP_CONFIDENCE_HIGH);
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(sbp_catalog_fact_name(sbp_catalog_fact_at(j)),
                              sbp_catalog_fact_name(id));
  }
  assert_int_equal(sbp_catalog_fact_at(n), SBP_FACT_NONE);
  /* The rows of semantics.md section 7, with their confidence. */
  assert_string_equal(sbp_catalog_fact_name(SBP_FACT_UNFILTERED_BELOW_FILTERED),
                      "unfiltered-below-filtered");
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_UNFILTERED_BELOW_FILTERED),
                   SBP_CONFIDENCE_MEDIUM);
  assert_string_equal(sbp_catalog_fact_if_wrong(SBP_FACT_UNFILTERED_BELOW_FILTERED),
                      "Decision step 3.2 becomes plain last-wins over all speaking rules.");
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_TERMINAL_BUILTIN), SBP_CONFIDENCE_LOW);
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_FALLBACK_CHAINS), SBP_CONFIDENCE_MEDIUM);
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_REGEX_COUNTED_REPETITION),
                   SBP_CONFIDENCE_LOW);
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_STRING_LITERAL_256), SBP_CONFIDENCE_LOW);
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_IOKIT_OPEN_ALIAS), SBP_CONFIDENCE_LOW);
  assert_non_null(strstr(sbp_catalog_fact_statement(SBP_FACT_FALLBACK_CHAINS), "network-bind"));
  assert_null(sbp_catalog_fact_name(SBP_FACT_NONE));
  assert_null(sbp_catalog_fact_statement((sbp_fact)999));
  assert_int_equal(sbp_catalog_fact_confidence((sbp_fact)999), 0);
}

/* ---- service notes ----------------------------------------------------------------------- */

static void test_service_notes(void **state) {
  (void)state;
  const sbp_service_note *note = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_catalog_service_lookup(S("com.apple.SystemConfiguration.configd"), &note,
                                              &err),
                   SBP_OK);
  assert_string_equal(sbp_catalog_service_name(note), "com.apple.SystemConfiguration.configd");
  assert_string_equal(sbp_catalog_service_operation(note), "mach-lookup");
  assert_non_null(strstr(sbp_catalog_service_gives(note), "proxy"));
  assert_non_null(strstr(sbp_catalog_service_gives(note), "DNS"));
  assert_non_null(strstr(sbp_catalog_service_breaks(note), "uv"));
  assert_non_null(strstr(sbp_catalog_service_breaks(note), "reqwest"));
  assert_non_null(strstr(sbp_catalog_service_source(note), "astral-sh/uv#16664"));

  assert_int_equal(sbp_catalog_service_lookup(S("com.apple.trustd.agent"), &note, NULL), SBP_OK);
  assert_non_null(strstr(sbp_catalog_service_breaks(note), "Go"));
  assert_int_equal(sbp_catalog_service_lookup(S("com.apple.system.opendirectoryd.libinfo"), &note,
                                              NULL),
                   SBP_OK);
  assert_non_null(strstr(sbp_catalog_service_gives(note), "group"));

  assert_int_equal(sbp_catalog_service_lookup(S("com.example.nothing"), &note, &err),
                   SBP_E_NOT_FOUND);
  assert_null(note);
  assert_string_equal(err.message, "no note on service 'com.example.nothing'");
  /* A prefix of a known name is not that name. */
  assert_int_equal(sbp_catalog_service_lookup(S("com.apple.trustd.agen"), &note, NULL),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_catalog_service_lookup(S("x"), NULL, NULL), SBP_E_INVALID_ARG);

  size_t n = sbp_catalog_service_count();
  assert_true(n >= 15);
  for (size_t i = 0; i < n; i++) {
    const sbp_service_note *s = sbp_catalog_service_at(i);
    assert_non_null(s);
    if (i > 0) assert_true(strcmp(sbp_catalog_service_name(sbp_catalog_service_at(i - 1)),
                                  sbp_catalog_service_name(s)) < 0);
    assert_true(strlen(sbp_catalog_service_gives(s)) > 10);
    assert_true(strlen(sbp_catalog_service_breaks(s)) > 10);
    assert_true(strlen(sbp_catalog_service_source(s)) > 5);
    /* Each note's name is a valid global-name value: look it up again. */
    const sbp_service_note *again = NULL;
    const char *name = sbp_catalog_service_name(s);
    assert_int_equal(sbp_catalog_service_lookup(name, strlen(name), &again, NULL), SBP_OK);
    assert_ptr_equal(again, s);
  }
  assert_null(sbp_catalog_service_at(n));
  assert_null(sbp_catalog_service_name(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_parse),
      cmocka_unit_test(test_version_format),
      cmocka_unit_test(test_catalog_versions),
      cmocka_unit_test(test_version_resolve),
      cmocka_unit_test(test_suggest),
      cmocka_unit_test(test_format_allocation_failures),
      cmocka_unit_test(test_op_chains),
      cmocka_unit_test(test_terminal_ops),
      cmocka_unit_test(test_inferred_parents),
      cmocka_unit_test(test_unknown_ops),
      cmocka_unit_test(test_op_aliases),
      cmocka_unit_test(test_op_versions),
      cmocka_unit_test(test_op_accepts),
      cmocka_unit_test(test_op_accepts_modifier),
      cmocka_unit_test(test_filters),
      cmocka_unit_test(test_constants),
      cmocka_unit_test(test_constant_listing),
      cmocka_unit_test(test_symbol_kinds),
      cmocka_unit_test(test_modifiers),
      cmocka_unit_test(test_iteration),
      cmocka_unit_test(test_weak_facts),
      cmocka_unit_test(test_service_notes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
