/* The SBPL reader: every lexical rule, every error with its position, limits, allocation
 * failures, and the real profiles of the corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "datum.h"
#include "sbprofile.h"
#include "test_files.h"
#include "test_alloc.h"

#define S_(lit) lit, sizeof(lit) - 1

/* ---- helpers ----------------------------------------------------------------------- */

typedef struct dbuf {
  char s[8192];
  size_t n;
} dbuf;

static void put(dbuf *b, const char *s, size_t n) {
  if (b->n + n >= sizeof(b->s)) n = sizeof(b->s) - 1 - b->n;
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}
static void puts_(dbuf *b, const char *s) { put(b, s, strlen(s)); }

static void put_bytes(dbuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char tmp[8];
    if (c == '\n')
      puts_(b, "\\n");
    else if (c == '\t')
      puts_(b, "\\t");
    else if (c == '\r')
      puts_(b, "\\r");
    else if (c == '"' || c == '\\') {
      tmp[0] = '\\';
      tmp[1] = (char)c;
      put(b, tmp, 2);
    } else if (c < 0x20 || c >= 0x7f) {
      snprintf(tmp, sizeof(tmp), "\\x%02x", c);
      puts_(b, tmp);
    } else {
      put(b, (const char *)&s[i], 1);
    }
  }
}

/* A readable dump of one datum chain: lists (a b), dotted (a . b), vectors #(a), strings
 * "..." (raw ones #"..."), integers in decimal, reals as written, #t/#f, chars #\x41,
 * comments [;text] ([#!text] for #!), quote forms 'x `x ,x ,@x. */
static void dump(dbuf *b, const sbp__datum *d) {
  int first = 1;
  for (; d != NULL; d = d->next) {
    if (!first) puts_(b, " ");
    first = 0;
    char tmp[64];
    switch (d->type) {
      case SBP__D_LIST:
        if (d->flags & (SBP__DF_QUOTE | SBP__DF_QUASI | SBP__DF_UNQUOTE | SBP__DF_SPLICE)) {
          puts_(b, d->flags & SBP__DF_QUOTE     ? "'"
                   : d->flags & SBP__DF_QUASI   ? "`"
                   : d->flags & SBP__DF_UNQUOTE ? ","
                                                : ",@");
          dump(b, d->first->next);
          break;
        }
        puts_(b, "(");
        const sbp__datum *cdr = NULL;
        for (const sbp__datum *c = d->first; c; c = c->next)
          if (c->type != SBP__D_COMMENT) cdr = c;
        for (const sbp__datum *c = d->first; c; c = c->next) {
          if (c != d->first) puts_(b, " ");
          if (c == cdr && (d->flags & SBP__DF_DOTTED)) puts_(b, ". ");
          const sbp__datum *save = c->next;
          ((sbp__datum *)(uintptr_t)c)->next = NULL;
          dump(b, c);
          ((sbp__datum *)(uintptr_t)c)->next = (sbp__datum *)(uintptr_t)save;
        }
        puts_(b, ")");
        break;
      case SBP__D_VECTOR:
        puts_(b, "#(");
        dump(b, d->first);
        puts_(b, ")");
        break;
      case SBP__D_SYMBOL: put(b, d->text, d->len); break;
      case SBP__D_STRING:
        puts_(b, d->flags & SBP__DF_RAW ? "#\"" : "\"");
        put_bytes(b, d->text, d->len);
        puts_(b, "\"");
        break;
      case SBP__D_INTEGER:
        snprintf(tmp, sizeof(tmp), "%lld", (long long)d->num);
        puts_(b, tmp);
        break;
      case SBP__D_REAL:
        puts_(b, "real:");
        put(b, d->text, d->len);
        break;
      case SBP__D_BOOLEAN: puts_(b, d->num ? "#t" : "#f"); break;
      case SBP__D_CHAR:
        snprintf(tmp, sizeof(tmp), "#\\x%02llx", (unsigned long long)d->num);
        puts_(b, tmp);
        break;
      case SBP__D_COMMENT:
        puts_(b, d->flags & SBP__DF_SHEBANG ? "[#!" : "[;");
        put_bytes(b, d->text, d->len);
        puts_(b, "]");
        break;
      default: puts_(b, "?"); break;
    }
  }
}

static sbp__arena arena;
static sbp__datum *top;

static int rd(const char *text, size_t len, uint32_t flags, const sbp__read_limits *lim,
              sbp_error *err) {
  sbp__arena_release(&arena);
  sbp__arena_init(&arena, sbp_alloc_default());
  top = NULL;
  return sbp__read(&arena, text, len, "t.sb", flags, lim, &top, err);
}

/* Reads s and checks the dump. */
static void check_flags(const char *s, uint32_t flags, const char *want) {
  sbp_error err = SBP_ERROR_INIT;
  int rc = rd(s, strlen(s), flags, NULL, &err);
  if (rc != SBP_OK) fail_msg("reading %s: %s at %u:%u", s, err.message, err.line, err.column);
  dbuf b = {{0}, 0};
  dump(&b, top);
  if (strcmp(b.s, want) != 0) fail_msg("reading [%s]\n got: %s\nwant: %s", s, b.s, want);
}
static void check(const char *s, const char *want) { check_flags(s, 0, want); }

