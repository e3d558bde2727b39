/* The SBPL serializer: a profile's tree to deterministic, correctly escaped SBPL text.
 *
 * Text goes straight into the output buffer through a small writer that reserves room in
 * blocks, so that the common pieces (names, paths without quotes or backslashes) cost one
 * copy each, and the commonest shapes (a rule's head, a filter of one such string) one
 * reservation each. A profile is checked item by item just before each is written, so that
 * its nodes are read from memory once. Filters may nest without bound, so subtrees are
 * walked with the parent links, never by recursion. Rule splitting happens while writing: a
 * filter that would push the current rule over the limit is moved (once) behind a fresh copy
 * of the rule's head. */
#include <stdio.h>
#include <string.h>

#include "sbprofile/serialize.h"

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "escape_scan.h"
#include "node.h"
#include "treeops.h"

#define ALL_FLAGS (SBP_SERIALIZE_COMPACT | SBP_SERIALIZE_NO_COMMENTS | SBP_SERIALIZE_NO_SPLIT)

#define SYMBOL_MEMO 16 /* a power of two */

typedef struct ser {
  sbp_buf out;           /* the text being written */
  size_t end;            /* out.len may grow up to here without asking the allocator */
  const sbp_alloc *alloc;
  uint32_t flags;
  size_t limit;          /* split limit */
  sbp_buf scratch;       /* a filter being moved behind a new rule head */
  sbp_error *err;
  int rc;                /* sticky: the first failure; writes are no-ops after it */
  /* Names already found to be symbols (texts of the profile, which outlive the writing): a
   * profile repeats a few operation and filter names over every rule, and comparing one
   * with its earlier copy costs less than checking it byte by byte again. */
  const char *symbol_seen[SYMBOL_MEMO];
  size_t symbol_seen_len[SYMBOL_MEMO];
} ser;

/* ---- the writer ------------------------------------------------------------------------ */

static int reserve_slow(ser *s, size_t n) {
  if (s->rc != SBP_OK) return 0;
  size_t extra = n < 4096 ? 4096 : n;
  if (sbp__buf_grow(&s->out, s->alloc, extra) != SBP_OK) {
    s->rc = sbp__nomem(s->err);
    return 0;
  }
  s->end = s->out.len + extra;
  return 1;
}

/* Room for n more bytes (the NUL is accounted for by the buffer). */
static inline int reserve(ser *s, size_t n) {
  if (s->out.len + n <= s->end && s->rc == SBP_OK) return 1;
  return reserve_slow(s, n);
}

static inline void put(ser *s, const char *p, size_t n) {
  if (!reserve(s, n)) return;
  memcpy(s->out.ptr + s->out.len, p, n);
  s->out.len += n;
}

#define PUT_LIT(s, lit) put((s), (lit), sizeof(lit) - 1)

static inline void putc1(ser *s, char c) {
  if (!reserve(s, 1)) return;
  s->out.ptr[s->out.len++] = c;
}

static void put_int(ser *s, int64_t v) {
  char tmp[24];
  size_t i = sizeof(tmp);
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[--i] = (char)('0' + (int)(u % 10));
    u /= 10;
  } while (u != 0);
  if (v < 0) tmp[--i] = '-';
  put(s, tmp + i, sizeof(tmp) - i);
}

/* The body of a "..." literal: '\' and '"' get a backslash; LF, TAB and CR are written \n,
 * \t and \r, the other control bytes \xHH (two hex digits: the escapes of TinyScheme's
 * string reader, which SBPL's is); all else is verbatim. Runs without escapes are copied
 * whole; t[i] is the first byte that needs an escape. */
static void put_escaped_from(ser *s, const char *t, size_t n, size_t i) {
  static const char hex[] = "0123456789ABCDEF";
  if (n > (SIZE_MAX - 16) / 4) {
    s->rc = sbp__nomem(s->err);
    return;
  }
  if (!reserve(s, 4 * n)) return;
  char *d = s->out.ptr + s->out.len;
  size_t done = 0; /* t[done..i) is verbatim, t[i] needs an escape */
  for (;;) {
    memcpy(d, t + done, i - done);
    d += i - done;
    if (i == n) break;
    unsigned char c = (unsigned char)t[i];
    *d++ = '\\';
    switch (c) {
      case '"': case '\\': *d++ = (char)c; break;
      case '\n': *d++ = 'n'; break;
      case '\t': *d++ = 't'; break;
      case '\r': *d++ = 'r'; break;
      default:
        *d++ = 'x';
        *d++ = hex[c >> 4];
        *d++ = hex[c & 15];
        break;
    }
    done = i + 1;
    i = sbp__next_escape(t, done, n);
  }
  s->out.len = (size_t)(d - s->out.ptr);
}

