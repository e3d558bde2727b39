/* The sbprofile tool's subcommands. Each takes the arguments after its name and returns the
 * process exit status (0 success, 2 usage, 65 profile error as sandbox-exec, 66 no input,
 * 70 internal error). */
#ifndef SBP_TOOLS_COMMANDS_H
#define SBP_TOOLS_COMMANDS_H

#include <stddef.h>

#define SBP_EXIT_OK 0
#define SBP_EXIT_USAGE 2
#define SBP_EXIT_DATAERR 65
#define SBP_EXIT_NOINPUT 66
#define SBP_EXIT_SOFTWARE 70
#define SBP_EXIT_CANTCREAT 73

typedef struct sbp_tool_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} sbp_tool_command;

int sbp_tool_flatten(int argc, char **argv);
int sbp_tool_lint(int argc, char **argv);
int sbp_tool_fmt(int argc, char **argv);
int sbp_tool_diff(int argc, char **argv);
int sbp_tool_build(int argc, char **argv);
int sbp_tool_check(int argc, char **argv);
int sbp_tool_explain(int argc, char **argv);
int sbp_tool_policy(int argc, char **argv);

/* Reads a whole file ("-" for stdin) into *out (malloc'd, NUL-terminated). 0 or errno. */
int sbp_tool_read_file(const char *path, char **out, size_t *len);

/* ---- helpers shared by lint, fmt, diff and build (cmd_common.c) ---- */

#include <stdio.h>

#include "sbprofile.h"

/* Exit status: something was found (lint errors, fmt --check changes, diff changes). */
#define SBP_EXIT_FOUND 1

/* -D KEY=VALUE and -I DIR options, collected for the evaluator. */
typedef struct sbp_tool_eval {
  const char **params; /* flat key/value pairs */
  char **keys;
  size_t nparams;
  const char **dirs;
  size_t ndirs;
  sbp_import_dirs idirs;
} sbp_tool_eval;

/* Room for the options of argc arguments; 0 or -1 (out of memory). */
int sbp_tool_eval_init(sbp_tool_eval *ev, int argc);
void sbp_tool_eval_free(sbp_tool_eval *ev);
/* argv[*i] is -D/-I (with its value joined or next): 1 taken (i advanced past a separate
 * value), 0 not such an option, -1 bad (message printed). */
int sbp_tool_eval_option(sbp_tool_eval *ev, const char *cmd, int argc, char **argv, int *i);
/* Adds KEY=VALUE (the argument of option opt) to ev's parameters: 1, or -1 (message printed). */
int sbp_tool_add_param(sbp_tool_eval *ev, const char *cmd, const char *opt, const char *kv);
/* The value given for parameter key[0..len), or NULL. */
const char *sbp_tool_param(const sbp_tool_eval *ev, const char *key, size_t len);
/* Reads files ("-" for stdin) into src[*nsrc...], advancing *nsrc, with display names for
 * positions: SBP_EXIT_OK, or the exit status after printing why a file cannot be read. */
int sbp_tool_read_sources(const char *const *files, size_t n, sbp_source *src, size_t *nsrc);
/* Frees the texts sbp_tool_read_sources() read. */
void sbp_tool_free_sources(sbp_source *src, size_t n);
/* Read options over ev: parameters without a value stay symbolic and imports that cannot be
 * found are kept; imports are searched in the -I directories. */
void sbp_tool_eval_read_options(sbp_tool_eval *ev, sbp_read_options *opts);
/* "<stdin>" for "-", else path. */
const char *sbp_tool_display_name(const char *path);
/* --color=auto|always|never (or --color WHEN): 1 taken, 0 not it, -1 bad. */
int sbp_tool_color_option(const char *cmd, int argc, char **argv, int *i, const char **mode);
/* Whether to colour output on stream: always, never, or auto (a terminal, no NO_COLOR). */
int sbp_tool_color(const char *mode, FILE *stream);
/* FILE:LINE:COL: error: MESSAGE on stderr. */
void sbp_tool_print_error(const char *fallback_file, const sbp_error *err);

#endif
