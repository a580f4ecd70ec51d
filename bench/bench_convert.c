/*
 * x12kit - conversion throughput and memory benchmark.
 *
 *     bench_convert [--size MB] [--quick] [--file PATH]
 *
 * Writes the synthetic 271 of bench_lexer (gen271.c), about --size MB
 * (default 100; --quick means 10).  The maps come from
 * $X12KIT_SCHEMA_DIR, else from the source tree the program was built
 * from.
 *
 * Figures (MB = 10^6 bytes of X12 read):
 *  (a) X12 to JSON from memory, best of 3, output counted and dropped:
 *      MB/s and transactions/s (target: at least 100 MB/s);
 *  (b) X12 to XML the same way;
 *  (c) JSON back to X12, from the JSON of (a), checked byte for byte
 *      against the input;
 *  (d) peak RSS of child processes that stream a file a tenth of the
 *      size and the whole file (read(2), 64 KiB chunks) from X12 to
 *      JSON: memory must not grow with the file (target: flat, under
 *      1 MiB apart).
 *
 * Exits 1 when a conversion fails or the round trip differs, 2 on usage
 * or system errors.  A missed target is reported but does not change the
 * exit status.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <x12kit/x12kit.h>

#include "gen271.h"

#define MB 1000000.0
#define RUNS 3
#define TARGET_MBPS 100.0
#define FLAT_KIB 1024L

static const char *progname = "bench_convert";

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

/* Output counted and dropped, or kept (for the round trip). */
struct sink {
  uint64_t bytes;
  char *keep;
  size_t len, cap;
};

static int to_sink(void *ud, const char *buf, size_t len)
{
  struct sink *s = ud;

  s->bytes += len;
  if (s->keep == NULL && s->cap == 0)
    return 0;
  if (s->len + len > s->cap) {
    size_t cap = s->cap * 2 > s->len + len ? s->cap * 2 : s->len + len;
    char *p = realloc(s->keep, cap);
    if (p == NULL)
      return -1;
    s->keep = p;
    s->cap = cap;
  }
  memcpy(s->keep + s->len, buf, len);
  s->len += len;
  return 0;
}

static long read_fd(void *ud, char *buf, size_t size)
{
  const int *fd = ud;
  ssize_t n;

  do
    n = read(*fd, buf, size);
  while (n < 0 && errno == EINTR);
  return (long)n;
}

static int convert_mem(const x12kit_schema *schema, x12kit_format from, x12kit_format to,
                       const char *mem, size_t len, struct sink *s)
{
  x12kit_error err;
  char msg[512];
  int rc = x12kit_convert_buffer(schema, from, to, mem, len, to_sink, s, NULL, NULL, &err);

  if (rc != X12KIT_OK) {
    x12kit_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "%s: %s to %s failed: line %lu: %s\n", progname, x12kit_format_name(from),
            x12kit_format_name(to), err.pos.line, msg);
  }
  return rc;
}

static double best_of(const x12kit_schema *schema, x12kit_format from, x12kit_format to,
                      const char *mem, size_t len, uint64_t *out, int *bad)
{
  double best = 0, t0, s;
  int i;

  for (i = 0; i < RUNS; i++) {
    struct sink sk;
    memset(&sk, 0, sizeof sk);
    t0 = bench_now();
    if (convert_mem(schema, from, to, mem, len, &sk) != X12KIT_OK)
      *bad = 1;
    s = bench_now() - t0;
    *out = sk.bytes;
    if (best == 0 || s < best)
      best = s;
  }
  return best;
}

struct child_result {
  double seconds;
  long maxrss_kib;
  int rc;
};

struct convert_job {
  const x12kit_schema *schema;
  int fd;
};

/* The child's work: converts job->fd to JSON, the status into |out|; nothing when fd < 0. */
static void convert_job_run(void *ud, void *out)
{
  struct convert_job *job = ud;
  int *rc = out;
  struct sink sk;
  x12kit_error err;

  if (job->fd < 0)
    return;
  memset(&sk, 0, sizeof sk);
  lseek(job->fd, 0, SEEK_SET);
  *rc = x12kit_convert(job->schema, X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, read_fd, &job->fd,
                       to_sink, &sk, NULL, NULL, &err);
}

/* Converts |fd| to JSON in a child, so that its peak RSS is its own; |fd| < 0 measures none. */
static void convert_in_child(const x12kit_schema *schema, int fd, struct child_result *res)
{
  struct convert_job job = { schema, fd };

  memset(res, 0, sizeof *res);
  bench_in_child(convert_job_run, &job, &res->rc, sizeof res->rc, &res->seconds,
                 &res->maxrss_kib);
}

