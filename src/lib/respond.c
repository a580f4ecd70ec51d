/*
 * x12kit - answer builders: the 271 eligibility response (005010X279A1)
 * and the 278 health care services review response (005010X217).
 *
 * Every input is checked first (x12kit_271_response_check,
 * x12kit_278_reply_check), so a bad answer never leaves half an
 * interchange in the writer.  Messages name the field, never its value:
 * the values are patients' data.  With a schema, each code is looked up
 * in the element the map of the transaction defines for it, so the
 * builder and the validator agree on what is allowed.
 *
 * A rejection (AAA) ends the answer at its level: the HL loops under it
 * are neither checked nor written (see respond.h).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "guide.h"

#define CONTROL_MAX 999999999ul
#define MAX_STC 99
#define MAX_DIAGNOSES 12
#define MAX_PROVIDERS 12
#define FIELD_SIZE 160
#define WHO_SIZE 64

/* Short names for the shared checks of check.c used on every line below. */
#define given x12kitp_given
#define bad x12kitp_bad

#define TRY(call)                                                                             \
  do {                                                                                        \
    int try_rc_ = (call);                                                                     \
    if (try_rc_ != X12KIT_OK)                                                                 \
      return try_rc_;                                                                         \
  } while (0)

static int all_digits(const char *s)
{
  return x12kitp_all_digits((x12kit_slice){ s, strlen(s) });
}

static int is_one_of(const char *s, const char *const *set)
{
  for (; *set; set++)
    if (strcmp(s, *set) == 0)
      return 1;
  return 0;
}

/* snprintf into a buffer of field names or digits: what does not fit is cut. */
static void fmt(char *buf, size_t size, const char *format, ...) X12KITP_PRINTF(3, 4);

static void fmt(char *buf, size_t size, const char *format, ...)
{
  va_list ap;

  va_start(ap, format);
  if (vsnprintf(buf, size, format, ap) < 0)
    buf[0] = '\0';
  va_end(ap);
}

/* |who| followed by |what|: "patient 2: member ID". */
static const char *fld(char f[FIELD_SIZE], const char *who, const char *what)
{
  fmt(f, FIELD_SIZE, "%s%s", who, what);
  return f;
}

/* ---- the maps ---- */

typedef struct ctx {
  const x12kit_guide *g;       /* NULL without a schema */
  const char *map;             /* "271" or "278 response", for messages */
  x12kit_error *err;
} ctx;

/*
 * A code: 1 to 3 letters or digits and, with a schema, a value the map
 * allows in element |pos| of |seg| in |loop|.
 */
static int check_code(const ctx *c, const char *v, const char *field, const char *loop,
                      const char *seg, unsigned pos)
{
  const x12kitp_elem *e;
  size_t n, i;

  if (!given(v))
    return bad(c->err, "%s is missing", field);
  n = strlen(v);
  if (n > 3)
    return bad(c->err, "%s must be 1 to 3 letters or digits", field);
  for (i = 0; i < n; i++)
    if (!x12kitp_is_alnum(v[i]))
      return bad(c->err, "%s must be 1 to 3 letters or digits", field);
  e = x12kitp_map_elem(c->g, loop, seg, pos);
  if (e != NULL &&
      (n < e->min || n > e->max || !x12kitp_code_allowed(e, (x12kit_slice){ v, n })))
    return bad(c->err, "%s is not a code the %s map allows in %s%02u", field, c->map, seg, pos);
  return X12KIT_OK;
}

/* A date written YYYY-MM-DD or CCYYMMDD, into "CCYYMMDD". */
static int check_date(const char *s, const char *field, char out[9], x12kit_error *err)
{
  size_t n;

  if (!given(s))
    return bad(err, "%s is missing", field);
  n = strlen(s);
  if (n == 8)
    return x12kitp_parse_date(s, 0, field, out, err);
  if (n == 10)
    return x12kitp_parse_date(s, 1, field, out, err);
  return bad(err, "%s must be a date written YYYY-MM-DD or CCYYMMDD", field);
}

/* A date and an optional end: real dates, in order; |to| needs |from|. */
static int check_range(const char *from, const char *to, const char *from_field,
                       const char *to_field, x12kit_error *err)
{
  char d1[9], d2[9];

  if (given(to) && !given(from))
    return bad(err, "%s needs %s", to_field, from_field);
  if (!given(from))
    return X12KIT_OK;
  TRY(check_date(from, from_field, d1, err));
  if (given(to)) {
    TRY(check_date(to, to_field, d2, err));
    if (strcmp(d1, d2) > 0)
      return bad(err, "%s is before %s", to_field, from_field);
  }
  return X12KIT_OK;
}

/* A list's count and pointer agree, and the count is within |max|. */
static int check_count(const void *list, size_t n, size_t max, const char *who,
                       const char *what, x12kit_error *err)
{
  if (n > 0 && list == NULL)
    return bad(err, "%s%s: count without a list", who, what);
  if (n > max)
    return bad(err, "%sat most %zu %s", who, max, what);
  return X12KIT_OK;
}

static int check_phone(const char *s, const char *field, x12kit_error *err)
{
  size_t n = strlen(s);

  if (!all_digits(s) || n < 10 || n > 15)
    return bad(err, "%s must be 10 to 15 digits, without spaces or signs", field);
  return X12KIT_OK;
}

/* A PER: a name and at most three numbers; |who| names the party ("payer "). */
static int check_contact(const ctx *c, const x12kit_respond_contact *k, const char *who)
{
  char f[FIELD_SIZE];
  int numbers = 0;
  size_t n;

  if (given(k->name))
    TRY(x12kitp_check_text(k->name, fld(f, who, "contact name"), 1, 60, c->err));
  if (given(k->phone)) {
    TRY(check_phone(k->phone, fld(f, who, "contact phone"), c->err));
    numbers++;
  }
  if (given(k->extension)) {
    if (!given(k->phone))
      return bad(c->err, "%scontact extension needs the contact phone", who);
    n = strlen(k->extension);
    if (!all_digits(k->extension) || n > 10)
      return bad(c->err, "%scontact extension must be 1 to 10 digits", who);
    numbers++;
  }
  if (given(k->fax)) {
    TRY(check_phone(k->fax, fld(f, who, "contact fax"), c->err));
    numbers++;
  }
  if (given(k->email)) {
    TRY(x12kitp_check_text(k->email, fld(f, who, "contact email"), 3, 256, c->err));
    if (strchr(k->email, '@') == NULL)
      return bad(c->err, "%scontact email must hold an @", who);
    numbers++;
  }
  if (given(k->url)) {
    TRY(x12kitp_check_text(k->url, fld(f, who, "contact URL"), 1, 256, c->err));
    numbers++;
  }
  if (numbers > 3)
    return bad(c->err, "%scontact has more than 3 numbers (phone, extension, fax, email, URL "
               "together)", who);
  return X12KIT_OK;
}

/* AAA segments of one loop; |what| is "payer rejection" and the like. */
static int check_rejections(const ctx *c, const x12kit_respond_aaa *v, size_t n,
                            const char *who, const char *what, const char *loop)
{
  char f[FIELD_SIZE], list[WHO_SIZE];
  size_t i;

  fmt(list, sizeof list, "%ss", what);
  TRY(check_count(v, n, X12KIT_RESPOND_MAX_REJECTIONS, who, list, c->err));
  for (i = 0; i < n; i++) {
    if (v[i].valid != 'Y' && v[i].valid != 'N')
      return bad(c->err, "%s%s %zu valid flag (AAA01) must be Y or N", who, what, i + 1);
    fmt(f, sizeof f, "%s%s %zu reason (AAA03)", who, what, i + 1);
    if (given(v[i].reason) && strlen(v[i].reason) != 2)
      return bad(c->err, "%s must be 2 letters or digits", f);
    TRY(check_code(c, v[i].reason, f, loop, "AAA", 3));
    fmt(f, sizeof f, "%s%s %zu follow-up action (AAA04)", who, what, i + 1);
    if (given(v[i].action) && strlen(v[i].action) != 1)
      return bad(c->err, "%s must be 1 letter", f);
    TRY(check_code(c, v[i].action, f, loop, "AAA", 4));
  }
  return X12KIT_OK;
}

