/*
 * x12kit - the prior-authorization tracker: 278 requests and responses
 * in an SQLite database, each response linked to its request.
 *
 * Recording runs in two steps.  First the input is lexed and validated
 * in memory and what matching and status need is copied out of each
 * transaction's loop tree (struct xtx); nothing touches the database
 * unless the whole input is valid and every transaction is a 278.  Then
 * one BEGIN IMMEDIATE ... COMMIT writes every transaction, matches each
 * response and links earlier unmatched responses ("adoption").
 *
 * Tables (layout version 1):
 *   message    one row per 278 transaction; kind 1 request, 2 response;
 *              for a response the decision it carries and the request
 *              it was linked to (request_id, matched_by)
 *   line       one row per 2000E (service 0) and 2000F (service 1)
 *   trace      TRN segments of 2000E and 2000F
 *   rejection  AAA segments, wherever they were
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

#define APPLICATION_ID 0x58313254 /* "X12T" */
#define DEFAULT_BUSY_MS 10000u

enum { KIND_REQUEST = 1, KIND_RESPONSE = 2 };

struct x12kit_tracker {
  x12kit_mem mem;
  sqlite3 *db;
  unsigned mode;
  unsigned busy_ms;
};

/* ---- states ---- */

static const char *const state_texts[X12KIT_AUTH_STATE_MAX + 1] = {
  "", "submitted, no answer yet", "pended", "certified", "partially certified", "modified", "not certified",
  "cancelled", "contact payer", "rejected", "no action required", "no decision"
};

static const char *const state_names[X12KIT_AUTH_STATE_MAX + 1] = {
  "", "submitted", "pended", "certified", "partially-certified", "modified", "not-certified",
  "cancelled", "contact-payer", "rejected", "no-action", "no-decision"
};

const char *x12kit_auth_state_text(int state)
{
  return state >= 1 && state <= X12KIT_AUTH_STATE_MAX ? state_texts[state] : "";
}

const char *x12kit_auth_state_name(int state)
{
  return state >= 1 && state <= X12KIT_AUTH_STATE_MAX ? state_names[state] : "";
}

int x12kit_auth_state_from_name(const char *name)
{
  int i;

  if (name == NULL)
    return 0;
  for (i = 1; i <= X12KIT_AUTH_STATE_MAX; i++)
    if (strcmp(name, state_names[i]) == 0)
      return i;
  return 0;
}

const char *x12kit_auth_match_name(int match)
{
  switch (match) {
  case X12KIT_MATCH_REFERENCE: return "reference";
  case X12KIT_MATCH_TRACE: return "trace";
  case X12KIT_MATCH_CERTIFICATION: return "certification";
  default: return "";
  }
}

int x12kit_auth_action_state(const char *a)
{
  static const struct { const char *code; int state; } map[] = {
    { "A1", X12KIT_AUTH_CERTIFIED },  { "A2", X12KIT_AUTH_PARTIAL },
    { "A3", X12KIT_AUTH_NOT_CERTIFIED }, { "A4", X12KIT_AUTH_PENDED },
    { "A6", X12KIT_AUTH_MODIFIED },   { "C", X12KIT_AUTH_CANCELLED },
    { "CT", X12KIT_AUTH_CONTACT_PAYER }, { "NA", X12KIT_AUTH_NO_ACTION },
  };
  size_t i;

  if (a == NULL)
    return 0;
  for (i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(a, map[i].code) == 0)
      return map[i].state;
  return 0;
}

/* Certified in total, in part, or modified: something was approved. */
static int approving(const char *a)
{
  return strcmp(a, "A1") == 0 || strcmp(a, "A2") == 0 || strcmp(a, "A6") == 0;
}

static int state_approves(int s)
{
  return s == X12KIT_AUTH_CERTIFIED || s == X12KIT_AUTH_PARTIAL || s == X12KIT_AUTH_MODIFIED;
}

/* ---- errors ---- */

static int db_error(x12kit_error *err, int rc, const char *what)
{
  int code = (rc & 0xff) == SQLITE_NOMEM ? X12KIT_ERR_NOMEM : X12KIT_ERR_IO;

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    x12kitp_error_set(err, code, X12KIT_ACK_NONE, NULL,
                      "tracking database: %s: %s (another process kept it busy past the "
                      "timeout)", what, sqlite3_errstr(rc));
  else
    x12kitp_error_set(err, code, X12KIT_ACK_NONE, NULL, "tracking database: %s: %s", what,
                      sqlite3_errstr(rc));
  return code;
}

static int nomem(x12kit_error *err)
{
  x12kitp_error_set(err, X12KIT_ERR_NOMEM, X12KIT_ACK_NONE, NULL, "out of memory");
  return X12KIT_ERR_NOMEM;
}

/* ---- SQLite helpers: each returns an SQLite result code ---- */

static int exec(x12kit_tracker *t, const char *sql)
{
  return sqlite3_exec(t->db, sql, NULL, NULL, NULL);
}

static int prep(x12kit_tracker *t, sqlite3_stmt **st, const char *sql)
{
  *st = NULL;
  return sqlite3_prepare_v2(t->db, sql, -1, st, NULL);
}

