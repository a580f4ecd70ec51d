/*
 * x12kit - the patient cost estimate for a planned series of sessions.
 *
 * The model is the one documented in coverage.h, applied session by
 * session: the visit limit decides which sessions are covered; each
 * covered session splits its allowed amount into deductible,
 * coinsurance, copay and the payer's part, capped by what is left of the
 * out-of-pocket maximum; out of network the difference between charge
 * and allowed is added (balance billing).  The deductible and the
 * out-of-pocket amount left carry from one session to the next.
 *
 * The numbers are worked out first, with a few facts about the run kept
 * aside (was the cap reached, and where; did a copay come after a
 * deductible ...), and the assumptions are written afterwards in a
 * fixed order, so their order never depends on which session hit what.
 *
 * Arithmetic.  A charge is at most X12KIT_ESTIMATE_MAX_CENTS (10^12) and
 * there are at most 1000 sessions, so a total is at most 10^15; the
 * largest product is a coinsurance rate (at most 10^4 basis points)
 * times an amount at most the charge, 10^16: every value fits in a
 * long long (9.2 * 10^18).  The 271's amounts are only compared with and
 * taken away from smaller ones, never added or multiplied, so any
 * non-negative value is safe.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define BP_WHOLE 10000l  /* 100 % in basis points */
#define NOTE_SIZE 512

struct x12kit_estimate {
  x12kit_mem mem;
  x12kit_estimate_session *sessions;
  size_t nsessions;
  x12kit_estimate_session total;
  char **notes;
  size_t nnotes, cap;
  int nomem;                  /* a note could not be stored */
};

/* What the run found, for the notes. */
typedef struct run {
  int covered;                /* the payer covers the procedure (or did not say) */
  long long allowed;          /* per covered session */
  long long balance;          /* per covered session, out of network */
  long long limit;            /* sessions the visit limit covers; -1 without a limit */
  const x12kit_term *visits;  /* the visit term used, or NULL */
  const x12kit_term *ded;     /* the deductible term used, or NULL */
  const x12kit_term *oop;     /* the out-of-pocket term used, or NULL */
  long long oop_start;        /* the cap at the start; -1 without a cap */
  unsigned ncovered;          /* sessions covered */
  unsigned oop_reached;       /* 1-based session where the cap was reached; 0 if never */
  int copay_after;            /* a copay came with a deductible part or a coinsurance */
} run;

static long long min_ll(long long a, long long b)
{
  return a < b ? a : b;
}

/* ---- words ---- */

/* "$1,100.00".  |cents| is never negative here. */
static void money(char *buf, size_t size, long long cents)
{
  char digits[24];
  char out[40];
  unsigned long long v = cents < 0 ? 0 : (unsigned long long)cents;
  size_t n, i, k = 0;

  n = (size_t)snprintf(digits, sizeof digits, "%llu", v / 100);
  out[k++] = '$';
  for (i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0)
      out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = '\0';
  snprintf(buf, size, "%s.%02llu", out, v % 100);
}

/* "20%", "20.5%", "33.33%". */
static void rate(char *buf, size_t size, long bp)
{
  long whole = bp / 100, frac = bp % 100;

  if (frac == 0)
    snprintf(buf, size, "%ld%%", whole);
  else if (frac % 10 == 0)
    snprintf(buf, size, "%ld.%ld%%", whole, frac / 10);
  else
    snprintf(buf, size, "%ld.%02ld%%", whole, frac);
}

/* "1 visit", "4 visits". */
static void visits(char *buf, size_t size, long long n)
{
  snprintf(buf, size, "%lld visit%s", n, n == 1 ? "" : "s");
}

/*
 * Where a term came from, when not from the procedure itself: "for
 * service type MH", "for the plan as a whole"; "" for the procedure.
 * A service type is printed only when it looks like one (1 or 2 letters
 * or digits), so nothing else from the 271 can reach a note.
 */
