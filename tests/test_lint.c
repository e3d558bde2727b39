/* The linter's library API: diagnostics and their accessors, options, the table of checks,
 * linting a built profile, locating literals, hostile input and allocation failures. The
 * output of every check on written cases is covered by the golden tests (tests/lint.cmake). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

static sbp_lint_result *lint(const char *text, uint32_t macos) {
  sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
  o.macos = macos;
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_lint_text(text, strlen(text), "t.sb", &o, NULL, &r, &err), SBP_OK);
  assert_non_null(r);
  return r;
}

/* Index of the first diagnostic with that code, or -1. */
static long find(const sbp_lint_result *r, const char *code) {
  for (size_t i = 0; i < sbp_lint_count(r); i++)
    if (strcmp(sbp_lint_code(r, i), code) == 0) return (long)i;
  return -1;
}

static void test_accessors(void **state) {
  (void)state;
  sbp_lint_result *r = lint("(version 1)\n(deny default)\n(allow file-read* (subpath \"/tmp/x\"))\n"
                            "(allow mach-lookup)\n",
                            0);
  assert_int_equal(sbp_lint_count(r), 2);
  assert_int_equal(sbp_lint_evaluated(r), 1);
  assert_string_equal(sbp_lint_code(r, 0), "symlinked-path");
  assert_int_equal(sbp_lint_severity(r, 0), SBP_LINT_WARNING);
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_lint_position(r, 0, &file, &line, &col);
  assert_string_equal(file, "t.sb");
  assert_int_equal(line, 3);
  assert_int_equal(col, 28);
  assert_string_equal(sbp_lint_message(r, 0),
                      "path \"/tmp/x\" is under /tmp, a symbolic link: the kernel sees "
                      "/private/tmp/..., so this never matches");
  assert_string_equal(sbp_lint_fix(r, 0), "\"/private/tmp/x\"");
  assert_string_equal(sbp_lint_code(r, 1), "broad-grant");
  assert_int_equal(sbp_lint_severity(r, 1), SBP_LINT_NOTE);
  assert_null(sbp_lint_fix(r, 1));
  assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_NOTE), 2);
  assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_WARNING), 1);
  assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_ERROR), 0);
  /* Past the end and NULL. */
  assert_null(sbp_lint_code(r, 2));
  assert_null(sbp_lint_message(r, 2));
  assert_null(sbp_lint_fix(r, 2));
  assert_int_equal(sbp_lint_severity(r, 2), 0);
  file = "unchanged";
  sbp_lint_position(r, 2, &file, NULL, NULL);
  assert_string_equal(file, "unchanged");
  sbp_lint_position(r, 0, NULL, NULL, NULL);
  assert_int_equal(sbp_lint_count(NULL), 0);
  assert_int_equal(sbp_lint_evaluated(NULL), 0);
  assert_null(sbp_lint_code(NULL, 0));
  sbp_lint_result_free(r);
  sbp_lint_result_free(NULL);
}

