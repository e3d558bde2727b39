/* Compiling a profile for the decision engine: per-operation buckets with hashed literal,
 * subpath, prefix and name values, anchored regexes grouped by literal prefix, a bloom filter
 * over the keys, and regexes compiled once. The decision procedure is in decide.c. */
#include "decider.h"

#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "decider_form.h"
#include "error.h"
#include "node.h"
#include "regex.h"

#ifndef __STDC_NO_ATOMICS__
#include <stdatomic.h>
static atomic_uint_fast64_t decider_ids = 1;
static uint64_t new_decider_id(void) { return (uint64_t)atomic_fetch_add(&decider_ids, 1); }
#else
static uint64_t new_decider_id(void) { return 0; } /* 0: requests never memoise buckets */
#endif

const char *const sbp__dz_attr_names[SBP__ATTR_KNOWN_COUNT] = {
    NULL, "path", "global-name", "local-name", "xpc-service-name", "ipc-posix-name",
    "sysctl-name", "preference-domain", "iokit-registry-entry-class", "iokit-property",
    "notification-name", "appleevent-destination", "xattr", "process-path",
    "signing-identifier", "extension", "right-name", "control-name", "target",
    "socket-domain", "socket-type", "socket-protocol", "vnode-type", "file-mode",
    "signal-number", "local", "remote"};

const char *sbp_attr_name(sbp_attr attr) {
  if ((unsigned)attr >= SBP__ATTR_KNOWN_COUNT) return NULL;
  return sbp__dz_attr_names[attr];
}

static uint32_t known_attr_id(const char *name, size_t len) {
  for (uint32_t i = 1; i < SBP__ATTR_KNOWN_COUNT; i++)
    if (strlen(sbp__dz_attr_names[i]) == len && memcmp(sbp__dz_attr_names[i], name, len) == 0) return i;
  return 0;
}

const sbp_alloc *sbp__decider_alloc(const sbp_decider *d) { return &d->alloc; }
const sbp_profile *sbp_decider_profile(const sbp_decider *d) { return d ? d->profile : NULL; }

/* ---- building --------------------------------------------------------------------------- */

static int meter_take(dz_meter *m, size_t n) {
  if (n > m->limit - m->used) {
    m->exceeded = 1;
    return 0;
  }
  m->used += n;
  return 1;
}
static void *meter_malloc(void *ud, size_t n) {
  dz_meter *m = ud;
  return meter_take(m, n) ? m->base.malloc(m->base.ud, n) : NULL;
}
static void *meter_realloc(void *ud, void *p, size_t n) {
  dz_meter *m = ud;
  return meter_take(m, n) ? m->base.realloc(m->base.ud, p, n) : NULL;
}
static void meter_free(void *ud, void *p) {
  dz_meter *m = ud;
  m->base.free(m->base.ud, p);
}

/* The status of a failed build: the memory limit when the meter refused, else rc. */
static int build_failed(sbp_decider *d, int rc, sbp_error *err) {
  int limit = d->meter.exceeded;
  size_t max = d->meter.limit;
  sbp_decider_free(d);
  if (limit)
    return sbp__error(err, SBP_E_LIMIT, "decider: memory limit exceeded (%zu bytes)", max);
  return rc == SBP_E_NOMEM ? sbp__nomem(err) : rc;
}

static int op_table_rehash(sbp_decider *d, size_t ncap) {
  dz_opcell *cells = sbp__calloc(&d->alloc, ncap, sizeof *cells);
  if (cells == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < ncap; i++) cells[i].bucket = UINT32_MAX;
  for (size_t b = 0; b < d->nbuckets; b++) {
    uint64_t h = dz_fnv(d->buckets[b].op, d->buckets[b].op_len);
    size_t j = (size_t)h & (ncap - 1);
    while (cells[j].bucket != UINT32_MAX) j = (j + 1) & (ncap - 1);
    cells[j].hash = h;
    cells[j].bucket = (uint32_t)b;
  }
  sbp__free(&d->alloc, d->ops);
  d->ops = cells;
  d->ops_cap = ncap;
  return SBP_OK;
}