static void stated_for(char *buf, size_t size, const x12kit_source *src)
{
  const char *st = src->service_type;
  size_t n = st ? strlen(st) : 0;

  buf[0] = '\0';
  if (src->rule == X12KIT_RULE_PLAN) {
    snprintf(buf, size, "for the plan as a whole");
  } else if (src->rule == X12KIT_RULE_SERVICE_TYPE) {
    if ((n == 1 || n == 2) && x12kitp_is_alnum(st[0]) && (n == 1 || x12kitp_is_alnum(st[1])))
      snprintf(buf, size, "for service type %s", st);
    else
      snprintf(buf, size, "for a service type asked about");
  }
}

/* ---- the list of notes ---- */

static void note(x12kit_estimate *e, const char *fmt, ...) X12KITP_PRINTF(2, 3);

/* Adds one sentence, unless it is already there. */
static void note(x12kit_estimate *e, const char *fmt, ...)
{
  char text[NOTE_SIZE];
  va_list ap;
  size_t i, n;
  char *copy;

  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  for (i = 0; i < e->nnotes; i++)
    if (strcmp(e->notes[i], text) == 0)
      return;
  if (e->nnotes == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 8;
    char **v = x12kitp_realloc(&e->mem, e->notes, cap * sizeof *v);
    if (v == NULL) {
      e->nomem = 1;
      return;
    }
    e->notes = v;
    e->cap = cap;
  }
  n = strlen(text) + 1;
  copy = x12kitp_malloc(&e->mem, n);
  if (copy == NULL) {
    e->nomem = 1;
    return;
  }
  memcpy(copy, text, n);
  e->notes[e->nnotes++] = copy;
}

/* "The copay of $25.00 was stated for service type MH, not for the procedure ..." */
static void note_source(x12kit_estimate *e, const char *what, const x12kit_term *t)
{
  char where[64];

  if (t == NULL || !t->set)
    return;
  stated_for(where, sizeof where, &t->source);
  if (where[0])
    note(e, "The %s was stated %s, not for the procedure itself; the estimate applies it to the "
         "procedure.", what, where);
}

/* Sessions |from|..|to| (1-based), as words. */
static void session_range(char *buf, size_t size, unsigned long long from, unsigned long long to)
{
  if (from == to)
    snprintf(buf, size, "session %llu is", from);
  else if (to == from + 1)
    snprintf(buf, size, "sessions %llu and %llu are", from, to);
  else
    snprintf(buf, size, "sessions %llu to %llu are", from, to);
}

/* ---- the notes, in their fixed order ---- */

static void notes_coverage(x12kit_estimate *e, const x12kit_coverage *c, long long charge)
{
  char m[40], where[64];

  money(m, sizeof m, charge);
  stated_for(where, sizeof where, &c->covered_source);
  switch (c->covered) {
  case X12KIT_ANSWER_NO:
    if (c->covered_source.rule == X12KIT_RULE_PLAN_STATUS)
      note(e, "The plan is not active, so the procedure is not covered: the estimate charges the "
           "patient the full charge of %s for every session, and the payer pays nothing.", m);
    else
      note(e, "The payer says the procedure is not covered: the estimate charges the patient the "
           "full charge of %s for every session, and the payer pays nothing.", m);
    if (where[0])
      note(e, "That the procedure is not covered was stated %s, not for the procedure itself.",
           where);
    break;
  case X12KIT_ANSWER_YES:
    if (where[0])
      note(e, "That the procedure is covered was stated %s, not for the procedure itself; check "
           "that the plan covers this procedure.", where);
    break;
  case X12KIT_ANSWER_UNKNOWN:
    note(e, "The payer does not know whether the procedure is covered: the estimate assumes it "
         "is.");
    break;
  case X12KIT_ANSWER_NOT_STATED:
  default:
    note(e, "The payer did not say whether the procedure is covered: the estimate assumes it is.");
    break;
  }
}

