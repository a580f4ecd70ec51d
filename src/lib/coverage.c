/*
 * x12kit - the 271 reader (005010X279A1) and the coverage answer.
 *
 * Reading.  The input goes through the lexer and the validator; the
 * validator hands over the loop tree of each transaction, and the tree
 * is read loop by loop:
 *
 *   2000A/2100A  the payer, and the AAAs of 2000A and 2100A
 *   2000B/2100B  the provider, and its AAAs
 *   2000C/2100C  the subscriber: name, REF, DTP, AAA, and the 2110C loops
 *   2000D/2100D  a dependent, the same with 2110D
 *
 * Every value kept is copied into the handle's arena, since the tree
 * (and the caller's bytes) are gone after the call.  Each 2000C with an
 * EB or AAA of its own, or without dependents, is one patient; so is
 * each 2000D.  A 2000B or 2000A that ends with rejections but no patient
 * gives an entry with empty patient fields, and so does a transaction
 * with no entry at all, so nothing the payer said is dropped.
 *
 * Lexer errors make the input unreadable (X12KIT_ERR_SYNTAX); guide and
 * envelope findings are only counted.  Numbers that cannot be held are
 * left unset and counted as findings of their own.
 *
 * Answering.  x12kit_271_coverage() ranks the EBs about the question by
 * level (procedure, each service type asked about in order, plan),
 * then by network (explicit first), coverage level (IND or none, then
 * the others, then FAM) and input order, and takes the best EB that
 * states each value.  Its message and entity lists are kept in the
 * handle, keyed by patient and question, so repeating a question gives
 * the same lists and memory grows only with new questions.
 *
 * No message here holds a value from the input: they name loops,
 * segments, transaction set IDs and implementation references only.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* strnlen */
#endif
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define ARENA_BLOCK 16384u

/* ---- the handle ---- */

/* One question already answered for one patient: its lists. */
typedef struct answer_cache {
  struct answer_cache *next;
  const x12kit_271_benefit *benefits;   /* which patient */
  const char *procedure;                /* the code, modifiers cut off */
  const char **service_types;
  size_t nservice_types;
  const char **messages;
  size_t nmessages;
  x12kit_271_entity *entities;
  size_t nentities;
  x12kit_271_rejection *rejections;
  size_t nrejections;
} answer_cache;

struct x12kit_271 {
  x12kit_mem mem;
  x12kitp_arena arena;
  x12kit_271_patient **patients;
  size_t npatients, cap;
  unsigned long findings;
  answer_cache *cache;
};

/* |count| zeroed objects of |size| bytes, or NULL. */
static void *arena_calloc(x12kit_271 *r, size_t count, size_t size)
{
  if (count == 0)
    return NULL;
  if (size && count > SIZE_MAX / size)
    return NULL;
  return x12kitp_arena_zalloc(&r->arena, count * size);
}

/* ---- the reader's state ---- */

typedef struct rej_list {
  const x12kit_271_rejection *v;
  size_t n;
} rej_list;

typedef struct date_list {
  const x12kit_271_date *v;
  size_t n;
} date_list;

typedef struct ref_list {
  const x12kit_271_ref *v;
  size_t n;
} ref_list;

typedef struct reader {
  x12kit_271 *r;
  const x12kit_schema *schema;
  int status;                   /* X12KIT_ERR_NOMEM once an allocation failed */
  unsigned long ntx;            /* transactions seen */
  unsigned long n271;           /* 271s read */
  unsigned long own_findings;   /* skipped transactions, numbers too large */
  unsigned long isa, ta1;       /* ISA and TA1 segments seen */
  int have_other;               /* a transaction that is not a readable 271 */
  char other_id[4];
  int other_271;                /* that transaction is a 271 without a guide */
  x12kit_position other_pos;

  /* the transaction being read */
  unsigned long tx_index;
  const char *control, *reference, *response_date;
  x12kit_271_entity payer, provider;
  rej_list rej_a, rej_b;
  size_t tx_patients;
} reader;

static void nomem(reader *rd)
{
  rd->status = X12KIT_ERR_NOMEM;
}

static void *rd_calloc(reader *rd, size_t count, size_t size)
{
  void *p;

  if (count == 0)
    return NULL;
  p = arena_calloc(rd->r, count, size);
  if (p == NULL)
    nomem(rd);
  return p;
}

static const char *dup_slice(reader *rd, x12kit_slice s)
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

static const char *dup_str(reader *rd, const char *s)
{
  return dup_slice(rd, (x12kit_slice){ s, s ? strlen(s) : 0 });
}

/* The meaning of |code| in list |list|, copied; "" when unknown. */
static const char *code_text(reader *rd, const char *list, const char *code)
{
  return code[0] ? dup_str(rd, x12kit_schema_code(rd->schema, list, code)) : "";
}

/* ---- the tree ---- */

static int is_seg(const x12kit_node *n, const char *id)
{
  return x12kit_node_kind_of(n) == X12KIT_NODE_SEGMENT && strcmp(x12kit_node_id(n), id) == 0;
}

static int is_loop(const x12kit_node *n, const char *id)
{
  return x12kit_node_kind_of(n) == X12KIT_NODE_LOOP && strcmp(x12kit_node_id(n), id) == 0;
}

static const x12kit_node *first_seg(const x12kit_node *loop, const char *id)
{
  const x12kit_node *c;

  if (loop == NULL)
    return NULL;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    if (is_seg(c, id))
      return c;
  return NULL;
}

static const x12kit_node *first_loop(const x12kit_node *loop, const char *id)
{
  const x12kit_node *c;

  if (loop == NULL)
    return NULL;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    if (is_loop(c, id))
      return c;
  return NULL;
}

static size_t count_segs(const x12kit_node *loop, const char *id)
{
  const x12kit_node *c;
  size_t n = 0;

  if (loop == NULL)
    return 0;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    n += is_seg(c, id);
  return n;
}

static size_t count_loops(const x12kit_node *loop, const char *id)
{
  const x12kit_node *c;
  size_t n = 0;

  if (loop == NULL)
    return 0;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    n += is_loop(c, id);
  return n;
}

static const x12kit_slice empty_slice = { "", 0 };

/* Element |pos| of a segment node; empty for NULL. */
static x12kit_slice el(const x12kit_node *n, size_t pos)
{
  return n ? x12kit_segment_element(x12kit_node_segment(n), pos) : empty_slice;
}

static x12kit_slice comp(const x12kit_node *n, size_t pos, size_t rep, size_t c)
{
  return n ? x12kit_segment_component(x12kit_node_segment(n), pos, rep, c) : empty_slice;
}

static unsigned long seg_number(const x12kit_node *n)
{
  return x12kit_segment_position(x12kit_node_segment(n))->in_transaction;
}

/* The first character of a one-character element, else 0. */
static char flag(x12kit_slice s)
{
  return s.len == 1 ? s.ptr[0] : 0;
}

/* ---- values ---- */

