/*
 * x12kit tests - the prior-authorization tracker: 278 requests and
 * responses in an SQLite database, matched by reference, trace and
 * certification number; history, duplicates, unmatched responses,
 * concurrent writers, file mode, layout version and errors.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"

#define REQ_INFUSIONS "valid/278-request-infusions.x12"
#define RESP_CERTIFIED "valid/278-response-certified.x12"
#define REQ_ESKETAMINE "guide/278-request-esketamine.x12"
#define RESP_LMH_PENDED "guide/278-response-pended.x12"
#define RESP_DENIED "guide/278-response-denied.x12"
#define RESP_AAA "guide/278-response-aaa.x12"

static x12kit_schema *schema;
static char tmpdir[256];
static unsigned dbcount;

static int setup(void **state)
{
  const char *base = getenv("TMPDIR");

  (void)state;
  schema = tu_load_schema();
  snprintf(tmpdir, sizeof tmpdir, "%s/x12kit-tracker-XXXXXX", base && *base ? base : "/tmp");
  if (mkdtemp(tmpdir) == NULL)
    return -1;
  return schema ? 0 : -1;
}

/* The scratch directory holds only files: the databases and their -wal and -shm. */
static int teardown(void **state)
{
  DIR *d = opendir(tmpdir);
  struct dirent *e;
  char path[600];

  (void)state;
  x12kit_schema_free(schema);
  if (d == NULL)
    return -1;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
    unlink(path);
  }
  closedir(d);
  return rmdir(tmpdir) == 0 ? 0 : -1;
}

/* A new database path in the scratch directory (static buffer). */
static const char *new_db(void)
{
  static char path[400];

  snprintf(path, sizeof path, "%s/auth-%u.db", tmpdir, ++dbcount);
  return path;
}

static x12kit_tracker *open_db(const char *path)
{
  x12kit_tracker *t = NULL;
  x12kit_error err;
  int rc = x12kit_tracker_open(&t, path, 0, NULL, &err);

  if (rc != X12KIT_OK)
    fail_msg("open: %s", err.text);
  return t;
}

/* Records a buffer; returns the status, with the outcomes in *res when asked. */
static int record_buf(x12kit_tracker *t, const char *buf, size_t len, int64_t now,
                      x12kit_tracker_result **res, x12kit_error *err)
{
  return x12kit_tracker_record(t, schema, buf, len, now, res, err);
}

/* Records a fixture that must go in; returns a copy of its first outcome. */
static x12kit_tracked_outcome record_ok(x12kit_tracker *t, const char *rel, int64_t now)
{
  x12kit_tracker_result *res = NULL;
  x12kit_tracked_outcome o;
  x12kit_error err;
  size_t len;
  char *buf = tu_read_fixture(rel, &len);
  int rc = record_buf(t, buf, len, now, &res, &err);

  free(buf);
  if (rc != X12KIT_OK)
    fail_msg("record %s: %d %s", rel, rc, err.text);
  assert_int_equal(x12kit_tracker_result_count(res), 1);
  o = *x12kit_tracker_result_at(res, 0);
  assert_null(x12kit_tracker_result_at(res, 1));
  x12kit_tracker_result_free(res);
  return o;
}

/* A fixture with every |from| replaced by |to| (malloc'd). */
static char *replaced(const char *src, const char *from, const char *to)
{
  size_t nf = strlen(from), nt = strlen(to), n = 0;
  const char *p;
  char *out, *o;

  for (p = strstr(src, from); p; p = strstr(p + nf, from))
    n++;
  out = malloc(strlen(src) + n * (nt > nf ? nt - nf : 0) + 1);
  assert_non_null(out);
  for (o = out; (p = strstr(src, from)) != NULL; src = p + nf) {
    memcpy(o, src, (size_t)(p - src));
    o += p - src;
    memcpy(o, to, nt);
    o += nt;
  }
  strcpy(o, src);
  return out;
}

/* Replaces in place (frees the old buffer). */
static char *subst(char *buf, const char *from, const char *to)
{
  char *r = replaced(buf, from, to);

  assert_non_null(strstr(buf, from));
  free(buf);
  return r;
}

/* Sets SE01 of the single transaction in |buf| to its real segment count. */
static char *fix_se(char *buf)
{
  char *st = strstr(buf, "~ST*"), *se = strstr(buf, "~SE*"), *p, *end, num[16];
  unsigned long n = 1;

  assert_non_null(st);
  assert_non_null(se);
  for (p = st + 1; p < se + 1; p++)
    n += *p == '~';
  end = strchr(se + 4, '*');
  assert_non_null(end);
  snprintf(num, sizeof num, "%lu", n);
  {
    size_t head = (size_t)(se + 4 - buf), tail = strlen(end);
    char *out = malloc(head + strlen(num) + tail + 1);
    assert_non_null(out);
    memcpy(out, buf, head);
    strcpy(out + head, num);
    strcpy(out + head + strlen(num), end);
    free(buf);
    return out;
  }
}

/* ---- reading the list back ---- */

#define MAX_REQ 64
#define MAX_SVC 8

typedef struct svc {
  char procedure[49], requested[16], approved[16], action[3], from[9], to[9];
} svc;

typedef struct req {
  int64_t id, submitted_at, updated_at, latest;
  char reference[51], payer[81], npi[81], trace[51], created[17];
  char requested_from[9], requested_to[9], qty_qual[3], qty[16];
  int state;
  char action[3], cert[51], reason[31], approved_from[9], approved_to[9], approved_qty[16];
  unsigned long responses;
  size_t nsvc;
  svc svcs[MAX_SVC];
  size_t nrej;
  char rej_loop[8], rej_reason[3], rej_action[2];
} req;

typedef struct reqs {
  req v[MAX_REQ];
  size_t n;
  int stop_after;
} reqs;

#define CP(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static int on_request(void *ud, const x12kit_tracked_request *r)
{
  reqs *rs = ud;
  req *q;
  size_t i;

  assert_true(rs->n < MAX_REQ);
  q = &rs->v[rs->n++];
  memset(q, 0, sizeof *q);
  q->id = r->id;
  q->submitted_at = r->submitted_at;
  q->updated_at = r->updated_at;
  q->latest = r->latest_response;
  CP(q->reference, r->reference);
  CP(q->payer, r->payer_id);
  CP(q->npi, r->npi);
  CP(q->trace, r->trace);
  CP(q->created, r->created);
  CP(q->requested_from, r->requested_from);
  CP(q->requested_to, r->requested_to);
  CP(q->qty_qual, r->quantity_qualifier);
  CP(q->qty, r->requested_quantity);
  q->state = r->state;
  CP(q->action, r->action);
  CP(q->cert, r->certification);
  CP(q->reason, r->reason);
  CP(q->approved_from, r->approved_from);
  CP(q->approved_to, r->approved_to);
  CP(q->approved_qty, r->approved_quantity);
  q->responses = r->responses;
  q->nsvc = r->nservices;
  assert_true(q->nsvc <= MAX_SVC);
  for (i = 0; i < r->nservices; i++) {
    CP(q->svcs[i].procedure, r->services[i].procedure);
    CP(q->svcs[i].requested, r->services[i].requested_units);
    CP(q->svcs[i].approved, r->services[i].approved_units);
    CP(q->svcs[i].action, r->services[i].action);
    CP(q->svcs[i].from, r->services[i].from);
    CP(q->svcs[i].to, r->services[i].to);
  }
  q->nrej = r->nrejections;
  if (r->nrejections) {
    CP(q->rej_loop, r->rejections[0].loop);
    CP(q->rej_reason, r->rejections[0].reason);
    CP(q->rej_action, r->rejections[0].action);
  }
  return rs->stop_after && (int)rs->n >= rs->stop_after;
}