static void put_escaped_body(ser *s, const char *t, size_t n) {
  size_t i = sbp__next_escape(t, 0, n);
  if (i == n) {
    if (n) put(s, t, n);
    return;
  }
  put_escaped_from(s, t, n, i);
}

static int has_control(const char *t, size_t n) {
  size_t i = 0;
  for (; n - i >= sizeof(size_t); i += sizeof(size_t)) {
    size_t x;
    memcpy(&x, t + i, sizeof x);
    if (sbp__word_control(x)) return 1;
  }
  for (; i < n; i++)
    if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] == 0x7f) return 1;
  return 0;
}

static void put_quoted(ser *s, const char *t, size_t n) {
  size_t i = sbp__next_escape(t, 0, n);
  if (i < n) {
    putc1(s, '"');
    put_escaped_from(s, t, n, i);
    putc1(s, '"');
    return;
  }
  if (!reserve(s, n + 2)) return;
  char *d = s->out.ptr + s->out.len;
  d[0] = '"';
  if (n) memcpy(d + 1, t, n);
  d[n + 1] = '"';
  s->out.len += n + 2;
}

/* ---- errors ---------------------------------------------------------------------------- */

static void bad_name(ser *s, const sbp_node *n, const char *what) {
  if (s->rc != SBP_OK) return;
  char q[96] = "";
  sbp__error_quote(q, sizeof(q), n->text ? n->text : "", n->text_len, 60);
  sbp__error_at(s->err, SBP_E_INVALID_TREE, n->file, n->line, n->column, 0,
                "%s name \"%s\" is not an SBPL symbol", what, q);
  s->rc = SBP_E_INVALID_TREE;
}

/* Names are short (operation and filter names run 4 to 16 bytes): between 4 and 16 bytes,
 * two loads or stores that may overlap do what a call to memcmp or memcpy would. */
static inline int same_name(const char *a, const char *b, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a0, b0, a1, b1;
    memcpy(&a0, a, 8), memcpy(&b0, b, 8), memcpy(&a1, a + n - 8, 8), memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4 && n < 8) {
    uint32_t a0, b0, a1, b1;
    memcpy(&a0, a, 4), memcpy(&b0, b, 4), memcpy(&a1, a + n - 4, 4), memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return memcmp(a, b, n) == 0;
}

static inline void copy_name(char *d, const char *p, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t x0, x1;
    memcpy(&x0, p, 8), memcpy(&x1, p + n - 8, 8);
    memcpy(d, &x0, 8), memcpy(d + n - 8, &x1, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t x0, x1;
    memcpy(&x0, p, 4), memcpy(&x1, p + n - 4, 4);
    memcpy(d, &x0, 4), memcpy(d + n - 4, &x1, 4);
  } else {
    memcpy(d, p, n);
  }
}

/* Is n's name an SBPL symbol? Asked of the memo first. */
static inline int is_symbol_name(ser *s, const sbp_node *n) {
  size_t len = n->text_len;
  size_t m = (len ^ (len ? (unsigned char)n->text[0] : 0u)) & (SYMBOL_MEMO - 1);
  const char *seen = s->symbol_seen[m];
  if (n->text != NULL && seen != NULL && s->symbol_seen_len[m] == len &&
      (seen == n->text || same_name(seen, n->text, len)))
    return 1;
  if (!sbp__is_symbol(n->text, n->text_len)) return 0;
  s->symbol_seen[m] = n->text;
  s->symbol_seen_len[m] = len;
  return 1;
}

static void put_symbol(ser *s, const sbp_node *n, const char *what) {
  if (!is_symbol_name(s, n)) {
    bad_name(s, n, what);
    return;
  }
  if (!reserve(s, n->text_len)) return;
  copy_name(s->out.ptr + s->out.len, n->text, n->text_len);
  s->out.len += n->text_len;
}

/* ---- values and filters ---------------------------------------------------------------- */

