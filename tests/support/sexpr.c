#include "sexpr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- growing byte strings -------------------------------------------------------------- */

typedef struct sx_str {
  char *p;
  size_t len, cap;
} sx_str;

static int str_add(sx_str *s, const char *p, size_t n) {
  if (n > SIZE_MAX / 4 || s->len > SIZE_MAX / 4) return -1; /* bounds the sums below */
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 32;
    while (cap < s->len + n + 1) cap *= 2;
    char *q = realloc(s->p, cap);
    if (q == NULL) return -1;
    s->p = q;
    s->cap = cap;
  }
  if (n) memcpy(s->p + s->len, p, n);
  s->len += n;
  s->p[s->len] = '\0';
  return 0;
}

static int str_addc(sx_str *s, char c) { return str_add(s, &c, 1); }

/* ---- nodes ----------------------------------------------------------------------------- */

static sx_node *node_new(sx_type type, size_t offset) {
  sx_node *n = calloc(1, sizeof(*n));
  if (n != NULL) {
    n->type = type;
    n->offset = offset;
  }
  return n;
}

static int node_add(sx_node *list, sx_node *kid) {
  if (list->nkids == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 4;
    sx_node **k = realloc(list->kids, cap * sizeof(*k));
    if (k == NULL) return -1;
    list->kids = k;
    list->cap = cap;
  }
  list->kids[list->nkids++] = kid;
  kid->parent = list;
  return 0;
}

void sx_free(sx_node *root) {
  sx_node *n = root;
  while (n != NULL) {
    if (n->nkids > 0) {
      n = n->kids[--n->nkids];
      continue;
    }
    sx_node *up = n == root ? NULL : n->parent;
    free(n->text);
    free(n->kids);
    free(n);
    n = up;
  }
}

/* ---- the reader ------------------------------------------------------------------------ */

typedef struct reader {
  const char *s;
  size_t len, i;
  int flags;
  char *err;
  size_t errsize;
} reader;

