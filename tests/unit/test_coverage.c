/*
 * x12kit tests - the 271 reader and the coverage answer: every fixture
 * of fixtures/eligibility/ read field by field, the precedence rules one
 * at a time on small 271s built here, numbers and dates, inputs that
 * are not 271s, cut and garbled 271s, allocation failures, and the AAA
 * advice for every reject reason and follow-up action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* ---- helpers ---- */

/*
 * Reads |len| bytes; the bytes are overwritten and freed before the
 * caller looks at the result, so every value must live in the handle.
 */
static x12kit_271 *read_bytes(const char *data, size_t len)
{
  x12kit_271 *r = NULL;
  x12kit_error err;
  char *copy = malloc(len + 1);
  int rc;

  assert_non_null(copy);
  memcpy(copy, data, len);
  rc = x12kit_271_read(&r, tu_schema, copy, len, NULL, &err);
  memset(copy, '#', len);
  free(copy);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_271_read: %d %s", rc, err.text);
  assert_non_null(r);
  return r;
}

static x12kit_271 *read_fixture(const char *rel)
{
  size_t len;
  char *data = tu_read_fixture(rel, &len);
  x12kit_271 *r = read_bytes(data, len);

  free(data);
  return r;
}

/* Reads a fixture that must be clean and give |n| patients. */
static x12kit_271 *read_clean(const char *rel, size_t n)
{
  x12kit_271 *r = read_fixture(rel);

  assert_int_equal(x12kit_271_finding_count(r), 0);
  assert_int_equal(x12kit_271_patient_count(r), n);
  return r;
}

static void answer(const x12kit_271_patient *p, const char *proc, const char *const *st,
                   size_t nst, x12kit_coverage *c)
{
  x12kit_coverage_query q;

  q.procedure = proc;
  q.service_types = st;
  q.nservice_types = nst;
  assert_int_equal(x12kit_271_coverage(p, &q, c), X12KIT_OK);
}

static const char *const st_mh[] = { "MH" };

/* The benefit whose EB is segment |seg| of its transaction. */
static const x12kit_271_benefit *eb_at(const x12kit_271_patient *p, unsigned long seg)
{
  size_t i;

  for (i = 0; i < p->nbenefits; i++)
    if (p->benefits[i].segment == seg)
      return &p->benefits[i];
  fail_msg("no EB at segment %lu", seg);
  return NULL;
}

/* A money term: set, its amount, period, rule, service type and EB. */
static void check_money(const x12kit_term *t, long long cents, const char *period,
                        x12kit_rule rule, const char *st, unsigned long seg)
{
  assert_int_equal(t->set, 1);
  assert_int_equal(t->cents, cents);
  assert_int_equal(t->bp, 0);
  assert_string_equal(t->period, period);
  assert_int_equal(t->source.rule, rule);
  assert_string_equal(t->source.service_type, st);
  assert_non_null(t->source.benefit);
  assert_int_equal(t->source.benefit->segment, seg);
}

static void check_rate(const x12kit_term *t, long bp, x12kit_rule rule, const char *st,
                       unsigned long seg)
{
  assert_int_equal(t->set, 1);
  assert_int_equal(t->bp, bp);
  assert_int_equal(t->cents, 0);
  assert_int_equal(t->source.rule, rule);
  assert_string_equal(t->source.service_type, st);
  assert_non_null(t->source.benefit);
  assert_int_equal(t->source.benefit->segment, seg);
}

static void check_unset(const x12kit_term *t)
{
  assert_int_equal(t->set, 0);
  assert_int_equal(t->cents, 0);
  assert_int_equal(t->bp, 0);
  assert_string_equal(t->period, "");
  assert_int_equal(t->source.rule, X12KIT_RULE_NONE);
  assert_string_equal(t->source.service_type, "");
  assert_null(t->source.benefit);
}

static void check_source(const x12kit_source *s, x12kit_rule rule, const char *st,
                         unsigned long seg)
{
  assert_int_equal(s->rule, rule);
  assert_string_equal(s->service_type, st);
  if (seg == 0) {
    assert_null(s->benefit);
  } else {
    assert_non_null(s->benefit);
    assert_int_equal(s->benefit->segment, seg);
  }
}

static void check_date(const x12kit_271_date *d, const char *q, const char *from, const char *to)
{
  assert_string_equal(d->qualifier, q);
  assert_string_equal(d->from, from);
  assert_string_equal(d->to, to);
}

static void check_ref(const x12kit_271_ref *f, const char *q, const char *v, const char *desc)
{
  assert_string_equal(f->qualifier, q);
  assert_string_equal(f->value, v);
  assert_string_equal(f->description, desc);
}

static void check_rejection(const x12kit_271_rejection *a, const char *loop, unsigned long seg,
                            char valid, const char *reason, const char *action)
{
  assert_string_equal(a->loop, loop);
  assert_int_equal(a->segment, seg);
  assert_int_equal(a->valid, valid);
  assert_string_equal(a->reason, reason);
  assert_string_equal(a->reason_text, x12kit_schema_code(tu_schema, "901", reason));
  assert_string_equal(a->action, action);
  assert_string_equal(a->action_text, x12kit_schema_code(tu_schema, "889", action));
  assert_true(strlen(a->advice) > 20);
  assert_string_equal(a->advice, x12kit_aaa_advice(reason, action));
}

static void check_entity(const x12kit_271_entity *e, const char *loop, const char *code,
                         const char *name, const char *idq, const char *id, const char *address,
                         size_t ncontacts)
{
  assert_string_equal(e->loop, loop);
  assert_string_equal(e->code, code);
  assert_string_equal(e->name, name);
  assert_string_equal(e->id_qualifier, idq);
  assert_string_equal(e->id, id);
  assert_string_equal(e->address, address);
  assert_int_equal(e->ncontacts, ncontacts);
}

static void check_contact(const x12kit_271_contact *c, const char *function, const char *name,
                          const char *phone, const char *ext, const char *fax, const char *email,
                          const char *url)
{
  assert_string_equal(c->function, function);
  assert_string_equal(c->name, name);
  assert_string_equal(c->phone, phone);
  assert_string_equal(c->extension, ext);
  assert_string_equal(c->fax, fax);
  assert_string_equal(c->email, email);
  assert_string_equal(c->url, url);
}

static void check_payer(const x12kit_271_patient *p, const char *name, const char *id)
{
  check_entity(&p->payer, "2100A", "PR", name, "PI", id, "", p->payer.ncontacts);
}

static void check_provider(const x12kit_271_patient *p, const char *name, const char *npi)
{
  check_entity(&p->provider, "2100B", "1P", name, "XX", npi, "", 0);
}

static void check_messages(const x12kit_coverage *c, const char *const *want, size_t n)
{
  size_t i;

  assert_int_equal(c->nmessages, n);
  for (i = 0; i < n; i++)
    assert_string_equal(c->messages[i], want[i]);
}

/* Touches every string and array of a patient: nothing NULL, nothing dangling. */
static size_t touch_entity(const x12kit_271_entity *e)
{
  size_t n = strlen(e->loop) + strlen(e->code) + strlen(e->name) + strlen(e->id_qualifier) +
             strlen(e->id) + strlen(e->address), i;

  for (i = 0; i < e->ncontacts; i++) {
    const x12kit_271_contact *c = &e->contacts[i];
    n += strlen(c->function) + strlen(c->name) + strlen(c->phone) + strlen(c->extension) +
         strlen(c->fax) + strlen(c->email) + strlen(c->url);
  }
  return n;
}

static size_t touch_rejections(const x12kit_271_rejection *a, size_t count)
{
  size_t n = 0, i;

  for (i = 0; i < count; i++)
    n += strlen(a[i].loop) + strlen(a[i].reason) + strlen(a[i].reason_text) +
         strlen(a[i].action) + strlen(a[i].action_text) + strlen(a[i].advice);
  return n;
}

static size_t touch_patient(const x12kit_271_patient *p)
{
  size_t n = 0, i, j;

  n += strlen(p->control) + strlen(p->reference) + strlen(p->response_date) + strlen(p->loop);
  n += strlen(p->trace) + strlen(p->trace_entity) + touch_entity(&p->payer) +
       touch_entity(&p->provider);
  n += strlen(p->member_id) + strlen(p->last) + strlen(p->first) + strlen(p->middle) +
       strlen(p->suffix) + strlen(p->dob) + strlen(p->gender) + strlen(p->address);
  n += strlen(p->subscriber_last) + strlen(p->subscriber_first) + strlen(p->relationship);
  n += strlen(p->group_number) + strlen(p->group_name) + strlen(p->plan_number) +
       strlen(p->plan_name);
  for (i = 0; i < p->ndates; i++)
    n += strlen(p->dates[i].qualifier) + strlen(p->dates[i].from) + strlen(p->dates[i].to);
  for (i = 0; i < p->nrefs; i++)
    n += strlen(p->refs[i].qualifier) + strlen(p->refs[i].value) +
         strlen(p->refs[i].description);
  n += touch_rejections(p->rejections, p->nrejections);
  for (i = 0; i < p->nbenefits; i++) {
    const x12kit_271_benefit *b = &p->benefits[i];
    n += strlen(b->loop) + strlen(b->code) + strlen(b->code_text) + strlen(b->coverage_level);
    for (j = 0; j < b->nservice_types; j++)
      n += strlen(b->service_types[j]);
    n += strlen(b->insurance_type) + strlen(b->plan) + strlen(b->period) +
         strlen(b->quantity_qualifier) + strlen(b->quantity) + strlen(b->procedure_qualifier) +
         strlen(b->procedure) + strlen(b->procedure_end);
    for (j = 0; j < 4; j++)
      n += strlen(b->modifiers[j]);
    for (j = 0; j < b->ndates; j++)
      n += strlen(b->dates[j].qualifier) + strlen(b->dates[j].from) + strlen(b->dates[j].to);
    for (j = 0; j < b->nrefs; j++)
      n += strlen(b->refs[j].value);
    n += touch_rejections(b->rejections, b->nrejections);
    for (j = 0; j < b->nmessages; j++)
      n += strlen(b->messages[j]);
    for (j = 0; j < b->nentities; j++)
      n += touch_entity(&b->entities[j]);
  }
  if (p->status_from)
    n += strlen(p->status_from->code);
  return n;
}