/* Binds NUL-terminated strings and 64-bit integers by position. */
static int bind_s(sqlite3_stmt *st, int i, const char *s)
{
  return sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static int bind_i(sqlite3_stmt *st, int i, int64_t v)
{
  return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static const char *col_s(sqlite3_stmt *st, int i)
{
  const unsigned char *s = sqlite3_column_text(st, i);
  return s ? (const char *)s : "";
}

static int64_t col_i(sqlite3_stmt *st, int i)
{
  return (int64_t)sqlite3_column_int64(st, i);
}

/* Runs a statement that returns one integer (or none: *out = dflt). */
static int query_int(x12kit_tracker *t, const char *sql, int64_t a1, int64_t dflt, int64_t *out)
{
  sqlite3_stmt *st;
  int rc = prep(t, &st, sql);

  *out = dflt;
  if (rc != SQLITE_OK)
    return rc;
  if (sqlite3_bind_parameter_count(st) >= 1)
    bind_i(st, 1, a1);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
      *out = col_i(st, 0);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

/* ---- layout ---- */

static const char layout_sql[] =
  "CREATE TABLE IF NOT EXISTS message ("
  " id INTEGER PRIMARY KEY,"
  " kind INTEGER NOT NULL,"
  " recorded_at INTEGER NOT NULL,"
  " sender TEXT NOT NULL, receiver TEXT NOT NULL,"
  " interchange TEXT NOT NULL, grp TEXT NOT NULL, control TEXT NOT NULL,"
  " reference TEXT NOT NULL, created TEXT NOT NULL, type_code TEXT NOT NULL,"
  " payer_id TEXT NOT NULL, npi TEXT NOT NULL,"
  " state INTEGER NOT NULL,"
  " hcr_action TEXT NOT NULL, hcr_cert TEXT NOT NULL, hcr_reason TEXT NOT NULL,"
  " request_id INTEGER REFERENCES message(id),"
  " matched_by INTEGER NOT NULL DEFAULT 0,"
  " UNIQUE (kind, sender, receiver, interchange, grp, control, reference, created));"
  "CREATE INDEX IF NOT EXISTS message_reference ON message(reference, kind);"
  "CREATE INDEX IF NOT EXISTS message_request ON message(request_id);"
  "CREATE TABLE IF NOT EXISTS line ("
  " message_id INTEGER NOT NULL REFERENCES message(id),"
  " ordinal INTEGER NOT NULL, event INTEGER NOT NULL, service INTEGER NOT NULL,"
  " hcr_action TEXT NOT NULL, hcr_cert TEXT NOT NULL, hcr_reason TEXT NOT NULL,"
  " date_from TEXT NOT NULL, date_to TEXT NOT NULL,"
  " effective TEXT NOT NULL, expires TEXT NOT NULL, issued TEXT NOT NULL,"
  " qualifier TEXT NOT NULL, code TEXT NOT NULL, unit TEXT NOT NULL, units TEXT NOT NULL,"
  " quantity_qualifier TEXT NOT NULL, quantity TEXT NOT NULL,"
  " PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS line_cert ON line(hcr_cert) WHERE hcr_cert <> '';"
  "CREATE TABLE IF NOT EXISTS trace ("
  " message_id INTEGER NOT NULL REFERENCES message(id),"
  " ordinal INTEGER NOT NULL,"
  " trn_type TEXT NOT NULL, number TEXT NOT NULL, entity TEXT NOT NULL, loop TEXT NOT NULL,"
  " PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS trace_number ON trace(number, entity);"
  "CREATE TABLE IF NOT EXISTS rejection ("
  " message_id INTEGER NOT NULL REFERENCES message(id),"
  " ordinal INTEGER NOT NULL,"
  " loop TEXT NOT NULL, reason TEXT NOT NULL, follow_up TEXT NOT NULL,"
  " PRIMARY KEY (message_id, ordinal)) WITHOUT ROWID;";

/* Creates the tables in an empty database, in one write transaction. */
static int create_layout(x12kit_tracker *t, x12kit_error *err)
{
  int64_t version;
  char sql[96];
  int rc = exec(t, "BEGIN IMMEDIATE");

  if (rc != SQLITE_OK)
    return db_error(err, rc, "creating the tables");
  /* another process may have created them while we waited */
  rc = query_int(t, "PRAGMA user_version", 0, 0, &version);
  if (rc == SQLITE_OK && version == 0) {
    rc = exec(t, layout_sql);
    /* version 1, then migrate() adds what later versions need: one path for
       new files and old ones */
    snprintf(sql, sizeof sql, "PRAGMA application_id=%d; PRAGMA user_version=1",
             APPLICATION_ID);
    if (rc == SQLITE_OK)
      rc = exec(t, sql);
  }
  if (rc == SQLITE_OK)
    rc = exec(t, "COMMIT");
  if (rc != SQLITE_OK) {
    exec(t, "ROLLBACK");
    return db_error(err, rc, "creating the tables");
  }
  return X12KIT_OK;
}

/*
 * Version 2 adds the follow-ups of a decision (appeal, revision,
 * extension, cancellation): the request's UM02 and the earlier review it
 * cites (REF BB or NT), a response's own reference (REF NT), and the
 * link from a follow-up to the request it follows up.  Columns are added
 * with defaults, so version 1 rows read as "initial, cites nothing".
 */
static const char migrate_2_sql[] =
  "ALTER TABLE message ADD COLUMN cert_type TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE message ADD COLUMN prev_qualifier TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE message ADD COLUMN prev_ref TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE message ADD COLUMN admin_ref TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE message ADD COLUMN follows_id INTEGER REFERENCES message(id);"
  "CREATE INDEX IF NOT EXISTS message_follows ON message(follows_id);"
  "PRAGMA user_version=2";

/* Brings a version 1 layout to the current one, in one write transaction. */
static int migrate(x12kit_tracker *t, x12kit_error *err)
{
  int64_t version = 0;
  int rc = query_int(t, "PRAGMA user_version", 0, 0, &version);

  if (rc != SQLITE_OK)
    return db_error(err, rc, "reading the layout version");
  if (version >= X12KIT_TRACKER_SCHEMA_VERSION)
    return X12KIT_OK;
  rc = exec(t, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK)
    return db_error(err, rc, "upgrading the tables");
  /* another process may have upgraded it while we waited */
  rc = query_int(t, "PRAGMA user_version", 0, 0, &version);
  if (rc == SQLITE_OK && version == 1)
    rc = exec(t, migrate_2_sql);
  if (rc == SQLITE_OK)
    rc = exec(t, "COMMIT");
  if (rc != SQLITE_OK) {
    exec(t, "ROLLBACK");
    return db_error(err, rc, "upgrading the tables to layout version 2");
  }
  return X12KIT_OK;
}

/* Refuses a file of another application or of a newer x12kit. */
static int check_layout(x12kit_tracker *t, x12kit_error *err, int *empty)
{
  int64_t app = 0, version = 0, objects = 0;
  /* one read transaction: another process may be creating the tables */
  int rc = exec(t, "BEGIN");

  if (rc == SQLITE_OK)
    rc = query_int(t, "PRAGMA application_id", 0, 0, &app);
  if (rc == SQLITE_OK)
    rc = query_int(t, "PRAGMA user_version", 0, 0, &version);
  if (rc == SQLITE_OK)
    rc = query_int(t, "SELECT count(*) FROM sqlite_master", 0, 0, &objects);
  if (!sqlite3_get_autocommit(t->db))
    exec(t, "COMMIT");
  if (rc != SQLITE_OK)
    return db_error(err, rc, "reading the layout version");
  if (app != APPLICATION_ID && (app != 0 || version != 0 || objects != 0)) {
    x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL,
                      "tracking database: the file is an SQLite database of another "
                      "application, not an x12kit tracking database");
    return X12KIT_ERR_IO;
  }
  if (version > X12KIT_TRACKER_SCHEMA_VERSION) {
    x12kitp_error_set(err, X12KIT_ERR_VERSION, X12KIT_ACK_NONE, NULL,
                      "tracking database: layout version %lld was written by a newer x12kit; "
                      "this one reads version %d and older: use a newer x12kit",
                      (long long)version, X12KIT_TRACKER_SCHEMA_VERSION);
    return X12KIT_ERR_VERSION;
  }
  *empty = version == 0;
  return X12KIT_OK;
}

/*
 * Creates the file with mode 0600 when it is missing, and checks what is
 * there.  An existing file is only stat()ed, never opened: closing a
 * descriptor of it would drop the POSIX locks another handle of this
 * process holds on it.
 */
static int check_file(const char *path, unsigned flags, unsigned *mode, x12kit_error *err)
{
  struct stat sb;
  int e;

  if (!(flags & X12KIT_TRACKER_NO_CREATE)) {
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      /* whatever the umask: exactly 0600 */
      e = fchmod(fd, 0600) == 0 ? 0 : errno;
      close(fd);
      if (e) {
        x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL,
                          "tracking database: cannot set the file's mode: %s", strerror(e));
        return X12KIT_ERR_IO;
      }
    } else if (errno != EEXIST) {
      e = errno;
      x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL,
                        "tracking database: cannot create the file: %s", strerror(e));
      return X12KIT_ERR_IO;
    }
  }
  if (stat(path, &sb) != 0) {
    e = errno;
    if (e == ENOENT && (flags & X12KIT_TRACKER_NO_CREATE))
      x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL,
                        "tracking database: the file does not exist");
    else
      x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL,
                        "tracking database: cannot open the file: %s", strerror(e));
    return X12KIT_ERR_IO;
  }
  if (!S_ISREG(sb.st_mode)) {
    x12kitp_error_set(err, X12KIT_ERR_IO, X12KIT_ACK_NONE, NULL, "tracking database: %s",
                      S_ISDIR(sb.st_mode) ? "the path is a directory, not a file"
                                          : "not a regular file");
    return X12KIT_ERR_IO;
  }
  *mode = (unsigned)(sb.st_mode & 07777);
  if ((*mode & 077) && !(flags & X12KIT_TRACKER_ALLOW_SHARED)) {
    x12kitp_error_set(err, X12KIT_ERR_STATE, X12KIT_ACK_NONE, NULL,
                      "tracking database: the file has mode %04o: group or others may "
                      "access the health information it holds (chmod 600 it)", *mode);
    return X12KIT_ERR_STATE;
  }
  return X12KIT_OK;
}

/*
 * WAL: readers never block the writer; synchronous=FULL (set by the
 * caller): a commit survives a power cut.  Switching a file to WAL takes
 * an exclusive lock without calling the busy handler, so a process that
 * meets another one opening the same new file waits here itself.
 */
static int set_wal(x12kit_tracker *t)
{
  unsigned waited = 0;
  int rc;

  for (;;) {
    sqlite3_stmt *st;
    rc = prep(t, &st, "PRAGMA journal_mode=WAL");
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(st);
      rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
      sqlite3_finalize(st);
    }
    if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || waited >= t->busy_ms)
      return rc;
    sqlite3_sleep(10);
    waited += 10;
  }
}

