/* Suggest: from the reports of a denial log to rules, decided against a profile, placed
 * where they take effect and checked through the decision engine (sbprofile/suggest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "sbprofile/catalog.h"
#include "sbprofile/decide.h"
#include "sbprofile/profile.h"
#include "sbprofile/suggest.h"
#include "suggest_map.h"

#define MAX_PROCS 8

typedef struct sreq {
  int action, system_policy;
  const char *op, *target, *message;
  uint64_t count;
  const char *procs[MAX_PROCS];
  size_t nprocs;
  uint64_t more;
  sbp__mapped map;
  int status;
  size_t rule;
  int decision;
  const char *decided_by, *decided_at, *processes;
  size_t deny_end; /* offset in the profile text after the denying rule; SIZE_MAX: none */
  const char *dir; /* collapsed directory, or NULL */
  size_t next;     /* the next request of the same rule; SIZE_MAX: none */
} sreq;

typedef struct srule {
  const char *op, *text, *comment, *note, *risk, *after;
  int applied;
  size_t insert_at; /* offset in the profile text; SIZE_MAX: the end */
  size_t first;     /* its first request; the others follow sreq.next */
  size_t last;      /* its last request */
} srule;

struct sbp_suggestion {
  sbp_alloc alloc;
  sbp__arena arena;
  sreq *reqs;
  size_t nreqs;
  srule *rules;
  size_t nrules, risky;
  int checked;
  size_t still_denied, other_changes;
  sbp_buf check_text;
  sbp_buf profile_text;
  int has_profile;
};

/* ---- a string-keyed index (open addressing over indices) ------------------------------- */

typedef struct index_tab {
  size_t *slot;   /* index + 1; 0 empty */
  uint64_t *hash; /* each slot's full hash: probes and growth need not touch the entries */
  size_t cap, n;
} index_tab;

/* A string hashed eight bytes at a time (a multiply and a shift each: several times cheaper
 * than byte by byte on paths), then its tail, finished with a full mix: the table takes the
 * low bits. */
