/*
 * x12kit tests - the cost estimate for a planned series of sessions.
 * Coverages are built by hand, so every case states exactly what the
 * payer said; the expected amounts are worked out by hand in the
 * comments, to the cent.  Every estimate is also checked for the sums
 * that must always hold (patient and payer parts, totals, assumptions
 * listed once).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* ---- building coverages ---- */

static void money_term(x12kit_term *t, long long cents)
{
  memset(t, 0, sizeof *t);
  t->set = 1;
  t->cents = cents;
  t->period = "";
  t->source.rule = X12KIT_RULE_PROCEDURE;
}

static void rate_term(x12kit_term *t, long bp)
{
  memset(t, 0, sizeof *t);
  t->set = 1;
  t->bp = bp;
  t->period = "";
  t->source.rule = X12KIT_RULE_PROCEDURE;
}

static void from(x12kit_term *t, x12kit_rule rule, const char *service_type)
{
  t->source.rule = rule;
  t->source.service_type = service_type;
}

/* Covered, no prior authorization needed, both said for the procedure; no cost terms. */
static x12kit_coverage bare(void)
{
  x12kit_coverage c;

  memset(&c, 0, sizeof c);
  c.covered = X12KIT_ANSWER_YES;
  c.covered_source.rule = X12KIT_RULE_PROCEDURE;
  c.auth = X12KIT_ANSWER_NO;
  c.auth_source.rule = X12KIT_RULE_PROCEDURE;
  return c;
}

/*
 * Everything stated for the procedure, in network: deductible $1,500.00
 * with $1,100.00 remaining, coinsurance 20 %, out-of-pocket maximum
 * $3,000.00 with $2,400.00 remaining.  With an allowed amount given this
 * needs no assumption at all.
 */
static x12kit_coverage clean(void)
{
  x12kit_coverage c = bare();

  money_term(&c.in_network.deductible, 150000);
  money_term(&c.in_network.deductible_remaining, 110000);
  rate_term(&c.in_network.coinsurance, 2000);
  money_term(&c.in_network.oop, 300000);
  money_term(&c.in_network.oop_remaining, 240000);
  return c;
}

/* ---- checking estimates ---- */

static int contains(const x12kit_estimate *e, const char *needle)
{
  size_t i;
  int n = 0;

  for (i = 0; i < x12kit_estimate_assumption_count(e); i++)
    if (strstr(x12kit_estimate_assumption(e, i), needle))
      n++;
  return n;
}

/* Index of the assumption containing |needle|; fails when there is none. */
static size_t index_of(const x12kit_estimate *e, const char *needle)
{
  size_t i;

  for (i = 0; i < x12kit_estimate_assumption_count(e); i++)
    if (strstr(x12kit_estimate_assumption(e, i), needle))
      return i;
  fail_msg("no assumption contains \"%s\"", needle);
  return 0;
}

static void print_assumptions(const x12kit_estimate *e)
{
  size_t i;

  for (i = 0; i < x12kit_estimate_assumption_count(e); i++)
    fprintf(stderr, "# assumption %zu: %s\n", i + 1, x12kit_estimate_assumption(e, i));
}

/* What must hold for every estimate. */
static void check_sums(const x12kit_estimate *e, const x12kit_estimate_input *in)
{
  x12kit_estimate_session sum;
  const x12kit_estimate_session *t = x12kit_estimate_total(e);
  size_t i, j, n = x12kit_estimate_session_count(e);

  assert_int_equal(n, in->sessions);
  assert_non_null(t);
  memset(&sum, 0, sizeof sum);
  for (i = 0; i < n; i++) {
    const x12kit_estimate_session *s = x12kit_estimate_session_at(e, i);
    long long share;

    assert_non_null(s);
    share = s->deductible + s->coinsurance + s->copay;
    assert_true(s->allowed >= 0 && s->deductible >= 0 && s->coinsurance >= 0 && s->copay >= 0 &&
                s->not_covered >= 0 && s->balance >= 0 && s->payer >= 0);
    assert_true(s->allowed <= in->charge_cents);
    assert_int_equal(s->patient, share + s->not_covered + s->balance);
    assert_int_equal(s->payer, s->allowed - share);
    if (s->not_covered) {
      /* a session not covered is the whole charge, nothing else */
      assert_int_equal(s->not_covered, in->charge_cents);
      assert_int_equal(s->allowed, 0);
      assert_int_equal(s->patient, in->charge_cents);
      assert_int_equal(s->balance, 0);
    } else {
      assert_int_equal(s->allowed + s->balance, in->network == X12KIT_NETWORK_OUT
                                                    ? in->charge_cents
                                                    : s->allowed);
      if (in->network == X12KIT_NETWORK_IN)
        assert_int_equal(s->balance, 0);
    }
    sum.allowed += s->allowed;
    sum.deductible += s->deductible;
    sum.coinsurance += s->coinsurance;
    sum.copay += s->copay;
    sum.not_covered += s->not_covered;
    sum.balance += s->balance;
    sum.patient += s->patient;
    sum.payer += s->payer;
  }
  assert_null(x12kit_estimate_session_at(e, n));
  assert_memory_equal(&sum, t, sizeof sum);

  for (i = 0; i < x12kit_estimate_assumption_count(e); i++) {
    const char *a = x12kit_estimate_assumption(e, i);
    size_t len;

    assert_non_null(a);
    len = strlen(a);
    assert_true(len > 20);
    assert_true(a[0] >= 'A' && a[0] <= 'Z'); /* a sentence */
    assert_int_equal(a[len - 1], '.');
    for (j = 0; j < len; j++)
      assert_true(a[j] >= 0x20 && a[j] < 0x7f);
    for (j = 0; j < i; j++)
      assert_string_not_equal(a, x12kit_estimate_assumption(e, j)); /* each once */
  }
  assert_null(x12kit_estimate_assumption(e, x12kit_estimate_assumption_count(e)));
}

