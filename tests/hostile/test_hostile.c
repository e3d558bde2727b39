/* The hostile table (cases.tsv beside this file): each case runs one entry point on a hostile
 * text and must end with the status the table names (SBP_E_LIMIT, or an error with a
 * position), within the table's bounds on memory (peak bytes live, total bytes requested,
 * measured by a metering allocator) -- never wall-clock time.
 *
 * Then the documented codes: the @return text of every public function in the headers is
 * parsed for the codes it lists (following "As sbp_x()" references), and every code the
 * table, NULL arguments and failed allocations make a function return must be among them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "sbprofile.h"
#include "test_files.h"

/* ---- a metering allocator ---------------------------------------------------------------- */

typedef struct meter {
  sbp_alloc alloc;
  size_t live, peak, total, calls;
  size_t fail_at; /* the call that fails (SIZE_MAX: none) */
} meter;

typedef union header {
  size_t size;
  max_align_t align;
} header;

static void *m_malloc(void *ud, size_t n) {
  meter *m = ud;
  if (m->calls++ == m->fail_at || n > SIZE_MAX - sizeof(header)) return NULL;
  header *h = malloc(sizeof *h + n);
  if (h == NULL) return NULL;
  h->size = n;
  m->live += n;
  m->total += n;
  if (m->live > m->peak) m->peak = m->live;
  return h + 1;
}
static void m_free(void *ud, void *p) {
  meter *m = ud;
  if (p == NULL) return;
  header *h = (header *)p - 1;
  m->live -= h->size;
  free(h);
}
static void *m_realloc(void *ud, void *p, size_t n) {
  meter *m = ud;
  if (p == NULL) return m_malloc(ud, n);
  if (m->calls++ == m->fail_at || n > SIZE_MAX - sizeof(header)) return NULL;
  header *h = (header *)p - 1;
  size_t old = h->size;
  header *nh = realloc(h, sizeof *nh + n);
  if (nh == NULL) return NULL;
  nh->size = n;
  m->live = m->live - old + n;
  m->total += n;
  if (m->live > m->peak) m->peak = m->live;
  return nh + 1;
}
static void meter_init(meter *m, size_t fail_at) {
  memset(m, 0, sizeof *m);
  m->alloc.malloc = m_malloc;
  m->alloc.realloc = m_realloc;
  m->alloc.free = m_free;
  m->alloc.ud = m;
  m->fail_at = fail_at;
}

/* ---- codes each function was seen to return ----------------------------------------------- */

#define MAX_SEEN 32
static struct {
  const char *fn;
  unsigned codes; /* bit -code */
} seen[MAX_SEEN];

static void saw(const char *fn, int rc) {
  if (rc > 0 || rc < -31) fail_msg("%s returned %d, which is no status", fn, rc);
  for (size_t i = 0; i < MAX_SEEN; i++) {
    if (seen[i].fn == NULL) seen[i].fn = fn;
    if (strcmp(seen[i].fn, fn) == 0) {
      seen[i].codes |= 1u << (unsigned)(-rc);
      return;
    }
  }
  fail_msg("too many functions");
}

/* ---- the cases ------------------------------------------------------------------------- */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    while (t->len + n + 1 > t->cap) t->cap = t->cap ? t->cap * 2 : 256;
    t->s = realloc(t->s, t->cap);
    assert_non_null(t->s);
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = '\0';
}

/* Unescapes \n \t \\ \" and expands {{N|text}} (%N inside: the repetition's number). */
static void expand(const char *in, text *out) {
  for (const char *p = in; *p;) {
    if (p[0] == '{' && p[1] == '{') {
      char *bar;
      unsigned long n = strtoul(p + 2, &bar, 10);
      const char *end = strstr(bar, "}}");
      assert_true(*bar == '|' && end != NULL);
      text body = {0};
      char *inner = malloc((size_t)(end - bar));
      memcpy(inner, bar + 1, (size_t)(end - bar - 1));
      inner[end - bar - 1] = '\0';
      expand(inner, &body);
      free(inner);
      for (unsigned long i = 0; i < n; i++) {
        for (size_t k = 0; k < body.len; k++) {
          if (body.s[k] == '%' && k + 1 < body.len && body.s[k + 1] == 'N') {
            char num[24];
            int w = snprintf(num, sizeof num, "%lu", i);
            put(out, num, (size_t)w);
            k++;
          } else {
            put(out, body.s + k, 1);
          }
        }
      }
      free(body.s);
      p = end + 2;
    } else if (p[0] == '\\' && p[1] != '\0') {
      char c = p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1];
      put(out, &c, 1);
      p += 2;
    } else {
      put(out, p, 1);
      p++;
    }
  }
  if (out->s == NULL) put(out, "", 0);
}

