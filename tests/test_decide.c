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
#include "test_files.h"
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
    for (uint32_t b = 1; b != 0 && b <= (1u << 16); b <<= 1) {
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

static int evaluated_cases;

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
  /* the same profile through the library's own reader and evaluator must decide the same */
  sbp_profile *pe = NULL;
  if (sbp_profile_read(&pe, text, strlen(text), "t.sb", NULL, NULL, NULL) == SBP_OK) {
    sbp_decider *de;
    assert_int_equal(sbp_decider_new(&de, pe, &opt, &err), SBP_OK);
    sbp_decision *dec;
    assert_int_equal(sbp_decide(de, r, &opt, &dec, &err), SBP_OK);
    if (sbp_decision_result(dec) != result_of(tc->f[3]) ||
        rule_line(sbp_decision_rule(dec)) !=
            (strcmp(tc->f[4], "-") == 0 ? 0 : (uint32_t)atoi(tc->f[4])) ||
        sbp_decision_step_of(dec) != step_of(tc->f[5]) ||
        sbp_decision_flags(dec) != flags_of(tc->f[6])) {
      sbp_buf desc = SBP_BUF_INIT;
      assert_int_equal(sbp_decision_describe(dec, &desc, NULL), SBP_OK);
      print_error("cases.tsv:%d %s (evaluated profile): got %s; flags 0x%x\n", tc->lineno,
                  tc->f[0], desc.ptr, (unsigned)sbp_decision_flags(dec));
      sbp_buf_dispose(&desc);
      failures++;
    }
    evaluated_cases++;
    sbp_decision_free(dec);
    sbp_decider_free(de);
    sbp_profile_free(pe);
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
    tcase tc = {0};
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
  print_message("decide table: %d cases, %d also through sbp_profile_read\n", cases,
                evaluated_cases);
  assert_int_equal(failures, 0);
  assert_true(cases >= 150);
  assert_true(evaluated_cases >= cases * 9 / 10);
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
  assert_string_equal(err.message, "decide: NULL decision");
  assert_int_equal(sbp_decision_new(&dec, NULL, &err), SBP_OK);
  assert_int_equal(sbp_decide_into(NULL, r, NULL, dec, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: NULL decider");
  assert_int_equal(sbp_decide_into(d, NULL, NULL, dec, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: NULL request");
  assert_int_equal(sbp_request_set_operation(r, S("file-read-data"), &err), SBP_OK);
  sbp_decide_options opt = SBP_DECIDE_OPTIONS_INIT;
  opt.version = 0;
  assert_int_equal(sbp_decide_into(d, r, &opt, dec, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decide: options version 0 unknown");
  opt.version = SBP_DECIDE_OPTIONS_VERSION + 1;
  assert_int_equal(sbp_decide_into(d, r, &opt, dec, &err), SBP_E_INVALID_ARG);
  opt.version = SBP_DECIDE_OPTIONS_VERSION;
  assert_int_equal(sbp_decide_into(d, r, &opt, dec, &err), SBP_OK);
  assert_int_equal(sbp_decision_step_of(dec), SBP_STEP_DEFAULT);
  sbp_decision_free(dec);
  dec = NULL;
  assert_null(sbp_decider_profile(NULL));
  assert_string_equal(sbp_decision_step_name(-1), "unknown step");
  assert_string_equal(sbp_decision_step_name(SBP_STEP_NO_DEFAULT + 1), "unknown step");
  assert_string_equal(sbp_decision_step_name(SBP_STEP_NO_DEFAULT), "no default rule");
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
      "decision: unknown: (allow file-read* (signing-identifier \"com.x\")) at t.sb:5:1 would "
      "allow, but it needs signing-identifier, which the request does not give; otherwise "
      "deny by (deny file-read-data (literal \"/usr/secret\")) at t.sb:4:1 [filtered rule] "
      "{missing-attribute}\n"
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
  /* every flag that stands for a weak fact names its row of the catalog's fact table */
  static const struct {
    uint32_t flag;
    int fact;
  } rows[] = {{SBP_DECISION_FLAG_UNFILTERED_ORDER, SBP_FACT_UNFILTERED_BELOW_FILTERED},
              {SBP_DECISION_FLAG_TERMINAL, SBP_FACT_TERMINAL_BUILTIN},
              {SBP_DECISION_FLAG_WEAK_CHAIN, SBP_FACT_FALLBACK_CHAINS},
              {SBP_DECISION_FLAG_REGEX_BRACES, SBP_FACT_REGEX_COUNTED_REPETITION},
              {SBP_DECISION_FLAG_LONG_STRING, SBP_FACT_STRING_LITERAL_256},
              {SBP_DECISION_FLAG_INFERRED_PARENT, SBP_FACT_INFERRED_PARENT},
              {SBP_DECISION_FLAG_WILDCARD_TERMINAL, SBP_FACT_WILDCARD_SKIPS_TERMINAL},
              {SBP_DECISION_FLAG_CHAIN_PRECEDENCE, SBP_FACT_SPECIFIC_OPERATION_FIRST}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const char *conf = NULL, *cons = NULL;
    assert_int_equal(sbp_decision_flag_fact_id(rows[i].flag), rows[i].fact);
    assert_string_equal(sbp_decision_flag_fact(rows[i].flag, &conf, &cons),
                        sbp_catalog_fact_statement((sbp_fact)rows[i].fact));
    assert_string_equal(cons, sbp_catalog_fact_if_wrong((sbp_fact)rows[i].fact));
    assert_non_null(sbp_decision_flag_name(rows[i].flag));
  }
  const char *conf = NULL;
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_UNFILTERED_ORDER, &conf, NULL));
  assert_string_equal(conf, "M");
  assert_non_null(sbp_decision_flag_fact(SBP_DECISION_FLAG_TERMINAL, &conf, NULL));
  assert_string_equal(conf, "L");
  assert_int_equal(sbp_decision_flag_fact_id(SBP_DECISION_FLAG_MISSING_ATTR), SBP_FACT_NONE);
  assert_string_equal(sbp_decision_flag_fact(SBP_DECISION_FLAG_MISSING_ATTR, &conf, NULL),
                      "a filter needed an attribute the request did not give (three-valued logic)");
  assert_null(sbp_decision_flag_fact(3u, NULL, NULL));
  assert_null(sbp_decision_flag_name(1u << 20));
}

/* Point 15, fact SBP_FACT_SPECIFIC_OPERATION_FIRST: a specific deny against a later wildcard
 * allow. Plain last-wins answers allow and flags it; the other reading answers deny; strict
 * answers unknown. A request both readings agree on carries no flag. */
static int decide_with(const sbp_decider *d, const char *op, const char *path, uint32_t flags,
                       uint32_t *dflags, uint32_t *line) {
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, op, strlen(op), path, strlen(path), &err), SBP_OK);
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = flags;
  assert_int_equal(sbp_decide(d, r, &o, &dec, &err), SBP_OK);
  int result = sbp_decision_result(dec);
  *dflags = sbp_decision_flags(dec);
  *line = sbp_decision_rule(dec) ? rule_line(sbp_decision_rule(dec)) : 0;
  sbp_decision_free(dec);
  sbp_request_free(r);
  return result;
}

static void test_chain_precedence(void **state) {
  (void)state;
  assert_int_equal(sbp_catalog_fact_confidence(SBP_FACT_SPECIFIC_OPERATION_FIRST),
                   SBP_CONFIDENCE_MEDIUM);
  assert_int_equal(sbp_decision_flag_fact_id(SBP_DECISION_FLAG_CHAIN_PRECEDENCE),
                   SBP_FACT_SPECIFIC_OPERATION_FIRST);
  assert_string_equal(sbp_decision_flag_name(SBP_DECISION_FLAG_CHAIN_PRECEDENCE),
                      "chain-precedence");
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n"
                              "(deny file-write-unlink (subpath \"/a\"))\n"
                              "(allow file-write* (subpath \"/a\"))\n"
                              "(deny file-write-create)\n"
                              "(allow file-write* (subpath \"/b\"))\n");
  sbp_decider *d = NULL;
  assert_int_equal(sbp_decider_new(&d, p, NULL, NULL), SBP_OK);
  uint32_t f = 0, line = 0;
  for (size_t k = 0; k < 2; k++) {
    uint32_t slow = k ? SBP_DECIDE_NO_INDEX : 0;
    assert_int_equal(decide_with(d, "file-write-unlink", "/a/x", slow, &f, &line),
                     SBP_DECISION_ALLOW);
    assert_true(f & SBP_DECISION_FLAG_CHAIN_PRECEDENCE);
    assert_int_equal(line, 4);
    assert_int_equal(decide_with(d, "file-write-unlink", "/a/x", slow | SBP_DECIDE_SPECIFIC_FIRST,
                                 &f, &line),
                     SBP_DECISION_DENY);
    assert_true(f & SBP_DECISION_FLAG_CHAIN_PRECEDENCE);
    assert_int_equal(line, 3);
    assert_int_equal(decide_with(d, "file-write-unlink", "/a/x", slow | SBP_DECIDE_STRICT_PRECEDENCE,
                                 &f, &line),
                     SBP_DECISION_UNKNOWN);
    /* an unfiltered specific deny against a later filtered wildcard allow */
    assert_int_equal(decide_with(d, "file-write-create", "/b/x", slow, &f, &line),
                     SBP_DECISION_ALLOW);
    assert_true(f & SBP_DECISION_FLAG_CHAIN_PRECEDENCE);
    assert_int_equal(decide_with(d, "file-write-create", "/b/x", slow | SBP_DECIDE_SPECIFIC_FIRST,
                                 &f, &line),
                     SBP_DECISION_DENY);
    assert_int_equal(line, 5);
    /* both readings agree */
    assert_int_equal(decide_with(d, "file-write-data", "/a/x", slow | SBP_DECIDE_STRICT_PRECEDENCE,
                                 &f, &line),
                     SBP_DECISION_ALLOW);
    assert_false(f & SBP_DECISION_FLAG_CHAIN_PRECEDENCE);
    assert_int_equal(decide_with(d, "file-write-unlink", "/c", slow | SBP_DECIDE_STRICT_PRECEDENCE,
                                 &f, &line),
                     SBP_DECISION_DENY);
    assert_false(f & SBP_DECISION_FLAG_CHAIN_PRECEDENCE);
  }
  sbp_decider_free(d);
  sbp_profile_free(p);
}

/* Keys are hashed a word at a time and a path's prefixes incrementally, and the lengths at
 * which to look come from a bitmap per slot (one flag for DZ_LENS = 1024 bytes and more):
 * subpath, prefix, literal and regex keys of many lengths (across words, across bytes of the
 * bitmap, around 1024), against paths of as many lengths, decide as rule-by-rule evaluation
 * does. */
static void key_lengths_agree(const char *base, const size_t *lens, size_t nlens) {
  size_t n = strlen(base);
  char *text = malloc(nlens * (n + 80) + 64);
  char *path = malloc(n + 2);
  assert_non_null(text);
  assert_non_null(path);
  size_t o = (size_t)sprintf(text, "(version 1)\n(deny default)\n");
  for (size_t i = 0; i < nlens; i++) {
    size_t l = lens[i];
    if (l > n) continue;
    const char *act = l % 2 ? "allow" : "deny";
    switch (l % 4) {
      case 0: o += (size_t)sprintf(text + o, "(%s file-read* (subpath \"%.*s\"))\n", act, (int)l, base); break;
      case 1: o += (size_t)sprintf(text + o, "(%s file-read-data (prefix \"%.*s\"))\n", act, (int)l, base); break;
      case 2: o += (size_t)sprintf(text + o, "(%s file-read* (literal \"%.*s\"))\n", act, (int)l, base); break;
      default: o += (size_t)sprintf(text + o, "(%s file-read* (regex #\"^%.*s[a-z]\"))\n", act, (int)l, base); break;
    }
  }
  sbp_profile *p = profile_of(text);
  sbp_decider *d = NULL;
  assert_int_equal(sbp_decider_new(&d, p, NULL, NULL), SBP_OK);
  size_t matched = 0;
  for (size_t i = 0; i < nlens; i++) {
    for (int tail = 0; tail < 3; tail++) {
      size_t m = lens[i], pl = m;
      if (m > n) continue;
      memcpy(path, base, m);
      if (tail == 1) path[pl++] = 'q';
      if (tail == 2) path[pl++] = '/';
      path[pl] = '\0';
      uint32_t f1, f2, l1, l2;
      int r1 = decide_with(d, "file-read-data", path, 0, &f1, &l1);
      int r2 = decide_with(d, "file-read-data", path, SBP_DECIDE_NO_INDEX, &f2, &l2);
      if (r1 != r2 || f1 != f2 || l1 != l2)
        fail_msg("%.60s (%zu bytes): indexed %d line %u flags 0x%x, rule by rule %d line %u "
                 "flags 0x%x", path, pl, r1, l1, f1, r2, l2, f2);
      matched += l1 > 2; /* decided by a rule after the default */
    }
  }
  assert_true(matched > 2 * nlens); /* most paths meet a key */
  sbp_decider_free(d);
  sbp_profile_free(p);
  free(path);
  free(text);
}

static void test_key_lengths_index_agrees(void **state) {
  (void)state;
  size_t lens[64], nl = 0;
  for (size_t l = 1; l <= 35; l++) lens[nl++] = l;
  /* slashes at 3, 10, 19, 27; then at 7, 15, 23 (a subpath key of length k + 1 in the next
   * byte of the bitmap) */
  key_lengths_agree("/ab/cdefgh/ijklmnop/qrstuvw/xyz0123", lens, nl);
  key_lengths_agree("/abcdef/hijklmn/pqrstuv/xyz0123456", lens, nl);
  /* around DZ_LENS: a slash every 16 bytes, so at 1023 too */
  char *big = malloc(1201);
  assert_non_null(big);
  for (size_t i = 0; i < 1200; i++) big[i] = (i % 16 == 15) ? '/' : (char)('a' + i % 23);
  big[0] = '/';
  big[1200] = '\0';
  nl = 0;
  for (size_t l = 1018; l <= 1030; l++) lens[nl++] = l;
  static const size_t more[] = {1, 8, 16, 1008, 1039, 1040, 1041, 1100, 1199, 1200};
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) lens[nl++] = more[i];
  key_lengths_agree(big, lens, nl);
  free(big);
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
  /* a regex made with the builder has no position: the error has its rule's, when the rule
   * has one, and none otherwise */
  sbp_profile *b = NULL;
  sbp_node *rule = NULL, *f = NULL;
  assert_int_equal(sbp_profile_new(&b, NULL), SBP_OK);
  assert_int_equal(sbp_profile_add_rule(b, SBP_ALLOW, S("file-read*"), &rule, &err), SBP_OK);
  assert_int_equal(sbp_node_add_filter(rule, S("regex"), &f, &err), SBP_OK);
  assert_int_equal(sbp_node_add_regex(f, S("^/b["), NULL, &err), SBP_OK);
  assert_int_equal(sbp_decider_new(&d, b, NULL, &err), SBP_E_SYNTAX);
  assert_int_equal(err.line, 0);
  assert_non_null(strstr(err.message, "regex #\"^/b[\""));
  assert_int_equal(sbp_node_set_position(rule, S("built.sb"), 7, 3, &err), SBP_OK);
  assert_int_equal(sbp_decider_new(&d, b, NULL, &err), SBP_E_SYNTAX);
  assert_int_equal(err.line, 7);
  assert_int_equal(err.column, 3);
  assert_string_equal(err.file, "built.sb");
  sbp_decide_options zero = SBP_DECIDE_OPTIONS_INIT;
  zero.version = 0;
  assert_int_equal(sbp_decider_new(&d, b, &zero, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "decider: options version 0 unknown");
  sbp_profile_free(b);
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


/* One request decided by several deciders in turn: its memo of bucket positions must follow
 * the decider, including a new decider made where a freed one was. */
static void test_request_memo_follows_decider(void **state) {
  (void)state;
  sbp_profile *a = profile_of("(version 1)\n(deny default)\n(allow file-read* (subpath \"/a\"))\n");
  sbp_profile *b = profile_of("(version 1)\n(allow mach-lookup (global-name \"x\"))\n"
                              "(deny file-read-data (subpath \"/a\"))\n(allow default)\n");
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("/a/x"), NULL), SBP_OK);
  sbp_decision *dec;
  assert_int_equal(sbp_decision_new(&dec, NULL, NULL), SBP_OK);
  for (int round = 0; round < 4; round++) {
    sbp_decider *da, *db;
    assert_int_equal(sbp_decider_new(&da, a, NULL, NULL), SBP_OK);
    assert_int_equal(sbp_decide_into(da, r, NULL, dec, NULL), SBP_OK);
    assert_int_equal(sbp_decision_result(dec), SBP_DECISION_ALLOW);
    sbp_decider_free(da);
    assert_int_equal(sbp_decider_new(&db, b, NULL, NULL), SBP_OK);
    assert_int_equal(sbp_decide_into(db, r, NULL, dec, NULL), SBP_OK);
    assert_int_equal(sbp_decision_result(dec), SBP_DECISION_DENY);
    assert_int_equal(sbp_decision_rule_index(dec), 1);
    assert_int_equal(sbp_decide_into(db, r, NULL, dec, NULL), SBP_OK); /* memo hit */
    assert_int_equal(sbp_decision_rule_index(dec), 1);
    /* a new operation drops the memo */
    assert_int_equal(sbp_request_set_operation(r, S("file-read-metadata"), NULL), SBP_OK);
    assert_int_equal(sbp_decide_into(db, r, NULL, dec, NULL), SBP_OK);
    assert_int_equal(sbp_decision_result(dec), SBP_DECISION_ALLOW);
    assert_int_equal(sbp_decision_step_of(dec), SBP_STEP_DEFAULT);
    assert_int_equal(sbp_request_set_operation(r, S("file-read-data"), NULL), SBP_OK);
    sbp_decider_free(db);
  }
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_profile_free(a);
  sbp_profile_free(b);
}

static void test_request_forms(void **state) {
  (void)state;
  sbp_request *r;
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("network-outbound"), S("tcp6:[::1]:443"), &err),
                   SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "network-outbound remote=tcp6:[::1]:443");
  sbp_buf_dispose(&b);
  assert_int_equal(sbp_request_set_simple(r, S("network-bind"), S("udp:*:*"), &err), SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "network-bind local=udp:*:*");
  sbp_buf_dispose(&b);
  assert_int_equal(sbp_request_set_simple(r, S("signal"), S("same-sandbox"), &err), SBP_OK);
  assert_int_equal(sbp_request_set_integer_attr(r, SBP_ATTR_SIGNAL_NUMBER, 15, &err), SBP_OK);
  assert_int_equal(sbp_request_set_named_attr(r, S("process-attribute"), 0, S("is-sandboxed"), 0,
                                              &err),
                   SBP_OK);
  /* replacing a value, shorter then longer than its buffer */
  assert_int_equal(sbp_request_set_named_attr(r, S("process-attribute"), 0, S("x"), 0, &err), SBP_OK);
  char longv[100];
  memset(longv, 'y', sizeof longv);
  assert_int_equal(sbp_request_set_named_attr(r, S("process-attribute"), 0, longv, sizeof longv, 0,
                                              &err),
                   SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_int_equal(strncmp(b.ptr, "signal target=\"same-sandbox\" signal-number=15 "
                                  "process-attribute=\"yyyy", 62),
                   0);
  assert_int_equal(b.len, 65 + 100 + 1);
  sbp_buf_dispose(&b);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), NULL, 0, &err), SBP_OK);
  assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "file-read-data");
  sbp_buf_dispose(&b);
  /* integers in decimal at both ends of their range, and zero */
  const int64_t nums[] = {0, -7, 1234567890123, INT64_MIN, INT64_MAX};
  const char *const texts[] = {"0", "-7", "1234567890123", "-9223372036854775808",
                               "9223372036854775807"};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(sbp_request_set_simple(r, S("signal"), NULL, 0, &err), SBP_OK);
    assert_int_equal(sbp_request_set_integer_attr(r, SBP_ATTR_SIGNAL_NUMBER, nums[i], &err), SBP_OK);
    assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
    assert_string_equal(b.ptr + strlen("signal signal-number="), texts[i]);
    sbp_buf_dispose(&b);
  }
  sbp_request_free(r);
}

