/*
 * x12kit tests - building answers: the 271 eligibility response and the
 * 278 review response.  The answers of the two fixtures in valid/ come
 * out byte for byte, those of eligibility/ and auth-responses/ transaction
 * for transaction; every variant built (dependents, several patients,
 * each HCR01 action, rejections at every level, amounts and rates at
 * their edges) passes the validator without a finding and reads back
 * field by field through the 271 reader and the 278 response reader;
 * every bad input is refused with a message that names the field, not
 * the value; allocation failures leave nothing behind.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE /* mkdtemp */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

static x12kit_schema *schema;

static int setup(void **state)
{
  (void)state;
  schema = tu_load_schema();
  return schema ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  x12kit_schema_free(schema);
  return 0;
}

/* ---- output to memory ---- */

/* Builds |r| into a malloc'd string; fails the test on an error. */
static char *build271(const x12kit_271_response *r, size_t *len)
{
  x12kit_writer *w;
  x12kit_error err;
  tu_buf b = { NULL, 0 };
  int rc;

  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  rc = x12kit_271_response_write(r, schema, w, &err);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_271_response_write: %d %s", rc, err.text);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  *len = b.len;
  return b.p;
}

static char *build278(const x12kit_278_reply *r, size_t *len)
{
  x12kit_writer *w;
  x12kit_error err;
  tu_buf b = { NULL, 0 };
  int rc;

  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  rc = x12kit_278_reply_write(r, schema, w, &err);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_278_reply_write: %d %s", rc, err.text);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  *len = b.len;
  return b.p;
}

/* A fixture without the line break at its end. */
static char *fixture(const char *rel, size_t *len)
{
  char *p = tu_read_fixture(rel, len);

  while (*len > 0 && (p[*len - 1] == '\n' || p[*len - 1] == '\r'))
    (*len)--;
  p[*len] = '\0';
  return p;
}

/* The segments from the first HL to SE (exclusive), for exact comparison. */
static char *body(const char *x12)
{
  const char *p = strstr(x12, "~HL*1*");
  const char *q = strstr(x12, "~SE*");
  char *s;

  assert_non_null(p);
  assert_non_null(q);
  s = malloc((size_t)(q - p) + 2);
  assert_non_null(s);
  memcpy(s, p + 1, (size_t)(q - p));
  s[q - p] = '\0';
  return s;
}

static void assert_body(const char *x12, const char *want)
{
  char *got = body(x12);

  if (strcmp(got, want) != 0)
    fail_msg("body\n  got  %s\n  want %s", got, want);
  free(got);
}

/* Counts the occurrences of |needle| in |hay|. */
static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;

  while ((hay = strstr(hay, needle)) != NULL) {
    n++;
    hay += strlen(needle);
  }
  return n;
}

/* ---- validation ---- */

static void assert_valid(const char *x12, size_t len)
{
  tu_assert_valid(schema, x12, len);
}

/* Validates and reads a built 271; the caller frees the handle. */
static x12kit_271 *read271(const char *x12, size_t len)
{
  x12kit_271 *h;
  x12kit_error err;

  assert_valid(x12, len);
  if (x12kit_271_read(&h, schema, x12, len, NULL, &err) != X12KIT_OK)
    fail_msg("x12kit_271_read: %s", err.text);
  assert_int_equal(x12kit_271_finding_count(h), 0);
  return h;
}

static x12kit_278_response *read278(const char *x12, size_t len)
{
  x12kit_278_response *h;
  x12kit_error err;

  assert_valid(x12, len);
  if (x12kit_278_response_read(&h, schema, x12, len, NULL, &err) != X12KIT_OK)
    fail_msg("x12kit_278_response_read: %s", err.text);
  assert_int_equal(x12kit_278_response_finding_count(h), 0);
  assert_int_equal(x12kit_278_response_review_count(h), 1);
  return h;
}

/* ---- reading back: what was asked for is what the readers see ---- */

static void same(const char *got, const char *want, const char *what)
{
  if (want == NULL)
    want = "";
  if (strcmp(got, want) != 0)
    fail_msg("%s: read \"%s\", built from \"%s\"", what, got, want);
}

/* A date as the readers give it: YYYY-MM-DD. */
static const char *iso(const char *s, char out[11])
{
  if (s == NULL || *s == '\0') {
    out[0] = '\0';
  } else if (strlen(s) == 8) {
    memcpy(out, s, 4);
    out[4] = '-';
    memcpy(out + 5, s + 4, 2);
    out[7] = '-';
    memcpy(out + 8, s + 6, 2);
    out[10] = '\0';
  } else {
    snprintf(out, 11, "%s", s);
  }
  return out;
}

/* The end of a range as read: "" for one day. */
static const char *iso_end(const char *from, const char *to, char out[11])
{
  char a[11];

  iso(to, out);
  if (strcmp(out, iso(from, a)) == 0)
    out[0] = '\0';
  return out;
}

static void same_date(const char *got, const char *want, const char *what)
{
  char d[11];

  same(got, iso(want, d), what);
}

/* "LAST, FIRST", "LAST" or the organization, as the readers join them. */
static const char *party_name(const char *org, const char *last, const char *first,
                              char out[128])
{
  if (org && *org)
    snprintf(out, 128, "%s", org);
  else if (first && *first)
    snprintf(out, 128, "%s, %s", last, first);
  else
    snprintf(out, 128, "%s", last ? last : "");
  return out;
}

static int contact_set(const x12kit_respond_contact *k)
{
  return (k->name && *k->name) || (k->phone && *k->phone) || (k->extension && *k->extension) ||
         (k->fax && *k->fax) || (k->email && *k->email) || (k->url && *k->url);
}

/* A procedure "96365:59:XU" split into its code and modifiers. */
typedef struct proc {
  char code[8];
  char mods[4][4];
} proc;

static void split_proc(const char *s, proc *p)
{
  size_t k = 0, n;

  memset(p, 0, sizeof *p);
  n = strcspn(s, ":");
  snprintf(p->code, sizeof p->code, "%.*s", (int)n, s);
  s += n;
  while (*s == ':' && k < 4) {
    s++;
    n = strcspn(s, ":");
    snprintf(p->mods[k++], sizeof p->mods[0], "%.*s", (int)n, s);
    s += n;
  }
}

/* ---- the 271 ---- */

static void cmp271_dates(const x12kit_271_date *got, size_t ngot, const x12kit_respond_date *want,
                         size_t n)
{
  char e[11];
  size_t i;

  assert_int_equal(ngot, n);
  for (i = 0; i < n; i++) {
    same(got[i].qualifier, want[i].qualifier, "DTP01");
    same_date(got[i].from, want[i].from, "DTP03 start");
    same(got[i].to, iso_end(want[i].from, want[i].to, e), "DTP03 end");
  }
}

static void cmp271_rejections(const x12kit_271_rejection *got, const x12kit_respond_aaa *want,
                              size_t n, const char *loop)
{
  size_t i;

  for (i = 0; i < n; i++) {
    same(got[i].loop, loop, "AAA loop");
    assert_int_equal(got[i].valid, want[i].valid);
    same(got[i].reason, want[i].reason, "AAA03");
    same(got[i].action, want[i].action, "AAA04");
    assert_true(*got[i].reason_text != '\0');
    assert_true(*got[i].advice != '\0');
  }
}

static void cmp271_contact(const x12kit_271_contact *g, const x12kit_respond_contact *w)
{
  same(g->function, "IC", "PER01");
  same(g->name, w->name, "PER02");
  same(g->phone, w->phone, "PER TE");
  same(g->extension, w->extension, "PER EX");
  same(g->fax, w->fax, "PER FX");
  same(g->email, w->email, "PER EM");
  same(g->url, w->url, "PER UR");
}

static void cmp271_benefit(const x12kit_271_benefit *g, const x12kit_271_response_benefit *w,
                           const char *loop, const char *entity_loop)
{
  char name[128];
  proc p;
  size_t i;

  same(g->loop, loop, "benefit loop");
  same(g->code, w->code, "EB01");
  assert_true(*g->code_text != '\0');
  same(g->coverage_level, w->coverage_level, "EB02");
  assert_int_equal(g->nservice_types, w->nservice_types);
  for (i = 0; i < w->nservice_types; i++)
    same(g->service_types[i], w->service_types[i], "EB03");
  same(g->insurance_type, w->insurance_type, "EB04");
  same(g->plan, w->plan, "EB05");
  same(g->period, w->period, "EB06");
  assert_int_equal(g->amount.set, w->amount.set ? 1 : 0);
  if (w->amount.set)
    assert_int_equal(g->amount.cents, w->amount.cents);
  assert_int_equal(g->percent.set, w->percent.set ? 1 : 0);
  if (w->percent.set)
    assert_int_equal(g->percent.bp, w->percent.bp);
  same(g->quantity_qualifier, w->quantity_qualifier, "EB09");
  same(g->quantity, w->quantity, "EB10");
  assert_int_equal(g->auth, w->auth);
  assert_int_equal(g->network, w->network);
  if (w->procedure && *w->procedure) {
    split_proc(w->procedure, &p);
    same(g->procedure_qualifier, "HC", "EB13-1");
    same(g->procedure, p.code, "EB13-2");
    for (i = 0; i < 4; i++)
      same(g->modifiers[i], p.mods[i], "EB13 modifier");
  } else {
    same(g->procedure_qualifier, "", "EB13-1");
    same(g->procedure, "", "EB13-2");
  }
  same(g->procedure_end, w->procedure_end, "EB13-8");
  cmp271_dates(g->dates, g->ndates, w->dates, w->ndates);
  assert_int_equal(g->nrejections, w->nrejections);
  cmp271_rejections(g->rejections, w->rejections, w->nrejections, loop);
  assert_int_equal(g->nmessages, w->nmessages);
  for (i = 0; i < w->nmessages; i++)
    same(g->messages[i], w->messages[i], "MSG01");
  assert_int_equal(g->nentities, w->nentities);
  for (i = 0; i < w->nentities; i++) {
    const x12kit_271_entity *ge = &g->entities[i];
    const x12kit_271_response_entity *we = &w->entities[i];
    same(ge->loop, entity_loop, "entity loop");
    same(ge->code, we->entity_code, "2120 NM101");
    same(ge->name, party_name(we->name, we->last, we->first, name), "2120 name");
    same(ge->id_qualifier, we->id_qualifier, "2120 NM108");
    same(ge->id, we->id, "2120 NM109");
    assert_int_equal(ge->ncontacts, contact_set(&we->contact) ? 1 : 0);
    if (ge->ncontacts)
      cmp271_contact(&ge->contacts[0], &we->contact);
  }
}

static void cmp271_benefits(const x12kit_271_patient *g, const x12kit_271_response_benefit *w,
                            size_t n, int dep)
{
  size_t i;

  assert_int_equal(g->nbenefits, n);
  for (i = 0; i < n; i++)
    cmp271_benefit(&g->benefits[i], &w[i], dep ? "2110D" : "2110C", dep ? "2120D" : "2120C");
}

static int dependent_set(const x12kit_271_response_dependent *d)
{
  return (d->last && *d->last) || (d->first && *d->first) || d->nbenefits > 0 ||
         d->nrejections > 0 || (d->dob && *d->dob);
}

/* The patient's own dates, then the subscriber's for qualifiers it does not state. */
static void cmp271_dependent_dates(const x12kit_271_patient *g,
                                   const x12kit_271_response_patient *w)
{
  const x12kit_271_response_dependent *d = &w->dependent;
  size_t i, k, n = d->ndates;

  for (i = 0; i < w->ndates; i++) {
    for (k = 0; k < d->ndates; k++)
      if (strcmp(d->dates[k].qualifier, w->dates[i].qualifier) == 0)
        break;
    if (k == d->ndates)
      n++;
  }
  assert_int_equal(g->ndates, n);
  for (i = 0; i < d->ndates; i++) {
    same(g->dates[i].qualifier, d->dates[i].qualifier, "dependent DTP01");
    same_date(g->dates[i].from, d->dates[i].from, "dependent DTP03");
  }
}

/*
 * Every value of |r| against what x12kit_271_read() makes of the bytes
 * built from it.
 */
static void cmp271(const x12kit_271_response *r, const x12kit_271 *h)
{
  char name[128];
  size_t i, k = 0;

  if (r->nsource_rejections || r->npayer_rejections || r->nprovider_rejections) {
    const x12kit_271_patient *g;
    size_t n = r->nsource_rejections + r->npayer_rejections;
    assert_int_equal(x12kit_271_patient_count(h), 1);
    g = x12kit_271_patient_at(h, 0);
    same(g->loop, "", "patient loop");
    same(g->member_id, "", "member ID");
    same(g->payer.name, r->payer_name, "payer name");
    if (!n)
      n += r->nprovider_rejections;
    assert_int_equal(g->nrejections, n);
    cmp271_rejections(g->rejections, r->source_rejections, r->nsource_rejections, "2000A");
    cmp271_rejections(g->rejections + r->nsource_rejections, r->payer_rejections,
                      r->npayer_rejections, "2100A");
    if (!r->nsource_rejections && !r->npayer_rejections)
      cmp271_rejections(g->rejections, r->provider_rejections, r->nprovider_rejections,
                        "2100B");
    return;
  }
  for (i = 0; i < r->npatients; i++) {
    const x12kit_271_response_patient *w = &r->patients[i];
    int dep = w->nrejections == 0 && dependent_set(&w->dependent);
    const x12kit_271_patient *g;

    if (!dep || w->nbenefits > 0 || w->nrejections > 0) {
      g = x12kit_271_patient_at(h, k++);
      assert_non_null(g);
      same(g->reference, r->reference, "BHT03");
      same(g->payer.code, "PR", "2100A NM101");
      same(g->payer.name, r->payer_name, "payer name");
      same(g->payer.id_qualifier, "PI", "2100A NM108");
      same(g->payer.id, r->payer_id, "payer ID");
      assert_int_equal(g->payer.ncontacts, contact_set(&r->payer_contact) ? 1 : 0);
      if (g->payer.ncontacts)
        cmp271_contact(&g->payer.contacts[0], &r->payer_contact);
      same(g->provider.code, "1P", "2100B NM101");
      same(g->provider.name,
           party_name(r->provider_name, r->provider_last, r->provider_first, name),
           "provider name");
      same(g->provider.id, r->provider_npi, "provider NPI");
      assert_int_equal(g->dependent, 0);
      same(g->loop, "2000C", "patient loop");
      same(g->trace, dep ? "" : w->trace, "TRN02");
      same(g->trace_entity, dep ? "" : w->trace_entity, "TRN03");
      same(g->member_id, w->member_id, "member ID");
      same(g->last, w->last, "last name");
      same(g->first, w->first, "first name");
      same(g->middle, w->middle, "middle name");
      same(g->suffix, w->suffix, "suffix");
      same_date(g->dob, w->dob, "date of birth");
      same(g->gender, w->gender, "gender");
      same(g->group_number, w->group_number, "group number");
      same(g->group_name, w->group_name, "group name");
      same(g->plan_number, w->plan_number, "plan number");
      cmp271_dates(g->dates, g->ndates, w->dates, w->ndates);
      assert_int_equal(g->nrejections, w->nrejections);
      cmp271_rejections(g->rejections, w->rejections, w->nrejections, "2100C");
      cmp271_benefits(g, w->benefits, w->nbenefits, 0);
    }
    if (dep) {
      const x12kit_271_response_dependent *d = &w->dependent;
      g = x12kit_271_patient_at(h, k++);
      assert_non_null(g);
      assert_int_equal(g->dependent, 1);
      same(g->loop, "2000D", "patient loop");
      same(g->trace, w->trace, "TRN02");
      same(g->trace_entity, w->trace_entity, "TRN03");
      same(g->member_id, w->member_id, "member ID");
      same(g->subscriber_last, w->last, "subscriber last name");
      same(g->subscriber_first, w->first, "subscriber first name");
      same(g->last, d->last, "dependent last name");
      same(g->first, d->first, "dependent first name");
      same(g->middle, d->middle, "dependent middle name");
      same(g->suffix, d->suffix, "dependent suffix");
      same_date(g->dob, d->dob, "dependent date of birth");
      same(g->gender, d->gender, "dependent gender");
      same(g->relationship, d->relationship, "INS02");
      same(g->group_number, w->group_number, "group number");
      cmp271_dependent_dates(g, w);
      assert_int_equal(g->nrejections, d->nrejections);
      cmp271_rejections(g->rejections, d->rejections, d->nrejections, "2100D");
      cmp271_benefits(g, d->benefits, d->nbenefits, 1);
    }
  }
  assert_int_equal(x12kit_271_patient_count(h), k);
}