/* Reads s and checks the error. */
static void check_err_n(const char *s, size_t len, int code, uint32_t line, uint32_t col,
                        const char *msg) {
  sbp_error err = SBP_ERROR_INIT;
  int rc = rd(s, len, 0, NULL, &err);
  if (rc != code || err.line != line || err.column != col || strcmp(err.message, msg) != 0 ||
      strcmp(err.file, "t.sb") != 0)
    fail_msg("reading [%s]\n got: %s %u:%u %s (%s)\nwant: %s %u:%u %s", s, sbp_status_name(rc),
             err.line, err.column, err.message, err.file, sbp_status_name(code), line, col,
             msg);
  assert_null(top);
}
static void check_err(const char *s, uint32_t line, uint32_t col, const char *msg) {
  check_err_n(s, strlen(s), SBP_E_SYNTAX, line, col, msg);
}

static int setup(void **state) {
  (void)state;
  sbp__arena_init(&arena, sbp_alloc_default());
  return 0;
}
static int teardown(void **state) {
  (void)state;
  sbp__arena_release(&arena);
  return 0;
}

/* ---- lexical rules ----------------------------------------------------------------- */

static void test_empty_and_blanks(void **state) {
  (void)state;
  check("", "");
  check("   \n\t\r\n\v\f ", "");
  check("; only a comment", "");
  check("#! shebang line\n", "");
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(sbp__read(&arena, NULL, 0, NULL, 0, NULL, &top, &err), SBP_OK);
  assert_null(top);
  assert_int_equal(sbp__read(&arena, NULL, 3, NULL, 0, NULL, &top, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp__read(NULL, "x", 1, NULL, 0, NULL, &top, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp__read(&arena, "x", 1, NULL, 0, NULL, NULL, &err), SBP_E_INVALID_ARG);
}

static void test_lists_and_symbols(void **state) {
  (void)state;
  check("(version 1)", "(version 1)");
  check("(allow file-read* (subpath \"/usr\"))", "(allow file-read* (subpath \"/usr\"))");
  check("()", "()");
  check("(a)(b)", "(a) (b)");
  check("((a) ((b)))", "((a) ((b)))");
  /* case kept */
  check("(AF_INET SYS_open REGULAR-FILE Abc)", "(AF_INET SYS_open REGULAR-FILE Abc)");
  /* an atom runs until ( ) ; TAB LF CR SPACE; a quote does not end it */
  check("a\"b\"", "a\"b\"");
  check("a;c\nb", "a b");
  check("a\rb\tc(d)e", "a b c (d) e");
  check("a'b,c`d", "a'b,c`d");
  check("a#b", "a#b");
  /* \v and \f separate tokens but do not end an atom */
  check("a\vb \fc", "a\x0b" "b c");
  check("|x| @y {z} [w] \\v", "|x| @y {z} [w] \\v");
  check("foo.bar ... .. -", "foo.bar ... .. -");
}

static void test_numbers(void **state) {
  (void)state;
  check("0 47 -5 +7 007", "0 47 -5 7 7");
  check("9223372036854775807 -9223372036854775808", "9223372036854775807 -9223372036854775808");
  check("#x1F #xff", "31 255");
  check_err("#XFF", 1, 1, "undefined sharp expression");
  check("#o0004 #o777", "4 511");
  check("#b101 #b0", "5 0");
  check("#d10 #d-3 #d+4", "10 -3 4");
  check("1.5 -0.25 .5 +.5 1e3 1.e2 2E-3 1e+", "real:1.5 real:-0.25 real:.5 real:+.5 real:1e3 real:1.e2 real:2E-3 real:1e+");
  /* not numbers: symbols */
  check("+ - -. +a 1a 1.2.3 1e 1ee 1-", "+ - -. +a 1a 1.2.3 1e 1ee 1-");
  check_err("(a 9223372036854775808)", 1, 4, "integer out of range");
  check_err("#x10000000000000000", 1, 1, "integer out of range");
  check_err("#x", 1, 1, "undefined sharp expression");
  check_err("#o8", 1, 1, "undefined sharp expression");
  check_err("#b102", 1, 1, "undefined sharp expression");
  check_err(" #xG", 1, 2, "undefined sharp expression");
  check_err("#d1.5", 1, 1, "undefined sharp expression");
  check_err("#x-1", 1, 1, "undefined sharp expression");
}

static void test_booleans_and_chars(void **state) {
  (void)state;
  check("#t #f", "#t #f");
  check_err("#true", 1, 1, "undefined sharp expression");
  check_err("#T", 1, 1, "undefined sharp expression");
  check("#\\a #\\/ #\\A #\\space #\\SPACE #\\newline #\\tab #\\return #\\x41 #\\x #\\x7",
        "#\\x61 #\\x2f #\\x41 #\\x20 #\\x20 #\\x0a #\\x09 #\\x0d #\\x41 #\\x78 #\\x07");
  /* the first character after #\ is taken even when it is a delimiter */
  check("(#\\( #\\) #\\; #\\ )", "(#\\x28 #\\x29 #\\x3b #\\x20)");
  check("#\\\n", "#\\x0a");
  check_err("#\\ab", 1, 1, "undefined sharp expression");
  check_err("#\\xff", 1, 1, "undefined sharp expression");
  check_err("#\\xzz", 1, 1, "undefined sharp expression");
  check_err("#\\", 1, 1, "undefined sharp expression");
}

static void test_strings(void **state) {
  (void)state;
  check("\"abc\"", "\"abc\"");
  check("\"\"", "\"\"");
  check("\"a\\\"b\" \"a\\\\b\"", "\"a\\\"b\" \"a\\\\b\"");
  check("\"\\n\\t\\r\"", "\"\\n\\t\\r\"");
  check("\"\\x41\\x4a\\X4b\"", "\"AJK\"");
  check("\"\\101\\0\\7x\\08\\377\"", "\"A\\x00\\x07x\\x008\\xff\"");
  check("\"\\1\"", "\"\\x01\"");
  /* any other \c is c */
  check("\"\\.\\u0041\\a\\q\"", "\".u0041aq\"");
  /* a raw newline is kept */
  check("\"a\nb\"", "\"a\\nb\"");
  check("\"a\\\nb\"", "\"a\\nb\"");
  /* strings need no delimiter after them */
  check("\"a\"\"b\"x", "\"a\" \"b\" x");
  check("\"a\"(b)", "\"a\" (b)");
  /* UTF-8 passes through */
  check("\"caf\xc3\xa9\"", "\"caf\\xc3\\xa9\"");
  check_err("(a \"abc", 1, 4, "Error reading string");
  check_err("\"abc\\", 1, 1, "Error reading string");
  check_err("\n  \"a\\x4\"", 2, 5, "Error reading string: \\x needs two hex digits");
  check_err("\"a\n\\xg1\"", 2, 1, "Error reading string: \\x needs two hex digits");
  check_err("\"\\400\"", 1, 2, "Error reading string: octal escape above \\377");
}

static void test_raw_strings(void **state) {
  (void)state;
  check("#\"\\.plist$\"", "#\"\\\\.plist$\"");
  check("(regex #\"^/a\\.b$\")", "(regex #\"^/a\\\\.b$\")");
  check("#\"\"", "#\"\"");
  check("#\"a\nb\"x", "#\"a\\nb\" x");
  /* ends at the next quote, even after a backslash */
  check("#\"a\\\" b\"", "#\"a\\\\\" b\"");
  check_err("x #\"abc", 1, 3, "Error reading string");
  check_err("#\"abc\"#", 1, 7,
            "undefined sharp expression (a raw string #\"...\" ends at its first '\"'; "
            "#\"...\"# is not supported)");
}

static void test_quotes(void **state) {
  (void)state;
  check("'a `(b ,c ,@d)", "'a `(b ,c ,@d)");
  check_flags("'a", 0, "'a");
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(rd(S_("  'abc"), 0, NULL, &err), SBP_OK);
  assert_int_equal(top->type, SBP__D_LIST);
  assert_int_equal(top->count, 2);
  assert_int_equal(top->column, 3);
  assert_string_equal(top->first->text, "quote");
  assert_string_equal(top->first->next->text, "abc");
  assert_int_equal(top->first->next->column, 4);
  check("(quote a)", "(quote a)");
  check("' a", "'a");
  check("'''a", "'''a");
  check("'(a . b)", "'(a . b)");
  check_err("(a ')", 1, 5, "syntax error: unexpected ')'");
  check_err("(a '", 1, 4, "syntax error: expecting a datum after a quote mark");
  check_err("x\n ,@", 2, 2, "syntax error: expecting a datum after a quote mark");
}

static void test_dots_and_vectors(void **state) {
  (void)state;
  check("(a . b)", "(a . b)");
  check("(a b .\tc)", "(a b . c)");
  check("(a .\nc)", "(a . c)");
  check("(a .b)", "(a .b)");
  check("(a . (b))", "(a . (b))");
  check("#(1 a \"s\")", "#(1 a \"s\")");
  check("#()", "#()");
  check_err("(. a)", 1, 2, "syntax error: illegal dot expression");
  check_err("(a . b c)", 1, 8, "syntax error: illegal dot expression");
  check_err("(a . )", 1, 6, "syntax error: illegal dot expression");
  check_err("(a . . b)", 1, 6, "syntax error: illegal dot expression");
  check_err(". a", 1, 1, "syntax error: illegal dot expression");
  check_err("#(a . b)", 1, 5, "syntax error: illegal dot expression");
}

static void test_comments_kept(void **state) {
  (void)state;
  check_flags(";; head\n(a ; x\n b) ; tail\n#!sh\n", SBP__READ_COMMENTS,
              "[;; head] (a [; x] b) [; tail] [#!sh]");
  check_flags("(a 'b ;c\r\n)", SBP__READ_COMMENTS, "(a 'b [;c])");
  check_flags("' ;c\n x", SBP__READ_COMMENTS, "[;c] 'x");
  check_flags("(a . ;c\n b ;d\n)", SBP__READ_COMMENTS, "(a [;c] . b [;d])");
  check_flags("#(;v\n)", SBP__READ_COMMENTS, "#([;v])");
  check_flags(";", SBP__READ_COMMENTS, "[;]");
  sbp_error err = SBP_ERROR_INIT;
  const char *t = "(a) ; same line\n  ; own line\n\n\n(b\n\n c)";
  assert_int_equal(rd(t, strlen(t), SBP__READ_COMMENTS, NULL, &err), SBP_OK);
  const sbp__datum *d = top;
  assert_int_equal(d->flags & (SBP__DF_OWN_LINE | SBP__DF_BLANK_BEFORE), 0);
  d = d->next;
  assert_int_equal(d->type, SBP__D_COMMENT);
  assert_int_equal(d->flags & SBP__DF_OWN_LINE, 0);
  assert_string_equal(d->text, " same line");
  d = d->next;
  assert_int_equal(d->flags & SBP__DF_OWN_LINE, SBP__DF_OWN_LINE);
  assert_int_equal(d->flags & SBP__DF_BLANK_BEFORE, 0);
  assert_int_equal(d->line, 2);
  assert_int_equal(d->column, 3);
  d = d->next;
  assert_int_equal(d->flags & SBP__DF_BLANK_BEFORE, SBP__DF_BLANK_BEFORE);
  assert_int_equal(d->line, 5);
  assert_int_equal(d->first->next->flags & SBP__DF_BLANK_BEFORE, SBP__DF_BLANK_BEFORE);
  assert_int_equal(d->first->flags & SBP__DF_BLANK_BEFORE, 0);
  assert_null(d->next);
  assert_int_equal(d->count, 2);
  /* without the flag, no comment datum */
  assert_int_equal(rd(t, strlen(t), 0, NULL, &err), SBP_OK);
  assert_int_equal(top->next->type, SBP__D_LIST);
}

static void test_positions(void **state) {
  (void)state;
  sbp_error err = SBP_ERROR_INIT;
  const char *t = "(version 1)\n\n(allow\n\t\"a\nb\" #\"x\ny\" sym)";
  assert_int_equal(rd(t, strlen(t), 0, NULL, &err), SBP_OK);
  const sbp__datum *v = top, *a = top->next;
  assert_string_equal(v->file, "t.sb");
  assert_int_equal(v->line, 1);
  assert_int_equal(v->column, 1);
  assert_int_equal(v->offset, 0);
  assert_int_equal(v->first->next->column, 10);
  assert_int_equal(a->line, 3);
  assert_int_equal(a->flags & SBP__DF_BLANK_BEFORE, SBP__DF_BLANK_BEFORE);
  const sbp__datum *s = a->first->next;
  assert_int_equal(s->line, 4);
  assert_int_equal(s->column, 2);
  assert_int_equal(s->offset, 21);
  const sbp__datum *r = s->next;
  assert_int_equal(r->line, 5);
  assert_int_equal(r->column, 4);
  assert_int_equal(r->next->line, 6);
  assert_int_equal(r->next->column, 4);
  assert_int_equal(a->count, 4);
  /* spans */
  assert_int_equal(sbp__datum_span(t, strlen(t), s), 5);
  assert_int_equal(sbp__datum_span(t, strlen(t), r), 6);
  assert_int_equal(sbp__datum_span(t, strlen(t), r->next), 3);
  assert_int_equal(sbp__datum_span(t, strlen(t), a), 1);
  const char *u = "#\\( #o17 ,@x \"a\\\"b\" #(1)";
  assert_int_equal(rd(u, strlen(u), 0, NULL, &err), SBP_OK);
  size_t want[] = {3, 4, 2, 6, 2};
  size_t i = 0;
  for (const sbp__datum *d = top; d; d = d->next) assert_int_equal(sbp__datum_span(u, strlen(u), d), want[i++]);
  /* spans over a text cut short inside the datum (as a caller holding part of it asks) */
  const char *w = "\"ab\\\"c\" #\"xy\" #\\space";
  assert_int_equal(rd(w, strlen(w), 0, NULL, &err), SBP_OK);
  const sbp__datum *str = top, *raw = top->next, *chr = top->next->next;
  assert_int_equal(sbp__datum_span(w, strlen(w), str), 7);
  assert_int_equal(sbp__datum_span(w, 3, str), 3);  /* no closing quote */
  assert_int_equal(sbp__datum_span(w, 4, str), 4);  /* cut after the backslash */
  assert_int_equal(sbp__datum_span(w, strlen(w), raw), 5);
  assert_int_equal(sbp__datum_span(w, raw->offset + 2, raw), 2);
  assert_int_equal(sbp__datum_span(w, raw->offset + 1, raw), 1);
  assert_int_equal(sbp__datum_span(w, strlen(w), chr), 7);
  assert_int_equal(sbp__datum_span(w, chr->offset + 1, chr), 1);
  assert_int_equal(sbp__datum_span(w, chr->offset + 2, chr), 2);
  assert_int_equal(sbp__datum_span(NULL, 5, str), 0);
  assert_int_equal(sbp__datum_span(w, chr->offset, chr), 0);
  /* no file */
  assert_int_equal(sbp__read(&arena, "x", 1, NULL, 0, NULL, &top, &err), SBP_OK);
  assert_null(top->file);
  assert_int_equal(sbp__read(&arena, ")", 1, NULL, 0, NULL, &top, &err), SBP_E_SYNTAX);
  assert_string_equal(err.file, "");
}

/* ---- errors ------------------------------------------------------------------------ */

static void test_errors(void **state) {
  (void)state;
  check_err(")", 1, 1, "syntax error: unexpected ')'");
  check_err("(a))", 1, 4, "syntax error: unexpected ')'");
  check_err("(version 1)\n(allow (literal \"/x\")", 2, 1, "syntax error: expecting ')'");
  check_err("(a (b\n(c)", 1, 1, "syntax error: expecting ')'");
  check_err("'(a", 1, 2, "syntax error: expecting ')'");
  check_err("#(a", 1, 1, "syntax error: expecting ')'");
  check_err("\n  #| block |#", 2, 3,
            "undefined sharp expression (block comments #|...|# are not supported)");
  check_err("(a #;(b) c)", 1, 4,
            "undefined sharp expression (datum comments #; are not supported)");
  check_err("#include \"x.sb\"", 1, 1, "undefined sharp expression");
  check_err("(a)\n#if ENABLE(X)\n", 2, 1, "undefined sharp expression");
  check_err("#define X y", 1, 1, "undefined sharp expression");
  check_err("#", 1, 1, "undefined sharp expression");
  check_err("# t", 1, 1, "undefined sharp expression");
  check_err("#)", 1, 1, "undefined sharp expression");
  check_err_n("(a \0 b)", 7, SBP_E_SYNTAX, 1, 4, "NUL byte in the text");
  check_err_n("(a\n\n\"x\0\")", 9, SBP_E_SYNTAX, 3, 3, "NUL byte in the text");
  check_err_n("; c\0", 4, SBP_E_SYNTAX, 1, 4, "NUL byte in the text");
  /* err may be NULL */
  assert_int_equal(rd(")", 1, 0, NULL, NULL), SBP_E_SYNTAX);
  assert_int_equal(rd("(", 1, 0, NULL, NULL), SBP_E_SYNTAX);
}

/* ---- limits ------------------------------------------------------------------------ */

static void test_limits(void **state) {
  (void)state;
  size_t n = 100000;
  char *deep = malloc(2 * n + 1);
  assert_non_null(deep);
  memset(deep, '(', n);
  memset(deep + n, ')', n);
  deep[2 * n] = '\0';
  sbp_error err = SBP_ERROR_INIT;
  assert_int_equal(rd(deep, 2 * n, 0, NULL, &err), SBP_E_LIMIT);
  /* it stopped at the limit: the 10,001st parenthesis, not the end of the text */
  assert_int_equal(err.offset, 10000);
  assert_string_equal(err.message, "nesting deeper than 10000 levels");
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 10001);
  /* quote marks nest too */
  memset(deep, '\'', n);
  deep[n] = 'x';
  assert_int_equal(rd(deep, n + 1, 0, NULL, &err), SBP_E_LIMIT);
  assert_int_equal(err.column, 10001);
  /* a raised limit reads it all */
  sbp__read_limits lim = {200000, 0, 0};
  memset(deep, '(', n);
  memset(deep + n, ')', n);
  assert_int_equal(rd(deep, 2 * n, 0, &lim, &err), SBP_OK);
  /* lower limits */
  lim = (sbp__read_limits){3, 4, 5};
  assert_int_equal(rd("(((a)))", 7, 0, &lim, &err), SBP_OK);
  assert_int_equal(rd("((((a))))", 9, 0, &lim, &err), SBP_E_LIMIT);
  assert_int_equal(err.column, 4);
  assert_int_equal(rd("\"abcd\" #\"abcd\" abcd", 19, 0, &lim, &err), SBP_OK);
  assert_int_equal(rd("(x \"abcde\")", 11, 0, &lim, &err), SBP_E_LIMIT);
  assert_string_equal(err.message, "string longer than 4 bytes");
  assert_int_equal(err.column, 4);
  assert_int_equal(rd("\"ab\\x41c\"", 9, 0, &lim, &err), SBP_OK);
  assert_int_equal(rd("\"ab\\x41cd\"", 10, 0, &lim, &err), SBP_E_LIMIT);
  assert_int_equal(rd("#\"abcde\"", 8, 0, &lim, &err), SBP_E_LIMIT);
  assert_int_equal(rd("abcde", 5, 0, &lim, &err), SBP_E_LIMIT);
  assert_string_equal(err.message, "symbol or number longer than 4 bytes");
  assert_int_equal(rd("a b c d e", 9, 0, &lim, &err), SBP_OK);
  assert_int_equal(rd("a b c d e f", 11, 0, &lim, &err), SBP_E_LIMIT);
  assert_string_equal(err.message, "more than 5 datums in one text");
  assert_int_equal(err.column, 11);
  assert_int_equal(rd("a b c d e ;f", 12, SBP__READ_COMMENTS, &lim, &err), SBP_E_LIMIT);
  assert_int_equal(rd("'a 'b 'c", 8, 0, &lim, &err), SBP_E_LIMIT);
  free(deep);
}

/* ---- allocation failures ----------------------------------------------------------- */

static const char alloc_text[] =
    ";; comment\n(version 1)\n(deny default)\n(allow file-read* (subpath \"/usr\")\n"
    "  (regex #\"^/a\\.b$\") (literal \"a\\x41\"))\n'(a . b) #(1 2) `(,x ,@y)\n";

/* alloc_text followed by 100 nested lists, deep enough that the frame stack has to grow;
 * returns its length (out holds DEEP_ALLOC_TEXT bytes). */
#define DEEP_ALLOC_TEXT (sizeof(alloc_text) - 1 + 200)
static size_t deep_alloc_text(char *out) {
  memcpy(out, alloc_text, sizeof(alloc_text) - 1);
  memset(out + sizeof(alloc_text) - 1, '(', 100);
  memset(out + sizeof(alloc_text) - 1 + 100, ')', 100);
  return DEEP_ALLOC_TEXT;
}

static int read_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp__arena a;
  sbp__arena_init(&a, alloc);
  sbp__datum *d = NULL;
  sbp_error err = SBP_ERROR_INIT;
  char text[DEEP_ALLOC_TEXT];
  int rc = sbp__read(&a, text, deep_alloc_text(text), "f.sb", SBP__READ_COMMENTS, NULL, &d,
                     &err);
  if (rc == SBP_OK) {
    int eq = 0;
    rc = sbp__datum_equal(alloc, d, d, &eq);
    if (rc == SBP_OK && !eq) rc = SBP_E_ASSERT;
  } else if (rc == SBP_E_NOMEM) {
    assert_string_equal(err.message, "out of memory");
  }
  sbp__arena_release(&a);
  return rc;
}