static x12kit_estimate *estimate(const x12kit_coverage *c, unsigned sessions, long long charge,
                                 long long allowed, x12kit_network network)
{
  x12kit_estimate_input in;
  x12kit_estimate *e = NULL;
  x12kit_error err;
  int rc;

  memset(&in, 0, sizeof in);
  in.sessions = sessions;
  in.charge_cents = charge;
  in.allowed_cents = allowed;
  in.network = network;
  rc = x12kit_estimate_compute(&e, c, &in, NULL, &err);
  if (rc != X12KIT_OK)
    fail_msg("x12kit_estimate_compute: %d %s", rc, err.text);
  assert_non_null(e);
  check_sums(e, &in);
  return e;
}

typedef struct want {
  long long allowed, deductible, coinsurance, copay, not_covered, balance, patient, payer;
} want;

static void expect(const x12kit_estimate_session *s, want w, const char *what)
{
  assert_non_null(s);
#define FIELD(f)                                                                    \
  if (s->f != w.f)                                                                  \
    fail_msg("%s: " #f " is %lld, expected %lld", what, s->f, w.f);
  FIELD(allowed)
  FIELD(deductible)
  FIELD(coinsurance)
  FIELD(copay)
  FIELD(not_covered)
  FIELD(balance)
  FIELD(patient)
  FIELD(payer)
#undef FIELD
}

static void expect_session(const x12kit_estimate *e, size_t i, want w)
{
  char what[32];

  snprintf(what, sizeof what, "session %zu", i + 1);
  expect(x12kit_estimate_session_at(e, i), w, what);
}

static void expect_total(const x12kit_estimate *e, want w)
{
  expect(x12kit_estimate_total(e), w, "total");
}

/* ---- the model, case by case ---- */

static void test_copay_only(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;
  size_t i;

  (void)state;
  money_term(&c.in_network.copay, 3000);
  money_term(&c.in_network.deductible_remaining, 0);
  money_term(&c.in_network.oop_remaining, 100000);

  /*
   * Six sessions, charge $650.00, allowed $480.00, copay $30.00, the
   * deductible met: each session the patient pays the $30.00 copay and
   * the payer $480.00 - $30.00 = $450.00.  Six: $180.00 and $2,700.00.
   */
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  for (i = 0; i < 6; i++)
    expect_session(e, i, (want){ 48000, 0, 0, 3000, 0, 0, 3000, 45000 });
  expect_total(e, (want){ 288000, 0, 0, 18000, 0, 0, 18000, 270000 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /* A copay above the allowed amount is capped by it: the payer pays nothing. */
  money_term(&c.in_network.copay, 50000);
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 0, 0, 48000, 0, 0, 48000, 0 });
  expect_total(e, (want){ 96000, 0, 0, 96000, 0, 0, 96000, 0 });
  x12kit_estimate_free(e);
}

static void test_coinsurance_deductible_series(void **state)
{
  x12kit_coverage c = clean();
  x12kit_estimate *e;

  (void)state;
  /*
   * Charge $650.00, allowed $480.00, six sessions; deductible $1,100.00
   * remaining, coinsurance 20 %, out-of-pocket $2,400.00 remaining.
   *
   *  1: deductible min(1100.00, 480.00) = 480.00, 620.00 left;
   *     coinsurance 20 % of 0 = 0; patient 480.00, payer 0.
   *  2: deductible 480.00, 140.00 left; patient 480.00, payer 0.
   *  3: deductible 140.00, met; coinsurance 20 % of 340.00 = 68.00;
   *     patient 208.00, payer 480.00 - 208.00 = 272.00.
   *  4-6: coinsurance 20 % of 480.00 = 96.00; payer 384.00.
   *  Total: allowed 2,880.00 = deductible 1,100.00 + coinsurance
   *  68.00 + 3 x 96.00 = 356.00, patient 1,456.00 (below the 2,400.00
   *  cap), payer 1,424.00.
   */
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 48000, 0, 0, 0, 0, 48000, 0 });
  expect_session(e, 1, (want){ 48000, 48000, 0, 0, 0, 0, 48000, 0 });
  expect_session(e, 2, (want){ 48000, 14000, 6800, 0, 0, 0, 20800, 27200 });
  expect_session(e, 3, (want){ 48000, 0, 9600, 0, 0, 0, 9600, 38400 });
  expect_session(e, 4, (want){ 48000, 0, 9600, 0, 0, 0, 9600, 38400 });
  expect_session(e, 5, (want){ 48000, 0, 9600, 0, 0, 0, 9600, 38400 });
  expect_total(e, (want){ 288000, 110000, 35600, 0, 0, 0, 145600, 142400 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /* the example of docs/estimate.md: the same, with prior authorization required */
  c.auth = X12KIT_ANSWER_YES;
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 288000, 110000, 35600, 0, 0, 0, 145600, 142400 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "Prior authorization is required: the estimate assumes the prior "
                      "authorization is approved before the first session; without it the payer "
                      "may pay nothing.");
  x12kit_estimate_free(e);
}

static void test_deductible_met_mid_session(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.deductible_remaining, 20000);
  rate_term(&c.in_network.coinsurance, 1000);
  money_term(&c.in_network.copay, 2500);
  money_term(&c.in_network.oop_remaining, 500000);
  /*
   * Allowed $480.00; $200.00 of deductible left, 10 %, copay $25.00.
   *  1: deductible 200.00 (met inside the session); coinsurance 10 % of
   *     280.00 = 28.00; copay 25.00 (252.00 is left); patient 253.00,
   *     payer 480.00 - 253.00 = 227.00.
   *  2, 3: coinsurance 48.00, copay 25.00; patient 73.00, payer 407.00.
   *  Total: 200.00 + 124.00 + 75.00 = 399.00; payer 1,041.00.
   */
  e = estimate(&c, 3, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 20000, 2800, 2500, 0, 0, 25300, 22700 });
  expect_session(e, 1, (want){ 48000, 0, 4800, 2500, 0, 0, 7300, 40700 });
  expect_session(e, 2, (want){ 48000, 0, 4800, 2500, 0, 0, 7300, 40700 });
  expect_total(e, (want){ 144000, 20000, 12400, 7500, 0, 0, 39900, 104100 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The copay was charged after the deductible and any coinsurance, on what "
                      "was left of the allowed amount; some plans waive the deductible for "
                      "copay services, or charge only the copay.");
  x12kit_estimate_free(e);
}