/* Builds, validates, reads back and compares; returns the bytes (caller frees). */
static char *built271(const x12kit_271_response *r, size_t *len)
{
  char *x12 = build271(r, len);
  x12kit_271 *h = read271(x12, *len);

  cmp271(r, h);
  x12kit_271_free(h);
  return x12;
}

/* ---- the 278 ---- */

static x12kit_278_action action_of(const char *code)
{
  static const struct {
    const char *code;
    x12kit_278_action a;
  } map[] = {
    { "A1", X12KIT_278_CERTIFIED },    { "A2", X12KIT_278_PARTIAL },
    { "A3", X12KIT_278_NOT_CERTIFIED }, { "A4", X12KIT_278_PENDED },
    { "A6", X12KIT_278_MODIFIED },     { "C", X12KIT_278_CANCELLED },
    { "CT", X12KIT_278_CONTACT_PAYER }, { "NA", X12KIT_278_NO_ACTION },
  };
  size_t i;

  for (i = 0; code && i < sizeof map / sizeof map[0]; i++)
    if (strcmp(code, map[i].code) == 0)
      return map[i].a;
  return X12KIT_278_NOT_STATED;
}

static void cmp278_rejections(const x12kit_278_resp_rejection *got,
                              const x12kit_respond_aaa *want, size_t n, const char *loop)
{
  size_t i;

  for (i = 0; i < n; i++) {
    same(got[i].loop, loop, "AAA loop");
    assert_int_equal(got[i].valid, want[i].valid);
    same(got[i].reason, want[i].reason, "AAA03");
    same(got[i].action, want[i].action, "AAA04");
    assert_true(*got[i].next_step != '\0');
  }
}

static void cmp278_um(const char *cat, const char *type, const char *stc, const char *place,
                      const char *level, const x12kit_278_reply_um *w)
{
  same(cat, w->request_category, "UM01");
  same(type, w->certification_type, "UM02");
  same(stc, w->service_type, "UM03");
  same(place, w->place_of_service, "UM04");
  same(level, w->level_of_service, "UM06");
}

static void cmp278_decision(const x12kit_278_resp_decision *g, const x12kit_278_reply_decision *w)
{
  assert_int_equal(g->action, action_of(w->action));
  same(g->code, w->action, "HCR01");
  same(g->certification, w->certification, "HCR02");
  same(g->reason, w->reason, "HCR03");
  assert_int_equal(g->second_opinion, w->second_opinion);
  if (w->action && *w->action)
    assert_true(*g->next_step != '\0');
}

/* The DTP of |qualifier| among |v|; NULL when absent. */
static const x12kit_278_resp_date *find_date(const x12kit_278_resp_date *v, size_t n,
                                             const char *qualifier)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(v[i].qualifier, qualifier) == 0)
      return &v[i];
  return NULL;
}

static size_t cmp278_date(const x12kit_278_resp_date *v, size_t n, const char *qualifier,
                          const char *from, const char *to)
{
  const x12kit_278_resp_date *d = find_date(v, n, qualifier);
  char e[11];

  if (from == NULL || *from == '\0') {
    assert_null(d);
    return 0;
  }
  if (d == NULL)
    fail_msg("DTP %s missing", qualifier);
  same_date(d->from, from, qualifier);
  same(d->to, iso_end(from, to, e), qualifier);
  return 1;
}

static size_t cmp278_cert_dates(const x12kit_278_resp_date *v, size_t n,
                                const x12kit_278_reply_decision *w)
{
  return cmp278_date(v, n, "102", w->issued, NULL) +
         cmp278_date(v, n, "007", w->effective, w->effective_end) +
         cmp278_date(v, n, "036", w->expires, NULL);
}

static void cmp278_refs(const x12kit_278_resp_ref *v, size_t n,
                        const x12kit_278_reply_decision *w)
{
  size_t k = 0;

  if (w->admin_reference && *w->admin_reference) {
    same(v[k].qualifier, "NT", "REF01");
    same(v[k++].value, w->admin_reference, "REF NT");
  }
  if (w->previous_auth && *w->previous_auth) {
    same(v[k].qualifier, "BB", "REF01");
    same(v[k++].value, w->previous_auth, "REF BB");
  }
  assert_int_equal(n, k);
}

/* A whole number as written: without leading zeros. */
static void same_number(const char *got, const char *want, const char *what)
{
  char n[24];

  if (want == NULL || *want == '\0') {
    same(got, "", what);
    return;
  }
  snprintf(n, sizeof n, "%lu", strtoul(want, NULL, 10));
  same(got, n, what);
}

static void cmp278_quantity(const x12kit_278_resp_quantity *g, const x12kit_278_delivery *w)
{
  int any = (w->quantity && *w->quantity) || (w->periods && *w->periods);

  if (!any) {
    assert_int_equal(g->segment, 0);
    return;
  }
  assert_true(g->segment > 0);
  same_number(g->count, w->quantity, "HSD02");
  if (w->quantity && *w->quantity)
    same(g->qualifier, w->qualifier && *w->qualifier ? w->qualifier : "VS", "HSD01");
  same(g->unit, w->per, "HSD03");
  same(g->period, w->period_unit, "HSD05");
  same_number(g->periods, w->periods, "HSD06");
}

static void cmp278_person_contact(const x12kit_278_resp_party *g,
                                  const x12kit_respond_contact *w)
{
  same(g->contact, w->name, "PER02");
  same(g->phone, w->phone, "PER TE");
  same(g->extension, w->extension, "PER EX");
  same(g->fax, w->fax, "PER FX");
  same(g->email, w->email, "PER EM");
  same(g->url, w->url, "PER UR");
}

static void cmp278_line(const x12kit_278_resp_line *g, const x12kit_278_reply_line *w)
{
  const x12kit_278_service *s = &w->service;
  size_t ndates;
  proc p;
  size_t i;

  assert_int_equal(g->ntraces, (w->trace && *w->trace ? 1u : 0u) +
                                 (w->payer_trace && *w->payer_trace ? 1u : 0u));
  assert_int_equal(g->nrejections, w->nrejections);
  cmp278_rejections(g->rejections, w->rejections, w->nrejections, "2000F");
  cmp278_decision(&g->decision, &w->decision);
  cmp278_refs(g->refs, g->nrefs, &w->decision);
  ndates = cmp278_cert_dates(g->dates, g->ndates, &w->decision);
  ndates += cmp278_date(g->dates, g->ndates, "472", s->from, s->to);
  assert_int_equal(g->ndates, ndates);
  split_proc(s->procedure, &p);
  same(g->service.segment_id, s->revenue_code && *s->revenue_code ? "SV2" : "SV1", "SV1/SV2");
  same(g->service.qualifier, "HC", "SV101-1");
  same(g->service.code, p.code, "SV101-2");
  for (i = 0; i < 4; i++)
    same(g->service.modifiers[i], p.mods[i], "SV101 modifier");
  same(g->service.description, s->description, "SV101-7");
  same(g->service.revenue_code, s->revenue_code, "SV201");
  same(g->service.unit, s->units && *s->units ? "UN" : "", "SV103");
  same_number(g->service.units, s->units, "SV104");
  cmp278_quantity(&g->quantity, &s->delivery);
  assert_int_equal(g->nmessages, w->note && *w->note ? 1 : 0);
  if (g->nmessages)
    same(g->messages[0], w->note, "MSG01");
  if (w->nrejections)
    assert_int_equal(g->overall.action, X12KIT_278_REJECTED);
  else if (w->decision.action && *w->decision.action)
    assert_int_equal(g->overall.action, action_of(w->decision.action));
}

static void cmp278_event(const x12kit_278_resp_event *g, const x12kit_278_reply *r)
{
  char name[128];
  size_t i, ndates;

  same(g->request_trace, r->trace, "TRN02 (TRN01 2)");
  same(g->payer_trace, r->payer_trace, "TRN02 (TRN01 1)");
  cmp278_um(g->category, g->certification_type, g->service_type, g->place, g->level, &r->um);
  cmp278_decision(&g->decision, &r->decision);
  cmp278_refs(g->refs, g->nrefs, &r->decision);
  ndates = cmp278_cert_dates(g->dates, g->ndates, &r->decision);
  ndates += cmp278_date(g->dates, g->ndates, "AAH", r->from, r->to);
  assert_int_equal(g->ndates, ndates);
  cmp278_quantity(&g->quantity, &r->approved);
  assert_int_equal(g->nmessages, r->note && *r->note ? 1 : 0);
  if (g->nmessages)
    same(g->messages[0], r->note, "MSG01");
  assert_int_equal(g->nrejections, r->nevent_rejections);
  cmp278_rejections(g->rejections, r->event_rejections, r->nevent_rejections, "2000E");
  assert_int_equal(g->nproviders, r->nproviders);
  for (i = 0; i < r->nproviders; i++) {
    const x12kit_278_provider *w = &r->providers[i];
    same(g->providers[i].loop, "2010EA", "provider loop");
    same(g->providers[i].code, w->entity_code && *w->entity_code ? w->entity_code : "SJ",
         "2010EA NM101");
    same(g->providers[i].name, party_name(w->name, w->last, w->first, name), "provider name");
    same(g->providers[i].id, w->npi, "provider NPI");
    same(g->providers[i].taxonomy, w->taxonomy, "provider taxonomy");
  }
  if (r->nevent_rejections) {
    assert_int_equal(g->nlines, 0);
    assert_int_equal(g->overall.action, X12KIT_278_REJECTED);
    return;
  }
  assert_int_equal(g->nlines, r->nlines);
  for (i = 0; i < r->nlines; i++)
    cmp278_line(&g->lines[i], &r->lines[i]);
  if (r->decision.action && *r->decision.action)
    assert_int_equal(g->overall.action, action_of(r->decision.action));
}

/* How far a 278 answer goes, as respond.c decides it. */
static int depth278(const x12kit_278_reply *r)
{
  int dep = r->dependent_last && *r->dependent_last;

  if (r->nsource_rejections || r->npayer_rejections)
    return 1;
  if (r->nprovider_rejections)
    return 2;
  if (r->nsubscriber_rejections)
    return 3;
  if (dep && r->ndependent_rejections)
    return 4;
  return 5;
}

static void cmp278(const x12kit_278_reply *r, const x12kit_278_response *h)
{
  const x12kit_278_resp_review *g = x12kit_278_response_review_at(h, 0);
  int depth = depth278(r), dep = r->dependent_last && *r->dependent_last;
  size_t n = 0;
  char name[128];

  assert_non_null(g);
  same(g->reference, r->reference, "BHT03");
  same(g->type, r->response_type && *r->response_type ? r->response_type : "18", "BHT06");
  same(g->umo.loop, "2010A", "UMO loop");
  same(g->umo.code, "X3", "2010A NM101");
  same(g->umo.name, r->payer_name, "UMO name");
  same(g->umo.id_qualifier, "PI", "2010A NM108");
  same(g->umo.id, r->payer_id, "UMO ID");
  cmp278_person_contact(&g->umo, &r->payer_contact);
  cmp278_rejections(g->rejections, r->source_rejections, r->nsource_rejections, "2000A");
  n += r->nsource_rejections;
  cmp278_rejections(g->rejections + n, r->payer_rejections, r->npayer_rejections, "2010A");
  n += r->npayer_rejections;
  if (depth >= 2) {
    same(g->requester.code, r->requester_code && *r->requester_code ? r->requester_code : "1P",
         "2010B NM101");
    same(g->requester.name,
         party_name(r->provider_name, r->provider_last, r->provider_first, name),
         "requester name");
    same(g->requester.id, r->provider_npi, "requester NPI");
    cmp278_rejections(g->rejections + n, r->provider_rejections, r->nprovider_rejections,
                      "2010B");
    n += r->nprovider_rejections;
  } else {
    same(g->requester.loop, "", "requester loop");
  }
  if (depth >= 3) {
    same(g->subscriber.loop, "2010C", "subscriber loop");
    same(g->subscriber.member_id, r->member_id, "member ID");
    same(g->subscriber.last, r->last, "subscriber last name");
    same(g->subscriber.first, r->first, "subscriber first name");
    same_date(g->subscriber.dob, r->dob, "subscriber date of birth");
    same(g->subscriber.gender, r->gender, "subscriber gender");
    cmp278_rejections(g->rejections + n, r->subscriber_rejections, r->nsubscriber_rejections,
                      "2010C");
    n += r->nsubscriber_rejections;
  } else {
    same(g->subscriber.loop, "", "subscriber loop");
  }
  if (depth >= 4 && dep) {
    same(g->dependent.loop, "2010D", "dependent loop");
    same(g->dependent.member_id, r->dependent_member_id, "dependent member ID");
    same(g->dependent.last, r->dependent_last, "dependent last name");
    same(g->dependent.first, r->dependent_first, "dependent first name");
    same_date(g->dependent.dob, r->dependent_dob, "dependent date of birth");
    same(g->dependent.gender, r->dependent_gender, "dependent gender");
    cmp278_rejections(g->rejections + n, r->dependent_rejections, r->ndependent_rejections,
                      "2010D");
    n += r->ndependent_rejections;
  } else {
    same(g->dependent.loop, "", "dependent loop");
  }
  assert_int_equal(g->nrejections, n);
  if (n)
    assert_int_equal(g->overall.action, X12KIT_278_REJECTED);
  if (depth < 5) {
    assert_int_equal(g->nevents, 0);
    return;
  }
  assert_int_equal(g->nevents, 1);
  assert_int_equal(g->events[0].dependent, dep);
  cmp278_event(&g->events[0], r);
}

static char *built278(const x12kit_278_reply *r, size_t *len)
{
  char *x12 = build278(r, len);
  x12kit_278_response *h = read278(x12, *len);

  cmp278(r, h);
  x12kit_278_response_free(h);
  return x12;
}

/* The transaction set, ST to SE, of a built interchange or of a fixture. */
static char *transaction(const char *x12)
{
  const char *p = strstr(x12, "ST*"), *q;
  char *s;

  assert_non_null(p);
  q = strstr(p, "~SE*");
  assert_non_null(q);
  q = strchr(q + 1, '~');
  assert_non_null(q);
  s = malloc((size_t)(q - p) + 2);
  assert_non_null(s);
  memcpy(s, p, (size_t)(q - p) + 1);
  s[q - p + 1] = '\0';
  return s;
}

/* |x12|'s transaction set (or, with |whole| 0, its HL loops) equals the fixture's. */
static void expect_fixture(const char *x12, const char *rel, int whole)
{
  size_t len;
  char *want = fixture(rel, &len);
  char *a = whole ? transaction(x12) : body(x12);
  char *b = whole ? transaction(want) : body(want);

  if (strcmp(a, b) != 0)
    fail_msg("%s\n  built   %s\n  fixture %s", rel, a, b);
  free(a);
  free(b);
  free(want);
}

/* ---- the 271 of fixtures/valid/271-active-pa-required.x12 ---- */

static const char *const stc_30[] = { "30" };
static const char *const stc_plan[] = { "1", "33", "35", "47", "86", "88",
                                        "98", "AL", "MH", "UC", "A4", "A6" };
static const char *const msg_pa[] = {
  "PRIOR AUTH NEEDED FOR KETAMINE INFUSION SERIES - CALL CARE REVIEW"
};
static const x12kit_respond_date plan_begin[] = { { "346", "2026-01-01", NULL } };

typedef struct fixture271 {
  x12kit_271_response r;
  x12kit_271_response_patient p;
  x12kit_271_response_benefit b[6];
  x12kit_271_response_entity e;
} fixture271;