static int get_bucket(sbp_decider *d, const char *op, size_t len, dz_bucket **out) {
  int64_t b = dz_find_bucket(d, op, len);
  if (b >= 0) {
    *out = &d->buckets[b];
    return SBP_OK;
  }
  if ((d->nbuckets + 1) * 2 > d->ops_cap) {
    if (op_table_rehash(d, d->ops_cap ? d->ops_cap * 2 : 16) != SBP_OK) return SBP_E_NOMEM;
  }
  if (sbp__array_grow(&d->alloc, (void **)&d->buckets, &d->cbuckets, d->nbuckets + 1,
                      sizeof(dz_bucket)))
    return SBP_E_NOMEM;
  dz_bucket *nb = &d->buckets[d->nbuckets];
  memset(nb, 0, sizeof *nb);
  nb->op = op;
  nb->op_len = len;
  for (int i = 0; i < 3; i++) nb->last_unf[i] = SBP__NO_RULE;
  nb->last_unf_any = SBP__NO_RULE;
  uint64_t h = dz_fnv(op, len);
  size_t j = (size_t)h & (d->ops_cap - 1);
  while (d->ops[j].bucket != UINT32_MAX) j = (j + 1) & (d->ops_cap - 1);
  d->ops[j].hash = h;
  d->ops[j].bucket = (uint32_t)d->nbuckets;
  d->nbuckets++;
  *out = nb;
  return SBP_OK;
}

static int keys_rehash(sbp_decider *d, size_t ncap) {
  dz_key *cells = sbp__calloc(&d->alloc, ncap, sizeof *cells);
  if (cells == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < ncap; i++) cells[i].rule = DZ_EMPTY;
  for (size_t i = 0; i < d->keys_cap; i++) {
    if (d->keys[i].rule == DZ_EMPTY) continue;
    size_t j = (size_t)d->keys[i].hash & (ncap - 1);
    while (cells[j].rule != DZ_EMPTY) j = (j + 1) & (ncap - 1);
    cells[j] = d->keys[i];
  }
  sbp__free(&d->alloc, d->keys);
  d->keys = cells;
  d->keys_cap = ncap;
  return SBP_OK;
}

static dz_key *add_key(sbp_decider *d, uint32_t bucket, uint32_t attr, uint8_t kind,
                       const char *s, size_t len, uint32_t rule, int *created) {
  *created = 0;
  if ((d->nkeys + 1) * 2 > d->keys_cap)
    if (keys_rehash(d, d->keys_cap ? d->keys_cap * 2 : 64) != SBP_OK) return NULL;
  uint64_t full = dz_mix(dz_hash(s, len), bucket, attr, kind);
  uint32_t h = (uint32_t)full;
  size_t j = (size_t)h & (d->keys_cap - 1);
  while (d->keys[j].rule != DZ_EMPTY) {
    dz_key *k = &d->keys[j];
    if (k->hash == h && k->len == len && k->bucket == bucket && k->attr == attr &&
        k->kind == kind && memcmp(k->s, s, len) == 0) {
      if (rule > k->rule) k->rule = rule;
      return k;
    }
    j = (j + 1) & (d->keys_cap - 1);
  }
  dz_key *k = &d->keys[j];
  k->hash = h;
  k->s = s;
  k->len = (uint32_t)len;
  k->bucket = bucket;
  k->attr = attr & DZ_ATTR_MAX; /* index_filter keeps attr below DZ_ATTR_MAX */
  k->kind = kind & 7u;
  k->group = 0;
  k->rule = rule;
  d->nkeys++;
  *created = 1;
  if (d->bloom != NULL) {
    /* the cell keeps half the hash; the filter takes bits from the other half too */
    uint64_t bit = (full >> 24) & d->bloom_mask;
    d->bloom[bit >> 6] |= (uint64_t)1 << (bit & 63);
  }
  return k;
}



/* As strchr("*+?{", ch) and strchr(".[]()*+?{}|^$", ch) did: NUL counts too. */
static int is_quant(char ch) {
  return ch == '*' || ch == '+' || ch == '?' || ch == '{' || ch == '\0';
}

static int is_meta(char ch) {
  switch (ch) {
    case '.': case '[': case ']': case '(': case ')': case '*': case '+': case '?':
    case '{': case '}': case '|': case '^': case '$': case '\0':
      return 1;
    default:
      return 0;
  }
}

/* The literal text every match of an anchored pattern starts with ("^/usr/lib/.*" gives
 * "/usr/lib/"), into out; 0 when the pattern is not anchored, has a top-level alternation,
 * or starts with no literal. */
