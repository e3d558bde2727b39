/* Reading sandbox violation reports out of logs (include/sbprofile/denial.h has the forms
 * and their sources). One pass over the text, line by line; each line is looked at for a
 * JSON eventMessage, then for the kernel's "Sandbox: " marker, then as a bare wrapper line. */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "sbprofile/denial.h"
#include "sbprofile/profile.h"

#define DEFAULT_MAX_LINE 65536u
#define DEFAULT_MAX_REPORTS 16777216u
#define MAX_TAG 1024u

struct sbp_denial_log {
  sbp_alloc alloc;
  sbp_denial_options opts;
  sbp__arena strings;
  sbp_denial *v;
  size_t n, cap;
  size_t lines, other, skipped;
  const char *skip_reason;
  uint32_t skip_source, skip_line;
  uint32_t nsources;
  char *scratch; /* decoded JSON strings */
  size_t scratch_cap;
};

/* What a line gave. */
enum { LINE_OTHER, LINE_REPORT, LINE_SKIP, LINE_NOMEM };

typedef struct piece {
  const char *p;
  size_t n;
} piece;

typedef struct parsed {
  piece process, op, target;
  int action, system_policy;
  int64_t pid;
  uint64_t number, repeats;
  const char *why; /* reason when the line is skipped */
} parsed;

static const char *find(const char *s, size_t n, const char *lit) {
  /* memchr for the first byte, then a compare: for the short literals and lines here this is
   * several times cheaper than memmem's general search. */
  size_t ln = strlen(lit); /* never 0: every caller looks for a word */
  for (const char *end = s + n, *p = s; (size_t)(end - p) >= ln; p++) {
    p = memchr(p, lit[0], (size_t)(end - p) - ln + 1);
    if (p == NULL) return NULL;
    if (memcmp(p + 1, lit + 1, ln - 1) == 0) return p;
  }
  return NULL;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Valid UTF-8 with no control characters (C0, DEL; C1 are valid code points and kept). */
static int clean_utf8(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  while (p < e) {
    /* Eight printable ASCII bytes at a time: no high bit, none below 0x20, none 0x7f. */
    while (e - p >= 8) {
      const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
      uint64_t w, del;
      memcpy(&w, p, 8);
      del = w ^ (0x7f * ones);
      if ((w & highs) | ((w - 0x20 * ones) & ~w & highs) | ((del - ones) & ~del & highs)) break;
      p += 8;
    }
    if (p == e) break;
    unsigned c = *p;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return 0;
      p++;
      continue;
    }
    size_t k;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) k = 1, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) k = 2, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) k = 3, cp = c & 0x07, min = 0x10000;
    else return 0;
    if ((size_t)(e - p) <= k) return 0;
    for (size_t i = 1; i <= k; i++) {
      if ((p[i] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    p += k + 1;
  }
  return 1;
}

/* A decimal number of at most 18 digits at s[0..n); returns the digits used (0: none). */
static size_t number_at(const char *s, size_t n, uint64_t *out) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < n && i < 18 && is_digit(s[i])) v = v * 10 + (uint64_t)(s[i++] - '0');
  if (i < n && is_digit(s[i])) return 0; /* too long */
  *out = v;
  return i;
}

static int op_char(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '*';
}

/* The action token: " deny(N)" or " allow(N)" followed by a space or the end. */
static const char *find_action(const char *s, size_t n, int *action, uint64_t *number,
                               size_t *tok_len) {
  for (const char *q = s; q < s + n; q++) {
    q = memchr(q, '(', (size_t)(s + n - q));
    if (q == NULL) return NULL;
    const char *w;
    int act;
    if (q - s >= 5 && memcmp(q - 5, " deny", 5) == 0) w = q - 5, act = SBP_DENY;
    else if (q - s >= 6 && memcmp(q - 6, " allow", 6) == 0) w = q - 6, act = SBP_ALLOW;
    else continue;
    uint64_t v;
    size_t d = number_at(q + 1, (size_t)(s + n - q - 1), &v);
    const char *close = q + 1 + d;
    if (d == 0 || close >= s + n || *close != ')') continue;
    if (close + 1 < s + n && close[1] != ' ') continue;
    *action = act;
    *number = v;
    *tok_len = (size_t)(close + 1 - w);
    return w;
  }
  return NULL;
}

