/* The SBPL serializer and the debug dump: exact output for every node and value kind, both
 * layouts, comments on and off, escaping, rule splitting, hostile strings read back with an
 * independent strict reader, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "sexpr.h"
#include "test_alloc.h"
#include "test_files.h"

#define S(lit) lit, sizeof(lit) - 1

/* ---- building trees --------------------------------------------------------------------- */

static sbp_node *named(sbp_profile *p, sbp_node_type t, const char *s, size_t len) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_node_new_named(p, t, s, len, &n, NULL), SBP_OK);
  return n;
}
#define NAMED(p, t, lit) named((p), (t), S(lit))

static sbp_node *value(sbp_profile *p, sbp_value_kind k, const char *s, size_t len) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_value_new(p, k, s, len, &n, NULL), SBP_OK);
  return n;
}
#define STR(p, lit) value((p), SBP_VALUE_STRING, S(lit))

static sbp_node *integer(sbp_profile *p, int64_t v) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_value_new_integer(p, v, &n, NULL), SBP_OK);
  return n;
}

static sbp_node *boolean(sbp_profile *p, int v) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_value_new_boolean(p, v, &n, NULL), SBP_OK);
  return n;
}

static sbp_node *netaddr(sbp_profile *p, const char *proto, const char *host, int port) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_value_new_netaddr(p, proto, strlen(proto), host,
                                         host ? strlen(host) : 0, port, &n, NULL),
                   SBP_OK);
  return n;
}

static sbp_node *structural(sbp_profile *p, sbp_node_type t) {
  sbp_node *n = NULL;
  assert_int_equal(sbp_node_new(p, t, &n, NULL), SBP_OK);
  return n;
}

static sbp_node *add(sbp_node *parent, sbp_node *child) {
  assert_int_equal(sbp_node_append_child(parent, child, NULL), SBP_OK);
  return parent;
}

/* A filter NAME with one value. */
static sbp_node *filter1(sbp_profile *p, const char *name, sbp_node *v) {
  return add(named(p, SBP_NODE_FILTER, name, strlen(name)), v);
}

/* A rule ACTION OP appended to the profile. */
static sbp_node *rule(sbp_profile *p, sbp_action action, const char *op) {
  sbp_node *r = structural(p, SBP_NODE_RULE);
  assert_int_equal(sbp_rule_set_action(r, action, NULL), SBP_OK);
  add(r, named(p, SBP_NODE_OPERATION, op, strlen(op)));
  add(sbp_profile_root(p), r);
  return r;
}

static sbp_profile *new_profile(void) {
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  return p;
}

/* Serializes with the given flags (and limit, 0 for the default) and checks the exact text. */
static void expect_text(const sbp_profile *p, uint32_t flags, const char *want) {
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = flags;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_serialize(p, &o, &out, &err);
  if (rc != SBP_OK) fail_msg("sbp_serialize: %s: %s", sbp_status_name(rc), err.message);
  assert_non_null(out.ptr);
  assert_string_equal(out.ptr, want);
  assert_int_equal(out.len, strlen(want));
  sbp_buf_dispose(&out);
}

static void expect_node_text(const sbp_node *n, uint32_t flags, const char *want) {
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = flags;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_serialize_node(n, &o, &out, &err);
  if (rc != SBP_OK) fail_msg("sbp_serialize_node: %s: %s", sbp_status_name(rc), err.message);
  assert_string_equal(out.ptr, want);
  sbp_buf_dispose(&out);
}

/* ---- exact output ----------------------------------------------------------------------- */

/* A profile with every item, node and value kind. */
static sbp_profile *every_kind(void) {
  sbp_profile *p = new_profile();
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  sbp_node *root = sbp_profile_root(p);
  add(root, NAMED(p, SBP_NODE_COMMENT, "header\r\nsecond line"));
  add(root, NAMED(p, SBP_NODE_IMPORT, "bsd.sb"));

  sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
  add(r, NAMED(p, SBP_NODE_OPERATION, "file-write*"));
  assert_int_equal(sbp_rule_set_comment(r, S("why\nit is so"), NULL), SBP_OK);
  add(r, filter1(p, "subpath", STR(p, "/usr/lib")));
  sbp_node *rx = NAMED(p, SBP_NODE_FILTER, "regex");
  add(rx, value(p, SBP_VALUE_REGEX, S("^/a\\.b$")));
  add(rx, value(p, SBP_VALUE_REGEX, S("^/q\"x\\.$")));
  add(r, rx);
  add(r, filter1(p, "literal", value(p, SBP_VALUE_PARAM, S("HOME"))));
  sbp_node *cat = value(p, SBP_VALUE_CONCAT, NULL, 0);
  add(cat, value(p, SBP_VALUE_PARAM, S("HOME")));
  add(cat, STR(p, "/x"));
  sbp_node *inner = value(p, SBP_VALUE_CONCAT, NULL, 0);
  add(inner, STR(p, "/y"));
  add(inner, STR(p, "/z"));
  add(cat, inner);
  add(r, filter1(p, "literal", cat));
  sbp_node *all = structural(p, SBP_NODE_REQUIRE_ALL);
  add(all, filter1(p, "vnode-type", value(p, SBP_VALUE_CONSTANT, S("REGULAR-FILE"))));
  add(all, add(structural(p, SBP_NODE_REQUIRE_NOT), filter1(p, "literal", STR(p, "/a"))));
  sbp_node *any = structural(p, SBP_NODE_REQUIRE_ANY);
  add(any, filter1(p, "file-mode", integer(p, 420)));
  add(any, filter1(p, "xattr", STR(p, "x")));
  add(all, any);
  add(r, all);
  add(r, NAMED(p, SBP_NODE_MODIFIER, "report"));
  add(r, add(NAMED(p, SBP_NODE_MODIFIER, "message"), STR(p, "m")));

  r = rule(p, SBP_DENY, "network-outbound");
  add(r, filter1(p, "remote", netaddr(p, "tcp", "localhost", 8080)));
  add(r, filter1(p, "local", netaddr(p, "ip", "*", SBP_PORT_ANY)));
  add(r, filter1(p, "remote", netaddr(p, "udp6", NULL, 0)));

  r = rule(p, SBP_ALLOW, "iokit-open");
  add(r, filter1(p, "flag-a", boolean(p, 1)));
  add(r, filter1(p, "flag-b", boolean(p, 0)));
  add(r, filter1(p, "n", integer(p, -5)));
  add(r, filter1(p, "n", integer(p, INT64_MIN)));
  add(r, filter1(p, "n", value(p, SBP_VALUE_STRING, "", 0)));

  r = rule(p, SBP_DENY, "default");
  add(r, NAMED(p, SBP_NODE_MODIFIER, "no-log"));
  add(root, NAMED(p, SBP_NODE_COMMENT, ";; trailer"));
  add(root, NAMED(p, SBP_NODE_COMMENT, ""));
  return p;
}

/* The text every_kind() serializes to in one layout: tests/data/serialize/every-kind/
 * <layout>.sb (lines, compact, lines-no-comments, compact-no-comments); malloc'd. */
static char *every_text(const char *layout) {
  const char *dir = getenv("SBPROFILE_TEST_DATA");
  char path[1024];
  snprintf(path, sizeof(path), "%s/serialize/every-kind/%s.sb", dir ? dir : "tests/data",
           layout);
  size_t len;
  char *text = test_read_file(path, &len);
  if (text == NULL) fail_msg("cannot read %s", path);
  return text;
}

