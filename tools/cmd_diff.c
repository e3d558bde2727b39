/* sbprofile diff: what NEW grants or denies that OLD did not, decided request by request
 * over every request either profile names, plus the rules added and removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "sbprofile.h"

static void diff_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile diff [--macos VERSION] [-D KEY=VALUE]... [-I DIR]...\n"
          "                      [--keep-imports] [--color=WHEN] OLD NEW\n\n"
          "Reports what NEW grants or denies that OLD did not. For every request either\n"
          "profile names (each operation with each value its filters mention: paths and\n"
          "names, a string each regex matches, numbers and constants, network addresses;\n"
          "and each operation its unfiltered rules name), both profiles decide it; only the\n"
          "changes are listed, with the position of the deciding rule:\n\n"
          "  + allow OP VALUE (NEW:LINE:COL)   NEW allows what OLD did not\n"
          "  - allow OP VALUE (OLD:LINE:COL)   OLD allowed what NEW does not\n"
          "  + deny / - deny                   the same for denials neither side allows\n"
          "  ~ ? -> allow OP VALUE (...)       a change of certainty, not a grant: one side\n"
          "  ~ allow -> ? OP VALUE (...)       cannot tell (a parameter without a value, a\n"
          "                                    missing attribute or import), with why\n\n"
          "VALUE is ATTR=VALUE for attributes other than the operation's usual one\n"
          "(remote=tcp:*:443, target=same-sandbox). A note from the catalog follows a\n"
          "change to a well-known service. Then the rules added (+) and removed (-),\n"
          "compared as written, positions aside; and imports not found on one side only\n"
          "(with --keep-imports). '-' reads one profile from standard input.\n\n"
          "  --macos VERSION  read both profiles as that macOS version does (its names and\n"
          "                   operation chains; default: the newest catalog)\n"
          "  -E KEY=VALUE     an entitlement of the process (true/false: a boolean;\n"
          "                   a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                   the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE     a parameter value for (param \"KEY\") in both profiles\n"
          "  -I DIR           a directory to search for (import \"NAME\")\n"
          "  --keep-imports   an import that cannot be found is no error: what its rules\n"
          "                   could change is unknown\n"
          "  --color=WHEN     auto (on a terminal; default), always or never\n"
          SBP_TOOL_COMMON_HELP "\n"
          "Exit status: 0 nothing changed, 1 something changed, 2 usage error, 65 a profile\n"
          "does not read or evaluate, 66 unreadable input, 74 cannot write the output.\n");
}

/* How a request's attribute is set. */
enum { RQ_NONE = 0, RQ_TEXT = 1, RQ_NUMBER = 2, RQ_ADDRESS = 3 };

typedef struct diff_req {
  char *op;
  char *attr;  /* NULL: no attribute (unfiltered) */
  char *value; /* the text shown: a path or name, a constant or number, PROTO:HOST:PORT */
  int kind;    /* RQ_* */
  int64_t num; /* RQ_NUMBER: the number; RQ_ADDRESS: the port */
  size_t proto_len, host_at, host_len; /* RQ_ADDRESS: parts of value (host_len 0: any) */
} diff_req;

typedef struct req_list {
  diff_req *v;
  size_t n, cap;
  int oom;
} req_list;

static char *dup_str(const char *s) {
  if (s == NULL) return NULL;
  size_t n = strlen(s);
  char *d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

static void add_req_kind(req_list *l, const char *op, const char *attr, const char *value,
                         int kind, int64_t num) {
  if (l->oom) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    diff_req *nv = realloc(l->v, cap * sizeof *nv);
    if (nv == NULL) {
      l->oom = 1;
      return;
    }
    l->v = nv;
    l->cap = cap;
  }
  diff_req *r = &l->v[l->n];
  r->op = dup_str(op);
  r->attr = dup_str(attr);
  r->value = dup_str(value);
  r->kind = attr == NULL ? RQ_NONE : kind;
  r->num = num;
  r->proto_len = r->host_at = r->host_len = 0;
  if (r->op == NULL || (attr && r->attr == NULL) || (value && r->value == NULL)) {
    free(r->op);
    free(r->attr);
    free(r->value);
    l->oom = 1;
    return;
  }
  l->n++;
}