/* Request paths are decided as the kernel resolves them; relative ones are refused. */
static void test_request_paths(void **state) {
  (void)state;
  static const struct { const char *in, *out; } cases[] = {
      {"/Users/me/src/proj/../../../../etc/passwd", "/etc/passwd"},
      {"/a/../../../b", "/b"},
      {"//a///b/./c/", "/a/b/c"},
      {"/a/b/..", "/a"},
      {"/..", "/"},
      {"/./", "/"},
      {"/a/.b/..c/...", "/a/.b/..c/..."},
  };
  sbp_request *r;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (int form = 0; form < 3; form++) {
      const char *in = cases[i].in;
      if (form == 0) {
        assert_int_equal(sbp_request_set_simple(r, S("file-write-data"), in, strlen(in), &err), SBP_OK);
      } else if (form == 1) {
        /* twice: the second replaces the first in place */
        assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_PATH, in, strlen(in), &err), SBP_OK);
        assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_PATH, in, strlen(in), &err), SBP_OK);
      } else {
        assert_int_equal(sbp_request_set_named_attr(r, S("path"), 0, in, strlen(in), 0, &err), SBP_OK);
      }
      sbp_buf b = SBP_BUF_INIT;
      assert_int_equal(sbp_request_describe(r, &b, &err), SBP_OK);
      char want[200];
      snprintf(want, sizeof want, "file-write-data path=\"%s\"", cases[i].out);
      assert_string_equal(b.ptr, want);
      sbp_buf_dispose(&b);
    }
  }
  /* and the decision follows the resolved path, with or without canonical paths */
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n"
                              "(allow file-write* (subpath \"/Users/me/src/proj\"))\n");
  int result = -1;
  const char *escape = "/Users/me/src/proj/../../../../etc/passwd";
  assert_int_equal(sbp_decide_simple(p, S("file-write-data"), escape, strlen(escape), &result,
                                     NULL, &err), SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_decider *d;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = SBP_DECIDE_CANONICAL_PATHS;
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-write-data"), escape, strlen(escape), &err), SBP_OK);
  sbp_decision *dec;
  assert_int_equal(sbp_decide(d, r, NULL, &dec, &err), SBP_OK);
  assert_int_equal(sbp_decision_result(dec), SBP_DECISION_DENY);
  sbp_decision_free(dec);
  sbp_decider_free(d);
  sbp_profile_free(p);
  /* relative paths, for paths and process paths, in every form */
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("etc/passwd"), &err),
                   SBP_E_INVALID_ARG);
  assert_non_null(strstr(err.message, "\"etc/passwd\" is not an absolute path"));
  assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_PATH, S("./x"), &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_PATH, "", 0, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_string_attr(r, SBP_ATTR_PROCESS_PATH, S("bin/sh"), &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_named_attr(r, S("path"), 0, S("x"), 0, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_request_set_simple(r, S("network-outbound"), S("tcp:x:1"), &err), SBP_OK);
  sbp_request_free(r);
}

