/*
 * x12kit send: sends an X12 request to a clearinghouse in a CORE
 * real-time envelope over HTTPS and prints the answer's payload.
 */
#include <stdlib.h>
#include <string.h>

#include "connect.h"

#define MAX_X12_BYTES (64u * 1024u * 1024u)

static const char usage[] =
  "Usage: " CLI_NAME " send " CLI_CONNECT_USAGE "\n"
  "         [--payload-type TYPE] FILE|-";

static const char help[] =
  "Send an X12 request (270, 276, 278) to a clearinghouse in a CAQH CORE\n"
  "real-time envelope over HTTPS, print the answer's payload to standard\n"
  "output and a one-line outcome to standard error.\n"
  "\n"
  "Options:\n"
  "  -h, --help              show this help and exit\n"
  "      --payload-type TYPE the CORE PayloadType (default: from the X12's ST01)\n"
  "\n"
  CLI_CONNECT_HELP
  "\n"
  "Exit status:\n"
  "  0  delivered: the answer is a response of the expected type\n"
  "  1  the input is not X12 or cannot be sent\n"
  "  2  usage error\n"
  "  3  cannot read the input; connection or TLS failure (nothing was processed)\n"
  "  4  out of memory or internal error\n"
  "  7  the server answered with an envelope error, a SOAP fault, a 999 or a TA1\n"
  "  8  outcome unknown (timeout after sending): do not resend; ask the\n"
  "     clearinghouse about the PayloadID printed\n";

enum { OPT_PAYLOAD_TYPE = 256 };

static int usage_error(const char *msg)
{
  return cli_usage_error(usage, msg);
}

int cmd_send(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "payload-type", required_argument, NULL, OPT_PAYLOAD_TYPE },
    CLI_CONNECT_LONGOPTS,
    { NULL, 0, NULL, 0 }
  };
  x12kit_client_response r;
  x12kit_client *c = NULL;
  x12kit_error err;
  cli_connect o;
  const char *name = NULL, *payload_type = NULL;
  char *buf = NULL;
  size_t len = 0;
  int ch, rc, status;

  cli_connect_init(&o);
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    if (ch == 'h') {
      printf("%s\n\n%s", usage, help);
      return CLI_OK;
    }
    if (ch == OPT_PAYLOAD_TYPE)
      payload_type = optarg;
    else if (!cli_connect_option(&o, ch, optarg))
      return usage_error("unknown option or missing argument (there is no "
                         "--password: use --credentials FILE or X12KIT_PASSWORD)");
  }
  if (optind + 1 != argc)
    return usage_error("give exactly one input file, or - for standard input");
  rc = cli_connect_open(&o, usage_error, &c);
  if (rc != CLI_OK)
    return rc;
  rc = cli_read_file(argv[optind], MAX_X12_BYTES, &name, &buf, &len);
  if (rc != CLI_OK) {
    x12kit_client_free(c);
    return rc;
  }
  memset(&err, 0, sizeof err);
  rc = x12kit_client_send(c, buf, len, payload_type, &r, &err);
  free(buf);
  if (r.payload && r.payload_len &&
      (fwrite(r.payload, 1, r.payload_len, stdout) != r.payload_len || fflush(stdout) != 0)) {
    fprintf(stderr, CLI_NAME ": cannot write the answer\n");
    x12kit_client_response_clear(&r);
    x12kit_client_free(c);
    return CLI_IO;
  }
  status = cli_connect_report(name, rc, &r, &err);
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);
  return status;
}
