/* Memory: the one entry point every allocation goes through, and the arena that holds a
 * profile's nodes and strings. */
#ifndef SBP_LIB_ALLOC_H
#define SBP_LIB_ALLOC_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "sbprofile/common.h"

/* True when the allocator has all three functions. */
int sbp__alloc_valid(const sbp_alloc *a);

/* The single allocation entry point (fault-injection tests count these calls). */
void *sbp__malloc(const sbp_alloc *a, size_t n);
void *sbp__realloc(const sbp_alloc *a, void *p, size_t n);
void sbp__free(const sbp_alloc *a, void *p);
/* n * size, or NULL (no call to the allocator) when it overflows. */
void *sbp__calloc(const sbp_alloc *a, size_t n, size_t size);
/* Makes room for `need` elements of `elem` bytes in the array *p of capacity *cap (doubling,
 * from 8); SBP_OK or SBP_E_NOMEM, the array unchanged on failure. */
int sbp__array_grow(const sbp_alloc *a, void **p, size_t *cap, size_t need, size_t elem);

/* A bump allocator of chunks taken from an sbp_alloc. Everything in it is freed at once. */
typedef struct sbp__arena_chunk sbp__arena_chunk;
#define SBP__ARENA_ALIGN (alignof(max_align_t))
struct sbp__arena_chunk {
  sbp__arena_chunk *next;
  size_t used;
  size_t cap;
  size_t serial;
  alignas(max_align_t) unsigned char data[];
};
typedef struct sbp__arena {
  const sbp_alloc *alloc;
  sbp__arena_chunk *head;
  size_t bytes; /* total bytes taken from the allocator */
  size_t serial; /* chunks made so far (each chunk keeps its number) */
} sbp__arena;

/* A point to roll an arena back to (sbp__arena_mark, sbp__arena_rollback). */
typedef struct sbp__arena_mark {
  sbp__arena_chunk *head;
  size_t used, serial;
} sbp__arena_mark;

void sbp__arena_init(sbp__arena *arena, const sbp_alloc *alloc);
/* n bytes aligned to align (a power of two, at most SBP__ARENA_ALIGN), or NULL when the
 * allocator fails. */
void *sbp__arena_alloc_slow(sbp__arena *arena, size_t n, size_t align);
/* n bytes aligned to align from the current chunk, or NULL when it has no room (nothing is
 * taken from the allocator). */
static inline void *sbp__arena_alloc_in_place_aligned(sbp__arena *arena, size_t n,
                                                      size_t align) {
  sbp__arena_chunk *c = arena->head;
  if (c != NULL && n - 1 < SIZE_MAX / 4) {
    size_t at = (c->used + align - 1) & ~(align - 1);
    size_t r = (n + align - 1) & ~(align - 1);
    if (at <= c->cap && c->cap - at >= r) {
      void *p = c->data + at;
      c->used = at + r;
      return p;
    }
  }
  return NULL;
}
static inline void *sbp__arena_alloc_in_place(sbp__arena *arena, size_t n) {
  return sbp__arena_alloc_in_place_aligned(arena, n, SBP__ARENA_ALIGN);
}
/* The common case (room in the current chunk) inline; the rest in sbp__arena_alloc_slow.
 * Aligned for any object. */
static inline void *sbp__arena_alloc(sbp__arena *arena, size_t n) {
  void *p = sbp__arena_alloc_in_place(arena, n);
  return p != NULL ? p : sbp__arena_alloc_slow(arena, n, SBP__ARENA_ALIGN);
}
/* The same aligned to `align` only: a node, made of pointers and integers, needs 8 where
 * max_align_t would round 88 bytes up to 96. */
static inline void *sbp__arena_alloc_aligned(sbp__arena *arena, size_t n, size_t align) {
  void *p = sbp__arena_alloc_in_place_aligned(arena, n, align);
  return p != NULL ? p : sbp__arena_alloc_slow(arena, n, align);
}
/* A NUL-terminated copy of s[0..len), or NULL when the allocator fails. */
char *sbp__arena_strndup(sbp__arena *arena, const char *s, size_t len);
void sbp__arena_release(sbp__arena *arena);
/* Records the arena's current end in *mark. */
void sbp__arena_mark_set(const sbp__arena *arena, sbp__arena_mark *mark);
/* Frees everything allocated since `mark` was set (chunks made since are given back to the
 * allocator); what was allocated before stays valid. */
void sbp__arena_rollback(sbp__arena *arena, const sbp__arena_mark *mark);

/* Test hook: from this call on, arenas take new chunks of `bytes` (0 restores the default,
 * 64 KiB). With chunks no bigger than one allocation, every arena allocation reaches the
 * allocator, so that fault-injection tests can fail each one and not only the chunk
 * boundaries. Process-wide and not thread-safe: for tests only. */
void sbp__arena_test_chunk_size(size_t bytes);

#endif
