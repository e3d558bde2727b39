/* Compiling policies: the path filters of a group, duplicates dropped, literal paths and
 * subtrees of one folder folded into alternation regexes. */
#ifndef SBP_LIB_POLICY_FOLD_H
#define SBP_LIB_POLICY_FOLD_H

#include <stddef.h>

#include "policy_emit.h"

/* The path filters (literal, subpath) of a group, in time linear in their number: duplicates
 * dropped, bucketed by type and parent folder, each bucket emitted where its first member
 * stands, folded into regexes when it is large enough. Its tables are 32-bit indexes, kept
 * small: for 100,000 paths they are what the pass walks, and they outgrow the cache. */
int sbp__fold_paths(sbp__emitter *em, const sbp__spec *s, size_t n);

#endif
