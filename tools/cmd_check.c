/* sbprofile check / explain: would this profile allow a request, which rule decides, and why.
 *
 *   sbprofile check   [-D KEY=VALUE]... [-I DIR]... [-f FILE]... [--attr NAME=VALUE]...
 *                     [--macos VERSION] [--canonical-paths] OPERATION [TARGET]
 *   sbprofile explain (the same arguments)
 *
 * check prints allow, deny or unknown, then the deciding rule as FILE:LINE:COL: (rule), then
 * one line per flag; explain prints the engine's account of the decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

/* Exit status of check for each decision. */
#define EXIT_ALLOW 0
#define EXIT_DENY 1
#define EXIT_UNKNOWN 3

static void check_usage(FILE *out, const char *cmd) {
  fprintf(out,
          "usage: sbprofile %s [-D KEY=VALUE]... [-I DIR]... [-f FILE]...\n"
          "                       [--attr NAME=VALUE]... [--macos VERSION] [--canonical-paths]\n"
          "                       OPERATION [TARGET]\n\n"
          "%s\n\n"
          "  -f FILE            a profile file; several are evaluated as one profile, in order\n"
          "                     (without -f the profile is read from standard input)\n"
          "  -E KEY=VALUE       an entitlement of the process (true/false: a boolean;\n"
          "                     a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                     the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE       a parameter value for (param \"KEY\"); parameters without a\n"
          "                     value stay symbolic and match as unknown\n"
          "  -I DIR             a directory to search for (import \"NAME\")\n"
          "  --attr NAME=VALUE  another attribute of the request, named after the filter that\n"
          "                     tests it (signing-identifier=..., vnode-type=REGULAR-FILE,\n"
          "                     remote=tcp:localhost:80, ...)\n"
          "  --macos VERSION    the macOS version whose catalog to use (default: the newest)\n"
          "  --canonical-paths  map /tmp, /var and /etc to /private/... as the kernel does\n\n"
          "TARGET is a path for file operations and unix sockets, a name for mach, sysctl,\n"
          "preference and IPC operations, PROTO:HOST:PORT for network addresses\n"
          "(tcp:localhost:8080, udp:*:53).\n\n"
          "Exit status: 0 allow, 1 deny, 3 unknown%s, 2 usage error, 65 profile error,\n"
          "66 unreadable input.\n",
          cmd,
          strcmp(cmd, "explain") == 0
              ? "Explains how the profile decides the request: the chain of operations walked,\n"
                "the rules considered with how each filter evaluated, and the deciding step."
              : "Decides a request: prints allow, deny or unknown, then the deciding rule as\n"
                "FILE:LINE:COL: (rule), then the weak facts and missing attributes relied on.",
          strcmp(cmd, "explain") == 0 ? " (as check)" : "");
}

/* PROTO:HOST:PORT, with an IPv6 host in brackets and * for any host or port. */
static int set_netaddr(sbp_request *req, sbp_attr attr, const char *v, sbp_error *err) {
  const char *c1 = strchr(v, ':');
  if (c1 == NULL) return sbp_request_set_netaddr(req, attr, v, strlen(v), NULL, 0, SBP_PORT_ANY, err);
  const char *host = c1 + 1, *host_end, *rest;
  if (*host == '[') {
    host_end = strchr(host, ']');
    if (host_end == NULL || host_end[1] != ':') goto bad;
    host++;
    rest = host_end + 2;
  } else {
    host_end = strrchr(host, ':');
    if (host_end == NULL) goto bad;
    rest = host_end + 1;
  }
  int port = SBP_PORT_ANY;
  if (strcmp(rest, "*") != 0) {
    char *end;
    long n = strtol(rest, &end, 10);
    if (*rest == '\0' || *end != '\0' || n < 0 || n > 65535) goto bad;
    port = (int)n;
  }
  return sbp_request_set_netaddr(req, attr, v, (size_t)(c1 - v), host, (size_t)(host_end - host),
                                 port, err);
bad:
  snprintf(err->message, sizeof(err->message),
           "'%s' is not PROTO:HOST:PORT (e.g. tcp:localhost:8080, udp:*:53)", v);
  return SBP_E_INVALID_ARG;
}

static int is_integer_text(const char *v) {
  if (*v == '-') v++;
  if (*v == '\0') return 0;
  for (; *v; v++)
    if (*v < '0' || *v > '9') return 0;
  return 1;
}

