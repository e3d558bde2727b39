/* Fault injection over the evaluator, allocation by allocation. The evaluator takes its cells
 * from an arena in 64 KiB chunks, so a failing allocator reaches it only at chunk
 * boundaries; here the arena's chunks are made minimal (sbp__arena_test_chunk_size), so that
 * every cell, string and node is an allocator call that can fail.
 *
 * For each profile (hand-written ones using every built-in, the committed test profiles of
 * tests/data and fuzz/corpus, and the corpus of real profiles) the answer of a run with
 * ordinary chunks and no failure is the reference: its status, serialized profile, or error
 * message and position. A run with minimal chunks must give the same answer. Then the
 * allocator fails at call k (once, and from k on): the run must end with SBP_E_NOMEM and
 * "out of memory", or, when the failure was absorbed, with the reference answer; and no block
 * may be left allocated. Calls made while the evaluator starts up (the same for every text)
 * are failed once, on an empty text; for each profile, every later call is failed when there
 * are few, an even spread of them otherwise (a bound on the work keeps the program fast
 * enough for valgrind). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "buf.h"
#include "corpus.h"
#include "sbprofile.h"
#include "test_alloc.h"
#include "test_files.h"

/* Failing points tried per profile, each both transient and persistent, past start-up. */
#define POINTS 6

/* What one evaluation answers. */
typedef struct answer {
  int rc;
  sbp_error err;
  char *text; /* the serialized profile (malloc'd), when rc is SBP_OK */
  size_t len;
} answer;

/* What is done with a profile: evaluated and serialized, or linted. */
typedef enum job_kind { JOB_EVAL, JOB_LINT } job_kind;

/* One profile: its sources and options. */
typedef struct job {
  const char *name;
  const sbp_source *sources;
  size_t nsources;
  const sbp_read_options *opts;
  job_kind kind;
} job;

static void answer_free(answer *a) {
  free(a->text);
  a->text = NULL;
}

static void keep_text(answer *out, const char *text, size_t len) {
  out->text = malloc(len + 1);
  assert_non_null(out->text);
  memcpy(out->text, text, len);
  out->text[len] = '\0';
  out->len = len;
}

/* Lints the job's sources: every diagnostic, one a line, is the answer's text. */
static void run_lint(const job *j, const sbp_alloc *alloc, answer *out) {
  sbp_lint_options lo = SBP_LINT_OPTIONS_INIT;
  lo.read = j->opts;
  sbp_lint_result *r = NULL;
  out->rc = sbp_lint_sources(j->sources, j->nsources, &lo, alloc, &r, &out->err);
  if (out->rc != SBP_OK) return;
  size_t cap = 1, len = 0;
  for (size_t i = 0; i < sbp_lint_count(r); i++) cap += 64 + strlen(sbp_lint_message(r, i)) +
                                                        (sbp_lint_fix(r, i) ? strlen(sbp_lint_fix(r, i)) : 0);
  char *text = malloc(cap);
  assert_non_null(text);
  text[0] = '\0';
  for (size_t i = 0; i < sbp_lint_count(r); i++) {
    uint32_t line = 0, col = 0;
    sbp_lint_position(r, i, NULL, &line, &col);
    len += (size_t)snprintf(text + len, cap - len, "%u:%u: %s: %s [%s]\n", line, col,
                            sbp_lint_code(r, i), sbp_lint_message(r, i),
                            sbp_lint_fix(r, i) ? sbp_lint_fix(r, i) : "");
  }
  keep_text(out, text, len);
  free(text);
  sbp_lint_result_free(r);
}

/* Evaluates and serializes (or lints) the job with alloc, filling *out; nothing stays
 * allocated from alloc. */
static void run(const job *j, const sbp_alloc *alloc, answer *out) {
  sbp_profile *p = NULL;
  memset(out, 0, sizeof(*out));
  sbp_error e0 = SBP_ERROR_INIT;
  out->err = e0;
  if (j->kind == JOB_LINT) {
    run_lint(j, alloc, out);
    return;
  }
  out->rc = sbp_profile_read_sources(&p, j->sources, j->nsources, j->opts, alloc, &out->err);
  if (out->rc == SBP_OK) {
    sbp_buf b = SBP_BUF_INIT;
    out->rc = sbp_serialize(p, NULL, &b, &out->err);
    if (out->rc == SBP_OK) keep_text(out, b.ptr, b.len);
    sbp_buf_dispose(&b);
  }
  sbp_profile_free(p);
}

