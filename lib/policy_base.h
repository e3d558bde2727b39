/* Policies: the base-set data (policy_base.c) as the handle and the compiler see it. */
#ifndef SBP_LIB_POLICY_BASE_H
#define SBP_LIB_POLICY_BASE_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/policy.h"

/* Base entry flag: granted only when reads are denied by default. */
#define SBP__BASE_READ_RESTRICTED 1u

size_t sbp__base_entry_total(void);
const sbp_base_entry *sbp__base_entry_by_index(size_t i);
size_t sbp__base_entry_index(const sbp_base_entry *e);
uint32_t sbp__base_entry_flags(const sbp_base_entry *e);
size_t sbp__base_set_index(const sbp_base_set *set);
/* The protection's index, or -1. */
int sbp__protection_index(const char *name, size_t len);

#endif
