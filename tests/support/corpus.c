#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "test_files.h"

#define MAX_PARAMS 4096

typedef struct corpus_file {
  corpus_entry e;
  char *path, *kind; /* what e.path and e.kind point to */
  char *full; /* dir/path: the name positions use */
  char *text; /* the bytes, marker replaced; NULL when the file cannot be read */
  size_t len;
} corpus_file;

/* A remembered answer of the resolver (SBP_OK or SBP_E_NOT_FOUND). */
typedef struct memo {
  char *name;
  size_t name_len;
  char *from; /* NULL: no importing file */
  int rc;
  char *text, *file;
  size_t text_len, file_len;
} memo;

struct corpus {
  char *dir;
  corpus_file *files;
  size_t n, cap;
  /* test values for parameters, flat as sbp_read_options.params wants them */
  char *names[MAX_PARAMS];
  char *values[MAX_PARAMS];
  const char *flat[2 * MAX_PARAMS];
  size_t nparams;
  const char *dir_list[1];
  sbp_import_dirs dirs;
  memo *memos;
  size_t nmemos, memocap;
};

/* Files that fail as libsandbox would fail them, with the expected message. */
static const struct {
  const char *path, *message;
} expected_failures[] = {
    /* uses a helper its own project's common.sb (the version in the corpus) lacks */
    {"chromium/webnn_model_compilation.sb", "unbound variable: sandbox-child-user-temp-dir"},
    /* a toolchain's "valid" fixture with #| |# comments, which TinyScheme does not read */
    {"sbpl-toolchain/Fixtures_valid_complex.sb",
     "undefined sharp expression (block comments #|...|# are not supported)"},
};

size_t corpus_expected_failure_count(void) {
  return sizeof(expected_failures) / sizeof(expected_failures[0]);
}

static const char *expected_failure(const char *path) {
  for (size_t i = 0; i < corpus_expected_failure_count(); i++)
    if (strcmp(expected_failures[i].path, path) == 0) return expected_failures[i].message;
  return NULL;
}

static char *copy(const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (d == NULL) return NULL;
  if (len) memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

static char *join(const char *dir, const char *path, size_t len) {
  size_t dl = strlen(dir);
  char *s = malloc(dl + len + 2);
  if (s == NULL) return NULL;
  memcpy(s, dir, dl);
  s[dl] = '/';
  memcpy(s + dl + 1, path, len);
  s[dl + 1 + len] = '\0';
  return s;
}

/* ---- parameter values -------------------------------------------------------------------- */

/* Test values: every all-capitals string literal and every (param "X") of the texts gets one;
 * versions and counts get numbers, the rest a path. */
static void add_param(corpus *c, const char *name, size_t len) {
  if (len == 0 || c->nparams >= MAX_PARAMS) return;
  for (size_t i = 0; i < c->nparams; i++)
    if (strlen(c->names[i]) == len && memcmp(c->names[i], name, len) == 0) return;
  char *nm = copy(name, len);
  char *val = malloc(len + 600);
  if (nm == NULL || val == NULL) {
    free(nm);
    free(val);
    return;
  }
  if (strstr(nm, "VERSION") != NULL)
    strcpy(val, "1500");
  else if (strstr(nm, "COUNT") != NULL)
    strcpy(val, "0");
  else if (strcmp(nm, "COMMON_SB") == 0)
    snprintf(val, len + 600, "%s/sandboxed-ai/common.sb", c->dir);
  else if (strcmp(nm, "IMPORT_DIR") == 0)
    snprintf(val, len + 600, "%s", c->dir);
  else
    snprintf(val, len + 600, "/private/tmp/sbp-test/%s", nm);
  c->names[c->nparams] = nm;
  c->values[c->nparams] = val;
  c->flat[2 * c->nparams] = nm;
  c->flat[2 * c->nparams + 1] = val;
  c->nparams++;
}

static void scan_params(corpus *c, const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] != '"') continue;
    size_t j = i + 1;
    while (j < len && ((text[j] >= 'A' && text[j] <= 'Z') || (text[j] >= '0' && text[j] <= '9') ||
                       text[j] == '_'))
      j++;
    if (j < len && text[j] == '"' && j > i + 1 && text[i + 1] >= 'A' && text[i + 1] <= 'Z')
      add_param(c, text + i + 1, j - i - 1);
  }
  const char *s = text;
  while ((s = strstr(s, "(param \"")) != NULL) {
    s += 8;
    const char *e = strchr(s, '"');
    if (e == NULL) break;
    add_param(c, s, (size_t)(e - s));
    s = e;
  }
}