/* Line k (0-based) of text, without its newline; malloc'd. */
static char *line_of(const char *text, int k) {
  for (; k > 0; k--) {
    text = strchr(text, '\n');
    assert_non_null(text);
    text++;
  }
  size_t n = strcspn(text, "\n");
  char *line = malloc(n + 1);
  assert_non_null(line);
  memcpy(line, text, n);
  line[n] = '\0';
  return line;
}

static void test_every_kind_both_layouts(void **state) {
  (void)state;
  sbp_profile *p = every_kind();
  char *lines = every_text("lines"), *compact = every_text("compact");
  char *lines_nc = every_text("lines-no-comments"), *compact_nc = every_text("compact-no-comments");
  expect_text(p, SBP_SERIALIZE_DEFAULT, lines);
  expect_text(p, SBP_SERIALIZE_COMPACT | SBP_SERIALIZE_NO_COMMENTS, compact_nc);
  /* Compact with comments; lines without comments. */
  expect_text(p, SBP_SERIALIZE_COMPACT, compact);
  expect_text(p, SBP_SERIALIZE_NO_COMMENTS, lines_nc);
  /* NULL options are the defaults; the same tree always gives the same bytes. */
  sbp_buf a = SBP_BUF_INIT, b = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &a, NULL), SBP_OK);
  assert_int_equal(sbp_serialize(p, NULL, &b, NULL), SBP_OK);
  assert_string_equal(a.ptr, lines);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.ptr, b.ptr, a.len);
  /* A copy serializes identically. */
  sbp_profile *q = NULL;
  assert_int_equal(sbp_profile_copy(p, &q, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_serialize(q, NULL, &b, NULL), SBP_OK);
  assert_string_equal(b.ptr, lines);
  sbp_profile_free(q);
  sbp_buf_dispose(&a);
  sbp_buf_dispose(&b);
  free(lines);
  free(compact);
  free(lines_nc);
  free(compact_nc);
  sbp_profile_free(p);
}

static void test_empty_profile(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  expect_text(p, 0, "");
  assert_int_equal(sbp_profile_set_version(p, 1, NULL), SBP_OK);
  expect_text(p, 0, "(version 1)\n");
  sbp_profile_free(p);
}

static void test_serialize_node(void **state) {
  (void)state;
  sbp_profile *p = every_kind();
  sbp_node *root = sbp_profile_root(p);
  sbp_node *comment = sbp_node_first_child(root);
  sbp_node *import = sbp_node_next(comment);
  sbp_node *r = sbp_node_next(import);
  expect_node_text(comment, 0, "; header\n; second line");
  expect_node_text(comment, SBP_SERIALIZE_NO_COMMENTS, "");
  expect_node_text(import, 0, "(import \"bsd.sb\")");
  /* A rule alone is its line of the profile's compact text, without the newline. */
  char *compact_nc = every_text("compact-no-comments");
  char *iokit = line_of(compact_nc, 4), *first = line_of(compact_nc, 2);
  expect_node_text(sbp_node_next(sbp_node_next(r)), SBP_SERIALIZE_COMPACT, iokit);
  expect_node_text(r, SBP_SERIALIZE_COMPACT | SBP_SERIALIZE_NO_COMMENTS, first);
  free(iokit);
  free(first);
  free(compact_nc);
  /* Parts of a rule. */
  sbp_node *op = sbp_node_first_child(r);
  expect_node_text(op, 0, "file-read*");
  sbp_node *sub = sbp_node_next(sbp_node_next(op));
  expect_node_text(sub, 0, "(subpath \"/usr/lib\")");
  expect_node_text(sbp_node_first_child(sub), 0, "\"/usr/lib\"");
  sbp_node *all = sbp_node_last_child(r);
  all = sbp_node_previous(sbp_node_previous(all));
  expect_node_text(all, 0,
                   "(require-all (vnode-type REGULAR-FILE) (require-not (literal \"/a\")) "
                   "(require-any (file-mode 420) (xattr \"x\")))");
  expect_node_text(sbp_node_last_child(r), 0, "(with message \"m\")");
  /* The root gives the whole profile. */
  char *lines = every_text("lines");
  expect_node_text(root, 0, lines);
  free(lines);
  /* A detached rule. */
  sbp_node *d = structural(p, SBP_NODE_RULE);
  add(d, NAMED(p, SBP_NODE_OPERATION, "process-fork"));
  expect_node_text(d, 0, "(allow process-fork)");
  sbp_profile_free(p);
}

static void test_escaping(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
  add(r, filter1(p, "literal", STR(p, "/a\"b\\c")));
  add(r, filter1(p, "literal", STR(p, "\\\\\"\"")));
  add(r, filter1(p, "literal", STR(p, "/tab\there/nl\nthere/cr\rx\x01\x7f\xc3\xa9\xff")));
  add(r, filter1(p, "literal", STR(p, "\\u0041\\x41\\n")));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, S("\\.plist$"))));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, S("a\"b\\.c"))));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, S("#\"x"))));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, S(""))));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, S("a\\"))));
  add(r, filter1(p, "literal", value(p, SBP_VALUE_PARAM, S("P\"Q\\R"))));
  add(sbp_profile_root(p), NAMED(p, SBP_NODE_IMPORT, "/a \"b\" \\c.sb"));
  expect_text(p, SBP_SERIALIZE_COMPACT,
              "(allow file-read* (literal \"/a\\\"b\\\\c\") (literal \"\\\\\\\\\\\"\\\"\") "
              "(literal \"/tab\\there/nl\\nthere/cr\\rx\\x01\\x7F\xc3\xa9\xff\") "
              "(literal \"\\\\u0041\\\\x41\\\\n\") (regex #\"\\.plist$\") "
              "(regex \"a\\\"b\\\\.c\") (regex \"#\\\"x\") (regex #\"\") (regex \"a\\\\\") "
              "(literal (param \"P\\\"Q\\\\R\")))\n"
              "(import \"/a \\\"b\\\" \\\\c.sb\")\n");
  sbp_profile_free(p);
}

static void test_comment_lines(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *root = sbp_profile_root(p);
  add(root, NAMED(p, SBP_NODE_COMMENT, "a\nb\rc\r\nd\n\ne\n"));
  add(root, NAMED(p, SBP_NODE_COMMENT, " spaced"));
  add(root, NAMED(p, SBP_NODE_COMMENT, "\ttabbed"));
  add(root, NAMED(p, SBP_NODE_COMMENT, "x\n(allow default)"));
  sbp_node *r = rule(p, SBP_DENY, "default");
  assert_int_equal(sbp_rule_set_comment(r, S("\r\n)(allow default)"), NULL), SBP_OK);
  expect_text(p, 0,
              "; a\n; b\n; c\n; d\n;\n; e\n;\n"
              "; spaced\n"
              ";\ttabbed\n"
              "; x\n; (allow default)\n"
              ";\n; )(allow default)\n"
              "(deny default)\n");
  expect_text(p, SBP_SERIALIZE_NO_COMMENTS, "(deny default)\n");
  sbp_profile_free(p);
}

/* ---- arguments and errors ---------------------------------------------------------------- */

