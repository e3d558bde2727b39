/**
 * @file sbprofile/denial.h
 * @brief Reading sandbox violation reports out of logs: the kernel's `Sandbox:` lines in
 *        every shape `log show` / `log stream` print them, and the lines sandbox wrappers
 *        collect.
 *
 * @defgroup denial Denial reports
 *
 * The forms read, each with the public material it was written from (docs/suggest.md has
 * the samples):
 *  - **kernel** (SBP_DENIAL_FORM_KERNEL): `Sandbox: NAME(PID) deny(N) OPERATION [TARGET]`,
 *    alone or at the end of a line of `log show` / `log stream` output in the `default`,
 *    `compact` and `syslog` styles, which prefix the message with a timestamp, thread, type,
 *    activity, pid and TTL (default), a short type and `PROCESS[PID:TID]` (compact) or
 *    `HOST PROCESS[PID]:` (syslog), and may put `(Sandbox) ` before it. Sources: the log
 *    lines in NixOS/nixpkgs#345333 (`log stream`, default style); the syslog and default
 *    layouts described by eclecticlight.co "Unified log structure and available data"
 *    (2022-08-26); sandbox-runtime (npm @anthropic-ai/sandbox-runtime) runs
 *    `log stream --style compact` and takes the text after `Sandbox:`.
 *    A `System Policy: ` between the process and the action marks a report of the platform
 *    policy rather than the process's profile (hishamhm/htop#449:
 *    `Sandbox: htop(51550) System Policy: allow(0) mach-priv-task-port`).
 *  - **duplicates**: `K duplicate report(s) for Sandbox: NAME(PID) deny(N) ...`, also in the
 *    form `Sandbox: K duplicate report for NAME deny(N) ...` without a pid
 *    (NixOS/nixpkgs#345333, xerpi/vita-udcd-uvc#4). repeats is K.
 *  - **allow reports**: `allow(N)` instead of `deny(N)`, written for rules with the `report`
 *    modifier (`(allow ... (with report))`); action is SBP_ALLOW.
 *  - **json** (SBP_DENIAL_FORM_JSON): `log show --style json` (one object per entry, over
 *    several lines) and `--style ndjson` (one object a line); the report is the
 *    `"eventMessage"` string, JSON-escaped (field names: eclecticlight.co, above;
 *    trpc-group/trpc-agent-go#2422 reads `log stream --style ndjson` for Seatbelt denials).
 *  - **wrapper** (SBP_DENIAL_FORM_WRAPPER): `NAME(PID) deny(N) OPERATION TARGET`, the text
 *    after `Sandbox: ` that sandbox-runtime keeps, one a line in the `<sandbox_violations>`
 *    block it appends to a failed command's stderr. The block's tags are skipped.
 *  - **message tags**: a rule `(deny ... (with message "TAG"))` makes the kernel add TAG to
 *    the report; sandbox-runtime tags its rules so and reads the tag as the line after the
 *    report. A single word on the line right after a report (or after the newline inside a
 *    JSON eventMessage) is taken as its message.
 *
 * Hostile input is expected: lines longer than the limit, NUL bytes, control characters and
 * invalid UTF-8 in a report make that line count as skipped; nothing is fatal but running
 * out of memory. Lines that mention no report at all are counted as other lines.
 * @{
 */
#ifndef SBPROFILE_DENIAL_H
#define SBPROFILE_DENIAL_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a report was found. */
typedef enum sbp_denial_form {
  SBP_DENIAL_FORM_KERNEL = 1,  /**< a `Sandbox:` line (bare or in a text log style) */
  SBP_DENIAL_FORM_JSON = 2,    /**< the eventMessage of a json or ndjson log entry */
  SBP_DENIAL_FORM_WRAPPER = 3  /**< a bare `NAME(PID) deny(N) ...` line (sandbox wrappers) */
} sbp_denial_form;

/** Layout version of sbp_denial. */
#define SBP_DENIAL_VERSION 1u

/**
 * One report. Every string is NUL-terminated, valid UTF-8 without control characters, and
 * borrowed from the sbp_denial_log that holds it.
 */