/* An import kept unresolved may hold any rule: only a filtered rule written after it
 * decides for sure; every other answer is unknown and names the import. */
static void test_missing_import(void **state) {
  (void)state;
  const char *text = "(version 1)\n(deny default)\n(import \"base.sb\")\n"
                     "(allow file-read* (subpath \"/usr/lib\"))\n(import \"later.sb\")\n"
                     "(deny file-read* (literal \"/usr/lib/x\"))\n";
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "main.sb", &ro, NULL, &err),
                   SBP_E_NOT_FOUND);
  ro.flags = SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "main.sb", &ro, NULL, &err), SBP_OK);
  static const struct {
    const char *op, *target;
    int result;
    const char *import;
  } cases[] = {
      {"mach-lookup", "com.apple.SystemConfiguration.configd", SBP_DECISION_UNKNOWN, "base.sb"},
      {"file-read-data", "/usr/lib/libz.dylib", SBP_DECISION_UNKNOWN, "later.sb"},
      {"file-read-data", "/usr/lib/x", SBP_DECISION_DENY, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sbp_decision *dec = NULL;
    int result = -1;
    assert_int_equal(sbp_decide_simple(p, cases[i].op, strlen(cases[i].op), cases[i].target,
                                       strlen(cases[i].target), &result, &dec, &err), SBP_OK);
    assert_int_equal(result, cases[i].result);
    if (cases[i].import) {
      assert_true(sbp_decision_flags(dec) & SBP_DECISION_FLAG_MISSING_IMPORT);
      assert_string_equal(sbp_decision_missing_import(dec), cases[i].import);
      sbp_buf b = SBP_BUF_INIT;
      assert_int_equal(sbp_decision_describe(dec, &b, &err), SBP_OK);
      assert_non_null(strstr(b.ptr, "was not found, and its rules could decide; otherwise"));
      sbp_buf_dispose(&b);
    } else {
      assert_int_equal(sbp_decision_flags(dec) & SBP_DECISION_FLAG_MISSING_IMPORT, 0);
      assert_null(sbp_decision_missing_import(dec));
    }
    sbp_decision_free(dec);
  }
  /* under another policy the answer stands, and the flag still says what it rests on */
  sbp_decider *d;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.unknown_policy = SBP_UNKNOWN_ASSUME_FALSE;
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_OK);
  sbp_request *r;
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("mach-lookup"), S("x"), &err), SBP_OK);
  sbp_decision *dec;
  assert_int_equal(sbp_decide(d, r, NULL, &dec, &err), SBP_OK);
  assert_int_equal(sbp_decision_result(dec), SBP_DECISION_DENY);
  assert_string_equal(sbp_decision_flag_name(SBP_DECISION_FLAG_MISSING_IMPORT), "missing-import");
  assert_true(sbp_decision_flags(dec) & SBP_DECISION_FLAG_MISSING_IMPORT);
  sbp_buf ex = SBP_BUF_INIT;
  assert_int_equal(sbp_explain(d, r, NULL, &ex, &err), SBP_OK);
  assert_non_null(strstr(ex.ptr, "import \"base.sb\" at main.sb:3:1 was not found"));
  sbp_buf_dispose(&ex);
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
}

