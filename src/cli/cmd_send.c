/*
 * x12kit send: sends an X12 request to a clearinghouse in a CORE
 * real-time envelope over HTTPS and prints the answer's payload.
 *
 * Credentials come from a file that only the user can read, or from the
 * environment; never from the command line, where other users could
 * see them.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"

#define MAX_X12_BYTES (64u * 1024u * 1024u)

/* Exit statuses of this command beyond enum cli_exit. */
#define SEND_REFUSED 7
#define SEND_UNKNOWN 8

static const char usage[] =
  "Usage: " CLI_NAME " send --endpoint URL [--envelope soap|mime] [--cert FILE --key FILE]\n"
  "         [--ca FILE] [--pin sha256//...] [--credentials FILE] [--sender ID --receiver ID]\n"
  "         [--payload-type TYPE] [--timeout SEC] [--config FILE --profile NAME] FILE|-";

static const char help[] =
  "Send an X12 request (270, 276, 278) to a clearinghouse in a CAQH CORE\n"
  "real-time envelope over HTTPS, print the answer's payload to standard\n"
  "output and a one-line outcome to standard error.  TLS 1.2 or newer and\n"
  "certificate checks are always on; redirects are refused.\n"
  "\n"
  "Options:\n"
  "  -h, --help              show this help and exit\n"
  "      --endpoint URL      the clearinghouse's https:// URL\n"
  "      --envelope soap|mime  SOAP 1.2 (default) or MIME multipart\n"
  "      --ca FILE           trust this CA (PEM) instead of the system store\n"
  "      --pin sha256//B64   also require this public key\n"
  "      --cert FILE, --key FILE  client certificate and key for mutual TLS\n"
  "      --credentials FILE  username=... and password=... lines; mode 0600 or 0400\n"
  "                          (default: $X12KIT_USERNAME and $X12KIT_PASSWORD)\n"
  "      --sender ID, --receiver ID  the CORE SenderID and ReceiverID\n"
  "      --payload-type TYPE the CORE PayloadType (default: from the X12's ST01)\n"
  "      --timeout SEC       give up after SEC seconds (default 60)\n"
  "      --config FILE --profile NAME  read these settings from a profile\n"
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

enum {
  OPT_ENDPOINT = 256, OPT_ENVELOPE, OPT_CA, OPT_PIN, OPT_CERT, OPT_KEY, OPT_CREDENTIALS,
  OPT_SENDER, OPT_RECEIVER, OPT_PAYLOAD_TYPE, OPT_TIMEOUT, OPT_CONFIG, OPT_PROFILE
};

typedef struct opts {
  const char *endpoint, *envelope, *ca, *pin, *cert, *key, *credentials;
  const char *sender, *receiver, *payload_type, *timeout, *config, *profile, *path;
} opts;

/* Takes |v| from the profile when the command line did not give it. */
static void fill(const char **dst, const char *v)
{
  if (!*dst && v && *v)
    *dst = v;
}

static int outcome_status(x12kit_send_outcome o)
{
  switch (o) {
  case X12KIT_SEND_DELIVERED: return CLI_OK;
  case X12KIT_SEND_ENVELOPE_ERROR:
  case X12KIT_SEND_SOAP_FAULT:
  case X12KIT_SEND_UNEXPECTED:
  case X12KIT_SEND_BAD_RESPONSE:
  case X12KIT_SEND_HTTP_ERROR: return SEND_REFUSED;
  case X12KIT_SEND_REDIRECT:
  case X12KIT_SEND_TLS_ERROR:
  case X12KIT_SEND_CONNECT_FAILED: return CLI_IO;
  case X12KIT_SEND_UNKNOWN: return SEND_UNKNOWN;
  case X12KIT_SEND_NOT_SENT: return CLI_INVALID;
  }
  return CLI_INTERNAL;
}