/* ---- texts ------------------------------------------------------------------------------- */

/* Agent-safehouse replaces a marker line with a definition before use; so does the corpus.
 * Takes text (malloc'd); returns it or its replacement, NULL when memory runs out. */
static char *substitute(char *text, size_t *len) {
  static const char marker[] = "__SAFEHOUSE_REPLACE_ME_WITH_WORK_DIR_DEFINE__";
  static const char repl[] = "(define WORK_DIR \"/private/tmp/sbp-test/work\")";
  char *at = strstr(text, marker);
  if (at == NULL) return text;
  size_t off = (size_t)(at - text), ml = sizeof(marker) - 1, rl = sizeof(repl) - 1;
  char *out = malloc(*len - ml + rl + 1);
  if (out != NULL) {
    memcpy(out, text, off);
    memcpy(out + off, repl, rl);
    memcpy(out + off + rl, at + ml, *len - off - ml + 1);
    *len = *len - ml + rl;
  }
  free(text);
  return out;
}

/* The first line that starts with '#' (a preprocessor directive), or 0. */
static uint32_t first_directive(const char *text) {
  uint32_t line = 1;
  const char *s = text;
  while (*s) {
    const char *t = s;
    while (*t == ' ' || *t == '\t') t++;
    if (*t == '#' && t[1] != '!' && t[1] != '"') return line;
    const char *nl = strchr(s, '\n');
    if (nl == NULL) break;
    s = nl + 1;
    line++;
  }
  return 0;
}

static corpus_use use_of(const corpus_file *f, uint32_t directive) {
  if (f->text == NULL || strcmp(f->e.kind, "template") == 0) return CORPUS_SKIP;
  if (directive != 0 && strncmp(f->e.path, "webkit/", 7) == 0) return CORPUS_PREPROCESSOR;
  if (strcmp(f->e.kind, "fixture-invalid") == 0) return CORPUS_INVALID;
  return CORPUS_EVALUATE;
}

/* Adds the entry of a manifest line: path, then the columns, the kind last. */
static int add_entry(corpus *c, const char *line, const char *tab, char *text, size_t len) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    corpus_file *v = realloc(c->files, cap * sizeof(*v));
    if (v == NULL) return -1;
    c->files = v;
    c->cap = cap;
  }
  corpus_file *f = &c->files[c->n];
  memset(f, 0, sizeof(*f));
  const char *last = strrchr(line, '\t');
  f->e.path = f->path = copy(line, (size_t)(tab - line));
  f->e.kind = f->kind = copy(last + 1, strlen(last + 1));
  f->full = join(c->dir, line, (size_t)(tab - line));
  c->n++; /* from here corpus_close() frees what it holds */
  if (f->path == NULL || f->kind == NULL || f->full == NULL) {
    free(text);
    return -1;
  }
  uint32_t directive = text ? first_directive(text) : 0;
  if (text != NULL && (text = substitute(text, &len)) == NULL) return -1;
  f->text = text;
  f->len = len;
  f->e.directive = directive;
  f->e.use = use_of(f, directive);
  f->e.expected_failure = f->e.use == CORPUS_EVALUATE ? expected_failure(f->e.path) : NULL;
  return 0;
}