static void fixture271_fill(fixture271 *f)
{
  x12kit_271_response_benefit *b = f->b;
  size_t i;

  memset(f, 0, sizeof *f);
  for (i = 0; i < 6; i++) {
    b[i].coverage_level = "IND";
    b[i].insurance_type = "PR";
    b[i].plan = "CEDAR CHOICE PPO";
  }
  b[0].code = "1";
  b[0].service_types = stc_30;
  b[0].nservice_types = 1;
  b[1].code = "C";
  b[1].service_types = stc_30;
  b[1].nservice_types = 1;
  b[1].period = "23";
  b[1].amount.set = 1;
  b[1].amount.cents = 200000;
  b[1].network = 'Y';
  b[2] = b[1];
  b[2].period = "29";
  b[2].amount.cents = 125000;
  b[3].code = "1";
  b[3].service_types = stc_plan;
  b[3].nservice_types = 12;
  b[3].insurance_type = NULL;
  b[3].plan = NULL;
  b[4].code = "B";
  b[4].period = "27";
  b[4].amount.set = 1;
  b[4].amount.cents = 3500;
  b[4].auth = 'Y';
  b[4].network = 'Y';
  b[4].procedure = "96365";
  b[4].messages = msg_pa;
  b[4].nmessages = 1;
  b[4].entities = &f->e;
  b[4].nentities = 1;
  f->e.entity_code = "X3";
  f->e.name = "CEDAR VALLEY CARE REVIEW";
  f->e.id_qualifier = "PI";
  f->e.id = "CVHP01";
  f->e.contact.phone = "8005550147";
  b[5].code = "A";
  b[5].period = "27";
  b[5].percent.set = 1;
  b[5].percent.bp = 3000;
  b[5].auth = 'Y';
  b[5].network = 'N';
  b[5].procedure = "96365";

  f->p.trace = "NWI270-0001";
  f->p.trace_entity = "9876543210";
  f->p.member_id = "CVK300418826";
  f->p.last = "LINDQVIST";
  f->p.first = "SAM";
  f->p.dob = "1988-06-22";
  f->p.gender = "M";
  f->p.dates = plan_begin;
  f->p.ndates = 1;
  f->p.benefits = b;
  f->p.nbenefits = 6;

  f->r.payer_name = "CEDAR VALLEY HEALTH PLAN";
  f->r.payer_id = "CVHP01";
  f->r.provider_name = "NORTHWIND INFUSION CLINIC";
  f->r.provider_npi = "1582037465";
  f->r.patients = &f->p;
  f->r.npatients = 1;
  f->r.reference = "NWI270-0001";
  f->r.sender_id = "CEDARVALLEYHP";
  f->r.receiver_id = "NORTHWINDINF";
  f->r.usage = 'T';
  f->r.control = 601;
  f->r.date = "20261120";
  f->r.time = "1016";
}

static void test_271_fixture_bytes(void **state)
{
  fixture271 f;
  size_t want_len, len, i;
  char *want = fixture("valid/271-active-pa-required.x12", &want_len);
  char *got;
  x12kit_271 *h;
  const x12kit_271_patient *p;
  const x12kit_271_benefit *b;

  (void)state;
  fixture271_fill(&f);
  got = build271(&f.r, &len);
  if (len != want_len || memcmp(got, want, len) != 0)
    fail_msg("built\n%s\nfixture\n%s", got, want);

  /* read back */
  h = read271(got, len);
  cmp271(&f.r, h);
  assert_int_equal(x12kit_271_patient_count(h), 1);
  p = x12kit_271_patient_at(h, 0);
  assert_string_equal(p->reference, "NWI270-0001");
  assert_string_equal(p->response_date, "2026-11-20");
  assert_string_equal(p->trace, "NWI270-0001");
  assert_string_equal(p->trace_entity, "9876543210");
  assert_string_equal(p->payer.name, "CEDAR VALLEY HEALTH PLAN");
  assert_string_equal(p->payer.id, "CVHP01");
  assert_string_equal(p->provider.name, "NORTHWIND INFUSION CLINIC");
  assert_string_equal(p->provider.id, "1582037465");
  assert_string_equal(p->member_id, "CVK300418826");
  assert_string_equal(p->last, "LINDQVIST");
  assert_string_equal(p->first, "SAM");
  assert_string_equal(p->dob, "1988-06-22");
  assert_string_equal(p->gender, "M");
  assert_int_equal(p->status, X12KIT_PLAN_ACTIVE);
  assert_int_equal(p->ndates, 1);
  assert_string_equal(p->dates[0].qualifier, "346");
  assert_string_equal(p->dates[0].from, "2026-01-01");
  assert_int_equal(p->nbenefits, 6);
  b = &p->benefits[3];
  assert_int_equal(b->nservice_types, 12);
  for (i = 0; i < 12; i++)
    assert_string_equal(b->service_types[i], stc_plan[i]);
  b = &p->benefits[4];
  assert_string_equal(b->code, "B");
  assert_int_equal(b->amount.set, 1);
  assert_int_equal(b->amount.cents, 3500);
  assert_int_equal(b->auth, 'Y');
  assert_int_equal(b->network, 'Y');
  assert_string_equal(b->procedure_qualifier, "HC");
  assert_string_equal(b->procedure, "96365");
  assert_int_equal(b->nmessages, 1);
  assert_string_equal(b->messages[0], msg_pa[0]);
  assert_int_equal(b->nentities, 1);
  assert_string_equal(b->entities[0].code, "X3");
  assert_string_equal(b->entities[0].name, "CEDAR VALLEY CARE REVIEW");
  assert_string_equal(b->entities[0].id_qualifier, "PI");
  assert_string_equal(b->entities[0].id, "CVHP01");
  assert_int_equal(b->entities[0].ncontacts, 1);
  assert_string_equal(b->entities[0].contacts[0].phone, "8005550147");
  b = &p->benefits[5];
  assert_int_equal(b->percent.set, 1);
  assert_int_equal(b->percent.bp, 3000);
  assert_int_equal(b->amount.set, 0);
  assert_int_equal(b->network, 'N');
  x12kit_271_free(h);
  free(got);
  free(want);
}

/* ---- the 278 of fixtures/valid/278-response-certified.x12 ---- */

static const char *const dx_f332[] = { "F33.2" };

typedef struct fixture278 {
  x12kit_278_reply r;
  x12kit_278_reply_line l[3];
  x12kit_278_provider prov;
} fixture278;

static void fixture278_fill(fixture278 *f)
{
  static const char *const codes[] = { "96365", "96366", "J3490" };
  x12kit_278_reply_um um = { "HS", "I", "MH", "11", NULL };
  size_t i;

  memset(f, 0, sizeof *f);
  f->r.payer_name = "CEDAR VALLEY HEALTH PLAN";
  f->r.payer_id = "CVHP01";
  f->r.provider_name = "NORTHWIND INFUSION CLINIC";
  f->r.provider_npi = "1582037465";
  f->r.member_id = "CVK300418826";
  f->r.last = "LINDQVIST";
  f->r.first = "SAM";
  f->r.dob = "1988-06-22";
  f->r.gender = "M";
  f->r.trace = "NWI278-0001";
  f->r.trace_entity = "9876543210";
  f->r.um = um;
  f->r.decision.action = "A1";
  f->r.decision.certification = "CV2611200317";
  f->r.decision.admin_reference = "CVR-40512";
  f->r.decision.issued = "2026-11-20";
  f->r.decision.effective = "2026-12-07";
  f->r.decision.expires = "2026-12-31";
  f->r.diagnoses = dx_f332;
  f->r.ndiagnoses = 1;
  f->r.approved.quantity = "2";
  f->r.approved.per = "WK";
  f->r.approved.period_unit = "35";
  f->r.approved.periods = "3";
  f->prov.last = "OKAFOR";
  f->prov.first = "PRIYA";
  f->prov.npi = "1930475821";
  f->r.providers = &f->prov;
  f->r.nproviders = 1;
  for (i = 0; i < 3; i++) {
    f->l[i].um = um;
    f->l[i].decision.action = "A1";
    f->l[i].decision.certification = "CV2611200317";
    f->l[i].service.procedure = codes[i];
    f->l[i].service.units = "6";
    f->l[i].service.from = "2026-12-07";
    f->l[i].service.to = "2026-12-31";
  }
  f->l[2].service.description = "KETAMINE HYDROCHLORIDE INJ";
  f->r.lines = f->l;
  f->r.nlines = 3;
  f->r.reference = "NWI278-0001";
  f->r.sender_id = "CEDARVALLEYHP";
  f->r.receiver_id = "NORTHWINDINF";
  f->r.usage = 'T';
  f->r.control = 602;
  f->r.date = "20261120";
  f->r.time = "1105";
}

static void test_278_fixture_bytes(void **state)
{
  fixture278 f;
  size_t want_len, len, i;
  char *want = fixture("valid/278-response-certified.x12", &want_len);
  char *got;
  x12kit_278_response *h;
  const x12kit_278_resp_review *rv;
  const x12kit_278_resp_event *ev;

  (void)state;
  fixture278_fill(&f);
  got = build278(&f.r, &len);
  if (len != want_len || memcmp(got, want, len) != 0)
    fail_msg("built\n%s\nfixture\n%s", got, want);

  h = read278(got, len);
  cmp278(&f.r, h);
  rv = x12kit_278_response_review_at(h, 0);
  assert_string_equal(rv->reference, "NWI278-0001");
  assert_string_equal(rv->type, "18");
  assert_string_equal(rv->umo.code, "X3");
  assert_string_equal(rv->umo.name, "CEDAR VALLEY HEALTH PLAN");
  assert_string_equal(rv->requester.id, "1582037465");
  assert_string_equal(rv->subscriber.member_id, "CVK300418826");
  assert_string_equal(rv->subscriber.dob, "1988-06-22");
  assert_string_equal(rv->dependent.loop, "");
  assert_int_equal(rv->nevents, 1);
  ev = &rv->events[0];
  assert_string_equal(ev->request_trace, "NWI278-0001");
  assert_string_equal(ev->category, "HS");
  assert_string_equal(ev->service_type, "MH");
  assert_string_equal(ev->place, "11");
  assert_int_equal(ev->decision.action, X12KIT_278_CERTIFIED);
  assert_string_equal(ev->decision.certification, "CV2611200317");
  assert_string_equal(ev->valid_from, "2026-12-07");
  assert_string_equal(ev->valid_to, "2026-12-31");
  assert_string_equal(ev->quantity.count, "2");
  assert_string_equal(ev->quantity.unit, "WK");
  assert_int_equal(ev->nrefs, 1);
  assert_string_equal(ev->refs[0].qualifier, "NT");
  assert_string_equal(ev->refs[0].value, "CVR-40512");
  assert_int_equal(ev->nproviders, 1);
  assert_string_equal(ev->providers[0].code, "SJ");
  assert_string_equal(ev->providers[0].id, "1930475821");
  assert_int_equal(ev->nlines, 3);
  for (i = 0; i < 3; i++) {
    assert_int_equal(ev->lines[i].decision.action, X12KIT_278_CERTIFIED);
    assert_string_equal(ev->lines[i].service.units, "6");
    assert_string_equal(ev->lines[i].valid_from, "2026-12-07");
  }
  assert_string_equal(ev->lines[2].service.code, "J3490");
  assert_string_equal(ev->lines[2].service.description, "KETAMINE HYDROCHLORIDE INJ");
  assert_int_equal(rv->overall.action, X12KIT_278_CERTIFIED);
  x12kit_278_response_free(h);
  free(got);
  free(want);
}

/* ---- the 271 fixtures of fixtures/eligibility/, rebuilt ---- */

/* An answer from |payer| to |provider| with the envelope of those fixtures. */
static void base271(x12kit_271_response *r, int cedar, const char *reference)
{
  memset(r, 0, sizeof *r);
  if (cedar == 1) {
    r->payer_name = "CEDAR VALLEY HEALTH PLAN";
    r->payer_id = "CVHP01";
    r->provider_name = "NORTHWIND INFUSION CLINIC";
    r->provider_npi = "1582037465";
  } else if (cedar == 2) {
    r->payer_name = "BLUE HERON MUTUAL";
    r->payer_id = "BHM77";
    r->provider_name = "LAKESHORE KETAMINE CENTER";
    r->provider_npi = "1648039174";
  } else {
    r->payer_name = "PRAIRIE RIDGE HEALTH PLAN";
    r->payer_id = "PRHP5";
    r->provider_name = "LAKESHORE KETAMINE CENTER";
    r->provider_npi = "1648039174";
  }
  r->reference = reference;
  r->receiver_id = "CLINIC";
  r->usage = 'T';
  r->control = 700;
  r->date = "20270116";
  r->time = "0801";
}

static void patient271(x12kit_271_response_patient *p, const char *trace, const char *member,
                       const char *last, const char *first, const char *dob, const char *gender)
{
  memset(p, 0, sizeof *p);
  p->trace = trace;
  p->trace_entity = "9164803917";
  p->member_id = member;
  p->last = last;
  p->first = first;
  p->dob = dob;
  p->gender = gender;
}

static void benefit(x12kit_271_response_benefit *b, const char *code, const char *level,
                    const char *const *stc, size_t nstc, const char *ins, const char *plan)
{
  memset(b, 0, sizeof *b);
  b->code = code;
  b->coverage_level = level;
  b->service_types = stc;
  b->nservice_types = nstc;
  b->insurance_type = ins;
  b->plan = plan;
}

static void money(x12kit_271_response_benefit *b, const char *period, long long cents,
                  char network)
{
  b->period = period;
  b->amount.set = 1;
  b->amount.cents = cents;
  b->network = network;
}

static const char *const stc_mh[] = { "MH" };
static const char *const stc_a6[] = { "A6" };

