/* A reader for the XML property list of a process's entitlements, as
 * `codesign -d --entitlements - --xml` prints it: one <dict> whose values are <true/>,
 * <false/>, <string> or an <array> of <string>. Anything else is an error with a position,
 * never skipped: an entitlement this reader cannot represent would make a profile answer as
 * for a process without it. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "sbprofile/read.h"

struct sbp_entitlements {
  sbp_alloc alloc;
  sbp__arena arena;
  sbp_entitlement *items;
  size_t n, cap;
};

typedef struct pl {
  const char *s;
  size_t len, pos;
  size_t tag_at; /* where the last tag read begins */
  size_t key_at; /* where the <key> being read begins */
  sbp_entitlements *set;
  sbp_error *err;
} pl;

static void where(const pl *p, size_t at, uint32_t *line, uint32_t *col) {
  uint32_t l = 1, c = 1;
  for (size_t i = 0; i < at && i < p->len; i++) {
    if (p->s[i] == '\n') {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  *line = l;
  *col = c;
}

static int fail_at(const pl *p, size_t at, const char *what) {
  uint32_t line, col;
  where(p, at, &line, &col);
  return sbp__error_at(p->err, SBP_E_SYNTAX, NULL, line, col, 0, "entitlements plist: %s",
                       what);
}

static int starts(const pl *p, const char *lit) {
  size_t n = strlen(lit);
  return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

/* Skips white space, comments, the XML declaration and the DOCTYPE. */
static int skip_misc(pl *p) {
  for (;;) {
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
      p->pos++;
    const char *end = NULL;
    if (starts(p, "<!--")) end = "-->";
    else if (starts(p, "<?")) end = "?>";
    else if (starts(p, "<!DOCTYPE")) end = ">";
    if (end == NULL) return SBP_OK;
    size_t start = p->pos, el = strlen(end);
    p->pos += 2;
    while (p->pos < p->len && !starts(p, end)) p->pos++;
    if (p->pos >= p->len) return fail_at(p, start, "unterminated comment or declaration");
    p->pos += el;
  }
}

/* Reads a tag at the current position: <name ...>, </name> or <name/>. kind: 0 open,
 * 1 close, 2 empty. The name is copied (truncated) into name. */
static int tag(pl *p, char *name, size_t cap, int *kind) {
  int rc = skip_misc(p);
  if (rc) return rc;
  size_t start = p->tag_at = p->pos;
  if (p->pos >= p->len || p->s[p->pos] != '<') return fail_at(p, start, "expected a tag");
  p->pos++;
  *kind = 0;
  if (p->pos < p->len && p->s[p->pos] == '/') {
    *kind = 1;
    p->pos++;
  }
  size_t n = 0;
  while (p->pos < p->len && ((p->s[p->pos] >= 'a' && p->s[p->pos] <= 'z') ||
                             (p->s[p->pos] >= 'A' && p->s[p->pos] <= 'Z'))) {
    if (n + 1 < cap) name[n++] = p->s[p->pos];
    p->pos++;
  }
  name[n] = '\0';
  if (n == 0) return fail_at(p, start, "expected a tag name");
  /* attributes (plist version="1.0"): skipped up to the end of the tag */
  while (p->pos < p->len && p->s[p->pos] != '>') {
    if (p->s[p->pos] == '"') {
      p->pos++;
      while (p->pos < p->len && p->s[p->pos] != '"') p->pos++;
    }
    if (p->pos < p->len) p->pos++;
  }
  if (p->pos >= p->len) return fail_at(p, start, "unterminated tag");
  if (p->s[p->pos - 1] == '/' && *kind == 0) *kind = 2;
  p->pos++;
  return SBP_OK;
}

static int expect_tag(pl *p, const char *name, int kind) {
  char got[16];
  int k, rc = tag(p, got, sizeof got, &k);
  if (rc) return rc;
  if (k != kind || strcmp(got, name) != 0) {
    char msg[64];
    snprintf(msg, sizeof msg, "expected <%s%s>", kind == 1 ? "/" : "", name);
    return fail_at(p, p->tag_at, msg);
  }
  return SBP_OK;
}

static void put_utf8(char *out, size_t *n, unsigned long cp) {
  if (cp < 0x80) {
    out[(*n)++] = (char)cp;
  } else if (cp < 0x800) {
    out[(*n)++] = (char)(0xC0 | (cp >> 6));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out[(*n)++] = (char)(0xE0 | (cp >> 12));
    out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else {
    out[(*n)++] = (char)(0xF0 | (cp >> 18));
    out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  }
}

/* The character data up to the next '<', entities decoded, copied into the set's arena. */
static int text(pl *p, const char **out) {
  size_t start = p->pos;
  while (p->pos < p->len && p->s[p->pos] != '<') p->pos++;
  if (p->pos >= p->len) return fail_at(p, start, "unterminated text");
  /* decoded text is never longer than the raw text */
  char *buf = sbp__arena_alloc(&p->set->arena, p->pos - start + 1);
  if (buf == NULL) return sbp__nomem(p->err);
  size_t n = 0;
  for (size_t i = start; i < p->pos;) {
    char c = p->s[i];
    if (c == '\0') return fail_at(p, i, "NUL byte in text");
    if (c != '&') {
      buf[n++] = c;
      i++;
      continue;
    }
    size_t semi = i + 1;
    while (semi < p->pos && semi - i < 12 && p->s[semi] != ';') semi++;
    if (semi >= p->pos || p->s[semi] != ';') return fail_at(p, i, "unterminated entity");
    const char *e = p->s + i + 1;
    size_t el = semi - i - 1;
    if (el == 2 && memcmp(e, "lt", 2) == 0) buf[n++] = '<';
    else if (el == 2 && memcmp(e, "gt", 2) == 0) buf[n++] = '>';
    else if (el == 3 && memcmp(e, "amp", 3) == 0) buf[n++] = '&';
    else if (el == 4 && memcmp(e, "quot", 4) == 0) buf[n++] = '"';
    else if (el == 4 && memcmp(e, "apos", 4) == 0) buf[n++] = '\'';
    else if (el >= 2 && e[0] == '#') {
      int hex = e[1] == 'x' || e[1] == 'X';
      unsigned long cp = 0;
      size_t k = hex ? 2 : 1;
      if (k >= el) return fail_at(p, i, "malformed character reference");
      for (; k < el; k++) {
        char d = e[k];
        int v = d >= '0' && d <= '9'   ? d - '0'
                : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
                                              : -1;
        if (v < 0) return fail_at(p, i, "malformed character reference");
        cp = cp * (hex ? 16u : 10u) + (unsigned long)v;
        if (cp > 0x10FFFF) return fail_at(p, i, "character reference out of range");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail_at(p, i, "character reference to no character");
      /* a reference takes at least 4 bytes (&#N;), its UTF-8 at most 4 */
      put_utf8(buf, &n, cp);
    } else {
      return fail_at(p, i, "unknown entity");
    }
    i = semi + 1;
  }
  buf[n] = '\0';
  *out = buf;
  return SBP_OK;
}

/* <string>TEXT</string> or <string/>, the open tag already read (kind 0 or 2). */
static int string_body(pl *p, int kind, const char **out) {
  if (kind == 2) {
    *out = "";
    return SBP_OK;
  }
  int rc = text(p, out);
  return rc ? rc : expect_tag(p, "string", 1);
}

static int add_item(pl *p, const sbp_entitlement *e) {
  sbp_entitlements *set = p->set;
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->items[i].key, e->key) == 0) return fail_at(p, p->key_at, "duplicate key");
  if (set->n == set->cap) {
    size_t ncap = set->cap ? set->cap * 2 : 16;
    sbp_entitlement *ni = sbp__realloc(&set->alloc, set->items, ncap * sizeof *ni);
    if (ni == NULL) return sbp__nomem(p->err);
    set->items = ni;
    set->cap = ncap;
  }
  set->items[set->n++] = *e;
  return SBP_OK;
}

/* <array> of <string>, the open tag already read; the strings go to the arena. */
static int array_body(pl *p, int kind, sbp_entitlement *e) {
  e->kind = SBP_ENTITLEMENT_STRINGS;
  e->strings = NULL;
  e->nstrings = 0;
  if (kind == 2) return SBP_OK;
  const char **tmp = NULL;
  size_t n = 0, cap = 0;
  int rc;
  for (;;) {
    char name[16];
    int k;
    if ((rc = tag(p, name, sizeof name, &k)) != 0) break;
    if (k == 1 && strcmp(name, "array") == 0) break;
    if (k == 1 || strcmp(name, "string") != 0) {
      rc = fail_at(p, p->tag_at, "an entitlement array may hold only <string> values");
      break;
    }
    const char *s = NULL;
    if ((rc = string_body(p, k, &s)) != 0) break;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      const char **nt = sbp__realloc(&p->set->alloc, tmp, ncap * sizeof *nt);
      if (nt == NULL) {
        rc = sbp__nomem(p->err);
        break;
      }
      tmp = nt;
      cap = ncap;
    }
    tmp[n++] = s;
  }
  if (rc == SBP_OK && n > 0) {
    const char **kept = sbp__arena_alloc(&p->set->arena, n * sizeof *kept);
    if (kept == NULL) {
      rc = sbp__nomem(p->err);
    } else {
      memcpy(kept, tmp, n * sizeof *kept);
      e->strings = kept;
      e->nstrings = n;
    }
  }
  sbp__free(&p->set->alloc, tmp);
  return rc;
}

static int parse(pl *p) {
  int rc = expect_tag(p, "plist", 0);
  if (rc) return rc;
  char name[16];
  int k;
  if ((rc = tag(p, name, sizeof name, &k)) != 0) return rc;
  if (strcmp(name, "dict") != 0 || k == 1)
    return fail_at(p, p->tag_at, "the entitlements must be one <dict>");
  while (k != 2) {
    if ((rc = tag(p, name, sizeof name, &k)) != 0) return rc;
    if (k == 1 && strcmp(name, "dict") == 0) break;
    if (k != 0 || strcmp(name, "key") != 0) return fail_at(p, p->tag_at, "expected <key>");
    p->key_at = p->tag_at;
    sbp_entitlement e = {NULL, SBP_ENTITLEMENT_BOOLEAN, 0, NULL, NULL, 0};
    if ((rc = text(p, &e.key)) != 0 || (rc = expect_tag(p, "key", 1)) != 0) return rc;
    int vk;
    if ((rc = tag(p, name, sizeof name, &vk)) != 0) return rc;
    if (vk == 2 && (strcmp(name, "true") == 0 || strcmp(name, "false") == 0)) {
      e.boolean = name[0] == 't';
    } else if (vk != 1 && strcmp(name, "string") == 0) {
      e.kind = SBP_ENTITLEMENT_STRING;
      if ((rc = string_body(p, vk, &e.string)) != 0) return rc;
    } else if (vk != 1 && strcmp(name, "array") == 0) {
      if ((rc = array_body(p, vk, &e)) != 0) return rc;
    } else {
      char msg[256];
      snprintf(msg, sizeof msg,
               "entitlement %.40s: a <%s%s> value (only true, false, string and array of "
               "strings are read)",
               e.key, vk == 1 ? "/" : "", name);
      return fail_at(p, p->tag_at, msg);
    }
    if ((rc = add_item(p, &e)) != 0) return rc;
  }
  if ((rc = expect_tag(p, "plist", 1)) != 0) return rc;
  if ((rc = skip_misc(p)) != 0) return rc;
  if (p->pos != p->len) return fail_at(p, p->pos, "text after </plist>");
  return SBP_OK;
}

int sbp_entitlements_read_plist(const char *xml, size_t len, const sbp_alloc *alloc,
                                sbp_entitlements **out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  *out = NULL;
  if (xml == NULL && len > 0) return sbp__error(err, SBP_E_INVALID_ARG, "xml is NULL");
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return sbp__error(err, SBP_E_INVALID_ARG, "invalid allocator");
  sbp_entitlements *set = sbp__malloc(alloc, sizeof *set);
  if (set == NULL) return sbp__nomem(err);
  memset(set, 0, sizeof *set);
  set->alloc = *alloc;
  sbp__arena_init(&set->arena, &set->alloc);
  pl p = {xml ? xml : "", len, 0, 0, 0, set, err};
  int rc = parse(&p);
  if (rc != SBP_OK) {
    sbp_entitlements_free(set);
    return rc;
  }
  *out = set;
  return SBP_OK;
}

const sbp_entitlement *sbp_entitlements_items(const sbp_entitlements *set, size_t *count) {
  if (count != NULL) *count = set ? set->n : 0;
  return set ? set->items : NULL;
}

void sbp_entitlements_free(sbp_entitlements *set) {
  if (set == NULL) return;
  sbp__arena_release(&set->arena);
  sbp__free(&set->alloc, set->items);
  sbp__free(&set->alloc, set);
}
