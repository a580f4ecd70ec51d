/*
 * x12kit serve: a clearinghouse simulator.  It takes CAQH CORE real-time
 * and batch requests (SOAP 1.2 or HTTP MIME) over TLS and answers 270 inquiries
 * with 271s and 278 requests with 278 responses made from a payer rules
 * file, 999s for payloads that break the guides, TA1s for bad
 * interchanges, and CORE ErrorCodes for bad envelopes.  Faults can be
 * injected to test clients.  HTTP is libevent's evhttp over OpenSSL
 * bufferevents.
 *
 * The answers are built with the writer directly (one private function
 * per transaction).  Nothing of the payload, no name and no member ID
 * is ever logged: one line per request gives the PayloadID, the
 * PayloadType, the outcome and the time taken.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "cli.h"
#include "serve.h"

static const char serve_usage[] =
  "Usage: " CLI_NAME " serve --cert FILE --key FILE --rules FILE [--listen HOST:PORT]\n"
  "       [--client-ca FILE] [--credentials FILE] [--schemas DIR] [--port-file FILE]\n"
  "       [--fault NAME]";

static const char serve_help[] =
  "A clearinghouse simulator: answers CAQH CORE real-time and batch requests\n"
  "(SOAP 1.2 or HTTP MIME) over TLS 1.2 or later.  A 270 gets a 271 and a 278\n"
  "request a 278 response made from the payer rules file; a payload that breaks\n"
  "its guide gets a 999, a bad interchange a TA1, a bad envelope a CORE\n"
  "ErrorCode.  Batch 270s get a receipt; their 999 and 271 wait for retrieval.\n"
  "The first line on standard output is \"listening on HOST:PORT\".  Runs until\n"
  "SIGTERM or SIGINT.  One line per request goes to standard error.\n"
  "\n"
  "      --listen HOST:PORT  address to listen on (default 127.0.0.1:0; port 0\n"
  "                          picks a free port)\n"
  "      --cert FILE         server certificate chain (PEM)\n"
  "      --key FILE          server private key (PEM)\n"
  "      --client-ca FILE    require a client certificate signed by these CAs\n"
  "      --credentials FILE  username= and password= lines (mode 0600); requests\n"
  "                          must carry them\n"
  "      --rules FILE        the payer rules (XML, see x12kit-serve(1))\n"
  "      --schemas DIR       implementation-guide maps (default $X12KIT_SCHEMA_DIR)\n"
  "      --port-file FILE    also write the port chosen to FILE\n"
  "      --fault NAME        delay=MS, drop, http500, soapfault, mtom,\n"
  "                          wrong-payload-id, ack999 or ta1 for every answer\n"
  "      --help              show this help\n";

#define MAX_FIELD 80
#define MAX_LIST 16

/* ---- server state ---- */

typedef struct stored {
  char *content_type;
  char *body;
  size_t len;
} stored;

/*
 * A bounded set of string keys, oldest forgotten first: a ring of slots
 * with a hash index, so that looking a key up and adding one take the
 * same time however many requests came before.  Used for the ISA keys
 * seen (duplicate interchanges) and the answers kept by PayloadID.
 */
#define RING_NONE ((size_t)-1)

typedef struct ring {
  size_t cap;              /* slots */
  size_t next;             /* the slot filled next: the oldest once all are used */
  size_t nbuckets;         /* a power of two */
  char **keys;             /* slot -> its key, or NULL */
  size_t *chain;           /* slot -> the next slot of its bucket */
  size_t *bucket;          /* hash -> first slot */
} ring;

static size_t ring_hash(const ring *r, const char *key)
{
  unsigned long h = 2166136261ul;   /* FNV-1a */

  while (*key)
    h = (h ^ (unsigned char)*key++) * 16777619ul;
  return (size_t)h & (r->nbuckets - 1);
}

static int ring_init(ring *r, size_t cap)
{
  size_t i;

  memset(r, 0, sizeof *r);
  r->cap = cap;
  for (r->nbuckets = 1; r->nbuckets < cap * 2; r->nbuckets *= 2)
    ;
  r->keys = calloc(cap, sizeof *r->keys);
  r->chain = malloc(cap * sizeof *r->chain);
  r->bucket = malloc(r->nbuckets * sizeof *r->bucket);
  if (!r->keys || !r->chain || !r->bucket)
    return -1;
  for (i = 0; i < r->nbuckets; i++)
    r->bucket[i] = RING_NONE;
  return 0;
}

static void ring_free(ring *r)
{
  size_t i;

  if (r->keys)
    for (i = 0; i < r->cap; i++)
      free(r->keys[i]);
  free(r->keys);
  free(r->chain);
  free(r->bucket);
  memset(r, 0, sizeof *r);
}

/* The slot holding |key|, or RING_NONE. */
static size_t ring_find(const ring *r, const char *key)
{
  size_t i;

  for (i = r->bucket[ring_hash(r, key)]; i != RING_NONE; i = r->chain[i])
    if (strcmp(r->keys[i], key) == 0)
      return i;
  return RING_NONE;
}

/*
 * Puts a copy of |key| in the next slot, forgetting the key that slot
 * held (the caller frees what it kept for that slot first).  Returns
 * the slot, or RING_NONE when out of memory.
 */
static size_t ring_add(ring *r, const char *key)
{
  size_t slot = r->next, *pp;
  char *copy = strdup(key);

  if (!copy)
    return RING_NONE;
  if (r->keys[slot]) {
    for (pp = &r->bucket[ring_hash(r, r->keys[slot])]; *pp != slot; pp = &r->chain[*pp])
      ;
    *pp = r->chain[slot];
    free(r->keys[slot]);
  }
  r->keys[slot] = copy;
  pp = &r->bucket[ring_hash(r, copy)];
  r->chain[slot] = *pp;
  *pp = slot;
  r->next = (slot + 1) % r->cap;
  return slot;
}

/*
 * Batch: what waits for a sender to fetch it.  Each accepted submission
 * leaves an acknowledgment (its 999, or a TA1) and, when the 270 was
 * answered, a results item (the 271 interchange).  Retrieval hands out
 * the oldest first.  The limits keep a client that never fetches from
 * growing the server without bound; past them a submission is refused
 * with an ErrorCode, never accepted and then dropped.
 */
#define BATCH_MAX_ITEMS 200                   /* items waiting per sender */
#define BATCH_MAX_BYTES (64ul * 1024 * 1024)  /* bytes waiting per sender */
#define BATCH_MAX_SENDERS 1000                /* senders with something waiting */

typedef struct batch_item {
  const char *payload_type;  /* a static PayloadType string */
  char *x12;
  size_t len;
  struct batch_item *next;
} batch_item;

typedef struct batch_queue {
  batch_item *head, *tail;
} batch_queue;

typedef struct batch_box {
  char *sender;
  batch_queue acks, results;
  size_t items, bytes;
  struct batch_box *next;
} batch_box;

typedef struct server {
  struct event_base *base;
  SSL_CTX *ssl;
  x12kit_schema *schema;
  serve_rules *rules;
  const char *fault;
  char *user, *password;
  ring answer_ids;         /* PayloadIDs answered, the last MAX_STORED */
  stored *answers;         /* by slot of answer_ids */
  ring isas;               /* ISA keys seen, the last MAX_ISAS */
  batch_box *boxes;        /* senders with batch items waiting */
  size_t n_boxes;
  unsigned long control;   /* ISA13/GS06 of the next answer */
  unsigned long cert;      /* the next certification number */
  unsigned long review;    /* the next administrative reference (REF NT) */
} server;

/* ---- what a request's X12 says ---- */

typedef struct service_line {
  char procedure[MAX_FIELD];
  char units[16];
  char dates[MAX_FIELD];   /* DTP03 of the service, RD8 or D8 */
  char dates_fmt[4];
} service_line;

/* One patient of a 270: a subscriber (2000C) or a dependent (2000D). */
typedef struct patient {
  int dependent;           /* 2000D */
  size_t subscriber;       /* dependents: index of their subscriber */
  char trn2[MAX_FIELD], trn3[MAX_FIELD];
  char last[MAX_FIELD], first[MAX_FIELD], id[MAX_FIELD], dob[12];
  char st_list[MAX_LIST][4];
  size_t n_st;
  char proc_list[MAX_LIST][MAX_FIELD];
  size_t n_proc;
} patient;

#define MAX_PATIENTS 8

/* Answers kept for repeated PayloadIDs; past this the older half is dropped. */
#define MAX_STORED 10000
/* Interchanges remembered to find a repeated ISA13. */
#define MAX_ISAS 100000

typedef struct facts {
  char st[4];
  patient pt[MAX_PATIENTS];
  size_t n_pt;
  int pt_overflow;         /* more of something than the limits above: never answered in part */
  char bht_ref[MAX_FIELD];
  char trn2[MAX_FIELD], trn3[MAX_FIELD];
  char p1_type[4], p1_last[MAX_FIELD], p1_first[MAX_FIELD], p1_qual[4], p1_id[MAX_FIELD];
  char il_last[MAX_FIELD], il_first[MAX_FIELD], il_id[MAX_FIELD];
  char um[4][MAX_FIELD];   /* UM01, UM02, UM03, UM04-1 */
  char um4b[4];            /* UM04-2 */
  char dx_qual[MAX_LIST][4], dx[MAX_LIST][MAX_FIELD];
  size_t n_dx;
  service_line svc[MAX_LIST];
  size_t n_svc;
  char last_dtp[MAX_FIELD], last_dtp_fmt[4];
  int seen_sv;
  int in_event;            /* past the first HL EV: 2000E and 2000F */
  char prev_qual[4], prev_ref[MAX_FIELD]; /* REF*BB or REF*NT: the review cited */
  char pwk[MAX_LIST][4];   /* PWK01 of the attachments in 2000E and 2000F */
  size_t n_pwk;
  int has_msg;             /* a MSG with text in 2000E or 2000F */
} facts;

