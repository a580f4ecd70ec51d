/*
 * x12kit tests - 999 and TA1 acknowledgments: the builder, the writing,
 * and the explainer.
 *
 * The builder is driven by hand with info structs and findings, and
 * the output compared byte for byte with the examples it must give
 * (the fixtures in fixtures/valid are such examples).
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

/* ---- an in-memory sink ---- */

struct sink {
  char *buf;
  size_t len, cap;
};

static int sink_write(void *ud, const char *p, size_t n)
{
  struct sink *s = ud;

  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->buf = realloc(s->buf, s->cap);
    assert_non_null(s->buf);
  }
  memcpy(s->buf + s->len, p, n);
  s->len += n;
  s->buf[s->len] = '\0';
  return 0;
}

/* ---- building ---- */

static void interchange(x12kit_ack *ack, const char *sender, const char *receiver,
                        const char *date, const char *time, const char *control)
{
  x12kit_interchange_info i;

  memset(&i, 0, sizeof i);
  strcpy(i.auth_qualifier, "00");
  strcpy(i.security_qualifier, "00");
  strcpy(i.sender_qualifier, "ZZ");
  snprintf(i.sender_id, sizeof i.sender_id, "%s", sender);
  strcpy(i.receiver_qualifier, "ZZ");
  snprintf(i.receiver_id, sizeof i.receiver_id, "%s", receiver);
  snprintf(i.date, sizeof i.date, "%s", date);
  snprintf(i.time, sizeof i.time, "%s", time);
  strcpy(i.version, "00501");
  snprintf(i.control, sizeof i.control, "%s", control);
  i.ack_requested = '1';
  i.usage = 'T';
  i.delimiters = (x12kit_delimiters){ '*', '^', ':', '~' };
  assert_int_equal(x12kit_ack_event(ack, X12KIT_INTERCHANGE_BEGIN, &i), X12KIT_OK);
}

static void group(x12kit_ack *ack, const char *fid, const char *sender, const char *receiver,
                  const char *control, const char *version)
{
  x12kit_group_info g;

  memset(&g, 0, sizeof g);
  snprintf(g.functional_id, sizeof g.functional_id, "%s", fid);
  snprintf(g.sender, sizeof g.sender, "%s", sender);
  snprintf(g.receiver, sizeof g.receiver, "%s", receiver);
  strcpy(g.date, "20261118");
  strcpy(g.time, "0930");
  snprintf(g.control, sizeof g.control, "%s", control);
  strcpy(g.agency, "X");
  snprintf(g.version, sizeof g.version, "%s", version);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_GROUP_BEGIN, &g), X12KIT_OK);
}

static void transaction(x12kit_ack *ack, const char *id, const char *control,
                        const char *version)
{
  x12kit_transaction_info t;

  memset(&t, 0, sizeof t);
  snprintf(t.id, sizeof t.id, "%s", id);
  snprintf(t.control, sizeof t.control, "%s", control);
  snprintf(t.version, sizeof t.version, "%s", version);
  t.segments = 1;
  assert_int_equal(x12kit_ack_event(ack, X12KIT_TRANSACTION_BEGIN, &t), X12KIT_OK);
}

static const x12kit_transaction_info no_tx;
static const x12kit_group_info no_group;
static const x12kit_interchange_info no_ic;

static void end(x12kit_ack *ack, x12kit_envelope_event ev)
{
  const void *info = ev == X12KIT_TRANSACTION_END ? (const void *)&no_tx
                     : ev == X12KIT_GROUP_END ? (const void *)&no_group
                                              : (const void *)&no_ic;

  assert_int_equal(x12kit_ack_event(ack, ev, info), X12KIT_OK);
}

/* A finding: kind, code, segment and position from ST, then element, component, repetition. */
static x12kit_error finding(x12kit_ack_kind kind, const char *code, const char *seg,
                            unsigned long pos, unsigned elem, unsigned comp, unsigned rep)
{
  x12kit_error e;

  memset(&e, 0, sizeof e);
  e.code = X12KIT_ERR_DATA;
  e.ack_kind = kind;
  snprintf(e.ack_code, sizeof e.ack_code, "%s", code);
  snprintf(e.segment_id, sizeof e.segment_id, "%s", seg);
  e.pos.in_transaction = pos;
  e.pos.segment = pos + 3;
  e.element = elem;
  e.component = comp;
  e.repetition = rep;
  snprintf(e.text, sizeof e.text, "test finding");
  return e;
}

static void add(x12kit_ack *ack, x12kit_error e)
{
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_OK);
}

static const x12kit_ack_options opt_7_6 = { NULL, NULL, NULL, NULL, "261118", "0930", 504, 0 };

/* Writes the 999 (or the TA1) into a malloc'd string. */
static char *write_ack(x12kit_ack *ack, const x12kit_ack_options *opt, int ta1)
{
  struct sink s = { 0 };
  x12kit_writer *w;

  assert_int_equal(x12kit_writer_new(&w, sink_write, &s, NULL, NULL), X12KIT_OK);
  if (ta1)
    assert_int_equal(x12kit_ack_write_ta1(ack, w, opt), X12KIT_OK);
  else
    assert_int_equal(x12kit_ack_write_999(ack, w, opt), X12KIT_OK);
  x12kit_writer_free(w);
  assert_non_null(s.buf);
  return s.buf;
}

static void expect_ack(x12kit_ack *ack, const x12kit_ack_options *opt, int ta1,
                       const char *expected)
{
  char *got = write_ack(ack, opt, ta1);

  assert_string_equal(got, expected);
  free(got);
}

/* The received side of reference examples 7.1 and 7.7: the clinic to the plan. */
#define ISA_7_6 "ISA*00*          *00*          *ZZ*ACMEHEALTH     *ZZ*SERENITYCLINIC *"

/* ---- the 999 ---- */

/* Reference example 7.6: one 270 accepted. */
static void test_999_accepted(void **state)
{
  x12kit_ack *ack;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  assert_false(x12kit_ack_rejected(ack));
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~"
             "AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~"
             "IK5*A~"
             "AK9*A*1*1*1~"
             "SE*6*0001~"
             "GE*1*504~"
             "IEA*1*000000504~");
  x12kit_ack_free(ack);
}

/* The 278 of reference example 7.7 with UM02 "Z", as the validator reports it. */
static x12kit_ack *ack_7_8(int show_data, const char *loop)
{
  x12kit_ack *ack;
  x12kit_error e;

  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  x12kit_ack_set_show_data(ack, show_data);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0945", "000000103");
  group(ack, "HI", "SERENITYCLINIC", "ACMEHEALTH", "103", "005010X217");
  transaction(ack, "278", "0001", "005010X217");
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "KET278-0001"), X12KIT_OK);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 13, 2, 0, 0);
  e.element_ref = 1322;
  snprintf(e.loop_id, sizeof e.loop_id, "%s", loop);
  if (show_data)
    strcpy(e.value, "Z");
  add(ack, e);
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  return ack;
}

