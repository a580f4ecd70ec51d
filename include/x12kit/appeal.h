/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * appeal.h: what a clinic does after a 278 decision.  From a decision
 * read by x12kit_278_response_read(), it builds the follow-up 278
 * request (an appeal, a revision, an extension or a cancellation) and
 * a plain checklist for an appeal: the payer's reason in words, the
 * documents that answer it, whether a peer-to-peer review is offered,
 * and the appeal deadline.
 *
 *     x12kit_278_followup f = { 0 };
 *     x12kit_278_attachment lmn = { 0 };
 *     x12kit_appeal_attachment("lmn:LMN0001", &lmn, buf, sizeof buf);
 *     f.kind = X12KIT_FOLLOWUP_APPEAL;
 *     f.attachments = &lmn; f.nattachments = 1;
 *     f.note = "FAILED SERTRALINE, BUPROPION AND 12 WEEKS OF CBT";
 *     f.control = 104;
 *     x12kit_278_followup_write(x12kit_278_response_review_at(resp, 0), &f, schema, w, &err);
 *
 * gives, for the not-certified fixture a3-not-certified.x12 (2000E):
 *
 *     HL*4*3*EV*1~TRN*1*X12KIT104*9172839405~UM*HS*2*MH*11:B~REF*NT*HVR-558144~
 *     DTP*AAH*RD8*20270104-20270129~
 *     PWK*03*FX***AC*LMN0001*LETTER OF MEDICAL NECESSITY~MSG*FAILED SERTRALINE...~
 *     NM1*SJ*1*VASQUEZ-OLIN*TOMAS****XX*1635482908~PRV*PE*PXC*2084P0800X~
 *     HL*5*4*SS*0~UM*HS*2*MH*11:B~DTP*472*RD8*20270104-20270129~SV1*HC:96365**UN*8~
 *
 * What the follow-up holds:
 *   UM02        appeal: "2" standard, "1" immediate (expedited); revision
 *               "S"; extension "4"; cancellation "3".  UM01, UM03, UM04
 *               and UM06 repeat the decision's.
 *   REF (2000E) the earlier review: BB with the certification number
 *               (HCR02 of the event, else of its first line that has
 *               one) when the decision has one, else NT with the payer's
 *               administrative reference (REF NT of the event).
 *   DTP AAH     the period of the decision (its AAH, else its 007..036
 *               dates), or the follow-up's from/to.
 *   PWK, MSG    the attachments and the note given (the clinical
 *               justification of an appeal).
 *   2010EA      the decision's event providers, repeated.
 *   2000F       appeal: the lines not certified or cut back (A3, A2, A6,
 *               or rejected); revision and extension: the lines that
 *               were approved (A1, A2, A6); cancellation: every line.
 *               Units and dates as the decision states them, unless the
 *               follow-up gives new ones.
 * Parties (UMO, requester, subscriber, dependent) come from the decision;
 * a field of x12kit_278_followup that is given replaces the decision's.
 * Diagnoses are not read from a decision: give them to have an HI.
 * Every request built passes x12kit_278_check() first, so it is valid
 * against the 278 request map.
 */
#ifndef X12KIT_APPEAL_H
#define X12KIT_APPEAL_H

#include <x12kit/common.h>
#include <x12kit/schema.h>
#include <x12kit/writer.h>
#include <x12kit/auth.h>
#include <x12kit/auth_response.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which follow-up to build. */
typedef enum x12kit_followup_kind {
  X12KIT_FOLLOWUP_APPEAL = 1,     /* UM02 "2", or "1" with |immediate| */
  X12KIT_FOLLOWUP_REVISION = 2,   /* UM02 "S": change an approval before the services */
  X12KIT_FOLLOWUP_EXTENSION = 3,  /* UM02 "4": more of an approved service, or longer */
  X12KIT_FOLLOWUP_CANCEL = 4      /* UM02 "3" */
} x12kit_followup_kind;