typedef struct xctx {
  x12kit_validator *v;
  x12kit_ack *ack;
  x12kit_interchange_info isa;
  x12kit_group_info gs;
  int have_isa, have_gs;
  unsigned long findings, ta1_findings;
  int nomem;
  facts f;
} xctx;

static void copy_slice(char *dst, size_t size, x12kit_slice s)
{
  size_t n = s.len < size - 1 ? s.len : size - 1;

  memcpy(dst, s.ptr, n);
  dst[n] = '\0';
}

static void element(char *dst, size_t size, const x12kit_segment *seg, size_t n)
{
  copy_slice(dst, size, x12kit_segment_element(seg, n));
}

static void component(char *dst, size_t size, const x12kit_segment *seg, size_t n, size_t r,
                      size_t c)
{
  copy_slice(dst, size, x12kit_segment_component(seg, n, r, c));
}

static int on_event(void *ud, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  xctx *c = ud;

  (void)pos;
  if (ev == X12KIT_INTERCHANGE_BEGIN && !c->have_isa) {
    c->isa = *(const x12kit_interchange_info *)info;
    c->have_isa = 1;
  }
  if (ev == X12KIT_GROUP_BEGIN && !c->have_gs) {
    c->gs = *(const x12kit_group_info *)info;
    c->have_gs = 1;
  }
  if (x12kit_ack_event(c->ack, ev, info)) {
    c->nomem = 1;
    return -1;
  }
  return 0;
}

static int on_finding(void *ud, const x12kit_error *err)
{
  xctx *c = ud;

  c->findings++;
  if (err->ack_kind == X12KIT_ACK_TA1)
    c->ta1_findings++;
  if (x12kit_ack_finding(c->ack, err)) {
    c->nomem = 1;
    return -1;
  }
  return 0;
}

/* Notes what the answer needs from one segment of the request. */
static void note_segment(facts *f, const x12kit_segment *seg)
{
  const char *id = x12kit_segment_id(seg);
  char q[8];
  size_t i, r;
  patient *p = f->n_pt ? &f->pt[f->n_pt - 1] : NULL;

  if (strcmp(id, "HL") == 0) {
    element(q, sizeof q, seg, 3);
    if (strcmp(q, "EV") == 0)
      f->in_event = 1;
    if (strcmp(q, "22") == 0 || (strcmp(q, "23") == 0 && f->n_pt)) {
      if (f->n_pt == MAX_PATIENTS) {
        f->pt_overflow = 1;
        return;
      }
      p = &f->pt[f->n_pt++];
      p->dependent = q[1] == '3';
      if (p->dependent) {
        for (i = f->n_pt - 1; i > 0 && f->pt[i - 1].dependent; i--)
          ;
        p->subscriber = i ? i - 1 : 0;
      }
    }
  }
  if (p && !f->pt_overflow) {
    if (strcmp(id, "TRN") == 0 && !p->trn2[0]) {
      element(p->trn2, sizeof p->trn2, seg, 2);
      element(p->trn3, sizeof p->trn3, seg, 3);
    } else if (strcmp(id, "NM1") == 0) {
      element(q, sizeof q, seg, 1);
      if (strcmp(q, "IL") == 0 || strcmp(q, "03") == 0) {
        element(p->last, sizeof p->last, seg, 3);
        element(p->first, sizeof p->first, seg, 4);
        element(p->id, sizeof p->id, seg, 9);
      }
    } else if (strcmp(id, "DMG") == 0) {
      element(p->dob, sizeof p->dob, seg, 2);
    } else if (strcmp(id, "EQ") == 0) {
      if (x12kit_segment_repetitions(seg, 1) > MAX_LIST - p->n_st)
        f->pt_overflow = 1;
      for (r = 1; r <= x12kit_segment_repetitions(seg, 1) && p->n_st < MAX_LIST; r++) {
        component(p->st_list[p->n_st], sizeof p->st_list[0], seg, 1, r, 1);
        if (p->st_list[p->n_st][0])
          p->n_st++;
      }
      if (p->n_proc == MAX_LIST)
        f->pt_overflow = 1;
      if (p->n_proc < MAX_LIST) {
        component(p->proc_list[p->n_proc], sizeof p->proc_list[0], seg, 2, 1, 2);
        if (p->proc_list[p->n_proc][0])
          p->n_proc++;
      }
    }
  }
  if (strcmp(id, "ST") == 0 && !f->st[0]) {
    element(f->st, sizeof f->st, seg, 1);
  } else if (strcmp(id, "BHT") == 0) {
    element(f->bht_ref, sizeof f->bht_ref, seg, 3);
  } else if (strcmp(id, "TRN") == 0 && !f->trn2[0]) {
    element(f->trn2, sizeof f->trn2, seg, 2);
    element(f->trn3, sizeof f->trn3, seg, 3);
  } else if (strcmp(id, "NM1") == 0) {
    element(q, sizeof q, seg, 1);
    if (strcmp(q, "1P") == 0) {
      element(f->p1_type, sizeof f->p1_type, seg, 2);
      element(f->p1_last, sizeof f->p1_last, seg, 3);
      element(f->p1_first, sizeof f->p1_first, seg, 4);
      element(f->p1_qual, sizeof f->p1_qual, seg, 8);
      element(f->p1_id, sizeof f->p1_id, seg, 9);
    } else if (strcmp(q, "IL") == 0 && !f->il_id[0]) {
      element(f->il_last, sizeof f->il_last, seg, 3);
      element(f->il_first, sizeof f->il_first, seg, 4);
      element(f->il_id, sizeof f->il_id, seg, 9);
    }
  } else if (strcmp(id, "UM") == 0 && !f->um[0][0]) {
    for (i = 0; i < 3; i++)
      element(f->um[i], sizeof f->um[i], seg, i + 1);
    component(f->um[3], sizeof f->um[3], seg, 4, 1, 1);
    component(f->um4b, sizeof f->um4b, seg, 4, 1, 2);
  } else if (strcmp(id, "HI") == 0) {
    if (x12kit_segment_count(seg) > MAX_LIST - f->n_dx)
      f->pt_overflow = 1;
    for (i = 1; i <= x12kit_segment_count(seg) && f->n_dx < MAX_LIST; i++) {
      component(f->dx_qual[f->n_dx], sizeof f->dx_qual[0], seg, i, 1, 1);
      component(f->dx[f->n_dx], sizeof f->dx[0], seg, i, 1, 2);
      if (f->dx[f->n_dx][0])
        f->n_dx++;
    }
  } else if (strcmp(id, "REF") == 0 && f->in_event && !f->prev_ref[0]) {
    element(q, sizeof q, seg, 1);
    if (strcmp(q, "BB") == 0 || strcmp(q, "NT") == 0) {
      memcpy(f->prev_qual, q, 3);
      element(f->prev_ref, sizeof f->prev_ref, seg, 2);
    }
  } else if (strcmp(id, "PWK") == 0 && f->in_event) {
    /* the guide allows 10 per loop; codes past MAX_LIST repeat earlier kinds */
    if (f->n_pwk < MAX_LIST) {
      element(f->pwk[f->n_pwk], sizeof f->pwk[0], seg, 1);
      f->n_pwk++;
    }
  } else if (strcmp(id, "MSG") == 0 && f->in_event) {
    element(q, sizeof q, seg, 1);
    if (q[0])
      f->has_msg = 1;
  } else if (strcmp(id, "DTP") == 0) {
    element(f->last_dtp_fmt, sizeof f->last_dtp_fmt, seg, 2);
    element(f->last_dtp, sizeof f->last_dtp, seg, 3);
  } else if (strcmp(id, "SV1") == 0 || strcmp(id, "SV2") == 0) {
    if (f->n_svc == MAX_LIST)
      f->pt_overflow = 1;
    if (f->n_svc < MAX_LIST) {
      service_line *s = &f->svc[f->n_svc++];
      component(s->procedure, sizeof s->procedure, seg, strcmp(id, "SV1") == 0 ? 1 : 2, 1, 2);
      element(s->units, sizeof s->units, seg, strcmp(id, "SV1") == 0 ? 4 : 5);
      memcpy(s->dates, f->last_dtp, sizeof s->dates);
      memcpy(s->dates_fmt, f->last_dtp_fmt, sizeof s->dates_fmt);
    }
  }
}

static int on_segment(void *ud, const x12kit_segment *seg)
{
  xctx *c = ud;
  int rc = x12kit_validator_segment(c->v, seg);

  note_segment(&c->f, seg);
  if (rc == X12KIT_ERR_NOMEM)
    c->nomem = 1;
  return rc == X12KIT_ERR_NOMEM ? -1 : 0;
}

/* ---- writing answers ---- */

static int to_evbuffer(void *ud, const char *buf, size_t len)
{
  return evbuffer_add(ud, buf, len);
}

static void now_fields(char *yymmdd, char *ccyymmdd, char *hhmm)
{
  time_t t = time(NULL);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(ccyymmdd, 9, "%Y%m%d", &tm);
  memcpy(yymmdd, ccyymmdd + 2, 7);
  strftime(hhmm, 5, "%H%M", &tm);
}

