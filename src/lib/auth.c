/*
 * x12kit - 278 health care services review request builder (005010X217).
 *
 * Every input is checked first (x12kit_278_check), so a bad request
 * never leaves half an interchange in the writer.  Messages name the
 * field, never its value: the values are patients' data.  With a
 * schema, each code is looked up in the element the 278 request map
 * defines for it, so the builder and the validator agree on what is
 * allowed.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "guide.h"

#define MAX_DIAGNOSES 12
#define MAX_ATTACHMENTS 10
#define MAX_PROVIDERS 12
#define MAX_SERVICES 99
#define FIELD_SIZE 96
#define WHO_SIZE 32

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

/* ---- the 278 request map ---- */

typedef struct ctx {
  const x12kit_guide *g;       /* NULL without a schema */
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
  size_t n = strlen(v), i;

  if (n < 1 || n > 3)
    return bad(c->err, "%s must be 1 to 3 letters or digits", field);
  for (i = 0; i < n; i++)
    if (!x12kitp_is_alnum(v[i]))
      return bad(c->err, "%s must be 1 to 3 letters or digits", field);
  e = x12kitp_map_elem(c->g, loop, seg, pos);
  if (e != NULL &&
      (n < e->min || n > e->max || !x12kitp_code_allowed(e, (x12kit_slice){ v, n })))
    return bad(c->err, "%s is not a code the 278 request map allows in %s%02u", field, seg,
               pos);
  return X12KIT_OK;
}

static int check_gender(const ctx *c, const char *v, const char *dob, const char *field,
                        const char *loop)
{
  if (!given(v))
    return X12KIT_OK;
  if (strcmp(v, "F") != 0 && strcmp(v, "M") != 0 && strcmp(v, "U") != 0)
    return bad(c->err, "%s must be F, M or U", field);
  TRY(check_code(c, v, field, loop, "DMG", 3));
  if (!given(dob))
    return bad(c->err, "%s needs the date of birth", field);
  return X12KIT_OK;
}

/* PRV: a taxonomy code (10 letters or digits) and its role code. */
static int check_taxonomy(const ctx *c, const char *taxonomy, const char *role, const char *who,
                          const char *loop)
{
  char f[FIELD_SIZE];
  size_t i;

  if (given(role) && !given(taxonomy))
    return bad(c->err, "%s role needs the %s taxonomy", who, who);
  if (!given(taxonomy))
    return X12KIT_OK;
  snprintf(f, sizeof f, "%s taxonomy", who);
  TRY(x12kitp_check_text(taxonomy, f, 10, 10, c->err));
  for (i = 0; i < 10; i++)
    if (!x12kitp_is_alnum(taxonomy[i]))
      return bad(c->err, "%s must be 10 letters or digits", f);
  if (given(role)) {
    snprintf(f, sizeof f, "%s role", who);
    TRY(check_code(c, role, f, loop, "PRV", 1));
  }
  return X12KIT_OK;
}

static int check_phone(const char *s, const char *field, x12kit_error *err)
{
  size_t n = strlen(s);

  if (!all_digits(s) || n < 10 || n > 15)
    return bad(err, "%s must be 10 to 15 digits, without spaces or signs", field);
  return X12KIT_OK;
}