static void notes_auth(x12kit_estimate *e, const x12kit_coverage *c)
{
  char where[64];

  switch (c->auth) {
  case X12KIT_ANSWER_YES:
    note(e, "Prior authorization is required: the estimate assumes the prior authorization is "
         "approved before the first session; without it the payer may pay nothing.");
    break;
  case X12KIT_ANSWER_NO:
    stated_for(where, sizeof where, &c->auth_source);
    if (where[0])
      note(e, "That no prior authorization is required was stated %s, not for the procedure "
           "itself; the estimate assumes none is needed.", where);
    break;
  case X12KIT_ANSWER_UNKNOWN:
    note(e, "The payer does not know whether prior authorization is required: the estimate "
         "assumes none is needed or that it is approved before the first session; without a "
         "required authorization the payer may pay nothing.");
    break;
  case X12KIT_ANSWER_NOT_STATED:
  default:
    note(e, "The payer did not say whether prior authorization is required: the estimate "
         "assumes none is needed or that it is approved before the first session; without a "
         "required authorization the payer may pay nothing.");
    break;
  }
}

static void notes_allowed(x12kit_estimate *e, const x12kit_estimate_input *in)
{
  char m[40];

  if (in->allowed_cents < 0) {
    money(m, sizeof m, in->charge_cents);
    if (in->network == X12KIT_NETWORK_OUT)
      note(e, "No allowed amount was given: the estimate uses the full charge of %s per "
           "session, so it shows no balance billing. Out of network the payer usually allows "
           "less than the charge and the provider may bill the patient the difference; ask the "
           "payer for its allowed amount.", m);
    else
      note(e, "No allowed amount was given: the estimate uses the full charge of %s per "
           "session. In network the allowed amount is usually lower than the charge; ask the "
           "payer or use the contracted rate.", m);
  }
}

static void notes_visits(x12kit_estimate *e, const x12kit_cost_terms *t, const run *r,
                         long long charge, unsigned sessions)
{
  char m[40], v[40], range[80];

  if (r->visits == NULL)
    return;
  if (r->visits == &t->visits) {
    visits(v, sizeof v, r->limit);
    note(e, "The payer stated a limit of %s but not how many remain: the estimate assumes none "
         "has been used yet.", v);
  }
  if (r->limit >= (long long)sessions)
    return;
  money(m, sizeof m, charge);
  if (r->limit == 0) {
    note(e, "No visits remain under the visit limit: every session is estimated as not "
         "covered, at the full charge of %s each.", m);
    return;
  }
  visits(v, sizeof v, r->limit);
  session_range(range, sizeof range, (unsigned long long)r->limit + 1, sessions);
  note(e, "The visit limit leaves %s: %s estimated as not covered, at the full charge of %s%s.",
       v, range, m, (unsigned long long)r->limit + 1 == sessions ? "" : " each");
}

static void notes_terms(x12kit_estimate *e, const x12kit_cost_terms *t, const run *r)
{
  char m[40], m2[40];

  if (r->ded == &t->deductible) {
    money(m, sizeof m, t->deductible.cents);
    note(e, "The payer stated a deductible of %s but not how much of it remains: the estimate "
         "assumes none of it has been met yet.", m);
  } else if (r->ded == NULL) {
    note(e, "The payer stated no deductible: the estimate assumes none applies.");
  }

  if (!t->copay.set && !t->coinsurance.set)
    note(e, "The payer stated no copay and no coinsurance: the estimate assumes the payer pays "
         "the whole allowed amount after the deductible.");
  if (r->copay_after)
    note(e, "The copay was charged after the deductible and any coinsurance, on what was left "
         "of the allowed amount; some plans waive the deductible for copay services, or charge "
         "only the copay.");

  if (r->oop == &t->oop) {
    money(m, sizeof m, t->oop.cents);
    note(e, "The payer stated an out-of-pocket maximum of %s but not how much of it remains: "
         "the estimate assumes nothing has been paid toward it yet.", m);
  } else if (r->oop == NULL) {
    note(e, "The payer stated no out-of-pocket maximum: the estimate applies no cap to what the "
         "patient pays.");
  }
  if (r->oop_start == 0)
    note(e, "The out-of-pocket maximum is already reached: the estimate assumes the payer pays "
         "the whole allowed amount of every covered session.");
  else if (r->oop_reached)
    note(e, "The out-of-pocket maximum is reached in session %u: after that the payer pays the "
         "whole allowed amount. The estimate counts the deductible, coinsurance and copays "
         "toward it; charges not covered and balance billing do not count.", r->oop_reached);

  if (r->balance > 0) {
    money(m, sizeof m, r->balance);
    money(m2, sizeof m2, r->allowed);
    note(e, "Out of network the provider may bill the patient the difference between the "
         "charge and the allowed amount of %s: the estimate adds %s per covered session "
         "(balance billing), which counts toward neither the deductible nor the out-of-pocket "
         "maximum.", m2, m);
  }
}

