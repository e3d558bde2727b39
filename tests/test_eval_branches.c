/* The evaluator's less travelled paths (lib/eval.c, lib/eval_proc.c, lib/eval_sbpl.c): each
 * procedure's other outcomes (false, empty, out of range, overflow, another radix), the
 * special forms' malformed shapes with the error's position, parameters that stay symbolic
 * reaching a procedure that needs their value. SBPL built-ins whose results are checked as
 * the serializer writes them, also when read for one macOS version, are data cases
 * (tests/data/valid/forms-NN and macos-10.15-N, invalid/macos-10.15-1). Expected values are
 * those of R7RS Scheme for the integer and string subset SBPL has. */
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
    {"(eq? \"a\" \"a\")", "#f"},
    {"(eq? '() '())", "#t"},
    {"(eq? #\\a #\\a)", "#t"},
    {"(eq? 1 2)", "#f"},
    {"(eq? 'a 'b)", "#f"},
    {"(eqv? \"a\" \"a\")", "#f"},
    {"(eqv? #\\a #\\b)", "#f"},
    {"(eqv? #t #t)", "#t"},
    {"(eqv? '() '())", "#t"},
    {"(equal? \"ab\" \"ab\")", "#t"},
    {"(equal? \"ab\" \"ac\")", "#f"},
    {"(equal? '(1 \"a\") '(1 \"b\"))", "#f"},
    {"(equal? 1 \"a\")", "#f"},
    {"(equal? (literal \"/a\") (literal \"/a\"))", "#t"},
    {"(equal? (literal \"/a\") (literal \"/b\"))", "#f"},
    {"(memq 'z '(a b))", "#f"},
    {"(memq 1 '(2 1))", "(1 . ())"},
    {"(memq #\\b '(#\\a #\\b))", "(b . ())"},
    {"(memq '() '(1 ()))", "(() . ())"},
    {"(memq \"a\" '(\"a\"))", "#f"},
    {"(assq 'c '((a 1) b (c 3)))", "(c . (3 . ()))"},
    {"(assoc \"x\" '(1 (\"x\" . 2)))", "(x . 2)"},
    {"(list-tail '(1 2) 0)", "(1 . (2 . ()))"},
    {"(take '(1 2) 5)", "(1 . (2 . ()))"},
    {"(drop '(1 2) 5)", "()"},
    {"(take '(1 2) 0)", "()"},
    {"(flatten '(() 1 (2 . 3)))", "(1 . (2 . (3 . ())))"},
    {"(flatten 5)", "(5 . ())"},
    {"(defined? 'no-such-thing)", "#f"},
    {"(quotient -7 -2)", "3"},
    {"(modulo 7 -2)", "-1"},
    {"(modulo -6 2)", "0"},
    {"(/ 6 3)", "2"},
    {"(/ 0 5)", "0"},
    {"(= 1 2)", "#f"},
    {"(>= 1 2)", "#f"},
    {"(<= 2 1)", "#f"},
    {"(> 1 2)", "#f"},
    {"(< 1)", "#t"},
    {"(max 3)", "3"},
    {"(min 5 1 1)", "1"},
    {"(abs 4)", "4"},
    {"(string<? \"ab\" \"abc\")", "#t"},
    {"(string<? \"abc\" \"ab\")", "#f"},
    {"(string>=? \"a\" \"b\")", "#f"},
    {"(string<=? \"b\" \"a\")", "#f"},
    {"(string>? \"a\" \"a\")", "#f"},
    {"(string=? \"a\" \"b\")", "#f"},
    {"(string-ci=? \"A\" \"b\")", "#f"},
    {"(string-ci=? \"ZZ\" \"zz\")", "#t"},
    {"(string-prefix? \"abc\" \"ab\")", "#f"},
    {"(string-prefix? \"x\" \"abc\")", "#f"},
    {"(string-suffix? \"abcd\" \"bcd\")", "#f"},
    {"(string-suffix? \"x\" \"abc\")", "#f"},
    {"(string->number \"-12\")", "-12"},
    {"(string->number \"+7\")", "7"},
    {"(string->number \"-\")", "#f"},
    {"(string->number \"\")", "#f"},
    {"(string->number \"FF\" 16)", "255"},
    {"(string->number \"12\" 2)", "#f"},
    {"(string->number \"777\" 8)", "511"},
    {"(string->number \"99999999999999999999\")", "#f"},
    {"(string->number \"9223372036854775808\")", "#f"},
    {"(string->number \"-9223372036854775808\")", "-9223372036854775808"},
    {"(string->number \"g\" 16)", "#f"},
    {"(number->string -255 16)", "-ff"},
    {"(number->string 5 2)", "101"},
    {"(number->string 8 8)", "10"},
    {"(number->string -9223372036854775808)", "-9223372036854775808"},
    {"(number->string 0)", "0"},
    {"(substring \"abc\" 0 0)", ""},
    {"(substring \"abc\" 3)", ""},
    {"(list->string '())", ""},
    {"(string->list \"\")", "()"},
    {"(char=? #\\a #\\b)", "#f"},
    {"(append '() '())", "()"},
    {"(append '(1))", "(1 . ())"},
    {"(list* 1)", "1"},
    {"(null? \"\")", "#f"},
    {"(pair? \"a\")", "#f"},
    {"(string? 1)", "#f"},
    {"(symbol? \"a\")", "#f"},
    {"(number? \"1\")", "#f"},
    {"(integer? 'a)", "#f"},
    {"(boolean? 0)", "#f"},
    {"(char? \"a\")", "#f"},
    {"(procedure? 1)", "#f"},
    {"(procedure? literal)", "#t"},
    {"(not 1)", "#f"},
    {"(not #t)", "#f"},
    {"(zero? 1)", "#f"},
    {"(zero? 'a)", "#f"},
    {"(positive? -1)", "#f"},
    {"(positive? 'a)", "#f"},
    {"(negative? 1)", "#f"},
    {"(negative? 'a)", "#f"},
    {"(even? 3)", "#f"},
    {"(even? 'a)", "#f"},
    {"(odd? 3)", "#t"},
    {"(odd? 'a)", "#f"},
    {"(list? '(1 . 2))", "#f"},
    {"(length '())", "0"},
    {"(reverse '())", "()"},
    {"(apply list '())", "()"},
    {"(string-append)", ""},
    {"(cond ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'no))", "b"},
    {"(let* ((x 1) (y x)) y)", "1"},
    {"(letrec ((x 1)) x)", "1"},
    {"(let loop ((i 0)) (if (< i 3) (loop (+ i 1)) i))", "3"},
    {"`(1 ,(+ 1 1) ,@(list 3 4))", "(1 . (2 . (3 . (4 . ()))))"},
    {"`(1 `(2 ,(3 ,(+ 1 2))))", "(1 . ((quasiquote . ((2 . ((unquote . ((3 . (3 . ())) . ())) . ())) . ())) . ()))"},
    {"`(1 `(2 ,(3 ,@(list 1 2))))", "(1 . ((quasiquote . ((2 . ((unquote . ((3 . (1 . (2 . ()))) . ())) . ())) . ())) . ()))"},
    {"`(1 . ,(+ 1 1))", "(1 . 2)"},
    {"`(a `(b ,(c)))", "(a . ((quasiquote . ((b . ((unquote . ((c . ()) . ())) . ())) . ())) . ()))"},
    {"(and)", "#t"},
    {"(or)", "#f"},
    {"(and 1 2)", "2"},
    {"(or #f 3)", "3"},
    {"(case 3 ((1 2) 'low) ((3) 'three) (else 'other))", "three"},
    {"(case 9 ((1) 'a))", "()"},
    {"(case 1 (5))", "()"},
    {"(let ((else 1)) (cond (else 2)))", "2"},
    {"(do ((i 0 (+ i 1))) ((= i 3) i))", "3"},
    {"(do ((i 0 (+ i 1)) (acc '() (cons i acc))) ((= i 3) acc))", "(2 . (1 . (0 . ())))"},
    {"(cond (#f 1))", "()"},
    {"(cond (5))", "5"},
    {"(when #f 1)", "()"},
    {"(unless #f 2)", "2"},
    {"(let () 5)", "5"},
    {"(begin)", "()"},
    {"((lambda args args) 1 2)", "(1 . (2 . ()))"},
    {"((lambda (a . b) b) 1 2 3)", "(2 . (3 . ()))"},
    {"(let ((f (lambda (x) x))) (procedure? f))", "#t"},
    {"(eval '(if #f 1 2))", "2"},
    {"(map (lambda (x y) (+ x y)) '(1 2) '(3))", "(4 . ())"},
};

