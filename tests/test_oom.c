/* Fault injection over every public entry point of common.h, profile.h and iter.h that can
 * allocate (conventions R11). Each operation runs once cleanly to count its allocator calls N;
 * then, for every k < N, in transient mode (only call k fails) and persistent mode (every call
 * from k on fails), it must return SBP_E_NOMEM (a transient failure may also be absorbed),
 * leave the profile exactly as it was (compared, comments and positions included, with a copy
 * taken before), leave it usable (the operation then succeeds) and freeable, and leak
 * nothing (the counting allocator's live count is 0 after teardown). With call N allowed,
 * the operation succeeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1
#define ALL_FLAGS (SBP_EQUAL_COMMENTS | SBP_EQUAL_POSITIONS | SBP_EQUAL_IMPORTS)

/* Longer than a whole arena chunk (64 KiB): text this long never fits in the current chunk,
 * so every call that copies it reaches the allocator. */
#define LONG_LEN 70000
static char long_text[LONG_LEN];

/* Enough small nodes to fill the arena's current chunk and start new ones. */
#define MANY 2500

#define TRY(call)                   \
  do {                              \
    int rc_ = (call);               \
    if (rc_ != SBP_OK) return rc_; \
  } while (0)

/* ---- fixtures -------------------------------------------------------------------------- */

static int add_named(sbp_profile *p, sbp_node *parent, sbp_node_type t, const char *s,
                     sbp_node **out) {
  sbp_node *n;
  TRY(sbp_node_new_named(p, t, s, strlen(s), &n, NULL));
  TRY(sbp_node_append_child(parent, n, NULL));
  if (out) *out = n;
  return SBP_OK;
}

static int add_value(sbp_profile *p, sbp_node *parent, sbp_value_kind k, const char *s) {
  sbp_node *v;
  TRY(sbp_value_new(p, k, s, strlen(s), &v, NULL));
  return sbp_node_append_child(parent, v, NULL);
}

/* A profile using every kind of node and value, with comments, positions and an import:
 *   (version 1) ; a comment  (import "bsd.sb")
 *   (deny default)
 *   ; reads
 *   (allow file-read* file-write* (subpath "/usr") (require-all (regex #"^/a") (require-not
 *          (literal (string-append "/b" (param "X"))))) (with report))
 *   (allow network-outbound (remote tcp "localhost:80") (socket-domain AF_UNIX)
 *          (x-integer 7) (x-bool #t) (remote udp))
 */
static int build_populated(sbp_profile *p) {
  sbp_node *root = sbp_profile_root(p), *rule, *f, *group, *not, *v, *concat, *mod;
  TRY(sbp_profile_set_version(p, 1, NULL));
  TRY(add_named(p, root, SBP_NODE_COMMENT, " a comment", NULL));
  TRY(add_named(p, root, SBP_NODE_IMPORT, "bsd.sb", NULL));

  TRY(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL));
  TRY(sbp_rule_set_action(rule, SBP_DENY, NULL));
  TRY(add_named(p, rule, SBP_NODE_OPERATION, "default", NULL));
  TRY(sbp_node_append_child(root, rule, NULL));

  TRY(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL));
  TRY(sbp_rule_set_comment(rule, S("reads"), NULL));
  TRY(sbp_node_set_position(rule, S("fixture.sb"), 3, 1, NULL));
  TRY(add_named(p, rule, SBP_NODE_OPERATION, "file-read*", NULL));
  TRY(add_named(p, rule, SBP_NODE_OPERATION, "file-write*", NULL));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "subpath", &f));
  TRY(add_value(p, f, SBP_VALUE_STRING, "/usr"));
  TRY(sbp_node_new(p, SBP_NODE_REQUIRE_ALL, &group, NULL));
  TRY(add_named(p, group, SBP_NODE_FILTER, "regex", &f));
  TRY(add_value(p, f, SBP_VALUE_REGEX, "^/a"));
  TRY(sbp_node_new(p, SBP_NODE_REQUIRE_NOT, &not, NULL));
  TRY(add_named(p, not, SBP_NODE_FILTER, "literal", &f));
  TRY(sbp_value_new(p, SBP_VALUE_CONCAT, NULL, 0, &concat, NULL));
  TRY(add_value(p, concat, SBP_VALUE_STRING, "/b"));
  TRY(add_value(p, concat, SBP_VALUE_PARAM, "X"));
  TRY(sbp_node_append_child(f, concat, NULL));
  TRY(sbp_node_append_child(group, not, NULL));
  TRY(sbp_node_append_child(rule, group, NULL));
  TRY(add_named(p, rule, SBP_NODE_MODIFIER, "report", &mod));
  TRY(sbp_node_set_position(mod, S("other.sb"), 9, 4, NULL));
  TRY(sbp_node_append_child(root, rule, NULL));

  TRY(sbp_node_new(p, SBP_NODE_RULE, &rule, NULL));
  TRY(add_named(p, rule, SBP_NODE_OPERATION, "network-outbound", NULL));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "remote", &f));
  TRY(sbp_value_new_netaddr(p, S("tcp"), S("localhost"), 80, &v, NULL));
  TRY(sbp_node_append_child(f, v, NULL));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "socket-domain", &f));
  TRY(add_value(p, f, SBP_VALUE_CONSTANT, "AF_UNIX"));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "x-integer", &f));
  TRY(sbp_value_new_integer(p, 7, &v, NULL));
  TRY(sbp_node_append_child(f, v, NULL));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "x-bool", &f));
  TRY(sbp_value_new_boolean(p, 1, &v, NULL));
  TRY(sbp_node_append_child(f, v, NULL));
  TRY(add_named(p, rule, SBP_NODE_FILTER, "remote", &f));
  TRY(sbp_value_new_netaddr(p, S("udp"), NULL, 0, SBP_PORT_ANY, &v, NULL));
  TRY(sbp_node_append_child(f, v, NULL));
  return sbp_node_append_child(root, rule, NULL);
}

