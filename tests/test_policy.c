/* Policies: entries and their errors, path resolution, every policy item asserted through the
 * decision engine, base sets, protections, conflicts, comments, folding, rule splitting and
 * allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "policy_fixture.h"
#include "test_alloc.h"

/* The answer for op on a directory at path. */
static int decide_directory(const sbp_profile *prof, const char *op, const char *path) {
  sbp_request *r = NULL;
  sbp_decider *d = NULL;
  sbp_decision *dec = NULL;
  OK(sbp_request_new(&r, NULL, &err));
  OK(sbp_request_set_simple(r, S(op), S(path), &err));
  OK(sbp_request_set_named_attr(r, S("vnode-type"), 0, S("DIRECTORY"), 0, &err));
  OK(sbp_decider_new(&d, prof, NULL, &err));
  OK(sbp_decide(d, r, NULL, &dec, &err));
  int result = sbp_decision_result(dec);
  sbp_decision_free(dec);
  sbp_decider_free(d);
  sbp_request_free(r);
  return result;
}

#define ALLOWS(prof, op, target)                                                           \
  do {                                                                                     \
    if (decide(prof, op, target) != SBP_DECISION_ALLOW) fail_msg("expected %s %s to be allowed", op, target); \
  } while (0)
#define DENIES(prof, op, target)                                                           \
  do {                                                                                     \
    if (decide(prof, op, target) != SBP_DECISION_DENY) fail_msg("expected %s %s to be denied", op, target); \
  } while (0)

static char *text_of(const sbp_profile *prof) {
  sbp_buf out = SBP_BUF_INIT;
  OK(sbp_serialize(prof, NULL, &out, &err));
  return sbp_buf_detach(&out);
}

/* The coding-agent policy: workspace writable, ~/.ssh and .env unreadable, the proxy only. */
static sbp_policy *agent_policy(void) {
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("/tmp"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/.ssh"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("**/.env"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("secrets"), &err));
  OK(sbp_policy_add_localhost_port(p, 3128, SBP_PORT_OUTBOUND, &err));
  OK(sbp_policy_add_base_set(p, S("toolchain"), &err));
  return p;
}

/* ---- errors --------------------------------------------------------------------------- */

static void expect_invalid(int rc, const sbp_error *e, const char *needle) {
  assert_int_equal(rc, SBP_E_INVALID_ARG);
  assert_int_equal(e->code, SBP_E_INVALID_ARG);
  if (strstr(e->message, needle) == NULL) fail_msg("message \"%s\" lacks \"%s\"", e->message, needle);
}

static void test_errors(void **state) {
  (void)state;
  sbp_error e = SBP_ERROR_INIT;
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err));
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("secrets"), &e),
                 &e, "read-deny \"secrets\": relative path without a cwd");
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("~/x"), &e),
                 &e, "write-allow \"~/x\": ~ without a home");
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, "/a\0b", 4, &e),
                 &e, "NUL byte");
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S(""), &e), &e,
                 "empty path");
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("/a/[bc"), &e),
                 &e, "read-deny \"/a/[bc\": glob: '[' without a closing ']'");
  assert_int_equal(e.offset, 3);
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("/a/*/../b"), &e),
                 &e, "'..' after a pattern component");
  expect_invalid(sbp_policy_add_path(p, (sbp_policy_list)9, SBP_PATH_AUTO, S("/a"), &e), &e,
                 "list");
  expect_invalid(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, (sbp_path_kind)7, S("/a"), &e),
                 &e, "kind");
  expect_invalid(sbp_policy_add_localhost_port(p, 0, SBP_PORT_OUTBOUND, &e), &e,
                 "port 0: out of range (1-65535)");
  expect_invalid(sbp_policy_add_localhost_port(p, 65536, SBP_PORT_OUTBOUND, &e), &e,
                 "port 65536");
  expect_invalid(sbp_policy_add_localhost_port(p, 80, 0, &e), &e, "access");
  expect_invalid(sbp_policy_add_localhost_port(p, 80, 0x40, &e), &e, "access");
  expect_invalid(sbp_policy_add_base_set(p, S("toolchan"), &e), &e,
                 "base set \"toolchan\": unknown name");
  expect_invalid(sbp_policy_add_base_entry(p, S("com.example.x"), &e), &e,
                 "base entry \"com.example.x\": unknown name");
  expect_invalid(sbp_policy_remove_base_entry(p, S("nope"), &e), &e, "base entry \"nope\"");
  expect_invalid(sbp_policy_set_protection(p, S("git-hook"), 0, &e), &e,
                 "protection \"git-hook\": unknown name");
  expect_invalid(sbp_policy_add_mach_service(p, S("com.*.x"), &e), &e,
                 "mach service \"com.*.x\": '*' before the end");
  expect_invalid(sbp_policy_add_mach_service(p, S("*"), &e), &e, "every service");
  expect_invalid(sbp_policy_add_mach_service(p, S(""), &e), &e, "empty name");
  expect_invalid(sbp_policy_set_home(p, S("relative"), &e), &e, "home \"relative\": not an absolute path");
  expect_invalid(sbp_policy_set_cwd(p, "/a\0", 3, &e), &e, "cwd");
  expect_invalid(sbp_policy_set_option(p, (sbp_policy_option)99, 1, &e), &e, "option");
  expect_invalid(sbp_policy_set_read_mode(p, (sbp_read_mode)5, &e), &e, "read mode");
  expect_invalid(sbp_policy_set_write_mode(p, (sbp_write_mode)5, &e), &e, "write mode");
  expect_invalid(sbp_policy_set_network(p, (sbp_network_mode)5, &e), &e, "network mode");
  expect_invalid(sbp_policy_add_path(NULL, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("/a"), &e),
                 &e, "policy: NULL");
  expect_invalid(sbp_policy_compile(p, NULL, &e), &e, "out");
  expect_invalid(sbp_policy_new(NULL, NULL, &e), &e, "out");
  assert_int_equal(sbp_policy_option_get(NULL, SBP_POLICY_PTY), 0);
  assert_int_equal(sbp_policy_warning_count(NULL), 0);
  assert_null(sbp_policy_warning(p, 0));
  /* Rejected entries left nothing behind: the profile is the empty policy's. */
  sbp_policy *empty = NULL;
  OK(sbp_policy_new(&empty, NULL, &err));
  sbp_profile *a = compile(p), *b = compile(empty);
  assert_int_equal(sbp_profile_equal(a, b, 0), 1);
  sbp_profile_free(a);
  sbp_profile_free(b);
  sbp_policy_free(empty);
  sbp_policy_free(p);
  sbp_policy_free(NULL);
}