static void list(x12kit_tracker *t, const char *reference, int state, reqs *out)
{
  x12kit_tracker_filter f;
  x12kit_error err;
  int rc;

  memset(out, 0, sizeof *out);
  f.reference = reference;
  f.state = state;
  rc = x12kit_tracker_list(t, &f, on_request, out, &err);
  if (rc != X12KIT_OK)
    fail_msg("list: %s", err.text);
}

/* The one request with |reference|. */
static req *one(x12kit_tracker *t, const char *reference)
{
  static reqs rs;

  list(t, reference, 0, &rs);
  assert_int_equal(rs.n, 1);
  return &rs.v[0];
}

typedef struct resp {
  int64_t id, request_id, recorded_at;
  int match, state;
  char reference[51], action[3], cert[51], created[17], type_code[3];
  size_t nrej;
} resp;

typedef struct resps {
  resp v[MAX_REQ];
  size_t n;
} resps;

static int on_response(void *ud, const x12kit_tracked_response *r)
{
  resps *rs = ud;
  resp *p;

  assert_true(rs->n < MAX_REQ);
  p = &rs->v[rs->n++];
  p->id = r->id;
  p->request_id = r->request_id;
  p->recorded_at = r->recorded_at;
  p->match = r->match;
  p->state = r->state;
  CP(p->reference, r->reference);
  CP(p->action, r->action);
  CP(p->cert, r->certification);
  CP(p->created, r->created);
  CP(p->type_code, r->type_code);
  p->nrej = r->nrejections;
  return 0;
}

static void history(x12kit_tracker *t, int64_t id, resps *out)
{
  x12kit_error err;

  memset(out, 0, sizeof *out);
  if (x12kit_tracker_history(t, id, on_response, out, &err) != X12KIT_OK)
    fail_msg("history: %s", err.text);
}

static void unmatched(x12kit_tracker *t, const char *reference, resps *out)
{
  x12kit_error err;

  memset(out, 0, sizeof *out);
  if (x12kit_tracker_unmatched(t, reference, on_response, out, &err) != X12KIT_OK)
    fail_msg("unmatched: %s", err.text);
}

/* Non-zero when |needle| occurs in the file at |path| (and its -wal). */
static int file_contains(const char *path, const char *needle)
{
  char p2[512];
  const char *paths[2];
  size_t i, k;

  snprintf(p2, sizeof p2, "%s-wal", path);
  paths[0] = path;
  paths[1] = p2;
  for (k = 0; k < 2; k++) {
    FILE *f = fopen(paths[k], "rb");
    char *buf;
    long n;
    if (f == NULL)
      continue;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    for (i = 0; i + strlen(needle) <= (size_t)n; i++)
      if (memcmp(buf + i, needle, strlen(needle)) == 0) {
        free(buf);
        return 1;
      }
    free(buf);
  }
  return 0;
}

/* ---- tests ---- */

static void test_states_and_names(void **state)
{
  int s;

  (void)state;
  for (s = 1; s <= X12KIT_AUTH_STATE_MAX; s++) {
    assert_true(*x12kit_auth_state_text(s));
    assert_int_equal(x12kit_auth_state_from_name(x12kit_auth_state_name(s)), s);
  }
  assert_string_equal(x12kit_auth_state_text(X12KIT_AUTH_PARTIAL), "partially certified");
  assert_string_equal(x12kit_auth_state_name(X12KIT_AUTH_NOT_CERTIFIED), "not-certified");
  assert_string_equal(x12kit_auth_state_text(0), "");
  assert_string_equal(x12kit_auth_state_name(X12KIT_AUTH_STATE_MAX + 1), "");
  assert_int_equal(x12kit_auth_state_from_name("approved"), 0);
  assert_int_equal(x12kit_auth_state_from_name(NULL), 0);
  assert_int_equal(x12kit_auth_action_state("A4"), X12KIT_AUTH_PENDED);
  assert_int_equal(x12kit_auth_action_state("CT"), X12KIT_AUTH_CONTACT_PAYER);
  assert_int_equal(x12kit_auth_action_state("A5"), 0);
  assert_int_equal(x12kit_auth_action_state(""), 0);
  assert_int_equal(x12kit_auth_action_state(NULL), 0);
  assert_string_equal(x12kit_auth_match_name(X12KIT_MATCH_TRACE), "trace");
  assert_string_equal(x12kit_auth_match_name(X12KIT_MATCH_NONE), "");
}

