/*
 * x12kit - lexer throughput and memory benchmark.
 *
 *     bench_lexer [--size MB] [--quick] [--file PATH]
 *
 * Writes a synthetic 271 interchange of about --size MB (default 100;
 * --quick means 10) with the x12kit writer: one ISA, one GS, and as many
 * ST..SE eligibility responses as fit, each one subscriber with payer,
 * provider, name, address, demographics, dates, 10 to 15 EB benefit
 * segments (repeating EB03, composite EB13), MSG and an LS/LE loop.
 * All names and numbers are made up.  With --file the file is read if
 * it exists and written there otherwise; without it, a temporary file
 * is used and removed.
 *
 * Figures (MB = 10^6 bytes):
 *  (a) tokenizing from memory, fed in 1 MiB chunks, best of 3: MB/s and
 *      segments/s;
 *  (b) streaming from the file with read(2) in 64 KiB chunks: MB/s, and
 *      the peak RSS of a child process that streams a file a tenth of
 *      the size and one that streams the whole file;
 *  (c) tokenizing plus envelope checks from memory, best of 3: MB/s.
 *
 * Exits 1 if lexing or the envelope checks report anything on the
 * generated file, 2 on usage or system errors.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <x12kit/x12kit.h>

#define MB 1000000.0
#define MEM_CHUNK (1024u * 1024u)
#define READ_CHUNK (64u * 1024u)
#define RUNS 3
#define TARGET_MBPS 1000.0
#define FLAT_KIB 1024L        /* allowed RSS growth from the small to the big file */

#if defined(__GNUC__)
#define BENCH_DIES(f, a) __attribute__((format(printf, f, a), noreturn))
#else
#define BENCH_DIES(f, a)
#endif

static const char *progname = "bench_lexer";

static void die(const char *fmt, ...) BENCH_DIES(1, 2);