static size_t regex_literal_prefix(const char *p, size_t n, char *out, size_t cap) {
  if (n == 0 || p[0] != '^') return 0;
  int depth = 0, inclass = 0;
  for (size_t i = 0; i < n; i++) { /* a top-level '|' breaks the anchor */
    char ch = p[i];
    if (ch == '\\') {
      i++;
      continue;
    }
    if (inclass) {
      if (ch == ']') inclass = 0;
      continue;
    }
    if (ch == '[') {
      inclass = 1;
      if (i + 1 < n && p[i + 1] == '^') i++;
      if (i + 1 < n && p[i + 1] == ']') i++;
    } else if (ch == '(') {
      depth++;
    } else if (ch == ')') {
      depth--;
    } else if (ch == '|' && depth <= 0) {
      return 0;
    }
  }
  size_t len = 0;
  for (size_t i = 1; i < n && len < cap;) {
    char ch = p[i];
    size_t step = 1;
    if (ch == '\\') {
      if (i + 1 >= n) break;
      char e = p[i + 1];
      if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) break;
      ch = e;
      step = 2;
    } else if (is_meta(ch)) {
      break;
    }
    /* a quantifier after this byte makes it optional or repeated: stop before it */
    if (i + step < n && is_quant(p[i + step])) break;
    out[len++] = ch;
    i += step;
  }
  return len;
}

static int res_rehash(sbp_decider *d, size_t ncap) {
  dz_re *cells = sbp__calloc(&d->alloc, ncap, sizeof *cells);
  if (cells == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < d->res_cap; i++) {
    if (d->res[i].value == NULL) continue;
    size_t j = ((uintptr_t)d->res[i].value >> 4) & (ncap - 1);
    while (cells[j].value != NULL) j = (j + 1) & (ncap - 1);
    cells[j] = d->res[i];
  }
  sbp__free(&d->alloc, d->res);
  d->res = cells;
  d->res_cap = ncap;
  return SBP_OK;
}


static int rxt_rehash(sbp_decider *d, size_t ncap) {
  uint32_t *cells = sbp__calloc(&d->alloc, ncap, sizeof *cells);
  if (cells == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < d->nrx; i++) {
    size_t j = (size_t)d->rx[i].hash & (ncap - 1);
    while (cells[j] != 0) j = (j + 1) & (ncap - 1);
    cells[j] = (uint32_t)(i + 1);
  }
  sbp__free(&d->alloc, d->rxt);
  d->rxt = cells;
  d->rxt_cap = ncap;
  return SBP_OK;
}

/* The compiled regex of this pattern text, compiled on first sight: rules that repeat a
 * pattern share one. */
static int get_rx(sbp_decider *d, const sbp_node *value, uint32_t *out, sbp_error *err) {
  const char *text = value->text ? value->text : "";
  size_t len = value->text_len;
  uint64_t h = dz_fnv(text, len);
  if (d->rxt_cap > 0) {
    size_t j = (size_t)h & (d->rxt_cap - 1);
    while (d->rxt[j] != 0) {
      const dz_rx *x = &d->rx[d->rxt[j] - 1];
      if (x->hash == h && x->len == len && memcmp(x->text, text, len) == 0) {
        *out = d->rxt[j] - 1;
        return SBP_OK;
      }
      j = (j + 1) & (d->rxt_cap - 1);
    }
  }
  if (d->nrx >= UINT32_MAX - 1) return sbp__error(err, SBP_E_LIMIT, "decider: too many regexes");
  if ((d->nrx + 1) * 2 > d->rxt_cap)
    if (rxt_rehash(d, d->rxt_cap ? d->rxt_cap * 2 : 16) != SBP_OK) return sbp__nomem(err);
  if (sbp__array_grow(&d->alloc, (void **)&d->rx, &d->crx, d->nrx + 1, sizeof(dz_rx)))
    return sbp__nomem(err);
  sbp_error e = SBP_ERROR_INIT;
  sbp__regex *re = NULL;
  int rc = sbp__regex_compile_lean(&d->alloc, text, len, &re, &e);
  if (rc == SBP_E_NOMEM) return sbp__nomem(err);
  if (rc != SBP_OK) {
    const sbp_node *rule = value;
    while (rule && rule->type != SBP_NODE_RULE) rule = rule->parent;
    const sbp_node *at = (value->line != 0 || rule == NULL) ? value : rule;
    return sbp__error_at(err, rc, at->file, at->line, at->column, 0,
                         "regex #\"%.80s\": %s (column %u of the pattern)",
                         value->text ? value->text : "", e.message, (unsigned)e.column);
  }
  dz_rx *x = &d->rx[d->nrx];
  x->re = re;
  x->cache = NULL;
  x->text = text;
  x->len = len;
  x->hash = h;
  size_t j = (size_t)h & (d->rxt_cap - 1);
  while (d->rxt[j] != 0) j = (j + 1) & (d->rxt_cap - 1);
  d->rxt[j] = (uint32_t)(d->nrx + 1);
  *out = (uint32_t)d->nrx++;
  return SBP_OK;
}

