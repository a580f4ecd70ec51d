/*
 * x12kit - status texts, error formatting, allocation and small helpers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *x12kit_strerror(int code)
{
  switch (code) {
  case X12KIT_OK: return "success";
  case X12KIT_NEED_INPUT: return "more input needed";
  case X12KIT_END: return "end of input";
  case X12KIT_ERR_NOMEM: return "out of memory";
  case X12KIT_ERR_ARG: return "invalid argument";
  case X12KIT_ERR_STATE: return "call not allowed in this state";
  case X12KIT_ERR_ISA: return "malformed ISA interchange header";
  case X12KIT_ERR_DELIMITER: return "invalid delimiters";
  case X12KIT_ERR_VERSION: return "unsupported interchange version";
  case X12KIT_ERR_TOO_LONG: return "segment too long";
  case X12KIT_ERR_TRUNCATED: return "input ended early";
  case X12KIT_ERR_SYNTAX: return "malformed segment";
  case X12KIT_ERR_ENVELOPE: return "envelope error";
  case X12KIT_ERR_DATA: return "value cannot be written";
  case X12KIT_ERR_IO: return "input/output error";
  case X12KIT_ERR_ABORTED: return "stopped by callback";
  case X12KIT_ERR_SCHEMA: return "implementation-guide map missing or invalid";
  default: return "unknown status code";
  }
}

const char *x12kit_ack_kind_name(x12kit_ack_kind kind)
{
  switch (kind) {
  case X12KIT_ACK_TA1: return "TA1";
  case X12KIT_ACK_GROUP: return "999 AK9";
  case X12KIT_ACK_TRANSACTION: return "999 IK5";
  case X12KIT_ACK_SEGMENT: return "999 IK3";
  case X12KIT_ACK_ELEMENT: return "999 IK4";
  case X12KIT_ACK_NONE:
  default: return "";
  }
}

int x12kit_error_format(const x12kit_error *err, char *buf, size_t size)
{
  char where[64] = "";
  char ack[24] = "";
  char val[X12KIT_ERROR_VALUE_SIZE + 16] = "";

  if (err == NULL)
    return snprintf(buf, size, "no error");
  if (err->pos.segment > 0) {
    if (err->segment_id[0] && err->loop_id[0])
      snprintf(where, sizeof where, "segment %lu (%s, loop %s): ", err->pos.segment,
               err->segment_id, err->loop_id);
    else if (err->segment_id[0])
      snprintf(where, sizeof where, "segment %lu (%s): ", err->pos.segment, err->segment_id);
    else
      snprintf(where, sizeof where, "segment %lu: ", err->pos.segment);
  }
  if (err->ack_kind != X12KIT_ACK_NONE && err->ack_code[0])
    snprintf(ack, sizeof ack, " [%s %s]", x12kit_ack_kind_name(err->ack_kind), err->ack_code);
  if (err->value[0])
    snprintf(val, sizeof val, " (value \"%s\")", err->value);
  return snprintf(buf, size, "%s%s%s%s", where, err->text, val, ack);
}

int x12kit_delimiters_check(const x12kit_delimiters *d)
{
  const char c[4] = { d->element, d->repetition, d->component, d->segment };
  int i, j;

  for (i = 0; i < 4; i++) {
    unsigned char u = (unsigned char)c[i];
    if (isalnum(u) || u == ' ' || u == '\0')
      return X12KIT_ERR_DELIMITER;
    /* only the segment terminator may be a line break */
    if (i < 3 && (u == '\n' || u == '\r'))
      return X12KIT_ERR_DELIMITER;
    for (j = 0; j < i; j++)
      if (c[i] == c[j])
        return X12KIT_ERR_DELIMITER;
  }
  return X12KIT_OK;
}

static void *std_malloc(size_t size, void *ud) { (void)ud; return malloc(size); }
static void std_free(void *p, void *ud) { (void)ud; free(p); }
static void *std_realloc(void *p, size_t size, void *ud) { (void)ud; return realloc(p, size); }

void x12kitp_mem_init(x12kit_mem *dst, const x12kit_mem *src)
{
  if (src && src->malloc && src->free && src->realloc) {
    *dst = *src;
  } else {
    dst->user_data = NULL;
    dst->malloc = std_malloc;
    dst->free = std_free;
    dst->realloc = std_realloc;
  }
}

void *x12kitp_malloc(const x12kit_mem *m, size_t size)
{
  return m->malloc(size ? size : 1, m->user_data);
}

void *x12kitp_calloc(const x12kit_mem *m, size_t size)
{
  void *p = x12kitp_malloc(m, size);
  if (p)
    memset(p, 0, size ? size : 1);
  return p;
}

void *x12kitp_realloc(const x12kit_mem *m, void *ptr, size_t size)
{
  return m->realloc(ptr, size ? size : 1, m->user_data);
}

void x12kitp_free(const x12kit_mem *m, void *ptr)
{
  if (ptr)
    m->free(ptr, m->user_data);
}

void x12kitp_error_vset(x12kit_error *err, int code, x12kit_ack_kind kind, const char *ack,
                        const char *fmt, va_list ap)
{
  char *p;

  memset(err, 0, sizeof *err);
  err->code = code;
  err->ack_kind = kind;
  if (ack)
    snprintf(err->ack_code, sizeof err->ack_code, "%s", ack);
  vsnprintf(err->text, sizeof err->text, fmt, ap);
  /* one line, whatever control data (ST02, GS08...) it quotes */
  for (p = err->text; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = '?';
}

void x12kitp_error_set(x12kit_error *err, int code, x12kit_ack_kind kind, const char *ack,
                       const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  x12kitp_error_vset(err, code, kind, ack, fmt, ap);
  va_end(ap);
}

void x12kitp_copy(char *dst, size_t size, x12kit_slice s)
{
  size_t n = s.len < size - 1 ? s.len : size - 1;
  if (n)
    memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

void x12kitp_error_value(x12kit_error *err, x12kit_slice s)
{
  size_t i;

  x12kitp_copy(err->value, sizeof err->value, s);
  /* Keep the one-line message one line: control bytes become '?'. */
  for (i = 0; err->value[i]; i++)
    if ((unsigned char)err->value[i] < 0x20 || err->value[i] == 0x7f)
      err->value[i] = '?';
}

unsigned x12kitp_days_in_month(unsigned y, unsigned m)
{
  static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m < 1 || m > 12)
    return 0;
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return days[m - 1];
}

int x12kitp_all_digits(x12kit_slice s)
{
  size_t i;

  if (s.len == 0)
    return 0;
  for (i = 0; i < s.len; i++)
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return 0;
  return 1;
}

int x12kit_slice_eq(x12kit_slice s, const char *str)
{
  size_t n = strlen(str);
  return s.len == n && (n == 0 || memcmp(s.ptr, str, n) == 0);
}

/* Width of ISA01..ISA16. */
const unsigned char x12kitp_isa_width[16] = { 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1 };
