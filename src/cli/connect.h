/*
 * x12kit - command-line tool: the options and steps shared by every
 * command that talks to a clearinghouse (send, eligibility check, auth
 * submit, batch).
 *
 * A command adds CLI_CONNECT_LONGOPTS to its getopt_long table, hands
 * each option it does not know to cli_connect_option(), then calls
 * cli_connect_open() for a configured client, and cli_connect_report()
 * to print the outcome of a send and map it to an exit status.
 */
#ifndef X12KIT_CLI_CONNECT_H
#define X12KIT_CLI_CONNECT_H

#include <getopt.h>

#include "cli.h"

/* Exit statuses of the commands that send, beyond enum cli_exit. */
#define CLI_SEND_REFUSED 7   /* envelope error, SOAP fault, 999, TA1, HTTP error */
#define CLI_SEND_UNKNOWN 8   /* outcome unknown: never resend */

/*
 * getopt values of the connection options: above any command's own,
 * above the builders' keys (REQUEST_OPT_BASE + key) and the hooks'
 * (CLI_HOOK_OPT_BASE and up), so that eligibility check and auth submit
 * can take them beside the builders' options.
 */
enum {
  CLI_OPT_ENDPOINT = 3000, CLI_OPT_ENVELOPE, CLI_OPT_CA, CLI_OPT_PIN, CLI_OPT_CERT,
  CLI_OPT_KEY, CLI_OPT_CREDENTIALS, CLI_OPT_SENDER, CLI_OPT_RECEIVER, CLI_OPT_TIMEOUT,
  CLI_OPT_CONFIG, CLI_OPT_PROFILE
};

/*
 * Entries for a struct option table: every connection option but
 * --sender and --receiver, which the builders (eligibility check, auth
 * submit) also take as ISA06 and ISA08; then all of them.
 */
#define CLI_CONNECT_LONGOPTS_NO_IDS \
  { "endpoint", required_argument, NULL, CLI_OPT_ENDPOINT }, \
  { "envelope", required_argument, NULL, CLI_OPT_ENVELOPE }, \
  { "ca", required_argument, NULL, CLI_OPT_CA }, \
  { "pin", required_argument, NULL, CLI_OPT_PIN }, \
  { "cert", required_argument, NULL, CLI_OPT_CERT }, \
  { "key", required_argument, NULL, CLI_OPT_KEY }, \
  { "credentials", required_argument, NULL, CLI_OPT_CREDENTIALS }, \
  { "timeout", required_argument, NULL, CLI_OPT_TIMEOUT }, \
  { "config", required_argument, NULL, CLI_OPT_CONFIG }, \
  { "profile", required_argument, NULL, CLI_OPT_PROFILE }

#define CLI_CONNECT_LONGOPTS \
  CLI_CONNECT_LONGOPTS_NO_IDS, \
  { "sender", required_argument, NULL, CLI_OPT_SENDER }, \
  { "receiver", required_argument, NULL, CLI_OPT_RECEIVER }

/* The usage line fragment and --help lines of the connection options. */
#define CLI_CONNECT_USAGE \
  "--endpoint URL [--envelope soap|mime] [--cert FILE --key FILE]\n" \
  "         [--ca FILE] [--pin sha256//...] [--credentials FILE] [--sender ID --receiver ID]\n" \
  "         [--timeout SEC] [--config FILE --profile NAME]"

#define CLI_CONNECT_HELP \
  "Connection (TLS 1.2 or newer and certificate checks are always on;\n" \
  "redirects are refused):\n" \
  "      --endpoint URL      the clearinghouse's https:// URL\n" \
  "      --envelope soap|mime  SOAP 1.2 (default) or MIME multipart\n" \
  "      --ca FILE           trust this CA (PEM) instead of the system store\n" \
  "      --pin sha256//B64   also require this public key\n" \
  "      --cert FILE, --key FILE  client certificate and key for mutual TLS\n" \
  "      --credentials FILE  username=... and password=... lines; mode 0600 or 0400\n" \
  "                          (default: $X12KIT_USERNAME and $X12KIT_PASSWORD)\n" \
  "      --sender ID, --receiver ID  the CORE SenderID and ReceiverID\n" \
  "      --timeout SEC       give up after SEC seconds (default 60)\n" \
  "      --config FILE --profile NAME  read these settings from a profile\n"

/* The exit statuses of a command that sends, for --help. */
#define CLI_CONNECT_EXIT_HELP \
  "  3  connection or TLS failure: nothing was processed\n" \
  "  7  the server answered with an envelope error, a SOAP fault, a 999 or a TA1\n" \
  "  8  outcome unknown (timeout after sending): do not resend; ask the\n" \
  "     clearinghouse about the PayloadID printed\n"

typedef struct cli_connect {
  const char *endpoint, *envelope, *ca, *pin, *cert, *key, *credentials;
  const char *sender, *receiver, *timeout, *config, *profile;
  x12kit_client_config cfg;   /* holds the profile's values */
  int loaded;                 /* the profile has been read into the fields */
} cli_connect;

/* Zeroes |o|. */
void cli_connect_init(cli_connect *o);

/*
 * Stores |arg| when |ch| is one of the connection options.  Returns 1
 * when it was, 0 when |ch| is not a connection option.
 */
int cli_connect_option(cli_connect *o, int ch, const char *arg);

/*
 * Fills what the command line left out from --config/--profile, checks
 * that an endpoint, a SenderID and a ReceiverID are known, reads the
 * credentials (file or environment) and makes the client.  Returns
 * CLI_OK with *out set, or an exit status after a message (usage errors
 * through |usage_error|).
 */
int cli_connect_open(cli_connect *o, int (*usage_error)(const char *msg), x12kit_client **out);

/*
 * As cli_connect_open, for a command that learns the SenderID and
 * ReceiverID only later (from the X12 it builds): they may be missing
 * here; give them with cli_connect_ids before sending.
 */
int cli_connect_open_noids(cli_connect *o, int (*usage_error)(const char *msg),
                           x12kit_client **out);

/*
 * The SenderID and ReceiverID of the client |c| opened from |o|: the
 * command line's or profile's, else |sender| and |receiver|.  Returns
 * CLI_OK, or an exit status after a message.
 */
int cli_connect_ids(cli_connect *o, x12kit_client *c, const char *sender, const char *receiver);

/* The exit status for a send's outcome. */
int cli_connect_status(x12kit_send_outcome outcome);

/*
 * Prints the one-line outcome of a send of |name| to standard error
 * ("delivered: 271 answer (PayloadID ...)", or what went wrong, always
 * with the PayloadID when something was sent) and returns its exit
 * status.  |rc| and |err| are what the send returned.
 */
int cli_connect_report(const char *name, int rc, const x12kit_client_response *r,
                       const x12kit_error *err);

#endif /* X12KIT_CLI_CONNECT_H */
