/* White-box test of the serializer: names that are not SBPL symbols.
 *
 * The public API cannot make such a tree: sbp_node_new_named() and sbp_value_new() refuse a
 * name that is not a symbol, and the reader refuses one too (string->symbol gives a symbol
 * the evaluator will not take as an operation, filter or constant, even with
 * SBP_READ_UNKNOWN_OPERATIONS). The serializer checks every name all the same, so that a
 * future way in (or a corrupted tree) cannot write text that reads back as other rules. To
 * reach that check this test writes the private fields of nodes through lib/node.h, which is
 * why it is built as a white-box test (tests/CMakeLists.txt: SBP_WHITEBOX_TESTS). It also
 * holds the serializer's shortcut past sbp_node_validate (lib/treeops.h) to the walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "node.h"
#include "treeops.h"
#include "sbprofile.h"

#define S(lit) lit, sizeof(lit) - 1

static sbp_node *named(sbp_profile *p, sbp_node_type t, const char *s) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_node_new_named(p, t, s, strlen(s), &n, NULL), SBP_OK);
  return n;
}

static void add(sbp_node *parent, sbp_node *child) {
  assert_int_equal(sbp_node_append_child(parent, child, NULL), SBP_OK);
}

/* Sets a node's name as only the library itself could. */
static void plant(sbp_node *n, const char *text) {
  n->text = text;
  n->text_len = strlen(text);
}

static void expect_refused(const sbp_profile *p, const char *message) {
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, message);
  assert_null(out.ptr);
  assert_int_equal(out.len, 0);
}

static void test_names_not_symbols(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *r = NULL;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &r, NULL), SBP_OK);
  add(sbp_profile_root(p), r);
  sbp_node *op = named(p, SBP_NODE_OPERATION, "file-read*");
  add(r, op);
  sbp_node *f = named(p, SBP_NODE_FILTER, "subpath");
  sbp_node *v = NULL;
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/ok"), &v, NULL), SBP_OK);
  add(f, v);
  add(r, f);
  assert_int_equal(sbp_node_set_position(f, S("x.sb"), 4, 3, NULL), SBP_OK);
  sbp_node *sock = named(p, SBP_NODE_FILTER, "socket-domain");
  sbp_node *c = NULL;
  assert_int_equal(sbp_value_new(p, SBP_VALUE_CONSTANT, S("AF_UNIX"), &c, NULL), SBP_OK);
  add(sock, c);
  add(r, sock);

  /* The premise: the API refuses each of these names. */
  sbp_node *refused = NULL;
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_OPERATION, S("a) (allow default"), &refused,
                                      NULL),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_node_new_named(p, SBP_NODE_FILTER, S("sub path"), &refused, NULL),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_value_new(p, SBP_VALUE_CONSTANT, S("#t"), &refused, NULL),
                   SBP_E_INVALID_ARG);
  assert_null(refused);

  /* An operation name that would close the rule and open another. */
  const char *saved = op->text;
  size_t saved_len = op->text_len;
  plant(op, "a) (allow default");
  expect_refused(p, "operation name \"a) (allow default\" is not an SBPL symbol");
  op->text = saved;
  op->text_len = saved_len;

  /* A filter name with a space; the error carries the filter's position. */
  saved = f->text;
  saved_len = f->text_len;
  plant(f, "sub path");
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "filter name \"sub path\" is not an SBPL symbol");
  assert_int_equal(err.line, 4);
  assert_int_equal(err.column, 3);
  assert_string_equal(err.file, "x.sb");
  assert_null(out.ptr);
  f->text = saved;
  f->text_len = saved_len;

  /* A constant that would read back as a boolean. */
  saved = c->text;
  saved_len = c->text_len;
  plant(c, "#t");
  expect_refused(p, "constant name \"#t\" is not an SBPL symbol");
  c->text = saved;
  c->text_len = saved_len;

  /* Restored, the same tree serializes. */
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);
  assert_string_equal(out.ptr, "(allow file-read* (subpath \"/ok\") (socket-domain AF_UNIX))\n");
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

/* The whole tree is valid or not before anything is written: an invalid rule after one whose
 * name the writer refuses is the error, as is one before it. */
/* A rule with the action, appended to the profile's root. */
static sbp_node *new_rule(sbp_profile *p, sbp_action action) {
  sbp_node *r = NULL;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &r, NULL), SBP_OK);
  assert_int_equal(sbp_rule_set_action(r, action, NULL), SBP_OK);
  add(sbp_profile_root(p), r);
  return r;
}