static uint64_t hash_bytes(uint64_t h, const char *s) {
  size_t n = strlen(s);
  h ^= (uint64_t)n;
  for (; n >= 8; n -= 8, s += 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
  }
  for (; n > 0; n--, s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

static int tab_grow_to(const sbp_alloc *a, index_tab *t, size_t cap) {
  size_t *ns = sbp__calloc(a, cap, sizeof *ns);
  uint64_t *nh = sbp__calloc(a, cap, sizeof *nh);
  if (ns == NULL || nh == NULL) {
    sbp__free(a, ns);
    sbp__free(a, nh);
    return SBP_E_NOMEM;
  }
  for (size_t i = 0; i < t->cap; i++) {
    if (t->slot[i] == 0) continue;
    size_t j = (size_t)t->hash[i] & (cap - 1);
    while (ns[j]) j = (j + 1) & (cap - 1);
    ns[j] = t->slot[i];
    nh[j] = t->hash[i];
  }
  sbp__free(a, t->slot);
  sbp__free(a, t->hash);
  t->slot = ns;
  t->hash = nh;
  t->cap = cap;
  return SBP_OK;
}

/* Room for one more entry. */
static int tab_reserve(const sbp_alloc *a, index_tab *t) {
  return (t->n + 1) * 2 > t->cap ? tab_grow_to(a, t, t->cap ? t->cap * 2 : 1024) : SBP_OK;
}

/* Room for n entries at once, when their number is known: no rehashing on the way. */
static int tab_presize(const sbp_alloc *a, index_tab *t, size_t n) {
  size_t cap = 1024;
  while (cap / 2 < n + 1 && cap <= SIZE_MAX / 4 / sizeof(uint64_t)) cap *= 2;
  return cap > t->cap ? tab_grow_to(a, t, cap) : SBP_OK;
}

static void tab_put(index_tab *t, size_t j, size_t index, uint64_t h) {
  t->slot[j] = index + 1;
  t->hash[j] = h;
  t->n++;
}

static void tab_free(const sbp_alloc *a, index_tab *t) {
  sbp__free(a, t->slot);
  sbp__free(a, t->hash);
}

#define HASH_SEED 14695981039346656037ull


/* ---- small helpers ---------------------------------------------------------------------- */

static int put(sbp_buf *b, const sbp_alloc *a, const char *s) { return sbp__buf_puts(b, a, s); }

/* An SBPL string literal. Reports hold no control characters (the parser drops them). */
static int put_quoted(sbp_buf *b, const sbp_alloc *a, const char *s) {
  int rc = sbp__buf_putc(b, a, '"');
  while (rc == SBP_OK && *s) {
    size_t run = strcspn(s, "\"\\");
    rc = sbp__buf_put(b, a, s, run);
    s += run;
    if (rc == SBP_OK && *s) {
      char esc[2] = {'\\', *s++};
      rc = sbp__buf_put(b, a, esc, 2);
    }
  }
  return rc == SBP_OK ? sbp__buf_putc(b, a, '"') : rc;
}

/* A copy of buf's text in the arena; buf is emptied. NULL on OOM. */
static const char *keep_buf(sbp_suggestion *s, sbp_buf *b) {
  char *c = sbp__arena_strndup(&s->arena, b->ptr ? b->ptr : "", b->len);
  sbp__buf_truncate(b, 0);
  return c;
}

static int cmp_req(const void *pa, const void *pb) {
  const sreq *a = pa, *b = pb;
  int c = a->op == b->op ? 0 : strcmp(a->op, b->op); /* operations are interned */
  if (c == 0) c = strcmp(a->target, b->target);
  return c != 0 ? c : a->action - b->action;
}

/* ---- step 1: distinct requests ---------------------------------------------------------- */

static int cmp_req_ptr(const void *pa, const void *pb) {
  return cmp_req(*(const sreq *const *)pa, *(const sreq *const *)pb);
}

/* Sorts the requests by operation, then target: pointers are sorted, then the entries
 * copied once into their order (qsort would move the large entries many times). */
static int sort_requests(sbp_suggestion *s) {
  const sbp_alloc *a = &s->alloc;
  const sreq **v = sbp__calloc(a, s->nreqs, sizeof *v);
  sreq *sorted = sbp__calloc(a, s->nreqs, sizeof *sorted);
  if (v == NULL || sorted == NULL) {
    sbp__free(a, v);
    sbp__free(a, sorted);
    return SBP_E_NOMEM;
  }
  for (size_t i = 0; i < s->nreqs; i++) v[i] = &s->reqs[i];
  qsort(v, s->nreqs, sizeof *v, cmp_req_ptr);
  for (size_t i = 0; i < s->nreqs; i++) sorted[i] = *v[i];
  sbp__free(a, v);
  sbp__free(a, s->reqs);
  s->reqs = sorted;
  return SBP_OK;
}

static int gather(sbp_suggestion *s, const sbp_denial_log *log) {
  const sbp_alloc *a = &s->alloc;
  size_t n = sbp_denial_log_count(log), cap = 0;
  index_tab tab = {NULL, NULL, 0, 0};
  index_tab ops = {NULL, NULL, 0, 0}; /* each operation's first request, which holds its copy */
  int rc = tab_presize(a, &tab, n); /* at most one request a report */
  for (size_t i = 0; i < n && rc == SBP_OK; i++) {
    const sbp_denial *d = sbp_denial_log_at(log, i);
    if ((rc = tab_reserve(a, &tab)) != SBP_OK) break;
    uint64_t hop = hash_bytes(HASH_SEED, d->operation);
    uint64_t h = hash_bytes(hop ^ (uint64_t)d->action, d->target);
    size_t j = (size_t)h & (tab.cap - 1);
    sreq *r = NULL;
    while (tab.slot[j]) {
      sreq *c = &s->reqs[tab.slot[j] - 1];
      if (tab.hash[j] == h && c->action == d->action && strcmp(c->op, d->operation) == 0 &&
          strcmp(c->target, d->target) == 0) {
        r = c;
        break;
      }
      j = (j + 1) & (tab.cap - 1);
    }
    if (r == NULL) {
      if (s->nreqs == cap) {
        size_t nc = cap ? cap * 2 : 64;
        sreq *nv = sbp__realloc(a, s->reqs, nc * sizeof *nv);
        if (nv == NULL) {
          rc = SBP_E_NOMEM;
          break;
        }
        s->reqs = nv;
        cap = nc;
      }
      r = &s->reqs[s->nreqs];
      memset(r, 0, sizeof *r);
      r->action = d->action;
      r->system_policy = 1;
      /* One copy of each operation: requests compare and sort by it often. */
      if ((rc = tab_reserve(a, &ops)) != SBP_OK) break;
      size_t k = (size_t)hop & (ops.cap - 1);
      while (ops.slot[k] && (ops.hash[k] != hop ||
                             strcmp(s->reqs[ops.slot[k] - 1].op, d->operation) != 0))
        k = (k + 1) & (ops.cap - 1);
      if (ops.slot[k]) {
        r->op = s->reqs[ops.slot[k] - 1].op;
      } else {
        r->op = sbp__arena_strndup(&s->arena, d->operation, strlen(d->operation));
        if (r->op != NULL) tab_put(&ops, k, s->nreqs, hop);
      }
      r->target = sbp__arena_strndup(&s->arena, d->target, strlen(d->target));
      if (r->op == NULL || r->target == NULL) {
        rc = SBP_E_NOMEM;
        break;
      }
      r->rule = SIZE_MAX;
      r->deny_end = SIZE_MAX;
      r->next = SIZE_MAX;
      tab_put(&tab, j, s->nreqs++, h);
    }
    r->count += d->repeats;
    if (!d->system_policy) r->system_policy = 0;
    if (r->message == NULL && d->message != NULL &&
        (r->message = sbp__arena_strndup(&s->arena, d->message, strlen(d->message))) == NULL)
      rc = SBP_E_NOMEM;
    /* Processes by name and pid, as reported. */
    char who[300];
    size_t wl = strlen(d->process);
    if (wl > 250) wl = 250;
    memcpy(who, d->process, wl);
    if (d->pid >= 0) {
      char digits[24];
      size_t nd = 0;
      for (uint64_t v = (uint64_t)d->pid; nd == 0 || v; v /= 10) digits[nd++] = (char)('0' + v % 10);
      who[wl++] = '(';
      while (nd) who[wl++] = digits[--nd];
      who[wl++] = ')';
    }
    who[wl] = '\0';
    size_t k = 0;
    while (k < r->nprocs && strcmp(r->procs[k], who) != 0) k++;
    if (k == r->nprocs) {
      if (r->nprocs < MAX_PROCS) {
        if ((r->procs[r->nprocs] = sbp__arena_strndup(&s->arena, who, strlen(who))) == NULL)
          rc = SBP_E_NOMEM;
        else
          r->nprocs++;
      } else {
        r->more += d->repeats; /* reports of the processes not named */
      }
    }
  }
  tab_free(a, &tab);
  tab_free(a, &ops);
  if (rc == SBP_OK && s->nreqs > 1) rc = sort_requests(s);
  return rc;
}

/* ---- step 2: deciding against the profile ------------------------------------------------ */

/* Byte offset of 1-based line/col in text; SIZE_MAX when out of range. */
static size_t offset_of(const char *t, size_t n, uint32_t line, uint32_t col) {
  size_t o = 0;
  for (uint32_t l = 1; l < line; l++) {
    const char *nl = memchr(t + o, '\n', n - o);
    if (nl == NULL) return SIZE_MAX;
    o = (size_t)(nl - t) + 1;
  }
  return col >= 1 && o + col - 1 < n ? o + col - 1 : SIZE_MAX;
}

/* When t[i] starts a string, a comment or a character literal, the index of its last byte;
 * else i. The lexical rules of the reader, as far as parentheses are concerned (the text
 * has been read, so it holds no #| block comment: the reader refuses them). */
static size_t skip_lexeme(const char *t, size_t n, size_t i) {
  char c = t[i];
  if (c == '"') {
    for (i++; i < n && t[i] != '"'; i++)
      if (t[i] == '\\') i++;
  } else if (c == ';') {
    while (i + 1 < n && t[i + 1] != '\n') i++;
  } else if (c == '#' && i + 1 < n && t[i + 1] == '\\') {
    i += 2; /* a character literal such as #\( */
  }
  return i < n ? i : n - 1;
}

/* Whether offset o is outside every form (a rule written at the top level, not inside a
 * definition or a macro's body). */
static int top_level(const char *t, size_t n, size_t o) {
  long depth = 0;
  for (size_t i = 0; i < o && i < n; i++) {
    size_t last = skip_lexeme(t, n, i);
    if (last != i) { /* a lexeme's parentheses (as in "(" or #\() are not the form's */
      i = last;
      continue;
    }
    if (t[i] == '(') depth++;
    else if (t[i] == ')') depth--;
  }
  return depth == 0;
}

/* The offset just after the line that ends the form starting at o, or SIZE_MAX. */
static size_t form_end(const char *t, size_t n, size_t o) {
  if (o >= n || t[o] != '(' || !top_level(t, n, o)) return SIZE_MAX;
  long depth = 0;
  for (size_t i = o; i < n; i++) {
    size_t last = skip_lexeme(t, n, i);
    if (last != i) {
      i = last;
      continue;
    }
    if (t[i] == '(') {
      depth++;
    } else if (t[i] == ')' && --depth == 0) {
      const char *nl = memchr(t + i, '\n', n - i);
      return nl ? (size_t)(nl - t) + 1 : n;
    }
  }
  return SIZE_MAX;
}

/* Puts req's operation and attribute into rq. When prev (the request filled before) has the
 * same operation and the same kind of attribute, only the attribute is replaced, so that the
 * request keeps its memo of the operation's chain. */
static int fill_request(sbp_request *rq, const sreq *r, const sreq *prev) {
  const sbp__mapped *m = &r->map;
  if (prev == NULL || strcmp(prev->op, r->op) != 0 || prev->map.kind != m->kind ||
      prev->map.attr != m->attr) {
    sbp_request_reset(rq);
    int rc = sbp_request_set_operation(rq, r->op, strlen(r->op), NULL);
    if (rc != SBP_OK) return rc;
  }
  switch (m->kind) {
    case SBP__MAP_PATH:
    case SBP__MAP_UNIX:
      return sbp_request_set_string_attr(rq, SBP_ATTR_PATH, m->value, strlen(m->value), NULL);
    case SBP__MAP_NAME:
    case SBP__MAP_CONSTANT:
      return sbp_request_set_string_attr(rq, m->attr, m->value, strlen(m->value), NULL);
    case SBP__MAP_IP:
      return sbp_request_set_netaddr(rq, m->attr, "ip", 2, m->host, strlen(m->host), m->port,
                                     NULL);
    default:
      return SBP_OK;
  }
}

/* "FILE:LINE:COL" and the text of a decision's rule, into the arena. */
static int describe_rule(sbp_suggestion *s, const sbp_node *rule, const char **text,
                         const char **at) {
  const char *file = NULL;
  uint32_t line = 0, col = 0;
  sbp_node_position(rule, &file, &line, &col);
  char pos[300];
  snprintf(pos, sizeof pos, "%.250s:%u:%u", file ? file : "", (unsigned)line, (unsigned)col);
  *at = sbp__arena_strndup(&s->arena, pos, strlen(pos));
  sbp_buf b = SBP_BUF_INIT;
  int rc = sbp_rule_text(rule, &b, NULL);
  *text = rc == SBP_OK ? sbp__arena_strndup(&s->arena, b.ptr, b.len) : NULL;
  sbp_buf_dispose(&b);
  return *at && *text ? SBP_OK : SBP_E_NOMEM;
}

static int decide_all(sbp_suggestion *s, const sbp_decider *d, const sbp_source *src) {
  sbp_request *rq = NULL;
  sbp_decision *dec = NULL;
  int rc = sbp_request_new(&rq, &s->alloc, NULL);
  if (rc == SBP_OK) rc = sbp_decision_new(&dec, &s->alloc, NULL);
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = SBP_DECIDE_CANONICAL_PATHS;
  const sreq *prev = NULL;
  /* The rule that decided last, described once: most requests meet the same few rules. */
  const sbp_node *last_rule = NULL;
  const char *last_by = NULL, *last_at = NULL;
  size_t last_end = SIZE_MAX;
  for (size_t i = 0; rc == SBP_OK && i < s->nreqs; i++) {
    sreq *r = &s->reqs[i];
    if (r->status != SBP_SUGGEST_NEW_RULE) continue;
    if ((rc = fill_request(rq, r, prev)) != SBP_OK) break;
    prev = r;
    if ((rc = sbp_decide_into(d, rq, &o, dec, NULL)) != SBP_OK) break;
    r->decision = sbp_decision_result(dec);
    const sbp_node *rule = sbp_decision_rule(dec);
    if (rule != NULL && rule == last_rule) {
      r->decided_by = last_by;
      r->decided_at = last_at;
      if (r->decision == SBP_DECISION_ALLOW) r->status = SBP_SUGGEST_ALREADY_ALLOWED;
      else r->deny_end = last_end;
      continue;
    }
    if (rule != NULL && (rc = describe_rule(s, rule, &r->decided_by, &r->decided_at)) != SBP_OK)
      break;
    if (rule == NULL) /* a TERMINAL operation's built-in action, or no default rule */
      r->decided_by = sbp_decision_step_name(sbp_decision_step_of(dec));
    if (r->decision == SBP_DECISION_ALLOW) {
      r->status = SBP_SUGGEST_ALREADY_ALLOWED;
      continue;
    }
    const char *file = NULL;
    uint32_t line = 0, col = 0;
    if (rule != NULL) sbp_node_position(rule, &file, &line, &col);
    if (rule != NULL && line > 0 && file != NULL && src->file != NULL &&
        strcmp(file, src->file) == 0) {
      size_t o0 = offset_of(src->text, src->len, line, col);
      if (o0 != SIZE_MAX) r->deny_end = form_end(src->text, src->len, o0);
    }
    last_rule = rule;
    last_by = r->decided_by;
    last_at = r->decided_at;
    last_end = r->deny_end;
  }
  sbp_decision_free(dec);
  sbp_request_free(rq);
  return rc;
}

/* ---- step 3: rules ------------------------------------------------------------------------ */

static const char *parent_dir(sbp_suggestion *s, const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL || slash == path) return "";
  /* At least two components ("/a/b"): never collapse into "/" or a top-level folder. */
  if (memchr(path + 1, '/', (size_t)(slash - path - 1)) == NULL) return "";
  return sbp__arena_strndup(&s->arena, path, (size_t)(slash - path));
}

static int cmp_dir(const void *pa, const void *pb) {
  const sreq *a = *(const sreq *const *)pa, *b = *(const sreq *const *)pb;
  int c = strcmp(a->op, b->op);
  return c != 0 ? c : strcmp(a->dir, b->dir);
}

static int collapse(sbp_suggestion *s) {
  size_t n = 0;
  sreq **v = sbp__calloc(&s->alloc, s->nreqs ? s->nreqs : 1, sizeof *v);
  if (v == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < s->nreqs; i++) {
    sreq *r = &s->reqs[i];
    if (r->status != SBP_SUGGEST_NEW_RULE || r->map.kind != SBP__MAP_PATH ||
        strncmp(r->op, "file-", 5) != 0)
      continue;
    if ((r->dir = parent_dir(s, r->map.value)) == NULL) {
      sbp__free(&s->alloc, v);
      return SBP_E_NOMEM;
    }
    if (r->dir[0]) v[n++] = r;
  }
  if (n > 1) qsort(v, n, sizeof *v, cmp_dir);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && cmp_dir(&v[i], &v[j]) == 0) j++;
    size_t distinct = 0;
    for (size_t k = i; k < j; k++)
      if (k == i || strcmp(v[k]->map.value, v[k - 1]->map.value) != 0) distinct++;
    if (distinct < 2)
      for (size_t k = i; k < j; k++) v[k]->dir = NULL;
    i = j;
  }
  for (size_t i = 0; i < s->nreqs; i++)
    if (s->reqs[i].dir != NULL && s->reqs[i].dir[0] == '\0') s->reqs[i].dir = NULL;
  sbp__free(&s->alloc, v);
  return SBP_OK;
}

