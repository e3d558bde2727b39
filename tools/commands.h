/* The sbprofile tool's subcommands. Each takes the arguments after its name and returns the
 * process exit status (0 success, 2 usage, 65 profile error as sandbox-exec, 66 no input,
 * 70 internal error, 73 cannot create a file, 74 cannot write the output). */
#ifndef SBP_TOOLS_COMMANDS_H
#define SBP_TOOLS_COMMANDS_H

#include <stddef.h>

#define SBP_EXIT_OK 0
#define SBP_EXIT_USAGE 2
#define SBP_EXIT_DATAERR 65
#define SBP_EXIT_NOINPUT 66
#define SBP_EXIT_SOFTWARE 70
#define SBP_EXIT_CANTCREAT 73
#define SBP_EXIT_IOERR 74

/* The input size limit (bytes) unless --max-input-size says otherwise: generous for any real
 * profile (the largest known are a few hundred kilobytes), small enough that an endless input
 * such as /dev/zero ends with an error instead of filling memory. */
#define SBP_TOOL_DEFAULT_MAX_INPUT ((size_t)64 << 20)

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
int sbp_tool_suggest(int argc, char **argv);
int sbp_tool_policy(int argc, char **argv);

/* Reads a whole file ("-" for stdin) into *out (malloc'd, NUL-terminated). 0 or errno:
 * EISDIR for a directory, EFBIG past the input size limit. Standard input is read once; a
 * second "-" gets a copy of what the first read. */
int sbp_tool_read_file(const char *path, char **out, size_t *len);
/* Makes sbp_tool_read_file(path) return a copy of text[0..len) (borrowed until the next
 * call); NULL text ends it. */
void sbp_tool_virtual_file(const char *path, const char *text, size_t len);
/* Prints why path cannot be read (error e from sbp_tool_read_file) and returns the exit
 * status: SBP_EXIT_SOFTWARE for ENOMEM, else SBP_EXIT_NOINPUT. */
int sbp_tool_input_error(const char *path, int e);
/* Frees the copy of standard input kept by sbp_tool_read_file (at exit). */
void sbp_tool_release_stdin(void);

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
  int keep_imports; /* --keep-imports: imports not found stay, and answers become unknown */
  /* -E KEY=VALUE and --entitlements FILE (cmd_entitlements.c) */
  sbp_entitlement *ents;
  size_t nents, entcap;
  int have_ents;              /* given at all: *entitlements* is bound */
  void **owned;               /* what -E allocated (keys, string arrays), and the sets
                                 --entitlements read (files[i] = 1 for those) */
  unsigned char *files;
  size_t nowned;
} sbp_tool_eval;

/* -E KEY=VALUE (true/false make a boolean, a repeated KEY an array of strings, else a
 * string) and --entitlements FILE (the XML property list codesign prints): 1 taken, 0 not
 * such an option, -1 bad (message printed). */
int sbp_tool_entitlement_option(sbp_tool_eval *ev, const char *cmd, int argc, char **argv,
                                int *i);
/* Frees what sbp_tool_entitlement_option() kept. */
void sbp_tool_entitlements_free(sbp_tool_eval *ev);

/* Room for the options of argc arguments; 0 or -1 (out of memory). */
int sbp_tool_eval_init(sbp_tool_eval *ev, int argc);
void sbp_tool_eval_free(sbp_tool_eval *ev);
/* argv[*i] is -D/-I (with its value joined or next) or --keep-imports: 1 taken (i advanced past a separate
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
/* Read options over ev: parameters without a value stay symbolic; imports are searched in
 * the -I directories, and one that cannot be found is an error unless --keep-imports. */
void sbp_tool_eval_read_options(sbp_tool_eval *ev, sbp_read_options *opts);
/* --macos VALUE: the catalog version to use (sbp_macos_version_resolve()); when it differs
 * from the version given, says which one on stderr. 1, or -1 after a usage message. */
int sbp_tool_macos(const char *cmd, const char *value, uint32_t *used);
/* --macos VERSION (or --macos=VERSION) through sbp_tool_macos into *used: 1 taken, 0 not it,
 * -1 after a usage message. */
int sbp_tool_macos_option(const char *cmd, int argc, char **argv, int *i, uint32_t *used);
/* "<stdin>" for "-", else path. */
const char *sbp_tool_display_name(const char *path);
/* --color=auto|always|never (or --color WHEN): 1 taken, 0 not it, -1 bad. */
int sbp_tool_color_option(const char *cmd, int argc, char **argv, int *i, const char **mode);
/* Whether to colour output on stream: always, never, or auto (a terminal, no NO_COLOR). */
int sbp_tool_color(const char *mode, FILE *stream);
/* ---- usage errors and options every command takes ---- */

#if defined(__GNUC__) || defined(__clang__)
#define SBP_TOOL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SBP_TOOL_PRINTF(f, a)
#endif
/* A usage error: prints "sbprofile CMD: MESSAGE" and "Try 'sbprofile CMD --help'." on stderr,
 * nothing more, and returns SBP_EXIT_USAGE. */
int sbp_tool_usage_error(const char *cmd, const char *fmt, ...) SBP_TOOL_PRINTF(2, 3);
/* Whether a asks for the command's help (--help or -h). */
int sbp_tool_is_help(const char *a);
/* Options every command takes, tried before its own: "--" (the arguments after it are
 * operands: *operands_only is set) and --max-input-size BYTES (or =BYTES). 1 taken (i advanced
 * past a separate value), 0 not one of them, -1 bad (usage error printed). */
int sbp_tool_common_option(const char *cmd, int argc, char **argv, int *i, int *operands_only);
/* The help lines of the common options, for each command's usage text. */
#define SBP_TOOL_COMMON_HELP                                                        \
  "  --max-input-size BYTES  refuse an input larger than BYTES (default 64 MiB)\n" \
  "  --               the arguments after it are operands, not options\n"
/* The input size limit in force (bytes). */
size_t sbp_tool_max_input(void);
/* Flushes stdout and reports whether all output reached it: SBP_EXIT_OK, or, after printing
 * "sbprofile CMD: cannot write standard output: REASON", SBP_EXIT_IOERR. */
int sbp_tool_finish_stdout(const char *cmd);

/* FILE:LINE:COL: error: MESSAGE on stderr. */
void sbp_tool_print_error(const char *fallback_file, const sbp_error *err);

#endif
