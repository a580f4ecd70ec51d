/*
 * x12kit auth explain: a 278 prior-authorization response in plain
 * words, or as JSON for a practice-management system.
 *
 * The whole response is read into memory (responses are small; 64 MiB
 * is the cap) and handed to x12kit_278_response_read.  The subscriber's
 * and dependent's names, member ID and date of birth are printed only
 * with --show-data.  The exit status tells a script what to do next:
 * see auth_help.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

#define MAX_278_BYTES (64u * 1024u * 1024u)


static const char auth_usage[] =
  "Usage: " CLI_NAME " auth explain [--json] [--show-data] [--schemas DIR] FILE|-";

static const char auth_help[] =
  "Explain a 278 prior-authorization response (005010X217), from a file or\n"
  "standard input for -.  For each request: the payer's decision (certified,\n"
  "certified in part, modified, not certified, pended, contact the payer,\n"
  "cancelled, no action required) with the certification number, reason,\n"
  "approved dates and quantities, then the same for each service line, the\n"
  "payer's rejections (AAA) at every level, and what to do next in plain\n"
  "words.  When the request carries no decision of its own, its decision is\n"
  "the worst of its service lines.\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --json         write JSON for a practice-management system instead of text\n"
  "      --show-data    also print the patient's name, member ID and date of\n"
  "                     birth (health information)\n"
  "      --schemas DIR  read the maps from DIR (default: $X12KIT_SCHEMA_DIR, or\n"
  "                     the installed maps)\n"
  "\n"
  "Exit status:\n"
  "  0  read and decided: certified in total or in part, modified, cancelled,\n"
  "     or no authorization needed\n"
  "  1  the input is not a readable 278 response\n"
  "  2  usage error\n"
  "  3  cannot read the input or write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n"
  "  5  rejected (AAA) or not certified, for at least one request or line\n"
  "  6  not decided yet: pended, contact the payer, or no decision stated\n"
  "The worst decision anywhere in the response gives the status (5 before 6\n"
  "before 0): a transaction, a request or a single service line.\n";

enum { OPT_JSON = 256, OPT_SHOW_DATA, OPT_SCHEMAS };

typedef struct opts {
  int json;
  int show_data;
  const char *schemas;
  const char *path;
} opts;

typedef struct doc {
  x12kit_schema *schema;
  x12kit_278_response *r;
  const char *name;
} doc;

static int usage_error(const char *msg)
{
  fprintf(stderr, "%s auth explain: %s\n%s\nTry '%s auth explain --help' for more information.\n",
          CLI_NAME, msg, auth_usage, CLI_NAME);
  return CLI_USAGE;
}

/* Returns -1 to go on, or an exit status. */
static int read_options(int argc, char **argv, opts *o)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "json", no_argument, NULL, OPT_JSON },
    { "show-data", no_argument, NULL, OPT_SHOW_DATA },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { NULL, 0, NULL, 0 }
  };
  int c;

  memset(o, 0, sizeof *o);
  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s", auth_usage, auth_help);
      return CLI_OK;
    case OPT_JSON:
      o->json = 1;
      break;
    case OPT_SHOW_DATA:
      o->show_data = 1;
      break;
    case OPT_SCHEMAS:
      o->schemas = optarg;
      break;
    default:
      return usage_error(optopt == OPT_SCHEMAS ? "--schemas needs a directory"
                                               : "unknown option");
    }
  }
  if (optind + 1 != argc)
    return usage_error(optind >= argc ? "no input file (use - for standard input)"
                                      : "more than one input file");
  o->path = argv[optind];
  return -1;
}

/* Loads the maps and reads the 278 at |buf|, which |name| stands for; prints why on failure. */
static int load_buffer(const opts *o, doc *d, const char *name, const char *buf, size_t len)
{
  x12kit_error err;
  int rc;

  memset(d, 0, sizeof *d);
  d->name = name;
  rc = cli_load_schema(o->schemas, &d->schema);
  if (rc)
    return rc;
  rc = x12kit_278_response_read(&d->r, d->schema, buf, len, NULL, &err);
  return rc ? cli_read_failed(rc, d->name, &err) : CLI_OK;
}

/* The same, from the file o->path. */
static int load(const opts *o, doc *d)
{
  const char *name = o->path;
  char *buf = NULL;
  size_t len = 0;
  int rc;

  memset(d, 0, sizeof *d);
  rc = cli_read_file(o->path, MAX_278_BYTES, &name, &buf, &len);
  if (rc)
    return rc;
  rc = load_buffer(o, d, name, buf, len);
  free(buf);
  return rc;
}

