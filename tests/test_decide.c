/* The decision engine: the data-driven table tests/data/decide/cases.tsv (each case decided
 * through the index and again rule by rule, both must agree with the table), plus the API's
 * edges: arguments, explanations, texts, the weak-fact table, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mini_sbpl.h"
#include "sbprofile.h"
#include "test_alloc.h"

#define S(lit) lit, sizeof(lit) - 1

static sbp_profile *profile_of(const char *text) {
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = mini_sbpl_read(text, strlen(text), "t.sb", NULL, &p, &err);
  if (rc != SBP_OK) fail_msg("profile does not read: %s (%u:%u)\n%s", err.message, err.line,
                             err.column, text);
  return p;
}

/* strtok_r is POSIX, not C11: a small portable replacement. */
static char *next_tok(char *s, const char *delim, char **save) {
  char *p = s ? s : *save;
  if (p == NULL) return NULL;
  p += strspn(p, delim);
  if (*p == '\0') {
    *save = NULL;
    return NULL;
  }
  char *e = p + strcspn(p, delim);
  if (*e != '\0') {
    *e = '\0';
    *save = e + 1;
  } else {
    *save = NULL;
  }
  return p;
}

/* "op k=v k=v", or "simple:OP TARGET". Values: #N integer; PROTO:HOST:PORT for local/remote. */
static void fill_request(sbp_request *r, const char *spec) {
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", spec);
  sbp_error err = SBP_ERROR_INIT;
  if (strncmp(buf, "simple:", 7) == 0) {
    char *sp = strchr(buf + 7, ' ');
    const char *target = sp ? sp + 1 : NULL;
    if (sp) *sp = '\0';
    int rc = sbp_request_set_simple(r, buf + 7, strlen(buf + 7), target, target ? strlen(target) : 0,
                                    &err);
    if (rc != SBP_OK) fail_msg("simple request %s: %s", spec, err.message);
    return;
  }
  char *save = NULL;
  char *tok = next_tok(buf, " ", &save);
  assert_non_null(tok);
  assert_int_equal(sbp_request_set_operation(r, tok, strlen(tok), &err), SBP_OK);
  while ((tok = next_tok(NULL, " ", &save)) != NULL) {
    char *eq = strchr(tok, '=');
    if (eq == NULL) fail_msg("bad attribute %s", tok);
    *eq = '\0';
    const char *v = eq + 1;
    int rc;
    if (strcmp(tok, "local") == 0 || strcmp(tok, "remote") == 0) {
      const char *c1 = strchr(v, ':');
      const char *c2 = strrchr(v, ':');
      assert_true(c1 && c2 && c1 != c2);
      const char *h = c1 + 1;
      size_t hl = (size_t)(c2 - h);
      if (hl >= 2 && h[0] == '[') {
        h++;
        hl -= 2;
      }
      int port = strcmp(c2 + 1, "*") == 0 ? SBP_PORT_ANY : atoi(c2 + 1);
      rc = sbp_request_set_netaddr(r, strcmp(tok, "local") == 0 ? SBP_ATTR_LOCAL : SBP_ATTR_REMOTE,
                                   v, (size_t)(c1 - v), h, hl, port, &err);
    } else if (v[0] == '#') {
      rc = sbp_request_set_named_attr(r, tok, strlen(tok), 1, NULL, 0, strtoll(v + 1, NULL, 0),
                                      &err);
    } else {
      rc = sbp_request_set_named_attr(r, tok, strlen(tok), 0, v, strlen(v), 0, &err);
    }
    if (rc != SBP_OK) fail_msg("attribute %s: %s", tok, err.message);
  }
}

static int result_of(const char *s) {
  if (strcmp(s, "allow") == 0) return SBP_DECISION_ALLOW;
  if (strcmp(s, "deny") == 0) return SBP_DECISION_DENY;
  if (strcmp(s, "unknown") == 0) return SBP_DECISION_UNKNOWN;
  fail_msg("bad result %s", s);
  return -1;
}

static int step_of(const char *s) {
  static const char *const names[] = {"none", "filtered", "unfiltered", "default", "terminal",
                                      "no-default"};
  for (int i = 0; i < 6; i++)
    if (strcmp(s, names[i]) == 0) return i;
  fail_msg("bad step %s", s);
  return -1;
}

