/*
 * x12kit tests - implementation-guide validation, the loop tree, and the
 * 999 written from what the validator finds.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* ---- running the validator ---- */

#define MAX_FINDINGS 64

typedef struct run {
  x12kit_error findings[MAX_FINDINGS];
  size_t nfindings;
  char guides[8][16];
  size_t nguides;
  int (*on_tree)(const x12kit_node *root);
  x12kit_ack *ack;
  int abort_at;                       /* stop at this finding (1-based), 0 never */
  int skip_elements;                  /* x12kit_validator_set_skip_elements */
  int record_shape;                   /* keep the loop trees' shape below */
  char shape[8192];                   /* the loop trees, as "loop(segment ...)" text */
  size_t shape_len;
} run;

static int rec_finding(void *ud, const x12kit_error *e)
{
  run *r = ud;

  if (r->nfindings < MAX_FINDINGS)
    r->findings[r->nfindings] = *e;
  r->nfindings++;
  if (r->ack)
    assert_int_equal(x12kit_ack_finding(r->ack, e), X12KIT_OK);
  return r->abort_at && (int)r->nfindings == r->abort_at;
}

static int rec_event(void *ud, x12kit_envelope_event ev, const void *info,
                     const x12kit_position *pos)
{
  run *r = ud;

  (void)pos;
  if (r->ack)
    assert_int_equal(x12kit_ack_event(r->ack, ev, info), X12KIT_OK);
  return 0;
}

/* The first TRN of the transaction, wherever its guide puts it. */
static const x12kit_node *first_trn(const x12kit_node *n)
{
  const x12kit_node *c, *hit;

  for (c = x12kit_node_first_child(n); c; c = x12kit_node_next(c)) {
    if (x12kit_node_kind_of(c) == X12KIT_NODE_SEGMENT) {
      if (strcmp(x12kit_node_id(c), "TRN") == 0)
        return c;
    } else if ((hit = first_trn(c)) != NULL) {
      return hit;
    }
  }
  return NULL;
}

/* Appends the loop tree under |n| to r->shape: "ID(child child ...)". */
static void shape_of(run *r, const x12kit_node *n)
{
  const x12kit_node *c;
  size_t room = sizeof r->shape - r->shape_len;
  int k;

  k = snprintf(r->shape + r->shape_len, room, "%s%s", x12kit_node_id(n),
               x12kit_node_kind_of(n) == X12KIT_NODE_LOOP ? "(" : " ");
  assert_true(k > 0 && (size_t)k < room);
  r->shape_len += (size_t)k;
  if (x12kit_node_kind_of(n) != X12KIT_NODE_LOOP)
    return;
  for (c = x12kit_node_first_child(n); c; c = x12kit_node_next(c))
    shape_of(r, c);
  assert_true(r->shape_len + 2 < sizeof r->shape);
  r->shape[r->shape_len++] = ')';
  r->shape[r->shape_len] = '\0';
}

static int rec_tx(void *ud, const x12kit_guide *g, const x12kit_transaction_info *st,
                  const x12kit_node *root)
{
  run *r = ud;
  const x12kit_node *trn;

  (void)st;
  if (r->nguides < 8)
    snprintf(r->guides[r->nguides++], 16, "%s", g ? x12kit_guide_id(g) : "-");
  assert_non_null(root);
  assert_int_equal(x12kit_node_kind_of(root), X12KIT_NODE_LOOP);
  assert_string_equal(x12kit_node_id(root), "");
  assert_null(x12kit_node_parent(root));
  if (r->ack) {
    /* the business unit for the 999: the first TRN02 */
    trn = first_trn(root);
    if (trn) {
      x12kit_slice v = x12kit_node_element(trn, "TRN02");
      char buf[64];
      snprintf(buf, sizeof buf, "%.*s", (int)v.len, v.ptr);
      assert_int_equal(x12kit_ack_context(r->ack, "TRN02", buf), X12KIT_OK);
    }
  }
  if (r->record_shape)
    shape_of(r, root);
  return r->on_tree ? r->on_tree(root) : 0;
}

