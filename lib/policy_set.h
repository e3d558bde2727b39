/* Compiling policies: hash sets of paths, plain (sbp__strset) and tagged as write roots and
 * their ancestors (sbp__rootset). Keys are borrowed. */
#ifndef SBP_LIB_POLICY_SET_H
#define SBP_LIB_POLICY_SET_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

/* A set of byte strings (keys are borrowed). A slot holds the key and its length side by
 * side: one cache line per probe. */
typedef struct sbp__strslot {
  const char *key;
  size_t len;
} sbp__strslot;

typedef struct sbp__strset {
  sbp__strslot *slots;
  size_t cap, count;
} sbp__strset;

/* The write roots and their proper ancestors, tagged (SBP__ROOT, SBP__ANCESTOR or both). A slot
 * keeps 30 bits of the key's hash beside the tag, so that a probe reads the key only when it
 * likely matches and growing the table reads no key. */
enum { SBP__ROOT = 1, SBP__ANCESTOR = 2 };

typedef struct sbp__rootslot {
  const char *key;
  uint32_t len;
  uint32_t meta; /* hash bits (upper 30) | tag (lower 2) */
} sbp__rootslot;

typedef struct sbp__rootset {
  sbp__rootslot *slots;
  size_t cap, count;
} sbp__rootset;

/* A hash of s[0..n): 8 bytes a step, mixed fully before a table masks it. */
uint64_t sbp__set_hash(const char *s, size_t n);

/* Is k[0..n) in s? */
int sbp__strset_has(const sbp__strset *s, const char *k, size_t n);

/* Adds k (borrowed). */
int sbp__strset_add(const sbp_alloc *a, sbp__strset *s, const char *k, size_t n);

/* Frees the table (not the keys). */
void sbp__strset_free(const sbp_alloc *a, sbp__strset *s);

/* The tag of path k[0..n), 0 when it is neither a root nor an ancestor of one. */
uint32_t sbp__rootset_tag(const sbp__rootset *s, const char *k, size_t n);

/* Makes room for `more` paths beyond those held, rehashing at most once. */
int sbp__rootset_reserve(const sbp_alloc *a, sbp__rootset *s, size_t more);

/* Adds tag to path k[0..n) (borrowed); *had (may be NULL) receives the tags it had. */
int sbp__rootset_add(const sbp_alloc *a, sbp__rootset *s, const char *k, size_t n, uint32_t tag,
                     uint32_t *had);

/* Is p (absolute, normalized) equal to or beneath a member of subtrees? */
int sbp__strset_under(const sbp__strset *subtrees, const char *p, size_t n);

#endif
