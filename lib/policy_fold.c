/* Compiling policies: folding path filters (policy_fold.h). */
#include "policy_fold.h"

#include <string.h>

#include "glob.h"

/* A profile string longer than this may not load (docs/sbpl-reference.md, string length);
 * folded regexes stay within it. */
#define FOLD_STRING_MAX 255

/* Fewer literal paths than this are not worth a regex. */
#define FOLD_MIN 4

/* Folds the specs s[idx[0..m)] (same type, literal or subpath, same parent, whose length is
 * plen) into alternation regexes of at most FOLD_STRING_MAX bytes; names that do not fit stay
 * as they are. */
static int emit_folded(sbp__emitter *em, const sbp__spec *s, const uint32_t *idx, size_t m,
                       size_t plen) {
  sbp__compiler *c = em->c;
  const sbp__spec *first = &s[idx[0]];
  const char *tail = first->type == F_LITERAL ? ")$" : ")(/.*)?$";
  sbp_buf head = SBP_BUF_INIT, re = SBP_BUF_INIT;
  int rc = sbp__buf_putc(&head, c->a, '^');
  if (rc == SBP_OK) rc = sbp__regex_escape(&head, c->a, first->text, plen);
  if (rc == SBP_OK) rc = sbp__buf_puts(&head, c->a, "/(");
  size_t i = 0;
  while (i < m && rc == SBP_OK) {
    sbp__buf_truncate(&re, 0);
    rc = sbp__buf_put(&re, c->a, head.ptr, head.len);
    size_t names = 0, start = i;
    while (i < m && rc == SBP_OK) {
      const sbp__spec *x = &s[idx[i]];
      const char *name = x->text + plen + 1;
      size_t nl = x->len - plen - 1;
      size_t mark = re.len;
      if (names > 0) rc = sbp__buf_putc(&re, c->a, '|');
      if (rc == SBP_OK) rc = sbp__regex_escape(&re, c->a, name, nl);
      if (rc != SBP_OK) break;
      if (sbp__emit_text_cost(re.ptr, re.len) - 4 + strlen(tail) > FOLD_STRING_MAX) {
        sbp__buf_truncate(&re, mark);
        if (names == 0) {
          /* Too long to fold at all. */
          rc = sbp__emit_spec(em, x);
          i++;
          start = i;
          continue;
        }
        break;
      }
      names++;
      i++;
    }
    if (rc != SBP_OK) break;
    if (names == 1) {
      rc = sbp__emit_spec(em, &s[idx[start]]);
    } else if (names > 1) {
      rc = sbp__buf_puts(&re, c->a, tail);
      if (rc == SBP_OK) rc = sbp__emit_room(em, sbp__emit_text_cost(re.ptr, re.len) + 10);
      if (rc == SBP_OK) rc = sbp__emit_path_filter(c, em->rule, F_REGEX, re.ptr, re.len);
    }
  }
  sbp_buf_dispose(&head);
  sbp_buf_dispose(&re);
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
}

/* The tables of emit_paths hold 64-bit slots: 32 bits of the key's hash above the value
 * (index + 1; 0 is empty), so that a probe looks at a spec only when the hash agrees. */
#define SLOT(h, v) (((uint64_t)(h) << 32) | (uint64_t)(v))

#define SLOT_HASH(x) ((uint32_t)((x) >> 32))

#define SLOT_VALUE(x) ((uint32_t)(x))

/* The slot of path x (hash h) in `paths` (spec index + 1): the slot holding a spec of the
 * same type and text, or the empty one where x goes. */
static size_t find_path(const sbp__spec *s, const uint64_t *paths, size_t mask,
                        const sbp__spec *x, uint64_t h) {
  size_t k = (size_t)h & mask;
  for (; paths[k] != 0; k = (k + 1) & mask) {
    if (SLOT_HASH(paths[k]) != (uint32_t)(h >> 32)) continue;
    const sbp__spec *y = &s[SLOT_VALUE(paths[k]) - 1];
    if (y->type == x->type && y->len == x->len && memcmp(y->text, x->text, x->len) == 0) break;
  }
  return k;
}

/* The slot of x's bucket (type and parent folder, of length pl; hash h) in `slots` (bucket
 * + 1), or the empty one where its bucket goes. */