int x12kit_tracker_open(x12kit_tracker **out, const char *path, unsigned flags,
                        const x12kit_mem *mem, x12kit_error *err)
{
  x12kit_error dummy;
  x12kit_mem m;
  x12kit_tracker *t;
  int rc, empty = 0;
  unsigned mode = 0;

  if (err == NULL)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (out)
    *out = NULL;
  if (out == NULL || path == NULL || *path == '\0' ||
      (flags & ~(X12KIT_TRACKER_NO_CREATE | X12KIT_TRACKER_ALLOW_SHARED))) {
    x12kitp_error_set(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL,
                      "x12kit_tracker_open: no handle pointer, no path or unknown flags");
    return X12KIT_ERR_ARG;
  }
  rc = check_file(path, flags, &mode, err);
  if (rc)
    return rc;
  x12kitp_mem_init(&m, mem);
  t = x12kitp_calloc(&m, sizeof *t);
  if (t == NULL)
    return nomem(err);
  t->mem = m;
  t->mode = mode;
  rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    rc = db_error(err, rc, "opening");
    x12kit_tracker_close(t);
    return rc;
  }
  sqlite3_extended_result_codes(t->db, 1);
  x12kit_tracker_set_busy_timeout(t, DEFAULT_BUSY_MS);
  sqlite3_db_config(t->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
  rc = check_layout(t, err, &empty);
  if (rc)
    goto fail;
  rc = set_wal(t);
  if (rc == SQLITE_OK)
    rc = exec(t, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON");
  if (rc != SQLITE_OK) {
    rc = db_error(err, rc, "setting the journal mode");
    goto fail;
  }
  if (empty) {
    rc = create_layout(t, err);
    if (rc)
      goto fail;
  }
  rc = migrate(t, err);
  if (rc)
    goto fail;
  *out = t;
  return X12KIT_OK;
fail:
  x12kit_tracker_close(t);
  return rc;
}

void x12kit_tracker_close(x12kit_tracker *t)
{
  if (t == NULL)
    return;
  sqlite3_close_v2(t->db);
  x12kitp_free(&t->mem, t);
}

void x12kit_tracker_set_busy_timeout(x12kit_tracker *t, unsigned ms)
{
  if (t == NULL)
    return;
  t->busy_ms = ms > INT_MAX ? INT_MAX : ms;
  sqlite3_busy_timeout(t->db, (int)t->busy_ms);
}

unsigned x12kit_tracker_file_mode(const x12kit_tracker *t)
{
  return t ? t->mode : 0;
}

/* ---- reading a 278 ---- */

typedef struct xline {
  unsigned event;              /* ordinal of the 2000E it belongs to (or is) */
  int service;                 /* 0: 2000E, 1: 2000F */
  char action[3], cert[51], reason[31];
  char from[9], to[9], effective[9], expires[9], issued[9];
  char qualifier[3], code[49], unit[3], units[16];
  char qty_qual[3], qty[16];
} xline;

typedef struct xtrace {
  char type[3], number[51], entity[11], loop[8];
} xtrace;

typedef struct xrej {
  char loop[8], reason[3], follow_up[2];
} xrej;

typedef struct xtx {
  unsigned long ordinal;
  x12kit_position pos;         /* of its ST */
  int kind;
  char sender[16], receiver[16], isa13[10], gs06[10], st02[10];
  char reference[51], created[17], type_code[3];
  char payer[81], npi[81];
  xline *lines;
  size_t nlines, caplines;
  unsigned nevents;
  xtrace *traces;
  size_t ntraces, captraces;
  xrej *rejs;
  size_t nrejs, caprejs;
  int state;
  char action[3], cert[51], reason[31];
  char cert_type[2];           /* UM02 of the first 2000E */
  char prev_qual[3], prev_ref[51]; /* request: REF BB or NT of the first 2000E */
  char admin_ref[51];          /* response: REF NT of the first 2000E */
} xtx;

typedef struct xrun {
  const x12kit_mem *mem;
  xtx *txs;
  size_t ntxs, captxs;
  char sender[16], receiver[16], isa13[10], gs06[10];
  x12kit_position st_pos;
  unsigned long seen;          /* transactions met */
  unsigned long findings;
  x12kit_error first;          /* the first finding */
  x12kit_validator *v;
  int vrc;                     /* what stopped the validator */
  int status;                  /* X12KIT_ERR_NOMEM or X12KIT_ERR_DATA once set */
  x12kit_error status_err;
} xrun;

/* Makes room for one more element; returns the (maybe moved) array or NULL. */
static void *grow(const x12kit_mem *m, void *v, size_t *cap, size_t n, size_t size)
{
  size_t nc;
  void *p;

  if (n < *cap)
    return v;
  nc = *cap ? *cap * 2 : 4;
  if (nc > SIZE_MAX / size)
    return NULL;
  p = x12kitp_realloc(m, v, nc * size);
  if (p)
    *cap = nc;
  return p;
}

static void tx_free(const x12kit_mem *m, xtx *tx)
{
  x12kitp_free(m, tx->lines);
  x12kitp_free(m, tx->traces);
  x12kitp_free(m, tx->rejs);
}

static void run_free(xrun *r)
{
  size_t i;

  for (i = 0; i < r->ntxs; i++)
    tx_free(r->mem, &r->txs[i]);
  x12kitp_free(r->mem, r->txs);
}

#define COPY(dst, slice) x12kitp_copy((dst), sizeof(dst), (slice))

static x12kit_slice el(const x12kit_node *n, const char *ref)
{
  return x12kit_node_element(n, ref);
}

/* DTP03 by DTP02: D8 gives one date, RD8 two. */
static void dtp_dates(const x12kit_node *n, char from[9], char to[9])
{
  x12kit_slice fmt = el(n, "DTP02"), v = el(n, "DTP03");
  x12kit_slice a = v, b = v;

  if (x12kit_slice_eq(fmt, "RD8")) {
    const char *dash = memchr(v.ptr, '-', v.len);
    if (dash) {
      a.len = (size_t)(dash - v.ptr);
      b.ptr = dash + 1;
      b.len = v.len - a.len - 1;
    }
  }
  x12kitp_copy(from, 9, a);
  x12kitp_copy(to, 9, b);
}

typedef struct walker {
  xrun *r;
  xtx *tx;
  unsigned event;
  size_t line;                 /* index + 1 of the current 2000E/2000F line, 0 none */
} walker;

static int add_line(walker *w, int service)
{
  xtx *tx = w->tx;
  xline *v = grow(w->r->mem, tx->lines, &tx->caplines, tx->nlines, sizeof *v);

  if (v == NULL)
    return -1;
  tx->lines = v;
  memset(&v[tx->nlines], 0, sizeof *v);
  if (!service)
    w->event = ++tx->nevents;
  v[tx->nlines].event = w->event;
  v[tx->nlines].service = service;
  w->line = ++tx->nlines;
  return 0;
}

static int on_segment_node(walker *w, const x12kit_node *n, const char *loop)
{
  xtx *tx = w->tx;
  const char *id = x12kit_node_id(n);
  xline *ln = w->line ? &tx->lines[w->line - 1] : NULL;
  int in_line = strcmp(loop, "2000E") == 0 || strcmp(loop, "2000F") == 0;

  if (strcmp(id, "BHT") == 0 && *loop == '\0') {
    x12kit_slice tm = el(n, "BHT05");
    size_t k;
    COPY(tx->reference, el(n, "BHT03"));
    COPY(tx->created, el(n, "BHT04"));
    k = strlen(tx->created);
    /* CCYYMMDD then HHMM[SS[DD]] padded to 8 digits, so that text order is time order */
    x12kitp_copy(tx->created + k, sizeof tx->created - k, tm);
    for (k = strlen(tx->created); k < 16; k++)
      tx->created[k] = '0';
    tx->created[16] = '\0';
    COPY(tx->type_code, el(n, "BHT06"));
  } else if (strcmp(id, "NM1") == 0 && strcmp(loop, "2010A") == 0) {
    COPY(tx->payer, el(n, "NM109"));
  } else if (strcmp(id, "NM1") == 0 && strcmp(loop, "2010B") == 0) {
    if (x12kit_slice_eq(el(n, "NM108"), "XX"))
      COPY(tx->npi, el(n, "NM109"));
  } else if (strcmp(id, "AAA") == 0) {
    xrej *v = grow(w->r->mem, tx->rejs, &tx->caprejs, tx->nrejs, sizeof *v);
    if (v == NULL)
      return -1;
    tx->rejs = v;
    v += tx->nrejs++;
    memset(v, 0, sizeof *v);
    snprintf(v->loop, sizeof v->loop, "%s", loop);
    COPY(v->reason, el(n, "AAA03"));
    COPY(v->follow_up, el(n, "AAA04"));
  } else if (in_line && ln && !ln->service && ln->event == 1 &&
             (strcmp(id, "UM") == 0 || strcmp(id, "REF") == 0)) {
    /* the follow-up facts of the first request (2000E) */
    if (strcmp(id, "UM") == 0) {
      COPY(tx->cert_type, el(n, "UM02"));
    } else if (tx->kind == KIND_REQUEST && tx->prev_ref[0] == '\0') {
      x12kit_slice q = el(n, "REF01");
      if (x12kit_slice_eq(q, "BB") || x12kit_slice_eq(q, "NT")) {
        COPY(tx->prev_qual, q);
        COPY(tx->prev_ref, el(n, "REF02"));
      }
    } else if (tx->kind == KIND_RESPONSE && x12kit_slice_eq(el(n, "REF01"), "NT")) {
      COPY(tx->admin_ref, el(n, "REF02"));
    }
  } else if (in_line && ln) {
    if (strcmp(id, "TRN") == 0) {
      xtrace *v = grow(w->r->mem, tx->traces, &tx->captraces, tx->ntraces, sizeof *v);
      if (v == NULL)
        return -1;
      tx->traces = v;
      v += tx->ntraces++;
      memset(v, 0, sizeof *v);
      COPY(v->type, el(n, "TRN01"));
      COPY(v->number, el(n, "TRN02"));
      COPY(v->entity, el(n, "TRN03"));
      snprintf(v->loop, sizeof v->loop, "%s", loop);
    } else if (strcmp(id, "HCR") == 0) {
      COPY(ln->action, el(n, "HCR01"));
      COPY(ln->cert, el(n, "HCR02"));
      COPY(ln->reason, el(n, "HCR03"));
    } else if (strcmp(id, "DTP") == 0) {
      x12kit_slice q = el(n, "DTP01");
      char from[9], to[9];
      dtp_dates(n, from, to);
      if (x12kit_slice_eq(q, "AAH") || x12kit_slice_eq(q, "472")) {
        memcpy(ln->from, from, sizeof from);
        memcpy(ln->to, to, sizeof to);
      } else if (x12kit_slice_eq(q, "007")) {
        memcpy(ln->effective, from, sizeof from);
      } else if (x12kit_slice_eq(q, "036")) {
        memcpy(ln->expires, from, sizeof from);
      } else if (x12kit_slice_eq(q, "102")) {
        memcpy(ln->issued, from, sizeof from);
      }
    } else if (strcmp(id, "SV1") == 0) {
      COPY(ln->qualifier, el(n, "SV101-1"));
      COPY(ln->code, el(n, "SV101-2"));
      COPY(ln->unit, el(n, "SV103"));
      COPY(ln->units, el(n, "SV104"));
    } else if (strcmp(id, "SV2") == 0) {
      COPY(ln->qualifier, el(n, "SV202-1"));
      COPY(ln->code, el(n, "SV202-2"));
      if (ln->code[0] == '\0') {
        /* a revenue code alone */
        snprintf(ln->qualifier, sizeof ln->qualifier, "NU");
        COPY(ln->code, el(n, "SV201"));
      }
      COPY(ln->unit, el(n, "SV204"));
      COPY(ln->units, el(n, "SV205"));
    } else if (strcmp(id, "SV3") == 0) {
      COPY(ln->qualifier, el(n, "SV301-1"));
      COPY(ln->code, el(n, "SV301-2"));
      COPY(ln->units, el(n, "SV306"));
    } else if (strcmp(id, "HSD") == 0) {
      COPY(ln->qty_qual, el(n, "HSD01"));
      COPY(ln->qty, el(n, "HSD02"));
    }
  }
  return 0;
}

static int walk(walker *w, const x12kit_node *n, const char *loop)
{
  const x12kit_node *c;

  for (c = x12kit_node_first_child(n); c; c = x12kit_node_next(c)) {
    const char *id = x12kit_node_id(c);
    if (x12kit_node_kind_of(c) == X12KIT_NODE_LOOP) {
      size_t saved = w->line;
      if (strcmp(id, "2000E") == 0 || strcmp(id, "2000F") == 0) {
        if (add_line(w, id[4] == 'F'))
          return -1;
      }
      if (walk(w, c, id))
        return -1;
      w->line = saved;
    } else if (on_segment_node(w, c, loop)) {
      return -1;
    }
  }
  return 0;
}

/* The decision a response carries, from its HCRs (2000E first) and AAAs. */
static void decide(xtx *tx)
{
  size_t i;
  int level, seen = 0, pended = 0, approved = 0, denied = 0, first = 0, same = 1;
  const char *first_code = "";

  tx->state = X12KIT_AUTH_SUBMITTED;
  if (tx->kind != KIND_RESPONSE)
    return;
  for (level = 0; level < 2 && !seen; level++) {
    for (i = 0; i < tx->nlines; i++) {
      const xline *l = &tx->lines[i];
      int s;
      if (l->service != level || !l->action[0])
        continue;
      s = x12kit_auth_action_state(l->action);
      if (!seen) {
        first = s;
        first_code = l->action;
      } else if (strcmp(first_code, l->action) != 0) {
        same = 0;
      }
      seen = 1;
      pended |= s == X12KIT_AUTH_PENDED;
      approved |= approving(l->action);
      denied |= s == X12KIT_AUTH_NOT_CERTIFIED;
      if (!tx->cert[0] && l->cert[0])
        snprintf(tx->cert, sizeof tx->cert, "%s", l->cert);
      if (!tx->reason[0] && l->reason[0])
        snprintf(tx->reason, sizeof tx->reason, "%s", l->reason);
    }
  }
  if (!seen) {
    tx->state = tx->nrejs ? X12KIT_AUTH_REJECTED : X12KIT_AUTH_NO_DECISION;
    return;
  }
  if (same) {
    tx->state = first ? first : X12KIT_AUTH_NO_DECISION;
    snprintf(tx->action, sizeof tx->action, "%s", first_code);
  } else if (pended) {
    tx->state = X12KIT_AUTH_PENDED;
  } else if (approved) {
    tx->state = X12KIT_AUTH_PARTIAL;
  } else if (denied) {
    tx->state = X12KIT_AUTH_NOT_CERTIFIED;
  } else {
    tx->state = first ? first : X12KIT_AUTH_NO_DECISION;
  }
  /* the certification number of a later line when the first had none */
  if (!tx->cert[0])
    for (i = 0; i < tx->nlines && !tx->cert[0]; i++)
      if (tx->lines[i].cert[0])
        snprintf(tx->cert, sizeof tx->cert, "%s", tx->lines[i].cert);
}

static int on_transaction(void *ud, const x12kit_guide *guide, const x12kit_transaction_info *st,
                          const x12kit_node *root)
{
  xrun *r = ud;
  const char *gid = guide ? x12kit_guide_id(guide) : "";
  walker w;
  xtx *v;

  r->seen++;
  if (r->status || r->findings)
    return 0;
  if (strcmp(gid, "278-request") != 0 && strcmp(gid, "278-response") != 0) {
    r->status = X12KIT_ERR_DATA;
    x12kitp_error_set(&r->status_err, X12KIT_ERR_DATA, X12KIT_ACK_NONE, NULL,
                      "transaction %s %s is not a 278 request or response", st->id,
                      st->control);
    r->status_err.pos = r->st_pos;
    snprintf(r->status_err.segment_id, sizeof r->status_err.segment_id, "ST");
    return 0;
  }
  v = grow(r->mem, r->txs, &r->captxs, r->ntxs, sizeof *v);
  if (v == NULL) {
    r->status = X12KIT_ERR_NOMEM;
    return 1;
  }
  r->txs = v;
  v += r->ntxs++;
  memset(v, 0, sizeof *v);
  v->ordinal = r->seen;
  v->pos = r->st_pos;
  v->kind = strcmp(gid, "278-request") == 0 ? KIND_REQUEST : KIND_RESPONSE;
  memcpy(v->sender, r->sender, sizeof v->sender);
  memcpy(v->receiver, r->receiver, sizeof v->receiver);
  memcpy(v->isa13, r->isa13, sizeof v->isa13);
  memcpy(v->gs06, r->gs06, sizeof v->gs06);
  snprintf(v->st02, sizeof v->st02, "%s", st->control);
  memset(&w, 0, sizeof w);
  w.r = r;
  w.tx = v;
  if (walk(&w, root, "")) {
    r->status = X12KIT_ERR_NOMEM;
    return 1;
  }
  decide(v);
  return 0;
}

static int on_finding(void *ud, const x12kit_error *e)
{
  xrun *r = ud;

  if (r->findings++ == 0)
    r->first = *e;
  return 0;
}

static int on_event(void *ud, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  xrun *r = ud;

  if (ev == X12KIT_INTERCHANGE_BEGIN) {
    const x12kit_interchange_info *i = info;
    snprintf(r->sender, sizeof r->sender, "%s", i->sender_id);
    snprintf(r->receiver, sizeof r->receiver, "%s", i->receiver_id);
    snprintf(r->isa13, sizeof r->isa13, "%s", i->control);
  } else if (ev == X12KIT_GROUP_BEGIN) {
    snprintf(r->gs06, sizeof r->gs06, "%s", ((const x12kit_group_info *)info)->control);
  } else if (ev == X12KIT_TRANSACTION_BEGIN) {
    r->st_pos = *pos;
  }
  return 0;
}

static int feed_segment(void *ud, const x12kit_segment *seg)
{
  xrun *r = ud;
  int rc = x12kit_validator_segment(r->v, seg);

  if (rc != X12KIT_OK)
    r->vrc = rc;
  return rc != X12KIT_OK;
}

/* Lexes, validates and reads every transaction of the input into |r|. */
static int read_input(x12kit_tracker *t, const x12kit_schema *schema, const char *data,
                      size_t len, xrun *r, x12kit_error *err)
{
  x12kit_lexer *lx = NULL;
  x12kit_validator *v = NULL;
  int rc, vrc = X12KIT_OK;

  rc = x12kit_lexer_new(&lx, &t->mem);
  if (rc == X12KIT_OK)
    rc = x12kit_validator_new(&v, schema, &t->mem);
  if (rc != X12KIT_OK) {
    x12kit_lexer_free(lx);
    return rc == X12KIT_ERR_NOMEM ? nomem(err) : rc;
  }
  x12kit_validator_set_callbacks(v, on_event, on_finding, on_transaction, r);
  r->v = v;
  rc = x12kit_lexer_parse(lx, data, len, 1, feed_segment, r);
  if (rc == X12KIT_END)
    vrc = x12kit_validator_finish(v);
  if (rc == X12KIT_ERR_ABORTED && r->vrc) {
    /* the validator stopped: out of memory, or our callback did */
    rc = X12KIT_END;
    vrc = r->status == X12KIT_ERR_NOMEM ? X12KIT_ERR_NOMEM : r->vrc;
  }
  if (rc < 0) {
    const x12kit_error *le = x12kit_lexer_error(lx);
    if (le)
      *err = *le;
    else
      x12kitp_error_set(err, rc, X12KIT_ACK_NONE, NULL, "%s", x12kit_strerror(rc));
  } else if (vrc == X12KIT_ERR_NOMEM || r->status == X12KIT_ERR_NOMEM) {
    rc = nomem(err);
  } else if (r->findings) {
    *err = r->first;
    rc = r->first.code ? r->first.code : X12KIT_ERR_SYNTAX;
  } else if (vrc != X12KIT_OK) {
    x12kitp_error_set(err, vrc, X12KIT_ACK_NONE, NULL, "validation stopped: %s",
                      x12kit_strerror(vrc));
    rc = vrc;
  } else if (r->status) {
    *err = r->status_err;
    rc = r->status;
  } else if (r->ntxs == 0) {
    x12kitp_error_set(err, X12KIT_ERR_DATA, X12KIT_ACK_NONE, NULL,
                      "the input holds no transaction");
    rc = X12KIT_ERR_DATA;
  } else {
    rc = X12KIT_OK;
  }
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
  return rc;
}

/* ---- storing ---- */

struct x12kit_tracker_result {
  x12kit_mem mem;
  x12kit_tracked_outcome *v;
  size_t n;
};

static int insert_children(x12kit_tracker *t, const xtx *tx, int64_t id)
{
  sqlite3_stmt *st = NULL;
  size_t i;
  int rc = prep(t, &st,
                "INSERT INTO line (message_id, ordinal, event, service, hcr_action, hcr_cert,"
                " hcr_reason, date_from, date_to, effective, expires, issued, qualifier, code,"
                " unit, units, quantity_qualifier, quantity)"
                " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");

  for (i = 0; rc == SQLITE_OK && i < tx->nlines; i++) {
    const xline *l = &tx->lines[i];
    sqlite3_reset(st);
    bind_i(st, 1, id);
    bind_i(st, 2, (int64_t)i + 1);
    bind_i(st, 3, l->event);
    bind_i(st, 4, l->service);
    bind_s(st, 5, l->action);
    bind_s(st, 6, l->cert);
    bind_s(st, 7, l->reason);
    bind_s(st, 8, l->from);
    bind_s(st, 9, l->to);
    bind_s(st, 10, l->effective);
    bind_s(st, 11, l->expires);
    bind_s(st, 12, l->issued);
    bind_s(st, 13, l->qualifier);
    bind_s(st, 14, l->code);
    bind_s(st, 15, l->unit);
    bind_s(st, 16, l->units);
    bind_s(st, 17, l->qty_qual);
    bind_s(st, 18, l->qty);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_OK)
    rc = prep(t, &st, "INSERT INTO trace (message_id, ordinal, trn_type, number, entity, loop)"
                      " VALUES (?1,?2,?3,?4,?5,?6)");
  for (i = 0; rc == SQLITE_OK && i < tx->ntraces; i++) {
    const xtrace *tr = &tx->traces[i];
    sqlite3_reset(st);
    bind_i(st, 1, id);
    bind_i(st, 2, (int64_t)i + 1);
    bind_s(st, 3, tr->type);
    bind_s(st, 4, tr->number);
    bind_s(st, 5, tr->entity);
    bind_s(st, 6, tr->loop);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  }
  sqlite3_finalize(st);
  st = NULL;
  if (rc == SQLITE_OK)
    rc = prep(t, &st, "INSERT INTO rejection (message_id, ordinal, loop, reason, follow_up)"
                      " VALUES (?1,?2,?3,?4,?5)");
  for (i = 0; rc == SQLITE_OK && i < tx->nrejs; i++) {
    const xrej *rj = &tx->rejs[i];
    sqlite3_reset(st);
    bind_i(st, 1, id);
    bind_i(st, 2, (int64_t)i + 1);
    bind_s(st, 3, rj->loop);
    bind_s(st, 4, rj->reason);
    bind_s(st, 5, rj->follow_up);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  }
  sqlite3_finalize(st);
  return rc;
}

/*
 * Matching queries.  Each takes the response's id as ?1 and gives the
 * request's id.  Payer IDs and NPIs must agree when both sides have one.
 */
static const char match_reference_sql[] =
  "SELECT q.id FROM message q, message r WHERE r.id = ?1 AND q.kind = 1"
  " AND q.reference = r.reference"
  " AND (q.payer_id = r.payer_id OR q.payer_id = '' OR r.payer_id = '')"
  " AND (q.npi = r.npi OR q.npi = '' OR r.npi = '')"
  " ORDER BY q.id DESC LIMIT 1";

/* a TRN01 2 of the response echoes a TRN01 1 of the request */
static const char match_echo_sql[] =
  "SELECT q.id FROM trace rt JOIN trace qt ON qt.number = rt.number AND qt.entity = rt.entity"
  " AND qt.trn_type = '1' JOIN message q ON q.id = qt.message_id AND q.kind = 1"
  " WHERE rt.message_id = ?1 AND rt.trn_type = '2' ORDER BY q.id DESC LIMIT 1";

/* the UMO's own trace (TRN01 1), already seen on a linked response */
static const char match_umo_sql[] =
  "SELECT o.request_id FROM trace rt JOIN trace ot ON ot.number = rt.number"
  " AND ot.entity = rt.entity AND ot.trn_type = '1'"
  " JOIN message o ON o.id = ot.message_id AND o.kind = 2 AND o.request_id IS NOT NULL"
  " WHERE rt.message_id = ?1 AND rt.trn_type = '1' AND o.id <> ?1 ORDER BY o.id DESC LIMIT 1";

static const char match_cert_sql[] =
  "SELECT o.request_id FROM line rl JOIN line ol ON ol.hcr_cert = rl.hcr_cert"
  " JOIN message o ON o.id = ol.message_id AND o.kind = 2 AND o.request_id IS NOT NULL"
  " JOIN message r ON r.id = rl.message_id"
  " WHERE rl.message_id = ?1 AND rl.hcr_cert <> '' AND o.id <> ?1"
  " AND (o.payer_id = r.payer_id OR o.payer_id = '' OR r.payer_id = '')"
  " ORDER BY o.id DESC LIMIT 1";

/*
 * Links unmatched responses to request ?1 (?2: the match kind), by
 * reference, by echoed trace, and through the responses already linked
 * to it (UMO trace, certification number).
 */
static const char *const adopt_sql[] = {
  "UPDATE message SET request_id = ?1, matched_by = ?2 WHERE kind = 2 AND request_id IS NULL"
  " AND EXISTS (SELECT 1 FROM message q WHERE q.id = ?1 AND q.reference = message.reference"
  " AND (q.payer_id = message.payer_id OR q.payer_id = '' OR message.payer_id = '')"
  " AND (q.npi = message.npi OR q.npi = '' OR message.npi = ''))",
  "UPDATE message SET request_id = ?1, matched_by = ?2 WHERE kind = 2 AND request_id IS NULL"
  " AND EXISTS (SELECT 1 FROM trace rt JOIN trace qt ON qt.number = rt.number"
  " AND qt.entity = rt.entity WHERE rt.message_id = message.id AND rt.trn_type = '2'"
  " AND qt.message_id = ?1 AND qt.trn_type = '1')",
  "UPDATE message SET request_id = ?1, matched_by = ?2 WHERE kind = 2 AND request_id IS NULL"
  " AND EXISTS (SELECT 1 FROM trace rt JOIN trace ot ON ot.number = rt.number"
  " AND ot.entity = rt.entity JOIN message o ON o.id = ot.message_id"
  " WHERE rt.message_id = message.id AND rt.trn_type = '1' AND ot.trn_type = '1'"
  " AND o.kind = 2 AND o.request_id = ?1)",
  "UPDATE message SET request_id = ?1, matched_by = ?2 WHERE kind = 2 AND request_id IS NULL"
  " AND EXISTS (SELECT 1 FROM line rl JOIN line ol ON ol.hcr_cert = rl.hcr_cert"
  " JOIN message o ON o.id = ol.message_id"
  " WHERE rl.message_id = message.id AND rl.hcr_cert <> '' AND o.kind = 2"
  " AND o.request_id = ?1"
  " AND (o.payer_id = message.payer_id OR o.payer_id = '' OR message.payer_id = ''))",
};

static const int adopt_match[] = { X12KIT_MATCH_REFERENCE, X12KIT_MATCH_TRACE, X12KIT_MATCH_TRACE,
                                   X12KIT_MATCH_CERTIFICATION };

static int adopt(x12kit_tracker *t, int64_t request, unsigned long *count)
{
  sqlite3_stmt *st[4] = { NULL, NULL, NULL, NULL };
  size_t i;
  int rc = SQLITE_OK, changed = 1;

  for (i = 0; i < 4 && rc == SQLITE_OK; i++)
    rc = prep(t, &st[i], adopt_sql[i]);
  /* each pass links at least one response or ends */
  while (rc == SQLITE_OK && changed) {
    changed = 0;
    for (i = 0; i < 4 && rc == SQLITE_OK; i++) {
      sqlite3_reset(st[i]);
      bind_i(st[i], 1, request);
      bind_i(st[i], 2, adopt_match[i]);
      if (sqlite3_step(st[i]) != SQLITE_DONE) {
        rc = sqlite3_errcode(t->db);
        break;
      }
      if (sqlite3_changes(t->db) > 0) {
        changed = 1;
        *count += (unsigned long)sqlite3_changes(t->db);
      }
    }
  }
  for (i = 0; i < 4; i++)
    sqlite3_finalize(st[i]);
  return rc;
}

/* Fills |o| from the stored row |id| (a duplicate, or after matching). */
static int load_outcome(x12kit_tracker *t, int64_t id, x12kit_tracked_outcome *o)
{
  sqlite3_stmt *st;
  int rc = prep(t, &st,
                "SELECT m.request_id, m.matched_by, m.state, m.hcr_action, m.hcr_cert,"
                " m.hcr_reason, q.reference,"
                " (SELECT reason FROM rejection WHERE message_id = m.id ORDER BY ordinal LIMIT 1)"
                " FROM message m LEFT JOIN message q ON q.id = m.request_id WHERE m.id = ?1");

  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, id);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    o->id = id;
    o->request_id = col_i(st, 0);
    o->match = (int)col_i(st, 1);
    o->state = (int)col_i(st, 2);
    snprintf(o->action, sizeof o->action, "%s", col_s(st, 3));
    snprintf(o->certification, sizeof o->certification, "%s", col_s(st, 4));
    snprintf(o->reason, sizeof o->reason, "%s", col_s(st, 5));
    snprintf(o->request_reference, sizeof o->request_reference, "%s", col_s(st, 6));
    snprintf(o->rejection, sizeof o->rejection, "%s", col_s(st, 7));
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_CORRUPT;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Runs one matching query for response |id|; *request stays 0 when none. */
static int match_one(x12kit_tracker *t, const char *sql, int64_t id, int64_t *request)
{
  return query_int(t, sql, id, 0, request);
}

/*
 * A follow-up (a request citing REF BB or NT) is linked to the request
 * whose decision it cites: a linked response whose certification number
 * (HCR02, of the event or a line) is the BB, or whose REF NT is the NT,
 * the payer agreeing when both sides name one; the latest such response
 * wins.  A follow-up never follows itself.
 */
static const char follow_up_sql[] =
  "UPDATE message SET follows_id = ("
  " SELECT r.request_id FROM message r, message q WHERE q.id = ?1 AND r.kind = 2"
  "  AND r.request_id IS NOT NULL AND r.request_id <> ?1"
  "  AND (r.payer_id = '' OR q.payer_id = '' OR r.payer_id = q.payer_id)"
  "  AND ((q.prev_qualifier = 'BB' AND (r.hcr_cert = q.prev_ref OR EXISTS (SELECT 1 FROM line l"
  "        WHERE l.message_id = r.id AND l.hcr_cert = q.prev_ref)))"
  "       OR (q.prev_qualifier = 'NT' AND r.admin_ref = q.prev_ref))"
  "  ORDER BY r.created DESC, r.id DESC LIMIT 1)"
  " WHERE id = ?1 AND prev_ref <> ''";

static int follow_up(x12kit_tracker *t, int64_t id)
{
  sqlite3_stmt *st;
  int rc = prep(t, &st, follow_up_sql);

  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, id);
  rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  sqlite3_finalize(st);
  return rc;
}