static void unload(doc *d)
{
  x12kit_278_response_free(d->r);
  x12kit_schema_free(d->schema);
}

/* The exit status for one decision. */
static int action_status(x12kit_278_action a)
{
  switch (a) {
  case X12KIT_278_REJECTED:
  case X12KIT_278_NOT_CERTIFIED:
    return CLI_REJECTED;
  case X12KIT_278_PENDED:
  case X12KIT_278_CONTACT_PAYER:
  case X12KIT_278_UNKNOWN:
  case X12KIT_278_NOT_STATED:
    return CLI_PENDING;
  default:
    return CLI_OK;
  }
}

/* Keeps the worse of two exit statuses: 5 before 6 before 0. */
static int worse(int st, x12kit_278_action a)
{
  int s = action_status(a);

  if (s == CLI_REJECTED || (s == CLI_PENDING && st == CLI_OK))
    return s;
  return st;
}

/*
 * The worst decision anywhere: a transaction, a request or a service
 * line.  A line rejected under a request the payer certified still
 * needs the clinic to act.
 */
static int decided_status(const doc *d)
{
  size_t n = x12kit_278_response_review_count(d->r), i, k, l;
  int st = CLI_OK;

  for (i = 0; i < n; i++) {
    const x12kit_278_resp_review *rv = x12kit_278_response_review_at(d->r, i);
    st = worse(st, rv->overall.action);
    for (k = 0; k < rv->nevents; k++) {
      st = worse(st, rv->events[k].overall.action);
      for (l = 0; l < rv->events[k].nlines; l++)
        st = worse(st, rv->events[k].lines[l].overall.action);
    }
  }
  return st;
}

/* ---- words ---- */

static const char *bht06_text(const char *code)
{
  if (strcmp(code, "18") == 0)
    return "final, no further updates to follow";
  if (strcmp(code, "19") == 0)
    return "further updates to follow";
  if (strcmp(code, "RU") == 0)
    return "medical services reservation";
  return "";
}

static const char *basis_key(x12kit_278_basis b)
{
  switch (b) {
  case X12KIT_278_BASIS_REJECTION: return "rejection";
  case X12KIT_278_BASIS_EVENT: return "request";
  case X12KIT_278_BASIS_LINE: return "line";
  case X12KIT_278_BASIS_LINES: return "worst_line";
  case X12KIT_278_BASIS_NONE:
  default: return "none";
  }
}

static const char *action_key(x12kit_278_action a)
{
  switch (a) {
  case X12KIT_278_CERTIFIED: return "certified";
  case X12KIT_278_PARTIAL: return "certified_partial";
  case X12KIT_278_NOT_CERTIFIED: return "not_certified";
  case X12KIT_278_PENDED: return "pended";
  case X12KIT_278_MODIFIED: return "modified";
  case X12KIT_278_CANCELLED: return "cancelled";
  case X12KIT_278_CONTACT_PAYER: return "contact_payer";
  case X12KIT_278_NO_ACTION: return "no_action_required";
  case X12KIT_278_REJECTED: return "rejected";
  case X12KIT_278_UNKNOWN: return "unknown";
  case X12KIT_278_NOT_STATED:
  default: return "not_stated";
  }
}

/* Decisions that approve something: their dates and quantities are "approved". */
static int approves(x12kit_278_action a)
{
  return a == X12KIT_278_CERTIFIED || a == X12KIT_278_PARTIAL || a == X12KIT_278_MODIFIED ||
         a == X12KIT_278_NO_ACTION;
}

/* SV103 / SV204 in words. */
static const char *unit_name(const char *unit, const char *count)
{
  int one = strcmp(count, "1") == 0;

  if (strcmp(unit, "MJ") == 0)
    return one ? "minute" : "minutes";
  if (strcmp(unit, "DA") == 0)
    return one ? "day" : "days";
  if (strcmp(unit, "F2") == 0)
    return one ? "international unit" : "international units";
  return one ? "unit" : "units";
}

static void put(const char *s)
{
  cli_put_safe(stdout, s);
}

/* ---- text ---- */

