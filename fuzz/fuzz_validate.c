/*
 * x12kit - libFuzzer target for the validator, the loop tree, the 999
 * and TA1 builder and the acknowledgment explainer.
 *
 * Input: X12, lexed whole (fuzz_lexer.c covers chunking).  The schema
 * is loaded once, from $X12KIT_SCHEMA_DIR, else the directory given at
 * build time as X12KIT_FUZZ_SCHEMA_DIR, else the library's default.
 *
 * Pass 1 gives every segment to a validator with all three callbacks
 * and to an explainer.  Events and findings go to an acknowledgment
 * builder; the transaction callback walks the whole loop tree through
 * every accessor and looks nodes up by path and elements by name.  Then
 * the 999 and the TA1 are written (through a writer that sometimes
 * fails on purpose) and, when written, lexed back and explained.
 *
 * Pass 2 resets the validator and runs again without the transaction
 * callback: the findings must be the same, so building the tree cannot
 * change what is reported.
 *
 * Findings, refusals and writer errors are normal answers to hostile
 * input; crashes, leaks, sanitizer reports and broken invariants are
 * failures, and the invariants abort().  Every handle allocates through
 * counting hooks, so nothing may be left allocated at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Acknowledgment output kept for the read-back; more is only counted. */
#define ACK_KEEP (1024u * 1024u)

/* Nodes per transaction whose lookups are checked (each costs a scan). */
#define FIND_MAX 256

/* --- the schema, loaded once -------------------------------------------- */

static const x12kit_schema *schema;

static void load_schema(void)
{
  schema = fuzz_schema("fuzz_validate");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  load_schema();
  return 0;
}

/* --- one pass ------------------------------------------------------------ */

struct run {
  const char *input;
  size_t size;
  int show;                    /* show_data for lexer, validator and builder */
  x12kit_validator *v;
  x12kit_ack *ack;             /* pass 1 only */
  x12kit_explainer *ex;        /* pass 1 only */
  int tree;                    /* the transaction callback is set */

  unsigned long given;         /* segments given to the validator */
  unsigned long findings;
  unsigned long finding_sum;   /* fold of every formatted finding, in order */
  unsigned long interchanges, groups, transactions;

  /* open units, as the events tell them */
  int in_ic, in_grp, in_tx;
  int tx_walked;               /* the transaction callback ran for the open one */

  /* the tree walk of one transaction */
  unsigned long last_segment;
  unsigned nodes;

  unsigned long sink;
};

static int on_event(void *user_data, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  struct run *run = user_data;

  CHECK(info != NULL && pos != NULL, "event without info or position");
  CHECK(pos->segment <= run->given, "event about a segment not given yet");

  /* The nesting the acknowledgment builder relies on. */
  switch (ev) {
  case X12KIT_INTERCHANGE_BEGIN: {
    const x12kit_interchange_info *ii = info;
    CHECK(!run->in_ic, "interchange begins inside an interchange");
    run->in_ic = 1;
    run->interchanges++;
    CHECK_STR(ii->auth_qualifier);
    CHECK_STR(ii->security_qualifier);
    CHECK_STR(ii->sender_qualifier);
    CHECK_STR(ii->sender_id);
    CHECK_STR(ii->receiver_qualifier);
    CHECK_STR(ii->receiver_id);
    CHECK_STR(ii->date);
    CHECK_STR(ii->time);
    CHECK_STR(ii->version);
    CHECK_STR(ii->control);
    run->sink = fuzz_fold(run->sink, ii->control, strlen(ii->control));
    break;
  }
  case X12KIT_INTERCHANGE_END:
    CHECK(run->in_ic && !run->in_grp && !run->in_tx, "interchange ends with a unit open");
    run->in_ic = 0;
    break;
  case X12KIT_GROUP_BEGIN: {
    const x12kit_group_info *gi = info;
    CHECK(run->in_ic && !run->in_grp && !run->in_tx, "group begins out of place");
    run->in_grp = 1;
    run->groups++;
    CHECK_STR(gi->functional_id);
    CHECK_STR(gi->sender);
    CHECK_STR(gi->receiver);
    CHECK_STR(gi->date);
    CHECK_STR(gi->time);
    CHECK_STR(gi->control);
    CHECK_STR(gi->agency);
    CHECK_STR(gi->version);
    run->sink = fuzz_fold(run->sink, gi->control, strlen(gi->control));
    break;
  }
  case X12KIT_GROUP_END:
    CHECK(run->in_grp && !run->in_tx, "group ends with a transaction open");
    run->in_grp = 0;
    break;
  case X12KIT_TRANSACTION_BEGIN: {
    const x12kit_transaction_info *ti = info;
    CHECK(run->in_ic && !run->in_tx, "transaction begins out of place");
    run->in_tx = 1;
    run->tx_walked = 0;
    run->transactions++;
    CHECK_STR(ti->id);
    CHECK_STR(ti->control);
    CHECK_STR(ti->version);
    run->sink = fuzz_fold(run->sink, ti->control, strlen(ti->control));
    break;
  }
  case X12KIT_TRANSACTION_END:
    CHECK(run->in_tx, "transaction ends without beginning");
    CHECK(!run->tree || run->tx_walked,
          "transaction ended without its transaction callback");
    run->in_tx = 0;
    break;
  default:
    FAIL("unknown envelope event");
  }
  if (run->ack != NULL)
    CHECK(x12kit_ack_event(run->ack, ev, info) == X12KIT_OK,
          "acknowledgment builder refused an event of the validator");
  return 0;
}

