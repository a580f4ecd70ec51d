/*
 * x12kit tests - envelope checks (ISA/IEA, GS/GE, ST/SE).
 *
 * Every file under fixtures/envelope/ holds exactly the fault it is
 * named for; every file under fixtures/valid/ holds none.  Both lists
 * are checked against the directories, so a new fixture needs a case.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* ---- recording what the checker reports ---- */

#define MAX_FAULTS 8

typedef struct rec {
  x12kit_error faults[MAX_FAULTS];
  size_t nfaults;                 /* all faults, even past MAX_FAULTS */
  char trace[1024];               /* events as "ISA GS ST SE:14 GE:1 IEA:1" */
  size_t trace_len;
  unsigned long events[6];        /* per x12kit_envelope_event */
  x12kit_interchange_info isa[2]; /* the first two interchanges, at their end */
  x12kit_group_info gs[2];
  x12kit_transaction_info st[2];
  size_t nisa, ngs, nst;
  int stop_on_fault;              /* error callback returns non-zero at this fault (1-based) */
  int stop_on_event;              /* event callback returns non-zero at this event (1-based) */
  int nevents;
} rec;

/* Appends one event to the trace, space separated; a full trace stops growing. */
static void trace_add(rec *r, const char *token)
{
  int n = snprintf(r->trace + r->trace_len, sizeof r->trace - r->trace_len, "%s%s",
                   r->trace_len ? " " : "", token);

  if (n > 0)
    r->trace_len += (size_t)n;
  if (r->trace_len > sizeof r->trace - 1)
    r->trace_len = sizeof r->trace - 1;
}

static int on_event(void *ud, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  rec *r = ud;
  char tok[64];

  assert_non_null(info);
  assert_non_null(pos);
  assert_true((unsigned)ev < 6);
  r->events[ev]++;
  switch (ev) {
  case X12KIT_INTERCHANGE_BEGIN:
    trace_add(r, "ISA");
    break;
  case X12KIT_INTERCHANGE_END: {
    const x12kit_interchange_info *in = info;
    if (in->ta1_count)
      snprintf(tok, sizeof tok, "IEA:%lu/TA1:%lu", in->groups, in->ta1_count);
    else
      snprintf(tok, sizeof tok, "IEA:%lu", in->groups);
    trace_add(r, tok);
    if (r->nisa < 2)
      r->isa[r->nisa++] = *in;
    break;
  }
  case X12KIT_GROUP_BEGIN:
    trace_add(r, "GS");
    break;
  case X12KIT_GROUP_END: {
    const x12kit_group_info *g = info;
    snprintf(tok, sizeof tok, "GE:%lu", g->transactions);
    trace_add(r, tok);
    if (r->ngs < 2)
      r->gs[r->ngs++] = *g;
    break;
  }
  case X12KIT_TRANSACTION_BEGIN:
    trace_add(r, "ST");
    break;
  case X12KIT_TRANSACTION_END: {
    const x12kit_transaction_info *t = info;
    snprintf(tok, sizeof tok, "SE:%lu", t->segments);
    trace_add(r, tok);
    if (r->nst < 2)
      r->st[r->nst++] = *t;
    break;
  }
  }
  return ++r->nevents == r->stop_on_event;
}

static int on_error(void *ud, const x12kit_error *err)
{
  rec *r = ud;

  assert_non_null(err);
  if (r->nfaults < MAX_FAULTS)
    r->faults[r->nfaults] = *err;
  r->nfaults++;
  return (int)r->nfaults == r->stop_on_fault;
}

/*
 * Lexes buf and feeds every segment to env, then finishes.  Returns the
 * first status other than X12KIT_OK from the checker.
 */
static int feed(x12kit_envelope *env, const char *buf, size_t len)
{
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  int rc = X12KIT_OK, erc = X12KIT_OK, finished = 0;

  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  for (;;) {
    while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
      erc = x12kit_envelope_segment(env, seg);
      if (erc != X12KIT_OK)
        break;
    }
    if (erc != X12KIT_OK)
      break;
    if (rc == X12KIT_NEED_INPUT && !finished) {
      assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
      finished = 1;
      continue;
    }
    assert_int_equal(rc, X12KIT_END);
    erc = x12kit_envelope_finish(env);
    break;
  }
  x12kit_lexer_free(lx);
  return erc;
}

/* A checker with the recorder attached, run over buf. */
static int run(const char *buf, size_t len, rec *r, int show_data)
{
  x12kit_envelope *env;
  int rc;

  assert_int_equal(x12kit_envelope_new(&env, NULL), X12KIT_OK);
  x12kit_envelope_set_callbacks(env, on_event, on_error, r);
  x12kit_envelope_set_show_data(env, show_data);
  rc = feed(env, buf, len);
  if (rc == X12KIT_OK)
    assert_int_equal(x12kit_envelope_error_count(env), r->nfaults);
  x12kit_envelope_free(env);
  return rc;
}

static void run_fixture(const char *rel, rec *r, int show_data)
{
  size_t len;
  char *buf = tu_read_fixture(rel, &len);

  memset(r, 0, sizeof *r);
  assert_int_equal(run(buf, len, r, show_data), X12KIT_OK);
  free(buf);
}

/* ---- fixtures/envelope: one fault each ---- */

#define ANY ((unsigned long)-1)