static uint32_t flags_of(const char *s) {
  uint32_t f = 0;
  if (strcmp(s, "-") == 0) return 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  char *save = NULL;
  for (char *t = next_tok(buf, ",", &save); t; t = next_tok(NULL, ",", &save)) {
    uint32_t bit = 0;
    for (uint32_t b = 1; b != 0 && b <= (1u << 10); b <<= 1) {
      const char *n = sbp_decision_flag_name(b);
      if (n && strcmp(n, t) == 0) bit = b;
    }
    if (bit == 0) fail_msg("bad flag %s", t);
    f |= bit;
  }
  return f;
}

static uint32_t rule_line(const sbp_node *n) {
  uint32_t line = 0;
  if (n) sbp_node_position(n, NULL, &line, NULL);
  return line;
}

static char *unescape_profile(const char *s) {
  size_t n = strlen(s);
  char *o = malloc(n + 1);
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && s[i + 1] == 'n') {
      o[j++] = '\n';
      i++;
    } else {
      o[j++] = s[i];
    }
  }
  o[j] = '\0';
  return o;
}

typedef struct tcase {
  int lineno;
  char *f[8]; /* name profile request result rule step flags options */
} tcase;

static int run_case(const tcase *tc, int *covered_steps) {
  char *text = unescape_profile(tc->f[1]);
  sbp_profile *p = profile_of(text);
  sbp_decide_options opt = SBP_DECIDE_OPTIONS_INIT;
  uint32_t want_skipped = 0;
  const char *want_missing = NULL;
  char optbuf[256];
  snprintf(optbuf, sizeof optbuf, "%s", tc->f[7]);
  char *save = NULL;
  for (char *t = next_tok(optbuf, ",", &save); t; t = next_tok(NULL, ",", &save)) {
    if (strcmp(t, "-") == 0) continue;
    else if (strcmp(t, "canonical") == 0) opt.flags |= SBP_DECIDE_CANONICAL_PATHS;
    else if (strcmp(t, "assume-true") == 0) opt.unknown_policy = SBP_UNKNOWN_ASSUME_TRUE;
    else if (strcmp(t, "assume-false") == 0) opt.unknown_policy = SBP_UNKNOWN_ASSUME_FALSE;
    else if (strncmp(t, "skipped=", 8) == 0) want_skipped = (uint32_t)atoi(t + 8);
    else if (strncmp(t, "missing=", 8) == 0) want_missing = t + 8;
    else if (strncmp(t, "macos=", 6) == 0) {
      unsigned maj = 0, min = 0;
      if (sscanf(t + 6, "%u.%u", &maj, &min) != 2) fail_msg("bad macos %s", t);
      opt.macos = (maj << 16) | (min << 8);
    }
    else fail_msg("line %d: bad option %s", tc->lineno, t);
  }
  sbp_decider *d;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_decider_new(&d, p, &opt, &err), SBP_OK);
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  fill_request(r, tc->f[2]);
  int failures = 0;
  for (int mode = 0; mode < 2; mode++) {
    sbp_decide_options o = opt;
    if (mode) o.flags |= SBP_DECIDE_NO_INDEX;
    sbp_decision *dec;
    assert_int_equal(sbp_decide(d, r, &o, &dec, &err), SBP_OK);
    int want_result = result_of(tc->f[3]);
    uint32_t want_line = strcmp(tc->f[4], "-") == 0 ? 0 : (uint32_t)atoi(tc->f[4]);
    int want_step = step_of(tc->f[5]);
    uint32_t want_flags = flags_of(tc->f[6]);
    sbp_buf desc = SBP_BUF_INIT;
    assert_int_equal(sbp_decision_describe(dec, &desc, NULL), SBP_OK);
    if (sbp_decision_result(dec) != want_result || rule_line(sbp_decision_rule(dec)) != want_line ||
        sbp_decision_step_of(dec) != want_step || sbp_decision_flags(dec) != want_flags ||
        (want_skipped && rule_line(sbp_decision_skipped_rule(dec)) != want_skipped) ||
        (want_missing && (sbp_decision_missing_attr(dec) == NULL ||
                          strcmp(sbp_decision_missing_attr(dec), want_missing) != 0))) {
      print_error("cases.tsv:%d %s (%s): got %s; flags 0x%x, want %s line %s step %s flags %s\n",
                  tc->lineno, tc->f[0], mode ? "rule by rule" : "indexed", desc.ptr,
                  (unsigned)sbp_decision_flags(dec), tc->f[3], tc->f[4], tc->f[5], tc->f[6]);
      failures++;
    }
    covered_steps[want_step]++;
    sbp_buf_dispose(&desc);
    sbp_decision_free(dec);
  }
  /* the explanation names the decision and the chain */
  sbp_buf ex = SBP_BUF_INIT;
  assert_int_equal(sbp_explain(d, r, NULL, &ex, &err), SBP_OK);
  assert_non_null(strstr(ex.ptr, "chain:"));
  assert_non_null(strstr(ex.ptr, "decision: "));
  sbp_buf_dispose(&ex);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  free(text);
  return failures;
}