/* DTP segments with their qualifiers from the map of |loop|. */
static int check_dates(const ctx *c, const x12kit_respond_date *v, size_t n, size_t max,
                       const char *who, const char *loop)
{
  char f[FIELD_SIZE], f2[FIELD_SIZE];
  size_t i;

  TRY(check_count(v, n, max, who, "dates", c->err));
  for (i = 0; i < n; i++) {
    fmt(f, sizeof f, "%sdate %zu qualifier (DTP01)", who, i + 1);
    if (given(v[i].qualifier) && strlen(v[i].qualifier) != 3)
      return bad(c->err, "%s must be 3 letters or digits", f);
    TRY(check_code(c, v[i].qualifier, f, loop, "DTP", 1));
    fmt(f, sizeof f, "%sdate %zu", who, i + 1);
    fmt(f2, sizeof f2, "%sdate %zu end", who, i + 1);
    if (!given(v[i].from))
      return bad(c->err, "%s is missing", f);
    TRY(check_range(v[i].from, v[i].to, f, f2, c->err));
  }
  return X12KIT_OK;
}

/* An organization name, or a last name with an optional first name. */
static int check_party(const ctx *c, const char *org, const char *last, const char *first,
                       const char *who)
{
  char f[FIELD_SIZE];

  if (given(org)) {
    if (given(last) || given(first))
      return bad(c->err, "give either the %s organization name or the %s last and first "
                 "name, not both", who, who);
    fmt(f, sizeof f, "%s name", who);
    return x12kitp_check_text(org, f, 1, 60, c->err);
  }
  if (!given(last))
    return bad(c->err, "%s name is missing (an organization name, or a last name)", who);
  fmt(f, sizeof f, "%s last name", who);
  TRY(x12kitp_check_text(last, f, 1, 60, c->err));
  if (given(first)) {
    fmt(f, sizeof f, "%s first name", who);
    TRY(x12kitp_check_text(first, f, 1, 35, c->err));
  }
  return X12KIT_OK;
}

/*
 * The provider NPI: its check digit, or only its form when the payer
 * rejects the provider (the NPI is then echoed as it was received).
 */
static int check_provider_npi(const ctx *c, const char *npi, int rejected)
{
  if (rejected)
    return x12kitp_check_text(npi, "provider NPI", 2, 80, c->err);
  return x12kitp_check_npi(npi, "provider NPI", c->err);
}

/* A TRN: |entity_alnum| for the payer's own (letters and digits only). */
static int check_trace(const ctx *c, const char *number, const char *entity, const char *who,
                       const char *what, int entity_alnum)
{
  char f[FIELD_SIZE];
  size_t i;

  fmt(f, sizeof f, "%s%s (TRN02)", who, what);
  TRY(x12kitp_check_text(number, f, 1, 50, c->err));
  fmt(f, sizeof f, "%s%s entity (TRN03)", who, what);
  TRY(x12kitp_check_text(entity, f, 10, 10, c->err));
  if (entity_alnum)
    for (i = 0; i < 10; i++)
      if (!x12kitp_is_alnum(entity[i]))
        return bad(c->err, "%s must be letters and digits", f);
  return X12KIT_OK;
}

static int check_payer_trace(const ctx *c, const char *number, const char *entity,
                             const char *who)
{
  if (!given(number) && !given(entity))
    return X12KIT_OK;
  if (!given(number))
    return bad(c->err, "%spayer trace (TRN02) is missing (its entity needs it)", who);
  return check_trace(c, number, entity, who, "payer trace", 1);
}

static int check_gender(const ctx *c, const char *gender, const char *dob, const char *who,
                        const char *loop)
{
  char f[FIELD_SIZE], d[9];

  if (given(gender)) {
    fld(f, who, "gender");
    if (strcmp(gender, "F") != 0 && strcmp(gender, "M") != 0 && strcmp(gender, "U") != 0)
      return bad(c->err, "%s must be F, M or U", f);
    TRY(check_code(c, gender, f, loop, "DMG", 3));
    if (!given(dob))
      return bad(c->err, "%s needs the date of birth", f);
  }
  if (given(dob))
    TRY(check_date(dob, fld(f, who, "date of birth"), d, c->err));
  return X12KIT_OK;
}

static int check_envelope(const ctx *c, const char *sender_id, const char *receiver_id,
                          const char *default_sender, const char *default_receiver,
                          const char *sender_qualifier, const char *receiver_qualifier,
                          char usage, unsigned long control, const char *date,
                          const char *time)
{
  char dt[9], tm[5];

  if (given(sender_id))
    TRY(x12kitp_check_text(sender_id, "sender ID", 2, 15, c->err));
  else if (!given(default_sender) || strlen(default_sender) > 15)
    return bad(c->err, "sender ID is needed: the payer ID is longer than the 15 characters "
               "of ISA06");
  if (given(receiver_id))
    TRY(x12kitp_check_text(receiver_id, "receiver ID", 2, 15, c->err));
  else if (!given(default_receiver) || strlen(default_receiver) < 2 ||
           strlen(default_receiver) > 15 ||
           x12kitp_check_text(default_receiver, "", 2, 15, NULL) != X12KIT_OK)
    return bad(c->err, "receiver ID is needed: there is no provider NPI of 2 to 15 characters "
               "to take for ISA08");
  TRY(x12kitp_check_id_qualifier(sender_qualifier, "sender qualifier (ISA05)", c->err));
  TRY(x12kitp_check_id_qualifier(receiver_qualifier, "receiver qualifier (ISA07)", c->err));
  if (usage != 0 && usage != 'T' && usage != 'P')
    return bad(c->err, "usage must be T (test) or P (production)");
  if (control < 1 || control > CONTROL_MAX)
    return bad(c->err, "control number must be 1 to 999999999");
  if (given(date) != given(time))
    return bad(c->err, "creation date and time must be given together");
  if (given(date)) {
    TRY(x12kitp_parse_date(date, 0, "creation date", dt, c->err));
    TRY(x12kitp_parse_time(time, "creation time", tm, c->err));
  }
  return X12KIT_OK;
}

/* ---- numbers ---- */

/*
 * |v| (not negative) in units of 10^-|scale| as an X12 decimal: no
 * trailing zeros after the point, no point for a whole number, no zero
 * before the point when the value is below 1 (4000, 2 -> "40"; 65050, 2
 * -> "650.5"; 1, 2 -> ".01"; 3000, 4 -> ".3"; 0 -> "0").
 */
static void x12_decimal(long long v, unsigned scale, char out[32])
{
  unsigned long long p = 1, whole, frac;
  char f[24];
  size_t n;
  unsigned i;

  for (i = 0; i < scale; i++)
    p *= 10;
  whole = (unsigned long long)v / p;
  frac = (unsigned long long)v % p;
  if (frac == 0) {
    fmt(out, 32, "%llu", whole);
    return;
  }
  fmt(f, sizeof f, "%0*llu", (int)scale, frac);
  n = strlen(f);
  while (n > 0 && f[n - 1] == '0')
    f[--n] = '\0';
  if (whole == 0)
    fmt(out, 32, ".%s", f);
  else
    fmt(out, 32, "%llu.%s", whole, f);
}

/* An X12 decimal as given: 1-15 digits, at most one point with a digit after it, no sign. */
static int check_decimal(const char *s, const char *field, x12kit_error *err)
{
  size_t i, digits = 0;
  int dot = 0;

  if (!given(s))
    return bad(err, "%s is missing", field);
  for (i = 0; s[i]; i++) {
    if (s[i] == '.' && !dot && s[i + 1] != '\0') {
      dot = 1;
      continue;
    }
    if (s[i] < '0' || s[i] > '9')
      return bad(err, "%s must be a number such as 30 or 1.5", field);
    digits++;
  }
  if (digits < 1 || digits > 15)
    return bad(err, "%s must be a number of 1 to 15 digits", field);
  return X12KIT_OK;
}

/* ---- the 271: checks ---- */

static int check_entity(const ctx *c, const x12kit_271_response_entity *e, const char *who,
                        const char *loop)
{
  char f[FIELD_SIZE], party[WHO_SIZE + 16];

  TRY(check_code(c, e->entity_code, fld(f, who, "entity code (NM101)"), loop, "NM1", 1));
  fmt(party, sizeof party, "%sentity", who);
  TRY(check_party(c, e->name, e->last, e->first, party));
  if (given(e->id_qualifier) != given(e->id))
    return bad(c->err, "%sID qualifier (NM108) and ID (NM109) must be given together", who);
  if (given(e->id)) {
    TRY(check_code(c, e->id_qualifier, fld(f, who, "ID qualifier (NM108)"), loop, "NM1", 8));
    TRY(x12kitp_check_text(e->id, fld(f, who, "ID (NM109)"), 2, 80, c->err));
  }
  return check_contact(c, &e->contact, who);
}