static void test_no_notes_and_version(void **state) {
  (void)state;
  sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
  o.flags = SBP_LINT_NO_NOTES;
  sbp_lint_result *r = NULL;
  const char *text = "(version 1)\n(deny default)\n(allow mach-lookup)\n";
  assert_int_equal(sbp_lint_text(text, strlen(text), NULL, &o, NULL, &r, NULL), SBP_OK);
  assert_int_equal(sbp_lint_count(r), 0);
  sbp_lint_result_free(r);
  /* Unknown options version, a version older than the catalog, NULL out, NULL text. */
  sbp_error err = SBP_ERROR_INIT;
  o.version = 99;
  assert_int_equal(sbp_lint_text(text, strlen(text), NULL, &o, NULL, &r, &err),
                   SBP_E_INVALID_ARG);
  assert_null(r);
  assert_string_equal(err.message, "unknown sbp_lint_options version 99");
  o.version = SBP_LINT_OPTIONS_VERSION;
  o.macos = SBP_MACOS_VERSION(10, 6, 0);
  assert_int_equal(sbp_lint_text(text, strlen(text), NULL, &o, NULL, &r, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "macOS 10.6.0 is older than every version the catalog knows");
  assert_int_equal(sbp_lint_text(text, strlen(text), NULL, NULL, NULL, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp_lint_text(NULL, 3, NULL, NULL, NULL, &r, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_lint_sources(NULL, 0, NULL, NULL, &r, &err), SBP_E_INVALID_ARG);
  /* Read options the evaluator rejects are the caller's error, not a diagnostic. */
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.version = 77;
  o.read = &ro;
  o.macos = 0;
  assert_int_equal(sbp_lint_text(text, strlen(text), NULL, &o, NULL, &r, &err),
                   SBP_E_INVALID_ARG);
  assert_null(r);
  o.read = NULL;
  /* An empty text: no version, nothing evaluates. */
  assert_int_equal(sbp_lint_text(NULL, 0, "e.sb", NULL, NULL, &r, &err), SBP_OK);
  assert_int_equal(sbp_lint_count(r), 2);
  assert_string_equal(sbp_lint_code(r, 0), "missing-version");
  assert_string_equal(sbp_lint_code(r, 1), "no-default");
  assert_int_equal(sbp_lint_evaluated(r), 0);
  sbp_lint_result_free(r);
  /* A newer macOS than the catalog has uses the newest table. */
  r = lint("(version 1)\n(deny default)\n(allow mach-task-read)\n", SBP_MACOS_VERSION(15, 2, 0));
  assert_int_equal(sbp_lint_count(r), 0);
  sbp_lint_result_free(r);
}

static void test_syntax_and_eval_errors(void **state) {
  (void)state;
  sbp_lint_result *r = lint("(version 1)\n(deny default\n", 0);
  assert_int_equal(sbp_lint_count(r), 1);
  assert_string_equal(sbp_lint_code(r, 0), "syntax-error");
  assert_int_equal(sbp_lint_evaluated(r), 0);
  sbp_lint_result_free(r);
  r = lint("(version 1)\n(deny default)\n(allow file-read* (literal x))\n", 0);
  assert_int_equal(sbp_lint_count(r), 1);
  assert_string_equal(sbp_lint_code(r, 0), "eval-error");
  assert_string_equal(sbp_lint_message(r, 0), "unbound variable: x");
  assert_int_equal(sbp_lint_evaluated(r), 0);
  sbp_lint_result_free(r);
  /* An import that cannot be found is reported, the rest checked, and it does not evaluate
   * as sandbox-exec would. */
  r = lint("(version 1)\n(deny default)\n(import \"gone.sb\")\n"
           "(allow file-read* (subpath \"/tmp/x\"))\n", 0);
  assert_int_equal(sbp_lint_count(r), 2);
  assert_string_equal(sbp_lint_code(r, 0), "missing-import");
  assert_non_null(strstr(sbp_lint_message(r, 0), "import \"gone.sb\" cannot be found"));
  assert_string_equal(sbp_lint_code(r, 1), "symlinked-path");
  assert_int_equal(sbp_lint_evaluated(r), 0);
  sbp_lint_result_free(r);
  /* A misspelt operation is unknown-operation with a suggestion, and the rest is checked. */
  r = lint("(version 1)\n(deny default)\n(allow file-raed* (subpath \"/usr/lib\"))\n"
           "(allow file-read* (subpath \"/tmp/x\"))\n", 0);
  assert_int_equal(sbp_lint_count(r), 2);
  assert_string_equal(sbp_lint_code(r, 0), "unknown-operation");
  assert_non_null(strstr(sbp_lint_message(r, 0), "did you mean 'file-read*'?"));
  assert_string_equal(sbp_lint_fix(r, 0), "file-read*");
  assert_string_equal(sbp_lint_code(r, 1), "symlinked-path");
  assert_int_equal(sbp_lint_evaluated(r), 1);
  sbp_lint_result_free(r);
  /* a name near no operation is still an evaluation error */
  r = lint("(version 1)\n(deny default)\n(allow frobnicate (subpath \"/usr\"))\n", 0);
  assert_string_equal(sbp_lint_code(r, 0), "eval-error");
  sbp_lint_result_free(r);
  /* A fragment without (version 1) is still checked. */
  r = lint("(allow file-read* (subpath \"/etc\"))\n", 0);
  assert_true(find(r, "missing-version") >= 0);
  assert_true(find(r, "symlinked-path") >= 0);
  assert_int_equal(sbp_lint_evaluated(r), 0);
  sbp_lint_result_free(r);
}

/* The (import ...) that comes before (version 1) in an earlier source: its position is
 * reported after that source's datums are gone (once a read of freed memory). */
static void test_version_after_import_across_sources(void **state) {
  (void)state;
  sbp_source src[2] = {{"(import \"x.sb\")\n", 16, "a.sb"},
                       {"\n  (version 1)\n(deny default)\n", 30, "b.sb"}};
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_lint_sources(src, 2, NULL, NULL, &r, &err), SBP_OK);
  long i = find(r, "version-after-import");
  assert_true(i >= 0);
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_lint_position(r, (size_t)i, &file, &line, &col);
  assert_string_equal(file, "b.sb");
  assert_int_equal(line, 2);
  assert_int_equal(col, 3);
  assert_non_null(strstr(sbp_lint_message(r, (size_t)i), "at a.sb:1:1:"));
  sbp_lint_result_free(r);
}

static void test_versions_named(void **state) {
  (void)state;
  sbp_lint_result *r = lint("(version 1)\n(deny default)\n(allow mach-task-read)\n",
                            SBP_MACOS_VERSION(10, 15, 0));
  long i = find(r, "unknown-operation");
  assert_true(i >= 0);
  assert_string_equal(sbp_lint_message(r, (size_t)i),
                      "unknown operation 'mach-task-read' for macOS 10.15 (known in 14.4.1)");
  sbp_lint_result_free(r);
}

static void test_shadowing_reasoning(void **state) {
  (void)state;
  /* A later subpath covers an earlier literal below it, whatever the action. */
  sbp_lint_result *r = lint("(version 1)\n(deny default)\n"
                            "(allow file-read-data (literal \"/a/b/c\"))\n"
                            "(allow file-read* (subpath \"/a\"))\n",
                            0);
  assert_true(find(r, "shadowed-rule") >= 0);
  sbp_lint_result_free(r);
  /* A later narrower rule does not cover an earlier broader one. */
  r = lint("(version 1)\n(deny default)\n(allow file-read* (subpath \"/a\"))\n"
           "(deny file-read* (subpath \"/a/b\"))\n",
           0);
  assert_int_equal(find(r, "shadowed-rule"), -1);
  sbp_lint_result_free(r);
  /* A later rule on a child operation does not cover the parent's rule. */
  r = lint("(version 1)\n(deny default)\n(allow file-read* (subpath \"/a\"))\n"
           "(deny file-read-data (subpath \"/a\"))\n",
           0);
  assert_int_equal(find(r, "shadowed-rule"), -1);
  sbp_lint_result_free(r);
  /* An unfiltered rule never covers a filtered one (filtered rules decide first). */
  r = lint("(version 1)\n(deny default)\n(deny network-outbound (remote tcp \"*:22\"))\n"
           "(allow network*)\n",
           0);
  assert_int_equal(find(r, "shadowed-rule"), -1);
  assert_true(find(r, "unfiltered-after-filtered") >= 0);
  sbp_lint_result_free(r);
  /* A prefix covers literals and subpaths that start with it. */
  r = lint("(version 1)\n(deny default)\n(allow file-read* (literal \"/usr/libx\"))\n"
           "(allow file-read* (prefix \"/usr/lib\"))\n",
           0);
  assert_true(find(r, "shadowed-rule") >= 0);
  sbp_lint_result_free(r);
  /* Through network-bind's fallback to network-inbound (a weak fact), said so. */
  r = lint("(version 1)\n(deny default)\n(allow network-bind (local ip \"localhost:80\"))\n"
           "(allow network-inbound (local ip \"localhost:80\"))\n",
           0);
  long k = find(r, "shadowed-rule");
  assert_true(k >= 0);
  assert_non_null(strstr(sbp_lint_message(r, (size_t)k), "network-bind falls back"));
  sbp_lint_result_free(r);
  /* A rule with several operations never decides only when every one is covered. */
  r = lint("(version 1)\n(deny default)\n(allow file-read* file-write* (subpath \"/a/b\"))\n"
           "(allow file-read* (subpath \"/a\"))\n",
           0);
  assert_int_equal(find(r, "shadowed-rule"), -1);
  sbp_lint_result_free(r);
}

/* The fix a regex-doubtful diagnostic suggests for the pattern, or NULL. */
static char *brace_fix(const char *re) {
  char text[512];
  snprintf(text, sizeof text, "(version 1)\n(deny default)\n(allow file-read* (regex #\"%s\"))\n", re);
  sbp_lint_result *r = lint(text, 0);
  long i = find(r, "regex-doubtful");
  assert_true(i >= 0);
  const char *fix = sbp_lint_fix(r, (size_t)i);
  char *copy = NULL;
  if (fix != NULL) {
    copy = malloc(strlen(fix) + 1);
    assert_non_null(copy);
    strcpy(copy, fix);
  }
  sbp_lint_result_free(r);
  return copy;
}

static void test_regex_brace_fix(void **state) {
  (void)state;
  static const struct { const char *re, *fix; } cases[] = {
      {"^/c/[0-9A-F]{4}$", "#\"^/c/[0-9A-F][0-9A-F][0-9A-F][0-9A-F]$\""},
      {"^/(ab){1,3}$", "#\"^/(ab)(ab)?(ab)?$\""},
      {"^/x{2,}", "#\"^/xxx*\""},
      {"^/((a){2}b){2}$", "#\"^/((a)(a)b)((a)(a)b)$\""},
      {"^/\\.{2}", "#\"^/\\.\\.\""},
      {"^/[]x]{2}", "#\"^/[]x][]x]\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *fix = brace_fix(cases[i].re);
    assert_non_null(fix);
    assert_string_equal(fix, cases[i].fix);
    free(fix);
  }
  /* Too large to spell out: no fix, the warning stays. */
  assert_null(brace_fix("^/a{100}"));
}

static void test_lint_built_profile(void **state) {
  (void)state;
  sbp_profile *p;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_new(&p, NULL), SBP_OK);
  assert_int_equal(sbp_profile_set_version(p, 1, &err), SBP_OK);
  assert_int_equal(sbp_add_default(p, SBP_DENY, NULL, &err), SBP_OK);
  assert_int_equal(sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, NULL, &err), SBP_OK);
  assert_int_equal(sbp_add_file(p, SBP_ALLOW, SBP_FILE_READ, SBP_MATCH_SUBPATH, "/var/db", 7,
                                NULL, &err),
                   SBP_OK);
  sbp_lint_result *r = NULL;
  assert_int_equal(sbp_lint_profile(p, NULL, &r, &err), SBP_OK);
  assert_int_equal(sbp_lint_count(r), 2);
  /* No positions: in the order the checks ran (names and paths first). */
  assert_string_equal(sbp_lint_code(r, 0), "symlinked-path");
  assert_string_equal(sbp_lint_code(r, 1), "broad-grant");
  const char *file = "x";
  uint32_t line = 9;
  sbp_lint_position(r, 0, &file, &line, NULL);
  assert_null(file);
  assert_int_equal(line, 0);
  sbp_lint_result_free(r);
  assert_int_equal(sbp_lint_profile(NULL, NULL, &r, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_lint_profile(p, NULL, NULL, &err), SBP_E_INVALID_ARG);
  sbp_profile_free(p);
}

/* Point 7: a named target reads the profile as that version does: iokit-open is 10.15's own
 * operation (not the 14.x alias of iokit-open-user-client), while names of other versions
 * are still reported as unknown there, not as evaluation errors. */
static void test_target_version_reading(void **state) {
  (void)state;
  const char *text = "(version 1)\n(deny default)\n(allow iokit-open)\n(allow file-lock)\n"
                     "(allow file-read* (with no-such-modifier))\n";
  sbp_lint_result *r = lint(text, SBP_MACOS_VERSION(10, 15, 0));
  assert_true(sbp_lint_evaluated(r));
  assert_int_equal(find(r, "eval-error"), -1);
  long i = find(r, "unknown-operation");
  assert_true(i >= 0);
  assert_non_null(strstr(sbp_lint_message(r, (size_t)i), "'file-lock'"));
  for (size_t k = 0; k < sbp_lint_count(r); k++)
    assert_null(strstr(sbp_lint_message(r, k), "iokit-open-user-client"));
  assert_true(find(r, "unknown-modifier") >= 0);
  sbp_lint_result_free(r);
  /* SBP_READ_OTHER_VERSION_NAMES on its own */
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.macos = SBP_MACOS_VERSION(10, 15, 0);
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, NULL), SBP_E_EVAL);
  o.flags = SBP_READ_OTHER_VERSION_NAMES;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_profile_rule_count(p), 4);
  sbp_profile_free(p);
}

