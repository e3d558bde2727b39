/* main() for fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput on every file
 * named on the command line, and on every regular file in every directory named (not
 * recursively). A crash or abort fails the run; so does naming nothing that exists. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  size_t cap = 4096, n = 0, got;
  uint8_t *buf = malloc(cap);
  while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *nb = realloc(buf, cap * 2);
      if (nb == NULL) free(buf);
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf == NULL) {
    fprintf(stderr, "out of memory reading %s\n", path);
    return 1;
  }
  /* an exact-size copy, so that reads past the end are caught by sanitizers */
  uint8_t *exact = malloc(n ? n : 1);
  if (exact == NULL) {
    free(buf);
    return 1;
  }
  if (n) memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

int main(int argc, char **argv) {
  size_t ran = 0;
  int failed = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "no such file or directory: %s\n", argv[i]);
      failed = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      failed |= run_file(argv[i]);
      ran++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (d == NULL) {
      failed = 1;
      continue;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
      char *path = malloc(len);
      if (path == NULL) {
        failed = 1;
        break;
      }
      snprintf(path, len, "%s/%s", argv[i], e->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        failed |= run_file(path);
        ran++;
      }
      free(path);
    }
    closedir(d);
  }
  printf("%zu inputs replayed\n", ran);
  return failed || ran == 0 ? 1 : 0;
}
