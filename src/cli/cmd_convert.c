/*
 * x12kit convert: X12 to XML or JSON with the guide's loops, and back.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char convert_usage[] =
  "Usage: " CLI_NAME " convert --to xml|json|x12 [--from x12|xml|json] [--schemas DIR] "
  "[--show-data] FILE|-";

static const char convert_help[] =
  "Convert a file, or standard input for -, between X12 and documents\n"
  "that keep the implementation guide's loops: XML (one element per loop\n"
  "instance, segment and element, named from the guide maps) and JSON\n"
  "Lines (one object per interchange header, group header, transaction\n"
  "set, group trailer and interchange trailer).  XML and JSON convert back\n"
  "to the same X12 bytes, with SE01, GE01 and IEA01 recounted.  The input\n"
  "format is recognized from its first bytes unless --from is given.  The\n"
  "result goes to standard output; a file of many transaction sets is\n"
  "converted one transaction set at a time.\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --to FORMAT    xml, json or x12 (required)\n"
  "      --from FORMAT  x12, xml or json (default: recognized from the input)\n"
  "      --schemas DIR  read the guide maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                     or the installed maps)\n"
  "      --show-data    quote offending values in messages; they may hold\n"
  "                     health information\n";

enum { OPT_TO = 256, OPT_FROM, OPT_SCHEMAS, OPT_SHOW_DATA };

static long read_fd(void *ud, char *buf, size_t size)
{
  const cli_input *in = ud;
  ssize_t n;

  do
    n = read(in->fd, buf, size);
  while (n < 0 && errno == EINTR);
  return (long)n;
}

static int write_stdout(void *ud, const char *buf, size_t len)
{
  (void)ud;
  return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

int cmd_convert(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "to", required_argument, NULL, OPT_TO },
    { "from", required_argument, NULL, OPT_FROM },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { "show-data", no_argument, NULL, OPT_SHOW_DATA },
    { NULL, 0, NULL, 0 }
  };
  x12kit_convert_options opt;
  const char *schemas = NULL;
  int to = -1, from = X12KIT_FORMAT_AUTO, c, rc, status;
  x12kit_schema *schema = NULL;
  x12kit_error err;
  cli_input in;

  memset(&opt, 0, sizeof opt);
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s\n%s", convert_usage, convert_help, cli_exit_help);
      return CLI_OK;
    case OPT_TO:
      to = x12kit_format_parse(optarg);
      if (to < 0)
        return cli_usage_error(convert_usage, "--to takes xml, json or x12");
      break;
    case OPT_FROM:
      from = x12kit_format_parse(optarg);
      if (from < 0)
        return cli_usage_error(convert_usage, "--from takes x12, xml or json");
      break;
    case OPT_SCHEMAS:
      schemas = optarg;
      break;
    case OPT_SHOW_DATA:
      opt.show_data = 1;
      break;
    default:
      return cli_usage_error(convert_usage, "unknown option");
    }
  }
  if (to < 0)
    return cli_usage_error(convert_usage, "--to is required");
  if (optind != argc - 1)
    return cli_usage_error(convert_usage, "one input file (or -) is required");
  rc = cli_load_schema(schemas, &schema);
  if (rc)
    return rc;
  rc = cli_open(&in, argv[optind]);
  if (rc) {
    x12kit_schema_free(schema);
    return rc;
  }
  rc = x12kit_convert(schema, (x12kit_format)from, (x12kit_format)to, read_fd, &in,
                      write_stdout, NULL, &opt, NULL, &err);
  if (fflush(stdout) != 0 && rc == X12KIT_OK) {
    rc = X12KIT_ERR_IO;
    snprintf(err.text, sizeof err.text, "cannot write the output");
  }
  switch (rc) {
  case X12KIT_OK:
    status = CLI_OK;
    break;
  case X12KIT_ERR_NOMEM:
    status = cli_nomem();
    break;
  case X12KIT_ERR_IO:
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, in.name, err.text);
    status = CLI_IO;
    break;
  case X12KIT_ERR_ARG:
    fprintf(stderr, "%s: %s\n", CLI_NAME, err.text);
    status = CLI_INTERNAL;
    break;
  default:
    cli_print_error(in.name, &err);
    status = CLI_INVALID;
    break;
  }
  cli_close(&in);
  x12kit_schema_free(schema);
  return status;
}