/* ISA and GS of an answer to |c|'s interchange: the parties swapped. */
static int open_answer(server *s, x12kit_writer *w, const xctx *c, const char *gs01,
                       const char *version, char *ccyymmdd, char *hhmm)
{
  x12kit_isa_fields isa;
  x12kit_gs_fields gs;
  char yymmdd[7];
  unsigned long control = s->control++;

  if (s->control > 999999999ul)
    s->control = 1;
  now_fields(yymmdd, ccyymmdd, hhmm);
  memset(&isa, 0, sizeof isa);
  isa.sender_qualifier = c->isa.receiver_qualifier;
  isa.sender_id = c->isa.receiver_id;
  isa.receiver_qualifier = c->isa.sender_qualifier;
  isa.receiver_id = c->isa.sender_id;
  isa.date = yymmdd;
  isa.time = hhmm;
  isa.control = control;
  isa.usage = c->isa.usage;
  memset(&gs, 0, sizeof gs);
  gs.functional_id = gs01;
  gs.sender = c->gs.receiver;
  gs.receiver = c->gs.sender;
  gs.date = ccyymmdd;
  gs.time = hhmm;
  gs.control = control;
  gs.version = version;
  if (x12kit_writer_interchange(w, &isa) || x12kit_writer_group(w, &gs))
    return -1;
  return x12kit_writer_transaction(w, gs01[1] == 'B' ? "271" : "278", "0001", NULL);
}

static int close_answer(x12kit_writer *w)
{
  if (x12kit_writer_end_transaction(w) || x12kit_writer_end_group(w) ||
      x12kit_writer_end_interchange(w))
    return -1;
  return x12kit_writer_flush(w);
}

/* A segment from a list of elements; NULL ends the list, "" is empty. */
static int seg(x12kit_writer *w, const char *id, const char *const *els, size_t n)
{
  size_t i;

  if (x12kit_writer_begin(w, id))
    return -1;
  for (i = 0; i < n; i++)
    if (x12kit_writer_element(w, els[i] && els[i][0] ? els[i] : NULL))
      return -1;
  return x12kit_writer_end(w);
}