/* Request, then pended, then certified: each response found by BHT03. */
static void test_match_by_reference(void **state)
{
  const char *path = new_db();
  x12kit_tracker *t = open_db(path);
  x12kit_tracked_outcome o;
  resps h;
  req *r;

  (void)state;
  o = record_ok(t, REQ_INFUSIONS, 1000);
  assert_false(o.is_response);
  assert_false(o.duplicate);
  assert_string_equal(o.reference, "NWI278-0001");
  assert_string_equal(o.control, "0001");
  assert_int_equal(o.transaction, 1);
  assert_int_equal(o.state, X12KIT_AUTH_SUBMITTED);
  assert_int_equal(o.adopted, 0);

  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_SUBMITTED);
  assert_int_equal(r->responses, 0);
  assert_int_equal(r->latest, 0);
  assert_string_equal(r->payer, "CVHP01");
  assert_string_equal(r->npi, "1582037465");
  assert_string_equal(r->trace, "NWI278-0001");
  assert_string_equal(r->created, "2026112010300000");
  assert_string_equal(r->requested_from, "20261207");
  assert_string_equal(r->requested_to, "20261231");
  assert_string_equal(r->qty_qual, "VS");
  assert_string_equal(r->qty, "2");
  assert_int_equal(r->submitted_at, 1000);
  assert_int_equal(r->updated_at, 1000);
  assert_string_equal(r->cert, "");
  assert_string_equal(r->approved_from, "");
  assert_int_equal(r->nsvc, 3);
  assert_string_equal(r->svcs[0].procedure, "96365");
  assert_string_equal(r->svcs[1].procedure, "96366");
  assert_string_equal(r->svcs[2].procedure, "J3490");
  assert_string_equal(r->svcs[2].requested, "6");
  assert_string_equal(r->svcs[2].from, "20261207");
  assert_string_equal(r->svcs[2].approved, "");

  o = record_ok(t, "tracking/nwi-pended.x12", 2000);
  assert_true(o.is_response);
  assert_int_equal(o.match, X12KIT_MATCH_REFERENCE);
  assert_string_equal(o.request_reference, "NWI278-0001");
  assert_int_equal(o.state, X12KIT_AUTH_PENDED);
  assert_string_equal(o.action, "A4");
  assert_string_equal(o.certification, "");
  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_PENDED);
  assert_int_equal(r->responses, 1);
  assert_int_equal(r->updated_at, 2000);
  assert_string_equal(r->approved_from, "");
  assert_string_equal(r->svcs[0].action, "A4");
  assert_string_equal(r->svcs[0].approved, "");

  o = record_ok(t, RESP_CERTIFIED, 3000);
  assert_int_equal(o.match, X12KIT_MATCH_REFERENCE);
  assert_int_equal(o.state, X12KIT_AUTH_CERTIFIED);
  assert_string_equal(o.action, "A1");
  assert_string_equal(o.certification, "CV2611200317");
  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_CERTIFIED);
  assert_string_equal(r->action, "A1");
  assert_string_equal(r->cert, "CV2611200317");
  assert_int_equal(r->responses, 2);
  assert_int_equal(r->updated_at, 3000);
  assert_int_equal(r->submitted_at, 1000);
  assert_string_equal(r->approved_from, "20261207");
  assert_string_equal(r->approved_to, "20261231");
  assert_string_equal(r->approved_qty, "2");
  assert_int_equal(r->nsvc, 3);
  assert_string_equal(r->svcs[0].action, "A1");
  assert_string_equal(r->svcs[0].approved, "6");
  assert_string_equal(r->svcs[2].approved, "6");
  assert_int_equal(r->nrej, 0);

  /* the history keeps both answers, oldest first */
  history(t, r->id, &h);
  assert_int_equal(h.n, 2);
  assert_int_equal(h.v[0].state, X12KIT_AUTH_PENDED);
  assert_string_equal(h.v[0].type_code, "19");
  assert_int_equal(h.v[1].state, X12KIT_AUTH_CERTIFIED);
  assert_string_equal(h.v[1].cert, "CV2611200317");
  assert_int_equal(h.v[1].request_id, r->id);
  assert_int_equal(h.v[1].match, X12KIT_MATCH_REFERENCE);
  assert_int_equal(h.v[1].recorded_at, 3000);
  assert_int_equal(r->latest, h.v[1].id);
  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 0);
  x12kit_tracker_close(t);

  /* no names, member IDs or dates of birth in the file */
  assert_false(file_contains(path, "LINDQVIST"));
  assert_false(file_contains(path, "CVK300418826"));
  assert_false(file_contains(path, "19880622"));
  assert_false(file_contains(path, "OKAFOR"));
  assert_false(file_contains(path, "F332"));
  assert_true(file_contains(path, "CV2611200317"));
}

/* Responses with the payer's own BHT03: found by the echoed and the UMO's trace. */
static void test_match_by_trace(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracked_outcome o;
  resps h;
  req *r;

  (void)state;
  record_ok(t, REQ_ESKETAMINE, 100);
  o = record_ok(t, "tracking/lmh-pended-trace.x12", 200);
  assert_int_equal(o.match, X12KIT_MATCH_TRACE);
  assert_string_equal(o.reference, "BWP-2612030088");
  assert_string_equal(o.request_reference, "LMH278-0107");
  assert_int_equal(o.state, X12KIT_AUTH_PENDED);

  /* no TRN01 2 at all: the UMO's own trace links it through the pended answer */
  o = record_ok(t, "tracking/lmh-certified-umo.x12", 300);
  assert_int_equal(o.match, X12KIT_MATCH_TRACE);
  assert_string_equal(o.request_reference, "LMH278-0107");
  assert_int_equal(o.state, X12KIT_AUTH_CERTIFIED);

  r = one(t, "LMH278-0107");
  assert_int_equal(r->state, X12KIT_AUTH_CERTIFIED);
  assert_string_equal(r->cert, "BW2612100412");
  assert_string_equal(r->approved_from, "20261214");
  assert_string_equal(r->approved_to, "20270110");
  assert_int_equal(r->responses, 2);
  assert_int_equal(r->nsvc, 2);
  assert_string_equal(r->svcs[0].procedure, "J0013");
  assert_string_equal(r->svcs[0].approved, "448");
  assert_string_equal(r->svcs[1].procedure, "G2082");
  assert_string_equal(r->svcs[1].approved, "8");
  history(t, r->id, &h);
  assert_int_equal(h.n, 2);
  assert_string_equal(h.v[0].reference, "BWP-2612030088");
  assert_string_equal(h.v[1].reference, "BWP-2612100412");
  x12kit_tracker_close(t);
}

/* A later answer that names only the certification number. */
static void test_match_by_certification(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracked_outcome o;
  req *r;

  (void)state;
  record_ok(t, REQ_INFUSIONS, 10);
  record_ok(t, RESP_CERTIFIED, 20);
  o = record_ok(t, "tracking/nwi-modified.x12", 30);
  assert_int_equal(o.match, X12KIT_MATCH_CERTIFICATION);
  assert_string_equal(o.reference, "CVR-UPD-0611");
  assert_string_equal(o.request_reference, "NWI278-0001");
  assert_int_equal(o.state, X12KIT_AUTH_MODIFIED);
  assert_string_equal(o.certification, "CV2611200317");

  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_MODIFIED);
  assert_string_equal(r->action, "A6");
  assert_int_equal(r->responses, 2);
  assert_string_equal(r->approved_from, "20261207");
  assert_string_equal(r->approved_to, "20261221");
  assert_int_equal(r->nsvc, 3);
  assert_string_equal(r->svcs[0].approved, "4");
  assert_string_equal(r->svcs[1].approved, "4");
  assert_string_equal(r->svcs[2].approved, "4");
  assert_string_equal(r->svcs[2].requested, "6");
  x12kit_tracker_close(t);
}

/* An older answer recorded late does not undo the newer decision. */
static void test_latest_by_creation_time(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  resps h;
  req *r;

  (void)state;
  record_ok(t, REQ_INFUSIONS, 10);
  record_ok(t, RESP_CERTIFIED, 20);              /* created 11:05 */
  record_ok(t, "tracking/nwi-pended.x12", 30);   /* created 10:45, recorded later */
  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_CERTIFIED);
  assert_int_equal(r->responses, 2);
  assert_int_equal(r->updated_at, 30);
  history(t, r->id, &h);
  assert_int_equal(h.n, 2);
  assert_int_equal(h.v[0].state, X12KIT_AUTH_PENDED);
  assert_int_equal(h.v[1].state, X12KIT_AUTH_CERTIFIED);
  x12kit_tracker_close(t);
}