static void test_arguments(void **state) {
  (void)state;
  sbp_profile *p = every_kind();
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(NULL, NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "profile is NULL");
  assert_int_equal(sbp_serialize(NULL, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "profile is NULL");
  assert_int_equal(sbp_serialize(p, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "out is NULL");
  assert_int_equal(sbp_serialize_node(NULL, NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_debug_dump(NULL, &out, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "node is NULL");
  assert_int_equal(sbp_debug_dump(sbp_profile_root(p), NULL, &err), SBP_E_INVALID_ARG);

  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  assert_int_equal(o.version, SBP_SERIALIZE_OPTIONS_VERSION);
  assert_int_equal(o.flags, 0);
  assert_int_equal(o.split_limit, 65535);
  o.version = 0;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "options: unknown version 0");
  o.version = 2;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_INVALID_ARG);
  o.version = SBP_SERIALIZE_OPTIONS_VERSION;
  o.flags = 1u << 7;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "options: unknown flags 0x80");
  /* split_limit 0 means the default. */
  o.flags = 0;
  o.split_limit = 0;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);
  char *lines = every_text("lines");
  assert_string_equal(out.ptr, lines);
  free(lines);
  /* A failed call leaves the buffer empty, even when it held text before. */
  o.version = 0;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_INVALID_ARG);
  assert_null(out.ptr);
  assert_int_equal(out.len, 0);
  /* NULL err is fine. */
  assert_int_equal(sbp_serialize(NULL, NULL, &out, NULL), SBP_E_INVALID_ARG);
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

static void test_invalid_tree(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  /* A filter without a value. */
  sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
  sbp_node *f = NAMED(p, SBP_NODE_FILTER, "subpath");
  add(r, f);
  assert_int_equal(sbp_node_set_position(r, S("x.sb"), 3, 1, NULL), SBP_OK);
  assert_int_equal(sbp_node_set_position(f, S("x.sb"), 4, 3, NULL), SBP_OK);
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_INVALID_TREE);
  assert_string_equal(err.message, "filter has no value");
  assert_int_equal(err.line, 4);
  assert_null(out.ptr);
  assert_int_equal(sbp_serialize_node(r, NULL, &out, &err), SBP_E_INVALID_TREE);
  add(f, STR(p, "/ok"));
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_OK);
  /* Names that are not symbols cannot be made through the API; the serializer's refusal of
   * them is checked in test_serialize_whitebox.c. */
  expect_text(p, SBP_SERIALIZE_COMPACT, "(allow file-read* (subpath \"/ok\"))\n");
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

/* ---- splitting --------------------------------------------------------------------------- */

/* Reads text strictly; fails the test with the reader's message otherwise. */
static sx_node *read_back(const char *text, size_t len, int flags) {
  sx_node *tree = NULL;
  char msg[200];
  if (sx_read(text, len, flags, &tree, msg, sizeof(msg)) != 0)
    fail_msg("strict reader: %s\n--- text ---\n%.*s", msg, (int)(len > 2000 ? 2000 : len),
             text);
  return tree;
}

static int is_sym(const sx_node *n, const char *s) {
  return n->type == SX_SYMBOL && n->len == strlen(s) && memcmp(n->text, s, n->len) == 0;
}

#define NPATHS 5000

static void path_of(char *buf, size_t size, int i) {
  snprintf(buf, size, "/nix/store/%032d-package-%d", i * 7919, i);
}

/* The text of each rule in text (rules start at line starts with '('); returns the count. */
static size_t rule_spans(const char *text, size_t len, size_t *starts, size_t *lens, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '(' && (i == 0 || text[i - 1] == '\n')) {
      if (n > 0) lens[n - 1] = i - 1 - starts[n - 1]; /* without the newline */
      assert_true(n < max);
      starts[n++] = i;
    }
  }
  if (n > 0) lens[n - 1] = len - 1 - starts[n - 1];
  return n;
}

static void check_split(uint32_t flags, int one_filter) {
  sbp_profile *p = new_profile();
  sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
  add(r, NAMED(p, SBP_NODE_OPERATION, "file-read-metadata"));
  assert_int_equal(sbp_rule_set_comment(r, S("store paths"), NULL), SBP_OK);
  char path[128];
  sbp_node *big = one_filter ? NAMED(p, SBP_NODE_FILTER, "subpath") : NULL;
  for (int i = 0; i < NPATHS; i++) {
    path_of(path, sizeof(path), i);
    sbp_node *v = value(p, SBP_VALUE_STRING, path, strlen(path));
    if (one_filter) add(big, v);
    else add(r, filter1(p, "subpath", v));
  }
  if (one_filter) add(r, big);
  add(r, NAMED(p, SBP_NODE_MODIFIER, "report"));
  add(r, add(NAMED(p, SBP_NODE_MODIFIER, "message"), STR(p, "m")));

  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = flags;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);

  const int compact = (flags & SBP_SERIALIZE_COMPACT) != 0;
  const char *head = "(allow file-read* file-read-metadata";
  const char *tail = compact ? " (with report) (with message \"m\"))"
                             : "\n  (with report)\n  (with message \"m\"))";
  /* The comment comes once, before the first piece. */
  assert_memory_equal(out.ptr, "; store paths\n(allow ", 21);
  size_t starts[64], lens[64];
  size_t nrules = rule_spans(out.ptr, out.len, starts, lens, 64);
  assert_true(nrules >= 4);
  for (size_t k = 0; k < nrules; k++) {
    const char *t = out.ptr + starts[k];
    assert_memory_equal(t, head, strlen(head));
    assert_true(lens[k] > strlen(head) + strlen(tail));
    assert_memory_equal(t + lens[k] - strlen(tail), tail, strlen(tail));
    size_t filters = lens[k] - strlen(head) - strlen(tail);
    assert_true(filters <= 65535);
    /* Pieces are filled: every piece but the last is within one filter (or value) of the
     * limit. */
    if (k + 1 < nrules) assert_true(filters > 65535 - 80);
  }
  /* Read back: the same action, operations and modifiers in every piece, and every path in
   * order. */
  sx_node *tree = read_back(out.ptr, out.len, SX_QUOTE_ESCAPES);
  assert_int_equal(tree->nkids, nrules);
  int next = 0;
  for (size_t k = 0; k < tree->nkids; k++) {
    const sx_node *rl = tree->kids[k];
    assert_int_equal(rl->type, SX_LIST);
    assert_true(rl->nkids >= 6);
    assert_true(is_sym(rl->kids[0], "allow"));
    assert_true(is_sym(rl->kids[1], "file-read*"));
    assert_true(is_sym(rl->kids[2], "file-read-metadata"));
    char *m1 = sx_dump(rl->kids[rl->nkids - 2]);
    char *m2 = sx_dump(rl->kids[rl->nkids - 1]);
    assert_string_equal(m1, "(with report)");
    assert_string_equal(m2, "(with message \"m\")");
    free(m1);
    free(m2);
    if (one_filter) assert_int_equal(rl->nkids, 6); /* one (subpath ...) a piece */
    for (size_t j = 3; j + 2 < rl->nkids; j++) {
      const sx_node *f = rl->kids[j];
      assert_int_equal(f->type, SX_LIST);
      assert_true(is_sym(f->kids[0], "subpath"));
      if (!one_filter) assert_int_equal(f->nkids, 2);
      for (size_t v = 1; v < f->nkids; v++) {
        path_of(path, sizeof(path), next++);
        assert_int_equal(f->kids[v]->type, SX_STRING);
        assert_string_equal(f->kids[v]->text, path);
      }
    }
  }
  assert_int_equal(next, NPATHS);
  sx_free(tree);

  /* Splitting off: one rule, whatever its size. */
  o.flags = flags | SBP_SERIALIZE_NO_SPLIT;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);
  assert_int_equal(rule_spans(out.ptr, out.len, starts, lens, 64), 1);
  assert_true(out.len > 5 * 65535 / 2);
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