static void test_check_table(void **state) {
  (void)state;
  size_t n = sbp_lint_check_count();
  assert_int_equal(n, 28);
  assert_string_equal(sbp_lint_check_code(0), "syntax-error");
  assert_string_equal(sbp_lint_check_code(n - 1), "ignored-expression");
  assert_int_equal(sbp_lint_check_severity(n - 1), SBP_LINT_WARNING);
  assert_null(sbp_lint_check_code(n));
  assert_null(sbp_lint_check_summary(n));
  assert_int_equal(sbp_lint_check_severity(n), 0);
  /* Codes are unique. */
  for (size_t i = 0; i < n; i++) {
    assert_non_null(sbp_lint_check_summary(i));
    for (size_t j = i + 1; j < n; j++)
      assert_string_not_equal(sbp_lint_check_code(i), sbp_lint_check_code(j));
  }
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_ERROR), "error");
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_WARNING), "warning");
  assert_string_equal(sbp_lint_severity_name(SBP_LINT_NOTE), "note");
  assert_string_equal(sbp_lint_severity_name(7), "unknown");
}

static void test_locate_string(void **state) {
  (void)state;
  const char *t = "(version 1)\n(allow x ; \"/a\" in a comment\n  (subpath #\\( \"/a\\\"b\")\n"
                  "  (regex #\"^/c$\") \"/a\")\n(allow y \"/z\")\n";
  size_t len = strlen(t);
  uint32_t line = 0, col = 0;
  assert_int_equal(sbp_lint_locate_string(t, len, 2, 1, "/a\"b", 4, &line, &col), SBP_OK);
  assert_int_equal(line, 3);
  assert_int_equal(col, 16);
  assert_int_equal(sbp_lint_locate_string(t, len, 2, 1, "^/c$", 4, &line, &col), SBP_OK);
  assert_int_equal(line, 4);
  assert_int_equal(col, 10);
  assert_int_equal(sbp_lint_locate_string(t, len, 2, 1, "/a", 2, &line, &col), SBP_OK);
  assert_int_equal(line, 4);
  assert_int_equal(col, 19);
  /* Not in this form, not at a form, bad arguments. */
  assert_int_equal(sbp_lint_locate_string(t, len, 2, 1, "/z", 2, &line, &col), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_lint_locate_string(t, len, 2, 2, "/a", 2, &line, &col), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_lint_locate_string(t, len, 99, 1, "/a", 2, NULL, NULL), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_lint_locate_string(NULL, 0, 1, 1, "/a", 2, NULL, NULL), SBP_E_INVALID_ARG);
  /* An unterminated form ends the search at the end of the text. */
  assert_int_equal(sbp_lint_locate_string("(a \"b", 5, 1, 1, "c", 1, NULL, NULL), SBP_E_NOT_FOUND);
}