/* Unmatched responses are kept, and linked when their request comes. */
static void test_unmatched_kept_then_adopted(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracked_outcome o;
  resps h;
  reqs rs;
  req *r;

  (void)state;
  o = record_ok(t, RESP_DENIED, 10);
  assert_true(o.is_response);
  assert_int_equal(o.match, X12KIT_MATCH_NONE);
  assert_int_equal(o.request_id, 0);
  assert_string_equal(o.request_reference, "");
  assert_int_equal(o.state, X12KIT_AUTH_NOT_CERTIFIED);
  assert_string_equal(o.action, "A3");
  assert_string_equal(o.reason, "0U");
  o = record_ok(t, RESP_LMH_PENDED, 20);
  assert_int_equal(o.match, X12KIT_MATCH_NONE);
  o = record_ok(t, RESP_AAA, 30);
  assert_int_equal(o.match, X12KIT_MATCH_NONE);
  assert_int_equal(o.state, X12KIT_AUTH_REJECTED);
  assert_string_equal(o.rejection, "75");

  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 0);
  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 3);
  assert_string_equal(h.v[0].reference, "PCI278-0042");
  assert_int_equal(h.v[0].state, X12KIT_AUTH_NOT_CERTIFIED);
  assert_int_equal(h.v[0].request_id, 0);
  assert_int_equal(h.v[2].nrej, 1);
  unmatched(t, "LMH278-0107", &h);
  assert_int_equal(h.n, 1);

  /* the request arrives: the pended answer recorded before it is linked */
  o = record_ok(t, REQ_ESKETAMINE, 40);
  assert_int_equal(o.adopted, 1);
  r = one(t, "LMH278-0107");
  assert_int_equal(r->state, X12KIT_AUTH_PENDED);
  assert_int_equal(r->responses, 1);
  assert_int_equal(r->updated_at, 20);
  history(t, r->id, &h);
  assert_int_equal(h.n, 1);
  assert_int_equal(h.v[0].match, X12KIT_MATCH_REFERENCE);

  /* the AAA answer and its request: rejected, with the AAA codes */
  o = record_ok(t, "tracking/pci-request.x12", 50);
  assert_int_equal(o.adopted, 1);
  r = one(t, "PCI278-0051");
  assert_int_equal(r->state, X12KIT_AUTH_REJECTED);
  assert_int_equal(r->nrej, 1);
  assert_string_equal(r->rej_loop, "2010C");
  assert_string_equal(r->rej_reason, "75");
  assert_string_equal(r->rej_action, "C");
  assert_string_equal(r->approved_from, "");

  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 1);
  assert_string_equal(h.v[0].reference, "PCI278-0042");
  x12kit_tracker_close(t);
}

/* The same file twice is recognised, for requests and responses. */
static void test_duplicate_not_doubled(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracked_outcome a, b;
  resps h;
  reqs rs;
  req *r;

  (void)state;
  a = record_ok(t, REQ_INFUSIONS, 10);
  b = record_ok(t, REQ_INFUSIONS, 11);
  assert_false(a.duplicate);
  assert_true(b.duplicate);
  assert_int_equal(a.id, b.id);
  a = record_ok(t, RESP_CERTIFIED, 20);
  b = record_ok(t, RESP_CERTIFIED, 21);
  assert_false(a.duplicate);
  assert_true(b.duplicate);
  assert_int_equal(a.id, b.id);
  assert_int_equal(b.match, X12KIT_MATCH_REFERENCE);
  assert_int_equal(b.state, X12KIT_AUTH_CERTIFIED);
  assert_string_equal(b.request_reference, "NWI278-0001");
  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 1);
  r = &rs.v[0];
  assert_int_equal(r->responses, 1);
  assert_int_equal(r->updated_at, 20);
  history(t, r->id, &h);
  assert_int_equal(h.n, 1);

  /* an unmatched response twice stays one */
  record_ok(t, RESP_DENIED, 30);
  b = record_ok(t, RESP_DENIED, 31);
  assert_true(b.duplicate);
  assert_int_equal(b.match, X12KIT_MATCH_NONE);
  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 1);
  x12kit_tracker_close(t);
}

/* Several transactions in one input: all recorded in one go, in order. */
static void test_several_in_one_input(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracker_result *res = NULL;
  x12kit_error err;
  size_t n1, n2;
  char *a = tu_read_fixture(REQ_INFUSIONS, &n1), *b = tu_read_fixture("tracking/nwi-pended.x12", &n2);
  char *both = malloc(n1 + n2 + 1);
  const x12kit_tracked_outcome *o;

  (void)state;
  assert_non_null(both);
  memcpy(both, a, n1);
  memcpy(both + n1, b, n2 + 1);
  assert_int_equal(record_buf(t, both, n1 + n2, 5, &res, &err), X12KIT_OK);
  assert_int_equal(x12kit_tracker_result_count(res), 2);
  o = x12kit_tracker_result_at(res, 0);
  assert_false(o->is_response);
  assert_int_equal(o->transaction, 1);
  o = x12kit_tracker_result_at(res, 1);
  assert_true(o->is_response);
  assert_int_equal(o->transaction, 2);
  assert_int_equal(o->match, X12KIT_MATCH_REFERENCE);
  assert_int_equal(o->state, X12KIT_AUTH_PENDED);
  x12kit_tracker_result_free(res);
  /* without asking for the outcomes */
  assert_int_equal(record_buf(t, both, n1 + n2, 6, NULL, &err), X12KIT_OK);
  assert_int_equal(one(t, "NWI278-0001")->responses, 1);
  free(a);
  free(b);
  free(both);
  x12kit_tracker_close(t);
}

