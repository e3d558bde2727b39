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

int sbp_tool_read_file(const char *path, char **out, size_t *len) {
  FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (fp == NULL) return errno ? errno : EIO;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    if (fp != stdin) fclose(fp);
    return ENOMEM;
  }
  for (;;) {
    if (n + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        if (fp != stdin) fclose(fp);
        return ENOMEM;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - 1 - n, fp);
    n += got;
    if (got == 0) break;
  }
  int bad = ferror(fp);
  if (fp != stdin) fclose(fp);
  if (bad) {
    free(buf);
    return EIO;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
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
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "sbprofile: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return SBP_EXIT_USAGE;
}
