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

int cli_lex(cli_input *in, x12kit_lexer *lx, cli_segment_fn fn, void *user_data)
{
  static char buf[CLI_CHUNK];
  const x12kit_segment *seg;
  unsigned long segments = 0;
  ssize_t n;
  int rc;

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
    while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
      int status = fn(user_data, seg);
      if (status != CLI_OK)
        return status;
      segments++;
    }
    if (rc < 0)
      return lex_failed(in, lx, rc);
    if (rc != X12KIT_NEED_INPUT || n == 0)
      break;
  }

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
