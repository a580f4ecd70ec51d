/*
 * x12kit - 999 and TA1 acknowledgments: the builder and the explainer.
 *
 * The builder keeps one record per interchange, group and transaction
 * set it is told about, and files each finding under the unit its ack
 * kind names.  How the records become a 999 and a TA1:
 *
 * TA1  TA104 R with the note code of the first TA1 finding of the
 *      interchange; A 000 when there was none.  x12kit does not use E.
 *
 * IK3  One loop per segment in error, keyed by the segment's position
 *      from ST (IK302), in position order.  IK303 is the loop ID cut to
 *      its leading digits, at most 4 ("2100C" gives "2100").  IK304 is
 *      the code of the first segment finding, or 8 when the segment has
 *      only element findings.  The business unit CTX, when one was
 *      given, follows every IK3.
 * IK4  One loop per element, component and repetition in error, the
 *      first finding's code winning.  IK404 only with show data, both
 *      when the finding arrives and when the 999 is written.
 * IK5  A when the transaction set has no finding.  Otherwise R with the
 *      transaction set codes (IK502..IK506, in order of arrival, no
 *      repeats, at most five), then 5 when segments are in error and
 *      there is room.  x12kit does not use E.
 * AK9  Any functional group code rejects the whole group: R, none
 *      accepted, its codes in AK905..AK909.  Without one: A when every
 *      transaction set was accepted (or there were none), R when none
 *      was, P otherwise.  AK902 and AK903 both count the transaction
 *      sets received; AK904 those accepted.
 *
 * A finding with no unit to go in (a transaction set outside any group,
 * a segment finding without a position) still counts: one without a
 * position rejects its transaction set (IK5 R 5) without an IK3 loop;
 * one without a group makes its interchange's TA1 R 024 (invalid
 * interchange content) unless the TA1 already has a note.  Units stay
 * current after their end event until the next one begins, so a
 * finding reported just after SE, GE or IEA still finds its unit.
 *
 * Caps: IK3 loops per transaction set and IK4 loops per IK3 loop are
 * limited (MAX_IK3, MAX_IK4); findings past a cap are dropped, and the
 * transaction set is rejected all the same.
 *
 * The explainer reads a 999 or TA1 and describes it, one line at a
 * time.  A 999 names its group's verdict only in AK9 and a transaction
 * set's only in IK5, so the lines of one 999 are held until its SE and
 * the group and transaction lines are filled in when their trailer
 * arrives.  Values (IK404, CTX business units) are never printed.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L     /* gmtime_r */
#endif
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MAX_IK3 1000u               /* IK3 loops per transaction set */
#define MAX_IK4 99u                 /* IK4 loops per IK3 loop */
#define MAX_CODES 5u                /* IK502..IK506, AK905..AK909 */
#define CTX_MAX 35u                 /* CTX01-1 and CTX01-2 are AN 1/35 */
#define ACK_VERSION "005010X231A1"

/* ---- builder records -------------------------------------------------- */

struct ik4 {
  unsigned element, component, repetition, ref;
  unsigned trigger;                 /* CTX situational trigger element, 0 none */
  char code[4];                     /* IK403 */
  char *value;                      /* IK404; NULL unless show data was on */
};

struct ik3 {
  unsigned long pos;                /* IK302 */
  char id[4];                       /* IK301 */
  char loop[5];                     /* IK303 */
  char code[4];                     /* IK304 from a segment finding; "" means 8 */
  struct ik4 *ik4;
  size_t n4, cap4;
};

struct tx {
  struct tx *next;
  char id[4], control[10], version[36];
  char codes[MAX_CODES][4];         /* IK502.. */
  unsigned ncodes;
  int bad;                          /* any finding: IK501 R */
  int seg_bad;                      /* a segment or element finding: IK502 5 */
  char ctx_name[CTX_MAX + 1], ctx_value[CTX_MAX + 1];
  struct ik3 *ik3;
  size_t n3, cap3;
};

struct interchange {
  struct interchange *next;
  x12kit_interchange_info info;
  char note[4];                     /* TA105; "" for 000 */
};

struct group {
  struct group *next;
  struct interchange *ic;
  char fid[3], sender[16], receiver[16], control[10], version[13];
  char codes[MAX_CODES][4];         /* AK905.. */
  unsigned ncodes;
  struct tx *tx, *tx_tail;
  unsigned long ntx;
};

struct x12kit_ack {
  x12kit_mem mem;
  int show_data;
  struct interchange *ics, *ic_tail;
  struct group *groups, *grp_tail;
  struct interchange *cur_ic;       /* current units (see the top) */
  struct group *cur_grp;
  struct tx *cur_tx;
  int in_ic, in_grp, in_tx;
  int tx_orphan;                    /* the current transaction set is outside a group */
  unsigned long orphans;            /* findings with no interchange either */
};

/* 1 when |s| has a NUL within |size| bytes. */
static int terminated(const char *s, size_t size)
{
  return memchr(s, '\0', size) != NULL;
}

/* 1 when |s| is |min| to 3 letters and digits: an acknowledgment code or a segment ID. */
static int is_code(const char *s, size_t min)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (!isalnum((unsigned char)s[i]))
      return 0;
  return i >= min && i <= 3;
}

/* Copies a char array of the caller's info structs, which may lack its NUL. */
#define COPY_FIELD(dst, src) \
  x12kitp_copy((dst), sizeof(dst), (x12kit_slice){ (src), strnlen((src), sizeof(src)) })

static void copy_str(char *dst, size_t size, const char *src)
{
  x12kitp_copy(dst, size, (x12kit_slice){ src, strlen(src) });
}

/* Adds |code| to a list of at most MAX_CODES, once. */
static void add_code(char (*codes)[4], unsigned *n, const char *code)
{
  unsigned i;

  for (i = 0; i < *n; i++)
    if (strcmp(codes[i], code) == 0)
      return;
  if (*n < MAX_CODES)
    copy_str(codes[(*n)++], sizeof codes[0], code);
}

static void free_tx(const x12kit_mem *m, struct tx *t)
{
  size_t i, j;

  for (i = 0; i < t->n3; i++) {
    for (j = 0; j < t->ik3[i].n4; j++)
      x12kitp_free(m, t->ik3[i].ik4[j].value);
    x12kitp_free(m, t->ik3[i].ik4);
  }
  x12kitp_free(m, t->ik3);
  x12kitp_free(m, t);
}

int x12kit_ack_new(x12kit_ack **out, const x12kit_mem *mem)
{
  x12kit_mem m;
  x12kit_ack *ack;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  x12kitp_mem_init(&m, mem);
  ack = x12kitp_calloc(&m, sizeof *ack);
  if (ack == NULL)
    return X12KIT_ERR_NOMEM;
  ack->mem = m;
  *out = ack;
  return X12KIT_OK;
}

void x12kit_ack_free(x12kit_ack *ack)
{
  struct interchange *ic, *ic_next;
  struct group *g, *g_next;
  struct tx *t, *t_next;

  if (ack == NULL)
    return;
  for (g = ack->groups; g; g = g_next) {
    g_next = g->next;
    for (t = g->tx; t; t = t_next) {
      t_next = t->next;
      free_tx(&ack->mem, t);
    }
    x12kitp_free(&ack->mem, g);
  }
  for (ic = ack->ics; ic; ic = ic_next) {
    ic_next = ic->next;
    x12kitp_free(&ack->mem, ic);
  }
  x12kitp_free(&ack->mem, ack);
}

