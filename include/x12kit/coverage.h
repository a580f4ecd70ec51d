/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * coverage.h: reads 271 eligibility responses (005010X279A1) and answers
 * "is this procedure covered, is prior authorization required, and what
 * will the patient pay".
 *
 *     x12kit_271 *r;
 *     if (x12kit_271_read(&r, schema, data, len, NULL, &err) != X12KIT_OK) ...
 *     const x12kit_271_patient *p = x12kit_271_patient_at(r, 0);
 *     static const char *const st[] = { "MH" };
 *     x12kit_coverage_query q = { "96365", st, 1 };
 *     x12kit_coverage c;
 *     x12kit_271_coverage(p, &q, &c);
 *     if (c.covered.answer == X12KIT_ANSWER_YES && c.auth.answer == X12KIT_ANSWER_YES) ...
 *     x12kit_271_free(r);
 *
 * Everything x12kit_271_read() returns (strings, arrays, the benefit
 * pointers inside an x12kit_coverage) lives in the x12kit_271 handle and
 * stays valid, unchanged, until x12kit_271_free().  Strings are never
 * NULL: a value the 271 does not carry is "".
 *
 * Money is kept in cents and rates in basis points (hundredths of a
 * percent), so nothing here is a floating-point number: EB07 "40" is
 * 4000 cents, EB08 ".3" is 3000 basis points (30 %).  More decimals
 * than that are rounded half away from zero.  A number that cannot be
 * read is left out (set = 0), never guessed: a malformed one is already
 * a guide finding, and one too large to hold adds a finding of its own.
 *
 * One handle per thread: x12kit_271_coverage() keeps its lists in the
 * handle, so two threads must not ask about patients of one handle at
 * the same time.
 */
#ifndef X12KIT_COVERAGE_H
#define X12KIT_COVERAGE_H

#include <x12kit/common.h>
#include <x12kit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_271 x12kit_271;

/* ---- what the 271 says, loop by loop ---- */

/* A DTP segment: qualifier ("346"), and the date or range as YYYY-MM-DD. */
typedef struct x12kit_271_date {
  const char *qualifier;  /* DTP01 */
  const char *from;       /* D8 date, or the start of an RD8 range */
  const char *to;         /* the end of an RD8 range; "" for D8 */
} x12kit_271_date;

/* A REF segment. */
typedef struct x12kit_271_ref {
  const char *qualifier;  /* REF01: "6P" group number, "18" plan number, "G1" prior auth ... */
  const char *value;      /* REF02 */
  const char *description;/* REF03 */
} x12kit_271_ref;

/* A PER segment: a contact with up to three numbers or addresses. */
typedef struct x12kit_271_contact {
  const char *function;   /* PER01: "IC" information contact ... */
  const char *name;       /* PER02 */
  const char *phone;      /* the first TE number */
  const char *extension;  /* EX */
  const char *fax;        /* FX */
  const char *email;      /* EM */
  const char *url;        /* UR */
} x12kit_271_contact;

/* An NM1 loop (2100A, 2100B, 2120C/D) with its address and contacts. */
typedef struct x12kit_271_entity {
  const char *loop;       /* "2120C" ... */
  const char *code;       /* NM101: "PR" payer, "X3" UM organization, "P3" PCP ... */
  const char *name;       /* organization name (NM103), or "LAST, FIRST" for a person
                             (NM102 1; "LAST" alone when NM104 is empty) */
  const char *id_qualifier; /* NM108 */
  const char *id;         /* NM109 */
  const char *address;    /* N3 and N4 joined with ", "; "" when absent */
  const x12kit_271_contact *contacts;
  size_t ncontacts;
} x12kit_271_entity;

/*
 * An AAA segment: the payer could not answer, or rejected part of the
 * inquiry.  |advice| says in plain words what a clerk should try next
 * (x12kit_aaa_advice: "The member ID is missing or not accepted: check
 * it against the patient's insurance card. Correct the inquiry and send
 * it again."); it is never empty.
 */