/* A profile of one rule with n /tmp filters (each reported at its own position; the value
 * of filter 0 repeated last, with an escaped quote in filter 1), then n copies of a filtered
 * rule and n copies of an unfiltered one. Returns a malloc'd text. */
static char *many_filters_and_copies(size_t n) {
  size_t cap = 64 + n * 80, at = 0;
  char *t = malloc(cap);
  assert_non_null(t);
  at += (size_t)snprintf(t + at, cap - at, "(version 1)\n(deny default)\n(allow file-read*\n");
  for (size_t i = 0; i < n; i++)
    at += (size_t)snprintf(t + at, cap - at, i == 1 ? "  (literal \"/tmp/f\\\"%03zu\")\n"
                                                    : "  (literal \"/tmp/f%03zu\")\n", i);
  at += (size_t)snprintf(t + at, cap - at, "  (literal \"/tmp/f000\"))\n");
  for (size_t i = 0; i < n; i++)
    at += (size_t)snprintf(t + at, cap - at, "(allow file-read* (literal \"/c\"))\n");
  for (size_t i = 0; i < n; i++)
    at += (size_t)snprintf(t + at, cap - at, "(allow file-write*)\n");
  assert_true(at < cap);
  return t;
}

/* Every value of a rule of many filters is found at its own place (the first in the rule
 * that reads as it, for a repeated value), and copies of rules are reported at each later
 * copy: a filtered one as repeating the first, an unfiltered one the copy before it. */
