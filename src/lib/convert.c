/*
 * x12kit - X12 to XML and JSON and back (see convert.h, docs/convert.md).
 *
 * Every conversion goes through X12 in the middle:
 *
 *   X12 ----lexer + validator----> tree of one transaction --> XML, JSON, X12
 *   XML ----libxml2 pull reader--> segments as X12 bytes ----> output, or
 *   JSON ---jansson, one line----> segments as X12 bytes ----> the X12 path
 *
 * so loops always come from the validator's walk of the map, never from a
 * second guess, and XML to JSON is XML to X12 to JSON.  Each stage holds at
 * most one transaction (X12), one segment (XML) or one line (JSON).
 *
 * The XML and JSON are written by hand rather than through a DOM: the
 * output is a straight run of escaped values, and building a tree per
 * transaction only to print it would halve the throughput.  Reading
 * uses libxml2 and jansson, which know every corner of the syntax.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/xmlreader.h>

#include "guide.h"

#define OUT_FLUSH (64u * 1024u)       /* output is pushed in pieces of about this size */
#define READ_CHUNK (64u * 1024u)
#define MAX_LOOPS 32                  /* deeper than any map nests */

typedef struct cv cv;

/* ---- output buffer ---- */

typedef struct obuf {
  char *p;
  size_t len, cap;
  x12kit_write_fn fn;
  void *ud;
} obuf;

/* ---- the converter ---- */

struct cv {
  const x12kit_schema *schema;
  x12kit_mem mem;
  x12kit_format to;
  int show;
  size_t max_doc;
  x12kit_error err;
  int status;
  obuf out;

  /* X12 input */
  x12kit_lexer *lx;
  x12kit_validator *v;
  int in_ic, in_grp, in_tx;
  unsigned long groups, txs, tx_done;
  int isa_pending;                    /* ISA seen, its line end not known yet */
  struct x12kit_segment isa;          /* a copy of the pending ISA */
  char isa_data[X12KITP_ISA_LEN + 8];
  uint32_t isa_offs[17];
  char eol[3];                        /* line end after each segment */
  x12kit_position last;               /* of the last segment read */
  x12kit_delimiters d;
  int xml_open;                       /* <x12> written */

  /* XML or JSON input: the segment being built, as X12 bytes */
  char *sb;
  size_t sb_len, sb_cap;
  unsigned sb_elems;                  /* elements written so far */
  char sb_id[4];
  int have_delims;
  x12kit_delimiters od;               /* of the document being read */
  char oeol[3];
  unsigned long o_segs, o_txs, o_groups;
  int o_ic, o_grp, o_tx;
  unsigned long line;                 /* XML or JSON line, for messages */
  int pipe;                           /* output is not X12: bytes go to the lexer */
};

static int cv_fail(cv *c, int code, unsigned long line, const char *fmt, ...)
  X12KITP_PRINTF(4, 5);

/* The first failure wins; later ones are consequences. */
static int cv_fail(cv *c, int code, unsigned long line, const char *fmt, ...)
{
  va_list ap;

  if (c->status)
    return c->status;
  va_start(ap, fmt);
  x12kitp_error_vset(&c->err, code, X12KIT_ACK_NONE, "", fmt, ap);
  va_end(ap);
  c->err.pos.line = line;
  c->status = code;
  return code;
}

/* A failure about X12 segment |seg|: its position goes into the error. */
static int seg_fail(cv *c, const x12kit_segment *seg, unsigned elem, x12kit_slice value,
                    const char *fmt, ...) X12KITP_PRINTF(5, 6);

static int seg_fail(cv *c, const x12kit_segment *seg, unsigned elem, x12kit_slice value,
                    const char *fmt, ...)
{
  va_list ap;

  if (c->status)
    return c->status;
  va_start(ap, fmt);
  x12kitp_error_vset(&c->err, X12KIT_ERR_SYNTAX, X12KIT_ACK_NONE, "", fmt, ap);
  va_end(ap);
  c->err.pos = seg->pos;
  snprintf(c->err.segment_id, sizeof c->err.segment_id, "%s", seg->id);
  c->err.element = elem;
  if (c->show && value.len)
    x12kitp_error_value(&c->err, value);
  c->status = X12KIT_ERR_SYNTAX;
  return c->status;
}

static int ob_flush(cv *c)
{
  obuf *o = &c->out;

  if (o->len && o->fn(o->ud, o->p, o->len) != 0)
    return cv_fail(c, X12KIT_ERR_IO, 0, "cannot write the output");
  o->len = 0;
  return X12KIT_OK;
}

/* Room for |n| more bytes; flushes first when the buffer is well filled. */
static int ob_room(cv *c, size_t n)
{
  obuf *o = &c->out;

  if (o->len + n <= o->cap)
    return X12KIT_OK;
  if (o->len >= OUT_FLUSH && ob_flush(c))
    return c->status;
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap : 2 * OUT_FLUSH;
    char *p;
    while (cap < o->len + n)
      cap *= 2;
    p = x12kitp_realloc(&c->mem, o->p, cap);
    if (p == NULL)
      return cv_fail(c, X12KIT_ERR_NOMEM, 0, "out of memory");
    o->p = p;
    o->cap = cap;
  }
  return X12KIT_OK;
}

static inline int ob_put(cv *c, const char *s, size_t n)
{
  if (X12KITP_UNLIKELY(c->out.len + n > c->out.cap) && ob_room(c, n))
    return c->status;
  memcpy(c->out.p + c->out.len, s, n);
  c->out.len += n;
  return X12KIT_OK;
}

#define OB_LIT(c, s) ob_put((c), (s), sizeof(s) - 1)

static int ob_str(cv *c, const char *s)
{
  return ob_put(c, s, strlen(s));
}

/* Decimal digits of |v| ending at |end|; returns where they start.  No printf: it is hot. */
static char *digits(char *end, unsigned long v)
{
  do {
    *--end = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return end;
}

static int ob_ulong(cv *c, unsigned long v)
{
  char buf[24], *p = digits(buf + sizeof buf, v);

  return ob_put(c, p, (size_t)(buf + sizeof buf - p));
}

/* ---- values XML and JSON can carry ---- */

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
  unsigned ch = p[0];
  size_t len, i;
  unsigned long cp;

  if (ch < 0x80)
    return 1;
  if (ch >= 0xc2 && ch <= 0xdf)
    len = 2, cp = ch & 0x1f;
  else if (ch >= 0xe0 && ch <= 0xef)
    len = 3, cp = ch & 0x0f;
  else if (ch >= 0xf0 && ch <= 0xf4)
    len = 4, cp = ch & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return len;
}

/* Where a value being written sits, for a refusal. */
typedef struct vloc {
  const x12kit_segment *seg;
  unsigned elem;
} vloc;

static int bad_value(cv *c, const vloc *at, x12kit_slice v, const char *why)
{
  if (at->seg == NULL)
    return cv_fail(c, X12KIT_ERR_SYNTAX, 0, "a transaction set header value (ST01, ST02 or "
                   "ST03) %s, which %s cannot carry; correct the value", why,
                   c->to == X12KIT_FORMAT_XML ? "XML" : "JSON");
  return seg_fail(c, at->seg, at->elem, v, "%s%02u %s, which %s cannot carry; convert it as "
                  "X12 or correct the value", at->seg->id, at->elem, why,
                  c->to == X12KIT_FORMAT_XML ? "XML" : "JSON");
}

/* Writes |v| escaped for XML text or an attribute value. */
static int xml_text(cv *c, x12kit_slice v, const vloc *at)
{
  const unsigned char *p = (const unsigned char *)v.ptr;
  size_t i, start = 0;

  if (ob_room(c, v.len))
    return c->status;
  for (i = 0; i < v.len;) {
    unsigned char ch = p[i];
    const char *rep;
    size_t k;
    if (ch >= 0x20 && ch < 0x7f && ch != '&' && ch != '<' && ch != '>' && ch != '"') {
      i++;
      continue;
    }
    if (ch >= 0x80) {
      k = utf8_len(p + i, v.len - i);
      if (k == 0)
        return bad_value(c, at, v, "holds a byte that is not UTF-8 text");
      i += k;
      continue;
    }
    switch (ch) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    default:
      return bad_value(c, at, v, "holds a control character");
    }
    if (ob_put(c, v.ptr + start, i - start) || ob_str(c, rep))
      return c->status;
    start = ++i;
  }
  return ob_put(c, v.ptr + start, i - start);
}

/* Bytes a JSON string carries as they are: printable ASCII but '"' and '\\'.  A table,
   because the test runs once for every byte converted. */