typedef int (*fixture_fn)(sbp_profile *p);
static int build_empty(sbp_profile *p) {
  (void)p;
  return SBP_OK;
}

/* The n-th rule among the root's items (0-based), or NULL. */
static sbp_node *nth_rule(sbp_profile *p, int n) {
  for (sbp_node *c = sbp_node_first_child(sbp_profile_root(p)); c; c = sbp_node_next(c))
    if (sbp_node_type_of(c) == SBP_NODE_RULE && n-- == 0) return c;
  return NULL;
}

/* ---- the driver ------------------------------------------------------------------------ */

typedef int (*op_fn)(sbp_profile *p, sbp_error *err);

/* One run of op on a fresh fixture with allocator call k failing (SIZE_MAX: none). Returns the
 * number of allocator calls op made. */
static size_t run_once(const char *what, fixture_fn fixture, op_fn op, size_t k, int persistent,
                       int *rc_out) {
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_profile *p = NULL, *before = NULL;
  assert_int_equal(sbp_profile_new(&p, &ta.alloc), SBP_OK);
  assert_int_equal(fixture(p), SBP_OK);
  assert_int_equal(sbp_profile_copy(p, &before, sbp_alloc_default(), NULL), SBP_OK);

  test_alloc_fail_at(&ta, k, persistent);
  sbp_error err = SBP_ERROR_INIT;
  int rc = op(p, &err);
  size_t calls = ta.calls;
  test_alloc_fail_at(&ta, SIZE_MAX, 0);

  const char *mode = persistent ? "persistent" : "transient";
  if (rc == SBP_E_NOMEM) {
    if (k == SIZE_MAX) fail_msg("%s: SBP_E_NOMEM with no failure injected", what);
    if (err.code != SBP_E_NOMEM || strcmp(err.message, "out of memory") != 0)
      fail_msg("%s: call %zu failed (%s): err holds %s \"%s\"", what, k, mode,
               sbp_status_name(err.code), err.message);
    if (!sbp_profile_equal(p, before, ALL_FLAGS) ||
        sbp_profile_version(p) != sbp_profile_version(before) ||
        sbp_profile_rule_count(p) != sbp_profile_rule_count(before))
      fail_msg("%s: call %zu failed (%s): the profile changed", what, k, mode);
    if (sbp_node_validate(sbp_profile_root(p), &err) != SBP_OK)
      fail_msg("%s: call %zu failed (%s): the tree is invalid: %s", what, k, mode, err.message);
    /* Still usable: with memory back, the same operation succeeds. */
    if (op(p, &err) != SBP_OK)
      fail_msg("%s: after call %zu failed (%s), a retry failed: %s", what, k, mode, err.message);
  } else if (rc != SBP_OK) {
    fail_msg("%s: call %zu failed (%s): got %s, expected SBP_E_NOMEM", what, k, mode,
             sbp_status_name(rc));
  } else if (persistent && k != SIZE_MAX && k < calls) {
    fail_msg("%s: call %zu failed persistently, yet the operation succeeded", what, k);
  }
  sbp_profile_free(p);
  sbp_profile_free(before);
  if (ta.live != 0)
    fail_msg("%s: call %zu failed (%s): %zu blocks leaked", what, k, mode, ta.live);
  *rc_out = rc;
  return calls;
}