static int check_benefit(const ctx *c, const x12kit_271_response_benefit *b, const char *who,
                         const char *loop, const char *entity_loop)
{
  static const char *const auth_codes[] = { "Y", "N", "U", NULL };
  static const char *const network_codes[] = { "Y", "N", "W", "U", NULL };
  char f[FIELD_SIZE], sub[WHO_SIZE + 32], flag[2];
  size_t i, n;

  fld(f, who, "benefit code (EB01)");
  if (given(b->code) && strlen(b->code) > 2)
    return bad(c->err, "%s must be 1 or 2 letters or digits", f);
  TRY(check_code(c, b->code, f, loop, "EB", 1));
  if (given(b->coverage_level))
    TRY(check_code(c, b->coverage_level, fld(f, who, "coverage level (EB02)"), loop, "EB", 2));
  TRY(check_count(b->service_types, b->nservice_types, MAX_STC, who, "service types (EB03)",
                  c->err));
  for (i = 0; i < b->nservice_types; i++) {
    fmt(f, sizeof f, "%sservice type %zu (EB03)", who, i + 1);
    if (given(b->service_types[i]) && strlen(b->service_types[i]) > 2)
      return bad(c->err, "%s must be 1 or 2 letters or digits", f);
    TRY(check_code(c, b->service_types[i], f, loop, "EB", 3));
  }
  if (b->nservice_types > 0 && given(b->procedure))
    return bad(c->err, "%sservice types (EB03) and a procedure (EB13) do not go on one benefit: "
               "give each its own", who);
  if (given(b->insurance_type))
    TRY(check_code(c, b->insurance_type, fld(f, who, "insurance type (EB04)"), loop, "EB", 4));
  if (given(b->plan))
    TRY(x12kitp_check_text(b->plan, fld(f, who, "plan description (EB05)"), 1, 50, c->err));
  if (given(b->period))
    TRY(check_code(c, b->period, fld(f, who, "time period (EB06)"), loop, "EB", 6));
  if (b->amount.set &&
      (b->amount.cents < 0 || b->amount.cents > X12KIT_RESPOND_MAX_CENTS))
    return bad(c->err, "%samount (EB07) must be 0 to %lld cents", who, X12KIT_RESPOND_MAX_CENTS);
  if (b->percent.set && (b->percent.bp < 0 || b->percent.bp > 10000))
    return bad(c->err, "%spercent (EB08) must be 0 to 10000 basis points", who);
  if (given(b->quantity_qualifier) != given(b->quantity))
    return bad(c->err, "%squantity qualifier (EB09) and quantity (EB10) must be given together",
               who);
  if (given(b->quantity)) {
    fld(f, who, "quantity qualifier (EB09)");
    if (strlen(b->quantity_qualifier) != 2)
      return bad(c->err, "%s must be 2 letters or digits", f);
    TRY(check_code(c, b->quantity_qualifier, f, loop, "EB", 9));
    TRY(check_decimal(b->quantity, fld(f, who, "quantity (EB10)"), c->err));
  }
  flag[1] = '\0';
  if (b->auth) {
    flag[0] = b->auth;
    if (!is_one_of(flag, auth_codes))
      return bad(c->err, "%sauthorization indicator (EB11) must be Y, N or U", who);
  }
  if (b->network) {
    flag[0] = b->network;
    if (!is_one_of(flag, network_codes))
      return bad(c->err, "%snetwork indicator (EB12) must be Y, N, W or U", who);
  }
  if (given(b->procedure_end) && !given(b->procedure))
    return bad(c->err, "%sprocedure range end (EB13-8) needs the procedure (EB13-2)", who);
  if (given(b->procedure))
    TRY(x12kitp_check_procedure(b->procedure, fld(f, who, "procedure (EB13)"), c->err));
  if (given(b->procedure_end)) {
    fld(f, who, "procedure range end (EB13-8)");
    TRY(x12kitp_check_procedure(b->procedure_end, f, c->err));
    if (strchr(b->procedure_end, ':') != NULL)
      return bad(c->err, "%s is a code without modifiers", f);
    if (strncmp(b->procedure_end, b->procedure, 5) < 0)
      return bad(c->err, "%s is before the procedure (EB13-2) that starts the range", f);
  }
  TRY(check_dates(c, b->dates, b->ndates, X12KIT_RESPOND_MAX_BENEFIT_DATES, who, loop));
  TRY(check_rejections(c, b->rejections, b->nrejections, who, "rejection", loop));
  TRY(check_count(b->messages, b->nmessages, X12KIT_RESPOND_MAX_MESSAGES, who, "messages",
                  c->err));
  for (i = 0; i < b->nmessages; i++) {
    fmt(f, sizeof f, "%smessage %zu (MSG01)", who, i + 1);
    TRY(x12kitp_check_text(b->messages[i], f, 1, 264, c->err));
  }
  n = b->nentities;
  TRY(check_count(b->entities, n, X12KIT_RESPOND_MAX_ENTITIES, who, "related entities",
                  c->err));
  for (i = 0; i < n; i++) {
    fmt(sub, sizeof sub, "%sentity %zu ", who, i + 1);
    TRY(check_entity(c, &b->entities[i], sub, entity_loop));
  }
  return X12KIT_OK;
}

static int check_benefits(const ctx *c, const x12kit_271_response_benefit *v, size_t n,
                          const char *who, const char *loop, const char *entity_loop)
{
  char sub[WHO_SIZE];
  size_t i;

  TRY(check_count(v, n, X12KIT_271_RESPONSE_MAX_BENEFITS, who, "benefits", c->err));
  for (i = 0; i < n; i++) {
    fmt(sub, sizeof sub, "%sbenefit %zu: ", who, i + 1);
    TRY(check_benefit(c, &v[i], sub, loop, entity_loop));
  }
  return X12KIT_OK;
}

static int dependent_given(const x12kit_271_response_dependent *d)
{
  return given(d->last) || given(d->first) || given(d->middle) || given(d->suffix) ||
         given(d->dob) || given(d->gender) || given(d->relationship) || d->ndates > 0 ||
         d->nrejections > 0 || d->nbenefits > 0;
}

static int check_names(const ctx *c, const char *who, const char *what, const char *last,
                       const char *first, const char *middle, const char *suffix)
{
  char f[FIELD_SIZE], g[WHO_SIZE + 32];

  fmt(g, sizeof g, "%s%s ", who, what);
  if (given(last))
    TRY(x12kitp_check_text(last, fld(f, g, "last name"), 1, 60, c->err));
  if (given(first))
    TRY(x12kitp_check_text(first, fld(f, g, "first name"), 1, 35, c->err));
  if (given(middle))
    TRY(x12kitp_check_text(middle, fld(f, g, "middle name"), 1, 25, c->err));
  if (given(suffix))
    TRY(x12kitp_check_text(suffix, fld(f, g, "name suffix"), 1, 10, c->err));
  return X12KIT_OK;
}

static int check_dependent_271(const ctx *c, const x12kit_271_response_dependent *d,
                               const char *who)
{
  char f[FIELD_SIZE], g[WHO_SIZE + 16];

  if (!given(d->last))
    return bad(c->err, "%sdependent last name is missing", who);
  if (!given(d->first))
    return bad(c->err, "%sdependent first name is missing", who);
  TRY(check_names(c, who, "dependent", d->last, d->first, d->middle, d->suffix));
  fmt(g, sizeof g, "%sdependent ", who);
  TRY(check_gender(c, d->gender, d->dob, g, "2100D"));
  if (given(d->relationship)) {
    fld(f, who, "dependent relationship (INS02)");
    if (strlen(d->relationship) != 2)
      return bad(c->err, "%s must be 2 letters or digits", f);
    TRY(check_code(c, d->relationship, f, "2100D", "INS", 2));
  }
  TRY(check_rejections(c, d->rejections, d->nrejections, who, "dependent rejection", "2100D"));
  TRY(check_dates(c, d->dates, d->ndates, X12KIT_RESPOND_MAX_PATIENT_DATES, g, "2100D"));
  fmt(g, sizeof g, "%sdependent ", who);
  return check_benefits(c, d->benefits, d->nbenefits, g, "2110D", "2120D");
}

/* Whether the patient's dependent is written: given, and the subscriber not rejected. */
static int writes_dependent(const x12kit_271_response_patient *p)
{
  return p->nrejections == 0 && dependent_given(&p->dependent);
}

