/* sbprofile: command-line front end of the library. Subcommands are listed in one table;
 * adding one is adding a row and a cmd_<name>.c file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static const sbp_tool_command commands[] = {
    {"flatten", sbp_tool_flatten, "evaluate profiles and print their rules as canonical SBPL"},
    {"lint", sbp_tool_lint, "check profiles and print GCC-style diagnostics"},
    {"fmt", sbp_tool_fmt, "rewrite profiles with canonical layout, keeping comments"},
    {"diff", sbp_tool_diff, "show what a new profile grants or denies that the old did not"},
    {"build", sbp_tool_build, "compose a profile from command-line flags"},
    {"check", sbp_tool_check, "decide a request: allow, deny or unknown, and the deciding rule"},
    {"explain", sbp_tool_explain, "explain how a profile decides a request"},
    {"suggest", sbp_tool_suggest, "turn sandbox denial reports into rules for a profile"},
    {"policy", sbp_tool_policy, "compile a policy or sandbox-runtime settings into a profile"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out) {
  fprintf(out, "usage: sbprofile COMMAND [ARGS...]\n"
               "       sbprofile --help | --version\n\ncommands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nRun 'sbprofile COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "sbprofile: no command given\nTry 'sbprofile --help'.\n");
    return SBP_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return SBP_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("sbprofile %s\n", SBP_VERSION_STRING);
    return SBP_EXIT_OK;
  }
  for (size_t i = 0; i < NCOMMANDS; i++) {
    if (strcmp(argv[1], commands[i].name) == 0) {
      int status = commands[i].run(argc - 1, argv + 1);
      sbp_tool_release_stdin();
      return status;
    }
  }
  fprintf(stderr, "sbprofile: unknown command '%s'\nTry 'sbprofile --help'.\n", argv[1]);
  return SBP_EXIT_USAGE;
}
