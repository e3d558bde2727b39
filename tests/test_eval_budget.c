/* The step budget running out anywhere (lib/eval.c, lib/eval_proc.c, lib/eval_sbpl.c). What
 * is made costs steps too, paid in batches from the allocation that crosses a batch's end, so
 * a budget ending there makes that allocation fail inside whatever procedure, special form or
 * SBPL built-in asked for it. A loop whose body calls most of them, its allocations not a
 * multiple of the batch, puts those ends at ever other places; the budget is swept across the
 * whole run, from a budget of 1 (too small even for the evaluator's setup, which is charged
 * too: that once came out as "out of memory"). Every run short of the budget it needs must
 * fail with the step limit's status and error (never another error, a crash or a leak), and
 * every run with enough must give the same profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"
#include "test_alloc.h"

static const char text[] =
    "(version 1)\n"
    "(define (body i)\n"
    "  (list (cons i 2) (list 1 2 3) (list* 1 '(2)) (append '(1) '(2) '(3)) (reverse '(1 2 3))\n"
    "        (take '(1 2 3) 2) (drop '(1 2 3) 1) (list-tail '(1 2) 1) (list-ref '(1 2) 1)\n"
    "        (flatten '((1 (2)) 3)) (member 2 '(1 2)) (memv 2 '(1 2)) (assoc 2 '((2 . 3)))\n"
    "        (length '(1 2)) (+ i 1) (- i 1) (* i 2) (quotient 7 2) (remainder 7 2) (modulo -7 2)\n"
    "        (/ 6 3) (max 1 i) (min 1 i) (abs (- i)) (< 1 i) (= i i) (zero? i) (eqv? i 1)\n"
    "        (string-append \"a\" (number->string i)) (substring \"hello\" 1 3)\n"
    "        (string-length \"ab\") (string-ref \"ab\" 1) (string=? \"a\" \"a\") (string<? \"a\" \"b\")\n"
    "        (string-prefix? \"a\" \"ab\") (string-suffix? \"b\" \"ab\") (string->number \"42\")\n"
    "        (number->string 255 16) (string->symbol \"sym\") (symbol->string 'x)\n"
    "        (string->list \"ab\") (list->string (list #\\a #\\b)) (string-copy \"a\")\n"
    "        (char->integer #\\a) (integer->char 66) (char=? #\\a #\\a) (equal? '(1 \"a\") '(1 \"a\"))\n"
    "        (map + '(1 2) '(3 4)) (filter odd? '(1 2 3)) (apply + 1 '(2 3))\n"
    "        (let ((x 1) (y 2)) (+ x y)) (let* ((x 1) (y x)) y) (letrec ((f (lambda (n) n))) (f 1))\n"
    "        (let loop ((k 0)) (if (< k 2) (loop (+ k 1)) k))\n"
    "        (do ((k 0 (+ k 1)) (acc '() (cons k acc))) ((= k 2) acc))\n"
    "        `(1 ,(+ 1 1) ,@(list 3 4)) (case i ((1) 'one) (else 'other))\n"
    "        (cond ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'no)) (and 1 i) (or #f i)\n"
    "        (when (> i 0) 'w) (unless (> i 0) 'u) ((lambda args args) 1 2)\n"
    "        (split-string \"a:b:c\" \":\") (regex-quote \"a.b\") (_IO \"d\" 1)\n"
    "        (path-ancestors \"/a/b/c\") (literal \"/x\") (subpath (string-append \"/y\" \"/z\"))\n"
    "        (require-any (literal \"/a\") (regex #\"^/b\")) (require-all (prefix \"/c\"))\n"
    "        (require-not (literal \"/d\")) (remote tcp \"localhost:80\") (local udp \"*:53\")\n"
    "        (global-name \"com.example\") (sbpl-filter? (literal \"/e\")) (eval '(+ 1 2))))\n"
    "(define (go i)\n"
    "  (when (> i 0)\n"
    "    (body i)\n"
    "    (allow file-read* (literal (string-append \"/r\" (number->string i))) (with report))\n"
    "    (allow network-outbound (remote tcp \"localhost:443\"))\n"
    "    (deny mach-lookup (global-name (symbol->string 'svc)) (with no-report))\n"
    "    (go (- i 1))))\n"
    "(go 3)\n";

/* For the depth sweep: every kind of frame nested in every other, the innermost a rule. */
static const char nested[] =
    "(version 1)\n"
    "(define-macro (twice e) `(begin ,e ,e))\n"
    "(define (inner x)\n"
    "  (case x\n"
    "    ((2) (do ((i 0 (+ i 1))) ((= i 1) (and 1 (or #f (when #t (unless #f\n"
    "           (let* ((b (list 1)))\n"
    "             (letrec ((c (apply + 2 b)))\n"
    "               (with-filter (literal \"/a\")\n"
    "                 (with-modifier (with report)\n"
    "                   (with-operations file-read* (twice (allow (literal \"/b\"))))))\n"
    "               (set! c (+ c 1))\n"
    "               (define d c)\n"
    "               (list d))))))))))))\n"
    "(define (deep n)\n"
    "  (if (= n 0)\n"
    "      (let ((a (cond ((assv 1 '((1 . 2))) => (lambda (p) (car (map inner (list (cdr p)))))))))\n"
    "        (for-each (lambda (y) (allow file-write* (literal (string-append \"/w\" y))))\n"
    "                  (filter string? (list \"1\" 2)))\n"
    "        a)\n"
    "      (list (car (deep (- n 1))))))\n"
    "(deep 2)\n";

