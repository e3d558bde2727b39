#include "eval_show.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sbprofile.h"

#define SHOW                                                                                  \
  "(version 1)\n"                                                                             \
  "(define (show v) (cond ((null? v) \"()\") ((string? v) v)"                                 \
  " ((number? v) (number->string v)) ((symbol? v) (symbol->string v))"                        \
  " ((boolean? v) (if v \"#t\" \"#f\")) ((char? v) (list->string (list v)))"                  \
  " ((pair? v) (string-append \"(\" (show (car v)) \" . \" (show (cdr v)) \")\"))"            \
  " (else \"?\")))\n"

void eval_show_check(const eval_value_case *cases, size_t n) {
  char text[2048], want[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(text, sizeof text, SHOW "(define r %s)\n(allow file-read* (literal (show r)))\n",
             cases[i].expr);
    snprintf(want, sizeof want, "(literal \"%s\")", cases[i].shown);
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_profile_read(&p, text, strlen(text), "t.sb", NULL, NULL, &err) != SBP_OK)
      fail_msg("%s: %s", cases[i].expr, err.message);
    sbp_buf out = SBP_BUF_INIT;
    assert_int_equal(sbp_serialize(p, NULL, &out, &err), SBP_OK);
    if (strstr(out.ptr, want) == NULL)
      fail_msg("%s: got %s, expected %s", cases[i].expr, out.ptr, want);
    sbp_buf_dispose(&out);
    sbp_profile_free(p);
  }
}
