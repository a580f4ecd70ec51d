/*
 * x12kit auth: prior authorization.  "auth build" writes a 278 health
 * care services review request (005010X217) from command-line options,
 * a request file (JSON or XML, see docs/request-format.md), or both:
 * options override the file.  The control number comes from --control,
 * a counter file (--counter, $X12KIT_COUNTER) or defaults to 1, as in
 * eligibility build (cli_build, util.c).  "auth explain", "auth status"
 * and "auth track" are handed to their own files.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "request.h"

#if defined(__GNUC__)
#define AUTH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AUTH_PRINTF(f, a)
#endif

#define MAX_DX 12
#define MAX_LINES 99
#define MAX_ATTACH 10
#define ATTACH_SIZE 512

static const char auth_usage[] =
  "Usage: " CLI_NAME " auth build [--request FILE] --payer-id ID --payer-name NAME\n"
  "         --npi NPI (--provider-name NAME | --provider-last NAME [--provider-first NAME])\n"
  "         --member-id ID --last NAME --first NAME --dob YYYY-MM-DD [--gender F|M|U]\n"
  "         --dx CODE [--dx CODE]... --cpt CODE[:MOD...] [--cpt-description TEXT]\n"
  "         [--cpt ...]... --units N [--units N]... --from YYYY-MM-DD [--to YYYY-MM-DD]\n"
  "         [--visits N [--per day|week|month|year] [--days|--weeks|--months|--years N]]\n"
  "         [--service-type STC] [--place POS] [--attachment TYPE:CONTROL[:TRANSMISSION]]...\n"
  "         [--note TEXT] [--dependent-last NAME --dependent-first NAME ...]\n"
  "         [--rendering-npi NPI (--rendering-last NAME | --rendering-name NAME) ...]\n"
  "         [--control N | --counter FILE] [--reference REF] [--created YYYY-MM-DDTHH:MM]\n"
  "         [--test|--production] [--schemas DIR]\n"
  "       " CLI_NAME " auth submit|explain|status|track ... (see their --help)\n"
  "       " CLI_NAME " auth appeal|revise|extend|cancel|checklist ... (see their --help)";

static const char auth_help[] =
  "Subcommands:\n"
  "  build    write a 278 prior-authorization request (005010X217) to standard output\n"
  "  explain  explain a 278 answer in plain words (" CLI_NAME " auth explain --help)\n"
  "  status   list the tracked requests and where each stands (" CLI_NAME " auth\n"
  "           status --help)\n"
  "  track    record requests and responses in the tracking database (" CLI_NAME "\n"
  "           auth track --help)\n"
  "\n"
  "auth build writes one interchange asking the payer (UMO) to review one\n"
  "patient event: the requester, the subscriber (and the dependent who is\n"
  "the patient, if any), the requested period, diagnoses, how many visits,\n"
  "attachments, and one service line per --cpt.\n"
  "\n"
  "Options of auth build:\n"
  "  -h, --help               show this help and exit\n"
  "      --request FILE       read the request from FILE (- for standard input),\n"
  "                           JSON or XML, its keys named as the options below;\n"
  "                           options given too override it (docs/request-format.md)\n"
  "  payer and requester:\n"
  "      --payer-id ID        payer ID (2010A NM109, qualifier PI)\n"
  "      --payer-name NAME    payer name\n"
  "      --npi NPI            the requester's NPI (10 digits, check digit verified)\n"
  "      --provider-name NAME the requesting organization, or\n"
  "      --provider-last NAME --provider-first NAME  a person as requester\n"
  "      --facility           the requester is a facility (NM101 FA, not 1P)\n"
  "      --provider-address TEXT --provider-address2 TEXT --provider-city NAME\n"
  "      --provider-state XX --provider-zip ZIP  the requester's address (N3, N4)\n"
  "      --contact-name NAME --contact-phone DIGITS --contact-fax DIGITS\n"
  "      --contact-email ADDRESS  who to call about the request (PER)\n"
  "      --taxonomy CODE      the requester's taxonomy code (PRV)\n"
  "  patient:\n"
  "      --member-id ID       the subscriber's member ID\n"
  "      --last NAME --first NAME  the subscriber's name\n"
  "      --dob YYYY-MM-DD     the subscriber's date of birth\n"
  "      --gender F|M|U       the subscriber's gender\n"
  "      --dependent-last NAME --dependent-first NAME  the patient, when not the\n"
  "                           subscriber (2000D)\n"
  "      --dependent-dob YYYY-MM-DD --dependent-gender F|M|U\n"
  "      --dependent-member-id ID --dependent-relationship CODE (INS02: 19 child,\n"
  "                           01 spouse, ...)\n"
  "  the request (2000E):\n"
  "      --category CODE      UM01 request category: HS health services review\n"
  "                           (default), SC specialty care review, AR admission\n"
  "      --certification CODE UM02: I initial (default), R renewal, S revised,\n"
  "                           4 extension, 3 cancel, 1 or 2 appeal\n"
  "      --previous-auth REF  the authorization renewed, revised or extended (REF BB)\n"
  "      --service-type STC   UM03 service type (list 1365): MH, A4, 1, ...\n"
  "      --place POS          place of service (UM04 with qualifier B): 11 office,\n"
  "                           19 or 22 outpatient hospital, 49 independent clinic\n"
  "      --level CODE         UM06 level of service: E elective, U urgent, 03 emergency\n"
  "      --from YYYY-MM-DD    start of the requested period (DTP AAH, and DTP 472\n"
  "      --to YYYY-MM-DD      of every line); end of it (a range, RD8)\n"
  "      --dx CODE            ICD-10-CM diagnosis, F33.2 or F332, repeatable (up to\n"
  "                           12); the first is the principal one\n"
  "      --visits N           number of visits (HSD*VS*N)\n"
  "      --per UNIT           the visits are per day, week, month or year (HSD03)\n"
  "      --days N, --weeks N, --months N, --years N\n"
  "                           for N days, weeks, months or years (HSD05, HSD06):\n"
  "                           --visits 2 --per week --weeks 3 is HSD*VS*2*WK**35*3\n"
  "      --attachment TYPE:CONTROL[:TRANSMISSION[:DESCRIPTION]]\n"
  "                           paperwork sent with the request (PWK), up to 10:\n"
  "                           report type (list 755, e.g. 09 progress report, OB),\n"
  "                           attachment control number, transmission (list 756:\n"
  "                           FX fax, the default; EL, BM, EM, FT, VO, AA)\n"
  "      --note TEXT          a message to the reviewer (MSG, up to 264 characters)\n"
  "      --rendering-npi NPI  the provider who renders the services (2010EA NM1*SJ)\n"
  "      --rendering-name NAME, or --rendering-last NAME --rendering-first NAME\n"
  "      --rendering-taxonomy CODE  its taxonomy code (PRV)\n"
  "  service lines (2000F), one per --cpt:\n"
  "      --cpt CODE[:MOD...]  CPT/HCPCS code with up to 4 modifiers, repeatable (up\n"
  "                           to 99)\n"
  "      --cpt-description TEXT  description of the --cpt just before it (SV101-7),\n"
  "                           e.g. the drug of J3490\n"
  "      --units N            units (1 to 9999): once for every line, or once per\n"
  "                           --cpt in order\n"
  "      --charge AMOUNT      charge in dollars: once for every line, or once per --cpt\n"
  "      --revenue-code CODE  4-digit revenue code, once or once per --cpt: the\n"
  "                           lines become institutional (SV2, not SV1)\n"
  "  envelope:\n"
  "      --control N          interchange and group control number (1 to 999999999)\n"
  "      --counter FILE       take the control number from the counter FILE: the\n"
  "                           last number used plus one, kept for the next run\n"
  "                           (created when missing; FILE.lock beside it)\n"
  "      --sender ID          ISA06/GS02 (default the NPI)\n"
  "      --receiver ID        ISA08/GS03 (default the payer ID)\n"
  "      --reference REF      BHT03 and TRN02 (default X12KIT and the control number)\n"
  "      --trace-entity ID    TRN03, 10 letters or digits (default 9 and the first 9\n"
  "                           digits of the NPI)\n"
  "      --created YYYY-MM-DDTHH:MM  creation date and time, UTC (default now)\n"
  "      --test               usage indicator T (the default)\n"
  "      --production         usage indicator P\n"
  "      --schemas DIR        read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                           or the installed maps)\n"
  "\n"
  "Every input is checked before anything is written; a message names the\n"
  "field that is wrong, never its value.\n"
  "\n"
  "The control number is --control, else the counter of --counter, else the\n"
  "request file's control, else the counter file named by $X12KIT_COUNTER,\n"
  "else 1.  A number is taken from a counter only once the request is valid.\n"
  "\n"
  "Exit status of auth build:\n"
  "  0  the 278 was written\n"
  "  1  an input is invalid (the message names it), or the counter file is\n"
  "     corrupt\n"
  "  2  usage error, or a request file that is not a request\n"
  "  3  cannot read the request file, update the counter or write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n";

/* The keys of a request, each also an option of the same name. */
enum {
  K_PAYER_ID, K_PAYER_NAME, K_NPI, K_PROVIDER_NAME, K_PROVIDER_LAST, K_PROVIDER_FIRST,
  K_FACILITY, K_ADDRESS, K_ADDRESS2, K_CITY, K_STATE, K_ZIP, K_CONTACT_NAME, K_CONTACT_PHONE,
  K_CONTACT_FAX, K_CONTACT_EMAIL, K_TAXONOMY, K_MEMBER_ID, K_LAST, K_FIRST, K_DOB, K_GENDER,
  K_DEP_LAST, K_DEP_FIRST, K_DEP_DOB, K_DEP_GENDER, K_DEP_MEMBER_ID, K_DEP_RELATIONSHIP,
  K_CATEGORY, K_CERTIFICATION, K_PREVIOUS_AUTH, K_STC, K_PLACE, K_LEVEL, K_FROM, K_TO, K_DX,
  K_VISITS, K_PER, K_DAYS, K_WEEKS, K_MONTHS, K_YEARS, K_ATTACHMENT, K_NOTE, K_REND_NPI,
  K_REND_NAME, K_REND_LAST, K_REND_FIRST, K_REND_TAXONOMY, K_CPT, K_CPT_DESC, K_UNITS, K_CHARGE,
  K_REVENUE, K_CONTROL, K_SENDER, K_RECEIVER, K_REFERENCE, K_TRACE_ENTITY, K_CREATED, K_TEST,
  K_PRODUCTION, NKEYS
};

