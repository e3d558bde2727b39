/* The decision engine (docs/semantics.md): a profile compiled into per-operation buckets
 * with hashed literal, subpath, prefix and name values, and the decision procedure over them.
 * The slow path (every rule evaluated one by one) serves explanations and cross-checks. */
#include "decider.h"

#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "error.h"
#include "node.h"
#include "regex.h"

/* ---- the compiled form ------------------------------------------------------------------ */

typedef struct dz_rule {
  const sbp_node *node;
  uint8_t action;
  uint8_t braces;   /* uses a regex with {m,n} */
  uint8_t longstr;  /* has a string of 256 bytes or more */
  uint8_t unknown;  /* names a filter the catalog does not know */
} dz_rule;

typedef struct dz_entry {
  uint32_t rule;
  const sbp_node *filter; /* a top-level filter of the rule */
} dz_entry;

#define DZ_LENS 1024u
typedef struct dz_slot {
  uint32_t attr;                 /* attribute id */
  uint8_t has[5];                /* per kind (K_EXACT ... K_RE): any value */
  uint8_t longv[5];              /* per kind: a value of DZ_LENS bytes or more */
  uint8_t lens[5][DZ_LENS / 8];  /* per kind: a bit per value length below DZ_LENS */
  int64_t max_idx[3];            /* per action: the last rule indexed here */
} dz_slot;

/* Could a value of that kind and length be in the slot? (skips most hash probes) */
static int slot_has_len(const dz_slot *s, int kind, size_t len) {
  if (len >= DZ_LENS) return s->longv[kind];
  return (s->lens[kind][len >> 3] >> (len & 7)) & 1u;
}

typedef struct dz_bucket {
  const char *op;
  size_t op_len;
  int64_t last_unf[3];   /* per action: last unfiltered rule */
  int64_t last_unf_any;
  dz_slot *slots;
  size_t nslots, cslots;
  dz_entry *gen;         /* rules that are not indexed, ascending */
  size_t ngen, cgen;
} dz_bucket;

enum { K_EXACT = 1, K_PREFIX = 2, K_SUBPATH = 3, K_RE = 4 };

typedef struct dz_key {
  uint64_t hash;
  const char *s;
  size_t len;
  uint32_t bucket;
  uint32_t attr;
  uint8_t kind;
  uint32_t group; /* K_RE: index into the decider's regex groups */
  int64_t rule;   /* the last rule with this key; -1 marks an empty cell */
} dz_key;

/* Anchored regexes indexed by their literal prefix: one group per (bucket, attr, prefix). */
typedef struct dz_reent {
  uint32_t rule;
  const sbp_node *value;
} dz_reent;

typedef struct dz_group {
  char *prefix;
  size_t len;
  dz_reent *e; /* ascending rule order */
  size_t n, cap;
} dz_group;

typedef struct dz_re {
  const sbp_node *value;
  sbp__regex *re;
} dz_re;

typedef struct dz_opcell {
  uint64_t hash;
  uint32_t bucket; /* UINT32_MAX: empty */
} dz_opcell;

struct sbp_decider {
  sbp_alloc alloc;
  const sbp_profile *profile;
  sbp_decide_options opt;
  uint32_t macos;
  dz_rule *rules;
  size_t nrules;
  dz_bucket *buckets;
  size_t nbuckets, cbuckets;
  dz_opcell *ops;       /* open addressing on op names */
  size_t ops_cap;
  dz_key *keys;         /* open addressing */
  size_t keys_cap, nkeys;
  uint64_t *bloom;      /* one bit per (key hash >> 24) & bloom_mask: most misses skip the table */
  uint64_t bloom_mask;
  dz_re *res;           /* open addressing on value node pointers */
  size_t res_cap, nres;
  dz_group *groups;     /* anchored regexes by literal prefix */
  size_t ngroups, cgroups;
  const char **extra;   /* interned attribute names beyond sbp_attr */
  size_t nextra, cextra;
  size_t max_depth;     /* deepest filter nesting */
  uint64_t id;          /* unique per decider made in this process: keys requests' memos */
};

#ifndef __STDC_NO_ATOMICS__
#include <stdatomic.h>
static atomic_uint_fast64_t decider_ids = 1;
static uint64_t new_decider_id(void) { return (uint64_t)atomic_fetch_add(&decider_ids, 1); }
#else
static uint64_t new_decider_id(void) { return 0; } /* 0: requests never memoise buckets */
#endif

static const char *const attr_names[SBP__ATTR_KNOWN_COUNT] = {
    NULL, "path", "global-name", "local-name", "xpc-service-name", "ipc-posix-name",
    "sysctl-name", "preference-domain", "iokit-registry-entry-class", "iokit-property",
    "notification-name", "appleevent-destination", "xattr", "process-path",
    "signing-identifier", "extension", "right-name", "control-name", "target",
    "socket-domain", "socket-type", "socket-protocol", "vnode-type", "file-mode",
    "signal-number", "local", "remote"};

const char *sbp_attr_name(sbp_attr attr) {
  if ((unsigned)attr >= SBP__ATTR_KNOWN_COUNT) return NULL;
  return attr_names[attr];
}

static uint32_t known_attr_id(const char *name, size_t len) {
  for (uint32_t i = 1; i < SBP__ATTR_KNOWN_COUNT; i++)
    if (strlen(attr_names[i]) == len && memcmp(attr_names[i], name, len) == 0) return i;
  return 0;
}

const sbp_alloc *sbp__decider_alloc(const sbp_decider *d) { return &d->alloc; }
uint32_t sbp__decider_macos(const sbp_decider *d) { return d->macos; }
const sbp_profile *sbp_decider_profile(const sbp_decider *d) { return d ? d->profile : NULL; }

/* ---- hashing ---------------------------------------------------------------------------- */

#define FNV_OFF 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

