/* Denial reports and suggestions: each log form (samples written from the formats the
 * header cites), each operation family's filter, deciding against a profile, placement,
 * the check of the patched profile, hostile input and allocation failures. */
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

static sbp_denial_log *parse(const char *text) {
  sbp_denial_log *log = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_denial_parse(&log, text, strlen(text), NULL, NULL, &err), SBP_OK);
  return log;
}

/* ---- log forms ---------------------------------------------------------------------------- */

typedef struct form_case {
  const char *name, *text;
  int form, action, system_policy;
  int64_t pid;
  uint64_t number, repeats;
  const char *process, *op, *target, *message;
} form_case;

static const form_case FORMS[] = {
    {"bare kernel", "Sandbox: uv(4242) deny(1) mach-lookup com.apple.SystemConfiguration.configd",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 4242, 1, 1, "uv", "mach-lookup",
     "com.apple.SystemConfiguration.configd", NULL},
    {"log default style",
     "2025-11-03 10:12:01.123456+0100 0x1a2b     Error       0x0                  0      0    "
     "kernel: (Sandbox) Sandbox: uv(4242) deny(1) file-read-data /Users/u/My Files/a.txt",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 4242, 1, 1, "uv", "file-read-data",
     "/Users/u/My Files/a.txt", NULL},
    {"log compact style",
     "2025-11-03 10:12:01.123 E  kernel[0:1a2b] (Sandbox) Sandbox: git(77) deny(2) "
     "file-write-create /private/tmp/x",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 77, 2, 1, "git", "file-write-create", "/private/tmp/x",
     NULL},
    {"log syslog style",
     "2025-11-03 10:12:01.123456+0100  localhost kernel[0]: (Sandbox) Sandbox: gh(900) deny(1) "
     "mach-lookup com.apple.trustd.agent",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 900, 1, 1, "gh", "mach-lookup", "com.apple.trustd.agent",
     NULL},
    {"duplicates before the marker",
     "kernel: (Sandbox) 3 duplicate reports for Sandbox: uv(4242) deny(1) mach-lookup x.y",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 4242, 1, 3, "uv", "mach-lookup", "x.y", NULL},
    {"duplicate without a pid",
     "Sandbox: 1 duplicate report for com.apple.WebKit deny(1) file-read-data /private/etc/hosts",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, -1, 1, 1, "com.apple.WebKit", "file-read-data",
     "/private/etc/hosts", NULL},
    {"allow report", "Sandbox: make(12) allow(1) file-read-data /etc/passwd",
     SBP_DENIAL_FORM_KERNEL, SBP_ALLOW, 0, 12, 1, 1, "make", "file-read-data", "/etc/passwd", NULL},
    {"system policy", "kernel[0] <Notice>: Sandbox: htop(51550) System Policy: allow(0) "
     "mach-priv-task-port",
     SBP_DENIAL_FORM_KERNEL, SBP_ALLOW, 1, 51550, 0, 1, "htop", "mach-priv-task-port", "", NULL},
    {"process name with spaces and parentheses",
     "Sandbox: Google Chrome (x)(31) deny(1) mach-lookup a.b", SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0,
     31, 1, 1, "Google Chrome (x)", "mach-lookup", "a.b", NULL},
    {"ndjson", "{\"timestamp\":\"2025-11-03 10:12:01.123456+0100\",\"processID\":0,"
     "\"eventMessage\":\"Sandbox: uv(4242) deny(1) file-read-data \\/Users\\/u\\/caf\\u00e9\","
     "\"processImagePath\":\"\\/kernel\"}",
     SBP_DENIAL_FORM_JSON, SBP_DENY, 0, 4242, 1, 1, "uv", "file-read-data", "/Users/u/caf\xc3\xa9",
     NULL},
    {"json with a message tag",
     "  \"eventMessage\" : \"Sandbox: node(5) deny(1) network-outbound 1.2.3.4:443\\nCMD64_abc_END__x_SBX\",",
     SBP_DENIAL_FORM_JSON, SBP_DENY, 0, 5, 1, 1, "node", "network-outbound", "1.2.3.4:443",
     "CMD64_abc_END__x_SBX"},
    {"json surrogate pair", "{\"eventMessage\":\"Sandbox: a(1) deny(1) file-read-data /\\ud83d\\ude00\"}",
     SBP_DENIAL_FORM_JSON, SBP_DENY, 0, 1, 1, 1, "a", "file-read-data", "/\xf0\x9f\x98\x80", NULL},
    {"wrapper block",
     "stderr text\n<sandbox_violations>\nuv(4242) deny(1) file-write-create /Users/u/.cache/uv/x\n"
     "</sandbox_violations>",
     SBP_DENIAL_FORM_WRAPPER, SBP_DENY, 0, 4242, 1, 1, "uv", "file-write-create",
     "/Users/u/.cache/uv/x", NULL},
    {"message tag on the next line",
     "Sandbox: bash(9) deny(1) file-read-data /etc/shadow\r\nCMD64_ZWNobw==_END__k2_SBX\r\n",
     SBP_DENIAL_FORM_KERNEL, SBP_DENY, 0, 9, 1, 1, "bash", "file-read-data", "/etc/shadow",
     "CMD64_ZWNobw==_END__k2_SBX"},
};

