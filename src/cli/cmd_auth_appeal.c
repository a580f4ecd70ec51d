/*
 * x12kit auth appeal | revise | extend | cancel | checklist: what a
 * clinic does after a 278 decision (include/x12kit/appeal.h).
 *
 * The four builders read the decision (--response FILE) and write the
 * follow-up 278 request to standard output; what the decision holds
 * (payer, requester, patient, lines, certification number) is taken
 * from it, and options replace what it lacks.  "checklist" prints what
 * to send with an appeal and by when.
 *
 * The options are read here with getopt_long, not through cli_build:
 * a follow-up has no request file, and its identity comes from the
 * response, not from keys.  The control number follows the same rules
 * (--control, else --counter FILE, else $X12KIT_COUNTER, else 1) with
 * the shared cli_stamp_take.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"

#define MAX_278_BYTES (64u * 1024u * 1024u)
#define MAX_WINDOW_FILE (1024u * 1024u)
#define MAX_ATTACH 10
#define ATTACH_SIZE 256
#define MAX_DX 12

static const char build_usage[] =
  "Usage: " CLI_NAME " auth appeal --response FILE [--immediate]\n"
  "         [--attachment TYPE:CONTROL[:TRANSMISSION]]... [--note TEXT] [--units N]\n"
  "         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [common options]\n"
  "       " CLI_NAME " auth revise|extend --response FILE [--units N] [--from YYYY-MM-DD]\n"
  "         [--to YYYY-MM-DD] [--attachment ...]... [--note TEXT] [common options]\n"
  "       " CLI_NAME " auth cancel --response FILE [common options]\n"
  "       " CLI_NAME " auth checklist --response FILE [--window DAYS] [--window-file FILE]\n"
  "         [--decided YYYY-MM-DD] [--today YYYY-MM-DD] [--json]";

static const char build_help[] =
  "Follow up a payer's 278 decision (read from --response FILE):\n"
  "  appeal     ask the payer to review a denial or a cut-back again (UM02 2, or 1\n"
  "             with --immediate); repeats the lines denied or cut back\n"
  "  revise     change an approval before the services are given (UM02 S)\n"
  "  extend     more of an approved service, or a longer period (UM02 4)\n"
  "  cancel     cancel the request (UM02 3); repeats every line\n"
  "  checklist  what to send with an appeal and by when\n"
  "\n"
  "The request cites the earlier review by its certification number (REF BB,\n"
  "the decision's HCR02) or, without one, by the payer's reference (REF NT).\n"
  "Payer, requester, patient, service type, place, period and lines are the\n"
  "decision's; options replace them.\n"
  "\n"
  "Options of appeal, revise, extend and cancel:\n"
  "  -h, --help               show this help and exit\n"
  "      --response FILE      the payer's 278 decision (- for standard input)\n"
  "      --event N            which request of the response (2000E), from 1 (default 1)\n"
  "      --immediate          appeal: ask for an immediate (expedited) review, UM02 1\n"
  "      --attachment TYPE:CONTROL[:TRANSMISSION]\n"
  "                           a document sent with the request (PWK), up to 10: TYPE\n"
  "                           is a report type (list 755) or lmn (letter of medical\n"
  "                           necessity, 03), records (M1), progress (09), history\n"
  "                           (P5), drugs (04), plan (08), scores (RT), evidence (77);\n"
  "                           CONTROL its attachment control number (on the fax cover\n"
  "                           sheet); TRANSMISSION FX fax (default) or EL, BM, EM ...\n"
  "      --note TEXT          the clinical justification (MSG, up to 264 characters)\n"
  "      --units N            units asked for on every repeated line\n"
  "      --from YYYY-MM-DD --to YYYY-MM-DD  the period asked for (DTP AAH)\n"
  "      --dx CODE            ICD-10-CM diagnosis (HI), repeatable; the decision's are\n"
  "                           not repeated\n"
  "      --previous-auth REF  the certification number to cite (REF BB)\n"
  "      --previous-reference REF  the payer's reference to cite (REF NT)\n"
  "      --payer-id ID --payer-name NAME --npi NPI --provider-name NAME\n"
  "      --member-id ID --last NAME --first NAME --dob YYYY-MM-DD\n"
  "                           replace what the decision says or lacks\n"
  "      --control N | --counter FILE  control number (as for auth build)\n"
  "      --reference REF      BHT03 and TRN02 (default X12KIT and the control number)\n"
  "      --trace-entity ID    TRN03 (default 9 and the first 9 digits of the NPI)\n"
  "      --sender ID --receiver ID  ISA06 and ISA08\n"
  "      --created YYYY-MM-DDTHH:MM  creation date and time, UTC (default now)\n"
  "      --test | --production  usage indicator T (the default) or P\n"
  "      --schemas DIR        read the maps from DIR\n"
  "\n"
  "Options of checklist:\n"
  "      --response FILE --event N  as above\n"
  "      --window DAYS        days the payer allows for an appeal (default: the\n"
  "                           window file's entry for the payer, else 180)\n"
  "      --window-file FILE   lines PAYER_ID = DAYS and default = DAYS (default:\n"
  "                           $X12KIT_APPEAL_WINDOWS when set)\n"
  "      --decided YYYY-MM-DD the decision date, when the response's (DTP 102, else\n"
  "                           BHT04) is not the one on the payer's letter\n"
  "      --today YYYY-MM-DD   count the days left from this date (default today, UTC)\n"
  "      --json               write the checklist as JSON\n"
  "\n"
  "Exit status:\n"
  "  0  written\n"
  "  1  the response cannot be followed up as asked, or is not a 278 decision\n"
  "     (the message says why and what to do)\n"
  "  2  usage error\n"
  "  3  cannot read a file or write the output\n"
  "  4  internal error (out of memory, maps cannot be loaded)\n";

enum {
  O_RESPONSE = 256, O_EVENT, O_IMMEDIATE, O_ATTACH, O_NOTE, O_UNITS, O_FROM, O_TO, O_DX,
  O_PREV_AUTH, O_PREV_REF, O_PAYER_ID, O_PAYER_NAME, O_NPI, O_PROVIDER_NAME, O_MEMBER_ID,
  O_LAST, O_FIRST, O_DOB, O_CONTROL, O_COUNTER, O_REFERENCE, O_TRACE_ENTITY, O_SENDER,
  O_RECEIVER, O_CREATED, O_TEST, O_PRODUCTION, O_SCHEMAS, O_WINDOW, O_WINDOW_FILE, O_DECIDED,
  O_TODAY, O_JSON
};

static const struct option longopts[] = {
  { "help", no_argument, NULL, 'h' },
  { "response", required_argument, NULL, O_RESPONSE },
  { "event", required_argument, NULL, O_EVENT },
  { "immediate", no_argument, NULL, O_IMMEDIATE },
  { "attachment", required_argument, NULL, O_ATTACH },
  { "note", required_argument, NULL, O_NOTE },
  { "units", required_argument, NULL, O_UNITS },
  { "from", required_argument, NULL, O_FROM },
  { "to", required_argument, NULL, O_TO },
  { "dx", required_argument, NULL, O_DX },
  { "previous-auth", required_argument, NULL, O_PREV_AUTH },
  { "previous-reference", required_argument, NULL, O_PREV_REF },
  { "payer-id", required_argument, NULL, O_PAYER_ID },
  { "payer-name", required_argument, NULL, O_PAYER_NAME },
  { "npi", required_argument, NULL, O_NPI },
  { "provider-name", required_argument, NULL, O_PROVIDER_NAME },
  { "member-id", required_argument, NULL, O_MEMBER_ID },
  { "last", required_argument, NULL, O_LAST },
  { "first", required_argument, NULL, O_FIRST },
  { "dob", required_argument, NULL, O_DOB },
  { "control", required_argument, NULL, O_CONTROL },
  { "counter", required_argument, NULL, O_COUNTER },
  { "reference", required_argument, NULL, O_REFERENCE },
  { "trace-entity", required_argument, NULL, O_TRACE_ENTITY },
  { "sender", required_argument, NULL, O_SENDER },
  { "receiver", required_argument, NULL, O_RECEIVER },
  { "created", required_argument, NULL, O_CREATED },
  { "test", no_argument, NULL, O_TEST },
  { "production", no_argument, NULL, O_PRODUCTION },
  { "schemas", required_argument, NULL, O_SCHEMAS },
  { "window", required_argument, NULL, O_WINDOW },
  { "window-file", required_argument, NULL, O_WINDOW_FILE },
  { "decided", required_argument, NULL, O_DECIDED },
  { "today", required_argument, NULL, O_TODAY },
  { "json", no_argument, NULL, O_JSON },
  { NULL, 0, NULL, 0 }
};

/* Which options each subcommand takes, beyond --help and --response. */
typedef struct opts {
  const char *sub;               /* "appeal" ... */
  x12kit_278_followup f;
  const char *response, *schemas, *counter, *created;
  const char *window_file, *decided, *today;
  long window;                   /* 0: not given */
  int json, have_control, usage_given;
  x12kit_278_attachment attach[MAX_ATTACH];
  char attach_buf[MAX_ATTACH][ATTACH_SIZE];
  const char *dx[MAX_DX];
  char date[9], time4[5];
} opts;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int usage_error(const char *sub, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: auth %s: ", CLI_NAME, sub);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n%s\n", build_usage);
  return CLI_USAGE;
}