static void print_party(const doc *d, const char *indent, const char *label,
                        const x12kit_278_resp_party *p)
{
  const char *role = *p->code_text ? p->code_text : cli_code_text(d->schema, "98", p->code);

  if (!*p->loop)
    return;
  printf("%s%s: ", indent, label);
  put(*p->name ? p->name : "(no name)");
  if (*role) {
    printf(" (");
    put(role);
    printf(")");
  }
  if (*p->id) {
    printf(", ");
    put(*p->id_qualifier ? p->id_qualifier : "ID");
    printf(" ");
    put(p->id);
  }
  if (*p->taxonomy) {
    printf(", taxonomy ");
    put(p->taxonomy);
  }
  printf("\n");
  if (*p->address) {
    printf("%s  ", indent);
    put(p->address);
    printf("\n");
  }
  if (*p->contact || *p->phone || *p->fax || *p->email || *p->url) {
    printf("%s  ", indent);
    if (*p->contact) {
      put(p->contact);
      printf(":");
    }
    if (*p->phone) {
      printf(" phone ");
      put(p->phone);
      if (*p->extension) {
        printf(" ext. ");
        put(p->extension);
      }
    }
    if (*p->fax) {
      printf(" fax ");
      put(p->fax);
    }
    if (*p->email) {
      printf(" email ");
      put(p->email);
    }
    if (*p->url) {
      printf(" web ");
      put(p->url);
    }
    printf("\n");
  }
}

static void print_person(const char *label, const x12kit_278_resp_person *p)
{
  if (!*p->loop)
    return;
  printf("  %s: ", label);
  put(*p->last ? p->last : "(no name)");
  if (*p->first) {
    printf(", ");
    put(p->first);
  }
  if (*p->middle) {
    printf(" ");
    put(p->middle);
  }
  if (*p->member_id) {
    printf("  Member ID: ");
    put(p->member_id);
  }
  if (*p->dob) {
    printf("  Born: ");
    put(p->dob);
  }
  if (*p->gender) {
    printf("  Gender: ");
    put(p->gender);
  }
  printf("\n");
}

static void print_rejections(const char *indent, const x12kit_278_resp_rejection *a, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    printf("%sRejected in loop %s (segment %lu): ", indent, a[i].loop, a[i].segment);
    put(*a[i].reason_text ? a[i].reason_text : "reason not given");
    printf(" [AAA03 ");
    put(*a[i].reason ? a[i].reason : "-");
    if (*a[i].action) {
      printf(", AAA04 ");
      put(a[i].action);
      if (*a[i].action_text) {
        printf(": ");
        put(a[i].action_text);
      }
    }
    printf("]\n%s  What to do: ", indent);
    put(a[i].next_step);
    printf("\n");
  }
}

static void print_decision(const char *indent, const x12kit_278_resp_decision *c)
{
  if (!c->segment)
    return;
  if (*c->certification) {
    printf("%sCertification number: ", indent);
    put(c->certification);
    printf("\n");
  }
  if (*c->reason) {
    printf("%sReason: ", indent);
    put(c->reason);
    if (*c->reason_text) {
      printf(" ");
      put(c->reason_text);
    } else {
      printf(" (a decision reason code; the payer's notice explains it)");
    }
    printf("\n");
  }
  if (c->second_opinion == 'Y')
    printf("%sA second surgical opinion is required.\n", indent);
}

static void print_span(const char *indent, const char *label, const char *from, const char *to)
{
  if (!*from && !*to)
    return;
  printf("%s%s: ", indent, label);
  if (*from && strcmp(from, to) == 0) {
    printf("on ");
    put(from);
  } else if (*from && *to) {
    put(from);
    printf(" to ");
    put(to);
  } else if (*from) {
    printf("from ");
    put(from);
  } else {
    printf("until ");
    put(to);
  }
  printf("\n");
}

static void print_details(const doc *d, const char *indent, const x12kit_278_resp_date *dt,
                          size_t ndt, const x12kit_278_resp_ref *refs, size_t nrefs,
                          const x12kit_278_resp_paperwork *pw, size_t npw,
                          const char *const *msgs, size_t nmsgs)
{
  size_t i;

  if (ndt) {
    printf("%sDates:", indent);
    for (i = 0; i < ndt; i++) {
      printf("%s ", i ? ";" : "");
      put(*dt[i].qualifier_text ? dt[i].qualifier_text : dt[i].qualifier);
      printf(" ");
      put(dt[i].from);
      if (*dt[i].to) {
        printf(" to ");
        put(dt[i].to);
      }
    }
    printf("\n");
  }
  for (i = 0; i < nrefs; i++) {
    printf("%sReference: ", indent);
    put(*refs[i].qualifier_text ? refs[i].qualifier_text : "reference");
    printf(" (REF ");
    put(refs[i].qualifier);
    printf(") ");
    put(refs[i].value);
    printf("\n");
  }
  for (i = 0; i < npw; i++) {
    printf("%sPaperwork: ", indent);
    put(*pw[i].type_text ? pw[i].type_text : pw[i].type);
    if (*pw[i].transmission_text) {
      printf(", ");
      put(pw[i].transmission_text);
    }
    if (*pw[i].control) {
      printf(", control number ");
      put(pw[i].control);
    }
    if (*pw[i].description) {
      printf(" (");
      put(pw[i].description);
      printf(")");
    }
    printf("\n");
  }
  for (i = 0; i < nmsgs; i++) {
    printf("%sPayer's note: ", indent);
    put(msgs[i]);
    printf("\n");
  }
  (void)d;
}

