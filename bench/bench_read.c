/*
 * bench_read: reading and evaluating SBPL.
 *
 * Reports MB/s for (1) reading the text into the datum tree and (2) evaluating it into a
 * profile, over the whole corpus of real profiles and over a generated, declarative
 * 100,000-rule profile (the builder's own output, re-read). The corpus is evaluated as
 * tests/test_corpus.c evaluates it (tests/support/corpus.c): each profile as its project
 * composes it, fragments after their base, with parameter values and the import resolver.
 * Best of several repetitions.
 *
 *   bench_read [corpus-dir]      (default $SBPROFILE_CORPUS, then ../shared/corpus)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bench_util.h"
#include "corpus.h"
#include "datum.h"
#include "sbprofile.h"
#include "test_files.h"

typedef struct text {
  char *bytes;
  size_t len;
  char *name;
} text;

typedef struct texts {
  text *v;
  size_t n, cap;
} texts;

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Keeps every .sb / .sbpl / .sb.in file the walk finds. */
static void add_file(const char *path, void *payload) {
  texts *ts = payload;
  if (!ends_with(path, ".sb") && !ends_with(path, ".sbpl") && !ends_with(path, ".sb.in"))
    return;
  size_t len = 0;
  char *buf = test_read_file(path, &len);
  if (buf == NULL) return;
  if (ts->n == ts->cap) {
    ts->cap = ts->cap ? ts->cap * 2 : 64;
    ts->v = realloc(ts->v, ts->cap * sizeof(text));
  }
  ts->v[ts->n].bytes = buf;
  ts->v[ts->n].len = len;
  ts->v[ts->n].name = strdup(path);
  ts->n++;
}

/* Seconds to read every text once; *bytes gets the bytes read successfully. */
static double read_all(const texts *ts, size_t *bytes) {
  double t0 = bench_now();
  *bytes = 0;
  for (size_t i = 0; i < ts->n; i++) {
    sbp__arena arena;
    sbp__arena_init(&arena, sbp_alloc_default());
    sbp__datum *d;
    if (sbp__read(&arena, ts->v[i].bytes, ts->v[i].len, ts->v[i].name, 0, NULL, &d, NULL) ==
        SBP_OK)
      *bytes += ts->v[i].len;
    sbp__arena_release(&arena);
  }
  return bench_now() - t0;
}

static int evaluates(const text *t, const sbp_read_options *o) {
  sbp_profile *p = NULL;
  int ok = sbp_profile_read(&p, t->bytes, t->len, t->name, o, NULL, NULL) == SBP_OK;
  sbp_profile_free(p);
  return ok;
}

/* Seconds to evaluate every text that evaluates on its own (found before the clock starts,
 * so that the texts that fail cost no time); *bytes their total size. */
static double eval_all(const texts *ts, size_t *bytes, size_t *ok) {
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  char *good = calloc(ts->n ? ts->n : 1, 1);
  if (good == NULL) return 0;
  *bytes = 0;
  *ok = 0;
  for (size_t i = 0; i < ts->n; i++)
    if ((good[i] = (char)evaluates(&ts->v[i], &o)) != 0) {
      *bytes += ts->v[i].len;
      (*ok)++;
    }
  double t0 = bench_now();
  for (size_t i = 0; i < ts->n; i++) {
    if (!good[i]) continue;
    sbp_profile *p = NULL;
    if (sbp_profile_read(&p, ts->v[i].bytes, ts->v[i].len, ts->v[i].name, &o, NULL, NULL) !=
        SBP_OK)
      abort(); /* it evaluated a moment ago */
    sbp_profile_free(p);
  }
  double t = bench_now() - t0;
  free(good);
  return t;
}

/* The evaluations of the corpus, as its projects compose the profiles. */
typedef struct evals {
  corpus_eval **v;
  size_t n;
  size_t bytes; /* the sum of the bytes of every source of every evaluation */
} evals;

/* Prepares every entry of the corpus that evaluates: complete profiles, generated samples and
 * fixtures alone, fragments after their base, with parameter values and the corpus's import
 * resolver. What does not evaluate (templates, invalid fixtures, WebKit sources with
 * preprocessor lines, the known failures, anything that fails here) is left out now, before
 * any clock starts. Each evaluation runs once here, which also makes the resolver remember
 * every import: the timed runs read nothing from disk. */
static void prepare(corpus *c, evals *es) {
  es->v = calloc(corpus_size(c) ? corpus_size(c) : 1, sizeof(*es->v));
  es->n = es->bytes = 0;
  if (es->v == NULL) return;
  for (size_t i = 0; i < corpus_size(c); i++) {
    const corpus_entry *e = corpus_entry_at(c, i);
    if (e->use != CORPUS_EVALUATE || e->expected_failure != NULL) continue;
    corpus_eval *ev;
    if (corpus_eval_new(&ev, c, e, 0, 1) != SBP_OK) continue;
    sbp_profile *p = NULL;
    sbp_error err = SBP_ERROR_INIT;
    if (sbp_profile_read_sources(&p, ev->sources, ev->nsources, &ev->options, NULL, &err) !=
        SBP_OK) {
      fprintf(stderr, "%s: left out: %s:%u:%u: %s\n", e->path, err.file, err.line, err.column,
              err.message);
      corpus_eval_free(ev);
      continue;
    }
    sbp_profile_free(p);
    es->v[es->n++] = ev;
    es->bytes += ev->bytes;
  }
}