static void usage(FILE *fp)
{
  fprintf(fp,
          "usage: %s [--size MB] [--quick] [--file PATH]\n"
          "  --size MB    size of the generated 271 in 10^6 bytes (default 100)\n"
          "  --quick      same as --size 10, for smoke runs\n"
          "  --file PATH  convert PATH if it exists, else generate it there and keep it\n"
          "The maps are read from $X12KIT_SCHEMA_DIR, else from %s.\n",
          progname, schema_dir());
}

int main(int argc, char **argv)
{
  const char *file = NULL, *dir;
  unsigned long size_mb = 100, txns = 0;
  uint64_t big_len, small_len, out_json = 0, out_xml = 0, out_back = 0;
  struct child_result base, small, big;
  struct sink json, back;
  double best_a, best_b, best_c;
  x12kit_schema *schema;
  x12kit_error err;
  int big_fd, small_fd, i, bad = 0;
  long growth;
  char *mem;

  bench_progname = progname;
  if ((i = bench_args(argc, argv, &size_mb, &file, usage)) >= 0)
    return i;
  printf("x12kit %s conversion benchmark (MB = 10^6 bytes of X12)\n", x12kit_version());
  dir = schema_dir();
  if (x12kit_schema_load(&schema, dir, NULL, &err) != X12KIT_OK)
    bench_die("cannot load the implementation-guide maps from %s: %s", dir, err.text);

  big_fd = bench_input(file, size_mb, &big_len, &txns);

  /* (d) first, while this process is small */
  small_fd = bench_temp_file();
  bench_generate(small_fd, big_len / 10, &small_len);
  convert_in_child(schema, -1, &base);
  convert_in_child(schema, small_fd, &small);
  convert_in_child(schema, big_fd, &big);
  close(small_fd);
  if (small.rc != X12KIT_OK || big.rc != X12KIT_OK) {
    fprintf(stderr, "%s: streaming conversion failed\n", progname);
    bad = 1;
  }

  mem = bench_load(big_fd, (size_t)big_len);
  close(big_fd);
  best_a = best_of(schema, X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, mem, (size_t)big_len,
                   &out_json, &bad);
  best_b = best_of(schema, X12KIT_FORMAT_X12, X12KIT_FORMAT_XML, mem, (size_t)big_len,
                   &out_xml, &bad);

  /* (c): the JSON kept, then converted back */
  memset(&json, 0, sizeof json);
  json.cap = 1;
  json.keep = malloc(1);
  if (json.keep == NULL)
    bench_die("out of memory");
  if (convert_mem(schema, X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, mem, (size_t)big_len, &json))
    bad = 1;
  best_c = best_of(schema, X12KIT_FORMAT_JSON, X12KIT_FORMAT_X12, json.keep, json.len,
                   &out_back, &bad);
  memset(&back, 0, sizeof back);
  back.cap = 1;
  back.keep = malloc(1);
  if (back.keep == NULL)
    bench_die("out of memory");
  if (convert_mem(schema, X12KIT_FORMAT_JSON, X12KIT_FORMAT_X12, json.keep, json.len, &back) ||
      back.len != big_len || memcmp(back.keep, mem, back.len) != 0) {
    fprintf(stderr, "%s: JSON back to X12 is not the input, byte for byte\n", progname);
    bad = 1;
  }
  free(json.keep);
  free(back.keep);
  free(mem);

  printf("\n(a) X12 to JSON from memory, best of %d\n", RUNS);
  printf("    %8.1f MB/s   %9.0f transactions/s   (%.1f MB in, %.1f MB of JSON, %.3f s)%s\n",
         (double)big_len / MB / best_a, (double)txns / best_a, (double)big_len / MB,
         (double)out_json / MB, best_a,
         (double)big_len / MB / best_a >= TARGET_MBPS ? "" : "   BELOW TARGET (100 MB/s)");
  printf("\n(b) X12 to XML from memory, best of %d\n", RUNS);
  printf("    %8.1f MB/s   (%.1f MB of XML, %.3f s)\n", (double)big_len / MB / best_b,
         (double)out_xml / MB, best_b);
  printf("\n(c) JSON back to X12, best of %d (round trip %s)\n", RUNS,
         bad ? "FAILED" : "byte-identical");
  printf("    %8.1f MB/s of X12 written   (%.1f MB of JSON read, %.3f s)\n",
         (double)out_back / MB / best_c, (double)json.len / MB, best_c);
  growth = big.maxrss_kib - small.maxrss_kib;
  printf("\n(d) streaming X12 to JSON from the file, read(2) in 64 KiB chunks\n");
  printf("    %8.1f MB/s   peak RSS: %ld KiB with %.1f MB, %ld KiB with %.1f MB "
         "(process alone: %ld KiB): %s\n",
         (double)big_len / MB / big.seconds, small.maxrss_kib, (double)small_len / MB,
         big.maxrss_kib, (double)big_len / MB, base.maxrss_kib,
         growth <= FLAT_KIB ? "flat" : "GROWS WITH THE FILE");
  x12kit_schema_free(schema);
  return bad;
}
