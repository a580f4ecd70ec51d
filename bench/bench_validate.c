/*
 * x12kit - validation throughput and memory benchmark.
 *
 *     bench_validate [--size MB] [--quick] [--file PATH]
 *
 * Writes the same synthetic 271 as bench_lexer (gen271.c), about --size
 * MB (default 100; --quick means 10), valid against schemas/271.xml.
 * With --file the file is read if it exists and written there otherwise;
 * without it, a temporary file is used and removed.  The maps come from
 * $X12KIT_SCHEMA_DIR, else from the source tree the program was built
 * from.
 *
 * Figures (MB = 10^6 bytes):
 *  (a) lexing + validation from memory, fed in 1 MiB chunks, best of 3:
 *      MB/s and transactions/s, without a transaction callback;
 *  (b) the same with a transaction callback, so that the validator
 *      builds each loop tree; the callback walks it and reads one
 *      element;
 *  (c) the peak RSS of child processes that stream a file a tenth of
 *      the size and the whole file (read(2), 1 MiB chunks) through the
 *      validator with the transaction callback: memory must not grow
 *      with the number of transactions.
 *
 * Exits 1 if the lexer or the validator reports anything on the input,
 * 2 on usage or system errors.  A missed target is reported but does not
 * change the exit status.
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
#define CHUNK (1024u * 1024u)
#define RUNS 3
#define TARGET_MBPS 200.0
#define FLAT_KIB 1024L        /* allowed RSS growth from the small to the big file */
#define SHOW_FINDINGS 5       /* findings printed before the count */

static const char *progname = "bench_validate";

#define die bench_die
#define now bench_now
#define temp_file bench_temp_file
#define file_size bench_file_size

#define generate bench_generate
#define load bench_load

/* --- the maps ------------------------------------------------------------- */

static const char *schema_dir(void)
{
  const char *dir = getenv("X12KIT_SCHEMA_DIR");

  if (dir != NULL && *dir != '\0')
    return dir;
#ifdef X12KIT_BENCH_SCHEMA_DIR
  return X12KIT_BENCH_SCHEMA_DIR;
#else
  return x12kit_schema_default_dir();
#endif
}

static x12kit_schema *load_schema(const char *dir)
{
  x12kit_schema *schema;
  x12kit_error err;
  int rc;

  memset(&err, 0, sizeof err);
  rc = x12kit_schema_load(&schema, dir, NULL, &err);
  if (rc != X12KIT_OK)
    die("cannot load the implementation-guide maps from %s: %s", dir,
        err.text[0] ? err.text : x12kit_strerror(rc));
  return schema;
}

/* --- validating ------------------------------------------------------------ */

struct tally {
  unsigned long segments;
  unsigned long transactions;
  unsigned long findings;
  unsigned long nodes;         /* loop tree nodes walked */
  unsigned long sink;          /* folded reads, so none is dropped */
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

static int on_finding(void *user_data, const x12kit_error *err)
{
  struct tally *t = user_data;
  char msg[512];

  if (t->findings++ < SHOW_FINDINGS) {
    x12kit_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s: finding: %s\n", progname, msg);
  }
  return 0;
}

static unsigned long count_nodes(const x12kit_node *n)
{
  const x12kit_node *c;
  unsigned long k = 1;

  for (c = x12kit_node_first_child(n); c != NULL; c = x12kit_node_next(c))
    k += count_nodes(c);
  return k;
}

/* What an application might do: walk the tree, pick out the subscriber ID. */
static int on_transaction(void *user_data, const x12kit_guide *guide,
                          const x12kit_transaction_info *st, const x12kit_node *root)
{
  struct tally *t = user_data;
  const x12kit_node *nm1 = x12kit_node_find(root, "2000A/2000B/2000C/2100C/NM1");

  (void)guide;
  (void)st;
  t->nodes += count_nodes(root);
  if (nm1 != NULL)
    t->sink += x12kit_node_element(nm1, "NM109").len;
  return 0;
}

struct run {
  x12kit_lexer *lx;
  x12kit_validator *v;
  struct tally *t;
};

static void run_new(struct run *r, const x12kit_schema *schema, int tree, struct tally *t)
{
  memset(t, 0, sizeof *t);
  r->t = t;
  if (x12kit_lexer_new(&r->lx, NULL) != X12KIT_OK
      || x12kit_validator_new(&r->v, schema, NULL) != X12KIT_OK)
    die("out of memory");
  x12kit_validator_set_callbacks(r->v, on_event, on_finding, tree ? on_transaction : NULL, t);
}

/* Takes segments until the lexer wants input; returns 0 or the failure. */
static int drain(struct run *r)
{
  const x12kit_segment *seg;
  int rc;

  while ((rc = x12kit_lexer_next(r->lx, &seg)) == X12KIT_OK) {
    r->t->segments++;
    if ((rc = x12kit_validator_segment(r->v, seg)) != X12KIT_OK)
      return rc;
  }
  return rc == X12KIT_NEED_INPUT || rc == X12KIT_END ? 0 : rc;
}

/* Feeds one chunk (NULL: the end of input); returns 0 or the failure. */
static int run_feed(struct run *r, const char *buf, size_t len)
{
  int rc = buf ? x12kit_lexer_feed(r->lx, buf, len) : x12kit_lexer_finish(r->lx);

  if (rc == X12KIT_OK)
    rc = drain(r);
  if (rc == 0 && buf == NULL)
    rc = x12kit_validator_finish(r->v);
  return rc;
}

static void run_end(struct run *r, int rc)
{
  struct tally *t = r->t;

  if (rc == 0) {
    t->lex_rc = X12KIT_END;
  } else {
    const x12kit_error *err = x12kit_lexer_error(r->lx);

    t->lex_rc = rc;
    if (err != NULL)
      x12kit_error_format(err, t->lex_msg, sizeof t->lex_msg);
    else
      snprintf(t->lex_msg, sizeof t->lex_msg, "%s", x12kit_strerror(rc));
  }
  x12kit_validator_free(r->v);
  x12kit_lexer_free(r->lx);
}

/* Validates |len| bytes of memory, fed in CHUNK-byte pieces. */
static void validate_memory(const x12kit_schema *schema, const char *buf, size_t len, int tree,
                            struct tally *t)
{
  struct run r;
  size_t off;
  int rc = 0;

