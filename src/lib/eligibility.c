/*
 * x12kit - 270 eligibility inquiry builder (005010X279A1).
 *
 * Every input is checked first (x12kit_270_check), so a bad request
 * never leaves half an interchange in the writer.  Messages name the
 * field, never its value: the values are patients' data.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define CONTROL_MAX 999999999ul
#define MAX_EQ 99
#define MAX_MODIFIERS 4

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
  return c >= 'A' && c <= 'Z';
}

static int is_alnum(char c)
{
  return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}

static int given(const char *s)
{
  return s != NULL && *s != '\0';
}

static int bad(x12kit_error *err, const char *fmt, ...) X12KITP_PRINTF(2, 3);

static int bad(x12kit_error *err, const char *fmt, ...)
{
  va_list ap;

  if (err) {
    va_start(ap, fmt);
    x12kitp_error_vset(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL, fmt, ap);
    va_end(ap);
  }
  return X12KIT_ERR_ARG;
}

/*
 * A free-text value: |min|..|max| printable ASCII characters, none of
 * them one of the standard delimiters (X12 has no escape).
 */
static int check_text(const char *s, const char *field, size_t min, size_t max,
                      x12kit_error *err)
{
  size_t n, i;

  if (!given(s))
    return bad(err, "%s is missing", field);
  n = strlen(s);
  if (n < min || n > max) {
    if (min == max)
      return bad(err, "%s must be %zu characters long, not %zu", field, min, n);
    return bad(err, "%s must be %zu to %zu characters long, not %zu", field, min, max, n);
  }
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == '*' || c == '^' || c == ':' || c == '~')
      return bad(err, "%s contains a delimiter character (* ^ : ~) at position %zu", field,
                 i + 1);
    if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
      return bad(err, "%s contains a character that is not printable ASCII at position %zu",
                 field, i + 1);
  }
  return X12KIT_OK;
}

/* The NPI rule: 10 digits, the last a Luhn check digit over "80840" + the first 9. */
static int check_npi(const char *s, const char *field, x12kit_error *err)
{
  static const char prefix[] = "80840";
  char digits[15];
  size_t i, n;
  int sum = 0;

  if (!given(s))
    return bad(err, "%s is missing", field);
  n = strlen(s);
  for (i = 0; i < n; i++)
    if (!is_digit(s[i]))
      return bad(err, "%s must be 10 digits; position %zu is not a digit", field, i + 1);
  if (n != 10)
    return bad(err, "%s must be 10 digits, not %zu", field, n);
  memcpy(digits, prefix, 5);
  memcpy(digits + 5, s, 9);
  /* Luhn over 14 digits: double every other digit from the right (the first one). */
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
    return bad(err, "%s check digit is wrong (Luhn check over 80840 and its first 9 digits)",
               field);
  return X12KIT_OK;
}



/* Reads a calendar date, YYYY-MM-DD (|dashes|) or CCYYMMDD, into "CCYYMMDD". */
static int parse_date(const char *s, int dashes, const char *field, char out[9],
                      x12kit_error *err)
{
  const char *form = dashes ? "YYYY-MM-DD" : "CCYYMMDD";
  size_t want = dashes ? 10 : 8, i, k;
  int y, m, d;

  if (!given(s))
    return bad(err, "%s is missing", field);
  if (strlen(s) != want)
    return bad(err, "%s must be a date written %s", field, form);
  for (i = k = 0; i < want; i++) {
    if (dashes && (i == 4 || i == 7)) {
      if (s[i] != '-')
        return bad(err, "%s must be a date written %s", field, form);
      continue;
    }
    if (!is_digit(s[i]))
      return bad(err, "%s must be a date written %s", field, form);
    out[k++] = s[i];
  }
  out[k] = '\0';
  y = (out[0] - '0') * 1000 + (out[1] - '0') * 100 + (out[2] - '0') * 10 + (out[3] - '0');
  m = (out[4] - '0') * 10 + (out[5] - '0');
  d = (out[6] - '0') * 10 + (out[7] - '0');
  if (y == 0)
    return bad(err, "%s is not a real date: the year is 0000", field);
  if (m < 1 || m > 12)
    return bad(err, "%s is not a real date: the month is not 01 to 12", field);
  if (d < 1 || d > (int)x12kitp_days_in_month((unsigned)y, (unsigned)m))
    return bad(err, "%s is not a real date: that month has no such day", field);
  return X12KIT_OK;
}

