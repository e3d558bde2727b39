/* sbprofile suggest: from sandbox denial reports to the rules that allow them; with a
 * profile, decided against it, placed where they take effect and checked (--apply prints the
 * patched profile, --diff the change as `sbprofile diff` shows it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void suggest_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile suggest [-f PROFILE] [-D KEY=VALUE]... [-I DIR]... [--macos VERSION]\n"
          "                         [--workspace DIR] [--collapse] [--apply | --diff]\n"
          "                         [--allow-risky] [LOG...]\n\n"
          "Reads sandbox denial reports (kernel 'Sandbox: NAME(PID) deny(N) OP TARGET' lines,\n"
          "log show/stream output in any --style, sandbox wrappers' <sandbox_violations>)\n"
          "from the LOG files ('-' or none: standard input) and prints the rules that allow\n"
          "them as SBPL, grouped by operation, each with the processes, the count and the\n"
          "catalog's note on the service. Lines that are not reports are skipped and counted.\n\n"
          "  -f PROFILE       decide each request against PROFILE: name the rule that denied\n"
          "                   it, say when the profile already allows it, place each rule\n"
          "                   after the deny that would otherwise win, and check the result\n"
          "  -D KEY=VALUE     a parameter value for (param \"KEY\") in PROFILE\n"
          "  -I DIR           a directory to search for (import \"NAME\")\n"
          "  --macos VERSION  the catalog version (default: newest)\n"
          "  --workspace DIR  writes below DIR are not flagged as risky\n"
          "  --collapse       files denied in one directory share a (subpath DIR) rule\n"
          "  --apply          print the whole patched PROFILE\n"
          "  --diff           print the change as 'sbprofile diff PROFILE PATCHED' shows it\n"
          "  --allow-risky    let --apply and --diff include risky grants (writes outside the\n"
          "                   workspace, secrets, process-exec anywhere, broad mach-lookup,\n"
          "                   network to any host)\n\n"
          "Exit status: 0 done, 1 risky rules refused or the patched profile does not allow\n"
          "every denied request, 2 usage error, 65 PROFILE does not read, 66 unreadable input.\n");
}

/* A usage error: one line, and where to read more. */
static int usage_error(const char *msg, const char *arg) {
  return sbp_tool_usage_error("suggest", "%s%s%s%s", msg, arg ? " '" : "", arg ? arg : "",
                              arg ? "'" : "");
}

/* --diff: `sbprofile diff PROFILE <suggested>` over the patched text, served from memory. */
static int run_diff(const sbp_tool_eval *ev, const char *profile_path, const char *macos,
                    const char *patched, size_t len) {
  static const char name[] = "<suggested>";
  size_t n = 0;
  char **argv = calloc(2 * (ev->nparams + ev->ndirs) + 8, sizeof *argv);
  char **kv = calloc(ev->nparams + 1, sizeof *kv);
  int status = SBP_EXIT_SOFTWARE;
  if (argv == NULL || kv == NULL) goto done;
  argv[n++] = "diff";
  if (macos) {
    argv[n++] = "--macos";
    argv[n++] = (char *)(uintptr_t)macos;
  }
  for (size_t i = 0; i < ev->nparams; i++) {
    size_t kl = strlen(ev->params[2 * i]), vl = strlen(ev->params[2 * i + 1]);
    if ((kv[i] = malloc(kl + vl + 2)) == NULL) goto done;
    memcpy(kv[i], ev->params[2 * i], kl);
    kv[i][kl] = '=';
    memcpy(kv[i] + kl + 1, ev->params[2 * i + 1], vl + 1);
    argv[n++] = "-D";
    argv[n++] = kv[i];
  }
  for (size_t i = 0; i < ev->ndirs; i++) {
    argv[n++] = "-I";
    argv[n++] = (char *)(uintptr_t)ev->dirs[i];
  }
  argv[n++] = (char *)(uintptr_t)profile_path;
  argv[n++] = (char *)(uintptr_t)name;
  sbp_tool_virtual_file(name, patched, len);
  status = sbp_tool_diff((int)n, argv);
  sbp_tool_virtual_file(name, NULL, 0);
done:
  if (status == SBP_EXIT_SOFTWARE && (argv == NULL || kv == NULL))
    fprintf(stderr, "sbprofile: out of memory\n");
  for (size_t i = 0; kv && i < ev->nparams; i++) free(kv[i]);
  free(kv);
  free(argv);
  return status;
}