/* ---- paths ---------------------------------------------------------------------------- */

static void test_paths(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, S("~/./a//b/../c/"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("../other"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("/tmp/cache"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/etc/ssh/*_key"), &err));
  /* A glob without metacharacters is a literal. */
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/x/\\*plain"), &err));
  sbp_profile *prof = compile(p);
  char *t = text_of(prof);
  assert_non_null(strstr(t, "(literal \"/Users/me/a/c\")"));
  assert_non_null(strstr(t, "(subpath \"/Users/me/src/other\")"));
  /* Both spellings of a path under a symlinked root. */
  assert_non_null(strstr(t, "(subpath \"/private/tmp/cache\")"));
  assert_non_null(strstr(t, "(subpath \"/tmp/cache\")"));
  assert_non_null(strstr(t, "(regex #\"^/private/etc/ssh/[^/]*_key(/.*)?$\")"));
  assert_non_null(strstr(t, "(regex #\"^/etc/ssh/[^/]*_key(/.*)?$\")"));
  assert_non_null(strstr(t, "(literal \"/x/*plain\")"));
  DENIES(prof, "file-read-data", "/Users/me/a/c");
  ALLOWS(prof, "file-read-data", "/Users/me/a/c2");
  DENIES(prof, "file-read-data", "/private/tmp/cache/x");
  DENIES(prof, "file-read-data", "/tmp/cache/x");
  DENIES(prof, "file-read-data", "/private/etc/ssh/ssh_host_rsa_key");
  ALLOWS(prof, "file-read-data", "/private/etc/ssh/ssh_config");
  sbp_free(t);
  sbp_profile_free(prof);
  /* One spelling when asked. */
  OK(sbp_policy_set_option(p, SBP_POLICY_BOTH_SPELLINGS, 0, &err));
  prof = compile(p);
  t = text_of(prof);
  assert_null(strstr(t, "(subpath \"/tmp/cache\")"));
  assert_non_null(strstr(t, "(subpath \"/private/tmp/cache\")"));
  sbp_free(t);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* A glob whose first component is a pattern reaches /tmp, /var and /etc through their links;
 * the kernel reports the /private spelling, which the profile names too (even with one
 * spelling asked for: it is the canonical one). */
static void test_pattern_first_component(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/t*/secret"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_GLOB, S("/?ar/log/*"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/**/.env"), &err));
  for (int both = 1; both >= 0; both--) {
    OK(sbp_policy_set_option(p, SBP_POLICY_BOTH_SPELLINGS, both, &err));
    sbp_profile *prof = compile(p);
    DENIES(prof, "file-read-data", "/private/tmp/secret");
    DENIES(prof, "file-read-data", "/private/tmp/secret/inner");
    DENIES(prof, "file-read-data", "/tmp/secret");
    DENIES(prof, "file-read-data", "/tools/secret");
    ALLOWS(prof, "file-read-data", "/private/var/secret");
    ALLOWS(prof, "file-read-data", "/private/tmp/other");
    ALLOWS(prof, "file-write-create", "/private/var/log/app.log");
    ALLOWS(prof, "file-write-create", "/var/log/app.log");
    ALLOWS(prof, "file-write-create", "/jar/log/app.log");
    DENIES(prof, "file-write-create", "/private/tmp/log/app.log");
    DENIES(prof, "file-write-create", "/private/var/other/app.log");
    /* `**` spans /private already. */
    DENIES(prof, "file-read-data", "/private/tmp/w/.env");
    sbp_profile_free(prof);
  }
  sbp_policy_free(p);
}

/* srt's glob bugs with a cwd holding glob metacharacters: the cwd is a name, not a pattern. */
static void test_cwd_with_metacharacters(void **state) {
  (void)state;
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err));
  OK(sbp_policy_set_cwd(p, S("/w/a[b]*?"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("secrets"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("**/.env"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), &err));
  sbp_profile *prof = compile(p);
  DENIES(prof, "file-read-data", "/w/a[b]*?/secrets/key");
  DENIES(prof, "file-read-data", "/w/a[b]*?/sub/.env");
  DENIES(prof, "file-read-data", "/w/a[b]*?/.env");
  ALLOWS(prof, "file-read-data", "/w/ab/.env");
  ALLOWS(prof, "file-read-data", "/w/a[b]*?/main.c");
  ALLOWS(prof, "file-write-data", "/w/a[b]*?/main.c");
  DENIES(prof, "file-write-data", "/w/ab/main.c");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* ---- decisions for each item ---------------------------------------------------------- */

static void test_agent_decisions(void **state) {
  (void)state;
  sbp_policy *p = agent_policy();
  sbp_profile *prof = compile(p);
  /* Reads: everything but the denied trees; a denied file under an allowed tree stays so. */
  ALLOWS(prof, "file-read-data", "/Users/me/src/app/main.c");
  ALLOWS(prof, "file-read-data", "/usr/lib/libSystem.B.dylib");
  DENIES(prof, "file-read-data", "/Users/me/.ssh/id_ed25519");
  DENIES(prof, "file-read-data", "/Users/me/src/app/.env");
  DENIES(prof, "file-read-data", "/Users/me/src/app/pkg/.env");
  DENIES(prof, "file-read-data", "/Users/me/src/app/secrets/token");
  /* Writes: the workspace and the temporary folder, nothing else. */
  ALLOWS(prof, "file-write-data", "/Users/me/src/app/main.c");
  ALLOWS(prof, "file-write-create", "/private/tmp/x");
  ALLOWS(prof, "file-write-create", "/tmp/x");
  DENIES(prof, "file-write-data", "/Users/me/.zshrc");
  DENIES(prof, "file-write-data", "/Users/me/other/file");
  /* Renames: an ordinary file can be moved, a denied one, its parent and the workspace not. */
  ALLOWS(prof, "file-write-unlink", "/Users/me/src/app/main.c");
  ALLOWS(prof, "file-write-unlink", "/Users/me/src/app/pkg");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/secrets");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/secrets/token");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/pkg/.env");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app");
  /* Mandatory protections. */
  DENIES(prof, "file-write-data", "/Users/me/src/app/.git/hooks/pre-commit");
  DENIES(prof, "file-write-data", "/Users/me/src/app/.git/config");
  DENIES(prof, "file-write-data", "/Users/me/src/app/sub/.bashrc");
  DENIES(prof, "file-write-data", "/Users/me/src/app/.vscode/tasks.json");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/.git");
  ALLOWS(prof, "file-write-data", "/Users/me/src/app/.git/index");
  /* Network: the proxy port and no other. */
  ALLOWS(prof, "network-outbound", "tcp:localhost:3128");
  DENIES(prof, "network-outbound", "tcp:localhost:3129");
  DENIES(prof, "network-outbound", "tcp:*:443");
  DENIES(prof, "network-bind", "tcp:localhost:3128");
  /* The toolchain base set. */
  ALLOWS(prof, "mach-lookup", "com.apple.SystemConfiguration.configd");
  ALLOWS(prof, "mach-lookup", "com.apple.trustd.agent");
  ALLOWS(prof, "mach-lookup", "com.apple.system.opendirectoryd.libinfo");
  ALLOWS(prof, "sysctl-read", "hw.ncpu");
  ALLOWS(prof, "ipc-posix-sem-open", "/mp-lock");
  DENIES(prof, "mach-lookup", "com.apple.windowserver.active");
  /* Processes. */
  ALLOWS(prof, "process-exec", "/usr/bin/git");
  ALLOWS(prof, "process-fork", NULL);
  /* Signals reach the sandbox only: self is in it, launchd (initproc) never is; "others"
   * may or may not share it, so it is never allowed for sure, only where it does. */
  ALLOWS(prof, "signal", "same-sandbox");
  ALLOWS(prof, "signal", "self");
  DENIES(prof, "signal", "initproc");
  assert_int_equal(decide(prof, "signal", "others"), SBP_DECISION_UNKNOWN);
  assert_int_equal(decide(prof, "signal", "pgrp"), SBP_DECISION_UNKNOWN);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_git_config_opt_out(void **state) {
  (void)state;
  sbp_policy *p = agent_policy();
  OK(sbp_policy_set_protection(p, S("git-config"), 0, &err));
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "file-write-data", "/Users/me/src/app/.git/config");
  DENIES(prof, "file-write-data", "/Users/me/src/app/.git/hooks/post-checkout");
  sbp_profile_free(prof);
  OK(sbp_policy_set_protection(p, S("git-config"), 1, &err));
  OK(sbp_policy_set_settings_file(p, S("~/.srt-settings.json"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, S("~"), &err));
  prof = compile(p);
  DENIES(prof, "file-write-data", "/Users/me/src/app/.git/config");
  DENIES(prof, "file-write-data", "/Users/me/.srt-settings.json");
  DENIES(prof, "file-write-unlink", "/Users/me/.srt-settings.json");
  ALLOWS(prof, "file-write-data", "/Users/me/notes.txt");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_protection_table(void **state) {
  (void)state;
  size_t n = sbp_policy_protection_count();
  assert_true(n >= 6);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(sbp_policy_protection_name(i));
    assert_non_null(sbp_policy_protection_globs(i));
    assert_true(strlen(sbp_policy_protection_reason(i)) > 20);
  }
  assert_null(sbp_policy_protection_name(n));
  assert_null(sbp_policy_protection_globs(n));
  assert_null(sbp_policy_protection_reason(n));
}

static void test_read_carve_outs(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  /* Deny the home folder, re-open the workspace, keep its secrets denied. */
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("."), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("./secrets"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/**/*.pem"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/*"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), &err));
  sbp_profile *prof = compile(p);
  DENIES(prof, "file-read-data", "/Users/me/notes.txt");
  ALLOWS(prof, "file-read-data", "/Users/me/src/app/main.c");
  DENIES(prof, "file-read-data", "/Users/me/src/app/secrets/k");
  DENIES(prof, "file-read-data", "/Users/me/src/app/tls/server.pem");
  ALLOWS(prof, "file-read-data", "/usr/share/dict/words");
  /* Directories stay stat-able, so realpath works through the denied home. */
  assert_int_equal(decide_directory(prof, "file-read-metadata", "/Users/me"), SBP_DECISION_ALLOW);
  assert_int_equal(decide_directory(prof, "file-read-data", "/Users/me"), SBP_DECISION_DENY);
  /* Renames inside the workspace are fine, denied files stay put. */
  ALLOWS(prof, "file-write-unlink", "/Users/me/src/app/main.c");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/secrets/k");
  DENIES(prof, "file-write-unlink", "/Users/me/src/app/tls/server.pem");
  assert_int_equal(sbp_policy_warning_count(p), 0);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* Everything denied from the root down, one tree re-opened; the root directory stays
 * readable (dyld needs it) and the re-opened tree stays writable and cleanable. */
static void test_root_denied(void **state) {
  (void)state;
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err));
  OK(sbp_policy_set_cwd(p, S("/.work"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("/"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("."), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("/usr"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, S("."), &err));
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "file-read-data", "/");
  ALLOWS(prof, "file-read-data", "/usr/lib/libc.dylib");
  ALLOWS(prof, "file-read-data", "/.work/a.c");
  DENIES(prof, "file-read-data", "/etc/passwd");
  ALLOWS(prof, "file-write-unlink", "/.work/a.c");
  DENIES(prof, "file-write-unlink", "/etc/passwd");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_read_deny_all(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_set_read_mode(p, SBP_READ_DENY_ALL, &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("."), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("./.env"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("./.env/public"), &err));
  OK(sbp_policy_add_base_set(p, S("minimal"), &err));
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "file-read-data", "/Users/me/src/app/main.c");
  DENIES(prof, "file-read-data", "/Users/me/notes.txt");
  DENIES(prof, "file-read-data", "/Users/me/src/app/.env/x");
  ALLOWS(prof, "file-read-data", "/Users/me/src/app/.env/public/y");
  ALLOWS(prof, "file-read-data", "/usr/lib/libSystem.B.dylib");
  ALLOWS(prof, "file-read-data", "/");
  ALLOWS(prof, "file-write-data", "/dev/null");
  sbp_profile_free(prof);
  /* Without the system reads of a base set, programs cannot even load. */
  OK(sbp_policy_remove_base_entry(p, S("file:system-read"), &err));
  prof = compile(p);
  DENIES(prof, "file-read-data", "/usr/lib/libSystem.B.dylib");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_conflicts(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_SUBTREE, S("out"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S("out"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_SUBTREE, S("k"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("k"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_SUBTREE, S("/opt"), &err));
  sbp_profile *prof = compile(p);
  DENIES(prof, "file-write-data", "/Users/me/src/app/out/a");
  DENIES(prof, "file-read-data", "/Users/me/src/app/k/a");
  assert_int_equal(sbp_policy_warning_count(p), 3);
  assert_non_null(strstr(sbp_policy_warning(p, 0), "read-allow[0] \"k\""));
  assert_non_null(strstr(sbp_policy_warning(p, 0), "deny wins"));
  assert_non_null(strstr(sbp_policy_warning(p, 1), "has no effect"));
  assert_non_null(strstr(sbp_policy_warning(p, 2), "write-allow[0] \"out\""));
  sbp_profile_free(prof);
  /* Warnings are those of the last compilation. */
  prof = compile(p);
  assert_int_equal(sbp_policy_warning_count(p), 3);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_network_modes(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  sbp_profile *prof = compile(p);
  DENIES(prof, "network-outbound", "tcp:localhost:80");
  DENIES(prof, "network-outbound", "/private/var/run/docker.sock");
  sbp_profile_free(prof);

  OK(sbp_policy_add_localhost_port(p, 1080, SBP_PORT_OUTBOUND | SBP_PORT_BIND, &err));
  OK(sbp_policy_add_localhost_port(p, 1080, SBP_PORT_INBOUND, &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_UNIX_SOCKET, SBP_PATH_AUTO, S("/var/run/docker.sock"),
                         &err));
  prof = compile(p);
  ALLOWS(prof, "network-outbound", "tcp:localhost:1080");
  ALLOWS(prof, "network-bind", "tcp:localhost:1080");
  ALLOWS(prof, "network-inbound", "tcp:localhost:1080");
  DENIES(prof, "network-bind", "tcp:localhost:1081");
  ALLOWS(prof, "network-outbound", "/private/var/run/docker.sock");
  ALLOWS(prof, "network-outbound", "/var/run/docker.sock");
  DENIES(prof, "network-outbound", "/private/tmp/other.sock");
  ALLOWS(prof, "system-socket", "AF_UNIX");
  ALLOWS(prof, "network-bind", "/private/var/run/docker.sock");
  char *t = text_of(prof);
  assert_non_null(strstr(t, "(remote unix-socket (subpath \"/private/var/run/docker.sock\"))"));
  assert_non_null(strstr(t, "(local unix-socket (subpath \"/var/run/docker.sock\"))"));
  sbp_free(t);
  sbp_profile_free(prof);

  OK(sbp_policy_set_option(p, SBP_POLICY_ALL_UNIX_SOCKETS, 1, &err));
  OK(sbp_policy_set_option(p, SBP_POLICY_LOCAL_BINDING, 1, &err));
  prof = compile(p);
  ALLOWS(prof, "network-outbound", "/private/tmp/other.sock");
  ALLOWS(prof, "network-bind", "tcp:*:8080");
  ALLOWS(prof, "network-outbound", "tcp:localhost:5432");
  DENIES(prof, "network-outbound", "tcp:*:443");
  sbp_profile_free(prof);

  OK(sbp_policy_set_network(p, SBP_NETWORK_ALL, &err));
  prof = compile(p);
  ALLOWS(prof, "network-outbound", "tcp:*:443");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_processes_and_options(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_EXEC_ALLOW, SBP_PATH_SUBTREE, S("/usr/bin"), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_EXEC_ALLOW, SBP_PATH_GLOB, S("/opt/*/bin/node"), &err));
  OK(sbp_policy_set_option(p, SBP_POLICY_FORK, 0, &err));
  OK(sbp_policy_set_option(p, SBP_POLICY_SIGNAL, 0, &err));
  OK(sbp_policy_set_option(p, SBP_POLICY_PTY, 1, &err));
  OK(sbp_policy_set_option(p, SBP_POLICY_APPLE_EVENTS, 1, &err));
  OK(sbp_policy_add_mach_service(p, S("2BUA8C4S2C.com.1password.*"), &err));
  OK(sbp_policy_add_mach_service(p, S("com.apple.pasteboard.1"), &err));
  assert_int_equal(sbp_policy_option_get(p, SBP_POLICY_PTY), 1);
  assert_int_equal(sbp_policy_option_get(p, SBP_POLICY_FORK), 0);
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "process-exec", "/usr/bin/git");
  ALLOWS(prof, "process-exec", "/opt/v20/bin/node");
  DENIES(prof, "process-exec", "/Users/me/evil");
  DENIES(prof, "process-fork", NULL);
  DENIES(prof, "signal", "same-sandbox");
  ALLOWS(prof, "process-info-pidinfo", "same-sandbox");
  ALLOWS(prof, "pseudo-tty", NULL);
  ALLOWS(prof, "file-ioctl", "/dev/ttys003");
  ALLOWS(prof, "file-write-data", "/dev/ptmx");
  ALLOWS(prof, "appleevent-send", NULL);
  ALLOWS(prof, "mach-lookup", "com.apple.coreservices.appleevents");
  ALLOWS(prof, "mach-lookup", "2BUA8C4S2C.com.1password.agent");
  ALLOWS(prof, "mach-lookup", "com.apple.pasteboard.1");
  DENIES(prof, "mach-lookup", "com.apple.pasteboard.2");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* The builder writes sandbox-runtime's unix-socket form, and every layer takes it. */
static void test_builder_unix_socket_form(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  sbp_node *rule, *remote, *path, *bad;
  sbp_error e = SBP_ERROR_INIT;
  OK(sbp_profile_new(&p, NULL));
  OK(sbp_profile_set_version(p, 1, &err));
  OK(sbp_add_default(p, SBP_DENY, NULL, &err));
  OK(sbp_profile_add_rule(p, SBP_ALLOW, S("network-outbound"), &rule, &err));
  OK(sbp_node_add_filter(rule, S("remote"), &remote, &err));
  OK(sbp_node_add_constant(remote, S("unix-socket"), NULL, &err));
  OK(sbp_node_add_filter(remote, S("subpath"), &path, &err));
  OK(sbp_node_add_string(path, S("/private/var/run"), NULL, &err));
  /* One path filter, after the constant only; nothing after it. */
  assert_int_equal(sbp_node_add_filter(remote, S("literal"), &bad, &e), SBP_E_INVALID_TREE);
  /* A value is checked against what the filter takes before the tree's shape is. */
  assert_int_equal(sbp_node_add_string(remote, S("x"), NULL, &e), SBP_E_INVALID_ARG);
  assert_string_equal(e.message, "value: the filter remote with unix-socket takes nothing "
                                 "after it but a path filter");
  assert_int_equal(sbp_node_add_netaddr(remote, S("tcp"), S("*"), 80, NULL, &e),
                   SBP_E_INVALID_ARG);
  sbp_node *ip;
  OK(sbp_node_add_filter(rule, S("remote"), &ip, &err));
  OK(sbp_node_add_netaddr(ip, S("tcp"), S("localhost"), 80, NULL, &err));
  assert_int_equal(sbp_node_add_filter(ip, S("subpath"), &bad, &e), SBP_E_INVALID_TREE);
  OK(sbp_node_validate(sbp_profile_root(p), &err));
  char *t = text_of(p);
  assert_non_null(strstr(t, "(remote unix-socket (subpath \"/private/var/run\"))"));
  ALLOWS(p, "network-outbound", "/private/var/run/docker.sock");
  DENIES(p, "network-outbound", "/private/tmp/x.sock");
  ALLOWS(p, "network-outbound", "tcp:localhost:80");
  /* Copies are equal; the text reads back to the same decisions. */
  sbp_profile *copy = NULL, *back = NULL;
  OK(sbp_profile_copy(p, &copy, NULL, &err));
  assert_int_equal(sbp_profile_equal(p, copy, 0), 1);
  OK(sbp_profile_read(&back, S(t), "unix.sb", NULL, NULL, &err));
  ALLOWS(back, "network-outbound", "/private/var/run/docker.sock");
  DENIES(back, "network-outbound", "/private/tmp/x.sock");
  sbp_lint_result *r = NULL;
  OK(sbp_lint_profile(p, NULL, &r, &err));
  for (size_t i = 0; i < sbp_lint_count(r); i++)
    if (sbp_lint_severity(r, i) >= SBP_LINT_WARNING)
      fail_msg("lint: %s: %s", sbp_lint_code(r, i), sbp_lint_message(r, i));
  sbp_lint_result_free(r);
  sbp_free(t);
  sbp_profile_free(back);
  sbp_profile_free(copy);
  sbp_profile_free(p);
}

/* ---- base sets ------------------------------------------------------------------------ */

static void test_base_sets(void **state) {
  (void)state;
  static const char *const names[] = {"minimal", "toolchain", "network-client"};
  assert_int_equal(sbp_base_set_count(), 3);
  for (size_t i = 0; i < 3; i++) {
    const sbp_base_set *set = NULL;
    OK(sbp_base_set_lookup(S(names[i]), &set, &err));
    assert_ptr_equal(set, sbp_base_set_at(i));
    assert_string_equal(sbp_base_set_name(set), names[i]);
    assert_true(sbp_base_set_version(set) >= 1);
    assert_true(strlen(sbp_base_set_summary(set)) > 20);
    size_t n = sbp_base_set_entry_count(set);
    assert_true(n >= 5);
    for (size_t k = 0; k < n; k++) {
      const sbp_base_entry *e = sbp_base_set_entry_at(set, k);
      assert_non_null(e);
      /* Every entry says what it serves, what breaks and where that is known from. */
      if (sbp_base_entry_serves(e) == NULL) fail_msg("%s: no note", sbp_base_entry_name(e));
      assert_true(strlen(sbp_base_entry_breaks(e)) > 10);
      assert_true(strlen(sbp_base_entry_source(e)) > 5);
      /* And its rule reads as SBPL. */
      sbp_profile *one = NULL;
      char text[4096];
      snprintf(text, sizeof text, "(version 1)\n%s\n", sbp_base_entry_rule(e));
      OK(sbp_profile_read(&one, S(text), "entry", NULL, NULL, &err));
      assert_int_equal(sbp_profile_rule_count(one), 1);
      sbp_profile_free(one);
    }
    assert_null(sbp_base_set_entry_at(set, n));
  }
  assert_null(sbp_base_set_at(3));
  const sbp_base_set *none = NULL;
  assert_int_equal(sbp_base_set_lookup(S("nope"), &none, NULL), SBP_E_NOT_FOUND);
  assert_int_equal(sbp_base_set_lookup(S("nope"), NULL, NULL), SBP_E_INVALID_ARG);
  assert_null(sbp_base_set_name(NULL));
  assert_int_equal(sbp_base_set_entry_count(NULL), 0);
  const sbp_base_entry *e = NULL;
  OK(sbp_base_entry_lookup(S("com.apple.SystemConfiguration.configd"), &e, &err));
  assert_non_null(strstr(sbp_base_entry_breaks(e), "uv"));
  assert_non_null(strstr(sbp_base_entry_rule(e), "global-name"));
  assert_int_equal(sbp_base_entry_lookup(S("com.apple.Nope"), &e, NULL), SBP_E_NOT_FOUND);
  assert_null(sbp_base_entry_name(NULL));
  assert_null(sbp_base_entry_serves(NULL));
}

static void test_base_entries_by_name(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_base_set(p, S("toolchain"), &err));
  OK(sbp_policy_remove_base_entry(p, S("com.apple.trustd.agent"), &err));
  OK(sbp_policy_add_base_entry(p, S("com.apple.ocspd"), &err));
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "mach-lookup", "com.apple.SystemConfiguration.configd");
  DENIES(prof, "mach-lookup", "com.apple.trustd.agent");
  ALLOWS(prof, "mach-lookup", "com.apple.ocspd");
  sbp_profile_free(prof);
  /* network-client brings trustd.agent back only if not removed by name. */
  OK(sbp_policy_add_base_set(p, S("network-client"), &err));
  prof = compile(p);
  DENIES(prof, "mach-lookup", "com.apple.trustd.agent");
  ALLOWS(prof, "mach-lookup", "com.apple.SystemConfiguration.DNSConfiguration");
  sbp_profile_free(prof);
  OK(sbp_policy_add_base_entry(p, S("com.apple.trustd.agent"), &err));
  prof = compile(p);
  ALLOWS(prof, "mach-lookup", "com.apple.trustd.agent");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* ---- output --------------------------------------------------------------------------- */

static void test_comments(void **state) {
  (void)state;
  sbp_policy *p = agent_policy();
  sbp_profile *prof = compile(p);
  size_t rules = 0;
  for (sbp_node *n = sbp_node_first_child(sbp_profile_root(prof)); n; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
    rules++;
    size_t len = 0;
    const char *c = sbp_rule_comment(n, &len);
    if (c == NULL || strncmp(c, "policy: ", 8) != 0) fail_msg("rule %zu has no policy comment", rules);
  }
  assert_true(rules > 10);
  char *t = text_of(prof);
  assert_non_null(strstr(t, "; policy: read-deny[0-2]"));
  assert_non_null(strstr(t, "base com.apple.SystemConfiguration.configd"));
  assert_non_null(strstr(t, "port[3128]"));
  sbp_free(t);
  sbp_profile_free(prof);
  OK(sbp_policy_set_option(p, SBP_POLICY_COMMENTS, 0, &err));
  prof = compile(p);
  for (sbp_node *n = sbp_node_first_child(sbp_profile_root(prof)); n; n = sbp_node_next(n))
    if (sbp_node_type_of(n) == SBP_NODE_RULE) assert_null(sbp_rule_comment(n, NULL));
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* Equal rules merged, one rule per action and operations. */
static void test_merging(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  for (int i = 0; i < 3; i++) {
    OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S("/a/b"), &err));
    OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S("/a/c"), &err));
  }
  OK(sbp_policy_add_base_set(p, S("toolchain"), &err));
  OK(sbp_policy_add_base_set(p, S("network-client"), &err));
  sbp_profile *prof = compile(p);
  char *t = text_of(prof);
  const char *first = strstr(t, "(subpath \"/a/b\")");
  assert_non_null(first);
  assert_null(strstr(first + 1, "(subpath \"/a/b\")"));
  /* One mach-lookup rule holds every service of both sets, configd once. */
  first = strstr(t, "(allow mach-lookup");
  assert_non_null(first);
  assert_null(strstr(first + 1, "(allow mach-lookup"));
  first = strstr(t, "\"com.apple.SystemConfiguration.configd\"");
  assert_null(strstr(first + 1, "\"com.apple.SystemConfiguration.configd\""));
  sbp_free(t);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_folding(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  char path[128];
  for (int i = 0; i < 40; i++) {
    snprintf(path, sizeof path, "/Users/me/data/file-%02d.db", i);
    OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, S(path), &err));
  }
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_LITERAL, S("/Users/me/x.y"), &err));
  sbp_profile *prof = compile(p);
  char *t = text_of(prof);
  /* Two regexes of at most 255 bytes hold the 40 names; the lone path stays a literal. */
  assert_non_null(strstr(t, "(regex #\"^/Users/me/data/(file-00\\.db|file-01\\.db|"));
  assert_null(strstr(t, "(literal \"/Users/me/data/file-07.db\")"));
  assert_non_null(strstr(t, "(literal \"/Users/me/x.y\")"));
  for (const char *r = strstr(t, "#\""); r != NULL; r = strstr(r + 2, "#\"")) {
    const char *end = strchr(r + 2, '"');
    assert_true((size_t)(end - r - 2) <= 255);
  }
  for (int i = 0; i < 40; i++) {
    snprintf(path, sizeof path, "/Users/me/data/file-%02d.db", i);
    DENIES(prof, "file-read-data", path);
  }
  ALLOWS(prof, "file-read-data", "/Users/me/data/file-40.db");
  ALLOWS(prof, "file-read-data", "/Users/me/data/file-00xdb");
  ALLOWS(prof, "file-read-data", "/Users/me/data/file-00.db/x");
  sbp_free(t);
  sbp_profile_free(prof);
  OK(sbp_policy_set_option(p, SBP_POLICY_FOLD_LITERALS, 0, &err));
  prof = compile(p);
  t = text_of(prof);
  assert_non_null(strstr(t, "(literal \"/Users/me/data/file-07.db\")"));
  sbp_free(t);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* No rule's text passes 65,535 bytes: long lists are split. */
