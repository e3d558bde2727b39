#include "posix_ere.h"

#include <regex.h>
#include <stdlib.h>

struct posix_ere {
  regex_t re;
};

posix_ere *posix_ere_compile(const char *pattern) {
  posix_ere *p = malloc(sizeof(*p));
  if (p == NULL) return NULL;
  if (regcomp(&p->re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
    free(p);
    return NULL;
  }
  return p;
}

int posix_ere_search(const posix_ere *re, const char *subject) {
  return regexec(&re->re, subject, 0, NULL, 0) == 0;
}

void posix_ere_free(posix_ere *re) {
  if (re == NULL) return;
  regfree(&re->re);
  free(re);
}
