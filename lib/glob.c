/* Path globs to SBPL regexes. The grammar is documented with sbp_glob_to_regex() in
 * sbprofile/policy.h. One pass over the glob; the output grows linearly with it, and runs of
 * wildcards that match the same are emitted once, so matching stays linear too. */
#include "glob.h"

#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "sbprofile/policy.h"

/* Bytes with a meaning in the SBPL regex dialect; they get a backslash when literal. */
static int is_regex_meta(unsigned char c) {
  switch (c) {
    case '.': case '+': case '*': case '?': case '(': case ')': case '|': case '^': case '$':
    case '[': case ']': case '{': case '}': case '\\':
      return 1;
    default:
      return 0;
  }
}

int sbp__regex_escape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len) {
  int rc = sbp__buf_grow(buf, alloc, len * 2);
  if (rc != SBP_OK) return rc;
  for (size_t i = 0; i < len; i++) {
    if (is_regex_meta((unsigned char)s[i])) buf->ptr[buf->len++] = '\\';
    buf->ptr[buf->len++] = s[i];
  }
  buf->ptr[buf->len] = '\0';
  return SBP_OK;
}

int sbp__glob_escape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len) {
  int rc = sbp__buf_grow(buf, alloc, len * 2);
  if (rc != SBP_OK) return rc;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\') buf->ptr[buf->len++] = '\\';
    buf->ptr[buf->len++] = s[i];
  }
  buf->ptr[buf->len] = '\0';
  return SBP_OK;
}

int sbp__glob_unescape(sbp_buf *buf, const sbp_alloc *alloc, const char *s, size_t len) {
  int rc = sbp__buf_grow(buf, alloc, len);
  if (rc != SBP_OK) return rc;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\\' && i + 1 < len) i++;
    buf->ptr[buf->len++] = s[i];
  }
  buf->ptr[buf->len] = '\0';
  return SBP_OK;
}

int sbp_glob_is_pattern(const char *text, size_t len) {
  if (text == NULL) return 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\\') {
      i++;
    } else if (text[i] == '*' || text[i] == '?' || text[i] == '[') {
      return 1;
    }
  }
  return 0;
}

static int glob_syntax(sbp_error *err, size_t at, const char *msg) {
  return sbp__error_at(err, SBP_E_SYNTAX, NULL, 1, (uint32_t)(at + 1 > UINT32_MAX ? 0 : at + 1),
                       at, "glob: %s at offset %zu", msg, at);
}

#define SET_HAS(bits, b) (((bits)[(b) >> 3] >> ((b) & 7)) & 1u)
#define SET_ADD(bits, b) ((bits)[(b) >> 3] = (uint8_t)((bits)[(b) >> 3] | (1u << ((b) & 7))))

/* One byte of a class: escaped when it could be read as class syntax. */
static void put_class_byte(sbp_buf *buf, unsigned char c) {
  if (c == ']' || c == '\\' || c == '^' || c == '-' || c == '[') buf->ptr[buf->len++] = '\\';
  buf->ptr[buf->len++] = (char)c;
}

/* Emits the class holding exactly the bytes of `bits` (never '/', never NUL), as ranges; the
 * complement form when that is shorter. */
static int put_class(sbp_buf *buf, const sbp_alloc *alloc, const uint8_t bits[32]) {
  unsigned count = 0;
  for (unsigned b = 0; b < 256; b++) count += SET_HAS(bits, b);
  int negate = count > 127;
  int rc = sbp__buf_grow(buf, alloc, 4 + 256 * 2);
  if (rc != SBP_OK) return rc;
  buf->ptr[buf->len++] = '[';
  if (negate) buf->ptr[buf->len++] = '^';
  /* Members to write: the set, or (negated) what it lacks other than NUL, which no path
   * holds. */
  for (unsigned b = 1; b < 256;) {
    int in = negate ? !SET_HAS(bits, b) : (int)SET_HAS(bits, b);
    if (!in) {
      b++;
      continue;
    }
    unsigned e = b;
    while (e + 1 < 256 && (negate ? !SET_HAS(bits, e + 1) : (int)SET_HAS(bits, e + 1))) e++;
    put_class_byte(buf, (unsigned char)b);
    if (e >= b + 2) buf->ptr[buf->len++] = '-';
    if (e >= b + 1) put_class_byte(buf, (unsigned char)e);
    b = e + 1;
  }
  buf->ptr[buf->len++] = ']';
  buf->ptr[buf->len] = '\0';
  return SBP_OK;
}