static int check_patient_271(const ctx *c, const x12kit_271_response_patient *p,
                             const char *who)
{
  char f[FIELD_SIZE], g[WHO_SIZE + 16];
  int rejected = p->nrejections > 0;

  TRY(check_trace(c, p->trace, p->trace_entity, who, "trace", 0));
  TRY(check_payer_trace(c, p->payer_trace, p->payer_trace_entity, who));
  if (given(p->member_id) || !rejected)
    TRY(x12kitp_check_text(p->member_id, fld(f, who, "member ID"), 2, 80, c->err));
  if (!given(p->last) && !rejected)
    return bad(c->err, "%ssubscriber last name is missing", who);
  TRY(check_names(c, who, "subscriber", p->last, p->first, p->middle, p->suffix));
  if (given(p->group_name) && !given(p->group_number))
    return bad(c->err, "%sgroup name needs the group number", who);
  if (given(p->group_number)) {
    TRY(x12kitp_check_text(p->group_number, fld(f, who, "group number"), 1, 50, c->err));
    if (given(p->group_name))
      TRY(x12kitp_check_text(p->group_name, fld(f, who, "group name"), 1, 80, c->err));
  }
  if (given(p->plan_name) && !given(p->plan_number))
    return bad(c->err, "%splan name needs the plan number", who);
  if (given(p->plan_number)) {
    TRY(x12kitp_check_text(p->plan_number, fld(f, who, "plan number"), 1, 50, c->err));
    if (given(p->plan_name))
      TRY(x12kitp_check_text(p->plan_name, fld(f, who, "plan name"), 1, 80, c->err));
  }
  TRY(check_rejections(c, p->rejections, p->nrejections, who, "subscriber rejection", "2100C"));
  fmt(g, sizeof g, "%ssubscriber ", who);
  TRY(check_gender(c, p->gender, p->dob, g, "2100C"));
  TRY(check_dates(c, p->dates, p->ndates, X12KIT_RESPOND_MAX_PATIENT_DATES, g, "2100C"));
  TRY(check_benefits(c, p->benefits, p->nbenefits, who, "2110C", "2120C"));
  if (writes_dependent(p))
    TRY(check_dependent_271(c, &p->dependent, who));
  return X12KIT_OK;
}

/* The levels a 271 writes, after its rejections. */
static int stops_at_source(const x12kit_271_response *r)
{
  return r->nsource_rejections > 0 || r->npayer_rejections > 0;
}

int x12kit_271_response_check(const x12kit_271_response *r, const x12kit_schema *schema,
                              x12kit_error *err)
{
  char who[WHO_SIZE];
  const char *receiver = NULL;
  size_t i;
  ctx c;

  if (err)
    memset(err, 0, sizeof *err);
  c.err = err;
  c.g = NULL;
  c.map = "271";
  if (r == NULL)
    return bad(err, "no response");
  if (schema != NULL) {
    c.g = x12kit_schema_find(schema, "271", "005010X279A1", NULL);
    if (c.g == NULL) {
      if (err)
        x12kitp_error_set(err, X12KIT_ERR_SCHEMA, X12KIT_ACK_NONE, NULL,
                          "the maps hold no 271 guide (005010X279A1)");
      return X12KIT_ERR_SCHEMA;
    }
  }
  TRY(x12kitp_check_text(r->payer_name, "payer name", 1, 60, err));
  TRY(x12kitp_check_text(r->payer_id, "payer ID", 2, 80, err));
  TRY(check_contact(&c, &r->payer_contact, "payer "));
  TRY(check_rejections(&c, r->source_rejections, r->nsource_rejections, "", "source rejection",
                       "2000A"));
  TRY(check_rejections(&c, r->payer_rejections, r->npayer_rejections, "", "payer rejection",
                       "2100A"));
  TRY(x12kitp_check_text(r->reference, "reference (BHT03)", 1, 50, err));

  if (!stops_at_source(r)) {
    TRY(check_party(&c, r->provider_name, r->provider_last, r->provider_first, "provider"));
    TRY(check_provider_npi(&c, r->provider_npi, r->nprovider_rejections > 0));
    TRY(check_rejections(&c, r->provider_rejections, r->nprovider_rejections, "",
                         "provider rejection", "2100B"));
    receiver = r->provider_npi;
    if (r->nprovider_rejections == 0) {
      if (r->npatients == 0)
        return bad(err, "patients: at least one is needed (or a rejection of the payer or the "
                   "provider)");
      TRY(check_count(r->patients, r->npatients, X12KIT_271_RESPONSE_MAX_PATIENTS, "",
                      "patients", err));
      for (i = 0; i < r->npatients; i++) {
        fmt(who, sizeof who, "patient %zu: ", i + 1);
        TRY(check_patient_271(&c, &r->patients[i], who));
      }
    }
  } else if (given(r->provider_npi)) {
    receiver = r->provider_npi;
  }
  return check_envelope(&c, r->sender_id, r->receiver_id, r->payer_id, receiver,
                        r->sender_qualifier, r->receiver_qualifier, r->usage, r->control,
                        r->date, r->time);
}

/* ---- the 278: checks ---- */

static int um_given(const x12kit_278_reply_um *u)
{
  return given(u->request_category) || given(u->certification_type) ||
         given(u->service_type) || given(u->place_of_service) || given(u->level_of_service);
}

static int check_um(const ctx *c, const x12kit_278_reply_um *u, const char *who,
                    const char *loop)
{
  char f[FIELD_SIZE];

  if (!um_given(u))
    return X12KIT_OK;
  TRY(check_code(c, u->request_category, fld(f, who, "request category (UM01)"), loop, "UM",
                 1));
  fld(f, who, "certification type (UM02)");
  if (given(u->certification_type) && strlen(u->certification_type) != 1)
    return bad(c->err, "%s must be 1 letter or digit", f);
  TRY(check_code(c, u->certification_type, f, loop, "UM", 2));
  if (given(u->service_type)) {
    fld(f, who, "service type (UM03)");
    if (strlen(u->service_type) > 2)
      return bad(c->err, "%s must be 1 or 2 letters or digits", f);
    TRY(check_code(c, u->service_type, f, loop, "UM", 3));
  }
  if (given(u->place_of_service) &&
      (strlen(u->place_of_service) != 2 || !all_digits(u->place_of_service) ||
       strcmp(u->place_of_service, "00") == 0))
    return bad(c->err, "%splace of service (UM04) must be a 2-digit code, 01 to 99", who);
  if (given(u->level_of_service))
    TRY(check_code(c, u->level_of_service, fld(f, who, "level of service (UM06)"), loop, "UM",
                   6));
  return X12KIT_OK;
}

static int check_decision(const ctx *c, const x12kit_278_reply_decision *d, const char *who,
                          const char *loop, int rejected)
{
  static const char *const actions[] = { "A1", "A2", "A3", "A4", "A6", "C", "CT", "NA", NULL };
  static const char *const numbered[] = { "A1", "A2", "A6", NULL };
  static const char *const reasoned[] = { "A2", "A3", "A4", "A6", NULL };
  char f[FIELD_SIZE], f2[FIELD_SIZE], d1[9], d2[9];

  if (!given(d->action)) {
    if (given(d->certification) || given(d->reason) || d->second_opinion)
      return bad(c->err, "%sdecision (HCR01) is missing: the certification number, reason and "
                 "second opinion (HCR02 to HCR04) need it", who);
  } else {
    fld(f, who, "decision (HCR01)");
    if (rejected)
      return bad(c->err, "%s cannot go with a rejection (AAA) of the same loop: a rejected "
                 "request gets no decision", f);
    if (!is_one_of(d->action, actions))
      return bad(c->err, "%s must be A1, A2, A3, A4, A6, C, CT or NA", f);
    TRY(check_code(c, d->action, f, loop, "HCR", 1));
    if (is_one_of(d->action, numbered) && !given(d->certification))
      return bad(c->err, "%scertification number (HCR02) is required when the decision is %s",
                 who, d->action);
    if (given(d->certification))
      TRY(x12kitp_check_text(d->certification, fld(f, who, "certification number (HCR02)"), 1,
                             50, c->err));
    if (strcmp(d->action, "A3") == 0 && !given(d->reason))
      return bad(c->err, "%sdecision reason (HCR03) is required when the decision is A3", who);
    if (given(d->reason) && !is_one_of(d->action, reasoned))
      return bad(c->err, "%sdecision reason (HCR03) goes only with A2, A3, A4 or A6, not with "
                 "%s", who, d->action);
    if (given(d->reason))
      TRY(x12kitp_check_text(d->reason, fld(f, who, "decision reason (HCR03)"), 1, 30, c->err));
    if (d->second_opinion && d->second_opinion != 'Y' && d->second_opinion != 'N')
      return bad(c->err, "%ssecond opinion (HCR04) must be Y or N", who);
  }
  if (given(d->admin_reference))
    TRY(x12kitp_check_text(d->admin_reference, fld(f, who, "administrative reference (REF NT)"),
                           1, 50, c->err));
  if (given(d->previous_auth))
    TRY(x12kitp_check_text(d->previous_auth, fld(f, who, "previous authorization (REF BB)"), 1,
                           50, c->err));
  if (given(d->issued))
    TRY(check_date(d->issued, fld(f, who, "issue date (DTP 102)"), d1, c->err));
  TRY(check_range(d->effective, d->effective_end, fld(f, who, "effective date (DTP 007)"),
                  fld(f2, who, "effective end date (DTP 007)"), c->err));
  if (given(d->expires)) {
    TRY(check_date(d->expires, fld(f, who, "expiration date (DTP 036)"), d2, c->err));
    if (given(d->effective) && check_date(d->effective, "", d1, NULL) == X12KIT_OK &&
        strcmp(d2, d1) < 0)
      return bad(c->err, "%sexpiration date (DTP 036) is before the effective date (DTP 007)",
                 who);
  }
  return X12KIT_OK;
}