static int same_answer(const answer *a, const answer *b) {
  if (a->rc != b->rc) return 0;
  if (a->rc == SBP_OK) return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
  return a->err.line == b->err.line && a->err.column == b->err.column &&
         strcmp(a->err.message, b->err.message) == 0 && strcmp(a->err.file, b->err.file) == 0;
}

static void expect_same(const job *j, const answer *want, const answer *got, const char *how) {
  if (same_answer(want, got)) return;
  if (want->rc == SBP_OK && got->rc == SBP_OK)
    print_error("got text:\n%.*s\nexpected text:\n%.*s\n", (int)got->len, got->text,
                (int)want->len, want->text);
  fail_msg("%s: %s: got %s %u:%u %s, expected %s %u:%u %s", j->name, how,
           sbp_status_name(got->rc), got->err.line, got->err.column, got->err.message,
           sbp_status_name(want->rc), want->err.line, want->err.column, want->err.message);
}

/* Allocator calls of the evaluator's start-up, measured on an empty text. */
static size_t startup_calls;

/* Runs j with allocator call k failing (transient or persistent) and checks the answer. */
static void fail_one(const job *j, const answer *ref, size_t k, size_t calls, int persistent) {
  test_alloc ta;
  test_alloc_init(&ta);
  test_alloc_fail_at(&ta, k, persistent);
  answer got;
  run(j, &ta.alloc, &got);
  if (got.rc == SBP_E_NOMEM) {
    if (strcmp(got.err.message, "out of memory") != 0)
      fail_msg("%s: call %zu of %zu failing (%s): message \"%s\"", j->name, k, calls,
               persistent ? "persistent" : "transient", got.err.message);
  } else {
    char how[96];
    snprintf(how, sizeof(how), "call %zu of %zu failing (%s)", k, calls,
             persistent ? "persistent" : "transient");
    expect_same(j, ref, &got, how);
    /* from k on, every call fails: only a run that needs no more calls can succeed */
    if (persistent && got.rc == SBP_OK) fail_msg("%s: %s, yet it succeeded", j->name, how);
  }
  if (ta.live != 0)
    fail_msg("%s: call %zu of %zu failing (%s): %zu blocks leaked", j->name, k, calls,
             persistent ? "persistent" : "transient", ta.live);
  answer_free(&got);
}

/* Shifts each job's spread of failing calls, so that profiles sharing much of their work
 * (the same helpers, the same kinds of rules) do not all fail at the same ones. */
static size_t shift;

/* The whole check for one job: `points` failing calls spread over [first, calls) (SIZE_MAX:
 * every call). Returns the allocator calls of a clean run, or 0 when
 * the job was left out. */
static size_t exhaust(const job *j, size_t first, size_t points) {
  answer ref, got;
  sbp__arena_test_chunk_size(0);
  /* a text that runs into a limit makes up to the limit's worth of calls: too many to fail
   * one by one (the limits are tested in test_eval_budget); and which limit comes first
   * depends on the chunks' size, as memory counts their headers */
  job e = *j;
  e.kind = JOB_EVAL;
  run(&e, NULL, &ref);
  int limited = ref.rc == SBP_E_LIMIT;
  answer_free(&ref);
  if (limited) return 0;
  run(j, NULL, &ref);
  sbp__arena_test_chunk_size(1);
  test_alloc ta;
  test_alloc_init(&ta);
  run(j, &ta.alloc, &got);
  expect_same(j, &ref, &got, "minimal chunks");
  assert_int_equal(ta.live, 0);
  answer_free(&got);
  size_t calls = ta.calls;
  if (getenv("EVAL_OOM_VERBOSE")) print_message("%s: %zu calls\n", j->name, calls);
  size_t span = calls > first ? calls - first : 0;
  size_t n = span < points ? span : points;
  shift += 7919;
  for (size_t i = 0; i < n; i++) {
    /* an even spread over [first, calls), the first call included */
    size_t k = first + (n == span ? i : (i * span / n + shift % (span / n)));
    fail_one(j, &ref, k, calls, 0);
    fail_one(j, &ref, k, calls, 1);
  }
  /* with one call more than a clean run makes allowed, nothing fails */
  test_alloc_init(&ta);
  test_alloc_fail_at(&ta, calls, 1);
  run(j, &ta.alloc, &got);
  expect_same(j, &ref, &got, "all calls allowed");
  assert_int_equal(ta.live, 0);
  answer_free(&got);
  sbp__arena_test_chunk_size(0);
  answer_free(&ref);
  return calls;
}

