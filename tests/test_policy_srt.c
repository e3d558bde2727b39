/* sbp_policy_add_srt_defaults(): sandbox-runtime's default writes, configd and trustd.agent and
 * its fixed grants, asserted through the decision engine and on the profile's text; the home
 * folders a read-deny covers; errors, idempotence and allocation failures. */
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

#define ALLOWS(prof, op, target)                                \
  do {                                                          \
    if (decide(prof, op, target) != SBP_DECISION_ALLOW)         \
      fail_msg("expected %s %s to be allowed", op, target);     \
  } while (0)
#define DENIES(prof, op, target)                                \
  do {                                                          \
    if (decide(prof, op, target) != SBP_DECISION_DENY)          \
      fail_msg("expected %s %s to be denied", op, target);      \
  } while (0)

/* The policy's text, as a malloc'd copy (the buffer may come from a test allocator). */
static char *text_of(sbp_policy *p) {
  sbp_buf out = SBP_BUF_INIT;
  OK(sbp_policy_to_sbpl(p, &out, &err));
  char *copy = malloc(out.len + 1);
  assert_non_null(copy);
  memcpy(copy, out.ptr, out.len + 1);
  sbp_buf_dispose(&out);
  return copy;
}

/* The workspace, ~/.ssh unreadable, with srt's defaults. */
static void test_grants(void **state) {
  (void)state;
  sbp_policy *p = new_policy();
  OK(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/.ssh"), &err));
  sbp_profile *plain = compile(p);
  DENIES(plain, "mach-lookup", "com.apple.SystemConfiguration.configd");
  DENIES(plain, "file-write-data", "/dev/stdout");
  DENIES(plain, "sysctl-read", "kern.ostype");
  sbp_profile_free(plain);

  OK(sbp_policy_add_srt_defaults(p, &err));
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "mach-lookup", "com.apple.SystemConfiguration.configd");
  ALLOWS(prof, "mach-lookup", "com.apple.trustd.agent");
  ALLOWS(prof, "mach-lookup", "com.apple.logd"); /* srt's own list */
  DENIES(prof, "mach-lookup", "com.apple.windowserver.active");
  ALLOWS(prof, "file-write-data", "/dev/stdout");
  ALLOWS(prof, "file-write-data", "/tmp/claude/x");
  ALLOWS(prof, "file-write-data", "/private/tmp/claude/x");
  ALLOWS(prof, "file-write-data", HOME "/.npm/_logs/1.log");
  ALLOWS(prof, "file-write-data", HOME "/.claude/debug/d");
  DENIES(prof, "file-write-data", HOME "/.npm/other");
  ALLOWS(prof, "file-write-data", CWD "/a.c");
  DENIES(prof, "file-read-data", HOME "/.ssh/id_rsa");
  ALLOWS(prof, "sysctl-read", "kern.ostype");
  ALLOWS(prof, "sysctl-write", "kern.tcsm_enable");
  ALLOWS(prof, "ipc-posix-shm", "/mp-1");
  ALLOWS(prof, "process-exec", "/bin/sh");
  sbp_profile_free(prof);

  /* srt's grants come right after (deny default), each group named. */
  char *text = text_of(p);
  const char *deny = strstr(text, "(deny default)");
  assert_non_null(deny);
  const char *first = strstr(deny, "\n;");
  assert_non_null(first);
  assert_int_equal(strncmp(first, "\n; srt base: processes\n", 23), 0);
  assert_non_null(strstr(text, "; srt base: device files\n"));

  /* A second call adds nothing. */
  OK(sbp_policy_add_srt_defaults(p, &err));
  char *again = text_of(p);
  assert_string_equal(text, again);
  free(again);
  free(text);

  /* Without comments the grants carry none. */
  OK(sbp_policy_set_option(p, SBP_POLICY_COMMENTS, 0, &err));
  text = text_of(p);
  assert_null(strstr(text, "srt base"));
  assert_non_null(strstr(text, "(allow user-preference-read)"));
  free(text);
  sbp_policy_free(p);
}

/* ~/.npm/_logs and ~/.claude/debug: writable unless a read-deny covers them, and then only
 * when a read-allow name beneath that deny re-opens them (never a glob). */