/* Links the unlinked follow-ups that cite response |resp| (now linked to |request|). */
static int follow_ups_of(x12kit_tracker *t, int64_t resp, int64_t request)
{
  sqlite3_stmt *st;
  int rc = prep(t, &st,
                "UPDATE message SET follows_id = ?2 WHERE kind = 1 AND follows_id IS NULL"
                " AND id <> ?2 AND prev_ref <> '' AND EXISTS (SELECT 1 FROM message r"
                "  WHERE r.id = ?1"
                "  AND (r.payer_id = '' OR message.payer_id = '' OR r.payer_id = message.payer_id)"
                "  AND ((message.prev_qualifier = 'BB' AND (r.hcr_cert = message.prev_ref"
                "        OR EXISTS (SELECT 1 FROM line l WHERE l.message_id = r.id"
                "                   AND l.hcr_cert = message.prev_ref)))"
                "       OR (message.prev_qualifier = 'NT' AND r.admin_ref = message.prev_ref)))");

  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, resp);
  bind_i(st, 2, request);
  rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  sqlite3_finalize(st);
  return rc;
}

static int store_tx(x12kit_tracker *t, const xtx *tx, int64_t now, x12kit_tracked_outcome *o)
{
  sqlite3_stmt *st;
  int64_t id = 0, request = 0;
  int rc, match = X12KIT_MATCH_NONE, inserted;

  memset(o, 0, sizeof *o);
  o->transaction = tx->ordinal;
  snprintf(o->control, sizeof o->control, "%s", tx->st02);
  o->is_response = tx->kind == KIND_RESPONSE;
  snprintf(o->reference, sizeof o->reference, "%s", tx->reference);
  rc = prep(t, &st,
            "INSERT INTO message (kind, recorded_at, sender, receiver, interchange, grp, control,"
            " reference, created, type_code, payer_id, npi, state, hcr_action, hcr_cert,"
            " hcr_reason, cert_type, prev_qualifier, prev_ref, admin_ref)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)"
            " ON CONFLICT DO NOTHING");
  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, tx->kind);
  bind_i(st, 2, now);
  bind_s(st, 3, tx->sender);
  bind_s(st, 4, tx->receiver);
  bind_s(st, 5, tx->isa13);
  bind_s(st, 6, tx->gs06);
  bind_s(st, 7, tx->st02);
  bind_s(st, 8, tx->reference);
  bind_s(st, 9, tx->created);
  bind_s(st, 10, tx->type_code);
  bind_s(st, 11, tx->payer);
  bind_s(st, 12, tx->npi);
  bind_i(st, 13, tx->state);
  bind_s(st, 14, tx->action);
  bind_s(st, 15, tx->cert);
  bind_s(st, 16, tx->reason);
  bind_s(st, 17, tx->cert_type);
  bind_s(st, 18, tx->prev_qual);
  bind_s(st, 19, tx->prev_ref);
  bind_s(st, 20, tx->admin_ref);
  rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
  inserted = rc == SQLITE_OK && sqlite3_changes(t->db) == 1;
  id = sqlite3_last_insert_rowid(t->db);
  sqlite3_finalize(st);
  if (rc != SQLITE_OK)
    return rc;
  if (!inserted) {
    o->duplicate = 1;
    rc = prep(t, &st,
              "SELECT id FROM message WHERE kind = ?1 AND sender = ?2 AND receiver = ?3"
              " AND interchange = ?4 AND grp = ?5 AND control = ?6 AND reference = ?7"
              " AND created = ?8");
    if (rc != SQLITE_OK)
      return rc;
    bind_i(st, 1, tx->kind);
    bind_s(st, 2, tx->sender);
    bind_s(st, 3, tx->receiver);
    bind_s(st, 4, tx->isa13);
    bind_s(st, 5, tx->gs06);
    bind_s(st, 6, tx->st02);
    bind_s(st, 7, tx->reference);
    bind_s(st, 8, tx->created);
    rc = sqlite3_step(st);
    id = rc == SQLITE_ROW ? col_i(st, 0) : 0;
    rc = rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
      return rc;
    return load_outcome(t, id, o);
  }
  rc = insert_children(t, tx, id);
  if (rc != SQLITE_OK)
    return rc;
  if (tx->kind == KIND_REQUEST) {
    rc = follow_up(t, id);
    if (rc == SQLITE_OK)
      rc = adopt(t, id, &o->adopted);
    if (rc == SQLITE_OK)
      rc = load_outcome(t, id, o);
    return rc;
  }
  rc = match_one(t, match_reference_sql, id, &request);
  if (rc == SQLITE_OK && request)
    match = X12KIT_MATCH_REFERENCE;
  if (rc == SQLITE_OK && !request)
    rc = match_one(t, match_echo_sql, id, &request);
  if (rc == SQLITE_OK && !request)
    rc = match_one(t, match_umo_sql, id, &request);
  if (rc == SQLITE_OK && request && !match)
    match = X12KIT_MATCH_TRACE;
  if (rc == SQLITE_OK && !request) {
    rc = match_one(t, match_cert_sql, id, &request);
    if (rc == SQLITE_OK && request)
      match = X12KIT_MATCH_CERTIFICATION;
  }
  if (rc == SQLITE_OK && request) {
    rc = prep(t, &st, "UPDATE message SET request_id = ?2, matched_by = ?3 WHERE id = ?1");
    if (rc == SQLITE_OK) {
      bind_i(st, 1, id);
      bind_i(st, 2, request);
      bind_i(st, 3, match);
      rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(t->db);
      sqlite3_finalize(st);
    }
    /* responses recorded earlier may be linked through this one */
    if (rc == SQLITE_OK) {
      unsigned long more = 0;
      rc = adopt(t, request, &more);
    }
    /* follow-ups recorded before this decision cite it now */
    if (rc == SQLITE_OK)
      rc = follow_ups_of(t, id, request);
  }
  if (rc == SQLITE_OK)
    rc = load_outcome(t, id, o);
  return rc;
}

