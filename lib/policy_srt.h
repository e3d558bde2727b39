/* Policies: sandbox-runtime's fixed grants (policy_srt.c). */
#ifndef SBP_LIB_POLICY_SRT_H
#define SBP_LIB_POLICY_SRT_H

#include "sbprofile/policy.h"

/* Inserts sandbox-runtime's fixed grants after the (deny default) of a profile compiled from
 * p (policy_srt.c); SBP_OK or an SBP_E_* status. */
int sbp__policy_srt_grants(const sbp_policy *p, sbp_profile *profile, sbp_error *err);

#endif
