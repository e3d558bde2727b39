/* Which kinds of value the builder lets each kind of filter take: a path or name filter, an
 * integer one, a boolean one (rootless-*), one taking any plain value (syscall-mask), a
 * network one, a regex one; a modifier's one argument; the parts of a concatenation. Each
 * refusal is SBP_E_INVALID_ARG with its message, and nothing is added. Also unix-socket in a
 * network filter and constants SBPL does not bind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

#define S(lit) lit, sizeof(lit) - 1

typedef enum value_kind { V_STRING, V_REGEX, V_CONSTANT, V_PARAM, V_CONCAT, V_INTEGER, V_BOOLEAN, V_NETADDR } value_kind;

/* Adds a value of `kind` to parent. */
static int add(sbp_node *parent, value_kind kind, sbp_error *err) {
  switch (kind) {
    case V_STRING: return sbp_node_add_string(parent, S("/s"), NULL, err);
    case V_REGEX: return sbp_node_add_regex(parent, S("^/r"), NULL, err);
    case V_CONSTANT: return sbp_node_add_constant(parent, S("AF_UNIX"), NULL, err);
    case V_PARAM: return sbp_node_add_param(parent, S("P"), NULL, err);
    case V_CONCAT: return sbp_node_add_concat(parent, NULL, err);
    case V_INTEGER: return sbp_node_add_integer(parent, 7, NULL, err);
    case V_BOOLEAN: return sbp_node_add_boolean(parent, 1, NULL, err);
    case V_NETADDR: return sbp_node_add_netaddr(parent, S("tcp"), S("*"), 80, NULL, err);
  }
  return SBP_E_INVALID_ARG;
}

typedef struct kind_case {
  const char *filter;
  value_kind kind;
  const char *refused; /* the message, or NULL when the value is taken */
} kind_case;

static const kind_case cases[] = {
    {"literal", V_STRING, NULL},
    {"literal", V_PARAM, NULL},
    {"literal", V_INTEGER, "value: the filter literal takes no integer"},
    {"literal", V_REGEX, "value: the filter literal takes no regex"},
    {"regex", V_REGEX, NULL},
    {"regex", V_STRING, "value: regex filter regex takes no string"},
    {"socket-domain", V_INTEGER, NULL},
    {"socket-domain", V_CONSTANT, NULL},
    {"socket-domain", V_BOOLEAN, "value: the filter socket-domain takes no boolean"},
    {"rootless-file-filter", V_BOOLEAN, NULL},
    {"rootless-file-filter", V_INTEGER, NULL},
    {"rootless-file-filter", V_STRING, NULL},
    {"rootless-file-filter", V_PARAM, "value: the filter rootless-file-filter takes no parameter"},
    {"rootless-file-filter", V_NETADDR,
     "value: the filter rootless-file-filter takes no network address"},
    {"syscall-mask", V_BOOLEAN, NULL},
    {"syscall-mask", V_INTEGER, NULL},
    {"syscall-mask", V_CONCAT, NULL},
    {"syscall-mask", V_NETADDR, "value: the filter syscall-mask takes no network address"},
    {"socket-domain", V_STRING, NULL},
    {"socket-domain", V_PARAM, NULL},
    {"socket-domain", V_REGEX, "value: the filter socket-domain takes no regex"},
    {"rootless-file-filter", V_CONSTANT, NULL},
    {"rootless-file-filter", V_REGEX, "value: the filter rootless-file-filter takes no regex"},
    {"syscall-mask", V_STRING, NULL},
    {"syscall-mask", V_PARAM, NULL},
    {"syscall-mask", V_CONSTANT, NULL},
    {"syscall-mask", V_REGEX, "value: the filter syscall-mask takes no regex"},
    {"remote", V_NETADDR, NULL},
    {"remote", V_STRING, "value: the filter remote takes no string"},
};

static sbp_node *rule_of(sbp_profile *p) {
  sbp_node *rule = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_profile_add_rule(p, SBP_ALLOW, S("file-read*"), &rule, &err) != SBP_OK)
    fail_msg("add_rule: %s", err.message);
  return rule;
}

static size_t children(const sbp_node *n) {
  size_t k = 0;
  for (const sbp_node *c = sbp_node_first_child(n); c; c = sbp_node_next(c)) k++;
  return k;
}

static void test_filter_kinds(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const kind_case *c = &cases[i];
    sbp_profile *p = NULL;
    assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
    sbp_node *f = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_node_add_filter(rule_of(p), c->filter, strlen(c->filter), &f, &err) != SBP_OK)
      fail_msg("%s: %s", c->filter, err.message);
    int rc = add(f, c->kind, &err);
    if (c->refused == NULL) {
      if (rc != SBP_OK) fail_msg("%s, kind %d: %s", c->filter, (int)c->kind, err.message);
      assert_int_equal(children(f), 1);
    } else {
      if (rc != SBP_E_INVALID_ARG || strcmp(err.message, c->refused) != 0)
        fail_msg("%s, kind %d: %s '%s', expected '%s'", c->filter, (int)c->kind,
                 sbp_status_name(rc), err.message, c->refused);
      assert_int_equal(children(f), 0);
    }
    sbp_profile_free(p);
  }
}