static void test_271_rejection_fixtures(void **state)
{
  static const x12kit_respond_aaa r79[] = { { 'Y', "79", "C" } };
  static const x12kit_respond_aaa r42[] = { { 'Y', "42", "R" } };
  static const x12kit_respond_aaa r43_51[] = { { 'N', "43", "C" }, { 'N', "51", "N" } };
  static const x12kit_respond_aaa r72_58[] = { { 'N', "72", "C" }, { 'N', "58", "C" } };
  static const x12kit_respond_aaa r77[] = { { 'N', "77", "C" } };
  static const x12kit_respond_aaa e8[] = { { 'Y', "E8", "Y" } };
  static const x12kit_respond_aaa r53[] = { { 'Y', "53", "N" } };
  static const x12kit_respond_aaa r63[] = { { 'Y', "63", "C" } };
  x12kit_271_response r;
  x12kit_271_response_patient p;
  x12kit_271_response_benefit b[3];
  size_t len;
  char *x12;

  (void)state;

  /* 2000A: nothing after the payer's name */
  base271(&r, 1, "NWI270-0207");
  r.source_rejections = r79;
  r.nsource_rejections = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2000a.x12", 1);
  free(x12);

  /* 2100A, after the payer's contact */
  base271(&r, 1, "NWI270-0208");
  r.time = "0802";
  r.payer_contact.name = "EDI SUPPORT";
  r.payer_contact.phone = "8005550160";
  r.payer_rejections = r42;
  r.npayer_rejections = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2100a.x12", 1);
  free(x12);

  /* 2100B: two rejections, no subscriber */
  base271(&r, 2, "LKC270-1013");
  r.time = "0803";
  r.provider_rejections = r43_51;
  r.nprovider_rejections = 2;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2100b.x12", 1);
  free(x12);

  /* 2100C: the guide's "subscriber not matched": AAA after NM1, before DMG */
  base271(&r, 2, "LKC270-1014");
  r.time = "0804";
  patient271(&p, "LKC270-1014", "BHM9990001", "ABARA", "CHINEDU", "1990-01-01", "M");
  p.rejections = r72_58;
  p.nrejections = 2;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2100c.x12", 1);
  free(x12);

  /* 2100D: the subscriber active, the dependent not found */
  base271(&r, 3, "LKC270-1016");
  r.time = "0806";
  patient271(&p, "LKC270-1016", "PRH30011452", "NAKAMURA", "KENJI", "1970-03-02", "M");
  benefit(&b[0], "1", "IND", stc_30, 1, "HM", "PRAIRIE FAMILY HMO");
  p.benefits = b;
  p.nbenefits = 1;
  p.dependent.last = "NAKAMURA";
  p.dependent.first = "HARU";
  p.dependent.dob = "20050811";
  p.dependent.gender = "M";
  p.dependent.rejections = r77;
  p.dependent.nrejections = 1;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2100d.x12", 1);
  free(x12);

  /* 2110C: EB01 V with its AAA, for a procedure and for a service type */
  base271(&r, 3, "LKC270-1015");
  r.time = "0805";
  patient271(&p, "LKC270-1015", "PRH20099104", "LUND", "ASTRID", "1972-09-30", "F");
  benefit(&b[0], "1", "IND", stc_30, 1, "HM", "PRAIRIE SELECT HMO");
  benefit(&b[1], "V", "IND", NULL, 0, NULL, NULL);
  b[1].procedure = "96365";
  b[1].rejections = e8;
  b[1].nrejections = 1;
  benefit(&b[2], "V", "IND", stc_a6, 1, NULL, NULL);
  b[2].rejections = r53;
  b[2].nrejections = 1;
  p.benefits = b;
  p.nbenefits = 3;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2110c.x12", 1);
  free(x12);

  /* 2110D: the dependent's benefit cannot be answered */
  base271(&r, 3, "LKC270-1017");
  r.time = "0807";
  patient271(&p, "LKC270-1017", "PRH30011452", "NAKAMURA", "KENJI", NULL, NULL);
  p.dependent.last = "NAKAMURA";
  p.dependent.first = "EMI";
  p.dependent.dob = "2002-05-18";
  p.dependent.gender = "F";
  p.dependent.relationship = "19";
  benefit(&b[0], "1", "DEP", stc_30, 1, "HM", "PRAIRIE FAMILY HMO");
  benefit(&b[1], "V", "DEP", stc_mh, 1, NULL, NULL);
  b[1].rejections = r63;
  b[1].nrejections = 1;
  p.dependent.benefits = b;
  p.dependent.nbenefits = 2;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-aaa-2110d.x12", 1);
  free(x12);
}

static void test_271_benefit_fixtures(void **state)
{
  static const char *const stc_mh_a6[] = { "MH", "A6" };
  static const x12kit_respond_date d346[] = { { "346", "20270101", NULL } };
  static const x12kit_respond_date d347[] = { { "347", "2026-12-31", NULL } };
  static const x12kit_respond_date d291[] = { { "291", "2027-01-01", "2027-12-31" } };
  static const x12kit_respond_date inactive_dates[] = { { "346", "2026-01-01", NULL },
                                                        { "347", "2026-06-30", NULL } };
  static const x12kit_respond_date d307[] = { { "307", "2026-01-01", "2026-06-30" } };
  static const char *const ended[] = {
    "COVERAGE ENDED 06/30/2026 - ASK THE PATIENT FOR CURRENT INSURANCE"
  };
  static const char *const oon[] = { "OUT-OF-NETWORK PROVIDERS MAY BILL THE DIFFERENCE" };
  x12kit_271_response r;
  x12kit_271_response_patient p[2];
  x12kit_271_response_benefit b[13];
  x12kit_271_response_entity e;
  const char *hsp = "HERON SILVER PPO", *ccp = "CEDAR CHOICE PPO";
  size_t len, i;
  char *x12;

  (void)state;

  /* two subscribers, each with his own trace */
  base271(&r, 2, "LKC270-1020");
  r.time = "0910";
  r.date = "20270121";
  patient271(&p[0], "LKC270-1021", "BHM5580113", "PETROV", "ANYA", "1983-05-17", "F");
  p[0].dates = d346;
  p[0].ndates = 1;
  benefit(&b[0], "1", "IND", stc_30, 1, "PR", "HERON GOLD PPO");
  benefit(&b[1], "B", "IND", stc_mh, 1, "PR", "HERON GOLD PPO");
  money(&b[1], "27", 4000, 'Y');
  p[0].benefits = b;
  p[0].nbenefits = 2;
  patient271(&p[1], "LKC270-1022", "BHM5580941", "QUINTERO", "LUIS", "1958-11-03", "M");
  p[1].dates = d347;
  p[1].ndates = 1;
  benefit(&b[2], "6", "IND", stc_30, 1, "PR", "HERON GOLD PPO");
  p[1].benefits = b + 2;
  p[1].nbenefits = 1;
  r.patients = p;
  r.npatients = 2;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-two-patients.x12", 1);
  free(x12);

  /* amounts with cents: 650.5 and 4100.25, a rate of .2, a benefit date */
  base271(&r, 2, "LKC270-1009");
  patient271(&p[0], "LKC270-1009", "BHM6620457", "FITZGERALD", "CORMAC", "1986-02-12", "M");
  p[0].group_number = "G80455";
  p[0].group_name = "RIVERBEND LOGISTICS";
  p[0].dates = d346;
  p[0].ndates = 1;
  benefit(&b[0], "1", "IND", stc_30, 1, "PR", hsp);
  for (i = 1; i <= 8; i++)
    benefit(&b[i], i <= 4 ? "C" : "G", (i >= 3 && i <= 6) ? "FAM" : "IND", stc_30, 1, "PR",
            hsp);
  money(&b[1], "23", 200000, 'Y');
  b[1].dates = d291;
  b[1].ndates = 1;
  money(&b[2], "29", 65050, 'Y');
  money(&b[3], "23", 400000, 'Y');
  money(&b[4], "29", 280000, 'Y');
  money(&b[5], "23", 1200000, 'Y');
  money(&b[6], "29", 900000, 'Y');
  money(&b[7], "23", 600000, 'Y');
  money(&b[8], "29", 410025, 'Y');
  benefit(&b[9], "A", "IND", stc_30, 1, "PR", hsp);
  b[9].period = "27";
  b[9].percent.set = 1;
  b[9].percent.bp = 2000;
  b[9].network = 'Y';
  benefit(&b[10], "1", "IND", stc_mh_a6, 2, "PR", hsp);
  p[0].benefits = b;
  p[0].nbenefits = 11;
  r.patients = p;
  r.npatients = 1;
  r.date = "20270301";
  r.time = "1410";
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-deductible-met.x12", 1);
  free(x12);

  /* in and out of network; a middle name and suffix; a rate of 0; a visit limit */
  base271(&r, 1, "NWI270-0204");
  r.time = "0815";
  r.date = "20270114";
  patient271(&p[0], "NWI270-0204", "CVK700912254", "MORALES", "DIEGO", "1977-06-19", "M");
  p[0].trace_entity = "9876543210";
  p[0].middle = "A";
  p[0].suffix = "JR";
  p[0].group_number = "GRP44120";
  p[0].group_name = ccp;
  p[0].plan_number = "CV-PPO-1";
  p[0].plan_name = ccp;
  p[0].dates = d346;
  p[0].ndates = 1;
  benefit(&b[0], "1", "IND", stc_30, 1, "PR", ccp);
  for (i = 1; i <= 4; i++)
    benefit(&b[i], "C", "IND", stc_30, 1, "PR", ccp);
  money(&b[1], "23", 150000, 'Y');
  money(&b[2], "23", 300000, 'N');
  money(&b[3], "29", 40000, 'Y');
  money(&b[4], "29", 300000, 'N');
  benefit(&b[5], "G", "IND", stc_30, 1, "PR", ccp);
  money(&b[5], "23", 500000, 'Y');
  benefit(&b[6], "G", "IND", stc_30, 1, "PR", ccp);
  money(&b[6], "23", 1000000, 'N');
  benefit(&b[7], "1", "IND", stc_mh, 1, "PR", ccp);
  benefit(&b[8], "B", "IND", stc_mh, 1, "PR", ccp);
  money(&b[8], "27", 3000, 'Y');
  benefit(&b[9], "A", "IND", stc_mh, 1, "PR", ccp);
  b[9].period = "27";
  b[9].percent.set = 1;
  b[9].percent.bp = 4000;
  b[9].network = 'N';
  benefit(&b[10], "B", "IND", stc_mh, 1, "PR", ccp);
  money(&b[10], "27", 7500, 'N');
  benefit(&b[11], "A", "IND", stc_mh, 1, "PR", ccp);
  b[11].period = "27";
  b[11].percent.set = 1;
  b[11].percent.bp = 0;
  b[11].network = 'Y';
  benefit(&b[12], "F", "IND", stc_mh, 1, "PR", ccp);
  b[12].period = "23";
  b[12].quantity_qualifier = "VS";
  b[12].quantity = "24";
  b[12].network = 'W';
  b[12].messages = oon;
  b[12].nmessages = 1;
  p[0].benefits = b;
  p[0].nbenefits = 13;
  r.patients = p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-network.x12", 1);
  free(x12);

  /* inactive: plan dates, an EB date range and message, another payer in 2120C */
  base271(&r, 1, "NWI270-0201");
  r.time = "0935";
  r.date = "20270112";
  patient271(&p[0], "NWI270-0201", "CVK500233817", "BRANDT", "TOBIAS", "1965-04-11", "M");
  p[0].trace_entity = "9876543210";
  p[0].group_number = "GRP44120";
  p[0].group_name = ccp;
  p[0].plan_number = "CV-PPO-2";
  p[0].plan_name = "CEDAR CHOICE PPO 2026";
  p[0].dates = inactive_dates;
  p[0].ndates = 2;
  benefit(&b[0], "6", "IND", stc_30, 1, "PR", ccp);
  b[0].dates = d307;
  b[0].ndates = 1;
  b[0].messages = ended;
  b[0].nmessages = 1;
  benefit(&b[1], "R", "IND", stc_30, 1, NULL, NULL);
  memset(&e, 0, sizeof e);
  e.entity_code = "PRP";
  e.name = "NORTHSTAR COMMUNITY HEALTH";
  e.id_qualifier = "PI";
  e.id = "NSCH3";
  e.contact.phone = "8775550133";
  b[1].entities = &e;
  b[1].nentities = 1;
  p[0].benefits = b;
  p[0].nbenefits = 2;
  r.patients = p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  expect_fixture(x12, "eligibility/271-inactive.x12", 1);
  free(x12);
}

/* ---- 271 variants ---- */

static void test_271_all_fields(void **state)
{
  static const char *const stc[] = { "MH", "A4", "A6" };
  static const char *const msgs[] = { "FIRST NOTE", "SECOND NOTE" };
  static const x12kit_respond_date pd[] = { { "346", "2027-01-01", NULL },
                                            { "356", "20260915", "20271231" },
                                            { "357", "2027-12-31", "2027-12-31" } };
  static const x12kit_respond_date bd[] = { { "292", "2027-01-01", "2027-12-31" },
                                            { "348", "2027-02-01", NULL } };
  static const x12kit_respond_aaa ba[] = { { 'N', "AG", "C" }, { 'Y', "E8", "Y" } };
  x12kit_271_response r;
  x12kit_271_response_patient p;
  x12kit_271_response_benefit b[4];
  x12kit_271_response_entity e[2];
  size_t len;
  char *x12;

  (void)state;
  base271(&r, 2, "LKC270-1100");
  r.payer_contact.name = "PROVIDER LINE";
  r.payer_contact.phone = "8885550190";
  r.payer_contact.extension = "12";
  r.payer_contact.url = "WWW.BLUEHERONMUTUAL.EXAMPLE";
  r.provider_name = NULL;
  r.provider_last = "RIVERA";
  r.provider_first = "MORGAN";
  r.provider_npi = "1982736450";
  patient271(&p, "LKC270-1100", "BHM4471902", "OKONKWO", "ADAEZE", "19790304", "F");
  p.payer_trace = "BHM-TR-55012";
  p.payer_trace_entity = "1999888777";
  p.middle = "N";
  p.suffix = "III";
  p.group_number = "G80211";
  p.plan_number = "P900";
  p.plan_name = "HERON GOLD PPO";
  p.dates = pd;
  p.ndates = 3;
  benefit(&b[0], "1", "IND", stc, 3, "PR", "HERON GOLD PPO");
  b[0].dates = bd;
  b[0].ndates = 2;
  b[0].messages = msgs;
  b[0].nmessages = 2;
  benefit(&b[1], "A", "FAM", NULL, 0, "PR", NULL);
  b[1].period = "27";
  b[1].percent.set = 1;
  b[1].percent.bp = 2500;
  b[1].auth = 'N';
  b[1].network = 'Y';
  b[1].procedure = "96360:59:XU";
  b[1].procedure_end = "96379";
  benefit(&b[2], "F", "IND", NULL, 0, NULL, NULL);
  b[2].period = "26";
  b[2].quantity_qualifier = "VS";
  b[2].quantity = "1.5";
  b[2].auth = 'U';
  b[2].network = 'U';
  b[2].procedure = "G2082";
  b[2].rejections = ba;
  b[2].nrejections = 2;
  benefit(&b[3], "B", "IND", stc_mh, 1, NULL, NULL);
  money(&b[3], "27", 1, 'W');
  memset(e, 0, sizeof e);
  e[0].entity_code = "P3";
  e[0].last = "ABERNATHY";
  e[0].first = "CLAIRE";
  e[0].id_qualifier = "XX";
  e[0].id = "1903472516";
  e[0].contact.phone = "6085550100";
  e[0].contact.fax = "6085550101";
  e[0].contact.email = "INTAKE@EXAMPLE.ORG";
  e[1].entity_code = "X3";
  e[1].name = "HERON CARE MANAGEMENT";
  e[1].contact.name = "UTILIZATION REVIEW";
  b[3].entities = e;
  b[3].nentities = 2;
  p.benefits = b;
  p.nbenefits = 4;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  assert_body(x12,
              "HL*1**20*1~"
              "NM1*PR*2*BLUE HERON MUTUAL*****PI*BHM77~"
              "PER*IC*PROVIDER LINE*TE*8885550190*EX*12*UR*WWW.BLUEHERONMUTUAL.EXAMPLE~"
              "HL*2*1*21*1~"
              "NM1*1P*1*RIVERA*MORGAN****XX*1982736450~"
              "HL*3*2*22*0~"
              "TRN*2*LKC270-1100*9164803917~"
              "TRN*1*BHM-TR-55012*1999888777~"
              "NM1*IL*1*OKONKWO*ADAEZE*N**III*MI*BHM4471902~"
              "REF*6P*G80211~"
              "REF*18*P900*HERON GOLD PPO~"
              "DMG*D8*19790304*F~"
              "DTP*346*D8*20270101~"
              "DTP*356*RD8*20260915-20271231~"
              "DTP*357*D8*20271231~"
              "EB*1*IND*MH^A4^A6*PR*HERON GOLD PPO~"
              "DTP*292*RD8*20270101-20271231~"
              "DTP*348*D8*20270201~"
              "MSG*FIRST NOTE~"
              "MSG*SECOND NOTE~"
              "EB*A*FAM**PR**27**.25***N*Y*HC:96360:59:XU::::96379~"
              "EB*F*IND****26***VS*1.5*U*U*HC:G2082~"
              "AAA*N**AG*C~"
              "AAA*Y**E8*Y~"
              "EB*B*IND*MH***27*.01*****W~"
              "LS*2120~"
              "NM1*P3*1*ABERNATHY*CLAIRE****XX*1903472516~"
              "PER*IC**TE*6085550100*FX*6085550101*EM*INTAKE@EXAMPLE.ORG~"
              "NM1*X3*2*HERON CARE MANAGEMENT~"
              "PER*IC*UTILIZATION REVIEW~"
              "LE*2120~");
  free(x12);
}

