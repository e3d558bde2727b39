/* POSIX extended regular expressions (regcomp/regexec with REG_EXTENDED), as a reference for
 * differential tests. It lives in its own file because lib/regex.h, on the test programs'
 * include path, hides the system <regex.h>. */
#ifndef SBP_TEST_POSIX_ERE_H
#define SBP_TEST_POSIX_ERE_H

typedef struct posix_ere posix_ere;

/* Compiles pattern (a C string) with REG_EXTENDED | REG_NOSUB; NULL when regcomp rejects it
 * or memory runs out. */
posix_ere *posix_ere_compile(const char *pattern);
/* 1 when the pattern matches somewhere in the C string subject, 0 when not. */
int posix_ere_search(const posix_ere *re, const char *subject);
void posix_ere_free(posix_ere *re);

#endif