void x12kit_ack_set_show_data(x12kit_ack *ack, int show)
{
  if (ack)
    ack->show_data = show != 0;
}

/* ---- events ------------------------------------------------------------ */

static int begin_interchange(x12kit_ack *ack, const x12kit_interchange_info *info)
{
  struct interchange *ic;

  if (ack->in_ic)
    return X12KIT_ERR_STATE;
  ic = x12kitp_calloc(&ack->mem, sizeof *ic);
  if (ic == NULL)
    return X12KIT_ERR_NOMEM;
  ic->info = *info;
  /* the strings written back must end inside their arrays */
  COPY_FIELD(ic->info.sender_qualifier, info->sender_qualifier);
  COPY_FIELD(ic->info.sender_id, info->sender_id);
  COPY_FIELD(ic->info.receiver_qualifier, info->receiver_qualifier);
  COPY_FIELD(ic->info.receiver_id, info->receiver_id);
  COPY_FIELD(ic->info.date, info->date);
  COPY_FIELD(ic->info.time, info->time);
  COPY_FIELD(ic->info.control, info->control);
  if (ack->ic_tail)
    ack->ic_tail->next = ic;
  else
    ack->ics = ic;
  ack->ic_tail = ic;
  ack->cur_ic = ic;
  ack->cur_grp = NULL;
  ack->cur_tx = NULL;
  ack->tx_orphan = 0;
  ack->in_ic = 1;
  return X12KIT_OK;
}

static int begin_group(x12kit_ack *ack, const x12kit_group_info *info)
{
  struct group *g;

  if (!ack->in_ic || ack->in_grp || ack->in_tx)
    return X12KIT_ERR_STATE;
  g = x12kitp_calloc(&ack->mem, sizeof *g);
  if (g == NULL)
    return X12KIT_ERR_NOMEM;
  g->ic = ack->cur_ic;
  COPY_FIELD(g->fid, info->functional_id);
  COPY_FIELD(g->sender, info->sender);
  COPY_FIELD(g->receiver, info->receiver);
  COPY_FIELD(g->control, info->control);
  COPY_FIELD(g->version, info->version);
  if (ack->grp_tail)
    ack->grp_tail->next = g;
  else
    ack->groups = g;
  ack->grp_tail = g;
  ack->cur_grp = g;
  ack->cur_tx = NULL;
  ack->tx_orphan = 0;
  ack->in_grp = 1;
  return X12KIT_OK;
}

static int begin_transaction(x12kit_ack *ack, const x12kit_transaction_info *info)
{
  struct group *g = ack->cur_grp;
  struct tx *t;

  if (!ack->in_ic || ack->in_tx)
    return X12KIT_ERR_STATE;
  if (!ack->in_grp) {
    /* ST outside GS..GE: no 999 can name it */
    ack->cur_tx = NULL;
    ack->tx_orphan = 1;
    ack->in_tx = 1;
    return X12KIT_OK;
  }
  t = x12kitp_calloc(&ack->mem, sizeof *t);
  if (t == NULL)
    return X12KIT_ERR_NOMEM;
  COPY_FIELD(t->id, info->id);
  COPY_FIELD(t->control, info->control);
  COPY_FIELD(t->version, info->version);
  if (g->tx_tail)
    g->tx_tail->next = t;
  else
    g->tx = t;
  g->tx_tail = t;
  g->ntx++;
  ack->cur_tx = t;
  ack->tx_orphan = 0;
  ack->in_tx = 1;
  return X12KIT_OK;
}

int x12kit_ack_event(x12kit_ack *ack, x12kit_envelope_event ev, const void *info)
{
  if (ack == NULL || info == NULL)
    return X12KIT_ERR_ARG;
  switch (ev) {
  case X12KIT_INTERCHANGE_BEGIN:
    return begin_interchange(ack, info);
  case X12KIT_GROUP_BEGIN:
    return begin_group(ack, info);
  case X12KIT_TRANSACTION_BEGIN:
    return begin_transaction(ack, info);
  case X12KIT_TRANSACTION_END:
    if (!ack->in_tx)
      return X12KIT_ERR_STATE;
    ack->in_tx = 0;
    return X12KIT_OK;
  case X12KIT_GROUP_END:
    if (!ack->in_grp || ack->in_tx)
      return X12KIT_ERR_STATE;
    ack->in_grp = 0;
    return X12KIT_OK;
  case X12KIT_INTERCHANGE_END:
    if (!ack->in_ic || ack->in_grp || ack->in_tx)
      return X12KIT_ERR_STATE;
    ack->in_ic = 0;
    return X12KIT_OK;
  default:
    return X12KIT_ERR_ARG;
  }
}

/* ---- findings ---------------------------------------------------------- */

/* A finding that no 999 can carry: TA1 024 for its interchange. */
static int orphan(x12kit_ack *ack)
{
  if (ack->cur_ic == NULL)
    ack->orphans++;
  else if (ack->cur_ic->note[0] == '\0')
    memcpy(ack->cur_ic->note, "024", 4);
  return X12KIT_OK;
}

/* The IK3 loop of segment |f|, created when new; NULL past the cap (*rc 0) or on NOMEM. */
static struct ik3 *find_ik3(x12kit_ack *ack, struct tx *t, const x12kit_error *f, int *rc)
{
  unsigned long pos = f->pos.in_transaction;
  struct ik3 *s;
  size_t i;

  *rc = X12KIT_OK;
  for (i = t->n3; i-- > 0;)         /* findings mostly come in order: look back */
    if (t->ik3[i].pos == pos)
      return &t->ik3[i];
  if (t->n3 >= MAX_IK3)
    return NULL;
  if (t->n3 == t->cap3) {
    size_t cap = t->cap3 ? t->cap3 * 2 : 4;
    struct ik3 *p;

    if (cap > MAX_IK3)
      cap = MAX_IK3;
    p = x12kitp_realloc(&ack->mem, t->ik3, cap * sizeof *p);
    if (p == NULL) {
      *rc = X12KIT_ERR_NOMEM;
      return NULL;
    }
    t->ik3 = p;
    t->cap3 = cap;
  }
  s = &t->ik3[t->n3++];
  memset(s, 0, sizeof *s);
  s->pos = pos;
  copy_str(s->id, sizeof s->id, f->segment_id);
  return s;
}

