/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * auth_response.h: reads 278 health care services review responses
 * (005010X217, BHT02 "11") and says, for each request and each service
 * line, what the payer decided and what the clinic should do next.
 *
 *     x12kit_278_response *r;
 *     if (x12kit_278_response_read(&r, schema, data, len, NULL, &err) != X12KIT_OK) ...
 *     const x12kit_278_resp_review *rv = x12kit_278_response_review_at(r, 0);
 *     if (rv->overall.action == X12KIT_278_CERTIFIED)
 *       bill_with(rv->overall.certification);
 *     puts(rv->overall.next_step);
 *     x12kit_278_response_free(r);
 *
 * Everything x12kit_278_response_read() returns (strings, arrays) lives
 * in the x12kit_278_response handle and stays valid, unchanged, until
 * x12kit_278_response_free().  Strings are never NULL: a value the 278
 * does not carry is "".  Dates are YYYY-MM-DD (a value that is not a
 * CCYYMMDD date is kept as sent).  Every |segment| is a position in the
 * transaction, ST = 1; 0 means the segment is absent.
 *
 * Patient data (the subscriber's and dependent's names, member ID, date
 * of birth) is read into x12kit_278_resp_person and nowhere else: no
 * next step, text or error message quotes it.
 *
 * The decisions at three levels, from the bottom up:
 *
 *   line (2000F)   an AAA in the line (or its 2010FA) rejects it; else
 *                  its HCR decides; else the request's HCR applies;
 *                  else nothing is stated.
 *   event (2000E)  an AAA in the event (or its 2010EA/EB/EC) rejects it;
 *                  else its own HCR decides; else the worst of its lines
 *                  that carry an AAA or an HCR; else nothing is stated.
 *   review (ST)    an AAA above the events (2000A, 2010A, 2010B, 2010C,
 *                  2010D) rejects the whole transaction; else the worst
 *                  of its events; else nothing is stated.
 *
 * "Worst" follows x12kit_278_action_severity(): rejected, not
 * certified, unknown code, contact payer, pended, not stated,
 * cancelled, certified partial, modified, certified in total, no action
 * required.  An event HCR, when present, wins over its lines even when a
 * line says worse: the lines are still listed with their own decisions.
 */
#ifndef X12KIT_AUTH_RESPONSE_H
#define X12KIT_AUTH_RESPONSE_H

#include <x12kit/common.h>
#include <x12kit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_278_response x12kit_278_response;

/* What the payer decided: HCR01 (action code, DE 306), or an AAA. */
typedef enum x12kit_278_action {
  X12KIT_278_NOT_STATED = 0,     /* no HCR and no AAA */
  X12KIT_278_CERTIFIED = 1,      /* A1 certified in total */
  X12KIT_278_PARTIAL = 2,        /* A2 certified, partial */
  X12KIT_278_NOT_CERTIFIED = 3,  /* A3 not certified */
  X12KIT_278_PENDED = 4,         /* A4 pended */
  X12KIT_278_MODIFIED = 5,       /* A6 modified */
  X12KIT_278_CANCELLED = 6,      /* C cancelled */
  X12KIT_278_CONTACT_PAYER = 7,  /* CT contact payer */
  X12KIT_278_NO_ACTION = 8,      /* NA no action required */
  X12KIT_278_REJECTED = 9,       /* an AAA: the payer could not process the request */
  X12KIT_278_UNKNOWN = 10        /* HCR01 holds a code x12kit does not know */
} x12kit_278_action;

/* Which rule gave a summary (see the top of this file). */
typedef enum x12kit_278_basis {
  X12KIT_278_BASIS_NONE = 0,      /* nothing stated */
  X12KIT_278_BASIS_REJECTION = 1, /* an AAA */
  X12KIT_278_BASIS_EVENT = 2,     /* the HCR of the request (2000E) */
  X12KIT_278_BASIS_LINE = 3,      /* the HCR of the service line itself (2000F) */
  X12KIT_278_BASIS_LINES = 4      /* no HCR in 2000E: the worst of the service lines */
} x12kit_278_basis;

