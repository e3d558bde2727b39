/* Fuzz target: the reader of sbprofile's own policy file (tools/policy_file.c) and the policy
 * it fills. Arbitrary bytes are read as a policy file, its own "home" and "cwd" included; when
 * they are accepted, the policy must compile and serialize, and the text must read back as a
 * profile with as many rules. When they are refused, the error must say why
 * (policy_oracle.h). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy_file.h"
#include "policy_oracle.h"
#include "sbprofile.h"
#include "sbprofile/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbp_policy *pol = NULL;
  if (size > 1 << 16) return 0;
  if (sbp_policy_new(&pol, NULL, NULL) != SBP_OK) return 0;
  sbp_json_reader r;
  sbp_json_reader_init(&r, NULL, NULL);
  int rc = sbp_policy_file_read(&r, (const char *)data, size, pol, 0, 0);
  sbp_fuzz_policy_check("policy_file_fuzzer", rc, r.error, pol, data, size);
  sbp_policy_free(pol);
  return 0;
}
