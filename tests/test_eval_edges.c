/* The evaluator's procedures at their edges: each predicate on values of every kind (false
 * as well as true), comparisons that fail part way, radixes, signs and overflow of number
 * conversions, empty and out-of-range strings, improper lists, and the error each gives for
 * an argument of the wrong kind in each position. Expected values are those of R7RS Scheme
 * for the integer and string subset SBPL has. test_eval_procs covers the common cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "eval_show.h"
#include "sbprofile.h"

static const eval_value_case values[] = {
    /* predicates, false as well as true */
    {"(pair? 1)", "#f"},
    {"(procedure? 'car)", "#f"},
    {"(not 0)", "#f"},
    {"(not '())", "#f"},
    {"(positive? 0)", "#f"},
    {"(negative? 0)", "#f"},
    {"(negative? \"a\")", "#f"},
    {"(odd? -3)", "#t"},
    {"(list? '())", "#t"},
    {"(null? '(1))", "#f"},
    {"(defined? 'no-such-name)", "#f"},
    /* eq?, eqv?, equal? */
    {"(eq? 1 1)", "#t"},
    {"(eq? 1 \"1\")", "#f"},
    {"(eq? '(1) '(1))", "#f"},
    {"(let ((x '(1))) (eq? x x))", "#t"},
    {"(eqv? 1 2)", "#f"},
    {"(eqv? 1 'a)", "#f"},
    {"(equal? \"ab\" \"abc\")", "#f"},
    {"(equal? '(1 2) '(1 3))", "#f"},
    {"(equal? '(1 2) '(1 2 3))", "#f"},
    {"(equal? '((1) \"a\" (b)) '((1) \"a\" (b)))", "#t"},
    {"(equal? (literal \"/a\") (subpath \"/a\"))", "#f"},
    {"(equal? (literal \"/a\") \"/a\")", "#f"},
    /* a list nested deeper than the comparison's first stack */
    {"(letrec ((nest (lambda (n) (if (= n 0) '() (list (nest (- n 1)) n)))))"
     " (equal? (nest 80) (nest 80)))",
     "#t"},
    {"(letrec ((nest (lambda (n k) (if (= n 0) (list k) (list (nest (- n 1) k) n)))))"
     " (equal? (nest 80 1) (nest 80 2)))",
     "#f"},
    /* member and assoc */
    {"(member '(1) '((0) (1) (2)))", "((1 . ()) . ((2 . ()) . ()))"},
    {"(memq 1 '(0 1))", "(1 . ())"},
    {"(memq #\\a '(#\\a))", "(a . ())"},
    {"(memv #t '(#f #t))", "(#t . ())"},
    {"(assq 'b '(1 (b 2)))", "(b . (2 . ()))"},
    {"(assoc '(k) '(((j) . 1) ((k) . 2)))", "((k . ()) . 2)"},
    {"(assoc \"z\" '((\"a\" . 1)))", "#f"},
    {"(assq 'z '((a 1)))", "#f"},
    /* lists */
    {"(list-ref '(1 2) 0)", "1"},
    {"(drop '(1 2) 0)", "(1 . (2 . ()))"},
    {"(flatten '())", "()"},
    /* bindings without an initial value, a single operation for with-operations, nested
     * quasiquotes */
    {"(let ((a) (b 1)) b)", "1"},
    {"(cond (1))", "1"},
    {"(let* ((a) (b 2)) b)", "2"},
    {"(letrec ((a) (b 3)) b)", "3"},
    {"(begin (with-operations file-read* (allow (literal \"/wo\"))) 1)", "1"},
    {"(let ((x 5)) `(1 `(2 ,(3 ,x))))",
     "(1 . ((quasiquote . ((2 . ((unquote . ((3 . (5 . ())) . ())) . ())) . ())) . ()))"},
    {"(let ((x 5)) `(a . ,x))", "(a . 5)"},
    {"`(1 . (unquote (+ 1 1)))", "(1 . 2)"},
    {"(append '(1) '(2 . 3))", "(1 . (2 . 3))"},
    {"(append 5)", "5"},
    /* integers */
    {"(- 1 2)", "-1"},
    {"(- 0)", "0"},
    {"(modulo -8 2)", "0"},
    {"(modulo 7 2)", "1"},
    {"(remainder 7 -2)", "1"},
    {"(quotient 7 -2)", "-3"},
    {"(/ -6 3)", "-2"},
    {"(= 1)", "#t"},
    {"(< 2 1 3)", "#f"},
    {"(max 1)", "1"},
    {"(max -1 -5)", "-1"},
    {"(min 3 1 2)", "1"},
    {"(abs 5)", "5"},
    {"(abs 0)", "0"},
    {"(* 3 -2)", "-6"},
    /* strings */
    {"(string-length (substring \"abc\" 3))", "0"},
    {"(string-length \"\")", "0"},
    {"(string=? \"a\")", "#t"},
    {"(string<? \"b\" \"a\")", "#f"},
    {"(string<? \"a\" \"ab\")", "#t"},
    {"(string<? \"ab\" \"a\")", "#f"},
    {"(string<? \"ab\" \"ab\")", "#f"},
    {"(string>? \"ab\" \"a\")", "#t"},
    {"(string>? \"a\" \"b\")", "#f"},
    {"(string<=? \"a\" \"b\" \"c\")", "#t"},
    {"(string>=? \"b\" \"b\")", "#t"},
    {"(string-ci=? \"a\" \"B\")", "#f"},
    {"(string-ci=? \"abc\" \"ABC\" \"aBc\")", "#t"},
    {"(string-ci=? \"Z[\" \"z[\")", "#t"},
    {"(string-prefix? \"\" \"abc\")", "#t"},
    {"(string-suffix? \"abc\" \"bc\")", "#f"},
    {"(string-suffix? \"abc\" \"abc\")", "#t"},
    {"(string->number \"-42\")", "-42"},
    {"(string->number \"1010\" 2)", "10"},
    {"(string->number \"aB\" 16)", "171"},
    {"(string->number \"1a\")", "#f"},
    {"(string->number \"1g\" 16)", "#f"},
    {"(string->number \"9223372036854775807\")", "9223372036854775807"},
    {"(string->number \"-9223372036854775809\")", "#f"},
    {"(symbol? (string->symbol \"with space\"))", "#t"},
    {"(string-length (list->string '()))", "0"},
    {"(char->integer (integer->char 255))", "255"},
    {"(string-ref \"abc\" 0)", "a"},
    /* eqv? and eq? on every kind that compares by value */
    {"(eqv? '() (if #f #f))", "#t"},
    {"(eqv? \"a\" \"a\")", "#f"},
    {"(eqv? mach-lookup file-write*)", "#f"},
    {"(eqv? file-read* (car (list file-read*)))", "#t"},
    {"(eqv? REGULAR-FILE REGULAR-FILE)", "#t"},
    {"(eq? #\\a #\\a)", "#t"},
    {"(eq? #t #t)", "#t"},
    {"(eq? '() (if #f #f))", "#t"},
    {"(eq? REGULAR-FILE REGULAR-FILE)", "#t"},
    {"(eq? file-read* file-write*)", "#f"},
    {"(eq? \"a\" \"a\")", "#f"},
    {"(equal? (with report) (with report))", "#t"},
    {"(equal? (with report) (literal \"/a\"))", "#f"},
    {"(memq #t '(#f #t))", "(#t . ())"},
    {"(memq '() '(1 ()))", "(() . ())"},
    {"(memq \"a\" '(\"a\"))", "#f"},
    {"(memv \"a\" '(\"a\"))", "#f"},
    /* a list long enough for member and equal? to charge their walk in batches */
    {"(let ((l (do ((i 0 (+ i 1)) (l '() (cons i l))) ((= i 4100) l))))"
     " (list (length (member 0 l)) (equal? l l) (car (memv 4099 l))))",
     "(1 . (#t . (4099 . ())))"},
    /* and strings long enough to charge the bytes compared */
    {"(let loop ((s \"0123456789abcdef\") (i 0)) (if (< i 14) (loop (string-append s s) (+ i 1))"
     " (equal? (list s s s) (list s s s))))",
     "#t"},
    {"(list-tail '(1 2) 0)", "(1 . (2 . ()))"},
    {"(take '(1 2) 5)", "(1 . (2 . ()))"},
    {"(drop '(1 2) 5)", "()"},
    {"(flatten '(1 () (2 . 3)))", "(1 . (2 . (3 . ())))"},
    {"(flatten 5)", "(5 . ())"},
    {"(modulo 7 -2)", "-1"},
    {"(modulo 6 -2)", "0"},
    {"(/ 6 3)", "2"},
    {"(string-ci=? \"[\" \"{\")", "#f"},
    {"(string=? \"a\" \"b\" \"a\")", "#f"},
    {"(string-prefix? \"abc\" \"a\")", "#f"},
    {"(string-suffix? \"xc\" \"abc\")", "#f"},
    {"(string->number \"17\" 8)", "15"},
    {"(string->number \"9\" 8)", "#f"},
    {"(string->number \"G\" 16)", "#f"},
    {"(string->number \"1.5\")", "#f"},
    {"(string-length (regex-quote \"a\\x00.\"))", "4"},
    /* special forms: shapes at their edges */
    /* a real number is kept as written: a number, not an integer */
    {"(number? 1.5)", "#t"},
    {"(defined? 'if)", "#t"},
    {"(quotient -9223372036854775808 2)", "-4611686018427387904"},
    {"(string->number \"12\" 10)", "12"},
    {"(number->string 12 10)", "12"},
    {"(string-ci=? \"1!\" \"1!\")", "#t"},
    {"(eq? '() '())", "#t"},
    {"(eq? file-read* file-read*)", "#t"},
    {"(integer? 1.5)", "#f"},
    {"(let ((x)) x)", "()"},
    {"(and 1)", "1"},
    {"(or #f)", "#f"},
    {"(or 1 2)", "1"},
    {"`()", "()"},
    {"`5", "5"},
    {"(let ((x '(2 3))) `(1 ,@x . 4))", "(1 . (2 . (3 . 4)))"},
    {"(let ((x 2)) `(1 `,x))", "(1 . ((quasiquote . ((unquote . (x . ())) . ())) . ()))"},
    {"(do ((i 0 (+ i 1)) (j 5)) ((= i 2) j))", "5"},
    {"(do ((i)) (#t i))", "()"},
    {"(do ((i 0 (+ i 1))) ((= i 3) 'done) (set! i i))", "done"},
    {"(case 5 (else 1))", "1"},
    {"(cond (else))", "()"},
    {"(debug 1 2)", "()"},
    {"(with-operations (list file-read* 'no-op) 1)", "1"},
    {"(begin (define-macro m (lambda (x) x)) (m 7))", "7"},
    {"(begin (macro mm (lambda (f) (cadr f))) (mm 8))", "8"},
    {"(begin (define-macro (dm a) a) (define dm2 dm) (dm2 9))", "9"},
    {"(begin (define (f) 1) (define g f) (g))", "1"},
    /* a special form's name bound as a variable is that variable */
    {"(let ((if (lambda (a b) b))) (if 1 2))", "2"},
    {"(begin (define (when x) x) (when 5))", "5"},
};