#define MAX_PARTS 8
typedef struct parts {
  const char *s[MAX_PARTS];
  size_t len[MAX_PARTS], n;
} parts;

static void split(const text *t, parts *p) {
  p->n = 0;
  size_t start = 0;
  for (size_t i = 0; i + 3 <= t->len; i++) {
    if ((i == 0 || t->s[i - 1] == '\n') && memcmp(t->s + i, "%%\n", 3) == 0) {
      assert_true(p->n + 1 < MAX_PARTS);
      p->s[p->n] = t->s + start;
      p->len[p->n++] = i - start;
      start = i + 3;
    }
  }
  p->s[p->n] = t->s + start;
  p->len[p->n++] = t->len - start;
}

static int resolve(const char *name, size_t len, const char *from, sbp_buf *out_text,
                   sbp_buf *out_file, sbp_error *err, void *payload) {
  const parts *p = payload;
  (void)from;
  (void)out_file;
  (void)err;
  if (len == 5 && name[0] == 'f' && name[1] >= '0' && name[1] <= '6' &&
      memcmp(name + 2, ".sb", 3) == 0 && (size_t)(name[1] - '0') + 1 < p->n) {
    size_t k = (size_t)(name[1] - '0') + 1;
    return sbp__buf_put(out_text, sbp_alloc_default(), p->s[k], p->len[k]);
  }
  return SBP_E_NOT_FOUND;
}

typedef struct options {
  size_t max_steps, max_memory, max_import_depth;
} options;

static void parse_options(const char *s, options *o) {
  memset(o, 0, sizeof *o);
  if (strcmp(s, "-") == 0) return;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", s);
  for (char *kv = buf; kv && *kv;) {
    char *comma = strchr(kv, ',');
    if (comma) *comma = '\0';
    char *eq = strchr(kv, '=');
    assert_non_null(eq);
    *eq = '\0';
    size_t v = (size_t)strtoull(eq + 1, NULL, 10);
    if (strcmp(kv, "max_steps") == 0) o->max_steps = v;
    else if (strcmp(kv, "max_memory") == 0) o->max_memory = v;
    else if (strcmp(kv, "max_import_depth") == 0) o->max_import_depth = v;
    else fail_msg("unknown option %s", kv);
    kv = comma ? comma + 1 : NULL;
  }
}

static size_t parse_size(const char *s) {
  char *end;
  size_t v = (size_t)strtoull(s, &end, 10);
  if (*end == 'K') v <<= 10;
  if (*end == 'M') v <<= 20;
  return v;
}