static const unsigned char json_plain[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* Writes |v| as a JSON string, quotes included. */
static int json_str(cv *c, x12kit_slice v, const vloc *at)
{
  const unsigned char *p = (const unsigned char *)v.ptr;
  size_t i, start = 0;

  if (c->out.len + v.len + 2 > c->out.cap && ob_room(c, v.len + 2))
    return c->status;
  c->out.p[c->out.len++] = '"';
  for (i = 0; i < v.len;) {
    unsigned char ch = p[i];
    char esc[8];
    size_t k;
    if (json_plain[ch]) {
      i++;
      continue;
    }
    if (ch >= 0x80) {
      k = utf8_len(p + i, v.len - i);
      if (k == 0)
        return bad_value(c, at, v, "holds a byte that is not UTF-8 text");
      i += k;
      continue;
    }
    if (ch == '"' || ch == '\\')
      snprintf(esc, sizeof esc, "\\%c", ch);
    else
      snprintf(esc, sizeof esc, "\\u%04x", ch);
    if (ob_put(c, v.ptr + start, i - start) || ob_str(c, esc))
      return c->status;
    start = ++i;
  }
  if (ob_put(c, v.ptr + start, i - start))
    return c->status;
  return OB_LIT(c, "\"");
}

static int json_cstr(cv *c, const char *s)
{
  x12kit_slice v = { s, strlen(s) };
  vloc at = { NULL, 0 };

  return json_str(c, v, &at);
}

static int xml_attr(cv *c, const char *name, const char *value)
{
  x12kit_slice v = { value, strlen(value) };
  vloc at = { NULL, 0 };

  if (OB_LIT(c, " ") || ob_str(c, name) || OB_LIT(c, "=\"") || xml_text(c, v, &at))
    return c->status;
  return OB_LIT(c, "\"");
}

/* A delimiter as an attribute value: line breaks as character references. */
static int xml_delim(cv *c, const char *name, char d)
{
  char buf[8];

  if (d == '\n')
    snprintf(buf, sizeof buf, "&#10;");
  else if (d == '\r')
    snprintf(buf, sizeof buf, "&#13;");
  else if ((unsigned char)d < 0x20 || (unsigned char)d >= 0x7f)
    return cv_fail(c, X12KIT_ERR_SYNTAX, 0,
                   "the interchange uses a control character as a delimiter, which XML cannot "
                   "carry; convert it to JSON, or re-send it with printable delimiters");
  else if (d == '&')
    snprintf(buf, sizeof buf, "&amp;");
  else if (d == '<')
    snprintf(buf, sizeof buf, "&lt;");
  else if (d == '"')
    snprintf(buf, sizeof buf, "&quot;");
  else
    snprintf(buf, sizeof buf, "%c", d);
  if (OB_LIT(c, " ") || ob_str(c, name) || OB_LIT(c, "=\"") || ob_str(c, buf))
    return c->status;
  return OB_LIT(c, "\"");
}

static const char *eol_name(const char *eol)
{
  return eol[0] == '\0' ? "" : eol[0] == '\r' ? "\r\n" : "\n";
}

/* ---- segments out ---- */

static int is_isa(const x12kit_segment *seg)
{
  return seg->id[0] == 'I' && seg->id[1] == 'S' && seg->id[2] == 'A' && seg->id[3] == '\0';
}

static const x12kitp_elem *elem_def(const x12kitp_segdef *sd, size_t pos)
{
  return sd && pos <= sd->maxpos ? sd->by_pos[pos] : NULL;
}

static const x12kitp_elem *comp_def(const x12kitp_elem *e, size_t pos)
{
  size_t i;

  for (i = 0; e && i < e->ncomp; i++)
    if (e->comps[i].pos == pos)
      return &e->comps[i];
  return NULL;
}

/* Splits |v| at |sep| and calls the writer for each piece. */
static int xml_components(cv *c, x12kit_slice v, const x12kitp_elem *e, const vloc *at)
{
  const char sep = at->seg->delims.component;
  size_t a = 0, j, k = 1;

  for (j = 0; j <= v.len; j++) {
    x12kit_slice piece;
    const x12kitp_elem *ce;
    char num[8];
    if (j < v.len && v.ptr[j] != sep)
      continue;
    piece.ptr = v.ptr + a;
    piece.len = j - a;
    ce = comp_def(e, k);
    {
      char *d = digits(num + sizeof num - 1, k);
      num[sizeof num - 1] = '\0';
      memmove(num, d, (size_t)(num + sizeof num - d));
    }
    if (OB_LIT(c, "<component") || xml_attr(c, "pos", num))
      return c->status;
    if (ce && (xml_attr(c, "ref", ce->ref_text) || xml_attr(c, "name", ce->name)))
      return c->status;
    if (piece.len == 0) {
      if (OB_LIT(c, "/>"))
        return c->status;
    } else if (OB_LIT(c, ">") || xml_text(c, piece, at) || OB_LIT(c, "</component>")) {
      return c->status;
    }
    k++;
    a = j + 1;
  }
  return X12KIT_OK;
}

/* One repetition or a whole element: text, or components. */
static int xml_piece(cv *c, x12kit_slice v, const x12kitp_elem *e, const vloc *at)
{
  if (memchr(v.ptr, at->seg->delims.component, v.len))
    return xml_components(c, v, e, at);
  return xml_text(c, v, at);
}

/*
 * Element positions are two digits in both documents (NM101), so
 * on_segment refuses a longer segment before anything is written.
 */
static int too_many_elements(cv *c, const x12kit_segment *seg)
{
  return seg_fail(c, seg, 0, (x12kit_slice){ NULL, 0 },
                  "%s has %zu elements; X12 numbers at most 99, and so do the documents",
                  seg->id, x12kit_segment_count(seg));
}

static int xml_segment(cv *c, const x12kit_segment *seg, const x12kitp_segdef *sd,
                       int unplaced, unsigned long pos, int indent)
{
  static const char spaces[] = "                                                              "
                               "                                        ";
  size_t i, n = x12kit_segment_count(seg);
  int isa = is_isa(seg);
  size_t ind = (size_t)indent < sizeof spaces - 3 ? (size_t)indent : sizeof spaces - 3;
  vloc at = { seg, 0 };

  if (ob_put(c, spaces, ind) || OB_LIT(c, "<segment id=\"") || ob_str(c, seg->id) ||
      OB_LIT(c, "\" pos=\"") || ob_ulong(c, pos) || OB_LIT(c, "\""))
    return c->status;
  if (sd && xml_attr(c, "name", sd->name))
    return c->status;
  if (unplaced && OB_LIT(c, " unplaced=\"true\""))
    return c->status;
  if (OB_LIT(c, ">\n"))
    return c->status;
  for (i = 1; i <= n; i++) {
    x12kit_slice v = x12kit_segment_element(seg, i);
    const x12kitp_elem *e = elem_def(sd, i);
    char num[8];
    at.elem = (unsigned)i;
    num[0] = (char)('0' + i / 10 % 10);
    num[1] = (char)('0' + i % 10);
    num[2] = '\0';
    if (ob_put(c, spaces, ind + 2) || OB_LIT(c, "<element") || xml_attr(c, "pos", num))
      return c->status;
    if (e && (xml_attr(c, "ref", e->ref_text) || xml_attr(c, "name", e->name)))
      return c->status;
    if (v.len == 0) {
      if (OB_LIT(c, "/>\n"))
        return c->status;
      continue;
    }
    if (OB_LIT(c, ">"))
      return c->status;
    if (isa) {
      if (xml_text(c, v, &at))
        return c->status;
    } else if (memchr(v.ptr, seg->delims.repetition, v.len)) {
      size_t a = 0, j;
      for (j = 0; j <= v.len; j++) {
        x12kit_slice r;
        if (j < v.len && v.ptr[j] != seg->delims.repetition)
          continue;
        r.ptr = v.ptr + a;
        r.len = j - a;
        if (r.len == 0) {
          if (OB_LIT(c, "<repetition/>"))
            return c->status;
        } else if (OB_LIT(c, "<repetition>") || xml_piece(c, r, e, &at) ||
                   OB_LIT(c, "</repetition>")) {
          return c->status;
        }
        a = j + 1;
      }
    } else if (xml_piece(c, v, e, &at)) {
      return c->status;
    }
    if (OB_LIT(c, "</element>\n"))
      return c->status;
  }
  if (ob_put(c, spaces, ind))
    return c->status;
  return OB_LIT(c, "</segment>\n");
}

/* A JSON array of the pieces of |v| split at |sep|. */
static int json_split(cv *c, x12kit_slice v, char sep, const vloc *at)
{
  size_t a = 0, j;

  if (OB_LIT(c, "["))
    return c->status;
  for (j = 0; j <= v.len; j++) {
    x12kit_slice piece;
    if (j < v.len && v.ptr[j] != sep)
      continue;
    piece.ptr = v.ptr + a;
    piece.len = j - a;
    if ((a > 0 && OB_LIT(c, ",")) || json_str(c, piece, at))
      return c->status;
    a = j + 1;
  }
  return OB_LIT(c, "]");
}

static int json_segment(cv *c, const x12kit_segment *seg, int unplaced, unsigned long pos)
{
  size_t i, n = x12kit_segment_count(seg), idn = strlen(seg->id), kn;
  int isa = is_isa(seg);
  vloc at = { seg, 0 };
  const x12kit_delimiters *d = &seg->delims;
  const unsigned char rep = (unsigned char)d->repetition, comp = (unsigned char)d->component;
  char key[16];                 /* ,"<id>NN": and an id has at most 3 characters */

  if (OB_LIT(c, "{\"segment\":\"") || ob_put(c, seg->id, idn) || OB_LIT(c, "\",\"pos\":") ||
      ob_ulong(c, pos))
    return c->status;
  if (unplaced && OB_LIT(c, ",\"unplaced\":true"))
    return c->status;
  if (OB_LIT(c, ",\"elements\":{"))
    return c->status;
  /* Only the key's two digits change from one element to the next; the first has no comma. */
  key[0] = ',';
  key[1] = '"';
  memcpy(key + 2, seg->id, idn);
  kn = 2 + idn + 4;
  key[kn - 2] = '"';
  key[kn - 1] = ':';
  for (i = 1; i <= n; i++) {
    /* i <= nelem: the element is there, between two separator offsets */
    x12kit_slice v = { seg->data + seg->offs[i - 1] + 1, seg->offs[i] - seg->offs[i - 1] - 1 };
    const unsigned char *p = (const unsigned char *)v.ptr;
    const char *k = i > 1 ? key : key + 1;
    size_t j = 0, klen = i > 1 ? kn : kn - 1;
    key[2 + idn] = (char)('0' + i / 10 % 10);
    key[3 + idn] = (char)('0' + i % 10);
    at.elem = (unsigned)i;
    /* Most values are plain text with no separator: key and value go out in one copy.
       ISA's own elements are never split, and are rare: the general path takes them. */
    if (!isa)
      while (j < v.len && json_plain[p[j]] && p[j] != rep && p[j] != comp)
        j++;
    if (j == v.len) {
      char *o;
      if (c->out.len + klen + v.len + 2 > c->out.cap && ob_room(c, klen + v.len + 2))
        return c->status;
      o = c->out.p + c->out.len;
      memcpy(o, k, klen);
      o += klen;
      *o++ = '"';
      memcpy(o, v.ptr, v.len);
      o += v.len;
      *o++ = '"';
      c->out.len = (size_t)(o - c->out.p);
      continue;
    }
    if (ob_put(c, k, klen))
      return c->status;
    if (isa || (!memchr(v.ptr, d->repetition, v.len) && !memchr(v.ptr, d->component, v.len))) {
      if (json_str(c, v, &at))
        return c->status;
    } else if (!memchr(v.ptr, d->repetition, v.len)) {
      if (json_split(c, v, d->component, &at))
        return c->status;
    } else {
      size_t a = 0;
      if (OB_LIT(c, "["))
        return c->status;
      for (j = 0; j <= v.len; j++) {
        x12kit_slice r;
        if (j < v.len && v.ptr[j] != d->repetition)
          continue;
        r.ptr = v.ptr + a;
        r.len = j - a;
        if ((a > 0 && OB_LIT(c, ",")) || json_split(c, r, d->component, &at))
          return c->status;
        a = j + 1;
      }
      if (OB_LIT(c, "]"))
        return c->status;
    }
  }
  return OB_LIT(c, "}}");
}

/* A segment as X12; SE01, GE01 and IEA01 become |count| when |count_it|. */
static int x12_segment(cv *c, const x12kit_segment *seg, int count_it, unsigned long count)
{
  x12kit_slice raw = x12kit_segment_raw(seg);

  if (count_it) {
    size_t rest = seg->nelem >= 1 ? seg->offs[1] : raw.len;
    char num[24];
    int n = snprintf(num, sizeof num, "%c%lu", seg->delims.element, count);
    if (ob_put(c, seg->id, strlen(seg->id)) || ob_put(c, num, (size_t)n) ||
        ob_put(c, raw.ptr + rest, raw.len - rest))
      return c->status;
  } else if (ob_put(c, raw.ptr, raw.len)) {
    return c->status;
  }
  if (ob_put(c, &seg->delims.segment, 1))
    return c->status;
  return ob_str(c, c->eol);
}

/*
 * An envelope segment (ISA, GS, GE, IEA, TA1) in the output format; in
 * JSON a line of its own, {"type": |kind|, "segment": {...}}.
 */
static int env_segment(cv *c, const x12kit_segment *seg, const char *kind, int indent,
                       int count_it, unsigned long count)
{
  switch (c->to) {
  case X12KIT_FORMAT_XML:
    return xml_segment(c, seg, x12kitp_schema_control(c->schema, seg->id), 0,
                       seg->pos.in_interchange, indent);
  case X12KIT_FORMAT_JSON:
    if (OB_LIT(c, "{\"type\":\"") || ob_str(c, kind) || OB_LIT(c, "\",\"segment\":") ||
        json_segment(c, seg, 0, seg->pos.in_interchange))
      return c->status;
    return OB_LIT(c, "}\n");
  default:
    return x12_segment(c, seg, count_it, count);
  }
}

/* ---- transactions out ---- */

/* The definition of segment node |n| among the children of loop |ld|. */
static const x12kitp_segdef *node_segdef(const x12kitp_loopdef *ld, const x12kit_node *n)
{
  const char *id = x12kit_node_id(n), *name = x12kit_node_name(n);
  size_t i;

  if (ld == NULL || name[0] == '\0')
    return NULL;
  for (i = 0; i < ld->nchild; i++)
    if (ld->children[i].seg && ld->children[i].seg->name == name)
      return ld->children[i].seg;
  for (i = 0; i < ld->nchild; i++)
    if (ld->children[i].seg && strcmp(ld->children[i].seg->id, id) == 0 &&
        strcmp(ld->children[i].seg->name, name) == 0)
      return ld->children[i].seg;
  return NULL;
}

static const x12kitp_loopdef *node_loopdef(const x12kitp_loopdef *ld, const x12kit_node *n)
{
  size_t i;

  for (i = 0; ld && i < ld->nchild; i++)
    if (ld->children[i].loop && strcmp(ld->children[i].loop->id, x12kit_node_id(n)) == 0)
      return ld->children[i].loop;
  return NULL;
}

/* Is segment node |n| in the place the map gives it? */
static int node_unplaced(const x12kit_guide *g, const x12kit_node *n)
{
  return g != NULL && x12kit_node_name(n)[0] == '\0';
}

static int tx_segment_out(cv *c, const x12kit_guide *g, const x12kit_node *n,
                          const x12kitp_segdef *sd, int indent, unsigned long segs)
{
  const x12kit_segment *seg = x12kit_node_segment(n);
  int is_se = strcmp(seg->id, "SE") == 0;

  switch (c->to) {
  case X12KIT_FORMAT_XML:
    return xml_segment(c, seg, sd, node_unplaced(g, n), seg->pos.in_transaction, indent);
  case X12KIT_FORMAT_JSON:
    return json_segment(c, seg, node_unplaced(g, n), seg->pos.in_transaction);
  default:
    return x12_segment(c, seg, is_se, segs);
  }
}

static int xml_children(cv *c, const x12kit_guide *g, const x12kit_node *parent,
                        const x12kitp_loopdef *ld, int indent, int depth)
{
  const x12kit_node *n;

  for (n = x12kit_node_first_child(parent); n && !c->status; n = x12kit_node_next(n)) {
    if (x12kit_node_kind_of(n) == X12KIT_NODE_SEGMENT) {
      tx_segment_out(c, g, n, node_segdef(ld, n), indent, 0);
      continue;
    }
    if (depth >= MAX_LOOPS)
      return cv_fail(c, X12KIT_ERR_SYNTAX, 0, "loops nest too deep");
    if (ob_put(c, "                                                                ",
               (size_t)(indent < 64 ? indent : 64)) ||
        OB_LIT(c, "<loop") || xml_attr(c, "id", x12kit_node_id(n)) ||
        xml_attr(c, "name", x12kit_node_name(n)) || OB_LIT(c, ">\n") ||
        xml_children(c, g, n, node_loopdef(ld, n), indent + 2, depth + 1) ||
        ob_put(c, "                                                                ",
               (size_t)(indent < 64 ? indent : 64)) ||
        OB_LIT(c, "</loop>\n"))
      return c->status;
  }
  return c->status;
}

/* Items of a content array: segments, and each run of one loop's instances as one object. */
static int json_children(cv *c, const x12kit_guide *g, const x12kit_node *parent,
                         const x12kitp_loopdef *ld, int depth)
{
  const x12kit_node *n = x12kit_node_first_child(parent);
  int first = 1;

  if (OB_LIT(c, "["))
    return c->status;
  while (n && !c->status) {
    if (!first && OB_LIT(c, ","))
      return c->status;
    first = 0;
    if (x12kit_node_kind_of(n) == X12KIT_NODE_SEGMENT) {
      tx_segment_out(c, g, n, NULL, 0, 0);
      n = x12kit_node_next(n);
      continue;
    }
    if (depth >= MAX_LOOPS)
      return cv_fail(c, X12KIT_ERR_SYNTAX, 0, "loops nest too deep");
    {
      const char *id = x12kit_node_id(n);
      const x12kitp_loopdef *sub = node_loopdef(ld, n);
      int inst = 0;
      if (OB_LIT(c, "{\"loop\":") || json_cstr(c, id) || OB_LIT(c, ",\"name\":") ||
          json_cstr(c, x12kit_node_name(n)) || OB_LIT(c, ",\"instances\":["))
        return c->status;
      for (; n && x12kit_node_kind_of(n) == X12KIT_NODE_LOOP && strcmp(x12kit_node_id(n), id) == 0;
           n = x12kit_node_next(n)) {
        if ((inst++ && OB_LIT(c, ",")) || json_children(c, g, n, sub, depth + 1))
          return c->status;
      }
      if (OB_LIT(c, "]}"))
        return c->status;
    }
  }
  return c->status ? c->status : OB_LIT(c, "]");
}

static int x12_children(cv *c, const x12kit_node *parent, unsigned long *segs)
{
  const x12kit_node *n;

  for (n = x12kit_node_first_child(parent); n && !c->status; n = x12kit_node_next(n)) {
    if (x12kit_node_kind_of(n) == X12KIT_NODE_SEGMENT) {
      ++*segs;
      tx_segment_out(c, NULL, n, NULL, 0, *segs);
    } else {
      x12_children(c, n, segs);
    }
  }
  return c->status;
}

static int on_tx(void *ud, const x12kit_guide *g, const x12kit_transaction_info *st,
                 const x12kit_node *root)
{
  cv *c = ud;
  unsigned long segs = 0;

  c->tx_done++;
  switch (c->to) {
  case X12KIT_FORMAT_XML:
    if (OB_LIT(c, "      <transaction") || xml_attr(c, "set", st->id) ||
        xml_attr(c, "control", st->control) ||
        (st->version[0] && xml_attr(c, "version", st->version)) ||
        (g && (xml_attr(c, "guide", x12kit_guide_id(g)) || xml_attr(c, "name", x12kit_guide_name(g)))) ||
        OB_LIT(c, ">\n") || xml_children(c, g, root, g ? &g->root : NULL, 8, 0) ||
        OB_LIT(c, "      </transaction>\n"))
      return 1;
    break;
  case X12KIT_FORMAT_JSON:
    if (OB_LIT(c, "{\"type\":\"transaction\",\"set\":") || json_cstr(c, st->id) ||
        OB_LIT(c, ",\"control\":") || json_cstr(c, st->control) ||
        (st->version[0] && (OB_LIT(c, ",\"version\":") || json_cstr(c, st->version))) ||
        (g && (OB_LIT(c, ",\"guide\":") || json_cstr(c, x12kit_guide_id(g)))) ||
        OB_LIT(c, ",\"content\":") || json_children(c, g, root, g ? &g->root : NULL, 0) ||
        OB_LIT(c, "}\n"))
      return 1;
    break;
  default:
    if (x12_children(c, root, &segs))
      return 1;
    break;
  }
  return 0;
}

/* ---- X12 input ---- */

static int interchange_out(cv *c)
{
  const x12kit_delimiters *d = &c->isa.delims;
  char dl[4] = { d->element, d->repetition, d->component, d->segment };
  vloc at = { &c->isa, 0 };
  size_t i;

  c->isa_pending = 0;
  switch (c->to) {
  case X12KIT_FORMAT_XML:
    if (OB_LIT(c, "  <interchange") || xml_delim(c, "element-separator", d->element) ||
        xml_delim(c, "repetition-separator", d->repetition) ||
        xml_delim(c, "component-separator", d->component) ||
        xml_delim(c, "segment-terminator", d->segment) || OB_LIT(c, " line-end=\"") ||
        ob_str(c, c->eol[0] == '\0' ? "" : c->eol[0] == '\r' ? "&#13;&#10;" : "&#10;") ||
        OB_LIT(c, "\">\n"))
      return c->status;
    return env_segment(c, &c->isa, "", 4, 0, 0);
  case X12KIT_FORMAT_JSON:
    if (OB_LIT(c, "{\"type\":\"interchange\",\"delimiters\":{"))
      return c->status;
    for (i = 0; i < 4; i++) {
      static const char *const names[] = { "\"element\":", ",\"repetition\":",
                                           ",\"component\":", ",\"segment\":" };
      x12kit_slice s = { dl + i, 1 };
      if (ob_str(c, names[i]) || json_str(c, s, &at))
        return c->status;
    }
    if (OB_LIT(c, ",\"line_end\":") || json_cstr(c, eol_name(c->eol)) ||
        OB_LIT(c, "},\"segment\":") || json_segment(c, &c->isa, 0, 1) || OB_LIT(c, "}\n"))
      return c->status;
    return X12KIT_OK;
  default:
    return env_segment(c, &c->isa, "", 0, 0, 0);
  }
}

/*
 * The line end after the pending ISA, from where |next| starts: the
 * lexer skips CR and LF between segments, and counts LFs as lines.
 */
static void learn_eol(cv *c, const x12kit_segment *next)
{
  uint64_t end = c->isa.pos.byte_offset + c->isa.len + 1;
  uint64_t gap = next && next->pos.byte_offset > end ? next->pos.byte_offset - end : 0;

  if (gap == 0 || next->pos.line == c->isa.pos.line)
    c->eol[0] = '\0';
  else if (gap == 1)
    snprintf(c->eol, sizeof c->eol, "\n");
  else
    snprintf(c->eol, sizeof c->eol, "\r\n");
  if (c->isa.delims.segment == '\n')
    c->eol[0] = '\0';
}

static int refuse(cv *c, const x12kit_segment *seg, const char *why)
{
  return seg_fail(c, seg, 0, (x12kit_slice){ NULL, 0 },
                  "%s %s; convert needs whole envelopes (ISA, GS, ST ... SE, GE, IEA): "
                  "correct the file and convert again", seg->id, why);
}

/*
 * The ISA is read at fixed widths, so a field can hold a byte that is
 * one of the interchange's delimiters (a segment terminator inside
 * ISA13, say).  No document could carry it back into X12, so the
 * interchange is refused here, naming the field.  ISA11 and ISA16 are
 * the repetition and component separators themselves.  Returns 1 after
 * the error (nonzero), 0 when the ISA is clean.
 */
static int isa_holds_delimiter(cv *c, const x12kit_segment *seg)
{
  const x12kit_delimiters *d = &seg->delims;
  size_t i, k;

  for (i = 0; i < seg->nelem; i++) {
    const char *v = seg->data + seg->offs[i] + 1;
    size_t n = seg->offs[i + 1] - seg->offs[i] - 1;

    if (i + 1 == 11 || i + 1 == 16)
      continue;
    for (k = 0; k < n; k++)
      if (v[k] == d->element || v[k] == d->segment || v[k] == d->repetition ||
          v[k] == d->component)
        return seg_fail(c, seg, (unsigned)(i + 1), (x12kit_slice){ v, n },
                        "ISA%02zu holds a delimiter of the interchange, which no "
                        "document can carry back into X12: correct the ISA", i + 1);
  }
  return 0;
}

static int on_segment(void *ud, const x12kit_segment *seg)
{
  cv *c = ud;
  const char *id = seg->id;
  int isa = is_isa(seg), gs = !strcmp(id, "GS"), st = !strcmp(id, "ST"), se = !strcmp(id, "SE");
  int ge = !strcmp(id, "GE"), iea = !strcmp(id, "IEA"), ta1 = !strcmp(id, "TA1");
  unsigned long before = c->tx_done;

  if (c->status)
    return 1;
  c->last = seg->pos;
  /* Refused whatever the output, so that X12 the converter writes always
     has documents that carry it. */
  if (seg->nelem > 99) {
    too_many_elements(c, seg);
    return 1;
  }
  if (c->isa_pending) {
    learn_eol(c, seg);
    if (interchange_out(c))
      return 1;
  }
  if (isa) {
    if (c->in_ic)
      return refuse(c, seg, "starts an interchange before the IEA of the one before");
    if (seg->len > sizeof c->isa_data || seg->nelem > 16)
      return refuse(c, seg, "is longer than an ISA can be");
    if (isa_holds_delimiter(c, seg))
      return 1;
    c->in_ic = 1;
    c->groups = 0;
    memcpy(c->isa_data, seg->data, seg->len);
    memcpy(c->isa_offs, seg->offs, (seg->nelem + 1) * sizeof *seg->offs);
    c->isa = *seg;
    c->isa.data = c->isa_data;
    c->isa.offs = c->isa_offs;
    c->isa_pending = 1;
  } else if (gs) {
    if (!c->in_ic || c->in_grp)
      return refuse(c, seg, c->in_ic ? "starts a group before the GE of the one before"
                                     : "is outside an interchange");
    c->in_grp = 1;
    c->txs = 0;
    if ((c->to == X12KIT_FORMAT_XML && OB_LIT(c, "    <group>\n")) ||
        env_segment(c, seg, "group", 6, 0, 0))
      return 1;
  } else if (st) {
    if (!c->in_grp || c->in_tx)
      return refuse(c, seg, c->in_tx ? "starts a transaction set before the SE of the one "
                                       "before" : "is outside a functional group");
    c->in_tx = 1;
  } else if (se) {
    if (!c->in_tx)
      return refuse(c, seg, "ends a transaction set that was never started");
  } else if (ge) {
    if (!c->in_grp || c->in_tx)
      return refuse(c, seg, c->in_tx ? "comes before the SE of the transaction set"
                                     : "ends a group that was never started");
  } else if (iea) {
    if (!c->in_ic || c->in_grp)
      return refuse(c, seg, c->in_grp ? "comes before the GE of the group"
                                      : "ends an interchange that was never started");
  } else if (ta1) {
    if (!c->in_ic || c->in_grp)
      return refuse(c, seg, "is not directly inside an interchange");
  } else if (!c->in_tx) {
    return refuse(c, seg, "is outside a transaction set");
  }
  if (x12kit_validator_segment(c->v, seg) != X12KIT_OK) {
    if (!c->status)
      cv_fail(c, X12KIT_ERR_NOMEM, 0, "out of memory");
    return 1;
  }
  if (se) {
    c->in_tx = 0;
    c->txs++;
    /* every SE closes exactly one tree */
    if (c->tx_done != before + 1)
      return refuse(c, seg, "closes a transaction set x12kit could not read");
  } else if (ge) {
    c->in_grp = 0;
    c->groups++;
    if (env_segment(c, seg, "group_end", 6, 1, c->txs) ||
        (c->to == X12KIT_FORMAT_XML && OB_LIT(c, "    </group>\n")))
      return 1;
  } else if (iea) {
    c->in_ic = 0;
    if (env_segment(c, seg, "interchange_end", 4, 1, c->groups) ||
        (c->to == X12KIT_FORMAT_XML && OB_LIT(c, "  </interchange>\n")))
      return 1;
  } else if (ta1) {
    if (env_segment(c, seg, "segment", 4, 0, 0))
      return 1;
  }
  return c->status != 0;
}

static int x12_start(cv *c)
{
  int rc = x12kit_lexer_new(&c->lx, &c->mem);

  if (rc == X12KIT_OK)
    rc = x12kit_validator_new(&c->v, c->schema, &c->mem);
  if (rc != X12KIT_OK)
    return cv_fail(c, rc, 0, "out of memory");
  x12kit_lexer_set_show_data(c->lx, c->show);
  x12kit_validator_set_callbacks(c->v, NULL, NULL, on_tx, c);
  /* findings are not listened to here: only the loops are wanted, and element checks are
     a fifth of the time */
  x12kit_validator_set_skip_elements(c->v, 1);
  if (c->to == X12KIT_FORMAT_XML)
    return OB_LIT(c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x12>\n");
  return X12KIT_OK;
}

/* Gives X12 bytes to the lexer; |final| ends the input. */
static int x12_feed(cv *c, const char *buf, size_t len, int final)
{
  int rc;

  if (c->status)
    return c->status;
  rc = x12kit_lexer_parse(c->lx, buf, len, final, on_segment, c);
  if (c->status)
    return c->status;
  if (rc < 0) {
    const x12kit_error *e = x12kit_lexer_error(c->lx);
    if (e) {
      c->err = *e;
      c->status = e->code ? e->code : rc;
    } else {
      cv_fail(c, rc, 0, "%s", x12kit_strerror(rc));
    }
    return c->status;
  }
  return X12KIT_OK;
}

static int x12_finish(cv *c)
{
  if (x12_feed(c, "", 0, 1))
    return c->status;
  if (c->isa_pending) {
    learn_eol(c, NULL);
    if (interchange_out(c))
      return c->status;
  }
  if (c->in_ic) {
    x12kit_segment last;
    const char *trailer = c->in_tx ? "SE" : c->in_grp ? "GE" : "IEA";
    memset(&last, 0, sizeof last);
    last.pos = c->last;
    return seg_fail(c, &last, 0, (x12kit_slice){ NULL, 0 },
                    "the input ends after this segment, inside %s, without its %s; convert "
                    "needs whole envelopes: correct the file and convert again",
                    c->in_tx ? "a transaction set" : c->in_grp ? "a functional group"
                                                             : "an interchange", trailer);
  }
  if (c->to == X12KIT_FORMAT_XML && OB_LIT(c, "</x12>\n"))
    return c->status;
  return X12KIT_OK;
}

/* ---- XML or JSON input: segments rebuilt as X12 ---- */

/* Where a document is in the envelope: per level, 0 closed, 1 opened, 2 header seen. */
typedef struct doc_state {
  int ic, grp, tx;
  const x12kit_guide *guide;          /* of the open transaction, when it names one */
  const x12kitp_loopdef *loops[MAX_LOOPS + 1];
  size_t nloops;
} doc_state;

static int sb_room(cv *c, size_t n)
{
  size_t cap;
  char *p;

  if (c->sb_len + n <= c->sb_cap)
    return X12KIT_OK;
  if (c->sb_len + n > c->max_doc)
    return cv_fail(c, X12KIT_ERR_TOO_LONG, c->line,
                   "segment %s is longer than %zu bytes, the most convert accepts",
                   c->sb_id, c->max_doc);
  cap = c->sb_cap ? c->sb_cap : 256;
  while (cap < c->sb_len + n)
    cap *= 2;
  p = x12kitp_realloc(&c->mem, c->sb, cap);
  if (p == NULL)
    return cv_fail(c, X12KIT_ERR_NOMEM, c->line, "out of memory");
  c->sb = p;
  c->sb_cap = cap;
  return X12KIT_OK;
}

static int sb_begin(cv *c, const char *id)
{
  size_t n = id ? strlen(id) : 0, i;

  if (n < 2 || n > 3 || id[0] < 'A' || id[0] > 'Z')
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "a segment needs an ID of 2 or 3 capital letters and digits");
  for (i = 1; i < n; i++)
    if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "a segment needs an ID of 2 or 3 capital letters and digits");
  memcpy(c->sb_id, id, n + 1);
  c->sb_len = 0;
  c->sb_elems = 0;
  if (!c->have_delims)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "segment %s is outside an interchange", id);
  if (sb_room(c, n))
    return c->status;
  memcpy(c->sb, id, n);
  c->sb_len = n;
  return X12KIT_OK;
}

