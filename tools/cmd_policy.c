/* sbprofile policy: a complete profile from intent: sandbox-runtime settings (--srt-settings),
 * sbprofile's own policy file (--policy, docs/policy-file.md), or both, plus base sets.
 *
 *   sbprofile policy [--srt-settings FILE] [--policy FILE] [--cwd DIR] [--home DIR]
 *                    [--base NAME]... [--no-comments] [-o FILE]
 *
 * JSON is read with jansson; a build without it has no policy command and says so. */
/* realpath(), PATH_MAX */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "sbprofile.h"

/* The command exists, but this build cannot run it (sysexits' EX_UNAVAILABLE). */
#define SBP_EXIT_UNAVAILABLE 69

#ifndef SBP_HAVE_JANSSON
int sbp_tool_policy(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "sbprofile policy: not available: this sbprofile was built without jansson "
                  "(install libjansson-dev and configure again)\n");
  return SBP_EXIT_UNAVAILABLE;
}
#else
#include "policy_file.h"
#include "sbprofile/policy.h"
#include "srt_settings.h"

static void policy_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile policy [--srt-settings FILE] [--policy FILE] [--cwd DIR]\n"
          "                        [--home DIR] [--base NAME]... [--no-comments] [-o FILE]\n\n"
          "Compiles a policy (what a sandboxed program may read, write, execute and reach) into\n"
          "a complete deny-default profile in which every rule says which policy item made it.\n\n"
          "  --srt-settings FILE  sandbox-runtime settings (~/.srt-settings.json): the profile\n"
          "                       srt 0.0.83 would generate on macOS, with its deviations\n"
          "                       corrected (docs/srt-settings.md)\n"
          "  --policy FILE        a policy file (docs/policy-file.md, docs/policy.schema.json)\n"
          "  --cwd DIR            the directory relative paths start from (default: the\n"
          "                       current directory, or the policy file's \"cwd\")\n"
          "  --home DIR           the directory ~ stands for (default: $HOME, or the policy\n"
          "                       file's \"home\")\n"
          "  --base NAME          add a base set of grants (minimal, toolchain,\n"
          "                       network-client); may be repeated\n"
          "  --no-comments        leave out the comments naming each rule's policy items\n"
          "  -o FILE              write the profile to FILE (for sandbox-exec -f) instead of\n"
          "                       standard output\n\n"
          "Without --srt-settings or --policy the policy holds only the base sets.\n"
          "Unknown keys give a warning; a value of the wrong type is an error naming its\n"
          "JSON path (filesystem.denyRead[3]).\n\n"
          "Exit status: 0 success, 2 usage error, 65 invalid settings or policy, 66 unreadable\n"
          "input, 69 built without jansson, 70 internal error, 73 unwritable output.\n");
}

static void print_warning(const void *ud, const char *message) {
  fprintf(stderr, "%s: warning: %s\n", (const char *)ud, message);
}

/* argv[*i] is OPT with a value joined (--opt=v) or next: the value, or NULL (not OPT). */
static const char *option_value(const char *opt, int argc, char **argv, int *i, int *missing) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != '\0') return NULL;
  if (*i + 1 >= argc) {
    *missing = 1;
    return NULL;
  }
  return argv[++*i];
}

/* The home and cwd a policy starts from: the options, else $HOME and the current directory. */
static int set_places(sbp_policy *pol, const char *home, const char *cwd) {
  char here[PATH_MAX];
  sbp_error err = SBP_ERROR_INIT;
  if (home == NULL) home = getenv("HOME");
  if (cwd == NULL) cwd = getcwd(here, sizeof(here));
  int rc = SBP_OK;
  if (home != NULL && *home != '\0') rc = sbp_policy_set_home(pol, home, strlen(home), &err);
  if (rc == SBP_OK && cwd != NULL) rc = sbp_policy_set_cwd(pol, cwd, strlen(cwd), &err);
  if (rc == SBP_OK) return SBP_EXIT_OK;
  fprintf(stderr, "sbprofile policy: %s\n", err.message);
  return rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_USAGE;
}

/* Reads one JSON input into pol: SBP_EXIT_OK or the exit status (message printed). home and
 * cwd: for a policy file, the options given (which win over the file's), or NULL. */
static int read_input(const char *file, int srt, sbp_policy *pol, const char *home,
                      const char *cwd) {
  char *text = NULL;
  size_t len = 0;
  const char *name = sbp_tool_display_name(file);
  int e = sbp_tool_read_file(file, &text, &len);
  if (e != 0) {
    fprintf(stderr, "sbprofile policy: %s: %s\n", name, strerror(e));
    return e == ENOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_NOINPUT;
  }
  sbp_json_reader r;
  sbp_json_reader_init(&r, print_warning, name);
  int rc = srt ? sbp_srt_settings_read(&r, text, len, pol)
               : sbp_policy_file_read(&r, text, len, pol, home != NULL, cwd != NULL);
  free(text);
  if (rc == SBP_OK) {
    /* The settings must not be rewritable from inside the sandbox they make. */
    char real[PATH_MAX];
    sbp_error err = SBP_ERROR_INIT;
    if (strcmp(file, "-") != 0 && realpath(file, real) != NULL)
      rc = sbp_policy_set_settings_file(pol, real, strlen(real), &err);
    if (rc == SBP_OK) return SBP_EXIT_OK;
    if (rc != SBP_E_NOMEM) fprintf(stderr, "%s: error: %s\n", name, err.message);
  }
  if (rc == SBP_E_NOMEM) {
    fprintf(stderr, "sbprofile policy: out of memory\n");
    return SBP_EXIT_SOFTWARE;
  }
  if (r.line > 0) fprintf(stderr, "%s:%d:%d: error: %s\n", name, r.line, r.column, r.error);
  else fprintf(stderr, "%s: error: %s\n", name, r.error);
  return SBP_EXIT_DATAERR;
}