static int check_requester(const ctx *c, const x12kit_278_request *r)
{
  size_t n;

  if (given(r->requester_code))
    TRY(check_code(c, r->requester_code, "requester entity code", "2010B", "NM1", 1));
  TRY(x12kitp_check_party(r->provider_name, r->provider_last, r->provider_first, "provider",
                          c->err));
  TRY(x12kitp_check_npi(r->provider_npi, "provider NPI", c->err));

  if (given(r->provider_address) || given(r->provider_address2) || given(r->provider_city) ||
      given(r->provider_state) || given(r->provider_zip)) {
    TRY(x12kitp_check_text(r->provider_address, "provider address", 1, 55, c->err));
    if (given(r->provider_address2))
      TRY(x12kitp_check_text(r->provider_address2, "provider address line 2", 1, 55, c->err));
    TRY(x12kitp_check_text(r->provider_city, "provider city", 2, 30, c->err));
    if (!given(r->provider_state))
      return bad(c->err, "provider state is missing");
    if (strlen(r->provider_state) != 2 || r->provider_state[0] < 'A' ||
        r->provider_state[0] > 'Z' || r->provider_state[1] < 'A' || r->provider_state[1] > 'Z')
      return bad(c->err, "provider state must be 2 capital letters");
    if (!given(r->provider_zip))
      return bad(c->err, "provider ZIP code is missing");
    n = strlen(r->provider_zip);
    if (!all_digits(r->provider_zip) || (n != 5 && n != 9))
      return bad(c->err, "provider ZIP code must be 5 or 9 digits");
  }

  if (given(r->contact_name))
    TRY(x12kitp_check_text(r->contact_name, "contact name", 1, 60, c->err));
  if (given(r->contact_phone))
    TRY(check_phone(r->contact_phone, "contact phone", c->err));
  if (given(r->contact_fax))
    TRY(check_phone(r->contact_fax, "contact fax", c->err));
  if (given(r->contact_email)) {
    TRY(x12kitp_check_text(r->contact_email, "contact email", 3, 256, c->err));
    if (strchr(r->contact_email, '@') == NULL)
      return bad(c->err, "contact email must hold an @");
  }
  return check_taxonomy(c, r->provider_taxonomy, r->provider_role, "provider", "2010B");
}

static int check_patients(const ctx *c, const x12kit_278_request *r, char dob[9],
                          char dep_dob[9])
{
  dob[0] = dep_dob[0] = '\0';
  TRY(x12kitp_check_text(r->member_id, "member ID", 2, 80, c->err));
  TRY(x12kitp_check_text(r->last, "subscriber last name", 1, 60, c->err));
  TRY(x12kitp_check_text(r->first, "subscriber first name", 1, 35, c->err));
  TRY(check_gender(c, r->gender, r->dob, "subscriber gender", "2010C"));
  if (given(r->dob))
    TRY(x12kitp_parse_date(r->dob, 1, "subscriber date of birth", dob, c->err));

  if (!given(r->dependent_last)) {
    if (given(r->dependent_first) || given(r->dependent_member_id) || given(r->dependent_dob) ||
        given(r->dependent_gender) || given(r->dependent_relationship))
      return bad(c->err, "dependent last name is missing (the other dependent fields need it)");
    return X12KIT_OK;
  }
  TRY(x12kitp_check_text(r->dependent_last, "dependent last name", 1, 60, c->err));
  TRY(x12kitp_check_text(r->dependent_first, "dependent first name", 1, 35, c->err));
  if (given(r->dependent_member_id))
    TRY(x12kitp_check_text(r->dependent_member_id, "dependent member ID", 2, 80, c->err));
  TRY(check_gender(c, r->dependent_gender, r->dependent_dob, "dependent gender", "2010D"));
  if (given(r->dependent_dob))
    TRY(x12kitp_parse_date(r->dependent_dob, 1, "dependent date of birth", dep_dob, c->err));
  if (given(r->dependent_relationship)) {
    if (strlen(r->dependent_relationship) != 2)
      return bad(c->err, "dependent relationship must be 2 letters or digits");
    TRY(check_code(c, r->dependent_relationship, "dependent relationship", "2010D", "INS", 2));
  }
  return X12KIT_OK;
}

