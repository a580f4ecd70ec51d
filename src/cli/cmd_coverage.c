/*
 * x12kit eligibility explain: a 271 eligibility answer in plain words,
 * or as JSON for a billing system.
 * x12kit estimate: what the patient pays for a planned series of
 * sessions, from a 271.
 *
 * Both read the whole 271 into memory (answers are small; 64 MiB is
 * the cap) and use x12kit_271_read.  Names, member IDs and dates of
 * birth are printed only with --show-data.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

#define MAX_271_BYTES (64u * 1024u * 1024u)
#define MAX_QUESTIONS CLI_MAX_QUESTIONS

static const char explain_usage[] =
  "Usage: " CLI_NAME " eligibility explain [--cpt CODE]... [--service-type STC]...\n"
  "         [--json] [--show-data] [--schemas DIR] FILE|-";

static const char explain_help[] =
  "Explain a 271 eligibility response, from a file or standard input for -.\n"
  "For each patient: whether the plan is active, the plan, group and dates,\n"
  "the payer's rejections (AAA) with what to try next, and for each\n"
  "procedure asked about: covered or not, prior authorization, and copay,\n"
  "coinsurance, deductible, out-of-pocket and visit limits in and out of\n"
  "network.  Each answer names the benefit (EB segment) and the rule that\n"
  "gave it: a benefit for the procedure itself, for a service type asked\n"
  "about, or for the plan as a whole.  Without --cpt and --service-type the\n"
  "plan-level answer is given and every benefit is listed.\n"
  "\n"
  "Options:\n"
  "  -h, --help              show this help and exit\n"
  "      --cpt CODE          a CPT/HCPCS code to answer for, repeatable\n"
  "      --service-type STC  a service type whose benefits apply when the 271\n"
  "                          says nothing for the procedure itself (MH, A6 ...),\n"
  "                          most specific first, repeatable\n"
  "      --json              write JSON for a billing system instead of text\n"
  "      --show-data         also print the patient's name, member ID, date of\n"
  "                          birth and address (health information)\n"
  "      --schemas DIR       read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                          or the installed maps)\n"
  "\n"
  "Exit status:\n"
  "  0  the 271 was read; no patient was rejected\n"
  "  1  the input is not a readable 271\n"
  "  2  usage error\n"
  "  3  cannot read the input or write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n"
  "  5  the payer rejected the inquiry (AAA) for a patient or a procedure asked about\n";

static const char estimate_usage[] =
  "Usage: " CLI_NAME " estimate --cpt CODE --sessions N --charge AMOUNT [--allowed AMOUNT]\n"
  "         [--network in|out] [--service-type STC]... [--patient N] [--json]\n"
  "         [--schemas DIR] FILE|-";

static const char estimate_help[] =
  "Estimate what the patient pays for a planned series of sessions of one\n"
  "procedure, from the payer's 271 eligibility response: deductible left,\n"
  "coinsurance, copay, out-of-pocket left and visit limits, session by\n"
  "session, with every assumption the estimate makes.\n"
  "\n"
  "Options:\n"
  "  -h, --help              show this help and exit\n"
  "      --cpt CODE          the CPT/HCPCS code billed for each session\n"
  "      --sessions N        number of sessions, 1 to 1000\n"
  "      --charge AMOUNT     the clinic's charge per session, in dollars (650.00)\n"
  "      --allowed AMOUNT    the payer's allowed amount per session, when known\n"
  "      --network in|out    the clinic's network status with this payer (default in)\n"
  "      --service-type STC  a service type whose benefits apply when the 271\n"
  "                          says nothing for the procedure itself, repeatable\n"
  "      --patient N         which patient of the 271 (default 1; needed when it\n"
  "                          answers for several)\n"
  "      --json              write JSON instead of text\n"
  "      --schemas DIR       read the maps from DIR\n"
  "\n"
  "Exit status:\n"
  "  0  the estimate was written\n"
  "  1  the input is not a readable 271\n"
  "  2  usage error\n"
  "  3  cannot read the input or write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n"
  "  5  the payer rejected the inquiry for this patient: no estimate\n";

enum {
  OPT_CPT = 256, OPT_STC, OPT_JSON, OPT_SHOW_DATA, OPT_SCHEMAS, OPT_SESSIONS, OPT_CHARGE,
  OPT_ALLOWED, OPT_NETWORK, OPT_PATIENT
};

typedef cli_271_opts opts;

typedef struct doc {
  x12kit_schema *schema;
  x12kit_271 *r;
  const char *name;
} doc;

/* "650", "650.5", "650.00", "1,250.00" or "$480" to cents. */
static int parse_money(const char *s, long long *out)
{
  long long v = 0;
  int frac = -1;

  if (*s == '$')
    s++;
  if (!*s)
    return -1;
  for (; *s; s++) {
    if (*s == ',' && frac < 0)
      continue;
    if (*s == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (*s < '0' || *s > '9' || frac == 2)
      return -1;
    if (v > 100000000000000ll)
      return -1;
    v = v * 10 + (*s - '0');
    if (frac >= 0)
      frac++;
  }
  if (frac < 0)
    frac = 0;
  while (frac++ < 2)
    v *= 10;
  *out = v;
  return 0;
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
  char *end;
  unsigned long n;

  if (*s < '0' || *s > '9')
    return -1;
  n = strtoul(s, &end, 10);
  if (*end || n < 1 || n > max)
    return -1;
  *out = n;
  return 0;
}

static int code_ok(const char *s)
{
  size_t n = strlen(s);

  if (n < 1 || n > 48)
    return 0;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
      return 0;
  return 1;
}

void cli_271_opts_init(cli_271_opts *o)
{
  memset(o, 0, sizeof *o);
  o->allowed = -1;
  o->network = X12KIT_NETWORK_IN;
}

int cli_271_estimate_option(cli_271_opts *o, const char *name, const char *arg,
                            const char *usage)
{
  if (strcmp(name, "sessions") == 0) {
    if (parse_count(arg, 1000, &o->sessions))
      return cli_usage_error(usage, "--sessions takes a number from 1 to 1000");
  } else if (strcmp(name, "charge") == 0) {
    if (parse_money(arg, &o->charge) || o->charge <= 0)
      return cli_usage_error(usage, "--charge takes a dollar amount above zero, such as 650.00");
  } else if (strcmp(name, "allowed") == 0) {
    if (parse_money(arg, &o->allowed))
      return cli_usage_error(usage, "--allowed takes a dollar amount, such as 480.00");
  } else if (strcmp(name, "network") == 0) {
    if (strcmp(arg, "in") == 0)
      o->network = X12KIT_NETWORK_IN;
    else if (strcmp(arg, "out") == 0)
      o->network = X12KIT_NETWORK_OUT;
    else
      return cli_usage_error(usage, "--network takes in or out");
  } else if (strcmp(name, "patient") == 0) {
    if (parse_count(arg, 100000, &o->patient))
      return cli_usage_error(usage, "--patient takes a patient number, 1 for the first");
  } else {
    return cli_usage_error(usage, "unknown option");
  }
  return -1;
}

/* Returns -1 to go on, or an exit status. */
static int read_options(int argc, char **argv, int estimate, opts *o)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "cpt", required_argument, NULL, OPT_CPT },
    { "service-type", required_argument, NULL, OPT_STC },
    { "json", no_argument, NULL, OPT_JSON },
    { "show-data", no_argument, NULL, OPT_SHOW_DATA },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { "sessions", required_argument, NULL, OPT_SESSIONS },
    { "charge", required_argument, NULL, OPT_CHARGE },
    { "allowed", required_argument, NULL, OPT_ALLOWED },
    { "network", required_argument, NULL, OPT_NETWORK },
    { "patient", required_argument, NULL, OPT_PATIENT },
    { NULL, 0, NULL, 0 }
  };
  const char *usage = estimate ? estimate_usage : explain_usage;
  int c, rc, idx = 0;

  cli_271_opts_init(o);
  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, &idx)) != -1) {
    if (!estimate && c >= OPT_SESSIONS)
      return cli_usage_error(usage, "unknown option for eligibility explain");
    if (estimate && c == OPT_SHOW_DATA)
      return cli_usage_error(usage, "estimate prints no patient data; --show-data does not apply");
    switch (c) {
    case 'h':
      printf("%s\n\n%s", usage, estimate ? estimate_help : explain_help);
      return CLI_OK;
    case OPT_CPT:
      if (!code_ok(optarg))
        return cli_usage_error(usage, "--cpt takes a CPT or HCPCS code such as 96365");
      if (o->ncpt == MAX_QUESTIONS || (estimate && o->ncpt == 1))
        return cli_usage_error(usage, estimate ? "estimate takes one --cpt" : "too many --cpt");
      o->cpt[o->ncpt++] = optarg;
      break;
    case OPT_STC:
      if (!code_ok(optarg) || strlen(optarg) > 2)
        return cli_usage_error(usage, "--service-type takes a service type code such as MH");
      if (o->nstc == MAX_QUESTIONS)
        return cli_usage_error(usage, "too many --service-type");
      o->stc[o->nstc++] = optarg;
      break;
    case OPT_JSON:
      o->json = 1;
      break;
    case OPT_SHOW_DATA:
      o->show_data = 1;
      break;
    case OPT_SCHEMAS:
      o->schemas = optarg;
      break;
    case OPT_SESSIONS:
    case OPT_CHARGE:
    case OPT_ALLOWED:
    case OPT_NETWORK:
    case OPT_PATIENT:
      if ((rc = cli_271_estimate_option(o, longopts[idx].name, optarg, usage)) >= 0)
        return rc;
      break;
    default:
      return cli_usage_error(usage, optopt ? "unknown or incomplete option" : "unknown option");
    }
  }
  if (optind + 1 != argc)
    return cli_usage_error(usage, optind >= argc ? "no input file (use - for standard input)"
                                                 : "more than one input file");
  o->path = argv[optind];
  if (estimate) {
    if (o->ncpt == 0)
      return cli_usage_error(usage, "--cpt is required");
    if (o->sessions == 0)
      return cli_usage_error(usage, "--sessions is required");
    if (o->charge == 0)
      return cli_usage_error(usage, "--charge is required");
    if (o->allowed > o->charge)
      return cli_usage_error(usage, "--allowed cannot be more than --charge");
  }
  return -1;
}

