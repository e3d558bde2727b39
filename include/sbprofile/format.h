/**
 * @file sbprofile/format.h
 * @brief Canonical layout of SBPL text, keeping comments and literal spellings.
 *
 * @defgroup format Formatting
 * sbp_format() reads SBPL text and prints it again with canonical indentation. Everything
 * that carries meaning is kept as written: strings (raw `#"..."` strings stay raw, escapes
 * stay as they were), the spelling of numbers and characters, and every `;` and `#!`
 * comment. Blank lines between forms are kept (several become one). Reading the output
 * gives the same datums as reading the input, and formatting the output again changes
 * nothing.
 * @{
 */
#ifndef SBPROFILE_FORMAT_H
#define SBPROFILE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"
#include "sbprofile/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Layout version of sbp_format_options; SBP_FORMAT_OPTIONS_INIT sets it. */
#define SBP_FORMAT_OPTIONS_VERSION 1u

/**
 * Options of sbp_format(). Initialise with SBP_FORMAT_OPTIONS_INIT, then change fields.
 * New fields are only appended, after checking `version`.
 */
typedef struct sbp_format_options {
  uint32_t version;   /**< SBP_FORMAT_OPTIONS_VERSION */
  uint32_t indent;    /**< spaces per nesting level, 0 to 16; default 2 */
  uint32_t max_width; /**< the line width a form is kept within when it can be, at least
                           20; default 100. Lines may run longer when a single token, or
                           a form's head and first token, is longer. */
} sbp_format_options;

/** Initialiser with the defaults: `sbp_format_options o = SBP_FORMAT_OPTIONS_INIT;` */
#define SBP_FORMAT_OPTIONS_INIT {SBP_FORMAT_OPTIONS_VERSION, 2u, 100u}

/**
 * @brief Reads SBPL text and prints it with canonical indentation.
 *
 * Lists that fit within the width stay on one line; others put their head (and, after a
 * symbol head, the atoms that follow it while they fit) on the first line and every further
 * element on its own line, indented one level. After `define`, `lambda`, `let`, `let*`,
 * `letrec`, `letrec*`, `if`, `when`, `unless`, `case` and `set!` the first argument stays on
 * the head's line. A list that holds a comment, a multi-line string or a blank line is never
 * put on one line. Trailing comments stay at the end of their line; comments on their own
 * line stay on their own line. Trailing blanks of comments are dropped. Output lines end
 * with LF; a non-empty output ends with one.
 *
 * @param[in] text the SBPL text; need not be NUL-terminated; NULL only when len is 0.
 * @param[in] len its length in bytes.
 * @param[in] file the file name that error positions name; NULL for none. Borrowed.
 * @param[in] opts layout options; NULL for the defaults (SBP_FORMAT_OPTIONS_INIT).
 * @param[in] alloc the allocator for all memory used, and the one @p out remembers; NULL for
 *            sbp_alloc_default().
 * @param[out] out receives the formatted text, replacing what it held, on success only;
 *             caller owns it; release with sbp_buf_dispose().
 * @param[out] err details on failure, with file, line and column for reading errors; may be
 *             NULL.
 * @return SBP_OK; SBP_E_SYNTAX when the text does not read (see the reader's rules);
 *         SBP_E_LIMIT past the reader's limits (nesting 10,000, 1 MiB per string or symbol,
 *         10,000,000 datums); SBP_E_INVALID_ARG for a NULL @p out, NULL @p text with a
 *         non-zero @p len, an unknown options version, options out of range or an
 *         incomplete allocator; SBP_E_NOMEM.
 * @since 0.1
 */
SBP_API int sbp_format(const char *text, size_t len, const char *file,
                       const sbp_format_options *opts, const sbp_alloc *alloc, sbp_buf *out,
                       sbp_error *err);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SBPROFILE_FORMAT_H */
