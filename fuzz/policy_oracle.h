/* The oracle the policy-reading fuzz targets share: a reader that accepts its input must leave
 * a policy that compiles, serializes and reads back as a profile with as many rules; one that
 * refuses it must say why. Any other outcome aborts with the input. */
#ifndef SBP_FUZZ_POLICY_ORACLE_H
#define SBP_FUZZ_POLICY_ORACLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sbprofile.h"
#include "sbprofile/policy.h"

static void sbp_fuzz_policy_fail(const char *target, const char *what, const char *detail,
                                 const uint8_t *data, size_t size) {
  fprintf(stderr, "%s: %s: %s\n--- input (%zu bytes)\n%.*s\n---\n", target, what, detail, size,
          (int)size, (const char *)data);
  abort();
}

/* rc and why come from the reader; pol is the policy it filled. */
static inline void sbp_fuzz_policy_check(const char *target, int rc, const char *why,
                                         sbp_policy *pol, const uint8_t *data, size_t size) {
  sbp_error err = SBP_ERROR_INIT;
  if (rc == SBP_E_INVALID_ARG && why[0] == '\0')
    sbp_fuzz_policy_fail(target, "refused without a reason", "", data, size);
  if (rc != SBP_OK) return;
  sbp_profile *prof = NULL, *back = NULL;
  sbp_buf text = SBP_BUF_INIT;
  rc = sbp_policy_compile(pol, &prof, &err);
  if (rc != SBP_OK && rc != SBP_E_LIMIT && rc != SBP_E_NOMEM)
    sbp_fuzz_policy_fail(target, "an accepted policy does not compile", err.message, data, size);
  if (rc == SBP_OK) rc = sbp_serialize(prof, NULL, &text, &err);
  if (rc == SBP_OK) {
    if (sbp_profile_read(&back, text.ptr, text.len, "out.sb", NULL, NULL, &err) != SBP_OK)
      sbp_fuzz_policy_fail(target, "the profile does not read back", err.message, data, size);
    if (sbp_profile_rule_count(back) != sbp_profile_rule_count(prof))
      sbp_fuzz_policy_fail(target, "the profile reads back with another number of rules",
                           text.ptr, data, size);
  } else if (prof != NULL && rc != SBP_E_NOMEM && rc != SBP_E_LIMIT) {
    sbp_fuzz_policy_fail(target, "the compiled profile does not serialize", err.message, data,
                         size);
  }
  sbp_profile_free(back);
  sbp_buf_dispose(&text);
  sbp_profile_free(prof);
}

#endif