/* A whole number from |lo| to |hi|; -1 otherwise. */
static long number_of(const char *s, long lo, long hi)
{
  char *end;
  long v;

  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  v = strtol(s, &end, 10);
  if (*end != '\0' || v < lo || v > hi)
    return -1;
  return v;
}

/* Options that only some subcommands take. */
static int allowed(const char *sub, int c)
{
  int checklist = strcmp(sub, "checklist") == 0;
  int cancel = strcmp(sub, "cancel") == 0;

  switch (c) {
  case O_RESPONSE: case O_EVENT: case O_SCHEMAS:
    return 1;
  case O_WINDOW: case O_WINDOW_FILE: case O_DECIDED: case O_TODAY: case O_JSON:
    return checklist;
  case O_IMMEDIATE:
    return strcmp(sub, "appeal") == 0;
  case O_ATTACH: case O_NOTE: case O_UNITS: case O_FROM: case O_TO:
    return !checklist && !cancel;
  default:
    return !checklist;
  }
}

static int parse(int argc, char **argv, opts *o)
{
  size_t ndx = 0;
  long v;
  int c;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    if (c == '?')
      return usage_error(o->sub, "unknown option or missing value: %s",
                         optind > 0 && optind <= argc ? argv[optind - 1] : "");
    if (c == 'h') {
      printf("%s\n\n%s", build_usage, build_help);
      return CLI_OK;
    }
    if (!allowed(o->sub, c))
      return usage_error(o->sub, "this option does not apply here: %s", argv[optind - 1]);
    switch (c) {
    case O_RESPONSE: o->response = optarg; break;
    case O_EVENT:
      if ((v = number_of(optarg, 1, 999)) < 0)
        return usage_error(o->sub, "--event must be a number from 1");
      o->f.event = (size_t)(v - 1);
      break;
    case O_IMMEDIATE: o->f.immediate = 1; break;
    case O_ATTACH:
      if (o->f.nattachments == MAX_ATTACH)
        return usage_error(o->sub, "at most 10 --attachment");
      if (x12kit_appeal_attachment(optarg, &o->attach[o->f.nattachments],
                                   o->attach_buf[o->f.nattachments], ATTACH_SIZE) != X12KIT_OK)
        return usage_error(o->sub, "--attachment must be TYPE:CONTROL[:TRANSMISSION], TYPE a "
                           "report type code or lmn, records, progress, history, drugs, plan, "
                           "scores, evidence");
      o->f.nattachments++;
      break;
    case O_NOTE: o->f.note = optarg; break;
    case O_UNITS: o->f.units = optarg; break;
    case O_FROM: o->f.from = optarg; break;
    case O_TO: o->f.to = optarg; break;
    case O_DX:
      if (ndx == MAX_DX)
        return usage_error(o->sub, "at most 12 --dx");
      o->dx[ndx++] = optarg;
      break;
    case O_PREV_AUTH: o->f.previous_auth = optarg; break;
    case O_PREV_REF: o->f.previous_reference = optarg; break;
    case O_PAYER_ID: o->f.payer_id = optarg; break;
    case O_PAYER_NAME: o->f.payer_name = optarg; break;
    case O_NPI: o->f.provider_npi = optarg; break;
    case O_PROVIDER_NAME: o->f.provider_name = optarg; break;
    case O_MEMBER_ID: o->f.member_id = optarg; break;
    case O_LAST: o->f.last = optarg; break;
    case O_FIRST: o->f.first = optarg; break;
    case O_DOB: o->f.dob = optarg; break;
    case O_CONTROL:
      if ((v = number_of(optarg, 1, 999999999L)) < 0)
        return usage_error(o->sub, "--control must be a number from 1 to 999999999");
      o->f.control = (unsigned long)v;
      o->have_control = 1;
      break;
    case O_COUNTER: o->counter = optarg; break;
    case O_REFERENCE: o->f.reference = optarg; break;
    case O_TRACE_ENTITY: o->f.trace_entity = optarg; break;
    case O_SENDER: o->f.sender_id = optarg; break;
    case O_RECEIVER: o->f.receiver_id = optarg; break;
    case O_CREATED:
      if (cli_parse_created(optarg, o->date, o->time4) != 0)
        return usage_error(o->sub, "--created must be YYYY-MM-DDTHH:MM (UTC)");
      o->created = optarg;
      break;
    case O_TEST: case O_PRODUCTION:
      if (o->usage_given && o->f.usage != (c == O_TEST ? 'T' : 'P'))
        return usage_error(o->sub, "--test and --production together");
      o->f.usage = c == O_TEST ? 'T' : 'P';
      o->usage_given = 1;
      break;
    case O_SCHEMAS: o->schemas = optarg; break;
    case O_WINDOW:
      if ((v = number_of(optarg, 1, X12KIT_APPEAL_WINDOW_MAX)) < 0)
        return usage_error(o->sub, "--window must be a number of days from 1 to 3650");
      o->window = v;
      break;
    case O_WINDOW_FILE: o->window_file = optarg; break;
    case O_DECIDED: o->decided = optarg; break;
    case O_TODAY: o->today = optarg; break;
    case O_JSON: o->json = 1; break;
    default: break;
    }
  }
  if (optind < argc)
    return usage_error(o->sub, "unexpected operand: %s", argv[optind]);
  if (o->response == NULL)
    return usage_error(o->sub, "--response FILE is required (the payer's 278 decision)");
  if (o->have_control && o->counter)
    return usage_error(o->sub, "--control and --counter together");
  o->f.attachments = o->attach;
  o->f.diagnoses = o->dx;
  o->f.ndiagnoses = ndx;
  if (o->f.usage == 0)
    o->f.usage = 'T';
  return -1;
}

