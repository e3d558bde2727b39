/* The linter's checks on an evaluated (or built) profile (lint_rules.c). */
#ifndef SBP_LIB_LINT_RULES_H
#define SBP_LIB_LINT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "lint_result.h"

/* The profile-level checks on an evaluated (or built) profile, for target version macos
 * (a catalog target). SBP_OK, SBP_E_NOMEM, SBP_E_INVALID_TREE. */
int sbp__lint_profile_checks(sbp_lint_result *r, const sbp_profile *profile, uint32_t macos,
                             sbp_error *err);

/* Path helpers shared by the checks (lint_rules.c). */
/* 1 when the path names /tmp, /var or /etc or something below them; *link_len gets the
 * length of the link part ("/tmp" = 4). */
int sbp__lint_symlinked(const char *path, size_t len, size_t *link_len);

#endif
