/*
 * x12kit tests - building a 270 eligibility inquiry: the request of the
 * 270 fixture gives the fixture byte for byte, variants pass the
 * validator without a finding, and every bad input is refused by
 * x12kit_270_check with a message that names the field, not the value.
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

typedef struct buf {
  char *p;
  size_t len;
} buf;

static int to_buf(void *ud, const char *data, size_t len)
{
  buf *b = ud;
  char *q = realloc(b->p, b->len + len + 1);

  if (q == NULL)
    return -1;
  memcpy(q + b->len, data, len);
  b->p = q;
  b->len += len;
  b->p[b->len] = '\0';
  return 0;
}

/* Builds |r| into a malloc'd string; fails the test on an error. */
static char *build(const x12kit_270_request *r, size_t *len)
{
  x12kit_writer *w;
  x12kit_error err;
  buf b = { NULL, 0 };
  int rc;

  assert_int_equal(x12kit_writer_new(&w, to_buf, &b, NULL, NULL), X12KIT_OK);
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

static int count_finding(void *ud, const x12kit_error *e)
{
  unsigned long *n = ud;

  fprintf(stderr, "# finding: %s %u: %s\n", e->segment_id, e->element, e->text);
  (*n)++;
  return 0;
}

static void assert_valid(const char *x12, size_t len)
{
  x12kit_lexer *lx;
  x12kit_validator *v;
  const x12kit_segment *seg;
  unsigned long findings = 0;
  int rc;

  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_validator_new(&v, schema, NULL), X12KIT_OK);
  x12kit_validator_set_callbacks(v, NULL, count_finding, NULL, &findings);
  assert_int_equal(x12kit_lexer_feed(lx, x12, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
    assert_int_equal(x12kit_validator_segment(v, seg), X12KIT_OK);
  assert_int_equal(rc, X12KIT_END);
  assert_int_equal(x12kit_validator_finish(v), X12KIT_OK);
  assert_int_equal(findings, 0);
  assert_int_equal(x12kit_validator_error_count(v), 0);
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
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
  buf b = { NULL, 0 };

  memset(&err, 0, sizeof err);
  assert_int_equal(x12kit_270_check(r, schema, &err), X12KIT_ERR_ARG);
  assert_int_equal(err.code, X12KIT_ERR_ARG);
  if (strstr(err.text, c->field) == NULL)
    fail_msg("%s: message \"%s\" does not name %s", c->what, err.text, c->field);
  if (c->value && *c->value && strstr(err.text, c->value) != NULL)
    fail_msg("%s: message \"%s\" shows the value", c->what, err.text);
  assert_string_equal(err.value, "");

  /* the writer gets nothing */
  assert_int_equal(x12kit_writer_new(&w, to_buf, &b, NULL, NULL), X12KIT_OK);
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
  BAD("control number", NULL, "control 0", r.control = 0);
  BAD("usage", NULL, "usage X", r.usage = 'X');
  BAD("creation date", NULL, "date without time", r.time = NULL);
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

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fixture_bytes),
    cmocka_unit_test(test_variants_validate),
    cmocka_unit_test(test_check_refuses),
  };

  return cmocka_run_group_tests_name("eligibility", tests, setup, teardown);
}