  run_new(&r, schema, tree, t);
  for (off = 0; off < len && rc == 0; off += CHUNK)
    rc = run_feed(&r, buf + off, len - off < CHUNK ? len - off : CHUNK);
  if (rc == 0)
    rc = run_feed(&r, NULL, 0);
  run_end(&r, rc);
}

/* Validates the file behind |fd|, read with read(2). */
static void validate_stream(const x12kit_schema *schema, int fd, struct tally *t)
{
  static char buf[CHUNK];
  struct run r;
  int rc = 0;

  if (lseek(fd, 0, SEEK_SET) != 0)
    die("lseek: %s", strerror(errno));
  run_new(&r, schema, 1, t);
  while (rc == 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      die("read: %s", strerror(errno));
    }
    if (n == 0)
      break;
    rc = run_feed(&r, buf, (size_t)n);
  }
  if (rc == 0)
    rc = run_feed(&r, NULL, 0);
  run_end(&r, rc);
}

/* What a child process reports back. */
struct child_result {
  double seconds;
  long maxrss_kib;
  struct tally t;
};

struct validate_job {
  const x12kit_schema *schema;
  int fd;
};

/* The child's work: validates job->fd into the tally at |out|; nothing when fd < 0. */
static void validate_job_run(void *ud, void *out)
{
  struct validate_job *job = ud;

  if (job->fd >= 0)
    validate_stream(job->schema, job->fd, out);
}

/*
 * Validates |fd| in a child process (or only measures it, when |fd| < 0)
 * so that its peak RSS is not the parent's.
 */
static void validate_in_child(const x12kit_schema *schema, int fd, struct child_result *res)
{
  struct validate_job job = { schema, fd };

  memset(res, 0, sizeof *res);
  bench_in_child(validate_job_run, &job, &res->t, sizeof res->t, &res->seconds,
                 &res->maxrss_kib);
}

/* 1 when |t| shows a problem with the input, after saying what. */
static int report(const char *what, const struct tally *t, unsigned long txns)
{
  int bad = 0;

  if (t->lex_rc != X12KIT_END) {
    fprintf(stderr, "%s: %s: lexing failed: %s\n", progname, what, t->lex_msg);
    bad = 1;
  }
  if (t->findings != 0) {
    fprintf(stderr, "%s: %s: %lu findings (the input should be valid)\n", progname, what,
            t->findings);
    bad = 1;
  }
  if (txns != 0 && t->transactions != txns) {
    fprintf(stderr, "%s: %s: %lu transactions written, %lu validated\n", progname, what, txns,
            t->transactions);
    bad = 1;
  }
  return bad;
}

/* Best of RUNS validations of |mem|; the tally is the last run's. */
static double best_of(const x12kit_schema *schema, const char *mem, size_t len, int tree,
                      unsigned long txns, struct tally *t, int *bad)
{
  double best = 0, t0, s;
  int i;

  for (i = 0; i < RUNS; i++) {
    t0 = now();
    validate_memory(schema, mem, len, tree, t);
    s = now() - t0;
    *bad |= report(tree ? "validation with the loop tree" : "validation", t, txns);
    if (best == 0 || s < best)
      best = s;
  }
  return best;
}