static const x12kit_ack_options opt_7_8 = { NULL, NULL, NULL, NULL, "261118", "0946", 505, 0 };

#define OUT_7_8(ik3, ik4)                                                    \
  ISA_7_6 "261118*0946*^*00501*000000505*0*T*:~"                            \
  "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0946*505*X*005010X231A1~"       \
  "ST*999*0001*005010X231A1~"                                                \
  "AK1*HI*103*005010X217~"                                                   \
  "AK2*278*0001*005010X217~" ik3 "CTX*TRN02:KET278-0001~" ik4 "IK5*R*5~"     \
  "AK9*R*1*1*0~"                                                             \
  "SE*9*0001~"                                                               \
  "GE*1*505~"                                                                \
  "IEA*1*000000505~"

/* Reference example 7.8, with IK404 only when data may be shown. */
static void test_999_rejected(void **state)
{
  x12kit_ack *ack;

  (void)state;
  ack = ack_7_8(1, "");
  assert_true(x12kit_ack_rejected(ack));
  expect_ack(ack, &opt_7_8, 0, OUT_7_8("IK3*UM*13**8~", "IK4*2*1322*7*Z~"));
  /* show data switched off before writing: no IK404 */
  x12kit_ack_set_show_data(ack, 0);
  expect_ack(ack, &opt_7_8, 0, OUT_7_8("IK3*UM*13**8~", "IK4*2*1322*7~"));
  x12kit_ack_free(ack);

  ack = ack_7_8(0, "2000E");
  expect_ack(ack, &opt_7_8, 0, OUT_7_8("IK3*UM*13*2000*8~", "IK4*2*1322*7~"));
  /* switched on only now: the value was never kept */
  x12kit_ack_set_show_data(ack, 1);
  expect_ack(ack, &opt_7_8, 0, OUT_7_8("IK3*UM*13*2000*8~", "IK4*2*1322*7~"));
  x12kit_ack_free(ack);
}

/* The fixtures are 999s and a TA1 this builder writes, byte for byte. */
static void test_fixtures_rebuilt(void **state)
{
  static const x12kit_ack_options acc = { NULL, NULL, NULL, NULL, "261120", "1016", 603, 0 };
  static const x12kit_ack_options rej = { NULL, NULL, NULL, NULL, "261120", "1031", 604, 0 };
  static const x12kit_ack_options ta1 = { NULL, NULL, NULL, NULL, "261120", "1040", 605, 0 };
  x12kit_ack *ack;
  x12kit_error e;
  char *want;
  size_t len;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "NORTHWINDINF", "CEDARVALLEYHP", "261120", "1015", "000000201");
  group(ack, "HS", "NORTHWINDINF", "CEDARVALLEYHP", "201", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  want = tu_read_fixture("valid/999-accepted.x12", &len);
  expect_ack(ack, &acc, 0, want);
  free(want);
  x12kit_ack_free(ack);

  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  x12kit_ack_set_show_data(ack, 1);
  interchange(ack, "NORTHWINDINF", "CEDARVALLEYHP", "261120", "1030", "000000203");
  group(ack, "HI", "NORTHWINDINF", "CEDARVALLEYHP", "203", "005010X217");
  transaction(ack, "278", "0001", "005010X217");
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "NWI278-0001"), X12KIT_OK);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 13, 2, 0, 0);
  e.element_ref = 1322;
  strcpy(e.value, "Z");
  add(ack, e);
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  want = tu_read_fixture("valid/999-rejected.x12", &len);
  expect_ack(ack, &rej, 0, want);
  free(want);
  x12kit_ack_free(ack);

  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "NORTHWINDINF", "CEDARVALLEYHP", "261120", "1039", "000000204");
  add(ack, finding(X12KIT_ACK_TA1, "021", "IEA", 0, 1, 0, 0));
  end(ack, X12KIT_INTERCHANGE_END);
  want = tu_read_fixture("valid/ta1-rejected.x12", &len);
  expect_ack(ack, &ta1, 1, want);
  free(want);
  x12kit_ack_free(ack);
}

/* Three 270s, the second missing a segment: AK9 P. */
static void test_999_partial(void **state)
{
  x12kit_ack *ack;
  x12kit_error e;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  transaction(ack, "270", "0002", "005010X279A1");
  e = finding(X12KIT_ACK_SEGMENT, "3", "NM1", 5, 0, 0, 0);
  strcpy(e.loop_id, "2100B");
  add(ack, e);
  end(ack, X12KIT_TRANSACTION_END);
  transaction(ack, "270", "0003", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~"
             "AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~IK5*A~"
             "AK2*270*0002*005010X279A1~IK3*NM1*5*2100*3~IK5*R*5~"
             "AK2*270*0003*005010X279A1~IK5*A~"
             "AK9*P*3*3*2~"
             "SE*11*0001~"
             "GE*1*504~"
             "IEA*1*000000504~");
  x12kit_ack_free(ack);
}

/* Group codes reject the group; repeats are dropped, five at most are kept. */
static void test_999_group_codes(void **state)
{
  static const char *const codes[] = { "5", "4", "5", "19", "6", "1", "2", "3" };
  x12kit_ack *ack;
  size_t i;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    add(ack, finding(X12KIT_ACK_GROUP, codes[i], "GE", 0, 1, 0, 0));
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  assert_true(x12kit_ack_rejected(ack));
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~"
             "AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~"
             "IK5*A~"
             "AK9*R*1*1*0*5*4*19*6*1~"
             "SE*6*0001~"
             "GE*1*504~"
             "IEA*1*000000504~");
  x12kit_ack_free(ack);
}

/*
 * IK401 with components and repetitions, IK402 left out when unknown,
 * IK3 loops in position order, several findings on one segment in one
 * loop, IK304 from a segment finding, transaction codes then 5.
 */