/* Every HCR01 the guide allows, and a response with no decision at all. */
static void test_decision_states(void **state)
{
  static const struct { const char *code; int state; } cases[] = {
    { "A1", X12KIT_AUTH_CERTIFIED },   { "A2", X12KIT_AUTH_PARTIAL },
    { "A3", X12KIT_AUTH_NOT_CERTIFIED }, { "A4", X12KIT_AUTH_PENDED },
    { "A6", X12KIT_AUTH_MODIFIED },    { "C", X12KIT_AUTH_CANCELLED },
    { "CT", X12KIT_AUTH_CONTACT_PAYER }, { "NA", X12KIT_AUTH_NO_ACTION },
  };
  size_t i, len;
  char *base = tu_read_fixture(RESP_CERTIFIED, &len);
  char code[16];

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    x12kit_tracker *t = open_db(new_db());
    x12kit_tracked_outcome o;
    x12kit_tracker_result *res;
    x12kit_error err;
    char *buf;
    req *r;

    snprintf(code, sizeof code, "HCR*%s*", cases[i].code);
    buf = replaced(base, "HCR*A1*", code);
    record_ok(t, REQ_INFUSIONS, 1);
    assert_int_equal(record_buf(t, buf, strlen(buf), 2, &res, &err), X12KIT_OK);
    o = *x12kit_tracker_result_at(res, 0);
    x12kit_tracker_result_free(res);
    assert_int_equal(o.state, cases[i].state);
    assert_string_equal(o.action, cases[i].code);
    r = one(t, "NWI278-0001");
    assert_int_equal(r->state, cases[i].state);
    if (cases[i].state == X12KIT_AUTH_CERTIFIED || cases[i].state == X12KIT_AUTH_PARTIAL ||
        cases[i].state == X12KIT_AUTH_MODIFIED)
      assert_string_equal(r->approved_from, "20261207");
    else
      assert_string_equal(r->approved_from, "");
    free(buf);
    x12kit_tracker_close(t);
  }

  /* lines that disagree without an event decision: partially certified */
  {
    x12kit_tracker *t = open_db(new_db());
    char *buf = replaced(base, "HCR*A1*CV2611200317~REF*NT*CVR-40512~", "REF*NT*CVR-40512~");
    req *r;

    buf = subst(buf, "HCR*A1*CV2611200317~DTP*472*RD8*20261207-20261231~SV1*HC:96366",
                "HCR*A3~DTP*472*RD8*20261207-20261231~SV1*HC:96366");
    buf = fix_se(buf);
    record_ok(t, REQ_INFUSIONS, 1);
    {
      x12kit_error err;
      assert_int_equal(record_buf(t, buf, strlen(buf), 2, NULL, &err), X12KIT_OK);
    }
    r = one(t, "NWI278-0001");
    assert_int_equal(r->state, X12KIT_AUTH_PARTIAL);
    assert_string_equal(r->action, "");
    assert_string_equal(r->cert, "CV2611200317");
    assert_string_equal(r->svcs[0].action, "A1");
    assert_string_equal(r->svcs[0].approved, "6");
    assert_string_equal(r->svcs[1].action, "A3");
    assert_string_equal(r->svcs[1].approved, "");
    free(buf);
    x12kit_tracker_close(t);
  }

  /* neither HCR nor AAA */
  {
    x12kit_tracker *t = open_db(new_db());
    char *buf = replaced(base, "HCR*A1*CV2611200317~", "");
    x12kit_tracked_outcome o;

    buf = fix_se(buf);
    record_ok(t, REQ_INFUSIONS, 1);
    {
      x12kit_tracker_result *res;
      x12kit_error err;
      assert_int_equal(record_buf(t, buf, strlen(buf), 2, &res, &err), X12KIT_OK);
      o = *x12kit_tracker_result_at(res, 0);
      x12kit_tracker_result_free(res);
    }
    assert_int_equal(o.state, X12KIT_AUTH_NO_DECISION);
    assert_int_equal(one(t, "NWI278-0001")->state, X12KIT_AUTH_NO_DECISION);
    free(buf);
    x12kit_tracker_close(t);
  }
  free(base);
}

static void test_state_filter(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracker_filter f;
  x12kit_error err;
  reqs rs;

  (void)state;
  record_ok(t, REQ_INFUSIONS, 1);
  record_ok(t, RESP_CERTIFIED, 2);
  record_ok(t, REQ_ESKETAMINE, 3);
  record_ok(t, RESP_LMH_PENDED, 4);
  record_ok(t, "tracking/pci-request.x12", 5);

  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 3);
  assert_string_equal(rs.v[0].reference, "NWI278-0001");
  assert_string_equal(rs.v[1].reference, "LMH278-0107");
  assert_string_equal(rs.v[2].reference, "PCI278-0051");
  list(t, NULL, X12KIT_AUTH_PENDED, &rs);
  assert_int_equal(rs.n, 1);
  assert_string_equal(rs.v[0].reference, "LMH278-0107");
  list(t, NULL, X12KIT_AUTH_CERTIFIED, &rs);
  assert_int_equal(rs.n, 1);
  assert_string_equal(rs.v[0].reference, "NWI278-0001");
  list(t, NULL, X12KIT_AUTH_SUBMITTED, &rs);
  assert_int_equal(rs.n, 1);
  assert_string_equal(rs.v[0].reference, "PCI278-0051");
  list(t, NULL, X12KIT_AUTH_NOT_CERTIFIED, &rs);
  assert_int_equal(rs.n, 0);
  list(t, "NWI278-0001", X12KIT_AUTH_CERTIFIED, &rs);
  assert_int_equal(rs.n, 1);
  list(t, "NWI278-0001", X12KIT_AUTH_PENDED, &rs);
  assert_int_equal(rs.n, 0);
  list(t, "NOSUCH-REF", 0, &rs);
  assert_int_equal(rs.n, 0);
  list(t, "", 0, &rs);
  assert_int_equal(rs.n, 3);

  /* NULL filter: everything; a callback that stops */
  memset(&rs, 0, sizeof rs);
  assert_int_equal(x12kit_tracker_list(t, NULL, on_request, &rs, &err), X12KIT_OK);
  assert_int_equal(rs.n, 3);
  memset(&rs, 0, sizeof rs);
  rs.stop_after = 2;
  assert_int_equal(x12kit_tracker_list(t, NULL, on_request, &rs, &err), X12KIT_ERR_ABORTED);
  assert_int_equal(rs.n, 2);

  f.reference = NULL;
  f.state = X12KIT_AUTH_STATE_MAX + 1;
  assert_int_equal(x12kit_tracker_list(t, &f, on_request, &rs, &err), X12KIT_ERR_ARG);
  f.state = -1;
  assert_int_equal(x12kit_tracker_list(t, &f, on_request, &rs, &err), X12KIT_ERR_ARG);
  x12kit_tracker_close(t);
}

static void test_file_mode(void **state)
{
  const char *p = new_db();
  char path[400], wal[420];
  x12kit_tracker *t;
  x12kit_error err;
  struct stat sb;
  mode_t old = umask(022);

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  t = open_db(path);
  assert_int_equal(x12kit_tracker_file_mode(t), 0600);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 07777, 0600);
  record_ok(t, REQ_INFUSIONS, 1);
  /* SQLite gives the write-ahead log the database's permissions */
  snprintf(wal, sizeof wal, "%s-wal", path);
  if (stat(wal, &sb) == 0)
    assert_int_equal(sb.st_mode & 077, 0);
  x12kit_tracker_close(t);

  /* a file others may read is refused, unless the caller allows it */
  assert_int_equal(chmod(path, 0644), 0);
  t = (x12kit_tracker *)1;
  assert_int_equal(x12kit_tracker_open(&t, path, 0, NULL, &err), X12KIT_ERR_STATE);
  assert_null(t);
  assert_non_null(strstr(err.text, "0644"));
  assert_int_equal(x12kit_tracker_open(&t, path, X12KIT_TRACKER_ALLOW_SHARED, NULL, &err),
                   X12KIT_OK);
  assert_int_equal(x12kit_tracker_file_mode(t), 0644);
  assert_int_equal(one(t, "NWI278-0001")->state, X12KIT_AUTH_SUBMITTED);
  x12kit_tracker_close(t);
  assert_int_equal(chmod(path, 0600), 0);
  umask(old);
}