/* Parses the set at g[*pi] == '['; *pi ends after its ']'. */
static int convert_set(const char *g, size_t len, size_t *pi, sbp_buf *buf,
                       const sbp_alloc *alloc, sbp_error *err) {
  size_t start = *pi, i = start + 1;
  uint8_t bits[32];
  memset(bits, 0, sizeof(bits));
  int negate = 0;
  if (i < len && (g[i] == '!' || g[i] == '^')) {
    negate = 1;
    i++;
  }
  int first = 1;
  for (;;) {
    if (i >= len) return glob_syntax(err, start, "'[' without a closing ']'");
    unsigned char lo = (unsigned char)g[i];
    size_t item = i;
    if (lo == ']' && !first) {
      i++;
      break;
    }
    first = 0;
    if (lo == '\0') return glob_syntax(err, i, "NUL byte");
    if (lo == '\\') {
      if (i + 1 >= len) return glob_syntax(err, i, "trailing '\\'");
      lo = (unsigned char)g[++i];
      if (lo == '\0') return glob_syntax(err, i, "NUL byte");
    }
    i++;
    unsigned char hi = lo;
    if (i + 1 < len && g[i] == '-' && g[i + 1] != ']') {
      i++;
      hi = (unsigned char)g[i];
      if (hi == '\\') {
        if (i + 1 >= len) return glob_syntax(err, i, "trailing '\\'");
        hi = (unsigned char)g[++i];
      }
      if (hi == '\0') return glob_syntax(err, i, "NUL byte");
      i++;
      if (hi < lo) return glob_syntax(err, item, "range out of order in '[...]'");
    }
    for (unsigned b = lo; b <= hi; b++) SET_ADD(bits, b);
  }
  if (negate)
    for (size_t k = 0; k < sizeof(bits); k++) bits[k] = (uint8_t)~bits[k];
  /* A set never matches the separator (nor NUL, which no path holds). */
  bits['/' >> 3] = (uint8_t)(bits['/' >> 3] & ~(1u << ('/' & 7)));
  bits[0] = (uint8_t)(bits[0] & ~1u);
  int any = 0;
  for (size_t k = 0; k < sizeof(bits); k++) any |= bits[k];
  if (!any) return glob_syntax(err, start, "'[...]' matches no byte of a name");
  *pi = i;
  return put_class(buf, alloc, bits);
}

/* What the output ended with, to fold repeated "**" + "/" that match the same. */
enum last_kind { LAST_OTHER, LAST_GLOBSTAR_SLASH };

int sbp__glob_regex_body(const char *g, size_t len, sbp_buf *buf, const sbp_alloc *alloc,
                         sbp_error *err) {
  enum last_kind last = LAST_OTHER;
  int rc = SBP_OK;
  size_t i = 0;
  while (i < len && rc == SBP_OK) {
    unsigned char c = (unsigned char)g[i];
    int at_component_start = i == 0 || g[i - 1] == '/';
    if (c == '\0') return glob_syntax(err, i, "NUL byte");
    if (c == '*') {
      size_t run = i;
      while (run < len && g[run] == '*') run++;
      size_t stars = run - i;
      int whole = at_component_start && stars >= 2 && (run == len || g[run] == '/');
      if (whole && run < len) {
        /* `**` + `/`: any number of whole components, none included. */
        if (last != LAST_GLOBSTAR_SLASH) rc = sbp__buf_puts(buf, alloc, "(.*/)?");
        last = LAST_GLOBSTAR_SLASH;
        i = run + 1;
      } else if (whole) {
        /* A trailing slash-star-star (or the whole glob being two stars): everything beneath. */
        if (i == 0) {
          rc = sbp__buf_puts(buf, alloc, ".*");
        } else {
          rc = sbp__buf_puts(buf, alloc, ".+");
        }
        last = LAST_OTHER;
        i = run;
      } else {
        /* a run of stars is taken whole: nothing to fold with */
        rc = sbp__buf_puts(buf, alloc, "[^/]*");
        last = LAST_OTHER;
        i = run;
      }
      continue;
    }
    last = LAST_OTHER;
    if (c == '?') {
      rc = sbp__buf_puts(buf, alloc, "[^/]");
      i++;
    } else if (c == '[') {
      rc = convert_set(g, len, &i, buf, alloc, err);
      if (rc != SBP_OK) return rc;
    } else if (c == '\\') {
      if (i + 1 >= len) return glob_syntax(err, i, "trailing '\\'");
      if (g[i + 1] == '\0') return glob_syntax(err, i + 1, "NUL byte");
      rc = sbp__regex_escape(buf, alloc, g + i + 1, 1);
      i += 2;
    } else {
      /* A run of literal bytes at once. */
      size_t j = i;
      while (j < len && g[j] != '\0' && g[j] != '*' && g[j] != '?' && g[j] != '[' &&
             g[j] != '\\')
        j++;
      rc = sbp__regex_escape(buf, alloc, g + i, j - i);
      i = j;
    }
  }
  return rc;
}

int sbp_glob_to_regex(const char *glob, size_t len, uint32_t flags, const sbp_alloc *alloc,
                      sbp_buf *out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out: NULL");
  if (glob == NULL && len > 0) return sbp__error(err, SBP_E_INVALID_ARG, "glob: NULL");
  if ((flags & ~(uint32_t)SBP_GLOB_SUBTREE) != 0)
    return sbp__error(err, SBP_E_INVALID_ARG, "flags: unknown bits 0x%x",
                      (unsigned)(flags & ~(uint32_t)SBP_GLOB_SUBTREE));
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc)) return sbp__error(err, SBP_E_INVALID_ARG, "alloc: incomplete");
  sbp_buf tmp = SBP_BUF_INIT;
  int rc = sbp__buf_putc(&tmp, alloc, '^');
  if (rc == SBP_OK) rc = sbp__glob_regex_body(glob, len, &tmp, alloc, err);
  if (rc == SBP_OK && (flags & SBP_GLOB_SUBTREE)) rc = sbp__buf_puts(&tmp, alloc, "(/.*)?");
  if (rc == SBP_OK) rc = sbp__buf_putc(&tmp, alloc, '$');
  if (rc != SBP_OK) {
    sbp_buf_dispose(&tmp);
    return rc == SBP_E_NOMEM ? sbp__nomem(err) : rc;
  }
  sbp__buf_move(out, &tmp);
  return SBP_OK;
}