/* HSD; |who| is "" for the event or "service line N " for a line. */
static int check_delivery(const ctx *c, const x12kit_278_delivery *d, const char *who,
                          const char *loop)
{
  char f[FIELD_SIZE];

  if (given(d->quantity)) {
    snprintf(f, sizeof f, "%sdelivery quantity (HSD02)", who);
    TRY(x12kitp_check_whole(d->quantity, f, 1, 99999, NULL, c->err));
  } else if (given(d->qualifier) || given(d->per)) {
    return bad(c->err, "%sdelivery quantity (HSD02) is missing (its qualifier and unit need "
               "it)", who);
  }
  if (given(d->qualifier)) {
    snprintf(f, sizeof f, "%sdelivery quantity qualifier (HSD01)", who);
    if (strlen(d->qualifier) != 2)
      return bad(c->err, "%s must be 2 letters", f);
    TRY(check_code(c, d->qualifier, f, loop, "HSD", 1));
  }
  if (given(d->per)) {
    snprintf(f, sizeof f, "%sdelivery unit (HSD03)", who);
    if (strlen(d->per) != 2)
      return bad(c->err, "%s must be 2 letters", f);
    TRY(check_code(c, d->per, f, loop, "HSD", 3));
  }
  if (given(d->periods) != given(d->period_unit))
    return bad(c->err, "%sdelivery period unit (HSD05) and number of periods (HSD06) must be "
               "given together", who);
  if (given(d->periods)) {
    snprintf(f, sizeof f, "%sdelivery period unit (HSD05)", who);
    TRY(check_code(c, d->period_unit, f, loop, "HSD", 5));
    snprintf(f, sizeof f, "%sdelivery number of periods (HSD06)", who);
    TRY(x12kitp_check_whole(d->periods, f, 1, 999, NULL, c->err));
  }
  return X12KIT_OK;
}

static int delivery_given(const x12kit_278_delivery *d)
{
  return given(d->quantity) || given(d->qualifier) || given(d->per) || given(d->period_unit) ||
         given(d->periods);
}

