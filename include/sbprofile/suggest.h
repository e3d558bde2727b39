/**
 * @file sbprofile/suggest.h
 * @brief From denial reports to rules (audit2allow for Seatbelt): the filter each denied
 *        request needs, what the profile decides today, where a new rule takes effect,
 *        which grants are risky, and a check through the decision engine that the patched
 *        profile allows what was denied and changes nothing else.
 *
 * @defgroup suggest Suggesting rules
 *
 * Each distinct (action, operation, target) of the reports is one *request*. A denied
 * request whose target maps to a filter (docs/suggest.md has the table) gets a *rule*
 * `(allow OP FILTER)`; with SBP_SUGGEST_COLLAPSE, two or more files denied in one directory
 * for one operation share `(allow OP (subpath DIR))`. Paths take their /private spelling
 * (/tmp, /var, /etc), as the kernel reports and matches resolved paths.
 *
 * Given the profile (sbp_suggest_options.profile), every request is decided against it:
 * the denying rule is named; a request the profile already allows is reported, since its
 * denial came from elsewhere (platform policy, another profile version); each new rule is
 * placed in the text right after the rule that denied it, else at the end; the patched text
 * is read again and every request decided anew.
 * @code
 *   sbp_denial_log *log; sbp_suggestion *s; sbp_buf out = SBP_BUF_INIT;
 *   sbp_denial_parse(&log, text, len, NULL, NULL, &err);
 *   sbp_suggest(&s, log, NULL, NULL, &err);
 *   sbp_suggestion_format(s, &out, &err);    // SBPL with a comment per rule
 *   sbp_suggestion_free(s); sbp_denial_log_free(log);
 * @endcode
 * @{
 */
#ifndef SBPROFILE_SUGGEST_H
#define SBPROFILE_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/denial.h"
#include "sbprofile/read.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A suggestion: requests, rules and the patched profile. Opaque. */
typedef struct sbp_suggestion sbp_suggestion;

/** Flags of sbp_suggest_options.flags. */
typedef enum sbp_suggest_flag {
  /** Files denied in one directory for one operation (two or more) share a subpath rule. */
  SBP_SUGGEST_COLLAPSE = 1u << 0,
  /** Risky rules go into the patched profile too (without it they are only reported). */
  SBP_SUGGEST_ALLOW_RISKY = 1u << 1
} sbp_suggest_flag;

/** Layout version of sbp_suggest_options. */
#define SBP_SUGGEST_OPTIONS_VERSION 1u

/** Options. Initialise with SBP_SUGGEST_OPTIONS_INIT. */
typedef struct sbp_suggest_options {
  uint32_t version;               /**< SBP_SUGGEST_OPTIONS_VERSION */
  uint32_t flags;                 /**< sbp_suggest_flag bits */
  uint32_t macos;                 /**< catalog version; 0: newest */
  const char *workspace;          /**< writes below this directory are not risky; NULL:
                                       only temporary folders are safe to write */
  const sbp_source *profile;      /**< the profile text to decide against and patch; NULL:
                                       rules only */
  const sbp_read_options *read;   /**< how to read it (parameters, imports); NULL: defaults */
} sbp_suggest_options;

/** Initialiser: no flags, newest catalog, no workspace, no profile. */
#define SBP_SUGGEST_OPTIONS_INIT {SBP_SUGGEST_OPTIONS_VERSION, 0u, 0u, NULL, NULL, NULL}

/** What became of a request. */
typedef enum sbp_suggest_status {
  SBP_SUGGEST_NEW_RULE = 1,        /**< a rule allows it (sbp_suggest_request.rule) */
  SBP_SUGGEST_ALREADY_ALLOWED = 2, /**< the profile allows it: the denial came from elsewhere */
  SBP_SUGGEST_UNMAPPABLE = 3,      /**< no filter says it (reason) */
  SBP_SUGGEST_REPORTED_ALLOW = 4,  /**< an allow(N) report of a `(with report)` rule */
  SBP_SUGGEST_PLATFORM = 5         /**< a `System Policy:` report: not the profile's doing */
} sbp_suggest_status;

/** Layout version of the two view structs below. */
#define SBP_SUGGEST_VIEW_VERSION 1u

/** One request. Strings are borrowed from the suggestion; NULL when absent. */
typedef struct sbp_suggest_request {
  uint32_t version;        /**< SBP_SUGGEST_VIEW_VERSION */
  int status;              /**< an sbp_suggest_status */
  int action;              /**< SBP_DENY or SBP_ALLOW, as reported */
  const char *operation;   /**< as reported */
  const char *target;      /**< as reported ("" when none) */
  const char *processes;   /**< "uv(4242), uvx(4250)": 8 at most, then "and N more reports" */
  uint64_t count;          /**< reports, duplicates included */
  const char *message;     /**< the first `(with message ...)` tag seen */
  const char *reason;      /**< why unmappable; or a caveat (network host, signal pid) */
  size_t rule;             /**< index of its rule; SIZE_MAX when none */
  int decision;            /**< with a profile: its sbp_decision_result_kind; else 0 */
  const char *decided_by;  /**< with a profile: the deciding rule's text, or the step
                                that decided when no rule did ("terminal operation") */
  const char *decided_at;  /**< with a profile: "FILE:LINE:COL" of that rule */
} sbp_suggest_request;

