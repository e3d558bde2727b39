/**
 * @file sbprofile/assert.h
 * @brief Assertion helpers for test fixtures: structural (the profile has such a rule) and
 *        semantic (the profile allows or denies such a request).
 *
 * @defgroup assert Assertion helpers
 * Each helper returns SBP_OK when the assertion holds and SBP_E_ASSERT when it does not; in
 * both cases err (when not NULL) receives a message that quotes the deciding (or found) rule
 * and its position, and err->file, line and column hold that position when the rule has one.
 * Other codes (SBP_E_INVALID_ARG, SBP_E_NOMEM, ...) mean the question could not be asked.
 * include/sbprofile/cmocka.h wraps them as cmocka assertions.
 * @{
 */
#ifndef SBPROFILE_ASSERT_H
#define SBPROFILE_ASSERT_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/decide.h"
#include "sbprofile/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Asserts that a decider's decision for a request is `expected`.
 * @param[in] decider the compiled profile.
 * @param[in] request the request.
 * @param[in] expected SBP_DECISION_ALLOW, SBP_DECISION_DENY or SBP_DECISION_UNKNOWN.
 * @param[out] err the message, e.g. `expected allow for mach-lookup global-name="x", got deny
 *        by (deny default) at p.sb:2:1 [default rule]`; may be NULL.
 * @return SBP_OK, SBP_E_ASSERT, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_assert_decision(const sbp_decider *decider, const sbp_request *request,
                                int expected, sbp_error *err);

/**
 * @brief Asserts that a profile allows a request (compiles the profile for this one call).
 * @return As sbp_assert_decision(); also the codes of sbp_decider_new().
 * @since 0.1
 */
SBP_API int sbp_assert_allows(const sbp_profile *profile, const sbp_request *request,
                              sbp_error *err);

/** @brief As sbp_assert_allows(), for deny. @since 0.1 */
SBP_API int sbp_assert_denies(const sbp_profile *profile, const sbp_request *request,
                              sbp_error *err);

/**
 * @brief Asserts that a profile allows op on target, the target's attribute following from
 *        the operation as in sbp_request_set_simple().
 * @return As sbp_assert_allows().
 * @since 0.1
 */
SBP_API int sbp_assert_allows_simple(const sbp_profile *profile, const char *op, size_t op_len,
                                     const char *target, size_t target_len, sbp_error *err);

/** @brief As sbp_assert_allows_simple(), for deny. @since 0.1 */
SBP_API int sbp_assert_denies_simple(const sbp_profile *profile, const char *op, size_t op_len,
                                     const char *target, size_t target_len, sbp_error *err);

/**
 * @brief Structural: asserts that the profile has a rule with that action on that operation
 *        (aliases resolved; not its wildcard parents) with a filter of that spelling (literal
 *        and path count as one, and so on) anywhere in its filter holding that value (the text
 *        of a string, regex or constant, or an integer in decimal).
 * @param[in] action SBP_ALLOW or SBP_DENY.
 * @param[in] filter the filter spelling; NULL (len 0) for a rule without filter.
 * @param[in] value the value; ignored when filter is NULL.
 * @return SBP_OK (err names the last such rule), SBP_E_ASSERT (err says what is missing and
 *         quotes the first rule that mentions the value, if any), SBP_E_INVALID_ARG.
 * @since 0.1
 */
SBP_API int sbp_assert_has_rule(const sbp_profile *profile, sbp_action action, const char *op,
                                size_t op_len, const char *filter, size_t filter_len,
                                const char *value, size_t value_len, sbp_error *err);

/**
 * @brief Lists the rules that mention a value (any filter value with that text), one a line:
 *        `FILE:LINE:COL: (rule text)`.
 * @param[out] out receives the lines (empty text when none); dispose with sbp_buf_dispose().
 * @param[out] count receives the number of rules; may be NULL.
 * @return SBP_OK, SBP_E_INVALID_ARG, SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_profile_rules_mentioning(const sbp_profile *profile, const char *value,
                                         size_t value_len, sbp_buf *out, size_t *count,
                                         sbp_error *err);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_ASSERT_H */