static size_t exhaust_text(const char *name, const char *text, size_t len,
                           const sbp_read_options *opts, size_t points, job_kind kind) {
  sbp_source src = {text, len, name};
  job j = {name, &src, 1, opts, kind};
  return exhaust(&j, startup_calls, points);
}

/* ---- options ------------------------------------------------------------------------------ */

static int resolver(const char *name, size_t len, const char *from, sbp_buf *text,
                    sbp_buf *file, sbp_error *err, void *payload) {
  (void)from;
  (void)file;
  (void)payload;
  (void)err;
  static const char lib[] =
      "(define (lib-rule p) (allow file-read* (subpath p)))\n"
      "(allow mach-lookup (global-name \"com.example.lib\"))\n";
  if (len == 6 && memcmp(name, "lib.sb", 6) == 0) {
    sbp_buf_dispose(text);
    return sbp__buf_put(text, sbp_alloc_default(), lib, sizeof(lib) - 1);
  }
  return SBP_E_NOT_FOUND;
}

/* The resolver above, for names joined to IMPORT_DIR "/d". */
static int dir_resolver(const char *name, size_t len, const char *from, sbp_buf *text,
                        sbp_buf *file, sbp_error *err, void *payload) {
  if (len > 3 && memcmp(name, "/d/", 3) == 0)
    return resolver(name + 3, len - 3, from, text, file, err, payload);
  return SBP_E_NOT_FOUND;
}

static const char *const ent_paths[] = {"/e1", "/e2"};
static const sbp_entitlement ents[] = {
    {"b", SBP_ENTITLEMENT_BOOLEAN, 1, NULL, NULL, 0},
    {"s", SBP_ENTITLEMENT_STRING, 0, "/s", NULL, 0},
    {"l", SBP_ENTITLEMENT_STRINGS, 0, NULL, ent_paths, 2}};
static const char *const params[] = {"HOME", "/Users/u", "P", "/p"};

static sbp_read_options options(uint32_t flags) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = flags | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  o.import = resolver;
  o.params = params;
  o.nparams = 2;
  o.entitlements = ents;
  o.nentitlements = 3;
  return o;
}

/* ---- tests -------------------------------------------------------------------------------- */

/* Start-up: every call of an empty evaluation fails in turn. */
static void test_startup(void **state) {
  (void)state;
  sbp_read_options o = options(0);
  sbp_source src = {"", 0, "empty.sb"};
  job j = {"empty", &src, 1, &o, JOB_EVAL};
  startup_calls = exhaust(&j, 0, SIZE_MAX);
  assert_true(startup_calls > 10);
}

static void test_hook_reaches_every_cell(void **state) {
  (void)state;
  /* the same text costs more allocator calls with minimal chunks: the hook works */
  static const char text[] = "(version 1)(define l (list 1 2 3 4 5 6 7 8))(allow default)";
  sbp_read_options o = options(0);
  sbp_source src = {text, sizeof(text) - 1, "t.sb"};
  job j = {"t", &src, 1, &o, JOB_EVAL};
  test_alloc ta;
  answer a;
  size_t plain, minimal;
  test_alloc_init(&ta);
  run(&j, &ta.alloc, &a);
  assert_int_equal(a.rc, SBP_OK);
  answer_free(&a);
  plain = ta.calls;
  sbp__arena_test_chunk_size(1);
  test_alloc_init(&ta);
  run(&j, &ta.alloc, &a);
  sbp__arena_test_chunk_size(0);
  assert_int_equal(a.rc, SBP_OK);
  answer_free(&a);
  minimal = ta.calls;
  assert_true(minimal > plain + 8);
}

