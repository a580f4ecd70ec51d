/*
 * x12kit batch: submits an X12 batch to a clearinghouse in a CORE batch
 * envelope, and picks up its 999 (or TA1) and its 271 results later.
 *
 * The submission's answer is only a receipt, so "batch submit" prints
 * its PayloadID on standard output for a script to keep.  "batch fetch"
 * takes one waiting item per run, oldest first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "connect.h"

#define MAX_X12_BYTES (64u * 1024u * 1024u)

static const char usage[] =
  "Usage: " CLI_NAME " batch submit " CLI_CONNECT_USAGE "\n"
  "         [--payload-type TYPE] FILE|-\n"
  "       " CLI_NAME " batch fetch ack|results " CLI_CONNECT_USAGE "\n"
  "         [--payload-id ID] [--output FILE]";

static const char help[] =
  "Submit a batch of X12 (270s) to a clearinghouse in a CAQH CORE batch\n"
  "envelope over HTTPS, and fetch what it sends back later.\n"
  "\n"
  "  submit FILE|-   send the batch; the answer is a receipt: its PayloadID\n"
  "                  is printed on standard output (keep it)\n"
  "  fetch ack       pick up the oldest waiting 999 (or TA1) for this sender\n"
  "  fetch results   pick up the oldest waiting 271 results\n"
  "\n"
  "A fetched payload goes to standard output or to --output FILE; a one-line\n"
  "outcome with the PayloadID goes to standard error.\n"
  "\n"
  "Options:\n"
  "  -h, --help              show this help and exit\n"
  "      --payload-type TYPE submit: the CORE PayloadType (default: from ST01)\n"
  "      --payload-id ID     fetch: repeat an earlier retrieval whose outcome was\n"
  "                          unknown (exit 8); the server answers it again\n"
  "      --output FILE       fetch: write the payload to FILE (replaced whole)\n"
  "\n"
  CLI_CONNECT_HELP
  "\n"
  "Exit status:\n"
  "  0  submit: the batch was received; fetch: a payload was written\n"
  "  1  the input is not X12 or cannot be sent\n"
  "  2  usage error\n"
  "  3  cannot read the input or write the output; connection or TLS failure\n"
  "     (nothing was processed)\n"
  "  4  out of memory or internal error\n"
  "  6  fetch: nothing is waiting\n"
  "  7  the server answered with an envelope error, a SOAP fault, a damaged or\n"
  "     unexpected payload (a 999 in a receipt)\n"
  "  8  outcome unknown (timeout after sending): submit: do not resubmit, ask\n"
  "     the clearinghouse about the PayloadID; fetch: repeat with --payload-id\n";

enum { OPT_PAYLOAD_TYPE = 256, OPT_PAYLOAD_ID, OPT_OUTPUT };

static int usage_error(const char *msg)
{
  return cli_usage_error(usage, msg);
}

static int write_stdout(const char *data, size_t len)
{
  if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
    fprintf(stderr, CLI_NAME ": cannot write the answer\n");
    return CLI_IO;
  }
  return CLI_OK;
}

int cmd_batch(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "payload-type", required_argument, NULL, OPT_PAYLOAD_TYPE },
    { "payload-id", required_argument, NULL, OPT_PAYLOAD_ID },
    { "output", required_argument, NULL, OPT_OUTPUT },
    CLI_CONNECT_LONGOPTS,
    { NULL, 0, NULL, 0 }
  };
  x12kit_client_response r;
  x12kit_client *c = NULL;
  x12kit_error err;
  cli_connect o;
  const char *name = NULL, *payload_type = NULL, *payload_id = NULL, *output = NULL;
  const char *sub;
  char *buf = NULL;
  size_t len = 0;
  int ch, rc, status, submit, want;
  x12kit_batch_item what = X12KIT_BATCH_ACK;

  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    printf("%s\n\n%s", usage, help);
    return CLI_OK;
  }
  if (argc < 2 || (strcmp(argv[1], "submit") != 0 && strcmp(argv[1], "fetch") != 0))
    return usage_error("say batch submit or batch fetch");
  sub = argv[1];
  submit = !strcmp(sub, "submit");
  /* options and operands may come in any order after the subcommand:
     getopt permutes argv from the subcommand on (optind 0 starts it
     afresh, whatever ran before) */
  argc--;
  argv++;
  cli_connect_init(&o);
  optind = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    if (ch == 'h') {
      printf("%s\n\n%s", usage, help);
      return CLI_OK;
    }
    if (ch == OPT_PAYLOAD_TYPE && submit)
      payload_type = optarg;
    else if (ch == OPT_PAYLOAD_ID && !submit)
      payload_id = optarg;
    else if (ch == OPT_OUTPUT && !submit) {
      if (!*optarg)
        return usage_error("--output takes a file name");
      output = optarg;
    } else if (!cli_connect_option(&o, ch, optarg))
      return usage_error("unknown option or missing argument (there is no "
                         "--password: use --credentials FILE or X12KIT_PASSWORD)");
  }
  want = optind + 1 == argc;
  if (submit && !want)
    return usage_error("give exactly one input file, or - for standard input");
  if (!submit) {
    if (!want || (strcmp(argv[optind], "ack") != 0 && strcmp(argv[optind], "results") != 0))
      return usage_error("say batch fetch ack or batch fetch results");
    what = !strcmp(argv[optind], "ack") ? X12KIT_BATCH_ACK : X12KIT_BATCH_RESULTS;
  }
  rc = cli_connect_open(&o, usage_error, &c);
  if (rc != CLI_OK)
    return rc;
  memset(&err, 0, sizeof err);
  if (submit) {
    rc = cli_read_file(argv[optind], MAX_X12_BYTES, &name, &buf, &len);
    if (rc != CLI_OK) {
      x12kit_client_free(c);
      return rc;
    }
    rc = x12kit_client_batch_submit(c, buf, len, payload_type, &r, &err);
    OPENSSL_cleanse(buf, len);
    free(buf);
    if (rc == X12KIT_OK) {
      fprintf(stderr, CLI_NAME ": batch received (PayloadID %s): fetch its 999 with "
              "x12kit batch fetch ack\n", r.payload_id);
      printf("%s\n", r.payload_id);
      status = fflush(stdout) == 0 ? CLI_OK : CLI_IO;
    } else
      status = cli_connect_report(name, rc, &r, &err);
    x12kit_client_response_clear(&r);
    x12kit_client_free(c);
    return status;
  }

  name = what == X12KIT_BATCH_ACK ? "ack retrieval" : "results retrieval";
  rc = x12kit_client_batch_fetch(c, what, payload_id, &r, &err);
  if (rc != X12KIT_OK && r.outcome == X12KIT_SEND_NOT_SENT && err.code == X12KIT_ERR_ARG) {
    x12kit_client_free(c);
    return usage_error(err.text);                       /* a malformed --payload-id */
  }
  status = CLI_OK;
  /* whatever came back is written, even an unexpected item: the server
     handed it out, and a refusal explains itself */
  if (r.payload && r.payload_len)
    status = output ? cli_save_file(output, "answer", r.payload, r.payload_len)
                    : write_stdout(r.payload, r.payload_len);
  if (status == CLI_OK) {
    if (rc != X12KIT_OK)
      status = cli_connect_report(name, rc, &r, &err);
    else if (!r.payload) {
      fprintf(stderr, CLI_NAME ": nothing waiting: no %s to fetch (PayloadID %s)\n",
              what == X12KIT_BATCH_ACK ? "999 or TA1" : "271 results", r.payload_id);
      status = CLI_PENDING;
    } else
      fprintf(stderr, CLI_NAME ": fetched: %s (PayloadID %s)\n", r.transaction,
              r.payload_id);
  }
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);
  return status;
}
