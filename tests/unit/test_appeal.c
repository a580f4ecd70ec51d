/* x12kit - unit tests: follow-ups of a 278 decision (appeal.h) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <x12kit/x12kit.h>
#include "testutil.h"

/* The decision of fixture |name| (under auth-responses/); the caller frees it. */
static x12kit_278_response *decision(const char *name)
{
  char rel[128];
  x12kit_278_response *r = NULL;
  x12kit_error err;
  size_t len;
  char *buf;

  snprintf(rel, sizeof rel, "auth-responses/%s", name);
  buf = tu_read_fixture(rel, &len);
  if (x12kit_278_response_read(&r, tu_schema, buf, len, NULL, &err) != X12KIT_OK)
    fail_msg("%s: %s", name, err.text);
  free(buf);
  return r;
}

/*
 * Builds |f| from fixture |name|; on success returns the interchange
 * (validated) with segments one a line, else NULL with *rc set.
 */
static char *follow(const char *name, x12kit_278_followup *f, int *rc, x12kit_error *err)
{
  x12kit_278_response *r = decision(name);
  x12kit_writer *w;
  tu_buf b = { NULL, 0 };
  size_t i;

  if (f->control == 0)
    f->control = 104;
  if (f->date == NULL) {
    f->date = "20261220";
    f->time = "0900";
  }
  assert_int_equal(x12kit_writer_new(&w, tu_to_buf, &b, NULL, NULL), X12KIT_OK);
  *rc = x12kit_278_followup_write(x12kit_278_response_review_at(r, 0), f, tu_schema, w, err);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  x12kit_writer_free(w);
  x12kit_278_response_free(r);
  if (*rc != X12KIT_OK) {
    assert_int_equal(b.len, 0); /* a refusal writes nothing */
    free(b.p);
    return NULL;
  }
  tu_assert_valid(tu_schema, b.p, b.len);
  for (i = 0; i < b.len; i++)
    if (b.p[i] == '~')
      b.p[i] = '\n';
  return b.p;
}

/* The segments of |x| from the first one starting with |from| (2000E's HL) to the SE. */
static const char *from_seg(const char *x, const char *from)
{
  const char *p = strstr(x, from);

  assert_non_null(p);
  return p;
}

static void test_appeal_a3(void **state)
{
  static const x12kit_278_attachment lmn = { "03", "FX", "LMN0001",
                                             "LETTER OF MEDICAL NECESSITY" };
  x12kit_278_followup f = { 0 };
  x12kit_error err;
  char *x;
  int rc;

  (void)state;
  f.kind = X12KIT_FOLLOWUP_APPEAL;
  f.attachments = &lmn;
  f.nattachments = 1;
  f.note = "FAILED SERTRALINE, BUPROPION AND 12 WEEKS OF CBT";
  x = follow("a3-not-certified.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  assert_string_equal(from_seg(x, "HL*4*"),
                      "HL*4*3*EV*1\n"
                      "TRN*1*X12KIT104*9172839405\n"
                      "UM*HS*2*MH*11:B\n"
                      "REF*NT*HVR-558144\n"
                      "DTP*AAH*RD8*20270104-20270129\n"
                      "PWK*03*FX***AC*LMN0001*LETTER OF MEDICAL NECESSITY\n"
                      "MSG*FAILED SERTRALINE, BUPROPION AND 12 WEEKS OF CBT\n"
                      "NM1*SJ*1*VASQUEZ-OLIN*TOMAS****XX*1635482908\n"
                      "PRV*PE*PXC*2084P0800X\n"
                      "HL*5*4*SS*0\n"
                      "UM*HS*2*MH*11:B\n"
                      "DTP*472*RD8*20270104-20270129\n"
                      "SV1*HC:96365**UN*8\n"
                      "SE*23*0001\n"
                      "GE*1*104\n"
                      "IEA*1*000000104\n");
  assert_non_null(strstr(x, "\nBHT*0007*13*X12KIT104*20261220*0900\n"));
  assert_non_null(strstr(x, "\nNM1*IL*1*QUILLFEATHER*JUNO****MI*HVH720193384\nDMG*D8*19840309*F\n"));
  free(x);

  f.immediate = 1;
  x = follow("a3-not-certified.x12", &f, &rc, &err);
  assert_non_null(strstr(x, "\nUM*HS*1*MH*11:B\nREF*NT*HVR-558144\n"));
  free(x);
}