static int validate_buf(const char *buf, size_t len, run *r, const x12kit_mem *mem)
{
  x12kit_lexer *lx;
  x12kit_validator *v;
  const x12kit_segment *seg;
  int rc;

  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  rc = x12kit_validator_new(&v, tu_schema, mem);
  if (rc) {
    x12kit_lexer_free(lx);
    return rc;
  }
  x12kit_validator_set_callbacks(v, rec_event, rec_finding, rec_tx, r);
  x12kit_validator_set_skip_elements(v, r->skip_elements);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
    if ((rc = x12kit_validator_segment(v, seg)) != X12KIT_OK)
      break;
  if (rc == X12KIT_END)
    rc = x12kit_validator_finish(v);
  if (rc == X12KIT_OK)
    assert_int_equal(x12kit_validator_error_count(v), r->nfindings);
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
  return rc;
}

static void validate_file(const char *rel, run *r)
{
  size_t len;
  char *buf = tu_read_fixture(rel, &len);

  assert_int_equal(validate_buf(buf, len, r, NULL), X12KIT_OK);
  free(buf);
}

/* ---- valid transactions ---- */

static void check_dir_valid(const char *rel, int *files)
{
  DIR *d = opendir(tu_fixture_path(rel));
  struct dirent *e;

  assert_non_null(d);
  while ((e = readdir(d)) != NULL) {
    char path[512];
    run r;
    if (strstr(e->d_name, ".x12") == NULL)
      continue;
    snprintf(path, sizeof path, "%s/%s", rel, e->d_name);
    memset(&r, 0, sizeof r);
    validate_file(path, &r);
    if (r.nfindings) {
      char line[512];
      x12kit_error_format(&r.findings[0], line, sizeof line);
      fail_msg("%s: %zu findings, the first: %s", path, r.nfindings, line);
    }
    (*files)++;
  }
  closedir(d);
}

static void test_valid_fixtures(void **state)
{
  int files = 0;

  (void)state;
  check_dir_valid("valid", &files);
  check_dir_valid("guide", &files);
  assert_true(files >= 18);
}

static void test_guide_choice(void **state)
{
  run r;

  (void)state;
  memset(&r, 0, sizeof r);
  validate_file("valid/278-request-infusions.x12", &r);
  validate_file("valid/278-response-certified.x12", &r);
  validate_file("valid/multi-interchange.x12", &r);
  validate_file("guide/270-dependent.x12", &r);
  validate_file("valid/999-rejected.x12", &r);
  assert_int_equal(r.nguides, 8);
  assert_string_equal(r.guides[0], "278-request");
  assert_string_equal(r.guides[1], "278-response");
  assert_string_equal(r.guides[2], "270");
  assert_string_equal(r.guides[3], "271");
  assert_string_equal(r.guides[4], "270");
  assert_string_equal(r.guides[7], "999");
  assert_int_equal(r.nfindings, 0);
}

/* ---- one finding per broken fixture ---- */

struct expect {
  const char *file;
  x12kit_ack_kind kind;
  const char *code;
  unsigned long in_transaction;
  const char *segment;
  const char *loop;
  unsigned element, component;
  unsigned ref;
  const char *fragment;
};

#define SEGK X12KIT_ACK_SEGMENT
#define ELEK X12KIT_ACK_ELEMENT

