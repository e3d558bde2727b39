/* Compiling a policy into a profile.
 *
 * Rules are collected into groups, one per (section, action, operations); each group becomes
 * one rule (or several, when its text would pass the 65,535-byte limit). Sections are emitted
 * in an order chosen so that, under docs/semantics.md (later filtered rules win, unfiltered
 * rules rank below filtered ones), the more specific statement of the policy wins:
 *
 *   BASE        grants of base sets, options, processes, mach services, network
 *   READ_BROAD  (allow file-read*), or the read-allow list outside every denied tree
 *   READ_DENY   the read-deny list
 *   READ_CARVE  read-allow entries inside denied trees
 *   READ_REDENY read-deny entries inside those carve-outs (and glob denies minus carve-outs)
 *   READ_META   stat of directories; the root directory when a deny covers it
 *   WRITE_BROAD (allow file-write*), or the write-allow list
 *   WRITE_DENY  the write-deny list, the mandatory protections, the settings file
 *   MOVE        (deny file-write-unlink ...): denied paths and their writable ancestors
 *
 * Denies come after the allows they are carved out of, so "deny wins" holds whether or not a
 * rule for an exact operation outranks a later wildcard one (the contested fact of the
 * weak-facts table): MOVE denies file-write-unlink after every file-write* allow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "glob.h"
#include "policy.h"
#include "policy_base.h"
#include "policy_path.h"
#include "policy_srt.h"
#include "sbprofile/build.h"
#include "sbprofile/read.h"
#include "sbprofile/regex.h"
#include "sbprofile/serialize.h"

enum section {
  S_BASE,
  S_READ_BROAD,
  S_READ_DENY,
  S_READ_CARVE,
  S_READ_REDENY,
  S_READ_META,
  S_WRITE_BROAD,
  S_WRITE_DENY,
  S_MOVE,
  S_COUNT
};

/* A profile string longer than this may not load (docs/sbpl-reference.md, string length);
 * folded regexes stay within it. */
#define FOLD_STRING_MAX 255
/* Fewer literal paths than this are not worth a regex. */
#define FOLD_MIN 4
/* Budget of one rule's text, under SBP_RULE_TEXT_MAX with room for operations and comment. */
#define RULE_BUDGET (SBP_RULE_TEXT_MAX - 4096u)

enum spec_type { F_LITERAL, F_SUBPATH, F_REGEX, F_NAME, F_CONST, F_NET, F_NODE, F_CARVE, F_UNIX };

/* One filter of a group: 32 bytes, as a group may hold one per policy entry. */
typedef struct spec {
  uint8_t type;
  uint8_t side; /* F_NET, F_UNIX: 1 local, 2 remote */
  uint8_t sub;  /* F_CARVE, F_UNIX: the path filter's type (literal, subpath, regex) */
  union {
    int32_t port;   /* F_NET */
    uint32_t nnots; /* F_CARVE: number of carve-outs */
  } n;
  const char *text; /* path, regex, name, constant, host */
  size_t len;
  union {
    const char *filter;      /* F_NAME, F_CONST: the filter's name */
    const sbp_node *node;    /* F_NODE */
    const struct spec *nots; /* F_CARVE: carve-outs (literal, subpath or regex specs) */
  } u;
} spec;

typedef struct group {
  int section;
  sbp_action action;
  const char *ops;
  int unfiltered;
  spec *specs;
  size_t nspecs, cap;
  sbp_buf label;
  const char *range_kind; /* the open range of indexed labels */
  long range_lo, range_hi;
} group;

/* A set of byte strings (keys are borrowed). A slot holds the key and its length side by
 * side: one cache line per probe. */
typedef struct strslot {
  const char *key;
  size_t len;
} strslot;

typedef struct strset {
  strslot *slots;
  size_t cap, count;
} strset;

/* The write roots and their proper ancestors, tagged (ROOT, ANCESTOR or both). A slot keeps
 * 30 bits of the key's hash beside the tag, so that a probe reads the key only when it
 * likely matches and growing the table reads no key. */
enum { ROOT = 1, ANCESTOR = 2 };

typedef struct rootslot {
  const char *key;
  uint32_t len;
  uint32_t meta; /* hash bits (upper 30) | tag (lower 2) */
} rootslot;

typedef struct rootset {
  rootslot *slots;
  size_t cap, count;
} rootset;

typedef struct compiler {
  sbp_policy *p;
  const sbp_alloc *a;
  sbp__arena arena; /* scratch for this compilation */
  sbp_profile *prof;
  group **groups; /* each allocated alone, so that pointers to them stay valid */
  size_t ngroups, gcap;
  sbp_error *err;
  int rc;
  int comments, spellings;
  /* Write roots: write-allow paths (and glob bases), for "is this writable"; sorted only
   * when a deny needs the roots beneath it. */
  rootset roots;
  int slash_root; /* "/" is a write root */
  const char **sorted_roots;
  size_t nsorted;
  /* The list of each entry, in entry order: the passes that want one list scan these bytes
   * and touch only its entries, which matters once the entries outgrow the cache. */
  uint8_t *lists;
} compiler;

/* ---- string sets ---------------------------------------------------------------------- */

