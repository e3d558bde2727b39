/**
 * @file sbprofile/lint.h
 * @brief The linter: diagnostics on SBPL profiles, each with a stable code, a severity, a
 *        position, a message and, where there is one, a suggested fix.
 *
 * @defgroup lint Linting
 *
 * sbp_lint_text() reads a profile twice: as text (the reader's datum tree: raw strings that
 * hold `\"`, long literals, `(version 1)` and its place before imports, network hosts) and
 * as the evaluated profile (unknown names for the chosen macOS version, filters and modifiers
 * that do not apply, paths, regexes, rules that never decide, duplicates, the ordering trap
 * of unfiltered rules, defaults, broad grants, rule size, reads a rename can bypass).
 * sbp_lint_profile() runs the second half on a profile you already hold (a builder's).
 *
 * Every check has a stable code (`unknown-operation`, `shadowed-rule`, ...); the table of
 * checks is available at run time through sbp_lint_check_count() and friends and is printed
 * in the man page. Codes never change meaning once released; new ones are appended.
 *
 * @code
 *   sbp_lint_options o = SBP_LINT_OPTIONS_INIT;
 *   sbp_lint_result *r;
 *   if (sbp_lint_text(text, len, "p.sb", &o, NULL, &r, &err) == SBP_OK) {
 *     for (size_t i = 0; i < sbp_lint_count(r); i++) {
 *       const char *file; uint32_t line, col;
 *       sbp_lint_position(r, i, &file, &line, &col);
 *       printf("%s:%u:%u: %s: %s [%s]\n", file, line, col,
 *              sbp_lint_severity_name(sbp_lint_severity(r, i)), sbp_lint_message(r, i),
 *              sbp_lint_code(r, i));
 *     }
 *     sbp_lint_result_free(r);
 *   }
 * @endcode
 * @{
 */
#ifndef SBPROFILE_LINT_H
#define SBPROFILE_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/profile.h"
#include "sbprofile/read.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The diagnostics of one lint run. Opaque. */
typedef struct sbp_lint_result sbp_lint_result;

/** How serious a diagnostic is. */
typedef enum sbp_lint_severity_kind {
  SBP_LINT_NOTE = 1,    /**< worth a look; often intended */
  SBP_LINT_WARNING = 2, /**< probably not what the author meant */
  SBP_LINT_ERROR = 3    /**< the profile fails, or a rule cannot work, on the target */
} sbp_lint_severity_kind;

/** Layout version of sbp_lint_options. */
#define SBP_LINT_OPTIONS_VERSION 1u

/** Flags of sbp_lint_options.flags. */
typedef enum sbp_lint_flag {
  /** Leave out notes. */
  SBP_LINT_NO_NOTES = 1u << 0
} sbp_lint_flag;

/** Lint options. Initialise with SBP_LINT_OPTIONS_INIT. */
typedef struct sbp_lint_options {
  uint32_t version;       /**< SBP_LINT_OPTIONS_VERSION */
  uint32_t macos;         /**< target macOS version, SBP_MACOS_VERSION(14,4,1); 0: newest */
  uint32_t flags;         /**< sbp_lint_flag bits */
  /** How to evaluate the text (parameters, imports, limits); NULL: parameters without a
   *  value stay symbolic and imports that cannot be found are kept, so that a profile lints
   *  without its runtime values. Borrowed for the call. */
  const sbp_read_options *read;
} sbp_lint_options;

/** Initialiser: newest macOS, every severity, default evaluation. */
#define SBP_LINT_OPTIONS_INIT {SBP_LINT_OPTIONS_VERSION, 0u, 0u, NULL}

/**
 * @brief Lints SBPL text: datum-level checks on the text, then evaluation and the profile
 *        checks. A text that does not read or evaluate is not a failure of this call: the
 *        reason becomes a diagnostic with code `syntax-error` or `eval-error` and
 *        sbp_lint_evaluated() returns 0.
 * @param[in] text the profile (need not be NUL-terminated); NULL only when len is 0.
 * @param[in] len its length in bytes.
 * @param[in] file the name used in positions; may be NULL.
 * @param[in] opts options; NULL means SBP_LINT_OPTIONS_INIT.
 * @param[in] alloc allocator for everything; NULL means sbp_alloc_default().
 * @param[out] out receives the result. Caller owns it; free with sbp_lint_result_free().
 *        NULL on failure.
 * @param[out] err details on failure; may be NULL.
 * @return SBP_OK; SBP_E_INVALID_ARG (out NULL, text NULL with len > 0, bad options version,
 *         a macOS version the catalog cannot target, read options the evaluator rejects);
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_lint_text(const char *text, size_t len, const char *file,
                          const sbp_lint_options *opts, const sbp_alloc *alloc,
                          sbp_lint_result **out, sbp_error *err);

/**
 * @brief As sbp_lint_text(), over several texts evaluated as one profile, in order (as
 *        Chromium prepends common.sb). Datum-level checks run on each text; the `(version 1)`
 *        checks look at them as one. A text without `(version 1)` gets a `missing-version`
 *        error and is then checked as if it began with it (fragments are linted too).
 * @param[in] sources the texts; nsources of them (at least one).
 * @return As sbp_lint_text().
 * @since 0.1
 */
