/* sbprofile flatten: evaluates profile files as one profile (concatenated in order) and
 * prints the rules as canonical SBPL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void flatten_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile flatten [--macos VERSION] [-D KEY=VALUE]... [-I DIR]...\n"
          "                         [--symbolic-params] [--keep-imports] FILE...\n\n"
          "Evaluates the files as one profile (in order, as if concatenated; '-' reads\n"
          "standard input) and prints its rules as canonical SBPL.\n\n"
          "  -E KEY=VALUE       an entitlement of the process (true/false: a boolean;\n"
          "                     a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                     the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE       a parameter value for (param \"KEY\"), as sandbox-exec -D\n"
          "  -I DIR             a directory to search for (import \"NAME\")\n"
          "  --symbolic-params  keep parameters without a value as (param \"KEY\")\n"
          "  --keep-imports     keep imports that cannot be found as (import \"NAME\")\n"
          "  --macos VERSION    read the profile as that macOS version does: its names,\n"
          "                     aliases and canonical spellings (the newest catalog at or\n"
          "                     before it; default: every version's names)\n\n"
          "Exit status: 0 success, 2 usage error, 65 profile error (FILE:LINE:COL: error:\n"
          "MESSAGE on standard error), 66 unreadable input.\n");
}

int sbp_tool_flatten(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  sbp_source *src = calloc((size_t)argc + 1, sizeof(sbp_source));
  size_t nfiles = 0, nsrc = 0;
  uint32_t flags = 0, macos = 0;
  sbp_profile *p = NULL;
  if (sbp_tool_eval_init(&ev, argc) != 0 || !files || !src) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int taken;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      flatten_usage(stdout);
      goto done;
    }
    if (strcmp(a, "--symbolic-params") == 0) {
      flags |= SBP_READ_SYMBOLIC_PARAMS;
    } else if (strcmp(a, "--keep-imports") == 0) {
      flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    } else if (strcmp(a, "--macos") == 0 || strncmp(a, "--macos=", 8) == 0) {
      const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
      if (v == NULL || sbp_macos_version_parse(v, strlen(v), &macos, NULL) != SBP_OK ||
          sbp_catalog_version_nearest(macos) == 0) {
        fprintf(stderr, "sbprofile flatten: --macos expects a version such as 10.15\n");
        status = SBP_EXIT_USAGE;
        goto done;
      }
      macos = sbp_catalog_version_nearest(macos);
    } else if ((taken = sbp_tool_eval_option(&ev, "flatten", argc, argv, &i)) != 0) {
      if (taken < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
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
  if ((status = sbp_tool_read_sources(files, nfiles, src, &nsrc)) != SBP_EXIT_OK) goto done;
  sbp_read_options opts;
  sbp_tool_eval_read_options(&ev, &opts);
  /* Unlike lint and check, flatten reads as sandbox-exec does unless told otherwise: an
   * absent parameter is #f and an import that cannot be found is an error. */
  opts.flags = flags;
  opts.macos = macos;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read_sources(&p, src, nsrc, &opts, NULL, &err);
  if (rc != SBP_OK) {
    sbp_tool_print_error(NULL, &err);
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
  sbp_tool_free_sources(src, nsrc);
  free(src);
  free(files);
  sbp_tool_eval_free(&ev);
  return status;
}
