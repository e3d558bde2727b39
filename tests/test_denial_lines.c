/* Denial reports line by line (lib/denial.c): each form the parser reads with every field it
 * fills, and each kind of line it must skip (with the reason and line it names) rather than
 * keep: control characters and invalid UTF-8 (truncated, overlong, surrogate), JSON strings
 * with bad escapes, lines without an operation or a deny(N). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

typedef struct line_case {
  const char *text;
  size_t lines, other;  /* lines read, lines that mention no report */
  const char *skipped;  /* the reason the first skipped line gives; NULL: none skipped */
  uint32_t skip_line;
  /* the one report kept, when nothing is skipped */
  int form, action, system_policy;
  uint32_t line;
  int64_t pid;
  uint64_t number, repeats;
  const char *process, *operation, *target, *message;
} line_case;

#define KEPT(text, lines, other, form, action, sys, line, pid, num, rep, proc, op, target, msg) \
  {text, lines, other, NULL, 0, form, action, sys, line, pid, num, rep, proc, op, target, msg}
#define SKIPPED(text, why) {text, 1, 0, why, 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL}

enum { K = SBP_DENIAL_FORM_KERNEL, J = SBP_DENIAL_FORM_JSON, W = SBP_DENIAL_FORM_WRAPPER };

static const line_case cases[] = {
    /* the target is trimmed; a single word on the next line is the message tag */
    KEPT("Sandbox: a(1) deny(1) file-read-data    /spaces   \nTAG_1\n", 2, 1, K, SBP_DENY, 0,
         1, 1, 1, 1, "a", "file-read-data", "/spaces", "TAG_1"),
    KEPT("Sandbox: a(1) deny(1) file-read-data /x\ntwo words\n", 2, 1, K, SBP_DENY, 0, 1, 1, 1,
         1, "a", "file-read-data", "/x", NULL),
    KEPT("Sandbox: my app(42) deny(7) file-read-data /caf\xc3\xa9/\xf0\x9f\x98\x80\r\n", 1, 0,
         K, SBP_DENY, 0, 1, 42, 7, 1, "my app", "file-read-data",
         "/caf\xc3\xa9/\xf0\x9f\x98\x80", NULL),
    KEPT("3 duplicate reports for Sandbox: a(12) deny(1) mach-lookup com.x", 1, 0, K, SBP_DENY,
         0, 1, 12, 1, 3, "a", "mach-lookup", "com.x", NULL),
    KEPT("Sandbox: 5 duplicate report for a deny(1) mach-lookup com.x", 1, 0, K, SBP_DENY, 0, 1,
         -1, 1, 5, "a", "mach-lookup", "com.x", NULL),
    KEPT("noise\nSandbox: a(1) allow(2) file-read-data /z", 2, 1, K, SBP_ALLOW, 0, 2, 1, 2, 1,
         "a", "file-read-data", "/z", NULL),
    KEPT("htop(51550) System Policy: allow(0) mach-priv-task-port", 1, 0, W, SBP_ALLOW, 1, 1,
         51550, 0, 1, "htop", "mach-priv-task-port", "", NULL),
    KEPT("<sandbox_violations>\na(3) deny(1) file-read-data /y\n</sandbox_violations>\n", 3, 2,
         W, SBP_DENY, 0, 2, 3, 1, 1, "a", "file-read-data", "/y", NULL),
    /* JSON: escapes, a surrogate pair, the tag after the escaped newline */
    KEPT("{\"eventMessage\" : \"Sandbox: a(1) deny(1) file-read-data \\/x\\u00e9\\ud83d\\ude00"
         "\\nTAG\", \"x\": 1}", 1, 0, J, SBP_DENY, 0, 1, 1, 1, 1, "a", "file-read-data",
         "/x\xc3\xa9\xf0\x9f\x98\x80", "TAG"),
    KEPT("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\u00C9\"}", 1, 0, J,
         SBP_DENY, 0, 1, 1, 1, 1, "a", "file-read-data", "\xc3\x89", NULL),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\u00\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\ud800x\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\ud800\\u0041\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\uDC00\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data \\q\"}",
            "malformed JSON string"),
    SKIPPED("Sandbox: a(1) deny(1) 9bad /x", "not an operation name"),
    SKIPPED("Sandbox: a(1) deny(1) file-Read /x", "not an operation name"),
    SKIPPED("Sandbox: a(1) deny(1) ", "no operation"),
    SKIPPED("Sandbox: a(1) deny(99999999999999999999999) file-read-data /x",
            "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\x01x", "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\x7f", "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xc3", "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xc3x", "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xed\xa0\x80",
            "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xe0\x80\x80",
            "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xf4\x90\x80\x80",
            "control character or invalid UTF-8"),
    SKIPPED("Sandbox: a(1) deny(1) file-read-data /\xff", "control character or invalid UTF-8"),
    SKIPPED("Sandbox: \xc3\xa9(1) deny(1) file-read-data /\x80",
            "control character or invalid UTF-8"),
    /* JSON: every one-character escape (the control characters they make are refused in a
     * target, so they go in the tag line), a short \u, a key spaced with tabs, no string */
    KEPT("{\"eventMessage\"\t:\t\"Sandbox: a(1) deny(1) file-read-data /\\\"q\\\\\\u0041\"}", 1, 0, J,
         SBP_DENY, 0, 1, 1, 1, 1, "a", "file-read-data", "/\"q\\A", NULL),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\b\\f\\r\\t\"}",
            "control character or invalid UTF-8"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\u12\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\u12g4\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\": 12}", "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /x", "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /x\\", "malformed JSON string"),
    /* kernel lines: no process name, a process whose name ends in a non-number in brackets,
     * "duplicate report" without a count, an operation cut short */
    SKIPPED("Sandbox: (1) deny(1) file-read-data /x", "no process name"),
    KEPT("Sandbox: a(b) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1, -1, 1, 1, "a(b)",
         "file-read-data", "/x", NULL),
    KEPT("Sandbox: a() deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1, -1, 1, 1, "a()",
         "file-read-data", "/x", NULL),
    KEPT("some duplicate reports for Sandbox: a(1) deny(1) file-read-data", 1, 0, K, SBP_DENY, 0,
         1, 1, 1, 1, "a", "file-read-data", "", NULL),
    SKIPPED("Sandbox: a(1) deny(1)", "no operation"),
    SKIPPED("Sandbox: a(1) deny(1) File /x", "not an operation name"),
    /* wrapper lines need NAME(PID); a line saying deny( that is no report is skipped */
    SKIPPED("a deny(1) file-read-data /x", "no NAME(PID)"),
    SKIPPED("a(1) allow(x) file-read-data /x", "no deny(N) or allow(N)"),
    /* the action token: a digit in the operation name; a '(' last on the line; a count cut
     * short, not closed, or run into the operation */
    KEPT("Sandbox: a(1) deny(1) x509-check /x", 1, 0, K, SBP_DENY, 0, 1, 1, 1, 1, "a",
         "x509-check", "/x", NULL),
    SKIPPED("Sandbox: a(1) deny(1x) file-read-data", "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: a(1) deny(12", "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: a(1) deny(1)file-read-data /x", "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: a(", "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: a(1) deny(1)  file-read-data", "no operation"),
    /* counts: several spaces after K; K alone; K before a word that is no form; a form cut
     * short of the marker; "duplicate reports" first on the line */
    KEPT("12   duplicate reports for Sandbox: a(1) deny(1) mach-lookup com.x", 1, 0, K,
         SBP_DENY, 0, 1, 1, 1, 12, "a", "mach-lookup", "com.x", NULL),
    KEPT("Sandbox: 7  duplicate report for a deny(1) mach-lookup com.x", 1, 0, K, SBP_DENY, 0,
         1, -1, 1, 7, "a", "mach-lookup", "com.x", NULL),
    SKIPPED("Sandbox: 12", "no deny(N) or allow(N)"),
    SKIPPED("Sandbox: 12x", "no deny(N) or allow(N)"),
    KEPT("Sandbox: 3 apples(1) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1, 1, 1, 1,
         "3 apples", "file-read-data", "/x", NULL),
    KEPT("Sandbox: 3 a(1) deny(1) file-read-data", 1, 0, K, SBP_DENY, 0, 1, 1, 1, 1, "3 a",
         "file-read-data", "", NULL),
    SKIPPED("Sandbox: 5 duplicate report for a", "no deny(N) or allow(N)"),
    KEPT("duplicate reports for Sandbox: a(1) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0,
         1, 1, 1, 1, "a", "file-read-data", "/x", NULL),
    /* pids: digits back to the start of the line; too many digits for a pid */
    KEPT("Sandbox: 12) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1, -1, 1, 1, "12)",
         "file-read-data", "/x", NULL),
    KEPT("Sandbox: a(1234567890123456789) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1,
         -1, 1, 1, "a(1234567890123456789)", "file-read-data", "/x", NULL),
    SKIPPED("Sandbox: a\x01(1) deny(1) file-read-data /x", "control character or invalid UTF-8"),
    /* JSON: a \u cut at the end; three-byte code points; surrogate halves out of place */
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\u1", "malformed JSON string"),
    KEPT("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\ue000\\u20ac\"}", 1, 0, J,
         SBP_DENY, 0, 1, 1, 1, 1, "a", "file-read-data", "/\xee\x80\x80\xe2\x82\xac", NULL),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\ud800xxxxxxxx\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\ud800\\nxxxxx\"}",
            "malformed JSON string"),
    SKIPPED("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\ud800\\ue000\"}",
            "malformed JSON string"),
    /* JSON keys: no colon, nothing after the key or the colon */
    KEPT("{\"eventMessage\" \"Sandbox: a(1) deny(1) file-read-data /x\"}", 1, 0, J, SBP_DENY, 0, 1,
         1, 1, 1, "a", "file-read-data", "/x", NULL), /* the colon is not insisted on */
    SKIPPED("{\"x\": 1, \"eventMessage\"", "malformed JSON string"),
    SKIPPED("{\"eventMessage\":", "malformed JSON string"),
    /* a second JSON line that is no tag */
    KEPT("{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /x\\ntwo words\"}", 1, 0, J,
         SBP_DENY, 0, 1, 1, 1, 1, "a", "file-read-data", "/x", NULL),
    /* leading tabs are trimmed; markup that is no sandbox_violations element is read as the
     * process name */
    KEPT("\t Sandbox: a(1) deny(1) file-read-data /x", 1, 0, K, SBP_DENY, 0, 1, 1, 1, 1, "a",
         "file-read-data", "/x", NULL),
    KEPT("<b> a(3) deny(1) file-read-data /y", 1, 0, W, SBP_DENY, 0, 1, 3, 1, 1, "<b> a",
         "file-read-data", "/y", NULL),
    /* a tag only on the line right after the report */
    KEPT("Sandbox: a(1) deny(1) file-read-data /x\nT1\nT2\n", 3, 2, K, SBP_DENY, 0, 1, 1, 1, 1,
         "a", "file-read-data", "/x", "T1"),
    /* a lone CR ends a line, also at the end of the text */
    KEPT("x\rSandbox: a(1) deny(1) file-read-data /x\r", 2, 1, K, SBP_DENY, 0, 2, 1, 1, 1, "a",
         "file-read-data", "/x", NULL),
};