#define TEXT(name) { name, REQ_TEXT, REQ_TOP, NULL }
#define LIST(name) { name, REQ_LIST, REQ_TOP, NULL }
#define NUMBER(name) { name, REQ_NUMBER, REQ_TOP, NULL }
#define FLAG(name) { name, REQ_FLAG, REQ_TOP, NULL }

static const req_key auth_keys[NKEYS] = {
  [K_PAYER_ID] = TEXT("payer-id"),
  [K_PAYER_NAME] = TEXT("payer-name"),
  [K_NPI] = TEXT("npi"),
  [K_PROVIDER_NAME] = TEXT("provider-name"),
  [K_PROVIDER_LAST] = TEXT("provider-last"),
  [K_PROVIDER_FIRST] = TEXT("provider-first"),
  [K_FACILITY] = FLAG("facility"),
  [K_ADDRESS] = TEXT("provider-address"),
  [K_ADDRESS2] = TEXT("provider-address2"),
  [K_CITY] = TEXT("provider-city"),
  [K_STATE] = TEXT("provider-state"),
  [K_ZIP] = TEXT("provider-zip"),
  [K_CONTACT_NAME] = TEXT("contact-name"),
  [K_CONTACT_PHONE] = TEXT("contact-phone"),
  [K_CONTACT_FAX] = TEXT("contact-fax"),
  [K_CONTACT_EMAIL] = TEXT("contact-email"),
  [K_TAXONOMY] = TEXT("taxonomy"),
  [K_MEMBER_ID] = TEXT("member-id"),
  [K_LAST] = TEXT("last"),
  [K_FIRST] = TEXT("first"),
  [K_DOB] = TEXT("dob"),
  [K_GENDER] = TEXT("gender"),
  [K_DEP_LAST] = TEXT("dependent-last"),
  [K_DEP_FIRST] = TEXT("dependent-first"),
  [K_DEP_DOB] = TEXT("dependent-dob"),
  [K_DEP_GENDER] = TEXT("dependent-gender"),
  [K_DEP_MEMBER_ID] = TEXT("dependent-member-id"),
  [K_DEP_RELATIONSHIP] = TEXT("dependent-relationship"),
  [K_CATEGORY] = TEXT("category"),
  [K_CERTIFICATION] = TEXT("certification"),
  [K_PREVIOUS_AUTH] = TEXT("previous-auth"),
  [K_STC] = TEXT("service-type"),
  [K_PLACE] = TEXT("place"),
  [K_LEVEL] = TEXT("level"),
  [K_FROM] = TEXT("from"),
  [K_TO] = TEXT("to"),
  [K_DX] = LIST("dx"),
  [K_VISITS] = NUMBER("visits"),
  [K_PER] = TEXT("per"),
  [K_DAYS] = NUMBER("days"),
  [K_WEEKS] = NUMBER("weeks"),
  [K_MONTHS] = NUMBER("months"),
  [K_YEARS] = NUMBER("years"),
  [K_ATTACHMENT] = LIST("attachment"),
  [K_NOTE] = TEXT("note"),
  [K_REND_NPI] = TEXT("rendering-npi"),
  [K_REND_NAME] = TEXT("rendering-name"),
  [K_REND_LAST] = TEXT("rendering-last"),
  [K_REND_FIRST] = TEXT("rendering-first"),
  [K_REND_TAXONOMY] = TEXT("rendering-taxonomy"),
  [K_CPT] = LIST("cpt"),
  [K_CPT_DESC] = LIST("cpt-description"),
  [K_UNITS] = LIST("units"),
  [K_CHARGE] = LIST("charge"),
  [K_REVENUE] = LIST("revenue-code"),
  [K_CONTROL] = NUMBER("control"),
  [K_SENDER] = TEXT("sender"),
  [K_RECEIVER] = TEXT("receiver"),
  [K_REFERENCE] = TEXT("reference"),
  [K_TRACE_ENTITY] = TEXT("trace-entity"),
  [K_CREATED] = TEXT("created"),
  [K_TEST] = FLAG("test"),
  [K_PRODUCTION] = FLAG("production"),
};