/* Reads and parses the decision; prints a message and returns an exit status on failure. */
static int read_response(const opts *o, x12kit_schema *schema, x12kit_278_response **resp)
{
  const char *name = o->response;
  x12kit_error err;
  size_t len;
  char *buf;
  int rc;

  rc = cli_read_file(o->response, MAX_278_BYTES, &name, &buf, &len);
  if (rc != CLI_OK)
    return rc;
  rc = x12kit_278_response_read(resp, schema, buf, len, NULL, &err);
  free(buf);
  if (rc != X12KIT_OK)
    return cli_read_failed(rc, name, &err);
  if (x12kit_278_response_review_count(*resp) == 0) {
    fprintf(stderr, "%s: %s: holds no 278 decision\n", CLI_NAME, name);
    x12kit_278_response_free(*resp);
    *resp = NULL;
    return CLI_INVALID;
  }
  return CLI_OK;
}

/* The dry run's output goes nowhere. */
static int discard(void *ud, const char *data, size_t len)
{
  (void)ud; (void)data; (void)len;
  return 0;
}

static int build(opts *o, x12kit_schema *schema, const x12kit_278_resp_review *rv)
{
  x12kit_writer *w;
  x12kit_error err;
  const char *counter = o->counter;
  cli_stamp st;
  int rc;

  if (counter == NULL && !o->have_control) {
    counter = getenv("X12KIT_COUNTER");
    if (counter != NULL && *counter == '\0')
      counter = NULL;
  }
  if (!o->have_control)
    o->f.control = 1;
  if (o->created) {
    o->f.date = o->date;
    o->f.time = o->time4;
  }
  if (strcmp(o->sub, "appeal") == 0)
    o->f.kind = X12KIT_FOLLOWUP_APPEAL;
  else if (strcmp(o->sub, "revise") == 0)
    o->f.kind = X12KIT_FOLLOWUP_REVISION;
  else if (strcmp(o->sub, "extend") == 0)
    o->f.kind = X12KIT_FOLLOWUP_EXTENSION;
  else
    o->f.kind = X12KIT_FOLLOWUP_CANCEL;
  if ((o->f.kind == X12KIT_FOLLOWUP_REVISION || o->f.kind == X12KIT_FOLLOWUP_EXTENSION) &&
      o->f.units == NULL && o->f.from == NULL && o->f.to == NULL)
    return usage_error(o->sub, "say what changes: --units N, --from DATE or --to DATE");

  /* a dry run first, so that a refused follow-up takes no number from the counter */
  w = cli_stdout_writer();
  if (w == NULL)
    return cli_nomem();
  if (counter) {
    x12kit_writer *probe = NULL;
    if (x12kit_writer_new(&probe, discard, NULL, NULL, NULL) != X12KIT_OK) {
      x12kit_writer_free(w);
      return cli_nomem();
    }
    rc = x12kit_278_followup_write(rv, &o->f, schema, probe, &err);
    x12kit_writer_free(probe);
    if (rc != X12KIT_OK) {
      x12kit_writer_free(w);
      return cli_refused(&err);
    }
    memset(&st, 0, sizeof st);
    st.counter = counter;
    rc = cli_stamp_take(&st, &o->f.control);
    if (rc != CLI_OK) {
      x12kit_writer_free(w);
      return rc;
    }
  }
  rc = x12kit_278_followup_write(rv, &o->f, schema, w, &err);
  if (rc != X12KIT_OK) {
    x12kit_writer_free(w);
    return cli_refused(&err);
  }
  return cli_stdout_done(w, CLI_OK);
}