/* Runs one entry; fills err, and for lint the result. Returns the status. */
static int run_entry(const char *entry, const text *t, const options *o, const sbp_alloc *a,
                     sbp_error *err, sbp_lint_result **lr) {
  sbp_read_options ro = SBP_READ_OPTIONS_INIT;
  ro.max_steps = o->max_steps;
  ro.max_import_depth = o->max_import_depth;
  if (strcmp(entry, "read") == 0) {
    sbp_profile *p = NULL;
    int rc = sbp_profile_read(&p, t->s, t->len, "t.sb", &ro, a, err);
    saw("sbp_profile_read", rc);
    if (rc != SBP_OK) assert_null(p);
    sbp_profile_free(p);
    return rc;
  }
  if (strcmp(entry, "read_imports") == 0) {
    parts pp;
    split(t, &pp);
    ro.import = resolve;
    ro.import_payload = &pp;
    sbp_source src = {pp.s[0], pp.len[0], "t.sb"};
    sbp_profile *p = NULL;
    int rc = sbp_profile_read_sources(&p, &src, 1, &ro, a, err);
    saw("sbp_profile_read_sources", rc);
    sbp_profile_free(p);
    return rc;
  }
  if (strcmp(entry, "decide") == 0) {
    sbp_profile *p = NULL;
    ro.flags = SBP_READ_SYMBOLIC_PARAMS;
    int rc = sbp_profile_read(&p, t->s, t->len, "t.sb", &ro, a, err);
    saw("sbp_profile_read", rc);
    if (rc != SBP_OK) return rc;
    sbp_decide_options dopt = SBP_DECIDE_OPTIONS_INIT;
    dopt.max_memory = o->max_memory;
    sbp_decider *d = NULL;
    rc = sbp_decider_new(&d, p, &dopt, err);
    saw("sbp_decider_new", rc);
    if (rc != SBP_OK) assert_null(d);
    sbp_decider_free(d);
    sbp_profile_free(p);
    return rc;
  }
  if (strcmp(entry, "regex") == 0) {
    int rc = sbp_regex_check(t->s, t->len, a, NULL, err);
    saw("sbp_regex_check", rc);
    return rc;
  }
  if (strcmp(entry, "lint") == 0 || strcmp(entry, "lint_sources") == 0) {
    parts pp;
    split(t, &pp);
    static const char *const names[MAX_PARTS] = {"s0.sb", "s1.sb", "s2.sb", "s3.sb",
                                                 "s4.sb", "s5.sb", "s6.sb", "s7.sb"};
    sbp_source src[MAX_PARTS];
    for (size_t i = 0; i < pp.n; i++) {
      src[i].text = pp.s[i];
      src[i].len = pp.len[i];
      src[i].file = names[i];
    }
    sbp_lint_options lo = SBP_LINT_OPTIONS_INIT;
    lo.read = &ro;
    ro.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
    int rc;
    if (strcmp(entry, "lint") == 0) {
      rc = sbp_lint_text(src[0].text, src[0].len, src[0].file, &lo, a, lr, err);
      saw("sbp_lint_text", rc);
    } else {
      rc = sbp_lint_sources(src, pp.n, &lo, a, lr, err);
      saw("sbp_lint_sources", rc);
    }
    return rc;
  }
  fail_msg("unknown entry %s", entry);
  return SBP_E_INVALID_ARG;
}

static int status_of(const char *name) {
  for (int c = 0; c >= -31; c--) {
    const char *n = sbp_status_name(c);
    if (strcmp(n, "SBP_E_UNKNOWN") == 0) break;
    if (strcmp(n + (c == 0 ? 4 : 6), name) == 0) return c;
  }
  fail_msg("unknown status %s", name);
  return 1;
}

/* The lint diagnostic CODE@FILE:LINE:COL (COL may be left empty: any) is reported. */
static int has_diag(const sbp_lint_result *r, const char *want) {
  char code[64], file[64];
  unsigned line = 0, col = 0;
  int n = sscanf(want, "%63[^@]@%63[^:]:%u:%u", code, file, &line, &col);
  assert_true(n >= 3);
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    const char *f;
    uint32_t l, c;
    sbp_lint_position(r, i, &f, &l, &c);
    if (strcmp(sbp_lint_code(r, i), code) == 0 && f && strcmp(f, file) == 0 && l == line &&
        (n < 4 || c == col))
      return 1;
  }
  return 0;
}

static char *load_cases(void) {
  size_t len;
  char *all = test_read_file(SBP_HOSTILE_CASES, &len);
  if (all == NULL) fail_msg("cannot read %s", SBP_HOSTILE_CASES);
  return all;
}