typedef struct want {
  x12kit_ack_kind kind;
  const char *code;
  unsigned long segment;          /* pos.segment */
  unsigned long in_transaction;   /* pos.in_transaction, or ANY */
  const char *id;                 /* segment_id */
  unsigned element;
  const char *text;               /* a fragment of the text */
} want;

typedef struct fault_case {
  const char *file;
  const char *trace;              /* expected events, NULL: not checked */
  want w;
} fault_case;

#define TA1 X12KIT_ACK_TA1
#define AK9 X12KIT_ACK_GROUP
#define IK5 X12KIT_ACK_TRANSACTION

/* The usual shape: ISA GS ST (10 segments) SE GE IEA = segments 1..16. */
#define ONE "ISA GS ST SE:12 GE:1 IEA:1"

static fault_case fault_cases[] = {
  { "isa01-bad.x12", ONE, { TA1, "010", 1, 0, "ISA", 1, "ISA01 authorization" } },
  { "isa03-bad.x12", ONE, { TA1, "012", 1, 0, "ISA", 3, "ISA03 security" } },
  { "isa05-bad.x12", ONE, { TA1, "005", 1, 0, "ISA", 5, "ISA05 sender ID qualifier" } },
  { "isa06-blank.x12", ONE, { TA1, "006", 1, 0, "ISA", 6, "ISA06 sender ID is blank" } },
  { "isa07-bad.x12", ONE, { TA1, "007", 1, 0, "ISA", 7, "ISA07 receiver ID qualifier" } },
  { "isa08-blank.x12", ONE, { TA1, "008", 1, 0, "ISA", 8, "ISA08 receiver ID is blank" } },
  { "isa09-bad-date.x12", ONE, { TA1, "014", 1, 0, "ISA", 9, "not a valid YYMMDD date" } },
  { "isa10-bad-time.x12", ONE, { TA1, "015", 1, 0, "ISA", 10, "not a valid HHMM time" } },
  { "isa13-bad.x12", ONE, { TA1, "018", 1, 0, "ISA", 13, "must be 9 digits" } },
  { "isa14-bad.x12", ONE, { TA1, "019", 1, 0, "ISA", 14, "ISA14 acknowledgment requested" } },
  { "isa15-bad.x12", ONE, { TA1, "020", 1, 0, "ISA", 15, "ISA15 usage indicator" } },
  { "isa13-iea02-mismatch.x12", ONE,
    { TA1, "001", 16, 0, "IEA", 2,
      "IEA02 control number 000000302 does not match ISA13 000000301" } },
  { "iea01-count-wrong.x12", ONE,
    { TA1, "021", 16, 0, "IEA", 1, "IEA01 says 2 groups, the interchange has 1" } },
  { "iea01-not-number.x12", ONE,
    { TA1, "021", 16, 0, "IEA", 1, "IEA01 group count is not a number; the interchange has 1 group" } },
  { "missing-iea.x12", ONE,
    { TA1, "023", 15, 0, "GE", 0, "interchange 000000301 has no IEA trailer (the input ended)" } },
  { "new-isa-before-iea.x12", "ISA GS ST SE:12 GE:1 IEA:1 ISA GS ST SE:12 GE:1 IEA:1",
    { TA1, "023", 16, 0, "ISA", 0,
      "interchange 000000301 has no IEA trailer (a new interchange began at ISA)" } },
  { "duplicate-isa13.x12", "ISA GS ST SE:12 GE:1 IEA:1 ISA GS ST SE:12 GE:1 IEA:1",
    { TA1, "025", 17, 0, "ISA", 13, "control number 000000301 was already used" } },
  { "stray-segment.x12", ONE,
    { TA1, "024", 15, 0, "DTP", 0, "DTP segment is outside a transaction set (ST..SE)" } },
  { "stray-before-gs.x12", ONE,
    { TA1, "024", 2, 0, "BHT", 0, "BHT segment is not allowed between ISA and the first GS" } },
  { "stray-after-ge.x12", ONE,
    { TA1, "024", 16, 0, "TA1", 0, "TA1 segment is not allowed between GE and the next GS" } },
  { "se-without-st.x12", ONE,
    { TA1, "024", 15, ANY, "SE", 0, "SE trailer without a matching ST header" } },
  { "gs01-unknown.x12", ONE,
    { AK9, "1", 2, 0, "GS", 1, "GS01 functional identifier ZZ is not supported" } },
  { "missing-ge.x12", "ISA GS ST SE:12 GE:1 IEA:1",
    { AK9, "3", 15, 0, "IEA", 0, "group 301 has no GE trailer (the interchange ended at IEA)" } },
  { "gs06-ge02-mismatch.x12", ONE,
    { AK9, "4", 15, 0, "GE", 2, "GE02 control number 302 does not match GS06 301" } },
  { "ge01-count-wrong.x12", ONE,
    { AK9, "5", 15, 0, "GE", 1, "GE01 says 2 transactions, the group has 1" } },
  { "ge01-not-number.x12", ONE,
    { AK9, "5", 15, 0, "GE", 1, "GE01 transaction count is not a number; the group has 1 transaction" } },
  { "gs06-bad.x12", ONE,
    { AK9, "6", 2, 0, "GS", 6, "GS06 group control number must be 1 to 9 digits" } },
  { "duplicate-gs06.x12", "ISA GS ST SE:12 GE:1 GS ST SE:12 GE:1 IEA:2",
    { AK9, "19", 16, 0, "GS", 6, "group control number 301 is used twice in this interchange" } },
  { "missing-se.x12", "ISA GS ST SE:11 GE:1 IEA:1",
    { IK5, "2", 14, ANY, "GE", 0, "transaction 0001 has no SE trailer (the group ended at GE)" } },
  { "st02-se02-mismatch.x12", ONE,
    { IK5, "3", 14, 12, "SE", 2, "SE02 control number 0002 does not match ST02 0001" } },
  { "se01-count-wrong.x12", ONE,
    { IK5, "4", 14, 12, "SE", 1, "SE01 says 13 segments, the transaction has 12" } },
  { "se01-not-number.x12", ONE,
    { IK5, "4", 14, 12, "SE", 1, "SE01 segment count is not a number; the transaction has 12 segments" } },
  { "gs01-st01-mismatch.x12", ONE,
    { IK5, "6", 3, 1, "ST", 1, "ST01 transaction set 271 does not belong in a GS01 HS group (expected 270)" } },
  { "st02-bad.x12", ONE,
    { IK5, "7", 3, 1, "ST", 2, "ST02 transaction set control number must be 4 to 9" } },
  { "st-outside-group.x12", "ISA ST SE:12 IEA:0",
    { IK5, "18", 2, 1, "ST", 0, "transaction 0001 is not inside a functional group" } },
  { "st03-gs08-mismatch.x12", ONE,
    { IK5, "19", 3, 1, "ST", 3, "ST03 version 005010X279 does not match GS08 005010X279A1" } },
  { "duplicate-st02.x12", "ISA GS ST SE:12 ST SE:12 GE:2 IEA:1",
    { IK5, "23", 15, 1, "ST", 2, "transaction control number 0001 is used twice in this group" } },
};