/* Loads the maps and reads the 271 at |buf|, which |name| stands for; prints why on failure. */
static int load_buffer(const opts *o, doc *d, const char *name, const char *buf, size_t len)
{
  x12kit_error err;
  int rc;

  memset(d, 0, sizeof *d);
  d->name = name;
  rc = cli_load_schema(o->schemas, &d->schema);
  if (rc)
    return rc;
  rc = x12kit_271_read(&d->r, d->schema, buf, len, NULL, &err);
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
  rc = cli_read_file(o->path, MAX_271_BYTES, &name, &buf, &len);
  if (rc)
    return rc;
  rc = load_buffer(o, d, name, buf, len);
  free(buf);
  return rc;
}

static void unload(doc *d)
{
  x12kit_271_free(d->r);
  x12kit_schema_free(d->schema);
}

/* ---- words ---- */

/* "$1,250.00" */
static const char *money(long long cents, char *buf, size_t size)
{
  char digits[32];
  char out[48];
  unsigned long long v = cents < 0 ? (unsigned long long)-cents : (unsigned long long)cents;
  size_t n, i, o = 0;

  snprintf(digits, sizeof digits, "%llu", v / 100);
  n = strlen(digits);
  if (cents < 0)
    out[o++] = '-';
  out[o++] = '$';
  for (i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0)
      out[o++] = ',';
    out[o++] = digits[i];
  }
  out[o] = '\0';
  snprintf(buf, size, "%s.%02llu", out, v % 100);
  return buf;
}

/* "30%" or "12.5%" */
static const char *rate(long bp, char *buf, size_t size)
{
  if (bp % 100 == 0)
    snprintf(buf, size, "%ld%%", bp / 100);
  else if (bp % 10 == 0)
    snprintf(buf, size, "%ld.%ld%%", bp / 100, (bp % 100) / 10);
  else
    snprintf(buf, size, "%ld.%02ld%%", bp / 100, bp % 100);
  return buf;
}