typedef struct sbp_denial {
  uint32_t version;      /**< SBP_DENIAL_VERSION */
  int form;              /**< an sbp_denial_form */
  int action;            /**< SBP_DENY or SBP_ALLOW (see sbp_action) */
  int system_policy;     /**< 1 when the report says `System Policy:` */
  uint32_t source;       /**< 0-based index of the text (sbp_denial_log_add() call) */
  uint32_t line;         /**< 1-based line in that text */
  int64_t pid;           /**< the process id; -1 when the report names none */
  uint64_t number;       /**< N of deny(N) / allow(N) */
  uint64_t repeats;      /**< 1, or K of "K duplicate reports for" */
  const char *process;   /**< the process name (may be empty) */
  const char *operation; /**< the operation, e.g. "mach-lookup" */
  const char *target;    /**< the rest of the report, e.g. a path; "" when none */
  const char *message;   /**< the `(with message ...)` tag; NULL when none */
} sbp_denial;

/** Reports read from one or more texts. Opaque. */
typedef struct sbp_denial_log sbp_denial_log;

/** Layout version of sbp_denial_options. */
#define SBP_DENIAL_OPTIONS_VERSION 1u

/** Limits of the parser. Initialise with SBP_DENIAL_OPTIONS_INIT. */
typedef struct sbp_denial_options {
  uint32_t version;  /**< SBP_DENIAL_OPTIONS_VERSION */
  size_t max_line;   /**< longer lines are skipped [65,536 bytes] */
  size_t max_reports;/**< more reports end parsing with SBP_E_LIMIT [16,777,216] */
} sbp_denial_options;

/** Initialiser: default limits. */
#define SBP_DENIAL_OPTIONS_INIT {SBP_DENIAL_OPTIONS_VERSION, 0, 0}

/**
 * @brief Makes an empty log.
 * @param[out] out receives it; caller owns it (sbp_denial_log_free()).
 * @param[in] opts limits; NULL means SBP_DENIAL_OPTIONS_INIT. Copied.
 * @param[in] alloc allocator; NULL means sbp_alloc_default(). Copied.
 * @return SBP_OK; SBP_E_INVALID_ARG (NULL out, bad options version, incomplete allocator);
 *         SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_denial_log_new(sbp_denial_log **out, const sbp_denial_options *opts,
                               const sbp_alloc *alloc, sbp_error *err);

/**
 * @brief Reads the reports of one text (a log file, a captured stderr) and appends them.
 *        Lines end with LF, CRLF or CR; the text need not be NUL-terminated.
 * @return SBP_OK (also when nothing was found); SBP_E_INVALID_ARG (NULL log, NULL text with
 *         len > 0); SBP_E_LIMIT (max_reports reached; the reports before stay);
 *         SBP_E_NOMEM (the log keeps the reports of earlier texts and of this one up to
 *         the failure).
 * @since 0.1
 */
SBP_API int sbp_denial_log_add(sbp_denial_log *log, const char *text, size_t len,
                               sbp_error *err);

/**
 * @brief sbp_denial_log_new() and sbp_denial_log_add() in one call.
 * @return As those two; *out is NULL on failure.
 * @since 0.1
 */
SBP_API int sbp_denial_parse(sbp_denial_log **out, const char *text, size_t len,
                             const sbp_denial_options *opts, const sbp_alloc *alloc,
                             sbp_error *err);

/** @brief Frees a log and its strings; NULL is ignored. @since 0.1 */
SBP_API void sbp_denial_log_free(sbp_denial_log *log);

/** @brief How many reports the log holds; 0 for NULL. @since 0.1 */
SBP_API size_t sbp_denial_log_count(const sbp_denial_log *log);

/** @brief The i-th report, in input order (borrowed); NULL past the end. @since 0.1 */
SBP_API const sbp_denial *sbp_denial_log_at(const sbp_denial_log *log, size_t i);

/** @brief Lines that mention a report but could not be read (counted, skipped). @since 0.1 */
SBP_API size_t sbp_denial_log_skipped(const sbp_denial_log *log);

/**
 * @brief The first skipped line: its text index and 1-based line, and why.
 * @param[out] source, line may be NULL. @return A static reason, or NULL when none was skipped.
 * @since 0.1
 */
SBP_API const char *sbp_denial_log_first_skipped(const sbp_denial_log *log, uint32_t *source,
                                                 uint32_t *line);

/** @brief Lines read in all, and lines that mention no report. @since 0.1 */
SBP_API size_t sbp_denial_log_lines(const sbp_denial_log *log, size_t *other);

/** @brief "kernel", "json", "wrapper"; NULL for another value. @since 0.1 */
SBP_API const char *sbp_denial_form_name(int form);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_DENIAL_H */
