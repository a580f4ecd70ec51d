/*
 * x12kit - CORE connectivity benchmark: real-time 270s through the
 * client to the simulator, over loopback TLS.
 *
 *     bench_connect [--connections N] [--requests M] [--envelope soap|mime]
 *                   [--quick] [--serve PATH] [--srcdir DIR]
 *
 * Starts `x12kit serve` itself (--serve, else src/cli/x12kit of the
 * build tree this program sits in) on 127.0.0.1 with a CA and server
 * certificate made at run time with the openssl command in a temporary
 * directory, then sends M real-time 270s (default 20000; --quick 1000)
 * from N threads (default 16), each with its own x12kit_client and so
 * its own kept-alive connection.  Every 270 has its own ISA13, GS06,
 * ST02 and TRN02 (the simulator answers a reused ISA13 with a TA1 025).
 *
 * Prints: transactions, seconds, transactions per second, latency
 * percentiles (p50, p90, p99, max, in ms, from the start of
 * x12kit_client_send to its return, TLS handshake of the first request
 * of each connection included), and the requests whose answer was lost
 * (no answer came), duplicated (the 271 that came names another
 * request or none, or a request was answered twice) or wrong (a 999,
 * a TA1, or an answer the client refused).  Exits 1 when any answer is lost, duplicated or wrong, 2 on
 * usage or system errors.  A missed speed target (1000 transactions/s,
 * p99 under 50 ms) is reported but does not change the exit status.
 *
 * The payer rules and the implementation-guide maps come from
 * $X12KIT_FIXTURES and $X12KIT_SCHEMA_DIR, else from --srcdir, else
 * from the source tree the program was built from.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <x12kit/x12kit.h>

#ifndef X12KIT_BENCH_SRCDIR
#define X12KIT_BENCH_SRCDIR "."
#endif

#define TARGET_TPS 1000.0
#define TARGET_P99_MS 50.0
#define SENDER "NORTHWINDINF"
#define RECEIVER "CEDARVALLEYHP"

static const char *progname = "bench_connect";

/* What every thread shares. */
typedef struct shared {
  const char *url;
  const char *ca;
  x12kit_client_envelope envelope;
  long requests;
  atomic_long next;               /* the next request number to send */
  atomic_int *answers;            /* per request: answers that named it */
  double *latency_ms;             /* per request */
  atomic_long lost, wrong, foreign;
  atomic_int failures_shown;
} shared;

typedef struct worker {
  shared *sh;
  x12kit_client *client;
  pthread_t thread;
} worker;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

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

/*
 * The 270 of request |n| (0-based): the eligibility fixture's member,
 * with ISA13, GS06/GE02, ST02/SE02 and TRN02 made from n, so that each
 * interchange is new to the simulator and each answer names its request.
 */
static int make_270(char *buf, size_t size, long n)
{
  unsigned long c = (unsigned long)n + 1;

  return snprintf(buf, size,
    "ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*261120*1015*^*00501*%09lu*0*T*:~"
    "GS*HS*" SENDER "*" RECEIVER "*20261120*1015*%lu*X*005010X279A1~"
    "ST*270*%09lu*005010X279A1~"
    "BHT*0022*13*BENCH%09lu*20261120*1015~"
    "HL*1**20*1~NM1*PR*2*CEDAR VALLEY HEALTH PLAN*****PI*CVHP01~"
    "HL*2*1*21*1~NM1*1P*2*NORTHWIND INFUSION CLINIC*****XX*1582037465~"
    "HL*3*2*22*0~TRN*1*BENCH%09lu*9876543210~"
    "NM1*IL*1*LINDQVIST*SAM****MI*CVK300418826~DMG*D8*19880622*M~DTP*291*D8*20261207~"
    "EQ*30~SE*13*%09lu~GE*1*%lu~IEA*1*%09lu~",
    SENDER, RECEIVER, c, c, c, c, c, c, c, c);
}

