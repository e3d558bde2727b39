#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sbp_strerror(int code) {
  switch (code) {
#define SBP__STATUS_TEXT(name, value, text) \
  case value:                               \
    return text;
    SBP_STATUS_MAP(SBP__STATUS_TEXT)
#undef SBP__STATUS_TEXT
    default:
      return "unknown status";
  }
}

const char *sbp_status_name(int code) {
  switch (code) {
#define SBP__STATUS_NAME(name, value, text) \
  case value:                               \
    return "SBP_" #name;
    SBP_STATUS_MAP(SBP__STATUS_NAME)
#undef SBP__STATUS_NAME
    default:
      return "SBP_E_UNKNOWN";
  }
}

void sbp_error_clear(sbp_error *err) {
  if (err == NULL) return;
  memset(err, 0, sizeof(*err));
  err->version = SBP_ERROR_VERSION;
}

static void set_file(sbp_error *err, const char *file) {
  if (file == NULL) {
    err->file[0] = '\0';
    return;
  }
  size_t n = strlen(file);
  if (n >= sizeof(err->file)) n = sizeof(err->file) - 1;
  memcpy(err->file, file, n);
  err->file[n] = '\0';
}

SBP__PRINTF(7, 0)
static int vfill(sbp_error *err, int code, const char *file, uint32_t line, uint32_t column,
                 size_t offset, const char *fmt, va_list ap) {
  if (err == NULL) return code;
  err->version = SBP_ERROR_VERSION;
  err->code = code;
  err->line = line;
  err->column = column;
  err->offset = offset;
  set_file(err, file);
  if (vsnprintf(err->message, sizeof(err->message), fmt, ap) < 0) err->message[0] = '\0';
  return code;
}

int sbp__error(sbp_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfill(err, code, NULL, 0, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int sbp__error_at(sbp_error *err, int code, const char *file, uint32_t line, uint32_t column,
                  size_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfill(err, code, file, line, column, offset, fmt, ap);
  va_end(ap);
  return code;
}

int sbp__nomem(sbp_error *err) { return sbp__error(err, SBP_E_NOMEM, "out of memory"); }

void sbp__error_quote(char *dst, size_t dst_size, const char *s, size_t len, size_t max) {
  static const char hex[] = "0123456789abcdef";
  size_t o = strlen(dst);
  size_t shown = 0;
  for (size_t i = 0; i < len && o + 5 < dst_size; i++, shown++) {
    unsigned char c = (unsigned char)s[i];
    if (shown == max) {
      if (o + 4 < dst_size) memcpy(dst + o, "...", 3), o += 3;
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      dst[o++] = (char)c;
    } else {
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[c >> 4];
      dst[o++] = hex[c & 15];
    }
  }
  dst[o] = '\0';
}

int sbp__text_offset(const char *text, size_t len, uint32_t line, uint32_t column,
                     size_t *offset) {
  size_t off = 0;
  *offset = len;
  for (uint32_t l = 1; l < line; l++) {
    const char *nl = off < len ? memchr(text + off, '\n', len - off) : NULL;
    if (nl == NULL) return 0;
    off = (size_t)(nl - text) + 1;
  }
  if (column == 0) {
    *offset = off;
    return 1;
  }
  if (column - 1 > len - off) return 0;
  *offset = off + (column - 1);
  return 1;
}