static void test_split_many_filters(void **state) {
  (void)state;
  check_split(0, 0);
  check_split(SBP_SERIALIZE_COMPACT, 0);
}

static void test_split_many_values(void **state) {
  (void)state;
  check_split(0, 1);
  check_split(SBP_SERIALIZE_COMPACT, 1);
}

static void expect_split(const sbp_profile *p, uint32_t flags, size_t limit, const char *want) {
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = flags;
  o.split_limit = limit;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_serialize(p, &o, &out, &err);
  if (rc != SBP_OK) fail_msg("sbp_serialize: %s: %s", sbp_status_name(rc), err.message);
  assert_string_equal(out.ptr, want);
  sbp_buf_dispose(&out);
}

static void test_split_exact(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  sbp_node *r = rule(p, SBP_DENY, "file-write*");
  add(r, filter1(p, "literal", STR(p, "/a")));             /* " (literal \"/a\")" = 15 */
  sbp_node *many = NAMED(p, SBP_NODE_FILTER, "subpath");   /* " (subpath" = 9, ")" = 1 */
  add(many, STR(p, "/b1"));                                /* " \"/b1\"" = 6 each */
  add(many, STR(p, "/b2"));
  add(many, STR(p, "/b3"));
  add(many, STR(p, "/b4"));
  add(r, many);
  add(r, filter1(p, "literal", STR(p, "/c")));
  add(r, NAMED(p, SBP_NODE_MODIFIER, "no-log"));
  /* Limit 31: the literal fits (15); subpath with four values (34) does not fit alone, so it
   * is cut between values: 10 + 6 + 6 + 6 = 28, then 10 + 6 = 16, plus the last literal 15. */
  expect_split(p, SBP_SERIALIZE_COMPACT, 31,
               "(deny file-write* (literal \"/a\") (with no-log))\n"
               "(deny file-write* (subpath \"/b1\" \"/b2\" \"/b3\") (with no-log))\n"
               "(deny file-write* (subpath \"/b4\") (literal \"/c\") (with no-log))\n");
  /* Exactly at the limit stays whole: 15 + 34 + 15 = 64. */
  expect_split(p, SBP_SERIALIZE_COMPACT, 64,
               "(deny file-write* (literal \"/a\") (subpath \"/b1\" \"/b2\" \"/b3\" \"/b4\") "
               "(literal \"/c\") (with no-log))\n");
  /* One byte less: the last literal moves to a piece of its own. */
  expect_split(p, SBP_SERIALIZE_COMPACT, 63,
               "(deny file-write* (literal \"/a\") (subpath \"/b1\" \"/b2\" \"/b3\" \"/b4\") "
               "(with no-log))\n"
               "(deny file-write* (literal \"/c\") (with no-log))\n");
  /* Lines layout: separators are "\n  " (3 bytes), so 17 + 36 + 17 = 70. */
  expect_split(p, 0, 70,
               "(deny file-write*\n  (literal \"/a\")\n  (subpath \"/b1\" \"/b2\" \"/b3\" \"/b4\")\n"
               "  (literal \"/c\")\n  (with no-log))\n");
  expect_split(p, 0, 69,
               "(deny file-write*\n  (literal \"/a\")\n  (subpath \"/b1\" \"/b2\" \"/b3\" \"/b4\")\n"
               "  (with no-log))\n"
               "(deny file-write*\n  (literal \"/c\")\n  (with no-log))\n");
  /* The smallest limit that works: 12 + 6 = 18 for "\n  (subpath \"/b1\")". */
  expect_split(p, 0, 18,
               "(deny file-write*\n  (literal \"/a\")\n  (with no-log))\n"
               "(deny file-write*\n  (subpath \"/b1\")\n  (with no-log))\n"
               "(deny file-write*\n  (subpath \"/b2\")\n  (with no-log))\n"
               "(deny file-write*\n  (subpath \"/b3\")\n  (with no-log))\n"
               "(deny file-write*\n  (subpath \"/b4\")\n  (with no-log))\n"
               "(deny file-write*\n  (literal \"/c\")\n  (with no-log))\n");
  /* sbp_serialize_node splits too, without the final newline. */
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT;
  o.split_limit = 63;
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize_node(r, &o, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr,
                      "(deny file-write* (literal \"/a\") (subpath \"/b1\" \"/b2\" \"/b3\" \"/b4\") "
                      "(with no-log))\n"
                      "(deny file-write* (literal \"/c\") (with no-log))");
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

static void test_split_limit_errors(void **state) {
  (void)state;
  sbp_profile *p = new_profile();
  rule(p, SBP_ALLOW, "process-exec");
  sbp_node *r = rule(p, SBP_DENY, "file-write*");
  add(r, NAMED(p, SBP_NODE_OPERATION, "file-read*"));
  add(r, filter1(p, "literal", STR(p, "/a")));
  sbp_node *many = NAMED(p, SBP_NODE_FILTER, "subpath");
  add(many, STR(p, "/b1"));
  add(many, STR(p, "/this-one-is-long"));
  add(r, many);
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT;
  o.split_limit = 20;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  /* No position: the message names the rule by number. */
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_LIMIT);
  assert_string_equal(err.message,
                      "rule 2 (deny file-write*): filter \"subpath\" with one value takes 30 "
                      "bytes, more than the split limit of 20, and cannot be split");
  assert_int_equal(err.line, 0);
  assert_null(out.ptr);
  assert_int_equal(out.len, 0);
  /* With a position, err carries it. */
  assert_int_equal(sbp_node_set_position(r, S("p.sb"), 7, 2, NULL), SBP_OK);
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_LIMIT);
  assert_int_equal(err.line, 7);
  assert_int_equal(err.column, 2);
  assert_string_equal(err.file, "p.sb");
  assert_int_equal(sbp_serialize_node(r, &o, &out, &err), SBP_E_LIMIT);
  assert_null(out.ptr);
  /* A filter with one value too large. */
  o.split_limit = 12;
  assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_E_LIMIT);
  assert_string_equal(err.message,
                      "rule 2 (deny file-write*): filter \"literal\" with one value takes 15 "
                      "bytes, more than the split limit of 12, and cannot be split");
  /* require-* expressions are not cut. */
  sbp_profile *q = new_profile();
  r = rule(q, SBP_ALLOW, "file-read*");
  sbp_node *any = structural(q, SBP_NODE_REQUIRE_ANY);
  add(any, filter1(q, "literal", STR(q, "/x")));
  add(any, filter1(q, "literal", STR(q, "/y")));
  add(r, any);
  assert_int_equal(sbp_serialize(q, &o, &out, &err), SBP_E_LIMIT);
  assert_string_equal(err.message,
                      "rule 1 (allow file-read*): require-any takes 44 bytes, more than the "
                      "split limit of 12, and cannot be split");
  /* Without splitting, any size goes. */
  o.flags |= SBP_SERIALIZE_NO_SPLIT;
  assert_int_equal(sbp_serialize(q, &o, &out, &err), SBP_OK);
  assert_string_equal(out.ptr,
                      "(allow file-read* (require-any (literal \"/x\") (literal \"/y\")))\n");
  sbp_buf_dispose(&out);
  sbp_profile_free(q);
  sbp_profile_free(p);
}

/* ---- hostile strings --------------------------------------------------------------------- */