/* Runs op under every failure point on the given fixture; returns the clean call count. */
static size_t exhaust_on(const char *what, fixture_fn fixture, op_fn op) {
  int rc;
  size_t clean = run_once(what, fixture, op, SIZE_MAX, 0, &rc);
  assert_int_equal(rc, SBP_OK);
  if (clean == 0) fail_msg("%s: made no allocator call; the test would prove nothing", what);
  for (int persistent = 0; persistent <= 1; persistent++)
    for (size_t k = 0; k < clean; k++) run_once(what, fixture, op, k, persistent, &rc);
  run_once(what, fixture, op, clean, 1, &rc);
  assert_int_equal(rc, SBP_OK);
  return clean;
}

/* Both on a fresh profile (the arena's first chunk) and on a populated one. */
static void exhaust(const char *what, op_fn op) {
  exhaust_on(what, build_empty, op);
  exhaust_on(what, build_populated, op);
}

/* ---- profiles -------------------------------------------------------------------------- */

static int op_profile_new(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p = (sbp_profile *)&p; /* must be reset to NULL on failure */
  int rc = sbp_profile_new(&p, alloc);
  if (rc != SBP_OK) {
    assert_null(p);
    return rc;
  }
  assert_int_equal(sbp_profile_rule_count(p), 0);
  sbp_profile_free(p);
  return SBP_OK;
}

static void test_profile_new(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_profile_new, NULL) >= 1);
}

/* Building the whole populated fixture is a sequence of every builder call. */
static int op_build_all(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p;
  TRY(sbp_profile_new(&p, alloc));
  int rc = build_populated(p);
  sbp_profile_free(p);
  return rc;
}

static void test_build_whole_profile(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_build_all, NULL) >= 2);
}

/* sbp_profile_copy into a given allocator, from a source that is never failed. */
static int op_profile_copy_into(const sbp_alloc *alloc, void *ctx) {
  const sbp_profile *src = ctx;
  sbp_profile *copy = (sbp_profile *)&copy;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_copy(src, &copy, alloc, &err);
  if (rc != SBP_OK) {
    assert_null(copy);
    assert_int_equal(err.code, rc);
    return rc;
  }
  assert_true(sbp_profile_equal(src, copy, ALL_FLAGS));
  sbp_profile_free(copy);
  return SBP_OK;
}

static void test_profile_copy_into_allocator(void **state) {
  (void)state;
  sbp_profile *src;
  assert_int_equal(sbp_profile_new(&src, NULL), SBP_OK);
  assert_int_equal(build_populated(src), SBP_OK);
  assert_true(test_alloc_exhaust(op_profile_copy_into, src) >= 2);
  /* A long comment gets a chunk of its own in the copy too. */
  assert_int_equal(sbp_rule_set_comment(nth_rule(src, 1), long_text, LONG_LEN, NULL), SBP_OK);
  assert_true(test_alloc_exhaust(op_profile_copy_into, src) >= 3);
  sbp_profile_free(src);
}

/* sbp_profile_copy with the source's own (failing) allocator. */
static int op_profile_copy_same(sbp_profile *p, sbp_error *err) {
  sbp_profile *copy = (sbp_profile *)&copy;
  int rc = sbp_profile_copy(p, &copy, NULL, err);
  if (rc != SBP_OK) {
    assert_null(copy);
    return rc;
  }
  assert_true(sbp_profile_equal(p, copy, ALL_FLAGS));
  sbp_profile_free(copy);
  return SBP_OK;
}

static void test_profile_copy(void **state) {
  (void)state;
  exhaust("sbp_profile_copy", op_profile_copy_same);
}

/* ---- node constructors ----------------------------------------------------------------- */