static int add_re(sbp_decider *d, const sbp_node *value, sbp_error *err) {
  if (dz_find_re(d, value) != NULL) return SBP_OK;
  if ((d->nres + 1) * 2 > d->res_cap)
    if (res_rehash(d, d->res_cap ? d->res_cap * 2 : 16) != SBP_OK) return sbp__nomem(err);
  uint32_t rx;
  int rc = get_rx(d, value, &rx, err);
  if (rc != SBP_OK) return rc;
  size_t j = ((uintptr_t)value >> 4) & (d->res_cap - 1);
  while (d->res[j].value != NULL) j = (j + 1) & (d->res_cap - 1);
  d->res[j].value = value;
  d->res[j].rx = rx;
  d->nres++;
  return SBP_OK;
}

static int intern_attr(sbp_decider *d, const char *name, uint32_t *out) {
  size_t len = strlen(name);
  uint32_t k = known_attr_id(name, len);
  if (k) {
    *out = k;
    return SBP_OK;
  }
  for (size_t i = 0; i < d->nextra; i++)
    if (strcmp(d->extra[i], name) == 0) {
      *out = (uint32_t)(SBP__ATTR_FIRST_EXTRA + i);
      return SBP_OK;
    }
  if (sbp__array_grow(&d->alloc, (void **)&d->extra, &d->cextra, d->nextra + 1, sizeof(char *)))
    return SBP_E_NOMEM;
  d->extra[d->nextra] = name;
  *out = (uint32_t)(SBP__ATTR_FIRST_EXTRA + d->nextra++);
  return SBP_OK;
}

static int get_slot(sbp_decider *d, dz_bucket *b, uint32_t attr, dz_slot **out) {
  for (size_t i = 0; i < b->nslots; i++)
    if (b->slots[i].attr == attr) {
      *out = &b->slots[i];
      return SBP_OK;
    }
  if (sbp__array_grow(&d->alloc, (void **)&b->slots, &b->cslots, b->nslots + 1, sizeof(dz_slot)))
    return SBP_E_NOMEM;
  dz_slot *s = &b->slots[b->nslots++];
  memset(s, 0, sizeof *s);
  s->attr = attr;
  for (int i = 0; i < 3; i++) s->max_idx[i] = SBP__NO_RULE;
  *out = s;
  return SBP_OK;
}

/* The catalog's entry for a filter name, as sbp__catalog_filter answers for the decider's
 * version. */
static const sbp__filter_info *filter_info(sbp_decider *d, const char *name, size_t len) {
  if (d->memo_name != NULL && len == d->memo_len &&
      (name == d->memo_name || memcmp(name, d->memo_name, len) == 0))
    return d->memo_info;
  const sbp__filter_info *fi = sbp__catalog_filter(d->macos, name, len);
  if (name != NULL) {
    d->memo_name = name;
    d->memo_len = len;
    d->memo_info = fi;
  }
  return fi;
}

/* Can this top-level filter be indexed: a leaf on a path or name attribute with an exact,
 * prefix or subpath form and only string values? */
static const sbp__filter_info *indexable(sbp_decider *d, const sbp_node *f) {
  if (f->type != SBP_NODE_FILTER) return NULL;
  const sbp__filter_info *fi = filter_info(d, f->text, f->text_len);
  if (fi == NULL) return NULL;
  if (fi->arg != SBP__ARG_PATH && fi->arg != SBP__ARG_NAME) return NULL;
  for (const sbp_node *v = f->first; v; v = v->next) {
    if (v->type != SBP_NODE_VALUE || v->text_len > DZ_KEY_MAX_LEN) return NULL;
    if (fi->match == SBP__MATCH_REGEX) {
      char tmp[256];
      if ((v->kind != SBP_VALUE_STRING && v->kind != SBP_VALUE_REGEX) || v->text == NULL ||
          regex_literal_prefix(v->text, v->text_len, tmp, sizeof tmp) == 0)
        return NULL;
    } else if (v->kind != SBP_VALUE_STRING) {
      return NULL;
    }
  }
  return fi;
}