#define SEG(w, id, ...)                                                            \
  seg((w), (id), (const char *const[]){ __VA_ARGS__ },                             \
      sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static int write_hl(x12kit_writer *w, const char *n, const char *parent, const char *code,
                    const char *child)
{
  return SEG(w, "HL", n, parent, code, child);
}

static int write_1p(x12kit_writer *w, const facts *f)
{
  return SEG(w, "NM1", "1P", f->p1_type[0] ? f->p1_type : "2", f->p1_last, f->p1_first, "", "",
             "", f->p1_qual, f->p1_id);
}

/* An EB segment; |proc| goes to EB13 as HC:proc. */
static int write_eb(x12kit_writer *w, const char *info, const char *st, const char *plan,
                    const char *period, const char *amount, const char *percent,
                    const char *qty, char auth, char net, const char *proc)
{
  char a[2] = { auth, 0 }, n[2] = { net, 0 };

  if (x12kit_writer_begin(w, "EB") || x12kit_writer_element(w, info) ||
      x12kit_writer_element(w, "IND") || x12kit_writer_element(w, st) ||
      x12kit_writer_element(w, plan ? "PR" : NULL) || x12kit_writer_element(w, plan) ||
      x12kit_writer_element(w, period) || x12kit_writer_element(w, amount) ||
      x12kit_writer_element(w, percent) || x12kit_writer_element(w, qty ? "VS" : NULL) ||
      x12kit_writer_element(w, qty) || x12kit_writer_element(w, auth ? a : NULL) ||
      x12kit_writer_element(w, net ? n : NULL))
    return -1;
  if (proc && (x12kit_writer_element(w, "HC") || x12kit_writer_component(w, proc)))
    return -1;
  return x12kit_writer_end(w);
}

static int asked(const patient *f, const serve_benefit *b)
{
  size_t i;

  if (b->service_type) {
    if (strcmp(b->service_type, "30") == 0)
      return 1;
    for (i = 0; i < f->n_st; i++)
      if (strcmp(f->st_list[i], b->service_type) == 0)
        return 1;
  } else {
    for (i = 0; i < f->n_proc; i++)
      if (strcmp(f->proc_list[i], b->procedure) == 0)
        return 1;
  }
  return 0;
}

static int write_benefit(x12kit_writer *w, const serve_benefit *b, const char *plan)
{
  const char *st = b->service_type, *pc = b->procedure;
  char pa = b->prior_auth, net = b->network;

  if (write_eb(w, b->covered ? "1" : "I", st, plan, NULL, NULL, NULL, NULL, pa, net, pc))
    return -1;
  if (b->message && SEG(w, "MSG", b->message))
    return -1;
  if (b->copay && write_eb(w, "B", st, plan, "27", b->copay, NULL, NULL, pa, net, pc))
    return -1;
  if (b->coinsurance && write_eb(w, "A", st, plan, "27", NULL, b->coinsurance, NULL, pa, net, pc))
    return -1;
  if (b->deductible && write_eb(w, "C", st, plan, "23", b->deductible, NULL, NULL, 0, net, pc))
    return -1;
  if (b->deductible_remaining &&
      write_eb(w, "C", st, plan, "29", b->deductible_remaining, NULL, NULL, 0, net, pc))
    return -1;
  if (b->oop && write_eb(w, "G", st, plan, "23", b->oop, NULL, NULL, 0, net, pc))
    return -1;
  if (b->oop_remaining &&
      write_eb(w, "G", st, plan, "29", b->oop_remaining, NULL, NULL, 0, net, pc))
    return -1;
  if (b->visits && write_eb(w, "F", st, plan, "22", NULL, NULL, b->visits, 0, net, pc))
    return -1;
  return 0;
}

/* The AAA code for |p| against the rules, or NULL when it is found; *out is the member. */
static const char *look_up(const serve_rules *r, const patient *p, const serve_member *sub,
                           const serve_member **out)
{
  const serve_member *m = NULL;

  if (!p->dependent) {
    m = p->id[0] ? serve_rules_member(r, p->id) : NULL;
  } else if (sub) {
    for (m = sub->dependents; m; m = m->next)
      if ((p->id[0] && strcmp(m->id, p->id) == 0) ||
          (m->first && strcasecmp(m->first, p->first) == 0 &&
           (!p->dob[0] || !m->dob || strcmp(m->dob, p->dob) == 0)))
        break;
  }
  *out = m;
  if (!m)
    return p->dependent ? "67" : "75";
  if (strcasecmp(m->last, p->last) != 0 ||
      (m->first && p->first[0] && strcasecmp(m->first, p->first) != 0))
    return "73";
  return NULL;
}

/* 2100C or 2100D and its benefits for one patient. */
static int write_patient(x12kit_writer *w, const patient *p, const serve_member *m,
                         const char *aaa, int with_benefits)
{
  const char *ent = p->dependent ? "03" : "IL";
  const serve_benefit *b;

  if (aaa) {
    return SEG(w, "NM1", ent, "1", p->last, p->first, "", "", "", p->id[0] ? "MI" : "", p->id) ||
           SEG(w, "AAA", "Y", "", aaa, "C");
  }
  if (SEG(w, "NM1", ent, "1", m->last, m->first ? m->first : "", "", "", "",
          p->dependent ? "" : "MI", p->dependent ? "" : m->id))
    return -1;
  if (!p->dependent && m->group && SEG(w, "REF", "6P", m->group))
    return -1;
  if (m->dob && SEG(w, "DMG", "D8", m->dob))
    return -1;
  if (!with_benefits)
    return 0;
  if (!m->active || !m->plan)
    return write_eb(w, "6", "30", NULL, NULL, NULL, NULL, NULL, 0, 0, NULL);
  for (b = m->plan->benefits; b; b = b->next)
    if (b->service_type && strcmp(b->service_type, "30") == 0)
      break;
  if (!b && write_eb(w, "1", "30", m->plan->name, NULL, NULL, NULL, NULL, 0, 0, NULL))
    return -1;
  for (b = m->plan->benefits; b; b = b->next)
    if (asked(p, b) && write_benefit(w, b, m->plan->name))
      return -1;
  return 0;
}

/*
 * The 271 for |c|'s 270: every subscriber and dependent asked about, in
 * order.  *member is the first patient's member (or NULL), for faults.
 */
static int write_271(server *s, x12kit_writer *w, const xctx *c, const serve_member **member,
                     int *not_found)
{
  const facts *f = &c->f;
  const serve_rules *r = s->rules;
  const serve_member *sub_m[MAX_PATIENTS];
  unsigned long hl_of[MAX_PATIENTS];
  char date[9], hhmm[5], n[16], parent[16];
  unsigned long hl = 2;
  size_t i;

  *member = NULL;
  *not_found = 0;
  if (open_answer(s, w, c, "HB", "005010X279A1", date, hhmm) ||
      SEG(w, "BHT", "0022", "11", f->bht_ref, date, hhmm) || write_hl(w, "1", "", "20", "1") ||
      SEG(w, "NM1", "PR", "2", r->payer_name, "", "", "", "", "PI", r->payer_id) ||
      write_hl(w, "2", "1", "21", f->n_pt ? "1" : "0") || write_1p(w, f))
    return -1;
  for (i = 0; i < f->n_pt; i++) {
    const patient *p = &f->pt[i];
    const serve_member *m, *sub = p->dependent ? sub_m[p->subscriber] : NULL;
    int has_dep = i + 1 < f->n_pt && f->pt[i + 1].dependent;
    const char *aaa = look_up(r, p, sub, &m);

    if (p->dependent && !sub)
      aaa = "75";
    sub_m[i] = aaa ? NULL : m;
    hl_of[i] = ++hl;
    if (aaa)
      *not_found = 1;
    if (i == 0)
      *member = m;
    snprintf(n, sizeof n, "%lu", hl_of[i]);
    snprintf(parent, sizeof parent, "%lu", p->dependent ? hl_of[p->subscriber] : 2ul);
    if (write_hl(w, n, parent, p->dependent ? "23" : "22", has_dep && !aaa ? "1" : "0"))
      return -1;
    if (p->trn2[0] && SEG(w, "TRN", "2", p->trn2, p->trn3))
      return -1;
    if (write_patient(w, p, m, aaa, !has_dep || p->n_st || p->n_proc))
      return -1;
    if (has_dep && aaa) {
      /* the dependents of a subscriber not found are not answered */
      while (i + 1 < f->n_pt && f->pt[i + 1].dependent)
        i++;
    }
  }
  return close_answer(w);
}

typedef struct decision {
  const char *code;        /* HCR01 */
  char cert[32];           /* HCR02 */
  const char *reason;      /* HCR03 */
  char units[24];
  const char *start, *end; /* certified: the rule's period (DTP*007), or NULL */
} decision;

static void decide(server *s, const facts *f, const service_line *sv, decision *d)
{
  const char *dx[MAX_LIST];
  const serve_auth_rule *a;
  size_t i;

  for (i = 0; i < f->n_dx; i++)
    dx[i] = f->dx[i];
  a = serve_rules_auth(s->rules, sv->procedure, dx, f->n_dx);
  memset(d, 0, sizeof *d);
  snprintf(d->units, sizeof d->units, "%s", sv->units);
  if (!a) {
    d->code = "A4";
    return;
  }
  switch (a->decision) {
  case SERVE_CERTIFIED:
  case SERVE_PARTIAL:
    d->code = a->decision == SERVE_CERTIFIED ? "A1" : "A6";
    snprintf(d->cert, sizeof d->cert, "%.12s%010lu", a->cert_prefix ? a->cert_prefix : "SIM",
             s->cert++);
    d->start = a->start;
    d->end = a->start ? a->end : NULL;
    if (a->decision == SERVE_PARTIAL) {
      unsigned long asked_units = strtoul(sv->units, NULL, 10);
      d->reason = a->reason;
      if (!asked_units || a->units < asked_units)
        snprintf(d->units, sizeof d->units, "%lu", a->units);
    } else if (a->units) {
      snprintf(d->units, sizeof d->units, "%lu", a->units);
    }
    break;
  case SERVE_PENDED:
    d->code = "A4";
    break;
  case SERVE_DENIED:
    d->code = "A3";
    d->reason = a->reason;
    break;
  }
}

/* Whether an appeal carries what the rules ask to overturn a denial. */
static int appeal_supported(const serve_appeals *ap, const facts *f)
{
  size_t i, j;

  if (ap->need_message && !f->has_msg)
    return 0;
  for (i = 0; i < f->n_pwk; i++)
    for (j = 0; j < ap->n_attachments; j++)
      if (strcmp(f->pwk[i], ap->attachments[j]) == 0)
        return 1;
  return 0;
}

/*
 * One service line of an appeal (UM02 1 or 2): overturned (A1, a new
 * certification number, the units asked) when it is supported, else
 * upheld (A3) with the reason of the auth rule that decides the line,
 * or the appeals' reason.  An appeal that cites no earlier review has
 * nothing to overturn: it is not certified.
 */
static void decide_appeal(server *s, const facts *f, const service_line *sv, decision *d)
{
  const serve_appeals *ap = &s->rules->appeals;
  const char *dx[MAX_LIST];
  const serve_auth_rule *a;
  size_t i;

  for (i = 0; i < f->n_dx; i++)
    dx[i] = f->dx[i];
  a = sv ? serve_rules_auth(s->rules, sv->procedure, dx, f->n_dx) : NULL;
  memset(d, 0, sizeof *d);
  if (sv)
    snprintf(d->units, sizeof d->units, "%s", sv->units);
  if (f->prev_ref[0] && appeal_supported(ap, f)) {
    d->code = "A1";
    snprintf(d->cert, sizeof d->cert, "%.12s%010lu",
             ap->cert_prefix ? ap->cert_prefix : a && a->cert_prefix ? a->cert_prefix : "SIM",
             s->cert++);
    return;
  }
  d->code = "A3";
  d->reason = f->prev_ref[0] && a && a->reason ? a->reason : ap->reason ? ap->reason : "35";
}

static int write_um(x12kit_writer *w, const facts *f)
{
  if (x12kit_writer_begin(w, "UM") || x12kit_writer_element(w, f->um[0]) ||
      x12kit_writer_element(w, f->um[1]) ||
      x12kit_writer_element(w, f->um[2][0] ? f->um[2] : NULL))
    return -1;
  if (f->um[3][0] && (x12kit_writer_element(w, f->um[3]) ||
                      (f->um4b[0] && x12kit_writer_component(w, f->um4b))))
    return -1;
  return x12kit_writer_end(w);
}

static int write_hcr(x12kit_writer *w, const decision *d)
{
  return SEG(w, "HCR", d->code, d->cert, d->reason ? d->reason : "");
}

/* The 278 response for |c|'s request. */
static int write_278(server *s, x12kit_writer *w, const xctx *c, const serve_member **member)
{
  const facts *f = &c->f;
  const serve_rules *r = s->rules;
  const serve_member *m = f->il_id[0] ? serve_rules_member(r, f->il_id) : NULL;
  decision d[MAX_LIST], ev;
  char date[9], hhmm[5], n[12], hl[12];
  size_t i, a1 = 0, a3 = 0, a4 = 0;
  int appeal, cancel;

  *member = m;
  if (open_answer(s, w, c, "HI", "005010X217", date, hhmm) ||
      SEG(w, "BHT", "0007", "11", f->bht_ref, date, hhmm, "18") ||
      write_hl(w, "1", "", "20", "1") ||
      SEG(w, "NM1", "X3", "2", r->payer_name, "", "", "", "", "PI", r->payer_id) ||
      write_hl(w, "2", "1", "21", "1") || write_1p(w, f))
    return -1;
  if (!m || !m->active) {
    if (write_hl(w, "3", "2", "22", "0") ||
        SEG(w, "NM1", "IL", "1", f->il_last, f->il_first, "", "", "", f->il_id[0] ? "MI" : "",
            f->il_id) ||
        SEG(w, "AAA", "N", "", m ? "72" : "75", "C"))
      return -1;
    return close_answer(w);
  }
  appeal = strcmp(f->um[1], "1") == 0 || strcmp(f->um[1], "2") == 0;
  cancel = strcmp(f->um[1], "3") == 0;
  for (i = 0; i < f->n_svc; i++) {
    if (cancel) {
      memset(&d[i], 0, sizeof d[i]);
      d[i].code = "C";
      snprintf(d[i].cert, sizeof d[i].cert, "%.31s", f->prev_ref);
      snprintf(d[i].units, sizeof d[i].units, "%s", f->svc[i].units);
    } else if (appeal) {
      decide_appeal(s, f, &f->svc[i], &d[i]);
    } else {
      decide(s, f, &f->svc[i], &d[i]);
    }
    a1 += strcmp(d[i].code, "A1") == 0;
    a3 += strcmp(d[i].code, "A3") == 0;
    a4 += strcmp(d[i].code, "A4") == 0;
  }
  memset(&ev, 0, sizeof ev);
  if (cancel) {
    /* a cancellation answers C with the number of the review cancelled */
    ev.code = "C";
    snprintf(ev.cert, sizeof ev.cert, "%.31s", f->prev_ref);
  } else if (appeal && f->n_svc == 0) {
    decide_appeal(s, f, NULL, &ev);
  } else if (f->n_svc == 0 || a4) {
    ev.code = "A4";
  } else if (a3 == f->n_svc) {
    ev.code = "A3";
    ev.reason = d[0].reason;
  } else {
    ev.code = a1 == f->n_svc ? "A1" : "A6";
    snprintf(ev.cert, sizeof ev.cert, "%s", d[0].cert[0] ? d[0].cert : d[f->n_svc - 1].cert);
  }
  if (write_hl(w, "3", "2", "22", "1") ||
      SEG(w, "NM1", "IL", "1", m->last, m->first ? m->first : "", "", "", "", "MI", m->id) ||
      write_hl(w, "4", "3", "EV", f->n_svc ? "1" : "0") ||
      (f->trn2[0] && SEG(w, "TRN", "2", f->trn2, f->trn3)) || write_um(w, f) ||
      write_hcr(w, &ev))
    return -1;
  /* An appeal or cancellation names the review it is about: by its
     authorization number (BB), or for a cancellation by whichever number
     it cited.  Every other answer carries the payer's own reference for
     this review (NT), which a follow-up can cite when no certification
     number was given (a denial, a pended request). */
  if ((cancel || (appeal && strcmp(f->prev_qual, "BB") == 0)) && f->prev_ref[0] &&
      SEG(w, "REF", f->prev_qual, f->prev_ref))
    return -1;
  if (!cancel) {
    char admin[24];

    snprintf(admin, sizeof admin, "SIMR%08lu", s->review++);
    if (SEG(w, "REF", "NT", admin))
      return -1;
  }
  if (f->n_dx) {
    if (x12kit_writer_begin(w, "HI"))
      return -1;
    for (i = 0; i < f->n_dx; i++)
      if (x12kit_writer_element(w, f->dx_qual[i]) || x12kit_writer_component(w, f->dx[i]))
        return -1;
    if (x12kit_writer_end(w))
      return -1;
  }
  for (i = 0; i < f->n_svc; i++) {
    snprintf(hl, sizeof hl, "%zu", i + 5);
    snprintf(n, sizeof n, "%s", "4");
    if (write_hl(w, hl, n, "SS", "0") || write_um(w, f) || write_hcr(w, &d[i]))
      return -1;
    if (f->svc[i].dates[0] && SEG(w, "DTP", "472", f->svc[i].dates_fmt, f->svc[i].dates))
      return -1;
    if (d[i].start) {
      /* the period the rule certifies: effective from start (to end) */
      char period[20];
      snprintf(period, sizeof period, "%.8s%s%.8s", d[i].start, d[i].end ? "-" : "",
               d[i].end ? d[i].end : "");
      if (SEG(w, "DTP", "007", d[i].end ? "RD8" : "D8", period))
        return -1;
    }
    if (x12kit_writer_begin(w, "SV1") || x12kit_writer_element(w, "HC") ||
        x12kit_writer_component(w, f->svc[i].procedure) || x12kit_writer_element(w, NULL) ||
        x12kit_writer_element(w, "UN") || x12kit_writer_element(w, d[i].units) ||
        x12kit_writer_end(w))
      return -1;
  }
  return close_answer(w);
}

/* ---- processing a payload ---- */

typedef struct answer {
  struct evbuffer *x12;
  struct evbuffer *ack;        /* batch: the accepting 999 of an answered payload, or NULL */
  int batch;                   /* a batch submission: 270 only, and a 999 when accepted */
  const char *payload_type;
  const char *outcome;
  const char *member_fault;
  int envelope_error;          /* not X12 at all: PayloadIllegal */
} answer;

static int write_ack(xctx *c, x12kit_writer *w, int ta1, unsigned long control)
{
  x12kit_ack_options o;

  memset(&o, 0, sizeof o);
  o.control = control;
  if ((ta1 ? x12kit_ack_write_ta1(c->ack, w, &o) : x12kit_ack_write_999(c->ack, w, &o)) ||
      x12kit_writer_flush(w))
    return -1;
  return 0;
}

static int seen_before(server *s, const x12kit_interchange_info *isa)
{
  char key[40];

  snprintf(key, sizeof key, "%s:%s:%s", isa->sender_qualifier, isa->sender_id, isa->control);
  if (ring_find(&s->isas, key) != RING_NONE)
    return 1;
  /* out of memory here only costs the check for this one interchange */
  ring_add(&s->isas, key);
  return 0;
}

static unsigned long next_control(server *s)
{
  unsigned long n = s->control++;

  if (s->control > 999999999ul)
    s->control = 1;
  return n;
}

/*
 * Reads and validates |payload| and writes the answer to a->x12.
 * |force| is a fault that replaces the answer ("ack999", "ta1") or NULL.
 * For a batch submission (a->batch), a payload that is answered with a
 * 271 also gets its accepting 999 in a->ack, since batch acknowledges
 * every interchange and delivers the results separately.
 * Returns 0, or -1 when out of memory.
 */
static int process_x12(server *s, const char *payload, size_t len, const char *force, answer *a)
{
  xctx c;
  x12kit_lexer *lx = NULL;
  x12kit_writer *w = NULL, *w999 = NULL;
  const serve_member *m = NULL;
  int rc = -1, lrc;

  memset(&c, 0, sizeof c);
  if (x12kit_lexer_new(&lx, NULL) || x12kit_validator_new(&c.v, s->schema, NULL) ||
      x12kit_ack_new(&c.ack, NULL) ||
      x12kit_writer_new(&w, to_evbuffer, a->x12, NULL, NULL) ||
      (a->ack && x12kit_writer_new(&w999, to_evbuffer, a->ack, NULL, NULL)))
    goto done;
  x12kit_validator_set_callbacks(c.v, on_event, on_finding, NULL, &c);
  lrc = x12kit_lexer_parse(lx, payload, len, 1, on_segment, &c);
  if (c.nomem)
    goto done;
  if (lrc == X12KIT_OK || lrc == X12KIT_END)
    lrc = x12kit_validator_finish(c.v);
  else
    x12kit_validator_finish(c.v);
  if (c.nomem)
    goto done;
  if (!c.have_isa) {
    a->envelope_error = 1;
    a->outcome = "payload not an interchange";
    rc = 0;
    goto done;
  }
  if (c.ta1_findings || (lrc != X12KIT_OK && lrc != X12KIT_END && !c.have_gs)) {
    a->payload_type = X12KIT_CORE_PT_TA1_RESPONSE;
    a->outcome = "TA1 interchange rejected";
    rc = write_ack(&c, w, 1, next_control(s));
    goto done;
  }
  if (c.findings || (lrc != X12KIT_OK && lrc != X12KIT_END)) {
    a->payload_type = X12KIT_CORE_PT_999_RESPONSE;
    a->outcome = "999 rejected";
    rc = write_ack(&c, w, 0, next_control(s));
    goto done;
  }
  if (a->batch && strcmp(c.f.st, "270") != 0) {
    /* batch takes 270s only here: say so now rather than queue an
       answer of the wrong type */
    a->envelope_error = 1;
    a->outcome = "batch payload not a 270";
    rc = 0;
    goto done;
  }
  if (seen_before(s, &c.isa)) {
    x12kit_error e;
    x12kit_ack_free(c.ack);
    c.ack = NULL;
    memset(&e, 0, sizeof e);
    e.code = X12KIT_ERR_ENVELOPE;
    e.ack_kind = X12KIT_ACK_TA1;
    memcpy(e.ack_code, "025", 4);
    memcpy(e.segment_id, "ISA", 4);
    snprintf(e.text, sizeof e.text, "duplicate interchange control number");
    if (x12kit_ack_new(&c.ack, NULL) ||
        x12kit_ack_event(c.ack, X12KIT_INTERCHANGE_BEGIN, &c.isa) ||
        x12kit_ack_finding(c.ack, &e) || x12kit_ack_event(c.ack, X12KIT_INTERCHANGE_END, &c.isa))
      goto done;
    a->payload_type = X12KIT_CORE_PT_TA1_RESPONSE;
    a->outcome = "TA1 duplicate interchange";
    rc = write_ack(&c, w, 1, next_control(s));
    goto done;
  }
  if (force && strcmp(force, "ack999") == 0) {
    a->payload_type = X12KIT_CORE_PT_999_RESPONSE;
    a->outcome = "999 (fault)";
    rc = write_ack(&c, w, 0, next_control(s));
    goto done;
  }
  if (force && strcmp(force, "ta1") == 0) {
    a->payload_type = X12KIT_CORE_PT_TA1_RESPONSE;
    a->outcome = "TA1 (fault)";
    rc = write_ack(&c, w, 1, next_control(s));
    goto done;
  }
  if (c.f.pt_overflow) {
    /* More patients, inquiries or lines than the simulator keeps: refuse
       the whole payload rather than answer part of it. */
    a->envelope_error = 1;
    a->outcome = "payload exceeds the simulator's limits";
    rc = 0;
    goto done;
  }
  if (strcmp(c.f.st, "270") == 0) {
    a->payload_type = X12KIT_CORE_PT_271_RESPONSE;
    int not_found;
    rc = write_271(s, w, &c, &m, &not_found);
    a->outcome = not_found ? "271 member not found" : "271";
    if (rc == 0 && w999)
      rc = write_ack(&c, w999, 0, next_control(s));
  } else if (strcmp(c.f.st, "278") == 0 && strcmp(c.gs.functional_id, "HI") == 0) {
    a->payload_type = X12KIT_CORE_PT_278_RESPONSE;
    rc = write_278(s, w, &c, &m);
    a->outcome = !m ? "278 member not found" : "278 response";
  } else {
    a->payload_type = X12KIT_CORE_PT_999_RESPONSE;
    a->outcome = "999 accepted";
    rc = write_ack(&c, w, 0, next_control(s));
  }
  if (m && m->fault)
    a->member_fault = m->fault;
done:
  x12kit_writer_free(w);
  x12kit_writer_free(w999);
  x12kit_ack_free(c.ack);
  x12kit_validator_free(c.v);
  x12kit_lexer_free(lx);
  return rc;
}

/* ---- HTTP ---- */

typedef struct pending {
  server *s;
  struct evhttp_request *req;
  struct event *timer;
  int code;
  char content_type[X12KIT_CORE_CONTENT_TYPE_SIZE + 40];
  struct evbuffer *body;
  char payload_id[X12KIT_CORE_UUID_SIZE];
  char payload_type[64];
  const char *outcome;
  char outcome_buf[64];
  struct timespec start;
} pending;

static long elapsed_ms(const struct timespec *t0)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void log_request(const pending *p)
{
  fprintf(stderr, "%s serve: PayloadID=%s PayloadType=%s outcome=\"%s\" status=%d %ldms\n",
          CLI_NAME, p->payload_id[0] ? p->payload_id : "-",
          p->payload_type[0] ? p->payload_type : "-", p->outcome, p->code,
          elapsed_ms(&p->start));
}

static void pending_free(pending *p)
{
  if (p->timer)
    event_free(p->timer);
  if (p->body)
    evbuffer_free(p->body);
  free(p);
}

static void send_now(pending *p)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(p->req);

  if (p->content_type[0])
    evhttp_add_header(h, "Content-Type", p->content_type);
  evhttp_send_reply(p->req, p->code, p->code == 200 ? "OK" : p->code == 400 ? "Bad Request"
                                     : p->code == 405 ? "Method Not Allowed"
                                                      : "Internal Server Error",
                    p->body);
  log_request(p);
}