static void test_appeal_a6_a2(void **state)
{
  x12kit_278_followup f = { 0 };
  x12kit_error err;
  char *x;
  int rc;

  (void)state;
  f.kind = X12KIT_FOLLOWUP_APPEAL;
  x = follow("a6-modified.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  /* a certification number: cited as REF BB; both modified lines, with their dates */
  assert_string_equal(from_seg(x, "UM*HS*2"),
                      "UM*HS*2*MH*11:B\n"
                      "REF*BB*HV2612140702\n"
                      "DTP*AAH*RD8*20270118-20270212\n"
                      "NM1*SJ*1*VASQUEZ-OLIN*TOMAS****XX*1635482908\n"
                      "PRV*PE*PXC*2084P0800X\n"
                      "HL*5*4*SS*0\nUM*HS*2*MH*11:B\nDTP*472*RD8*20270118-20270212\n"
                      "SV1*HC:96365**UN*8\n"
                      "HL*6*4*SS*0\nUM*HS*2*MH*11:B\nDTP*472*RD8*20270118-20270212\n"
                      "SV1*HC:96366**UN*8\n"
                      "SE*25*0001\nGE*1*104\nIEA*1*000000104\n");
  free(x);

  f.units = "8";
  x = follow("a2-partial.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  assert_non_null(strstr(x, "\nREF*BB*HV2612140533\nDTP*AAH*RD8*20270104-20270115\n"));
  assert_non_null(strstr(x, "\nSV1*HC:96365**UN*8\n"));
  assert_non_null(strstr(x, "\nSV1*HC:J3490:::::KETAMINE HCL IV**UN*8\n"));
  free(x);
}

static void test_revise_extend_cancel(void **state)
{
  x12kit_278_followup f = { 0 };
  x12kit_error err;
  char *x;
  int rc;

  (void)state;
  f.kind = X12KIT_FOLLOWUP_REVISION;
  f.units = "6";
  x = follow("a1-certified.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  assert_non_null(strstr(x, "\nUM*HS*S*MH*11:B\nREF*BB*HV2612140417\n"
                            "DTP*AAH*RD8*20270104-20270129\n"));
  assert_non_null(strstr(x, "\nSV1*HC:96365**UN*6\n"));
  assert_non_null(strstr(x, "\nSV1*HC:J3490:::::KETAMINE HCL IV**UN*6\n"));
  free(x);

  memset(&f, 0, sizeof f);
  f.kind = X12KIT_FOLLOWUP_EXTENSION;
  f.to = "2027-02-26";
  x = follow("a1-certified.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  assert_non_null(strstr(x, "\nUM*HS*4*MH*11:B\nREF*BB*HV2612140417\n"
                            "DTP*AAH*RD8*20270104-20270226\n"));
  /* the lines take the new period */
  assert_non_null(strstr(x, "\nDTP*472*RD8*20270104-20270226\nSV1*HC:96365**UN*8\n"));
  free(x);

  /* a pended request (A4, a dependent) cancelled: REF NT, every line, UM02 3 */
  memset(&f, 0, sizeof f);
  f.kind = X12KIT_FOLLOWUP_CANCEL;
  x = follow("a4-pended.x12", &f, &rc, &err);
  assert_int_equal(rc, X12KIT_OK);
  assert_non_null(strstr(x, "\nHL*4*3*23*1\nNM1*QC*1*QUILLFEATHER*RORY\n"));
  assert_non_null(strstr(x, "\nUM*HS*3*MH*11:B\nREF*NT*HVR-558203\n"
                            "DTP*AAH*RD8*20270111-20270205\n"));
  assert_non_null(strstr(x, "\nSV1*HC:J0013**UN*784\n"));
  assert_non_null(strstr(x, "\nSV1*HC:G2082**UN*14\n"));
  free(x);
}