typedef struct x12kit_271_rejection {
  const char *loop;        /* "2000A", "2100A", "2100B", "2100C", "2110C", "2100D", "2110D" */
  unsigned long segment;   /* position in the transaction, ST = 1 */
  char valid;              /* AAA01 'Y' or 'N' */
  const char *reason;      /* AAA03 code ("72") */
  const char *reason_text; /* its meaning ("Invalid/missing subscriber/insured ID") */
  const char *action;      /* AAA04 code ("C") */
  const char *action_text; /* its meaning ("Correct and resubmit") */
  const char *advice;      /* what to do next */
} x12kit_271_rejection;

/* Money in cents, or not stated. */
typedef struct x12kit_amount {
  int set;
  long long cents;
} x12kit_amount;

/* A rate in basis points (3000 = 30 %), or not stated. */
typedef struct x12kit_rate {
  int set;
  long bp;
} x12kit_rate;

/* One 2110C/2110D loop: the EB segment and what follows it. */
typedef struct x12kit_271_benefit {
  const char *loop;             /* "2110C" or "2110D" */
  unsigned long segment;        /* position of the EB in its transaction, ST = 1 */
  const char *code;             /* EB01 (list 1390): "1" active, "B" copay ... */
  const char *code_text;        /* its meaning */
  const char *coverage_level;   /* EB02: "IND", "FAM" ... */
  const char *const *service_types; /* EB03, every repetition */
  size_t nservice_types;
  const char *insurance_type;   /* EB04 */
  const char *plan;             /* EB05 plan coverage description */
  const char *period;           /* EB06 (list 615): "23" calendar year, "29" remaining, "27" visit */
  x12kit_amount amount;         /* EB07 (set = 0 when absent or unreadable) */
  x12kit_rate percent;          /* EB08, a fraction: ".3" is 3000 */
  const char *quantity_qualifier; /* EB09 (list 673): "VS" visits ... */
  const char *quantity;         /* EB10 as sent */
  char auth;                    /* EB11: 'Y', 'N', 'U', or 0 when absent */
  char network;                 /* EB12: 'Y', 'N', 'W', 'U', or 0 when absent */
  const char *procedure_qualifier; /* EB13-1: "HC" ... */
  const char *procedure;        /* EB13-2 */
  const char *procedure_end;    /* EB13-8, the end of a code range; "" when not a range */
  const char *modifiers[4];     /* EB13-3 to EB13-6 */
  const x12kit_271_date *dates; /* DTP in the loop */
  size_t ndates;
  const x12kit_271_ref *refs;   /* REF in the loop */
  size_t nrefs;
  const x12kit_271_rejection *rejections; /* AAA in the loop */
  size_t nrejections;
  const char *const *messages;  /* MSG01 of every MSG in the loop */
  size_t nmessages;
  const x12kit_271_entity *entities; /* 2120C/2120D loops inside LS/LE */
  size_t nentities;
} x12kit_271_benefit;

typedef enum x12kit_plan_status {
  X12KIT_PLAN_UNKNOWN = 0,  /* no EB01 1-8 at plan level */
  X12KIT_PLAN_ACTIVE = 1,   /* EB01 1-5 */
  X12KIT_PLAN_INACTIVE = 2  /* EB01 6-8 */
} x12kit_plan_status;

/*
 * One patient: a subscriber (2000C) or a dependent (2000D).  A dependent
 * carries its subscriber's member ID and name in the subscriber_ fields.
 * A 2000C that only introduces dependents, carrying no EB or AAA of its
 * own, is not listed by itself.  A transaction rejected before any
 * patient (AAA in 2000A, 2100A or 2100B, no 2000C) still gives one entry
 * with empty patient fields, so its rejections are never lost; so does
 * a 271 that names no patient at all.  The plan level is an EB with
 * EB03 "30" among its service types, or with neither EB03 nor EB13.
 */
