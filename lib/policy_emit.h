/* Compiling policies: a group's filters into rules, a new rule (same action and operations,
 * "continued" in its comment) whenever one would pass the 65,535-byte limit. */
#ifndef SBP_LIB_POLICY_EMIT_H
#define SBP_LIB_POLICY_EMIT_H

#include <stddef.h>

#include "policy_group.h"

/* The emitter's state: the rule being filled and its size. */
typedef struct sbp__emitter {
  sbp__compiler *c;
  sbp__group *g;
  sbp_node *rule;
  size_t size;
  size_t parts;
} sbp__emitter;

/* Bytes a string takes in the profile text (escapes counted). */
size_t sbp__emit_text_cost(const char *s, size_t n);

/* Starts a rule of the group (its operations, its comment). */
int sbp__emit_new_rule(sbp__emitter *em);

/* Makes room for a filter of `cost` bytes: a new rule when the current one would pass the
 * limit. */
int sbp__emit_room(sbp__emitter *em, size_t cost);

/* Adds a path filter (type F_LITERAL, F_SUBPATH or F_REGEX) to parent. */
int sbp__emit_path_filter(sbp__compiler *c, sbp_node *parent, int type, const char *text,
                          size_t len);

/* Adds one filter to the rule being filled. */
int sbp__emit_spec(sbp__emitter *em, const sbp__spec *s);

#endif