static void test_alloc_failures(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(read_op, NULL) > 0);
}

/* ---- equality ---------------------------------------------------------------------- */

static int equal_texts(const char *x, const char *y) {
  sbp__arena a, b;
  sbp__arena_init(&a, sbp_alloc_default());
  sbp__arena_init(&b, sbp_alloc_default());
  sbp__datum *dx, *dy;
  assert_int_equal(sbp__read(&a, x, strlen(x), NULL, SBP__READ_COMMENTS, NULL, &dx, NULL), SBP_OK);
  assert_int_equal(sbp__read(&b, y, strlen(y), NULL, 0, NULL, &dy, NULL), SBP_OK);
  int eq = -1;
  assert_int_equal(sbp__datum_equal(sbp_alloc_default(), dx, dy, &eq), SBP_OK);
  sbp__arena_release(&a);
  sbp__arena_release(&b);
  return eq;
}

/* ---- one top-level datum at a time ------------------------------------------------ */

typedef struct each_log {
  dbuf b;
  size_t calls, stop_at, max_bytes;
  sbp__arena *arena;
} each_log;

static int log_each(void *payload, const sbp__datum *d, sbp__reader *reader) {
  (void)reader;
  each_log *l = payload;
  assert_null(d->next);
  if (l->calls++) puts_(&l->b, " | ");
  dump(&l->b, d);
  if (l->arena->bytes > l->max_bytes) l->max_bytes = l->arena->bytes;
  return l->calls == l->stop_at ? SBP_E_EVAL : SBP_OK;
}