static uint64_t fnv_step(uint64_t h, unsigned char c) { return (h ^ c) * FNV_PRIME; }
static uint64_t fnv(const char *s, size_t len) {
  uint64_t h = FNV_OFF;
  for (size_t i = 0; i < len; i++) h = fnv_step(h, (unsigned char)s[i]);
  return h;
}
static uint64_t mix(uint64_t h, uint32_t bucket, uint32_t attr, uint8_t kind) {
  h ^= ((uint64_t)bucket << 20) ^ ((uint64_t)attr << 8) ^ kind;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

static int grow(const sbp_alloc *a, void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return SBP_OK;
  size_t nc = *cap ? *cap * 2 : 8;
  while (nc < need) nc *= 2;
  if (nc > SIZE_MAX / elem) return SBP_E_NOMEM;
  void *np = sbp__realloc(a, *p, nc * elem);
  if (np == NULL) return SBP_E_NOMEM;
  *p = np;
  *cap = nc;
  return SBP_OK;
}

/* ---- building --------------------------------------------------------------------------- */

static int op_table_rehash(sbp_decider *d, size_t ncap) {
  dz_opcell *cells = sbp__calloc(&d->alloc, ncap, sizeof *cells);
  if (cells == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < ncap; i++) cells[i].bucket = UINT32_MAX;
  for (size_t b = 0; b < d->nbuckets; b++) {
    uint64_t h = fnv(d->buckets[b].op, d->buckets[b].op_len);
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

static int64_t find_bucket(const sbp_decider *d, const char *op, size_t len) {
  if (d->ops_cap == 0) return -1;
  uint64_t h = fnv(op, len);
  size_t j = (size_t)h & (d->ops_cap - 1);
  while (d->ops[j].bucket != UINT32_MAX) {
    const dz_bucket *b = &d->buckets[d->ops[j].bucket];
    if (d->ops[j].hash == h && b->op_len == len && memcmp(b->op, op, len) == 0)
      return d->ops[j].bucket;
    j = (j + 1) & (d->ops_cap - 1);
  }
  return -1;
}

static int get_bucket(sbp_decider *d, const char *op, size_t len, dz_bucket **out) {
  int64_t b = find_bucket(d, op, len);
  if (b >= 0) {
    *out = &d->buckets[b];
    return SBP_OK;
  }
  if ((d->nbuckets + 1) * 2 > d->ops_cap) {
    if (op_table_rehash(d, d->ops_cap ? d->ops_cap * 2 : 16) != SBP_OK) return SBP_E_NOMEM;
  }
  if (grow(&d->alloc, (void **)&d->buckets, &d->cbuckets, d->nbuckets + 1, sizeof(dz_bucket)))
    return SBP_E_NOMEM;
  dz_bucket *nb = &d->buckets[d->nbuckets];
  memset(nb, 0, sizeof *nb);
  nb->op = op;
  nb->op_len = len;
  for (int i = 0; i < 3; i++) nb->last_unf[i] = SBP__NO_RULE;
  nb->last_unf_any = SBP__NO_RULE;
  uint64_t h = fnv(op, len);
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
  for (size_t i = 0; i < ncap; i++) cells[i].rule = -1;
  for (size_t i = 0; i < d->keys_cap; i++) {
    if (d->keys[i].rule < 0) continue;
    size_t j = (size_t)d->keys[i].hash & (ncap - 1);
    while (cells[j].rule >= 0) j = (j + 1) & (ncap - 1);
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
  uint64_t h = mix(fnv(s, len), bucket, attr, kind);
  size_t j = (size_t)h & (d->keys_cap - 1);
  while (d->keys[j].rule >= 0) {
    dz_key *k = &d->keys[j];
    if (k->hash == h && k->bucket == bucket && k->attr == attr && k->kind == kind &&
        k->len == len && memcmp(k->s, s, len) == 0) {
      if ((int64_t)rule > k->rule) k->rule = rule;
      return k;
    }
    j = (j + 1) & (d->keys_cap - 1);
  }
  dz_key *k = &d->keys[j];
  k->hash = h;
  k->s = s;
  k->len = len;
  k->bucket = bucket;
  k->attr = attr;
  k->kind = kind;
  k->group = 0;
  k->rule = rule;
  d->nkeys++;
  *created = 1;
  return k;
}

static const dz_key *find_cell(const sbp_decider *d, uint64_t strhash, uint32_t bucket,
                              uint32_t attr, uint8_t kind, const char *s, size_t len) {
  uint64_t h = mix(strhash, bucket, attr, kind);
  if (d->bloom != NULL) {
    uint64_t bit = (h >> 24) & d->bloom_mask;
    if (!((d->bloom[bit >> 6] >> (bit & 63)) & 1u)) return NULL;
  }
  size_t j = (size_t)h & (d->keys_cap - 1);
  while (d->keys[j].rule >= 0) {
    const dz_key *k = &d->keys[j];
    if (k->hash == h && k->bucket == bucket && k->attr == attr && k->kind == kind &&
        k->len == len && memcmp(k->s, s, len) == 0)
      return k;
    j = (j + 1) & (d->keys_cap - 1);
  }
  return NULL;
}

static int64_t find_key(const sbp_decider *d, uint64_t strhash, uint32_t bucket, uint32_t attr,
                        uint8_t kind, const char *s, size_t len) {
  const dz_key *k = find_cell(d, strhash, bucket, attr, kind, s, len);
  return k ? k->rule : -1;
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
    } else if (strchr(".[]()*+?{}|^$", ch) != NULL) {
      break;
    }
    /* a quantifier after this byte makes it optional or repeated: stop before it */
    if (i + step < n && strchr("*+?{", p[i + step]) != NULL) break;
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

static const sbp__regex *find_re(const sbp_decider *d, const sbp_node *value) {
  if (d->res_cap == 0) return NULL;
  size_t j = ((uintptr_t)value >> 4) & (d->res_cap - 1);
  while (d->res[j].value != NULL) {
    if (d->res[j].value == value) return d->res[j].re;
    j = (j + 1) & (d->res_cap - 1);
  }
  return NULL;
}

static int add_re(sbp_decider *d, const sbp_node *value, sbp_error *err) {
  if (find_re(d, value) != NULL) return SBP_OK;
  if ((d->nres + 1) * 2 > d->res_cap)
    if (res_rehash(d, d->res_cap ? d->res_cap * 2 : 16) != SBP_OK) return sbp__nomem(err);
  sbp_error e = SBP_ERROR_INIT;
  sbp__regex *re = NULL;
  int rc = sbp__regex_compile(&d->alloc, value->text ? value->text : "", value->text_len, &re, &e);
  if (rc == SBP_E_NOMEM) return sbp__nomem(err);
  if (rc != SBP_OK) {
    const sbp_node *rule = value;
    while (rule && rule->type != SBP_NODE_RULE) rule = rule->parent;
    const sbp_node *at = (value->line != 0 || rule == NULL) ? value : rule;
    return sbp__error_at(err, rc, at->file, at->line, at->column, 0,
                         "regex #\"%.80s\": %s (column %u of the pattern)",
                         value->text ? value->text : "", e.message, (unsigned)e.column);
  }
  size_t j = ((uintptr_t)value >> 4) & (d->res_cap - 1);
  while (d->res[j].value != NULL) j = (j + 1) & (d->res_cap - 1);
  d->res[j].value = value;
  d->res[j].re = re;
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
  if (grow(&d->alloc, (void **)&d->extra, &d->cextra, d->nextra + 1, sizeof(char *)))
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
  if (grow(&d->alloc, (void **)&b->slots, &b->cslots, b->nslots + 1, sizeof(dz_slot)))
    return SBP_E_NOMEM;
  dz_slot *s = &b->slots[b->nslots++];
  memset(s, 0, sizeof *s);
  s->attr = attr;
  for (int i = 0; i < 3; i++) s->max_idx[i] = SBP__NO_RULE;
  *out = s;
  return SBP_OK;
}

/* Can this top-level filter be indexed: a leaf on a path or name attribute with an exact,
 * prefix or subpath form and only string values? */
static const sbp__filter_info *indexable(const sbp_decider *d, const sbp_node *f) {
  if (f->type != SBP_NODE_FILTER) return NULL;
  const sbp__filter_info *fi = sbp__catalog_filter(d->macos, f->text, f->text_len);
  if (fi == NULL) return NULL;
  if (fi->arg != SBP__ARG_PATH && fi->arg != SBP__ARG_NAME) return NULL;
  for (const sbp_node *v = f->first; v; v = v->next) {
    if (v->type != SBP_NODE_VALUE) return NULL;
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
  if (grow(&d->alloc, (void **)&b->gen, &b->cgen, b->ngen + 1, sizeof(dz_entry)))
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
  if (intern_attr(d, fi->base, &attr) || get_slot(d, b, attr, &s)) return SBP_E_NOMEM;
  uint8_t act = d->rules[rule].action;
  if ((int64_t)rule > s->max_idx[act]) s->max_idx[act] = rule;
  for (const sbp_node *v = f->first; v; v = v->next) {
    uint8_t kind = fi->match == SBP__MATCH_EXACT    ? K_EXACT
                   : fi->match == SBP__MATCH_PREFIX ? K_PREFIX
                   : fi->match == SBP__MATCH_REGEX  ? K_RE
                                                    : K_SUBPATH;
    const char *key = v->text;
    size_t klen = v->text_len;
    char tmp[256];
    if (kind == K_RE) {
      klen = regex_literal_prefix(v->text, v->text_len, tmp, sizeof tmp);
      key = tmp;
    }
    int created;
    dz_key *k;
    if (kind == K_RE) {
      /* look the group up first: the key must point at text the group owns */
      const dz_key *old = d->keys_cap ? find_cell(d, fnv(tmp, klen), bucket, attr, K_RE, tmp, klen)
                                      : NULL;
      if (old == NULL) {
        if (grow(&d->alloc, (void **)&d->groups, &d->cgroups, d->ngroups + 1, sizeof(dz_group)))
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
    if (kind == K_RE) {
      if (created) k->group = (uint32_t)(d->ngroups - 1);
      dz_group *g = &d->groups[k->group];
      if (grow(&d->alloc, (void **)&g->e, &g->cap, g->n + 1, sizeof(dz_reent))) return SBP_E_NOMEM;
      g->e[g->n].rule = rule;
      g->e[g->n].value = v;
      g->n++;
    }
    s->has[kind] = 1;
    if (klen >= DZ_LENS) s->longv[kind] = 1;
    else s->lens[kind][klen >> 3] |= (uint8_t)(1u << (klen & 7));
  }
  return SBP_OK;
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
        const sbp__filter_info *fi = sbp__catalog_filter(d->macos, n->text, n->text_len);
        if (fi == NULL) r->unknown = 1;
        for (const sbp_node *v = n->first; v; v = v->next) {
          if (v->text_len >= 256 && (v->kind == SBP_VALUE_STRING || v->kind == SBP_VALUE_REGEX))
            r->longstr = 1;
          if (fi != NULL && fi->match == SBP__MATCH_REGEX &&
              (v->kind == SBP_VALUE_STRING || v->kind == SBP_VALUE_REGEX)) {
            int rc = add_re(d, v, err);
            if (rc != SBP_OK) return rc;
            if (sbp__regex_flags(find_re(d, v)) & SBP__RE_USES_BRACES) r->braces = 1;
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
    sbp__free(&d->alloc, d->groups[i].e);
  }
  sbp__free(&d->alloc, d->groups);
  for (size_t i = 0; i < d->res_cap; i++)
    if (d->res[i].value) sbp__regex_free(d->res[i].re);
  sbp__free(&d->alloc, d->res);
  sbp__free(&d->alloc, d->buckets);
  sbp__free(&d->alloc, d->ops);
  sbp__free(&d->alloc, d->keys);
  sbp__free(&d->alloc, d->bloom);
  sbp__free(&d->alloc, d->extra);
  sbp__free(&d->alloc, d->rules);
  sbp_alloc a = d->alloc;
  sbp__free(&a, d);
}

int sbp_decider_new(sbp_decider **out, const sbp_profile *profile,
                    const sbp_decide_options *options, sbp_error *err) {
  if (out == NULL || profile == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "decider: NULL %s", out ? "profile" : "out");
  *out = NULL;
  if (options != NULL && options->version != SBP_DECIDE_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "decider: options version %u unknown",
                      (unsigned)options->version);
  int rc = sbp_node_validate(sbp_profile_root(profile), err);
  if (rc != SBP_OK) return rc;
  sbp_decider *d = sbp__malloc(&profile->alloc, sizeof *d);
  if (d == NULL) return sbp__nomem(err);
  memset(d, 0, sizeof *d);
  d->alloc = profile->alloc;
  d->profile = profile;
  sbp_decide_options def = SBP_DECIDE_OPTIONS_INIT;
  d->opt = options ? *options : def;
  d->macos = d->opt.macos;
  d->id = new_decider_id();

  size_t n = 0;
  for (const sbp_node *c = profile->root.first; c; c = c->next)
    if (c->type == SBP_NODE_RULE) n++;
  if (n > UINT32_MAX - 1) {
    sbp_decider_free(d);
    return sbp__error(err, SBP_E_LIMIT, "decider: too many rules");
  }
  if (n > 0) {
    d->rules = sbp__calloc(&d->alloc, n, sizeof(dz_rule));
    if (d->rules == NULL) goto nomem;
  }
  for (const sbp_node *c = profile->root.first; c; c = c->next) {
    if (c->type != SBP_NODE_RULE) continue;
    uint32_t ri = (uint32_t)d->nrules++;
    dz_rule *r = &d->rules[ri];
    r->node = c;
    r->action = c->kind == SBP_DENY ? SBP_DENY : SBP_ALLOW;
    rc = scan_rule(d, r, err);
    if (rc != SBP_OK) {
      sbp_decider_free(d);
      return rc;
    }
    int filtered = 0;
    for (const sbp_node *f = c->first; f; f = f->next)
      if (sbp__is_filter(f)) filtered = 1;
    for (const sbp_node *o = c->first; o && o->type == SBP_NODE_OPERATION; o = o->next) {
      size_t alen = o->text_len;
      if (sbp__catalog_op_noop(d->macos, o->text, o->text_len)) continue; /* dropped */
      const char *an = sbp__catalog_op_alias_v(d->macos, o->text, o->text_len, &alen);
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
  if (d->nkeys > 0) { /* 16 bits per key, at least 512 */
    uint64_t bits = 512;
    while (bits < (uint64_t)d->nkeys * 16u && bits < ((uint64_t)1 << 40)) bits <<= 1;
    d->bloom = sbp__calloc(&d->alloc, (size_t)(bits / 64), sizeof(uint64_t));
    if (d->bloom == NULL) goto nomem;
    d->bloom_mask = bits - 1;
    for (size_t i = 0; i < d->keys_cap; i++) {
      if (d->keys[i].rule < 0) continue;
      uint64_t bit = (d->keys[i].hash >> 24) & d->bloom_mask;
      d->bloom[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
  }
  *out = d;
  return SBP_OK;
nomem:
  sbp_decider_free(d);
  return sbp__nomem(err);
}

/* ---- evaluating filters ----------------------------------------------------------------- */

typedef struct dz_ctx {
  const sbp_decider *d;
  const sbp_request *req;
  uint32_t flags;        /* request-time option flags */
  const char *path;      /* the path attribute after canonical mapping, or NULL */
  size_t path_len;
  int has_path, has_net; /* for the exclusivity of unix-socket paths and addresses */
  const char *missing;   /* the last attribute found missing */
  int braces;            /* a regex with {m,n} was evaluated */
  int unknown_name;
} dz_ctx;

static int subpath_match(const char *sp, size_t splen, const char *s, size_t len) {
  if (splen > len || memcmp(sp, s, splen) != 0) return 0;
  if (splen == len) return 1;
  if (splen > 0 && sp[splen - 1] == '/') return 1;
  return s[splen] == '/';
}

static int string_match(uint8_t match, const char *pat, size_t plen, const char *s, size_t len) {
  switch (match) {
    case SBP__MATCH_EXACT: return plen == len && memcmp(pat, s, len) == 0;
    case SBP__MATCH_PREFIX: return plen <= len && memcmp(pat, s, plen) == 0;
    case SBP__MATCH_SUBPATH: return subpath_match(pat, plen, s, len);
    default: return 0;
  }
}

static int is_loopback(const char *h) {
  if (h == NULL) return 0;
  if (strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0) return 1;
  if (strncmp(h, "127.", 4) == 0) return 1;
  if (strncmp(h, "::ffff:127.", 11) == 0) return 1;
  return 0;
}

static uint32_t proto_bits(const char *p, size_t len) {
  static const struct { const char *n; uint32_t b; } t[] = {
      {"ip", 3}, {"ip4", 1}, {"ip6", 2}, {"tcp", 7}, {"tcp4", 5},
      {"tcp6", 6}, {"udp", 11}, {"udp4", 9}, {"udp6", 10}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strlen(t[i].n) == len && memcmp(t[i].n, p, len) == 0) return t[i].b;
  return 0;
}

/* Exposed to request.c through sbp__net_proto_bits. */
uint32_t sbp__net_proto_bits(const char *p, size_t len);
uint32_t sbp__net_proto_bits(const char *p, size_t len) { return proto_bits(p, len); }
int sbp__net_is_loopback(const char *h);
int sbp__net_is_loopback(const char *h) { return is_loopback(h); }

static int net_match(const sbp_node *v, const sbp__req_attr *a) {
  if (v->kind != SBP_VALUE_NETADDR || a->kind != SBP__RQ_NETADDR) return SBP__F;
  uint32_t fb = proto_bits(v->text ? v->text : "", v->text_len);
  if (fb == 0) return SBP__F;
  uint32_t ffam = fb & 3u, ftr = fb & 12u;
  uint32_t rfam = a->proto & 3u, rtr = a->proto & 12u;
  if (rfam == 0) rfam = 3u;
  if ((rfam & ~ffam) != 0) return SBP__F;
  if (ftr != 0 && ftr != 12u) {
    if (rtr == 0 || rtr == 12u || (rtr & ~ftr) != 0) return SBP__F;
  }
  if (v->text2 != NULL) { /* an address: host and port */
    if (strcmp(v->text2, "localhost") == 0 && !a->loopback) return SBP__F;
    if (v->num != SBP_PORT_ANY && v->num != a->num) return SBP__F;
  }
  return SBP__T;
}

static int int_of_value(const dz_ctx *c, const char *base, const sbp_node *v, int64_t *out) {
  if (v->kind == SBP_VALUE_INTEGER || v->kind == SBP_VALUE_BOOLEAN) {
    *out = v->num;
    return 1;
  }
  if (v->kind == SBP_VALUE_CONSTANT || v->kind == SBP_VALUE_STRING)
    return sbp__catalog_constant(c->d->macos, base, v->text, v->text_len, out);
  return 0;
}

/* One leaf filter: T, F or U. */
static int eval_leaf(dz_ctx *c, const sbp_node *f) {
  const sbp__filter_info *fi = sbp__catalog_filter(c->d->macos, f->text, f->text_len);
  if (fi == NULL) {
    c->unknown_name = 1;
    c->missing = f->text;
    return SBP__U;
  }
  const sbp__req_attr *a = sbp__request_attr(c->req, fi->base);
  const char *s = NULL;
  size_t slen = 0;
  if (a != NULL && fi->arg == SBP__ARG_PATH && strcmp(fi->base, "path") == 0 &&
      c->path != NULL) {
    s = c->path;
    slen = c->path_len;
  } else if (a != NULL) {
    s = a->str;
    slen = a->len;
  }
  if (a == NULL) {
    /* A unix-socket request (a path) says no address; an address request says no path. */
    if (fi->arg == SBP__ARG_NETWORK && c->has_path) return SBP__F;
    if (strcmp(fi->base, "path") == 0 && c->has_net) return SBP__F;
    c->missing = fi->base;
    return SBP__U;
  }
  int result = SBP__F;
  for (const sbp_node *v = f->first; v && result != SBP__T; v = v->next) {
    int r = SBP__F;
    if (v->kind == SBP_VALUE_PARAM || v->kind == SBP_VALUE_CONCAT) {
      c->missing = "a parameter's value";
      r = SBP__U;
    } else if (fi->arg == SBP__ARG_NETWORK) {
      r = net_match(v, a);
    } else if (fi->match == SBP__MATCH_REGEX) {
      const sbp__regex *re = find_re(c->d, v);
      if (re != NULL && a->kind == SBP__RQ_STRING) {
        if (sbp__regex_flags(re) & SBP__RE_USES_BRACES) c->braces = 1;
        r = sbp__regex_search(re, s, slen) ? SBP__T : SBP__F;
      }
    } else if (fi->arg == SBP__ARG_INTEGER || fi->arg == SBP__ARG_BITFIELD ||
               fi->arg == SBP__ARG_BOOLEAN) {
      int64_t want, have;
      if (!int_of_value(c, fi->base, v, &want)) {
        c->unknown_name = 1;
        c->missing = v->text ? v->text : fi->base;
        r = SBP__U;
      } else {
        int ok = 1;
        if (a->kind == SBP__RQ_INTEGER) have = a->num;
        else if (a->kind == SBP__RQ_STRING)
          ok = sbp__catalog_constant(c->d->macos, fi->base, a->str, a->len, &have);
        else ok = 0;
        if (!ok) r = SBP__F;
        else if (fi->arg == SBP__ARG_BITFIELD) r = (have & want) == want ? SBP__T : SBP__F;
        else r = have == want ? SBP__T : SBP__F;
      }
    } else if (v->kind == SBP_VALUE_STRING || v->kind == SBP_VALUE_CONSTANT) {
      if (a->kind == SBP__RQ_STRING)
        r = string_match(fi->match, v->text, v->text_len, s, slen) ? SBP__T : SBP__F;
    }
    if (r > result) result = r;
  }
  return result;
}

#define DZ_STACK 64

/* A filter expression in Kleene logic, without recursion: a post-order walk whose
 * accumulators live in acc (one per nesting level). */
static int eval_filter(dz_ctx *c, const sbp_node *top, uint8_t *acc) {
  if (top->type == SBP_NODE_FILTER) return eval_leaf(c, top);
  const sbp_node *n = top;
  size_t depth = 0;
  /* entering a compound: initialise its accumulator */
  acc[0] = n->type == SBP_NODE_REQUIRE_ALL ? SBP__T : SBP__F;
  n = n->first;
  depth = 1;
  for (;;) {
    int v;
    if (n->type == SBP_NODE_FILTER) {
      v = eval_leaf(c, n);
    } else {
      acc[depth] = n->type == SBP_NODE_REQUIRE_ALL ? SBP__T : SBP__F;
      n = n->first;
      depth++;
      continue;
    }
    /* combine v into the parent and climb while the parent is complete */
    for (;;) {
      const sbp_node *p = n->parent;
      uint8_t *pa = &acc[depth - 1];
      if (p->type == SBP_NODE_REQUIRE_ALL) {
        if (v < *pa) *pa = (uint8_t)v;
      } else if (p->type == SBP_NODE_REQUIRE_NOT) {
        *pa = (uint8_t)(2 - v);
      } else {
        if (v > *pa) *pa = (uint8_t)v;
      }
      if (n->next != NULL) {
        n = n->next;
        break;
      }
      /* p is complete */
      depth--;
      v = *pa;
      if (p == top) return v;
      n = p;
    }
  }
}

static int eval_top(dz_ctx *c, const sbp_node *f, int *rc) {
  uint8_t local[DZ_STACK];
  uint8_t *acc = local;
  if (f->type != SBP_NODE_FILTER && c->d->max_depth >= DZ_STACK) {
    acc = sbp__malloc(&c->d->alloc, c->d->max_depth + 1);
    if (acc == NULL) {
      *rc = SBP_E_NOMEM;
      return SBP__F;
    }
  }
  int v = eval_filter(c, f, acc);
  if (acc != local) sbp__free(&c->d->alloc, acc);
  return v;
}

/* ---- deciding --------------------------------------------------------------------------- */

typedef struct dz_cand {
  int64_t idx;
  const char *missing;
} dz_cand;

static void note_unknown(dz_cand *u, int64_t idx, const char *missing) {
  if (idx > u->idx) {
    u->idx = idx;
    u->missing = missing;
  }
}

static const char *const step_names[] = {"none", "filtered rule", "unfiltered rule",
                                         "default rule", "TERMINAL built-in", "no default rule"};

const char *sbp_decision_step_name(int step) {
  if (step < 0 || step > SBP_STEP_NO_DEFAULT) return "unknown step";
  return step_names[step];
}

static int trace_rule(sbp_buf *t, const sbp_alloc *a, const char *prefix, const sbp_node *rule,
                      const char *suffix) {
  int rc = sbp__buf_puts(t, a, prefix);
  if (!rc) rc = sbp__rule_where(t, a, rule);
  if (!rc) rc = sbp__buf_puts(t, a, ": ");
  if (!rc) rc = sbp__rule_text(t, a, rule);
  if (!rc && suffix) rc = sbp__buf_puts(t, a, suffix);
  if (!rc) rc = sbp__buf_putc(t, a, '\n');
  return rc;
}

/* The slow path for one bucket: every filtered rule, from the last. */
static int walk_bucket(dz_ctx *c, const dz_bucket *b, int64_t *best, const char **best_op,
                       dz_cand unk[3], int64_t *braces_idx, sbp_buf *trace, int slow) {
  const sbp_decider *d = c->d;
  int rc = SBP_OK;
  if (!slow) {
    /* indexed slots */
    for (size_t si = 0; si < b->nslots; si++) {
      const dz_slot *s = &b->slots[si];
      const char *base = s->attr < SBP__ATTR_FIRST_EXTRA ? attr_names[s->attr]
                                                        : d->extra[s->attr - SBP__ATTR_FIRST_EXTRA];
      const sbp__req_attr *a = s->attr < SBP__ATTR_FIRST_EXTRA
                                   ? sbp__request_attr_known(c->req, s->attr)
                                   : sbp__request_attr(c->req, base);
      if (a == NULL) {
        if (s->attr == SBP_ATTR_PATH && c->has_net) continue;
        note_unknown(&unk[SBP_ALLOW], s->max_idx[SBP_ALLOW], base);
        note_unknown(&unk[SBP_DENY], s->max_idx[SBP_DENY], base);
        continue;
      }
      if (a->kind != SBP__RQ_STRING) continue;
      if (s->max_idx[SBP_ALLOW] <= *best && s->max_idx[SBP_DENY] <= *best) continue;
      const char *str = a->str;
      size_t len = a->len;
      if (s->attr == SBP_ATTR_PATH && c->path != NULL) {
        str = c->path;
        len = c->path_len;
      }
      uint32_t bi = (uint32_t)(b - d->buckets);
      int64_t hit = -1;
      uint64_t h = FNV_OFF;
      int pre = s->has[K_PREFIX], sub = s->has[K_SUBPATH], rex = s->has[K_RE];
      for (size_t k = 0; k <= len; k++) {
        /* h is the hash of str[0..k) */
        if (rex && k > 0 && slot_has_len(s, K_RE, k)) {
          const dz_key *cell = find_cell(d, h, bi, s->attr, K_RE, str, k);
          if (cell != NULL && cell->rule > hit && cell->rule > *best) {
            const dz_group *g = &d->groups[cell->group];
            for (size_t gi = g->n; gi-- > 0;) {
              const dz_reent *e = &g->e[gi];
              if ((int64_t)e->rule <= hit || (int64_t)e->rule <= *best) break;
              const sbp__regex *re = find_re(d, e->value);
              if (re == NULL) continue;
              if (sbp__regex_flags(re) & SBP__RE_USES_BRACES) {
                if ((int64_t)e->rule > *braces_idx) *braces_idx = e->rule;
              }
              if (sbp__regex_search(re, str, len)) {
                hit = e->rule;
                break;
              }
            }
          }
        }
        if (pre && slot_has_len(s, K_PREFIX, k)) {
          int64_t r = find_key(d, h, bi, s->attr, K_PREFIX, str, k);
          if (r > hit) hit = r;
        }
        if (sub && k < len && str[k] == '/') {
          if (k > 0 && slot_has_len(s, K_SUBPATH, k)) {
            int64_t r = find_key(d, h, bi, s->attr, K_SUBPATH, str, k);
            if (r > hit) hit = r;
          }
          if (slot_has_len(s, K_SUBPATH, k + 1)) {
            uint64_t h2 = fnv_step(h, '/');
            int64_t r = find_key(d, h2, bi, s->attr, K_SUBPATH, str, k + 1);
            if (r > hit) hit = r;
          }
        }
        if (k == len) break;
        h = fnv_step(h, (unsigned char)str[k]);
      }
      if (s->has[K_EXACT] && slot_has_len(s, K_EXACT, len)) {
        int64_t r = find_key(d, h, bi, s->attr, K_EXACT, str, len);
        if (r > hit) hit = r;
      }
      if (sub && !(len > 0 && str[len - 1] == '/') && slot_has_len(s, K_SUBPATH, len)) {
        /* subpath equal to the whole string (already counted when it ends with '/') */
        int64_t r = find_key(d, h, bi, s->attr, K_SUBPATH, str, len);
        if (r > hit) hit = r;
      }
      if (hit > *best) {
        *best = hit;
        *best_op = b->op;
      }
    }
  }
  /* rules not indexed (or all, on the slow path), from the last written */
  const dz_entry *list = b->gen;
  size_t n = b->ngen;
  for (size_t i = n; i-- > 0;) {
    const dz_entry *e = &list[i];
    if (!trace && (int64_t)e->rule <= *best) break;
    c->braces = 0;
    c->missing = NULL;
    int v = eval_top(c, e->filter, &rc);
    if (rc != SBP_OK) return rc;
    if (c->braces && (int64_t)e->rule > *braces_idx) *braces_idx = e->rule;
    if (trace) {
      static const char *const tv[] = {" -> no match", " -> unknown", " -> MATCH"};
      rc = trace_rule(trace, &d->alloc, "    ", d->rules[e->rule].node, tv[v]);
      if (!rc && v == SBP__U && c->missing) {
        rc = sbp__buf_puts(trace, &d->alloc, "      (needs ");
        if (!rc) rc = sbp__buf_puts(trace, &d->alloc, c->missing);
        if (!rc) rc = sbp__buf_puts(trace, &d->alloc, ", which the request does not give)\n");
      }
      if (rc) return rc;
    }
    if (v == SBP__T) {
      if ((int64_t)e->rule > *best) {
        *best = e->rule;
        *best_op = b->op;
      }
      if (!trace) break;
    } else if (v == SBP__U) {
      note_unknown(&unk[d->rules[e->rule].action], e->rule, c->missing ? c->missing : "?");
    }
  }
  return SBP_OK;
}

/* The slow path keeps every filtered rule in gen: built on demand from the index? No: the
 * slow path re-walks the profile's rules for the bucket. */
static int walk_bucket_slow(dz_ctx *c, const dz_bucket *b, int64_t *best, const char **best_op,
                            dz_cand unk[3], int64_t *braces_idx, sbp_buf *trace) {
  const sbp_decider *d = c->d;
  int rc = SBP_OK;
  for (size_t i = d->nrules; i-- > 0;) {
    if (!trace && (int64_t)i <= *best) break;
    const dz_rule *r = &d->rules[i];
    int speaks = 0, filtered = 0;
    for (const sbp_node *o = r->node->first; o && o->type == SBP_NODE_OPERATION; o = o->next) {
      size_t alen = o->text_len;
      const char *an = sbp__catalog_op_alias_v(d->macos, o->text, o->text_len, &alen);
      if (alen == b->op_len && memcmp(an, b->op, alen) == 0) speaks = 1;
    }
    if (!speaks) continue;
    int v = SBP__F;
    const char *missing = NULL;
    for (const sbp_node *f = r->node->first; f; f = f->next) {
      if (!sbp__is_filter(f)) continue;
      filtered = 1;
      c->braces = 0;
      c->missing = NULL;
      int fv = eval_top(c, f, &rc);
      if (rc != SBP_OK) return rc;
      if (c->braces && (int64_t)i > *braces_idx) *braces_idx = (int64_t)i;
      if (fv == SBP__U && missing == NULL) missing = c->missing;
      if (fv > v) v = fv;
    }
    if (!filtered) continue;
    if (trace) {
      static const char *const tv[] = {" -> no match", " -> unknown", " -> MATCH"};
      rc = trace_rule(trace, &d->alloc, "    ", r->node, tv[v]);
      if (!rc && v == SBP__U && missing) {
        rc = sbp__buf_puts(trace, &d->alloc, "      (needs ");
        if (!rc) rc = sbp__buf_puts(trace, &d->alloc, missing);
        if (!rc) rc = sbp__buf_puts(trace, &d->alloc, ", which the request does not give)\n");
      }
      if (rc) return rc;
    }
    if (v == SBP__T) {
      if ((int64_t)i > *best) {
        *best = (int64_t)i;
        *best_op = b->op;
      }
      if (!trace) break;
    } else if (v == SBP__U) {
      note_unknown(&unk[r->action], (int64_t)i, missing ? missing : "?");
    }
  }
  return SBP_OK;
}

static const char *const canon_links[] = {"/tmp", "/var", "/etc"};

/* The canonical spelling of a path under /tmp, /var or /etc, into buf. Returns 1 when
 * mapped. */
static int canonical_path(const char *s, size_t len, char *buf, size_t cap, size_t *out_len) {
  for (size_t i = 0; i < 3; i++) {
    if (len >= 4 && memcmp(s, canon_links[i], 4) == 0 && (len == 4 || s[4] == '/')) {
      if (len + 8 + 1 > cap) return -1;
      memcpy(buf, "/private", 8);
      memcpy(buf + 8, s, len);
      buf[len + 8] = '\0';
      *out_len = len + 8;
      return 1;
    }
  }
  return 0;
}

int sbp__decide(const sbp_decider *d, const sbp_request *req, const sbp_decide_options *opt,
                sbp_decision *out, sbp_buf *trace, sbp_error *err) {
  if (d == NULL || req == NULL || out == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "decide: NULL %s",
                      d == NULL ? "decider" : req == NULL ? "request" : "decision");
  if (req->op == NULL)
    return sbp__error(err, SBP_E_INVALID_ARG, "decide: the request has no operation");
  if (opt != NULL && opt->version != SBP_DECIDE_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "decide: options version %u unknown",
                      (unsigned)opt->version);
  if (opt == NULL) opt = &d->opt;
  const sbp_alloc *A = &d->alloc;
  int rc = SBP_OK;

  out->result = SBP_DECISION_UNKNOWN;
  out->step = SBP_STEP_NONE;
  out->flags = 0;
  out->rule_index = SBP__NO_RULE;
  out->rule = NULL;
  out->op = NULL;
  out->skipped = NULL;
  out->missing = NULL;

  sbp__request_chain(req, d->macos);
  dz_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.req = req;
  c.flags = opt->flags;
  const sbp__req_attr *pa = sbp__request_attr_known(req, SBP_ATTR_PATH);
  c.has_path = pa != NULL;
  c.has_net = sbp__request_attr_known(req, SBP_ATTR_LOCAL) != NULL ||
              sbp__request_attr_known(req, SBP_ATTR_REMOTE) != NULL;
  char pbuf[1024];
  char *heap = NULL;
  if (pa != NULL && pa->kind == SBP__RQ_STRING && (opt->flags & SBP_DECIDE_CANONICAL_PATHS)) {
    size_t nl = 0;
    int m = canonical_path(pa->str, pa->len, pbuf, sizeof pbuf, &nl);
    if (m < 0) {
      heap = sbp__malloc(A, pa->len + 9);
      if (heap == NULL) return sbp__nomem(err);
      m = canonical_path(pa->str, pa->len, heap, pa->len + 9, &nl);
    }
    if (m == 1) {
      c.path = heap ? heap : pbuf;
      c.path_len = nl;
    }
  }
  if (req->chain_unknown) out->flags |= SBP_DECISION_FLAG_UNKNOWN_NAME;

  int slow = (opt->flags & SBP_DECIDE_NO_INDEX) != 0 || trace != NULL;
  int64_t best = SBP__NO_RULE, braces_idx = SBP__NO_RULE;
  const char *best_op = NULL;
  dz_cand unk[3] = {{SBP__NO_RULE, NULL}, {SBP__NO_RULE, NULL}, {SBP__NO_RULE, NULL}};
  const dz_bucket *chain_b[SBP__CHAIN_MAX];
  const dz_bucket *default_b = NULL;

  if (trace) {
    rc = sbp__buf_puts(trace, A, "chain:");
    for (size_t i = 0; !rc && i < req->nchain; i++) {
      rc = sbp__buf_puts(trace, A, i ? " -> " : " ");
      if (!rc) rc = sbp__buf_put(trace, A, req->chain[i], req->chain_len[i]);
      if (!rc && req->chain_weak[i]) rc = sbp__buf_puts(trace, A, " (weak link)");
    }
    if (!rc && req->chain_terminal) rc = sbp__buf_puts(trace, A, " [TERMINAL]");
    if (!rc && req->chain_unknown) rc = sbp__buf_puts(trace, A, " [operation not in the catalog]");
    if (!rc) rc = sbp__buf_puts(trace, A, "\nstep 1, filtered rules (last written first):\n");
    if (rc) goto done;
  }
  for (size_t i = 0; i < req->nchain; i++) {
    int64_t bi = req->memo_id == d->id ? req->memo_bucket[i]
                                       : find_bucket(d, req->chain[i], req->chain_len[i]);
    ((sbp_request *)(uintptr_t)req)->memo_bucket[i] = bi;
    chain_b[i] = bi >= 0 ? &d->buckets[bi] : NULL;

    if (chain_b[i] == NULL) continue;
    if (req->chain_len[i] == 7 && memcmp(req->chain[i], "default", 7) == 0)
      default_b = chain_b[i];
    if (trace) {
      rc = sbp__buf_puts(trace, A, "  on ");
      if (!rc) rc = sbp__buf_put(trace, A, req->chain[i], req->chain_len[i]);
      if (!rc) rc = sbp__buf_puts(trace, A, ":\n");
      if (rc) goto done;
    }
    const char *prev_op = best_op;
    int64_t prev = best;
    rc = slow ? walk_bucket_slow(&c, chain_b[i], &best, &best_op, unk, &braces_idx, trace)
              : walk_bucket(&c, chain_b[i], &best, &best_op, unk, &braces_idx, trace, 0);
    if (rc) goto done;
    (void)prev_op;
    (void)prev;
  }
  ((sbp_request *)(uintptr_t)req)->memo_id = d->id;

  /* the policy for filters that need a missing attribute: the answer follows it, the flag
   * still says that it depended on an attribute the request did not give */
  int policy_flag = 0;
  if (opt->unknown_policy == SBP_UNKNOWN_ASSUME_TRUE) {
    for (int a = 1; a <= 2; a++)
      if (unk[a].idx > best) {
        best = unk[a].idx;
        best_op = NULL;
        policy_flag = 1;
      }
  }
  int action = 0;
  if (best >= 0) {
    out->step = SBP_STEP_FILTERED;
    out->rule_index = best;
    action = d->rules[best].action;
  } else {
    int64_t lu = SBP__NO_RULE;
    for (size_t i = 0; i < req->nchain; i++) {
      if (chain_b[i] == NULL || chain_b[i] == default_b) continue;
      if (chain_b[i]->last_unf_any > lu) {
        lu = chain_b[i]->last_unf_any;
        best_op = chain_b[i]->op;
      }
    }
    if (lu >= 0) {
      out->step = SBP_STEP_UNFILTERED;
      out->rule_index = lu;
      action = d->rules[lu].action;
    } else if (req->chain_terminal) {
      out->step = SBP_STEP_TERMINAL;
      out->flags |= SBP_DECISION_FLAG_TERMINAL;
      /* rules on a wildcard whose name covers the operation (file* for file-link) */
      for (size_t bi = 0; bi < d->nbuckets; bi++) {
        const dz_bucket *b = &d->buckets[bi];
        if (b->op_len < 2 || b->op[b->op_len - 1] != '*') continue;
        if (req->op_len >= b->op_len - 1 && memcmp(req->op, b->op, b->op_len - 1) == 0 &&
            !(req->op_len == b->op_len && memcmp(req->op, b->op, b->op_len) == 0)) {
          int on_chain = 0;
          for (size_t i = 0; i < req->nchain; i++)
            if (chain_b[i] == b) on_chain = 1;
          if (!on_chain) out->flags |= SBP_DECISION_FLAG_WILDCARD_TERMINAL;
        }
      }
      action = req->chain_builtin == SBP_DENY ? SBP_DENY : SBP_ALLOW;
    } else if (default_b != NULL && default_b->last_unf_any >= 0) {
      out->step = SBP_STEP_DEFAULT;
      out->rule_index = default_b->last_unf_any;
      best_op = default_b->op;
      action = d->rules[out->rule_index].action;
    } else {
      out->step = SBP_STEP_NO_DEFAULT;
      action = 0;
    }
  }
  if (out->rule_index >= 0) {
    const dz_rule *r = &d->rules[out->rule_index];
    out->rule = r->node;
    out->op = best_op;
    if (out->op == NULL) { /* decided through the unknown policy: find the op on the chain */
      for (size_t i = 0; i < req->nchain; i++)
        for (const sbp_node *o = r->node->first; o && o->type == SBP_NODE_OPERATION; o = o->next) {
          size_t alen = o->text_len;
          const char *an = sbp__catalog_op_alias_v(d->macos, o->text, o->text_len, &alen);
          if (!out->op && alen == req->chain_len[i] && memcmp(an, req->chain[i], alen) == 0)
            out->op = req->chain[i];
        }
    }
    if (r->braces) out->flags |= SBP_DECISION_FLAG_REGEX_BRACES;
    if (r->longstr) out->flags |= SBP_DECISION_FLAG_LONG_STRING;
    if (r->unknown) out->flags |= SBP_DECISION_FLAG_UNKNOWN_NAME;
    for (size_t i = 0; i < req->nchain && out->op; i++)
      if (req->chain[i] == out->op || (req->chain_len[i] == strlen(out->op) &&
                                       memcmp(req->chain[i], out->op, req->chain_len[i]) == 0)) {
        if (req->chain_weak[i] & 1) out->flags |= SBP_DECISION_FLAG_WEAK_CHAIN;
        if (req->chain_weak[i] & 2) out->flags |= SBP_DECISION_FLAG_INFERRED_PARENT;
        break;
      }
  }
  if (braces_idx >= 0 && braces_idx >= best) out->flags |= SBP_DECISION_FLAG_REGEX_BRACES;

  /* the weak ordering of unfiltered rules: would plain last-wins have answered otherwise? */
  if (action != 0 && (out->step == SBP_STEP_FILTERED || out->step == SBP_STEP_UNFILTERED)) {
    int other = action == SBP_ALLOW ? SBP_DENY : SBP_ALLOW;
    for (size_t i = 0; i < req->nchain; i++) {
      if (chain_b[i] == NULL) continue;
      if (out->step == SBP_STEP_UNFILTERED && chain_b[i] != default_b) continue;
      if (chain_b[i]->last_unf[other] > out->rule_index)
        out->flags |= SBP_DECISION_FLAG_UNFILTERED_ORDER;
    }
  }

  /* three-valued: rules skipped for a missing attribute */
  int64_t floor = out->step == SBP_STEP_FILTERED ? best : SBP__NO_RULE;
  int report = opt->unknown_policy == SBP_UNKNOWN_REPORT;
  out->result = action == 0 ? SBP_DECISION_UNKNOWN : action;
  if (policy_flag) out->flags |= SBP_DECISION_FLAG_MISSING_ATTR;
  {
    int first = action == SBP_ALLOW ? SBP_DENY : SBP_ALLOW; /* the opposite action first */
    if (action == 0) first = unk[SBP_ALLOW].idx > unk[SBP_DENY].idx ? SBP_ALLOW : SBP_DENY;
    int second = first == SBP_ALLOW ? SBP_DENY : SBP_ALLOW;
    int pick = unk[first].idx > floor ? first : unk[second].idx > floor ? second : 0;
    if (pick) {
      out->flags |= SBP_DECISION_FLAG_MISSING_ATTR;
      out->skipped = d->rules[unk[pick].idx].node;
      out->missing = unk[pick].missing;
      if (d->rules[unk[pick].idx].unknown) out->flags |= SBP_DECISION_FLAG_UNKNOWN_NAME;
      if (report && action != 0 && pick != action) out->result = SBP_DECISION_UNKNOWN;
    }
  }

  if (trace) {
    rc = sbp__buf_puts(trace, A, "step 2, unfiltered rules:");
    int any = 0;
    for (size_t i = 0; !rc && i < req->nchain; i++) {
      if (chain_b[i] == NULL || chain_b[i] == default_b || chain_b[i]->last_unf_any < 0) continue;
      any = 1;
      rc = trace_rule(trace, A, "\n    last on ", d->rules[chain_b[i]->last_unf_any].node, NULL);
    }
    if (!rc && !any) rc = sbp__buf_puts(trace, A, " none\n");
    if (!rc) rc = sbp__buf_puts(trace, A, "step 3, fallback: ");
    if (!rc) {
      if (req->chain_terminal)
        rc = sbp__buf_puts(trace, A, req->chain_builtin == SBP_DENY
                                         ? "TERMINAL operation, built-in deny\n"
                                         : "TERMINAL operation, built-in allow\n");
      else if (default_b && default_b->last_unf_any >= 0)
        rc = trace_rule(trace, A, "", d->rules[default_b->last_unf_any].node, NULL);
      else
        rc = sbp__buf_puts(trace, A, "no default rule\n");
    }
  }
done:
  if (heap) sbp__free(A, heap);
  if (rc == SBP_E_NOMEM) return sbp__nomem(err);
  return rc;
}
