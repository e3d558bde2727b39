/* The catalog's internal interface (lib/catalog.h) and the generated tables' invariants.
 * Built from the library's sources directly (tests/catalog.cmake), since the shared library
 * exports only the public sbp_* API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "catalog_data.h"
#include "sbprofile/catalog.h"

#define S(lit) lit, sizeof(lit) - 1

static const uint32_t V1012 = SBP__MACOS(10, 12, 0);
static const uint32_t V1014 = SBP__MACOS(10, 14, 0);
static const uint32_t V1015 = SBP__MACOS(10, 15, 0);
static const uint32_t V144 = SBP__MACOS(14, 4, 1);
static const uint32_t V15 = SBP__MACOS(15, 0, 0);

static void test_internal_versions(void **state) {
  (void)state;
  assert_int_equal(sbp__catalog_version(0), V144);
  assert_int_equal(sbp__catalog_version(V1012), V1012);
  assert_int_equal(sbp__catalog_version(V15), 0);
  assert_int_equal(sbp__catalog_version(SBP__MACOS(10, 6, 0)), 0);
  assert_int_equal(SBP__MACOS(14, 4, 1), SBP_MACOS_VERSION(14, 4, 1));
}

static void test_internal_ops(void **state) {
  (void)state;
  const sbp__op_info *raw = sbp__catalog_op_raw(V144, S("file-lock"));
  assert_non_null(raw);
  assert_int_equal(raw->parent_inferred, 1);
  assert_string_equal(raw->parent, "file*");
  assert_int_equal(sbp__catalog_op_raw(V144, S("network-bind"))->parent_inferred, 0);
  assert_int_equal(sbp__catalog_op_name_versions(S("system-chud")), 0x0fu); /* 10.6-10.14 */
  assert_int_equal(sbp__catalog_op_name_versions(S("nope")), 0);
  const sbp__op_info *pi = sbp__catalog_op(V1015, S("process-info*"));
  assert_int_equal(pi->terminal, 1);
  assert_int_equal(pi->builtin, 1);
  assert_int_equal(sbp__catalog_op(V1015, S("file-write-setugid"))->builtin, 2);
  assert_int_equal(sbp__catalog_op(V1015, S("default"))->builtin, 0);
  assert_null(sbp__catalog_op(V15, S("default")));
  assert_null(sbp__catalog_op(V1015, NULL, 3));
  /* Internal interface. */
  size_t n = 0;
  assert_string_equal(sbp__catalog_op_alias(S("process-exec"), &n), "process-exec*");
  assert_int_equal(n, 13);
  const char *self = "file-read*";
  assert_ptr_equal(sbp__catalog_op_alias(self, strlen(self), &n), self);
  assert_int_equal(n, strlen(self));
  assert_string_equal(sbp__catalog_op_alias_v(V144, S("iokit-open"), NULL),
                      "iokit-open-user-client");
  assert_int_equal(sbp__catalog_op_alias_weak(V144, S("iokit-open")), 1);
  assert_int_equal(sbp__catalog_op_alias_weak(V144, S("process-exec")), 0);
  assert_int_equal(sbp__catalog_op_noop(V1015, S("mach-per-user-lookup")), 1);
  assert_int_equal(sbp__catalog_op_noop(V1014, S("mach-per-user-lookup")), 0);
  assert_null(sbp__catalog_op(V1015, S("mach-per-user-lookup")));
  assert_string_equal(sbp__catalog_op(0, S("process-exec"))->name, "process-exec*");
  assert_null(sbp__catalog_op_raw(0, S("process-exec")));
  assert_string_equal(sbp__catalog_op_raw(V1015, S("sysctl-write"))->name, "sysctl-write");
  const sbp__op_info *o = sbp__catalog_op(V1015, S("file-read-data"));
  assert_string_equal(sbp__catalog_op_parent(o)->name, "file-read*");
  assert_null(sbp__catalog_op_parent(sbp__catalog_op(V1015, S("default"))));
}