/* Every term used that was stated for a service type or the plan. */
static void notes_sources(x12kit_estimate *e, const x12kit_cost_terms *t, const run *r)
{
  char what[96], v[40];

  if (r->ncovered > 0) {
    money(v, sizeof v, t->copay.cents);
    snprintf(what, sizeof what, "copay of %s", v);
    note_source(e, what, &t->copay);
    rate(v, sizeof v, t->coinsurance.bp);
    snprintf(what, sizeof what, "coinsurance of %s", v);
    note_source(e, what, &t->coinsurance);
    if (r->ded) {
      money(v, sizeof v, r->ded->cents);
      snprintf(what, sizeof what, "%sdeductible of %s",
               r->ded == &t->deductible_remaining ? "remaining " : "", v);
      note_source(e, what, r->ded);
    }
    if (r->oop) {
      money(v, sizeof v, r->oop->cents);
      snprintf(what, sizeof what, "%sout-of-pocket maximum of %s",
               r->oop == &t->oop_remaining ? "remaining " : "", v);
      note_source(e, what, r->oop);
    }
  }
  if (r->visits) {
    visits(v, sizeof v, r->visits->cents);
    snprintf(what, sizeof what, "%svisit limit of %s",
             r->visits == &t->visits_remaining ? "remaining " : "", v);
    note_source(e, what, r->visits);
  }
}

/* ---- checks ---- */

static int answer_ok(x12kit_answer a)
{
  return a == X12KIT_ANSWER_NOT_STATED || a == X12KIT_ANSWER_YES || a == X12KIT_ANSWER_NO ||
         a == X12KIT_ANSWER_UNKNOWN;
}

static int check_amount(const x12kit_term *t, const char *net, const char *field,
                        x12kit_error *err)
{
  if (t->set && t->cents < 0)
    return x12kitp_bad(err, "coverage %s.%s must not be negative", net, field);
  return X12KIT_OK;
}