/* A decision that rests on a parameter without a value names it, and blames its rule. */
static void test_missing_param(void **state) {
  (void)state;
  const char *text = "(version 1)\n(deny default)\n"
                     "(allow file-read* (subpath (string-append (param \"HOME\") \"/lib\")))\n";
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.flags = SBP_READ_SYMBOLIC_PARAMS;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "h.sb", &ro, NULL, &err), SBP_OK);
  sbp_decision *dec = NULL;
  int result = -1;
  assert_int_equal(sbp_decide_simple(p, S("file-read-data"), S("/Users/u/lib/x"), &result, &dec,
                                     &err), SBP_OK);
  assert_int_equal(result, SBP_DECISION_UNKNOWN);
  assert_string_equal(sbp_decision_missing_param(dec), "HOME");
  assert_string_equal(sbp_decision_missing_attr(dec), "a parameter's value");
  sbp_buf b = SBP_BUF_INIT;
  assert_int_equal(sbp_decision_describe(dec, &b, &err), SBP_OK);
  assert_string_equal(b.ptr, "unknown: (allow file-read* (subpath (string-append (param \"HOME\") "
                             "\"/lib\"))) at h.sb:3:1 would allow, but it needs a value for "
                             "parameter \"HOME\"; otherwise deny by (deny default) at h.sb:2:1 "
                             "[default rule] {missing-attribute}");
  sbp_buf_dispose(&b);
  sbp_decision_free(dec);
  /* an answer that does not rest on it names none */
  assert_int_equal(sbp_decide_simple(p, S("mach-lookup"), S("x"), &result, &dec, &err), SBP_OK);
  assert_null(sbp_decision_missing_param(dec));
  assert_null(sbp_decision_missing_param(NULL));
  sbp_decision_free(dec);
  sbp_profile_free(p);
}