static int filter_text(sbp_buf *b, const sbp_alloc *a, const sreq *r) {
  const sbp__mapped *m = &r->map;
  int rc = SBP_OK;
  switch (m->kind) {
    case SBP__MAP_PATH:
      rc = put(b, a, r->dir ? " (subpath " : " (literal ");
      if (rc == SBP_OK) rc = put_quoted(b, a, r->dir ? r->dir : m->value);
      return rc == SBP_OK ? put(b, a, ")") : rc;
    case SBP__MAP_NAME:
    case SBP__MAP_CONSTANT:
      rc = put(b, a, " (");
      if (rc == SBP_OK) rc = put(b, a, m->filter);
      if (rc == SBP_OK) rc = put(b, a, " ");
      if (rc == SBP_OK) rc = m->kind == SBP__MAP_NAME ? put_quoted(b, a, m->value)
                                                      : put(b, a, m->value);
      return rc == SBP_OK ? put(b, a, ")") : rc;
    case SBP__MAP_UNIX:
      rc = put(b, a, m->local ? " (local unix-socket (path-literal "
                              : " (remote unix-socket (path-literal ");
      if (rc == SBP_OK) rc = put_quoted(b, a, m->value);
      return rc == SBP_OK ? put(b, a, "))") : rc;
    case SBP__MAP_IP:
      rc = put(b, a, m->local ? " (local ip " : " (remote ip ");
      if (rc == SBP_OK) rc = put_quoted(b, a, m->value);
      return rc == SBP_OK ? put(b, a, ")") : rc;
    default:
      return SBP_OK;
  }
}

