/* Fuzz target: sbp_glob_to_regex against a reference glob matcher.
 *
 * Input: one byte of flags (bit 0: SBP_GLOB_SUBTREE), then the glob up to the first newline,
 * then subjects separated by newlines. The converter must succeed or report a syntax error
 * exactly when the reference reader finds one; a produced regex must be valid in the
 * library's dialect (or too large for its compiler), and for every subject it must match
 * exactly when the reference matcher, written from the grammar in sbprofile/policy.h, does.
 * Any disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the reference: tokens, then a table-driven match ----------------------------------- */

enum { T_BYTE, T_ONE, T_STAR, T_DIRS, T_REST_PLUS, T_REST_ANY, T_SET, T_SUBTREE };

typedef struct tok {
  int kind;
  unsigned char byte;
  uint8_t set[32];
} tok;

#define MAX_GLOB 256
#define MAX_SUBJECT 256

static int in_set(const uint8_t *set, unsigned char b) { return (set[b >> 3] >> (b & 7)) & 1; }

/* Reads the glob into tokens; 0 on a syntax error. */
static int tokenize(const unsigned char *g, size_t n, tok *t, size_t *nt) {
  size_t i = 0;
  *nt = 0;
  while (i < n) {
    tok *k = &t[*nt];
    memset(k, 0, sizeof(*k));
    unsigned char c = g[i];
    if (c == 0) return 0;
    if (c == '*') {
      size_t j = i;
      while (j < n && g[j] == '*') j++;
      int whole = (i == 0 || g[i - 1] == '/') && j - i >= 2 && (j == n || g[j] == '/');
      if (whole && j < n) {
        k->kind = T_DIRS;
        i = j + 1;
      } else if (whole) {
        k->kind = i == 0 ? T_REST_ANY : T_REST_PLUS;
        i = j;
      } else {
        k->kind = T_STAR;
        i = j;
      }
    } else if (c == '?') {
      k->kind = T_ONE;
      i++;
    } else if (c == '\\') {
      if (i + 1 >= n || g[i + 1] == 0) return 0;
      k->kind = T_BYTE;
      k->byte = g[i + 1];
      i += 2;
    } else if (c == '[') {
      size_t j = i + 1;
      int neg = j < n && (g[j] == '!' || g[j] == '^');
      if (neg) j++;
      int first = 1, any = 0;
      for (;;) {
        if (j >= n) return 0;
        unsigned char lo = g[j];
        if (lo == ']' && !first) {
          j++;
          break;
        }
        first = 0;
        if (lo == 0) return 0;
        if (lo == '\\') {
          if (j + 1 >= n || g[j + 1] == 0) return 0;
          lo = g[++j];
        }
        j++;
        unsigned char hi = lo;
        if (j + 1 < n && g[j] == '-' && g[j + 1] != ']') {
          j++;
          hi = g[j];
          if (hi == '\\') {
            if (j + 1 >= n) return 0;
            hi = g[++j];
          }
          if (hi == 0) return 0;
          j++;
          if (hi < lo) return 0;
        }
        for (unsigned b = lo; b <= hi; b++) k->set[b >> 3] |= (uint8_t)(1u << (b & 7));
      }
      if (neg)
        for (int b = 0; b < 32; b++) k->set[b] = (uint8_t)~k->set[b];
      k->set['/' >> 3] &= (uint8_t) ~(1u << ('/' & 7));
      k->set[0] &= (uint8_t)~1u;
      for (int b = 0; b < 32; b++) any |= k->set[b];
      if (!any) return 0;
      k->kind = T_SET;
      i = j;
    } else {
      k->kind = T_BYTE;
      k->byte = c;
      i++;
    }
    (*nt)++;
  }
  return 1;
}