/* Opens element |pos| (0: the next one), with empty elements before it. */
static int sb_element(cv *c, unsigned long pos)
{
  if (pos == 0)
    pos = c->sb_elems + 1;
  if (pos <= c->sb_elems || pos > 99)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "segment %s: element %lu is out of order or beyond 99 (elements go "
                   "01, 02, ... in order)", c->sb_id, pos);
  if (sb_room(c, pos - c->sb_elems))
    return c->status;
  while (c->sb_elems < pos) {
    c->sb[c->sb_len++] = c->od.element;
    c->sb_elems++;
  }
  return X12KIT_OK;
}

static int sb_sep(cv *c, char sep)
{
  if (sb_room(c, 1))
    return c->status;
  c->sb[c->sb_len++] = sep;
  return X12KIT_OK;
}

/* Appends a value; it must not hold a delimiter, which X12 cannot escape. */
static int sb_value(cv *c, const char *p, size_t n)
{
  const x12kit_delimiters *d = &c->od;
  int isa = strcmp(c->sb_id, "ISA") == 0;
  size_t i;

  for (i = 0; i < n; i++) {
    char ch = p[i];
    if (ch == d->segment || ch == d->element ||
        (!isa && (ch == d->repetition || ch == d->component))) {
      cv_fail(c, X12KIT_ERR_DATA, c->line,
              "segment %s, element %02u holds a delimiter of the interchange, which X12 "
              "cannot carry: change the value or the delimiters",
              c->sb_id, c->sb_elems);
      if (c->show)
        x12kitp_error_value(&c->err, (x12kit_slice){ p, n });
      return c->status;
    }
  }
  if (sb_room(c, n))
    return c->status;
  memcpy(c->sb + c->sb_len, p, n);
  c->sb_len += n;
  return X12KIT_OK;
}