static void test_log_forms(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof FORMS / sizeof FORMS[0]; i++) {
    const form_case *c = &FORMS[i];
    sbp_denial_log *log = parse(c->text);
    if (sbp_denial_log_count(log) != 1) fail_msg("%s: %zu reports", c->name, sbp_denial_log_count(log));
    const sbp_denial *d = sbp_denial_log_at(log, 0);
    if (d->form != c->form || d->action != c->action || d->pid != c->pid ||
        d->number != c->number || d->repeats != c->repeats ||
        d->system_policy != c->system_policy || strcmp(d->process, c->process) != 0 ||
        strcmp(d->operation, c->op) != 0 || strcmp(d->target, c->target) != 0 ||
        (c->message == NULL) != (d->message == NULL) ||
        (c->message && strcmp(c->message, d->message) != 0))
      fail_msg("%s: got form %d action %d pid %lld n %llu rep %llu proc '%s' op '%s' target "
               "'%s' msg '%s'",
               c->name, d->form, d->action, (long long)d->pid, (unsigned long long)d->number,
               (unsigned long long)d->repeats, d->process, d->operation, d->target,
               d->message ? d->message : "(none)");
    assert_int_equal(sbp_denial_log_skipped(log), 0);
    sbp_denial_log_free(log);
  }
}

static void test_json_style_over_lines(void **state) {
  (void)state;
  const char *text = "[{\n  \"traceID\" : 1,\n  \"eventMessage\" : \"Sandbox: uv(1) deny(1) "
                     "sysctl-read kern.osproductversion\",\n  \"processID\" : 0\n},{\n"
                     "  \"eventMessage\" : \"unrelated message\"\n}]\n";
  sbp_denial_log *log = parse(text);
  assert_int_equal(sbp_denial_log_count(log), 1);
  assert_string_equal(sbp_denial_log_at(log, 0)->target, "kern.osproductversion");
  assert_int_equal(sbp_denial_log_at(log, 0)->line, 3);
  size_t other;
  assert_int_equal(sbp_denial_log_lines(log, &other), 7);
  assert_int_equal(other, 6);
  sbp_denial_log_free(log);
}

