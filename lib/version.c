#include "sbprofile/version.h"

unsigned sbp_version(void) { return SBP_VERSION_NUMBER; }

const char *sbp_version_string(void) { return SBP_VERSION_STRING; }