static void test_table(void **state) {
  (void)state;
  char *all = load_cases();
  int cases = 0, failures = 0;
  for (char *line = all, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    if (*line == '#' || *line == '\0') continue;
    char *f[7];
    int nf = 0;
    for (char *p = line; nf < 7; nf++) {
      f[nf] = p;
      char *tab = strchr(p, '\t');
      if (tab == NULL) {
        nf++;
        break;
      }
      *tab = '\0';
      p = tab + 1;
    }
    if (nf != 7) fail_msg("case %s: %d fields, want 7", f[0], nf);
    text t = {0};
    expand(f[2], &t);
    options o;
    parse_options(f[3], &o);
    int want = status_of(f[4]);
    size_t peak_max = 0, total_max = 0;
    char *pk = strstr(f[6], "peak<="), *tt = strstr(f[6], "total<=");
    assert_true(pk != NULL && tt != NULL);
    peak_max = parse_size(pk + 6);
    total_max = parse_size(tt + 7);
    meter m;
    meter_init(&m, SIZE_MAX);
    sbp_error err = SBP_ERROR_INIT;
    sbp_lint_result *lr = NULL;
    int rc = run_entry(f[1], &t, &o, &m.alloc, &err, &lr);
    int ok = 1;
    if (rc != want) {
      print_error("%s: got %s (%s), want %s\n", f[0], sbp_status_name(rc), err.message, f[4]);
      ok = 0;
    } else if (lr != NULL) {
      if (f[5][0] && !has_diag(lr, f[5])) {
        print_error("%s: no diagnostic %s\n", f[0], f[5]);
        ok = 0;
      }
    } else if (rc != SBP_OK) {
      if (f[5][0] && strstr(err.message, f[5]) == NULL) {
        print_error("%s: message \"%s\" lacks \"%s\"\n", f[0], err.message, f[5]);
        ok = 0;
      }
      if (rc != SBP_E_LIMIT && rc != SBP_E_NOMEM && err.line == 0) {
        print_error("%s: %s without a position\n", f[0], sbp_status_name(rc));
        ok = 0;
      }
    }
    sbp_lint_result_free(lr);
    if (m.live != 0) {
      print_error("%s: %zu bytes leaked\n", f[0], m.live);
      ok = 0;
    }
    if (m.peak > peak_max || m.total > total_max) {
      print_error("%s: peak %zu bytes (bound %zu), total %zu (bound %zu)\n", f[0], m.peak,
                  peak_max, m.total, total_max);
      ok = 0;
    }
    print_message("%-32s %-12s peak %9zu total %10zu\n", f[0], sbp_status_name(rc), m.peak,
                  m.total);
    failures += !ok;
    cases++;
    free(t.s);
  }
  free(all);
  assert_int_equal(failures, 0);
  assert_true(cases >= 30);
}

/* ---- documented codes ------------------------------------------------------------------ */

#define MAX_FNS 512
static struct doc {
  char name[64];
  unsigned codes;   /* documented, bit -code */
  char refs[8][64]; /* functions its @return refers to */
  int nrefs;
} docs[MAX_FNS];
static int ndocs;

static void parse_header(const char *path) {
  size_t len;
  char *h = test_read_file(path, &len);
  if (h == NULL) fail_msg("cannot read %s", path);
  const char *doc_start = NULL, *doc_end = NULL;
  for (const char *p = h; *p; p++) {
    if (p[0] == '/' && p[1] == '*' && p[2] == '*') {
      doc_start = p;
      const char *e = strstr(p, "*/");
      if (e == NULL) break;
      doc_end = e;
      p = e + 1;
      continue;
    }
    if (strncmp(p, "SBP_API ", 8) != 0) continue;
    const char *paren = strchr(p, '(');
    if (paren == NULL) break;
    const char *n = paren;
    while (n > p && (n[-1] == '_' || (n[-1] >= 'a' && n[-1] <= 'z') || (n[-1] >= '0' && n[-1] <= '9')))
      n--;
    assert_true(ndocs < MAX_FNS);
    struct doc *d = &docs[ndocs++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%.*s", (int)(paren - n), n);
    if (doc_start != NULL) {
      const char *ret = strstr(doc_start, "@return");
      if (ret != NULL && ret < doc_end) {
        for (const char *q = ret; q < doc_end; q++) {
          if (strncmp(q, "SBP_OK", 6) == 0) d->codes |= 1u;
          if (strncmp(q, "SBP_E_", 6) == 0) {
            char code[32];
            int k = 0;
            while (k < 31 && ((q[k] >= 'A' && q[k] <= 'Z') || q[k] == '_')) {
              code[k] = q[k];
              k++;
            }
            code[k] = '\0';
            for (int c = -1; c >= -31; c--)
              if (strcmp(sbp_status_name(c), code) == 0) d->codes |= 1u << (unsigned)(-c);
          }
          if (strncmp(q, "sbp_", 4) == 0 && (q == ret || q[-1] == ' ' || q[-1] == '\n') &&
              d->nrefs < 8) {
            int k = 0;
            while (k < 63 && (q[k] == '_' || (q[k] >= 'a' && q[k] <= 'z') || (q[k] >= '0' && q[k] <= '9')))
              k++;
            if (q[k] == '(' && q[k + 1] == ')')
              snprintf(d->refs[d->nrefs++], 64, "%.*s", k, q);
          }
        }
      }
    }
    doc_start = NULL;
    p = paren;
  }
  free(h);
}

static const struct doc *find_doc(const char *name) {
  for (int i = 0; i < ndocs; i++)
    if (strcmp(docs[i].name, name) == 0) return &docs[i];
  return NULL;
}

/* The codes name documents, with those of the functions its @return refers to. */
static unsigned documented(const char *name, int depth) {
  const struct doc *d = find_doc(name);
  if (d == NULL) fail_msg("%s is not declared in the headers", name);
  unsigned c = d->codes;
  for (int i = 0; i < d->nrefs && depth < 4; i++)
    if (strcmp(d->refs[i], name) != 0) c |= documented(d->refs[i], depth + 1);
  return c;
}

static void load_docs(void) {
  if (ndocs > 0) return;
  static const char *const headers[] = {"common.h", "profile.h", "build.h",    "read.h",
                                        "serialize.h", "format.h", "lint.h", "decide.h",
                                        "regex.h", "catalog.h", "iter.h", "assert.h"};
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/sbprofile/%s", SBP_INCLUDE_DIR, headers[i]);
    parse_header(path);
  }
}