static const char *answer_word(x12kit_answer a)
{
  switch (a) {
  case X12KIT_ANSWER_YES:
    return "yes";
  case X12KIT_ANSWER_NO:
    return "no";
  case X12KIT_ANSWER_UNKNOWN:
    return "unknown (the payer does not know)";
  default:
    return "not stated";
  }
}

static const char *status_word(x12kit_plan_status s)
{
  switch (s) {
  case X12KIT_PLAN_ACTIVE:
    return "active";
  case X12KIT_PLAN_INACTIVE:
    return "inactive";
  default:
    return "not stated";
  }
}

/* ", from the benefit for the procedure (EB segment 17)"; nothing when no benefit said it. */
static void print_source(const x12kit_source *s)
{
  if (s->rule == X12KIT_RULE_NONE || !s->benefit)
    return;
  printf(", ");
  switch (s->rule) {
  case X12KIT_RULE_PROCEDURE:
    printf("from the benefit for the procedure");
    break;
  case X12KIT_RULE_SERVICE_TYPE:
    printf("from the benefit for service type ");
    cli_put_safe(stdout, s->service_type);
    break;
  case X12KIT_RULE_PLAN:
    printf("from the plan-level benefit");
    break;
  case X12KIT_RULE_PLAN_STATUS:
    printf("the plan is not active");
    break;
  default:
    break;
  }
  printf(" (EB segment %lu)", s->benefit->segment);
}

/* ---- text ---- */

static void print_contacts(const char *indent, const x12kit_271_contact *c, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    printf("%s", indent);
    if (*c[i].name) {
      cli_put_safe(stdout, c[i].name);
      printf(": ");
    }
    if (*c[i].phone) {
      printf("phone ");
      cli_put_safe(stdout, c[i].phone);
      if (*c[i].extension) {
        printf(" ext. ");
        cli_put_safe(stdout, c[i].extension);
      }
      printf(" ");
    }
    if (*c[i].fax) {
      printf("fax ");
      cli_put_safe(stdout, c[i].fax);
      printf(" ");
    }
    if (*c[i].email) {
      printf("email ");
      cli_put_safe(stdout, c[i].email);
      printf(" ");
    }
    if (*c[i].url) {
      printf("web ");
      cli_put_safe(stdout, c[i].url);
    }
    printf("\n");
  }
}

static void print_entity(const doc *d, const char *indent, const x12kit_271_entity *e)
{
  const char *role = cli_code_text(d->schema, "98", e->code);

  printf("%s", indent);
  cli_put_safe(stdout, *e->name ? e->name : "(no name)");
  if (*role) {
    printf(" (");
    cli_put_safe(stdout, role);
    printf(")");
  }
  if (*e->id) {
    printf(", ");
    cli_put_safe(stdout, *e->id_qualifier ? e->id_qualifier : "ID");
    printf(" ");
    cli_put_safe(stdout, e->id);
  }
  printf("\n");
  if (*e->address) {
    printf("%s  ", indent);
    cli_put_safe(stdout, e->address);
    printf("\n");
  }
  {
    char sub[64];
    snprintf(sub, sizeof sub, "%s  ", indent);
    print_contacts(sub, e->contacts, e->ncontacts);
  }
}

static void print_rejection(const x12kit_271_rejection *a)
{
  printf("    Rejected in loop %s (segment %lu): ", a->loop, a->segment);
  cli_put_safe(stdout, *a->reason_text ? a->reason_text : "reason not given");
  printf(" [AAA03 %s", *a->reason ? a->reason : "-");
  if (*a->action) {
    printf(", AAA04 %s: ", a->action);
    cli_put_safe(stdout, *a->action_text ? a->action_text : "?");
  }
  printf("]\n      What to do: ");
  cli_put_safe(stdout, a->advice);
  printf("\n");
}

static void print_date_list(const doc *d, const x12kit_271_date *dt, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    const char *what = cli_code_text(d->schema, "374", dt[i].qualifier);
    printf("    %-22s ", *what ? what : dt[i].qualifier);
    cli_put_safe(stdout, dt[i].from);
    if (*dt[i].to) {
      printf(" to ");
      cli_put_safe(stdout, dt[i].to);
    }
    printf("\n");
  }
}

static void print_term(const doc *d, const char *label, const x12kit_term *t, int is_rate,
                       int is_count)
{
  char buf[64];
  const char *period;

  if (!t->set)
    return;
  printf("        %-22s ", label);
  if (is_rate)
    printf("%s", rate(t->bp, buf, sizeof buf));
  else if (is_count)
    printf("%lld", t->cents);
  else
    printf("%s", money(t->cents, buf, sizeof buf));
  period = cli_code_text(d->schema, "615", t->period);
  if (*period) {
    printf(" (");
    cli_put_safe(stdout, period);
    printf(")");
  }
  print_source(&t->source);
  printf("\n");
}

static int terms_set(const x12kit_cost_terms *t)
{
  return t->copay.set || t->coinsurance.set || t->deductible.set ||
         t->deductible_remaining.set || t->oop.set || t->oop_remaining.set || t->visits.set ||
         t->visits_remaining.set;
}

static void print_terms(const doc *d, const char *label, const x12kit_cost_terms *t)
{
  printf("      %s:\n", label);
  if (!terms_set(t)) {
    printf("        nothing stated\n");
    return;
  }
  print_term(d, "copay", &t->copay, 0, 0);
  print_term(d, "coinsurance", &t->coinsurance, 1, 0);
  print_term(d, "deductible", &t->deductible, 0, 0);
  print_term(d, "deductible left", &t->deductible_remaining, 0, 0);
  print_term(d, "out-of-pocket maximum", &t->oop, 0, 0);
  print_term(d, "out-of-pocket left", &t->oop_remaining, 0, 0);
  print_term(d, "visits allowed", &t->visits, 0, 1);
  print_term(d, "visits left", &t->visits_remaining, 0, 1);
}

