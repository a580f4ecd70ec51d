/*
 * x12kit tests - building a 278 prior-authorization request: the
 * requests of the two 278 request fixtures give them byte for byte,
 * every variant passes the validator without a finding, ICD-10 codes are
 * checked for their form and written without the dot, and every bad
 * input is refused by x12kit_278_check with a message that names the
 * field, not the value, and nothing written.  The envelope is the 270
 * builder's: the same fields write the same ISA and are refused with
 * the same messages.
 */
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
static char *build(const x12kit_278_request *r, size_t *len)
{
  x12kit_writer *w;
  x12kit_error err;
  tu_buf b = { NULL, 0 };
  int rc;

  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  rc = x12kit_278_write(r, schema, w, &err);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_278_write: %d %s", rc, err.text);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  *len = b.len;
  return b.p;
}

/* ---- validation ---- */

static void assert_valid(const char *x12, size_t len)
{
  tu_assert_valid(schema, x12, len);
}

/* Builds, checks that every |want| segment is there, validates, frees. */
static void build_expect(const x12kit_278_request *r, const char *const *want, size_t n)
{
  size_t len, i;
  char *x12 = build(r, &len);

  for (i = 0; i < n; i++)
    if (strstr(x12, want[i]) == NULL)
      fail_msg("missing %s in %s", want[i], x12);
  assert_valid(x12, len);
  free(x12);
}

#define EXPECT(r, ...)                                                                        \
  do {                                                                                        \
    const char *const want_[] = { __VA_ARGS__ };                                              \
    build_expect((r), want_, sizeof want_ / sizeof want_[0]);                                 \
  } while (0)

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;

  while ((hay = strstr(hay, needle)) != NULL) {
    n++;
    hay++;
  }
  return n;
}

/* ---- the request of fixtures/valid/278-request-infusions.x12 ---- */

static const char *const infusion_dx[] = { "F33.2" };

typedef struct infusion {
  x12kit_278_request r;
  x12kit_278_service lines[3];
  x12kit_278_attachment attachment;
  x12kit_278_provider provider;
} infusion;

static void infusion_request(infusion *f)
{
  x12kit_278_request *r = &f->r;

  memset(f, 0, sizeof *f);
  f->lines[0].procedure = "96365";
  f->lines[0].units = "6";
  f->lines[1].procedure = "96366";
  f->lines[1].units = "6";
  f->lines[2].procedure = "J3490";
  f->lines[2].units = "6";
  f->lines[2].description = "KETAMINE HYDROCHLORIDE INJ";
  f->attachment.type = "09";
  f->attachment.transmission = "FX";
  f->attachment.control = "NWIPA0042";
  f->provider.last = "OKAFOR";
  f->provider.first = "PRIYA";
  f->provider.npi = "1930475821";
  f->provider.taxonomy = "2084P0800X";

  r->payer_name = "CEDAR VALLEY HEALTH PLAN";
  r->payer_id = "CVHP01";
  r->provider_name = "NORTHWIND INFUSION CLINIC";
  r->provider_npi = "1582037465";
  r->contact_name = "AUTHORIZATION DESK";
  r->contact_phone = "6125550188";
  r->member_id = "CVK300418826";
  r->last = "LINDQVIST";
  r->first = "SAM";
  r->dob = "1988-06-22";
  r->gender = "M";
  r->service_type = "MH";
  r->place_of_service = "11";
  r->from = "2026-12-07";
  r->to = "2026-12-31";
  r->diagnoses = infusion_dx;
  r->ndiagnoses = 1;
  r->delivery.quantity = "2";
  r->delivery.per = "WK";
  r->delivery.period_unit = "35";
  r->delivery.periods = "3";
  r->attachments = &f->attachment;
  r->nattachments = 1;
  r->providers = &f->provider;
  r->nproviders = 1;
  r->services = f->lines;
  r->nservices = 3;
  r->reference = "NWI278-0001";
  r->trace_entity = "9876543210";
  r->sender_id = "NORTHWINDINF";
  r->receiver_id = "CEDARVALLEYHP";
  r->usage = 'T';
  r->ack_requested = 1;
  r->control = 202;
  r->date = "20261120";
  r->time = "1030";
}

static void assert_fixture(const x12kit_278_request *r, const char *fixture)
{
  size_t want_len, len;
  char *want = tu_read_fixture(fixture, &want_len);
  char *got;

  while (want_len > 0 && (want[want_len - 1] == '\n' || want[want_len - 1] == '\r'))
    want_len--;
  got = build(r, &len);
  if (len != want_len || memcmp(got, want, len) != 0)
    fail_msg("%s differs:\n got: %s\nwant: %.*s", fixture, got, (int)want_len, want);
  assert_valid(got, len);
  free(got);
  free(want);
}

static void test_infusion_bytes(void **state)
{
  infusion f;

  (void)state;
  infusion_request(&f);
  assert_fixture(&f.r, "valid/278-request-infusions.x12");

  /* the same without a schema: the codes are only checked for their form */
  {
    x12kit_error err;
    assert_int_equal(x12kit_278_check(&f.r, NULL, &err), X12KIT_OK);
  }
}

/* fixtures/guide/278-request-esketamine.x12: a dependent patient, esketamine
   J0013 with the supervised visit G2082, three attachments. */