/* A modifier takes one argument of a plain kind; a concatenation takes the texts its filter
 * takes, never empty and never two in a row. */
static void test_modifier_and_concat(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *rule = rule_of(p), *m = NULL, *f = NULL, *cat = NULL, *rf = NULL, *rcat = NULL;
  assert_int_equal(sbp_rule_add_modifier(rule, S("message"), &m, &err), SBP_OK);
  assert_int_equal(add(m, V_BOOLEAN, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: a modifier takes no boolean");
  assert_int_equal(add(m, V_STRING, &err), SBP_OK);
  assert_int_equal(add(m, V_STRING, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: modifier message takes one argument");

  assert_int_equal(sbp_node_add_filter(rule, S("subpath"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_concat(f, &cat, &err), SBP_OK);
  assert_int_equal(add(cat, V_PARAM, &err), SBP_OK);
  assert_int_equal(sbp_node_add_string(cat, "", 0, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: an empty part of a concatenation");
  assert_int_equal(add(cat, V_REGEX, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: a concatenation takes no regex");
  assert_int_equal(add(cat, V_STRING, &err), SBP_OK);
  assert_int_equal(add(cat, V_STRING, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: two texts in a row in a concatenation (join them)");
  assert_int_equal(children(cat), 2);

  assert_int_equal(sbp_node_add_filter(rule, S("regex"), &rf, &err), SBP_OK);
  assert_int_equal(sbp_node_add_concat(rf, &rcat, &err), SBP_OK);
  assert_int_equal(add(rcat, V_STRING, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: a concatenation in a regex filter takes no string");
  assert_int_equal(add(rcat, V_REGEX, &err), SBP_OK);

  /* the profile as built reads back */
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &b, &err), SBP_OK);
  assert_non_null(strstr(b.ptr, "(subpath (string-append (param \"P\") \"/s\"))"));
  assert_non_null(strstr(b.ptr, "(with message \"/s\")"));
  sbp_buf_dispose(&b);
  sbp_profile_free(p);
}

/* unix-socket (or unix) goes first in a network filter, with nothing after it but a path
 * filter; a constant must be one SBPL binds (the message shows 60 bytes of a long name); a
 * modifier takes no regex. */
static void test_unix_socket_and_constants(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *rule = rule_of(p), *f = NULL, *g = NULL, *m = NULL;
  assert_int_equal(sbp_node_add_filter(rule, S("remote"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(f, S("unix"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_node_add_string(f, S("/s"), NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message,
                      "value: the filter remote with unix takes nothing after it but a path "
                      "filter");
  assert_int_equal(sbp_node_add_filter(rule, S("local"), &g, &err), SBP_OK);
  assert_int_equal(add(g, V_NETADDR, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(g, S("unix-socket"), NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: unix-socket must be the first value of the filter local");
  assert_int_equal(children(g), 1);
  static const char long_name[] =
      "NOT_A_CONSTANT_0123456789_0123456789_0123456789_0123456789_0123456789";
  sbp_node *h = NULL;
  assert_int_equal(sbp_node_add_filter(rule, S("socket-domain"), &h, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(h, S(long_name), NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: \"NOT_A_CONSTANT_0123456789_0123456789_0123456789_"
                                   "0123456789_0\" is not a named constant SBPL binds");
  assert_int_equal(sbp_rule_add_modifier(rule, S("message"), &m, &err), SBP_OK);
  assert_int_equal(add(m, V_REGEX, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "value: a modifier takes no regex");
  assert_int_equal(add(m, V_CONSTANT, &err), SBP_OK);
  sbp_profile_free(p);
  /* the old names from and to take unix too, with one path filter inside */
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_node *r2 = NULL, *to = NULL, *inner = NULL;
  assert_int_equal(sbp_profile_add_rule(p, SBP_ALLOW, S("network-outbound"), &r2, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(r2, S("to"), &to, &err), SBP_OK);
  assert_int_equal(sbp_node_add_constant(to, S("unix"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(to, S("literal"), &inner, &err), SBP_OK);
  assert_int_equal(sbp_node_add_string(inner, S("/x"), NULL, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(to, S("subpath"), &inner, &err), SBP_E_INVALID_TREE);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "(allow network-outbound\n  (to unix (literal \"/x\")))\n");
  sbp_buf_dispose(&b);
  sbp_profile_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_filter_kinds),
      cmocka_unit_test(test_modifier_and_concat),
      cmocka_unit_test(test_unix_socket_and_constants),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