static const struct expect broken[] = {
  { "ik304-1-unrecognized-segment", SEGK, "1", 11, "ZZZ", "2100C", 0, 0, 0, "not a segment" },
  { "ik304-2-unexpected-segment", SEGK, "2", 7, "EQ", "2100B", 0, 0, 0, "not expected here" },
  { "ik304-3-required-segment-missing", SEGK, "3", 2, "BHT", "", 0, 0, 0, "required" },
  { "ik304-4-loop-over-repeat", SEGK, "4", 12, "NM1", "2100C", 0, 0, 0, "occurs 2 times" },
  { "ik304-5-segment-over-max-use", SEGK, "5", 11, "DMG", "2100C", 0, 0, 0, "appears 2 times" },
  { "ik304-6-segment-of-another-set", SEGK, "6", 11, "EB", "2100C", 0, 0, 0, "does not belong" },
  { "ik304-7-segment-out-of-order", SEGK, "7", 9, "TRN", "2100C", 0, 0, 0, "out of order" },
  { "ik304-8-element-errors", ELEK, "7", 10, "DMG", "2100C", 3, 0, 1068, "DMG03" },
  { "ik403-1-required-element-missing", ELEK, "1", 6, "NM1", "2100B", 3, 0, 1035, "NM103" },
  { "ik403-2-conditional-element-missing", ELEK, "2", 9, "NM1", "2100C", 9, 0, 67, "NM109" },
  { "ik403-3-too-many-elements", ELEK, "3", 14, "SE", "", 3, 0, 0, "SE03" },
  { "ik403-4-too-short", ELEK, "4", 8, "TRN", "2000C", 3, 0, 509, "at least 10" },
  { "ik403-5-too-long", ELEK, "5", 9, "NM1", "2100C", 4, 0, 1036, "at most 35" },
  { "ik403-6-invalid-character", ELEK, "6", 9, "NM1", "2100C", 3, 0, 1035, "control character" },
  { "ik403-7-invalid-code", ELEK, "7", 9, "NM1", "2100C", 2, 0, 1065, "NM102" },
  { "ik403-8-invalid-date", ELEK, "8", 10, "DMG", "2100C", 2, 0, 1251, "D8 date" },
  { "ik403-9-invalid-time", ELEK, "9", 2, "BHT", "", 5, 0, 337, "time" },
  { "ik403-10-exclusion-violated", ELEK, "10", 8, "N4", "2100B", 7, 0, 1715, "only one" },
  { "ik403-12-too-many-repetitions", ELEK, "12", 9, "NM1", "2100C", 4, 0, 1036, "repeats 2 times" },
  { "ik403-13-too-many-components", ELEK, "13", 13, "EQ", "2110C", 2, 0, 0, "10 components" },
  { "hl-parent-wrong", ELEK, "I12", 7, "HL", "2000C", 2, 0, 734, "HL02" },
  { "hl04-no-child", ELEK, "I12", 7, "HL", "2000C", 4, 0, 736, "HL04" },
  /* 271 */
  { "271-ik304-3-le-missing", SEGK, "3", 21, "LE", "2110C", 0, 0, 0, "required" },
  { "271-ik304-5-msg-over-max-use", SEGK, "5", 27, "MSG", "2110C", 0, 0, 0, "appears 11 times" },
  { "271-ik403-12-eb03-over-99", ELEK, "12", 15, "EB", "2110C", 3, 0, 1365, "repeats 109 times" },
  { "271-ik403-2-eb09-without-eb10", ELEK, "2", 16, "EB", "2110C", 10, 0, 0, "EB09 and EB10" },
  { "271-ik403-7-eb01-code", ELEK, "7", 16, "EB", "2110C", 1, 0, 1390, "EB01" },
  /* 278 request */
  { "278-request-hl-ev-parent", ELEK, "I12", 11, "HL", "2000E", 2, 0, 734, "HL02" },
  { "278-request-ik304-6-hcr-in-request", SEGK, "6", 14, "HCR", "2000E", 0, 0, 0, "does not belong" },
  { "278-request-ik403-7-um02-code", ELEK, "7", 13, "UM", "2000E", 2, 0, 1322, "UM02" },
  { "278-request-ik403-8-date-range", ELEK, "8", 14, "DTP", "2000E", 3, 0, 1251, "RD8" },
  /* 278 response */
  { "278-response-ik304-7-hcr-before-um", SEGK, "7", 13, "UM", "2000E", 0, 0, 0, "out of order" },
  { "278-response-ik403-1-hcr01-missing", ELEK, "1", 13, "HCR", "2000E", 1, 0, 306, "required" },
  { "278-response-ik403-7-hcr01-code", ELEK, "7", 13, "HCR", "2000E", 1, 0, 306, "HCR01" },
  /* 999 */
  { "999-ik304-3-ik5-missing", SEGK, "3", 7, "IK5", "2000", 0, 0, 0, "required" },
  { "999-ik403-7-ik304-code", ELEK, "7", 4, "IK3", "2100", 4, 0, 620, "IK304" },
};