/* A report at s[0..n): "[K duplicate report(s) for ]NAME[(PID)][ System Policy:] deny(N)
 * OP[ TARGET]". need_pid: the bare wrapper form, which must name a pid. */
static int parse_report(const char *s, size_t n, int need_pid, parsed *r) {
  memset(r, 0, sizeof *r);
  r->repeats = 1;
  r->pid = -1;
  uint64_t k;
  size_t d = number_at(s, n, &k);
  if (d > 0 && d < n && s[d] == ' ') {
    /* The count may be followed by several spaces (log viewers align columns). */
    size_t w = d + 1;
    while (w < n && s[w] == ' ') w++;
    static const char *const forms[] = {"duplicate reports for ", "duplicate report for "};
    for (int i = 0; i < 2; i++) {
      size_t fl = strlen(forms[i]);
      if (n - w >= fl && memcmp(s + w, forms[i], fl) == 0) {
        r->repeats = k;
        s += w + fl;
        n -= w + fl;
        if (n >= 9 && memcmp(s, "Sandbox: ", 9) == 0) s += 9, n -= 9;
        break;
      }
    }
  }
  size_t tok;
  const char *act = find_action(s, n, &r->action, &r->number, &tok);
  if (act == NULL) return r->why = "no deny(N) or allow(N)", LINE_SKIP;
  size_t hl = (size_t)(act - s);
  static const char sp[] = " System Policy:";
  if (hl >= sizeof sp - 1 && memcmp(act - (sizeof sp - 1), sp, sizeof sp - 1) == 0) {
    r->system_policy = 1;
    hl -= sizeof sp - 1;
  }
  /* NAME(PID): the last parenthesised number before the action. */
  if (hl >= 3 && s[hl - 1] == ')') {
    size_t open = hl - 1;
    while (open > 0 && is_digit(s[open - 1])) open--;
    uint64_t pid;
    if (open > 0 && s[open - 1] == '(' && open < hl - 1 &&
        number_at(s + open, hl - 1 - open, &pid) == hl - 1 - open) {
      r->pid = (int64_t)pid;
      hl = open - 1;
    }
  }
  if (need_pid && r->pid < 0) return r->why = "no NAME(PID)", LINE_SKIP;
  r->process.p = s;
  r->process.n = hl;
  if (hl == 0) return r->why = "no process name", LINE_SKIP;
  const char *o = act + tok, *e = s + n;
  if (o >= e) return r->why = "no operation", LINE_SKIP;
  o++; /* the space */
  const char *oe = o;
  while (oe < e && *oe != ' ') oe++;
  if (oe == o) return r->why = "no operation", LINE_SKIP;
  for (const char *c = o; c < oe; c++)
    if (!op_char(*c)) return r->why = "not an operation name", LINE_SKIP;
  /* op_char() admits letters, digits, '-' and '*': the first is a letter when >= 'a'. */
  if (*o < 'a') return r->why = "not an operation name", LINE_SKIP;
  r->op.p = o;
  r->op.n = (size_t)(oe - o);
  if (oe < e) {
    r->target.p = oe + 1;
    r->target.n = (size_t)(e - oe - 1);
    while (r->target.n > 0 && *r->target.p == ' ') r->target.p++, r->target.n--;
  } else {
    r->target.p = e;
  }
  if (!clean_utf8(r->process.p, r->process.n) || !clean_utf8(r->target.p, r->target.n))
    return r->why = "control character or invalid UTF-8", LINE_SKIP;
  return LINE_REPORT;
}