static void test_split(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  char path[300];
  memset(path, 0, sizeof path);
  for (int i = 0; i < 1500; i++) {
    snprintf(path, sizeof path, "/Volumes/d%04d/%0120d", i, i);
    OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S(path), &err));
  }
  sbp_profile *prof = compile(p);
  size_t parts = 0;
  for (sbp_node *n = sbp_node_first_child(sbp_profile_root(prof)); n; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_RULE) continue;
    sbp_buf rt = SBP_BUF_INIT;
    OK(sbp_rule_text(n, &rt, &err));
    assert_true(rt.len <= SBP_RULE_TEXT_MAX);
    if (strstr(rt.ptr, "(deny file-write*") == rt.ptr) parts++;
    sbp_buf_dispose(&rt);
  }
  assert_true(parts >= 3);
  DENIES(prof, "file-write-data", "/Volumes/d1499/000000000000000000000000000000000000000000000000"
                                  "000000000000000000000000000000000000000000000000000000000000"
                                  "000000000001499/x");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* A profile too large for one sandbox-exec -p argument is reported as such. */
static void test_exec_argument_size(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  char path[200];
  sbp_profile *prof = compile(p);
  size_t bytes = 0;
  OK(sbp_profile_check_exec_argument(prof, &bytes, &err));
  assert_true(bytes > 100 && bytes < 4096);
  sbp_profile_free(prof);
  /* Paths in folders of their own do not fold: about 120 bytes each. */
  for (int i = 0; i < 9000; i++) {
    snprintf(path, sizeof path, "/Volumes/disk-%05d/projects/%090d", i, i);
    OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_SUBTREE, S(path), &err));
  }
  prof = compile(p);
  sbp_error e = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_check_exec_argument(prof, &bytes, &e), SBP_E_LIMIT);
  assert_true(bytes > SBP_SANDBOX_EXEC_ARG_MAX);
  assert_non_null(strstr(e.message, "sandbox-exec -f"));
  assert_int_equal(sbp_profile_check_exec_argument(NULL, &bytes, &e), SBP_E_INVALID_ARG);
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