#undef TEXT
#undef LIST
#undef NUMBER
#undef FLAG

static int usage_error(const char *msg)
{
  if (msg)
    fprintf(stderr, "%s: auth: %s\n", CLI_NAME, msg);
  fprintf(stderr, "%s\n", auth_usage);
  return CLI_USAGE;
}

/*
 * A usage error about a value that may come from the request file
 * |path| (NULL: options only): "OPTION ..." and, with a file, the key.
 */
static int value_error(const char *path, const char *fmt, ...) AUTH_PRINTF(2, 3);

static int value_error(const char *path, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: auth: ", CLI_NAME);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (path)
    fputs(" (or its key in the request file)", stderr);
  fprintf(stderr, "\n%s\n", auth_usage);
  return CLI_USAGE;
}

static const char *text_of(const req_value *v)
{
  return v->set && v->text != NULL ? v->text : NULL;
}

/* What the request becomes: the library's request and the arrays it points to. */
typedef struct build_out {
  x12kit_278_request r;
  x12kit_278_service lines[MAX_LINES];
  x12kit_278_attachment attach[MAX_ATTACH];
  char attach_buf[MAX_ATTACH][ATTACH_SIZE];
  x12kit_278_provider rendering;
  char visits[24], periods[24];
} build_out;

/*
 * TYPE:CONTROL[:TRANSMISSION[:DESCRIPTION]] into |a|, split in |buf|.
 * The transmission defaults to FX (fax).  Returns 0, or -1 when the
 * value does not fit.
 */