static int parse_options(int argc, char **argv, opts *o)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "endpoint", required_argument, NULL, OPT_ENDPOINT },
    { "envelope", required_argument, NULL, OPT_ENVELOPE },
    { "ca", required_argument, NULL, OPT_CA },
    { "pin", required_argument, NULL, OPT_PIN },
    { "cert", required_argument, NULL, OPT_CERT },
    { "key", required_argument, NULL, OPT_KEY },
    { "credentials", required_argument, NULL, OPT_CREDENTIALS },
    { "sender", required_argument, NULL, OPT_SENDER },
    { "receiver", required_argument, NULL, OPT_RECEIVER },
    { "payload-type", required_argument, NULL, OPT_PAYLOAD_TYPE },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "profile", required_argument, NULL, OPT_PROFILE },
    { NULL, 0, NULL, 0 }
  };
  int ch;

  memset(o, 0, sizeof *o);
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    switch (ch) {
    case 'h':
      printf("%s\n\n%s", usage, help);
      return CLI_OK;
    case OPT_ENDPOINT: o->endpoint = optarg; break;
    case OPT_ENVELOPE: o->envelope = optarg; break;
    case OPT_CA: o->ca = optarg; break;
    case OPT_PIN: o->pin = optarg; break;
    case OPT_CERT: o->cert = optarg; break;
    case OPT_KEY: o->key = optarg; break;
    case OPT_CREDENTIALS: o->credentials = optarg; break;
    case OPT_SENDER: o->sender = optarg; break;
    case OPT_RECEIVER: o->receiver = optarg; break;
    case OPT_PAYLOAD_TYPE: o->payload_type = optarg; break;
    case OPT_TIMEOUT: o->timeout = optarg; break;
    case OPT_CONFIG: o->config = optarg; break;
    case OPT_PROFILE: o->profile = optarg; break;
    default:
      return cli_usage_error(usage, "unknown option or missing argument (there is no "
                             "--password: use --credentials FILE or X12KIT_PASSWORD)");
    }
  }
  if (optind + 1 != argc)
    return cli_usage_error(usage, "give exactly one input file, or - for standard input");
  o->path = argv[optind];
  if (!o->config != !o->profile)
    return cli_usage_error(usage, "--config and --profile go together");
  return -1;
}

static int configure(x12kit_client **cp, const opts *o)
{
  x12kit_client *c = NULL;
  x12kit_error err;
  char user[256], pass[256];
  const char *u = NULL, *p = NULL;
  int rc;

  memset(&err, 0, sizeof err);
  user[0] = pass[0] = '\0';
  if (o->credentials) {
    if (x12kit_client_read_credentials(o->credentials, user, sizeof user, pass, sizeof pass,
                                       &err) != X12KIT_OK) {
      fprintf(stderr, CLI_NAME ": %s: %s\n", o->credentials, err.text);
      return err.code == X12KIT_ERR_IO ? CLI_IO : CLI_USAGE;
    }
    u = user;
    p = pass;
  } else {
    u = getenv("X12KIT_USERNAME");
    p = getenv("X12KIT_PASSWORD");
  }
  rc = x12kit_client_new(o->endpoint, &c, &err);
  if (rc == X12KIT_OK && o->envelope)
    rc = x12kit_client_set_envelope(c, !strcmp(o->envelope, "mime") ? X12KIT_CLIENT_MIME
                                    : !strcmp(o->envelope, "soap") ? X12KIT_CLIENT_SOAP
                                    : (x12kit_client_envelope)-1, &err);
  if (rc == X12KIT_OK && o->ca)
    rc = x12kit_client_set_ca_file(c, o->ca, &err);
  if (rc == X12KIT_OK && o->pin)
    rc = x12kit_client_set_pin(c, o->pin, &err);
  if (rc == X12KIT_OK && (o->cert || o->key))
    rc = x12kit_client_set_client_cert(c, o->cert, o->key, &err);
  if (rc == X12KIT_OK && (u || p))
    rc = x12kit_client_set_credentials(c, u, p, &err);
  if (rc == X12KIT_OK)
    rc = x12kit_client_set_ids(c, o->sender, o->receiver, &err);
  if (rc == X12KIT_OK && o->timeout) {
    char *end;
    long sec = strtol(o->timeout, &end, 10);

    if (*end || sec < 1 || sec > 600) {
      snprintf(err.text, sizeof err.text, "--timeout must be 1 to 600 seconds");
      rc = X12KIT_ERR_ARG;
    } else
      rc = x12kit_client_set_timeouts(c, sec * 1000L < 10000L ? sec * 1000L : 10000L,
                                      sec * 1000L, &err);
  }
  OPENSSL_cleanse(user, sizeof user);
  OPENSSL_cleanse(pass, sizeof pass);
  if (rc != X12KIT_OK) {
    x12kit_client_free(c);
    fprintf(stderr, CLI_NAME ": %s\n", err.text);
    return rc == X12KIT_ERR_NOMEM ? cli_nomem() : rc == X12KIT_ERR_IO ? CLI_IO : CLI_USAGE;
  }
  *cp = c;
  return CLI_OK;
}