/* The compiled profile is clean for the linter (no errors) and reads back the same. */
static void test_lint_and_read_back(void **state) {
  (void)state;
  sbp_policy *p = agent_policy();
  /* /tmp is written in both spellings: the link spelling beside /private/tmp is deliberate,
   * and lint says nothing about it; alone, it is a mistake lint reports. */
  sbp_buf text = SBP_BUF_INIT;
  OK(sbp_policy_to_sbpl(p, &text, &err));
  sbp_lint_result *r = NULL;
  OK(sbp_lint_text(text.ptr, text.len, "policy.sb", NULL, NULL, &r, &err));
  for (size_t i = 0; i < sbp_lint_count(r); i++)
    if (sbp_lint_severity(r, i) >= SBP_LINT_WARNING)
      fail_msg("lint: %s: %s", sbp_lint_code(r, i), sbp_lint_message(r, i));
  sbp_lint_result_free(r);
  static const char lone[] = "(version 1)\n(deny default)\n(allow file-write* (subpath \"/tmp\"))\n";
  OK(sbp_lint_text(S(lone), "lone.sb", NULL, NULL, &r, &err));
  assert_int_equal(sbp_lint_count(r), 1);
  assert_string_equal(sbp_lint_code(r, 0), "symlinked-path");
  sbp_lint_result_free(r);
  sbp_profile *back = NULL;
  OK(sbp_profile_read(&back, text.ptr, text.len, "policy.sb", NULL, NULL, &err));
  DENIES(back, "file-read-data", "/Users/me/.ssh/id_rsa");
  ALLOWS(back, "mach-lookup", "com.apple.SystemConfiguration.configd");
  sbp_profile_free(back);
  sbp_buf_dispose(&text);
  sbp_policy_free(p);
}

