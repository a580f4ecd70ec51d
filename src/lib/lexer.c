/*
 * x12kit - streaming X12 lexer.
 *
 * Input grammar, as the lexer sees it:
 *
 *   input       = [BOM] *( *space interchange ) *space
 *   interchange = ISA *( *linebreak segment )          ; up to and including IEA
 *   ISA         = "ISA" 102 bytes with fixed widths, then the terminator
 *   segment     = id *( element-sep element ) terminator
 *
 * The ISA is fixed width (106 bytes with its terminator), which is how
 * the delimiters are found: element separator at byte 4, repetition
 * separator in ISA11, component separator in ISA16 and the segment
 * terminator right after it.  After an IEA the next interchange may use
 * other delimiters, so the lexer goes back to looking for an ISA.
 *
 * Zero copy: a segment that lies in the current chunk is given as a
 * pointer into it.  Bytes of a segment that is not complete when a chunk
 * ends are copied to |carry|; the rest of that segment is appended from
 * the next chunk.  |carry| never holds more than one segment, and at
 * most max_segment bytes.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

enum lex_mode {
  MODE_START,        /* nothing read yet: a BOM may come */
  MODE_ISA,          /* between interchanges: expecting ISA */
  MODE_SEGMENTS      /* inside an interchange */
};

struct x12kit_lexer {
  x12kit_mem mem;
  size_t max_segment;
  int show_data;

  /* current chunk */
  const char *in;
  size_t in_len;
  size_t in_pos;
  int have_chunk;
  int finished;

  /* bytes of an unfinished segment or ISA */
  char *carry;
  size_t carry_len;
  size_t carry_cap;
  int carry_given;   /* the last segment was given out of carry */
  int done;          /* the final unterminated line was given: next is END */
  int bom_seen;      /* bytes of a leading byte-order mark read so far */

  enum lex_mode mode;
  x12kit_delimiters delims;
  int have_delims;
  int seen_interchange;

  /* counters */
  uint64_t offset;          /* bytes before in[in_pos] (or before carry) */
  unsigned long line;       /* current line, 1-based */
  unsigned long segments;   /* segments given */
  unsigned long in_isa;     /* segments given in the current interchange */
  unsigned long in_st;      /* segments given in the current transaction */
  int after_se;             /* the last segment was SE */

  /* segment under construction / given out */
  struct x12kit_segment seg;
  uint32_t *offs;
  size_t offs_cap;
  uint64_t seg_offset;      /* byte offset of the segment being read */
  unsigned long seg_line;

  int status;               /* sticky error status, 0 when none */
  x12kit_error err;
};

/* ISA separator offsets: the element separator must be at each. */
static const unsigned char isa_sep_at[16] = {
  3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103
};

int x12kit_lexer_new(x12kit_lexer **out, const x12kit_mem *mem)
{
  x12kit_mem m;
  x12kit_lexer *lx;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  x12kitp_mem_init(&m, mem);
  lx = x12kitp_calloc(&m, sizeof *lx);
  if (lx == NULL)
    return X12KIT_ERR_NOMEM;
  lx->mem = m;
  lx->max_segment = X12KIT_DEFAULT_MAX_SEGMENT;
  x12kit_lexer_reset(lx);
  *out = lx;
  return X12KIT_OK;
}

void x12kit_lexer_free(x12kit_lexer *lx)
{
  if (lx == NULL)
    return;
  x12kitp_free(&lx->mem, lx->carry);
  x12kitp_free(&lx->mem, lx->offs);
  x12kitp_free(&lx->mem, lx);
}

void x12kit_lexer_reset(x12kit_lexer *lx)
{
  lx->in = NULL;
  lx->in_len = lx->in_pos = 0;
  lx->have_chunk = 0;
  lx->finished = 0;
  lx->carry_len = 0;
  lx->carry_given = 0;
  lx->done = 0;
  lx->bom_seen = 0;
  lx->mode = MODE_START;
  memset(&lx->delims, 0, sizeof lx->delims);
  lx->have_delims = 0;
  lx->seen_interchange = 0;
  lx->offset = 0;
  lx->line = 1;
  lx->segments = lx->in_isa = lx->in_st = 0;
  lx->after_se = 0;
  memset(&lx->seg, 0, sizeof lx->seg);
  lx->status = 0;
  memset(&lx->err, 0, sizeof lx->err);
}