#define N_FAULT_CASES (sizeof fault_cases / sizeof fault_cases[0])

static void check_fault(const char *file, const x12kit_error *e, const want *w)
{
  if (e->code != X12KIT_ERR_ENVELOPE || e->ack_kind != w->kind ||
      strcmp(e->ack_code, w->code) != 0 || e->pos.segment != w->segment ||
      (w->in_transaction != ANY && e->pos.in_transaction != w->in_transaction) ||
      strcmp(e->segment_id, w->id) != 0 || e->element != w->element ||
      strstr(e->text, w->text) == NULL)
    fail_msg("%s: got kind %d code %s segment %lu in_transaction %lu id %s element %u "
             "text \"%s\"; want kind %d code %s segment %lu id %s element %u text \"%s\"",
             file, (int)e->ack_kind, e->ack_code, e->pos.segment, e->pos.in_transaction,
             e->segment_id, e->element, e->text, (int)w->kind, w->code, w->segment, w->id,
             w->element, w->text);
}

static void test_fault_fixture(void **state)
{
  const fault_case *c = *state;
  char rel[256];
  rec r;

  snprintf(rel, sizeof rel, "envelope/%s", c->file);
  run_fixture(rel, &r, 0);
  if (r.nfaults != 1)
    fail_msg("%s: %zu faults, want 1 (first: \"%s\")", c->file, r.nfaults,
             r.nfaults ? r.faults[0].text : "");
  check_fault(c->file, &r.faults[0], &c->w);
  assert_string_equal(r.faults[0].value, "");
  if (c->trace)
    assert_string_equal(r.trace, c->trace);
}

/* ---- fixtures/valid: no fault ---- */

typedef struct valid_case {
  const char *file;
  const char *trace;
} valid_case;

#define T270 "ISA GS ST SE:14 GE:1 IEA:1"

static valid_case valid_cases[] = {
  { "270-eligibility.x12", T270 },
  { "271-active-pa-required.x12", "ISA GS ST SE:23 GE:1 IEA:1" },
  { "278-request-infusions.x12", "ISA GS ST SE:32 GE:1 IEA:1" },
  { "278-response-certified.x12", "ISA GS ST SE:36 GE:1 IEA:1" },
  { "999-accepted.x12", "ISA GS ST SE:6 GE:1 IEA:1" },
  { "999-rejected.x12", "ISA GS ST SE:9 GE:1 IEA:1" },
  { "ta1-rejected.x12", "ISA IEA:0/TA1:1" },
  { "multi-interchange.x12", T270 " ISA GS ST SE:12 GE:1 IEA:1" },
  { "multi-group.x12", "ISA GS ST SE:14 GE:1 GS ST SE:13 ST SE:13 ST SE:13 GE:3 IEA:2" },
  { "crlf.x12", T270 },
  { "bom.x12", T270 },
  { "newline-terminator.x12", "ISA GS ST SE:6 GE:1 IEA:1" },
};

#define N_VALID_CASES (sizeof valid_cases / sizeof valid_cases[0])

static void test_valid_fixture(void **state)
{
  const valid_case *c = *state;
  char rel[256];
  rec r;

  snprintf(rel, sizeof rel, "valid/%s", c->file);
  run_fixture(rel, &r, 1);
  if (r.nfaults != 0)
    fail_msg("%s: %zu faults, first: \"%s\"", c->file, r.nfaults, r.faults[0].text);
  assert_string_equal(r.trace, c->trace);
}