static void print_heading_decision(const x12kit_278_resp_summary *s)
{
  const char *kind = s->action == X12KIT_278_REJECTED ? "AAA03" : "HCR01";

  put(x12kit_278_action_name(s->action));
  if (s->basis == X12KIT_278_BASIS_NONE)
    return;
  if (s->basis == X12KIT_278_BASIS_LINES)
    printf(" (worst service line: %s ", kind);
  else
    printf(" [%s ", kind);
  put(*s->code ? s->code : "-");
  if (s->basis != X12KIT_278_BASIS_LINE && s->basis != X12KIT_278_BASIS_LINES)
    printf(", loop %s", s->loop);
  printf(", segment %lu%s", s->segment, s->basis == X12KIT_278_BASIS_LINES ? ")" : "]");
}

static void print_line(const doc *d, size_t k, const x12kit_278_resp_line *ln)
{
  const x12kit_278_resp_service *sv = &ln->service;
  size_t i;

  printf("\n    Line %zu (2000F, HL ", k + 1);
  put(ln->hl);
  printf(", segment %lu): ", ln->segment);
  if (*sv->code) {
    put(sv->code);
    for (i = 0; i < 4; i++)
      if (*sv->modifiers[i]) {
        printf(":");
        put(sv->modifiers[i]);
      }
    if (*sv->description) {
      printf(" ");
      put(sv->description);
    } else if (*cli_code_text(d->schema, "HC", sv->code)) {
      printf(" ");
      put(cli_code_text(d->schema, "HC", sv->code));
    }
  } else {
    printf("(no procedure)");
  }
  printf("\n      Decision: ");
  print_heading_decision(&ln->overall);
  if (ln->overall.basis == X12KIT_278_BASIS_EVENT)
    printf(" (the decision for the whole request)");
  printf("\n");
  if (*sv->units) {
    printf("      %s: ", approves(ln->overall.action) ? "Approved quantity" : "Quantity");
    put(sv->units);
    printf(" %s\n", unit_name(sv->unit, sv->units));
  }
  if (*ln->quantity.text) {
    printf("      %s: ", approves(ln->overall.action) ? "Approved" : "Asked for");
    put(ln->quantity.text);
    printf("\n");
  }
  print_span("      ", approves(ln->overall.action) ? "Approved dates" : "Requested dates",
             ln->valid_from, ln->valid_to);
  print_decision("      ", &ln->decision);
  for (i = 0; i < ln->ntraces; i++) {
    printf("      Trace (TRN01 ");
    put(ln->traces[i].type);
    printf("): ");
    put(ln->traces[i].number);
    printf("\n");
  }
  print_details(d, "      ", ln->dates, ln->ndates, ln->refs, ln->nrefs, ln->paperwork,
                ln->npaperwork, ln->messages, ln->nmessages);
  for (i = 0; i < ln->nproviders; i++)
    print_party(d, "      ", "Provider", &ln->providers[i]);
  print_party(d, "      ", "Contact", &ln->contact);
  print_rejections("      ", ln->rejections, ln->nrejections);
  if (ln->overall.basis != X12KIT_278_BASIS_REJECTION) {
    printf("      What to do: ");
    put(ln->overall.next_step);
    printf("\n");
  }
}