#define V "(version 1)\n"
static const char *const texts[] = {
    /* lists */
    V "(define l (list 1 2 3 4 5))\n"
      "(define p (cons* 0 l))\n"
      "(define q (list* 'a 'b '(c d)))\n"
      "(define r (append '(1) (list 2 3) '() (reverse l) (list-tail l 2) (take l 2) (drop l 3)))\n"
      "(define f (flatten '(1 (2 (3 4)) ((5)))))\n"
      "(define a '((a . 1) (b . 2) (\"c\" . 3)))\n"
      "(if (and (equal? (list-ref r 2) 3) (member 3 l) (memq 'b q) (memv 4 l) (assoc \"c\" a)\n"
      "         (assq 'b a) (assv 'a a) (= (length f) 5) (pair? p) (list? q) (null? '())\n"
      "         (equal? (caar a) 'a) (cadr l) (cdar a) (cddr l) (caddr l) (cdddr l)\n"
      "         (caadr '(1 (2))) (cddddr l) (cadddr l))\n"
      "  (allow file-read* (literal \"/lists\")))\n"
      "(allow file-read* (apply literal (list \"/apply\")))\n"
      "(for-each (lambda (x) (allow file-read* (literal x))) (list \"/fe1\" \"/fe2\"))\n"
      "(allow file-read* (map (lambda (x y) (literal (string-append x y))) '(\"/m1\" \"/m2\") '(\"a\" \"b\")))\n"
      "(allow file-read* (map literal (filter string? '(\"/f1\" 1 \"/f2\"))))\n",
    /* numbers, predicates, strings */
    V "(define n (+ 1 (- 10 3) (* 2 3) (/ 8 2) (quotient 7 2) (remainder 7 3) (modulo -7 3)\n"
      "  (max 1 5 3) (min 4 2) (abs -3)))\n"
      "(define s (string-append \"/n\" (number->string n) (number->string 255 16)))\n"
      "(define t (list (= 1 1 1) (< 1 2 3) (> 3 2) (<= 1 1) (>= 2 1) (zero? 0) (positive? 1)\n"
      "  (negative? -1) (even? 2) (odd? 3) (number? 1) (integer? 2) (string? \"\") (symbol? 'a)\n"
      "  (boolean? #f) (char? #\\a) (procedure? car) (not #f) (eq? 'a 'a) (eqv? 1 1)\n"
      "  (defined? 'car) (string=? \"a\" \"a\") (string<? \"a\" \"b\") (string>? \"b\" \"a\")\n"
      "  (string<=? \"a\" \"a\") (string>=? \"b\" \"a\") (string-ci=? \"A\" \"a\")\n"
      "  (string-prefix? \"/a\" \"/ab\") (string-suffix? \"b\" \"/ab\") (char=? #\\a #\\a)))\n"
      "(define u (list->string (reverse (string->list \"cba/\"))))\n"
      "(define v (string-append u (substring \"xyz\" 1) (substring \"xyz\" 0 1)\n"
      "  (string-copy \"/c\") (symbol->string (string->symbol \"sym\"))\n"
      "  (string (integer->char (+ 1 (char->integer (string-ref \"a\" 0)))))))\n"
      "(allow file-read* (literal s) (literal v) (literal (number->string (string->number \"ff\" 16))))\n"
      "(if (not (memq #f t)) (allow file-read* (literal \"/preds\")))\n",
    /* special forms */
    V "(define (f x . rest) (if (null? rest) x (apply f rest)))\n"
      "(define g (lambda args (length args)))\n"
      "(define x 1) (set! x (+ x 1))\n"
      "(define y (let loop ((i 0) (acc '())) (if (< i 3) (loop (+ i 1) (cons i acc)) acc)))\n"
      "(define z (let* ((a 1) (b (+ a 1))) (letrec ((ev? (lambda (n) (if (= n 0) #t (od? (- n 1)))))\n"
      "  (od? (lambda (n) (if (= n 0) #f (ev? (- n 1)))))) (list a b (ev? 4)))))\n"
      "(define w (cond ((> x 5) 'big) ((assv 2 '((2 . two))) => cdr) (else 'small)))\n"
      "(define c (case x ((1) 'one) ((2 3) 'two) (else 'other)))\n"
      "(when (and x (or #f x)) (allow file-read* (literal \"/when\")))\n"
      "(unless #f (allow file-read* (literal \"/unless\")))\n"
      "(define d (do ((i 0 (+ i 1)) (s '() (cons i s))) ((= i 3) s)))\n"
      "(define-macro (twice e) `(begin ,e ,e))\n"
      "(define m (macro (form) `(allow file-read* (literal ,(cadr form)))))\n"
      "(m \"/macro\")\n"
      "(twice (allow file-read* (literal \"/twice\")))\n"
      "(define qq `(1 ,x ,@y ,@(list 7 8) (n ,@z) . 9))\n"
      "(define pr (delay (+ 1 2)))\n"
      "(define e (eval '(+ 1 2)))\n"
      "(begin (define b1 1) (define b2 2))\n"
      "(allow file-read* (literal (string-append \"/\" (symbol->string w) (symbol->string c)\n"
      "  (number->string (+ (f 1 2 3) (g 1 2) b1 b2 e (length qq) (length d) (length z))))))\n"
      "(display \"x\") (newline) (write 'y)\n",
    /* sandbox forms */
    V "(deny default (with no-log))\n"
      "(import \"lib.sb\")\n"
      "(import \"missing.sb\")\n"
      "(lib-rule \"/lib\")\n"
      "(allow file-read* file-write-data (require-all (subpath \"/a\") (require-not (regex #\"^/a/b\")))\n"
      "  (require-any (literal \"/a/c\") (prefix \"/a/d\")) (with report))\n"
      "(allow network-outbound (remote tcp \"localhost:80\") (remote udp \"*:53\") (local ip \"*:*\")\n"
      "  (remote unix-socket (path-literal \"/var/run/s\")))\n"
      "(allow mach-lookup (global-name \"com.a\") (global-name-regex #\"^com\\.b\") (local-name-prefix \"c\"))\n"
      "(allow sysctl-read (sysctl-name \"kern.a\") (sysctl-name-prefix \"hw.\"))\n"
      "(allow iokit-open (iokit-user-client-class \"X\"))\n"
      "(allow file-ioctl (ioctl-command (_IO \"t\" 1)))\n"
      "(allow file-read* (subpath (param \"HOME\")) (subpath (param \"P\")) (literal (regex-quote \"/a.b\")))\n"
      "(allow file-read-metadata (path-ancestors \"/a/b/c\"))\n"
      "(allow file-read* (split-string \"/x:/y\" \":\"))\n"
      "(with-filter (literal \"/wf\") (allow file-read*))\n"
      "(with-modifier (with report) (deny file-write*))\n"
      "(with-operations (file-read* file-write*) (allow (subpath \"/wo\")))\n"
      "(if (sbpl-filter? (literal \"/x\")) (allow file-read* (literal \"/isfilter\")))\n"
      "(allow file-read* (require-entitlement \"b\" (entitlement-value #t)))\n"
      "(allow file-read* (map literal (cdr (assoc \"l\" *entitlements*))))\n"
      "(allow process-exec (literal \"/bin/sh\") (with no-sandbox))\n"
      "(allow signal (target self))\n"
      "(allow file-read* (vnode-type REGULAR-FILE) (file-mode #o644))\n"
      "(allow file-read* (literal (string-append (param \"HOME\") \"/x\")))\n"
      "(disable-callouts) (disable-full-symbolication)\n"
      "(trace \"/tmp/trace\")\n",
    /* symbolic parameters and concatenation, unknown names, a late error */
    V "(allow file-read* (subpath (string-append (param \"ROOT\") \"/a\" (param \"SUB\"))))\n"
      "(allow file-read* (literal (param \"ONLY\")))\n"
      "(allow file-raed* (literal \"/typo\"))\n"
      "(define (h p) (string-append (param \"H\") p))\n"
      "(allow file-read* (subpath (h \"/h\")))\n"
      "(error \"stop here\" 1 'two \"three\")\n",
};