static int parse_time(const char *s, const char *field, char out[5], x12kit_error *err)
{
  size_t i;

  if (!given(s) || strlen(s) != 4)
    return bad(err, "%s must be a time written HHMM", field);
  for (i = 0; i < 4; i++)
    if (!is_digit(s[i]))
      return bad(err, "%s must be a time written HHMM", field);
  if ((s[0] - '0') * 10 + (s[1] - '0') > 23 || (s[2] - '0') * 10 + (s[3] - '0') > 59)
    return bad(err, "%s is not a real time of day", field);
  memcpy(out, s, 5);
  return X12KIT_OK;
}

/* A service type code: 1-2 letters or digits, and in list 1365 when a schema is given. */
static int check_service_type(const char *s, size_t i, const x12kit_schema *schema,
                              x12kit_error *err)
{
  size_t n = s ? strlen(s) : 0;

  if (n < 1 || n > 2 || !is_alnum(s[0]) || (n == 2 && !is_alnum(s[1])))
    return bad(err, "service type %zu must be 1 or 2 letters or digits", i + 1);
  if (schema != NULL && x12kit_schema_code(schema, "1365", s) == NULL)
    return bad(err, "service type %zu is not a code of list 1365 (Service Type Code)", i + 1);
  return X12KIT_OK;
}

/*
 * A procedure: CPT (5 digits, or 4 digits and F or T for categories II
 * and III) or HCPCS level II (a letter and 4 digits), then up to four
 * modifiers of 2 letters or digits, each after ':'.
 */
static int check_procedure(const char *s, size_t i, x12kit_error *err)
{
  const char *p;
  size_t k, mods = 0;
  int ok;

  if (!given(s))
    return bad(err, "procedure %zu is empty", i + 1);
  for (k = 0; k < 5 && s[k] && s[k] != ':'; k++)
    ;
  ok = k == 5 && (s[5] == '\0' || s[5] == ':');
  if (ok) {
    ok = is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]);
    ok = ok && ((is_digit(s[0]) && (is_digit(s[4]) || s[4] == 'F' || s[4] == 'T')) ||
                (is_upper(s[0]) && is_digit(s[4])));
  }
  if (!ok)
    return bad(err, "procedure %zu must be a CPT code (5 digits) or a HCPCS code (a capital "
               "letter and 4 digits)", i + 1);
  for (p = s + 5; *p == ':'; p += 3) {
    if (++mods > MAX_MODIFIERS)
      return bad(err, "procedure %zu has more than %d modifiers", i + 1, MAX_MODIFIERS);
    if (!is_alnum(p[1]) || !is_alnum(p[2]) || (p[3] != '\0' && p[3] != ':'))
      return bad(err, "procedure %zu modifier %zu must be 2 letters or digits", i + 1, mods);
  }
  return X12KIT_OK;
}

static int check_id_qualifier(const char *s, const char *field, x12kit_error *err)
{
  if (!given(s))
    return X12KIT_OK;
  if (strlen(s) != 2 || !is_alnum(s[0]) || !is_alnum(s[1]))
    return bad(err, "%s must be 2 letters or digits", field);
  return X12KIT_OK;
}