/* Appends to the profile every place a string can go, all holding h. Names and import paths
 * must not be empty, nor hold a NUL. */
static void add_hostile(sbp_profile *p, const char *h, size_t n) {
  sbp_node *root = sbp_profile_root(p);
  add(root, named(p, SBP_NODE_COMMENT, h, n));
  add(root, named(p, SBP_NODE_IMPORT, h, n));
  sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
  assert_int_equal(sbp_rule_set_comment(r, h, n, NULL), SBP_OK);
  add(r, filter1(p, "subpath", value(p, SBP_VALUE_STRING, h, n)));
  add(r, filter1(p, "regex", value(p, SBP_VALUE_REGEX, h, n)));
  add(r, filter1(p, "literal", value(p, SBP_VALUE_PARAM, h, n)));
  sbp_node *cat = value(p, SBP_VALUE_CONCAT, NULL, 0);
  add(cat, value(p, SBP_VALUE_PARAM, h, n));
  add(cat, value(p, SBP_VALUE_STRING, h, n));
  add(r, filter1(p, "literal", cat));
  sbp_node *not = structural(p, SBP_NODE_REQUIRE_NOT);
  add(not, filter1(p, "regex", value(p, SBP_VALUE_REGEX, h, n)));
  add(r, not);
  add(r, add(NAMED(p, SBP_NODE_MODIFIER, "message"), value(p, SBP_VALUE_STRING, h, n)));
}

/* Appends to *dst (malloc'd) the text of src. */
static void cat_str(char **dst, size_t *len, const char *src) {
  size_t n = strlen(src);
  char *q = realloc(*dst, *len + n + 1);
  assert_non_null(q);
  memcpy(q + *len, src, n + 1);
  *dst = q;
  *len += n;
}

/* The comment nodes the strict reader must see for comment text h: one per piece between
 * LF, CR or CR LF, each with a space unless empty or starting with space, tab or ';'. */
static void expected_comments(char **dst, size_t *len, const char *h, size_t n) {
  size_t i = 0;
  for (;;) {
    size_t j = i;
    while (j < n && h[j] != '\n' && h[j] != '\r') j++;
    int space = j > i && h[i] != ' ' && h[i] != '\t' && h[i] != ';';
    char *e = sx_escape(h + i, j - i);
    cat_str(dst, len, " ;\"");
    if (space) cat_str(dst, len, " ");
    cat_str(dst, len, e);
    cat_str(dst, len, "\"");
    free(e);
    if (j >= n) break;
    if (h[j] == '\r' && j + 1 < n && h[j + 1] == '\n') j++;
    i = j + 1;
  }
}

/* Does a regex go out as a raw string? Not with a '"', a final '\\' or a control byte (raw
 * strings cannot escape one). */
static int goes_raw(const char *h, size_t n) {
  if (memchr(h, '"', n) != NULL || h[n - 1] == '\\') return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)h[i] < 0x20 || (unsigned char)h[i] == 0x7f) return 0;
  return 1;
}

/* The strict reader's dump of the profile add_hostile made, built independently. */
static char *expected_dump(const char *h, size_t n, int with_comments) {
  char *e = sx_escape(h, n);
  const char *rx = goes_raw(h, n) ? "#\"" : "\"";
  char *d = NULL;
  size_t len = 0;
  cat_str(&d, &len, "(");
  if (with_comments) expected_comments(&d, &len, h, n);
  cat_str(&d, &len, with_comments ? " (import \"" : "(import \"");
  cat_str(&d, &len, e);
  cat_str(&d, &len, "\")");
  if (with_comments) expected_comments(&d, &len, h, n);
  const char *parts[] = {" (allow file-read* (subpath \"", e, "\") (regex ", rx, e,
                         "\") (literal (param \"", e, "\")) (literal (string-append (param \"", e,
                         "\") \"", e, "\")) (require-not (regex ", rx, e,
                         "\")) (with message \"", e, "\")))"};
  for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) cat_str(&d, &len, parts[k]);
  free(e);
  /* The reader's top level is a list: drop the space after the opening parenthesis. */
  if (len > 1 && d[1] == ' ') memmove(d + 1, d + 2, len - 1);
  return d;
}

/* Serializes, reads back strictly, and compares with the intended structure. */
static void check_hostile(const char *h, size_t n) {
  sbp_profile *p = new_profile();
  add_hostile(p, h, n);
  for (int layout = 0; layout < 2; layout++) {
    for (int comments = 0; comments < 2; comments++) {
      sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
      o.flags = (layout ? SBP_SERIALIZE_COMPACT : 0) |
                (comments ? 0 : SBP_SERIALIZE_NO_COMMENTS);
      sbp_buf out = SBP_BUF_INIT;
      sbp_error err = SBP_ERROR_INIT;
      assert_int_equal(sbp_serialize(p, &o, &out, &err), SBP_OK);
      /* Only the serializer's escapes, no raw control byte (the reader refuses others). */
      sx_node *tree = read_back(out.ptr, out.len, SX_QUOTE_ESCAPES | SX_KEEP_COMMENTS);
      char *got = sx_dump(tree);
      char *want = expected_dump(h, n, comments);
      if (strcmp(got, want) != 0) {
        char *e = sx_escape(h, n);
        fail_msg("hostile string \"%s\":\n got: %s\nwant: %s", e, got, want);
      }
      /* And byte-identical strings, read from the tree itself. */
      const sx_node *r = tree->kids[tree->nkids - 1];
      const sx_node *sub = r->kids[2]->kids[1];
      assert_int_equal(sub->len, n);
      assert_memory_equal(sub->text, h, n);
      const sx_node *rx = r->kids[3]->kids[1];
      assert_int_equal(rx->len, n);
      assert_memory_equal(rx->text, h, n);
      assert_int_equal(rx->raw, goes_raw(h, n));
      free(got);
      free(want);
      sx_free(tree);
      sbp_buf_dispose(&out);
    }
  }
  sbp_profile_free(p);
}

static void test_hostile_strings(void **state) {
  (void)state;
  static const char *const hostile[] = {
      "\") (allow default) (\"",
      ") (allow default) (",
      "\\",
      "\\\\",
      "\"",
      "\"\"",
      "\\\"",
      "#\"",
      "\"#",
      "#\"x\" (allow default) #\"",
      ";",
      "; (allow default)",
      "\n",
      "\r",
      "\r\n",
      "\n(allow default)\n",
      "a\r(allow default)",
      "#|",
      "|#",
      "#| (allow default) |#",
      "#;",
      "#!",
      "#t",
      "'",
      "`(,x)",
      "(",
      ")",
      "\\u0041",
      "\\x41",
      "\\0",
      "\\n",
      "\\\n",
      "/a b/c",
      "\t \f\v",
      "\xc3\xa9\xe2\x80\xa8\xff\xfe",
      " leading space",
      ";; doubled",
      "x\"); (allow default) (regex #\"",
  };
  for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
    check_hostile(hostile[i], strlen(hostile[i]));
}

static void test_every_byte(void **state) {
  (void)state;
  for (int b = 1; b <= 255; b++) {
    char one[1] = {(char)b};
    check_hostile(one, 1);
    char three[5] = {'/', 'a', (char)b, 'b', (char)b};
    check_hostile(three, 5);
  }
  /* All bytes in one string. */
  char all[255];
  for (int b = 1; b <= 255; b++) all[b - 1] = (char)b;
  check_hostile(all, sizeof(all));
}