static void test_esketamine_bytes(void **state)
{
  static const char *const dx[] = { "F332" };
  x12kit_278_service lines[2];
  x12kit_278_attachment att[3];
  x12kit_278_provider prov;
  x12kit_278_request r;

  (void)state;
  memset(lines, 0, sizeof lines);
  memset(att, 0, sizeof att);
  memset(&prov, 0, sizeof prov);
  memset(&r, 0, sizeof r);
  lines[0].procedure = "J0013";
  lines[0].units = "448";
  lines[1].procedure = "G2082";
  lines[1].units = "8";
  att[0].type = "09";
  att[0].transmission = "FX";
  att[0].control = "LMHPA0107A";
  att[0].description = "PSYCHIATRY PROGRESS NOTES";
  att[1].type = "77";
  att[1].transmission = "EL";
  att[1].control = "LMHPA0107B";
  att[1].description = "PHQ-9 SCORES";
  att[2].type = "M1";
  att[2].transmission = "FX";
  att[2].control = "LMHPA0107C";
  att[2].description = "PRIOR ANTIDEPRESSANT TRIALS";
  prov.last = "BRANDT";
  prov.first = "LEONIE";
  prov.npi = "1285604371";
  prov.taxonomy = "2084P0800X";
  prov.role = "PE";
  prov.entity_code = "SJ";

  r.payer_name = "BIRCHWOOD HEALTH PLAN";
  r.payer_id = "BWHP01";
  r.requester_code = "1P";
  r.provider_name = "LAKESIDE MENTAL HEALTH CLINIC";
  r.provider_npi = "1743920682";
  r.provider_address = "410 HARBOR ROAD";
  r.provider_city = "DULUTH";
  r.provider_state = "MN";
  r.provider_zip = "55802";
  r.contact_name = "PRIOR AUTH TEAM";
  r.contact_phone = "2185550147";
  r.contact_fax = "2185550148";
  r.provider_taxonomy = "261QM0801X";
  r.member_id = "BWH551902376";
  r.last = "HALVORSEN";
  r.first = "KARI";
  r.dob = "1979-03-11";
  r.gender = "F";
  r.dependent_last = "HALVORSEN";
  r.dependent_first = "ERIK";
  r.dependent_dob = "2007-08-19";
  r.dependent_gender = "M";
  r.dependent_relationship = "19";
  r.request_category = "HS";
  r.certification_type = "I";
  r.service_type = "MH";
  r.place_of_service = "11";
  r.from = "2026-12-14";
  r.to = "2027-01-10";
  r.diagnoses = dx;
  r.ndiagnoses = 1;
  r.delivery.quantity = "2";
  r.delivery.qualifier = "VS";
  r.delivery.per = "WK";
  r.delivery.period_unit = "35";
  r.delivery.periods = "4";
  r.attachments = att;
  r.nattachments = 3;
  r.providers = &prov;
  r.nproviders = 1;
  r.services = lines;
  r.nservices = 2;
  r.reference = "LMH278-0107";
  r.trace = "LMH278-0107";
  r.trace_entity = "9412345678";
  r.sender_id = "LAKESIDEMH";
  r.receiver_id = "BIRCHWOODHP";
  r.usage = 'T';
  r.ack_requested = 1;
  r.control = 311;
  r.date = "20261203";
  r.time = "1415";
  assert_fixture(&r, "guide/278-request-esketamine.x12");
}

/* ---- variants, each validated ---- */

static void test_diagnoses(void **state)
{
  static const char *const several[] = { "F33.2", "F43.10", "G89.4", "M79.7" };
  static const char *const twelve[] = { "F320", "F321", "F322", "F323", "F324", "F325",
                                        "F330", "F331", "F332", "F333", "F338", "F339" };
  infusion f;

  (void)state;
  infusion_request(&f);
  f.r.diagnoses = several;
  f.r.ndiagnoses = 4;
  EXPECT(&f.r, "~HI*ABK:F332*ABF:F4310*ABF:G894*ABF:M797~");

  f.r.diagnoses = twelve;
  f.r.ndiagnoses = 12;
  EXPECT(&f.r, "~HI*ABK:F320*ABF:F321*", "*ABF:F339~");

  /* no diagnosis: no HI */
  f.r.ndiagnoses = 0;
  {
    size_t len;
    char *x12 = build(&f.r, &len);
    assert_null(strstr(x12, "~HI*"));
    assert_valid(x12, len);
    free(x12);
  }
}

static void test_icd10_forms(void **state)
{
  static const struct {
    const char *in, *x12;
  } good[] = {
    { "F33.2", "F332" }, { "F332", "F332" }, { "F32.A", "F32A" }, { "F33.40", "F3340" },
    { "G90.511", "G90511" }, { "S72.001A", "S72001A" }, { "T40.7X1A", "T407X1A" },
    { "M79.7", "M797" }, { "Z00", "Z00" }, { "U07.1", "U071" },
  };
  static const char *const bad_forms[] = {
    "f33.2", "F3.2", "33.2", "F33.", "F33.12345", "F33-2", "FF3.2", "F33.2.1", "F.332",
    "F3", "F33 2", "F33.2a", "F332345678", ".F332", "F33..2",
  };
  infusion f;
  size_t i, len;
  x12kit_error err;
  char want[32], *x12;
  const char *dx[1];

  (void)state;
  infusion_request(&f);
  f.r.diagnoses = dx;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    dx[0] = good[i].in;
    x12 = build(&f.r, &len);
    snprintf(want, sizeof want, "~HI*ABK:%s~", good[i].x12);
    if (strstr(x12, want) == NULL)
      fail_msg("%s: no %s", good[i].in, want);
    assert_valid(x12, len);
    free(x12);
  }
  for (i = 0; i < sizeof bad_forms / sizeof bad_forms[0]; i++) {
    dx[0] = bad_forms[i];
    if (x12kit_278_check(&f.r, schema, &err) != X12KIT_ERR_ARG)
      fail_msg("%s was accepted", bad_forms[i]);
    assert_non_null(strstr(err.text, "diagnosis 1 must be an ICD-10-CM code"));
    assert_null(strstr(err.text, bad_forms[i]));
  }
}

static void test_dependent(void **state)
{
  infusion f;
  size_t len;
  char *x12;

  (void)state;
  infusion_request(&f);
  f.r.dependent_last = "LINDQVIST";
  f.r.dependent_first = "NOA";
  f.r.dependent_dob = "2012-04-03";
  f.r.dependent_gender = "F";
  f.r.dependent_relationship = "19";
  f.r.dependent_member_id = "CVK300418827";
  x12 = build(&f.r, &len);
  assert_non_null(strstr(x12, "~HL*3*2*22*1~NM1*IL*1*LINDQVIST*SAM****MI*CVK300418826~"
                              "DMG*D8*19880622*M~HL*4*3*23*1~"
                              "NM1*QC*1*LINDQVIST*NOA****MI*CVK300418827~"
                              "DMG*D8*20120403*F~INS*N*19~HL*5*4*EV*1~"));
  assert_non_null(strstr(x12, "~HL*6*5*SS*0~"));
  assert_non_null(strstr(x12, "~HL*8*5*SS*0~"));
  assert_valid(x12, len);
  free(x12);

  /* the dependent alone, without its optional fields; no subscriber DMG */
  f.r.dependent_dob = NULL;
  f.r.dependent_gender = NULL;
  f.r.dependent_relationship = NULL;
  f.r.dependent_member_id = NULL;
  f.r.dob = NULL;
  f.r.gender = NULL;
  x12 = build(&f.r, &len);
  assert_non_null(strstr(x12, "~HL*4*3*23*1~NM1*QC*1*LINDQVIST*NOA~HL*5*4*EV*1~"));
  assert_null(strstr(x12, "DMG"));
  assert_valid(x12, len);
  free(x12);
}