static void print_event(const doc *d, const x12kit_278_resp_review *rv, size_t k,
                        const x12kit_278_resp_event *ev)
{
  size_t i;

  printf("\n  Request %zu (2000E, HL ", k + 1);
  put(ev->hl);
  printf(", segment %lu%s): ", ev->segment, ev->dependent ? ", for the dependent" : "");
  print_heading_decision(&ev->overall);
  printf("\n");
  if (*ev->request_trace) {
    printf("    Your trace: ");
    put(ev->request_trace);
    if (*ev->payer_trace) {
      printf("   Payer's trace: ");
      put(ev->payer_trace);
    }
    printf("\n");
  } else if (*ev->payer_trace) {
    printf("    Payer's trace: ");
    put(ev->payer_trace);
    printf("\n");
  }
  if (*ev->category) {
    const char *category = cli_code_text(d->schema, "1525", ev->category);

    printf("    Review: ");
    put(*category ? category : ev->category);
    if (*ev->certification_type) {
      printf(", ");
      put(*cli_code_text(d->schema, "1322", ev->certification_type)
            ? cli_code_text(d->schema, "1322", ev->certification_type)
            : ev->certification_type);
    }
    if (*ev->service_type) {
      printf(", service type ");
      put(ev->service_type);
      if (*cli_code_text(d->schema, "1365", ev->service_type)) {
        printf(" ");
        put(cli_code_text(d->schema, "1365", ev->service_type));
      }
    }
    if (*ev->place) {
      printf(", place of service ");
      put(ev->place);
    }
    printf("\n");
  }
  print_decision("    ", &ev->decision);
  print_span("    ", approves(ev->overall.action) ? "Approved dates" : "Requested dates",
             ev->valid_from, ev->valid_to);
  if (*ev->quantity.text) {
    printf("    %s: ", approves(ev->overall.action) ? "Approved" : "Asked for");
    put(ev->quantity.text);
    printf("\n");
  }
  print_details(d, "    ", ev->dates, ev->ndates, ev->refs, ev->nrefs, ev->paperwork,
                ev->npaperwork, ev->messages, ev->nmessages);
  for (i = 0; i < ev->nproviders; i++)
    print_party(d, "    ", "Provider", &ev->providers[i]);
  print_party(d, "    ", "Send information to", &ev->contact);
  print_rejections("    ", ev->rejections, ev->nrejections);
  if (ev->overall.basis != X12KIT_278_BASIS_REJECTION &&
      strcmp(ev->overall.next_step, rv->overall.next_step) != 0) {
    printf("    What to do: ");
    put(ev->overall.next_step);
    printf("\n");
  }
  for (i = 0; i < ev->nlines; i++)
    print_line(d, i, &ev->lines[i]);
}

static int explain_text(const doc *d, const opts *o)
{
  size_t n = x12kit_278_response_review_count(d->r), i, k;
  unsigned long findings = x12kit_278_response_finding_count(d->r);

  printf("Prior-authorization response ");
  put(d->name);
  printf(": %zu transaction%s", n, cli_plural(n));
  if (findings)
    printf(", %lu implementation-guide error%s (run x12kit validate to see them; the answer "
           "uses what is there)",
           findings, cli_plural(findings));
  printf("\n");
  for (i = 0; i < n; i++) {
    const x12kit_278_resp_review *rv = x12kit_278_response_review_at(d->r, i);

    printf("\nTransaction %zu (ST02 ", i + 1);
    put(rv->control);
    printf("): ");
    print_heading_decision(&rv->overall);
    printf("\n");
    if (*rv->reference) {
      printf("  Your request: ");
      put(rv->reference);
      printf(" (BHT03)");
    }
    if (*rv->date) {
      printf("%sAnswered: ", *rv->reference ? "   " : "  ");
      put(rv->date);
      if (strlen(rv->time) >= 4)
        printf(" %.2s:%.2s", rv->time, rv->time + 2);
    }
    if (*bht06_text(rv->type))
      printf(", %s", bht06_text(rv->type));
    printf("\n");
    if (*rv->overall.certification) {
      printf("  Certification number: ");
      put(rv->overall.certification);
      printf("\n");
    }
    print_party(d, "  ", "Payer", &rv->umo);
    print_party(d, "  ", "Requester", &rv->requester);
    if (o->show_data) {
      print_person("Subscriber", &rv->subscriber);
      print_person("Patient (dependent)", &rv->dependent);
    }
    print_rejections("  ", rv->rejections, rv->nrejections);
    if (rv->overall.basis != X12KIT_278_BASIS_REJECTION || rv->nrejections == 0) {
      printf("  What to do: ");
      put(rv->overall.next_step);
      printf("\n");
    }
    for (k = 0; k < rv->nevents; k++)
      print_event(d, rv, k, &rv->events[k]);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    return CLI_IO;
  }
  return decided_status(d);
}

/* ---- JSON ---- */

static json_t *jint(unsigned long v)
{
  return json_integer((json_int_t)v);
}

static json_t *jlcode(const doc *d, const char *list, const char *code)
{
  return cli_jcode(code, cli_code_text(d->schema, list, code));
}