static int is_compound(const sbp_node *n) {
  switch (n->type) {
    case SBP_NODE_FILTER:
    case SBP_NODE_REQUIRE_ALL:
    case SBP_NODE_REQUIRE_ANY:
    case SBP_NODE_REQUIRE_NOT:
    case SBP_NODE_MODIFIER:
      return 1;
    case SBP_NODE_VALUE:
      return n->kind == SBP_VALUE_CONCAT;
    default:
      return 0;
  }
}

static void put_leaf_value(ser *s, const sbp_node *n) {
  switch (n->kind) {
    case SBP_VALUE_STRING:
      put_quoted(s, n->text, n->text_len);
      break;
    case SBP_VALUE_REGEX:
      /* Raw only when it cannot end early under any reading: no '"', and no '\' right
       * before the closing quote (a reader that took \" as an escape would run on); and
       * only without control bytes, which raw strings cannot escape. */
      if (n->text_len == 0 ||
          (memchr(n->text, '"', n->text_len) == NULL && n->text[n->text_len - 1] != '\\' &&
           !has_control(n->text, n->text_len))) {
        PUT_LIT(s, "#\"");
        if (n->text_len != 0) put(s, n->text, n->text_len);
        putc1(s, '"');
      } else {
        put_quoted(s, n->text, n->text_len);
      }
      break;
    case SBP_VALUE_CONSTANT:
      put_symbol(s, n, "constant");
      break;
    case SBP_VALUE_INTEGER:
      put_int(s, n->num);
      break;
    case SBP_VALUE_BOOLEAN:
      if (n->num) PUT_LIT(s, "#t");
      else PUT_LIT(s, "#f");
      break;
    case SBP_VALUE_PARAM:
      PUT_LIT(s, "(param ");
      put_quoted(s, n->text, n->text_len);
      putc1(s, ')');
      break;
    case SBP_VALUE_NETADDR: {
      /* a further address of the same protocol is written without it, as it is read:
       * (local udp "*:500" "*:4500") */
      const sbp_node *pv = sbp__node_prev(n);
      int same = pv != NULL && pv->type == SBP_NODE_VALUE && pv->kind == SBP_VALUE_NETADDR &&
                 pv->host != SBP__HOST_NONE && n->host != SBP__HOST_NONE &&
                 pv->text_len == n->text_len && memcmp(pv->text, n->text, n->text_len) == 0;
      if (!same) put_symbol(s, n, "protocol");
      if (n->host != SBP__HOST_NONE) {
        size_t hl;
        const char *h = sbp__netaddr_host(n, &hl);
        if (same) putc1(s, '"');
        else PUT_LIT(s, " \"");
        put_escaped_body(s, h, hl);
        putc1(s, ':');
        if (n->num == SBP_PORT_ANY) putc1(s, '*');
        else put_int(s, n->num);
        putc1(s, '"');
      }
      break;
    }
    default:
      if (s->rc == SBP_OK) {
        sbp__error_at(s->err, SBP_E_INVALID_TREE, n->file, n->line, n->column, 0,
                      "value of unknown kind %d", (int)n->kind);
        s->rc = SBP_E_INVALID_TREE;
      }
      break;
  }
}

/* The opening of a node: "(subpath", "(require-all", "(with report", "(string-append", or the
 * whole text of a leaf (a value, an operation name). */
static void put_open(ser *s, const sbp_node *n) {
  switch (n->type) {
    case SBP_NODE_FILTER:
      putc1(s, '(');
      put_symbol(s, n, "filter");
      break;
    case SBP_NODE_REQUIRE_ALL:
      PUT_LIT(s, "(require-all");
      break;
    case SBP_NODE_REQUIRE_ANY:
      PUT_LIT(s, "(require-any");
      break;
    case SBP_NODE_REQUIRE_NOT:
      PUT_LIT(s, "(require-not");
      break;
    case SBP_NODE_MODIFIER:
      PUT_LIT(s, "(with ");
      put_symbol(s, n, "modifier");
      break;
    case SBP_NODE_OPERATION:
      put_symbol(s, n, "operation");
      break;
    case SBP_NODE_VALUE:
      if (n->kind == SBP_VALUE_CONCAT) PUT_LIT(s, "(string-append");
      else put_leaf_value(s, n);
      break;
    default:
      break;
  }
}

