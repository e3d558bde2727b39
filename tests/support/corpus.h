/* The corpus of real profiles (../shared/corpus, $SBPROFILE_CORPUS) as the tests and the
 * benchmarks evaluate it: MANIFEST.tsv walked in order, every file read once into memory,
 * test values for every parameter the corpus names, agent-safehouse's work-directory marker
 * replaced, fragments composed as their projects compose them, and an import resolver that
 * searches the corpus directory with a stand-in for Apple's system.sb. Its answers are kept,
 * so that once each profile has been evaluated the files are never read again.
 *
 * No cmocka: tests/test_corpus.c and bench/bench_read.c both build on it. It uses the
 * library's internal buffers (lib/buf.h), so it is compiled into programs that link the
 * static internal copy (sbprofile_internal), not into the support library every test links. */
#ifndef SBP_TEST_CORPUS_H
#define SBP_TEST_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "sbprofile.h"

/* The corpus: its manifest, texts and parameter values. */
typedef struct corpus corpus;

/* What is done with an entry, decided in this order. */
typedef enum corpus_use {
  CORPUS_SKIP,         /* the file cannot be read, or it is a template: not evaluated */
  CORPUS_PREPROCESSOR, /* a WebKit source with preprocessor lines: fails at `directive` */
  CORPUS_INVALID,      /* an invalid fixture: fails with a position */
  CORPUS_EVALUATE      /* evaluates, composed as its project composes it (unless it is an
                          expected failure) */
} corpus_use;

/* One line of MANIFEST.tsv. Borrowed from the corpus, valid until corpus_close(). */
typedef struct corpus_entry {
  const char *path;             /* relative to the corpus directory (first column) */
  const char *kind;             /* last column: complete, generated-sample, fragment, ... */
  corpus_use use;
  uint32_t directive;           /* line of the first preprocessor directive, or 0 */
  const char *expected_failure; /* the message it fails with, as libsandbox would fail it
                                   (CORPUS_EVALUATE only), or NULL */
} corpus_entry;

/* Reads dir/MANIFEST.tsv and every file it names, and gives test values to every parameter
 * the texts name (all-capitals string literals, (param "X")). NULL when the manifest cannot
 * be read or memory runs out. Free with corpus_close(). */
corpus *corpus_open(const char *dir);

/* Frees the corpus; NULL is fine. */
void corpus_close(corpus *c);

/* The number of entries, and entry i (0 <= i < corpus_size()) in manifest order. */
size_t corpus_size(const corpus *c);
const corpus_entry *corpus_entry_at(const corpus *c, size_t i);

/* How many entries of the corpus are known to fail (corpus_entry.expected_failure). */
size_t corpus_expected_failure_count(void);

#define CORPUS_MAX_SOURCES 4

/* What sbp_profile_read_sources() takes to evaluate one entry. The sources point into the
 * corpus (or into this struct), the options to its parameter values and resolver: valid
 * until corpus_eval_free() or corpus_close(), whichever comes first. */
typedef struct corpus_eval {
  sbp_source sources[CORPUS_MAX_SOURCES];
  size_t nsources;
  sbp_read_options options;
  size_t bytes; /* the sum of the sources' lengths (imported texts not counted) */
  char *owned[CORPUS_MAX_SOURCES]; /* private: texts read for parts outside the manifest */
  char *names[CORPUS_MAX_SOURCES]; /* private: their file names */
} corpus_eval;

/* The sources and options for entry e: CORPUS_PREPROCESSOR entries after a "(version 1)"
 * prelude, CORPUS_INVALID ones alone, CORPUS_EVALUATE ones composed (a fragment after the
 * base its project puts before it, or the "(version 1)" prelude). options.flags is
 * read_flags | SBP_READ_KEEP_UNRESOLVED_IMPORTS; with_params non-zero gives the parameters
 * their test values. Returns SBP_OK and *out (free with corpus_eval_free()); SBP_E_IO when
 * a part cannot be read; SBP_E_INVALID_ARG for a CORPUS_SKIP entry; SBP_E_NOMEM. */
int corpus_eval_new(corpus_eval **out, corpus *c, const corpus_entry *e, uint32_t read_flags,
                    int with_params);

/* Frees what corpus_eval_new() made; NULL is fine. */
void corpus_eval_free(corpus_eval *ev);

/* Evaluates entry e (corpus_eval_new(), then sbp_profile_read_sources() with the default
 * allocator): the status, *out the profile on success (free with sbp_profile_free()). */
int corpus_evaluate(corpus *c, const corpus_entry *e, uint32_t read_flags, int with_params,
                    sbp_profile **out, sbp_error *err);

#endif
