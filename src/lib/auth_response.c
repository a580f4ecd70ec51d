/*
 * x12kit - the 278 response reader: what the payer decided about a
 * prior-authorization request, and what the clinic should do next.
 *
 * The input is lexed and validated; the validator hands over the loop
 * tree of each transaction, and a 278 response's tree is copied into
 * the handle: strings into an arena, lists into arrays that double in
 * the same arena as they grow (the old copy is left behind; the arena
 * is freed as a whole).  Nothing points into the caller's buffer or the
 * schema after the read.
 *
 * The tree is walked once, depth first.  Entering an NM1 loop (2010A,
 * 2010B ...) points the "current party" at the structure it fills;
 * entering 2000E or 2000F opens an event or a line, which is finished
 * when its loop ends: its valid dates, its next step and its summary
 * are worked out then, from what the loop held.  The rules for the
 * summaries are in auth_response.h.
 *
 * Next steps are built from the decision and from facts of the response
 * only: dates, quantities, procedure codes, certification and reference
 * numbers, the payer's phone number.  Names, member IDs and dates of
 * birth never go into them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ARENA_MIN 4096u
#define TEXT_MAX 1024u              /* one next step or summary text */

/* ---- the handle and its arena ------------------------------------------- */

struct x12kit_278_response {
  x12kit_mem mem;
  x12kitp_arena arena;
  unsigned long findings;
  x12kit_278_resp_review *reviews;
  size_t nreviews, capreviews;
};

/* |n| zeroed bytes in the handle's arena, or NULL. */
static void *aalloc(x12kit_278_response *r, size_t n)
{
  return x12kitp_arena_zalloc(&r->arena, n);
}

/* A growing array in the arena. */
typedef struct vec {
  void *v;
  size_t n, cap;
} vec;

/* A new zeroed element at the end of |x|, or NULL when out of memory. */
static void *vpush(x12kit_278_response *r, vec *x, size_t size)
{
  if (x->n == x->cap) {
    size_t cap = x->cap ? x->cap * 2 : 4;
    void *p = aalloc(r, cap * size);
    if (p == NULL)
      return NULL;
    if (x->n)
      memcpy(p, x->v, x->n * size);
    x->v = p;
    x->cap = cap;
  }
  return memset((char *)x->v + x->n++ * size, 0, size);
}

/* ---- the reader ---------------------------------------------------------- */

/* What the input held instead of a 278 response (the first one seen). */
typedef enum other_kind {
  OTHER_NONE = 0,
  OTHER_999,
  OTHER_TA1,
  OTHER_271,
  OTHER_270,
  OTHER_278_REQUEST,
  OTHER_278_UNKNOWN,
  OTHER_SET
} other_kind;

typedef struct line_build {
  vec traces, dates, refs, paperwork, messages, rejections, providers;
} line_build;

typedef struct event_build {
  vec traces, dates, refs, paperwork, messages, rejections, providers, lines;
} event_build;

typedef struct reader {
  x12kit_278_response *r;
  const x12kit_schema *schema;
  int status;                       /* X12KIT_ERR_NOMEM once anything failed */
  unsigned long ntx;                /* transaction sets seen */
  const char *cur_id;               /* ID of the segment being validated */
  int saw_ta1;
  other_kind other;
  char other_set[4];
  x12kit_position other_pos;
  int truncated;                    /* a 278 response without its SE */
  char truncated_control[10];
  x12kit_position truncated_pos;

  /* the transaction being read */
  x12kit_278_resp_review *rv;
  vec rv_rejections, rv_events;
  x12kit_278_resp_event *ev;        /* open 2000E, or NULL */
  event_build eb;
  x12kit_278_resp_line *ln;         /* open 2000F, or NULL */
  line_build lb;
  x12kit_278_resp_party *party;     /* the NM1 loop being read, or NULL */
  x12kit_278_resp_person *person;
} reader;

static int nomem(reader *rd)
{
  rd->status = X12KIT_ERR_NOMEM;
  return rd->status;
}

/*
 * A copy of |s| in the arena; "" when empty.  Out of memory, "" too, with
 * rd->status set: no string is ever NULL, and the read fails at the end.
 */
static const char *sdup(reader *rd, x12kit_slice s)
{
  const char *p;

  if (s.len == 0)
    return "";
  p = x12kitp_arena_dup(&rd->r->arena, s);
  if (p == NULL) {
    nomem(rd);
    return "";
  }
  return p;
}

static const char *cdup(reader *rd, const char *s)
{
  return sdup(rd, (x12kit_slice){ s, strlen(s) });
}

/* Element |n| of a segment node, copied. */
static const char *el(reader *rd, const x12kit_segment *seg, size_t n)
{
  return sdup(rd, x12kit_segment_element(seg, n));
}

/* Component |c| of element |n|, copied. */
static const char *comp(reader *rd, const x12kit_segment *seg, size_t n, size_t c)
{
  return sdup(rd, x12kit_segment_component(seg, n, 1, c));
}

/* "20261207" -> "2026-12-07"; anything else as sent. */
static const char *date_of(reader *rd, x12kit_slice s)
{
  char buf[11];

  if (!x12kitp_iso_date(s, buf))
    return sdup(rd, s);
  return cdup(rd, buf);
}

/*
 * The meaning of |value| in the shared list |list|, copied (the schema
 * may be freed before the handle); "" when unknown.
 */
static const char *meaning(reader *rd, const char *list, const char *value)
{
  const char *t;

  if (*value == '\0')
    return "";
  t = x12kit_schema_code(rd->schema, list, value);
  return t ? cdup(rd, t) : "";
}

static unsigned long seg_pos(const x12kit_segment *seg)
{
  return x12kit_segment_position(seg)->in_transaction;
}

/* ---- plain words ---------------------------------------------------------- */

typedef struct text {
  char buf[TEXT_MAX];
  size_t len;
} text;

static void add(text *t, const char *fmt, ...) X12KITP_PRINTF(2, 3);

static void add(text *t, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (t->len >= sizeof t->buf - 1)
    return;
  va_start(ap, fmt);
  n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
  va_end(ap);
  if (n > 0)
    t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - 1 - t->len;
}

/* |s| with its first letter in lower case, for the middle of a sentence. */
static void add_lower(text *t, const char *s)
{
  if (*s)
    add(t, "%c%s", tolower((unsigned char)*s), s + 1);
}

static const char *tdup(reader *rd, const text *t)
{
  return cdup(rd, t->buf);
}

static const struct {
  const char *code;
  x12kit_278_action action;
  const char *text;
} actions[] = {
  { "A1", X12KIT_278_CERTIFIED, "Certified in total" },
  { "A2", X12KIT_278_PARTIAL, "Certified, partial" },
  { "A3", X12KIT_278_NOT_CERTIFIED, "Not certified" },
  { "A4", X12KIT_278_PENDED, "Pended" },
  { "A6", X12KIT_278_MODIFIED, "Modified" },
  { "C", X12KIT_278_CANCELLED, "Cancelled" },
  { "CT", X12KIT_278_CONTACT_PAYER, "Contact payer" },
  { "NA", X12KIT_278_NO_ACTION, "No action required" },
};

#define NACTIONS (sizeof actions / sizeof actions[0])

const char *x12kit_278_action_name(x12kit_278_action a)
{
  switch (a) {
  case X12KIT_278_CERTIFIED: return "certified in total";
  case X12KIT_278_PARTIAL: return "certified in part";
  case X12KIT_278_NOT_CERTIFIED: return "not certified";
  case X12KIT_278_PENDED: return "pended";
  case X12KIT_278_MODIFIED: return "certified with changes";
  case X12KIT_278_CANCELLED: return "cancelled";
  case X12KIT_278_CONTACT_PAYER: return "contact the payer";
  case X12KIT_278_NO_ACTION: return "no action required";
  case X12KIT_278_REJECTED: return "rejected";
  case X12KIT_278_UNKNOWN: return "unknown decision code";
  case X12KIT_278_NOT_STATED:
  default: return "no decision stated";
  }
}

int x12kit_278_action_severity(x12kit_278_action a)
{
  switch (a) {
  case X12KIT_278_REJECTED: return 10;
  case X12KIT_278_NOT_CERTIFIED: return 9;
  case X12KIT_278_UNKNOWN: return 8;
  case X12KIT_278_CONTACT_PAYER: return 7;
  case X12KIT_278_PENDED: return 6;
  case X12KIT_278_NOT_STATED: return 5;
  case X12KIT_278_CANCELLED: return 4;
  case X12KIT_278_PARTIAL: return 3;
  case X12KIT_278_MODIFIED: return 2;
  case X12KIT_278_CERTIFIED: return 1;
  case X12KIT_278_NO_ACTION:
  default: return 0;
  }
}