static int add_ik4(x12kit_ack *ack, struct ik3 *s, const x12kit_error *f)
{
  struct ik4 *e;
  char *value = NULL;
  size_t i;

  for (i = 0; i < s->n4; i++)
    if (s->ik4[i].element == f->element && s->ik4[i].component == f->component &&
        s->ik4[i].repetition == f->repetition)
      return X12KIT_OK;            /* the first finding on an element wins */
  if (s->n4 >= MAX_IK4)
    return X12KIT_OK;
  if (ack->show_data && f->value[0]) {
    size_t n = strlen(f->value);

    value = x12kitp_malloc(&ack->mem, n + 1);
    if (value == NULL)
      return X12KIT_ERR_NOMEM;
    memcpy(value, f->value, n + 1);
  }
  if (s->n4 == s->cap4) {
    size_t cap = s->cap4 ? s->cap4 * 2 : 2;
    struct ik4 *p;

    if (cap > MAX_IK4)
      cap = MAX_IK4;
    p = x12kitp_realloc(&ack->mem, s->ik4, cap * sizeof *p);
    if (p == NULL) {
      x12kitp_free(&ack->mem, value);
      return X12KIT_ERR_NOMEM;
    }
    s->ik4 = p;
    s->cap4 = cap;
  }
  e = &s->ik4[s->n4++];
  e->element = f->element;
  e->component = f->component;
  e->repetition = f->repetition;
  e->ref = f->element_ref;
  e->trigger = f->trigger_element;
  copy_str(e->code, sizeof e->code, f->ack_code);
  e->value = value;
  return X12KIT_OK;
}

/* IK303: the leading digits of the loop ID, at most 4. */
static void loop_digits(char dst[5], const char *loop)
{
  size_t n = 0;

  while (n < 4 && loop[n] >= '0' && loop[n] <= '9') {
    dst[n] = loop[n];
    n++;
  }
  dst[n] = '\0';
}

static int segment_finding(x12kit_ack *ack, struct tx *t, const x12kit_error *f)
{
  struct ik3 *s;
  int rc;

  t->seg_bad = 1;
  if (f->pos.in_transaction == 0 || f->segment_id[0] == '\0')
    return X12KIT_OK;               /* no IK3 without a position: IK5 R 5 only */
  s = find_ik3(ack, t, f, &rc);
  if (s == NULL)
    return rc;
  if (s->loop[0] == '\0')
    loop_digits(s->loop, f->loop_id);
  if (f->ack_kind == X12KIT_ACK_SEGMENT) {
    if (s->code[0] == '\0')
      copy_str(s->code, sizeof s->code, f->ack_code);
    return X12KIT_OK;
  }
  if (f->element == 0)
    return X12KIT_OK;               /* an element finding without an element: IK3 8 alone */
  return add_ik4(ack, s, f);
}

int x12kit_ack_finding(x12kit_ack *ack, const x12kit_error *f)
{
  struct tx *t;

  if (ack == NULL || f == NULL)
    return X12KIT_ERR_ARG;
  if (f->ack_kind == X12KIT_ACK_NONE)
    return X12KIT_OK;               /* nothing an acknowledgment can say */
  if (!terminated(f->ack_code, sizeof f->ack_code) || !is_code(f->ack_code, 1) ||
      !terminated(f->segment_id, sizeof f->segment_id) || !is_code(f->segment_id, 0) ||
      !terminated(f->loop_id, sizeof f->loop_id) || !terminated(f->value, sizeof f->value))
    return X12KIT_ERR_ARG;
  switch (f->ack_kind) {
  case X12KIT_ACK_TA1:
    if (ack->cur_ic == NULL)
      ack->orphans++;
    else if (ack->cur_ic->note[0] == '\0')
      copy_str(ack->cur_ic->note, sizeof ack->cur_ic->note, f->ack_code);
    return X12KIT_OK;
  case X12KIT_ACK_GROUP:
    if (ack->cur_grp == NULL)
      return orphan(ack);
    add_code(ack->cur_grp->codes, &ack->cur_grp->ncodes, f->ack_code);
    return X12KIT_OK;
  case X12KIT_ACK_TRANSACTION:
  case X12KIT_ACK_SEGMENT:
  case X12KIT_ACK_ELEMENT:
    t = ack->tx_orphan ? NULL : ack->cur_tx;
    if (t == NULL)
      return orphan(ack);
    t->bad = 1;
    if (f->ack_kind == X12KIT_ACK_TRANSACTION) {
      add_code(t->codes, &t->ncodes, f->ack_code);
      return X12KIT_OK;
    }
    return segment_finding(ack, t, f);
  default:
    return X12KIT_ERR_ARG;
  }
}

/* 1 when |s| is 1 to CTX_MAX printable ASCII characters. */
static int ctx_text(const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || i >= CTX_MAX)
      return 0;
  return i > 0;
}

int x12kit_ack_context(x12kit_ack *ack, const char *name, const char *value)
{
  struct tx *t;

  if (ack == NULL || name == NULL || value == NULL)
    return X12KIT_ERR_ARG;
  if (!ctx_text(name) || !ctx_text(value))
    return X12KIT_ERR_DATA;         /* CTX01 cannot carry it */
  t = ack->tx_orphan ? NULL : ack->cur_tx;
  if (t == NULL)
    return X12KIT_ERR_STATE;
  copy_str(t->ctx_name, sizeof t->ctx_name, name);
  copy_str(t->ctx_value, sizeof t->ctx_value, value);
  return X12KIT_OK;
}

/* 1 when some transaction set of |g|, or the group itself, is rejected. */
static int group_has_rejection(const struct group *g, unsigned long *accepted)
{
  const struct tx *t;
  unsigned long n = 0;

  for (t = g->tx; t; t = t->next)
    n += !t->bad;
  if (g->ncodes)
    n = 0;
  if (accepted)
    *accepted = n;
  return n < g->ntx || g->ncodes;
}

int x12kit_ack_rejected(const x12kit_ack *ack)
{
  const struct interchange *ic;
  const struct group *g;

  if (ack == NULL)
    return 0;
  if (ack->orphans)
    return 1;
  for (ic = ack->ics; ic; ic = ic->next)
    if (ic->note[0])
      return 1;
  for (g = ack->groups; g; g = g->next)
    if (group_has_rejection(g, NULL))
      return 1;
  return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct stamp {
  char yymmdd[7], ccyymmdd[9], hhmm[5];
};

static int digits(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return s[n] == '\0';
}

/* Date and time of the acknowledgment: the options', else now (UTC). */
static int stamp_of(const x12kit_ack_options *opt, struct stamp *st)
{
  const char *date = opt ? opt->date : NULL, *hhmm = opt ? opt->time : NULL;

  if ((date && !digits(date, 6)) || (hhmm && !digits(hhmm, 4)))
    return X12KIT_ERR_ARG;
  if (date == NULL || hhmm == NULL) {
    time_t now = time(NULL);
    struct tm tm;

    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL)
      return X12KIT_ERR_IO;
    if (strftime(st->ccyymmdd, sizeof st->ccyymmdd, "%Y%m%d", &tm) != 8 ||
        strftime(st->hhmm, sizeof st->hhmm, "%H%M", &tm) != 4)
      return X12KIT_ERR_IO;
    memcpy(st->yymmdd, st->ccyymmdd + 2, 7);
  }
  if (date) {
    memcpy(st->yymmdd, date, 7);
    memcpy(st->ccyymmdd, "20", 2);
    memcpy(st->ccyymmdd + 2, date, 7);
  }
  if (hhmm)
    memcpy(st->hhmm, hhmm, 5);
  return X12KIT_OK;
}