/* Each byte that takes an escape, alone and in pairs, at every offset of strings of 1 to 40
 * bytes (whole words, a last word that overlaps, short tails), in a literal and a regex:
 * the text must be exactly the documented escapes around verbatim runs. */
static size_t escape_by_rule(char *d, const char *t, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c == '"' || c == '\\') {
      d[o++] = '\\';
      d[o++] = (char)c;
    } else if (c == '\n' || c == '\t' || c == '\r') {
      d[o++] = '\\';
      d[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
    } else if (c < 0x20 || c == 0x7f) {
      d[o++] = '\\';
      d[o++] = 'x';
      d[o++] = hex[c >> 4];
      d[o++] = hex[c & 15];
    } else {
      d[o++] = (char)c;
    }
  }
  return o;
}

static void test_escape_offsets(void **state) {
  (void)state;
  static const unsigned char special[] = {'"', '\\', '\n', '\t', '\r', 0x01, 0x1f, 0x7f};
  /* bytes next to the special ones in value, which must pass verbatim */
  static const unsigned char plain[] = {' ', '!', '#', '[', ']', '~', 0x80, 0xff, 0x20, '/'};
  sbp_buf out = SBP_BUF_INIT;
  char text[48], want[256];
  for (size_t n = 1; n <= 40; n++) {
    for (size_t at = 0; at < n; at++) {
      for (size_t k = 0; k < sizeof special; k++) {
        for (size_t i = 0; i < n; i++) text[i] = (char)plain[(i + k) % sizeof plain];
        text[at] = (char)special[k];
        if (at + 3 < n) text[at + 3] = (char)special[(k + 1) % sizeof special];
        for (int re = 0; re < 2; re++) {
          sbp_profile *p = new_profile();
          sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
          add(r, filter1(p, re ? "regex" : "literal",
                         value(p, re ? SBP_VALUE_REGEX : SBP_VALUE_STRING, text, n)));
          sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
          o.flags = SBP_SERIALIZE_COMPACT;
          assert_int_equal(sbp_serialize(p, &o, &out, NULL), SBP_OK);
          /* a regex is raw when nothing could end it early: no '"', no control byte, no
           * '\\' at the end */
          int raw = re && memchr(text, '"', n) == NULL && text[n - 1] != '\\';
          for (size_t i = 0; raw && i < n; i++)
            if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] == 0x7f) raw = 0;
          const char *head = !re ? "(allow file-read* (literal \""
                             : raw ? "(allow file-read* (regex #\""
                                   : "(allow file-read* (regex \"";
          size_t w = strlen(head);
          memcpy(want, head, w);
          if (raw) {
            memcpy(want + w, text, n);
            w += n;
          } else {
            w += escape_by_rule(want + w, text, n);
          }
          memcpy(want + w, "\"))\n", 5);
          assert_string_equal(out.ptr, want);
          sbp_profile_free(p);
        }
      }
    }
  }
  sbp_buf_dispose(&out);
}

/* ---- deep nesting, many rules ------------------------------------------------------------ */

static void test_deep_nesting(void **state) {
  (void)state;
  enum { DEPTH = 100000 };
  sbp_profile *p = new_profile();
  sbp_node *r = rule(p, SBP_DENY, "file-read*");
  sbp_node *inner = filter1(p, "literal", STR(p, "/x"));
  for (int i = 0; i < DEPTH; i++)
    inner = add(structural(p, i % 2 ? SBP_NODE_REQUIRE_NOT : SBP_NODE_REQUIRE_ALL), inner);
  add(r, inner);
  sbp_node *cat = value(p, SBP_VALUE_CONCAT, NULL, 0);
  add(cat, STR(p, "/y"));
  for (int i = 0; i < DEPTH; i++) cat = add(value(p, SBP_VALUE_CONCAT, NULL, 0), cat);
  add(r, filter1(p, "literal", cat));
  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = SBP_SERIALIZE_COMPACT | SBP_SERIALIZE_NO_SPLIT;
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, &o, &out, NULL), SBP_OK);
  /* Build the expected text. */
  size_t cap = (size_t)DEPTH * 32 + 256, len = 0;
  char *want = malloc(cap);
  assert_non_null(want);
  len += (size_t)sprintf(want + len, "(deny file-read* ");
  for (int i = DEPTH - 1; i >= 0; i--)
    len += (size_t)sprintf(want + len, i % 2 ? "(require-not " : "(require-all ");
  len += (size_t)sprintf(want + len, "(literal \"/x\")");
  for (int i = 0; i < DEPTH; i++) want[len++] = ')';
  len += (size_t)sprintf(want + len, " (literal ");
  for (int i = 0; i <= DEPTH; i++) len += (size_t)sprintf(want + len, "(string-append ");
  len += (size_t)sprintf(want + len, "\"/y\"");
  for (int i = 0; i <= DEPTH; i++) want[len++] = ')';
  len += (size_t)sprintf(want + len, "))\n");
  assert_int_equal(out.len, len);
  assert_memory_equal(out.ptr, want, len);
  /* The strict reader agrees on the depth. */
  sx_node *tree = read_back(out.ptr, out.len, SX_QUOTE_ESCAPES);
  const sx_node *n;
  size_t depth = 0;
  n = tree->kids[0]->kids[2];
  while (n->type == SX_LIST && n->nkids == 2 &&
         (is_sym(n->kids[0], "require-all") || is_sym(n->kids[0], "require-not"))) {
    n = n->kids[1];
    depth++;
  }
  assert_int_equal(depth, DEPTH);
  sx_free(tree);
  free(want);
  /* The debug dump copes too, with bounded indentation. */
  assert_int_equal(sbp_debug_dump(r, &out, NULL), SBP_OK);
  assert_true(out.len < (size_t)DEPTH * 2 * 100);
  assert_non_null(strstr(out.ptr, "[depth 33] require-"));
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

/* ---- debug dump ------------------------------------------------------------------------- */