typedef struct x12kit_271_patient {
  unsigned long transaction;     /* 0-based index of the ST in the input */
  const char *control;           /* ST02 */
  const char *reference;         /* BHT03: echoes the inquiry's reference */
  const char *response_date;     /* BHT04 as YYYY-MM-DD */
  int dependent;                 /* 1 for a 2000D patient */
  const char *loop;              /* "2000C" or "2000D" ("" when no patient loop) */
  const char *trace;             /* TRN02 of the TRN01 "2" trace: the inquiry's own trace */
  const char *trace_entity;      /* its TRN03 */
  x12kit_271_entity payer;       /* 2100A */
  x12kit_271_entity provider;    /* 2100B */
  const char *member_id;         /* 2100C NM109 (the subscriber's ID, also for a dependent) */
  const char *last;              /* the patient's name */
  const char *first;
  const char *middle;
  const char *suffix;
  const char *dob;               /* DMG02 as YYYY-MM-DD */
  const char *gender;            /* DMG03 */
  const char *address;           /* N3 and N4 joined with ", " */
  const char *subscriber_last;   /* for a dependent: the subscriber's name */
  const char *subscriber_first;
  const char *relationship;      /* INS02 of the patient's loop ("19" child, "18" self ...) */
  const char *group_number;      /* REF 6P, or REF 1L */
  const char *group_name;        /* its REF03 */
  const char *plan_number;       /* REF 18 */
  const char *plan_name;         /* EB05 of the first plan-level active EB, else REF 18's REF03 */
  x12kit_plan_status status;
  const x12kit_271_benefit *status_from; /* the EB that gave |status|; NULL when unknown */
  const x12kit_271_date *dates;  /* patient-level DTP (2100C/2100D): 346 plan begin, 356 ...;
                                    a dependent's own, then its subscriber's for qualifiers
                                    it does not state */
  size_t ndates;
  const x12kit_271_ref *refs;    /* patient-level REF, a dependent's then its subscriber's
                                    for qualifiers it does not state; the group and plan
                                    numbers above come from this list */
  size_t nrefs;
  const x12kit_271_rejection *rejections; /* every AAA that applies: 2000A, 2100A, 2100B,
                                             2100C, 2100D (2110 ones are in the benefits) */
  size_t nrejections;
  const x12kit_271_benefit *benefits;     /* in input order */
  size_t nbenefits;
  x12kit_271 *handle;            /* the handle the patient belongs to (for x12kit_271_coverage) */
} x12kit_271_patient;

/*
 * Reads every 271 in |data|.  The input is lexed and validated against
 * |schema|; guide and envelope findings do not stop the reading (the
 * answer uses what is there, and a transaction without SE is read up
 * to where it ends), but they are counted (x12kit_271_finding_count).
 * Transactions that are not 271s, next to 271s, are skipped and each
 * counted as a finding.  Input that is not a 271 at all (a 999, a TA1,
 * a 270, no interchange) fails with X12KIT_ERR_SYNTAX and a message that
 * says what it is instead; so does input that is not well-formed X12
 * (garbage, a segment cut short at the end): the lexer's reason and
 * position are in |err|.  Returns X12KIT_OK, X12KIT_ERR_SYNTAX,
 * X12KIT_ERR_NOMEM or X12KIT_ERR_ARG; |err| (may be NULL) is filled on
 * failure and never holds a value from the input.
 */
X12KIT_EXTERN int x12kit_271_read(x12kit_271 **out, const x12kit_schema *schema, const char *data,
                                  size_t len, const x12kit_mem *mem, x12kit_error *err);
X12KIT_EXTERN void x12kit_271_free(x12kit_271 *r);

/* Guide findings seen while reading (0 for a clean 271). */
X12KIT_EXTERN unsigned long x12kit_271_finding_count(const x12kit_271 *r);

X12KIT_EXTERN size_t x12kit_271_patient_count(const x12kit_271 *r);
X12KIT_EXTERN const x12kit_271_patient *x12kit_271_patient_at(const x12kit_271 *r, size_t i);

/* ---- the answer to one question ---- */

typedef enum x12kit_answer {
  X12KIT_ANSWER_NOT_STATED = 0,
  X12KIT_ANSWER_YES = 1,
  X12KIT_ANSWER_NO = 2,
  X12KIT_ANSWER_UNKNOWN = 3 /* the payer said it does not know (EB11 'U') */
} x12kit_answer;