/* ISA of the acknowledgment: addressed back to the sender of |ic|. */
static int open_interchange(x12kit_writer *w, const struct interchange *ic,
                            const x12kit_ack_options *opt, const struct stamp *st)
{
  x12kit_isa_fields isa;
  char usage = ic->info.usage == 'P' || ic->info.usage == 'T' ? ic->info.usage : 0;

  memset(&isa, 0, sizeof isa);
  isa.sender_qualifier = opt && opt->sender_qualifier ? opt->sender_qualifier
                                                      : ic->info.receiver_qualifier;
  isa.sender_id = opt && opt->sender_id ? opt->sender_id : ic->info.receiver_id;
  isa.receiver_qualifier = opt && opt->receiver_qualifier ? opt->receiver_qualifier
                                                          : ic->info.sender_qualifier;
  isa.receiver_id = opt && opt->receiver_id ? opt->receiver_id : ic->info.sender_id;
  isa.date = st->yymmdd;
  isa.time = st->hhmm;
  isa.control = opt && opt->control ? opt->control : 1;
  isa.ack_requested = 0;
  isa.usage = opt && opt->usage ? opt->usage : usage;
  return x12kit_writer_interchange(w, &isa);
}

/* A whole segment from |n| strings. */
static int put(x12kit_writer *w, const char *id, const char *const *v, size_t n)
{
  size_t i;
  int rc = x12kit_writer_begin(w, id);

  for (i = 0; rc == X12KIT_OK && i < n; i++)
    rc = x12kit_writer_element(w, v[i]);
  return rc ? rc : x12kit_writer_end(w);
}