static void test_broken_fixtures(void **state)
{
  size_t i;

  (void)state;
  for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    const struct expect *x = &broken[i];
    const x12kit_error *e;
    char path[256], line[512];
    run r;

    memset(&r, 0, sizeof r);
    snprintf(path, sizeof path, "guide/invalid/%s.x12", x->file);
    validate_file(path, &r);
    if (r.nfindings != 1) {
      x12kit_error_format(&r.findings[0], line, sizeof line);
      fail_msg("%s: %zu findings, the first: %s", x->file, r.nfindings, line);
    }
    e = &r.findings[0];
    x12kit_error_format(e, line, sizeof line);
    if (e->ack_kind != x->kind || strcmp(e->ack_code, x->code) != 0 ||
        strstr(e->text, x->fragment) == NULL)
      fail_msg("%s: got %s", x->file, line);
    assert_int_equal(e->pos.in_transaction, x->in_transaction);
    assert_string_equal(e->segment_id, x->segment);
    assert_string_equal(e->loop_id, x->loop);
    assert_int_equal(e->element, x->element);
    assert_int_equal(e->component, x->component);
    if (x->ref)
      assert_int_equal(e->element_ref, x->ref);
    /* no patient data unless asked */
    assert_string_equal(e->value, "");
    assert_null(strstr(e->text, "LINDQVIST"));
    assert_null(strstr(e->text, "CVK300418826"));
    assert_null(strstr(e->text, "19880622"));
  }
}

/*
 * With element checks skipped, the loop trees are the same and only the
 * element findings go: each broken fixture keeps its finding when it is
 * about a segment, a loop, HL structure or the envelope, and loses it
 * when it is about an element.
 */
static void test_skip_elements(void **state)
{
  static const char *const trees[] = {
    "valid/270-eligibility.x12", "guide/271-dependent-ls.x12",
  };
  size_t i, kept = 0, dropped = 0;
  run *full = malloc(sizeof *full), *fast = malloc(sizeof *fast);

  (void)state;
  assert_non_null(full);
  assert_non_null(fast);
  for (i = 0; i < sizeof trees / sizeof trees[0]; i++) {
    memset(full, 0, sizeof *full);
    memset(fast, 0, sizeof *fast);
    fast->skip_elements = 1;
    full->record_shape = fast->record_shape = 1;
    validate_file(trees[i], full);
    validate_file(trees[i], fast);
    assert_true(full->shape_len > 0);
    assert_string_equal(fast->shape, full->shape);
  }
  for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    const struct expect *x = &broken[i];
    char path[256];

    memset(full, 0, sizeof *full);
    memset(fast, 0, sizeof *fast);
    fast->skip_elements = 1;
    full->record_shape = fast->record_shape = 1;
    snprintf(path, sizeof path, "guide/invalid/%s.x12", x->file);
    validate_file(path, full);
    validate_file(path, fast);
    assert_string_equal(fast->shape, full->shape);
    /* HL numbering and parent links are structure, checked either way */
    if (x->kind != ELEK || strcmp(x->segment, "HL") == 0) {
      if (fast->nfindings != 1 || strcmp(fast->findings[0].ack_code, x->code) != 0)
        fail_msg("%s: the segment finding is lost when elements are skipped", x->file);
      kept++;
    } else {
      if (fast->nfindings != 0)
        fail_msg("%s: an element finding is reported although elements are skipped", x->file);
      dropped++;
    }
  }
  /* the fixtures have both kinds, so both branches were taken */
  assert_true(kept > 0);
  assert_true(dropped > 0);
  free(full);
  free(fast);
}

/* ---- the 999 each broken fixture gets ---- */

struct sink {
  char buf[8192];
  size_t len;
};