/* CCYYMMDD at |p| as "YYYY-MM-DD"; "" when it is not 8 digits. */
static const char *iso_date(reader *rd, const char *p, size_t n)
{
  char d[11];

  if (!x12kitp_iso_date((x12kit_slice){ p, n }, d))
    return "";
  return dup_slice(rd, (x12kit_slice){ d, 10 });
}

/*
 * An X12 decimal (type R: optional '-', digits, at most one '.') in
 * units of 10^-|scale|, rounded half away from zero.  Returns 1 and
 * sets *out, 0 when malformed, -1 when beyond |max| in magnitude.
 */
static int parse_decimal(x12kit_slice s, unsigned scale, long long max, long long *out)
{
  unsigned long long v = 0;
  size_t i = 0, digits = 0;
  unsigned frac = 0;
  int neg = 0, dot = 0, up = 0, over = 0;

  if (s.len && s.ptr[0] == '-') {
    neg = 1;
    i = 1;
  }
  for (; i < s.len; i++) {
    char c = s.ptr[i];
    if (c == '.' && !dot) {
      dot = 1;
      continue;
    }
    if (c < '0' || c > '9')
      return 0;
    digits++;
    if (dot && frac >= scale) {
      /* past the kept decimals: only the first one decides the rounding */
      if (frac++ == scale && c >= '5')
        up = 1;
      continue;
    }
    if (dot)
      frac++;
    if (v > ((unsigned long long)max - (unsigned)(c - '0')) / 10)
      over = 1;
    else
      v = v * 10 + (unsigned)(c - '0');
  }
  if (digits == 0)
    return 0;
  for (; !over && frac < scale; frac++) {
    if (v > (unsigned long long)max / 10)
      over = 1;
    else
      v *= 10;
  }
  if (!over && up) {
    if (v >= (unsigned long long)max)
      over = 1;
    else
      v++;
  }
  if (over)
    return -1;
  *out = neg ? -(long long)v : (long long)v;
  return 1;
}

/* ---- building strings ---- */

typedef struct piece {
  const char *sep;              /* before the piece, unless it comes first */
  x12kit_slice s;
} piece;

/* The non-empty pieces joined by their separators, in the arena. */
static const char *join(reader *rd, const piece *pc, size_t n)
{
  size_t i, len = 0, first = 1;
  char *out, *o;

  for (i = 0; i < n; i++) {
    if (pc[i].s.len == 0)
      continue;
    len += pc[i].s.len + (first ? 0 : strlen(pc[i].sep));
    first = 0;
  }
  if (len == 0)
    return "";
  o = out = x12kitp_arena_alloc(&rd->r->arena, len + 1, 1);
  if (out == NULL) {
    nomem(rd);
    return "";
  }
  first = 1;
  for (i = 0; i < n; i++) {
    if (pc[i].s.len == 0)
      continue;
    if (!first) {
      size_t k = strlen(pc[i].sep);
      memcpy(o, pc[i].sep, k);
      o += k;
    }
    memcpy(o, pc[i].s.ptr, pc[i].s.len);
    o += pc[i].s.len;
    first = 0;
  }
  *o = '\0';
  return out;
}

/* N3 and N4 of |loop| joined: "1420 LAKESIDE AVENUE, DULUTH, MN 558031234". */
static const char *address(reader *rd, const x12kit_node *loop)
{
  const x12kit_node *n3 = first_seg(loop, "N3"), *n4 = first_seg(loop, "N4");
  x12kit_slice state = el(n4, 2);
  piece pc[6];

  pc[0] = (piece){ ", ", el(n3, 1) };
  pc[1] = (piece){ ", ", el(n3, 2) };
  pc[2] = (piece){ ", ", el(n4, 1) };
  pc[3] = (piece){ ", ", state };
  pc[4] = (piece){ state.len ? " " : ", ", el(n4, 3) };
  pc[5] = (piece){ ", ", el(n4, 4) };
  return join(rd, pc, 6);
}

/* ---- segments and loops ---- */

static void blank_entity(x12kit_271_entity *e)
{
  memset(e, 0, sizeof *e);
  e->loop = e->code = e->name = e->id_qualifier = e->id = e->address = "";
}

static void read_contact(reader *rd, const x12kit_node *per, x12kit_271_contact *c)
{
  x12kit_slice phone = empty_slice, work = empty_slice;
  size_t k;

  c->function = dup_slice(rd, el(per, 1));
  c->name = dup_slice(rd, el(per, 2));
  c->extension = c->fax = c->email = c->url = "";
  for (k = 3; k <= 7; k += 2) {
    x12kit_slice q = el(per, k), v = el(per, k + 1);
    if (v.len == 0)
      continue;
    if (x12kit_slice_eq(q, "TE") && phone.len == 0)
      phone = v;
    else if (x12kit_slice_eq(q, "WP") && work.len == 0)
      work = v;
    else if (x12kit_slice_eq(q, "EX") && c->extension[0] == '\0')
      c->extension = dup_slice(rd, v);
    else if (x12kit_slice_eq(q, "FX") && c->fax[0] == '\0')
      c->fax = dup_slice(rd, v);
    else if (x12kit_slice_eq(q, "EM") && c->email[0] == '\0')
      c->email = dup_slice(rd, v);
    else if (x12kit_slice_eq(q, "UR") && c->url[0] == '\0')
      c->url = dup_slice(rd, v);
  }
  c->phone = dup_slice(rd, phone.len ? phone : work);
}

/* An NM1 loop: name, ID, address and contacts.  |loop_id| is a literal. */
static void read_entity(reader *rd, const x12kit_node *loop, const char *loop_id,
                        x12kit_271_entity *e)
{
  const x12kit_node *nm1 = first_seg(loop, "NM1"), *c;
  x12kit_271_contact *contacts;
  size_t n, i = 0;

  blank_entity(e);
  if (loop == NULL)
    return;
  e->loop = loop_id;
  e->code = dup_slice(rd, el(nm1, 1));
  if (x12kit_slice_eq(el(nm1, 2), "1")) {
    piece pc[2];
    pc[0] = (piece){ "", el(nm1, 3) };
    pc[1] = (piece){ ", ", el(nm1, 4) };
    e->name = join(rd, pc, 2);
  } else {
    e->name = dup_slice(rd, el(nm1, 3));
  }
  e->id_qualifier = dup_slice(rd, el(nm1, 8));
  e->id = dup_slice(rd, el(nm1, 9));
  e->address = address(rd, loop);
  n = count_segs(loop, "PER");
  contacts = rd_calloc(rd, n, sizeof *contacts);
  if (contacts == NULL)
    return;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    if (is_seg(c, "PER"))
      read_contact(rd, c, &contacts[i++]);
  e->contacts = contacts;
  e->ncontacts = n;
}

static void read_aaa(reader *rd, const x12kit_node *aaa, const char *loop_id,
                     x12kit_271_rejection *a)
{
  a->loop = loop_id;
  a->segment = seg_number(aaa);
  a->valid = flag(el(aaa, 1));
  a->reason = dup_slice(rd, el(aaa, 3));
  a->reason_text = code_text(rd, "901", a->reason);
  a->action = dup_slice(rd, el(aaa, 4));
  a->action_text = code_text(rd, "889", a->action);
  a->advice = x12kit_aaa_advice(a->reason, a->action);
}