static void test_oop_cap(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.deductible_remaining, 20000);
  rate_term(&c.in_network.coinsurance, 3000);
  money_term(&c.in_network.oop_remaining, 50000);
  /*
   * Allowed $480.00; $200.00 deductible left, 30 %, $500.00 left to the cap.
   *  1: deductible 200.00; coinsurance 30 % of 280.00 = 84.00; 284.00,
   *     216.00 left to the cap; payer 196.00.
   *  2: coinsurance 144.00, 72.00 left; payer 336.00.
   *  3: coinsurance 144.00 capped to 72.00: the cap is reached; payer
   *     408.00.
   *  4: nothing; payer 480.00.
   *  Total: patient 500.00 exactly the cap, payer 1,420.00.
   */
  e = estimate(&c, 4, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 20000, 8400, 0, 0, 0, 28400, 19600 });
  expect_session(e, 1, (want){ 48000, 0, 14400, 0, 0, 0, 14400, 33600 });
  expect_session(e, 2, (want){ 48000, 0, 7200, 0, 0, 0, 7200, 40800 });
  expect_session(e, 3, (want){ 48000, 0, 0, 0, 0, 0, 0, 48000 });
  expect_total(e, (want){ 192000, 20000, 30000, 0, 0, 0, 50000, 142000 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The out-of-pocket maximum is reached in session 3: after that the payer "
                      "pays the whole allowed amount. The estimate counts the deductible, "
                      "coinsurance and copays toward it; charges not covered and balance "
                      "billing do not count.");
  x12kit_estimate_free(e);

  /* The same cap stated only as the maximum: the same numbers, assuming none paid yet. */
  c.in_network.oop_remaining.set = 0;
  money_term(&c.in_network.oop, 50000);
  e = estimate(&c, 4, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 192000, 20000, 30000, 0, 0, 0, 50000, 142000 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 2);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The payer stated an out-of-pocket maximum of $500.00 but not how much of "
                      "it remains: the estimate assumes nothing has been paid toward it yet.");
  assert_int_equal(contains(e, "reached in session 3"), 1);
  x12kit_estimate_free(e);

  /*
   * The cap cuts into a session: deductible first, then coinsurance,
   * then copay.  $100.00 deductible left, 20 %, copay $25.00, $150.00 to
   * the cap: uncapped 100.00 + 20 % of 380.00 = 76.00 + 25.00 = 201.00;
   * capped: deductible 100.00, coinsurance 50.00, copay 0; payer 330.00.
   */
  c = bare();
  money_term(&c.in_network.deductible_remaining, 10000);
  rate_term(&c.in_network.coinsurance, 2000);
  money_term(&c.in_network.copay, 2500);
  money_term(&c.in_network.oop_remaining, 15000);
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 10000, 5000, 0, 0, 0, 15000, 33000 });
  expect_session(e, 1, (want){ 48000, 0, 0, 0, 0, 0, 0, 48000 });
  assert_int_equal(contains(e, "reached in session 1:"), 1);
  x12kit_estimate_free(e);

  /* Already met: the payer pays everything from the first session. */
  money_term(&c.in_network.oop_remaining, 0);
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 96000, 0, 0, 0, 0, 0, 0, 96000 });
  assert_int_equal(contains(e, "The out-of-pocket maximum is already reached"), 1);
  assert_int_equal(contains(e, "reached in session"), 0);
  x12kit_estimate_free(e);
}

static void test_visit_limit(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;
  size_t i;

  (void)state;
  money_term(&c.in_network.copay, 3000);
  money_term(&c.in_network.deductible_remaining, 0);
  money_term(&c.in_network.oop_remaining, 100000);
  money_term(&c.in_network.visits_remaining, 4);
  /*
   * Four visits left, six sessions: 1-4 cost the $30.00 copay (payer
   * $450.00); 5 and 6 are not covered, $650.00 each to the patient.
   * Total patient 4 x 30.00 + 2 x 650.00 = 1,420.00; payer 1,800.00.
   */
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  for (i = 0; i < 4; i++)
    expect_session(e, i, (want){ 48000, 0, 0, 3000, 0, 0, 3000, 45000 });
  expect_session(e, 4, (want){ 0, 0, 0, 0, 65000, 0, 65000, 0 });
  expect_session(e, 5, (want){ 0, 0, 0, 0, 65000, 0, 65000, 0 });
  expect_total(e, (want){ 192000, 0, 0, 12000, 130000, 0, 142000, 180000 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The visit limit leaves 4 visits: sessions 5 and 6 are estimated as not "
                      "covered, at the full charge of $650.00 each.");
  x12kit_estimate_free(e);

  /* one session past the limit; many past it */
  money_term(&c.in_network.visits_remaining, 5);
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "The visit limit leaves 5 visits: session 6 is estimated as not "
                               "covered, at the full charge of $650.00."), 1);
  x12kit_estimate_free(e);
  money_term(&c.in_network.visits_remaining, 1);
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "The visit limit leaves 1 visit: sessions 2 to 6 are"), 1);
  expect_total(e, (want){ 48000, 0, 0, 3000, 325000, 0, 328000, 45000 });
  x12kit_estimate_free(e);

  /* enough visits: no sentence about the limit */
  money_term(&c.in_network.visits_remaining, 6);
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /* only the limit for the year: assume none used */
  c.in_network.visits_remaining.set = 0;
  money_term(&c.in_network.visits, 20);
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 288000, 0, 0, 18000, 0, 0, 18000, 270000 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The payer stated a limit of 20 visits but not how many remain: the "
                      "estimate assumes none has been used yet.");
  x12kit_estimate_free(e);

  /*
   * None left: nothing is covered, so only the limit is explained; the
   * authorization and cost-term sentences would change nothing.
   */
  c = bare();
  c.auth = X12KIT_ANSWER_YES;
  money_term(&c.in_network.visits_remaining, 0);
  e = estimate(&c, 3, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 0, 0, 0, 0, 195000, 0, 195000, 0 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "No visits remain under the visit limit: every session is estimated as "
                      "not covered, at the full charge of $650.00 each.");
  x12kit_estimate_free(e);

  /* out of network, a session past the limit has no balance billing of its own */
  c = bare();
  money_term(&c.out_network.deductible_remaining, 0);
  rate_term(&c.out_network.coinsurance, 4000);
  money_term(&c.out_network.oop_remaining, 500000);
  money_term(&c.out_network.visits_remaining, 1);
  e = estimate(&c, 2, 65000, 40000, X12KIT_NETWORK_OUT);
  expect_session(e, 0, (want){ 40000, 0, 16000, 0, 0, 25000, 41000, 24000 });
  expect_session(e, 1, (want){ 0, 0, 0, 0, 65000, 0, 65000, 0 });
  x12kit_estimate_free(e);
}

