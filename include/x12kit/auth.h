/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * auth.h: builds a 278 health care services review request (prior
 * authorization, 005010X217) for one patient event from plain strings.
 *
 *     static const char *const dx[] = { "F33.2" };
 *     x12kit_278_service lines[2] = { { 0 } };
 *     x12kit_278_request r = { 0 };
 *     lines[0].procedure = "96365"; lines[0].units = "6";
 *     lines[1].procedure = "J3490"; lines[1].units = "6";
 *     lines[1].description = "KETAMINE HCL IV";
 *     r.payer_name = "ACME HEALTH PLAN";   r.payer_id = "ACME01";
 *     r.provider_name = "SERENITY INFUSION CLINIC";
 *     r.provider_npi = "1467503219";
 *     r.member_id = "XKM400812345"; r.last = "DOE"; r.first = "ALEX";
 *     r.dob = "1985-02-14";
 *     r.service_type = "MH"; r.place_of_service = "11";
 *     r.from = "2026-12-01"; r.to = "2026-12-31";
 *     r.diagnoses = dx; r.ndiagnoses = 1;
 *     r.delivery.quantity = "2"; r.delivery.per = "WK";
 *     r.delivery.period_unit = "35"; r.delivery.periods = "3";
 *     r.services = lines; r.nservices = 2;
 *     r.control = 102;
 *     x12kit_278_write(&r, schema, w, &err);
 *
 * gives, inside its envelope (ISA, GS "HI", ST 278 ... SE, GE, IEA):
 *
 *     BHT*0007*13*X12KIT102*...~HL*1**20*1~NM1*X3*2*ACME HEALTH PLAN*****PI*ACME01~
 *     HL*2*1*21*1~NM1*1P*2*SERENITY INFUSION CLINIC*****XX*1467503219~
 *     HL*3*2*22*1~NM1*IL*1*DOE*ALEX****MI*XKM400812345~DMG*D8*19850214~
 *     HL*4*3*EV*1~TRN*1*X12KIT102*9146750321~UM*HS*I*MH*11:B~
 *     DTP*AAH*RD8*20261201-20261231~HI*ABK:F332~HSD*VS*2*WK**35*3~
 *     HL*5*4*SS*0~UM*HS*I*MH*11:B~DTP*472*RD8*20261201-20261231~SV1*HC:96365**UN*6~
 *     HL*6*4*SS*0~UM*HS*I*MH*11:B~DTP*472*RD8*20261201-20261231~
 *     SV1*HC:J3490:::::KETAMINE HCL IV**UN*6~
 *
 * x12kit_278_check() looks at every input before anything is written and
 * says which field is wrong; its messages name fields, never their
 * values, so they are safe to log.
 */
#ifndef X12KIT_AUTH_H
#define X12KIT_AUTH_H

#include <x12kit/common.h>
#include <x12kit/schema.h>
#include <x12kit/writer.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Everywhere below, NULL (or "") means "not given" for an optional
 * string; dates are YYYY-MM-DD; numbers are decimal digits; strings are
 * written as given (X12 receivers usually expect upper case).  Codes are
 * X12 codes; with a schema, each must be one the 278 request map allows
 * in its element, without one only their form is checked.
 */

/* HSD health care services delivery: how much, how often, for how long. */
typedef struct x12kit_278_delivery {
  const char *quantity;      /* HSD02, a whole number 1-99999 (e.g. visits) */
  const char *qualifier;     /* HSD01 with the quantity, default "VS" visits (also DY, FL,
                                HS, MN) */
  const char *per;           /* HSD03 the quantity is per: "DA", "WK", "MO", "YR"; needs
                                the quantity */
  const char *period_unit;   /* HSD05 time period: "7" day, "35" week, "34" month,
                                "21" years (also 6, 26, 27); with periods */
  const char *periods;       /* HSD06, number of periods 1-999; with period_unit */
} x12kit_278_delivery;
/* "2 visits a week for 3 weeks": { "2", NULL, "WK", "35", "3" } -> HSD*VS*2*WK**35*3.
   "6 visits in 3 weeks": { "6", NULL, NULL, "35", "3" } -> HSD*VS*6***35*3. */