static void print_answer(const doc *d, const opts *o, const char *cpt,
                         const x12kit_coverage *c)
{
  size_t i;

  if (cpt) {
    const char *desc = cli_code_text(d->schema, "HC", cpt);
    printf("    ");
    cli_put_safe(stdout, cpt);
    if (*desc) {
      printf(" ");
      cli_put_safe(stdout, desc);
    }
  } else {
    printf("    The plan");
  }
  if (o->nstc) {
    printf(" (service type%s", o->nstc > 1 ? "s" : "");
    for (i = 0; i < o->nstc; i++)
      printf(" %s", o->stc[i]);
    printf(")");
  }
  printf(":\n");
  printf("      Covered: %s", answer_word(c->covered));
  print_source(&c->covered_source);
  printf("\n");
  printf("      Prior authorization required: %s", answer_word(c->auth));
  print_source(&c->auth_source);
  printf("\n");
  print_terms(d, "In network", &c->in_network);
  print_terms(d, "Out of network", &c->out_network);
  for (i = 0; i < c->nmessages; i++) {
    printf("      Payer's note: ");
    cli_put_safe(stdout, c->messages[i]);
    printf("\n");
  }
  for (i = 0; i < c->nentities; i++) {
    printf("      Contact:\n");
    print_entity(d, "        ", &c->entities[i]);
  }
  for (i = 0; i < c->nrejections; i++)
    print_rejection(&c->rejections[i]);
}

static void print_benefit(const doc *d, const x12kit_271_benefit *b)
{
  char buf[64];
  size_t i;

  printf("    EB segment %lu: ", b->segment);
  cli_put_safe(stdout, *b->code_text ? b->code_text : b->code);
  if (b->nservice_types) {
    printf(" for service type%s", b->nservice_types > 1 ? "s" : "");
    for (i = 0; i < b->nservice_types; i++) {
      printf(" ");
      cli_put_safe(stdout, b->service_types[i]);
    }
  }
  if (*b->procedure) {
    printf(" for ");
    cli_put_safe(stdout, b->procedure_qualifier);
    printf(" ");
    cli_put_safe(stdout, b->procedure);
    if (*b->procedure_end) {
      printf(" to ");
      cli_put_safe(stdout, b->procedure_end);
    }
  }
  if (b->amount.set)
    printf(", %s", money(b->amount.cents, buf, sizeof buf));
  if (b->percent.set)
    printf(", %s", rate(b->percent.bp, buf, sizeof buf));
  if (*b->quantity) {
    printf(", ");
    cli_put_safe(stdout, b->quantity);
    printf(" ");
    cli_put_safe(stdout, cli_code_text(d->schema, "673", b->quantity_qualifier));
  }
  if (*b->period) {
    printf(" (");
    cli_put_safe(stdout, cli_code_text(d->schema, "615", b->period));
    printf(")");
  }
  if (b->network == 'Y')
    printf(", in network");
  else if (b->network == 'N')
    printf(", out of network");
  else if (b->network == 'W')
    printf(", in or out of network");
  if (b->auth == 'Y')
    printf(", prior authorization required");
  else if (b->auth == 'N')
    printf(", no prior authorization needed");
  if (*b->coverage_level) {
    printf(", ");
    cli_put_safe(stdout, cli_code_text(d->schema, "1207", b->coverage_level));
  }
  printf("\n");
  for (i = 0; i < b->nmessages; i++) {
    printf("      note: ");
    cli_put_safe(stdout, b->messages[i]);
    printf("\n");
  }
}

static int explain_text(const doc *d, const opts *o)
{
  size_t np = x12kit_271_patient_count(d->r), i, j;
  unsigned long findings = x12kit_271_finding_count(d->r);
  int rejected = 0;

  printf("Eligibility response %s: %zu patient%s", d->name, np, cli_plural(np));
  if (findings)
    printf(", %lu implementation-guide error%s (run validate to see them; answers use what is "
           "there)",
           findings, cli_plural(findings));
  printf("\n");
  for (i = 0; i < np; i++) {
    const x12kit_271_patient *p = x12kit_271_patient_at(d->r, i);
    const char *plan = *p->plan_name ? p->plan_name : "";

    printf("\nPatient %zu: %s", i + 1, p->dependent ? "dependent" : "subscriber");
    if (*p->trace) {
      printf(", trace ");
      cli_put_safe(stdout, p->trace);
    }
    if (*p->reference) {
      printf(", reference ");
      cli_put_safe(stdout, p->reference);
    }
    printf("\n");
    if (o->show_data && *p->loop) {
      printf("    Name: ");
      cli_put_safe(stdout, p->last);
      if (*p->first) {
        printf(", ");
        cli_put_safe(stdout, p->first);
      }
      printf("  Member ID: ");
      cli_put_safe(stdout, *p->member_id ? p->member_id : "(not given)");
      if (*p->dob) {
        printf("  Born: ");
        cli_put_safe(stdout, p->dob);
      }
      printf("\n");
      if (*p->address) {
        printf("    Address: ");
        cli_put_safe(stdout, p->address);
        printf("\n");
      }
    }
    if (*p->payer.name || *p->payer.id) {
      printf("    Payer: ");
      print_entity(d, "", &p->payer);
    }
    if (*p->provider.name || *p->provider.id) {
      printf("    Provider: ");
      print_entity(d, "", &p->provider);
    }
    printf("    Plan: %s", status_word(p->status));
    if (*plan) {
      printf(", ");
      cli_put_safe(stdout, plan);
    }
    if (p->status_from)
      printf(" (EB segment %lu)", p->status_from->segment);
    printf("\n");
    if (*p->group_number || *p->group_name) {
      printf("    Group: ");
      cli_put_safe(stdout, p->group_number);
      if (*p->group_name) {
        printf(" ");
        cli_put_safe(stdout, p->group_name);
      }
      printf("\n");
    }
    print_date_list(d, p->dates, p->ndates);
    for (j = 0; j < p->nrejections; j++)
      print_rejection(&p->rejections[j]);
    for (j = 0; j < p->nbenefits; j++) {
      size_t k;
      for (k = 0; k < p->benefits[j].nrejections; k++)
        print_rejection(&p->benefits[j].rejections[k]);
    }
    if (p->nrejections)
      rejected = 1;
    if (!*p->loop)
      continue;
    {
      x12kit_coverage_query q;
      x12kit_coverage c;
      size_t n = o->ncpt ? o->ncpt : 1;

      for (j = 0; j < n; j++) {
        memset(&q, 0, sizeof q);
        q.procedure = o->ncpt ? o->cpt[j] : NULL;
        q.service_types = o->stc;
        q.nservice_types = o->nstc;
        if (x12kit_271_coverage(p, &q, &c) != X12KIT_OK)
          return cli_nomem();
        printf("\n");
        print_answer(d, o, q.procedure, &c);
        if (c.nrejections)
          rejected = 1;
      }
    }
    if (!o->ncpt && !o->nstc) {
      printf("\n    Benefits stated:\n");
      for (j = 0; j < p->nbenefits; j++)
        print_benefit(d, &p->benefits[j]);
    }
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    return CLI_IO;
  }
  return rejected ? CLI_REJECTED : CLI_OK;
}