static int cmp_ik3(const void *a, const void *b)
{
  const struct ik3 *x = a, *y = b;

  return (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_unsigned(unsigned a, unsigned b)
{
  return (a > b) - (a < b);
}

static int cmp_ik4(const void *a, const void *b)
{
  const struct ik4 *x = a, *y = b;
  int c = cmp_unsigned(x->element, y->element);

  if (c == 0)
    c = cmp_unsigned(x->repetition, y->repetition);
  return c ? c : cmp_unsigned(x->component, y->component);
}

/*
 * CTX*SITUATIONAL TRIGGER*segment*position*loop*element: the element of
 * the same segment whose presence made the one in error required.
 */
static int write_trigger(x12kit_writer *w, const struct ik3 *s, unsigned element)
{
  char pos[24], elem[16];
  const char *v[5];

  snprintf(pos, sizeof pos, "%lu", s->pos);
  snprintf(elem, sizeof elem, "%u", element);
  v[0] = "SITUATIONAL TRIGGER";
  v[1] = s->id;
  v[2] = pos;
  v[3] = s->loop;
  v[4] = elem;
  return put(w, "CTX", v, 5);
}

static int write_ik4(x12kit_writer *w, const struct ik4 *e, int with_value)
{
  char n[3][16], ref[16];
  int rc;

  snprintf(n[0], sizeof n[0], "%u", e->element);
  snprintf(n[1], sizeof n[1], "%u", e->component ? e->component : 1);
  snprintf(n[2], sizeof n[2], "%u", e->repetition);
  snprintf(ref, sizeof ref, "%u", e->ref);
  rc = x12kit_writer_begin(w, "IK4");
  if (rc == X12KIT_OK)
    rc = x12kit_writer_element(w, n[0]);
  if (rc == X12KIT_OK && (e->component || e->repetition))
    rc = x12kit_writer_component(w, n[1]);
  if (rc == X12KIT_OK && e->repetition)
    rc = x12kit_writer_component(w, n[2]);
  if (rc == X12KIT_OK)
    rc = x12kit_writer_element(w, e->ref ? ref : NULL);
  if (rc == X12KIT_OK)
    rc = x12kit_writer_element(w, e->code);
  if (rc == X12KIT_OK && with_value)
    rc = x12kit_writer_element(w, e->value);
  return rc ? rc : x12kit_writer_end(w);
}

static int write_ik3(x12kit_writer *w, const struct tx *t, struct ik3 *s, int show)
{
  char pos[24];
  const char *v[4];
  size_t i;
  int rc;

  snprintf(pos, sizeof pos, "%lu", s->pos);
  v[0] = s->id;
  v[1] = pos;
  v[2] = s->loop;
  v[3] = s->code[0] ? s->code : "8";
  if ((rc = put(w, "IK3", v, 4)) != 0)
    return rc;
  if (t->ctx_name[0]) {
    rc = x12kit_writer_begin(w, "CTX");
    if (rc == X12KIT_OK)
      rc = x12kit_writer_element(w, t->ctx_name);
    if (rc == X12KIT_OK)
      rc = x12kit_writer_component(w, t->ctx_value);
    if (rc == X12KIT_OK)
      rc = x12kit_writer_end(w);
    /* a context holding one of the output's delimiters is left out (CTX is situational) */
    if (rc != X12KIT_OK && rc != X12KIT_ERR_DATA)
      return rc;
  }
  if (s->n4 > 1)
    qsort(s->ik4, s->n4, sizeof *s->ik4, cmp_ik4);
  for (i = 0; i < s->n4; i++) {
    int with_value = show && s->ik4[i].value != NULL;

    rc = write_ik4(w, &s->ik4[i], with_value);
    /* a bad value holding one of the output's delimiters cannot be copied: no IK404 */
    if (rc == X12KIT_ERR_DATA && with_value)
      rc = write_ik4(w, &s->ik4[i], 0);
    if (rc == X12KIT_OK && s->ik4[i].trigger)
      rc = write_trigger(w, s, s->ik4[i].trigger);
    if (rc)
      return rc;
  }
  return X12KIT_OK;
}

static int write_tx(x12kit_writer *w, struct tx *t, int show)
{
  char codes[MAX_CODES][4];
  const char *v[1 + MAX_CODES];
  unsigned i, n = t->ncodes;
  size_t j;
  int rc;

  v[0] = t->id;
  v[1] = t->control;
  v[2] = t->version;
  if ((rc = put(w, "AK2", v, 3)) != 0)
    return rc;
  if (t->n3 > 1)
    qsort(t->ik3, t->n3, sizeof *t->ik3, cmp_ik3);
  for (j = 0; j < t->n3; j++)
    if ((rc = write_ik3(w, t, &t->ik3[j], show)) != 0)
      return rc;
  memcpy(codes, t->codes, sizeof codes);
  if (t->seg_bad)
    add_code(codes, &n, "5");
  v[0] = t->bad ? "R" : "A";
  for (i = 0; i < n; i++)
    v[1 + i] = codes[i];
  return put(w, "IK5", v, 1 + n);
}

static int write_group(x12kit_writer *w, struct group *g, int show)
{
  char received[24], accepted[24];
  const char *v[4 + MAX_CODES];
  unsigned long ok;
  struct tx *t;
  unsigned i;
  int rc;

  if ((rc = x12kit_writer_transaction(w, "999", NULL, NULL)) != 0)
    return rc;
  v[0] = g->fid;
  v[1] = g->control;
  v[2] = g->version;
  if ((rc = put(w, "AK1", v, 3)) != 0)
    return rc;
  for (t = g->tx; t; t = t->next)
    if ((rc = write_tx(w, t, show)) != 0)
      return rc;
  group_has_rejection(g, &ok);
  snprintf(received, sizeof received, "%lu", g->ntx);
  snprintf(accepted, sizeof accepted, "%lu", ok);
  v[0] = g->ncodes ? "R" : ok == g->ntx ? "A" : ok == 0 ? "R" : "P";
  v[1] = received;
  v[2] = received;
  v[3] = accepted;
  for (i = 0; i < g->ncodes; i++)
    v[4 + i] = g->codes[i];
  if ((rc = put(w, "AK9", v, 4 + g->ncodes)) != 0)
    return rc;
  return x12kit_writer_end_transaction(w);
}

int x12kit_ack_write_999(x12kit_ack *ack, x12kit_writer *w, const x12kit_ack_options *opt)
{
  const struct group *first;
  x12kit_gs_fields gs;
  struct stamp st;
  struct group *g;
  int rc;

  if (ack == NULL || w == NULL)
    return X12KIT_ERR_ARG;
  if (ack->groups == NULL)
    return X12KIT_ERR_STATE;
  if ((rc = stamp_of(opt, &st)) != 0)
    return rc;
  first = ack->groups;
  if ((rc = open_interchange(w, first->ic, opt, &st)) != 0)
    return rc;
  memset(&gs, 0, sizeof gs);
  gs.functional_id = "FA";
  gs.sender = first->receiver;
  gs.receiver = first->sender;
  gs.date = st.ccyymmdd;
  gs.time = st.hhmm;
  gs.control = opt && opt->control ? opt->control : 1;
  gs.version = ACK_VERSION;
  if ((rc = x12kit_writer_group(w, &gs)) != 0)
    return rc;
  for (g = ack->groups; g; g = g->next)
    if ((rc = write_group(w, g, ack->show_data)) != 0)
      return rc;
  if ((rc = x12kit_writer_end_group(w)) != 0)
    return rc;
  return x12kit_writer_end_interchange(w);
}

int x12kit_ack_write_ta1(x12kit_ack *ack, x12kit_writer *w, const x12kit_ack_options *opt)
{
  const struct interchange *ic;
  struct stamp st;
  const char *v[5];
  int rc;

  if (ack == NULL || w == NULL)
    return X12KIT_ERR_ARG;
  if (ack->ics == NULL)
    return X12KIT_ERR_STATE;
  if ((rc = stamp_of(opt, &st)) != 0)
    return rc;
  if ((rc = open_interchange(w, ack->ics, opt, &st)) != 0)
    return rc;
  for (ic = ack->ics; ic; ic = ic->next) {
    v[0] = ic->info.control;
    v[1] = ic->info.date;
    v[2] = ic->info.time;
    v[3] = ic->note[0] ? "R" : "A";
    v[4] = ic->note[0] ? ic->note : "000";
    if ((rc = put(w, "TA1", v, 5)) != 0)
      return rc;
  }
  return x12kit_writer_end_interchange(w);
}

/* ---- explainer ----------------------------------------------------------- */

/*
 * Built-in descriptions, the same phrases as schemas/codes-ack.xml, so
 * that a 999 reads the same without a schema.
 */
struct code_desc {
  const char *list, *value, *desc;
};

#define SECURITY "security problem (authentication or encryption)"

static const struct code_desc builtin_codes[] = {
  { "716", "1", "functional group not supported" },
  { "716", "2", "functional group version not supported" },
  { "716", "3", "functional group trailer (GE) missing" },
  { "716", "4", "group control numbers in GS06 and GE02 differ" },
  { "716", "5", "the number of included transaction sets (GE01) is wrong" },
  { "716", "6", "group control number is not well formed" },
  { "716", "10", SECURITY }, { "716", "11", SECURITY }, { "716", "12", SECURITY },
  { "716", "13", SECURITY }, { "716", "14", SECURITY }, { "716", "15", SECURITY },
  { "716", "16", SECURITY }, { "716", "17", SECURITY }, { "716", "18", SECURITY },
  { "716", "19", "group control number is not unique in the interchange" },
  { "716", "23", "security segments S3S and S3E are not paired" },
  { "716", "24", "security segments S3S and S3E are not paired" },
  { "716", "25", "security segments S4S and S4E are not paired" },
  { "716", "26", "security segments S4S and S4E are not paired" },

  { "618", "1", "transaction set not supported" },
  { "618", "2", "transaction set trailer (SE) missing" },
  { "618", "3", "control numbers in ST02 and SE02 differ" },
  { "618", "4", "the number of included segments (SE01) is wrong" },
  { "618", "5", "one or more segments in error" },
  { "618", "6", "transaction set identifier (ST01) missing or invalid" },
  { "618", "7", "transaction set control number (ST02) missing or invalid" },
  { "618", "8", SECURITY }, { "618", "9", SECURITY }, { "618", "10", SECURITY },
  { "618", "11", SECURITY }, { "618", "12", SECURITY }, { "618", "13", SECURITY },
  { "618", "15", SECURITY }, { "618", "16", SECURITY }, { "618", "17", SECURITY },
  { "618", "18", "transaction set is not inside a functional group" },
  { "618", "19", "implementation convention reference (ST03) is invalid" },
  { "618", "23", "transaction set control number is not unique in the group" },
  { "618", "24", "security segments S3S and S3E are not paired" },
  { "618", "25", "security segments S3S and S3E are not paired" },
  { "618", "26", "security segments S4S and S4E are not paired" },
  { "618", "27", "security segments S4S and S4E are not paired" },
  { "618", "I5", "one or more segments in error (implementation)" },
  { "618", "I6", "implementation convention not supported" },

  { "620", "1", "unrecognized segment ID" },
  { "620", "2", "unexpected segment" },
  { "620", "3", "required segment missing" },
  { "620", "4", "loop occurs more often than allowed" },
  { "620", "5", "segment occurs more often than allowed" },
  { "620", "6", "segment is not in this transaction set" },
  { "620", "7", "segment is out of order" },
  { "620", "8", "segment has data element errors" },
  { "620", "I4", "segment the guide marks not used is present" },
  { "620", "I6", "segment the guide requires in this situation is missing" },
  { "620", "I7", "loop occurs fewer times than the guide requires" },
  { "620", "I8", "segment occurs fewer times than the guide requires" },
  { "620", "I9", "segment the guide does not allow in this situation is present" },

  { "621", "1", "required data element missing" },
  { "621", "2", "conditionally required data element missing" },
  { "621", "3", "too many data elements" },
  { "621", "4", "data element too short" },
  { "621", "5", "data element too long" },
  { "621", "6", "invalid character in data element" },
  { "621", "7", "invalid code value" },
  { "621", "8", "invalid date" },
  { "621", "9", "invalid time" },
  { "621", "10", "exclusion condition violated" },
  { "621", "12", "too many repetitions" },
  { "621", "13", "too many components" },
  { "621", "I6", "code value the guide does not use" },
  { "621", "I9", "data element the guide requires in this situation is missing" },
  { "621", "I10", "data element the guide marks not used is present" },
  { "621", "I11", "too few repetitions for the guide" },
  { "621", "I12", "value does not match the pattern the guide requires" },
  { "621", "I13", "data element the guide does not allow in this situation is present" },

  { "I18", "000", "no error" },
  { "I18", "001", "control numbers in ISA13 and IEA02 differ" },
  { "I18", "002", "this standard is not supported" },
  { "I18", "003", "this version of the controls is not supported" },
  { "I18", "004", "the segment terminator is invalid" },
  { "I18", "005", "invalid sender ID qualifier (ISA05)" },
  { "I18", "006", "invalid sender ID (ISA06)" },
  { "I18", "007", "invalid receiver ID qualifier (ISA07)" },
  { "I18", "008", "invalid receiver ID (ISA08)" },
  { "I18", "009", "unknown receiver ID (ISA08)" },
  { "I18", "010", "invalid authorization information qualifier (ISA01)" },
  { "I18", "011", "invalid authorization information (ISA02)" },
  { "I18", "012", "invalid security information qualifier (ISA03)" },
  { "I18", "013", "invalid security information (ISA04)" },
  { "I18", "014", "invalid interchange date (ISA09)" },
  { "I18", "015", "invalid interchange time (ISA10)" },
  { "I18", "016", "invalid standards identifier" },
  { "I18", "017", "invalid version (ISA12)" },
  { "I18", "018", "invalid interchange control number (ISA13)" },
  { "I18", "019", "invalid acknowledgment requested value (ISA14)" },
  { "I18", "020", "invalid usage indicator (ISA15)" },
  { "I18", "021", "the number of included groups (IEA01) is wrong" },
  { "I18", "022", "invalid control characters" },
  { "I18", "023", "the interchange ended early (no IEA)" },
  { "I18", "024", "invalid interchange content" },
  { "I18", "025", "duplicate interchange control number" },
  { "I18", "026", "invalid data element separator" },
  { "I18", "027", "invalid component element separator (ISA16)" },
  { "I18", "028", "invalid date in the deferred delivery request" },
  { "I18", "029", "invalid time in the deferred delivery request" },
  { "I18", "030", "invalid delivery time code in the deferred delivery request" },
  { "I18", "031", "invalid grade of service" },
};

/* Verdict words of IK501 (717), AK901 (715) and TA104 (I17), our own short form. */
static const char *status_word(const char *code)
{
  switch (code[0] && !code[1] ? code[0] : 0) {
  case 'A': return "accepted";
  case 'E': return "accepted with errors noted";
  case 'P': return "partially accepted";
  case 'R': return "rejected";
  case 'M': return "rejected (message authentication failed)";
  case 'W': return "rejected (assurance failed validity tests)";
  case 'X': return "rejected (content could not be analyzed after decryption)";
  default: return NULL;
  }
}

#define DASH "\xe2\x80\x94"          /* an em dash in UTF-8 */
#define FIELD_MAX 36                 /* longest input field printed, NUL included */

struct x12kit_explainer {
  x12kit_mem mem;
  const x12kit_schema *schema;
  x12kit_line_cb out;
  void *user_data;
  int status;                        /* sticky failure */
  int finished;

  /* lines of the 999 being read; NULL slots wait for IK5 or AK9 */
  char **lines;
  size_t n, cap;
  int in_999;
  int has_group, has_tx, after_ik4;
  size_t group_slot, tx_slot;
  char fid[FIELD_MAX], gcontrol[FIELD_MAX], gversion[FIELD_MAX];
  char st01[FIELD_MAX], st02[FIELD_MAX];
  char seg_id[FIELD_MAX];            /* IK301 of the current IK3 */

  /* totals for the verdict */
  unsigned long acks;                /* 999 transaction sets and TA1 segments read */
  unsigned long groups, groups_ok, groups_partial;
  unsigned long sets, sets_ok;
  unsigned long ics, ics_ok;
};

/* A growable line. */
struct line {
  char *p;
  size_t len, cap;
  int nomem;
};

static void add(x12kit_explainer *ex, struct line *l, const char *fmt, ...) X12KITP_PRINTF(3, 4);

static void add(x12kit_explainer *ex, struct line *l, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (l->nomem)
    return;
  for (;;) {
    size_t room = l->cap - l->len;

    va_start(ap, fmt);
    n = vsnprintf(l->p ? l->p + l->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
      l->nomem = 1;                  /* cannot happen with our formats */
      return;
    }
    if ((size_t)n < room) {
      l->len += (size_t)n;
      return;
    }
    {
      size_t cap = l->cap ? l->cap : 128;
      char *p;

      while (cap - l->len <= (size_t)n)
        cap *= 2;
      p = x12kitp_realloc(&ex->mem, l->p, cap);
      if (p == NULL) {
        l->nomem = 1;
        return;
      }
      l->p = p;
      l->cap = cap;
    }
  }
}

int x12kit_explainer_new(x12kit_explainer **out, const x12kit_schema *schema,
                         x12kit_line_cb out_cb, void *user_data, const x12kit_mem *mem)
{
  x12kit_explainer *ex;
  x12kit_mem m;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  if (out_cb == NULL)
    return X12KIT_ERR_ARG;
  x12kitp_mem_init(&m, mem);
  ex = x12kitp_calloc(&m, sizeof *ex);
  if (ex == NULL)
    return X12KIT_ERR_NOMEM;
  ex->mem = m;
  ex->schema = schema;
  ex->out = out_cb;
  ex->user_data = user_data;
  *out = ex;
  return X12KIT_OK;
}

static void drop_lines(x12kit_explainer *ex)
{
  size_t i;

  for (i = 0; i < ex->n; i++)
    x12kitp_free(&ex->mem, ex->lines[i]);
  ex->n = 0;
}

void x12kit_explainer_free(x12kit_explainer *ex)
{
  if (ex == NULL)
    return;
  drop_lines(ex);
  x12kitp_free(&ex->mem, ex->lines);
  x12kitp_free(&ex->mem, ex);
}

static const char *describe(const x12kit_explainer *ex, const char *list, const char *code)
{
  const char *d = ex->schema ? x12kit_schema_code(ex->schema, list, code) : NULL;
  size_t i;

  for (i = 0; d == NULL && i < sizeof builtin_codes / sizeof builtin_codes[0]; i++)
    if (strcmp(builtin_codes[i].list, list) == 0 && strcmp(builtin_codes[i].value, code) == 0)
      d = builtin_codes[i].desc;
  return d ? d : "a code x12kit does not know";
}

/* Copies a field of the acknowledgment for printing: truncated, control bytes as '?'. */
static void text_of(x12kit_slice s, char dst[FIELD_MAX])
{
  size_t i;

  x12kitp_copy(dst, FIELD_MAX, s);
  for (i = 0; dst[i]; i++)
    if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] >= 0x7f)
      dst[i] = '?';
}