static void test_read_each(void **state) {
  (void)state;
  sbp__arena a;
  sbp__arena_init(&a, sbp_alloc_default());
  each_log l;
  memset(&l, 0, sizeof(l));
  l.arena = &a;
  const char *t = "(a \"s\" 1) ; c\n'x #(v) (b . c) 42";
  assert_int_equal(sbp__read_each(&a, t, strlen(t), "t.sb", NULL, log_each, &l, NULL), SBP_OK);
  assert_int_equal(l.calls, 5);
  assert_string_equal(l.b.s, "(a \"s\" 1) | 'x | #(v) | (b . c) | 42");
  /* a nonzero return stops reading and is returned */
  memset(&l, 0, sizeof(l));
  l.arena = &a;
  l.stop_at = 2;
  assert_int_equal(sbp__read_each(&a, t, strlen(t), "t.sb", NULL, log_each, &l, NULL),
                   SBP_E_EVAL);
  assert_int_equal(l.calls, 2);
  /* errors come when reading reaches them, after the forms before them */
  memset(&l, 0, sizeof(l));
  l.arena = &a;
  sbp_error err = SBP_ERROR_INIT;
  const char *bad = "(a)\n(b";
  assert_int_equal(sbp__read_each(&a, bad, strlen(bad), "t.sb", NULL, log_each, &l, &err),
                   SBP_E_SYNTAX);
  assert_int_equal(l.calls, 1);
  assert_int_equal(err.line, 2);
  assert_string_equal(err.message, "syntax error: expecting ')'");
  /* arguments: an arena, a callback and (with a length) a text are required */
  assert_int_equal(sbp__read_each(NULL, "x", 1, "t.sb", NULL, log_each, &l, &err),
                   SBP_E_INVALID_ARG);
  assert_string_equal(err.message, "read: arena, each and text are required");
  assert_int_equal(sbp__read_each(&a, "x", 1, "t.sb", NULL, NULL, &l, &err), SBP_E_INVALID_ARG);
  assert_int_equal(sbp__read_each(&a, NULL, 1, "t.sb", NULL, log_each, &l, &err),
                   SBP_E_INVALID_ARG);
  size_t before = l.calls;
  assert_int_equal(sbp__read_each(&a, NULL, 0, "t.sb", NULL, log_each, &l, &err), SBP_OK);
  assert_int_equal(l.calls, before);
  /* memory stays that of one datum: 20,000 forms of 200 bytes fit in one arena chunk */
  size_t n = 20000;
  char *big = malloc(n * 200 + 1);
  size_t off = 0;
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(big + off, 201, "(allow file-read* (literal \"/%0150zu\"))\n", i);
  sbp__arena_release(&a);
  memset(&l, 0, sizeof(l));
  l.arena = &a;
  assert_int_equal(sbp__read_each(&a, big, off, "t.sb", NULL, log_each, &l, NULL), SBP_OK);
  assert_int_equal(l.calls, n);
  assert_true(l.max_bytes <= 65536 + 1024);
  free(big);
  assert_int_equal(sbp__read_each(NULL, "x", 1, NULL, NULL, log_each, &l, NULL),
                   SBP_E_INVALID_ARG);
  assert_int_equal(sbp__read_each(&a, "x", 1, NULL, NULL, NULL, &l, NULL), SBP_E_INVALID_ARG);
  sbp__arena_release(&a);
}

