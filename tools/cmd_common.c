#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
/* Helpers shared by the lint, fmt, diff and build subcommands: -D/-I options, reading the
 * files of a profile, colour on terminals, printing library errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <io.h>
#define sbp_isatty _isatty
#define sbp_fileno _fileno
#else
#include <sys/stat.h>
#include <unistd.h>
#define sbp_isatty isatty
#define sbp_fileno fileno
#endif

#include "commands.h"
#include "sbprofile.h"

static size_t max_input = SBP_TOOL_DEFAULT_MAX_INPUT;
/* Standard input as first read, for a second "-" (it cannot be read twice). */
static char *stdin_text;
static size_t stdin_len;
static int stdin_read;

size_t sbp_tool_max_input(void) { return max_input; }

void sbp_tool_release_stdin(void) {
  free(stdin_text);
  stdin_text = NULL;
  stdin_len = 0;
  stdin_read = 0;
}

static int copy_text(const char *text, size_t len, char **out, size_t *outlen) {
  char *copy = malloc(len + 1);
  if (copy == NULL) return ENOMEM;
  if (len) memcpy(copy, text, len);
  copy[len] = '\0';
  *out = copy;
  *outlen = len;
  return 0;
}

/* Reads fp to its end, at most the input limit: 0 or errno. size is what fstat gave a
 * regular file (0: unknown): its text then takes one allocation of that size and the
 * buffer grows, by doubling, only for a stream or a file that grew since. */
static int read_stream(FILE *fp, size_t size, char **out, size_t *len) {
  size_t cap = size > 0 ? size + 1 : 65536, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL) return ENOMEM;
  for (;;) {
    if (n + 1 >= cap) {
      int c = getc(fp); /* full: is there more? */
      if (c == EOF) break;
      char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
      if (nb == NULL) {
        free(buf);
        return ENOMEM;
      }
      buf = nb;
      cap *= 2;
      buf[n++] = (char)c;
    }
    errno = 0;
    size_t got = fread(buf + n, 1, cap - 1 - n, fp);
    n += got;
    if (n > max_input) {
      free(buf);
      return EFBIG;
    }
    if (got == 0) break;
  }
  if (ferror(fp)) {
    int e = errno ? errno : EIO;
    free(buf);
    return e;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

/* One text served from memory instead of a file (suggest --diff hands diff its result). */
static struct {
  const char *path, *text;
  size_t len;
} virtual_file;

void sbp_tool_virtual_file(const char *path, const char *text, size_t len) {
  virtual_file.path = text ? path : NULL;
  virtual_file.text = text;
  virtual_file.len = len;
}

int sbp_tool_read_file(const char *path, char **out, size_t *len) {
  if (virtual_file.path != NULL && strcmp(path, virtual_file.path) == 0)
    return copy_text(virtual_file.text, virtual_file.len, out, len);
  int is_stdin = strcmp(path, "-") == 0;
  if (is_stdin && stdin_read) return copy_text(stdin_text, stdin_len, out, len);
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  if (fp == NULL) return errno ? errno : EIO;
  size_t size = 0;
#if !defined(_WIN32)
  struct stat st;
  if (fstat(fileno(fp), &st) == 0) {
    int e = S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (!is_stdin && S_ISREG(st.st_mode) && st.st_size > 0) {
      if ((uintmax_t)st.st_size > max_input) e = EFBIG;
      else size = (size_t)st.st_size; /* standard input, even from a file, grows as it reads */
    }
    if (e != 0) {
      if (!is_stdin) fclose(fp);
      return e;
    }
  }
#endif
  int e = read_stream(fp, size, out, len);
  if (!is_stdin) {
    fclose(fp);
    return e;
  }
  if (e == 0) {
    e = copy_text(*out, *len, &stdin_text, &stdin_len);
    if (e == 0) {
      stdin_read = 1;
    } else {
      free(*out);
      *out = NULL;
    }
  }
  return e;
}

int sbp_tool_input_error(const char *path, int e) {
  if (e == EFBIG)
    fprintf(stderr, "sbprofile: %s: larger than the input limit of %zu bytes (see --max-input-size)\n",
            sbp_tool_display_name(path), max_input);
  else
    fprintf(stderr, "sbprofile: %s: %s\n", sbp_tool_display_name(path), strerror(e));
  return e == ENOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_NOINPUT;
}

int sbp_tool_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "sbprofile %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'sbprofile %s --help'.\n", cmd);
  return SBP_EXIT_USAGE;
}