static void elem(const x12kit_segment *seg, size_t n, char dst[FIELD_MAX])
{
  text_of(x12kit_segment_element(seg, n), dst);
}

/* Stores a finished line (or an empty slot when |l| is NULL); returns its index. */
static int push(x12kit_explainer *ex, struct line *l, size_t *slot)
{
  char *text = NULL;

  if (l) {
    if (l->nomem) {
      x12kitp_free(&ex->mem, l->p);
      return X12KIT_ERR_NOMEM;
    }
    text = l->p;
  }
  if (ex->n == ex->cap) {
    size_t cap = ex->cap ? ex->cap * 2 : 16;
    char **p = x12kitp_realloc(&ex->mem, ex->lines, cap * sizeof *p);

    if (p == NULL) {
      x12kitp_free(&ex->mem, text);
      return X12KIT_ERR_NOMEM;
    }
    ex->lines = p;
    ex->cap = cap;
  }
  if (slot)
    *slot = ex->n;
  ex->lines[ex->n++] = text;
  return X12KIT_OK;
}

/* Fills a slot made by push(). */
static int fill(x12kit_explainer *ex, size_t slot, struct line *l)
{
  if (l->nomem) {
    x12kitp_free(&ex->mem, l->p);
    return X12KIT_ERR_NOMEM;
  }
  x12kitp_free(&ex->mem, ex->lines[slot]);
  ex->lines[slot] = l->p;
  return X12KIT_OK;
}