static void test_table(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_TEST_DATA");
  char path[1024];
  snprintf(path, sizeof path, "%s/decide/cases.tsv", dir ? dir : "tests/data");
  FILE *fp = fopen(path, "r");
  if (fp == NULL) fail_msg("cannot open %s", path);
  char line[8192];
  int lineno = 0, cases = 0, failures = 0;
  int steps[6] = {0};
  while (fgets(line, sizeof line, fp)) {
    lineno++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n == 0 || line[0] == '#') continue;
    tcase tc;
    tc.lineno = lineno;
    int nf = 0;
    char *p = line;
    while (nf < 8) {
      tc.f[nf++] = p;
      char *tab = strchr(p, '\t');
      if (tab == NULL) break;
      *tab = '\0';
      p = tab + 1;
    }
    if (nf != 8) fail_msg("cases.tsv:%d: %d fields, want 8", lineno, nf);
    failures += run_case(&tc, steps);
    cases++;
  }
  fclose(fp);
  print_message("decide table: %d cases\n", cases);
  assert_int_equal(failures, 0);
  assert_true(cases >= 60);
  for (int s = 1; s <= 5; s++) assert_true(steps[s] > 0);
}

/* ---- the API's edges -------------------------------------------------------------------- */

static void test_arguments(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  sbp_decider *d = NULL;
  assert_int_equal(sbp_decider_new(&d, NULL, NULL, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decider: NULL profile");
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n");
  sbp_decide_options bad = SBP_DECIDE_OPTIONS_INIT;
  bad.version = 99;
  assert_int_equal(sbp_decider_new(&d, p, &bad, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decider: options version 99 unknown");
  assert_int_equal(sbp_decider_new(&d, p, NULL, &err), SBP_OK);
  assert_ptr_equal(sbp_decider_profile(d), p);
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  sbp_decision *dec = NULL;
  assert_int_equal(sbp_decide(d, r, NULL, &dec, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: the request has no operation");
  assert_null(dec);
  assert_int_equal(sbp_request_set_operation(r, "", 0, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_string_attr(r, (sbp_attr)99, S("x"), &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "request: unknown attribute 99");
  assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_REMOTE, S("x"), &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, S("sctp"), S("*"), 1, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "request: unknown protocol \"sctp\"");
  assert_int_equal(sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, S("tcp"), S("*"), 70000, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_simple(r, S("network-outbound"), S("nonsense"), &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message,
                      "request: network target \"nonsense\" is neither a path nor PROTO:HOST:PORT");
  assert_int_equal(sbp_decide(NULL, r, NULL, &dec, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_decide(d, NULL, NULL, &dec, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_decide_into(d, r, NULL, NULL, &err), SBP_E_INVALID_ARG);
  /* NULL-tolerant accessors */
  assert_int_equal(sbp_decision_result(NULL), SBP_DECISION_UNKNOWN);
  assert_null(sbp_decision_rule(NULL));
  assert_int_equal(sbp_decision_rule_index(NULL), -1);
  assert_int_equal(sbp_decision_modifier_count(NULL), 0);
  assert_null(sbp_attr_name(SBP_ATTR_NONE));
  assert_string_equal(sbp_attr_name(SBP_ATTR_SYSCTL_NAME), "sysctl-name");
  assert_string_equal(sbp_decision_result_name(SBP_DECISION_DENY), "deny");
  assert_string_equal(sbp_decision_step_name(SBP_STEP_DEFAULT), "default rule");
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_decider_free(NULL);
  sbp_request_free(NULL);
  sbp_decision_free(NULL);
  sbp_profile_free(p);
}

static void test_decision_details(void **state) {
  (void)state;
  sbp_profile *p = profile_of(
      "(version 1)\n"
      "(deny default (with no-log))\n"
      "(allow mach-lookup (global-name \"com.apple.x\") (with report) (with message \"hi\"))\n");
  sbp_decision *dec = NULL;
  int result = -1;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_decide_simple(p, S("mach-lookup"), S("com.apple.x"), &result, &dec, &err),
                   SBP_OK);
  assert_int_equal(result, SBP_DECISION_ALLOW);
  assert_int_equal(sbp_decision_rule_index(dec), 1);
  assert_string_equal(sbp_decision_operation(dec), "mach-lookup");
  assert_int_equal(sbp_decision_modifier_count(dec), 2);
  assert_string_equal(sbp_node_text(sbp_decision_modifier(dec, 0), NULL), "report");
  assert_string_equal(sbp_node_text(sbp_decision_modifier(dec, 1), NULL), "message");
  assert_null(sbp_decision_modifier(dec, 2));
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_decision_describe(dec, &b, &err), SBP_OK);
  assert_string_equal(b.ptr,
                      "allow by (allow mach-lookup (global-name \"com.apple.x\") (with report) "
                      "(with message \"hi\")) at t.sb:3:1 [filtered rule]");
  sbp_buf_dispose(&b);
  sbp_decision_free(dec);
  assert_int_equal(sbp_decide_simple(p, S("mach-lookup"), S("com.apple.y"), &result, &dec, &err),
                   SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  assert_string_equal(sbp_decision_operation(dec), "default");
  assert_int_equal(sbp_decision_modifier_count(dec), 1);
  assert_int_equal(sbp_rule_text(sbp_decision_rule(dec), &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "(deny default (with no-log))");
  sbp_buf_dispose(&b);
  sbp_decision_free(dec);
  /* result only */
  assert_int_equal(sbp_decide_simple(p, S("sysctl-read"), S("kern.x"), &result, NULL, &err), SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_profile_free(p);
}

static void test_explain_text(void **state) {
  (void)state;
  sbp_profile *p = profile_of(
      "(version 1)\n"
      "(deny default)\n"
      "(allow file-read* (subpath \"/usr\"))\n"
      "(deny file-read-data (literal \"/usr/secret\"))\n"
      "(allow file-read* (signing-identifier \"com.x\"))\n");
  sbp_decider *d;
  sbp_request *r;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_decider_new(&d, p, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("/usr/secret"), &err), SBP_OK);
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_explain(d, r, NULL, &b, &err), SBP_OK);
  const char *want =
      "request: file-read-data path=\"/usr/secret\"\n"
      "chain: file-read-data -> file-read* -> file* -> default\n"
      "step 1, filtered rules (last written first):\n"
      "  on file-read-data:\n"
      "    t.sb:4:1: (deny file-read-data (literal \"/usr/secret\")) -> MATCH\n"
      "  on file-read*:\n"
      "    t.sb:5:1: (allow file-read* (signing-identifier \"com.x\")) -> unknown\n"
      "      (needs signing-identifier, which the request does not give)\n"
      "    t.sb:3:1: (allow file-read* (subpath \"/usr\")) -> MATCH\n"
      "  on default:\n"
      "step 2, unfiltered rules: none\n"
      "step 3, fallback: t.sb:2:1: (deny default)\n"
      "decision: unknown by (deny file-read-data (literal \"/usr/secret\")) at t.sb:4:1 "
      "[filtered rule]; unknown because (allow file-read* (signing-identifier \"com.x\")) at "
      "t.sb:5:1 needs signing-identifier {missing-attribute}\n"
      "  found on file-read-data\n"
      "  relies on: a filter needed an attribute the request did not give (three-valued "
      "logic) [-; if wrong: the answer depends on that attribute]\n";
  assert_string_equal(b.ptr, want);
  sbp_buf_dispose(&b);
  assert_int_equal(sbp_explain(NULL, r, NULL, &b, &err), SBP_E_INVALID_ARG);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
}

static void test_weak_fact_table(void **state) {
  (void)state;
  const char *conf = NULL, *cons = NULL;
  assert_string_equal(sbp_decision_flag_fact(SBP_DECISION_FLAG_UNFILTERED_ORDER, &conf, &cons),
                      "unfiltered rules rank below filtered ones, in either order");
  assert_string_equal(conf, "M");
  assert_string_equal(cons, "step 3.2 becomes plain last-wins");
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_TERMINAL, &conf, NULL));
  assert_string_equal(conf, "L");
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_WEAK_CHAIN, &conf, NULL));
  assert_string_equal(conf, "M");
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_REGEX_BRACES, &conf, NULL));
  assert_string_equal(conf, "L");
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_LONG_STRING, &conf, NULL));
  assert_string_equal(conf, "L");
  assert_null(sbp_decision_flag_fact(3u, NULL, NULL));
  assert_null(sbp_decision_flag_name(1u << 20));
}

static void test_regex_error_has_position(void **state) {
  (void)state;
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n  (allow file-read* (regex #\"^/a(\"))\n");
  sbp_decider *d = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_decider_new(&d, p, NULL, &err), SBP_E_SYNTAX);
  assert_null(d);
  assert_int_equal(err.line, 3);
  assert_non_null(strstr(err.message, "regex #\"^/a(\""));
  sbp_profile_free(p);
}

static void test_deep_filters(void **state) {
  (void)state;
  /* require-not nested 200 deep around a literal: no recursion, an even count is identity */
  char *text = malloc(10000);
  size_t n = 0;
  n += (size_t)sprintf(text + n, "(version 1)\n(deny default)\n(allow file-read* ");
  for (int i = 0; i < 200; i++) n += (size_t)sprintf(text + n, "(require-not ");
  n += (size_t)sprintf(text + n, "(literal \"/a\")");
  for (int i = 0; i < 200; i++) text[n++] = ')';
  n += (size_t)sprintf(text + n, ")\n");
  sbp_profile *p = profile_of(text);
  int result;
  assert_int_equal(sbp_decide_simple(p, S("file-read-data"), S("/a"), &result, NULL, NULL), SBP_OK);
  assert_int_equal(result, SBP_DECISION_ALLOW);
  assert_int_equal(sbp_decide_simple(p, S("file-read-data"), S("/b"), &result, NULL, NULL), SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_profile_free(p);
  free(text);
}

typedef struct oom_ctx {
  const char *text;
} oom_ctx;

static int oom_op(const sbp_alloc *alloc, void *vctx) {
  oom_ctx *c = vctx;
  sbp_profile *p = NULL;
  int rc = mini_sbpl_read(c->text, strlen(c->text), "t.sb", alloc, &p, NULL);
  if (rc != SBP_OK) return rc;
  sbp_decider *d = NULL;
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  sbp_buf b = SBP_BUF_INIT;
  rc = sbp_decider_new(&d, p, NULL, NULL);
  if (!rc) rc = sbp_request_new(&r, alloc, NULL);
  if (!rc) rc = sbp_request_set_simple(r, S("file-read-data"), S("/usr/lib/x"), NULL);
  if (!rc) rc = sbp_decide(d, r, NULL, &dec, NULL);
  if (!rc && sbp_decision_result(dec) != SBP_DECISION_ALLOW) rc = SBP_E_INVALID_TREE;
  if (!rc) rc = sbp_explain(d, r, NULL, &b, NULL);
  if (!rc) rc = sbp_assert_allows(p, r, NULL);
  sbp_buf_dispose(&b);
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  return rc;
}

static void test_allocation_failures(void **state) {
  (void)state;
  oom_ctx c = {"(version 1)\n(deny default)\n(allow file-read* (subpath \"/usr\") "
               "(prefix \"/opt/\") (regex #\"^/var/x\"))\n(allow mach-lookup (global-name \"a\"))\n"
               "(deny file-read* (require-all (literal \"/usr/lib/y\") (require-not "
               "(literal \"/z\"))))\n"};
  size_t n = test_alloc_exhaust(oom_op, &c);
  assert_true(n > 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_decision_details),
      cmocka_unit_test(test_explain_text),
      cmocka_unit_test(test_weak_fact_table),
      cmocka_unit_test(test_regex_error_has_position),
      cmocka_unit_test(test_deep_filters),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