static void test_invalid_after_refused(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *v = NULL;
  sbp_node *r1 = new_rule(p, SBP_ALLOW);
  sbp_node *op = named(p, SBP_NODE_OPERATION, "file-read*");
  add(r1, op);
  sbp_node *lit = named(p, SBP_NODE_FILTER, "literal");
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/a"), &v, NULL), SBP_OK);
  add(lit, v);
  add(r1, lit);
  sbp_node *r2 = new_rule(p, SBP_ALLOW);
  add(r2, named(p, SBP_NODE_OPERATION, "file-write*"));
  sbp_node *empty = named(p, SBP_NODE_FILTER, "subpath");
  add(r2, empty);
  assert_int_equal(sbp_node_set_position(empty, S("y.sb"), 7, 2, NULL), SBP_OK);
  sbp_node *r3 = new_rule(p, SBP_DENY);
  add(r3, named(p, SBP_NODE_OPERATION, "network*"));

  const char *saved = op->text;
  size_t saved_len = op->text_len;
  plant(op, "not a symbol");
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "filter has no value");
  assert_int_equal(err.line, 7);
  assert_null(out.ptr);
  /* with the empty filter filled, the refused name is the error */
  assert_int_equal(sbp_value_new(p, SBP_VALUE_STRING, S("/b"), &v, NULL), SBP_OK);
  add(empty, v);
  expect_refused(p, "operation name \"not a symbol\" is not an SBPL symbol");
  op->text = saved;
  op->text_len = saved_len;
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);
  assert_string_equal(out.ptr, "(allow file-read* (literal \"/a\"))\n(allow file-write* (subpath "
                               "\"/b\"))\n(deny network*)\n");
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

/* Names of the same length and first byte share a slot of the serializer's memo of names
 * already checked: one that differs from the remembered name in any single byte is checked
 * again (a byte no symbol holds is refused), and each is written whole, at every length
 * around the sizes copied in one or two pieces. */
static void test_names_beside_remembered_ones(void **state) {
  (void)state;
  static char good[24][24], other[24][24];
  for (size_t len = 1; len <= 20; len++) {
    for (size_t pos = 0; pos < len; pos++) {
      sbp_profile *p = NULL;
      assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
      sbp_node *ops[2];
      for (int k = 0; k < 2; k++) {
        sbp_node *r = new_rule(p, SBP_ALLOW);
        ops[k] = named(p, SBP_NODE_OPERATION, "file-read*");
        add(r, ops[k]);
      }
      memset(good[len], 'a', len);
      good[len][len] = '\0';
      memcpy(other[len], good[len], len + 1);
      other[len][pos] = 'b';
      plant(ops[0], good[len]);
      plant(ops[1], other[len]);
      sbp_buf out = SBP_BUF_INIT;
      sbp_error err = SBP_ERROR_INIT;
      assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_OK);
      char want[80];
      snprintf(want, sizeof want, "(allow %s)\n(allow %s)\n", good[len], other[len]);
      assert_string_equal(out.ptr, want);
      sbp_buf_dispose(&out);

      other[len][pos] = ' ';
      char message[80];
      snprintf(message, sizeof message, "operation name \"%s\" is not an SBPL symbol", other[len]);
      expect_refused(p, message);
      sbp_profile_free(p);
    }
  }
}

/* The serializer checks a plain rule by its shape (sbp__rule_is_plain) instead of walking
 * it with sbp_node_validate: every rule the shortcut takes must be one the walk passes, and
 * the rules the walk refuses, or that hold more than operations and one-value filters, must
 * go the long way. */
static sbp_node *value_of(sbp_profile *p, sbp_value_kind kind, const char *text) {
  sbp_node *v = NULL;
  assert_int_equal(sbp_value_new(p, kind, text, text ? strlen(text) : 0, &v, NULL), SBP_OK);
  return v;
}

static sbp_node *filter_of(sbp_profile *p, const char *name, sbp_node *v) {
  sbp_node *f = named(p, SBP_NODE_FILTER, name);
  if (v != NULL) add(f, v);
  return f;
}

#define expect_shape(r, plain, valid) expect_shape_at((r), (plain), (valid), __LINE__)
static void expect_shape_at(const sbp_node *r, int plain, int valid, int line) {
  int got_plain = sbp__rule_is_plain(r);
  int got_valid = sbp_node_validate(r, NULL) == SBP_OK;
  if (got_plain != plain || got_valid != valid)
    fail_msg("line %d: plain %d (want %d), valid %d (want %d)", line, got_plain, plain,
             got_valid, valid);
}

