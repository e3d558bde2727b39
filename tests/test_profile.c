/* The profile AST: making nodes, the rules of the tree, equality, copies, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

static sbp_node *named(sbp_profile *p, sbp_node_type t, const char *s) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_node_new_named(p, t, s, strlen(s), &n, NULL), SBP_OK);
  return n;
}

static sbp_node *string_value(sbp_profile *p, const char *s) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, s, strlen(s), &n, NULL), SBP_OK);
  return n;
}

/* (allow file-read* (subpath PATH)) appended to p. */
static sbp_node *add_subpath_rule(sbp_profile *p, sbp_action action, const char *path) {
  sbp_node *rule, *filter;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL), SBP_OK);
  assert_int_equal(sbp_rule_set_action(rule, action, NULL), SBP_OK);
  filter = named(p, SBP_NODE_FILTER, "subpath");
  assert_int_equal(sbp_node_append_child(filter, string_value(p, path), NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(rule, filter, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(rule, named(p, SBP_NODE_OPERATION, "file-read*"), NULL),
                   SBP_OK);
  assert_int_equal(sbp_node_append_child(sbp_profile_root(p), rule, NULL), SBP_OK);
  return rule;
}

static void test_new_and_free(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_non_null(p);
  assert_int_equal(sbp_profile_version(p), 0);
  assert_int_equal(sbp_node_type_of(sbp_profile_root(p)), SBP_NODE_PROFILE);
  assert_int_equal(sbp_profile_rule_count(p), 0);
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  assert_int_equal(sbp_profile_version(p), 1);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_set_version(p, 2, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "version: unsupported version 2 (SBPL knows 1)");
  sbp_profile_free(p);
  sbp_profile_free(NULL);
  assert_int_equal(sbp_profile_new(NULL, NULL), SBP_E_INVALID_ARG);
  sbp_alloc broken = {NULL, NULL, NULL, NULL};
  assert_int_equal(sbp_profile_new(&p, &broken), SBP_E_INVALID_ARG);
  assert_null(p);
}

/* Profile-wide options: set, read back, refused bits, copied, compared. */
static void test_profile_options(void **state) {
  (void)state;
  sbp_profile *p = NULL, *q = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_options(p), 0);
  assert_int_equal(sbp_profile_options(NULL), 0);
  assert_int_equal(sbp_profile_copy(p, &q, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_profile_set_options(p, SBP_OPTION_DISABLE_CALLOUTS, NULL), SBP_OK);
  assert_int_equal(sbp_profile_options(p), SBP_OPTION_DISABLE_CALLOUTS);
  assert_false(sbp_profile_equal(p, q, 0));
  sbp_profile_free(q);
  assert_int_equal(sbp_profile_copy(p, &q, NULL, NULL), SBP_OK);
  assert_true(sbp_profile_equal(p, q, 0));
  assert_int_equal(sbp_profile_options(q), SBP_OPTION_DISABLE_CALLOUTS);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_set_options(p, 4, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "options: unknown option bits 0x4");
  assert_int_equal(sbp_profile_options(p), SBP_OPTION_DISABLE_CALLOUTS);
  assert_int_equal(sbp_profile_set_options(NULL, 0, NULL), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
  sbp_profile_free(q);
}

static void test_rule_groups_stay_ordered(void **state) {
  (void)state;
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *rule = add_subpath_rule(p, SBP_DENY, "/x");
  /* The operation was appended after the filter, yet stands first. */
  assert_int_equal(sbp_node_type_of(sbp_node_first_child(rule)), SBP_NODE_OPERATION);
  sbp_node *mod = named(p, SBP_NODE_MODIFIER, "no-log");
  assert_int_equal(sbp_node_append_child(rule, mod, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(rule, named(p, SBP_NODE_OPERATION, "file-write*"), NULL),
                   SBP_OK);
  const sbp_node_type want[] = {SBP_NODE_OPERATION, SBP_NODE_OPERATION, SBP_NODE_FILTER,
                                SBP_NODE_MODIFIER};
  size_t i = 0;
  for (sbp_node *c = sbp_node_first_child(rule); c; c = sbp_node_next(c), i++)
    assert_int_equal(sbp_node_type_of(c), want[i]);
  assert_int_equal(i, 4);
  assert_int_equal(sbp_node_child_count(rule), 4);
  /* A filter may not stand after a modifier. */
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *f = named(p, SBP_NODE_FILTER, "literal");
  assert_int_equal(sbp_node_insert_before(sbp_node_first_child(rule), f, &err), SBP_E_INVALID_TREE);
  assert_int_equal(sbp_node_insert_before(mod, f, &err), SBP_OK);
  assert_int_equal(sbp_profile_rule_count(p), 1);
  sbp_profile_free(p);
}

static void test_tree_rules(void **state) {
  (void)state;
  sbp_profile *p, *q;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_new(&q, NULL), SBP_OK);
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *not_node, *other;
  assert_int_equal(sbp_node_new(p, SBP_NODE_REQUIRE_NOT, &not_node, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(not_node, named(p, SBP_NODE_FILTER, "literal"), NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(not_node, named(p, SBP_NODE_FILTER, "subpath"), &err),
                   SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "a require-not cannot hold a filter (require-not holds one)");
  /* A rule cannot go inside a filter; a value cannot be a rule's child. */
  sbp_node *rule;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(not_node, rule, NULL), SBP_E_INVALID_TREE);
  assert_int_equal(sbp_node_append_child(rule, string_value(p, "/a"), NULL), SBP_E_INVALID_TREE);
  /* Nodes do not cross profiles; a node cannot hold itself. */
  assert_int_equal(sbp_node_new(q, SBP_NODE_REQUIRE_ANY, &other, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(rule, other, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "the node belongs to another profile");
  assert_int_equal(sbp_node_append_child(rule, not_node, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(not_node, rule, NULL), SBP_E_INVALID_TREE);
  /* Attached nodes must be unlinked first; unlinking hands them back. */
  assert_int_equal(sbp_node_append_child(sbp_profile_root(p), not_node, NULL), SBP_E_INVALID_TREE);
  sbp_node_unlink(not_node);
  assert_null(sbp_node_parent(not_node));
  assert_int_equal(sbp_node_child_count(rule), 0);
  sbp_profile_free(p);
  sbp_profile_free(q);
}

static void test_names_must_be_symbols(void **state) {
  (void)state;
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *n = NULL;
  const char *bad[] = {"", "a b", "x)", "(y", "q\"", "a;b", "#t", "12", "-5", "a\nb", "\xc3\xa9"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, bad[i], strlen(bad[i]), &n, &err),
                     SBP_E_INVALID_ARG);
    assert_null(n);
    assert_non_null(strstr(err.message, "operation"));
  }
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, S("a\0b"), &n, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "operation: contains a NUL byte");
  const char *good[] = {"file-read*", "%entitlement-load", "AF_UNIX", "ip4", "-", "+x"};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, good[i], strlen(good[i]), &n, NULL),
                     SBP_OK);
  /* Strings may hold anything but NUL. */
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("a\") (allow default"), &n, NULL), SBP_OK);
  size_t len;
  assert_string_equal(sbp_node_text(n, &len), "a\") (allow default");
  assert_int_equal(len, 18);
  sbp_profile_free(p);
}