typedef struct error_case {
  const char *expr;
  const char *message;
} error_case;

static const error_case errors[] = {
    {"(caar '(1))", "caar: expected a pair, got integer"},
    {"(cddr 5)", "cddr: expected a pair, got integer"},
    {"(list-ref '(1 2) 2)", "list-ref: index too large"},
    {"(list-tail '(1) 'a)", "list-tail: expected an integer, got symbol"},
    {"(take '(1) 'a)", "take: expected an integer, got symbol"},
    {"(drop '(1) \"a\")", "drop: expected an integer, got string"},
    {"(length '(1 . 2))", "length: expected a list, got an improper list"},
    {"(reverse '(1 . 2))", "reverse: expected a list, got an improper list"},
    {"(append '(1 . 2) '(3))", "append: expected a list, got an improper list"},
    {"(quotient -9223372036854775808 -1)", "quotient: integer overflow"},
    {"(quotient 'a 1)", "quotient: expected an integer, got symbol"},
    {"(modulo 1 'a)", "modulo: expected an integer, got symbol"},
    {"(/ 7 2)", "/: inexact result (no math library)"},
    {"(/ 2)", "/: no rational numbers in SBPL"},
    {"(< 'a 1)", "<: expected an integer, got symbol"},
    {"(= 1 2 'a)", "=: expected an integer, got symbol"},
    {"(min 1 'a)", "min: expected an integer, got symbol"},
    {"(- 1 'a)", "-: expected an integer, got symbol"},
    {"(substring \"abc\" -1)", "substring: index out of range"},
    {"(substring 1 0)", "substring: expected a string, got integer"},
    {"(substring \"abc\" 'a)", "substring: expected an integer, got symbol"},
    {"(substring \"abc\" 0 'b)", "substring: expected an integer, got symbol"},
    {"(string-ref \"abc\" -1)", "string-ref: index out of range"},
    {"(string-ref 1 0)", "string-ref: expected a string, got integer"},
    {"(string-ref \"abc\" 'a)", "string-ref: expected an integer, got symbol"},
    {"(string=? 1 \"a\")", "string=?: expected a string, got integer"},
    {"(string<? \"a\" \"b\" 1)", "string<?: expected a string, got integer"},
    {"(string-prefix? \"a\" 1)", "string-prefix?: expected a string, got integer"},
    {"(string-suffix? 1 \"a\")", "string-suffix?: expected a string, got integer"},
    {"(string-suffix? \"a\" 1)", "string-suffix?: expected a string, got integer"},
    {"(string->number \"1\" 'a)", "string->number: expected an integer, got symbol"},
    {"(number->string 1 'a)", "number->string: expected an integer, got symbol"},
    {"(list->string 1)", "list->string: expected a list, got integer"},
    {"(list->string '(#\\a . #\\b))", "list->string: expected a list, got an improper list"},
    {"(integer->char 0)", "integer->char: out of range"},
    {"(integer->char 'a)", "integer->char: expected an integer, got symbol"},
    {"(char=? #\\a 1)", "char=?: expected a character, got integer"},
    {"(string-copy 1)", "string-copy: expected a string, got integer"},
    {"(defined? \"car\")", "defined?: expected a symbol, got string"},
    {"(string-length (param \"UNSET\"))", "string-length: expected a string, got boolean"},
    {"(error)", "error: "},
    /* the kind of value named in the message */
    {"(car #\\a)", "car: expected a pair, got character"},
    {"(car car)", "car: expected a pair, got procedure"},
    {"(car file-read*)", "car: expected a pair, got operation"},
    {"(car (literal \"/a\"))", "car: expected a pair, got filter"},
    {"(car (with report))", "car: expected a pair, got modifier"},
    {"(car 'a)", "car: expected a pair, got symbol"},
    {"(car #t)", "car: expected a pair, got boolean"},
    {"(car (if #f #f))", "car: expected a pair, got unspecified value ('())"},
    /* special forms, malformed */
    {"(quote 1 2)", "syntax error: malformed quote"},
    {"(quasiquote 1 2)", "syntax error: malformed quasiquote"},
    {"(if)", "syntax error: malformed if"},
    {"(define)", "syntax error: malformed define"},
    {"(define (1 x) x)", "syntax error: malformed define"},
    {"(set! x)", "syntax error: malformed set!"},
    {"(set! 1 2)", "syntax error: malformed set!"},
    {"(lambda)", "syntax error: malformed lambda"},
    {"(lambda (1) 1)", "syntax error: malformed lambda parameter list"},
    {"(lambda (a . 1) 1)", "syntax error: malformed lambda parameter list"},
    {"(delay)", "syntax error: malformed delay"},
    {"(let)", "syntax error: malformed let"},
    {"(let ((1 2)) 1)", "syntax error: malformed let"},
    {"(let ((a 1) . b) a)", "syntax error: malformed let"},
    {"(let loop)", "syntax error: malformed let"},
    {"(do ((1 0)) (#t))", "syntax error: malformed do"},
    {"(do ((i 0 1 2)) (#t))", "syntax error: malformed do"},
    {"(cond (1 =>))", "syntax error: malformed cond"},
    {"(cond 1)", "syntax error: malformed cond clause"},
    {"(case 1 2)", "syntax error: malformed case clause"},
    {"(+ 1 . 2)", "syntax error: malformed procedure call"},
    {"(define-macro (1 x) x)", "syntax error: malformed define-macro"},
    {"(define-macro m 1)", "macro: m is not a procedure"},
    {"(with-filter 1 (allow file-read*))", "with-filter: expected a filter, got an integer"},
    {"(with-modifier (literal \"/a\") (allow file-read*))",
     "with-modifier: expected a modifier, got a filter"},
    {"(with-operations (list 1) (allow (literal \"/x\")))",
     "with-operations: expected an operation, got an integer"},
    {"(with-operations (cons file-read* 1) (allow (literal \"/x\")))",
     "with-operations: expected a list of operations"},
    {"(())", "illegal function: () cannot be called"},
    {"(1 2)", "illegal function: an integer is not a procedure"},
    {"(filter odd? '(1) '(2))", "wrong number of arguments to filter (expected 2, got 3)"},
    {"(error #t '())", "error: boolean empty list"},
    {"(list-ref '(1) 5)", "list-ref: index too large"},
    {"(car 1.5)", "car: expected a pair, got real"},
    /* as long as allow-create-directory, which has a message of its own */
    {"abcdefghijklmnopqrstuv", "unbound variable: abcdefghijklmnopqrstuv"},
    {"(begin (define-macro (m) 1) (car m))", "car: expected a pair, got macro"},
    {"(car literal)", "car: expected a pair, got filter procedure"},
    {"(car REGULAR-FILE)", "car: expected a pair, got named constant"},
    {"(list-ref '(1) 'a)", "list-ref: expected an integer, got symbol"},
    {"(list-tail '(1 2) -1)", "list-tail: negative index"},
    {"(list-ref '(1 2) -1)", "list-ref: negative index"},
    {"(list->string 5)", "list->string: expected a list, got integer"},
    {"(string=? 1)", "string=?: expected a string, got integer"},
    {"(string-ref \"abc\" #\\a)", "string-ref: expected an integer, got character"},
    {"(integer->char #\\a)", "integer->char: expected an integer, got character"},
    {"(> 'a 1)", ">: expected an integer, got symbol"},
    {"(let ((x 1 . 2)) x)", "syntax error: malformed let"},
    {"(let 5 1)", "syntax error: malformed let"},
    {"(do (x) (#t))", "syntax error: malformed do"},
    {"(do ((i . 0)) (#t))", "syntax error: malformed do"},
    {"(do ((i 0)))", "syntax error: malformed do"},
    {"(define-macro (m . args))", "syntax error: malformed define-macro"},
    {"(define-macro 5 x)", "syntax error: malformed define-macro"},
    {"(define (f 1) 1)", "syntax error: malformed lambda parameter list"},
    {"(define (f . 1) 1)", "syntax error: malformed lambda parameter list"},
    {"(delay 1 2)", "syntax error: malformed delay"},
    {"(unless)", "syntax error: malformed unless"},
    {"(with-operations 5 1)", "with-operations: expected a list of operations"},
    {"(with-operations 'foo 1)", "with-operations: expected an operation, got a symbol"},
    {"(set! undefined-x 1)", "unbound variable: undefined-x"},
    {"(begin (define-macro (dm a) a) (dm 1 . 2))", "syntax error: malformed argument list"},
    {"(begin (define-macro (dm a) a) (apply dm '(1)))",
     "a macro cannot be applied as a procedure"},
};

