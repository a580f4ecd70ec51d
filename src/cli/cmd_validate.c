/*
 * x12kit validate: checks X12 against the implementation guides and
 * writes 999 or TA1 acknowledgments.
 * x12kit explain: reads a 999 or TA1 back in plain words.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char validate_usage[] =
  "Usage: " CLI_NAME " validate [--show-data] [--schemas DIR] [--ack 999|ta1 [--control N]] FILE|-";

static const char validate_help[] =
  "Check an X12 file, or standard input for -, against the HIPAA 5010\n"
  "implementation guides (270/271 005010X279A1, 278 005010X217, 999\n"
  "005010X231A1): envelopes, loops, segment order and use, required\n"
  "elements, lengths, data types, dates, code values, element pairing.\n"
  "\n"
  "Each finding goes to standard error as one line\n"
  "  FILE:LINE: segment N (ID, loop L): what is wrong [acknowledgment code]\n"
  "and a summary goes to standard output.  With --ack the acknowledgment\n"
  "is written to standard output instead of the summary.\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --ack 999      write a 999 implementation acknowledgment\n"
  "      --ack ta1      write a TA1 interchange acknowledgment\n"
  "      --control N    ISA13 and GS06 of the acknowledgment, 1 to 999999999\n"
  "                     (default 1; each acknowledgment you send needs its own)\n"
  "      --schemas DIR  read the guide maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                     or the installed maps)\n"
  "      --show-data    quote offending values in messages and in the 999\n"
  "                     (IK404); they may hold health information\n";

static const char explain_usage[] = "Usage: " CLI_NAME " explain [--schemas DIR] FILE|-";

static const char explain_help[] =
  "Explain a 999 or TA1 acknowledgment, from a file or standard input for\n"
  "-, in plain words: which interchange, group and transaction sets were\n"
  "accepted or rejected, and for each error the segment, element and what\n"
  "the code means.  Values copied into the acknowledgment (IK404) are\n"
  "never printed.\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --schemas DIR  read code descriptions from the maps in DIR\n";

enum { OPT_ACK = 256, OPT_SCHEMAS, OPT_SHOW_DATA, OPT_CONTROL };

typedef struct opts {
  int show_data;
  const char *ack;
  const char *schemas;
  const char *path;
  unsigned long control;
} opts;

static int usage_error(const char *usage, const char *msg)
{
  if (msg)
    fprintf(stderr, "%s: %s\n", CLI_NAME, msg);
  fprintf(stderr, "%s\n", usage);
  return CLI_USAGE;
}

/* Returns -1 to go on, or an exit status. */
static int read_options(int argc, char **argv, const char *usage, const char *help, opts *o,
                        int allow_ack)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "ack", required_argument, NULL, OPT_ACK },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { "show-data", no_argument, NULL, OPT_SHOW_DATA },
    { "control", required_argument, NULL, OPT_CONTROL },
    { NULL, 0, NULL, 0 }
  };
  int c;

  memset(o, 0, sizeof *o);
  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s\n%s", usage, help, cli_exit_help);
      return CLI_OK;
    case OPT_ACK:
      if (!allow_ack)
        return usage_error(usage, "unknown option --ack");
      if (strcmp(optarg, "999") != 0 && strcmp(optarg, "ta1") != 0 &&
          strcmp(optarg, "TA1") != 0)
        return usage_error(usage, "--ack takes 999 or ta1");
      o->ack = optarg;
      break;
    case OPT_SCHEMAS:
      o->schemas = optarg;
      break;
    case OPT_CONTROL: {
      char *end;
      unsigned long n;
      if (!allow_ack)
        return usage_error(usage, "unknown option --control");
      n = strtoul(optarg, &end, 10);
      if (*optarg < '0' || *optarg > '9' || *end || n < 1 || n > 999999999ul)
        return usage_error(usage, "--control takes a number from 1 to 999999999");
      o->control = n;
      break;
    }
    case OPT_SHOW_DATA:
      if (!allow_ack)
        return usage_error(usage, "unknown option --show-data");
      o->show_data = 1;
      break;
    default:
      return usage_error(usage, optopt ? "unknown or incomplete option" : "unknown option");
    }
  }
  if (optind != argc - 1)
    return usage_error(usage, optind >= argc ? "missing FILE (use - for standard input)"
                                             : "too many arguments");
  if (o->control && !o->ack)
    return usage_error(usage, "--control goes with --ack");
  o->path = argv[optind];
  return -1;
}