int x12kit_tracker_record(x12kit_tracker *t, const x12kit_schema *schema, const char *data,
                          size_t len, int64_t now, x12kit_tracker_result **result,
                          x12kit_error *err)
{
  x12kit_error dummy;
  x12kit_tracker_result *res = NULL;
  xrun r;
  size_t i;
  int rc;

  if (err == NULL)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (result)
    *result = NULL;
  if (t == NULL || schema == NULL || (data == NULL && len > 0)) {
    x12kitp_error_set(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL,
                      "x12kit_tracker_record: no tracker, schema or data");
    return X12KIT_ERR_ARG;
  }
  memset(&r, 0, sizeof r);
  r.mem = &t->mem;
  rc = read_input(t, schema, data ? data : "", len, &r, err);
  if (rc)
    goto out;
  res = x12kitp_calloc(&t->mem, sizeof *res);
  if (res) {
    res->mem = t->mem;
    res->v = x12kitp_calloc(&t->mem, r.ntxs * sizeof *res->v);
  }
  if (res == NULL || res->v == NULL) {
    rc = nomem(err);
    goto out;
  }
  res->n = r.ntxs;
  rc = exec(t, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) {
    rc = db_error(err, rc, "starting to record");
    goto out;
  }
  for (i = 0; i < r.ntxs && rc == SQLITE_OK; i++)
    rc = store_tx(t, &r.txs[i], now, &res->v[i]);
  if (rc == SQLITE_OK)
    rc = exec(t, "COMMIT");
  if (rc != SQLITE_OK) {
    exec(t, "ROLLBACK");
    rc = db_error(err, rc, "recording");
    goto out;
  }
  rc = X12KIT_OK;
out:
  run_free(&r);
  if (rc == X12KIT_OK && result) {
    *result = res;
    res = NULL;
  }
  x12kit_tracker_result_free(res);
  return rc;
}