static json_t *jparty(const x12kit_278_resp_party *p)
{
  json_t *o;

  if (!*p->loop)
    return json_null();
  o = json_object();
  cli_jset(o, "loop", cli_jstr(p->loop));
  cli_jset(o, "segment", jint(p->segment));
  cli_jset(o, "entity", cli_jcode(p->code, p->code_text));
  cli_jset(o, "name", cli_jstr(p->name));
  cli_jset(o, "id_qualifier", cli_jopt(p->id_qualifier));
  cli_jset(o, "id", cli_jopt(p->id));
  cli_jset(o, "taxonomy", cli_jopt(p->taxonomy));
  cli_jset(o, "address", cli_jopt(p->address));
  cli_jset(o, "contact", cli_jopt(p->contact));
  cli_jset(o, "phone", cli_jopt(p->phone));
  cli_jset(o, "extension", cli_jopt(p->extension));
  cli_jset(o, "fax", cli_jopt(p->fax));
  cli_jset(o, "email", cli_jopt(p->email));
  cli_jset(o, "url", cli_jopt(p->url));
  return o;
}

static json_t *jparties(const x12kit_278_resp_party *p, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++)
    cli_jpush(a, jparty(&p[i]));
  return a;
}

static json_t *jperson(const x12kit_278_resp_person *p)
{
  json_t *o;

  if (!*p->loop)
    return json_null();
  o = json_object();
  cli_jset(o, "loop", cli_jstr(p->loop));
  cli_jset(o, "segment", jint(p->segment));
  cli_jset(o, "last", cli_jstr(p->last));
  cli_jset(o, "first", cli_jstr(p->first));
  cli_jset(o, "middle", cli_jopt(p->middle));
  cli_jset(o, "suffix", cli_jopt(p->suffix));
  cli_jset(o, "member_id", cli_jopt(p->member_id));
  cli_jset(o, "dob", cli_jopt(p->dob));
  cli_jset(o, "gender", cli_jopt(p->gender));
  return o;
}

static json_t *jrejections(const x12kit_278_resp_rejection *r, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    char v[2] = { r[i].valid, '\0' };
    cli_jset(o, "loop", cli_jstr(r[i].loop));
    cli_jset(o, "segment", jint(r[i].segment));
    cli_jset(o, "valid_request", r[i].valid ? json_boolean(r[i].valid == 'Y') : json_null());
    cli_jset(o, "valid_code", cli_jopt(v));
    cli_jset(o, "reason", cli_jcode(r[i].reason, r[i].reason_text));
    cli_jset(o, "follow_up", cli_jcode(r[i].action, r[i].action_text));
    cli_jset(o, "next_step", cli_jstr(r[i].next_step));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jdecision(const x12kit_278_resp_decision *c)
{
  json_t *o;
  char so[2] = { c->second_opinion, '\0' };

  if (!c->segment)
    return json_null();
  o = json_object();
  cli_jset(o, "segment", jint(c->segment));
  cli_jset(o, "decision", cli_jstr(action_key(c->action)));
  cli_jset(o, "action", cli_jcode(c->code, c->code_text));
  cli_jset(o, "certification", cli_jopt(c->certification));
  cli_jset(o, "reason", cli_jcode(c->reason, c->reason_text));
  cli_jset(o, "second_surgical_opinion", cli_jopt(so));
  cli_jset(o, "next_step", cli_jstr(c->next_step));
  return o;
}

static json_t *jsummary(const x12kit_278_resp_summary *s)
{
  json_t *o = json_object();

  cli_jset(o, "decision", cli_jstr(action_key(s->action)));
  cli_jset(o, "words", cli_jstr(x12kit_278_action_name(s->action)));
  cli_jset(o, "from", cli_jstr(basis_key(s->basis)));
  cli_jset(o, "loop", cli_jopt(s->loop));
  cli_jset(o, "segment", s->segment ? jint(s->segment) : json_null());
  cli_jset(o, "code", cli_jcode(s->code, s->text));
  cli_jset(o, "certification", cli_jopt(s->certification));
  cli_jset(o, "next_step", cli_jstr(s->next_step));
  return o;
}

static json_t *jquantity(const x12kit_278_resp_quantity *q)
{
  json_t *o;

  if (!q->segment)
    return json_null();
  o = json_object();
  cli_jset(o, "segment", jint(q->segment));
  cli_jset(o, "qualifier", cli_jopt(q->qualifier));
  cli_jset(o, "count", cli_jopt(q->count));
  cli_jset(o, "unit", cli_jopt(q->unit));
  cli_jset(o, "sample", cli_jopt(q->sample));
  cli_jset(o, "period", cli_jopt(q->period));
  cli_jset(o, "periods", cli_jopt(q->periods));
  cli_jset(o, "words", cli_jstr(q->text));
  return o;
}

static json_t *jtraces(const x12kit_278_resp_trace *t, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "segment", jint(t[i].segment));
    cli_jset(o, "type", cli_jstr(t[i].type));
    cli_jset(o, "number", cli_jstr(t[i].number));
    cli_jset(o, "entity", cli_jstr(t[i].entity));
    cli_jset(o, "extra", cli_jopt(t[i].extra));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jdates(const x12kit_278_resp_date *dt, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "segment", jint(dt[i].segment));
    cli_jset(o, "qualifier", cli_jcode(dt[i].qualifier, dt[i].qualifier_text));
    cli_jset(o, "from", cli_jstr(dt[i].from));
    cli_jset(o, "to", cli_jopt(dt[i].to));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jrefs(const x12kit_278_resp_ref *f, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "segment", jint(f[i].segment));
    cli_jset(o, "qualifier", cli_jcode(f[i].qualifier, f[i].qualifier_text));
    cli_jset(o, "value", cli_jstr(f[i].value));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jpaperwork(const x12kit_278_resp_paperwork *p, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "segment", jint(p[i].segment));
    cli_jset(o, "type", cli_jcode(p[i].type, p[i].type_text));
    cli_jset(o, "transmission", cli_jcode(p[i].transmission, p[i].transmission_text));
    cli_jset(o, "control", cli_jopt(p[i].control));
    cli_jset(o, "description", cli_jopt(p[i].description));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jmessages(const char *const *m, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++)
    cli_jpush(a, cli_jstr(m[i]));
  return a;
}

