/*
 * x12kit eligibility check and x12kit auth submit: build the request,
 * send it to the clearinghouse and explain the answer, in one step.
 *
 * Each step is the code of its own command, not a copy of it: the
 * builder runs through cli_build with a hook that adds this command's
 * options and catches the X12 in memory (util.c); the send is x12kit
 * send's (connect.c); the answer goes to the explain commands' buffer
 * entries (cmd_coverage.c, cmd_auth_explain.c, and cmd_validate.c for a
 * 999 or TA1).
 *
 * Nothing sent or received is lost silently: --save-request is written
 * (to a temporary file, then renamed) before anything is sent, and
 * --save-response before the answer is explained.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connect.h"

#define MAX_SAVE_NAME 4096

/* Options of this command, beyond the builder's and the connection's. */
enum {
  OPT_JSON = CLI_HOOK_OPT_BASE, OPT_SHOW_DATA, OPT_SAVE_REQUEST, OPT_SAVE_RESPONSE, OPT_TRACK,
  OPT_SESSIONS, OPT_CHARGE, OPT_ALLOWED, OPT_NETWORK, OPT_PATIENT
};

/*
 * The connection options without --sender and --receiver: those are
 * the builder's (ISA06 and ISA08) and also give the CORE SenderID and
 * ReceiverID (see submit_key).
 */
#define CONNECT_OPTIONS \
  CLI_CONNECT_LONGOPTS_NO_IDS, \
  { "json", no_argument, NULL, OPT_JSON }, \
  { "show-data", no_argument, NULL, OPT_SHOW_DATA }, \
  { "save-request", required_argument, NULL, OPT_SAVE_REQUEST }, \
  { "save-response", required_argument, NULL, OPT_SAVE_RESPONSE }

static const struct option check_options[] = {
  CONNECT_OPTIONS,
  { "sessions", required_argument, NULL, OPT_SESSIONS },
  { "charge", required_argument, NULL, OPT_CHARGE },
  { "allowed", required_argument, NULL, OPT_ALLOWED },
  { "network", required_argument, NULL, OPT_NETWORK },
  { "patient", required_argument, NULL, OPT_PATIENT },
};

static const struct option submit_options[] = {
  CONNECT_OPTIONS,
  { "track", required_argument, NULL, OPT_TRACK },
};

#define COMMON_HELP \
  "      --json              write the explanation as JSON (as explain --json)\n" \
  "      --show-data         also print the patient's name, member ID and date of\n" \
  "                          birth in the explanation (health information)\n" \
  "      --save-request FILE write the X12 sent to FILE (mode 0600), before\n" \
  "                          sending: kept even when the send fails\n" \
  "      --save-response FILE  write the payload received to FILE (mode 0600), a\n" \
  "                          999 or TA1 too, before the explanation\n" \
  "      --sender ID, --receiver ID  ISA06/GS02 and ISA08/GS03 of the request, and\n" \
  "                          the CORE SenderID and ReceiverID.  Without them the\n" \
  "                          CORE IDs come from the profile, else from ISA06 and\n" \
  "                          ISA08 of the request built\n" \
  "\n" \
  CLI_CONNECT_HELP

#define EXIT_HELP_SEND \
  "  3  cannot read the request file, update the counter, save the request or\n" \
  "     the response; connection or TLS failure (nothing was processed)\n" \
  "  4  the maps cannot be loaded, or out of memory\n" \
  "  7  the server answered with an envelope error, a SOAP fault, a 999 or a\n" \
  "     TA1 (a 999 or TA1 is explained)\n" \
  "  8  outcome unknown (timeout after sending): do not send again; ask the\n" \
  "     clearinghouse about the PayloadID printed\n"

static const char check_usage[] =
  "Usage: " CLI_NAME " eligibility check --endpoint URL [--envelope soap|mime] [--ca FILE]\n"
  "         [--pin sha256//...] [--cert FILE --key FILE] [--credentials FILE]\n"
  "         [--timeout SEC] [--config FILE --profile NAME]\n"
  "         [--request FILE] [OPTIONS OF eligibility build]...\n"
  "         [--sessions N --charge AMOUNT [--allowed AMOUNT] [--network in|out]\n"
  "          [--patient N]] [--json] [--show-data]\n"
  "         [--save-request FILE] [--save-response FILE]";

