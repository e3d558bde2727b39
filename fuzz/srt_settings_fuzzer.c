/* Fuzz target: the reader of sandbox-runtime settings (tools/srt_settings.c) and the policy it
 * fills. Arbitrary bytes are read as settings; when they are accepted, the policy must compile,
 * take srt's fixed grants and serialize, and the text must read back as a profile with as many
 * rules. When they are refused, the error must say why. Any other outcome aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbprofile.h"
#include "sbprofile/policy.h"
#include "srt_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail, const uint8_t *data, size_t size) {
  fprintf(stderr, "srt_settings_fuzzer: %s: %s\n--- input (%zu bytes)\n%.*s\n---\n", what,
          detail, size, (int)size, (const char *)data);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbp_policy *pol = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (size > 1 << 16) return 0;
  if (sbp_policy_new(&pol, NULL, &err) != SBP_OK) return 0;
  const char *home = "/Users/f", *cwd = "/Users/f/a[b]*c";
  if (sbp_policy_set_home(pol, home, strlen(home), &err) != SBP_OK ||
      sbp_policy_set_cwd(pol, cwd, strlen(cwd), &err) != SBP_OK)
    fail("setting home and cwd", err.message, data, size);
  sbp_json_reader r;
  sbp_json_reader_init(&r, NULL, NULL);
  int rc = sbp_srt_settings_read(&r, (const char *)data, size, pol);
  if (rc == SBP_E_INVALID_ARG && r.error[0] == '\0') fail("refused without a reason", "", data, size);
  if (rc == SBP_OK) {
    sbp_profile *prof = NULL, *back = NULL;
    sbp_buf text = SBP_BUF_INIT;
    rc = sbp_policy_compile(pol, &prof, &err);
    if (rc != SBP_OK && rc != SBP_E_LIMIT && rc != SBP_E_NOMEM)
      fail("accepted settings do not compile", err.message, data, size);
    if (rc == SBP_OK) rc = sbp_serialize(prof, NULL, &text, &err);
    if (rc == SBP_OK) {
      if (sbp_profile_read(&back, text.ptr, text.len, "out.sb", NULL, NULL, &err) != SBP_OK)
        fail("the profile does not read back", err.message, data, size);
      if (sbp_profile_rule_count(back) != sbp_profile_rule_count(prof))
        fail("the profile reads back with another number of rules", text.ptr, data, size);
    } else if (prof != NULL && rc != SBP_E_NOMEM && rc != SBP_E_LIMIT) {
      fail("the compiled profile does not serialize", err.message, data, size);
    }
    sbp_profile_free(back);
    sbp_buf_dispose(&text);
    sbp_profile_free(prof);
  }
  sbp_policy_free(pol);
  return 0;
}