/* The request number named by the first TRN*2 of a 271, or -1. */
static long trn_of(const char *p, size_t len)
{
  static const char key[] = "TRN*2*BENCH";
  const char *end = p + len, *q;
  long v = 0;

  for (q = p; q + sizeof key - 1 + 9 <= end; q++)
    if (memcmp(q, key, sizeof key - 1) == 0) {
      q += sizeof key - 1;
      for (int i = 0; i < 9; i++) {
        if (q[i] < '0' || q[i] > '9')
          return -1;
        v = v * 10 + (q[i] - '0');
      }
      return v - 1;
    }
  return -1;
}

static void show_failure(shared *sh, long n, const x12kit_client_response *r,
                         const x12kit_error *err)
{
  /* the first few only: a broken run would print thousands */
  if (atomic_fetch_add(&sh->failures_shown, 1) < 5)
    fprintf(stderr, "%s: request %ld: %s: %s\n", progname, n + 1,
            x12kit_send_outcome_name(r->outcome), err->text);
}

static void *run_worker(void *arg)
{
  worker *w = arg;
  shared *sh = w->sh;
  char x12[1024];

  for (;;) {
    long n = atomic_fetch_add(&sh->next, 1);
    x12kit_client_response r;
    x12kit_error err;
    double t0;
    int len, rc;

    if (n >= sh->requests)
      break;
    len = make_270(x12, sizeof x12, n);
    memset(&err, 0, sizeof err);
    t0 = now();
    rc = x12kit_client_send(w->client, x12, (size_t)len, NULL, &r, &err);
    sh->latency_ms[n] = (now() - t0) * 1000.0;
    if (rc != X12KIT_OK)
      show_failure(sh, n, &r, &err);
    if (!r.payload)
      atomic_fetch_add(&sh->lost, 1);          /* no answer at all */
    else if (rc != X12KIT_OK || strcmp(r.transaction, "271") != 0)
      atomic_fetch_add(&sh->wrong, 1);         /* a 999, a TA1, a refused answer */
    else {
      long m = trn_of(r.payload, r.payload_len);

      /* an answer that names another request, or none, was meant for
         someone else: it is counted as duplicated */
      if (m != n)
        atomic_fetch_add(&sh->foreign, 1);
      else
        atomic_fetch_add(&sh->answers[n], 1);
    }
    x12kit_client_response_clear(&r);
  }
  return NULL;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double pct(const double *sorted, long n, double p)
{
  long i = (long)(p / 100.0 * (double)n + 0.5) - 1;

  if (i < 0)
    i = 0;
  if (i >= n)
    i = n - 1;
  return sorted[i];
}

/* ---- the simulator ---- */

static char tmpdir[] = "/tmp/x12kit-bench-XXXXXX";
static pid_t serve_pid = -1;

static void cleanup(void)
{
  char cmd[128];

  if (serve_pid > 0) {
    kill(serve_pid, SIGTERM);
    waitpid(serve_pid, NULL, 0);
    serve_pid = -1;
  }
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "%s: cannot remove %s\n", progname, tmpdir);
}

static void make_certs(void)
{
  char cmd[2048];

  snprintf(cmd, sizeof cmd,
           "cd '%s' && { "
           "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
           "-subj /CN=x12kit-bench-CA && "
           "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
           "-subj /CN=localhost && "
           "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > server.ext && "
           "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
           "-out server.pem -days 1 -extfile server.ext; } >openssl.log 2>&1", tmpdir);
  if (system(cmd) != 0)
    die("cannot make the certificates with the openssl command (see %s/openssl.log)",
        tmpdir);
}

static int executable(const char *path)
{
  struct stat st;

  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* src/cli/x12kit of the build tree: the program may run from bench/ or,
   through libtool's wrapper, from bench/.libs/. */
static void find_serve(char *out, size_t size)
{
  static const char *const up[] = { "/../src/cli/x12kit", "/../../src/cli/x12kit" };
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

  if (n > 0) {
    char *slash;

    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
      *slash = '\0';
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
      snprintf(out, size, "%s%s", self, up[i]);
      if (executable(out))
        return;
    }
  }
  die("cannot find x12kit next to this program; give --serve PATH");
}

