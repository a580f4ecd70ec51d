/*
 * x12kit - command-line tool: input, read loop, messages and options
 * shared by the commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CLI_CHUNK (64u * 1024u)

/* Cap for --max-segment: the lexer may buffer this much for one segment. */
#define CLI_MAX_SEGMENT_CAP (64ul * 1024ul * 1024ul)
#define CLI_MIN_SEGMENT 106ul

const char cli_exit_help[] =
  "Exit status:\n"
  "  0  the input is valid\n"
  "  1  the input is invalid (X12 syntax error or envelope fault)\n"
  "  2  usage error\n"
  "  3  input/output error (cannot read the input or write the output)\n"
  "  4  internal error (out of memory)\n";

int cli_open(cli_input *in, const char *path)
{
  if (strcmp(path, "-") == 0) {
    in->name = "<stdin>";
    in->fd = STDIN_FILENO;
    return CLI_OK;
  }
  in->name = path;
  in->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (in->fd < 0) {
    fprintf(stderr, "%s: cannot open %s: %s\n", CLI_NAME, path, strerror(errno));
    return CLI_IO;
  }
  return CLI_OK;
}

void cli_close(cli_input *in)
{
  if (in->fd > STDIN_FILENO)
    close(in->fd);
  in->fd = -1;
}

int cli_read_all(cli_input *in, size_t cap, char **buf, size_t *len)
{
  size_t size = CLI_CHUNK, n = 0;
  char *p = malloc(size + 1);

  if (!p)
    return cli_nomem();
  for (;;) {
    ssize_t got;
    if (n == size) {
      char *q;
      if (size > cap) { /* holds cap + 1 bytes: one more than allowed */
        free(p);
        fprintf(stderr, "%s: %s is larger than %zu bytes; refusing to read it\n", CLI_NAME,
                in->name, cap);
        return CLI_INVALID;
      }
      size = size > cap / 2 ? cap + 1 : size * 2;
      q = realloc(p, size + 1);
      if (!q) {
        free(p);
        return cli_nomem();
      }
      p = q;
    }
    got = read(in->fd, p + n, size - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      fprintf(stderr, "%s: cannot read %s: %s\n", CLI_NAME, in->name, strerror(errno));
      free(p);
      return CLI_IO;
    }
    if (got == 0)
      break;
    n += (size_t)got;
  }
  p[n] = '\0';
  *buf = p;
  *len = n;
  return CLI_OK;
}

void cli_print_error(const char *name, const x12kit_error *err)
{
  char msg[512];

  x12kit_error_format(err, msg, sizeof msg);
  if (err->pos.line > 0)
    fprintf(stderr, "%s:%lu: ", name, err->pos.line);
  else
    fprintf(stderr, "%s: ", name);
  cli_put_safe(stderr, msg);
  fputc('\n', stderr);
}

int cli_load_schema(const char *dir, x12kit_schema **out)
{
  x12kit_error err;
  int rc = x12kit_schema_load(out, dir, NULL, &err);

  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  if (rc) {
    fprintf(stderr, "%s: cannot load the implementation-guide maps from %s: %s\n", CLI_NAME,
            dir ? dir : x12kit_schema_default_dir(), err.text);
    return CLI_INTERNAL;
  }
  return CLI_OK;
}

int cli_nomem(void)
{
  fprintf(stderr, "%s: out of memory\n", CLI_NAME);
  return CLI_INTERNAL;
}

void cli_put_safe(FILE *fp, const char *s)
{
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    fputc(c < 0x20 || c == 0x7f ? '?' : c, fp);
  }
}

const char *cli_plural(unsigned long n)
{
  return n == 1 ? "" : "s";
}

/* Maps a negative lexer status to an exit status, printing why. */
static int lex_failed(const cli_input *in, const x12kit_lexer *lx, int rc)
{
  const x12kit_error *err = x12kit_lexer_error(lx);

  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  if (err == NULL || err->code == X12KIT_OK) {
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, in->name, x12kit_strerror(rc));
    return CLI_INTERNAL;
  }
  cli_print_error(in->name, err);
  return CLI_INVALID;
}

