/* sbp_debug_dump: one stable line per node, for golden tests and debugging. Iterative (the
 * parent links lead back up), and linear in the size of the tree: the indentation stops
 * growing at MAX_INDENT levels, below which each line names its depth instead. */
#include <string.h>

#include "sbprofile/serialize.h"

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "node.h"

#define MAX_INDENT 32

typedef struct dumper {
  sbp_buf out;
  const sbp_alloc *alloc;
  int rc;
} dumper;

static void put(dumper *d, const char *s, size_t n) {
  if (d->rc == SBP_OK && sbp__buf_put(&d->out, d->alloc, s, n) != SBP_OK) d->rc = SBP_E_NOMEM;
}

static void puts_(dumper *d, const char *s) { put(d, s, strlen(s)); }

static void put_u(dumper *d, uint64_t v) {
  char tmp[24];
  size_t i = sizeof(tmp);
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v != 0);
  put(d, tmp + i, sizeof(tmp) - i);
}

static void put_i(dumper *d, int64_t v) {
  if (v < 0) {
    put(d, "-", 1);
    put_u(d, (uint64_t)0 - (uint64_t)v);
  } else {
    put_u(d, (uint64_t)v);
  }
}

/* "text" with C-style escapes; every byte outside 0x20-0x7e is \n, \r, \t or \xHH. */
static void put_cquoted(dumper *d, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  put(d, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[4];
    size_t elen = 0;
    if (c == '\\' || c == '"') {
      esc[0] = '\\';
      esc[1] = (char)c;
      elen = 2;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      esc[0] = '\\';
      esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
      elen = 2;
    } else if (c < 0x20 || c > 0x7e) {
      esc[0] = '\\';
      esc[1] = 'x';
      esc[2] = hex[c >> 4];
      esc[3] = hex[c & 15];
      elen = 4;
    } else {
      run++;
      continue;
    }
    put(d, s + i - run, run);
    run = 0;
    put(d, esc, elen);
  }
  put(d, s + n - run, run);
  put(d, "\"", 1);
}

static const char *kind_name(uint8_t kind) {
  switch (kind) {
    case SBP_VALUE_STRING: return "string";
    case SBP_VALUE_INTEGER: return "integer";
    case SBP_VALUE_CONSTANT: return "constant";
    case SBP_VALUE_REGEX: return "regex";
    case SBP_VALUE_NETADDR: return "netaddr";
    case SBP_VALUE_PARAM: return "param";
    case SBP_VALUE_CONCAT: return "concat";
    case SBP_VALUE_BOOLEAN: return "boolean";
    default: return "unknown";
  }
}

static void put_line(dumper *d, const sbp_node *n, size_t depth) {
  static const char spaces[] = "                                                                ";
  size_t levels = depth < MAX_INDENT ? depth : MAX_INDENT;
  put(d, spaces, 2 * levels);
  if (depth > MAX_INDENT) {
    puts_(d, "[depth ");
    put_u(d, depth);
    puts_(d, "] ");
  }
  puts_(d, sbp_node_type_name((sbp_node_type)n->type));
  switch (n->type) {
    case SBP_NODE_PROFILE:
      if (n->owner->version != 0) {
        puts_(d, " version=");
        put_i(d, n->owner->version);
      }
      break;
    case SBP_NODE_RULE:
      puts_(d, n->kind == SBP_ALLOW ? " allow" : n->kind == SBP_DENY ? " deny" : " none");
      if (n->comment != NULL) {
        puts_(d, " comment=");
        put_cquoted(d, n->comment, strlen(n->comment));
      }
      break;
    case SBP_NODE_VALUE:
      put(d, " ", 1);
      puts_(d, kind_name(n->kind));
      switch (n->kind) {
        case SBP_VALUE_INTEGER:
          put(d, " ", 1);
          put_i(d, n->num);
          break;
        case SBP_VALUE_BOOLEAN:
          puts_(d, n->num ? " #t" : " #f");
          break;
        case SBP_VALUE_CONCAT:
          break;
        case SBP_VALUE_NETADDR:
          put(d, " ", 1);
          put_cquoted(d, n->text ? n->text : "", n->text_len);
          if (n->host != SBP__HOST_NONE) {
            size_t hl;
            const char *h = sbp__netaddr_host(n, &hl);
            puts_(d, " host=");
            put_cquoted(d, h, hl);
            puts_(d, " port=");
            if (n->num == SBP_PORT_ANY) put(d, "*", 1);
            else put_i(d, n->num);
          }
          break;
        default:
          put(d, " ", 1);
          put_cquoted(d, n->text ? n->text : "", n->text_len);
          break;
      }
      break;
    default:
      if (n->text != NULL) {
        put(d, " ", 1);
        put_cquoted(d, n->text, n->text_len);
      }
      break;
  }
  if (n->line != 0 || n->column != 0 || n->file != NULL) {
    put(d, " @", 2);
    if (n->file != NULL) {
      put_cquoted(d, n->file, strlen(n->file));
      put(d, ":", 1);
    }
    put_u(d, n->line);
    put(d, ":", 1);
    put_u(d, n->column);
  }
  put(d, "\n", 1);
}

int sbp_debug_dump(const sbp_node *node, sbp_buf *out, sbp_error *err) {
  if (out == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "out is NULL");
  sbp_buf_dispose(out);
  if (node == NULL) return sbp__error(err, SBP_E_INVALID_ARG, "node is NULL");
  dumper d = {SBP_BUF_INIT, &node->owner->alloc, SBP_OK};
  const sbp_node *n = node;
  size_t depth = 0;
  for (;;) {
    put_line(&d, n, depth);
    if (d.rc != SBP_OK) break;
    if (n->first != NULL) {
      n = n->first;
      depth++;
      continue;
    }
    while (n != node && n->next == NULL) {
      n = n->parent;
      depth--;
    }
    if (n == node) break;
    n = n->next;
  }
  if (d.rc != SBP_OK) {
    sbp_buf_dispose(&d.out);
    return sbp__nomem(err);
  }
  sbp__buf_move(out, &d.out);
  return SBP_OK;
}