static void test_many_filters_and_copies(void **state) {
  (void)state;
  enum { N = 300 };
  char *t = many_filters_and_copies(N);
  sbp_lint_result *r = lint(t, 0);
  size_t links = 0, dups = 0;
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    const char *file;
    uint32_t line, col;
    sbp_lint_position(r, i, &file, &line, &col);
    if (strcmp(sbp_lint_code(r, i), "symlinked-path") == 0) {
      /* filters are on lines 4 .. N+3; the repeat of filter 0 (line N+4) is found at it */
      assert_int_equal(col, 12);
      assert_int_equal(line, links <= 1 ? 4 : 3 + links); /* sorted: line 4 twice */
      links++;
    } else if (strcmp(sbp_lint_code(r, i), "duplicate-rule") == 0) {
      char want[64];
      if (line <= 2 * N + 4) /* the filtered copies, lines N+5 .. 2N+4 */
        snprintf(want, sizeof want, "repeats the rule at t.sb:%d:1", N + 5);
      else
        snprintf(want, sizeof want, "repeats the rule at t.sb:%u:1", line - 1);
      if (strstr(sbp_lint_message(r, i), want) == NULL)
        fail_msg("line %u: %s (want \"%s\")", line, sbp_lint_message(r, i), want);
      dups++;
    }
  }
  assert_int_equal(links, N + 1);
  assert_int_equal(dups, 2 * (N - 1));
  sbp_lint_result_free(r);
  free(t);
}