static int processes_text(sbp_suggestion *s, sreq *r, sbp_buf *b) {
  int rc = SBP_OK;
  for (size_t k = 0; rc == SBP_OK && k < r->nprocs; k++) {
    if (k > 0) rc = put(b, &s->alloc, ", ");
    if (rc == SBP_OK) rc = put(b, &s->alloc, r->procs[k]);
  }
  if (rc == SBP_OK && r->more) {
    char more[48];
    snprintf(more, sizeof more, " and %llu more report%s", (unsigned long long)r->more,
             r->more == 1 ? "" : "s");
    rc = put(b, &s->alloc, more);
  }
  if (rc != SBP_OK || (r->processes = keep_buf(s, b)) == NULL) return SBP_E_NOMEM;
  return SBP_OK;
}

static int make_rules(sbp_suggestion *s, const sbp_suggest_options *o) {
  const sbp_alloc *a = &s->alloc;
  sbp_buf b = SBP_BUF_INIT;
  index_tab tab = {NULL, NULL, 0, 0};
  size_t cap = 0;
  int rc = tab_presize(a, &tab, s->nreqs); /* at most one rule a request */
  for (size_t i = 0; rc == SBP_OK && i < s->nreqs; i++) {
    sreq *r = &s->reqs[i];
    if ((rc = processes_text(s, r, &b)) != SBP_OK) break;
    if (r->status != SBP_SUGGEST_NEW_RULE) continue;
    rc = put(&b, a, "(allow ");
    if (rc == SBP_OK) rc = put(&b, a, r->op);
    if (rc == SBP_OK) rc = filter_text(&b, a, r);
    if (rc == SBP_OK) rc = put(&b, a, ")");
    const char *text = rc == SBP_OK ? keep_buf(s, &b) : NULL;
    if (text == NULL) {
      rc = SBP_E_NOMEM;
      break;
    }
    if ((rc = tab_reserve(a, &tab)) != SBP_OK) break;
    uint64_t h = hash_bytes(HASH_SEED, text);
    size_t j = (size_t)h & (tab.cap - 1);
    while (tab.slot[j] && (tab.hash[j] != h || strcmp(s->rules[tab.slot[j] - 1].text, text) != 0))
      j = (j + 1) & (tab.cap - 1);
    if (tab.slot[j]) {
      srule *u = &s->rules[tab.slot[j] - 1];
      r->rule = tab.slot[j] - 1;
      s->reqs[u->last].next = i;
      u->last = i;
      continue;
    }
    if (s->nrules == cap) {
      size_t nc = cap ? cap * 2 : 32;
      srule *nv = sbp__realloc(a, s->rules, nc * sizeof *nv);
      if (nv == NULL) {
        rc = SBP_E_NOMEM;
        break;
      }
      s->rules = nv;
      cap = nc;
    }
    srule *u = &s->rules[s->nrules];
    memset(u, 0, sizeof *u);
    u->op = r->op;
    u->text = text;
    u->first = u->last = i;
    u->insert_at = SIZE_MAX;
    /* The risk of what the rule grants: a collapsed rule grants the whole directory. */
    sbp__mapped granted = r->map;
    if (r->dir != NULL) granted.value = r->dir;
    u->risk = sbp__suggest_risk(r->op, &granted, r->dir != NULL, o->workspace);
    if (r->map.kind == SBP__MAP_NAME && strcmp(r->map.filter, "global-name") == 0) {
      const sbp_service_note *note = NULL;
      if (sbp_catalog_service_lookup(r->map.value, strlen(r->map.value), &note, NULL) ==
              SBP_OK && note != NULL) {
        rc = put(&b, a, sbp_catalog_service_gives(note));
        if (rc == SBP_OK) rc = put(&b, a, " Without it: ");
        if (rc == SBP_OK) rc = put(&b, a, sbp_catalog_service_breaks(note));
        if (rc != SBP_OK || (u->note = keep_buf(s, &b)) == NULL) {
          rc = SBP_E_NOMEM;
          break;
        }
      }
    }
    r->rule = s->nrules;
    tab_put(&tab, j, s->nrules++, h);
  }
  /* Comments: every process and count of the rule's requests, the message tags, caveats. */
  for (size_t k = 0; rc == SBP_OK && k < s->nrules; k++) {
    srule *u = &s->rules[k];
    uint64_t count = 0;
    size_t nreq = 0;
    const sreq *first = &s->reqs[u->first];
    for (size_t i = u->first; i != SIZE_MAX; i = s->reqs[i].next) {
      const sreq *r = &s->reqs[i];
      if (nreq < 3) {
        if (nreq > 0) rc = put(&b, a, "; ");
        if (rc == SBP_OK) rc = put(&b, a, r->processes);
      }
      count += r->count;
      nreq++;
    }
    if (nreq > 3) {
      if (rc == SBP_OK) rc = put(&b, a, "; ");
      if (rc == SBP_OK) rc = sbp__buf_put_int(&b, a, (int64_t)nreq);
      if (rc == SBP_OK) rc = put(&b, a, " requests in all");
    }
    if (rc == SBP_OK) rc = put(&b, a, ": ");
    if (rc == SBP_OK) rc = sbp__buf_put_int(&b, a, count > INT64_MAX ? INT64_MAX : (int64_t)count);
    if (rc == SBP_OK) rc = put(&b, a, count == 1 ? " denial" : " denials");
    if (rc == SBP_OK && first->message) {
      rc = put(&b, a, ", tagged ");
      if (rc == SBP_OK) rc = put(&b, a, first->message);
    }
    if (rc == SBP_OK && first->map.reason) {
      rc = put(&b, a, ". ");
      if (rc == SBP_OK) rc = put(&b, a, first->map.reason);
    }
    if (rc == SBP_OK && (u->comment = keep_buf(s, &b)) == NULL) rc = SBP_E_NOMEM;
    if (u->risk) s->risky++;
    u->applied = u->risk == NULL || (o->flags & SBP_SUGGEST_ALLOW_RISKY);
  }
  tab_free(a, &tab);
  sbp_buf_dispose(&b);
  return rc == SBP_OK ? SBP_OK : SBP_E_NOMEM;
}