static void test_999_element_positions(void **state)
{
  x12kit_ack *ack;
  x12kit_error e;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  e = finding(X12KIT_ACK_ELEMENT, "7", "EQ", 12, 1, 0, 3);   /* EQ01, repetition 3 */
  e.element_ref = 1365;
  strcpy(e.loop_id, "2110C");
  add(ack, e);
  e = finding(X12KIT_ACK_ELEMENT, "I12", "EQ", 12, 2, 2, 0); /* EQ02-2 */
  e.element_ref = 234;
  add(ack, e);
  e = finding(X12KIT_ACK_ELEMENT, "5", "EQ", 12, 2, 2, 0);   /* same place: first wins */
  add(ack, e);
  add(ack, finding(X12KIT_ACK_ELEMENT, "1", "EQ", 12, 2, 3, 2)); /* EQ02-3, repetition 2 */
  add(ack, finding(X12KIT_ACK_ELEMENT, "4", "DMG", 10, 2, 0, 0));
  add(ack, finding(X12KIT_ACK_SEGMENT, "5", "DMG", 10, 0, 0, 0));
  add(ack, finding(X12KIT_ACK_SEGMENT, "2", "DMG", 10, 0, 0, 0)); /* IK304: the first */
  add(ack, finding(X12KIT_ACK_ELEMENT, "8", "DTP", 11, 0, 0, 0)); /* no element: IK3 only */
  add(ack, finding(X12KIT_ACK_TRANSACTION, "4", "SE", 14, 1, 0, 0));
  add(ack, finding(X12KIT_ACK_NONE, "", "", 0, 0, 0, 0));      /* not for an acknowledgment */
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~"
             "AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~"
             "IK3*DMG*10**5~IK4*2**4~"
             "IK3*DTP*11**8~"
             "IK3*EQ*12*2110*8~IK4*1:1:3*1365*7~IK4*2:2*234*I12~IK4*2:3:2**1~"
             "IK5*R*4*5~"
             "AK9*R*1*1*0~"
             "SE*13*0001~"
             "GE*1*504~"
             "IEA*1*000000504~");
  x12kit_ack_free(ack);
}

/* Two groups: two 999 sets in one FA group, numbered 0001 and 0002. */
static void test_999_two_groups(void **state)
{
  x12kit_ack *ack;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  group(ack, "HI", "SERENITYCLINIC", "ACMEHEALTH", "102", "005010X217");
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~IK5*A~AK9*A*1*1*1~SE*6*0001~"
             "ST*999*0002*005010X231A1~AK1*HI*102*005010X217~AK9*A*0*0*0~SE*4*0002~"
             "GE*2*504~"
             "IEA*1*000000504~");
  x12kit_ack_free(ack);
}

/* Options override the addresses and usage; the default time is now. */
static void test_999_options(void **state)
{
  static const x12kit_ack_options opt = { "01", "123456789", "30", "987654321", "261201",
                                          "2359", 999999999, 'P' };
  x12kit_ack *ack;
  char *out;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt, 0,
             "ISA*00*          *00*          *01*123456789      *30*987654321      *"
             "261201*2359*^*00501*999999999*0*P*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261201*2359*999999999*X*005010X231A1~"
             "ST*999*0001*005010X231A1~AK1*HS*101*005010X279A1~AK9*A*0*0*0~SE*4*0001~"
             "GE*1*999999999~IEA*1*999999999~");

  /* no options: now, control number 1, the input's usage */
  out = write_ack(ack, NULL, 0);
  assert_int_equal(strlen(out) > 106, 1);
  assert_memory_equal(out + 90, "000000001*0*T*", 14);
  /* GS04 is ISA09 with the century */
  assert_memory_equal(strstr(out, "GS*FA*ACMEHEALTH*SERENITYCLINIC*") + 34, out + 70, 6);
  assert_memory_equal(strstr(out, "GS*FA*ACMEHEALTH*SERENITYCLINIC*") + 32, "20", 2);
  free(out);
  x12kit_ack_free(ack);
}

/* The TA1: A 000 (reference 7.9 b), and one TA1 per interchange received. */
static void test_ta1(void **state)
{
  static const x12kit_ack_options opt = { NULL, NULL, NULL, NULL, "261118", "0930", 507, 0 };
  x12kit_ack *ack;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt, 1,
             ISA_7_6 "261118*0930*^*00501*000000507*0*T*:~"
             "TA1*000000101*261118*0930*A*000~"
             "IEA*0*000000507~");

  /* a second interchange whose IEA01 is wrong; the first note decides */
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "1015", "000000104");
  add(ack, finding(X12KIT_ACK_TA1, "021", "IEA", 0, 1, 0, 0));
  add(ack, finding(X12KIT_ACK_TA1, "001", "IEA", 0, 2, 0, 0));
  end(ack, X12KIT_INTERCHANGE_END);
  assert_true(x12kit_ack_rejected(ack));
  expect_ack(ack, &opt, 1,
             ISA_7_6 "261118*0930*^*00501*000000507*0*T*:~"
             "TA1*000000101*261118*0930*A*000~"
             "TA1*000000104*261118*1015*R*021~"
             "IEA*0*000000507~");
  x12kit_ack_free(ack);
}

/*
 * Findings without a place: a transaction set outside any group makes
 * the TA1 R 024; a segment finding without a position rejects the
 * transaction set without an IK3; findings just after the end event
 * still reach their unit.
 */
static void test_findings_without_a_place(void **state)
{
  x12kit_ack *ack;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  transaction(ack, "270", "0009", "005010X279A1");   /* no GS */
  add(ack, finding(X12KIT_ACK_TRANSACTION, "18", "ST", 1, 0, 0, 0));
  add(ack, finding(X12KIT_ACK_ELEMENT, "7", "EQ", 5, 1, 0, 0));
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "X"), X12KIT_ERR_STATE);
  end(ack, X12KIT_TRANSACTION_END);
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  add(ack, finding(X12KIT_ACK_SEGMENT, "3", "", 4, 0, 0, 0));   /* no segment ID */
  add(ack, finding(X12KIT_ACK_SEGMENT, "3", "NM1", 0, 0, 0, 0)); /* no position */
  end(ack, X12KIT_TRANSACTION_END);
  transaction(ack, "270", "0002", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  add(ack, finding(X12KIT_ACK_TRANSACTION, "4", "SE", 9, 1, 0, 0)); /* after SE */
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  assert_true(x12kit_ack_rejected(ack));
  expect_ack(ack, &opt_7_6, 0,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0930*504*X*005010X231A1~"
             "ST*999*0001*005010X231A1~AK1*HS*101*005010X279A1~"
             "AK2*270*0001*005010X279A1~IK5*R*5~"
             "AK2*270*0002*005010X279A1~IK5*R*4~"
             "AK9*R*2*2*0~SE*8*0001~"
             "GE*1*504~IEA*1*000000504~");
  expect_ack(ack, &opt_7_6, 1,
             ISA_7_6 "261118*0930*^*00501*000000504*0*T*:~"
             "TA1*000000101*261118*0930*R*024~"
             "IEA*0*000000504~");
  x12kit_ack_free(ack);

  /* a TA1 finding before any interchange still rejects */
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  assert_false(x12kit_ack_rejected(ack));
  add(ack, finding(X12KIT_ACK_TA1, "024", "SE", 0, 0, 0, 0));
  add(ack, finding(X12KIT_ACK_GROUP, "3", "GE", 0, 0, 0, 0));
  assert_true(x12kit_ack_rejected(ack));
  x12kit_ack_free(ack);
}