static void test_home_folders(void **state) {
  (void)state;
  static const struct {
    const char *deny, *allow;
    int npm_writable, claude_writable;
  } cases[] = {
      {"~/.ssh", NULL, 1, 1},
      {"~", NULL, 0, 0},
      {"~/.npm", NULL, 0, 1},
      {"~/.n*", NULL, 0, 1},          /* a glob covers it */
      {"~", "~/.npm", 1, 0},          /* re-opened by a name */
      {"~", "~/.np?", 0, 0},          /* a glob does not re-open */
      {"~", "~/.claude/debug", 0, 1}, /* exactly the folder */
      {"~/.npm", "/opt", 0, 1},       /* an allow elsewhere does not */
      {"/Users", "~", 1, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    sbp_policy *p = new_policy();
    OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S(cases[i].deny), &err));
    if (cases[i].allow != NULL)
      OK(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S(cases[i].allow), &err));
    OK(sbp_policy_add_srt_defaults(p, &err));
    sbp_profile *prof = compile(p);
    int npm = decide(prof, "file-write-data", HOME "/.npm/_logs/x") == SBP_DECISION_ALLOW;
    int claude = decide(prof, "file-write-data", HOME "/.claude/debug/x") == SBP_DECISION_ALLOW;
    if (npm != cases[i].npm_writable || claude != cases[i].claude_writable)
      fail_msg("case %zu (deny %s, allow %s): npm %d claude %d", i, cases[i].deny,
               cases[i].allow ? cases[i].allow : "-", npm, claude);
    ALLOWS(prof, "file-write-data", "/dev/null");
    sbp_profile_free(prof);
    sbp_policy_free(p);
  }
}

/* Writes allowed everywhere (srt's filesystem.disabled): no write entries are added. */
static void test_writes_unrestricted(void **state) {
  (void)state;
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err)); /* no home needed */
  OK(sbp_policy_set_write_mode(p, SBP_WRITE_ALLOW_ALL, &err));
  OK(sbp_policy_add_srt_defaults(p, &err));
  char *text = text_of(p);
  assert_null(strstr(text, "/tmp/claude"));
  assert_null(strstr(text, "write-allow"));
  assert_non_null(strstr(text, "\"com.apple.SystemConfiguration.configd\""));
  free(text);
  sbp_profile *prof = compile(p);
  ALLOWS(prof, "file-write-data", HOME "/anything");
  ALLOWS(prof, "mach-lookup", "com.apple.trustd.agent");
  sbp_profile_free(prof);
  sbp_policy_free(p);
}

static void test_errors(void **state) {
  (void)state;
  sbp_error e = SBP_ERROR_INIT;
  assert_int_equal(sbp_policy_add_srt_defaults(NULL, &e), SBP_E_INVALID_ARG);
  assert_non_null(strstr(e.message, "policy"));
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err));
  char *before = text_of(p);
  assert_int_equal(sbp_policy_add_srt_defaults(p, &e), SBP_E_INVALID_ARG);
  assert_non_null(strstr(e.message, "without a home"));
  char *after = text_of(p); /* unchanged, and no grants either */
  assert_string_equal(before, after);
  free(before);
  free(after);
  OK(sbp_policy_set_home(p, S(HOME), &err));
  OK(sbp_policy_add_srt_defaults(p, &err));
  sbp_policy_free(p);
}

static int op_srt(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp_policy *p = NULL;
  int rc = sbp_policy_new(&p, alloc, NULL);
  if (rc != SBP_OK) return rc;
#define STEP(call)                \
  do {                            \
    if (rc == SBP_OK) rc = (call); \
  } while (0)
  STEP(sbp_policy_set_home(p, S(HOME), NULL));
  STEP(sbp_policy_set_cwd(p, S(CWD), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/.n*"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_READ_ALLOW, SBP_PATH_AUTO, S("~/.claude"), NULL));
  STEP(sbp_policy_add_path(p, SBP_POLICY_WRITE_ALLOW, SBP_PATH_AUTO, S("."), NULL));
  STEP(sbp_policy_add_srt_defaults(p, NULL));
  sbp_buf out = SBP_BUF_INIT;
  STEP(sbp_policy_to_sbpl(p, &out, NULL));
  sbp_buf_dispose(&out);
  sbp_policy_free(p);
  return rc;
#undef STEP
}

static void test_oom(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(op_srt, NULL) > 20);
}

/* A failed call leaves the policy as it was. */
static void test_oom_leaves_policy(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, &ta.alloc, &err));
  OK(sbp_policy_set_home(p, S(HOME), &err));
  OK(sbp_policy_add_path(p, SBP_POLICY_READ_DENY, SBP_PATH_AUTO, S("~/.n*"), &err));
  char *before = text_of(p);
  size_t k = 0;
  for (;; k++) {
    test_alloc_fail_at(&ta, k, 1);
    sbp_error e = SBP_ERROR_INIT;
    int rc = sbp_policy_add_srt_defaults(p, &e);
    test_alloc_fail_at(&ta, SIZE_MAX, 0);
    if (rc == SBP_OK) break;
    assert_int_equal(rc, SBP_E_NOMEM);
    char *after = text_of(p);
    assert_string_equal(before, after);
    free(after);
  }
  assert_true(k > 0);
  char *done = text_of(p);
  assert_non_null(strstr(done, "/tmp/claude"));
  assert_null(strstr(done, "/.npm/_logs"));
  free(done);
  free(before);
  sbp_policy_free(p);
  assert_int_equal(ta.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grants),         cmocka_unit_test(test_home_folders),
      cmocka_unit_test(test_writes_unrestricted), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_oom),            cmocka_unit_test(test_oom_leaves_policy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
