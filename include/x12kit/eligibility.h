/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * eligibility.h: builds a 270 eligibility inquiry (005010X279A1) from
 * plain strings: one patient, or up to X12KIT_270_MAX_PATIENTS of them
 * under one information source (the payer) and one information
 * receiver (the provider).  A patient is a subscriber, or a dependent
 * of a subscriber.
 *
 *     static const char *const cpt[] = { "96365", "96366" };
 *     x12kit_270_request r = { 0 };
 *     r.payer_name = "ACME HEALTH PLAN";   r.payer_id = "ACME01";
 *     r.provider_name = "SERENITY INFUSION CLINIC";
 *     r.provider_npi = "1467503219";
 *     r.member_id = "XKM400812345"; r.last = "DOE"; r.first = "ALEX";
 *     r.dob = "1985-02-14"; r.service_date = "2026-12-01";
 *     r.procedures = cpt; r.nprocedures = 2;
 *     r.control = 101;
 *     x12kit_270_write(&r, schema, w, &err);
 *
 * The patient is the subscriber's child instead:
 *
 *     r.dependent.last = "DOE"; r.dependent.first = "RIO";
 *     r.dependent.dob = "2012-09-15"; r.dependent.relationship = "19";
 *
 * Several patients: fill an array of x12kit_270_patient and leave the
 * request's own patient fields (member_id ... dependent, trace) empty:
 *
 *     x12kit_270_patient p[2] = { { 0 }, { 0 } };
 *     p[0].member_id = "XKM400812345"; p[0].last = "DOE"; p[0].first = "ALEX";
 *     p[1] = p[0]; p[1].dependent.last = "DOE"; p[1].dependent.first = "RIO";
 *     r.patients = p; r.npatients = 2;
 *
 * x12kit_270_check() looks at every input before anything is written and
 * says which field is wrong (and, with several patients, which patient:
 * "patient 2: member ID is missing"); its messages name fields, never
 * their values, so they are safe to log.
 */
#ifndef X12KIT_ELIGIBILITY_H
#define X12KIT_ELIGIBILITY_H

#include <x12kit/common.h>
#include <x12kit/schema.h>
#include <x12kit/writer.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most patients one 270 carries (one 2000C loop, and 2000D, each). */
#define X12KIT_270_MAX_PATIENTS 99

/*
 * A dependent (2000D, 2100D): the patient when he is not the subscriber
 * himself, but the subscriber's spouse, child or other adult on the
 * plan.  A dependent has no member ID of his own in a 270 (2100D NM109
 * is not used): a person with a unique member ID is asked about as a
 * subscriber.  When any field is given, the patient is this dependent
 * and |last| and |first| are required.
 */
typedef struct x12kit_270_dependent {
  const char *last;              /* NM103, 1-60 */
  const char *first;             /* NM104, 1-35 */
  const char *dob;               /* DMG02 YYYY-MM-DD; optional (no DMG without it) */
  const char *gender;            /* DMG03 "F", "M" or "U"; optional, needs dob */
  const char *relationship;      /* INS02 "01" spouse, "19" child, "34" other adult;
                                    optional (no INS without it; INS01 is "N") */
} x12kit_270_dependent;

/*
 * One patient of a 270 with several (x12kit_270_request.patients).
 * Each is written as its own 2000C subscriber loop, followed by a 2000D
 * loop when the patient is a dependent, and gets its own trace number.
 */
typedef struct x12kit_270_patient {
  /* 2100C subscriber: as in x12kit_270_request */
  const char *member_id;         /* NM109 with qualifier MI, 2-80, required */
  const char *last;              /* NM103, 1-60, required */
  const char *first;             /* NM104, 1-35, required */
  const char *dob;               /* optional */
  const char *gender;            /* optional, needs dob */
  x12kit_270_dependent dependent;/* all empty: the subscriber is the patient */

  /* service date: when neither is given, the request's service dates */
  const char *service_date;
  const char *service_date_end;

  /* inquiries: when both counts are 0, the request's lists (and when
     those are empty too, service type "30") */
  const char *const *service_types;
  size_t nservice_types;
  const char *const *procedures;
  size_t nprocedures;

  const char *trace;             /* TRN02, 1-50; default: the BHT03 reference, "-" and the
                                    patient's number from 1 ("X12KIT101-2") */
} x12kit_270_patient;