static void test_attachments_and_note(void **state)
{
  x12kit_278_attachment att[10];
  infusion f;
  size_t i, len;
  char *x12;
  char controls[10][16];

  (void)state;
  infusion_request(&f);
  memset(att, 0, sizeof att);
  att[0].type = "OB";
  att[0].transmission = "EL";
  att[0].control = "DOC0001";
  att[1].type = "B3";
  att[1].transmission = "BM";
  att[1].control = "DOC0002";
  att[1].description = "SIGNED ORDER";
  att[2].type = "P5";
  att[2].transmission = "AA";                  /* available on request: no control number */
  f.r.attachments = att;
  f.r.nattachments = 3;
  f.r.note = "PATIENT FAILED TWO ANTIDEPRESSANTS; SEE PROGRESS NOTES";
  EXPECT(&f.r, "~PWK*OB*EL***AC*DOC0001~PWK*B3*BM***AC*DOC0002*SIGNED ORDER~PWK*P5*AA~"
         "MSG*PATIENT FAILED TWO ANTIDEPRESSANTS; SEE PROGRESS NOTES~NM1*SJ*");

  /* ten, the most the map allows */
  for (i = 0; i < 10; i++) {
    snprintf(controls[i], sizeof controls[i], "DOC%04zu", i + 1);
    att[i].type = "09";
    att[i].transmission = "FX";
    att[i].control = controls[i];
    att[i].description = NULL;
  }
  f.r.nattachments = 10;
  f.r.note = NULL;
  x12 = build(&f.r, &len);
  assert_int_equal(count(x12, "~PWK*09*FX***AC*DOC"), 10);
  assert_null(strstr(x12, "MSG"));
  assert_valid(x12, len);
  free(x12);
}

static void test_delivery(void **state)
{
  infusion f;

  (void)state;
  infusion_request(&f);

  /* 6 visits within 3 weeks */
  f.r.delivery.per = NULL;
  f.r.delivery.quantity = "6";
  EXPECT(&f.r, "~HSD*VS*6***35*3~");

  /* 12 visits, no period; leading zeros are dropped */
  f.r.delivery.period_unit = NULL;
  f.r.delivery.periods = NULL;
  f.r.delivery.quantity = "012";
  EXPECT(&f.r, "~HSD*VS*12~");

  /* 1 a month for 6 months, 3 days */
  f.r.delivery.quantity = "1";
  f.r.delivery.per = "MO";
  f.r.delivery.period_unit = "34";
  f.r.delivery.periods = "6";
  EXPECT(&f.r, "~HSD*VS*1*MO**34*6~");
  f.r.delivery.qualifier = "DY";
  f.r.delivery.quantity = "3";
  f.r.delivery.per = NULL;
  f.r.delivery.period_unit = NULL;
  f.r.delivery.periods = NULL;
  EXPECT(&f.r, "~HSD*DY*3~");

  /* a period alone; none at all */
  f.r.delivery.qualifier = NULL;
  f.r.delivery.quantity = NULL;
  f.r.delivery.period_unit = "35";
  f.r.delivery.periods = "4";
  EXPECT(&f.r, "~HSD*****35*4~");
  memset(&f.r.delivery, 0, sizeof f.r.delivery);
  {
    size_t len;
    char *x12 = build(&f.r, &len);
    assert_null(strstr(x12, "HSD"));
    assert_valid(x12, len);
    free(x12);
  }

  /* per service line: after SV1 */
  f.lines[0].delivery.quantity = "2";
  f.lines[0].delivery.per = "WK";
  f.lines[0].delivery.period_unit = "35";
  f.lines[0].delivery.periods = "3";
  EXPECT(&f.r, "~SV1*HC:96365**UN*6~HSD*VS*2*WK**35*3~HL*6*4*SS*0~");
}

static void test_service_lines(void **state)
{
  infusion f;
  size_t len;
  char *x12;

  (void)state;
  infusion_request(&f);

  /* modifiers, charge, own dates within the period, description after modifiers */
  f.lines[0].procedure = "96365:59:XU";
  f.lines[0].charge = "350.00";
  f.lines[0].from = "2026-12-08";
  f.lines[1].procedure = "96366:59:XU:76:77";
  f.lines[1].from = "2026-12-08";
  f.lines[1].to = "2026-12-22";
  f.lines[2].procedure = "J3490:JZ";
  f.lines[2].units = "0006";
  EXPECT(&f.r, "~DTP*472*D8*20261208~SV1*HC:96365:59:XU*350.00*UN*6~",
         "~DTP*472*RD8*20261208-20261222~SV1*HC:96366:59:XU:76:77**UN*6~",
         "~SV1*HC:J3490:JZ::::KETAMINE HYDROCHLORIDE INJ**UN*6~");

  /* institutional lines (SV2), no units, one line */
  infusion_request(&f);
  f.lines[0].revenue_code = "0260";
  f.lines[0].charge = "1200";
  f.lines[1].revenue_code = "0636";
  f.lines[1].units = NULL;
  f.r.requester_code = "FA";
  f.r.place_of_service = "22";
  EXPECT(&f.r, "~NM1*FA*2*NORTHWIND INFUSION CLINIC*****XX*1582037465~",
         "~UM*HS*I*MH*22:B~", "~SV2*0260*HC:96365*1200*UN*6~", "~SV2*0636*HC:96366~");

  /* esketamine: J0013 and G2082 */
  infusion_request(&f);
  f.lines[0].procedure = "J0013";
  f.lines[0].units = "784";
  f.lines[1].procedure = "G2082";
  f.lines[1].units = "14";
  f.r.nservices = 2;
  EXPECT(&f.r, "~SV1*HC:J0013**UN*784~", "~SV1*HC:G2082**UN*14~SE*28*0001~");

  /* no service lines: the event has no child */
  f.r.nservices = 0;
  x12 = build(&f.r, &len);
  assert_non_null(strstr(x12, "~HL*4*3*EV*0~"));
  assert_null(strstr(x12, "*SS*"));
  assert_valid(x12, len);
  free(x12);

  /* ninety-nine lines */
  {
    x12kit_278_service many[99];
    size_t i;
    memset(many, 0, sizeof many);
    for (i = 0; i < 99; i++) {
      many[i].procedure = i % 2 ? "96366" : "96365";
      many[i].units = "1";
    }
    f.r.services = many;
    f.r.nservices = 99;
    x12 = build(&f.r, &len);
    assert_non_null(strstr(x12, "~HL*103*4*SS*0~"));
    assert_valid(x12, len);
    free(x12);
  }
}