/* Every fixture file has a case, and every case a file. */
static void check_dir(const char *sub, const char *const *names, size_t n)
{
  char path[4096];
  struct dirent *de;
  size_t found = 0, i;
  DIR *d;

  snprintf(path, sizeof path, "%s", tu_fixture_path(sub));
  d = opendir(path);
  if (d == NULL)
    fail_msg("cannot open %s", path);
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 4 || strcmp(de->d_name + len - 4, ".x12") != 0)
      continue;
    for (i = 0; i < n && strcmp(names[i], de->d_name) != 0; i++)
      ;
    if (i == n) {
      closedir(d);
      fail_msg("%s/%s has no test case", sub, de->d_name);
    }
    found++;
  }
  closedir(d);
  assert_int_equal(found, n);
}

static void test_every_fixture_has_a_case(void **state)
{
  const char *names[N_FAULT_CASES > N_VALID_CASES ? N_FAULT_CASES : N_VALID_CASES];
  size_t i;

  (void)state;
  for (i = 0; i < N_FAULT_CASES; i++)
    names[i] = fault_cases[i].file;
  check_dir("envelope", names, N_FAULT_CASES);
  for (i = 0; i < N_VALID_CASES; i++)
    names[i] = valid_cases[i].file;
  check_dir("valid", names, N_VALID_CASES);
}

/* ---- header fields in the events ---- */

static void test_info_270(void **state)
{
  rec r;

  (void)state;
  run_fixture("valid/270-eligibility.x12", &r, 0);
  assert_int_equal(r.nisa, 1);
  assert_string_equal(r.isa[0].auth_qualifier, "00");
  assert_string_equal(r.isa[0].security_qualifier, "00");
  assert_string_equal(r.isa[0].sender_qualifier, "ZZ");
  assert_string_equal(r.isa[0].sender_id, "NORTHWINDINF");
  assert_string_equal(r.isa[0].receiver_qualifier, "ZZ");
  assert_string_equal(r.isa[0].receiver_id, "CEDARVALLEYHP");
  assert_string_equal(r.isa[0].date, "261120");
  assert_string_equal(r.isa[0].time, "1015");
  assert_string_equal(r.isa[0].version, "00501");
  assert_string_equal(r.isa[0].control, "000000201");
  assert_int_equal(r.isa[0].ack_requested, '1');
  assert_int_equal(r.isa[0].usage, 'T');
  assert_int_equal(r.isa[0].delimiters.element, '*');
  assert_int_equal(r.isa[0].delimiters.repetition, '^');
  assert_int_equal(r.isa[0].delimiters.component, ':');
  assert_int_equal(r.isa[0].delimiters.segment, '~');
  assert_int_equal(r.isa[0].groups, 1);
  assert_int_equal(r.isa[0].ta1_count, 0);

  assert_int_equal(r.ngs, 1);
  assert_string_equal(r.gs[0].functional_id, "HS");
  assert_string_equal(r.gs[0].sender, "NORTHWINDINF");
  assert_string_equal(r.gs[0].receiver, "CEDARVALLEYHP");
  assert_string_equal(r.gs[0].date, "20261120");
  assert_string_equal(r.gs[0].time, "1015");
  assert_string_equal(r.gs[0].control, "201");
  assert_string_equal(r.gs[0].agency, "X");
  assert_string_equal(r.gs[0].version, "005010X279A1");
  assert_int_equal(r.gs[0].transactions, 1);

  assert_int_equal(r.nst, 1);
  assert_string_equal(r.st[0].id, "270");
  assert_string_equal(r.st[0].control, "0001");
  assert_string_equal(r.st[0].version, "005010X279A1");
  assert_int_equal(r.st[0].segments, 14);

  assert_int_equal(r.events[X12KIT_INTERCHANGE_BEGIN], 1);
  assert_int_equal(r.events[X12KIT_INTERCHANGE_END], 1);
  assert_int_equal(r.events[X12KIT_GROUP_BEGIN], 1);
  assert_int_equal(r.events[X12KIT_GROUP_END], 1);
  assert_int_equal(r.events[X12KIT_TRANSACTION_BEGIN], 1);
  assert_int_equal(r.events[X12KIT_TRANSACTION_END], 1);
}

static void test_info_multi_interchange(void **state)
{
  rec r;

  (void)state;
  run_fixture("valid/multi-interchange.x12", &r, 0);
  assert_int_equal(r.nisa, 2);
  assert_string_equal(r.isa[0].control, "000000205");
  assert_int_equal(r.isa[0].delimiters.element, '*');
  assert_string_equal(r.isa[1].control, "000000606");
  assert_string_equal(r.isa[1].sender_id, "CEDARVALLEYHP");
  assert_string_equal(r.isa[1].receiver_id, "NORTHWINDINF");
  assert_int_equal(r.isa[1].delimiters.element, '|');
  assert_int_equal(r.isa[1].delimiters.repetition, '}');
  assert_int_equal(r.isa[1].delimiters.component, '>');
  assert_int_equal(r.isa[1].delimiters.segment, '~');
  assert_string_equal(r.gs[1].functional_id, "HB");
  assert_string_equal(r.st[1].id, "271");
  assert_int_equal(r.st[1].segments, 12);
}