static void test_not_covered(void **state)
{
  x12kit_coverage c = clean();
  x12kit_estimate *e;
  size_t i;

  (void)state;
  c.covered = X12KIT_ANSWER_NO;
  c.auth = X12KIT_ANSWER_YES;
  money_term(&c.in_network.copay, 3000);
  money_term(&c.in_network.visits_remaining, 1);
  /* Every session is the whole $650.00; the payer's terms change nothing. */
  e = estimate(&c, 3, 65000, 48000, X12KIT_NETWORK_IN);
  for (i = 0; i < 3; i++)
    expect_session(e, i, (want){ 0, 0, 0, 0, 65000, 0, 65000, 0 });
  expect_total(e, (want){ 0, 0, 0, 0, 195000, 0, 195000, 0 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The payer says the procedure is not covered: the estimate charges the "
                      "patient the full charge of $650.00 for every session, and the payer pays "
                      "nothing.");
  x12kit_estimate_free(e);

  /* out of network too: no balance billing on top of the whole charge */
  e = estimate(&c, 2, 65000, -1, X12KIT_NETWORK_OUT);
  expect_total(e, (want){ 0, 0, 0, 0, 130000, 0, 130000, 0 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  x12kit_estimate_free(e);

  /* the plan is not active */
  c.covered_source.rule = X12KIT_RULE_PLAN_STATUS;
  e = estimate(&c, 1, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_int_equal(contains(e, "The plan is not active, so the procedure is not covered"), 1);
  x12kit_estimate_free(e);

  /* said for a service type */
  c.covered_source.rule = X12KIT_RULE_SERVICE_TYPE;
  c.covered_source.service_type = "MH";
  e = estimate(&c, 1, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(x12kit_estimate_assumption_count(e), 2);
  assert_string_equal(x12kit_estimate_assumption(e, 1),
                      "That the procedure is not covered was stated for service type MH, not "
                      "for the procedure itself.");
  x12kit_estimate_free(e);
}

static void test_out_of_network(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  /* in network: a copay; out of network: 40 % coinsurance */
  money_term(&c.in_network.copay, 2500);
  money_term(&c.in_network.deductible_remaining, 0);
  money_term(&c.in_network.oop_remaining, 500000);
  money_term(&c.out_network.deductible_remaining, 0);
  rate_term(&c.out_network.coinsurance, 4000);
  money_term(&c.out_network.oop_remaining, 500000);

  /*
   * Out of network, charge $650.00, allowed $400.00: coinsurance 40 % of
   * 400.00 = 160.00, balance 650.00 - 400.00 = 250.00; patient 410.00,
   * payer 240.00.  Two sessions: 820.00 and 480.00.
   */
  e = estimate(&c, 2, 65000, 40000, X12KIT_NETWORK_OUT);
  expect_session(e, 0, (want){ 40000, 0, 16000, 0, 0, 25000, 41000, 24000 });
  expect_session(e, 1, (want){ 40000, 0, 16000, 0, 0, 25000, 41000, 24000 });
  expect_total(e, (want){ 80000, 0, 32000, 0, 0, 50000, 82000, 48000 });
  print_assumptions(e);
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "Out of network the provider may bill the patient the difference between "
                      "the charge and the allowed amount of $400.00: the estimate adds $250.00 "
                      "per covered session (balance billing), which counts toward neither the "
                      "deductible nor the out-of-pocket maximum.");
  x12kit_estimate_free(e);

  /* the same in network: the in-network copay, no balance */
  e = estimate(&c, 2, 65000, 40000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 80000, 0, 0, 5000, 0, 0, 5000, 75000 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /*
   * The balance does not count toward the cap: $200.00 to the cap.
   *  1: coinsurance 160.00 (40.00 left), balance 250.00: patient 410.00.
   *  2: coinsurance capped to 40.00, balance 250.00: patient 290.00,
   *     payer 360.00.
   */
  money_term(&c.out_network.oop_remaining, 20000);
  e = estimate(&c, 2, 65000, 40000, X12KIT_NETWORK_OUT);
  expect_session(e, 0, (want){ 40000, 0, 16000, 0, 0, 25000, 41000, 24000 });
  expect_session(e, 1, (want){ 40000, 0, 4000, 0, 0, 25000, 29000, 36000 });
  assert_int_equal(contains(e, "reached in session 2:"), 1);
  x12kit_estimate_free(e);

  /* allowed equal to the charge: nothing to balance bill */
  money_term(&c.out_network.oop_remaining, 500000);
  e = estimate(&c, 1, 65000, 65000, X12KIT_NETWORK_OUT);
  expect_total(e, (want){ 65000, 0, 26000, 0, 0, 0, 26000, 39000 });
  assert_int_equal(contains(e, "balance billing"), 0);
  x12kit_estimate_free(e);
}

static void test_no_allowed(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.copay, 2500);
  money_term(&c.in_network.deductible_remaining, 0);
  money_term(&c.in_network.oop_remaining, 500000);
  money_term(&c.out_network.copay, 5000);
  money_term(&c.out_network.deductible_remaining, 0);
  money_term(&c.out_network.oop_remaining, 500000);

  /* in network: the charge stands in for the allowed amount; copay 25.00, payer 625.00 */
  e = estimate(&c, 2, 65000, -1, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 65000, 0, 0, 2500, 0, 0, 2500, 62500 });
  expect_total(e, (want){ 130000, 0, 0, 5000, 0, 0, 5000, 125000 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "No allowed amount was given: the estimate uses the full charge of $650.00 "
                      "per session. In network the allowed amount is usually lower than the "
                      "charge; ask the payer or use the contracted rate.");
  x12kit_estimate_free(e);

  /* out of network: no balance can be shown; copay 50.00, payer 600.00 */
  e = estimate(&c, 1, 65000, -1, X12KIT_NETWORK_OUT);
  expect_total(e, (want){ 65000, 0, 0, 5000, 0, 0, 5000, 60000 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_int_equal(contains(e, "so it shows no balance billing. Out of network the payer "
                               "usually allows less than the charge"), 1);
  x12kit_estimate_free(e);

  /* an allowed amount of 0 is an amount, not "unknown": the payer pays nothing */
  e = estimate(&c, 1, 65000, 0, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 0, 0, 0, 0, 0, 0, 0, 0 });
  assert_int_equal(contains(e, "No allowed amount"), 0);
  x12kit_estimate_free(e);
}

static void test_deductible_without_remaining(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.deductible, 50000);
  rate_term(&c.in_network.coinsurance, 2000);
  money_term(&c.in_network.oop_remaining, 500000);
  /*
   * $500.00 deductible, none of it assumed met; allowed $480.00, 20 %.
   *  1: deductible 480.00, 20.00 left; patient 480.00, payer 0.
   *  2: deductible 20.00; coinsurance 20 % of 460.00 = 92.00; patient
   *     112.00, payer 368.00.
   */
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_session(e, 0, (want){ 48000, 48000, 0, 0, 0, 0, 48000, 0 });
  expect_session(e, 1, (want){ 48000, 2000, 9200, 0, 0, 0, 11200, 36800 });
  expect_total(e, (want){ 96000, 50000, 9200, 0, 0, 0, 59200, 36800 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The payer stated a deductible of $500.00 but not how much of it remains: "
                      "the estimate assumes none of it has been met yet.");
  x12kit_estimate_free(e);

  /* with what remains stated too, the remaining amount wins and nothing is assumed */
  money_term(&c.in_network.deductible_remaining, 0);
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 96000, 0, 19200, 0, 0, 0, 19200, 76800 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /* no deductible stated at all: none applies */
  c.in_network.deductible.set = 0;
  c.in_network.deductible_remaining.set = 0;
  e = estimate(&c, 2, 65000, 48000, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 96000, 0, 19200, 0, 0, 0, 19200, 76800 });
  assert_int_equal(x12kit_estimate_assumption_count(e), 1);
  assert_string_equal(x12kit_estimate_assumption(e, 0),
                      "The payer stated no deductible: the estimate assumes none applies.");
  x12kit_estimate_free(e);
}

static void test_coinsurance_rounding(void **state)
{
  static const struct {
    long bp;
    long long amount, coinsurance;
  } cases[] = {
    { 3333, 10001, 3333 }, /* 33.33 % of $100.01 = 33.333333 -> $33.33 */
    { 2500, 10002, 2501 }, /* 25 % of $100.02 = 25.005 -> $25.01 (half up) */
    { 2500, 10001, 2500 }, /* 25.0025 -> $25.00 */
    { 2500, 10003, 2501 }, /* 25.0075 -> $25.01 */
    { 1, 5000, 1 },        /* 0.01 % of $50.00 = 0.005 -> $0.01 */
    { 1, 4999, 0 },        /* 0.004999 -> $0.00 */
    { 5000, 1, 1 },        /* half a cent -> 1 cent */
    { 10000, 48000, 48000 },
    { 0, 48000, 0 },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    x12kit_coverage c = bare();
    x12kit_estimate *e;
    char what[40];

    money_term(&c.in_network.deductible_remaining, 0);
    money_term(&c.in_network.oop_remaining, 500000);
    rate_term(&c.in_network.coinsurance, cases[i].bp);
    e = estimate(&c, 1, cases[i].amount, cases[i].amount, X12KIT_NETWORK_IN);
    snprintf(what, sizeof what, "case %zu", i + 1);
    expect(x12kit_estimate_total(e),
           (want){ cases[i].amount, 0, cases[i].coinsurance, 0, 0, 0, cases[i].coinsurance,
                   cases[i].amount - cases[i].coinsurance },
           what);
    x12kit_estimate_free(e);
  }
}

/* ---- assumptions ---- */

/* One change to clean() and the one sentence it must add. */
enum change {
  COVERED_NOT_STATED, COVERED_UNKNOWN, COVERED_BY_SERVICE_TYPE, COVERED_BY_PLAN,
  AUTH_REQUIRED, AUTH_UNKNOWN, AUTH_NOT_STATED, AUTH_NO_BY_PLAN, NO_ALLOWED, VISITS_NO_REMAINING,
  DEDUCTIBLE_NO_REMAINING, NO_DEDUCTIBLE, NO_COINSURANCE, COPAY_AND_COINSURANCE,
  OOP_NO_REMAINING, NO_OOP, COINSURANCE_BY_SERVICE_TYPE, DEDUCTIBLE_BY_PLAN, OOP_BY_SERVICE_TYPE,
  VISITS_BY_PLAN, CHANGES
};

static const char *const added[CHANGES] = {
  "The payer did not say whether the procedure is covered: the estimate assumes it is.",
  "The payer does not know whether the procedure is covered: the estimate assumes it is.",
  "That the procedure is covered was stated for service type MH, not for the procedure itself; "
  "check that the plan covers this procedure.",
  "That the procedure is covered was stated for the plan as a whole, not for the procedure "
  "itself; check that the plan covers this procedure.",
  "Prior authorization is required: the estimate assumes the prior authorization is approved "
  "before the first session; without it the payer may pay nothing.",
  "The payer does not know whether prior authorization is required: the estimate assumes none "
  "is needed or that it is approved before the first session; without a required authorization "
  "the payer may pay nothing.",
  "The payer did not say whether prior authorization is required: the estimate assumes none is "
  "needed or that it is approved before the first session; without a required authorization "
  "the payer may pay nothing.",
  "That no prior authorization is required was stated for the plan as a whole, not for the "
  "procedure itself; the estimate assumes none is needed.",
  "No allowed amount was given: the estimate uses the full charge of $650.00 per session. In "
  "network the allowed amount is usually lower than the charge; ask the payer or use the "
  "contracted rate.",
  "The payer stated a limit of 12 visits but not how many remain: the estimate assumes none has "
  "been used yet.",
  "The payer stated a deductible of $1,500.00 but not how much of it remains: the estimate "
  "assumes none of it has been met yet.",
  "The payer stated no deductible: the estimate assumes none applies.",
  "The payer stated no copay and no coinsurance: the estimate assumes the payer pays the whole "
  "allowed amount after the deductible.",
  "The copay was charged after the deductible and any coinsurance, on what was left of the "
  "allowed amount; some plans waive the deductible for copay services, or charge only the "
  "copay.",
  "The payer stated an out-of-pocket maximum of $3,000.00 but not how much of it remains: the "
  "estimate assumes nothing has been paid toward it yet.",
  "The payer stated no out-of-pocket maximum: the estimate applies no cap to what the patient "
  "pays.",
  "The coinsurance of 20% was stated for service type MH, not for the procedure itself; the "
  "estimate applies it to the procedure.",
  "The remaining deductible of $1,100.00 was stated for the plan as a whole, not for the "
  "procedure itself; the estimate applies it to the procedure.",
  "The remaining out-of-pocket maximum of $2,400.00 was stated for service type A6, not for the "
  "procedure itself; the estimate applies it to the procedure.",
  "The remaining visit limit of 10 visits was stated for the plan as a whole, not for the "
  "procedure itself; the estimate applies it to the procedure.",
};

static void apply(enum change k, x12kit_coverage *c, long long *allowed)
{
  x12kit_cost_terms *t = &c->in_network;

  switch (k) {
  case COVERED_NOT_STATED: c->covered = X12KIT_ANSWER_NOT_STATED; break;
  case COVERED_UNKNOWN: c->covered = X12KIT_ANSWER_UNKNOWN; break;
  case COVERED_BY_SERVICE_TYPE:
    c->covered_source.rule = X12KIT_RULE_SERVICE_TYPE;
    c->covered_source.service_type = "MH";
    break;
  case COVERED_BY_PLAN:
    c->covered_source.rule = X12KIT_RULE_PLAN;
    c->covered_source.service_type = "30";
    break;
  case AUTH_REQUIRED: c->auth = X12KIT_ANSWER_YES; break;
  case AUTH_UNKNOWN: c->auth = X12KIT_ANSWER_UNKNOWN; break;
  case AUTH_NOT_STATED: c->auth = X12KIT_ANSWER_NOT_STATED; break;
  case AUTH_NO_BY_PLAN: c->auth_source.rule = X12KIT_RULE_PLAN; break;
  case NO_ALLOWED: *allowed = -1; break;
  case VISITS_NO_REMAINING: money_term(&t->visits, 12); break;
  case DEDUCTIBLE_NO_REMAINING: t->deductible_remaining.set = 0; break;
  case NO_DEDUCTIBLE: t->deductible.set = t->deductible_remaining.set = 0; break;
  case NO_COINSURANCE: t->coinsurance.set = 0; break;
  case COPAY_AND_COINSURANCE: money_term(&t->copay, 2500); break;
  case OOP_NO_REMAINING: t->oop_remaining.set = 0; break;
  case NO_OOP: t->oop.set = t->oop_remaining.set = 0; break;
  case COINSURANCE_BY_SERVICE_TYPE: from(&t->coinsurance, X12KIT_RULE_SERVICE_TYPE, "MH"); break;
  case DEDUCTIBLE_BY_PLAN: from(&t->deductible_remaining, X12KIT_RULE_PLAN, "30"); break;
  case OOP_BY_SERVICE_TYPE: from(&t->oop_remaining, X12KIT_RULE_SERVICE_TYPE, "A6"); break;
  case VISITS_BY_PLAN:
    money_term(&t->visits_remaining, 10);
    from(&t->visits_remaining, X12KIT_RULE_PLAN, NULL);
    break;
  case CHANGES: break;
  }
}

static void test_each_assumption(void **state)
{
  x12kit_coverage c = clean();
  x12kit_estimate *e;
  int k;

  (void)state;
  /* the clean coverage needs none */
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(x12kit_estimate_assumption_count(e), 0);
  x12kit_estimate_free(e);

  /* each change adds exactly its own sentence */
  for (k = 0; k < CHANGES; k++) {
    long long allowed = 48000;

    c = clean();
    apply((enum change)k, &c, &allowed);
    e = estimate(&c, 6, 65000, allowed, X12KIT_NETWORK_IN);
    if (x12kit_estimate_assumption_count(e) != 1 ||
        strcmp(x12kit_estimate_assumption(e, 0), added[k]) != 0) {
      print_assumptions(e);
      fail_msg("change %d: expected only \"%s\"", k, added[k]);
    }
    x12kit_estimate_free(e);
  }
}

static void test_assumptions_order(void **state)
{
  static const char *const order[] = {
    "did not say whether the procedure is covered",
    "Prior authorization is required",
    "The visit limit leaves 4 visits",
    "stated a deductible of $1,500.00",
    "The copay was charged after the deductible",
    "stated no out-of-pocket maximum",
    "Out of network the provider may bill",
    "The copay of $25.00 was stated for service type MH",
    "The coinsurance of 33.33% was stated for the plan as a whole",
    "The deductible of $1,500.00 was stated for service type A4",
    "The remaining visit limit of 4 visits was stated for service type MH",
  };
  x12kit_coverage c = bare();
  x12kit_estimate *e, *again;
  size_t i, n, prev = 0;

  (void)state;
  c.covered = X12KIT_ANSWER_NOT_STATED;
  c.auth = X12KIT_ANSWER_YES;
  money_term(&c.out_network.copay, 2500);
  from(&c.out_network.copay, X12KIT_RULE_SERVICE_TYPE, "MH");
  rate_term(&c.out_network.coinsurance, 3333);
  from(&c.out_network.coinsurance, X12KIT_RULE_PLAN, "30");
  money_term(&c.out_network.deductible, 150000);
  from(&c.out_network.deductible, X12KIT_RULE_SERVICE_TYPE, "A4");
  money_term(&c.out_network.visits_remaining, 4);
  from(&c.out_network.visits_remaining, X12KIT_RULE_SERVICE_TYPE, "MH");
  /* the in-network terms must not leak into an out-of-network estimate */
  money_term(&c.in_network.oop, 100);
  from(&c.in_network.oop, X12KIT_RULE_PLAN, NULL);

  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_OUT);
  print_assumptions(e);
  n = x12kit_estimate_assumption_count(e);
  assert_int_equal(n, sizeof order / sizeof order[0]);
  for (i = 0; i < n; i++) {
    size_t at = index_of(e, order[i]);
    if (i > 0)
      assert_true(at > prev);
    prev = at;
  }
  assert_int_equal(contains(e, "$1.00"), 0);

  /* the same question twice gives the same list */
  again = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_OUT);
  assert_int_equal(x12kit_estimate_assumption_count(again), n);
  for (i = 0; i < n; i++)
    assert_string_equal(x12kit_estimate_assumption(again, i), x12kit_estimate_assumption(e, i));
  x12kit_estimate_free(again);
  x12kit_estimate_free(e);
}

static void test_assumption_words(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.deductible_remaining, 0);
  money_term(&c.in_network.oop_remaining, 0);
  rate_term(&c.in_network.coinsurance, 2050);

  /* amounts: cents only, thousands, millions */
  e = estimate(&c, 1, 5, -1, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "full charge of $0.05 per session"), 1);
  x12kit_estimate_free(e);
  e = estimate(&c, 1, 100000, -1, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "full charge of $1,000.00 per session"), 1);
  x12kit_estimate_free(e);
  e = estimate(&c, 1, 123456789, -1, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "full charge of $1,234,567.89 per session"), 1);
  x12kit_estimate_free(e);
  e = estimate(&c, 1, X12KIT_ESTIMATE_MAX_CENTS, -1, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "full charge of $10,000,000,000.00 per session"), 1);
  x12kit_estimate_free(e);

  /* rates: 20.5% */
  from(&c.in_network.coinsurance, X12KIT_RULE_SERVICE_TYPE, "MH");
  e = estimate(&c, 1, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "The coinsurance of 20.5% was stated for service type MH"), 1);
  x12kit_estimate_free(e);

  /*
   * Only a service type code reaches a sentence: anything else in that
   * field (here what could be a name) is replaced by plain words.
   */
  from(&c.in_network.coinsurance, X12KIT_RULE_SERVICE_TYPE, "DOE JOHN");
  e = estimate(&c, 1, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "was stated for a service type asked about"), 1);
  assert_int_equal(contains(e, "DOE"), 0);
  x12kit_estimate_free(e);
  from(&c.in_network.coinsurance, X12KIT_RULE_SERVICE_TYPE, NULL);
  e = estimate(&c, 1, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(contains(e, "was stated for a service type asked about"), 1);
  x12kit_estimate_free(e);
}

