/* The evaluator's procedures (lib/eval_proc.c), one expression at a time: the value each
 * returns, shown as text by a small printer written in SBPL itself, and the error each gives
 * for arguments of the wrong kind or out of range. Expected values are those of R7RS Scheme
 * for the integer and string subset SBPL has. Then the SBPL built-ins (lib/eval_sbpl.c):
 * the error and its position for each malformed rule, filter, modifier or directive. */
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

typedef struct proc_case {
  const char *expr;
  const char *shown; /* as the serializer writes it inside (literal "...") */
} proc_case;

static const eval_value_case values[] = {
    {"(car '(1 2))", "1"},
    {"(cdr '(1 2))", "(2 . ())"},
    {"(caar '((1) 2))", "1"},
    {"(cadr '(1 2))", "2"},
    {"(cdar '((1 3) 2))", "(3 . ())"},
    {"(cddr '(1 2 3))", "(3 . ())"},
    {"(caddr '(1 2 3))", "3"},
    {"(cdddr '(1 2 3 4))", "(4 . ())"},
    {"(caadr '(1 (2) 3))", "2"},
    {"(cddddr '(1 2 3 4 5))", "(5 . ())"},
    {"(cadddr '(1 2 3 4))", "4"},
    {"(cons 1 2)", "(1 . 2)"},
    {"(list 1 2 3)", "(1 . (2 . (3 . ())))"},
    {"(list)", "()"},
    {"(list* 1 2 '(3))", "(1 . (2 . (3 . ())))"},
    {"(cons* 1 '(2))", "(1 . (2 . ()))"},
    {"(length '(1 2 3))", "3"},
    {"(append '(1) '(2) '() '(3 4))", "(1 . (2 . (3 . (4 . ()))))"},
    {"(append)", "()"},
    {"(append '(1) 2)", "(1 . 2)"},
    {"(reverse '(1 2 3))", "(3 . (2 . (1 . ())))"},
    {"(list-tail '(1 2 3) 1)", "(2 . (3 . ()))"},
    {"(list-ref '(1 2 3) 2)", "3"},
    {"(take '(1 2 3) 2)", "(1 . (2 . ()))"},
    {"(drop '(1 2 3) 2)", "(3 . ())"},
    {"(flatten '(1 (2 (3)) 4))", "(1 . (2 . (3 . (4 . ()))))"},
    {"(member \"b\" '(\"a\" \"b\" \"c\"))", "(b . (c . ()))"},
    {"(member \"z\" '(\"a\"))", "#f"},
    {"(memq 'b '(a b c))", "(b . (c . ()))"},
    {"(memv 2 '(1 2 3))", "(2 . (3 . ()))"},
    {"(assoc \"b\" '((\"a\" . 1) (\"b\" . 2)))", "(b . 2)"},
    {"(assq 'b '((a 1) (b 2)))", "(b . (2 . ()))"},
    {"(assv 2 '((1 one) (2 two)))", "(2 . (two . ()))"},
    {"(assv 9 '((1 one)))", "#f"},
    {"(null? '())", "#t"},
    {"(null? 1)", "#f"},
    {"(pair? '(1))", "#t"},
    {"(pair? '())", "#f"},
    {"(list? '(1 2))", "#t"},
    {"(list? 1)", "#f"},
    {"(string? \"a\")", "#t"},
    {"(symbol? 'a)", "#t"},
    {"(number? 1)", "#t"},
    {"(integer? 1)", "#t"},
    {"(boolean? #f)", "#t"},
    {"(char? #\\a)", "#t"},
    {"(procedure? car)", "#t"},
    {"(procedure? (lambda (x) x))", "#t"},
    {"(not #f)", "#t"},
    {"(eq? 'a 'a)", "#t"},
    {"(eqv? 1 1)", "#t"},
    {"(equal? '(1 (2)) '(1 (2)))", "#t"},
    {"(defined? 'car)", "#t"},
    {"(+ 1 2 3)", "6"},
    {"(+)", "0"},
    {"(- 5)", "-5"},
    {"(- 10 3 2)", "5"},
    {"(* 2 3 4)", "24"},
    {"(*)", "1"},
    {"(quotient 7 2)", "3"},
    {"(quotient -7 2)", "-3"},
    {"(remainder -7 2)", "-1"},
    {"(modulo -7 2)", "1"},
    {"(= 1 1 1)", "#t"},
    {"(< 1 2 3)", "#t"},
    {"(< 1 3 2)", "#f"},
    {"(> 3 2 1)", "#t"},
    {"(<= 1 1 2)", "#t"},
    {"(>= 2 2 1)", "#t"},
    {"(max 1 5 3)", "5"},
    {"(min 4 2 8)", "2"},
    {"(abs -4)", "4"},
    {"(zero? 0)", "#t"},
    {"(positive? 3)", "#t"},
    {"(negative? -3)", "#t"},
    {"(even? 4)", "#t"},
    {"(odd? 4)", "#f"},
    {"(string-append \"a\" \"b\" \"c\")", "abc"},
    {"(string-length \"abc\")", "3"},
    {"(substring \"hello\" 1 3)", "el"},
    {"(substring \"hello\" 2)", "llo"},
    {"(string-ref \"abc\" 1)", "b"},
    {"(string=? \"a\" \"a\" \"a\")", "#t"},
    {"(string<? \"a\" \"b\")", "#t"},
    {"(string>? \"b\" \"a\")", "#t"},
    {"(string<=? \"a\" \"a\")", "#t"},
    {"(string>=? \"b\" \"a\")", "#t"},
    {"(string-ci=? \"aB\" \"Ab\")", "#t"},
    {"(string-prefix? \"ab\" \"abc\")", "#t"},
    {"(string-suffix? \"bc\" \"abc\")", "#t"},
    {"(string->number \"42\")", "42"},
    {"(string->number \"ff\" 16)", "255"},
    {"(string->number \"x\")", "#f"},
    {"(number->string 42)", "42"},
    {"(number->string 255 16)", "ff"},
    {"(string->symbol \"abc\")", "abc"},
    {"(symbol->string 'abc)", "abc"},
    {"(string->list \"ab\")", "(a . (b . ()))"},
    {"(list->string '(#\\a #\\b))", "ab"},
    {"(string-copy \"ab\")", "ab"},
    {"(char->integer #\\A)", "65"},
    {"(integer->char 66)", "B"},
    {"(char=? #\\a #\\a)", "#t"},
    {"(regex-quote \"a.b*c\")", "a\\\\.b\\\\*c"},
    {"(split-string \"a:b:c\" \":\")", "(a . (b . (c . ())))"},
    {"(sbpl-filter? (literal \"/x\"))", "#t"},
    {"(apply + 1 '(2 3))", "6"},
    {"(map + '(1 2) '(10 20))", "(11 . (22 . ()))"},
    {"(filter odd? '(1 2 3 4 5))", "(1 . (3 . (5 . ())))"},
    {"(let ((n 0)) (for-each (lambda (x) (set! n (+ n x))) '(1 2 3)) n)", "6"},
    {"(eval '(+ 1 2))", "3"},
};