/* Where a loop is, for a clerk. */
static const char *loop_words(const char *loop)
{
  static const struct {
    const char *loop, *words;
  } w[] = {
    { "2000A", "the payer's details" },
    { "2010A", "the payer's details" },
    { "2010B", "your clinic's details (the requester)" },
    { "2010C", "the subscriber's details" },
    { "2010D", "the patient's (dependent's) details" },
    { "2000E", "the request" },
    { "2010EA", "a provider's details on the request" },
    { "2010EB", "the contact on the request" },
    { "2000F", "this service line" },
    { "2010FA", "the provider of this service line" },
  };
  size_t i;

  for (i = 0; i < sizeof w / sizeof w[0]; i++)
    if (strcmp(w[i].loop, loop) == 0)
      return w[i].words;
  return "the request";
}

/* What to fix for an AAA03 reject reason; %s is where (loop_words). */
static const struct {
  const char *code;
  const char *fix;
} reasons[] = {
  { "04", "The request asks for more than the plan allows. Lower the quantity to the plan's "
          "limit, or ask the payer for an exception." },
  { "15", "Something the payer needs is missing in %s. Fill in the missing IDs, dates or "
          "codes." },
  { "33", "The payer found errors in %s. Check its codes, dates and IDs and correct them." },
  { "35", "The provider is out of the plan's network. Use an in-network provider, or ask the "
          "payer for an out-of-network exception." },
  { "41", "The payer does not take requests from this submitter for this plan. Check your "
          "enrollment with the payer or the clearinghouse." },
  { "42", "The payer's system could not answer right now." },
  { "43", "The provider ID in %s is wrong or missing. Use the 10-digit NPI the payer has on "
          "file." },
  { "44", "The provider name in %s is wrong or missing. Use the name as enrolled with the "
          "payer." },
  { "45", "The provider's specialty is wrong or missing. Check the taxonomy code (PRV) in "
          "%s." },
  { "46", "The provider's phone number is wrong or missing. Add it to the contact (PER) in "
          "%s." },
  { "47", "The provider's state is wrong or missing. Check the address in %s." },
  { "48", "The referring provider's ID is wrong or missing. Add the referring provider's "
          "NPI." },
  { "49", "The plan wants this request from the patient's primary care physician. Ask the PCP "
          "for a referral, or to send the request." },
  { "51", "The payer has no record of this provider. Check the NPI, or enroll the provider "
          "with the payer." },
  { "52", "The dates fall outside the provider's enrollment with the plan. Check the service "
          "dates and the provider's enrollment." },
  { "56", "A date in %s is not acceptable. Check that each date is real and in the right "
          "order." },
  { "57", "The service dates are wrong or missing. Check the requested dates (a real range, "
          "start before end)." },
  { "58", "The date of birth is wrong or missing. Check it against the patient's insurance "
          "card." },
  { "59", "The date of death is wrong or missing. Check it." },
  { "60", "The date of birth falls after the service dates. Check both." },
  { "61", "The payer's records show a date of death before the service dates. Check the "
          "patient and the dates with the payer." },
  { "62", "The service dates are outside the window the payer takes requests for. Correct "
          "the dates, or send the request closer to the first session." },
  { "63", "The service dates are too far ahead. Send the request closer to the first "
          "session." },
  { "64", "The patient's ID is wrong or missing. Check it against the insurance card." },
  { "65", "The patient's name is wrong or missing. Spell it as on the insurance card." },
  { "66", "The patient's gender code is wrong or missing. Check it against the payer's "
          "records." },
  { "67", "The payer cannot find the patient. Check the name, date of birth and member ID "
          "against the insurance card." },
  { "68", "The payer has this patient ID more than once. Call the payer to find the right "
          "record." },
  { "69", "The service does not fit the patient's age under the plan's rules. Check the "
          "codes and the patient's details." },
  { "70", "The service does not fit the patient's gender under the plan's rules. Check the "
          "codes and the patient's details." },
  { "71", "The date of birth does not match the payer's records. Check it against the "
          "insurance card." },
  { "72", "The member ID is wrong or missing. Correct it from the patient's insurance card, "
          "with any prefix or suffix." },
  { "73", "The subscriber's name is wrong or missing. Spell it as on the insurance card." },
  { "74", "The subscriber's gender code is wrong or missing. Check it against the payer's "
          "records." },
  { "75", "The payer cannot find the subscriber. Check the member ID, name and date of birth "
          "on the insurance card, and that this is the right payer." },
  { "76", "The payer has this member ID more than once. Call the payer to find the right "
          "record." },
  { "77", "The payer found the subscriber but not this patient. Check the dependent's name "
          "and date of birth, and whether the dependent is on the plan." },
  { "78", "The subscriber is not in the group or plan named. Check the group number on the "
          "insurance card." },
  { "79", "The payer does not recognize the submitter or receiver IDs. Check the payer ID and "
          "the interchange IDs with the payer or the clearinghouse." },
  { "80", "The payer did not answer in time." },
  { "95", "The patient is not eligible on the requested dates. Check coverage with an "
          "eligibility inquiry (270) before asking again." },
  { "97", "The provider's address is wrong or missing. Check the address in %s." },
  { "98", "The payer treats this service as experimental. Read the plan's policy; an appeal "
          "needs evidence that the treatment is accepted." },
  { "AA", "The payer cannot find the authorization number the request refers to. Check it "
          "against the earlier response." },
  { "AE", "The plan needs an authorization from the patient's primary care physician first." },
  { "AF", "The diagnosis codes are wrong or missing. Use ICD-10-CM codes without the dot "
          "(F33.2 is sent as F332)." },
  { "AG", "The procedure codes are wrong or missing. Check the CPT/HCPCS codes and modifiers "
          "of the service lines." },
  { "AH", "The date the condition began is wrong or missing. Check it." },
  { "AI", "The accident date is wrong or missing. Check it." },
  { "AJ", "The last menstrual period date is wrong or missing. Check it." },
  { "AK", "The expected date of birth is wrong or missing. Check it." },
  { "AL", "The surgery date is wrong or missing. Check it." },
  { "AM", "The admission date is wrong or missing. Check it." },
  { "AN", "The discharge date is wrong or missing. Check it." },
  { "AO", "The payer needs more about the patient's condition. Add the clinical details and "
          "send the records that support them." },
  { "CI", "The certification details do not match the patient. Check the patient and the "
          "authorization number." },
  { "E8", "The request needs a medical review. Send the clinical records that support it." },
  { "IA", "The authorization number is not in the payer's format. Check it against the "
          "earlier response." },
  { "IP", "The provider's role in %s does not fit this request. Check which provider is sent "
          "in which role." },
  { "MA", "The authorization number is missing. Add the number from the earlier response." },
  { "T4", "The payer's name or ID is missing. Fill in the payer with the payer ID from the "
          "insurance card or the clearinghouse's payer list." },
  { "T5", "Certification details the payer needs are missing. Check the request's type, "
          "dates and quantity, and fill in what is missing." },
};

static void rejection_step(text *t, const char *loop, const char *reason,
                           const char *reason_text, const char *action)
{
  const char *where = loop_words(loop);
  int retry_later = strcmp(reason, "42") == 0 || strcmp(reason, "80") == 0;
  size_t i;

  for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (strcmp(reasons[i].code, reason) == 0)
      break;
  if (i < sizeof reasons / sizeof reasons[0]) {
    const char *fix = reasons[i].fix, *pc = strstr(fix, "%s");
    /* the texts are constant: the only conversion is the one %s */
    if (pc)
      add(t, "%.*s%s%s", (int)(pc - fix), fix, where, pc + 2);
    else
      add(t, "%s", fix);
  } else if (*reason_text) {
    add(t, "The payer rejected %s: %s (reason %s). Correct what it names.", where, reason_text,
        reason);
  } else {
    add(t, "The payer rejected %s with reason code %s. Read the reason in the payer's "
           "notice and correct the request.", where, *reason ? reason : "(none)");
  }
  add(t, " ");
  switch (*action) {
  case 'C':
    add(t, retry_later ? "Send the request again later." : "Then send the corrected request "
                                                            "again.");
    break;
  case 'N':
    add(t, "Do not send this request again; call the payer to ask how to go on.");
    break;
  case 'P':
    add(t, retry_later ? "Send the original request again later, unchanged."
                       : "Send the original request again, unchanged.");
    break;
  case 'R':
    add(t, "You may send the request again.");
    break;
  case 'S':
    add(t, "Do not send it again: the payer passed it to another organization, which will "
           "answer.");
    break;
  case 'W':
    add(t, "Wait 30 days, then send it again.");
    break;
  case 'X':
    add(t, "Wait 10 days, then send it again.");
    break;
  case 'Y':
    add(t, "Do not send it again: the payer will send another response.");
    break;
  default:
    add(t, retry_later ? "Send the request again later." : "Then send the request again, or "
                                                            "call the payer if the reason is "
                                                            "unclear.");
    break;
  }
}