/* Evaluating "(version 1)\n(define r EXPR)\n" with `flags` fails on line 2 with `message`. */
static void expect_error(const char *expr, uint32_t flags, const char *message) {
  char text[1024];
  snprintf(text, sizeof text, "(version 1)\n(define r %s)\n", expr);
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = flags;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, &err);
  if (rc != SBP_E_EVAL || strcmp(err.message, message) != 0 || err.line != 2)
    fail_msg("%s: %s %u:%u '%s', expected SBP_E_EVAL 2: '%s'", expr, sbp_status_name(rc),
             (unsigned)err.line, (unsigned)err.column, err.message, message);
  assert_null(p);
}

static void test_values(void **state) {
  (void)state;
  eval_show_check(values, sizeof values / sizeof values[0]);
}

static void test_errors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
    expect_error(errors[i].expr, 0, errors[i].message);
}

/* A parameter without a value, kept symbolic, where a procedure needs the string itself. */
static void test_symbolic_arguments(void **state) {
  (void)state;
  static const error_case cases[] = {
      {"(string-length (param \"X\"))",
       "string-length: the value of parameter \"X\" is needed but none was given"},
      {"(string-ref (param \"X\") 0)",
       "string-ref: the value of parameter \"X\" is needed but none was given"},
      {"(string=? \"a\" (string-append \"/\" (param \"X\")))",
       "string=?: the value of a parameter is needed but none was given"},
      {"(string->symbol (param \"Y\"))",
       "string->symbol: the value of parameter \"Y\" is needed but none was given"},
      {"(car (param \"X\"))", "car: expected a pair, got parameter"},
      {"(car (string-append \"a\" (param \"X\")))", "car: expected a pair, got string"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_error(cases[i].expr, SBP_READ_SYMBOLIC_PARAMS, cases[i].message);
}

/* error's message is cut to its buffer, not overrun, and quoted. */
static void test_error_message_bounds(void **state) {
  (void)state;
  char expr[900];
  int off = snprintf(expr, sizeof expr, "(error \"");
  for (int i = 0; i < 300; i++) expr[off++] = (char)('a' + i % 26);
  snprintf(expr + off, sizeof expr - (size_t)off, "\" 1 2)");
  char text[1024];
  snprintf(text, sizeof text, "(version 1)\n%s\n", expr);
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, text, strlen(text), "t.sb", NULL, NULL, &err),
                   SBP_E_EVAL);
  assert_int_equal(err.line, 2);
  assert_int_equal(strncmp(err.message, "error: abcdefghijklmnopqrstuvwxyzabcd", 37), 0);
  /* the numbers after the long string did not fit */
  assert_null(strstr(err.message, " 1 2"));
  assert_true(strlen(err.message) < sizeof err.message);
}