static void test_review_variants(void **state)
{
  x12kit_278_provider provs[2];
  infusion f;
  size_t len;
  char *x12;

  (void)state;
  infusion_request(&f);

  /* an extension of an earlier authorization, urgent, specialty care, psychiatric */
  f.r.request_category = "SC";
  f.r.certification_type = "4";
  f.r.previous_auth = "AUTH55501";
  f.r.level_of_service = "U";
  f.r.service_type = "A4";
  f.r.place_of_service = "49";
  EXPECT(&f.r, "~UM*SC*4*A4*49:B**U~REF*BB*AUTH55501~DTP*AAH*RD8*20261207-20261231~");

  /* no service type, no place, one date */
  infusion_request(&f);
  f.r.service_type = NULL;
  f.r.place_of_service = NULL;
  f.r.to = NULL;
  EXPECT(&f.r, "~UM*HS*I~DTP*AAH*D8*20261207~", "~UM*HS*I~DTP*472*D8*20261207~SV1*");

  /* no dates at all: no DTP */
  f.r.from = NULL;
  x12 = build(&f.r, &len);
  assert_null(strstr(x12, "DTP"));
  assert_valid(x12, len);
  free(x12);

  /* a person as requester with address, contact and taxonomy; two
     providers, one an organization */
  infusion_request(&f);
  memset(provs, 0, sizeof provs);
  provs[0] = f.provider;
  provs[0].role = "AT";
  provs[0].entity_code = "71";
  provs[1].name = "NORTHWIND INFUSION SUITE";
  provs[1].entity_code = "77";
  f.r.providers = provs;
  f.r.nproviders = 2;
  f.r.provider_name = NULL;
  f.r.provider_last = "RIVERA";
  f.r.provider_first = "JORDAN";
  f.r.provider_address = "12 LAKE STREET";
  f.r.provider_address2 = "SUITE 4";
  f.r.provider_city = "MINNEAPOLIS";
  f.r.provider_state = "MN";
  f.r.provider_zip = "554011234";
  f.r.contact_name = NULL;
  f.r.contact_fax = "6125550189";
  f.r.contact_email = "PA@NORTHWIND.EXAMPLE";
  f.r.provider_taxonomy = "2084P0800X";
  f.r.provider_role = "RF";
  EXPECT(&f.r, "~NM1*1P*1*RIVERA*JORDAN****XX*1582037465~N3*12 LAKE STREET*SUITE 4~"
         "N4*MINNEAPOLIS*MN*554011234~PER*IC**TE*6125550188*FX*6125550189*EM*"
         "PA@NORTHWIND.EXAMPLE~PRV*RF*PXC*2084P0800X~",
         "~NM1*71*1*OKAFOR*PRIYA****XX*1930475821~PRV*AT*PXC*2084P0800X~"
         "NM1*77*2*NORTHWIND INFUSION SUITE~HL*5*4*SS*0~");

  /* defaults: envelope IDs, reference, trace, TRN03 from the NPI,
     production usage, no ack, no contact, no provider, no attachment */
  infusion_request(&f);
  f.r.sender_id = NULL;
  f.r.receiver_id = NULL;
  f.r.reference = NULL;
  f.r.trace_entity = NULL;
  f.r.usage = 0;
  f.r.ack_requested = 0;
  f.r.contact_name = NULL;
  f.r.contact_phone = NULL;
  f.r.nproviders = 0;
  f.r.nattachments = 0;
  f.r.trace = "NWI-TRACE-7";
  x12 = build(&f.r, &len);
  assert_non_null(strstr(x12, "*ZZ*1582037465     *ZZ*CVHP01         *261120*1030*^*00501*"
                              "000000202*0*P*:~GS*HI*1582037465*CVHP01*20261120*1030*202*X*"
                              "005010X217~ST*278*0001*005010X217~"
                              "BHT*0007*13*X12KIT202*20261120*1030~"));
  assert_non_null(strstr(x12, "~TRN*1*NWI-TRACE-7*9158203746~"));
  assert_null(strstr(x12, "PER"));
  assert_null(strstr(x12, "PWK"));
  assert_null(strstr(x12, "*SJ*"));
  assert_valid(x12, len);
  free(x12);

  /* the creation date and time default to now */
  f.r.date = NULL;
  f.r.time = NULL;
  x12 = build(&f.r, &len);
  assert_valid(x12, len);
  free(x12);
}

/* ---- refused inputs ---- */

typedef struct bad_case {
  const char *what;
  const char *field;   /* the message must contain this */
  const char *value;   /* and never this */
} bad_case;