int x12kit_lexer_set_max_segment(x12kit_lexer *lx, size_t max_len)
{
  if (lx == NULL || max_len < X12KITP_ISA_LEN || max_len > (1u << 30))
    return X12KIT_ERR_ARG;
  if (lx->offset != 0 || lx->have_chunk || lx->finished)
    return X12KIT_ERR_STATE;
  lx->max_segment = max_len;
  return X12KIT_OK;
}

void x12kit_lexer_set_show_data(x12kit_lexer *lx, int show)
{
  lx->show_data = show != 0;
}

int x12kit_lexer_feed(x12kit_lexer *lx, const char *buf, size_t len)
{
  if (lx == NULL || (buf == NULL && len > 0))
    return X12KIT_ERR_ARG;
  if (lx->status)
    return lx->status;
  if (lx->finished || (lx->have_chunk && lx->in_pos < lx->in_len))
    return X12KIT_ERR_STATE;
  lx->in = buf;
  lx->in_len = len;
  lx->in_pos = 0;
  lx->have_chunk = 1;
  return X12KIT_OK;
}

int x12kit_lexer_finish(x12kit_lexer *lx)
{
  if (lx == NULL)
    return X12KIT_ERR_ARG;
  if (lx->status)
    return lx->status;
  if (lx->finished)
    return X12KIT_ERR_STATE;
  lx->finished = 1;
  return X12KIT_OK;
}

const x12kit_error *x12kit_lexer_error(const x12kit_lexer *lx)
{
  return lx && lx->status ? &lx->err : NULL;
}

const x12kit_delimiters *x12kit_lexer_delimiters(const x12kit_lexer *lx)
{
  return lx && lx->have_delims ? &lx->delims : NULL;
}

uint64_t x12kit_lexer_offset(const x12kit_lexer *lx)
{
  return lx->offset;
}

/* Records a fatal error about the segment that starts at seg_offset. */
static int fail(x12kit_lexer *lx, int code, const char *ack, const char *seg_id,
                x12kit_slice data, const char *fmt, ...) X12KITP_PRINTF(6, 7);

static int fail(x12kit_lexer *lx, int code, const char *ack, const char *seg_id,
                x12kit_slice data, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  x12kitp_error_vset(&lx->err, code, ack ? X12KIT_ACK_TA1 : X12KIT_ACK_NONE, ack, fmt, ap);
  va_end(ap);
  lx->err.pos.byte_offset = lx->seg_offset;
  lx->err.pos.line = lx->seg_line;
  lx->err.pos.segment = lx->segments + 1;
  lx->err.pos.in_interchange = lx->mode == MODE_SEGMENTS ? lx->in_isa + 1 : 1;
  lx->err.pos.in_transaction = lx->in_st && !lx->after_se ? lx->in_st + 1 : 0;
  if (seg_id)
    snprintf(lx->err.segment_id, sizeof lx->err.segment_id, "%s", seg_id);
  if (lx->show_data && data.len)
    x12kitp_error_value(&lx->err, data);
  lx->status = code;
  return code;
}

static int nomem(x12kit_lexer *lx)
{
  return fail(lx, X12KIT_ERR_NOMEM, NULL, NULL, (x12kit_slice){ NULL, 0 }, "out of memory");
}

static int append_carry(x12kit_lexer *lx, const char *p, size_t n)
{
  size_t need = lx->carry_len + n;

  if (need > lx->carry_cap) {
    size_t cap = lx->carry_cap ? lx->carry_cap : 256;
    char *q;
    while (cap < need)
      cap *= 2;
    q = x12kitp_realloc(&lx->mem, lx->carry, cap);
    if (q == NULL)
      return nomem(lx);
    lx->carry = q;
    lx->carry_cap = cap;
  }
  memcpy(lx->carry + lx->carry_len, p, n);
  lx->carry_len = need;
  return X12KIT_OK;
}

/*
 * Skips line breaks (and with |spaces_too|, blanks) before a segment.
 * X12 has no empty segments, so a blank line is never data, even when
 * the newline is the segment terminator.
 */
static void skip_blanks(x12kit_lexer *lx, int spaces_too)
{
  while (lx->in_pos < lx->in_len) {
    char c = lx->in[lx->in_pos];
    if (c == '\n')
      lx->line++;
    else if (c != '\r' && !(spaces_too && (c == ' ' || c == '\t')))
      break;
    lx->in_pos++;
    lx->offset++;
  }
}

