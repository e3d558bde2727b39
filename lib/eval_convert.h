/* From the reader's datums to cells, and the texts the evaluator reads (eval_convert.c). */
#ifndef SBP_LIB_EVAL_CONVERT_H
#define SBP_LIB_EVAL_CONVERT_H

#include "eval_cell.h"

/* The text sbp__eval_text is reading form by form (ev->reading). */
struct sbp__text_run {
  sbp__eval *ev;
  const char *file;    /* the file name, in the evaluator's arena */
  sbp__reader *reader; /* while one of its forms runs */
  int checked;         /* the rest of the text has been read by sbp__eval_check_rest */
};
typedef struct sbp__text_run sbp__text_run;

/* Converts a datum (and everything under it) into cells. */
int sbp__eval_convert(sbp__eval *ev, const sbp__datum *d, cell **out);
/* Converts one top-level datum into the one-element list of forms that sbp__eval_run takes;
 * its pair carries file f. */
int sbp__eval_convert_top(sbp__eval *ev, const sbp__datum *x, const char *f, cell **out);
/* Adds the allowances of memory, steps and rules that a text of len bytes earns (for each
 * limit the caller left to its default), and copies the file name into the evaluator's
 * arena (*file_out, NULL for no file). */
int sbp__eval_allowance_and_file(sbp__eval *ev, size_t len, const char *file,
                                 const char **file_out);
/* Reads a text into a list of converted top-level forms. */
int sbp__eval_parse(sbp__eval *ev, const char *text, size_t len, const char *file,
                    size_t allowance, cell **out);
/* Reads the rest of the text t once, for a syntax error, a limit or a vector there (a vector
 * not reported when have_vector). */
int sbp__eval_check_rest(sbp__text_run *t, int have_vector);
/* Before the caller can see an effect of running the text being read (its import resolver
 * called): reads the rest of that text once, and returns the syntax error, limit or vector
 * found there, or SBP_OK. */
int sbp__eval_check_text(sbp__eval *ev);

#endif