int sbp_tool_is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

int sbp_tool_common_option(const char *cmd, int argc, char **argv, int *i, int *operands_only) {
  const char *a = argv[*i];
  if (strcmp(a, "--") == 0) {
    *operands_only = 1;
    return 1;
  }
  const char *v;
  if (strncmp(a, "--max-input-size=", 17) == 0) {
    v = a + 17;
  } else if (strcmp(a, "--max-input-size") == 0) {
    if (*i + 1 >= argc) {
      sbp_tool_usage_error(cmd, "--max-input-size needs an argument");
      return -1;
    }
    v = argv[++*i];
  } else {
    return 0;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (v[0] < '0' || v[0] > '9' || end == v || *end != '\0' || errno == ERANGE || n == 0 ||
      n > (unsigned long long)(SIZE_MAX / 4)) {
    sbp_tool_usage_error(cmd, "--max-input-size expects a number of bytes, got '%s'", v);
    return -1;
  }
  max_input = (size_t)n;
  return 1;
}

int sbp_tool_finish_stdout(const char *cmd) {
  errno = 0;
  int bad = fflush(stdout) != 0;
  int e = errno;
  if (!bad && !ferror(stdout)) return SBP_EXIT_OK;
  fprintf(stderr, "sbprofile %s: cannot write standard output: %s\n", cmd,
          e ? strerror(e) : "a write failed");
  return SBP_EXIT_IOERR;
}

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
    sbp_tool_usage_error(cmd, "%s expects KEY=VALUE, got '%s'", opt, kv);
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
  if (strcmp(a, "--keep-imports") == 0) {
    ev->keep_imports = 1;
    return 1;
  }
  int taken = sbp_tool_entitlement_option(ev, cmd, argc, argv, i);
  if (taken != 0) return taken;
  if (strncmp(a, "-D", 2) != 0 && strncmp(a, "-I", 2) != 0) return 0;
  const char *v = a[2] ? a + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
  if (v == NULL) {
    sbp_tool_usage_error(cmd, "%.2s needs an argument", a);
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
    if (e) return sbp_tool_input_error(files[i], e);
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
  opts->flags = SBP_READ_SYMBOLIC_PARAMS;
  if (ev->keep_imports) opts->flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
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

int sbp_tool_macos(const char *cmd, const char *value, uint32_t *used) {
  sbp_error err = SBP_ERROR_INIT;
  uint32_t requested = 0;
  int rc = sbp_macos_version_resolve(value, strlen(value), &requested, used, &err);
  if (rc == SBP_E_NOT_FOUND) {
    sbp_tool_usage_error(cmd, "%s", err.message);
    return -1;
  }
  if (rc != SBP_OK) {
    sbp_tool_usage_error(cmd, "--macos expects a version such as 14.4.1, got '%s'", value);
    return -1;
  }
  if (*used != requested) {
    sbp_buf text = SBP_BUF_INIT;
    if (sbp_macos_version_format(*used, NULL, &text, NULL) == SBP_OK)
      fprintf(stderr, "sbprofile %s: macOS %s has no catalog of its own: using %s, the newest "
                      "before it\n", cmd, value, text.ptr);
    sbp_buf_dispose(&text);
  }
  return 1;
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

int sbp_tool_macos_option(const char *cmd, int argc, char **argv, int *i, uint32_t *used) {
  const char *a = argv[*i];
  if (strcmp(a, "--macos") != 0 && strncmp(a, "--macos=", 8) != 0) return 0;
  const char *v = a[7] == '=' ? a + 8 : (*i + 1 < argc ? argv[++*i] : NULL);
  if (v == NULL) {
    sbp_tool_usage_error(cmd, "--macos expects a version such as 14.4.1");
    return -1;
  }
  return sbp_tool_macos(cmd, v, used) < 0 ? -1 : 1;
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
    sbp_tool_usage_error(cmd, "--color expects auto, always or never");
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