/* Makes sure offs can take |n| entries. */
static int reserve_offs(x12kit_lexer *lx, size_t n)
{
  uint32_t *p;
  size_t cap;

  if (n <= lx->offs_cap)
    return X12KIT_OK;
  cap = lx->offs_cap ? lx->offs_cap : 64;
  while (cap < n)
    cap *= 2;
  p = x12kitp_realloc(&lx->mem, lx->offs, cap * sizeof *p);
  if (p == NULL)
    return nomem(lx);
  lx->offs = p;
  lx->offs_cap = cap;
  return X12KIT_OK;
}

/*
 * Finds the element separators in d[0..len).  |avail| is how many bytes
 * may be read from d (at least len): the SIMD loop reads whole 16-byte
 * blocks while they stay inside |avail| and masks off what lies past
 * len.  Returns the number of separators; counts newlines in *nl.
 */
static size_t split(const char *d, size_t len, size_t avail, char sep, uint32_t *offs,
                    unsigned long *nl)
{
  size_t n = 0, i = 0;
  unsigned long lines = 0;

#if defined(__SSE2__)
  const __m128i vsep = _mm_set1_epi8(sep);
  const __m128i vnl = _mm_set1_epi8('\n');

  while (i < len && i + 16 <= avail) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vsep));
    unsigned l = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vnl));
    if (len - i < 16) {
      unsigned keep = (1u << (len - i)) - 1u;
      m &= keep;
      l &= keep;
    }
    if (X12KITP_UNLIKELY(l != 0))
      lines += (unsigned long)__builtin_popcount(l);
    while (m) {
      offs[n++] = (uint32_t)(i + (size_t)__builtin_ctz(m));
      m &= m - 1;
    }
    i += 16;
  }
#endif
  for (; i < len; i++) {
    if (d[i] == sep)
      offs[n++] = (uint32_t)i;
    else if (d[i] == '\n')
      lines++;
  }
  offs[n] = (uint32_t)len;
  *nl = lines;
  return n;
}

static int valid_id(const char *d, size_t len)
{
  size_t i;

  if (len < 2 || len > 3 || d[0] < 'A' || d[0] > 'Z')
    return 0;
  for (i = 1; i < len; i++)
    if (!((d[i] >= 'A' && d[i] <= 'Z') || (d[i] >= '0' && d[i] <= '9')))
      return 0;
  return 1;
}

/* The ID of the segment in d[0..len), or NULL when it has none (yet). */
static const char *partial_id(const x12kit_lexer *lx, const char *d, size_t len, char id[4])
{
  size_t n = 0;

  while (n < len && n < 4 && d[n] != lx->delims.element)
    n++;
  if (n == len || n > 3 || !valid_id(d, n))
    return NULL;
  memcpy(id, d, n);
  id[n] = '\0';
  return id;
}

static const char *isa_width_text(int field)
{
  static const char *const w[17] = { "", "2", "10", "2", "10", "2", "15", "2", "15",
                                     "6", "4", "1", "5", "9", "1", "1", "1" };
  return w[field];
}

/* Reads the ISA in p[0..106) and takes its delimiters. */
static int read_isa(x12kit_lexer *lx, const char *p)
{
  x12kit_delimiters d;
  const char es = p[3];
  const unsigned char ues = (unsigned char)es;
  x12kit_slice all = { p, X12KITP_ISA_LEN };
  int i;

  if (memcmp(p, "ISA", 3) != 0)
    return fail(lx, X12KIT_ERR_ISA, NULL, NULL, all,
                "expected an ISA interchange header here, found other data");
  if (isalnum(ues) || es == ' ' || es == '\n' || es == '\r' || es == '\0')
    return fail(lx, X12KIT_ERR_DELIMITER, "026", "ISA", all,
                "the element separator (the character after \"ISA\") is a letter, digit, "
                "space or line break");
  for (i = 1; i < 16; i++)
    if (p[isa_sep_at[i]] != es)
      return fail(lx, X12KIT_ERR_ISA, "024", "ISA", all,
                  "ISA%02d is not %s characters wide: an ISA is exactly 106 characters "
                  "with fixed-width fields", i, isa_width_text(i));
  if (memcmp(p + 84, "00501", 5) != 0) {
    x12kit_slice v = { p + 84, 5 };
    if (x12kitp_all_digits(v))
      return fail(lx, X12KIT_ERR_VERSION, "003", "ISA", v,
                  "ISA12 is %.5s: only version 00501 (HIPAA 5010) is supported", p + 84);
    return fail(lx, X12KIT_ERR_VERSION, "017", "ISA", v,
                "ISA12 is not a version number: only version 00501 (HIPAA 5010) is supported");
  }
  d.element = es;
  d.repetition = p[82];
  d.component = p[104];
  d.segment = p[105];
  if (x12kit_delimiters_check(&d) != X12KIT_OK) {
    const char *ack = "024", *what = "the repetition separator (ISA11)";
    const unsigned char c = (unsigned char)d.component, t = (unsigned char)d.segment;
    if (isalnum(c) || c == ' ' || c == '\0' || c == '\n' || c == '\r' || d.component == es) {
      ack = "027";
      what = "the component separator (ISA16)";
    } else if (isalnum(t) || t == ' ' || t == '\0' || d.segment == es ||
               d.segment == d.component) {
      ack = "004";
      what = "the segment terminator (after ISA16)";
    }
    return fail(lx, X12KIT_ERR_DELIMITER, ack, "ISA", all,
                "%s is a letter, digit, space or line break, or repeats another delimiter", what);
  }
  lx->delims = d;
  lx->have_delims = 1;
  return X12KIT_OK;
}