static void test_netaddr(void **state) {
  (void)state;
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *v;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("localhost"), 8080, &v, NULL), SBP_OK);
  const char *host;
  int port;
  assert_int_equal(sbp_value_netaddr(v, &host, NULL, &port), 1);
  assert_string_equal(host, "localhost");
  assert_int_equal(port, 8080);
  assert_string_equal(sbp_node_text(v, NULL), "tcp");
  assert_int_equal(sbp_value_new_netaddr(p, S("udp"), NULL, 0, 0, &v, NULL), SBP_OK);
  assert_int_equal(sbp_value_netaddr(v, &host, NULL, &port), 0);
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("127.0.0.1"), 80, &v, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "host: must be * or localhost, not \"127.0.0.1\"");
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("*"), 0, &v, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("*"), 65536, &v, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_value_new_netaddr(p, S("sctp"), S("*"), 1, &v, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_value_new_netaddr(p, S("ip"), S("*"), SBP_PORT_ANY, &v, &err), SBP_OK);
  size_t host_len = 0;
  assert_int_equal(sbp_value_netaddr(v, &host, &host_len, &port), 1);
  assert_string_equal(host, "*");
  assert_int_equal(host_len, 1);
  assert_int_equal(port, SBP_PORT_ANY);
  /* addresses that differ only in their host, or only in their port, differ */
  sbp_node *any, *local, *other;
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("*"), 443, &any, NULL), SBP_OK);
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("localhost"), 443, &local, NULL), SBP_OK);
  assert_int_equal(sbp_value_new_netaddr(p, S("tcp"), S("*"), 80, &other, NULL), SBP_OK);
  assert_false(sbp_node_equal(any, local, 0));
  assert_false(sbp_node_equal(any, other, 0));
  /* a copy in another profile keeps host and port */
  sbp_profile *q;
  assert_int_equal(sbp_profile_new(&q, NULL), SBP_OK);
  sbp_node *copy;
  assert_int_equal(sbp_node_copy(q, local, &copy, NULL), SBP_OK);
  assert_true(sbp_node_equal(copy, local, 0));
  assert_int_equal(sbp_value_netaddr(copy, &host, &host_len, &port), 1);
  assert_string_equal(host, "localhost");
  assert_int_equal(host_len, 9);
  assert_int_equal(port, 443);
  sbp_profile_free(q);
  sbp_profile_free(p);
}