/* m[ti][si]: tokens from ti match the subject from si. Filled from the end. */
static int ref_match(const tok *t, size_t nt, const unsigned char *s, size_t n) {
  static unsigned char m[MAX_GLOB + 2][MAX_SUBJECT + 1];
  for (size_t si = 0; si <= n; si++) m[nt][si] = si == n;
  for (size_t ti = nt; ti-- > 0;) {
    for (size_t si = n + 1; si-- > 0;) {
      const tok *k = &t[ti];
      int r = 0;
      switch (k->kind) {
        case T_BYTE: r = si < n && s[si] == k->byte && m[ti + 1][si + 1]; break;
        case T_ONE: r = si < n && s[si] != '/' && m[ti + 1][si + 1]; break;
        case T_SET: r = si < n && in_set(k->set, s[si]) && m[ti + 1][si + 1]; break;
        case T_STAR: /* empty, or one more non-separator byte */
          r = m[ti + 1][si] || (si < n && s[si] != '/' && m[ti][si + 1]);
          break;
        case T_DIRS: /* empty, or any run of bytes that ends with '/' */
          r = m[ti + 1][si];
          for (size_t e = si; e < n && !r; e++) r = s[e] == '/' && m[ti + 1][e + 1];
          break;
        case T_REST_ANY:
          for (size_t e = si; e <= n && !r; e++) r = m[ti + 1][e];
          break;
        case T_REST_PLUS:
          for (size_t e = si + 1; e <= n && !r; e++) r = m[ti + 1][e];
          break;
        case T_SUBTREE: /* end here, or '/' and anything */
          r = si == n || (s[si] == '/' && m[ti + 1][n]);
          break;
      }
      m[ti][si] = (unsigned char)r;
    }
  }
  return m[0][0];
}

static void fail(const char *what, const unsigned char *g, size_t gl, const char *re) {
  fprintf(stderr, "glob_fuzzer: %s\n glob: %.*s\n regex: %s\n", what, (int)gl, (const char *)g,
          re ? re : "(none)");
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint32_t flags = data[0] & 1u ? SBP_GLOB_SUBTREE : 0;
  const unsigned char *g = data + 1;
  size_t rest = size - 1;
  const unsigned char *nl = memchr(g, '\n', rest);
  size_t gl = nl ? (size_t)(nl - g) : rest;
  sbp_buf re = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_glob_to_regex((const char *)g, gl, flags, NULL, &re, &err);
  if (rc != SBP_OK && rc != SBP_E_SYNTAX) fail("unexpected status", g, gl, NULL);
  if (rc == SBP_E_SYNTAX && (err.offset >= gl || re.ptr != NULL)) fail("bad error", g, gl, NULL);
  if (gl > MAX_GLOB) {
    sbp_buf_dispose(&re);
    return 0;
  }
  static tok toks[MAX_GLOB + 2];
  size_t nt = 0;
  int ok = tokenize(g, gl, toks, &nt);
  if (ok != (rc == SBP_OK)) fail(ok ? "rejected a valid glob" : "accepted an invalid glob", g, gl, re.ptr);
  if (!ok) return 0;
  if (flags) toks[nt++].kind = T_SUBTREE;
  sbp_regex *cre = NULL;
  int crc = sbp_regex_compile(re.ptr, re.len, NULL, &cre, &err);
  if (crc == SBP_E_LIMIT) {
    sbp_buf_dispose(&re);
    return 0;
  }
  if (crc != SBP_OK) fail("the regex does not compile", g, gl, re.ptr);
  if (re.len < 2 || re.ptr[0] != '^' || re.ptr[re.len - 1] != '$') fail("not anchored", g, gl, re.ptr);
  /* Each subject; NUL bytes become 'x' (no path holds one). */
  const unsigned char *s = nl ? nl + 1 : g + gl;
  const unsigned char *end = data + size;
  unsigned char subj[MAX_SUBJECT];
  while (s <= end && nl != NULL) {
    const unsigned char *e = memchr(s, '\n', (size_t)(end - s));
    size_t sl = e ? (size_t)(e - s) : (size_t)(end - s);
    if (sl <= MAX_SUBJECT) {
      for (size_t i = 0; i < sl; i++) subj[i] = s[i] ? s[i] : 'x';
      int want = ref_match(toks, nt, subj, sl);
      int got = sbp_regex_search(cre, (const char *)subj, sl);
      if (want != got) {
        fprintf(stderr, " subject: %.*s (reference %d, regex %d)\n", (int)sl, (const char *)subj,
                want, got);
        fail("the regex and the reference disagree", g, gl, re.ptr);
      }
    }
    if (e == NULL) break;
    s = e + 1;
  }
  sbp_regex_free(cre);
  sbp_buf_dispose(&re);
  return 0;
}