/* Compiles pol and writes it. */
static int emit(sbp_policy *pol, const char *out_path) {
  sbp_profile *prof = NULL;
  sbp_error err = SBP_ERROR_INIT;
  sbp_buf text = SBP_BUF_INIT;
  int rc = sbp_policy_compile(pol, &prof, &err);
  for (size_t i = 0; rc == SBP_OK && i < sbp_policy_warning_count(pol); i++)
    fprintf(stderr, "sbprofile policy: warning: %s\n", sbp_policy_warning(pol, i));
  if (rc == SBP_OK) rc = sbp_serialize(prof, NULL, &text, &err);
  sbp_profile_free(prof);
  if (rc != SBP_OK) {
    fprintf(stderr, "sbprofile policy: %s\n", err.message[0] ? err.message : sbp_strerror(rc));
    return rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
  }
  if (text.len > SBP_SANDBOX_EXEC_ARG_MAX)
    fprintf(stderr, "sbprofile policy: warning: the profile is %zu bytes, more than "
                    "'sandbox-exec -p' takes (%u): write it with -o and use 'sandbox-exec -f'\n",
            text.len, SBP_SANDBOX_EXEC_ARG_MAX);
  int status = SBP_EXIT_OK;
  FILE *fp = out_path != NULL ? fopen(out_path, "wb") : stdout;
  if (fp == NULL || fwrite(text.ptr, 1, text.len, fp) != text.len) status = SBP_EXIT_CANTCREAT;
  if (fp != NULL && fp != stdout && fclose(fp) != 0) status = SBP_EXIT_CANTCREAT;
  if (status != SBP_EXIT_OK)
    fprintf(stderr, "sbprofile policy: %s: %s\n", out_path ? out_path : "<stdout>",
            strerror(errno));
  sbp_buf_dispose(&text);
  return status;
}

int sbp_tool_policy(int argc, char **argv) {
  const char *srt = NULL, *policy = NULL, *cwd = NULL, *home = NULL, *out = NULL;
  const char **bases = calloc((size_t)argc + 1, sizeof(*bases));
  size_t nbases = 0;
  int comments = 1, status = SBP_EXIT_OK;
  if (bases == NULL) {
    fprintf(stderr, "sbprofile policy: out of memory\n");
    return SBP_EXIT_SOFTWARE;
  }
  for (int i = 1; i < argc && status == SBP_EXIT_OK; i++) {
    int missing = 0;
    const char *v;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      policy_usage(stdout);
      free(bases);
      return SBP_EXIT_OK;
    } else if (strcmp(argv[i], "--no-comments") == 0) {
      comments = 0;
    } else if ((v = option_value("--srt-settings", argc, argv, &i, &missing)) != NULL) {
      srt = v;
    } else if ((v = option_value("--policy", argc, argv, &i, &missing)) != NULL) {
      policy = v;
    } else if ((v = option_value("--cwd", argc, argv, &i, &missing)) != NULL) {
      cwd = v;
    } else if ((v = option_value("--home", argc, argv, &i, &missing)) != NULL) {
      home = v;
    } else if ((v = option_value("--base", argc, argv, &i, &missing)) != NULL) {
      bases[nbases++] = v;
    } else if ((v = option_value("-o", argc, argv, &i, &missing)) != NULL) {
      out = v;
    } else if (missing) {
      fprintf(stderr, "sbprofile policy: option '%s' needs a value\n", argv[i]);
      status = SBP_EXIT_USAGE;
    } else {
      fprintf(stderr, "sbprofile policy: %s '%s'\n",
              argv[i][0] == '-' ? "unknown option" : "unexpected argument", argv[i]);
      status = SBP_EXIT_USAGE;
    }
  }
  if (status != SBP_EXIT_OK) {
    policy_usage(stderr);
    free(bases);
    return status;
  }
  sbp_policy *pol = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_policy_new(&pol, NULL, &err) != SBP_OK) {
    fprintf(stderr, "sbprofile policy: out of memory\n");
    free(bases);
    return SBP_EXIT_SOFTWARE;
  }
  if (!comments) sbp_policy_set_option(pol, SBP_POLICY_COMMENTS, 0, &err);
  status = set_places(pol, home, cwd);
  /* The reader of srt settings needs the home and cwd the policy resolves paths against. */
  char here[PATH_MAX];
  const char *srt_home = home ? home : getenv("HOME");
  const char *srt_cwd = cwd ? cwd : getcwd(here, sizeof(here));
  if (status == SBP_EXIT_OK && srt != NULL) {
    if (srt_home == NULL || srt_cwd == NULL) {
      fprintf(stderr, "sbprofile policy: --srt-settings needs a home and a cwd: give --home "
                      "and --cwd\n");
      status = SBP_EXIT_USAGE;
    } else {
      status = read_input(srt, 1, pol, srt_home, srt_cwd);
    }
  }
  if (status == SBP_EXIT_OK && policy != NULL) status = read_input(policy, 0, pol, home, cwd);
  for (size_t i = 0; status == SBP_EXIT_OK && i < nbases; i++) {
    int rc = sbp_policy_add_base_set(pol, bases[i], strlen(bases[i]), &err);
    if (rc != SBP_OK) {
      fprintf(stderr, "sbprofile policy: --base: %s\n", err.message);
      status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_USAGE;
    }
  }
  if (status == SBP_EXIT_OK) status = emit(pol, out);
  sbp_policy_free(pol);
  free(bases);
  return status;
}
#endif