/* Every AAA directly in |loop|. */
static rej_list read_aaas(reader *rd, const x12kit_node *loop, const char *loop_id)
{
  x12kit_271_rejection *v;
  const x12kit_node *c;
  rej_list out = { NULL, 0 };
  size_t n = count_segs(loop, "AAA");

  v = rd_calloc(rd, n, sizeof *v);
  if (v == NULL)
    return out;
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c))
    if (is_seg(c, "AAA"))
      read_aaa(rd, c, loop_id, &v[out.n++]);
  out.v = v;
  return out;
}

/* The lists one after the other, in a new array. */
static rej_list concat_rej(reader *rd, const rej_list *l, size_t n)
{
  x12kit_271_rejection *v;
  rej_list out = { NULL, 0 };
  size_t i, total = 0;

  for (i = 0; i < n; i++)
    total += l[i].n;
  v = rd_calloc(rd, total, sizeof *v);
  if (v == NULL)
    return out;
  for (i = 0; i < n; i++) {
    if (l[i].n)
      memcpy(v + out.n, l[i].v, l[i].n * sizeof *v);
    out.n += l[i].n;
  }
  out.v = v;
  return out;
}

static void read_dtp(reader *rd, const x12kit_node *dtp, x12kit_271_date *d)
{
  x12kit_slice fmt = el(dtp, 2), v = el(dtp, 3);

  d->qualifier = dup_slice(rd, el(dtp, 1));
  d->from = d->to = "";
  if (x12kit_slice_eq(fmt, "D8")) {
    d->from = iso_date(rd, v.ptr, v.len);
  } else if (x12kit_slice_eq(fmt, "RD8") && v.len == 17 && v.ptr[8] == '-') {
    d->from = iso_date(rd, v.ptr, 8);
    d->to = iso_date(rd, v.ptr + 9, 8);
  }
}

static void read_ref(reader *rd, const x12kit_node *ref, x12kit_271_ref *f)
{
  f->qualifier = dup_slice(rd, el(ref, 1));
  f->value = dup_slice(rd, el(ref, 2));
  f->description = dup_slice(rd, el(ref, 3));
}

/* Every DTP of |own|, then those of |more| whose qualifier |own| does not have. */
static date_list read_dates(reader *rd, const x12kit_node *own, const x12kit_node *more)
{
  x12kit_271_date *v;
  const x12kit_node *c;
  date_list out = { NULL, 0 };
  size_t n = count_segs(own, "DTP") + count_segs(more, "DTP"), i, k;

  v = rd_calloc(rd, n, sizeof *v);
  if (v == NULL)
    return out;
  for (c = own ? x12kit_node_first_child(own) : NULL; c; c = x12kit_node_next(c))
    if (is_seg(c, "DTP"))
      read_dtp(rd, c, &v[out.n++]);
  k = out.n;
  for (c = more ? x12kit_node_first_child(more) : NULL; c; c = x12kit_node_next(c)) {
    if (!is_seg(c, "DTP"))
      continue;
    for (i = 0; i < k; i++)
      if (x12kit_slice_eq(el(c, 1), v[i].qualifier))
        break;
    if (i == k)
      read_dtp(rd, c, &v[out.n++]);
  }
  out.v = v;
  return out;
}

static ref_list read_refs(reader *rd, const x12kit_node *own, const x12kit_node *more)
{
  x12kit_271_ref *v;
  const x12kit_node *c;
  ref_list out = { NULL, 0 };
  size_t n = count_segs(own, "REF") + count_segs(more, "REF"), i, k;

  v = rd_calloc(rd, n, sizeof *v);
  if (v == NULL)
    return out;
  for (c = own ? x12kit_node_first_child(own) : NULL; c; c = x12kit_node_next(c))
    if (is_seg(c, "REF"))
      read_ref(rd, c, &v[out.n++]);
  k = out.n;
  for (c = more ? x12kit_node_first_child(more) : NULL; c; c = x12kit_node_next(c)) {
    if (!is_seg(c, "REF"))
      continue;
    for (i = 0; i < k; i++)
      if (x12kit_slice_eq(el(c, 1), v[i].qualifier))
        break;
    if (i == k)
      read_ref(rd, c, &v[out.n++]);
  }
  out.v = v;
  return out;
}

/* EB07 and EB08; a number too large to hold is a finding of ours. */
static void read_numbers(reader *rd, const x12kit_node *eb, x12kit_271_benefit *b)
{
  long long v;
  int rc;

  rc = parse_decimal(el(eb, 7), 2, LLONG_MAX, &v);
  if (rc > 0) {
    b->amount.set = 1;
    b->amount.cents = v;
  } else if (rc < 0) {
    rd->own_findings++;
  }
  rc = parse_decimal(el(eb, 8), 4, LONG_MAX, &v);
  if (rc > 0) {
    b->percent.set = 1;
    b->percent.bp = (long)v;
  } else if (rc < 0) {
    rd->own_findings++;
  }
  if (parse_decimal(el(eb, 10), 0, LLONG_MAX, &v) < 0)
    rd->own_findings++;
}

/* One 2110C or 2110D loop. */
static void read_benefit(reader *rd, const x12kit_node *loop, int dep, x12kit_271_benefit *b)
{
  const x12kit_node *eb = first_seg(loop, "EB"), *c;
  const char *entity_loop = dep ? "2120D" : "2120C";
  const char **stc;
  x12kit_271_date *dates;
  x12kit_271_ref *refs;
  x12kit_271_rejection *rej;
  const char **msgs;
  x12kit_271_entity *ents;
  size_t n, r, k;

  memset(b, 0, sizeof *b);
  b->loop = dep ? "2110D" : "2110C";
  b->segment = eb ? seg_number(eb) : 0;
  b->code = dup_slice(rd, el(eb, 1));
  b->code_text = code_text(rd, "1390", b->code);
  b->coverage_level = dup_slice(rd, el(eb, 2));
  n = eb ? x12kit_segment_repetitions(x12kit_node_segment(eb), 3) : 0;
  stc = rd_calloc(rd, n, sizeof *stc);
  for (r = 1; stc && r <= n; r++) {
    x12kit_slice s = comp(eb, 3, r, 1);
    if (s.len)
      stc[b->nservice_types++] = dup_slice(rd, s);
  }
  b->service_types = stc;
  b->insurance_type = dup_slice(rd, el(eb, 4));
  b->plan = dup_slice(rd, el(eb, 5));
  b->period = dup_slice(rd, el(eb, 6));
  read_numbers(rd, eb, b);
  b->quantity_qualifier = dup_slice(rd, el(eb, 9));
  b->quantity = dup_slice(rd, el(eb, 10));
  b->auth = flag(el(eb, 11));
  b->network = flag(el(eb, 12));
  b->procedure_qualifier = dup_slice(rd, comp(eb, 13, 1, 1));
  b->procedure = dup_slice(rd, comp(eb, 13, 1, 2));
  for (k = 0; k < 4; k++)
    b->modifiers[k] = dup_slice(rd, comp(eb, 13, 1, 3 + k));
  b->procedure_end = dup_slice(rd, comp(eb, 13, 1, 8));

  dates = rd_calloc(rd, count_segs(loop, "DTP"), sizeof *dates);
  refs = rd_calloc(rd, count_segs(loop, "REF"), sizeof *refs);
  rej = rd_calloc(rd, count_segs(loop, "AAA"), sizeof *rej);
  msgs = rd_calloc(rd, count_segs(loop, "MSG"), sizeof *msgs);
  ents = rd_calloc(rd, count_loops(loop, entity_loop), sizeof *ents);
  for (c = x12kit_node_first_child(loop); c; c = x12kit_node_next(c)) {
    if (dates && is_seg(c, "DTP"))
      read_dtp(rd, c, &dates[b->ndates++]);
    else if (refs && is_seg(c, "REF"))
      read_ref(rd, c, &refs[b->nrefs++]);
    else if (rej && is_seg(c, "AAA"))
      read_aaa(rd, c, b->loop, &rej[b->nrejections++]);
    else if (msgs && is_seg(c, "MSG"))
      msgs[b->nmessages++] = dup_slice(rd, el(c, 1));
    else if (ents && is_loop(c, entity_loop))
      read_entity(rd, c, entity_loop, &ents[b->nentities++]);
  }
  b->dates = dates;
  b->refs = refs;
  b->rejections = rej;
  b->messages = msgs;
  b->entities = ents;
}

