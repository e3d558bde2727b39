/**
 * @file sbprofile.h
 * @brief sbprofile: build, read, check and render macOS Seatbelt sandbox profiles (SBPL).
 *
 * The umbrella header; it includes every module.
 *
 * Build, render, free:
 * @code
 *   sbp_profile *p;
 *   sbp_error err = SBP_ERROR_INIT;
 *   if (sbp_profile_new(&p, NULL) != SBP_OK) return 1;
 *   sbp_profile_set_version(p, 1, &err);
 *   sbp_add_default(p, SBP_DENY, NULL, &err);
 *   sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT,
 *                       "com.apple.SystemConfiguration.configd", 37, NULL, &err);
 *   sbp_buf out = SBP_BUF_INIT;
 *   if (sbp_serialize(p, NULL, &out, &err) == SBP_OK) fwrite(out.ptr, 1, out.len, stdout);
 *   sbp_buf_dispose(&out);
 *   sbp_profile_free(p);
 * @endcode
 */
#ifndef SBPROFILE_H
#define SBPROFILE_H

#include "sbprofile/export.h"
#include "sbprofile/version.h"
#include "sbprofile/common.h"
#include "sbprofile/profile.h"
#include "sbprofile/iter.h"
#include "sbprofile/build.h"
#include "sbprofile/regex.h"
#include "sbprofile/read.h"
#include "sbprofile/serialize.h"
#include "sbprofile/decide.h"
#include "sbprofile/denial.h"
#include "sbprofile/suggest.h"
#include "sbprofile/assert.h"
#include "sbprofile/format.h"
#include "sbprofile/catalog.h"
#include "sbprofile/lint.h"
#include "sbprofile/policy.h"

#endif /* SBPROFILE_H */