int cmd_send(int argc, char **argv)
{
  x12kit_client_config cfg;
  x12kit_client_response r;
  x12kit_client *c = NULL;
  x12kit_error err;
  const char *name = NULL;
  char *buf = NULL;
  size_t len = 0;
  opts o;
  int rc, status;

  rc = parse_options(argc, argv, &o);
  if (rc >= 0)
    return rc;
  memset(&err, 0, sizeof err);
  if (o.config) {
    if (x12kit_client_config_load(o.config, o.profile, &cfg, &err) != X12KIT_OK) {
      fprintf(stderr, CLI_NAME ": %s: %s\n", o.config, err.text);
      return err.code == X12KIT_ERR_IO ? CLI_IO : CLI_USAGE;
    }
    fill(&o.endpoint, cfg.endpoint);
    fill(&o.envelope, cfg.envelope);
    fill(&o.ca, cfg.ca);
    fill(&o.cert, cfg.cert);
    fill(&o.key, cfg.key);
    fill(&o.pin, cfg.pin);
    fill(&o.sender, cfg.sender);
    fill(&o.receiver, cfg.receiver);
    fill(&o.credentials, cfg.credentials);
    fill(&o.timeout, cfg.timeout);
  }
  if (!o.endpoint)
    return cli_usage_error(usage, "--endpoint is required (or a profile that has one)");
  if (!o.sender || !o.receiver)
    return cli_usage_error(usage, "--sender and --receiver are required");
  rc = configure(&c, &o);
  if (rc != CLI_OK)
    return rc;
  rc = cli_read_file(o.path, MAX_X12_BYTES, &name, &buf, &len);
  if (rc != CLI_OK) {
    x12kit_client_free(c);
    return rc;
  }
  rc = x12kit_client_send(c, buf, len, o.payload_type, &r, &err);
  free(buf);
  if (r.payload && r.payload_len &&
      (fwrite(r.payload, 1, r.payload_len, stdout) != r.payload_len || fflush(stdout) != 0)) {
    fprintf(stderr, CLI_NAME ": cannot write the answer\n");
    x12kit_client_response_clear(&r);
    x12kit_client_free(c);
    return CLI_IO;
  }
  if (rc == X12KIT_OK) {
    fprintf(stderr, CLI_NAME ": delivered: %s answer (PayloadID %s)\n",
            r.transaction, r.payload_id);
    status = CLI_OK;
  } else if (r.outcome == X12KIT_SEND_NOT_SENT) {
    fprintf(stderr, CLI_NAME ": %s: not sent: %s\n", name, err.text);
    status = err.code == X12KIT_ERR_NOMEM ? CLI_INTERNAL : CLI_INVALID;
  } else {
    if (strstr(err.text, r.payload_id))
      fprintf(stderr, CLI_NAME ": %s: %s\n", x12kit_send_outcome_name(r.outcome), err.text);
    else
      fprintf(stderr, CLI_NAME ": %s: %s (PayloadID %s)\n",
              x12kit_send_outcome_name(r.outcome), err.text, r.payload_id);
    status = outcome_status(r.outcome);
  }
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);
  return status;
}