/* --attr NAME=VALUE onto the request. */
static int set_attr(sbp_request *req, const char *spec, sbp_error *err) {
  const char *eq = strchr(spec, '=');
  if (eq == NULL || eq == spec) {
    snprintf(err->message, sizeof(err->message), "--attr expects NAME=VALUE, got '%s'", spec);
    return SBP_E_INVALID_ARG;
  }
  size_t nlen = (size_t)(eq - spec);
  const char *value = eq + 1;
  for (int a = SBP_ATTR_PATH; a <= SBP_ATTR_REMOTE; a++) {
    const char *name = sbp_attr_name((sbp_attr)a);
    if (name == NULL || strlen(name) != nlen || memcmp(name, spec, nlen) != 0) continue;
    if (a == SBP_ATTR_LOCAL || a == SBP_ATTR_REMOTE) return set_netaddr(req, (sbp_attr)a, value, err);
    if (a >= SBP_ATTR_TARGET && a <= SBP_ATTR_SIGNAL_NUMBER && is_integer_text(value))
      return sbp_request_set_integer_attr(req, (sbp_attr)a, strtoll(value, NULL, 10), err);
    return sbp_request_set_string_attr(req, (sbp_attr)a, value, strlen(value), err);
  }
  int numeric = is_integer_text(value);
  return sbp_request_set_named_attr(req, spec, nlen, numeric, value, strlen(value),
                                    numeric ? strtoll(value, NULL, 10) : 0, err);
}

/* The deciding rule as FILE:LINE:COL: (rule). */
static void print_rule(const sbp_node *rule) {
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_node_position(rule, &file, &line, &col);
  sbp_buf text = SBP_BUF_INIT;
  if (sbp_rule_text(rule, &text, NULL) != SBP_OK) return;
  printf("%s:%u:%u: %s\n", file ? file : "<profile>", (unsigned)line, (unsigned)col, text.ptr);
  sbp_buf_dispose(&text);
}

static void print_flags(const sbp_decision *d) {
  uint32_t flags = sbp_decision_flags(d);
  for (uint32_t bit = 1; bit != 0; bit <<= 1) {
    if (!(flags & bit)) continue;
    const char *confidence = NULL;
    const char *name = sbp_decision_flag_name(bit);
    const char *fact = sbp_decision_flag_fact(bit, &confidence, NULL);
    printf("flag: %s", name ? name : "unknown-flag");
    if (bit == SBP_DECISION_FLAG_MISSING_ATTR && sbp_decision_missing_attr(d) != NULL)
      printf(" (needs %s)", sbp_decision_missing_attr(d));
    int weak = confidence != NULL && strcmp(confidence, "-") != 0;
    if (fact != NULL) printf(": %s%s%s%s", fact, weak ? " [" : "", weak ? confidence : "", weak ? "]" : "");
    printf("\n");
  }
  const sbp_node *skipped = sbp_decision_skipped_rule(d);
  if (skipped != NULL) {
    printf("skipped: ");
    print_rule(skipped);
  }
}

