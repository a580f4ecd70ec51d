/*
 * x12kit - implementation-guide validation and the loop tree.
 *
 * Segments go first to the envelope checker, whose events and faults
 * are passed on; between ST and SE they are also walked against the
 * transaction's guide.
 *
 * The walk keeps a stack of open loop instances.  For each segment it
 * looks, from the innermost loop outwards, for the first definition at
 * or after the loop's current position that the segment fits (same ID
 * and every match element holding one of its codes): a segment of the
 * loop, or the first segment of a child loop, which opens a new
 * instance.  Loops it passes are closed.  A loop's first segment never
 * matches again inside the same instance: a second one starts the next
 * instance, one level up.  Finding nothing is a segment error, told
 * apart as X12 does:
 *
 *   IK304 7  the segment fits an earlier position of the current loop
 *   IK304 2  the guide has the segment, elsewhere
 *   IK304 6  another guide of the schema has it
 *   IK304 1  x12kit knows no such segment
 *
 * Other segment findings: 3 required segment or loop missing (reported
 * where the walk passes its place, or when its loop closes), 4 loop
 * over its repeat, 5 segment over its max use, I4 a "not used" segment
 * present.  Elements: 1 required missing, 2 conditional required
 * missing (syntax P, R, C, L), 3 too many elements, 4 too short, 5 too
 * long, 6 invalid character or number, 7 code not allowed, 8 bad date,
 * 9 bad time, 10 exclusion (syntax E), 12 too many repetitions, 13 too
 * many components, I10 "not used" element present, I12 HL numbering or
 * parent link broken.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guide.h"

#define MAX_DEPTH 32

struct x12kit_node {
  x12kit_node_kind kind;
  const char *id;
  const char *name;
  const x12kitp_segdef *sd;           /* segment nodes: the definition, or NULL */
  x12kit_node *parent, *first, *last, *next;
  struct x12kit_segment seg;          /* segment nodes: a copy */
};

typedef struct frame {
  const x12kitp_loopdef *def;
  size_t at;                          /* child matched last */
  unsigned *counts;                   /* per child: uses or instances */
  x12kit_node *node;
  unsigned long hl_id;                /* HL01 of this instance (HL loops) */
  unsigned long hl_children;
  char hl04;
  x12kit_position hl_pos;
} frame;

typedef struct arena_block {
  struct arena_block *next;
  size_t used, size;
  max_align_t data[];
} arena_block;

struct x12kit_validator {
  x12kit_mem mem;
  const x12kit_schema *schema;
  x12kit_envelope *env;
  x12kit_envelope_event_cb on_event;
  x12kit_error_cb on_finding;
  x12kit_transaction_cb on_tx;
  void *ud;
  int show_data;
  int skip_elements;                  /* x12kit_validator_set_skip_elements() */
  int status;
  unsigned long errors;
  unsigned trigger;                   /* for the next finding: its situational trigger */

  char gs08[16];

  /* the open transaction */
  int in_st;
  x12kit_transaction_info st;
  const x12kit_guide *guide;
  const x12kit_guide *candidates[4];
  size_t ncandidates;                 /* > 1: waiting for the select segment */
  x12kit_node *pending_st;            /* the ST, while waiting */
  frame stack[MAX_DEPTH];
  size_t depth;
  x12kit_node *root;
  unsigned long hl_count;

  arena_block *blocks;                /* per-transaction memory, reused */
  x12kit_error err;
};

/* ---- per-transaction arena ---- */

static void *talloc(x12kit_validator *v, size_t n)
{
  arena_block *b = v->blocks;
  const size_t align = sizeof(max_align_t);

  n = (n + align - 1) / align * align;
  if (n == 0)
    n = align;
  /* use the first block with room; blocks stay for the next transaction */
  for (; b; b = b->next)
    if (b->size - b->used >= n)
      break;
  if (b == NULL) {
    size_t size = n > 32768 ? n : 32768;
    b = x12kitp_malloc(&v->mem, sizeof *b + size);
    if (b == NULL) {
      v->status = X12KIT_ERR_NOMEM;
      return NULL;
    }
    b->size = size;
    b->used = 0;
    b->next = v->blocks;
    v->blocks = b;
  }
  b->used += n;
  return memset((char *)b->data + b->used - n, 0, n);
}

/* Empties the arena; keeps blocks of ordinary size for the next transaction. */
static void tfree_all(x12kit_validator *v, int release)
{
  arena_block **pp = &v->blocks;

  while (*pp) {
    arena_block *b = *pp;
    if (release || b->size > 1024 * 1024) {
      *pp = b->next;
      x12kitp_free(&v->mem, b);
    } else {
      b->used = 0;
      pp = &b->next;
    }
  }
}

/* ---- findings ---- */

static int finding(x12kit_validator *v, const x12kit_position *pos, const char *segid,
                   const char *loop, x12kit_ack_kind kind, const char *code, unsigned elem,
                   unsigned comp, unsigned rep, unsigned ref, x12kit_slice value,
                   const char *fmt, ...) X12KITP_PRINTF(12, 13);