static int fail(reader *r, size_t at, const char *fmt, ...) {
  if (r->err != NULL && r->errsize > 0) {
    int n = snprintf(r->err, r->errsize, "offset %zu: ", at);
    if (n >= 0 && (size_t)n < r->errsize) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
      va_end(ap);
    }
  }
  return -1;
}

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_delim(unsigned char c) {
  return c == '(' || c == ')' || c == ';' || c == '\t' || c == '\n' || c == '\r' || c == ' ';
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* r->i is just past the opening quote. */
static int read_string(reader *r, sx_str *out, size_t start) {
  for (;;) {
    if (r->i >= r->len) return fail(r, start, "unterminated string");
    unsigned char c = (unsigned char)r->s[r->i++];
    if (c == '"') return 0;
    if (c != '\\') {
      if ((r->flags & SX_QUOTE_ESCAPES) && (c < 0x20 || c == 0x7f))
        return fail(r, r->i - 1, "raw control byte 0x%02x in a string", c);
      if (str_addc(out, (char)c)) return fail(r, r->i, "out of memory");
      continue;
    }
    if (r->i >= r->len) return fail(r, start, "unterminated string");
    size_t esc_at = r->i - 1;
    unsigned char e = (unsigned char)r->s[r->i++];
    if ((r->flags & SX_QUOTE_ESCAPES) && e != '\\' && e != '"' && e != 'n' && e != 't' &&
        e != 'r' && e != 'x')
      return fail(r, esc_at, "escape \\%c where only the serializer's are expected", e);
    int v;
    switch (e) {
      case 'n': v = '\n'; break;
      case 't': v = '\t'; break;
      case 'r': v = '\r'; break;
      case 'x': case 'X': {
        if (r->i + 2 > r->len) return fail(r, esc_at, "\\x needs two hex digits");
        int h1 = hexval((unsigned char)r->s[r->i]), h2 = hexval((unsigned char)r->s[r->i + 1]);
        if (h1 < 0 || h2 < 0) return fail(r, esc_at, "\\x needs two hex digits");
        r->i += 2;
        v = h1 * 16 + h2;
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        v = e - '0';
        for (int k = 0; k < 2 && r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '7'; k++)
          v = v * 8 + (r->s[r->i++] - '0');
        if (v > 255) return fail(r, esc_at, "octal escape above 255");
        break;
      }
      default: v = e; break;
    }
    if (v == 0) return fail(r, esc_at, "string holds a NUL");
    if (str_addc(out, (char)v)) return fail(r, r->i, "out of memory");
  }
}

static int classify_atom(reader *r, sx_node *n, const char *a, size_t len, size_t start) {
  for (size_t k = 0; k < len; k++) {
    unsigned char c = (unsigned char)a[k];
    if (c == '"') return fail(r, start + k, "a quote inside an atom");
    if (c < 0x20 || c >= 0x7f) return fail(r, start + k, "byte 0x%02x inside an atom", c);
  }
  if (a[0] == '#') {
    if (len == 2 && (a[1] == 't' || a[1] == 'f')) {
      n->type = SX_BOOLEAN;
      n->num = a[1] == 't';
      return 0;
    }
    return fail(r, start, "unsupported # syntax");
  }
  if (a[0] == '\'' || a[0] == '`' || a[0] == ',') return fail(r, start, "quote syntax");
  size_t k = (a[0] == '+' || a[0] == '-') ? 1 : 0;
  if (k < len && ((a[k] >= '0' && a[k] <= '9') || a[k] == '.')) {
    long long v = 0;
    for (size_t j = k; j < len; j++) {
      if (a[j] < '0' || a[j] > '9') return fail(r, start, "not a plain decimal integer");
      v = v * 10 + (a[j] - '0');
    }
    n->type = SX_INTEGER;
    n->num = a[0] == '-' ? -v : v;
    return 0;
  }
  n->type = SX_SYMBOL;
  return 0;
}

int sx_read(const char *text, size_t len, int flags, sx_node **out, char *errbuf,
            size_t errsize) {
  reader r = {text, len, 0, flags, errbuf, errsize};
  if (errbuf && errsize) errbuf[0] = '\0';
  *out = NULL;
  sx_node *root = node_new(SX_LIST, 0);
  if (root == NULL) return fail(&r, 0, "out of memory");
  sx_node *cur = root;
  int rc = 0;
  while (rc == 0) {
    while (r.i < len && is_space((unsigned char)text[r.i])) r.i++;
    if (r.i >= len) break;
    size_t start = r.i;
    unsigned char c = (unsigned char)text[r.i];
    if (c == ';' || (c == '#' && r.i + 1 < len && text[r.i + 1] == '!')) {
      size_t body = r.i + (c == ';' ? 1 : 2);
      const char *nl = memchr(text + body, '\n', len - body);
      size_t end = nl ? (size_t)(nl - text) : len;
      if (flags & SX_KEEP_COMMENTS) {
        sx_node *n = node_new(SX_COMMENT, start);
        sx_str s = {0};
        if (n == NULL || str_add(&s, text + body, end - body) || node_add(cur, n)) {
          free(s.p);
          free(n);
          rc = fail(&r, start, "out of memory");
          break;
        }
        n->text = s.p;
        n->len = s.len;
      }
      r.i = end;
      continue;
    }
    if (c == '(') {
      sx_node *n = node_new(SX_LIST, start);
      if (n == NULL || node_add(cur, n)) {
        free(n);
        rc = fail(&r, start, "out of memory");
        break;
      }
      cur = n;
      r.i++;
      continue;
    }
    if (c == ')') {
      if (cur == root) {
        rc = fail(&r, start, "unbalanced ')'");
        break;
      }
      cur = cur->parent;
      r.i++;
      continue;
    }
    sx_node *n = node_new(SX_STRING, start);
    if (n == NULL) {
      rc = fail(&r, start, "out of memory");
      break;
    }
    sx_str s = {0};
    if (c == '"') {
      r.i++;
      rc = read_string(&r, &s, start);
      if (rc == 0 && str_add(&s, "", 0)) rc = fail(&r, start, "out of memory");
    } else if (c == '#' && r.i + 1 < len && text[r.i + 1] == '"') {
      r.i += 2;
      const char *q = memchr(text + r.i, '"', len - r.i);
      if (q == NULL) {
        rc = fail(&r, start, "unterminated raw string");
      } else {
        size_t end = (size_t)(q - text);
        if (str_add(&s, text + r.i, end - r.i)) rc = fail(&r, start, "out of memory");
        r.i = end + 1;
        n->raw = 1;
      }
    } else if (c == '\'' || c == '`' || c == ',') {
      rc = fail(&r, start, "quote syntax");
    } else {
      while (r.i < len && !is_delim((unsigned char)text[r.i])) r.i++;
      if (str_add(&s, text + start, r.i - start)) rc = fail(&r, start, "out of memory");
      else rc = classify_atom(&r, n, text + start, r.i - start, start);
    }
    if (rc == 0 && node_add(cur, n)) rc = fail(&r, start, "out of memory");
    if (rc != 0) {
      free(s.p);
      free(n);
      break;
    }
    n->text = s.p;
    n->len = s.len;
  }
  if (rc == 0 && cur != root) rc = fail(&r, cur->offset, "unclosed '('");
  if (rc != 0) {
    sx_free(root);
    return -1;
  }
  *out = root;
  return 0;
}

/* ---- dumping --------------------------------------------------------------------------- */

static int escape_into(sx_str *s, const char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    char e[4];
    size_t k = 0;
    if (c == '\\' || c == '"') {
      e[k++] = '\\';
      e[k++] = (char)c;
    } else if (c >= 0x20 && c <= 0x7e) {
      e[k++] = (char)c;
    } else {
      e[k++] = '\\';
      e[k++] = 'x';
      e[k++] = hex[c >> 4];
      e[k++] = hex[c & 15];
    }
    if (str_add(s, e, k)) return -1;
  }
  return 0;
}