/* ---- a small 271 around given segments ---- */

#define PREFIX                                                                                \
  "ISA*00*          *00*          *ZZ*CEDARVALLEYHP  *ZZ*NORTHWINDINF   *270201*1200*^*00501*" \
  "000000901*0*T*:~GS*HB*CEDARVALLEYHP*NORTHWINDINF*20270201*1200*901*X*005010X279A1~"       \
  "ST*271*0001*005010X279A1~BHT*0022*11*TEST-0001*20270201*1200~HL*1**20*1~"                 \
  "NM1*PR*2*CEDAR VALLEY HEALTH PLAN*****PI*CVHP01~HL*2*1*21*1~"                             \
  "NM1*1P*2*NORTHWIND INFUSION CLINIC*****XX*1582037465~HL*3*2*22*0~"                        \
  "TRN*2*TEST-0001*9876543210~NM1*IL*1*DOE*JAMIE****MI*CVK000000001~REF*6P*GRP00001~"
#define PREFIX_SEGMENTS 10 /* ST to REF; the first segment given is 11 */

/* The 271 of PREFIX, the |n| segments of |body| and the trailers, in a malloc'd buffer. */
static char *make_271(const char *const *body, size_t n, size_t *len)
{
  size_t cap = sizeof PREFIX + 64, i, k;
  char *out, *o;

  for (i = 0; i < n; i++)
    cap += strlen(body[i]) + 1;
  o = out = malloc(cap);
  assert_non_null(out);
  memcpy(o, PREFIX, sizeof PREFIX - 1);
  o += sizeof PREFIX - 1;
  for (i = 0; i < n; i++) {
    k = strlen(body[i]);
    memcpy(o, body[i], k);
    o += k;
    *o++ = '~';
  }
  o += snprintf(o, cap - (size_t)(o - out), "SE*%zu*0001~GE*1*901~IEA*1*000000901~",
                PREFIX_SEGMENTS + n + 1);
  *len = (size_t)(o - out);
  return out;
}

/* A 271 of |body| that the validator must accept. */
static x12kit_271 *read_body(const char *const *body, size_t n)
{
  size_t len;
  char *x12 = make_271(body, n, &len);
  x12kit_271 *r = read_bytes(x12, len);

  free(x12);
  if (x12kit_271_finding_count(r) != 0)
    fail_msg("the test 271 has %lu findings", x12kit_271_finding_count(r));
  assert_int_equal(x12kit_271_patient_count(r), 1);
  return r;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the fixtures ---- */

static void test_active_auth_copay(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-active-auth-copay.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  const x12kit_271_benefit *b;
  static const char *const msgs[] = { "PRIOR AUTHORIZATION REQUIRED BEFORE THE FIRST INFUSION" };
  x12kit_coverage c;

  (void)state;
  assert_int_equal(p->transaction, 0);
  assert_string_equal(p->control, "0001");
  assert_string_equal(p->reference, "LKC270-1001");
  assert_string_equal(p->response_date, "2027-01-12");
  assert_int_equal(p->dependent, 0);
  assert_string_equal(p->loop, "2000C");
  assert_string_equal(p->trace, "LKC270-1001");
  assert_string_equal(p->trace_entity, "9164803917");
  assert_ptr_equal(p->handle, r);

  check_payer(p, "BLUE HERON MUTUAL", "BHM77");
  assert_int_equal(p->payer.ncontacts, 1);
  check_contact(&p->payer.contacts[0], "IC", "PROVIDER LINE", "8885550190", "12", "", "",
                "WWW.BLUEHERONMUTUAL.EXAMPLE");
  check_provider(p, "LAKESHORE KETAMINE CENTER", "1648039174");

  assert_string_equal(p->member_id, "BHM4471902");
  assert_string_equal(p->last, "OKONKWO");
  assert_string_equal(p->first, "ADAEZE");
  assert_string_equal(p->middle, "N");
  assert_string_equal(p->suffix, "");
  assert_string_equal(p->dob, "1979-03-04");
  assert_string_equal(p->gender, "F");
  assert_string_equal(p->address, "77 MAPLE STREET, APT 4, MADISON, WI 53703");
  assert_string_equal(p->subscriber_last, "");
  assert_string_equal(p->subscriber_first, "");
  assert_string_equal(p->relationship, "18");
  assert_string_equal(p->group_number, "G80211");
  assert_string_equal(p->group_name, "LAKESHORE SCHOOLS");
  assert_string_equal(p->plan_number, "P900");
  assert_string_equal(p->plan_name, "HERON GOLD PPO");
  assert_int_equal(p->status, X12KIT_PLAN_ACTIVE);
  assert_int_equal(p->status_from->segment, 20);

  assert_int_equal(p->ndates, 2);
  check_date(&p->dates[0], "346", "2027-01-01", "");
  check_date(&p->dates[1], "356", "2026-09-15", "2027-12-31");
  assert_int_equal(p->nrefs, 2);
  check_ref(&p->refs[0], "6P", "G80211", "LAKESHORE SCHOOLS");
  check_ref(&p->refs[1], "18", "P900", "HERON GOLD PPO");
  assert_int_equal(p->nrejections, 0);
  assert_null(p->rejections);

  assert_int_equal(p->nbenefits, 6);
  b = &p->benefits[0];
  assert_string_equal(b->loop, "2110C");
  assert_int_equal(b->segment, 20);
  assert_string_equal(b->code, "1");
  assert_string_equal(b->code_text, "Active coverage");
  assert_string_equal(b->coverage_level, "IND");
  assert_int_equal(b->nservice_types, 1);
  assert_string_equal(b->service_types[0], "30");
  assert_string_equal(b->insurance_type, "PR");
  assert_string_equal(b->plan, "HERON GOLD PPO");
  assert_int_equal(b->ndates, 1);
  check_date(&b->dates[0], "291", "2027-01-01", "2027-12-31");
  b = &p->benefits[1];
  assert_int_equal(b->segment, 22);
  assert_int_equal(b->nservice_types, 3);
  assert_string_equal(b->service_types[0], "MH");
  assert_string_equal(b->service_types[1], "A4");
  assert_string_equal(b->service_types[2], "A6");
  assert_string_equal(b->plan, "");
  b = &p->benefits[3];
  assert_int_equal(b->segment, 24);
  assert_string_equal(b->code, "B");
  assert_string_equal(b->code_text, "Co-payment");
  assert_int_equal(b->nservice_types, 0);
  assert_string_equal(b->period, "27");
  assert_int_equal(b->amount.set, 1);
  assert_int_equal(b->amount.cents, 7500);
  assert_int_equal(b->percent.set, 0);
  assert_int_equal(b->auth, 'Y');
  assert_int_equal(b->network, 'Y');
  assert_string_equal(b->procedure_qualifier, "HC");
  assert_string_equal(b->procedure, "96365");
  assert_string_equal(b->procedure_end, "");
  assert_string_equal(b->modifiers[0], "");
  assert_int_equal(b->nmessages, 1);
  assert_string_equal(b->messages[0], msgs[0]);
  assert_int_equal(b->nentities, 1);
  check_entity(&b->entities[0], "2120C", "X3", "HERON CARE MANAGEMENT", "PI", "BHM77UM",
               "PO BOX 2290, MADISON, WI 53701", 1);
  check_contact(&b->entities[0].contacts[0], "IC", "UTILIZATION REVIEW", "8885550191", "4",
                "8885550192", "", "");
  b = &p->benefits[5];
  assert_int_equal(b->segment, 33);
  assert_string_equal(b->period, "29");
  assert_int_equal(b->amount.set, 1);
  assert_int_equal(b->amount.cents, 0);
  assert_int_equal(b->auth, 0);

  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 22);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_source(&c.auth_source, X12KIT_RULE_PROCEDURE, "", 24);
  check_money(&c.in_network.copay, 7500, "27", X12KIT_RULE_PROCEDURE, "", 24);
  check_unset(&c.in_network.coinsurance);
  check_money(&c.in_network.deductible, 100000, "23", X12KIT_RULE_PLAN, "30", 32);
  check_money(&c.in_network.deductible_remaining, 0, "29", X12KIT_RULE_PLAN, "30", 33);
  check_unset(&c.in_network.oop);
  check_unset(&c.in_network.visits);
  check_unset(&c.out_network.copay);
  check_unset(&c.out_network.deductible);
  check_messages(&c, msgs, 1);
  assert_int_equal(c.nentities, 1);
  assert_string_equal(c.entities[0].name, "HERON CARE MANAGEMENT");

  /* without the procedure: the MH copay, no authorization stated */
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 4000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 23);
  assert_int_equal(c.auth, X12KIT_ANSWER_NOT_STATED);
  check_source(&c.auth_source, X12KIT_RULE_NONE, "", 0);
  assert_int_equal(c.nmessages, 0);
  assert_int_equal(c.nentities, 0);
  x12kit_271_free(r);
}

static void test_inactive(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-inactive.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const msgs[] = {
    "COVERAGE ENDED 06/30/2026 - ASK THE PATIENT FOR CURRENT INSURANCE"
  };
  x12kit_coverage c;

  (void)state;
  check_payer(p, "CEDAR VALLEY HEALTH PLAN", "CVHP01");
  check_provider(p, "NORTHWIND INFUSION CLINIC", "1582037465");
  assert_string_equal(p->member_id, "CVK500233817");
  assert_string_equal(p->last, "BRANDT");
  assert_string_equal(p->first, "TOBIAS");
  assert_string_equal(p->dob, "1965-04-11");
  assert_string_equal(p->gender, "M");
  assert_int_equal(p->status, X12KIT_PLAN_INACTIVE);
  assert_int_equal(p->status_from->segment, 15);
  assert_string_equal(p->status_from->code, "6");
  assert_string_equal(p->status_from->code_text, "Inactive");
  /* no active plan-level EB: the name comes from REF 18 */
  assert_string_equal(p->plan_name, "CEDAR CHOICE PPO 2026");
  assert_string_equal(p->plan_number, "CV-PPO-2");
  assert_string_equal(p->group_number, "GRP44120");
  assert_int_equal(p->ndates, 2);
  check_date(&p->dates[1], "347", "2026-06-30", "");
  check_date(&p->benefits[0].dates[0], "307", "2026-01-01", "2026-06-30");

  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_PLAN_STATUS, "30", 15);
  assert_int_equal(c.auth, X12KIT_ANSWER_NOT_STATED);
  check_unset(&c.in_network.copay);
  check_messages(&c, msgs, 1);
  assert_int_equal(c.nentities, 1);
  check_entity(&c.entities[0], "2120C", "PRP", "NORTHSTAR COMMUNITY HEALTH", "PI", "NSCH3", "",
               1);
  assert_string_equal(c.entities[0].contacts[0].phone, "8775550133");

  /* the plan alone: the same */
  answer(p, NULL, NULL, 0, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  assert_int_equal(c.covered_source.rule, X12KIT_RULE_PLAN_STATUS);
  x12kit_271_free(r);
}