/* ---- checklist ---- */

static int window_of(const opts *o, const x12kit_278_resp_review *rv, long *days)
{
  const char *path = o->window_file;
  const char *name = NULL;
  x12kit_error err;
  char *buf;
  size_t len;
  int rc;

  *days = X12KIT_APPEAL_WINDOW_DEFAULT;
  if (o->window > 0) {
    *days = o->window;
    return CLI_OK;
  }
  if (path == NULL) {
    path = getenv("X12KIT_APPEAL_WINDOWS");
    if (path == NULL || *path == '\0')
      return CLI_OK;
  }
  rc = cli_read_file(path, MAX_WINDOW_FILE, &name, &buf, &len);
  if (rc != CLI_OK)
    return rc;
  rc = x12kit_appeal_window(buf, len, rv->umo.id, days, &err);
  free(buf);
  if (rc != X12KIT_OK) {
    fprintf(stderr, "%s: %s:%lu: %s\n", CLI_NAME, name, err.pos.line, err.text);
    return CLI_INVALID;
  }
  return CLI_OK;
}

static const char *today_of(const opts *o, char buf[11])
{
  time_t now;
  struct tm tm;

  if (o->today)
    return o->today;
  now = time(NULL);
  if (gmtime_r(&now, &tm) == NULL || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
    return NULL;
  return buf;
}

static void reason_words(const x12kit_checklist_reason *r, char *out, size_t size)
{
  if (strcmp(r->source, "MSG") == 0)
    snprintf(out, size, "payer's note: %s", r->text);
  else if (strcmp(r->source, "HCR03") == 0)
    snprintf(out, size, r->text[0] ? "decision reason %s: %s"
                                   : "decision reason %s (not known to x12kit)%s",
             r->code, r->text);
  else
    snprintf(out, size, r->text[0] ? "rejection %s: %s" : "rejection %s%s", r->code, r->text);
}

static int print_text(const x12kit_appeal_checklist *c, const x12kit_278_resp_review *rv,
                      long left)
{
  char line[512];
  size_t i;

  printf("Decision: %s\n", x12kit_278_action_name(c->action));
  if (!c->appealable)
    printf("Nothing was denied or cut back: there is nothing to appeal.\n");
  printf("The payer's reasons:\n");
  if (c->nreasons == 0)
    printf("  none stated: ask the payer for the reason in writing\n");
  for (i = 0; i < c->nreasons; i++) {
    reason_words(&c->reasons[i], line, sizeof line);
    printf("  - ");
    cli_put_safe(stdout, line);
    printf("\n");
  }
  if (c->appealable) {
    printf("Documents that answer them (send with --attachment TYPE:CONTROL):\n");
    for (i = 0; i < c->ndocuments; i++) {
      const x12kit_checklist_document *d = &c->documents[i];
      printf("  [ ] %s (%s, PWK01 %s) - for: %s\n", d->text, d->alias, d->code, d->why);
    }
    printf("  [ ] a note (--note) that answers the stated reason directly\n");
  }
  printf("Peer-to-peer review: %s", c->peer == X12KIT_PEER_OFFERED
                                       ? "offered in the payer's note: ask for it before "
                                         "the appeal"
                                       : "not stated: ask the payer whether one is offered");
  if (c->payer_phone[0]) {
    printf(" (payer: ");
    cli_put_safe(stdout, c->payer_phone);
    printf(")");
  }
  printf("\n");
  if (c->deadline[0]) {
    printf("Decided: %s (%s); appeal window %ld days; deadline %s", c->decided,
           c->decided_source, c->window, c->deadline);
    if (left < 0)
      printf(" - OVERDUE by %ld day%s\n", -left, left == -1 ? "" : "s");
    else
      printf(" - %ld day%s left\n", left, left == 1 ? "" : "s");
  } else {
    printf("Deadline: unknown (the response has no decision date: give --decided)\n");
  }
  (void)rv;
  return fflush(stdout) == 0 && !ferror(stdout) ? CLI_OK : CLI_IO;
}

static int print_json(const x12kit_appeal_checklist *c, int have_left, long left)
{
  json_t *root = json_object(), *a, *o;
  size_t i;
  int rc;

  cli_jset(root, "decision", cli_jstr(x12kit_278_action_name(c->action)));
  cli_jset(root, "appealable", json_boolean(c->appealable));
  a = json_array();
  for (i = 0; i < c->nreasons; i++) {
    o = json_object();
    cli_jset(o, "source", cli_jstr(c->reasons[i].source));
    cli_jset(o, "code", cli_jopt(c->reasons[i].code));
    cli_jset(o, "text", cli_jopt(c->reasons[i].text));
    cli_jpush(a, o);
  }
  cli_jset(root, "reasons", a);
  a = json_array();
  for (i = 0; i < c->ndocuments; i++) {
    o = json_object();
    cli_jset(o, "attachment", cli_jstr(c->documents[i].alias));
    cli_jset(o, "report_type", cli_jstr(c->documents[i].code));
    cli_jset(o, "document", cli_jstr(c->documents[i].text));
    cli_jset(o, "answers", cli_jstr(c->documents[i].why));
    cli_jpush(a, o);
  }
  cli_jset(root, "documents", a);
  cli_jset(root, "peer_to_peer", cli_jstr(c->peer == X12KIT_PEER_OFFERED ? "offered" : "unknown"));
  cli_jset(root, "payer_phone", cli_jopt(c->payer_phone));
  cli_jset(root, "decided", cli_jopt(c->decided));
  cli_jset(root, "decided_from", cli_jopt(c->decided_source));
  cli_jset(root, "window_days", json_integer(c->window));
  cli_jset(root, "deadline", cli_jopt(c->deadline));
  cli_jset(root, "days_left", have_left ? json_integer(left) : json_null());
  rc = cli_json_print(root);
  json_decref(root);
  return rc;
}

static int checklist(const opts *o, const x12kit_278_resp_review *rv)
{
  x12kit_appeal_checklist c;
  x12kit_error err;
  char tbuf[11];
  const char *today;
  long window, left = 0;
  int rc, have_left = 0;

  rc = window_of(o, rv, &window);
  if (rc != CLI_OK)
    return rc;
  if (x12kit_appeal_checklist_make(rv, o->f.event, o->decided, window, &c, &err) != X12KIT_OK)
    return cli_refused(&err);
  today = today_of(o, tbuf);
  if (c.deadline[0] && today != NULL) {
    if (x12kit_date_diff(today, c.deadline, &left) != X12KIT_OK)
      return usage_error(o->sub, "--today must be a real date, YYYY-MM-DD");
    have_left = 1;
  }
  return o->json ? print_json(&c, have_left, left) : print_text(&c, rv, left);
}

int cmd_auth_appeal(int argc, char **argv)
{
  x12kit_278_response *resp = NULL;
  const x12kit_278_resp_review *rv;
  x12kit_schema *schema = NULL;
  opts *o;
  int rc;

  /* large (attachment buffers): on the heap */
  o = calloc(1, sizeof *o);
  if (o == NULL)
    return cli_nomem();
  o->sub = argv[0];
  rc = parse(argc, argv, o);
  if (rc >= 0)
    goto done;
  rc = cli_load_schema(o->schemas, &schema);
  if (rc != CLI_OK)
    goto done;
  rc = read_response(o, schema, &resp);
  if (rc != CLI_OK)
    goto done;
  rv = x12kit_278_response_review_at(resp, 0);
  if (x12kit_278_response_review_count(resp) > 1)
    fprintf(stderr, "%s: auth %s: the response holds %zu transactions; following up the "
            "first\n", CLI_NAME, o->sub, x12kit_278_response_review_count(resp));
  if (strcmp(o->sub, "checklist") == 0)
    rc = checklist(o, rv);
  else
    rc = build(o, schema, rv);
done:
  x12kit_278_response_free(resp);
  x12kit_schema_free(schema);
  free(o);
  return rc;
}
