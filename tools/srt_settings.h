/* sandbox-runtime (srt) settings, as in ~/.srt-settings.json, read into a policy: the profile
 * srt 0.0.83 would generate on macOS, corrected as docs/srt-settings.md says. */
#ifndef SBP_TOOLS_SRT_SETTINGS_H
#define SBP_TOOLS_SRT_SETTINGS_H

#include <stddef.h>

#include "json_read.h"
#include "sbprofile.h"
#include "sbprofile/policy.h"

/* Reads settings text (len bytes) into policy, which must have the home and cwd the settings'
 * paths start from, and ends with sbp_policy_add_srt_defaults(). The reader's own memory and
 * jansson's come from jansson's allocator (json_set_alloc_funcs). Keys srt reads only for its
 * proxy or its Linux backend are accepted; keys srt does not know give a warning naming them; a
 * value of the wrong type is an error naming its JSON path. Returns 0, or SBP_E_INVALID_ARG
 * with the error in r->error ("filesystem.denyRead[3]: expected a string ...", or
 * "LINE:COLUMN: ..." for text that is not JSON), or SBP_E_NOMEM. */
int sbp_srt_settings_read(sbp_json_reader *r, const char *text, size_t len,
                          sbp_policy *policy);

/* sbp_srt_settings_read() on settings already parsed (root is only read). */
int sbp_srt_settings_apply(sbp_json_reader *r, json_t *root, sbp_policy *policy);

#endif