static void test_internal_accepts(void **state) {
  (void)state;
  assert_int_equal(sbp__catalog_op_accepts(V1015, "iokit-open", "iokit-registry-entry-class"), 1);
  assert_int_equal(sbp__catalog_op_accepts(V1015, "network-outbound", "path"), 1);
  assert_int_equal(sbp__catalog_op_accepts(V1015, "sysctl-read", "path"), 0);
  assert_int_equal(sbp__catalog_op_accepts(V1015, "nope", "path"), -1);
  assert_int_equal(sbp__catalog_op_accepts(V1015, "signal", "signal"), 1);
}

static void test_internal_filters_and_constants(void **state) {
  (void)state;
  int64_t got = 0;
  const sbp__filter_info *fi = sbp__catalog_filter(0, S("subpath"));
  assert_non_null(fi);
  assert_string_equal(fi->base, "path");
  assert_int_equal(fi->match, SBP__MATCH_SUBPATH);
  assert_null(sbp__catalog_filter(V1015, S("nope")));
  assert_int_equal(sbp__catalog_constant(V1015, "socket-domain", S("AF_UNIX"), &got), 1);
  assert_int_equal(got, 1);
  assert_int_equal(sbp__catalog_constant(0, "remote", S("tcp"), &got), 1);
  assert_int_equal(got, 7);
  assert_int_equal(sbp__catalog_constant(0, "to", S("ip"), &got), 1);
  assert_int_equal(got, 3);
  assert_int_equal(sbp__catalog_constant(0, "remote", S("bogus"), &got), 0);
  assert_int_equal(sbp__catalog_constant(V15, "remote", S("tcp"), &got), 1);
}

/* ---- table invariants -------------------------------------------------------------------- */

/* The internal look-ups asked about versions the catalog does not know (or that have no
 * table of that kind), NULL names with a length and unknown bases: each answers "nothing"
 * (NULL, 0 or -1), and a name that is no alias stays itself. */
static void test_internal_unknowns(void **state) {
  (void)state;
  const uint32_t V9 = SBP__MACOS(9, 0, 0), V106 = SBP__MACOS(10, 6, 0);
  const char *name = "process-exec";
  assert_ptr_equal(sbp__catalog_op_alias_v(V9, name, 12, NULL), name);
  assert_int_equal(sbp__catalog_op_noop(V9, S("system-chud")), 0);
  assert_int_equal(sbp__catalog_op_alias_weak(V144, S("file-read*")), 0);
  assert_null(sbp__catalog_op_raw(V15, S("default")));
  assert_null(sbp__catalog_op_raw(V144, NULL, 3));
  assert_null(sbp__catalog_op_parent(NULL));
  assert_null(sbp__catalog_op_parent(sbp__catalog_op(V144, S("default"))));
  assert_string_equal(sbp__catalog_op_parent(sbp__catalog_op(V144, S("file-read-data")))->name,
                      "file-read*");
  assert_int_equal(sbp__catalog_op_name_versions(NULL, 3), 0);
  assert_null(sbp__catalog_filter(V9, S("subpath")));
  assert_null(sbp__catalog_filter(V106, S("subpath")));
  assert_null(sbp__catalog_filter(V144, NULL, 3));
  int64_t v = 5;
  assert_int_equal(sbp__catalog_constant(V9, "socket-domain", S("AF_UNIX"), &v), 0);
  assert_int_equal(sbp__catalog_constant(V106, "socket-domain", S("AF_UNIX"), &v), 0);
  assert_int_equal(sbp__catalog_constant(V144, NULL, S("AF_UNIX"), &v), 0);
  assert_int_equal(sbp__catalog_constant(V144, "socket-domain", NULL, 3, &v), 0);
  assert_int_equal(sbp__catalog_constant(V144, "socket-domain", S("AF_UNIX"), NULL), 0);
  assert_int_equal(sbp__catalog_constant(V144, "no-such-filter", S("AF_UNIX"), &v), 0);
  assert_int_equal(v, 5);
  assert_int_equal(sbp__catalog_op_accepts(V144, NULL, "path"), -1);
  assert_int_equal(sbp__catalog_op_accepts(V144, "file-read-data", NULL), -1);
  assert_int_equal(sbp__catalog_op_accepts(V144, "no-such-op", "path"), -1);
  /* a NULL name of length 0 is the empty name, which names nothing */
  assert_null(sbp__catalog_op_raw(V144, NULL, 0));
  assert_null(sbp__catalog_op(V144, NULL, 0));
  assert_null(sbp__catalog_filter(V144, NULL, 0));
  assert_int_equal(sbp__catalog_constant(V144, "socket-domain", NULL, 0, &v), 0);
  /* an alias bound to no-op has no target: the name stays itself */
  size_t n = 0;
  assert_string_equal(sbp__catalog_op_alias_v(V144, S("system-chud"), &n), "system-chud");
  assert_int_equal(n, 11);
}

