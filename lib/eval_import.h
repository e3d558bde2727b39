/* Imports: resolving (import "x") through the caller's resolver (eval_import.c). */
#ifndef SBP_LIB_EVAL_IMPORT_H
#define SBP_LIB_EVAL_IMPORT_H

#include "eval_cell.h"

/* Resolves an import and reads its text into *forms (NULL when the import is kept
 * unresolved as a node); *file gets the name its positions use. */
int sbp__eval_import(sbp__eval *ev, cell *arg, cell **forms, const char **file);

#endif