/* A hash of 8 bytes a step, mixed fully before the table masks it. */
static uint64_t hash_final(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

static uint64_t hash_bytes(const char *s, size_t n) {
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

static int strset_find_hashed(const strset *s, const char *k, size_t n, uint64_t hash,
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

static int strset_find(const strset *s, const char *k, size_t n, size_t *slot) {
  return strset_find_hashed(s, k, n, hash_bytes(k, n), slot);
}

static int strset_has(const strset *s, const char *k, size_t n) {
  size_t slot = 0;
  return strset_find(s, k, n, &slot);
}

/* Makes room for `more` keys beyond those held, rehashing at most once. */
static int strset_reserve(compiler *c, strset *s, size_t more) {
  if ((s->count + more) * 2 <= s->cap) return SBP_OK;
  size_t nc = s->cap ? s->cap : 64;
  while ((s->count + more) * 2 > nc) nc *= 2;
  strslot *ns = sbp__calloc(c->a, nc, sizeof(*ns));
  if (ns == NULL) return SBP_E_NOMEM;
  memset(ns, 0, nc * sizeof(*ns));
  strset old = *s;
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
  sbp__free(c->a, old.slots);
  return SBP_OK;
}

/* Adds k (borrowed); *added (may be NULL) says whether it was new. */
static int strset_insert(compiler *c, strset *s, const char *k, size_t n, int *added) {
  if (added != NULL) *added = 0;
  if (strset_reserve(c, s, 1) != SBP_OK) return SBP_E_NOMEM;
  size_t slot = 0;
  if (strset_find(s, k, n, &slot)) return SBP_OK;
  s->slots[slot].key = k;
  s->slots[slot].len = n;
  s->count++;
  if (added != NULL) *added = 1;
  return SBP_OK;
}

static int strset_add(compiler *c, strset *s, const char *k, size_t n) {
  return strset_insert(c, s, k, n, NULL);
}

static void strset_free(compiler *c, strset *s) {
  sbp__free(c->a, s->slots);
  memset(s, 0, sizeof(*s));
}

static uint32_t root_hash(const char *k, size_t n) {
  return (uint32_t)(hash_bytes(k, n) >> 32) & ~3u;
}

static size_t root_slot(const rootset *s, const char *k, size_t n, uint32_t h) {
  size_t mask = s->cap - 1, i = (h >> 2) & mask;
  for (; s->slots[i].key != NULL; i = (i + 1) & mask) {
    const rootslot *r = &s->slots[i];
    if ((r->meta & ~3u) == h && r->len == n && memcmp(r->key, k, n) == 0) break;
  }
  return i;
}

/* The tag of path k[0..n), 0 when it is neither a root nor an ancestor of one. */
static uint32_t root_tag(const rootset *s, const char *k, size_t n) {
  if (s->count == 0) return 0;
  const rootslot *r = &s->slots[root_slot(s, k, n, root_hash(k, n))];
  return r->key != NULL ? r->meta & 3u : 0;
}

/* Makes room for `more` paths beyond those held, rehashing at most once. */
static int root_reserve(compiler *c, rootset *s, size_t more) {
  if ((s->count + more) * 2 <= s->cap) return SBP_OK;
  size_t nc = s->cap ? s->cap : 64;
  while ((s->count + more) * 2 > nc) nc *= 2;
  rootslot *ns = sbp__calloc(c->a, nc, sizeof(*ns));
  if (ns == NULL) return SBP_E_NOMEM;
  memset(ns, 0, nc * sizeof(*ns));
  for (size_t i = 0; i < s->cap; i++) {
    if (s->slots[i].key == NULL) continue;
    size_t j = (s->slots[i].meta >> 2) & (nc - 1);
    while (ns[j].key != NULL) j = (j + 1) & (nc - 1);
    ns[j] = s->slots[i];
  }
  sbp__free(c->a, s->slots);
  s->slots = ns;
  s->cap = nc;
  return SBP_OK;
}

/* Adds tag to path k[0..n) (borrowed); *had (may be NULL) receives the tags it had. */
static int root_add(compiler *c, rootset *s, const char *k, size_t n, uint32_t tag,
                    uint32_t *had) {
  if (root_reserve(c, s, 1) != SBP_OK) return SBP_E_NOMEM;
  uint32_t h = root_hash(k, n);
  rootslot *r = &s->slots[root_slot(s, k, n, h)];
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
static int under_any(const strset *subtrees, const char *p, size_t n) {
  if (subtrees->count == 0) return 0;
  if (strset_has(subtrees, "/", 1)) return 1;
  for (size_t k = 1; k <= n; k++)
    if ((k == n || p[k] == '/') && strset_has(subtrees, p, k)) return 1;
  return 0;
}

/* ---- groups --------------------------------------------------------------------------- */

static int fail(compiler *c, int rc) {
  if (c->rc == SBP_OK) c->rc = rc;
  return rc;
}

static group *group_get(compiler *c, int section, sbp_action action, const char *ops) {
  for (size_t i = 0; i < c->ngroups; i++) {
    group *g = c->groups[i];
    if (g->section == section && g->action == action && strcmp(g->ops, ops) == 0) return g;
  }
  if (c->ngroups == c->gcap) {
    size_t nc = c->gcap ? c->gcap * 2 : 16;
    group **ng = sbp__realloc(c->a, c->groups, nc * sizeof(*ng));
    if (ng == NULL) {
      fail(c, SBP_E_NOMEM);
      return NULL;
    }
    c->groups = ng;
    c->gcap = nc;
  }
  group *g = sbp__malloc(c->a, sizeof(*g));
  if (g == NULL) {
    fail(c, SBP_E_NOMEM);
    return NULL;
  }
  c->groups[c->ngroups++] = g;
  memset(g, 0, sizeof(*g));
  g->section = section;
  g->action = action;
  g->ops = ops;
  g->range_lo = g->range_hi = -1;
  return g;
}

static int label_close_range(compiler *c, group *g) {
  if (g->range_kind == NULL) return SBP_OK;
  char tmp[96];
  if (g->range_lo == g->range_hi)
    snprintf(tmp, sizeof tmp, "%s%s[%ld]", g->label.len ? ", " : "", g->range_kind,
             g->range_lo);
  else
    snprintf(tmp, sizeof tmp, "%s%s[%ld-%ld]", g->label.len ? ", " : "", g->range_kind,
             g->range_lo, g->range_hi);
  g->range_kind = NULL;
  return sbp__buf_puts(&g->label, c->a, tmp);
}

/* Adds the name of the policy item behind a group's rule: "read-deny" with index 3 is
 * written read-deny[3], runs of indexes as ranges; index -1 for items without one. */
static int group_label(compiler *c, group *g, const char *kind, long index) {
  if (!c->comments) return SBP_OK;
  int rc;
  if (index >= 0) {
    if (g->range_kind != NULL && strcmp(g->range_kind, kind) == 0) {
      if (index >= g->range_lo && index <= g->range_hi) return SBP_OK;
      if (index == g->range_hi + 1) {
        g->range_hi = index;
        return SBP_OK;
      }
    }
    if ((rc = label_close_range(c, g)) != SBP_OK) return fail(c, rc);
    g->range_kind = kind;
    g->range_lo = g->range_hi = index;
    return SBP_OK;
  }
  if ((rc = label_close_range(c, g)) != SBP_OK) return fail(c, rc);
  size_t kl = strlen(kind);
  if (g->label.len > 0) {
    /* Already there? Labels are few per group. */
    const char *at = g->label.ptr;
    while ((at = strstr(at, kind)) != NULL) {
      int starts = at == g->label.ptr || (at >= g->label.ptr + 2 && at[-2] == ',');
      if (starts && (at[kl] == '\0' || at[kl] == ',')) return SBP_OK;
      at += kl;
    }
    if ((rc = sbp__buf_puts(&g->label, c->a, ", ")) != SBP_OK) return fail(c, rc);
  }
  if ((rc = sbp__buf_put(&g->label, c->a, kind, kl)) != SBP_OK) return fail(c, rc);
  return SBP_OK;
}

static spec *group_spec(compiler *c, group *g, int type) {
  if (g == NULL) return NULL;
  if (g->nspecs == g->cap) {
    size_t nc = g->cap ? g->cap * 2 : 8;
    spec *ns = sbp__realloc(c->a, g->specs, nc * sizeof(*ns));
    if (ns == NULL) {
      fail(c, SBP_E_NOMEM);
      return NULL;
    }
    g->specs = ns;
    g->cap = nc;
  }
  spec *s = &g->specs[g->nspecs++];
  memset(s, 0, sizeof(*s));
  s->type = (uint8_t)type;
  return s;
}

static void set_path(spec *s, const char *path, size_t len) {
  s->text = path;
  s->len = len;
}

/* Length of the parent directory of a path filter's path ("/a/b": 2; "/a": 0). */
static size_t parent_len(const spec *s) {
  size_t k = s->len;
  while (k > 0 && s->text[k - 1] != '/') k--;
  return k > 0 ? k - 1 : 0;
}

/* One filter of a path: literal, subpath or regex. */
static int add_path_spec(compiler *c, group *g, int type, const char *text, size_t len) {
  spec *s = group_spec(c, g, type);
  if (s == NULL) return c->rc;
  if (type == F_REGEX) {
    s->text = text;
    s->len = len;
  } else {
    set_path(s, text, len);
  }
  return SBP_OK;
}

static int add_unfiltered(compiler *c, int section, sbp_action action, const char *ops,
                          const char *label) {
  group *g = group_get(c, section, action, ops);
  if (g == NULL) return c->rc;
  g->unfiltered = 1;
  return group_label(c, g, label, -1);
}

static int add_named(compiler *c, int section, sbp_action action, const char *ops, int type,
                     const char *filter, const char *text, const char *label) {
  group *g = group_get(c, section, action, ops);
  spec *s = group_spec(c, g, type);
  if (s == NULL) return c->rc;
  s->u.filter = filter;
  s->text = text;
  s->len = strlen(text);
  return group_label(c, g, label, -1);
}

/* ---- regexes of entries --------------------------------------------------------------- */

/* The anchored regex of a glob spelling (subtree: also everything beneath), in the arena. */
static int glob_regex(compiler *c, const char *glob, size_t len, int subtree, const char **out,
                      size_t *out_len) {
  sbp_buf b = SBP_BUF_INIT;
  int rc = sbp_glob_to_regex(glob, len, subtree ? SBP_GLOB_SUBTREE : 0, c->a, &b, NULL);
  if (rc == SBP_OK) {
    char *copy = sbp__arena_strndup(&c->arena, b.ptr, b.len);
    if (copy == NULL) rc = SBP_E_NOMEM;
    *out = copy;
    *out_len = b.len;
  }
  sbp_buf_dispose(&b);
  /* The glob was checked when it was added, so only memory can fail here. */
  return rc == SBP_OK ? SBP_OK : fail(c, SBP_E_NOMEM);
}

/* Adds one spelling of an entry as a filter: literal, subpath, or the glob's regex. */
static int add_entry_spec(compiler *c, group *g, const sbp__pentry *e, int s, int subtree_glob) {
  size_t pl;
  const char *path = sbp__pentry_path(e, s, &pl);
  if (e->kind == SBP_PATH_GLOB) {
    const char *re;
    size_t rl;
    int rc = glob_regex(c, path, pl, subtree_glob, &re, &rl);
    if (rc != SBP_OK) return rc;
    return add_path_spec(c, g, F_REGEX, re, rl);
  }
  return add_path_spec(c, g, e->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH, path, pl);
}

/* The spellings of an entry the profile names: all of them, or without SBP_POLICY_BOTH_SPELLINGS
 * the link spelling left out (a pattern's /private spellings are canonical: they stay). */
static int spellings(const compiler *c, const sbp__pentry *e) {
  return c->spellings || !e->linked ? e->nspell : 1;
}

/* Adds every spelling of an entry to a group, labelled with its list and index. */
static int add_entry(compiler *c, int section, sbp_action action, const char *ops,
                     const sbp__pentry *e, int subtree_glob) {
  group *g = group_get(c, section, action, ops);
  if (g == NULL) return c->rc;
  for (int s = 0; s < spellings(c, e); s++) {
    int rc = add_entry_spec(c, g, e, s, subtree_glob);
    if (rc != SBP_OK) return rc;
  }
  return group_label(c, g, sbp__policy_list_name(e->list), (long)e->index);
}

/* ---- base sets ------------------------------------------------------------------------ */

static int base_entry_used(const sbp_policy *p, size_t i) {
  const sbp_base_entry *e = sbp__base_entry_by_index(i);
  if (p->entry_removed[i]) return 0;
  if ((sbp__base_entry_flags(e) & SBP__BASE_READ_RESTRICTED) && p->read_mode != SBP_READ_DENY_ALL)
    return 0;
  if (p->entry_added[i]) return 1;
  for (size_t s = 0; s < sbp_base_set_count(); s++) {
    if (!(p->sets & (1u << s))) continue;
    const sbp_base_set *set = sbp_base_set_at(s);
    for (size_t k = 0; k < sbp_base_set_entry_count(set); k++)
      if (sbp_base_set_entry_at(set, k) == e) return 1;
  }
  return 0;
}

/* The operations of a rule, space-separated, in the arena. */
static const char *rule_ops(compiler *c, const sbp_node *rule) {
  sbp_buf b = SBP_BUF_INIT;
  int rc = SBP_OK;
  for (const sbp_node *n = sbp_node_first_child(rule); n && rc == SBP_OK; n = sbp_node_next(n)) {
    if (sbp_node_type_of(n) != SBP_NODE_OPERATION) continue;
    size_t l;
    const char *t = sbp_node_text(n, &l);
    if (b.len > 0) rc = sbp__buf_putc(&b, c->a, ' ');
    if (rc == SBP_OK) rc = sbp__buf_put(&b, c->a, t, l);
  }
  const char *out = rc == SBP_OK ? sbp__arena_strndup(&c->arena, b.ptr ? b.ptr : "", b.len) : NULL;
  sbp_buf_dispose(&b);
  if (out == NULL) fail(c, SBP_E_NOMEM);
  return out;
}

/* Reads the rules of the base entries in use (one text, one read) and adds their filters to
 * the BASE groups. The scratch profile lives until the groups are emitted. */
static int add_base_entries(compiler *c, sbp_profile **scratch) {
  sbp_buf text = SBP_BUF_INIT;
  int rc = sbp__buf_puts(&text, c->a, "(version 1)\n");
  size_t n = sbp__base_entry_total(), used = 0;
  for (size_t i = 0; i < n && rc == SBP_OK; i++) {
    if (!base_entry_used(c->p, i)) continue;
    rc = sbp__buf_puts(&text, c->a, sbp_base_entry_rule(sbp__base_entry_by_index(i)));
    if (rc == SBP_OK) rc = sbp__buf_putc(&text, c->a, '\n');
    used++;
  }
  if (rc == SBP_OK && used > 0) {
    sbp_error rerr = SBP_ERROR_INIT;
    rc = sbp_profile_read(scratch, text.ptr, text.len, "base-sets", NULL, c->a, &rerr);
    /* The table is ours and tested; only memory can fail. */
    if (rc != SBP_OK) rc = SBP_E_NOMEM;
  }
  sbp_buf_dispose(&text);
  if (rc != SBP_OK) return fail(c, rc);
  if (used == 0) return SBP_OK;
  const sbp_node *rule = sbp_node_first_child(sbp_profile_root(*scratch));
  for (size_t i = 0; i < n && rule != NULL; i++) {
    if (!base_entry_used(c->p, i)) continue;
    while (rule != NULL && sbp_node_type_of(rule) != SBP_NODE_RULE) rule = sbp_node_next(rule);
    if (rule == NULL) break;
    const char *ops = rule_ops(c, rule);
    if (ops == NULL) return c->rc;
    group *g = group_get(c, S_BASE, sbp_rule_action(rule), ops);
    if (g == NULL) return c->rc;
    int filtered = 0;
    for (const sbp_node *f = sbp_node_first_child(rule); f; f = sbp_node_next(f)) {
      sbp_node_type t = sbp_node_type_of(f);
      if (t == SBP_NODE_OPERATION || t == SBP_NODE_MODIFIER) continue;
      spec *s = group_spec(c, g, F_NODE);
      if (s == NULL) return c->rc;
      s->u.node = f;
      filtered = 1;
    }
    if (!filtered) g->unfiltered = 1;
    char label[128];
    snprintf(label, sizeof label, "base %s", sbp_base_entry_name(sbp__base_entry_by_index(i)));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return fail(c, SBP_E_NOMEM);
    if (group_label(c, g, l, -1) != SBP_OK) return c->rc;
    rule = sbp_node_next(rule);
  }
  return SBP_OK;
}

/* ---- processes, services, network, options -------------------------------------------- */

static int add_process_and_options(compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  if (p->list_counts[SBP_POLICY_EXEC_ALLOW] == 0) {
    rc = add_unfiltered(c, S_BASE, SBP_ALLOW, "process-exec", "exec: every program");
  } else {
    for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++)
      if (p->entries[i].list == SBP_POLICY_EXEC_ALLOW)
        rc = add_entry(c, S_BASE, SBP_ALLOW, "process-exec", &p->entries[i], 0);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_FORK))
    rc = add_unfiltered(c, S_BASE, SBP_ALLOW, "process-fork", "option fork");
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_SIGNAL))
    rc = add_named(c, S_BASE, SBP_ALLOW, "signal", F_CONST, "target", "same-sandbox",
                   "option signal");
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_PROCESS_INFO))
    rc = add_named(c, S_BASE, SBP_ALLOW, "process-info*", F_CONST, "target", "same-sandbox",
                   "option process-info");
  for (size_t i = 0; i < p->nmach && rc == SBP_OK; i++) {
    group *g = group_get(c, S_BASE, SBP_ALLOW, "mach-lookup");
    spec *s = group_spec(c, g, F_NAME);
    if (s == NULL) return c->rc;
    s->u.filter = p->mach[i].prefix ? "global-name-prefix" : "global-name";
    s->text = p->mach[i].name;
    s->len = p->mach[i].len;
    rc = group_label(c, g, "mach-service", (long)p->mach[i].index);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_PTY)) {
    rc = add_unfiltered(c, S_BASE, SBP_ALLOW, "pseudo-tty", "option pty");
    static const char *const pty_ops[] = {"file-ioctl", "file-read* file-write*"};
    for (int k = 0; k < 2 && rc == SBP_OK; k++) {
      group *g = group_get(c, S_BASE, SBP_ALLOW, pty_ops[k]);
      if (g == NULL) return c->rc;
      rc = add_path_spec(c, g, F_LITERAL, "/dev/ptmx", 9);
      if (rc == SBP_OK) rc = add_path_spec(c, g, F_REGEX, "^/dev/ttys[0-9]+$", 17);
      if (rc == SBP_OK) rc = group_label(c, g, "option pty", -1);
    }
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_APPLE_EVENTS)) {
    static const char *const services[] = {"com.apple.coreservices.appleevents",
                                           "com.apple.CoreServices.coreservicesd",
                                           "com.apple.coreservices.quarantine-resolver"};
    rc = add_unfiltered(c, S_BASE, SBP_ALLOW, "appleevent-send", "option apple-events");
    if (rc == SBP_OK) rc = add_unfiltered(c, S_BASE, SBP_ALLOW, "lsopen", "option apple-events");
    for (int k = 0; k < 3 && rc == SBP_OK; k++)
      rc = add_named(c, S_BASE, SBP_ALLOW, "mach-lookup", F_NAME, "global-name", services[k],
                     "option apple-events");
  }
  return rc;
}