/* One service line (loop 2000F). */
typedef struct x12kit_278_service {
  const char *procedure;     /* SV101 with qualifier HC: "96365" or "96365:59[:XU...]", up to
                                4 modifiers; required */
  const char *description;   /* SV101-7, 1-80 (a not-otherwise-classified drug's name) */
  const char *units;         /* SV104 with SV103 "UN", a whole number 1-9999 */
  const char *charge;        /* SV102 (SV203), dollars: "150" or "150.00" */
  const char *revenue_code;  /* SV201, 4 digits: when given the line is institutional
                                (SV2 instead of SV1) */
  const char *from, *to;     /* DTP 472; default the request's from/to (must lie inside them) */
  x12kit_278_delivery delivery; /* HSD of this line; optional */
} x12kit_278_service;

/* A paperwork reference (PWK) sent with the request. */
typedef struct x12kit_278_attachment {
  const char *type;          /* PWK01, report type (list 755): "09" progress report, "77",
                                "B3", "LA", "M1", "OB", "P5", ...; required */
  const char *transmission;  /* PWK02 (list 756): "FX" fax, "EL" electronically, "BM" mail,
                                "EM" email, "FT", "VO", "AA"; required */
  const char *control;       /* PWK06 with PWK05 "AC", attachment control number, 2-80 */
  const char *description;   /* PWK07, 1-80 */
} x12kit_278_attachment;

/* A provider of the patient event (loop 2010EA): an organization or a person. */
typedef struct x12kit_278_provider {
  const char *entity_code;   /* NM101, default "SJ" service provider (also 71, 72, 73, 77,
                                AAJ, DD, DK, DN, FA, G3, P3, QB, QV) */
  const char *name;          /* NM103 with NM102 "2", 1-60 */
  const char *last;          /* NM103 with NM102 "1", when name is not given, 1-60 */
  const char *first;         /* NM104 with last, 1-35 */
  const char *npi;           /* NM109 with qualifier XX; optional */
  const char *taxonomy;      /* PRV03 with PRV02 "PXC", 10 letters or digits; optional */
  const char *role;          /* PRV01 with the taxonomy, default "PE" performing */
} x12kit_278_provider;