/* What goes before each filter of a rule: a new line and an indent, or in compact form a
 * space; kept in SEP_ROOM bytes, so that one store of fixed size writes either. */
#define SEP_ROOM 4
static const char sep_lines[SEP_ROOM] = "\n  ";
static const char sep_compact[SEP_ROOM] = " ";

/* The most common filter, a name and one string that needs no escape, (subpath "/usr"),
 * written after sep (SEP_ROOM bytes) in one piece: the same bytes put_tree() writes. The
 * string is checked for escapes as it is copied. Returns 0, having added nothing to the
 * output, for any other filter (put_tree() then writes it, or says what is wrong). */
static int put_plain_filter(ser *s, const char *sep, size_t sep_len, const sbp_node *f) {
  const sbp_node *v = f->first;
  if (f->type != SBP_NODE_FILTER || v == NULL || v->next != NULL || v->type != SBP_NODE_VALUE ||
      v->kind != SBP_VALUE_STRING || !is_symbol_name(s, f))
    return 0;
  size_t fn = f->text_len, vn = v->text_len;
  if (!reserve(s, SEP_ROOM + fn + vn + 5)) return 1;
  char *d = s->out.ptr + s->out.len;
  if (!sbp__copy_plain(d + sep_len + fn + 3, v->text, vn)) return 0;
  memcpy(d, sep, SEP_ROOM);
  d += sep_len;
  *d++ = '(';
  copy_name(d, f->text, fn);
  d += fn;
  *d++ = ' ';
  *d++ = '"';
  d += vn;
  *d++ = '"';
  *d++ = ')';
  s->out.len = (size_t)(d - s->out.ptr);
  return 1;
}

/* Writes the subtree at top (a filter, require-*, modifier, value or operation) on one line.
 * Iterative: the parent links lead back up, so depth costs no stack. */
static void put_tree(ser *s, const sbp_node *top) {
  const sbp_node *n = top;
  for (;;) {
    put_open(s, n);
    if (s->rc != SBP_OK) return;
    if (is_compound(n) && n->first != NULL) {
      putc1(s, ' ');
      n = n->first;
      continue;
    }
    for (;;) {
      if (is_compound(n)) putc1(s, ')');
      if (n == top) return;
      if (n->next != NULL) {
        putc1(s, ' ');
        n = n->next;
        break;
      }
      n = n->parent;
    }
  }
}

/* ---- comments -------------------------------------------------------------------------- */

/* One ';' line for every piece of t between LF, CR or CR LF. A space follows the ';' unless
 * the piece is empty or starts with a space, a tab or another ';'. */
static void put_comment(ser *s, const char *t, size_t n) {
  size_t i = 0;
  for (;;) {
    size_t j = i;
    while (j < n && t[j] != '\n' && t[j] != '\r') j++;
    putc1(s, ';');
    if (j > i && t[i] != ' ' && t[i] != '\t' && t[i] != ';') putc1(s, ' ');
    put(s, t + i, j - i);
    putc1(s, '\n');
    if (j >= n) return;
    if (t[j] == '\r' && j + 1 < n && t[j + 1] == '\n') j++;
    i = j + 1;
  }
}

/* ---- rules ----------------------------------------------------------------------------- */

typedef struct rule_ctx {
  const sbp_node *rule;
  const sbp_node *mods;   /* first modifier, or NULL */
  size_t head_start;      /* "(allow op ..." in the output */
  size_t head_len;
  const char *sep;        /* before each filter */
  size_t sep_len;
} rule_ctx;

/* Modifiers, the closing parenthesis and the end of the line. */
static void put_tail(ser *s, const rule_ctx *rc, int has_filters) {
  for (const sbp_node *m = rc->mods; m != NULL; m = m->next) {
    if (has_filters) put(s, rc->sep, rc->sep_len);
    else putc1(s, ' ');
    put_tree(s, m);
  }
  PUT_LIT(s, ")\n");
}

/* Ends the current piece of a split rule and starts the next: tail, newline, head again. */
static void put_break(ser *s, const rule_ctx *rc) {
  put_tail(s, rc, 1);
  if (!reserve(s, rc->head_len)) return;
  memcpy(s->out.ptr + s->out.len, s->out.ptr + rc->head_start, rc->head_len);
  s->out.len += rc->head_len;
}