corpus *corpus_open(const char *dir) {
  if (dir == NULL) return NULL;
  corpus *c = calloc(1, sizeof(*c));
  if (c == NULL) return NULL;
  size_t mlen = 0;
  char *manifest = join(dir, "MANIFEST.tsv", 12);
  char *mtext = manifest ? test_read_file(manifest, &mlen) : NULL;
  free(manifest);
  c->dir = copy(dir, strlen(dir));
  if (mtext == NULL || c->dir == NULL) goto fail;
  c->dir_list[0] = c->dir;
  c->dirs.dirs = c->dir_list;
  c->dirs.ndirs = 1;
  for (char *line = mtext; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    char *tab = strchr(line, '\t');
    if (tab != NULL) {
      /* every file a line names gives parameter names, even lines that are no entry */
      char *full = join(dir, line, (size_t)(tab - line));
      size_t len = 0;
      char *text = full ? test_read_file(full, &len) : NULL;
      free(full);
      if (text != NULL) scan_params(c, text, len);
      if (strncmp(line, "file\t", 5) != 0 && line[0] != '#') {
        if (add_entry(c, line, tab, text, len) != 0) goto fail;
      } else {
        free(text);
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  free(mtext);
  return c;
fail:
  free(mtext);
  corpus_close(c);
  return NULL;
}

void corpus_close(corpus *c) {
  if (c == NULL) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->files[i].path);
    free(c->files[i].kind);
    free(c->files[i].full);
    free(c->files[i].text);
  }
  free(c->files);
  for (size_t i = 0; i < c->nparams; i++) {
    free(c->names[i]);
    free(c->values[i]);
  }
  for (size_t i = 0; i < c->nmemos; i++) {
    free(c->memos[i].name);
    free(c->memos[i].from);
    free(c->memos[i].text);
    free(c->memos[i].file);
  }
  free(c->memos);
  free(c->dir);
  free(c);
}

size_t corpus_size(const corpus *c) { return c ? c->n : 0; }

const corpus_entry *corpus_entry_at(const corpus *c, size_t i) {
  return c != NULL && i < c->n ? &c->files[i].e : NULL;
}

/* ---- imports ----------------------------------------------------------------------------- */

static memo *find_memo(corpus *c, const char *name, size_t len, const char *from) {
  for (size_t i = 0; i < c->nmemos; i++) {
    memo *m = &c->memos[i];
    if (m->name_len == len && memcmp(m->name, name, len) == 0 &&
        (from == NULL ? m->from == NULL : m->from != NULL && strcmp(m->from, from) == 0))
      return m;
  }
  return NULL;
}

static memo *remember(corpus *c, const char *name, size_t len, const char *from, int rc,
                      const char *text, size_t text_len, const char *file, size_t file_len) {
  if (c->nmemos == c->memocap) {
    size_t cap = c->memocap ? c->memocap * 2 : 16;
    memo *v = realloc(c->memos, cap * sizeof(*v));
    if (v == NULL) return NULL;
    c->memos = v;
    c->memocap = cap;
  }
  memo m = {copy(name, len), len, from ? copy(from, strlen(from)) : NULL, rc,
            copy(text ? text : "", text_len), copy(file ? file : "", file_len), text_len,
            file_len};
  if (m.name == NULL || (from != NULL && m.from == NULL) || m.text == NULL || m.file == NULL) {
    free(m.name);
    free(m.from);
    free(m.text);
    free(m.file);
    return NULL;
  }
  c->memos[c->nmemos] = m;
  return &c->memos[c->nmemos++];
}

/* Imports: files of the corpus; Apple's system.sb, which the corpus does not hold, is
 * replaced by a stand-in that defines the helper the generated samples call. The answers
 * (found, or not found) are remembered, so each import reads the disk once. */
static int corpus_import(const char *name, size_t len, const char *from, sbp_buf *text,
                         sbp_buf *file, sbp_error *err, void *payload) {
  corpus *c = payload;
  const sbp_alloc *a = sbp_alloc_default();
  memo *m = find_memo(c, name, len, from);
  if (m == NULL) {
    sbp_buf t = SBP_BUF_INIT, f = SBP_BUF_INIT;
    int rc = sbp_import_search(name, len, from, &t, &f, err, &c->dirs);
    if (rc == SBP_E_NOT_FOUND && len == 9 && memcmp(name, "system.sb", 9) == 0) {
      static const char stub[] =
          "(version 1)\n(define (system-network)\n"
          "  (allow network-outbound (literal \"/private/var/run/mDNSResponder\")))\n";
      sbp_buf_dispose(&t);
      sbp_buf_dispose(&f);
      rc = sbp__buf_put(&t, a, stub, sizeof(stub) - 1);
    }
    if (rc == SBP_OK || rc == SBP_E_NOT_FOUND)
      m = remember(c, name, len, from, rc, t.ptr, rc == SBP_OK ? t.len : 0, f.ptr,
                   rc == SBP_OK ? f.len : 0);
    sbp_buf_dispose(&t);
    sbp_buf_dispose(&f);
    if (rc != SBP_OK && rc != SBP_E_NOT_FOUND) return rc;
    if (m == NULL) return SBP_E_NOMEM;
  }
  if (m->rc != SBP_OK) return m->rc;
  sbp_buf_dispose(text);
  sbp_buf_dispose(file);
  if (sbp__buf_put(text, a, m->text, m->text_len) != SBP_OK ||
      (m->file_len > 0 && sbp__buf_put(file, a, m->file, m->file_len) != SBP_OK))
    return SBP_E_NOMEM;
  return SBP_OK;
}

/* ---- evaluations ------------------------------------------------------------------------- */

/* The texts that make the profile of a fragment: the base its project puts before it. */
static size_t composition(const char *path, const char **parts) {
  size_t n = 0;
  if (strncmp(path, "chromium/", 9) == 0)
    parts[n++] = "chromium/common.sb";
  else if (strncmp(path, "agent-safehouse/", 16) == 0)
    parts[n++] = "agent-safehouse/00-base.sb";
  else if (strncmp(path, "firefox/", 8) == 0)
    parts[n++] = "firefox/SandboxPolicyContent.sb";
  else if (strcmp(path, "codex/older-core/seatbelt_network_policy.sbpl") == 0)
    parts[n++] = "codex/older-core/seatbelt_base_policy.sbpl";
  else if (strncmp(path, "codex/", 6) == 0)
    parts[n++] = "codex/seatbelt_base_policy.sbpl";
  else
    parts[n++] = "(version 1)";
  parts[n++] = path;
  return n;
}

static const corpus_file *find_file(const corpus *c, const char *path) {
  for (size_t i = 0; i < c->n; i++)
    if (c->files[i].text != NULL && strcmp(c->files[i].e.path, path) == 0) return &c->files[i];
  return NULL;
}

int corpus_eval_new(corpus_eval **out, corpus *c, const corpus_entry *e, uint32_t read_flags,
                    int with_params) {
  *out = NULL;
  const char *parts[CORPUS_MAX_SOURCES];
  size_t np = 0;
  switch (e->use) {
  case CORPUS_SKIP:
    return SBP_E_INVALID_ARG;
  case CORPUS_PREPROCESSOR:
    parts[np++] = "(version 1)";
    parts[np++] = e->path;
    break;
  case CORPUS_INVALID:
    parts[np++] = e->path;
    break;
  case CORPUS_EVALUATE:
    if (strcmp(e->kind, "fragment") == 0)
      np = composition(e->path, parts);
    else
      parts[np++] = e->path;
    if (np == 2 && strcmp(parts[0], parts[1]) == 0) np = 1;
    break;
  }
  corpus_eval *ev = calloc(1, sizeof(*ev));
  if (ev == NULL) return SBP_E_NOMEM;
  for (size_t i = 0; i < np; i++) {
    sbp_source *s = &ev->sources[ev->nsources++];
    const corpus_file *f;
    if (parts[i][0] == '(') {
      s->text = parts[i];
      s->len = strlen(parts[i]);
      s->file = "<prelude>";
    } else if ((f = find_file(c, parts[i])) != NULL) {
      s->text = f->text;
      s->len = f->len;
      s->file = f->full;
    } else { /* a part the manifest does not list */
      size_t len = 0;
      ev->names[i] = join(c->dir, parts[i], strlen(parts[i]));
      ev->owned[i] = ev->names[i] ? test_read_file(ev->names[i], &len) : NULL;
      if (ev->owned[i] != NULL) ev->owned[i] = substitute(ev->owned[i], &len);
      if (ev->owned[i] == NULL) {
        int rc = ev->names[i] ? SBP_E_IO : SBP_E_NOMEM;
        corpus_eval_free(ev);
        return rc;
      }
      s->text = ev->owned[i];
      s->len = len;
      s->file = ev->names[i];
    }
    ev->bytes += s->len;
  }
  sbp_read_options o = SBP_READ_OPTIONS_INIT;
  o.flags = read_flags | SBP_READ_KEEP_UNRESOLVED_IMPORTS;
  o.params = with_params ? c->flat : NULL;
  o.nparams = with_params ? c->nparams : 0;
  o.import = corpus_import;
  o.import_payload = c;
  ev->options = o;
  *out = ev;
  return SBP_OK;
}

void corpus_eval_free(corpus_eval *ev) {
  if (ev == NULL) return;
  for (size_t i = 0; i < CORPUS_MAX_SOURCES; i++) {
    free(ev->owned[i]);
    free(ev->names[i]);
  }
  free(ev);
}

int corpus_evaluate(corpus *c, const corpus_entry *e, uint32_t read_flags, int with_params,
                    sbp_profile **out, sbp_error *err) {
  corpus_eval *ev;
  int rc = corpus_eval_new(&ev, c, e, read_flags, with_params);
  if (rc != SBP_OK) return rc;
  rc = sbp_profile_read_sources(out, ev->sources, ev->nsources, &ev->options, NULL, err);
  corpus_eval_free(ev);
  return rc;
}