static int read_text(const char *t, size_t len, size_t steps, size_t depth,
                     const sbp_alloc *alloc, sbp_profile **p, sbp_error *err) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.max_steps = steps;
  o.max_depth = depth;
  return sbp_profile_read(p, t, len, "budget.sb", &o, alloc, err);
}

static int read_with_limits(size_t steps, size_t depth, const sbp_alloc *alloc,
                            sbp_profile **p, sbp_error *err) {
  if (depth != 0) return read_text(nested, sizeof nested - 1, steps, depth, alloc, p, err);
  return read_text(text, sizeof text - 1, steps, depth, alloc, p, err);
}

static int read_with_budget(size_t steps, const sbp_alloc *alloc, sbp_profile **p,
                            sbp_error *err) {
  return read_with_limits(steps, 0, alloc, p, err);
}

/* p serializes to the text in *whole; frees both. */
static void expect_same_profile(sbp_profile *p, sbp_buf *whole) {
  sbp_buf again = SBP_BUF_INIT;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &again, &err), SBP_OK);
  assert_string_equal(again.ptr, whole->ptr);
  sbp_buf_dispose(&again);
  sbp_buf_dispose(whole);
  sbp_profile_free(p);
}

static void test_budget_sweep(void **state) {
  (void)state;
  /* the least budget that suffices, found by bisection */
  size_t lo = 1, hi = 1u << 20;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(read_with_budget(hi, NULL, &p, &err), SBP_OK);
  sbp_buf whole = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &whole, &err), SBP_OK);
  sbp_profile_free(p);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int rc = read_with_budget(mid, NULL, &p, &err);
    sbp_profile_free(p);
    if (rc == SBP_OK) hi = mid;
    else lo = mid + 1;
  }
  size_t need = lo;
  assert_true(need > 1000);
  /* every budget short of it fails with the step limit and nothing left behind; the counting
   * allocator checks for leaks */
  char want[96];
  size_t runs = 0;
  for (size_t steps = 1; steps < need; steps += 5, runs++) {
    test_alloc ta;
    test_alloc_init(&ta);
    sbp_error e = SBP_ERROR_INIT;
    int rc = read_with_budget(steps, &ta.alloc, &p, &e);
    snprintf(want, sizeof want, "evaluation step limit exceeded (%zu steps)", steps);
    if (rc != SBP_E_LIMIT || strcmp(e.message, want) != 0)
      fail_msg("budget %zu: %d '%s'", steps, rc, e.message);
    assert_null(p);
    assert_int_equal(ta.live, 0);
  }
  assert_true(runs > 100);
  /* with enough, the same profile */
  assert_int_equal(read_with_budget(need, NULL, &p, &err), SBP_OK);
  expect_same_profile(p, &whole);
}

/* The machine's stack limit, likewise: every depth short of the deepest point the text
 * reaches fails with the recursion limit (at whichever frame first goes past it: a call, a
 * special form waiting for a value, a body, a map), and the depth it needs gives the same
 * profile as no limit. */
static void test_depth_sweep(void **state) {
  (void)state;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(read_text(nested, sizeof nested - 1, 0, 0, NULL, &p, &err), SBP_OK);
  sbp_buf whole = SBP_BUF_INIT;
  assert_int_equal(sbp_serialize(p, NULL, &whole, &err), SBP_OK);
  sbp_profile_free(p);
  size_t depth = 1;
  char want[64];
  for (;; depth++) {
    test_alloc ta;
    test_alloc_init(&ta);
    sbp_error e = SBP_ERROR_INIT;
    int rc = read_with_limits(0, depth, &ta.alloc, &p, &e);
    if (rc == SBP_OK) {
      sbp_profile_free(p);
      assert_int_equal(ta.live, 0);
      break;
    }
    snprintf(want, sizeof want, "recursion too deep (limit %zu)", depth);
    if (rc != SBP_E_LIMIT || strcmp(e.message, want) != 0)
      fail_msg("depth %zu: %d '%s'", depth, rc, e.message);
    assert_null(p);
    assert_int_equal(ta.live, 0);
  }
  /* the text nests calls, lets, conds and maps: it needs more than a few frames */
  assert_true(depth > 10);
  assert_int_equal(read_with_limits(0, depth, NULL, &p, &err), SBP_OK);
  expect_same_profile(p, &whole);
}

/* Limits other than steps and depth, each where a procedure or form checks it: TEXT (after
 * "(version 1)\n") read with a string limit and flags fails on line 2 with SBP_E_LIMIT and
 * this message. */