/* Starts the simulator; returns the port. */
static unsigned start_serve(const char *exe, const char *srcdir)
{
  char cert[512], key[512], rules[1024], schemas[1024], line[256];
  const char *fx = getenv("X12KIT_FIXTURES"), *sc = getenv("X12KIT_SCHEMA_DIR");
  unsigned port = 0;
  int fds[2];
  FILE *fp;

  snprintf(cert, sizeof cert, "%s/server.pem", tmpdir);
  snprintf(key, sizeof key, "%s/server.key", tmpdir);
  if (fx)
    snprintf(rules, sizeof rules, "%s/simulator/payer-rules.xml", fx);
  else
    snprintf(rules, sizeof rules, "%s/fixtures/simulator/payer-rules.xml", srcdir);
  if (sc)
    snprintf(schemas, sizeof schemas, "%s", sc);
  else
    snprintf(schemas, sizeof schemas, "%s/schemas", srcdir);
  if (access(rules, R_OK) != 0)
    die("cannot read the payer rules %s (set X12KIT_FIXTURES or --srcdir)", rules);
  if (pipe(fds) != 0)
    die("pipe: %s", strerror(errno));
  fflush(NULL);
  serve_pid = fork();
  if (serve_pid < 0)
    die("fork: %s", strerror(errno));
  if (serve_pid == 0) {
    char log[600];
    FILE *lf;

    /* one log line per request: keep them out of the figures' way */
    snprintf(log, sizeof log, "%s/serve.log", tmpdir);
    lf = freopen(log, "w", stderr);
    (void)lf;
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(exe, exe, "serve", "--cert", cert, "--key", key, "--rules", rules,
          "--schemas", schemas, "--listen", "127.0.0.1:0", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  fp = fdopen(fds[0], "r");
  if (!fp || !fgets(line, sizeof line, fp) ||
      sscanf(line, "listening on 127.0.0.1:%u", &port) != 1 || port == 0)
    die("the simulator did not start (see %s/serve.log)", tmpdir);
  fclose(fp);                       /* it writes nothing more to stdout */
  return port;
}

static void usage(void)
{
  fprintf(stderr, "usage: %s [--connections N] [--requests M] [--envelope soap|mime] "
          "[--quick] [--serve PATH] [--srcdir DIR]\n", progname);
  exit(2);
}

static long number(const char *s, long lo, long hi)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || *end || v < lo || v > hi)
    usage();
  return v;
}