/* Which rule produced a value. */
typedef enum x12kit_rule {
  X12KIT_RULE_NONE = 0,         /* not stated anywhere */
  X12KIT_RULE_PROCEDURE = 1,    /* an EB for the procedure itself (EB13) */
  X12KIT_RULE_SERVICE_TYPE = 2, /* an EB for a service type asked about (EB03) */
  X12KIT_RULE_PLAN = 3,         /* an EB for the plan as a whole: EB03 "30", or no EB03 and no EB13 */
  X12KIT_RULE_PLAN_STATUS = 4   /* the plan is inactive, so nothing is covered */
} x12kit_rule;

/* Where a value came from. */
typedef struct x12kit_source {
  x12kit_rule rule;
  const char *service_type;          /* the EB03 code matched under SERVICE_TYPE or PLAN */
  const x12kit_271_benefit *benefit; /* the EB; NULL with X12KIT_RULE_NONE */
} x12kit_source;

/* A money or rate term for one network. */
typedef struct x12kit_term {
  int set;                /* 0: the 271 does not state it */
  long long cents;        /* for money terms */
  long bp;                /* for coinsurance */
  const char *period;     /* EB06 of the EB used ("" when absent) */
  x12kit_source source;
} x12kit_term;

/* What the patient owes in one network. */
typedef struct x12kit_cost_terms {
  x12kit_term copay;                /* EB01 B */
  x12kit_term coinsurance;          /* EB01 A */
  x12kit_term deductible;           /* EB01 C, the amount for the period (EB06 other than 29) */
  x12kit_term deductible_remaining; /* EB01 C with EB06 29 */
  x12kit_term oop;                  /* EB01 G, the out-of-pocket maximum */
  x12kit_term oop_remaining;        /* EB01 G with EB06 29 */
  x12kit_term visits;               /* EB01 F with EB09 VS: visits allowed (cents holds the count) */
  x12kit_term visits_remaining;     /* the same with EB06 29 */
} x12kit_cost_terms;

/*
 * The question: a procedure (CPT/HCPCS, matched against EB13 with
 * qualifier HC or CJ), service types, or both.  The service types are
 * where an answer comes from when no procedure-level EB says otherwise,
 * most specific first; the plan-level EBs (EB03 "30" or none) come
 * last.  With neither, only the plan is looked at.
 */
typedef struct x12kit_coverage_query {
  const char *procedure;                /* "96365"; NULL or "" for none; modifiers after
                                           ':' are ignored */
  const char *const *service_types;     /* "MH", "A6" ... */
  size_t nservice_types;
} x12kit_coverage_query;

typedef struct x12kit_coverage {
  x12kit_answer covered;        /* EB01 1-5 yes; I no; plan inactive no */
  x12kit_source covered_source;
  x12kit_answer auth;           /* EB11 */
  x12kit_source auth_source;
  x12kit_cost_terms in_network; /* EB12 Y, then W or absent */
  x12kit_cost_terms out_network;/* EB12 N, then W or absent */
  const char *const *messages;  /* MSG text of every EB used, then of every other EB about the question */
  size_t nmessages;
  const x12kit_271_entity *entities; /* 2120C/D entities of the EBs about the question (who to call) */
  size_t nentities;
  const x12kit_271_rejection *rejections; /* AAA in the EBs about the question: the payer
                                             could not answer that part (EB01 V, say) */
  size_t nrejections;
} x12kit_coverage;

/*
 * Answers |q| for |p|.  For each value the most specific statement wins:
 * an EB for the procedure (EB13-2 equal, or within an EB13-8 range),
 * then an EB for each service type in |q| in turn, then a plan-level EB.
 * Within one level, an EB that names the network (EB12 Y or N) wins over
 * one that does not (W, U or absent), an individual EB (EB02 IND or
 * absent) over a family one, and then the first in the input.  An
 * inactive plan answers "not covered" by X12KIT_RULE_PLAN_STATUS.
 *
 * Which EBs answer what: covered from EB01 1-5 (yes), I, or 6-8 at the
 * procedure or a service type (no); auth from any EB with EB11; each
 * cost term from the EBs of its EB01 that state its value (EB07, EB08,
 * or EB09 VS with EB10).  in_network takes EB12 Y, then W, U or absent;
 * out_network EB12 N, then W, U or absent.  Coverage levels other than
 * IND and FAM (EMP, DEP ...) rank between the two.  An EB for another
 * procedure (EB13 that does not match) is not about the question.
 *
 * Returns X12KIT_OK, X12KIT_ERR_ARG (a NULL argument, a service type
 * count without a list), or X12KIT_ERR_NOMEM (then |out| says "not
 * stated" throughout).  The message and entity lists are kept in |p|'s
 * handle; a second call with the same query returns the same lists.
 */