static int check_event(const ctx *c, const x12kit_278_request *r, const char dob[9],
                       const char dep_dob[9], char from[9], char to[9])
{
  const char *patient_dob = given(r->dependent_last) ? dep_dob : dob;
  char f[FIELD_SIZE], dx[MAX_DIAGNOSES][8];
  size_t i, k;

  from[0] = to[0] = '\0';
  if (given(r->request_category))
    TRY(check_code(c, r->request_category, "request category (UM01)", "2000E", "UM", 1));
  if (given(r->certification_type)) {
    if (strlen(r->certification_type) != 1)
      return bad(c->err, "certification type (UM02) must be 1 letter or digit");
    TRY(check_code(c, r->certification_type, "certification type (UM02)", "2000E", "UM", 2));
  }
  if (given(r->service_type)) {
    if (strlen(r->service_type) > 2)
      return bad(c->err, "service type (UM03) must be 1 or 2 letters or digits");
    TRY(check_code(c, r->service_type, "service type (UM03)", "2000E", "UM", 3));
  }
  if (given(r->place_of_service)) {
    if (strlen(r->place_of_service) != 2 || !all_digits(r->place_of_service) ||
        strcmp(r->place_of_service, "00") == 0)
      return bad(c->err, "place of service (UM04) must be a 2-digit code, 01 to 99");
  }
  if (given(r->level_of_service))
    TRY(check_code(c, r->level_of_service, "level of service (UM06)", "2000E", "UM", 6));
  if (given(r->previous_auth))
    TRY(x12kitp_check_text(r->previous_auth, "previous authorization number", 1, 50, c->err));
  if (given(r->previous_reference))
    TRY(x12kitp_check_text(r->previous_reference, "previous review reference number (REF NT)",
                           1, 50, c->err));

  if (given(r->to) && !given(r->from))
    return bad(c->err, "end date needs the start date");
  if (given(r->from)) {
    TRY(x12kitp_parse_date(r->from, 1, "start date", from, c->err));
    if (given(r->to)) {
      TRY(x12kitp_parse_date(r->to, 1, "end date", to, c->err));
      if (strcmp(from, to) > 0)
        return bad(c->err, "end date is before the start date");
    }
    if (patient_dob[0] && strcmp(patient_dob, from) > 0)
      return bad(c->err, "%s date of birth is after the start date",
                 given(r->dependent_last) ? "dependent" : "subscriber");
  }

  if (r->ndiagnoses > 0 && r->diagnoses == NULL)
    return bad(c->err, "diagnoses: count without a list");
  if (r->ndiagnoses > MAX_DIAGNOSES)
    return bad(c->err, "at most %d diagnoses", MAX_DIAGNOSES);
  for (i = 0; i < r->ndiagnoses; i++) {
    snprintf(f, sizeof f, "diagnosis %zu", i + 1);
    TRY(x12kitp_check_icd10(r->diagnoses[i], f, dx[i], c->err));
    for (k = 0; k < i; k++)
      if (strcmp(dx[k], dx[i]) == 0)
        return bad(c->err, "diagnosis %zu repeats diagnosis %zu", i + 1, k + 1);
  }

  TRY(check_delivery(c, &r->delivery, "", "2000E"));

  if (r->nattachments > 0 && r->attachments == NULL)
    return bad(c->err, "attachments: count without a list");
  if (r->nattachments > MAX_ATTACHMENTS)
    return bad(c->err, "at most %d attachments", MAX_ATTACHMENTS);
  for (i = 0; i < r->nattachments; i++) {
    const x12kit_278_attachment *a = &r->attachments[i];
    if (!given(a->type))
      return bad(c->err, "attachment %zu type (PWK01) is missing", i + 1);
    snprintf(f, sizeof f, "attachment %zu type (PWK01)", i + 1);
    if (strlen(a->type) != 2)
      return bad(c->err, "%s must be 2 letters or digits", f);
    TRY(check_code(c, a->type, f, "2000E", "PWK", 1));
    if (!given(a->transmission))
      return bad(c->err, "attachment %zu transmission (PWK02) is missing", i + 1);
    snprintf(f, sizeof f, "attachment %zu transmission (PWK02)", i + 1);
    TRY(check_code(c, a->transmission, f, "2000E", "PWK", 2));
    if (given(a->control)) {
      snprintf(f, sizeof f, "attachment %zu control number", i + 1);
      TRY(x12kitp_check_text(a->control, f, 2, 80, c->err));
    }
    if (given(a->description)) {
      snprintf(f, sizeof f, "attachment %zu description", i + 1);
      TRY(x12kitp_check_text(a->description, f, 1, 80, c->err));
    }
  }
  if (given(r->note))
    TRY(x12kitp_check_text(r->note, "note", 1, 264, c->err));

  if (r->nproviders > 0 && r->providers == NULL)
    return bad(c->err, "service providers: count without a list");
  if (r->nproviders > MAX_PROVIDERS)
    return bad(c->err, "at most %d service providers", MAX_PROVIDERS);
  for (i = 0; i < r->nproviders; i++) {
    const x12kit_278_provider *p = &r->providers[i];
    char who[WHO_SIZE];
    snprintf(who, sizeof who, "service provider %u", (unsigned)(i + 1));
    if (given(p->entity_code)) {
      snprintf(f, sizeof f, "%s entity code", who);
      TRY(check_code(c, p->entity_code, f, "2010EA", "NM1", 1));
    }
    TRY(x12kitp_check_party(p->name, p->last, p->first, who, c->err));
    if (given(p->npi)) {
      snprintf(f, sizeof f, "%s NPI", who);
      TRY(x12kitp_check_npi(p->npi, f, c->err));
    }
    TRY(check_taxonomy(c, p->taxonomy, p->role, who, "2010EA"));
  }
  return X12KIT_OK;
}

