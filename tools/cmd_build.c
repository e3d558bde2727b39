/* sbprofile build: composes a profile from command-line flags over the builder and prints
 * it (or writes it with -o). Rules come out in the order of the flags, after the default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void build_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile build [options] [-o FILE]\n\n"
          "Composes a profile from the flags, in their order, and prints it as SBPL.\n\n"
          "  --deny-default           start with (deny default) (the default)\n"
          "  --allow-default          start with (allow default) instead\n"
          "  --allow-read PATH        (allow file-read* (subpath PATH))\n"
          "  --allow-read-metadata PATH  (allow file-read-metadata (subpath PATH)): stat\n"
          "                           and list, not read; what resolving a path needs\n"
          "  --allow-write PATH       (allow file-write* (subpath PATH))\n"
          "  --allow-read-write PATH  (allow file-read* file-write* (subpath PATH))\n"
          "  --deny-read PATH         (deny file-read* (subpath PATH))\n"
          "  --deny-write PATH        (deny file-write* (subpath PATH))\n"
          "  --allow-exec PATH        (allow process-exec* (subpath PATH))\n"
          "  --allow-fork             (allow process-fork)\n"
          "  --allow-mach NAME        (allow mach-lookup (global-name NAME)); a trailing *\n"
          "                           makes it global-name-prefix\n"
          "  --allow-net-out HOST:PORT  (allow network-outbound (remote ip \"HOST:PORT\"));\n"
          "                           HOST * or localhost, PORT * or a number\n"
          "  --allow-net-in HOST:PORT   (allow network-inbound (local ip \"HOST:PORT\"))\n"
          "  --allow-unix-socket PATH (allow network-outbound (literal PATH)): connect to it\n"
          "  --allow-sysctl NAME      (allow sysctl-read (sysctl-name NAME)); a trailing *\n"
          "                           makes it sysctl-name-prefix\n"
          "  --allow-sysctl-read      (allow sysctl-read): every sysctl, read only\n"
          "  --import NAME            (import \"NAME\"), e.g. bsd.sb, at this place\n"
          "  --allow-signal-self      (allow signal (target same-sandbox))\n"
          "  --allow-process-info-self  (allow process-info* (target same-sandbox))\n"
          "  --param KEY=VALUE        the value of ${KEY} in paths (see below)\n"
          "  --comment TEXT           a comment line at the top\n"
          "  -o FILE                  write the profile to FILE instead of standard output\n\n"
          "PATH is absolute and normalized. It may start with ${KEY}: without --param KEY=...\n"
          "the rule uses (param \"KEY\") (then pass -D KEY=... to sandbox-exec); with it, the\n"
          "value is written in. Paths are checked as the builder checks them. A path under\n"
          "/tmp, /var or /etc is written as the kernel sees it, under /private (/tmp/x becomes\n"
          "/private/tmp/x): a rule on the short spelling would never match.\n\n"
          "Exit status: 0 done, 2 usage error or an invalid value, 73 cannot write FILE,\n"
          "74 cannot write standard output.\n");
}

typedef struct build_ctx {
  sbp_profile *p;
  sbp_tool_eval params; /* KEY=VALUE pairs from --param */
} build_ctx;

static const char *param_value(const build_ctx *b, const char *key, size_t len) {
  return sbp_tool_param(&b->params, key, len);
}

/* The spelling the kernel matches: /tmp, /var and /etc are symbolic links into /private, and
 * rules see the resolved path. Malloc'd; NULL when out of memory. */
static char *private_spelling(const char *path) {
  static const char *const links[] = {"/tmp", "/var", "/etc"};
  size_t pl = strlen(path), extra = 0;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    size_t ll = strlen(links[i]);
    if (strncmp(path, links[i], ll) == 0 && (path[ll] == '\0' || path[ll] == '/')) extra = 8;
  }
  char *out = malloc(pl + extra + 1);
  if (out == NULL) return NULL;
  memcpy(out, "/private", extra);
  memcpy(out + extra, path, pl + 1);
  return out;
}

/* A path flag's value as a detached VALUE node: a string, (param "KEY") or
 * (string-append (param "KEY") "rest"). *literal receives a malloc'd substituted path when
 * a --param value applies (then no node is made). */