static int finding(x12kit_validator *v, const x12kit_position *pos, const char *segid,
                   const char *loop, x12kit_ack_kind kind, const char *code, unsigned elem,
                   unsigned comp, unsigned rep, unsigned ref, x12kit_slice value,
                   const char *fmt, ...)
{
  x12kit_error *e = &v->err;
  va_list ap;

  va_start(ap, fmt);
  x12kitp_error_vset(e, X12KIT_ERR_ENVELOPE, kind, code, fmt, ap);
  va_end(ap);
  e->code = kind == X12KIT_ACK_SEGMENT || kind == X12KIT_ACK_ELEMENT ? X12KIT_ERR_SYNTAX
                                                                     : X12KIT_ERR_ENVELOPE;
  if (pos)
    e->pos = *pos;
  snprintf(e->segment_id, sizeof e->segment_id, "%s", segid ? segid : "");
  snprintf(e->loop_id, sizeof e->loop_id, "%s", loop ? loop : "");
  e->element = elem;
  e->component = comp;
  e->repetition = rep;
  e->element_ref = ref;
  e->trigger_element = v->trigger;
  v->trigger = 0;
  if (v->show_data && value.len)
    x12kitp_error_value(e, value);
  v->errors++;
  if (v->on_finding && v->on_finding(v->ud, e))
    return v->status = X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

/* "the transaction header" or "loop 2100C (Subscriber Name)" */
static const char *where(const x12kitp_loopdef *ld, char *buf, size_t size)
{
  if (ld == NULL || ld->id[0] == '\0')
    snprintf(buf, size, "the transaction header or trailer");
  else
    snprintf(buf, size, "loop %s (%s)", ld->id, ld->name);
  return buf;
}

/* ---- element checks ---- */

static int is_digits(const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9')
      return 0;
  return n > 0;
}

static unsigned num(const char *p, size_t n)
{
  unsigned v = 0;
  size_t i;

  for (i = 0; i < n; i++)
    v = v * 10 + (unsigned)(p[i] - '0');
  return v;
}

static int valid_ymd(unsigned y, unsigned m, unsigned d)
{
  return d >= 1 && d <= x12kitp_days_in_month(y, m);
}

/* CCYYMMDD or YYMMDD */
static int valid_date(const char *p, size_t n)
{
  if (!is_digits(p, n))
    return 0;
  if (n == 8)
    return valid_ymd(num(p, 4), num(p + 4, 2), num(p + 6, 2));
  if (n == 6)
    return valid_ymd(2000 + num(p, 2), num(p + 2, 2), num(p + 4, 2));
  return 0;
}

/* HHMM, HHMMSS, HHMMSSD, HHMMSSDD */
static int valid_time(const char *p, size_t n)
{
  if (!is_digits(p, n) || n < 4 || n > 8 || n == 5)
    return 0;
  if (num(p, 2) > 23 || num(p + 2, 2) > 59)
    return 0;
  return n < 6 || num(p + 4, 2) <= 59;
}

/* A number of type N0-N2 or R: returns its length as X12 counts it, or -1. */
static long number_length(const char *type, const char *p, size_t n)
{
  size_t i = 0, digits = 0;
  int dot = 0;

  if (n && p[0] == '-')
    i = 1;
  for (; i < n; i++) {
    if (p[i] >= '0' && p[i] <= '9')
      digits++;
    else if (p[i] == '.' && type[0] == 'R' && !dot)
      dot = 1;
    else
      return -1;
  }
  return digits ? (long)digits : -1;
}

typedef struct elem_ctx {
  x12kit_validator *v;
  const x12kit_segment *seg;
  const x12kitp_segdef *sd;
  const char *loop;
  unsigned bad;                       /* element findings in this segment */
  int any_comp;                       /* the segment holds a component separator */
} elem_ctx;

static int elem_finding(elem_ctx *c, const x12kitp_elem *e, const char *code, unsigned elem,
                        unsigned comp, unsigned rep, x12kit_slice value, const char *what)
{
  char ref[24];

  if (comp)
    snprintf(ref, sizeof ref, "%s%02u-%u", c->sd->id, elem, comp);
  else
    snprintf(ref, sizeof ref, "%s%02u", c->sd->id, elem);
  c->bad++;
  return finding(c->v, x12kit_segment_position(c->seg), c->sd->id, c->loop, X12KIT_ACK_ELEMENT,
                 code, elem, comp, rep, e ? e->ref : 0, value, "%s%s%s%s %s", ref,
                 e ? " (" : "", e ? e->name : "", e ? ")" : "", what);
}

/* Non-zero when |v| holds a control character (below 0x20, or DEL). */
static int has_control(x12kit_slice v)
{
  unsigned bad = 0;
  size_t i;

  /* no early exit: the loop vectorizes, and values are short */
  for (i = 0; i < v.len; i++) {
    unsigned char ch = (unsigned char)v.ptr[i];
    bad |= (unsigned)(ch < 0x20) | (unsigned)(ch == 0x7f);
  }
  return bad != 0;
}

/* Checks one simple value (an element, a component) against its definition. */
static inline int check_value(elem_ctx *c, const x12kitp_elem *e, x12kit_slice val, unsigned elem,
                       unsigned comp, unsigned rep)
{
  char what[96];
  size_t len = val.len;
  long nlen;
  int coded = e->ncodes || e->list;

  /* a code the guide allows holds no control character: one look decides */
  if (coded && x12kitp_code_allowed(e, val) && len >= e->min && len <= e->max)
    return X12KIT_OK;
  if (has_control(val))
    return elem_finding(c, e, "6", elem, comp, rep, val, "holds a control character");
  if (e->type[0] == 'N' || e->type[0] == 'R') {
    nlen = number_length(e->type, val.ptr, val.len);
    if (nlen < 0)
      return elem_finding(c, e, "6", elem, comp, rep, val, "is not a number");
    len = (size_t)nlen;
  }
  if (len < e->min) {
    snprintf(what, sizeof what, "is %zu characters long; the guide requires at least %u", len,
             e->min);
    return elem_finding(c, e, "4", elem, comp, rep, val, what);
  }
  if (len > e->max) {
    snprintf(what, sizeof what, "is %zu characters long; the guide allows at most %u", len,
             e->max);
    return elem_finding(c, e, "5", elem, comp, rep, val, what);
  }
  if (e->type[0] == 'D' && e->type[1] == 'T' && !valid_date(val.ptr, val.len))
    return elem_finding(c, e, "8", elem, comp, rep, val,
                        val.len == 6 ? "is not a valid date (YYMMDD)"
                                     : "is not a valid date (CCYYMMDD)");
  if (e->type[0] == 'T' && e->type[1] == 'M' && !valid_time(val.ptr, val.len))
    return elem_finding(c, e, "9", elem, comp, rep, val, "is not a valid time (HHMM)");
  if (coded && !x12kitp_code_allowed(e, val))
    return elem_finding(c, e, "7", elem, comp, rep, val,
                        "holds a code the guide does not allow here");
  return X12KIT_OK;
}

static int present(const x12kit_segment *seg, unsigned pos)
{
  return x12kit_segment_element(seg, pos).len > 0;
}

static int check_syntax(elem_ctx *c, const x12kitp_syntax *sx)
{
  const x12kit_segment *seg = c->seg;
  unsigned n = 0, i, first = 0, missing = 0, second = 0;
  char what[96];

  for (i = 0; i < sx->n; i++) {
    if (present(seg, sx->pos[i])) {
      n++;
      if (n == 2)
        second = sx->pos[i];
    } else if (!missing) {
      missing = sx->pos[i];
    }
  }
  first = sx->pos[0];
  switch (sx->rule) {
  case 'P':
    if (n > 0 && n < sx->n) {
      for (i = 0; i < sx->n && c->v->trigger == 0; i++)
        if (present(seg, sx->pos[i]))
          c->v->trigger = sx->pos[i];
      snprintf(what, sizeof what, "is missing: %s%02u and %s%02u must be sent together",
               c->sd->id, sx->pos[0], c->sd->id, sx->pos[1]);
      return elem_finding(c, c->sd->by_pos[missing], "2", missing, 0, 0,
                          (x12kit_slice){ NULL, 0 }, what);
    }
    break;
  case 'R':
    if (n == 0) {
      snprintf(what, sizeof what, "is missing: at least one of %s%02u and %s%02u is required",
               c->sd->id, sx->pos[0], c->sd->id, sx->pos[1]);
      return elem_finding(c, c->sd->by_pos[first], "2", first, 0, 0,
                          (x12kit_slice){ NULL, 0 }, what);
    }
    break;
  case 'E':
    if (n > 1) {
      unsigned one = 0;
      for (i = 0; i < sx->n && one == 0; i++)
        if (present(seg, sx->pos[i]))
          one = sx->pos[i];
      snprintf(what, sizeof what, "must not be sent together with %s%02u: only one of them "
                                  "may be used", c->sd->id, one);
      return elem_finding(c, c->sd->by_pos[second], "10", second, 0, 0,
                          x12kit_segment_element(seg, second), what);
    }
    break;
  case 'C':
    if (present(seg, first)) {
      for (i = 1; i < sx->n; i++) {
        if (!present(seg, sx->pos[i])) {
          snprintf(what, sizeof what, "is missing: %s%02u is sent, so it is required",
                   c->sd->id, first);
          c->v->trigger = first;
          return elem_finding(c, c->sd->by_pos[sx->pos[i]], "2", sx->pos[i], 0, 0,
                              (x12kit_slice){ NULL, 0 }, what);
        }
      }
    }
    break;
  case 'L':
    if (present(seg, first) && n < 2) {
      snprintf(what, sizeof what, "is missing: %s%02u is sent, so one of the others is required",
               c->sd->id, first);
      c->v->trigger = first;
      return elem_finding(c, c->sd->by_pos[sx->pos[1]], "2", sx->pos[1], 0, 0,
                          (x12kit_slice){ NULL, 0 }, what);
    }
    break;
  default:
    break;
  }
  return X12KIT_OK;
}

/* A date whose format another element names: D8, RD8, DT, TM. */
static int check_datefmt(elem_ctx *c, const x12kitp_datefmt *df)
{
  x12kit_slice q = x12kit_segment_element(c->seg, df->qualifier);
  x12kit_slice d = x12kit_segment_element(c->seg, df->element);
  const x12kitp_elem *e = c->sd->by_pos[df->element];
  int ok = 1;

  if (d.len == 0 || q.len == 0)
    return X12KIT_OK;
  if (x12kit_slice_eq(q, "D8")) {
    ok = d.len == 8 && valid_date(d.ptr, 8);
  } else if (x12kit_slice_eq(q, "RD8")) {
    ok = d.len == 17 && d.ptr[8] == '-' && valid_date(d.ptr, 8) && valid_date(d.ptr + 9, 8) &&
         memcmp(d.ptr, d.ptr + 9, 8) <= 0;
  } else if (x12kit_slice_eq(q, "DT")) {
    ok = d.len == 12 && valid_date(d.ptr, 8) && valid_time(d.ptr + 8, 4);
  } else if (x12kit_slice_eq(q, "TM")) {
    ok = valid_time(d.ptr, d.len);
  }
  if (ok)
    return X12KIT_OK;
  return elem_finding(c, e, "8", df->element, 0, 0, d,
                      x12kit_slice_eq(q, "RD8")  ? "is not a valid RD8 date range "
                                                   "(CCYYMMDD-CCYYMMDD, start not after end)"
                      : x12kit_slice_eq(q, "D8") ? "is not a valid D8 date (CCYYMMDD)"
                      : x12kit_slice_eq(q, "DT") ? "is not a valid DT date and time "
                                                   "(CCYYMMDDHHMM)"
                                                 : "is not a valid TM time (HHMM)");
}

#define MAX_COMPONENTS 32

/*
 * Checks one repetition |piece| of element |pos| (rep is its number, 0
 * when the element does not repeat) against a simple element or a
 * composite, splitting it into components once.
 */
static int check_piece(elem_ctx *c, const x12kitp_elem *e, x12kit_slice piece, unsigned pos,
                       unsigned rep)
{
  const char csep = c->seg->delims.component;
  x12kit_slice cv[MAX_COMPONENTS];
  size_t n = 0, a = 0, j, d = 0;
  unsigned k, last;
  char what[96];
  int rc = X12KIT_OK;

  if (e->ncomp == 0) {
    if (c->any_comp && memchr(piece.ptr, csep, piece.len) != NULL)
      return elem_finding(c, e, "13", pos, 0, rep, piece,
                          "holds components, but it is a simple element");
    return check_value(c, e, piece, pos, 0, rep);
  }
  for (j = 0; j <= piece.len && piece.len; j++) {
    if (j < piece.len && piece.ptr[j] != csep)
      continue;
    if (n < MAX_COMPONENTS)
      cv[n] = (x12kit_slice){ piece.ptr + a, j - a };
    n++;
    a = j + 1;
  }
  last = e->comps[e->ncomp - 1].pos;
  if (n > last) {
    snprintf(what, sizeof what, "has %zu components; the guide defines %u", n, last);
    return elem_finding(c, e, "13", pos, 0, rep, piece, what);
  }
  for (k = 1; k <= last && rc == X12KIT_OK; k++) {
    const x12kitp_elem *ce = NULL;
    x12kit_slice v = k <= n ? cv[k - 1] : (x12kit_slice){ piece.ptr + piece.len, 0 };
    while (d < e->ncomp && e->comps[d].pos < k)
      d++;
    if (d < e->ncomp && e->comps[d].pos == k)
      ce = &e->comps[d];
    if (ce == NULL || ce->usage == 'N') {
      if (v.len)
        rc = elem_finding(c, ce ? ce : e, "I10", pos, k, rep, v,
                          "is not used by the guide but holds data");
    } else if (v.len == 0) {
      if (ce->usage == 'R')
        rc = elem_finding(c, ce, "1", pos, k, rep, v, "is required but missing");
    } else {
      rc = check_value(c, ce, v, pos, k, rep);
    }
  }
  return rc;
}

/* Checks every element of |seg| against |sd|; returns the number of element findings. */
static int check_elements(x12kit_validator *v, const x12kit_segment *seg,
                          const x12kitp_segdef *sd, const char *loop, unsigned *bad)
{
  elem_ctx c = { v, seg, sd, loop, 0, 0 };
  size_t count = x12kit_segment_count(seg), pos, r, k;
  int any_rep;
  (void)r;
  char what[96];
  int rc = X12KIT_OK;

  /* the caller wants the loops only: what is placed where does not depend on these checks */
  if (v->skip_elements)
    return X12KIT_OK;
  if (count > sd->maxpos) {
    snprintf(what, sizeof what, "is beyond the last element the guide defines (%s has %u)",
             sd->id, sd->maxpos);
    /* report the first extra element that holds data */
    for (pos = sd->maxpos + 1; pos <= count && rc == X12KIT_OK; pos++)
      if (present(seg, (unsigned)pos)) {
        rc = elem_finding(&c, NULL, "3", (unsigned)pos, 0, 0, x12kit_segment_element(seg, pos),
                          what);
        break;
      }
  }
  /* most segments hold no repetition or component separator at all: look once */
  any_rep = memchr(seg->data, seg->delims.repetition, seg->len) != NULL;
  c.any_comp = memchr(seg->data, seg->delims.component, seg->len) != NULL;

  for (pos = 1; pos <= sd->maxpos && rc == X12KIT_OK; pos++) {
    const x12kitp_elem *e = sd->by_pos[pos];
    x12kit_slice val = { seg->data + seg->len, 0 };
    const char rsep = seg->delims.repetition;
    size_t reps, a, j;

    if (pos <= seg->nelem) {
      val.ptr = seg->data + seg->offs[pos - 1] + 1;
      val.len = seg->offs[pos] - seg->offs[pos - 1] - 1;
    }

    if (e == NULL || e->usage == 'N') {
      if (val.len)
        rc = elem_finding(&c, e, "I10", (unsigned)pos, 0, 0, val,
                          "is not used by the guide but holds data");
      continue;
    }
    if (val.len == 0) {
      if (e->usage == 'R')
        rc = elem_finding(&c, e, "1", (unsigned)pos, 0, 0, val, "is required but missing");
      continue;
    }
    /* most elements do not repeat */
    if (!any_rep || memchr(val.ptr, rsep, val.len) == NULL) {
      rc = check_piece(&c, e, val, (unsigned)pos, e->repeat != 1 ? 1 : 0);
      continue;
    }
    for (reps = 1, j = 0; j < val.len; j++)
      reps += val.ptr[j] == rsep;
    if (e->repeat != X12KITP_UNBOUNDED && reps > e->repeat) {
      snprintf(what, sizeof what, "repeats %zu times; the guide allows %u", reps, e->repeat);
      rc = elem_finding(&c, e, "12", (unsigned)pos, 0, 0, val, what);
      continue;
    }
    for (r = 1, a = 0, j = 0; j <= val.len && rc == X12KIT_OK; j++) {
      if (j < val.len && val.ptr[j] != rsep)
        continue;
      rc = check_piece(&c, e, (x12kit_slice){ val.ptr + a, j - a }, (unsigned)pos, (unsigned)r);
      r++;
      a = j + 1;
    }
  }
  for (k = 0; k < sd->nsyntax && rc == X12KIT_OK; k++)
    rc = check_syntax(&c, &sd->syntax[k]);
  for (k = 0; k < sd->ndatefmt && rc == X12KIT_OK; k++)
    rc = check_datefmt(&c, &sd->datefmt[k]);
  if (bad)
    *bad = c.bad;
  return rc;
}

/* ---- the tree ---- */

static x12kit_node *add_node(x12kit_validator *v, x12kit_node *parent, x12kit_node_kind kind)
{
  x12kit_node *n;

  if (v->on_tx == NULL || parent == NULL)
    return NULL;
  n = talloc(v, sizeof *n);
  if (n == NULL)
    return NULL;
  n->kind = kind;
  n->parent = parent;
  if (parent->last)
    parent->last->next = n;
  else
    parent->first = n;
  parent->last = n;
  return n;
}

static int add_segment(x12kit_validator *v, x12kit_node *parent, const x12kit_segment *seg,
                       const x12kitp_segdef *sd)
{
  x12kit_node *n;
  char *data;
  uint32_t *offs;

  if (v->on_tx == NULL)
    return X12KIT_OK;
  n = add_node(v, parent, X12KIT_NODE_SEGMENT);
  data = talloc(v, seg->len + 1);
  offs = talloc(v, (seg->nelem + 1) * sizeof *offs);
  if (n == NULL || data == NULL || offs == NULL)
    return v->status = X12KIT_ERR_NOMEM;
  memcpy(data, seg->data, seg->len);
  memcpy(offs, seg->offs, (seg->nelem + 1) * sizeof *offs);
  n->seg = *seg;
  n->seg.data = data;
  n->seg.offs = offs;
  n->id = n->seg.id;
  n->sd = sd;
  n->name = sd ? sd->name : "";
  return X12KIT_OK;
}

/* ---- the walk ---- */

static int seg_fits(const x12kitp_segdef *sd, const x12kit_segment *seg)
{
  size_t i;

  if (memcmp(sd->id, seg->id, 4) != 0) /* both NUL-padded to 4 bytes */
    return 0;
  for (i = 0; i < sd->nmatch; i++) {
    const x12kitp_match *m = &sd->matches[i];
    x12kit_slice val = x12kit_segment_component(seg, m->elem, 1, m->comp);
    if (!x12kitp_code_allowed(m->e, val))
      return 0;
  }
  return 1;
}

static const x12kitp_segdef *first_segment(const x12kitp_child *ch)
{
  return ch->seg ? ch->seg : ch->loop->children[0].seg;
}

/* An LE is required once its loop has had an LS (the 2120 entity loop between them). */
static int ls_open(const frame *f, const x12kitp_segdef *sd)
{
  size_t j;

  if (sd->id[0] != 'L' || sd->id[1] != 'E' || sd->id[2] != '\0')
    return 0;
  for (j = 0; j < f->def->nchild; j++)
    if (f->counts[j] > 0 && f->def->children[j].seg && f->def->children[j].seg->id[0] == 'L' &&
        f->def->children[j].seg->id[1] == 'S' && f->def->children[j].seg->id[2] == '\0')
      return 1;
  return 0;
}

/* Reports required children of |f| from |from| up to |to| (excluded) never seen. */
static int report_missing(x12kit_validator *v, frame *f, size_t from, size_t to,
                          const x12kit_position *pos)
{
  char loc[96];
  size_t j;

  for (j = from; j < to && v->status == X12KIT_OK; j++) {
    const x12kitp_child *ch = &f->def->children[j];
    if (f->counts[j] != 0)
      continue;
    /* a missing SE is the envelope checker's to report (IK5 2) */
    if (f->def->parent == NULL && ch->seg && ch->seg->id[0] == 'S' && ch->seg->id[1] == 'E' &&
        ch->seg->id[2] == '\0')
      continue;
    if (ch->seg && (ch->seg->usage == 'R' || ls_open(f, ch->seg))) {
      if (finding(v, pos, ch->seg->id, f->def->id, X12KIT_ACK_SEGMENT, "3", 0, 0, 0, 0,
                  (x12kit_slice){ NULL, 0 }, "%s (%s) is required in %s but missing",
                  ch->seg->id, ch->seg->name, where(f->def, loc, sizeof loc)))
        return v->status;
    } else if (ch->loop && ch->loop->usage == 'R') {
      if (finding(v, pos, ch->loop->children[0].seg->id, ch->loop->id, X12KIT_ACK_SEGMENT, "3",
                  0, 0, 0, 0, (x12kit_slice){ NULL, 0 },
                  "loop %s (%s), which starts with %s, is required in %s but missing",
                  ch->loop->id, ch->loop->name, ch->loop->children[0].seg->id,
                  where(f->def, loc, sizeof loc)))
        return v->status;
    }
  }
  return v->status;
}

static int close_frame(x12kit_validator *v, frame *f, const x12kit_position *pos)
{
  size_t from = f->counts[f->at] ? f->at + 1 : f->at;

  if (report_missing(v, f, from, f->def->nchild, pos))
    return v->status;
  if (f->def->hl && f->hl04 == '1' && f->hl_children == 0)
    return finding(v, &f->hl_pos, "HL", f->def->id, X12KIT_ACK_ELEMENT, "I12", 4, 0, 0, 736,
                   (x12kit_slice){ NULL, 0 },
                   "HL04 (Hierarchical Child Code) says a lower level follows, but none does");
  return X12KIT_OK;
}

static unsigned long to_ulong(x12kit_slice s)
{
  unsigned long v = 0;
  size_t i;

  if (!is_digits(s.ptr, s.len) || s.len > 9)
    return 0;
  for (i = 0; i < s.len; i++)
    v = v * 10 + (unsigned long)(s.ptr[i] - '0');
  return v;
}

/* HL01 numbering, HL02 parent, the parent's HL04. */
static int check_hl(x12kit_validator *v, frame *f, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_slice id = x12kit_segment_element(seg, 1), parent = x12kit_segment_element(seg, 2);
  x12kit_slice child = x12kit_segment_element(seg, 4);
  frame *up = NULL;
  size_t i;

  f->hl_id = to_ulong(id);
  f->hl04 = child.len == 1 ? child.ptr[0] : 0;
  f->hl_pos = *pos;
  if (f->hl_id != ++v->hl_count &&
      finding(v, pos, "HL", f->def->id, X12KIT_ACK_ELEMENT, "I12", 1, 0, 0, 628, id,
              "HL01 (Hierarchical ID Number) should be %lu: HL levels are numbered 1, 2, 3... "
              "in order", v->hl_count))
    return v->status;
  for (i = v->depth - 1; i-- > 0;) {
    if (v->stack[i].def->hl) {
      up = &v->stack[i];
      break;
    }
  }
  if (up == NULL) {
    if (parent.len &&
        finding(v, pos, "HL", f->def->id, X12KIT_ACK_ELEMENT, "I12", 2, 0, 0, 734, parent,
                "HL02 (Hierarchical Parent ID Number) must be empty at the top level"))
      return v->status;
    return X12KIT_OK;
  }
  up->hl_children++;
  if (to_ulong(parent) != up->hl_id &&
      finding(v, pos, "HL", f->def->id, X12KIT_ACK_ELEMENT, "I12", 2, 0, 0, 734, parent,
              "HL02 (Hierarchical Parent ID Number) must name the level above it, HL %lu",
              up->hl_id))
    return v->status;
  if (up->hl_children == 1 && up->hl04 == '0' &&
      finding(v, &up->hl_pos, "HL", up->def->id, X12KIT_ACK_ELEMENT, "I12", 4, 0, 0, 736,
              (x12kit_slice){ NULL, 0 },
              "HL04 (Hierarchical Child Code) says no lower level follows, but one does"))
    return v->status;
  return X12KIT_OK;
}

static int push_frame(x12kit_validator *v, const x12kitp_loopdef *ld, x12kit_node *parent)
{
  frame *f;

  if (v->depth == MAX_DEPTH)
    return v->status = X12KIT_ERR_NOMEM; /* maps never nest this deep */
  f = &v->stack[v->depth++];
  memset(f, 0, sizeof *f);
  f->def = ld;
  f->counts = talloc(v, (ld->nchild ? ld->nchild : 1) * sizeof *f->counts);
  if (f->counts == NULL)
    return v->status;
  if (parent) {
    f->node = add_node(v, parent, X12KIT_NODE_LOOP);
    if (f->node) {
      f->node->id = ld->id;
      f->node->name = ld->name;
    } else if (v->status) {
      return v->status;
    }
  }
  return X12KIT_OK;
}

/* Does the guide hold a segment with this ID anywhere? */
static int guide_has(const x12kitp_loopdef *ld, const char *id)
{
  size_t i;

  for (i = 0; i < ld->nchild; i++) {
    if (ld->children[i].seg ? strcmp(ld->children[i].seg->id, id) == 0
                            : guide_has(ld->children[i].loop, id))
      return 1;
  }
  return 0;
}

/* Takes |seg| as child |i| of frame |lvl|. */
static int take(x12kit_validator *v, size_t lvl, size_t i, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  frame *f = &v->stack[lvl];
  const x12kitp_child *ch = &f->def->children[i];
  const x12kitp_segdef *sd = first_segment(ch);
  char loc[96];
  unsigned bad = 0;

  while (v->depth > lvl + 1) {
    if (close_frame(v, &v->stack[v->depth - 1], pos))
      return v->status;
    v->depth--;
  }
  if (report_missing(v, f, f->at, i, pos))
    return v->status;
  f->at = i;
  f->counts[i]++;
  if (ch->seg) {
    if (ch->seg->max != X12KITP_UNBOUNDED && f->counts[i] > ch->seg->max &&
        finding(v, pos, seg->id, f->def->id, X12KIT_ACK_SEGMENT, "5", 0, 0, 0, 0,
                (x12kit_slice){ NULL, 0 }, "%s (%s) appears %u times in %s; the guide allows %u",
                seg->id, sd->name, f->counts[i], where(f->def, loc, sizeof loc), ch->seg->max))
      return v->status;
    if (ch->seg->usage == 'N' &&
        finding(v, pos, seg->id, f->def->id, X12KIT_ACK_SEGMENT, "I4", 0, 0, 0, 0,
                (x12kit_slice){ NULL, 0 }, "%s (%s) is not used in %s", seg->id, sd->name,
                where(f->def, loc, sizeof loc)))
      return v->status;
    if (check_elements(v, seg, sd, f->def->id, &bad))
      return v->status;
    return add_segment(v, f->node, seg, sd);
  }
  if (ch->loop->repeat != X12KITP_UNBOUNDED && f->counts[i] > ch->loop->repeat &&
      finding(v, pos, seg->id, ch->loop->id, X12KIT_ACK_SEGMENT, "4", 0, 0, 0, 0,
              (x12kit_slice){ NULL, 0 }, "loop %s (%s) occurs %u times; the guide allows %u",
              ch->loop->id, ch->loop->name, f->counts[i], ch->loop->repeat))
    return v->status;
  if (ch->loop->usage == 'N' &&
      finding(v, pos, seg->id, ch->loop->id, X12KIT_ACK_SEGMENT, "I4", 0, 0, 0, 0,
              (x12kit_slice){ NULL, 0 }, "loop %s (%s) is not used in this transaction",
              ch->loop->id, ch->loop->name))
    return v->status;
  if (push_frame(v, ch->loop, f->node))
    return v->status;
  f = &v->stack[v->depth - 1];
  f->counts[0] = 1;
  if (ch->loop->hl && check_hl(v, f, seg))
    return v->status;
  if (check_elements(v, seg, sd, ch->loop->id, &bad))
    return v->status;
  return add_segment(v, f->node, seg, sd);
}

static int walk(x12kit_validator *v, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  frame *top;
  size_t lvl, i;
  char loc[96];
  const char *code, *why;

  for (lvl = v->depth; lvl-- > 0;) {
    frame *f = &v->stack[lvl];
    /* a loop's first segment starts the next instance, one level up */
    for (i = lvl > 0 && f->at == 0 ? 1 : f->at; i < f->def->nchild; i++)
      if (seg_fits(first_segment(&f->def->children[i]), seg))
        return take(v, lvl, i, seg);
  }
  /*
   * The ID fits a later segment (or child loop) of the current loop, but
   * a qualifier does not: take it there, and the qualifier is reported
   * as a code the guide does not allow.
   */
  top = &v->stack[v->depth - 1];
  for (i = v->depth > 1 && top->at == 0 ? 1 : top->at; i < top->def->nchild; i++)
    if (strcmp(first_segment(&top->def->children[i])->id, seg->id) == 0)
      return take(v, v->depth - 1, i, seg);
  code = "1";
  why = "is not a segment x12kit knows";
  /* fits a place the walk has passed, in this loop or one around it */
  for (lvl = v->depth; lvl-- > 0 && code[0] == '1';) {
    const frame *f = &v->stack[lvl];
    for (i = lvl > 0 ? 1 : 0; i < f->at; i++) {
      if (seg_fits(first_segment(&f->def->children[i]), seg)) {
        code = "7";
        why = "is out of order: it belongs earlier, not in";
        break;
      }
    }
  }
  if (code[0] == '1') {
    if (v->guide && guide_has(&v->guide->root, seg->id)) {
      code = "2";
      why = "is not expected here, in";
    } else if (x12kitp_schema_knows_segment(v->schema, seg->id)) {
      code = "6";
      why = "does not belong to this transaction set; found in";
    } else {
      why = "is not a segment of this transaction set; found in";
    }
  }
  if (finding(v, pos, seg->id, top->def->id, X12KIT_ACK_SEGMENT, code, 0, 0, 0, 0,
              (x12kit_slice){ NULL, 0 }, "%s %s %s", seg->id, why, where(top->def, loc, sizeof loc)))
    return v->status;
  return add_segment(v, top->node, seg, NULL);
}

/* ---- transactions ---- */

static void tx_clear(x12kit_validator *v)
{
  v->in_st = 0;
  v->guide = NULL;
  v->ncandidates = 0;
  v->pending_st = NULL;
  v->depth = 0;
  v->root = NULL;
  v->hl_count = 0;
  tfree_all(v, 0);
}

static int tx_begin(x12kit_validator *v, const x12kit_transaction_info *st,
                    const x12kit_position *pos)
{
  const char *version = st->version[0] ? st->version : v->gs08;
  size_t i, n = x12kit_schema_guide_count(v->schema);
  int known = 0;

  tx_clear(v);
  v->in_st = 1;
  v->st = *st;
  if (v->on_tx) {
    v->root = talloc(v, sizeof *v->root);
    if (v->root == NULL)
      return v->status;
    v->root->kind = X12KIT_NODE_LOOP;
    v->root->id = "";
    v->root->name = "";
  }
  for (i = 0; i < n; i++) {
    const x12kit_guide *g = x12kit_schema_guide(v->schema, i);
    if (strcmp(g->transaction, st->id) != 0)
      continue;
    known = 1;
    if (strcmp(g->version, version) == 0 && v->ncandidates < 4)
      v->candidates[v->ncandidates++] = g;
  }
  if (v->ncandidates == 0) {
    if (known)
      return finding(v, pos, "ST", "", X12KIT_ACK_TRANSACTION, "I6", 0, 0, 0, 0,
                     (x12kit_slice){ NULL, 0 },
                     "transaction %s %s: x12kit has no guide for implementation %s", st->id,
                     st->control, version);
    return finding(v, pos, "ST", "", X12KIT_ACK_TRANSACTION, "1", 0, 0, 0, 0,
                   (x12kit_slice){ NULL, 0 },
                   "transaction %s %s: x12kit has no guide for transaction set %s", st->id,
                   st->control, st->id);
  }
  if (v->ncandidates == 1)
    v->guide = v->candidates[0];
  if (v->root)
    v->root->name = v->candidates[0]->name;
  return X12KIT_OK;
}

/* Starts walking once the guide is known. */
static int start_walk(x12kit_validator *v)
{
  if (push_frame(v, &v->guide->root, NULL))
    return v->status;
  v->stack[0].node = v->root;
  if (v->root)
    v->root->name = v->guide->name;
  return X12KIT_OK;
}

static int tx_segment(x12kit_validator *v, const x12kit_segment *seg)
{
  size_t i, k;

  if (v->guide == NULL && v->ncandidates > 1) {
    /* two guides share ST01 and ST03: the select segment decides */
    const x12kit_guide *g0 = v->candidates[0];
    if (strcmp(seg->id, "ST") == 0 && v->pending_st == NULL) {
      /* keep a copy of the ST to walk once the guide is chosen */
      v->pending_st = talloc(v, sizeof *v->pending_st);
      if (v->pending_st == NULL)
        return v->status;
      {
        char *data = talloc(v, seg->len + 1);
        uint32_t *offs = talloc(v, (seg->nelem + 1) * sizeof *offs);
        if (data == NULL || offs == NULL)
          return v->status;
        memcpy(data, seg->data, seg->len);
        memcpy(offs, seg->offs, (seg->nelem + 1) * sizeof *offs);
        v->pending_st->seg = *seg;
        v->pending_st->seg.data = data;
        v->pending_st->seg.offs = offs;
      }
      return X12KIT_OK;
    }
    v->guide = g0;
    if (strcmp(seg->id, g0->select_seg) == 0) {
      x12kit_slice val = x12kit_segment_element(seg, g0->select_elem);
      for (i = 0; i < v->ncandidates && v->guide == g0; i++)
        for (k = 0; k < v->candidates[i]->nselect; k++)
          if (x12kit_slice_eq(val, v->candidates[i]->select_values[k]))
            v->guide = v->candidates[i];
    }
    v->ncandidates = 1;
    if (start_walk(v))
      return v->status;
    if (v->pending_st && walk(v, &v->pending_st->seg))
      return v->status;
    return walk(v, seg);
  }
  if (v->guide == NULL)
    return v->on_tx ? add_segment(v, v->root, seg, NULL) : X12KIT_OK;
  if (v->depth == 0 && start_walk(v))
    return v->status;
  return walk(v, seg);
}

static int tx_end(x12kit_validator *v, const x12kit_position *pos)
{
  int rc = X12KIT_OK;

  if (v->guide == NULL && v->ncandidates > 1) {
    /* ended before the select segment: take the first guide */
    v->guide = v->candidates[0];
    if (start_walk(v) || (v->pending_st && walk(v, &v->pending_st->seg)))
      return v->status;
  }
  while (v->depth > 0 && rc == X12KIT_OK) {
    rc = close_frame(v, &v->stack[v->depth - 1], pos);
    v->depth--;
  }
  if (rc == X12KIT_OK && v->on_tx && v->on_tx(v->ud, v->guide, &v->st, v->root))
    rc = v->status = X12KIT_ERR_ABORTED;
  tx_clear(v);
  return rc;
}

/* ---- envelope glue ---- */

static int on_env_event(void *ud, x12kit_envelope_event ev, const void *info,
                        const x12kit_position *pos)
{
  x12kit_validator *v = ud;

  switch (ev) {
  case X12KIT_GROUP_BEGIN:
    snprintf(v->gs08, sizeof v->gs08, "%s", ((const x12kit_group_info *)info)->version);
    break;
  case X12KIT_TRANSACTION_BEGIN:
    if (v->on_event && v->on_event(v->ud, ev, info, pos))
      return v->status = X12KIT_ERR_ABORTED;
    return tx_begin(v, info, pos);
  case X12KIT_TRANSACTION_END:
    if (v->in_st && tx_end(v, pos))
      return v->status;
    break;
  default:
    break;
  }
  if (v->on_event && v->on_event(v->ud, ev, info, pos))
    return v->status = X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

static int on_env_error(void *ud, const x12kit_error *err)
{
  x12kit_validator *v = ud;

  v->errors++;
  if (v->on_finding && v->on_finding(v->ud, err))
    return v->status = X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

int x12kit_validator_new(x12kit_validator **out, const x12kit_schema *schema,
                         const x12kit_mem *mem)
{
  x12kit_mem m;
  x12kit_validator *v;
  int rc;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  if (schema == NULL)
    return X12KIT_ERR_ARG;
  x12kitp_mem_init(&m, mem);
  v = x12kitp_calloc(&m, sizeof *v);
  if (v == NULL)
    return X12KIT_ERR_NOMEM;
  v->mem = m;
  v->schema = schema;
  rc = x12kit_envelope_new(&v->env, &m);
  if (rc) {
    x12kitp_free(&m, v);
    return rc;
  }
  x12kit_envelope_set_callbacks(v->env, on_env_event, on_env_error, v);
  *out = v;
  return X12KIT_OK;
}

void x12kit_validator_free(x12kit_validator *v)
{
  if (v == NULL)
    return;
  x12kit_envelope_free(v->env);
  tfree_all(v, 1);
  x12kitp_free(&v->mem, v);
}

void x12kit_validator_reset(x12kit_validator *v)
{
  x12kit_envelope_reset(v->env);
  tx_clear(v);
  v->status = 0;
  v->errors = 0;
  v->gs08[0] = '\0';
}

void x12kit_validator_set_show_data(x12kit_validator *v, int show)
{
  v->show_data = show != 0;
  x12kit_envelope_set_show_data(v->env, show);
}

void x12kit_validator_set_skip_elements(x12kit_validator *v, int skip)
{
  v->skip_elements = skip != 0;
}

void x12kit_validator_set_callbacks(x12kit_validator *v, x12kit_envelope_event_cb on_event,
                                    x12kit_error_cb on_finding, x12kit_transaction_cb on_tx,
                                    void *user_data)
{
  v->on_event = on_event;
  v->on_finding = on_finding;
  v->on_tx = on_tx;
  v->ud = user_data;
}

int x12kit_validator_segment(x12kit_validator *v, const x12kit_segment *seg)
{
  int is_se;

  if (v == NULL || seg == NULL)
    return X12KIT_ERR_ARG;
  if (v->status)
    return v->status;
  is_se = seg->id[0] == 'S' && seg->id[1] == 'E' && seg->id[2] == '\0';
  /* SE is walked before the envelope checker closes the transaction */
  if (is_se && v->in_st && tx_segment(v, seg))
    return v->status;
  if (x12kit_envelope_segment(v->env, seg) && !v->status)
    v->status = X12KIT_ERR_NOMEM;
  if (v->status)
    return v->status;
  if (!is_se && v->in_st)
    tx_segment(v, seg);
  return v->status;
}

int x12kit_validator_finish(x12kit_validator *v)
{
  if (v == NULL)
    return X12KIT_ERR_ARG;
  if (v->status)
    return v->status;
  if (x12kit_envelope_finish(v->env) && !v->status)
    v->status = X12KIT_ERR_NOMEM;
  return v->status;
}

unsigned long x12kit_validator_error_count(const x12kit_validator *v)
{
  return v->errors;
}

/* ---- tree accessors ---- */

x12kit_node_kind x12kit_node_kind_of(const x12kit_node *n) { return n->kind; }
const char *x12kit_node_id(const x12kit_node *n) { return n->id; }
const char *x12kit_node_name(const x12kit_node *n) { return n->name ? n->name : ""; }
const x12kit_node *x12kit_node_parent(const x12kit_node *n) { return n->parent; }
const x12kit_node *x12kit_node_first_child(const x12kit_node *n) { return n->first; }
const x12kit_node *x12kit_node_next(const x12kit_node *n) { return n->next; }

const x12kit_segment *x12kit_node_segment(const x12kit_node *n)
{
  return n->kind == X12KIT_NODE_SEGMENT ? &n->seg : NULL;
}

const x12kit_node *x12kit_node_find(const x12kit_node *n, const char *path)
{
  const char *p = path;

  if (n == NULL || path == NULL)
    return NULL;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    const x12kit_node *c;
    for (c = n->first; c; c = c->next)
      if (strlen(c->id) == len && memcmp(c->id, p, len) == 0)
        break;
    if (c == NULL)
      return NULL;
    n = c;
    p += len;
    if (*p == '/')
      p++;
  }
  return n == NULL || p == path ? NULL : n;
}

x12kit_slice x12kit_node_element(const x12kit_node *n, const char *name)
{
  x12kit_slice none = { "", 0 };
  size_t idlen, len;
  unsigned pos;

  if (n == NULL || name == NULL || n->kind != X12KIT_NODE_SEGMENT)
    return none;
  idlen = strlen(n->seg.id);
  len = strlen(name);
  /* reference designator: NM109, SV101-2 */
  if (len >= idlen + 2 && memcmp(name, n->seg.id, idlen) == 0 && isdigit((unsigned char)name[idlen]) &&
      isdigit((unsigned char)name[idlen + 1])) {
    pos = (unsigned)((name[idlen] - '0') * 10 + (name[idlen + 1] - '0'));
    if (name[idlen + 2] == '\0')
      return x12kit_segment_element(&n->seg, pos);
    if (name[idlen + 2] == '-' && isdigit((unsigned char)name[idlen + 3])) {
      char *end;
      unsigned long k = strtoul(name + idlen + 3, &end, 10);
      if (*end == '\0' && k >= 1 && k <= 99)
        return x12kit_segment_component(&n->seg, pos, 1, (size_t)k);
    }
    return none;
  }
  if (n->sd) {
    for (pos = 1; pos <= n->sd->maxpos; pos++)
      if (n->sd->by_pos[pos] && strcasecmp(n->sd->by_pos[pos]->name, name) == 0)
        return x12kit_segment_element(&n->seg, pos);
  }
  return none;
}