static int check_services(const ctx *c, const x12kit_278_request *r, const char from[9],
                          const char to[9])
{
  const char *end = to[0] ? to : from;
  char f[FIELD_SIZE], who[WHO_SIZE], d1[9], d2[9];
  size_t i;

  if (r->nservices > 0 && r->services == NULL)
    return bad(c->err, "service lines: count without a list");
  if (r->nservices > MAX_SERVICES)
    return bad(c->err, "at most %d service lines", MAX_SERVICES);
  for (i = 0; i < r->nservices; i++) {
    const x12kit_278_service *s = &r->services[i];
    snprintf(who, sizeof who, "service line %u ", (unsigned)(i + 1));
    snprintf(f, sizeof f, "%sprocedure", who);
    TRY(x12kitp_check_procedure(s->procedure, f, c->err));
    if (given(s->description)) {
      snprintf(f, sizeof f, "%sdescription", who);
      TRY(x12kitp_check_text(s->description, f, 1, 80, c->err));
    }
    if (given(s->units)) {
      snprintf(f, sizeof f, "%sunits", who);
      TRY(x12kitp_check_whole(s->units, f, 1, 9999, NULL, c->err));
    }
    if (given(s->charge)) {
      snprintf(f, sizeof f, "%scharge", who);
      TRY(x12kitp_check_amount(s->charge, f, c->err));
    }
    if (given(s->revenue_code) &&
        (strlen(s->revenue_code) != 4 || !all_digits(s->revenue_code)))
      return bad(c->err, "%srevenue code must be 4 digits", who);
    if (given(s->to) && !given(s->from))
      return bad(c->err, "%send date needs its start date", who);
    if (given(s->from)) {
      snprintf(f, sizeof f, "%sstart date", who);
      TRY(x12kitp_parse_date(s->from, 1, f, d1, c->err));
      memcpy(d2, d1, sizeof d2);
      if (given(s->to)) {
        snprintf(f, sizeof f, "%send date", who);
        TRY(x12kitp_parse_date(s->to, 1, f, d2, c->err));
        if (strcmp(d1, d2) > 0)
          return bad(c->err, "%send date is before its start date", who);
      }
      if (from[0] && (strcmp(d1, from) < 0 || strcmp(d2, end) > 0))
        return bad(c->err, "%sdates are outside the requested period (start to end date)", who);
    }
    TRY(check_delivery(c, &s->delivery, who, "2000F"));
  }
  return X12KIT_OK;
}

/* The envelope of |r|: its fields and the 278's constants. */
static void envelope_of(const x12kit_278_request *r, x12kitp_envelope *e)
{
  memset(e, 0, sizeof *e);
  e->functional_id = "HI";
  e->version = "005010X217";
  e->transaction = "278";
  e->structure = "0007";
  e->payer_id = r->payer_id;
  e->provider_npi = r->provider_npi;
  e->reference = r->reference;
  e->trace_entity = r->trace_entity;
  e->sender_id = r->sender_id;
  e->receiver_id = r->receiver_id;
  e->sender_qualifier = r->sender_qualifier;
  e->receiver_qualifier = r->receiver_qualifier;
  e->usage = r->usage;
  e->ack_requested = r->ack_requested;
  e->control = r->control;
  e->date = r->date;
  e->time = r->time;
}

int x12kit_278_check(const x12kit_278_request *r, const x12kit_schema *schema,
                     x12kit_error *err)
{
  char dob[9], dep_dob[9], from[9], to[9];
  x12kitp_envelope e;
  ctx c;

  if (err)
    memset(err, 0, sizeof *err);
  c.err = err;
  c.g = NULL;
  if (r == NULL)
    return bad(err, "no request");
  if (schema != NULL) {
    c.g = x12kit_schema_find(schema, "278", "005010X217", "13");
    if (c.g == NULL) {
      if (err)
        x12kitp_error_set(err, X12KIT_ERR_SCHEMA, X12KIT_ACK_NONE, NULL,
                          "the maps hold no 278 request guide (005010X217, BHT02 13)");
      return X12KIT_ERR_SCHEMA;
    }
  }
  TRY(x12kitp_check_text(r->payer_name, "payer name", 1, 60, err));
  TRY(x12kitp_check_text(r->payer_id, "payer ID", 2, 80, err));
  TRY(check_requester(&c, r));
  TRY(check_patients(&c, r, dob, dep_dob));
  TRY(check_event(&c, r, dob, dep_dob, from, to));
  TRY(check_services(&c, r, from, to));
  if (given(r->trace))
    TRY(x12kitp_check_text(r->trace, "trace number (TRN02)", 1, 50, err));
  envelope_of(r, &e);
  return x12kitp_check_envelope(&e, err);
}