/* From the first top-level datum: reads the rest with sbp__read_check_rest and stops with
 * its result. */
typedef struct rest_log {
  size_t calls;
  int checked;
  sbp__datum vector;
} rest_log;

static int check_at_first(void *payload, const sbp__datum *d, sbp__reader *reader) {
  (void)d;
  rest_log *l = payload;
  if (l->calls++ > 0 || l->checked) return SBP_OK;
  l->checked = 1;
  return sbp__read_check_rest(reader, &l->vector);
}

/* Checking the rest of a text finds each error a whole read finds, with the same code,
 * position and message. */
static void test_check_rest_errors(void **state) {
  (void)state;
  static const char *const texts[] = {
      "(a)\n)",
      "(a)\n(b (c)",
      "(a)\n(b\n  (c)",
      "(a)\n'(",
      "(a) '",
      "(a)\n\n  #| x |#",
      "(a)\n(b #;(c))",
      "(a)\n(b . c d)",
      "(a)\n(b . \"s\" 1)",
      "(a)\n(b . \"x\ny\" z)",
      "(a)\n(b . c (d))",
      "(a)\n(b . c 'd)",
      "(a)\n(b . )",
      "(a)\n(. b)",
      "(a)\n#\"x\"#",
      "(a)\n\"unterminated",
      "(a)\n\"bad \\x4\"",
      "(a)\n\"bad \\777\"",
      "(a)\n#x",
      "(a)\n#xfffffffffffffffff",
      "(a)\n99999999999999999999",
      "(a)\n#\\nope",
      "(a)\n#zz",
      "(a)\n(b (c) 'd",
      "(a) ((((x))))",
      "(a) \"abcde\"",
      "(a) \"ab\\x41cd\"",
      "(a) #\"abcde\"",
      "(a) abcde",
      "(a) b c d e",
      "(a) 'b 'c",
  };
  sbp__read_limits lim = {3, 4, 5};
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    const char *t = texts[i];
    sbp_error whole = SBP_ERROR_INIT, rest = SBP_ERROR_INIT;
    int want = rd(t, strlen(t), 0, &lim, &whole);
    if (want == SBP_OK) fail_msg("text %zu reads without error", i);
    sbp__arena a;
    sbp__arena_init(&a, sbp_alloc_default());
    rest_log l = {0, 0, {0}};
    int got = sbp__read_each(&a, t, strlen(t), "t.sb", &lim, check_at_first, &l, &rest);
    sbp__arena_release(&a);
    if (!l.checked) fail_msg("text %zu: the first datum was not handed over", i);
    if (got != want || rest.line != whole.line || rest.column != whole.column ||
        rest.offset != whole.offset || strcmp(rest.message, whole.message) != 0)
      fail_msg("text %zu: the rest gave %d %u:%u@%zu '%s', the whole %d %u:%u@%zu '%s'", i,
               got, rest.line, rest.column, rest.offset, rest.message, want, whole.line,
               whole.column, whole.offset, whole.message);
    assert_int_equal(l.calls, 1);
  }
}