/* A rule's comment: set, read with its length, cleared, copied into another profile (its
 * own copy, which outlives the source), compared only when asked. */
static void test_rule_comment(void **state) {
  (void)state;
  sbp_profile *a, *b;
  assert_int_equal(sbp_profile_new(&a, NULL), SBP_OK);
  assert_int_equal(sbp_profile_new(&b, NULL), SBP_OK);
  sbp_node *r = add_subpath_rule(a, SBP_ALLOW, "/usr");
  size_t len = 99;
  assert_null(sbp_rule_comment(r, &len));
  assert_int_equal(len, 0);
  assert_int_equal(sbp_rule_set_comment(r, S("why: the loader"), NULL), SBP_OK);
  assert_string_equal(sbp_rule_comment(r, &len), "why: the loader");
  assert_int_equal(len, 15);
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_rule_set_comment(r, "a\0b", 3, &err), SBP_E_INVALID_ARG);
  assert_string_equal(sbp_rule_comment(r, NULL), "why: the loader");
  sbp_node *copy;
  assert_int_equal(sbp_node_copy(b, r, &copy, NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(sbp_profile_root(b), copy, NULL), SBP_OK);
  assert_true(sbp_profile_equal(a, b, SBP_EQUAL_COMMENTS));
  assert_int_equal(sbp_rule_set_comment(r, NULL, 0, NULL), SBP_OK);
  assert_null(sbp_rule_comment(r, NULL));
  assert_true(sbp_profile_equal(a, b, 0));
  assert_false(sbp_profile_equal(a, b, SBP_EQUAL_COMMENTS));
  sbp_profile_free(a);
  assert_string_equal(sbp_rule_comment(copy, &len), "why: the loader");
  assert_int_equal(len, 15);
  sbp_profile_free(b);
}