static int on_finding(void *user_data, const x12kit_error *err)
{
  struct run *run = user_data;
  char line[1024];
  int n;

  run->findings++;
  run->sink += fuzz_check_error(err, run->show);
  CHECK(err->pos.segment <= run->given, "finding about a segment not given yet");
  n = x12kit_error_format(err, line, sizeof line);
  run->finding_sum = fuzz_fold(run->finding_sum * 7 + (unsigned long)err->ack_kind, line,
                               (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  if (run->ack != NULL)
    CHECK(x12kit_ack_finding(run->ack, err) == X12KIT_OK,
          "acknowledgment builder refused a finding of the validator");
  return 0;
}

/* --- the loop tree --------------------------------------------------------- */

static void check_slice_in(x12kit_slice s, x12kit_slice raw, const char *what)
{
  if (s.len == 0)
    return;
  CHECK(s.ptr != NULL && s.ptr >= raw.ptr && s.len <= raw.len
        && (size_t)(s.ptr - raw.ptr) <= raw.len - s.len, what);
}

/* Elements of a segment node, by reference designator and by name. */
static void check_node_elements(struct run *run, const x12kit_node *n, const x12kit_segment *seg)
{
  static const char *const names[] = {
    "Entity Identifier Code", "entity identifier CODE", "Hierarchical ID Number",
    "Trace Number", "Subscriber Primary Identifier", "Transaction Set Control Number",
    "Eligibility or Benefit Information Code", "Service Type Code", "", " ", "NM1", "01",
    "-1"
  };
  static const char *const suffixes[] = {
    "01", "02", "03", "09", "13", "99", "00", "01-1", "01-2", "13-2", "03-0", "01-",
    "01-99999999999999999999", "01-4294967297", "1", "001", "01x"
  };
  const char *id = x12kit_node_id(n);
  x12kit_slice raw = x12kit_segment_raw(seg);
  size_t i, count = x12kit_segment_count(seg);
  char name[64];

  for (i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    x12kit_slice s;

    snprintf(name, sizeof name, "%s%s", id, suffixes[i]);
    s = x12kit_node_element(n, name);
    check_slice_in(s, raw, "x12kit_node_element outside its segment");
    if (strlen(suffixes[i]) == 2) {
      /* NM109 is element 9 */
      size_t pos = (size_t)(suffixes[i][0] - '0') * 10 + (size_t)(suffixes[i][1] - '0');
      x12kit_slice e = x12kit_segment_element(seg, pos);

      CHECK(s.len == e.len && (s.len == 0 || s.ptr == e.ptr),
            "x12kit_node_element by designator is not the element");
      if (pos > count)
        CHECK(s.len == 0, "x12kit_node_element past the last element");
    }
    run->sink = fuzz_fold(run->sink, s.ptr, s.len);
  }
  for (i = 0; i < sizeof names / sizeof *names; i++) {
    x12kit_slice s = x12kit_node_element(n, names[i]);

    check_slice_in(s, raw, "x12kit_node_element by name outside its segment");
    run->sink = fuzz_fold(run->sink, s.ptr, s.len);
  }
  CHECK(x12kit_node_element(n, NULL).len == 0, "x12kit_node_element(NULL)");
}

/* The first child of |n| with ID |id|, as x12kit_node_find promises. */
static const x12kit_node *first_child_with(const x12kit_node *n, const char *id)
{
  const x12kit_node *c;

  if (n == NULL)
    return NULL;
  for (c = x12kit_node_first_child(n); c != NULL; c = x12kit_node_next(c))
    if (strcmp(x12kit_node_id(c), id) == 0)
      return c;
  return NULL;
}

/* One- and two-step lookups that lead to |n|'s ID, from its parent and grandparent. */
static void check_find(const x12kit_node *n)
{
  const x12kit_node *parent = x12kit_node_parent(n), *grand, *want;
  char path[64];

  if (parent == NULL)
    return;
  want = first_child_with(parent, x12kit_node_id(n));
  CHECK(want != NULL, "a node is not among its parent's children");
  CHECK(x12kit_node_find(parent, x12kit_node_id(n)) == want,
        "x12kit_node_find is not the first child with the ID");
  grand = x12kit_node_parent(parent);
  if (grand == NULL)
    return;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", x12kit_node_id(parent), x12kit_node_id(n))
      >= sizeof path)
    return;
  want = first_child_with(first_child_with(grand, x12kit_node_id(parent)), x12kit_node_id(n));
  CHECK(x12kit_node_find(grand, path) == want, "x12kit_node_find over two steps");
}

static void walk_node(struct run *run, const x12kit_node *n, unsigned depth)
{
  const char *id = x12kit_node_id(n), *name = x12kit_node_name(n);
  const x12kit_segment *seg = x12kit_node_segment(n);
  const x12kit_node *c;

  CHECK(depth <= 64, "loop tree too deep");
  CHECK(id != NULL && name != NULL, "node without ID or name");
  run->sink = fuzz_fold(run->sink, id, strlen(id));
  run->sink = fuzz_fold(run->sink, name, strlen(name));
  if (run->nodes++ < FIND_MAX)
    check_find(n);

  switch (x12kit_node_kind_of(n)) {
  case X12KIT_NODE_SEGMENT: {
    const x12kit_position *pos;
    x12kit_slice raw;

    CHECK(seg != NULL, "segment node without a segment");
    CHECK(x12kit_node_first_child(n) == NULL, "segment node with children");
    CHECK(strcmp(id, x12kit_segment_id(seg)) == 0, "segment node ID is not the segment's");
    /* The tree holds copies of input segments, in input order. */
    pos = x12kit_segment_position(seg);
    raw = x12kit_segment_raw(seg);
    CHECK(pos->segment > run->last_segment, "tree segments out of input order");
    CHECK(pos->segment <= run->given, "tree holds a segment not given yet");
    run->last_segment = pos->segment;
    CHECK(pos->byte_offset <= run->size && raw.len <= run->size - pos->byte_offset
          && (raw.len == 0 || memcmp(run->input + pos->byte_offset, raw.ptr, raw.len) == 0),
          "tree segment is not the input at its offset");
    check_node_elements(run, n, seg);
    break;
  }
  case X12KIT_NODE_LOOP:
    CHECK(seg == NULL, "loop node with a segment");
    CHECK(depth == 0 ? id[0] == '\0' : id[0] != '\0', "loop ID empty below the root");
    if (depth > 0) {
      c = x12kit_node_first_child(n);
      CHECK(c != NULL && x12kit_node_kind_of(c) == X12KIT_NODE_SEGMENT,
            "loop instance does not start with a segment");
    }
    break;
  default:
    FAIL("unknown node kind");
  }
  for (c = x12kit_node_first_child(n); c != NULL; c = x12kit_node_next(c)) {
    CHECK(x12kit_node_parent(c) == n, "child's parent is not its parent");
    walk_node(run, c, depth + 1);
  }
}

/* Paths from the guides, and odd ones. */
static void check_paths(struct run *run, const x12kit_node *root)
{
  static const char *const paths[] = {
    "ST", "BHT", "SE", "2000A", "2000A/HL", "2000A/2100A/NM1", "2000A/2000B/2100B/NM1",
    "2000A/2000B/2000C/2100C/NM1", "2000A/2000B/2000C/2100C/2110C/EB",
    "2000A/2000B/2000C/2100C/2110C/2120C/NM1", "2000A/2000B/2000C/2000D/2100D/NM1",
    "2000A/2000B/2000C/2000D/2000E/2000F/UM", "2000A/2100A/NM1/NM1", "", "/", "//",
    "2000A/", "/2000A", "2000A//HL", "2000A/2000B/", "NOPE/NOPE", "20"
  };
  size_t i;

  for (i = 0; i < sizeof paths / sizeof *paths; i++) {
    const x12kit_node *r = x12kit_node_find(root, paths[i]), *up;
    const char *p = paths[i], *last = NULL, *q;
    size_t last_len = 0;
    unsigned steps = 0, depth = 0;

    /* Non-empty steps, and the last of them. */
    for (q = p; *q;) {
      size_t len = strcspn(q, "/");
      if (len > 0) {
        last = q;
        last_len = len;
        steps++;
      }
      q += len;
      if (*q == '/')
        q++;
    }
    if (r == NULL)
      continue;
    CHECK(last != NULL, "x12kit_node_find found something for an empty path");
    CHECK(strlen(x12kit_node_id(r)) == last_len
          && memcmp(x12kit_node_id(r), last, last_len) == 0,
          "x12kit_node_find gave a node with another ID");
    for (up = r; up != NULL && up != root; up = x12kit_node_parent(up))
      depth++;
    CHECK(up == root && depth == steps, "x12kit_node_find left the tree or skipped a level");
    run->sink++;
  }
  CHECK(x12kit_node_find(root, NULL) == NULL, "x12kit_node_find(NULL path)");
  CHECK(x12kit_node_find(NULL, "ST") == NULL, "x12kit_node_find(NULL node)");
}

/* The business unit for the 999, as the CLI does it: the first TRN02. */
static const x12kit_node *first_segment_with(const x12kit_node *n, const char *id)
{
  const x12kit_node *c, *r;

  for (c = x12kit_node_first_child(n); c != NULL; c = x12kit_node_next(c)) {
    if (x12kit_node_kind_of(c) == X12KIT_NODE_SEGMENT) {
      if (strcmp(x12kit_node_id(c), id) == 0)
        return c;
    } else if ((r = first_segment_with(c, id)) != NULL) {
      return r;
    }
  }
  return NULL;
}

static int on_transaction(void *user_data, const x12kit_guide *guide,
                          const x12kit_transaction_info *st, const x12kit_node *root)
{
  struct run *run = user_data;
  const x12kit_node *trn;

  CHECK(run->tree, "transaction callback that was not set");
  CHECK(run->in_tx, "transaction callback outside a transaction");
  CHECK(!run->tx_walked, "transaction callback twice for one transaction");
  run->tx_walked = 1;
  CHECK(st != NULL && root != NULL, "transaction callback without info or tree");
  CHECK_STR(st->id);
  CHECK_STR(st->control);
  CHECK_STR(st->version);
  if (guide != NULL) {
    CHECK(x12kit_guide_id(guide) != NULL && x12kit_guide_name(guide) != NULL
          && x12kit_guide_transaction(guide) != NULL && x12kit_guide_version(guide) != NULL
          && x12kit_guide_functional_id(guide) != NULL, "guide accessor returned NULL");
    CHECK(strcmp(x12kit_guide_transaction(guide), st->id) == 0,
          "guide for another transaction set");
  }

  CHECK(x12kit_node_kind_of(root) == X12KIT_NODE_LOOP, "tree root is not a loop");
  CHECK(x12kit_node_parent(root) == NULL, "tree root has a parent");
  CHECK(x12kit_node_next(root) == NULL, "tree root has a sibling");
  run->last_segment = 0;
  run->nodes = 0;
  walk_node(run, root, 0);
  check_paths(run, root);

  trn = first_segment_with(root, "TRN");
  if (trn != NULL && run->ack != NULL) {
    x12kit_slice s = x12kit_node_element(trn, "TRN02");
    char value[64];
    int rc;

    if (s.len < sizeof value) {
      memcpy(value, s.len ? s.ptr : "", s.len);
      value[s.len] = '\0';
      rc = x12kit_ack_context(run->ack, "TRN02", value);
      CHECK(rc == X12KIT_OK || rc == X12KIT_ERR_DATA || rc == X12KIT_ERR_STATE,
            "x12kit_ack_context status");
    }
  }
  return 0;
}

static int on_line(void *user_data, const char *line)
{
  unsigned long *sink = user_data;

  CHECK(line != NULL, "explainer gave a NULL line");
  CHECK(strchr(line, '\n') == NULL, "explainer line holds a line break");
  *sink = fuzz_fold(*sink, line, strlen(line));
  return 0;
}

static int on_segment(void *user_data, const x12kit_segment *seg)
{
  struct run *run = user_data;

  run->given++;
  CHECK(x12kit_validator_segment(run->v, seg) == X12KIT_OK, "x12kit_validator_segment");
  if (run->ex != NULL)
    CHECK(x12kit_explainer_segment(run->ex, seg) == X12KIT_OK, "x12kit_explainer_segment");
  return 0;
}

/* Lexes the input whole into the validator (and explainer); returns the lexer status. */
static int pass(struct run *run, x12kit_lexer *lx)
{
  int rc;

  run->given = 0;
  run->findings = run->finding_sum = 0;
  run->interchanges = run->groups = run->transactions = 0;
  run->in_ic = run->in_grp = run->in_tx = 0;
  rc = x12kit_lexer_parse(lx, run->input, run->size, 1, on_segment, run);
  CHECK(rc == X12KIT_END || (rc < 0 && rc != X12KIT_ERR_ABORTED), "x12kit_lexer_parse status");
  if (rc == X12KIT_END)
    CHECK(x12kit_lexer_error(lx) == NULL, "error details after a clean end");
  else
    run->sink += fuzz_check_error(x12kit_lexer_error(lx), run->show);

  CHECK(x12kit_validator_finish(run->v) == X12KIT_OK, "x12kit_validator_finish");
  CHECK(!run->in_ic && !run->in_grp && !run->in_tx, "unit left open after finish");
  CHECK(x12kit_validator_error_count(run->v) == run->findings,
        "validator error count differs from the callbacks");
  return rc;
}

/* --- acknowledgments ------------------------------------------------------ */

struct out {
  char *buf;                   /* the first ACK_KEEP bytes */
  size_t len;
  uint64_t total;
  uint64_t fail_at;            /* the write that would pass this fails */
};

static int write_out(void *user_data, const char *buf, size_t len)
{
  struct out *o = user_data;

  CHECK(len == 0 || buf != NULL, "writer passed NULL bytes");
  if (o->total + len > o->fail_at)
    return -1;
  if (len <= ACK_KEEP - o->len) {
    memcpy(o->buf + o->len, buf, len);
    o->len += len;
  }
  o->total += len;
  return 0;
}

/* A written acknowledgment lexes cleanly and explains. */
static void read_back(struct run *run, const struct out *o)
{
  const x12kit_segment *seg;
  x12kit_explainer *ex;
  x12kit_lexer *lx;
  int rc;

  CHECK(x12kit_lexer_new(&lx, &fuzz_hooks) == X12KIT_OK, "x12kit_lexer_new");
  CHECK(x12kit_explainer_new(&ex, schema, on_line, &run->sink, &fuzz_hooks) == X12KIT_OK,
        "x12kit_explainer_new");
  CHECK(x12kit_lexer_feed(lx, o->buf, o->len) == X12KIT_OK, "x12kit_lexer_feed");
  CHECK(x12kit_lexer_finish(lx) == X12KIT_OK, "x12kit_lexer_finish");
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
    CHECK(x12kit_explainer_segment(ex, seg) == X12KIT_OK, "explaining a written acknowledgment");
  if (rc != X12KIT_END) {
    char msg[512];

    x12kit_error_format(x12kit_lexer_error(lx), msg, sizeof msg);
    fprintf(stderr, "fuzz_validate: written acknowledgment: %s\n", msg);
    FAIL("a written acknowledgment does not lex");
  }
  CHECK(x12kit_explainer_finish(ex) == X12KIT_OK, "a written acknowledgment does not explain");
  x12kit_explainer_free(ex);
  x12kit_lexer_free(lx);
}

static void write_ack(struct run *run, int ta1, char *buf)
{
  static const x12kit_ack_options opt = {
    NULL, NULL, NULL, NULL, "240115", "1030", 0, 0
  };
  struct out o;
  x12kit_writer *w;
  int rc;

  o.buf = buf;
  o.len = 0;
  o.total = 0;
  /* One input in five has the writer fail somewhere in its output. */
  o.fail_at = run->size % 5 == 4 ? (uint64_t)(run->size * 7 % 1500) : UINT64_MAX;
  CHECK(x12kit_writer_new(&w, write_out, &o, NULL, &fuzz_hooks) == X12KIT_OK,
        "x12kit_writer_new");
  rc = ta1 ? x12kit_ack_write_ta1(run->ack, w, &opt) : x12kit_ack_write_999(run->ack, w, &opt);
  CHECK(rc <= 0, "acknowledgment writer returned a positive status");
  if (rc == X12KIT_OK)
    rc = x12kit_writer_flush(w);
  if (rc == X12KIT_ERR_STATE && o.total == 0) {
    CHECK((ta1 ? run->interchanges : run->groups) == 0,
          "nothing to acknowledge, yet the input had a unit");
  } else if (rc != X12KIT_OK) {
    const x12kit_error *err = x12kit_writer_error(w);

    CHECK(err != NULL && err->code == rc, "acknowledgment failed without writer error details");
    run->sink += fuzz_check_error(err, run->show);
  } else {
    CHECK((ta1 ? run->interchanges : run->groups) > 0, "acknowledged a unit never seen");
    if (o.total == o.len)
      read_back(run, &o);
  }
  x12kit_writer_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct run run;
  x12kit_lexer *lx = NULL;
  unsigned long findings, finding_sum;
  char *input, *ackbuf;
  int rc1, rc2, rc;

  load_schema();

  /* A block of exactly the input's size, so over-reads are caught. */
  input = fuzz_xrealloc(NULL, size);
  if (size)
    memcpy(input, data, size);

  memset(&run, 0, sizeof run);
  run.input = input;
  run.size = size;
  run.show = (int)(size & 1);

  CHECK(x12kit_lexer_new(&lx, &fuzz_hooks) == X12KIT_OK, "x12kit_lexer_new");
  CHECK(x12kit_validator_new(&run.v, schema, &fuzz_hooks) == X12KIT_OK,
        "x12kit_validator_new");
  CHECK(x12kit_ack_new(&run.ack, &fuzz_hooks) == X12KIT_OK, "x12kit_ack_new");
  CHECK(x12kit_explainer_new(&run.ex, schema, on_line, &run.sink, &fuzz_hooks) == X12KIT_OK,
        "x12kit_explainer_new");
  x12kit_lexer_set_show_data(lx, run.show);
  x12kit_validator_set_show_data(run.v, run.show);
  x12kit_ack_set_show_data(run.ack, run.show);

  /* Pass 1: everything. */
  run.tree = 1;
  x12kit_validator_set_callbacks(run.v, on_event, on_finding, on_transaction, &run);
  rc1 = pass(&run, lx);
  findings = run.findings;
  finding_sum = run.finding_sum;
  rc = x12kit_explainer_finish(run.ex);
  CHECK(rc == X12KIT_OK || rc == X12KIT_ERR_ARG, "x12kit_explainer_finish status");
  CHECK(x12kit_ack_rejected(run.ack) == 0 || findings > 0, "rejected without a finding");

  ackbuf = fuzz_xrealloc(NULL, ACK_KEEP);
  write_ack(&run, 0, ackbuf);
  write_ack(&run, 1, ackbuf);
  free(ackbuf);

  /* Pass 2: no tree, no builder; the same findings. */
  x12kit_lexer_reset(lx);
  x12kit_lexer_set_show_data(lx, run.show);
  x12kit_validator_reset(run.v);
  CHECK(x12kit_validator_error_count(run.v) == 0, "reset validator has findings");
  x12kit_explainer_free(run.ex);
  run.ex = NULL;
  x12kit_ack_free(run.ack);
  run.ack = NULL;
  run.tree = 0;
  x12kit_validator_set_callbacks(run.v, on_event, on_finding, NULL, &run);
  rc2 = pass(&run, lx);
  CHECK(rc2 == rc1, "second pass ended with another lexer status");
  CHECK(run.findings == findings && run.finding_sum == finding_sum,
        "findings differ without the transaction callback");

  x12kit_validator_free(run.v);
  x12kit_lexer_free(lx);
  CHECK(fuzz_mem_live == 0, "library leaked blocks from its allocator hooks");
  free(input);

  /* Keep the folded reads alive. */
  if (run.sink == 1)
    fputc('\0', stderr);
  return 0;
}
