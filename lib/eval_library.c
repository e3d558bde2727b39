/* The procedures of TinyScheme 1.38's init.scm (which libsandbox loads before the SBPL
 * library), as Apple's 10.15 copy has them, and the helpers of the 10.15 SBPL library that
 * are plain Scheme over its filters: written here in Scheme, each made into a closure
 * the first time a profile names it, so a profile that names none pays nothing. The names
 * of init.scm that need what the evaluator does not model (continuations, ports, vectors,
 * mutable strings, inexact numbers) are listed apart, for an error that says so. */
#include <string.h>

#include "eval_convert.h"
#include "eval_library.h"

static const sbp__library_def LIBRARY[] = {
    /* the c[ad]r compositions of three and four steps the machine lacks */
    {"caaar", "(lambda (x) (car (car (car x))))"},
    {"cadar", "(lambda (x) (car (cdr (car x))))"},
    {"cdaar", "(lambda (x) (cdr (car (car x))))"},
    {"cdadr", "(lambda (x) (cdr (car (cdr x))))"},
    {"cddar", "(lambda (x) (cdr (cdr (car x))))"},
    {"caaaar", "(lambda (x) (car (car (car (car x)))))"},
    {"caaadr", "(lambda (x) (car (car (car (cdr x)))))"},
    {"caadar", "(lambda (x) (car (car (cdr (car x)))))"},
    {"caaddr", "(lambda (x) (car (car (cdr (cdr x)))))"},
    {"cadaar", "(lambda (x) (car (cdr (car (car x)))))"},
    {"cadadr", "(lambda (x) (car (cdr (car (cdr x)))))"},
    {"caddar", "(lambda (x) (car (cdr (cdr (car x)))))"},
    {"cdaaar", "(lambda (x) (cdr (car (car (car x)))))"},
    {"cdaadr", "(lambda (x) (cdr (car (car (cdr x)))))"},
    {"cdadar", "(lambda (x) (cdr (car (cdr (car x)))))"},
    {"cdaddr", "(lambda (x) (cdr (car (cdr (cdr x)))))"},
    {"cddaar", "(lambda (x) (cdr (cdr (car (car x)))))"},
    {"cddadr", "(lambda (x) (cdr (cdr (car (cdr x)))))"},
    {"cdddar", "(lambda (x) (cdr (cdr (cdr (car x)))))"},
    /* numbers: the evaluator's numbers are exact integers */
    {"exact?", "(lambda (n) (integer? n))"},
    {"inexact?", "(lambda (n) (not (exact? n)))"},
    {"complex?", "(lambda (x) (number? x))"},
    {"rational?", "(lambda (x) (number? x))"},
    {"<>", "(lambda (a b) (not (= a b)))"},
    {"succ", "(lambda (n) (+ n 1))"},
    {"pred", "(lambda (n) (- n 1))"},
    {"gcd", "(lambda (a b) (if (= b 0) (abs a) (gcd b (remainder a b))))"},
    {"lcm", "(lambda (a b) (if (or (= a 0) (= b 0)) 0 (abs (* (quotient a (gcd a b)) b))))"},
    /* characters and strings */
    {"string", "(lambda chars (list->string chars))"},
    {"char-downcase",
     "(lambda (c) (let ((n (char->integer c)))"
     " (if (and (>= n 65) (<= n 90)) (integer->char (+ n 32)) c)))"},
    {"char-upcase",
     "(lambda (c) (let ((n (char->integer c)))"
     " (if (and (>= n 97) (<= n 122)) (integer->char (- n 32)) c)))"},
    {"char-cmp?", "(lambda (cmp a b) (cmp (char->integer a) (char->integer b)))"},
    {"char-ci-cmp?",
     "(lambda (cmp a b) (cmp (char->integer (char-downcase a)) (char->integer (char-downcase b))))"},
    {"char<?", "(lambda (a b) (char-cmp? < a b))"},
    {"char>?", "(lambda (a b) (char-cmp? > a b))"},
    {"char<=?", "(lambda (a b) (char-cmp? <= a b))"},
    {"char>=?", "(lambda (a b) (char-cmp? >= a b))"},
    {"char-ci=?", "(lambda (a b) (char-ci-cmp? = a b))"},
    {"char-ci<?", "(lambda (a b) (char-ci-cmp? < a b))"},
    {"char-ci>?", "(lambda (a b) (char-ci-cmp? > a b))"},
    {"char-ci<=?", "(lambda (a b) (char-ci-cmp? <= a b))"},
    {"char-ci>=?", "(lambda (a b) (char-ci-cmp? >= a b))"},
    /* (string-cmp? chcmp cmp a b): compares a and b character by character with chcmp, and
     * gives cmp's answer on the first difference (a shorter prefix is smaller) */
    {"string-cmp?",
     "(lambda (chcmp cmp a b)"
     " (let ((na (string-length a)) (nb (string-length b)))"
     "  (let loop ((i 0))"
     "   (cond ((= i na) (if (= i nb) (cmp 0 0) (cmp 0 1)))"
     "         ((= i nb) (cmp 1 0))"
     "         ((chcmp = (string-ref a i) (string-ref b i)) (loop (+ i 1)))"
     "         (else (chcmp cmp (string-ref a i) (string-ref b i)))))))"},
    {"string-ci<?", "(lambda (a b) (string-cmp? char-ci-cmp? < a b))"},
    {"string-ci>?", "(lambda (a b) (string-cmp? char-ci-cmp? > a b))"},
    {"string-ci<=?", "(lambda (a b) (string-cmp? char-ci-cmp? <= a b))"},
    {"string-ci>=?", "(lambda (a b) (string-cmp? char-ci-cmp? >= a b))"},
    {"string->anyatom",
     "(lambda (str pred) (let ((a (or (string->number str) (string->symbol str))))"
     " (if (pred a) a (error \"string->xxx: not a xxx\" a))))"},
    {"anyatom->string",
     "(lambda (n pred) (if (pred n)"
     " (cond ((number? n) (number->string n)) ((symbol? n) (symbol->string n))"
     "       ((string? n) n) (else (error \"xxx->string: not a xxx\" n)))"
     " (error \"xxx->string: not a xxx\" n)))"},
    /* lists; TinyScheme's foldr folds from the left: (f (f x e1) e2) ... */
    {"foldr", "(lambda (f x lst) (if (null? lst) x (foldr f (f x (car lst)) (cdr lst))))"},
    {"unzip1-with-cdr", "(lambda lists (unzip1-with-cdr-iterative lists '() '()))"},
    {"unzip1-with-cdr-iterative",
     "(lambda (lists cars cdrs) (if (null? lists) (cons cars cdrs)"
     " (unzip1-with-cdr-iterative (cdr lists) (append cars (list (caar lists)))"
     "  (append cdrs (list (cdar lists))))))"},
    {"partition",
     "(lambda (pred lst) (let loop ((l lst) (in '()) (out '()))"
     " (cond ((null? l) (list (reverse in) (reverse out)))"
     "       ((pred (car l)) (loop (cdr l) (cons (car l) in) out))"
     "       (else (loop (cdr l) in (cons (car l) out))))))"},
    {"last-pair", "(lambda (x) (if (pair? (cdr x)) (last-pair (cdr x)) x))"},
    /* streams: (delay x) is evaluated at once here, so a stream's tail is already forced */
    {"head", "(lambda (stream) (car stream))"},
    {"tail", "(lambda (stream) (cdr stream))"},
    {"force", "(lambda (p) p)"},
    {"atom?", "(lambda (x) (not (pair? x)))"},
    {"vector-equal?", "(lambda (x y) #f)"}, /* no value here is a vector */
    {"generic-member",
     "(lambda (cmp obj lst) (cond ((null? lst) #f) ((cmp obj (car lst)) lst)"
     " (else (generic-member cmp obj (cdr lst)))))"},
    {"generic-assoc",
     "(lambda (cmp obj alst) (cond ((null? alst) #f) ((cmp obj (caar alst)) (car alst))"
     " (else (generic-assoc cmp obj (cdr alst)))))"},
    {"acons", "(lambda (x y z) (cons (cons x y) z))"},

    /* the helpers of the 10.15 SBPL library (sbpl1.scm) not defined elsewhere */
    {"tty", "(lambda () (vnode-type TTY))"},
    {"debug-mode", "(lambda () (system-attribute sandbox-debug-mode))"},
    {"process-is-plugin", "(lambda () (process-attribute is-plugin))"},
    {"process-is-installer", "(lambda () (process-attribute is-installer))"},
    /* the extension classes the library names *ios-sandbox-container* and so on (set by
     * libsandbox's C code): the class names compiled iOS container profiles are known to
     * carry, not checked against a 10.15 libsandbox */
    {"container", "(lambda () (extension \"com.apple.sandbox.container\"))"},
    {"application-group", "(lambda () (extension \"com.apple.sandbox.application-group\"))"},
    {"system-container", "(lambda () (extension \"com.apple.sandbox.system-container\"))"},
    {"system-group", "(lambda () (extension \"com.apple.sandbox.system-group\"))"},
    {"executable-bundle", "(lambda () (extension \"com.apple.sandbox.executable\"))"},
    {"eliminate-duplicate-rules", "(lambda ())"},
    {"record", "(lambda (path))"},
    /* (define-storage-class NAME FILTER): a storage-class-map rule; a name once only */
    {"%storage-class-names", "'()"},
    {"define-storage-class",
     "(lambda (name filter) (if (member name %storage-class-names)"
     " (error (string-append \"storage class \\\"\" name \"\\\" multiply defined\") name)"
     " (begin (set! %storage-class-names (cons name %storage-class-names))"
     "  (allow (with assign-storage-class name) storage-class-map filter))))"},
};

