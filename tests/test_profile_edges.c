/* The profile tree's accessors at their edges (lib/profile.c): NULL nodes and profiles, nodes
 * of the wrong type, and setters given values outside their range, each answered as the
 * header documents, the tree left as it was. */
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null),
      cmocka_unit_test(test_wrong_types_and_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
