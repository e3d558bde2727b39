/* The decider (decider.c) as the files above it see it: its allocator. Its compiled form,
 * for decider.c (building) and decide.c (deciding) only, is in decider_form.h. */
#ifndef SBP_LIB_DECIDER_H
#define SBP_LIB_DECIDER_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/decide.h"
#include "alloc.h"

/* The rule index of no rule. */
#define SBP__NO_RULE (-1)

/* The allocator the decider was made with (the profile's). */
const sbp_alloc *sbp__decider_alloc(const sbp_decider *d);

#endif