typedef struct error_case {
  const char *body; /* after (version 1) on line 1; the error is on line 2 */
  unsigned column;
  const char *message;
} error_case;

static const error_case errors[] = {
    {"(define r (list-ref '(1 2) 2))", 11, "list-ref: index too large"},
    {"(define r (modulo -9223372036854775808 -1))", 11, "modulo: integer overflow"},
    {"(define r (quotient -9223372036854775808 -1))", 11, "quotient: integer overflow"},
    {"(define r (/ 7 2))", 11, "/: inexact result (no math library)"},
    {"(define r (/ 4))", 11, "/: no rational numbers in SBPL"},
    {"(define r (vector 1))", 11, "unbound variable: vector"},
    {"(define r (apply + '(1 . 2)))", 11, "apply: last argument is not a list"},
    {"(define r (for-each car 1))", 11, "for-each: argument is not a list"},
    {"(quote)", 1, "syntax error: malformed quote"},
    {"(quote 1 2)", 1, "syntax error: malformed quote"},
    {"(if)", 1, "syntax error: malformed if"},
    {"(define)", 1, "syntax error: malformed define"},
    {"(define (1 x) x)", 1, "syntax error: malformed define"},
    {"(define 1 2)", 1, "syntax error: malformed define"},
    {"(set! x)", 1, "syntax error: malformed set!"},
    {"(set! 1 2)", 1, "syntax error: malformed set!"},
    {"(lambda)", 1, "syntax error: malformed lambda"},
    {"(lambda (1) 1)", 1, "syntax error: malformed lambda parameter list"},
    {"(lambda (x . 1) x)", 1, "syntax error: malformed lambda parameter list"},
    {"(let)", 1, "syntax error: malformed let"},
    {"(let x)", 1, "syntax error: malformed let"},
    {"(let (x) x)", 1, "syntax error: malformed let"},
    {"(let ((1 2)) 1)", 1, "syntax error: malformed let"},
    {"(cond (1 . 2))", 1, "syntax error: malformed cond clause"},
    {"(cond 5)", 1, "syntax error: malformed cond clause"},
    {"(case)", 1, "syntax error: malformed case"},
    {"(case 1 5)", 7, "syntax error: malformed case clause"},
    {"(and . 1)", 1, "syntax error: malformed and"},
    {"(when)", 1, "syntax error: malformed when"},
    {"(define-macro)", 1, "syntax error: malformed define-macro"},
    {"(define-macro (1 x) x)", 1, "syntax error: malformed define-macro"},
    {"(define-macro m)", 1, "syntax error: malformed define-macro"},
    {"(define-macro m 1 2)", 1, "syntax error: malformed define-macro"},
    {"(with)", 1, "syntax error: malformed with"},
    {"(with 1)", 1, "syntax error: malformed with"},
    {"(with a b c)", 1, "syntax error: malformed with"},
    {"(with-filter)", 1, "syntax error: malformed with-filter"},
    {"(do)", 1, "syntax error: malformed do"},
    {"(do 1 (#t))", 1, "syntax error: malformed do"},
    {"(do () 1)", 1, "syntax error: malformed do"},
    {"(do ((1 2)) (#t))", 1, "syntax error: malformed do"},
    {"(do ((x 1 2 3)) (#t))", 1, "syntax error: malformed do"},
    {"(begin . 1)", 1, "syntax error: malformed begin"},
    {"(1 2)", 1, "illegal function: an integer is not a procedure"},
    {"(\"a\")", 1, "illegal function: a string is not a procedure"},
    {"((lambda (x) x))", 1, "wrong number of arguments to #<closure> (expected 1, got 0)"},
    {"((lambda (x) x) 1 2)", 1, "wrong number of arguments to #<closure> (expected 1, got 2)"},
    {"((lambda (x . y) x))", 1, "wrong number of arguments to #<closure> (expected at least 1, got 0)"},
    {"(define (f x) x) (f)", 18, "wrong number of arguments to f (expected 1, got 0)"},
    {"(define (f x . r) x) (f)", 22, "wrong number of arguments to f (expected at least 1, got 0)"},
    {"(let loop)", 1, "syntax error: malformed let"},
    {"(cond (1 =>))", 7, "syntax error: malformed cond"},
    {"(allow file-read* (require-entitlement \"com.apple.x\" 5))", 19, "require-entitlement: expected a filter, got integer"},
    {"(define x (_IO \"\" 1))", 11, "_IO: expected a group character and an integer"},
    {"(define x (_IO \"a\" \"b\"))", 11, "_IO: expected a group character and an integer"},
    {"(define x (_IO \"a\" 9223372036854775807))", 11, "_IO: 9223372036854775807 is out of range"},
    {"(define x (split-string \"abc\" \"\"))", 11, "split-string: empty separator"},
    {"(define x (path-ancestors \"rel/x\"))", 11, "path-ancestors: path must start with /"},
    {"(define x (path-ancestors \"\"))", 11, "path-ancestors: path must start with /"},
    {"(define x (path-ancestors \"/\"))", 11, "path-ancestors: no ancestors"},
    {"(define x (regex-quote \"a\" \"b\"))", 11, "wrong number of arguments to regex-quote (expected 1, got 2)"},
    {"(version 2)", 1, "unsupported version"},
    {"(version \"1\")", 1, "unsupported version"},
    {"(allow file-read* (with no-callout 1))", 19, "with no-callout: unexpected argument"},
    {"(allow file-read* (with report #t))", 19, "with report: invalid argument (a boolean)"},
    {"(allow file-read* (with report '(1)))", 19, "with report: invalid argument (a list)"},
    {"(allow no-op)", 8, "unbound variable: no-op"},
    {"(allow file-read* no-op)", 19, "unbound variable: no-op"},
    {"(allow iokit-open (iokit-user-client-class #t))", 19, "invalid data type of iokit-registry-entry-class filter; expected pattern, got boolean"},
    {"(allow iokit-open (iokit-user-client-class '(1)))", 19, "invalid data type of iokit-registry-entry-class filter; expected pattern, got list"},
    {"(allow file-read* (vnode-type '(1)))", 19, "invalid data type of vnode-type filter; expected integer, got list"},
    {"(allow file-read* (debug-mode #t))", 19, "wrong number of arguments to debug-mode (expected 0, got 1)"},
    {"(allow file-read* (debug-mode '(1)))", 19, "wrong number of arguments to debug-mode (expected 0, got 1)"},
    {"(allow sysctl-read (sysctl-name '(1)))", 20, "invalid data type of sysctl-name filter; expected pattern, got list"},
    {"(allow network-outbound (remote unix-socket (path-literal \"/a\") 2))", 25, "wrong number of arguments to remote unix-socket (expected 1 to 2, got 3)"},
    {"(allow network-outbound (remote ip \"1.2.3.4:80\"))", 25, "host must be * or localhost in network address"},
    {"(allow network-outbound (remote tcp \"localhost:0\"))", 25, "port must be * or 1-65535 in network address"},
    {"(allow network-outbound (remote tcp \"localhost:1a\"))", 25, "port must be * or 1-65535 in network address"},
    {"(allow network-outbound (remote tcp \"localhost:123456\"))", 25, "port must be * or 1-65535 in network address"},
    {"(allow network-outbound (remote tcp (param \"X\")))", 25, "invalid data type of remote filter; expected network address, got boolean"},
    {"(allow network-outbound (remote \"tcp\" \"*:80\"))", 25, "invalid data type of remote filter; expected a protocol, got string"},
    {"(allow mach-lookup (global-name (string-append \"a\" (param \"X\"))))", 33, "string-append: expected a string, got boolean"},
};