/* A DTP segment. */
typedef struct x12kit_278_resp_date {
  unsigned long segment;
  const char *qualifier;      /* DTP01: "007" effective, "036" expiration, "102" issue,
                                 "472" service, "AAH" event ... */
  const char *qualifier_text; /* its meaning ("Effective"); "" when unknown */
  const char *from;           /* D8 date, or the start of an RD8 range */
  const char *to;             /* the end of an RD8 range; "" for D8 */
} x12kit_278_resp_date;

/* A REF segment. */
typedef struct x12kit_278_resp_ref {
  unsigned long segment;
  const char *qualifier;      /* REF01: "NT" administrative reference, "BB" authorization number */
  const char *qualifier_text;
  const char *value;          /* REF02 */
} x12kit_278_resp_ref;

/* A TRN segment. */
typedef struct x12kit_278_resp_trace {
  unsigned long segment;
  const char *type;           /* TRN01: "2" the request's own trace echoed, "1" the payer's */
  const char *number;         /* TRN02 */
  const char *entity;         /* TRN03: who assigned it */
  const char *extra;          /* TRN04 */
} x12kit_278_resp_trace;

/* An NM1 loop: the UMO, the requester, a provider, a contact. */
typedef struct x12kit_278_resp_party {
  const char *loop;           /* "2010A", "2010B", "2010EA", "2010EB", "2010FA" ...;
                                 "" when absent */
  unsigned long segment;      /* the NM1 */
  const char *code;           /* NM101: "X3" UMO, "1P" provider, "SJ" service provider ... */
  const char *code_text;
  const char *name;           /* organization name, or "LAST, FIRST" for a person */
  const char *id_qualifier;   /* NM108: "PI", "XX" ... */
  const char *id;             /* NM109 */
  const char *taxonomy;       /* PRV03 */
  const char *address;        /* N3 and N4 joined with ", " */
  const char *contact;        /* PER02 */
  const char *phone;          /* the first TE number of the PER */
  const char *extension;      /* EX */
  const char *fax;            /* FX */
  const char *email;          /* EM */
  const char *url;            /* UR */
} x12kit_278_resp_party;

/* The subscriber (2010C) or the dependent (2010D): patient data. */
typedef struct x12kit_278_resp_person {
  const char *loop;           /* "2010C" or "2010D"; "" when absent */
  unsigned long segment;      /* the NM1 */
  const char *last;
  const char *first;
  const char *middle;
  const char *suffix;
  const char *member_id;      /* NM109 */
  const char *dob;            /* DMG02 as YYYY-MM-DD */
  const char *gender;         /* DMG03 */
} x12kit_278_resp_person;

/*
 * An AAA segment: the payer could not process the request, or part of
 * it.  |next_step| says in plain words what the clinic should do
 * ("Check the member ID on the patient's card ..."); never "".
 */
typedef struct x12kit_278_resp_rejection {
  const char *loop;           /* "2000A", "2010A", "2010B", "2010C", "2010D", "2000E",
                                 "2010EA", "2000F", "2010FA" */
  unsigned long segment;
  char valid;                 /* AAA01 'Y' (valid, not processed) or 'N'; 0 when absent */
  const char *reason;         /* AAA03 (list 901): "72" */
  const char *reason_text;    /* "Invalid or missing subscriber/insured ID" */
  const char *action;         /* AAA04 (list 889): "C" */
  const char *action_text;    /* "Correct and resubmit" */
  const char *next_step;
} x12kit_278_resp_rejection;

/*
 * An HCR segment: the decision for a request or a service line.  Without
 * an HCR, |action| is X12KIT_278_NOT_STATED and every string is "".
 */
typedef struct x12kit_278_resp_decision {
  unsigned long segment;
  x12kit_278_action action;
  const char *code;           /* HCR01: "A1" ... */
  const char *code_text;      /* "Certified in total" */
  const char *certification;  /* HCR02: the certification (authorization) number */
  const char *reason;         /* HCR03, a decision reason from code source 886 */
  const char *reason_text;    /* its meaning when the maps hold list 886; "" otherwise */
  char second_opinion;        /* HCR04 'Y', 'N', or 0 when absent */
  const char *next_step;      /* plain words for the clinic; "" when there is no HCR */
} x12kit_278_resp_decision;