/* ---- step 4: the patched profile and its check ----------------------------------------- */

static int cmp_place(const void *pa, const void *pb) {
  const srule *a = *(const srule *const *)pa, *b = *(const srule *const *)pb;
  if (a->insert_at != b->insert_at) return a->insert_at < b->insert_at ? -1 : 1;
  return a < b ? -1 : a > b;
}

static int build_text(sbp_suggestion *s, const sbp_source *src) {
  const sbp_alloc *a = &s->alloc;
  sbp_buf *b = &s->profile_text;
  sbp__buf_truncate(b, 0);
  srule **v = sbp__calloc(a, s->nrules ? s->nrules : 1, sizeof *v);
  if (v == NULL) return SBP_E_NOMEM;
  size_t n = 0;
  for (size_t k = 0; k < s->nrules; k++)
    if (s->rules[k].applied) v[n++] = &s->rules[k];
  /* Often in place already (every rule at the end, or placed in order): then no sort. */
  size_t sorted = 1;
  while (sorted < n && cmp_place(&v[sorted - 1], &v[sorted]) < 0) sorted++;
  if (sorted < n) qsort(v, n, sizeof *v, cmp_place);
  size_t done = 0;
  int rc = SBP_OK;
  for (size_t i = 0; rc == SBP_OK && i < n; i++) {
    size_t at = v[i]->insert_at == SIZE_MAX ? src->len : v[i]->insert_at;
    if (at > done) rc = sbp__buf_put(b, a, src->text + done, at - done), done = at;
    if (rc == SBP_OK && b->len > 0 && b->ptr[b->len - 1] != '\n') rc = sbp__buf_putc(b, a, '\n');
    if (rc == SBP_OK) rc = put(b, a, ";; sbprofile suggest: ");
    if (rc == SBP_OK) rc = put(b, a, v[i]->comment);
    if (rc == SBP_OK) rc = put(b, a, "\n");
    if (rc == SBP_OK) rc = put(b, a, v[i]->text);
    if (rc == SBP_OK) rc = put(b, a, "\n");
  }
  if (rc == SBP_OK && done < src->len) rc = sbp__buf_put(b, a, src->text + done, src->len - done);
  if (rc == SBP_OK && b->ptr == NULL) rc = sbp__buf_grow(b, a, 0);
  sbp__free(a, v);
  return rc;
}

/* The requests the old profile's rules name under an operation of an applied rule: each
 * string value of a path or name filter of the same attribute; plus collapsed directories. */
typedef struct checker {
  sbp_suggestion *s;
  const sbp_decider *old_d, *new_d;
  sbp_request *rq;
  sbp_decision *od, *nd;
  index_tab values;
} checker;

static uint64_t value_hash_parts(const char *op, const char *value) {
  return hash_bytes(hash_bytes(HASH_SEED, op), value);
}

/* An index of the requests' (operation, mapped value), for is_requested(). */
static int index_values(sbp_suggestion *s, index_tab *t) {
  if (tab_presize(&s->alloc, t, s->nreqs) != SBP_OK) return SBP_E_NOMEM;
  for (size_t i = 0; i < s->nreqs; i++) {
    const sreq *r = &s->reqs[i];
    if (r->map.value == NULL) continue;
    if (tab_reserve(&s->alloc, t) != SBP_OK) return SBP_E_NOMEM;
    uint64_t h = value_hash_parts(r->op, r->map.value);
    size_t j = (size_t)h & (t->cap - 1);
    while (t->slot[j]) j = (j + 1) & (t->cap - 1);
    tab_put(t, j, i, h);
  }
  return SBP_OK;
}

static int is_requested(const sbp_suggestion *s, const index_tab *t, const char *op,
                        const char *value) {
  if (t->cap == 0) return 0;
  uint64_t h = value_hash_parts(op, value);
  for (size_t j = (size_t)h & (t->cap - 1); t->slot[j]; j = (j + 1) & (t->cap - 1)) {
    const sreq *r = &s->reqs[t->slot[j] - 1];
    if (t->hash[j] == h && strcmp(r->op, op) == 0 && strcmp(r->map.value, value) == 0)
      return 1;
  }
  return 0;
}