static int sink_write(void *ud, const char *p, size_t n)
{
  struct sink *k = ud;
  if (k->len + n >= sizeof k->buf)
    return -1;
  memcpy(k->buf + k->len, p, n);
  k->len += n;
  k->buf[k->len] = '\0';
  return 0;
}

/*
 * The 999 for each fixture of guide/invalid is compared byte for byte
 * with the .999 file beside it.  X12KIT_UPDATE_GOLDEN=1 writes the files
 * instead (then read every one before committing it).
 */
static void test_broken_999(void **state)
{
  static const x12kit_ack_options opt = { NULL, NULL, NULL, NULL, "261123", "1200", 900, 0 };
  const char *update = getenv("X12KIT_UPDATE_GOLDEN");
  size_t i;

  (void)state;
  for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    char path[256];
    struct sink out;
    x12kit_writer *w;
    run r;

    memset(&r, 0, sizeof r);
    memset(&out, 0, sizeof out);
    assert_int_equal(x12kit_ack_new(&r.ack, NULL), X12KIT_OK);
    snprintf(path, sizeof path, "guide/invalid/%s.x12", broken[i].file);
    validate_file(path, &r);
    assert_int_equal(x12kit_writer_new(&w, sink_write, &out, NULL, NULL), X12KIT_OK);
    assert_int_equal(x12kit_ack_write_999(r.ack, w, &opt), X12KIT_OK);
    assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
    assert_true(x12kit_ack_rejected(r.ack));
    snprintf(path, sizeof path, "guide/invalid/%s.999", broken[i].file);
    if (update && *update == '1') {
      FILE *f = fopen(tu_fixture_path(path), "wb");
      assert_non_null(f);
      assert_int_equal(fwrite(out.buf, 1, out.len, f), out.len);
      assert_int_equal(fclose(f), 0);
    } else {
      size_t len;
      char *want = tu_read_fixture(path, &len);
      if (len != out.len || memcmp(want, out.buf, len) != 0)
        fail_msg("%s: the 999 differs:\n got  %s\n want %s", broken[i].file, out.buf, want);
      free(want);
    }
    x12kit_writer_free(w);
    x12kit_ack_free(r.ack);
  }
}

/* ---- the tree ---- */

static int tree_270(const x12kit_node *root)
{
  const x12kit_node *sub = x12kit_node_find(root, "2000A/2000B/2000C/2100C");
  const x12kit_node *nm1, *eq, *n;
  x12kit_slice v;
  int loops = 0;

  assert_non_null(sub);
  assert_int_equal(x12kit_node_kind_of(sub), X12KIT_NODE_LOOP);
  assert_string_equal(x12kit_node_id(sub), "2100C");
  assert_string_equal(x12kit_node_name(sub), "Subscriber Name");
  assert_string_equal(x12kit_node_id(x12kit_node_parent(sub)), "2000C");
  nm1 = x12kit_node_first_child(sub);
  assert_int_equal(x12kit_node_kind_of(nm1), X12KIT_NODE_SEGMENT);
  assert_string_equal(x12kit_node_id(nm1), "NM1");
  assert_null(x12kit_node_first_child(nm1));
  assert_null(x12kit_node_segment(sub));
  /* by reference designator and by the guide's name */
  v = x12kit_node_element(nm1, "NM103");
  assert_int_equal(v.len, 9);
  assert_memory_equal(v.ptr, "LINDQVIST", 9);
  v = x12kit_node_element(nm1, "subscriber last or organization name");
  assert_memory_equal(v.ptr, "LINDQVIST", 9);
  assert_int_equal(x12kit_node_element(nm1, "NM199").len, 0);
  assert_int_equal(x12kit_node_element(nm1, "No Such Element").len, 0);
  assert_int_equal(x12kit_node_element(sub, "NM103").len, 0);
  assert_int_equal(x12kit_segment_count(x12kit_node_segment(nm1)), 9);
  /* the segment copy keeps its position */
  assert_int_equal(x12kit_segment_position(x12kit_node_segment(nm1))->in_transaction, 9);
  /* two 2110C loops, the second with a composite */
  for (n = x12kit_node_first_child(sub); n; n = x12kit_node_next(n))
    if (x12kit_node_kind_of(n) == X12KIT_NODE_LOOP) {
      assert_string_equal(x12kit_node_id(n), "2110C");
      loops++;
      eq = x12kit_node_first_child(n);
      if (loops == 2) {
        v = x12kit_node_element(eq, "EQ02-2");
        assert_int_equal(v.len, 5);
        assert_memory_equal(v.ptr, "96365", 5);
      }
    }
  assert_int_equal(loops, 2);
  assert_null(x12kit_node_find(root, "2000A/2000X"));
  assert_null(x12kit_node_find(root, ""));
  assert_string_equal(x12kit_node_id(x12kit_node_find(root, "ST")), "ST");
  return 0;
}

