/* Decisions put into words (lib/explain.c, lib/request.c): the one-line description and the
 * full explanation of answers that rest on something missing (a parameter's value, an
 * import, an attribute the request does not give), with the rule skipped and the rule that
 * answered instead; a request described with every kind of attribute; the NULL arguments
 * each entry point refuses; and all of it with every allocation failing in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

static const char profile_text[] =
    "(version 1)\n"
    "(deny default)\n"
    "(import \"gone.sb\")\n"
    "(allow file-read* (subpath (string-append (param \"HOME\") \"/lib\")))\n"
    "(allow network-outbound (remote tcp \"localhost:80\"))\n"
    "(allow mach-lookup (global-name \"com.example.a\") (with report))\n"
    "(deny file-write* (literal \"/etc/x\"))\n";

typedef struct scenario {
  const char *op, *target;
  int result;
  const char *described; /* a part of sbp_decision_describe's text */
  const char *explained; /* a part of sbp_explain's text */
} scenario;

static const scenario scenarios[] = {
    {"file-read-data", "/Users/u/lib/x", SBP_DECISION_UNKNOWN,
     "at t.sb:4:1 would allow, but it needs a value for parameter \"HOME\"",
     "import \"gone.sb\" at t.sb:3:1"},
    {"mach-lookup", "com.example.a", SBP_DECISION_ALLOW,
     "allow by (allow mach-lookup (global-name \"com.example.a\") (with report)) at t.sb:6:1",
     "(allow mach-lookup (global-name \"com.example.a\") (with report))"},
    {"file-write-data", "/etc/x", SBP_DECISION_DENY,
     "deny by (deny file-write* (literal \"/etc/x\")) at t.sb:7:1", "/etc/x"},
};

static int read_profile(const sbp_alloc *alloc, sbp_profile **p) {
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  return sbp_profile_read(p, profile_text, strlen(profile_text), "t.sb", &ro, alloc, NULL);
}

/* Decides, describes and explains every scenario, and describes a request with attributes
 * of each kind; with check set, compares the texts with what they must say. */
static int words_op(const sbp_alloc *alloc, void *vcheck) {
  int check = vcheck != NULL;
  sbp_profile *p = NULL;
  int rc = read_profile(alloc, &p);
  if (rc != SBP_OK) return rc;
  sbp_decider *d = NULL;
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  sbp_buf b = SBP_BUF_INIT;
  rc = sbp_decider_new(&d, p, NULL, NULL);
  if (!rc) rc = sbp_request_new(&r, alloc, NULL);
  for (size_t i = 0; !rc && i < sizeof scenarios / sizeof scenarios[0]; i++) {
    const scenario *s = &scenarios[i];
    rc = sbp_request_set_simple(r, s->op, strlen(s->op), s->target, strlen(s->target), NULL);
    if (!rc) rc = sbp_decide(d, r, NULL, &dec, NULL);
    if (!rc) rc = sbp_decision_describe(dec, &b, NULL);
    if (!rc && check) {
      assert_int_equal(sbp_decision_result(dec), s->result);
      if (strstr(b.ptr, s->described) == NULL)
        fail_msg("%s %s: described as %s", s->op, s->target, b.ptr);
    }
    sbp_buf_dispose(&b);
    if (!rc && sbp_decision_rule(dec) != NULL) {
      rc = sbp_rule_text(sbp_decision_rule(dec), &b, NULL);
      if (!rc && check) assert_int_equal(b.ptr[0], '(');
      sbp_buf_dispose(&b);
    }
    if (!rc) rc = sbp_explain(d, r, NULL, &b, NULL);
    if (!rc && check && strstr(b.ptr, s->explained) == NULL)
      fail_msg("%s %s: explained as %s", s->op, s->target, b.ptr);
    sbp_buf_dispose(&b);
    sbp_decision_free(dec);
    dec = NULL;
  }
  /* a request with a string that needs escaping, an integer, a named attribute and an
   * address */
  if (!rc) rc = sbp_request_set_operation(r, S("network-outbound"), NULL);
  if (!rc) rc = sbp_request_set_string_attr(r, SBP_ATTR_PATH, S("/a \"b\" \\c"), NULL);
  if (!rc) rc = sbp_request_set_integer_attr(r, SBP_ATTR_SIGNAL_NUMBER, 42, NULL);
  if (!rc) rc = sbp_request_set_named_attr(r, S("made-up-attribute"), 0, S("v"), 0, NULL);
  if (!rc) rc = sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, S("udp"), S("localhost"), 53, NULL);
  if (!rc) rc = sbp_request_describe(r, &b, NULL);
  if (!rc && check) {
    if (strstr(b.ptr, "network-outbound") != b.ptr ||
        strstr(b.ptr, "\"/a \\\"b\\\" \\\\c\"") == NULL || strstr(b.ptr, "42") == NULL ||
        strstr(b.ptr, "made-up-attribute") == NULL || strstr(b.ptr, "udp") == NULL ||
        strstr(b.ptr, "53") == NULL)
      fail_msg("request described as %s", b.ptr);
  }
  sbp_buf_dispose(&b);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  return rc;
}