static int parse_attachment(const char *arg, char *buf, x12kit_278_attachment *a)
{
  char *p, *q;

  if (strlen(arg) >= ATTACH_SIZE)
    return -1;
  strcpy(buf, arg);
  memset(a, 0, sizeof *a);
  a->type = buf;
  a->transmission = "FX";
  if ((p = strchr(buf, ':')) == NULL)
    return -1;
  *p++ = '\0';
  a->control = p;
  if ((q = strchr(p, ':')) != NULL) {
    *q++ = '\0';
    if (*q != '\0' && *q != ':')
      a->transmission = q;
    if ((p = strchr(q, ':')) != NULL) {
      *p++ = '\0';
      a->description = p;
    }
  }
  return 0;
}

/* The number of strings of a list key, 0 when it is not set. */
static size_t count_of(const req_value *v)
{
  return v->set ? v->nlist : 0;
}

/*
 * A per-line list |v| (units, charge, revenue-code): given once (every
 * line) or once per cpt; |which| says which field of the lines it sets.
 * Returns 0 or a usage error.
 */
static int spread(const req_value *v, const char *option, build_out *b, int which,
                  const char *path)
{
  size_t i, nlines = b->r.nservices;

  if (count_of(v) == 0)
    return 0;
  if (v->nlist != 1 && v->nlist != nlines)
    return value_error(path, "give %s once for every line, or once per --cpt (%zu)", option,
                       nlines);
  for (i = 0; i < nlines; i++) {
    const char *value = v->list[v->nlist == 1 ? 0 : i];
    if (which == 0)
      b->lines[i].units = value;
    else if (which == 1)
      b->lines[i].charge = value;
    else
      b->lines[i].revenue_code = value;
  }
  return 0;
}