static const proc_case errors[] = {
    {"(car 1)", "car: expected a pair, got integer"},
    {"(cdr '())", "cdr: expected a pair, got empty list"},
    {"(cadr '(1))", "cadr: expected a pair, got empty list"},
    {"(length 5)", "length: expected a list, got integer"},
    {"(append 1 '(2))", "append: expected a list, got integer"},
    {"(reverse 1)", "reverse: expected a list, got integer"},
    {"(list-tail '(1) 5)", "list-tail: index too large"},
    {"(+ 1 \"a\")", "+: expected an integer, got string"},
    {"(- \"a\")", "-: expected an integer, got string"},
    {"(* 1 'a)", "*: expected an integer, got symbol"},
    {"(quotient 1 0)", "quotient: division by zero"},
    {"(remainder 1 0)", "remainder: division by zero"},
    {"(modulo 1 0)", "modulo: division by zero"},
    {"(< 1 \"a\")", "<: expected an integer, got string"},
    {"(max \"a\")", "max: expected an integer, got string"},
    {"(abs 'a)", "abs: expected an integer, got symbol"},
    {"(string-append \"a\" 1)", "string-append: expected a string, got integer"},
    {"(string-length 1)", "string-length: expected a string, got integer"},
    {"(substring \"abc\" 2 1)", "substring: index out of range"},
    {"(substring \"abc\" 0 9)", "substring: index out of range"},
    {"(string-ref \"abc\" 5)", "string-ref: index out of range"},
    {"(string=? \"a\" 1)", "string=?: expected a string, got integer"},
    {"(string-prefix? 1 \"a\")", "string-prefix?: expected a string, got integer"},
    {"(string->number 1)", "string->number: expected a string, got integer"},
    {"(string->number \"1\" 7)", "string->number: bad radix"},
    {"(number->string \"a\")", "number->string: expected an integer, got string"},
    {"(number->string 1 3)", "number->string: bad radix"},
    {"(string->symbol 1)", "string->symbol: expected a string, got integer"},
    {"(symbol->string \"a\")", "symbol->string: expected a symbol, got string"},
    {"(string->list 1)", "string->list: expected a string, got integer"},
    {"(list->string '(1))", "list->string: expected a character, got integer"},
    {"(char->integer 1)", "char->integer: expected a character, got integer"},
    {"(integer->char -1)", "integer->char: out of range"},
    {"(integer->char 1114112)", "integer->char: out of range"},
    {"(char=? 1 #\\a)", "char=?: expected a character, got integer"},
    {"(error \"boom\" 'x \"y\" 1)", "error: boom x y 1"},
    {"(apply + 1)", "apply: last argument is not a list"},
    {"(map car 1)", "map: argument is not a list"},
    {"(filter 1 '(1))", "illegal function: an integer is not a procedure"},
    {"(regex-quote 1)", "regex-quote: expected a string, got integer"},
    {"(split-string \"a\" 1)", "split-string: expected a string, got integer"},
    {"(path-ancestors 1)", "path-ancestors: expected a string, got integer"},
    {"(+ 9223372036854775807 1)", "+: integer overflow"},
    {"(* 9223372036854775807 2)", "*: integer overflow"},
    {"(- -9223372036854775807 2)", "-: integer overflow"},
    {"(abs -9223372036854775808)", "abs: integer overflow"},
    {"(/ 1 0)", "/: division by zero"},
    {"(cons 1)", "wrong number of arguments to cons (expected 2, got 1)"},
    {"(string-ci=? \"a\" 1)", "string-ci=?: expected a string, got integer"},
    {"(eval 1 2 3)", "wrong number of arguments to eval (expected 1 to 2, got 3)"},
    {"(list* )", "wrong number of arguments to list* (expected at least 1, got 0)"},
};