static int compare_one(checker *c, const char *op, const char *base, const char *value) {
  sbp_suggestion *s = c->s;
  if (is_requested(s, &c->values, op, value)) return SBP_OK;
  sbp_request_reset(c->rq);
  int rc = sbp_request_set_operation(c->rq, op, strlen(op), NULL);
  if (rc == SBP_OK)
    rc = sbp_request_set_named_attr(c->rq, base, strlen(base), 0, value, strlen(value), 0, NULL);
  if (rc == SBP_E_INVALID_ARG) return SBP_OK;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = SBP_DECIDE_CANONICAL_PATHS;
  if (rc == SBP_OK) rc = sbp_decide_into(c->old_d, c->rq, &o, c->od, NULL);
  if (rc == SBP_OK) rc = sbp_decide_into(c->new_d, c->rq, &o, c->nd, NULL);
  if (rc != SBP_OK) return rc;
  int before = sbp_decision_result(c->od), after = sbp_decision_result(c->nd);
  if (before == after) return SBP_OK;
  sbp_buf *b = &s->check_text;
  size_t mark = b->len;
  rc = put(b, &s->alloc, "also changes: ");
  if (rc == SBP_OK) rc = put(b, &s->alloc, op);
  if (rc == SBP_OK) rc = put(b, &s->alloc, " ");
  if (rc == SBP_OK) rc = put(b, &s->alloc, value);
  if (rc == SBP_OK) rc = put(b, &s->alloc, ": ");
  if (rc == SBP_OK) rc = put(b, &s->alloc, sbp_decision_result_name(before));
  if (rc == SBP_OK) rc = put(b, &s->alloc, " -> ");
  if (rc == SBP_OK) rc = put(b, &s->alloc, sbp_decision_result_name(after));
  if (rc == SBP_OK) rc = put(b, &s->alloc, "\n");
  if (rc != SBP_OK) return rc;
  /* A value both named by the profile and collapsed into is one change. */
  int seen = 0;
  const char *line = b->ptr + mark;
  size_t n = b->len - mark;
  for (const char *p = b->ptr; p < line; p = strchr(p, '\n') + 1)
    if ((size_t)(line - p) >= n && memcmp(p, line, n) == 0) seen = 1;
  if (seen) sbp__buf_truncate(b, mark);
  else s->other_changes++;
  return SBP_OK;
}

static const char *base_of(const sreq *r) {
  if (r->map.kind == SBP__MAP_PATH) return "path";
  if (r->map.kind == SBP__MAP_NAME) return r->map.filter;
  return NULL;
}

static int compare_values(checker *c, const sbp_node *n, const srule *u, const char *base) {
  for (const sbp_node *k = sbp_node_first_child(n); k; k = sbp_node_next(k)) {
    int rc = SBP_OK;
    if (sbp_node_type_of(k) == SBP_NODE_FILTER) {
      size_t len;
      const char *name = sbp_node_text(k, &len);
      const sbp_catalog_filter *cf;
      if (sbp_catalog_filter_lookup(0, name, len, &cf, NULL) == SBP_OK &&
          strcmp(sbp_catalog_filter_base(cf), base) == 0)
        for (const sbp_node *v = sbp_node_first_child(k); v && rc == SBP_OK; v = sbp_node_next(v))
          if (sbp_value_kind_of(v) == SBP_VALUE_STRING)
            rc = compare_one(c, u->op, base, sbp_node_text(v, NULL));
    } else if (sbp_node_type_of(k) != SBP_NODE_VALUE) {
      rc = compare_values(c, k, u, base);
    }
    if (rc != SBP_OK) return rc;
  }
  return SBP_OK;
}

static int check(sbp_suggestion *s, const sbp_profile *old_p, const sbp_decider *old_d,
                 const sbp_decider *new_d) {
  checker c = {s, old_d, new_d, NULL, NULL, NULL, {NULL, NULL, 0, 0}};
  int rc = index_values(s, &c.values);
  if (rc == SBP_OK) rc = sbp_request_new(&c.rq, &s->alloc, NULL);
  if (rc == SBP_OK) rc = sbp_decision_new(&c.od, &s->alloc, NULL);
  if (rc == SBP_OK) rc = sbp_decision_new(&c.nd, &s->alloc, NULL);
  sbp__buf_truncate(&s->check_text, 0);
  s->still_denied = s->other_changes = 0;
  sbp_decide_options o = SBP_DECIDE_OPTIONS_INIT;
  o.flags = SBP_DECIDE_CANONICAL_PATHS;
  const sreq *prev = NULL;
  for (size_t i = 0; rc == SBP_OK && i < s->nreqs; i++) {
    const sreq *r = &s->reqs[i];
    if (r->status != SBP_SUGGEST_NEW_RULE || !s->rules[r->rule].applied) continue;
    rc = fill_request(c.rq, r, prev);
    prev = r;
    if (rc == SBP_OK) rc = sbp_decide_into(new_d, c.rq, &o, c.nd, NULL);
    if (rc == SBP_OK && sbp_decision_result(c.nd) != SBP_DECISION_ALLOW) {
      s->still_denied++;
      rc = put(&s->check_text, &s->alloc, "still denied: ");
      if (rc == SBP_OK) rc = put(&s->check_text, &s->alloc, r->op);
      if (rc == SBP_OK && r->target[0]) rc = put(&s->check_text, &s->alloc, " ");
      if (rc == SBP_OK) rc = put(&s->check_text, &s->alloc, r->target);
      if (rc == SBP_OK) rc = put(&s->check_text, &s->alloc, "\n");
    }
  }
  /* Rules come grouped by operation: the profile's values are compared once per operation
   * and attribute. */
  const char *done_op = NULL, *done_base = NULL;
  for (size_t k = 0; rc == SBP_OK && k < s->nrules; k++) {
    const srule *u = &s->rules[k];
    const sreq *r = &s->reqs[u->first];
    const char *base = base_of(r);
    if (!u->applied || base == NULL) continue;
    if (done_op == NULL || strcmp(done_op, u->op) != 0 || strcmp(done_base, base) != 0) {
      rc = compare_values(&c, sbp_profile_root(old_p), u, base);
      done_op = u->op;
      done_base = base;
    }
    if (rc == SBP_OK && r->dir) rc = compare_one(&c, u->op, "path", r->dir);
  }
  sbp_decision_free(c.od);
  sbp_decision_free(c.nd);
  sbp_request_free(c.rq);
  tab_free(&s->alloc, &c.values);
  return rc;
}

static int read_decider(sbp_suggestion *s, const char *text, size_t len, const char *file,
                        const sbp_suggest_options *o, sbp_profile **p, sbp_decider **d,
                        sbp_error *err) {
  int rc = sbp_profile_read(p, text, len, file, o->read, &s->alloc, err);
  if (rc != SBP_OK) return rc;
  sbp_decide_options dopt = SBP_DECIDE_OPTIONS_INIT;
  dopt.macos = o->macos;
  return sbp_decider_new(d, *p, &dopt, err);
}

