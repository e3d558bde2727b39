/* The datum tree: what the reader makes of SBPL text, before evaluation. Every datum knows
 * its file, line and column. The formatter works on it (keeping comments); the evaluator
 * runs it. Internal to the library. */
#ifndef SBP_LIB_DATUM_H
#define SBP_LIB_DATUM_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "sbprofile/common.h"

typedef enum sbp__datum_type {
  SBP__D_LIST = 1,    /* ( ... ); children in first/next; SBP__DF_DOTTED: last child is the cdr */
  SBP__D_VECTOR = 2,  /* #( ... ) */
  SBP__D_SYMBOL = 3,  /* text: the name, case kept */
  SBP__D_STRING = 4,  /* text: the bytes after escapes; SBP__DF_RAW for #"..." */
  SBP__D_INTEGER = 5, /* num */
  SBP__D_REAL = 6,    /* text: as written (no math library in SBPL) */
  SBP__D_BOOLEAN = 7, /* num: 1 for #t, 0 for #f */
  SBP__D_CHAR = 8,    /* num: the byte */
  SBP__D_COMMENT = 9  /* only with SBP__READ_COMMENTS; text: the line after ';' (no newline) */
} sbp__datum_type;

/* 'x `x ,x ,@x are read as the lists (quote x) (quasiquote x) (unquote x)
 * (unquote-splicing x), flagged with how they were written so the formatter can keep it. */
#define SBP__DF_DOTTED 0x01u
#define SBP__DF_RAW 0x02u
#define SBP__DF_QUOTE 0x04u     /* written 'x */
#define SBP__DF_QUASI 0x08u     /* written `x */
#define SBP__DF_UNQUOTE 0x10u   /* written ,x */
#define SBP__DF_SPLICE 0x20u    /* written ,@x */
#define SBP__DF_OWN_LINE 0x40u  /* COMMENT: nothing but blanks before it on its line */
#define SBP__DF_BLANK_BEFORE 0x80u /* an empty line stands before this datum */
#define SBP__DF_SHEBANG 0x100u  /* COMMENT written `#!...` rather than `;...` */

typedef struct sbp__datum sbp__datum;
struct sbp__datum {
  sbp__datum *first; /* children (LIST, VECTOR) */
  sbp__datum *next;  /* next sibling */
  const char *text;  /* NUL-terminated; symbol name, string bytes, comment text, real */
  size_t len;
  int64_t num;
  const char *file;  /* shared, NUL-terminated; may be NULL */
  uint32_t line, column; /* 1-based; column counts bytes */
  size_t offset;     /* byte offset of the datum's first character */
  uint32_t count;    /* number of children */
  uint16_t type;     /* sbp__datum_type */
  uint16_t flags;    /* SBP__DF_* */
};

/* Reader flags. */
#define SBP__READ_COMMENTS 0x1u /* keep ; comments as COMMENT datums */

typedef struct sbp__read_limits {
  size_t max_depth;       /* nesting of lists; 0 = default 10,000 */
  size_t max_string;      /* bytes in one string or symbol; 0 = default 1 MiB */
  size_t max_datums;      /* datums in one text; 0 = default 10,000,000 */
} sbp__read_limits;

/*
 * Reads text[0..len) into a list of top-level datums (*out, linked by next; NULL for an
 * empty text). Every datum, string and the file name live in `arena`, which the caller owns
 * and releases. Errors: SBP_E_SYNTAX with file, line, column and offset in err (unterminated
 * string or list, unexpected ')', `#|`, `#;`, `#"..."#`, bad `#` syntax, a NUL byte in the
 * text); SBP_E_LIMIT past a limit; SBP_E_NOMEM. limits may be NULL. Never recurses per
 * nesting level.
 */
int sbp__read(sbp__arena *arena, const char *text, size_t len, const char *file,
              uint32_t flags, const sbp__read_limits *limits, sbp__datum **out,
              sbp_error *err);

/*
 * As sbp__read without comments, but hands each top-level datum to each(payload, d, reader)
 * as soon as it is read instead of building the chain (d->next is NULL). When each returns,
 * the arena is rolled back to where it stood before that datum: everything d holds is freed,
 * so each copies what it keeps; memory stays in proportion to the largest top-level datum,
 * not to the text. A nonzero return from each stops reading and is returned (each fills
 * err). A syntax error or limit past the forms already handed over is found only when
 * reading reaches it, or when each asks with sbp__read_check_rest.
 */
typedef struct sbp__reader sbp__reader;
typedef int (*sbp__read_each_fn)(void *payload, const sbp__datum *d, sbp__reader *reader);
int sbp__read_each(sbp__arena *arena, const char *text, size_t len, const char *file,
                   const sbp__read_limits *limits, sbp__read_each_fn each, void *payload,
                   sbp_error *err);

/*
 * From within each: reads the rest of the text, past the datum just handed over, and keeps
 * nothing. Returns the error reading it would meet (a syntax error or limit, at the same
 * position and with the same message; SBP_E_NOMEM) or SBP_OK; reading then goes on from
 * where it stood. Atoms are neither copied nor linked, so it costs a fraction of a read.
 * *first_vector gets the first vector in the rest (its `#(`: type, file, line, column,
 * offset; the rest zero), or all zeros (line 0) when there is none.
 */
int sbp__read_check_rest(sbp__reader *reader, sbp__datum *first_vector);

/*
 * Additions.
 *
 * Comments (SBP__READ_COMMENTS only): COMMENT datums stand among the top-level datums and
 * among the children of lists and vectors, in text order, and are counted in `count`. In a
 * dotted list the cdr is the last child that is not a comment. A comment written between a
 * quote mark and its datum (`' ;c\n x`) is placed before the quote form. Without the flag no
 * COMMENT datum is ever made.
 *
 * Quote forms: the first child's text ("quote", "quasiquote", "unquote",
 * "unquote-splicing") is a static string, not an arena copy; its position is the mark's.
 *
 * Spelling: INTEGER, REAL, BOOLEAN and CHAR datums and all strings can be found again in the
 * text at `offset`; sbp__datum_span gives the length of the datum's token there (for a
 * LIST or VECTOR: 1 or 2, the opening bracket; for a quote form: the quote mark).
 */
size_t sbp__datum_span(const char *text, size_t len, const sbp__datum *d);

/*
 * Compares two chains of datums (a and b, each followed through `next`) for equal
 * structure and content, ignoring positions, comments, and every flag but SBP__DF_DOTTED (a
 * raw string equals an ordinary string with the same bytes; 'x equals (quote x)); REAL
 * datums compare by spelling. *equal gets 1 or 0.
 * Iterative; returns SBP_OK or SBP_E_NOMEM (its stack comes from alloc).
 */
int sbp__datum_equal(const sbp_alloc *alloc, const sbp__datum *a, const sbp__datum *b,
                     int *equal);

#endif