typedef struct sbpl_error_case {
  const char *text; /* after (version 1) on line 1; the error is on line 2 */
  unsigned column;
  const char *message;
} sbpl_error_case;

static const sbpl_error_case sbpl_errors[] = {
    {"(allow file-read* (literal \"a\\x00b\"))", 19, "a string argument contains a NUL byte"},
    {"(allow network-outbound (remote unix-socket 1))", 25,
     "remote unix-socket: expected a path filter, got an integer"},
    {"(allow network-outbound (remote tcp \"nohost\"))", 25,
     "invalid network address (expected HOST:PORT)"},
    {"(allow network-outbound (remote tcp \"*:99999\"))", 25,
     "port must be * or 1-65535 in network address"},
    /* several addresses are alternatives (as libsandbox reads them): each must be one */
    {"(allow network-outbound (remote tcp \"*:80\" \"extra\"))", 25,
     "invalid network address (expected HOST:PORT)"},
    {"(allow network-outbound (remote 1 \"*:80\"))", 25,
     "invalid data type of remote filter; expected a protocol, got integer"},
    {"(allow file-read* (require-any))", 19, "require-any requires at least one filter"},
    {"(allow file-read* (require-all 1))", 19, "require-all: expected a filter, got integer"},
    {"(allow file-read* (require-not 1))", 19, "require-not: expected a filter, got integer"},
    {"(allow 42)", 1, "allow: expected an operation, filter or modifier, got integer"},
    {"(allow file-read* (with 1))", 19, "syntax error: malformed with"},
    {"(param 1)", 1, "param: expected a string, got integer"},
    {"(trace \"a\") (trace \"b\")", 13, "only one trace path may be specified"},
    {"(path-ancestors \"relative\")", 1, "path-ancestors: path must start with /"},
    /* the group's first character counts and n has no upper bound, as in Apple's library */
    {"(_IO \"\" 1)", 1, "_IO: expected a group character and an integer"},
    {"(allow file-read* (literal))", 19,
     "wrong number of arguments to literal (expected at least 1, got 0)"},
    {"(allow file-read* (literal 1))", 19,
     "invalid data type of path filter; expected pattern, got integer"},
    {"(allow file-read* (regex #t))", 19,
     "invalid data type of path filter; expected pattern, got boolean"},
    {"(allow file-read* (subpath (list 1)))", 19,
     "invalid data type of path filter; expected pattern, got list"},
    {"(require-entitlement 1)", 1, "require-entitlement: expected a string, got integer"},
    {"(deny)", 1, "deny: no operation specified"},
};

