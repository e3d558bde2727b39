/* Fuzz target: requests with an arbitrary operation and target. The input is
 * "OP\nTARGET\nPROFILE": the operation and target bytes go to sbp_request_set_simple()
 * (and, as a path, mach name and unknown named attribute, to the other setters); PROFILE,
 * when it evaluates, is decided, otherwise a fixed profile that has rules of every kind is.
 * Oracles: the setters return only their documented codes; a request that is accepted is
 * decided through the index and rule by rule with the same answer, rule, step and skipped
 * rule, with or without canonical paths; sbp_decide_simple agrees; explain, describe and the
 * request's description succeed. Any violation aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_limits.h"
#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_profile[] =
    "(version 1)\n(deny default)\n"
    "(allow file-read* (subpath \"/usr\") (literal \"/etc/hosts\") (prefix \"/tmp/x\"))\n"
    "(deny file-read* (regex #\"^/usr/(lib|bin)/s[a-z]+$\"))\n"
    "(allow file-write* (require-all (subpath \"/a\") (require-not (literal \"/a/b\"))))\n"
    "(allow mach-lookup (global-name \"com.apple.x\") (global-name-prefix \"com.y.\"))\n"
    "(allow network-outbound (remote tcp \"localhost:*\") (remote unix-socket (subpath \"/s\")))\n"
    "(allow network-bind (local ip \"*:8080\"))\n"
    "(allow sysctl-read (sysctl-name-prefix \"kern.\"))\n"
    "(allow signal (target same-sandbox))\n"
    "(allow system-socket (socket-domain AF_UNIX))\n"
    "(allow file-read* (subpath \"\"))\n"
    "(allow process-exec (literal \"/bin/sh\") (with no-sandbox))\n"
    "(deny iokit-open (iokit-user-client-class \"RootDomainUserClient\"))\n"
    "(allow user-preference-read (preference-domain \"com.x\"))\n";

static void fail(const char *what, const uint8_t *data, size_t size) {
  fprintf(stderr, "request_fuzzer: %s\n--- input (%zu bytes)\n%.*s\n---\n", what, size, (int)size,
          (const char *)data);
  abort();
}

static void decide_both(const sbp_decider *d, const sbp_request *r, sbp_decision *a,
                        sbp_decision *b, const uint8_t *data, size_t size) {
  for (uint32_t canon = 0; canon < 2; canon++) {
    sbp_decide_options fast = SBP_DECIDE_OPTIONS_INIT, slow = SBP_DECIDE_OPTIONS_INIT;
    fast.flags = canon ? SBP_DECIDE_CANONICAL_PATHS : 0u;
    slow.flags = fast.flags | SBP_DECIDE_NO_INDEX;
    int ra = sbp_decide_into(d, r, &fast, a, NULL), rb = sbp_decide_into(d, r, &slow, b, NULL);
    if (ra == SBP_E_NOMEM || rb == SBP_E_NOMEM) continue;
    if (ra != SBP_OK || rb != SBP_OK) fail("decide failed", data, size);
    uint32_t mask = ~(uint32_t)SBP_DECISION_FLAG_REGEX_BRACES;
    if (sbp_decision_result(a) != sbp_decision_result(b) ||
        sbp_decision_rule(a) != sbp_decision_rule(b) ||
        sbp_decision_step_of(a) != sbp_decision_step_of(b) ||
        sbp_decision_skipped_rule(a) != sbp_decision_skipped_rule(b) ||
        (sbp_decision_flags(a) & mask) != (sbp_decision_flags(b) & mask))
      fail("indexed and rule-by-rule decisions differ", data, size);
    int res = sbp_decision_result(a);
    if (res != SBP_DECISION_ALLOW && res != SBP_DECISION_DENY && res != SBP_DECISION_UNKNOWN)
      fail("result out of range", data, size);
  }
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_explain(d, r, NULL, &out, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("explain failed", data, size);
  sbp_buf_dispose(&out);
  rc = sbp_decision_describe(a, &out, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("describe failed", data, size);
  sbp_buf_dispose(&out);
  rc = sbp_request_describe(r, &out, NULL);
  if (rc != SBP_OK && rc != SBP_E_NOMEM) fail("request describe failed", data, size);
  sbp_buf_dispose(&out);
}

static int setter_ok(int rc) { return rc == SBP_OK || rc == SBP_E_INVALID_ARG || rc == SBP_E_NOMEM; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *t = (const char *)data;
  const char *nl1 = memchr(t, '\n', size);
  size_t oplen = nl1 ? (size_t)(nl1 - t) : size;
  const char *target = nl1 ? nl1 + 1 : NULL;
  size_t rest = nl1 ? size - oplen - 1 : 0;
  const char *nl2 = target ? memchr(target, '\n', rest) : NULL;
  size_t tlen = nl2 ? (size_t)(nl2 - target) : rest;
  const char *ptext = nl2 ? nl2 + 1 : "";
  size_t plen = nl2 ? rest - tlen - 1 : 0;

  sbp_read_options o = sbp_fuzz_read_options();
  sbp_profile *p = NULL;
  if (plen == 0 || sbp_profile_read(&p, ptext, plen, "fuzz.sb", &o, NULL, NULL) != SBP_OK) {
    if (sbp_profile_read(&p, fixed_profile, sizeof fixed_profile - 1, "fixed.sb", NULL, NULL,
                         NULL) != SBP_OK)
      fail("the fixed profile does not read", data, size);
  }
  sbp_decider *d = NULL;
  int rc = sbp_decider_new(&d, p, NULL, NULL);
  if (rc != SBP_OK) {
    if (rc != SBP_E_SYNTAX && rc != SBP_E_LIMIT && rc != SBP_E_NOMEM)
      fail("decider: undocumented status", data, size);
    sbp_profile_free(p);
    return 0;
  }
  sbp_request *r = NULL;
  sbp_decision *a = NULL, *b = NULL;
  if (sbp_request_new(&r, NULL, NULL) || sbp_decision_new(&a, NULL, NULL) ||
      sbp_decision_new(&b, NULL, NULL))
    abort();

  rc = sbp_request_set_simple(r, t, oplen, target, tlen, NULL);
  if (!setter_ok(rc)) fail("set_simple: undocumented status", data, size);
  if (rc == SBP_OK) {
    decide_both(d, r, a, b, data, size);
    int res = -1;
    rc = sbp_decide_simple(p, t, oplen, target, tlen, &res, NULL, NULL);
    if (rc == SBP_OK) {
      sbp_decide_options fast = SBP_DECIDE_OPTIONS_INIT;
      if (sbp_decide_into(d, r, &fast, a, NULL) == SBP_OK && sbp_decision_result(a) != res)
        fail("sbp_decide_simple differs from the decider", data, size);
    } else if (rc != SBP_E_NOMEM) {
      fail("sbp_decide_simple failed on an accepted request", data, size);
    }
  }
  /* the same bytes through the other setters */
  sbp_request_reset(r);
  rc = sbp_request_set_operation(r, t, oplen, NULL);
  if (!setter_ok(rc)) fail("set_operation: undocumented status", data, size);
  if (rc == SBP_OK) {
    int r1 = sbp_request_set_string_attr(r, SBP_ATTR_PATH, target ? target : "", tlen, NULL);
    int r2 = sbp_request_set_string_attr(r, SBP_ATTR_GLOBAL_NAME, target ? target : "", tlen, NULL);
    int r3 = sbp_request_set_named_attr(r, target ? target : "", tlen, (int)(tlen & 1),
                                        ptext, plen > 64 ? 64 : plen, (int64_t)tlen, NULL);
    if (!setter_ok(r1) || !setter_ok(r2) || !setter_ok(r3))
      fail("string setters: undocumented status", data, size);
    int r4 = sbp_request_set_netaddr(r, SBP_ATTR_REMOTE, t, oplen, target, tlen,
                                     (int)(plen * 977 % 70000) - 1, NULL);
    if (!setter_ok(r4)) fail("set_netaddr: undocumented status", data, size);
    decide_both(d, r, a, b, data, size);
  }
  sbp_decision_free(a);
  sbp_decision_free(b);
  sbp_request_free(r);
  sbp_decider_free(d);
  sbp_profile_free(p);
  return 0;
}