/* ---- patients ---- */

static int is_code(const char *s, const char *a, const char *b2)
{
  return strcmp(s, a) == 0 || (b2 && strcmp(s, b2) == 0);
}

/* EB01 "1" to "5" (active), "6" to "8" (inactive): 1, 2; else 0. */
static int status_code(const char *code)
{
  if (code[0] >= '1' && code[0] <= '5' && code[1] == '\0')
    return 1;
  if (code[0] >= '6' && code[0] <= '8' && code[1] == '\0')
    return 2;
  return 0;
}

/* The EB03 repetition equal to |st|, or NULL. */
static const char *has_service_type(const x12kit_271_benefit *b, const char *st)
{
  size_t i;

  for (i = 0; i < b->nservice_types; i++)
    if (strcmp(b->service_types[i], st) == 0)
      return b->service_types[i];
  return NULL;
}

static int names_procedure(const x12kit_271_benefit *b)
{
  return b->procedure[0] != '\0' || b->procedure_qualifier[0] != '\0';
}

/* A plan-level EB: EB03 "30" among its service types, or neither EB03 nor EB13. */
static int plan_level(const x12kit_271_benefit *b, const char **st)
{
  const char *s;

  if (names_procedure(b))
    return 0;
  if (b->nservice_types == 0) {
    *st = "";
    return 1;
  }
  s = has_service_type(b, "30");
  if (s)
    *st = s;
  return s != NULL;
}

enum { NET_ANY, NET_IN, NET_OUT };

static int net_ok(char net, int mode)
{
  if (mode == NET_IN)
    return net != 'N';
  if (mode == NET_OUT)
    return net != 'Y';
  return 1;
}

static int net_rank(char net, int mode)
{
  if (mode == NET_IN)
    return net == 'Y' ? 0 : 1;
  if (mode == NET_OUT)
    return net == 'N' ? 0 : 1;
  return net == 'Y' || net == 'N' ? 0 : 1;
}

static int cov_rank(const char *level)
{
  if (level[0] == '\0' || strcmp(level, "IND") == 0)
    return 0;
  return strcmp(level, "FAM") == 0 ? 2 : 1;
}

/* 1 when |a| beats |b| at the same level (|b| comes first in the input). */
static int beats(const x12kit_271_benefit *a, const x12kit_271_benefit *b, int mode)
{
  int na = net_rank(a->network, mode), nb = net_rank(b->network, mode);

  if (na != nb)
    return na < nb;
  return cov_rank(a->coverage_level) < cov_rank(b->coverage_level);
}

static void plan_status(x12kit_271_patient *p)
{
  const x12kit_271_benefit *best = NULL;
  const char *st;
  size_t i;

  for (i = 0; i < p->nbenefits; i++) {
    const x12kit_271_benefit *b = &p->benefits[i];
    if (status_code(b->code) && plan_level(b, &st) && (best == NULL || beats(b, best, NET_ANY)))
      best = b;
  }
  p->status_from = best;
  p->status = best == NULL                      ? X12KIT_PLAN_UNKNOWN
              : status_code(best->code) == 1    ? X12KIT_PLAN_ACTIVE
                                                : X12KIT_PLAN_INACTIVE;
  for (i = 0; i < p->nbenefits; i++) {
    const x12kit_271_benefit *b = &p->benefits[i];
    if (status_code(b->code) == 1 && plan_level(b, &st) && b->plan[0]) {
      p->plan_name = b->plan;
      return;
    }
  }
  for (i = 0; i < p->nrefs; i++)
    if (strcmp(p->refs[i].qualifier, "18") == 0 && p->refs[i].description[0]) {
      p->plan_name = p->refs[i].description;
      return;
    }
}

static x12kit_271_patient *new_patient(reader *rd)
{
  x12kit_271 *r = rd->r;
  x12kit_271_patient *p;

  if (rd->status)
    return NULL;
  if (r->npatients == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 8;
    x12kit_271_patient **v;
    if (cap > SIZE_MAX / sizeof *v) {
      nomem(rd);
      return NULL;
    }
    v = x12kitp_realloc(&r->mem, r->patients, cap * sizeof *v);
    if (v == NULL) {
      nomem(rd);
      return NULL;
    }
    r->patients = v;
    r->cap = cap;
  }
  p = rd_calloc(rd, 1, sizeof *p);
  if (p == NULL)
    return NULL;
  p->transaction = rd->tx_index;
  p->control = rd->control;
  p->reference = rd->reference;
  p->response_date = rd->response_date;
  p->loop = p->trace = p->trace_entity = "";
  p->payer = rd->payer;
  p->provider = rd->provider;
  p->member_id = p->last = p->first = p->middle = p->suffix = "";
  p->dob = p->gender = p->address = "";
  p->subscriber_last = p->subscriber_first = p->relationship = "";
  p->group_number = p->group_name = p->plan_number = p->plan_name = "";
  p->handle = r;
  r->patients[r->npatients++] = p;
  rd->tx_patients++;
  return p;
}

/* An entry for rejections made before any patient. */
static void bare_entry(reader *rd)
{
  x12kit_271_patient *p = new_patient(rd);
  rej_list l[2], all;

  if (p == NULL)
    return;
  l[0] = rd->rej_a;
  l[1] = rd->rej_b;
  all = concat_rej(rd, l, 2);
  p->rejections = all.v;
  p->nrejections = all.n;
}