/* Hand-written texts that use every built-in and special form, most of them with every
 * failing point. */
static void test_builtins(void **state) {
  (void)state;
  sbp_read_options plain = options(0), symbolic = options(SBP_READ_SYMBOLIC_PARAMS |
                                                         SBP_READ_UNKNOWN_OPERATIONS);
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    char name[32];
    snprintf(name, sizeof(name), "text %zu", i);
    exhaust_text(name, texts[i], strlen(texts[i]), &plain, 400, JOB_EVAL);
    exhaust_text(name, texts[i], strlen(texts[i]), &symbolic, 40, JOB_EVAL);
    exhaust_text(name, texts[i], strlen(texts[i]), &symbolic, 40, JOB_LINT);
  }
}

/* Short texts for paths the texts above take only at a point the spread passes over: a
 * named let, apply with several leading arguments, cond's =>, a do variable without a step,
 * a whole-form macro, with-* contexts around rules of no, one and several filters, nested
 * lists in a rule, unix sockets, an entitlement with a filter, a misspelt operation kept,
 * an import joined to IMPORT_DIR. 150 failing points each (a bound for valgrind). */
static const char *const rare_texts[] = {
    V "(define (f a b c) c)\n"
      "(define r (list (apply f 1 2 '(3)) (let loop ((i 0)) (if (< i 1) (loop (+ i 1)) i))\n"
      "  (cond ((assv 1 '((1 . 2))) => cdr)) (do ((i 0 (+ i 1)) (j 1)) ((= i 1) j))))\n"
      "(macro mw (lambda (form) (cadr form)))\n"
      "(define s (string-append (param \"X\") \"a\" \"b\" (mw \"c\")))\n"
      "(allow file-read* (literal s))\n",
    V "(with-operations file-read* (allow (literal \"/a\")))\n"
      "(with-modifier (with report) (allow file-read* (list (literal \"/l\") (list (literal \"/m\")))))\n"
      "(with-filter (literal \"/a\") (allow file-read*) (allow file-read* (literal \"/b\"))\n"
      "  (allow file-read* (literal \"/c\") (literal \"/d\")))\n"
      "(with-filter (literal \"/a\") (with-filter (literal \"/b\") (allow file-read*)))\n",
    V "(allow network-outbound (remote unix-socket) (remote tcp \"*:80\"))\n"
      "(allow file-read* (require-entitlement \"e\" (literal \"/e\")))\n"
      "(allow file-raed* (literal \"/t\"))\n"
      "(import \"lib.sb\")\n",
};