static void on_close(struct evhttp_connection *conn, void *arg)
{
  pending *p = arg;

  (void)conn;
  p->outcome = "client went away";
  log_request(p);
  pending_free(p);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
  pending *p = arg;

  (void)fd;
  (void)what;
  evhttp_connection_set_closecb(evhttp_request_get_connection(p->req), NULL, NULL);
  send_now(p);
  pending_free(p);
}

/* A printable copy of a PayloadID for the log: a UUID or nothing. */
static void safe_id(char *dst, const char *id)
{
  size_t i;

  dst[0] = '\0';
  if (!id || strlen(id) != 36)
    return;
  for (i = 0; i < 36; i++)
    if (!strchr("0123456789abcdefABCDEF-", id[i]))
      return;
  memcpy(dst, id, 37);
}

static int set_body(pending *p, const x12kit_core_output *o)
{
  snprintf(p->content_type, sizeof p->content_type, "%s", o->content_type);
  return evbuffer_add(p->body, o->data, o->len);
}

/* A SOAP fault body. */
static void fault_body(pending *p, const char *code, const char *reason)
{
  x12kit_core_message f;
  x12kit_core_output o;

  x12kit_core_message_init(&f, X12KIT_CORE_SOAP_FAULT);
  f.fault_code = code;
  f.fault_reason = reason;
  memset(&o, 0, sizeof o);
  if (x12kit_core_build_soap(&f, NULL, &o, NULL) == X12KIT_OK)
    set_body(p, &o);
  x12kit_core_output_free(&o);
}