static int delivery_given(const x12kit_278_delivery *d)
{
  return given(d->quantity) || given(d->qualifier) || given(d->per) || given(d->period_unit) ||
         given(d->periods);
}

/* HSD: what is approved. */
static int check_delivery(const ctx *c, const x12kit_278_delivery *d, const char *who,
                          const char *loop)
{
  char f[FIELD_SIZE];

  if (given(d->quantity)) {
    TRY(x12kitp_check_whole(d->quantity, fld(f, who, "approved quantity (HSD02)"), 1, 99999,
                            NULL, c->err));
  } else if (given(d->qualifier) || given(d->per)) {
    return bad(c->err, "%sapproved quantity (HSD02) is missing (its qualifier and unit need "
               "it)", who);
  }
  if (given(d->qualifier)) {
    fld(f, who, "approved quantity qualifier (HSD01)");
    if (strlen(d->qualifier) != 2)
      return bad(c->err, "%s must be 2 letters", f);
    TRY(check_code(c, d->qualifier, f, loop, "HSD", 1));
  }
  if (given(d->per)) {
    fld(f, who, "approved quantity unit (HSD03)");
    if (strlen(d->per) != 2)
      return bad(c->err, "%s must be 2 letters", f);
    TRY(check_code(c, d->per, f, loop, "HSD", 3));
  }
  if (given(d->periods) != given(d->period_unit))
    return bad(c->err, "%sapproved period unit (HSD05) and number of periods (HSD06) must be "
               "given together", who);
  if (given(d->periods)) {
    TRY(check_code(c, d->period_unit, fld(f, who, "approved period unit (HSD05)"), loop, "HSD",
                   5));
    TRY(x12kitp_check_whole(d->periods, fld(f, who, "approved number of periods (HSD06)"), 1,
                            999, NULL, c->err));
  }
  return X12KIT_OK;
}

static int check_service(const ctx *c, const x12kit_278_service *s, const char *who)
{
  char f[FIELD_SIZE], f2[FIELD_SIZE];

  TRY(x12kitp_check_procedure(s->procedure, fld(f, who, "procedure"), c->err));
  if (given(s->description))
    TRY(x12kitp_check_text(s->description, fld(f, who, "description"), 1, 80, c->err));
  if (given(s->units))
    TRY(x12kitp_check_whole(s->units, fld(f, who, "units"), 1, 99999, NULL, c->err));
  if (given(s->charge))
    TRY(x12kitp_check_amount(s->charge, fld(f, who, "charge"), c->err));
  if (given(s->revenue_code) && (strlen(s->revenue_code) != 4 || !all_digits(s->revenue_code)))
    return bad(c->err, "%srevenue code must be 4 digits", who);
  TRY(check_range(s->from, s->to, fld(f, who, "service date (DTP 472)"),
                  fld(f2, who, "service end date (DTP 472)"), c->err));
  return check_delivery(c, &s->delivery, who, "2000F");
}

static int check_line(const ctx *c, const x12kit_278_reply_line *l, const char *who)
{
  char f[FIELD_SIZE];

  if (given(l->trace) || given(l->trace_entity)) {
    if (!given(l->trace))
      return bad(c->err, "%strace (TRN02) is missing (its entity needs it)", who);
    TRY(check_trace(c, l->trace, l->trace_entity, who, "trace", 0));
  }
  TRY(check_payer_trace(c, l->payer_trace, l->payer_trace_entity, who));
  TRY(check_rejections(c, l->rejections, l->nrejections, who, "rejection", "2000F"));
  TRY(check_um(c, &l->um, who, "2000F"));
  TRY(check_decision(c, &l->decision, who, "2000F", l->nrejections > 0));
  TRY(check_service(c, &l->service, who));
  if (given(l->note))
    TRY(x12kitp_check_text(l->note, fld(f, who, "note (MSG01)"), 1, 264, c->err));
  return X12KIT_OK;
}

/* PRV: a taxonomy code (10 letters or digits) and its role code. */
static int check_taxonomy(const ctx *c, const char *taxonomy, const char *role, const char *who)
{
  char f[FIELD_SIZE];
  size_t i;

  if (given(role) && !given(taxonomy))
    return bad(c->err, "%s role needs the %s taxonomy", who, who);
  if (!given(taxonomy))
    return X12KIT_OK;
  fmt(f, sizeof f, "%s taxonomy", who);
  TRY(x12kitp_check_text(taxonomy, f, 10, 10, c->err));
  for (i = 0; i < 10; i++)
    if (!x12kitp_is_alnum(taxonomy[i]))
      return bad(c->err, "%s must be 10 letters or digits", f);
  if (given(role)) {
    fmt(f, sizeof f, "%s role", who);
    TRY(check_code(c, role, f, "2010EA", "PRV", 1));
  }
  return X12KIT_OK;
}

static int check_event(const ctx *c, const x12kit_278_reply *r)
{
  char f[FIELD_SIZE], who[WHO_SIZE], dx[MAX_DIAGNOSES][8];
  int rejected = r->nevent_rejections > 0;
  size_t i, k;

  TRY(check_trace(c, r->trace, r->trace_entity, "", "trace", 0));
  TRY(check_payer_trace(c, r->payer_trace, r->payer_trace_entity, ""));
  TRY(check_rejections(c, r->event_rejections, r->nevent_rejections, "", "event rejection",
                       "2000E"));
  TRY(check_um(c, &r->um, "", "2000E"));
  TRY(check_decision(c, &r->decision, "", "2000E", rejected));
  TRY(check_range(r->from, r->to, "event date (DTP AAH)", "event end date (DTP AAH)", c->err));
  TRY(check_count(r->diagnoses, r->ndiagnoses, MAX_DIAGNOSES, "", "diagnoses", c->err));
  for (i = 0; i < r->ndiagnoses; i++) {
    fmt(f, sizeof f, "diagnosis %zu", i + 1);
    TRY(x12kitp_check_icd10(r->diagnoses[i], f, dx[i], c->err));
    for (k = 0; k < i; k++)
      if (strcmp(dx[k], dx[i]) == 0)
        return bad(c->err, "diagnosis %zu repeats diagnosis %zu", i + 1, k + 1);
  }
  TRY(check_delivery(c, &r->approved, "", "2000E"));
  if (given(r->note))
    TRY(x12kitp_check_text(r->note, "note (MSG01)", 1, 264, c->err));
  TRY(check_count(r->providers, r->nproviders, MAX_PROVIDERS, "", "service providers",
                  c->err));
  for (i = 0; i < r->nproviders; i++) {
    const x12kit_278_provider *p = &r->providers[i];
    fmt(who, sizeof who, "service provider %zu", i + 1);
    if (given(p->entity_code)) {
      fmt(f, sizeof f, "%s entity code", who);
      TRY(check_code(c, p->entity_code, f, "2010EA", "NM1", 1));
    }
    TRY(check_party(c, p->name, p->last, p->first, who));
    if (given(p->npi)) {
      fmt(f, sizeof f, "%s NPI", who);
      TRY(x12kitp_check_npi(p->npi, f, c->err));
    }
    TRY(check_taxonomy(c, p->taxonomy, p->role, who));
  }
  if (rejected)
    return X12KIT_OK;
  TRY(check_count(r->lines, r->nlines, X12KIT_278_REPLY_MAX_LINES, "", "service lines",
                  c->err));
  for (i = 0; i < r->nlines; i++) {
    fmt(who, sizeof who, "service line %zu: ", i + 1);
    TRY(check_line(c, &r->lines[i], who));
  }
  return X12KIT_OK;
}

