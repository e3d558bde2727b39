/* The decision procedure (docs/semantics.md sections 3 and 4) over a compiled decider:
 * filter evaluation in Kleene logic, the indexed and rule-by-rule walks of the chain, the
 * fallback steps, the three-valued resolution and the flags of the weak facts relied on. */
#include "decider_form.h"

#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "decide.h"
#include "decider.h"
#include "error.h"
#include "netaddr.h"
#include "node.h"
#include "regex.h"
#include "rule_text.h"

/* Kleene truth values. */
#define SBP__F 0
#define SBP__U 1
#define SBP__T 2

/* ---- evaluating filters ----------------------------------------------------------------- */

typedef struct dz_ctx {
  const sbp_decider *d;
  const sbp_request *req;
  uint32_t flags;        /* request-time option flags */
  const char *path;      /* the path attribute after canonical mapping, or NULL */
  size_t path_len;
  uint32_t excluded;     /* bit per sbp_attr the request rules out (exclusive_attrs) */
  const char *missing;   /* the last attribute found missing */
  int braces;            /* a regex with {m,n} was evaluated */
  const char *whole;     /* the last string hashed whole by walk_bucket, and its hash */
  size_t whole_len;
  uint64_t whole_hash;
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

static int net_match(const sbp_node *v, const sbp__req_attr *a) {
  /* a request's local and remote are always addresses (sbp_request_set_netaddr() is the only
   * setter that takes them); a value without text has no protocol (fb is 0) */
  if (v->kind != SBP_VALUE_NETADDR) return SBP__F;
  uint32_t fb = sbp__net_proto_bits(v->text, v->text_len);
  if (fb == 0) return SBP__F;
  uint32_t ffam = fb & 3u, ftr = fb & 12u;
  uint32_t rfam = a->proto & 3u, rtr = a->proto & 12u;
  if (rfam == 0) rfam = 3u;
  if ((rfam & ~ffam) != 0) return SBP__F;
  if (ftr != 0 && ftr != 12u) {
    if (rtr == 0 || rtr == 12u || (rtr & ~ftr) != 0) return SBP__F;
  }
  if (v->host != SBP__HOST_NONE) { /* an address: host and port */
    if (v->host == SBP__HOST_LOCALHOST && !a->loopback) return SBP__F;
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

/* Attributes a request cannot carry together: when it gives `given`, a filter on `filter` is
 * false rather than unknown. A mach lookup names a global or a local name; a network request
 * is about a local address (bind, inbound) or a remote one (outbound), or a unix socket's
 * path instead of an address. */
static const struct {
  uint8_t filter, given;
} exclusive_attrs[] = {
    {SBP_ATTR_LOCAL_NAME, SBP_ATTR_GLOBAL_NAME}, {SBP_ATTR_GLOBAL_NAME, SBP_ATTR_LOCAL_NAME},
    {SBP_ATTR_LOCAL, SBP_ATTR_REMOTE},           {SBP_ATTR_REMOTE, SBP_ATTR_LOCAL},
    {SBP_ATTR_PATH, SBP_ATTR_LOCAL},             {SBP_ATTR_PATH, SBP_ATTR_REMOTE},
    {SBP_ATTR_LOCAL, SBP_ATTR_PATH},             {SBP_ATTR_REMOTE, SBP_ATTR_PATH},
};

static uint32_t excluded_attrs(const sbp_request *req) {
  uint32_t bits = 0;
  for (size_t a = 0; a < req->nattrs; a++) {
    uint32_t given = req->attrs[a].known; /* 0 for a named attribute: none of the table's */
    for (size_t i = 0; given != 0 && i < sizeof exclusive_attrs / sizeof exclusive_attrs[0]; i++)
      if (exclusive_attrs[i].given == given) bits |= 1u << exclusive_attrs[i].filter;
  }
  return bits;
}

static int is_excluded(const dz_ctx *c, const char *base) {
  if (c->excluded == 0) return 0;
  for (uint32_t a = 1; a < 32; a++)
    if ((c->excluded >> a) & 1u) {
      const char *n = sbp_attr_name((sbp_attr)a);
      if (n != NULL && strcmp(n, base) == 0) return 1;
    }
  return 0;
}

/* The kinds of `target` (self=1, pgrp=2, others=3, children=4, same-sandbox=5, initproc=6)
 * overlap: a request names the one it knows, and a filter on another kind is then true,
 * false or unknown by this table (rows: the request's kind; columns: the filter's). */
static int target_kinds(int64_t have, int64_t want) {
  static const uint8_t t[6][6] = {
      /* self */ {SBP__T, SBP__T, SBP__F, SBP__F, SBP__T, SBP__F},
      /* pgrp */ {SBP__U, SBP__T, SBP__U, SBP__U, SBP__U, SBP__U},
      /* others */ {SBP__F, SBP__U, SBP__T, SBP__U, SBP__U, SBP__U},
      /* children */ {SBP__F, SBP__U, SBP__T, SBP__T, SBP__U, SBP__F},
      /* same-sandbox */ {SBP__U, SBP__U, SBP__U, SBP__U, SBP__T, SBP__F},
      /* initproc */ {SBP__F, SBP__U, SBP__T, SBP__F, SBP__F, SBP__T},
  };
  if (have < 1 || have > 6 || want < 1 || want > 6) return have == want ? SBP__T : SBP__F;
  return t[have - 1][want - 1];
}

/* What a filter over a parameter without a value needs (sbp_decision_missing_attr()); the
 * parameter itself is found afterwards (first_param). */
static const char param_value[] = "a parameter's value";

/* The name of the first parameter without a value under a rule, or NULL. */
static const char *first_param(const sbp_node *rule) {
  const sbp_node *n = rule->first;
  while (n != NULL) {
    if (n->type == SBP_NODE_VALUE && n->kind == SBP_VALUE_PARAM) return n->text;
    if (n->first != NULL) {
      n = n->first;
      continue;
    }
    while (n != NULL && n != rule && n->next == NULL) n = n->parent;
    if (n == NULL || n == rule) break;
    n = n->next;
  }
  return NULL;
}

/* One leaf filter: T, F or U. */
static int eval_leaf(dz_ctx *c, const sbp_node *f) {
  const sbp_node *inner = sbp__unix_socket_inner(f);
  if (inner != NULL) f = inner; /* (remote unix-socket (subpath P)) is (subpath P) */
  const sbp__filter_info *fi = sbp__catalog_filter(c->d->macos, f->text, f->text_len);
  if (fi == NULL) { /* the rule is marked unknown (scan_rule) */
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
    if (is_excluded(c, fi->base)) return SBP__F;
    c->missing = fi->base;
    return SBP__U;
  }
  int result = SBP__F;
  for (const sbp_node *v = f->first; v && result != SBP__T; v = v->next) {
    int r = SBP__F;
    if (v->kind == SBP_VALUE_PARAM || v->kind == SBP_VALUE_CONCAT) {
      c->missing = param_value;
      r = SBP__U;
    } else if (fi->arg == SBP__ARG_NETWORK) {
      r = net_match(v, a);
    } else if (fi->match == SBP__MATCH_REGEX) {
      dz_rx *x = dz_find_rx(c->d, v);
      if (x != NULL && a->kind == SBP__RQ_STRING) {
        if (sbp__regex_flags(x->re) & SBP__RE_USES_BRACES) c->braces = 1;
        r = dz_rx_search(c->d, x, s, slen) ? SBP__T : SBP__F;
      }
    } else if (fi->arg == SBP__ARG_INTEGER || fi->arg == SBP__ARG_BITFIELD ||
               fi->arg == SBP__ARG_BOOLEAN) {
      int64_t want, have;
      if (!int_of_value(c, fi->base, v, &want)) { /* the rule is marked unknown (scan_rule) */
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
        else if (strcmp(fi->base, "target") == 0) {
          r = target_kinds(have, want);
          if (r == SBP__U) c->missing = "target"; /* a narrower kind would settle it */
        }
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

/* The trace's writes keep a failure in rc (each gives SBP_OK or SBP_E_NOMEM, so rc |= stays
 * one of them) and it is looked at once, after the lines written together. */
static int trace_rule(sbp_buf *t, const sbp_alloc *a, const char *prefix, const sbp_node *rule,
                      const char *suffix) {
  int rc = sbp__buf_puts(t, a, prefix);
  rc |= sbp__rule_where(t, a, rule);
  rc |= sbp__buf_puts(t, a, ": ");
  rc |= sbp__rule_text(t, a, rule);
  if (suffix) rc |= sbp__buf_puts(t, a, suffix);
  rc |= sbp__buf_putc(t, a, '\n');
  return rc;
}

/* The first k >= from, up to len, at which walk_bucket may look up a prefix of str[0..len)
 * in slot s (len + 1 when none): a length a prefix or regex key of the slot has, or a '/'
 * where a subpath key of that length or one more is kept. Lengths come from the slot's
 * bitmaps, a byte (8 lengths) at a time, so a path is not scanned byte by byte. It may give a
 * k that looks up nothing; it never skips one. */
static size_t next_probe(const dz_slot *s, const char *str, size_t len, size_t from) {
  int pre = s->has[DZ_K_PREFIX], sub = s->has[DZ_K_SUBPATH], rex = s->has[DZ_K_RE];
  size_t k = from;
  while (k <= len && k < DZ_LENS) {
    size_t byte = k >> 3;
    unsigned any = (unsigned)(pre ? s->lens[DZ_K_PREFIX][byte] : 0u) |
                   (unsigned)(rex ? s->lens[DZ_K_RE][byte] : 0u);
    unsigned slash = 0; /* lengths l with a subpath key of length l or l + 1 */
    if (sub) {
      unsigned here = s->lens[DZ_K_SUBPATH][byte];
      unsigned next = byte + 1 < DZ_LENS / 8 ? s->lens[DZ_K_SUBPATH][byte + 1]
                                             : s->longv[DZ_K_SUBPATH];
      slash = (here | (here >> 1) | ((next & 1u) << 7)) & 0xffu;
    }
    for (unsigned bits = (any | slash) >> (k & 7u); bits != 0; bits >>= 1, k++) {
      if (!(bits & 1u)) continue;
      if (k > len) return len + 1;
      if ((any >> (k & 7u)) & 1u) return k;
      if (k < len && str[k] == '/') return k;
    }
    k = (byte + 1) * 8;
  }
  if (k > len) return len + 1;
  /* lengths of DZ_LENS bytes or more: one flag per kind */
  if ((pre && s->longv[DZ_K_PREFIX]) || (rex && s->longv[DZ_K_RE])) return k;
  if (sub && s->longv[DZ_K_SUBPATH] && k < len) {
    const char *p = memchr(str + k, '/', len - k);
    if (p != NULL) return (size_t)(p - str);
  }
  return len + 1;
}

/* The indexed path for one bucket: hashed values and regex groups, then the rules that are
 * not indexed, from the last written, while they could still beat *best. */
static int walk_bucket(dz_ctx *c, const dz_bucket *b, int64_t *best, const char **best_op,
                       dz_cand unk[3], int64_t *braces_idx) {
  const sbp_decider *d = c->d;
  int rc = SBP_OK;
  {
    /* indexed slots */
    for (size_t si = 0; si < b->nslots; si++) {
      const dz_slot *s = &b->slots[si];
      const char *base = s->attr < SBP__ATTR_FIRST_EXTRA ? sbp__dz_attr_names[s->attr]
                                                        : d->extra[s->attr - SBP__ATTR_FIRST_EXTRA];
      const sbp__req_attr *a = s->attr < SBP__ATTR_FIRST_EXTRA
                                   ? sbp__request_attr_known(c->req, s->attr)
                                   : sbp__request_attr(c->req, base);
      if (a == NULL) {
        if (s->attr < 32 && ((c->excluded >> s->attr) & 1u)) continue;
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
      int pre = s->has[DZ_K_PREFIX], sub = s->has[DZ_K_SUBPATH], rex = s->has[DZ_K_RE];
      uint64_t state = DZ_HASH_SEED; /* over the whole words of str[0..done) */
      size_t done = 0;
      /* The prefixes that may have a key, shortest first: h is the hash of str[0..k). */
      for (size_t k = 0; (pre || sub || rex) && (k = next_probe(s, str, len, k)) <= len; k++) {
        uint64_t h = dz_prefix_hash(str, len, k, &state, &done);
        if (rex && k > 0 && dz_slot_has_len(s, DZ_K_RE, k)) {
          const dz_key *cell = dz_find_cell(d, h, bi, s->attr, DZ_K_RE, str, k);
          if (cell != NULL && cell->rule > hit && cell->rule > *best) {
            dz_group *g = &d->groups[cell->group];
            for (size_t gi = g->n; gi-- > 0;) {
              dz_reent *e = gi + 1 == g->n ? &g->last : &g->e[gi];
              if ((int64_t)e->rule <= hit || (int64_t)e->rule <= *best) break;
              if (e->braces && (int64_t)e->rule > *braces_idx) *braces_idx = e->rule;
              if (dz_ent_search(d, e, str, len)) {
                hit = e->rule;
                break;
              }
            }
          }
        }
        if (pre && dz_slot_has_len(s, DZ_K_PREFIX, k)) {
          int64_t r = dz_find_key(d, h, bi, s->attr, DZ_K_PREFIX, str, k);
          if (r > hit) hit = r;
        }
        if (sub && k < len && str[k] == '/') {
          /* k == 0: (subpath "") matches every absolute path (subpath_match) */
          if (dz_slot_has_len(s, DZ_K_SUBPATH, k)) {
            int64_t r = dz_find_key(d, h, bi, s->attr, DZ_K_SUBPATH, str, k);
            if (r > hit) hit = r;
          }
          if (dz_slot_has_len(s, DZ_K_SUBPATH, k + 1)) {
            uint64_t h2 = dz_prefix_hash(str, len, k + 1, &state, &done);
            int64_t r = dz_find_key(d, h2, bi, s->attr, DZ_K_SUBPATH, str, k + 1);
            if (r > hit) hit = r;
          }
        }
      }
      int whole_exact = s->has[DZ_K_EXACT] && dz_slot_has_len(s, DZ_K_EXACT, len);
      /* subpath equal to the whole string (already counted when it ends with '/') */
      int whole_sub =
          sub && !(len > 0 && str[len - 1] == '/') && dz_slot_has_len(s, DZ_K_SUBPATH, len);
      if (whole_exact || whole_sub) {
        /* the whole string's hash, kept for the other buckets of the decision */
        if (c->whole == NULL || c->whole != str || c->whole_len != len) {
          c->whole = str;
          c->whole_len = len;
          c->whole_hash = dz_prefix_hash(str, len, len, &state, &done);
        }
        uint64_t h = c->whole_hash;
        if (whole_exact) {
          int64_t r = dz_find_key(d, h, bi, s->attr, DZ_K_EXACT, str, len);
          if (r > hit) hit = r;
        }
        if (whole_sub) {
          int64_t r = dz_find_key(d, h, bi, s->attr, DZ_K_SUBPATH, str, len);
          if (r > hit) hit = r;
        }
      }
      if (hit > *best) {
        *best = hit;
        *best_op = b->op;
      }
    }
  }
  /* rules not indexed, from the last written */
  for (size_t i = b->ngen; i-- > 0;) {
    const dz_entry *e = &b->gen[i];
    if ((int64_t)e->rule <= *best) break;
    c->braces = 0;
    c->missing = NULL;
    int v = eval_top(c, e->filter, &rc);
    if (rc != SBP_OK) return rc;
    if (c->braces && (int64_t)e->rule > *braces_idx) *braces_idx = e->rule;
    if (v == SBP__T) {
      *best = e->rule;
      *best_op = b->op;
      break;
    }
    if (v == SBP__U)
      note_unknown(&unk[d->rules[e->rule].action], e->rule, c->missing ? c->missing : "?");
  }
  return SBP_OK;
}

/* The slow path for one bucket: every rule of the profile that speaks on this operation,
 * evaluated one by one from the last written (all of them when tracing). */
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
      const char *param = v == SBP__U && missing == param_value ? first_param(r->node) : NULL;
      if (param) {
        rc |= sbp__buf_puts(trace, &d->alloc, "      (needs a value for parameter \"");
        rc |= sbp__buf_puts(trace, &d->alloc, param);
        rc |= sbp__buf_puts(trace, &d->alloc, "\", which has none)\n");
      } else if (v == SBP__U && missing) {
        rc |= sbp__buf_puts(trace, &d->alloc, "      (needs ");
        rc |= sbp__buf_puts(trace, &d->alloc, missing);
        rc |= sbp__buf_puts(trace, &d->alloc, ", which the request does not give)\n");
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

#define DZ_NOT_ALONE (-2)

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
  if (opt != NULL && (opt->version == 0 || opt->version > SBP_DECIDE_OPTIONS_VERSION))
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
  out->missing_import = NULL;
  out->missing_param = NULL;

  sbp__request_chain(req, d->macos);
  dz_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.req = req;
  c.flags = opt->flags;
  const sbp__req_attr *pa = sbp__request_attr_known(req, SBP_ATTR_PATH);
  c.excluded = excluded_attrs(req);
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
  /* per level: the best rule of its bucket walked alone (from no rule), which the other
   * reading of precedence below asks again; DZ_NOT_ALONE when not known */
  int64_t alone[SBP__CHAIN_MAX];
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
    alone[i] = DZ_NOT_ALONE;
    int64_t bi = req->memo_id == d->id ? req->memo_bucket[i]
                                       : dz_find_bucket(d, req->chain[i], req->chain_len[i]);
    ((sbp_request *)(uintptr_t)req)->memo_bucket[i] = bi;
    chain_b[i] = bi >= 0 ? &d->buckets[bi] : NULL;

    if (chain_b[i] == NULL) continue;
    if (req->chain_len[i] == 7 && memcmp(req->chain[i], "default", 7) == 0)
      default_b = chain_b[i];
    if (trace) {
      rc = sbp__buf_puts(trace, A, "  on ");
      rc |= sbp__buf_put(trace, A, req->chain[i], req->chain_len[i]);
      rc |= sbp__buf_puts(trace, A, ":\n");
      if (rc) goto done;
    }
    int64_t before = best;
    rc = slow ? walk_bucket_slow(&c, chain_b[i], &best, &best_op, unk, &braces_idx, trace)
              : walk_bucket(&c, chain_b[i], &best, &best_op, unk, &braces_idx);
    if (before == SBP__NO_RULE && trace == NULL) alone[i] = best;
    if (rc) goto done;
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
    size_t op_len = out->op ? strlen(out->op) : 0;
    for (size_t i = 0; i < req->nchain && out->op; i++)
      if (req->chain[i] == out->op || (req->chain_len[i] == op_len &&
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

  /* precedence across the chain, the other reading: from the exact operation outward,
   * filtered then unfiltered rules within each level, last written wins */
  if (action != 0 && (out->step == SBP_STEP_FILTERED || out->step == SBP_STEP_UNFILTERED)) {
    int64_t alt = SBP__NO_RULE;
    const char *alt_op = NULL;
    int alt_filtered = 0;
    for (size_t i = 0; i < req->nchain && alt < 0 && rc == SBP_OK; i++) {
      if (chain_b[i] == NULL || chain_b[i] == default_b) continue;
      int64_t lb = SBP__NO_RULE, lbr = SBP__NO_RULE;
      dz_cand lunk[3] = {{SBP__NO_RULE, NULL}, {SBP__NO_RULE, NULL}, {SBP__NO_RULE, NULL}};
      /* Without a trace, every level this loop reaches was walked alone in step 1 (the
       * levels before it found no rule, so best was still none): the same walk, the same
       * answer. A trace walks every rule in step 1, so it walks the level again here. */
      if (alone[i] != DZ_NOT_ALONE)
        lb = alone[i];
      else
        rc = walk_bucket_slow(&c, chain_b[i], &lb, &alt_op, lunk, &lbr, NULL);
      alt_filtered = lb >= 0;
      alt = lb >= 0 ? lb : chain_b[i]->last_unf_any;
      alt_op = chain_b[i]->op;
    }
    if (rc) goto done;
    if (alt >= 0 && d->rules[alt].action != action) {
      out->flags |= SBP_DECISION_FLAG_CHAIN_PRECEDENCE;
      if (opt->flags & SBP_DECIDE_SPECIFIC_FIRST) {
        action = d->rules[alt].action;
        out->rule_index = alt;
        out->rule = d->rules[alt].node;
        out->op = alt_op;
        out->step = alt_filtered ? SBP_STEP_FILTERED : SBP_STEP_UNFILTERED;
      }
    }
  }

  /* three-valued: rules skipped for a missing attribute */
  int64_t floor = out->step == SBP_STEP_FILTERED ? best : SBP__NO_RULE;
  int report = opt->unknown_policy == SBP_UNKNOWN_REPORT;
  out->result = action == 0 ? SBP_DECISION_UNKNOWN : action;
  if ((out->flags & SBP_DECISION_FLAG_CHAIN_PRECEDENCE) &&
      (opt->flags & SBP_DECIDE_STRICT_PRECEDENCE))
    out->result = SBP_DECISION_UNKNOWN;
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
      if (out->missing == param_value) out->missing_param = first_param(out->skipped);
      if (d->rules[unk[pick].idx].unknown) out->flags |= SBP_DECISION_FLAG_UNKNOWN_NAME;
      if (report && action != 0 && pick != action) out->result = SBP_DECISION_UNKNOWN;
    }
  }

  /* an import that was not found may hold any rule: only a filtered rule written after the
   * last of them decides for sure */
  for (size_t i = 0; i < d->nimports; i++) {
    if (out->step == SBP_STEP_FILTERED && d->imports[i].rules_before <= out->rule_index) continue;
    out->flags |= SBP_DECISION_FLAG_MISSING_IMPORT;
    out->missing_import = d->imports[i].node;
    if (report) out->result = SBP_DECISION_UNKNOWN;
    break;
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