static int add_entry(sbp_decider *d, dz_bucket *b, uint32_t rule, const sbp_node *filter) {
  if (sbp__array_grow(&d->alloc, (void **)&b->gen, &b->cgen, b->ngen + 1, sizeof(dz_entry)))
    return SBP_E_NOMEM;
  b->gen[b->ngen].rule = rule;
  b->gen[b->ngen].filter = filter;
  b->ngen++;
  return SBP_OK;
}

static int index_filter(sbp_decider *d, uint32_t bucket, uint32_t rule, const sbp_node *f) {
  dz_bucket *b = &d->buckets[bucket];
  const sbp__filter_info *fi = indexable(d, f);
  if (fi == NULL) return add_entry(d, b, rule, f);
  uint32_t attr;
  dz_slot *s;
  if (intern_attr(d, fi->base, &attr)) return SBP_E_NOMEM;
  if (attr > DZ_ATTR_MAX) return add_entry(d, b, rule, f); /* more than a key cell holds */
  if (get_slot(d, b, attr, &s)) return SBP_E_NOMEM;
  uint8_t act = d->rules[rule].action;
  if ((int64_t)rule > s->max_idx[act]) s->max_idx[act] = rule;
  for (const sbp_node *v = f->first; v; v = v->next) {
    uint8_t kind = fi->match == SBP__MATCH_EXACT    ? DZ_K_EXACT
                   : fi->match == SBP__MATCH_PREFIX ? DZ_K_PREFIX
                   : fi->match == SBP__MATCH_REGEX  ? DZ_K_RE
                                                    : DZ_K_SUBPATH;
    const char *key = v->text;
    size_t klen = v->text_len;
    char tmp[256];
    if (kind == DZ_K_RE) {
      klen = regex_literal_prefix(v->text, v->text_len, tmp, sizeof tmp);
      key = tmp;
    }
    int created;
    dz_key *k;
    if (kind == DZ_K_RE) {
      /* look the group up first: the key must point at text the group owns */
      const dz_key *old = d->keys_cap ? dz_find_cell(d, dz_hash(tmp, klen), bucket, attr, DZ_K_RE, tmp, klen)
                                      : NULL;
      if (old == NULL) {
        if (sbp__array_grow(&d->alloc, (void **)&d->groups, &d->cgroups, d->ngroups + 1,
                            sizeof(dz_group)))
          return SBP_E_NOMEM;
        dz_group *g = &d->groups[d->ngroups];
        memset(g, 0, sizeof *g);
        g->prefix = sbp__malloc(&d->alloc, klen + 1);
        if (g->prefix == NULL) return SBP_E_NOMEM;
        memcpy(g->prefix, tmp, klen);
        g->prefix[klen] = '\0';
        g->len = klen;
        d->ngroups++;
        key = g->prefix;
      } else {
        key = old->s;
      }
    }
    k = add_key(d, bucket, attr, kind, key, klen, rule, &created);
    if (k == NULL) return SBP_E_NOMEM;
    d->guess_bucket = bucket;
    d->guess_attr = attr;
    d->guess_kind = kind;
    d->guess_ok = kind != DZ_K_RE;
    if (kind == DZ_K_RE) {
      if (created) k->group = (uint32_t)(d->ngroups - 1);
      dz_group *g = &d->groups[k->group];
      if (sbp__array_grow(&d->alloc, (void **)&g->e, &g->cap, g->n + 1, sizeof(dz_reent)))
        return SBP_E_NOMEM;
      const dz_rx *x = dz_find_rx(d, v); /* compiled by scan_rule */
      if (x == NULL) return SBP_E_NOMEM;
      dz_reent *ne = &g->e[g->n];
      memset(ne, 0, sizeof *ne);
      ne->rule = rule;
      ne->re = x->re;
      ne->braces = (sbp__regex_flags(x->re) & SBP__RE_USES_BRACES) != 0;
      g->last = *ne;
      g->n++;
    }
    s->has[kind] = 1;
    if (klen >= DZ_LENS) s->longv[kind] = 1;
    else s->lens[kind][klen >> 3] |= (uint8_t)(1u << (klen & 7));
  }
  return SBP_OK;
}