/* Fills lx->seg for data[0..len), |avail| readable bytes at data. */
static int make_segment(x12kit_lexer *lx, const char *data, size_t len, size_t avail)
{
  x12kit_segment *s = &lx->seg;
  unsigned long nl;
  size_t n, idlen;
  int is_st, is_se, is_outer;
  char id[4];

  if (len > lx->max_segment)
    return fail(lx, X12KIT_ERR_TOO_LONG, NULL, partial_id(lx, data, len, id),
                (x12kit_slice){ data, 0 },
                "segment is longer than %zu bytes (is a segment terminator missing?)",
                lx->max_segment);
  if (reserve_offs(lx, len + 1))
    return lx->status;
  n = split(data, len, avail, lx->delims.element, lx->offs, &nl);
  idlen = n ? lx->offs[0] : len;
  if (!valid_id(data, idlen)) {
    x12kit_slice v = { data, idlen };
    if (len == 0)
      return fail(lx, X12KIT_ERR_SYNTAX, NULL, NULL, v,
                  "empty segment: two segment terminators in a row");
    return fail(lx, X12KIT_ERR_SYNTAX, NULL, NULL, v,
                "segment ID is not 2 or 3 capital letters and digits "
                "(is a segment terminator used inside a value?)");
  }
  s->data = data;
  s->len = len;
  s->nelem = n;
  s->offs = lx->offs;
  memset(s->id, 0, sizeof s->id); /* NUL-padded: IDs compare as 4 bytes */
  memcpy(s->id, data, idlen);
  s->delims = lx->delims;

  is_st = idlen == 2 && data[0] == 'S' && data[1] == 'T';
  is_se = idlen == 2 && data[0] == 'S' && data[1] == 'E';
  /* GS, GE and IEA are never inside a transaction, even when its SE is missing */
  is_outer = (idlen == 2 && data[0] == 'G' && (data[1] == 'S' || data[1] == 'E')) ||
             (idlen == 3 && memcmp(data, "IEA", 3) == 0);
  lx->segments++;
  lx->in_isa++;
  if (is_st)
    lx->in_st = 1;
  else if (lx->in_st && !lx->after_se && !is_outer)
    lx->in_st++;
  else
    lx->in_st = 0;
  lx->after_se = is_se && lx->in_st;
  s->pos.byte_offset = lx->seg_offset;
  s->pos.line = lx->seg_line;
  s->pos.segment = lx->segments;
  s->pos.in_interchange = lx->in_isa;
  s->pos.in_transaction = lx->in_st;
  lx->line += nl;
  if (idlen == 3 && memcmp(data, "IEA", 3) == 0)
    lx->mode = MODE_ISA;
  return X12KIT_OK;
}

/* Starts a new interchange with the 106-byte ISA at p. */
static int take_isa(x12kit_lexer *lx, const char *p)
{
  if (read_isa(lx, p))
    return lx->status;
  lx->mode = MODE_SEGMENTS;
  lx->seen_interchange = 1;
  lx->in_isa = 0;
  lx->in_st = 0;
  lx->after_se = 0;
  if (lx->delims.segment == '\n')
    lx->line++;
  return make_segment(lx, p, X12KITP_ISA_LEN - 1, X12KITP_ISA_LEN);
}

