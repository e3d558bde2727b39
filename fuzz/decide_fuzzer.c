/* Fuzz target: the decision engine. Evaluates arbitrary bytes as a profile (parameters kept
 * symbolic), compiles it into a decider and decides a fixed set of requests twice: through
 * the index and rule by rule. The two must agree on the answer, the deciding rule, the step,
 * the skipped rule and the flags; explanations and descriptions must succeed. Any
 * disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_limits.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *req, const char *text, size_t len) {
  fprintf(stderr, "decide_fuzzer: %s (%s)\n--- input (%zu bytes)\n%.*s\n---\n", what, req, len,
          (int)len, text);
  abort();
}

static const char *const requests[][2] = {
    {"file-read-data", "/usr/lib/x"},     {"file-read-data", "/tmp/x"},
    {"file-read-data", "/a"},             {"file-read-data", "/a/b/c"},
    {"file-write-data", "/a/b"},          {"file-read-metadata", "/"},
    {"file-link", "/a"},                  {"process-exec", "/bin/sh"},
    {"mach-lookup", "com.apple.x"},       {"mach-lookup", "a"},
    {"sysctl-read", "kern.hostname"},     {"network-outbound", "tcp4:127.0.0.1:80"},
    {"network-outbound", "udp6:[::1]:53"}, {"network-outbound", "/private/var/run/syslog"},
    {"network-bind", "tcp:*:8080"},       {"signal", "same-sandbox"},
    {"system-socket", "AF_UNIX"},         {"process-info-pidinfo", "self"},
    {"user-preference-read", "com.x"},    {"unknown-operation", "/a"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  sbp_read_options o = sbp_fuzz_read_options();
  sbp_profile *p = NULL;
  if (sbp_profile_read(&p, text, size, "fuzz.sb", &o, NULL, NULL) != SBP_OK) return 0;
  sbp_decider *d = NULL;
  sbp_error e = SBP_ERROR_INIT;
  int rc = sbp_decider_new(&d, p, NULL, &e);
  if (rc != SBP_OK) {
    if (rc != SBP_E_SYNTAX && rc != SBP_E_NOMEM) fail("decider failed", sbp_status_name(rc), text, size);
    sbp_profile_free(p);
    return 0;
  }
  sbp_request *r = NULL;
  sbp_decision *a = NULL, *b = NULL;
  if (sbp_request_new(&r, NULL, NULL) || sbp_decision_new(&a, NULL, NULL) ||
      sbp_decision_new(&b, NULL, NULL))
    abort();
  for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
    const char *op = requests[i][0], *t = requests[i][1];
    if (sbp_request_set_simple(r, op, strlen(op), t, strlen(t), NULL) != SBP_OK)
      fail("request", op, text, size);
    for (uint32_t canon = 0; canon < 2; canon++) {
      sbp_decide_options fast = SBP_DECIDE_OPTIONS_INIT, slow = SBP_DECIDE_OPTIONS_INIT;
      fast.flags = canon ? SBP_DECIDE_CANONICAL_PATHS : 0u;
      slow.flags = fast.flags | SBP_DECIDE_NO_INDEX;
      if (sbp_decide_into(d, r, &fast, a, NULL) != SBP_OK ||
          sbp_decide_into(d, r, &slow, b, NULL) != SBP_OK)
        fail("decide failed", op, text, size);
      uint32_t mask = ~(uint32_t)SBP_DECISION_FLAG_REGEX_BRACES;
      if (sbp_decision_result(a) != sbp_decision_result(b) ||
          sbp_decision_rule(a) != sbp_decision_rule(b) ||
          sbp_decision_step_of(a) != sbp_decision_step_of(b) ||
          sbp_decision_skipped_rule(a) != sbp_decision_skipped_rule(b) ||
          (sbp_decision_flags(a) & mask) != (sbp_decision_flags(b) & mask))
        fail("indexed and rule-by-rule decisions differ", op, text, size);
    }
    sbp_buf ex = SBP_BUF_INIT;
    if (sbp_explain(d, r, NULL, &ex, NULL) != SBP_OK || ex.ptr == NULL) fail("explain", op, text, size);
    sbp_buf_dispose(&ex);
    if (sbp_decision_describe(a, &ex, NULL) != SBP_OK) fail("describe", op, text, size);
    sbp_buf_dispose(&ex);
  }
  sbp_decision_free(a);
  sbp_decision_free(b);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  return 0;
}