static void test_other_limits(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t max_string;
    uint32_t flags;
    const char *message;
  } cases[] = {
      /* (names count too: the longest here has 13 bytes) */
      {"(define r (list->string (append (string->list \"abcdefghi\") (string->list "
       "\"jklmnopq\"))))",
       16, 0, "string too long (limit 16 bytes)"},
      {"(define r (regex-quote \"a.b.c.d.e.f.g.h\"))", 16, 0, "string too long (limit 16 bytes)"},
      {"(define r (string-append \"abcdefghi\" \"jklmnopq\"))", 16, 0,
       "string too long (limit 16 bytes)"},
      /* adjacent strings of a concatenation are merged, within the limit */
      {"(define r (string-append (param \"X\") \"abcdefghi\" \"jklmnopq\"))", 16,
       SBP_READ_SYMBOLIC_PARAMS, "string too long (limit 16 bytes)"},
      /* and where a nested concatenation's last string meets the next one */
      {"(define r (string-append (string-append (param \"X\") \"abcdefghi\") \"jklmnopq\"))",
       16, SBP_READ_SYMBOLIC_PARAMS, "string too long (limit 16 bytes)"},
      /* a concatenation keeps at most 4096 parts */
      {"(define r (apply string-append (do ((i 0 (+ i 1)) (l '() (cons (param \"X\") (cons \"a\" "
       "l)))) ((= i 2049) l))))",
       0, SBP_READ_SYMBOLIC_PARAMS, "string-append: too many parts"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char t[512];
    snprintf(t, sizeof t, "(version 1)\n%s\n", cases[i].text);
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.max_string = cases[i].max_string;
    o.flags = cases[i].flags;
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = sbp_profile_read(&p, t, strlen(t), "t.sb", &o, NULL, &err);
    if (rc != SBP_E_LIMIT || strcmp(err.message, cases[i].message) != 0 || err.line != 2)
      fail_msg("%s: %s %u '%s', expected SBP_E_LIMIT 2 '%s'", cases[i].text,
               sbp_status_name(rc), (unsigned)err.line, err.message, cases[i].message);
    assert_null(p);
  }
  /* a quasiquote template nested past the bound of its expansion (1000 levels) */
  size_t levels = 1001;
  char *deep = malloc(2 * levels + 64);
  assert_non_null(deep);
  size_t n = (size_t)sprintf(deep, "(version 1)\n(define r `");
  for (size_t i = 0; i < levels; i++) deep[n++] = '(';
  deep[n++] = '1';
  for (size_t i = 0; i < levels; i++) deep[n++] = ')';
  n += (size_t)sprintf(deep + n, ")\n");
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, deep, n, "t.sb", NULL, NULL, &err), SBP_E_LIMIT);
  assert_string_equal(err.message, "quasiquote template nested too deeply");
  assert_int_equal(err.line, 2);
  assert_null(p);
  /* one level less expands */
  n = (size_t)sprintf(deep, "(version 1)\n(define r `");
  for (size_t i = 0; i < levels - 2; i++) deep[n++] = '(';
  deep[n++] = '1';
  for (size_t i = 0; i < levels - 2; i++) deep[n++] = ')';
  n += (size_t)sprintf(deep + n, ")\n");
  assert_int_equal(sbp_profile_read(&p, deep, n, "t.sb", NULL, NULL, &err), SBP_OK);
  sbp_profile_free(p);
  free(deep);
}

/* Each form that pushes a frame refuses to go past the limit itself: at the top level a run
 * holds two frames, so with a limit of 2 (3 where a frame of its own comes first) the form's
 * own push is the one that fails, and the error names the form's position. */
static void test_form_frames(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t depth;
    uint32_t column;
  } cases[] = {
      {"(if 1 2)", 2, 1},
      {"(define x 1)", 2, 1},
      {"(set! x 1)", 2, 1},
      {"(let ((x 1)) x)", 2, 1},
      {"(letrec ((x 1)) x)", 2, 1},
      {"(case 1 (else 2))", 2, 1},
      {"(when 1 2)", 2, 1},
      {"(and 1 2)", 2, 1},
      {"(begin 1 2)", 2, 1},
      {"(define-macro m (lambda (x) x))", 2, 1},
      {"(with report 1)", 2, 1},
      {"(with-filter 1 2)", 2, 1},
      {"(do ((i 0)) (#t))", 2, 1},
      {"(car '(1))", 2, 1},
      {"(define-macro (m) 1) (m)", 2, 22},
      {"(do ((i #f #t)) (i) 1 2)", 3, 1},
  };
  char want[64];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = read_text(cases[i].text, strlen(cases[i].text), 0, cases[i].depth, NULL, &p, &err);
    snprintf(want, sizeof want, "recursion too deep (limit %zu)", cases[i].depth);
    if (rc != SBP_E_LIMIT || strcmp(err.message, want) != 0 || err.line != 1 ||
        err.column != cases[i].column)
      fail_msg("%s: %s %u:%u '%s', expected 1:%u '%s'", cases[i].text, sbp_status_name(rc),
               (unsigned)err.line, (unsigned)err.column, err.message,
               (unsigned)cases[i].column, want);
    assert_null(p);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_budget_sweep),
      cmocka_unit_test(test_depth_sweep),
      cmocka_unit_test(test_other_limits),
      cmocka_unit_test(test_form_frames),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
