/*
 * x12kit envelope: checks ISA/IEA, GS/GE and ST/SE and prints an outline.
 */
#include <string.h>

#include "cli.h"

static const char usage[] = "Usage: " CLI_NAME " envelope [--show-data] FILE|-";

static const char help[] =
  "Check the envelopes of an X12 file, or of standard input for -: control\n"
  "numbers, counts in the trailers, missing trailers, segments out of\n"
  "place.  Print an outline of every interchange, functional group and\n"
  "transaction set, then a summary line.\n"
  "\n"
  "Each fault goes to standard error as one line\n"
  "  FILE:LINE: segment N (ID): what is wrong [acknowledgment code]\n"
  "where the code is the one a TA1 or 999 would carry.\n"
  "\n"
  "Options:\n"
  "  -h, --help       show this help and exit\n"
  "      --show-data  quote offending values in messages (they may hold\n"
  "                   health information)\n";

typedef struct envelope_ctx {
  const char *name;
  x12kit_envelope *env;
  int status;                  /* why a callback stopped the checker */
  unsigned long interchanges, groups, transactions, errors;
} envelope_ctx;

/* Plain names of the functional groups x12kit is about. */
static const char *group_name(const char *gs01)
{
  static const struct { const char *id, *name; } names[] = {
    { "HS", "eligibility inquiry 270" },
    { "HB", "eligibility response 271" },
    { "HI", "prior authorization 278" },
    { "FA", "acknowledgment 999" },
  };
  size_t i;

  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(gs01, names[i].id) == 0)
      return names[i].name;
  return NULL;
}

static int digits(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return s[n] == '\0';
}

static void print_interchange(const x12kit_interchange_info *isa)
{
  fputs("interchange ", stdout);
  cli_put_safe(stdout, isa->control);
  fputs(": sender ", stdout);
  cli_put_safe(stdout, isa->sender_qualifier);
  putchar(':');
  cli_put_safe(stdout, isa->sender_id);
  fputs(", receiver ", stdout);
  cli_put_safe(stdout, isa->receiver_qualifier);
  putchar(':');
  cli_put_safe(stdout, isa->receiver_id);
  if (digits(isa->date, 6) && digits(isa->time, 4))
    printf(", 20%.2s-%.2s-%.2s %.2s:%.2s", isa->date, isa->date + 2, isa->date + 4,
           isa->time, isa->time + 2);
  else
    fputs(", date invalid", stdout);
  printf(", %s, TA1 requested %s\n",
         isa->usage == 'P' ? "Production" : isa->usage == 'T' ? "Test" : "usage invalid",
         isa->ack_requested == '1' ? "yes" : "no");
}

static void print_group(const x12kit_group_info *gs)
{
  const char *name = group_name(gs->functional_id);
  const char *set = x12kit_functional_id_transaction(gs->functional_id);

  fputs("  group ", stdout);
  cli_put_safe(stdout, gs->functional_id);
  if (name)
    printf(" (%s)", name);
  else if (set)
    printf(" (transaction set %s)", set);
  else
    fputs(" (unknown functional ID)", stdout);
  fputs(" ", stdout);
  cli_put_safe(stdout, gs->control);
  fputs(": version ", stdout);
  cli_put_safe(stdout, gs->version);
  putchar('\n');
}

static void print_transaction(const x12kit_transaction_info *st)
{
  fputs("    transaction ", stdout);
  cli_put_safe(stdout, st->id);
  putchar(' ');
  cli_put_safe(stdout, st->control);
  fputs(": version ", stdout);
  cli_put_safe(stdout, st->version);
  printf(", %lu segment%s\n", st->segments, cli_plural(st->segments));
}

static int on_event(void *user_data, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  envelope_ctx *ctx = user_data;
  const x12kit_interchange_info *isa = info;
  const x12kit_group_info *gs = info;

  (void)pos;
  switch (ev) {
  case X12KIT_INTERCHANGE_BEGIN:
    ctx->interchanges++;
    print_interchange(isa);
    break;
  case X12KIT_INTERCHANGE_END:
    fputs("end of interchange ", stdout);
    cli_put_safe(stdout, isa->control);
    printf(": %lu group%s\n", isa->groups, cli_plural(isa->groups));
    break;
  case X12KIT_GROUP_BEGIN:
    ctx->groups++;
    print_group(gs);
    break;
  case X12KIT_GROUP_END:
    fputs("  end of group ", stdout);
    cli_put_safe(stdout, gs->control);
    printf(": %lu transaction%s\n", gs->transactions, cli_plural(gs->transactions));
    break;
  case X12KIT_TRANSACTION_BEGIN:
    ctx->transactions++;
    break;
  case X12KIT_TRANSACTION_END:
    print_transaction(info);
    break;
  }
  if (ferror(stdout)) {
    ctx->status = CLI_IO;
    return 1;
  }
  return 0;
}

static int on_error(void *user_data, const x12kit_error *err)
{
  envelope_ctx *ctx = user_data;

  ctx->errors++;
  cli_print_error(ctx->name, err);
  return 0;
}

/* Maps what the checker returned to an exit status. */
static int checked(const envelope_ctx *ctx, int rc)
{
  if (rc == X12KIT_OK)
    return CLI_OK;
  if (rc == X12KIT_ERR_ABORTED && ctx->status != CLI_OK)
    return ctx->status;
  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  fprintf(stderr, "%s: %s: %s\n", CLI_NAME, ctx->name, x12kit_strerror(rc));
  return CLI_INTERNAL;
}

static int on_segment(void *user_data, const x12kit_segment *seg)
{
  envelope_ctx *ctx = user_data;

  return checked(ctx, x12kit_envelope_segment(ctx->env, seg));
}

int cmd_envelope(int argc, char **argv)
{
  envelope_ctx ctx;
  const char *path = NULL;
  x12kit_lexer *lx = NULL;
  cli_input in;
  int show_data = 0;
  int status;

  status = cli_options(argc, argv, usage, help, &show_data, NULL, &path);
  if (status >= 0)
    return status;

  memset(&ctx, 0, sizeof ctx);
  if (x12kit_lexer_new(&lx, NULL) != X12KIT_OK
      || x12kit_envelope_new(&ctx.env, NULL) != X12KIT_OK) {
    if (lx)
      x12kit_lexer_free(lx);
    return cli_nomem();
  }
  x12kit_lexer_set_show_data(lx, show_data);
  x12kit_envelope_set_show_data(ctx.env, show_data);
  x12kit_envelope_set_callbacks(ctx.env, on_event, on_error, &ctx);

  status = cli_open(&in, path);
  if (status == CLI_OK) {
    ctx.name = in.name;
    status = cli_lex(&in, lx, on_segment, &ctx);
    cli_close(&in);
  }
  if (status == CLI_OK)
    status = checked(&ctx, x12kit_envelope_finish(ctx.env));
  if (status == CLI_OK) {
    printf("%lu interchange%s, %lu group%s, %lu transaction%s: ", ctx.interchanges,
           cli_plural(ctx.interchanges), ctx.groups, cli_plural(ctx.groups),
           ctx.transactions, cli_plural(ctx.transactions));
    if (ctx.errors == 0)
      printf("envelope OK\n");
    else
      printf("%lu envelope error%s\n", ctx.errors, cli_plural(ctx.errors));
    status = ctx.errors == 0 ? CLI_OK : CLI_INVALID;
  }
  x12kit_envelope_free(ctx.env);
  x12kit_lexer_free(lx);
  return status;
}