static void test_reopen_keeps_everything(void **state)
{
  const char *p = new_db();
  char path[400];
  x12kit_tracker *t;
  x12kit_tracked_outcome o;
  x12kit_error err;
  resps h;
  req *r;

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  t = open_db(path);
  record_ok(t, REQ_INFUSIONS, 1);
  record_ok(t, "tracking/nwi-pended.x12", 2);
  record_ok(t, RESP_DENIED, 3);
  x12kit_tracker_close(t);

  /* NO_CREATE opens an existing file */
  assert_int_equal(x12kit_tracker_open(&t, path, X12KIT_TRACKER_NO_CREATE, NULL, &err),
                   X12KIT_OK);
  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_PENDED);
  assert_int_equal(r->responses, 1);
  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 1);
  /* duplicates are still recognised, and matching goes on */
  o = record_ok(t, "tracking/nwi-pended.x12", 4);
  assert_true(o.duplicate);
  o = record_ok(t, RESP_CERTIFIED, 5);
  assert_false(o.duplicate);
  assert_int_equal(o.match, X12KIT_MATCH_REFERENCE);
  x12kit_tracker_close(t);

  t = open_db(path);
  r = one(t, "NWI278-0001");
  assert_int_equal(r->state, X12KIT_AUTH_CERTIFIED);
  assert_int_equal(r->responses, 2);
  history(t, r->id, &h);
  assert_int_equal(h.n, 2);
  x12kit_tracker_close(t);
}

/* A 9-digit control number, a reference of its own: a distinct request. */
static char *numbered_request(const char *base, unsigned who, unsigned i)
{
  char isa[16], gs[32], ge[32], ref[32];
  char *buf;

  snprintf(isa, sizeof isa, "%09u", who * 1000 + i);
  snprintf(gs, sizeof gs, "*%u*X*", who * 1000 + i);
  snprintf(ge, sizeof ge, "GE*1*%u~", who * 1000 + i);
  snprintf(ref, sizeof ref, "CC%u-%04u", who, i);
  buf = replaced(base, "000000351", isa);
  buf = subst(buf, "*351*X*", gs);
  buf = subst(buf, "GE*1*351~", ge);
  return subst(buf, "PCI278-0051", ref);
}

