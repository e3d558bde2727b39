/* sbprofile lint: GCC-style diagnostics for profile files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void lint_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile lint [--macos VERSION] [--werror] [--no-notes] [--join]\n"
          "                      [-D KEY=VALUE]... [-I DIR]... [--color=WHEN] FILE...\n"
          "       sbprofile lint --list-checks\n\n"
          "Checks each profile ('-' reads standard input) and prints its diagnostics as\n"
          "FILE:LINE:COL: error|warning|note: MESSAGE [CODE], with a suggested fix on the\n"
          "next line where there is one.\n\n"
          "  --macos VERSION  the macOS version to check names against (10.12 ... 14.4.1;\n"
          "                   a newer one uses the newest table); default: the newest\n"
          "  --werror         exit 1 on warnings as well as errors\n"
          "  --no-notes       leave out notes\n"
          "  --join           evaluate the files as one profile, in order (common.sb first)\n"
          "  -E KEY=VALUE     an entitlement of the process (true/false: a boolean;\n"
          "                   a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                   the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE     a parameter value for (param \"KEY\"); parameters without one\n"
          "                   stay symbolic\n"
          "  -I DIR           a directory to search for (import \"NAME\")\n"
          "  --color=WHEN     auto (on a terminal; default), always or never\n"
          "  --list-checks    print the checks: code, usual severity, summary\n"
          SBP_TOOL_COMMON_HELP "\n"
          "Exit status: 0 no errors, 1 errors (or warnings with --werror), 2 usage error,\n"
          "65 a profile does not read or evaluate, 66 unreadable input, 74 cannot write the\n"
          "output.\n");
}

static void list_checks(void) {
  for (size_t i = 0; i < sbp_lint_check_count(); i++)
    printf("%-26s %-8s %s\n", sbp_lint_check_code(i),
           sbp_lint_severity_name(sbp_lint_check_severity(i)), sbp_lint_check_summary(i));
}

static const char *severity_color(int sev) {
  switch (sev) {
    case SBP_LINT_ERROR: return "\033[1;31m";
    case SBP_LINT_WARNING: return "\033[1;35m";
    default: return "\033[1;36m";
  }
}

/* Prints a result; returns the worst severity seen (0 for none). */
static int print_result(const sbp_lint_result *r, const char *fallback_file, int color) {
  int worst = 0;
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    sbp_lint_position(r, i, &file, &line, &col);
    int sev = sbp_lint_severity(r, i);
    if (sev > worst) worst = sev;
    if (file == NULL) file = fallback_file;
    if (color) fputs("\033[1m", stdout);
    if (line)
      printf("%s:%u:%u:", file, (unsigned)line, (unsigned)col);
    else
      printf("%s:", file);
    if (color) fputs("\033[0m", stdout);
    printf(" %s%s:%s %s [%s]\n", color ? severity_color(sev) : "", sbp_lint_severity_name(sev),
           color ? "\033[0m" : "", sbp_lint_message(r, i), sbp_lint_code(r, i));
    const char *fix = sbp_lint_fix(r, i);
    if (fix != NULL) printf("    fix: %s%s%s\n", color ? "\033[32m" : "", fix, color ? "\033[0m" : "");
  }
  return worst;
}

int sbp_tool_lint(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  sbp_source *src = calloc((size_t)argc + 1, sizeof(sbp_source));
  size_t nfiles = 0, nsrc = 0;
  int werror = 0, join = 0, operands_only = 0;
  const char *color_mode = NULL;
  sbp_lint_options lo = SBP_LINT_OPTIONS_INIT;
  if (sbp_tool_eval_init(&ev, argc) != 0 || files == NULL || src == NULL) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int t;
    if (operands_only) {
      files[nfiles++] = a;
    } else if (sbp_tool_is_help(a)) {
      lint_usage(stdout);
      goto done;
    } else if ((t = sbp_tool_common_option("lint", argc, argv, &i, &operands_only)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (strcmp(a, "--list-checks") == 0) {
      list_checks();
      goto done;
    } else if (strcmp(a, "--werror") == 0 || strcmp(a, "-Werror") == 0) {
      werror = 1;
    } else if (strcmp(a, "--no-notes") == 0) {
      lo.flags |= SBP_LINT_NO_NOTES;
    } else if (strcmp(a, "--join") == 0) {
      join = 1;
    } else if ((t = sbp_tool_macos_option("lint", argc, argv, &i, &lo.macos)) != 0 ||
               (t = sbp_tool_color_option("lint", argc, argv, &i, &color_mode)) != 0 ||
               (t = sbp_tool_eval_option(&ev, "lint", argc, argv, &i)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      status = sbp_tool_usage_error("lint", "unknown option '%s'", a);
      goto done;
    } else {
      files[nfiles++] = a;
    }
  }
  if (nfiles == 0) {
    status = sbp_tool_usage_error("lint", "no input file");
    goto done;
  }
  int color = sbp_tool_color(color_mode, stdout);
  sbp_read_options ro;
  sbp_tool_eval_read_options(&ev, &ro);
  /* an import that cannot be found is reported (missing-import) and the rest still checked */
  ro.flags |= SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  lo.read = &ro;
  int any_error = 0, any_warning = 0, not_evaluated = 0, unreadable = 0;
  for (size_t i = 0; i < nfiles; i++) {
    char *text = NULL;
    size_t len = 0;
    int e = sbp_tool_read_file(files[i], &text, &len);
    if (e) {
      sbp_tool_input_error(files[i], e);
      unreadable = 1;
      continue;
    }
    src[nsrc].text = text;
    src[nsrc].len = len;
    src[nsrc].file = sbp_tool_display_name(files[i]);
    nsrc++;
  }
  size_t groups = join ? (nsrc > 0 ? 1 : 0) : nsrc;
  for (size_t g = 0; g < groups; g++) {
    sbp_lint_result *r = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = join ? sbp_lint_sources(src, nsrc, &lo, NULL, &r, &err)
                  : sbp_lint_sources(&src[g], 1, &lo, NULL, &r, &err);
    if (rc != SBP_OK) {
      sbp_tool_print_error(src[g].file, &err);
      status = SBP_EXIT_SOFTWARE;
      goto done;
    }
    int worst = print_result(r, src[g].file, color);
    if (worst >= SBP_LINT_ERROR) any_error = 1;
    if (worst >= SBP_LINT_WARNING) any_warning = 1;
    if (!sbp_lint_evaluated(r)) not_evaluated = 1;
    sbp_lint_result_free(r);
  }
  if ((status = sbp_tool_finish_stdout("lint")) != SBP_EXIT_OK) {
  } else if (not_evaluated) status = SBP_EXIT_DATAERR;
  else if (unreadable) status = SBP_EXIT_NOINPUT;
  else if (any_error || (werror && any_warning)) status = SBP_EXIT_FOUND;
done:
  for (size_t i = 0; i < nsrc; i++) free((void *)(uintptr_t)src[i].text);
  free(src);
  free(files);
  sbp_tool_eval_free(&ev);
  return status;
}