/*
 * Hands every complete segment of |lx| to |fn|.  Returns CLI_OK with
 * the lexer's last status in *rc, or the exit status that stops the
 * read.
 */
static int drain(const cli_input *in, x12kit_lexer *lx, cli_segment_fn fn, void *user_data,
                 unsigned long *segments, int *rc)
{
  const x12kit_segment *seg;

  while ((*rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
    int status = fn(user_data, seg);
    if (status != CLI_OK)
      return status;
    (*segments)++;
  }
  return *rc < 0 ? lex_failed(in, lx, *rc) : CLI_OK;
}

/* After the input's end: the end of the X12, and at least one segment. */
static int lex_end(const cli_input *in, int rc, unsigned long segments)
{
  if (rc != X12KIT_END) {
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, in->name, x12kit_strerror(rc));
    return CLI_INTERNAL;
  }
  if (segments == 0) {
    fprintf(stderr, "%s: empty input: no X12 segment found\n", in->name);
    return CLI_INVALID;
  }
  return CLI_OK;
}

int cli_lex(cli_input *in, x12kit_lexer *lx, cli_segment_fn fn, void *user_data)
{
  static char buf[CLI_CHUNK];
  unsigned long segments = 0;
  ssize_t n;
  int rc, status;

  for (;;) {
    n = read(in->fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      fprintf(stderr, "%s: cannot read %s: %s\n", CLI_NAME, in->name, strerror(errno));
      return CLI_IO;
    }
    rc = n > 0 ? x12kit_lexer_feed(lx, buf, (size_t)n) : x12kit_lexer_finish(lx);
    if (rc < 0)
      return lex_failed(in, lx, rc);
    status = drain(in, lx, fn, user_data, &segments, &rc);
    if (status != CLI_OK)
      return status;
    if (rc != X12KIT_NEED_INPUT || n == 0)
      break;
  }
  return lex_end(in, rc, segments);
}

int cli_lex_buffer(const char *name, const char *buf, size_t len, x12kit_lexer *lx,
                   cli_segment_fn fn, void *user_data)
{
  cli_input in;
  unsigned long segments = 0;
  int rc, status;

  in.name = name;
  in.fd = -1;
  rc = len ? x12kit_lexer_feed(lx, buf, len) : X12KIT_OK;
  if (rc < 0)
    return lex_failed(&in, lx, rc);
  status = drain(&in, lx, fn, user_data, &segments, &rc);
  if (status != CLI_OK || rc == X12KIT_END)
    return status == CLI_OK ? lex_end(&in, rc, segments) : status;
  rc = x12kit_lexer_finish(lx);
  if (rc < 0)
    return lex_failed(&in, lx, rc);
  status = drain(&in, lx, fn, user_data, &segments, &rc);
  return status != CLI_OK ? status : lex_end(&in, rc, segments);
}

/* Reads N for --max-segment; 0 when it is not a number in range. */
static size_t parse_max_segment(const char *s)
{
  unsigned long v;
  char *end;

  if (*s < '0' || *s > '9')
    return 0;
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < CLI_MIN_SEGMENT || v > CLI_MAX_SEGMENT_CAP)
    return 0;
  return (size_t)v;
}

static int usage_error(const char *cmd, const char *usage)
{
  fprintf(stderr, "%s\nTry '%s --help' for more information.\n", usage, cmd);
  return CLI_USAGE;
}

enum { OPT_SHOW_DATA = 256, OPT_MAX_SEGMENT };