/* A rest without errors: SBP_OK, its first vector, and reading goes on where it stood. */
static void test_check_rest_ok(void **state) {
  (void)state;
  sbp__arena a;
  sbp__arena_init(&a, sbp_alloc_default());
  const char *t = "(a) (b #(c) #(d))\n#(e) \"s\" x";
  rest_log l = {0, 0, {0}};
  assert_int_equal(sbp__read_each(&a, t, strlen(t), "t.sb", NULL, check_at_first, &l, NULL),
                   SBP_OK);
  assert_int_equal(l.calls, 5);
  assert_int_equal(l.vector.type, SBP__D_VECTOR);
  assert_int_equal(l.vector.line, 1);
  assert_int_equal(l.vector.column, 8);
  assert_int_equal(l.vector.offset, 7);
  assert_string_equal(l.vector.file, "t.sb");
  /* a vector in the datum handed over is not in the rest */
  const char *u = "#(a) (b) c";
  memset(&l, 0, sizeof(l));
  assert_int_equal(sbp__read_each(&a, u, strlen(u), "t.sb", NULL, check_at_first, &l, NULL),
                   SBP_OK);
  assert_int_equal(l.calls, 3);
  assert_int_equal(l.vector.line, 0);
  /* nothing after the last datum */
  memset(&l, 0, sizeof(l));
  assert_int_equal(sbp__read_each(&a, "(a)", 3, "t.sb", NULL, check_at_first, &l, NULL),
                   SBP_OK);
  assert_int_equal(l.vector.line, 0);
  /* it keeps nothing: the arena stands where it stood */
  size_t n = 2000;
  char *big = malloc(n * 40 + 8);
  size_t off = (size_t)snprintf(big, 8, "(a)\n");
  for (size_t i = 0; i < n; i++) off += (size_t)snprintf(big + off, 41, "(allow file-read* (literal \"/%06zu\"))\n", i);
  memset(&l, 0, sizeof(l));
  sbp__arena_release(&a);
  assert_int_equal(sbp__read_each(&a, big, off, "t.sb", NULL, check_at_first, &l, NULL),
                   SBP_OK);
  assert_int_equal(l.calls, n + 1);
  assert_true(a.bytes <= 65536 + 1024);
  free(big);
  sbp__arena_release(&a);
}