static void test_debug_dump(void **state) {
  (void)state;
  sbp_profile *p = every_kind();
  sbp_node *root = sbp_profile_root(p);
  sbp_node *r = sbp_node_next(sbp_node_next(sbp_node_first_child(root)));
  assert_int_equal(sbp_node_set_position(r, S("a \"b\".sb"), 12, 3, NULL), SBP_OK);
  assert_int_equal(sbp_node_set_position(sbp_node_first_child(r), NULL, 0, 12, 8, NULL),
                   SBP_OK);
  sbp_node *lit = NAMED(p, SBP_NODE_FILTER, "literal");
  add(lit, value(p, SBP_VALUE_STRING, S("/\t\n\r\x01\x7f\xc3\xa9\\\"")));
  add(r, lit);
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_debug_dump(root, &out, &err), SBP_OK);
  assert_string_equal(out.ptr,
                      "profile version=1\n"
                      "  comment \"header\\r\\nsecond line\"\n"
                      "  import \"bsd.sb\"\n"
                      "  rule allow comment=\"why\\nit is so\" @\"a \\\"b\\\".sb\":12:3\n"
                      "    operation \"file-read*\" @12:8\n"
                      "    operation \"file-write*\"\n"
                      "    filter \"subpath\"\n"
                      "      value string \"/usr/lib\"\n"
                      "    filter \"regex\"\n"
                      "      value regex \"^/a\\\\.b$\"\n"
                      "      value regex \"^/q\\\"x\\\\.$\"\n"
                      "    filter \"literal\"\n"
                      "      value param \"HOME\"\n"
                      "    filter \"literal\"\n"
                      "      value concat\n"
                      "        value param \"HOME\"\n"
                      "        value string \"/x\"\n"
                      "        value concat\n"
                      "          value string \"/y\"\n"
                      "          value string \"/z\"\n"
                      "    require-all\n"
                      "      filter \"vnode-type\"\n"
                      "        value constant \"REGULAR-FILE\"\n"
                      "      require-not\n"
                      "        filter \"literal\"\n"
                      "          value string \"/a\"\n"
                      "      require-any\n"
                      "        filter \"file-mode\"\n"
                      "          value integer 420\n"
                      "        filter \"xattr\"\n"
                      "          value string \"x\"\n"
                      "    filter \"literal\"\n"
                      "      value string \"/\\t\\n\\r\\x01\\x7f\\xc3\\xa9\\\\\\\"\"\n"
                      "    modifier \"report\"\n"
                      "    modifier \"message\"\n"
                      "      value string \"m\"\n"
                      "  rule deny\n"
                      "    operation \"network-outbound\"\n"
                      "    filter \"remote\"\n"
                      "      value netaddr \"tcp\" host=\"localhost\" port=8080\n"
                      "    filter \"local\"\n"
                      "      value netaddr \"ip\" host=\"*\" port=*\n"
                      "    filter \"remote\"\n"
                      "      value netaddr \"udp6\"\n"
                      "  rule allow\n"
                      "    operation \"iokit-open\"\n"
                      "    filter \"flag-a\"\n"
                      "      value boolean #t\n"
                      "    filter \"flag-b\"\n"
                      "      value boolean #f\n"
                      "    filter \"n\"\n"
                      "      value integer -5\n"
                      "    filter \"n\"\n"
                      "      value integer -9223372036854775808\n"
                      "    filter \"n\"\n"
                      "      value string \"\"\n"
                      "  rule deny\n"
                      "    operation \"default\"\n"
                      "    modifier \"no-log\"\n"
                      "  comment \";; trailer\"\n"
                      "  comment \"\"\n");
  /* A subtree, and a node that is not valid yet. */
  sbp_node *f = NAMED(p, SBP_NODE_FILTER, "subpath");
  assert_int_equal(sbp_debug_dump(f, &out, &err), SBP_OK);
  assert_string_equal(out.ptr, "filter \"subpath\"\n");
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
}

/* ---- allocation failures ---------------------------------------------------------------- */

typedef struct oom_ctx {
  uint32_t flags;
  size_t limit;
  int dump;
  int node;
} oom_ctx;

#define TRY(x)                 \
  do {                         \
    if ((rc = (x)) != SBP_OK) { \
      goto done;               \
    }                          \
  } while (0)

static int make_value(sbp_profile *p, sbp_value_kind k, const char *s, sbp_node **out) {
  return sbp_value_new(p, k, s, strlen(s), out, NULL);
}

/* Builds a profile with every item kind and a rule that splits, then serializes or dumps. */
static int oom_op(const sbp_alloc *alloc, void *vctx) {
  const oom_ctx *ctx = vctx;
  sbp_profile *p = NULL;
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_profile_new(&p, alloc);
  if (rc != SBP_OK) return rc;
  sbp_node *root = sbp_profile_root(p), *n, *r = NULL, *f, *v;
  TRY(sbp_profile_set_version(p, 1, NULL));
  TRY(sbp_node_new_named(p, SBP_NODE_COMMENT, S("c\nd"), &n, NULL));
  TRY(sbp_node_append_child(root, n, NULL));
  TRY(sbp_node_new_named(p, SBP_NODE_IMPORT, S("bsd.sb"), &n, NULL));
  TRY(sbp_node_append_child(root, n, NULL));
  TRY(sbp_node_new(p, SBP_NODE_RULE, &r, NULL));
  TRY(sbp_node_append_child(root, r, NULL));
  TRY(sbp_rule_set_comment(r, S("why"), NULL));
  TRY(sbp_node_new_named(p, SBP_NODE_OPERATION, S("file-read*"), &n, NULL));
  TRY(sbp_node_append_child(r, n, NULL));
  for (int i = 0; i < 40; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/some/\"quoted\\path/%d", i);
    TRY(sbp_node_new_named(p, SBP_NODE_FILTER, S("subpath"), &f, NULL));
    TRY(make_value(p, i % 2 ? SBP_VALUE_STRING : SBP_VALUE_REGEX, path, &v));
    TRY(sbp_node_append_child(f, v, NULL));
    TRY(sbp_node_append_child(r, f, NULL));
  }
  TRY(sbp_node_new_named(p, SBP_NODE_FILTER, S("literal"), &f, NULL));
  for (int i = 0; i < 20; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/value/%d", i);
    TRY(make_value(p, SBP_VALUE_STRING, path, &v));
    TRY(sbp_node_append_child(f, v, NULL));
  }
  TRY(sbp_node_append_child(r, f, NULL));
  TRY(sbp_node_new_named(p, SBP_NODE_MODIFIER, S("report"), &n, NULL));
  TRY(sbp_node_append_child(r, n, NULL));

  sbp_serialize_options o = SBP_SERIALIZE_OPTIONS_INIT;
  o.flags = ctx->flags;
  o.split_limit = ctx->limit;
  sbp_error err = SBP_ERROR_INIT;
  if (ctx->dump) rc = sbp_debug_dump(root, &out, &err);
  else if (ctx->node) rc = sbp_serialize_node(r, &o, &out, &err);
  else rc = sbp_serialize(p, &o, &out, &err);
  if (rc == SBP_OK) {
    assert_non_null(out.ptr);
    assert_true(out.len > 1000);
    assert_int_equal(out.ptr[out.len], '\0');
  } else {
    assert_int_equal(rc, SBP_E_NOMEM);
    assert_int_equal(err.code, SBP_E_NOMEM);
    assert_string_equal(err.message, "out of memory");
    assert_null(out.ptr);
    assert_int_equal(out.len, 0);
  }
done:
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
  return rc;
}

static void test_alloc_failures(void **state) {
  (void)state;
  oom_ctx cases[] = {
      {0, 0, 0, 0},
      {SBP_SERIALIZE_COMPACT, 200, 0, 0},  /* splits between filters and between values */
      {0, 300, 0, 1},
      {SBP_SERIALIZE_NO_COMMENTS | SBP_SERIALIZE_NO_SPLIT, 0, 0, 0},
      {0, 0, 1, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t calls = test_alloc_exhaust(oom_op, &cases[i]);
    /* The profile, its arena and the output; a split also takes a scratch buffer. */
    assert_true(calls >= (i == 1 ? 4u : 3u));
  }
}

/* A large output, so that the buffer grows many times, fails cleanly at every growth. */
static void test_alloc_failures_large(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, &ta.alloc), SBP_OK);
  for (int i = 0; i < 2000; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/Users/someone/Library/Caches/%d", i);
    sbp_node *r = rule(p, i % 3 ? SBP_ALLOW : SBP_DENY, "file-read*");
    add(r, filter1(p, "subpath", value(p, SBP_VALUE_STRING, path, strlen(path))));
  }
  sbp_buf out = SBP_BUF_INIT;
  size_t before = ta.calls;
  assert_int_equal(sbp_serialize(p, NULL, &out, NULL), SBP_OK);
  size_t calls = ta.calls - before;
  size_t live = ta.live;
  sbp_buf_dispose(&out);
  assert_true(calls >= 2);
  for (int persistent = 0; persistent <= 1; persistent++) {
    for (size_t k = 0; k < calls; k++) {
      test_alloc_fail_at(&ta, k, persistent);
      sbp_error err = SBP_ERROR_INIT;
      assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_NOMEM);
      assert_null(out.ptr);
      assert_int_equal(ta.live, live - 1);
    }
  }
  test_alloc_fail_at(&ta, SIZE_MAX, 0);
  assert_int_equal(sbp_serialize(p, NULL, &out, NULL), SBP_OK);
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
  assert_int_equal(ta.live, 0);
}