char *sx_escape(const char *p, size_t n) {
  sx_str s = {0};
  if (str_add(&s, "", 0) || escape_into(&s, p, n)) {
    free(s.p);
    return NULL;
  }
  return s.p;
}

static int dump_atom(sx_str *s, const sx_node *n) {
  char tmp[32];
  switch (n->type) {
    case SX_SYMBOL: return str_add(s, n->text, n->len);
    case SX_STRING:
      if (n->raw && str_addc(s, '#')) return -1;
      return str_addc(s, '"') || escape_into(s, n->text, n->len) || str_addc(s, '"');
    case SX_INTEGER:
      snprintf(tmp, sizeof(tmp), "%lld", n->num);
      return str_add(s, tmp, strlen(tmp));
    case SX_BOOLEAN: return str_add(s, n->num ? "#t" : "#f", 2);
    case SX_COMMENT:
      return str_add(s, ";\"", 2) || escape_into(s, n->text, n->len) || str_addc(s, '"');
    default: return -1;
  }
}

char *sx_dump(const sx_node *root) {
  typedef struct frame {
    const sx_node *list;
    size_t next;
  } frame;
  sx_str s = {0};
  frame *st = NULL;
  size_t depth = 0, cap = 0;
  int rc = str_add(&s, "", 0);
  if (rc == 0 && root->type != SX_LIST) {
    rc = dump_atom(&s, root);
  } else if (rc == 0) {
    const sx_node *push = root;
    while (rc == 0) {
      if (push != NULL) {
        if (depth == cap) {
          cap = cap ? cap * 2 : 16;
          frame *q = realloc(st, cap * sizeof(*q));
          if (q == NULL) {
            rc = -1;
            break;
          }
          st = q;
        }
        st[depth].list = push;
        st[depth].next = 0;
        depth++;
        rc = str_addc(&s, '(');
        push = NULL;
        continue;
      }
      if (depth == 0) break;
      frame *top = &st[depth - 1];
      if (top->next < top->list->nkids) {
        const sx_node *kid = top->list->kids[top->next];
        if (top->next > 0) rc = str_addc(&s, ' ');
        top->next++;
        if (rc == 0) {
          if (kid->type == SX_LIST) push = kid;
          else rc = dump_atom(&s, kid);
        }
      } else {
        rc = str_addc(&s, ')');
        depth--;
      }
    }
  }
  free(st);
  if (rc != 0) {
    free(s.p);
    return NULL;
  }
  return s.p;
}
