/* The linter's result object: the table of checks and the diagnostics found, at the bottom
 * of the linter (lint_locate.c, lint_rules.c and lint.c all add to it). */
#ifndef SBP_LIB_LINT_RESULT_H
#define SBP_LIB_LINT_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "sbprofile/lint.h"

/* Checks, in the order of the public table (sbp_lint_check_*). Values index sbp__lint_checks. */
typedef enum sbp__lint_check {
  SBP__L_SYNTAX_ERROR = 0,
  SBP__L_EVAL_ERROR,
  SBP__L_UNKNOWN_OPERATION,
  SBP__L_UNKNOWN_FILTER,
  SBP__L_UNKNOWN_MODIFIER,
  SBP__L_UNKNOWN_CONSTANT,
  SBP__L_FILTER_NOT_ACCEPTED,
  SBP__L_MODIFIER_NOT_ACCEPTED,
  SBP__L_RELATIVE_PATH,
  SBP__L_UNNORMALIZED_PATH,
  SBP__L_SYMLINKED_PATH,
  SBP__L_NETWORK_HOST,
  SBP__L_RAW_STRING_QUOTE,
  SBP__L_LONG_STRING,
  SBP__L_REGEX_UNSUPPORTED,
  SBP__L_REGEX_DOUBTFUL,
  SBP__L_SHADOWED_RULE,
  SBP__L_DUPLICATE_RULE,
  SBP__L_UNFILTERED_AFTER_FILTERED,
  SBP__L_MISSING_VERSION,
  SBP__L_VERSION_AFTER_IMPORT,
  SBP__L_NO_DEFAULT,
  SBP__L_ALLOW_DEFAULT,
  SBP__L_BROAD_GRANT,
  SBP__L_RULE_SIZE,
  SBP__L_RENAME_BYPASS,
  SBP__L_MISSING_IMPORT,
  SBP__L_IGNORED_EXPRESSION,
  SBP__L_NCHECKS
} sbp__lint_check;

typedef struct sbp__lint_diag {
  int check;
  int severity;
  const char *file; /* in the result's arena, or NULL */
  uint32_t line, column;
  const char *message;
  const char *fix; /* or NULL */
  size_t seq;      /* order of addition, for a stable sort */
  size_t rank;     /* the file's rank of first appearance (set when sorting) */
} sbp__lint_diag;

struct sbp_lint_result {
  sbp_alloc alloc;
  sbp__arena arena;
  sbp__lint_diag *diags;
  size_t n, cap;
  int evaluated;
  uint32_t flags;          /* sbp_lint_flag */
  const char *last_file;   /* interning cache for file names */
  const char *last_file_src;
  const sbp_source *sources; /* borrowed during the profile checks, for positions */
  size_t nsources;
  size_t **lines;  /* per source: offsets of line starts, made on first use */
  size_t *nlines;
  struct sbp__lint_form_index *form; /* the strings of the form last searched (lint_locate.c) */
};

/* A new empty result on that allocator. SBP_OK or SBP_E_NOMEM. */
int sbp__lint_result_new(sbp_lint_result **out, const sbp_alloc *alloc, uint32_t flags);

/* Adds a diagnostic. severity 0 takes the check's usual one. fix may be NULL (fix_len
 * ignored). SBP_OK or SBP_E_NOMEM. Notes are dropped silently under SBP_LINT_NO_NOTES. */
int sbp__lint_add(sbp_lint_result *r, int check, int severity, const char *file, uint32_t line,
                  uint32_t column, const char *fix, size_t fix_len, const char *fmt, ...)
    SBP__PRINTF(9, 10);

/* Sorts the diagnostics by file (in order of first appearance), line, column and order of
 * addition. */
void sbp__lint_sort(sbp_lint_result *r);

#endif
