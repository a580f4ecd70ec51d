/*
 * x12kit tests - building a 270 eligibility inquiry: the request of the
 * 270 fixture gives the fixture byte for byte, variants (a dependent,
 * several patients) pass the validator without a finding, and every bad
 * input is refused by x12kit_270_check with a message that names the
 * field (and the patient), not the value.  Also the control-number
 * counter file: numbers taken by concurrent processes never repeat, the
 * wrap after 999999999, corrupt files and unwritable directories.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _DEFAULT_SOURCE /* fork, mkdtemp, setuid */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
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
static char *build(const x12kit_270_request *r, size_t *len)
{
  x12kit_writer *w;
  x12kit_error err;
  tu_buf b = { NULL, 0 };
  int rc;

  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  rc = x12kit_270_write(r, schema, w, &err);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_270_write: %d %s", rc, err.text);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  *len = b.len;
  return b.p;
}

/* The request of fixtures/valid/270-eligibility.x12. */
static const char *const fixture_procs[] = { "96365" };

static x12kit_270_request fixture_request(void)
{
  x12kit_270_request r;

  memset(&r, 0, sizeof r);
  r.payer_name = "CEDAR VALLEY HEALTH PLAN";
  r.payer_id = "CVHP01";
  r.provider_name = "NORTHWIND INFUSION CLINIC";
  r.provider_npi = "1582037465";
  r.member_id = "CVK300418826";
  r.last = "LINDQVIST";
  r.first = "SAM";
  r.dob = "1988-06-22";
  r.gender = "M";
  r.service_date = "2026-12-07";
  r.reference = "NWI270-0001";
  r.trace_entity = "9876543210";
  r.procedures = fixture_procs;
  r.nprocedures = 0;
  r.sender_id = "NORTHWINDINF";
  r.receiver_id = "CEDARVALLEYHP";
  r.usage = 'T';
  r.ack_requested = 1;
  r.control = 201;
  r.date = "20261120";
  r.time = "1015";
  return r;
}

static const char *const stc_30[] = { "30" };

static void test_fixture_bytes(void **state)
{
  x12kit_270_request r = fixture_request();
  size_t want_len, len;
  char *want = tu_read_fixture("valid/270-eligibility.x12", &want_len);
  char *got;

  (void)state;
  while (want_len > 0 && (want[want_len - 1] == '\n' || want[want_len - 1] == '\r'))
    want_len--;
  r.service_types = stc_30;
  r.nservice_types = 1;
  r.nprocedures = 1;
  got = build(&r, &len);
  assert_int_equal(len, want_len);
  assert_memory_equal(got, want, want_len);
  free(got);

  /* "30" is the default service type: the same bytes without it */
  r.service_types = NULL;
  r.nservice_types = 0;
  r.nprocedures = 0;
  got = build(&r, &len);
  assert_non_null(strstr(got, "~EQ*30~SE*"));
  free(got);
  free(want);
}

/* ---- validation of variants ---- */

static void assert_valid(const char *x12, size_t len)
{
  tu_assert_valid(schema, x12, len);
}

static void test_variants_validate(void **state)
{
  static const char *const mods[] = { "96365:59", "96366:XU:59:76:77", "J0013" };
  static const char *const stcs[] = { "30", "MH", "A4", "98" };
  static const char *const cpts[] = { "96365", "96366" };
  x12kit_270_request r = fixture_request();
  size_t len;
  char *x12;

  (void)state;

  /* procedures with modifiers */
  r.procedures = mods;
  r.nprocedures = 3;
  x12 = build(&r, &len);
  assert_non_null(strstr(x12, "~EQ**HC:96365:59~"));
  assert_non_null(strstr(x12, "~EQ**HC:96366:XU:59:76:77~"));
  assert_non_null(strstr(x12, "~EQ**HC:J0013~"));
  assert_valid(x12, len);
  free(x12);

  /* several service types, a date range, a person as provider */
  r.service_types = stcs;
  r.nservice_types = 4;
  r.procedures = cpts;
  r.nprocedures = 2;
  r.service_date_end = "2026-12-31";
  r.provider_name = NULL;
  r.provider_last = "RIVERA";
  r.provider_first = "JORDAN";
  x12 = build(&r, &len);
  assert_non_null(strstr(x12, "~DTP*291*RD8*20261207-20261231~"));
  assert_non_null(strstr(x12, "~NM1*1P*1*RIVERA*JORDAN****XX*1582037465~"));
  assert_non_null(strstr(x12, "~EQ*MH~"));
  assert_non_null(strstr(x12, "~SE*18*0001~"));
  assert_valid(x12, len);
  free(x12);

  /* defaults: envelope IDs, trace from the reference, TRN03 from the NPI,
     no DMG without a birth date, production usage */
  r.sender_id = NULL;
  r.receiver_id = NULL;
  r.trace_entity = NULL;
  r.reference = NULL;
  r.dob = NULL;
  r.gender = NULL;
  r.usage = 0;
  r.service_types = NULL;
  r.nservice_types = 0;
  r.provider_last = NULL;
  r.provider_first = NULL;
  r.provider_name = "NORTHWIND INFUSION CLINIC";
  x12 = build(&r, &len);
  assert_non_null(strstr(x12, "*ZZ*1582037465     *ZZ*CVHP01         *"));
  assert_non_null(strstr(x12, "~BHT*0022*13*X12KIT201*20261120*1015~"));
  assert_non_null(strstr(x12, "~TRN*1*X12KIT201*9158203746~"));
  assert_null(strstr(x12, "DMG"));
  assert_null(strstr(x12, "~EQ*30~"));
  assert_non_null(strstr(x12, "*P*:~"));
  assert_valid(x12, len);
  free(x12);

  /* the creation date and time default to now */
  r.date = NULL;
  r.time = NULL;
  x12 = build(&r, &len);
  assert_valid(x12, len);
  free(x12);
}