/* Small texts that succeed, for fault injection. */
static void exhaust(const char *entry, const char *src) {
  text t = {0};
  expand(src, &t);
  options o;
  memset(&o, 0, sizeof o);
  meter m;
  meter_init(&m, SIZE_MAX);
  sbp_error err = SBP_ERROR_INIT;
  sbp_lint_result *lr = NULL;
  assert_int_equal(run_entry(entry, &t, &o, &m.alloc, &err, &lr), SBP_OK);
  sbp_lint_result_free(lr);
  size_t clean = m.calls;
  for (size_t k = 0; k < clean; k++) {
    meter_init(&m, k);
    lr = NULL;
    int rc = run_entry(entry, &t, &o, &m.alloc, &err, &lr);
    sbp_lint_result_free(lr);
    if (m.live != 0) fail_msg("%s: allocation %zu failed: %zu bytes leaked", entry, k, m.live);
    (void)rc;
  }
  free(t.s);
}

static void test_documented_codes(void **state) {
  (void)state;
  load_docs();
  assert_true(ndocs > 100);
  /* the parser sees what the headers say, and can tell a code apart that is not there */
  assert_true(documented("sbp_decider_new", 0) & (1u << (unsigned)-SBP_E_LIMIT));
  assert_false(documented("sbp_decider_new", 0) & (1u << (unsigned)-SBP_E_IO));
  assert_true(documented("sbp_lint_sources", 0) & (1u << (unsigned)-SBP_E_INVALID_ARG));
  /* NULL and bad arguments */
  sbp_error err = SBP_ERROR_INIT;
  saw("sbp_profile_read", sbp_profile_read(NULL, "", 0, NULL, NULL, NULL, &err));
  saw("sbp_profile_read_sources", sbp_profile_read_sources(NULL, NULL, 0, NULL, NULL, &err));
  saw("sbp_decider_new", sbp_decider_new(NULL, NULL, NULL, &err));
  saw("sbp_regex_check", sbp_regex_check(NULL, 3, NULL, NULL, &err));
  saw("sbp_lint_text", sbp_lint_text(NULL, 3, NULL, NULL, NULL, NULL, &err));
  saw("sbp_lint_sources", sbp_lint_sources(NULL, 0, NULL, NULL, NULL, &err));
  /* failed allocations, everywhere */
  exhaust("read", "(version 1)\\n(define (f x) (list x x))\\n(allow file-read* (literal (car (f \\\"/a\\\"))))\\n");
  exhaust("read_imports", "(version 1)\\n(import \\\"f0.sb\\\")\\n%%\\n(allow mach-lookup (global-name \\\"x\\\"))\\n");
  exhaust("decide", "(version 1)\\n(deny default)\\n(allow file-read* (regex #\\\"^/a(b|c)*\\\") (subpath \\\"/x\\\"))\\n");
  exhaust("regex", "^/a(b|c)*[d-f]{2,3}$");
  exhaust("lint", "(version 1)\\n(allow file-read* (subpath \\\"/tmp\\\"))\\n");
  exhaust("lint_sources", "(import \\\"x.sb\\\")\\n%%\\n(version 1)\\n(deny default)\\n");
  /* with what the hostile table made them return (test_table runs first) */
  int failures = 0;
  for (size_t i = 0; i < MAX_SEEN && seen[i].fn; i++) {
    unsigned doc = documented(seen[i].fn, 0) | 1u;
    unsigned extra = seen[i].codes & ~doc;
    for (int c = 1; c < 32; c++)
      if (extra & (1u << c)) {
        print_error("%s returned %s, which its header does not list\n", seen[i].fn,
                    sbp_status_name(-c));
        failures++;
      }
  }
  assert_int_equal(failures, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_documented_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
