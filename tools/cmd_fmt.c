/* sbprofile fmt: canonical layout of profile files, keeping comments. */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "commands.h"
#include "sbprofile.h"

static void fmt_usage(FILE *out) {
  fprintf(out,
          "usage: sbprofile fmt [--check] [--stdout] [--indent N] [--width N] FILE...\n\n"
          "Rewrites each profile in place with canonical layout, keeping comments, raw\n"
          "strings and the spelling of literals. '-' reads standard input and writes the\n"
          "result to standard output.\n\n"
          "  --check     change nothing; list the files that would change and exit 1 if any\n"
          "  --stdout    print the formatted text instead of rewriting the files\n"
          "  --indent N  spaces per nesting level (0-16; default 2)\n"
          "  --width N   the line width forms are kept within when they can be (default 100)\n"
          SBP_TOOL_COMMON_HELP "\n"
          "A file is rewritten through a symbolic link (the link stays) and keeps its\n"
          "permissions.\n\n"
          "Exit status: 0 done (or, with --check, nothing would change), 1 a file would\n"
          "change (--check), 2 usage error, 65 a file does not read as SBPL, 66 unreadable\n"
          "input, 73 a file could not be written, 74 cannot write standard output.\n");
}

#if !defined(_WIN32)
/* Writes beside the file, then renames over it, so a failure never leaves half a profile.
 * A symbolic link is followed: its target is rewritten and the link stays. The new file gets
 * the old one's permission bits. 0, or -1 with errno set. */
static int write_file(const char *path, const char *text, size_t len) {
  char *target = realpath(path, NULL);
  if (target == NULL) return -1;
  struct stat st;
  size_t tl = strlen(target);
  char *tmp = malloc(tl + 16);
  if (tmp == NULL || stat(target, &st) != 0) {
    free(tmp);
    free(target);
    return -1;
  }
  memcpy(tmp, target, tl);
  memcpy(tmp + tl, ".fmt-XXXXXX", 12);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    free(target);
    return -1;
  }
  int bad = fchmod(fd, st.st_mode & 07777) != 0;
  for (size_t done = 0; !bad && done < len;) {
    ssize_t n = write(fd, text + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) bad = 1;
    else done += (size_t)n;
  }
  if (close(fd) != 0) bad = 1;
  if (bad || rename(tmp, target) != 0) {
    int e = errno;
    remove(tmp);
    free(tmp);
    free(target);
    errno = e;
    return -1;
  }
  free(tmp);
  free(target);
  return 0;
}
#else
static int write_file(const char *path, const char *text, size_t len) {
  FILE *fp = fopen(path, "wb");
  if (fp == NULL) return -1;
  int bad = len && fwrite(text, 1, len, fp) != len;
  if (fclose(fp) != 0) bad = 1;
  return bad ? -1 : 0;
}
#endif

static int parse_uint(const char *v, uint32_t *out) {
  if (v == NULL || *v == '\0') return -1;
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (*end != '\0' || n > 100000) return -1;
  *out = (uint32_t)n;
  return 0;
}

int sbp_tool_fmt(int argc, char **argv) {
  int status = SBP_EXIT_OK, check = 0, to_stdout = 0;
  sbp_format_options fo = SBP_FORMAT_OPTIONS_INIT;
  const char **files = calloc((size_t)argc + 1, sizeof(char *));
  size_t nfiles = 0;
  int operands_only = 0, t;
  if (files == NULL) {
    fprintf(stderr, "sbprofile: out of memory\n");
    return SBP_EXIT_SOFTWARE;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (operands_only) {
      files[nfiles++] = a;
    } else if (sbp_tool_is_help(a)) {
      fmt_usage(stdout);
      goto done;
    } else if ((t = sbp_tool_common_option("fmt", argc, argv, &i, &operands_only)) != 0) {
      if (t < 0) {
        status = SBP_EXIT_USAGE;
        goto done;
      }
    } else if (strcmp(a, "--check") == 0) {
      check = 1;
    } else if (strcmp(a, "--stdout") == 0) {
      to_stdout = 1;
    } else if (strcmp(a, "--indent") == 0 || strcmp(a, "--width") == 0) {
      uint32_t *dst = a[2] == 'i' ? &fo.indent : &fo.max_width;
      if (parse_uint(i + 1 < argc ? argv[++i] : NULL, dst) != 0) {
        status = sbp_tool_usage_error("fmt", "%s expects a number", a);
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      status = sbp_tool_usage_error("fmt", "unknown option '%s'", a);
      goto done;
    } else {
      files[nfiles++] = a;
    }
  }
  if (nfiles == 0) {
    status = sbp_tool_usage_error("fmt", "no input file");
    goto done;
  }
  int changed = 0, bad_input = 0, unreadable = 0, unwritable = 0;
  for (size_t i = 0; i < nfiles; i++) {
    char *text = NULL;
    size_t len = 0;
    const char *name = sbp_tool_display_name(files[i]);
    int e = sbp_tool_read_file(files[i], &text, &len);
    if (e) {
      sbp_tool_input_error(files[i], e);
      unreadable = 1;
      continue;
    }
    sbp_buf out = SBP_BUF_INIT;
    sbp_error err = SBP_ERROR_INIT;
    int rc = sbp_format(text, len, name, &fo, NULL, &out, &err);
    if (rc == SBP_E_INVALID_ARG) {
      fprintf(stderr, "sbprofile fmt: %s\n", err.message);
      free(text);
      status = SBP_EXIT_USAGE;
      goto done;
    }
    if (rc != SBP_OK) {
      sbp_tool_print_error(name, &err);
      bad_input = 1;
      free(text);
      continue;
    }
    int differs = out.len != len || (len && memcmp(out.ptr, text, len) != 0);
    if (check) {
      if (differs) {
        printf("%s\n", name);
        changed = 1;
      }
    } else if (to_stdout || strcmp(files[i], "-") == 0) {
      if (out.len) fwrite(out.ptr, 1, out.len, stdout);
    } else if (differs && write_file(files[i], out.ptr ? out.ptr : "", out.len) != 0) {
      fprintf(stderr, "sbprofile fmt: cannot write %s: %s\n", files[i], strerror(errno));
      unwritable = 1;
    }
    sbp_buf_dispose(&out);
    free(text);
  }
  int out_status = sbp_tool_finish_stdout("fmt");
  if (out_status != SBP_EXIT_OK) status = out_status;
  else if (bad_input) status = SBP_EXIT_DATAERR;
  else if (unreadable) status = SBP_EXIT_NOINPUT;
  else if (unwritable) status = SBP_EXIT_CANTCREAT;
  else if (changed) status = SBP_EXIT_FOUND;
done:
  free(files);
  return status;
}