/* The options every 278 needs, with the name of each for the message. */
static int require(int given, const char *option, const char *path)
{
  if (given)
    return 0;
  fprintf(stderr, "%s: auth build: missing %s", CLI_NAME, option);
  if (path)
    fputs(" (or its key in the request file)", stderr);
  fprintf(stderr, "\n%s\n", auth_usage);
  return 1;
}

static int list_given(const req_value *v)
{
  return count_of(v) > 0;
}

/*
 * The request |q| (the command line over the file |path|, NULL without
 * one) and its stamp |st| into |b|.  Returns CLI_OK or a usage error.
 */
static int fill(const request *q, const char *path, const cli_stamp *st, build_out *b)
{
  static const int period_keys[] = { K_DAYS, K_WEEKS, K_MONTHS, K_YEARS };
  static const char *const period_codes[] = { "7", "35", "34", "21" };
  const req_value *t = q->top;
  x12kit_278_request *r = &b->r;
  size_t i;

  if (require(text_of(&t[K_PAYER_ID]) != NULL, "--payer-id", path) ||
      require(text_of(&t[K_PAYER_NAME]) != NULL, "--payer-name", path) ||
      require(text_of(&t[K_NPI]) != NULL, "--npi", path) ||
      require(text_of(&t[K_PROVIDER_NAME]) != NULL || text_of(&t[K_PROVIDER_LAST]) != NULL,
              "--provider-name or --provider-last", path) ||
      require(text_of(&t[K_MEMBER_ID]) != NULL, "--member-id", path) ||
      require(text_of(&t[K_LAST]) != NULL, "--last", path) ||
      require(text_of(&t[K_FIRST]) != NULL, "--first", path) ||
      require(text_of(&t[K_DOB]) != NULL, "--dob", path) ||
      require(list_given(&t[K_DX]), "--dx", path) ||
      require(list_given(&t[K_CPT]), "--cpt", path) ||
      require(list_given(&t[K_UNITS]), "--units", path) ||
      require(text_of(&t[K_FROM]) != NULL, "--from", path))
    return CLI_USAGE;

  memset(r, 0, sizeof *r);
  r->payer_id = text_of(&t[K_PAYER_ID]);
  r->payer_name = text_of(&t[K_PAYER_NAME]);
  r->provider_npi = text_of(&t[K_NPI]);
  r->provider_name = text_of(&t[K_PROVIDER_NAME]);
  r->provider_last = text_of(&t[K_PROVIDER_LAST]);
  r->provider_first = text_of(&t[K_PROVIDER_FIRST]);
  if (t[K_FACILITY].set && t[K_FACILITY].flag)
    r->requester_code = "FA";
  r->provider_address = text_of(&t[K_ADDRESS]);
  r->provider_address2 = text_of(&t[K_ADDRESS2]);
  r->provider_city = text_of(&t[K_CITY]);
  r->provider_state = text_of(&t[K_STATE]);
  r->provider_zip = text_of(&t[K_ZIP]);
  r->contact_name = text_of(&t[K_CONTACT_NAME]);
  r->contact_phone = text_of(&t[K_CONTACT_PHONE]);
  r->contact_fax = text_of(&t[K_CONTACT_FAX]);
  r->contact_email = text_of(&t[K_CONTACT_EMAIL]);
  r->provider_taxonomy = text_of(&t[K_TAXONOMY]);
  r->member_id = text_of(&t[K_MEMBER_ID]);
  r->last = text_of(&t[K_LAST]);
  r->first = text_of(&t[K_FIRST]);
  r->dob = text_of(&t[K_DOB]);
  r->gender = text_of(&t[K_GENDER]);
  r->dependent_last = text_of(&t[K_DEP_LAST]);
  r->dependent_first = text_of(&t[K_DEP_FIRST]);
  r->dependent_dob = text_of(&t[K_DEP_DOB]);
  r->dependent_gender = text_of(&t[K_DEP_GENDER]);
  r->dependent_member_id = text_of(&t[K_DEP_MEMBER_ID]);
  r->dependent_relationship = text_of(&t[K_DEP_RELATIONSHIP]);
  r->request_category = text_of(&t[K_CATEGORY]);
  r->certification_type = text_of(&t[K_CERTIFICATION]);
  r->previous_auth = text_of(&t[K_PREVIOUS_AUTH]);
  r->service_type = text_of(&t[K_STC]);
  r->place_of_service = text_of(&t[K_PLACE]);
  r->level_of_service = text_of(&t[K_LEVEL]);
  r->from = text_of(&t[K_FROM]);
  r->to = text_of(&t[K_TO]);
  r->note = text_of(&t[K_NOTE]);
  r->sender_id = text_of(&t[K_SENDER]);
  r->receiver_id = text_of(&t[K_RECEIVER]);
  r->reference = text_of(&t[K_REFERENCE]);
  r->trace_entity = text_of(&t[K_TRACE_ENTITY]);
  if (st->date[0]) {
    r->date = st->date;
    r->time = st->time4;
  }
  r->usage = t[K_PRODUCTION].set && t[K_PRODUCTION].flag ? 'P' : 'T';
  r->ack_requested = 1;
  /* a counter gives its number once the request is known to be good */
  r->control = st->control;

  /* diagnoses */
  if (count_of(&t[K_DX]) > MAX_DX)
    return value_error(path, "at most 12 --dx");
  r->diagnoses = t[K_DX].list;
  r->ndiagnoses = count_of(&t[K_DX]);

  /* HSD */
  if (t[K_VISITS].set) {
    snprintf(b->visits, sizeof b->visits, "%lu", t[K_VISITS].number);
    r->delivery.quantity = b->visits;
  }
  if (text_of(&t[K_PER]) != NULL) {
    const char *per = t[K_PER].text;
    r->delivery.per = strcmp(per, "day") == 0     ? "DA"
                      : strcmp(per, "week") == 0  ? "WK"
                      : strcmp(per, "month") == 0 ? "MO"
                      : strcmp(per, "year") == 0  ? "YR"
                                                  : NULL;
    if (r->delivery.per == NULL)
      return value_error(path, "--per must be day, week, month or year");
  }
  for (i = 0; i < sizeof period_keys / sizeof period_keys[0]; i++) {
    if (!t[period_keys[i]].set)
      continue;
    if (r->delivery.period_unit != NULL)
      return value_error(path, "give one of --days, --weeks, --months and --years");
    r->delivery.period_unit = period_codes[i];
    snprintf(b->periods, sizeof b->periods, "%lu", t[period_keys[i]].number);
    r->delivery.periods = b->periods;
  }
  if ((r->delivery.per != NULL || r->delivery.period_unit != NULL) &&
      r->delivery.quantity == NULL)
    return value_error(path, "--per, --days, --weeks, --months and --years need --visits");

  /* attachments */
  if (count_of(&t[K_ATTACHMENT]) > MAX_ATTACH)
    return value_error(path, "at most 10 --attachment");
  for (i = 0; i < count_of(&t[K_ATTACHMENT]); i++)
    if (parse_attachment(t[K_ATTACHMENT].list[i], b->attach_buf[i], &b->attach[i]) != 0)
      return value_error(path, "--attachment %zu must be TYPE:CONTROL[:TRANSMISSION"
                         "[:DESCRIPTION]]", i + 1);
  r->attachments = b->attach;
  r->nattachments = count_of(&t[K_ATTACHMENT]);

  /* the rendering provider */
  b->rendering.npi = text_of(&t[K_REND_NPI]);
  b->rendering.name = text_of(&t[K_REND_NAME]);
  b->rendering.last = text_of(&t[K_REND_LAST]);
  b->rendering.first = text_of(&t[K_REND_FIRST]);
  b->rendering.taxonomy = text_of(&t[K_REND_TAXONOMY]);
  if (b->rendering.npi || b->rendering.name || b->rendering.last || b->rendering.first ||
      b->rendering.taxonomy) {
    r->providers = &b->rendering;
    r->nproviders = 1;
  }

  /* service lines */
  if (count_of(&t[K_CPT]) > MAX_LINES)
    return value_error(path, "at most 99 --cpt");
  if (count_of(&t[K_CPT_DESC]) > count_of(&t[K_CPT]))
    return value_error(path, "more --cpt-description than --cpt");
  for (i = 0; i < count_of(&t[K_CPT]); i++) {
    b->lines[i].procedure = t[K_CPT].list[i];
    if (i < count_of(&t[K_CPT_DESC]) && t[K_CPT_DESC].list[i][0] != '\0')
      b->lines[i].description = t[K_CPT_DESC].list[i];
  }
  r->services = b->lines;
  r->nservices = count_of(&t[K_CPT]);
  if (spread(&t[K_UNITS], "--units", b, 0, path) != 0 ||
      spread(&t[K_CHARGE], "--charge", b, 1, path) != 0 ||
      spread(&t[K_REVENUE], "--revenue-code", b, 2, path) != 0)
    return CLI_USAGE;
  return CLI_OK;
}