int main(int argc, char **argv)
{
  long connections = 16, requests = 20000, lost = 0, dup = 0;
  const char *serve = NULL, *srcdir = X12KIT_BENCH_SRCDIR;
  char exe[PATH_MAX + 32], url[64], ca[600];
  x12kit_client_envelope env = X12KIT_CLIENT_SOAP;
  worker *w;
  shared sh;
  double t0, secs, tps, *sorted;
  unsigned port;
  int quick = 0, req_given = 0;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];

    if (!strcmp(a, "--quick"))
      quick = 1;
    else if (i + 1 >= argc)
      usage();
    else if (!strcmp(a, "--connections"))
      connections = number(argv[++i], 1, 256);
    else if (!strcmp(a, "--requests")) {
      requests = number(argv[++i], 1, 10000000);
      req_given = 1;
    } else if (!strcmp(a, "--envelope")) {
      a = argv[++i];
      if (!strcmp(a, "soap"))
        env = X12KIT_CLIENT_SOAP;
      else if (!strcmp(a, "mime"))
        env = X12KIT_CLIENT_MIME;
      else
        usage();
    } else if (!strcmp(a, "--serve"))
      serve = argv[++i];
    else if (!strcmp(a, "--srcdir"))
      srcdir = argv[++i];
    else
      usage();
  }
  if (quick && !req_given)
    requests = 1000;
  if (connections > requests)
    connections = requests;
  if (serve)
    snprintf(exe, sizeof exe, "%s", serve);
  else
    find_serve(exe, sizeof exe);
  if (!executable(exe))
    die("%s is not an executable", exe);

  signal(SIGPIPE, SIG_IGN);
  if (!mkdtemp(tmpdir))
    die("mkdtemp: %s", strerror(errno));
  atexit(cleanup);
  make_certs();
  port = start_serve(exe, srcdir);
  snprintf(url, sizeof url, "https://127.0.0.1:%u/core", port);
  snprintf(ca, sizeof ca, "%s/ca.pem", tmpdir);

  memset(&sh, 0, sizeof sh);
  sh.url = url;
  sh.ca = ca;
  sh.envelope = env;
  sh.requests = requests;
  atomic_init(&sh.next, 0);
  sh.answers = calloc((size_t)requests, sizeof *sh.answers);
  sh.latency_ms = calloc((size_t)requests, sizeof *sh.latency_ms);
  w = calloc((size_t)connections, sizeof *w);
  if (!sh.answers || !sh.latency_ms || !w)
    die("out of memory");
  /* clients are made here, not in the threads: libcurl's global set-up
     (done by x12kit_client_new) must not run in two threads at once */
  for (long i = 0; i < connections; i++) {
    x12kit_error err;

    memset(&err, 0, sizeof err);
    w[i].sh = &sh;
    if (x12kit_client_new(url, &w[i].client, &err) != X12KIT_OK ||
        x12kit_client_set_ca_file(w[i].client, ca, &err) != X12KIT_OK ||
        x12kit_client_set_envelope(w[i].client, env, &err) != X12KIT_OK ||
        x12kit_client_set_ids(w[i].client, SENDER, RECEIVER, &err) != X12KIT_OK ||
        x12kit_client_set_timeouts(w[i].client, 10000, 30000, &err) != X12KIT_OK)
      die("cannot make a client: %s", err.text);
  }

  printf("CORE real-time 270 -> 271 over loopback TLS (%s), x12kit serve, %ld connections\n",
         env == X12KIT_CLIENT_MIME ? "MIME" : "SOAP", connections);
  fflush(stdout);
  t0 = now();
  for (long i = 0; i < connections; i++)
    if (pthread_create(&w[i].thread, NULL, run_worker, &w[i]) != 0)
      die("cannot start a thread");
  for (long i = 0; i < connections; i++)
    pthread_join(w[i].thread, NULL);
  secs = now() - t0;
  for (long i = 0; i < connections; i++)
    x12kit_client_free(w[i].client);

  lost = atomic_load(&sh.lost);
  for (long i = 0; i < requests; i++) {
    int a = atomic_load(&sh.answers[i]);

    if (a > 1)
      dup += a - 1;
  }
  dup += atomic_load(&sh.foreign);
  sorted = sh.latency_ms;
  qsort(sorted, (size_t)requests, sizeof *sorted, cmp_double);
  tps = (double)requests / secs;
  printf("  transactions          %ld\n", requests);
  printf("  seconds               %.2f\n", secs);
  printf("  transactions/s        %.0f   (target >= %.0f%s)\n", tps, TARGET_TPS,
         tps >= TARGET_TPS ? "" : ": MISSED");
  printf("  latency ms            p50 %.2f  p90 %.2f  p99 %.2f  max %.2f   (target p99 < %.0f%s)\n",
         pct(sorted, requests, 50), pct(sorted, requests, 90), pct(sorted, requests, 99),
         sorted[requests - 1], TARGET_P99_MS,
         pct(sorted, requests, 99) < TARGET_P99_MS ? "" : ": MISSED");
  printf("  lost                  %ld\n", lost);
  printf("  duplicated            %ld\n", dup);
  printf("  not a 271             %ld\n", (long)atomic_load(&sh.wrong));
  free(sh.answers);
  free(sh.latency_ms);
  free(w);
  return lost || dup || atomic_load(&sh.wrong) ? 1 : 0;
}
