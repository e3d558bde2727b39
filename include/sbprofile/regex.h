/**
 * @file sbprofile/regex.h
 * @brief Apple's SBPL regex dialect: checking a pattern and matching it against a subject.
 *
 * @defgroup regex Regular expressions
 * The dialect of `(regex ...)` filters: literal bytes, `.`, `[...]` and `[^...]` with ranges,
 * `*`, `+`, `?`, `|`, `( )` (an alternative may be empty, as in `(|_max)`), the anchors `^`
 * and `$`, and a backslash before a punctuation or non-ASCII byte, which stands for that
 * byte. Counted repetition `{m}`, `{m,}`, `{m,n}` (counts up to 255) is accepted but its
 * support by macOS is doubtful, so it is reported with ::SBP_REGEX_USES_BRACES.
 *
 * Rejected, with the column of the offending character: back-references (`\1`), class
 * escapes (`\d`, `\w`, `\s` and their capitals), word boundaries (`\b`, `\B`), any other
 * escaped letter or digit, lazy (`*?`) and possessive (`*+`) quantifiers, a quantifier after
 * a quantifier, `(?...)` groups (lookaround, `(?:`), POSIX bracket expressions (`[:alpha:]`),
 * a quantifier with nothing to repeat, unbalanced parentheses, an unterminated class, a range
 * out of order, a trailing backslash.
 *
 * Matching is a search: the pattern matches when it matches somewhere in the subject, unless
 * it anchors itself with `^` (offset 0 only) or `$` (the end of the subject only; a newline
 * is an ordinary byte). It works on bytes, whatever their value (0x00-0xff), with no locale
 * and no case folding; `.` matches every byte, newline and NUL included. Time is linear in
 * the subject (at most the program size per byte); nothing recurses.
 * @{
 */
#ifndef SBPROFILE_REGEX_H
#define SBPROFILE_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flag of sbp_regex_check(): the pattern uses counted repetition `{m,n}`, whose support by
 *  macOS is doubtful. */
#define SBP_REGEX_USES_BRACES 0x1u

/**
 * @brief Checks that a pattern is valid in the SBPL regex dialect.
 * @param[in] pattern the pattern's bytes; may be NULL when len is 0 (the empty pattern,
 *        which matches everything).
 * @param[in] len the pattern's length in bytes.
 * @param[in] alloc the allocator for the temporary compiled form; NULL for the default.
 * @param[out] flags receives the SBP_REGEX_* flags of the pattern; may be NULL.
 * @param[out] err on failure, the message and, for SBP_E_SYNTAX and SBP_E_LIMIT, the
 *        1-based column (byte offset + 1) in `column` and the byte offset in `offset`
 *        (`line` is 1); may be NULL.
 * @return SBP_OK; SBP_E_SYNTAX for a construct the dialect does not have or a malformed
 *         pattern; SBP_E_LIMIT for groups nested deeper than 256, a count above 255 or a
 *         compiled program above 16384 instructions; SBP_E_NOMEM; SBP_E_INVALID_ARG for a
 *         NULL pattern with a non-zero length or an incomplete allocator.
 * @since 0.1
 */
SBP_API int sbp_regex_check(const char *pattern, size_t len, const sbp_alloc *alloc,
                            uint32_t *flags, sbp_error *err);

/**
 * @brief Searches a subject for a match of a pattern.
 * @param[in] pattern the pattern's bytes; may be NULL when pattern_len is 0.
 * @param[in] pattern_len the pattern's length in bytes.
 * @param[in] subject the subject's bytes (any values); may be NULL when subject_len is 0.
 * @param[in] subject_len the subject's length in bytes.
 * @param[in] alloc the allocator for the compiled pattern; NULL for the default.
 * @param[out] matched receives 1 when the pattern matches somewhere in the subject, 0 when
 *        it does not; left at 0 on failure. Must not be NULL.
 * @param[out] err on failure, as for sbp_regex_check(); may be NULL.
 * @return SBP_OK (see `*matched`), or an error of sbp_regex_check(); SBP_E_INVALID_ARG also
 *         for a NULL matched or a NULL subject with a non-zero length.
 * @since 0.1
 */
SBP_API int sbp_regex_match(const char *pattern, size_t pattern_len, const char *subject,
                            size_t subject_len, const sbp_alloc *alloc, int *matched,
                            sbp_error *err);

/**
 * A compiled pattern, for matching one pattern against many subjects. Opaque. A search uses
 * scratch space inside the compiled pattern (so that it never allocates): use one compiled
 * pattern from one thread at a time, or compile one per thread.
 */
typedef struct sbp_regex sbp_regex;

/**
 * @brief Compiles a pattern for sbp_regex_search().
 * @param[in] pattern the pattern's bytes; may be NULL when len is 0.
 * @param[in] len the pattern's length in bytes.
 * @param[in] alloc the allocator for the compiled pattern, which must outlive it; NULL for
 *        the default.
 * @param[out] out receives the compiled pattern, NULL on failure. Caller owns it; free with
 *        sbp_regex_free().
 * @param[out] err on failure, as for sbp_regex_check(); may be NULL.
 * @return SBP_OK or an error of sbp_regex_check(); SBP_E_INVALID_ARG also for a NULL out.
 * @since 0.1
 */
SBP_API int sbp_regex_compile(const char *pattern, size_t len, const sbp_alloc *alloc,
                              sbp_regex **out, sbp_error *err);

/**
 * @brief Searches a subject with a compiled pattern. Does not allocate; time is linear in
 *        len. Not safe to call on the same re from two threads at once.
 * @param[in] re the compiled pattern.
 * @param[in] subject the subject's bytes; may be NULL when len is 0.
 * @param[in] len the subject's length in bytes.
 * @return 1 when the pattern matches somewhere in the subject, 0 when it does not (and for
 *         a NULL re, or a NULL subject with a non-zero len).
 * @since 0.1
 */
SBP_API int sbp_regex_search(const sbp_regex *re, const char *subject, size_t len);

/**
 * @brief The SBP_REGEX_* flags of a compiled pattern.
 * @param[in] re the compiled pattern; NULL gives 0.
 * @return The flags.
 * @since 0.1
 */
SBP_API uint32_t sbp_regex_flags(const sbp_regex *re);

/**
 * @brief Frees a compiled pattern.
 * @param[in] re the compiled pattern; NULL is ignored.
 * @since 0.1
 */
SBP_API void sbp_regex_free(sbp_regex *re);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* SBPROFILE_REGEX_H */