static int check_input(const x12kit_coverage *c, const x12kit_estimate_input *in,
                       x12kit_error *err)
{
  const x12kit_cost_terms *t;
  const char *net;
  int rc;

  if (c == NULL)
    return x12kitp_bad(err, "coverage must not be NULL");
  if (in == NULL)
    return x12kitp_bad(err, "input must not be NULL");
  if (in->sessions < 1 || in->sessions > X12KIT_ESTIMATE_MAX_SESSIONS)
    return x12kitp_bad(err, "sessions must be 1 to %u", X12KIT_ESTIMATE_MAX_SESSIONS);
  if (in->charge_cents <= 0)
    return x12kitp_bad(err, "charge_cents must be more than 0");
  if (in->charge_cents > X12KIT_ESTIMATE_MAX_CENTS)
    return x12kitp_bad(err, "charge_cents must be at most %lld", X12KIT_ESTIMATE_MAX_CENTS);
  if (in->allowed_cents > in->charge_cents)
    return x12kitp_bad(err, "allowed_cents must not be more than charge_cents");
  if (in->network != X12KIT_NETWORK_IN && in->network != X12KIT_NETWORK_OUT)
    return x12kitp_bad(err, "network must be X12KIT_NETWORK_IN or X12KIT_NETWORK_OUT");
  if (!answer_ok(c->covered))
    return x12kitp_bad(err, "coverage covered is not an x12kit_answer");
  if (!answer_ok(c->auth))
    return x12kitp_bad(err, "coverage auth is not an x12kit_answer");
  if (c->covered == X12KIT_ANSWER_NO)
    return X12KIT_OK; /* no cost term is used */
  net = in->network == X12KIT_NETWORK_OUT ? "out_network" : "in_network";
  t = in->network == X12KIT_NETWORK_OUT ? &c->out_network : &c->in_network;
  if (t->coinsurance.set && (t->coinsurance.bp < 0 || t->coinsurance.bp > BP_WHOLE))
    return x12kitp_bad(err, "coverage %s.coinsurance must be 0 to %ld basis points", net,
                       BP_WHOLE);
  if ((rc = check_amount(&t->copay, net, "copay", err)) != X12KIT_OK ||
      (rc = check_amount(&t->deductible, net, "deductible", err)) != X12KIT_OK ||
      (rc = check_amount(&t->deductible_remaining, net, "deductible_remaining", err)) !=
          X12KIT_OK ||
      (rc = check_amount(&t->oop, net, "oop", err)) != X12KIT_OK ||
      (rc = check_amount(&t->oop_remaining, net, "oop_remaining", err)) != X12KIT_OK ||
      (rc = check_amount(&t->visits, net, "visits", err)) != X12KIT_OK ||
      (rc = check_amount(&t->visits_remaining, net, "visits_remaining", err)) != X12KIT_OK)
    return rc;
  return X12KIT_OK;
}

/* ---- the numbers ---- */

static void add(x12kit_estimate_session *sum, const x12kit_estimate_session *s)
{
  sum->allowed += s->allowed;
  sum->deductible += s->deductible;
  sum->coinsurance += s->coinsurance;
  sum->copay += s->copay;
  sum->not_covered += s->not_covered;
  sum->balance += s->balance;
  sum->patient += s->patient;
  sum->payer += s->payer;
}

/* Which terms apply, before the first session. */
static void start(run *r, const x12kit_coverage *c, const x12kit_cost_terms *t,
                  const x12kit_estimate_input *in)
{
  memset(r, 0, sizeof *r);
  r->covered = c->covered != X12KIT_ANSWER_NO;
  r->allowed = in->allowed_cents >= 0 ? in->allowed_cents : in->charge_cents;
  if (in->network == X12KIT_NETWORK_OUT && r->allowed < in->charge_cents)
    r->balance = in->charge_cents - r->allowed;
  r->limit = -1;
  r->oop_start = -1;
  if (!r->covered)
    return;
  if (t->visits_remaining.set)
    r->visits = &t->visits_remaining;
  else if (t->visits.set)
    r->visits = &t->visits;
  if (r->visits)
    r->limit = r->visits->cents;
  if (t->deductible_remaining.set)
    r->ded = &t->deductible_remaining;
  else if (t->deductible.set)
    r->ded = &t->deductible;
  if (t->oop_remaining.set)
    r->oop = &t->oop_remaining;
  else if (t->oop.set)
    r->oop = &t->oop;
  if (r->oop)
    r->oop_start = r->oop->cents;
}