/* ---- allocation failures -------------------------------------------------------------- */

static int op_policy(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_policy *p = NULL;
  int rc = sbp_policy_new(&p, alloc, NULL);
  if (rc != SBP_OK) return rc;
#define STEP(call) \
  if (rc == SBP_OK) rc = (call)
  STEP(sbp_policy_set_home(p, S(HOME), NULL));
  STEP(sbp_policy_set_cwd(p, S(CWD), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("/tmp"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("."), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("~/.config/*"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("**/.env"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/*"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("./secrets"), NULL));
  /* A pattern as first component: its /private spellings are found with a regex. */
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_GLOB, S("/?ar/x*"), NULL));
  for (int i = 0; i < 5; i++) {
    char path[64];
    snprintf(path, sizeof path, "./data/f%d", i);
    STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_DENY, SBP_PATH_LITERAL, S(path), NULL));
  }
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("./data/f0"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_EXEC_ALLOW, SBP_PATH_AUTO, S("/usr/bin"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_UNIX_SOCKET, SBP_PATH_AUTO, S("/tmp/s.sock"), NULL));
  STEP(sbp_policy_add_localhost_port(p, 3128, SBP_PORT_OUTBOUND, NULL));
  STEP(sbp_policy_add_localhost_port(p, 1080, SBP_PORT_BIND, NULL));
  STEP(sbp_policy_add_mach_service(p, S("com.example.*"), NULL));
  STEP(sbp_policy_add_base_set(p, S("toolchain"), NULL));
  STEP(sbp_policy_remove_base_entry(p, S("com.apple.fonts"), NULL));
  STEP(sbp_policy_set_settings_file(p, S("~/.s.json"), NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_PTY, 1, NULL));
  STEP(sbp_policy_set_option(p, SBP_POLICY_APPLE_EVENTS, 1, NULL));
  sbp_buf out = SBP_BUF_INIT;
  STEP(sbp_policy_to_sbpl(p, &out, NULL));
  /* A second compilation (warnings replaced) on a policy whose reads are denied. */
  STEP(sbp_policy_set_read_mode(p, SBP_READ_DENY_ALL, NULL));
  sbp_profile *prof = NULL;
  STEP(sbp_policy_compile(p, &prof, NULL));
  sbp_profile_free(prof);
  sbp_buf_dispose(&out);
  sbp_policy_free(p);
  return rc;
#undef STEP
}

static void test_oom(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_policy, NULL) > 50);
}