/* Lines that look like reports but are not: counted and skipped, never fatal. */
static void test_hostile_lines(void **state) {
  (void)state;
  char big[70000];
  memset(big, 'a', sizeof big);
  memcpy(big, "Sandbox: x(1) deny(1) file-read-data /", 38);
  static const char bad_utf8[] = "Sandbox: x(1) deny(1) file-read-data /\xff\xfe\n";
  static const char overlong[] = "Sandbox: x(1) deny(1) file-read-data /\xc0\xaf\n";
  static const char nul[] = "Sandbox: x(1) deny(1) file-read-data /a\0b\n";
  static const char *const skips[] = {
      "Sandbox: x(1) deny( file-read-data /a",
      "Sandbox: x(1) deny(1)",
      "Sandbox: x(1) deny(1) FILE-READ /a",
      "Sandbox: (1) deny(1) mach-lookup a",
      "x deny(1) mach-lookup a",
      "{\"eventMessage\":\"Sandbox: x(1) deny(1) mach-lookup \\q\"}",
      "{\"eventMessage\":\"Sandbox: x(1) deny(1) mach-lookup a",
      "{\"eventMessage\":\"Sandbox: x(1) deny(1) mach-lookup \\ud800\"}",
      "Sandbox: x(1) deny(99999999999999999999) mach-lookup a",
  };
  for (size_t i = 0; i < sizeof skips / sizeof skips[0]; i++) {
    sbp_denial_log *log = parse(skips[i]);
    if (sbp_denial_log_count(log) != 0 || sbp_denial_log_skipped(log) != 1)
      fail_msg("'%s': %zu reports, %zu skipped", skips[i], sbp_denial_log_count(log),
               sbp_denial_log_skipped(log));
    sbp_denial_log_free(log);
  }
  const struct {
    const char *t;
    size_t n;
  } raw[] = {{big, sizeof big}, {bad_utf8, sizeof bad_utf8 - 1},
             {overlong, sizeof overlong - 1}, {nul, sizeof nul - 1}};
  for (size_t i = 0; i < 4; i++) {
    sbp_denial_log *log = NULL;
    assert_int_equal(sbp_denial_parse(&log, raw[i].t, raw[i].n, NULL, NULL, NULL), SBP_OK);
    assert_int_equal(sbp_denial_log_count(log), 0);
    assert_int_equal(sbp_denial_log_skipped(log), 1);
    uint32_t line = 0;
    assert_non_null(sbp_denial_log_first_skipped(log, NULL, &line));
    assert_int_equal(line, 1);
    sbp_denial_log_free(log);
  }
  /* A bad byte after long runs of plain ASCII is still seen, wherever it falls in a word. */
  for (size_t at = 16; at < 24; at++) {
    static const char bad[] = {0x01, 0x7f, (char)0xff, 0x1f};
    for (size_t b = 0; b < sizeof bad; b++) {
      char line[96] = "Sandbox: x(1) deny(1) file-read-data /";
      size_t n = strlen(line);
      memset(line + n, 'a', at);
      line[n + at] = bad[b];
      memcpy(line + n + at + 1, "bcdefghij", 9);
      sbp_denial_log *bl = NULL;
      assert_int_equal(sbp_denial_parse(&bl, line, n + at + 10, NULL, NULL, NULL), SBP_OK);
      if (sbp_denial_log_count(bl) != 0 || sbp_denial_log_skipped(bl) != 1)
        fail_msg("byte 0x%02x at %zu: %zu reports", (unsigned char)bad[b], at,
                 sbp_denial_log_count(bl));
      sbp_denial_log_free(bl);
    }
  }
  sbp_denial_log *ok = parse("Sandbox: x(1) deny(1) file-read-data /aaaaaaaaaaaaaaaa\xc3\xa9" "bcdefghij");
  assert_int_equal(sbp_denial_log_count(ok), 1);
  assert_string_equal(sbp_denial_log_at(ok, 0)->target, "/aaaaaaaaaaaaaaaa\xc3\xa9" "bcdefghij");
  sbp_denial_log_free(ok);
  /* The marker found after false starts of its first byte, and not when cut off. */
  sbp_denial_log *log = parse("S SandboSandbox: x(7) deny(1) mach-lookup a.b\nx Sandbox:");
  assert_int_equal(sbp_denial_log_count(log), 1);
  assert_string_equal(sbp_denial_log_at(log, 0)->operation, "mach-lookup");
  assert_int_equal(sbp_denial_log_at(log, 0)->pid, 7);
  assert_int_equal(sbp_denial_log_skipped(log), 0);
  sbp_denial_log_free(log);
  /* Ordinary lines are other lines, not skipped. */
  log = parse("hello\n\nTimestamp  Thread  Type\n");
  size_t other;
  assert_int_equal(sbp_denial_log_lines(log, &other), 3);
  assert_int_equal(other, 3);
  assert_int_equal(sbp_denial_log_skipped(log), 0);
  sbp_denial_log_free(log);
}