/* SBP_READ_UNKNOWN_OPERATIONS: a misspelt operation is kept as written and decides nothing
 * as if it were the operation it resembles. */
static void test_unknown_operations_read(void **state) {
  (void)state;
  const char *text = "(version 1)\n(deny default)\n(allow file-raed* (subpath \"/usr\"))\n";
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  sbp_error err = SBP_ERROR_INIT;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", &ro, NULL, &err), SBP_E_EVAL);
  assert_string_equal(err.message, "unbound variable: file-raed*");
  ro.flags = SBP_READ_UNKNOWN_OPERATIONS;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", &ro, NULL, &err), SBP_OK);
  const sbp_node *rule = sbp_node_next(sbp_node_first_child(sbp_profile_root(p)));
  assert_string_equal(sbp_node_text(sbp_node_first_child(rule), NULL), "file-raed*");
  int result = -1;
  assert_int_equal(sbp_decide_simple(p, S("file-read-data"), S("/usr/lib/x"), &result, NULL, &err),
                   SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_profile_free(p);
  const char *far = "(version 1)\n(allow frobnicate)\n";
  assert_int_equal(sbp_profile_read(&p, far, strlen(far), "t.sb", &ro, NULL, &err), SBP_E_EVAL);
}

static void test_long_canonical_path(void **state) {
  (void)state;
  char *path = malloc(3000);
  memcpy(path, "/tmp", 4);
  for (size_t i = 4; i < 2999; i++) path[i] = (i % 10 == 4) ? '/' : 'd';
  path[2999] = '\0';
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n(allow file-read* (subpath \"/private/tmp\"))\n");
  sbp_decider *d;
  sbp_request *r;
  sbp_decision *dec;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = SBP_DECIDE_CANONICAL_PATHS;
  assert_int_equal(sbp_decider_new(&d, p, &o, NULL), SBP_OK);
  assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), path, strlen(path), NULL), SBP_OK);
  assert_int_equal(sbp_decide(d, r, NULL, &dec, NULL), SBP_OK);
  assert_int_equal(sbp_decision_result(dec), SBP_DECISION_ALLOW);
  sbp_decision_free(dec);
  assert_int_equal(sbp_decide(d, r, &(sbp_decide_options)SBP_DECIDE_OPTIONS_INIT, &dec, NULL), SBP_OK);
  assert_int_equal(sbp_decision_result(dec), SBP_DECISION_DENY);
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  free(path);
}