/* With SBP_READ_SYMBOLIC_PARAMS, a parameter without a value stays a reference: fine where
 * the profile can keep it, an error naming it where a procedure needs the value. */
static const error_case symbolic_errors[] = {
    {"(define r (string-length (param \"X\")))", 11, "string-length: the value of parameter \"X\" is needed but none was given"},
    {"(define r (string-length (string-append \"a\" (param \"X\"))))", 11, "string-length: the value of a parameter is needed but none was given"},
    {"(define r (substring (param \"X\") 0))", 11, "substring: the value of parameter \"X\" is needed but none was given"},
    {"(define r (string-prefix? \"a\" (param \"X\")))", 11, "string-prefix?: the value of parameter \"X\" is needed but none was given"},
    {"(define r (string-suffix? \"a\" (param \"X\")))", 11, "string-suffix?: the value of parameter \"X\" is needed but none was given"},
    {"(define r (string->number \"1\" (param \"X\")))", 11, "string->number: expected an integer, got parameter"},
    {"(allow network-outbound (remote tcp (param \"X\")))", 25, "remote: a network address needs the parameter's value"},
    {"(allow file-read* (path-ancestors (param \"X\")))", 19, "path-ancestors: the value of parameter \"X\" is needed but none was given"},
    {"(define x (_IO (param \"X\") 1))", 11, "_IO: the value of parameter \"X\" is needed but none was given"},
    {"(allow file-read* (literal (string-length (string-append \"/a\" (param \"X\")))))", 28, "string-length: the value of a parameter is needed but none was given"},
};

