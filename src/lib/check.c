/*
 * x12kit - what the transaction builders (eligibility.c, auth.c) share:
 * input checks, their envelope and the segments they write alike.
 *
 * Every check names the field it looks at in its message, never the
 * value: the values are patients' and providers' data.  Each returns
 * X12KIT_OK, or X12KIT_ERR_ARG with |err| (may be NULL) filled.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "guide.h"

#define MAX_MODIFIERS 4

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
  return c >= 'A' && c <= 'Z';
}

int x12kitp_is_alnum(char c)
{
  return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

int x12kitp_given(const char *s)
{
  return s != NULL && *s != '\0';
}

int x12kitp_bad(x12kit_error *err, const char *fmt, ...)
{
  va_list ap;

  if (err) {
    va_start(ap, fmt);
    x12kitp_error_vset(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL, fmt, ap);
    va_end(ap);
  }
  return X12KIT_ERR_ARG;
}

int x12kitp_check_text(const char *s, const char *field, size_t min, size_t max,
                       x12kit_error *err)
{
  size_t n, i;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  n = strlen(s);
  if (n < min || n > max) {
    if (min == max)
      return x12kitp_bad(err, "%s must be %zu characters long, not %zu", field, min, n);
    return x12kitp_bad(err, "%s must be %zu to %zu characters long, not %zu", field, min, max,
                       n);
  }
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '*' || c == '^' || c == ':' || c == '~')
      return x12kitp_bad(err, "%s contains a delimiter character (* ^ : ~) at position %zu",
                         field, i + 1);
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
      return x12kitp_bad(err,
                         "%s contains a character that is not printable ASCII at position %zu",
                         field, i + 1);
  }
  return X12KIT_OK;
}

int x12kitp_check_npi(const char *s, const char *field, x12kit_error *err)
{
  static const char prefix[] = "80840";
  char digits[15];
  size_t i, n;
  int sum = 0;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  n = strlen(s);
  for (i = 0; i < n; i++)
    if (!is_digit(s[i]))
      return x12kitp_bad(err, "%s must be 10 digits; position %zu is not a digit", field,
                         i + 1);
  if (n != 10)
    return x12kitp_bad(err, "%s must be 10 digits, not %zu", field, n);
  memcpy(digits, prefix, 5);
  memcpy(digits + 5, s, 9);
  /* Luhn over 14 digits: double every other digit from the right, starting with the last. */
  for (i = 0; i < 14; i++) {
    int d = digits[13 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
  }
  if ((10 - sum % 10) % 10 != s[9] - '0')
    return x12kitp_bad(err,
                       "%s check digit is wrong (Luhn check over 80840 and its first 9 digits)",
                       field);
  return X12KIT_OK;
}

int x12kitp_parse_date(const char *s, int dashes, const char *field, char out[9],
                       x12kit_error *err)
{
  const char *form = dashes ? "YYYY-MM-DD" : "CCYYMMDD";
  size_t want = dashes ? 10 : 8, i, k;
  int y, m, d;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  if (strlen(s) != want)
    return x12kitp_bad(err, "%s must be a date written %s", field, form);
  for (i = k = 0; i < want; i++) {
    if (dashes && (i == 4 || i == 7)) {
      if (s[i] != '-')
        return x12kitp_bad(err, "%s must be a date written %s", field, form);
      continue;
    }
    if (!is_digit(s[i]))
      return x12kitp_bad(err, "%s must be a date written %s", field, form);
    out[k++] = s[i];
  }
  out[k] = '\0';
  y = (out[0] - '0') * 1000 + (out[1] - '0') * 100 + (out[2] - '0') * 10 + (out[3] - '0');
  m = (out[4] - '0') * 10 + (out[5] - '0');
  d = (out[6] - '0') * 10 + (out[7] - '0');
  if (y == 0)
    return x12kitp_bad(err, "%s is not a real date: the year is 0000", field);
  if (m < 1 || m > 12)
    return x12kitp_bad(err, "%s is not a real date: the month is not 01 to 12", field);
  if (d < 1 || d > (int)x12kitp_days_in_month((unsigned)y, (unsigned)m))
    return x12kitp_bad(err, "%s is not a real date: that month has no such day", field);
  return X12KIT_OK;
}