static void test_limits_and_args(void **state) {
  (void)state;
  sbp_denial_options o = SBP_DENIAL_OPTIONS_INIT;
  o.max_reports = 2;
  sbp_denial_log *log = NULL;
  const char *t = "Sandbox: a(1) deny(1) mach-lookup a\nSandbox: a(1) deny(1) mach-lookup b\n"
                  "Sandbox: a(1) deny(1) mach-lookup c\n";
  assert_int_equal(sbp_denial_log_new(&log, &o, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_denial_log_add(log, t, strlen(t), NULL), SBP_E_LIMIT);
  assert_int_equal(sbp_denial_log_count(log), 2);
  assert_int_equal(sbp_denial_log_add(NULL, t, 1, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_denial_log_add(log, NULL, 1, NULL), SBP_E_INVALID_ARG);
  sbp_denial_log_free(log);
  o.version = 99;
  assert_int_equal(sbp_denial_log_new(&log, &o, NULL, NULL), SBP_E_INVALID_ARG);
  assert_null(sbp_denial_log_at(NULL, 0));
  assert_string_equal(sbp_denial_form_name(SBP_DENIAL_FORM_WRAPPER), "wrapper");
  assert_null(sbp_denial_form_name(0));
}

/* ---- operation families ------------------------------------------------------------------ */

typedef struct family_case {
  const char *op, *target;
  const char *rule;   /* expected rule text, or NULL when unmappable */
  const char *reason; /* substring of the reason / caveat, or NULL */
  int risky;
} family_case;

static const family_case FAMILIES[] = {
    {"file-read-data", "/Users/u/a", "(allow file-read-data (literal \"/Users/u/a\"))", NULL, 0},
    {"file-write-create", "/tmp/x", "(allow file-write-create (literal \"/private/tmp/x\"))", NULL, 0},
    {"file-read-metadata", "/etc", "(allow file-read-metadata (literal \"/private/etc\"))", NULL, 0},
    {"file-write-data", "/Users/u/x", "(allow file-write-data (literal \"/Users/u/x\"))", NULL, 1},
    {"file-read-data", "/Users/u/.ssh/id_rsa", "(allow file-read-data (literal \"/Users/u/.ssh/id_rsa\"))", NULL, 1},
    {"file-read-data", "/Users/u/.zsh_history", "(allow file-read-data (literal \"/Users/u/.zsh_history\"))", NULL, 1},
    {"file-read-data", "/Users/u/.aws/credentials", "(allow file-read-data (literal \"/Users/u/.aws/credentials\"))", NULL, 1},
    {"file-read-data", "/Users/u/Library/Keychains/login.keychain-db", "(allow file-read-data (literal \"/Users/u/Library/Keychains/login.keychain-db\"))", NULL, 1},
    {"file-read-data", "/Users/u/.sshx/k", "(allow file-read-data (literal \"/Users/u/.sshx/k\"))", NULL, 0},
    {"file-read-data", "/Users/u/.ssh", "(allow file-read-data (literal \"/Users/u/.ssh\"))", NULL, 1},
    {"file-read-data", "/Users/u/.config/gcloud/adc.json", "(allow file-read-data (literal \"/Users/u/.config/gcloud/adc.json\"))", NULL, 1},
    {"file-read-data", "/Users/u/p/.history-notes", "(allow file-read-data (literal \"/Users/u/p/.history-notes\"))", NULL, 0},
    {"file-read-data", "relative/path", NULL, "not an absolute path", 0},
    {"file-read-data", "", NULL, "no path", 0},
    {"process-exec*", "/usr/bin/git", "(allow process-exec* (literal \"/usr/bin/git\"))", NULL, 0},
    {"mach-lookup", "com.apple.SystemConfiguration.configd", "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\"))", NULL, 0},
    {"mach-lookup", "", NULL, "no target", 0},
    {"mach-register", "org.x.y", "(allow mach-register (global-name \"org.x.y\"))", NULL, 0},
    {"network-outbound", "127.0.0.1:8080", "(allow network-outbound (remote ip \"localhost:8080\"))", NULL, 0},
    {"network-outbound", "[::1]:53", "(allow network-outbound (remote ip \"localhost:53\"))", NULL, 0},
    {"network-outbound", "140.82.112.3:443", "(allow network-outbound (remote ip \"*:443\"))", "the report names 140.82.112.3", 1},
    {"network-outbound", "2606:4700::1111:443", "(allow network-outbound (remote ip \"*:443\"))", "2606:4700::1111", 1},
    {"network-outbound", "/private/var/run/mDNSResponder", "(allow network-outbound (remote unix-socket (path-literal \"/private/var/run/mDNSResponder\")))", NULL, 0},
    {"network-bind", "0.0.0.0:3000", "(allow network-bind (local ip \"*:3000\"))", NULL, 0},
    {"network-outbound", "nonsense", NULL, "neither a socket path nor HOST:PORT", 0},
    {"sysctl-read", "kern.hostname", "(allow sysctl-read (sysctl-name \"kern.hostname\"))", NULL, 0},
    {"iokit-open", "IOSurfaceRootUserClient", "(allow iokit-open (iokit-registry-entry-class \"IOSurfaceRootUserClient\"))", NULL, 0},
    {"user-preference-read", "com.apple.finder", "(allow user-preference-read (preference-domain \"com.apple.finder\"))", NULL, 0},
    {"ipc-posix-shm-read-data", "apple.shm.notification_center", "(allow ipc-posix-shm-read-data (ipc-posix-name \"apple.shm.notification_center\"))", NULL, 0},
    {"darwin-notification-post", "com.apple.x", "(allow darwin-notification-post (notification-name \"com.apple.x\"))", NULL, 0},
    {"appleevent-send", "com.apple.finder", "(allow appleevent-send (appleevent-destination \"com.apple.finder\"))", NULL, 0},
    {"signal", "target:123", "(allow signal (target others))", "not by pid", 0},
    {"process-fork", "", "(allow process-fork)", NULL, 0},
    {"frobnicate", "x", NULL, "does not know this operation", 0},
    {"file-read-data", "/a \"quoted\" \\ path", "(allow file-read-data (literal \"/a \\\"quoted\\\" \\\\ path\"))", NULL, 0},
};

static sbp_suggestion *suggest_text(const char *text, const sbp_suggest_options *o) {
  sbp_denial_log *log = parse(text);
  sbp_suggestion *s = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_suggest(&s, log, o, NULL, &err) != SBP_OK) fail_msg("suggest: %s", err.message);
  sbp_denial_log_free(log);
  return s;
}

static void test_families(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof FAMILIES / sizeof FAMILIES[0]; i++) {
    const family_case *c = &FAMILIES[i];
    char line[512];
    snprintf(line, sizeof line, "Sandbox: t(1) deny(1) %s%s%s", c->op, c->target[0] ? " " : "",
             c->target);
    sbp_suggestion *s = suggest_text(line, NULL);
    sbp_suggest_request r;
    assert_int_equal(sbp_suggestion_request_count(s), 1);
    assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
    if (c->rule == NULL) {
      if (r.status != SBP_SUGGEST_UNMAPPABLE || sbp_suggestion_rule_count(s) != 0)
        fail_msg("%s %s: status %d", c->op, c->target, r.status);
    } else {
      sbp_suggest_rule u;
      if (r.status != SBP_SUGGEST_NEW_RULE || sbp_suggestion_rule(s, r.rule, &u) != SBP_OK)
        fail_msg("%s %s: status %d, no rule", c->op, c->target, r.status);
      if (strcmp(u.text, c->rule) != 0) fail_msg("%s %s: rule %s", c->op, c->target, u.text);
      if ((u.risk != NULL) != c->risky)
        fail_msg("%s %s: risk %s", c->op, c->target, u.risk ? u.risk : "(none)");
    }
    if (c->reason && (r.reason == NULL || strstr(r.reason, c->reason) == NULL))
      fail_msg("%s %s: reason %s", c->op, c->target, r.reason ? r.reason : "(none)");
    sbp_suggestion_free(s);
  }
  /* A path with several secrets names the first of the list, wherever it lies. */
  sbp_suggestion *s = suggest_text("Sandbox: t(1) deny(1) file-read-data /Users/u/.aws/x/.ssh/k", NULL);
  sbp_suggest_rule u;
  assert_int_equal(sbp_suggestion_rule(s, 0, &u), SBP_OK);
  assert_string_equal(u.risk, "SSH keys");
  sbp_suggestion_free(s);
}