/* Non-zero when p[0..n) could be the start of "ISA". */
static int isa_prefix(const char *p, size_t n)
{
  return memcmp(p, "ISA", n < 3 ? n : 3) == 0;
}

static int not_isa(x12kit_lexer *lx)
{
  return fail(lx, X12KIT_ERR_ISA, NULL, NULL, (x12kit_slice){ NULL, 0 },
              "expected an ISA interchange header here, found other data");
}

/* Between interchanges: an optional byte-order mark, blanks, then 106 bytes of ISA. */
static int next_isa(x12kit_lexer *lx)
{
  static const char bom[3] = { '\xEF', '\xBB', '\xBF' };
  size_t avail, need;

  while (lx->mode == MODE_START && lx->in_pos < lx->in_len) {
    /* The mark may arrive a byte at a time: bom_seen counts its bytes. */
    if (lx->in[lx->in_pos] == bom[lx->bom_seen]) {
      lx->in_pos++;
      lx->offset++;
      if (++lx->bom_seen == 3)
        lx->mode = MODE_ISA;
    } else if (lx->bom_seen == 0) {
      lx->mode = MODE_ISA;
    } else {
      lx->seg_offset = 0;
      lx->seg_line = 1;
      return fail(lx, X12KIT_ERR_ISA, NULL, NULL, (x12kit_slice){ NULL, 0 },
                  "the input starts with an incomplete UTF-8 byte-order mark");
    }
  }
  if (lx->mode == MODE_START)
    return X12KIT_NEED_INPUT;
  if (lx->carry_len == 0) {
    skip_blanks(lx, 1);
    if (lx->in_pos == lx->in_len)
      return X12KIT_NEED_INPUT;
    lx->seg_offset = lx->offset;
    lx->seg_line = lx->line;
    avail = lx->in_len - lx->in_pos;
    if (!isa_prefix(lx->in + lx->in_pos, avail))
      return not_isa(lx);
    if (avail >= X12KITP_ISA_LEN) {
      const char *p = lx->in + lx->in_pos;
      lx->in_pos += X12KITP_ISA_LEN;
      lx->offset += X12KITP_ISA_LEN;
      return take_isa(lx, p);
    }
  }
  /* The ISA straddles chunks: gather it in carry. */
  need = X12KITP_ISA_LEN - lx->carry_len;
  avail = lx->in_len - lx->in_pos;
  if (lx->carry_len < 3) {
    char head[3];
    size_t k = lx->carry_len, more = avail < 3 - k ? avail : 3 - k;
    if (k)
      memcpy(head, lx->carry, k);
    if (more)
      memcpy(head + k, lx->in + lx->in_pos, more);
    if (!isa_prefix(head, k + more))
      return not_isa(lx);
  }
  if (avail < need) {
    if (append_carry(lx, lx->in + lx->in_pos, avail))
      return lx->status;
    lx->in_pos += avail;
    return X12KIT_NEED_INPUT;
  }
  if (append_carry(lx, lx->in + lx->in_pos, need))
    return lx->status;
  lx->in_pos += need;
  lx->offset += X12KITP_ISA_LEN;
  lx->carry_given = 1;
  return take_isa(lx, lx->carry);
}

/*
 * An ISA met inside an interchange: the previous one lacks its IEA
 * (the envelope checker reports that).  It was cut at the current
 * terminator; it must be 105 bytes and end the same way to be an ISA.
 */
static int restart_interchange(x12kit_lexer *lx, const char *data, size_t len)
{
  char isa[X12KITP_ISA_LEN];

  if (len != X12KITP_ISA_LEN - 1)
    return fail(lx, X12KIT_ERR_ISA, "024", "ISA", (x12kit_slice){ data, len },
                "ISA is %zu characters: an ISA is exactly 106 characters with fixed-width "
                "fields", len + 1);
  memcpy(isa, data, len);
  isa[len] = lx->delims.segment;
  if (read_isa(lx, isa))
    return lx->status;
  lx->in_isa = 0;
  lx->in_st = 0;
  lx->after_se = 0;
  return X12KIT_OK;
}