/* One request: a patient event (2000E) and its service lines (2000F). */
typedef struct x12kit_278_request {
  /* 2010A utilization management organization (the payer), NM101 "X3" */
  const char *payer_name;        /* NM103, 1-60, required */
  const char *payer_id;          /* NM109 with qualifier PI, 2-80, required */

  /* 2010B requester: an organization or a person */
  const char *requester_code;    /* NM101 "1P" provider (default) or "FA" facility */
  const char *provider_name;     /* NM103 with NM102 "2" */
  const char *provider_last;     /* NM103 with NM102 "1", when provider_name is not given */
  const char *provider_first;    /* NM104, optional, with provider_last */
  const char *provider_npi;      /* NM109 with qualifier XX, 10 digits, required */
  const char *provider_address;  /* N301, 1-55; with city, state and ZIP */
  const char *provider_address2; /* N302, 1-55 */
  const char *provider_city;     /* N401, 2-30 */
  const char *provider_state;    /* N402, 2 capital letters */
  const char *provider_zip;      /* N403, 5 or 9 digits */
  const char *contact_name;      /* PER02, 1-60 */
  const char *contact_phone;     /* PER TE, 10-15 digits */
  const char *contact_fax;       /* PER FX, 10-15 digits */
  const char *contact_email;     /* PER EM, 3-256 with an '@' */
  const char *provider_taxonomy; /* PRV03 with PRV02 "PXC", 10 letters or digits */
  const char *provider_role;     /* PRV01 with the taxonomy, default "PE" */

  /* 2010C subscriber */
  const char *member_id;         /* NM109 with qualifier MI, 2-80, required */
  const char *last;              /* NM103, 1-60, required */
  const char *first;             /* NM104, 1-35, required */
  const char *dob;               /* DMG02; optional (no DMG without it) */
  const char *gender;            /* DMG03 "F", "M" or "U"; optional, needs dob */

  /* 2000D/2010D dependent: the patient when the patient is not the
     subscriber (NM101 "QC"); the whole group is left out without a last name */
  const char *dependent_last;    /* NM103, 1-60 */
  const char *dependent_first;   /* NM104, 1-35, required with dependent_last */
  const char *dependent_member_id; /* NM109 with MI, 2-80; optional */
  const char *dependent_dob;     /* DMG02; optional */
  const char *dependent_gender;  /* DMG03; optional, needs dependent_dob */
  const char *dependent_relationship; /* INS02 with INS01 "N": "01" spouse, "19" child,
                                         "20", "21", "39", "40", "53", "G8"; optional */

  /* 2000E patient event */
  const char *request_category;  /* UM01, default "HS" health services review ("SC"
                                    specialty care, "AR" admission review, "IN") */
  const char *certification_type;/* UM02, default "I" initial ("R" renewal, "S" revised,
                                    "4" extension, "3" cancel, "1", "2" appeals, "N") */
  const char *service_type;      /* UM03 (list 1365): "MH", "A4", "1"...; optional */
  const char *place_of_service;  /* UM04-1 with qualifier "B": 2 digits ("11" office,
                                    "19", "22" outpatient hospital, "49"); optional */
  const char *level_of_service;  /* UM06: "E" elective, "U" urgent, "03" emergency */
  const char *previous_auth;     /* REF*BB: the authorization being renewed, revised,
                                    extended, appealed or cancelled (the certification
                                    number, HCR02, of the earlier decision), 1-50; optional */
  const char *previous_reference;/* REF*NT: the payer's administrative reference number of
                                    the earlier review (its response's REF*NT), for a review
                                    that got no certification number, 1-50; optional */
  const char *from;              /* DTP AAH, D8 (or RD8 with to); optional */
  const char *to;                /* end of the requested period (RD8); needs from */
  const char *const *diagnoses;  /* HI: ICD-10-CM codes, "F33.2" or "F332"; the first is the
                                    principal (ABK), the others ABF; up to 12 */
  size_t ndiagnoses;
  x12kit_278_delivery delivery;  /* HSD; optional */
  const x12kit_278_attachment *attachments; /* PWK, up to 10 */
  size_t nattachments;
  const char *note;              /* MSG01, 1-264; optional */
  const x12kit_278_provider *providers;     /* 2010EA, up to 12 */
  size_t nproviders;

  /* 2000F service lines, each with UM (the event's), DTP 472 and SV1 or SV2; up to 99 */
  const x12kit_278_service *services;
  size_t nservices;

  /* references */
  const char *reference;         /* BHT03, 1-50; default: "X12KIT" + control number */
  const char *trace;             /* TRN02, 1-50; default: the BHT03 reference */
  const char *trace_entity;      /* TRN03, 10 letters or digits; default "9" + first 9 NPI
                                    digits */

  /* envelope */
  const char *sender_id;         /* ISA06/GS02, 2-15; default the provider NPI */
  const char *receiver_id;       /* ISA08/GS03, 2-15; default the payer ID */
  const char *sender_qualifier;  /* ISA05, default "ZZ" */
  const char *receiver_qualifier;/* ISA07, default "ZZ" */
  char usage;                    /* ISA15 'T' or 'P'; 0 means 'P' */
  int ack_requested;             /* ISA14: 1 asks for a TA1 */
  unsigned long control;         /* ISA13 and GS06, 1..999999999 */
  const char *date;              /* CCYYMMDD of creation (BHT04, GS04, ISA09); NULL: now, UTC */
  const char *time;              /* HHMM of creation; NULL: now, UTC (only when date is NULL
                                    too) */
} x12kit_278_request;

/*
 * Checks |r| before anything is built.  |schema| may be NULL; when given,
 * it must hold the 278 request map, and every code must be one that map
 * allows in its element (UM01, UM02, UM03 from list 1365, UM06, HSD01,
 * HSD03, HSD05, PWK01 from list 755, PWK02 from list 756, NM101, PRV01,
 * INS02, DMG03).  Returns X12KIT_OK, X12KIT_ERR_ARG with err->text naming
 * the field and the rule broken, or X12KIT_ERR_SCHEMA when the schema has
 * no 278 request map.
 */
X12KIT_EXTERN int x12kit_278_check(const x12kit_278_request *r, const x12kit_schema *schema,
                                   x12kit_error *err);

/*
 * Checks |r|, then writes one interchange (ISA, GS "HI", one ST 278 with
 * BHT 0007 13, GE, IEA) to |w|, which must be between interchanges.
 * Returns X12KIT_OK or a negative status with |err| (may be NULL)
 * filled; a request that fails its check writes nothing.
 */
X12KIT_EXTERN int x12kit_278_write(const x12kit_278_request *r, const x12kit_schema *schema,
                                   x12kit_writer *w, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_AUTH_H */