static void compute(x12kit_estimate *e, const x12kit_cost_terms *t,
                    const x12kit_estimate_input *in, run *r)
{
  long long ded_left = r->ded ? r->ded->cents : 0;
  long long oop_left = r->oop_start;
  size_t i;

  for (i = 0; i < e->nsessions; i++) {
    x12kit_estimate_session *s = &e->sessions[i];
    long long rest;

    if (!r->covered || (r->limit >= 0 && (unsigned long long)i >= (unsigned long long)r->limit)) {
      s->not_covered = in->charge_cents;
      s->patient = in->charge_cents;
      add(&e->total, s);
      continue;
    }
    r->ncovered++;
    s->allowed = r->allowed;
    s->deductible = min_ll(ded_left, s->allowed);
    ded_left -= s->deductible;
    rest = s->allowed - s->deductible;
    if (t->coinsurance.set)
      s->coinsurance = (rest * t->coinsurance.bp + BP_WHOLE / 2) / BP_WHOLE;
    rest -= s->coinsurance;
    if (t->copay.set) {
      s->copay = min_ll(t->copay.cents, rest);
      if (s->deductible > 0 || (t->coinsurance.set && t->coinsurance.bp > 0))
        r->copay_after = 1;
    }
    if (oop_left >= 0) {
      long long left = oop_left;
      s->deductible = min_ll(s->deductible, left);
      left -= s->deductible;
      s->coinsurance = min_ll(s->coinsurance, left);
      left -= s->coinsurance;
      s->copay = min_ll(s->copay, left);
      left -= s->copay;
      if (left == 0 && oop_left > 0)
        r->oop_reached = (unsigned)i + 1;
      oop_left = left;
    }
    s->balance = r->balance;
    s->payer = s->allowed - (s->deductible + s->coinsurance + s->copay);
    s->patient = s->deductible + s->coinsurance + s->copay + s->balance;
    add(&e->total, s);
  }
}

/* ---- the handle ---- */

int x12kit_estimate_compute(x12kit_estimate **out, const x12kit_coverage *c,
                            const x12kit_estimate_input *in, const x12kit_mem *mem,
                            x12kit_error *err)
{
  const x12kit_cost_terms *t;
  x12kit_estimate *e;
  x12kit_mem m;
  run r;
  int rc;

  if (out == NULL)
    return x12kitp_bad(err, "out must not be NULL");
  *out = NULL;
  if ((rc = check_input(c, in, err)) != X12KIT_OK)
    return rc;
  t = in->network == X12KIT_NETWORK_OUT ? &c->out_network : &c->in_network;

  x12kitp_mem_init(&m, mem);
  e = x12kitp_calloc(&m, sizeof *e);
  if (e == NULL)
    goto nomem;
  e->mem = m;
  e->nsessions = in->sessions;
  e->sessions = x12kitp_calloc(&m, e->nsessions * sizeof *e->sessions);
  if (e->sessions == NULL)
    goto nomem;

  start(&r, c, t, in);
  compute(e, t, in, &r);

  notes_coverage(e, c, in->charge_cents);
  if (r.ncovered > 0)
    notes_auth(e, c);
  if (r.ncovered > 0)
    notes_allowed(e, in);
  notes_visits(e, t, &r, in->charge_cents, in->sessions);
  if (r.ncovered > 0)
    notes_terms(e, t, &r);
  notes_sources(e, t, &r);
  if (e->nomem)
    goto nomem;
  *out = e;
  return X12KIT_OK;

nomem:
  x12kit_estimate_free(e);
  if (err)
    x12kitp_error_set(err, X12KIT_ERR_NOMEM, X12KIT_ACK_NONE, NULL,
                      "out of memory while working out the estimate");
  return X12KIT_ERR_NOMEM;
}

void x12kit_estimate_free(x12kit_estimate *e)
{
  size_t i;

  if (e == NULL)
    return;
  for (i = 0; i < e->nnotes; i++)
    x12kitp_free(&e->mem, e->notes[i]);
  x12kitp_free(&e->mem, e->notes);
  x12kitp_free(&e->mem, e->sessions);
  x12kitp_free(&e->mem, e);
}

size_t x12kit_estimate_session_count(const x12kit_estimate *e)
{
  return e ? e->nsessions : 0;
}

const x12kit_estimate_session *x12kit_estimate_session_at(const x12kit_estimate *e, size_t i)
{
  return e && i < e->nsessions ? &e->sessions[i] : NULL;
}

const x12kit_estimate_session *x12kit_estimate_total(const x12kit_estimate *e)
{
  return e ? &e->total : NULL;
}

size_t x12kit_estimate_assumption_count(const x12kit_estimate *e)
{
  return e ? e->nnotes : 0;
}

const char *x12kit_estimate_assumption(const x12kit_estimate *e, size_t i)
{
  return e && i < e->nnotes ? e->notes[i] : NULL;
}
