#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
/* Helpers shared by the lint, fmt, diff and build subcommands: -D/-I options, reading the
 * files of a profile, colour on terminals, printing library errors. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <io.h>
#define sbp_isatty _isatty
#define sbp_fileno _fileno
#else
#include <unistd.h>
#define sbp_isatty isatty
#define sbp_fileno fileno
#endif

#include "commands.h"
#include "sbprofile.h"

int sbp_tool_eval_init(sbp_tool_eval *ev, int argc) {
  memset(ev, 0, sizeof *ev);
  ev->params = calloc((size_t)argc * 2 + 2, sizeof(char *));
  ev->keys = calloc((size_t)argc + 1, sizeof(char *));
  ev->dirs = calloc((size_t)argc + 1, sizeof(char *));
  return ev->params && ev->keys && ev->dirs ? 0 : -1;
}

void sbp_tool_eval_free(sbp_tool_eval *ev) {
  sbp_tool_entitlements_free(ev);
  for (size_t i = 0; ev->keys && i < ev->nparams; i++) free(ev->keys[i]);
  free(ev->keys);
  free(ev->params);
  free(ev->dirs);
  memset(ev, 0, sizeof *ev);
}

int sbp_tool_add_param(sbp_tool_eval *ev, const char *cmd, const char *opt, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (eq == NULL || eq == kv) {
    fprintf(stderr, "sbprofile %s: %s expects KEY=VALUE, got '%s'\n", cmd, opt, kv);
    return -1;
  }
  char *key = malloc((size_t)(eq - kv) + 1);
  if (key == NULL) {
    fprintf(stderr, "sbprofile: out of memory\n");
    return -1;
  }
  memcpy(key, kv, (size_t)(eq - kv));
  key[eq - kv] = '\0';
  ev->keys[ev->nparams] = key;
  ev->params[2 * ev->nparams] = key;
  ev->params[2 * ev->nparams + 1] = eq + 1;
  ev->nparams++;
  return 1;
}

const char *sbp_tool_param(const sbp_tool_eval *ev, const char *key, size_t len) {
  for (size_t i = 0; i < ev->nparams; i++)
    if (strlen(ev->params[2 * i]) == len && memcmp(ev->params[2 * i], key, len) == 0)
      return ev->params[2 * i + 1];
  return NULL;
}

int sbp_tool_eval_option(sbp_tool_eval *ev, const char *cmd, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  int taken = sbp_tool_entitlement_option(ev, cmd, argc, argv, i);
  if (taken != 0) return taken;
  if (strncmp(a, "-D", 2) != 0 && strncmp(a, "-I", 2) != 0) return 0;
  const char *v = a[2] ? a + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
  if (v == NULL) {
    fprintf(stderr, "sbprofile %s: %.2s needs an argument\n", cmd, a);
    return -1;
  }
  if (a[1] == 'I') {
    ev->dirs[ev->ndirs++] = v;
    return 1;
  }
  return sbp_tool_add_param(ev, cmd, "-D", v);
}

int sbp_tool_read_sources(const char *const *files, size_t n, sbp_source *src, size_t *nsrc) {
  for (size_t i = 0; i < n; i++) {
    char *text = NULL;
    size_t len = 0;
    int e = sbp_tool_read_file(files[i], &text, &len);
    if (e) {
      fprintf(stderr, "sbprofile: %s: %s\n", files[i], strerror(e));
      return e == ENOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_NOINPUT;
    }
    src[*nsrc].text = text;
    src[*nsrc].len = len;
    src[*nsrc].file = sbp_tool_display_name(files[i]);
    (*nsrc)++;
  }
  return SBP_EXIT_OK;
}

void sbp_tool_free_sources(sbp_source *src, size_t n) {
  for (size_t i = 0; src != NULL && i < n; i++) free((void *)(uintptr_t)src[i].text);
}

void sbp_tool_eval_read_options(sbp_tool_eval *ev, sbp_read_options *opts) {
  sbp_read_options init = SBP_READ_OPTIONS_INIT;
  *opts = init;
  ev->idirs.dirs = ev->dirs;
  ev->idirs.ndirs = ev->ndirs;
  opts->flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  opts->params = ev->params;
  opts->nparams = ev->nparams;
  opts->import = sbp_import_search;
  opts->import_payload = &ev->idirs;
  if (ev->have_ents) {
    static const sbp_entitlement none[1];
    opts->entitlements = ev->nents ? ev->ents : none;
    opts->nentitlements = ev->nents;
  }
}

const char *sbp_tool_display_name(const char *path) {
  return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int sbp_tool_color(const char *mode, FILE *stream) {
  if (mode != NULL && strcmp(mode, "always") == 0) return 1;
  if (mode != NULL && strcmp(mode, "never") == 0) return 0;
  const char *no = getenv("NO_COLOR");
  if (no != NULL && no[0] != '\0') return 0;
  const char *term = getenv("TERM");
  if (term != NULL && strcmp(term, "dumb") == 0) return 0;
  return sbp_isatty(sbp_fileno(stream)) ? 1 : 0;
}

int sbp_tool_color_option(const char *cmd, int argc, char **argv, int *i, const char **mode) {
  const char *a = argv[*i];
  const char *v = NULL;
  if (strncmp(a, "--color=", 8) == 0 || strncmp(a, "--colour=", 9) == 0) {
    v = strchr(a, '=') + 1;
  } else if (strcmp(a, "--color") == 0 || strcmp(a, "--colour") == 0) {
    v = *i + 1 < argc ? argv[++*i] : NULL;
  } else {
    return 0;
  }
  if (v == NULL || (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 &&
                    strcmp(v, "never") != 0)) {
    fprintf(stderr, "sbprofile %s: --color expects auto, always or never\n", cmd);
    return -1;
  }
  *mode = v;
  return 1;
}

void sbp_tool_print_error(const char *fallback_file, const sbp_error *err) {
  const char *file = err->file[0] ? err->file : fallback_file;
  if (err->line)
    fprintf(stderr, "%s:%u:%u: error: %s\n", file ? file : "<input>", (unsigned)err->line,
            (unsigned)err->column, err->message);
  else
    fprintf(stderr, "%s: error: %s\n", file ? file : "sbprofile", err->message);
}
