/* sbprofile check / explain: would this profile allow a request, which rule decides, and why.
 *
 *   sbprofile check   [-D KEY=VALUE]... [-I DIR]... [-f FILE]... [--attr NAME=VALUE]...
 *                     [--macos VERSION] [--canonical-paths] OPERATION [TARGET]
 *   sbprofile explain (the same arguments)
 *
 * check prints allow, deny or unknown, then the deciding rule as FILE:LINE:COL: (rule), then
 * one line per flag; explain prints the engine's account of the decision. A long deciding
 * rule is shortened in check's output to its head and the filter that matched (explain keeps
 * the full text). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <io.h>
#define sbp_isatty _isatty
#define STDIN_FILENO 0
#else
#include <unistd.h>
#define sbp_isatty isatty
#endif

#include "commands.h"
#include "sbprofile.h"

/* Exit status of check for each decision. */
#define EXIT_ALLOW 0
#define EXIT_DENY 1
#define EXIT_UNKNOWN 3

static void check_usage(FILE *out, const char *cmd) {
  fprintf(out,
          "usage: sbprofile %s [-D KEY=VALUE]... [-I DIR]... [--keep-imports] [-f FILE]...\n"
          "                       [--attr NAME=VALUE]... [--macos VERSION] [--canonical-paths]\n"
          "                       OPERATION [TARGET]\n\n"
          "%s\n\n"
          "  -f FILE            a profile file; several are evaluated as one profile, in order\n"
          "                     (without -f the profile is read from standard input, which\n"
          "                     must then not be a terminal)\n"
          "  -E KEY=VALUE       an entitlement of the process (true/false: a boolean;\n"
          "                     a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                     the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE       a parameter value for (param \"KEY\"); parameters without a\n"
          "                     value stay symbolic and match as unknown\n"
          "  -I DIR             a directory to search for (import \"NAME\")\n"
          "  --keep-imports     an import that cannot be found is no error: answers its\n"
          "                     rules could change are unknown and name it\n"
          "  --attr NAME=VALUE  another attribute of the request, named after the filter that\n"
          "                     tests it (signing-identifier=..., vnode-type=REGULAR-FILE,\n"
          "                     remote=tcp:localhost:80, ...)\n"
          "  --macos VERSION    the macOS version whose catalog to use: the newest the\n"
          "                     catalog has at or before it (default: the newest)\n"
          "  --canonical-paths  map /tmp, /var and /etc to /private/... as the kernel does\n"
          SBP_TOOL_COMMON_HELP "\n"
          "TARGET is a path for file operations and unix sockets, a name for mach, sysctl,\n"
          "preference and IPC operations, PROTO:HOST:PORT for network addresses\n"
          "(tcp:localhost:8080, udp:*:53).\n\n"
          "Exit status: 0 allow, 1 deny, 3 unknown%s, 2 usage error, 65 profile error,\n"
          "66 unreadable input, 74 cannot write the output.\n",
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

/* A name no catalog version knows, with the nearest known one when there is one: a usage
 * error. */
static int unknown_name(const char *cmd, const char *what, const char *name, size_t len,
                        const char *near) {
  return sbp_tool_usage_error(cmd, "unknown %s '%.*s'%s%s%s", what, (int)len, name,
                              near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

static int known_operation(const char *op) {
  uint32_t mask = 0;
  return strcmp(op, "default") == 0 ||
         (sbp_catalog_op_versions(op, strlen(op), SBP_CATALOG_WITH_ALIASES, &mask, NULL) ==
              SBP_OK && mask != 0);
}

static int known_attribute(const char *name, size_t len) {
  for (size_t i = 0; i < sbp_catalog_version_count(); i++)
    if (sbp_catalog_is_attribute(sbp_catalog_version_at(i), name, len)) return 1;
  return 0;
}

/* --attr NAME=VALUE onto the request. */
static int set_attr(sbp_request *req, const char *spec, uint32_t macos, sbp_error *err) {
  const char *eq = strchr(spec, '=');
  if (eq == NULL || eq == spec) {
    snprintf(err->message, sizeof(err->message), "expects NAME=VALUE");
    return SBP_E_INVALID_ARG;
  }
  size_t nlen = (size_t)(eq - spec);
  if (!known_attribute(spec, nlen)) {
    const char *near = sbp_catalog_suggest(macos, SBP_CATALOG_NAME_ATTRIBUTE, spec, nlen);
    snprintf(err->message, sizeof(err->message), "unknown attribute '%.*s'%s%s%s", (int)nlen,
             spec, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return SBP_E_NOT_FOUND;
  }
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

/* A rule longer than this is shown by its head and matching filter only. */
#define RULE_TEXT_MAX 200
/* A matching filter longer than this is cut (with "...") as well. */
#define FILTER_TEXT_MAX 160

static int is_filter_node(const sbp_node *n) {
  sbp_node_type t = sbp_node_type_of(n);
  return t == SBP_NODE_FILTER || t == SBP_NODE_REQUIRE_ALL || t == SBP_NODE_REQUIRE_ANY ||
         t == SBP_NODE_REQUIRE_NOT;
}

/* A one-rule copy of rule in a scratch profile: its action, operations, modifiers and, when
 * filter is not NULL, that filter alone; after (deny default) when with_default is set. */
static int rule_part(sbp_profile **out, const sbp_node *rule, const sbp_node *filter,
                     int with_default, sbp_node **out_rule) {
  sbp_profile *p = NULL;
  sbp_node *r = NULL;
  int rc = sbp_profile_new(&p, NULL);
  if (rc == SBP_OK) rc = sbp_profile_set_version(p, 1, NULL);
  if (rc == SBP_OK && with_default) rc = sbp_add_default(p, SBP_DENY, NULL, NULL);
  if (rc == SBP_OK) rc = sbp_node_new(p, SBP_NODE_RULE, &r, NULL);
  if (rc == SBP_OK) rc = sbp_rule_set_action(r, with_default ? SBP_ALLOW : sbp_rule_action(rule), NULL);
  if (rc == SBP_OK) rc = sbp_node_append_child(sbp_profile_root(p), r, NULL);
  for (const sbp_node *c = sbp_node_first_child(rule); rc == SBP_OK && c; c = sbp_node_next(c)) {
    sbp_node_type t = sbp_node_type_of(c);
    if (t != SBP_NODE_OPERATION && !(t == SBP_NODE_MODIFIER && !with_default) && c != filter)
      continue;
    sbp_node *copy = NULL;
    rc = sbp_node_copy(p, c, &copy, NULL);
    if (rc == SBP_OK) rc = sbp_node_append_child(r, copy, NULL);
  }
  if (rc != SBP_OK) {
    sbp_profile_free(p);
    return rc;
  }
  *out = p;
  *out_rule = r;
  return SBP_OK;
}

/* The first filter of rule that matches req alone (allow), else the first that may (unknown),
 * else NULL: each is tried as the only filter of a one-rule profile. */
static const sbp_node *matching_filter(const sbp_node *rule, const sbp_request *req) {
  const sbp_node *maybe = NULL;
  for (const sbp_node *f = sbp_node_first_child(rule); f; f = sbp_node_next(f)) {
    if (!is_filter_node(f)) continue;
    sbp_profile *p = NULL;
    sbp_node *r = NULL;
    sbp_decider *d = NULL;
    sbp_decision *dec = NULL;
    int result = -1;
    if (rule_part(&p, rule, f, 1, &r) == SBP_OK && sbp_decider_new(&d, p, NULL, NULL) == SBP_OK &&
        sbp_decide(d, req, NULL, &dec, NULL) == SBP_OK)
      result = sbp_decision_result(dec);
    sbp_decision_free(dec);
    sbp_decider_free(d);
    sbp_profile_free(p);
    if (result == SBP_DECISION_ALLOW) return f;
    if (result == SBP_DECISION_UNKNOWN && maybe == NULL) maybe = f;
  }
  return maybe;
}

/* The text of rule with only the given filter (or none): 0 or -1. */
static int rule_part_text(const sbp_node *rule, const sbp_node *filter, sbp_buf *text) {
  sbp_profile *p = NULL;
  sbp_node *r = NULL;
  if (rule_part(&p, rule, filter, 0, &r) != SBP_OK) return -1;
  int rc = sbp_rule_text(r, text, NULL);
  sbp_profile_free(p);
  return rc == SBP_OK ? 0 : -1;
}

/* The deciding rule as FILE:LINE:COL: (rule). With req, a rule longer than RULE_TEXT_MAX shows
 * its action, operations and modifiers, and of its filters only the one that matches req. */
static void print_rule(const sbp_node *rule, const sbp_request *req) {
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_node_position(rule, &file, &line, &col);
  printf("%s:%u:%u: ", file ? file : "<profile>", (unsigned)line, (unsigned)col);
  sbp_buf text = SBP_BUF_INIT;
  if (sbp_rule_text(rule, &text, NULL) != SBP_OK) {
    printf("(the rule cannot be shown)\n");
    return;
  }
  if (req == NULL || text.len <= RULE_TEXT_MAX) {
    printf("%s\n", text.ptr);
    sbp_buf_dispose(&text);
    return;
  }
  size_t nfilters = 0;
  for (const sbp_node *f = sbp_node_first_child(rule); f; f = sbp_node_next(f))
    nfilters += is_filter_node(f) ? 1 : 0;
  const sbp_node *match = matching_filter(rule, req);
  sbp_buf head = SBP_BUF_INIT, part = SBP_BUF_INIT;
  if (rule_part_text(rule, NULL, &head) != 0 ||
      (match != NULL && rule_part_text(rule, match, &part) != 0)) {
    printf("%.*s ...\n", RULE_TEXT_MAX, text.ptr);
  } else {
    /* head is "(allow OPS MODIFIERS)"; part is "(allow OPS FILTER MODIFIERS)": the filter's
     * text is what part has beyond the common prefix, up to the modifiers (if any). */
    size_t common = 0;
    while (common < head.len && match != NULL && head.ptr[common] == part.ptr[common]) common++;
    while (common > 0 && match != NULL && part.ptr[common] != ' ') common--;
    size_t flen = match != NULL ? part.len - head.len : 0;
    const char *ftext = match != NULL ? part.ptr + common : "";
    while (flen > 0 && ftext[0] == ' ') {
      ftext++;
      flen--;
    }
    printf("%.*s", (int)(common ? common : head.len - 1), head.ptr);
    if (match != NULL) {
      printf(" %.*s%s", (int)(flen > FILTER_TEXT_MAX ? FILTER_TEXT_MAX : flen), ftext,
             flen > FILTER_TEXT_MAX ? "..." : "");
      printf(" ...%s  [%zu other filter%s elided; the full rule: sbprofile explain]\n",
             head.ptr + common, nfilters - 1, nfilters == 2 ? "" : "s");
    } else {
      printf(" ...)  [%zu filter%s elided; the full rule: sbprofile explain]\n", nfilters,
             nfilters == 1 ? "" : "s");
    }
  }
  sbp_buf_dispose(&part);
  sbp_buf_dispose(&head);
  sbp_buf_dispose(&text);
}

/* Does the request carry the attribute named (as TARGET or --attr)? Read from its
 * description, "OP ATTR=VALUE ...". */
static int request_has_attr(const sbp_request *req, const char *name) {
  sbp_buf text = SBP_BUF_INIT;
  int has = 0;
  if (sbp_request_describe(req, &text, NULL) == SBP_OK && text.ptr != NULL) {
    size_t len = strlen(name);
    for (const char *p = strstr(text.ptr, name); p != NULL && !has; p = strstr(p + 1, name))
      has = p > text.ptr && p[-1] == ' ' && p[len] == '=';
  }
  sbp_buf_dispose(&text);
  return has;
}

static void print_flags(const sbp_decision *d, const sbp_request *req) {
  uint32_t flags = sbp_decision_flags(d);
  const char *attr = sbp_decision_missing_attr(d);
  /* a given value that overlaps what a filter tests (target others against same-sandbox)
   * leaves the answer open: no other value of the same attribute is more precise */
  int overlap = attr != NULL && request_has_attr(req, attr);
  for (uint32_t bit = 1; bit != 0; bit <<= 1) {
    if (!(flags & bit)) continue;
    const char *confidence = NULL;
    const char *name = sbp_decision_flag_name(bit);
    const char *fact = sbp_decision_flag_fact(bit, &confidence, NULL);
    printf("flag: %s", name ? name : "unknown-flag");
    if (bit == SBP_DECISION_FLAG_MISSING_ATTR && sbp_decision_missing_param(d) != NULL)
      printf(" (needs a value for parameter \"%s\")", sbp_decision_missing_param(d));
    else if (bit == SBP_DECISION_FLAG_MISSING_ATTR && overlap)
      printf(" (the %s given overlaps what a filter tests)", attr);
    else if (bit == SBP_DECISION_FLAG_MISSING_ATTR && attr != NULL)
      printf(" (needs %s)", attr);
    if (bit == SBP_DECISION_FLAG_MISSING_IMPORT && sbp_decision_missing_import(d) != NULL)
      printf(" (needs import \"%s\")", sbp_decision_missing_import(d));
    if (bit == SBP_DECISION_FLAG_MISSING_ATTR && overlap) fact = NULL; /* it did give it */
    int weak = confidence != NULL && strcmp(confidence, "-") != 0;
    if (fact != NULL) printf(": %s%s%s%s", fact, weak ? " [" : "", weak ? confidence : "", weak ? "]" : "");
    printf("\n");
  }
  const sbp_node *skipped = sbp_decision_skipped_rule(d);
  if (skipped != NULL) {
    printf("skipped: ");
    print_rule(skipped, NULL);
  }
  /* what would settle an unknown answer */
  if (sbp_decision_result(d) != SBP_DECISION_UNKNOWN) return;
  if (sbp_decision_missing_param(d) != NULL)
    printf("hint: -D %s=VALUE would settle it\n", sbp_decision_missing_param(d));
  else if (overlap)
    printf("hint: the %s given may or may not be what the filter names; no --attr settles "
           "it\n", attr);
  else if (attr != NULL && known_attribute(attr, strlen(attr)))
    printf("hint: --attr %s=VALUE would settle it\n", attr);
  if (sbp_decision_missing_import(d) != NULL)
    printf("hint: -I DIR, the directory that holds \"%s\", would settle it\n",
           sbp_decision_missing_import(d));
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
  int canonical = 0, operands_only = 0;
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
    if (operands_only || a[0] != '-' || a[1] == '\0') {
      if (op == NULL) {
        op = a;
      } else if (target == NULL) {
        target = a;
      } else {
        status = sbp_tool_usage_error(cmd, "unexpected argument '%s'", a);
        goto done;
      }
    } else if (sbp_tool_is_help(a)) {
      check_usage(stdout, cmd);
      goto done;
    } else if ((taken = sbp_tool_common_option(cmd, argc, argv, &i, &operands_only)) != 0 ||
               (taken = sbp_tool_eval_option(&ev, cmd, argc, argv, &i)) != 0) {
      if (taken < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (strcmp(a, "-f") == 0 || strcmp(a, "--attr") == 0 || strcmp(a, "--macos") == 0) {
      if (i + 1 >= argc) {
        status = sbp_tool_usage_error(cmd, "%s needs an argument", a);
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
    } else {
      status = sbp_tool_usage_error(cmd, "unknown option '%s'", a);
      goto done;
    }
  }
  if (op == NULL) {
    status = sbp_tool_usage_error(cmd, "no operation");
    goto done;
  }
  sbp_decide_options dopts = SBP_DECIDE_OPTIONS_INIT;
  if (canonical) dopts.flags |= SBP_DECIDE_CANONICAL_PATHS;
  if (macos != NULL && sbp_tool_macos(cmd, macos, &dopts.macos) < 0) {
    status = SBP_EXIT_USAGE;
    goto done;
  }
  if (!known_operation(op)) {
    status = unknown_name(cmd, "operation", op, strlen(op),
                          sbp_catalog_suggest(dopts.macos, SBP_CATALOG_NAME_OPERATION, op,
                                              strlen(op)));
    goto done;
  }
  if (nfiles == 0) {
    /* Waiting silently on a terminal for a profile nobody is going to type is unkind. */
    if (sbp_isatty(STDIN_FILENO)) {
      status = sbp_tool_usage_error(cmd, "no profile: give -f FILE, or the profile on standard "
                                         "input (-f - reads a terminal)");
      goto done;
    }
    files[nfiles++] = "-";
  }
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
    if (rc == SBP_E_NOMEM) fprintf(stderr, "sbprofile %s: %s\n", cmd, err.message);
    status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : sbp_tool_usage_error(cmd, "%s", err.message);
    goto done;
  }
  for (size_t i = 0; i < nattrs; i++) {
    if ((rc = set_attr(req, attrs[i], dopts.macos, &err)) != SBP_OK) {
      if (rc == SBP_E_NOMEM) fprintf(stderr, "sbprofile %s: %s\n", cmd, err.message);
      status = rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE
                                 : sbp_tool_usage_error(cmd, "--attr %s: %s", attrs[i], err.message);
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
    if (sbp_decision_rule(dec) != NULL) print_rule(sbp_decision_rule(dec), req);
    else printf("(no rule: %s)\n", sbp_decision_step_name(sbp_decision_step_of(dec)));
    print_flags(dec, req);
  }
  status = result == SBP_DECISION_ALLOW ? EXIT_ALLOW
           : result == SBP_DECISION_DENY ? EXIT_DENY
                                         : EXIT_UNKNOWN;
  if (sbp_tool_finish_stdout(cmd) != SBP_EXIT_OK) status = SBP_EXIT_IOERR;
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
