/*
 * x12kit eligibility build: writes a 270 eligibility inquiry
 * (005010X279A1) for one subscriber from command-line options.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_LIST 99

static const char elig_usage[] =
  "Usage: " CLI_NAME " eligibility build --payer-id ID --payer-name NAME --npi NPI\n"
  "         (--provider-name NAME | --provider-last NAME [--provider-first NAME])\n"
  "         --member-id ID --last NAME --first NAME [--dob YYYY-MM-DD] [--gender F|M|U]\n"
  "         [--date YYYY-MM-DD [--date-end YYYY-MM-DD]] [--service-type STC]...\n"
  "         [--cpt CODE[:MOD...]]... [--control N] [--sender ID] [--receiver ID]\n"
  "         [--reference REF] [--test|--production] [--schemas DIR]";

static const char elig_help[] =
  "Write a 270 eligibility inquiry (005010X279A1) to standard output: one\n"
  "interchange asking the payer about one subscriber, with one EQ per\n"
  "service type and one EQ**HC per procedure code.\n"
  "\n"
  "Options:\n"
  "  -h, --help               show this help and exit\n"
  "      --payer-id ID        payer ID (NM109, qualifier PI)\n"
  "      --payer-name NAME    payer name\n"
  "      --npi NPI            the provider's NPI (10 digits, check digit verified)\n"
  "      --provider-name NAME the provider organization, or\n"
  "      --provider-last NAME --provider-first NAME  a person as provider\n"
  "      --member-id ID       the subscriber's member ID\n"
  "      --last NAME          the subscriber's last name\n"
  "      --first NAME         the subscriber's first name\n"
  "      --dob YYYY-MM-DD     date of birth\n"
  "      --gender F|M|U       gender (needs --dob)\n"
  "      --date YYYY-MM-DD    service date (DTP 291)\n"
  "      --date-end YYYY-MM-DD  end of a service date range\n"
  "      --service-type STC   service type code (EQ01, list 1365), repeatable;\n"
  "                           default 30 when neither it nor --cpt is given\n"
  "      --cpt CODE[:MOD...]  CPT/HCPCS code with up to 4 modifiers, repeatable\n"
  "      --control N          interchange and group control number (default 1)\n"
  "      --sender ID          ISA06/GS02 (default the NPI)\n"
  "      --receiver ID        ISA08/GS03 (default the payer ID)\n"
  "      --reference REF      BHT03 and TRN02 (default X12KIT and the control number)\n"
  "      --test               usage indicator T (the default)\n"
  "      --production         usage indicator P\n"
  "      --schemas DIR        read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                           or the installed maps)\n"
  "\n"
  "The creation date and time are now, in UTC.\n"
  "\n"
  "Exit status:\n"
  "  0  the 270 was written\n"
  "  1  an input is invalid (the message names it)\n"
  "  2  usage error\n"
  "  3  cannot write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n";

static int usage_error(const char *msg)
{
  if (msg)
    fprintf(stderr, "%s: %s\n", CLI_NAME, msg);
  fprintf(stderr, "%s\n", elig_usage);
  return CLI_USAGE;
}

static int write_stdout(void *ud, const char *data, size_t len)
{
  (void)ud;
  return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

enum {
  OPT_PAYER_ID = 256, OPT_PAYER_NAME, OPT_NPI, OPT_PROVIDER_NAME, OPT_PROVIDER_LAST,
  OPT_PROVIDER_FIRST, OPT_MEMBER_ID, OPT_LAST, OPT_FIRST, OPT_DOB, OPT_GENDER, OPT_DATE,
  OPT_DATE_END, OPT_CPT, OPT_STC, OPT_CONTROL, OPT_SENDER, OPT_RECEIVER, OPT_REFERENCE,
  OPT_TEST, OPT_PRODUCTION, OPT_SCHEMAS
};

static const struct option elig_options[] = {
  { "help", no_argument, NULL, 'h' },
  { "payer-id", required_argument, NULL, OPT_PAYER_ID },
  { "payer-name", required_argument, NULL, OPT_PAYER_NAME },
  { "npi", required_argument, NULL, OPT_NPI },
  { "provider-name", required_argument, NULL, OPT_PROVIDER_NAME },
  { "provider-last", required_argument, NULL, OPT_PROVIDER_LAST },
  { "provider-first", required_argument, NULL, OPT_PROVIDER_FIRST },
  { "member-id", required_argument, NULL, OPT_MEMBER_ID },
  { "last", required_argument, NULL, OPT_LAST },
  { "first", required_argument, NULL, OPT_FIRST },
  { "dob", required_argument, NULL, OPT_DOB },
  { "gender", required_argument, NULL, OPT_GENDER },
  { "date", required_argument, NULL, OPT_DATE },
  { "date-end", required_argument, NULL, OPT_DATE_END },
  { "cpt", required_argument, NULL, OPT_CPT },
  { "service-type", required_argument, NULL, OPT_STC },
  { "control", required_argument, NULL, OPT_CONTROL },
  { "sender", required_argument, NULL, OPT_SENDER },
  { "receiver", required_argument, NULL, OPT_RECEIVER },
  { "reference", required_argument, NULL, OPT_REFERENCE },
  { "test", no_argument, NULL, OPT_TEST },
  { "production", no_argument, NULL, OPT_PRODUCTION },
  { "schemas", required_argument, NULL, OPT_SCHEMAS },
  { NULL, 0, NULL, 0 }
};

/* The options every 270 needs, with the name of each for the message. */
static int require(const char *value, const char *option)
{
  if (value != NULL)
    return 0;
  fprintf(stderr, "%s: eligibility build: missing %s\n", CLI_NAME, option);
  fprintf(stderr, "%s\n", elig_usage);
  return 1;
}

