/* A strict s-expression reader for tests, written from SBPL's lexical rules (the TinyScheme
 * reader libsandbox embeds; docs/sbpl-reference.md section 1) and independent of the library.
 * It reads what the serializer writes back into a tree that tests compare, and it refuses
 * anything the serializer should never write.
 *
 * Rules implemented:
 * - whitespace (space, TAB, LF, CR, FF, VT) separates data; ';' starts a comment that runs to
 *   the next LF; "#!" does too (TinyScheme);
 * - an atom runs until one of ( ) ; TAB LF CR SPACE; it is an integer ([+-]?[0-9]+), #t or #f,
 *   or else a symbol;
 * - "..." is a string: \" gives ", \\ gives \, \n \t \r, \xHH (exactly two hex digits), \0-\7
 *   start an octal escape of one to three digits, any other \c gives c; every other byte,
 *   newlines included, is kept verbatim;
 * - #"..." is a raw string: every byte up to the next " is kept verbatim.
 * Refused (errors): unbalanced parentheses, unterminated strings, a string decoding to a NUL,
 * quote syntax (' ` ,), other # syntax (#| #; #( #\ #x ...), atoms holding a '"', a control
 * byte or a byte >= 0x7f, numbers that are not plain decimal integers; with SX_QUOTE_ESCAPES
 * only (the serializer's output), any escape other than \\ \" \n \t \r \xHH and any raw
 * control byte inside "...". */
#ifndef SBP_TEST_SEXPR_H
#define SBP_TEST_SEXPR_H

#include <stddef.h>

typedef enum sx_type {
  SX_LIST,
  SX_SYMBOL,
  SX_STRING,  /* raw = 1 when written #"..." */
  SX_INTEGER,
  SX_BOOLEAN,
  SX_COMMENT  /* text after the ';' up to (not including) the LF; only with SX_KEEP_COMMENTS */
} sx_type;

typedef struct sx_node {
  sx_type type;
  char *text; /* symbol, decoded string, comment; NUL-terminated (len excludes it) */
  size_t len;
  int raw;
  long long num; /* integer; boolean 1/0 */
  size_t offset; /* where the datum starts in the input */
  struct sx_node *parent;
  struct sx_node **kids; /* SX_LIST */
  size_t nkids, cap;
} sx_node;

enum {
  SX_KEEP_COMMENTS = 1,   /* keep comments as SX_COMMENT nodes where they stand */
  SX_QUOTE_ESCAPES = 2    /* only the serializer's escapes inside "...", no control byte */
};

/* Reads all of text[0..len). On success returns 0 and *out is an SX_LIST of the top-level data
 * (free with sx_free). On failure returns -1, *out is NULL and errbuf holds
 * "offset N: what went wrong". Never recursive. */
int sx_read(const char *text, size_t len, int flags, sx_node **out, char *errbuf,
            size_t errsize);

/* Frees a tree from sx_read (NULL is fine). Never recursive. */
void sx_free(sx_node *root);

/* A canonical one-line form: (a b) lists, bare symbols, "..." strings (#"..." when raw) whose
 * bytes are shown with sx_escape, integers, #t/#f, ;"..." comments. Malloc'd; free() it. */
char *sx_dump(const sx_node *n);

/* Bytes shown unambiguously: \\ and \" escaped, 0x20-0x7e verbatim, all else \xHH (lower
 * case). Malloc'd; free() it. */
char *sx_escape(const char *s, size_t len);

#endif