static int op_node_new(sbp_profile *p, sbp_error *err) {
  static const sbp_node_type types[] = {SBP_NODE_RULE, SBP_NODE_REQUIRE_ALL,
                                        SBP_NODE_REQUIRE_ANY, SBP_NODE_REQUIRE_NOT};
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_node_new(p, types[i % 4], &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    assert_int_equal(sbp_node_type_of(n), types[i % 4]);
  }
  return SBP_OK;
}

static void test_node_new(void **state) {
  (void)state;
  exhaust("sbp_node_new", op_node_new);
}

static const sbp_node_type named_types[] = {SBP_NODE_OPERATION, SBP_NODE_FILTER,
                                            SBP_NODE_MODIFIER, SBP_NODE_IMPORT,
                                            SBP_NODE_COMMENT};

static int op_node_new_named(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_node_new_named(p, named_types[i % 5], S("file-read-metadata"), &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
  }
  return SBP_OK;
}

static int op_node_new_named_long(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < 5; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_node_new_named(p, named_types[i], long_text, LONG_LEN, &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    size_t len;
    assert_non_null(sbp_node_text(n, &len));
    assert_int_equal(len, LONG_LEN);
  }
  return SBP_OK;
}

static void test_node_new_named(void **state) {
  (void)state;
  exhaust("sbp_node_new_named", op_node_new_named);
  exhaust("sbp_node_new_named (long text)", op_node_new_named_long);
}

static const sbp_value_kind text_kinds[] = {SBP_VALUE_STRING, SBP_VALUE_REGEX,
                                            SBP_VALUE_CONSTANT, SBP_VALUE_PARAM,
                                            SBP_VALUE_CONCAT};

static int op_value_new(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_value_new(p, text_kinds[i % 5], S("AF_INET"), &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    assert_int_equal(sbp_value_kind_of(n), text_kinds[i % 5]);
  }
  return SBP_OK;
}

static int op_value_new_long(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < 4; i++) { /* CONCAT ignores its text */
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_value_new(p, text_kinds[i], long_text, LONG_LEN, &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
  }
  return SBP_OK;
}

static void test_value_new(void **state) {
  (void)state;
  exhaust("sbp_value_new", op_value_new);
  exhaust("sbp_value_new (long text)", op_value_new_long);
}

static int op_value_new_integer(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_value_new_integer(p, i - 3, &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    assert_int_equal(sbp_value_integer(n), i - 3);
  }
  return SBP_OK;
}

static int op_value_new_boolean(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = sbp_value_new_boolean(p, i & 1, &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    assert_int_equal(sbp_value_integer(n), i & 1);
  }
  return SBP_OK;
}

static void test_value_new_number(void **state) {
  (void)state;
  exhaust("sbp_value_new_integer", op_value_new_integer);
  exhaust("sbp_value_new_boolean", op_value_new_boolean);
}

static int op_value_new_netaddr(sbp_profile *p, sbp_error *err) {
  for (int i = 0; i < MANY; i++) {
    sbp_node *n = (sbp_node *)&n;
    int rc = (i % 3 == 0)   ? sbp_value_new_netaddr(p, S("tcp"), S("localhost"), 8080, &n, err)
             : (i % 3 == 1) ? sbp_value_new_netaddr(p, S("udp6"), S("*"), SBP_PORT_ANY, &n, err)
                            : sbp_value_new_netaddr(p, S("ip"), NULL, 0, 0, &n, err);
    if (rc != SBP_OK) {
      assert_null(n);
      return rc;
    }
    assert_int_equal(sbp_value_kind_of(n), SBP_VALUE_NETADDR);
  }
  return SBP_OK;
}

static void test_value_new_netaddr(void **state) {
  (void)state;
  exhaust("sbp_value_new_netaddr", op_value_new_netaddr);
}

/* ---- editing attached nodes ------------------------------------------------------------ */

/* The root's first rule, or a fresh attached one on an empty profile. Allocation-free on the
 * populated fixture; on the empty one its own allocation is part of the operation. */
static int attached_rule(sbp_profile *p, sbp_node **rule, sbp_error *err) {
  *rule = nth_rule(p, 1);
  if (*rule != NULL) return SBP_OK;
  sbp_node *r, *op;
  TRY(sbp_node_new(p, SBP_NODE_RULE, &r, err));
  TRY(sbp_node_new_named(p, SBP_NODE_OPERATION, S("default"), &op, err));
  TRY(sbp_node_append_child(r, op, err));
  *rule = r; /* detached: an empty profile must stay empty when anything fails */
  return SBP_OK;
}