/* What a decision is about and the facts its next step quotes. */
typedef struct facts {
  x12kit_278_action action;
  const char *code;                 /* HCR01 */
  const char *what;                 /* "96365" for a line; "" for the request */
  const char *cert;                 /* HCR02 */
  const char *reason, *reason_text; /* HCR03 */
  char second_opinion;
  const char *from, *to;            /* the dates the decision covers */
  const char *quantity;             /* "6 units", "2 visits per week for 3 weeks" */
  const char *start;                /* the first planned date */
  const char *reference;            /* REF NT (or BB) to quote */
  const char *trace;                /* the request's trace */
  const x12kit_278_resp_party *call;/* who to call or send records to */
  const x12kit_278_resp_paperwork *pwk;
  size_t npwk;
  int updates;                      /* BHT06 19: further responses follow */
  int inherited;                    /* a line under the request's decision */
} facts;

static void what_part(text *t, const facts *f)
{
  if (*f->what)
    add(t, " for %s", f->what);
}

static void approved_part(text *t, const facts *f)
{
  if (*f->quantity)
    add(t, " %s", f->quantity);
  if (*f->from && strcmp(f->from, f->to) == 0)
    add(t, " on %s", f->from);
  else if (*f->from && *f->to)
    add(t, " from %s to %s", f->from, f->to);
  else if (*f->from)
    add(t, " from %s", f->from);
  else if (*f->to)
    add(t, " until %s", f->to);
}

static void cert_part(text *t, const facts *f)
{
  if (*f->cert)
    add(t, " Put certification number %s on every claim.", f->cert);
  else
    add(t, " No certification number was given: ask the payer for it before you bill.");
}

/* " (UTILIZATION REVIEW) at 8005550134 extension 212": who to call. */
static void who_part(text *t, const x12kit_278_resp_party *p)
{
  if (p == NULL)
    return;
  if (*p->contact)
    add(t, " (%s)", p->contact);
  else if (*p->name)
    add(t, " (%s)", p->name);
  if (*p->phone) {
    add(t, " at %s", p->phone);
    if (*p->extension)
      add(t, " extension %s", p->extension);
  }
}

static void decision_step(text *t, const facts *f)
{
  size_t i;

  if (f->inherited)
    add(t, "Covered by the decision for the whole request. ");
  switch (f->action) {
  case X12KIT_278_CERTIFIED:
    add(t, "Certified in total");
    what_part(t, f);
    add(t, ". Schedule");
    if (*f->quantity)
      add(t, " up to %s", f->quantity);
    if (*f->from && strcmp(f->from, f->to) == 0)
      add(t, " on %s", f->from);
    else if (*f->from && *f->to)
      add(t, " between %s and %s", f->from, f->to);
    else if (*f->from)
      add(t, " from %s", f->from);
    else if (*f->to)
      add(t, " until %s", f->to);
    else
      add(t, " within the approved dates");
    add(t, ".");
    cert_part(t, f);
    break;
  case X12KIT_278_PARTIAL:
  case X12KIT_278_MODIFIED:
    if (f->action == X12KIT_278_PARTIAL)
      add(t, "Only part of the request was certified");
    else
      add(t, "Certified with changes");
    what_part(t, f);
    if (*f->quantity || *f->from || *f->to) {
      add(t, ": the payer approved");
      approved_part(t, f);
    }
    add(t, ". Compare the approved units and dates with what you asked for and schedule only "
           "what was approved; ");
    if (f->action == X12KIT_278_PARTIAL)
      add(t, "appeal the difference, or send a new request for the rest.");
    else
      add(t, "reschedule to fit them, or appeal the change if it does not suit the patient.");
    cert_part(t, f);
    break;
  case X12KIT_278_NOT_CERTIFIED:
    add(t, "Not certified");
    what_part(t, f);
    if (*f->reason_text)
      add(t, ": %s (reason %s)", f->reason_text, f->reason);
    else if (*f->reason)
      add(t, " (reason code %s; the payer's notice explains it)", f->reason);
    add(t, ". Do not schedule on this request. Read the payer's reason, then ask for a "
           "peer-to-peer review with the payer's reviewer");
    if (f->call && *f->call->phone)
      who_part(t, f->call);
    add(t, " or file an appeal");
    if (*f->reference)
      add(t, ", quoting reference %s", f->reference);
    add(t, ".");
    break;
  case X12KIT_278_PENDED:
    add(t, "Pended");
    what_part(t, f);
    add(t, ": the payer needs more before it decides. Send ");
    if (f->npwk) {
      for (i = 0; i < f->npwk; i++) {
        const x12kit_278_resp_paperwork *p = &f->pwk[i];
        add(t, "%s", i == 0 ? "these records: " : i + 1 == f->npwk ? " and " : ", ");
        if (*p->type_text)
          add_lower(t, p->type_text);
        else
          add(t, "records of report type %s", *p->type ? p->type : "(none)");
        if (*p->transmission_text || *p->control) {
          add(t, " (");
          add_lower(t, p->transmission_text);
          add(t, "%s", *p->transmission_text && *p->control ? ", " : "");
          if (*p->control)
            add(t, "control number %s", p->control);
          add(t, ")");
        }
      }
    } else {
      add(t, "the clinical records that support the request (progress notes, earlier "
             "treatments)");
    }
    if (f->call && (*f->call->contact || *f->call->name)) {
      add(t, " to %s", *f->call->contact ? f->call->contact : f->call->name);
      if (*f->call->fax)
        add(t, ", fax %s", f->call->fax);
    }
    if (*f->reference)
      add(t, ", quoting reference %s", f->reference);
    else if (*f->trace)
      add(t, ", quoting trace %s", f->trace);
    add(t, ", and follow up if no decision arrives");
    if (*f->start)
      add(t, " before the first planned date, %s", f->start);
    else
      add(t, " within a few days");
    add(t, ".");
    if (f->updates)
      add(t, " The payer says a further response will follow.");
    break;
  case X12KIT_278_CONTACT_PAYER:
    add(t, "The payer asks you to call");
    if (*f->what)
      add(t, " about %s", f->what);
    add(t, ". Call the reviewer");
    who_part(t, f->call);
    if (*f->reference)
      add(t, ", quote reference %s", f->reference);
    else if (*f->cert)
      add(t, ", quote number %s", f->cert);
    else if (*f->trace)
      add(t, ", quote trace %s", f->trace);
    add(t, " and write down what they decide.");
    break;
  case X12KIT_278_CANCELLED:
    add(t, "Cancelled");
    what_part(t, f);
    add(t, ". Do not schedule on this request; if the patient still needs the service, send a "
           "new request.");
    break;
  case X12KIT_278_NO_ACTION:
    add(t, "No authorization is needed");
    what_part(t, f);
    add(t, ". Schedule as usual and keep this response");
    if (*f->reference)
      add(t, " (reference %s)", f->reference);
    else if (*f->cert)
      add(t, " (number %s)", f->cert);
    add(t, " with the patient's record in case a claim is questioned.");
    break;
  case X12KIT_278_UNKNOWN:
    if (*f->code)
      add(t, "The decision code %s is not one x12kit knows. Call the payer to confirm the "
             "decision before scheduling.", f->code);
    else
      add(t, "The decision code is missing. Call the payer to confirm the decision before "
             "scheduling.");
    break;
  case X12KIT_278_REJECTED:
  case X12KIT_278_NOT_STATED:
  default:
    if (*f->what)
      add(t, "No decision is stated for %s. Call the payer to confirm it before scheduling.",
          f->what);
    else
      add(t, "The response states no decision for this request. Call the payer to confirm "
             "its status before scheduling.");
    break;
  }
  if (f->second_opinion == 'Y')
    add(t, " The payer requires a second surgical opinion.");
}

/* ---- segments into structures -------------------------------------------- */

static int read_party_nm1(reader *rd, x12kit_278_resp_party *p, const char *loop,
                          const x12kit_segment *seg)
{
  x12kit_slice last = x12kit_segment_element(seg, 3), first = x12kit_segment_element(seg, 4);

  p->loop = cdup(rd, loop);
  p->segment = seg_pos(seg);
  p->code = el(rd, seg, 1);
  p->code_text = meaning(rd, "98", p->code);
  if (first.len && x12kit_slice_eq(x12kit_segment_element(seg, 2), "1")) {
    char *s = aalloc(rd->r, last.len + first.len + 3);
    if (s == NULL)
      return nomem(rd);
    memcpy(s, last.ptr, last.len);
    memcpy(s + last.len, ", ", 2);
    memcpy(s + last.len + 2, first.ptr, first.len);
    p->name = s;
  } else {
    p->name = sdup(rd, last);
  }
  p->id_qualifier = el(rd, seg, 8);
  p->id = el(rd, seg, 9);
  return rd->status;
}