static int with_profile(sbp_suggestion *s, const sbp_suggest_options *o, sbp_error *err) {
  const sbp_source *src = o->profile;
  sbp_profile *op = NULL, *np = NULL;
  sbp_decider *od = NULL, *nd = NULL;
  int rc = read_decider(s, src->text, src->len, src->file, o, &op, &od, err);
  if (rc == SBP_OK) rc = decide_all(s, od, src);
  if (rc == SBP_OK) rc = make_rules(s, o);
  for (int attempt = 0; rc == SBP_OK && attempt < 2; attempt++) {
    for (size_t k = 0; k < s->nrules; k++) {
      srule *u = &s->rules[k];
      size_t at = SIZE_MAX;
      /* After the rule that denied it, unless the first attempt failed: then at the end. */
      for (size_t i = u->first; attempt == 0 && i != SIZE_MAX; i = s->reqs[i].next)
        if (s->reqs[i].deny_end != SIZE_MAX && (at == SIZE_MAX || s->reqs[i].deny_end > at))
          at = s->reqs[i].deny_end;
      u->insert_at = at;
    }
    if ((rc = build_text(s, src)) != SBP_OK) break;
    sbp_decider_free(nd);
    sbp_profile_free(np);
    nd = NULL;
    np = NULL;
    sbp_error e2 = SBP_ERROR_INIT;
    rc = read_decider(s, s->profile_text.ptr, s->profile_text.len, src->file, o, &np, &nd, &e2);
    if (rc != SBP_OK) {
      if (rc == SBP_E_NOMEM) break;
      if (attempt == 0) {
        rc = SBP_OK; /* the insertion broke a form (a rule inside a macro): try the end */
        continue;
      }
      rc = sbp__error_at(err, rc, e2.file[0] ? e2.file : NULL, e2.line, e2.column, e2.offset,
                         "suggest: the patched profile does not read: %s", e2.message);
      break;
    }
    if ((rc = check(s, op, od, nd)) != SBP_OK) break;
    s->checked = 1;
    if (s->still_denied == 0) break;
  }
  /* Where each rule went, for the report. */
  for (size_t k = 0; rc == SBP_OK && k < s->nrules; k++) {
    srule *u = &s->rules[k];
    if (u->insert_at == SIZE_MAX) continue;
    for (size_t i = u->first; i != SIZE_MAX; i = s->reqs[i].next)
      if (s->reqs[i].deny_end == u->insert_at) {
        u->after = s->reqs[i].decided_at;
        break;
      }
  }
  sbp_decider_free(nd);
  sbp_profile_free(np);
  sbp_decider_free(od);
  sbp_profile_free(op);
  return rc;
}

/* ---- the entry point and the views -------------------------------------------------------- */

static int map_all(sbp_suggestion *s, const sbp_suggest_options *o) {
  char resolved[96];
  const char *last = NULL; /* requests are sorted by operation: resolve each one once */
  int known = 0;
  for (size_t i = 0; i < s->nreqs; i++) {
    sreq *r = &s->reqs[i];
    if (r->action == SBP_ALLOW) {
      r->status = SBP_SUGGEST_REPORTED_ALLOW;
      continue;
    }
    if (last == NULL || strcmp(last, r->op) != 0) {
      known = sbp__suggest_resolve(o->macos, r->op, resolved, sizeof resolved);
      last = r->op;
    }
    if (sbp__suggest_map(&s->arena, known ? resolved : NULL, r->target, &r->map) != SBP_OK)
      return SBP_E_NOMEM;
    if (r->system_policy) r->status = SBP_SUGGEST_PLATFORM;
    else r->status = r->map.kind == SBP__MAP_NONE ? SBP_SUGGEST_UNMAPPABLE : SBP_SUGGEST_NEW_RULE;
  }
  return SBP_OK;
}

void sbp_suggestion_free(sbp_suggestion *s) {
  if (s == NULL) return;
  sbp_alloc a = s->alloc;
  sbp__arena_release(&s->arena);
  sbp__free(&a, s->reqs);
  sbp__free(&a, s->rules);
  sbp_buf_dispose(&s->check_text);
  sbp_buf_dispose(&s->profile_text);
  sbp__free(&a, s);
}

int sbp_suggest(sbp_suggestion **out, const sbp_denial_log *log,
                const sbp_suggest_options *opts, const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL || log == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "suggest: NULL argument");
  *out = NULL;
  sbp_suggest_options def = SBP_SUGGEST_OPTIONS_INIT;
  const sbp_suggest_options *o = opts ? opts : &def;
  if (o->version != SBP_SUGGEST_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "suggest: unknown options version %u",
                      (unsigned)o->version);
  if (o->profile != NULL && o->profile->text == NULL && o->profile->len > 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "suggest: NULL profile text");
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "suggest: incomplete allocator");
  sbp_suggestion *s = sbp__malloc(alloc, sizeof *s);
  if (s == NULL) return sbp__nomem(err);
  memset(s, 0, sizeof *s);
  s->alloc = *alloc;
  sbp__arena_init(&s->arena, &s->alloc);
  int rc = gather(s, log);
  if (rc == SBP_OK) rc = map_all(s, o);
  if (rc == SBP_OK && (o->flags & SBP_SUGGEST_COLLAPSE)) rc = collapse(s);
  if (rc == SBP_OK && o->profile != NULL) {
    s->has_profile = 1;
    rc = with_profile(s, o, err);
  } else if (rc == SBP_OK) {
    rc = make_rules(s, o);
  }
  if (rc != SBP_OK) {
    sbp_suggestion_free(s);
    return rc == SBP_E_NOMEM ? sbp__nomem(err) : rc;
  }
  *out = s;
  return SBP_OK;
}

size_t sbp_suggestion_request_count(const sbp_suggestion *s) { return s ? s->nreqs : 0; }
size_t sbp_suggestion_rule_count(const sbp_suggestion *s) { return s ? s->nrules : 0; }
size_t sbp_suggestion_risky_count(const sbp_suggestion *s) { return s ? s->risky : 0; }

int sbp_suggestion_request(const sbp_suggestion *s, size_t i, sbp_suggest_request *out) {
  if (s == NULL || out == NULL || i >= s->nreqs) return SBP_E_INVALID_ARG;
  const sreq *r = &s->reqs[i];
  memset(out, 0, sizeof *out);
  out->version = SBP_SUGGEST_VIEW_VERSION;
  out->status = r->status;
  out->action = r->action;
  out->operation = r->op;
  out->target = r->target;
  out->processes = r->processes;
  out->count = r->count;
  out->message = r->message;
  out->reason = r->map.reason;
  out->rule = r->rule;
  out->decision = r->decision;
  out->decided_by = r->decided_by;
  out->decided_at = r->decided_at;
  return SBP_OK;
}