static int build(int argc, char **argv)
{
  const char *cpt[MAX_LIST], *stc[MAX_LIST];
  const char *dir = NULL;
  x12kit_270_request r;
  x12kit_schema *s;
  x12kit_writer *w;
  x12kit_error err;
  int c, status;

  memset(&r, 0, sizeof r);
  r.usage = 'T';
  r.ack_requested = 1;
  r.control = 1;
  r.procedures = cpt;
  r.service_types = stc;
  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", elig_options, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s", elig_usage, elig_help);
      return CLI_OK;
    case OPT_PAYER_ID: r.payer_id = optarg; break;
    case OPT_PAYER_NAME: r.payer_name = optarg; break;
    case OPT_NPI: r.provider_npi = optarg; break;
    case OPT_PROVIDER_NAME: r.provider_name = optarg; break;
    case OPT_PROVIDER_LAST: r.provider_last = optarg; break;
    case OPT_PROVIDER_FIRST: r.provider_first = optarg; break;
    case OPT_MEMBER_ID: r.member_id = optarg; break;
    case OPT_LAST: r.last = optarg; break;
    case OPT_FIRST: r.first = optarg; break;
    case OPT_DOB: r.dob = optarg; break;
    case OPT_GENDER: r.gender = optarg; break;
    case OPT_DATE: r.service_date = optarg; break;
    case OPT_DATE_END: r.service_date_end = optarg; break;
    case OPT_SENDER: r.sender_id = optarg; break;
    case OPT_RECEIVER: r.receiver_id = optarg; break;
    case OPT_REFERENCE: r.reference = optarg; break;
    case OPT_TEST: r.usage = 'T'; break;
    case OPT_PRODUCTION: r.usage = 'P'; break;
    case OPT_SCHEMAS: dir = optarg; break;
    case OPT_CPT:
    case OPT_STC:
      if (r.nprocedures + r.nservice_types >= MAX_LIST)
        return usage_error("at most 99 --cpt and --service-type options together");
      if (c == OPT_CPT)
        cpt[r.nprocedures++] = optarg;
      else
        stc[r.nservice_types++] = optarg;
      break;
    case OPT_CONTROL: {
      char *end;
      errno = 0;
      r.control = strtoul(optarg, &end, 10);
      if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' ||
          r.control < 1 || r.control > 999999999ul)
        return usage_error("--control must be a number from 1 to 999999999");
      break;
    }
    default:
      return usage_error(optopt ? "unknown or incomplete option" : "unknown option");
    }
  }
  if (optind < argc)
    return usage_error("too many arguments");
  if (require(r.payer_id, "--payer-id") || require(r.payer_name, "--payer-name") ||
      require(r.provider_npi, "--npi") ||
      require(r.provider_name ? r.provider_name : r.provider_last,
              "--provider-name or --provider-last") ||
      require(r.member_id, "--member-id") || require(r.last, "--last") ||
      require(r.first, "--first"))
    return CLI_USAGE;

  status = cli_load_schema(dir, &s);
  if (status != CLI_OK)
    return status;
  if (x12kit_270_check(&r, s, &err) != X12KIT_OK) {
    fprintf(stderr, "%s: ", CLI_NAME);
    cli_put_safe(stderr, err.text);
    fputc('\n', stderr);
    x12kit_schema_free(s);
    return CLI_INVALID;
  }
  if (x12kit_writer_new(&w, write_stdout, NULL, NULL, NULL) != X12KIT_OK) {
    x12kit_schema_free(s);
    return cli_nomem();
  }
  (void)x12kit_writer_set_line_end(w, "\n");
  status = CLI_OK;
  if (x12kit_270_write(&r, s, w, &err) != X12KIT_OK || x12kit_writer_flush(w) != X12KIT_OK) {
    /* the inputs were checked: what is left is the output */
    fprintf(stderr, "%s: cannot write output\n", CLI_NAME);
    status = CLI_IO;
  }
  x12kit_writer_free(w);
  x12kit_schema_free(s);
  return status;
}

int cmd_eligibility(int argc, char **argv)
{
  if (argc < 2)
    return usage_error("missing subcommand (build)");
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    printf("%s\n\n%s", elig_usage, elig_help);
    return CLI_OK;
  }
  if (strcmp(argv[1], "build") != 0)
    return usage_error("unknown subcommand (try build)");
  argv[1] = argv[0];
  return build(argc - 1, argv + 1);
}
