/* sbprofile flatten: evaluates profile files as one profile (concatenated in order) and
 * prints the rules as canonical SBPL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void flatten_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile flatten [-D KEY=VALUE]... [-I DIR]... [--symbolic-params]\n"
          "                         [--keep-imports] FILE...\n\n"
          "Evaluates the files as one profile (in order, as if concatenated; '-' reads\n"
          "standard input) and prints its rules as canonical SBPL.\n\n"
          "  -D KEY=VALUE       a parameter value for (param \"KEY\"), as sandbox-exec -D\n"
          "  -I DIR             a directory to search for (import \"NAME\")\n"
          "  --symbolic-params  keep parameters without a value as (param \"KEY\")\n"
          "  --keep-imports     keep imports that cannot be found as (import \"NAME\")\n\n"
          "Exit status: 0 success, 2 usage error, 65 profile error (FILE:LINE:COL: error:\n"
          "MESSAGE on standard error), 66 unreadable input.\n");
}

int sbp_tool_flatten(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  const char **params = calloc((size_t)argc * 2 + 2, sizeof(char *));
  const char **dirs = calloc((size_t)argc + 1, sizeof(char *));
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  char **keys = calloc((size_t)argc + 1, sizeof(char *));
  sbp_source *src = calloc((size_t)argc + 1, sizeof(sbp_source));
  size_t nparams = 0, ndirs = 0, nfiles = 0, nsrc = 0;
  uint32_t flags = 0;
  sbp_profile *p = NULL;
  if (!params || !dirs || !files || !keys || !src) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      flatten_usage(stdout);
      goto done;
    }
    if (strcmp(a, "--symbolic-params") == 0) {
      flags |= SBP_READ_SYMBOLIC_PARAMS;
    } else if (strcmp(a, "--keep-imports") == 0) {
      flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    } else if (strncmp(a, "-D", 2) == 0 || strncmp(a, "-I", 2) == 0) {
      const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
      if (v == NULL) {
        fprintf(stderr, "sbprofile flatten: %s needs an argument\n", a);
        status = SBP_EXIT_USAGE;
        goto done;
      }
      if (a[1] == 'I') {
        dirs[ndirs++] = v;
      } else {
        const char *eq = strchr(v, '=');
        if (eq == NULL || eq == v) {
          fprintf(stderr, "sbprofile flatten: -D expects KEY=VALUE, got '%s'\n", v);
          status = SBP_EXIT_USAGE;
          goto done;
        }
        char *key = malloc((size_t)(eq - v) + 1);
        if (key == NULL) {
          status = SBP_EXIT_SOFTWARE;
          goto done;
        }
        memcpy(key, v, (size_t)(eq - v));
        key[eq - v] = '\0';
        keys[nparams] = key;
        params[2 * nparams] = key;
        params[2 * nparams + 1] = eq + 1;
        nparams++;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "sbprofile flatten: unknown option '%s'\n", a);
      flatten_usage(stderr);
      status = SBP_EXIT_USAGE;
      goto done;
    } else {
      files[nfiles++] = a;
    }
  }
  if (nfiles == 0) {
    fprintf(stderr, "sbprofile flatten: no input file\n");
    flatten_usage(stderr);
    status = SBP_EXIT_USAGE;
    goto done;
  }
  for (size_t i = 0; i < nfiles; i++) {
    char *text = NULL;
    size_t len = 0;
    int e = sbp_tool_read_file(files[i], &text, &len);
    if (e) {
      fprintf(stderr, "sbprofile: %s: %s\n", files[i], strerror(e));
      status = SBP_EXIT_NOINPUT;
      goto done;
    }
    src[nsrc].text = text;
    src[nsrc].len = len;
    src[nsrc].file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
    nsrc++;
  }
  sbp_import_dirs idirs = {dirs, ndirs};
  sbp_read_options opts = SBP_READ_OPTIONS_INIT;
  opts.flags = flags;
  opts.params = params;
  opts.nparams = nparams;
  opts.import = sbp_import_search;
  opts.import_payload = &idirs;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read_sources(&p, src, nsrc, &opts, NULL, &err);
  if (rc != SBP_OK) {
    if (err.line)
      fprintf(stderr, "%s:%u:%u: error: %s\n", err.file[0] ? err.file : "<input>",
              (unsigned)err.line, (unsigned)err.column, err.message);
    else
      fprintf(stderr, "%s: error: %s\n", err.file[0] ? err.file : "sbprofile", err.message);
    status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
    goto done;
  }
  sbp_buf out = SBP_BUF_INIT;
  rc = sbp_serialize(p, NULL, &out, &err);
  if (rc != SBP_OK) {
    fprintf(stderr, "sbprofile: cannot write the profile: %s\n", err.message);
    status = SBP_EXIT_DATAERR;
  } else if (out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len) {
    status = SBP_EXIT_SOFTWARE;
  }
  sbp_buf_dispose(&out);
  if (fflush(stdout) != 0) status = SBP_EXIT_SOFTWARE;
done:
  sbp_profile_free(p);
  for (size_t i = 0; i < nsrc; i++) free((void *)(uintptr_t)src[i].text);
  for (size_t i = 0; keys && i < nparams; i++) free(keys[i]);
  free(src);
  free(keys);
  free(files);
  free(dirs);
  free(params);
  return status;
}
