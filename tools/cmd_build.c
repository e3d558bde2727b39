/* sbprofile build (placeholder until written). */
#include "commands.h"
int sbp_tool_build(int argc, char **argv) { (void)argc; (void)argv; return SBP_EXIT_SOFTWARE; }