/* |resp| as MTOM: multipart/related, the SOAP envelope as its root part. */
static int build_mtom(const x12kit_core_message *resp, pending *p)
{
  x12kit_core_output o;
  static const char boundary[] = "x12kitMTOMboundary0f7e";
  int rc;

  memset(&o, 0, sizeof o);
  rc = x12kit_core_build_soap(resp, NULL, &o, NULL);
  if (rc == X12KIT_OK) {
    snprintf(p->content_type, sizeof p->content_type,
             "multipart/related; type=\"application/xop+xml\"; boundary=\"%s\"; "
             "start=\"<root@x12kit>\"; start-info=\"application/soap+xml\"",
             boundary);
    rc = evbuffer_add_printf(p->body,
                             "--%s\r\nContent-Type: application/xop+xml; charset=UTF-8; "
                             "type=\"application/soap+xml\"\r\nContent-Transfer-Encoding: "
                             "binary\r\nContent-ID: <root@x12kit>\r\n\r\n",
                             boundary) < 0 ||
         evbuffer_add(p->body, o.data, o.len) ||
         evbuffer_add_printf(p->body, "\r\n--%s--\r\n", boundary) < 0;
  }
  x12kit_core_output_free(&o);
  return rc ? -1 : 0;
}

static int build_envelope(const x12kit_core_message *resp, int mime, pending *p)
{
  x12kit_core_output o;
  int rc;

  memset(&o, 0, sizeof o);
  rc = mime ? x12kit_core_build_mime(resp, NULL, NULL, &o, NULL)
            : x12kit_core_build_soap(resp, NULL, &o, NULL);
  if (rc == X12KIT_OK)
    rc = set_body(p, &o);
  x12kit_core_output_free(&o);
  return rc ? -1 : 0;
}

static const stored *find_answer(const server *s, const char *id)
{
  size_t slot = ring_find(&s->answer_ids, id);

  return slot == RING_NONE ? NULL : &s->answers[slot];
}

static void stored_clear(stored *a)
{
  free(a->content_type);
  free(a->body);
  memset(a, 0, sizeof *a);
}

/* Keeps the answer in |p| for |id|; the oldest kept answer goes when all slots are used. */
static void store_answer(server *s, const char *id, const pending *p)
{
  size_t len = evbuffer_get_length(p->body), slot;
  char *ct = strdup(p->content_type), *body = malloc(len ? len : 1);

  if (!ct || !body) {
    free(ct);
    free(body);
    return;
  }
  stored_clear(&s->answers[s->answer_ids.next]);
  slot = ring_add(&s->answer_ids, id);
  if (slot == RING_NONE) {
    free(ct);
    free(body);
    return;
  }
  evbuffer_copyout(p->body, body, len);
  s->answers[slot].content_type = ct;
  s->answers[slot].body = body;
  s->answers[slot].len = len;
}

/* ---- batch ---- */

static batch_box *find_box(server *s, const char *sender)
{
  batch_box *b;

  for (b = s->boxes; b; b = b->next)
    if (strcmp(b->sender, sender) == 0)
      return b;
  return NULL;
}

/* Whether |sender| may leave two more items (an acknowledgment and results). */
static int box_has_room(server *s, const char *sender)
{
  const batch_box *b = find_box(s, sender);

  if (!b)
    return s->n_boxes < BATCH_MAX_SENDERS;
  return b->items + 2 <= BATCH_MAX_ITEMS && b->bytes < BATCH_MAX_BYTES;
}

static void box_free(batch_box *b)
{
  batch_queue *q[2] = { &b->acks, &b->results };
  size_t i;

  for (i = 0; i < 2; i++) {
    while (q[i]->head) {
      batch_item *nx = q[i]->head->next;
      free(q[i]->head->x12);
      free(q[i]->head);
      q[i]->head = nx;
    }
  }
  free(b->sender);
  free(b);
}

static batch_item *item_new(const char *payload_type, struct evbuffer *buf)
{
  batch_item *it = calloc(1, sizeof *it);
  size_t len = evbuffer_get_length(buf);

  if (!it || !(it->x12 = malloc(len + 1))) {
    free(it);
    return NULL;
  }
  evbuffer_copyout(buf, it->x12, len);
  it->x12[len] = '\0';
  it->len = len;
  it->payload_type = payload_type;
  return it;
}

static void queue_put(batch_box *b, batch_queue *q, batch_item *it)
{
  if (q->tail)
    q->tail->next = it;
  else
    q->head = it;
  q->tail = it;
  b->items++;
  b->bytes += it->len;
}

/*
 * Leaves, for |sender|, an acknowledgment (|ack|, of |ack_type|) and,
 * when |results| is not NULL, the results of the same submission: both
 * or neither.  Returns -1 when out of memory.
 */
static int box_add(server *s, const char *sender, const char *ack_type, struct evbuffer *ack,
                   const char *results_type, struct evbuffer *results)
{
  batch_box *b = find_box(s, sender);
  batch_item *ai = item_new(ack_type, ack), *ri = results ? item_new(results_type, results) : NULL;
  batch_box *fresh = NULL;

  if (!b) {
    fresh = calloc(1, sizeof *fresh);
    if (fresh && !(fresh->sender = strdup(sender))) {
      free(fresh);
      fresh = NULL;
    }
  }
  if (!ai || (results && !ri) || (!b && !fresh)) {
    if (ai)
      free(ai->x12);
    if (ri)
      free(ri->x12);
    free(ai);
    free(ri);
    if (fresh)
      box_free(fresh);
    return -1;
  }
  if (!b) {
    b = fresh;
    b->next = s->boxes;
    s->boxes = b;
    s->n_boxes++;
  }
  queue_put(b, &b->acks, ai);
  if (ri)
    queue_put(b, &b->results, ri);
  return 0;
}

/* The oldest item of |sender|'s queue, left in place, or NULL. */
static const batch_item *box_peek(server *s, const char *sender, int results)
{
  batch_box *b = find_box(s, sender);

  if (!b)
    return NULL;
  return results ? b->results.head : b->acks.head;
}

/* Removes the oldest item of |sender|'s queue, and the sender's box once empty. */
static void box_pop(server *s, const char *sender, int results)
{
  batch_box *b = find_box(s, sender), **pp;
  batch_queue *q;
  batch_item *it;

  if (!b)
    return;
  q = results ? &b->results : &b->acks;
  it = q->head;
  if (!it)
    return;
  q->head = it->next;
  if (!q->head)
    q->tail = NULL;
  b->items--;
  b->bytes -= it->len;
  free(it->x12);
  free(it);
  if (b->items)
    return;
  for (pp = &s->boxes; *pp != b; pp = &(*pp)->next)
    ;
  *pp = b->next;
  s->n_boxes--;
  box_free(b);
}

static int credentials_ok(const server *s, const x12kit_core_message *m)
{
  size_t ul, pl;

  if (!s->user)
    return 1;
  if (!m->username || !m->password)
    return 0;
  ul = strlen(s->user);
  pl = strlen(s->password);
  return strlen(m->username) == ul && strlen(m->password) == pl &&
         CRYPTO_memcmp(m->username, s->user, ul) == 0 &&
         CRYPTO_memcmp(m->password, s->password, pl) == 0;
}

/* The batch PayloadTypes this simulator takes, by envelope kind. */
static int batch_type_ok(const x12kit_core_message *m)
{
  switch (m->kind) {
  case X12KIT_CORE_BATCH_SUBMISSION:
    return strcmp(m->payload_type, X12KIT_CORE_PT_270_REQUEST) == 0;
  case X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST:
    return strcmp(m->payload_type, "X12_005010_Request_Batch_Results_271") == 0;
  default:
    return 1;
  }
}

/* An error answer; |code_text| and |message| replace the ErrorCode's own when given. */
static void error_answer(const x12kit_core_message *m, x12kit_core_code code,
                         const char *code_text, const char *message, const char *ts, int mime,
                         pending *p)
{
  x12kit_core_message resp;

  x12kit_core_error_response_init(&resp, m, code, ts);
  if (code_text)
    resp.error_code = code_text;
  if (message)
    resp.error_message = message;
  if (build_envelope(&resp, mime, p)) {
    p->code = 500;
    p->outcome = "cannot build the answer";
  }
}

