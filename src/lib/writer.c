/*
 * x12kit - X12 writer.
 *
 * Segments are assembled in |buf| and trimmed as they close: an element
 * ends at its last non-empty component or repetition, a segment at its
 * last non-empty element.  Bytes are handed to the write callback when
 * more than FLUSH_AT are waiting and on x12kit_writer_flush(), never in
 * the middle of a segment.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FLUSH_AT (64u * 1024u)
#define CONTROL_MAX 999999999ul

struct x12kit_writer {
  x12kit_mem mem;
  x12kit_write_fn fn;
  void *user_data;
  x12kit_delimiters d;
  char eol[3];
  size_t eol_len;

  char *buf;
  size_t len, cap;

  /* segment being built */
  int in_seg;
  char seg_id[4];
  unsigned elem_no;           /* elements written so far */
  unsigned comp_no;           /* component within the current element */
  size_t seg_start;           /* where the segment starts in buf */
  size_t seg_trim;            /* end of the last non-empty element */
  size_t elem_start;          /* first byte of the current element */
  size_t elem_trim;           /* end of its last non-empty component */

  /* envelopes */
  int in_isa, in_gs, in_st;
  char isa13[10];
  unsigned long groups;
  char gs06[12];
  char gs08[16];
  unsigned long transactions;
  unsigned long next_st;
  char st02[10];
  unsigned long st_segments;

  int has_err;
  x12kit_error err;
};

static int werr(x12kit_writer *w, int code, const char *fmt, ...) X12KITP_PRINTF(3, 4);

static int werr(x12kit_writer *w, int code, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  x12kitp_error_vset(&w->err, code, X12KIT_ACK_NONE, NULL, fmt, ap);
  va_end(ap);
  snprintf(w->err.segment_id, sizeof w->err.segment_id, "%s", w->in_seg ? w->seg_id : "");
  w->err.element = w->in_seg ? w->elem_no : 0;
  w->err.component = w->in_seg && w->comp_no > 1 ? w->comp_no : 0;
  w->has_err = 1;
  return code;
}

int x12kit_writer_new(x12kit_writer **out, x12kit_write_fn fn, void *user_data,
                      const x12kit_delimiters *delims, const x12kit_mem *mem)
{
  static const x12kit_delimiters std = { '*', '^', ':', '~' };
  x12kit_mem m;
  x12kit_writer *w;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  if (fn == NULL)
    return X12KIT_ERR_ARG;
  if (delims == NULL)
    delims = &std;
  if (x12kit_delimiters_check(delims) != X12KIT_OK)
    return X12KIT_ERR_DELIMITER;
  x12kitp_mem_init(&m, mem);
  w = x12kitp_calloc(&m, sizeof *w);
  if (w == NULL)
    return X12KIT_ERR_NOMEM;
  w->mem = m;
  w->fn = fn;
  w->user_data = user_data;
  w->d = *delims;
  *out = w;
  return X12KIT_OK;
}

void x12kit_writer_free(x12kit_writer *w)
{
  if (w == NULL)
    return;
  x12kitp_free(&w->mem, w->buf);
  x12kitp_free(&w->mem, w);
}