/* Decodes the JSON string starting after the opening quote at s; NULL when malformed. */
static const char *json_string(sbp_denial_log *log, const char *s, const char *e,
                               size_t *out_len, int *nomem) {
  size_t need = (size_t)(e - s) + 1;
  if (need > log->scratch_cap) {
    char *nb = sbp__realloc(&log->alloc, log->scratch, need);
    if (nb == NULL) return *nomem = 1, NULL;
    log->scratch = nb;
    log->scratch_cap = need;
  }
  char *w = log->scratch;
  for (const char *p = s; p < e; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"') {
      *out_len = (size_t)(w - log->scratch);
      return log->scratch;
    }
    if (c != '\\') {
      *w++ = (char)c;
      continue;
    }
    if (++p >= e) return NULL;
    switch (*p) {
      case '"': *w++ = '"'; break;
      case '\\': *w++ = '\\'; break;
      case '/': *w++ = '/'; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u': {
        uint32_t cp = 0;
        for (int pass = 0; pass < 2; pass++) {
          uint32_t u = 0;
          if (e - p < 5) return NULL;
          for (int i = 1; i <= 4; i++) {
            char h = p[i];
            u <<= 4;
            if (is_digit(h)) u |= (uint32_t)(h - '0');
            else if (h >= 'a' && h <= 'f') u |= (uint32_t)(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') u |= (uint32_t)(h - 'A' + 10);
            else return NULL;
          }
          p += 4;
          if (pass == 0) {
            cp = u;
            if (u < 0xd800 || u > 0xdfff) break;
            if (u > 0xdbff || e - p < 7 || p[1] != '\\' || p[2] != 'u') return NULL;
            p += 2; /* to the 'u' of the low half */
          } else {
            if (u < 0xdc00 || u > 0xdfff) return NULL;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (u - 0xdc00);
          }
        }
        /* Six escaped bytes give at most four: the scratch never overflows. */
        if (cp < 0x80) *w++ = (char)cp;
        else if (cp < 0x800) *w++ = (char)(0xc0 | (cp >> 6)), *w++ = (char)(0x80 | (cp & 0x3f));
        else if (cp < 0x10000)
          *w++ = (char)(0xe0 | (cp >> 12)), *w++ = (char)(0x80 | ((cp >> 6) & 0x3f)),
          *w++ = (char)(0x80 | (cp & 0x3f));
        else
          *w++ = (char)(0xf0 | (cp >> 18)), *w++ = (char)(0x80 | ((cp >> 12) & 0x3f)),
          *w++ = (char)(0x80 | ((cp >> 6) & 0x3f)), *w++ = (char)(0x80 | (cp & 0x3f));
        break;
      }
      default: return NULL;
    }
  }
  return NULL;
}

static void trim(const char **s, size_t *n) {
  while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
    (*n)--;
  while (*n > 0 && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
}

/* A message tag: one word, printable, not the start of JSON or markup. */
static int is_tag(const char *s, size_t n) {
  if (n == 0 || n > MAX_TAG || s[0] == '{' || s[0] == '}' || s[0] == '[' || s[0] == ']' ||
      s[0] == '"' || s[0] == '<' || s[0] == ',')
    return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ' ' || s[i] == '\t') return 0;
  return clean_utf8(s, n);
}

static char *keep(sbp_denial_log *log, piece p) {
  return sbp__arena_strndup(&log->strings, p.p, p.n);
}

static int store(sbp_denial_log *log, const parsed *r, int form, uint32_t line, piece tag,
                 sbp_error *err) {
  if (log->n >= log->opts.max_reports)
    return sbp__error(err, SBP_E_LIMIT, "denials: more than %zu reports",
                      log->opts.max_reports);
  if (log->n == log->cap) {
    size_t cap = log->cap ? log->cap * 2 : 64;
    sbp_denial *nv = sbp__realloc(&log->alloc, log->v, cap * sizeof *nv);
    if (nv == NULL) return sbp__nomem(err);
    log->v = nv;
    log->cap = cap;
  }
  sbp_denial *d = &log->v[log->n];
  memset(d, 0, sizeof *d);
  d->version = SBP_DENIAL_VERSION;
  d->form = form;
  d->action = r->action;
  d->system_policy = r->system_policy;
  d->source = log->nsources - 1;
  d->line = line;
  d->pid = r->pid;
  d->number = r->number;
  d->repeats = r->repeats;
  d->process = keep(log, r->process);
  d->operation = keep(log, r->op);
  d->target = keep(log, r->target);
  d->message = tag.p ? keep(log, tag) : NULL;
  if (!d->process || !d->operation || !d->target || (tag.p && !d->message))
    return sbp__nomem(err);
  log->n++;
  return SBP_OK;
}