/* Builds the answer |resp| as the fault asks (MTOM, another PayloadID) or plainly. */
static int build_answer(x12kit_core_message *resp, int mime, const char *fault, pending *p)
{
  char fresh[X12KIT_CORE_UUID_SIZE];

  if (fault && strcmp(fault, "wrong-payload-id") == 0 &&
      x12kit_core_new_payload_id(fresh, sizeof fresh) == X12KIT_OK)
    resp->payload_id = fresh;
  if (fault && strcmp(fault, "mtom") == 0 ? build_mtom(resp, p)
                                           : build_envelope(resp, mime, p)) {
    p->code = 500;
    p->outcome = "cannot build the answer";
    return -1;
  }
  return 0;
}

/*
 * A real-time request or a batch submission: the X12 is read and
 * answered now.  Real time carries the answer back; batch answers with
 * a receipt and leaves the acknowledgment and results for retrieval.
 */
static void answer_x12(server *s, const x12kit_core_message *m, const char *ts, int mime,
                       pending *p, const char **fault)
{
  int batch = m->kind == X12KIT_CORE_BATCH_SUBMISSION;
  const char *force =
    *fault && (strcmp(*fault, "ack999") == 0 || strcmp(*fault, "ta1") == 0) ? *fault : NULL;
  x12kit_core_message resp;
  answer a;

  memset(&a, 0, sizeof a);
  a.batch = batch;
  if (batch && !box_has_room(s, m->sender_id)) {
    /* No CORE ErrorCode says "full"; Receiver is the code CORE servers
       use for a failure on their side. */
    error_answer(m, X12KIT_CORE_PAYLOAD_ILLEGAL, "Receiver",
                 "Too many batch items wait for this sender; retrieve them before submitting "
                 "more.", ts, mime, p);
    if (p->code == 200)
      p->outcome = "batch refused: sender's items at the limit";
    return;
  }
  a.x12 = evbuffer_new();
  if (batch)
    a.ack = evbuffer_new();
  if (!a.x12 || (batch && !a.ack) || process_x12(s, m->payload, m->payload_len, force, &a)) {
    p->code = 500;
    p->outcome = "out of memory";
    goto done;
  }
  if (a.member_fault && !*fault)
    *fault = a.member_fault;
  if (a.envelope_error) {
    error_answer(m, X12KIT_CORE_PAYLOAD_ILLEGAL, NULL, NULL, ts, mime, p);
    if (p->code == 200)
      p->outcome = a.outcome;
    goto done;
  }
  x12kit_core_response_init(&resp, m, ts);
  p->outcome = a.outcome;
  if (!batch) {
    resp.payload_type = a.payload_type;
    resp.payload = (const char *)evbuffer_pullup(a.x12, -1);
    resp.payload_len = evbuffer_get_length(a.x12);
    if (build_answer(&resp, mime, *fault, p) == 0)
      store_answer(s, m->payload_id, p);
    goto done;
  }
  /* the receipt: no payload and no 999, which batch must not return here */
  resp.payload_type = m->payload_type;
  resp.error_message = "Batch received; its acknowledgment and results wait for retrieval.";
  if (build_answer(&resp, mime, *fault, p))
    goto done;
  if (strcmp(a.payload_type, X12KIT_CORE_PT_271_RESPONSE) == 0
        ? box_add(s, m->sender_id, X12KIT_CORE_PT_999_RESPONSE, a.ack, a.payload_type, a.x12)
        : box_add(s, m->sender_id, a.payload_type, a.x12, NULL, NULL)) {
    p->code = 500;
    p->outcome = "out of memory";
    p->content_type[0] = '\0';
    evbuffer_drain(p->body, evbuffer_get_length(p->body));
    goto done;
  }
  snprintf(p->outcome_buf, sizeof p->outcome_buf, "batch received, %s", a.outcome);
  p->outcome = p->outcome_buf;
  store_answer(s, m->payload_id, p);
done:
  if (a.x12)
    evbuffer_free(a.x12);
  if (a.ack)
    evbuffer_free(a.ack);
}

/*
 * A batch retrieval: the oldest acknowledgment or results waiting for
 * the sender.  The item leaves the queue only once its answer is built
 * and stored under the request's PayloadID, so a client that repeats a
 * retrieval whose outcome it never learned gets the same item again.
 */
static void answer_retrieval(server *s, const x12kit_core_message *m, const char *ts, int mime,
                             pending *p, const char *fault)
{
  int results = m->kind == X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST;
  const batch_item *it = box_peek(s, m->sender_id, results);
  x12kit_core_message resp;

  x12kit_core_response_init(&resp, m, ts);
  if (!it) {
    resp.payload_type = results ? X12KIT_CORE_PT_271_RESPONSE : X12KIT_CORE_PT_999_RESPONSE;
    resp.error_message = results ? "No batch results are waiting for this sender."
                                 : "No acknowledgment is waiting for this sender.";
    p->outcome = results ? "no results waiting" : "no acknowledgment waiting";
  } else {
    resp.payload_type = it->payload_type;
    resp.payload = it->x12;
    resp.payload_len = it->len;
    p->outcome = results ? "batch results retrieved" : "acknowledgment retrieved";
  }
  if (build_answer(&resp, mime, fault, p))
    return;
  store_answer(s, m->payload_id, p);
  if (it)
    box_pop(s, m->sender_id, results);
}

/* Fills |p| with the answer to a request body. */
static void handle(server *s, struct evhttp_request *req, pending *p, const char **fault)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  const char *ctype = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
  size_t len = evbuffer_get_length(in);
  char *body = malloc(len + 1), ts[X12KIT_CORE_TIMESTAMP_SIZE];
  x12kit_core_message m, resp;
  x12kit_core_code code = X12KIT_CORE_SUCCESS;
  int mime = ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0;
  const stored *old;

  x12kit_core_message_init(&m, X12KIT_CORE_REALTIME_REQUEST);
  p->code = 200;
  if (!body) {
    p->code = 500;
    p->outcome = "out of memory";
    return;
  }
  evbuffer_copyout(in, body, len);
  body[len] = '\0';
  if (x12kit_core_parse(ctype, body, len, NULL, &m, NULL) != X12KIT_OK ||
      !x12kit_core_kind_is_request(m.kind)) {
    p->code = 400;
    p->outcome = "not a CORE request";
    fault_body(p, "Sender", "The request is not a CORE envelope this server reads.");
    goto done;
  }
  safe_id(p->payload_id, m.payload_id);
  /* logged only when it is a type this module knows: it is the sender's text */
  if (m.payload_type && (x12kit_core_payload_type_transaction(m.payload_type) ||
                         m.kind == X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST ||
                         m.kind == X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST) &&
      strlen(m.payload_type) < sizeof p->payload_type && strspn(m.payload_type,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
        strlen(m.payload_type))
    snprintf(p->payload_type, sizeof p->payload_type, "%s", m.payload_type);
  else if (m.payload_type)
    snprintf(p->payload_type, sizeof p->payload_type, "%s", "unknown");
  x12kit_core_timestamp(ts, sizeof ts, time(NULL));
  if (m.kind == X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION) {
    /* results acknowledgments are not taken: the simulator keeps no
       state that they would change */
    code = X12KIT_CORE_PROCESSING_MODE_ILLEGAL;
  } else if (s->user && !credentials_ok(s, &m)) {
    code = X12KIT_CORE_UNAUTHORIZED;
  } else {
    x12kit_core_validate(&m, s->user ? X12KIT_CORE_VALIDATE_CREDENTIALS : 0, &code, NULL);
    if (code == X12KIT_CORE_SUCCESS && !batch_type_ok(&m))
      code = X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL;
  }
  if (code != X12KIT_CORE_SUCCESS) {
    x12kit_core_error_response_init(&resp, &m, code, ts);
    p->outcome = x12kit_core_code_name(code);
    if (build_envelope(&resp, mime, p)) {
      p->code = 500;
      p->outcome = "cannot build the answer";
    }
    goto done;
  }
  old = find_answer(s, m.payload_id);
  if (old) {
    snprintf(p->content_type, sizeof p->content_type, "%s", old->content_type);
    evbuffer_add(p->body, old->body, old->len);
    p->outcome = "duplicate PayloadID, stored answer";
    *fault = NULL;
    goto done;
  }
  if (m.kind == X12KIT_CORE_REALTIME_REQUEST || m.kind == X12KIT_CORE_BATCH_SUBMISSION)
    answer_x12(s, &m, ts, mime, p, fault);
  else
    answer_retrieval(s, &m, ts, mime, p, *fault);
done:
  x12kit_core_message_clear(&m);
  free(body);
}

static void on_request(struct evhttp_request *req, void *arg)
{
  server *s = arg;
  pending *p = calloc(1, sizeof *p);
  const char *fault = s->fault;
  long delay = 0;

  if (!p || !(p->body = evbuffer_new())) {
    free(p);
    evhttp_send_error(req, 500, NULL);
    return;
  }
  p->s = s;
  p->req = req;
  clock_gettime(CLOCK_MONOTONIC, &p->start);
  if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
    p->code = 405;
    p->outcome = "not a POST";
  } else {
    handle(s, req, p, &fault);
  }
  if (fault && p->code == 200) {
    if (strncmp(fault, "delay=", 6) == 0) {
      delay = strtol(fault + 6, NULL, 10);
    } else if (strcmp(fault, "drop") == 0) {
      struct bufferevent *bev =
        evhttp_connection_get_bufferevent(evhttp_request_get_connection(req));
      p->outcome = "dropped (fault)";
      log_request(p);
      shutdown(bufferevent_getfd(bev), SHUT_RDWR);
      pending_free(p);
      return;
    } else if (strcmp(fault, "http500") == 0) {
      p->code = 500;
      p->content_type[0] = '\0';
      evbuffer_drain(p->body, evbuffer_get_length(p->body));
      p->outcome = "HTTP 500 (fault)";
    } else if (strcmp(fault, "soapfault") == 0) {
      p->code = 500;
      evbuffer_drain(p->body, evbuffer_get_length(p->body));
      fault_body(p, "Receiver", "The server could not process the request.");
      p->outcome = "SOAP fault (fault)";
    }
  }
  if (delay > 0) {
    struct timeval tv;
    tv.tv_sec = delay / 1000;
    tv.tv_usec = (delay % 1000) * 1000;
    p->timer = evtimer_new(s->base, on_timer, p);
    if (p->timer && evtimer_add(p->timer, &tv) == 0) {
      evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_close, p);
      return;
    }
  }
  send_now(p);
  pending_free(p);
}