/* ---- validate ---- */

typedef struct vctx {
  const char *name;
  x12kit_validator *v;
  x12kit_ack *ack;
  unsigned long transactions, findings;
  int status;
} vctx;

static int on_finding(void *ud, const x12kit_error *err)
{
  vctx *c = ud;

  c->findings++;
  cli_print_error(c->name, err);
  if (c->ack && x12kit_ack_finding(c->ack, err))
    return c->status = CLI_INTERNAL;
  return 0;
}

static int on_event(void *ud, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  vctx *c = ud;

  (void)pos;
  if (ev == X12KIT_TRANSACTION_BEGIN)
    c->transactions++;
  if (c->ack && x12kit_ack_event(c->ack, ev, info))
    return c->status = CLI_INTERNAL;
  return 0;
}

/* The business unit of a transaction for the 999: its first TRN02. */
static int find_trn(const x12kit_node *n, x12kit_slice *out)
{
  const x12kit_node *c;

  for (c = x12kit_node_first_child(n); c; c = x12kit_node_next(c)) {
    if (x12kit_node_kind_of(c) == X12KIT_NODE_SEGMENT) {
      if (strcmp(x12kit_node_id(c), "TRN") == 0) {
        *out = x12kit_node_element(c, "TRN02");
        return out->len > 0;
      }
    } else if (find_trn(c, out)) {
      return 1;
    }
  }
  return 0;
}

static int on_transaction(void *ud, const x12kit_guide *guide, const x12kit_transaction_info *st,
                          const x12kit_node *root)
{
  vctx *c = ud;
  x12kit_slice trn;
  char value[64];

  (void)guide;
  (void)st;
  if (c->ack && root && find_trn(root, &trn) && trn.len < sizeof value) {
    memcpy(value, trn.ptr, trn.len);
    value[trn.len] = '\0';
    /* a trace number too long for CTX01 (AN 1/35) is left out, not an error */
    int rc = x12kit_ack_context(c->ack, "TRN02", value);
    if (rc && rc != X12KIT_ERR_DATA)
      return c->status = CLI_INTERNAL;
  }
  return 0;
}

static int validate_segment(void *ud, const x12kit_segment *seg)
{
  vctx *c = ud;
  int rc = x12kit_validator_segment(c->v, seg);

  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  if (rc)
    return c->status ? c->status : CLI_INTERNAL;
  return CLI_OK;
}