static void test_equal_and_copy(void **state) {
  (void)state;
  sbp_profile *a, *b, *c;
  assert_int_equal(sbp_profile_new(&a, NULL), SBP_OK);
  assert_int_equal(sbp_profile_new(&b, NULL), SBP_OK);
  add_subpath_rule(a, SBP_ALLOW, "/usr");
  add_subpath_rule(b, SBP_ALLOW, "/usr");
  assert_true(sbp_profile_equal(a, b, 0));
  sbp_node *comment = named(b, SBP_NODE_COMMENT, " hello");
  assert_int_equal(sbp_node_append_child(sbp_profile_root(b), comment, NULL), SBP_OK);
  assert_true(sbp_profile_equal(a, b, 0));
  assert_false(sbp_profile_equal(a, b, SBP_EQUAL_COMMENTS));
  sbp_node_unlink(comment);
  sbp_node *r = add_subpath_rule(b, SBP_DENY, "/usr/x");
  assert_false(sbp_profile_equal(a, b, 0));
  assert_int_equal(sbp_node_set_position(r, S("p.sb"), 3, 7, NULL), SBP_OK);
  assert_int_equal(sbp_profile_copy(b, &c, NULL, NULL), SBP_OK);
  assert_true(sbp_profile_equal(b, c, SBP_EQUAL_POSITIONS | SBP_EQUAL_COMMENTS));
  const char *file;
  uint32_t line, col;
  sbp_node_position(sbp_node_last_child(sbp_profile_root(c)), &file, &line, &col);
  assert_string_equal(file, "p.sb");
  assert_int_equal(line, 3);
  assert_int_equal(col, 7);
  assert_false(sbp_profile_equal(b, c, 0) == 0);
  sbp_rule_set_action(sbp_node_last_child(sbp_profile_root(c)), SBP_ALLOW, NULL);
  assert_false(sbp_profile_equal(b, c, 0));
  /* A node copied into another profile is detached and equal. */
  sbp_node *copy;
  assert_int_equal(sbp_node_copy(a, r, &copy, NULL), SBP_OK);
  assert_null(sbp_node_parent(copy));
  assert_true(sbp_node_equal(r, copy, SBP_EQUAL_POSITIONS));
  assert_int_equal(sbp_node_copy(a, sbp_profile_root(b), &copy, NULL), SBP_E_INVALID_ARG);
  sbp_profile_free(a);
  sbp_profile_free(b);
  sbp_profile_free(c);
}

static void test_validate(void **state) {
  (void)state;
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_error err = SBP_ERROR_INIT;
  sbp_node *rule, *f;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL), SBP_OK);
  assert_int_equal(sbp_node_validate(rule, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "rule has no operation");
  assert_int_equal(sbp_node_append_child(rule, named(p, SBP_NODE_OPERATION, "default"), NULL), SBP_OK);
  f = named(p, SBP_NODE_FILTER, "literal");
  assert_int_equal(sbp_node_append_child(rule, f, NULL), SBP_OK);
  assert_int_equal(sbp_node_validate(rule, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "filter has no value");
  assert_int_equal(sbp_node_append_child(f, string_value(p, "/a"), NULL), SBP_OK);
  assert_int_equal(sbp_node_validate(rule, &err), SBP_OK);
  sbp_profile_free(p);
}

/* A chain of 200,000 require-not nodes: copy, equality and validation must not recurse. */
/* The depth-first iterator: every node entered and left once, in document order; after
 * DONE it stays done; reset starts over; NULL arguments are refused or ignored. */
static void test_iterator(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  sbp_node *rule = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, "file-read*", 10, &rule, NULL), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, "literal", 7, NULL, NULL), SBP_OK);
  sbp_error err = SBP_ERROR_INIT;
  sbp_iter *it = (sbp_iter *)&it;
  assert_int_equal(sbp_iter_new(&it, NULL, &err), SBP_E_INVALID_ARG);
  assert_null(it);
  assert_int_equal(sbp_iter_new(NULL, sbp_profile_root(p), &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_iter_new(&it, sbp_profile_root(p), &err), SBP_OK);
  for (int pass = 0; pass < 2; pass++) {
    /* root, rule, operation, filter: four enters and four exits */
    size_t enters = 0, exits = 0;
    sbp_event ev;
    while ((ev = sbp_iter_next(it)) != SBP_EVENT_DONE) {
      if (ev == SBP_EVENT_ENTER) enters++;
      if (ev == SBP_EVENT_EXIT) exits++;
      assert_non_null(sbp_iter_node(it));
    }
    assert_int_equal(enters, 4);
    assert_int_equal(exits, 4);
    assert_null(sbp_iter_node(it));
    assert_int_equal(sbp_iter_next(it), SBP_EVENT_DONE); /* stays done */
    sbp_iter_reset(it);
  }
  assert_int_equal(sbp_iter_next(NULL), SBP_EVENT_DONE);
  assert_null(sbp_iter_node(NULL));
  sbp_iter_reset(NULL);
  sbp_iter_free(NULL);
  sbp_iter_free(it);
  sbp_profile_free(p);
}

