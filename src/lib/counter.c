/*
 * x12kit - control-number counter kept in a file (see counter.h).
 *
 * One call: lock FILE.lock (flock, exclusive), read FILE, write the next
 * number to a temporary file in the same directory, fsync it, rename it
 * over FILE, fsync the directory, unlock.  The lock lives on a file that
 * is never replaced: locking FILE itself would not do, since a process
 * waiting on the old FILE would wake up holding a file that the rename
 * has already taken out of the directory.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE /* flock, mkstemp, O_CLOEXEC, O_NOFOLLOW, O_DIRECTORY */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The longest content accepted: 9 digits and a newline. */
#define COUNTER_TEXT_MAX 10

/* "cannot WHAT: reason" from |e|, an errno value. */
static int fail_errno(x12kit_error *err, const char *what, int e)
{
  if (e == ENOMEM)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "cannot %s: out of memory", what);
  return x12kitp_fail(err, X12KIT_ERR_IO, "cannot %s: %s", what, strerror(e));
}

/* |a| followed by |b|, in a new string. */
static char *concat(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);
  char *s = malloc(na + nb + 1);

  if (s) {
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
  }
  return s;
}

/* The directory part of |path|: "." for a bare name, "/" for "/name". */
static char *dir_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  size_t n;
  char *d;

  if (slash == NULL)
    return concat(".", "");
  n = slash == path ? 1 : (size_t)(slash - path);
  d = malloc(n + 1);
  if (d) {
    memcpy(d, path, n);
    d[n] = '\0';
  }
  return d;
}

/*
 * Reads the last number from the open counter file |fd|: 1 to 9 digits
 * and an optional newline, 0 to X12KIT_CONTROL_MAX.
 */
static int read_number(int fd, unsigned long *last, x12kit_error *err)
{
  char text[COUNTER_TEXT_MAX + 2];
  size_t len = 0, i, digits;
  ssize_t got;

  while (len < sizeof text - 1) {
    got = read(fd, text + len, sizeof text - 1 - len);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return fail_errno(err, "read the counter file", errno);
    if (got == 0)
      break;
    len += (size_t)got;
  }
  digits = len > 0 && text[len - 1] == '\n' ? len - 1 : len;
  *last = 0;
  for (i = 0; i < digits && text[i] >= '0' && text[i] <= '9'; i++)
    *last = *last * 10 + (unsigned long)(text[i] - '0');
  if (digits == 0 || digits > 9 || i != digits)
    return x12kitp_fail(err, X12KIT_ERR_DATA, "the counter file does not hold one number from 0 to "
                        "999999999 (digits and a newline); it was left as it is: repair it, it "
                        "must hold the last control number used");
  return X12KIT_OK;
}

static int write_all(int fd, const char *s, size_t n)
{
  ssize_t put;

  while (n > 0) {
    put = write(fd, s, n);
    if (put < 0 && errno == EINTR)
      continue;
    if (put < 0)
      return -1;
    s += put;
    n -= (size_t)put;
  }
  return 0;
}

/*
 * Writes |next| to a new temporary file beside |path| (mode |mode|),
 * flushes it and renames it over |path|, then flushes |dir|.
 */
static int replace(const char *path, const char *dir, mode_t mode, unsigned long next,
                   x12kit_error *err)
{
  char text[24];
  char *tmp = concat(path, ".XXXXXX");
  int fd, dfd, n, rc = X12KIT_OK;

  if (tmp == NULL)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  n = snprintf(text, sizeof text, "%lu\n", next);
  fd = mkstemp(tmp);
  if (fd < 0) {
    rc = fail_errno(err, "create a temporary file beside the counter file", errno);
    free(tmp);
    return rc;
  }
  if (fchmod(fd, mode) != 0 || write_all(fd, text, (size_t)n) != 0 || fsync(fd) != 0)
    rc = fail_errno(err, "write the new number to a temporary file", errno);
  if (close(fd) != 0 && rc == X12KIT_OK)
    rc = fail_errno(err, "write the new number to a temporary file", errno);
  if (rc == X12KIT_OK && rename(tmp, path) != 0)
    rc = fail_errno(err, "rename the temporary file over the counter file", errno);
  if (rc != X12KIT_OK) {
    (void)unlink(tmp);
    free(tmp);
    return rc;
  }
  free(tmp);

  /* the rename itself must reach the disk before the number is used */
  dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return fail_errno(err, "open the counter file's directory to flush it", errno);
  if (fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP)
    rc = fail_errno(err, "flush the counter file's directory", errno);
  (void)close(dfd);
  return rc;
}

int x12kit_counter_next(const char *path, unsigned long *out, x12kit_error *err)
{
  char *lock = NULL, *dir = NULL;
  unsigned long last = 0, next;
  mode_t mode = 0644;
  struct stat st;
  int lfd = -1, fd, rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (path == NULL || *path == '\0' || out == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no counter file, or nowhere to put the number");
  lock = concat(path, ".lock");
  dir = dir_of(path);
  if (lock == NULL || dir == NULL) {
    rc = x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
    goto done;
  }

  /* read-only is enough for flock, and opens a lock file another user made */
  lfd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (lfd < 0) {
    rc = fail_errno(err, "create or open the counter's lock file", errno);
    goto done;
  }
  while ((rc = flock(lfd, LOCK_EX)) != 0 && errno == EINTR)
    ;
  if (rc != 0) {
    rc = fail_errno(err, "lock the counter's lock file", errno);
    goto done;
  }

  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno != ENOENT) {
    if (errno == ELOOP)
      rc = x12kitp_fail(err, X12KIT_ERR_IO, "the counter file is a symbolic link; give the path of "
                        "the file itself");
    else
      rc = fail_errno(err, "open the counter file", errno);
    goto done;
  }
  if (fd >= 0) {
    if (fstat(fd, &st) != 0) {
      rc = fail_errno(err, "read the counter file", errno);
    } else if (!S_ISREG(st.st_mode)) {
      rc = x12kitp_fail(err, X12KIT_ERR_IO, "the counter file is not a regular file");
    } else {
      mode = st.st_mode & 0777;
      rc = read_number(fd, &last, err);
    }
    (void)close(fd);
    if (rc != X12KIT_OK)
      goto done;
  }

  next = last >= X12KIT_CONTROL_MAX ? 1 : last + 1;
  rc = replace(path, dir, mode, next, err);
  if (rc == X12KIT_OK)
    *out = next;

done:
  if (lfd >= 0)
    (void)close(lfd); /* releases the lock */
  free(lock);
  free(dir);
  return rc;
}
