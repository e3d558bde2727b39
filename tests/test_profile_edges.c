/* The profile tree's accessors at their edges (lib/profile.c): NULL nodes and profiles, nodes
 * of the wrong type, and setters given values outside their range, each answered as the
 * header documents, the tree left as it was; constructors, attaching, copying, comparing and
 * validating at their edges too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

static void test_null(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  const char *file = "x";
  uint32_t line = 9, col = 9;
  size_t len = 9;
  assert_null(sbp_profile_root(NULL));
  assert_int_equal(sbp_profile_version(NULL), 0);
  assert_int_equal(sbp_profile_rule_count(NULL), 0);
  assert_int_equal(sbp_profile_set_version(NULL, 1, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_node_type_of(NULL), SBP_NODE_NONE);
  assert_null(sbp_node_profile(NULL));
  assert_null(sbp_node_parent(NULL));
  assert_null(sbp_node_first_child(NULL));
  assert_null(sbp_node_last_child(NULL));
  assert_null(sbp_node_next(NULL));
  assert_null(sbp_node_previous(NULL));
  assert_int_equal(sbp_node_child_count(NULL), 0);
  assert_null(sbp_node_text(NULL, &len));
  sbp_node_position(NULL, &file, &line, &col);
  assert_null(file);
  assert_int_equal(line, 0);
  assert_int_equal(col, 0);
  assert_int_equal(sbp_node_set_position(NULL, "f", 1, 1, 1, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_rule_action(NULL), SBP_ACTION_NONE);
  assert_int_equal(sbp_rule_set_action(NULL, SBP_ALLOW, &err), SBP_E_INVALID_ARG);
  assert_null(sbp_rule_comment(NULL, &len));
  assert_int_equal(sbp_rule_set_comment(NULL, "c", 1, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_value_integer(NULL), 0);
  const char *host = "h";
  int port = 1;
  assert_int_equal(sbp_value_netaddr(NULL, &host, &len, &port), 0);
  assert_null(host);
  assert_int_equal(port, SBP_PORT_ANY);
}

static void test_wrong_types_and_values(void **state) {
  (void)state;
  static const char text[] =
      "(version 1)\n(allow network-outbound (remote tcp \"localhost:80\"))\n"
      "(deny file-read* (literal \"/x\"))\n";
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, text, sizeof text - 1, "t.sb", NULL, NULL, &err), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 2, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_profile_version(p), 1);
  sbp_node *rule = sbp_node_first_child(sbp_profile_root(p));
  while (rule && sbp_node_type_of(rule) != SBP_NODE_RULE) rule = sbp_node_next(rule);
  assert_non_null(rule);
  assert_int_equal(sbp_rule_set_action(rule, (sbp_action)7, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_rule_action(rule), SBP_ALLOW);
  assert_null(sbp_rule_comment(rule, NULL));
  sbp_node *op = sbp_node_first_child(rule);
  assert_int_equal(sbp_node_type_of(op), SBP_NODE_OPERATION);
  /* an operation is not a rule, nor a value */
  assert_int_equal(sbp_rule_action(op), SBP_ACTION_NONE);
  assert_int_equal(sbp_rule_set_action(op, SBP_DENY, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_rule_set_comment(op, "c", 1, &err), SBP_E_INVALID_ARG);
  assert_null(sbp_rule_comment(op, NULL));
  assert_int_equal(sbp_value_integer(op), 0);
  const char *host = NULL;
  size_t hl = 9;
  int port = 0;
  assert_int_equal(sbp_value_netaddr(op, &host, &hl, &port), 0);
  /* the address value of the remote filter */
  sbp_node *remote = sbp_node_next(op);
  assert_int_equal(sbp_node_type_of(remote), SBP_NODE_FILTER);
  sbp_node *addr = sbp_node_last_child(remote);
  assert_int_equal(sbp_value_netaddr(addr, &host, &hl, &port), 1);
  assert_int_equal(hl, 9);
  assert_memory_equal(host, "localhost", 9);
  assert_int_equal(port, 80);
  assert_int_equal(sbp_value_integer(addr), 0);
  /* a file name with a NUL byte is refused, the position kept */
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  assert_int_equal(sbp_node_set_position(rule, "a\0b", 3, 5, 6, &err), SBP_E_INVALID_ARG);
  sbp_node_position(rule, &file, &line, &col);
  assert_string_equal(file, "t.sb");
  assert_int_equal(line, 2);
  assert_int_equal(sbp_node_profile(rule), p);
  sbp_profile_free(p);
}

