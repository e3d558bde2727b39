/* Whole-tree operations of treeops.c that the library uses inside (the public ones are in
 * sbprofile/profile.h: sbp_node_copy, sbp_node_equal, sbp_node_validate). */
#ifndef SBP_LIB_TREEOPS_H
#define SBP_LIB_TREEOPS_H

#include "node.h"

/* True for a rule that sbp_node_validate() would pass, seen from its shape alone: an action,
 * operations without children, then filters of one value each that is no concatenation.
 * False says nothing (walk it with sbp_node_validate). */
int sbp__rule_is_plain(const sbp_node *rule);

#endif