int x12kit_270_check(const x12kit_270_request *r, const x12kit_schema *schema,
                     x12kit_error *err)
{
  char dob[9], from[9], to[9], dt[9], tm[5];
  size_t i;
  int rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (r == NULL)
    return bad(err, "no request");

#define TRY(call)                                                                             \
  do {                                                                                        \
    if ((rc = (call)) != X12KIT_OK)                                                           \
      return rc;                                                                              \
  } while (0)

  TRY(check_text(r->payer_name, "payer name", 1, 60, err));
  TRY(check_text(r->payer_id, "payer ID", 2, 80, err));

  if (given(r->provider_name)) {
    if (given(r->provider_last) || given(r->provider_first))
      return bad(err, "give either the provider organization name or the provider last and "
                 "first name, not both");
    TRY(check_text(r->provider_name, "provider name", 1, 60, err));
  } else if (given(r->provider_last)) {
    TRY(check_text(r->provider_last, "provider last name", 1, 60, err));
    if (given(r->provider_first))
      TRY(check_text(r->provider_first, "provider first name", 1, 35, err));
  } else {
    return bad(err, "provider name is missing (an organization name, or a last name)");
  }
  TRY(check_npi(r->provider_npi, "provider NPI", err));

  TRY(check_text(r->member_id, "member ID", 2, 80, err));
  TRY(check_text(r->last, "subscriber last name", 1, 60, err));
  TRY(check_text(r->first, "subscriber first name", 1, 35, err));

  if (given(r->gender)) {
    if (strcmp(r->gender, "F") != 0 && strcmp(r->gender, "M") != 0 &&
        strcmp(r->gender, "U") != 0)
      return bad(err, "gender must be F, M or U");
    if (!given(r->dob))
      return bad(err, "gender needs the date of birth");
  }
  if (given(r->dob))
    TRY(parse_date(r->dob, 1, "date of birth", dob, err));
  if (given(r->service_date_end) && !given(r->service_date))
    return bad(err, "service end date needs the service date");
  if (given(r->service_date)) {
    TRY(parse_date(r->service_date, 1, "service date", from, err));
    if (given(r->dob) && strcmp(dob, from) > 0)
      return bad(err, "date of birth is after the service date");
    if (given(r->service_date_end)) {
      TRY(parse_date(r->service_date_end, 1, "service end date", to, err));
      if (strcmp(from, to) > 0)
        return bad(err, "service end date is before the service date");
    }
  }

  if (given(r->reference))
    TRY(check_text(r->reference, "reference (BHT03)", 1, 50, err));
  if (given(r->trace))
    TRY(check_text(r->trace, "trace number (TRN02)", 1, 50, err));
  if (given(r->trace_entity)) {
    TRY(check_text(r->trace_entity, "trace entity (TRN03)", 10, 10, err));
    for (i = 0; i < 10; i++)
      if (!is_alnum(r->trace_entity[i]))
        return bad(err, "trace entity (TRN03) must be letters and digits");
  }

  if (r->nservice_types > 0 && r->service_types == NULL)
    return bad(err, "service types: count without a list");
  if (r->nprocedures > 0 && r->procedures == NULL)
    return bad(err, "procedures: count without a list");
  if (r->nservice_types > MAX_EQ || r->nprocedures > MAX_EQ ||
      r->nservice_types + r->nprocedures > MAX_EQ)
    return bad(err, "at most %d inquiries (service types and procedures together)", MAX_EQ);
  for (i = 0; i < r->nservice_types; i++)
    TRY(check_service_type(r->service_types[i], i, schema, err));
  for (i = 0; i < r->nprocedures; i++)
    TRY(check_procedure(r->procedures[i], i, err));

  if (given(r->sender_id))
    TRY(check_text(r->sender_id, "sender ID", 2, 15, err));
  if (given(r->receiver_id))
    TRY(check_text(r->receiver_id, "receiver ID", 2, 15, err));
  else if (strlen(r->payer_id) > 15)
    return bad(err, "receiver ID is needed: the payer ID is longer than the 15 characters "
               "of ISA08");
  TRY(check_id_qualifier(r->sender_qualifier, "sender qualifier (ISA05)", err));
  TRY(check_id_qualifier(r->receiver_qualifier, "receiver qualifier (ISA07)", err));
  if (r->usage != 0 && r->usage != 'T' && r->usage != 'P')
    return bad(err, "usage must be T (test) or P (production)");
  if (r->control < 1 || r->control > CONTROL_MAX)
    return bad(err, "control number must be 1 to 999999999");
  if (given(r->date) != given(r->time))
    return bad(err, "creation date and time must be given together");
  if (given(r->date)) {
    TRY(parse_date(r->date, 0, "creation date", dt, err));
    TRY(parse_time(r->time, "creation time", tm, err));
  }
#undef TRY
  return X12KIT_OK;
}