/* One call that mutates an attached node: on failure the node must be as it was. */
static int op_set_position(sbp_profile *p, sbp_error *err) {
  sbp_node *rule;
  TRY(attached_rule(p, &rule, err));
  TRY(sbp_node_set_position(rule, long_text, LONG_LEN, 40, 2, err));
  const char *file;
  uint32_t line, column;
  sbp_node_position(rule, &file, &line, &column);
  assert_int_equal(strlen(file), LONG_LEN);
  assert_int_equal(line, 40);
  assert_int_equal(column, 2);
  return SBP_OK;
}

static void test_set_position(void **state) {
  (void)state;
  exhaust("sbp_node_set_position", op_set_position);
}

static int op_set_comment(sbp_profile *p, sbp_error *err) {
  sbp_node *rule;
  TRY(attached_rule(p, &rule, err));
  TRY(sbp_rule_set_comment(rule, long_text, LONG_LEN, err));
  size_t len;
  assert_non_null(sbp_rule_comment(rule, &len));
  assert_int_equal(len, LONG_LEN);
  return SBP_OK;
}

static void test_set_comment(void **state) {
  (void)state;
  exhaust("sbp_rule_set_comment", op_set_comment);
}

/* ---- copies and iterators -------------------------------------------------------------- */

static int op_node_copy(sbp_profile *p, sbp_error *err) {
  /* From a profile of the default allocator (never failed) into p, many times, and then
   * p's own subtrees within p. */
  sbp_profile *src;
  assert_int_equal(sbp_profile_new(&src, NULL), SBP_OK);
  assert_int_equal(build_populated(src), SBP_OK);
  int rc = SBP_OK;
  for (int i = 0; i < 200 && rc == SBP_OK; i++) {
    sbp_node *n = (sbp_node *)&n;
    rc = sbp_node_copy(p, nth_rule(src, 1 + i % 2), &n, err);
    if (rc != SBP_OK) assert_null(n);
    else assert_true(sbp_node_equal(n, nth_rule(src, 1 + i % 2), ALL_FLAGS));
  }
  sbp_node *mine = nth_rule(p, 1);
  for (int i = 0; i < 200 && rc == SBP_OK && mine != NULL; i++) {
    sbp_node *n = (sbp_node *)&n;
    rc = sbp_node_copy(p, mine, &n, err);
    if (rc != SBP_OK) assert_null(n);
  }
  sbp_profile_free(src);
  return rc;
}

static void test_node_copy(void **state) {
  (void)state;
  exhaust("sbp_node_copy", op_node_copy);
}

static int op_iter_new(sbp_profile *p, sbp_error *err) {
  sbp_iter *it = (sbp_iter *)&it;
  int rc = sbp_iter_new(&it, sbp_profile_root(p), err);
  if (rc != SBP_OK) {
    assert_null(it);
    return rc;
  }
  size_t enters = 0, exits = 0;
  for (sbp_event ev; (ev = sbp_iter_next(it)) != SBP_EVENT_DONE;) {
    if (ev == SBP_EVENT_ENTER) enters++;
    if (ev == SBP_EVENT_EXIT) exits++;
  }
  assert_int_equal(enters, exits);
  assert_true(enters >= 1);
  sbp_iter_free(it);
  return SBP_OK;
}

static void test_iter_new(void **state) {
  (void)state;
  exhaust("sbp_iter_new", op_iter_new);
}

int main(void) {
  memset(long_text, 'a', sizeof long_text);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_profile_new),
      cmocka_unit_test(test_build_whole_profile),
      cmocka_unit_test(test_profile_copy_into_allocator),
      cmocka_unit_test(test_profile_copy),
      cmocka_unit_test(test_node_new),
      cmocka_unit_test(test_node_new_named),
      cmocka_unit_test(test_value_new),
      cmocka_unit_test(test_value_new_number),
      cmocka_unit_test(test_value_new_netaddr),
      cmocka_unit_test(test_set_position),
      cmocka_unit_test(test_set_comment),
      cmocka_unit_test(test_node_copy),
      cmocka_unit_test(test_iter_new),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