static void expect_refused(const x12kit_278_request *r, const x12kit_schema *s,
                           const bad_case *c)
{
  x12kit_error err;
  x12kit_writer *w;
  tu_buf b = { NULL, 0 };

  memset(&err, 0, sizeof err);
  if (x12kit_278_check(r, s, &err) != X12KIT_ERR_ARG)
    fail_msg("%s: accepted", c->what);
  assert_int_equal(err.code, X12KIT_ERR_ARG);
  if (strstr(err.text, c->field) == NULL)
    fail_msg("%s: message \"%s\" does not name %s", c->what, err.text, c->field);
  if (c->value && *c->value && strstr(err.text, c->value) != NULL)
    fail_msg("%s: message \"%s\" shows the value", c->what, err.text);
  assert_string_equal(err.value, "");

  /* the writer gets nothing */
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_278_write(r, s, w, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  assert_int_equal(b.len, 0);
  free(b.p);
}

static void test_check_refuses(void **state)
{
  static const char *const dx_dup[] = { "F33.2", "F332" };
  static const char *const dx_13[] = { "F320", "F321", "F322", "F323", "F324", "F325", "F330",
                                       "F331", "F332", "F333", "F338", "F339", "G894" };
  static const char *const dx_second_bad[] = { "F33.2", "F4310X77" };
  static const char long61[] =
    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJA";
  char long265[266];
  x12kit_278_attachment att[11];
  x12kit_278_provider provs[13];
  x12kit_278_service lines[100];
  infusion base, f;
  x12kit_error err;
  bad_case c;

  (void)state;
  infusion_request(&base);
  assert_int_equal(x12kit_278_check(&base.r, schema, &err), X12KIT_OK);
  memset(long265, 'A', 265);
  long265[265] = '\0';
  memset(att, 0, sizeof att);
  memset(provs, 0, sizeof provs);
  memset(lines, 0, sizeof lines);

  /* |f| is a copy of |base| with its pointers into itself */
#define RESET()                                                                               \
  do {                                                                                        \
    infusion_request(&f);                                                                     \
  } while (0)
#define BAD(field_, value_, what_, assign)                                                    \
  do {                                                                                        \
    RESET();                                                                                  \
    assign;                                                                                   \
    c.what = (what_);                                                                         \
    c.field = (field_);                                                                       \
    c.value = (value_);                                                                       \
    expect_refused(&f.r, schema, &c);                                                         \
  } while (0)

  /* payer and requester */
  BAD("payer name", NULL, "no payer name", f.r.payer_name = NULL);
  BAD("payer name", long61, "61-character payer name", f.r.payer_name = long61);
  BAD("payer ID", NULL, "1-character payer ID", f.r.payer_id = "C");
  BAD("receiver ID", NULL, "payer ID over 15 without receiver",
      (f.r.payer_id = "CEDARVALLEYHP0001", f.r.receiver_id = NULL));
  BAD("requester entity code", "PR1", "requester code PR1", f.r.requester_code = "PR1");
  BAD("requester entity code", "X3", "requester code X3", f.r.requester_code = "X3");
  BAD("provider", NULL, "both organization and person", f.r.provider_last = "RIVERA");
  BAD("provider name is missing", NULL, "no provider name", f.r.provider_name = NULL);
  BAD("provider first name", long61, "61-character first name",
      (f.r.provider_name = NULL, f.r.provider_last = "RIVERA", f.r.provider_first = long61));
  BAD("provider NPI", "1582037466", "bad NPI check digit", f.r.provider_npi = "1582037466");
  BAD("provider NPI", "158203746", "9-digit NPI", f.r.provider_npi = "158203746");
  BAD("provider NPI", "15820374A5", "NPI with a letter", f.r.provider_npi = "15820374A5");
  BAD("provider NPI", NULL, "no NPI", f.r.provider_npi = NULL);
  BAD("provider address", NULL, "city without street", f.r.provider_city = "DULUTH");
  BAD("provider city", NULL, "street without city",
      (f.r.provider_address = "1 MAIN ST", f.r.provider_state = "MN",
       f.r.provider_zip = "55802"));
  BAD("provider state", "Mn", "state in lower case",
      (f.r.provider_address = "1 MAIN ST", f.r.provider_city = "DULUTH",
       f.r.provider_state = "Mn", f.r.provider_zip = "55802"));
  BAD("provider ZIP code", "5580", "4-digit ZIP",
      (f.r.provider_address = "1 MAIN ST", f.r.provider_city = "DULUTH",
       f.r.provider_state = "MN", f.r.provider_zip = "5580"));
  BAD("provider address", "1 MAIN~ST", "address with ~",
      (f.r.provider_address = "1 MAIN~ST", f.r.provider_city = "DULUTH",
       f.r.provider_state = "MN", f.r.provider_zip = "55802"));
  BAD("contact phone", "612-555-0188", "phone with dashes", f.r.contact_phone = "612-555-0188");
  BAD("contact fax", "612555", "6-digit fax", f.r.contact_fax = "612555");
  BAD("contact email", "pa.northwind", "email without @", f.r.contact_email = "pa.northwind");
  BAD("provider taxonomy", "2084P0800", "9-character taxonomy",
      f.r.provider_taxonomy = "2084P0800");
  BAD("provider taxonomy", "2084P080-X", "taxonomy with a dash",
      f.r.provider_taxonomy = "2084P080-X");
  BAD("provider role needs the provider taxonomy", NULL, "role without taxonomy",
      f.r.provider_role = "PE");
  BAD("provider role", "ZZ", "role ZZ",
      (f.r.provider_taxonomy = "2084P0800X", f.r.provider_role = "ZZ"));

  /* subscriber and dependent */
  BAD("member ID", NULL, "empty member ID", f.r.member_id = "");
  BAD("member ID", "CVK*300418826", "member ID with *", f.r.member_id = "CVK*300418826");
  BAD("subscriber last name", long61, "61-character last name", f.r.last = long61);
  BAD("subscriber first name", NULL, "no first name", f.r.first = NULL);
  BAD("subscriber gender", "X", "gender X", f.r.gender = "X");
  BAD("subscriber gender needs the date of birth", NULL, "gender without DOB", f.r.dob = NULL);
  BAD("subscriber date of birth", "1988-02-30", "February 30", f.r.dob = "1988-02-30");
  BAD("subscriber date of birth", "19880622", "DOB without dashes", f.r.dob = "19880622");
  BAD("subscriber date of birth is after the start date", "2027-01-01", "DOB after the start",
      f.r.dob = "2027-01-01");
  BAD("dependent last name is missing", NULL, "dependent first name alone",
      f.r.dependent_first = "NOA");
  BAD("dependent first name", NULL, "dependent without first name",
      f.r.dependent_last = "LINDQVIST");
  BAD("dependent date of birth", "2012-13-03", "dependent month 13",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOA",
       f.r.dependent_dob = "2012-13-03"));
  BAD("dependent date of birth is after the start date", "2027-02-01",
      "dependent born after the start",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOA",
       f.r.dependent_dob = "2027-02-01"));
  BAD("dependent gender", "W", "dependent gender W",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOA",
       f.r.dependent_dob = "2012-04-03", f.r.dependent_gender = "W"));
  BAD("dependent relationship", "99", "relationship 99",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOA",
       f.r.dependent_relationship = "99"));
  BAD("dependent member ID", NULL, "1-character dependent member ID",
      (f.r.dependent_last = "LINDQVIST", f.r.dependent_first = "NOA",
       f.r.dependent_member_id = "C"));

  /* the review */
  BAD("request category (UM01)", "XX", "category XX", f.r.request_category = "XX");
  BAD("certification type (UM02)", "X", "certification X", f.r.certification_type = "X");
  BAD("certification type (UM02)", NULL, "certification of 2", f.r.certification_type = "IR");
  BAD("service type (UM03)", "ZZ", "service type ZZ", f.r.service_type = "ZZ");
  BAD("service type (UM03)", NULL, "service type of 3", f.r.service_type = "MHX");
  BAD("place of service (UM04)", "7", "place of 1 digit", f.r.place_of_service = "7");
  BAD("place of service (UM04)", NULL, "place 00", f.r.place_of_service = "00");
  BAD("place of service (UM04)", "1A", "place with a letter", f.r.place_of_service = "1A");
  BAD("level of service (UM06)", "X", "level X", f.r.level_of_service = "X");
  BAD("previous authorization number", NULL, "reference with ^", f.r.previous_auth = "AU^TH");
  BAD("start date", "2026-02-29", "February 29 of a common year", f.r.from = "2026-02-29");
  BAD("start date", "2026-12-7", "short date", f.r.from = "2026-12-7");
  BAD("end date", "2026-11-30", "range ending before it starts", f.r.to = "2026-11-30");
  BAD("end date needs the start date", NULL, "end without start", f.r.from = NULL);
  BAD("diagnosis 2", "F4310X77", "second diagnosis too long",
      (f.r.diagnoses = dx_second_bad, f.r.ndiagnoses = 2));
  BAD("diagnosis 2 repeats diagnosis 1", NULL, "duplicate diagnosis",
      (f.r.diagnoses = dx_dup, f.r.ndiagnoses = 2));
  BAD("at most 12 diagnoses", NULL, "13 diagnoses",
      (f.r.diagnoses = dx_13, f.r.ndiagnoses = 13));
  BAD("diagnoses: count without a list", NULL, "diagnosis count without list",
      (f.r.diagnoses = NULL, f.r.ndiagnoses = 1));

  /* HSD */
  BAD("delivery quantity (HSD02)", "000", "0 visits", f.r.delivery.quantity = "000");
  BAD("delivery quantity (HSD02)", "100000", "100000 visits", f.r.delivery.quantity = "100000");
  BAD("delivery quantity (HSD02)", "2.5", "2.5 visits", f.r.delivery.quantity = "2.5");
  BAD("delivery quantity (HSD02) is missing", NULL, "unit without quantity",
      f.r.delivery.quantity = NULL);
  BAD("delivery unit (HSD03)", NULL, "unit of 1 letter", f.r.delivery.per = "W");
  BAD("delivery unit (HSD03)", "XX", "unit XX", f.r.delivery.per = "XX");
  BAD("delivery quantity qualifier (HSD01)", "ZZ", "qualifier ZZ",
      f.r.delivery.qualifier = "ZZ");
  BAD("delivery period unit (HSD05)", "99", "period unit 99", f.r.delivery.period_unit = "99");
  BAD("given together", NULL, "periods without unit", f.r.delivery.period_unit = NULL);
  BAD("delivery number of periods (HSD06)", "1000", "1000 weeks",
      f.r.delivery.periods = "1000");

  /* attachments, note, providers */
  BAD("attachment 1 type (PWK01)", "ZZ", "attachment type ZZ", f.attachment.type = "ZZ");
  BAD("attachment 1 type (PWK01) is missing", NULL, "attachment without type",
      f.attachment.type = NULL);
  BAD("attachment 1 transmission (PWK02)", "XX", "transmission XX",
      f.attachment.transmission = "XX");
  BAD("attachment 1 transmission (PWK02) is missing", NULL, "no transmission",
      f.attachment.transmission = NULL);
  BAD("attachment 1 control number", NULL, "1-character control", f.attachment.control = "D");
  BAD("attachment 1 description", NULL, "description with :",
      f.attachment.description = "NOTES: 3 PAGES");
  BAD("at most 10 attachments", NULL, "11 attachments",
      (att[0] = f.attachment, f.r.attachments = att, f.r.nattachments = 11));
  BAD("note", NULL, "265-character note", f.r.note = long265);
  BAD("note", NULL, "note with a newline", f.r.note = "LINE ONE\nLINE TWO");
  BAD("service provider 1 NPI", "1930475822", "provider NPI check digit",
      f.provider.npi = "1930475822");
  BAD("service provider 1 entity code", "IL", "provider entity IL",
      f.provider.entity_code = "IL");
  BAD("service provider 1 name is missing", NULL, "provider without a name",
      f.provider.last = NULL);
  BAD("service provider 1 taxonomy", NULL, "provider taxonomy too short",
      f.provider.taxonomy = "2084");
  BAD("at most 12 service providers", NULL, "13 providers",
      (f.r.providers = provs, f.r.nproviders = 13));

  /* service lines */
  BAD("service line 2 procedure", "9636", "procedure 9636", f.lines[1].procedure = "9636");
  BAD("service line 1 procedure is missing", NULL, "no procedure", f.lines[0].procedure = NULL);
  BAD("service line 3 procedure", "j3490", "lower-case HCPCS", f.lines[2].procedure = "j3490");
  BAD("service line 1 procedure modifier 1", "ABC", "modifier ABC",
      f.lines[0].procedure = "96365:ABC");
  BAD("service line 1 procedure has more than 4 modifiers", NULL, "five modifiers",
      f.lines[0].procedure = "96365:59:XU:76:77:25");
  BAD("service line 3 description", NULL, "description with *",
      f.lines[2].description = "KETAMINE*HCL");
  BAD("service line 1 units", "0", "0 units", f.lines[0].units = "0");
  BAD("service line 1 units", "10000", "10000 units", f.lines[0].units = "10000");
  BAD("service line 1 units", "-6", "negative units", f.lines[0].units = "-6");
  BAD("service line 2 charge", "12.345", "charge with 3 decimals",
      f.lines[1].charge = "12.345");
  BAD("service line 2 charge", NULL, "charge 0", f.lines[1].charge = "0.00");
  BAD("service line 2 charge", "$120", "charge with a sign", f.lines[1].charge = "$120");
  BAD("service line 1 revenue code", "260", "3-digit revenue code",
      f.lines[0].revenue_code = "260");
  BAD("service line 1 start date", "2026-12-32", "line day 32", f.lines[0].from = "2026-12-32");
  BAD("service line 1 end date needs its start date", NULL, "line end without start",
      f.lines[0].to = "2026-12-20");
  BAD("service line 1 end date is before its start date", NULL, "line range reversed",
      (f.lines[0].from = "2026-12-20", f.lines[0].to = "2026-12-10"));
  BAD("service line 1 dates are outside the requested period", NULL, "line before the period",
      f.lines[0].from = "2026-12-01");
  BAD("service line 1 dates are outside the requested period", NULL, "line after the period",
      (f.lines[0].from = "2026-12-20", f.lines[0].to = "2027-01-02"));
  BAD("service line 2 delivery unit (HSD03)", "QQ", "line HSD unit QQ",
      (f.lines[1].delivery.quantity = "1", f.lines[1].delivery.per = "QQ"));
  BAD("at most 99 service lines", NULL, "100 lines",
      (f.r.services = lines, f.r.nservices = 100));
  BAD("service lines: count without a list", NULL, "line count without list",
      f.r.services = NULL);

  /* references and envelope */
  BAD("reference (BHT03)", NULL, "reference with ~", f.r.reference = "NWI~1");
  BAD("trace number (TRN02)", NULL, "trace too long", f.r.trace = long61);
  BAD("trace entity (TRN03)", "98765", "trace entity of 5", f.r.trace_entity = "98765");
  BAD("trace entity (TRN03)", NULL, "trace entity with space", f.r.trace_entity = "98765 4321");
  BAD("sender ID", NULL, "sender of 16", f.r.sender_id = "NORTHWINDINFUSIO");
  BAD("sender qualifier (ISA05)", NULL, "qualifier of 3", f.r.sender_qualifier = "ZZZ");
  BAD("receiver qualifier (ISA07)", NULL, "qualifier with *", f.r.receiver_qualifier = "Z*");
  BAD("usage", NULL, "usage X", f.r.usage = 'X');
  BAD("control number", NULL, "control 0", f.r.control = 0);
  BAD("control number", NULL, "control over 9 digits", f.r.control = 1000000000ul);
  BAD("creation date and time must be given together", NULL, "date without time",
      f.r.time = NULL);
  BAD("creation date and time must be given together", NULL, "time without date",
      f.r.date = NULL);
  BAD("creation date", NULL, "creation date with dashes", f.r.date = "2026-11-20");
  BAD("receiver ID", NULL, "receiver of 1", f.r.receiver_id = "C");
  BAD("receiver ID is needed", NULL, "payer ID of 16 without a receiver ID",
      (f.r.receiver_id = NULL, f.r.payer_id = "CEDARVALLEYHP001"));
  BAD("creation time", NULL, "time 2460", f.r.time = "2460");