/* ---- limits and errors ---- */

static void test_largest(void **state)
{
  const long long max = X12KIT_ESTIMATE_MAX_CENTS;
  x12kit_coverage c = bare();
  x12kit_estimate *e;

  (void)state;
  money_term(&c.in_network.deductible_remaining, 0);
  rate_term(&c.in_network.coinsurance, 10000);
  money_term(&c.out_network.deductible_remaining, LLONG_MAX);
  money_term(&c.out_network.oop_remaining, LLONG_MAX);
  money_term(&c.out_network.copay, LLONG_MAX);
  money_term(&c.out_network.visits_remaining, LLONG_MAX);

  /* 1000 sessions at the largest charge, 100 % coinsurance: 10^15 cents */
  e = estimate(&c, 1000, max, max, X12KIT_NETWORK_IN);
  expect_total(e, (want){ 1000 * max, 0, 1000 * max, 0, 0, 0, 1000 * max, 0 });
  x12kit_estimate_free(e);

  /* the largest values the 271 can hold are only compared, never added */
  e = estimate(&c, 1000, max, max - 1, X12KIT_NETWORK_OUT);
  expect_total(e, (want){ 1000 * (max - 1), 1000 * (max - 1), 0, 0, 0, 1000, 1000 * max, 0 });
  x12kit_estimate_free(e);
  e = estimate(&c, 1000, max, 0, X12KIT_NETWORK_OUT);
  expect_total(e, (want){ 0, 0, 0, 0, 0, 1000 * max, 1000 * max, 0 });
  x12kit_estimate_free(e);
}

