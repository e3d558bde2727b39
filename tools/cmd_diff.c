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
          "                      [--color=WHEN] OLD NEW\n\n"
          "Reports what NEW grants or denies that OLD did not. For every request either\n"
          "profile names (each operation with each literal, subpath, prefix and name value\n"
          "its rules mention, and each operation its unfiltered rules name), both profiles\n"
          "decide it; only the changes are listed, with the position of the deciding rule:\n\n"
          "  + allow OP VALUE (NEW:LINE:COL)   NEW allows what OLD did not\n"
          "  - allow OP VALUE (OLD:LINE:COL)   OLD allowed what NEW does not\n"
          "  + deny / - deny                   the same for denials neither side allows\n\n"
          "A note from the catalog follows a change to a well-known service. Then the rules\n"
          "added (+) and removed (-), compared as written, positions aside. '-' reads one\n"
          "profile from standard input.\n\n"
          "  --macos VERSION  the catalog version for operation chains (default: newest)\n"
          "  -E KEY=VALUE     an entitlement of the process (true/false: a boolean;\n"
          "                   a KEY repeated: an array of strings; else a string)\n"
          "  --entitlements FILE\n"
          "                   the entitlements codesign -d --entitlements - --xml prints\n"
          "  -D KEY=VALUE     a parameter value for (param \"KEY\") in both profiles\n"
          "  -I DIR           a directory to search for (import \"NAME\")\n"
          "  --color=WHEN     auto (on a terminal; default), always or never\n\n"
          "Exit status: 0 nothing changed, 1 something changed, 2 usage error, 65 a profile\n"
          "does not read or evaluate, 66 unreadable input.\n");
}

typedef struct diff_req {
  char *op;
  char *attr;  /* NULL: no attribute (unfiltered) */
  char *value;
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

static void add_req(req_list *l, const char *op, const char *attr, const char *value) {
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
  if (r->op == NULL || (attr && r->attr == NULL) || (value && r->value == NULL)) {
    free(r->op);
    free(r->attr);
    free(r->value);
    l->oom = 1;
    return;
  }
  l->n++;
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
            if (sbp_catalog_filter_lookup(macos, name, len, &cf, NULL) == SBP_OK &&
                sbp_catalog_filter_match(cf) != SBP_CATALOG_MATCH_REGEX &&
                (sbp_catalog_filter_arg(cf) == SBP_CATALOG_ARG_PATH ||
                 sbp_catalog_filter_arg(cf) == SBP_CATALOG_ARG_NAME)) {
              for (const sbp_node *v = sbp_node_first_child(n); v; v = sbp_node_next(v))
                if (sbp_value_kind_of(v) == SBP_VALUE_STRING)
                  add_req(l, op, sbp_catalog_filter_base(cf), sbp_node_text(v, NULL));
            }
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
  if (e) {
    fprintf(stderr, "sbprofile: %s: %s\n", path, strerror(e));
    return SBP_EXIT_NOINPUT;
  }
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&s->p, s->text, s->len, s->name, ro, NULL, &err);
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

int sbp_tool_diff(int argc, char **argv) {
  int status = SBP_EXIT_OK;
  sbp_tool_eval ev;
  const char *paths[2] = {NULL, NULL};
  size_t npaths = 0;
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
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      diff_usage(stdout);
      goto done;
    } else if (strcmp(a, "--macos") == 0 || strncmp(a, "--macos=", 8) == 0) {
      const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
      if (v == NULL || sbp_macos_version_parse(v, strlen(v), &macos, NULL) != SBP_OK ||
          sbp_catalog_version_nearest(macos) == 0) {
        fprintf(stderr, "sbprofile diff: --macos expects a version such as 14.4.1\n");
        status = SBP_EXIT_USAGE;
        goto done;
      }
      macos = sbp_catalog_version_nearest(macos);
    } else if ((t = sbp_tool_color_option("diff", argc, argv, &i, &color_mode)) != 0 ||
               (t = sbp_tool_eval_option(&ev, "diff", argc, argv, &i)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "sbprofile diff: unknown option '%s'\n", a);
      diff_usage(stderr);
      status = SBP_EXIT_USAGE;
      goto done;
    } else if (npaths < 2) {
      paths[npaths++] = a;
    } else {
      npaths++;
    }
  }
  if (npaths != 2) {
    fprintf(stderr, "sbprofile diff: expected two files, OLD and NEW\n");
    diff_usage(stderr);
    status = SBP_EXIT_USAGE;
    goto done;
  }
  if (strcmp(paths[0], "-") == 0 && strcmp(paths[1], "-") == 0) {
    fprintf(stderr, "sbprofile diff: only one of OLD and NEW can be standard input\n");
    status = SBP_EXIT_USAGE;
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
    sbp_request_reset(rq);
    int rc = sbp_request_set_operation(rq, q->op, strlen(q->op), NULL);
    if (rc == SBP_OK && q->attr)
      rc = sbp_request_set_named_attr(rq, q->attr, strlen(q->attr), 0, q->value,
                                      strlen(q->value), 0, NULL);
    if (rc != SBP_OK) continue;
    int res[2];
    for (int k = 0; k < 2; k++) {
      if (sbp_decide_into(s[k].d, rq, NULL, dec[k], NULL) != SBP_OK) rc = -1;
      res[k] = sbp_decision_result(dec[k]);
    }
    if (rc != SBP_OK || res[0] == res[1]) continue;
    char sign;
    int kind, from;
    if (res[1] == SBP_DECISION_ALLOW) sign = '+', kind = SBP_DECISION_ALLOW, from = 1;
    else if (res[0] == SBP_DECISION_ALLOW) sign = '-', kind = SBP_DECISION_ALLOW, from = 0;
    else if (res[1] == SBP_DECISION_DENY) sign = '+', kind = SBP_DECISION_DENY, from = 1;
    else sign = '-', kind = SBP_DECISION_DENY, from = 0;
    char pos[600];
    pos_of(dec[from], &s[from], q->value, pos, sizeof pos);
    if (!header) {
      printf("--- %s\n+++ %s\n", s[0].name, s[1].name);
      header = 1;
    }
    changed = 1;
    printf("%s%c %s %s%s%s (%s)%s", color ? (sign == '+' ? "\033[32m" : "\033[31m") : "", sign,
           sbp_decision_result_name(kind), q->op, q->value ? " " : "", q->value ? q->value : "",
           pos, color ? "\033[0m" : "");
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
  if (fflush(stdout) != 0) status = SBP_EXIT_SOFTWARE;
  else status = changed ? SBP_EXIT_FOUND : SBP_EXIT_OK;
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
