/* The read options the fuzz targets share: parameters kept symbolic, missing imports kept,
 * and limits small enough that every input ends in milliseconds. */
#ifndef SBP_FUZZ_LIMITS_H
#define SBP_FUZZ_LIMITS_H

#include "sbprofile.h"

static inline sbp_read_options sbp_fuzz_read_options(void) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  o.max_steps = 20000;
  o.max_depth = 200;
  o.max_memory = 4u << 20;
  o.max_rules = 500;
  o.max_string = 4096;
  o.max_nesting = 100;
  return o;
}

#endif