static void test_deep_tree(void **state) {
  (void)state;
  sbp_profile *p;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *top, *cur;
  assert_int_equal(sbp_node_new(p, SBP_NODE_REQUIRE_NOT, &top, NULL), SBP_OK);
  cur = top;
  for (int i = 0; i < 200000; i++) {
    sbp_node *n;
    assert_int_equal(sbp_node_new(p, SBP_NODE_REQUIRE_NOT, &n, NULL), SBP_OK);
    assert_int_equal(sbp_node_append_child(cur, n, NULL), SBP_OK);
    cur = n;
  }
  sbp_node *leaf = named(p, SBP_NODE_FILTER, "literal");
  assert_int_equal(sbp_node_append_child(leaf, string_value(p, "/x"), NULL), SBP_OK);
  assert_int_equal(sbp_node_append_child(cur, leaf, NULL), SBP_OK);
  assert_int_equal(sbp_node_validate(top, NULL), SBP_OK);
  sbp_node *copy;
  assert_int_equal(sbp_node_copy(p, top, &copy, NULL), SBP_OK);
  assert_true(sbp_node_equal(top, copy, 0));
  sbp_profile_free(p);
}

static int op_copy_profile(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p, *c;
  int rc = sbp_profile_new(&p, alloc);
  if (rc != SBP_OK) return rc;
  sbp_node *rule = NULL, *op = NULL, *f = NULL, *v = NULL;
  if ((rc = sbp_node_new(p, SBP_NODE_RULE, &rule, NULL)) != SBP_OK ||
      (rc = sbp_node_new_named(p, SBP_NODE_OPERATION, S("file-read*"), &op, NULL)) != SBP_OK ||
      (rc = sbp_node_new_named(p, SBP_NODE_FILTER, S("subpath"), &f, NULL)) != SBP_OK ||
      (rc = sbp_value_new(p, SBP_VALUE_STRING, S("/usr"), &v, NULL)) != SBP_OK ||
      (rc = sbp_node_append_child(rule, op, NULL)) != SBP_OK ||
      (rc = sbp_node_append_child(f, v, NULL)) != SBP_OK ||
      (rc = sbp_node_append_child(rule, f, NULL)) != SBP_OK ||
      (rc = sbp_node_append_child(sbp_profile_root(p), rule, NULL)) != SBP_OK ||
      (rc = sbp_node_set_position(rule, S("a.sb"), 1, 1, NULL)) != SBP_OK) {
    sbp_profile_free(p);
    return rc;
  }
  rc = sbp_profile_copy(p, &c, NULL, NULL);
  if (rc == SBP_OK) {
    assert_true(sbp_profile_equal(p, c, SBP_EQUAL_POSITIONS));
    sbp_profile_free(c);
  }
  sbp_profile_free(p);
  return rc;
}

static void test_allocation_failures(void **state) {
  (void)state;
  size_t calls = test_alloc_exhaust(op_copy_profile, NULL);
  assert_true(calls >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_and_free), cmocka_unit_test(test_profile_options),
      cmocka_unit_test(test_rule_groups_stay_ordered),
      cmocka_unit_test(test_tree_rules),
      cmocka_unit_test(test_names_must_be_symbols),
      cmocka_unit_test(test_netaddr), cmocka_unit_test(test_rule_comment),
      cmocka_unit_test(test_equal_and_copy),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_iterator),
      cmocka_unit_test(test_deep_tree),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