static void add_req(req_list *l, const char *op, const char *attr, const char *value) {
  add_req_kind(l, op, attr, value, RQ_TEXT, 0);
}

/* A network address as a request: PROTO:HOST:PORT, host * or localhost, port * or N. */
static void add_net_req(req_list *l, const char *op, const char *attr, const sbp_node *v) {
  const char *host = NULL;
  size_t hl = 0;
  int port = SBP_PORT_ANY;
  size_t pl = 0;
  const char *proto = sbp_node_text(v, &pl);
  if (!sbp_value_netaddr(v, &host, &hl, &port)) host = NULL;
  char text[128];
  char portbuf[16] = "*";
  if (port != SBP_PORT_ANY) snprintf(portbuf, sizeof portbuf, "%d", port);
  int n = snprintf(text, sizeof text, "%.*s:%.*s:%s", (int)(pl > 16 ? 16 : pl), proto,
                   host ? (int)(hl > 40 ? 40 : hl) : 1, host ? host : "*", portbuf);
  if (n < 0 || (size_t)n >= sizeof text) return;
  size_t before = l->n;
  add_req_kind(l, op, attr, text, RQ_ADDRESS, port);
  if (l->n == before) return;
  diff_req *r = &l->v[l->n - 1];
  r->proto_len = pl > 16 ? 16 : pl;
  r->host_at = r->proto_len + 1;
  r->host_len = host && !(hl == 1 && host[0] == '*') ? (hl > 40 ? 40 : hl) : 0;
}

/* A string a regex matches, for deciding it: literal bytes, the first choice of each
 * alternation and class, an optional or starred atom left out, a repeated one once. 0 when
 * the pattern is beyond this (back to back anchors, nesting deeper than 16). */
static int regex_sample(const char *re, size_t len, char *out, size_t cap) {
  size_t o = 0, atom = 0, i = 0;
  size_t skip_depth = 0, depth = 0;   /* inside an alternative being skipped */
  size_t group_at[16];
  while (i < len) {
    char ch = re[i];
    if (skip_depth) {
      if (ch == '\\') i++;
      else if (ch == '(') depth++;
      else if (ch == ')') {
        if (depth == skip_depth) {
          skip_depth = 0;
          depth--;
          atom = group_at[depth];
          i++;
          continue;
        }
        depth--;
      }
      i++;
      continue;
    }
    if (ch == '^' && i == 0) {
      i++;
      continue;
    }
    if (ch == '$' && i + 1 == len) break;
    if (ch == '*' || ch == '?') {
      o = atom;
      i++;
      continue;
    }
    if (ch == '+') {
      i++;
      continue;
    }
    if (ch == '{') {
      const char *close = memchr(re + i, '}', len - i);
      if (close == NULL) return 0;
      if (re[i + 1] == '0') o = atom;
      i = (size_t)(close - re) + 1;
      continue;
    }
    if (ch == '|') { /* the first alternative is taken: skip to the group's end */
      if (depth == 0) break;
      skip_depth = depth;
      i++;
      continue;
    }
    if (ch == '(') {
      if (depth >= 16) return 0;
      group_at[depth] = o;
      depth++;
      i++;
      continue;
    }
    if (ch == ')') {
      if (depth == 0) return 0;
      depth--;
      atom = group_at[depth];
      i++;
      continue;
    }
    atom = o;
    if (o + 1 >= cap) return 0;
    if (ch == '\\' && i + 1 < len) {
      out[o++] = re[i + 1];
      i += 2;
    } else if (ch == '.') {
      out[o++] = 'x';
      i++;
    } else if (ch == '[') {
      size_t j = i + 1;
      int negated = j < len && re[j] == '^';
      if (negated) j++;
      size_t start = j;
      while (j < len && (re[j] != ']' || j == start)) j++;
      if (j >= len) return 0;
      char pick = re[start];
      if (negated) {
        const char *avoid = re + start;
        size_t alen = j - start;
        pick = 0;
        for (const char *c = "ax0_-"; *c && !pick; c++)
          if (memchr(avoid, *c, alen) == NULL) pick = *c;
        if (!pick) return 0;
      }
      out[o++] = pick;
      i = j + 1;
    } else {
      out[o++] = ch;
      i++;
    }
  }
  /* a request path never ends with '/': ask for something below it */
  if (o > 1 && out[o - 1] == '/' && o + 1 < cap) out[o++] = 'x';
  out[o] = '\0';
  return 1;
}