static const char check_help[] =
  "Ask a payer about a patient's coverage in one step: build the 270\n"
  "eligibility inquiry exactly as '" CLI_NAME " eligibility build' does (same\n"
  "options, request file, checks and control number), send it to the\n"
  "clearinghouse as '" CLI_NAME " send' does, and explain the 271 answer as\n"
  "'" CLI_NAME " eligibility explain' does, asking about the procedure codes\n"
  "(--cpt) and service types (--service-type) of the request.  With\n"
  "--sessions and --charge it also estimates what the patient pays, as\n"
  "'" CLI_NAME " estimate' does, for the first procedure of the request.\n"
  "The outcome of the send goes to standard error, with the PayloadID.\n"
  "\n"
  "Options (and every option of '" CLI_NAME " eligibility build': see its --help):\n"
  "  -h, --help              show this help and exit\n"
  "      --sessions N        estimate N sessions (1 to 1000); needs --charge\n"
  "      --charge AMOUNT     the clinic's charge per session, in dollars\n"
  "      --allowed AMOUNT    the payer's allowed amount per session, when known\n"
  "      --network in|out    the clinic's network status (default in)\n"
  "      --patient N         which patient of the answer to estimate for\n"
  COMMON_HELP
  "\n"
  "Exit status:\n"
  "  0  the payer answered; no patient or procedure asked about was rejected\n"
  "  1  an input of the request is invalid, or the answer is not a readable 271\n"
  "  2  usage error (nothing was sent)\n"
  EXIT_HELP_SEND
  "  5  the payer rejected the inquiry (AAA) for a patient or a procedure\n";

static const char submit_usage[] =
  "Usage: " CLI_NAME " auth submit --endpoint URL [--envelope soap|mime] [--ca FILE]\n"
  "         [--pin sha256//...] [--cert FILE --key FILE] [--credentials FILE]\n"
  "         [--timeout SEC] [--config FILE --profile NAME]\n"
  "         [--request FILE] [OPTIONS OF auth build]... [--json] [--show-data]\n"
  "         [--track DB] [--save-request FILE] [--save-response FILE]";

static const char submit_help[] =
  "Ask a payer for prior authorization in one step: build the 278 request\n"
  "exactly as '" CLI_NAME " auth build' does (same options, request file,\n"
  "checks and control number), send it to the clearinghouse as\n"
  "'" CLI_NAME " send' does, and explain the decision as '" CLI_NAME " auth\n"
  "explain' does.  The outcome of the send goes to standard error, with\n"
  "the PayloadID.\n"
  "\n"
  "Options (and every option of '" CLI_NAME " auth build': see its --help):\n"
  "  -h, --help              show this help and exit\n"
  "      --track DB          record the request and the response in the\n"
  "                          tracking database DB, as '" CLI_NAME " auth track' does\n"
  "                          (a request whose outcome is unknown is recorded\n"
  "                          alone); see them with '" CLI_NAME " auth status'\n"
  COMMON_HELP
  "\n"
  "Exit status:\n"
  "  0  certified in total or in part, modified, cancelled, or no\n"
  "     authorization needed\n"
  "  1  an input of the request is invalid, or the answer is not a readable 278\n"
  "  2  usage error (nothing was sent)\n"
  EXIT_HELP_SEND
  "  5  rejected (AAA) or not certified, for at least one request or line\n"
  "  6  not decided yet: pended, contact the payer, or no decision stated\n";

typedef struct submit {
  int is_278;
  const char *usage;
  cli_connect conn;
  x12kit_client *client;
  const char *sender, *receiver;   /* --sender, --receiver as given */
  const char *save_request, *save_response, *track;
  int json, show_data;
  int estimate_asked;              /* an estimate option was given */
  cli_271_opts ask;                /* what the 271 is asked */
  /* what the request built holds: the CORE IDs' defaults, the questions */
  char isa_sender[16], isa_receiver[16];
  char codes[2 * CLI_MAX_QUESTIONS][49];
  size_t ncodes;
} submit;

static const char *current_usage = check_usage;

static int usage_error(const char *msg)
{
  return cli_usage_error(current_usage, msg);
}

static const char *const estimate_names[] = { "sessions", "charge", "allowed", "network",
                                              "patient" };