static void test_procedure_not_covered(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-procedure-not-covered.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const no_msgs[] = { "IV KETAMINE INFUSION IS NOT A COVERED BENEFIT" };
  static const char *const g_msgs[] = { "SPRAVATO TREATMENT REQUIRES PRIOR AUTHORIZATION" };
  const x12kit_271_benefit *range;
  x12kit_coverage c;

  (void)state;
  assert_string_equal(p->group_number, "POL-55102"); /* REF 1L without REF 6P */
  assert_string_equal(p->group_name, "PRAIRIE SELECT HMO");
  assert_string_equal(p->middle, "J");
  range = eb_at(p, 18);
  assert_string_equal(range->procedure, "96360");
  assert_string_equal(range->procedure_end, "96379");
  assert_int_equal(range->percent.bp, 2000);
  assert_string_equal(eb_at(p, 16)->code_text, "Non-covered");

  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_PROCEDURE, "", 16);
  assert_int_equal(c.auth, X12KIT_ANSWER_NO);
  check_source(&c.auth_source, X12KIT_RULE_PROCEDURE, "", 18);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 15);
  check_rate(&c.in_network.coinsurance, 2000, X12KIT_RULE_PROCEDURE, "", 18);
  check_unset(&c.out_network.copay);
  check_unset(&c.out_network.coinsurance);
  check_messages(&c, no_msgs, 1);
  assert_int_equal(c.nentities, 0);

  /* another infusion code inside the EB13 range, no EB of its own */
  answer(p, "96366", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_rate(&c.in_network.coinsurance, 2000, X12KIT_RULE_PROCEDURE, "", 18);
  assert_int_equal(c.nmessages, 0);

  /* the range ends are inside it, the codes next to them are not */
  answer(p, "96360", st_mh, 1, &c);
  assert_int_equal(c.in_network.coinsurance.set, 1);
  answer(p, "96379", st_mh, 1, &c);
  assert_int_equal(c.in_network.coinsurance.set, 1);
  answer(p, "96359", st_mh, 1, &c);
  check_unset(&c.in_network.coinsurance);
  answer(p, "96380", st_mh, 1, &c);
  check_unset(&c.in_network.coinsurance);
  assert_int_equal(c.auth, X12KIT_ANSWER_NOT_STATED);
  answer(p, "9636", st_mh, 1, &c);
  check_unset(&c.in_network.coinsurance);

  /* esketamine: covered with its own copay and prior authorization */
  answer(p, "G2082", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_PROCEDURE, "", 19);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_money(&c.in_network.copay, 5000, "27", X12KIT_RULE_PROCEDURE, "", 20);
  check_messages(&c, g_msgs, 1);
  x12kit_271_free(r);
}

static void test_network(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-network.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const msgs[] = { "OUT-OF-NETWORK PROVIDERS MAY BILL THE DIFFERENCE" };
  x12kit_coverage c;

  (void)state;
  assert_string_equal(p->last, "MORALES");
  assert_string_equal(p->middle, "A");
  assert_string_equal(p->suffix, "JR");
  assert_string_equal(p->plan_number, "CV-PPO-1");

  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 21);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 22);
  check_rate(&c.in_network.coinsurance, 0, X12KIT_RULE_SERVICE_TYPE, "MH", 25);
  check_money(&c.in_network.deductible, 150000, "23", X12KIT_RULE_PLAN, "30", 15);
  check_money(&c.in_network.deductible_remaining, 40000, "29", X12KIT_RULE_PLAN, "30", 17);
  check_money(&c.in_network.oop, 500000, "23", X12KIT_RULE_PLAN, "30", 19);
  check_unset(&c.in_network.oop_remaining);
  check_money(&c.in_network.visits, 24, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 26);
  check_unset(&c.in_network.visits_remaining);

  check_money(&c.out_network.copay, 7500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 24);
  check_rate(&c.out_network.coinsurance, 4000, X12KIT_RULE_SERVICE_TYPE, "MH", 23);
  check_money(&c.out_network.deductible, 300000, "23", X12KIT_RULE_PLAN, "30", 16);
  check_money(&c.out_network.deductible_remaining, 300000, "29", X12KIT_RULE_PLAN, "30", 18);
  check_money(&c.out_network.oop, 1000000, "23", X12KIT_RULE_PLAN, "30", 20);
  /* EB12 W: the visit limit holds in both networks */
  check_money(&c.out_network.visits, 24, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 26);
  check_messages(&c, msgs, 1);
  x12kit_271_free(r);
}

static void test_deductible_met(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-deductible-met.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  /* the family amounts are in the benefits */
  assert_string_equal(eb_at(p, 17)->coverage_level, "FAM");
  assert_int_equal(eb_at(p, 17)->amount.cents, 400000);
  assert_int_equal(eb_at(p, 18)->amount.cents, 280000);
  assert_int_equal(eb_at(p, 19)->amount.cents, 1200000);
  assert_int_equal(eb_at(p, 20)->amount.cents, 900000);
  check_date(&eb_at(p, 14)->dates[0], "291", "2027-01-01", "2027-12-31");

  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 24);
  /* individual over family, whatever the order */
  check_money(&c.in_network.deductible, 200000, "23", X12KIT_RULE_PLAN, "30", 14);
  check_money(&c.in_network.deductible_remaining, 65050, "29", X12KIT_RULE_PLAN, "30", 16);
  check_money(&c.in_network.oop, 600000, "23", X12KIT_RULE_PLAN, "30", 21);
  check_money(&c.in_network.oop_remaining, 410025, "29", X12KIT_RULE_PLAN, "30", 22);
  check_rate(&c.in_network.coinsurance, 2000, X12KIT_RULE_PLAN, "30", 23);
  check_unset(&c.in_network.copay);
  check_unset(&c.out_network.deductible);
  check_unset(&c.out_network.oop_remaining);
  assert_int_equal(c.nmessages, 0);
  x12kit_271_free(r);
}

static void test_dependent(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-dependent.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const msgs[] = { "PRIOR AUTHORIZATION REQUIRED" };
  x12kit_coverage c;

  (void)state;
  /* the subscriber has no EB or AAA of its own: only the dependent is listed */
  assert_int_equal(p->dependent, 1);
  assert_string_equal(p->loop, "2000D");
  assert_string_equal(p->trace, "LKC270-1012");
  assert_string_equal(p->member_id, "PRH30011452");
  assert_string_equal(p->last, "NAKAMURA");
  assert_string_equal(p->first, "EMI");
  assert_string_equal(p->middle, "R");
  assert_string_equal(p->dob, "2002-05-18");
  assert_string_equal(p->gender, "F");
  assert_string_equal(p->address, "");
  assert_string_equal(p->subscriber_last, "NAKAMURA");
  assert_string_equal(p->subscriber_first, "KENJI");
  assert_string_equal(p->relationship, "19");
  /* the subscriber's REF and plan begin date, its own eligibility date first */
  assert_string_equal(p->group_number, "PR-GRP-7781");
  assert_string_equal(p->group_name, "PRAIRIE FAMILY HMO");
  assert_int_equal(p->nrefs, 1);
  assert_int_equal(p->ndates, 2);
  check_date(&p->dates[0], "356", "2026-07-01", "");
  check_date(&p->dates[1], "346", "2026-07-01", "");
  assert_int_equal(p->status, X12KIT_PLAN_ACTIVE);
  assert_string_equal(p->plan_name, "PRAIRIE FAMILY HMO");
  assert_int_equal(p->nbenefits, 8);
  assert_string_equal(p->benefits[0].loop, "2110D");
  assert_string_equal(p->benefits[0].coverage_level, "DEP");
  check_entity(&eb_at(p, 26)->entities[0], "2120D", "P3", "ABERNATHY, CLAIRE", "XX",
               "1903472516", "", 0);

  answer(p, NULL, st_mh, 1, &c);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 20);
  check_money(&c.in_network.copay, 2000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 21);
  check_money(&c.in_network.deductible, 150000, "23", X12KIT_RULE_PLAN, "30", 24);
  check_money(&c.in_network.deductible_remaining, 90000, "29", X12KIT_RULE_PLAN, "30", 25);
  assert_int_equal(c.nmessages, 0);

  answer(p, "G2082", st_mh, 1, &c);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_money(&c.in_network.copay, 6000, "27", X12KIT_RULE_PROCEDURE, "", 26);
  check_messages(&c, msgs, 1);
  assert_int_equal(c.nentities, 1);
  assert_string_equal(c.entities[0].loop, "2120D");
  x12kit_271_free(r);
}