/* Fetches the key table's cell that the first value of rule n (the next one) will probe, when
 * n looks like the rule just indexed (operation memo_op, the last filter name looked up), as
 * the rules of a long generated profile do, and the bloom filter's word for it: each is a
 * cache miss in tables of millions of keys, and fetched now it arrives while this rule is
 * indexed. A wrong guess costs one hash. */
static void prefetch_next(const sbp_decider *d, const sbp_node *n, const char *memo_op,
                          size_t memo_len) {
#if defined(__GNUC__) || defined(__clang__)
  if (!d->guess_ok || d->keys_cap == 0 || n == NULL || n->type != SBP_NODE_RULE) return;
  const sbp_node *o = n->first;
  if (o == NULL || o->type != SBP_NODE_OPERATION || o->text_len != memo_len ||
      memcmp(o->text, memo_op, memo_len) != 0)
    return;
  const sbp_node *f = o->next;
  if (f == NULL || f->type != SBP_NODE_FILTER || d->memo_name == NULL ||
      f->text_len != d->memo_len || memcmp(f->text, d->memo_name, f->text_len) != 0)
    return;
  const sbp_node *v = f->first;
  if (v == NULL || v->type != SBP_NODE_VALUE || v->kind != SBP_VALUE_STRING) return;
  uint64_t h = dz_mix(dz_hash(v->text, v->text_len), d->guess_bucket, d->guess_attr,
                      d->guess_kind);
  __builtin_prefetch(&d->keys[(size_t)(uint32_t)h & (d->keys_cap - 1)]);
  if (d->bloom != NULL) __builtin_prefetch(&d->bloom[((h >> 24) & d->bloom_mask) >> 6]);
#else
  (void)d, (void)n, (void)memo_op, (void)memo_len;
#endif
}

/* Walks the filter subtree of a rule: compiles regexes, notes long strings, unknown filters,
 * and the nesting depth. Iterative (parent links). */
static int scan_rule(sbp_decider *d, dz_rule *r, sbp_error *err) {
  const sbp_node *rule = r->node;
  for (const sbp_node *top = rule->first; top; top = top->next) {
    if (!sbp__is_filter(top)) continue;
    const sbp_node *n = top;
    size_t depth = 1;
    for (;;) {
      if (depth > d->max_depth) d->max_depth = depth;
      if (n->type == SBP_NODE_FILTER) {
        const sbp_node *leaf = sbp__unix_socket_inner(n) ? sbp__unix_socket_inner(n) : n;
        const sbp__filter_info *fi = filter_info(d, leaf->text, leaf->text_len);
        if (fi == NULL) r->unknown = 1;
        int numeric = fi != NULL && (fi->arg == SBP__ARG_INTEGER || fi->arg == SBP__ARG_BITFIELD ||
                                     fi->arg == SBP__ARG_BOOLEAN);
        for (const sbp_node *v = leaf->first; v; v = v->next) {
          /* a constant the catalog does not bind for this filter is an unknown name too */
          int64_t num;
          if (numeric && (v->kind == SBP_VALUE_CONSTANT || v->kind == SBP_VALUE_STRING) &&
              !sbp__catalog_constant(d->macos, fi->base, v->text, v->text_len, &num))
            r->unknown = 1;
          if (v->text_len >= 256 && (v->kind == SBP_VALUE_STRING || v->kind == SBP_VALUE_REGEX))
            r->longstr = 1;
          if (fi != NULL && fi->match == SBP__MATCH_REGEX &&
              (v->kind == SBP_VALUE_STRING || v->kind == SBP_VALUE_REGEX)) {
            int rc = add_re(d, v, err);
            if (rc != SBP_OK) return rc;
            if (sbp__regex_flags(dz_find_re(d, v)) & SBP__RE_USES_BRACES) r->braces = 1;
          }
        }
      } else if (n->first != NULL) {
        n = n->first;
        depth++;
        continue;
      }
      /* next in post-order within top */
      while (n != top && n->next == NULL) {
        n = n->parent;
        depth--;
      }
      if (n == top) break;
      n = n->next;
    }
  }
  return SBP_OK;
}

