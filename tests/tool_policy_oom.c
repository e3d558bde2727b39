/* Fault injection over the policy command's readers (tools/srt_settings.c, tools/policy_file.c):
 * srt settings and a policy file using every key are applied to a policy, compiled and
 * serialized with every allocation failing in turn, the policy's (through its sbp_alloc) and
 * the reader's and jansson's (through json_set_alloc_funcs, routed to the same counting
 * allocator). Each run must end in SBP_OK or SBP_E_NOMEM, never in another error, and leak
 * nothing. The text is parsed beforehand, outside the injection: jansson's parser reports some
 * failed allocations as syntax errors, which no reader could tell apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "policy_file.h"
#include "sbprofile.h"
#include "sbprofile/policy.h"
#include "srt_settings.h"
#include "test_alloc.h"

/* jansson has no user data in its hooks: the allocator of the run under way. */
static const sbp_alloc *current;

static void *json_alloc(size_t n) { return current->malloc(current->ud, n); }
static void json_release(void *p) { current->free(current->ud, p); }

static const char srt_settings[] =
    "{\"network\": {\"allowedDomains\": [\"example.com\"], \"deniedDomains\": [],"
    " \"httpProxyPort\": 3128, \"socksProxyPort\": 1080, \"allowLocalBinding\": true,"
    " \"allowUnixSockets\": [\"/private/var/run/docker.sock\"],"
    " \"allowMachLookup\": [\"com.example.*\", \"com.apple.x\"], \"bogus\": 1},"
    " \"filesystem\": {\"denyRead\": [\"~\", \"**/.env\", {\"path\": \"~/[x]\", \"literal\": true}],"
    " \"allowRead\": [\"~/proj\", \"~/.npm\"], \"allowWrite\": [\".\", \"/tmp/w/**\"],"
    " \"denyWrite\": [\"./secrets\"], \"allowGitConfig\": true},"
    " \"credentials\": {\"files\": [{\"path\": \"~/.netrc\", \"mode\": \"mask\"}]},"
    " \"allowPty\": true, \"allowAppleEvents\": true, \"ripgrep\": {\"command\": \"rg\"}}";

static const char policy_file[] =
    "{\"version\": 1, \"home\": \"/Users/me\", \"cwd\": \"/Users/me/w\","
    " \"read\": {\"mode\": \"allow-all\", \"deny\": [\"~/.ssh\", {\"path\": \"**/*.pem\", \"match\": \"glob\"}],"
    " \"allow\": [\"~/.ssh/known_hosts\"]},"
    " \"write\": {\"allow\": [\".\"], \"deny\": [\"./secrets\"]},"
    " \"exec\": [\"/bin/sh\"],"
    " \"network\": {\"ports\": [{\"port\": 3128, \"access\": [\"outbound\", \"bind\"]}],"
    " \"unixSockets\": [\"/private/var/run/x.sock\"]},"
    " \"mach\": [\"com.apple.SystemConfiguration.configd\"], \"pty\": true,"
    " \"process\": {\"signal\": false}, \"protections\": {\"git-config\": false},"
    " \"base\": [\"toolchain\"], \"baseEntries\": {\"remove\": [\"com.apple.trustd.agent\"]},"
    " \"options\": {\"comments\": true}}";

static json_t *srt_root, *policy_root;

/* Applies one input (srt settings or a policy file), compiles and serializes it. */
static int read_compile(const sbp_alloc *alloc, int srt) {
  sbp_policy *pol = NULL;
  sbp_profile *prof = NULL;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  sbp_json_reader r;
  current = alloc;
  json_set_alloc_funcs(json_alloc, json_release);
  sbp_json_reader_init(&r, NULL, NULL);
  int rc = sbp_policy_new(&pol, alloc, &err);
  if (rc == SBP_OK) rc = sbp_policy_set_home(pol, "/Users/me", 9, &err);
  if (rc == SBP_OK) rc = sbp_policy_set_cwd(pol, "/Users/me/w", 11, &err);
  if (rc == SBP_OK)
    rc = srt ? sbp_srt_settings_apply(&r, srt_root, pol)
             : sbp_policy_file_apply(&r, policy_root, pol, 0, 0);
  if (rc == SBP_OK) rc = sbp_policy_compile(pol, &prof, &err);
  if (rc == SBP_OK) rc = sbp_serialize(prof, NULL, &out, &err);
  if (rc != SBP_OK && rc != SBP_E_NOMEM)
    fail_msg("status %s: %s / %s", sbp_status_name(rc), err.message, r.error);
  if (rc == SBP_OK) assert_non_null(strstr(out.ptr, "(deny default)"));
  sbp_buf_dispose(&out);
  sbp_profile_free(prof);
  sbp_policy_free(pol);
  json_set_alloc_funcs(malloc, free);
  return rc;
}

static int srt_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  return read_compile(alloc, 1);
}

static int policy_file_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  return read_compile(alloc, 0);
}

static void test_srt_settings_oom(void **state) {
  (void)state;
  size_t calls = test_alloc_exhaust(srt_op, NULL);
  assert_true(calls > 100); /* the reader, jansson and the policy all allocate */
}

static void test_policy_file_oom(void **state) {
  (void)state;
  size_t calls = test_alloc_exhaust(policy_file_op, NULL);
  assert_true(calls > 100);
}

/* Reading the text once, with nothing failing, gives the same profile as applying it. */
static void test_read_equals_apply(void **state) {
  (void)state;
  test_alloc ta;
  test_alloc_init(&ta);
  assert_int_equal(read_compile(&ta.alloc, 1), SBP_OK);
  sbp_policy *pol = NULL;
  sbp_json_reader r;
  sbp_json_reader_init(&r, NULL, NULL);
  assert_int_equal(sbp_policy_new(&pol, NULL, NULL), SBP_OK);
  assert_int_equal(sbp_policy_set_home(pol, "/Users/me", 9, NULL), SBP_OK);
  assert_int_equal(sbp_policy_set_cwd(pol, "/Users/me/w", 11, NULL), SBP_OK);
  assert_int_equal(sbp_srt_settings_read(&r, srt_settings, sizeof(srt_settings) - 1, pol),
                   SBP_OK);
  assert_int_equal(r.warnings, 1); /* network.bogus */
  sbp_policy_free(pol);
  assert_int_equal(ta.live, 0);
}

static int parse_inputs(void **state) {
  (void)state;
  json_error_t e;
  srt_root = json_loadb(srt_settings, sizeof(srt_settings) - 1, 0, &e);
  policy_root = json_loadb(policy_file, sizeof(policy_file) - 1, 0, &e);
  return srt_root != NULL && policy_root != NULL ? 0 : -1;
}

static int free_inputs(void **state) {
  (void)state;
  /* A failed run leaves through fail_msg() with the counting hooks still set; the inputs
   * were parsed with malloc. */
  json_set_alloc_funcs(malloc, free);
  json_decref(srt_root);
  json_decref(policy_root);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_equals_apply),
      cmocka_unit_test(test_srt_settings_oom),
      cmocka_unit_test(test_policy_file_oom),
  };
  return cmocka_run_group_tests(tests, parse_inputs, free_inputs);
}