/* SBPL built-ins at their edges: TEXT (after "(version 1)\n") read with `flags` for macOS
 * `macos` (0: any) either serializes to a profile containing `out`, or, with out NULL,
 * fails on line 2 with a message containing `message`. */
typedef struct sbpl_case {
  const char *text;
  uint32_t flags;
  uint32_t macos;
  const char *out;
  const char *message;
} sbpl_case;

#define MACOS(ma, mi) (((uint32_t)(ma) << 16) | ((uint32_t)(mi) << 8))

static const sbpl_case sbpl_cases[] = {
    {"(allow file-read* (rootless-file-filter #t))", 0, 0, "(rootless-file-filter #t)", NULL},
    {"(allow file-read* (rootless-file-filter (list 1)))", 0, 0, NULL,
     "invalid data type of rootless-file-filter filter; expected boolean, got list"},
    {"(allow file-read* (require-entitlement \"e\" (entitlement-value 1)))", 0, 0,
     "(entitlement-value 1)", NULL},
    {"(allow file-read* (require-entitlement \"e\" (entitlement-value (list 1))))", 0, 0, NULL,
     "filter; expected value, got list"},
    {"(version 1)", 0, 0, "(version 1)", NULL},
    {"(version 2)", 0, 0, NULL, "unsupported version"},
    {"(trace 1)", 0, 0, NULL, "argument to trace must be a string"},
    {"(allow file-read* (regex (string-append \"^\" (regex-quote \"a$(b)|c+?{d}[e].\\\\\"))))",
     0, 0, "(regex \"^a\\\\$\\\\(b\\\\)\\\\|c\\\\+\\\\?\\\\{d}\\\\[e]\\\\.\\\\\\\\\")", NULL},
    {"(allow file-read* (path-ancestors \"${HOME}/x\"))", 0, 0, "(literal \"${HOME}\")", NULL},
    {"(allow file-read* (path-ancestors \"\"))", 0, 0, NULL,
     "path-ancestors: path must start with /"},
    {"(split-string 1 \":\")", 0, 0, NULL, "split-string: expected a string, got integer"},
    {"(_IO \"t\" 4611686018427387904)", 0, 0, NULL, "_IO: 4611686018427387904 is out of range"},
    {"(_IO \"t\" -4611686018427387905)", 0, 0, NULL, "_IO: -4611686018427387905 is out of range"},
    {"(_IO \"t\" \"1\")", 0, 0, NULL, "_IO: expected a group character and an integer"},
    {"(allow file-read* (with no-callout))", 0, 0, "(allow file-read*)", NULL},
    {"(allow file-read* (with partial-symbolication))", 0, 0, "(allow file-read*)", NULL},
    {"(allow file-read* (with no-callout 1))", 0, 0, NULL, "with no-callout: unexpected argument"},
    {"(allow file-read* (with report (list 1)))", 0, 0, NULL,
     "with report: invalid argument (a list)"},
    {"(allow file-read* (with message \"m\"))", 0, 0, "(with message \"m\")", NULL},
    {"(allow file-read* (with no-such-modifier))", 0, MACOS(14, 0), NULL,
     "with: unknown modifier no-such-modifier on macOS 10.15"}, /* the nearest catalog */
    {"(allow file-read* (with no-such-modifier))", SBP_READ_OTHER_VERSION_NAMES, MACOS(14, 0),
     "(with no-such-modifier)", NULL},
    {"(deny process-exec (with termination))", 0, MACOS(14, 0), "(with send-signal SIGKILL)",
     NULL},
    {"(allow file-read* (sbpl-filter? 1))", 0, 0, NULL,
     "allow: expected an operation, filter or modifier, got boolean"},
    /* with-filter contexts nested, around rules of no, one and several filters */
    {"(with-filter (literal \"/a\") (with-filter (literal \"/b\") (allow file-read*)))", 0, 0,
     "(require-all (literal \"/b\") (literal \"/a\"))", NULL},
    {"(with-filter (literal \"/a\") (allow file-read* (literal \"/x\") (literal \"/y\")))", 0, 0,
     "(require-all (require-any (literal \"/x\") (literal \"/y\")) (literal \"/a\"))", NULL},
    {"(with-filter (literal \"/a\") (with-filter (literal \"/b\") (allow file-read* (literal "
     "\"/x\"))))",
     0, 0, "(require-all (require-all (literal \"/x\") (literal \"/b\")) (literal \"/a\"))", NULL},
    {"(with-modifier (with report) (with-operations file-read* (allow (literal \"/a\"))))", 0, 0,
     "(allow file-read*\n  (literal \"/a\")\n  (with report))", NULL},
    {"(with-operations (list 'no-op file-read*) (allow (literal \"/a\")))", 0, 0,
     "(allow file-read*\n  (literal \"/a\"))", NULL},
    {"(allow file-read* 'no-op)", 0, 0, "(allow file-read*)", NULL},
    /* as long as partial-symbolication and no-callout, and no option */
    {"(allow file-read* (with abcdefghijklmnopqrstu) (with abcdefghij))", 0, 0,
     "(allow file-read* (with abcdefghijklmnopqrstu) (with abcdefghij))", NULL},
    {"(path-ancestors \"$x\")", 0, 0, NULL, "path-ancestors: path must start with /"},
    {"(allow 'foo)", 0, 0, NULL, "allow: unknown operation foo"},
    {"(version 1)", 0, 0, "(version 1)", NULL},
    {"(trace)", 0, 0, NULL, "argument to trace must be a string"},
    {"(trace \"a\" \"b\")", 0, 0, NULL, "argument to trace must be a string"},
    {"(allow file-read* (require-entitlement \"a\" (literal \"/x\")))", 0, 0,
     "(require-all (require-entitlement \"a\") (literal \"/x\"))", NULL},
    /* a symbol is kept only when it reads back as itself: a named constant, or unix */
    {"(allow file-read* (vnode-type 'unix))", 0, 0, "(vnode-type unix)", NULL},
    {"(allow file-read* (vnode-type (string->symbol \"a b\")))", 0, 0, NULL,
     "invalid symbol argument"},
    {"(allow file-read* (vnode-type 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "bbbbbbbb))",
     0, 0, NULL, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a named constant"},
    {"(allow file-ioctl (ioctl-command 'REGULAR-FILE))", 0, 0, "(ioctl-command REGULAR-FILE)",
     NULL},
    {"(allow file-read* (entitlement-value #t) (entitlement-value REGULAR-FILE))", 0, 0,
     "(entitlement-value REGULAR-FILE)", NULL},
    {"(allow file-read* (notification-payload \"x\") (notification-payload 1) "
     "(notification-payload REGULAR-FILE))",
     0, 0, "(notification-payload REGULAR-FILE)", NULL},
    {"(deny file-read* (with errno EPERM))", 0, 0, "(with errno EPERM)", NULL},
    {"(allow network-outbound (remote tcp \"*:123456\"))", 0, 0, NULL,
     "port must be * or 1-65535 in network address"},
    {"(allow network-outbound (remote tcp \"*:\"))", 0, 0, NULL,
     "port must be * or 1-65535 in network address"},
    {"(allow network-outbound (remote tcp \"foo:80\"))", 0, 0, NULL,
     "host must be * or localhost in network address"},
    {"(allow network-outbound (remote 'tcp \"*:80\"))", 0, 0, "(remote tcp \"*:80\")", NULL},
    {"(allow network-outbound (remote 'foo))", 0, 0, NULL,
     "invalid data type of remote filter; expected a protocol, got symbol"},
    /* parameters kept symbolic where a filter or modifier takes them, and where the
     * value itself is needed */
    {"(allow file-ioctl (ioctl-command (param \"X\")) (ioctl-command (string-append (param "
     "\"X\") \"1\")))",
     SBP_READ_SYMBOLIC_PARAMS, 0, "(ioctl-command (string-append (param \"X\") \"1\"))", NULL},
    {"(allow file-read* (entitlement-value (param \"X\")) (entitlement-value (string-append \"a\" "
     "(param \"X\"))))",
     SBP_READ_SYMBOLIC_PARAMS, 0, "(entitlement-value (string-append \"a\" (param \"X\")))", NULL},
    {"(allow file-read* (with message (string-append (param \"X\") \"b\")))",
     SBP_READ_SYMBOLIC_PARAMS, 0, "(with message (string-append (param \"X\") \"b\"))", NULL},
    {"(allow file-read* (literal (string-append (param \"X\") \"\" \"a\" \"b\" (string-append "
     "(param \"Y\") \"c\") \"d\")))",
     SBP_READ_SYMBOLIC_PARAMS, 0, "(literal (string-append (param \"X\") \"ab\" (param \"Y\") \"cd\"))",
     NULL},
    {"(regex-quote (string-append (param \"X\") \"a\"))", SBP_READ_SYMBOLIC_PARAMS, 0, NULL,
     "regex-quote: the value of a parameter is needed but none was given"},
    {"(import (string-append (param \"X\") \"a\"))", SBP_READ_SYMBOLIC_PARAMS, 0, NULL,
     "import: the value of a parameter is needed but none was given"},
    {"(allow network-outbound (remote tcp (string-append (param \"X\") \":80\")))",
     SBP_READ_SYMBOLIC_PARAMS, 0, NULL, "remote: a network address needs the parameter's value"},
};

