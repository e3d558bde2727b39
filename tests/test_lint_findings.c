/* The linter's findings on small profiles (lib/lint_rules.c, lib/lint.c): each case is
 * linted as "t.sb" for a macOS version, and every finding is compared whole: position,
 * severity, message, code and fix, in the form `sbprofile lint` prints. The cases reach the
 * corners the one-case-per-code golden files (tests/data/lint) leave: quoting in fixes,
 * counted repetition, twins under /private, which filter covers which, chains of
 * operations, duplicates and defaults, broad grants and rename bypasses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

typedef struct lint_case {
  const char *name;
  uint32_t macos; /* 0: the newest */
  const char *text;
  const char *expected; /* every finding but no-default, as `sbprofile lint` prints it */
} lint_case;

#define V14 SBP_MACOS_VERSION(14, 0, 0)
#define V1015 SBP_MACOS_VERSION(10, 15, 0)

static const lint_case cases[] = {
#include "lint_findings.inc"
};

static void render(const sbp_lint_result *r, char *out, size_t size) {
  static const char *const sev[] = {"", "note", "warning", "error"};
  size_t at = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    if (strcmp(sbp_lint_code(r, i), "no-default") == 0) continue;
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    sbp_lint_position(r, i, &file, &line, &col);
    int n;
    if (line > 0)
      n = snprintf(out + at, size - at, "%s:%u:%u: ", file ? file : "", (unsigned)line,
                   (unsigned)col);
    else
      n = snprintf(out + at, size - at, "%s: ", file ? file : "");
    at += (size_t)n;
    int s = sbp_lint_severity(r, i);
    n = snprintf(out + at, size - at, "%s: %s [%s]\n", s >= 1 && s <= 3 ? sev[s] : "?",
                 sbp_lint_message(r, i), sbp_lint_code(r, i));
    at += (size_t)n;
    if (sbp_lint_fix(r, i) != NULL) {
      n = snprintf(out + at, size - at, "    fix: %s\n", sbp_lint_fix(r, i));
      at += (size_t)n;
    }
    assert_true(at < size);
  }
}

static void test_findings(void **state) {
  (void)state;
  static char got[65536];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const lint_case *c = &cases[i];
    sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
    o.macos = c->macos;
    sbp_lint_result *r = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_lint_text(c->text, strlen(c->text), "t.sb", &o, NULL, &r, &err) != SBP_OK)
      fail_msg("%s: %s", c->name, err.message);
    render(r, got, sizeof got);
    sbp_lint_result_free(r);
    if (strcmp(got, c->expected) != 0)
      fail_msg("%s: got\n%s\nexpected\n%s", c->name, got, c->expected);
  }
}

/* A rule lint says never decides must not decide any request: each case's profile is asked
 * about every absolute path its text spells (and a child and a sibling of each) under the
 * file operations, and no answer may name such a rule. Findings that rest on a contested
 * reading of precedence across operations say so and are left out. */