static void test_values(void **state) {
  (void)state;
  eval_show_check(values, sizeof values / sizeof values[0]);
}

/* Evaluating "(version 1)\nBODY\n" fails with an evaluation error on line 2 with this
 * message (and at this column, unless it is 0). */
static void expect_eval_error(const char *body, unsigned column, const char *message) {
  char text[512];
  snprintf(text, sizeof text, "(version 1)\n%s\n", body);
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  int rc = sbp_profile_read(&p, text, strlen(text), "t.sb", NULL, NULL, &err);
  if (rc != SBP_E_EVAL)
    fail_msg("%s: status %d (%s), expected an evaluation error", body, rc, err.message);
  assert_null(p);
  if (strcmp(err.message, message) != 0 || err.line != 2 || (column && err.column != column))
    fail_msg("%s: %u:%u: '%s', expected 2:%u: '%s'", body, (unsigned)err.line,
             (unsigned)err.column, err.message, column, message);
}

static void test_errors(void **state) {
  (void)state;
  char body[256];
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    snprintf(body, sizeof body, "(define r %s)", errors[i].expr);
    expect_eval_error(body, 0, errors[i].shown);
  }
}

static void test_sbpl_errors(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof sbpl_errors / sizeof sbpl_errors[0]; i++)
    expect_eval_error(sbpl_errors[i].text, sbpl_errors[i].column, sbpl_errors[i].message);
}

/* import: its argument, what happens without a resolver, and the ready-made resolver's
 * answers for names it cannot serve. */
static void test_import(void **state) {
  (void)state;
  static const struct {
    const char *text;
    uint32_t flags;
    int code;
    const char *message;
  } cases[] = {
      {"(version 1)\n(import 1)\n", 0, SBP_E_EVAL, "import: expected a string, got integer"},
      {"(version 1)\n(import \"none.sb\")\n", 0, SBP_E_NOT_FOUND, "unable to open none.sb"},
      {"(version 1)\n(import \"a\\x00b\")\n", SBP_READ_KEEP_UNRESOLVED_IMPORTS, SBP_E_EVAL,
       "import: the name contains a NUL byte"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sbp_read_options o = SBP_READ_OPTIONS_INIT;
    o.flags = cases[i].flags;
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    int rc = sbp_profile_read(&p, cases[i].text, strlen(cases[i].text), "t.sb", &o, NULL, &err);
    if (rc != cases[i].code || strcmp(err.message, cases[i].message) != 0)
      fail_msg("%s: %d '%s', expected %d '%s'", cases[i].text, rc, err.message, cases[i].code,
               cases[i].message);
    assert_null(p);
    assert_int_equal(err.line, 2);
  }
  /* parameters promised but not given */
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.nparams = 1;
  sbp_profile *p = NULL;
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp_profile_read(&p, "(version 1)", 11, "t.sb", &o, NULL, &err),
                   SBP_E_INVALID_ARG);
  assert_null(p);
  /* the ready-made resolver */
  sbp_buf text = SBP_BUF_INIT, file = SBP_BUF_INIT;
  assert_int_equal(sbp_import_search(NULL, 0, NULL, &text, &file, &err, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_import_search("x.sb", 4, NULL, NULL, &file, &err, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_import_search("x.sb", 4, NULL, &text, NULL, &err, NULL), SBP_E_INVALID_ARG);
  assert_int_equal(sbp_import_search("no-such-file.sb", 15, NULL, &text, &file, &err, NULL),
                   SBP_E_NOT_FOUND);
  assert_int_equal(sbp_import_search("/no/such/file.sb", 16, NULL, &text, &file, &err, NULL),
                   SBP_E_NOT_FOUND);
  sbp_buf_dispose(&text);
  sbp_buf_dispose(&file);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_sbpl_errors),
      cmocka_unit_test(test_import),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