static void test_words(void **state) {
  (void)state;
  static int check = 1;
  assert_int_equal(words_op(NULL, &check), SBP_OK);
}

static void test_words_allocation_failures(void **state) {
  (void)state;
  size_t n = test_alloc_exhaust(words_op, NULL);
  assert_true(n > 10);
}

/* Every entry point refuses NULL where it needs something, and the accessors answer for a
 * NULL decision with their documented defaults. */
static void test_null_arguments(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf b = SBP_BUF_INIT;
  int result = 7;
  assert_int_equal(sbp_decide_simple(NULL, S("file-read-data"), S("/x"), &result, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(result, SBP_DECISION_UNKNOWN);
  assert_int_equal(sbp_decision_describe(NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_rule_text(NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_explain(NULL, NULL, NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_describe(NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_decision_new(NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_new(NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_operation(NULL, S("x"), &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_string_attr(NULL, SBP_ATTR_PATH, S("/x"), &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_integer_attr(NULL, SBP_ATTR_SIGNAL_NUMBER, 1, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_named_attr(NULL, S("x"), 0, S("y"), 0, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_netaddr(NULL, SBP_ATTR_REMOTE, S("tcp"), S("*"), 80, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_simple(NULL, S("x"), S("y"), &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_decision_step_of(NULL), SBP_STEP_NONE);
  assert_int_equal(sbp_decision_flags(NULL), 0);
  assert_null(sbp_decision_operation(NULL));
  assert_null(sbp_decision_skipped_rule(NULL));
  assert_null(sbp_decision_missing_attr(NULL));
  assert_null(sbp_decision_missing_import(NULL));
  assert_null(sbp_decision_rule(NULL));
  assert_int_equal(sbp_decision_rule_index(NULL), -1);
  assert_null(b.ptr);
  /* a node that is not a rule (the operation of the first rule) has no rule text */
  sbp_profile *p = NULL;
  assert_int_equal(read_profile(NULL, &p), SBP_OK);
  sbp_node *rule = sbp_node_first_child(sbp_profile_root(p));
  while (rule != NULL && sbp_node_type_of(rule) != SBP_NODE_RULE) rule = sbp_node_next(rule);
  assert_non_null(rule);
  assert_int_equal(sbp_rule_text(rule, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "(deny default)");
  sbp_buf_dispose(&b);
  sbp_node *op = sbp_node_first_child(rule);
  assert_int_equal(sbp_node_type_of(op), SBP_NODE_OPERATION);
  assert_int_equal(sbp_rule_text(op, &b, &err), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
}

/* The weak facts each flag stands for: name, fact id and confidence letter; an unknown flag
 * has none. */
static void test_flag_facts(void **state) {
  (void)state;
  static const struct {
    uint32_t flag;
    const char *name, *confidence;
    int fact;
  } rows[] = {
      {SBP_DECISION_FLAG_UNFILTERED_ORDER, "unfiltered-order", "M", 1},
      {SBP_DECISION_FLAG_TERMINAL, "terminal", "L", 2},
      {SBP_DECISION_FLAG_WEAK_CHAIN, "weak-chain", "M", 3},
      {SBP_DECISION_FLAG_REGEX_BRACES, "regex-braces", "L", 4},
      {SBP_DECISION_FLAG_MISSING_ATTR, "missing-attribute", "-", SBP_FACT_NONE},
      {SBP_DECISION_FLAG_UNKNOWN_NAME, "unknown-name", "-", SBP_FACT_NONE},
      {SBP_DECISION_FLAG_LONG_STRING, "long-string", "L", 5},
      {SBP_DECISION_FLAG_INFERRED_PARENT, "inferred-parent", "L", 7},
      {SBP_DECISION_FLAG_WILDCARD_TERMINAL, "wildcard-terminal", "L", 6},
      {SBP_DECISION_FLAG_MISSING_IMPORT, "missing-import", "-", SBP_FACT_NONE},
      {SBP_DECISION_FLAG_CHAIN_PRECEDENCE, "chain-precedence", "M", 16},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *conf = NULL, *wrong = NULL;
    const char *fact = sbp_decision_flag_fact(rows[i].flag, &conf, &wrong);
    assert_non_null(fact);
    assert_non_null(wrong);
    assert_string_equal(conf, rows[i].confidence);
    assert_string_equal(sbp_decision_flag_name(rows[i].flag), rows[i].name);
    assert_int_equal(sbp_decision_flag_fact_id(rows[i].flag), rows[i].fact);
    assert_string_equal(sbp_decision_flag_fact(rows[i].flag, NULL, NULL), fact);
  }
  assert_null(sbp_decision_flag_fact(1u << 11, NULL, NULL));
  assert_null(sbp_decision_flag_name(1u << 11));
  assert_int_equal(sbp_decision_flag_fact_id(1u << 11), SBP_FACT_NONE);
}

/* More refusals: NULL outputs, a NULL decider, an incomplete allocator; a decision with no
 * rule has no modifiers; sbp_decide_simple may be asked for the result only. */
static void test_more_null_arguments(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  assert_int_equal(read_profile(NULL, &p), SBP_OK);
  sbp_decider *dz = NULL;
  assert_int_equal(sbp_decider_new(&dz, p, NULL, &err), SBP_OK);
  sbp_request *rq = NULL;
  assert_int_equal(sbp_request_new(&rq, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_set_simple(rq, S("file-write-data"), S("/etc/x"), &err), SBP_OK);
  sbp_decision *d = NULL;
  assert_int_equal(sbp_decide(dz, rq, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: NULL out");
  assert_int_equal(sbp_decide(NULL, rq, NULL, &d, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: NULL decider");
  assert_null(d);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_explain(dz, NULL, NULL, &b, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_explain(dz, rq, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "explain: NULL argument");
  sbp_alloc half = {0};
  assert_int_equal(sbp_decision_new(&d, &half, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decision: allocator lacks a function");
  assert_int_equal(sbp_decision_modifier_count(NULL), 0);
  assert_null(sbp_decision_modifier(NULL, 0));
  assert_int_equal(sbp_decision_new(&d, NULL, &err), SBP_OK);
  assert_int_equal(sbp_decision_modifier_count(d), 0); /* no rule yet */
  assert_null(sbp_decision_modifier(d, 0));
  assert_int_equal(sbp_decision_describe(d, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decision: NULL argument");
  sbp_decision_free(d);
  /* the deny of /etc/x decides; it has no modifier */
  assert_int_equal(sbp_decide(dz, rq, NULL, &d, &err), SBP_OK);
  assert_int_equal(sbp_decision_result(d), SBP_DECISION_DENY);
  assert_int_equal(sbp_decision_modifier_count(d), 0);
  assert_null(sbp_decision_modifier(d, 0));
  sbp_decision_free(d);
  assert_int_equal(sbp_decide_simple(p, S("file-write-data"), S("/etc/x"), NULL, NULL, &err),
                   SBP_OK);
  int result = 0;
  assert_int_equal(sbp_decide_simple(p, S("file-write-data"), S("/etc/x"), &result, NULL, &err),
                   SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_request_free(rq);
  sbp_decider_free(dz);
  sbp_profile_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words),
      cmocka_unit_test(test_words_allocation_failures),
      cmocka_unit_test(test_null_arguments),
      cmocka_unit_test(test_flag_facts),
      cmocka_unit_test(test_more_null_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
