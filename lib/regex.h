/* Apple's regex dialect (semantics.md section 6): literal bytes, '.', [...], [^...], '*', '+',
 * '?', '|', '( )', '^', '$', backslash escapes of one byte; no back-references, no \d-style
 * classes, no lazy quantifiers, no lookaround. {m,n} is accepted but flagged doubtful.
 * Matching is a search (unanchored unless the pattern anchors), byte-wise, locale-free, in
 * time linear in the input, with no recursion that grows with the input. */
#ifndef SBP_LIB_REGEX_H
#define SBP_LIB_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

typedef struct sbp__regex sbp__regex;

/* Features of doubtful support that a compiled pattern uses. */
#define SBP__RE_USES_BRACES 0x1u /* {m,n} */

/* Compiles pattern[0..len). SBP_E_SYNTAX with the 1-based column (byte offset + 1) of the
 * offending character in err->column and a message naming the feature ("back-references are
 * not supported", "unbalanced '('", ...); SBP_E_LIMIT when the program would be too large;
 * SBP_E_NOMEM. */
int sbp__regex_compile(const sbp_alloc *alloc, const char *pattern, size_t len,
                       sbp__regex **out, sbp_error *err);
/* 1 when the pattern matches somewhere in s[0..len), 0 otherwise. */
int sbp__regex_search(const sbp__regex *re, const char *s, size_t len);
/* SBP__RE_* flags of the pattern. */
uint32_t sbp__regex_flags(const sbp__regex *re);
void sbp__regex_free(sbp__regex *re);

/* Thread use: sbp__regex_search keeps its state sets and its DFA cache in scratch space
 * inside the compiled regex (sized at compile time, so a search never allocates). A compiled
 * regex is therefore used by one thread at a time. Callers that share one across threads give
 * each search its own scratch instead: sbp__regex_scratch_size(re) bytes, any contents,
 * aligned for uint32_t (it is cleared on each call, so the DFA cache starts cold). */
size_t sbp__regex_scratch_size(const sbp__regex *re);
int sbp__regex_search_scratch(const sbp__regex *re, void *scratch, const char *s, size_t len);
/* A lean regex: as sbp__regex_compile, but the compiled object holds no DFA cache, only the
 * program and the NFA's state sets, so it takes memory in proportion to the pattern (a few
 * hundred bytes for a path pattern instead of about 12 KiB). Its cache, sized by the program,
 * is the caller's: sbp__regex_scratch_size(re) bytes, zeroed before the first search and then
 * given to every sbp__regex_search_cache on this regex (and no other), which keeps the DFA
 * states built there from one search to the next. sbp__regex_search on a lean regex
 * simulates the NFA instead (same answers, slower); the other functions work as usual. */
int sbp__regex_compile_lean(const sbp_alloc *alloc, const char *pattern, size_t len,
                            sbp__regex **out, sbp_error *err);
/* Searches with the caller's cache described above (NULL: as sbp__regex_search). Never
 * allocates. */
int sbp__regex_search_cache(const sbp__regex *re, void *cache, const char *s, size_t len);
/* As sbp__regex_search, by simulating the NFA without the DFA cache (a reference for tests;
 * slower). */
int sbp__regex_search_nfa(const sbp__regex *re, const char *s, size_t len);

#endif
