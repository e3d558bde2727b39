/* Reading whole files in tests (corpus profiles, manifests, data tables). */
#ifndef SBP_TEST_FILES_H
#define SBP_TEST_FILES_H

#include <stddef.h>

/* The bytes of the file at path, NUL-terminated (the NUL not counted in *len); malloc'd,
 * free() it. NULL when the file cannot be opened or read, or memory runs out. */
char *test_read_file(const char *path, size_t *len);

/* Calls each(path, payload) for every regular file below dir, in directory order, skipping
 * names that start with '.' and going at most 8 directories deep. */
typedef void (*test_file_fn)(const char *path, void *payload);
void test_walk_files(const char *dir, test_file_fn each, void *payload);

#endif