/* A profile is checked item by item as it is written, yet the status is the check's, as if
 * the whole tree were checked first: an invalid rule late in the profile is the error even
 * when memory ran out, or a filter was too large, before it; nothing is left allocated. */
static void test_invalid_after_write_failure(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, &ta.alloc), SBP_OK);
  for (int i = 0; i < 300; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/Users/someone/Library/Caches/%d", i);
    sbp_node *r = rule(p, SBP_ALLOW, "file-read*");
    add(r, filter1(p, "subpath", value(p, SBP_VALUE_STRING, path, strlen(path))));
  }
  sbp_node *late = rule(p, SBP_DENY, "file-write*");
  sbp_node *empty = NAMED(p, SBP_NODE_FILTER, "literal");
  add(late, empty);
  assert_int_equal(sbp_node_set_position(empty, S("late.sb"), 9, 4, NULL), SBP_OK);
  size_t live = ta.live;

  sbp_serialize_options small = SBP_SERIALIZE_OPTIONS_INIT;
  small.split_limit = 20;
  sbp_buf out = SBP_BUF_INIT;
  for (int round = 0; round < 7; round++) {
    /* memory failing at the first, second or third call, once or from then on; or room
     * enough and a split limit the first rule's filter exceeds */
    if (round < 6) test_alloc_fail_at(&ta, (size_t)round / 2, round % 2);
    else test_alloc_fail_at(&ta, SIZE_MAX, 0);
    sbp_error err = SBP_ERROR_INIT;
    assert_int_equal(sbp_serialize(p, round < 6 ? NULL : &small, &out, &err), SBP_E_INVALID_TREE);
    assert_string_equal(err.message, "filter has no value");
    assert_string_equal(err.file, "late.sb");
    assert_int_equal(err.line, 9);
    assert_int_equal(err.column, 4);
    assert_null(out.ptr);
    assert_int_equal(ta.live, live);
  }

  /* valid, the writer's own errors come back, with their positions */
  add(empty, STR(p, "/late"));
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, &small, &out, &err), SBP_E_LIMIT);
  assert_string_equal(err.message, "rule 1 (allow file-read*): filter \"subpath\" with one value "
                                   "takes 46 bytes, more than the split limit of 20, and cannot "
                                   "be split");
  assert_null(out.ptr);
  test_alloc_fail_at(&ta, 0, 1);
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_E_NOMEM);
  assert_string_equal(err.message, "out of memory");
  assert_string_equal(err.file, "");
  assert_int_equal(err.line, 0);
  assert_null(out.ptr);
  assert_int_equal(ta.live, live);
  test_alloc_fail_at(&ta, SIZE_MAX, 0);
  assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_OK);
  assert_true(out.len > 300 * 50);
  const char *tail = "(deny file-write*\n  (literal \"/late\"))\n";
  assert_string_equal(out.ptr + out.len - strlen(tail), tail);
  sbp_buf_dispose(&out);
  sbp_profile_free(p);
  assert_int_equal(ta.live, 0);
}

/* ---- the strict reader itself ------------------------------------------------------------ */

static void expect_read(const char *text, int flags, const char *want) {
  sx_node *t = NULL;
  char msg[200];
  int rc = sx_read(text, strlen(text), flags, &t, msg, sizeof(msg));
  if (rc != 0) fail_msg("sx_read(%s): %s", text, msg);
  char *d = sx_dump(t);
  assert_string_equal(d, want);
  free(d);
  sx_free(t);
}

static void expect_read_error(const char *text, int flags, const char *want) {
  sx_node *t = NULL;
  char msg[200];
  assert_int_equal(sx_read(text, strlen(text), flags, &t, msg, sizeof(msg)), -1);
  assert_null(t);
  assert_string_equal(msg, want);
}

static void test_strict_reader(void **state) {
  (void)state;
  expect_read("(allow file-read* (subpath \"/a\"))", 0, "((allow file-read* (subpath \"/a\")))");
  expect_read("  (a)(b) ; note\n c", SX_KEEP_COMMENTS, "((a) (b) ;\" note\" c)");
  expect_read("(a ; x\n b)", 0, "((a b))");
  expect_read("#!/usr/bin/env x\n(a)", 0, "((a))");
  /* TinyScheme string escapes. */
  expect_read("\"\\\"\\\\\\n\\t\\r\\x41\\101\\7z\\q\\.\"", 0, "(\"\\\"\\\\\\x0a\\x09\\x0dAA\\x07zq.\")");
  expect_read("\"a\nb\"", 0, "(\"a\\x0ab\")");
  /* Raw strings end at the next quote; backslashes are kept. */
  expect_read("#\"\\.plist$\" #\"a\\\"", 0, "(#\"\\\\.plist$\" #\"a\\\\\")");
  /* Atoms end only at ( ) ; and whitespace. */
  expect_read("a;b\n(c)d", 0, "(a (c) d)");
  expect_read("-5 +3 42 #t #f x-1", 0, "(-5 3 42 #t #f x-1)");
  expect_read_error("(a", 0, "offset 0: unclosed '('");
  expect_read_error("a)", 0, "offset 1: unbalanced ')'");
  expect_read_error("\"abc", 0, "offset 0: unterminated string");
  expect_read_error("#\"abc", 0, "offset 0: unterminated raw string");
  expect_read_error("#| x |#", 0, "offset 0: unsupported # syntax");
  expect_read_error("#;x", 0, "offset 0: unsupported # syntax");
  expect_read_error("'x", 0, "offset 0: quote syntax");
  expect_read_error("a\"b\"", 0, "offset 1: a quote inside an atom");
  expect_read_error("1.5", 0, "offset 0: not a plain decimal integer");
  expect_read_error("\"\\x4\"", 0, "offset 1: \\x needs two hex digits");
  expect_read_error("\"\\0\"", 0, "offset 1: string holds a NUL");
  expect_read_error("\"\\777\"", 0, "offset 1: octal escape above 255");
  expect_read_error("\"\\u\"", SX_QUOTE_ESCAPES,
                    "offset 1: escape \\u where only the serializer's are expected");
  expect_read_error("\"a\nb\"", SX_QUOTE_ESCAPES, "offset 2: raw control byte 0x0a in a string");
  expect_read_error("a\x01", 0, "offset 1: byte 0x01 inside an atom");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_kind_both_layouts),
      cmocka_unit_test(test_empty_profile),
      cmocka_unit_test(test_serialize_node),
      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_comment_lines),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_invalid_tree),
      cmocka_unit_test(test_split_many_filters),
      cmocka_unit_test(test_split_many_values),
      cmocka_unit_test(test_split_exact),
      cmocka_unit_test(test_split_limit_errors),
      cmocka_unit_test(test_hostile_strings),
      cmocka_unit_test(test_every_byte),
      cmocka_unit_test(test_escape_offsets),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_debug_dump),
      cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_alloc_failures_large),
      cmocka_unit_test(test_invalid_after_write_failure),
      cmocka_unit_test(test_strict_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