/* ISA: every field at its width; its delimiters become the document's. */
static int isa_check(cv *c, const char *rep, const char *comp)
{
  size_t i, at = 4, start, f11 = 0, f16 = 0;

  for (i = 0; i < 16; i++) {
    start = at;
    if (i == 10)
      f11 = at;
    if (i == 15)
      f16 = at;
    while (at < c->sb_len && c->sb[at] != c->od.element)
      at++;
    if ((at == c->sb_len) != (i == 15) || at - start != x12kitp_isa_width[i])
      return cv_fail(c, X12KIT_ERR_ISA, c->line,
                     "the ISA needs 16 elements at their fixed widths (ISA%02zu is %u "
                     "characters long)", i + 1, x12kitp_isa_width[i]);
    at++;
  }
  c->od.repetition = c->sb[f11];
  c->od.component = c->sb[f16];
  if ((rep && (strlen(rep) != 1 || rep[0] != c->od.repetition)) ||
      (comp && (strlen(comp) != 1 || comp[0] != c->od.component)))
    return cv_fail(c, X12KIT_ERR_DELIMITER, c->line,
                   "the repetition and component separators given for the interchange differ "
                   "from ISA11 and ISA16");
  if (x12kit_delimiters_check(&c->od) != X12KIT_OK)
    return cv_fail(c, X12KIT_ERR_DELIMITER, c->line,
                   "the delimiters of the interchange are not usable: they must differ from "
                   "each other and be neither letters, digits nor spaces");
  return X12KIT_OK;
}