/* Values and contexts the output's delimiters cannot carry are left out, not fatal. */
static void test_values_with_delimiters(void **state)
{
  x12kit_ack *ack;
  x12kit_error e;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  x12kit_ack_set_show_data(ack, 1);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0945", "000000103");
  group(ack, "HI", "SERENITYCLINIC", "ACMEHEALTH", "103", "005010X217");
  transaction(ack, "278", "0001", "005010X217");
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "A*B"), X12KIT_OK);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 13, 2, 0, 0);
  e.element_ref = 1322;
  strcpy(e.value, "Z:Y");
  add(ack, e);
  e = finding(X12KIT_ACK_ELEMENT, "5", "UM", 13, 3, 0, 0);
  strcpy(e.value, "MH");
  add(ack, e);
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  expect_ack(ack, &opt_7_8, 0,
             ISA_7_6 "261118*0946*^*00501*000000505*0*T*:~"
             "GS*FA*ACMEHEALTH*SERENITYCLINIC*20261118*0946*505*X*005010X231A1~"
             "ST*999*0001*005010X231A1~AK1*HI*103*005010X217~AK2*278*0001*005010X217~"
             "IK3*UM*13**8~IK4*2*1322*7~IK4*3**5*MH~IK5*R*5~AK9*R*1*1*0~SE*9*0001~"
             "GE*1*505~IEA*1*000000505~");
  x12kit_ack_free(ack);
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;

  while ((hay = strstr(hay, needle)) != NULL) {
    n++;
    hay++;
  }
  return n;
}

/* At most 1000 IK3 loops per set and 99 IK4 loops per IK3; the set stays rejected. */
static void test_caps(void **state)
{
  x12kit_ack *ack;
  unsigned long i;
  char *out;

  (void)state;
  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  for (i = 1; i <= 150; i++)
    add(ack, finding(X12KIT_ACK_ELEMENT, "1", "EQ", 2, (unsigned)i, 0, 0));
  for (i = 3; i <= 1200; i++)
    add(ack, finding(X12KIT_ACK_SEGMENT, "1", "ZZZ", i, 0, 0, 0));
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  out = write_ack(ack, &opt_7_6, 0);
  assert_int_equal(count(out, "~IK3*"), 1000);
  assert_int_equal(count(out, "~IK4*"), 99);
  assert_non_null(strstr(out, "~IK4*99**1~IK3*ZZZ*3**1~"));
  assert_non_null(strstr(out, "~IK3*ZZZ*1001**1~IK5*R*5~AK9*R*1*1*0~"));
  free(out);
  x12kit_ack_free(ack);
}

/* ---- the envelope checker feeding the builder ---- */

struct pipe {
  x12kit_ack *ack;
  x12kit_envelope *env;
};

static int pipe_event(void *ud, x12kit_envelope_event ev, const void *info,
                      const x12kit_position *pos)
{
  struct pipe *p = ud;

  (void)pos;
  return x12kit_ack_event(p->ack, ev, info) != X12KIT_OK;
}

static int pipe_error(void *ud, const x12kit_error *err)
{
  struct pipe *p = ud;

  return x12kit_ack_finding(p->ack, err) != X12KIT_OK;
}

static int pipe_segment(void *ud, const x12kit_segment *seg)
{
  struct pipe *p = ud;

  return x12kit_envelope_segment(p->env, seg) != X12KIT_OK;
}

/* Runs a fixture through the envelope checker into a builder. */
static x12kit_ack *from_fixture(const char *rel)
{
  struct pipe p;
  x12kit_lexer *lx;
  char *buf;
  size_t len;

  buf = tu_read_fixture(rel, &len);
  assert_int_equal(x12kit_ack_new(&p.ack, NULL), X12KIT_OK);
  assert_int_equal(x12kit_envelope_new(&p.env, NULL), X12KIT_OK);
  x12kit_envelope_set_callbacks(p.env, pipe_event, pipe_error, &p);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_parse(lx, buf, len, 1, pipe_segment, &p), X12KIT_END);
  assert_int_equal(x12kit_envelope_finish(p.env), X12KIT_OK);
  x12kit_lexer_free(lx);
  x12kit_envelope_free(p.env);
  free(buf);
  return p.ack;
}

/* Envelope faults land where their codes say. */
static void test_from_envelope(void **state)
{
  static const struct {
    const char *file, *ta1, *in_999;
  } cases[] = {
    { "valid/270-eligibility.x12", "*A*000~", "~IK5*A~AK9*A*1*1*1~" },
    { "envelope/iea01-count-wrong.x12", "*R*021~", "~IK5*A~AK9*A*1*1*1~" },
    { "envelope/se01-count-wrong.x12", "*A*000~", "~IK5*R*4~AK9*R*1*1*0~" },
    { "envelope/ge01-count-wrong.x12", "*A*000~", "~AK9*R*1*1*0*5~" },
    { "envelope/missing-se.x12", "*A*000~", "~IK5*R*2~AK9*R*1*1*0~" },
    { "envelope/st-outside-group.x12", "*R*024~", NULL },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    x12kit_ack *ack = from_fixture(cases[i].file);
    char *out = write_ack(ack, &opt_7_6, 1);

    if (strstr(out, cases[i].ta1) == NULL)
      fail_msg("%s: no %s in %s", cases[i].file, cases[i].ta1, out);
    free(out);
    if (cases[i].in_999) {
      out = write_ack(ack, &opt_7_6, 0);
      if (strstr(out, cases[i].in_999) == NULL)
        fail_msg("%s: no %s in %s", cases[i].file, cases[i].in_999, out);
      free(out);
    }
    x12kit_ack_free(ack);
  }
}

