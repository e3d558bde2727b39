/**
 * @file sbprofile/cmocka.h
 * @brief cmocka assertions over profiles, header-only: a failing assertion fails the running
 *        cmocka test with a message that quotes the deciding rule and its FILE:LINE:COL.
 *
 * @defgroup cmocka_asserts cmocka assertions
 * Include it after <cmocka.h> (which needs <stdarg.h>, <stddef.h> and <setjmp.h> first) and
 * link the test with sbprofile and cmocka. Strings are NUL-terminated here, for brevity:
 * @code
 *   assert_sbp_allows(profile, "mach-lookup", "com.apple.SystemConfiguration.configd");
 *   assert_sbp_denies(profile, "file-write-data", "/Users/me/.ssh/id_ed25519");
 *   assert_sbp_has_rule(profile, SBP_ALLOW, "mach-lookup", "global-name", "com.apple.x");
 * @endcode
 * A failure prints, e.g.:
 *   expected allow for mach-lookup global-name="com.apple.SystemConfiguration.configd", got
 *   deny by (deny default) at p.sb:2:1 [default rule]
 * @{
 */
#ifndef SBPROFILE_CMOCKA_H
#define SBPROFILE_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Reports a helper's outcome to cmocka: anything but SBP_OK fails the test at file:line. */
static inline void sbp_cmocka_check(int rc, const sbp_error *err, const char *file, int line) {
  if (rc == SBP_OK) return;
  if (rc == SBP_E_ASSERT) print_error("%s\n", err->message);
  else print_error("sbprofile: %s: %s\n", sbp_status_name(rc), err->message);
  _fail(file, line);
}

/** @internal */
static inline int sbp_cmocka_simple(const sbp_profile *p, int allow, const char *op,
                                    const char *target, sbp_error *err) {
  size_t tl = target ? strlen(target) : 0;
  return allow ? sbp_assert_allows_simple(p, op, strlen(op), target, tl, err)
               : sbp_assert_denies_simple(p, op, strlen(op), target, tl, err);
}

/** @internal */
static inline int sbp_cmocka_has_rule(const sbp_profile *p, sbp_action action, const char *op,
                                      const char *filter, const char *value, sbp_error *err) {
  return sbp_assert_has_rule(p, action, op, strlen(op), filter, filter ? strlen(filter) : 0,
                             value, value ? strlen(value) : 0, err);
}

/** Fails unless profile allows op on target (attribute as in sbp_request_set_simple()). */
#define assert_sbp_allows(profile, op, target)                                             \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_cmocka_simple((profile), 1, (op), (target), &sbp_e_);                \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

/** Fails unless profile denies op on target. */
#define assert_sbp_denies(profile, op, target)                                             \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_cmocka_simple((profile), 0, (op), (target), &sbp_e_);                \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

/** Fails unless profile allows the request (an sbp_request *). */
#define assert_sbp_allows_request(profile, request)                                        \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_assert_allows((profile), (request), &sbp_e_);                        \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

/** Fails unless profile denies the request. */
#define assert_sbp_denies_request(profile, request)                                        \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_assert_denies((profile), (request), &sbp_e_);                        \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

/** Fails unless the decider decides the request as expected (SBP_DECISION_*). */
#define assert_sbp_decision(decider, request, expected)                                    \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_assert_decision((decider), (request), (expected), &sbp_e_);          \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

/** Fails unless profile has an (ACTION OP (FILTER "VALUE")) rule; filter NULL: unfiltered. */
#define assert_sbp_has_rule(profile, action, op, filter, value)                            \
  do {                                                                                     \
    sbp_error sbp_e_ = SBP_ERROR_INIT;                                                     \
    int sbp_rc_ = sbp_cmocka_has_rule((profile), (action), (op), (filter), (value), &sbp_e_); \
    sbp_cmocka_check(sbp_rc_, &sbp_e_, __FILE__, __LINE__);                                \
  } while (0)

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_CMOCKA_H */