static void test_aaa_before_patient(void **state)
{
  static const struct {
    const char *file, *loop;
    unsigned long segment;
    char valid;
    const char *reason, *action;
    int provider;
  } cases[] = {
    { "eligibility/271-aaa-2000a.x12", "2000A", 4, 'Y', "79", "C", 0 },
    { "eligibility/271-aaa-2100a.x12", "2100A", 6, 'Y', "42", "R", 0 },
    { "eligibility/271-aaa-2100b.x12", "2100B", 7, 'N', "43", "C", 1 },
  };
  size_t i;

  (void)state;
  for (i = 0; i < N(cases); i++) {
    x12kit_271 *r = read_clean(cases[i].file, 1);
    const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
    x12kit_coverage c;

    /* an entry with empty patient fields, holding the rejection */
    assert_string_equal(p->loop, "");
    assert_string_equal(p->member_id, "");
    assert_string_equal(p->last, "");
    assert_string_equal(p->trace, "");
    assert_int_equal(p->nbenefits, 0);
    assert_int_equal(p->status, X12KIT_PLAN_UNKNOWN);
    assert_null(p->status_from);
    assert_string_equal(p->payer.code, "PR");
    assert_string_equal(p->provider.name, cases[i].provider ? "LAKESHORE KETAMINE CENTER" : "");
    assert_true(p->nrejections >= 1);
    check_rejection(&p->rejections[0], cases[i].loop, cases[i].segment, cases[i].valid,
                    cases[i].reason, cases[i].action);
    answer(p, "96365", st_mh, 1, &c);
    assert_int_equal(c.covered, X12KIT_ANSWER_NOT_STATED);
    assert_int_equal(c.nmessages, 0);
    x12kit_271_free(r);
  }
  {
    x12kit_271 *r = read_clean("eligibility/271-aaa-2100b.x12", 1);
    const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
    assert_int_equal(p->nrejections, 2);
    check_rejection(&p->rejections[1], "2100B", 8, 'N', "51", "N");
    x12kit_271_free(r);
  }
  {
    x12kit_271 *r = read_clean("eligibility/271-aaa-2100a.x12", 1);
    const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
    assert_int_equal(p->payer.ncontacts, 1);
    check_contact(&p->payer.contacts[0], "IC", "EDI SUPPORT", "8005550160", "", "", "", "");
    x12kit_271_free(r);
  }
}

static void test_aaa_patient_levels(void **state)
{
  x12kit_271 *r;
  const x12kit_271_patient *p;
  const x12kit_271_benefit *b;
  x12kit_coverage c;

  (void)state;
  /* 2100C: the subscriber was not found */
  r = read_clean("eligibility/271-aaa-2100c.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_string_equal(p->loop, "2000C");
  assert_string_equal(p->member_id, "BHM9990001");
  assert_string_equal(p->dob, "1990-01-01");
  assert_int_equal(p->nrejections, 2);
  check_rejection(&p->rejections[0], "2100C", 10, 'N', "72", "C");
  check_rejection(&p->rejections[1], "2100C", 11, 'N', "58", "C");
  assert_non_null(strstr(p->rejections[0].advice, "member ID"));
  assert_int_equal(p->nbenefits, 0);
  assert_int_equal(p->status, X12KIT_PLAN_UNKNOWN);
  x12kit_271_free(r);

  /* 2110C: the payer could not answer for the procedure or for A6 */
  r = read_clean("eligibility/271-aaa-2110c.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->nrejections, 0);
  b = eb_at(p, 12);
  assert_string_equal(b->code, "V");
  assert_int_equal(b->nrejections, 1);
  check_rejection(&b->rejections[0], "2110C", 13, 'Y', "E8", "Y");
  b = eb_at(p, 14);
  assert_int_equal(b->nrejections, 1);
  check_rejection(&b->rejections[0], "2110C", 15, 'Y', "53", "N");
  answer(p, "96365", st_mh, 1, &c);
  check_source(&c.covered_source, X12KIT_RULE_PLAN, "30", 11);
  x12kit_271_free(r);

  /* 2100D: the subscriber is listed with its own EB, the dependent with its AAA */
  r = read_clean("eligibility/271-aaa-2100d.x12", 2);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->dependent, 0);
  assert_string_equal(p->first, "KENJI");
  assert_string_equal(p->trace, "");
  assert_int_equal(p->status, X12KIT_PLAN_ACTIVE);
  assert_int_equal(p->nrejections, 0);
  p = x12kit_271_patient_at(r, 1);
  assert_int_equal(p->dependent, 1);
  assert_string_equal(p->first, "HARU");
  assert_string_equal(p->dob, "2005-08-11");
  assert_string_equal(p->trace, "LKC270-1016");
  assert_string_equal(p->subscriber_first, "KENJI");
  assert_int_equal(p->status, X12KIT_PLAN_UNKNOWN);
  assert_int_equal(p->nrejections, 1);
  check_rejection(&p->rejections[0], "2100D", 14, 'N', "77", "C");
  x12kit_271_free(r);

  /* 2110D */
  r = read_clean("eligibility/271-aaa-2110d.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->dependent, 1);
  assert_int_equal(p->nrejections, 0);
  b = eb_at(p, 15);
  assert_string_equal(b->loop, "2110D");
  assert_int_equal(b->nrejections, 1);
  check_rejection(&b->rejections[0], "2110D", 16, 'Y', "63", "C");
  x12kit_271_free(r);
}

static void test_many_mh(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-many-mh.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const msgs[] = {
    "KETAMINE INFUSION SERIES NEEDS PRIOR AUTHORIZATION",
    "VISIT LIMIT IS SHARED WITH PSYCHOTHERAPY",
    "COPAY APPLIES PER DATE OF SERVICE",
  };
  static const char *const a6_mh[] = { "A6", "MH" };
  static const char *const mh_a6[] = { "MH", "A6" };
  x12kit_coverage c;
  size_t i;

  (void)state;
  assert_int_equal(p->nbenefits, 17);

  /* the procedure and MH */
  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 15);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_source(&c.auth_source, X12KIT_RULE_PROCEDURE, "", 30);
  check_money(&c.in_network.copay, 1500, "27", X12KIT_RULE_PROCEDURE, "", 30);
  check_rate(&c.in_network.coinsurance, 1000, X12KIT_RULE_PROCEDURE, "", 36);
  check_money(&c.in_network.visits, 30, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 26);
  check_money(&c.in_network.visits_remaining, 22, "29", X12KIT_RULE_SERVICE_TYPE, "MH", 27);
  check_money(&c.out_network.copay, 6000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 22);
  check_rate(&c.out_network.coinsurance, 4000, X12KIT_RULE_SERVICE_TYPE, "MH", 25);
  check_money(&c.out_network.visits_remaining, 22, "29", X12KIT_RULE_SERVICE_TYPE, "MH", 27);
  /* used EBs' messages first, then the others about the question, once each;
     nothing from the EB for 90867 */
  check_messages(&c, msgs, 3);
  assert_int_equal(c.nentities, 1);
  check_entity(&c.entities[0], "2120C", "X3", "CEDAR VALLEY CARE REVIEW", "PI", "CVHP01", "", 1);

  /* MH alone: explicit network over W, IND over FAM, first of equals */
  answer(p, NULL, st_mh, 1, &c);
  assert_int_equal(c.auth, X12KIT_ANSWER_NO);
  check_source(&c.auth_source, X12KIT_RULE_SERVICE_TYPE, "MH", 15);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  check_rate(&c.in_network.coinsurance, 2000, X12KIT_RULE_SERVICE_TYPE, "MH", 24);
  check_money(&c.out_network.copay, 6000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 22);
  assert_int_equal(c.nentities, 0);
  for (i = 0; i < c.nmessages; i++)
    assert_null(strstr(c.messages[i], "KETAMINE"));

  /* service types in the order asked */
  answer(p, NULL, a6_mh, 2, &c);
  check_money(&c.in_network.copay, 2000, "27", X12KIT_RULE_SERVICE_TYPE, "A6", 29);
  assert_int_equal(c.auth, X12KIT_ANSWER_UNKNOWN); /* EB11 U beats EB11 N: network named */
  check_source(&c.auth_source, X12KIT_RULE_SERVICE_TYPE, "A6", 29);
  check_money(&c.out_network.copay, 6000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 22);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "A6", 15);
  answer(p, NULL, mh_a6, 2, &c);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  assert_int_equal(c.auth, X12KIT_ANSWER_NO);

  /* the plan alone */
  answer(p, NULL, NULL, 0, &c);
  check_source(&c.covered_source, X12KIT_RULE_PLAN, "30", 13);
  check_money(&c.in_network.copay, 5000, "27", X12KIT_RULE_PLAN, "30", 14);
  check_money(&c.out_network.copay, 5000, "27", X12KIT_RULE_PLAN, "30", 14);
  check_unset(&c.in_network.coinsurance);
  assert_int_equal(c.nmessages, 0);

  /* inside and outside the EB13 range */
  answer(p, "96370", st_mh, 1, &c);
  check_rate(&c.in_network.coinsurance, 1000, X12KIT_RULE_PROCEDURE, "", 36);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  check_source(&c.auth_source, X12KIT_RULE_PROCEDURE, "", 36);
  answer(p, "96380", st_mh, 1, &c);
  check_rate(&c.in_network.coinsurance, 2000, X12KIT_RULE_SERVICE_TYPE, "MH", 24);

  /* another procedure */
  answer(p, "90867", st_mh, 1, &c);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_PROCEDURE, "", 37);
  assert_int_equal(c.auth, X12KIT_ANSWER_NO);
  check_source(&c.auth_source, X12KIT_RULE_PROCEDURE, "", 37);
  assert_string_equal(c.messages[0], "TMS NEEDS NO AUTHORIZATION");
  x12kit_271_free(r);
}

static void test_two_patients(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-two-patients.x12", 2);
  const x12kit_271_patient *a = x12kit_271_patient_at(r, 0), *b = x12kit_271_patient_at(r, 1);
  x12kit_coverage c;

  (void)state;
  assert_null(x12kit_271_patient_at(r, 2));
  assert_int_equal(a->transaction, 0);
  assert_int_equal(b->transaction, 0);
  assert_string_equal(a->reference, "LKC270-1020");
  assert_string_equal(b->reference, "LKC270-1020");
  assert_string_equal(a->trace, "LKC270-1021");
  assert_string_equal(b->trace, "LKC270-1022");
  assert_string_equal(a->member_id, "BHM5580113");
  assert_string_equal(b->member_id, "BHM5580941");
  assert_string_equal(a->last, "PETROV");
  assert_string_equal(b->last, "QUINTERO");
  assert_string_equal(b->payer.name, "BLUE HERON MUTUAL");
  assert_int_equal(a->status, X12KIT_PLAN_ACTIVE);
  assert_int_equal(b->status, X12KIT_PLAN_INACTIVE);
  assert_string_equal(b->plan_name, "");
  check_date(&b->dates[0], "347", "2026-12-31", "");

  answer(a, NULL, st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_PLAN, "30", 12);
  check_money(&c.in_network.copay, 4000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 13);
  answer(b, NULL, st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_PLAN_STATUS, "30", 19);
  check_unset(&c.in_network.copay);
  x12kit_271_free(r);
}