static void print_skipped(const sbp_denial_log *log, const char *const *files, size_t nfiles) {
  uint32_t src = 0, line = 0;
  const char *why = sbp_denial_log_first_skipped(log, &src, &line);
  if (why == NULL) return;
  const char *file = nfiles ? sbp_tool_display_name(files[src]) : "<stdin>";
  size_t n = sbp_denial_log_skipped(log);
  fprintf(stderr, "sbprofile suggest: %zu line%s skipped, not read as reports (first: %s:%u: %s)\n",
          n, n == 1 ? "" : "s", file, (unsigned)line, why);
}

int sbp_tool_suggest(int argc, char **argv) {
  sbp_tool_eval ev;
  const char *profile_path = NULL, *workspace = NULL, *macos_arg = NULL;
  uint32_t macos = 0, flags = 0;
  int apply = 0, diff = 0, status = SBP_EXIT_OK;
  const char **files = calloc((size_t)argc + 1, sizeof *files);
  size_t nfiles = 0;
  char *ptext = NULL;
  size_t plen = 0;
  sbp_denial_log *log = NULL;
  sbp_suggestion *sg = NULL;
  sbp_buf out = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  if (files == NULL || sbp_tool_eval_init(&ev, argc) != 0) {
    free(files);
    fprintf(stderr, "sbprofile: out of memory\n");
    return SBP_EXIT_SOFTWARE;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int t;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      suggest_usage(stdout);
      goto done;
    } else if (strcmp(a, "-f") == 0 || strcmp(a, "--workspace") == 0 ||
               strcmp(a, "--macos") == 0) {
      if (i + 1 >= argc) {
        status = usage_error("option needs an argument:", a);
        goto done;
      }
      const char *v = argv[++i];
      if (a[1] == 'f') {
        if (profile_path != NULL) {
          status = usage_error("only one -f PROFILE", NULL);
          goto done;
        }
        profile_path = v;
      } else if (a[2] == 'w') {
        workspace = v;
      } else {
        if (sbp_tool_macos("suggest", v, &macos) < 0) {
          status = SBP_EXIT_USAGE;
          goto done;
        }
        macos_arg = v;
      }
    } else if (strcmp(a, "--collapse") == 0) {
      flags |= SBP_SUGGEST_COLLAPSE;
    } else if (strcmp(a, "--allow-risky") == 0) {
      flags |= SBP_SUGGEST_ALLOW_RISKY;
    } else if (strcmp(a, "--apply") == 0) {
      apply = 1;
    } else if (strcmp(a, "--diff") == 0) {
      diff = 1;
    } else if ((t = sbp_tool_eval_option(&ev, "suggest", argc, argv, &i)) != 0) {
      if (t < 0) {
        fprintf(stderr, "Try 'sbprofile suggest --help'.\n");
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      status = usage_error("unknown option", a);
      goto done;
    } else {
      files[nfiles++] = a;
    }
  }
  if (apply && diff) {
    status = usage_error("--apply and --diff exclude each other", NULL);
    goto done;
  }
  if ((apply || diff) && profile_path == NULL) {
    status = usage_error(apply ? "--apply needs -f PROFILE" : "--diff needs -f PROFILE", NULL);
    goto done;
  }
  int log_stdin = nfiles == 0;
  for (size_t i = 0; i < nfiles; i++)
    if (strcmp(files[i], "-") == 0) log_stdin = 1;
  if (log_stdin && profile_path && strcmp(profile_path, "-") == 0) {
    status = usage_error("the profile and the log cannot both be standard input", NULL);
    goto done;
  }
  if (profile_path) {
    int e = sbp_tool_read_file(profile_path, &ptext, &plen);
    if (e) {
      fprintf(stderr, "sbprofile: %s: %s\n", profile_path, strerror(e));
      status = SBP_EXIT_NOINPUT;
      goto done;
    }
  }
  if (sbp_denial_log_new(&log, NULL, NULL, &err) != SBP_OK) goto nomem;
  for (size_t i = 0; i < (nfiles ? nfiles : 1); i++) {
    const char *path = nfiles ? files[i] : "-";
    char *text = NULL;
    size_t len = 0;
    int e = sbp_tool_read_file(path, &text, &len);
    if (e) {
      fprintf(stderr, "sbprofile: %s: %s\n", path, strerror(e));
      status = SBP_EXIT_NOINPUT;
      goto done;
    }
    int rc = sbp_denial_log_add(log, text, len, &err);
    free(text);
    if (rc != SBP_OK) {
      fprintf(stderr, "sbprofile suggest: %s: %s\n", sbp_tool_display_name(path), err.message);
      status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
      goto done;
    }
  }
  print_skipped(log, files, nfiles);
  if (sbp_denial_log_count(log) == 0)
    fprintf(stderr, "sbprofile suggest: no denial reports in the input\n");
  sbp_read_options ro;
  sbp_tool_eval_read_options(&ev, &ro);
  ro.macos = macos; /* the profile is read as that version does */
  sbp_source src = {ptext, plen, profile_path ? sbp_tool_display_name(profile_path) : NULL};
  sbp_suggest_options so = SBP_SUGGEST_OPTIONS_INIT;
  so.flags = flags;
  so.macos = macos;
  so.workspace = workspace;
  so.profile = profile_path ? &src : NULL;
  so.read = &ro;
  int rc = sbp_suggest(&sg, log, &so, NULL, &err);
  if (rc != SBP_OK) {
    if (rc == SBP_E_NOMEM) goto nomem;
    sbp_tool_print_error(src.file, &err);
    status = SBP_EXIT_DATAERR;
    goto done;
  }
  size_t still = 0, other = 0;
  const char *check_text = "";
  int checked = sbp_suggestion_verified(sg, &still, &other, &check_text);
  if ((apply || diff) && !(flags & SBP_SUGGEST_ALLOW_RISKY) && sbp_suggestion_risky_count(sg)) {
    fprintf(stderr, "sbprofile suggest: %zu risky rule%s left out; --allow-risky includes them:\n",
            sbp_suggestion_risky_count(sg), sbp_suggestion_risky_count(sg) == 1 ? "" : "s");
    for (size_t k = 0; k < sbp_suggestion_rule_count(sg); k++) {
      sbp_suggest_rule r;
      if (sbp_suggestion_rule(sg, k, &r) == SBP_OK && r.risk)
        fprintf(stderr, "  %s  ; %s\n", r.text, r.risk);
    }
    status = SBP_EXIT_FOUND;
    goto done;
  }
  if (apply) {
    if (sbp_suggestion_profile(sg, &out, &err) != SBP_OK) goto nomem;
    fwrite(out.ptr, 1, out.len, stdout);
  } else if (diff) {
    if (sbp_suggestion_profile(sg, &out, &err) != SBP_OK) goto nomem;
    fflush(stdout);
    int d = run_diff(&ev, profile_path, macos_arg, out.ptr, out.len);
    if (d == SBP_EXIT_SOFTWARE || d == SBP_EXIT_DATAERR || d == SBP_EXIT_NOINPUT) {
      status = d;
      goto done;
    }
  } else {
    if (sbp_suggestion_format(sg, &out, &err) != SBP_OK) goto nomem;
    fwrite(out.ptr, 1, out.len, stdout);
    if (checked) {
      if (still == 0 && other == 0)
        printf("\n;; check: the patched profile allows every denied request and decides "
               "nothing else differently\n");
      else
        printf("\n;; check:\n");
    }
  }
  if (checked && (still || other)) {
    FILE *to = apply || diff ? stderr : stdout;
    for (const char *p = check_text; *p;) {
      const char *nl = strchr(p, '\n');
      size_t n = nl ? (size_t)(nl - p) : strlen(p);
      fprintf(to, ";;   %.*s\n", (int)n, p);
      p += n + (nl != NULL);
    }
  }
  if (checked && still) status = SBP_EXIT_FOUND;
  if (fflush(stdout) != 0) status = SBP_EXIT_SOFTWARE;
  goto done;
nomem:
  fprintf(stderr, "sbprofile: out of memory\n");
  status = SBP_EXIT_SOFTWARE;
done:
  sbp_buf_dispose(&out);
  sbp_suggestion_free(sg);
  sbp_denial_log_free(log);
  free(ptext);
  free(files);
  sbp_tool_eval_free(&ev);
  return status;
}