static int out_x12(cv *c, const char *p, size_t n)
{
  if (c->pipe)
    return x12_feed(c, p, n, 0);
  return ob_put(c, p, n);
}

/* Where segment |id| may stand, and the counts it closes. */
static int place(cv *c, doc_state *st, const char *id, int unplaced)
{
  const char *why = NULL;

  if (!strcmp(id, "ISA")) {
    if (st->ic != 1)
      why = "an ISA must be the first segment of its interchange";
    else
      st->ic = 2, c->o_groups = 0;
  } else if (!strcmp(id, "IEA")) {
    if (st->ic != 2 || st->grp == 1 || st->grp == 2)
      why = "an IEA must be the last segment of its interchange, after the groups";
    else
      st->ic = 3;
  } else if (!strcmp(id, "GS")) {
    if (st->grp != 1)
      why = "a GS must be the first segment of its group";
    else
      st->grp = 2, c->o_txs = 0;
  } else if (!strcmp(id, "GE")) {
    if (st->grp != 2 || st->tx == 1 || st->tx == 2)
      why = "a GE must be the last segment of its group, after the transaction sets";
    else
      st->grp = 3, c->o_groups++;
  } else if (!strcmp(id, "ST")) {
    if (st->tx != 1)
      why = "an ST must be the first segment of its transaction set";
    else
      st->tx = 2, c->o_segs = 1;
  } else if (!strcmp(id, "SE")) {
    if (st->tx != 2 || st->nloops > 1)
      why = "an SE must be the last segment of its transaction set, outside every loop";
    else
      st->tx = 3, c->o_segs++, c->o_txs++;
  } else if (!strcmp(id, "TA1")) {
    if (st->ic != 2 || st->grp == 1 || st->grp == 2)
      why = "a TA1 belongs directly in an interchange";
  } else if (st->tx != 2) {
    why = "segments other than the envelope belong in a transaction set, after its ST";
  } else {
    c->o_segs++;
  }
  if (why)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line, "segment %s is out of place: %s", id, why);
  /* the map: a placed segment must be one its loop defines */
  if (st->guide && st->tx >= 2 && !unplaced && st->nloops) {
    const x12kitp_loopdef *ld = st->loops[st->nloops - 1];
    size_t i;
    for (i = 0; i < ld->nchild; i++)
      if (ld->children[i].seg && !strcmp(ld->children[i].seg->id, id))
        return X12KIT_OK;
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "segment %s is not in %s%s of guide %s; put it where the guide has it, "
                   "or mark it unplaced", id, ld->id[0] ? "loop " : "the header or trailer",
                   ld->id, x12kit_guide_id(st->guide));
  }
  return X12KIT_OK;
}

/* Ends the segment being built and sends it on, SE01, GE01, IEA01 recounted. */
static int sb_end(cv *c, doc_state *st, int unplaced, const char *rep, const char *comp)
{
  const char *id = c->sb_id;
  int isa = !strcmp(id, "ISA");
  unsigned long count = 0;
  int recount = 0;
  char tail[4];

  if (place(c, st, id, unplaced))
    return c->status;
  if (isa && isa_check(c, rep, comp))
    return c->status;
  if (!strcmp(id, "SE"))
    recount = 1, count = c->o_segs;
  else if (!strcmp(id, "GE"))
    recount = 1, count = c->o_txs;
  else if (!strcmp(id, "IEA"))
    recount = 1, count = c->o_groups;
  if (recount) {
    char num[24];
    size_t idlen = strlen(id), rest = idlen, n;
    if (c->sb_elems >= 1) {
      rest = idlen + 1;
      while (rest < c->sb_len && c->sb[rest] != c->od.element)
        rest++;
    }
    n = (size_t)snprintf(num, sizeof num, "%c%lu", c->od.element, count);
    if (out_x12(c, id, idlen) || out_x12(c, num, n) ||
        out_x12(c, c->sb + rest, c->sb_len - rest))
      return c->status;
  } else if (out_x12(c, c->sb, c->sb_len)) {
    return c->status;
  }
  tail[0] = c->od.segment;
  snprintf(tail + 1, sizeof tail - 1, "%s", c->oeol);
  return out_x12(c, tail, 1 + strlen(c->oeol));
}

/* The interchange header's delimiters, before its ISA. */
static int doc_delims(cv *c, const char *es, const char *term, const char *eol)
{
  if (es == NULL || strlen(es) != 1 || term == NULL || strlen(term) != 1)
    return cv_fail(c, X12KIT_ERR_DELIMITER, c->line,
                   "an interchange needs its element separator and segment terminator, "
                   "one character each");
  memset(&c->od, 0, sizeof c->od);
  c->od.element = es[0];
  c->od.segment = term[0];
  /* until the ISA names them, they must not be taken for data delimiters */
  c->od.repetition = es[0];
  c->od.component = es[0];
  if (eol == NULL || !strcmp(eol, ""))
    c->oeol[0] = '\0';
  else if (!strcmp(eol, "\n") || !strcmp(eol, "\r\n"))
    snprintf(c->oeol, sizeof c->oeol, "%s", eol);
  else
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "the line end of an interchange must be empty, LF or CR LF");
  if (c->od.segment == '\n')
    c->oeol[0] = '\0';
  c->have_delims = 1;
  return X12KIT_OK;
}