static void test_shadowed_never_decide(void **state) {
  (void)state;
  static const char *const ops[] = {"file-read-data", "file-read-metadata", "file-write-data",
                                    "file-write-create", "file-write-unlink"};
  static const char *const tails[] = {"", "/q", "q"};
  size_t judged = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const lint_case *c = &cases[i];
    sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
    o.macos = c->macos;
    sbp_lint_result *r = NULL;
    assert_int_equal(sbp_lint_text(c->text, strlen(c->text), "t.sb", &o, NULL, &r, NULL), SBP_OK);
    uint32_t never[16];
    size_t nnever = 0;
    for (size_t k = 0; k < sbp_lint_count(r); k++) {
      if (strcmp(sbp_lint_code(r, k), "shadowed-rule") != 0 ||
          strstr(sbp_lint_message(r, k), "under plain last-wins") != NULL)
        continue;
      const char *file;
      uint32_t line, col;
      sbp_lint_position(r, k, &file, &line, &col);
      assert_true(nnever < 16);
      never[nnever++] = line;
    }
    sbp_lint_result_free(r);
    if (nnever == 0) continue;
    sbp_profile *p = NULL;
    sbp_decider *d = NULL;
    sbp_decide_options dopt = SBP_DECIDE_OPTIONS_INIT;
    dopt.macos = c->macos;
    if (sbp_profile_read(&p, c->text, strlen(c->text), "t.sb", NULL, NULL, NULL) != SBP_OK ||
        sbp_decider_new(&d, p, &dopt, NULL) != SBP_OK) {
      sbp_profile_free(p);
      continue; /* lint reads what the decider cannot (unknown names): nothing to compare */
    }
    sbp_request *q;
    sbp_decision *dec;
    assert_int_equal(sbp_request_new(&q, NULL, NULL), SBP_OK);
    assert_int_equal(sbp_decision_new(&dec, NULL, NULL), SBP_OK);
    for (const char *t = strchr(c->text, '"'); t != NULL; t = strchr(t + 1, '"')) {
      const char *end = strchr(t + 1, '"');
      if (end == NULL) break;
      if (t[1] == '/' && memchr(t + 1, '\\', (size_t)(end - t - 1)) == NULL) {
        for (size_t ti = 0; ti < 3; ti++)
          for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++) {
            char target[512];
            int n = snprintf(target, sizeof target, "%.*s%s", (int)(end - t - 1), t + 1, tails[ti]);
            if (n <= 0 || (size_t)n >= sizeof target) continue;
            assert_int_equal(sbp_request_set_simple(q, ops[oi], strlen(ops[oi]), target,
                                                    (size_t)n, NULL),
                             SBP_OK);
            assert_int_equal(sbp_decide_into(d, q, NULL, dec, NULL), SBP_OK);
            const sbp_node *rule = sbp_decision_rule(dec);
            if (rule == NULL || sbp_decision_result(dec) == SBP_DECISION_UNKNOWN) continue;
            const char *file;
            uint32_t line, col;
            sbp_node_position(rule, &file, &line, &col);
            for (size_t k = 0; k < nnever; k++)
              if (line == never[k])
                fail_msg("%s: lint says the rule at line %u never decides, yet it decides %s %s",
                         c->name, (unsigned)line, ops[oi], target);
            judged++;
          }
      }
      t = end;
    }
    sbp_decision_free(dec);
    sbp_request_free(q);
    sbp_decider_free(d);
    sbp_profile_free(p);
  }
  assert_true(judged > 100);
}

/* Filters of about 52 KiB: near the limit, a warning (past it, an error: tests/data/lint). */
static void test_rule_size_near(void **state) {
  (void)state;
  static char text[60000];
  size_t at = (size_t)snprintf(text, sizeof text, "(version 1)\n(deny default)\n(allow file-read*");
  for (int i = 0; i < 470; i++) {
    at += (size_t)snprintf(text + at, sizeof text - at, " (literal \"/%05d", i);
    memset(text + at, 'x', 100);
    at += 100;
    at += (size_t)snprintf(text + at, sizeof text - at, "\")");
  }
  at += (size_t)snprintf(text + at, sizeof text - at, ")\n");
  sbp_lint_result *r = NULL;
  assert_int_equal(sbp_lint_text(text, at, "t.sb", NULL, NULL, &r, NULL), SBP_OK);
  static char got[512];
  render(r, got, sizeof got);
  assert_string_equal(got, "t.sb:3:1: warning: this rule's filters take about 53580 bytes, near "
                           "the 65,535-byte limit; split it into several rules [rule-size]\n");
  sbp_lint_result_free(r);
}

/* Two sources evaluated as one: findings name each file, back and forth; a message longer
 * than the first buffer is kept whole. */
static void test_two_sources(void **state) {
  (void)state;
  static char name[700], a[900], expected[4096];
  memset(name, 'n', 600);
  name[600] = '\0';
  snprintf(a, sizeof a, "(version 1)\n(allow file-read* (literal \"/tmp/a\"))\n(define %s 1 2)\n",
           name);
  static const char b[] = "(allow file-read* (literal \"/tmp/b\"))\n";
  sbp_source src[2] = {{a, strlen(a), "a.sb"}, {b, sizeof b - 1, "b.sb"}};
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_lint_sources(src, 2, NULL, NULL, &r, &err), SBP_OK);
  static char got[4096];
  render(r, got, sizeof got);
  snprintf(expected, sizeof expected,
           "a.sb:2:28: warning: path \"/tmp/a\" is under /tmp, a symbolic link: the kernel sees "
           "/private/tmp/..., so this never matches [symlinked-path]\n"
           "    fix: \"/private/tmp/a\"\n"
           "a.sb:3:%zu: warning: define of %s has more than one expression: libsandbox "
           "(TinyScheme) binds the first and never evaluates this one or any after it "
           "[ignored-expression]\n"
           "b.sb:1:28: warning: path \"/tmp/b\" is under /tmp, a symbolic link: the kernel sees "
           "/private/tmp/..., so this never matches [symlinked-path]\n"
           "    fix: \"/private/tmp/b\"\n",
           strlen(name) + 12, name);
  assert_string_equal(got, expected);
  sbp_lint_result_free(r);
}