void sbp_decider_free(sbp_decider *d) {
  if (d == NULL) return;
  for (size_t i = 0; i < d->nbuckets; i++) {
    sbp__free(&d->alloc, d->buckets[i].slots);
    sbp__free(&d->alloc, d->buckets[i].gen);
  }
  for (size_t i = 0; i < d->ngroups; i++) {
    sbp__free(&d->alloc, d->groups[i].prefix);
    for (size_t j = 0; j < d->groups[i].n; j++) sbp__free(&d->alloc, d->groups[i].e[j].cache);
    sbp__free(&d->alloc, d->groups[i].last.cache);
    sbp__free(&d->alloc, d->groups[i].e);
  }
  sbp__free(&d->alloc, d->groups);
  for (size_t i = 0; i < d->nrx; i++) {
    sbp__regex_free(d->rx[i].re);
    sbp__free(&d->alloc, d->rx[i].cache);
  }
  sbp__free(&d->alloc, d->rx);
  sbp__free(&d->alloc, d->rxt);
  sbp__free(&d->alloc, d->res);
  sbp__free(&d->alloc, d->buckets);
  sbp__free(&d->alloc, d->ops);
  sbp__free(&d->alloc, d->keys);
  sbp__free(&d->alloc, d->bloom);
  sbp__free(&d->alloc, d->extra);
  sbp__free(&d->alloc, d->rules);
  sbp__free(&d->alloc, d->imports);
  sbp_alloc a = d->meter.base;
  sbp__free(&a, d);
}

