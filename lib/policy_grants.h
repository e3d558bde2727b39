/* Compiling policies: the grants of base sets, processes, options, mach services and the
 * network, into the BASE groups. */
#ifndef SBP_LIB_POLICY_GRANTS_H
#define SBP_LIB_POLICY_GRANTS_H

#include "policy_group.h"

/* Reads the rules of the base entries in use (one text, one read) and adds their filters to
 * the BASE groups. The scratch profile lives until the groups are emitted. */
/* Reads the rules of the base entries in use (one text, one read) and adds their filters to
 * the BASE groups. The scratch profile lives until the groups are emitted. */
int sbp__grants_base_entries(sbp__compiler *c, sbp_profile **scratch);

/* Processes, options and mach services. */
int sbp__grants_processes(sbp__compiler *c);

/* The network: all, localhost ports, local binding, unix sockets. */
int sbp__grants_network(sbp__compiler *c);

#endif