/* init.scm's names that need what the evaluator does not model. */
static const char *const UNMODELLED[] = {
    "call/cc", "call-with-current-continuation", "define-with-return", "macro-expand",
    "*handlers*", "push-handler", "pop-handler", "more-handlers?", "throw", "catch",
    "*error-hook*", "make-environment", "*colon-hook*", "input-output-port?", "close-port",
    "call-with-input-file", "call-with-output-file", "with-input-from-file",
    "with-output-to-file", "with-input-output-from-to-files", "*seed*", "random-next",
    "*features*", "cond-expand-runtime", "cond-eval-and", "cond-eval-or", "cond-eval",
    "string-fill!", "list->vector", "vector-fill!", "vector->list", "exact->inexact",
};

size_t sbp__eval_library_count(void) { return sizeof(LIBRARY) / sizeof(LIBRARY[0]); }

const sbp__library_def *sbp__eval_library_at(size_t i) {
  return i < sbp__eval_library_count() ? &LIBRARY[i] : NULL;
}

int sbp__eval_library_unmodelled(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof(UNMODELLED) / sizeof(UNMODELLED[0]); i++)
    if (strlen(UNMODELLED[i]) == len && memcmp(UNMODELLED[i], name, len) == 0) return 1;
  return 0;
}

/* Errors inside a library procedure are reported where the profile called it: its own
 * pairs carry no position (set_pos keeps the last one for a pair without). The sources
 * above nest a few levels only. */