/* ---- writing ---- */

typedef x12kitp_out out;

#define SEG X12KITP_SEG
#define el x12kitp_out_element
#define comp x12kitp_out_component

/* A checked whole number without leading zeros. */
static void number(const char *s, char out_[12])
{
  unsigned long v = 0;

  for (; *s; s++)
    v = v * 10 + (unsigned long)(*s - '0');
  snprintf(out_, 12, "%lu", v);
}

/* DTP with D8, or RD8 when |to| is given and another day (checked YYYY-MM-DD dates). */
static void dtp(out *o, const char *qualifier, const char *from, const char *to)
{
  char d1[9], d2[9], range[18];

  (void)x12kitp_parse_date(from, 1, "start date", d1, NULL);
  if (given(to) && strcmp(from, to) != 0) {
    (void)x12kitp_parse_date(to, 1, "end date", d2, NULL);
    snprintf(range, sizeof range, "%s-%s", d1, d2);
    SEG(o, "DTP", qualifier, "RD8", range);
  } else {
    SEG(o, "DTP", qualifier, "D8", d1);
  }
}

static void prv(out *o, const char *taxonomy, const char *role)
{
  if (given(taxonomy))
    SEG(o, "PRV", given(role) ? role : "PE", "PXC", taxonomy);
}

static void hsd(out *o, const x12kit_278_delivery *d)
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

static void um(out *o, const x12kit_278_request *r)
{
  x12kitp_out_begin(o, "UM");
  el(o, given(r->request_category) ? r->request_category : "HS");
  el(o, given(r->certification_type) ? r->certification_type : "I");
  el(o, r->service_type);
  el(o, r->place_of_service);
  if (given(r->place_of_service))
    comp(o, "B");
  el(o, NULL);
  el(o, r->level_of_service);
  x12kitp_out_end(o);
}

static void service(out *o, const x12kit_278_request *r, const x12kit_278_service *s,
                    unsigned long hl, unsigned long parent)
{
  char units[12];

  x12kitp_out_hl(o, hl, parent, "SS", 0);
  um(o, r);
  if (given(s->from))
    dtp(o, "472", s->from, s->to);
  else if (given(r->from))
    dtp(o, "472", r->from, r->to);
  units[0] = '\0';
  if (given(s->units))
    number(s->units, units);
  if (given(s->revenue_code)) {
    x12kitp_out_begin(o, "SV2");
    el(o, s->revenue_code);
  } else {
    x12kitp_out_begin(o, "SV1");
  }
  x12kitp_out_procedure(o, s->procedure, s->description);
  el(o, s->charge);
  el(o, units[0] ? "UN" : "");
  el(o, units);
  x12kitp_out_end(o);
  hsd(o, &s->delivery);
}

static void per(out *o, const x12kit_278_request *r)
{
  x12kitp_out_per(o, r->contact_name, r->contact_phone, NULL, r->contact_fax, r->contact_email,
                  NULL);
}