static void test_plain_rules_are_valid(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);

  sbp_node *r = new_rule(p, SBP_ALLOW);
  add(r, named(p, SBP_NODE_OPERATION, "file-read*"));
  expect_shape(r, 1, 1); /* operations alone */
  add(r, named(p, SBP_NODE_OPERATION, "file-write*"));
  add(r, filter_of(p, "subpath", value_of(p, SBP_VALUE_STRING, "/a")));
  add(r, filter_of(p, "regex", value_of(p, SBP_VALUE_REGEX, "^/b")));
  add(r, filter_of(p, "socket-domain", value_of(p, SBP_VALUE_CONSTANT, "AF_UNIX")));
  expect_shape(r, 1, 1);

  /* a modifier, a require-any, a filter of two values: valid, but walked */
  sbp_node *m = new_rule(p, SBP_DENY);
  add(m, named(p, SBP_NODE_OPERATION, "file-read*"));
  add(m, filter_of(p, "literal", value_of(p, SBP_VALUE_STRING, "/c")));
  sbp_node *report = named(p, SBP_NODE_MODIFIER, "report");
  add(m, report);
  expect_shape(m, 0, 1);
  sbp_node *any = new_rule(p, SBP_ALLOW);
  add(any, named(p, SBP_NODE_OPERATION, "file-read*"));
  sbp_node *ra = NULL;
  assert_int_equal(sbp_node_new(p, SBP_NODE_REQUIRE_ANY, &ra, NULL), SBP_OK);
  add(ra, filter_of(p, "literal", value_of(p, SBP_VALUE_STRING, "/d")));
  add(any, ra);
  expect_shape(any, 0, 1);
  sbp_node *two = new_rule(p, SBP_ALLOW);
  add(two, named(p, SBP_NODE_OPERATION, "file-read*"));
  sbp_node *f2 = filter_of(p, "literal", value_of(p, SBP_VALUE_STRING, "/e"));
  add(f2, value_of(p, SBP_VALUE_STRING, "/f"));
  add(two, f2);
  expect_shape(two, 0, 1);

  /* invalid: a filter without a value, a concatenation without parts, no action, no
   * operation first */
  sbp_node *empty = new_rule(p, SBP_ALLOW);
  add(empty, named(p, SBP_NODE_OPERATION, "file-read*"));
  add(empty, filter_of(p, "subpath", NULL));
  expect_shape(empty, 0, 0);
  sbp_node *concat = new_rule(p, SBP_ALLOW);
  add(concat, named(p, SBP_NODE_OPERATION, "file-read*"));
  add(concat, filter_of(p, "regex", value_of(p, SBP_VALUE_CONCAT, NULL)));
  expect_shape(concat, 0, 0);
  sbp_node *no_action = NULL;
  assert_int_equal(sbp_node_new(p, SBP_NODE_RULE, &no_action, NULL), SBP_OK);
  add(no_action, named(p, SBP_NODE_OPERATION, "file-read*"));
  no_action->kind = SBP_ACTION_NONE; /* a new rule allows; only the library could unset it */
  expect_shape(no_action, 0, 0);
  sbp_node *no_op = new_rule(p, SBP_ALLOW);
  add(no_op, filter_of(p, "subpath", value_of(p, SBP_VALUE_STRING, "/g")));
  expect_shape(no_op, 0, 0);
  sbp_node *nothing = new_rule(p, SBP_DENY);
  expect_shape(nothing, 0, 0);

  /* children only the library could link, under an operation and under a value: walked, and
   * the walk checks them (an empty concatenation is refused wherever it is) */
  sbp_node *deep_op = new_rule(p, SBP_ALLOW);
  sbp_node *op = named(p, SBP_NODE_OPERATION, "file-read*");
  add(deep_op, op);
  sbp__node_link_last(op, value_of(p, SBP_VALUE_CONCAT, NULL));
  expect_shape(deep_op, 0, 0);
  sbp_node *deep_value = new_rule(p, SBP_ALLOW);
  add(deep_value, named(p, SBP_NODE_OPERATION, "file-read*"));
  sbp_node *v = value_of(p, SBP_VALUE_STRING, "/h");
  add(deep_value, filter_of(p, "subpath", v));
  sbp__node_link_last(v, value_of(p, SBP_VALUE_CONCAT, NULL));
  expect_shape(deep_value, 0, 0);
  sbp_profile_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_not_symbols),
      cmocka_unit_test(test_invalid_after_refused),
      cmocka_unit_test(test_names_beside_remembered_ones),
      cmocka_unit_test(test_plain_rules_are_valid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
