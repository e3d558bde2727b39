/* A tiny SBPL-to-profile translator for tests of the decision engine: it reads the rule forms
 * only, with sx_read, and builds the profile through the public node API, with positions.
 * Forms: (version 1); (allow|deny OP... FILTER... (with NAME [VALUE])...); filters
 * (NAME VALUE...) and (require-all|require-any|require-not F...). Values: "string" (STRING),
 * #"raw" (REGEX), integers (INTEGER), #t/#f, symbols (CONSTANT), (param "X") (PARAM); in
 * (local|remote PROTO ["HOST:PORT"]) a network address. No Scheme evaluation. */
#ifndef SBP_TEST_MINI_SBPL_H
#define SBP_TEST_MINI_SBPL_H

#include <stddef.h>

#include "sbprofile.h"

/* Returns SBP_OK and *out, or an error code with a message in err. file names positions. */
int mini_sbpl_read(const char *text, size_t len, const char *file, const sbp_alloc *alloc,
                   sbp_profile **out, sbp_error *err);

#endif
