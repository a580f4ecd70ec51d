/*
 * x12kit - command-line tool: connection options and outcome reporting
 * shared by the commands that talk to a clearinghouse.
 *
 * Credentials come from a file that only the user can read, or from the
 * environment; never from the command line, where other users could
 * see them.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "connect.h"

void cli_connect_init(cli_connect *o)
{
  memset(o, 0, sizeof *o);
}

int cli_connect_option(cli_connect *o, int ch, const char *arg)
{
  switch (ch) {
  case CLI_OPT_ENDPOINT: o->endpoint = arg; return 1;
  case CLI_OPT_ENVELOPE: o->envelope = arg; return 1;
  case CLI_OPT_CA: o->ca = arg; return 1;
  case CLI_OPT_PIN: o->pin = arg; return 1;
  case CLI_OPT_CERT: o->cert = arg; return 1;
  case CLI_OPT_KEY: o->key = arg; return 1;
  case CLI_OPT_CREDENTIALS: o->credentials = arg; return 1;
  case CLI_OPT_SENDER: o->sender = arg; return 1;
  case CLI_OPT_RECEIVER: o->receiver = arg; return 1;
  case CLI_OPT_TIMEOUT: o->timeout = arg; return 1;
  case CLI_OPT_CONFIG: o->config = arg; return 1;
  case CLI_OPT_PROFILE: o->profile = arg; return 1;
  default: return 0;
  }
}

/* Takes |v| from the profile when the command line did not give it. */
static void fill(const char **dst, const char *v)
{
  if (!*dst && v && *v)
    *dst = v;
}

static int configure(x12kit_client **cp, const cli_connect *o)
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

/* Fills what the command line left out from --config/--profile, once. */
static int load_profile(cli_connect *o, int (*usage_error)(const char *msg))
{
  x12kit_error err;

  if (o->loaded)
    return CLI_OK;
  if (!o->config != !o->profile)
    return usage_error("--config and --profile go together");
  memset(&err, 0, sizeof err);
  if (o->config) {
    if (x12kit_client_config_load(o->config, o->profile, &o->cfg, &err) != X12KIT_OK) {
      fprintf(stderr, CLI_NAME ": %s: %s\n", o->config, err.text);
      return err.code == X12KIT_ERR_IO ? CLI_IO : CLI_USAGE;
    }
    fill(&o->endpoint, o->cfg.endpoint);
    fill(&o->envelope, o->cfg.envelope);
    fill(&o->ca, o->cfg.ca);
    fill(&o->cert, o->cfg.cert);
    fill(&o->key, o->cfg.key);
    fill(&o->pin, o->cfg.pin);
    fill(&o->sender, o->cfg.sender);
    fill(&o->receiver, o->cfg.receiver);
    fill(&o->credentials, o->cfg.credentials);
    fill(&o->timeout, o->cfg.timeout);
  }
  o->loaded = 1;
  return CLI_OK;
}

static int open_client(cli_connect *o, int (*usage_error)(const char *msg), int need_ids,
                       x12kit_client **out)
{
  int rc;

  *out = NULL;
  rc = load_profile(o, usage_error);
  if (rc != CLI_OK)
    return rc;
  if (!o->endpoint)
    return usage_error("--endpoint is required (or a profile that has one)");
  if (need_ids && (!o->sender || !o->receiver))
    return usage_error("--sender and --receiver are required");
  return configure(out, o);
}

int cli_connect_open(cli_connect *o, int (*usage_error)(const char *msg), x12kit_client **out)
{
  return open_client(o, usage_error, 1, out);
}

int cli_connect_open_noids(cli_connect *o, int (*usage_error)(const char *msg),
                           x12kit_client **out)
{
  return open_client(o, usage_error, 0, out);
}

int cli_connect_ids(cli_connect *o, x12kit_client *c, const char *sender, const char *receiver)
{
  x12kit_error err;

  fill(&o->sender, sender);
  fill(&o->receiver, receiver);
  if (!o->sender || !o->receiver) {
    fprintf(stderr, CLI_NAME ": no CORE SenderID or ReceiverID: give --sender and --receiver\n");
    return CLI_USAGE;
  }
  memset(&err, 0, sizeof err);
  if (x12kit_client_set_ids(c, o->sender, o->receiver, &err) != X12KIT_OK) {
    fprintf(stderr, CLI_NAME ": %s\n", err.text);
    return err.code == X12KIT_ERR_NOMEM ? CLI_INTERNAL : CLI_USAGE;
  }
  return CLI_OK;
}

int cli_connect_status(x12kit_send_outcome o)
{
  switch (o) {
  case X12KIT_SEND_DELIVERED: return CLI_OK;
  case X12KIT_SEND_ENVELOPE_ERROR:
  case X12KIT_SEND_SOAP_FAULT:
  case X12KIT_SEND_UNEXPECTED:
  case X12KIT_SEND_BAD_RESPONSE:
  case X12KIT_SEND_HTTP_ERROR: return CLI_SEND_REFUSED;
  case X12KIT_SEND_REDIRECT:
  case X12KIT_SEND_TLS_ERROR:
  case X12KIT_SEND_CONNECT_FAILED: return CLI_IO;
  case X12KIT_SEND_UNKNOWN: return CLI_SEND_UNKNOWN;
  case X12KIT_SEND_NOT_SENT: return CLI_INVALID;
  }
  return CLI_INTERNAL;
}

int cli_connect_report(const char *name, int rc, const x12kit_client_response *r,
                       const x12kit_error *err)
{
  if (rc == X12KIT_OK) {
    fprintf(stderr, CLI_NAME ": delivered: %s answer (PayloadID %s)\n",
            r->transaction, r->payload_id);
    return CLI_OK;
  }
  if (r->outcome == X12KIT_SEND_NOT_SENT) {
    fprintf(stderr, CLI_NAME ": %s: not sent: %s\n", name, err->text);
    return err->code == X12KIT_ERR_NOMEM ? CLI_INTERNAL : CLI_INVALID;
  }
  if (strstr(err->text, r->payload_id))
    fprintf(stderr, CLI_NAME ": %s: %s\n", x12kit_send_outcome_name(r->outcome), err->text);
  else
    fprintf(stderr, CLI_NAME ": %s: %s (PayloadID %s)\n",
            x12kit_send_outcome_name(r->outcome), err->text, r->payload_id);
  return cli_connect_status(r->outcome);
}