/*
 * A follow-up of one decision.  NULL (or "") means "as the decision
 * states" for the strings below.
 */
typedef struct x12kit_278_followup {
  x12kit_followup_kind kind;
  int immediate;                 /* appeal only: 1 asks for an immediate review (UM02 "1") */
  size_t event;                  /* which 2000E of the decision, from 0 */

  const x12kit_278_attachment *attachments; /* PWK, up to 10 */
  size_t nattachments;
  const char *note;              /* MSG, 1-264: the clinical justification */

  /* what is asked for now (revision, extension; an appeal of a line cut
     back when it asks again for the first quantity) */
  const char *units;             /* SV104 of every repeated line */
  const char *from, *to;         /* DTP AAH; the lines then take this period */
  const char *const *diagnoses;  /* HI, as in x12kit_278_request */
  size_t ndiagnoses;

  /* the earlier review, when the decision does not carry it */
  const char *previous_auth;     /* REF BB */
  const char *previous_reference;/* REF NT */

  /* parties, when the decision lacks them or they changed */
  const char *payer_name, *payer_id;
  const char *provider_name, *provider_npi;
  const char *member_id, *last, *first, *dob, *gender;

  /* envelope and references, as in x12kit_278_request */
  const char *reference, *trace, *trace_entity;
  const char *sender_id, *receiver_id;
  char usage;
  unsigned long control;
  const char *date, *time;
} x12kit_278_followup;

/* "appeal", "revision", "extension", "cancellation"; "" when out of range. */
X12KIT_EXTERN const char *x12kit_followup_name(x12kit_followup_kind kind);

/*
 * Checks that |rv| can be followed up as |f| asks and builds the
 * follow-up request, then checks it (x12kit_278_check with |schema|)
 * and writes one interchange to |w|.  Refused (X12KIT_ERR_ARG, nothing
 * written) with a message for the clinic when: the event does not
 * exist; it was rejected (AAA: correct and send a new request); an
 * appeal follows a decision with nothing denied or cut back, or one not
 * made yet (pended); a revision or extension follows a decision that
 * approved nothing; nothing cites the earlier review (no HCR02, no REF
 * NT, and none given); a field the request needs is missing from the
 * decision and not given.  Messages name fields, never values.
 */
X12KIT_EXTERN int x12kit_278_followup_write(const x12kit_278_resp_review *rv,
                                            const x12kit_278_followup *f,
                                            const x12kit_schema *schema, x12kit_writer *w,
                                            x12kit_error *err);

/*
 * An --attachment argument "TYPE:CONTROL[:TRANSMISSION]" into |a|, its
 * strings kept in |buf| (|size| bytes).  TYPE is a PWK01 code (list 755)
 * or one of x12kit's aliases, which also set the description (PWK07):
 *   lmn       03  LETTER OF MEDICAL NECESSITY
 *   records   M1  MEDICAL RECORDS
 *   progress  09  PROGRESS NOTES
 *   history   P5  TREATMENT HISTORY
 *   drugs     04  PRIOR MEDICATION TRIALS
 *   plan      08  PLAN OF TREATMENT
 *   scores    RT  STANDARDIZED SCORES
 *   evidence  77  PEER-REVIEWED EVIDENCE
 * The transmission (PWK02) defaults to "FX" (fax, the way most payers
 * take appeal documents); "EL" when sent electronically (a 275).
 * Returns X12KIT_OK or X12KIT_ERR_ARG (no control number, too long).
 */
X12KIT_EXTERN int x12kit_appeal_attachment(const char *arg, x12kit_278_attachment *a,
                                           char *buf, size_t size);

/* The PWK01 code of alias |name| ("lmn": "03"), NULL when |name| is no alias. */
X12KIT_EXTERN const char *x12kit_appeal_alias_code(const char *name);

/* ---- dates ---- */