static void test_dedupe_collapse_and_note(void **state) {
  (void)state;
  const char *text =
      "Sandbox: uv(1) deny(1) mach-lookup com.apple.SystemConfiguration.configd\n"
      "Sandbox: uvx(2) deny(1) mach-lookup com.apple.SystemConfiguration.configd\n"
      "2 duplicate reports for Sandbox: uv(1) deny(1) mach-lookup com.apple.SystemConfiguration.configd\n"
      "Sandbox: cc(3) deny(1) file-write-create /Users/u/w/build/a.o\n"
      "Sandbox: cc(3) deny(1) file-write-create /Users/u/w/build/b.o\n"
      "Sandbox: cc(3) deny(1) file-write-create /Users/u/w/other.o\n";
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.flags = SBP_SUGGEST_COLLAPSE;
  o.workspace = "/Users/u/w";
  sbp_suggestion *s = suggest_text(text, &o);
  assert_int_equal(sbp_suggestion_request_count(s), 4);
  assert_int_equal(sbp_suggestion_rule_count(s), 3);
  assert_int_equal(sbp_suggestion_risky_count(s), 0);
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_format(s, &out, NULL), SBP_OK);
  assert_non_null(strstr(out.ptr, ";; uv(1), uvx(2): 4 denials\n"));
  assert_non_null(strstr(out.ptr, "Attempted to create a NULL object"));
  assert_non_null(strstr(out.ptr, "(allow file-write-create (subpath \"/Users/u/w/build\"))\n"));
  assert_non_null(strstr(out.ptr, "(allow file-write-create (literal \"/Users/u/w/other.o\"))\n"));
  /* Grouped by operation: file-write-create before mach-lookup. */
  assert_true(strstr(out.ptr, ";; file-write-create") < strstr(out.ptr, ";; mach-lookup"));
  sbp_buf_dispose(&out);
  assert_int_equal(sbp_suggestion_profile(s, &out, NULL), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_suggestion_verified(s, NULL, NULL, NULL), 0);
  sbp_suggestion_free(s);
}

/* ---- against a profile -------------------------------------------------------------------- */

static const char PROFILE[] =
    "(version 1)\n"
    "(deny default)\n"
    "(allow file-read* (subpath \"/Users/u\"))\n"
    "(deny file-read* (subpath \"/Users/u/secret\"))\n"
    "(allow mach-lookup (global-name \"com.apple.trustd.agent\"))\n"
    "(allow network-outbound (remote ip \"localhost:*\"))\n";