static int oom_many_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  char *t = many_filters_and_copies(70); /* more strings than the index's first table holds */
  sbp_lint_result *r = NULL;
  int rc = sbp_lint_text(t, strlen(t), "m.sb", NULL, alloc, &r, NULL);
  if (rc == SBP_OK) {
    /* a failed index falls back to walking the rule: the same findings */
    assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_WARNING), 71 + 2 * 69);
  } else {
    assert_int_equal(rc, SBP_E_NOMEM);
    assert_null(r);
  }
  sbp_lint_result_free(r);
  free(t);
  return rc;
}

/* Appends (literal "/f/i") for i in [from, to) (or downwards when from > to). */
static size_t put_literals(char *t, size_t n, size_t cap, long from, long to) {
  for (long i = from; i != to; i += from < to ? 1 : -1)
    n += (size_t)snprintf(t + n, cap - n, " (literal \"/f/%ld\")", i);
  return n;
}

/* A rule of k filters, a later rule of the same filters in reverse order and one more (it
 * shadows the first), then a rule of k filters on another operation and a later one that
 * lacks the first of them (it shadows nothing). */
static char *large_rules(long k, size_t *len) {
  size_t cap = 4 * (size_t)k * 24 + 400, n;
  char *t = malloc(cap);
  assert_non_null(t);
  n = (size_t)snprintf(t, cap, "(version 1)\n(deny default)\n(allow file-read*");
  n = put_literals(t, n, cap, 0, k);
  n += (size_t)snprintf(t + n, cap - n, ")\n(deny file-read*");
  n = put_literals(t, n, cap, k - 1, -1);
  n += (size_t)snprintf(t + n, cap - n, " (literal \"/extra\"))\n(allow file-write*");
  n = put_literals(t, n, cap, 0, k);
  n += (size_t)snprintf(t + n, cap - n, ")\n(deny file-write*");
  n = put_literals(t, n, cap, 1, k);
  n += (size_t)snprintf(t + n, cap - n, " (literal \"/other\"))\n");
  assert_true(n < cap);
  *len = n;
  return t;
}