static int cmp_nullable(const char *a, const char *b) {
  if (a == NULL || b == NULL) return a == b ? 0 : a == NULL ? -1 : 1;
  return strcmp(a, b);
}

static int cmp_req(const void *pa, const void *pb) {
  const diff_req *a = pa, *b = pb;
  int c = strcmp(a->op, b->op);
  if (c == 0) c = cmp_nullable(a->attr, b->attr);
  if (c == 0) c = cmp_nullable(a->value, b->value);
  return c;
}

/* The requests a filter's values name, whatever its kind: a path or name (a regex by a
 * string it matches), a number or named constant, a network address. */
static void collect_values(req_list *l, const char *op, const sbp_catalog_filter *cf,
                           const sbp_node *filter) {
  const char *base = sbp_catalog_filter_base(cf);
  int regex = sbp_catalog_filter_match(cf) == SBP_CATALOG_MATCH_REGEX;
  for (const sbp_node *v = sbp_node_first_child(filter); v; v = sbp_node_next(v)) {
    size_t len = 0;
    const char *text = sbp_node_text(v, &len);
    char num[32];
    switch (sbp_value_kind_of(v)) {
      case SBP_VALUE_STRING:
      case SBP_VALUE_REGEX:
        if (regex) {
          char sample[512];
          if (regex_sample(text, len, sample, sizeof sample)) add_req(l, op, base, sample);
        } else {
          add_req(l, op, base, text);
        }
        break;
      case SBP_VALUE_CONSTANT: add_req(l, op, base, text); break;
      case SBP_VALUE_INTEGER:
      case SBP_VALUE_BOOLEAN:
        snprintf(num, sizeof num, "%lld", (long long)sbp_value_integer(v));
        add_req_kind(l, op, base, num, RQ_NUMBER, sbp_value_integer(v));
        break;
      case SBP_VALUE_NETADDR: add_net_req(l, op, base, v); break;
      default: break; /* parameters without a value: nothing concrete to ask */
    }
  }
}

/* The requests one profile names. */
static void collect(req_list *l, const sbp_profile *p, uint32_t macos) {
  const sbp_node *root = sbp_profile_root(p);
  for (const sbp_node *rule = sbp_node_first_child(root); rule; rule = sbp_node_next(rule)) {
    if (sbp_node_type_of(rule) != SBP_NODE_RULE) continue;
    int filtered = 0;
    for (const sbp_node *k = sbp_node_first_child(rule); k; k = sbp_node_next(k)) {
      sbp_node_type t = sbp_node_type_of(k);
      if (t == SBP_NODE_FILTER || t == SBP_NODE_REQUIRE_ALL || t == SBP_NODE_REQUIRE_ANY ||
          t == SBP_NODE_REQUIRE_NOT)
        filtered = 1;
    }
    for (const sbp_node *o = sbp_node_first_child(rule); o; o = sbp_node_next(o)) {
      if (sbp_node_type_of(o) != SBP_NODE_OPERATION) continue;
      const char *op = sbp_node_text(o, NULL);
      if (strcmp(op, "default") == 0) continue;
      if (!filtered) add_req(l, op, NULL, NULL);
      /* Every leaf filter under the rule, without recursion (parent links). */
      for (const sbp_node *f = sbp_node_next(o); f; f = sbp_node_next(f)) {
        sbp_node_type t = sbp_node_type_of(f);
        if (t == SBP_NODE_OPERATION || t == SBP_NODE_MODIFIER) continue;
        const sbp_node *n = f;
        while (n != NULL) {
          if (sbp_node_type_of(n) == SBP_NODE_FILTER) {
            size_t len;
            const char *name = sbp_node_text(n, &len);
            const sbp_catalog_filter *cf;
            if (sbp_catalog_filter_lookup(macos, name, len, &cf, NULL) == SBP_OK)
              collect_values(l, op, cf, n);
            /* Values are leaves: do not descend. */
          } else if (sbp_node_first_child(n) != NULL) {
            n = sbp_node_first_child(n);
            continue;
          }
          while (n != f && sbp_node_next(n) == NULL) n = sbp_node_parent(n);
          if (n == f) break;
          n = sbp_node_next(n);
        }
      }
    }
  }
}