static int add_net(compiler *c, const char *op, int side, const char *host, int port,
                   const char *label, long index) {
  group *g = group_get(c, S_BASE, SBP_ALLOW, op);
  spec *s = group_spec(c, g, F_NET);
  if (s == NULL) return c->rc;
  s->side = (uint8_t)side;
  s->text = host;
  s->len = strlen(host);
  s->n.port = port;
  return group_label(c, g, label, index);
}

static int add_network(compiler *c) {
  sbp_policy *p = c->p;
  if (p->network_mode == SBP_NETWORK_ALL)
    return add_unfiltered(c, S_BASE, SBP_ALLOW, "network*", "network all");
  int rc = SBP_OK;
  for (size_t i = 0; i < p->nports && rc == SBP_OK; i++) {
    const sbp__port *pt = &p->ports[i];
    if (pt->access & SBP_PORT_OUTBOUND)
      rc = add_net(c, "network-outbound", 2, "localhost", pt->port, "port", pt->port);
    if (rc == SBP_OK && (pt->access & SBP_PORT_BIND))
      rc = add_net(c, "network-bind", 1, "localhost", pt->port, "port", pt->port);
    if (rc == SBP_OK && (pt->access & SBP_PORT_INBOUND))
      rc = add_net(c, "network-inbound", 1, "localhost", pt->port, "port", pt->port);
  }
  if (rc == SBP_OK && sbp_policy_option_get(p, SBP_POLICY_LOCAL_BINDING)) {
    rc = add_net(c, "network-bind", 1, "*", SBP_PORT_ANY, "option local-binding", -1);
    if (rc == SBP_OK)
      rc = add_net(c, "network-inbound", 1, "*", SBP_PORT_ANY, "option local-binding", -1);
    if (rc == SBP_OK)
      rc = add_net(c, "network-outbound", 2, "localhost", SBP_PORT_ANY, "option local-binding",
                   -1);
  }
  int all_sockets = sbp_policy_option_get(p, SBP_POLICY_ALL_UNIX_SOCKETS);
  if (rc == SBP_OK && (all_sockets || p->list_counts[SBP_POLICY_UNIX_SOCKET] > 0))
    rc = add_named(c, S_BASE, SBP_ALLOW, "system-socket", F_CONST, "socket-domain", "AF_UNIX",
                   all_sockets ? "option all-unix-sockets" : "unix-socket");
  /* Bind with (local unix-socket PATH), connect with (remote unix-socket PATH). */
  static const char *const sock_ops[] = {"network-bind", "network-outbound"};
  for (int k = 0; k < 2 && rc == SBP_OK; k++) {
    group *g = group_get(c, S_BASE, SBP_ALLOW, sock_ops[k]);
    if (g == NULL) return c->rc;
    if (all_sockets) {
      spec *s = group_spec(c, g, F_UNIX);
      if (s == NULL) return c->rc;
      s->side = (uint8_t)(k + 1);
      s->sub = F_REGEX;
      s->text = "^/";
      s->len = 2;
      rc = group_label(c, g, "option all-unix-sockets", -1);
      continue;
    }
    /* A pass over every entry costs a trip to memory once they outgrow the cache: only when
     * there are sockets. */
    size_t nentries = p->list_counts[SBP_POLICY_UNIX_SOCKET] > 0 ? p->nentries : 0;
    for (size_t i = 0; i < nentries && rc == SBP_OK; i++) {
      const sbp__pentry *e = &p->entries[i];
      if (e->list != SBP_POLICY_UNIX_SOCKET) continue;
      for (int sp = 0; sp < spellings(c, e) && rc == SBP_OK; sp++) {
        spec *s = group_spec(c, g, F_UNIX);
        if (s == NULL) return c->rc;
        s->side = (uint8_t)(k + 1);
        size_t pl;
        const char *path = sbp__pentry_path(e, sp, &pl);
        if (e->kind == SBP_PATH_GLOB) {
          s->sub = F_REGEX;
          rc = glob_regex(c, path, pl, 0, &s->text, &s->len);
        } else {
          s->sub = e->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
          s->text = path;
          s->len = pl;
        }
      }
      if (rc == SBP_OK) rc = group_label(c, g, "unix-socket", (long)e->index);
    }
  }
  return rc;
}