static int reply_dependent_given(const x12kit_278_reply *r)
{
  return given(r->dependent_last) || given(r->dependent_first) ||
         given(r->dependent_member_id) || given(r->dependent_dob) ||
         given(r->dependent_gender) || given(r->dependent_relationship) ||
         r->ndependent_rejections > 0;
}

static int check_dependent_278(const ctx *c, const x12kit_278_reply *r)
{
  if (!given(r->dependent_last))
    return bad(c->err, "dependent last name is missing (the other dependent fields need it)");
  TRY(x12kitp_check_text(r->dependent_last, "dependent last name", 1, 60, c->err));
  TRY(x12kitp_check_text(r->dependent_first, "dependent first name", 1, 35, c->err));
  if (given(r->dependent_member_id))
    TRY(x12kitp_check_text(r->dependent_member_id, "dependent member ID", 2, 80, c->err));
  TRY(check_gender(c, r->dependent_gender, r->dependent_dob, "dependent ", "2010D"));
  if (given(r->dependent_relationship)) {
    if (strlen(r->dependent_relationship) != 2)
      return bad(c->err, "dependent relationship (INS02) must be 2 letters or digits");
    TRY(check_code(c, r->dependent_relationship, "dependent relationship (INS02)", "2010D",
                   "INS", 2));
  }
  return check_rejections(c, r->dependent_rejections, r->ndependent_rejections, "",
                          "dependent rejection", "2010D");
}

/* How far a 278 answer goes: 1 UMO, 2 requester, 3 subscriber, 4 dependent, 5 event. */
static int reply_depth(const x12kit_278_reply *r)
{
  if (r->nsource_rejections > 0 || r->npayer_rejections > 0)
    return 1;
  if (r->nprovider_rejections > 0)
    return 2;
  if (r->nsubscriber_rejections > 0)
    return 3;
  if (reply_dependent_given(r) && r->ndependent_rejections > 0)
    return 4;
  return 5;
}

int x12kit_278_reply_check(const x12kit_278_reply *r, const x12kit_schema *schema,
                           x12kit_error *err)
{
  const char *receiver = NULL;
  int depth;
  ctx c;

  if (err)
    memset(err, 0, sizeof *err);
  c.err = err;
  c.g = NULL;
  c.map = "278 response";
  if (r == NULL)
    return bad(err, "no response");
  if (schema != NULL) {
    c.g = x12kit_schema_find(schema, "278", "005010X217", "11");
    if (c.g == NULL) {
      if (err)
        x12kitp_error_set(err, X12KIT_ERR_SCHEMA, X12KIT_ACK_NONE, NULL,
                          "the maps hold no 278 response guide (005010X217, BHT02 11)");
      return X12KIT_ERR_SCHEMA;
    }
  }
  TRY(x12kitp_check_text(r->payer_name, "payer name", 1, 60, err));
  TRY(x12kitp_check_text(r->payer_id, "payer ID", 2, 80, err));
  TRY(check_contact(&c, &r->payer_contact, "payer "));
  TRY(check_rejections(&c, r->source_rejections, r->nsource_rejections, "", "source rejection",
                       "2000A"));
  TRY(check_rejections(&c, r->payer_rejections, r->npayer_rejections, "", "payer rejection",
                       "2010A"));
  TRY(x12kitp_check_text(r->reference, "reference (BHT03)", 1, 50, err));
  if (given(r->response_type)) {
    if (strlen(r->response_type) != 2)
      return bad(err, "response type (BHT06) must be 2 letters or digits");
    TRY(check_code(&c, r->response_type, "response type (BHT06)", "", "BHT", 6));
  }

  depth = reply_depth(r);
  if (depth >= 2) {
    if (given(r->requester_code))
      TRY(check_code(&c, r->requester_code, "requester entity code (NM101)", "2010B", "NM1", 1));
    TRY(check_party(&c, r->provider_name, r->provider_last, r->provider_first, "provider"));
    TRY(check_provider_npi(&c, r->provider_npi, r->nprovider_rejections > 0));
    TRY(check_rejections(&c, r->provider_rejections, r->nprovider_rejections, "",
                         "provider rejection", "2010B"));
    receiver = r->provider_npi;
  } else if (given(r->provider_npi)) {
    receiver = r->provider_npi;
  }
  if (depth >= 3) {
    TRY(x12kitp_check_text(r->member_id, "member ID", 2, 80, err));
    TRY(x12kitp_check_text(r->last, "subscriber last name", 1, 60, err));
    if (given(r->first))
      TRY(x12kitp_check_text(r->first, "subscriber first name", 1, 35, err));
    TRY(check_gender(&c, r->gender, r->dob, "subscriber ", "2010C"));
    TRY(check_rejections(&c, r->subscriber_rejections, r->nsubscriber_rejections, "",
                         "subscriber rejection", "2010C"));
  }
  if (depth >= 4 && reply_dependent_given(r))
    TRY(check_dependent_278(&c, r));
  if (depth >= 5)
    TRY(check_event(&c, r));
  return check_envelope(&c, r->sender_id, r->receiver_id, r->payer_id, receiver,
                        r->sender_qualifier, r->receiver_qualifier, r->usage, r->control,
                        r->date, r->time);
}

/* ---- writing ---- */

typedef x12kitp_out out;

#define SEG X12KITP_SEG
#define begin x12kitp_out_begin
#define el x12kitp_out_element
#define comp x12kitp_out_component
#define rep x12kitp_out_repetition
#define end x12kitp_out_end

/* A checked date, YYYY-MM-DD or CCYYMMDD, as "CCYYMMDD". */
static void d8(const char *s, char d[9])
{
  size_t i, k = 0;

  for (i = 0; s[i] && k < 8; i++)
    if (s[i] != '-')
      d[k++] = s[i];
  d[k] = '\0';
}

/* A checked whole number without leading zeros. */
static void number(const char *s, char out_[12])
{
  unsigned long v = 0;

  for (; *s; s++)
    v = v * 10 + (unsigned long)(*s - '0');
  snprintf(out_, 12, "%lu", v);
}

/* DTP with D8, or RD8 when |to| is given and another day. */
static void dtp(out *o, const char *qualifier, const char *from, const char *to)
{
  char d1[9], d2[9], range[18];

  if (!given(from))
    return;
  d8(from, d1);
  if (given(to)) {
    d8(to, d2);
    if (strcmp(d1, d2) != 0) {
      snprintf(range, sizeof range, "%s-%s", d1, d2);
      SEG(o, "DTP", qualifier, "RD8", range);
      return;
    }
  }
  SEG(o, "DTP", qualifier, "D8", d1);
}

static void dtp_list(out *o, const x12kit_respond_date *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    dtp(o, v[i].qualifier, v[i].from, v[i].to);
}

static void dmg(out *o, const char *dob, const char *gender)
{
  char d[9];

  if (!given(dob))
    return;
  d8(dob, d);
  SEG(o, "DMG", "D8", d, gender);
}

static void aaa(out *o, const x12kit_respond_aaa *v, size_t n)
{
  char valid[2];
  size_t i;

  for (i = 0; i < n; i++) {
    valid[0] = v[i].valid;
    valid[1] = '\0';
    SEG(o, "AAA", valid, "", v[i].reason, v[i].action);
  }
}

static void per(out *o, const x12kit_respond_contact *k)
{
  x12kitp_out_per(o, k->name, k->phone, k->extension, k->fax, k->email, k->url);
}

/* NM1 of an organization (NM102 "2") or a person ("1"). */
static void nm1(out *o, const char *code, const char *org, const char *last, const char *first,
                const char *qualifier, const char *id)
{
  if (given(org))
    SEG(o, "NM1", code, "2", org, "", "", "", "", given(id) ? qualifier : "", id);
  else
    SEG(o, "NM1", code, "1", last, first, "", "", "", given(id) ? qualifier : "", id);
}

