/*
 * x12kit - 270 eligibility inquiry builder (005010X279A1).
 *
 * Every input is checked first (x12kit_270_check), so a bad request
 * never leaves half an interchange in the writer.  Messages name the
 * field, never its value: the values are patients' data.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_EQ 99

/* Short names for the shared checks of check.c used on every line below. */
#define given x12kitp_given
#define bad x12kitp_bad

/* A service type code: 1-2 letters or digits, and in list 1365 when a schema is given. */
static int check_service_type(const char *s, size_t i, const x12kit_schema *schema,
                              x12kit_error *err)
{
  size_t n = s ? strlen(s) : 0;

  if (n < 1 || n > 2 || !x12kitp_is_alnum(s[0]) || (n == 2 && !x12kitp_is_alnum(s[1])))
    return bad(err, "service type %zu must be 1 or 2 letters or digits", i + 1);
  if (schema != NULL && x12kit_schema_code(schema, "1365", s) == NULL)
    return bad(err, "service type %zu is not a code of list 1365 (Service Type Code)", i + 1);
  return X12KIT_OK;
}

/* ---- patients ---- */

/* One patient as written: its own fields, or the request's where it gives none. */
typedef struct patient {
  size_t number;                   /* 1-based in r->patients; 0: the request's one patient */
  const char *member_id, *last, *first, *dob, *gender;
  const x12kit_270_dependent *dep; /* NULL when the subscriber is the patient */
  const char *date, *date_end;
  const char *const *stc;
  size_t nstc;
  const char *const *procs;
  size_t nprocs;
  const char *trace;               /* as given; NULL or "": made from the reference */
} patient;

static int dependent_given(const x12kit_270_dependent *d)
{
  return given(d->last) || given(d->first) || given(d->dob) || given(d->gender) ||
         given(d->relationship);
}

static void patient_at(const x12kit_270_request *r, size_t i, patient *p)
{
  memset(p, 0, sizeof *p);
  if (r->npatients == 0) {
    p->member_id = r->member_id;
    p->last = r->last;
    p->first = r->first;
    p->dob = r->dob;
    p->gender = r->gender;
    p->dep = dependent_given(&r->dependent) ? &r->dependent : NULL;
    p->date = r->service_date;
    p->date_end = r->service_date_end;
    p->stc = r->service_types;
    p->nstc = r->nservice_types;
    p->procs = r->procedures;
    p->nprocs = r->nprocedures;
    p->trace = r->trace;
    return;
  }
  {
    const x12kit_270_patient *q = &r->patients[i];

    p->number = i + 1;
    p->member_id = q->member_id;
    p->last = q->last;
    p->first = q->first;
    p->dob = q->dob;
    p->gender = q->gender;
    p->dep = dependent_given(&q->dependent) ? &q->dependent : NULL;
    if (given(q->service_date) || given(q->service_date_end)) {
      p->date = q->service_date;
      p->date_end = q->service_date_end;
    } else {
      p->date = r->service_date;
      p->date_end = r->service_date_end;
    }
    if (q->nservice_types > 0 || q->nprocedures > 0) {
      p->stc = q->service_types;
      p->nstc = q->nservice_types;
      p->procs = q->procedures;
      p->nprocs = q->nprocedures;
    } else {
      p->stc = r->service_types;
      p->nstc = r->nservice_types;
      p->procs = r->procedures;
      p->nprocs = r->nprocedures;
    }
    p->trace = q->trace;
  }
}

static size_t patient_count(const x12kit_270_request *r)
{
  return r->npatients == 0 ? 1 : r->npatients;
}

/* Puts "patient N: " before a patient's message (N from 1); nothing for the one patient. */
static int in_patient(int rc, const patient *p, x12kit_error *err)
{
  char prefix[32];
  size_t np, nt;

  if (rc != X12KIT_OK && err != NULL && p->number > 0) {
    np = (size_t)snprintf(prefix, sizeof prefix, "patient %zu: ", p->number);
    nt = strnlen(err->text, sizeof err->text - 1);
    if (np + nt >= sizeof err->text)
      nt = sizeof err->text - 1 - np;
    memmove(err->text + np, err->text, nt);
    memcpy(err->text, prefix, np);
    err->text[np + nt] = '\0';
  }
  return rc;
}