int sbp_suggestion_rule(const sbp_suggestion *s, size_t i, sbp_suggest_rule *out) {
  if (s == NULL || out == NULL || i >= s->nrules) return SBP_E_INVALID_ARG;
  const srule *u = &s->rules[i];
  memset(out, 0, sizeof *out);
  out->version = SBP_SUGGEST_VIEW_VERSION;
  out->operation = u->op;
  out->text = u->text;
  out->comment = u->comment;
  out->note = u->note;
  out->risk = u->risk;
  out->after = u->after;
  out->applied = s->has_profile ? u->applied : 0;
  return SBP_OK;
}

int sbp_suggestion_verified(const sbp_suggestion *s, size_t *still_denied,
                            size_t *other_changes, const char **text) {
  if (still_denied) *still_denied = s ? s->still_denied : 0;
  if (other_changes) *other_changes = s ? s->other_changes : 0;
  if (text) *text = s && s->check_text.ptr ? s->check_text.ptr : "";
  return s != NULL && s->checked;
}

int sbp_suggestion_profile(const sbp_suggestion *s, sbp_buf *out, sbp_error *err) {
  if (s == NULL || out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "suggest: NULL argument");
  if (!s->has_profile || !s->checked)
    return sbp__error(err, SBP_E_NOT_FOUND, "suggest: no profile was given");
  sbp_buf b = SBP_BUF_INIT;
  if (sbp__buf_put(&b, &s->alloc, s->profile_text.ptr, s->profile_text.len) != SBP_OK)
    return sbp__nomem(err);
  sbp__buf_move(out, &b);
  return SBP_OK;
}

const char *sbp_suggest_status_name(int status) {
  switch (status) {
    case SBP_SUGGEST_NEW_RULE: return "new-rule";
    case SBP_SUGGEST_ALREADY_ALLOWED: return "already-allowed";
    case SBP_SUGGEST_UNMAPPABLE: return "unmappable";
    case SBP_SUGGEST_REPORTED_ALLOW: return "reported-allow";
    case SBP_SUGGEST_PLATFORM: return "platform-policy";
    default: return NULL;
  }
}

/* ---- the report as text ------------------------------------------------------------------ */

static int puts_all(sbp_buf *b, const sbp_alloc *a, const char *const *parts, size_t n) {
  int rc = SBP_OK;
  for (size_t i = 0; rc == SBP_OK && i < n; i++)
    if (parts[i]) rc = put(b, a, parts[i]);
  return rc;
}

int sbp_suggestion_format(const sbp_suggestion *s, sbp_buf *out, sbp_error *err) {
  if (s == NULL || out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "suggest: NULL argument");
  const sbp_alloc *a = &s->alloc;
  sbp_buf b = SBP_BUF_INIT;
  int rc = SBP_OK;
  const char *last_op = NULL;
  for (size_t k = 0; rc == SBP_OK && k < s->nrules; k++) {
    const srule *u = &s->rules[k];
    if (last_op == NULL || strcmp(last_op, u->op) != 0) {
      const char *p[] = {k ? "\n" : NULL, ";; ", u->op, "\n"};
      rc = puts_all(&b, a, p, 4);
      last_op = u->op;
    }
    /* Why the profile denies it, and where the rule goes. */
    const sreq *r = &s->reqs[u->first];
    const char *p[] = {";; ", u->comment, "\n",
                       u->note ? ";;   note: " : NULL, u->note, u->note ? "\n" : NULL,
                       u->risk ? ";;   RISKY: " : NULL, u->risk, u->risk ? "\n" : NULL,
                       r->decided_by ? ";;   denied by " : NULL, r->decided_by,
                       r->decided_at ? " at " : NULL, r->decided_at,
                       r->decided_by ? "\n" : NULL,
                       s->has_profile ? (u->after ? ";;   placed after " : ";;   placed at the end")
                                      : NULL,
                       u->after, s->has_profile ? "\n" : NULL,
                       s->has_profile && !u->applied ? ";;   not applied: risky, needs --allow-risky\n"
                                                     : NULL,
                       u->text, "\n"};
    rc = puts_all(&b, a, p, sizeof p / sizeof p[0]);
  }
  /* Requests without a rule. */
  int header = 0;
  for (size_t i = 0; rc == SBP_OK && i < s->nreqs; i++) {
    const sreq *r = &s->reqs[i];
    if (r->status == SBP_SUGGEST_NEW_RULE) continue;
    if (!header) {
      rc = put(&b, a, s->nrules ? "\n;; no rule:\n" : ";; no rule:\n");
      header = 1;
    }
    const char *why = NULL;
    switch (r->status) {
      case SBP_SUGGEST_ALREADY_ALLOWED: why = "the profile already allows it, by "; break;
      case SBP_SUGGEST_UNMAPPABLE: why = "cannot be mapped: "; break;
      case SBP_SUGGEST_REPORTED_ALLOW: why = "allowed and reported (with report)"; break;
      default: why = "reported as System Policy: the platform's policy, not the profile"; break;
    }
    char cnt[48];
    snprintf(cnt, sizeof cnt, " (%llu)", (unsigned long long)r->count);
    const char *p[] = {";;   ", r->op, r->target[0] ? " " : NULL, r->target, ": ", r->processes,
                       cnt, ": ", why,
                       r->status == SBP_SUGGEST_ALREADY_ALLOWED ? r->decided_by : NULL,
                       r->status == SBP_SUGGEST_ALREADY_ALLOWED && r->decided_at ? " at " : NULL,
                       r->status == SBP_SUGGEST_ALREADY_ALLOWED ? r->decided_at : NULL,
                       r->status == SBP_SUGGEST_ALREADY_ALLOWED
                           ? "; the denial came from elsewhere (platform policy, another "
                             "profile version)"
                           : NULL,
                       r->status == SBP_SUGGEST_UNMAPPABLE ? r->map.reason : NULL, "\n"};
    rc = puts_all(&b, a, p, sizeof p / sizeof p[0]);
  }
  if (rc == SBP_OK && b.ptr == NULL) rc = sbp__buf_grow(&b, a, 0);
  if (rc != SBP_OK) {
    sbp_buf_dispose(&b);
    return sbp__nomem(err);
  }
  sbp__buf_move(out, &b);
  return SBP_OK;
}