/* ---- refused inputs ---- */

typedef struct bad_case {
  const char *what;
  const char *field;   /* the message must contain this */
  const char *value;   /* and never this */
} bad_case;

static void expect_refused(const x12kit_270_request *r, const bad_case *c)
{
  x12kit_error err;
  x12kit_writer *w;
  tu_buf b = { NULL, 0 };

  memset(&err, 0, sizeof err);
  assert_int_equal(x12kit_270_check(r, schema, &err), X12KIT_ERR_ARG);
  assert_int_equal(err.code, X12KIT_ERR_ARG);
  if (strstr(err.text, c->field) == NULL)
    fail_msg("%s: message \"%s\" does not name %s", c->what, err.text, c->field);
  if (c->value && *c->value && strstr(err.text, c->value) != NULL)
    fail_msg("%s: message \"%s\" shows the value", c->what, err.text);
  assert_string_equal(err.value, "");

  /* the writer gets nothing */
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_270_write(r, schema, w, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  assert_int_equal(b.len, 0);
  free(b.p);
}

static void test_check_refuses(void **state)
{
  static const char *const stc_zz[] = { "ZZ" };
  static const char *const stc_bad[] = { "M*" };
  static const char *const p_short[] = { "9636" };
  static const char *const p_badmod[] = { "96365:ABC" };
  static const char *const p_5mods[] = { "96365:59:XU:76:77:25" };
  static const char *const p_lower[] = { "j0013" };
  static const char *const p_empty[] = { "" };
  static const char long61[] =
    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJA";
  x12kit_270_request base = fixture_request(), r;
  x12kit_error err;
  bad_case c;

  (void)state;
  assert_int_equal(x12kit_270_check(&base, schema, &err), X12KIT_OK);
  assert_int_equal(x12kit_270_check(&base, NULL, &err), X12KIT_OK);
  assert_int_equal(strlen(long61), 61);

#define BAD(field_, value_, what_, assign)                                                    \
  do {                                                                                        \
    r = base;                                                                                 \
    assign;                                                                                   \
    c.what = (what_);                                                                         \
    c.field = (field_);                                                                       \
    c.value = (value_);                                                                       \
    expect_refused(&r, &c);                                                                   \
  } while (0)

  BAD("NPI", "1582037466", "bad NPI check digit", r.provider_npi = "1582037466");
  BAD("NPI", "158203746", "9-digit NPI", r.provider_npi = "158203746");
  BAD("NPI", "15820374A5", "NPI with a letter", r.provider_npi = "15820374A5");
  BAD("NPI", NULL, "no NPI", r.provider_npi = NULL);
  BAD("service date", "2026-02-30", "February 30", r.service_date = "2026-02-30");
  BAD("service date", "2026-13-01", "month 13", r.service_date = "2026-13-01");
  BAD("service date", "20261207", "date without dashes", r.service_date = "20261207");
  BAD("date of birth", "0000-01-01", "year 0000", r.dob = "0000-01-01");
  BAD("date of birth", "2027-01-01", "DOB after the service date", r.dob = "2027-01-01");
  BAD("date of birth", "2025-02-29", "February 29 of a common year", r.dob = "2025-02-29");
  BAD("service end date", "2026-12-01", "range ending before it starts",
      r.service_date_end = "2026-12-01");
  BAD("member ID", NULL, "empty member ID", r.member_id = "");
  BAD("member ID", NULL, "no member ID", r.member_id = NULL);
  BAD("member ID", "CVK*300418826", "member ID with *", r.member_id = "CVK*300418826");
  BAD("member ID", NULL, "1-character member ID", r.member_id = "C");
  BAD("last name", long61, "61-character last name", r.last = long61);
  BAD("first name", NULL, "empty first name", r.first = "");
  BAD("payer ID", NULL, "1-character payer ID", r.payer_id = "C");
  BAD("gender", "X", "gender X", r.gender = "X");
  BAD("service type 1", "ZZ", "service type ZZ",
      (r.service_types = stc_zz, r.nservice_types = 1));
  BAD("service type 1", NULL, "service type with *",
      (r.service_types = stc_bad, r.nservice_types = 1));
  BAD("procedure 1", "9636", "procedure 9636",
      (r.procedures = p_short, r.nprocedures = 1));
  BAD("procedure 1 modifier 1", "ABC", "modifier ABC",
      (r.procedures = p_badmod, r.nprocedures = 1));
  BAD("procedure 1", NULL, "five modifiers",
      (r.procedures = p_5mods, r.nprocedures = 1));
  BAD("procedure 1", "j0013", "lower-case HCPCS",
      (r.procedures = p_lower, r.nprocedures = 1));
  BAD("procedure 1 is missing", NULL, "empty procedure",
      (r.procedures = p_empty, r.nprocedures = 1));
  BAD("control number", NULL, "control 0", r.control = 0);
  BAD("control number", NULL, "control over 9 digits", r.control = 1000000000ul);
  BAD("usage", NULL, "usage X", r.usage = 'X');
  BAD("creation date and time must be given together", NULL, "date without time",
      r.time = NULL);
  BAD("creation date and time must be given together", NULL, "time without date",
      r.date = NULL);
  BAD("creation date", "2026-11-20", "creation date with dashes", r.date = "2026-11-20");
  BAD("creation time", "2460", "time 2460", r.time = "2460");
  BAD("reference (BHT03)", NULL, "reference with ~", r.reference = "NWI~1");
  BAD("trace entity (TRN03)", "98765", "trace entity of 5", r.trace_entity = "98765");
  BAD("trace entity (TRN03) must be letters and digits", NULL, "trace entity with a space",
      r.trace_entity = "98765 4321");
  BAD("sender ID", NULL, "sender of 16", r.sender_id = "NORTHWINDINFUSIO");
  BAD("receiver ID", NULL, "receiver of 1", r.receiver_id = "C");
  BAD("receiver ID is needed", NULL, "payer ID of 16 without a receiver ID",
      (r.receiver_id = NULL, r.payer_id = "CEDARVALLEYHP001"));
  BAD("sender qualifier (ISA05)", NULL, "qualifier of 3", r.sender_qualifier = "ZZZ");
  BAD("receiver qualifier (ISA07)", NULL, "qualifier with *", r.receiver_qualifier = "Z*");
  BAD("provider", NULL, "both organization and person",
      r.provider_last = "RIVERA");
#undef BAD

  /* without a schema, ZZ is only checked for its form */
  r = base;
  r.service_types = stc_zz;
  r.nservice_types = 1;
  assert_int_equal(x12kit_270_check(&r, NULL, &err), X12KIT_OK);
  assert_int_equal(x12kit_270_check(NULL, NULL, &err), X12KIT_ERR_ARG);
}

/* ---- a dependent ---- */

/* The HL loops and everything after them up to SE, for exact comparison. */
static const char *body(const char *x12)
{
  const char *p = strstr(x12, "~HL*3*2*22*");

  assert_non_null(p);
  return p + 1;
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

static void test_dependent(void **state)
{
  x12kit_270_request r = fixture_request();
  size_t len;
  char *x12;

  (void)state;
  r.nprocedures = 1;
  r.dependent.last = "LINDQVIST";
  r.dependent.first = "NOOR";
  r.dependent.dob = "2012-09-15";
  r.dependent.gender = "F";
  r.dependent.relationship = "19";
  x12 = build(&r, &len);
  /* 2000C: HL04 1, no TRN, no DTP, no EQ; 2000D: TRN, NM1*03, DMG, INS, DTP, EQs */
  assert_string_equal(body(x12),
                      "HL*3*2*22*1~"
                      "NM1*IL*1*LINDQVIST*SAM****MI*CVK300418826~"
                      "DMG*D8*19880622*M~"
                      "HL*4*3*23*0~"
                      "TRN*1*NWI270-0001*9876543210~"
                      "NM1*03*1*LINDQVIST*NOOR~"
                      "DMG*D8*20120915*F~"
                      "INS*N*19~"
                      "DTP*291*D8*20261207~"
                      "EQ**HC:96365~"
                      "SE*17*0001~GE*1*201~IEA*1*000000201~");
  assert_valid(x12, len);
  free(x12);

  /* the least a dependent needs: names; no DMG, no INS; a range */
  r.dependent.dob = NULL;
  r.dependent.gender = NULL;
  r.dependent.relationship = NULL;
  r.dob = NULL;
  r.gender = NULL;
  r.service_date_end = "2026-12-31";
  x12 = build(&r, &len);
  assert_string_equal(body(x12),
                      "HL*3*2*22*1~"
                      "NM1*IL*1*LINDQVIST*SAM****MI*CVK300418826~"
                      "HL*4*3*23*0~"
                      "TRN*1*NWI270-0001*9876543210~"
                      "NM1*03*1*LINDQVIST*NOOR~"
                      "DTP*291*RD8*20261207-20261231~"
                      "EQ**HC:96365~"
                      "SE*14*0001~GE*1*201~IEA*1*000000201~");
  assert_valid(x12, len);
  free(x12);

  /* a spouse, the default inquiry "30" and a procedure, a trace number */
  r.dependent.dob = "1987-03-04";
  r.dependent.relationship = "01";
  r.service_types = stc_30;
  r.nservice_types = 1;
  r.trace = "TRACE-7";
  x12 = build(&r, &len);
  assert_non_null(strstr(x12, "~HL*4*3*23*0~TRN*1*TRACE-7*9876543210~"));
  assert_non_null(strstr(x12, "~DMG*D8*19870304~INS*N*01~DTP*291*RD8*20261207-20261231~"
                              "EQ*30~EQ**HC:96365~SE*"));
  assert_int_equal(count(x12, "~TRN*"), 1);
  assert_valid(x12, len);
  free(x12);
}

/* ---- several patients ---- */

static const char *const stc_mh[] = { "MH", "A4" };
static const char *const proc_esk[] = { "G2082" };

/*
 * Three patients: a subscriber with his own inquiries, the child of a
 * subscriber on the request's date and inquiries, and a subscriber with
 * his own date range and trace number.
 */
static void three_patients(x12kit_270_request *r, x12kit_270_patient p[3])
{
  *r = fixture_request();
  r->member_id = NULL;
  r->last = NULL;
  r->first = NULL;
  r->dob = NULL;
  r->gender = NULL;
  r->procedures = fixture_procs;
  r->nprocedures = 1;
  memset(p, 0, 3 * sizeof p[0]);
  p[0].member_id = "CVK300418826";
  p[0].last = "LINDQVIST";
  p[0].first = "SAM";
  p[0].dob = "1988-06-22";
  p[0].gender = "M";
  p[0].service_types = stc_mh;
  p[0].nservice_types = 2;
  p[1].member_id = "CVK300418842";
  p[1].last = "MORENO";
  p[1].first = "DANA";
  p[1].dependent.last = "MORENO";
  p[1].dependent.first = "RIO";
  p[1].dependent.dob = "2008-05-11";
  p[1].dependent.gender = "M";
  p[1].dependent.relationship = "19";
  p[2].member_id = "CVK300419001";
  p[2].last = "OKAFOR";
  p[2].first = "ADA";
  p[2].service_date = "2026-12-01";
  p[2].service_date_end = "2026-12-31";
  p[2].procedures = proc_esk;
  p[2].nprocedures = 1;
  p[2].trace = "OKAFOR-1";
  r->patients = p;
  r->npatients = 3;
}

static void test_patients(void **state)
{
  x12kit_270_patient p[3];
  x12kit_270_request r;
  size_t len;
  char *x12;

  (void)state;
  three_patients(&r, p);
  x12 = build(&r, &len);
  assert_string_equal(body(x12),
                      /* patient 1: the subscriber, his own inquiries, the request's date */
                      "HL*3*2*22*0~"
                      "TRN*1*NWI270-0001-1*9876543210~"
                      "NM1*IL*1*LINDQVIST*SAM****MI*CVK300418826~"
                      "DMG*D8*19880622*M~"
                      "DTP*291*D8*20261207~"
                      "EQ*MH~"
                      "EQ*A4~"
                      /* patient 2: a dependent, the request's date and procedure */
                      "HL*4*2*22*1~"
                      "NM1*IL*1*MORENO*DANA****MI*CVK300418842~"
                      "HL*5*4*23*0~"
                      "TRN*1*NWI270-0001-2*9876543210~"
                      "NM1*03*1*MORENO*RIO~"
                      "DMG*D8*20080511*M~"
                      "INS*N*19~"
                      "DTP*291*D8*20261207~"
                      "EQ**HC:96365~"
                      /* patient 3: his own range, procedure and trace */
                      "HL*6*2*22*0~"
                      "TRN*1*OKAFOR-1*9876543210~"
                      "NM1*IL*1*OKAFOR*ADA****MI*CVK300419001~"
                      "DTP*291*RD8*20261201-20261231~"
                      "EQ**HC:G2082~"
                      "SE*28*0001~GE*1*201~IEA*1*000000201~");
  assert_valid(x12, len);
  free(x12);

  /* one patient in the array is the same 270 as the request's own fields */
  {
    x12kit_270_request one = fixture_request();
    x12kit_270_patient q;
    char *a, *b;
    size_t la, lb;

    one.nprocedures = 1;
    one.dependent = p[1].dependent;
    a = build(&one, &la);
    memset(&q, 0, sizeof q);
    q.member_id = one.member_id;
    q.last = one.last;
    q.first = one.first;
    q.dob = one.dob;
    q.gender = one.gender;
    q.dependent = one.dependent;
    q.trace = "NWI270-0001";
    one.member_id = one.last = one.first = one.dob = one.gender = NULL;
    memset(&one.dependent, 0, sizeof one.dependent);
    one.patients = &q;
    one.npatients = 1;
    b = build(&one, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_valid(b, lb);
    free(a);
    free(b);
  }
}

/* The most patients, every other one a dependent: HL numbers and parents up to 200. */
static void test_patients_max(void **state)
{
  static x12kit_270_patient p[X12KIT_270_MAX_PATIENTS];
  x12kit_270_request r = fixture_request();
  char want[64];
  size_t i, len;
  char *x12;

  (void)state;
  r.member_id = r.last = r.first = r.dob = r.gender = NULL;
  r.reference = NULL;
  for (i = 0; i < X12KIT_270_MAX_PATIENTS; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].member_id = "CVK300418826";
    p[i].last = "LINDQVIST";
    p[i].first = "SAM";
    if (i % 2) {
      p[i].dependent.last = "LINDQVIST";
      p[i].dependent.first = "NOOR";
    }
  }
  r.patients = p;
  r.npatients = X12KIT_270_MAX_PATIENTS;
  x12 = build(&r, &len);
  assert_int_equal(count(x12, "~TRN*"), X12KIT_270_MAX_PATIENTS);
  assert_int_equal(count(x12, "*22*0~"), 50);
  assert_int_equal(count(x12, "*22*1~"), 49);
  assert_int_equal(count(x12, "*23*0~"), 49);
  /* the last patient (99, a subscriber) after 49 dependents: HL 3 + 98 + 49 */
  assert_non_null(strstr(x12, "~HL*150*2*22*0~TRN*1*X12KIT201-99*9876543210~"));
  /* patient 98, a dependent after 48 others: HL 148, his dependent's 149 under it */
  assert_non_null(strstr(x12, "~HL*148*2*22*1~NM1*IL*"));
  assert_non_null(strstr(x12, "~HL*149*148*23*0~TRN*1*X12KIT201-98*9876543210~"));
  snprintf(want, sizeof want, "~TRN*1*X12KIT201-%d*", X12KIT_270_MAX_PATIENTS + 1);
  assert_null(strstr(x12, want));
  assert_valid(x12, len);
  free(x12);
}

/* Refused with a message that is exactly |text| (it names the patient and the field). */
static void expect_message(const x12kit_270_request *r, const char *text, const char *value)
{
  bad_case c;
  x12kit_error err;

  c.what = text;
  c.field = text;
  c.value = value;
  expect_refused(r, &c);
  assert_int_equal(x12kit_270_check(r, schema, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, text);
}

static void test_patients_refused(void **state)
{
  static const char *const stc_zz[] = { "ZZ" };
  static const char *const p_bad[] = { "9636" };
  static const char long50[] = "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ";
  x12kit_270_patient p[3], many[X12KIT_270_MAX_PATIENTS + 1];
  x12kit_270_request r;
  x12kit_error err;
  size_t i;

  (void)state;
  three_patients(&r, p);
  assert_int_equal(x12kit_270_check(&r, schema, &err), X12KIT_OK);

  p[1].member_id = NULL;
  expect_message(&r, "patient 2: member ID is missing", NULL);
  three_patients(&r, p);
  p[2].member_id = "CVK*300419001";
  expect_message(&r, "patient 3: member ID contains a delimiter character (* ^ : ~) at "
                 "position 4", "CVK");
  three_patients(&r, p);
  p[1].dependent.first = NULL;
  expect_message(&r, "patient 2: dependent first name is missing", NULL);
  three_patients(&r, p);
  p[1].dependent.gender = "X";
  expect_message(&r, "patient 2: dependent gender must be F, M or U", NULL);
  three_patients(&r, p);
  p[1].dependent.dob = "2027-01-01";
  expect_message(&r, "patient 2: dependent date of birth is after the service date",
                 "2027");
  three_patients(&r, p);
  p[1].dependent.relationship = "18";
  expect_message(&r, "patient 2: dependent relationship must be 01 (spouse), 19 (child) or "
                 "34 (other adult)", NULL);
  three_patients(&r, p);
  p[0].dob = "2026-12-08"; /* after the request's service date, which patient 1 inherits */
  expect_message(&r, "patient 1: date of birth is after the service date", "2026-12-08");
  three_patients(&r, p);
  p[2].service_date = "2026-02-30";
  expect_message(&r, "patient 3: service date is not a real date: that month has no such "
                 "day", "2026-02-30");
  three_patients(&r, p);
  p[2].service_date = NULL;
  expect_message(&r, "patient 3: service end date needs the service date", NULL);
  three_patients(&r, p);
  p[2].procedures = p_bad;
  expect_message(&r, "patient 3: procedure 1 must be a CPT code (5 digits) or a HCPCS code (a "
                 "capital letter and 4 digits)", "9636");
  three_patients(&r, p);
  p[0].service_types = stc_zz;
  p[0].nservice_types = 1;
  expect_message(&r, "patient 1: service type 1 is not a code of list 1365 (Service Type "
                 "Code)", NULL);
  three_patients(&r, p);
  p[0].trace = "OKAFOR-1";
  expect_message(&r, "patient 3: trace number (TRN02) is the same as patient 1's: each "
                 "patient needs his own", "OKAFOR");
  three_patients(&r, p);
  p[2].trace = "NWI270-0001-2"; /* patient 2's made-up trace number */
  expect_message(&r, "patient 3: trace number (TRN02) is the same as patient 2's: each "
                 "patient needs his own", "NWI270");
  three_patients(&r, p);
  r.reference = long50;
  expect_message(&r, "patient 1: trace number (TRN02) is needed: the reference (BHT03) is "
                 "too long to make one from it", "ABCDEFGHIJ");

  /* the request's defaults are checked once, and not blamed on a patient */
  three_patients(&r, p);
  r.procedures = p_bad;
  expect_message(&r, "procedure 1 must be a CPT code (5 digits) or a HCPCS code (a capital "
                 "letter and 4 digits)", "9636");
  three_patients(&r, p);
  r.service_date = "2026-13-01";
  expect_message(&r, "service date is not a real date: the month is not 01 to 12",
                 "2026-13-01");

  /* the envelope is checked before the patients, whose trace numbers it makes */
  three_patients(&r, p);
  p[1].member_id = NULL;
  r.sender_id = "NORTHWINDINFUSIO";
  expect_message(&r, "sender ID must be 2 to 15 characters long, not 16", NULL);
  three_patients(&r, p);
  p[1].member_id = NULL;
  r.reference = "NWI270*0001";
  expect_message(&r, "reference (BHT03) contains a delimiter character (* ^ : ~) at position 7",
                 "NWI270");

  /* the request's own patient fields and patients do not mix */
  three_patients(&r, p);
  r.member_id = "CVK300418826";
  expect_message(&r, "member ID is given for the request and patients are given too: give it "
                 "in each patient", "CVK");
  three_patients(&r, p);
  r.dependent.last = "MORENO";
  expect_message(&r, "dependent last name is given for the request and patients are given "
                 "too: give it in each patient", "MORENO");
  three_patients(&r, p);
  r.trace = "T1";
  expect_message(&r, "trace number (TRN02) is given for the request and patients are given "
                 "too: give it in each patient", NULL);

  /* the one patient of a request: a dependent's messages have no patient number */
  r = fixture_request();
  r.dependent.last = "LINDQVIST";
  expect_message(&r, "dependent first name is missing", NULL);
  r.dependent.first = "NOOR";
  r.dependent.gender = "F";
  expect_message(&r, "dependent gender needs the date of birth", NULL);
  r.dependent.gender = NULL;
  r.dependent.relationship = "19";
  assert_int_equal(x12kit_270_check(&r, schema, &err), X12KIT_OK);
  r.dependent.last = NULL;
  expect_message(&r, "dependent last name is missing", NULL);

  /* counts */
  three_patients(&r, p);
  r.patients = NULL;
  expect_message(&r, "patients: count without a list", NULL);
  three_patients(&r, p);
  for (i = 0; i < X12KIT_270_MAX_PATIENTS + 1; i++)
    many[i] = p[0];
  r.patients = many;
  r.npatients = X12KIT_270_MAX_PATIENTS + 1;
  expect_message(&r, "at most 99 patients in one inquiry", NULL);
}

/* ---- the control-number counter ---- */

static char counter_dir[256];
static char counter_path[300];

static void counter_setup(void)
{
  const char *tmp = getenv("TMPDIR");

  snprintf(counter_dir, sizeof counter_dir, "%s/x12kit-counter-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(counter_dir));
  snprintf(counter_path, sizeof counter_path, "%s/control", counter_dir);
}

/* Removes the files of the scratch directory, then the directory. */
static void counter_cleanup(void)
{
  char path[600];
  struct dirent *e;
  DIR *d;

  assert_int_equal(chmod(counter_dir, 0700), 0);
  d = opendir(counter_dir);
  assert_non_null(d);
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", counter_dir, e->d_name);
    assert_int_equal(unlink(path), 0);
  }
  closedir(d);
  assert_int_equal(rmdir(counter_dir), 0);
}

static void put_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");

  assert_non_null(fp);
  assert_int_equal(fputs(text, fp) >= 0, 1);
  assert_int_equal(fclose(fp), 0);
}

/* The content of the counter file (static buffer; "" when missing). */
static const char *counter_text(void)
{
  static char text[64];
  size_t n = 0;
  FILE *fp = fopen(counter_path, "r");

  if (fp) {
    n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
  }
  text[n] = '\0';
  return text;
}

/* Files in the scratch directory: the counter and its lock, nothing left over. */
static size_t counter_files(void)
{
  struct dirent *e;
  size_t n = 0;
  DIR *d = opendir(counter_dir);

  assert_non_null(d);
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static void test_counter_sequence(void **state)
{
  unsigned long n = 0;
  x12kit_error err;
  char lock[320];
  struct stat st;

  (void)state;
  counter_setup();
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 1);
  assert_string_equal(counter_text(), "1\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 2);
  assert_int_equal(x12kit_counter_next(counter_path, &n, NULL), X12KIT_OK);
  assert_int_equal(n, 3);
  assert_string_equal(counter_text(), "3\n");
  snprintf(lock, sizeof lock, "%s.lock", counter_path);
  assert_int_equal(stat(lock, &st), 0);
  assert_int_equal(counter_files(), 2);

  /* the mode of an existing counter file is kept */
  assert_int_equal(chmod(counter_path, 0600), 0);
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(stat(counter_path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);

  /* 0 means none used yet; a number without a newline is read too */
  put_file(counter_path, "0\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 1);
  put_file(counter_path, "41");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 42);
  put_file(counter_path, "000000099\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 100);
  assert_string_equal(counter_text(), "100\n");

  /* a bare file name is taken in the current directory */
  {
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(counter_dir), 0);
    assert_int_equal(x12kit_counter_next("control", &n, &err), X12KIT_OK);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(n, 101);
  }

  assert_int_equal(x12kit_counter_next(NULL, &n, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_counter_next("", &n, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_counter_next(counter_path, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(n, 101);
  counter_cleanup();
}

static void test_counter_wrap(void **state)
{
  unsigned long n = 0;
  x12kit_error err;

  (void)state;
  counter_setup();
  put_file(counter_path, "999999998\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 999999999);
  assert_string_equal(counter_text(), "999999999\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 1);
  assert_string_equal(counter_text(), "1\n");
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_OK);
  assert_int_equal(n, 2);
  counter_cleanup();
}

static void test_counter_corrupt(void **state)
{
  static const char *const corrupt[] = {
    "", "\n", "abc\n", "12x\n", "1234567890\n", "-1\n", " 5\n", "5\n\n", "5 \n", "+5\n",
    "4294967297\n", "12\r\n",
  };
  unsigned long n;
  x12kit_error err;
  size_t i;

  (void)state;
  counter_setup();
  for (i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
    put_file(counter_path, corrupt[i]);
    n = 77;
    memset(&err, 0, sizeof err);
    if (x12kit_counter_next(counter_path, &n, &err) != X12KIT_ERR_DATA)
      fail_msg("counter file %zu was not refused", i);
    assert_int_equal(err.code, X12KIT_ERR_DATA);
    assert_non_null(strstr(err.text, "does not hold one number"));
    assert_null(strstr(err.text, counter_dir));
    assert_int_equal(n, 77);
    assert_string_equal(counter_text(), corrupt[i]); /* left as it was */
  }
  assert_int_equal(counter_files(), 2); /* no temporary file left */

  /* not a regular file, or a symbolic link */
  assert_int_equal(unlink(counter_path), 0);
  assert_int_equal(mkdir(counter_path, 0700), 0);
  assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "not a regular file"));
  assert_int_equal(rmdir(counter_path), 0);
  {
    char target[320];
    snprintf(target, sizeof target, "%s/target", counter_dir);
    put_file(target, "5\n");
    assert_int_equal(symlink(target, counter_path), 0);
    assert_int_equal(x12kit_counter_next(counter_path, &n, &err), X12KIT_ERR_IO);
    assert_non_null(strstr(err.text, "symbolic link"));
    assert_int_equal(n, 77);
  }
  counter_cleanup();
}

/*
 * Runs x12kit_counter_next in a child process that cannot write to the
 * scratch directory (mode 0555; the child drops root to "nobody", since
 * root writes anyway).  Returns its status, and its message in |text|.
 */
static int counter_unwritable(char *text, size_t size)
{
  int pfd[2], status;
  ssize_t got;
  pid_t pid;

  assert_int_equal(chmod(counter_dir, 0555), 0);
  assert_int_equal(pipe(pfd), 0);
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    x12kit_error err;
    unsigned long n = 0;
    int rc;

    close(pfd[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(100);
    if (access(counter_dir, R_OK | X_OK) != 0) /* a parent directory closed to "nobody" */
      _exit(100);
    memset(&err, 0, sizeof err);
    rc = x12kit_counter_next(counter_path, &n, &err);
    if (write(pfd[1], err.text, strlen(err.text)) < 0)
      _exit(101);
    _exit(rc == X12KIT_ERR_IO && n == 0 ? 0 : 1);
  }
  close(pfd[1]);
  got = read(pfd[0], text, size - 1);
  text[got > 0 ? got : 0] = '\0';
  close(pfd[0]);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_int_equal(chmod(counter_dir, 0700), 0);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void test_counter_unwritable(void **state)
{
  char text[X12KIT_ERROR_TEXT_SIZE], lock[320];
  int status;

  (void)state;
  counter_setup();
  /* nothing there yet: the lock file cannot be made */
  status = counter_unwritable(text, sizeof text);
  if (status == 100) {
    counter_cleanup();
    skip(); /* root that cannot become a user who can reach the directory */
  }
  assert_int_equal(status, 0);
  assert_non_null(strstr(text, "cannot create or open the counter's lock file: "));
  assert_int_equal(counter_files(), 0);

  /* counter and lock there: the new number cannot be written beside it */
  put_file(counter_path, "41\n");
  snprintf(lock, sizeof lock, "%s.lock", counter_path);
  put_file(lock, "");
  assert_int_equal(chmod(lock, 0644), 0);
  assert_int_equal(chmod(counter_path, 0644), 0);
  assert_int_equal(counter_unwritable(text, sizeof text), 0);
  assert_non_null(strstr(text, "cannot create a temporary file beside the counter file: "));
  assert_string_equal(counter_text(), "41\n");
  assert_int_equal(counter_files(), 2);
  counter_cleanup();
}

#define RACERS 3
#define PER_RACER 200

static int cmp_ulong(const void *a, const void *b)
{
  unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

  return x < y ? -1 : x > y;
}

/* Processes taking numbers at the same time get every number once. */
static void test_counter_concurrent(void **state)
{
  unsigned long got[RACERS * PER_RACER];
  int pfd[RACERS][2], go[2], status;
  pid_t pid[RACERS];
  size_t i, k, have;

  (void)state;
  counter_setup();
  assert_int_equal(pipe(go), 0); /* the racers start together when it is closed */
  for (i = 0; i < RACERS; i++) {
    assert_int_equal(pipe(pfd[i]), 0);
    pid[i] = fork();
    assert_true(pid[i] >= 0);
    if (pid[i] == 0) {
      unsigned long mine[PER_RACER];
      x12kit_error err;

      char c;

      close(pfd[i][0]);
      close(go[1]);
      if (read(go[0], &c, 1) != 0)
        _exit(1);
      for (k = 0; k < PER_RACER; k++)
        if (x12kit_counter_next(counter_path, &mine[k], &err) != X12KIT_OK ||
            (k > 0 && mine[k] <= mine[k - 1]))
          _exit(1);
      _exit(write(pfd[i][1], mine, sizeof mine) == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(pfd[i][1]);
  }
  close(go[0]);
  close(go[1]);
  for (i = 0; i < RACERS; i++) {
    for (have = 0; have < sizeof got / RACERS;) {
      ssize_t n = read(pfd[i][0], (char *)&got[i * PER_RACER] + have,
                       sizeof got / RACERS - have);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      have += (size_t)n;
    }
    close(pfd[i][0]);
    assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(have, sizeof got / RACERS);
  }
  qsort(got, RACERS * PER_RACER, sizeof got[0], cmp_ulong);
  for (i = 0; i < RACERS * PER_RACER; i++)
    assert_int_equal(got[i], i + 1); /* no number twice, none skipped */
  assert_int_equal(counter_files(), 2);
  counter_cleanup();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fixture_bytes),
    cmocka_unit_test(test_variants_validate),
    cmocka_unit_test(test_check_refuses),
    cmocka_unit_test(test_dependent),
    cmocka_unit_test(test_patients),
    cmocka_unit_test(test_patients_max),
    cmocka_unit_test(test_patients_refused),
    cmocka_unit_test(test_counter_sequence),
    cmocka_unit_test(test_counter_wrap),
    cmocka_unit_test(test_counter_corrupt),
    cmocka_unit_test(test_counter_unwritable),
    cmocka_unit_test(test_counter_concurrent),
  };

  return cmocka_run_group_tests_name("eligibility", tests, setup, teardown);
}