static int tree_271(const x12kit_node *root)
{
  const x12kit_node *d = x12kit_node_find(root, "2000A/2000B/2000C/2000D/2100D");
  const x12kit_node *n, *entity = NULL;

  assert_non_null(d);
  for (n = x12kit_node_first_child(d); n && entity == NULL; n = x12kit_node_next(n)) {
    const x12kit_node *k;
    if (x12kit_node_kind_of(n) != X12KIT_NODE_LOOP)
      continue;
    for (k = x12kit_node_first_child(n); k; k = x12kit_node_next(k))
      if (x12kit_node_kind_of(k) == X12KIT_NODE_LOOP && strcmp(x12kit_node_id(k), "2120D") == 0)
        entity = k;
  }
  /* the benefit-related entity sits inside its 2110D, between LS and LE */
  assert_non_null(entity);
  assert_string_equal(x12kit_node_id(x12kit_node_parent(entity)), "2110D");
  assert_string_equal(x12kit_node_id(x12kit_node_first_child(entity)), "NM1");
  return 0;
}

static void test_tree(void **state)
{
  run r;

  (void)state;
  memset(&r, 0, sizeof r);
  r.on_tree = tree_270;
  validate_file("valid/270-eligibility.x12", &r);
  memset(&r, 0, sizeof r);
  r.on_tree = tree_271;
  validate_file("guide/271-dependent-ls.x12", &r);
  assert_int_equal(r.nfindings, 0);
}

/* ---- memory and contract ---- */

/* |copies| 270 transactions in one group, each with fresh ST02 and BHT03. */
static char *many_270(size_t copies, size_t *len)
{
  size_t blen, i, n;
  char *base = tu_read_fixture("valid/270-eligibility.x12", &blen);
  const char *st = strstr(base, "ST*270"), *ge = strstr(base, "GE*1*");
  size_t head = (size_t)(st - base), body = (size_t)(ge - st);
  char *p = malloc(head + (body + 16) * copies + 64);

  assert_non_null(p);
  memcpy(p, base, head);
  n = head;
  for (i = 0; i < copies; i++) {
    char *t = p + n, *se;
    memcpy(t, st, body);
    n += body;
    /* renumber ST02 and SE02: "0001" -> 4 digits of i + 1 */
    snprintf(t + 7, 5, "%04zu", (i % 9999) + 1);
    t[11] = '*';
    se = strstr(t, "SE*14*");
    snprintf(se + 6, 5, "%04zu", (i % 9999) + 1);
    se[10] = '~';
  }
  n += (size_t)sprintf(p + n, "GE*%zu*201~IEA*1*000000201~", copies);
  free(base);
  *len = n;
  return p;
}