/* Two processes recording at once: every record lands. */
static void test_two_processes(void **state)
{
  enum { PER_CHILD = 25 };
  const char *p = new_db();
  char path[400];
  size_t len;
  char *base = tu_read_fixture("tracking/pci-request.x12", &len);
  x12kit_tracker *t;
  pid_t kids[2];
  unsigned who;
  reqs rs;

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  /* both create the file: whoever comes second finds it (maybe half made) */
  fflush(NULL);
  for (who = 0; who < 2; who++) {
    kids[who] = fork();
    assert_true(kids[who] >= 0);
    if (kids[who] == 0) {
      /* the child: its own handle; no cmocka calls here */
      x12kit_tracker *c = NULL;
      x12kit_error err;
      unsigned i;
      int bad = 0;
      if (x12kit_tracker_open(&c, path, 0, NULL, &err) != X12KIT_OK)
        _exit(10);
      x12kit_tracker_set_busy_timeout(c, 60000);
      for (i = 0; i < PER_CHILD && !bad; i++) {
        char *buf = numbered_request(base, who + 1, i);
        if (x12kit_tracker_record(c, schema, buf, strlen(buf), 1, NULL, &err) != X12KIT_OK) {
          fprintf(stderr, "child %u: %s\n", who, err.text);
          bad = 1;
        }
        free(buf);
      }
      x12kit_tracker_close(c);
      _exit(bad ? 11 : 0);
    }
  }
  for (who = 0; who < 2; who++) {
    int status = 0;
    assert_int_equal(waitpid(kids[who], &status, 0), kids[who]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  t = open_db(path);
  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 2 * PER_CHILD);
  list(t, "CC1-0007", 0, &rs);
  assert_int_equal(rs.n, 1);
  list(t, "CC2-0024", 0, &rs);
  assert_int_equal(rs.n, 1);
  x12kit_tracker_close(t);
  free(base);
}

/* Sets PRAGMA user_version of a closed database. */
static void set_user_version(const char *path, int v)
{
  sqlite3 *db;
  char sql[64];

  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static void test_newer_version_refused(void **state)
{
  const char *p = new_db();
  char path[400];
  x12kit_tracker *t;
  x12kit_error err;
  sqlite3 *db;
  sqlite3_stmt *st;

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  t = open_db(path);
  record_ok(t, REQ_INFUSIONS, 1);
  x12kit_tracker_close(t);
  set_user_version(path, X12KIT_TRACKER_SCHEMA_VERSION + 1);
  t = (x12kit_tracker *)1;
  assert_int_equal(x12kit_tracker_open(&t, path, 0, NULL, &err), X12KIT_ERR_VERSION);
  assert_null(t);
  assert_int_equal(err.code, X12KIT_ERR_VERSION);
  assert_non_null(strstr(err.text, "newer x12kit"));
  /* left as it was */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), X12KIT_TRACKER_SCHEMA_VERSION + 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  /* back to our version: readable again */
  set_user_version(path, X12KIT_TRACKER_SCHEMA_VERSION);
  t = open_db(path);
  assert_int_equal(one(t, "NWI278-0001")->state, X12KIT_AUTH_SUBMITTED);
  x12kit_tracker_close(t);
}

/*
 * A version 1 file, as x12kit wrote it before follow-ups were tracked,
 * with one request in it: opened, it is upgraded in place to the
 * current layout, keeps its row, and records and lists as a new one.
 */
static void test_version_1_upgraded(void **state)
{
  static const char v1[] =
    "CREATE TABLE message (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " recorded_at INTEGER NOT NULL, sender TEXT NOT NULL, receiver TEXT NOT NULL,"
    " interchange TEXT NOT NULL, grp TEXT NOT NULL, control TEXT NOT NULL,"
    " reference TEXT NOT NULL, created TEXT NOT NULL, type_code TEXT NOT NULL,"
    " payer_id TEXT NOT NULL, npi TEXT NOT NULL, state INTEGER NOT NULL,"
    " hcr_action TEXT NOT NULL, hcr_cert TEXT NOT NULL, hcr_reason TEXT NOT NULL,"
    " request_id INTEGER REFERENCES message(id), matched_by INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE (kind, sender, receiver, interchange, grp, control, reference, created));"
    "CREATE INDEX message_reference ON message(reference, kind);"
    "CREATE INDEX message_request ON message(request_id);"
    "CREATE TABLE line (message_id INTEGER NOT NULL REFERENCES message(id),"
    " ordinal INTEGER NOT NULL, event INTEGER NOT NULL, service INTEGER NOT NULL,"
    " hcr_action TEXT NOT NULL, hcr_cert TEXT NOT NULL, hcr_reason TEXT NOT NULL,"
    " date_from TEXT NOT NULL, date_to TEXT NOT NULL, effective TEXT NOT NULL,"
    " expires TEXT NOT NULL, issued TEXT NOT NULL, qualifier TEXT NOT NULL, code TEXT NOT NULL,"
    " unit TEXT NOT NULL, units TEXT NOT NULL, quantity_qualifier TEXT NOT NULL,"
    " quantity TEXT NOT NULL, PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;"
    "CREATE TABLE trace (message_id INTEGER NOT NULL REFERENCES message(id),"
    " ordinal INTEGER NOT NULL, trn_type TEXT NOT NULL, number TEXT NOT NULL,"
    " entity TEXT NOT NULL, loop TEXT NOT NULL, PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;"
    "CREATE TABLE rejection (message_id INTEGER NOT NULL REFERENCES message(id),"
    " ordinal INTEGER NOT NULL, loop TEXT NOT NULL, reason TEXT NOT NULL,"
    " follow_up TEXT NOT NULL, PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;"
    "INSERT INTO message (kind, recorded_at, sender, receiver, interchange, grp, control,"
    " reference, created, type_code, payer_id, npi, state, hcr_action, hcr_cert, hcr_reason)"
    " VALUES (1, 5, 'S', 'R', '000000001', '1', '0001', 'OLD-0001', '2026120110000000', '',"
    " 'CVHP01', '1582037465', 1, '', '', '');"
    "PRAGMA application_id=1479619156; PRAGMA user_version=1;";
  char path[400];
  x12kit_tracker *t;
  sqlite3 *db;
  sqlite3_stmt *st;
  req *q;
  int fd;

  (void)state;
  snprintf(path, sizeof path, "%s", new_db());
  fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);

  t = open_db(path);
  q = one(t, "OLD-0001");
  assert_int_equal(q->state, X12KIT_AUTH_SUBMITTED);
  record_ok(t, REQ_INFUSIONS, 10);
  assert_int_equal(one(t, "NWI278-0001")->state, X12KIT_AUTH_SUBMITTED);
  x12kit_tracker_close(t);

  /* upgraded in place: version 2, the follow-up columns there */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT cert_type, prev_ref, coalesce(follows_id, 0)"
                                          " FROM message WHERE reference = 'NWI278-0001'",
                                      -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "I");
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "");
  assert_int_equal(sqlite3_column_int(st, 2), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void test_not_ours_refused(void **state)
{
  char path[400];
  x12kit_tracker *t;
  x12kit_error err;
  sqlite3 *db;
  int fd;

  (void)state;
  /* an SQLite database of another application */
  snprintf(path, sizeof path, "%s/other.db", tmpdir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes (x TEXT)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(chmod(path, 0600), 0);
  assert_int_equal(x12kit_tracker_open(&t, path, 0, NULL, &err), X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "another application"));

  /* not a database at all */
  snprintf(path, sizeof path, "%s/garbage.db", tmpdir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  {
    char junk[4096];
    memset(junk, 'x', sizeof junk);
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  }
  close(fd);
  assert_int_equal(x12kit_tracker_open(&t, path, 0, NULL, &err), X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "not a database"));
}

static void test_open_errors(void **state)
{
  char path[400];
  x12kit_tracker *t = (x12kit_tracker *)1;
  x12kit_error err;
  struct stat sb;

  (void)state;
  /* the path is a directory */
  assert_int_equal(x12kit_tracker_open(&t, tmpdir, 0, NULL, &err), X12KIT_ERR_IO);
  assert_null(t);
  assert_int_equal(err.code, X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "directory"));
  /* its directory does not exist */
  snprintf(path, sizeof path, "%s/no/such/dir/auth.db", tmpdir);
  assert_int_equal(x12kit_tracker_open(&t, path, 0, NULL, &err), X12KIT_ERR_IO);
  /* NO_CREATE on a missing file creates nothing */
  snprintf(path, sizeof path, "%s/missing.db", tmpdir);
  assert_int_equal(x12kit_tracker_open(&t, path, X12KIT_TRACKER_NO_CREATE, NULL, &err),
                   X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "does not exist"));
  assert_int_equal(stat(path, &sb), -1);
  /* arguments */
  assert_int_equal(x12kit_tracker_open(NULL, path, 0, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_open(&t, NULL, 0, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_open(&t, "", 0, NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_open(&t, path, 0x100, NULL, &err), X12KIT_ERR_ARG);
  x12kit_tracker_close(NULL);
  x12kit_tracker_set_busy_timeout(NULL, 5);
  assert_int_equal(x12kit_tracker_file_mode(NULL), 0);
  assert_int_equal(x12kit_tracker_result_count(NULL), 0);
  assert_null(x12kit_tracker_result_at(NULL, 0));
  x12kit_tracker_result_free(NULL);
}

static void test_record_refuses_bad_input(void **state)
{
  x12kit_tracker *t = open_db(new_db());
  x12kit_tracker_result *res = (x12kit_tracker_result *)1;
  x12kit_error err;
  size_t len;
  char *buf;
  reqs rs;
  resps h;

  (void)state;
  /* breaks the 278 response guide: nothing recorded, the finding says where */
  buf = tu_read_fixture("guide/invalid/278-response-ik403-7-hcr01-code.x12", &len);
  assert_int_equal(record_buf(t, buf, len, 1, &res, &err), X12KIT_ERR_SYNTAX);
  assert_null(res);
  assert_true(err.pos.segment > 0);
  assert_string_equal(err.segment_id, "HCR");
  assert_string_equal(err.value, "");
  free(buf);
  /* a 270: valid X12, not a 278 */
  buf = tu_read_fixture("valid/270-eligibility.x12", &len);
  assert_int_equal(record_buf(t, buf, len, 1, &res, &err), X12KIT_ERR_DATA);
  assert_non_null(strstr(err.text, "not a 278"));
  assert_non_null(strstr(err.text, "270"));
  free(buf);
  /* a 278 request next to a 271: the whole input is refused */
  {
    size_t n1, n2;
    char *a = tu_read_fixture(REQ_INFUSIONS, &n1);
    char *b = tu_read_fixture("valid/271-active-pa-required.x12", &n2);
    char *both = malloc(n1 + n2 + 1);
    assert_non_null(both);
    memcpy(both, a, n1);
    memcpy(both + n1, b, n2 + 1);
    assert_int_equal(record_buf(t, both, n1 + n2, 1, NULL, &err), X12KIT_ERR_DATA);
    free(a);
    free(b);
    free(both);
  }
  /* envelope fault */
  buf = tu_read_fixture(REQ_INFUSIONS, &len);
  buf = subst(buf, "SE*32*0001", "SE*31*0001");
  assert_int_equal(record_buf(t, buf, strlen(buf), 1, NULL, &err), X12KIT_ERR_ENVELOPE);
  free(buf);
  /* not X12; empty (the lexer's "no ISA") */
  assert_int_equal(record_buf(t, "hello, world", 12, 1, NULL, &err), X12KIT_ERR_ISA);
  assert_int_equal(record_buf(t, "", 0, 1, NULL, &err), X12KIT_ERR_TRUNCATED);
  assert_int_equal(record_buf(t, NULL, 0, 1, NULL, &err), X12KIT_ERR_TRUNCATED);
  /* an interchange with a group and no transaction */
  buf = tu_read_fixture(REQ_INFUSIONS, &len);
  {
    char *st = strstr(buf, "ST*278"), *ge = strstr(buf, "GE*1*202");
    assert_non_null(st);
    assert_non_null(ge);
    memmove(st, ge, strlen(ge) + 1);
    buf = subst(buf, "GE*1*202", "GE*0*202");
  }
  assert_int_equal(record_buf(t, buf, strlen(buf), 1, NULL, &err), X12KIT_ERR_DATA);
  assert_non_null(strstr(err.text, "no transaction"));
  free(buf);
  /* no patient data in any message */
  buf = tu_read_fixture("guide/invalid/278-response-ik403-7-hcr01-code.x12", &len);
  assert_int_equal(record_buf(t, buf, len, 1, NULL, &err), X12KIT_ERR_SYNTAX);
  assert_null(strstr(err.text, "MORROW"));
  free(buf);
  /* arguments */
  assert_int_equal(x12kit_tracker_record(NULL, schema, "x", 1, 1, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_record(t, NULL, "x", 1, 1, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_record(t, schema, NULL, 5, 1, NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_list(NULL, NULL, on_request, &rs, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_list(t, NULL, NULL, &rs, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_history(t, 0, on_response, &h, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_history(t, 1, NULL, &h, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_tracker_unmatched(NULL, NULL, on_response, &h, &err), X12KIT_ERR_ARG);

  /* nothing of all that was stored */
  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 0);
  unmatched(t, NULL, &h);
  assert_int_equal(h.n, 0);
  x12kit_tracker_close(t);
}

/* Another connection holds the write lock past the timeout: an I/O error, no partial data. */
static void test_busy_database(void **state)
{
  const char *p = new_db();
  char path[400];
  x12kit_tracker *t;
  x12kit_error err;
  sqlite3 *db;
  size_t len;
  char *buf = tu_read_fixture(REQ_INFUSIONS, &len);
  reqs rs;

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  t = open_db(path);
  x12kit_tracker_set_busy_timeout(t, 50);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(record_buf(t, buf, len, 1, NULL, &err), X12KIT_ERR_IO);
  assert_non_null(strstr(err.text, "locked"));
  /* readers are not blocked by the writer */
  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 0);
  assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(record_buf(t, buf, len, 1, NULL, &err), X12KIT_OK);
  list(t, NULL, 0, &rs);
  assert_int_equal(rs.n, 1);
  free(buf);
  x12kit_tracker_close(t);
}

/* Allocation failures anywhere: NOMEM, nothing half-recorded, nothing leaked. */
static void test_alloc_failure(void **state)
{
  const char *p = new_db();
  char path[400];
  size_t len;
  char *buf = tu_read_fixture(RESP_CERTIFIED, &len);
  unsigned k, failures = 0;
  int done = 0;
  x12kit_tracker *plain;
  reqs rs;
  resps h;

  (void)state;
  snprintf(path, sizeof path, "%s", p);
  plain = open_db(path);
  record_ok(plain, REQ_INFUSIONS, 1);
  for (k = 1; k < 100000 && !done; k++) {
    tu_alloc a;
    x12kit_mem mem;
    x12kit_tracker *t = NULL;
    x12kit_tracker_result *res = NULL;
    x12kit_error err;
    int rc;

    memset(&a, 0, sizeof a);
    a.fail_at = k;
    mem = tu_alloc_mem(&a);
    rc = x12kit_tracker_open(&t, path, 0, &mem, &err);
    if (rc == X12KIT_OK) {
      rc = x12kit_tracker_record(t, schema, buf, len, 2, &res, &err);
      if (rc == X12KIT_OK) {
        assert_int_equal(x12kit_tracker_result_count(res), 1);
        assert_int_equal(x12kit_tracker_result_at(res, 0)->match, X12KIT_MATCH_REFERENCE);
        done = 1;
      } else {
        assert_null(res);
      }
      x12kit_tracker_result_free(res);
      if (rc == X12KIT_OK) {
        /* listing with the same failing allocator */
        memset(&rs, 0, sizeof rs);
        rc = x12kit_tracker_list(t, NULL, on_request, &rs, &err);
        assert_true(rc == X12KIT_OK || rc == X12KIT_ERR_NOMEM);
      }
      x12kit_tracker_close(t);
    }
    if (rc != X12KIT_OK) {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_int_equal(err.code, X12KIT_ERR_NOMEM);
      failures++;
      /* nothing half-recorded */
      if (!done) {
        history(plain, one(plain, "NWI278-0001")->id, &h);
        assert_int_equal(h.n, 0);
      }
    }
    assert_int_equal(a.live, 0);
  }
  assert_true(done);
  assert_true(failures > 10);
  assert_int_equal(one(plain, "NWI278-0001")->state, X12KIT_AUTH_CERTIFIED);

  /* listing and history under failing allocations */
  for (k = 1; k < 1000; k++) {
    tu_alloc a;
    x12kit_mem mem;
    x12kit_tracker *t = NULL;
    x12kit_error err;
    int rc;

    memset(&a, 0, sizeof a);
    a.fail_at = k;
    mem = tu_alloc_mem(&a);
    rc = x12kit_tracker_open(&t, path, 0, &mem, &err);
    if (rc == X12KIT_OK) {
      memset(&rs, 0, sizeof rs);
      rc = x12kit_tracker_list(t, NULL, on_request, &rs, &err);
      if (rc == X12KIT_OK) {
        memset(&h, 0, sizeof h);
        rc = x12kit_tracker_history(t, rs.v[0].id, on_response, &h, &err);
      }
      x12kit_tracker_close(t);
    }
    assert_true(rc == X12KIT_OK || rc == X12KIT_ERR_NOMEM);
    assert_int_equal(a.live, 0);
    if (rc == X12KIT_OK) {
      assert_int_equal(rs.n, 1);
      assert_int_equal(rs.v[0].state, X12KIT_AUTH_CERTIFIED);
      assert_int_equal(h.n, 1);
      break;
    }
  }
  assert_true(k > 1);
  x12kit_tracker_close(plain);
  free(buf);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_states_and_names),
    cmocka_unit_test(test_match_by_reference),
    cmocka_unit_test(test_match_by_trace),
    cmocka_unit_test(test_match_by_certification),
    cmocka_unit_test(test_latest_by_creation_time),
    cmocka_unit_test(test_unmatched_kept_then_adopted),
    cmocka_unit_test(test_duplicate_not_doubled),
    cmocka_unit_test(test_several_in_one_input),
    cmocka_unit_test(test_decision_states),
    cmocka_unit_test(test_state_filter),
    cmocka_unit_test(test_file_mode),
    cmocka_unit_test(test_reopen_keeps_everything),
    cmocka_unit_test(test_two_processes),
    cmocka_unit_test(test_newer_version_refused),
    cmocka_unit_test(test_version_1_upgraded),
    cmocka_unit_test(test_not_ours_refused),
    cmocka_unit_test(test_open_errors),
    cmocka_unit_test(test_record_refuses_bad_input),
    cmocka_unit_test(test_busy_database),
    cmocka_unit_test(test_alloc_failure),
  };
  return cmocka_run_group_tests_name("tracker", tests, setup, teardown);
}