static void test_two_transactions(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-two-transactions.x12", 2);
  const x12kit_271_patient *a = x12kit_271_patient_at(r, 0), *b = x12kit_271_patient_at(r, 1);

  (void)state;
  assert_int_equal(a->transaction, 0);
  assert_int_equal(b->transaction, 1);
  assert_string_equal(a->control, "0001");
  assert_string_equal(b->control, "0002");
  assert_string_equal(a->reference, "NWI270-0221");
  assert_string_equal(b->reference, "NWI270-0222");
  assert_string_equal(a->last, "SORENSEN");
  assert_string_equal(b->last, "ACHTERBERG");
  assert_int_equal(a->nbenefits, 1);
  assert_int_equal(b->nbenefits, 2);
  x12kit_271_free(r);
}

static void test_visit_limit(void **state)
{
  x12kit_271 *r = read_clean("eligibility/271-visit-limit.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  static const char *const msgs[] = { "SIX INFUSIONS PER TREATMENT EPISODE",
                                      "12 OF 30 VISITS USED IN 2027" };
  const x12kit_271_benefit *b;
  x12kit_coverage c;

  (void)state;
  b = eb_at(p, 14);
  assert_string_equal(b->code, "F");
  assert_string_equal(b->code_text, "Limitations");
  assert_string_equal(b->quantity_qualifier, "VS");
  assert_string_equal(b->quantity, "30");
  assert_int_equal(b->network, 0);
  check_date(&b->dates[0], "292", "2027-01-01", "2027-12-31");

  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.visits, 30, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_money(&c.in_network.visits_remaining, 18, "29", X12KIT_RULE_SERVICE_TYPE, "MH", 17);
  check_money(&c.out_network.visits, 30, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_money(&c.out_network.visits_remaining, 18, "29", X12KIT_RULE_SERVICE_TYPE, "MH", 17);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 21);

  /* the procedure's own limit per episode, the remaining visits of MH */
  answer(p, "96365", st_mh, 1, &c);
  check_money(&c.in_network.visits, 6, "26", X12KIT_RULE_PROCEDURE, "", 19);
  check_money(&c.in_network.visits_remaining, 18, "29", X12KIT_RULE_SERVICE_TYPE, "MH", 17);
  check_messages(&c, msgs, 2);
  x12kit_271_free(r);
}

/* The earlier 271 fixtures read the same way. */
static void test_other_fixtures(void **state)
{
  x12kit_271 *r;
  const x12kit_271_patient *p;
  x12kit_coverage c;

  (void)state;
  r = read_clean("valid/271-active-pa-required.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_string_equal(p->member_id, "CVK300418826");
  assert_string_equal(p->trace, "NWI270-0001");
  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_money(&c.in_network.copay, 3500, "27", X12KIT_RULE_PROCEDURE, "", 16);
  check_rate(&c.out_network.coinsurance, 3000, X12KIT_RULE_PROCEDURE, "", 22);
  check_money(&c.in_network.deductible_remaining, 125000, "29", X12KIT_RULE_PLAN, "30", 14);
  x12kit_271_free(r);

  r = read_clean("guide/271-dependent-ls.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->dependent, 1);
  assert_string_equal(p->first, "NOOR");
  assert_string_equal(p->group_number, "GRP44120");
  assert_string_equal(p->payer.contacts[0].url, "WWW.CEDARVALLEYHP.EXAMPLE");
  answer(p, "96365", st_mh, 1, &c);
  check_source(&c.covered_source, X12KIT_RULE_PROCEDURE, "", 36);
  assert_int_equal(c.nentities, 2);
  assert_string_equal(c.entities[1].name, "HALVORSEN, INGRID");
  x12kit_271_free(r);
}

/* ---- the rules one by one ---- */

static void test_rule_levels(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",                                   /* 11 */
    "EB*B*IND*30**PLAN A*27*50",                     /* 12 */
    "EB*B*IND*MH**PLAN A*27*40",                     /* 13 */
    "EB*B*IND*A6**PLAN A*27*30",                     /* 14 */
    "EB*B*IND***PLAN A*27*20******HC:96365",         /* 15 */
    "EB*B*IND****27*10******HC:90867",               /* 16: another procedure */
  };
  static const char *const a6[] = { "A6" };
  static const char *const mh_a6[] = { "MH", "A6" };
  static const char *const a6_mh[] = { "A6", "MH" };
  static const char *const other[] = { "UC" };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  answer(p, "96365", mh_a6, 2, &c);
  check_money(&c.in_network.copay, 2000, "27", X12KIT_RULE_PROCEDURE, "", 15);
  answer(p, "96365:59", mh_a6, 2, &c); /* modifiers are ignored */
  check_money(&c.in_network.copay, 2000, "27", X12KIT_RULE_PROCEDURE, "", 15);
  answer(p, "96366", mh_a6, 2, &c);
  check_money(&c.in_network.copay, 4000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 13);
  answer(p, "96366", a6_mh, 2, &c);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "A6", 14);
  answer(p, NULL, a6, 1, &c);
  check_money(&c.out_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "A6", 14);
  answer(p, NULL, other, 1, &c);
  check_money(&c.in_network.copay, 5000, "27", X12KIT_RULE_PLAN, "30", 12);
  check_source(&c.covered_source, X12KIT_RULE_PLAN, "30", 11);
  answer(p, "", NULL, 0, &c);
  check_money(&c.in_network.copay, 5000, "27", X12KIT_RULE_PLAN, "30", 12);
  answer(p, "90867", NULL, 0, &c);
  check_money(&c.in_network.copay, 1000, "27", X12KIT_RULE_PROCEDURE, "", 16);
  x12kit_271_free(r);
}