/* Moves the text from mark to the end behind a break. */
static void break_before(ser *s, const rule_ctx *rc, size_t mark) {
  size_t n = s->out.len - mark;
  s->scratch.len = 0;
  if (sbp__buf_put(&s->scratch, s->alloc, s->out.ptr + mark, n) != SBP_OK) {
    s->rc = sbp__nomem(s->err);
    return;
  }
  s->out.len = mark;
  put_break(s, rc);
  put(s, s->scratch.ptr, n);
}

static size_t rule_number(const sbp_node *rule) {
  size_t k = 1;
  for (const sbp_node *c = sbp__node_prev(rule); c != NULL; c = sbp__node_prev(c))
    if (c->type == SBP_NODE_RULE) k++;
  return k;
}

static void too_large(ser *s, const rule_ctx *rc, const sbp_node *f, size_t size) {
  const sbp_node *r = rc->rule;
  char what[96];
  switch (f->type) {
    case SBP_NODE_FILTER:
      snprintf(what, sizeof(what), "filter \"%s\" with one value", f->text);
      break;
    case SBP_NODE_REQUIRE_ALL: snprintf(what, sizeof(what), "require-all"); break;
    case SBP_NODE_REQUIRE_ANY: snprintf(what, sizeof(what), "require-any"); break;
    default: snprintf(what, sizeof(what), "require-not"); break;
  }
  sbp__error_at(s->err, SBP_E_LIMIT, r->file, r->line, r->column, 0,
                "rule %zu (%s %s): %s takes %zu bytes, more than the split limit of %zu, and "
                "cannot be split",
                rule_number(r), r->kind == SBP_DENY ? "deny" : "allow", r->first->text, what,
                size, s->limit);
  s->rc = SBP_E_LIMIT;
}

/* A leaf filter too large on its own, written across pieces between its values. The current
 * piece holds no filter yet. Returns the size of the last piece's filters. */
static size_t split_values(ser *s, const rule_ctx *rc, const sbp_node *f) {
  size_t open_start = s->out.len;
  put(s, rc->sep, rc->sep_len);
  putc1(s, '(');
  put_symbol(s, f, "filter");
  if (s->rc != SBP_OK) return 0;
  size_t open_len = s->out.len - open_start;
  size_t cur = open_len + 1; /* the closing ')' */
  size_t in_piece = 0;
  for (const sbp_node *v = f->first; v != NULL; v = v->next) {
    size_t vm = s->out.len;
    putc1(s, ' ');
    put_tree(s, v);
    if (s->rc != SBP_OK) return 0;
    size_t vs = s->out.len - vm;
    if (cur + vs <= s->limit) {
      cur += vs;
      in_piece++;
      continue;
    }
    if (in_piece == 0) {
      too_large(s, rc, f, cur + vs);
      return 0;
    }
    /* Move this value behind ")" + break + the filter's opening. */
    s->scratch.len = 0;
    if (sbp__buf_put(&s->scratch, s->alloc, s->out.ptr + vm, vs) != SBP_OK) {
      s->rc = sbp__nomem(s->err);
      return 0;
    }
    s->out.len = vm;
    putc1(s, ')');
    put_break(s, rc);
    if (!reserve(s, open_len)) return 0;
    size_t at = s->out.len;
    memmove(s->out.ptr + at, s->out.ptr + open_start, open_len);
    s->out.len += open_len;
    open_start = at;
    put(s, s->scratch.ptr, vs);
    cur = open_len + 1 + vs;
    in_piece = 1;
    if (cur > s->limit) {
      too_large(s, rc, f, cur);
      return 0;
    }
  }
  putc1(s, ')');
  return cur;
}

/* "(allow op ...": in one piece when every operation name is a symbol, else name by name,
 * so that the first that is not is the error. Returns the rule's first child after them. */