typedef struct side {
  const char *name;
  char *text;
  size_t len;
  sbp_profile *p;
  sbp_decider *d;
} side;

/* The deciding rule's position; the value's own when it is written in the side's text. */
static void pos_of(const sbp_decision *d, const side *sd, const char *value, char *buf,
                   size_t size) {
  const sbp_node *rule = sbp_decision_rule(d);
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  if (rule == NULL) {
    snprintf(buf, size, "%s", sbp_decision_step_of(d) == SBP_STEP_TERMINAL ? "built-in" : "no rule");
    return;
  }
  sbp_node_position(rule, &file, &line, &col);
  if (line != 0 && value != NULL && file != NULL && strcmp(file, sd->name) == 0)
    sbp_lint_locate_string(sd->text, sd->len, line, col, value, strlen(value), &line, &col);
  if (line == 0)
    snprintf(buf, size, "%s", file ? file : "no position");
  else
    snprintf(buf, size, "%s:%u:%u", file ? file : "", (unsigned)line, (unsigned)col);
}

static int load_side(side *s, const char *path, const sbp_read_options *ro, uint32_t macos) {
  int e = sbp_tool_read_file(path, &s->text, &s->len);
  s->name = sbp_tool_display_name(path);
  if (e) return sbp_tool_input_error(path, e);
  sbp_error err = SBP_ERROR_INIT;
  sbp_read_options versioned = *ro;
  versioned.macos = macos; /* read as that version does: its names, aliases and spellings */
  int rc = sbp_profile_read(&s->p, s->text, s->len, s->name, &versioned, NULL, &err);
  if (rc == SBP_OK) {
    sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
    o.macos = macos;
    rc = sbp_decider_new(&s->d, s->p, &o, &err);
  }
  if (rc != SBP_OK) {
    sbp_tool_print_error(s->name, &err);
    return rc == SBP_E_NOMEM ? SBP_EXIT_SOFTWARE : SBP_EXIT_DATAERR;
  }
  return SBP_EXIT_OK;
}

/* The request of q into rq. */
static int set_request(sbp_request *rq, const diff_req *q) {
  sbp_request_reset(rq);
  int rc = sbp_request_set_operation(rq, q->op, strlen(q->op), NULL);
  if (rc != SBP_OK || q->attr == NULL) return rc;
  if (q->kind == RQ_NUMBER)
    return sbp_request_set_named_attr(rq, q->attr, strlen(q->attr), 1, NULL, 0, q->num, NULL);
  if (q->kind == RQ_ADDRESS)
    return sbp_request_set_netaddr(rq, strcmp(q->attr, "local") == 0 ? SBP_ATTR_LOCAL : SBP_ATTR_REMOTE,
                                   q->value, q->proto_len,
                                   q->host_len ? q->value + q->host_at : NULL, q->host_len,
                                   (int)q->num, NULL);
  return sbp_request_set_named_attr(rq, q->attr, strlen(q->attr), 0, q->value, strlen(q->value),
                                    0, NULL);
}

/* "OP VALUE" for the attribute an operation is usually asked with, "OP ATTR=VALUE" else. */
static void request_text(const diff_req *q, char *buf, size_t size) {
  static const char *const plain[] = {"path", "global-name", "sysctl-name", "preference-domain",
                                      "ipc-posix-name", "notification-name",
                                      "iokit-registry-entry-class", "appleevent-destination",
                                      "right-name"};
  int is_plain = 0;
  for (size_t i = 0; q->attr && i < sizeof plain / sizeof plain[0]; i++)
    if (strcmp(q->attr, plain[i]) == 0) is_plain = 1;
  if (q->attr == NULL)
    snprintf(buf, size, "%s", q->op);
  else if (is_plain)
    snprintf(buf, size, "%s %s", q->op, q->value);
  else
    snprintf(buf, size, "%s %s=%s", q->op, q->attr, q->value);
}