static struct bufferevent *on_bev(struct event_base *base, void *arg)
{
  server *s = arg;
  SSL *ssl = SSL_new(s->ssl);

  if (!ssl)
    return NULL;
  return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                        BEV_OPT_CLOSE_ON_FREE);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
  (void)sig;
  (void)what;
  event_base_loopexit(arg, NULL);
}

/* ---- set-up ---- */

static int read_credentials(const char *path, server *s)
{
  FILE *fp = fopen(path, "r");
  struct stat st;
  char line[512];

  if (!fp) {
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, path, strerror(errno));
    return CLI_IO;
  }
  if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077)) {
    fprintf(stderr, "%s: %s: readable by others; make it mode 0600\n", CLI_NAME, path);
    fclose(fp);
    return CLI_USAGE;
  }
  while (fgets(line, sizeof line, fp)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (strncmp(line, "username=", 9) == 0) {
      free(s->user);
      s->user = strdup(line + 9);
    } else if (strncmp(line, "password=", 9) == 0) {
      free(s->password);
      s->password = strdup(line + 9);
    }
  }
  OPENSSL_cleanse(line, sizeof line);
  fclose(fp);
  if (!s->user || !s->password || !s->user[0]) {
    fprintf(stderr, "%s: %s: needs username= and password= lines\n", CLI_NAME, path);
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int valid_fault(const char *f)
{
  static const char *const names[] = { "drop", "http500", "soapfault", "mtom",
                                       "wrong-payload-id", "ack999", "ta1" };
  size_t i;
  char *end;

  if (strncmp(f, "delay=", 6) == 0) {
    long ms = strtol(f + 6, &end, 10);
    return end != f + 6 && !*end && ms >= 0 && ms <= 600000;
  }
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(f, names[i]) == 0)
      return 1;
  return 0;
}

static SSL_CTX *make_ssl(const char *cert, const char *key, const char *ca)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

  if (!ctx)
    return NULL;
  if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
      SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    fprintf(stderr, "%s: cannot use the certificate or key\n", CLI_NAME);
    SSL_CTX_free(ctx);
    return NULL;
  }
  if (ca) {
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
    if (!names || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
      fprintf(stderr, "%s: %s: cannot read the client CA certificates\n", CLI_NAME, ca);
      if (names)
        sk_X509_NAME_pop_free(names, X509_NAME_free);
      SSL_CTX_free(ctx);
      return NULL;
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  }
  return ctx;
}

enum {
  OPT_LISTEN = 256,
  OPT_CERT,
  OPT_KEY,
  OPT_CLIENT_CA,
  OPT_CREDENTIALS,
  OPT_RULES,
  OPT_SCHEMAS,
  OPT_PORT_FILE,
  OPT_FAULT,
  OPT_HELP
};

int cmd_serve(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "cert", required_argument, NULL, OPT_CERT },
    { "key", required_argument, NULL, OPT_KEY },
    { "client-ca", required_argument, NULL, OPT_CLIENT_CA },
    { "credentials", required_argument, NULL, OPT_CREDENTIALS },
    { "rules", required_argument, NULL, OPT_RULES },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { "port-file", required_argument, NULL, OPT_PORT_FILE },
    { "fault", required_argument, NULL, OPT_FAULT },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 }
  };
  const char *listen_at = "127.0.0.1:0", *cert = NULL, *key = NULL, *ca = NULL;
  const char *creds = NULL, *rules = NULL, *schemas = NULL, *port_file = NULL;
  char host[256], msg[256];
  const char *colon;
  unsigned long port;
  char *end;
  server s;
  struct evhttp *http = NULL;
  struct evhttp_bound_socket *bound;
  struct event *sigterm = NULL, *sigint = NULL;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int opt, status = CLI_INTERNAL;

  memset(&s, 0, sizeof s);
  s.control = 1;
  s.cert = 1;
  s.review = 1;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_LISTEN: listen_at = optarg; break;
    case OPT_CERT: cert = optarg; break;
    case OPT_KEY: key = optarg; break;
    case OPT_CLIENT_CA: ca = optarg; break;
    case OPT_CREDENTIALS: creds = optarg; break;
    case OPT_RULES: rules = optarg; break;
    case OPT_SCHEMAS: schemas = optarg; break;
    case OPT_PORT_FILE: port_file = optarg; break;
    case OPT_FAULT:
      if (!valid_fault(optarg))
        return cli_usage_error(serve_usage, "unknown --fault");
      s.fault = optarg;
      break;
    case OPT_HELP:
      printf("%s\n\n%s\n%s", serve_usage, serve_help, cli_exit_help);
      return CLI_OK;
    default:
      return cli_usage_error(serve_usage, "unknown option or missing argument");
    }
  }
  if (optind != argc)
    return cli_usage_error(serve_usage, "unexpected operand");
  if (!cert || !key || !rules)
    return cli_usage_error(serve_usage, "--cert, --key and --rules are required");
  colon = strrchr(listen_at, ':');
  if (!colon || colon == listen_at || (size_t)(colon - listen_at) >= sizeof host)
    return cli_usage_error(serve_usage, "--listen takes HOST:PORT");
  port = strtoul(colon + 1, &end, 10);
  if (*end || end == colon + 1 || port > 65535)
    return cli_usage_error(serve_usage, "--listen takes HOST:PORT");
  memcpy(host, listen_at, (size_t)(colon - listen_at));
  host[colon - listen_at] = '\0';

  if (ring_init(&s.answer_ids, MAX_STORED) || ring_init(&s.isas, MAX_ISAS) ||
      !(s.answers = calloc(MAX_STORED, sizeof *s.answers))) {
    fprintf(stderr, "%s: out of memory\n", CLI_NAME);
    ring_free(&s.answer_ids);
    ring_free(&s.isas);
    free(s.answers);
    return CLI_INTERNAL;
  }
  if (serve_rules_load(rules, &s.rules, msg, sizeof msg)) {
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, rules, msg);
    status = CLI_INVALID;
    goto done;
  }
  if (creds && (status = read_credentials(creds, &s)) != CLI_OK)
    goto done;
  status = cli_load_schema(schemas, &s.schema);
  if (status)
    goto done;
  status = CLI_INTERNAL;
  s.ssl = make_ssl(cert, key, ca);
  if (!s.ssl)
    goto done;
  signal(SIGPIPE, SIG_IGN);
  s.base = event_base_new();
  http = s.base ? evhttp_new(s.base) : NULL;
  if (!http)
    goto done;
  evhttp_set_bevcb(http, on_bev, &s);
  evhttp_set_gencb(http, on_request, &s);
  evhttp_set_max_body_size(http, X12KIT_CORE_MAX_SIZE_DEFAULT);
  evhttp_set_timeout(http, 30);
  bound = evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
  if (!bound || getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl)) {
    fprintf(stderr, "%s: cannot listen on %s\n", CLI_NAME, listen_at);
    status = CLI_IO;
    goto done;
  }
  {
    /* Accepted sockets inherit TCP_NODELAY from the listener (Linux and
       the BSDs).  Without it Nagle holds the body of an answer until the
       client acknowledges its headers, and a client that delays its ACKs
       waits about 40 ms for every answer on a kept-alive connection. */
    int one = 1;
    setsockopt(evhttp_bound_socket_get_fd(bound), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                        : ((struct sockaddr_in *)&ss)->sin_port);
  printf("listening on %s:%lu\n", host, port);
  fflush(stdout);
  if (port_file) {
    FILE *fp = fopen(port_file, "w");
    if (!fp || fprintf(fp, "%lu\n", port) < 0 || fclose(fp)) {
      fprintf(stderr, "%s: %s: cannot write the port\n", CLI_NAME, port_file);
      status = CLI_IO;
      goto done;
    }
  }
  sigterm = evsignal_new(s.base, SIGTERM, on_signal, s.base);
  sigint = evsignal_new(s.base, SIGINT, on_signal, s.base);
  if (!sigterm || !sigint || evsignal_add(sigterm, NULL) || evsignal_add(sigint, NULL))
    goto done;
  event_base_dispatch(s.base);
  fprintf(stderr, "%s serve: stopped\n", CLI_NAME);
  status = CLI_OK;
done:
  if (sigterm)
    event_free(sigterm);
  if (sigint)
    event_free(sigint);
  if (http)
    evhttp_free(http);
  if (s.base)
    event_base_free(s.base);
  if (s.ssl)
    SSL_CTX_free(s.ssl);
  if (s.answers) {
    size_t i;
    for (i = 0; i < MAX_STORED; i++)
      stored_clear(&s.answers[i]);
    free(s.answers);
  }
  ring_free(&s.answer_ids);
  ring_free(&s.isas);
  while (s.boxes) {
    batch_box *nx = s.boxes->next;
    box_free(s.boxes);
    s.boxes = nx;
  }
  if (s.password)
    OPENSSL_cleanse(s.password, strlen(s.password));
  free(s.user);
  free(s.password);
  x12kit_schema_free(s.schema);
  serve_rules_free(s.rules);
  return status;
}