/* A blank ISA06 cannot be written back: the options must name the receiver. */
static void test_from_envelope_blank_sender(void **state)
{
  static const x12kit_ack_options opt = { NULL, NULL, "ZZ", "NORTHWINDINF", "261118", "0930",
                                          7, 0 };
  x12kit_ack *ack = from_fixture("envelope/isa06-blank.x12");
  struct sink s = { 0 };
  x12kit_writer *w;
  char *out;

  (void)state;
  assert_int_equal(x12kit_writer_new(&w, sink_write, &s, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_ack_write_ta1(ack, w, &opt_7_6), X12KIT_ERR_ARG);
  assert_non_null(x12kit_writer_error(w));
  x12kit_writer_free(w);
  free(s.buf);
  out = write_ack(ack, &opt, 1);
  assert_non_null(strstr(out, "*ZZ*NORTHWINDINF   *261118*0930*"));
  assert_non_null(strstr(out, "*R*006~IEA*0*000000007~"));
  free(out);
  x12kit_ack_free(ack);

  /* no group was received: no 999 */
  ack = from_fixture("envelope/st-outside-group.x12");
  assert_int_equal(x12kit_writer_new(&w, sink_write, &s, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_ack_write_999(ack, w, &opt_7_6), X12KIT_ERR_STATE);
  x12kit_writer_free(w);
  x12kit_ack_free(ack);
}

/* ---- the explainer ---- */

struct lines {
  char text[64][512];
  size_t n;
  int stop_at;                 /* non-zero: fail the call with that line number */
};

static int collect(void *ud, const char *line)
{
  struct lines *l = ud;

  if (l->stop_at && (int)l->n + 1 >= l->stop_at)
    return 1;
  assert_true(l->n < 64);
  assert_true(strlen(line) < sizeof l->text[0]);
  strcpy(l->text[l->n++], line);
  return 0;
}

static int explain_segment(void *ud, const x12kit_segment *seg)
{
  return x12kit_explainer_segment(ud, seg) != X12KIT_OK;
}

/* Explains |len| bytes; returns what finish returned. */
static int explain(const x12kit_schema *schema, const char *buf, size_t len,
                   struct lines *out)
{
  x12kit_explainer *ex;
  x12kit_lexer *lx;
  int rc;

  memset(out, 0, sizeof *out);
  assert_int_equal(x12kit_explainer_new(&ex, schema, collect, out, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_parse(lx, buf, len, 1, explain_segment, ex), X12KIT_END);
  rc = x12kit_explainer_finish(ex);
  x12kit_lexer_free(lx);
  x12kit_explainer_free(ex);
  return rc;
}

static void expect_lines(const struct lines *got, const char *const *want)
{
  size_t i;

  for (i = 0; want[i]; i++) {
    if (i >= got->n)
      fail_msg("line %zu missing: %s", i + 1, want[i]);
    assert_string_equal(got->text[i], want[i]);
  }
  assert_int_equal(got->n, i);
}

#define DASH "\xe2\x80\x94"

static void explain_fixture(const char *rel, const char *const *want)
{
  struct lines out;
  char *buf;
  size_t len;

  buf = tu_read_fixture(rel, &len);
  assert_int_equal(explain(NULL, buf, len, &out), X12KIT_OK);
  expect_lines(&out, want);
  free(buf);
}

static void test_explain_fixtures(void **state)
{
  static const char *const rejected[] = {
    "Group 203 (HI, 005010X217): rejected " DASH " 1 of 1 transaction sets received, 0 accepted.",
    "  Transaction 278 0001: rejected " DASH " one or more segments in error (IK502 5).",
    "    Segment UM at position 13: segment has data element errors (IK304 8).",
    "      Element UM02 (data element 1322): invalid code value (IK403 7).",
    "Verdict: rejected " DASH " 0 of 1 transaction sets accepted.",
    NULL
  };
  static const char *const accepted[] = {
    "Group 201 (HS, 005010X279A1): accepted " DASH " 1 of 1 transaction sets received, 1 accepted.",
    "  Transaction 270 0001: accepted.",
    "Verdict: accepted " DASH " 1 of 1 transaction sets accepted.",
    NULL
  };
  static const char *const ta1[] = {
    "Interchange 000000204 (sent 2026-11-20 10:39): rejected " DASH
    " the number of included groups (IEA01) is wrong (TA1 021).",
    "Verdict: rejected " DASH " 0 of 1 interchanges accepted.",
    NULL
  };

  (void)state;
  explain_fixture("valid/999-rejected.x12", rejected);
  explain_fixture("valid/999-accepted.x12", accepted);
  explain_fixture("valid/ta1-rejected.x12", ta1);
}

/* Write then read back: the lines name every loop, never the bad values. */
static void test_explain_round_trip(void **state)
{
  static const char *const want_7_8[] = {
    "Group 103 (HI, 005010X217): rejected " DASH " 1 of 1 transaction sets received, 0 accepted.",
    "  Transaction 278 0001: rejected " DASH " one or more segments in error (IK502 5).",
    "    Segment UM at position 13 (loop 2000): segment has data element errors (IK304 8).",
    "      Element UM02 (data element 1322): invalid code value (IK403 7).",
    "Verdict: rejected " DASH " 0 of 1 transaction sets accepted.",
    NULL
  };
  static const char *const want_mixed[] = {
    "Group 101 (HS, 005010X279A1): partially accepted " DASH
    " 3 of 3 transaction sets received, 2 accepted.",
    "  Transaction 270 0001: accepted.",
    "  Transaction 270 0002: rejected " DASH " the number of included segments (SE01) is wrong"
    " (IK502 4); one or more segments in error (IK503 5).",
    "    Segment EQ at position 12 (loop 2110): segment has data element errors (IK304 8).",
    "      Element EQ01-1, repetition 3 (data element 1365): invalid code value (IK403 7).",
    "      Element EQ02-2 (data element 234): value does not match the pattern the guide"
    " requires (IK403 I12).",
    "      Element EQ02-3, repetition 2: required data element missing (IK403 1).",
    "  Transaction 270 0003: accepted.",
    "Group 102 (HI, 005010X217): rejected " DASH " 0 of 0 transaction sets received, 0 accepted.",
    "  Group error: the number of included transaction sets (GE01) is wrong (AK905 5).",
    "  Group error: a code x12kit does not know (AK906 99).",
    "Verdict: partially accepted " DASH " 2 of 3 transaction sets accepted.",
    NULL
  };
  x12kit_ack *ack;
  struct lines out;
  x12kit_error e;
  char *x12;
  size_t i;

  (void)state;
  ack = ack_7_8(1, "2000E");
  x12 = write_ack(ack, &opt_7_8, 0);
  assert_non_null(strstr(x12, "IK4*2*1322*7*Z~"));
  assert_int_equal(explain(NULL, x12, strlen(x12), &out), X12KIT_OK);
  expect_lines(&out, want_7_8);
  for (i = 0; i < out.n; i++)
    assert_null(strstr(out.text[i], "KET278")); /* no CTX value either */
  free(x12);
  x12kit_ack_free(ack);

  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  transaction(ack, "270", "0001", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  transaction(ack, "270", "0002", "005010X279A1");
  e = finding(X12KIT_ACK_ELEMENT, "7", "EQ", 12, 1, 0, 3);
  e.element_ref = 1365;
  strcpy(e.loop_id, "2110C");
  add(ack, e);
  e = finding(X12KIT_ACK_ELEMENT, "I12", "EQ", 12, 2, 2, 0);
  e.element_ref = 234;
  add(ack, e);
  add(ack, finding(X12KIT_ACK_ELEMENT, "1", "EQ", 12, 2, 3, 2));
  add(ack, finding(X12KIT_ACK_TRANSACTION, "4", "SE", 14, 1, 0, 0));
  end(ack, X12KIT_TRANSACTION_END);
  transaction(ack, "270", "0003", "005010X279A1");
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  group(ack, "HI", "SERENITYCLINIC", "ACMEHEALTH", "102", "005010X217");
  add(ack, finding(X12KIT_ACK_GROUP, "5", "GE", 0, 1, 0, 0));
  add(ack, finding(X12KIT_ACK_GROUP, "99", "GE", 0, 1, 0, 0));
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  x12 = write_ack(ack, &opt_7_6, 0);
  assert_int_equal(explain(NULL, x12, strlen(x12), &out), X12KIT_OK);
  expect_lines(&out, want_mixed);
  free(x12);

  /* the TA1 of the same builder, and a 999 and a TA1 in one input */
  x12 = write_ack(ack, &opt_7_6, 1);
  assert_int_equal(explain(NULL, x12, strlen(x12), &out), X12KIT_OK);
  assert_int_equal(out.n, 2);
  assert_string_equal(out.text[0], "Interchange 000000101 (sent 2026-11-18 09:30): accepted "
                      DASH " no error (TA1 000).");
  assert_string_equal(out.text[1], "Verdict: accepted " DASH " 1 of 1 interchanges accepted.");
  {
    char *both = write_ack(ack, &opt_7_6, 0);
    size_t n = strlen(both);

    both = realloc(both, n + strlen(x12) + 1);
    assert_non_null(both);
    strcpy(both + n, x12);
    assert_int_equal(explain(NULL, both, strlen(both), &out), X12KIT_OK);
    assert_int_equal(out.n, 13);
    assert_string_equal(out.text[12], "Verdict: partially accepted " DASH
                        " 2 of 3 transaction sets accepted; 1 of 1 interchanges accepted.");
    free(both);
  }
  free(x12);
  x12kit_ack_free(ack);
}

/* Odd 999s: no AK9, no IK5, loops out of place, a situational trigger. */
static void test_explain_odd_input(void **state)
{
  static const char isa[] =
      "ISA*00*          *00*          *ZZ*A              *ZZ*B              *"
      "261118*0930*^*00501*000000001*0*T*:~GS*FA*A*B*20261118*0930*1*X*005010X231A1~";
  static const char *const cases[][2] = {
    { "ST*999*0001~AK1*HS*7*005010X279A1~AK2*270*0001~SE*4*0001~",
      "Group 7 (HS, 005010X279A1): no AK9 trailer, so no verdict.\n"
      "  Transaction 270 0001: no IK5 trailer, so no verdict.\n"
      "Verdict: rejected " DASH " 0 of 0 transaction sets accepted." },
    { "ST*999*0001~IK4*2**7~AK2*270*0001~IK3*NM1*4**8~CTX*SITUATIONAL TRIGGER*HL*3~"
      "IK4*x**Q~CTX*SITUATIONAL TRIGGER*DMG*5~IK5*Q*\x01~AK9*Z*1*1*x~SE*9*0001~",
      "      Element at position 2: invalid code value (IK403 7).\n"
      "  Transaction 270 0001: unknown status Q " DASH " a code x12kit does not know (IK502 ?).\n"
      "    Segment NM1 at position 4: segment has data element errors (IK304 8).\n"
      "      Required because of segment HL at position 3.\n"
      "      Element at position x: a code x12kit does not know (IK403 Q).\n"
      "        Required because of segment DMG at position 5.\n"
      "Group ? (?, ?): unknown status Z " DASH " 1 of 1 transaction sets received, x accepted.\n"
      "Verdict: rejected " DASH " 0 of 1 transaction sets accepted." },
    { "ST*999*0001~AK1*HS*7*X~AK2*270*0001~ST*999*0002~AK1*HS*8*X~AK9*A*0*0*0~",
      "Group 7 (HS, X): no AK9 trailer, so no verdict.\n"
      "  Transaction 270 0001: no IK5 trailer, so no verdict.\n"
      "Group 8 (HS, X): accepted " DASH " 0 of 0 transaction sets received, 0 accepted.\n"
      "Verdict: partially accepted " DASH " 0 of 0 transaction sets accepted." },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[1024], joined[2048] = "";
    struct lines out;
    size_t k;

    snprintf(buf, sizeof buf, "%s%s", isa, cases[i][0]);
    assert_int_equal(explain(NULL, buf, strlen(buf), &out), X12KIT_OK);
    for (k = 0; k < out.n; k++) {
      strcat(joined, k ? "\n" : "");
      strcat(joined, out.text[k]);
    }
    assert_string_equal(joined, cases[i][1]);
  }
}

/* Not an acknowledgment: ERR_ARG and nothing said. */
static void test_explain_not_an_ack(void **state)
{
  struct lines out;
  char *buf;
  size_t len;

  (void)state;
  buf = tu_read_fixture("valid/270-eligibility.x12", &len);
  assert_int_equal(explain(NULL, buf, len, &out), X12KIT_ERR_ARG);
  assert_int_equal(out.n, 0);
  free(buf);
}

/* With the shipped maps the descriptions are the same as the built-in ones. */
static void test_explain_with_schema(void **state)
{
  const char *dir = getenv("X12KIT_SCHEMA_DIR");
  struct lines with, without;
  x12kit_schema *schema;
  x12kit_error err;
  char *buf;
  size_t len, i;

  (void)state;
  if (x12kit_schema_load(&schema, dir && *dir ? dir : "schemas", NULL, &err) != X12KIT_OK)
    fail_msg("loading the maps: %s", err.text);
  assert_string_equal(x12kit_schema_code(schema, "621", "7"), "invalid code value");
  assert_string_equal(x12kit_schema_code(schema, "I18", "021"),
                      "the number of included groups (IEA01) is wrong");
  buf = tu_read_fixture("valid/999-rejected.x12", &len);
  assert_int_equal(explain(schema, buf, len, &with), X12KIT_OK);
  assert_int_equal(explain(NULL, buf, len, &without), X12KIT_OK);
  assert_int_equal(with.n, without.n);
  for (i = 0; i < with.n; i++)
    assert_string_equal(with.text[i], without.text[i]);
  free(buf);
  x12kit_schema_free(schema);
}

/* ---- arguments and states ---- */

static void test_arguments(void **state)
{
  x12kit_interchange_info ic;
  x12kit_ack *ack;
  x12kit_writer *w;
  x12kit_explainer *ex;
  x12kit_error e;
  struct sink s = { 0 };
  struct lines out;
  char long_text[40];
  static const x12kit_ack_options bad_date = { NULL, NULL, NULL, NULL, "2611", "0930", 1, 0 };
  static const x12kit_ack_options bad_time = { NULL, NULL, NULL, NULL, "261118", "9", 1, 0 };

  (void)state;
  memset(&ic, 0, sizeof ic);
  assert_int_equal(x12kit_ack_new(NULL, NULL), X12KIT_ERR_ARG);
  x12kit_ack_free(NULL);
  x12kit_ack_set_show_data(NULL, 1);
  assert_int_equal(x12kit_ack_rejected(NULL), 0);
  assert_int_equal(x12kit_ack_event(NULL, X12KIT_INTERCHANGE_BEGIN, &ic), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_finding(NULL, &e), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_context(NULL, "TRN02", "1"), X12KIT_ERR_ARG);

  assert_int_equal(x12kit_ack_new(&ack, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_new(&w, sink_write, &s, NULL, NULL), X12KIT_OK);
  /* nothing received yet */
  assert_int_equal(x12kit_ack_write_999(ack, w, NULL), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_write_ta1(ack, w, NULL), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_write_999(NULL, w, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_write_999(ack, NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_write_ta1(NULL, w, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_write_ta1(ack, NULL, NULL), X12KIT_ERR_ARG);
  /* events out of order */
  assert_int_equal(x12kit_ack_event(ack, X12KIT_INTERCHANGE_BEGIN, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_event(ack, (x12kit_envelope_event)42, &ic), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_GROUP_BEGIN, &no_group), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_TRANSACTION_BEGIN, &no_tx), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_TRANSACTION_END, &no_tx), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_GROUP_END, &no_group), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_INTERCHANGE_END, &no_ic), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "1"), X12KIT_ERR_STATE);
  interchange(ack, "SERENITYCLINIC", "ACMEHEALTH", "261118", "0930", "000000101");
  assert_int_equal(x12kit_ack_event(ack, X12KIT_INTERCHANGE_BEGIN, &ic), X12KIT_ERR_STATE);
  group(ack, "HS", "SERENITYCLINIC", "ACMEHEALTH", "101", "005010X279A1");
  assert_int_equal(x12kit_ack_event(ack, X12KIT_GROUP_BEGIN, &no_group), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_INTERCHANGE_END, &no_ic), X12KIT_ERR_STATE);
  transaction(ack, "270", "0001", "005010X279A1");
  assert_int_equal(x12kit_ack_event(ack, X12KIT_TRANSACTION_BEGIN, &no_tx), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_ack_event(ack, X12KIT_GROUP_END, &no_group), X12KIT_ERR_STATE);
  /* findings and contexts that cannot be acknowledged */
  e = finding(X12KIT_ACK_ELEMENT, "", "UM", 3, 1, 0, 0);
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  e = finding(X12KIT_ACK_ELEMENT, "7*", "UM", 3, 1, 0, 0);
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  e = finding(X12KIT_ACK_ELEMENT, "7", "U~", 3, 1, 0, 0);
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 3, 1, 0, 0);
  memset(e.ack_code, '7', sizeof e.ack_code);   /* no NUL */
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 3, 1, 0, 0);
  memset(e.value, 'v', sizeof e.value);
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  e = finding(X12KIT_ACK_ELEMENT, "7", "UM", 3, 1, 0, 0);
  e.ack_kind = (x12kit_ack_kind)9;
  assert_int_equal(x12kit_ack_finding(ack, &e), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_finding(ack, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_context(ack, NULL, "1"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_context(ack, "TRN02", NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_context(ack, "", "1"), X12KIT_ERR_DATA);
  assert_int_equal(x12kit_ack_context(ack, "TRN02", ""), X12KIT_ERR_DATA);
  assert_int_equal(x12kit_ack_context(ack, "TRN02", "A\nB"), X12KIT_ERR_DATA);
  memset(long_text, 'A', sizeof long_text);
  long_text[36] = '\0';
  assert_int_equal(x12kit_ack_context(ack, "TRN02", long_text), X12KIT_ERR_DATA);
  long_text[35] = '\0';
  assert_int_equal(x12kit_ack_context(ack, long_text, long_text), X12KIT_OK);
  assert_false(x12kit_ack_rejected(ack));
  end(ack, X12KIT_TRANSACTION_END);
  end(ack, X12KIT_GROUP_END);
  end(ack, X12KIT_INTERCHANGE_END);
  /* bad options */
  assert_int_equal(x12kit_ack_write_999(ack, w, &bad_date), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_ack_write_ta1(ack, w, &bad_time), X12KIT_ERR_ARG);
  assert_int_equal(s.len, 0);
  x12kit_writer_free(w);
  x12kit_ack_free(ack);
  free(s.buf);

  /* the explainer */
  assert_int_equal(x12kit_explainer_new(NULL, NULL, collect, &out, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_explainer_new(&ex, NULL, NULL, &out, NULL), X12KIT_ERR_ARG);
  assert_null(ex);
  x12kit_explainer_free(NULL);
  assert_int_equal(x12kit_explainer_segment(NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_explainer_finish(NULL), X12KIT_ERR_ARG);
  memset(&out, 0, sizeof out);
  assert_int_equal(x12kit_explainer_new(&ex, NULL, collect, &out, NULL), X12KIT_OK);
  assert_int_equal(x12kit_explainer_segment(ex, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_explainer_finish(ex), X12KIT_ERR_ARG);   /* no acknowledgment */
  assert_int_equal(x12kit_explainer_finish(ex), X12KIT_ERR_STATE);
  x12kit_explainer_free(ex);
}

/* A callback that says stop: ERR_ABORTED, then every call says so. */
static void test_explain_abort(void **state)
{
  struct lines out;
  x12kit_explainer *ex;
  x12kit_lexer *lx;
  char *buf;
  size_t len;
  int stop;

  (void)state;
  buf = tu_read_fixture("valid/999-rejected.x12", &len);
  for (stop = 1; stop <= 5; stop++) {
    memset(&out, 0, sizeof out);
    out.stop_at = stop;
    assert_int_equal(x12kit_explainer_new(&ex, NULL, collect, &out, NULL), X12KIT_OK);
    assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
    if (stop < 5) {
      assert_int_equal(x12kit_lexer_parse(lx, buf, len, 1, explain_segment, ex),
                       X12KIT_ERR_ABORTED);
      assert_int_equal(x12kit_explainer_finish(ex), X12KIT_ERR_ABORTED);
    } else {
      assert_int_equal(x12kit_lexer_parse(lx, buf, len, 1, explain_segment, ex), X12KIT_END);
      assert_int_equal(x12kit_explainer_finish(ex), X12KIT_ERR_ABORTED);
    }
    assert_int_equal(out.n, (size_t)stop - 1);
    x12kit_lexer_free(lx);
    x12kit_explainer_free(ex);
  }
  free(buf);
}

/* ---- allocation failure ---- */

struct failing {
  unsigned long calls, fail_at;
};

static void *f_malloc(size_t n, void *ud)
{
  struct failing *f = ud;

  return ++f->calls == f->fail_at ? NULL : test_malloc(n);
}

static void f_free(void *p, void *ud)
{
  (void)ud;
  test_free(p);
}

static void *f_realloc(void *p, size_t n, void *ud)
{
  struct failing *f = ud;

  return ++f->calls == f->fail_at ? NULL : test_realloc(p, n);
}

/* Builds the mixed 999 of the round trip, writes and explains it; the first error returned. */
static int scenario(const x12kit_mem *mem, struct sink *s, struct lines *out)
{
  x12kit_ack *ack = NULL;
  x12kit_writer *w = NULL;
  x12kit_explainer *ex = NULL;
  x12kit_lexer *lx = NULL;
  x12kit_interchange_info ic;
  x12kit_group_info g;
  x12kit_transaction_info t;
  x12kit_error e;
  unsigned i;
  int rc;

  memset(&ic, 0, sizeof ic);
  strcpy(ic.sender_id, "SERENITYCLINIC");
  strcpy(ic.receiver_id, "ACMEHEALTH");
  strcpy(ic.date, "261118");
  strcpy(ic.time, "0930");
  strcpy(ic.control, "000000101");
  memset(&g, 0, sizeof g);
  strcpy(g.functional_id, "HS");
  strcpy(g.control, "101");
  strcpy(g.version, "005010X279A1");
  memset(&t, 0, sizeof t);
  strcpy(t.id, "270");
  strcpy(t.control, "0001");
  if ((rc = x12kit_ack_new(&ack, mem)) != 0)
    goto done;
  x12kit_ack_set_show_data(ack, 1);
  if ((rc = x12kit_ack_event(ack, X12KIT_INTERCHANGE_BEGIN, &ic)) != 0 ||
      (rc = x12kit_ack_event(ack, X12KIT_GROUP_BEGIN, &g)) != 0 ||
      (rc = x12kit_ack_event(ack, X12KIT_TRANSACTION_BEGIN, &t)) != 0 ||
      (rc = x12kit_ack_context(ack, "TRN02", "T1")) != 0)
    goto done;
  for (i = 1; i <= 12; i++) {
    e = finding(X12KIT_ACK_ELEMENT, "7", "EQ", 3 + i % 6, i, i % 3, i % 2);
    strcpy(e.value, "BAD");
    if ((rc = x12kit_ack_finding(ack, &e)) != 0)
      goto done;
  }
  e = finding(X12KIT_ACK_TRANSACTION, "4", "SE", 20, 1, 0, 0);
  if ((rc = x12kit_ack_finding(ack, &e)) != 0 ||
      (rc = x12kit_ack_event(ack, X12KIT_TRANSACTION_END, &t)) != 0 ||
      (rc = x12kit_ack_event(ack, X12KIT_GROUP_END, &g)) != 0 ||
      (rc = x12kit_ack_event(ack, X12KIT_INTERCHANGE_END, &ic)) != 0)
    goto done;
  if ((rc = x12kit_writer_new(&w, sink_write, s, NULL, mem)) != 0 ||
      (rc = x12kit_ack_write_999(ack, w, &opt_7_6)) != 0 ||
      (rc = x12kit_ack_write_ta1(ack, w, &opt_7_6)) != 0)
    goto done;
  if ((rc = x12kit_explainer_new(&ex, NULL, collect, out, mem)) != 0 ||
      (rc = x12kit_lexer_new(&lx, mem)) != 0)
    goto done;
  rc = x12kit_lexer_parse(lx, s->buf, s->len, 1, explain_segment, ex);
  if (rc == X12KIT_ERR_ABORTED)     /* the explainer failed: say why */
    rc = x12kit_explainer_finish(ex);
  else if (rc == X12KIT_END)
    rc = x12kit_explainer_finish(ex);
done:
  x12kit_lexer_free(lx);
  x12kit_explainer_free(ex);
  x12kit_writer_free(w);
  x12kit_ack_free(ack);
  return rc;
}

/* Each allocation failing in turn gives ERR_NOMEM and leaks nothing (cmocka checks). */
static void test_alloc_failure(void **state)
{
  struct sink ref_sink = { 0 };
  struct lines ref;
  unsigned long fail_at;
  int saw_nomem = 0;

  (void)state;
  memset(&ref, 0, sizeof ref);
  assert_int_equal(scenario(NULL, &ref_sink, &ref), X12KIT_OK);
  for (fail_at = 1;; fail_at++) {
    struct failing f = { 0, fail_at };
    x12kit_mem mem = { &f, f_malloc, f_free, f_realloc };
    struct sink s = { 0 };
    struct lines out;
    int rc;

    memset(&out, 0, sizeof out);
    rc = scenario(&mem, &s, &out);
    if (rc == X12KIT_OK) {
      assert_true(f.calls < fail_at);   /* it passed because nothing failed */
      assert_string_equal(s.buf, ref_sink.buf);
      assert_int_equal(out.n, ref.n);
      free(s.buf);
      break;
    }
    assert_int_equal(rc, X12KIT_ERR_NOMEM);
    saw_nomem = 1;
    free(s.buf);
  }
  assert_true(saw_nomem);
  assert_true(fail_at > 20);
  free(ref_sink.buf);
}

int main(void)
{
  static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_999_accepted),
    cmocka_unit_test(test_999_rejected),
    cmocka_unit_test(test_fixtures_rebuilt),
    cmocka_unit_test(test_999_partial),
    cmocka_unit_test(test_999_group_codes),
    cmocka_unit_test(test_999_element_positions),
    cmocka_unit_test(test_999_two_groups),
    cmocka_unit_test(test_999_options),
    cmocka_unit_test(test_ta1),
    cmocka_unit_test(test_findings_without_a_place),
    cmocka_unit_test(test_values_with_delimiters),
    cmocka_unit_test(test_caps),
    cmocka_unit_test(test_from_envelope),
    cmocka_unit_test(test_from_envelope_blank_sender),
    cmocka_unit_test(test_explain_fixtures),
    cmocka_unit_test(test_explain_round_trip),
    cmocka_unit_test(test_explain_odd_input),
    cmocka_unit_test(test_explain_not_an_ack),
    cmocka_unit_test(test_explain_with_schema),
    cmocka_unit_test(test_arguments),
    cmocka_unit_test(test_explain_abort),
    cmocka_unit_test(test_alloc_failure),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
