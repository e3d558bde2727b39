/* The sbprofile tool's subcommands. Each takes the arguments after its name and returns the
 * process exit status (0 success, 2 usage, 65 profile error as sandbox-exec, 66 no input,
 * 70 internal error). */
#ifndef SBP_TOOLS_COMMANDS_H
#define SBP_TOOLS_COMMANDS_H

#define SBP_EXIT_OK 0
#define SBP_EXIT_USAGE 2
#define SBP_EXIT_DATAERR 65
#define SBP_EXIT_NOINPUT 66
#define SBP_EXIT_SOFTWARE 70

typedef struct sbp_tool_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} sbp_tool_command;

int sbp_tool_flatten(int argc, char **argv);

/* Reads a whole file ("-" for stdin) into *out (malloc'd, NUL-terminated). 0 or errno. */
int sbp_tool_read_file(const char *path, char **out, size_t *len);

#endif
