/*
 * x12kit parse: one line per segment with where it is.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
  "Usage: " CLI_NAME " parse [--show-data] [--max-segment N] FILE|-";

static const char help[] =
  "List the segments of an X12 file, or of standard input for -, one per\n"
  "line.  A header line names the tab-separated columns:\n"
  "  segment   ordinal of the segment in the input\n"
  "  line      line where it starts\n"
  "  offset    byte offset where it starts, from 0\n"
  "  in_st     ordinal inside its transaction (ST = 1), - outside ST..SE\n"
  "  id        segment ID\n"
  "  elements  number of elements after the ID\n"
  "  data      with --show-data only: the segment's bytes, control bytes\n"
  "            written as \\xHH\n"
  "A summary line follows: N segments, M interchanges.\n"
  "\n"
  "Options:\n"
  "  -h, --help           show this help and exit\n"
  "      --show-data      print segment contents, in data and in error\n"
  "                       messages (they may hold health information)\n"
  "      --max-segment N  reject segments longer than N bytes (106 or more;\n"
  "                       default 65536)\n";

typedef struct parse_ctx {
  int show_data;
  unsigned long segments;
  unsigned long interchanges;
} parse_ctx;

static void put_raw(x12kit_slice raw)
{
  size_t i;

  for (i = 0; i < raw.len; i++) {
    unsigned char c = (unsigned char)raw.ptr[i];
    if (c < 0x20 || c == 0x7f)
      printf("\\x%02X", c);
    else
      putchar(c);
  }
}

static int on_segment(void *user_data, const x12kit_segment *seg)
{
  parse_ctx *ctx = user_data;
  const x12kit_position *pos = x12kit_segment_position(seg);
  const char *id = x12kit_segment_id(seg);

  if (ctx->segments++ == 0)
    printf("segment\tline\toffset\tin_st\tid\telements%s\n", ctx->show_data ? "\tdata" : "");
  if (strcmp(id, "ISA") == 0)
    ctx->interchanges++;

  printf("%lu\t%lu\t%" PRIu64 "\t", pos->segment, pos->line, pos->byte_offset);
  if (pos->in_transaction > 0)
    printf("%lu", pos->in_transaction);
  else
    putchar('-');
  putchar('\t');
  cli_put_safe(stdout, id);
  printf("\t%zu", x12kit_segment_count(seg));
  if (ctx->show_data) {
    putchar('\t');
    put_raw(x12kit_segment_raw(seg));
  }
  putchar('\n');
  /* Stop early when nobody reads the output any more. */
  return ferror(stdout) ? CLI_IO : CLI_OK;
}

int cmd_parse(int argc, char **argv)
{
  parse_ctx ctx = { 0, 0, 0 };
  size_t max_segment = X12KIT_DEFAULT_MAX_SEGMENT;
  const char *path = NULL;
  x12kit_lexer *lx = NULL;
  cli_input in;
  int status;

  status = cli_options(argc, argv, usage, help, &ctx.show_data, &max_segment, &path);
  if (status >= 0)
    return status;
  if (x12kit_lexer_new(&lx, NULL) != X12KIT_OK)
    return cli_nomem();
  if (x12kit_lexer_set_max_segment(lx, max_segment) != X12KIT_OK) {
    x12kit_lexer_free(lx);
    fprintf(stderr, "%s: --max-segment %zu refused\n", argv[0], max_segment);
    return CLI_USAGE;
  }
  x12kit_lexer_set_show_data(lx, ctx.show_data);

  status = cli_open(&in, path);
  if (status == CLI_OK) {
    status = cli_lex(&in, lx, on_segment, &ctx);
    cli_close(&in);
  }
  if (status == CLI_OK)
    printf("%lu segment%s, %lu interchange%s\n", ctx.segments, cli_plural(ctx.segments),
           ctx.interchanges, cli_plural(ctx.interchanges));
  x12kit_lexer_free(lx);
  return status;
}