int x12kitp_parse_time(const char *s, const char *field, char out[5], x12kit_error *err)
{
  size_t i;

  if (!x12kitp_given(s) || strlen(s) != 4)
    return x12kitp_bad(err, "%s must be a time written HHMM", field);
  for (i = 0; i < 4; i++)
    if (!is_digit(s[i]))
      return x12kitp_bad(err, "%s must be a time written HHMM", field);
  if ((s[0] - '0') * 10 + (s[1] - '0') > 23 || (s[2] - '0') * 10 + (s[3] - '0') > 59)
    return x12kitp_bad(err, "%s is not a real time of day", field);
  memcpy(out, s, 5);
  return X12KIT_OK;
}

int x12kitp_check_procedure(const char *s, const char *field, x12kit_error *err)
{
  const char *p;
  size_t k, mods = 0;
  int ok;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  for (k = 0; k < 5 && s[k] && s[k] != ':'; k++)
    ;
  ok = k == 5 && (s[5] == '\0' || s[5] == ':');
  if (ok) {
    ok = is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]);
    ok = ok && ((is_digit(s[0]) && (is_digit(s[4]) || s[4] == 'F' || s[4] == 'T')) ||
                (is_upper(s[0]) && is_digit(s[4])));
  }
  if (!ok)
    return x12kitp_bad(err, "%s must be a CPT code (5 digits) or a HCPCS code (a capital "
                       "letter and 4 digits)", field);
  for (p = s + 5; *p == ':'; p += 3) {
    if (++mods > MAX_MODIFIERS)
      return x12kitp_bad(err, "%s has more than %d modifiers", field, MAX_MODIFIERS);
    if (!x12kitp_is_alnum(p[1]) || !x12kitp_is_alnum(p[2]) || (p[3] != '\0' && p[3] != ':'))
      return x12kitp_bad(err, "%s modifier %zu must be 2 letters or digits", field, mods);
  }
  return X12KIT_OK;
}

int x12kitp_check_icd10(const char *s, const char *field, char out[8], x12kit_error *err)
{
  static const char rule[] = "must be an ICD-10-CM code: a capital letter, a digit, a capital "
                             "letter or digit, then up to 4 more after a dot";
  size_t i, k = 0, n, tail;
  const char *dot;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  n = strlen(s);
  if (n < 3 || !is_upper(s[0]) || !is_digit(s[1]) || !(is_upper(s[2]) || is_digit(s[2])))
    return x12kitp_bad(err, "%s %s", field, rule);
  dot = strchr(s, '.');
  if (dot != NULL && dot != s + 3)
    return x12kitp_bad(err, "%s %s", field, rule);
  tail = dot ? n - 4 : n - 3;
  if (tail > 4 || (dot != NULL && tail == 0))
    return x12kitp_bad(err, "%s %s", field, rule);
  for (i = 0; i < n; i++) {
    if (s + i == dot)
      continue;
    if (!is_upper(s[i]) && !is_digit(s[i]))
      return x12kitp_bad(err, "%s %s", field, rule);
    out[k++] = s[i];
  }
  out[k] = '\0';
  return X12KIT_OK;
}