static void expect(int rc, int want, const sbp_error *err, const char *message) {
  if (rc != want || strcmp(err->message, message) != 0)
    fail_msg("%s '%s', expected %s '%s'", sbp_status_name(rc), err->message,
             sbp_status_name(want), message);
}

/* Making nodes: each constructor's refusals with their messages, and what the accepted
 * forms hold (an empty string, a NULL text of length 0, an address without a host). */
static void test_constructors(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *n = (sbp_node *)(uintptr_t)1;
  expect(sbp_node_new(NULL, SBP_NODE_RULE, &n, &err), SBP_E_INVALID_ARG, &err, "profile is NULL");
  assert_null(n);
  expect(sbp_node_new(p, SBP_NODE_RULE, NULL, &err), SBP_E_INVALID_ARG, &err, "out is NULL");
  expect(sbp_node_new(p, SBP_NODE_FILTER, &n, &err), SBP_E_INVALID_ARG, &err,
         "type: filter nodes are made with sbp_node_new_named or sbp_value_new");
  assert_int_equal(sbp_node_new(p, SBP_NODE_REQUIRE_ANY, &n, &err), SBP_OK);
  assert_int_equal(sbp_node_type_of(n), SBP_NODE_REQUIRE_ANY);
  expect(sbp_node_new_named(p, SBP_NODE_RULE, "x", 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "type: rule nodes carry no name");
  expect(sbp_node_new_named(NULL, SBP_NODE_FILTER, "x", 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "profile is NULL");
  expect(sbp_node_new_named(p, SBP_NODE_FILTER, NULL, 2, &n, &err), SBP_E_INVALID_ARG, &err,
         "filter is NULL");
  expect(sbp_node_new_named(p, SBP_NODE_MODIFIER, "a b", 3, &n, &err), SBP_E_INVALID_ARG, &err,
         "modifier: \"a b\" is not an SBPL symbol");
  expect(sbp_node_new_named(p, SBP_NODE_OPERATION, "-5", 2, &n, &err), SBP_E_INVALID_ARG, &err,
         "operation: \"-5\" is not an SBPL symbol");
  expect(sbp_node_new_named(p, SBP_NODE_OPERATION, ".", 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "operation: \".\" is not an SBPL symbol");
  expect(sbp_node_new_named(p, SBP_NODE_OPERATION, "#t", 2, &n, &err), SBP_E_INVALID_ARG, &err,
         "operation: \"#t\" is not an SBPL symbol");
  expect(sbp_node_new_named(p, SBP_NODE_IMPORT, NULL, 0, &n, &err), SBP_E_INVALID_ARG, &err,
         "import: empty path");
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_COMMENT, NULL, 0, &n, &err), SBP_OK);
  size_t len = 9;
  assert_string_equal(sbp_node_text(n, &len), "");
  assert_int_equal(len, 0);
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, "-x", 2, &n, &err), SBP_OK);
  assert_string_equal(sbp_node_text(n, NULL), "-x");
  /* values */
  expect(sbp_value_new(NULL, SBP_VALUE_STRING, "x", 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "profile is NULL");
  expect(sbp_value_new(p, SBP_VALUE_INTEGER, "1", 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "kind: use sbp_value_new_integer, _boolean or _netaddr");
  expect(sbp_value_new(p, SBP_VALUE_REGEX, "a\0b", 3, &n, &err), SBP_E_INVALID_ARG, &err,
         "regex: contains a NUL byte");
  expect(sbp_value_new(p, SBP_VALUE_CONSTANT, "a(", 2, &n, &err), SBP_E_INVALID_ARG, &err,
         "constant: \"a(\" is not an SBPL symbol");
  expect(sbp_value_new(p, SBP_VALUE_PARAM, NULL, 0, &n, &err), SBP_E_INVALID_ARG, &err,
         "parameter name: empty");
  expect(sbp_value_new(p, SBP_VALUE_PARAM, NULL, 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "parameter name is NULL");
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, NULL, 0, &n, &err), SBP_OK);
  assert_string_equal(sbp_node_text(n, &len), "");
  assert_int_equal(sbp_value_new(p, SBP_VALUE_CONCAT, NULL, 0, &n, &err), SBP_OK);
  assert_null(sbp_node_text(n, &len));
  expect(sbp_value_new_integer(NULL, 1, &n, &err), SBP_E_INVALID_ARG, &err, "profile is NULL");
  expect(sbp_value_new_boolean(p, 1, NULL, &err), SBP_E_INVALID_ARG, &err, "out is NULL");
  assert_int_equal(sbp_value_new_boolean(p, 5, &n, &err), SBP_OK);
  assert_int_equal(sbp_value_integer(n), 1);
  expect(sbp_value_new_netaddr(NULL, "tcp", 3, NULL, 0, 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "profile is NULL");
  expect(sbp_value_new_netaddr(p, NULL, 3, NULL, 0, 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "protocol: \"\" is not one of ip ip4 ip6 tcp tcp4 tcp6 udp udp4 udp6");
  expect(sbp_value_new_netaddr(p, "sctp", 4, NULL, 0, 1, &n, &err), SBP_E_INVALID_ARG, &err,
         "protocol: \"sctp\" is not one of ip ip4 ip6 tcp tcp4 tcp6 udp udp4 udp6");
  expect(sbp_value_new_netaddr(p, "tcp", 3, "localhostx", 10, 1, &n, &err), SBP_E_INVALID_ARG,
         &err, "host: must be * or localhost, not \"localhostx\"");
  expect(sbp_value_new_netaddr(p, "tcp", 3, "*", 1, 0, &n, &err), SBP_E_INVALID_ARG, &err,
         "port: 0 is not * or 1-65535");
  expect(sbp_value_new_netaddr(p, "tcp", 3, "*", 1, 65536, &n, &err), SBP_E_INVALID_ARG, &err,
         "port: 65536 is not * or 1-65535");
  /* no host: an address family alone, no host and any port */
  assert_int_equal(sbp_value_new_netaddr(p, "udp6", 4, NULL, 0, 7, &n, &err), SBP_OK);
  const char *host = "h";
  int port = 0;
  assert_int_equal(sbp_value_netaddr(n, &host, &len, &port), 0);
  assert_int_equal(sbp_value_new_netaddr(p, "tcp", 3, "*", 1, SBP_PORT_ANY, &n, &err), SBP_OK);
  assert_int_equal(sbp_value_netaddr(n, NULL, NULL, NULL), 1);
  assert_int_equal(sbp_value_netaddr(n, &host, NULL, &port), 1);
  assert_string_equal(host, "*");
  assert_int_equal(port, SBP_PORT_ANY);
  sbp_profile_free(p);
}

/* Attaching: NULL nodes, the root, a node of another profile, a parentless sibling, and
 * inserting into a rule out of the order operations, filters, modifiers. */
static void test_attach_edges(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  static const char text[] = "(version 1)\n(allow file-read* (literal \"/x\") (with report))\n";
  assert_int_equal(sbp_profile_read(&p, text, sizeof text - 1, "t.sb", NULL, NULL, &err), SBP_OK);
  sbp_node *root = sbp_profile_root(p);
  sbp_node *rule = sbp_node_last_child(root);
  sbp_node *op = sbp_node_first_child(rule);
  sbp_node *filter = sbp_node_next(op);
  sbp_node *mod = sbp_node_last_child(rule);
  assert_int_equal(sbp_node_type_of(mod), SBP_NODE_MODIFIER);
  expect(sbp_node_append_child(NULL, op, &err), SBP_E_INVALID_ARG, &err, "node is NULL");
  expect(sbp_node_append_child(rule, NULL, &err), SBP_E_INVALID_ARG, &err, "node is NULL");
  expect(sbp_node_append_child(rule, root, &err), SBP_E_INVALID_TREE, &err,
         "the root cannot be attached");
  expect(sbp_node_insert_before(NULL, op, &err), SBP_E_INVALID_ARG, &err, "node is NULL");
  expect(sbp_node_insert_before(op, NULL, &err), SBP_E_INVALID_ARG, &err, "node is NULL");
  expect(sbp_node_insert_before(root, op, &err), SBP_E_INVALID_TREE, &err,
         "the sibling has no parent");
  expect(sbp_node_insert_before(op, root, &err), SBP_E_INVALID_TREE, &err,
         "the root cannot be attached");
  sbp_node *op2 = NULL, *lit = NULL;
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, "file-write*", 11, &op2, &err),
                   SBP_OK);
  expect(sbp_node_insert_before(mod, op2, &err), SBP_E_INVALID_TREE, &err,
         "a rule holds operations, then filters, then modifiers");
  assert_int_equal(sbp_node_insert_before(filter, op2, &err), SBP_OK); /* after the operation */
  assert_ptr_equal(sbp_node_next(op), op2);
  assert_ptr_equal(sbp_node_previous(filter), op2);
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_FILTER, "literal", 7, &lit, &err), SBP_OK);
  expect(sbp_node_insert_before(op, lit, &err), SBP_E_INVALID_TREE, &err,
         "a rule holds operations, then filters, then modifiers");
  assert_int_equal(sbp_node_insert_before(mod, lit, &err), SBP_OK);
  assert_ptr_equal(sbp_node_previous(mod), lit);
  /* a node of another profile */
  sbp_profile *q = NULL;
  sbp_node *foreign = NULL;
  assert_int_equal(sbp_profile_new(&q, NULL), SBP_OK);
  assert_int_equal(sbp_node_new(q, SBP_NODE_RULE, &foreign, &err), SBP_OK);
  expect(sbp_node_append_child(root, foreign, &err), SBP_E_INVALID_TREE, &err,
         "the node belongs to another profile");
  sbp_node_unlink(NULL);
  sbp_node_unlink(root); /* no parent: nothing to do */
  assert_ptr_equal(sbp_node_last_child(root), rule);
  sbp_profile_free(q);
  sbp_profile_free(p);
}