/* Checking the rest under allocation failures: SBP_OK or SBP_E_NOMEM, nothing left live. */
static int check_rest_op(const sbp_alloc *alloc, void *ctx) {
  (void)ctx;
  sbp__arena a;
  sbp__arena_init(&a, alloc);
  char text[DEEP_ALLOC_TEXT];
  rest_log l = {0, 0, {0}};
  int rc = sbp__read_each(&a, text, deep_alloc_text(text), "f.sb", NULL, check_at_first, &l,
                          NULL);
  if (rc == SBP_OK && (!l.checked || l.vector.line != 6)) rc = SBP_E_ASSERT;
  sbp__arena_release(&a);
  return rc;
}

static void test_check_rest_alloc_failures(void **state) {
  (void)state;
  assert_true(test_alloc_exhaust(check_rest_op, NULL) > 0);
}

/* The arena's rollback frees what was allocated since the mark, big chunks included. */
static void test_arena_rollback(void **state) {
  (void)state;
  sbp__arena a;
  sbp__arena_init(&a, sbp_alloc_default());
  sbp__arena_mark m0;
  sbp__arena_mark_set(&a, &m0);
  char *x = sbp__arena_strndup(&a, "keep", 4);
  size_t b1 = a.bytes;
  sbp__arena_mark m;
  sbp__arena_mark_set(&a, &m);
  for (int i = 0; i < 100; i++) assert_non_null(sbp__arena_alloc(&a, 1000));
  assert_non_null(sbp__arena_alloc(&a, 100000)); /* a chunk of its own */
  assert_true(a.bytes > b1);
  sbp__arena_rollback(&a, &m);
  assert_int_equal(a.bytes, b1);
  assert_string_equal(x, "keep");
  /* a big chunk placed behind the marked one is freed too */
  assert_non_null(sbp__arena_alloc(&a, 100000));
  sbp__arena_rollback(&a, &m);
  assert_int_equal(a.bytes, b1);
  char *y = sbp__arena_alloc(&a, 16);
  assert_true(y == x + 16);
  sbp__arena_rollback(&a, &m0);
  assert_int_equal(a.bytes, 0);
  assert_null(a.head);
  sbp__arena_release(&a);
}