/* Appends "a, b" pieces to an address. */
static int address_add(reader *rd, const char **addr, x12kit_slice s, const char *sep)
{
  size_t have = strlen(*addr), sl = strlen(sep);
  char *p;

  if (s.len == 0)
    return rd->status;
  p = aalloc(rd->r, have + sl + s.len + 1);
  if (p == NULL)
    return nomem(rd);
  memcpy(p, *addr, have);
  if (have) {
    memcpy(p + have, sep, sl);
    have += sl;
  }
  memcpy(p + have, s.ptr, s.len);
  p[have + s.len] = '\0';
  *addr = p;
  return rd->status;
}

static int read_party_seg(reader *rd, x12kit_278_resp_party *p, const x12kit_segment *seg)
{
  const char *id = x12kit_segment_id(seg);
  size_t i;

  if (strcmp(id, "N3") == 0) {
    address_add(rd, &p->address, x12kit_segment_element(seg, 1), ", ");
    address_add(rd, &p->address, x12kit_segment_element(seg, 2), ", ");
  } else if (strcmp(id, "N4") == 0) {
    address_add(rd, &p->address, x12kit_segment_element(seg, 1), ", ");
    address_add(rd, &p->address, x12kit_segment_element(seg, 2), ", ");
    address_add(rd, &p->address, x12kit_segment_element(seg, 3), " ");
  } else if (strcmp(id, "PER") == 0) {
    if (*p->contact == '\0')
      p->contact = el(rd, seg, 2);
    for (i = 3; i <= 7; i += 2) {
      x12kit_slice q = x12kit_segment_element(seg, i);
      const char **dst = NULL;
      if (x12kit_slice_eq(q, "TE"))
        dst = &p->phone;
      else if (x12kit_slice_eq(q, "EX"))
        dst = &p->extension;
      else if (x12kit_slice_eq(q, "FX"))
        dst = &p->fax;
      else if (x12kit_slice_eq(q, "EM"))
        dst = &p->email;
      else if (x12kit_slice_eq(q, "UR"))
        dst = &p->url;
      if (dst && **dst == '\0')
        *dst = el(rd, seg, i + 1);
    }
  } else if (strcmp(id, "PRV") == 0) {
    p->taxonomy = el(rd, seg, 3);
  }
  return rd->status;
}

static void party_init(x12kit_278_resp_party *p)
{
  p->loop = p->code = p->code_text = p->name = p->id_qualifier = p->id = "";
  p->taxonomy = p->address = p->contact = p->phone = p->extension = "";
  p->fax = p->email = p->url = "";
}

static void person_init(x12kit_278_resp_person *p)
{
  p->loop = p->last = p->first = p->middle = p->suffix = p->member_id = "";
  p->dob = p->gender = "";
}

static void decision_init(x12kit_278_resp_decision *d)
{
  d->code = d->code_text = d->certification = d->reason = d->reason_text = "";
  d->next_step = "";
}

static void quantity_init(x12kit_278_resp_quantity *q)
{
  q->qualifier = q->count = q->unit = q->sample = q->period = q->periods = q->text = "";
}

static void summary_init(x12kit_278_resp_summary *s)
{
  s->loop = s->code = s->text = s->certification = s->next_step = "";
}

static int read_rejection(reader *rd, vec *list, const char *loop, const x12kit_segment *seg)
{
  x12kit_278_resp_rejection *a = vpush(rd->r, list, sizeof *a);
  x12kit_slice valid = x12kit_segment_element(seg, 1);
  text t;

  if (a == NULL)
    return nomem(rd);
  a->loop = cdup(rd, loop);
  a->segment = seg_pos(seg);
  a->valid = valid.len == 1 ? valid.ptr[0] : 0;
  a->reason = el(rd, seg, 3);
  a->action = el(rd, seg, 4);
  if (rd->status)
    return rd->status;
  a->reason_text = meaning(rd, "901", a->reason);
  a->action_text = meaning(rd, "889", a->action);
  memset(&t, 0, sizeof t);
  rejection_step(&t, loop, a->reason, a->reason_text, a->action);
  a->next_step = tdup(rd, &t);
  return rd->status;
}

static int read_trace(reader *rd, vec *list, const x12kit_segment *seg)
{
  x12kit_278_resp_trace *tr = vpush(rd->r, list, sizeof *tr);

  if (tr == NULL)
    return nomem(rd);
  tr->segment = seg_pos(seg);
  tr->type = el(rd, seg, 1);
  tr->number = el(rd, seg, 2);
  tr->entity = el(rd, seg, 3);
  tr->extra = el(rd, seg, 4);
  return rd->status;
}

static int read_date(reader *rd, vec *list, const x12kit_segment *seg)
{
  x12kit_278_resp_date *d = vpush(rd->r, list, sizeof *d);
  x12kit_slice v = x12kit_segment_element(seg, 3);
  const char *dash;

  if (d == NULL)
    return nomem(rd);
  d->segment = seg_pos(seg);
  d->qualifier = el(rd, seg, 1);
  if (rd->status)
    return rd->status;
  d->qualifier_text = meaning(rd, "374", d->qualifier);
  dash = v.len ? memchr(v.ptr, '-', v.len) : NULL;
  if (x12kit_slice_eq(x12kit_segment_element(seg, 2), "RD8") && dash) {
    d->from = date_of(rd, (x12kit_slice){ v.ptr, (size_t)(dash - v.ptr) });
    d->to = date_of(rd, (x12kit_slice){ dash + 1, v.len - (size_t)(dash - v.ptr) - 1 });
  } else {
    d->from = date_of(rd, v);
    d->to = "";
  }
  return rd->status;
}

static int read_ref(reader *rd, vec *list, const x12kit_segment *seg)
{
  x12kit_278_resp_ref *f = vpush(rd->r, list, sizeof *f);

  if (f == NULL)
    return nomem(rd);
  f->segment = seg_pos(seg);
  f->qualifier = el(rd, seg, 1);
  f->value = el(rd, seg, 2);
  if (rd->status)
    return rd->status;
  f->qualifier_text = meaning(rd, "128", f->qualifier);
  return rd->status;
}

static int read_paperwork(reader *rd, vec *list, const x12kit_segment *seg)
{
  x12kit_278_resp_paperwork *p = vpush(rd->r, list, sizeof *p);

  if (p == NULL)
    return nomem(rd);
  p->segment = seg_pos(seg);
  p->type = el(rd, seg, 1);
  p->transmission = el(rd, seg, 2);
  p->control = el(rd, seg, 6);
  p->description = el(rd, seg, 7);
  if (rd->status)
    return rd->status;
  p->type_text = meaning(rd, "755", p->type);
  p->transmission_text = meaning(rd, "756", p->transmission);
  return rd->status;
}

static int read_message(reader *rd, vec *list, const x12kit_segment *seg)
{
  const char **m = vpush(rd->r, list, sizeof *m);

  if (m == NULL)
    return nomem(rd);
  *m = el(rd, seg, 1);
  return rd->status;
}

static int read_decision(reader *rd, x12kit_278_resp_decision *d, const x12kit_segment *seg)
{
  x12kit_slice hcr04 = x12kit_segment_element(seg, 4);
  const char *t;
  size_t i;

  if (d->segment)
    return rd->status; /* the first HCR of the loop decides (the guide allows one) */
  d->segment = seg_pos(seg);
  d->code = el(rd, seg, 1);
  d->certification = el(rd, seg, 2);
  d->reason = el(rd, seg, 3);
  d->second_opinion = hcr04.len == 1 ? hcr04.ptr[0] : 0;
  if (rd->status)
    return rd->status;
  d->action = X12KIT_278_UNKNOWN;
  for (i = 0; i < NACTIONS; i++)
    if (strcmp(actions[i].code, d->code) == 0)
      d->action = actions[i].action;
  t = meaning(rd, "306", d->code);
  if (*t == '\0')
    for (i = 0; i < NACTIONS; i++)
      if (strcmp(actions[i].code, d->code) == 0)
        t = actions[i].text;
  d->code_text = t;
  d->reason_text = meaning(rd, "886", d->reason);
  return rd->status;
}

static const char *plural_word(const char *count, const char *one, const char *many)
{
  return strcmp(count, "1") == 0 ? one : many;
}