static void test_table_invariants(void **state) {
  (void)state;
  for (int vi = 0; vi < SBP__CAT_NVERSIONS; vi++) {
    const sbp__cat_version *v = &sbp__cat_versions[vi];
    for (size_t i = 0; i < v->n_ops; i++) {
      const sbp__op_info *op = &v->ops[i];
      if (i > 0) assert_true(strcmp(v->ops[i - 1].name, op->name) < 0);
      assert_int_equal(op->version, vi);
      /* Every chain ends, at default or at a TERMINAL operation, within a few steps. */
      const sbp__op_info *p = op;
      int steps = 0;
      while (p->parent != NULL && steps < 8) {
        const sbp__op_info *q = sbp__catalog_op_parent(p);
        assert_non_null(q);
        p = q;
        steps++;
      }
      assert_true(steps < 8);
      assert_true(p->terminal);
      if (op->terminal) assert_null(op->parent);
      if (!op->terminal) assert_int_equal(op->builtin, 0);
      assert_int_equal(op->parent_inferred ? vi : 5, 5); /* only 14.4.1 infers */
      /* The name-versions table agrees with the rows. */
      assert_true(sbp__catalog_op_name_versions(op->name, strlen(op->name)) & (1u << vi));
    }
    for (size_t i = 0; i < v->n_filters; i++) {
      const sbp__filter_info *f = &v->filters[i];
      if (i > 0) assert_true(strcmp(v->filters[i - 1].spelling, f->spelling) < 0);
      /* The base of every spelling is itself a spelling of that version. */
      const sbp__filter_info *base = sbp__catalog_filter(v->macos, f->base, strlen(f->base));
      assert_non_null(base);
      assert_string_equal(base->base, f->base);
      assert_int_equal(base->match, SBP__MATCH_EXACT);
    }
  }
  for (size_t i = 1; i < sbp__cat_nconstants; i++) {
    int c = strcmp(sbp__cat_constants[i - 1].base, sbp__cat_constants[i].base);
    if (c == 0) c = strcmp(sbp__cat_constants[i - 1].name, sbp__cat_constants[i].name);
    assert_true(c <= 0);
  }
  for (size_t i = 1; i < sbp__cat_naliases; i++)
    assert_true(strcmp(sbp__cat_op_aliases[i - 1].name, sbp__cat_op_aliases[i].name) < 0);
  for (size_t i = 1; i < sbp__cat_nopnames; i++)
    assert_true(strcmp(sbp__cat_op_names[i - 1].name, sbp__cat_op_names[i].name) < 0);
  for (size_t i = 1; i < sbp__cat_nmodifiers; i++)
    assert_true(strcmp(sbp__cat_modifiers[i - 1].name, sbp__cat_modifiers[i].name) <= 0);
  /* Table sizes as the spec states them: 137/144/148/145 ops for 10.12-10.15, 196 for 14.4.1. */
  assert_int_equal(sbp__cat_versions[1].n_ops, 137);
  assert_int_equal(sbp__cat_versions[2].n_ops, 144);
  assert_int_equal(sbp__cat_versions[3].n_ops, 148);
  assert_int_equal(sbp__cat_versions[4].n_ops, 145);
  assert_int_equal(sbp__cat_versions[5].n_ops, 196);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_internal_versions),
      cmocka_unit_test(test_internal_ops),
      cmocka_unit_test(test_internal_accepts),
      cmocka_unit_test(test_internal_filters_and_constants),
      cmocka_unit_test(test_internal_unknowns),
      cmocka_unit_test(test_table_invariants),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