SBP_API int sbp_lint_sources(const sbp_source *sources, size_t nsources,
                             const sbp_lint_options *opts, const sbp_alloc *alloc,
                             sbp_lint_result **out, sbp_error *err);

/**
 * @brief Runs the profile checks on a profile already built or read (no datum-level checks:
 *        there is no text). Positions are the rules' (0 for rules without one).
 * @param[in] profile the profile; borrowed for the call.
 * @param[in] opts options (its `read` field is ignored); NULL means SBP_LINT_OPTIONS_INIT.
 * @param[out] out receives the result; caller owns it (sbp_lint_result_free()).
 * @return SBP_OK; SBP_E_INVALID_ARG; SBP_E_INVALID_TREE (a malformed rule); SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_lint_profile(const sbp_profile *profile, const sbp_lint_options *opts,
                             sbp_lint_result **out, sbp_error *err);

/** @brief Frees a result; NULL is ignored. @since 0.1 */
SBP_API void sbp_lint_result_free(sbp_lint_result *result);

/** @brief The number of diagnostics (0 for NULL). They are sorted by file, line, column. @since 0.1 */
SBP_API size_t sbp_lint_count(const sbp_lint_result *result);

/**
 * @brief 1 when the text read and evaluated as libsandbox would take it, 0 when it did not
 *        (a `syntax-error`, `eval-error`, `missing-version` or `missing-import` diagnostic
 *        says why) or for NULL. A text that lacks only `(version 1)` is still evaluated with
 *        the version assumed, and one with an import that cannot be found with the import
 *        kept, so its profile checks run, but this returns 0.
 * @since 0.1
 */
SBP_API int sbp_lint_evaluated(const sbp_lint_result *result);

/**
 * @brief The number of diagnostics of a severity or worse.
 * @param[in] severity an sbp_lint_severity_kind.
 * @since 0.1
 */
SBP_API size_t sbp_lint_count_at_least(const sbp_lint_result *result, int severity);

/** @brief The i-th diagnostic's code ("unknown-operation"); static; NULL past the end. @since 0.1 */
SBP_API const char *sbp_lint_code(const sbp_lint_result *result, size_t i);
/** @brief Its severity (an sbp_lint_severity_kind); 0 past the end. @since 0.1 */
SBP_API int sbp_lint_severity(const sbp_lint_result *result, size_t i);
/** @brief Its message; borrowed, valid until the result is freed; NULL past the end. @since 0.1 */
SBP_API const char *sbp_lint_message(const sbp_lint_result *result, size_t i);
/**
 * @brief Its suggested fix (replacement text or the rule to add), or NULL when it has none.
 * @return Borrowed, valid until the result is freed.
 * @since 0.1
 */
SBP_API const char *sbp_lint_fix(const sbp_lint_result *result, size_t i);
/**
 * @brief Its position: file (borrowed; may be NULL), 1-based line and column in bytes (0 when
 *        unknown). Any out-parameter may be NULL. Sets nothing past the end.
 * @since 0.1
 */
SBP_API void sbp_lint_position(const sbp_lint_result *result, size_t i, const char **file,
                               uint32_t *line, uint32_t *column);

/** @brief "note", "warning" or "error"; "unknown" for other values. Static. @since 0.1 */
SBP_API const char *sbp_lint_severity_name(int severity);

/** @brief How many checks the linter has. @since 0.1 */
SBP_API size_t sbp_lint_check_count(void);
/** @brief The i-th check's code, in table order; static; NULL past the end. @since 0.1 */
SBP_API const char *sbp_lint_check_code(size_t i);
/** @brief The i-th check's usual severity (an sbp_lint_severity_kind); 0 past the end. @since 0.1 */
SBP_API int sbp_lint_check_severity(size_t i);
/** @brief The i-th check's one-line summary; static; NULL past the end. @since 0.1 */
SBP_API const char *sbp_lint_check_summary(size_t i);

/**
 * @brief Finds where a string literal is written inside the form that starts at line:column
 *        of a text (a rule's position): the first `"..."` or `#"..."` in that form whose
 *        bytes, after the reader's escapes, equal value. Rules keep the position of their
 *        form only; this gives a value's own, for messages that point at it.
 * @param[in] text the text; @param[in] len its length.
 * @param[in] line, column the form's position (1-based; the column counts bytes) where a
 *        `(` stands.
 * @param[in] value the string's bytes; @param[in] value_len their length.
 * @param[out] out_line, out_column receive the position of the literal's first byte (its
 *        `"` or `#`); either may be NULL.
 * @return SBP_OK; SBP_E_NOT_FOUND (no `(` at the position, or no such literal in the form);
 *         SBP_E_INVALID_ARG (text or value NULL, line 0).
 * @since 0.1
 */
SBP_API int sbp_lint_locate_string(const char *text, size_t len, uint32_t line,
                                   uint32_t column, const char *value, size_t value_len,
                                   uint32_t *out_line, uint32_t *out_column);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_LINT_H */
