/* Regex search speed, in processor time: MB/s of sbp_regex_search() over 1 MB subjects, and
 * ns per search on short paths. Run: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSBP_BUILD_BENCH=ON
 * && cmake --build build-bench && ./build-bench/bench/bench_regex */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbprofile.h"

#define MB (1u << 20)

/* Processor time of this process, so that other load on the machine skews figures less. */
static double now(void) { return (double)clock() / CLOCKS_PER_SEC; }

static sbp_regex *compile(const char *pat, size_t len) {
  sbp_regex *re = NULL;
  sbp_error err = SBP_ERROR_INIT;
  if (sbp_regex_compile(pat, len, NULL, &re, &err) != SBP_OK) {
    fprintf(stderr, "bench_regex: /%s/: %s (column %u)\n", pat, err.message, err.column);
    exit(1);
  }
  return re;
}

/* Searches subject with pat until at least 0.3 s have passed; prints MB/s. */
static void throughput(const char *label, const char *pat, size_t plen, const char *subject,
                       size_t len) {
  sbp_regex *re = compile(pat, plen);
  int m = 0;
  unsigned runs = 0;
  double t0 = now(), t;
  do {
    m = sbp_regex_search(re, subject, len);
    runs++;
    t = now() - t0;
  } while (t < 0.3);
  printf("%-46s %-8s %9.1f MB/s\n", label, m ? "match" : "no match",
         (double)len * runs / t / (double)MB);
  sbp_regex_free(re);
}

static void latency(const char *pat, const char *const *paths, size_t n) {
  sbp_regex *re = compile(pat, strlen(pat));
  size_t lens[16];
  for (size_t i = 0; i < n; i++) lens[i] = strlen(paths[i]);
  unsigned long runs = 0;
  int hits = 0;
  double t0 = now(), t;
  do {
    for (int r = 0; r < 1000; r++)
      for (size_t i = 0; i < n; i++) hits += sbp_regex_search(re, paths[i], lens[i]);
    runs += 1000 * n;
    t = now() - t0;
  } while (t < 0.3);
  printf("%-55s %7.1f ns/search (%d hits)\n", pat, t * 1e9 / (double)runs, hits);
  sbp_regex_free(re);
}

int main(void) {
  char *s = malloc(MB);
  if (s == NULL) return 1;
  static char pat[512];

  /* Path-like text: many short paths separated by '/' with no ".plist" in them. */
  static const char words[][16] = {"Library", "private", "var", "folders", "Caches", "com.apple",
                                   "apple", "Users", "System", "tmp", "C", "Info.plist.bak"};
  unsigned seed = 1;
  for (size_t i = 0; i < MB;) {
    seed = seed * 1103515245u + 12345u;
    const char *w = words[(seed >> 16) % 12];
    size_t wl = strlen(w);
    if (i + wl + 1 > MB) {
      memset(s + i, 'x', MB - i);
      break;
    }
    s[i++] = '/';
    memcpy(s + i, w, wl);
    i += wl;
  }
  printf("1 MB subjects:\n");
  throughput("\\.plist$ (paths)", "\\.plist$", strlen("\\.plist$"), s, MB);
  throughput("/Caches/com\\.google/ (paths)", "/Caches/com\\.google/", strlen("/Caches/com\\.google/"), s, MB);
  throughput("[^/]+\\.(bash|fish|zsh)$ (paths)", "[^/]+\\.(bash|fish|zsh)$", strlen("[^/]+\\.(bash|fish|zsh)$"), s, MB);
  throughput("/(_[^/]+|[^/]+\\.(bash|zsh)(-completion)?)$ (paths)", "/(_[^/]+|[^/]+\\.(bash|zsh)(-completion)?)$", strlen("/(_[^/]+|[^/]+\\.(bash|zsh)(-completion)?)$"), s, MB);
  throughput("(Library|System)/.*/C/x (paths)", "(Library|System)/.*/C/x", strlen("(Library|System)/.*/C/x"), s, MB);

  memcpy(s, "/private/var/folders/", 21);
  memset(s + 21, 'x', MB - 21);
  throughput("^/private/var/folders/[^/]+/[^/]+/C/ (long)", "^/private/var/folders/[^/]+/[^/]+/C/", strlen("^/private/var/folders/[^/]+/[^/]+/C/"), s, MB);

  memset(s, 'a', MB);
  throughput("(a*)*b (a^n)", "(a*)*b", strlen("(a*)*b"), s, MB);
  throughput("(a|a)*b (a^n)", "(a|a)*b", strlen("(a|a)*b"), s, MB);
  for (size_t i = 29; i < MB; i += 30) s[i] = 'b'; /* runs of 29 'a's */
  size_t k = 0;
  for (int i = 0; i < 30; i++) {
    pat[k++] = 'a';
    pat[k++] = '?';
  }
  memset(pat + k, 'a', 30);
  k += 30;
  throughput("a?^30 a^30 ((a^29 b)^n)", pat, k, s, MB);
  for (size_t i = 0; i < MB; i++) {
    seed = seed * 1103515245u + 12345u;
    s[i] = (char)('a' + (seed >> 16) % 23); /* a-w: no 'x', so no match */
  }
  throughput("[a-q][^u-z]{13}x (random a-w)", "[a-q][^u-z]{13}x", strlen("[a-q][^u-z]{13}x"), s, MB);

  printf("\nshort paths:\n");
  static const char *const paths[] = {
      "/System/Library/CoreServices/SystemVersion.plist",
      "/System/Library/Frameworks/Foundation.framework/Versions/C/Foundation",
      "/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/C/com.apple.x/db",
      "/Users/someone/Library/Preferences/com.apple.security.plist",
      "/Applications/Xcode.app/Contents/Developer/usr/bin/git",
      "/dev/ttys003",
      "/usr/lib/libSystem.B.dylib",
      "/private/tmp/com.apple.launchd.abc123/Listeners",
  };
  size_t n = sizeof(paths) / sizeof(paths[0]);
  latency("^/System/Library/CoreServices($|/)", paths, n);
  latency("^/private/var/folders/[^/]+/[^/]+/C/", paths, n);
  latency("\\.plist$", paths, n);
  latency("^/Applications/Xcode[^/]*\\.app(/.*)?$", paths, n);
  latency("^/dev/ttys[0-9]+$", paths, n);
  latency("^(/private)?(/var)?/tmp/com\\.apple\\.launchd\\.[^/]+/Listeners$", paths, n);
  free(s);
  return 0;
}