/* ---- JSON ---- */

static json_t *jcode(const doc *d, const char *list, const char *code)
{
  return cli_jcode(code, cli_code_text(d->schema, list, code));
}

static json_t *jsource(const x12kit_source *s)
{
  json_t *o = json_object();
  static const char *const rules[] = { "none", "procedure", "service_type", "plan",
                                       "plan_status" };

  cli_jset(o, "rule", cli_jstr((unsigned)s->rule < 5 ? rules[s->rule] : "none"));
  cli_jset(o, "service_type",
           s->service_type && *s->service_type ? cli_jstr(s->service_type) : json_null());
  cli_jset(o, "segment",
           s->benefit ? json_integer((json_int_t)s->benefit->segment) : json_null());
  return o;
}

static const char *answer_key(x12kit_answer a)
{
  switch (a) {
  case X12KIT_ANSWER_YES:
    return "yes";
  case X12KIT_ANSWER_NO:
    return "no";
  case X12KIT_ANSWER_UNKNOWN:
    return "unknown";
  default:
    return "not_stated";
  }
}

static json_t *janswer(x12kit_answer a, const x12kit_source *s)
{
  json_t *o = json_object();

  cli_jset(o, "answer", cli_jstr(answer_key(a)));
  cli_jset(o, "source", jsource(s));
  return o;
}

static json_t *jterm(const doc *d, const x12kit_term *t, const char *kind)
{
  json_t *o;

  if (!t->set)
    return json_null();
  o = json_object();
  cli_jset(o, kind, strcmp(kind, "basis_points") == 0 ? json_integer(t->bp)
                                                       : json_integer(t->cents));
  cli_jset(o, "period", jcode(d, "615", t->period));
  cli_jset(o, "source", jsource(&t->source));
  return o;
}

static json_t *jterms(const doc *d, const x12kit_cost_terms *t)
{
  json_t *o = json_object();

  cli_jset(o, "copay", jterm(d, &t->copay, "cents"));
  cli_jset(o, "coinsurance", jterm(d, &t->coinsurance, "basis_points"));
  cli_jset(o, "deductible", jterm(d, &t->deductible, "cents"));
  cli_jset(o, "deductible_remaining", jterm(d, &t->deductible_remaining, "cents"));
  cli_jset(o, "out_of_pocket", jterm(d, &t->oop, "cents"));
  cli_jset(o, "out_of_pocket_remaining", jterm(d, &t->oop_remaining, "cents"));
  cli_jset(o, "visits", jterm(d, &t->visits, "count"));
  cli_jset(o, "visits_remaining", jterm(d, &t->visits_remaining, "count"));
  return o;
}

static json_t *jcontacts(const x12kit_271_contact *c, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "function", cli_jstr(c[i].function));
    cli_jset(o, "name", cli_jstr(c[i].name));
    cli_jset(o, "phone", cli_jstr(c[i].phone));
    cli_jset(o, "extension", cli_jstr(c[i].extension));
    cli_jset(o, "fax", cli_jstr(c[i].fax));
    cli_jset(o, "email", cli_jstr(c[i].email));
    cli_jset(o, "url", cli_jstr(c[i].url));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jentity(const doc *d, const x12kit_271_entity *e)
{
  json_t *o = json_object();

  cli_jset(o, "loop", cli_jstr(e->loop));
  cli_jset(o, "entity", jcode(d, "98", e->code));
  cli_jset(o, "name", cli_jstr(e->name));
  cli_jset(o, "id_qualifier", cli_jstr(e->id_qualifier));
  cli_jset(o, "id", cli_jstr(e->id));
  cli_jset(o, "address", cli_jstr(e->address));
  cli_jset(o, "contacts", jcontacts(e->contacts, e->ncontacts));
  return o;
}

static json_t *jrejections(const x12kit_271_rejection *r, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "loop", cli_jstr(r[i].loop));
    cli_jset(o, "segment", json_integer((json_int_t)r[i].segment));
    cli_jset(o, "valid_request", json_boolean(r[i].valid == 'Y'));
    cli_jset(o, "reason", cli_jstr(r[i].reason));
    cli_jset(o, "reason_text", cli_jstr(r[i].reason_text));
    cli_jset(o, "action", cli_jstr(r[i].action));
    cli_jset(o, "action_text", cli_jstr(r[i].action_text));
    cli_jset(o, "advice", cli_jstr(r[i].advice));
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jdates(const doc *d, const x12kit_271_date *dt, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "qualifier", jcode(d, "374", dt[i].qualifier));
    cli_jset(o, "from", cli_jstr(dt[i].from));
    cli_jset(o, "to", *dt[i].to ? cli_jstr(dt[i].to) : json_null());
    cli_jpush(a, o);
  }
  return a;
}

static json_t *jflag(char c)
{
  char s[2] = { c, '\0' };
  return c ? cli_jstr(s) : json_null();
}

