/* The decider's compiled form, shared by decider.c (building it) and decide.c (deciding
 * with it): buckets per operation, the hash table of exact, prefix, subpath and regex keys,
 * the regex groups, and the inline look-ups the decision's hot path uses. dz_ names are
 * private to those two files. */
#ifndef SBP_LIB_DECIDER_FORM_H
#define SBP_LIB_DECIDER_FORM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sbprofile/decide.h"
#include "alloc.h"
#include "catalog_types.h"
#include "node.h"
#include "regex.h"
#include "request.h"

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
  uint8_t has[5];                /* per kind (DZ_K_EXACT ... DZ_K_RE): any value */
  uint8_t longv[5];              /* per kind: a value of DZ_LENS bytes or more */
  uint8_t lens[5][DZ_LENS / 8];  /* per kind: a bit per value length below DZ_LENS */
  int64_t max_idx[3];            /* per action: the last rule indexed here */
} dz_slot;

/* Could a value of that kind and length be in the slot? (skips most hash probes) */
static inline int dz_slot_has_len(const dz_slot *s, int kind, size_t len) {
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

enum { DZ_K_EXACT = 1, DZ_K_PREFIX = 2, DZ_K_SUBPATH = 3, DZ_K_RE = 4 };

/* A cell of the key table, 32 bytes: the text is not copied but points at what outlives the
 * decider (a value node's text in the profile, or a regex group's prefix). */
typedef struct dz_key {
  const char *s;
  uint32_t len;
  uint32_t hash;  /* the low half of dz_mix's hash: the table index comes from it */
  uint32_t bucket;
  unsigned attr : 29;
  unsigned kind : 3;
  uint32_t group; /* DZ_K_RE: index into the decider's regex groups */
  uint32_t rule;  /* the last rule with this key; DZ_EMPTY marks an empty cell */
} dz_key;

_Static_assert(sizeof(void *) > 8 || sizeof(dz_key) == 32, "a key cell is 32 bytes");

#define DZ_EMPTY UINT32_MAX
/* Keys are indexed only below these: longer values and more attributes go unindexed. */
#define DZ_KEY_MAX_LEN (UINT32_MAX - 1)
#define DZ_ATTR_MAX ((1u << 29) - 1)

/* Anchored regexes indexed by their literal prefix: one group per (bucket, attr, prefix). */
typedef struct dz_reent {
  uint32_t rule;
  uint8_t braces;        /* the pattern uses {m,n} */
  const sbp__regex *re;  /* lean, owned by the decider's rx */
  uint32_t *cache;       /* this entry's DFA cache for re, made on its first search */
} dz_reent;

typedef struct dz_group {
  dz_reent last; /* the last rule's entry, searched first (e[n - 1] is not used) */
  char *prefix;
  size_t len;
  dz_reent *e; /* ascending rule order */
  size_t n, cap;
} dz_group;

/* A compiled regex, one per distinct pattern text. It is lean (sbp__regex_compile_lean): its
 * DFA cache is allocated on its first search, so memory follows the regexes used, and a
 * failed allocation only means searching by NFA simulation. */
typedef struct dz_rx {
  sbp__regex *re;
  uint32_t *cache; /* NULL until the first search */
  const char *text; /* the pattern (the profile's text) */
  size_t len;
  uint64_t hash;
} dz_rx;

typedef struct dz_re {
  const sbp_node *value;
  uint32_t rx; /* index into the decider's rx */
} dz_re;

/* An import kept unresolved (SBP_READ_KEEP_UNRESOLVED_IMPORTS): its rules, unknown, stand
 * after the first rules_before rules. */
typedef struct dz_import {
  const sbp_node *node;
  int64_t rules_before;
} dz_import;

typedef struct dz_opcell {
  uint64_t hash;
  uint32_t bucket; /* UINT32_MAX: empty */
} dz_opcell;

/* The allocator a decider is built with: it passes everything to `base` and counts the
 * bytes requested (not freed: growth by doubling counts each size) against `limit`. */
typedef struct dz_meter {
  sbp_alloc base;
  size_t used, limit;
  int exceeded;
} dz_meter;

/* Default construction memory: a base plus this much per byte the profile holds. */
#define SBP__DECIDER_MEMORY_BASE ((size_t)64 << 20)
#define SBP__DECIDER_MEMORY_PER_BYTE ((size_t)16)

struct sbp_decider {
  sbp_alloc alloc;      /* the profile's; while sbp_decider_new runs, one through meter */
  dz_meter meter;
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
  dz_rx *rx;            /* the compiled regexes */
  size_t nrx, crx;
  uint32_t *rxt;        /* open addressing on pattern text: rx index + 1, 0 = empty */
  size_t rxt_cap;
  dz_group *groups;     /* anchored regexes by literal prefix */
  size_t ngroups, cgroups;
  const char **extra;   /* interned attribute names beyond sbp_attr */
  size_t nextra, cextra;
  size_t max_depth;     /* deepest filter nesting */
  dz_import *imports;   /* unresolved imports, in profile order */
  size_t nimports;
  uint64_t id;          /* unique per decider made in this process: keys requests' memos */
  /* While building: the last filter name looked up in the catalog and its answer (rules
   * repeat a few names; a binary search per filter was a sixth of the build). */
  const char *memo_name;
  size_t memo_len;
  const sbp__filter_info *memo_info;
  /* While building: the bucket, attribute and kind of the last key made, to guess where the
   * next rule's key goes (decider.c, prefetch_next). */
  uint32_t guess_bucket, guess_attr;
  uint8_t guess_kind, guess_ok;
};


/* The base filter names of the sbp_attr values. */
extern const char *const sbp__dz_attr_names[SBP__ATTR_KNOWN_COUNT];

/* ---- hashing ---------------------------------------------------------------------------- */

#define DZ_FNV_OFF 1469598103934665603ull
#define DZ_FNV_PRIME 1099511628211ull

static inline uint64_t dz_fnv_step(uint64_t h, unsigned char c) { return (h ^ c) * DZ_FNV_PRIME; }
static inline uint64_t dz_fnv(const char *s, size_t len) {
  uint64_t h = DZ_FNV_OFF;
  for (size_t i = 0; i < len; i++) h = dz_fnv_step(h, (unsigned char)s[i]);
  return h;
}
/* Keys (literal, prefix, subpath and name values, regex prefixes) are hashed a word of 8
 * bytes at a time. A walk over the prefixes of a string in ascending length gets the hash of
 * each from a running state over its whole words (dz_prefix_hash), equal to dz_hash of that
 * prefix alone, so a path's subpaths cost a few steps each rather than one per byte. */
#define DZ_HASH_SEED 0x243f6a8885a308d3ull
#define DZ_HASH_MUL 0x9e3779b97f4a7c15ull

static inline int dz_little_endian(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first; /* a constant to the compiler */
}

static inline uint64_t dz_load(const char *p) {
  uint64_t w;
  memcpy(&w, p, sizeof w);
  return w;
}

static inline uint64_t dz_step(uint64_t h, uint64_t w) {
  h = (h ^ w) * DZ_HASH_MUL;
  return h ^ (h >> 32);
}

/* s[from..from+r), 0 < r < 8, as memcpy would put it into a zero word; s holds avail bytes,
 * read only within them. */
static inline uint64_t dz_part(const char *s, size_t from, size_t r, size_t avail) {
  uint64_t w = 0;
  if (avail < 8) {
    memcpy(&w, s + from, r);
    return w;
  }
  size_t at = from + 8 <= avail ? from : avail - 8; /* 8 bytes that hold the part */
  unsigned skip = (unsigned)(from - at) * 8, keep = (unsigned)r * 8;
  w = dz_load(s + at);
  if (dz_little_endian()) return (w >> skip) & (((uint64_t)1 << keep) - 1);
  return (w << skip) & ~(~(uint64_t)0 >> keep);
}

/* The hash of s[0..k), s holding avail >= k bytes. *state is the hash of the whole words of
 * s[0..*done) (*done a multiple of 8, at most k; DZ_HASH_SEED and 0 to start) and advances. */
static inline uint64_t dz_prefix_hash(const char *s, size_t avail, size_t k, uint64_t *state,
                                      size_t *done) {
  while (k - *done >= 8) {
    *state = dz_step(*state, dz_load(s + *done));
    *done += 8;
  }
  uint64_t h = *state;
  if (k > *done) h = dz_step(h, dz_part(s, *done, k - *done, avail));
  return h ^ (uint64_t)k;
}

static inline uint64_t dz_hash(const char *s, size_t len) {
  uint64_t state = DZ_HASH_SEED;
  size_t done = 0;
  return dz_prefix_hash(s, len, len, &state, &done);
}

static inline uint64_t dz_mix(uint64_t h, uint32_t bucket, uint32_t attr, uint8_t kind) {
  h ^= ((uint64_t)bucket << 20) ^ ((uint64_t)attr << 8) ^ kind;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

static inline int64_t dz_find_bucket(const sbp_decider *d, const char *op, size_t len) {
  if (d->ops_cap == 0) return -1;
  uint64_t h = dz_fnv(op, len);
  size_t j = (size_t)h & (d->ops_cap - 1);
  while (d->ops[j].bucket != UINT32_MAX) {
    const dz_bucket *b = &d->buckets[d->ops[j].bucket];
    if (d->ops[j].hash == h && b->op_len == len && memcmp(b->op, op, len) == 0)
      return d->ops[j].bucket;
    j = (j + 1) & (d->ops_cap - 1);
  }
  return -1;
}

static inline const dz_key *dz_find_cell(const sbp_decider *d, uint64_t strhash, uint32_t bucket,
                              uint32_t attr, uint8_t kind, const char *s, size_t len) {
  uint64_t h = dz_mix(strhash, bucket, attr, kind);
  if (d->bloom != NULL) {
    uint64_t bit = (h >> 24) & d->bloom_mask;
    if (!((d->bloom[bit >> 6] >> (bit & 63)) & 1u)) return NULL;
  }
  uint32_t h32 = (uint32_t)h;
  size_t j = (size_t)h32 & (d->keys_cap - 1);
  while (d->keys[j].rule != DZ_EMPTY) {
    const dz_key *k = &d->keys[j];
    if (k->hash == h32 && k->len == len && k->bucket == bucket && k->attr == attr &&
        k->kind == kind && memcmp(k->s, s, len) == 0)
      return k;
    j = (j + 1) & (d->keys_cap - 1);
  }
  return NULL;
}

static inline int64_t dz_find_key(const sbp_decider *d, uint64_t strhash, uint32_t bucket, uint32_t attr,
                        uint8_t kind, const char *s, size_t len) {
  const dz_key *k = dz_find_cell(d, strhash, bucket, attr, kind, s, len);
  return k ? (int64_t)k->rule : -1;
}

static inline dz_rx *dz_find_rx(const sbp_decider *d, const sbp_node *value) {
  if (d->res_cap == 0) return NULL;
  size_t j = ((uintptr_t)value >> 4) & (d->res_cap - 1);
  while (d->res[j].value != NULL) {
    if (d->res[j].value == value) return &d->rx[d->res[j].rx];
    j = (j + 1) & (d->res_cap - 1);
  }
  return NULL;
}

static inline const sbp__regex *dz_find_re(const sbp_decider *d, const sbp_node *value) {
  const dz_rx *x = dz_find_rx(d, value);
  return x ? x->re : NULL;
}

/* Searches with the regex's own DFA cache, made on first use (a decider is used by one
 * thread at a time). Without memory for it, the NFA simulation gives the same answer. */
static inline int dz_rx_search(const sbp_decider *d, dz_rx *x, const char *s, size_t len) {
  if (x->cache == NULL)
    x->cache = sbp__calloc(&d->alloc, 1, sbp__regex_scratch_size(x->re));
  return sbp__regex_search_cache(x->re, x->cache, s, len);
}

/* The same for a group entry, which keeps a cache of its own next to the regex pointer so
 * that the indexed path reaches both with one look-up. */
static inline int dz_ent_search(const sbp_decider *d, dz_reent *e, const char *s, size_t len) {
  if (e->cache == NULL)
    e->cache = sbp__calloc(&d->alloc, 1, sbp__regex_scratch_size(e->re));
  return sbp__regex_search_cache(e->re, e->cache, s, len);
}

#endif