/*
 * |date| (YYYY-MM-DD) plus |days| (may be negative) into |out|
 * (YYYY-MM-DD).  Returns X12KIT_OK, or X12KIT_ERR_ARG when |date| is
 * not a real date or the result leaves the years 1900-9999.
 */
X12KIT_EXTERN int x12kit_date_add_days(const char *date, long days, char out[11]);

/* Days from |from| to |to| (YYYY-MM-DD, real dates) into *days; X12KIT_ERR_ARG otherwise. */
X12KIT_EXTERN int x12kit_date_diff(const char *from, const char *to, long *days);

/* ---- appeal windows per payer ---- */

#define X12KIT_APPEAL_WINDOW_DEFAULT 180  /* days, when nothing else is known */
#define X12KIT_APPEAL_WINDOW_MAX 3650

/*
 * Looks |payer_id| up in the text of a window file (|len| bytes): lines
 * "PAYER_ID = DAYS", "default = DAYS", blank lines and "#" comments.
 * Sets *days to the payer's window, else the file's default, else
 * X12KIT_APPEAL_WINDOW_DEFAULT.  Returns X12KIT_OK, or X12KIT_ERR_SYNTAX
 * with err->pos.line set for a malformed line (DAYS 1 to
 * X12KIT_APPEAL_WINDOW_MAX).
 */
X12KIT_EXTERN int x12kit_appeal_window(const char *text, size_t len, const char *payer_id,
                                       long *days, x12kit_error *err);

/* ---- the checklist ---- */

#define X12KIT_CHECKLIST_MAX 16

/* Whether the payer offers a peer-to-peer review. */
typedef enum x12kit_peer_review {
  X12KIT_PEER_UNKNOWN = 0,        /* the decision does not say: ask the payer */
  X12KIT_PEER_OFFERED = 1         /* a payer's note mentions it */
} x12kit_peer_review;

/* One reason the payer gave. */
typedef struct x12kit_checklist_reason {
  const char *source;             /* "HCR03", "AAA", "MSG" */
  const char *code;               /* HCR03 or AAA03; "" for MSG */
  const char *text;               /* its meaning, or the note; "" when not known to x12kit */
} x12kit_checklist_reason;

/* One document that answers a reason. */
typedef struct x12kit_checklist_document {
  const char *alias;              /* --attachment alias ("lmn"), or the PWK01 code */
  const char *code;               /* PWK01 */
  const char *text;               /* what to send, in words */
  const char *why;                /* which reason it answers */
} x12kit_checklist_document;

/*
 * The checklist for one event.  Its strings are static or point into
 * the response read: valid while that response is.
 */
typedef struct x12kit_appeal_checklist {
  x12kit_278_action action;       /* the decision (the event's summary) */
  int appealable;                 /* 1: something was denied or cut back */
  x12kit_checklist_reason reasons[X12KIT_CHECKLIST_MAX];
  size_t nreasons;
  x12kit_checklist_document documents[X12KIT_CHECKLIST_MAX];
  size_t ndocuments;
  x12kit_peer_review peer;
  const char *payer_phone;        /* UMO or 2010EB phone, "" when none */
  char decided[11];               /* decision date YYYY-MM-DD, "" when none */
  const char *decided_source;     /* "DTP 102" (certification issue date) or "BHT04" */
  long window;                    /* days */
  char deadline[11];              /* decided + window, "" without a decision date */
} x12kit_appeal_checklist;

/*
 * Fills |c| for event |event| of |rv|.  |decided| (YYYY-MM-DD) replaces
 * the decision date found in the response when given; |window| is the
 * appeal window in days (1 to X12KIT_APPEAL_WINDOW_MAX).  Returns
 * X12KIT_OK or X12KIT_ERR_ARG (no such event, bad date or window).
 */
X12KIT_EXTERN int x12kit_appeal_checklist_make(const x12kit_278_resp_review *rv, size_t event,
                                               const char *decided, long window,
                                               x12kit_appeal_checklist *c, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_APPEAL_H */