static json_t *jbenefit(const doc *d, const x12kit_271_benefit *b)
{
  json_t *o = json_object(), *a;
  size_t i;

  cli_jset(o, "loop", cli_jstr(b->loop));
  cli_jset(o, "segment", json_integer((json_int_t)b->segment));
  cli_jset(o, "benefit", jcode(d, "1390", b->code));
  cli_jset(o, "coverage_level", jcode(d, "1207", b->coverage_level));
  a = json_array();
  for (i = 0; i < b->nservice_types; i++)
    cli_jpush(a, jcode(d, "1365", b->service_types[i]));
  cli_jset(o, "service_types", a);
  cli_jset(o, "insurance_type", jcode(d, "1336", b->insurance_type));
  cli_jset(o, "plan", cli_jstr(b->plan));
  cli_jset(o, "period", jcode(d, "615", b->period));
  cli_jset(o, "cents", b->amount.set ? json_integer(b->amount.cents) : json_null());
  cli_jset(o, "basis_points", b->percent.set ? json_integer(b->percent.bp) : json_null());
  cli_jset(o, "quantity_qualifier", jcode(d, "673", b->quantity_qualifier));
  cli_jset(o, "quantity", *b->quantity ? cli_jstr(b->quantity) : json_null());
  cli_jset(o, "prior_auth", jflag(b->auth));
  cli_jset(o, "in_network", jflag(b->network));
  if (*b->procedure) {
    json_t *p = json_object(), *m = json_array();
    cli_jset(p, "qualifier", cli_jstr(b->procedure_qualifier));
    cli_jset(p, "code", cli_jstr(b->procedure));
    cli_jset(p, "range_end", *b->procedure_end ? cli_jstr(b->procedure_end) : json_null());
    for (i = 0; i < 4; i++)
      if (b->modifiers[i] && *b->modifiers[i])
        cli_jpush(m, cli_jstr(b->modifiers[i]));
    cli_jset(p, "modifiers", m);
    cli_jset(o, "procedure", p);
  } else {
    cli_jset(o, "procedure", json_null());
  }
  cli_jset(o, "dates", jdates(d, b->dates, b->ndates));
  a = json_array();
  for (i = 0; i < b->nrefs; i++) {
    json_t *r = json_object();
    cli_jset(r, "qualifier", jcode(d, "128", b->refs[i].qualifier));
    cli_jset(r, "value", cli_jstr(b->refs[i].value));
    cli_jset(r, "description", cli_jstr(b->refs[i].description));
    cli_jpush(a, r);
  }
  cli_jset(o, "references", a);
  cli_jset(o, "rejections", jrejections(b->rejections, b->nrejections));
  a = json_array();
  for (i = 0; i < b->nmessages; i++)
    cli_jpush(a, cli_jstr(b->messages[i]));
  cli_jset(o, "messages", a);
  a = json_array();
  for (i = 0; i < b->nentities; i++)
    cli_jpush(a, jentity(d, &b->entities[i]));
  cli_jset(o, "entities", a);
  return o;
}

static json_t *jcoverage(const doc *d, const opts *o, const char *cpt, const x12kit_coverage *c)
{
  json_t *j = json_object(), *a;
  size_t i;

  cli_jset(j, "procedure", cpt ? cli_jstr(cpt) : json_null());
  a = json_array();
  for (i = 0; i < o->nstc; i++)
    cli_jpush(a, cli_jstr(o->stc[i]));
  cli_jset(j, "service_types", a);
  cli_jset(j, "covered", janswer(c->covered, &c->covered_source));
  cli_jset(j, "prior_auth", janswer(c->auth, &c->auth_source));
  cli_jset(j, "in_network", jterms(d, &c->in_network));
  cli_jset(j, "out_of_network", jterms(d, &c->out_network));
  a = json_array();
  for (i = 0; i < c->nmessages; i++)
    cli_jpush(a, cli_jstr(c->messages[i]));
  cli_jset(j, "messages", a);
  a = json_array();
  for (i = 0; i < c->nentities; i++)
    cli_jpush(a, jentity(d, &c->entities[i]));
  cli_jset(j, "contacts", a);
  cli_jset(j, "rejections", jrejections(c->rejections, c->nrejections));
  return j;
}

static int estimate_run(const doc *d, const opts *o, json_t **json);

