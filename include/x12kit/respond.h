/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * respond.h: builds the answers a payer (or a clearinghouse simulator)
 * sends back: a 271 eligibility response (005010X279A1) to a 270, and a
 * 278 health care services review response (005010X217, BHT02 "11") to
 * a 278 request.  Plain strings in, one complete interchange out through
 * an x12kit_writer, after every input has been checked.
 *
 * A 271 answering the 270 of eligibility.h (one active plan, a $35
 * copay for CPT 96365 that needs prior authorization):
 *
 *     static const char *const plan_stc[] = { "30" };
 *     x12kit_271_response_benefit b[2] = { { 0 }, { 0 } };
 *     x12kit_271_response_patient p = { 0 };
 *     x12kit_271_response r = { 0 };
 *     b[0].code = "1"; b[0].coverage_level = "IND";
 *     b[0].service_types = plan_stc; b[0].nservice_types = 1;
 *     b[1].code = "B"; b[1].coverage_level = "IND"; b[1].period = "27";
 *     b[1].amount.set = 1; b[1].amount.cents = 3500;    // EB07 "35"
 *     b[1].auth = 'Y'; b[1].network = 'Y'; b[1].procedure = "96365";
 *     p.trace = "NWI270-0001"; p.trace_entity = "9876543210";
 *     p.member_id = "CVK300418826"; p.last = "LINDQVIST"; p.first = "SAM";
 *     p.benefits = b; p.nbenefits = 2;
 *     r.payer_name = "CEDAR VALLEY HEALTH PLAN"; r.payer_id = "CVHP01";
 *     r.provider_name = "NORTHWIND INFUSION CLINIC"; r.provider_npi = "1582037465";
 *     r.patients = &p; r.npatients = 1;
 *     r.reference = "NWI270-0001"; r.control = 601;
 *     x12kit_271_response_write(&r, schema, w, &err);
 *
 * "Subscriber not found" is the same patient with no benefits and one
 * rejection in 2100C:
 *
 *     static const x12kit_respond_aaa not_found[] = { { 'Y', "75", "C" } };
 *     p.nbenefits = 0; p.rejections = not_found; p.nrejections = 1;
 *
 * Echoing the request.  Every field that repeats a value of the request
 * says which element it comes from ("echoes 270 2000C TRN02"): copy the
 * element as it was received.  Dates may be given as YYYY-MM-DD or, as
 * they stand in a received segment, CCYYMMDD; both are written CCYYMMDD.
 *
 * Rejections (AAA) end the answer at their level.  A rejection at a
 * level above the patients (271 2000A, 2100A, 2100B; 278 2000A, 2010A,
 * 2010B, 2010C, 2010D) or at the 278 patient event (2000E) makes that
 * loop the last one written: the HL loops below it are neither written
 * nor checked (HL04 says "0"), so a caller may fill the whole answer and
 * only add the rejection.  A 271 subscriber rejected in 2100C keeps its
 * own benefits but not its dependent: the trace echo then goes to
 * 2000C.  A rejected 278 event or line carries no decision (HCR).  An
 * identifier the payer rejects is echoed as received: with a rejection
 * in 2100B (2010B) the provider NPI is checked as text only, not for its
 * check digit.
 *
 * Everywhere below, NULL (or "") means "not given" for an optional
 * string; strings are written as given (X12 receivers usually expect
 * upper case); a text may not hold the delimiters * ^ : ~.  Codes are X12
 * codes: with a schema, each must be one the map of the transaction
 * allows in its element (the 271 map, or the 278 response map), the test
 * the validator applies; without one only their form is checked.
 *
 * The checks (x12kit_271_response_check, x12kit_278_reply_check) look at
 * every input before anything is written and say which field is wrong
 * ("patient 2: benefit 3: amount (EB07) must be 0 to 1000000000000
 * cents"); their messages name fields, never their values, so they are
 * safe to log.
 */
#ifndef X12KIT_RESPOND_H
#define X12KIT_RESPOND_H

#include <x12kit/common.h>
#include <x12kit/schema.h>
#include <x12kit/writer.h>
#include <x12kit/coverage.h>
#include <x12kit/auth.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- pieces shared by both answers ---- */

/* The most patients one 271 answers (as many as one 270 may ask about). */
#define X12KIT_271_RESPONSE_MAX_PATIENTS 99
/* The most benefits (2110C or 2110D loops) of one subscriber or dependent. */
#define X12KIT_271_RESPONSE_MAX_BENEFITS 999
/* The largest amount an EB07 is written with: $10,000,000,000.00. */
#define X12KIT_RESPOND_MAX_CENTS 1000000000000ll
/* The most rejections (AAA) of one loop, dates (DTP) of one 2110 loop,
   messages (MSG) of one benefit, related entities (2120) of one benefit. */
#define X12KIT_RESPOND_MAX_REJECTIONS 9
#define X12KIT_RESPOND_MAX_BENEFIT_DATES 20
#define X12KIT_RESPOND_MAX_MESSAGES 10
#define X12KIT_RESPOND_MAX_ENTITIES 23
/* The most dates (DTP) of one 2100C or 2100D loop. */
#define X12KIT_RESPOND_MAX_PATIENT_DATES 9
/* The most service lines (2000F) of one 278 answer. */
#define X12KIT_278_REPLY_MAX_LINES 99

/*
 * An AAA segment: the payer could not answer the request, or part of
 * it.  Which reasons and actions a loop allows is the map's business
 * (list 901 and 889, narrowed loop by loop).
 */
typedef struct x12kit_respond_aaa {
  char valid;                /* AAA01: 'Y' the request was valid but cannot be answered,
                                'N' it was not; required */
  const char *reason;        /* AAA03 reject reason (list 901), e.g. "75" not found; required */
  const char *action;        /* AAA04 follow-up action (list 889), e.g. "C" correct and
                                resubmit; required */
} x12kit_respond_aaa;

/* A DTP segment. */
typedef struct x12kit_respond_date {
  const char *qualifier;     /* DTP01 (list 374), e.g. "346" plan begin; required */
  const char *from;          /* the date (D8), or the start of a range; required */
  const char *to;            /* the end of a range (RD8); a range of one day is written D8 */
} x12kit_respond_date;

/*
 * A PER segment with PER01 "IC" (information contact): a name and at
 * most three numbers, written in this order: phone, extension, fax,
 * email, URL.  Written only when one field is given.
 */
typedef struct x12kit_respond_contact {
  const char *name;          /* PER02, 1-60 */
  const char *phone;         /* TE, 10-15 digits */
  const char *extension;     /* EX, 1-10 digits; needs the phone */
  const char *fax;           /* FX, 10-15 digits */
  const char *email;         /* EM, 3-256 with an '@' */
  const char *url;           /* UR, 1-256 */
} x12kit_respond_contact;

/* ---- the 271 eligibility response ---- */

/* A benefit related entity (2120C, 2120D), written between LS and LE. */
typedef struct x12kit_271_response_entity {
  const char *entity_code;   /* NM101 (list 98): "X3" review organization, "P3" primary care
                                provider, "PRP" primary payer ...; required */
  const char *name;          /* NM103 with NM102 "2", 1-60 */
  const char *last;          /* NM103 with NM102 "1", when name is not given, 1-60 */
  const char *first;         /* NM104 with last, 1-35 */
  const char *id_qualifier;  /* NM108 (list 66): "PI", "XX" ...; with id */
  const char *id;            /* NM109, 2-80; with id_qualifier */
  x12kit_respond_contact contact; /* PER */
} x12kit_271_response_entity;

/*
 * One benefit: the EB segment of a 2110C (2110D) loop and what follows
 * it.  Amounts are in cents and rates in basis points, as the 271
 * reader gives them, and are written the way X12 writes decimals: no
 * trailing zeros, no leading zero ({ 1, 4000 } is "40", { 1, 65050 }
 * "650.5", { 1, 1 } ".01"; a rate of 3000 basis points is ".3").
 */
typedef struct x12kit_271_response_benefit {
  const char *code;               /* EB01 (list 1390): "1" active, "6" inactive, "A"
                                     coinsurance, "B" copay, "C" deductible, "G" out of pocket,
                                     "F" limitation, "I" non-covered, "V" cannot process ...;
                                     required */
  const char *coverage_level;     /* EB02 (list 1207): "IND", "FAM" ... */
  const char *const *service_types; /* EB03 (list 1365), one repetition each, up to 99; not
                                     with a procedure */
  size_t nservice_types;
  const char *insurance_type;     /* EB04 (list 1336): "PR" PPO, "HM" HMO ... */
  const char *plan;               /* EB05 plan coverage description, 1-50 */
  const char *period;             /* EB06 (list 615): "23" calendar year, "27" visit, "29"
                                     remaining ... */
  x12kit_amount amount;           /* EB07: 0..X12KIT_RESPOND_MAX_CENTS when set */
  x12kit_rate percent;            /* EB08: 0..10000 basis points when set */
  const char *quantity_qualifier; /* EB09 (list 673): "VS" visits ...; with quantity */
  const char *quantity;           /* EB10, a decimal number such as "30" or "1.5" (1-15
                                     digits); with quantity_qualifier */
  char auth;                      /* EB11: 'Y' authorization required, 'N' not, 'U' unknown;
                                     0: not stated */
  char network;                   /* EB12: 'Y' in network, 'N' out, 'W' either, 'U' unknown;
                                     0: not stated */
  const char *procedure;          /* EB13 with qualifier HC: "96365" or "96365:59[:XU...]"
                                     (CPT or HCPCS, up to 4 modifiers); not with service types */
  const char *procedure_end;      /* EB13-8, the end of a code range that starts at
                                     |procedure|; needs it */
  const x12kit_respond_date *dates;   /* DTP, up to 20; qualifiers as the map allows
                                         ("291" plan, "292" benefit, "348" begin ...) */
  size_t ndates;
  const x12kit_respond_aaa *rejections; /* AAA of the 2110 loop, up to 9 (an EB01 "V" that
                                           cannot answer one service, say) */
  size_t nrejections;
  const char *const *messages;    /* MSG01 texts, 1-264 each, up to 10 */
  size_t nmessages;
  const x12kit_271_response_entity *entities; /* 2120C/2120D in one LS/LE, up to 23 */
  size_t nentities;
} x12kit_271_response_benefit;

/*
 * The dependent (2000D, 2100D) when the patient asked about is not the
 * subscriber.  Given when any of its fields is; |last| and |first| are
 * then required.  Its name and demographics echo the 270's 2100D.
 */
typedef struct x12kit_271_response_dependent {
  const char *last;              /* NM103, 1-60 (echoes 270 2100D NM103) */
  const char *first;             /* NM104, 1-35 (NM104) */
  const char *middle;            /* NM105, 1-25 */
  const char *suffix;            /* NM107, 1-10 */
  const char *dob;               /* DMG02 (echoes 270 2100D DMG02) */
  const char *gender;            /* DMG03 "F", "M" or "U"; needs dob */
  const char *relationship;      /* INS02 with INS01 "N": "01" spouse, "19" child, "20",
                                    "21", "34", "39", "40", "53", "G8" (echoes 270 INS02) */
  const x12kit_respond_date *dates;     /* 2100D DTP, up to 9 */
  size_t ndates;
  const x12kit_respond_aaa *rejections; /* 2100D AAA: "67" patient not found ... */
  size_t nrejections;
  const x12kit_271_response_benefit *benefits; /* 2110D loops */
  size_t nbenefits;
} x12kit_271_response_dependent;

/*
 * One patient answered: a 2000C subscriber loop, and a 2000D loop under
 * it when |dependent| is given.  The trace echo goes to the patient's
 * own loop: 2000C for a subscriber, 2000D for a dependent.
 */
typedef struct x12kit_271_response_patient {
  const char *trace;             /* TRN02 with TRN01 "2": echoes the 270's TRN02 of this
                                    patient (2000C, or 2000D for a dependent); 1-50, required */
  const char *trace_entity;      /* TRN03 with it: echoes the 270's TRN03; 10 characters,
                                    required */
  const char *payer_trace;       /* TRN02 with TRN01 "1": the payer's own trace, 1-50 */
  const char *payer_trace_entity;/* its TRN03, 10 letters or digits; required with it */

  /* 2100C subscriber (echoes 270 2100C) */
  const char *member_id;         /* NM109 with qualifier MI, 2-80; required unless the
                                    subscriber is rejected (then echoed when received) */
  const char *last;              /* NM103, 1-60; required unless the subscriber is rejected */
  const char *first;             /* NM104, 1-35 */
  const char *middle;            /* NM105, 1-25 */
  const char *suffix;            /* NM107, 1-10 */
  const char *group_number;      /* REF 6P, 1-50 */
  const char *group_name;        /* its REF03, 1-80; needs group_number */
  const char *plan_number;       /* REF 18, 1-50 */
  const char *plan_name;         /* its REF03, 1-80; needs plan_number */
  const x12kit_respond_aaa *rejections; /* 2100C AAA: "72" member ID, "75" not found ... */
  size_t nrejections;
  const char *dob;               /* DMG02 (echoes 270 DMG02) */
  const char *gender;            /* DMG03 "F", "M" or "U"; needs dob */
  const x12kit_respond_date *dates;     /* 2100C DTP, up to 9: "346" plan begin, "356"
                                           eligibility begin, "347" plan end ... */
  size_t ndates;
  const x12kit_271_response_benefit *benefits; /* 2110C loops: the subscriber's own */
  size_t nbenefits;

  x12kit_271_response_dependent dependent; /* all empty: the subscriber is the patient */
} x12kit_271_response_patient;

/*
 * One 271 answer: one information source (the payer), one receiver (the
 * provider) and the patients, in one transaction.
 */
typedef struct x12kit_271_response {
  /* 2000A/2100A information source, NM101 "PR" (echoes 270 2100A) */
  const char *payer_name;        /* NM103, 1-60, required */
  const char *payer_id;          /* NM109 with qualifier PI, 2-80, required */
  x12kit_respond_contact payer_contact; /* PER */
  const x12kit_respond_aaa *source_rejections; /* 2000A AAA: the whole inquiry ("79", "42") */
  size_t nsource_rejections;
  const x12kit_respond_aaa *payer_rejections;  /* 2100A AAA: "42" unable to respond now,
                                                  "80" no response from the payer ... */
  size_t npayer_rejections;

  /* 2000B/2100B information receiver (echoes 270 2100B): an organization or a person */
  const char *provider_name;     /* NM103 with NM102 "2", 1-60 */
  const char *provider_last;     /* NM103 with NM102 "1", when provider_name is not given */
  const char *provider_first;    /* NM104 with provider_last, 1-35 */
  const char *provider_npi;      /* NM109 with qualifier XX, 10 digits with a valid check
                                    digit; required */
  const x12kit_respond_aaa *provider_rejections; /* 2100B AAA: "43", "51" not on file ... */
  size_t nprovider_rejections;

  /* 2000C/2000D: 1..X12KIT_271_RESPONSE_MAX_PATIENTS, in the inquiry's order; none only
     when a rejection above stops the answer */
  const x12kit_271_response_patient *patients;
  size_t npatients;

  /* references */
  const char *reference;         /* BHT03: echoes the 270's BHT03; 1-50, required */

  /* envelope (ISA, GS "HB") */
  const char *sender_id;         /* ISA06/GS02, 2-15; default the payer ID */
  const char *receiver_id;       /* ISA08/GS03, 2-15; default the provider NPI */
  const char *sender_qualifier;  /* ISA05, default "ZZ" */
  const char *receiver_qualifier;/* ISA07, default "ZZ" */
  char usage;                    /* ISA15 'T' or 'P'; 0 means 'P' */
  int ack_requested;             /* ISA14: 1 asks for a TA1 */
  unsigned long control;         /* ISA13 and GS06, 1..999999999 */
  const char *date;              /* CCYYMMDD of creation (BHT04, GS04, ISA09); NULL: now, UTC */
  const char *time;              /* HHMM of creation; NULL: now, UTC (only when date is NULL
                                    too) */
} x12kit_271_response;

/*
 * Checks |r| before anything is built.  |schema| may be NULL; when given
 * it must hold the 271 map, and every code must be one that map allows
 * in its element.  Returns X12KIT_OK, X12KIT_ERR_ARG with err->text
 * naming the field ("patient 2: benefit 1: percent (EB08) ..."), or
 * X12KIT_ERR_SCHEMA when the schema has no 271 map.
 */
X12KIT_EXTERN int x12kit_271_response_check(const x12kit_271_response *r,
                                            const x12kit_schema *schema, x12kit_error *err);

/*
 * Checks |r|, then writes one interchange (ISA, GS "HB", one ST 271 with
 * BHT 0022 11, GE, IEA) to |w|, which must be between interchanges.
 * HL 1 is the payer, HL 2 the provider, then each patient: his
 * subscriber's HL (parent 2), then the dependent's HL (parent the
 * subscriber's).  Returns X12KIT_OK or a negative status with |err|
 * (may be NULL) filled; an answer that fails its check writes nothing.
 */
X12KIT_EXTERN int x12kit_271_response_write(const x12kit_271_response *r,
                                            const x12kit_schema *schema, x12kit_writer *w,
                                            x12kit_error *err);

/* ---- the 278 review response ---- */

/* A UM segment (health care services review information): echoes the request's UM. */
typedef struct x12kit_278_reply_um {
  const char *request_category;  /* UM01 (list 1525): "HS", "SC", "AR", "IN"; required when
                                    any other field is given */
  const char *certification_type;/* UM02 (list 1322): "I", "R", "S", "4" ...; likewise */
  const char *service_type;      /* UM03 (list 1365) */
  const char *place_of_service;  /* UM04-1 with UM04-2 "B": 2 digits, 01-99 */
  const char *level_of_service;  /* UM06 (list 1338): "E", "U", "03" */
} x12kit_278_reply_um;

/*
 * The payer's decision on a request or a service line: HCR, the
 * references and the dates of the certification.
 *
 *   HCR01  A1 certified in total, A2 certified in part, A6 modified:
 *          the certification number (HCR02) is required;
 *          A3 not certified: the decision reason (HCR03) is required;
 *          A4 pended, C cancelled, CT contact payer, NA no action
 *          required.  A reason goes only with A2, A3, A4 and A6.
 */
typedef struct x12kit_278_reply_decision {
  const char *action;            /* HCR01 (list 306); NULL: no HCR (then HCR02 to HCR04 are
                                    not given either) */
  const char *certification;     /* HCR02, the certification (authorization) number, 1-50 */
  const char *reason;            /* HCR03, a decision reason (code source 886), 1-30 */
  char second_opinion;           /* HCR04 'Y' or 'N'; 0: not stated */
  const char *admin_reference;   /* REF NT, the payer's administrative reference, 1-50 */
  const char *previous_auth;     /* REF BB, an earlier authorization number, 1-50 */
  const char *issued;            /* DTP 102, the certification's issue date */
  const char *effective;         /* DTP 007, the day the certification takes effect (D8) */
  const char *effective_end;     /* with effective: the 007 range's end (RD8) */
  const char *expires;           /* DTP 036, the certification's expiration date; not before
                                    the effective date */
} x12kit_278_reply_decision;

/*
 * One service line answered (2000F).  |service| echoes the request's
 * line: SV1 (or SV2 with a revenue code) from procedure, description,
 * charge and units (write the units approved), DTP 472 from from/to,
 * and its delivery is the HSD of what is approved.
 */
typedef struct x12kit_278_reply_line {
  const char *trace;             /* TRN02 with TRN01 "2": echoes the line's own TRN02 when the
                                    request had one, 1-50 */
  const char *trace_entity;      /* its TRN03, 10 characters; required with trace */
  const char *payer_trace;       /* TRN02 with TRN01 "1": the payer's own trace for the line */
  const char *payer_trace_entity;/* its TRN03, 10 letters or digits; required with it */
  const x12kit_respond_aaa *rejections; /* 2000F AAA: "AG" procedure code ...; then no
                                           decision */
  size_t nrejections;
  x12kit_278_reply_um um;        /* UM: echoes the line's UM (the request builder repeats the
                                    event's in every line) */
  x12kit_278_reply_decision decision;
  x12kit_278_service service;    /* procedure required; units 1-99999 */
  const char *note;              /* MSG01, 1-264 */
} x12kit_278_reply_line;

/* One 278 answer: the review of one patient event and its service lines. */
typedef struct x12kit_278_reply {
  /* 2000A/2010A utilization management organization, NM101 "X3" (echoes 278 2010A) */
  const char *payer_name;        /* NM103, 1-60, required */
  const char *payer_id;          /* NM109 with qualifier PI, 2-80, required */
  x12kit_respond_contact payer_contact; /* PER */
  const x12kit_respond_aaa *source_rejections; /* 2000A AAA */
  size_t nsource_rejections;
  const x12kit_respond_aaa *payer_rejections;  /* 2010A AAA: "42" unable to respond now ... */
  size_t npayer_rejections;

  /* 2000B/2010B requester (echoes 278 2010B) */
  const char *requester_code;    /* NM101 "1P" provider (default) or "FA" facility */
  const char *provider_name;     /* NM103 with NM102 "2", 1-60 */
  const char *provider_last;     /* NM103 with NM102 "1", when provider_name is not given */
  const char *provider_first;    /* NM104 with provider_last, 1-35 */
  const char *provider_npi;      /* NM109 with qualifier XX, 10 digits; required */
  const x12kit_respond_aaa *provider_rejections; /* 2010B AAA: "51" not on file ... */
  size_t nprovider_rejections;

  /* 2000C/2010C subscriber (echoes 278 2010C) */
  const char *member_id;         /* NM109 with qualifier MI, 2-80, required */
  const char *last;              /* NM103, 1-60, required */
  const char *first;             /* NM104, 1-35 */
  const char *dob;               /* DMG02 */
  const char *gender;            /* DMG03 "F", "M" or "U"; needs dob */
  const x12kit_respond_aaa *subscriber_rejections; /* 2010C AAA: "72", "75" ... */
  size_t nsubscriber_rejections;

  /* 2000D/2010D dependent (echoes 278 2010D), NM101 "QC"; left out without a last name */
  const char *dependent_last;    /* NM103, 1-60 */
  const char *dependent_first;   /* NM104, 1-35 */
  const char *dependent_member_id; /* NM109 with MI, 2-80 */
  const char *dependent_dob;     /* DMG02 */
  const char *dependent_gender;  /* DMG03; needs dependent_dob */
  const char *dependent_relationship; /* INS02 with INS01 "N" */
  const x12kit_respond_aaa *dependent_rejections; /* 2010D AAA: "77" patient not found ... */
  size_t ndependent_rejections;

  /* 2000E patient event */
  const char *trace;             /* TRN02 with TRN01 "2": echoes the request's 2000E TRN02;
                                    1-50, required */
  const char *trace_entity;      /* its TRN03: echoes the request's TRN03; 10 characters,
                                    required */
  const char *payer_trace;       /* TRN02 with TRN01 "1": the payer's own trace, 1-50 */
  const char *payer_trace_entity;/* its TRN03, 10 letters or digits; required with it */
  const x12kit_respond_aaa *event_rejections; /* 2000E AAA: "AF" diagnosis ...; then no
                                                 decision and no service lines */
  size_t nevent_rejections;
  x12kit_278_reply_um um;        /* UM: echoes the request's 2000E UM */
  x12kit_278_reply_decision decision;
  const char *from;              /* DTP AAH: echoes the request's event date (or its start) */
  const char *to;                /* the AAH range's end (RD8) */
  const char *const *diagnoses;  /* HI: echoes the request's diagnoses, ICD-10-CM "F33.2" or
                                    "F332", the first ABK and the others ABF; up to 12 */
  size_t ndiagnoses;
  x12kit_278_delivery approved;  /* HSD: what is approved (how many, how often) */
  const char *note;              /* MSG01, 1-264 */
  const x12kit_278_provider *providers; /* 2010EA: echoes the request's providers, up to 12 */
  size_t nproviders;

  /* 2000F service lines, in the request's order; up to X12KIT_278_REPLY_MAX_LINES */
  const x12kit_278_reply_line *lines;
  size_t nlines;

  /* references */
  const char *reference;         /* BHT03: echoes the request's BHT03; 1-50, required */
  const char *response_type;     /* BHT06: "18" no further updates (default), "19" further
                                    updates to follow, "RU" */

  /* envelope (ISA, GS "HI") */
  const char *sender_id;         /* ISA06/GS02, 2-15; default the payer ID */
  const char *receiver_id;       /* ISA08/GS03, 2-15; default the provider NPI */
  const char *sender_qualifier;  /* ISA05, default "ZZ" */
  const char *receiver_qualifier;/* ISA07, default "ZZ" */
  char usage;                    /* ISA15 'T' or 'P'; 0 means 'P' */
  int ack_requested;             /* ISA14: 1 asks for a TA1 */
  unsigned long control;         /* ISA13 and GS06, 1..999999999 */
  const char *date;              /* CCYYMMDD of creation (BHT04, GS04, ISA09); NULL: now, UTC */
  const char *time;              /* HHMM of creation; NULL: now, UTC (only when date is NULL
                                    too) */
} x12kit_278_reply;

/*
 * Checks |r| before anything is built.  |schema| may be NULL; when given
 * it must hold the 278 response map (BHT02 "11"), and every code must be
 * one that map allows in its element.  Returns X12KIT_OK, X12KIT_ERR_ARG
 * with err->text naming the field ("service line 2: certification
 * number (HCR02) is required with A1"), or X12KIT_ERR_SCHEMA.
 */
X12KIT_EXTERN int x12kit_278_reply_check(const x12kit_278_reply *r, const x12kit_schema *schema,
                                         x12kit_error *err);

/*
 * Checks |r|, then writes one interchange (ISA, GS "HI", one ST 278 with
 * BHT 0007 11, GE, IEA) to |w|, which must be between interchanges.
 * HL 1 is the UMO, 2 the requester, 3 the subscriber, 4 the dependent
 * when there is one, then the event and one HL per service line under
 * it.  Returns X12KIT_OK or a negative status with |err| (may be NULL)
 * filled; an answer that fails its check writes nothing.
 */
X12KIT_EXTERN int x12kit_278_reply_write(const x12kit_278_reply *r, const x12kit_schema *schema,
                                         x12kit_writer *w, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_RESPOND_H */