size_t x12kit_tracker_result_count(const x12kit_tracker_result *r)
{
  return r ? r->n : 0;
}

const x12kit_tracked_outcome *x12kit_tracker_result_at(const x12kit_tracker_result *r, size_t i)
{
  return r && i < r->n ? &r->v[i] : NULL;
}

void x12kit_tracker_result_free(x12kit_tracker_result *r)
{
  x12kit_mem m;

  if (r == NULL)
    return;
  m = r->mem;
  x12kitp_free(&m, r->v);
  x12kitp_free(&m, r);
}

/* ---- reading back ---- */

/* Strings copied out of SQLite rows, freed together. */
#define ARENA_BLOCK 4096u
typedef x12kitp_arena arena;

static void *arena_alloc(arena *a, size_t n)
{
  return x12kitp_arena_alloc(a, n, sizeof(max_align_t));
}

static const char *arena_str(arena *a, const char *s)
{
  return x12kitp_arena_dup(a, (x12kit_slice){ s, strlen(s) });
}

/* One stored line, its strings in the arena. */
typedef struct dline {
  int event, service;
  const char *action, *cert, *from, *to, *effective, *expires, *qualifier, *code, *unit, *units,
      *qty_qual, *qty;
  int used;
} dline;

#define NOMEM_RC (-1000)