/* The TRN with TRN01 "2" in |hl|: 1 when found. */
static int read_trace(reader *rd, const x12kit_node *hl, x12kit_271_patient *p)
{
  const x12kit_node *c;

  for (c = hl ? x12kit_node_first_child(hl) : NULL; c; c = x12kit_node_next(c)) {
    if (is_seg(c, "TRN") && x12kit_slice_eq(el(c, 1), "2")) {
      p->trace = dup_slice(rd, el(c, 2));
      p->trace_entity = dup_slice(rd, el(c, 3));
      return 1;
    }
  }
  return 0;
}

/* What the 2000C gives every patient under it. */
typedef struct subscriber {
  const x12kit_node *hl, *name;
  rej_list rej;
} subscriber;

/* A patient: the subscriber (|hl| NULL) or the dependent of 2000D |hl|. */
static void read_patient(reader *rd, const subscriber *s, const x12kit_node *hl)
{
  const int dep = hl != NULL;
  const x12kit_node *own = dep ? first_loop(hl, "2100D") : s->name;
  const x12kit_node *nm1 = first_seg(own, "NM1"), *sub_nm1 = first_seg(s->name, "NM1");
  const x12kit_node *dmg = first_seg(own, "DMG"), *c;
  const char *bl = dep ? "2110D" : "2110C";
  x12kit_271_patient *p = new_patient(rd);
  x12kit_271_benefit *benefits;
  rej_list l[4], all;
  date_list dates;
  ref_list refs;
  size_t i, n;

  if (p == NULL)
    return;
  p->dependent = dep;
  p->loop = dep ? "2000D" : "2000C";
  if (!(dep && read_trace(rd, hl, p)))
    read_trace(rd, s->hl, p);
  p->member_id = dup_slice(rd, el(sub_nm1, 9));
  p->last = dup_slice(rd, el(nm1, 3));
  p->first = dup_slice(rd, el(nm1, 4));
  p->middle = dup_slice(rd, el(nm1, 5));
  p->suffix = dup_slice(rd, el(nm1, 7));
  if (x12kit_slice_eq(el(dmg, 1), "D8")) {
    x12kit_slice d = el(dmg, 2);
    p->dob = iso_date(rd, d.ptr, d.len);
  }
  p->gender = dup_slice(rd, el(dmg, 3));
  p->address = address(rd, own);
  if (dep) {
    p->subscriber_last = dup_slice(rd, el(sub_nm1, 3));
    p->subscriber_first = dup_slice(rd, el(sub_nm1, 4));
  }
  p->relationship = dup_slice(rd, el(first_seg(own, "INS"), 2));

  refs = read_refs(rd, own, dep ? s->name : NULL);
  p->refs = refs.v;
  p->nrefs = refs.n;
  for (i = 0; i < refs.n && !p->group_number[0]; i++)
    if (is_code(refs.v[i].qualifier, "6P", NULL)) {
      p->group_number = refs.v[i].value;
      p->group_name = refs.v[i].description;
    }
  for (i = 0; i < refs.n && !p->group_number[0]; i++)
    if (is_code(refs.v[i].qualifier, "1L", NULL)) {
      p->group_number = refs.v[i].value;
      p->group_name = refs.v[i].description;
    }
  for (i = 0; i < refs.n && !p->plan_number[0]; i++)
    if (is_code(refs.v[i].qualifier, "18", NULL))
      p->plan_number = refs.v[i].value;
  dates = read_dates(rd, own, dep ? s->name : NULL);
  p->dates = dates.v;
  p->ndates = dates.n;

  l[0] = rd->rej_a;
  l[1] = rd->rej_b;
  l[2] = s->rej;
  l[3] = dep ? read_aaas(rd, own, "2100D") : (rej_list){ NULL, 0 };
  all = concat_rej(rd, l, 4);
  p->rejections = all.v;
  p->nrejections = all.n;

  n = count_loops(own, bl);
  benefits = rd_calloc(rd, n, sizeof *benefits);
  for (c = own ? x12kit_node_first_child(own) : NULL; benefits && c; c = x12kit_node_next(c))
    if (is_loop(c, bl))
      read_benefit(rd, c, dep, &benefits[p->nbenefits++]);
  p->benefits = benefits;
  plan_status(p);
}

static void read_2000c(reader *rd, const x12kit_node *hl)
{
  subscriber s;
  const x12kit_node *c;
  size_t deps = count_loops(hl, "2000D");

  s.hl = hl;
  s.name = first_loop(hl, "2100C");
  s.rej = read_aaas(rd, s.name, "2100C");
  if (s.rej.n || count_loops(s.name, "2110C") || deps == 0)
    read_patient(rd, &s, NULL);
  for (c = x12kit_node_first_child(hl); c; c = x12kit_node_next(c))
    if (is_loop(c, "2000D"))
      read_patient(rd, &s, c);
}

static void read_2000b(reader *rd, const x12kit_node *hl)
{
  const x12kit_node *name = first_loop(hl, "2100B"), *c;
  size_t before = rd->tx_patients;

  read_entity(rd, name, "2100B", &rd->provider);
  rd->rej_b = read_aaas(rd, name, "2100B");
  for (c = x12kit_node_first_child(hl); c; c = x12kit_node_next(c))
    if (is_loop(c, "2000C"))
      read_2000c(rd, c);
  if (rd->tx_patients == before && rd->rej_b.n)
    bare_entry(rd);
  blank_entity(&rd->provider);
  rd->rej_b = (rej_list){ NULL, 0 };
}

static void read_2000a(reader *rd, const x12kit_node *hl)
{
  const x12kit_node *name = first_loop(hl, "2100A"), *c;
  size_t before = rd->tx_patients;
  rej_list l[2];

  read_entity(rd, name, "2100A", &rd->payer);
  l[0] = read_aaas(rd, hl, "2000A");
  l[1] = read_aaas(rd, name, "2100A");
  rd->rej_a = concat_rej(rd, l, 2);
  for (c = x12kit_node_first_child(hl); c; c = x12kit_node_next(c))
    if (is_loop(c, "2000B"))
      read_2000b(rd, c);
  if (rd->tx_patients == before && rd->rej_a.n)
    bare_entry(rd);
  rd->rej_a = (rej_list){ NULL, 0 };
}

static void read_271(reader *rd, const x12kit_transaction_info *st, const x12kit_node *root)
{
  const x12kit_node *bht = first_seg(root, "BHT"), *c;
  x12kit_slice d = el(bht, 4);

  rd->control = dup_slice(rd, (x12kit_slice){ st->control, strnlen(st->control, sizeof st->control) });
  rd->reference = dup_slice(rd, el(bht, 3));
  rd->response_date = iso_date(rd, d.ptr, d.len);
  rd->tx_patients = 0;
  blank_entity(&rd->payer);
  blank_entity(&rd->provider);
  for (c = x12kit_node_first_child(root); c; c = x12kit_node_next(c))
    if (is_loop(c, "2000A"))
      read_2000a(rd, c);
  if (rd->tx_patients == 0)
    bare_entry(rd);
}