static const sbp_node *put_head(ser *s, const sbp_node *rule) {
  size_t need = sizeof("(allow") - 1;
  const sbp_node *c = rule->first;
  for (; c != NULL && c->type == SBP_NODE_OPERATION && is_symbol_name(s, c); c = c->next)
    need += 1 + c->text_len;
  if (c != NULL && c->type == SBP_NODE_OPERATION) {
    if (rule->kind == SBP_DENY) PUT_LIT(s, "(deny");
    else PUT_LIT(s, "(allow");
    for (c = rule->first; c != NULL && c->type == SBP_NODE_OPERATION; c = c->next) {
      putc1(s, ' ');
      put_symbol(s, c, "operation");
    }
    return c;
  }
  if (!reserve(s, need)) return c;
  char *d = s->out.ptr + s->out.len;
  if (rule->kind == SBP_DENY) {
    memcpy(d, "(deny", 5);
    d += 5;
  } else {
    memcpy(d, "(allow", 6);
    d += 6;
  }
  for (const sbp_node *o = rule->first; o != c; o = o->next) {
    *d++ = ' ';
    copy_name(d, o->text, o->text_len);
    d += o->text_len;
  }
  s->out.len = (size_t)(d - s->out.ptr);
  return c;
}

static void put_rule(ser *s, const sbp_node *rule) {
  if (!(s->flags & SBP_SERIALIZE_NO_COMMENTS) && rule->comment != NULL)
    put_comment(s, rule->comment, strlen(rule->comment));
  rule_ctx rc;
  rc.rule = rule;
  rc.mods = NULL;
  for (const sbp_node *m = sbp__node_last(rule); m != NULL && m->type == SBP_NODE_MODIFIER;
       m = sbp__node_prev(m))
    rc.mods = m;
  rc.head_start = s->out.len;
  const sbp_node *c = put_head(s, rule);
  rc.head_len = s->out.len - rc.head_start;
  if (s->flags & SBP_SERIALIZE_COMPACT) {
    rc.sep = sep_compact;
    rc.sep_len = 1;
  } else {
    rc.sep = sep_lines;
    rc.sep_len = 3;
  }
  const int split = !(s->flags & SBP_SERIALIZE_NO_SPLIT);
  int has_filters = 0;
  size_t chunk = 0; /* bytes of filters in the current piece */
  for (; c != NULL && sbp__is_filter(c); c = c->next) {
    has_filters = 1;
    size_t mark = s->out.len;
    if (!put_plain_filter(s, rc.sep, rc.sep_len, c)) {
      put(s, rc.sep, rc.sep_len);
      put_tree(s, c);
    }
    if (s->rc != SBP_OK) return;
    size_t fsize = s->out.len - mark;
    if (!split || chunk + fsize <= s->limit) {
      chunk += fsize;
      continue;
    }
    if (fsize <= s->limit) {
      break_before(s, &rc, mark);
      chunk = fsize;
    } else if (c->type == SBP_NODE_FILTER && c->nchildren > 1) {
      s->out.len = mark;
      if (chunk > 0) put_break(s, &rc);
      chunk = split_values(s, &rc, c);
    } else {
      too_large(s, &rc, c, fsize);
    }
    if (s->rc != SBP_OK) return;
  }
  put_tail(s, &rc, has_filters);
}

/* ---- items and entry points ------------------------------------------------------------ */

static void put_item(ser *s, const sbp_node *n) {
  switch (n->type) {
    case SBP_NODE_RULE:
      put_rule(s, n);
      break;
    case SBP_NODE_IMPORT:
      PUT_LIT(s, "(import ");
      put_quoted(s, n->text, n->text_len);
      PUT_LIT(s, ")\n");
      break;
    case SBP_NODE_COMMENT:
      if (!(s->flags & SBP_SERIALIZE_NO_COMMENTS)) put_comment(s, n->text, n->text_len);
      break;
    default:
      break;
  }
}

/* A profile's nodes and texts come from one arena in the order they were made, so what the
 * next items need lies just past the current one. A profile larger than the cache waits for
 * memory at every node; asking for the bytes a few items ahead hides much of that wait. A
 * hint only: a prefetch never faults, and a wrong guess costs a little bandwidth. */
#define PREFETCH_DISTANCE 2048 /* bytes: about four rules of one path each */
#define PREFETCH_BYTES 512
static inline void prefetch_ahead(const sbp_node *n) {
#if defined(__GNUC__)
  uintptr_t at = (uintptr_t)n + PREFETCH_DISTANCE;
  for (uintptr_t k = 0; k < PREFETCH_BYTES; k += 64) __builtin_prefetch((const void *)(at + k));
#else
  (void)n;
#endif
}

/* Each item is checked (sbp_node_validate; a plain rule by its shape, which says the same
 * for less) just before it is written, so that a large profile's nodes come from memory
 * once for both rather than once for each. The status is still the one a check of the whole
 * tree first would give: an invalid item is the error even when writing failed before it,
 * so after a failure the rest is only checked. Returns the check's status; the writer's is
 * s->rc. */
