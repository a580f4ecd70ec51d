/*
 * x12kit eligibility build: writes a 270 eligibility inquiry
 * (005010X279A1) from command-line options, a request file (JSON or
 * XML, see docs/request-format.md), or both: options override the file.
 * One patient, who may be a dependent of the subscriber, or several
 * patients from the file's "patients".  The control number comes from
 * --control, a counter file (--counter, $X12KIT_COUNTER) or defaults
 * to 1, as in auth build: the options, the request file and those rules
 * are cli_build's (util.c).
 *
 * x12kit eligibility explain is handed to cmd_eligibility_explain
 * (cmd_coverage.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "request.h"

#define MAX_LIST 99

static const char elig_usage[] =
  "Usage: " CLI_NAME " eligibility build [--request FILE] --payer-id ID --payer-name NAME\n"
  "         --npi NPI (--provider-name NAME | --provider-last NAME [--provider-first NAME])\n"
  "         --member-id ID --last NAME --first NAME [--dob YYYY-MM-DD] [--gender F|M|U]\n"
  "         [--dependent-last NAME --dependent-first NAME [--dependent-dob YYYY-MM-DD]\n"
  "          [--dependent-gender F|M|U] [--dependent-relationship 01|19|34]]\n"
  "         [--date YYYY-MM-DD [--date-end YYYY-MM-DD]] [--service-type STC]...\n"
  "         [--cpt CODE[:MOD...]]... [--control N | --counter FILE] [--sender ID]\n"
  "         [--receiver ID] [--reference REF] [--trace TRN] [--created YYYY-MM-DDTHH:MM]\n"
  "         [--test|--production] [--schemas DIR]\n"
  "       " CLI_NAME " eligibility explain [OPTIONS] FILE|-\n"
  "       " CLI_NAME " eligibility check [OPTIONS] (see " CLI_NAME " eligibility check --help)";

static const char elig_help[] =
  "build: write a 270 eligibility inquiry (005010X279A1) to standard output:\n"
  "one interchange asking the payer about one patient, or about each patient\n"
  "of a request file, with one EQ per service type and one EQ**HC per\n"
  "procedure code.\n"
  "explain: explain a 271 answer (see " CLI_NAME " eligibility explain --help).\n"
  "check: build, send and explain in one step (see " CLI_NAME " eligibility check --help).\n"
  "\n"
  "Options of build:\n"
  "  -h, --help               show this help and exit\n"
  "      --request FILE       read the request from FILE (- for standard input),\n"
  "                           JSON or XML; options given too override it\n"
  "                           (docs/request-format.md)\n"
  "      --payer-id ID        payer ID (NM109, qualifier PI)\n"
  "      --payer-name NAME    payer name\n"
  "      --npi NPI            the provider's NPI (10 digits, check digit verified)\n"
  "      --provider-name NAME the provider organization, or\n"
  "      --provider-last NAME --provider-first NAME  a person as provider\n"
  "      --member-id ID       the subscriber's member ID\n"
  "      --last NAME          the subscriber's last name\n"
  "      --first NAME         the subscriber's first name\n"
  "      --dob YYYY-MM-DD     the subscriber's date of birth\n"
  "      --gender F|M|U       the subscriber's gender (needs --dob)\n"
  "      --dependent-last NAME, --dependent-first NAME\n"
  "                           the patient is this dependent of the subscriber\n"
  "                           (spouse, child): loop 2000D, which gets the trace\n"
  "                           number, the service date and the inquiries\n"
  "      --dependent-dob YYYY-MM-DD  the dependent's date of birth\n"
  "      --dependent-gender F|M|U    the dependent's gender (needs --dependent-dob)\n"
  "      --dependent-relationship 01|19|34\n"
  "                           spouse, child or other adult of the subscriber (INS)\n"
  "      --date YYYY-MM-DD    service date (DTP 291)\n"
  "      --date-end YYYY-MM-DD  end of a service date range\n"
  "      --service-type STC   service type code (EQ01, list 1365), repeatable;\n"
  "                           default 30 when neither it nor --cpt is given\n"
  "      --cpt CODE[:MOD...]  CPT/HCPCS code with up to 4 modifiers, repeatable\n"
  "      --control N          interchange and group control number (1 to 999999999)\n"
  "      --counter FILE       take the control number from the counter FILE: the\n"
  "                           last number used plus one, kept for the next run\n"
  "                           (created when missing; FILE.lock beside it)\n"
  "      --sender ID          ISA06/GS02 (default the NPI)\n"
  "      --receiver ID        ISA08/GS03 (default the payer ID)\n"
  "      --reference REF      BHT03 (default X12KIT and the control number)\n"
  "      --trace TRN          TRN02 (default the reference; with several patients,\n"
  "                           the reference, - and the patient's number)\n"
  "      --created YYYY-MM-DDTHH:MM  creation date and time, UTC (default now)\n"
  "      --test               usage indicator T (the default)\n"
  "      --production         usage indicator P\n"
  "      --schemas DIR        read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                           or the installed maps)\n"
  "\n"
  "The control number is --control, else the counter of --counter, else the\n"
  "request file's control, else the counter file named by $X12KIT_COUNTER,\n"
  "else 1.  A number is taken from a counter only once the request is valid.\n"
  "\n"
  "Exit status:\n"
  "  0  the 270 was written\n"
  "  1  an input is invalid (the message names it, and the patient), or the\n"
  "     counter file is corrupt\n"
  "  2  usage error, or a request file that is not a request (malformed JSON\n"
  "     or XML, an unknown key, a value of the wrong type)\n"
  "  3  cannot read the request file, update the counter or write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n";

/* The keys of a request, each also an option of the same name. */
enum {
  K_PAYER_ID, K_PAYER_NAME, K_NPI, K_PROVIDER_NAME, K_PROVIDER_LAST, K_PROVIDER_FIRST,
  K_MEMBER_ID, K_LAST, K_FIRST, K_DOB, K_GENDER, K_DEP_LAST, K_DEP_FIRST, K_DEP_DOB,
  K_DEP_GENDER, K_DEP_RELATIONSHIP, K_DATE, K_DATE_END, K_STC, K_CPT, K_TRACE, K_CONTROL,
  K_SENDER, K_RECEIVER, K_REFERENCE, K_CREATED, K_TEST, K_PRODUCTION, K_PATIENTS, NKEYS
};