static void skip(sbp_denial_log *log, uint32_t line, const char *why) {
  if (log->skipped++ == 0) {
    log->skip_reason = why;
    log->skip_source = log->nsources - 1;
    log->skip_line = line;
  }
}

/* The report in a message: after a "Sandbox: " marker, else as a bare wrapper line. */
static int parse_message(const char *s, size_t n, parsed *r, int *form) {
  const char *m = find(s, n, "Sandbox: ");
  if (m != NULL) {
    const char *b = m + 9;
    /* "K duplicate report(s) for Sandbox: ..." puts the count before the marker. */
    const char *dup = find(s, (size_t)(m - s), "duplicate report");
    if (dup != NULL) {
      const char *k = dup;
      while (k > s && k[-1] == ' ') k--;
      while (k > s && is_digit(k[-1])) k--;
      if (k < dup && is_digit(*k)) b = k; /* parse from the count */
    }
    if (form) *form = SBP_DENIAL_FORM_KERNEL;
    return parse_report(b, (size_t)(s + n - b), 0, r);
  }
  if (form) *form = SBP_DENIAL_FORM_WRAPPER;
  int rc = parse_report(s, n, 1, r);
  if (rc == LINE_REPORT) return rc;
  /* Only lines that look like reports count as skipped. */
  return find(s, n, " deny(") || find(s, n, " allow(") ? LINE_SKIP : LINE_OTHER;
}

static int add_line(sbp_denial_log *log, const char *s, size_t n, uint32_t line,
                    int *prev_report, sbp_error *err) {
  int was_report = *prev_report;
  *prev_report = 0;
  log->lines++;
  if (n > log->opts.max_line) {
    skip(log, line, "line longer than the limit");
    return SBP_OK;
  }
  trim(&s, &n);
  if (n == 0) {
    log->other++;
    return SBP_OK;
  }
  parsed r;
  piece tag = {NULL, 0};
  int form = SBP_DENIAL_FORM_KERNEL, rc;
  const char *key = memchr(s, '"', n) ? find(s, n, "\"eventMessage\"") : NULL;
  if (key != NULL) {
    const char *p = key + 14, *e = s + n;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    if (p < e && *p == ':') p++;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    size_t ml = 0;
    int nomem = 0;
    const char *msg = p < e && *p == '"' ? json_string(log, p + 1, e, &ml, &nomem) : NULL;
    if (nomem) return sbp__nomem(err);
    if (msg == NULL) {
      skip(log, line, "malformed JSON string");
      return SBP_OK;
    }
    const char *nl = memchr(msg, '\n', ml);
    size_t first = nl ? (size_t)(nl - msg) : ml;
    const char *fs = msg;
    size_t fl = first;
    trim(&fs, &fl);
    rc = parse_message(fs, fl, &r, NULL);
    form = SBP_DENIAL_FORM_JSON;
    if (rc == LINE_REPORT && nl != NULL) {
      const char *t = nl + 1;
      size_t tl = ml - first - 1;
      trim(&t, &tl);
      if (is_tag(t, tl)) tag.p = t, tag.n = tl;
    }
  } else {
    if (s[0] == '<' && find(s, n, "sandbox_violations>") != NULL) {
      log->other++;
      return SBP_OK;
    }
    rc = parse_message(s, n, &r, &form);
    if (rc != LINE_REPORT && was_report && is_tag(s, n)) {
      /* The previous line was a kernel or wrapper report, which has no tag of its own. */
      sbp_denial *d = &log->v[log->n - 1];
      if ((d->message = sbp__arena_strndup(&log->strings, s, n)) == NULL) return sbp__nomem(err);
      log->other++;
      return SBP_OK;
    }
  }
  if (rc == LINE_OTHER) {
    log->other++;
    return SBP_OK;
  }
  if (rc == LINE_SKIP) {
    skip(log, line, r.why); /* parse_report() names the reason of every skip */
    return SBP_OK;
  }
  int st = store(log, &r, form, line, tag, err);
  if (st == SBP_OK) *prev_report = form != SBP_DENIAL_FORM_JSON;
  return st;
}