static void test_rule_network(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",
    "EB*B*IND*MH**P*27*40",                         /* 12: no EB12 */
    "EB*B*IND*MH**P*27*45*****U",                   /* 13: unknown */
    "EB*B*IND*MH**P*27*30*****Y",                   /* 14: in network */
    "EB*B*IND*MH**P*27*60*****N",                   /* 15: out of network */
    "EB*A*IND*MH**P*27**.25****W",                  /* 16: both */
    "EB*A*IND*30**P*27**.1****Y",                   /* 17: plan level, in network */
    "EB*C*IND*MH**P*23*500",                        /* 18 */
    "EB*C*IND*30**P*23*900*****N",                  /* 19: less specific, named network */
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_money(&c.out_network.copay, 6000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 15);
  /* W at the service type beats Y at the plan: the level comes first */
  check_rate(&c.in_network.coinsurance, 2500, X12KIT_RULE_SERVICE_TYPE, "MH", 16);
  check_rate(&c.out_network.coinsurance, 2500, X12KIT_RULE_SERVICE_TYPE, "MH", 16);
  check_money(&c.in_network.deductible, 50000, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  check_money(&c.out_network.deductible, 50000, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  x12kit_271_free(r);
}

static void test_rule_network_fallback(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",
    "EB*B*IND*MH**P*27*45*****U",                   /* 12: neither network named */
    "EB*B*IND*MH**P*27*40",                         /* 13 */
    "EB*B*IND*MH**P*27*60*****N",                   /* 14 */
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  answer(p, NULL, st_mh, 1, &c);
  /* no EB12 Y: in network takes U, W or none, the first of them; never N */
  check_money(&c.in_network.copay, 4500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 12);
  check_money(&c.out_network.copay, 6000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  x12kit_271_free(r);
}

static void test_rule_coverage_level(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",
    "EB*B*FAM*MH**P*27*10",                         /* 12 */
    "EB*B*EMP*MH**P*27*20",                         /* 13: between IND and FAM */
    "EB*B**MH**P*27*30",                            /* 14: no EB02 counts as IND */
    "EB*B*IND*MH**P*27*40",                         /* 15: as good as 14, later */
    "EB*A*FAM*MH**P*27**.5",                        /* 16 */
    "EB*A*EMP*MH**P*27**.4",                        /* 17 */
    "EB*C*FAM*MH**P*23*900*****Y",                  /* 18: named network beats IND */
    "EB*C*IND*MH**P*23*500",                        /* 19 */
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_rate(&c.in_network.coinsurance, 4000, X12KIT_RULE_SERVICE_TYPE, "MH", 17);
  check_money(&c.in_network.deductible, 90000, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  check_money(&c.out_network.deductible, 50000, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 19);
  x12kit_271_free(r);
}

static void test_rule_covered(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",                                  /* 11 */
    "EB*6*IND*MH",                                  /* 12: inactive for MH */
    "EB*I*IND*A6",                                  /* 13: not covered */
    "EB*5*IND*A4",                                  /* 14: active, pending investigation */
    "EB*1*IND*********Y**HC:96365",                 /* 15: EB11 without an amount */
  };
  static const char *const a6[] = { "A6" };
  static const char *const a4[] = { "A4" };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  assert_int_equal(p->status, X12KIT_PLAN_ACTIVE);
  answer(p, NULL, st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 12);
  answer(p, NULL, a6, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "A6", 13);
  answer(p, NULL, a4, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  answer(p, "96365", a6, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_PROCEDURE, "", 15);
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  x12kit_271_free(r);
}

static void test_rule_plan_inactive(void **state)
{
  static const char *const body[] = {
    "EB*1*FAM*30",                                  /* 11: loses to IND */
    "EB*7*IND",                                     /* 12: plan level without EB03 */
    "EB*1*IND*********Y**HC:96365",                 /* 13 */
    "EB*B*IND*MH**P*27*40",                         /* 14 */
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  assert_int_equal(p->status, X12KIT_PLAN_INACTIVE);
  assert_int_equal(p->status_from->segment, 12);
  assert_string_equal(p->plan_name, "");
  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NO);
  check_source(&c.covered_source, X12KIT_RULE_PLAN_STATUS, "", 12);
  /* the other values are still read */
  assert_int_equal(c.auth, X12KIT_ANSWER_YES);
  check_money(&c.in_network.copay, 4000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  x12kit_271_free(r);
}

static void test_rule_values_needed(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30*HM*PLAN B",                        /* 11 */
    "EB*B*IND*MH*HM*PLAN B*27",                     /* 12: copay without an amount */
    "EB*B*IND*MH*HM*PLAN B*27*25",                  /* 13 */
    "EB*A*IND*MH*HM*PLAN B*27*10",                  /* 14: coinsurance without a percent */
    "EB*F*IND*MH*HM*PLAN B*23***DY*10",             /* 15: days, not visits */
    "EB*F*IND*MH*HM*PLAN B*23***VS*12",             /* 16 */
    "EB*C*IND*MH*HM*PLAN B*29*100",                 /* 17: remaining only */
    "EB*G*IND*MH*HM*PLAN B**2000",                  /* 18: no period: the amount */
    "EB*1*IND***********CJ:96365",                  /* 19: CPT qualifier */
    "EB*I*IND***********N4:96365",                  /* 20: not a procedure code list */
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c;

  (void)state;
  assert_string_equal(p->plan_name, "PLAN B");
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 13);
  check_unset(&c.in_network.coinsurance);
  check_money(&c.in_network.visits, 12, "23", X12KIT_RULE_SERVICE_TYPE, "MH", 16);
  check_unset(&c.in_network.deductible);
  check_money(&c.in_network.deductible_remaining, 10000, "29", X12KIT_RULE_SERVICE_TYPE, "MH",
              17);
  check_money(&c.in_network.oop, 200000, "", X12KIT_RULE_SERVICE_TYPE, "MH", 18);
  check_unset(&c.in_network.oop_remaining);
  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_YES);
  check_source(&c.covered_source, X12KIT_RULE_PROCEDURE, "", 19);
  x12kit_271_free(r);
}

static void test_rule_messages(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",                                  /* 11 */
    "MSG*PLAN NOTE",
    "EB*B*IND*MH**P*27*30*****Y",                   /* 13 */
    "MSG*SHARED NOTE",
    "MSG*COPAY NOTE",
    "EB*B*IND*MH**P*27*35*****Y",                   /* 16: loses, still about MH */
    "MSG*SHARED NOTE",
    "MSG*SECOND COPAY NOTE",
    "LS*2120",
    "NM1*X3*2*REVIEW ONE*****PI*R1",
    "LE*2120",
    "EB*B*IND*A6**P*27*20",                         /* 22: not asked about */
    "MSG*A6 NOTE",
    "EB*1*IND*MH********Y",                         /* 24: authorization */
    "MSG*AUTH NOTE",
    "LS*2120",
    "NM1*X3*2*REVIEW ONE*****PI*R1",
    "NM1*P3*1*LEE*MORGAN****XX*1472603855",
    "LE*2120",
  };
  static const char *const want[] = {
    "AUTH NOTE", "SHARED NOTE", "COPAY NOTE", "PLAN NOTE", "SECOND COPAY NOTE",
  };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_coverage c, again;

  (void)state;
  answer(p, NULL, st_mh, 1, &c);
  check_source(&c.covered_source, X12KIT_RULE_SERVICE_TYPE, "MH", 24);
  check_source(&c.auth_source, X12KIT_RULE_SERVICE_TYPE, "MH", 24);
  check_money(&c.in_network.copay, 3000, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 13);
  check_messages(&c, want, N(want));
  /* entities of the EBs about the question, each once */
  assert_int_equal(c.nentities, 2);
  check_entity(&c.entities[0], "2120C", "X3", "REVIEW ONE", "PI", "R1", "", 0);
  check_entity(&c.entities[1], "2120C", "P3", "LEE, MORGAN", "XX", "1472603855", "", 0);

  /* the same question gives the same lists */
  answer(p, NULL, st_mh, 1, &again);
  assert_ptr_equal(again.messages, c.messages);
  assert_ptr_equal(again.entities, c.entities);
  x12kit_271_free(r);
}

static void test_cache(void **state)
{
  static const char *const mh_a6[] = { "MH", "A6" };
  x12kit_271 *r = read_clean("eligibility/271-many-mh.x12", 1);
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  x12kit_271_patient copy = *p;
  x12kit_coverage a, b, d, e;
  const char *first;
  char st[3] = "MH";
  const char *dyn[1];

  (void)state;
  answer(p, "96365", st_mh, 1, &a);
  first = a.messages[0];
  answer(p, NULL, mh_a6, 2, &b);
  assert_ptr_not_equal(b.messages, a.messages);
  /* a copy of the patient, modifiers, a caller's own strings: the same question */
  dyn[0] = st;
  answer(&copy, "96365:XU", dyn, 1, &d);
  assert_ptr_equal(d.messages, a.messages);
  assert_ptr_equal(d.entities, a.entities);
  st[0] = 'A';
  st[1] = '6';
  answer(p, "96365", dyn, 1, &e);
  assert_ptr_not_equal(e.messages, a.messages);
  /* the first lists are unchanged */
  assert_ptr_equal(a.messages[0], first);
  assert_string_equal(a.messages[0], "KETAMINE INFUSION SERIES NEEDS PRIOR AUTHORIZATION");
  assert_int_equal(a.nmessages, 3);
  x12kit_271_free(r);
}

/* ---- numbers and dates ---- */

static void test_amounts(void **state)
{
  static const char *const body[] = {
    "EB*1*IND*30",
    "EB*B*IND*MH**P*27*12.345",                     /* 12 */
    "EB*B*IND*MH**P*27*-12.345",                    /* 13 */
    "EB*B*IND*MH**P*27*0.004",                      /* 14 */
    "EB*B*IND*MH**P*27*0.005",                      /* 15 */
    "EB*B*IND*MH**P*27*40.",                        /* 16 */
    "EB*A*IND*MH**P*27**.33335",                    /* 17 */
    "EB*A*IND*MH**P*27**.12344",                    /* 18 */
    "EB*A*IND*MH**P*27**1",                         /* 19 */
    "EB*A*IND*MH**P*27**0.00005",                   /* 20 */
    "EB*B*IND*MH**P*27*9999999999999999",           /* 21: 16 digits of dollars */
  };
  static const long long cents[] = { 1235, -1235, 0, 1, 4000 };
  static const long bp[] = { 3334, 1234, 10000, 1 };
  x12kit_271 *r = read_body(body, N(body));
  const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
  size_t i;

  (void)state;
  for (i = 0; i < N(cents); i++) {
    assert_int_equal(p->benefits[1 + i].amount.set, 1);
    assert_int_equal(p->benefits[1 + i].amount.cents, cents[i]);
  }
  for (i = 0; i < N(bp); i++) {
    assert_int_equal(p->benefits[6 + i].percent.set, 1);
    assert_int_equal(p->benefits[6 + i].percent.bp, bp[i]);
  }
  assert_int_equal(p->benefits[10].amount.set, 1);
  assert_true(p->benefits[10].amount.cents == 999999999999999900LL);
  x12kit_271_free(r);
}

static void test_amounts_unreadable(void **state)
{
  static const char *const too_big[] = {
    "EB*1*IND*30",
    "EB*B*IND*MH**P*27*99999999999999999",          /* 17 digits of dollars */
    "EB*C*IND*MH**P*23*-999999999999999999",        /* 18 */
    "EB*B*IND*MH**P*27*25",
  };
  static const char *const malformed[] = {
    "EB*1*IND*30",
    "EB*B*IND*MH**P*27*1.2.3",
    "EB*A*IND*MH**P*27**2%",
    "EB*B*IND*MH**P*27*25",
  };
  x12kit_271 *r;
  const x12kit_271_patient *p;
  x12kit_coverage c;
  size_t len;
  char *x12;

  (void)state;
  /* well-formed but too large: left out, and counted by the reader */
  x12 = make_271(too_big, N(too_big), &len);
  r = read_bytes(x12, len);
  free(x12);
  assert_int_equal(x12kit_271_finding_count(r), 2);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->benefits[1].amount.set, 0);
  assert_int_equal(p->benefits[1].amount.cents, 0);
  assert_int_equal(p->benefits[2].amount.set, 0);
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_unset(&c.in_network.deductible);
  x12kit_271_free(r);

  /* malformed: left out; the validator's findings count them */
  x12 = make_271(malformed, N(malformed), &len);
  r = read_bytes(x12, len);
  free(x12);
  assert_int_equal(x12kit_271_finding_count(r), 2);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->benefits[1].amount.set, 0);
  assert_int_equal(p->benefits[2].percent.set, 0);
  answer(p, NULL, st_mh, 1, &c);
  check_money(&c.in_network.copay, 2500, "27", X12KIT_RULE_SERVICE_TYPE, "MH", 14);
  check_unset(&c.in_network.coinsurance);
  x12kit_271_free(r);
}

static void test_dates(void **state)
{
  static const char *const good[] = {
    "DMG*D8*20000229*U",
    "DTP*346*D8*20270101",
    "DTP*347*RD8*20270101-20271231",
    "EB*1*IND*30",
  };
  static const char *const bad[] = {
    "DMG*D8*2000022*U",
    "DTP*346*D8*2027010A",
    "DTP*347*RD8*20270101/20271231",
    "EB*1*IND*30",
  };
  x12kit_271 *r;
  const x12kit_271_patient *p;
  size_t len;
  char *x12;

  (void)state;
  r = read_body(good, N(good));
  p = x12kit_271_patient_at(r, 0);
  assert_string_equal(p->dob, "2000-02-29");
  assert_string_equal(p->gender, "U");
  check_date(&p->dates[0], "346", "2027-01-01", "");
  check_date(&p->dates[1], "347", "2027-01-01", "2027-12-31");
  assert_string_equal(p->response_date, "2027-02-01");
  x12kit_271_free(r);

  x12 = make_271(bad, N(bad), &len);
  r = read_bytes(x12, len);
  free(x12);
  assert_true(x12kit_271_finding_count(r) >= 3);
  p = x12kit_271_patient_at(r, 0);
  assert_string_equal(p->dob, "");
  assert_int_equal(p->ndates, 2);
  check_date(&p->dates[0], "346", "", "");
  check_date(&p->dates[1], "347", "", "");
  x12kit_271_free(r);
}