static void trn(out *o, const char *type, const char *number_, const char *entity)
{
  if (given(number_))
    SEG(o, "TRN", type, number_, entity);
}

static void hl(out *o, unsigned long id, unsigned long parent, const char *level, int children)
{
  char a[24], b[24];

  snprintf(a, sizeof a, "%lu", id);
  if (parent)
    snprintf(b, sizeof b, "%lu", parent);
  else
    b[0] = '\0';
  SEG(o, "HL", a, b, level, children ? "1" : "0");
}

/* Splits a checked "code[:mod...]" into components of the current element. */
static size_t code_components(out *o, const char *p)
{
  char part[6];
  size_t n, count = 0;

  while (*p) {
    n = strcspn(p, ":");
    if (n >= sizeof part)
      n = sizeof part - 1;
    memcpy(part, p, n);
    part[n] = '\0';
    comp(o, part);
    count++;
    p += n;
    if (*p == ':')
      p++;
  }
  return count;
}

/* ---- the 271: writing ---- */

static void write_entity(out *o, const x12kit_271_response_entity *e)
{
  nm1(o, e->entity_code, e->name, e->last, e->first, e->id_qualifier, e->id);
  per(o, &e->contact);
}

static void write_benefit(out *o, const x12kit_271_response_benefit *b)
{
  char amount[32], percent[32], auth[2], network[2];
  size_t i, ncomp;

  amount[0] = percent[0] = '\0';
  if (b->amount.set)
    x12_decimal(b->amount.cents, 2, amount);
  if (b->percent.set)
    x12_decimal(b->percent.bp, 4, percent);
  auth[0] = b->auth;
  auth[1] = '\0';
  network[0] = b->network;
  network[1] = '\0';

  begin(o, "EB");
  el(o, b->code);
  el(o, b->coverage_level);
  el(o, b->nservice_types > 0 ? b->service_types[0] : NULL);
  for (i = 1; i < b->nservice_types; i++)
    rep(o, b->service_types[i]);
  el(o, b->insurance_type);
  el(o, b->plan);
  el(o, b->period);
  el(o, amount);
  el(o, percent);
  el(o, b->quantity_qualifier);
  el(o, b->quantity);
  el(o, auth);
  el(o, network);
  if (given(b->procedure)) {
    el(o, "HC");
    ncomp = 1 + code_components(o, b->procedure);
    if (given(b->procedure_end)) {
      for (; ncomp < 7; ncomp++)
        comp(o, NULL);
      comp(o, b->procedure_end);
    }
  }
  end(o);
  dtp_list(o, b->dates, b->ndates);
  aaa(o, b->rejections, b->nrejections);
  for (i = 0; i < b->nmessages; i++)
    SEG(o, "MSG", b->messages[i]);
  if (b->nentities > 0) {
    SEG(o, "LS", "2120");
    for (i = 0; i < b->nentities; i++)
      write_entity(o, &b->entities[i]);
    SEG(o, "LE", "2120");
  }
}

static void write_benefits(out *o, const x12kit_271_response_benefit *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    write_benefit(o, &v[i]);
}

/* One checked patient from HL number |*next|: 2000C, and 2000D for his dependent. */
static void write_patient_271(out *o, const x12kit_271_response_patient *p, unsigned long *next)
{
  const x12kit_271_response_dependent *d = &p->dependent;
  int dep = writes_dependent(p);
  unsigned long sub = (*next)++;

  hl(o, sub, 2, "22", dep);
  if (!dep) {
    trn(o, "2", p->trace, p->trace_entity);
    trn(o, "1", p->payer_trace, p->payer_trace_entity);
  }
  SEG(o, "NM1", "IL", "1", p->last, p->first, p->middle, "", p->suffix,
      given(p->member_id) ? "MI" : "", p->member_id);
  if (given(p->group_number))
    SEG(o, "REF", "6P", p->group_number, p->group_name);
  if (given(p->plan_number))
    SEG(o, "REF", "18", p->plan_number, p->plan_name);
  aaa(o, p->rejections, p->nrejections);
  dmg(o, p->dob, p->gender);
  dtp_list(o, p->dates, p->ndates);
  write_benefits(o, p->benefits, p->nbenefits);
  if (!dep)
    return;
  hl(o, (*next)++, sub, "23", 0);
  trn(o, "2", p->trace, p->trace_entity);
  trn(o, "1", p->payer_trace, p->payer_trace_entity);
  SEG(o, "NM1", "03", "1", d->last, d->first, d->middle, "", d->suffix);
  aaa(o, d->rejections, d->nrejections);
  dmg(o, d->dob, d->gender);
  if (given(d->relationship))
    SEG(o, "INS", "N", d->relationship);
  dtp_list(o, d->dates, d->ndates);
  write_benefits(o, d->benefits, d->nbenefits);
}

/* The envelope of a checked answer, opened up to its ST. */
typedef struct env {
  char date[9], time4[5], isa_date[7];
} env;

static int open_envelope(out *o, env *e, const char *functional_id, const char *version,
                         const char *sender, const char *receiver, const char *sender_qualifier,
                         const char *receiver_qualifier, char usage, int ack_requested,
                         unsigned long control, const char *date, const char *time,
                         const char *set, x12kit_error *err)
{
  x12kit_isa_fields isa;
  x12kit_gs_fields gs;

  if (given(date)) {
    memcpy(e->date, date, 9);
    memcpy(e->time4, time, 5);
  } else if (x12kitp_now(e->date, e->time4) != X12KIT_OK) {
    return bad(err, "cannot read the clock for the creation date");
  }
  memcpy(e->isa_date, e->date + 2, 6);
  e->isa_date[6] = '\0';

  memset(&isa, 0, sizeof isa);
  isa.sender_qualifier = sender_qualifier;
  isa.sender_id = sender;
  isa.receiver_qualifier = receiver_qualifier;
  isa.receiver_id = receiver;
  isa.date = e->isa_date;
  isa.time = e->time4;
  isa.control = control;
  isa.ack_requested = ack_requested ? 1 : 0;
  isa.usage = usage ? usage : 'P';
  memset(&gs, 0, sizeof gs);
  gs.functional_id = functional_id;
  gs.sender = sender;
  gs.receiver = receiver;
  gs.date = e->date;
  gs.time = e->time4;
  gs.control = control;
  gs.version = version;

  o->rc = x12kit_writer_interchange(o->w, &isa);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_group(o->w, &gs);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_transaction(o->w, set, NULL, NULL);
  return X12KIT_OK;
}

/* Closes ST, GS and ISA and reports the writer's error, if any. */
static int close_envelope(out *o, x12kit_error *err)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_transaction(o->w);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_group(o->w);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_interchange(o->w);
  if (o->rc != X12KIT_OK && err) {
    const x12kit_error *we = x12kit_writer_error(o->w);
    if (we)
      *err = *we;
    else
      x12kitp_error_set(err, o->rc, X12KIT_ACK_NONE, NULL, "%s", x12kit_strerror(o->rc));
  }
  return o->rc;
}

int x12kit_271_response_write(const x12kit_271_response *r, const x12kit_schema *schema,
                              x12kit_writer *w, x12kit_error *err)
{
  const char *sender, *receiver;
  unsigned long next = 3;
  size_t i;
  env e;
  out o;
  int rc, stop;

  rc = x12kit_271_response_check(r, schema, err);
  if (rc != X12KIT_OK)
    return rc;
  if (w == NULL)
    return bad(err, "no writer");
  sender = given(r->sender_id) ? r->sender_id : r->payer_id;
  receiver = given(r->receiver_id) ? r->receiver_id : r->provider_npi;
  o.w = w;
  o.rc = X12KIT_OK;
  TRY(open_envelope(&o, &e, "HB", "005010X279A1", sender, receiver, r->sender_qualifier,
                    r->receiver_qualifier, r->usage, r->ack_requested, r->control, r->date,
                    r->time, "271", err));
  SEG(&o, "BHT", "0022", "11", r->reference, e.date, e.time4);

  /* 2000A/2100A */
  stop = stops_at_source(r);
  hl(&o, 1, 0, "20", !stop);
  aaa(&o, r->source_rejections, r->nsource_rejections);
  SEG(&o, "NM1", "PR", "2", r->payer_name, "", "", "", "", "PI", r->payer_id);
  per(&o, &r->payer_contact);
  aaa(&o, r->payer_rejections, r->npayer_rejections);

  /* 2000B/2100B, then the patients */
  if (!stop) {
    hl(&o, 2, 1, "21", r->nprovider_rejections == 0);
    nm1(&o, "1P", r->provider_name, r->provider_last, r->provider_first, "XX",
        r->provider_npi);
    aaa(&o, r->provider_rejections, r->nprovider_rejections);
    if (r->nprovider_rejections == 0)
      for (i = 0; i < r->npatients; i++)
        write_patient_271(&o, &r->patients[i], &next);
  }
  return close_envelope(&o, err);
}