int x12kit_writer_set_delimiters(x12kit_writer *w, const x12kit_delimiters *delims)
{
  if (w == NULL || delims == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (w->in_isa || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "delimiters change only between interchanges");
  if (x12kit_delimiters_check(delims) != X12KIT_OK)
    return werr(w, X12KIT_ERR_DELIMITER, "the delimiters repeat one another or are letters, "
                                         "digits or spaces");
  if (w->eol_len && (delims->segment == '\n' || delims->segment == '\r'))
    return werr(w, X12KIT_ERR_STATE, "a line-break terminator cannot be used with a line end");
  w->d = *delims;
  return X12KIT_OK;
}

int x12kit_writer_set_line_end(x12kit_writer *w, const char *eol)
{
  if (w == NULL || eol == NULL)
    return X12KIT_ERR_ARG;
  if (strcmp(eol, "") != 0 && strcmp(eol, "\n") != 0 && strcmp(eol, "\r\n") != 0)
    return X12KIT_ERR_ARG;
  /* a newline terminator already ends the line */
  if (*eol && (w->d.segment == '\n' || w->d.segment == '\r'))
    return X12KIT_ERR_ARG;
  w->eol_len = strlen(eol);
  memcpy(w->eol, eol, w->eol_len + 1);
  return X12KIT_OK;
}

const x12kit_error *x12kit_writer_error(const x12kit_writer *w)
{
  return w && w->has_err ? &w->err : NULL;
}

unsigned long x12kit_writer_transaction_segments(const x12kit_writer *w)
{
  return w->in_st ? w->st_segments : 0;
}

static int reserve(x12kit_writer *w, size_t more)
{
  size_t need = w->len + more, cap;
  char *p;

  if (need <= w->cap)
    return X12KIT_OK;
  cap = w->cap ? w->cap : FLUSH_AT + 1024;
  while (cap < need)
    cap *= 2;
  p = x12kitp_realloc(&w->mem, w->buf, cap);
  if (p == NULL)
    return werr(w, X12KIT_ERR_NOMEM, "out of memory");
  w->buf = p;
  w->cap = cap;
  return X12KIT_OK;
}

int x12kit_writer_flush(x12kit_writer *w)
{
  size_t n;

  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  n = w->in_seg ? w->seg_start : w->len;
  if (n == 0)
    return X12KIT_OK;
  if (w->fn(w->user_data, w->buf, n) != 0)
    return werr(w, X12KIT_ERR_IO, "the write callback failed");
  memmove(w->buf, w->buf + n, w->len - n);
  w->len -= n;
  if (w->in_seg) {
    w->seg_start -= n;
    w->seg_trim -= n;
    w->elem_start -= n;
    w->elem_trim -= n;
  }
  return X12KIT_OK;
}

/* A delimiter as printable text: '*', or CR, LF, or 0x1D for control bytes. */
static const char *show_char(char c, char buf[8])
{
  unsigned char u = (unsigned char)c;

  if (c == '\r')
    return "CR";
  if (c == '\n')
    return "LF";
  if (u < 0x20 || u >= 0x7f)
    snprintf(buf, 8, "0x%02X", u);
  else
    snprintf(buf, 8, "'%c'", c);
  return buf;
}

/*
 * Refuses a value holding one of the four delimiters.  |field| names the
 * value ("ISA06"); NULL means the element being built.
 */
static int check_value(x12kit_writer *w, const char *field, const char *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    char c = v[i], shown[8], name[16];
    if (c == w->d.element || c == w->d.repetition || c == w->d.component || c == w->d.segment) {
      const char *what = c == w->d.element ? "element separator"
                         : c == w->d.repetition ? "repetition separator"
                         : c == w->d.component ? "component separator" : "segment terminator";
      if (field == NULL) {
        snprintf(name, sizeof name, "%s%02u", w->seg_id, w->elem_no);
        field = name;
      }
      return werr(w, X12KIT_ERR_DATA, "%s holds the %s %s, which X12 cannot carry inside a value",
                  field, what, show_char(c, shown));
    }
  }
  return X12KIT_OK;
}

/* Abandons the segment being built after a failure. */
static int drop_segment(x12kit_writer *w, int rc)
{
  if (w->in_seg) {
    w->len = w->seg_start;
    w->in_seg = 0;
  }
  return rc;
}

static void close_element(x12kit_writer *w)
{
  w->len = w->elem_trim;
  if (w->elem_trim > w->elem_start)
    w->seg_trim = w->elem_trim;
}

/* Appends |sep| and a value to the current element, or opens a new one. */
static int add(x12kit_writer *w, char sep, const char *v, size_t n)
{
  int rc;

  if (!w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "no segment is open (call x12kit_writer_begin first)");
  if (sep == w->d.element) {
    if (w->elem_no > 0)
      close_element(w);
    w->elem_no++;
    w->comp_no = 1;
  } else {
    if (w->elem_no == 0)
      return drop_segment(w, werr(w, X12KIT_ERR_STATE,
                                  "a component or repetition needs an element first"));
    w->comp_no = sep == w->d.component ? w->comp_no + 1 : 1;
  }
  if ((rc = check_value(w, NULL, v, n)) != 0 || (rc = reserve(w, n + 1)) != 0)
    return drop_segment(w, rc);
  w->buf[w->len++] = sep;
  if (sep == w->d.element)
    w->elem_start = w->elem_trim = w->len;
  memcpy(w->buf + w->len, v, n);
  w->len += n;
  if (n)
    w->elem_trim = w->len;
  return X12KIT_OK;
}

