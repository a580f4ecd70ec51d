/*
 * x12kit - synthetic 271 interchanges for the benchmarks.  See gen271.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <x12kit/x12kit.h>

#include "gen271.h"

#if defined(__GNUC__)
#define GEN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GEN_PRINTF(f, a)
#endif

typedef struct gen {
  int fd;
  uint64_t bytes;              /* written to fd */
  int write_errno;
  x12kit_writer *w;
  int failed;                  /* sticky: nothing more is written */
  char *err;
  size_t errsize;
} gen;

static void fail(gen *g, const char *fmt, ...) GEN_PRINTF(2, 3);

static void fail(gen *g, const char *fmt, ...)
{
  va_list ap;

  if (g->failed)
    return;
  g->failed = 1;
  va_start(ap, fmt);
  vsnprintf(g->err, g->errsize, fmt, ap);
  va_end(ap);
}

static int write_fd(void *user_data, const char *buf, size_t len)
{
  gen *g = user_data;

  while (len > 0) {
    ssize_t n = write(g->fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      g->write_errno = errno;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
    g->bytes += (uint64_t)n;
  }
  return 0;
}

/* Why the writer failed, for a message. */
static const char *writer_reason(gen *g, int rc, char *buf, size_t size)
{
  const x12kit_error *e = x12kit_writer_error(g->w);

  if (rc == X12KIT_ERR_IO && g->write_errno != 0)
    snprintf(buf, size, "%s", strerror(g->write_errno));
  else if (e != NULL)
    x12kit_error_format(e, buf, size);
  else
    snprintf(buf, size, "%s", x12kit_strerror(rc));
  return buf;
}

/*
 * Writes one segment.  In the element strings '^' separates repetitions
 * and ':' components; the generated file uses the same characters.
 */
static void put_segment(gen *g, const char *id, const char *const *el, size_t n)
{
  char part[128], msg[512];
  size_t i;
  int rc;

  if (g->failed)
    return;
  rc = x12kit_writer_begin(g->w, id);
  for (i = 0; i < n && rc == X12KIT_OK; i++) {
    const char *p = el[i];
    char sep = 0;

    do {
      size_t len = strcspn(p, "^:");
      if (len >= sizeof part) {
        fail(g, "element too long in a template of %s", id);
        return;
      }
      memcpy(part, p, len);
      part[len] = '\0';
      if (sep == 0)
        rc = x12kit_writer_element(g->w, part);
      else if (sep == '^')
        rc = x12kit_writer_repetition(g->w, part);
      else
        rc = x12kit_writer_component(g->w, part);
      p += len;
      sep = *p;
      if (sep)
        p++;
    } while (sep && rc == X12KIT_OK);
  }
  if (rc == X12KIT_OK)
    rc = x12kit_writer_end(g->w);
  if (rc != X12KIT_OK)
    fail(g, "writing %s: %s", id, writer_reason(g, rc, msg, sizeof msg));
}

#define SEG(g, id, ...) \
  put_segment(g, id, (const char *const[]){ __VA_ARGS__ }, \
              sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static const char *const last_names[] = {
  "SAMPLE", "EXAMPLE", "TESTCASE", "PLACEHOLDER", "FICTION", "MOCK", "DUMMY", "SYNTHETIC",
  "NOBODY", "ANYONE", "SOMEONE", "EVERYONE", "OTHERSON", "FAKERLY", "MADEUP", "INVENTED"
};
static const char *const first_names[] = {
  "ALEX", "JORDAN", "TAYLOR", "MORGAN", "CASEY", "RILEY", "JAMIE", "AVERY",
  "QUINN", "ROWAN", "SAGE", "DREW", "ELLIS", "FINLEY", "HAYDEN", "KAI"
};
static const char *const cities[] = {
  "ANYTOWN", "SOMEWHERE", "NOWHERE CITY", "EXAMPLEVILLE", "SAMPLE SPRINGS", "TESTBURG"
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Loop 2110C: each EB starts a benefit; MSG belongs to the one before it. */
static void put_benefits(gen *g, unsigned long i)
{
  char amt1[16], amt2[16], amt3[16];
  unsigned k, n = 10 + (unsigned)(i % 6);

  snprintf(amt1, sizeof amt1, "%lu", 250 + (i % 20) * 50);
  snprintf(amt2, sizeof amt2, "%lu.%02lu", 20 + i % 40, i % 100);
  snprintf(amt3, sizeof amt3, "%lu", 1500 + (i % 30) * 100);

  for (k = 0; k < n; k++) {
    switch (k) {
    case 0:
      SEG(g, "EB", "1", "IND", "1^33^35^47^86^88^98^AL^MH^UC", "HM", "SYNTHETIC GOLD PPO");
      break;
    case 1:
      SEG(g, "EB", "C", "IND", "30", "", "", "23", amt1, "", "", "", "", "Y");
      break;
    case 2:
      SEG(g, "EB", "C", "IND", "30", "", "", "29", amt1, "", "", "", "", "Y");
      break;
    case 3:
      SEG(g, "EB", "C", "FAM", "30", "", "", "23", amt3, "", "", "", "", "Y");
      break;
    case 4:
      SEG(g, "EB", "G", "IND", "30", "", "", "23", amt3, "", "", "", "", "Y");
      break;
    case 5:
      SEG(g, "EB", "A", "IND", "30", "", "", "27", "", ".2", "", "", "", "Y");
      break;
    case 6:
      SEG(g, "EB", "B", "IND", "98", "", "", "27", amt2, "", "", "", "", "Y");
      break;
    case 7:
      SEG(g, "EB", "B", "IND", "86", "", "", "27", "150", "", "", "", "", "Y");
      break;
    case 8:
      SEG(g, "EB", "B", "IND", "UC", "", "", "27", "75", "", "", "", "", "Y");
      break;
    case 9:
      SEG(g, "EB", "1", "IND", "", "", "", "", "", "", "", "", "", "Y", "HC:96365");
      break;
    case 10:
      SEG(g, "MSG", "BENEFITS SHOWN ARE FOR IN-NETWORK PROVIDERS");
      break;
    case 11:
      SEG(g, "EB", "A", "IND", "AL", "", "", "27", "", ".3", "", "", "", "N");
      break;
    case 12:
      SEG(g, "EB", "CB", "IND", "MH", "", "", "27", "", "", "VS", "30", "", "Y");
      break;
    case 13:
      SEG(g, "EB", "1", "IND", "88", "", "", "", "", "", "", "", "", "Y", "HC:J3490:JW");
      break;
    case 14:
      SEG(g, "EB", "B", "IND", "47", "", "", "27", "500", "", "", "", "Y", "Y");
      break;
    default:
      break;
    }
  }
}

static void put_transaction(gen *g, unsigned long i)
{
  char ctrl[16], trace[32], member[16], dob[16], zip[16], street[48], npi[16], msg[512];
  const char *sex = (i & 1) ? "F" : "M";
  int rc;

  if (g->failed)
    return;
  snprintf(ctrl, sizeof ctrl, "%04lu", i + 1);
  snprintf(trace, sizeof trace, "93175-%09lu", i + 1);
  snprintf(member, sizeof member, "W%09lu", 100000000 + i);
  snprintf(dob, sizeof dob, "19%02lu%02lu%02lu", 40 + i % 60, 1 + i % 12, 1 + i % 28);
  snprintf(zip, sizeof zip, "%05lu%04lu", 10000 + i % 89999, i % 10000);
  snprintf(street, sizeof street, "%lu EXAMPLE STREET APT %lu", 100 + i % 9000, 1 + i % 40);
  snprintf(npi, sizeof npi, "19%08lu", i % 100000000);

  rc = x12kit_writer_transaction(g->w, "271", ctrl, NULL);
  if (rc != X12KIT_OK) {
    fail(g, "x12kit_writer_transaction: %s", writer_reason(g, rc, msg, sizeof msg));
    return;
  }
  SEG(g, "BHT", "0022", "11", trace, "20240115", "1030");
  SEG(g, "HL", "1", "", "20", "1");
  SEG(g, "NM1", "PR", "2", "SYNTHETIC HEALTH PLAN", "", "", "", "", "PI", "999990001");
  SEG(g, "HL", "2", "1", "21", "1");
  SEG(g, "NM1", "1P", "2", "EXAMPLE CLINIC GROUP", "", "", "", "", "XX", npi);
  SEG(g, "HL", "3", "2", "22", "0");
  SEG(g, "TRN", "2", trace, "9877281234");
  SEG(g, "NM1", "IL", "1", last_names[i % N_OF(last_names)],
      first_names[(i / 16) % N_OF(first_names)], (i & 2) ? "Q" : "", "", "", "MI", member);
  SEG(g, "REF", "6P", "GRP00012345", "SYNTHETIC EMPLOYER GROUP");
  SEG(g, "N3", street);
  SEG(g, "N4", cities[i % N_OF(cities)], "ZZ", zip);
  SEG(g, "DMG", "D8", dob, sex);
  SEG(g, "DTP", "346", "D8", "20240101");
  SEG(g, "DTP", "356", "RD8", "20240101-20241231");
  put_benefits(g, i);
  SEG(g, "LS", "2120");
  SEG(g, "NM1", "X3", "2", "SYNTHETIC UTILIZATION REVIEW", "", "", "", "", "PI", "999990002");
  SEG(g, "PER", "IC", "", "TE", "8005550100");
  SEG(g, "LE", "2120");
  if (g->failed)
    return;
  rc = x12kit_writer_end_transaction(g->w);
  if (rc != X12KIT_OK)
    fail(g, "x12kit_writer_end_transaction: %s", writer_reason(g, rc, msg, sizeof msg));
}

int gen271_write(int fd, uint64_t target, uint64_t *bytes, unsigned long *transactions,
                 char *err, size_t errsize)
{
  static const x12kit_isa_fields isa = {
    "00", "", "00", "", "ZZ", "SYNTHPAYER", "ZZ", "SYNTHCLEAR", "240115", "1030",
    1, 0, 'T'
  };
  static const x12kit_gs_fields gs = {
    "HB", "SYNTHPAYER", "SYNTHCLEAR", "20240115", "1030", 1, "005010X279A1"
  };
  char msg[512];
  unsigned long i = 0;
  gen g;
  int rc;

  memset(&g, 0, sizeof g);
  g.fd = fd;
  g.err = err;
  g.errsize = errsize;
  if (x12kit_writer_new(&g.w, write_fd, &g, NULL, NULL) != X12KIT_OK) {
    snprintf(err, errsize, "x12kit_writer_new failed");
    return -1;
  }
  if ((rc = x12kit_writer_set_line_end(g.w, "\n")) != X12KIT_OK
      || (rc = x12kit_writer_interchange(g.w, &isa)) != X12KIT_OK
      || (rc = x12kit_writer_group(g.w, &gs)) != X12KIT_OK)
    fail(&g, "cannot start the interchange: %s", writer_reason(&g, rc, msg, sizeof msg));
  /* The writer flushes every 64 KiB or so; stop once past the target. */
  while (!g.failed && g.bytes < target)
    put_transaction(&g, i++);
  if (!g.failed
      && ((rc = x12kit_writer_end_group(g.w)) != X12KIT_OK
          || (rc = x12kit_writer_end_interchange(g.w)) != X12KIT_OK
          || (rc = x12kit_writer_flush(g.w)) != X12KIT_OK))
    fail(&g, "cannot finish the interchange: %s", writer_reason(&g, rc, msg, sizeof msg));
  x12kit_writer_free(g.w);
  if (g.failed)
    return -1;
  *bytes = g.bytes;
  *transactions = i;
  return 0;
}

/* ---- helpers the benchmark programs share ---- */

const char *bench_progname = "bench";

void bench_die(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: ", bench_progname);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

double bench_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_temp_file(void)
{
  const char *dir = getenv("TMPDIR");
  char path[4096];
  int fd;

  if (dir == NULL || *dir == '\0')
    dir = P_tmpdir;
  if ((size_t)snprintf(path, sizeof path, "%s/x12kit-bench-XXXXXX", dir) >= sizeof path)
    bench_die("TMPDIR too long");
  fd = mkstemp(path);
  if (fd < 0)
    bench_die("cannot create a file in %s: %s", dir, strerror(errno));
  unlink(path);
  return fd;
}

uint64_t bench_file_size(int fd)
{
  struct stat st;

  if (fstat(fd, &st) != 0)
    bench_die("fstat: %s", strerror(errno));
  return (uint64_t)st.st_size;
}

unsigned long bench_generate(int fd, uint64_t target, uint64_t *bytes)
{
  unsigned long txns;
  char err[512];

  if (gen271_write(fd, target, bytes, &txns, err, sizeof err) != 0)
    bench_die("%s", err);
  return txns;
}

int bench_args(int argc, char **argv, unsigned long *size_mb, const char **file,
               void (*usage)(FILE *fp))
{
  int i;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
      char *end;
      *size_mb = strtoul(argv[++i], &end, 10);
      if (*end != '\0' || *size_mb == 0 || *size_mb > 100000)
        bench_die("--size wants a number of MB from 1 to 100000");
    } else if (strcmp(argv[i], "--quick") == 0) {
      *size_mb = 10;
    } else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
      *file = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  return -1;
}

int bench_input(const char *file, unsigned long size_mb, uint64_t *len, unsigned long *txns)
{
  uint64_t bytes;
  double t0, s;
  int fd;

  *txns = 0;
  if (file != NULL && (fd = open(file, O_RDONLY)) >= 0) {
    *len = bench_file_size(fd);
    printf("input: %s, %.1f MB (existing file)\n", file, (double)*len / 1e6);
    return fd;
  }
  if (file != NULL) {
    fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
      bench_die("cannot create %s: %s", file, strerror(errno));
  } else {
    fd = bench_temp_file();
  }
  t0 = bench_now();
  *txns = bench_generate(fd, (uint64_t)size_mb * 1000000u, &bytes);
  s = bench_now() - t0;
  *len = bench_file_size(fd);
  printf("input: %s, %.1f MB, %lu transactions, written in %.2f s (%.0f MB/s)\n",
         file ? file : "temporary 271 file", (double)*len / 1e6, *txns, s,
         (double)*len / 1e6 / s);
  return fd;
}

char *bench_load(int fd, size_t len)
{
  char *buf = malloc(len ? len : 1);
  size_t got = 0;

  if (buf == NULL)
    bench_die("cannot allocate %zu bytes", len);
  if (lseek(fd, 0, SEEK_SET) != 0)
    bench_die("lseek: %s", strerror(errno));
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      bench_die("read: %s", n < 0 ? strerror(errno) : "file shrank");
    got += (size_t)n;
  }
  return buf;
}

/* Reads exactly |len| bytes from |fd|; 0, or -1 on a short read or error. */
static int read_all(int fd, void *buf, size_t len)
{
  char *p = buf;

  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

void bench_in_child(void (*fn)(void *ud, void *out), void *ud, void *out, size_t out_size,
                    double *seconds, long *maxrss_kib)
{
  struct { double seconds; long maxrss_kib; } head;
  int pipefd[2], status, bad;
  pid_t pid;

  if (pipe(pipefd) != 0)
    bench_die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid = fork();
  if (pid < 0)
    bench_die("fork: %s", strerror(errno));
  if (pid == 0) {
    struct rusage ru;
    double t0;

    close(pipefd[0]);
    memset(&head, 0, sizeof head);
    t0 = bench_now();
    fn(ud, out);
    head.seconds = bench_now() - t0;
    getrusage(RUSAGE_SELF, &ru);
    head.maxrss_kib = ru.ru_maxrss;
    if (write(pipefd[1], &head, sizeof head) != (ssize_t)sizeof head ||
        write(pipefd[1], out, out_size) != (ssize_t)out_size)
      _exit(1);
    _exit(0);
  }
  close(pipefd[1]);
  bad = read_all(pipefd[0], &head, sizeof head) != 0 || read_all(pipefd[0], out, out_size) != 0;
  close(pipefd[0]);
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || bad)
    bench_die("benchmark child process failed");
  *seconds = head.seconds;
  *maxrss_kib = head.maxrss_kib;
}