int cli_options(int argc, char **argv, const char *usage, const char *help,
                int *show_data, size_t *max_segment, const char **path)
{
  static const struct option all[] = {
    { "help", no_argument, NULL, 'h' },
    { "show-data", no_argument, NULL, OPT_SHOW_DATA },
    { "max-segment", required_argument, NULL, OPT_MAX_SEGMENT },
    { NULL, 0, NULL, 0 }
  };
  struct option longopts[4];
  size_t n = 0;
  int c;

  longopts[n++] = all[0];
  if (show_data)
    longopts[n++] = all[1];
  if (max_segment)
    longopts[n++] = all[2];
  longopts[n] = all[3];

  /* main() has scanned its own options already: 0 makes glibc start afresh. */
  optind = 0;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s\n%s", usage, help, cli_exit_help);
      return CLI_OK;
    case OPT_SHOW_DATA:
      *show_data = 1;
      break;
    case OPT_MAX_SEGMENT:
      *max_segment = parse_max_segment(optarg);
      if (*max_segment == 0) {
        fprintf(stderr, "%s: --max-segment wants a number from %lu to %lu\n", argv[0],
                CLI_MIN_SEGMENT, CLI_MAX_SEGMENT_CAP);
        return usage_error(argv[0], usage);
      }
      break;
    default:
      return usage_error(argv[0], usage);
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "%s: missing FILE (use - for standard input)\n", argv[0]);
    return usage_error(argv[0], usage);
  }
  if (optind + 1 < argc) {
    fprintf(stderr, "%s: too many arguments\n", argv[0]);
    return usage_error(argv[0], usage);
  }
  *path = argv[optind];
  return -1;
}

int cli_read_file(const char *path, size_t cap, const char **name, char **buf, size_t *len)
{
  cli_input in;
  int rc = cli_open(&in, path);

  if (rc)
    return rc;
  *name = in.name;
  rc = cli_read_all(&in, cap, buf, len);
  cli_close(&in);
  return rc;
}

int cli_read_failed(int rc, const char *name, const x12kit_error *err)
{
  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  cli_print_error(name, err);
  return CLI_INVALID;
}

const char *cli_code_text(const x12kit_schema *schema, const char *list, const char *code)
{
  const char *t;

  if (!code || !*code)
    return "";
  t = x12kit_schema_code(schema, list, code);
  return t ? t : "";
}

int cli_usage_error(const char *usage, const char *msg)
{
  fprintf(stderr, "%s: %s\n%s\n", CLI_NAME, msg, usage);
  return CLI_USAGE;
}

/* ---- shared by the builders: eligibility build, auth build ---- */

#include "request.h"

static const char control_rule[] = "must be a number from 1 to 999999999";
static const char created_rule[] = "must be YYYY-MM-DDTHH:MM (UTC)";