/* ---- inputs that are not 271s ---- */

static void expect_not_271(const char *data, size_t len, const char *words)
{
  x12kit_271 *r = (x12kit_271 *)&r;
  x12kit_error err;
  int rc = x12kit_271_read(&r, tu_schema, data, len, NULL, &err);

  assert_int_equal(rc, X12KIT_ERR_SYNTAX);
  assert_null(r);
  assert_int_equal(err.code, X12KIT_ERR_SYNTAX);
  if (strstr(err.text, words) == NULL)
    fail_msg("message \"%s\" does not say \"%s\"", err.text, words);
  assert_string_equal(err.value, "");
}

static void test_not_271(void **state)
{
  static const struct {
    const char *file, *words;
  } files[] = {
    { "valid/999-accepted.x12", "999 implementation acknowledgment" },
    { "valid/999-rejected.x12", "999" },
    { "valid/ta1-rejected.x12", "TA1 interchange acknowledgment" },
    { "valid/270-eligibility.x12", "270 eligibility inquiry" },
    { "valid/278-request-infusions.x12", "278 prior-authorization" },
    { "valid/278-response-certified.x12", "278" },
    { "guide/270-dependent.x12", "270" },
    { "lexer/not-x12.x12", "not X12" },
    { "lexer/empty.x12", "empty" },
  };
  static const char *const secrets[] = { "LINDQVIST", "CVK300418826", "19880622", "SAM" };
  size_t i, k, len;

  (void)state;
  for (i = 0; i < N(files); i++) {
    char *data = tu_read_fixture(files[i].file, &len);
    x12kit_271 *r;
    x12kit_error err;
    expect_not_271(data, len, files[i].words);
    assert_int_equal(x12kit_271_read(&r, tu_schema, data, len, NULL, &err), X12KIT_ERR_SYNTAX);
    for (k = 0; k < N(secrets); k++)
      assert_null(strstr(err.text, secrets[k]));
    free(data);
  }
  expect_not_271("", 0, "empty");
  expect_not_271(NULL, 0, "empty");
  expect_not_271("hello, this is not an interchange\n", 34, "not X12");
  expect_not_271("\n\n  \n", 5, "not X12");
  {
    static const char isa_only[] =
      "ISA*00*          *00*          *ZZ*A              *ZZ*B              *270201*"
      "1200*^*00501*000000001*0*T*:~IEA*0*000000001~";
    expect_not_271(isa_only, sizeof isa_only - 1, "interchange without any transaction");
  }
  {
    /* a 271 of another implementation guide */
    size_t n;
    char *data = tu_read_fixture("eligibility/271-two-transactions.x12", &n);
    char *p;
    while ((p = strstr(data, "005010X279A1")) != NULL)
      memcpy(p, "005010X999A1", 12);
    expect_not_271(data, n, "other than 005010X279A1");
    free(data);
  }
}

/* A 271 next to a 270: the 270 is skipped and counted. */
static void test_mixed(void **state)
{
  size_t a, b;
  char *x = tu_read_fixture("eligibility/271-network.x12", &a);
  char *y = tu_read_fixture("valid/270-eligibility.x12", &b);
  char *both = malloc(a + b);
  x12kit_271 *r;

  (void)state;
  assert_non_null(both);
  memcpy(both, y, b);
  memcpy(both + b, x, a);
  r = read_bytes(both, a + b);
  assert_int_equal(x12kit_271_patient_count(r), 1);
  assert_int_equal(x12kit_271_finding_count(r), 1);
  assert_int_equal(x12kit_271_patient_at(r, 0)->transaction, 1);
  assert_string_equal(x12kit_271_patient_at(r, 0)->last, "MORALES");
  x12kit_271_free(r);
  free(both);
  free(x);
  free(y);
}

/* ---- cut and garbled 271s ---- */

static void test_truncated(void **state)
{
  size_t len, cut, ok = 0, syntax = 0;
  char *data = tu_read_fixture("eligibility/271-many-mh.x12", &len);
  char *end;

  (void)state;
  /* at every length: a clear refusal or a partial read with findings */
  for (cut = 0; cut < len; cut++) {
    x12kit_271 *r = NULL;
    x12kit_error err;
    int rc = x12kit_271_read(&r, tu_schema, data, cut, NULL, &err);
    if (rc == X12KIT_OK) {
      size_t i;
      ok++;
      assert_true(x12kit_271_finding_count(r) > 0);
      for (i = 0; i < x12kit_271_patient_count(r); i++) {
        x12kit_coverage c;
        touch_patient(x12kit_271_patient_at(r, i));
        answer(x12kit_271_patient_at(r, i), "96365", st_mh, 1, &c);
      }
      x12kit_271_free(r);
    } else {
      syntax++;
      assert_int_equal(rc, X12KIT_ERR_SYNTAX);
      assert_null(r);
      assert_null(strstr(err.text, "VANCE"));
      assert_null(strstr(err.text, "CVK910044718"));
    }
  }
  assert_true(ok > 0);
  assert_true(syntax > 0);

  /* cut inside a segment: refused, saying where */
  {
    x12kit_271 *r;
    x12kit_error err;
    end = strstr(data, "VISIT LIMIT");
    assert_int_equal(x12kit_271_read(&r, tu_schema, data, (size_t)(end - data), NULL, &err),
                     X12KIT_ERR_SYNTAX);
    assert_non_null(strstr(err.text, "ends inside a segment"));
    assert_int_equal(err.pos.in_transaction, 28);
  }
  /* cut after a whole segment: read up to there */
  {
    x12kit_271 *r;
    const x12kit_271_patient *p;
    end = strstr(data, "~EB*B*IND*A6");
    r = read_bytes(data, (size_t)(end - data) + 1);
    assert_true(x12kit_271_finding_count(r) > 0);
    assert_int_equal(x12kit_271_patient_count(r), 1);
    p = x12kit_271_patient_at(r, 0);
    assert_int_equal(p->nbenefits, 13); /* the EBs before the cut */
    assert_string_equal(p->last, "VANCE");
    x12kit_271_free(r);
  }
  free(data);
}

static void test_garbled(void **state)
{
  static const char junk[] = { 'Z', '*', '~', ':', '^', '0', '\0', '\n' };
  size_t len, i, k;
  char *data = tu_read_fixture("eligibility/271-dependent.x12", &len);
  char *copy = malloc(len);

  (void)state;
  assert_non_null(copy);
  for (k = 0; k < sizeof junk; k++) {
    for (i = 0; i < len; i += 3) {
      x12kit_271 *r = NULL;
      x12kit_error err;
      int rc;
      memcpy(copy, data, len);
      copy[i] = junk[k];
      rc = x12kit_271_read(&r, tu_schema, copy, len, NULL, &err);
      assert_true(rc == X12KIT_OK || rc == X12KIT_ERR_SYNTAX);
      if (rc == X12KIT_OK) {
        size_t j;
        for (j = 0; j < x12kit_271_patient_count(r); j++) {
          x12kit_coverage c;
          touch_patient(x12kit_271_patient_at(r, j));
          answer(x12kit_271_patient_at(r, j), "G2082", st_mh, 1, &c);
        }
        x12kit_271_free(r);
      } else {
        assert_null(r);
        assert_null(strstr(err.text, "NAKAMURA"));
      }
    }
  }
  free(copy);
  free(data);
}

/* A 271 whose loops are all there but hold nothing usable. */
static void test_hollow(void **state)
{
  static const char *const body[] = { "EB*B" };
  x12kit_271 *r;
  const x12kit_271_patient *p;
  x12kit_coverage c;
  size_t len;
  char *x12 = make_271(body, N(body), &len);

  (void)state;
  r = read_bytes(x12, len);
  free(x12);
  p = x12kit_271_patient_at(r, 0);
  assert_int_equal(p->nbenefits, 1);
  assert_string_equal(p->benefits[0].code, "B");
  assert_string_equal(p->benefits[0].coverage_level, "");
  assert_int_equal(p->benefits[0].nservice_types, 0);
  assert_null(p->benefits[0].service_types);
  assert_int_equal(p->benefits[0].amount.set, 0);
  answer(p, "96365", st_mh, 1, &c);
  assert_int_equal(c.covered, X12KIT_ANSWER_NOT_STATED);
  check_unset(&c.in_network.copay);
  assert_int_equal(c.nmessages, 0);
  x12kit_271_free(r);
}

/* ---- memory ---- */

static void test_alloc_failure(void **state)
{
  size_t len;
  char *data = tu_read_fixture("eligibility/271-many-mh.x12", &len);
  unsigned fail_at;
  int done = 0;

  (void)state;
  for (fail_at = 1; !done && fail_at < 10000; fail_at++) {
    tu_alloc a = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&a);
    x12kit_271 *r = NULL;
    x12kit_error err;
    int rc = x12kit_271_read(&r, tu_schema, data, len, &mem, &err);
    if (rc == X12KIT_OK) {
      done = 1;
      assert_int_equal(x12kit_271_patient_count(r), 1);
      x12kit_271_free(r);
    } else {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_int_equal(err.code, X12KIT_ERR_NOMEM);
      assert_null(r);
    }
    assert_int_equal(a.live, 0);
  }
  assert_true(done);
  assert_true(fail_at > 3);
  free(data);
}