/* Rules of hundreds of filters are compared through their filters' hashes: a later rule that
 * holds every filter of an earlier one (in any order) shadows it, one that lacks a filter
 * does not, and the work stays far from filters x filters. */
static void test_shadow_large_rules(void **state) {
  (void)state;
  size_t n;
  char *t = large_rules(300, &n);
  sbp_lint_result *r = NULL;
  assert_int_equal(sbp_lint_text(t, n, "big.sb", NULL, NULL, &r, NULL), SBP_OK);
  size_t shadowed = 0;
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    if (strcmp(sbp_lint_code(r, i), "shadowed-rule") != 0) continue;
    const char *file;
    uint32_t line, col;
    sbp_lint_position(r, i, &file, &line, &col);
    assert_int_equal(line, 3);
    assert_non_null(strstr(sbp_lint_message(r, i), "big.sb:4:1"));
    shadowed++;
  }
  assert_int_equal(shadowed, 1);
  sbp_lint_result_free(r);
  free(t);
}

/* The same, small enough for an allocation-failure walk, still past the pairwise bound. */
static int oom_large_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  size_t n;
  char *t = large_rules(70, &n);
  sbp_lint_result *r = NULL;
  int rc = sbp_lint_text(t, n, "big.sb", NULL, alloc, &r, NULL);
  if (rc == SBP_OK) assert_true(find(r, "shadowed-rule") >= 0);
  else assert_int_equal(rc, SBP_E_NOMEM);
  sbp_lint_result_free(r);
  free(t);
  return rc;
}

static void test_hostile(void **state) {
  (void)state;
  /* Deep nesting of require-not: no recursion in the checks. */
  size_t depth = 5000;
  size_t cap = depth * 14 + 200;
  char *t = malloc(cap);
  assert_non_null(t);
  size_t n = (size_t)snprintf(t, cap, "(version 1)\n(deny default)\n(allow file-read* ");
  for (size_t i = 0; i < depth; i++) n += (size_t)snprintf(t + n, cap - n, "(require-not ");
  n += (size_t)snprintf(t + n, cap - n, "(literal \"/x\")");
  for (size_t i = 0; i < depth; i++) t[n++] = ')';
  n += (size_t)snprintf(t + n, cap - n, ")\n");
  sbp_lint_result *r = NULL;
  assert_int_equal(sbp_lint_text(t, n, NULL, NULL, NULL, &r, NULL), SBP_OK);
  sbp_lint_result_free(r);
  free(t);
  /* Many rules: the duplicate and shadow checks stay fast. */
  size_t rules = 20000;
  cap = rules * 60 + 100;
  t = malloc(cap);
  assert_non_null(t);
  n = (size_t)snprintf(t, cap, "(version 1)\n(deny default)\n");
  for (size_t i = 0; i < rules; i++)
    n += (size_t)snprintf(t + n, cap - n, "(allow file-read* (literal \"/p/%zu\"))\n", i % 10000);
  assert_int_equal(sbp_lint_text(t, n, NULL, NULL, NULL, &r, NULL), SBP_OK);
  assert_int_equal(sbp_lint_count_at_least(r, SBP_LINT_WARNING), 10000);
  sbp_lint_result_free(r);
  free(t);
}

