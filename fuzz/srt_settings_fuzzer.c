/* Fuzz target: the reader of sandbox-runtime settings (tools/srt_settings.c) and the policy it
 * fills. Arbitrary bytes are read as settings; when they are accepted, the policy must compile,
 * take srt's fixed grants and serialize, and the text must read back as a profile with as many
 * rules. When they are refused, the error must say why (policy_oracle.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_oracle.h"
#include "sbprofile.h"
#include "sbprofile/policy.h"
#include "srt_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbp_policy *pol = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (size > 1 << 16) return 0;
  if (sbp_policy_new(&pol, NULL, &err) != SBP_OK) return 0;
  const char *home = "/Users/f", *cwd = "/Users/f/a[b]*c";
  if (sbp_policy_set_home(pol, home, strlen(home), &err) != SBP_OK ||
      sbp_policy_set_cwd(pol, cwd, strlen(cwd), &err) != SBP_OK)
    sbp_fuzz_policy_fail("srt_settings_fuzzer", "setting home and cwd", err.message, data, size);
  sbp_json_reader r;
  sbp_json_reader_init(&r, NULL, NULL);
  int rc = sbp_srt_settings_read(&r, (const char *)data, size, pol);
  sbp_fuzz_policy_check("srt_settings_fuzzer", rc, r.error, pol, data, size);
  sbp_policy_free(pol);
  return 0;
}