/* ---- reads ---------------------------------------------------------------------------- */

/* A compiled regex per glob spelling of a list, for coverage tests; NULL where not a glob. */
typedef struct globre {
  const sbp__pentry *e;
  int s;
  sbp_regex *re;
} globre;

static int compile_globs(compiler *c, int list, globre **out, size_t *n) {
  sbp_policy *p = c->p;
  size_t cnt = 0;
  for (size_t i = 0; i < p->nentries; i++)
    if (c->lists[i] == list && p->entries[i].kind == SBP_PATH_GLOB)
      cnt += (size_t)spellings(c, &p->entries[i]);
  *out = NULL;
  *n = 0;
  if (cnt == 0) return SBP_OK;
  globre *g = sbp__calloc(c->a, cnt, sizeof(*g));
  if (g == NULL) return fail(c, SBP_E_NOMEM);
  memset(g, 0, cnt * sizeof(*g));
  *out = g;
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != list || e->kind != SBP_PATH_GLOB) continue;
    for (int s = 0; s < spellings(c, e); s++) {
      const char *re;
      size_t rl, pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if (glob_regex(c, path, pl, 1, &re, &rl) != SBP_OK) return c->rc;
      g[*n].e = e;
      g[*n].s = s;
      int rc = sbp_regex_compile(re, rl, c->a, &g[*n].re, NULL);
      /* Too large a program to test against: treated as covering nothing here. */
      if (rc == SBP_E_NOMEM) return fail(c, rc);
      (*n)++;
    }
  }
  return SBP_OK;
}

static void free_globs(compiler *c, globre *g, size_t n) {
  for (size_t i = 0; i < n; i++) sbp_regex_free(g[i].re);
  sbp__free(c->a, g);
}

static int glob_matches(const globre *g, const char *path, size_t len) {
  return g->re != NULL && sbp_regex_search(g->re, path, len) == 1;
}

/* The set of literal paths, subtree paths of one list (every spelling). */
static int list_sets(compiler *c, int list, strset *lits, strset *subs) {
  sbp_policy *p = c->p;
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != list || e->kind == SBP_PATH_GLOB) continue;
    for (int s = 0; s < spellings(c, e); s++) {
      strset *set = e->kind == SBP_PATH_LITERAL ? lits : subs;
      size_t pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if (strset_add(c, set, path, pl) != SBP_OK) return fail(c, SBP_E_NOMEM);
    }
  }
  return SBP_OK;
}

/* Is spelling s of e covered by an entry of the sets or globs? */
static int covered(const sbp__pentry *e, int s, const strset *lits, const strset *subs,
                   const globre *g, size_t ng) {
  size_t len;
  const char *path = sbp__pentry_base(e, s, &len);
  if (under_any(subs, path, len)) return 1;
  if (e->kind == SBP_PATH_LITERAL && strset_has(lits, path, len)) return 1;
  for (size_t i = 0; i < ng; i++)
    if (glob_matches(&g[i], path, len)) return 1;
  return 0;
}

static int add_reads(compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  int deny_all = p->read_mode == SBP_READ_DENY_ALL;
  if (!deny_all) rc = add_unfiltered(c, S_READ_BROAD, SBP_ALLOW, "file-read*", "read mode allow-all");
  strset dlit = {0}, dsub = {0}, clit = {0}, csub = {0};
  globre *dglobs = NULL, *cglobs = NULL;
  size_t ndglobs = 0, ncglobs = 0;
  /* Carve-outs: read-allow entries inside denied trees. */
  uint8_t *carve = NULL;
  size_t ndeny = p->list_counts[SBP_POLICY_READ_DENY];
  size_t nallow = p->list_counts[SBP_POLICY_READ_ALLOW];
  if (rc == SBP_OK && nallow > 0) {
    carve = sbp__malloc(c->a, p->nentries);
    if (carve == NULL) rc = fail(c, SBP_E_NOMEM);
    else memset(carve, 0, p->nentries);
    if (rc == SBP_OK) rc = list_sets(c, SBP_POLICY_READ_DENY, &dlit, &dsub);
    if (rc == SBP_OK) rc = compile_globs(c, SBP_POLICY_READ_DENY, &dglobs, &ndglobs);
  }
  for (size_t i = 0; i < p->nentries && rc == SBP_OK && nallow > 0; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_READ_ALLOW) continue;
    int conflict = e->kind != SBP_PATH_GLOB &&
                   strset_has(e->kind == SBP_PATH_LITERAL ? &dlit : &dsub, sbp__pentry_path0(e), e->path_len);
    if (conflict) {
      if (sbp__policy_warn(p, "read-allow[%u] \"%s\" is also denied by the read-deny list: "
                              "deny wins", (unsigned)e->index, e->text) != SBP_OK)
        rc = fail(c, SBP_E_NOMEM);
      continue;
    }
    int inside = 0;
    for (int s = 0; s < spellings(c, e) && !inside; s++)
      inside = covered(e, s, &dlit, &dsub, dglobs, ndglobs);
    if (inside) {
      carve[i] = 1;
      rc = add_entry(c, S_READ_CARVE, SBP_ALLOW, "file-read*", e, 0);
    } else if (deny_all) {
      rc = add_entry(c, S_READ_BROAD, SBP_ALLOW, "file-read*", e, 0);
    } else if (sbp__policy_warn(p, "read-allow[%u] \"%s\" has no effect: it is inside no "
                                   "denied tree and reads are allowed everywhere else",
                                (unsigned)e->index, e->text) != SBP_OK) {
      rc = fail(c, SBP_E_NOMEM);
    }
  }
  /* The carve-outs as sets, to find the denies nested in them. */
  size_t ncarve = 0;
  for (size_t i = 0; i < p->nentries && carve != NULL; i++) ncarve += carve[i];
  if (rc == SBP_OK && ncarve > 0) {
    for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++) {
      const sbp__pentry *e = &p->entries[i];
      if (!carve[i] || e->kind == SBP_PATH_GLOB) continue;
      for (int s = 0; s < spellings(c, e) && rc == SBP_OK; s++) {
        size_t pl;
        const char *path = sbp__pentry_path(e, s, &pl);
        rc = strset_add(c, e->kind == SBP_PATH_LITERAL ? &clit : &csub, path, pl);
      }
    }
    if (rc != SBP_OK) rc = fail(c, SBP_E_NOMEM);
    /* Glob carve-outs, compiled only among the carve-outs. */
    if (rc == SBP_OK) rc = compile_globs(c, SBP_POLICY_READ_ALLOW, &cglobs, &ncglobs);
    size_t keep = 0;
    for (size_t k = 0; k < ncglobs; k++) {
      if (carve[(size_t)(cglobs[k].e - p->entries)]) cglobs[keep++] = cglobs[k];
      else sbp_regex_free(cglobs[k].re);
    }
    ncglobs = keep;
  }
  int root_denied = 0;
  for (size_t i = 0; i < p->nentries && rc == SBP_OK && ndeny > 0; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_READ_DENY) continue;
    rc = add_entry(c, S_READ_DENY, SBP_DENY, "file-read*", e, 1);
    if (e->kind == SBP_PATH_SUBTREE && e->path_len == 1) root_denied = 1;
    if (e->kind == SBP_PATH_GLOB && e->base_len == 1 && !root_denied) {
      const char *re;
      size_t rl;
      int m = 0;
      if ((rc = glob_regex(c, sbp__pentry_path0(e), e->path_len, 1, &re, &rl)) != SBP_OK) break;
      if (sbp_regex_match(re, rl, "/", 1, c->a, &m, NULL) == SBP_E_NOMEM) {
        rc = fail(c, SBP_E_NOMEM);
        break;
      }
      root_denied = m;
    }
    if (rc != SBP_OK || ncarve == 0) continue;
    if (e->kind != SBP_PATH_GLOB) {
      int nested = 0;
      for (int s = 0; s < spellings(c, e) && !nested; s++)
        nested = covered(e, s, &clit, &csub, cglobs, ncglobs);
      if (nested) rc = add_entry(c, S_READ_REDENY, SBP_DENY, "file-read*", e, 1);
      continue;
    }
    /* A glob deny after the carve-outs, minus the carve-outs it covers (those are more
     * specific than it): leaf-shaped globs (**\/.env) cover none and stay whole. */
    group *g = group_get(c, S_READ_REDENY, SBP_DENY, "file-read*");
    if (g == NULL) {
      rc = c->rc;
      goto done;
    }
    for (int s = 0; s < spellings(c, e) && rc == SBP_OK; s++) {
      const char *re;
      size_t rl, pl;
      const char *path = sbp__pentry_path(e, s, &pl);
      if ((rc = glob_regex(c, path, pl, 1, &re, &rl)) != SBP_OK) break;
      sbp_regex *cre = NULL;
      if (sbp_regex_compile(re, rl, c->a, &cre, NULL) == SBP_E_NOMEM) {
        rc = fail(c, SBP_E_NOMEM);
        break;
      }
      size_t nn = 0;
      spec *nots = NULL;
      for (size_t k = 0; k < p->nentries && rc == SBP_OK; k++) {
        if (carve == NULL || !carve[k]) continue;
        const sbp__pentry *a = &p->entries[k];
        for (int t = 0; t < spellings(c, a); t++) {
          size_t bl;
          const char *base = sbp__pentry_base(a, t, &bl);
          if (cre == NULL || sbp_regex_search(cre, base, bl) != 1) continue;
          if (nots == NULL) {
            nots = sbp__arena_alloc(&c->arena, sizeof(spec) * ncarve * 2);
            if (nots == NULL) {
              rc = fail(c, SBP_E_NOMEM);
              break;
            }
          }
          spec *ns = &nots[nn++];
          memset(ns, 0, sizeof(*ns));
          size_t al;
          const char *apath = sbp__pentry_path(a, t, &al);
          if (a->kind == SBP_PATH_GLOB) {
            ns->type = F_REGEX;
            if ((rc = glob_regex(c, apath, al, 0, &ns->text, &ns->len)) != SBP_OK) break;
          } else {
            ns->type = a->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
            set_path(ns, apath, al);
          }
        }
      }
      sbp_regex_free(cre);
      if (rc != SBP_OK) break;
      spec *sp = group_spec(c, g, nn > 0 ? F_CARVE : F_REGEX);
      if (sp == NULL) {
      rc = c->rc;
      goto done;
    }
      sp->sub = F_REGEX;
      sp->text = re;
      sp->len = rl;
      sp->u.nots = nots;
      sp->n.nnots = (uint32_t)nn;
    }
    if (rc == SBP_OK) rc = group_label(c, g, "read-deny", (long)e->index);
  }
  if (rc == SBP_OK && root_denied) {
    group *g = group_get(c, S_READ_META, SBP_ALLOW, "file-read*");
    rc = g ? add_path_spec(c, g, F_LITERAL, "/", 1) : c->rc;
    if (rc == SBP_OK) rc = group_label(c, g, "root directory (dyld needs it)", -1);
  }
  if (rc == SBP_OK && (ndeny > 0 || deny_all) &&
      sbp_policy_option_get(p, SBP_POLICY_DIRECTORY_METADATA))
    rc = add_named(c, S_READ_META, SBP_ALLOW, "file-read-metadata", F_CONST, "vnode-type",
                   "DIRECTORY", "option directory-metadata");