int x12kitp_check_whole(const char *s, const char *field, unsigned long min, unsigned long max,
                        unsigned long *out, x12kit_error *err)
{
  unsigned long v = 0;
  size_t i;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  for (i = 0; s[i]; i++) {
    if (!is_digit(s[i]) || i >= 9)
      return x12kitp_bad(err, "%s must be a whole number from %lu to %lu", field, min, max);
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  if (v < min || v > max)
    return x12kitp_bad(err, "%s must be a whole number from %lu to %lu", field, min, max);
  if (out)
    *out = v;
  return X12KIT_OK;
}

int x12kitp_check_amount(const char *s, const char *field, x12kit_error *err)
{
  size_t i, whole = 0, frac = 0;
  int dot = 0, nonzero = 0;

  if (!x12kitp_given(s))
    return x12kitp_bad(err, "%s is missing", field);
  for (i = 0; s[i]; i++) {
    if (s[i] == '.' && !dot) {
      dot = 1;
      continue;
    }
    if (!is_digit(s[i]))
      return x12kitp_bad(err, "%s must be an amount in dollars such as 150 or 150.00", field);
    if (s[i] != '0')
      nonzero = 1;
    if (dot)
      frac++;
    else
      whole++;
  }
  if (whole < 1 || whole > 10 || (dot && (frac < 1 || frac > 2)))
    return x12kitp_bad(err, "%s must be an amount in dollars such as 150 or 150.00", field);
  if (!nonzero)
    return x12kitp_bad(err, "%s must be more than zero", field);
  return X12KIT_OK;
}

int x12kitp_check_id_qualifier(const char *s, const char *field, x12kit_error *err)
{
  if (!x12kitp_given(s))
    return X12KIT_OK;
  if (strlen(s) != 2 || !x12kitp_is_alnum(s[0]) || !x12kitp_is_alnum(s[1]))
    return x12kitp_bad(err, "%s must be 2 letters or digits", field);
  return X12KIT_OK;
}

int x12kitp_now(char date[9], char time4[5])
{
  time_t now = time(NULL);
  struct tm tmv;

  if (now == (time_t)-1 || gmtime_r(&now, &tmv) == NULL ||
      strftime(date, 9, "%Y%m%d", &tmv) != 8 || strftime(time4, 5, "%H%M", &tmv) != 4)
    return X12KIT_ERR_IO;
  return X12KIT_OK;
}

int x12kitp_check_party(const char *org, const char *last, const char *first, const char *who,
                        x12kit_error *err)
{
  char f[96];
  int rc;

  if (x12kitp_given(org)) {
    if (x12kitp_given(last) || x12kitp_given(first))
      return x12kitp_bad(err, "give either the %s organization name or the %s last and first "
                         "name, not both", who, who);
    snprintf(f, sizeof f, "%s name", who);
    return x12kitp_check_text(org, f, 1, 60, err);
  }
  if (!x12kitp_given(last))
    return x12kitp_bad(err, "%s name is missing (an organization name, or a last name)", who);
  snprintf(f, sizeof f, "%s last name", who);
  if ((rc = x12kitp_check_text(last, f, 1, 60, err)) != X12KIT_OK)
    return rc;
  if (x12kitp_given(first)) {
    snprintf(f, sizeof f, "%s first name", who);
    return x12kitp_check_text(first, f, 1, 35, err);
  }
  return X12KIT_OK;
}

/* ---- the envelope ---- */

#define TRY(call)                                                                             \
  do {                                                                                        \
    int try_rc_ = (call);                                                                     \
    if (try_rc_ != X12KIT_OK)                                                                 \
      return try_rc_;                                                                         \
  } while (0)

int x12kitp_check_envelope(const x12kitp_envelope *e, x12kit_error *err)
{
  char dt[9], tm[5];
  size_t i;

  if (x12kitp_given(e->reference))
    TRY(x12kitp_check_text(e->reference, "reference (BHT03)", 1, 50, err));
  if (x12kitp_given(e->trace_entity)) {
    TRY(x12kitp_check_text(e->trace_entity, "trace entity (TRN03)", 10, 10, err));
    for (i = 0; i < 10; i++)
      if (!x12kitp_is_alnum(e->trace_entity[i]))
        return x12kitp_bad(err, "trace entity (TRN03) must be letters and digits");
  }
  if (x12kitp_given(e->sender_id))
    TRY(x12kitp_check_text(e->sender_id, "sender ID", 2, 15, err));
  if (x12kitp_given(e->receiver_id))
    TRY(x12kitp_check_text(e->receiver_id, "receiver ID", 2, 15, err));
  else if (strlen(e->payer_id) > 15)
    return x12kitp_bad(err, "receiver ID is needed: the payer ID is longer than the 15 "
                       "characters of ISA08");
  TRY(x12kitp_check_id_qualifier(e->sender_qualifier, "sender qualifier (ISA05)", err));
  TRY(x12kitp_check_id_qualifier(e->receiver_qualifier, "receiver qualifier (ISA07)", err));
  if (e->usage != 0 && e->usage != 'T' && e->usage != 'P')
    return x12kitp_bad(err, "usage must be T (test) or P (production)");
  if (e->control < 1 || e->control > X12KIT_CONTROL_MAX)
    return x12kitp_bad(err, "control number must be 1 to 999999999");
  if (x12kitp_given(e->date) != x12kitp_given(e->time))
    return x12kitp_bad(err, "creation date and time must be given together");
  if (x12kitp_given(e->date)) {
    TRY(x12kitp_parse_date(e->date, 0, "creation date", dt, err));
    TRY(x12kitp_parse_time(e->time, "creation time", tm, err));
  }
  return X12KIT_OK;
}

#undef TRY

const char *x12kitp_reference(const x12kitp_envelope *e, char buf[24])
{
  if (x12kitp_given(e->reference))
    return e->reference;
  snprintf(buf, 24, "X12KIT%lu", e->control);
  return buf;
}

const char *x12kitp_trace_entity(const x12kitp_envelope *e, char buf[11])
{
  if (x12kitp_given(e->trace_entity))
    return e->trace_entity;
  buf[0] = '9';
  memcpy(buf + 1, e->provider_npi, 9);
  buf[10] = '\0';
  return buf;
}

/* ---- writing ---- */

void x12kitp_out_begin(x12kitp_out *o, const char *id)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_begin(o->w, id);
}