static void test_input_errors(void **state)
{
  static const struct {
    unsigned sessions;
    long long charge, allowed;
    int network;
    const char *field;
  } bad[] = {
    { 0, 65000, 48000, 0, "sessions" },
    { 1001, 65000, 48000, 0, "sessions" },
    { 6, 0, -1, 0, "charge_cents" },
    { 6, -65000, -1, 0, "charge_cents" },
    { 6, X12KIT_ESTIMATE_MAX_CENTS + 1, -1, 0, "charge_cents" },
    { 6, 65000, 65001, 0, "allowed_cents" },
    { 6, 65000, 48000, 2, "network" },
    { 6, 65000, 48000, -1, "network" },
  };
  x12kit_coverage c = clean();
  x12kit_estimate_input in;
  x12kit_estimate *e;
  x12kit_error err;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&in, 0, sizeof in);
    in.sessions = bad[i].sessions;
    in.charge_cents = bad[i].charge;
    in.allowed_cents = bad[i].allowed;
    in.network = (x12kit_network)bad[i].network;
    e = (x12kit_estimate *)&c; /* must be reset to NULL */
    memset(&err, 0, sizeof err);
    assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
    assert_null(e);
    assert_int_equal(err.code, X12KIT_ERR_ARG);
    if (strstr(err.text, bad[i].field) == NULL)
      fail_msg("case %zu: \"%s\" does not name %s", i + 1, err.text, bad[i].field);
    assert_null(strstr(err.text, "65001")); /* names the field, not the value */
    assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, NULL), X12KIT_ERR_ARG);
  }

  /* the limits themselves are accepted */
  e = estimate(&c, 1, 1, 1, X12KIT_NETWORK_IN);
  x12kit_estimate_free(e);
  e = estimate(&c, X12KIT_ESTIMATE_MAX_SESSIONS, 65000, 65000, X12KIT_NETWORK_IN);
  x12kit_estimate_free(e);

  /* NULL pointers */
  memset(&in, 0, sizeof in);
  in.sessions = 6;
  in.charge_cents = 65000;
  in.allowed_cents = -1;
  assert_int_equal(x12kit_estimate_compute(NULL, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "out"));
  e = (x12kit_estimate *)&c;
  assert_int_equal(x12kit_estimate_compute(&e, NULL, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_null(e);
  assert_non_null(strstr(err.text, "coverage"));
  assert_int_equal(x12kit_estimate_compute(&e, &c, NULL, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "input"));

  /* cost terms that cannot be right, in the network asked about */
  c = clean();
  rate_term(&c.in_network.coinsurance, 10001);
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "coverage in_network.coinsurance must be 0 to 10000 basis points");
  rate_term(&c.in_network.coinsurance, -1);
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  c = clean();
  money_term(&c.in_network.copay, -2500);
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "coverage in_network.copay must not be negative");
  c = clean();
  money_term(&c.in_network.visits_remaining, -1);
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_string_equal(err.text, "coverage in_network.visits_remaining must not be negative");
  c = clean();
  c.covered = (x12kit_answer)7;
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "covered"));
  c = clean();
  c.auth = (x12kit_answer)-1;
  assert_int_equal(x12kit_estimate_compute(&e, &c, &in, NULL, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "auth"));

  /* the other network's terms, or terms of a procedure not covered, are not used */
  c = clean();
  money_term(&c.out_network.copay, -2500);
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  x12kit_estimate_free(e);
  c.out_network.copay.set = 0;
  money_term(&c.in_network.deductible, -1);
  c.covered = X12KIT_ANSWER_NO;
  e = estimate(&c, 6, 65000, 48000, X12KIT_NETWORK_IN);
  x12kit_estimate_free(e);
}