static int open_ic(cv *c, doc_state *st)
{
  if (st->ic == 1 || st->ic == 2)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line, "an interchange starts inside another");
  st->ic = 1;
  st->grp = 0;
  return X12KIT_OK;
}

static int close_ic(cv *c, doc_state *st)
{
  if (st->ic != 3)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line, "an interchange ends without its IEA");
  st->ic = 0;
  c->have_delims = 0;
  return X12KIT_OK;
}

static int open_grp(cv *c, doc_state *st)
{
  if (st->ic != 2 || st->grp == 1 || st->grp == 2)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line,
                   "a group must be inside an interchange, after its ISA");
  st->grp = 1;
  st->tx = 0;
  return X12KIT_OK;
}

static int close_grp(cv *c, doc_state *st)
{
  if (st->grp != 3)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line, "a group ends without its GE");
  return X12KIT_OK;
}

/* A transaction set, with the guide whose loops it claims (NULL or "": none). */
static int open_tx(cv *c, doc_state *st, const char *guide)
{
  size_t i, n = x12kit_schema_guide_count(c->schema);

  if (st->grp != 2 || st->tx == 1 || st->tx == 2)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line,
                   "a transaction set must be inside a group, after its GS");
  st->tx = 1;
  st->guide = NULL;
  st->nloops = 0;
  if (guide && guide[0]) {
    for (i = 0; i < n && st->guide == NULL; i++)
      if (!strcmp(x12kit_guide_id(x12kit_schema_guide(c->schema, i)), guide))
        st->guide = x12kit_schema_guide(c->schema, i);
    if (st->guide == NULL)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "the transaction set names guide \"%.40s\", which the maps do not have",
                     guide);
    st->loops[st->nloops++] = &st->guide->root;
  }
  return X12KIT_OK;
}

static int close_tx(cv *c, doc_state *st)
{
  if (st->tx != 3)
    return cv_fail(c, X12KIT_ERR_ENVELOPE, c->line, "a transaction set ends without its SE");
  st->guide = NULL;
  st->nloops = 0;
  return X12KIT_OK;
}

static int open_loop(cv *c, doc_state *st, const char *id)
{
  const x12kitp_loopdef *up, *ld = NULL;
  size_t i;

  if (st->tx != 2)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "a loop belongs in a transaction set, after its ST");
  if (st->guide == NULL) {
    /* no guide named: loops are kept as given, without checks */
    return X12KIT_OK;
  }
  if (id == NULL || st->nloops > MAX_LOOPS)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "a loop needs its ID (2100C)");
  up = st->loops[st->nloops - 1];
  for (i = 0; i < up->nchild && ld == NULL; i++)
    if (up->children[i].loop && !strcmp(up->children[i].loop->id, id))
      ld = up->children[i].loop;
  if (ld == NULL)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "loop \"%.8s\" is not in %s%s of guide %s", id,
                   up->id[0] ? "loop " : "the top level", up->id, x12kit_guide_id(st->guide));
  st->loops[st->nloops++] = ld;
  return X12KIT_OK;
}

static void close_loop(doc_state *st)
{
  if (st->guide && st->nloops > 1)
    st->nloops--;
}

/* ---- reading: the input, with the bytes looked at for detection first ---- */

typedef struct input {
  x12kit_read_fn rd;
  void *ud;
  char pre[512];
  size_t pre_len, pre_off;
  int failed;
} input;

static long in_read(input *in, char *buf, size_t size)
{
  long n;

  if (in->pre_off < in->pre_len) {
    size_t k = in->pre_len - in->pre_off;
    if (k > size)
      k = size;
    memcpy(buf, in->pre + in->pre_off, k);
    in->pre_off += k;
    return (long)k;
  }
  n = in->rd(in->ud, buf, size);
  if (n < 0)
    in->failed = 1;
  return n;
}

/* ---- XML ---- */

enum xkind { XK_ROOT, XK_IC, XK_GRP, XK_TX, XK_LOOP, XK_SEG, XK_ELEM, XK_REP, XK_COMP };

static const char *const xnames[] = { "x12", "interchange", "group", "transaction", "loop",
                                      "segment", "element", "repetition", "component" };

#define XML_DEPTH 64
#define XC(s) ((const xmlChar *)(s))

typedef struct xframe {
  enum xkind kind;
  unsigned children;                  /* element, repetition: components or repetitions */
  int text;                           /* element, repetition, component: text seen */
  unsigned long comp;                 /* components written so far */
  int unplaced;
  unsigned long line;                 /* of the start tag */
} xframe;

typedef struct xr {
  cv *c;
  input *in;
  doc_state st;
  xframe stack[XML_DEPTH];
  size_t depth;
  int err_seen;
  char err_msg[160];
  unsigned long err_line;
  xmlChar *ic_rep, *ic_comp;          /* the open interchange's separator attributes */
} xr;

static int xml_io_read(void *ctx, char *buf, int len)
{
  xr *x = ctx;
  long n = in_read(x->in, buf, (size_t)len);

  return n < 0 ? -1 : (int)n;
}

static int xml_io_close(void *ctx)
{
  (void)ctx;
  return 0;
}

#if LIBXML_VERSION >= 21200
static void xml_error(void *arg, const xmlError *e)
#else
static void xml_error(void *arg, xmlErrorPtr e)
#endif
{
  xr *x = arg;
  size_t n;

  if (x->err_seen || e == NULL || e->level < XML_ERR_ERROR)
    return;
  x->err_seen = 1;
  x->err_line = e->line > 0 ? (unsigned long)e->line : 0;
  /* libxml2's message names the problem, not the document's text */
  snprintf(x->err_msg, sizeof x->err_msg, "%s", e->message ? e->message : "malformed XML");
  n = strlen(x->err_msg);
  while (n && (x->err_msg[n - 1] == '\n' || x->err_msg[n - 1] == ' '))
    x->err_msg[--n] = '\0';
}

static unsigned long attr_num(cv *c, const xmlChar *s, const char *what, int *bad)
{
  unsigned long v = 0;
  const xmlChar *p = s;

  *bad = 0;
  if (s == NULL)
    return 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9' || v > 100000) {
      *bad = 1;
      cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "the pos of %s must be a number", what);
      return 0;
    }
    v = v * 10 + (unsigned long)(*p - '0');
  }
  if (p == s || v == 0) {
    *bad = 1;
    cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "the pos of %s must be 1 or more", what);
  }
  return v;
}

static const char *attr_s(const xmlChar *s)
{
  return (const char *)s;
}

static int xml_start(xr *x, xmlTextReaderPtr r, enum xkind k, int empty);
static int xml_end(xr *x, enum xkind k);

static int xml_node(xr *x, xmlTextReaderPtr r)
{
  cv *c = x->c;
  int type = xmlTextReaderNodeType(r);
  const xmlChar *name;
  size_t k;

  xmlNodePtr node = xmlTextReaderCurrentNode(r);

  /* the node's own line; the parser may have read ahead */
  if (node && type != XML_READER_TYPE_END_ELEMENT && xmlGetLineNo(node) > 0)
    c->line = (unsigned long)xmlGetLineNo(node);
  else
    c->line = (unsigned long)xmlTextReaderGetParserLineNumber(r);
  switch (type) {
  case XML_READER_TYPE_ELEMENT:
    name = xmlTextReaderConstLocalName(r);
    if (xmlTextReaderConstNamespaceUri(r) != NULL)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "element <%.40s> has a namespace; the document has none", name);
    for (k = 0; k < sizeof xnames / sizeof *xnames; k++)
      if (!strcmp((const char *)name, xnames[k]))
        return xml_start(x, r, (enum xkind)k, xmlTextReaderIsEmptyElement(r));
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "<%.40s> is not an element of the x12kit document (see x12kit-document.xsd)",
                   name);
  case XML_READER_TYPE_END_ELEMENT:
    if (x->depth == 0)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "unexpected end tag");
    return xml_end(x, x->stack[x->depth - 1].kind);
  case XML_READER_TYPE_TEXT:
  case XML_READER_TYPE_CDATA:
  case XML_READER_TYPE_WHITESPACE:
  case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
    const xmlChar *v = xmlTextReaderConstValue(r);
    size_t n = v ? strlen((const char *)v) : 0;
    xframe *f = x->depth ? &x->stack[x->depth - 1] : NULL;
    if (f && (f->kind == XK_ELEM || f->kind == XK_REP || f->kind == XK_COMP)) {
      if (f->kind != XK_COMP && (f->children || f->comp))
        return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                       "segment %s: an element or repetition holds either text or "
                       "<component> elements, not both", c->sb_id);
      f->text = 1;
      return sb_value(c, (const char *)v, n);
    }
    for (k = 0; k < n; k++)
      if (v[k] != ' ' && v[k] != '\t' && v[k] != '\n' && v[k] != '\r')
        return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                       "text outside an <element> or <component>");
    return X12KIT_OK;
  }
  case XML_READER_TYPE_DOCUMENT_TYPE:
  case XML_READER_TYPE_ENTITY_REFERENCE:
  case XML_READER_TYPE_ENTITY:
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "DOCTYPE declarations and entities are not accepted");
  default:
    return X12KIT_OK;                 /* comments, processing instructions */
  }
}

/* The element kinds each kind may hold. */
static int allowed_in(enum xkind parent, enum xkind k)
{
  switch (k) {
  case XK_IC: return parent == XK_ROOT;
  case XK_GRP: return parent == XK_IC;
  case XK_TX: return parent == XK_GRP;
  case XK_LOOP: return parent == XK_TX || parent == XK_LOOP;
  case XK_SEG: return parent == XK_IC || parent == XK_GRP || parent == XK_TX || parent == XK_LOOP;
  case XK_ELEM: return parent == XK_SEG;
  case XK_REP: return parent == XK_ELEM;
  case XK_COMP: return parent == XK_ELEM || parent == XK_REP;
  default: return 0;
  }
}