static void test_equality(void **state) {
  (void)state;
  assert_int_equal(equal_texts("(a ;c\n \"x\" 1)", "(a #\"x\" #d1)"), 1);
  assert_int_equal(equal_texts("'a", "(quote a)"), 1);
  assert_int_equal(equal_texts("(a . b)", "(a b)"), 0);
  assert_int_equal(equal_texts("(ab)", "(ac)"), 0); /* same length, other text */
  assert_int_equal(equal_texts("(f 1)", "(f 2)"), 0);
  assert_int_equal(equal_texts("(f #t)", "(f #t)"), 1);
  assert_int_equal(equal_texts("(a b)", "(a b c)"), 0);
  assert_int_equal(equal_texts("(a (b))", "(a (b) c)"), 0);
  assert_int_equal(equal_texts("1.5", "1.50"), 0);
  assert_int_equal(equal_texts("#(a)", "(a)"), 0);
  assert_int_equal(equal_texts("#\\a", "97"), 0);
  assert_int_equal(equal_texts("", ";x"), 1);
}

/* ---- the corpus -------------------------------------------------------------------- */

static void test_corpus(void **state) {
  (void)state;
  const char *dir = getenv("SBPROFILE_CORPUS");
  char path[4096];
  snprintf(path, sizeof(path), "%s/MANIFEST.tsv", dir ? dir : "");
  size_t mlen;
  char *manifest = dir ? test_read_file(path, &mlen) : NULL;
  if (manifest == NULL) {
    print_message("corpus not found (SBPROFILE_CORPUS=%s): skipping\n", dir ? dir : "(unset)");
    skip();
    return;
  }
  manifest[mlen] = '\0';
  size_t ok = 0, invalid_rejected = 0, invalid_read = 0, preproc = 0, bytes = 0;
  char *next = strchr(manifest, '\n'); /* skip the header */
  for (char *line = next ? next + 1 : NULL; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *fields[8] = {0};
    size_t nf = 0;
    for (char *p = line; nf < 8;) {
      fields[nf++] = p;
      char *tab = strchr(p, '\t');
      if (tab == NULL) break;
      *tab = '\0';
      p = tab + 1;
    }
    if (nf < 7) continue;
    const char *file = fields[0], *kind = fields[6];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    size_t len;
    char *text = test_read_file(path, &len);
    assert_non_null(text);
    sbp__arena a;
    sbp__arena_init(&a, sbp_alloc_default());
    sbp__datum *d;
    sbp_error err = SBP_ERROR_INIT;
    int rc = sbp__read(&a, text, len, file, 0, NULL, &d, &err);
    bytes += len;
    if (strcmp(kind, "fixture-invalid") == 0) {
      if (rc == SBP_OK) {
        invalid_read++;
        print_message("fixture-invalid but lexically valid (left to the evaluator): %s\n", file);
      } else {
        invalid_rejected++;
        assert_int_equal(rc, SBP_E_SYNTAX);
        assert_true(err.line > 0 && err.column > 0);
        print_message("fixture-invalid rejected: %s:%u:%u: %s\n", err.file, err.line, err.column,
                      err.message);
      }
    } else if (rc != SBP_OK) {
      /* Only C preprocessor lines (WebKit) and #| (a fixture of a toolchain that accepts
       * block comments) may fail, at a '#' that starts its line. */
      size_t o = err.offset;
      int at_line_start = o < len && text[o] == '#' && (o == 0 || text[o - 1] == '\n');
      if (!at_line_start || rc != SBP_E_SYNTAX || err.column != 1)
        fail_msg("%s: %s:%u:%u: %s", file, err.file, err.line, err.column, err.message);
      preproc++;
      print_message("rejected as libsandbox would: %s:%u:%u: %s\n", err.file, err.line,
                    err.column, err.message);
    } else {
      ok++;
      /* a released arena reads it again (speed is measured in bench/bench_read) */
      sbp__arena_release(&a);
      assert_int_equal(sbp__read(&a, text, len, file, 0, NULL, &d, &err), SBP_OK);
    }
    sbp__arena_release(&a);
    free(text);
  }
  free(manifest);
  print_message("corpus: %zu read, %zu rejected at a '#' line (preprocessor or #|), "
                "fixture-invalid: %zu rejected, %zu lexically valid; %zu bytes\n",
                ok, preproc, invalid_rejected, invalid_read, bytes);
  assert_true(ok > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_and_blanks), cmocka_unit_test(test_lists_and_symbols),
      cmocka_unit_test(test_numbers),          cmocka_unit_test(test_booleans_and_chars),
      cmocka_unit_test(test_strings),          cmocka_unit_test(test_raw_strings),
      cmocka_unit_test(test_quotes),           cmocka_unit_test(test_dots_and_vectors),
      cmocka_unit_test(test_comments_kept),    cmocka_unit_test(test_positions),
      cmocka_unit_test(test_errors),           cmocka_unit_test(test_limits),
      cmocka_unit_test(test_alloc_failures),   cmocka_unit_test(test_equality),
      cmocka_unit_test(test_read_each),        cmocka_unit_test(test_check_rest_errors),
      cmocka_unit_test(test_check_rest_ok),    cmocka_unit_test(test_check_rest_alloc_failures),
      cmocka_unit_test(test_arena_rollback),
      cmocka_unit_test(test_corpus),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