#undef BAD
#undef RESET

  assert_int_equal(x12kit_278_check(NULL, schema, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "no request"));
  {
    x12kit_278_request empty;
    memset(&empty, 0, sizeof empty);
    assert_int_equal(x12kit_278_check(&empty, NULL, NULL), X12KIT_ERR_ARG);
  }
}

/* ---- the envelope, shared with the 270 builder ---- */

/* The 270 with the envelope, payer, provider and subscriber of |f|. */
static x12kit_270_request inquiry_of(const infusion *f)
{
  x12kit_270_request e;

  memset(&e, 0, sizeof e);
  e.payer_name = f->r.payer_name;
  e.payer_id = f->r.payer_id;
  e.provider_name = f->r.provider_name;
  e.provider_last = f->r.provider_last;
  e.provider_first = f->r.provider_first;
  e.provider_npi = f->r.provider_npi;
  e.member_id = f->r.member_id;
  e.last = f->r.last;
  e.first = f->r.first;
  e.reference = f->r.reference;
  e.trace_entity = f->r.trace_entity;
  e.sender_id = f->r.sender_id;
  e.receiver_id = f->r.receiver_id;
  e.sender_qualifier = f->r.sender_qualifier;
  e.receiver_qualifier = f->r.receiver_qualifier;
  e.usage = f->r.usage;
  e.ack_requested = f->r.ack_requested;
  e.control = f->r.control;
  e.date = f->r.date;
  e.time = f->r.time;
  return e;
}