#define TRY(call)                                                                             \
  do {                                                                                        \
    if ((rc = (call)) != X12KIT_OK)                                                           \
      return rc;                                                                              \
  } while (0)

/* The service date or range: real dates, in order. */
static int check_dates(const char *date, const char *end, char from[9], x12kit_error *err)
{
  char to[9];
  int rc;

  if (given(end) && !given(date))
    return bad(err, "service end date needs the service date");
  if (given(date)) {
    TRY(x12kitp_parse_date(date, 1, "service date", from, err));
    if (given(end)) {
      TRY(x12kitp_parse_date(end, 1, "service end date", to, err));
      if (strcmp(from, to) > 0)
        return bad(err, "service end date is before the service date");
    }
  }
  return X12KIT_OK;
}

/* The inquiries: at most MAX_EQ, each a known service type or a procedure. */
static int check_lists(const char *const *stc, size_t nstc, const char *const *procs,
                       size_t nprocs, const x12kit_schema *schema, x12kit_error *err)
{
  char field[32];
  size_t i;
  int rc;

  if (nstc > 0 && stc == NULL)
    return bad(err, "service types: count without a list");
  if (nprocs > 0 && procs == NULL)
    return bad(err, "procedures: count without a list");
  if (nstc > MAX_EQ || nprocs > MAX_EQ || nstc + nprocs > MAX_EQ)
    return bad(err, "at most %d inquiries (service types and procedures together)", MAX_EQ);
  for (i = 0; i < nstc; i++)
    TRY(check_service_type(stc[i], i, schema, err));
  for (i = 0; i < nprocs; i++) {
    snprintf(field, sizeof field, "procedure %zu", i + 1);
    TRY(x12kitp_check_procedure(procs[i], field, err));
  }
  return X12KIT_OK;
}

/* A date of birth and gender pair; |who| is "" or "dependent ". */
static int check_person_dmg(const char *dob, const char *gender, const char *who,
                            const char *date, char out[9], x12kit_error *err)
{
  char field[40], from[9];
  int rc;

  if (given(gender)) {
    if (strcmp(gender, "F") != 0 && strcmp(gender, "M") != 0 && strcmp(gender, "U") != 0)
      return bad(err, "%sgender must be F, M or U", who);
    if (!given(dob))
      return bad(err, "%sgender needs the date of birth", who);
  }
  if (given(dob)) {
    snprintf(field, sizeof field, "%sdate of birth", who);
    TRY(x12kitp_parse_date(dob, 1, field, out, err));
    if (given(date) && x12kitp_parse_date(date, 1, "service date", from, NULL) == X12KIT_OK &&
        strcmp(out, from) > 0)
      return bad(err, "%sdate of birth is after the service date", who);
  }
  return X12KIT_OK;
}

static int check_dependent(const x12kit_270_dependent *d, const char *date, x12kit_error *err)
{
  char dob[9];
  int rc;

  TRY(x12kitp_check_text(d->last, "dependent last name", 1, 60, err));
  TRY(x12kitp_check_text(d->first, "dependent first name", 1, 35, err));
  TRY(check_person_dmg(d->dob, d->gender, "dependent ", date, dob, err));
  if (given(d->relationship) && strcmp(d->relationship, "01") != 0 &&
      strcmp(d->relationship, "19") != 0 && strcmp(d->relationship, "34") != 0)
    return bad(err, "dependent relationship must be 01 (spouse), 19 (child) or 34 (other "
               "adult)");
  return X12KIT_OK;
}

/* Everything about one patient but his trace number's uniqueness. */
static int check_patient(const patient *p, const x12kit_schema *schema, x12kit_error *err)
{
  char dob[9], from[9];
  int rc;

  TRY(x12kitp_check_text(p->member_id, "member ID", 2, 80, err));
  TRY(x12kitp_check_text(p->last, "subscriber last name", 1, 60, err));
  TRY(x12kitp_check_text(p->first, "subscriber first name", 1, 35, err));
  TRY(check_dates(p->date, p->date_end, from, err));
  TRY(check_person_dmg(p->dob, p->gender, "", p->date, dob, err));
  if (p->dep != NULL)
    TRY(check_dependent(p->dep, p->date, err));
  if (given(p->trace))
    TRY(x12kitp_check_text(p->trace, "trace number (TRN02)", 1, 50, err));
  return check_lists(p->stc, p->nstc, p->procs, p->nprocs, schema, err);
}