static void test_271_dependent(void **state)
{
  static const x12kit_respond_date sub_dates[] = { { "346", "2026-07-01", NULL } };
  static const x12kit_respond_date dep_dates[] = { { "356", "2026-07-01", NULL } };
  x12kit_271_response r;
  x12kit_271_response_patient p;
  x12kit_271_response_benefit b[3];
  x12kit_271_response_entity e;
  size_t len;
  char *x12;

  (void)state;
  base271(&r, 3, "LKC270-1012");
  patient271(&p, "LKC270-1012", "PRH30011452", "NAKAMURA", "KENJI", NULL, NULL);
  p.group_number = "PR-GRP-7781";
  p.group_name = "PRAIRIE FAMILY HMO";
  p.dates = sub_dates;
  p.ndates = 1;
  p.dependent.last = "NAKAMURA";
  p.dependent.first = "EMI";
  p.dependent.middle = "R";
  p.dependent.dob = "2002-05-18";
  p.dependent.gender = "F";
  p.dependent.relationship = "19";
  p.dependent.dates = dep_dates;
  p.dependent.ndates = 1;
  benefit(&b[0], "1", "DEP", stc_30, 1, "HM", "PRAIRIE FAMILY HMO");
  benefit(&b[1], "B", "DEP", NULL, 0, "HM", "PRAIRIE FAMILY HMO");
  money(&b[1], "27", 6000, 'Y');
  b[1].auth = 'Y';
  b[1].procedure = "G2082";
  memset(&e, 0, sizeof e);
  e.entity_code = "P3";
  e.last = "ABERNATHY";
  e.first = "CLAIRE";
  e.id_qualifier = "XX";
  e.id = "1903472516";
  b[1].entities = &e;
  b[1].nentities = 1;
  p.dependent.benefits = b;
  p.dependent.nbenefits = 2;
  r.patients = &p;
  r.npatients = 1;
  x12 = built271(&r, &len);
  /* 2000C: HL04 1, no TRN; 2000D: the trace echo, NM1*03 without an ID, INS */
  assert_body(x12,
              "HL*1**20*1~"
              "NM1*PR*2*PRAIRIE RIDGE HEALTH PLAN*****PI*PRHP5~"
              "HL*2*1*21*1~"
              "NM1*1P*2*LAKESHORE KETAMINE CENTER*****XX*1648039174~"
              "HL*3*2*22*1~"
              "NM1*IL*1*NAKAMURA*KENJI****MI*PRH30011452~"
              "REF*6P*PR-GRP-7781*PRAIRIE FAMILY HMO~"
              "DTP*346*D8*20260701~"
              "HL*4*3*23*0~"
              "TRN*2*LKC270-1012*9164803917~"
              "NM1*03*1*NAKAMURA*EMI*R~"
              "DMG*D8*20020518*F~"
              "INS*N*19~"
              "DTP*356*D8*20260701~"
              "EB*1*DEP*30*HM*PRAIRIE FAMILY HMO~"
              "EB*B*DEP**HM*PRAIRIE FAMILY HMO*27*60****Y*Y*HC:G2082~"
              "LS*2120~"
              "NM1*P3*1*ABERNATHY*CLAIRE****XX*1903472516~"
              "LE*2120~");
  free(x12);

  /* the subscriber with benefits of his own: two patients read back */
  benefit(&b[2], "1", "IND", stc_30, 1, "HM", "PRAIRIE FAMILY HMO");
  p.benefits = b + 2;
  p.nbenefits = 1;
  x12 = built271(&r, &len);
  assert_non_null(
    strstr(x12, "~DTP*346*D8*20260701~EB*1*IND*30*HM*PRAIRIE FAMILY HMO~HL*4*3*23*0~"));
  free(x12);

  /* the subscriber rejected: the dependent is not written and the trace goes to 2000C */
  {
    static const x12kit_respond_aaa r75[] = { { 'Y', "75", "C" } };
    p.benefits = NULL;
    p.nbenefits = 0;
    p.rejections = r75;
    p.nrejections = 1;
    p.dependent.first = ""; /* not checked: it is not written */
    x12 = built271(&r, &len);
    assert_body(x12,
                "HL*1**20*1~"
                "NM1*PR*2*PRAIRIE RIDGE HEALTH PLAN*****PI*PRHP5~"
                "HL*2*1*21*1~"
                "NM1*1P*2*LAKESHORE KETAMINE CENTER*****XX*1648039174~"
                "HL*3*2*22*0~"
                "TRN*2*LKC270-1012*9164803917~"
                "NM1*IL*1*NAKAMURA*KENJI****MI*PRH30011452~"
                "REF*6P*PR-GRP-7781*PRAIRIE FAMILY HMO~"
                "AAA*Y**75*C~"
                "DTP*346*D8*20260701~");
    free(x12);
  }
}

static void test_271_patients(void **state)
{
  static const char *const traces[] = { "T-1", "T-2", "T-3" };
  static x12kit_271_response_patient many[X12KIT_271_RESPONSE_MAX_PATIENTS + 1];
  x12kit_271_response r;
  x12kit_271_response_patient p[3];
  x12kit_271_response_benefit b;
  x12kit_error err;
  size_t len, i;
  char *x12;

  (void)state;
  base271(&r, 1, "NWI270-0300");
  benefit(&b, "1", "IND", stc_30, 1, NULL, NULL);
  for (i = 0; i < 3; i++) {
    patient271(&p[i], traces[i], "CVK100000001", "DOE", "ALEX", NULL, NULL);
    p[i].benefits = &b;
    p[i].nbenefits = 1;
  }
  p[1].dependent.last = "DOE";
  p[1].dependent.first = "RIO";
  p[1].dependent.benefits = &b;
  p[1].dependent.nbenefits = 1;
  p[1].nbenefits = 0;
  r.patients = p;
  r.npatients = 3;
  x12 = built271(&r, &len);
  /* HL numbers run on through the dependent; every subscriber's parent is HL 2 */
  assert_non_null(strstr(x12, "~HL*3*2*22*0~TRN*2*T-1*9164803917~"));
  assert_non_null(strstr(x12, "~HL*4*2*22*1~NM1*IL*"));
  assert_non_null(strstr(x12, "~HL*5*4*23*0~TRN*2*T-2*9164803917~NM1*03*1*DOE*RIO~"));
  assert_non_null(strstr(x12, "~HL*6*2*22*0~TRN*2*T-3*9164803917~"));
  assert_int_equal(count(x12, "~EB*1*IND*30~"), 3);
  free(x12);

  /* 99 patients validate; 100 are refused */
  for (i = 0; i < X12KIT_271_RESPONSE_MAX_PATIENTS + 1; i++) {
    patient271(&many[i], traces[i % 3], "CVK100000001", "DOE", "ALEX", NULL, NULL);
    many[i].benefits = &b;
    many[i].nbenefits = 1;
  }
  r.patients = many;
  r.npatients = X12KIT_271_RESPONSE_MAX_PATIENTS;
  x12 = built271(&r, &len);
  assert_int_equal(count(x12, "~HL*"), X12KIT_271_RESPONSE_MAX_PATIENTS + 2);
  free(x12);
  r.npatients = X12KIT_271_RESPONSE_MAX_PATIENTS + 1;
  assert_int_equal(x12kit_271_response_check(&r, schema, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "at most 99 patients"));
}

/* A rejection above the patients: what is below is neither checked nor written. */
static void test_271_rejection_cutoff(void **state)
{
  static const x12kit_respond_aaa r51[] = { { 'N', "51", "N" } };
  static const x12kit_respond_aaa r43[] = { { 'N', "43", "C" } };
  static const x12kit_respond_aaa r42[] = { { 'Y', "42", "R" } };
  fixture271 f;
  size_t len;
  char *x12;

  (void)state;
  fixture271_fill(&f);
  f.p.member_id = "C"; /* too short, but below the rejection */
  f.r.provider_rejections = r51;
  f.r.nprovider_rejections = 1;
  x12 = built271(&f.r, &len);
  assert_non_null(strstr(x12, "~HL*2*1*21*0~NM1*1P*2*NORTHWIND INFUSION CLINIC*****XX*"
                              "1582037465~AAA*N**51*N~SE*"));
  assert_null(strstr(x12, "HL*3"));
  free(x12);

  /* an NPI the payer rejects is echoed as it came, without its check digit */
  f.r.provider_npi = "1582037466";
  f.r.provider_rejections = r43;
  x12 = built271(&f.r, &len);
  assert_non_null(strstr(x12, "*XX*1582037466~AAA*N**43*C~"));
  free(x12);

  /* the payer cannot answer now: no receiver loop, even without a provider */
  f.r.provider_npi = NULL;
  f.r.provider_name = NULL;
  f.r.provider_rejections = NULL;
  f.r.nprovider_rejections = 0;
  f.r.payer_rejections = r42;
  f.r.npayer_rejections = 1;
  x12 = built271(&f.r, &len);
  assert_non_null(strstr(x12, "~HL*1**20*0~NM1*PR*2*CEDAR VALLEY HEALTH PLAN*****PI*CVHP01~"
                              "AAA*Y**42*R~SE*6*0001~"));
  free(x12);
}

/* Amounts and rates at their edges, written as X12 decimals and read back. */
static void test_271_amounts(void **state)
{
  static const struct {
    long long cents;
    const char *text;
  } amounts[] = {
    { 0, "0" },         { 1, ".01" },           { 10, ".1" },           { 99, ".99" },
    { 100, "1" },       { 4000, "40" },         { 65050, "650.5" },     { 410025, "4100.25" },
    { 100001, "1000.01" }, { 1000000000000ll, "10000000000" }, { 999999999999ll, "9999999999.99" },
  };
  static const struct {
    long bp;
    const char *text;
  } rates[] = {
    { 0, "0" }, { 1, ".0001" }, { 10, ".001" }, { 2500, ".25" }, { 3000, ".3" },
    { 3333, ".3333" }, { 9999, ".9999" }, { 10000, "1" },
  };
  fixture271 f;
  char want[64];
  size_t len, i;
  char *x12;
  x12kit_error err;

  (void)state;
  for (i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
    fixture271_fill(&f);
    f.b[4].amount.cents = amounts[i].cents;
    x12 = built271(&f.r, &len);
    snprintf(want, sizeof want, "~EB*B*IND**PR*CEDAR CHOICE PPO*27*%s****Y*Y*HC:96365~",
             amounts[i].text);
    if (strstr(x12, want) == NULL)
      fail_msg("%lld cents: no %s", amounts[i].cents, want);
    free(x12);
  }
  for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
    fixture271_fill(&f);
    f.b[5].percent.bp = rates[i].bp;
    x12 = built271(&f.r, &len);
    snprintf(want, sizeof want, "~EB*A*IND**PR*CEDAR CHOICE PPO*27**%s***Y*N*HC:96365~",
             rates[i].text);
    if (strstr(x12, want) == NULL)
      fail_msg("%ld basis points: no %s", rates[i].bp, want);
    free(x12);
  }

  /* beyond the edges */
  fixture271_fill(&f);
  f.b[4].amount.cents = X12KIT_RESPOND_MAX_CENTS + 1;
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "patient 1: benefit 5: amount (EB07) must be 0 to "
                                "1000000000000 cents");
  f.b[4].amount.cents = -1;
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "amount (EB07)"));
  fixture271_fill(&f);
  f.b[5].percent.bp = 10001;
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "patient 1: benefit 6: percent (EB08) must be 0 to 10000 "
                                "basis points");
  f.b[5].percent.bp = -1;
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_ERR_ARG);
  /* a value is ignored while its flag says it is not set */
  f.b[5].percent.set = 0;
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_OK);
}

/* Dates written YYYY-MM-DD or CCYYMMDD give the same bytes. */
static void test_date_forms(void **state)
{
  static const x12kit_respond_date compact[] = { { "346", "20260101", NULL } };
  fixture271 f;
  size_t len1, len2;
  char *a, *b;

  (void)state;
  fixture271_fill(&f);
  a = build271(&f.r, &len1);
  f.p.dob = "19880622";
  f.p.dates = compact;
  b = build271(&f.r, &len2);
  assert_int_equal(len1, len2);
  assert_memory_equal(a, b, len1);
  free(a);
  free(b);
}

/* ---- the 278 ---- */

/* The answers of fixtures/auth-responses/: Harborview to Stillwater. */
typedef struct harbor {
  x12kit_278_reply r;
  x12kit_278_reply_line l[3];
  x12kit_278_provider prov;
} harbor;

static void harbor_fill(harbor *f, const char *reference, size_t nlines)
{
  static const x12kit_278_reply_um um = { "HS", "I", "MH", "11", NULL };
  size_t i;

  memset(f, 0, sizeof *f);
  f->r.payer_name = "HARBORVIEW HEALTH PLAN";
  f->r.payer_id = "HVHP01";
  f->r.provider_name = "STILLWATER KETAMINE CLINIC";
  f->r.provider_npi = "1728394051";
  f->r.member_id = "HVH720193384";
  f->r.last = "QUILLFEATHER";
  f->r.first = "JUNO";
  f->r.dob = "1984-03-09";
  f->r.gender = "F";
  f->r.trace = reference;
  f->r.trace_entity = "9456123780";
  f->r.um = um;
  f->prov.last = "VASQUEZ-OLIN";
  f->prov.first = "TOMAS";
  f->prov.npi = "1635482908";
  f->prov.taxonomy = "2084P0800X";
  f->r.providers = &f->prov;
  f->r.nproviders = 1;
  for (i = 0; i < nlines; i++) {
    f->l[i].service.procedure = "96365";
    f->l[i].service.units = "8";
    f->l[i].service.from = "2027-01-04";
    f->l[i].service.to = "2027-01-29";
  }
  f->r.lines = f->l;
  f->r.nlines = nlines;
  f->r.reference = reference;
  f->r.sender_id = "HARBORVIEWHP";
  f->r.receiver_id = "STILLWATERKC";
  f->r.usage = 'T';
  f->r.control = 801;
  f->r.date = "20261214";
  f->r.time = "1010";
}

static void harbor_contact(harbor *f)
{
  f->r.payer_contact.name = "UTILIZATION REVIEW";
  f->r.payer_contact.phone = "8005550134";
  f->r.payer_contact.extension = "212";
}