/* Both builders refuse |f| and the 270 made from it with the same message. */
static void expect_same_refusal(const infusion *f, const x12kit_270_request *e,
                                const char *what)
{
  x12kit_error e278, e270;

  if (x12kit_278_check(&f->r, schema, &e278) != X12KIT_ERR_ARG)
    fail_msg("%s: the 278 is accepted", what);
  if (x12kit_270_check(e, schema, &e270) != X12KIT_ERR_ARG)
    fail_msg("%s: the 270 is accepted", what);
  if (strcmp(e278.text, e270.text) != 0)
    fail_msg("%s: \"%s\" (278) and \"%s\" (270)", what, e278.text, e270.text);
}

static void test_envelope_like_270(void **state)
{
  infusion f;
  x12kit_270_request e;
  x12kit_writer *w;
  x12kit_error err;
  tu_buf b = { NULL, 0 };
  char *x278;
  size_t len;

  (void)state;
  infusion_request(&f);
  e = inquiry_of(&f);
  x278 = build(&f.r, &len);
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_270_write(&e, schema, w, &err), X12KIT_OK);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);

  /* the same ISA; GS and BHT but for the transaction's own codes */
  assert_true(len > 106 && b.len > 106);
  assert_memory_equal(x278, b.p, 106);
  assert_non_null(strstr(x278, "~GS*HI*NORTHWINDINF*CEDARVALLEYHP*20261120*1030*202*X*"
                               "005010X217~ST*278*0001*005010X217~"
                               "BHT*0007*13*NWI278-0001*20261120*1030~"));
  assert_non_null(strstr(b.p, "~GS*HS*NORTHWINDINF*CEDARVALLEYHP*20261120*1030*202*X*"
                              "005010X279A1~ST*270*0001*005010X279A1~"
                              "BHT*0022*13*NWI278-0001*20261120*1030~"));
  assert_non_null(strstr(x278, "~TRN*1*NWI278-0001*9876543210~"));
  assert_non_null(strstr(b.p, "~TRN*1*NWI278-0001*9876543210~"));
  free(x278);
  free(b.p);

  /* the same faults, the same messages */