#define PATIENT (REQ_TOP | REQ_ITEM)

static const req_key elig_keys[NKEYS] = {
  [K_PAYER_ID] = { "payer-id", REQ_TEXT, REQ_TOP, NULL },
  [K_PAYER_NAME] = { "payer-name", REQ_TEXT, REQ_TOP, NULL },
  [K_NPI] = { "npi", REQ_TEXT, REQ_TOP, NULL },
  [K_PROVIDER_NAME] = { "provider-name", REQ_TEXT, REQ_TOP, NULL },
  [K_PROVIDER_LAST] = { "provider-last", REQ_TEXT, REQ_TOP, NULL },
  [K_PROVIDER_FIRST] = { "provider-first", REQ_TEXT, REQ_TOP, NULL },
  [K_MEMBER_ID] = { "member-id", REQ_TEXT, PATIENT, NULL },
  [K_LAST] = { "last", REQ_TEXT, PATIENT, NULL },
  [K_FIRST] = { "first", REQ_TEXT, PATIENT, NULL },
  [K_DOB] = { "dob", REQ_TEXT, PATIENT, NULL },
  [K_GENDER] = { "gender", REQ_TEXT, PATIENT, NULL },
  [K_DEP_LAST] = { "dependent-last", REQ_TEXT, PATIENT, NULL },
  [K_DEP_FIRST] = { "dependent-first", REQ_TEXT, PATIENT, NULL },
  [K_DEP_DOB] = { "dependent-dob", REQ_TEXT, PATIENT, NULL },
  [K_DEP_GENDER] = { "dependent-gender", REQ_TEXT, PATIENT, NULL },
  [K_DEP_RELATIONSHIP] = { "dependent-relationship", REQ_TEXT, PATIENT, NULL },
  [K_DATE] = { "date", REQ_TEXT, PATIENT, NULL },
  [K_DATE_END] = { "date-end", REQ_TEXT, PATIENT, NULL },
  [K_STC] = { "service-type", REQ_LIST, PATIENT, NULL },
  [K_CPT] = { "cpt", REQ_LIST, PATIENT, NULL },
  [K_TRACE] = { "trace", REQ_TEXT, PATIENT, NULL },
  [K_CONTROL] = { "control", REQ_NUMBER, REQ_TOP, NULL },
  [K_SENDER] = { "sender", REQ_TEXT, REQ_TOP, NULL },
  [K_RECEIVER] = { "receiver", REQ_TEXT, REQ_TOP, NULL },
  [K_REFERENCE] = { "reference", REQ_TEXT, REQ_TOP, NULL },
  [K_CREATED] = { "created", REQ_TEXT, REQ_TOP, NULL },
  [K_TEST] = { "test", REQ_FLAG, REQ_TOP, NULL },
  [K_PRODUCTION] = { "production", REQ_FLAG, REQ_TOP, NULL },
  [K_PATIENTS] = { "patients", REQ_ITEMS, REQ_TOP, "patient" },
};