static void test_alloc_failure_coverage(void **state)
{
  size_t len;
  char *data = tu_read_fixture("eligibility/271-many-mh.x12", &len);
  tu_alloc a = { 0, 0, 0, 0 };
  x12kit_mem mem = tu_alloc_mem(&a);
  x12kit_coverage_query q = { "96365", st_mh, 1 };
  x12kit_coverage c;
  x12kit_271 *r;
  const x12kit_271_patient *p;
  int rc, failed = 0;
  unsigned i;

  (void)state;
  assert_int_equal(x12kit_271_read(&r, tu_schema, data, len, &mem, NULL), X12KIT_OK);
  p = x12kit_271_patient_at(r, 0);
  /* fill the current arena block so that the answer needs a new one */
  for (i = 0; i < 64 && !failed; i++) {
    char code[8];
    x12kit_coverage_query filler;
    snprintf(code, sizeof code, "9%04u", i);
    filler.procedure = code;
    filler.service_types = st_mh;
    filler.nservice_types = 1;
    a.calls = 0;
    a.fail_at = 1;
    rc = x12kit_271_coverage(p, &filler, &c);
    a.fail_at = 0;
    if (rc == X12KIT_ERR_NOMEM) {
      failed = 1;
      /* "not stated" throughout */
      assert_int_equal(c.covered, X12KIT_ANSWER_NOT_STATED);
      assert_int_equal(c.auth, X12KIT_ANSWER_NOT_STATED);
      check_unset(&c.in_network.copay);
      check_unset(&c.out_network.visits);
      assert_null(c.messages);
      assert_int_equal(c.nmessages, 0);
      assert_string_equal(c.covered_source.service_type, "");
    } else {
      assert_int_equal(rc, X12KIT_OK);
    }
  }
  assert_true(failed);
  /* with memory again, the answer comes */
  rc = x12kit_271_coverage(p, &q, &c);
  assert_int_equal(rc, X12KIT_OK);
  assert_int_equal(c.nmessages, 3);
  x12kit_271_free(r);
  assert_int_equal(a.live, 0);
  free(data);
}

/* Values stay readable after the maps are gone. */
static void test_schema_freed_first(void **state)
{
  x12kit_schema *own = tu_load_schema();
  size_t len;
  char *data = tu_read_fixture("eligibility/271-aaa-2100c.x12", &len);
  x12kit_271 *r;
  const x12kit_271_patient *p;

  (void)state;
  assert_non_null(own);
  assert_int_equal(x12kit_271_read(&r, own, data, len, NULL, NULL), X12KIT_OK);
  free(data);
  x12kit_schema_free(own);
  p = x12kit_271_patient_at(r, 0);
  assert_string_equal(p->rejections[0].reason_text, "Invalid or missing subscriber/insured ID");
  assert_string_equal(p->rejections[0].action_text, "Correct and resubmit");
  assert_string_equal(p->rejections[0].loop, "2100C");
  touch_patient(p);
  x12kit_271_free(r);
}

/* ---- arguments and names ---- */

static void test_arguments(void **state)
{
  x12kit_271 *r;
  x12kit_error err;
  x12kit_coverage c;
  x12kit_coverage_query q = { "96365", NULL, 1 };
  static const char *const with_null[] = { "MH", NULL };
  const x12kit_271_patient *p;

  (void)state;
  assert_int_equal(x12kit_271_read(NULL, tu_schema, "", 0, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_271_read(&r, NULL, "", 0, NULL, &err), X12KIT_ERR_ARG);
  assert_null(r);
  assert_int_equal(x12kit_271_read(&r, tu_schema, NULL, 5, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(err.code, X12KIT_ERR_ARG);
  x12kit_271_free(NULL);
  assert_int_equal(x12kit_271_finding_count(NULL), 0);
  assert_int_equal(x12kit_271_patient_count(NULL), 0);
  assert_null(x12kit_271_patient_at(NULL, 0));

  r = read_clean("eligibility/271-network.x12", 1);
  p = x12kit_271_patient_at(r, 0);
  assert_null(x12kit_271_patient_at(r, 1));
  assert_int_equal(x12kit_271_coverage(NULL, &q, &c), X12KIT_ERR_ARG);
  assert_int_equal(c.covered, X12KIT_ANSWER_NOT_STATED);
  assert_int_equal(x12kit_271_coverage(p, NULL, &c), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_271_coverage(p, &q, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_271_coverage(p, &q, &c), X12KIT_ERR_ARG); /* a count, no list */
  q.service_types = with_null;
  q.nservice_types = 2;
  assert_int_equal(x12kit_271_coverage(p, &q, &c), X12KIT_ERR_ARG);
  q.nservice_types = 1;
  assert_int_equal(x12kit_271_coverage(p, &q, &c), X12KIT_OK);
  x12kit_271_free(r);
}

static void test_names(void **state)
{
  (void)state;
  assert_string_equal(x12kit_answer_name(X12KIT_ANSWER_YES), "yes");
  assert_string_equal(x12kit_answer_name(X12KIT_ANSWER_NO), "no");
  assert_string_equal(x12kit_answer_name(X12KIT_ANSWER_NOT_STATED), "not stated");
  assert_string_equal(x12kit_answer_name(X12KIT_ANSWER_UNKNOWN), "unknown");
  assert_string_equal(x12kit_answer_name((x12kit_answer)42), "not stated");
  assert_string_equal(x12kit_rule_name(X12KIT_RULE_NONE), "not stated");
  assert_string_equal(x12kit_rule_name(X12KIT_RULE_PROCEDURE), "procedure-level benefit");
  assert_string_equal(x12kit_rule_name(X12KIT_RULE_SERVICE_TYPE), "service-type benefit");
  assert_string_equal(x12kit_rule_name(X12KIT_RULE_PLAN), "plan-level benefit");
  assert_string_equal(x12kit_rule_name(X12KIT_RULE_PLAN_STATUS), "plan status (inactive)");
  assert_string_equal(x12kit_rule_name((x12kit_rule)42), "not stated");
}

/* ---- advice ---- */

typedef struct codes {
  const char *v[128];
  size_t n;
} codes;

static int collect(void *ud, const char *value, const char *desc)
{
  codes *c = ud;

  (void)desc;
  assert_true(c->n < 128);
  c->v[c->n++] = value;
  return 0;
}

static void test_advice(void **state)
{
  codes reasons = { { NULL }, 0 }, actions = { { NULL }, 0 };
  const char *generic = x12kit_aaa_advice("ZZ", "");
  size_t i, j, k;

  (void)state;
  assert_int_equal(x12kit_schema_codes_each(tu_schema, "901", collect, &reasons), X12KIT_OK);
  assert_int_equal(x12kit_schema_codes_each(tu_schema, "889", collect, &actions), X12KIT_OK);
  assert_true(reasons.n >= 60);
  assert_int_equal(actions.n, 8);
  /* every reason has advice of its own, different from the generic line */
  for (i = 0; i < reasons.n; i++) {
    const char *a = x12kit_aaa_advice(reasons.v[i], "C");
    assert_non_null(a);
    assert_true(strlen(a) > 40);
    assert_string_not_equal(a, x12kit_aaa_advice("ZZ", "C"));
    for (k = 0; k < i; k++)
      assert_string_not_equal(a, x12kit_aaa_advice(reasons.v[k], "C"));
    /* and each action changes what it says */
    for (j = 0; j < actions.n; j++)
      for (k = 0; k < j; k++)
        assert_string_not_equal(x12kit_aaa_advice(reasons.v[i], actions.v[j]),
                                x12kit_aaa_advice(reasons.v[i], actions.v[k]));
  }
  assert_non_null(strstr(x12kit_aaa_advice("72", "C"), "member ID"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "C"), "card"));
  assert_non_null(strstr(x12kit_aaa_advice("73", "C"), "name exactly as on the card"));
  assert_non_null(strstr(x12kit_aaa_advice("75", "C"), "could not find the subscriber"));
  assert_non_null(strstr(x12kit_aaa_advice("42", "R"), "could not answer"));
  assert_non_null(strstr(x12kit_aaa_advice("42", "R"), "may send the inquiry again"));
  assert_non_null(strstr(x12kit_aaa_advice("15", "C"), "missing"));
  assert_non_null(strstr(x12kit_aaa_advice("79", "C"), "trading partner"));
  assert_non_null(strstr(x12kit_aaa_advice("41", "N"), "Do not send"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "W"), "30 days"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "X"), "10 days"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "Y"), "call the payer"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "S"), "another party"));
  assert_non_null(strstr(x12kit_aaa_advice("72", "P"), "original inquiry"));
  /* unknown or missing codes still give a line */
  assert_non_null(generic);
  assert_true(strlen(generic) > 20);
  assert_non_null(strstr(generic, "call the payer"));
  assert_string_equal(x12kit_aaa_advice(NULL, NULL), generic);
  assert_string_equal(x12kit_aaa_advice("", "Q"), generic);
  assert_string_equal(x12kit_aaa_advice("72", "CC"), x12kit_aaa_advice("72", NULL));
  assert_string_not_equal(x12kit_aaa_advice("7", "C"), x12kit_aaa_advice("72", "C"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_active_auth_copay),
    cmocka_unit_test(test_inactive),
    cmocka_unit_test(test_procedure_not_covered),
    cmocka_unit_test(test_network),
    cmocka_unit_test(test_deductible_met),
    cmocka_unit_test(test_dependent),
    cmocka_unit_test(test_aaa_before_patient),
    cmocka_unit_test(test_aaa_patient_levels),
    cmocka_unit_test(test_many_mh),
    cmocka_unit_test(test_two_patients),
    cmocka_unit_test(test_two_transactions),
    cmocka_unit_test(test_visit_limit),
    cmocka_unit_test(test_other_fixtures),
    cmocka_unit_test(test_rule_levels),
    cmocka_unit_test(test_rule_network),
    cmocka_unit_test(test_rule_network_fallback),
    cmocka_unit_test(test_rule_coverage_level),
    cmocka_unit_test(test_rule_covered),
    cmocka_unit_test(test_rule_plan_inactive),
    cmocka_unit_test(test_rule_values_needed),
    cmocka_unit_test(test_rule_messages),
    cmocka_unit_test(test_cache),
    cmocka_unit_test(test_amounts),
    cmocka_unit_test(test_amounts_unreadable),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_not_271),
    cmocka_unit_test(test_mixed),
    cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_garbled),
    cmocka_unit_test(test_hollow),
    cmocka_unit_test(test_alloc_failure),
    cmocka_unit_test(test_alloc_failure_coverage),
    cmocka_unit_test(test_schema_freed_first),
    cmocka_unit_test(test_arguments),
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_advice),
  };

  return cmocka_run_group_tests_name("coverage", tests, tu_schema_setup, tu_schema_teardown);
}