#define BOTH(what, assign)                                                                    \
  do {                                                                                        \
    x12kit_278_request *r;                                                                    \
    infusion_request(&f);                                                                     \
    r = &f.r;                                                                                 \
    assign;                                                                                   \
    e = inquiry_of(&f);                                                                       \
    expect_same_refusal(&f, &e, (what));                                                      \
  } while (0)

  BOTH("provider organization and person", r->provider_last = "RIVERA");
  BOTH("no provider name", r->provider_name = NULL);
  BOTH("reference with ~", r->reference = "NWI~1");
  BOTH("trace entity of 5", r->trace_entity = "98765");
  BOTH("trace entity with a space", r->trace_entity = "98765 4321");
  BOTH("sender of 16", r->sender_id = "NORTHWINDINFUSIO");
  BOTH("receiver of 1", r->receiver_id = "C");
  BOTH("payer ID of 16 without a receiver ID",
       (r->receiver_id = NULL, r->payer_id = "CEDARVALLEYHP001"));
  BOTH("qualifier of 3", r->sender_qualifier = "ZZZ");
  BOTH("qualifier with *", r->receiver_qualifier = "Z*");
  BOTH("usage X", r->usage = 'X');
  BOTH("control 0", r->control = 0);
  BOTH("date without time", r->time = NULL);
  BOTH("creation date with dashes", r->date = "2026-11-20");
  BOTH("February 30", r->date = "20260230");
  BOTH("time 2460", r->time = "2460");
#undef BOTH
}

/* Codes are checked against the map only when a schema is given. */
static void test_codes_need_schema(void **state)
{
  infusion f;
  x12kit_error err;

  (void)state;
  infusion_request(&f);
  f.r.service_type = "ZZ";
  f.r.request_category = "QQ";
  f.attachment.type = "ZZ";
  f.attachment.transmission = "QQ";
  f.r.dependent_last = "LINDQVIST";
  f.r.dependent_first = "NOA";
  f.r.dependent_relationship = "99";
  assert_int_equal(x12kit_278_check(&f.r, NULL, &err), X12KIT_OK);
  assert_int_equal(x12kit_278_check(&f.r, schema, &err), X12KIT_ERR_ARG);

  /* the form is checked either way */
  f.r.service_type = "M*";
  assert_int_equal(x12kit_278_check(&f.r, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "service type (UM03) must be 1 to 3 letters or digits"));
}

/* A schema without the 278 request map cannot check the codes. */
static void test_schema_without_278(void **state)
{
  static const char *const files[] = {
    "x12kit.xsd", "codes-eligibility.xml", "codes-auth.xml", "codes-ack.xml",
    "codes-clinical.xml", "control.xml", "270.xml", "271.xml", "999.xml",
  };
  const char *src = getenv("X12KIT_SCHEMA_DIR");
  char dir[] = "/tmp/x12kit-auth-XXXXXX", path[512];
  x12kit_schema *s;
  x12kit_error err;
  infusion f;
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
    fail_msg("cannot load the maps without the 278: %s", err.text);
  infusion_request(&f);
  assert_int_equal(x12kit_278_check(&f.r, s, &err), X12KIT_ERR_SCHEMA);
  assert_non_null(strstr(err.text, "278 request"));
  x12kit_schema_free(s);
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    assert_int_equal(unlink(path), 0);
  }
  assert_int_equal(rmdir(dir), 0);
}

/* Every allocation of the writer failing in turn: X12KIT_ERR_NOMEM, no leak. */
static void test_allocation_failure(void **state)
{
  infusion f;
  unsigned fail_at;
  int rc = X12KIT_ERR_NOMEM, failures = 0;

  (void)state;
  infusion_request(&f);
  for (fail_at = 2; fail_at < 200 && rc != X12KIT_OK; fail_at++) {
    tu_alloc a = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&a);
    x12kit_writer *w;
    x12kit_error err;
    tu_buf b = { NULL, 0 };

    assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, &mem), X12KIT_OK);
    rc = x12kit_278_write(&f.r, schema, w, &err);
    if (rc != X12KIT_OK) {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_int_equal(err.code, X12KIT_ERR_NOMEM);
      failures++;
    } else {
      assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
      assert_non_null(strstr(b.p, "~SE*32*0001~"));
    }
    x12kit_writer_free(w);
    assert_int_equal(a.live, 0);
    free(b.p);
  }
  assert_int_equal(rc, X12KIT_OK);
  assert_true(failures > 0);
}

static int fail_write(void *ud, const char *data, size_t len)
{
  (void)ud;
  (void)data;
  (void)len;
  return -1;
}

/* The write callback failing: an I/O error, told as the writer's error. */
static void test_output_failure(void **state)
{
  infusion f;
  x12kit_writer *w;
  x12kit_error err;

  (void)state;
  infusion_request(&f);
  assert_int_equal(x12kit_writer_new(&w, fail_write, NULL, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_278_write(&f.r, schema, w, &err), X12KIT_ERR_IO);
  assert_int_equal(err.code, X12KIT_ERR_IO);
  x12kit_writer_free(w);
  assert_int_equal(x12kit_278_write(&f.r, schema, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "no writer"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_infusion_bytes),
    cmocka_unit_test(test_esketamine_bytes),
    cmocka_unit_test(test_diagnoses),
    cmocka_unit_test(test_icd10_forms),
    cmocka_unit_test(test_dependent),
    cmocka_unit_test(test_attachments_and_note),
    cmocka_unit_test(test_delivery),
    cmocka_unit_test(test_service_lines),
    cmocka_unit_test(test_review_variants),
    cmocka_unit_test(test_check_refuses),
    cmocka_unit_test(test_envelope_like_270),
    cmocka_unit_test(test_codes_need_schema),
    cmocka_unit_test(test_schema_without_278),
    cmocka_unit_test(test_allocation_failure),
    cmocka_unit_test(test_output_failure),
  };

  return cmocka_run_group_tests_name("auth", tests, setup, teardown);
}
