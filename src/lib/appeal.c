/*
 * x12kit - follow-ups of a 278 decision: appeal, revision, extension,
 * cancellation, and the appeal checklist.
 *
 * A follow-up is an ordinary 278 request (x12kit_278_request) filled from
 * the decision the payer sent, so it goes through x12kit_278_check like
 * any request built by hand: the map decides what is valid, not this
 * file.  What this file decides is which lines to repeat, which earlier
 * review to cite, and what to refuse before anything is written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <x12kit/appeal.h>

#define given x12kitp_given
#define bad x12kitp_bad

#define MAX_LINES 99
#define MAX_PROVIDERS 12
#define NAME_SIZE 64
#define PROC_SIZE 64

const char *x12kit_followup_name(x12kit_followup_kind kind)
{
  switch (kind) {
  case X12KIT_FOLLOWUP_APPEAL: return "appeal";
  case X12KIT_FOLLOWUP_REVISION: return "revision";
  case X12KIT_FOLLOWUP_EXTENSION: return "extension";
  case X12KIT_FOLLOWUP_CANCEL: return "cancellation";
  default: return "";
  }
}

/* ---- attachments ---- */

static const struct alias {
  const char *name, *code, *description;
} aliases[] = {
  { "lmn", "03", "LETTER OF MEDICAL NECESSITY" },
  { "records", "M1", "MEDICAL RECORDS" },
  { "progress", "09", "PROGRESS NOTES" },
  { "history", "P5", "TREATMENT HISTORY" },
  { "drugs", "04", "PRIOR MEDICATION TRIALS" },
  { "plan", "08", "PLAN OF TREATMENT" },
  { "scores", "RT", "STANDARDIZED SCORES" },
  { "evidence", "77", "PEER-REVIEWED EVIDENCE" },
};

static const struct alias *find_alias(const char *name)
{
  size_t i;

  for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp(name, aliases[i].name) == 0)
      return &aliases[i];
  return NULL;
}

const char *x12kit_appeal_alias_code(const char *name)
{
  const struct alias *a = name ? find_alias(name) : NULL;

  return a ? a->code : NULL;
}

int x12kit_appeal_attachment(const char *arg, x12kit_278_attachment *a, char *buf, size_t size)
{
  const struct alias *al;
  char *p, *q;

  if (arg == NULL || a == NULL || buf == NULL || strlen(arg) >= size)
    return X12KIT_ERR_ARG;
  memset(a, 0, sizeof *a);
  strcpy(buf, arg);
  if ((p = strchr(buf, ':')) == NULL || p == buf || p[1] == '\0' || p[1] == ':')
    return X12KIT_ERR_ARG;
  *p++ = '\0';
  a->type = buf;
  a->control = p;
  a->transmission = "FX";
  if ((q = strchr(p, ':')) != NULL) {
    *q++ = '\0';
    if (*q == '\0' || strchr(q, ':') != NULL)
      return X12KIT_ERR_ARG;
    a->transmission = q;
  }
  if ((al = find_alias(buf)) != NULL) {
    a->type = al->code;
    a->description = al->description;
  }
  return X12KIT_OK;
}

/* ---- dates: days since 1970-01-01 in the proleptic Gregorian calendar ---- */