static sbp_profile *read_text(const char *text, uint32_t flags, sbp_error *err, int *rc) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = flags;
  sbp_profile *p = NULL;
  *rc = sbp_profile_read(&p, text, strlen(text), "t.sb", &o, NULL, err);
  return p;
}

static void test_values(void **state) {
  (void)state;
  eval_show_check(values, sizeof values / sizeof values[0]);
}

static void expect_errors(const error_case *cases, size_t n, uint32_t flags) {
  char text[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(text, sizeof text, "(version 1)\n%s\n", cases[i].body);
    sbp_error err = SBP_ERROR_INIT;
    int rc;
    sbp_profile *p = read_text(text, flags, &err, &rc);
    if (rc != SBP_E_EVAL)
      fail_msg("%s: status %d (%s), expected an evaluation error", cases[i].body, rc,
               err.message);
    assert_null(p);
    if (strcmp(err.message, cases[i].message) != 0 || err.line != 2 ||
        err.column != cases[i].column)
      fail_msg("%s: %u:%u: '%s', expected 2:%u: '%s'", cases[i].body, (unsigned)err.line,
               (unsigned)err.column, err.message, cases[i].column, cases[i].message);
  }
}

static void test_errors(void **state) {
  (void)state;
  expect_errors(errors, sizeof errors / sizeof errors[0], 0);
}

static void test_symbolic_errors(void **state) {
  (void)state;
  expect_errors(symbolic_errors, sizeof symbolic_errors / sizeof symbolic_errors[0],
                SBP_READ_SYMBOLIC_PARAMS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_symbolic_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