X12KIT_EXTERN int x12kit_271_coverage(const x12kit_271_patient *p, const x12kit_coverage_query *q,
                                      x12kit_coverage *out);

/* Plain words for an answer and a rule: "yes", "not stated"; "procedure-level benefit". */
X12KIT_EXTERN const char *x12kit_answer_name(x12kit_answer a);
X12KIT_EXTERN const char *x12kit_rule_name(x12kit_rule r);

/*
 * What a clerk should try for an AAA reject reason (list 901) and
 * follow-up action (list 889): a sentence on what went wrong and what to
 * check, then one on whether and when to send the inquiry again.  Never
 * NULL; an unknown or missing code gives a general line.  The string is
 * static: it stays valid and unchanged for the life of the program.
 */
X12KIT_EXTERN const char *x12kit_aaa_advice(const char *reason, const char *action);

/* ---- the estimate for a planned series ---- */

/*
 * What the patient and the payer pay for a planned series of sessions of
 * the procedure an x12kit_coverage answers for (six ketamine infusions,
 * say), worked out the way a billing office would from the 271, with
 * every assumption listed in plain words.  Money is in cents; nothing is
 * a floating-point number.
 *
 * The model.  The cost terms of the network asked for are used
 * (in_network or out_network); the other network's are never looked at.
 *
 *  - Not covered (covered NO): every session costs the patient the whole
 *    charge (not_covered), the payer nothing, allowed is 0; nothing else
 *    is worked out.  Covered not stated or unknown: worked out as if
 *    covered, with an assumption saying so.
 *  - Visit limit: visits_remaining, else visits (assuming none used yet).
 *    Sessions past it are not covered, as above.  Without either, there
 *    is no limit.
 *  - Each covered session, in order:
 *      allowed      allowed_cents, or the charge when it is < 0;
 *      deductible   min(deductible left, allowed); what is left carries
 *                   over to the next session.  It starts at
 *                   deductible_remaining, else at deductible (assuming
 *                   none of it is met yet), else at 0 (none applies);
 *      coinsurance  its rate of (allowed - deductible), rounded half up
 *                   to the cent; 0 when not stated;
 *      copay        min(copay, allowed - deductible - coinsurance);
 *      out of pocket the three together are capped by what is left of
 *                   the out-of-pocket maximum, which carries over too:
 *                   oop_remaining, else oop (assuming nothing paid yet),
 *                   else no cap.  When the cap bites, the deductible
 *                   part is kept first, then coinsurance, then copay;
 *                   the deductible left still goes down by the
 *                   uncapped deductible part;
 *      balance      out of network, charge - allowed (balance billing);
 *                   it counts toward neither the deductible nor the cap;
 *      patient      deductible + coinsurance + copay + balance;
 *      payer        allowed - (deductible + coinsurance + copay).
 *    A session not covered adds only not_covered (= charge) to patient,
 *    and counts toward neither the deductible nor the cap.
 *
 * Assumptions are whole sentences, each listed once, in this order, each
 * only when its condition holds:
 *   coverage      not stated; the payer does not know; not covered (or
 *                 the plan not active); covered or not covered stated
 *                 for a service type or the whole plan, not the procedure;
 *   authorization required (assumed approved before the first session);
 *                 unknown or not stated; "not required" stated for a
 *                 service type or the plan;
 *   allowed       no allowed amount given (in or out of network wording);
 *   visit limit   visits without visits_remaining; sessions past it;
 *   deductible    the period amount without what remains; none stated;
 *   cost sharing  neither copay nor coinsurance stated; a copay charged
 *                 in a session that also has a deductible part or a
 *                 coinsurance rate above 0 ("the copay was charged after
 *                 the deductible; some plans waive ...");
 *   out of pocket the maximum without what remains; none stated; already
 *                 reached (oop_remaining 0); reached in session N;
 *   balance       out of network with allowed below the charge;
 *   sources       each cost term used (copay, coinsurance, deductible,
 *                 out-of-pocket, visit limit) whose rule is SERVICE_TYPE
 *                 or PLAN: the amount was stated for that, and applied to
 *                 the procedure.
 * When no session is covered only the coverage, visit limit and visit
 * limit source sentences appear: the rest would not change the numbers.
 * Amounts are written "$1,100.00", rates "20%" or "33.33%".  Sentences
 * hold amounts, rates, counts, session numbers and service type codes
 * (only when shaped like one), never a patient, a member ID or any other
 * value of the 271.
 *
 * Where the model above was silent, these choices were made: covered
 * UNKNOWN is treated like not stated; a session not covered has allowed
 * 0 and adds nothing to the deductible or the cap; balance billing is
 * outside the cap; the cap keeps deductible, then coinsurance, then
 * copay; "no copay and no coinsurance", "already reached", "reached in
 * session N", and the notes on where coverage and "no authorization"
 * came from are sentences of their own.
 */