static sbp_suggestion *against(const char *text, uint32_t flags) {
  sbp_source src = {PROFILE, sizeof PROFILE - 1, "p.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  o.flags = flags;
  return suggest_text(text, &o);
}

static void test_against_profile(void **state) {
  (void)state;
  const char *text = "Sandbox: uv(1) deny(1) mach-lookup com.apple.SystemConfiguration.configd\n"
                     "Sandbox: uv(1) deny(1) file-read-data /Users/u/secret/notes\n"
                     "Sandbox: uv(1) deny(1) network-outbound 127.0.0.1:9000\n"
                     "Sandbox: uv(1) deny(1) file-read-data /Users/u/.ssh/id_rsa\n";
  sbp_suggestion *s = against(text, 0);
  size_t n = sbp_suggestion_request_count(s);
  assert_int_equal(n, 4);
  int seen = 0;
  for (size_t i = 0; i < n; i++) {
    sbp_suggest_request r;
    assert_int_equal(sbp_suggestion_request(s, i, &r), SBP_OK);
    if (strcmp(r.target, "/Users/u/secret/notes") == 0) {
      assert_int_equal(r.status, SBP_SUGGEST_NEW_RULE);
      assert_string_equal(r.decided_at, "p.sb:4:1");
      sbp_suggest_rule u;
      assert_int_equal(sbp_suggestion_rule(s, r.rule, &u), SBP_OK);
      assert_string_equal(u.after, "p.sb:4:1");
      assert_int_equal(u.applied, 1);
      seen |= 1;
    } else if (strcmp(r.target, "127.0.0.1:9000") == 0) {
      assert_int_equal(r.status, SBP_SUGGEST_ALREADY_ALLOWED);
      assert_string_equal(r.decided_at, "p.sb:6:1");
      seen |= 2;
    } else if (strcmp(r.target, "com.apple.SystemConfiguration.configd") == 0) {
      assert_string_equal(r.decided_at, "p.sb:2:1");
      assert_string_equal(r.decided_by, "(deny default)");
      seen |= 4;
    } else {
      /* The SSH key is allowed by the broad rule already. */
      assert_int_equal(r.status, SBP_SUGGEST_ALREADY_ALLOWED);
      seen |= 8;
    }
  }
  assert_int_equal(seen, 15);
  size_t still, other;
  assert_int_equal(sbp_suggestion_verified(s, &still, &other, NULL), 1);
  assert_int_equal(still, 0);
  assert_int_equal(other, 0);
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_profile(s, &out, NULL), SBP_OK);
  /* Placed after the deny that would otherwise win (line 4), the rest after the default. */
  const char *deny = strstr(out.ptr, "(deny file-read* (subpath \"/Users/u/secret\"))\n");
  const char *rule = strstr(out.ptr, "(allow file-read-data (literal \"/Users/u/secret/notes\"))");
  assert_non_null(deny);
  assert_non_null(rule);
  assert_true(rule > deny);
  assert_true(strstr(out.ptr, "(allow mach-lookup (global-name \"com.apple.SystemConfiguration.configd\"))") <
              strstr(out.ptr, "(allow file-read* (subpath \"/Users/u\"))"));
  /* The patched profile reads and allows the requests. */
  int result;
  sbp_profile *p = NULL;
  assert_int_equal(sbp_profile_read(&p, out.ptr, out.len, "q.sb", NULL, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_decide_simple(p, "file-read-data", 14, "/Users/u/secret/notes", 21,
                                     &result, NULL, NULL), SBP_OK);
  assert_int_equal(result, SBP_DECISION_ALLOW);
  assert_int_equal(sbp_decide_simple(p, "file-read-data", 14, "/Users/u/secret/other", 21,
                                     &result, NULL, NULL), SBP_OK);
  assert_int_equal(result, SBP_DECISION_DENY);
  sbp_profile_free(p);
  sbp_buf_dispose(&out);
  sbp_suggestion_free(s);
}

static void test_risky_gate_and_widening(void **state) {
  (void)state;
  const char *text = "Sandbox: a(1) deny(1) file-write-data /Users/u/secret/a\n"
                     "Sandbox: a(1) deny(1) file-write-data /Users/u/secret/b\n";
  sbp_suggestion *s = against(text, SBP_SUGGEST_COLLAPSE);
  assert_int_equal(sbp_suggestion_risky_count(s), 1);
  sbp_suggest_rule u;
  assert_int_equal(sbp_suggestion_rule(s, 0, &u), SBP_OK);
  assert_int_equal(u.applied, 0);
  assert_string_equal(u.risk, "a write outside the workspace");
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_profile(s, &out, NULL), SBP_OK);
  assert_string_equal(out.ptr, PROFILE); /* nothing applied */
  sbp_buf_dispose(&out);
  sbp_suggestion_free(s);
  /* Allowed: the subpath widens to the directory itself, and the check says so. */
  s = against(text, SBP_SUGGEST_COLLAPSE | SBP_SUGGEST_ALLOW_RISKY);
  size_t still, other;
  const char *why;
  assert_int_equal(sbp_suggestion_verified(s, &still, &other, &why), 1);
  assert_int_equal(still, 0);
  if (other != 1) fail_msg("%s", why);
  assert_string_equal(why, "also changes: file-write-data /Users/u/secret: deny -> allow\n");
  sbp_suggestion_free(s);
}