/* One of this command's options. */
static int submit_option(void *ud, int ch, const char *arg)
{
  submit *s = ud;

  if (cli_connect_option(&s->conn, ch, arg))
    return -1;
  switch (ch) {
  case OPT_JSON:
    s->json = 1;
    return -1;
  case OPT_SHOW_DATA:
    s->show_data = 1;
    return -1;
  case OPT_SAVE_REQUEST:
  case OPT_SAVE_RESPONSE:
    if (*arg == '\0' || strcmp(arg, "-") == 0)
      return usage_error("--save-request and --save-response take a file name");
    if (strlen(arg) >= MAX_SAVE_NAME)
      return usage_error("the file name of --save-request or --save-response is too long");
    if (ch == OPT_SAVE_REQUEST)
      s->save_request = arg;
    else
      s->save_response = arg;
    return -1;
  case OPT_TRACK:
    s->track = arg;
    return -1;
  case OPT_SESSIONS:
  case OPT_CHARGE:
  case OPT_ALLOWED:
  case OPT_NETWORK:
  case OPT_PATIENT:
    s->estimate_asked = 1;
    return cli_271_estimate_option(&s->ask, estimate_names[ch - OPT_SESSIONS], arg, s->usage);
  default:
    return usage_error("unknown option");
  }
}

/* The builder's --sender and --receiver are the CORE IDs too. */
static void submit_key(void *ud, const char *name, const char *arg)
{
  submit *s = ud;

  if (strcmp(name, "sender") == 0)
    s->sender = arg;
  else if (strcmp(name, "receiver") == 0)
    s->receiver = arg;
}

/* The options are read: check what is needed to send before anything is built. */
static int submit_ready(void *ud)
{
  submit *s = ud;
  int rc;

  if (s->estimate_asked && (s->ask.sessions == 0 || s->ask.charge == 0))
    return usage_error("an estimate needs --sessions and --charge");
  if (s->ask.charge > 0 && s->ask.allowed > s->ask.charge)
    return usage_error("--allowed cannot be more than --charge");
  if (s->save_request && s->save_response && strcmp(s->save_request, s->save_response) == 0)
    return usage_error("--save-request and --save-response name the same file");
  s->conn.sender = s->sender;
  s->conn.receiver = s->receiver;
  /* the client is made now: a bad --ca or --credentials uses up no control number */
  rc = cli_connect_open_noids(&s->conn, usage_error, &s->client);
  return rc == CLI_OK ? -1 : rc;
}

/* ---- what the request built holds ---- */

/* |sl| trimmed of trailing spaces into |dst| (|size| bytes); "" when it does not fit. */
static void copy_trimmed(char *dst, size_t size, x12kit_slice sl)
{
  while (sl.len > 0 && sl.ptr[sl.len - 1] == ' ')
    sl.len--;
  if (sl.len >= size)
    sl.len = 0;
  memcpy(dst, sl.ptr, sl.len);
  dst[sl.len] = '\0';
}

/* Keeps |sl| as a question unless already asked; |stc| says which list. */
static void add_question(submit *s, x12kit_slice sl, int stc)
{
  cli_271_opts *q = &s->ask;
  const char **list = stc ? q->stc : q->cpt;
  size_t *n = stc ? &q->nstc : &q->ncpt, i;
  char *code;

  if (sl.len == 0 || sl.len >= sizeof s->codes[0] || *n == CLI_MAX_QUESTIONS ||
      s->ncodes == sizeof s->codes / sizeof s->codes[0])
    return;
  for (i = 0; i < *n; i++)
    if (strlen(list[i]) == sl.len && memcmp(list[i], sl.ptr, sl.len) == 0)
      return;
  code = s->codes[s->ncodes++];
  memcpy(code, sl.ptr, sl.len);
  code[sl.len] = '\0';
  list[(*n)++] = code;
}

/* ISA06 and ISA08; and for a 270 the questions its EQ segments ask. */
static int scan_segment(void *ud, const x12kit_segment *seg)
{
  submit *s = ud;
  const char *id = x12kit_segment_id(seg);
  size_t r, nr;

  if (strcmp(id, "ISA") == 0 && !s->isa_sender[0]) {
    copy_trimmed(s->isa_sender, sizeof s->isa_sender, x12kit_segment_element(seg, 6));
    copy_trimmed(s->isa_receiver, sizeof s->isa_receiver, x12kit_segment_element(seg, 8));
  } else if (strcmp(id, "EQ") == 0 && !s->is_278) {
    nr = x12kit_segment_repetitions(seg, 1);
    for (r = 1; r <= nr; r++)
      add_question(s, x12kit_segment_component(seg, 1, r, 1), 1);
    /* EQ02: HC:96365[:modifiers]; the code alone is asked about */
    if (x12kit_segment_components(seg, 2, 1) >= 2)
      add_question(s, x12kit_segment_component(seg, 2, 1, 2), 0);
  }
  return CLI_OK;
}