/* Seconds to evaluate every prepared profile once. */
static double eval_corpus(const evals *es) {
  double t0 = bench_now();
  for (size_t i = 0; i < es->n; i++) {
    const corpus_eval *ev = es->v[i];
    sbp_profile *p = NULL;
    if (sbp_profile_read_sources(&p, ev->sources, ev->nsources, &ev->options, NULL, NULL) !=
        SBP_OK)
      abort(); /* it evaluated a moment ago */
    sbp_profile_free(p);
  }
  return bench_now() - t0;
}

/* The SBPL text of a deny-default profile with `rules` path and mach-lookup rules. */
static int generate(size_t rules, sbp_buf *out) {
  sbp_profile *p;
  if (sbp_profile_new(&p, NULL) != SBP_OK) return -1;
  sbp_profile_set_version(p, 1, NULL);
  sbp_add_default(p, SBP_DENY, NULL, NULL);
  for (size_t i = 0; i < rules; i++) {
    char s[160];
    int n;
    int rc;
    if (i % 4 == 3) {
      n = snprintf(s, sizeof(s), "com.example.service-%zu", i);
      rc = sbp_add_mach_lookup(p, SBP_ALLOW, SBP_MATCH_EXACT, s, (size_t)n, NULL, NULL);
    } else {
      n = snprintf(s, sizeof(s), "/Users/dev/src/project-%zu/module_%zu/file_%zu.c", i % 97,
                   i % 1009, i);
      rc = sbp_add_file(p, i % 10 == 9 ? SBP_DENY : SBP_ALLOW, SBP_FILE_READ,
                        i % 2 ? SBP_MATCH_SUBPATH : SBP_MATCH_LITERAL, s, (size_t)n, NULL,
                        NULL);
    }
    if (rc != SBP_OK) return -1;
  }
  int rc = sbp_serialize(p, NULL, out, NULL);
  sbp_profile_free(p);
  return rc;
}

/* Peak bytes allocated while evaluating t, and bytes the profile keeps, per byte of text. */
static void report_memory(const text *t) {
  bench_counter c = {0, 0};
  sbp_alloc a = {bench_count_malloc, bench_count_realloc, bench_count_free, &c};
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = SBP_READ_SYMBOLIC_PARAMS | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  sbp_profile *p = NULL;
  if (sbp_profile_read(&p, t->bytes, t->len, t->name, &o, &a, NULL) != SBP_OK) return;
  printf("memory: peak %.1f bytes per byte of text while evaluating, profile %.1f\n",
         (double)c.peak / (double)t->len, (double)c.live / (double)t->len);
  sbp_profile_free(p);
}

static void report(const char *what, size_t bytes, double best) {
  printf("%-76s %8.2f MB %8.1f MB/s\n", what, (double)bytes / 1e6, (double)bytes / best / 1e6);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : getenv("SBPROFILE_CORPUS");
  if (dir == NULL) dir = "../shared/corpus";
  texts files = {NULL, 0, 0};
  test_walk_files(dir, add_file, &files);
  printf("corpus: %zu files from %s\n", files.n, dir);

  size_t bytes = 0, ebytes = 0, ok = 0;
  double best = 1e30, ebest = 1e30;
  for (int r = 0; r < 20 && files.n > 0; r++) {
    double t = read_all(&files, &bytes);
    if (t < best) best = t;
  }
  if (files.n > 0) report("read: whole corpus", bytes, best);

  corpus *composed = corpus_open(dir);
  evals es = {NULL, 0, 0};
  if (composed == NULL)
    fprintf(stderr, "%s/MANIFEST.tsv cannot be read: the corpus is not evaluated\n", dir);
  else
    prepare(composed, &es);
  if (es.n > 0) {
    for (int r = 0; r < 20; r++) {
      double t = eval_corpus(&es);
      if (t < ebest) ebest = t;
    }
    char what[120];
    snprintf(what, sizeof(what),
             "read + evaluate: whole corpus (%zu profiles as their projects compose them)", es.n);
    report(what, es.bytes, ebest);
  }
  for (size_t i = 0; i < es.n; i++) corpus_eval_free(es.v[i]);
  free(es.v);
  corpus_close(composed);

  sbp_buf gen = SBP_BUF_INIT;
  if (generate(100000, &gen) != SBP_OK) return 1;
  text g = {gen.ptr, gen.len, "generated.sb"};
  texts one = {&g, 1, 1};
  best = ebest = 1e30;
  for (int r = 0; r < 5; r++) {
    double t = read_all(&one, &bytes);
    if (t < best) best = t;
    t = eval_all(&one, &ebytes, &ok);
    if (t < ebest) ebest = t;
  }
  if (ok != 1) {
    fprintf(stderr, "the generated profile did not evaluate\n");
    return 1;
  }
  report("read: generated 100,000-rule profile", bytes, best);
  report("read + evaluate: generated 100,000-rule profile", ebytes, ebest);
  report_memory(&g);
  printf("peak RSS: %ld KiB\n", bench_peak_rss_kib());
  sbp_buf_dispose(&gen);
  for (size_t i = 0; i < files.n; i++) {
    free(files.v[i].bytes);
    free(files.v[i].name);
  }
  free(files.v);
  return 0;
}