/* ---- the corpus: indexed and rule-by-rule decisions agree on real profiles ------------- */

static const char *const corpus_requests[] = {
    "simple:file-read-data /usr/lib/libSystem.B.dylib",
    "simple:file-read-data /System/Library/Frameworks/Foundation.framework/Foundation",
    "simple:file-read-data /private/tmp/x",
    "simple:file-read-data /tmp/x",
    "simple:file-read-data /Users/me/.ssh/id_ed25519",
    "simple:file-read-data /Users/me/project/src/main.c",
    "simple:file-read-data /dev/null",
    "simple:file-read-data /private/etc/hosts",
    "simple:file-read-metadata /",
    "simple:file-read-metadata /Users",
    "simple:file-write-data /private/tmp/x",
    "simple:file-write-data /Users/me/project/.git/hooks/pre-commit",
    "simple:file-write-data /dev/null",
    "simple:file-write-data /Library/Preferences/x.plist",
    "simple:file-write-unlink /Users/me/project",
    "simple:file-ioctl /dev/tty",
    "simple:process-exec /bin/sh",
    "simple:process-exec /usr/bin/git",
    "simple:process-fork",
    "simple:mach-lookup com.apple.SystemConfiguration.configd",
    "simple:mach-lookup com.apple.system.logger",
    "simple:mach-lookup com.apple.cfprefsd.daemon",
    "simple:mach-lookup com.apple.distributed_notifications@Uv3",
    "simple:mach-lookup com.example.unknown",
    "simple:sysctl-read kern.hostname",
    "simple:sysctl-read hw.ncpu",
    "simple:sysctl-write kern.x",
    "simple:network-outbound tcp4:93.184.216.34:443",
    "simple:network-outbound tcp4:127.0.0.1:8080",
    "simple:network-outbound udp6:[::1]:53",
    "simple:network-outbound /private/var/run/mDNSResponder",
    "simple:network-bind tcp4:127.0.0.1:8080",
    "simple:network-inbound tcp6:[::]:443",
    "simple:user-preference-read com.apple.Terminal",
    "simple:iokit-open-user-client IOSurfaceRootUserClient",
    "simple:signal same-sandbox",
    "simple:system-socket AF_UNIX",
    "simple:process-info-pidinfo self",
    "simple:file-link /private/tmp/a",
    "simple:syscall-unix",
    "simple:ipc-posix-shm-read-data apple.shm.notification_center",
    "simple:darwin-notification-post com.apple.x",
    "simple:file-read-xattr /Users/me/project/a",
};