/* ---- writing ---- */

typedef struct out {
  x12kit_writer *w;
  int rc;
} out;

/* One segment of |n| simple elements; NULL or "" is an empty element. */
static void seg(out *o, const char *id, const char *const *v, size_t n)
{
  size_t i;

  if (o->rc != X12KIT_OK)
    return;
  o->rc = x12kit_writer_begin(o->w, id);
  for (i = 0; i < n && o->rc == X12KIT_OK; i++)
    o->rc = x12kit_writer_element(o->w, v[i]);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end(o->w);
}

#define SEG(o, id, ...)                                                                       \
  do {                                                                                        \
    const char *const seg_v_[] = { __VA_ARGS__ };                                             \
    seg((o), (id), seg_v_, sizeof seg_v_ / sizeof seg_v_[0]);                                 \
  } while (0)

/* "YYYY-MM-DD" to "CCYYMMDD" (already checked). */
static void compact_date(const char *s, char d[9])
{
  memcpy(d, s, 4);
  memcpy(d + 4, s + 5, 2);
  memcpy(d + 6, s + 8, 2);
  d[8] = '\0';
}

/* EQ**HC:code[:modifier...] for a checked procedure. */
static void write_procedure(out *o, const char *p)
{
  char part[6];
  size_t n;

  if (o->rc != X12KIT_OK)
    return;
  o->rc = x12kit_writer_begin(o->w, "EQ");
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_element(o->w, NULL);
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_element(o->w, "HC");
  while (o->rc == X12KIT_OK && *p) {
    n = strcspn(p, ":");
    if (n >= sizeof part)
      n = sizeof part - 1;
    memcpy(part, p, n);
    part[n] = '\0';
    o->rc = x12kit_writer_component(o->w, part);
    p += n;
    if (*p == ':')
      p++;
  }
  if (o->rc == X12KIT_OK)
    o->rc = x12kit_writer_end(o->w);
}