static int explain_json(const doc *d, const opts *o)
{
  json_t *root = json_object(), *patients = json_array();
  size_t np = x12kit_271_patient_count(d->r), i, j;
  int rejected = 0, rc = CLI_OK;
  static const char *const status[] = { "not_stated", "active", "inactive" };

  cli_jset(root, "input", cli_jstr(d->name));
  cli_jset(root, "guide_errors", json_integer((json_int_t)x12kit_271_finding_count(d->r)));
  for (i = 0; i < np; i++) {
    const x12kit_271_patient *p = x12kit_271_patient_at(d->r, i);
    json_t *jp = json_object(), *a;

    cli_jset(jp, "number", json_integer((json_int_t)(i + 1)));
    cli_jset(jp, "transaction", json_integer((json_int_t)p->transaction));
    cli_jset(jp, "control", cli_jstr(p->control));
    cli_jset(jp, "reference", cli_jstr(p->reference));
    cli_jset(jp, "response_date", cli_jstr(p->response_date));
    cli_jset(jp, "loop", cli_jstr(p->loop));
    cli_jset(jp, "dependent", json_boolean(p->dependent));
    cli_jset(jp, "trace", cli_jstr(p->trace));
    cli_jset(jp, "trace_entity", cli_jstr(p->trace_entity));
    cli_jset(jp, "payer", jentity(d, &p->payer));
    cli_jset(jp, "provider", jentity(d, &p->provider));
    if (o->show_data) {
      json_t *m = json_object();
      cli_jset(m, "member_id", cli_jstr(p->member_id));
      cli_jset(m, "last", cli_jstr(p->last));
      cli_jset(m, "first", cli_jstr(p->first));
      cli_jset(m, "middle", cli_jstr(p->middle));
      cli_jset(m, "suffix", cli_jstr(p->suffix));
      cli_jset(m, "dob", cli_jstr(p->dob));
      cli_jset(m, "gender", cli_jstr(p->gender));
      cli_jset(m, "address", cli_jstr(p->address));
      cli_jset(m, "subscriber_last", cli_jstr(p->subscriber_last));
      cli_jset(m, "subscriber_first", cli_jstr(p->subscriber_first));
      cli_jset(m, "relationship", cli_jstr(p->relationship));
      cli_jset(jp, "patient", m);
    }
    {
      json_t *plan = json_object();
      cli_jset(plan, "status", cli_jstr(status[(unsigned)p->status < 3 ? p->status : 0]));
      cli_jset(plan, "status_segment",
               p->status_from ? json_integer((json_int_t)p->status_from->segment) : json_null());
      cli_jset(plan, "name", cli_jstr(p->plan_name));
      cli_jset(plan, "plan_number", cli_jstr(p->plan_number));
      cli_jset(plan, "group_number", cli_jstr(p->group_number));
      cli_jset(plan, "group_name", cli_jstr(p->group_name));
      cli_jset(plan, "dates", jdates(d, p->dates, p->ndates));
      cli_jset(jp, "plan", plan);
    }
    cli_jset(jp, "rejections", jrejections(p->rejections, p->nrejections));
    if (p->nrejections)
      rejected = 1;
    a = json_array();
    if (*p->loop) {
      size_t n = o->ncpt ? o->ncpt : 1;
      for (j = 0; j < n; j++) {
        x12kit_coverage_query q;
        x12kit_coverage c;
        memset(&q, 0, sizeof q);
        q.procedure = o->ncpt ? o->cpt[j] : NULL;
        q.service_types = o->stc;
        q.nservice_types = o->nstc;
        if (x12kit_271_coverage(p, &q, &c) != X12KIT_OK) {
          rc = CLI_INTERNAL;
          break;
        }
        cli_jpush(a, jcoverage(d, o, q.procedure, &c));
        if (c.nrejections)
          rejected = 1;
      }
    }
    cli_jset(jp, "answers", a);
    a = json_array();
    for (j = 0; j < p->nbenefits; j++)
      cli_jpush(a, jbenefit(d, &p->benefits[j]));
    cli_jset(jp, "benefits", a);
    cli_jpush(patients, jp);
  }
  cli_jset(root, "patients", patients);
  if (rc != CLI_OK)
    rc = cli_nomem();
  else if (o->sessions) {
    json_t *est = NULL;
    /* null when there is no estimate: the reason went to standard error */
    if (estimate_run(d, o, &est) == CLI_INTERNAL)
      rc = CLI_INTERNAL;
    else
      cli_jset(root, "estimate", est ? est : json_null());
  }
  if (rc == CLI_OK)
    rc = cli_json_print(root);
  json_decref(root);
  if (rc == CLI_OK && rejected)
    rc = CLI_REJECTED;
  return rc;
}

int cmd_eligibility_explain(int argc, char **argv)
{
  opts o;
  doc d;
  int rc = read_options(argc, argv, 0, &o);

  if (rc >= 0)
    return rc;
  rc = load(&o, &d);
  if (rc == CLI_OK)
    rc = o.json ? explain_json(&d, &o) : explain_text(&d, &o);
  unload(&d);
  return rc;
}

int cli_271_explain(const cli_271_opts *o, const char *name, const char *buf, size_t len)
{
  doc d;
  int rc = load_buffer(o, &d, name, buf, len);

  if (rc == CLI_OK && o->json)
    rc = explain_json(&d, o);
  else if (rc == CLI_OK) {
    rc = explain_text(&d, o);
    if ((rc == CLI_OK || rc == CLI_REJECTED) && o->sessions) {
      int est;
      printf("\n");
      est = estimate_run(&d, o, NULL);
      /*
       * explain's status stands; the estimate's own failure only when
       * explain had none, and not as a usage error: the request was sent
       * (the message says why there is no estimate)
       */
      if (rc == CLI_OK && est != CLI_OK && est != CLI_USAGE)
        rc = est;
    }
  }
  unload(&d);
  return rc;
}

/* ---- estimate ---- */

static const char *const col_names[] = { "allowed", "deductible", "coinsurance", "copay",
                                         "not_covered", "balance", "patient", "payer" };

static long long col(const x12kit_estimate_session *s, size_t i)
{
  switch (i) {
  case 0:
    return s->allowed;
  case 1:
    return s->deductible;
  case 2:
    return s->coinsurance;
  case 3:
    return s->copay;
  case 4:
    return s->not_covered;
  case 5:
    return s->balance;
  case 6:
    return s->patient;
  default:
    return s->payer;
  }
}

static void print_row(const char *label, const x12kit_estimate_session *s)
{
  char buf[48];
  size_t i;

  printf("  %-8s", label);
  for (i = 0; i < 8; i++)
    printf(" %12s", money(col(s, i), buf, sizeof buf));
  printf("\n");
}

/* The estimate as a JSON object; NULL when out of memory. */
static json_t *estimate_json(const doc *d, const opts *o, const x12kit_coverage *c,
                             const x12kit_estimate *e, size_t patient)
{
  size_t n = x12kit_estimate_session_count(e), i, k;
  size_t na = x12kit_estimate_assumption_count(e);
  const x12kit_estimate_session *t = x12kit_estimate_total(e);
  json_t *root = json_object(), *a = json_array(), *as = json_array();

  cli_jset(root, "input", cli_jstr(d->name));
  cli_jset(root, "patient", json_integer((json_int_t)patient));
  cli_jset(root, "procedure", cli_jstr(o->cpt[0]));
  cli_jset(root, "network", cli_jstr(o->network == X12KIT_NETWORK_OUT ? "out" : "in"));
  cli_jset(root, "sessions", json_integer((json_int_t)n));
  cli_jset(root, "charge_cents", json_integer(o->charge));
  cli_jset(root, "allowed_cents", o->allowed >= 0 ? json_integer(o->allowed) : json_null());
  cli_jset(root, "covered", janswer(c->covered, &c->covered_source));
  cli_jset(root, "prior_auth", janswer(c->auth, &c->auth_source));
  for (i = 0; i < n; i++) {
    const x12kit_estimate_session *s = x12kit_estimate_session_at(e, i);
    json_t *row = json_object();
    cli_jset(row, "session", json_integer((json_int_t)(i + 1)));
    for (k = 0; k < 8; k++)
      cli_jset(row, col_names[k], json_integer(col(s, k)));
    cli_jpush(a, row);
  }
  cli_jset(root, "per_session", a);
  {
    json_t *row = json_object();
    for (k = 0; k < 8; k++)
      cli_jset(row, col_names[k], json_integer(col(t, k)));
    cli_jset(root, "total", row);
  }
  for (i = 0; i < na; i++)
    cli_jpush(as, cli_jstr(x12kit_estimate_assumption(e, i)));
  cli_jset(root, "assumptions", as);
  return root;
}

