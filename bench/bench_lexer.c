/*
 * x12kit - lexer throughput and memory benchmark.
 *
 *     bench_lexer [--size MB] [--quick] [--file PATH]
 *
 * Writes a synthetic 271 interchange of about --size MB (default 100;
 * --quick means 10) with the x12kit writer (gen271.c): one ISA, one GS,
 * and as many ST..SE eligibility responses as fit, each one subscriber
 * with payer, provider, name, address, demographics, dates, 10 to 15 EB
 * benefit segments (repeating EB03, composite EB13), MSG and an LS/LE
 * loop.  All names and numbers are made up.  With --file the file is
 * read if it exists and written there otherwise; without it, a
 * temporary file is used and removed.
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

#include "gen271.h"

#define MB 1000000.0
#define MEM_CHUNK (1024u * 1024u)
#define READ_CHUNK (64u * 1024u)
#define RUNS 3
#define TARGET_MBPS 1000.0
#define FLAT_KIB 1024L        /* allowed RSS growth from the small to the big file */

static const char *progname = "bench_lexer";

#define die bench_die
#define now bench_now
#define temp_file bench_temp_file
#define file_size bench_file_size

#define generate bench_generate
#define load bench_load

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

/* The child's work: streams the descriptor at |ud| into the tally at |out|; nothing when < 0. */
static void stream_job_run(void *ud, void *out)
{
  int fd = *(int *)ud;

  if (fd >= 0)
    lex_stream(fd, out);
}

/*
 * Streams |fd| in a child process (or only measures it, when |fd| < 0)
 * so that its peak RSS is not the parent's.
 */
static void stream_in_child(int fd, struct child_result *res)
{
  memset(res, 0, sizeof *res);
  bench_in_child(stream_job_run, &fd, &res->t, sizeof res->t, &res->seconds, &res->maxrss_kib);
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
  uint64_t big_len, small_len;
  struct child_result base, small, big;
  struct tally t;
  double best_a = 0, best_c = 0, t0, s;
  unsigned long segs_a = 0;
  int big_fd, small_fd, i, bad = 0;
  long growth;
  char *mem;

  bench_progname = progname;
  if ((i = bench_args(argc, argv, &size_mb, &file, usage)) >= 0)
    return i;

  printf("x12kit %s lexer benchmark (MB = 10^6 bytes)\n", x12kit_version());

  /* The input file. */
  big_fd = bench_input(file, size_mb, &big_len, &txns);


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
