/* Compiling policies: protection against renames, denying unlink of denied paths and of
 * their writable ancestors. */
#ifndef SBP_LIB_POLICY_MOVE_H
#define SBP_LIB_POLICY_MOVE_H

#include "policy_group.h"

/* The MOVE group: denied paths a write root could move, their writable ancestors, and the
 * folders of the multi-component protections. */
int sbp__move_protection(sbp__compiler *c);

#endif