static int scan_request(submit *s, const char *buf, size_t len)
{
  x12kit_lexer *lx;
  int rc;

  if (x12kit_lexer_new(&lx, NULL) != X12KIT_OK)
    return cli_nomem();
  rc = cli_lex_buffer("the request built", buf, len, lx, scan_segment, s);
  x12kit_lexer_free(lx);
  return rc;
}

/* ---- tracking ---- */

/* One line on standard error for what recording did; no patient data is in it. */
static void print_tracked(const x12kit_tracked_outcome *o)
{
  fprintf(stderr, "%s: tracked: ", CLI_NAME);
  if (!o->is_response) {
    fputs("request ", stderr);
    cli_put_safe(stderr, o->reference);
    fputs(o->duplicate ? " already recorded\n" : " recorded\n", stderr);
    return;
  }
  if (o->match == X12KIT_MATCH_NONE) {
    fputs("response ", stderr);
    cli_put_safe(stderr, o->reference);
    fputs(" matches no tracked request; kept: ", stderr);
  } else {
    fputs("response to ", stderr);
    cli_put_safe(stderr, o->request_reference);
    fputs(o->duplicate ? " already recorded: " : ": ", stderr);
  }
  fputs(x12kit_auth_state_text(o->state), stderr);
  if (*o->action) {
    fputs(" (", stderr);
    cli_put_safe(stderr, o->action);
    fputc(')', stderr);
  }
  if (*o->certification) {
    fputs(", certification ", stderr);
    cli_put_safe(stderr, o->certification);
  }
  fputc('\n', stderr);
}

/* Records |len| bytes at |buf| (|what|: "request" or "response"). */
static int track_one(x12kit_tracker *t, const x12kit_schema *schema, const char *db,
                     const char *what, const char *buf, size_t len)
{
  x12kit_tracker_result *res = NULL;
  x12kit_error err;
  size_t i, n;
  int rc;

  memset(&err, 0, sizeof err);
  rc = x12kit_tracker_record(t, schema, buf, len, (int64_t)time(NULL), &res, &err);
  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  if (rc != X12KIT_OK) {
    fprintf(stderr, "%s: ", CLI_NAME);
    cli_put_safe(stderr, db);
    fprintf(stderr, ": the %s was not recorded: ", what);
    cli_put_safe(stderr, err.text);
    fputc('\n', stderr);
    return rc == X12KIT_ERR_IO || rc == X12KIT_ERR_STATE || rc == X12KIT_ERR_VERSION ? CLI_IO
                                                                                   : CLI_INVALID;
  }
  n = x12kit_tracker_result_count(res);
  for (i = 0; i < n; i++)
    print_tracked(x12kit_tracker_result_at(res, i));
  x12kit_tracker_result_free(res);
  return CLI_OK;
}

/* Records the request and, when one came, the response in --track DB. */
static int track(const submit *s, const char *schemas, const char *req, size_t reqlen,
                 const char *resp, size_t resplen)
{
  x12kit_schema *schema = NULL;
  x12kit_tracker *t = NULL;
  x12kit_error err;
  int rc = cli_load_schema(schemas, &schema);

  if (rc != CLI_OK)
    return rc;
  memset(&err, 0, sizeof err);
  rc = x12kit_tracker_open(&t, s->track, 0, NULL, &err);
  if (rc != X12KIT_OK) {
    x12kit_schema_free(schema);
    if (rc == X12KIT_ERR_NOMEM)
      return cli_nomem();
    fprintf(stderr, "%s: ", CLI_NAME);
    cli_put_safe(stderr, s->track);
    fputs(": ", stderr);
    cli_put_safe(stderr, err.text);
    fputs("; nothing was recorded\n", stderr);
    return CLI_IO;
  }
  rc = track_one(t, schema, s->track, "request", req, reqlen);
  if (rc == CLI_OK && resp)
    rc = track_one(t, schema, s->track, "response", resp, resplen);
  x12kit_tracker_close(t);
  x12kit_schema_free(schema);
  return rc;
}

/* ---- the one step ---- */

/* The worse of two exit statuses for the end: a failure to keep what was asked for wins. */
static int keep_worst(int status, int other)
{
  return other == CLI_OK ? status : other;
}