/* Gives out a segment at data[0..len) that ended with a terminator. */
static int cut(x12kit_lexer *lx, const char *data, size_t len, size_t avail)
{
  if (lx->delims.segment == '\n') {
    lx->line++;
    if (len && data[len - 1] == '\r')
      len--;
  }
  if (len >= 3 && data[0] == 'I' && data[1] == 'S' && data[2] == 'A' &&
      (len == 3 || data[3] == lx->delims.element) && restart_interchange(lx, data, len))
    return lx->status;
  return make_segment(lx, data, len, avail);
}

/* Inside an interchange: the next segment up to its terminator. */
static int next_segment(x12kit_lexer *lx)
{
  const char term = lx->delims.segment;
  const char *start, *t;
  size_t avail, len;

  start = lx->in + lx->in_pos;
  avail = lx->in_len - lx->in_pos;
  if (lx->carry_len == 0) {
    skip_blanks(lx, 0);
    start = lx->in + lx->in_pos;
    avail = lx->in_len - lx->in_pos;
    if (avail == 0)
      return X12KIT_NEED_INPUT;
    lx->seg_offset = lx->offset;
    lx->seg_line = lx->line;
    t = memchr(start, term, avail);
    if (t != NULL) {
      len = (size_t)(t - start);
      lx->in_pos += len + 1;
      lx->offset += len + 1;
      return cut(lx, start, len, avail);
    }
    if (avail > lx->max_segment)
      return make_segment(lx, start, avail, avail); /* fails: too long */
    if (append_carry(lx, start, avail))
      return lx->status;
    lx->in_pos = lx->in_len;
    return X12KIT_NEED_INPUT;
  }
  /* continuing a segment kept in carry */
  t = memchr(start, term, avail);
  len = t ? (size_t)(t - start) : avail;
  if (lx->carry_len + len > lx->max_segment) {
    char id[4];
    return fail(lx, X12KIT_ERR_TOO_LONG, NULL, partial_id(lx, lx->carry, lx->carry_len, id),
                (x12kit_slice){ NULL, 0 },
                "segment is longer than %zu bytes (is a segment terminator missing?)",
                lx->max_segment);
  }
  if (append_carry(lx, start, len))
    return lx->status;
  lx->in_pos += len;
  if (t == NULL)
    return X12KIT_NEED_INPUT;
  lx->in_pos++;
  lx->offset += lx->carry_len + 1;
  lx->carry_given = 1;
  return cut(lx, lx->carry, lx->carry_len, lx->carry_len);
}

/* No more input: what is left must be nothing, blanks or a last unterminated line. */
static int at_end(x12kit_lexer *lx)
{
  x12kit_slice v = { lx->carry, lx->carry_len };

  if (lx->mode == MODE_SEGMENTS && lx->carry_len) {
    if (lx->delims.segment == '\n') {
      /* a newline-terminated file whose last line has no newline */
      size_t len = lx->carry_len;
      lx->offset += len;
      lx->carry_given = 1;
      if (lx->carry[len - 1] == '\r')
        len--;
      lx->line--; /* cut() counts the terminator that is not there */
      return cut(lx, lx->carry, len, lx->carry_len);
    }
    char id[4];
    return fail(lx, X12KIT_ERR_TRUNCATED, "023", partial_id(lx, lx->carry, lx->carry_len, id), v,
                "the input ends inside a segment (the last segment has no terminator)");
  }
  if (lx->carry_len)
    return fail(lx, X12KIT_ERR_TRUNCATED, "023", "ISA", v,
                "the input ends inside the ISA: an ISA is exactly 106 characters");
  if (lx->mode == MODE_START && lx->bom_seen)
    return fail(lx, X12KIT_ERR_ISA, NULL, NULL, v,
                "the input starts with an incomplete UTF-8 byte-order mark");
  if (!lx->seen_interchange) {
    lx->seg_offset = lx->offset;
    lx->seg_line = lx->line;
    return fail(lx, X12KIT_ERR_TRUNCATED, "023", NULL, v,
                "the input holds no ISA interchange header (is it empty?)");
  }
  return X12KIT_END;
}

int x12kit_lexer_next(x12kit_lexer *lx, const x12kit_segment **seg)
{
  int rc;

  if (lx == NULL || seg == NULL)
    return X12KIT_ERR_ARG;
  *seg = NULL;
  for (;;) {
    if (lx->status)
      return lx->status;
    if (lx->carry_given) {
      lx->carry_len = 0;
      lx->carry_given = 0;
      if (lx->done)
        return X12KIT_END;
    }
    if (!lx->have_chunk || lx->in_pos == lx->in_len) {
      if (!lx->finished)
        return X12KIT_NEED_INPUT;
      rc = at_end(lx);
      if (rc == X12KIT_OK) {
        lx->done = 1;
        *seg = &lx->seg;
      }
      return rc;
    }
    rc = lx->mode == MODE_SEGMENTS ? next_segment(lx) : next_isa(lx);
    if (rc == X12KIT_OK) {
      *seg = &lx->seg;
      return X12KIT_OK;
    }
    if (rc != X12KIT_NEED_INPUT)
      return rc;
  }
}