static int usage_error(const char *msg)
{
  if (msg)
    fprintf(stderr, "%s: %s\n", CLI_NAME, msg);
  fprintf(stderr, "%s\n", elig_usage);
  return CLI_USAGE;
}

/* The options every 270 needs, with the name of each for the message. */
static int require(const req_value *v, const char *option, const char *path)
{
  if (v->set && v->text != NULL)
    return 0;
  fprintf(stderr, "%s: eligibility build: missing %s", CLI_NAME, option);
  if (path)
    fprintf(stderr, " (or its key in the request file)");
  fprintf(stderr, "\n%s\n", elig_usage);
  return 1;
}

/* What the file holds that options do not check, beyond cli_build's: an empty list of patients. */
static int check_file(const request *f, const char *name)
{
  if (f->top[K_PATIENTS].set && f->nitems == 0) {
    fprintf(stderr, "%s: %s: key \"patients\" is an empty list\n", CLI_NAME, name);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static const char *text_of(const req_value *v)
{
  return v->set ? v->text : NULL;
}

/* The patient fields of |v| (the top, or one item) into |p|. */
static void fill_patient(const req_value *v, x12kit_270_patient *p)
{
  memset(p, 0, sizeof *p);
  p->member_id = text_of(&v[K_MEMBER_ID]);
  p->last = text_of(&v[K_LAST]);
  p->first = text_of(&v[K_FIRST]);
  p->dob = text_of(&v[K_DOB]);
  p->gender = text_of(&v[K_GENDER]);
  p->dependent.last = text_of(&v[K_DEP_LAST]);
  p->dependent.first = text_of(&v[K_DEP_FIRST]);
  p->dependent.dob = text_of(&v[K_DEP_DOB]);
  p->dependent.gender = text_of(&v[K_DEP_GENDER]);
  p->dependent.relationship = text_of(&v[K_DEP_RELATIONSHIP]);
  p->service_date = text_of(&v[K_DATE]);
  p->service_date_end = text_of(&v[K_DATE_END]);
  p->service_types = v[K_STC].list;
  p->nservice_types = v[K_STC].nlist;
  p->procedures = v[K_CPT].list;
  p->nprocedures = v[K_CPT].nlist;
  p->trace = text_of(&v[K_TRACE]);
}

/* Checks and writes the request |q| (the command line over the file |path|). */
static int write_270(const request *q, const char *dir, const char *path, const cli_stamp *st)
{
  const req_value *t = q->top;
  x12kit_270_patient one, *patients = NULL;
  x12kit_270_request r;
  x12kit_schema *s;
  x12kit_writer *w;
  x12kit_error err;
  size_t i;
  int status;

  if (require(&t[K_PAYER_ID], "--payer-id", path) ||
      require(&t[K_PAYER_NAME], "--payer-name", path) ||
      require(&t[K_NPI], "--npi", path) ||
      require(t[K_PROVIDER_NAME].set ? &t[K_PROVIDER_NAME] : &t[K_PROVIDER_LAST],
              "--provider-name or --provider-last", path))
    return CLI_USAGE;
  if (q->nitems == 0 &&
      (require(&t[K_MEMBER_ID], "--member-id", path) || require(&t[K_LAST], "--last", path) ||
       require(&t[K_FIRST], "--first", path)))
    return CLI_USAGE;

  memset(&r, 0, sizeof r);
  r.payer_id = text_of(&t[K_PAYER_ID]);
  r.payer_name = text_of(&t[K_PAYER_NAME]);
  r.provider_npi = text_of(&t[K_NPI]);
  r.provider_name = text_of(&t[K_PROVIDER_NAME]);
  r.provider_last = text_of(&t[K_PROVIDER_LAST]);
  r.provider_first = text_of(&t[K_PROVIDER_FIRST]);
  fill_patient(t, &one);
  r.member_id = one.member_id;
  r.last = one.last;
  r.first = one.first;
  r.dob = one.dob;
  r.gender = one.gender;
  r.dependent = one.dependent;
  r.service_date = one.service_date;
  r.service_date_end = one.service_date_end;
  r.service_types = one.service_types;
  r.nservice_types = one.nservice_types;
  r.procedures = one.procedures;
  r.nprocedures = one.nprocedures;
  r.trace = one.trace;
  r.sender_id = text_of(&t[K_SENDER]);
  r.receiver_id = text_of(&t[K_RECEIVER]);
  r.reference = text_of(&t[K_REFERENCE]);
  r.usage = t[K_PRODUCTION].set && t[K_PRODUCTION].flag ? 'P' : 'T';
  r.ack_requested = 1;
  if (st->date[0]) {
    r.date = st->date;
    r.time = st->time4;
  }
  /* a counter gives its number once the request is known to be good */
  r.control = st->control;
  if (q->nitems > 0) {
    patients = calloc(q->nitems, sizeof patients[0]);
    if (patients == NULL)
      return cli_nomem();
    for (i = 0; i < q->nitems; i++)
      fill_patient(request_item(q, i, 0), &patients[i]);
    r.patients = patients;
    r.npatients = q->nitems;
  }

  status = cli_load_schema(dir, &s);
  if (status != CLI_OK) {
    free(patients);
    return status;
  }
  if (x12kit_270_check(&r, s, &err) != X12KIT_OK)
    status = cli_refused(&err);
  else
    status = cli_stamp_take(st, &r.control);
  if (status == CLI_OK) {
    w = cli_stdout_writer();
    status = w == NULL ? CLI_INTERNAL : cli_stdout_done(w, x12kit_270_write(&r, s, w, &err));
  }
  x12kit_schema_free(s);
  free(patients);
  return status;
}

/* One option of the key table: at most MAX_LIST inquiries. */
static int take_option(request *cli, size_t k, const char *arg)
{
  if (request_option(cli, k, arg) == -2)
    return cli_nomem();
  if ((k == K_CPT || k == K_STC) && cli->top[K_CPT].nlist + cli->top[K_STC].nlist > MAX_LIST)
    return usage_error("at most 99 --cpt and --service-type options together");
  return -1;
}

/* eligibility check (cmd_submit.c) runs the same builder. */
const cli_builder cli_eligibility_builder = {
  elig_keys, NKEYS, elig_usage, elig_help, usage_error, take_option, check_file, NULL, write_270,
};

int cmd_eligibility(int argc, char **argv)
{
  if (argc < 2)
    return usage_error("missing subcommand (build, explain or check)");
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    printf("%s\n\n%s", elig_usage, elig_help);
    return CLI_OK;
  }
  if (strcmp(argv[1], "build") == 0) {
    argv[1] = argv[0];
    return cli_build(&cli_eligibility_builder, argc - 1, argv + 1);
  }
  if (strcmp(argv[1], "explain") == 0) {
    argv[1] = argv[0];
    return cmd_eligibility_explain(argc - 1, argv + 1);
  }
  if (strcmp(argv[1], "check") == 0) {
    argv[1] = argv[0];
    return cmd_eligibility_check(argc - 1, argv + 1);
  }
  return usage_error("unknown subcommand (try build, explain or check)");
}