static void test_info_multi_group(void **state)
{
  rec r;

  (void)state;
  run_fixture("valid/multi-group.x12", &r, 0);
  assert_int_equal(r.nisa, 1);
  assert_int_equal(r.isa[0].groups, 2);
  assert_int_equal(r.ngs, 2);
  assert_string_equal(r.gs[0].control, "206");
  assert_int_equal(r.gs[0].transactions, 1);
  assert_string_equal(r.gs[1].control, "207");
  assert_int_equal(r.gs[1].transactions, 3);
  assert_int_equal(r.events[X12KIT_TRANSACTION_END], 4);
}

static void test_info_ta1(void **state)
{
  rec r;

  (void)state;
  run_fixture("valid/ta1-rejected.x12", &r, 0);
  assert_int_equal(r.nisa, 1);
  assert_int_equal(r.isa[0].groups, 0);
  assert_int_equal(r.isa[0].ta1_count, 1);
  assert_int_equal(r.ngs, 0);
}

/* ---- inputs built in memory ---- */

/* An ISA with the given date, time and control number; 106 bytes. */
static void make_isa(char *out, size_t size, const char *date, const char *time, const char *ctl)
{
  int n = snprintf(out, size,
                   "ISA*00*          *00*          *ZZ*NORTHWINDINF   *ZZ*CEDARVALLEYHP  "
                   "*%s*%s*^*00501*%s*0*T*:~", date, time, ctl);
  assert_int_equal(n, 106);
}

static const char gs_st_body[] =
  "GS*HS*NORTHWINDINF*CEDARVALLEYHP*20261120*1015*401*X*005010X279A1~"
  "ST*270*0001*005010X279A1~"
  "BHT*0022*13*NWI270-0401*20261120*1015~";

static size_t run_isa_fields(const char *date, const char *time, rec *r)
{
  char buf[512];

  make_isa(buf, 107, date, time, "000000401");
  snprintf(buf + 106, sizeof buf - 106, "%sSE*3*0001~GE*1*401~IEA*1*000000401~", gs_st_body);
  memset(r, 0, sizeof *r);
  assert_int_equal(run(buf, strlen(buf), r, 0), X12KIT_OK);
  return r->nfaults;
}

static void test_isa_date_time(void **state)
{
  static const struct {
    const char *date, *time;
    const char *code; /* NULL: valid */
  } cases[] = {
    { "240229", "0000", NULL },  { "250228", "2359", NULL },  { "000229", "1200", NULL },
    { "250229", "1200", "014" }, { "251301", "1200", "014" }, { "250001", "1200", "014" },
    { "250100", "1200", "014" }, { "250431", "1200", "014" }, { "25013A", "1200", "014" },
    { "250101", "2400", "015" }, { "250101", "1260", "015" }, { "250101", "12 0", "015" },
  };
  size_t i;
  rec r;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = run_isa_fields(cases[i].date, cases[i].time, &r);
    if (cases[i].code == NULL) {
      if (n != 0)
        fail_msg("%s %s: unexpected \"%s\"", cases[i].date, cases[i].time, r.faults[0].text);
    } else {
      if (n != 1)
        fail_msg("%s %s: %zu faults, want 1", cases[i].date, cases[i].time, n);
      assert_string_equal(r.faults[0].ack_code, cases[i].code);
    }
  }
}

/* Input that stops inside a transaction: every level is closed at the last segment. */
static void test_input_ends_everything_open(void **state)
{
  char buf[512];
  size_t i;
  rec r;

  (void)state;
  make_isa(buf, 107, "261120", "1015", "000000402");
  snprintf(buf + 106, sizeof buf - 106, "%s", gs_st_body);
  memset(&r, 0, sizeof r);
  assert_int_equal(run(buf, strlen(buf), &r, 0), X12KIT_OK);
  assert_int_equal(r.nfaults, 3);
  assert_string_equal(r.faults[0].ack_code, "2");
  assert_int_equal(r.faults[0].ack_kind, X12KIT_ACK_TRANSACTION);
  assert_string_equal(r.faults[0].text, "transaction 0001 has no SE trailer (the input ended)");
  assert_string_equal(r.faults[1].ack_code, "3");
  assert_int_equal(r.faults[1].ack_kind, X12KIT_ACK_GROUP);
  assert_string_equal(r.faults[1].text, "group 401 has no GE trailer (the input ended)");
  assert_string_equal(r.faults[2].ack_code, "023");
  assert_int_equal(r.faults[2].ack_kind, X12KIT_ACK_TA1);
  for (i = 0; i < 3; i++) {
    assert_int_equal(r.faults[i].pos.segment, 4);
    assert_string_equal(r.faults[i].segment_id, "BHT");
  }
  assert_string_equal(r.trace, "ISA GS ST SE:2 GE:1 IEA:1");
}