/* Checks and writes the request |q| (the command line over the file |path|). */
static int write_278(const request *q, const char *dir, const char *path, const cli_stamp *st)
{
  build_out *b;
  x12kit_schema *s;
  x12kit_writer *w;
  x12kit_error err;
  int status;

  b = calloc(1, sizeof *b);
  if (b == NULL)
    return cli_nomem();
  status = fill(q, path, st, b);
  if (status == CLI_OK)
    status = cli_load_schema(dir, &s);
  if (status != CLI_OK) {
    free(b);
    return status;
  }
  if (x12kit_278_check(&b->r, s, &err) != X12KIT_OK)
    status = cli_refused(&err);
  else
    status = cli_stamp_take(st, &b->r.control);
  if (status == CLI_OK) {
    w = cli_stdout_writer();
    status = w == NULL ? CLI_INTERNAL : cli_stdout_done(w, x12kit_278_write(&b->r, s, w, &err));
  }
  x12kit_schema_free(s);
  free(b);
  return status;
}

/* One option of the key table; returns -1 to go on, or the exit status. */
static int take_option(request *cli, size_t k, const char *arg)
{
  char msg[96];
  int rc;

  if (k == K_CPT_DESC) {
    /* describes the --cpt just before it: pad the lines without one */
    size_t ncpt = cli->top[K_CPT].nlist;
    if (ncpt == 0)
      return usage_error("--cpt-description describes the --cpt before it; give --cpt first");
    if (cli->top[K_CPT_DESC].nlist >= ncpt)
      return usage_error("one --cpt-description per --cpt");
    while (cli->top[K_CPT_DESC].nlist + 1 < ncpt)
      if (request_option(cli, K_CPT_DESC, "") != 0)
        return cli_nomem();
  }
  rc = request_option(cli, k, arg);
  if (rc == -2)
    return cli_nomem();
  if (rc != 0) {
    snprintf(msg, sizeof msg, "--%s must be a whole number", auth_keys[k].name);
    return usage_error(msg);
  }
  if (auth_keys[k].kind == REQ_LIST && cli->top[k].nlist > MAX_LINES) {
    snprintf(msg, sizeof msg, "at most 99 --%s", auth_keys[k].name);
    return usage_error(msg);
  }
  return -1;
}

