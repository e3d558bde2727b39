/* Helpers shared by the policy tests: a policy with a fixed home and cwd, compiling it, and
 * the decision engine's answer for a request. Include after <cmocka.h> and "sbprofile.h". */
#ifndef SBP_TEST_POLICY_FIXTURE_H
#define SBP_TEST_POLICY_FIXTURE_H

#include <string.h>

#define S(x) x, strlen(x)
/* Fails the test, naming the call, unless it returns SBP_OK; name the error struct err in
 * the call. */
#define OK(call)                                                                         \
  do {                                                                                   \
    sbp_error e_ = SBP_ERROR_INIT;                                                       \
    int rc_ = (call);                                                                    \
    if (rc_ != SBP_OK) fail_msg("%s: %s (%s)", #call, sbp_status_name(rc_), e_.message); \
  } while (0)
#define err e_

#define HOME "/Users/me"
#define CWD "/Users/me/src/app"

static inline sbp_policy *new_policy(void) {
  sbp_policy *p = NULL;
  OK(sbp_policy_new(&p, NULL, &err));
  OK(sbp_policy_set_home(p, S(HOME), &err));
  OK(sbp_policy_set_cwd(p, S(CWD), &err));
  return p;
}

static inline sbp_profile *compile(sbp_policy *p) {
  sbp_profile *prof = NULL;
  OK(sbp_policy_compile(p, &prof, &err));
  return prof;
}

/* The decision engine's answer for op on target (NULL: none). */
static inline int decide(const sbp_profile *prof, const char *op, const char *target) {
  int result = 0;
  sbp_error e = SBP_ERROR_INIT;
  int rc = sbp_decide_simple(prof, S(op), target, target ? strlen(target) : 0, &result, NULL, &e);
  if (rc != SBP_OK) fail_msg("decide %s %s: %s", op, target ? target : "", e.message);
  return result;
}

#endif