int x12kit_writer_begin(x12kit_writer *w, const char *segment_id)
{
  size_t n;

  if (w == NULL || segment_id == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "segment %s is still open", w->seg_id);
  n = strlen(segment_id);
  if (n < 2 || n > 3 || !isupper((unsigned char)segment_id[0]) ||
      !isalnum((unsigned char)segment_id[1]) ||
      (n == 3 && !isalnum((unsigned char)segment_id[2])) ||
      islower((unsigned char)segment_id[1]) || (n == 3 && islower((unsigned char)segment_id[2])))
    return werr(w, X12KIT_ERR_ARG, "segment ID must be 2 or 3 capital letters and digits");
  if (reserve(w, 4))
    return w->err.code;
  memcpy(w->seg_id, segment_id, n + 1);
  w->in_seg = 1;
  w->elem_no = w->comp_no = 0;
  w->seg_start = w->len;
  memcpy(w->buf + w->len, segment_id, n);
  w->len += n;
  w->seg_trim = w->elem_start = w->elem_trim = w->len;
  return X12KIT_OK;
}

int x12kit_writer_element_n(x12kit_writer *w, const char *value, size_t len)
{
  if (w == NULL || (value == NULL && len))
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  return add(w, w->d.element, value ? value : "", len);
}

int x12kit_writer_element(x12kit_writer *w, const char *value)
{
  return x12kit_writer_element_n(w, value, value ? strlen(value) : 0);
}

int x12kit_writer_component(x12kit_writer *w, const char *value)
{
  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  return add(w, w->d.component, value ? value : "", value ? strlen(value) : 0);
}

int x12kit_writer_repetition(x12kit_writer *w, const char *value)
{
  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  return add(w, w->d.repetition, value ? value : "", value ? strlen(value) : 0);
}

int x12kit_writer_end(x12kit_writer *w)
{
  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (!w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "no segment is open");
  close_element(w);
  w->len = w->seg_trim;
  if (reserve(w, 1 + w->eol_len))
    return drop_segment(w, w->err.code);
  w->buf[w->len++] = w->d.segment;
  memcpy(w->buf + w->len, w->eol, w->eol_len);
  w->len += w->eol_len;
  w->in_seg = 0;
  if (w->in_st)
    w->st_segments++;
  if (w->len >= FLUSH_AT)
    return x12kit_writer_flush(w);
  return X12KIT_OK;
}

/* A whole segment from NUL-terminated values; NULL ends the list. */
static int segment(x12kit_writer *w, const char *id, const char *const *v, size_t n)
{
  size_t i;
  int rc = x12kit_writer_begin(w, id);

  for (i = 0; rc == X12KIT_OK && i < n; i++)
    rc = x12kit_writer_element(w, v[i]);
  return rc ? rc : x12kit_writer_end(w);
}

/* Copies |v| into a fixed-width ISA field padded with spaces. */
static int isa_field(x12kit_writer *w, char *dst, const char *v, size_t width,
                     const char *name, const char *dflt)
{
  size_t n;

  if (v == NULL || *v == '\0')
    v = dflt;
  n = strlen(v);
  if (n > width)
    return werr(w, X12KIT_ERR_DATA, "%s is longer than its %zu characters", name, width);
  if (check_value(w, name, v, n))
    return w->err.code;
  memcpy(dst, v, n);
  memset(dst + n, ' ', width - n);
  dst[width] = '\0';
  return X12KIT_OK;
}

static int digits_of(const char *v, size_t n)
{
  size_t i;

  if (v == NULL || strlen(v) != n)
    return 0;
  for (i = 0; i < n; i++)
    if (!isdigit((unsigned char)v[i]))
      return 0;
  return 1;
}