static void die(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: ", progname);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static double now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- generating the 271 ------------------------------------------------ */

struct out {
  int fd;
  uint64_t bytes;
};

static int write_fd(void *user_data, const char *buf, size_t len)
{
  struct out *o = user_data;

  while (len > 0) {
    ssize_t n = write(o->fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
    o->bytes += (uint64_t)n;
  }
  return 0;
}

/*
 * Writes one segment.  In the element strings '^' separates repetitions
 * and ':' components; the generated file uses the same characters.
 */
static void put_segment(x12kit_writer *w, const char *id, const char *const *el, size_t n)
{
  char part[128];
  size_t i;
  int rc = x12kit_writer_begin(w, id);

  for (i = 0; i < n && rc == X12KIT_OK; i++) {
    const char *p = el[i];
    char sep = 0;

    do {
      size_t len = strcspn(p, "^:");
      if (len >= sizeof part)
        die("element too long in a template");
      memcpy(part, p, len);
      part[len] = '\0';
      if (sep == 0)
        rc = x12kit_writer_element(w, part);
      else if (sep == '^')
        rc = x12kit_writer_repetition(w, part);
      else
        rc = x12kit_writer_component(w, part);
      p += len;
      sep = *p;
      if (sep)
        p++;
    } while (sep && rc == X12KIT_OK);
  }
  if (rc == X12KIT_OK)
    rc = x12kit_writer_end(w);
  if (rc != X12KIT_OK) {
    char msg[512];
    x12kit_error_format(x12kit_writer_error(w), msg, sizeof msg);
    die("writing %s: %s", id, msg);
  }
}

#define SEG(w, id, ...) \
  put_segment(w, id, (const char *const[]){ __VA_ARGS__ }, \
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

static void put_benefits(x12kit_writer *w, unsigned long i)
{
  char amt1[16], amt2[16], amt3[16];
  unsigned k, n = 10 + (unsigned)(i % 6);

  snprintf(amt1, sizeof amt1, "%lu", 250 + (i % 20) * 50);
  snprintf(amt2, sizeof amt2, "%lu.%02lu", 20 + i % 40, i % 100);
  snprintf(amt3, sizeof amt3, "%lu", 1500 + (i % 30) * 100);

  for (k = 0; k < n; k++) {
    switch (k) {
    case 0:
      SEG(w, "EB", "1", "IND", "1^33^35^47^86^88^98^AL^MH^UC", "HM", "SYNTHETIC GOLD PPO");
      break;
    case 1:
      SEG(w, "EB", "C", "IND", "30", "", "", "23", amt1, "", "", "", "", "Y");
      break;
    case 2:
      SEG(w, "EB", "C", "IND", "30", "", "", "29", amt1, "", "", "", "", "Y");
      break;
    case 3:
      SEG(w, "EB", "C", "FAM", "30", "", "", "23", amt3, "", "", "", "", "Y");
      break;
    case 4:
      SEG(w, "EB", "G", "IND", "30", "", "", "23", amt3, "", "", "", "", "Y");
      break;
    case 5:
      SEG(w, "EB", "A", "IND", "30", "", "", "27", "", ".2", "", "", "", "Y");
      break;
    case 6:
      SEG(w, "EB", "B", "IND", "98", "", "", "27", amt2, "", "", "", "", "Y");
      break;
    case 7:
      SEG(w, "EB", "B", "IND", "86", "", "", "27", "150", "", "", "", "", "Y");
      break;
    case 8:
      SEG(w, "EB", "B", "IND", "UC", "", "", "27", "75", "", "", "", "", "Y");
      break;
    case 9:
      SEG(w, "EB", "1", "IND", "", "", "", "", "", "", "", "", "", "Y", "HC:96365");
      break;
    case 10:
      SEG(w, "MSG", "BENEFITS SHOWN ARE FOR IN-NETWORK PROVIDERS");
      break;
    case 11:
      SEG(w, "EB", "A", "IND", "AL", "", "", "27", "", ".3", "", "", "", "N");
      break;
    case 12:
      SEG(w, "EB", "CB", "IND", "MH", "", "", "27", "", "", "VS", "30", "", "Y");
      break;
    case 13:
      SEG(w, "EB", "1", "IND", "88", "", "", "", "", "", "", "", "", "Y", "HC:J3490:JW");
      break;
    case 14:
      SEG(w, "EB", "B", "IND", "47", "", "", "27", "500", "", "", "", "Y", "Y");
      break;
    default:
      break;
    }
  }
}

static void put_transaction(x12kit_writer *w, unsigned long i)
{
  char ctrl[16], trace[32], member[16], dob[16], zip[16], street[48], npi[16];
  const char *sex = (i & 1) ? "F" : "M";
  int rc;

  snprintf(ctrl, sizeof ctrl, "%04lu", i + 1);
  snprintf(trace, sizeof trace, "93175-%09lu", i + 1);
  snprintf(member, sizeof member, "W%09lu", 100000000 + i);
  snprintf(dob, sizeof dob, "19%02lu%02lu%02lu", 40 + i % 60, 1 + i % 12, 1 + i % 28);
  snprintf(zip, sizeof zip, "%05lu%04lu", 10000 + i % 89999, i % 10000);
  snprintf(street, sizeof street, "%lu EXAMPLE STREET APT %lu", 100 + i % 9000, 1 + i % 40);
  snprintf(npi, sizeof npi, "19%08lu", i % 100000000);

  rc = x12kit_writer_transaction(w, "271", ctrl, NULL);
  if (rc != X12KIT_OK)
    die("x12kit_writer_transaction: %s", x12kit_strerror(rc));
  SEG(w, "BHT", "0022", "11", trace, "20240115", "1030");
  SEG(w, "HL", "1", "", "20", "1");
  SEG(w, "NM1", "PR", "2", "SYNTHETIC HEALTH PLAN", "", "", "", "", "PI", "999990001");
  SEG(w, "HL", "2", "1", "21", "1");
  SEG(w, "NM1", "1P", "2", "EXAMPLE CLINIC GROUP", "", "", "", "", "XX", npi);
  SEG(w, "HL", "3", "2", "22", "0");
  SEG(w, "TRN", "2", trace, "9877281234");
  SEG(w, "NM1", "IL", "1", last_names[i % N_OF(last_names)],
      first_names[(i / 16) % N_OF(first_names)], (i & 2) ? "Q" : "", "", "", "MI", member);
  SEG(w, "REF", "6P", "GRP00012345", "SYNTHETIC EMPLOYER GROUP");
  SEG(w, "N3", street);
  SEG(w, "N4", cities[i % N_OF(cities)], "ZZ", zip);
  SEG(w, "DMG", "D8", dob, sex);
  SEG(w, "DTP", "346", "D8", "20240101");
  SEG(w, "DTP", "356", "RD8", "20240101-20241231");
  put_benefits(w, i);
  SEG(w, "LS", "2120");
  SEG(w, "NM1", "X3", "2", "SYNTHETIC UTILIZATION REVIEW", "", "", "", "", "PI", "999990002");
  SEG(w, "PER", "IC", "", "TE", "8005550100");
  SEG(w, "LE", "2120");
  rc = x12kit_writer_end_transaction(w);
  if (rc != X12KIT_OK)
    die("x12kit_writer_end_transaction: %s", x12kit_strerror(rc));
}

/* Writes a 271 interchange of at least |target| bytes to |fd|. */
static unsigned long generate(int fd, uint64_t target, uint64_t *bytes)
{
  static const x12kit_isa_fields isa = {
    "00", "", "00", "", "ZZ", "SYNTHPAYER", "ZZ", "SYNTHCLEAR", "240115", "1030",
    1, 0, 'T'
  };
  static const x12kit_gs_fields gs = {
    "HB", "SYNTHPAYER", "SYNTHCLEAR", "20240115", "1030", 1, "005010X279A1"
  };
  struct out o = { fd, 0 };
  x12kit_writer *w;
  unsigned long i = 0;

  if (x12kit_writer_new(&w, write_fd, &o, NULL, NULL) != X12KIT_OK)
    die("x12kit_writer_new failed");
  if (x12kit_writer_set_line_end(w, "\n") != X12KIT_OK
      || x12kit_writer_interchange(w, &isa) != X12KIT_OK
      || x12kit_writer_group(w, &gs) != X12KIT_OK)
    die("cannot start the interchange");
  /* The writer flushes every 64 KiB or so; stop once past the target. */
  while (o.bytes < target)
    put_transaction(w, i++);
  if (x12kit_writer_end_group(w) != X12KIT_OK
      || x12kit_writer_end_interchange(w) != X12KIT_OK
      || x12kit_writer_flush(w) != X12KIT_OK)
    die("cannot finish the interchange: %s", strerror(errno));
  x12kit_writer_free(w);
  *bytes = o.bytes;
  return i;
}

/* A temporary file, unlinked at once: it goes away however we exit. */
static int temp_file(void)
{
  const char *dir = getenv("TMPDIR");
  char path[4096];
  int fd;

  if (dir == NULL || *dir == '\0')
    dir = P_tmpdir;
  if ((size_t)snprintf(path, sizeof path, "%s/x12kit-bench-XXXXXX", dir) >= sizeof path)
    die("TMPDIR too long");
  fd = mkstemp(path);
  if (fd < 0)
    die("cannot create a file in %s: %s", dir, strerror(errno));
  unlink(path);
  return fd;
}

static uint64_t file_size(int fd)
{
  struct stat st;

  if (fstat(fd, &st) != 0)
    die("fstat: %s", strerror(errno));
  return (uint64_t)st.st_size;
}

/* --- lexing ------------------------------------------------------------ */

struct tally {
  unsigned long segments;
  unsigned long elements;
  unsigned long sink;          /* folded bytes, so no read is dropped */
  unsigned long transactions;
  unsigned long env_errors;
  int lex_rc;                  /* X12KIT_END or the failure */
  char lex_msg[512];
};

static int on_event(void *user_data, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  struct tally *t = user_data;

  (void)info;
  (void)pos;
  if (ev == X12KIT_TRANSACTION_END)
    t->transactions++;
  return 0;
}

static int on_error(void *user_data, const x12kit_error *err)
{
  struct tally *t = user_data;
  char msg[512];

  if (t->env_errors++ < 5) {
    x12kit_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s: envelope: %s\n", progname, msg);
  }
  return 0;
}

static void touch(struct tally *t, const x12kit_segment *seg)
{
  x12kit_slice e1 = x12kit_segment_element(seg, 1);

  t->segments++;
  t->elements += x12kit_segment_count(seg);
  t->sink += (unsigned char)x12kit_segment_id(seg)[0] + e1.len;
}

/* Takes segments until the lexer wants input; returns 0 or the failure. */
static int drain(x12kit_lexer *lx, x12kit_envelope *env, struct tally *t)
{
  const x12kit_segment *seg;
  int rc;

  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
    touch(t, seg);
    if (env != NULL && (rc = x12kit_envelope_segment(env, seg)) != X12KIT_OK)
      return rc;
  }
  return rc == X12KIT_NEED_INPUT || rc == X12KIT_END ? 0 : rc;
}

static void lex_failed(x12kit_lexer *lx, struct tally *t, int rc)
{
  const x12kit_error *err = x12kit_lexer_error(lx);

  t->lex_rc = rc;
  if (err != NULL)
    x12kit_error_format(err, t->lex_msg, sizeof t->lex_msg);
  else
    snprintf(t->lex_msg, sizeof t->lex_msg, "%s", x12kit_strerror(rc));
}

/* Lexes |len| bytes of memory in |chunk|-byte pieces, optionally checked. */
static void lex_memory(const char *buf, size_t len, int check, struct tally *t)
{
  x12kit_envelope *env = NULL;
  x12kit_lexer *lx;
  size_t off;
  int rc = 0;

  memset(t, 0, sizeof *t);
  if (x12kit_lexer_new(&lx, NULL) != X12KIT_OK)
    die("x12kit_lexer_new failed");
  if (check) {
    if (x12kit_envelope_new(&env, NULL) != X12KIT_OK)
      die("x12kit_envelope_new failed");
    x12kit_envelope_set_callbacks(env, on_event, on_error, t);
  }
  for (off = 0; off < len && rc == 0; off += MEM_CHUNK) {
    size_t n = len - off < MEM_CHUNK ? len - off : MEM_CHUNK;
    rc = x12kit_lexer_feed(lx, buf + off, n);
    if (rc == X12KIT_OK)
      rc = drain(lx, env, t);
  }
  if (rc == 0)
    rc = x12kit_lexer_finish(lx);
  if (rc == 0)
    rc = drain(lx, env, t);
  if (rc == 0 && env != NULL)
    rc = x12kit_envelope_finish(env);
  if (rc != 0)
    lex_failed(lx, t, rc);
  else
    t->lex_rc = X12KIT_END;
  x12kit_envelope_free(env);
  x12kit_lexer_free(lx);
}

/* Streams the file behind |fd| through a lexer with read(2). */
static void lex_stream(int fd, struct tally *t)
{
  static char buf[READ_CHUNK];
  x12kit_lexer *lx;
  int rc = 0;

  memset(t, 0, sizeof *t);
  if (lseek(fd, 0, SEEK_SET) != 0)
    die("lseek: %s", strerror(errno));
  if (x12kit_lexer_new(&lx, NULL) != X12KIT_OK)
    die("x12kit_lexer_new failed");
  while (rc == 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      die("read: %s", strerror(errno));
    }
    if (n == 0)
      break;
    rc = x12kit_lexer_feed(lx, buf, (size_t)n);
    if (rc == X12KIT_OK)
      rc = drain(lx, NULL, t);
  }
  if (rc == 0)
    rc = x12kit_lexer_finish(lx);
  if (rc == 0)
    rc = drain(lx, NULL, t);
  if (rc != 0)
    lex_failed(lx, t, rc);
  else
    t->lex_rc = X12KIT_END;
  x12kit_lexer_free(lx);
}

/* What a child process reports back. */
struct child_result {
  double seconds;
  long maxrss_kib;
  struct tally t;
};

/*
 * Streams |fd| in a child process (or only measures it, when |fd| < 0)
 * so that its peak RSS is not the parent's.
 */
static void stream_in_child(int fd, struct child_result *res)
{
  int pipefd[2], status;
  pid_t pid;
  ssize_t n;

  if (pipe(pipefd) != 0)
    die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0) {
    struct child_result r;
    struct rusage ru;
    double t0;

    memset(&r, 0, sizeof r);
    close(pipefd[0]);
    t0 = now();
    if (fd >= 0)
      lex_stream(fd, &r.t);
    r.seconds = now() - t0;
    getrusage(RUSAGE_SELF, &ru);
    r.maxrss_kib = ru.ru_maxrss;
    if (write(pipefd[1], &r, sizeof r) != (ssize_t)sizeof r)
      _exit(1);
    _exit(0);
  }
  close(pipefd[1]);
  do
    n = read(pipefd[0], res, sizeof *res);
  while (n < 0 && errno == EINTR);
  close(pipefd[0]);
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0
      || n != (ssize_t)sizeof *res)
    die("benchmark child process failed");
}