/* The --cpt of the command line replace the file's lines: their descriptions go too. */
static void override(request *file, const request *cli)
{
  if (cli->top[K_CPT].set)
    file->top[K_CPT_DESC].set = 0;
}

const cli_builder cli_auth_builder = {
  auth_keys, NKEYS, auth_usage, auth_help, usage_error, take_option, NULL, override, write_278,
};

/* auth build: the shared builder with the 278's keys, checks and writer. */
static int build(int argc, char **argv)
{
  return cli_build(&cli_auth_builder, argc, argv);
}

/* Hands "x12kit auth SUB ..." to |fn| as "x12kit auth ..." with SUB removed. */
static int hand_over(int (*fn)(int, char **), int argc, char **argv)
{
  argv[1] = argv[0];
  return fn(argc - 1, argv + 1);
}

int cmd_auth(int argc, char **argv)
{
  if (argc < 2)
    return usage_error("missing subcommand (build, submit, explain, status, track, appeal, revise,\n"
                       "extend, cancel or checklist)");
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    printf("%s\n\n%s", auth_usage, auth_help);
    return CLI_OK;
  }
  if (strcmp(argv[1], "build") == 0)
    return hand_over(build, argc, argv);
  if (strcmp(argv[1], "explain") == 0)
    return hand_over(cmd_auth_explain, argc, argv);
  if (strcmp(argv[1], "status") == 0)
    return hand_over(cmd_auth_status, argc, argv);
  if (strcmp(argv[1], "track") == 0)
    return hand_over(cmd_auth_track, argc, argv);
  if (strcmp(argv[1], "submit") == 0)
    return hand_over(cmd_auth_submit, argc, argv);
  /* These see their own name in argv[0]: "appeal", "revise", ... */
  if (strcmp(argv[1], "appeal") == 0 || strcmp(argv[1], "revise") == 0 ||
      strcmp(argv[1], "extend") == 0 || strcmp(argv[1], "cancel") == 0 ||
      strcmp(argv[1], "checklist") == 0)
    return cmd_auth_appeal(argc - 1, argv + 1);
  return usage_error("unknown subcommand (try build, submit, explain, status, track, appeal,\n"
                     "revise, extend, cancel or checklist)");
}