static void test_278_decision_fixtures(void **state)
{
  harbor f;
  size_t len, i;
  char *x12;

  (void)state;

  /* A1 with both traces, the UMO's phone, certification dates, two lines */
  harbor_fill(&f, "SKC278-1001", 2);
  harbor_contact(&f);
  f.r.payer_trace = "HV26121400417";
  f.r.payer_trace_entity = "1392817465";
  f.r.decision.action = "A1";
  f.r.decision.certification = "HV2612140417";
  f.r.decision.admin_reference = "HVR-558012";
  f.r.decision.issued = "2026-12-14";
  f.r.decision.effective = "2027-01-04";
  f.r.decision.expires = "2027-01-29";
  f.r.diagnoses = dx_f332;
  f.r.ndiagnoses = 1;
  f.r.approved.quantity = "2";
  f.r.approved.per = "WK";
  f.r.approved.period_unit = "35";
  f.r.approved.periods = "4";
  for (i = 0; i < 2; i++) {
    f.l[i].um = f.r.um;
    f.l[i].decision.action = "A1";
    f.l[i].decision.certification = "HV2612140417";
  }
  f.l[1].service.procedure = "J3490";
  f.l[1].service.description = "KETAMINE HCL IV";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/a1-certified.x12", 1);
  free(x12);

  /* A2: a shorter period as an effective range, a note, lines without UM */
  harbor_fill(&f, "SKC278-1002", 2);
  f.r.decision.action = "A2";
  f.r.decision.certification = "HV2612140533";
  f.r.decision.admin_reference = "HVR-558090";
  f.r.decision.effective = "2027-01-04";
  f.r.decision.effective_end = "2027-01-15";
  f.r.approved.quantity = "2";
  f.r.approved.per = "WK";
  f.r.approved.period_unit = "35";
  f.r.approved.periods = "2";
  f.r.note = "APPROVED 4 OF 8 INFUSIONS. SUBMIT PHQ-9 RESULTS AFTER SESSION 4 TO EXTEND.";
  for (i = 0; i < 2; i++) {
    f.l[i].decision.action = "A2";
    f.l[i].decision.certification = "HV2612140533";
    f.l[i].service.units = "4";
    f.l[i].service.to = "20270115";
  }
  f.l[1].service.procedure = "J3490";
  f.l[1].service.description = "KETAMINE HCL IV";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/a2-partial.x12", 1);
  free(x12);

  /* A3 with its reason, the event dates echoed */
  harbor_fill(&f, "SKC278-1003", 1);
  harbor_contact(&f);
  f.r.decision.action = "A3";
  f.r.decision.reason = "0U";
  f.r.decision.admin_reference = "HVR-558144";
  f.r.from = "2027-01-04";
  f.r.to = "2027-01-29";
  f.r.note = "NOT MEDICALLY NECESSARY - FEWER THAN TWO ADEQUATE ANTIDEPRESSANT TRIALS "
             "DOCUMENTED.";
  f.l[0].decision.action = "A3";
  f.l[0].decision.reason = "0U";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/a3-not-certified.x12", 1);
  free(x12);

  /* A6: the dates moved */
  harbor_fill(&f, "SKC278-1006", 2);
  f.r.decision.action = "A6";
  f.r.decision.certification = "HV2612140702";
  f.r.decision.effective = "2027-01-18";
  f.r.decision.expires = "2027-02-12";
  f.r.approved.quantity = "2";
  f.r.approved.per = "WK";
  f.r.approved.period_unit = "35";
  f.r.approved.periods = "4";
  f.r.note = "START DATE MOVED - PRIOR TREATMENT COURSE ENDS 2027-01-15.";
  for (i = 0; i < 2; i++) {
    f.l[i].decision.action = "A6";
    f.l[i].decision.certification = "HV2612140702";
    f.l[i].service.from = "2027-01-18";
    f.l[i].service.to = "2027-02-12";
  }
  f.l[1].service.procedure = "96366";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/a6-modified.x12", 1);
  free(x12);

  /* C: cancelled, with the earlier authorization in REF BB */
  harbor_fill(&f, "SKC278-1008", 1);
  f.r.um.certification_type = "3";
  f.r.decision.action = "C";
  f.r.decision.certification = "HV2612140417";
  f.r.decision.previous_auth = "HV2612140417";
  f.r.nproviders = 0;
  f.l[0].decision.action = "C";
  f.l[0].decision.certification = "HV2612140417";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/c-cancelled.x12", 1);
  free(x12);

  /* CT: no service lines, the event's HL04 is 0 */
  harbor_fill(&f, "SKC278-1007", 0);
  f.r.payer_contact.name = "DR. WELLER, MEDICAL DIRECTOR OFFICE";
  f.r.payer_contact.phone = "8005550199";
  f.r.payer_contact.extension = "4410";
  f.r.decision.action = "CT";
  f.r.decision.admin_reference = "HVR-558377";
  f.r.from = "2027-01-04";
  f.r.to = "2027-01-29";
  f.r.note = "CALL THE MEDICAL DIRECTOR BEFORE A DECISION IS MADE.";
  f.r.nproviders = 0;
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/ct-contact-payer.x12", 1);
  free(x12);

  /* NA: one day, D8 */
  harbor_fill(&f, "SKC278-1009", 1);
  f.r.um.service_type = "98";
  f.r.decision.action = "NA";
  f.r.decision.admin_reference = "HVR-558431";
  f.r.from = "2027-01-06";
  f.r.note = "NO PRIOR AUTHORIZATION REQUIRED FOR THIS SERVICE.";
  f.r.nproviders = 0;
  f.l[0].decision.action = "NA";
  f.l[0].service.procedure = "99214";
  f.l[0].service.units = "1";
  f.l[0].service.from = "2027-01-06";
  f.l[0].service.to = "2027-01-06";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/na-no-action.x12", 1);
  free(x12);
}

static void test_278_rejection_fixtures(void **state)
{
  static const x12kit_respond_aaa r79[] = { { 'Y', "79", "C" } };
  static const x12kit_respond_aaa r42[] = { { 'Y', "42", "P" } };
  static const x12kit_respond_aaa r51[] = { { 'N', "51", "C" } };
  static const x12kit_respond_aaa r72[] = { { 'N', "72", "C" } };
  static const x12kit_respond_aaa r77[] = { { 'N', "77", "C" } };
  static const x12kit_respond_aaa raf[] = { { 'N', "AF", "C" } };
  static const x12kit_respond_aaa rag[] = { { 'N', "AG", "C" } };
  harbor f;
  size_t len;
  char *x12;

  (void)state;

  /* 2010A: the answer stops at the UMO (the fixtures leave out BHT06: HL loops compared) */
  harbor_fill(&f, "SKC278-1010", 1);
  f.r.payer_rejections = r42;
  f.r.npayer_rejections = 1;
  f.r.last = NULL; /* below the rejection: not checked */
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2010a.x12", 0);
  free(x12);

  /* 2000A: before the UMO's name */
  harbor_fill(&f, "SKC278-1010", 1);
  f.r.source_rejections = r79;
  f.r.nsource_rejections = 1;
  f.r.payer_contact.phone = "8005550134";
  x12 = built278(&f.r, &len);
  assert_body(x12, "HL*1**20*0~AAA*Y**79*C~NM1*X3*2*HARBORVIEW HEALTH PLAN*****PI*HVHP01~"
                   "PER*IC**TE*8005550134~");
  free(x12);

  harbor_fill(&f, "SKC278-1011", 1);
  f.r.provider_rejections = r51;
  f.r.nprovider_rejections = 1;
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2010b.x12", 0);
  free(x12);

  harbor_fill(&f, "SKC278-1012", 1);
  f.r.member_id = "HVH72019338";
  f.r.subscriber_rejections = r72;
  f.r.nsubscriber_rejections = 1;
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2010c.x12", 0);
  free(x12);

  harbor_fill(&f, "SKC278-1013", 1);
  f.r.dob = NULL;
  f.r.gender = NULL;
  f.r.dependent_last = "QUILLFEATHER";
  f.r.dependent_first = "RORIE";
  f.r.dependent_dob = "2008-05-17";
  f.r.dependent_gender = "M";
  f.r.dependent_rejections = r77;
  f.r.ndependent_rejections = 1;
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2010d.x12", 0);
  free(x12);

  /* 2000E: the event is written with its AAA, no decision and no lines */
  harbor_fill(&f, "SKC278-1014", 1);
  f.r.event_rejections = raf;
  f.r.nevent_rejections = 1;
  f.r.from = "2027-01-04";
  f.r.to = "2027-01-29";
  f.r.nproviders = 0;
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2000e.x12", 0);
  free(x12);

  /* 2000F: one line certified, one rejected */
  harbor_fill(&f, "SKC278-1016", 2);
  f.r.from = "2027-01-04";
  f.r.to = "2027-01-29";
  f.l[0].um = f.r.um;
  f.l[0].decision.action = "A1";
  f.l[0].decision.certification = "HV2612141120";
  f.l[1].um = f.r.um;
  f.l[1].rejections = rag;
  f.l[1].nrejections = 1;
  f.l[1].service.procedure = "96399";
  x12 = built278(&f.r, &len);
  expect_fixture(x12, "auth-responses/aaa-2000f.x12", 1);
  free(x12);
}

/* Every HCR01 value, at the event and at a line, validated and read back. */
static void test_278_every_action(void **state)
{
  static const char *const actions[] = { "A1", "A2", "A3", "A4", "A6", "C", "CT", "NA" };
  harbor f;
  char want[64];
  size_t len, i;
  char *x12;

  (void)state;
  for (i = 0; i < sizeof actions / sizeof actions[0]; i++) {
    const char *a = actions[i];
    int numbered = !strcmp(a, "A1") || !strcmp(a, "A2") || !strcmp(a, "A6");
    int reasoned = !strcmp(a, "A2") || !strcmp(a, "A3") || !strcmp(a, "A4") || !strcmp(a, "A6");

    harbor_fill(&f, "SKC278-2000", 2);
    f.r.decision.action = a;
    f.r.decision.certification = numbered ? "CERT-1" : NULL;
    f.r.decision.reason = reasoned ? "0U" : NULL;
    f.r.decision.second_opinion = 'N';
    f.l[0].decision = f.r.decision;
    f.l[1].decision.action = a;
    f.l[1].decision.certification = numbered ? "CERT-2" : NULL;
    f.l[1].decision.reason = !strcmp(a, "A3") ? "0U" : NULL;
    x12 = built278(&f.r, &len);
    snprintf(want, sizeof want, "~HCR*%s*%s*%s*N~", a, numbered ? "CERT-1" : "",
             reasoned ? "0U" : "");
    if (count(x12, want) != 2)
      fail_msg("%s: %s not at the event and line 1", a, want);
    free(x12);
  }
}

static void test_278_dependent_and_dates(void **state)
{
  static const char *const dx[] = { "F33.2", "F41.1", "Z91.89" };
  static const x12kit_respond_aaa r_mod[] = { { 'N', "AG", "C" } };
  harbor f;
  x12kit_278_provider prov[2];
  size_t len;
  char *x12;

  (void)state;
  harbor_fill(&f, "SKC278-3000", 3);
  f.r.requester_code = "FA";
  f.r.dependent_last = "QUILLFEATHER";
  f.r.dependent_first = "RORY";
  f.r.dependent_member_id = "HVH720193399";
  f.r.dependent_dob = "20080517";
  f.r.dependent_gender = "M";
  f.r.dependent_relationship = "19";
  f.r.payer_trace = "HV-77";
  f.r.payer_trace_entity = "1392817465";
  f.r.response_type = "19";
  f.r.decision.action = "A1";
  f.r.decision.certification = "HV-CERT-9";
  f.r.decision.admin_reference = "NT-1";
  f.r.decision.previous_auth = "BB-1";
  f.r.decision.issued = "20261214";
  f.r.decision.effective = "2027-01-04";
  f.r.decision.effective_end = "2027-01-29";
  f.r.decision.expires = "2027-01-29";
  f.r.diagnoses = dx;
  f.r.ndiagnoses = 3;
  f.r.approved.quantity = "006";
  f.r.approved.qualifier = "FL";
  memset(prov, 0, sizeof prov);
  prov[0].last = "VASQUEZ-OLIN";
  prov[0].first = "TOMAS";
  prov[0].npi = "1635482908";
  prov[0].taxonomy = "2084P0800X";
  prov[0].role = "AT";
  prov[1].entity_code = "77";
  prov[1].name = "STILLWATER ANNEX";
  f.r.providers = prov;
  f.r.nproviders = 2;
  f.l[0].trace = "LINE-1";
  f.l[0].trace_entity = "9456123780";
  f.l[0].payer_trace = "HV-77-1";
  f.l[0].payer_trace_entity = "1392817465";
  f.l[0].um = f.r.um;
  f.l[0].decision.action = "A6";
  f.l[0].decision.certification = "HV-CERT-9";
  f.l[0].decision.reason = "0U";
  f.l[0].decision.effective = "2027-01-11";
  f.l[0].decision.expires = "2027-01-29";
  f.l[0].service.procedure = "96365:59";
  f.l[0].service.delivery.quantity = "4";
  f.l[0].note = "FOUR OF EIGHT";
  f.l[1].service.procedure = "J3490";
  f.l[1].service.description = "KETAMINE HCL IV";
  f.l[1].service.revenue_code = "0636";
  f.l[1].service.charge = "120.50";
  f.l[1].service.units = NULL;
  f.l[1].decision.action = "A4";
  f.l[2].rejections = r_mod;
  f.l[2].nrejections = 1;
  x12 = built278(&f.r, &len);
  assert_body(x12,
              "HL*1**20*1~"
              "NM1*X3*2*HARBORVIEW HEALTH PLAN*****PI*HVHP01~"
              "HL*2*1*21*1~"
              "NM1*FA*2*STILLWATER KETAMINE CLINIC*****XX*1728394051~"
              "HL*3*2*22*1~"
              "NM1*IL*1*QUILLFEATHER*JUNO****MI*HVH720193384~"
              "DMG*D8*19840309*F~"
              "HL*4*3*23*1~"
              "NM1*QC*1*QUILLFEATHER*RORY****MI*HVH720193399~"
              "DMG*D8*20080517*M~"
              "INS*N*19~"
              "HL*5*4*EV*1~"
              "TRN*2*SKC278-3000*9456123780~"
              "TRN*1*HV-77*1392817465~"
              "UM*HS*I*MH*11:B~"
              "HCR*A1*HV-CERT-9~"
              "REF*NT*NT-1~"
              "REF*BB*BB-1~"
              "DTP*102*D8*20261214~"
              "DTP*007*RD8*20270104-20270129~"
              "DTP*036*D8*20270129~"
              "HI*ABK:F332*ABF:F411*ABF:Z9189~"
              "HSD*FL*6~"
              "NM1*SJ*1*VASQUEZ-OLIN*TOMAS****XX*1635482908~"
              "PRV*AT*PXC*2084P0800X~"
              "NM1*77*2*STILLWATER ANNEX~"
              "HL*6*5*SS*0~"
              "TRN*2*LINE-1*9456123780~"
              "TRN*1*HV-77-1*1392817465~"
              "UM*HS*I*MH*11:B~"
              "HCR*A6*HV-CERT-9*0U~"
              "DTP*007*D8*20270111~"
              "DTP*036*D8*20270129~"
              "DTP*472*RD8*20270104-20270129~"
              "SV1*HC:96365:59**UN*8~"
              "HSD*VS*4~"
              "MSG*FOUR OF EIGHT~"
              "HL*7*5*SS*0~"
              "HCR*A4~"
              "DTP*472*RD8*20270104-20270129~"
              "SV2*0636*HC:J3490:::::KETAMINE HCL IV*120.50~"
              "HL*8*5*SS*0~"
              "AAA*N**AG*C~"
              "DTP*472*RD8*20270104-20270129~"
              "SV1*HC:96365**UN*8~");
  assert_non_null(strstr(x12, "~BHT*0007*11*SKC278-3000*20261214*1010*19~"));
  free(x12);
}

/* ---- refused input ---- */

typedef struct bad_case {
  const char *what;
  const char *field;   /* the message must contain this */
  const char *value;   /* and never this */
} bad_case;

static void expect_message(int rc, const x12kit_error *err, const bad_case *c)
{
  if (rc != X12KIT_ERR_ARG)
    fail_msg("%s: accepted (%d)", c->what, rc);
  assert_int_equal(err->code, X12KIT_ERR_ARG);
  if (strstr(err->text, c->field) == NULL)
    fail_msg("%s: message \"%s\" does not name %s", c->what, err->text, c->field);
  if (c->value && *c->value && strstr(err->text, c->value) != NULL)
    fail_msg("%s: message \"%s\" shows the value", c->what, err->text);
  assert_string_equal(err->value, "");
}