static json_t *jline(const x12kit_278_resp_line *ln)
{
  const x12kit_278_resp_service *sv = &ln->service;
  json_t *o = json_object(), *s;
  size_t i;

  cli_jset(o, "segment", jint(ln->segment));
  cli_jset(o, "hl", cli_jstr(ln->hl));
  cli_jset(o, "overall", jsummary(&ln->overall));
  cli_jset(o, "decision", jdecision(&ln->decision));
  if (sv->segment) {
    json_t *m = json_array();
    s = json_object();
    cli_jset(s, "segment", jint(sv->segment));
    cli_jset(s, "segment_id", cli_jstr(sv->segment_id));
    cli_jset(s, "qualifier", cli_jopt(sv->qualifier));
    cli_jset(s, "code", cli_jopt(sv->code));
    for (i = 0; i < 4; i++)
      if (*sv->modifiers[i])
        cli_jpush(m, cli_jstr(sv->modifiers[i]));
    cli_jset(s, "modifiers", m);
    cli_jset(s, "description", cli_jopt(sv->description));
    cli_jset(s, "revenue_code", cli_jopt(sv->revenue_code));
    cli_jset(s, "unit", cli_jopt(sv->unit));
    cli_jset(s, "units", cli_jopt(sv->units));
    cli_jset(o, "service", s);
  } else {
    cli_jset(o, "service", json_null());
  }
  cli_jset(o, "quantity", jquantity(&ln->quantity));
  cli_jset(o, "valid_from", cli_jopt(ln->valid_from));
  cli_jset(o, "valid_to", cli_jopt(ln->valid_to));
  cli_jset(o, "traces", jtraces(ln->traces, ln->ntraces));
  cli_jset(o, "dates", jdates(ln->dates, ln->ndates));
  cli_jset(o, "references", jrefs(ln->refs, ln->nrefs));
  cli_jset(o, "paperwork", jpaperwork(ln->paperwork, ln->npaperwork));
  cli_jset(o, "messages", jmessages(ln->messages, ln->nmessages));
  cli_jset(o, "rejections", jrejections(ln->rejections, ln->nrejections));
  cli_jset(o, "providers", jparties(ln->providers, ln->nproviders));
  cli_jset(o, "contact", jparty(&ln->contact));
  return o;
}

