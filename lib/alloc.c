#include "alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(void *ud, size_t n) {
  (void)ud;
  return malloc(n);
}
static void *libc_realloc(void *ud, void *p, size_t n) {
  (void)ud;
  return realloc(p, n);
}
static void libc_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static const sbp_alloc default_alloc = {libc_malloc, libc_realloc, libc_free, NULL};

const sbp_alloc *sbp_alloc_default(void) { return &default_alloc; }

int sbp__alloc_valid(const sbp_alloc *a) {
  return a != NULL && a->malloc != NULL && a->realloc != NULL && a->free != NULL;
}

void *sbp__malloc(const sbp_alloc *a, size_t n) {
  /* Zero-byte requests are made one byte so that NULL always means failure. */
  return a->malloc(a->ud, n ? n : 1);
}

void *sbp__realloc(const sbp_alloc *a, void *p, size_t n) {
  return a->realloc(a->ud, p, n ? n : 1);
}

void sbp__free(const sbp_alloc *a, void *p) {
  if (p != NULL) a->free(a->ud, p);
}

void *sbp__calloc(const sbp_alloc *a, size_t n, size_t size) {
  if (size != 0 && n > SIZE_MAX / size) return NULL;
  void *p = sbp__malloc(a, n * size);
  if (p != NULL) memset(p, 0, n * size);
  return p;
}

int sbp__array_grow(const sbp_alloc *a, void **p, size_t *cap, size_t need, size_t elem) {
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

/* ---- arena ------------------------------------------------------------------------- */

#define ARENA_ALIGN SBP__ARENA_ALIGN
#define ARENA_CHUNK 65536u

static size_t chunk_size = ARENA_CHUNK;

void sbp__arena_test_chunk_size(size_t bytes) { chunk_size = bytes ? bytes : ARENA_CHUNK; }

void sbp__arena_init(sbp__arena *arena, const sbp_alloc *alloc) {
  arena->alloc = alloc;
  arena->head = NULL;
  arena->bytes = 0;
  arena->serial = 0;
}

void *sbp__arena_alloc_slow(sbp__arena *arena, size_t n, size_t align) {
  if (n > SIZE_MAX / 2) return NULL;
  void *in_place = sbp__arena_alloc_in_place_aligned(arena, n ? n : 1, align);
  if (in_place != NULL) return in_place;
  n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1); /* a new chunk starts aligned for anything */
  if (n == 0) n = ARENA_ALIGN;
  sbp__arena_chunk *c = arena->head;
  /* A big request gets a chunk of its own, placed behind the current one so that the
   * current chunk's free space stays in use. */
  size_t chunk = chunk_size;
  size_t cap = n > chunk / 4 ? n : chunk;
  sbp__arena_chunk *nc = sbp__malloc(arena->alloc, sizeof(*nc) + cap);
  if (nc == NULL) return NULL;
  nc->cap = cap;
  nc->used = n;
  nc->serial = ++arena->serial;
  arena->bytes += sizeof(*nc) + cap;
  if (c != NULL && cap != chunk) {
    nc->next = c->next;
    c->next = nc;
  } else {
    nc->next = c;
    arena->head = nc;
  }
  return nc->data;
}

char *sbp__arena_strndup(sbp__arena *arena, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = sbp__arena_alloc_aligned(arena, len + 1, 1); /* text needs no alignment */
  if (p == NULL) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void sbp__arena_release(sbp__arena *arena) {
  sbp__arena_chunk *c = arena->head;
  while (c != NULL) {
    sbp__arena_chunk *next = c->next;
    sbp__free(arena->alloc, c);
    c = next;
  }
  arena->head = NULL;
  arena->bytes = 0;
}

void sbp__arena_mark_set(const sbp__arena *arena, sbp__arena_mark *mark) {
  mark->head = arena->head;
  mark->used = arena->head ? arena->head->used : 0;
  mark->serial = arena->serial;
}

static void drop_chunk(sbp__arena *arena, sbp__arena_chunk *c) {
  arena->bytes -= sizeof(*c) + c->cap;
  sbp__free(arena->alloc, c);
}

void sbp__arena_rollback(sbp__arena *arena, const sbp__arena_mark *mark) {
  /* Chunks made since the mark stand before the marked chunk, except big ones placed
   * right behind it while it was the head. */
  sbp__arena_chunk *c = arena->head;
  while (c != mark->head) {
    sbp__arena_chunk *next = c->next;
    drop_chunk(arena, c);
    c = next;
  }
  arena->head = c;
  if (c != NULL) {
    c->used = mark->used;
    while (c->next != NULL && c->next->serial > mark->serial) {
      sbp__arena_chunk *late = c->next;
      c->next = late->next;
      drop_chunk(arena, late);
    }
  }
}