static int put_profile(ser *s, const sbp_node *root, sbp_error *err) {
  int version = root->owner->version;
  if (version != 0) {
    PUT_LIT(s, "(version ");
    put_int(s, version);
    PUT_LIT(s, ")\n");
  }
  /* profile-wide options, as the top-level calls that set them */
  if (root->owner->options & SBP_OPTION_DISABLE_CALLOUTS) PUT_LIT(s, "(disable-callouts)\n");
  if (root->owner->options & SBP_OPTION_DISABLE_FULL_SYMBOLICATION)
    PUT_LIT(s, "(disable-full-symbolication)\n");
  for (const sbp_node *c = root->first; c != NULL; c = c->next) {
    prefetch_ahead(c);
    int rc = sbp__rule_is_plain(c) ? SBP_OK : sbp_node_validate(c, err);
    if (rc != SBP_OK) return rc;
    if (s->rc == SBP_OK) put_item(s, c);
  }
  return SBP_OK;
}

static int check_opts(const sbp_serialize_options *opts, sbp_error *err) {
  if (opts == NULL) return SBP_OK;
  if (opts->version == 0 || opts->version > SBP_SERIALIZE_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "options: unknown version %u",
                      (unsigned)opts->version);
  if (opts->flags & ~(uint32_t)ALL_FLAGS)
    return sbp__error(err, SBP_E_INVALID_ARG, "options: unknown flags 0x%x",
                      (unsigned)(opts->flags & ~(uint32_t)ALL_FLAGS));
  return SBP_OK;
}

static int run(const sbp_node *node, const sbp_serialize_options *opts, sbp_buf *out,
               sbp_error *err) {
  int rc;
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  sbp_buf_dispose(out);
  if (node == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "profile or node is NULL");
  if ((rc = check_opts(opts, err)) != SBP_OK) return rc;
  /* a whole profile is checked item by item as it is written (put_profile) */
  if (node->type != SBP_NODE_PROFILE && (rc = sbp_node_validate(node, err)) != SBP_OK) return rc;

  ser s;
  memset(&s, 0, sizeof(s));
  s.alloc = &node->owner->alloc;
  s.flags = opts ? opts->flags : 0;
  s.limit = opts && opts->split_limit ? opts->split_limit : SBP_SERIALIZE_SPLIT_LIMIT_DEFAULT;
  /* The writer's own error waits here until the whole profile is known to be valid. */
  sbp_error write_err = SBP_ERROR_INIT;
  s.err = &write_err;
  s.rc = SBP_OK;

  rc = SBP_OK;
  switch (node->type) {
    case SBP_NODE_PROFILE:
      rc = put_profile(&s, node, err);
      break;
    case SBP_NODE_RULE:
    case SBP_NODE_IMPORT:
    case SBP_NODE_COMMENT:
      put_item(&s, node);
      if (s.out.len > 0 && s.out.ptr[s.out.len - 1] == '\n') s.out.len--;
      break;
    default:
      put_tree(&s, node);
      break;
  }
  if (rc == SBP_OK && s.rc != SBP_OK) {
    rc = sbp__error_at(err, write_err.code, write_err.file, write_err.line, write_err.column,
                       write_err.offset, "%s", write_err.message);
  }
  if (rc == SBP_OK && sbp__buf_grow(&s.out, s.alloc, 0) != SBP_OK) rc = sbp__nomem(err);
  sbp_buf_dispose(&s.scratch);
  if (rc != SBP_OK) {
    sbp_buf_dispose(&s.out);
    return rc;
  }
  s.out.ptr[s.out.len] = '\0';
  sbp__buf_move(out, &s.out);
  return SBP_OK;
}

int sbp_serialize(const sbp_profile *profile, const sbp_serialize_options *opts, sbp_buf *out,
                  sbp_error *err) {
  if (profile == NULL) {
    if (out != NULL) sbp_buf_dispose(out);
    return sbp__error(err, SBP_E_INVALID_ARG, "profile is NULL");
  }
  return run(&profile->root, opts, out, err);
}

int sbp_serialize_node(const sbp_node *node, const sbp_serialize_options *opts, sbp_buf *out,
                       sbp_error *err) {
  return run(node, opts, out, err);
}
