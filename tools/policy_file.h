/* sbprofile's own policy file (JSON, docs/policy-file.md, schema docs/policy.schema.json) read
 * into a policy. */
#ifndef SBP_TOOLS_POLICY_FILE_H
#define SBP_TOOLS_POLICY_FILE_H

#include <stddef.h>

#include "json_read.h"
#include "sbprofile/policy.h"

/* Reads a policy file (len bytes) into policy. Its "home" and "cwd" are set on the policy
 * unless keep_home / keep_cwd (given on the command line). Unknown keys give a warning naming
 * them. Returns SBP_OK; SBP_E_INVALID_ARG with the error in r (a JSON path and what is wrong,
 * or where the text stops being JSON); SBP_E_NOMEM. */
int sbp_policy_file_read(sbp_json_reader *r, const char *text, size_t len, sbp_policy *policy,
                         int keep_home, int keep_cwd);

/* sbp_policy_file_read() on a file already parsed (root is only read). */
int sbp_policy_file_apply(sbp_json_reader *r, json_t *root, sbp_policy *policy, int keep_home,
                          int keep_cwd);

#endif