static void test_corpus_index_agrees(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_CORPUS");
  char path[4096];
  snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir ? dir : "");
  size_t mlen;
  char *manifest = dir ? test_read_file(path, &mlen) : NULL;
  if (manifest == NULL) {
    print_message("corpus not found (SBPROFILE_CORPUS=%s): skipping\n", dir ? dir : "(unset)");
    skip();
    return;
  }
  size_t profiles = 0, decisions = 0, rules = 0, mismatches = 0;
  char *next = strchr(manifest, '\n');
  for (char *line = next ? next + 1 : NULL; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *tab = strchr(line, '\t');
    if (tab == NULL) continue;
    *tab = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, line);
    size_t len;
    char *text = test_read_file(path, &len);
    if (text == NULL) continue;
    sbp_profile *p = NULL;
    /* parameters stay symbolic (their filters match unknown), imports stay unresolved */
    sbp_read_options ro = SBP_READ_OPTIONS_INIT;
    ro.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    if (sbp_profile_read(&p, text, len, line, &ro, NULL, NULL) != SBP_OK) {
      /* fragments lack the version line */
      char *with = malloc(len + 16);
      memcpy(with, "(version 1)\n", 12);
      memcpy(with + 12, text, len);
      if (sbp_profile_read(&p, with, len + 12, line, &ro, NULL, NULL) != SBP_OK) p = NULL;
      free(with);
    }
    free(text);
    if (p == NULL) continue;
    sbp_decider *d = NULL;
    if (sbp_decider_new(&d, p, NULL, NULL) != SBP_OK) {
      sbp_profile_free(p);
      continue;
    }
    profiles++;
    rules += sbp_profile_rule_count(p);
    sbp_request *r;
    assert_int_equal(sbp_request_new(&r, NULL, NULL), SBP_OK);
    for (size_t i = 0; i < sizeof corpus_requests / sizeof corpus_requests[0]; i++) {
      sbp_request_reset(r);
      fill_request(r, corpus_requests[i]);
      for (int canon = 0; canon < 2; canon++) {
        sbp_decide_options fast = SBP_DECIDE_OPTIONS_INIT, slow = SBP_DECIDE_OPTIONS_INIT;
        fast.flags = canon ? SBP_DECIDE_CANONICAL_PATHS : 0;
        slow.flags = fast.flags | SBP_DECIDE_NO_INDEX;
        sbp_decision *a, *b;
        assert_int_equal(sbp_decide(d, r, &fast, &a, NULL), SBP_OK);
        assert_int_equal(sbp_decide(d, r, &slow, &b, NULL), SBP_OK);
        uint32_t mask = ~(uint32_t)SBP_DECISION_FLAG_REGEX_BRACES;
        if (sbp_decision_result(a) != sbp_decision_result(b) ||
            sbp_decision_rule(a) != sbp_decision_rule(b) ||
            sbp_decision_step_of(a) != sbp_decision_step_of(b) ||
            (sbp_decision_flags(a) & mask) != (sbp_decision_flags(b) & mask) ||
            sbp_decision_skipped_rule(a) != sbp_decision_skipped_rule(b)) {
          sbp_buf da = SBP_BUF_INIT, db = SBP_BUF_INIT;
          assert_int_equal(sbp_decision_describe(a, &da, NULL), SBP_OK);
          assert_int_equal(sbp_decision_describe(b, &db, NULL), SBP_OK);
          print_error("%s, %s%s:\n  indexed:      %s\n  rule by rule: %s\n", line,
                      corpus_requests[i], canon ? " (canonical)" : "", da.ptr, db.ptr);
          sbp_buf_dispose(&da);
          sbp_buf_dispose(&db);
          mismatches++;
        }
        decisions++;
        sbp_decision_free(a);
        sbp_decision_free(b);
      }
    }
    sbp_request_free(r);
    sbp_decider_free(d);
    sbp_profile_free(p);
  }
  free(manifest);
  print_message("corpus: %zu profiles (%zu rules), %zu decisions compared\n", profiles, rules,
                decisions);
  assert_int_equal(mismatches, 0);
  assert_true(profiles >= 40); /* the others need composing (see test_corpus.c) */
}

typedef struct oom_ctx {
  const char *text;
  uint32_t read_flags; /* 0: the mini reader; else sbp_profile_read with these flags */
  const char *path;    /* the file-read-data request, allowed */
  const char *import;  /* an import kept unresolved that a mach-lookup explanation names */
} oom_ctx;

static int oom_op(const sbp_alloc *alloc, void *vctx) {
  oom_ctx *c = vctx;
  sbp_profile *p = NULL;
  int rc;
  if (c->read_flags) {
    sbp_read_options ro = SBP_READ_OPTIONS_INIT;
    ro.flags = c->read_flags;
    rc = sbp_profile_read(&p, c->text, strlen(c->text), "t.sb", &ro, alloc, NULL);
  } else {
    rc = mini_sbpl_read(c->text, strlen(c->text), "t.sb", alloc, &p, NULL);
  }
  if (rc != SBP_OK) return rc;
  sbp_decider *d = NULL;
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  sbp_buf b = SBP_BUF_INIT;
  rc = sbp_decider_new(&d, p, NULL, NULL);
  if (!rc) rc = sbp_request_new(&r, alloc, NULL);
  if (!rc) rc = sbp_request_set_simple(r, S("file-read-data"), c->path, strlen(c->path), NULL);
  if (!rc) rc = sbp_decide(d, r, NULL, &dec, NULL);
  if (!rc && sbp_decision_result(dec) != SBP_DECISION_ALLOW) rc = SBP_E_INVALID_TREE;
  if (!rc) rc = sbp_explain(d, r, NULL, &b, NULL);
  if (!rc) rc = sbp_assert_allows(p, r, NULL);
  if (!rc && c->import) {
    sbp_buf_dispose(&b);
    rc = sbp_request_set_simple(r, S("mach-lookup"), S("x"), NULL);
    if (!rc) rc = sbp_explain(d, r, NULL, &b, NULL);
    if (!rc && strstr(b.ptr, c->import) == NULL) rc = SBP_E_INVALID_TREE;
  }
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
               "(literal \"/z\"))))\n", 0, "/usr/lib/x", NULL};
  size_t n = test_alloc_exhaust(oom_op, &c);
  assert_true(n > 10);
  /* what a missing import, a misspelt operation and a request path with .. add: the
   * evaluator's kept import and operation, the decider's list of imports, the path */
  oom_ctx k = {"(version 1)\n(deny default)\n(import \"gone.sb\")\n"
               "(allow file-raed* (subpath \"/x\"))\n(allow file-read* (subpath \"/usr\"))\n",
               SBP_READ_KEEP_UNRESOLVED_IMPORTS | SBP_READ_UNKNOWN_OPERATIONS,
               "/opt/../usr/./lib//x", "import \"gone.sb\""};
  n = test_alloc_exhaust(oom_op, &k);
  assert_true(n > 10);
}

/* Regex rules: a pattern repeated by several rules is compiled once; each regex's DFA cache
 * is made on its first search; without memory for it the answer is the same. */