/*
 * One inquiry.  NULL (or "") means "not given" for every optional
 * string.  Dates are YYYY-MM-DD.  Strings are written as given (X12
 * receivers usually expect upper case).
 *
 * With npatients 0 the request asks about one patient, given by the
 * fields member_id to service_date_end, trace, the lists and
 * |dependent|.  With npatients > 0 the patients are in |patients|; the
 * request's service dates and lists are then defaults for patients
 * that give none, and its patient fields (member_id, last, first, dob,
 * gender, trace, dependent) must be empty.
 */
typedef struct x12kit_270_request {
  /* 2100A information source */
  const char *payer_name;        /* NM103, 1-60, required */
  const char *payer_id;          /* NM109 with qualifier PI, 2-80, required */

  /* 2100B information receiver: an organization or a person */
  const char *provider_name;     /* NM103 with NM102 "2" */
  const char *provider_last;     /* NM103 with NM102 "1", when provider_name is not given */
  const char *provider_first;    /* NM104, optional, with provider_last */
  const char *provider_npi;      /* NM109 with qualifier XX, 10 digits, required */

  /* 2100C subscriber */
  const char *member_id;         /* NM109 with qualifier MI, 2-80, required */
  const char *last;              /* NM103, 1-60, required */
  const char *first;             /* NM104, 1-35, required */
  const char *dob;               /* DMG02; optional (no DMG without it) */
  const char *gender;            /* DMG03 "F", "M" or "U"; optional, needs dob */
  const char *service_date;      /* DTP 291; optional (no DTP without it) */
  const char *service_date_end;  /* optional: RD8 range from service_date */

  /* references */
  const char *reference;         /* BHT03, 1-50; default: "X12KIT" + control number */
  const char *trace;             /* TRN02, 1-50; default: the BHT03 reference */
  const char *trace_entity;      /* TRN03, 10 characters; default "9" + first 9 NPI digits */

  /* 2110C (2110D) inquiries: one EQ per service type, then one per procedure */
  const char *const *service_types; /* EQ01 codes (list 1365); default { "30" } */
  size_t nservice_types;             /* when both counts are 0, "30" is asked */
  const char *const *procedures;     /* "96365" or "96365:59[:XU...]" (up to 4 modifiers) */
  size_t nprocedures;

  /* envelope */
  const char *sender_id;         /* ISA06/GS02, 2-15; default the provider NPI */
  const char *receiver_id;       /* ISA08/GS03, 2-15; default the payer ID */
  const char *sender_qualifier;  /* ISA05, default "ZZ" */
  const char *receiver_qualifier;/* ISA07, default "ZZ" */
  char usage;                    /* ISA15 'T' or 'P'; 0 means 'P' */
  int ack_requested;             /* ISA14: 1 asks for a TA1 */
  unsigned long control;         /* ISA13 and GS06, 1..999999999 */
  const char *date;              /* CCYYMMDD of creation (BHT04, GS04, ISA09); NULL: now, UTC */
  const char *time;              /* HHMM of creation; NULL: now, UTC (only when date is NULL too) */

  /*
   * 2000D/2100D: the patient is this dependent of the subscriber above
   * (npatients 0).  The subscriber's 2000C then has HL04 1, no TRN, no
   * DTP and no EQ: the trace number goes to 2000D, the service date to
   * 2100D and the inquiries to 2110D.
   */
  x12kit_270_dependent dependent;

  /* several patients (1..X12KIT_270_MAX_PATIENTS); 0: the one above */
  const x12kit_270_patient *patients;
  size_t npatients;
} x12kit_270_request;

/*
 * Checks |r| before anything is built.  |schema| may be NULL; when given,
 * service type codes must be in its code list 1365.  Returns X12KIT_OK,
 * or X12KIT_ERR_ARG with err->text naming the field and the rule broken;
 * with several patients, a patient's field is named after the patient's
 * number from 1 ("patient 2: member ID is missing").  Trace numbers must
 * differ between patients.
 */
X12KIT_EXTERN int x12kit_270_check(const x12kit_270_request *r, const x12kit_schema *schema,
                                   x12kit_error *err);

/*
 * Checks |r|, then writes one interchange (ISA, GS "HS", one ST 270, GE,
 * IEA) to |w|, which must be between interchanges.  HL 1 is the payer,
 * HL 2 the provider, then each patient in order: his subscriber's HL
 * (parent 2), then the dependent's HL (parent the subscriber's) when
 * the patient is a dependent.  Returns X12KIT_OK or
 * a negative status with |err| (may be NULL) filled.
 */
X12KIT_EXTERN int x12kit_270_write(const x12kit_270_request *r, const x12kit_schema *schema,
                                   x12kit_writer *w, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_ELIGIBILITY_H */
