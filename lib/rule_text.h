/* A rule rendered for people: its one-line SBPL text and where it stands. The one rendering
 * that explanations (explain.c, decide.c's traces), assertion messages (assert.c) and lint
 * messages (lint_rules.c) share. */
#ifndef SBP_LIB_RULE_TEXT_H
#define SBP_LIB_RULE_TEXT_H

#include <stddef.h>

#include "sbprofile/profile.h"

/* Appends a rule's one-line text to buf (through the serializer: compact, no comment, no
 * split; "(a rule that cannot be rendered)" when the serializer refuses it). SBP_OK or
 * SBP_E_NOMEM. */
int sbp__rule_text(sbp_buf *buf, const sbp_alloc *a, const sbp_node *rule);
/* The same cut to max bytes (0: whole), ending in "..." when longer. */
int sbp__rule_text_cut(sbp_buf *buf, const sbp_alloc *a, const sbp_node *rule, size_t max);

/* Where a rule stands: "FILE:LINE:COL" ("<profile>" for a text read without a name), or
 * "rule #N (no source position)" for a built rule. sbp__rule_where appends it to buf
 * (SBP_OK or SBP_E_NOMEM); sbp__rule_where_into writes it into out like snprintf (cut to
 * size, NUL-terminated when size > 0) and returns its whole length. */
int sbp__rule_where(sbp_buf *buf, const sbp_alloc *a, const sbp_node *rule);
size_t sbp__rule_where_into(char *out, size_t size, const sbp_node *rule);

#endif
