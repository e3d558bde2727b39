/* Reading whole files in tests (corpus profiles, manifests, data tables). */
#ifndef SBP_TEST_FILES_H
#define SBP_TEST_FILES_H

#include <stddef.h>

/* The bytes of the file at path, NUL-terminated (the NUL not counted in *len); malloc'd,
 * free() it. NULL when the file cannot be opened or read, or memory runs out. */
char *test_read_file(const char *path, size_t *len);

#endif