static int write_out(void *ud, const char *buf, size_t len)
{
  (void)ud;
  return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

int cmd_validate(int argc, char **argv)
{
  opts o;
  cli_input in;
  x12kit_schema *schema = NULL;
  x12kit_lexer *lx = NULL;
  vctx c;
  int status = read_options(argc, argv, validate_usage, validate_help, &o, 1);

  if (status >= 0)
    return status;
  memset(&c, 0, sizeof c);
  status = cli_load_schema(o.schemas, &schema);
  if (status)
    return status;
  status = cli_open(&in, o.path);
  if (status) {
    x12kit_schema_free(schema);
    return status;
  }
  c.name = in.name;
  if (x12kit_lexer_new(&lx, NULL) || x12kit_validator_new(&c.v, schema, NULL) ||
      (o.ack && x12kit_ack_new(&c.ack, NULL))) {
    status = cli_nomem();
    goto done;
  }
  x12kit_lexer_set_show_data(lx, o.show_data);
  x12kit_validator_set_show_data(c.v, o.show_data);
  if (c.ack)
    x12kit_ack_set_show_data(c.ack, o.show_data);
  x12kit_validator_set_callbacks(c.v, on_event, on_finding, c.ack ? on_transaction : NULL, &c);

  status = cli_lex(&in, lx, validate_segment, &c);
  if (status == CLI_OK && x12kit_validator_finish(c.v))
    status = c.status ? c.status : cli_nomem();
  if (status == CLI_INVALID && c.transactions == 0 && o.ack && strcmp(o.ack, "999") == 0) {
    /* a lexer error: nothing for a 999 to acknowledge */
    goto done;
  }
  if (status == CLI_OK || status == CLI_INVALID) {
    int bad = status == CLI_INVALID || c.findings > 0;
    if (o.ack) {
      x12kit_ack_options aopt;
      x12kit_writer *w;
      int rc;
      if (x12kit_writer_new(&w, write_out, NULL, NULL, NULL)) {
        status = cli_nomem();
        goto done;
      }
      memset(&aopt, 0, sizeof aopt);
      aopt.control = o.control;
      rc = strcmp(o.ack, "999") == 0 ? x12kit_ack_write_999(c.ack, w, &aopt)
                                     : x12kit_ack_write_ta1(c.ack, w, &aopt);
      if (rc == X12KIT_OK)
        rc = x12kit_writer_flush(w);
      if (rc) {
        const x12kit_error *e = x12kit_writer_error(w);
        fprintf(stderr, "%s: cannot write the acknowledgment: %s\n", CLI_NAME,
                rc == X12KIT_ERR_STATE ? "the input holds no functional group to acknowledge"
                : e                    ? e->text
                                       : x12kit_strerror(rc));
        status = rc == X12KIT_ERR_IO ? CLI_IO : bad ? CLI_INVALID : CLI_INTERNAL;
      }
      x12kit_writer_free(w);
      if (status == CLI_OK && bad)
        status = CLI_INVALID;
    } else {
      printf("%lu transaction%s checked: %s\n", c.transactions, cli_plural(c.transactions),
             bad ? "invalid" : "valid");
      if (c.findings)
        printf("%lu finding%s\n", c.findings, cli_plural(c.findings));
      status = bad ? CLI_INVALID : CLI_OK;
    }
  }
done:
  x12kit_ack_free(c.ack);
  x12kit_validator_free(c.v);
  x12kit_lexer_free(lx);
  x12kit_schema_free(schema);
  cli_close(&in);
  return status;
}

/* ---- explain ---- */

/* One line of the explanation on the stream |ud|. */
static int print_line(void *ud, const char *line)
{
  FILE *fp = ud;

  cli_put_safe(fp, line);
  fputc('\n', fp);
  return 0;
}

static int explain_segment(void *ud, const x12kit_segment *seg)
{
  int rc = x12kit_explainer_segment(ud, seg);
  return rc == X12KIT_OK ? CLI_OK : rc == X12KIT_ERR_NOMEM ? cli_nomem() : CLI_INTERNAL;
}

/* Explains the file |in|, or when it is NULL the |len| bytes at |buf|; |name| names it. */
static int explain_input(const char *name, cli_input *in, const char *buf, size_t len,
                         const char *schemas, FILE *out)
{
  x12kit_schema *schema = NULL;
  x12kit_lexer *lx = NULL;
  x12kit_explainer *ex = NULL;
  int status;

  /* descriptions come from the maps when they load; built-in ones otherwise */
  if (x12kit_schema_load(&schema, schemas, NULL, NULL) != X12KIT_OK)
    schema = NULL;
  if (x12kit_lexer_new(&lx, NULL) || x12kit_explainer_new(&ex, schema, print_line, out, NULL)) {
    status = cli_nomem();
    goto done;
  }
  status = in ? cli_lex(in, lx, explain_segment, ex)
              : cli_lex_buffer(name, buf, len, lx, explain_segment, ex);
  if (status == CLI_OK) {
    int rc = x12kit_explainer_finish(ex);
    if (rc == X12KIT_ERR_ARG) {
      fprintf(stderr, "%s: %s holds no 999 or TA1 acknowledgment\n", CLI_NAME, name);
      status = CLI_INVALID;
    } else if (rc) {
      status = rc == X12KIT_ERR_NOMEM ? cli_nomem() : CLI_INTERNAL;
    }
  }
  if (status == CLI_OK && (fflush(out) != 0 || ferror(out))) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    status = CLI_IO;
  }
done:
  x12kit_explainer_free(ex);
  x12kit_lexer_free(lx);
  x12kit_schema_free(schema);
  return status;
}

int cmd_explain(int argc, char **argv)
{
  opts o;
  cli_input in;
  int status = read_options(argc, argv, explain_usage, explain_help, &o, 0);

  if (status >= 0)
    return status;
  status = cli_open(&in, o.path);
  if (status)
    return status;
  status = explain_input(in.name, &in, NULL, 0, o.schemas, stdout);
  cli_close(&in);
  return status;
}

int cli_ack_explain(const char *name, const char *buf, size_t len, const char *schemas,
                    FILE *out)
{
  return explain_input(name, NULL, buf, len, schemas, out);
}