static void test_rare_paths(void **state) {
  (void)state;
  static const char *const dir_params[] = {"IMPORT_DIR", "/d"};
  sbp_read_options o = options(SBP_READ_SYMBOLIC_PARAMS | SBP_READ_UNKNOWN_OPERATIONS);
  o.flags &= ~(uint32_t)SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  o.import = dir_resolver;
  o.params = dir_params;
  o.nparams = 1;
  for (size_t i = 0; i < sizeof(rare_texts) / sizeof(rare_texts[0]); i++) {
    char name[32];
    snprintf(name, sizeof(name), "rare text %zu", i);
    size_t calls = exhaust_text(name, rare_texts[i], strlen(rare_texts[i]), &o, 150, JOB_EVAL);
    assert_true(calls > startup_calls);
  }
}

/* Every .sb file below a directory. */
typedef struct walk {
  size_t files;
} walk;

static void each_profile(const char *path, void *payload) {
  walk *w = payload;
  size_t n = strlen(path);
  if (n < 3 || strcmp(path + n - 3, ".sb") != 0) return;
  size_t len;
  char *text = test_read_file(path, &len);
  assert_non_null(text);
  sbp_read_options o = options(SBP_READ_SYMBOLIC_PARAMS);
  exhaust_text(path, text, len, &o, POINTS, JOB_EVAL);
  exhaust_text(path, text, len, &o, POINTS, JOB_LINT);
  free(text);
  w->files++;
}

static void test_committed_profiles(void **state) {
  (void)state;
  const char *data = getenv("SBPROFILE_TEST_DATA");
  assert_non_null(data);
  walk w = {0};
  test_walk_files(data, each_profile, &w);
  char fuzz[4096];
  snprintf(fuzz, sizeof(fuzz), "%s/../../fuzz/corpus", data);
  test_walk_files(fuzz, each_profile, &w);
  print_message("%zu committed profiles\n", w.files);
  assert_true(w.files > 50);
}

static void test_corpus(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_CORPUS");
  corpus *cp = corpus_open(dir);
  if (cp == NULL) {
    print_message("corpus not found (SBPROFILE_CORPUS=%s): skipping\n", dir ? dir : "(unset)");
    skip();
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < corpus_size(cp); i++) {
    const corpus_entry *f = corpus_entry_at(cp, i);
    if (f->use == CORPUS_SKIP) continue;
    corpus_eval *ev = NULL;
    assert_int_equal(corpus_eval_new(&ev, cp, f, 0, 1), SBP_OK);
    job j = {f->path, ev->sources, ev->nsources, &ev->options, JOB_EVAL};
    exhaust(&j, startup_calls, POINTS);
    j.kind = JOB_LINT;
    exhaust(&j, startup_calls, POINTS);
    corpus_eval_free(ev);
    n++;
  }
  corpus_close(cp);
  print_message("%zu corpus profiles\n", n);
  assert_true(n > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_startup),
      cmocka_unit_test(test_hook_reaches_every_cell),
      cmocka_unit_test(test_builtins),
      cmocka_unit_test(test_rare_paths),
      cmocka_unit_test(test_committed_profiles),
      cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