int x12kit_writer_interchange(x12kit_writer *w, const x12kit_isa_fields *f)
{
  char a1[3], a2[11], a3[3], a4[11], a5[3], a6[16], a7[3], a8[16], rep[2], ack[2], use[2],
      comp[2], ctl[10];
  const char *v[16];
  char usage;

  if (w == NULL || f == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (w->in_isa || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "an interchange is already open");
  if (f->sender_id == NULL || *f->sender_id == '\0' || f->receiver_id == NULL ||
      *f->receiver_id == '\0')
    return werr(w, X12KIT_ERR_ARG, "ISA06 sender ID and ISA08 receiver ID are required");
  if (!digits_of(f->date, 6))
    return werr(w, X12KIT_ERR_ARG, "ISA09 date must be YYMMDD");
  if (!digits_of(f->time, 4))
    return werr(w, X12KIT_ERR_ARG, "ISA10 time must be HHMM");
  if (f->control < 1 || f->control > CONTROL_MAX)
    return werr(w, X12KIT_ERR_ARG, "ISA13 control number must be 1 to 999999999");
  if (f->ack_requested != 0 && f->ack_requested != 1)
    return werr(w, X12KIT_ERR_ARG, "ISA14 must be 0 or 1");
  usage = f->usage ? f->usage : 'P';
  if (usage != 'P' && usage != 'T')
    return werr(w, X12KIT_ERR_ARG, "ISA15 usage must be P or T");
  if (isa_field(w, a1, f->auth_qualifier, 2, "ISA01", "00") ||
      isa_field(w, a2, f->auth_info, 10, "ISA02", "") ||
      isa_field(w, a3, f->security_qualifier, 2, "ISA03", "00") ||
      isa_field(w, a4, f->security_info, 10, "ISA04", "") ||
      isa_field(w, a5, f->sender_qualifier, 2, "ISA05", "ZZ") ||
      isa_field(w, a6, f->sender_id, 15, "ISA06", "") ||
      isa_field(w, a7, f->receiver_qualifier, 2, "ISA07", "ZZ") ||
      isa_field(w, a8, f->receiver_id, 15, "ISA08", ""))
    return w->err.code;
  snprintf(ctl, sizeof ctl, "%09lu", f->control);
  rep[0] = w->d.repetition;
  comp[0] = w->d.component;
  ack[0] = (char)('0' + f->ack_requested);
  use[0] = usage;
  rep[1] = comp[1] = ack[1] = use[1] = '\0';
  v[0] = a1; v[1] = a2; v[2] = a3; v[3] = a4; v[4] = a5; v[5] = a6; v[6] = a7; v[7] = a8;
  v[8] = f->date; v[9] = f->time; v[10] = rep; v[11] = "00501"; v[12] = ctl; v[13] = ack;
  v[14] = use; v[15] = comp;
  /* ISA fields are written raw: ISA11 and ISA16 are delimiters themselves. */
  if (x12kit_writer_begin(w, "ISA"))
    return w->err.code;
  for (size_t i = 0; i < 16; i++) {
    if (reserve(w, strlen(v[i]) + 1))
      return drop_segment(w, w->err.code);
    w->buf[w->len++] = w->d.element;
    memcpy(w->buf + w->len, v[i], strlen(v[i]));
    w->len += strlen(v[i]);
  }
  w->elem_no = 16;
  w->elem_start = w->elem_trim = w->seg_trim = w->len;
  if (x12kit_writer_end(w))
    return w->err.code;
  memcpy(w->isa13, ctl, sizeof ctl);
  w->in_isa = 1;
  w->groups = 0;
  return X12KIT_OK;
}

int x12kit_writer_group(x12kit_writer *w, const x12kit_gs_fields *f)
{
  char ctl[12];
  const char *v[8];

  if (w == NULL || f == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (!w->in_isa || w->in_gs || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "a group opens inside an interchange, after the last GE");
  if (f->functional_id == NULL || strlen(f->functional_id) != 2 || f->sender == NULL ||
      f->receiver == NULL || f->version == NULL || !*f->version || strlen(f->version) > 12)
    return werr(w, X12KIT_ERR_ARG, "GS01, GS02, GS03 and GS08 (at most 12 characters) are required");
  if (!digits_of(f->date, 8))
    return werr(w, X12KIT_ERR_ARG, "GS04 date must be CCYYMMDD");
  if (!digits_of(f->time, 4) && !digits_of(f->time, 6))
    return werr(w, X12KIT_ERR_ARG, "GS05 time must be HHMM or HHMMSS");
  if (f->control < 1 || f->control > CONTROL_MAX)
    return werr(w, X12KIT_ERR_ARG, "GS06 control number must be 1 to 999999999");
  snprintf(ctl, sizeof ctl, "%lu", f->control);
  v[0] = f->functional_id; v[1] = f->sender; v[2] = f->receiver; v[3] = f->date;
  v[4] = f->time; v[5] = ctl; v[6] = "X"; v[7] = f->version;
  if (segment(w, "GS", v, 8))
    return w->err.code;
  snprintf(w->gs06, sizeof w->gs06, "%s", ctl);
  x12kitp_copy(w->gs08, sizeof w->gs08, (x12kit_slice){ f->version, strlen(f->version) });
  w->in_gs = 1;
  w->transactions = 0;
  w->next_st = 1;
  w->groups++;
  return X12KIT_OK;
}

int x12kit_writer_transaction(x12kit_writer *w, const char *id, const char *control,
                              const char *version)
{
  char ctl[16];
  const char *v[3];
  size_t n;
  int rc;

  if (w == NULL || id == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (!w->in_gs || w->in_st || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "a transaction opens inside a group, after the last SE");
  if (control == NULL) {
    snprintf(ctl, sizeof ctl, "%04lu", w->next_st);
    control = ctl;
  }
  n = strlen(control);
  if (n < 4 || n > 9)
    return werr(w, X12KIT_ERR_ARG, "ST02 control number must be 4 to 9 characters");
  v[0] = id;
  v[1] = control;
  v[2] = version ? version : w->gs08;
  w->in_st = 1;          /* ST counts as segment 1 */
  w->st_segments = 0;
  rc = segment(w, "ST", v, 3);
  if (rc) {
    w->in_st = 0;
    return rc;
  }
  memcpy(w->st02, control, n + 1); /* 4 to 9 characters, checked above */
  w->next_st++;
  w->transactions++;
  return X12KIT_OK;
}

/* Writes a trailer: |id|, the count, the header's control number. */
static int trailer(x12kit_writer *w, const char *id, unsigned long count, const char *control)
{
  char n[24];
  const char *v[2];

  snprintf(n, sizeof n, "%lu", count);
  v[0] = n;
  v[1] = control;
  return segment(w, id, v, 2);
}

int x12kit_writer_end_transaction(x12kit_writer *w)
{
  int rc;

  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (!w->in_st || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "no transaction is open");
  rc = trailer(w, "SE", w->st_segments + 1, w->st02);  /* SE counts itself */
  if (rc == X12KIT_OK)
    w->in_st = 0;
  return rc;
}

int x12kit_writer_end_group(x12kit_writer *w)
{
  int rc;

  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (w->in_st)
    return werr(w, X12KIT_ERR_STATE, "transaction %s has no SE yet", w->st02);
  if (!w->in_gs || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "no group is open");
  rc = trailer(w, "GE", w->transactions, w->gs06);
  if (rc == X12KIT_OK)
    w->in_gs = 0;
  return rc;
}

int x12kit_writer_end_interchange(x12kit_writer *w)
{
  int rc;

  if (w == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  if (w->in_gs)
    return werr(w, X12KIT_ERR_STATE, "group %s has no GE yet", w->gs06);
  if (!w->in_isa || w->in_seg)
    return werr(w, X12KIT_ERR_STATE, "no interchange is open");
  rc = trailer(w, "IEA", w->groups, w->isa13);
  if (rc == X12KIT_OK) {
    w->in_isa = 0;
    rc = x12kit_writer_flush(w);
  }
  return rc;
}

/* Copies element n of |seg| into a NUL-terminated buffer, trimming trailing spaces. */
static void field(const x12kit_segment *seg, size_t n, char *dst, size_t size, int trim)
{
  x12kit_slice s = x12kit_segment_element(seg, n);

  if (trim)
    while (s.len && s.ptr[s.len - 1] == ' ')
      s.len--;
  x12kitp_copy(dst, size, s);
}

static int number_of(x12kit_writer *w, const x12kit_segment *seg, size_t n, unsigned long *out)
{
  x12kit_slice s = x12kit_segment_element(seg, n);
  unsigned long v = 0;
  size_t i;

  if (!x12kitp_all_digits(s) || s.len > 9)
    return werr(w, X12KIT_ERR_DATA, "%s%02zu is not a control number of 1 to 9 digits",
                x12kit_segment_id(seg), n);
  for (i = 0; i < s.len; i++)
    v = v * 10 + (unsigned long)(s.ptr[i] - '0');
  *out = v;
  return X12KIT_OK;
}

static int copy_isa(x12kit_writer *w, const x12kit_segment *seg)
{
  char f[16][16];
  x12kit_isa_fields isa;
  size_t i;

  if (x12kit_segment_count(seg) != 16)
    return werr(w, X12KIT_ERR_DATA, "the ISA does not have 16 elements");
  for (i = 0; i < 16; i++)
    field(seg, i + 1, f[i], sizeof f[i], 1);
  memset(&isa, 0, sizeof isa);
  isa.auth_qualifier = f[0];
  isa.auth_info = f[1];
  isa.security_qualifier = f[2];
  isa.security_info = f[3];
  isa.sender_qualifier = f[4];
  isa.sender_id = f[5];
  isa.receiver_qualifier = f[6];
  isa.receiver_id = f[7];
  isa.date = f[8];
  isa.time = f[9];
  if (number_of(w, seg, 13, &isa.control))
    return w->err.code;
  isa.ack_requested = f[13][0] == '1';
  if (f[13][0] != '0' && f[13][0] != '1')
    return werr(w, X12KIT_ERR_DATA, "ISA14 is not 0 or 1");
  isa.usage = f[14][0];
  return x12kit_writer_interchange(w, &isa);
}

static int copy_gs(x12kit_writer *w, const x12kit_segment *seg)
{
  char f[8][36];
  x12kit_gs_fields gs;
  size_t i;

  for (i = 0; i < 8; i++)
    field(seg, i + 1, f[i], sizeof f[i], 0);
  memset(&gs, 0, sizeof gs);
  gs.functional_id = f[0];
  gs.sender = f[1];
  gs.receiver = f[2];
  gs.date = f[3];
  gs.time = f[4];
  if (number_of(w, seg, 6, &gs.control))
    return w->err.code;
  gs.version = f[7];
  return x12kit_writer_group(w, &gs);
}

int x12kit_writer_copy(x12kit_writer *w, const x12kit_segment *seg)
{
  const x12kit_delimiters *in;
  const char *id;
  size_t n, count;
  int rc;

  if (w == NULL || seg == NULL)
    return X12KIT_ERR_ARG;
  w->has_err = 0;
  id = x12kit_segment_id(seg);
  if (strcmp(id, "ISA") == 0)
    return copy_isa(w, seg);
  if (strcmp(id, "GS") == 0)
    return copy_gs(w, seg);
  if (strcmp(id, "ST") == 0) {
    char st[3][36];
    for (n = 0; n < 3; n++)
      field(seg, n + 1, st[n], sizeof st[n], 0);
    return x12kit_writer_transaction(w, st[0], st[1], st[2]);
  }
  if (strcmp(id, "SE") == 0)
    return x12kit_writer_end_transaction(w);
  if (strcmp(id, "GE") == 0)
    return x12kit_writer_end_group(w);
  if (strcmp(id, "IEA") == 0)
    return x12kit_writer_end_interchange(w);

  /*
   * One pass over each element: every repetition and component separator
   * of the input becomes the writer's, and add() checks each piece.
   */
  in = x12kit_segment_delimiters(seg);
  rc = x12kit_writer_begin(w, id);
  count = x12kit_segment_count(seg);
  for (n = 1; rc == X12KIT_OK && n <= count; n++) {
    x12kit_slice e = x12kit_segment_element(seg, n);
    char sep = w->d.element;
    size_t a = 0, j;

    for (j = 0; rc == X12KIT_OK && j <= e.len; j++) {
      if (j < e.len && e.ptr[j] != in->repetition && e.ptr[j] != in->component)
        continue;
      rc = add(w, sep, e.ptr + a, j - a);
      if (j < e.len)
        sep = e.ptr[j] == in->repetition ? w->d.repetition : w->d.component;
      a = j + 1;
    }
  }
  return rc ? rc : x12kit_writer_end(w);
}