static void test_allocation_failure(void **state)
{
  x12kit_coverage c = bare();
  x12kit_estimate_input in;
  x12kit_estimate *e;
  x12kit_error err;
  unsigned fail_at;
  int rc = X12KIT_ERR_NOMEM;

  (void)state;
  /* a coverage that needs many sentences, so the list grows */
  c.covered = X12KIT_ANSWER_UNKNOWN;
  c.auth = X12KIT_ANSWER_UNKNOWN;
  money_term(&c.in_network.copay, 2500);
  from(&c.in_network.copay, X12KIT_RULE_PLAN, NULL);
  rate_term(&c.in_network.coinsurance, 2000);
  from(&c.in_network.coinsurance, X12KIT_RULE_PLAN, NULL);
  money_term(&c.in_network.deductible, 50000);
  from(&c.in_network.deductible, X12KIT_RULE_PLAN, NULL);
  money_term(&c.in_network.oop, 90000);
  from(&c.in_network.oop, X12KIT_RULE_PLAN, NULL);
  money_term(&c.in_network.visits, 5);
  from(&c.in_network.visits, X12KIT_RULE_PLAN, NULL);
  memset(&in, 0, sizeof in);
  in.sessions = 6;
  in.charge_cents = 65000;
  in.allowed_cents = -1;
  in.network = X12KIT_NETWORK_IN;

  for (fail_at = 1; fail_at < 100 && rc == X12KIT_ERR_NOMEM; fail_at++) {
    tu_alloc a = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&a);

    e = (x12kit_estimate *)&c;
    memset(&err, 0, sizeof err);
    rc = x12kit_estimate_compute(&e, &c, &in, &mem, &err);
    if (rc == X12KIT_ERR_NOMEM) {
      assert_null(e);
      assert_int_equal(err.code, X12KIT_ERR_NOMEM);
      assert_int_equal(a.live, 0); /* nothing left behind */
      continue;
    }
    assert_int_equal(rc, X12KIT_OK);
    assert_true(a.live > 0);
    check_sums(e, &in);
    assert_true(x12kit_estimate_assumption_count(e) > 8);
    assert_true(a.calls < fail_at); /* it passed because nothing failed */
    x12kit_estimate_free(e);
    assert_int_equal(a.live, 0);
  }
  assert_int_equal(rc, X12KIT_OK);
  assert_true(fail_at > 10); /* the handle, the sessions, the list and each sentence */
}