/* "2 visits per week for 3 weeks" */
static int read_quantity(reader *rd, x12kit_278_resp_quantity *q, const x12kit_segment *seg)
{
  static const struct {
    const char *code, *one, *many;
  } what[] = {
    { "DY", "day", "days" }, { "FL", "unit", "units" }, { "HS", "hour", "hours" },
    { "MN", "month", "months" }, { "VS", "visit", "visits" },
  }, per[] = {
    { "DA", "day", "days" }, { "MO", "month", "months" }, { "VS", "visit", "visits" },
    { "WK", "week", "weeks" }, { "YR", "year", "years" },
  }, period[] = {
    { "6", "hour", "hours" }, { "7", "day", "days" }, { "21", "year", "years" },
    { "26", "episode", "episodes" }, { "27", "visit", "visits" }, { "34", "month", "months" },
    { "35", "week", "weeks" },
  };
  text t;
  size_t i;

  q->segment = seg_pos(seg);
  q->qualifier = el(rd, seg, 1);
  q->count = el(rd, seg, 2);
  q->unit = el(rd, seg, 3);
  q->sample = el(rd, seg, 4);
  q->period = el(rd, seg, 5);
  q->periods = el(rd, seg, 6);
  if (rd->status)
    return rd->status;
  memset(&t, 0, sizeof t);
  if (*q->count) {
    const char *w = "";
    for (i = 0; i < sizeof what / sizeof what[0]; i++)
      if (strcmp(what[i].code, q->qualifier) == 0)
        w = plural_word(q->count, what[i].one, what[i].many);
    add(&t, "%s%s%s", q->count, *w ? " " : "", w);
  }
  if (*q->unit) {
    for (i = 0; i < sizeof per / sizeof per[0]; i++)
      if (strcmp(per[i].code, q->unit) == 0) {
        if (*q->sample && strcmp(q->sample, "1") != 0)
          add(&t, "%severy %s %s", t.len ? " " : "", q->sample, per[i].many);
        else
          add(&t, "%sper %s", t.len ? " " : "", per[i].one);
      }
  }
  if (*q->periods) {
    for (i = 0; i < sizeof period / sizeof period[0]; i++)
      if (strcmp(period[i].code, q->period) == 0)
        add(&t, "%sfor %s %s", t.len ? " " : "", q->periods,
            plural_word(q->periods, period[i].one, period[i].many));
  }
  q->text = tdup(rd, &t);
  return rd->status;
}

static int read_service(reader *rd, x12kit_278_resp_service *s, const x12kit_segment *seg)
{
  int sv2 = strcmp(x12kit_segment_id(seg), "SV2") == 0;
  size_t proc = sv2 ? 2 : 1, i;

  if (s->segment)
    return rd->status;
  s->segment = seg_pos(seg);
  s->segment_id = sv2 ? "SV2" : "SV1";
  s->qualifier = comp(rd, seg, proc, 1);
  s->code = comp(rd, seg, proc, 2);
  for (i = 0; i < 4; i++)
    s->modifiers[i] = comp(rd, seg, proc, 3 + i);
  s->description = comp(rd, seg, proc, 7);
  s->revenue_code = sv2 ? el(rd, seg, 1) : "";
  s->unit = el(rd, seg, sv2 ? 4 : 3);
  s->units = el(rd, seg, sv2 ? 5 : 4);
  return rd->status;
}

static int read_person(reader *rd, x12kit_278_resp_person *p, const char *loop,
                       const x12kit_segment *seg)
{
  const char *id = x12kit_segment_id(seg);

  if (strcmp(id, "NM1") == 0) {
    p->loop = cdup(rd, loop);
    p->segment = seg_pos(seg);
    p->last = el(rd, seg, 3);
    p->first = el(rd, seg, 4);
    p->middle = el(rd, seg, 5);
    p->suffix = el(rd, seg, 7);
    p->member_id = el(rd, seg, 9);
  } else if (strcmp(id, "DMG") == 0) {
    if (x12kit_slice_eq(x12kit_segment_element(seg, 1), "D8"))
      p->dob = date_of(rd, x12kit_segment_element(seg, 2));
    p->gender = el(rd, seg, 3);
  }
  return rd->status;
}

/* ---- events, lines and summaries --------------------------------------- */

static const x12kit_278_resp_date *find_date(const vec *dates, const char *qualifier)
{
  const x12kit_278_resp_date *d = dates->v;
  size_t i;

  for (i = 0; i < dates->n; i++)
    if (strcmp(d[i].qualifier, qualifier) == 0)
      return &d[i];
  return NULL;
}

/*
 * The dates a decision covers: DTP 007 (a range, or up to DTP 036), else
 * |fallback| (472 for a line, AAH for the request).
 */
static void valid_dates(const vec *dates, const char *fallback, const char **from,
                        const char **to)
{
  const x12kit_278_resp_date *eff = find_date(dates, "007"), *exp = find_date(dates, "036");
  const x12kit_278_resp_date *fb = find_date(dates, fallback);

  if (eff) {
    *from = eff->from;
    *to = *eff->to ? eff->to : exp ? exp->from : "";
  } else if (exp) {
    *from = "";
    *to = exp->from;
  } else if (fb) {
    *from = fb->from;
    *to = *fb->to ? fb->to : fb->from; /* a single day */
  }
}

static const char *first_ref(const vec *refs)
{
  const x12kit_278_resp_ref *f = refs->v;
  size_t i;

  for (i = 0; i < refs->n; i++)
    if (strcmp(f[i].qualifier, "NT") == 0)
      return f[i].value;
  return refs->n ? f[0].value : "";
}

static void summary_from_decision(x12kit_278_resp_summary *s, const x12kit_278_resp_decision *d,
                                  x12kit_278_basis basis, const char *loop)
{
  s->action = d->action;
  s->basis = basis;
  s->loop = loop;
  s->segment = d->segment;
  s->code = d->code;
  s->text = *d->code_text ? d->code_text : x12kit_278_action_name(d->action);
  s->certification = d->certification;
}

static void summary_from_rejection(x12kit_278_resp_summary *s,
                                   const x12kit_278_resp_rejection *a)
{
  s->action = X12KIT_278_REJECTED;
  s->basis = X12KIT_278_BASIS_REJECTION;
  s->loop = a->loop;
  s->segment = a->segment;
  s->code = a->reason;
  s->text = *a->reason_text ? a->reason_text : "Rejected";
  s->certification = "";
  s->next_step = a->next_step;
}

static void facts_init(facts *f)
{
  memset(f, 0, sizeof *f);
  f->code = f->what = f->cert = f->reason = f->reason_text = "";
  f->from = f->to = f->quantity = f->start = f->reference = f->trace = "";
}

static void facts_from_decision(facts *f, const x12kit_278_resp_decision *d)
{
  f->action = d->action;
  f->code = d->code;
  f->cert = d->certification;
  f->reason = d->reason;
  f->reason_text = d->reason_text;
  f->second_opinion = d->second_opinion;
}

/* Who to call or send records to: the request's contact (2010EB), else the UMO. */
static const x12kit_278_resp_party *call_whom(const reader *rd)
{
  if (rd->ev && *rd->ev->contact.loop)
    return &rd->ev->contact;
  if (*rd->rv->umo.loop)
    return &rd->rv->umo;
  return NULL;
}

static int begin_line(reader *rd, const x12kit_node *loop)
{
  const x12kit_node *hl = x12kit_node_first_child(loop);

  rd->ln = vpush(rd->r, &rd->eb.lines, sizeof *rd->ln);
  if (rd->ln == NULL)
    return nomem(rd);
  memset(&rd->lb, 0, sizeof rd->lb);
  decision_init(&rd->ln->decision);
  quantity_init(&rd->ln->quantity);
  party_init(&rd->ln->contact);
  summary_init(&rd->ln->overall);
  rd->ln->hl = "";
  rd->ln->service.segment_id = rd->ln->service.qualifier = rd->ln->service.code = "";
  rd->ln->service.description = rd->ln->service.revenue_code = "";
  rd->ln->service.unit = rd->ln->service.units = "";
  rd->ln->service.modifiers[0] = rd->ln->service.modifiers[1] = "";
  rd->ln->service.modifiers[2] = rd->ln->service.modifiers[3] = "";
  rd->ln->valid_from = rd->ln->valid_to = "";
  if (hl && x12kit_node_segment(hl) && strcmp(x12kit_node_id(hl), "HL") == 0) {
    rd->ln->segment = seg_pos(x12kit_node_segment(hl));
    rd->ln->hl = el(rd, x12kit_node_segment(hl), 1);
  }
  return rd->status;
}

static const char *unit_words(const char *unit, const char *count)
{
  static const struct {
    const char *code, *one, *many;
  } u[] = {
    { "UN", "unit", "units" }, { "MJ", "minute", "minutes" },
    { "F2", "international unit", "international units" }, { "DA", "day", "days" },
  };
  size_t i;

  for (i = 0; i < sizeof u / sizeof u[0]; i++)
    if (strcmp(u[i].code, unit) == 0)
      return plural_word(count, u[i].one, u[i].many);
  return "units";
}