/* ---- the 278: writing ---- */

static void write_um(out *o, const x12kit_278_reply_um *u)
{
  if (!um_given(u))
    return;
  begin(o, "UM");
  el(o, u->request_category);
  el(o, u->certification_type);
  el(o, u->service_type);
  el(o, u->place_of_service);
  if (given(u->place_of_service))
    comp(o, "B");
  el(o, NULL);
  el(o, u->level_of_service);
  end(o);
}

static void write_hcr(out *o, const x12kit_278_reply_decision *d)
{
  char opinion[2];

  if (!given(d->action))
    return;
  opinion[0] = d->second_opinion;
  opinion[1] = '\0';
  SEG(o, "HCR", d->action, d->certification, d->reason, opinion);
}

static void write_refs(out *o, const x12kit_278_reply_decision *d)
{
  if (given(d->admin_reference))
    SEG(o, "REF", "NT", d->admin_reference);
  if (given(d->previous_auth))
    SEG(o, "REF", "BB", d->previous_auth);
}

static void write_certification_dates(out *o, const x12kit_278_reply_decision *d)
{
  dtp(o, "102", d->issued, NULL);
  dtp(o, "007", d->effective, d->effective_end);
  dtp(o, "036", d->expires, NULL);
}

static void write_hsd(out *o, const x12kit_278_delivery *d)
{
  char q[12], p[12];

  if (!delivery_given(d))
    return;
  q[0] = p[0] = '\0';
  if (given(d->quantity))
    number(d->quantity, q);
  if (given(d->periods))
    number(d->periods, p);
  SEG(o, "HSD", q[0] ? (given(d->qualifier) ? d->qualifier : "VS") : "", q, d->per, "",
      d->period_unit, p);
}

/* HC:code[:mod...][:::::description] as the current element. */
static void procedure(out *o, const char *p, const char *description)
{
  size_t ncomp;

  el(o, "HC");
  ncomp = 1 + code_components(o, p);
  if (given(description)) {
    for (; ncomp < 6; ncomp++)
      comp(o, NULL);
    comp(o, description);
  }
}

static void write_service(out *o, const x12kit_278_service *s)
{
  char units[12];

  units[0] = '\0';
  if (given(s->units))
    number(s->units, units);
  if (given(s->revenue_code)) {
    begin(o, "SV2");
    el(o, s->revenue_code);
    procedure(o, s->procedure, s->description);
  } else {
    begin(o, "SV1");
    procedure(o, s->procedure, s->description);
  }
  el(o, s->charge);
  el(o, units[0] ? "UN" : "");
  el(o, units);
  end(o);
}

static void write_line(out *o, const x12kit_278_reply_line *l, unsigned long id,
                       unsigned long parent)
{
  hl(o, id, parent, "SS", 0);
  trn(o, "2", l->trace, l->trace_entity);
  trn(o, "1", l->payer_trace, l->payer_trace_entity);
  aaa(o, l->rejections, l->nrejections);
  write_um(o, &l->um);
  write_hcr(o, &l->decision);
  write_refs(o, &l->decision);
  write_certification_dates(o, &l->decision);
  dtp(o, "472", l->service.from, l->service.to);
  write_service(o, &l->service);
  write_hsd(o, &l->service.delivery);
  if (given(l->note))
    SEG(o, "MSG", l->note);
}

static void write_event(out *o, const x12kit_278_reply *r, unsigned long ev,
                        unsigned long parent)
{
  char dx[8];
  size_t i;
  int rejected = r->nevent_rejections > 0;

  hl(o, ev, parent, "EV", !rejected && r->nlines > 0);
  trn(o, "2", r->trace, r->trace_entity);
  trn(o, "1", r->payer_trace, r->payer_trace_entity);
  aaa(o, r->event_rejections, r->nevent_rejections);
  write_um(o, &r->um);
  write_hcr(o, &r->decision);
  write_refs(o, &r->decision);
  write_certification_dates(o, &r->decision);
  dtp(o, "AAH", r->from, r->to);
  if (r->ndiagnoses > 0) {
    begin(o, "HI");
    for (i = 0; i < r->ndiagnoses; i++) {
      (void)x12kitp_check_icd10(r->diagnoses[i], "diagnosis", dx, NULL);
      el(o, i == 0 ? "ABK" : "ABF");
      comp(o, dx);
    }
    end(o);
  }
  write_hsd(o, &r->approved);
  if (given(r->note))
    SEG(o, "MSG", r->note);
  for (i = 0; i < r->nproviders; i++) {
    const x12kit_278_provider *p = &r->providers[i];
    nm1(o, given(p->entity_code) ? p->entity_code : "SJ", p->name, p->last, p->first, "XX",
        p->npi);
    if (given(p->taxonomy))
      SEG(o, "PRV", given(p->role) ? p->role : "PE", "PXC", p->taxonomy);
  }
  if (rejected)
    return;
  for (i = 0; i < r->nlines; i++)
    write_line(o, &r->lines[i], ev + 1 + i, ev);
}

int x12kit_278_reply_write(const x12kit_278_reply *r, const x12kit_schema *schema,
                           x12kit_writer *w, x12kit_error *err)
{
  const char *sender, *receiver;
  unsigned long ev = 4;
  int rc, depth, dep;
  env e;
  out o;

  rc = x12kit_278_reply_check(r, schema, err);
  if (rc != X12KIT_OK)
    return rc;
  if (w == NULL)
    return bad(err, "no writer");
  sender = given(r->sender_id) ? r->sender_id : r->payer_id;
  receiver = given(r->receiver_id) ? r->receiver_id : r->provider_npi;
  o.w = w;
  o.rc = X12KIT_OK;
  TRY(open_envelope(&o, &e, "HI", "005010X217", sender, receiver, r->sender_qualifier,
                    r->receiver_qualifier, r->usage, r->ack_requested, r->control, r->date,
                    r->time, "278", err));
  SEG(&o, "BHT", "0007", "11", r->reference, e.date, e.time4,
      given(r->response_type) ? r->response_type : "18");
  depth = reply_depth(r);
  dep = reply_dependent_given(r);

  /* 2000A/2010A UMO */
  hl(&o, 1, 0, "20", depth > 1);
  aaa(&o, r->source_rejections, r->nsource_rejections);
  SEG(&o, "NM1", "X3", "2", r->payer_name, "", "", "", "", "PI", r->payer_id);
  per(&o, &r->payer_contact);
  aaa(&o, r->payer_rejections, r->npayer_rejections);

  /* 2000B/2010B requester */
  if (depth >= 2) {
    hl(&o, 2, 1, "21", depth > 2);
    nm1(&o, given(r->requester_code) ? r->requester_code : "1P", r->provider_name,
        r->provider_last, r->provider_first, "XX", r->provider_npi);
    aaa(&o, r->provider_rejections, r->nprovider_rejections);
  }

  /* 2000C/2010C subscriber */
  if (depth >= 3) {
    hl(&o, 3, 2, "22", depth > 3);
    SEG(&o, "NM1", "IL", "1", r->last, r->first, "", "", "", "MI", r->member_id);
    aaa(&o, r->subscriber_rejections, r->nsubscriber_rejections);
    dmg(&o, r->dob, r->gender);
  }

  /* 2000D/2010D dependent */
  if (depth >= 4 && dep) {
    hl(&o, 4, 3, "23", depth > 4);
    nm1(&o, "QC", NULL, r->dependent_last, r->dependent_first, "MI", r->dependent_member_id);
    aaa(&o, r->dependent_rejections, r->ndependent_rejections);
    dmg(&o, r->dependent_dob, r->dependent_gender);
    if (given(r->dependent_relationship))
      SEG(&o, "INS", "N", r->dependent_relationship);
    ev = 5;
  }

  /* 2000E patient event and its 2000F lines */
  if (depth >= 5)
    write_event(&o, r, ev, ev - 1);
  return close_envelope(&o, err);
}