static size_t find_bucket(const sbp__spec *s, const uint64_t *slots, size_t mask,
                          const uint32_t *first, const uint32_t *plen, const sbp__spec *x,
                          size_t pl, uint64_t h) {
  size_t k = (size_t)h & mask;
  for (; slots[k] != 0; k = (k + 1) & mask) {
    if (SLOT_HASH(slots[k]) != (uint32_t)(h >> 32)) continue;
    uint32_t f = first[SLOT_VALUE(slots[k]) - 1];
    if (s[f].type == x->type && plen[f] == pl && memcmp(s[f].text, x->text, pl) == 0) break;
  }
  return k;
}

/* The path filters (literal, subpath) of a group, in time linear in their number: duplicates
 * dropped, bucketed by type and parent folder, each bucket emitted where its first member
 * stands, folded into regexes when it is large enough. Its tables are 32-bit indexes, kept
 * small: for 100,000 paths they are what the pass walks, and they outgrow the cache. */
int sbp__fold_paths(sbp__emitter *em, const sbp__spec *s, size_t n) {
  sbp__compiler *c = em->c;
  if (n == 0) return SBP_OK;
  if (n >= UINT32_MAX / 4) return sbp__compiler_fail(c, SBP_E_NOMEM);
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  /* One block: the bucket table and the table of distinct paths; per spec its parent's
   * length, bucket and next member; per bucket its first and last member and size; the
   * members of the bucket being folded. */
  size_t words = cap * 4 + n * 7;
  uint32_t *mem = sbp__calloc(c->a, words, sizeof(uint32_t));
  if (mem == NULL) return sbp__compiler_fail(c, SBP_E_NOMEM);
  memset(mem, 0, words * sizeof(uint32_t));
  uint64_t *slots = (uint64_t *)(void *)mem, *paths = slots + cap;
  uint32_t *plen = mem + cap * 4, *bucket_of = plen + n, *next = plen + 2 * n;
  uint32_t *first = plen + 3 * n, *last = plen + 4 * n, *count = plen + 5 * n;
  uint32_t *members = plen + 6 * n;
  const uint32_t none = UINT32_MAX;
  size_t mask = cap - 1, nb = 0;
  for (size_t i = 0; i < n; i++) {
    const sbp__spec *x = &s[i];
    /* A path seen before (same type and text) is dropped. */
    uint64_t h = sbp__set_hash(x->text, x->len) + x->type;
    size_t k = find_path(s, paths, mask, x, h);
    if (paths[k] != 0) {
      bucket_of[i] = none;
      continue;
    }
    paths[k] = SLOT(h >> 32, i + 1);
    size_t pl = sbp__spec_parent_len(x);
    plen[i] = (uint32_t)pl;
    h = sbp__set_hash(x->text, pl) + x->type;
    k = find_bucket(s, slots, mask, first, plen, x, pl, h);
    size_t bi;
    if (slots[k] == 0) {
      bi = nb++;
      slots[k] = SLOT(h >> 32, bi + 1);
      first[bi] = (uint32_t)i;
    } else {
      bi = SLOT_VALUE(slots[k]) - 1;
      next[last[bi]] = (uint32_t)i;
    }
    last[bi] = (uint32_t)i;
    next[i] = none;
    count[bi]++;
    bucket_of[i] = (uint32_t)bi;
  }
  int fold = sbp_policy_option_get(c->p, SBP_POLICY_FOLD_LITERALS);
  int rc = SBP_OK;
  /* A bucket is emitted at its first member: count[] marks it done (0). */
  for (size_t i = 0; i < n && rc == SBP_OK; i++) {
    uint32_t bi = bucket_of[i];
    if (bi == none || count[bi] == 0) continue;
    if (fold && count[bi] >= FOLD_MIN) {
      size_t m = 0;
      for (uint32_t j = first[bi]; j != none; j = next[j]) members[m++] = j;
      rc = emit_folded(em, s, members, m, plen[first[bi]]);
    } else {
      for (uint32_t j = first[bi]; j != none && rc == SBP_OK; j = next[j])
        rc = sbp__emit_spec(em, &s[j]);
    }
    count[bi] = 0;
  }
  sbp__free(c->a, mem);
  return rc == SBP_OK ? SBP_OK : sbp__compiler_fail(c, rc);
}