/* Why a decision is unknown, in a few words. */
static void unknown_reason(const sbp_decision *d, char *buf, size_t size) {
  const char *imp = sbp_decision_missing_import(d);
  const char *attr = sbp_decision_missing_attr(d);
  if (imp != NULL)
    snprintf(buf, size, "import \"%s\" not found", imp);
  else if (sbp_decision_missing_param(d) != NULL)
    snprintf(buf, size, "parameter \"%s\" has no value: give -D %s=...",
             sbp_decision_missing_param(d), sbp_decision_missing_param(d));
  else if (attr != NULL)
    snprintf(buf, size, "needs %s", attr);
  else
    snprintf(buf, size, "%s", sbp_decision_step_name(sbp_decision_step_of(d)));
}

typedef struct rule_ref {
  char *text;
  const sbp_node *rule;
  int matched;
} rule_ref;

static int cmp_rule_ref(const void *pa, const void *pb) {
  const rule_ref *a = pa, *b = pb;
  return strcmp(a->text, b->text);
}

static void free_refs(rule_ref *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) sbp_free(v[i].text);
  free(v);
}

static rule_ref *rule_refs(const sbp_profile *p, size_t *n) {
  size_t cnt = sbp_profile_rule_count(p), k = 0;
  rule_ref *v = calloc(cnt ? cnt : 1, sizeof *v);
  if (v == NULL) return NULL;
  for (const sbp_node *r = sbp_node_first_child(sbp_profile_root(p)); r; r = sbp_node_next(r)) {
    if (sbp_node_type_of(r) != SBP_NODE_RULE || k >= cnt) continue;
    sbp_buf t = SBP_BUF_INIT;
    if (sbp_rule_text(r, &t, NULL) != SBP_OK || (v[k].text = sbp_buf_detach(&t)) == NULL) {
      sbp_buf_dispose(&t);
      free_refs(v, k);
      return NULL;
    }
    v[k].rule = r;
    k++;
  }
  *n = k;
  qsort(v, k, sizeof *v, cmp_rule_ref);
  return v;
}

/* Marks equal rules of a and b matched (multiset merge of sorted lists). */
static void match_refs(rule_ref *a, size_t na, rule_ref *b, size_t nb) {
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    int c = strcmp(a[i].text, b[j].text);
    if (c == 0) {
      a[i++].matched = 1;
      b[j++].matched = 1;
    } else if (c < 0) {
      i++;
    } else {
      j++;
    }
  }
}

static int cmp_ref_pos(const void *pa, const void *pb) {
  const rule_ref *a = pa, *b = pb;
  uint32_t la = 0, lb = 0, ca = 0, cb = 0;
  sbp_node_position(a->rule, NULL, &la, &ca);
  sbp_node_position(b->rule, NULL, &lb, &cb);
  if (la != lb) return la < lb ? -1 : 1;
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

static void print_rule_changes(rule_ref *v, size_t n, char sign, int color, int *header,
                               const char *title) {
  qsort(v, n, sizeof *v, cmp_ref_pos);
  for (size_t i = 0; i < n; i++) {
    if (v[i].matched) continue;
    if (!*header) {
      printf("%s\n", title);
      *header = 1;
    }
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    sbp_node_position(v[i].rule, &file, &line, &col);
    printf("%s%c %s%s (%s:%u:%u)\n", color ? (sign == '+' ? "\033[32m" : "\033[31m") : "", sign,
           v[i].text, color ? "\033[0m" : "", file ? file : "", (unsigned)line, (unsigned)col);
  }
}

/* Imports of sd kept unresolved that other does not have: a line each. 1 when any. */
static int print_missing_imports(const side *sd, const side *other, char sign, int *header,
                                 const char *old_name, const char *new_name) {
  int any = 0;
  for (const sbp_node *n = sbp_node_first_child(sbp_profile_root(sd->p)); n; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_IMPORT) continue;
    const char *name = sbp_node_text(n, NULL);
    int shared = 0;
    for (const sbp_node *m = sbp_node_first_child(sbp_profile_root(other->p)); m && !shared;
         m = sbp_node_next(m))
      shared = sbp_node_type_of(m) == SBP_NODE_IMPORT && strcmp(sbp_node_text(m, NULL), name) == 0;
    if (shared) continue;
    if (!*header) {
      printf("--- %s\n+++ %s\n", old_name, new_name);
      *header = 1;
    }
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    sbp_node_position(n, &file, &line, &col);
    printf("%c import \"%s\" (%s:%u:%u)  [not found: what it allows or denies is unknown]\n",
           sign, name, file ? file : "", (unsigned)line, (unsigned)col);
    any = 1;
  }
  return any;
}