/* Sends the request built, saves and explains the answer; returns the exit status. */
static int send_and_explain(submit *s, const char *schemas, const char *req, size_t reqlen)
{
  x12kit_client_response r;
  x12kit_error err;
  const char *name;
  int rc, status, saved = CLI_OK;

  rc = scan_request(s, req, reqlen);
  if (rc != CLI_OK)
    return rc;
  /*
   * A request with neither --cpt nor --service-type asks about service
   * type 30, the plan as a whole: explain then gives the plan's answer
   * and lists every benefit, as it does when asked nothing.
   */
  if (s->ask.ncpt == 0 && s->ask.nstc == 1 && strcmp(s->ask.stc[0], "30") == 0)
    s->ask.nstc = 0;
  if (s->ask.sessions && s->ask.ncpt == 0)
    return usage_error("an estimate needs a procedure: give --cpt");
  /* the request is kept before it goes out: it is the clinic's record of what was sent */
  if (s->save_request && (rc = cli_save_file(s->save_request, "request", req, reqlen)) != CLI_OK) {
    fprintf(stderr, "%s: nothing was sent\n", CLI_NAME);
    return rc;
  }
  rc = cli_connect_ids(&s->conn, s->client, s->isa_sender, s->isa_receiver);
  if (rc != CLI_OK)
    return rc;

  memset(&err, 0, sizeof err);
  rc = x12kit_client_send(s->client, req, reqlen, NULL, &r, &err);
  if (r.payload && r.payload_len && s->save_response)
    saved = cli_save_file(s->save_response, "response", r.payload, r.payload_len);
  status = cli_connect_report(s->is_278 ? "the 278 request" : "the 270 request", rc, &r, &err);
  name = s->save_response ? s->save_response : "<answer>";

  if (rc == X12KIT_OK) {
    s->ask.json = s->json;
    s->ask.show_data = s->show_data;
    s->ask.schemas = schemas;
    status = s->is_278 ? cli_278_explain(name, r.payload, r.payload_len, s->json, s->show_data,
                                         schemas)
                       : cli_271_explain(&s->ask, name, r.payload, r.payload_len);
  } else if (r.outcome == X12KIT_SEND_UNEXPECTED && r.payload && r.payload_len &&
             (strcmp(r.transaction, "999") == 0 || strcmp(r.transaction, "TA1") == 0)) {
    /* the clearinghouse refused the request: say why in plain words (stderr under --json) */
    int ack = cli_ack_explain(name, r.payload, r.payload_len, schemas,
                              s->json ? stderr : stdout);
    if (ack == CLI_INTERNAL || ack == CLI_IO)
      status = ack;
  }

  if (s->track && s->is_278 &&
      (rc == X12KIT_OK || r.outcome == X12KIT_SEND_UNKNOWN)) {
    /* a request whose outcome is unknown may have been processed: it is tracked alone */
    int tracked = track(s, schemas, req, reqlen, rc == X12KIT_OK ? r.payload : NULL,
                        rc == X12KIT_OK ? r.payload_len : 0);
    status = keep_worst(status, tracked);
  }
  x12kit_client_response_clear(&r);
  return keep_worst(status, saved);
}

/*
 * Runs the builder with this command's hook, then the rest.  |build|
 * runs it: argv as the builder wants it.
 */
static int run(submit *s, int argc, char **argv,
               int (*build)(cli_build_hook *h, int argc, char **argv))
{
  cli_build_hook h;
  int status;

  memset(&h, 0, sizeof h);
  h.options = s->is_278 ? submit_options : check_options;
  h.noptions = s->is_278 ? sizeof submit_options / sizeof submit_options[0]
                         : sizeof check_options / sizeof check_options[0];
  h.option = submit_option;
  h.key = submit_key;
  h.ready = submit_ready;
  h.usage = s->usage;
  h.help = s->is_278 ? submit_help : check_help;
  h.user_data = s;
  status = build(&h, argc, argv);
  if (status == CLI_OK && h.out != NULL)
    status = send_and_explain(s, h.schemas, h.out, h.out_len);
  if (h.out)
    free(h.out);
  x12kit_client_free(s->client);
  return status;
}

static int build_270(cli_build_hook *h, int argc, char **argv)
{
  return cli_build_with(&cli_eligibility_builder, h, argc, argv);
}

static int build_278(cli_build_hook *h, int argc, char **argv)
{
  return cli_build_with(&cli_auth_builder, h, argc, argv);
}

static void submit_init(submit *s, int is_278)
{
  memset(s, 0, sizeof *s);
  s->is_278 = is_278;
  s->usage = is_278 ? submit_usage : check_usage;
  current_usage = s->usage;
  cli_connect_init(&s->conn);
  cli_271_opts_init(&s->ask);
}

int cmd_eligibility_check(int argc, char **argv)
{
  submit s;

  submit_init(&s, 0);
  return run(&s, argc, argv, build_270);
}

int cmd_auth_submit(int argc, char **argv)
{
  submit s;

  submit_init(&s, 1);
  return run(&s, argc, argv, build_278);
}