static int path_value(build_ctx *b, const char *path, sbp_node **out, char **literal,
                      sbp_error *err) {
  *out = NULL;
  *literal = NULL;
  if (strncmp(path, "${", 2) != 0) {
    *literal = private_spelling(path);
    return *literal == NULL ? SBP_E_NOMEM : SBP_OK;
  }
  const char *close = strchr(path, '}');
  if (close == NULL || close == path + 2) {
    snprintf(err->message, sizeof err->message, "'%s': ${KEY} needs a closing brace", path);
    return SBP_E_INVALID_ARG;
  }
  const char *key = path + 2;
  size_t klen = (size_t)(close - key);
  const char *rest = close + 1;
  const char *val = param_value(b, key, klen);
  if (val != NULL) {
    size_t vl = strlen(val), rl = strlen(rest);
    char *joined = malloc(vl + rl + 1);
    if (joined == NULL) return SBP_E_NOMEM;
    memcpy(joined, val, vl);
    memcpy(joined + vl, rest, rl + 1);
    *literal = private_spelling(joined);
    free(joined);
    return *literal == NULL ? SBP_E_NOMEM : SBP_OK;
  }
  sbp_node *pv = NULL, *cat = NULL, *s = NULL;
  int rc = sbp_value_new(b->p, SBP_VALUE_PARAM, key, klen, &pv, err);
  if (rc != SBP_OK) return rc;
  if (*rest == '\0') {
    *out = pv;
    return SBP_OK;
  }
  rc = sbp_value_new(b->p, SBP_VALUE_CONCAT, NULL, 0, &cat, err);
  if (rc == SBP_OK) rc = sbp_node_append_child(cat, pv, err);
  if (rc == SBP_OK) rc = sbp_value_new(b->p, SBP_VALUE_STRING, rest, strlen(rest), &s, err);
  if (rc == SBP_OK) rc = sbp_node_append_child(cat, s, err);
  if (rc == SBP_OK) *out = cat;
  return rc;
}

static int add_file(build_ctx *b, sbp_action action, uint32_t access, const char *path,
                    sbp_error *err) {
  sbp_node *v;
  char *lit;
  int rc = path_value(b, path, &v, &lit, err);
  if (rc != SBP_OK) return rc;
  if (lit != NULL)
    rc = sbp_add_file(b->p, action, access, SBP_MATCH_SUBPATH, lit, strlen(lit), NULL, err);
  else
    rc = sbp_add_file_value(b->p, action, access, SBP_MATCH_SUBPATH, v, NULL, err);
  free(lit);
  return rc;
}

/* "HOST:PORT" into its parts; port SBP_PORT_ANY for "*". */
static int split_hostport(const char *s, char *host, size_t hsize, int *port) {
  const char *colon = strrchr(s, ':');
  if (colon == NULL || colon == s || (size_t)(colon - s) >= hsize) return -1;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = '\0';
  const char *ps = colon + 1;
  if (strcmp(ps, "*") == 0) {
    *port = SBP_PORT_ANY;
    return 0;
  }
  char *end;
  long n = strtol(ps, &end, 10);
  if (*ps == '\0' || *end != '\0' || n < 1 || n > 65535) return -1;
  *port = (int)n;
  return 0;
}

static sbp_match name_match(const char *name, size_t *len) {
  *len = strlen(name);
  if (*len > 1 && name[*len - 1] == '*') {
    (*len)--;
    return SBP_MATCH_PREFIX;
  }
  return SBP_MATCH_EXACT;
}

