/* Where a value is written in the text being linted: a rule keeps its form's position, and
 * lint_locate.c finds the string inside the form (lint_rules.c asks for it). */
#ifndef SBP_LIB_LINT_LOCATE_H
#define SBP_LIB_LINT_LOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "lint_result.h"

/* Where the string value is written inside the form at file:line:column of the sources
 * being linted: SBP_OK with the position in out_line and out_column, SBP_E_NOT_FOUND, or
 * SBP_E_NOMEM (its line table could not be made). */
int sbp__lint_locate(sbp_lint_result *r, const char *file, uint32_t line, uint32_t column,
                     const char *value, size_t value_len, uint32_t *out_line,
                     uint32_t *out_column);

/* Frees the line tables and form index sbp__lint_locate made. */
void sbp__lint_release_lines(sbp_lint_result *r);

#endif