int sbp_decider_new(sbp_decider **out, const sbp_profile *profile,
                    const sbp_decide_options *options, sbp_error *err) {
  if (out == NULL || profile == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "decider: NULL %s", out ? "profile" : "out");
  *out = NULL;
  if (options != NULL && (options->version == 0 || options->version > SBP_DECIDE_OPTIONS_VERSION))
    return sbp__error(err, SBP_E_INVALID_ARG, "decider: options version %u unknown",
                      (unsigned)options->version);
  int rc = sbp_node_validate(sbp_profile_root(profile), err);
  if (rc != SBP_OK) return rc;
  sbp_decider *d = sbp__malloc(&profile->alloc, sizeof *d);
  if (d == NULL) return sbp__nomem(err);
  memset(d, 0, sizeof *d);
  d->profile = profile;
  sbp_decide_options def = SBP_DECIDE_OPTIONS_INIT;
  d->opt = def;
  if (options != NULL) /* version 1 ends before max_memory */
    memcpy(&d->opt, options,
           options->version == 1 ? offsetof(sbp_decide_options, max_memory) : sizeof d->opt);
  d->opt.version = SBP_DECIDE_OPTIONS_VERSION;
  d->meter.base = profile->alloc;
  d->meter.limit = d->opt.max_memory;
  if (d->meter.limit == 0) {
    size_t held = profile->arena.bytes;
    d->meter.limit = held > (SIZE_MAX - SBP__DECIDER_MEMORY_BASE) / SBP__DECIDER_MEMORY_PER_BYTE
                         ? SIZE_MAX
                         : SBP__DECIDER_MEMORY_BASE + held * SBP__DECIDER_MEMORY_PER_BYTE;
  }
  d->alloc.malloc = meter_malloc;
  d->alloc.realloc = meter_realloc;
  d->alloc.free = meter_free;
  d->alloc.ud = &d->meter;
  d->macos = d->opt.macos;
  d->id = new_decider_id();

  /* Rules, imports, and the keys the index can hold at most (one per operation and value of
   * a top-level filter), so the key table is made once at its size: growing it held the old
   * and new tables at once, most of the decider's peak. The estimate is held to the number
   * of those nodes, so that a rule of many operations and repeated values (few distinct
   * keys) cannot make it ask for more than the tree it indexes; such a table still grows. */
  size_t n = 0, nimports = 0, most_keys = 0, nodes = 0;
  for (const sbp_node *c = profile->root.first; c; c = c->next) {
    if (c->type == SBP_NODE_IMPORT) nimports++;
    if (c->type != SBP_NODE_RULE) continue;
    n++;
    size_t ops = 0, values = 0;
    for (const sbp_node *f = c->first; f; f = f->next) {
      if (f->type == SBP_NODE_OPERATION) ops++;
      else if (f->type == SBP_NODE_FILTER) values += f->nchildren;
    }
    if (values > 0 && ops > (SIZE_MAX - most_keys) / values) most_keys = SIZE_MAX;
    else most_keys += ops * values;
    nodes += 1 + ops + values;
  }
  if (most_keys > nodes) most_keys = nodes;
  if (n > UINT32_MAX - 1) {
    sbp_decider_free(d);
    return sbp__error(err, SBP_E_LIMIT, "decider: too many rules");
  }
  if (n > 0) {
    d->rules = sbp__calloc(&d->alloc, n, sizeof(dz_rule));
    if (d->rules == NULL) goto nomem;
  }
  if (nimports > 0) {
    d->imports = sbp__calloc(&d->alloc, nimports, sizeof(dz_import));
    if (d->imports == NULL) goto nomem;
  }
  if (most_keys > 0) {
    size_t cap = 64;
    while (cap / 2 < most_keys && cap < ((size_t)1 << 40)) cap <<= 1;
    if (keys_rehash(d, cap) != SBP_OK) goto nomem;
    /* The bloom filter, 16 bits per key (at least 512), is filled as keys are made, while
     * their text is at hand: filling it afterwards read every key's text again, in table
     * order, a cache miss each. */
    uint64_t bits = 512;
    while (bits < (uint64_t)most_keys * 16u && bits < ((uint64_t)1 << 40)) bits <<= 1;
    d->bloom = sbp__calloc(&d->alloc, (size_t)(bits / 64), sizeof(uint64_t));
    if (d->bloom == NULL) goto nomem;
    d->bloom_mask = bits - 1;
  }
  /* The catalog's answers for the last operation name: long profiles repeat a name over
   * runs of rules. */
  const char *memo_op = NULL, *memo_an = NULL;
  size_t memo_len = 0, memo_alen = 0;
  int memo_noop = 0;
  for (const sbp_node *c = profile->root.first; c; c = c->next) {
    if (c->type == SBP_NODE_IMPORT) {
      d->imports[d->nimports].node = c;
      d->imports[d->nimports++].rules_before = (int64_t)d->nrules;
    }
    if (c->type != SBP_NODE_RULE) continue;
    prefetch_next(d, c->next, memo_op, memo_len);
    uint32_t ri = (uint32_t)d->nrules++;
    dz_rule *r = &d->rules[ri];
    r->node = c;
    r->action = c->kind == SBP_DENY ? SBP_DENY : SBP_ALLOW;
    rc = scan_rule(d, r, err);
    if (rc != SBP_OK) return build_failed(d, rc, err);
    int filtered = 0;
    for (const sbp_node *f = c->first; f; f = f->next)
      if (sbp__is_filter(f)) filtered = 1;
    for (const sbp_node *o = c->first; o && o->type == SBP_NODE_OPERATION; o = o->next) {
      if (memo_op == NULL || o->text_len != memo_len ||
          memcmp(o->text, memo_op, memo_len) != 0) {
        memo_op = o->text;
        memo_len = memo_alen = o->text_len;
        memo_noop = sbp__catalog_op_noop(d->macos, o->text, o->text_len);
        memo_an = memo_noop ? NULL
                            : sbp__catalog_op_alias_v(d->macos, o->text, o->text_len, &memo_alen);
      }
      if (memo_noop) continue; /* dropped */
      const char *an = memo_an;
      size_t alen = memo_alen;
      dz_bucket *b;
      if (get_bucket(d, an, alen, &b) != SBP_OK) goto nomem;
      uint32_t bi = (uint32_t)(b - d->buckets);
      if (!filtered) {
        b->last_unf[r->action] = ri;
        b->last_unf_any = ri;
        continue;
      }
      for (const sbp_node *f = c->first; f; f = f->next) {
        if (!sbp__is_filter(f)) continue;
        if (index_filter(d, bi, ri, f) != SBP_OK) goto nomem;
      }
    }
  }
  /* Built: what is allocated from now on (regex caches, decisions) is the profile's. The
   * compiled regexes keep the metering allocator, which stays valid with the decider. */
  d->alloc = d->meter.base;
  d->meter.limit = SIZE_MAX;
  *out = d;
  return SBP_OK;
nomem:
  return build_failed(d, SBP_E_NOMEM, err);
}