int x12kit_278_write(const x12kit_278_request *r, const x12kit_schema *schema,
                     x12kit_writer *w, x12kit_error *err)
{
  x12kitp_envelope e;
  char ref[24], entity[11], dx[8];
  unsigned long ev, next;
  size_t i;
  out o;
  int rc;

  rc = x12kit_278_check(r, schema, err);
  if (rc != X12KIT_OK)
    return rc;
  if (w == NULL)
    return bad(err, "no writer");

  envelope_of(r, &e);
  o.w = w;
  o.rc = X12KIT_OK;
  rc = x12kitp_envelope_open(&o, &e, err);
  if (rc != X12KIT_OK)
    return rc;

  /* 2000A/2010A UMO */
  x12kitp_out_hl(&o, 1, 0, "20", 1);
  x12kitp_out_nm1(&o, "X3", r->payer_name, NULL, NULL, "PI", r->payer_id);

  /* 2000B/2010B requester */
  x12kitp_out_hl(&o, 2, 1, "21", 1);
  x12kitp_out_nm1(&o, given(r->requester_code) ? r->requester_code : "1P", r->provider_name,
                  r->provider_last, r->provider_first, "XX", r->provider_npi);
  if (given(r->provider_address)) {
    SEG(&o, "N3", r->provider_address, r->provider_address2);
    SEG(&o, "N4", r->provider_city, r->provider_state, r->provider_zip);
  }
  per(&o, r);
  prv(&o, r->provider_taxonomy, r->provider_role);

  /* 2000C/2010C subscriber */
  x12kitp_out_hl(&o, 3, 2, "22", 1);
  x12kitp_out_nm1(&o, "IL", NULL, r->last, r->first, "MI", r->member_id);
  x12kitp_out_dmg(&o, r->dob, r->gender);

  /* 2000D/2010D dependent */
  ev = 4;
  if (given(r->dependent_last)) {
    x12kitp_out_hl(&o, 4, 3, "23", 1);
    x12kitp_out_nm1(&o, "QC", NULL, r->dependent_last, r->dependent_first, "MI",
                    r->dependent_member_id);
    x12kitp_out_dmg(&o, r->dependent_dob, r->dependent_gender);
    if (given(r->dependent_relationship))
      SEG(&o, "INS", "N", r->dependent_relationship);
    ev = 5;
  }

  /* 2000E patient event */
  x12kitp_out_hl(&o, ev, ev - 1, "EV", r->nservices > 0);
  SEG(&o, "TRN", "1", given(r->trace) ? r->trace : x12kitp_reference(&e, ref),
      x12kitp_trace_entity(&e, entity));
  um(&o, r);
  if (given(r->previous_auth))
    SEG(&o, "REF", "BB", r->previous_auth);
  if (given(r->previous_reference))
    SEG(&o, "REF", "NT", r->previous_reference);
  if (given(r->from))
    dtp(&o, "AAH", r->from, r->to);
  if (r->ndiagnoses > 0) {
    x12kitp_out_begin(&o, "HI");
    for (i = 0; i < r->ndiagnoses; i++) {
      (void)x12kitp_check_icd10(r->diagnoses[i], "diagnosis", dx, NULL);
      el(&o, i == 0 ? "ABK" : "ABF");
      comp(&o, dx);
    }
    x12kitp_out_end(&o);
  }
  hsd(&o, &r->delivery);
  for (i = 0; i < r->nattachments; i++) {
    const x12kit_278_attachment *a = &r->attachments[i];
    SEG(&o, "PWK", a->type, a->transmission, "", "", given(a->control) ? "AC" : "", a->control,
        a->description);
  }
  if (given(r->note))
    SEG(&o, "MSG", r->note);
  for (i = 0; i < r->nproviders; i++) {
    const x12kit_278_provider *p = &r->providers[i];
    x12kitp_out_nm1(&o, given(p->entity_code) ? p->entity_code : "SJ", p->name, p->last,
                    p->first, "XX", p->npi);
    prv(&o, p->taxonomy, p->role);
  }

  /* 2000F service lines */
  next = ev + 1;
  for (i = 0; i < r->nservices; i++)
    service(&o, r, &r->services[i], next++, ev);
  return x12kitp_envelope_close(&o, err);
}