static int on_transaction(void *ud, const x12kit_guide *guide, const x12kit_transaction_info *st,
                          const x12kit_node *root)
{
  reader *rd = ud;
  const x12kit_node *first = x12kit_node_first_child(root);

  rd->tx_index = rd->ntx++;
  if (guide == NULL || strcmp(x12kit_guide_transaction(guide), "271") != 0) {
    rd->own_findings++;
    if (!rd->have_other) {
      rd->have_other = 1;
      snprintf(rd->other_id, sizeof rd->other_id, "%s", st->id);
      rd->other_271 = strcmp(st->id, "271") == 0;
      if (first && x12kit_node_kind_of(first) == X12KIT_NODE_SEGMENT)
        rd->other_pos = *x12kit_segment_position(x12kit_node_segment(first));
    }
    return 0;
  }
  rd->n271++;
  read_271(rd, st, root);
  return rd->status != X12KIT_OK;
}

/* ---- x12kit_271_read ---- */

void x12kit_271_free(x12kit_271 *r)
{
  if (r == NULL)
    return;
  x12kitp_arena_free(&r->arena);
  x12kitp_free(&r->mem, r->patients);
  x12kitp_free(&r->mem, r);
}

/* What a transaction set that is not a 271 is, in words. */
static const char *transaction_words(const char *id)
{
  static const struct {
    const char *id, *words;
  } names[] = {
    { "270", "a 270 eligibility inquiry" },
    { "278", "a 278 prior-authorization transaction" },
    { "999", "a 999 implementation acknowledgment" },
    { "997", "a 997 functional acknowledgment" },
    { "276", "a 276 claim status inquiry" },
    { "277", "a 277 claim status response" },
    { "835", "an 835 payment and remittance advice" },
    { "837", "an 837 claim" },
  };
  size_t i;

  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].id, id) == 0)
      return names[i].words;
  return NULL;
}

/* Fills |err| for input that holds no readable 271. */
static int not_271(const reader *rd, x12kit_error *err)
{
  const char *words;
  int rc;

  if (rd->have_other) {
    if (rd->other_271)
      rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "the input is a 271 for an implementation guide other "
                        "than 005010X279A1, which x12kit does not read");
    else if ((words = transaction_words(rd->other_id)) != NULL)
      rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "the input is %s, not a 271 eligibility response", words);
    else
      rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "the input is a transaction set %s, not a 271 eligibility response",
                        rd->other_id);
    if (err) {
      err->pos = rd->other_pos;
      snprintf(err->segment_id, sizeof err->segment_id, "ST");
    }
    return rc;
  }
  if (rd->ta1)
    return x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "the input is a TA1 interchange acknowledgment, "
                        "not a 271 eligibility response");
  if (rd->isa)
    return x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "the input is an interchange without any transaction, "
                        "not a 271 eligibility response");
  return x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                      "the input is empty, not a 271 eligibility response");
}

/* Fills |err| for a lexer error. */
static int unreadable(const reader *rd, const x12kit_error *le, size_t len, x12kit_error *err)
{
  int rc;

  if (len == 0)
    return x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                      "the input is empty, not a 271 eligibility response");
  if (rd->isa == 0)
    rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX, "the input is not X12, so not a 271: %s", le->text);
  else
    rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX, "the input cannot be read as X12: %s", le->text);
  if (err) {
    err->pos = le->pos;
    memcpy(err->segment_id, le->segment_id, sizeof err->segment_id);
    err->segment_id[sizeof err->segment_id - 1] = '\0';
  }
  return rc;
}