/*
 * The trace number (TRN02) of a checked patient: his own, else the
 * reference for the one patient of a request, else the reference, "-"
 * and his number.  Returns NULL when that is longer than TRN02 allows.
 */
static const char *patient_trace(const patient *p, const char *reference, char buf[72])
{
  if (given(p->trace))
    return p->trace;
  if (p->number == 0)
    return reference;
  if ((size_t)snprintf(buf, 72, "%s-%zu", reference, p->number) > 50)
    return NULL;
  return buf;
}

/* With several patients, the request's own patient fields must be empty. */
static int check_no_top_patient(const x12kit_270_request *r, x12kit_error *err)
{
  const struct {
    const char *value;
    const char *field;
  } top[] = {
    { r->member_id, "member ID" },
    { r->last, "subscriber last name" },
    { r->first, "subscriber first name" },
    { r->dob, "date of birth" },
    { r->gender, "gender" },
    { r->trace, "trace number (TRN02)" },
    { r->dependent.last, "dependent last name" },
    { r->dependent.first, "dependent first name" },
    { r->dependent.dob, "dependent date of birth" },
    { r->dependent.gender, "dependent gender" },
    { r->dependent.relationship, "dependent relationship" },
  };
  size_t i;

  for (i = 0; i < sizeof top / sizeof top[0]; i++)
    if (given(top[i].value))
      return bad(err, "%s is given for the request and patients are given too: give it in "
                 "each patient", top[i].field);
  return X12KIT_OK;
}

/* The patients; |reference| is BHT03, the trace numbers' default. */
static int check_patients(const x12kit_270_request *r, const char *reference,
                          const x12kit_schema *schema, x12kit_error *err)
{
  char from[9], bi[72], bj[72];
  const char *ti, *tj;
  patient pi, pj;
  size_t i, j, n = patient_count(r);
  int rc;

  if (r->npatients > 0) {
    if (r->patients == NULL)
      return bad(err, "patients: count without a list");
    if (r->npatients > X12KIT_270_MAX_PATIENTS)
      return bad(err, "at most %d patients in one inquiry", X12KIT_270_MAX_PATIENTS);
    TRY(check_no_top_patient(r, err));
    /* the defaults, once, so that their faults are not blamed on a patient */
    TRY(check_dates(r->service_date, r->service_date_end, from, err));
    TRY(check_lists(r->service_types, r->nservice_types, r->procedures, r->nprocedures,
                    schema, err));
  }
  for (i = 0; i < n; i++) {
    patient_at(r, i, &pi);
    TRY(in_patient(check_patient(&pi, schema, err), &pi, err));
    if (patient_trace(&pi, reference, bi) == NULL)
      return in_patient(bad(err, "trace number (TRN02) is needed: the reference (BHT03) is "
                            "too long to make one from it"), &pi, err);
  }
  for (i = 1; i < n; i++) {
    patient_at(r, i, &pi);
    ti = patient_trace(&pi, reference, bi);
    for (j = 0; j < i; j++) {
      patient_at(r, j, &pj);
      tj = patient_trace(&pj, reference, bj);
      if (strcmp(ti, tj) == 0)
        return in_patient(bad(err, "trace number (TRN02) is the same as patient %zu's: each "
                              "patient needs his own", j + 1), &pi, err);
    }
  }
  return X12KIT_OK;
}