int x12kit_lexer_parse(x12kit_lexer *lx, const char *buf, size_t len, int is_final,
                       x12kit_segment_cb cb, void *user_data)
{
  const x12kit_segment *seg;
  int rc;

  if (lx == NULL || cb == NULL)
    return X12KIT_ERR_ARG;
  rc = x12kit_lexer_feed(lx, buf, len);
  if (rc)
    return rc;
  for (;;) {
    while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
      if (cb(user_data, seg) != 0)
        return X12KIT_ERR_ABORTED;
    if (rc == X12KIT_NEED_INPUT && is_final && !lx->finished) {
      rc = x12kit_lexer_finish(lx);
      if (rc)
        return rc;
      continue;
    }
    return rc == X12KIT_NEED_INPUT ? X12KIT_OK : rc;
  }
}

/* ---- segment accessors ---- */

const char *x12kit_segment_id(const x12kit_segment *seg)
{
  return seg->id;
}

size_t x12kit_segment_count(const x12kit_segment *seg)
{
  return seg->nelem;
}

x12kit_slice x12kit_segment_element(const x12kit_segment *seg, size_t n)
{
  x12kit_slice s = { seg->data + seg->len, 0 };

  if (n >= 1 && n <= seg->nelem) {
    size_t a = seg->offs[n - 1] + 1, b = seg->offs[n];
    s.ptr = seg->data + a;
    s.len = b - a;
  }
  return s;
}

/* Part |i| (1-based) of |s| split on |sep|; empty slice past the end. */
static x12kit_slice part(x12kit_slice s, char sep, size_t i, size_t *count)
{
  x12kit_slice r = { s.ptr + s.len, 0 };
  size_t k = 1, a = 0, j;

  for (j = 0; j <= s.len; j++) {
    if (j == s.len || s.ptr[j] == sep) {
      if (k == i) {
        r.ptr = s.ptr + a;
        r.len = j - a;
      }
      k++;
      a = j + 1;
    }
  }
  if (count)
    *count = s.len ? k - 1 : 0;
  return r;
}

size_t x12kit_segment_repetitions(const x12kit_segment *seg, size_t n)
{
  size_t count;
  x12kit_slice e = x12kit_segment_element(seg, n);

  if (seg->nelem >= 11 && seg->id[0] == 'I' && seg->id[1] == 'S' && seg->id[2] == 'A')
    return e.len ? 1 : 0; /* ISA fields never repeat; ISA11 is the separator itself */
  part(e, seg->delims.repetition, 0, &count);
  return count;
}

size_t x12kit_segment_components(const x12kit_segment *seg, size_t n, size_t r)
{
  size_t count;
  x12kit_slice e = x12kit_segment_element(seg, n);

  if (seg->id[0] == 'I' && seg->id[1] == 'S' && seg->id[2] == 'A')
    return r == 1 && e.len ? 1 : 0;
  e = part(e, seg->delims.repetition, r, NULL);
  part(e, seg->delims.component, 0, &count);
  return count;
}

x12kit_slice x12kit_segment_component(const x12kit_segment *seg, size_t n, size_t r, size_t c)
{
  x12kit_slice e = x12kit_segment_element(seg, n);

  if (seg->id[0] == 'I' && seg->id[1] == 'S' && seg->id[2] == 'A') {
    if (r == 1 && c == 1)
      return e;
    return (x12kit_slice){ e.ptr + e.len, 0 };
  }
  e = part(e, seg->delims.repetition, r, NULL);
  return part(e, seg->delims.component, c, NULL);
}

x12kit_slice x12kit_segment_raw(const x12kit_segment *seg)
{
  x12kit_slice s = { seg->data, seg->len };
  return s;
}

const x12kit_position *x12kit_segment_position(const x12kit_segment *seg)
{
  return &seg->pos;
}

const x12kit_delimiters *x12kit_segment_delimiters(const x12kit_segment *seg)
{
  return &seg->delims;
}