static int end_line(reader *rd)
{
  x12kit_278_resp_line *ln = rd->ln;
  x12kit_278_resp_event *ev = rd->ev;
  facts f;
  text t;
  char qty[96] = "";

  ln->traces = rd->lb.traces.v;
  ln->ntraces = rd->lb.traces.n;
  ln->dates = rd->lb.dates.v;
  ln->ndates = rd->lb.dates.n;
  ln->refs = rd->lb.refs.v;
  ln->nrefs = rd->lb.refs.n;
  ln->paperwork = rd->lb.paperwork.v;
  ln->npaperwork = rd->lb.paperwork.n;
  ln->messages = rd->lb.messages.v;
  ln->nmessages = rd->lb.messages.n;
  ln->rejections = rd->lb.rejections.v;
  ln->nrejections = rd->lb.rejections.n;
  ln->providers = rd->lb.providers.v;
  ln->nproviders = rd->lb.providers.n;
  valid_dates(&rd->lb.dates, "472", &ln->valid_from, &ln->valid_to);
  if (*ln->valid_from == '\0' && *ln->valid_to == '\0') {
    ln->valid_from = ev->valid_from;
    ln->valid_to = ev->valid_to;
  }
  if (*ln->service.units)
    snprintf(qty, sizeof qty, "%s %s", ln->service.units,
             unit_words(ln->service.unit, ln->service.units));
  else if (*ln->quantity.text)
    snprintf(qty, sizeof qty, "%s", ln->quantity.text);

  facts_init(&f);
  f.what = *ln->service.code ? ln->service.code : "this service line";
  f.from = ln->valid_from;
  f.to = ln->valid_to;
  f.quantity = qty;
  f.start = ln->valid_from;
  f.reference = first_ref(&rd->lb.refs);
  if (*f.reference == '\0')
    f.reference = first_ref(&rd->eb.refs);
  f.trace = ev->request_trace;
  f.call = call_whom(rd);
  f.pwk = rd->lb.paperwork.n ? rd->lb.paperwork.v : rd->eb.paperwork.v;
  f.npwk = rd->lb.paperwork.n ? rd->lb.paperwork.n : rd->eb.paperwork.n;
  f.updates = strcmp(rd->rv->type, "19") == 0;

  if (ln->decision.segment) {
    facts_from_decision(&f, &ln->decision);
    memset(&t, 0, sizeof t);
    decision_step(&t, &f);
    ln->decision.next_step = tdup(rd, &t);
  }
  if (ln->nrejections) {
    summary_from_rejection(&ln->overall, &ln->rejections[0]);
  } else if (ln->decision.segment) {
    summary_from_decision(&ln->overall, &ln->decision, X12KIT_278_BASIS_LINE, "2000F");
    ln->overall.next_step = ln->decision.next_step;
  } else if (ev->decision.segment) {
    summary_from_decision(&ln->overall, &ev->decision, X12KIT_278_BASIS_EVENT, "2000E");
    facts_from_decision(&f, &ev->decision);
    f.inherited = 1;
    memset(&t, 0, sizeof t);
    decision_step(&t, &f);
    ln->overall.next_step = tdup(rd, &t);
  } else {
    ln->overall.action = X12KIT_278_NOT_STATED;
    ln->overall.text = x12kit_278_action_name(X12KIT_278_NOT_STATED);
    memset(&t, 0, sizeof t);
    f.action = X12KIT_278_NOT_STATED;
    decision_step(&t, &f);
    ln->overall.next_step = tdup(rd, &t);
  }
  rd->ln = NULL;
  return rd->status;
}

static int begin_event(reader *rd, const x12kit_node *loop)
{
  const x12kit_node *hl = x12kit_node_first_child(loop), *up = x12kit_node_parent(loop);

  rd->ev = vpush(rd->r, &rd->rv_events, sizeof *rd->ev);
  if (rd->ev == NULL)
    return nomem(rd);
  memset(&rd->eb, 0, sizeof rd->eb);
  decision_init(&rd->ev->decision);
  quantity_init(&rd->ev->quantity);
  party_init(&rd->ev->contact);
  summary_init(&rd->ev->overall);
  rd->ev->hl = rd->ev->request_trace = rd->ev->payer_trace = "";
  rd->ev->category = rd->ev->certification_type = rd->ev->service_type = "";
  rd->ev->place = rd->ev->level = rd->ev->valid_from = rd->ev->valid_to = "";
  rd->ev->dependent = up && strcmp(x12kit_node_id(up), "2000D") == 0;
  if (hl && x12kit_node_segment(hl) && strcmp(x12kit_node_id(hl), "HL") == 0) {
    rd->ev->segment = seg_pos(x12kit_node_segment(hl));
    rd->ev->hl = el(rd, x12kit_node_segment(hl), 1);
  }
  return rd->status;
}

/* "The payer decided each line separately (2 certified in total, 1 not certified)." */
static const char *lines_step(reader *rd, const x12kit_278_resp_line *lines, size_t n)
{
  static const x12kit_278_action order[] = {
    X12KIT_278_REJECTED, X12KIT_278_NOT_CERTIFIED, X12KIT_278_UNKNOWN,
    X12KIT_278_CONTACT_PAYER, X12KIT_278_PENDED, X12KIT_278_CANCELLED, X12KIT_278_PARTIAL,
    X12KIT_278_MODIFIED, X12KIT_278_CERTIFIED, X12KIT_278_NO_ACTION, X12KIT_278_NOT_STATED
  };
  text t;
  size_t i, j;
  int first = 1;

  memset(&t, 0, sizeof t);
  add(&t, "The payer decided each service line separately (");
  for (j = 0; j < sizeof order / sizeof order[0]; j++) {
    size_t count = 0;
    for (i = 0; i < n; i++)
      if (lines[i].overall.action == order[j])
        count++;
    if (count) {
      add(&t, "%s%zu %s", first ? "" : ", ", count, x12kit_278_action_name(order[j]));
      first = 0;
    }
  }
  add(&t, "). Follow the next step of each line.");
  return tdup(rd, &t);
}

static int end_event(reader *rd)
{
  x12kit_278_resp_event *ev = rd->ev;
  const x12kit_278_resp_trace *tr = rd->eb.traces.v;
  const x12kit_278_resp_line *worst = NULL;
  const x12kit_278_resp_date *aah;
  facts f;
  text t;
  size_t i;
  int decided_lines = 0, mixed = 0;

  ev->traces = rd->eb.traces.v;
  ev->ntraces = rd->eb.traces.n;
  ev->dates = rd->eb.dates.v;
  ev->ndates = rd->eb.dates.n;
  ev->refs = rd->eb.refs.v;
  ev->nrefs = rd->eb.refs.n;
  ev->paperwork = rd->eb.paperwork.v;
  ev->npaperwork = rd->eb.paperwork.n;
  ev->messages = rd->eb.messages.v;
  ev->nmessages = rd->eb.messages.n;
  ev->rejections = rd->eb.rejections.v;
  ev->nrejections = rd->eb.rejections.n;
  ev->providers = rd->eb.providers.v;
  ev->nproviders = rd->eb.providers.n;
  ev->lines = rd->eb.lines.v;
  ev->nlines = rd->eb.lines.n;
  for (i = 0; i < ev->ntraces; i++) {
    if (strcmp(tr[i].type, "2") == 0 && *ev->request_trace == '\0')
      ev->request_trace = tr[i].number;
    else if (strcmp(tr[i].type, "1") == 0 && *ev->payer_trace == '\0')
      ev->payer_trace = tr[i].number;
  }

  if (ev->decision.segment) {
    facts_init(&f);
    facts_from_decision(&f, &ev->decision);
    f.from = ev->valid_from;
    f.to = ev->valid_to;
    f.quantity = ev->quantity.text;
    aah = find_date(&rd->eb.dates, "AAH");
    f.start = aah ? aah->from : ev->valid_from;
    f.reference = first_ref(&rd->eb.refs);
    f.trace = ev->request_trace;
    f.call = call_whom(rd);
    f.pwk = rd->eb.paperwork.v;
    f.npwk = rd->eb.paperwork.n;
    f.updates = strcmp(rd->rv->type, "19") == 0;
    memset(&t, 0, sizeof t);
    decision_step(&t, &f);
    ev->decision.next_step = tdup(rd, &t);
  }

  for (i = 0; i < ev->nlines; i++) {
    const x12kit_278_resp_line *ln = &ev->lines[i];
    if (ln->overall.basis != X12KIT_278_BASIS_LINE &&
        ln->overall.basis != X12KIT_278_BASIS_REJECTION)
      continue;
    if (decided_lines && worst->overall.action != ln->overall.action)
      mixed = 1;
    decided_lines++;
    if (worst == NULL || x12kit_278_action_severity(ln->overall.action) >
                             x12kit_278_action_severity(worst->overall.action))
      worst = ln;
  }

  if (ev->nrejections) {
    summary_from_rejection(&ev->overall, &ev->rejections[0]);
  } else if (ev->decision.segment) {
    summary_from_decision(&ev->overall, &ev->decision, X12KIT_278_BASIS_EVENT, "2000E");
    ev->overall.next_step = ev->decision.next_step;
  } else if (worst) {
    ev->overall = worst->overall;
    ev->overall.basis = X12KIT_278_BASIS_LINES;
    if (mixed || ev->nlines > 1)
      ev->overall.next_step = lines_step(rd, ev->lines, ev->nlines);
  } else {
    facts_init(&f);
    ev->overall.action = X12KIT_278_NOT_STATED;
    ev->overall.text = x12kit_278_action_name(X12KIT_278_NOT_STATED);
    memset(&t, 0, sizeof t);
    if (rd->rv_rejections.n)
      add(&t, "No decision: the payer rejected the request before reviewing it. Follow the "
               "next step of the rejection, then send the request again.");
    else
      decision_step(&t, &f);
    ev->overall.next_step = tdup(rd, &t);
  }
  rd->ev = NULL;
  return rd->status;
}