int sbp_tool_build(int argc, char **argv) {
  int status = SBP_EXIT_OK, operands_only = 0;
  build_ctx b;
  memset(&b, 0, sizeof b);
  const char *outfile = NULL;
  sbp_action def = SBP_DENY;
  sbp_buf text = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  const char **comments = calloc((size_t)argc + 1, sizeof(char *));
  size_t ncomments = 0;
  if (sbp_tool_eval_init(&b.params, argc) != 0 || comments == NULL ||
      sbp_profile_new(&b.p, NULL) != SBP_OK) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  /* First pass: options that apply to the whole profile. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (sbp_tool_is_help(a)) {
      build_usage(stdout);
      goto done;
    }
    if (strcmp(a, "--deny-default") == 0) def = SBP_DENY;
    else if (strcmp(a, "--allow-default") == 0) def = SBP_ALLOW;
    else if (strcmp(a, "--") == 0)
      break;
    else if (strcmp(a, "--allow-fork") == 0 || strcmp(a, "--allow-signal-self") == 0 ||
             strcmp(a, "--allow-process-info-self") == 0 || strcmp(a, "--allow-sysctl-read") == 0)
      continue;
    else if (a[0] == '-' && a[1] == '-' && i + 1 < argc) {
      const char *v = argv[++i];
      if (strcmp(a, "--param") == 0) {
        if (sbp_tool_add_param(&b.params, "build", "--param", v) < 0) {
          status = SBP_EXIT_USAGE;
          goto done;
        }
      } else if (strcmp(a, "--comment") == 0) {
        comments[ncomments++] = v;
      }
    } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
      outfile = argv[++i];
    }
  }
  if (sbp_profile_set_version(b.p, 1, &err) != SBP_OK) goto invalid;
  for (size_t i = 0; i < ncomments; i++)
    if (sbp_profile_add_comment(b.p, comments[i], strlen(comments[i]), NULL, &err) != SBP_OK)
      goto invalid;
  if (sbp_add_default(b.p, def, NULL, &err) != SBP_OK) goto invalid;
  /* Second pass: the rules, in order. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int rc = SBP_OK;
    if (strcmp(a, "--deny-default") == 0 || strcmp(a, "--allow-default") == 0) continue;
    if (operands_only) {
      status = sbp_tool_usage_error("build", "unexpected argument '%s'", a);
      goto done;
    }
    int taken = sbp_tool_common_option("build", argc, argv, &i, &operands_only);
    if (taken < 0) {
      status = SBP_EXIT_USAGE;
      goto done;
    } else if (taken > 0) {
      continue;
    } else if (strcmp(a, "--allow-sysctl-read") == 0) {
      rc = sbp_add_sysctl_read(b.p, SBP_ALLOW, SBP_MATCH_ANY, NULL, 0, NULL, &err);
    } else if (strcmp(a, "--allow-fork") == 0) {
      rc = sbp_add_process_fork(b.p, SBP_ALLOW, NULL, &err);
    } else if (strcmp(a, "--allow-signal-self") == 0) {
      rc = sbp_add_signal(b.p, SBP_ALLOW, SBP_TARGET_SAME_SANDBOX, NULL, &err);
    } else if (strcmp(a, "--allow-process-info-self") == 0) {
      rc = sbp_add_process_info(b.p, SBP_ALLOW, SBP_TARGET_SAME_SANDBOX, NULL, &err);
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--param") == 0 ||
               strcmp(a, "--comment") == 0) {
      if (i + 1 >= argc) {
        status = sbp_tool_usage_error("build", "%s needs an argument", a);
        goto done;
      }
      i++;
      continue;
    } else if (a[0] == '-') {
      const char *v = i + 1 < argc ? argv[i + 1] : NULL;
      static const char *const with_arg[] = {
          "--allow-read", "--allow-write", "--allow-read-write", "--deny-read", "--deny-write",
          "--allow-exec", "--allow-mach", "--allow-net-out", "--allow-net-in",
          "--allow-unix-socket", "--allow-sysctl", "--allow-read-metadata", "--import"};
      int known = 0;
      for (size_t k = 0; k < sizeof with_arg / sizeof with_arg[0]; k++)
        if (strcmp(a, with_arg[k]) == 0) known = 1;
      if (!known) {
        status = sbp_tool_usage_error("build", "unknown option '%s'", a);
        goto done;
      }
      if (v == NULL) {
        status = sbp_tool_usage_error("build", "%s needs an argument", a);
        goto done;
      }
      i++;
      size_t len;
      if (strcmp(a, "--allow-read") == 0) {
        rc = add_file(&b, SBP_ALLOW, SBP_FILE_READ, v, &err);
      } else if (strcmp(a, "--allow-read-metadata") == 0) {
        rc = add_file(&b, SBP_ALLOW, SBP_FILE_READ_METADATA, v, &err);
      } else if (strcmp(a, "--import") == 0) {
        rc = sbp_profile_add_import(b.p, v, strlen(v), NULL, &err);
      } else if (strcmp(a, "--allow-write") == 0) {
        rc = add_file(&b, SBP_ALLOW, SBP_FILE_WRITE, v, &err);
      } else if (strcmp(a, "--allow-read-write") == 0) {
        rc = add_file(&b, SBP_ALLOW, SBP_FILE_READ | SBP_FILE_WRITE, v, &err);
      } else if (strcmp(a, "--deny-read") == 0) {
        rc = add_file(&b, SBP_DENY, SBP_FILE_READ, v, &err);
      } else if (strcmp(a, "--deny-write") == 0) {
        rc = add_file(&b, SBP_DENY, SBP_FILE_WRITE, v, &err);
      } else if (strcmp(a, "--allow-exec") == 0 || strcmp(a, "--allow-unix-socket") == 0) {
        char *path = private_spelling(v);
        if (path == NULL) {
          rc = SBP_E_NOMEM;
        } else if (a[8] == 'e') {
          rc = sbp_add_process_exec(b.p, SBP_ALLOW, SBP_MATCH_SUBPATH, path, strlen(path), NULL,
                                    &err);
        } else {
          rc = sbp_add_unix_socket(b.p, SBP_ALLOW, SBP_NET_OUTBOUND, SBP_MATCH_LITERAL, path,
                                   strlen(path), NULL, &err);
        }
        free(path);
      } else if (strcmp(a, "--allow-mach") == 0) {
        sbp_match m = name_match(v, &len);
        rc = sbp_add_mach_lookup(b.p, SBP_ALLOW, m, v, len, NULL, &err);
      } else if (strcmp(a, "--allow-sysctl") == 0) {
        sbp_match m = name_match(v, &len);
        rc = sbp_add_sysctl_read(b.p, SBP_ALLOW, m, v, len, NULL, &err);
      } else {
        char host[256];
        int port;
        if (split_hostport(v, host, sizeof host, &port) != 0) {
          status = sbp_tool_usage_error("build", "%s expects HOST:PORT (HOST * or localhost, "
                                                 "PORT * or 1-65535), got '%s'", a, v);
          goto done;
        }
        int out = strcmp(a, "--allow-net-out") == 0;
        rc = sbp_add_network(b.p, SBP_ALLOW, out ? SBP_NET_OUTBOUND : SBP_NET_INBOUND,
                             out ? SBP_NET_REMOTE : SBP_NET_LOCAL, "ip", 2, host, strlen(host),
                             port, NULL, &err);
      }
      if (rc != SBP_OK && rc != SBP_E_NOMEM) {
        status = sbp_tool_usage_error("build", "%s %s: %s", a, v, err.message);
        goto done;
      }
    } else {
      status = sbp_tool_usage_error("build", "unexpected argument '%s'", a);
      goto done;
    }
    if (rc != SBP_OK) goto invalid;
  }
  if (sbp_serialize(b.p, NULL, &text, &err) != SBP_OK) goto invalid;
  if (outfile != NULL && strcmp(outfile, "-") != 0) {
    FILE *fp = fopen(outfile, "wb");
    int bad = fp == NULL || (text.len && fwrite(text.ptr, 1, text.len, fp) != text.len);
    if (fp != NULL && fclose(fp) != 0) bad = 1;
    if (bad) {
      fprintf(stderr, "sbprofile build: cannot write %s: %s\n", outfile, strerror(errno));
      status = SBP_EXIT_CANTCREAT;
    }
  } else {
    if (text.len) fwrite(text.ptr, 1, text.len, stdout);
    status = sbp_tool_finish_stdout("build");
  }
  goto done;
invalid:
  if (err.code == SBP_E_NOMEM) fprintf(stderr, "sbprofile build: %s\n", err.message);
  status = err.code == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : sbp_tool_usage_error("build", "%s", err.message);
done:
  sbp_buf_dispose(&text);
  sbp_profile_free(b.p);
  free(comments);
  sbp_tool_eval_free(&b.params);
  return status;
}