int sbp_tool_diff(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char *paths[2] = {NULL, NULL};
  size_t npaths = 0;
  int operands_only = 0;
  const char *color_mode = NULL;
  uint32_t macos = 0;
  side s[2];
  memset(s, 0, sizeof s);
  req_list reqs = {NULL, 0, 0, 0};
  sbp_request *rq = NULL;
  sbp_decision *dec[2] = {NULL, NULL};
  rule_ref *refs[2] = {NULL, NULL};
  size_t nrefs[2] = {0, 0};
  if (sbp_tool_eval_init(&ev, argc) != 0) {
    fprintf(stderr, "sbprofile: out of memory\n");
    return SBP_EXIT_SOFTWARE;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int t;
    if (operands_only || a[0] != '-' || a[1] == '\0') {
      if (npaths < 2) paths[npaths] = a;
      npaths++;
    } else if (sbp_tool_is_help(a)) {
      diff_usage(stdout);
      goto done;
    } else if ((t = sbp_tool_common_option("diff", argc, argv, &i, &operands_only)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if ((t = sbp_tool_macos_option("diff", argc, argv, &i, &macos)) != 0 ||
               (t = sbp_tool_color_option("diff", argc, argv, &i, &color_mode)) != 0 ||
               (t = sbp_tool_eval_option(&ev, "diff", argc, argv, &i)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else {
      status = sbp_tool_usage_error("diff", "unknown option '%s'", a);
      goto done;
    }
  }
  if (npaths != 2) {
    status = sbp_tool_usage_error("diff", "expected two files, OLD and NEW");
    goto done;
  }
  if (strcmp(paths[0], "-") == 0 && strcmp(paths[1], "-") == 0) {
    status = sbp_tool_usage_error("diff", "only one of OLD and NEW can be standard input");
    goto done;
  }
  int color = sbp_tool_color(color_mode, stdout);
  sbp_read_options ro;
  sbp_tool_eval_read_options(&ev, &ro);
  for (int k = 0; k < 2; k++) {
    status = load_side(&s[k], paths[k], &ro, macos);
    if (status != SBP_EXIT_OK) goto done;
  }
  collect(&reqs, s[0].p, macos);
  collect(&reqs, s[1].p, macos);
  if (reqs.oom || sbp_request_new(&rq, NULL, NULL) != SBP_OK ||
      sbp_decision_new(&dec[0], NULL, NULL) != SBP_OK ||
      sbp_decision_new(&dec[1], NULL, NULL) != SBP_OK) {
    fprintf(stderr, "sbprofile: out of memory\n");
    status = SBP_EXIT_SOFTWARE;
    goto done;
  }
  if (reqs.n) qsort(reqs.v, reqs.n, sizeof *reqs.v, cmp_req);
  int changed = 0, header = 0;
  for (size_t i = 0; i < reqs.n; i++) {
    const diff_req *q = &reqs.v[i];
    if (i > 0 && cmp_req(q, &reqs.v[i - 1]) == 0) continue;
    if (set_request(rq, q) != SBP_OK) continue;
    int res[2], rc = SBP_OK;
    for (int k = 0; k < 2; k++) {
      if (sbp_decide_into(s[k].d, rq, NULL, dec[k], NULL) != SBP_OK) rc = -1;
      res[k] = sbp_decision_result(dec[k]);
    }
    if (rc != SBP_OK || res[0] == res[1]) continue;
    if (!header) {
      printf("--- %s\n+++ %s\n", s[0].name, s[1].name);
      header = 1;
    }
    changed = 1;
    char what[700];
    request_text(q, what, sizeof what);
    if (res[0] == SBP_DECISION_UNKNOWN || res[1] == SBP_DECISION_UNKNOWN) {
      /* a change of certainty, not a grant: one side cannot tell */
      int known = res[0] == SBP_DECISION_UNKNOWN ? 1 : 0;
      char pos[600], why[300];
      pos_of(dec[known], &s[known], q->value, pos, sizeof pos);
      unknown_reason(dec[1 - known], why, sizeof why);
      printf("%s~ %s -> %s %s (%s)  [%s: %s]%s\n", color ? "\033[33m" : "",
             known ? "?" : sbp_decision_result_name(res[0]),
             known ? sbp_decision_result_name(res[1]) : "?", what, pos,
             known ? "unknown before" : "unknown now", why, color ? "\033[0m" : "");
      continue;
    }
    char sign;
    int kind, from;
    if (res[1] == SBP_DECISION_ALLOW) sign = '+', kind = SBP_DECISION_ALLOW, from = 1;
    else if (res[0] == SBP_DECISION_ALLOW) sign = '-', kind = SBP_DECISION_ALLOW, from = 0;
    else if (res[1] == SBP_DECISION_DENY) sign = '+', kind = SBP_DECISION_DENY, from = 1;
    else sign = '-', kind = SBP_DECISION_DENY, from = 0;
    char pos[600];
    pos_of(dec[from], &s[from], q->value, pos, sizeof pos);
    printf("%s%c %s %s (%s)%s", color ? (sign == '+' ? "\033[32m" : "\033[31m") : "", sign,
           sbp_decision_result_name(kind), what, pos, color ? "\033[0m" : "");
    const sbp_service_note *note = NULL;
    if (q->attr && strcmp(q->attr, "global-name") == 0 &&
        sbp_catalog_service_lookup(q->value, strlen(q->value), &note, NULL) == SBP_OK &&
        note != NULL) {
      printf("  [note: %s]\n", sbp_catalog_service_gives(note));
      printf("    without it: %s\n", sbp_catalog_service_breaks(note));
    } else {
      printf("\n");
    }
  }
  /* Imports kept unresolved on one side only: what they grant cannot be listed. */
  for (int k = 0; k < 2; k++)
    if (print_missing_imports(&s[k], &s[1 - k], k ? '+' : '-', &header, s[0].name, s[1].name))
      changed = 1;
  /* Rules added and removed. */
  for (int k = 0; k < 2; k++) {
    refs[k] = rule_refs(s[k].p, &nrefs[k]);
    if (refs[k] == NULL) {
      fprintf(stderr, "sbprofile: out of memory\n");
      status = SBP_EXIT_SOFTWARE;
      goto done;
    }
  }
  match_refs(refs[0], nrefs[0], refs[1], nrefs[1]);
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < nrefs[k]; i++)
      if (!refs[k][i].matched) changed = 1;
  if (changed && !header) {
    printf("--- %s\n+++ %s\n", s[0].name, s[1].name);
    header = 1;
  }
  int rh = 0;
  print_rule_changes(refs[1], nrefs[1], '+', color, &rh, "rules added:");
  rh = 0;
  print_rule_changes(refs[0], nrefs[0], '-', color, &rh, "rules removed:");
  if ((status = sbp_tool_finish_stdout("diff")) == SBP_EXIT_OK) status = changed ? SBP_EXIT_FOUND : SBP_EXIT_OK;
done:
  for (int k = 0; k < 2; k++) {
    free_refs(refs[k], nrefs[k]);
    sbp_decision_free(dec[k]);
    sbp_decider_free(s[k].d);
    sbp_profile_free(s[k].p);
    free(s[k].text);
  }
  sbp_request_free(rq);
  for (size_t i = 0; i < reqs.n; i++) {
    free(reqs.v[i].op);
    free(reqs.v[i].attr);
    free(reqs.v[i].value);
  }
  free(reqs.v);
  sbp_tool_eval_free(&ev);
  return status;
}