static void test_lines(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const line_case *c = &cases[i];
    sbp_denial_log *log = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_denial_parse(&log, c->text, strlen(c->text), NULL, NULL, &err) != SBP_OK)
      fail_msg("case %zu: %s", i, err.message);
    size_t other = 99;
    assert_int_equal(sbp_denial_log_lines(log, &other), c->lines);
    assert_int_equal(other, c->other);
    uint32_t source = 9, line = 0;
    const char *why = sbp_denial_log_first_skipped(log, &source, &line);
    if (c->skipped != NULL) {
      if (why == NULL || strcmp(why, c->skipped) != 0)
        fail_msg("case %zu: skipped for '%s', expected '%s'", i, why ? why : "(none)",
                 c->skipped);
      assert_int_equal(line, c->skip_line);
      assert_int_equal(source, 0);
      assert_int_equal(sbp_denial_log_skipped(log), 1);
      assert_int_equal(sbp_denial_log_count(log), 0);
      sbp_denial_log_free(log);
      continue;
    }
    if (why != NULL) fail_msg("case %zu: skipped for '%s'", i, why);
    assert_int_equal(sbp_denial_log_count(log), 1);
    const sbp_denial *d = sbp_denial_log_at(log, 0);
    assert_null(sbp_denial_log_at(log, 1));
    assert_int_equal(d->form, c->form);
    assert_int_equal(d->action, c->action);
    assert_int_equal(d->system_policy, c->system_policy);
    assert_int_equal(d->line, c->line);
    assert_int_equal(d->pid, c->pid);
    assert_int_equal(d->number, c->number);
    assert_int_equal(d->repeats, c->repeats);
    assert_string_equal(d->process, c->process);
    assert_string_equal(d->operation, c->operation);
    assert_string_equal(d->target, c->target);
    if (c->message == NULL)
      assert_null(d->message);
    else
      assert_string_equal(d->message, c->message);
    sbp_denial_log_free(log);
  }
}