/* A new ST, GS or ISA while one is open closes it as a missing trailer. */
static void test_headers_close_open_units(void **state)
{
  char buf[1024];
  size_t n;
  rec r;

  (void)state;
  make_isa(buf, 107, "261120", "1015", "000000403");
  n = 106;
  n += (size_t)snprintf(buf + n, sizeof buf - n,
                        "GS*HS*NORTHWINDINF*CEDARVALLEYHP*20261120*1015*1*X*005010X279A1~"
                        "ST*270*0001*005010X279A1~"             /* 3 */
                        "ST*270*0002*005010X279A1~"             /* 4: closes 0001 */
                        "GS*HS*NORTHWINDINF*CEDARVALLEYHP*20261120*1015*2*X*005010X279A1~"
                        "ST*270*0003*005010X279A1~SE*2*0003~"   /* 6, 7 */
                        "GE*1*2~IEA*2*000000403~");
  memset(&r, 0, sizeof r);
  assert_int_equal(run(buf, n, &r, 0), X12KIT_OK);
  assert_int_equal(r.nfaults, 3);
  assert_string_equal(r.faults[0].text,
                      "transaction 0001 has no SE trailer (a new transaction began at ST)");
  assert_int_equal(r.faults[0].pos.segment, 4);
  assert_string_equal(r.faults[1].text,
                      "transaction 0002 has no SE trailer (a new group began at GS)");
  assert_int_equal(r.faults[1].pos.segment, 5);
  assert_string_equal(r.faults[2].text, "group 1 has no GE trailer (a new group began at GS)");
  assert_int_equal(r.faults[2].pos.segment, 5);
  assert_string_equal(r.trace, "ISA GS ST SE:1 ST SE:1 GE:2 GS ST SE:2 GE:1 IEA:2");
}

/* ---- data stays out of texts ---- */

static const char *const phi[] = {
  "LINDQVIST", "CVK300418826", "NORTHWIND", "CEDARVALLEY", "19880622", "1582037465",
  "9876543210", "NWI270"
};

static void test_show_data_off(void **state)
{
  size_t i, j, k;
  rec r;

  (void)state;
  for (i = 0; i < N_FAULT_CASES; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "envelope/%s", fault_cases[i].file);
    run_fixture(rel, &r, 0);
    for (j = 0; j < r.nfaults && j < MAX_FAULTS; j++) {
      assert_string_equal(r.faults[j].value, "");
      for (k = 0; k < sizeof phi / sizeof phi[0]; k++)
        if (strstr(r.faults[j].text, phi[k]))
          fail_msg("%s: text \"%s\" shows data", rel, r.faults[j].text);
    }
  }
}

static void test_show_data_on(void **state)
{
  static const struct {
    const char *file, *value;
  } cases[] = {
    { "isa15-bad.x12", "X" },
    { "isa05-bad.x12", "XX" },
    { "isa06-blank.x12", "               " },
    { "isa13-bad.x12", "0000003A1" },
    { "se01-count-wrong.x12", "13" },
    { "st02-se02-mismatch.x12", "0002" },
    { "gs01-unknown.x12", "ZZ" },
    { "st03-gs08-mismatch.x12", "005010X279" },
    { "missing-se.x12", "" },      /* no element to show */
    { "stray-segment.x12", "" },
  };
  size_t i;
  rec r;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "envelope/%s", cases[i].file);
    run_fixture(rel, &r, 1);
    assert_int_equal(r.nfaults, 1);
    assert_string_equal(r.faults[0].value, cases[i].value);
  }
}

/* ---- callbacks ---- */

static void test_abort_from_error_callback(void **state)
{
  x12kit_envelope *env;
  size_t len;
  char *buf = tu_read_fixture("envelope/duplicate-isa13.x12", &len);
  rec r;

  (void)state;
  memset(&r, 0, sizeof r);
  r.stop_on_fault = 1;
  assert_int_equal(x12kit_envelope_new(&env, NULL), X12KIT_OK);
  x12kit_envelope_set_callbacks(env, on_event, on_error, &r);
  assert_int_equal(feed(env, buf, len), X12KIT_ERR_ABORTED);
  assert_int_equal(r.nfaults, 1);
  assert_string_equal(r.faults[0].ack_code, "025");
  /* it stays stopped until reset */
  assert_int_equal(x12kit_envelope_finish(env), X12KIT_ERR_ABORTED);
  assert_int_equal(x12kit_envelope_error_count(env), 1);
  x12kit_envelope_reset(env);
  assert_int_equal(x12kit_envelope_error_count(env), 0);
  memset(&r, 0, sizeof r);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(r.nfaults, 1);
  x12kit_envelope_free(env);
  free(buf);
}

static void test_abort_from_event_callback(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("valid/multi-group.x12", &len);
  int stop;
  rec r;

  (void)state;
  /* ISA GS ST SE GE GS ST SE ST SE ST SE GE IEA: 14 events */
  for (stop = 1; stop <= 14; stop++) {
    memset(&r, 0, sizeof r);
    r.stop_on_event = stop;
    assert_int_equal(run(buf, len, &r, 0), X12KIT_ERR_ABORTED);
    assert_int_equal(r.nevents, stop);
  }
  memset(&r, 0, sizeof r);
  r.stop_on_event = 15;
  assert_int_equal(run(buf, len, &r, 0), X12KIT_OK);
  assert_int_equal(r.nevents, 14);
  free(buf);
}

static void test_null_callbacks(void **state)
{
  x12kit_envelope *env;
  size_t len;
  char *buf = tu_read_fixture("envelope/duplicate-st02.x12", &len);

  (void)state;
  assert_int_equal(x12kit_envelope_new(&env, NULL), X12KIT_OK);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_envelope_error_count(env), 1);
  x12kit_envelope_set_callbacks(env, NULL, NULL, NULL);
  x12kit_envelope_reset(env);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_envelope_error_count(env), 1);
  x12kit_envelope_free(env);
  free(buf);
}