/* Copies a column; NOMEM_RC stands for an arena that is out of memory. */
static const char *acol(arena *a, sqlite3_stmt *st, int i, int *fail)
{
  const char *s = arena_str(a, col_s(st, i));

  if (s == NULL) {
    *fail = 1;
    return "";
  }
  return s;
}

static int read_lines(x12kit_tracker *t, arena *a, int64_t id, dline **out, size_t *n)
{
  sqlite3_stmt *st;
  int64_t count;
  int rc = query_int(t, "SELECT count(*) FROM line WHERE message_id = ?1", id, 0, &count);
  int fail = 0;
  size_t k = 0;
  dline *v;

  *out = NULL;
  *n = 0;
  if (rc != SQLITE_OK || count == 0)
    return rc;
  v = arena_alloc(a, (size_t)count * sizeof *v);
  if (v == NULL)
    return NOMEM_RC;
  rc = prep(t, &st, "SELECT event, service, hcr_action, hcr_cert, date_from, date_to, effective,"
                    " expires, qualifier, code, unit, units, quantity_qualifier, quantity"
                    " FROM line WHERE message_id = ?1 ORDER BY ordinal");
  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, id);
  while (k < (size_t)count && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    dline *l = &v[k++];
    memset(l, 0, sizeof *l);
    l->event = (int)col_i(st, 0);
    l->service = (int)col_i(st, 1);
    l->action = acol(a, st, 2, &fail);
    l->cert = acol(a, st, 3, &fail);
    l->from = acol(a, st, 4, &fail);
    l->to = acol(a, st, 5, &fail);
    l->effective = acol(a, st, 6, &fail);
    l->expires = acol(a, st, 7, &fail);
    l->qualifier = acol(a, st, 8, &fail);
    l->code = acol(a, st, 9, &fail);
    l->unit = acol(a, st, 10, &fail);
    l->units = acol(a, st, 11, &fail);
    l->qty_qual = acol(a, st, 12, &fail);
    l->qty = acol(a, st, 13, &fail);
  }
  rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
  sqlite3_finalize(st);
  if (fail)
    return NOMEM_RC;
  *out = v;
  *n = k;
  return rc;
}

static int read_rejections(x12kit_tracker *t, arena *a, int64_t id,
                           const x12kit_tracked_rejection **out, size_t *n)
{
  sqlite3_stmt *st;
  int64_t count;
  int rc = query_int(t, "SELECT count(*) FROM rejection WHERE message_id = ?1", id, 0, &count);
  int fail = 0;
  size_t k = 0;
  x12kit_tracked_rejection *v;

  *out = NULL;
  *n = 0;
  if (rc != SQLITE_OK || count == 0)
    return rc;
  v = arena_alloc(a, (size_t)count * sizeof *v);
  if (v == NULL)
    return NOMEM_RC;
  rc = prep(t, &st, "SELECT loop, reason, follow_up FROM rejection WHERE message_id = ?1"
                    " ORDER BY ordinal");
  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, id);
  while (k < (size_t)count && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    v[k].loop = acol(a, st, 0, &fail);
    v[k].reason = acol(a, st, 1, &fail);
    v[k].action = acol(a, st, 2, &fail);
    k++;
  }
  rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
  sqlite3_finalize(st);
  if (fail)
    return NOMEM_RC;
  *out = v;
  *n = k;
  return rc;
}

/* The event line (2000E) |event| of |v|, or NULL. */
static const dline *event_line(const dline *v, size_t n, int event)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!v[i].service && v[i].event == event)
      return &v[i];
  return NULL;
}

static const dline *first_event(const dline *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!v[i].service)
      return &v[i];
  return NULL;
}

/* Fills the request's current state and services from its rows. */
static int build_request(x12kit_tracker *t, arena *a, sqlite3_stmt *q, x12kit_tracked_request *r)
{
  sqlite3_stmt *st = NULL;
  dline *ql, *rl = NULL;
  size_t nq, nr = 0, i, j, ns = 0;
  int64_t latest = 0;
  int rc, fail = 0;
  const dline *qe, *re = NULL;
  x12kit_tracked_service *sv;

  memset(r, 0, sizeof *r);
  r->id = col_i(q, 0);
  r->reference = acol(a, q, 1, &fail);
  r->created = acol(a, q, 2, &fail);
  r->payer_id = acol(a, q, 3, &fail);
  r->npi = acol(a, q, 4, &fail);
  r->submitted_at = col_i(q, 5);
  r->updated_at = r->submitted_at;
  r->trace = acol(a, q, 6, &fail);
  r->certification_type = acol(a, q, 7, &fail);
  r->follows = col_i(q, 8);
  r->follows_reference = acol(a, q, 9, &fail);
  r->decided = "";
  r->state = X12KIT_AUTH_SUBMITTED;
  r->action = r->certification = r->reason = "";
  r->approved_from = r->approved_to = r->approved_quantity = "";
  if (fail)
    return NOMEM_RC;
  /* the latest response, the count, and the newest certification number */
  rc = prep(t, &st,
            "SELECT id, state, hcr_action, hcr_cert, hcr_reason,"
            " (SELECT count(*) FROM message WHERE kind = 2 AND request_id = ?1),"
            " (SELECT max(recorded_at) FROM message WHERE kind = 2 AND request_id = ?1),"
            " (SELECT hcr_cert FROM message WHERE kind = 2 AND request_id = ?1 AND hcr_cert <> ''"
            "  ORDER BY created DESC, id DESC LIMIT 1),"
            " substr(created, 1, 8)"
            " FROM message WHERE kind = 2 AND request_id = ?1 ORDER BY created DESC, id DESC"
            " LIMIT 1");
  if (rc != SQLITE_OK)
    return rc;
  bind_i(st, 1, r->id);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    latest = col_i(st, 0);
    r->latest_response = latest;
    r->state = (int)col_i(st, 1);
    r->action = acol(a, st, 2, &fail);
    r->certification = acol(a, st, 3, &fail);
    r->reason = acol(a, st, 4, &fail);
    r->responses = (unsigned long)col_i(st, 5);
    if (sqlite3_column_type(st, 6) != SQLITE_NULL)
      r->updated_at = col_i(st, 6);
    if (!*r->certification)
      r->certification = acol(a, st, 7, &fail);
    r->decided = acol(a, st, 8, &fail);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_OK)
    return rc;
  if (fail)
    return NOMEM_RC;
  rc = read_lines(t, a, r->id, &ql, &nq);
  if (rc == SQLITE_OK && latest)
    rc = read_lines(t, a, latest, &rl, &nr);
  if (rc == SQLITE_OK && latest)
    rc = read_rejections(t, a, latest, &r->rejections, &r->nrejections);
  if (rc != SQLITE_OK)
    return rc;
  qe = first_event(ql, nq);
  if (latest)
    re = first_event(rl, nr);
  r->requested_from = qe ? qe->from : "";
  r->requested_to = qe ? qe->to : "";
  r->quantity_qualifier = qe ? qe->qty_qual : "";
  r->requested_quantity = qe ? qe->qty : "";
  for (i = 0; i < nq; i++)
    ns += ql[i].service;
  if (!*r->requested_from)
    for (i = 0; i < nq && !*r->requested_from; i++)
      if (ql[i].service) {
        r->requested_from = ql[i].from;
        r->requested_to = ql[i].to;
      }
  sv = ns ? arena_alloc(a, ns * sizeof *sv) : NULL;
  if (ns && sv == NULL)
    return NOMEM_RC;
  ns = 0;
  for (i = 0; i < nq; i++) {
    x12kit_tracked_service *s;
    const dline *m = NULL;
    if (!ql[i].service)
      continue;
    s = &sv[ns++];
    s->qualifier = ql[i].qualifier;
    s->procedure = ql[i].code;
    s->unit = ql[i].unit;
    s->requested_units = ql[i].units;
    s->from = ql[i].from;
    s->to = ql[i].to;
    s->action = s->certification = s->approved_units = "";
    s->approved_from = s->approved_to = "";
    /* the latest response's line for the same procedure, in order */
    for (j = 0; j < nr && m == NULL; j++)
      if (rl[j].service && !rl[j].used && strcmp(rl[j].code, ql[i].code) == 0 &&
          strcmp(rl[j].qualifier, ql[i].qualifier) == 0) {
        m = &rl[j];
        rl[j].used = 1;
      }
    if (m) {
      const dline *ev = event_line(rl, nr, m->event);
      s->action = *m->action ? m->action : ev ? ev->action : "";
      s->certification = *m->cert ? m->cert : ev ? ev->cert : "";
      if (approving(s->action)) {
        s->approved_units = *m->units ? m->units
                            : strcmp(s->action, "A1") == 0 ? s->requested_units : "";
        s->approved_from = *m->effective ? m->effective : m->from;
        s->approved_to = *m->expires ? m->expires : m->to;
      }
    } else if (re && *re->action) {
      /* the response answered for the event only */
      s->action = re->action;
      s->certification = re->cert;
      if (strcmp(re->action, "A1") == 0) {
        s->approved_units = s->requested_units;
        s->approved_from = *re->effective ? re->effective : s->from;
        s->approved_to = *re->expires ? re->expires : s->to;
      }
    }
  }
  r->services = sv;
  r->nservices = ns;
  if (latest && state_approves(r->state)) {
    if (re && (*re->effective || *re->expires)) {
      r->approved_from = re->effective;
      r->approved_to = re->expires;
    } else if (re && *re->from) {
      r->approved_from = re->from;
      r->approved_to = re->to;
    } else {
      for (i = 0; i < ns && !*r->approved_from; i++)
        if (*sv[i].approved_from) {
          r->approved_from = sv[i].approved_from;
          r->approved_to = sv[i].approved_to;
        }
    }
    r->approved_quantity = re ? re->qty : "";
  }
  return SQLITE_OK;
}