static json_t *jevent(const doc *d, const x12kit_278_resp_event *ev)
{
  json_t *o = json_object(), *rq = json_object(), *a = json_array();
  size_t i;

  cli_jset(o, "segment", jint(ev->segment));
  cli_jset(o, "hl", cli_jstr(ev->hl));
  cli_jset(o, "dependent", json_boolean(ev->dependent));
  cli_jset(o, "overall", jsummary(&ev->overall));
  cli_jset(o, "decision", jdecision(&ev->decision));
  cli_jset(o, "request_trace", cli_jopt(ev->request_trace));
  cli_jset(o, "payer_trace", cli_jopt(ev->payer_trace));
  cli_jset(o, "traces", jtraces(ev->traces, ev->ntraces));
  cli_jset(rq, "category", jlcode(d, "1525", ev->category));
  cli_jset(rq, "certification_type", jlcode(d, "1322", ev->certification_type));
  cli_jset(rq, "service_type", jlcode(d, "1365", ev->service_type));
  cli_jset(rq, "place_of_service", cli_jopt(ev->place));
  cli_jset(rq, "level_of_service", jlcode(d, "1338", ev->level));
  cli_jset(o, "review", rq);
  cli_jset(o, "quantity", jquantity(&ev->quantity));
  cli_jset(o, "valid_from", cli_jopt(ev->valid_from));
  cli_jset(o, "valid_to", cli_jopt(ev->valid_to));
  cli_jset(o, "dates", jdates(ev->dates, ev->ndates));
  cli_jset(o, "references", jrefs(ev->refs, ev->nrefs));
  cli_jset(o, "paperwork", jpaperwork(ev->paperwork, ev->npaperwork));
  cli_jset(o, "messages", jmessages(ev->messages, ev->nmessages));
  cli_jset(o, "rejections", jrejections(ev->rejections, ev->nrejections));
  cli_jset(o, "providers", jparties(ev->providers, ev->nproviders));
  cli_jset(o, "contact", jparty(&ev->contact));
  for (i = 0; i < ev->nlines; i++)
    cli_jpush(a, jline(&ev->lines[i]));
  cli_jset(o, "lines", a);
  return o;
}

static int explain_json(const doc *d, const opts *o)
{
  json_t *root = json_object(), *txs = json_array();
  size_t n = x12kit_278_response_review_count(d->r), i, k;
  int rc, status = decided_status(d);

  cli_jset(root, "input", cli_jstr(d->name));
  cli_jset(root, "guide_errors", jint(x12kit_278_response_finding_count(d->r)));
  cli_jset(root, "exit_status", json_integer(status));
  for (i = 0; i < n; i++) {
    const x12kit_278_resp_review *rv = x12kit_278_response_review_at(d->r, i);
    json_t *t = json_object(), *ev = json_array();

    cli_jset(t, "number", jint(i + 1));
    cli_jset(t, "transaction", jint(rv->transaction));
    cli_jset(t, "control", cli_jstr(rv->control));
    cli_jset(t, "reference", cli_jopt(rv->reference));
    cli_jset(t, "date", cli_jopt(rv->date));
    cli_jset(t, "time", cli_jopt(rv->time));
    cli_jset(t, "type", cli_jcode(rv->type, bht06_text(rv->type)));
    cli_jset(t, "overall", jsummary(&rv->overall));
    cli_jset(t, "umo", jparty(&rv->umo));
    cli_jset(t, "requester", jparty(&rv->requester));
    if (o->show_data) {
      cli_jset(t, "subscriber", jperson(&rv->subscriber));
      cli_jset(t, "dependent", jperson(&rv->dependent));
    }
    cli_jset(t, "rejections", jrejections(rv->rejections, rv->nrejections));
    for (k = 0; k < rv->nevents; k++)
      cli_jpush(ev, jevent(d, &rv->events[k]));
    cli_jset(t, "events", ev);
    cli_jpush(txs, t);
  }
  cli_jset(root, "transactions", txs);
  rc = cli_json_print(root);
  json_decref(root);
  return rc == CLI_OK ? status : rc;
}

int cmd_auth_explain(int argc, char **argv)
{
  opts o;
  doc d;
  int rc = read_options(argc, argv, &o);

  if (rc >= 0)
    return rc;
  rc = load(&o, &d);
  if (rc == CLI_OK)
    rc = o.json ? explain_json(&d, &o) : explain_text(&d, &o);
  unload(&d);
  return rc;
}

int cli_278_explain(const char *name, const char *buf, size_t len, int json, int show_data,
                    const char *schemas)
{
  opts o;
  doc d;
  int rc;

  memset(&o, 0, sizeof o);
  o.json = json;
  o.show_data = show_data;
  o.schemas = schemas;
  rc = load_buffer(&o, &d, name, buf, len);
  if (rc == CLI_OK)
    rc = o.json ? explain_json(&d, &o) : explain_text(&d, &o);
  unload(&d);
  return rc;
}