static const char *oom_text =
    "(version 1)\n(deny default)\n(allow file-read* (subpath \"/tmp/x\") (literal \"a//b\")\n"
    "  (regex #\"^/var/x{2}\") (subpath \"/private/var/q\"))\n(allow file-read* (subpath \"/a\"))\n"
    "(allow file-read* (subpath \"/a\"))\n(deny network-outbound (remote tcp \"*:22\"))\n"
    "(allow network-outbound)\n(allow mach-lookup)\n(deny file-read* (subpath \"/Users/x\"))\n"
    "(allow file-write* (subpath \"/\"))\n(deny file-write* (subpath \"/y\") (with report))\n";

static int oom_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_lint_result *r = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_lint_text(oom_text, strlen(oom_text), "o.sb", NULL, alloc, &r, &err);
  if (rc == SBP_OK) {
    assert_true(sbp_lint_count(r) >= 8);
  } else {
    assert_int_equal(rc, SBP_E_NOMEM);
    assert_null(r);
  }
  sbp_lint_result_free(r);
  return rc;
}

static int oom_profile_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_profile *p = NULL;
  int rc = sbp_profile_read(&p, oom_text, strlen(oom_text), "o.sb", NULL, alloc, NULL);
  if (rc != SBP_OK) return rc;
  sbp_lint_result *r = NULL;
  rc = sbp_lint_profile(p, NULL, &r, NULL);
  if (rc != SBP_OK) assert_int_equal(rc, SBP_E_NOMEM);
  sbp_lint_result_free(r);
  sbp_profile_free(p);
  return rc;
}

/* A fragment (no version) over two sources, with text-level findings and fixes. */
static int oom_sources_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  static char long_path[400];
  if (long_path[0] == '\0') {
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
  }
  char second[600];
  snprintf(second, sizeof second,
           "(allow file-read* (literal \"%s\") (regex #\"^/q{1,2}\"))\n"
           "(allow network-outbound (remote tcp \"*:80\"))\n",
           long_path);
  const char *first = "(define (p x) (subpath x))\n(allow file-read* (p \"/etc\"))\n";
  sbp_source src[2] = {{first, strlen(first), "a.sb"}, {second, strlen(second), "b.sb"}};
  sbp_lint_result *r = NULL;
  int rc = sbp_lint_sources(src, 2, NULL, alloc, &r, NULL);
  if (rc == SBP_OK) {
    assert_true(find(r, "missing-version") >= 0);
    assert_true(find(r, "long-string") >= 0);
    assert_true(find(r, "symlinked-path") >= 0);
  } else {
    assert_int_equal(rc, SBP_E_NOMEM);
  }
  sbp_lint_result_free(r);
  return rc;
}

static void test_allocation_failures(void **state) {
  (void)state;
  size_t calls = test_alloc_exhaust(oom_sources_op, NULL);
  assert_true(calls > 10);
  calls = test_alloc_exhaust(oom_op, NULL);
  assert_true(calls > 10);
  calls = test_alloc_exhaust(oom_profile_op, NULL);
  assert_true(calls > 10);
  calls = test_alloc_exhaust(oom_many_op, NULL);
  assert_true(calls > 10);
  calls = test_alloc_exhaust(oom_large_op, NULL);
  assert_true(calls > 10);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accessors),
      cmocka_unit_test(test_no_notes_and_version),
      cmocka_unit_test(test_syntax_and_eval_errors),
      cmocka_unit_test(test_version_after_import_across_sources),
      cmocka_unit_test(test_versions_named),
      cmocka_unit_test(test_shadowing_reasoning),
      cmocka_unit_test(test_regex_brace_fix),
      cmocka_unit_test(test_lint_built_profile),
      cmocka_unit_test(test_check_table), cmocka_unit_test(test_target_version_reading),
      cmocka_unit_test(test_many_filters_and_copies),
      cmocka_unit_test(test_locate_string),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_shadow_large_rules),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