/* The arguments refused, and a built profile with no version (it is linted all the same). */
static void test_arguments_and_built_profile(void **state) {
  (void)state;
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  sbp_source src[1] = {{"(version 1)", 11, "a.sb"}};
  assert_int_equal(sbp_lint_sources(src, 0, NULL, NULL, &r, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "no sources");
  sbp_source none[2] = {{"(version 1)", 11, "a.sb"}, {NULL, 4, "b.sb"}};
  assert_int_equal(sbp_lint_sources(none, 2, NULL, NULL, &r, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "source 1 has no text");
  const sbp_alloc *def = sbp_alloc_default();
  sbp_alloc no_free = {def->malloc, def->realloc, NULL, def->ud};
  assert_int_equal(sbp_lint_sources(src, 1, NULL, &no_free, &r, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "incomplete allocator");
  assert_null(r);

  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
  o.version = 99;
  assert_int_equal(sbp_lint_profile(p, &o, &r, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "unknown sbp_lint_options version 99");
  o.version = SBP_LINT_OPTIONS_VERSION;
  o.macos = SBP_MACOS_VERSION(10, 5, 0);
  assert_int_equal(sbp_lint_profile(p, &o, &r, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS 10.5.0 is older than every version the catalog knows");
  assert_int_equal(sbp_lint_profile(p, NULL, &r, &err), SBP_OK);
  static char got[1024];
  render(r, got, sizeof got);
  assert_string_equal(got, ": error: the profile has no version: its text will lack (version 1) "
                           "[missing-version]\n    fix: (version 1)\n");
  assert_int_equal(sbp_lint_count(r), 2); /* and no-default */
  sbp_lint_result_free(r);
  sbp_profile_free(p);
}

/* A value written with escapes for control characters is still found in the text: the
 * finding has the string's position (the later string, not the earlier equal-looking one). */
static void test_escapes_located(void **state) {
  (void)state;
  static const char text[] = "(version 1)\n(deny default)\n; \"/tmp/\\t\"\n"
                             "(allow file-read* (literal \"/x\") (literal \"/tmp/\\t\\r\\7\\1011\"))\n";
  sbp_lint_result *r = NULL;
  assert_int_equal(sbp_lint_text(text, sizeof text - 1, "t.sb", NULL, NULL, &r, NULL), SBP_OK);
  assert_int_equal(sbp_lint_count(r), 1);
  assert_string_equal(sbp_lint_code(r, 0), "symlinked-path");
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_lint_position(r, 0, &file, &line, &col);
  assert_string_equal(file, "t.sb");
  assert_int_equal(line, 4);
  assert_int_equal(col, 43);
  /* control bytes of the profile reach neither the message nor the fix raw (they are
   * printed to terminals): both write them as SBPL escapes, and the fix still reads */
  assert_string_equal(sbp_lint_fix(r, 0), "\"/private/tmp/\\t\\r\\x07A1\"");
  assert_non_null(strstr(sbp_lint_message(r, 0), "\"/tmp/\\t\\r\\x07A1\""));
  char rule[96];
  snprintf(rule, sizeof rule, "(version 1)(allow file-read* (literal %s))", sbp_lint_fix(r, 0));
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, rule, strlen(rule), "f.sb", NULL, NULL, NULL), SBP_OK);
  const sbp_node *v = sbp_node_first_child(sbp_node_next(
      sbp_node_first_child(sbp_node_first_child(sbp_profile_root(p)))));
  size_t vlen = 0;
  const char *vt = sbp_node_text(v, &vlen);
  assert_int_equal(vlen, 18);
  assert_memory_equal(vt, "/private/tmp/\t\r\aA1", 18);
  sbp_profile_free(p);
  sbp_lint_result_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_findings),
      cmocka_unit_test(test_shadowed_never_decide),
      cmocka_unit_test(test_rule_size_near),
      cmocka_unit_test(test_two_sources),
      cmocka_unit_test(test_arguments_and_built_profile),
      cmocka_unit_test(test_escapes_located),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