void x12kitp_out_element(x12kitp_out *o, const char *v)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_element(o->w, v);
}

void x12kitp_out_component(x12kitp_out *o, const char *v)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_component(o->w, v);
}

void x12kitp_out_repetition(x12kitp_out *o, const char *v)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_repetition(o->w, v);
}

void x12kitp_out_end(x12kitp_out *o)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end(o->w);
}

void x12kitp_out_segment(x12kitp_out *o, const char *id, const char *const *v, size_t n)
{
  size_t i;

  x12kitp_out_begin(o, id);
  for (i = 0; i < n; i++)
    x12kitp_out_element(o, v[i]);
  x12kitp_out_end(o);
}

void x12kitp_out_hl(x12kitp_out *o, unsigned long id, unsigned long parent, const char *level,
                    int children)
{
  char a[24], b[24];

  snprintf(a, sizeof a, "%lu", id);
  b[0] = '\0';
  if (parent > 0)
    snprintf(b, sizeof b, "%lu", parent);
  X12KITP_SEG(o, "HL", a, b, level, children ? "1" : "0");
}

void x12kitp_out_nm1(x12kitp_out *o, const char *code, const char *org, const char *last,
                     const char *first, const char *qualifier, const char *id)
{
  const char *q = x12kitp_given(id) ? qualifier : "";

  if (x12kitp_given(org))
    X12KITP_SEG(o, "NM1", code, "2", org, "", "", "", "", q, id);
  else
    X12KITP_SEG(o, "NM1", code, "1", last, first, "", "", "", q, id);
}

void x12kitp_out_per(x12kitp_out *o, const char *name, const char *phone, const char *ext,
                     const char *fax, const char *email, const char *url)
{
  static const char *const qual[] = { "TE", "EX", "FX", "EM", "UR" };
  const char *num[5];
  size_t i;

  num[0] = phone;
  num[1] = ext;
  num[2] = fax;
  num[3] = email;
  num[4] = url;
  for (i = 0; i < 5 && !x12kitp_given(num[i]); i++)
    ;
  if (i == 5 && !x12kitp_given(name))
    return;
  x12kitp_out_begin(o, "PER");
  x12kitp_out_element(o, "IC");
  x12kitp_out_element(o, name);
  for (i = 0; i < 5; i++) {
    if (x12kitp_given(num[i])) {
      x12kitp_out_element(o, qual[i]);
      x12kitp_out_element(o, num[i]);
    }
  }
  x12kitp_out_end(o);
}

void x12kitp_out_dmg(x12kitp_out *o, const char *dob, const char *gender)
{
  char d[9];

  if (!x12kitp_given(dob))
    return;
  (void)x12kitp_parse_date(dob, 1, "date of birth", d, NULL);
  X12KITP_SEG(o, "DMG", "D8", d, gender);
}