static void refused271(const x12kit_271_response *r, const bad_case *c)
{
  x12kit_error err;
  x12kit_writer *w;
  tu_buf b = { NULL, 0 };

  memset(&err, 0, sizeof err);
  expect_message(x12kit_271_response_check(r, schema, &err), &err, c);
  /* the writer gets nothing */
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_271_response_write(r, schema, w, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  assert_int_equal(b.len, 0);
  free(b.p);
}

static void refused278(const x12kit_278_reply *r, const bad_case *c)
{
  x12kit_error err;
  x12kit_writer *w;
  tu_buf b = { NULL, 0 };

  memset(&err, 0, sizeof err);
  expect_message(x12kit_278_reply_check(r, schema, &err), &err, c);
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_278_reply_write(r, schema, w, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  assert_int_equal(b.len, 0);
  free(b.p);
}

static void test_271_check_refuses(void **state)
{
  static const char *const stc_zz[] = { "ZZ" };
  static const char *const stc_star[] = { "M*" };
  static const char *stc_100[100];
  static const char *msgs_11[11];
  static char long_text[266];
  static const char *long_msg[1];
  static const x12kit_respond_aaa bad_valid[] = { { 'X', "75", "C" } };
  static const x12kit_respond_aaa r75[] = { { 'Y', "75", "C" } };
  static const x12kit_respond_aaa r67[] = { { 'Y', "67", "C" } };
  static const x12kit_respond_aaa r42q[] = { { 'Y', "42", "Q" } };
  static const x12kit_respond_aaa r72[] = { { 'N', "72", "C" } };
  static const x12kit_respond_aaa r10[10] = { { 'Y', "42", "R" } };
  static const x12kit_respond_date d999[] = { { "999", "2026-01-01", NULL } };
  static const x12kit_respond_date d442[] = { { "442", "2026-01-01", NULL } };
  static const x12kit_respond_date d_back[] = { { "346", "2026-02-01", "2026-01-01" } };
  fixture271 base, f;
  x12kit_error err;
  bad_case c;
  size_t i;

  (void)state;
  for (i = 0; i < 100; i++)
    stc_100[i] = "MH";
  for (i = 0; i < 11; i++)
    msgs_11[i] = "NOTE";
  memset(long_text, 'A', 265);
  long_msg[0] = long_text;
  fixture271_fill(&base);
  assert_int_equal(x12kit_271_response_check(&base.r, schema, &err), X12KIT_OK);
  assert_int_equal(x12kit_271_response_check(&base.r, NULL, &err), X12KIT_OK);

#define BAD(field_, value_, what_, assign)                                                    \
  do {                                                                                        \
    f = base;                                                                                 \
    f.r.patients = &f.p;                                                                      \
    f.p.benefits = f.b;                                                                       \
    f.b[4].entities = &f.e;                                                                   \
    assign;                                                                                   \
    c.what = (what_);                                                                         \
    c.field = (field_);                                                                       \
    c.value = (value_);                                                                       \
    refused271(&f.r, &c);                                                                     \
  } while (0)

  /* the source and the receiver */
  BAD("payer name", NULL, "no payer name", f.r.payer_name = NULL);
  BAD("payer ID", NULL, "1-character payer ID", f.r.payer_id = "C");
  BAD("payer contact phone", "555", "short phone", f.r.payer_contact.phone = "555");
  BAD("payer contact extension needs the contact phone", "12", "extension alone",
      f.r.payer_contact.extension = "12");
  BAD("payer contact email must hold an @", "NOBODY", "email without @",
      f.r.payer_contact.email = "NOBODY");
  BAD("more than 3 numbers", NULL, "four numbers",
      (f.r.payer_contact.phone = "8005550100", f.r.payer_contact.extension = "1",
       f.r.payer_contact.fax = "8005550101", f.r.payer_contact.url = "X.EXAMPLE"));
  BAD("provider NPI check digit", "1582037466", "bad NPI check digit",
      f.r.provider_npi = "1582037466");
  BAD("provider NPI", "15820374A5", "NPI with a letter", f.r.provider_npi = "15820374A5");
  BAD("provider name", NULL, "no provider name", f.r.provider_name = NULL);
  BAD("provider", NULL, "organization and person", f.r.provider_last = "RIVERA");
  BAD("reference (BHT03)", NULL, "no reference", f.r.reference = NULL);
  BAD("source rejection 1 reason (AAA03)", "75", "2100C reason at 2000A",
      (f.r.source_rejections = r75, f.r.nsource_rejections = 1));
  BAD("payer rejection 1 follow-up action (AAA04)", "Q", "unknown follow-up action",
      (f.r.payer_rejections = r42q, f.r.npayer_rejections = 1));
  BAD("provider rejection 1 reason (AAA03)", "72", "member reason at 2100B",
      (f.r.provider_rejections = r72, f.r.nprovider_rejections = 1));
  BAD("at most 9 payer rejections", NULL, "ten rejections",
      (f.r.payer_rejections = r10, f.r.npayer_rejections = 10));
  BAD("patients", NULL, "no patient", f.r.npatients = 0);
  BAD("patients: count without a list", NULL, "count without patients", f.r.patients = NULL);

  /* the patient */
  BAD("patient 1: trace (TRN02)", NULL, "no trace", f.p.trace = NULL);
  BAD("patient 1: trace entity (TRN03)", "987654321", "9-character trace entity",
      f.p.trace_entity = "987654321");
  BAD("patient 1: payer trace (TRN02)", NULL, "payer trace entity alone",
      f.p.payer_trace_entity = "1999888777");
  BAD("patient 1: payer trace entity (TRN03)", "1999-88877", "payer entity with a dash",
      (f.p.payer_trace = "P-1", f.p.payer_trace_entity = "1999-88877"));
  BAD("patient 1: member ID", NULL, "no member ID", f.p.member_id = NULL);
  BAD("patient 1: member ID", "CVK*300418826", "member ID with *",
      f.p.member_id = "CVK*300418826");
  BAD("patient 1: subscriber last name", NULL, "no last name", f.p.last = "");
  BAD("patient 1: subscriber middle name", NULL, "26-character middle name",
      f.p.middle = "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  BAD("patient 1: subscriber date of birth", "1988-02-30", "February 30",
      f.p.dob = "1988-02-30");
  BAD("patient 1: subscriber date of birth", "1988/06/22", "slashes",
      f.p.dob = "1988/06/22");
  BAD("patient 1: subscriber gender", "X", "gender X", f.p.gender = "X");
  BAD("patient 1: subscriber gender needs the date of birth", NULL, "gender alone",
      f.p.dob = NULL);
  BAD("patient 1: group name needs the group number", NULL, "group name alone",
      f.p.group_name = "CEDAR");
  BAD("patient 1: plan name needs the plan number", NULL, "plan name alone",
      f.p.plan_name = "CEDAR");
  BAD("patient 1: subscriber date 1 qualifier (DTP01)", "999", "qualifier 999",
      f.p.dates = d999);
  BAD("patient 1: subscriber date 1 end is before", NULL, "range backwards",
      f.p.dates = d_back);
  BAD("patient 1: subscriber rejection 1 valid flag (AAA01)", NULL, "valid X",
      (f.p.rejections = bad_valid, f.p.nrejections = 1));
  BAD("patient 1: subscriber rejection 1 reason (AAA03)", "67", "dependent reason at 2100C",
      (f.p.rejections = r67, f.p.nrejections = 1));
  BAD("patient 1: benefits: count without a list", NULL, "benefits count", f.p.benefits = NULL);

  /* benefits */
  BAD("patient 1: benefit 1: benefit code (EB01)", NULL, "no EB01", f.b[0].code = NULL);
  BAD("patient 1: benefit 1: benefit code (EB01)", "ZZ", "EB01 ZZ", f.b[0].code = "ZZ");
  BAD("patient 1: benefit 1: coverage level (EB02)", "XYZ", "EB02 XYZ",
      f.b[0].coverage_level = "XYZ");
  BAD("patient 1: benefit 1: service type 1 (EB03)", "ZZ", "EB03 ZZ",
      f.b[0].service_types = stc_zz);
  BAD("patient 1: benefit 1: service type 1 (EB03)", NULL, "EB03 with *",
      f.b[0].service_types = stc_star);
  BAD("patient 1: benefit 1: at most 99 service types", NULL, "100 service types",
      (f.b[0].service_types = stc_100, f.b[0].nservice_types = 100));
  BAD("(EB03) and a procedure (EB13)", NULL, "service types and procedure",
      f.b[0].procedure = "96365");
  BAD("patient 1: benefit 1: insurance type (EB04)", "ZZZ", "EB04 ZZZ",
      f.b[0].insurance_type = "ZZZ");
  BAD("patient 1: benefit 1: plan description (EB05)", NULL, "51-character plan",
      f.b[0].plan = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJA");
  BAD("patient 1: benefit 2: time period (EB06)", "99", "EB06 99", f.b[1].period = "99");
  BAD("quantity qualifier (EB09) and quantity (EB10)", NULL, "quantity alone",
      f.b[0].quantity = "30");
  BAD("patient 1: benefit 1: quantity (EB10)", "1.2.3", "two points",
      (f.b[0].quantity_qualifier = "VS", f.b[0].quantity = "1.2.3"));
  BAD("patient 1: benefit 1: quantity (EB10)", "-5", "negative quantity",
      (f.b[0].quantity_qualifier = "VS", f.b[0].quantity = "-5"));
  BAD("patient 1: benefit 1: quantity qualifier (EB09)", "QQ", "EB09 QQ",
      (f.b[0].quantity_qualifier = "QQ", f.b[0].quantity = "5"));
  BAD("authorization indicator (EB11)", NULL, "EB11 X", f.b[0].auth = 'X');
  BAD("network indicator (EB12)", NULL, "EB12 X", f.b[0].network = 'X');
  BAD("patient 1: benefit 5: procedure (EB13)", "9636", "short CPT", f.b[4].procedure = "9636");
  BAD("procedure (EB13) modifier 1", "ABC", "3-letter modifier",
      f.b[4].procedure = "96365:ABC");
  BAD("procedure range end (EB13-8) needs the procedure", NULL, "range end alone",
      (f.b[0].procedure_end = "96379"));
  BAD("procedure range end (EB13-8) is before", NULL, "range backwards",
      f.b[4].procedure_end = "96360");
  BAD("procedure range end (EB13-8) is a code without modifiers", NULL, "range end modifier",
      f.b[4].procedure_end = "96379:59");
  BAD("patient 1: benefit 5: message 1 (MSG01)", NULL, "265-character message",
      f.b[4].messages = long_msg);
  BAD("patient 1: benefit 5: at most 10 messages", NULL, "11 messages",
      (f.b[4].messages = msgs_11, f.b[4].nmessages = 11));
  BAD("patient 1: benefit 5: date 1 qualifier (DTP01)", "442", "date of death at 2110C",
      (f.b[4].dates = d442, f.b[4].ndates = 1));
  BAD("patient 1: benefit 5: rejection 1 reason (AAA03)", "75", "2100C reason at 2110C",
      (f.b[4].rejections = r75, f.b[4].nrejections = 1));

  /* related entities */
  BAD("patient 1: benefit 5: entity 1 entity code (NM101)", NULL, "no entity code",
      f.e.entity_code = NULL);
  BAD("patient 1: benefit 5: entity 1 entity code (NM101)", "QQ", "entity code QQ",
      f.e.entity_code = "QQ");
  BAD("entity 1 entity name is missing", NULL, "entity without a name", f.e.name = NULL);
  BAD("ID qualifier (NM108) and ID (NM109)", NULL, "ID without qualifier",
      f.e.id_qualifier = NULL);
  BAD("entity 1 ID qualifier (NM108)", "QQ", "qualifier QQ", f.e.id_qualifier = "QQ");
  BAD("patient 1: benefit 5: entity 1 contact phone", "800555014", "9-digit phone",
      f.e.contact.phone = "800555014");

  /* the dependent */
  BAD("patient 1: dependent first name", NULL, "dependent without a first name",
      f.p.dependent.last = "LINDQVIST");
  BAD("patient 1: dependent relationship (INS02)", "18", "INS02 18 at 2100D",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.dependent.relationship = "18"));
  BAD("patient 1: dependent gender", "Q", "dependent gender Q",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.dependent.dob = "2012-09-15", f.p.dependent.gender = "Q"));
  BAD("patient 1: dependent rejection 1 reason (AAA03)", "72", "subscriber reason at 2100D",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.dependent.rejections = r72, f.p.dependent.nrejections = 1));
  BAD("patient 1: dependent date 1 qualifier (DTP01)", "999", "dependent qualifier 999",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.dependent.dates = d999, f.p.dependent.ndates = 1));
  BAD("patient 1: dependent benefit 5: entity 1 entity code (NM101)", "QQ", "2120D entity QQ",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.dependent.benefits = f.b, f.p.dependent.nbenefits = 5, f.p.nbenefits = 0,
       f.e.entity_code = "QQ"));
  BAD("patient 1: dependent benefit 1: benefit code (EB01)", NULL, "dependent EB01",
      (f.p.dependent.last = "LINDQVIST", f.p.dependent.first = "NOOR",
       f.p.nbenefits = 5, f.p.dependent.benefits = f.b + 5, f.p.dependent.nbenefits = 1,
       f.b[5].code = "Q9"));

  /* the envelope */
  BAD("sender ID", NULL, "long payer ID without a sender ID",
      (f.r.payer_id = "CEDARVALLEYHEALTHPLAN", f.r.sender_id = NULL));
  BAD("receiver ID", NULL, "16-character receiver", f.r.receiver_id = "ABCDEFGHIJKLMNOP");
  BAD("sender qualifier (ISA05)", NULL, "qualifier of 3", f.r.sender_qualifier = "ZZZ");
  BAD("control number", NULL, "control 0", f.r.control = 0);
  BAD("control number", NULL, "control 10^9", f.r.control = 1000000000ul);
  BAD("usage", NULL, "usage X", f.r.usage = 'X');
  BAD("creation date and time", NULL, "date without time", f.r.time = NULL);
  BAD("creation date", NULL, "November 31", f.r.date = "20261131");
  BAD("creation time", NULL, "25 o'clock", f.r.time = "2501");
#undef BAD

  /* without a schema codes are checked for their form only */
  f = base;
  f.r.patients = &f.p;
  f.p.benefits = f.b;
  f.b[4].entities = &f.e;
  f.b[0].code = "ZZ";
  f.b[0].service_types = stc_zz;
  f.e.entity_code = "QQ";
  assert_int_equal(x12kit_271_response_check(&f.r, NULL, &err), X12KIT_OK);
  assert_int_equal(x12kit_271_response_check(&f.r, schema, &err), X12KIT_ERR_ARG);
  f.b[0].code = "ZZZZ";
  assert_int_equal(x12kit_271_response_check(&f.r, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "benefit code (EB01)"));

  assert_int_equal(x12kit_271_response_check(NULL, schema, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "no response");
}