done:
  strset_free(c, &dlit);
  strset_free(c, &dsub);
  strset_free(c, &clit);
  strset_free(c, &csub);
  free_globs(c, dglobs, ndglobs);
  free_globs(c, cglobs, ncglobs);
  sbp__free(c->a, carve);
  return rc;
}

/* ---- writes --------------------------------------------------------------------------- */

static int protection_on(const sbp_policy *p, size_t i) {
  return !(p->protections_off & (1u << i));
}

/* The regex of one protection over its globs: any folder, then one of its names, then
 * anything beneath (with parents set: the first folder of each multi-component name). */
static int protection_regex(compiler *c, size_t i, int parents, const char **out,
                            size_t *out_len) {
  const char *globs = sbp_policy_protection_globs(i);
  sbp_buf b = SBP_BUF_INIT;
  int rc = sbp__buf_puts(&b, c->a, "^/(.*/)?(");
  size_t names = 0;
  while (*globs && rc == SBP_OK) {
    const char *end = strchr(globs, '\n');
    size_t n = end ? (size_t)(end - globs) : strlen(globs);
    const char *name = globs + 3; /* after "**" "/" */
    size_t nl = n - 3;
    if (parents) {
      const char *slash = memchr(name, '/', nl);
      nl = slash ? (size_t)(slash - name) : 0;
    }
    /* A folder named twice (.claude of .claude/commands and .claude/agents) once. */
    int seen = 0;
    for (const char *g = sbp_policy_protection_globs(i); g < globs && !seen; g++)
      seen = parents && strncmp(g, globs, 3 + nl) == 0 && (g[3 + nl] == '/');
    if (nl > 0 && !seen) {
      if (names++ > 0) rc = sbp__buf_putc(&b, c->a, '|');
      if (rc == SBP_OK) rc = sbp__regex_escape(&b, c->a, name, nl);
    }
    globs += n + (end ? 1 : 0);
  }
  if (rc == SBP_OK) rc = sbp__buf_puts(&b, c->a, parents ? ")$" : ")(/.*)?$");
  *out = NULL;
  *out_len = 0;
  if (rc == SBP_OK && names > 0) {
    *out = sbp__arena_strndup(&c->arena, b.ptr, b.len);
    *out_len = b.len;
    if (*out == NULL) rc = SBP_E_NOMEM;
  }
  sbp_buf_dispose(&b);
  return rc == SBP_OK ? SBP_OK : fail(c, rc);
}

static int add_writes(compiler *c) {
  sbp_policy *p = c->p;
  int rc = SBP_OK;
  int allow_all = p->write_mode == SBP_WRITE_ALLOW_ALL;
  strset dlit = {0}, dsub = {0};
  if (allow_all)
    rc = add_unfiltered(c, S_WRITE_BROAD, SBP_ALLOW, "file-write*", "write mode allow-all");
  if (rc == SBP_OK) rc = list_sets(c, SBP_POLICY_WRITE_DENY, &dlit, &dsub);
  for (size_t i = 0; i < p->nentries && rc == SBP_OK; i++) {
    if (c->lists[i] != SBP_POLICY_WRITE_ALLOW && c->lists[i] != SBP_POLICY_WRITE_DENY) continue;
    const sbp__pentry *e = &p->entries[i];
    if (e->list == SBP_POLICY_WRITE_ALLOW) {
      if (e->kind != SBP_PATH_GLOB &&
          strset_has(e->kind == SBP_PATH_LITERAL ? &dlit : &dsub, sbp__pentry_path0(e), e->path_len)) {
        if (sbp__policy_warn(p, "write-allow[%u] \"%s\" is also in the write-deny list: deny "
                                "wins", (unsigned)e->index, e->text) != SBP_OK)
          rc = fail(c, SBP_E_NOMEM);
        continue;
      }
      if (allow_all) {
        if (sbp__policy_warn(p, "write-allow[%u] \"%s\" has no effect: writes are allowed "
                                "everywhere", (unsigned)e->index, e->text) != SBP_OK)
          rc = fail(c, SBP_E_NOMEM);
        continue;
      }
      rc = add_entry(c, S_WRITE_BROAD, SBP_ALLOW, "file-write*", e, 0);
    } else if (e->list == SBP_POLICY_WRITE_DENY) {
      rc = add_entry(c, S_WRITE_DENY, SBP_DENY, "file-write*", e, 1);
    }
  }
  strset_free(c, &dlit);
  strset_free(c, &dsub);
  for (size_t i = 0; i < sbp_policy_protection_count() && rc == SBP_OK; i++) {
    if (!protection_on(p, i)) continue;
    const char *re;
    size_t rl;
    if ((rc = protection_regex(c, i, 0, &re, &rl)) != SBP_OK) break;
    char label[64];
    snprintf(label, sizeof label, "protection %s", sbp_policy_protection_name(i));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return fail(c, SBP_E_NOMEM);
    group *g = group_get(c, S_WRITE_DENY, SBP_DENY, "file-write*");
    if (g == NULL) return c->rc;
    if (re != NULL) {
      rc = add_path_spec(c, g, F_REGEX, re, rl);
    } else if (p->has_settings) {
      for (int s = 0; s < spellings(c, &p->settings) && rc == SBP_OK; s++)
        rc = add_entry_spec(c, g, &p->settings, s, 1);
    } else {
      continue;
    }
    if (rc == SBP_OK) rc = group_label(c, g, l, -1);
  }
  return rc;
}

/* ---- rename protection ---------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The write roots (write-allow paths and glob bases) into c->roots, with their ancestors. */
static int collect_roots(compiler *c) {
  sbp_policy *p = c->p;
  /* Room for the roots and a quarter more for their ancestors, grown if there are more. */
  size_t n = p->list_counts[SBP_POLICY_WRITE_ALLOW];
  if (n > 0 && root_reserve(c, &c->roots, n + n / 4 + 1) != SBP_OK) return fail(c, SBP_E_NOMEM);
  for (size_t i = 0; i < p->nentries; i++) {
    const sbp__pentry *e = &p->entries[i];
    if (c->lists[i] != SBP_POLICY_WRITE_ALLOW) continue;
    for (int s = 0; s < spellings(c, e); s++) {
      size_t bl;
      const char *base = sbp__pentry_base(e, s, &bl);
      uint32_t had;
      if (root_add(c, &c->roots, base, bl, ROOT, &had) != SBP_OK) return fail(c, SBP_E_NOMEM);
      if (!(had & ROOT)) c->nsorted++;
      if (bl == 1) {
        c->slash_root = 1;
        continue;
      }
      /* Its ancestors, up to the first one already known as one (so are those above it). */
      for (size_t k = bl - 1; k > 0; k--) {
        if (base[k] != '/') continue;
        if (root_add(c, &c->roots, base, k, ANCESTOR, &had) != SBP_OK)
          return fail(c, SBP_E_NOMEM);
        if (had & ANCESTOR) break;
      }
      if (root_add(c, &c->roots, "/", 1, ANCESTOR, NULL) != SBP_OK) return fail(c, SBP_E_NOMEM);
    }
  }
  return SBP_OK;
}

/* The distinct write roots in c->sorted_roots, sorted (once). */
static int sort_roots(compiler *c) {
  if (c->sorted_roots != NULL || c->nsorted == 0) return SBP_OK;
  c->sorted_roots = sbp__calloc(c->a, c->nsorted, sizeof(char *));
  if (c->sorted_roots == NULL) return fail(c, SBP_E_NOMEM);
  size_t n = 0;
  for (size_t i = 0; i < c->roots.cap; i++)
    if (c->roots.slots[i].key != NULL && (c->roots.slots[i].meta & ROOT))
      c->sorted_roots[n++] = c->roots.slots[i].key;
  qsort((void *)c->sorted_roots, n, sizeof(char *), cmp_str);
  return SBP_OK;
}