static void test_refusals(void **state)
{
  x12kit_278_followup f = { 0 };
  x12kit_error err;
  int rc;

  (void)state;
  f.kind = X12KIT_FOLLOWUP_APPEAL;
  assert_null(follow("a1-certified.x12", &f, &rc, &err));
  assert_int_equal(rc, X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "nothing to appeal"));
  assert_null(follow("a4-pended.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "not decided"));
  assert_null(follow("aaa-2010c.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "rejected"));

  f.kind = X12KIT_FOLLOWUP_EXTENSION;
  f.units = "4";
  assert_null(follow("a3-not-certified.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "appeal it instead"));

  f.kind = X12KIT_FOLLOWUP_CANCEL;
  f.units = NULL;
  assert_null(follow("c-cancelled.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "already cancelled"));

  /* a bad override: the request's own check, naming the field, not the value */
  f.kind = X12KIT_FOLLOWUP_APPEAL;
  f.member_id = "X";
  assert_null(follow("a3-not-certified.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "member ID"));
  assert_null(strstr(err.text, "QUILLFEATHER"));

  f.member_id = NULL;
  f.event = 1;
  assert_null(follow("a3-not-certified.x12", &f, &rc, &err));
  assert_non_null(strstr(err.text, "no request 2"));
}

static void test_attachment(void **state)
{
  x12kit_278_attachment a;
  char buf[64];

  (void)state;
  assert_int_equal(x12kit_appeal_attachment("lmn:LMN0001", &a, buf, sizeof buf), X12KIT_OK);
  assert_string_equal(a.type, "03");
  assert_string_equal(a.transmission, "FX");
  assert_string_equal(a.control, "LMN0001");
  assert_string_equal(a.description, "LETTER OF MEDICAL NECESSITY");
  assert_int_equal(x12kit_appeal_attachment("M1:REC7:EL", &a, buf, sizeof buf), X12KIT_OK);
  assert_string_equal(a.type, "M1");
  assert_string_equal(a.transmission, "EL");
  assert_null(a.description);
  assert_string_equal(x12kit_appeal_alias_code("records"), "M1");
  assert_string_equal(x12kit_appeal_alias_code("scores"), "RT");
  assert_null(x12kit_appeal_alias_code("03"));
  assert_int_equal(x12kit_appeal_attachment("lmn", &a, buf, sizeof buf), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_attachment("lmn:", &a, buf, sizeof buf), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_attachment(":C1", &a, buf, sizeof buf), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_attachment("lmn:C1:", &a, buf, sizeof buf), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_attachment("lmn:C1:FX:X", &a, buf, sizeof buf), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_attachment("lmn:0123456789", &a, buf, 8), X12KIT_ERR_ARG);
}

static void test_dates(void **state)
{
  char out[11];
  long d;

  (void)state;
  /* across a year boundary, a leap day, and back */
  assert_int_equal(x12kit_date_add_days("2026-07-20", 180, out), X12KIT_OK);
  assert_string_equal(out, "2027-01-16");
  assert_int_equal(x12kit_date_add_days("2026-12-14", 180, out), X12KIT_OK);
  assert_string_equal(out, "2027-06-12");
  assert_int_equal(x12kit_date_add_days("2027-12-31", 1, out), X12KIT_OK);
  assert_string_equal(out, "2028-01-01");
  assert_int_equal(x12kit_date_add_days("2028-02-28", 1, out), X12KIT_OK);
  assert_string_equal(out, "2028-02-29");
  assert_int_equal(x12kit_date_add_days("2100-02-28", 1, out), X12KIT_OK);
  assert_string_equal(out, "2100-03-01");
  assert_int_equal(x12kit_date_add_days("2028-01-01", -1, out), X12KIT_OK);
  assert_string_equal(out, "2027-12-31");
  assert_int_equal(x12kit_date_diff("2026-12-20", "2027-06-12", &d), X12KIT_OK);
  assert_int_equal(d, 174);
  assert_int_equal(x12kit_date_diff("2027-01-20", "2027-01-16", &d), X12KIT_OK);
  assert_int_equal(d, -4);
  assert_int_equal(x12kit_date_add_days("2027-02-29", 1, out), X12KIT_ERR_ARG);
  assert_string_equal(out, "");
  assert_int_equal(x12kit_date_add_days("20270101", 1, out), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_date_add_days("9999-12-31", 1, out), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_date_diff("2027-13-01", "2027-01-01", &d), X12KIT_ERR_ARG);
}

static void test_window(void **state)
{
  static const char file[] = "# appeal windows\n\ndefault = 90\nHVHP01=60\r\n  CVHP01 = 365  \n";
  x12kit_error err;
  long d = 0;

  (void)state;
  assert_int_equal(x12kit_appeal_window(file, strlen(file), "HVHP01", &d, &err), X12KIT_OK);
  assert_int_equal(d, 60);
  assert_int_equal(x12kit_appeal_window(file, strlen(file), "CVHP01", &d, &err), X12KIT_OK);
  assert_int_equal(d, 365);
  assert_int_equal(x12kit_appeal_window(file, strlen(file), "OTHER", &d, &err), X12KIT_OK);
  assert_int_equal(d, 90);
  assert_int_equal(x12kit_appeal_window("", 0, "HVHP01", &d, &err), X12KIT_OK);
  assert_int_equal(d, X12KIT_APPEAL_WINDOW_DEFAULT);
  assert_int_equal(x12kit_appeal_window("a=1\nHVHP01 = 0\n", 15, "HVHP01", &d, &err),
                   X12KIT_ERR_SYNTAX);
  assert_int_equal(err.pos.line, 2);
  assert_int_equal(x12kit_appeal_window("HVHP01 60\n", 10, "HVHP01", &d, &err),
                   X12KIT_ERR_SYNTAX);
  assert_int_equal(x12kit_appeal_window("=60\n", 4, "HVHP01", &d, &err), X12KIT_ERR_SYNTAX);
  assert_int_equal(x12kit_appeal_window("X = 99999\n", 10, "X", &d, &err), X12KIT_ERR_SYNTAX);
}

static void test_checklist(void **state)
{
  x12kit_278_response *r = decision("a3-not-certified.x12");
  x12kit_appeal_checklist c;
  x12kit_error err;
  size_t i;
  int lmn = 0, drugs = 0;

  (void)state;
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0, NULL,
                                                180, &c, &err), X12KIT_OK);
  assert_int_equal(c.action, X12KIT_278_NOT_CERTIFIED);
  assert_true(c.appealable);
  assert_int_equal(c.nreasons, 2);
  assert_string_equal(c.reasons[0].source, "HCR03");
  assert_string_equal(c.reasons[0].code, "0U");
  assert_string_equal(c.reasons[0].text, ""); /* list 886 is not in the maps */
  assert_string_equal(c.reasons[1].source, "MSG");
  assert_non_null(strstr(c.reasons[1].text, "ANTIDEPRESSANT TRIALS"));
  for (i = 0; i < c.ndocuments; i++) {
    lmn |= strcmp(c.documents[i].code, "03") == 0;
    drugs |= strcmp(c.documents[i].code, "04") == 0;
  }
  assert_true(lmn && drugs);
  assert_int_equal(c.peer, X12KIT_PEER_UNKNOWN);
  assert_string_equal(c.payer_phone, "8005550134");
  assert_string_equal(c.decided, "2026-12-14");
  assert_string_equal(c.decided_source, "BHT04");
  assert_string_equal(c.deadline, "2027-06-12");

  /* a decision date given, across a year boundary */
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0,
                                                "2026-10-01", 120, &c, &err), X12KIT_OK);
  assert_string_equal(c.deadline, "2027-01-29");
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0,
                                                "2026-02-30", 120, &c, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0, NULL,
                                                0, &c, &err), X12KIT_ERR_ARG);
  x12kit_278_response_free(r);

  /* a certification: DTP 102 is the decision date; nothing to appeal, no documents */
  r = decision("a1-certified.x12");
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0, NULL,
                                                30, &c, &err), X12KIT_OK);
  assert_false(c.appealable);
  assert_int_equal(c.ndocuments, 0);
  assert_string_equal(c.decided_source, "DTP 102");
  assert_string_equal(c.deadline, "2027-01-13");
  x12kit_278_response_free(r);

  /* a partial approval: the scores and the plan answer a cut-back */
  r = decision("a2-partial.x12");
  assert_int_equal(x12kit_appeal_checklist_make(x12kit_278_response_review_at(r, 0), 0, NULL,
                                                180, &c, &err), X12KIT_OK);
  assert_true(c.appealable);
  lmn = drugs = 0;
  for (i = 0; i < c.ndocuments; i++) {
    lmn |= strcmp(c.documents[i].code, "RT") == 0;
    drugs |= strcmp(c.documents[i].code, "08") == 0;
  }
  assert_true(lmn && drugs);
  x12kit_278_response_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_appeal_a3),
    cmocka_unit_test(test_appeal_a6_a2),
    cmocka_unit_test(test_revise_extend_cancel),
    cmocka_unit_test(test_refusals),
    cmocka_unit_test(test_attachment),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_window),
    cmocka_unit_test(test_checklist),
  };
  return cmocka_run_group_tests(tests, tu_schema_setup, tu_schema_teardown);
}