/* Sends one text, which may hold several lines, to the callback. */
static int emit(x12kit_explainer *ex, char *text)
{
  char *nl;

  while ((nl = strchr(text, '\n')) != NULL) {
    int rc;

    *nl = '\0';
    rc = ex->out(ex->user_data, text);
    *nl = '\n';
    if (rc)
      return X12KIT_ERR_ABORTED;
    text = nl + 1;
  }
  return ex->out(ex->user_data, text) ? X12KIT_ERR_ABORTED : X12KIT_OK;
}

/* "  Transaction 278 0001: no IK5 came." for a transaction set left without a trailer. */
static int close_tx(x12kit_explainer *ex)
{
  struct line l = { 0 };

  if (!ex->has_tx)
    return X12KIT_OK;
  ex->has_tx = 0;
  if (ex->lines[ex->tx_slot])
    return X12KIT_OK;
  add(ex, &l, "  Transaction %s %s: no IK5 trailer, so no verdict.", ex->st01, ex->st02);
  return fill(ex, ex->tx_slot, &l);
}

/* Ends the 999 being read: fills what is missing and sends every line. */
static int flush_999(x12kit_explainer *ex)
{
  size_t i;
  int rc = close_tx(ex);

  if (rc == X12KIT_OK && ex->has_group && ex->lines[ex->group_slot] == NULL) {
    struct line l = { 0 };

    add(ex, &l, "Group %s (%s, %s): no AK9 trailer, so no verdict.", ex->gcontrol, ex->fid,
        ex->gversion);
    rc = fill(ex, ex->group_slot, &l);
    ex->groups++;
  }
  ex->has_group = 0;
  ex->in_999 = 0;
  for (i = 0; rc == X12KIT_OK && i < ex->n; i++)
    if (ex->lines[i])
      rc = emit(ex, ex->lines[i]);
  drop_lines(ex);
  return rc;
}

/* Appends "— desc (IK502 5); desc (IK503 4)" for elements |from|.. of |seg|. */
static void codes_text(x12kit_explainer *ex, struct line *l, const x12kit_segment *seg,
                       size_t from, const char *list)
{
  size_t i, count = x12kit_segment_count(seg), shown = 0;
  const char *id = x12kit_segment_id(seg);

  for (i = from; i <= count && i < from + MAX_CODES; i++) {
    char code[FIELD_MAX];

    elem(seg, i, code);
    if (code[0] == '\0')
      continue;
    add(ex, l, "%s%s (%s%02zu %s)", shown ? "; " : " " DASH " ", describe(ex, list, code), id,
        i, code);
    shown++;
  }
}

static int on_ak1(x12kit_explainer *ex, const x12kit_segment *seg)
{
  int rc = close_tx(ex);

  if (rc)
    return rc;
  if (ex->has_group)
    return X12KIT_OK;               /* a second AK1: keep the first */
  elem(seg, 1, ex->fid);
  elem(seg, 2, ex->gcontrol);
  elem(seg, 3, ex->gversion);
  if ((rc = push(ex, NULL, &ex->group_slot)) == X12KIT_OK)
    ex->has_group = 1;
  return rc;
}

static int on_ak2(x12kit_explainer *ex, const x12kit_segment *seg)
{
  int rc = close_tx(ex);

  if (rc)
    return rc;
  elem(seg, 1, ex->st01);
  elem(seg, 2, ex->st02);
  ex->seg_id[0] = '\0';
  ex->after_ik4 = 0;
  if ((rc = push(ex, NULL, &ex->tx_slot)) == X12KIT_OK)
    ex->has_tx = 1;
  return rc;
}

static int on_ik3(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char pos[FIELD_MAX], loop[FIELD_MAX], code[FIELD_MAX];
  struct line l = { 0 };

  elem(seg, 1, ex->seg_id);
  elem(seg, 2, pos);
  elem(seg, 3, loop);
  elem(seg, 4, code);
  ex->after_ik4 = 0;
  add(ex, &l, "    Segment %s at position %s", ex->seg_id, pos);
  if (loop[0])
    add(ex, &l, " (loop %s)", loop);
  add(ex, &l, ": %s (IK304 %s).", describe(ex, "620", code), code);
  return push(ex, &l, NULL);
}