/* Memory follows one transaction, not the file. */
static void test_memory_per_transaction(void **state)
{
  size_t len, peak_small;
  char *small = many_270(10, &len), *big;
  tu_alloc c = { 0, 0, 0, 0 };
  x12kit_mem mem = tu_alloc_mem(&c);
  run r;

  (void)state;
  memset(&r, 0, sizeof r);
  assert_int_equal(validate_buf(small, len, &r, &mem), X12KIT_OK);
  if (r.nfindings) {
    char line[512];
    x12kit_error_format(&r.findings[0], line, sizeof line);
    fail_msg("%zu findings, the first: %s", r.nfindings, line);
  }
  peak_small = c.peak;
  assert_int_equal(c.live, 0);
  free(small);

  big = many_270(5000, &len);
  memset(&c, 0, sizeof c);
  memset(&r, 0, sizeof r);
  assert_int_equal(validate_buf(big, len, &r, &mem), X12KIT_OK);
  assert_int_equal(r.nfindings, 0);
  assert_int_equal(c.live, 0);
  /* the set of ST02s grows with the group; the tree memory does not */
  if (c.peak > peak_small + 5000 * 64)
    fail_msg("peak %zu bytes for 5000 transactions, %zu for 10", c.peak, peak_small);
  free(big);
}

static void test_alloc_failure(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("guide/271-dependent-ls.x12", &len);
  unsigned fail_at;
  int ok = 0;

  (void)state;
  for (fail_at = 1; fail_at < 40 && !ok; fail_at++) {
    tu_alloc c = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&c);
    run r;
    int rc;
    memset(&r, 0, sizeof r);
    rc = validate_buf(buf, len, &r, &mem);
    if (rc == X12KIT_OK)
      ok = 1;
    else
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
    assert_int_equal(c.live, 0);
  }
  assert_true(ok);
  free(buf);
}

static void test_contract(void **state)
{
  x12kit_validator *v;
  size_t len;
  char *buf = tu_read_fixture("guide/invalid/ik403-10-exclusion-violated.x12", &len);
  run r;

  (void)state;
  assert_int_equal(x12kit_validator_new(NULL, tu_schema, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_validator_new(&v, NULL, NULL), X12KIT_ERR_ARG);
  assert_null(v);
  assert_int_equal(x12kit_validator_new(&v, tu_schema, NULL), X12KIT_OK);
  assert_int_equal(x12kit_validator_segment(v, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_validator_segment(NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_validator_finish(NULL), X12KIT_ERR_ARG);
  x12kit_validator_reset(v);
  assert_int_equal(x12kit_validator_error_count(v), 0);
  x12kit_validator_free(v);
  x12kit_validator_free(NULL);

  /* a callback that says stop */
  memset(&r, 0, sizeof r);
  r.abort_at = 1;
  assert_int_equal(validate_buf(buf, len, &r, NULL), X12KIT_ERR_ABORTED);
  assert_int_equal(r.nfindings, 1);
  free(buf);
}

/* With show data, the offending value is copied; never otherwise. */
static void test_show_data(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("guide/invalid/ik403-5-too-long.x12", &len);
  x12kit_lexer *lx;
  x12kit_validator *v;
  const x12kit_segment *seg;
  run r;

  (void)state;
  memset(&r, 0, sizeof r);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_validator_new(&v, tu_schema, NULL), X12KIT_OK);
  x12kit_validator_set_show_data(v, 1);
  x12kit_validator_set_callbacks(v, NULL, rec_finding, NULL, &r);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  while (x12kit_lexer_next(lx, &seg) == X12KIT_OK)
    assert_int_equal(x12kit_validator_segment(v, seg), X12KIT_OK);
  assert_int_equal(x12kit_validator_finish(v), X12KIT_OK);
  assert_int_equal(r.nfindings, 1);
  assert_string_equal(r.findings[0].value, "SAMANTHAJOHANNAMARGARETHAELISABETHXAVIERA");
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
  free(buf);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_valid_fixtures),
    cmocka_unit_test(test_guide_choice),
    cmocka_unit_test(test_broken_fixtures),
    cmocka_unit_test(test_skip_elements),
    cmocka_unit_test(test_broken_999),
    cmocka_unit_test(test_tree),
    cmocka_unit_test(test_memory_per_transaction),
    cmocka_unit_test(test_alloc_failure),
    cmocka_unit_test(test_contract),
    cmocka_unit_test(test_show_data),
  };
  return cmocka_run_group_tests_name("validate", tests, tu_schema_setup, tu_schema_teardown);
}