/* An HSD segment: how much, how often. */
typedef struct x12kit_278_resp_quantity {
  unsigned long segment;      /* 0: no HSD */
  const char *qualifier;      /* HSD01: "VS" visits, "DY" days, "FL" units, "HS" hours,
                                 "MN" months */
  const char *count;          /* HSD02 as sent */
  const char *unit;           /* HSD03: "WK" week, "DA" day, "MO" month, "YR" year, "VS" visit */
  const char *sample;         /* HSD04 */
  const char *period;         /* HSD05 (list 615): "35" week, "34" month, "7" day ... */
  const char *periods;        /* HSD06 */
  const char *text;           /* in words: "2 visits per week for 3 weeks" */
} x12kit_278_resp_quantity;

/* SV1 (professional) or SV2 (institutional): the service of a line. */
typedef struct x12kit_278_resp_service {
  unsigned long segment;      /* 0: neither */
  const char *segment_id;     /* "SV1" or "SV2"; "" when absent */
  const char *qualifier;      /* SV101-1 / SV202-1: "HC" CPT/HCPCS, "N4" NDC ... */
  const char *code;           /* SV101-2 / SV202-2: "96365" */
  const char *modifiers[4];   /* -3 to -6 */
  const char *description;    /* -7 */
  const char *revenue_code;   /* SV201 */
  const char *unit;           /* SV103 / SV204: "UN" units, "MJ" minutes, "F2", "DA" days */
  const char *units;          /* SV104 / SV205 as sent: the quantity approved */
} x12kit_278_resp_service;

/* A PWK segment: paperwork the payer asks for or has. */
typedef struct x12kit_278_resp_paperwork {
  unsigned long segment;
  const char *type;           /* PWK01 (list 755): "09" progress report ... */
  const char *type_text;
  const char *transmission;   /* PWK02 (list 756): "FX" by fax ... */
  const char *transmission_text;
  const char *control;        /* PWK06: the attachment control number */
  const char *description;    /* PWK07 */
} x12kit_278_resp_paperwork;

/* How one decision sums up, with what to do about it. */
typedef struct x12kit_278_resp_summary {
  x12kit_278_action action;
  x12kit_278_basis basis;
  const char *loop;           /* loop of the HCR or AAA that decided; "" when none */
  unsigned long segment;      /* that HCR or AAA */
  const char *code;           /* its HCR01 or AAA03 */
  const char *text;           /* its meaning */
  const char *certification;  /* HCR02 of the deciding HCR; "" when none */
  const char *next_step;      /* never "" */
} x12kit_278_resp_summary;

/* One service line (2000F). */
typedef struct x12kit_278_resp_line {
  unsigned long segment;      /* the HL */
  const char *hl;             /* HL01 */
  const x12kit_278_resp_trace *traces;
  size_t ntraces;
  x12kit_278_resp_decision decision;  /* the line's own HCR */
  x12kit_278_resp_service service;
  x12kit_278_resp_quantity quantity;  /* the line's HSD */
  const char *valid_from;     /* the dates the decision covers: DTP 007..036 of the line, */
  const char *valid_to;       /* else its DTP 472 (one day: from = to), else those of the
                                 request; "" when none */
  const x12kit_278_resp_date *dates;
  size_t ndates;
  const x12kit_278_resp_ref *refs;
  size_t nrefs;
  const x12kit_278_resp_paperwork *paperwork;
  size_t npaperwork;
  const char *const *messages;        /* MSG01 */
  size_t nmessages;
  const x12kit_278_resp_rejection *rejections; /* AAA of 2000F and 2010FA */
  size_t nrejections;
  const x12kit_278_resp_party *providers;      /* 2010FA */
  size_t nproviders;
  x12kit_278_resp_party contact;      /* 2010FB; loop "" when absent */
  x12kit_278_resp_summary overall;
} x12kit_278_resp_line;