static sbp_profile *read_text(const char *text, const char *file) {
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_profile_read(&p, text, strlen(text), file, NULL, NULL, &err) != SBP_OK)
    fail_msg("%s", err.message);
  return p;
}

/* Copying, comparing and validating trees at their edges: NULL arguments, an allocator
 * without a function, profiles that differ only in version, options, positions or a number. */
static void test_copy_equal_validate(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *a = read_text("(version 1)\n(allow file-read* (literal \"/x\"))\n", "a.sb");
  sbp_profile *b = read_text("(version 1)\n(allow file-read* (literal \"/x\"))\n", "b.sb");
  sbp_profile *c = read_text("(version 1)\n\n(allow file-read* (literal \"/x\"))\n", "a.sb");
  sbp_node *rule = sbp_node_last_child(sbp_profile_root(a));
  sbp_node *out = (sbp_node *)(uintptr_t)1;
  expect(sbp_node_copy(NULL, rule, &out, &err), SBP_E_INVALID_ARG, &err,
         "profile, src and out must not be NULL");
  assert_null(out);
  expect(sbp_node_copy(a, NULL, &out, &err), SBP_E_INVALID_ARG, &err,
         "profile, src and out must not be NULL");
  expect(sbp_node_copy(a, rule, NULL, &err), SBP_E_INVALID_ARG, &err,
         "profile, src and out must not be NULL");
  sbp_profile *copy = (sbp_profile *)(uintptr_t)1;
  expect(sbp_profile_copy(NULL, &copy, NULL, &err), SBP_E_INVALID_ARG, &err,
         "src and out must not be NULL");
  assert_null(copy);
  expect(sbp_profile_copy(a, NULL, NULL, &err), SBP_E_INVALID_ARG, &err,
         "src and out must not be NULL");
  sbp_alloc half = *sbp_alloc_default();
  half.free = NULL;
  expect(sbp_profile_copy(a, &copy, &half, &err), SBP_E_INVALID_ARG, &err,
         "alloc: missing a function");
  /* equality: NULLs, then what each flag adds */
  assert_int_equal(sbp_node_equal(NULL, rule, 0), 0);
  assert_int_equal(sbp_node_equal(rule, NULL, 0), 0);
  assert_int_equal(sbp_profile_equal(NULL, a, 0), 0);
  assert_int_equal(sbp_profile_equal(a, NULL, 0), 0);
  assert_int_equal(sbp_profile_equal(a, b, 0), 1);
  assert_int_equal(sbp_profile_equal(a, b, SBP_EQUAL_POSITIONS), 0); /* file names */
  assert_int_equal(sbp_profile_equal(a, c, SBP_EQUAL_POSITIONS), 0); /* lines */
  assert_int_equal(sbp_profile_equal(a, c, 0), 1);
  sbp_node *made = NULL;
  assert_int_equal(sbp_node_copy(a, rule, &made, &err), SBP_OK);
  assert_int_equal(sbp_node_equal(rule, made, SBP_EQUAL_POSITIONS), 1);
  assert_int_equal(sbp_node_set_position(made, NULL, 0, 2, 1, &err), SBP_OK);
  assert_int_equal(sbp_node_equal(rule, made, SBP_EQUAL_POSITIONS), 0); /* a file and none */
  assert_int_equal(sbp_node_equal(rule, made, 0), 1);
  assert_int_equal(sbp_profile_set_options(b, 1, &err), SBP_OK);
  assert_int_equal(sbp_profile_equal(a, b, 0), 0);
  assert_int_equal(sbp_profile_set_version(c, 0, &err), SBP_OK);
  assert_int_equal(sbp_profile_equal(a, c, 0), 0);
  /* integer values compare by number */
  sbp_node *one = NULL, *two = NULL;
  assert_int_equal(sbp_value_new_integer(a, 1, &one, &err), SBP_OK);
  assert_int_equal(sbp_value_new_integer(a, 2, &two, &err), SBP_OK);
  assert_int_equal(sbp_node_equal(one, two, 0), 0);
  assert_int_equal(sbp_value_new_integer(a, 1, &two, &err), SBP_OK);
  assert_int_equal(sbp_node_equal(one, two, 0), 1);
  /* validation */
  expect(sbp_node_validate(NULL, &err), SBP_E_INVALID_ARG, &err, "node is NULL");
  sbp_node *bare = NULL;
  assert_int_equal(sbp_node_new(a, SBP_NODE_RULE, &bare, &err), SBP_OK);
  expect(sbp_node_validate(bare, &err), SBP_E_INVALID_TREE, &err, "rule has no operation");
  sbp_profile_free(a);
  sbp_profile_free(b);
  sbp_profile_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null),
      cmocka_unit_test(test_wrong_types_and_values),
      cmocka_unit_test(test_constructors),
      cmocka_unit_test(test_attach_edges),
      cmocka_unit_test(test_copy_equal_validate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
