/* An expression's value as text, for the evaluator's tests: the expression is evaluated in a
 * profile whose printer, written in SBPL itself, shows lists as nested (car . cdr) pairs and
 * booleans as #t/#f, and the result is read back from the serialized (literal "...") rule. */
#ifndef SBP_TEST_EVAL_SHOW_H
#define SBP_TEST_EVAL_SHOW_H

#include <stddef.h>

typedef struct eval_value_case {
  const char *expr;
  const char *shown; /* as the serializer writes it inside (literal "...") */
} eval_value_case;

/* Checks every case; fails the running cmocka test at the first that evaluates with an
 * error or shows another value. */
void eval_show_check(const eval_value_case *cases, size_t n);

#endif