/* A read transaction, unless one is open already (a call from a callback). */
static int begin_read(x12kit_tracker *t, int *began)
{
  int rc = SQLITE_OK;

  *began = 0;
  if (sqlite3_get_autocommit(t->db)) {
    rc = exec(t, "BEGIN");
    *began = rc == SQLITE_OK;
  }
  return rc;
}

static int read_error(x12kit_error *err, int rc, const char *what)
{
  if (rc == NOMEM_RC)
    return nomem(err);
  return db_error(err, rc, what);
}

int x12kit_tracker_list(x12kit_tracker *t, const x12kit_tracker_filter *filter,
                        x12kit_tracker_request_cb cb, void *user_data, x12kit_error *err)
{
  x12kit_error dummy;
  sqlite3_stmt *q = NULL;
  arena a;
  const char *ref = filter && filter->reference && *filter->reference ? filter->reference : NULL;
  int want = filter ? filter->state : 0;
  int rc, stop = 0, began = 0;

  if (err == NULL)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (t == NULL || cb == NULL || want < 0 || want > X12KIT_AUTH_STATE_MAX) {
    x12kitp_error_set(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL,
                      "x12kit_tracker_list: no tracker or callback, or an unknown state");
    return X12KIT_ERR_ARG;
  }
  x12kitp_arena_init(&a, &t->mem, ARENA_BLOCK);
  /* one read transaction: a consistent view while another process records */
  rc = begin_read(t, &began);
  if (rc != SQLITE_OK)
    return db_error(err, rc, "listing");
  rc = prep(t, &q,
            "SELECT id, reference, created, payer_id, npi, recorded_at,"
            " (SELECT number FROM trace WHERE message_id = message.id AND trn_type = '1'"
            "  ORDER BY ordinal LIMIT 1),"
            " cert_type, coalesce(follows_id, 0),"
            " coalesce((SELECT f.reference FROM message f WHERE f.id = message.follows_id), '')"
            " FROM message WHERE kind = 1 AND (?1 IS NULL OR reference = ?1) ORDER BY id");
  if (rc == SQLITE_OK) {
    if (ref)
      bind_s(q, 1, ref);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
      x12kit_tracked_request r;
      rc = build_request(t, &a, q, &r);
      if (rc != SQLITE_OK)
        break;
      if ((!want || r.state == want) && cb(user_data, &r)) {
        stop = 1;
        break;
      }
      x12kitp_arena_free(&a);
    }
    if (rc == SQLITE_DONE || stop)
      rc = SQLITE_OK;
  }
  sqlite3_finalize(q);
  x12kitp_arena_free(&a);
  if (began)
    exec(t, "COMMIT");
  if (rc != SQLITE_OK)
    return read_error(err, rc, "listing");
  if (stop) {
    x12kitp_error_set(err, X12KIT_ERR_ABORTED, X12KIT_ACK_NONE, NULL, "stopped by callback");
    return X12KIT_ERR_ABORTED;
  }
  return X12KIT_OK;
}

/* Calls |cb| for every response row of |q| (columns in the order below). */
static int each_response(x12kit_tracker *t, sqlite3_stmt *q, x12kit_tracker_response_cb cb,
                         void *user_data, int *stop)
{
  arena a;
  int rc;

  x12kitp_arena_init(&a, &t->mem, ARENA_BLOCK);
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    x12kit_tracked_response r;
    int fail = 0;
    memset(&r, 0, sizeof r);
    r.id = col_i(q, 0);
    r.request_id = col_i(q, 1);
    r.match = (int)col_i(q, 2);
    r.reference = acol(&a, q, 3, &fail);
    r.created = acol(&a, q, 4, &fail);
    r.payer_id = acol(&a, q, 5, &fail);
    r.npi = acol(&a, q, 6, &fail);
    r.state = (int)col_i(q, 7);
    r.action = acol(&a, q, 8, &fail);
    r.certification = acol(&a, q, 9, &fail);
    r.reason = acol(&a, q, 10, &fail);
    r.type_code = acol(&a, q, 11, &fail);
    r.recorded_at = col_i(q, 12);
    if (fail) {
      rc = NOMEM_RC;
      break;
    }
    rc = read_rejections(t, &a, r.id, &r.rejections, &r.nrejections);
    if (rc != SQLITE_OK)
      break;
    if (cb(user_data, &r)) {
      *stop = 1;
      break;
    }
    x12kitp_arena_free(&a);
  }
  x12kitp_arena_free(&a);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

#define RESPONSE_COLUMNS                                                                        \
  "SELECT id, coalesce(request_id, 0), matched_by, reference, created, payer_id, npi, state,"   \
  " hcr_action, hcr_cert, hcr_reason, type_code, recorded_at FROM message"

static int responses(x12kit_tracker *t, const char *sql, int64_t id, const char *ref,
                     x12kit_tracker_response_cb cb, void *user_data, x12kit_error *err)
{
  sqlite3_stmt *q = NULL;
  int rc, stop = 0, began = 0;

  rc = begin_read(t, &began);
  if (rc != SQLITE_OK)
    return db_error(err, rc, "reading responses");
  rc = prep(t, &q, sql);
  if (rc == SQLITE_OK) {
    bind_i(q, 1, id);
    if (ref)
      bind_s(q, 2, ref);
    rc = each_response(t, q, cb, user_data, &stop);
  }
  sqlite3_finalize(q);
  if (began)
    exec(t, "COMMIT");
  if (rc != SQLITE_OK)
    return read_error(err, rc, "reading responses");
  if (stop) {
    x12kitp_error_set(err, X12KIT_ERR_ABORTED, X12KIT_ACK_NONE, NULL, "stopped by callback");
    return X12KIT_ERR_ABORTED;
  }
  return X12KIT_OK;
}

int x12kit_tracker_history(x12kit_tracker *t, int64_t request_id, x12kit_tracker_response_cb cb,
                           void *user_data, x12kit_error *err)
{
  x12kit_error dummy;

  if (err == NULL)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (t == NULL || cb == NULL || request_id <= 0) {
    x12kitp_error_set(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL,
                      "x12kit_tracker_history: no tracker, callback or request");
    return X12KIT_ERR_ARG;
  }
  return responses(t, RESPONSE_COLUMNS " WHERE kind = 2 AND request_id = ?1"
                   " ORDER BY created, id", request_id, NULL, cb, user_data, err);
}

int x12kit_tracker_unmatched(x12kit_tracker *t, const char *reference,
                             x12kit_tracker_response_cb cb, void *user_data, x12kit_error *err)
{
  x12kit_error dummy;

  if (err == NULL)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (t == NULL || cb == NULL) {
    x12kitp_error_set(err, X12KIT_ERR_ARG, X12KIT_ACK_NONE, NULL,
                      "x12kit_tracker_unmatched: no tracker or callback");
    return X12KIT_ERR_ARG;
  }
  if (reference && !*reference)
    reference = NULL;
  return responses(t, RESPONSE_COLUMNS " WHERE kind = 2 AND request_id IS NULL"
                   " AND (?2 IS NULL OR reference = ?2) ORDER BY id",
                   0, reference, cb, user_data, err);
}