int cli_parse_created(const char *s, char date[9], char time4[5])
{
  static const char shape[] = "dddd-dd-ddTdd:dd";
  size_t i;

  if (strlen(s) != sizeof shape - 1)
    return -1;
  for (i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
      return -1;
  memcpy(date, s, 4);
  memcpy(date + 4, s + 5, 2);
  memcpy(date + 6, s + 8, 2);
  date[8] = '\0';
  memcpy(time4, s + 11, 2);
  memcpy(time4 + 2, s + 14, 2);
  time4[4] = '\0';
  return 0;
}

int cli_stamp_take(const cli_stamp *st, unsigned long *control)
{
  x12kit_error err;
  int rc;

  if (st->counter == NULL)
    return CLI_OK;
  rc = x12kit_counter_next(st->counter, control, &err);
  if (rc == X12KIT_OK)
    return CLI_OK;
  fprintf(stderr, "%s: counter ", CLI_NAME);
  cli_put_safe(stderr, st->counter);
  fputs(": ", stderr);
  cli_put_safe(stderr, err.text);
  fputc('\n', stderr);
  switch (rc) {
  case X12KIT_ERR_DATA:
    return CLI_INVALID;
  case X12KIT_ERR_NOMEM:
    return CLI_INTERNAL;
  case X12KIT_ERR_ARG:
    return CLI_USAGE;
  default:
    return CLI_IO;
  }
}

/* Where the keys every builder has are in its table. */
typedef struct builder_keys {
  size_t control, created, test, production;
} builder_keys;

/* Finds them; -1 (after a message) when the table lacks one. */
static int find_builder_keys(const request *rq, builder_keys *bk)
{
  static const char *const names[] = { "control", "created", "test", "production" };
  size_t *at[4];
  size_t i;
  int k;

  at[0] = &bk->control;
  at[1] = &bk->created;
  at[2] = &bk->test;
  at[3] = &bk->production;
  for (i = 0; i < 4; i++) {
    if ((k = request_key(rq, names[i])) < 0) {
      fprintf(stderr, "%s: internal error: the builder has no key \"%s\"\n", CLI_NAME,
              names[i]);
      return -1;
    }
    *at[i] = (size_t)k;
  }
  return 0;
}

/* The control number and creation time of |q| (the command line over the file). */
static void stamp_resolve(cli_stamp *st, const builder_keys *bk, const request *q)
{
  const req_value *control = &q->top[bk->control], *created = &q->top[bk->created];
  const char *env;

  st->control = control->set ? control->number : 1;
  if (!created->set || cli_parse_created(created->text, st->date, st->time4) != 0)
    st->date[0] = st->time4[0] = '\0';
  if (st->counter == NULL && !control->set && (env = getenv("X12KIT_COUNTER")) && *env)
    st->counter = env;
}

/* What a request file |f| holds that no option checks: control, created, test and production. */
static int check_builder_file(const builder_keys *bk, const request *f, const char *name)
{
  const req_value *control = &f->top[bk->control], *created = &f->top[bk->created];
  char d[9], t[5];

  if (control->set && (control->number < 1 || control->number > X12KIT_CONTROL_MAX)) {
    fprintf(stderr, "%s: %s: key \"control\" %s\n", CLI_NAME, name, control_rule);
    return CLI_USAGE;
  }
  if (created->set && cli_parse_created(created->text, d, t) != 0) {
    fprintf(stderr, "%s: %s: key \"created\" %s\n", CLI_NAME, name, created_rule);
    return CLI_USAGE;
  }
  if (f->top[bk->test].set && f->top[bk->test].flag && f->top[bk->production].set &&
      f->top[bk->production].flag) {
    fprintf(stderr, "%s: %s: keys \"test\" and \"production\" are both true\n", CLI_NAME, name);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* Option |k| of the key table; returns -1 to go on, or the exit status. */
static int builder_option(const cli_builder *b, const builder_keys *bk, request *cli,
                          cli_stamp *st, size_t k)
{
  char msg[96], d[9], t[5];
  int rc;

  if (k == bk->test || k == bk->production) /* the last of the two counts */
    cli->top[bk->test].set = cli->top[bk->production].set = 0;
  if (k != bk->control && k != bk->created)
    return b->option(cli, k, optarg);
  rc = request_option(cli, k, optarg);
  if (rc == -2)
    return cli_nomem();
  if (k == bk->control) {
    if (rc != 0 || cli->top[k].number < 1 || cli->top[k].number > X12KIT_CONTROL_MAX) {
      snprintf(msg, sizeof msg, "--control %s", control_rule);
      return b->usage_error(msg);
    }
    if (st->counter != NULL)
      return b->usage_error("give --control or --counter, not both");
  } else if (rc != 0 || cli_parse_created(optarg, d, t) != 0) {
    snprintf(msg, sizeof msg, "--created %s", created_rule);
    return b->usage_error(msg);
  }
  return -1;
}

enum { BUILD_SCHEMAS = 256, BUILD_COUNTER, BUILD_REQUEST };

static const struct option build_options[] = {
  { "help", no_argument, NULL, 'h' },
  { "schemas", required_argument, NULL, BUILD_SCHEMAS },
  { "counter", required_argument, NULL, BUILD_COUNTER },
  { "request", required_argument, NULL, BUILD_REQUEST },
};
#define NBUILD_OPTIONS (sizeof build_options / sizeof build_options[0])

/*
 * Where the builder's writer goes while a hooked build runs: memory,
 * not standard output.  A builder asks for its writer with
 * cli_stdout_writer() and knows nothing of this.
 */
static struct capture {
  cli_build_hook *hook;  /* the hooked build running, or NULL */
  char *buf;
  size_t len, cap;
  int nomem;
} capture;

/* A usage error of a hooked build: the message and the command's own usage. */
static int hook_usage_error(const cli_builder *b, const cli_build_hook *h, const char *msg)
{
  if (h == NULL || h->usage == NULL)
    return b->usage_error(msg);
  return cli_usage_error(h->usage, msg);
}

/* Checks and writes the request, into memory for a hooked build. */
static int build_write(const cli_builder *b, cli_build_hook *h, const request *q,
                       const char *dir, const char *path, cli_stamp *st)
{
  int status;

  if (h == NULL)
    return b->write(q, dir, path, st);
  memset(&capture, 0, sizeof capture);
  capture.hook = h;
  status = b->write(q, dir, path, st);
  if (status == CLI_OK && capture.buf != NULL) {
    h->out = capture.buf;
    h->out_len = capture.len;
  } else {
    free(capture.buf);
    if (status == CLI_OK) { /* a builder that wrote nothing: never sent */
      fprintf(stderr, "%s: internal error: the request came out empty\n", CLI_NAME);
      status = CLI_INTERNAL;
    }
  }
  memset(&capture, 0, sizeof capture);
  return status;
}

/* The request file |path| under the command line |cli|, then the write. */
static int build_from_file(const cli_builder *b, cli_build_hook *h, const builder_keys *bk,
                           request *cli, cli_stamp *st, const char *dir, const char *path)
{
  const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  request file;
  int status;

  if (request_init(&file, b->keys, b->nkeys) != 0)
    return CLI_INTERNAL;
  status = request_read(&file, path);
  if (status == CLI_OK)
    status = check_builder_file(bk, &file, name);
  if (status == CLI_OK && b->check_file)
    status = b->check_file(&file, name);
  if (status == CLI_OK) {
    if (cli->top[bk->test].set || cli->top[bk->production].set) /* options decide alone */
      file.top[bk->test].set = file.top[bk->production].set = 0;
    if (b->override)
      b->override(&file, cli);
    request_override(&file, cli);
    stamp_resolve(st, bk, &file);
    status = build_write(b, h, &file, dir, path, st);
  }
  request_free(&file);
  return status;
}

/* The builder's options and the hook's, in one getopt_long table. */
static struct option *build_table(const request *cli, const cli_build_hook *h)
{
  struct option *extra, *all;
  size_t n = NBUILD_OPTIONS + (h ? h->noptions : 0);

  extra = malloc(n * sizeof extra[0]);
  if (extra == NULL)
    return NULL;
  memcpy(extra, build_options, sizeof build_options);
  if (h && h->noptions)
    memcpy(extra + NBUILD_OPTIONS, h->options, h->noptions * sizeof extra[0]);
  all = request_options(cli, extra, n);
  free(extra);
  return all;
}

int cli_build_with(const cli_builder *b, cli_build_hook *h, int argc, char **argv)
{
  const char *dir = NULL, *path = NULL;
  struct option *options;
  builder_keys bk;
  cli_stamp st;
  request cli;
  int c, status;

  memset(&st, 0, sizeof st);
  if (h) {
    h->out = NULL;
    h->out_len = 0;
    h->schemas = NULL;
  }
  if (request_init(&cli, b->keys, b->nkeys) != 0)
    return CLI_INTERNAL;
  if (find_builder_keys(&cli, &bk) != 0) {
    request_free(&cli);
    return CLI_INTERNAL;
  }
  options = build_table(&cli, h);
  if (options == NULL) {
    request_free(&cli);
    return cli_nomem();
  }
  status = -1;
  optind = 0;
  opterr = 0;
  while (status < 0 && (c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
    switch (c) {
    case 'h':
      if (h && h->usage)
        printf("%s\n\n%s", h->usage, h->help);
      else
        printf("%s\n\n%s", b->usage, b->help);
      status = CLI_OK;
      break;
    case BUILD_SCHEMAS:
      dir = optarg;
      break;
    case BUILD_COUNTER:
      st.counter = optarg;
      if (cli.top[bk.control].set)
        status = hook_usage_error(b, h, "give --control or --counter, not both");
      break;
    case BUILD_REQUEST:
      path = optarg;
      break;
    default:
      if (c >= REQUEST_OPT_BASE && (size_t)(c - REQUEST_OPT_BASE) < b->nkeys) {
        size_t k = (size_t)(c - REQUEST_OPT_BASE);
        if (h && h->key)
          h->key(h->user_data, b->keys[k].name, optarg);
        status = builder_option(b, &bk, &cli, &st, k);
      } else if (h && c >= CLI_HOOK_OPT_BASE) {
        status = h->option(h->user_data, c, optarg);
      } else {
        status = hook_usage_error(b, h, optopt ? "unknown or incomplete option"
                                               : "unknown option");
      }
      break;
    }
  }
  free(options);
  if (status < 0 && optind < argc)
    status = hook_usage_error(b, h, "too many arguments");
  if (h)
    h->schemas = dir;
  if (status < 0 && h && h->ready)
    status = h->ready(h->user_data);
  if (status < 0 && path == NULL) {
    stamp_resolve(&st, &bk, &cli);
    status = build_write(b, h, &cli, dir, NULL, &st);
  } else if (status < 0) {
    status = build_from_file(b, h, &bk, &cli, &st, dir, path);
  }
  request_free(&cli);
  return status;
}

int cli_build(const cli_builder *b, int argc, char **argv)
{
  return cli_build_with(b, NULL, argc, argv);
}

static int stdout_write(void *ud, const char *data, size_t len)
{
  (void)ud;
  return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int capture_write(void *ud, const char *data, size_t len)
{
  struct capture *cp = ud;

  if (len > cp->cap - cp->len) {
    size_t cap = cp->cap ? cp->cap : 4096;
    char *p;
    while (len > cap - cp->len) {
      if (cap > ((size_t)-1) / 2) {
        cp->nomem = 1;
        return -1;
      }
      cap *= 2;
    }
    p = realloc(cp->buf, cap);
    if (p == NULL) {
      cp->nomem = 1;
      return -1;
    }
    cp->buf = p;
    cp->cap = cap;
  }
  memcpy(cp->buf + cp->len, data, len);
  cp->len += len;
  return 0;
}

x12kit_writer *cli_stdout_writer(void)
{
  x12kit_writer *w;
  int rc = capture.hook ? x12kit_writer_new(&w, capture_write, &capture, NULL, NULL)
                        : x12kit_writer_new(&w, stdout_write, NULL, NULL, NULL);

  if (rc != X12KIT_OK) {
    cli_nomem();
    return NULL;
  }
  (void)x12kit_writer_set_line_end(w, "\n");
  return w;
}

int cli_stdout_done(x12kit_writer *w, int rc)
{
  if (rc == X12KIT_OK)
    rc = x12kit_writer_flush(w);
  x12kit_writer_free(w);
  if (rc == X12KIT_OK)
    return CLI_OK;
  if (capture.hook && capture.nomem)
    return cli_nomem();
  fprintf(stderr, "%s: cannot write output\n", CLI_NAME);
  return CLI_IO;
}

int cli_refused(const x12kit_error *err)
{
  fprintf(stderr, "%s: ", CLI_NAME);
  cli_put_safe(stderr, err->text);
  fputc('\n', stderr);
  return err->code == X12KIT_ERR_ARG ? CLI_INVALID : CLI_INTERNAL;
}

int cli_save_file(const char *path, const char *what, const char *buf, size_t len)
{
  size_t n = strlen(path), done = 0;
  char *tmp = malloc(n + sizeof ".XXXXXX");
  int fd, err = 0;

  if (tmp == NULL)
    return cli_nomem();
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".XXXXXX", sizeof ".XXXXXX");
  fd = mkstemp(tmp);                   /* mode 0600: the bytes hold health information */
  if (fd < 0) {
    err = errno;
  } else {
    while (done < len) {
      ssize_t w = write(fd, buf + done, len - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0) {
        err = w < 0 ? errno : EIO;
        break;
      }
      done += (size_t)w;
    }
    if (!err && fsync(fd) != 0)
      err = errno;
    if (close(fd) != 0 && !err)
      err = errno;
    if (!err && rename(tmp, path) != 0)
      err = errno;
    if (err)
      unlink(tmp);
  }
  free(tmp);
  if (!err)
    return CLI_OK;
  fprintf(stderr, "%s: cannot save the %s to ", CLI_NAME, what);
  cli_put_safe(stderr, path);
  fprintf(stderr, ": %s\n", strerror(err));
  return CLI_IO;
}