#define X12KIT_ESTIMATE_MAX_SESSIONS 1000u
#define X12KIT_ESTIMATE_MAX_CENTS 1000000000000ll /* $10,000,000,000.00 per session */

typedef enum x12kit_network {
  X12KIT_NETWORK_IN = 0,
  X12KIT_NETWORK_OUT = 1
} x12kit_network;

typedef struct x12kit_estimate_input {
  unsigned sessions;            /* 1..X12KIT_ESTIMATE_MAX_SESSIONS */
  long long charge_cents;       /* billed per session, 1..X12KIT_ESTIMATE_MAX_CENTS */
  long long allowed_cents;      /* allowed per session, 0..charge_cents; < 0 when unknown
                                   (the charge is used) */
  x12kit_network network;
} x12kit_estimate_input;

/* One session's split, in cents; the total has the same fields summed. */
typedef struct x12kit_estimate_session {
  long long allowed;      /* the payer's allowed amount; 0 when the session is not covered */
  long long deductible;   /* paid toward the deductible */
  long long coinsurance;
  long long copay;
  long long not_covered;  /* the whole charge, when the session is not covered; else 0 */
  long long balance;      /* charge - allowed out of network (balance billing) */
  long long patient;      /* what the patient pays for this session */
  long long payer;        /* allowed - patient's share of it */
} x12kit_estimate_session;

typedef struct x12kit_estimate x12kit_estimate;

/*
 * Works out the estimate of |in| for the procedure |c| answers for, by
 * the model above, into a new handle in |*out| (NULL on failure).  The
 * cost terms used must be sensible: amounts and visit counts not
 * negative, a coinsurance rate of 0 to 10000 basis points.
 *
 * Returns X12KIT_OK, X12KIT_ERR_ARG (a NULL pointer, sessions, charge or
 * allowed amount out of range, an unknown network, covered or auth not
 * an x12kit_answer, a cost term out of range: the message names the
 * field, never its value) or X12KIT_ERR_NOMEM.  |err| (may be NULL) is
 * filled on failure.
 */
X12KIT_EXTERN int x12kit_estimate_compute(x12kit_estimate **out, const x12kit_coverage *c,
                                          const x12kit_estimate_input *in,
                                          const x12kit_mem *mem, x12kit_error *err);
/* Frees |e| and everything it returned; NULL is a no-op. */
X12KIT_EXTERN void x12kit_estimate_free(x12kit_estimate *e);

/* The sessions in order (i from 0); NULL when i is out of range. */
X12KIT_EXTERN size_t x12kit_estimate_session_count(const x12kit_estimate *e);
X12KIT_EXTERN const x12kit_estimate_session *x12kit_estimate_session_at(const x12kit_estimate *e,
                                                                         size_t i);
/* The sum over all sessions. */
X12KIT_EXTERN const x12kit_estimate_session *x12kit_estimate_total(const x12kit_estimate *e);
/* The assumptions, owned by |e|; NULL when i is out of range. */
X12KIT_EXTERN size_t x12kit_estimate_assumption_count(const x12kit_estimate *e);
X12KIT_EXTERN const char *x12kit_estimate_assumption(const x12kit_estimate *e, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_COVERAGE_H */