static int xml_start(xr *x, xmlTextReaderPtr r, enum xkind k, int empty)
{
  cv *c = x->c;
  xframe *up = x->depth ? &x->stack[x->depth - 1] : NULL;
  xframe *f;
  xmlChar *a = NULL, *b = NULL, *e = NULL;
  int bad = 0;
  unsigned long pos;

  if (k == XK_ROOT ? x->depth != 0 : (up == NULL || !allowed_in(up->kind, k)))
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "<%s> is not allowed %s%s%s", xnames[k],
                   up ? "inside <" : "as the document element", up ? xnames[up->kind] : "",
                   up ? ">" : "");
  if (x->depth == XML_DEPTH)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "elements nest too deep");
  f = &x->stack[x->depth++];
  memset(f, 0, sizeof *f);
  f->kind = k;
  f->line = c->line;
  switch (k) {
  case XK_IC:
    a = xmlTextReaderGetAttribute(r, XC("element-separator"));
    b = xmlTextReaderGetAttribute(r, XC("segment-terminator"));
    e = xmlTextReaderGetAttribute(r, XC("line-end"));
    if (!open_ic(c, &x->st))
      doc_delims(c, attr_s(a), attr_s(b), attr_s(e));
    xmlFree(a);
    xmlFree(b);
    xmlFree(e);
    xmlFree(x->ic_rep);
    xmlFree(x->ic_comp);
    x->ic_rep = xmlTextReaderGetAttribute(r, XC("repetition-separator"));
    x->ic_comp = xmlTextReaderGetAttribute(r, XC("component-separator"));
    break;
  case XK_GRP:
    open_grp(c, &x->st);
    break;
  case XK_TX:
    a = xmlTextReaderGetAttribute(r, XC("guide"));
    open_tx(c, &x->st, attr_s(a));
    xmlFree(a);
    break;
  case XK_LOOP:
    a = xmlTextReaderGetAttribute(r, XC("id"));
    open_loop(c, &x->st, attr_s(a));
    xmlFree(a);
    break;
  case XK_SEG:
    a = xmlTextReaderGetAttribute(r, XC("id"));
    b = xmlTextReaderGetAttribute(r, XC("unplaced"));
    f->unplaced = b && !strcmp(attr_s(b), "true");
    if (!c->status && b && !f->unplaced && strcmp(attr_s(b), "false"))
      cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "unplaced must be true or false");
    if (!c->status)
      sb_begin(c, attr_s(a));
    xmlFree(a);
    xmlFree(b);
    break;
  case XK_ELEM:
    a = xmlTextReaderGetAttribute(r, XC("pos"));
    pos = attr_num(c, a, "an element", &bad);
    xmlFree(a);
    if (!bad)
      sb_element(c, pos);
    break;
  case XK_REP:
    if (up->text || up->comp)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "segment %s: an element holds text, components or repetitions, "
                     "one kind only", c->sb_id);
    if (up->children++ && sb_sep(c, c->od.repetition))
      return c->status;
    break;
  case XK_COMP:
    if (up->text || up->children)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "segment %s: an element holds text, components or repetitions, "
                     "one kind only", c->sb_id);
    a = xmlTextReaderGetAttribute(r, XC("pos"));
    pos = attr_num(c, a, "a component", &bad);
    xmlFree(a);
    if (bad)
      return c->status;
    if (pos == 0)
      pos = up->comp + 1;
    if (pos <= up->comp || pos > 100000)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "segment %s: component %lu is out of order", c->sb_id, pos);
    /* component k follows k - 1 separators */
    {
      unsigned long seps = up->comp ? pos - up->comp : pos - 1;
      for (; seps > 0; seps--)
        if (sb_sep(c, c->od.component))
          return c->status;
    }
    up->comp = pos;
    break;
  default:
    break;
  }
  if (c->status)
    return c->status;
  if (empty)
    return xml_end(x, k);
  return X12KIT_OK;
}

static int xml_end(xr *x, enum xkind k)
{
  cv *c = x->c;
  xframe *f = &x->stack[x->depth - 1];

  switch (k) {
  case XK_IC:
    close_ic(c, &x->st);
    break;
  case XK_GRP:
    close_grp(c, &x->st);
    break;
  case XK_TX:
    close_tx(c, &x->st);
    break;
  case XK_LOOP:
    close_loop(&x->st);
    break;
  case XK_SEG:
    /* a segment's faults are told at its start tag */
    c->line = f->line;
    sb_end(c, &x->st, f->unplaced, attr_s(x->ic_rep), attr_s(x->ic_comp));
    break;
  default:
    break;
  }
  x->depth--;
  return c->status;
}

static int xml_read(cv *c, input *in)
{
  xr x;
  xmlTextReaderPtr r;
  int rc;

  memset(&x, 0, sizeof x);
  x.c = c;
  x.in = in;
  /* no network, no DTD, entities left unexpanded (and then refused) */
  r = xmlReaderForIO(xml_io_read, xml_io_close, &x, NULL, NULL,
                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (r == NULL)
    return cv_fail(c, X12KIT_ERR_NOMEM, 0, "out of memory");
  xmlTextReaderSetStructuredErrorHandler(r, xml_error, &x);
  while ((rc = xmlTextReaderRead(r)) == 1 && !c->status && !x.err_seen)
    xml_node(&x, r);
  if (!c->status && in->failed)
    cv_fail(c, X12KIT_ERR_IO, 0, "cannot read the input");
  if (!c->status && (rc < 0 || x.err_seen))
    cv_fail(c, X12KIT_ERR_SYNTAX, x.err_line ? x.err_line : c->line,
            "the XML is not well formed: %s", x.err_msg[0] ? x.err_msg : "unreadable");
  if (!c->status && x.depth == 0 && x.st.ic == 0 && c->line == 0)
    cv_fail(c, X12KIT_ERR_SYNTAX, 0, "the XML document is empty");
  xmlFreeTextReader(r);
  xmlFree(x.ic_rep);
  xmlFree(x.ic_comp);
  return c->status;
}

/* ---- JSON Lines ---- */

static const char *jstr(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);

  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One element value: a string, an array of components, or an array of repetitions. */
static int json_value(cv *c, json_t *v, const char *key)
{
  size_t i, j;
  json_t *item, *comp;

  if (json_is_string(v))
    return sb_value(c, json_string_value(v), json_string_length(v));
  if (!json_is_array(v) || json_array_size(v) == 0)
    goto bad;
  if (json_is_string(json_array_get(v, 0))) {
    json_array_foreach(v, i, item) {
      if (!json_is_string(item))
        goto bad;
      if ((i && sb_sep(c, c->od.component)) ||
          sb_value(c, json_string_value(item), json_string_length(item)))
        return c->status;
    }
    return X12KIT_OK;
  }
  json_array_foreach(v, i, item) {
    if (!json_is_array(item) || json_array_size(item) == 0)
      goto bad;
    if (i && sb_sep(c, c->od.repetition))
      return c->status;
    json_array_foreach(item, j, comp) {
      if (!json_is_string(comp))
        goto bad;
      if ((j && sb_sep(c, c->od.component)) ||
          sb_value(c, json_string_value(comp), json_string_length(comp)))
        return c->status;
    }
  }
  return X12KIT_OK;
bad:
  return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                 "%s must be a string, an array of component strings, or an array of "
                 "repetitions (arrays of component strings)", key);
}

static int json_seg(cv *c, doc_state *st, json_t *o, const char *rep, const char *comp)
{
  const char *id = jstr(o, "segment"), *key;
  json_t *els = json_object_get(o, "elements"), *v, *u = json_object_get(o, "unplaced");
  unsigned long maxpos = 0, pos;
  size_t idlen;
  char want[8];

  if (!json_is_object(o) || id == NULL)
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "a segment must be an object with \"segment\" (its ID) and \"elements\"");
  if (u && !json_is_boolean(u))
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "\"unplaced\" must be true or false");
  if (sb_begin(c, id))
    return c->status;
  if (els && !json_is_object(els))
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                   "segment %s: \"elements\" must be an object (\"%s01\": ...)", id, id);
  idlen = strlen(id);
  json_object_foreach(els, key, v) {
    const char *p = key + idlen;
    if (strncmp(key, id, idlen) != 0 || strlen(p) != 2 || p[0] < '0' || p[0] > '9' ||
        p[1] < '0' || p[1] > '9' || (p[0] == '0' && p[1] == '0'))
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "segment %s: \"%.20s\" is not an element of it (%s01 to %s99)", id, key,
                     id, id);
    pos = (unsigned long)((p[0] - '0') * 10 + (p[1] - '0'));
    if (pos > maxpos)
      maxpos = pos;
  }
  for (pos = 1; pos <= maxpos; pos++) {
    memcpy(want, id, idlen);
    want[idlen] = (char)('0' + pos / 10 % 10);
    want[idlen + 1] = (char)('0' + pos % 10);
    want[idlen + 2] = '\0';
    v = json_object_get(els, want);
    if (sb_element(c, pos) || (v && json_value(c, v, want)))
      return c->status;
  }
  return sb_end(c, st, json_is_true(u), rep, comp);
}

static int json_content(cv *c, doc_state *st, json_t *items, int depth)
{
  size_t i, j;
  json_t *item, *inst;

  if (!json_is_array(items))
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "\"content\" must be an array");
  json_array_foreach(items, i, item) {
    const char *loop = jstr(item, "loop");
    json_t *insts;
    if (loop == NULL) {
      if (json_seg(c, st, item, NULL, NULL))
        return c->status;
      continue;
    }
    insts = json_object_get(item, "instances");
    if (!json_is_array(insts) || depth >= MAX_LOOPS)
      return cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
                     "loop %.8s: \"instances\" must be an array of content arrays", loop);
    json_array_foreach(insts, j, inst) {
      if (open_loop(c, st, loop) || json_content(c, st, inst, depth + 1))
        return c->status;
      close_loop(st);
    }
  }
  return X12KIT_OK;
}

