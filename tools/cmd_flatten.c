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
          "                     before it; default: every version's names)\n"
          SBP_TOOL_COMMON_HELP "\n"
          "Exit status: 0 success, 2 usage error, 65 profile error (FILE:LINE:COL: error:\n"
          "MESSAGE on standard error), 66 unreadable input, 74 cannot write the output.\n");
}

/* A parameter a symbolic read left without a value: the first on that line, else the
 * first. */
static const char *unset_param(const sbp_profile *p, uint32_t line) {
  const sbp_node *root = sbp_profile_root(p);
  const char *first = NULL;
  const sbp_node *n = sbp_node_first_child(root);
  while (n != NULL) {
    if (sbp_value_kind_of(n) == SBP_VALUE_PARAM) {
      uint32_t l = 0;
      sbp_node_position(n, NULL, &l, NULL);
      if (l == line) return sbp_node_text(n, NULL);
      if (first == NULL) first = sbp_node_text(n, NULL);
    }
    if (sbp_node_first_child(n) != NULL) {
      n = sbp_node_first_child(n);
      continue;
    }
    while (n != NULL && n != root && sbp_node_next(n) == NULL) n = sbp_node_parent(n);
    if (n == NULL || n == root) break;
    n = sbp_node_next(n);
  }
  return first;
}

int sbp_tool_flatten(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  sbp_source *src = calloc((size_t)argc + 1, sizeof(sbp_source));
  size_t nfiles = 0, nsrc = 0;
  int operands_only = 0;
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
    if (operands_only) {
      files[nfiles++] = a;
      continue;
    }
    if (sbp_tool_is_help(a)) {
      flatten_usage(stdout);
      goto done;
    }
    if ((taken = sbp_tool_common_option("flatten", argc, argv, &i, &operands_only)) != 0) {
      if (taken < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (strcmp(a, "--symbolic-params") == 0) {
      flags |= SBP_READ_SYMBOLIC_PARAMS;
    } else if (strcmp(a, "--keep-imports") == 0) {
      flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    } else if ((taken = sbp_tool_macos_option("flatten", argc, argv, &i, &macos)) != 0 ||
               (taken = sbp_tool_eval_option(&ev, "flatten", argc, argv, &i)) != 0) {
      if (taken < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      status = sbp_tool_usage_error("flatten", "unknown option '%s'", a);
      goto done;
    } else {
      files[nfiles++] = a;
    }
  }
  if (nfiles == 0) {
    status = sbp_tool_usage_error("flatten", "no input file");
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
  if (rc == SBP_E_EVAL && !(opts.flags & SBP_READ_SYMBOLIC_PARAMS)) {
    /* an absent parameter is #f: when keeping parameters symbolic reads, say which one */
    sbp_read_options sym = opts;
    sym.flags |= SBP_READ_SYMBOLIC_PARAMS;
    sbp_profile *ps = NULL;
    const char *name = NULL;
    if (sbp_profile_read_sources(&ps, src, nsrc, &sym, NULL, NULL) == SBP_OK)
      name = unset_param(ps, err.line);
    if (name != NULL) {
      char detail[sizeof err.message];
      memcpy(detail, err.message, sizeof detail);
      int n = snprintf(err.message, sizeof err.message,
                       "parameter \"%.60s\" has no value: give -D %.60s=VALUE, or "
                       "--symbolic-params to keep it (", name, name);
      if (n > 0 && (size_t)n < sizeof err.message - 2) {
        size_t room = sizeof err.message - (size_t)n - 2;
        size_t dl = strlen(detail);
        if (dl > room) dl = room;
        memcpy(err.message + n, detail, dl);
        memcpy(err.message + n + dl, ")", 2);
      }
    }
    sbp_profile_free(ps);
  }
  if (rc == SBP_OK) {
    /* What flatten prints, check must accept: its regexes compile within the dialect's and
     * the decider's limits (a{256}, deep groups, too much memory fail both alike). */
    sbp_decider *d = NULL;
    sbp_decide_options dopts = SBP_DECIDE_OPTIONS_INIT;
    dopts.macos = opts.macos;
    rc = sbp_decider_new(&d, p, &dopts, &err);
    sbp_decider_free(d);
  }
  if (rc != SBP_OK) {
    sbp_tool_print_error(files[0], &err);
    status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
    goto done;
  }
  sbp_buf out = SBP_BUF_INIT;
  rc = sbp_serialize(p, NULL, &out, &err);
  if (rc != SBP_OK) {
    fprintf(stderr, "sbprofile: cannot write the profile: %s\n", err.message);
    status = SBP_EXIT_DATAERR;
  } else {
    if (out.len) fwrite(out.ptr, 1, out.len, stdout);
    status = sbp_tool_finish_stdout("flatten");
  }
  sbp_buf_dispose(&out);
done:
  sbp_profile_free(p);
  sbp_tool_free_sources(src, nsrc);
  free(src);
  free(files);
  sbp_tool_eval_free(&ev);
  return status;
}