/* One request (2000E, the patient event) and its service lines. */
typedef struct x12kit_278_resp_event {
  unsigned long segment;      /* the HL */
  const char *hl;             /* HL01 */
  int dependent;              /* 1 when the event is under the dependent (2000D) */
  const x12kit_278_resp_trace *traces;
  size_t ntraces;
  const char *request_trace;  /* TRN02 of the TRN01 "2": the request's trace, echoed */
  const char *payer_trace;    /* TRN02 of the TRN01 "1": the payer's own trace */
  const char *category;       /* UM01 (list 1525): "HS" health services review ... */
  const char *certification_type; /* UM02 (list 1322): "I" initial ... */
  const char *service_type;   /* UM03 (list 1365): "MH" ... */
  const char *place;          /* UM04-1 */
  const char *level;          /* UM06 (list 1338) */
  x12kit_278_resp_decision decision;  /* the request's HCR */
  x12kit_278_resp_quantity quantity;  /* the request's HSD */
  const char *valid_from;     /* the dates the decision covers: DTP 007..036 (either may */
  const char *valid_to;       /* be ""), else the AAH event date or range (one day: from =
                                 to); "" when none */
  const x12kit_278_resp_date *dates;
  size_t ndates;
  const x12kit_278_resp_ref *refs;
  size_t nrefs;
  const x12kit_278_resp_paperwork *paperwork;
  size_t npaperwork;
  const char *const *messages;
  size_t nmessages;
  const x12kit_278_resp_rejection *rejections; /* AAA of 2000E, 2010EA */
  size_t nrejections;
  const x12kit_278_resp_party *providers;      /* 2010EA */
  size_t nproviders;
  x12kit_278_resp_party contact;      /* 2010EB: where to send more information */
  const x12kit_278_resp_line *lines;
  size_t nlines;
  x12kit_278_resp_summary overall;
} x12kit_278_resp_event;

/* One 278 response transaction. */
typedef struct x12kit_278_resp_review {
  unsigned long transaction;  /* 0-based index of the ST among all those of the input */
  const char *control;        /* ST02 */
  const char *reference;      /* BHT03: the request's BHT03, echoed */
  const char *date;           /* BHT04 as YYYY-MM-DD */
  const char *time;           /* BHT05 as sent */
  const char *type;           /* BHT06: "18" final, "19" further updates to follow, "RU" */
  x12kit_278_resp_party umo;          /* 2010A: the payer or its review organization */
  x12kit_278_resp_party requester;    /* 2010B */
  x12kit_278_resp_person subscriber;  /* 2010C */
  x12kit_278_resp_person dependent;   /* 2010D; loop "" when absent */
  const x12kit_278_resp_rejection *rejections; /* AAA of 2000A, 2010A, 2010B, 2010C, 2010D */
  size_t nrejections;
  const x12kit_278_resp_event *events;
  size_t nevents;
  x12kit_278_resp_summary overall;
} x12kit_278_resp_review;

/*
 * Reads every 278 response in |data|.  The input is lexed and validated
 * against |schema|; guide findings do not stop the reading (the answer
 * uses what is there), but they are counted.  Other transaction sets in
 * the same input are skipped.  Input that holds no 278 response (a 999,
 * a TA1, a 271, a 278 request, bytes that are not X12) fails with
 * X12KIT_ERR_SYNTAX and a message that says what it is instead; a 278
 * response cut short (no SE, or input ending inside a segment) fails
 * with X12KIT_ERR_TRUNCATED.  Returns X12KIT_OK, X12KIT_ERR_SYNTAX,
 * X12KIT_ERR_TRUNCATED, X12KIT_ERR_NOMEM or X12KIT_ERR_ARG; |err| (may
 * be NULL) is filled on failure, never with patient data.
 */
X12KIT_EXTERN int x12kit_278_response_read(x12kit_278_response **out,
                                           const x12kit_schema *schema, const char *data,
                                           size_t len, const x12kit_mem *mem,
                                           x12kit_error *err);
X12KIT_EXTERN void x12kit_278_response_free(x12kit_278_response *r);

/* Guide findings seen while reading (0 for a clean response). */
X12KIT_EXTERN unsigned long x12kit_278_response_finding_count(const x12kit_278_response *r);

X12KIT_EXTERN size_t x12kit_278_response_review_count(const x12kit_278_response *r);
/* NULL when |i| is out of range. */
X12KIT_EXTERN const x12kit_278_resp_review *x12kit_278_response_review_at(
  const x12kit_278_response *r, size_t i);

/* Plain words: "certified in total", "not certified", "rejected", "no decision stated". */
X12KIT_EXTERN const char *x12kit_278_action_name(x12kit_278_action a);

/*
 * How much the clinic has to do about |a|, 0 (no action required) to 10
 * (rejected); the order "worst" follows above.
 */
X12KIT_EXTERN int x12kit_278_action_severity(x12kit_278_action a);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_AUTH_RESPONSE_H */