/* The first index of sorted_roots at or after dir + "/" (every root strictly beneath dir
 * follows from there). */
static size_t roots_from(const compiler *c, const char *dir, size_t len) {
  if (len == 1) /* beneath "/": every root but "/" itself, which sorts first */
    return c->nsorted > 0 && c->sorted_roots[0][1] == '\0' ? 1 : 0;
  size_t lo = 0, hi = c->nsorted;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *r = c->sorted_roots[mid];
    int cmp = strncmp(r, dir, len);
    if (cmp == 0) cmp = r[len] == '\0' ? -1 : (r[len] < '/' ? -1 : (r[len] == '/' ? 0 : 1));
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static int strictly_beneath(const char *r, const char *dir, size_t len) {
  if (len == 1) return r[0] == '/' && r[1] != '\0';
  return strncmp(r, dir, len) == 0 && r[len] == '/';
}

/* Could a write root move path: is a root at or above it, or beneath it? One walk down its
 * ancestors, which ends at the first that is neither a root nor above one. */
static int exposed(const compiler *c, const char *path, size_t len) {
  if (c->slash_root) return 1;
  if (len == 1) return root_tag(&c->roots, path, 1) != 0;
  for (size_t k = 2; k <= len; k++) {
    if (k < len && path[k] != '/') continue;
    uint32_t t = root_tag(&c->roots, path, k);
    if (t & ROOT) return 1;
    if (t == 0) return 0;
  }
  return 1; /* path is above a root */
}

/* Adds literal filters for the ancestors of path (and path itself when self) that a write
 * root makes writable, or all of them when writes are allowed everywhere. */
static int pin_ancestors(compiler *c, group *g, const char *path, size_t len, int self) {
  int writable = c->p->write_mode == SBP_WRITE_ALLOW_ALL || c->slash_root;
  if (len <= 1) return SBP_OK; /* the root directory is never pinned */
  for (size_t k = 1; k <= len; k++) {
    if (k < len && path[k] != '/') continue;
    if (k == len && !self) break;
    if (!writable) {
      uint32_t t = root_tag(&c->roots, path, k);
      if (t == 0) return SBP_OK; /* no root here or beneath: nothing further is writable */
      writable = (t & ROOT) != 0;
    }
    if (writable) {
      int rc = add_path_spec(c, g, F_LITERAL, path, k);
      if (rc != SBP_OK) return rc;
    }
  }
  return SBP_OK;
}

/* Appends an exception (a subpath, or a glob's regex) to nots. */
static int add_not(compiler *c, spec **nots, size_t *nn, size_t *cap, const sbp__pentry *a,
                   int t, const char *root) {
  size_t pl;
  const char *path = root ? root : sbp__pentry_path(a, t, &pl);
  if (root) pl = strlen(root);
  for (size_t i = 0; i < *nn && (root || a->kind != SBP_PATH_GLOB); i++)
    if ((*nots)[i].type != F_REGEX && (*nots)[i].len == pl && memcmp((*nots)[i].text, path, pl) == 0)
      return SBP_OK;
  if (*nn == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    spec *ns = sbp__arena_alloc(&c->arena, ncap * sizeof(spec));
    if (ns == NULL) return fail(c, SBP_E_NOMEM);
    if (*nn > 0) memcpy(ns, *nots, *nn * sizeof(spec));
    *nots = ns;
    *cap = ncap;
  }
  spec *n = &(*nots)[(*nn)++];
  memset(n, 0, sizeof(*n));
  if (root != NULL) {
    n->type = F_SUBPATH;
    set_path(n, root, strlen(root));
  } else if (a->kind == SBP_PATH_GLOB) {
    n->type = F_REGEX;
    return glob_regex(c, path, pl, 0, &n->text, &n->len);
  } else {
    n->type = a->kind == SBP_PATH_LITERAL ? F_LITERAL : F_SUBPATH;
    set_path(n, path, pl);
  }
  return SBP_OK;
}

/* The unlink deny of a read-denied entry's spelling s, minus the write roots and read
 * carve-outs inside it: those may be cleaned up, only the denied files must stay put. */
static int add_exposed_deny(compiler *c, group *g, const sbp__pentry *e, int s) {
  sbp_policy *p = c->p;
  int glob = e->kind == SBP_PATH_GLOB;
  size_t bl, tl;
  const char *base = sbp__pentry_base(e, s, &bl);
  sbp_regex *re = NULL;
  const char *text = sbp__pentry_path(e, s, &tl);
  int rc = SBP_OK;
  if (glob) {
    if ((rc = glob_regex(c, text, tl, 1, &text, &tl)) != SBP_OK) return rc;
    if (sbp_regex_compile(text, tl, c->a, &re, NULL) == SBP_E_NOMEM) return fail(c, SBP_E_NOMEM);
  }
  spec *nots = NULL;
  size_t nn = 0, cap = 0;
  if (e->kind != SBP_PATH_LITERAL && sort_roots(c) != SBP_OK) rc = c->rc;
  if (e->kind != SBP_PATH_LITERAL && rc == SBP_OK) {
    for (size_t k = roots_from(c, base, bl); k < c->nsorted && rc == SBP_OK; k++) {
      const char *r = c->sorted_roots[k];
      if (!strictly_beneath(r, base, bl)) break;
      if (glob && (re == NULL || sbp_regex_search(re, r, strlen(r)) != 1)) continue;
      if (nn > 0 && strcmp(nots[nn - 1].text, r) == 0) continue;
      rc = add_not(c, &nots, &nn, &cap, NULL, 0, r);
    }
    for (size_t k = 0; k < p->nentries && rc == SBP_OK; k++) {
      const sbp__pentry *a = &p->entries[k];
      if (c->lists[k] != SBP_POLICY_READ_ALLOW) continue;
      for (int t = 0; t < spellings(c, a) && rc == SBP_OK; t++) {
        size_t abl;
        const char *abase = sbp__pentry_base(a, t, &abl);
        int inside = glob ? re != NULL && sbp_regex_search(re, abase, abl) == 1
                          : strictly_beneath(abase, base, bl);
        if (inside) rc = add_not(c, &nots, &nn, &cap, a, t, NULL);
      }
    }
  }
  sbp_regex_free(re);
  if (rc != SBP_OK) return rc;
  if (nn == 0) return add_entry_spec(c, g, e, s, 1);
  spec *sp = group_spec(c, g, F_CARVE);
  if (sp == NULL) return c->rc;
  sp->sub = (uint8_t)(glob ? F_REGEX : F_SUBPATH);
  sp->text = text;
  sp->len = tl;
  sp->u.nots = nots;
  sp->n.nnots = (uint32_t)nn;
  return SBP_OK;
}

static int add_move_protection(compiler *c) {
  sbp_policy *p = c->p;
  if (!sbp_policy_option_get(p, SBP_POLICY_MOVE_PROTECTION)) return SBP_OK;
  int allow_all = p->write_mode == SBP_WRITE_ALLOW_ALL;
  if (!allow_all && collect_roots(c) != SBP_OK) return c->rc;
  if (!allow_all && c->nsorted == 0) return SBP_OK; /* nothing is writable: nothing moves */
  group *g = group_get(c, S_MOVE, SBP_DENY, "file-write-unlink");
  if (g == NULL) return c->rc;
  int rc = SBP_OK;
  const sbp__pentry *settings = p->has_settings ? &p->settings : NULL;
  for (size_t i = 0; i <= p->nentries && rc == SBP_OK; i++) {
    if (i < p->nentries && c->lists[i] != SBP_POLICY_READ_DENY &&
        c->lists[i] != SBP_POLICY_WRITE_DENY)
      continue;
    const sbp__pentry *e = i < p->nentries ? &p->entries[i] : settings;
    if (e == NULL) break;
    int read_deny = e->list == SBP_POLICY_READ_DENY;
    if (!read_deny && e->list != SBP_POLICY_WRITE_DENY && e != settings) continue;
    size_t before = g->nspecs;
    for (int s = 0; s < spellings(c, e) && rc == SBP_OK; s++) {
      size_t bl;
      const char *base = sbp__pentry_base(e, s, &bl);
      int glob = e->kind == SBP_PATH_GLOB;
      if (read_deny) {
        /* The denied path itself, where a write root could let it be moved. */
        if (!allow_all && !exposed(c, base, bl)) continue;
        if ((rc = add_exposed_deny(c, g, e, s)) != SBP_OK) break;
      }
      if (rc == SBP_OK) rc = pin_ancestors(c, g, base, bl, glob);
    }
    if (rc == SBP_OK && g->nspecs > before)
      rc = group_label(c, g, e == settings ? "protection settings-file"
                                           : sbp__policy_list_name(e->list),
                       e == settings ? -1 : (long)e->index);
  }
  /* The folders the multi-component protections live in (.git of .git/hooks). */
  for (size_t i = 0; i < sbp_policy_protection_count() && rc == SBP_OK; i++) {
    if (!protection_on(p, i)) continue;
    const char *re;
    size_t rl;
    if ((rc = protection_regex(c, i, 1, &re, &rl)) != SBP_OK || re == NULL) continue;
    char label[64];
    snprintf(label, sizeof label, "protection %s", sbp_policy_protection_name(i));
    const char *l = sbp__arena_strndup(&c->arena, label, strlen(label));
    if (l == NULL) return fail(c, SBP_E_NOMEM);
    rc = add_path_spec(c, g, F_REGEX, re, rl);
    if (rc == SBP_OK) rc = group_label(c, g, l, -1);
  }
  return rc;
}

/* ---- emitting ------------------------------------------------------------------------- */

static int cmp_spec(const void *x, const void *y) {
  const spec *a = x, *b = y;
  if (a->type != b->type) return a->type < b->type ? -1 : 1;
  if (a->type == F_NODE || a->type == F_CARVE) return 0;
  if (a->type == F_LITERAL || a->type == F_SUBPATH) {
    size_t ap = parent_len(a), bp = parent_len(b);
    int c = memcmp(a->text, b->text, ap < bp ? ap : bp);
    if (c != 0) return c;
    if (ap != bp) return ap < bp ? -1 : 1;
  }
  if ((a->type == F_NAME || a->type == F_CONST) && a->u.filter != b->u.filter) {
    int c = strcmp(a->u.filter, b->u.filter);
    if (c != 0) return c;
  }
  if (a->type == F_NET || a->type == F_UNIX) {
    if (a->side != b->side) return a->side < b->side ? -1 : 1;
    if (a->sub != b->sub) return a->sub < b->sub ? -1 : 1;
    if (a->type == F_NET && a->n.port != b->n.port) return a->n.port < b->n.port ? -1 : 1;
  }
  size_t m = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->text, b->text, m);
  if (c != 0) return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int spec_equal(const spec *a, const spec *b) {
  if (a->type == F_NODE || a->type == F_CARVE) return 0;
  return cmp_spec(a, b) == 0;
}

/* Bytes a string takes in the profile text (escapes counted). */
static size_t text_cost(const char *s, size_t n) {
  size_t cost = n + 4;
  for (size_t i = 0; i < n; i++) cost += (s[i] == '"' || s[i] == '\\');
  return cost;
}

/* The emitter's state: the rule being filled and its size. */
typedef struct emitter {
  compiler *c;
  group *g;
  sbp_node *rule;
  size_t size;
  size_t parts;
} emitter;

static int new_rule(emitter *em) {
  compiler *c = em->c;
  group *g = em->g;
  sbp_error *err = c->err;
  const char *ops = g->ops;
  const char *sp = strchr(ops, ' ');
  size_t first = sp ? (size_t)(sp - ops) : strlen(ops);
  int rc = sbp_profile_add_rule(c->prof, g->action, ops, first, &em->rule, err);
  while (rc == SBP_OK && sp != NULL) {
    ops = sp + 1;
    sp = strchr(ops, ' ');
    size_t l = sp ? (size_t)(sp - ops) : strlen(ops);
    rc = sbp_rule_add_operation(em->rule, ops, l, NULL, err);
  }
  if (rc == SBP_OK && c->comments && g->label.len > 0) {
    em->parts++;
    if (em->parts == 1) {
      sbp_buf t = SBP_BUF_INIT;
      rc = sbp__buf_puts(&t, c->a, "policy: ");
      if (rc == SBP_OK) rc = sbp__buf_put(&t, c->a, g->label.ptr, g->label.len);
      if (rc == SBP_OK) rc = sbp_rule_set_comment(em->rule, t.ptr, t.len, err);
      sbp_buf_dispose(&t);
    } else {
      char more[64];
      snprintf(more, sizeof more, "policy: (continued, part %zu)", em->parts);
      rc = sbp_rule_set_comment(em->rule, more, strlen(more), err);
    }
  }
  em->size = strlen(g->ops) + 16;
  return rc == SBP_OK ? SBP_OK : fail(c, rc);
}

/* Makes room for a filter of `cost` bytes: a new rule when the current one would pass the
 * limit. */
static int room(emitter *em, size_t cost) {
  if (em->rule == NULL || em->size + cost > RULE_BUDGET) {
    int rc = new_rule(em);
    if (rc != SBP_OK) return rc;
  }
  em->size += cost;
  return SBP_OK;
}

static int put_path_filter(compiler *c, sbp_node *parent, int type, const char *text,
                           size_t len) {
  static const char *const names[] = {"literal", "subpath", "regex"};
  sbp_node *f;
  const char *name = names[type];
  int rc = sbp_node_add_filter(parent, name, strlen(name), &f, c->err);
  if (rc == SBP_OK)
    rc = type == F_REGEX ? sbp_node_add_regex(f, text, len, NULL, c->err)
                         : sbp_node_add_string(f, text, len, NULL, c->err);
  return rc == SBP_OK ? SBP_OK : fail(c, rc);
}

static int emit_spec(emitter *em, const spec *s) {
  compiler *c = em->c;
  sbp_error *err = c->err;
  int rc;
  switch (s->type) {
    case F_LITERAL:
    case F_SUBPATH:
    case F_REGEX:
      if ((rc = room(em, text_cost(s->text, s->len) + 10)) != SBP_OK) return rc;
      return put_path_filter(c, em->rule, s->type, s->text, s->len);
    case F_NAME:
    case F_CONST: {
      if ((rc = room(em, text_cost(s->text, s->len) + strlen(s->u.filter) + 4)) != SBP_OK)
        return rc;
      sbp_node *f;
      rc = sbp_node_add_filter(em->rule, s->u.filter, strlen(s->u.filter), &f, err);
      if (rc == SBP_OK)
        rc = s->type == F_NAME ? sbp_node_add_string(f, s->text, s->len, NULL, err)
                               : sbp_node_add_constant(f, s->text, s->len, NULL, err);
      return rc == SBP_OK ? SBP_OK : fail(c, rc);
    }
    case F_NET: {
      if ((rc = room(em, 40)) != SBP_OK) return rc;
      sbp_node *f;
      const char *side = s->side == 1 ? "local" : "remote";
      rc = sbp_node_add_filter(em->rule, side, strlen(side), &f, err);
      if (rc == SBP_OK) rc = sbp_node_add_netaddr(f, "ip", 2, s->text, s->len, s->n.port, NULL, err);
      return rc == SBP_OK ? SBP_OK : fail(c, rc);
    }
    case F_UNIX: {
      if ((rc = room(em, text_cost(s->text, s->len) + 40)) != SBP_OK) return rc;
      sbp_node *f;
      const char *side = s->side == 1 ? "local" : "remote";
      rc = sbp_node_add_filter(em->rule, side, strlen(side), &f, err);
      if (rc == SBP_OK) rc = sbp_node_add_constant(f, "unix-socket", 11, NULL, err);
      if (rc == SBP_OK) return put_path_filter(c, f, s->sub, s->text, s->len);
      return fail(c, rc);
    }
    case F_NODE: {
      if ((rc = room(em, 200)) != SBP_OK) return rc;
      sbp_node *copy;
      rc = sbp_node_copy(c->prof, s->u.node, &copy, err);
      if (rc == SBP_OK) rc = sbp_node_append_child(em->rule, copy, err);
      return rc == SBP_OK ? SBP_OK : fail(c, rc);
    }
    case F_CARVE: {
      size_t cost = text_cost(s->text, s->len) + 30;
      const spec *nots = s->u.nots;
      for (size_t i = 0; i < s->n.nnots; i++) cost += text_cost(nots[i].text, nots[i].len) + 30;
      if ((rc = room(em, cost)) != SBP_OK) return rc;
      sbp_node *all, *not;
      rc = sbp_node_add_require(em->rule, SBP_NODE_REQUIRE_ALL, &all, err);
      if (rc == SBP_OK) rc = put_path_filter(c, all, s->sub, s->text, s->len);
      for (size_t i = 0; i < s->n.nnots && rc == SBP_OK; i++) {
        rc = sbp_node_add_require(all, SBP_NODE_REQUIRE_NOT, &not, err);
        if (rc == SBP_OK)
          rc = put_path_filter(c, not, nots[i].type, nots[i].text, nots[i].len);
      }
      return rc == SBP_OK ? SBP_OK : fail(c, rc);
    }
    default:
      return SBP_OK;
  }
}

/* Folds the specs s[idx[0..m)] (same type, literal or subpath, same parent, whose length is
 * plen) into alternation regexes of at most FOLD_STRING_MAX bytes; names that do not fit stay
 * as they are. */
static int emit_folded(emitter *em, const spec *s, const uint32_t *idx, size_t m, size_t plen) {
  compiler *c = em->c;
  const spec *first = &s[idx[0]];
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
      const spec *x = &s[idx[i]];
      const char *name = x->text + plen + 1;
      size_t nl = x->len - plen - 1;
      size_t mark = re.len;
      if (names > 0) rc = sbp__buf_putc(&re, c->a, '|');
      if (rc == SBP_OK) rc = sbp__regex_escape(&re, c->a, name, nl);
      if (rc != SBP_OK) break;
      if (text_cost(re.ptr, re.len) - 4 + strlen(tail) > FOLD_STRING_MAX) {
        sbp__buf_truncate(&re, mark);
        if (names == 0) {
          /* Too long to fold at all. */
          rc = emit_spec(em, x);
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
      rc = emit_spec(em, &s[idx[start]]);
    } else if (names > 1) {
      rc = sbp__buf_puts(&re, c->a, tail);
      if (rc == SBP_OK) rc = room(em, text_cost(re.ptr, re.len) + 10);
      if (rc == SBP_OK) rc = put_path_filter(c, em->rule, F_REGEX, re.ptr, re.len);
    }
  }
  sbp_buf_dispose(&head);
  sbp_buf_dispose(&re);
  return rc == SBP_OK ? SBP_OK : fail(c, rc);
}

/* The tables of emit_paths hold 64-bit slots: 32 bits of the key's hash above the value
 * (index + 1; 0 is empty), so that a probe looks at a spec only when the hash agrees. */
#define SLOT(h, v) (((uint64_t)(h) << 32) | (uint64_t)(v))
#define SLOT_HASH(x) ((uint32_t)((x) >> 32))
#define SLOT_VALUE(x) ((uint32_t)(x))

/* The slot of path x (hash h) in `paths` (spec index + 1): the slot holding a spec of the
 * same type and text, or the empty one where x goes. */
static size_t find_path(const spec *s, const uint64_t *paths, size_t mask, const spec *x,
                        uint64_t h) {
  size_t k = (size_t)h & mask;
  for (; paths[k] != 0; k = (k + 1) & mask) {
    if (SLOT_HASH(paths[k]) != (uint32_t)(h >> 32)) continue;
    const spec *y = &s[SLOT_VALUE(paths[k]) - 1];
    if (y->type == x->type && y->len == x->len && memcmp(y->text, x->text, x->len) == 0) break;
  }
  return k;
}

/* The slot of x's bucket (type and parent folder, of length pl; hash h) in `slots` (bucket
 * + 1), or the empty one where its bucket goes. */
static size_t find_bucket(const spec *s, const uint64_t *slots, size_t mask,
                          const uint32_t *first, const uint32_t *plen, const spec *x,
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
static int emit_paths(emitter *em, const spec *s, size_t n) {
  compiler *c = em->c;
  if (n == 0) return SBP_OK;
  if (n >= UINT32_MAX / 4) return fail(c, SBP_E_NOMEM);
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  /* One block: the bucket table and the table of distinct paths; per spec its parent's
   * length, bucket and next member; per bucket its first and last member and size; the
   * members of the bucket being folded. */
  size_t words = cap * 4 + n * 7;
  uint32_t *mem = sbp__calloc(c->a, words, sizeof(uint32_t));
  if (mem == NULL) return fail(c, SBP_E_NOMEM);
  memset(mem, 0, words * sizeof(uint32_t));
  uint64_t *slots = (uint64_t *)(void *)mem, *paths = slots + cap;
  uint32_t *plen = mem + cap * 4, *bucket_of = plen + n, *next = plen + 2 * n;
  uint32_t *first = plen + 3 * n, *last = plen + 4 * n, *count = plen + 5 * n;
  uint32_t *members = plen + 6 * n;
  const uint32_t none = UINT32_MAX;
  size_t mask = cap - 1, nb = 0;
  for (size_t i = 0; i < n; i++) {
    const spec *x = &s[i];
    /* A path seen before (same type and text) is dropped. */
    uint64_t h = hash_bytes(x->text, x->len) + x->type;
    size_t k = find_path(s, paths, mask, x, h);
    if (paths[k] != 0) {
      bucket_of[i] = none;
      continue;
    }
    paths[k] = SLOT(h >> 32, i + 1);
    size_t pl = parent_len(x);
    plen[i] = (uint32_t)pl;
    h = hash_bytes(x->text, pl) + x->type;
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
      for (uint32_t j = first[bi]; j != none && rc == SBP_OK; j = next[j]) rc = emit_spec(em, &s[j]);
    }
    count[bi] = 0;
  }
  sbp__free(c->a, mem);
  return rc == SBP_OK ? SBP_OK : fail(c, rc);
}

static int is_path_spec(const spec *s) { return s->type == F_LITERAL || s->type == F_SUBPATH; }

static int emit_group(compiler *c, group *g) {
  if (label_close_range(c, g) != SBP_OK) return fail(c, SBP_E_NOMEM);
  emitter em = {c, g, NULL, 0, 0};
  int rc = SBP_OK;
  if (g->unfiltered) {
    rc = new_rule(&em);
    em.rule = NULL;
    em.parts = 0;
  }
  if (rc != SBP_OK || g->nspecs == 0) return rc;
  /* The path filters to the front (in their order), the others after them. The others are
   * few: they are set aside in an array that grows as needed, not one the size of the group,
   * which for 100,000 paths would be megabytes to clear and walk. */
  spec *s = g->specs, *others = NULL;
  size_t n = g->nspecs, np = 0, no = 0, ocap = 0;
  for (size_t i = 0; i < n; i++) {
    if (is_path_spec(&s[i])) {
      s[np++] = s[i];
      continue;
    }
    if (no == ocap) {
      size_t nc = ocap ? ocap * 2 : 16;
      spec *grown = sbp__realloc(c->a, others, nc * sizeof(spec));
      if (grown == NULL) {
        sbp__free(c->a, others);
        return fail(c, SBP_E_NOMEM);
      }
      others = grown;
      ocap = nc;
    }
    others[no++] = s[i];
  }
  if (no > 0) memcpy(s + np, others, no * sizeof(spec));
  sbp__free(c->a, others);
  rc = emit_paths(&em, s, np);
  /* The rest, few: sorted, duplicates dropped. qsort is not stable: F_NODE and F_CARVE
   * entries compare equal among themselves, and their order does not change what the rule
   * matches (its filters are OR-ed). */
  spec *o = s + np;
  qsort(o, no, sizeof(*o), cmp_spec);
  for (size_t i = 0; i < no && rc == SBP_OK; i++)
    if (i == 0 || !spec_equal(&o[i - 1], &o[i])) rc = emit_spec(&em, &o[i]);
  return rc;
}

static void free_groups(compiler *c) {
  for (size_t i = 0; i < c->ngroups; i++) {
    sbp__free(c->a, c->groups[i]->specs);
    sbp_buf_dispose(&c->groups[i]->label);
    sbp__free(c->a, c->groups[i]);
  }
  sbp__free(c->a, c->groups);
  c->groups = NULL;
  c->ngroups = c->gcap = 0;
}

static void reset_warnings(sbp_policy *p) {
  sbp__arena_release(&p->warn_arena);
  sbp__arena_init(&p->warn_arena, &p->alloc);
  p->nwarnings = 0;
}

#define DEFAULT_COMMENT "policy: everything not allowed below is denied"

int sbp_policy_compile(sbp_policy *p, sbp_profile **out, sbp_error *err) {
  if (out != NULL) *out = NULL;
  if (p == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "policy: NULL");
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  reset_warnings(p);
  compiler c;
  memset(&c, 0, sizeof(c));
  c.p = p;
  c.a = &p->alloc;
  c.err = err;
  c.comments = sbp_policy_option_get(p, SBP_POLICY_COMMENTS);
  c.spellings = sbp_policy_option_get(p, SBP_POLICY_BOTH_SPELLINGS);
  sbp__arena_init(&c.arena, c.a);
  sbp_profile *scratch = NULL;
  int rc = sbp_profile_new(&c.prof, c.a);
  if (rc == SBP_OK) rc = sbp_profile_set_version(c.prof, 1, err);
  sbp_node *def = NULL;
  if (rc == SBP_OK) rc = sbp_add_default(c.prof, SBP_DENY, &def, err);
  if (rc == SBP_OK && c.comments)
    rc = sbp_rule_set_comment(def, DEFAULT_COMMENT, sizeof(DEFAULT_COMMENT) - 1, err);
  if (rc != SBP_OK) fail(&c, rc);
  if (c.rc == SBP_OK) {
    c.lists = sbp__malloc(c.a, p->nentries > 0 ? p->nentries : 1);
    if (c.lists == NULL) fail(&c, SBP_E_NOMEM);
    for (size_t i = 0; c.lists != NULL && i < p->nentries; i++) c.lists[i] = p->entries[i].list;
  }
  if (c.rc == SBP_OK) add_process_and_options(&c);
  if (c.rc == SBP_OK) add_base_entries(&c, &scratch);
  if (c.rc == SBP_OK) add_network(&c);
  if (c.rc == SBP_OK) add_reads(&c);
  if (c.rc == SBP_OK) add_writes(&c);
  if (c.rc == SBP_OK) add_move_protection(&c);
  for (int sec = 0; sec < S_COUNT && c.rc == SBP_OK; sec++)
    for (size_t i = 0; i < c.ngroups && c.rc == SBP_OK; i++)
      if (c.groups[i]->section == sec) emit_group(&c, c.groups[i]);
  rc = c.rc;
  if (rc == SBP_OK && p->srt_defaults) rc = sbp__policy_srt_grants(p, c.prof, err);
  free_groups(&c);
  sbp__free(c.a, c.roots.slots);
  sbp__free(c.a, (void *)c.sorted_roots);
  sbp__free(c.a, c.lists);
  sbp__arena_release(&c.arena);
  sbp_profile_free(scratch);
  if (rc != SBP_OK) {
    sbp_profile_free(c.prof);
    if (rc == SBP_E_NOMEM) return sbp__nomem(err);
    return rc;
  }
  *out = c.prof;
  return SBP_OK;
}

int sbp_policy_to_sbpl(sbp_policy *p, sbp_buf *out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  sbp_profile *prof = NULL;
  int rc = sbp_policy_compile(p, &prof, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_serialize(prof, NULL, out, err);
  sbp_profile_free(prof);
  return rc;
}

int sbp_profile_check_exec_argument(const sbp_profile *profile, size_t *bytes, sbp_error *err) {
  if (bytes != NULL) *bytes = 0;
  if (profile == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile: NULL");
  sbp_buf out = SBP_BUF_INIT;
  int rc = sbp_serialize(profile, NULL, &out, err);
  size_t n = out.len;
  sbp_buf_dispose(&out);
  if (rc != SBP_OK) return rc;
  if (bytes != NULL) *bytes = n;
  if (n > SBP_SANDBOX_EXEC_ARG_MAX)
    return sbp__error(err, SBP_E_LIMIT,
                      "the profile is %zu bytes, over the %u that sandbox-exec -p takes as one "
                      "argument: write it to a file and use sandbox-exec -f",
                      n, (unsigned)SBP_SANDBOX_EXEC_ARG_MAX);
  return SBP_OK;
}