/* Parses up to 4 digits; 0 when |s| is not such a number. */
static unsigned small_number(const char *s)
{
  unsigned v = 0;
  size_t i;

  for (i = 0; s[i]; i++) {
    if (s[i] < '0' || s[i] > '9' || i >= 4)
      return 0;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  return v;
}

static int on_ik4(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char e[FIELD_MAX], c[FIELD_MAX], r[FIELD_MAX], ref[FIELD_MAX], code[FIELD_MAX];
  struct line l = { 0 };
  unsigned en;

  text_of(x12kit_segment_component(seg, 1, 1, 1), e);
  text_of(x12kit_segment_component(seg, 1, 1, 2), c);
  text_of(x12kit_segment_component(seg, 1, 1, 3), r);
  elem(seg, 2, ref);
  elem(seg, 3, code);
  ex->after_ik4 = 1;
  en = small_number(e);
  if (en && ex->seg_id[0])
    add(ex, &l, "      Element %s%02u", ex->seg_id, en);
  else
    add(ex, &l, "      Element at position %s", e[0] ? e : "?");
  if (c[0])
    add(ex, &l, "-%s", c);
  if (r[0])
    add(ex, &l, ", repetition %s", r);
  if (ref[0])
    add(ex, &l, " (data element %s)", ref);
  add(ex, &l, ": %s (IK403 %s).", describe(ex, "621", code), code);
  /* IK404, the bad value itself, is never printed: it may be patient data */
  return push(ex, &l, NULL);
}

static int on_ctx(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char id[FIELD_MAX], pos[FIELD_MAX], at[FIELD_MAX];
  struct line l = { 0 };
  x12kit_slice e;

  /* only the situational trigger: a business unit CTX carries an identifier */
  if (!x12kit_slice_eq(x12kit_segment_component(seg, 1, 1, 1), "SITUATIONAL TRIGGER"))
    return X12KIT_OK;
  elem(seg, 2, id);
  elem(seg, 3, pos);
  /* CTX05-1: the element of that segment which triggered the requirement */
  e = x12kit_segment_component(seg, 5, 1, 1);
  snprintf(at, sizeof at, "%.*s", (int)(e.len < 3 ? e.len : 0), e.ptr);
  if (at[0] && id[0] && strspn(at, "0123456789") == strlen(at))
    add(ex, &l, "%*sRequired because %s%02u is present (segment %s at position %s).",
        ex->after_ik4 ? 8 : 6, "", id, (unsigned)atoi(at), id, pos);
  else
    add(ex, &l, "%*sRequired because of segment %s at position %s.", ex->after_ik4 ? 8 : 6, "",
        id, pos);
  return push(ex, &l, NULL);
}

static int on_ik5(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char status[FIELD_MAX];
  struct line l = { 0 };
  const char *word;

  if (!ex->has_tx)
    return X12KIT_OK;               /* IK5 without AK2 */
  elem(seg, 1, status);
  word = status_word(status);
  add(ex, &l, "  Transaction %s %s: ", ex->st01, ex->st02);
  if (word)
    add(ex, &l, "%s", word);
  else
    add(ex, &l, "unknown status %s", status);
  codes_text(ex, &l, seg, 2, "618");
  add(ex, &l, ".");
  ex->has_tx = 0;
  return fill(ex, ex->tx_slot, &l);
}

/* The number in |s| (at most 9 digits), or 0. */
static unsigned long count_of(const char *s)
{
  unsigned long v = 0;
  size_t i;

  for (i = 0; s[i] && i < 9; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  return s[i] ? 0 : v;
}

static int on_ak9(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char status[FIELD_MAX], included[FIELD_MAX], received[FIELD_MAX], accepted[FIELD_MAX];
  struct line l = { 0 };
  const char *word;
  size_t i;
  int rc = close_tx(ex);

  if (rc)
    return rc;
  if (!ex->has_group && (rc = push(ex, NULL, &ex->group_slot)) != 0)
    return rc;                      /* AK9 without AK1: still say it */
  elem(seg, 1, status);
  elem(seg, 2, included);
  elem(seg, 3, received);
  elem(seg, 4, accepted);
  word = status_word(status);
  add(ex, &l, "Group %s (%s, %s): ", ex->has_group ? ex->gcontrol : "?",
      ex->has_group ? ex->fid : "?", ex->has_group ? ex->gversion : "?");
  if (word)
    add(ex, &l, "%s", word);
  else
    add(ex, &l, "unknown status %s", status);
  add(ex, &l, " " DASH " %s of %s transaction sets received, %s accepted.", received, included,
      accepted);
  for (i = 5; i < 5 + MAX_CODES; i++) {
    char code[FIELD_MAX];

    elem(seg, i, code);
    if (code[0])
      add(ex, &l, "\n  Group error: %s (AK9%02zu %s).", describe(ex, "716", code), i, code);
  }
  ex->groups++;
  if (status[0] && !status[1] && (status[0] == 'A' || status[0] == 'E'))
    ex->groups_ok++;
  else if (strcmp(status, "P") == 0)
    ex->groups_partial++;
  ex->sets += count_of(received);
  ex->sets_ok += count_of(accepted);
  ex->has_group = 1;
  rc = fill(ex, ex->group_slot, &l);
  ex->has_group = 0;                /* its line is written */
  return rc;
}

static int on_ta1(x12kit_explainer *ex, const x12kit_segment *seg)
{
  char control[FIELD_MAX], date[FIELD_MAX], tm_[FIELD_MAX], status[FIELD_MAX], note[FIELD_MAX];
  struct line l = { 0 };
  const char *word;
  int rc;

  elem(seg, 1, control);
  elem(seg, 2, date);
  elem(seg, 3, tm_);
  elem(seg, 4, status);
  elem(seg, 5, note);
  word = status_word(status);
  add(ex, &l, "Interchange %s", control);
  if (digits(date, 6) && digits(tm_, 4))
    add(ex, &l, " (sent 20%.2s-%.2s-%.2s %.2s:%.2s)", date, date + 2, date + 4, tm_, tm_ + 2);
  if (word && strcmp(status, "P") != 0)
    add(ex, &l, ": %s", word);
  else
    add(ex, &l, ": unknown status %s", status);
  add(ex, &l, " " DASH " %s (TA1 %s).", describe(ex, "I18", note), note);
  ex->acks++;
  ex->ics++;
  if (strcmp(status, "A") == 0 || strcmp(status, "E") == 0)
    ex->ics_ok++;
  if ((rc = push(ex, &l, NULL)) != 0)
    return rc;
  if (ex->in_999)
    return X12KIT_OK;               /* sent with the 999's lines */
  rc = emit(ex, ex->lines[ex->n - 1]);
  drop_lines(ex);
  return rc;
}

static int explain(x12kit_explainer *ex, const x12kit_segment *seg)
{
  const char *id = x12kit_segment_id(seg);

  if (strcmp(id, "ST") == 0) {
    int rc = ex->in_999 ? flush_999(ex) : X12KIT_OK;

    if (rc == X12KIT_OK && x12kit_slice_eq(x12kit_segment_element(seg, 1), "999")) {
      ex->in_999 = 1;
      ex->acks++;
    }
    return rc;
  }
  if (strcmp(id, "TA1") == 0)
    return on_ta1(ex, seg);
  if (!ex->in_999)
    return X12KIT_OK;
  if (strcmp(id, "SE") == 0 || strcmp(id, "GE") == 0 || strcmp(id, "IEA") == 0)
    return flush_999(ex);
  if (strcmp(id, "AK1") == 0)
    return on_ak1(ex, seg);
  if (strcmp(id, "AK2") == 0)
    return on_ak2(ex, seg);
  if (strcmp(id, "IK3") == 0)
    return on_ik3(ex, seg);
  if (strcmp(id, "CTX") == 0)
    return on_ctx(ex, seg);
  if (strcmp(id, "IK4") == 0)
    return on_ik4(ex, seg);
  if (strcmp(id, "IK5") == 0)
    return on_ik5(ex, seg);
  if (strcmp(id, "AK9") == 0)
    return on_ak9(ex, seg);
  return X12KIT_OK;
}

int x12kit_explainer_segment(x12kit_explainer *ex, const x12kit_segment *seg)
{
  if (ex == NULL || seg == NULL)
    return X12KIT_ERR_ARG;
  if (ex->status)
    return ex->status;
  if (ex->finished)
    return X12KIT_ERR_STATE;
  return ex->status = explain(ex, seg);
}

int x12kit_explainer_finish(x12kit_explainer *ex)
{
  struct line l = { 0 };
  unsigned long units, ok;
  const char *word;
  int rc;

  if (ex == NULL)
    return X12KIT_ERR_ARG;
  if (ex->status)
    return ex->status;
  if (ex->finished)
    return X12KIT_ERR_STATE;
  ex->finished = 1;
  if (ex->in_999 && (rc = flush_999(ex)) != 0)
    return ex->status = rc;
  if (ex->acks == 0)
    return X12KIT_ERR_ARG;
  units = ex->groups + ex->ics;
  ok = ex->groups_ok + ex->ics_ok;
  word = ok == units ? "accepted" : ok == 0 && ex->groups_partial == 0 ? "rejected"
                                                                       : "partially accepted";
  add(ex, &l, "Verdict: %s", word);
  if (ex->groups)
    add(ex, &l, " " DASH " %lu of %lu transaction sets accepted", ex->sets_ok, ex->sets);
  if (ex->ics)
    add(ex, &l, "%s%lu of %lu interchanges accepted", ex->groups ? "; " : " " DASH " ",
        ex->ics_ok, ex->ics);
  add(ex, &l, ".");
  if (l.nomem) {
    x12kitp_free(&ex->mem, l.p);
    return ex->status = X12KIT_ERR_NOMEM;
  }
  rc = emit(ex, l.p);
  x12kitp_free(&ex->mem, l.p);
  return ex->status = rc;
}