int x12kit_270_write(const x12kit_270_request *r, const x12kit_schema *schema,
                     x12kit_writer *w, x12kit_error *err)
{
  static const char *const default_stc[] = { "30" };
  const char *const *stc;
  size_t nstc, i;
  x12kit_isa_fields isa;
  x12kit_gs_fields gs;
  char date[9], time8[5], isa_date[7], ref[20], entity[11], d1[9], d2[9];
  char range[18];
  const char *reference, *sender, *receiver;
  out o;
  int rc;

  rc = x12kit_270_check(r, schema, err);
  if (rc != X12KIT_OK)
    return rc;
  if (w == NULL)
    return bad(err, "no writer");

  if (given(r->date)) {
    memcpy(date, r->date, 9);
    memcpy(time8, r->time, 5);
  } else {
    time_t now = time(NULL);
    struct tm tmv;
    if (now == (time_t)-1 || gmtime_r(&now, &tmv) == NULL ||
        strftime(date, sizeof date, "%Y%m%d", &tmv) != 8 ||
        strftime(time8, sizeof time8, "%H%M", &tmv) != 4)
      return bad(err, "cannot read the clock for the creation date");
  }
  memcpy(isa_date, date + 2, 6);
  isa_date[6] = '\0';
  snprintf(ref, sizeof ref, "X12KIT%lu", r->control);
  reference = given(r->reference) ? r->reference : ref;
  sender = given(r->sender_id) ? r->sender_id : r->provider_npi;
  receiver = given(r->receiver_id) ? r->receiver_id : r->payer_id;
  if (given(r->trace_entity)) {
    memcpy(entity, r->trace_entity, 11);
  } else {
    entity[0] = '9';
    memcpy(entity + 1, r->provider_npi, 9);
    entity[10] = '\0';
  }
  if (r->nservice_types == 0 && r->nprocedures == 0) {
    stc = default_stc;
    nstc = 1;
  } else {
    stc = r->service_types;
    nstc = r->nservice_types;
  }

  memset(&isa, 0, sizeof isa);
  isa.sender_qualifier = r->sender_qualifier;
  isa.sender_id = sender;
  isa.receiver_qualifier = r->receiver_qualifier;
  isa.receiver_id = receiver;
  isa.date = isa_date;
  isa.time = time8;
  isa.control = r->control;
  isa.ack_requested = r->ack_requested ? 1 : 0;
  isa.usage = r->usage ? r->usage : 'P';
  memset(&gs, 0, sizeof gs);
  gs.functional_id = "HS";
  gs.sender = sender;
  gs.receiver = receiver;
  gs.date = date;
  gs.time = time8;
  gs.control = r->control;
  gs.version = "005010X279A1";

  o.w = w;
  o.rc = x12kit_writer_interchange(w, &isa);
  if (o.rc == X12KIT_OK)
    o.rc = x12kit_writer_group(w, &gs);
  if (o.rc == X12KIT_OK)
    o.rc = x12kit_writer_transaction(w, "270", NULL, NULL);
  SEG(&o, "BHT", "0022", "13", reference, date, time8);
  SEG(&o, "HL", "1", "", "20", "1");
  SEG(&o, "NM1", "PR", "2", r->payer_name, "", "", "", "", "PI", r->payer_id);
  SEG(&o, "HL", "2", "1", "21", "1");
  if (given(r->provider_name))
    SEG(&o, "NM1", "1P", "2", r->provider_name, "", "", "", "", "XX", r->provider_npi);
  else
    SEG(&o, "NM1", "1P", "1", r->provider_last, r->provider_first, "", "", "", "XX",
        r->provider_npi);
  SEG(&o, "HL", "3", "2", "22", "0");
  SEG(&o, "TRN", "1", given(r->trace) ? r->trace : reference, entity);
  SEG(&o, "NM1", "IL", "1", r->last, r->first, "", "", "", "MI", r->member_id);
  if (given(r->dob)) {
    compact_date(r->dob, d1);
    SEG(&o, "DMG", "D8", d1, r->gender);
  }
  if (given(r->service_date)) {
    compact_date(r->service_date, d1);
    if (given(r->service_date_end)) {
      compact_date(r->service_date_end, d2);
      snprintf(range, sizeof range, "%s-%s", d1, d2);
      SEG(&o, "DTP", "291", "RD8", range);
    } else {
      SEG(&o, "DTP", "291", "D8", d1);
    }
  }
  for (i = 0; i < nstc; i++)
    SEG(&o, "EQ", stc[i]);
  for (i = 0; i < r->nprocedures; i++)
    write_procedure(&o, r->procedures[i]);
  if (o.rc == X12KIT_OK)
    o.rc = x12kit_writer_end_transaction(w);
  if (o.rc == X12KIT_OK)
    o.rc = x12kit_writer_end_group(w);
  if (o.rc == X12KIT_OK)
    o.rc = x12kit_writer_end_interchange(w);
  if (o.rc != X12KIT_OK && err) {
    const x12kit_error *we = x12kit_writer_error(w);
    if (we)
      *err = *we;
    else
      x12kitp_error_set(err, o.rc, X12KIT_ACK_NONE, NULL, "%s", x12kit_strerror(o.rc));
  }
  return o.rc;
}
