/* Compiling policies: hash sets of paths (policy_set.h). */
#include "policy_set.h"

#include <string.h>

#include "alloc.h"

/* A hash of 8 bytes a step, mixed fully before the table masks it. */
static uint64_t hash_final(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

uint64_t sbp__set_hash(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  memcpy(&w, s + i, n - i);
  return hash_final((h ^ w) * 0x100000001b3ull);
}

static int strset_find_hashed(const sbp__strset *s, const char *k, size_t n, uint64_t hash,
                              size_t *slot) {
  if (s->cap == 0) return 0;
  size_t i = (size_t)hash & (s->cap - 1);
  while (s->slots[i].key != NULL) {
    if (s->slots[i].len == n && memcmp(s->slots[i].key, k, n) == 0) {
      *slot = i;
      return 1;
    }
    i = (i + 1) & (s->cap - 1);
  }
  *slot = i;
  return 0;
}

static int strset_find(const sbp__strset *s, const char *k, size_t n, size_t *slot) {
  return strset_find_hashed(s, k, n, sbp__set_hash(k, n), slot);
}

int sbp__strset_has(const sbp__strset *s, const char *k, size_t n) {
  size_t slot = 0;
  return strset_find(s, k, n, &slot);
}

/* Makes room for `more` keys beyond those held, rehashing at most once. */
static int strset_reserve(const sbp_alloc *a, sbp__strset *s, size_t more) {
  if ((s->count + more) * 2 <= s->cap) return SBP_OK;
  size_t nc = s->cap ? s->cap : 64;
  while ((s->count + more) * 2 > nc) nc *= 2;
  sbp__strslot *ns = sbp__calloc(a, nc, sizeof(*ns));
  if (ns == NULL) return SBP_E_NOMEM;
  memset(ns, 0, nc * sizeof(*ns));
  sbp__strset old = *s;
  s->slots = ns;
  s->cap = nc;
  s->count = 0;
  for (size_t i = 0; i < old.cap; i++)
    if (old.slots[i].key != NULL) {
      size_t slot = 0;
      strset_find(s, old.slots[i].key, old.slots[i].len, &slot);
      s->slots[slot] = old.slots[i];
      s->count++;
    }
  sbp__free(a, old.slots);
  return SBP_OK;
}

/* Adds k (borrowed); *added (may be NULL) says whether it was new. */
static int strset_insert(const sbp_alloc *a, sbp__strset *s, const char *k, size_t n,
                         int *added) {
  if (added != NULL) *added = 0;
  if (strset_reserve(a, s, 1) != SBP_OK) return SBP_E_NOMEM;
  size_t slot = 0;
  if (strset_find(s, k, n, &slot)) return SBP_OK;
  s->slots[slot].key = k;
  s->slots[slot].len = n;
  s->count++;
  if (added != NULL) *added = 1;
  return SBP_OK;
}

int sbp__strset_add(const sbp_alloc *a, sbp__strset *s, const char *k, size_t n) {
  return strset_insert(a, s, k, n, NULL);
}

void sbp__strset_free(const sbp_alloc *a, sbp__strset *s) {
  sbp__free(a, s->slots);
  memset(s, 0, sizeof(*s));
}

static uint32_t root_hash(const char *k, size_t n) {
  return (uint32_t)(sbp__set_hash(k, n) >> 32) & ~3u;
}

static size_t root_slot(const sbp__rootset *s, const char *k, size_t n, uint32_t h) {
  size_t mask = s->cap - 1, i = (h >> 2) & mask;
  for (; s->slots[i].key != NULL; i = (i + 1) & mask) {
    const sbp__rootslot *r = &s->slots[i];
    if ((r->meta & ~3u) == h && r->len == n && memcmp(r->key, k, n) == 0) break;
  }
  return i;
}

/* The tag of path k[0..n), 0 when it is neither a root nor an ancestor of one. */
uint32_t sbp__rootset_tag(const sbp__rootset *s, const char *k, size_t n) {
  if (s->count == 0) return 0;
  const sbp__rootslot *r = &s->slots[root_slot(s, k, n, root_hash(k, n))];
  return r->key != NULL ? r->meta & 3u : 0;
}

/* Makes room for `more` paths beyond those held, rehashing at most once. */
int sbp__rootset_reserve(const sbp_alloc *a, sbp__rootset *s, size_t more) {
  if ((s->count + more) * 2 <= s->cap) return SBP_OK;
  size_t nc = s->cap ? s->cap : 64;
  while ((s->count + more) * 2 > nc) nc *= 2;
  sbp__rootslot *ns = sbp__calloc(a, nc, sizeof(*ns));
  if (ns == NULL) return SBP_E_NOMEM;
  memset(ns, 0, nc * sizeof(*ns));
  for (size_t i = 0; i < s->cap; i++) {
    if (s->slots[i].key == NULL) continue;
    size_t j = (s->slots[i].meta >> 2) & (nc - 1);
    while (ns[j].key != NULL) j = (j + 1) & (nc - 1);
    ns[j] = s->slots[i];
  }
  sbp__free(a, s->slots);
  s->slots = ns;
  s->cap = nc;
  return SBP_OK;
}

/* Adds tag to path k[0..n) (borrowed); *had (may be NULL) receives the tags it had. */
int sbp__rootset_add(const sbp_alloc *a, sbp__rootset *s, const char *k, size_t n, uint32_t tag,
                     uint32_t *had) {
  if (sbp__rootset_reserve(a, s, 1) != SBP_OK) return SBP_E_NOMEM;
  uint32_t h = root_hash(k, n);
  sbp__rootslot *r = &s->slots[root_slot(s, k, n, h)];
  if (had != NULL) *had = r->key != NULL ? r->meta & 3u : 0;
  if (r->key == NULL) {
    r->key = k;
    r->len = (uint32_t)n;
    r->meta = h;
    s->count++;
  }
  r->meta |= tag;
  return SBP_OK;
}

/* Is p (absolute, normalized) equal to or beneath a member of subtrees? */
int sbp__strset_under(const sbp__strset *subtrees, const char *p, size_t n) {
  if (subtrees->count == 0) return 0;
  if (sbp__strset_has(subtrees, "/", 1)) return 1;
  for (size_t k = 1; k <= n; k++)
    if ((k == n || p[k] == '/') && sbp__strset_has(subtrees, p, k)) return 1;
  return 0;
}