static int estimate_out(const doc *d, const opts *o, const x12kit_coverage *c,
                        const x12kit_estimate *e, size_t patient)
{
  size_t n = x12kit_estimate_session_count(e), i;
  size_t na = x12kit_estimate_assumption_count(e);
  const x12kit_estimate_session *t = x12kit_estimate_total(e);
  const char *net = o->network == X12KIT_NETWORK_OUT ? "out of network" : "in network";
  char b1[48], b2[48];

  if (o->json) {
    json_t *root = estimate_json(d, o, c, e, patient);
    int rc = cli_json_print(root);
    json_decref(root);
    if (rc != CLI_OK)
      return rc;
  } else {
    printf("Estimate for %zu session%s of ", n, cli_plural(n));
    cli_put_safe(stdout, o->cpt[0]);
    printf(", %s, patient %zu of %s\n", net, patient, d->name);
    printf("Charge %s per session, allowed %s\n", money(o->charge, b1, sizeof b1),
           o->allowed >= 0 ? money(o->allowed, b2, sizeof b2) : "not given (the charge is used)");
    printf("Covered: %s; prior authorization required: %s\n\n", answer_word(c->covered),
           answer_word(c->auth));
    printf("  %-8s %12s %12s %12s %12s %12s %12s %12s %12s\n", "session", "allowed",
           "deductible", "coinsurance", "copay", "not covered", "balance", "patient", "payer");
    for (i = 0; i < n; i++) {
      char label[24];
      snprintf(label, sizeof label, "%zu", i + 1);
      print_row(label, x12kit_estimate_session_at(e, i));
    }
    print_row("total", t);
    printf("\nThe patient pays %s in all", money(t->patient, b1, sizeof b1));
    if (n > 1)
      printf(" (%s per session on average)", money((t->patient + (long long)n / 2) / (long long)n,
                                                    b2, sizeof b2));
    printf(".\n");
    if (na) {
      printf("\nAssumptions:\n");
      for (i = 0; i < na; i++) {
        printf("  - ");
        cli_put_safe(stdout, x12kit_estimate_assumption(e, i));
        printf("\n");
      }
    }
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    return CLI_IO;
  }
  return CLI_OK;
}

/*
 * The estimate for o->cpt[0] from the 271 of |d|: printed (text or
 * JSON as o->json says) when |json| is NULL, else stored in *json.
 * Returns the exit status of x12kit estimate.
 */
static int estimate_run(const doc *d, const opts *o, json_t **json)
{
  const x12kit_271_patient *p;
  x12kit_coverage_query q;
  x12kit_coverage c;
  x12kit_estimate_input in;
  x12kit_estimate *e = NULL;
  x12kit_error err;
  size_t np, idx, j;
  int rc;

  np = x12kit_271_patient_count(d->r);
  if (np == 0) {
    fprintf(stderr, "%s: %s answers for no patient\n", CLI_NAME, d->name);
    return CLI_INVALID;
  }
  if (o->patient == 0 && np > 1) {
    fprintf(stderr, "%s: %s answers for %zu patients; choose one with --patient N\n", CLI_NAME,
            d->name, np);
    return CLI_USAGE;
  }
  idx = o->patient ? o->patient - 1 : 0;
  if (idx >= np) {
    fprintf(stderr, "%s: %s answers for %zu patient%s; there is no patient %lu\n", CLI_NAME,
            d->name, np, cli_plural(np), o->patient);
    return CLI_USAGE;
  }
  p = x12kit_271_patient_at(d->r, idx);
  if (p->nrejections || !*p->loop) {
    fprintf(stderr, "%s: the payer rejected the inquiry for patient %zu; no estimate\n", CLI_NAME,
            idx + 1);
    for (j = 0; j < p->nrejections; j++)
      fprintf(stderr, "  loop %s: %s. %s\n", p->rejections[j].loop,
              *p->rejections[j].reason_text ? p->rejections[j].reason_text : "rejected",
              p->rejections[j].advice);
    return CLI_REJECTED;
  }
  memset(&q, 0, sizeof q);
  q.procedure = o->cpt[0];
  q.service_types = o->stc;
  q.nservice_types = o->nstc;
  if (x12kit_271_coverage(p, &q, &c) != X12KIT_OK)
    return cli_nomem();
  if (c.nrejections) {
    fprintf(stderr, "%s: the payer could not answer for this procedure; no estimate\n",
            CLI_NAME);
    for (j = 0; j < c.nrejections; j++)
      fprintf(stderr, "  loop %s: %s. %s\n", c.rejections[j].loop,
              *c.rejections[j].reason_text ? c.rejections[j].reason_text : "rejected",
              c.rejections[j].advice);
    return CLI_REJECTED;
  }
  memset(&in, 0, sizeof in);
  in.sessions = (unsigned)o->sessions;
  in.charge_cents = o->charge;
  in.allowed_cents = o->allowed;
  in.network = o->network;
  rc = x12kit_estimate_compute(&e, &c, &in, NULL, &err);
  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  if (rc) {
    fprintf(stderr, "%s: %s\n", CLI_NAME, err.text);
    return CLI_USAGE;
  }
  if (json) {
    *json = estimate_json(d, o, &c, e, idx + 1);
    rc = *json ? CLI_OK : cli_nomem();
  } else {
    rc = estimate_out(d, o, &c, e, idx + 1);
  }
  x12kit_estimate_free(e);
  return rc;
}

int cmd_estimate(int argc, char **argv)
{
  opts o;
  doc d;
  int rc = read_options(argc, argv, 1, &o);

  if (rc >= 0)
    return rc;
  rc = load(&o, &d);
  if (rc == CLI_OK)
    rc = estimate_run(&d, &o, NULL);
  unload(&d);
  return rc;
}