static void drop_positions(cell *c) {
  for (; c->type == T_PAIR; c = CDR(c)) {
    c->line = 0;
    c->file = NULL;
    drop_positions(CAR(c));
  }
}

cell *sbp__eval_library_name(sbp__eval *ev, cell *sym) {
  const sbp__library_def *def = NULL;
  for (size_t i = 0; i < sbp__eval_library_count(); i++)
    if (strlen(LIBRARY[i].name) == sym->u.sym.len &&
        memcmp(LIBRARY[i].name, sym->u.sym.s, sym->u.sym.len) == 0) {
      def = &LIBRARY[i];
      break;
    }
  if (def == NULL) return NULL;
  const char *file = ev->file;
  uint32_t line = ev->line, col = ev->col;
  cell *forms = NULL;
  int rc = sbp__eval_parse(ev, def->src, strlen(def->src), "<init.scm>", 0, &forms);
  ev->file = file;
  ev->line = line;
  ev->col = col;
  if (rc != SBP_OK) return NULL;
  drop_positions(forms);
  cell *lam = CAR(forms); /* (lambda params . body), or (quote datum) for a variable */
  if (CAR(lam) == ev->s_quote) return CAR(CDR(lam));
  cell *clo = sbp__eval_cell(ev, T_CLOSURE);
  if (clo == NULL) return NULL;
  clo->u.clo.params = CAR(CDR(lam));
  clo->u.clo.body = CDR(CDR(lam));
  clo->u.clo.env = NULL;
  clo->u.clo.name = sym;
  return clo;
}