/* ---- the walk ------------------------------------------------------------ */

static int is(const char *a, const char *b)
{
  return strcmp(a, b) == 0;
}

static int in_line(const char *loop)
{
  return is(loop, "2000F") || is(loop, "2010FA") || is(loop, "2010FB");
}

static int in_event(const char *loop)
{
  return is(loop, "2000E") || is(loop, "2010EA") || is(loop, "2010EB") || is(loop, "2010EC");
}

static int read_segment(reader *rd, const char *loop, const x12kit_node *n)
{
  const x12kit_segment *seg = x12kit_node_segment(n);
  const char *id = x12kit_node_id(n);
  x12kit_278_resp_review *rv = rd->rv;
  line_build *lb = rd->ln ? &rd->lb : NULL;
  event_build *eb = rd->ev ? &rd->eb : NULL;

  if (seg == NULL)
    return rd->status;
  if (is(id, "BHT")) {
    rv->reference = el(rd, seg, 3);
    rv->date = date_of(rd, x12kit_segment_element(seg, 4));
    rv->time = el(rd, seg, 5);
    rv->type = el(rd, seg, 6);
    return rd->status;
  }
  if (is(id, "AAA")) {
    if (rd->ln && in_line(loop))
      return read_rejection(rd, &rd->lb.rejections, loop, seg);
    if (rd->ev && in_event(loop))
      return read_rejection(rd, &rd->eb.rejections, loop, seg);
    return read_rejection(rd, &rd->rv_rejections, *loop ? loop : "2000A", seg);
  }
  if (rd->person)
    return read_person(rd, rd->person, loop, seg);
  if (rd->party) {
    if (is(id, "NM1"))
      return read_party_nm1(rd, rd->party, loop, seg);
    return read_party_seg(rd, rd->party, seg);
  }
  if (lb && is(loop, "2000F")) {
    if (is(id, "TRN"))
      return read_trace(rd, &lb->traces, seg);
    if (is(id, "HCR"))
      return read_decision(rd, &rd->ln->decision, seg);
    if (is(id, "REF"))
      return read_ref(rd, &lb->refs, seg);
    if (is(id, "DTP"))
      return read_date(rd, &lb->dates, seg);
    if (is(id, "SV1") || is(id, "SV2"))
      return read_service(rd, &rd->ln->service, seg);
    if (is(id, "HSD") && rd->ln->quantity.segment == 0)
      return read_quantity(rd, &rd->ln->quantity, seg);
    if (is(id, "PWK"))
      return read_paperwork(rd, &lb->paperwork, seg);
    if (is(id, "MSG"))
      return read_message(rd, &lb->messages, seg);
    return rd->status;
  }
  if (eb && is(loop, "2000E")) {
    x12kit_278_resp_event *ev = rd->ev;
    if (is(id, "TRN"))
      return read_trace(rd, &eb->traces, seg);
    if (is(id, "UM")) {
      ev->category = el(rd, seg, 1);
      ev->certification_type = el(rd, seg, 2);
      ev->service_type = el(rd, seg, 3);
      ev->place = comp(rd, seg, 4, 1);
      ev->level = el(rd, seg, 6);
      return rd->status;
    }
    if (is(id, "HCR"))
      return read_decision(rd, &ev->decision, seg);
    if (is(id, "REF"))
      return read_ref(rd, &eb->refs, seg);
    if (is(id, "DTP")) {
      if (read_date(rd, &eb->dates, seg))
        return rd->status;
      ev->valid_from = ev->valid_to = "";
      valid_dates(&eb->dates, "AAH", &ev->valid_from, &ev->valid_to);
      return rd->status;
    }
    if (is(id, "HSD") && ev->quantity.segment == 0)
      return read_quantity(rd, &ev->quantity, seg);
    if (is(id, "PWK"))
      return read_paperwork(rd, &eb->paperwork, seg);
    if (is(id, "MSG"))
      return read_message(rd, &eb->messages, seg);
  }
  return rd->status;
}

static int walk(reader *rd, const x12kit_node *n)
{
  const x12kit_node *c;
  const char *loop = x12kit_node_id(n);

  for (c = x12kit_node_first_child(n); c && rd->status == X12KIT_OK; c = x12kit_node_next(c)) {
    const char *id = x12kit_node_id(c);
    x12kit_278_resp_party *saved_party = rd->party;
    x12kit_278_resp_person *saved_person = rd->person;

    if (x12kit_node_kind_of(c) == X12KIT_NODE_SEGMENT) {
      read_segment(rd, loop, c);
      continue;
    }
    if (is(id, "2000E")) {
      if (rd->ev == NULL && begin_event(rd, c) == X12KIT_OK && walk(rd, c) == X12KIT_OK)
        end_event(rd);
      continue;
    }
    if (is(id, "2000F")) {
      if (rd->ev && rd->ln == NULL && begin_line(rd, c) == X12KIT_OK && walk(rd, c) == X12KIT_OK)
        end_line(rd);
      continue;
    }
    rd->party = NULL;
    rd->person = NULL;
    if (is(id, "2010A") && !*rd->rv->umo.loop) {
      rd->party = &rd->rv->umo;
    } else if (is(id, "2010B") && !*rd->rv->requester.loop) {
      rd->party = &rd->rv->requester;
    } else if (is(id, "2010C") && !*rd->rv->subscriber.loop) {
      rd->person = &rd->rv->subscriber;
    } else if (is(id, "2010D") && !*rd->rv->dependent.loop) {
      rd->person = &rd->rv->dependent;
    } else if (is(id, "2010EA") && rd->ev) {
      rd->party = vpush(rd->r, &rd->eb.providers, sizeof *rd->party);
      if (rd->party == NULL)
        return nomem(rd);
      party_init(rd->party);
    } else if (is(id, "2010EB") && rd->ev && !*rd->ev->contact.loop) {
      rd->party = &rd->ev->contact;
    } else if (is(id, "2010FA") && rd->ln) {
      rd->party = vpush(rd->r, &rd->lb.providers, sizeof *rd->party);
      if (rd->party == NULL)
        return nomem(rd);
      party_init(rd->party);
    } else if (is(id, "2010FB") && rd->ln && !*rd->ln->contact.loop) {
      rd->party = &rd->ln->contact;
    }
    walk(rd, c);
    rd->party = saved_party;
    rd->person = saved_person;
  }
  return rd->status;
}

static int read_review(reader *rd, unsigned long index, const x12kit_transaction_info *st,
                       const x12kit_node *root)
{
  x12kit_278_response *r = rd->r;
  x12kit_278_resp_review *rv;
  const x12kit_278_resp_event *worst = NULL;
  size_t i;

  if (r->nreviews == r->capreviews) {
    size_t cap = r->capreviews ? r->capreviews * 2 : 4;
    x12kit_278_resp_review *p = aalloc(r, cap * sizeof *p);
    if (p == NULL)
      return nomem(rd);
    if (r->nreviews)
      memcpy(p, r->reviews, r->nreviews * sizeof *p);
    r->reviews = p;
    r->capreviews = cap;
  }
  rv = &r->reviews[r->nreviews];
  memset(rv, 0, sizeof *rv);
  rv->transaction = index;
  rv->control = cdup(rd, st->control);
  rv->reference = rv->date = rv->time = rv->type = "";
  party_init(&rv->umo);
  party_init(&rv->requester);
  person_init(&rv->subscriber);
  person_init(&rv->dependent);
  summary_init(&rv->overall);
  rd->rv = rv;
  memset(&rd->rv_rejections, 0, sizeof rd->rv_rejections);
  memset(&rd->rv_events, 0, sizeof rd->rv_events);
  rd->ev = NULL;
  rd->ln = NULL;
  rd->party = NULL;
  rd->person = NULL;
  if (walk(rd, root))
    return rd->status;
  rv->rejections = rd->rv_rejections.v;
  rv->nrejections = rd->rv_rejections.n;
  rv->events = rd->rv_events.v;
  rv->nevents = rd->rv_events.n;
  for (i = 0; i < rv->nevents; i++)
    if (worst == NULL || x12kit_278_action_severity(rv->events[i].overall.action) >
                             x12kit_278_action_severity(worst->overall.action))
      worst = &rv->events[i];
  if (rv->nrejections) {
    summary_from_rejection(&rv->overall, &rv->rejections[0]);
  } else if (worst) {
    rv->overall = worst->overall;
  } else {
    rv->overall.action = X12KIT_278_NOT_STATED;
    rv->overall.text = x12kit_278_action_name(X12KIT_278_NOT_STATED);
    rv->overall.next_step = "The response states no decision. Call the payer to confirm the "
                            "status of the request before scheduling.";
  }
  r->nreviews++;
  return rd->status;
}