static long days_from_civil(long y, unsigned m, unsigned d)
{
  long era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
  long era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* YYYY-MM-DD, a real date, into days; -1 on error (no real date maps there: 1969-12-31). */
static int to_days(const char *s, long *out)
{
  char d8[9];

  if (s == NULL || x12kitp_parse_date(s, 1, "date", d8, NULL) != X12KIT_OK)
    return -1;
  *out = days_from_civil((d8[0] - '0') * 1000L + (d8[1] - '0') * 100 + (d8[2] - '0') * 10 +
                           (d8[3] - '0'),
                         (unsigned)((d8[4] - '0') * 10 + (d8[5] - '0')),
                         (unsigned)((d8[6] - '0') * 10 + (d8[7] - '0')));
  return 0;
}

int x12kit_date_add_days(const char *date, long days, char out[11])
{
  long z, y;
  unsigned m, d;

  if (out)
    out[0] = '\0';
  if (out == NULL || to_days(date, &z) != 0 || days > 3650000L || days < -3650000L)
    return X12KIT_ERR_ARG;
  civil_from_days(z + days, &y, &m, &d);
  if (y < 1900 || y > 9999)
    return X12KIT_ERR_ARG;
  snprintf(out, 11, "%04ld-%02u-%02u", y, m, d);
  return X12KIT_OK;
}

int x12kit_date_diff(const char *from, const char *to, long *days)
{
  long a, b;

  if (days == NULL || to_days(from, &a) != 0 || to_days(to, &b) != 0)
    return X12KIT_ERR_ARG;
  *days = b - a;
  return X12KIT_OK;
}

/* ---- appeal windows ---- */

static int window_days(const char *s, size_t n, long *out)
{
  long v = 0;
  size_t i;

  if (n == 0 || n > 4)
    return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (v < 1 || v > X12KIT_APPEAL_WINDOW_MAX)
    return -1;
  *out = v;
  return 0;
}

int x12kit_appeal_window(const char *text, size_t len, const char *payer_id, long *days,
                         x12kit_error *err)
{
  long dflt = X12KIT_APPEAL_WINDOW_DEFAULT, found = 0, v;
  size_t pos = 0, line = 0;

  if (err)
    memset(err, 0, sizeof *err);
  if (days == NULL || (text == NULL && len > 0))
    return bad(err, "x12kit_appeal_window: no text or no result");
  while (pos < len) {
    const char *s = text + pos, *e = memchr(s, '\n', len - pos), *eq;
    size_t n = e ? (size_t)(e - s) : len - pos, kn, vn;
    const char *k, *val;

    pos += n + (e != NULL);
    line++;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
      n--;
    while (n > 0 && isspace((unsigned char)*s)) {
      s++;
      n--;
    }
    if (n == 0 || *s == '#')
      continue;
    eq = memchr(s, '=', n);
    if (eq == NULL || eq == s)
      goto malformed;
    k = s;
    kn = (size_t)(eq - s);
    while (kn > 0 && isspace((unsigned char)k[kn - 1]))
      kn--;
    val = eq + 1;
    vn = n - (size_t)(val - s);
    while (vn > 0 && isspace((unsigned char)*val)) {
      val++;
      vn--;
    }
    if (kn == 0 || window_days(val, vn, &v) != 0)
      goto malformed;
    if (kn == 7 && memcmp(k, "default", 7) == 0)
      dflt = v;
    else if (payer_id != NULL && strlen(payer_id) == kn && memcmp(k, payer_id, kn) == 0)
      found = v;
  }
  *days = found ? found : dflt;
  return X12KIT_OK;
malformed:
  if (err) {
    x12kitp_error_set(err, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, NULL,
                      "appeal window file: line %zu must be PAYER_ID = DAYS or default = DAYS "
                      "(DAYS 1 to %d), or a # comment",
                      line, X12KIT_APPEAL_WINDOW_MAX);
    err->pos.line = (unsigned long)line;
  }
  return X12KIT_ERR_SYNTAX;
}

/* ---- building a follow-up ---- */

/* What a request built from a decision points into. */
typedef struct store {
  x12kit_278_service lines[MAX_LINES];
  char procs[MAX_LINES][PROC_SIZE];
  x12kit_278_provider providers[MAX_PROVIDERS];
  char names[MAX_PROVIDERS][2][NAME_SIZE];
  char req_names[2][NAME_SIZE];
  char from[11], to[11];
} store;

/*
 * "LAST, FIRST" (how the reader writes a person) into |last| and |first|;
 * returns 1 for a person, 0 for an organization name.
 */
static int split_person(const char *name, char last[NAME_SIZE], char first[NAME_SIZE])
{
  const char *c = strstr(name, ", ");
  size_t n;

  if (c == NULL)
    return 0;
  n = (size_t)(c - name);
  if (n == 0 || n >= NAME_SIZE || strlen(c + 2) >= NAME_SIZE || c[2] == '\0')
    return 0;
  memcpy(last, name, n);
  last[n] = '\0';
  strcpy(first, c + 2);
  return 1;
}

static int line_denied(const x12kit_278_resp_line *l)
{
  switch (l->overall.action) {
  case X12KIT_278_NOT_CERTIFIED: case X12KIT_278_PARTIAL: case X12KIT_278_MODIFIED:
  case X12KIT_278_REJECTED:
    return 1;
  default:
    return 0;
  }
}

static int line_approved(const x12kit_278_resp_line *l)
{
  return l->overall.action == X12KIT_278_CERTIFIED || l->overall.action == X12KIT_278_PARTIAL ||
         l->overall.action == X12KIT_278_MODIFIED;
}

static int wanted(const x12kit_278_followup *f, const x12kit_278_resp_line *l)
{
  switch (f->kind) {
  case X12KIT_FOLLOWUP_APPEAL: return line_denied(l);
  case X12KIT_FOLLOWUP_REVISION: case X12KIT_FOLLOWUP_EXTENSION: return line_approved(l);
  default: return 1;
  }
}

/* The event's AAH period, else the dates its decision covers. */
static void event_period(const x12kit_278_resp_event *ev, const char **from, const char **to)
{
  size_t i;

  for (i = 0; i < ev->ndates; i++)
    if (strcmp(ev->dates[i].qualifier, "AAH") == 0 && ev->dates[i].from[0]) {
      *from = ev->dates[i].from;
      *to = ev->dates[i].to;
      return;
    }
  *from = ev->valid_from;
  *to = ev->valid_to;
  if ((*from)[0] == '\0' && (*to)[0] != '\0')
    *from = *to;
}

/* The earlier review's certification number: the event's HCR02, else a line's. */
static const char *certification_of(const x12kit_278_resp_event *ev)
{
  size_t i;

  if (ev->decision.certification[0])
    return ev->decision.certification;
  for (i = 0; i < ev->nlines; i++)
    if (ev->lines[i].decision.certification[0])
      return ev->lines[i].decision.certification;
  return "";
}

static const char *admin_reference_of(const x12kit_278_resp_event *ev)
{
  size_t i;

  for (i = 0; i < ev->nrefs; i++)
    if (strcmp(ev->refs[i].qualifier, "NT") == 0 && ev->refs[i].value[0])
      return ev->refs[i].value;
  return "";
}

static const char *pick(const char *mine, const char *theirs)
{
  return given(mine) ? mine : (given(theirs) ? theirs : NULL);
}

/* Refuses what cannot be followed up as asked; the words are for the clinic. */
static int check_followup(const x12kit_278_resp_review *rv, const x12kit_278_resp_event *ev,
                          const x12kit_278_followup *f, x12kit_error *err)
{
  x12kit_278_action a = ev->overall.action;
  size_t i, n = 0;

  if (rv->overall.action == X12KIT_278_REJECTED || a == X12KIT_278_REJECTED)
    return bad(err, "the payer rejected the request (AAA) without deciding it: correct what "
               "the rejection names and send a new request (x12kit auth explain says what)");
  switch (f->kind) {
  case X12KIT_FOLLOWUP_APPEAL:
    if (a == X12KIT_278_PENDED || a == X12KIT_278_NOT_STATED || a == X12KIT_278_CONTACT_PAYER)
      return bad(err, "the payer has not decided the request yet (%s): there is nothing to "
                 "appeal until it does", x12kit_278_action_name(a));
    for (i = 0; i < ev->nlines; i++)
      n += line_denied(&ev->lines[i]);
    if (n == 0 && a != X12KIT_278_NOT_CERTIFIED && a != X12KIT_278_PARTIAL &&
        a != X12KIT_278_MODIFIED)
      return bad(err, "the decision (%s) denied or cut back nothing: there is nothing to "
                 "appeal", x12kit_278_action_name(a));
    break;
  case X12KIT_FOLLOWUP_REVISION:
  case X12KIT_FOLLOWUP_EXTENSION:
    if (a != X12KIT_278_CERTIFIED && a != X12KIT_278_PARTIAL && a != X12KIT_278_MODIFIED)
      return bad(err, "a %s changes an approval, and this decision (%s) approved nothing: "
                 "%s", x12kit_followup_name(f->kind), x12kit_278_action_name(a),
                 a == X12KIT_278_NOT_CERTIFIED ? "appeal it instead (x12kit auth appeal)"
                                               : "wait for the payer's decision");
    break;
  case X12KIT_FOLLOWUP_CANCEL:
    if (a == X12KIT_278_CANCELLED)
      return bad(err, "the request is already cancelled");
    break;
  default:
    return bad(err, "unknown follow-up kind");
  }
  return X12KIT_OK;
}

/* Fills |r| from event |ev| of |rv| and |f|; strings point into |rv|, |f| and |s|. */
static int fill(const x12kit_278_resp_review *rv, const x12kit_278_resp_event *ev,
                const x12kit_278_followup *f, x12kit_278_request *r, store *s,
                x12kit_error *err)
{
  const x12kit_278_resp_person *patient = &rv->subscriber;
  const char *from, *to, *cert;
  size_t i, k, n = 0;

  memset(r, 0, sizeof *r);
  r->payer_name = pick(f->payer_name, rv->umo.name);
  r->payer_id = pick(f->payer_id, rv->umo.id);
  r->provider_npi = pick(f->provider_npi,
                         strcmp(rv->requester.id_qualifier, "XX") == 0 ? rv->requester.id : "");
  if (given(f->provider_name)) {
    r->provider_name = f->provider_name;
  } else if (split_person(rv->requester.name, s->req_names[0], s->req_names[1])) {
    r->provider_last = s->req_names[0];
    r->provider_first = s->req_names[1];
  } else {
    r->provider_name = pick(NULL, rv->requester.name);
  }
  if (strcmp(rv->requester.code, "FA") == 0)
    r->requester_code = "FA";
  if (!given(r->payer_id))
    return bad(err, "the decision has no payer ID (2010A NM109): give it (--payer-id)");
  if (!given(r->provider_npi))
    return bad(err, "the decision has no requester NPI (2010B NM109 with XX): give it "
               "(--npi)");

  r->member_id = pick(f->member_id, patient->member_id);
  r->last = pick(f->last, patient->last);
  r->first = pick(f->first, patient->first);
  r->dob = pick(f->dob, patient->dob);
  r->gender = pick(f->gender, patient->gender);
  if (!given(r->member_id))
    return bad(err, "the decision has no subscriber member ID (2010C NM109): give it "
               "(--member-id)");
  if (!given(r->first))
    return bad(err, "the decision has no subscriber first name (2010C NM104): give it "
               "(--first)");
  if (rv->dependent.loop[0]) {
    r->dependent_last = pick(NULL, rv->dependent.last);
    r->dependent_first = pick(NULL, rv->dependent.first);
    r->dependent_member_id = pick(NULL, rv->dependent.member_id);
    r->dependent_dob = pick(NULL, rv->dependent.dob);
    r->dependent_gender = pick(NULL, rv->dependent.gender);
    if (!given(r->dependent_dob))
      r->dependent_gender = NULL;
  }
  if (!given(r->dob))
    r->gender = NULL;

  /* the event: the decision's UM, but the follow-up's own certification type */
  r->request_category = pick(NULL, ev->category);
  switch (f->kind) {
  case X12KIT_FOLLOWUP_APPEAL: r->certification_type = f->immediate ? "1" : "2"; break;
  case X12KIT_FOLLOWUP_REVISION: r->certification_type = "S"; break;
  case X12KIT_FOLLOWUP_EXTENSION: r->certification_type = "4"; break;
  default: r->certification_type = "3"; break;
  }
  r->service_type = pick(NULL, ev->service_type);
  r->place_of_service = pick(NULL, ev->place);
  r->level_of_service = pick(NULL, ev->level);

  /* the earlier review: by its certification number, else by the payer's reference */
  cert = certification_of(ev);
  if (given(f->previous_auth) || given(f->previous_reference)) {
    r->previous_auth = pick(f->previous_auth, NULL);
    r->previous_reference = pick(f->previous_reference, NULL);
  } else if (cert[0]) {
    r->previous_auth = cert;
  } else if (admin_reference_of(ev)[0]) {
    r->previous_reference = admin_reference_of(ev);
  } else {
    return bad(err, "the decision carries neither a certification number (HCR02) nor the "
               "payer's reference (REF NT): give the number the payer gave you on the phone "
               "or letter (--previous-auth or --previous-reference)");
  }

  event_period(ev, &from, &to);
  if (given(f->from)) {
    r->from = f->from;
    r->to = pick(f->to, NULL);
  } else if (given(f->to)) {
    if (!from[0])
      return bad(err, "the decision states no period: give the start date too (--from)");
    r->from = from;
    r->to = f->to;
  } else {
    r->from = pick(NULL, from);
    r->to = pick(NULL, to);
  }
  r->diagnoses = f->diagnoses;
  r->ndiagnoses = f->ndiagnoses;
  r->attachments = f->attachments;
  r->nattachments = f->nattachments;
  r->note = f->note;

  for (i = 0; i < ev->nproviders && n < MAX_PROVIDERS; i++) {
    const x12kit_278_resp_party *p = &ev->providers[i];
    x12kit_278_provider *q = &s->providers[n];
    if (p->name[0] == '\0')
      continue;
    memset(q, 0, sizeof *q);
    q->entity_code = pick(NULL, p->code);
    if (split_person(p->name, s->names[n][0], s->names[n][1])) {
      q->last = s->names[n][0];
      q->first = s->names[n][1];
    } else {
      q->name = p->name;
    }
    if (strcmp(p->id_qualifier, "XX") == 0)
      q->npi = pick(NULL, p->id);
    q->taxonomy = pick(NULL, p->taxonomy);
    n++;
  }
  r->providers = s->providers;
  r->nproviders = n;

  /* the lines */
  n = 0;
  for (i = 0; i < ev->nlines; i++) {
    const x12kit_278_resp_line *l = &ev->lines[i];
    x12kit_278_service *q;
    int len;
    if (!wanted(f, l) || l->service.code[0] == '\0')
      continue;
    if (n == MAX_LINES)
      return bad(err, "the decision has more than %d service lines", MAX_LINES);
    q = &s->lines[n];
    memset(q, 0, sizeof *q);
    len = snprintf(s->procs[n], PROC_SIZE, "%s", l->service.code);
    for (k = 0; k < 4 && l->service.modifiers[k][0]; k++)
      len += snprintf(s->procs[n] + len, PROC_SIZE - (size_t)len, ":%s",
                      l->service.modifiers[k]);
    if (len >= PROC_SIZE)
      return bad(err, "service line %zu: the procedure and its modifiers are too long", i + 1);
    q->procedure = s->procs[n];
    q->description = pick(NULL, l->service.description);
    q->revenue_code = pick(NULL, l->service.revenue_code);
    q->units = pick(f->units, strcmp(l->service.unit, "UN") == 0 || l->service.unit[0] == '\0'
                                ? l->service.units : "");
    /* the line's own dates, when the period is the decision's and they lie inside it */
    if (!given(f->from) && !given(f->to)) {
      for (k = 0; k < l->ndates; k++)
        if (strcmp(l->dates[k].qualifier, "472") == 0 && l->dates[k].from[0]) {
          const char *lt = l->dates[k].to[0] ? l->dates[k].to : l->dates[k].from;
          const char *et = given(r->to) ? r->to : r->from;
          if (given(r->from) && strcmp(l->dates[k].from, r->from) >= 0 && strcmp(lt, et) <= 0) {
            q->from = l->dates[k].from;
            q->to = pick(NULL, l->dates[k].to);
          }
          break;
        }
    }
    n++;
  }
  if (n == 0 && f->kind != X12KIT_FOLLOWUP_CANCEL && ev->nlines > 0)
    return bad(err, "no service line of the decision can be repeated in the %s",
               x12kit_followup_name(f->kind));
  r->services = s->lines;
  r->nservices = n;

  r->reference = f->reference;
  r->trace = f->trace;
  r->trace_entity = f->trace_entity;
  r->sender_id = f->sender_id;
  r->receiver_id = f->receiver_id;
  r->usage = f->usage;
  r->control = f->control;
  r->date = f->date;
  r->time = f->time;
  return X12KIT_OK;
}

int x12kit_278_followup_write(const x12kit_278_resp_review *rv, const x12kit_278_followup *f,
                              const x12kit_schema *schema, x12kit_writer *w,
                              x12kit_error *err)
{
  x12kit_278_request r;
  x12kit_mem m;
  store *s;
  int rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (rv == NULL || f == NULL || w == NULL)
    return bad(err, "x12kit_278_followup_write: no decision, follow-up or writer");
  if (rv->overall.action == X12KIT_278_REJECTED && rv->nevents == 0)
    return bad(err, "the payer rejected the request (AAA) without deciding it: correct what "
               "the rejection names and send a new request (x12kit auth explain says what)");
  if (f->event >= rv->nevents)
    return bad(err, "the response holds %zu request%s (2000E): there is no request %zu",
               rv->nevents, rv->nevents == 1 ? "" : "s", f->event + 1);
  rc = check_followup(rv, &rv->events[f->event], f, err);
  if (rc != X12KIT_OK)
    return rc;
  /* the store is large (99 lines): on the heap, not the caller's stack */
  x12kitp_mem_init(&m, NULL);
  s = x12kitp_calloc(&m, sizeof *s);
  if (s == NULL) {
    if (err)
      x12kitp_error_set(err, X12KIT_ERR_NOMEM, X12KIT_ACK_NONE, NULL, "out of memory");
    return X12KIT_ERR_NOMEM;
  }
  rc = fill(rv, &rv->events[f->event], f, &r, s, err);
  if (rc == X12KIT_OK)
    rc = x12kit_278_write(&r, schema, w, err);
  x12kitp_free(&m, s);
  return rc;
}

/* ---- the checklist ---- */

/* |hay| holds |needle|, ignoring case. */
static int has(const char *hay, const char *needle)
{
  size_t n = strlen(needle), i, k;

  for (i = 0; hay[i]; i++) {
    for (k = 0; k < n && hay[i + k]; k++)
      if (toupper((unsigned char)hay[i + k]) != toupper((unsigned char)needle[k]))
        break;
    if (k == n)
      return 1;
  }
  return 0;
}

static void add_reason(x12kit_appeal_checklist *c, const char *source, const char *code,
                       const char *text)
{
  if (c->nreasons < X12KIT_CHECKLIST_MAX) {
    c->reasons[c->nreasons].source = source;
    c->reasons[c->nreasons].code = code;
    c->reasons[c->nreasons].text = text;
    c->nreasons++;
  }
}

static void add_doc(x12kit_appeal_checklist *c, const char *alias, const char *code,
                    const char *text, const char *why)
{
  size_t i;

  for (i = 0; i < c->ndocuments; i++)
    if (strcmp(c->documents[i].code, code) == 0 && strcmp(c->documents[i].text, text) == 0)
      return;
  if (c->ndocuments < X12KIT_CHECKLIST_MAX) {
    c->documents[c->ndocuments].alias = alias;
    c->documents[c->ndocuments].code = code;
    c->documents[c->ndocuments].text = text;
    c->documents[c->ndocuments].why = why;
    c->ndocuments++;
  }
}

/* All the payer's notes of the event and its lines, looked at one by one. */
static int notes_have(const x12kit_278_resp_event *ev, const char *const *words, size_t n)
{
  size_t i, k, j;

  for (j = 0; j < n; j++) {
    for (i = 0; i < ev->nmessages; i++)
      if (has(ev->messages[i], words[j]))
        return 1;
    for (k = 0; k < ev->nlines; k++)
      for (i = 0; i < ev->lines[k].nmessages; i++)
        if (has(ev->lines[k].messages[i], words[j]))
          return 1;
  }
  return 0;
}

#define NOTES_HAVE(ev, ...)                                                                    \
  notes_have((ev), (const char *const[]){ __VA_ARGS__ },                                      \
             sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static void documents_for(const x12kit_278_resp_event *ev, x12kit_appeal_checklist *c)
{
  int necessity = NOTES_HAVE(ev, "NECESS", "CRITERIA", "NOT MEDICALLY");
  int experimental = NOTES_HAVE(ev, "EXPERIMENTAL", "INVESTIGATIONAL", "UNPROVEN");
  int trials = NOTES_HAVE(ev, "TRIAL", "ANTIDEPRESSANT", "FAILED", "STEP THERAPY",
                          "TREATMENT-RESISTANT", "TREATMENT RESISTANT");
  int therapy = NOTES_HAVE(ev, "PSYCHOTHERAPY", "THERAPY", "CBT", "COUNSEL");
  int scores = NOTES_HAVE(ev, "PHQ", "MADRS", "HAM-D", "HAMD", "SCORE", "SEVERITY");
  int cut = c->action == X12KIT_278_PARTIAL || c->action == X12KIT_278_MODIFIED;
  size_t i;

  /* what the payer itself asked for comes first */
  for (i = 0; i < ev->npaperwork; i++) {
    const x12kit_278_resp_paperwork *p = &ev->paperwork[i];
    add_doc(c, p->type, p->type, p->description[0] ? p->description : p->type_text,
            "the payer asked for it (PWK)");
  }
  add_doc(c, "lmn", "03",
          "a letter of medical necessity from the treating prescriber that answers the "
          "stated reason point by point",
          "every appeal; payers overturn most often when this answers their reason");
  if (necessity || trials || c->action == X12KIT_278_NOT_CERTIFIED) {
    add_doc(c, "drugs", "04",
            "records of at least two failed antidepressant trials: drug, dose, dates, "
            "duration and why each was stopped",
            "medical necessity: treatment-resistant depression is shown by failed trials");
  }
  if (necessity || therapy || c->action == X12KIT_278_NOT_CERTIFIED)
    add_doc(c, "records", "M1",
            "records of psychotherapy tried (type, dates, number of sessions, outcome)",
            "medical necessity: most policies ask for an adequate trial of psychotherapy");
  if (necessity || scores || cut || c->action == X12KIT_278_NOT_CERTIFIED)
    add_doc(c, "scores", "RT",
            "standardized scores (PHQ-9, MADRS or HAM-D) before treatment and, for more "
            "sessions, after the sessions given",
            cut ? "fewer sessions approved: scores show the response that justifies more"
                : "severity: payers' criteria are written in these scores");
  if (experimental)
    add_doc(c, "evidence", "77",
            "peer-reviewed evidence for the treatment (published trials, guideline "
            "statements) and, for esketamine, its FDA approval",
            "called experimental or investigational");
  if (cut)
    add_doc(c, "plan", "08",
            "the plan of treatment: sessions, frequency and the measures that decide "
            "whether to continue",
            "fewer sessions or a shorter period approved than asked");
}

static const char *aaa_text(const x12kit_278_resp_rejection *r)
{
  return r->reason_text;
}

static void reasons_for(const x12kit_278_resp_event *ev, x12kit_appeal_checklist *c)
{
  size_t i, k;

  if (ev->decision.reason[0])
    add_reason(c, "HCR03", ev->decision.reason, ev->decision.reason_text);
  for (k = 0; k < ev->nlines; k++) {
    const x12kit_278_resp_decision *d = &ev->lines[k].decision;
    int dup = 0;
    if (!d->reason[0])
      continue;
    for (i = 0; i < c->nreasons; i++)
      if (strcmp(c->reasons[i].source, "HCR03") == 0 && strcmp(c->reasons[i].code, d->reason) == 0)
        dup = 1;
    if (!dup)
      add_reason(c, "HCR03", d->reason, d->reason_text);
  }
  for (i = 0; i < ev->nrejections; i++)
    add_reason(c, "AAA", ev->rejections[i].reason, aaa_text(&ev->rejections[i]));
  for (k = 0; k < ev->nlines; k++)
    for (i = 0; i < ev->lines[k].nrejections; i++)
      add_reason(c, "AAA", ev->lines[k].rejections[i].reason,
                 aaa_text(&ev->lines[k].rejections[i]));
  for (i = 0; i < ev->nmessages; i++)
    add_reason(c, "MSG", "", ev->messages[i]);
  for (k = 0; k < ev->nlines; k++)
    for (i = 0; i < ev->lines[k].nmessages; i++)
      add_reason(c, "MSG", "", ev->lines[k].messages[i]);
}

/* The certification issue date (DTP 102) of the event, else of a line; "" when none. */
static const char *issue_date(const x12kit_278_resp_event *ev)
{
  size_t i, k;

  for (i = 0; i < ev->ndates; i++)
    if (strcmp(ev->dates[i].qualifier, "102") == 0 && ev->dates[i].from[0])
      return ev->dates[i].from;
  for (k = 0; k < ev->nlines; k++)
    for (i = 0; i < ev->lines[k].ndates; i++)
      if (strcmp(ev->lines[k].dates[i].qualifier, "102") == 0 && ev->lines[k].dates[i].from[0])
        return ev->lines[k].dates[i].from;
  return "";
}

int x12kit_appeal_checklist_make(const x12kit_278_resp_review *rv, size_t event,
                                 const char *decided, long window, x12kit_appeal_checklist *c,
                                 x12kit_error *err)
{
  const x12kit_278_resp_event *ev;
  const char *d;
  size_t i;

  if (err)
    memset(err, 0, sizeof *err);
  if (rv == NULL || c == NULL)
    return bad(err, "x12kit_appeal_checklist_make: no decision or no checklist");
  memset(c, 0, sizeof *c);
  if (event >= rv->nevents)
    return bad(err, "the response holds %zu request%s (2000E): there is no request %zu",
               rv->nevents, rv->nevents == 1 ? "" : "s", event + 1);
  if (window < 1 || window > X12KIT_APPEAL_WINDOW_MAX)
    return bad(err, "the appeal window must be 1 to %d days", X12KIT_APPEAL_WINDOW_MAX);
  ev = &rv->events[event];
  c->action = ev->overall.action;
  c->window = window;
  for (i = 0; i < ev->nlines; i++)
    c->appealable |= line_denied(&ev->lines[i]);
  c->appealable |= c->action == X12KIT_278_NOT_CERTIFIED || c->action == X12KIT_278_PARTIAL ||
                   c->action == X12KIT_278_MODIFIED;
  reasons_for(ev, c);
  if (c->appealable)
    documents_for(ev, c);
  c->peer = NOTES_HAVE(ev, "PEER TO PEER", "PEER-TO-PEER", "P2P", "PEER REVIEW")
              ? X12KIT_PEER_OFFERED : X12KIT_PEER_UNKNOWN;
  c->payer_phone = ev->contact.phone[0] ? ev->contact.phone : rv->umo.phone;

  if (given(decided)) {
    if (x12kit_date_add_days(decided, 0, c->decided) != X12KIT_OK)
      return bad(err, "the decision date must be a real date, YYYY-MM-DD");
    c->decided_source = "given";
  } else if ((d = issue_date(ev))[0] && x12kit_date_add_days(d, 0, c->decided) == X12KIT_OK) {
    c->decided_source = "DTP 102";
  } else if (x12kit_date_add_days(rv->date, 0, c->decided) == X12KIT_OK) {
    c->decided_source = "BHT04";
  } else {
    c->decided[0] = '\0';
    c->decided_source = "";
  }
  if (c->decided[0] && x12kit_date_add_days(c->decided, window, c->deadline) != X12KIT_OK)
    c->deadline[0] = '\0';
  return X12KIT_OK;
}