/** One rule. Strings are borrowed from the suggestion; NULL when absent. */
typedef struct sbp_suggest_rule {
  uint32_t version;        /**< SBP_SUGGEST_VIEW_VERSION */
  const char *operation;
  const char *text;        /**< `(allow OP FILTER)`, one line */
  const char *comment;     /**< who was denied, how often, and why: one line, no `;` */
  const char *note;        /**< the catalog's service note (what it gives, what breaks) */
  const char *risk;        /**< why the grant is risky; NULL when it is not */
  const char *after;       /**< "FILE:LINE:COL" of the rule it is placed after; NULL: end */
  int applied;             /**< 1 when it is in the patched profile */
} sbp_suggest_rule;

/**
 * @brief Makes the suggestion for the reports of a log.
 * @param[out] out receives it; caller owns it (sbp_suggestion_free()).
 * @param[in] log the reports; only read, and not needed afterwards.
 * @param[in] opts options; NULL means SBP_SUGGEST_OPTIONS_INIT. The profile and read options
 *        are used during the call only.
 * @param[out] err details on failure (for a profile that does not read: its position).
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL out or log, bad options version); the statuses of
 *         sbp_profile_read() and sbp_decider_new() for the profile (SBP_E_SYNTAX, SBP_E_EVAL,
 *         SBP_E_LIMIT, SBP_E_NOT_FOUND, SBP_E_IO, SBP_E_INVALID_TREE); SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_suggest(sbp_suggestion **out, const sbp_denial_log *log,
                        const sbp_suggest_options *opts, const sbp_alloc *alloc,
                        sbp_error *err);

/** @brief Frees a suggestion; NULL is ignored. @since 0.1 */
SBP_API void sbp_suggestion_free(sbp_suggestion *s);

/** @brief How many requests (distinct reports); 0 for NULL. @since 0.1 */
SBP_API size_t sbp_suggestion_request_count(const sbp_suggestion *s);
/**
 * @brief Fills *out with the i-th request (operation order, then target).
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL argument, i out of range).
 * @since 0.1
 */
SBP_API int sbp_suggestion_request(const sbp_suggestion *s, size_t i, sbp_suggest_request *out);
/** @brief How many rules; 0 for NULL. @since 0.1 */
SBP_API size_t sbp_suggestion_rule_count(const sbp_suggestion *s);
/**
 * @brief Fills *out with the i-th rule (grouped by operation).
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL argument, i out of range).
 * @since 0.1
 */
SBP_API int sbp_suggestion_rule(const sbp_suggestion *s, size_t i, sbp_suggest_rule *out);
/** @brief Rules flagged risky. @since 0.1 */
SBP_API size_t sbp_suggestion_risky_count(const sbp_suggestion *s);

/**
 * @brief The report as text: the rules as SBPL, grouped by operation, each after a comment
 *        (processes, count, service note, risk, placement), then the requests that need no
 *        rule or cannot have one, with the reason, as comments.
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK; SBP_E_INVALID_ARG; SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_suggestion_format(const sbp_suggestion *s, sbp_buf *out, sbp_error *err);

/**
 * @brief The whole patched profile (the profile's text with the applied rules inserted).
 * @param[out] out receives the text; dispose with sbp_buf_dispose().
 * @return SBP_OK; SBP_E_NOT_FOUND (no profile was given); SBP_E_INVALID_ARG; SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_suggestion_profile(const sbp_suggestion *s, sbp_buf *out, sbp_error *err);

/**
 * @brief What the check of the patched profile found.
 * @param[out] still_denied receives how many suggested requests it does not allow; may be NULL.
 * @param[out] other_changes receives how many other requests it decides differently (the
 *             requests the profile's rules name, under the new rules' operations, and each
 *             collapsed directory); may be NULL.
 * @param[out] text receives one line per finding (`still denied: OP TARGET`,
 *             `also changes: OP VALUE: deny -> allow`); may be NULL. Borrowed.
 * @return 1 when a profile was given and checked, 0 otherwise.
 * @since 0.1
 */
SBP_API int sbp_suggestion_verified(const sbp_suggestion *s, size_t *still_denied,
                                    size_t *other_changes, const char **text);

/** @brief A static name of a status: "new-rule", "already-allowed", ...; NULL if unknown. @since 0.1 */
SBP_API const char *sbp_suggest_status_name(int status);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_SUGGEST_H */