/* ---- reading ------------------------------------------------------------- */

static int on_finding(void *ud, const x12kit_error *e)
{
  reader *rd = ud;

  (void)e;
  rd->r->findings++;
  return 0;
}

static const x12kit_position *st_position(const x12kit_node *root)
{
  const x12kit_node *st = x12kit_node_find(root, "ST");

  return st && x12kit_node_segment(st) ? x12kit_segment_position(x12kit_node_segment(st)) : NULL;
}

static int on_transaction(void *ud, const x12kit_guide *g, const x12kit_transaction_info *st,
                          const x12kit_node *root)
{
  reader *rd = ud;
  unsigned long index = rd->ntx++;
  const x12kit_position *pos = st_position(root);
  other_kind kind;

  if (g && strcmp(x12kit_guide_id(g), "278-response") == 0) {
    if (strcmp(rd->cur_id, "SE") != 0 && !rd->truncated) {
      rd->truncated = 1;
      snprintf(rd->truncated_control, sizeof rd->truncated_control, "%s", st->control);
      if (pos)
        rd->truncated_pos = *pos;
    }
    return read_review(rd, index, st, root) != X12KIT_OK;
  }
  if (rd->other != OTHER_NONE)
    return 0;
  if (strcmp(st->id, "999") == 0) {
    kind = OTHER_999;
  } else if (strcmp(st->id, "271") == 0) {
    kind = OTHER_271;
  } else if (strcmp(st->id, "270") == 0) {
    kind = OTHER_270;
  } else if (strcmp(st->id, "278") == 0) {
    const x12kit_node *bht = x12kit_node_find(root, "BHT");
    x12kit_slice purpose = bht ? x12kit_node_element(bht, "BHT02") : (x12kit_slice){ "", 0 };
    kind = x12kit_slice_eq(purpose, "13") ? OTHER_278_REQUEST : OTHER_278_UNKNOWN;
  } else {
    kind = OTHER_SET;
  }
  rd->other = kind;
  snprintf(rd->other_set, sizeof rd->other_set, "%s", st->id);
  if (pos)
    rd->other_pos = *pos;
  return 0;
}

/* The message for input that holds no 278 response. */
static void not_a_response(const reader *rd, x12kit_error *err, unsigned long segments)
{
  static const char tail[] = ", not a 278 response";
  x12kit_error e;

  switch (rd->other) {
  case OTHER_999:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds a 999 implementation acknowledgment%s", tail);
    break;
  case OTHER_271:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds a 271 eligibility response%s", tail);
    break;
  case OTHER_270:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds a 270 eligibility inquiry%s", tail);
    break;
  case OTHER_278_REQUEST:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds a 278 request for review (BHT02 13)%s", tail);
    break;
  case OTHER_278_UNKNOWN:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds a 278 that is not a 005010X217 response (BHT02 11) "
                      "x12kit can read");
    break;
  case OTHER_SET:
    x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "the input holds transaction set %s%s", rd->other_set, tail);
    break;
  case OTHER_NONE:
  default:
    if (rd->saw_ta1)
      x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                        "the input holds a TA1 interchange acknowledgment%s", tail);
    else if (segments)
      x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                        "the input holds no transaction set%s", tail);
    else
      x12kitp_error_set(&e, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                        "the input is empty: no X12 interchange");
    break;
  }
  if (rd->other != OTHER_NONE) {
    e.pos = rd->other_pos;
    snprintf(e.segment_id, sizeof e.segment_id, "ST");
  }
  if (err)
    *err = e;
}

void x12kit_278_response_free(x12kit_278_response *r)
{
  x12kit_mem m;

  if (r == NULL)
    return;
  m = r->mem;
  x12kitp_arena_free(&r->arena);
  x12kitp_free(&m, r);
}

int x12kit_278_response_read(x12kit_278_response **out, const x12kit_schema *schema,
                             const char *data, size_t len, const x12kit_mem *mem,
                             x12kit_error *err)
{
  x12kit_mem m;
  x12kit_278_response *r;
  x12kit_lexer *lx = NULL;
  x12kit_validator *v = NULL;
  const x12kit_segment *seg;
  unsigned long segments = 0;
  reader rd;
  int rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (out)
    *out = NULL;
  if (out == NULL || schema == NULL || (data == NULL && len > 0))
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "x12kit_278_response_read: a required argument is NULL");
  x12kitp_mem_init(&m, mem);
  r = x12kitp_calloc(&m, sizeof *r);
  if (r == NULL)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  r->mem = m;
  x12kitp_arena_init(&r->arena, &r->mem, ARENA_MIN);
  memset(&rd, 0, sizeof rd);
  rd.r = r;
  rd.schema = schema;
  rd.cur_id = "";

  rc = x12kit_lexer_new(&lx, &m);
  if (rc == X12KIT_OK)
    rc = x12kit_validator_new(&v, schema, &m);
  if (rc != X12KIT_OK)
    goto done;
  x12kit_validator_set_callbacks(v, NULL, on_finding, on_transaction, &rd);
  rc = x12kit_lexer_feed(lx, data ? data : "", len);
  if (rc == X12KIT_OK)
    rc = x12kit_lexer_finish(lx);
  while (rc == X12KIT_OK && (rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
    segments++;
    rd.cur_id = x12kit_segment_id(seg);
    if (strcmp(rd.cur_id, "TA1") == 0)
      rd.saw_ta1 = 1;
    rc = x12kit_validator_segment(v, seg);
  }
  if (rc == X12KIT_END) {
    rd.cur_id = "";
    rc = x12kit_validator_finish(v);
  } else if (rc < 0 && rc != X12KIT_ERR_NOMEM && rc != X12KIT_ERR_ABORTED) {
    /* the lexer refused the input */
    const x12kit_error *le = x12kit_lexer_error(lx);
    int code = rc == X12KIT_ERR_TRUNCATED && segments > 0 ? X12KIT_ERR_TRUNCATED
                                                          : X12KIT_ERR_SYNTAX;
    if (err && le) {
      *err = *le;
      err->code = code;
      err->ack_kind = X12KIT_ACK_NONE;
      err->ack_code[0] = '\0';
      if (segments == 0)
        snprintf(err->text, sizeof err->text, "the input is not X12: %.170s", le->text);
    } else {
      x12kitp_fail(err, code, "the input is not X12");
    }
    rc = code;
    goto done;
  }
  if (rd.status != X12KIT_OK)
    rc = rd.status;
  if (rc != X12KIT_OK) {
    if (rc == X12KIT_ERR_ABORTED)
      rc = X12KIT_ERR_NOMEM;
    x12kitp_fail(err, rc, "%s", x12kit_strerror(rc));
    goto done;
  }
  if (r->nreviews == 0) {
    not_a_response(&rd, err, segments);
    rc = X12KIT_ERR_SYNTAX;
    goto done;
  }
  if (rd.truncated) {
    rc = x12kitp_fail(err, X12KIT_ERR_TRUNCATED,
                      "transaction 278 %s ends without its SE trailer: the response is cut short",
                      rd.truncated_control);
    if (err) {
      err->pos = rd.truncated_pos;
      snprintf(err->segment_id, sizeof err->segment_id, "ST");
    }
    goto done;
  }
  *out = r;
  r = NULL;

done:
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
  x12kit_278_response_free(r);
  return rc;
}

unsigned long x12kit_278_response_finding_count(const x12kit_278_response *r)
{
  return r ? r->findings : 0;
}

size_t x12kit_278_response_review_count(const x12kit_278_response *r)
{
  return r ? r->nreviews : 0;
}

const x12kit_278_resp_review *x12kit_278_response_review_at(const x12kit_278_response *r,
                                                            size_t i)
{
  return r && i < r->nreviews ? &r->reviews[i] : NULL;
}