static void usage(FILE *fp)
{
  fprintf(fp,
          "usage: %s [--size MB] [--quick] [--file PATH]\n"
          "  --size MB    size of the generated 271 in 10^6 bytes (default 100)\n"
          "  --quick      same as --size 10, for smoke runs\n"
          "  --file PATH  validate PATH if it exists, else generate it there and keep it\n"
          "The maps are read from $X12KIT_SCHEMA_DIR, else from %s.\n",
          progname, schema_dir());
}

int main(int argc, char **argv)
{
  const char *file = NULL, *dir;
  unsigned long size_mb = 100, txns = 0, small_txns;
  uint64_t big_len, small_len;
  struct child_result base, small, big;
  struct tally ta, tb;
  double best_a, best_b, t0;
  x12kit_schema *schema;
  int big_fd, small_fd, i, bad = 0;
  long growth;
  char *mem;

  bench_progname = progname;
  if ((i = bench_args(argc, argv, &size_mb, &file, usage)) >= 0)
    return i;

  printf("x12kit %s validation benchmark (MB = 10^6 bytes)\n", x12kit_version());

  dir = schema_dir();
  t0 = now();
  schema = load_schema(dir);
  printf("maps: %s, %zu guides, loaded in %.0f ms\n", dir, x12kit_schema_guide_count(schema),
         (now() - t0) * 1000);

  /* The input file. */
  big_fd = bench_input(file, size_mb, &big_len, &txns);


  /* (c) first, while this process is still small, so that no kernel
     can put the parent's copy of the file on a child's account. */
  small_fd = temp_file();
  small_txns = generate(small_fd, big_len / 10, &small_len);
  validate_in_child(schema, -1, &base);
  validate_in_child(schema, small_fd, &small);
  validate_in_child(schema, big_fd, &big);
  close(small_fd);
  bad |= report("streaming the small file", &small.t, small_txns);
  bad |= report("streaming", &big.t, txns);

  /* (a) and (b) from memory. */
  mem = load(big_fd, (size_t)big_len);
  close(big_fd);
  best_a = best_of(schema, mem, (size_t)big_len, 0, txns, &ta, &bad);
  best_b = best_of(schema, mem, (size_t)big_len, 1, txns, &tb, &bad);
  free(mem);

  printf("\n(a) lexing + validation from memory, 1 MiB chunks, best of %d\n", RUNS);
  printf("    %8.1f MB/s   %9.0f transactions/s   (%lu transactions, %lu segments,"
         " %lu findings, %.3f s)\n",
         (double)big_len / MB / best_a, (double)ta.transactions / best_a, ta.transactions,
         ta.segments, ta.findings, best_a);
  printf("\n(b) the same with the transaction callback (loop tree built and walked)\n");
  printf("    %8.1f MB/s   %9.0f transactions/s   (%lu tree nodes, %.3f s, %+.0f%%)\n",
         (double)big_len / MB / best_b, (double)tb.transactions / best_b, tb.nodes, best_b,
         (best_b / best_a - 1) * 100);
  printf("\n(c) streaming from the file with the loop tree, read(2) in 1 MiB chunks\n");
  printf("    %8.1f MB/s   (%.1f MB file, %lu transactions)\n",
         (double)big_len / MB / big.seconds, (double)big_len / MB, big.t.transactions);
  printf("    peak RSS: %ld KiB with a %.1f MB file (%lu transactions), %ld KiB with a"
         " %.1f MB file (%lu transactions); process at rest: %ld KiB\n",
         small.maxrss_kib, (double)small_len / MB, small.t.transactions, big.maxrss_kib,
         (double)big_len / MB, big.t.transactions, base.maxrss_kib);

  growth = big.maxrss_kib - small.maxrss_kib;
  printf("\ntargets\n");
  printf("    validation >= %.0f MB/s on one core: %s (%.1f MB/s; %.1f MB/s with the tree)\n",
         TARGET_MBPS, (double)big_len / MB / best_a >= TARGET_MBPS ? "met" : "NOT met",
         (double)big_len / MB / best_a, (double)big_len / MB / best_b);
  printf("    flat memory (peak RSS grows < %ld KiB from the small to the big file): %s"
         " (%+ld KiB)\n", FLAT_KIB, growth < FLAT_KIB ? "met" : "NOT met", growth);

  x12kit_schema_free(schema);
  if (ta.sink == 1 && tb.sink == 1)
    fputc('\n', stdout);
  return bad;
}