/* The envelope of |r|: its fields and the 270's constants. */
static void envelope_of(const x12kit_270_request *r, x12kitp_envelope *e)
{
  memset(e, 0, sizeof *e);
  e->functional_id = "HS";
  e->version = "005010X279A1";
  e->transaction = "270";
  e->structure = "0022";
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

int x12kit_270_check(const x12kit_270_request *r, const x12kit_schema *schema,
                     x12kit_error *err)
{
  x12kitp_envelope e;
  char ref[24];
  int rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (r == NULL)
    return bad(err, "no request");

  TRY(x12kitp_check_text(r->payer_name, "payer name", 1, 60, err));
  TRY(x12kitp_check_text(r->payer_id, "payer ID", 2, 80, err));
  TRY(x12kitp_check_party(r->provider_name, r->provider_last, r->provider_first, "provider",
                          err));
  TRY(x12kitp_check_npi(r->provider_npi, "provider NPI", err));
  /* the envelope first: the patients' trace numbers are made from the reference */
  envelope_of(r, &e);
  TRY(x12kitp_check_envelope(&e, err));
  return check_patients(r, x12kitp_reference(&e, ref), schema, err);
}
#undef TRY

/* ---- writing ---- */

#define SEG X12KITP_SEG

/* DTP*291: the service date or range of a checked patient. */
static void write_service_date(x12kitp_out *o, const patient *p)
{
  char d1[9], d2[9], range[18];

  if (!given(p->date))
    return;
  (void)x12kitp_parse_date(p->date, 1, "service date", d1, NULL);
  if (given(p->date_end)) {
    (void)x12kitp_parse_date(p->date_end, 1, "service end date", d2, NULL);
    snprintf(range, sizeof range, "%s-%s", d1, d2);
    SEG(o, "DTP", "291", "RD8", range);
  } else {
    SEG(o, "DTP", "291", "D8", d1);
  }
}

/* The 2110C or 2110D loops: one EQ per service type ("30" when none), then per procedure. */
static void write_inquiries(x12kitp_out *o, const patient *p)
{
  size_t i;

  if (p->nstc == 0 && p->nprocs == 0)
    SEG(o, "EQ", "30");
  for (i = 0; i < p->nstc; i++)
    SEG(o, "EQ", p->stc[i]);
  for (i = 0; i < p->nprocs; i++) {
    x12kitp_out_begin(o, "EQ");
    x12kitp_out_element(o, NULL);
    x12kitp_out_procedure(o, p->procs[i], NULL);
    x12kitp_out_end(o);
  }
}

/*
 * One checked patient from HL number |*hl|: 2000C, and 2000D for a
 * dependent.  The trace number, service date and inquiries go to the
 * patient's own level.
 */
static void write_patient(x12kitp_out *o, const patient *p, const char *trace,
                          const char *entity, unsigned long *hl)
{
  const x12kit_270_dependent *dep = p->dep;
  unsigned long subscriber = *hl;

  x12kitp_out_hl(o, subscriber, 2, "22", dep != NULL);
  if (!dep)
    SEG(o, "TRN", "1", trace, entity);
  x12kitp_out_nm1(o, "IL", NULL, p->last, p->first, "MI", p->member_id);
  x12kitp_out_dmg(o, p->dob, p->gender);
  if (dep) {
    x12kitp_out_hl(o, ++*hl, subscriber, "23", 0);
    SEG(o, "TRN", "1", trace, entity);
    x12kitp_out_nm1(o, "03", NULL, dep->last, dep->first, NULL, NULL);
    x12kitp_out_dmg(o, dep->dob, dep->gender);
    if (given(dep->relationship))
      SEG(o, "INS", "N", dep->relationship);
  }
  write_service_date(o, p);
  write_inquiries(o, p);
  ++*hl;
}

int x12kit_270_write(const x12kit_270_request *r, const x12kit_schema *schema,
                     x12kit_writer *w, x12kit_error *err)
{
  x12kitp_envelope e;
  char ref[24], entity[11], tbuf[72];
  const char *reference, *trace_entity;
  unsigned long hl = 3;
  size_t i, n;
  patient p;
  x12kitp_out o;
  int rc;

  rc = x12kit_270_check(r, schema, err);
  if (rc != X12KIT_OK)
    return rc;
  if (w == NULL)
    return bad(err, "no writer");

  envelope_of(r, &e);
  reference = x12kitp_reference(&e, ref);
  trace_entity = x12kitp_trace_entity(&e, entity);
  o.w = w;
  o.rc = X12KIT_OK;
  rc = x12kitp_envelope_open(&o, &e, err);
  if (rc != X12KIT_OK)
    return rc;
  x12kitp_out_hl(&o, 1, 0, "20", 1);
  x12kitp_out_nm1(&o, "PR", r->payer_name, NULL, NULL, "PI", r->payer_id);
  x12kitp_out_hl(&o, 2, 1, "21", 1);
  x12kitp_out_nm1(&o, "1P", r->provider_name, r->provider_last, r->provider_first, "XX",
                  r->provider_npi);
  n = patient_count(r);
  for (i = 0; i < n && o.rc == X12KIT_OK; i++) {
    patient_at(r, i, &p);
    write_patient(&o, &p, patient_trace(&p, reference, tbuf), trace_entity, &hl);
  }
  return x12kitp_envelope_close(&o, err);
}