static int json_line(cv *c, doc_state *st, const char *p, size_t n)
{
  json_error_t jerr;
  json_t *o, *d;
  const char *type;
  size_t i;

  for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'); i++)
    ;
  if (i == n)
    return X12KIT_OK;                 /* blank lines are allowed */
  o = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (o == NULL) {
    /* jansson quotes the text near the error: that may be patient data */
    char *near = strstr(jerr.text, " near '");
    if (near && !c->show)
      *near = '\0';
    return cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "column %d: the JSON is not well formed: %s",
                   jerr.column, jerr.text);
  }
  type = jstr(o, "type");
  if (!json_is_object(o) || type == NULL) {
    cv_fail(c, X12KIT_ERR_SYNTAX, c->line,
            "each line must be an object with a \"type\": interchange, group, transaction, "
            "group_end, interchange_end or segment");
  } else if (!strcmp(type, "interchange")) {
    d = json_object_get(o, "delimiters");
    if (!json_is_object(d))
      cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "an interchange needs its \"delimiters\"");
    else if (!open_ic(c, st) &&
             !doc_delims(c, jstr(d, "element"), jstr(d, "segment"), jstr(d, "line_end")))
      json_seg(c, st, json_object_get(o, "segment"), jstr(d, "repetition"), jstr(d, "component"));
  } else if (!strcmp(type, "group")) {
    if (!open_grp(c, st))
      json_seg(c, st, json_object_get(o, "segment"), NULL, NULL);
  } else if (!strcmp(type, "transaction")) {
    if (!open_tx(c, st, jstr(o, "guide")) &&
        !json_content(c, st, json_object_get(o, "content"), 0))
      close_tx(c, st);
  } else if (!strcmp(type, "group_end")) {
    if (!json_seg(c, st, json_object_get(o, "segment"), NULL, NULL))
      close_grp(c, st);
  } else if (!strcmp(type, "interchange_end")) {
    if (!json_seg(c, st, json_object_get(o, "segment"), NULL, NULL))
      close_ic(c, st);
  } else if (!strcmp(type, "segment")) {
    json_seg(c, st, json_object_get(o, "segment"), NULL, NULL);
  } else {
    cv_fail(c, X12KIT_ERR_SYNTAX, c->line, "unknown line type \"%.20s\"", type);
  }
  json_decref(o);
  return c->status;
}

static int json_read(cv *c, input *in)
{
  doc_state st;
  char *buf = NULL, *line = NULL;
  size_t len = 0, cap = 0;
  long n;
  int any = 0;

  memset(&st, 0, sizeof st);
  buf = x12kitp_malloc(&c->mem, READ_CHUNK);
  if (buf == NULL)
    return cv_fail(c, X12KIT_ERR_NOMEM, 0, "out of memory");
  c->line = 1;
  while (!c->status && (n = in_read(in, buf, READ_CHUNK)) > 0) {
    size_t a = 0, i;
    for (i = 0; i < (size_t)n && !c->status; i++) {
      if (buf[i] != '\n')
        continue;
      if (len == 0) {
        json_line(c, &st, buf + a, i - a);
      } else {
        /* the line began in an earlier chunk */
        if (len + (i - a) > c->max_doc)
          break;
        if (len + (i - a) > cap) {
          char *p = x12kitp_realloc(&c->mem, line, len + (i - a));
          if (p == NULL) {
            cv_fail(c, X12KIT_ERR_NOMEM, c->line, "out of memory");
            break;
          }
          line = p;
          cap = len + (i - a);
        }
        memcpy(line + len, buf + a, i - a);
        json_line(c, &st, line, len + (i - a));
        len = 0;
      }
      any = 1;
      c->line++;
      a = i + 1;
    }
    if (c->status)
      break;
    if (a < (size_t)n) {
      size_t k = (size_t)n - a;
      if (len + k > c->max_doc) {
        cv_fail(c, X12KIT_ERR_TOO_LONG, c->line,
                "the line is longer than %zu bytes, the most convert accepts", c->max_doc);
        break;
      }
      if (len + k > cap) {
        size_t ncap = cap ? cap : READ_CHUNK;
        char *p;
        while (ncap < len + k)
          ncap *= 2;
        p = x12kitp_realloc(&c->mem, line, ncap);
        if (p == NULL) {
          cv_fail(c, X12KIT_ERR_NOMEM, c->line, "out of memory");
          break;
        }
        line = p;
        cap = ncap;
      }
      memcpy(line + len, buf + a, k);
      len += k;
    }
  }
  if (!c->status && in->failed)
    cv_fail(c, X12KIT_ERR_IO, 0, "cannot read the input");
  if (!c->status && len) {
    json_line(c, &st, line, len);
    any = 1;
  }
  if (!c->status && st.ic != 0)
    cv_fail(c, X12KIT_ERR_ENVELOPE, c->line,
            "the input ends inside an interchange, before its interchange_end line");
  if (!c->status && !any)
    cv_fail(c, X12KIT_ERR_SYNTAX, 0, "the JSON input is empty");
  x12kitp_free(&c->mem, buf);
  x12kitp_free(&c->mem, line);
  return c->status;
}

/* ---- entry points ---- */

x12kit_format x12kit_format_detect(const char *buf, size_t len)
{
  size_t i = 0;

  if (buf == NULL)
    return X12KIT_FORMAT_AUTO;
  if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
      (unsigned char)buf[2] == 0xbf)
    i = 3;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
    i++;
  if (i < len && buf[i] == '<')
    return X12KIT_FORMAT_XML;
  if (i < len && buf[i] == '{')
    return X12KIT_FORMAT_JSON;
  if (i + 3 <= len && buf[i] == 'I' && buf[i + 1] == 'S' && buf[i + 2] == 'A')
    return X12KIT_FORMAT_X12;
  return X12KIT_FORMAT_AUTO;
}

const char *x12kit_format_name(x12kit_format f)
{
  switch (f) {
  case X12KIT_FORMAT_X12: return "x12";
  case X12KIT_FORMAT_XML: return "xml";
  case X12KIT_FORMAT_JSON: return "json";
  default: return "auto";
  }
}

int x12kit_format_parse(const char *name)
{
  if (name == NULL)
    return -1;
  if (!strcasecmp(name, "x12"))
    return X12KIT_FORMAT_X12;
  if (!strcasecmp(name, "xml"))
    return X12KIT_FORMAT_XML;
  if (!strcasecmp(name, "json"))
    return X12KIT_FORMAT_JSON;
  return -1;
}

int x12kit_convert(const x12kit_schema *schema, x12kit_format from, x12kit_format to,
                   x12kit_read_fn rd, void *rd_data, x12kit_write_fn wr, void *wr_data,
                   const x12kit_convert_options *opt, const x12kit_mem *mem, x12kit_error *err)
{
  cv *c;
  x12kit_mem m;
  input in;
  int rc;

  if (err)
    memset(err, 0, sizeof *err);
  if (schema == NULL || rd == NULL || wr == NULL || to < X12KIT_FORMAT_X12 ||
      to > X12KIT_FORMAT_JSON || from < X12KIT_FORMAT_AUTO || from > X12KIT_FORMAT_JSON)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "convert: a schema, a reader, a writer and "
                        "formats x12, xml or json are needed");
  x12kitp_mem_init(&m, mem);
  c = x12kitp_calloc(&m, sizeof *c);
  if (c == NULL)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  c->mem = m;
  c->schema = schema;
  c->to = to;
  c->show = opt && opt->show_data;
  c->max_doc = opt && opt->max_document ? opt->max_document : X12KIT_CONVERT_MAX_DOCUMENT;
  c->out.fn = wr;
  c->out.ud = wr_data;
  memset(&in, 0, sizeof in);
  in.rd = rd;
  in.ud = rd_data;

  if (from == X12KIT_FORMAT_AUTO) {
    long n = rd(rd_data, in.pre, sizeof in.pre);
    if (n < 0)
      cv_fail(c, X12KIT_ERR_IO, 0, "cannot read the input");
    else if (n == 0)
      cv_fail(c, X12KIT_ERR_SYNTAX, 0, "the input is empty");
    in.pre_len = n > 0 ? (size_t)n : 0;
    from = x12kit_format_detect(in.pre, in.pre_len);
    if (!c->status && from == X12KIT_FORMAT_AUTO)
      cv_fail(c, X12KIT_ERR_SYNTAX, 0,
              "the input is neither X12 (starting with ISA), XML nor JSON");
  }
  c->pipe = to != X12KIT_FORMAT_X12 || from == X12KIT_FORMAT_X12;
  if (!c->status && c->pipe)
    x12_start(c);
  if (!c->status && from == X12KIT_FORMAT_X12) {
    char *buf = x12kitp_malloc(&c->mem, READ_CHUNK);
    long n;
    if (buf == NULL)
      cv_fail(c, X12KIT_ERR_NOMEM, 0, "out of memory");
    while (!c->status && buf && (n = in_read(&in, buf, READ_CHUNK)) > 0)
      x12_feed(c, buf, (size_t)n, 0);
    if (!c->status && in.failed)
      cv_fail(c, X12KIT_ERR_IO, 0, "cannot read the input");
    x12kitp_free(&c->mem, buf);
  } else if (!c->status && from == X12KIT_FORMAT_XML) {
    xml_read(c, &in);
  } else if (!c->status) {
    json_read(c, &in);
  }
  if (!c->status && c->pipe)
    x12_finish(c);
  if (!c->status)
    ob_flush(c);
  rc = c->status;
  if (rc && err)
    *err = c->err;
  x12kit_validator_free(c->v);
  x12kit_lexer_free(c->lx);
  x12kitp_free(&c->mem, c->out.p);
  x12kitp_free(&c->mem, c->sb);
  x12kitp_free(&m, c);
  return rc;
}

typedef struct membuf {
  const char *p;
  size_t len, off;
} membuf;

static long mem_read(void *ud, char *buf, size_t size)
{
  membuf *b = ud;
  size_t k = b->len - b->off;

  if (k > size)
    k = size;
  memcpy(buf, b->p + b->off, k);
  b->off += k;
  return (long)k;
}

int x12kit_convert_buffer(const x12kit_schema *schema, x12kit_format from, x12kit_format to,
                          const char *buf, size_t len, x12kit_write_fn wr, void *wr_data,
                          const x12kit_convert_options *opt, const x12kit_mem *mem,
                          x12kit_error *err)
{
  membuf b = { buf ? buf : "", buf ? len : 0, 0 };

  return x12kit_convert(schema, from, to, mem_read, &b, wr, wr_data, opt, mem, err);
}
