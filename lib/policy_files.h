/* Compiling policies: the rules of files, reads (allow or deny with carve-outs) and writes
 * (allow list, deny list, mandatory protections). */
#ifndef SBP_LIB_POLICY_FILES_H
#define SBP_LIB_POLICY_FILES_H

#include "policy_group.h"

/* The read rules: broad, denies, carve-outs, re-denies, metadata. */
int sbp__files_reads(sbp__compiler *c);

/* Is protection i on in p? */
int sbp__files_protection_on(const sbp_policy *p, size_t i);

/* The regex of one protection over its globs: any folder, then one of its names, then
 * anything beneath (with parents set: the first folder of each multi-component name). */
int sbp__files_protection_regex(sbp__compiler *c, size_t i, int parents, const char **out,
                                size_t *out_len);

/* The write rules: broad or the allow list, the deny list, the protections. */
int sbp__files_writes(sbp__compiler *c);

#endif