/* A failed allocation leaves the policy as it was: the next compile gives the same text. */
static void test_oom_leaves_policy(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, &ta.alloc, &err));
  OK(sbp_policy_set_home(p, S(HOME), &err));
  sbp_buf before = SBP_BUF_INIT, after = SBP_BUF_INIT;
  OK(sbp_policy_to_sbpl(p, &before, &err));
  for (size_t k = 0; k < 8; k++) {
    test_alloc_fail_at(&ta, k, 1);
    sbp_error e = SBP_ERROR_INIT;
    int rc = sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/.aws/**"), &e);
    test_alloc_fail_at(&ta, SIZE_MAX, 0);
    if (rc == SBP_OK) break;
    assert_int_equal(rc, SBP_E_NOMEM);
    OK(sbp_policy_to_sbpl(p, &after, &err));
    assert_string_equal(before.ptr, after.ptr);
  }
  sbp_buf_dispose(&before);
  sbp_buf_dispose(&after);
  sbp_policy_free(p);
  assert_int_equal(ta.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_pattern_first_component),
      cmocka_unit_test(test_cwd_with_metacharacters),
      cmocka_unit_test(test_agent_decisions),
      cmocka_unit_test(test_git_config_opt_out),
      cmocka_unit_test(test_protection_table),
      cmocka_unit_test(test_read_carve_outs),
      cmocka_unit_test(test_root_denied),
      cmocka_unit_test(test_read_deny_all),
      cmocka_unit_test(test_conflicts),
      cmocka_unit_test(test_network_modes),
      cmocka_unit_test(test_processes_and_options),
      cmocka_unit_test(test_builder_unix_socket_form),
      cmocka_unit_test(test_base_sets),
      cmocka_unit_test(test_base_entries_by_name),
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_merging),
      cmocka_unit_test(test_folding),
      cmocka_unit_test(test_split),
      cmocka_unit_test(test_exec_argument_size),
      cmocka_unit_test(test_lint_and_read_back),
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_oom_leaves_policy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