static void test_sbpl_edges(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof sbpl_cases / sizeof sbpl_cases[0]; i++) {
    const sbpl_case *c = &sbpl_cases[i];
    char text[1024];
    snprintf(text, sizeof text, "(version 1)\n%s\n", c->text);
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.flags = c->flags;
    o.macos = c->macos;
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, &err);
    if (c->out == NULL) {
      if (rc != SBP_E_EVAL || strstr(err.message, c->message) == NULL || err.line != 2)
        fail_msg("%s: %s %u:%u '%s', expected SBP_E_EVAL 2: '%s'", c->text,
                 sbp_status_name(rc), (unsigned)err.line, (unsigned)err.column, err.message,
                 c->message);
      assert_null(p);
      continue;
    }
    if (rc != SBP_OK) fail_msg("%s: %s '%s'", c->text, sbp_status_name(rc), err.message);
    sbp_buf b = SBP_BUF_INIT;
    assert_int_equal(sbp_serialize(p, NULL, &b, &err), SBP_OK);
    if (strstr(b.ptr, c->out) == NULL) fail_msg("%s: got %s, expected %s", c->text, b.ptr, c->out);
    sbp_buf_dispose(&b);
    sbp_profile_free(p);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_symbolic_arguments),
      cmocka_unit_test(test_error_message_bounds),
      cmocka_unit_test(test_sbpl_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