int x12kit_271_read(x12kit_271 **out, const x12kit_schema *schema, const char *data, size_t len,
                    const x12kit_mem *mem, x12kit_error *err)
{
  x12kit_271 *r;
  x12kit_lexer *lx = NULL;
  x12kit_validator *v = NULL;
  const x12kit_segment *seg;
  x12kit_error lexer_err;
  reader rd;
  x12kit_mem m;
  int rc, lrc;

  if (err)
    memset(err, 0, sizeof *err);
  if (out == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no place for the result");
  *out = NULL;
  if (schema == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no schema");
  if (data == NULL && len > 0)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no input");
  x12kitp_mem_init(&m, mem);
  r = x12kitp_calloc(&m, sizeof *r);
  if (r == NULL)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  r->mem = m;
  x12kitp_arena_init(&r->arena, &r->mem, ARENA_BLOCK);
  memset(&rd, 0, sizeof rd);
  rd.r = r;
  rd.schema = schema;

  rc = x12kit_lexer_new(&lx, mem);
  if (rc == X12KIT_OK)
    rc = x12kit_validator_new(&v, schema, mem);
  if (rc != X12KIT_OK)
    goto done;
  x12kit_validator_set_callbacks(v, NULL, NULL, on_transaction, &rd);
  if (len > 0)
    rc = x12kit_lexer_feed(lx, data, len);
  if (rc == X12KIT_OK)
    rc = x12kit_lexer_finish(lx);
  if (rc != X12KIT_OK)
    goto done;
  while ((lrc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
    const char *id = x12kit_segment_id(seg);
    if (strcmp(id, "ISA") == 0)
      rd.isa++;
    else if (strcmp(id, "TA1") == 0)
      rd.ta1++;
    rc = x12kit_validator_segment(v, seg);
    if (rc != X12KIT_OK)
      goto done;
  }
  if (lrc != X12KIT_END) {
    const x12kit_error *le = x12kit_lexer_error(lx);
    if (lrc == X12KIT_ERR_NOMEM) {
      rc = lrc;
      goto done;
    }
    if (le)
      lexer_err = *le;
    else
      x12kitp_error_set(&lexer_err, lrc, X12KIT_ACK_NONE, NULL, "%s", x12kit_strerror(lrc));
    rc = unreadable(&rd, &lexer_err, len, err);
    goto done;
  }
  rc = x12kit_validator_finish(v);
  if (rc != X12KIT_OK)
    goto done;
  if (rd.n271 == 0) {
    rc = not_271(&rd, err);
    goto done;
  }
  r->findings = x12kit_validator_error_count(v) + rd.own_findings;

done:
  if (rc == X12KIT_ERR_ABORTED || rd.status == X12KIT_ERR_NOMEM)
    rc = X12KIT_ERR_NOMEM;
  if (rc == X12KIT_ERR_NOMEM)
    x12kitp_fail(err, rc, "out of memory");
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
  if (rc != X12KIT_OK) {
    x12kit_271_free(r);
    return rc;
  }
  *out = r;
  return X12KIT_OK;
}

unsigned long x12kit_271_finding_count(const x12kit_271 *r)
{
  return r ? r->findings : 0;
}

size_t x12kit_271_patient_count(const x12kit_271 *r)
{
  return r ? r->npatients : 0;
}

const x12kit_271_patient *x12kit_271_patient_at(const x12kit_271 *r, size_t i)
{
  return r && i < r->npatients ? r->patients[i] : NULL;
}

/* ---- the answer ---- */

typedef struct question {
  const char *proc;             /* the code, without modifiers */
  size_t proclen;
  const char *const *st;
  size_t nst;
} question;

/*
 * How specific |b| is for |q|: 0 the procedure, 1 + i service type i of
 * the question, nst + 1 the plan; -1 when |b| is not about the question.
 * *st is the EB03 code matched ("" for a plan-level EB without EB03).
 */
static long level_of(const question *q, const x12kit_271_benefit *b, const char **st)
{
  size_t i;

  *st = "";
  if (names_procedure(b)) {
    const char *from = b->procedure, *to = b->procedure_end;
    if (q->proclen == 0 || !is_code(b->procedure_qualifier, "HC", "CJ"))
      return -1;
    if (strlen(from) == q->proclen && memcmp(from, q->proc, q->proclen) == 0)
      return 0;
    if (to[0] && strlen(from) == q->proclen && strlen(to) == q->proclen &&
        memcmp(from, q->proc, q->proclen) <= 0 && memcmp(q->proc, to, q->proclen) <= 0)
      return 0;
    return -1;
  }
  for (i = 0; i < q->nst; i++) {
    const char *s = has_service_type(b, q->st[i]);
    if (s) {
      *st = s;
      return (long)i + 1;
    }
  }
  return plan_level(b, st) ? (long)q->nst + 1 : -1;
}

typedef int (*fits_fn)(const x12kit_271_benefit *b, const void *arg);

/* The best EB about |q| that |fits| for network |mode|; fills |src|. */
static const x12kit_271_benefit *pick(const x12kit_271_patient *p, const question *q, int mode,
                                      fits_fn fits, const void *arg, x12kit_source *src)
{
  const x12kit_271_benefit *best = NULL;
  const char *best_st = "", *st;
  long best_level = 0, level;
  size_t i;

  for (i = 0; i < p->nbenefits; i++) {
    const x12kit_271_benefit *b = &p->benefits[i];
    if (!net_ok(b->network, mode) || !fits(b, arg))
      continue;
    level = level_of(q, b, &st);
    if (level < 0)
      continue;
    if (best == NULL || level < best_level || (level == best_level && beats(b, best, mode))) {
      best = b;
      best_level = level;
      best_st = st;
    }
  }
  src->benefit = best;
  src->service_type = best ? best_st : "";
  src->rule = best == NULL                       ? X12KIT_RULE_NONE
              : best_level == 0                  ? X12KIT_RULE_PROCEDURE
              : best_level <= (long)q->nst       ? X12KIT_RULE_SERVICE_TYPE
                                                 : X12KIT_RULE_PLAN;
  return best;
}

static int fits_covered(const x12kit_271_benefit *b, const void *arg)
{
  (void)arg;
  return status_code(b->code) || strcmp(b->code, "I") == 0;
}

static int fits_auth(const x12kit_271_benefit *b, const void *arg)
{
  (void)arg;
  return b->auth == 'Y' || b->auth == 'N' || b->auth == 'U';
}

enum { TERM_MONEY, TERM_RATE, TERM_VISITS };

typedef struct term_rule {
  const char *code;             /* EB01 */
  int kind;
  int remaining;                /* 1: EB06 29 only; 0: any other EB06 */
  size_t offset;                /* of the term in x12kit_cost_terms */
} term_rule;

static const term_rule term_rules[] = {
  { "B", TERM_MONEY, 0, offsetof(x12kit_cost_terms, copay) },
  { "A", TERM_RATE, 0, offsetof(x12kit_cost_terms, coinsurance) },
  { "C", TERM_MONEY, 0, offsetof(x12kit_cost_terms, deductible) },
  { "C", TERM_MONEY, 1, offsetof(x12kit_cost_terms, deductible_remaining) },
  { "G", TERM_MONEY, 0, offsetof(x12kit_cost_terms, oop) },
  { "G", TERM_MONEY, 1, offsetof(x12kit_cost_terms, oop_remaining) },
  { "F", TERM_VISITS, 0, offsetof(x12kit_cost_terms, visits) },
  { "F", TERM_VISITS, 1, offsetof(x12kit_cost_terms, visits_remaining) },
};

#define NTERMS (sizeof term_rules / sizeof term_rules[0])

static int visit_count(const x12kit_271_benefit *b, long long *n)
{
  return strcmp(b->quantity_qualifier, "VS") == 0 &&
         parse_decimal((x12kit_slice){ b->quantity, strlen(b->quantity) }, 0, LLONG_MAX, n) > 0;
}

static int fits_term(const x12kit_271_benefit *b, const void *arg)
{
  const term_rule *t = arg;
  long long n;

  if (strcmp(b->code, t->code) != 0 || (strcmp(b->period, "29") == 0) != t->remaining)
    return 0;
  switch (t->kind) {
  case TERM_MONEY:
    return b->amount.set;
  case TERM_RATE:
    return b->percent.set;
  default:
    return visit_count(b, &n);
  }
}

static void blank_source(x12kit_source *s)
{
  s->rule = X12KIT_RULE_NONE;
  s->service_type = "";
  s->benefit = NULL;
}

static void blank_terms(x12kit_cost_terms *c)
{
  size_t i;

  for (i = 0; i < NTERMS; i++) {
    x12kit_term *t = (x12kit_term *)((char *)c + term_rules[i].offset);
    memset(t, 0, sizeof *t);
    t->period = "";
    blank_source(&t->source);
  }
}

static void blank_answer(x12kit_coverage *c)
{
  memset(c, 0, sizeof *c);
  blank_source(&c->covered_source);
  blank_source(&c->auth_source);
  blank_terms(&c->in_network);
  blank_terms(&c->out_network);
}

static void answer_terms(const x12kit_271_patient *p, const question *q, int mode,
                         x12kit_cost_terms *c)
{
  size_t i;

  for (i = 0; i < NTERMS; i++) {
    const term_rule *tr = &term_rules[i];
    x12kit_term *t = (x12kit_term *)((char *)c + tr->offset);
    const x12kit_271_benefit *b = pick(p, q, mode, fits_term, tr, &t->source);
    long long n = 0;
    if (b == NULL)
      continue;
    t->set = 1;
    t->period = b->period;
    if (tr->kind == TERM_MONEY)
      t->cents = b->amount.cents;
    else if (tr->kind == TERM_RATE)
      t->bp = b->percent.bp;
    else if (visit_count(b, &n))
      t->cents = n;
  }
}

/* Adds |b| to |v| unless it is there. */
static void add_benefit(const x12kit_271_benefit **v, size_t *n, const x12kit_271_benefit *b)
{
  size_t i;

  if (b == NULL)
    return;
  for (i = 0; i < *n; i++)
    if (v[i] == b)
      return;
  v[(*n)++] = b;
}

static int same_entity(const x12kit_271_entity *a, const x12kit_271_entity *b)
{
  return strcmp(a->code, b->code) == 0 && strcmp(a->name, b->name) == 0 &&
         strcmp(a->id_qualifier, b->id_qualifier) == 0 && strcmp(a->id, b->id) == 0;
}

static answer_cache *find_cached(const x12kit_271 *r, const x12kit_271_patient *p,
                                 const question *q)
{
  answer_cache *a;
  size_t i;

  for (a = r->cache; a; a = a->next) {
    if (a->benefits != p->benefits || a->nservice_types != q->nst ||
        strlen(a->procedure) != q->proclen || memcmp(a->procedure, q->proc, q->proclen) != 0)
      continue;
    for (i = 0; i < q->nst; i++)
      if (strcmp(a->service_types[i], q->st[i]) != 0)
        break;
    if (i == q->nst)
      return a;
  }
  return NULL;
}

/* The message and entity lists of the answer, built once per patient and question. */
static answer_cache *answer_lists(const x12kit_271_patient *p, const question *q,
                                  const x12kit_coverage *c)
{
  x12kit_271 *r = p->handle;
  const x12kit_271_benefit *used[2 + 2 * NTERMS], **order;
  answer_cache *a = find_cached(r, p, q);
  reader rd;
  size_t nused = 0, norder = 0, nmsg = 0, nent = 0, nrej = 0, i, j, k;
  const char *st;

  if (a)
    return a;
  memset(&rd, 0, sizeof rd);
  rd.r = r;
  add_benefit(used, &nused, c->covered_source.benefit);
  add_benefit(used, &nused, c->auth_source.benefit);
  for (i = 0; i < NTERMS; i++) {
    add_benefit(used, &nused,
                ((const x12kit_term *)((const char *)&c->in_network + term_rules[i].offset))
                  ->source.benefit);
    add_benefit(used, &nused,
                ((const x12kit_term *)((const char *)&c->out_network + term_rules[i].offset))
                  ->source.benefit);
  }

  a = rd_calloc(&rd, 1, sizeof *a);
  order = rd_calloc(&rd, p->nbenefits + 1, sizeof *order);
  if (a == NULL || order == NULL)
    return NULL;
  for (i = 0; i < nused; i++)
    order[norder++] = used[i];
  for (i = 0; i < p->nbenefits; i++)
    if (level_of(q, &p->benefits[i], &st) >= 0)
      add_benefit(order, &norder, &p->benefits[i]);
  for (i = 0; i < norder; i++) {
    nmsg += order[i]->nmessages;
    nent += order[i]->nentities;
    nrej += order[i]->nrejections;
  }

  a->messages = rd_calloc(&rd, nmsg, sizeof *a->messages);
  a->entities = rd_calloc(&rd, nent, sizeof *a->entities);
  a->rejections = rd_calloc(&rd, nrej, sizeof *a->rejections);
  if ((nmsg && a->messages == NULL) || (nent && a->entities == NULL) ||
      (nrej && a->rejections == NULL))
    return NULL;
  for (i = 0; i < norder; i++) {
    const x12kit_271_benefit *b = order[i];
    for (j = 0; j < b->nmessages; j++) {
      for (k = 0; k < a->nmessages; k++)
        if (strcmp(a->messages[k], b->messages[j]) == 0)
          break;
      if (k == a->nmessages)
        a->messages[a->nmessages++] = b->messages[j];
    }
    for (j = 0; j < b->nentities; j++) {
      for (k = 0; k < a->nentities; k++)
        if (same_entity(&a->entities[k], &b->entities[j]))
          break;
      if (k == a->nentities)
        a->entities[a->nentities++] = b->entities[j];
    }
    for (j = 0; j < b->nrejections; j++)
      a->rejections[a->nrejections++] = b->rejections[j];
  }

  a->benefits = p->benefits;
  a->procedure = dup_slice(&rd, (x12kit_slice){ q->proc, q->proclen });
  a->service_types = rd_calloc(&rd, q->nst, sizeof *a->service_types);
  for (i = 0; a->service_types && i < q->nst; i++)
    a->service_types[i] = dup_str(&rd, q->st[i]);
  a->nservice_types = q->nst;
  if (rd.status)
    return NULL;
  a->next = r->cache;
  r->cache = a;
  return a;
}

int x12kit_271_coverage(const x12kit_271_patient *p, const x12kit_coverage_query *q,
                        x12kit_coverage *out)
{
  const x12kit_271_benefit *b;
  answer_cache *lists;
  question qs;
  size_t i;

  if (out)
    blank_answer(out);
  if (p == NULL || q == NULL || out == NULL || p->handle == NULL ||
      (q->nservice_types > 0 && q->service_types == NULL))
    return X12KIT_ERR_ARG;
  for (i = 0; i < q->nservice_types; i++)
    if (q->service_types[i] == NULL)
      return X12KIT_ERR_ARG;
  qs.proc = q->procedure ? q->procedure : "";
  qs.proclen = strcspn(qs.proc, ":");
  qs.st = q->service_types;
  qs.nst = q->nservice_types;

  if (p->status == X12KIT_PLAN_INACTIVE) {
    const char *st = "";
    out->covered = X12KIT_ANSWER_NO;
    out->covered_source.rule = X12KIT_RULE_PLAN_STATUS;
    out->covered_source.benefit = p->status_from;
    plan_level(p->status_from, &st);
    out->covered_source.service_type = st;
  } else if ((b = pick(p, &qs, NET_ANY, fits_covered, NULL, &out->covered_source)) != NULL) {
    out->covered = status_code(b->code) == 1 ? X12KIT_ANSWER_YES : X12KIT_ANSWER_NO;
  }
  b = pick(p, &qs, NET_ANY, fits_auth, NULL, &out->auth_source);
  if (b)
    out->auth = b->auth == 'Y'   ? X12KIT_ANSWER_YES
                : b->auth == 'N' ? X12KIT_ANSWER_NO
                                 : X12KIT_ANSWER_UNKNOWN;
  answer_terms(p, &qs, NET_IN, &out->in_network);
  answer_terms(p, &qs, NET_OUT, &out->out_network);

  if (p->nbenefits == 0)
    return X12KIT_OK;
  lists = answer_lists(p, &qs, out);
  if (lists == NULL) {
    blank_answer(out);
    return X12KIT_ERR_NOMEM;
  }
  out->messages = lists->messages;
  out->nmessages = lists->nmessages;
  out->entities = lists->entities;
  out->nentities = lists->nentities;
  out->rejections = lists->rejections;
  out->nrejections = lists->nrejections;
  return X12KIT_OK;
}

const char *x12kit_answer_name(x12kit_answer a)
{
  switch (a) {
  case X12KIT_ANSWER_YES:
    return "yes";
  case X12KIT_ANSWER_NO:
    return "no";
  case X12KIT_ANSWER_UNKNOWN:
    return "unknown";
  case X12KIT_ANSWER_NOT_STATED:
    return "not stated";
  }
  return "not stated";
}

const char *x12kit_rule_name(x12kit_rule r)
{
  switch (r) {
  case X12KIT_RULE_PROCEDURE:
    return "procedure-level benefit";
  case X12KIT_RULE_SERVICE_TYPE:
    return "service-type benefit";
  case X12KIT_RULE_PLAN:
    return "plan-level benefit";
  case X12KIT_RULE_PLAN_STATUS:
    return "plan status (inactive)";
  case X12KIT_RULE_NONE:
    return "not stated";
  }
  return "not stated";
}
