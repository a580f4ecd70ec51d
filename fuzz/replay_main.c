/*
 * x12kit - runs a fuzz target over files, for builds without libFuzzer.
 * Linked with fuzz_lexer.c it makes replay_lexer, with fuzz_validate.c
 * replay_validate.
 *
 *     replay_lexer PATH...
 *
 * Each PATH is a file, or a directory searched recursively (names that
 * start with a dot are skipped); files are taken in byte order of their
 * names.  Every file is read into a block of exactly its size and given
 * to LLVMFuzzerTestOneInput().  Output is TAP, one test per file.  The
 * target aborts on a broken invariant and the sanitizers abort on a
 * memory error, so "ok" means the input went through; a file that
 * cannot be read is "not ok".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_SANITIZER 1
#endif
#endif
#ifdef REPLAY_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input being run, named on stderr if it brings the process down:
 * from a SIGABRT handler (the target's invariant checks) and from the
 * sanitizers' death callback (their reports end the process without a
 * signal).
 */
static const char *current;
static const char *progname = "replay";

static void name_current(void)
{
  static const char msg[] = ": the failing input is ";
  ssize_t rc;

  if (current == NULL)
    return;
  rc = write(STDERR_FILENO, progname, strlen(progname));
  rc = write(STDERR_FILENO, msg, sizeof msg - 1);
  rc = write(STDERR_FILENO, current, strlen(current));
  rc = write(STDERR_FILENO, "\n", 1);
  (void)rc;
}

static void on_abort(int sig)
{
  name_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

struct pathlist {
  char **v;
  size_t n;
  size_t cap;
};

static void *xmalloc(size_t size)
{
  void *p = malloc(size ? size : 1);
  if (p == NULL) {
    fprintf(stderr, "%s: out of memory\n", progname);
    exit(2);
  }
  return p;
}

static char *join(const char *dir, const char *name)
{
  size_t a = strlen(dir), b = strlen(name);
  char *p = xmalloc(a + b + 2);

  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, name, b + 1);
  return p;
}

static char *dup_str(const char *s)
{
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* Takes ownership of |path|. */
static void add(struct pathlist *l, char *path)
{
  if (l->n == l->cap) {
    char **v;
    l->cap = l->cap ? l->cap * 2 : 64;
    v = realloc(l->v, l->cap * sizeof *v);
    if (v == NULL) {
      fprintf(stderr, "%s: out of memory\n", progname);
      exit(2);
    }
    l->v = v;
  }
  l->v[l->n++] = path;
}

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds |path|, or the files under it.  A directory that cannot be read
   is added as it is, so that reading it fails and shows up as not ok. */
static void collect(struct pathlist *l, const char *path)
{
  struct pathlist names = { NULL, 0, 0 };
  struct dirent *de;
  struct stat st;
  DIR *dir;
  size_t i;

  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || (dir = opendir(path)) == NULL) {
    add(l, dup_str(path));
    return;
  }
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    add(&names, join(path, de->d_name));
  }
  closedir(dir);
  if (names.n > 0)
    qsort(names.v, names.n, sizeof *names.v, cmp_names);
  for (i = 0; i < names.n; i++) {
    collect(l, names.v[i]);
    free(names.v[i]);
  }
  free(names.v);
}

/* Reads a whole file into a block of exactly its size. */
static int slurp(const char *path, uint8_t **out, size_t *outlen)
{
  uint8_t *buf = NULL, *exact;
  size_t len = 0, cap = 0, n;
  FILE *fp = fopen(path, "rb");

  if (fp == NULL)
    return -1;
  for (;;) {
    if (len == cap) {
      uint8_t *nb;
      cap = cap ? cap * 2 : 65536;
      nb = realloc(buf, cap);
      if (nb == NULL) {
        free(buf);
        fclose(fp);
        errno = ENOMEM;
        return -1;
      }
      buf = nb;
    }
    n = fread(buf + len, 1, cap - len, fp);
    len += n;
    if (n == 0)
      break;
  }
  if (ferror(fp)) {
    int e = errno;
    free(buf);
    fclose(fp);
    errno = e ? e : EIO;
    return -1;
  }
  fclose(fp);
  exact = xmalloc(len);
  if (len)
    memcpy(exact, buf, len);
  free(buf);
  *out = exact;
  *outlen = len;
  return 0;
}

int main(int argc, char **argv)
{
  struct pathlist files = { NULL, 0, 0 };
  int i, failed = 0;
  size_t k;

  if (argc > 0 && argv[0] != NULL && argv[0][0] != '\0') {
    const char *slash = strrchr(argv[0], '/');
    progname = slash ? slash + 1 : argv[0];
  }
  signal(SIGABRT, on_abort);
#ifdef REPLAY_SANITIZER
  __sanitizer_set_death_callback(name_current);
#endif
  for (i = 1; i < argc; i++)
    collect(&files, argv[i]);
  if (files.n == 0) {
    puts("1..0 # SKIP no input files");
    return 0;
  }
  printf("1..%zu\n", files.n);
  for (k = 0; k < files.n; k++) {
    uint8_t *data;
    size_t len;

    /* What is printed so far must be out before a crash. */
    fflush(stdout);
    if (slurp(files.v[k], &data, &len) != 0) {
      printf("not ok %zu - %s # %s\n", k + 1, files.v[k], strerror(errno));
      failed = 1;
    } else {
      current = files.v[k];
      LLVMFuzzerTestOneInput(data, len);
      current = NULL;
      free(data);
      printf("ok %zu - %s\n", k + 1, files.v[k]);
    }
    free(files.v[k]);
  }
  free(files.v);
  return failed;
}