static int run(int argc, char **argv, int explain) {
  const char *cmd = explain ? "explain" : "check";
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  const char **attrs = calloc((size_t)argc + 1, sizeof(char *));
  sbp_source *src = calloc((size_t)argc + 1, sizeof(sbp_source));
  size_t nfiles = 0, nattrs = 0, nsrc = 0;
  const char *op = NULL, *target = NULL, *macos = NULL;
  int canonical = 0;
  sbp_profile *p = NULL;
  sbp_decider *decider = NULL;
  sbp_request *req = NULL;
  sbp_decision *dec = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_tool_eval_init(&ev, argc) != 0 || !files || !attrs || !src) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int taken;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      check_usage(stdout, cmd);
      goto done;
    }
    if ((taken = sbp_tool_eval_option(&ev, cmd, argc, argv, &i)) != 0) {
      if (taken < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (strcmp(a, "-f") == 0 || strcmp(a, "--attr") == 0 || strcmp(a, "--macos") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "sbprofile %s: %s needs an argument\n", cmd, a);
        status = SBP_EXIT_USAGE;
        goto done;
      }
      const char *v = argv[++i];
      if (a[1] == 'f') files[nfiles++] = v;
      else if (a[2] == 'a') attrs[nattrs++] = v;
      else macos = v;
    } else if (strncmp(a, "--attr=", 7) == 0) {
      attrs[nattrs++] = a + 7;
    } else if (strncmp(a, "--macos=", 8) == 0) {
      macos = a + 8;
    } else if (strcmp(a, "--canonical-paths") == 0) {
      canonical = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "sbprofile %s: unknown option '%s'\n", cmd, a);
      check_usage(stderr, cmd);
      status = SBP_EXIT_USAGE;
      goto done;
    } else if (op == NULL) {
      op = a;
    } else if (target == NULL) {
      target = a;
    } else {
      fprintf(stderr, "sbprofile %s: unexpected argument '%s'\n", cmd, a);
      status = SBP_EXIT_USAGE;
      goto done;
    }
  }
  if (op == NULL) {
    fprintf(stderr, "sbprofile %s: no operation\n", cmd);
    check_usage(stderr, cmd);
    status = SBP_EXIT_USAGE;
    goto done;
  }
  sbp_decide_options dopts = SBP_DECIDE_OPTIONS_INIT;
  if (canonical) dopts.flags |= SBP_DECIDE_CANONICAL_PATHS;
  if (macos != NULL && sbp_macos_version_parse(macos, strlen(macos), &dopts.macos, &err) != SBP_OK) {
    fprintf(stderr, "sbprofile %s: --macos: %s\n", cmd, err.message);
    status = SBP_EXIT_USAGE;
    goto done;
  }
  if (nfiles == 0) files[nfiles++] = "-";
  if ((status = sbp_tool_read_sources(files, nfiles, src, &nsrc)) != SBP_EXIT_OK) goto done;
  sbp_read_options ropts;
  sbp_tool_eval_read_options(&ev, &ropts);
  ropts.macos = dopts.macos;
  int rc = sbp_profile_read_sources(&p, src, nsrc, &ropts, NULL, &err);
  if (rc == SBP_OK) rc = sbp_decider_new(&decider, p, &dopts, &err);
  if (rc != SBP_OK) {
    sbp_tool_print_error(files[0], &err);
    status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
    goto done;
  }
  if ((rc = sbp_request_new(&req, NULL, &err)) != SBP_OK ||
      (rc = sbp_request_set_simple(req, op, strlen(op), target, target ? strlen(target) : 0,
                                   &err)) != SBP_OK) {
    fprintf(stderr, "sbprofile %s: %s\n", cmd, err.message);
    status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_USAGE;
    goto done;
  }
  for (size_t i = 0; i < nattrs; i++) {
    if ((rc = set_attr(req, attrs[i], &err)) != SBP_OK) {
      fprintf(stderr, "sbprofile %s: --attr %s: %s\n", cmd, attrs[i], err.message);
      status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_USAGE;
      goto done;
    }
  }
  if ((rc = sbp_decide(decider, req, &dopts, &dec, &err)) != SBP_OK) {
    fprintf(stderr, "sbprofile %s: %s\n", cmd, err.message);
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  int result = sbp_decision_result(dec);
  if (explain) {
    sbp_buf text = SBP_BUF_INIT;
    if (sbp_explain(decider, req, &dopts, &text, &err) != SBP_OK) {
      fprintf(stderr, "sbprofile explain: %s\n", err.message);
      status = SBP_EXIT_SOFTWARE;
      goto done;
    }
    fwrite(text.ptr, 1, text.len, stdout);
    sbp_buf_dispose(&text);
  } else {
    printf("%s\n", sbp_decision_result_name(result));
    if (sbp_decision_rule(dec) != NULL) print_rule(sbp_decision_rule(dec));
    else printf("(no rule: %s)\n", sbp_decision_step_name(sbp_decision_step_of(dec)));
    print_flags(dec);
  }
  status = result == SBP_DECISION_ALLOW ? EXIT_ALLOW
           : result == SBP_DECISION_DENY ? EXIT_DENY
                                         : EXIT_UNKNOWN;
  if (fflush(stdout) != 0) status = SBP_EXIT_SOFTWARE;
done:
  sbp_decision_free(dec);
  sbp_request_free(req);
  sbp_decider_free(decider);
  sbp_profile_free(p);
  sbp_tool_free_sources(src, nsrc);
  free(src);
  free(attrs);
  free(files);
  sbp_tool_eval_free(&ev);
  return status;
}

int sbp_tool_check(int argc, char **argv) { return run(argc, argv, 0); }

int sbp_tool_explain(int argc, char **argv) { return run(argc, argv, 1); }