void x12kitp_out_procedure(x12kitp_out *o, const char *p, const char *description)
{
  char part[6];
  size_t n, ncomp = 1;

  x12kitp_out_element(o, "HC");
  while (*p) {
    n = strcspn(p, ":");
    if (n >= sizeof part)
      n = sizeof part - 1;
    memcpy(part, p, n);
    part[n] = '\0';
    x12kitp_out_component(o, part);
    ncomp++;
    p += n;
    if (*p == ':')
      p++;
  }
  if (x12kitp_given(description)) {
    for (; ncomp < 6; ncomp++)
      x12kitp_out_component(o, NULL);
    x12kitp_out_component(o, description);
  }
}

/* |o| has failed: the writer's error in |err|, or the status's text. */
static int out_failed(const x12kitp_out *o, x12kit_error *err)
{
  const x12kit_error *we;

  if (err) {
    we = x12kit_writer_error(o->w);
    if (we)
      *err = *we;
    else
      x12kitp_error_set(err, o->rc, X12KIT_ACK_NONE, NULL, "%s", x12kit_strerror(o->rc));
  }
  return o->rc;
}

int x12kitp_envelope_open(x12kitp_out *o, const x12kitp_envelope *e, x12kit_error *err)
{
  x12kit_isa_fields isa;
  x12kit_gs_fields gs;
  char date[9], time4[5], isa_date[7], ref[24];
  const char *sender, *receiver;

  if (x12kitp_given(e->date)) {
    memcpy(date, e->date, 9);
    memcpy(time4, e->time, 5);
  } else if (x12kitp_now(date, time4) != X12KIT_OK) {
    return x12kitp_bad(err, "cannot read the clock for the creation date");
  }
  memcpy(isa_date, date + 2, 7);
  sender = x12kitp_given(e->sender_id) ? e->sender_id : e->provider_npi;
  receiver = x12kitp_given(e->receiver_id) ? e->receiver_id : e->payer_id;

  memset(&isa, 0, sizeof isa);
  isa.sender_qualifier = e->sender_qualifier;
  isa.sender_id = sender;
  isa.receiver_qualifier = e->receiver_qualifier;
  isa.receiver_id = receiver;
  isa.date = isa_date;
  isa.time = time4;
  isa.control = e->control;
  isa.ack_requested = e->ack_requested ? 1 : 0;
  isa.usage = e->usage ? e->usage : 'P';
  memset(&gs, 0, sizeof gs);
  gs.functional_id = e->functional_id;
  gs.sender = sender;
  gs.receiver = receiver;
  gs.date = date;
  gs.time = time4;
  gs.control = e->control;
  gs.version = e->version;

  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_interchange(o->w, &isa);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_group(o->w, &gs);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_transaction(o->w, e->transaction, NULL, NULL);
  X12KITP_SEG(o, "BHT", e->structure, "13", x12kitp_reference(e, ref), date, time4);
  return o->rc == X12KIT_OK ? X12KIT_OK : out_failed(o, err);
}

int x12kitp_envelope_close(x12kitp_out *o, x12kit_error *err)
{
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_transaction(o->w);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_group(o->w);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end_interchange(o->w);
  return o->rc == X12KIT_OK ? X12KIT_OK : out_failed(o, err);
}

/* ---- schema lookups ---- */

const x12kitp_loopdef *x12kitp_find_loop(const x12kitp_loopdef *l, const char *id)
{
  size_t i;

  if (strcmp(l->id, id) == 0)
    return l;
  for (i = 0; i < l->nchild; i++) {
    if (l->children[i].loop != NULL) {
      const x12kitp_loopdef *f = x12kitp_find_loop(l->children[i].loop, id);
      if (f != NULL)
        return f;
    }
  }
  return NULL;
}

const x12kitp_elem *x12kitp_map_elem(const x12kit_guide *g, const char *loop, const char *seg,
                                     unsigned pos)
{
  const x12kitp_loopdef *l;
  size_t i;

  if (g == NULL || (l = x12kitp_find_loop(&g->root, loop)) == NULL)
    return NULL;
  for (i = 0; i < l->nchild; i++) {
    const x12kitp_segdef *sd = l->children[i].seg;
    if (sd == NULL || strcmp(sd->id, seg) != 0)
      continue;
    if (pos > sd->maxpos)
      return NULL;
    return sd->by_pos[pos];
  }
  return NULL;
}