static void test_profile_errors(void **state) {
  (void)state;
  sbp_denial_log *log = parse("Sandbox: a(1) deny(1) mach-lookup x");
  sbp_source src = {"(version 1)\n(allow bogus-op)\n", 29, "bad.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  sbp_suggestion *s = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_suggest(&s, log, &o, NULL, &err), SBP_E_EVAL);
  assert_null(s);
  assert_int_equal(err.line, 2);
  o.version = 7;
  assert_int_equal(sbp_suggest(&s, log, &o, NULL, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggest(&s, NULL, NULL, NULL, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_suggestion_request(NULL, 0, NULL), SBP_E_INVALID_ARG);
  assert_string_equal(sbp_suggest_status_name(SBP_SUGGEST_PLATFORM), "platform-policy");
  sbp_denial_log_free(log);
}

/* A rule that cannot take effect is reported by the check, and the placement falls back to
 * the end; a TERMINAL operation's built-in allow is named as the decider. */
static void test_check_finds_what_still_fails(void **state) {
  (void)state;
  static const char prof[] = "(version 1)\n(deny default)\n"
                             "(deny process-fork (require-not (process-path \"/bin/sh\")))\n";
  sbp_source src = {prof, sizeof prof - 1, "f.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  sbp_suggestion *s = suggest_text("Sandbox: sh(1) deny(1) process-fork\n"
                                   "Sandbox: sh(1) deny(1) darwin-notification-post com.x\n"
                                   "Sandbox: sh(1) deny(1) mach-lookup com.y\n", &o);
  size_t still, other;
  const char *why;
  assert_int_equal(sbp_suggestion_verified(s, &still, &other, &why), 1);
  assert_int_equal(still, 1);
  assert_string_equal(why, "still denied: process-fork\n");
  sbp_suggest_request r;
  assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
  assert_string_equal(r.operation, "darwin-notification-post");
  assert_int_equal(r.status, SBP_SUGGEST_ALREADY_ALLOWED);
  assert_null(r.decided_at);
  assert_non_null(r.decided_by);
  sbp_suggest_rule u;
  for (size_t k = 0; k < sbp_suggestion_rule_count(s); k++) {
    assert_int_equal(sbp_suggestion_rule(s, k, &u), SBP_OK);
    assert_null(u.after); /* the second attempt put every rule at the end */
  }
  sbp_suggestion_free(s);
}

static void test_sources_limits_and_processes(void **state) {
  (void)state;
  sbp_denial_options o = SBP_DENIAL_OPTIONS_INIT;
  o.max_line = 60;
  sbp_denial_log *log = NULL;
  assert_int_equal(sbp_denial_log_new(&log, &o, NULL, NULL), SBP_OK);
  const char *a = "Sandbox: a(1) deny(1) mach-lookup x\n";
  const char *b = "\nSandbox: b(2) deny(1) mach-lookup x\n"
                  "Sandbox: b(2) deny(1) file-read-data /a/very/long/path/that/passes/the/limit\n";
  assert_int_equal(sbp_denial_log_add(log, a, strlen(a), NULL), SBP_OK);
  assert_int_equal(sbp_denial_log_add(log, b, strlen(b), NULL), SBP_OK);
  assert_int_equal(sbp_denial_log_count(log), 2);
  assert_int_equal(sbp_denial_log_at(log, 1)->source, 1);
  assert_int_equal(sbp_denial_log_at(log, 1)->line, 2);
  uint32_t src = 9, line = 0;
  assert_string_equal(sbp_denial_log_first_skipped(log, &src, &line), "line longer than the limit");
  assert_int_equal(src, 1);
  assert_int_equal(line, 3);
  sbp_denial_log_free(log);
  /* Ten processes: eight named, the reports of the rest counted. */
  char text[1024];
  size_t n = 0;
  for (int i = 0; i < 10; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "Sandbox: p%d(%d) deny(1) mach-lookup z\n", i, i);
  sbp_suggestion *s = suggest_text(text, NULL);
  sbp_suggest_request r;
  assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
  assert_int_equal(r.count, 10);
  assert_string_equal(r.processes, "p0(0), p1(1), p2(2), p3(3), p4(4), p5(5), p6(6), p7(7) and 2 more reports");
  sbp_suggestion_free(s);
  /* Binding every interface needs no caveat; another host does. */
  s = suggest_text("Sandbox: a(1) deny(1) network-bind 0.0.0.0:3000\n", NULL);
  assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
  assert_null(r.reason);
  sbp_suggestion_free(s);
}

/* A deny written inside a definition is not a place for a rule: it would become part of the
 * function. Such rules go to the end; strings and comments do not confuse the scan. */
static void test_placement_only_at_top_level(void **state) {
  (void)state;
  static const char prof[] = "(version 1)\n"
                             "; a comment with a ( parenthesis\n"
                             "(define (base) (deny default))\n"
                             "(base)\n"
                             "(deny file-read* (subpath \"/x\") (with message \")(\"))\n"
                             "(allow file-read* (literal \"/etc\")) ; after\n";
  sbp_source src = {prof, sizeof prof - 1, "d.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  sbp_suggestion *s = suggest_text("Sandbox: a(1) deny(1) mach-lookup  com.x\n"
                                   "Sandbox: a(1) deny(1) file-read-data /x/y\n", &o);
  sbp_suggest_rule u;
  sbp_suggest_request r;
  assert_int_equal(sbp_suggestion_request(s, 1, &r), SBP_OK);
  assert_string_equal(r.target, "com.x");
  assert_string_equal(r.decided_at, "d.sb:3:16");
  assert_int_equal(sbp_suggestion_rule(s, r.rule, &u), SBP_OK);
  assert_null(u.after);
  assert_int_equal(sbp_suggestion_request(s, 0, &r), SBP_OK);
  assert_string_equal(r.decided_at, "d.sb:5:1");
  assert_int_equal(sbp_suggestion_rule(s, r.rule, &u), SBP_OK);
  assert_string_equal(u.after, "d.sb:5:1");
  sbp_buf out = SBP_BUF_INIT;
  assert_int_equal(sbp_suggestion_profile(s, &out, NULL), SBP_OK);
  assert_non_null(strstr(out.ptr, "(with message \")(\"))\n;; sbprofile suggest: a(1): 1 denial\n"
                                  "(allow file-read-data (literal \"/x/y\"))\n(allow file-read* "));
  assert_non_null(strstr(out.ptr, "; after\n;; sbprofile suggest: a(1): 1 denial\n"
                                  "(allow mach-lookup (global-name \"com.x\"))\n"));
  size_t still;
  assert_int_equal(sbp_suggestion_verified(s, &still, NULL, NULL), 1);
  assert_int_equal(still, 0);
  sbp_buf_dispose(&out);
  sbp_suggestion_free(s);
}

/* ---- allocation failures ------------------------------------------------------------------ */

static const char OOM_LOG[] =
    "Sandbox: uv(1) deny(1) mach-lookup com.apple.SystemConfiguration.configd\n"
    "CMD64_x_END\n"
    "{\"eventMessage\":\"Sandbox: uv(1) deny(1) file-read-data /Users/u/secret/a\"}\n"
    "1 duplicate report for Sandbox: uv(1) deny(1) file-read-data /Users/u/secret/b\n"
    "Sandbox: uv(1) deny(1) network-outbound 140.82.112.3:443\n"
    "Sandbox: uv(1) deny(1) frobnicate x\n"
    "Sandbox: uv(1) allow(1) file-read-data /etc/hosts\n";

static int op_parse(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_denial_log *log = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_denial_parse(&log, OOM_LOG, sizeof OOM_LOG - 1, NULL, alloc, &err);
  if (rc == SBP_OK && sbp_denial_log_count(log) != 6) rc = SBP_E_ASSERT;
  sbp_denial_log_free(log);
  return rc;
}

static int op_suggest(const sbp_alloc *alloc, void *ctx) {
  sbp_denial_log *log = ctx;
  sbp_source src = {PROFILE, sizeof PROFILE - 1, "p.sb"};
  sbp_suggest_options o = SBP_SUGGEST_OPTIONS_INIT;
  o.profile = &src;
  o.flags = SBP_SUGGEST_COLLAPSE | SBP_SUGGEST_ALLOW_RISKY;
  sbp_suggestion *s = NULL;
  int rc = sbp_suggest(&s, log, &o, alloc, NULL);
  sbp_buf b = SBP_BUF_INIT;
  if (rc == SBP_OK) rc = sbp_suggestion_format(s, &b, NULL);
  sbp_buf_dispose(&b);
  if (rc == SBP_OK) rc = sbp_suggestion_profile(s, &b, NULL);
  sbp_buf_dispose(&b);
  if (rc == SBP_OK && !sbp_suggestion_verified(s, NULL, NULL, NULL)) rc = SBP_E_ASSERT;
  sbp_suggestion_free(s);
  return rc;
}

static void test_oom(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_parse, NULL) > 0);
  sbp_denial_log *log = parse(OOM_LOG);
  assert_true(test_alloc_exhaust(op_suggest, log) > 0);
  sbp_denial_log_free(log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_log_forms),
      cmocka_unit_test(test_json_style_over_lines),
      cmocka_unit_test(test_hostile_lines),
      cmocka_unit_test(test_limits_and_args),
      cmocka_unit_test(test_families),
      cmocka_unit_test(test_dedupe_collapse_and_note),
      cmocka_unit_test(test_against_profile),
      cmocka_unit_test(test_risky_gate_and_widening),
      cmocka_unit_test(test_profile_errors),
      cmocka_unit_test(test_check_finds_what_still_fails),
      cmocka_unit_test(test_placement_only_at_top_level),
      cmocka_unit_test(test_sources_limits_and_processes),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