int sbp_denial_log_new(sbp_denial_log **out, const sbp_denial_options *opts,
                       const sbp_alloc *alloc, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "denials: NULL out");
  *out = NULL;
  if (opts != NULL && opts->version != SBP_DENIAL_OPTIONS_VERSION)
    return sbp__error(err, SBP_E_INVALID_ARG, "denials: unknown options version %u",
                      (unsigned)opts->version);
  if (alloc == NULL) alloc = sbp_alloc_default();
  if (!sbp__alloc_valid(alloc))
    return sbp__error(err, SBP_E_INVALID_ARG, "denials: incomplete allocator");
  sbp_denial_log *log = sbp__malloc(alloc, sizeof *log);
  if (log == NULL) return sbp__nomem(err);
  memset(log, 0, sizeof *log);
  log->alloc = *alloc;
  sbp_denial_options def = SBP_DENIAL_OPTIONS_INIT;
  log->opts = opts ? *opts : def;
  if (log->opts.max_line == 0) log->opts.max_line = DEFAULT_MAX_LINE;
  if (log->opts.max_reports == 0) log->opts.max_reports = DEFAULT_MAX_REPORTS;
  sbp__arena_init(&log->strings, &log->alloc);
  *out = log;
  return SBP_OK;
}

int sbp_denial_log_add(sbp_denial_log *log, const char *text, size_t len, sbp_error *err) {
  if (log == NULL || (text == NULL && len > 0))
    return sbp__error(err, SBP_E_INVALID_ARG, "denials: NULL argument");
  log->nsources++;
  const char *p = text, *e = text + len;
  uint32_t line = 0;
  int prev = 0;
  while (p < e) {
    const char *q = memchr(p, '\n', (size_t)(e - p));
    if (q == NULL) q = e;
    const char *cr = memchr(p, '\r', (size_t)(q - p));
    if (cr != NULL) q = cr; /* CR or CRLF */
    line += line != UINT32_MAX; /* saturates */
    int rc = add_line(log, p, (size_t)(q - p), line, &prev, err);
    if (rc != SBP_OK) return rc;
    if (q < e && *q == '\r' && q + 1 < e && q[1] == '\n') q++;
    p = q + 1;
  }
  return SBP_OK;
}

int sbp_denial_parse(sbp_denial_log **out, const char *text, size_t len,
                     const sbp_denial_options *opts, const sbp_alloc *alloc, sbp_error *err) {
  int rc = sbp_denial_log_new(out, opts, alloc, err);
  if (rc != SBP_OK) return rc;
  rc = sbp_denial_log_add(*out, text, len, err);
  if (rc != SBP_OK) {
    sbp_denial_log_free(*out);
    *out = NULL;
  }
  return rc;
}

void sbp_denial_log_free(sbp_denial_log *log) {
  if (log == NULL) return;
  sbp_alloc a = log->alloc;
  sbp__arena_release(&log->strings);
  sbp__free(&a, log->v);
  sbp__free(&a, log->scratch);
  sbp__free(&a, log);
}

size_t sbp_denial_log_count(const sbp_denial_log *log) { return log ? log->n : 0; }

const sbp_denial *sbp_denial_log_at(const sbp_denial_log *log, size_t i) {
  return log && i < log->n ? &log->v[i] : NULL;
}

size_t sbp_denial_log_skipped(const sbp_denial_log *log) { return log ? log->skipped : 0; }

const char *sbp_denial_log_first_skipped(const sbp_denial_log *log, uint32_t *source,
                                         uint32_t *line) {
  if (log == NULL || log->skipped == 0) return NULL;
  if (source) *source = log->skip_source;
  if (line) *line = log->skip_line;
  return log->skip_reason;
}

size_t sbp_denial_log_lines(const sbp_denial_log *log, size_t *other) {
  if (other) *other = log ? log->other : 0;
  return log ? log->lines : 0;
}

const char *sbp_denial_form_name(int form) {
  switch (form) {
    case SBP_DENIAL_FORM_KERNEL: return "kernel";
    case SBP_DENIAL_FORM_JSON: return "json";
    case SBP_DENIAL_FORM_WRAPPER: return "wrapper";
    default: return NULL;
  }
}