static void test_278_check_refuses(void **state)
{
  static const char *const dx_bad[] = { "F3" };
  static const char *const dx_twice[] = { "F33.2", "F332" };
  static const x12kit_respond_aaa r72[] = { { 'N', "72", "C" } };
  static const x12kit_respond_aaa r75[] = { { 'N', "75", "C" } };
  static const x12kit_respond_aaa raf[] = { { 'N', "AF", "C" } };
  static const x12kit_respond_aaa raf_y[] = { { 'N', "AF", "Y" } };
  static const x12kit_respond_aaa rag[] = { { 'N', "AG", "C" } };
  static const x12kit_respond_aaa r42p[] = { { 'Y', "42", "P" } };
  static x12kit_278_reply_line lines_100[X12KIT_278_REPLY_MAX_LINES + 1];
  fixture278 base, f;
  x12kit_error err;
  bad_case c;

  (void)state;
  fixture278_fill(&base);
  assert_int_equal(x12kit_278_reply_check(&base.r, schema, &err), X12KIT_OK);
  assert_int_equal(x12kit_278_reply_check(&base.r, NULL, &err), X12KIT_OK);

#define BAD(field_, value_, what_, assign)                                                    \
  do {                                                                                        \
    f = base;                                                                                 \
    f.r.lines = f.l;                                                                          \
    f.r.providers = &f.prov;                                                                  \
    assign;                                                                                   \
    c.what = (what_);                                                                         \
    c.field = (field_);                                                                       \
    c.value = (value_);                                                                       \
    refused278(&f.r, &c);                                                                     \
  } while (0)

  /* the decision */
  BAD("decision (HCR01) must be A1, A2, A3, A4, A6, C, CT or NA", NULL, "A5",
      f.r.decision.action = "A5");
  BAD("certification number (HCR02) is required when the decision is A1", NULL,
      "A1 without a number", f.r.decision.certification = NULL);
  BAD("certification number (HCR02) is required when the decision is A2", NULL,
      "A2 without a number", (f.r.decision.action = "A2", f.r.decision.certification = NULL));
  BAD("certification number (HCR02) is required when the decision is A6", NULL,
      "A6 without a number", (f.r.decision.action = "A6", f.r.decision.certification = ""));
  BAD("decision reason (HCR03) is required when the decision is A3", NULL,
      "A3 without a reason", f.r.decision.action = "A3");
  BAD("decision reason (HCR03) goes only with A2, A3, A4 or A6", "0U", "reason with A1",
      f.r.decision.reason = "0U");
  BAD("decision reason (HCR03) goes only", NULL, "reason with NA",
      (f.r.decision.action = "NA", f.r.decision.reason = "0U"));
  BAD("decision (HCR01) is missing", NULL, "number without a decision",
      f.r.decision.action = NULL);
  BAD("second opinion (HCR04)", NULL, "HCR04 X", f.r.decision.second_opinion = 'X');
  BAD("certification number (HCR02)", NULL, "51-character number",
      f.r.decision.certification = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJA");
  BAD("decision (HCR01) cannot go with a rejection (AAA)", NULL, "HCR and AAA in 2000E",
      (f.r.event_rejections = raf, f.r.nevent_rejections = 1));
  BAD("service line 2: decision (HCR01) cannot go with a rejection", NULL,
      "HCR and AAA in 2000F", (f.l[1].rejections = rag, f.l[1].nrejections = 1));
  BAD("service line 3: certification number (HCR02)", NULL, "line A1 without a number",
      f.l[2].decision.certification = NULL);
  BAD("effective end date (DTP 007) is before", NULL, "effective range backwards",
      f.r.decision.effective_end = "2026-12-01");
  BAD("expiration date (DTP 036) is before the effective date", NULL, "expires first",
      f.r.decision.expires = "2026-12-06");
  BAD("issue date (DTP 102)", "2026-11-31", "issued November 31",
      f.r.decision.issued = "2026-11-31");
  BAD("administrative reference (REF NT)", NULL, "NT with *",
      f.r.decision.admin_reference = "CVR*1");

  /* UM */
  BAD("request category (UM01)", NULL, "UM without UM01", f.r.um.request_category = NULL);
  BAD("certification type (UM02)", "X", "UM02 X", f.r.um.certification_type = "X");
  BAD("service type (UM03)", "ZZ", "UM03 ZZ", f.r.um.service_type = "ZZ");
  BAD("place of service (UM04)", "00", "POS 00", f.r.um.place_of_service = "00");
  BAD("level of service (UM06)", "Q", "UM06 Q", f.r.um.level_of_service = "Q");
  BAD("service line 1: request category (UM01)", "ZZ", "line UM01 ZZ",
      f.l[0].um.request_category = "ZZ");

  /* event */
  BAD("trace (TRN02)", NULL, "no trace", f.r.trace = NULL);
  BAD("trace entity (TRN03)", NULL, "no trace entity", f.r.trace_entity = NULL);
  BAD("payer trace entity (TRN03)", NULL, "payer entity of 9",
      (f.r.payer_trace = "P-1", f.r.payer_trace_entity = "139281746"));
  BAD("event date (DTP AAH)", NULL, "event end alone", f.r.to = "2026-12-31");
  BAD("diagnosis 1", "F3", "short diagnosis", f.r.diagnoses = dx_bad);
  BAD("diagnosis 2 repeats diagnosis 1", NULL, "diagnosis twice",
      (f.r.diagnoses = dx_twice, f.r.ndiagnoses = 2));
  BAD("approved quantity (HSD02)", NULL, "0 approved", f.r.approved.quantity = "0");
  BAD("approved period unit (HSD05) and number of periods (HSD06)", NULL, "unit alone",
      f.r.approved.periods = NULL);
  BAD("approved quantity unit (HSD03)", "QQ", "HSD03 QQ", f.r.approved.per = "QQ");
  BAD("note (MSG01)", NULL, "note with ~", f.r.note = "A~B");
  BAD("event rejection 1 reason (AAA03)", "72", "member reason at 2000E",
      (f.r.decision.action = NULL, f.r.decision.certification = NULL,
       f.r.event_rejections = r72, f.r.nevent_rejections = 1));
  BAD("event rejection 1 follow-up action (AAA04)", "Y", "AAA04 Y at 2000E",
      (f.r.decision.action = NULL, f.r.decision.certification = NULL,
       f.r.event_rejections = raf_y, f.r.nevent_rejections = 1));
  BAD("service provider 1 NPI", "1930475822", "provider NPI check digit",
      f.prov.npi = "1930475822");
  BAD("service provider 1 entity code", "X3", "X3 as an event provider",
      f.prov.entity_code = "X3");
  BAD("service provider 1 role needs", NULL, "role without taxonomy", f.prov.role = "PE");

  /* lines */
  BAD("service line 1: procedure", NULL, "no procedure", f.l[0].service.procedure = NULL);
  BAD("service line 2: procedure", "9636", "short procedure", f.l[1].service.procedure = "9636");
  BAD("service line 1: units", NULL, "0 units", f.l[0].service.units = "0");
  BAD("service line 1: service end date (DTP 472) is before", NULL, "dates backwards",
      f.l[0].service.to = "2026-12-01");
  BAD("service line 1: revenue code", NULL, "3-digit revenue code",
      f.l[0].service.revenue_code = "450");
  BAD("service line 1: charge", NULL, "charge in words", f.l[0].service.charge = "TEN");
  BAD("service line 1: trace (TRN02)", NULL, "line trace entity alone",
      f.l[0].trace_entity = "9876543210");
  BAD("service line 1: rejection 1 reason (AAA03)", "75", "reason 75 at 2000F",
      (f.l[0].decision.action = NULL, f.l[0].decision.certification = NULL,
       f.l[0].rejections = r75, f.l[0].nrejections = 1));
  BAD("service line 1: approved quantity (HSD02)", NULL, "line HSD 0",
      f.l[0].service.delivery.quantity = "0");
  BAD("service lines: count without a list", NULL, "lines count", f.r.lines = NULL);
  BAD("at most 99 service lines", NULL, "100 lines",
      (f.r.lines = lines_100, f.r.nlines = X12KIT_278_REPLY_MAX_LINES + 1));

  /* the parties */
  BAD("payer name", NULL, "no payer name", f.r.payer_name = NULL);
  BAD("payer contact phone", NULL, "phone with dashes", f.r.payer_contact.phone = "800-555-0147");
  BAD("requester entity code (NM101)", "X3", "X3 as requester", f.r.requester_code = "X3");
  BAD("provider NPI", "1582037466", "bad NPI check digit", f.r.provider_npi = "1582037466");
  BAD("member ID", NULL, "no member ID", f.r.member_id = NULL);
  BAD("subscriber last name", NULL, "no last name", f.r.last = NULL);
  BAD("subscriber date of birth", "1988-13-22", "month 13", f.r.dob = "1988-13-22");
  BAD("subscriber rejection 1 reason (AAA03)", "AF", "diagnosis reason at 2010C",
      (f.r.subscriber_rejections = raf, f.r.nsubscriber_rejections = 1));
  BAD("dependent last name is missing", NULL, "dependent without a last name",
      f.r.dependent_first = "NOOR");
  BAD("dependent first name", NULL, "dependent without a first name",
      f.r.dependent_last = "LINDQVIST");
  BAD("dependent relationship (INS02)", "18", "INS02 18 at 2010D",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOOR",
       f.r.dependent_relationship = "18"));
  BAD("reference (BHT03)", NULL, "no reference", f.r.reference = NULL);
  BAD("source rejection 1 reason (AAA03)", "72", "member reason at 2000A",
      (f.r.source_rejections = r72, f.r.nsource_rejections = 1));
  BAD("payer rejection 1 reason (AAA03)", "72", "member reason at 2010A",
      (f.r.payer_rejections = r72, f.r.npayer_rejections = 1));
  BAD("provider rejection 1 reason (AAA03)", "72", "member reason at 2010B",
      (f.r.provider_rejections = r72, f.r.nprovider_rejections = 1));
  BAD("dependent rejection 1 reason (AAA03)", "72", "member reason at 2010D",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOOR",
       f.r.dependent_rejections = r72, f.r.ndependent_rejections = 1));
  BAD("approved quantity qualifier (HSD01)", "QQ", "HSD01 QQ", f.r.approved.qualifier = "QQ");
  BAD("approved period unit (HSD05)", "99", "HSD05 99", f.r.approved.period_unit = "99");
  BAD("service line 1: approved quantity unit (HSD03)", "QQ", "line HSD03 QQ",
      (f.l[0].service.delivery.quantity = "2", f.l[0].service.delivery.per = "QQ"));
  BAD("service provider 1 role", "ZZ", "PRV01 ZZ",
      (f.prov.taxonomy = "2084P0800X", f.prov.role = "ZZ"));
  BAD("response type (BHT06)", "20", "BHT06 20", f.r.response_type = "20");
  BAD("receiver ID is needed", NULL, "no receiver at all",
      (f.r.receiver_id = NULL, f.r.provider_npi = NULL, f.r.provider_name = NULL,
       f.r.payer_rejections = r42p, f.r.npayer_rejections = 1));
#undef BAD

  assert_int_equal(x12kit_278_reply_check(NULL, schema, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "no response");
}

/* A schema without the two maps cannot check the codes. */
static void test_schema_without_maps(void **state)
{
  static const char *const files[] = {
    "x12kit.xsd", "codes-eligibility.xml", "codes-auth.xml", "codes-ack.xml",
    "codes-clinical.xml", "control.xml", "270.xml", "278-request.xml", "999.xml",
  };
  const char *src = getenv("X12KIT_SCHEMA_DIR");
  char dir[] = "/tmp/x12kit-respond-XXXXXX", path[512];
  x12kit_schema *s;
  x12kit_error err;
  fixture271 f1;
  fixture278 f2;
  size_t i, len;

  (void)state;
  if (src == NULL || *src == '\0')
    src = "schemas";
  assert_non_null(mkdtemp(dir));
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    char *data;
    FILE *in, *out;
    snprintf(path, sizeof path, "%s/%s", src, files[i]);
    in = fopen(path, "rb");
    assert_non_null(in);
    data = malloc(1 << 22);
    assert_non_null(data);
    len = fread(data, 1, 1 << 22, in);
    fclose(in);
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, len, out), len);
    fclose(out);
    free(data);
  }
  if (x12kit_schema_load(&s, dir, NULL, &err) != X12KIT_OK)
    fail_msg("cannot load the maps without the 271 and 278 response: %s", err.text);
  fixture271_fill(&f1);
  assert_int_equal(x12kit_271_response_check(&f1.r, s, &err), X12KIT_ERR_SCHEMA);
  assert_int_equal(err.code, X12KIT_ERR_SCHEMA);
  assert_non_null(strstr(err.text, "271"));
  fixture278_fill(&f2);
  assert_int_equal(x12kit_278_reply_check(&f2.r, s, &err), X12KIT_ERR_SCHEMA);
  assert_non_null(strstr(err.text, "278 response"));
  x12kit_schema_free(s);
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    assert_int_equal(unlink(path), 0);
  }
  assert_int_equal(rmdir(dir), 0);
}

/* Defaults: the envelope's IDs, usage P, BHT06 18, the clock. */
static void test_defaults(void **state)
{
  fixture271 f1;
  fixture278 f2;
  size_t len;
  char *x12;
  const char *bht;

  (void)state;
  fixture271_fill(&f1);
  f1.r.sender_id = NULL;
  f1.r.receiver_id = NULL;
  f1.r.usage = 0;
  f1.r.date = NULL;
  f1.r.time = NULL;
  x12 = built271(&f1.r, &len);
  assert_non_null(strstr(x12, "*ZZ*CVHP01         *ZZ*1582037465     *"));
  assert_non_null(strstr(x12, "*P*:~GS*HB*CVHP01*1582037465*"));
  bht = strstr(x12, "~BHT*0022*11*NWI270-0001*");
  assert_non_null(bht);
  bht += strlen("~BHT*0022*11*NWI270-0001*");
  assert_int_equal(strspn(bht, "0123456789"), 8);
  free(x12);

  fixture278_fill(&f2);
  f2.r.sender_id = NULL;
  f2.r.receiver_id = NULL;
  x12 = built278(&f2.r, &len);
  assert_non_null(strstr(x12, "~GS*HI*CVHP01*1582037465*20261120*1105*602*X*005010X217~"));
  assert_non_null(strstr(x12, "~BHT*0007*11*NWI278-0001*20261120*1105*18~"));
  free(x12);
}

/* Every allocation of the writer failing in turn: X12KIT_ERR_NOMEM, no leak. */
static void test_allocation_failure(void **state)
{
  fixture271 f1;
  fixture278 f2;
  unsigned fail_at;
  int which, failures;

  (void)state;
  fixture271_fill(&f1);
  fixture278_fill(&f2);
  for (which = 0; which < 2; which++) {
    int rc = X12KIT_ERR_NOMEM;
    failures = 0;
    for (fail_at = 1; fail_at < 200 && rc != X12KIT_OK; fail_at++) {
      tu_alloc a = { 0, 0, 0, fail_at };
      x12kit_mem mem = tu_alloc_mem(&a);
      x12kit_writer *w;
      x12kit_error err;
      tu_buf b = { NULL, 0 };

      rc = x12kit_writer_new(&w, tu_to_buf, &b, NULL, &mem);
      if (rc == X12KIT_OK) {
        rc = which == 0 ? x12kit_271_response_write(&f1.r, schema, w, &err)
                        : x12kit_278_reply_write(&f2.r, schema, w, &err);
        if (rc != X12KIT_OK) {
          assert_int_equal(err.code, X12KIT_ERR_NOMEM);
        } else {
          assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
          assert_non_null(strstr(b.p, which == 0 ? "~SE*23*0001~" : "~SE*36*0001~"));
        }
        x12kit_writer_free(w);
      }
      if (rc != X12KIT_OK) {
        assert_int_equal(rc, X12KIT_ERR_NOMEM);
        failures++;
      }
      assert_int_equal(a.live, 0);
      free(b.p);
    }
    assert_int_equal(rc, X12KIT_OK);
    assert_true(failures > 1);
  }
}

static int fail_write(void *ud, const char *data, size_t len)
{
  (void)ud;
  (void)data;
  (void)len;
  return -1;
}

/* The write callback failing, and no writer at all. */
static void test_output_failure(void **state)
{
  fixture271 f1;
  fixture278 f2;
  x12kit_writer *w;
  x12kit_error err;

  (void)state;
  fixture271_fill(&f1);
  fixture278_fill(&f2);
  assert_int_equal(x12kit_writer_new(&w, fail_write, NULL, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_271_response_write(&f1.r, schema, w, &err), X12KIT_ERR_IO);
  assert_int_equal(err.code, X12KIT_ERR_IO);
  x12kit_writer_free(w);
  assert_int_equal(x12kit_writer_new(&w, fail_write, NULL, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_278_reply_write(&f2.r, schema, w, &err), X12KIT_ERR_IO);
  assert_int_equal(err.code, X12KIT_ERR_IO);
  x12kit_writer_free(w);
  assert_int_equal(x12kit_271_response_write(&f1.r, schema, NULL, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "no writer");
  assert_int_equal(x12kit_278_reply_write(&f2.r, schema, NULL, NULL), X12KIT_ERR_ARG);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_271_fixture_bytes),
    cmocka_unit_test(test_271_rejection_fixtures),
    cmocka_unit_test(test_271_benefit_fixtures),
    cmocka_unit_test(test_271_all_fields),
    cmocka_unit_test(test_271_dependent),
    cmocka_unit_test(test_271_patients),
    cmocka_unit_test(test_271_rejection_cutoff),
    cmocka_unit_test(test_271_amounts),
    cmocka_unit_test(test_date_forms),
    cmocka_unit_test(test_271_check_refuses),
    cmocka_unit_test(test_278_fixture_bytes),
    cmocka_unit_test(test_278_decision_fixtures),
    cmocka_unit_test(test_278_rejection_fixtures),
    cmocka_unit_test(test_278_every_action),
    cmocka_unit_test(test_278_dependent_and_dates),
    cmocka_unit_test(test_278_check_refuses),
    cmocka_unit_test(test_schema_without_maps),
    cmocka_unit_test(test_defaults),
    cmocka_unit_test(test_allocation_failure),
    cmocka_unit_test(test_output_failure),
  };

  return cmocka_run_group_tests_name("respond", tests, setup, teardown);
}