/* Seen ISA13s persist across inputs until reset. */
static void test_reset(void **state)
{
  x12kit_envelope *env;
  size_t len;
  char *buf = tu_read_fixture("valid/270-eligibility.x12", &len);
  rec r;

  (void)state;
  memset(&r, 0, sizeof r);
  assert_int_equal(x12kit_envelope_new(&env, NULL), X12KIT_OK);
  x12kit_envelope_set_callbacks(env, on_event, on_error, &r);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(r.nfaults, 0);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(r.nfaults, 1);
  assert_string_equal(r.faults[0].ack_code, "025");
  x12kit_envelope_reset(env);
  memset(&r, 0, sizeof r);
  assert_int_equal(feed(env, buf, len), X12KIT_OK);
  assert_int_equal(r.nfaults, 0);
  assert_string_equal(r.trace, T270); /* callbacks kept */
  x12kit_envelope_free(env);
  free(buf);
}

static void test_null_arguments(void **state)
{
  x12kit_envelope *env;

  (void)state;
  assert_int_equal(x12kit_envelope_new(NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_envelope_segment(NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_envelope_finish(NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_envelope_error_count(NULL), 0);
  x12kit_envelope_free(NULL);
  x12kit_envelope_reset(NULL);
  x12kit_envelope_set_callbacks(NULL, NULL, NULL, NULL);
  x12kit_envelope_set_show_data(NULL, 1);
  assert_int_equal(x12kit_envelope_new(&env, NULL), X12KIT_OK);
  assert_int_equal(x12kit_envelope_segment(env, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_envelope_finish(env), X12KIT_OK); /* nothing was open */
  assert_int_equal(x12kit_envelope_error_count(env), 0);
  x12kit_envelope_free(env);
}

static void test_functional_ids(void **state)
{
  (void)state;
  assert_string_equal(x12kit_functional_id_transaction("HS"), "270");
  assert_string_equal(x12kit_functional_id_transaction("HB"), "271");
  assert_string_equal(x12kit_functional_id_transaction("HI"), "278");
  assert_string_equal(x12kit_functional_id_transaction("FA"), "999");
  assert_string_equal(x12kit_functional_id_transaction("HC"), "837");
  assert_string_equal(x12kit_functional_id_transaction("HP"), "835");
  assert_string_equal(x12kit_functional_id_transaction("HR"), "276");
  assert_string_equal(x12kit_functional_id_transaction("HN"), "277");
  assert_string_equal(x12kit_functional_id_transaction("BE"), "834");
  assert_string_equal(x12kit_functional_id_transaction("RA"), "820");
  assert_null(x12kit_functional_id_transaction("ZZ"));
  assert_null(x12kit_functional_id_transaction("hs"));
  assert_null(x12kit_functional_id_transaction("HSX"));
  assert_null(x12kit_functional_id_transaction(""));
  assert_null(x12kit_functional_id_transaction(NULL));
}

static void test_error_format(void **state)
{
  char line[300];
  rec r;

  (void)state;
  run_fixture("envelope/se01-count-wrong.x12", &r, 0);
  assert_int_equal(r.nfaults, 1);
  x12kit_error_format(&r.faults[0], line, sizeof line);
  assert_string_equal(line,
                      "segment 14 (SE): SE01 says 13 segments, the transaction has 12 [999 IK5 4]");
}

/* ---- big groups ---- */

/*
 * One group of |n| transactions with ST02 1..n, then one more whose
 * ST02 repeats |dup| (0: a new one).
 */
/*
 * n transactions with ST02 = i * step (step 1: in sequence, the common
 * case; other steps: scattered numbers), then one more with the number
 * of transaction |dup| again (0: a fresh number).
 */
static char *many_transactions(unsigned long n, unsigned long dup, unsigned long step,
                               size_t *len)
{
  static const char tx[] = "ST*270*%09lu*005010X279A1~BHT*0022*13*X*20261120*1015~SE*3*%09lu~";
  size_t cap = 512 + (n + 1) * 80, off;
  unsigned long i, last = dup ? dup : n + 1;
  char *buf = malloc(cap);

  assert_non_null(buf);
  make_isa(buf, cap, "261120", "1015", "000000501");
  off = 106;
  off += (size_t)snprintf(buf + off, cap - off,
                          "GS*HS*NORTHWINDINF*CEDARVALLEYHP*20261120*1015*501*X*005010X279A1~");
  for (i = 1; i <= n; i++)
    off += (size_t)snprintf(buf + off, cap - off, tx, i * step, i * step);
  off += (size_t)snprintf(buf + off, cap - off, tx, last * step, last * step);
  off += (size_t)snprintf(buf + off, cap - off, "GE*%lu*501~IEA*1*000000501~", n + 1);
  assert_true(off < cap);
  *len = off;
  return buf;
}

static void test_100000_transactions(void **state)
{
  const unsigned long n = 100000;
  size_t len;
  char *buf;
  rec r;

  unsigned long step;

  (void)state;
  /* numbers in sequence (kept as a run) and scattered (kept in the hash set) */
  for (step = 1; step <= 7; step += 6) {
    char text[96];

    buf = many_transactions(n, 0, step, &len);
    memset(&r, 0, sizeof r);
    assert_int_equal(run(buf, len, &r, 0), X12KIT_OK);
    assert_int_equal(r.nfaults, 0);
    assert_int_equal(r.events[X12KIT_TRANSACTION_END], n + 1);
    assert_int_equal(r.gs[0].transactions, n + 1);
    free(buf);

    buf = many_transactions(n, 1, step, &len);
    memset(&r, 0, sizeof r);
    assert_int_equal(run(buf, len, &r, 0), X12KIT_OK);
    assert_int_equal(r.nfaults, 1);
    assert_string_equal(r.faults[0].ack_code, "23");
    assert_int_equal(r.faults[0].pos.segment, 2 + 3 * n + 1);
    snprintf(text, sizeof text, "transaction control number %09lu is used twice in this group",
             step);
    assert_string_equal(r.faults[0].text, text);
    free(buf);
  }
}

/* ---- allocation failures ---- */

typedef struct failmem {
  long left;     /* allocations that succeed before the failures start; -1: all */
  long live;     /* blocks not yet freed */
} failmem;

static void *fm_malloc(size_t size, void *ud)
{
  failmem *f = ud;
  void *p;

  if (f->left == 0)
    return NULL;
  if (f->left > 0)
    f->left--;
  p = malloc(size);
  if (p)
    f->live++;
  return p;
}

static void fm_free(void *p, void *ud)
{
  failmem *f = ud;

  if (p) {
    f->live--;
    free(p);
  }
}

static void *fm_realloc(void *p, size_t size, void *ud)
{
  failmem *f = ud;
  void *q;

  if (p == NULL)
    return fm_malloc(size, ud);
  if (f->left == 0)
    return NULL;
  if (f->left > 0)
    f->left--;
  q = realloc(p, size);
  return q;
}

static void test_allocation_failures(void **state)
{
  size_t len;
  char *buf = many_transactions(200, 7, 3, &len); /* scattered: the hash set allocates */
  int saw_nomem = 0, saw_ok = 0;
  long budget;

  (void)state;
  for (budget = 0; budget < 64 && !saw_ok; budget++) {
    failmem fm = { budget, 0 };
    x12kit_mem mem = { &fm, fm_malloc, fm_free, fm_realloc };
    x12kit_envelope *env = NULL;
    rec r;
    int rc;

    memset(&r, 0, sizeof r);
    rc = x12kit_envelope_new(&env, &mem);
    if (budget == 0) {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_null(env);
      assert_int_equal(fm.live, 0);
      continue;
    }
    assert_int_equal(rc, X12KIT_OK);
    x12kit_envelope_set_callbacks(env, on_event, on_error, &r);
    rc = feed(env, buf, len);
    if (rc == X12KIT_ERR_NOMEM) {
      saw_nomem = 1;
      assert_int_equal(x12kit_envelope_finish(env), X12KIT_ERR_NOMEM);
    } else {
      assert_int_equal(rc, X12KIT_OK);
      assert_int_equal(r.nfaults, 1); /* the duplicate ST02 */
      saw_ok = 1;
    }
    x12kit_envelope_free(env);
    assert_int_equal(fm.live, 0);
  }
  assert_true(saw_nomem);
  assert_true(saw_ok);
  free(buf);
}

/* ---- main ---- */

static const struct CMUnitTest fixed_tests[] = {
    cmocka_unit_test(test_every_fixture_has_a_case),
    cmocka_unit_test(test_info_270),
    cmocka_unit_test(test_info_multi_interchange),
    cmocka_unit_test(test_info_multi_group),
    cmocka_unit_test(test_info_ta1),
    cmocka_unit_test(test_isa_date_time),
    cmocka_unit_test(test_input_ends_everything_open),
    cmocka_unit_test(test_headers_close_open_units),
    cmocka_unit_test(test_show_data_off),
    cmocka_unit_test(test_show_data_on),
    cmocka_unit_test(test_abort_from_error_callback),
    cmocka_unit_test(test_abort_from_event_callback),
    cmocka_unit_test(test_null_callbacks),
    cmocka_unit_test(test_reset),
    cmocka_unit_test(test_null_arguments),
    cmocka_unit_test(test_functional_ids),
    cmocka_unit_test(test_error_format),
    cmocka_unit_test(test_100000_transactions),
    cmocka_unit_test(test_allocation_failures),
};

#define N_FIXED_TESTS (sizeof fixed_tests / sizeof fixed_tests[0])
#define N_FIXTURE_TESTS (N_FAULT_CASES + N_VALID_CASES)

int main(void)
{
  struct CMUnitTest tests[N_FIXED_TESTS + N_FIXTURE_TESTS];
  char names[N_FIXTURE_TESTS][80];
  size_t i, k = 0;

  memcpy(tests, fixed_tests, sizeof fixed_tests);
  memset(tests + N_FIXED_TESTS, 0, sizeof tests - sizeof fixed_tests);
  /* One test per fixture, named after it. */
  for (i = 0; i < N_FAULT_CASES; i++, k++) {
    snprintf(names[k], sizeof names[k], "envelope/%s", fault_cases[i].file);
    tests[N_FIXED_TESTS + k].name = names[k];
    tests[N_FIXED_TESTS + k].test_func = test_fault_fixture;
    tests[N_FIXED_TESTS + k].initial_state = &fault_cases[i];
  }
  for (i = 0; i < N_VALID_CASES; i++, k++) {
    snprintf(names[k], sizeof names[k], "valid/%s", valid_cases[i].file);
    tests[N_FIXED_TESTS + k].name = names[k];
    tests[N_FIXED_TESTS + k].test_func = test_valid_fixture;
    tests[N_FIXED_TESTS + k].initial_state = &valid_cases[i];
  }
  return cmocka_run_group_tests(tests, NULL, NULL);
}