static int regex_op(const sbp_alloc *alloc, void *vctx) {
  (void)vctx;
  static const char text[] =
      "(version 1)\n(deny default)\n"
      "(allow file-read* (regex #\"^/var/x[0-9]+$\"))\n"
      "(deny file-read* (regex #\"^/var/x[0-9]+$\") (literal \"/var/x7\"))\n"
      "(allow file-read* (require-all (regex #\"^/var/x[0-9]+$\") (literal \"/var/x7\")))\n"
      "(deny file-read* (regex #\"^/var/y{1,2}$\"))\n";
  /* Rule 0 is (deny default). The last rule's {m,n} regex is evaluated (its literal prefix
   * "/var/" is reached) before any earlier rule decides, so every decision has the braces
   * flag. */
  static const struct { const char *path; int result; int64_t rule; } want[] = {
      {"/var/x1", SBP_DECISION_DENY, 2},  {"/var/x7", SBP_DECISION_ALLOW, 3},
      {"/var/x", SBP_DECISION_DENY, 0},   {"/var/yy", SBP_DECISION_DENY, 4},
      {"/var/x12", SBP_DECISION_DENY, 2}, {"/var/x7", SBP_DECISION_ALLOW, 3}};
  sbp_decide_options slow = SBP_DECIDE_OPTIONS_INIT;
  slow.flags |= SBP_DECIDE_NO_INDEX;
  sbp_profile *p = NULL;
  int rc = mini_sbpl_read(text, sizeof(text) - 1, "t.sb", alloc, &p, NULL);
  if (rc != SBP_OK) return rc;
  sbp_decider *d = NULL;
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  rc = sbp_decider_new(&d, p, NULL, NULL);
  if (!rc) rc = sbp_request_new(&r, alloc, NULL);
  if (!rc) rc = sbp_decision_new(&dec, alloc, NULL);
  for (size_t i = 0; !rc && i < sizeof(want) / sizeof(want[0]); i++) {
    rc = sbp_request_set_simple(r, S("file-read-data"), want[i].path, strlen(want[i].path), NULL);
    if (!rc) rc = sbp_decide_into(d, r, NULL, dec, NULL);
    if (rc) break;
    assert_int_equal(sbp_decision_result(dec), want[i].result);
    assert_int_equal(sbp_decision_rule_index(dec), want[i].rule);
    uint32_t flags = sbp_decision_flags(dec);
    assert_true(flags & SBP_DECISION_FLAG_REGEX_BRACES);
    rc = sbp_decide_into(d, r, &slow, dec, NULL); /* rule by rule: the same */
    if (rc) break;
    assert_int_equal(sbp_decision_result(dec), want[i].result);
    assert_int_equal(sbp_decision_rule_index(dec), want[i].rule);
    assert_int_equal(sbp_decision_flags(dec), flags);
  }
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  return rc;
}

/* Building a decider has a memory limit (options->max_memory, or a default that follows
 * the profile's size); options of layout version 1 still work. */
static void test_construction_limits(void **state) {
  (void)state;
  sbp_profile *p = profile_of("(version 1)\n(deny default)\n"
                              "(allow file-read* (regex #\"^/a(b{255}){60}\"))\n"
                              "(allow file-read* (regex #\"^/c(b{255}){60}\"))\n");
  sbp_error err = SBP_ERROR_INIT;
  sbp_decider *d = NULL;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.max_memory = 256 * 1024; /* one such regex takes more than half of it */
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_E_LIMIT);
  assert_null(d);
  assert_string_equal(err.message, "decider: memory limit exceeded (262144 bytes)");
  assert_int_equal(err.line, 0);
  /* the default allows it; so does version 1, which has no max_memory */
  o.max_memory = 0;
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_OK);
  sbp_decider_free(d);
  o.version = 1;
  o.max_memory = 1; /* not part of version 1: ignored */
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_OK);
  sbp_request *r = NULL;
  sbp_decision *dec = NULL;
  assert_int_equal(sbp_request_new(&r, NULL, &err), SBP_OK);
  assert_int_equal(sbp_request_set_simple(r, S("file-read-data"), S("/cbbb"), &err), SBP_OK);
  assert_int_equal(sbp_decide(d, r, &o, &dec, &err), SBP_OK);
  assert_int_equal(sbp_decision_result(dec), SBP_DECISION_DENY);
  sbp_decision_free(dec);
  sbp_request_free(r);
  sbp_decider_free(d);
  o.version = SBP_DECIDE_OPTIONS_VERSION + 1;
  assert_int_equal(sbp_decider_new(&d, p, &o, &err), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
  /* regex limits: SBP_E_LIMIT with the rule's position */
  p = profile_of("(version 1)\n(deny default)\n(allow file-read* (regex #\"a{256}\"))\n");
  assert_int_equal(sbp_decider_new(&d, p, NULL, &err), SBP_E_LIMIT);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.column, 26); /* the pattern */
  sbp_profile_free(p);
}

static void test_regex_rules(void **state) {
  (void)state;
  assert_int_equal(regex_op(NULL, NULL), SBP_OK);
  /* Every allocation failing in turn: SBP_E_NOMEM or the same answers, and no leak. */
  test_alloc ta;
  for (size_t k = 0; k < 400; k++) {
    test_alloc_init(&ta);
    test_alloc_fail_at(&ta, k, 0);
    int rc = regex_op(&ta.alloc, NULL);
    if (rc != SBP_OK) assert_int_equal(rc, SBP_E_NOMEM);
    assert_int_equal(ta.live, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regex_rules),
      cmocka_unit_test(test_construction_limits),
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_decision_details), cmocka_unit_test(test_chain_precedence),
      cmocka_unit_test(test_explain_text),
      cmocka_unit_test(test_weak_fact_table),
      cmocka_unit_test(test_regex_error_has_position),
      cmocka_unit_test(test_key_lengths_index_agrees),
      cmocka_unit_test(test_deep_filters),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_request_memo_follows_decider),
      cmocka_unit_test(test_request_forms),
      cmocka_unit_test(test_request_paths),
      cmocka_unit_test(test_missing_import),
      cmocka_unit_test(test_unknown_operations_read),
      cmocka_unit_test(test_missing_param),
      cmocka_unit_test(test_long_canonical_path),
      cmocka_unit_test(test_corpus_index_agrees),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