static char *load(int fd, size_t len)
{
  char *buf = malloc(len ? len : 1);
  size_t got = 0;

  if (buf == NULL)
    die("cannot allocate %zu bytes", len);
  if (lseek(fd, 0, SEEK_SET) != 0)
    die("lseek: %s", strerror(errno));
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      die("read: %s", n < 0 ? strerror(errno) : "file shrank");
    got += (size_t)n;
  }
  return buf;
}

static int report_lex(const char *what, const struct tally *t)
{
  if (t->lex_rc == X12KIT_END && t->env_errors == 0)
    return 0;
  if (t->lex_rc != X12KIT_END)
    fprintf(stderr, "%s: %s: lexing failed: %s\n", progname, what, t->lex_msg);
  if (t->env_errors != 0)
    fprintf(stderr, "%s: %s: %lu envelope errors\n", progname, what, t->env_errors);
  return 1;
}

static void usage(FILE *fp)
{
  fprintf(fp,
          "usage: %s [--size MB] [--quick] [--file PATH]\n"
          "  --size MB    size of the generated 271 in 10^6 bytes (default 100)\n"
          "  --quick      same as --size 10, for smoke runs\n"
          "  --file PATH  lex PATH if it exists, else generate it there and keep it\n",
          progname);
}

int main(int argc, char **argv)
{
  const char *file = NULL;
  unsigned long size_mb = 100, txns = 0;
  uint64_t big_len, small_len, gen_bytes;
  struct child_result base, small, big;
  struct tally t;
  double best_a = 0, best_c = 0, gen_s = 0, t0, s;
  unsigned long segs_a = 0;
  int big_fd, small_fd, i, bad = 0;
  long growth;
  char *mem;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
      char *end;
      size_mb = strtoul(argv[++i], &end, 10);
      if (*end != '\0' || size_mb == 0 || size_mb > 100000)
        die("--size wants a number of MB from 1 to 100000");
    } else if (strcmp(argv[i], "--quick") == 0) {
      size_mb = 10;
    } else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
      file = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }

  printf("x12kit %s lexer benchmark (MB = 10^6 bytes)\n", x12kit_version());

  /* The input file. */
  if (file != NULL && (big_fd = open(file, O_RDONLY)) >= 0) {
    big_len = file_size(big_fd);
    printf("input: %s, %.1f MB (existing file)\n", file, (double)big_len / MB);
  } else {
    if (file != NULL) {
      big_fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
      if (big_fd < 0)
        die("cannot create %s: %s", file, strerror(errno));
    } else {
      big_fd = temp_file();
    }
    t0 = now();
    txns = generate(big_fd, (uint64_t)size_mb * 1000000u, &gen_bytes);
    gen_s = now() - t0;
    big_len = file_size(big_fd);
    printf("input: %s, %.1f MB, %lu transactions, written in %.2f s (%.0f MB/s)\n",
           file ? file : "temporary 271 file", (double)big_len / MB, txns, gen_s,
           (double)big_len / MB / gen_s);
  }

  /* (b) first, while this process is still small, so that no kernel
     can put the parent's copy of the file on a child's account. */
  small_fd = temp_file();
  generate(small_fd, big_len / 10, &small_len);
  stream_in_child(-1, &base);
  stream_in_child(small_fd, &small);
  stream_in_child(big_fd, &big);
  close(small_fd);
  bad |= report_lex("streaming the small file", &small.t);
  bad |= report_lex("streaming", &big.t);

  /* (a) and (c) from memory. */
  mem = load(big_fd, (size_t)big_len);
  close(big_fd);
  for (i = 0; i < RUNS; i++) {
    t0 = now();
    lex_memory(mem, (size_t)big_len, 0, &t);
    s = now() - t0;
    bad |= report_lex("tokenizing", &t);
    if (best_a == 0 || s < best_a)
      best_a = s;
    segs_a = t.segments;
  }
  printf("\n(a) tokenizing from memory, 1 MiB chunks, best of %d\n", RUNS);
  printf("    %8.1f MB/s   %6.2f M segments/s   (%lu segments, %lu elements, %.3f s)\n",
         (double)big_len / MB / best_a, (double)segs_a / 1e6 / best_a, t.segments,
         t.elements, best_a);

  printf("\n(b) streaming from the file, read(2) in 64 KiB chunks\n");
  printf("    %8.1f MB/s   (%.1f MB file, %lu segments)\n",
         (double)big_len / MB / big.seconds, (double)big_len / MB, big.t.segments);
  printf("    peak RSS: %ld KiB with a %.1f MB file, %ld KiB with a %.1f MB file"
         " (process at rest: %ld KiB)\n",
         small.maxrss_kib, (double)small_len / MB, big.maxrss_kib, (double)big_len / MB,
         base.maxrss_kib);

  for (i = 0; i < RUNS; i++) {
    t0 = now();
    lex_memory(mem, (size_t)big_len, 1, &t);
    s = now() - t0;
    bad |= report_lex("envelope checks", &t);
    if (best_c == 0 || s < best_c)
      best_c = s;
  }
  printf("\n(c) tokenizing + envelope checks from memory, best of %d\n", RUNS);
  printf("    %8.1f MB/s   (%lu transactions, %lu envelope errors, %.3f s)\n",
         (double)big_len / MB / best_c, t.transactions, t.env_errors, best_c);
  free(mem);

  growth = big.maxrss_kib - small.maxrss_kib;
  printf("\ntargets\n");
  printf("    tokenizing >= %.0f MB/s on one core: %s (%.1f MB/s)\n", TARGET_MBPS,
         (double)big_len / MB / best_a >= TARGET_MBPS ? "met" : "NOT met",
         (double)big_len / MB / best_a);
  printf("    flat memory (peak RSS grows < %ld KiB from the small to the big file): %s"
         " (%+ld KiB)\n", FLAT_KIB, growth < FLAT_KIB ? "met" : "NOT met", growth);
  if (txns != 0 && t.transactions != txns) {
    fprintf(stderr, "%s: %lu transactions written, %lu checked\n", progname, txns,
            t.transactions);
    bad = 1;
  }
  if (t.sink == 0 && t.elements == 0)
    fputc('\n', stdout);
  return bad;
}