/* A NULL log reads as empty; the form names; the options and arguments refused. */
static void test_edges(void **state) {
  (void)state;
  size_t other = 9;
  assert_int_equal(sbp_denial_log_count(NULL), 0);
  assert_null(sbp_denial_log_at(NULL, 0));
  assert_int_equal(sbp_denial_log_skipped(NULL), 0);
  assert_null(sbp_denial_log_first_skipped(NULL, NULL, NULL));
  assert_int_equal(sbp_denial_log_lines(NULL, &other), 0);
  assert_int_equal(other, 0);
  assert_string_equal(sbp_denial_form_name(SBP_DENIAL_FORM_KERNEL), "kernel");
  assert_string_equal(sbp_denial_form_name(SBP_DENIAL_FORM_JSON), "json");
  assert_string_equal(sbp_denial_form_name(SBP_DENIAL_FORM_WRAPPER), "wrapper");
  assert_null(sbp_denial_form_name(0));
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_denial_log_new(NULL, NULL, NULL, &err), SBP_E_INVALID_ARG);
  sbp_denial_options o = SBP_DENIAL_OPTIONS_INIT;
  o.version = 99;
  sbp_denial_log *log = NULL;
  assert_int_equal(sbp_denial_log_new(&log, &o, NULL, &err), SBP_E_INVALID_ARG);
  assert_null(log);
  sbp_alloc half = {0};
  assert_int_equal(sbp_denial_log_new(&log, NULL, &half, &err), SBP_E_INVALID_ARG);
  /* an allocator lacking realloc, or free, is as incomplete */
  const sbp_alloc *def = sbp_alloc_default();
  sbp_alloc no_realloc = {def->malloc, NULL, def->free, def->ud};
  sbp_alloc no_free = {def->malloc, def->realloc, NULL, def->ud};
  assert_int_equal(sbp_denial_log_new(&log, NULL, &no_realloc, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_denial_log_new(&log, NULL, &no_free, &err), SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "denials: incomplete allocator");
  assert_null(log);
  assert_int_equal(sbp_denial_log_new(&log, NULL, NULL, &err), SBP_OK);
  assert_int_equal(sbp_denial_log_add(NULL, "x", 1, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_denial_log_add(log, NULL, 1, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_denial_log_add(log, NULL, 0, &err), SBP_OK);
  /* a second text: positions count from its own first line, its index is the source */
  static const char two[] = "x\nSandbox: b(2) deny(1) file-read-data /\x01\n";
  assert_int_equal(sbp_denial_log_add(log, two, sizeof two - 1, &err), SBP_OK);
  uint32_t source = 9, line = 0;
  assert_string_equal(sbp_denial_log_first_skipped(log, &source, &line),
                      "control character or invalid UTF-8");
  assert_int_equal(source, 1);
  assert_int_equal(line, 2);
  /* a later skip keeps the first reason; outputs may be NULL */
  static const char three[] = "Sandbox: a(1) deny(1) 9\n";
  assert_int_equal(sbp_denial_log_add(log, three, sizeof three - 1, &err), SBP_OK);
  assert_int_equal(sbp_denial_log_skipped(log), 2);
  source = 9;
  assert_string_equal(sbp_denial_log_first_skipped(log, &source, NULL),
                      "control character or invalid UTF-8");
  assert_int_equal(source, 1);
  assert_string_equal(sbp_denial_log_first_skipped(log, NULL, NULL),
                      "control character or invalid UTF-8");
  assert_int_equal(sbp_denial_log_lines(log, NULL), 3);
  sbp_denial_log_free(log);
  /* lines after a report that are no tag: JSON or markup openers, a tab inside */
  static const char *const no_tags[] = {"{x", "}x", "[x", "]x", "\"x", "<x", ",x", "a\tb"};
  for (size_t i = 0; i < sizeof no_tags / sizeof no_tags[0]; i++) {
    char t[96];
    int n = snprintf(t, sizeof t, "Sandbox: a(1) deny(1) file-read-data /x\n%s\n", no_tags[i]);
    assert_int_equal(sbp_denial_parse(&log, t, (size_t)n, NULL, NULL, &err), SBP_OK);
    assert_int_equal(sbp_denial_log_count(log), 1);
    assert_null(sbp_denial_log_at(log, 0)->message);
    assert_int_equal(sbp_denial_log_lines(log, &other), 2);
    assert_int_equal(other, 1);
    sbp_denial_log_free(log);
  }
  /* a tag line of more than 1024 bytes is no tag */
  char text[1200];
  static const char rep[] = "Sandbox: a(1) deny(1) file-read-data /x\n";
  memcpy(text, rep, sizeof rep - 1);
  memset(text + sizeof rep - 1, 'T', 1025);
  size_t len = sizeof rep - 1 + 1025;
  assert_int_equal(sbp_denial_parse(&log, text, len, NULL, NULL, &err), SBP_OK);
  assert_int_equal(sbp_denial_log_count(log), 1);
  assert_null(sbp_denial_log_at(log, 0)->message);
  sbp_denial_log_free(log);
  assert_int_equal(sbp_denial_parse(&log, text, len - 1, NULL, NULL, &err), SBP_OK);
  assert_int_equal(strlen(sbp_denial_log_at(log, 0)->message), 1024);
  sbp_denial_log_free(log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lines),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