static void test_accessors(void **state)
{
  x12kit_coverage c = clean();
  x12kit_estimate *e;

  (void)state;
  assert_int_equal(x12kit_estimate_session_count(NULL), 0);
  assert_null(x12kit_estimate_session_at(NULL, 0));
  assert_null(x12kit_estimate_total(NULL));
  assert_int_equal(x12kit_estimate_assumption_count(NULL), 0);
  assert_null(x12kit_estimate_assumption(NULL, 0));
  x12kit_estimate_free(NULL);

  e = estimate(&c, 3, 65000, 48000, X12KIT_NETWORK_IN);
  assert_int_equal(x12kit_estimate_session_count(e), 3);
  assert_null(x12kit_estimate_session_at(e, 3));
  assert_null(x12kit_estimate_session_at(e, (size_t)-1));
  assert_null(x12kit_estimate_assumption(e, 0));
  x12kit_estimate_free(e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_copay_only),
    cmocka_unit_test(test_coinsurance_deductible_series),
    cmocka_unit_test(test_deductible_met_mid_session),
    cmocka_unit_test(test_oop_cap),
    cmocka_unit_test(test_visit_limit),
    cmocka_unit_test(test_not_covered),
    cmocka_unit_test(test_out_of_network),
    cmocka_unit_test(test_no_allowed),
    cmocka_unit_test(test_deductible_without_remaining),
    cmocka_unit_test(test_coinsurance_rounding),
    cmocka_unit_test(test_each_assumption),
    cmocka_unit_test(test_assumptions_order),
    cmocka_unit_test(test_assumption_words),
    cmocka_unit_test(test_largest),
    cmocka_unit_test(test_input_errors),
    cmocka_unit_test(test_allocation_failure),
    cmocka_unit_test(test_accessors),
  };

  return cmocka_run_group_tests_name("estimate", tests, NULL, NULL);
}
