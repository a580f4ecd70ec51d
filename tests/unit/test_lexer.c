/*
 * x12kit tests - the streaming lexer.
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

/* ---- helpers ---- */

static void assert_same_segments(const tu_segs *a, const tu_segs *b)
{
  size_t i;

  assert_int_equal(a->rc, b->rc);
  assert_int_equal(a->n, b->n);
  for (i = 0; i < a->n; i++) {
    assert_int_equal(a->v[i].raw_len, b->v[i].raw_len);
    assert_memory_equal(a->v[i].raw, b->v[i].raw, a->v[i].raw_len);
    assert_string_equal(a->v[i].id, b->v[i].id);
    assert_int_equal(a->v[i].nelem, b->v[i].nelem);
    assert_int_equal(a->v[i].pos.byte_offset, b->v[i].pos.byte_offset);
    assert_int_equal(a->v[i].pos.line, b->v[i].pos.line);
    assert_int_equal(a->v[i].pos.segment, b->v[i].pos.segment);
    assert_int_equal(a->v[i].pos.in_interchange, b->v[i].pos.in_interchange);
    assert_int_equal(a->v[i].pos.in_transaction, b->v[i].pos.in_transaction);
  }
  if (a->rc < 0) {
    assert_int_equal(a->err.code, b->err.code);
    assert_string_equal(a->err.text, b->err.text);
    assert_int_equal(a->err.pos.byte_offset, b->err.pos.byte_offset);
    assert_int_equal(a->err.pos.segment, b->err.pos.segment);
  }
}

static char *concat(const char *a, size_t alen, const char *b, size_t blen, size_t *len)
{
  char *p = malloc(alen + blen + 1);
  assert_non_null(p);
  memcpy(p, a, alen);
  memcpy(p + alen, b, blen);
  p[alen + blen] = '\0';
  *len = alen + blen;
  return p;
}

/* Replaces every |from| byte with |to|, in place. */
static void map_byte(char *s, size_t len, char from, char to)
{
  size_t i;
  for (i = 0; i < len; i++)
    if (s[i] == from)
      s[i] = to;
}

/* Inserts |ins| after every '~' of s. */
static char *after_terminators(const char *s, size_t len, const char *ins, size_t *out_len)
{
  size_t i, n = 0, k = strlen(ins);
  char *p = malloc(len * (k + 1) + 1);

  assert_non_null(p);
  for (i = 0; i < len; i++) {
    p[n++] = s[i];
    if (s[i] == '~') {
      memcpy(p + n, ins, k);
      n += k;
    }
  }
  p[n] = '\0';
  *out_len = n;
  return p;
}

static const size_t chunk_sizes[] = { 1, 2, 3, 5, 7, 13, 64, 105, 106, 107, 4096, 0 };

/* Every chunking gives the same result as one whole buffer. */
static void check_chunking(const char *buf, size_t len)
{
  tu_segs whole, part;
  size_t i;

  tu_lex(buf, len, 0, &whole);
  for (i = 0; i < sizeof chunk_sizes / sizeof chunk_sizes[0]; i++) {
    tu_lex(buf, len, chunk_sizes[i], &part);
    assert_same_segments(&whole, &part);
    tu_segs_free(&part);
  }
  tu_segs_free(&whole);
}

/* ---- a clean 270 ---- */

static void test_base_segments(void **state)
{
  static const char *const ids[] = { "ISA", "GS", "ST", "BHT", "HL", "NM1", "HL", "NM1", "HL",
                                     "TRN", "NM1", "DMG", "DTP", "EQ", "EQ", "SE", "GE", "IEA" };
  size_t len, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  tu_segs s;

  (void)state;
  tu_lex(buf, len, 0, &s);
  assert_int_equal(s.rc, X12KIT_END);
  assert_int_equal(s.n, sizeof ids / sizeof ids[0]);
  for (i = 0; i < s.n; i++) {
    assert_string_equal(s.v[i].id, ids[i]);
    assert_int_equal(s.v[i].pos.segment, i + 1);
    assert_int_equal(s.v[i].pos.in_interchange, i + 1);
    assert_int_equal(s.v[i].pos.line, 1);
    /* ST is 1 and SE is 14 in the transaction; outside it, 0 */
    if (i >= 2 && i <= 15)
      assert_int_equal(s.v[i].pos.in_transaction, i - 1);
    else
      assert_int_equal(s.v[i].pos.in_transaction, 0);
  }
  assert_int_equal(s.v[0].pos.byte_offset, 0);
  assert_int_equal(s.v[0].raw_len, 105);
  assert_int_equal(s.v[0].nelem, 16);
  assert_int_equal(s.v[1].pos.byte_offset, 106);
  /* each segment starts right after the previous terminator */
  for (i = 1; i < s.n; i++)
    assert_int_equal(s.v[i].pos.byte_offset, s.v[i - 1].pos.byte_offset + s.v[i - 1].raw_len + 1);
  assert_int_equal(s.v[s.n - 1].pos.byte_offset + s.v[s.n - 1].raw_len + 1, len);
  tu_segs_free(&s);
  free(buf);
}

struct find {
  const char *id;
  int nth;
  int seen;
  int (*check)(const x12kit_segment *seg);
  int checked;
};

static int find_cb(void *ud, const x12kit_segment *seg)
{
  struct find *f = ud;
  if (strcmp(x12kit_segment_id(seg), f->id) == 0 && ++f->seen == f->nth) {
    f->check(seg);
    f->checked = 1;
  }
  return 0;
}

static void with_segment(const char *buf, size_t len, const char *id, int nth,
                         int (*check)(const x12kit_segment *))
{
  x12kit_lexer *lx;
  struct find f = { id, nth, 0, check, 0 };

  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_parse(lx, buf, len, 1, find_cb, &f), X12KIT_END);
  assert_true(f.checked);
  x12kit_lexer_free(lx);
}

static void assert_slice(x12kit_slice s, const char *want)
{
  assert_int_equal(s.len, strlen(want));
  assert_memory_equal(s.ptr, want, s.len);
}

static int check_nm1(const x12kit_segment *seg)
{
  assert_int_equal(x12kit_segment_count(seg), 9);
  assert_slice(x12kit_segment_element(seg, 1), "IL");
  assert_slice(x12kit_segment_element(seg, 3), "QUILL");
  assert_slice(x12kit_segment_element(seg, 5), "");
  assert_slice(x12kit_segment_element(seg, 9), "NWH55501234");
  assert_slice(x12kit_segment_element(seg, 10), "");
  assert_slice(x12kit_segment_element(seg, 0), "");
  assert_int_equal(x12kit_segment_repetitions(seg, 5), 0);
  assert_int_equal(x12kit_segment_repetitions(seg, 3), 1);
  assert_int_equal(x12kit_segment_components(seg, 3, 1), 1);
  assert_slice(x12kit_segment_component(seg, 3, 1, 1), "QUILL");
  assert_slice(x12kit_segment_component(seg, 3, 1, 2), "");
  assert_slice(x12kit_segment_component(seg, 3, 2, 1), "");
  return 0;
}

static int check_eq_rep(const x12kit_segment *seg)
{
  assert_int_equal(x12kit_segment_count(seg), 1);
  assert_slice(x12kit_segment_element(seg, 1), "30^MH");
  assert_int_equal(x12kit_segment_repetitions(seg, 1), 2);
  assert_slice(x12kit_segment_component(seg, 1, 1, 1), "30");
  assert_slice(x12kit_segment_component(seg, 1, 2, 1), "MH");
  assert_slice(x12kit_segment_component(seg, 1, 3, 1), "");
  return 0;
}

static int check_eq_comp(const x12kit_segment *seg)
{
  assert_int_equal(x12kit_segment_count(seg), 2);
  assert_slice(x12kit_segment_element(seg, 1), "");
  assert_int_equal(x12kit_segment_repetitions(seg, 2), 1);
  assert_int_equal(x12kit_segment_components(seg, 2, 1), 2);
  assert_slice(x12kit_segment_component(seg, 2, 1, 1), "HC");
  assert_slice(x12kit_segment_component(seg, 2, 1, 2), "96365");
  assert_slice(x12kit_segment_component(seg, 2, 1, 3), "");
  return 0;
}

static int check_isa(const x12kit_segment *seg)
{
  const x12kit_delimiters *d = x12kit_segment_delimiters(seg);

  assert_int_equal(d->element, '*');
  assert_int_equal(d->repetition, '^');
  assert_int_equal(d->component, ':');
  assert_int_equal(d->segment, '~');
  assert_slice(x12kit_segment_element(seg, 6), "BRIGHTPATHCLNC ");
  /* ISA11 and ISA16 are delimiters themselves, never split */
  assert_slice(x12kit_segment_element(seg, 11), "^");
  assert_int_equal(x12kit_segment_repetitions(seg, 11), 1);
  assert_slice(x12kit_segment_component(seg, 16, 1, 1), ":");
  assert_int_equal(x12kit_segment_components(seg, 16, 1), 1);
  assert_slice(x12kit_segment_element(seg, 13), "000000301");
  return 0;
}

static void test_base_accessors(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);

  (void)state;
  with_segment(buf, len, "NM1", 3, check_nm1);
  with_segment(buf, len, "EQ", 1, check_eq_rep);
  with_segment(buf, len, "EQ", 2, check_eq_comp);
  with_segment(buf, len, "ISA", 1, check_isa);
  free(buf);
}

/* Segments fed in one chunk point into that chunk. */
static void test_zero_copy(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  int n = 0;

  (void)state;
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  while (x12kit_lexer_next(lx, &seg) == X12KIT_OK) {
    x12kit_slice raw = x12kit_segment_raw(seg);
    assert_true(raw.ptr >= buf && raw.ptr + raw.len <= buf + len);
    assert_int_equal(raw.ptr - buf, (ptrdiff_t)x12kit_segment_position(seg)->byte_offset);
    n++;
  }
  assert_int_equal(n, 18);
  assert_int_equal(x12kit_lexer_offset(lx), len);
  x12kit_lexer_free(lx);
  free(buf);
}

static void test_chunking_base(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);

  (void)state;
  check_chunking(buf, len);
  free(buf);
}

/* Every file under fixtures/valid and fixtures/envelope lexes the same in any chunking. */
static void chunk_dir(const char *rel, int *files)
{
  DIR *d = opendir(tu_fixture_path(rel));
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir(d)) != NULL) {
    char path[512];
    size_t len;
    char *buf;
    if (strstr(e->d_name, ".x12") == NULL)
      continue;
    snprintf(path, sizeof path, "%s/%s", rel, e->d_name);
    buf = tu_read_fixture(path, &len);
    check_chunking(buf, len);
    free(buf);
    (*files)++;
  }
  closedir(d);
}

static void test_chunking_fixtures(void **state)
{
  int files = 0;

  (void)state;
  chunk_dir("valid", &files);
  chunk_dir("envelope", &files);
  chunk_dir("lexer", &files);
  assert_true(files >= 15);
}

/* CR LF after every terminator: same segments, one per line. */
static void test_crlf(void **state)
{
  size_t len, len2, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  char *crlf = after_terminators(buf, len, "\r\n", &len2);
  tu_segs a, b;

  (void)state;
  tu_lex(buf, len, 0, &a);
  tu_lex(crlf, len2, 0, &b);
  assert_int_equal(b.rc, X12KIT_END);
  assert_int_equal(a.n, b.n);
  for (i = 0; i < a.n; i++) {
    assert_string_equal(a.v[i].raw, b.v[i].raw);
    assert_int_equal(b.v[i].pos.line, i + 1);
    assert_int_equal(b.v[i].pos.byte_offset, a.v[i].pos.byte_offset + 2 * i);
  }
  check_chunking(crlf, len2);
  tu_segs_free(&a);
  tu_segs_free(&b);
  free(crlf);
  free(buf);
}

/* A UTF-8 byte-order mark first: skipped, offsets count it. */
static void test_bom(void **state)
{
  size_t len, len2, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  char *bom = concat("\xEF\xBB\xBF", 3, buf, len, &len2);
  tu_segs a, b;

  (void)state;
  tu_lex(buf, len, 0, &a);
  tu_lex(bom, len2, 0, &b);
  assert_int_equal(b.rc, X12KIT_END);
  assert_int_equal(a.n, b.n);
  for (i = 0; i < a.n; i++) {
    assert_string_equal(a.v[i].raw, b.v[i].raw);
    assert_int_equal(b.v[i].pos.byte_offset, a.v[i].pos.byte_offset + 3);
  }
  check_chunking(bom, len2);
  tu_segs_free(&a);
  tu_segs_free(&b);
  free(bom);
  free(buf);
}

/* A newline as the segment terminator, with CR LF line ends and no final newline. */
static void test_newline_terminator(void **state)
{
  size_t len, len2, len3, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  char *nl = malloc(len + 1);
  char *crlf;
  tu_segs a, b, c;

  (void)state;
  assert_non_null(nl);
  memcpy(nl, buf, len);
  map_byte(nl, len, '~', '\n');
  len2 = len - 1; /* drop the final newline */
  crlf = after_terminators(buf, len, "\r", &len3);
  map_byte(crlf, len3, '~', '\n');
  /* "\n\r" became the order; build proper CR LF: replace "\n\r" by "\r\n" */
  for (i = 0; i + 1 < len3; i++)
    if (crlf[i] == '\n' && crlf[i + 1] == '\r') {
      crlf[i] = '\r';
      crlf[i + 1] = '\n';
      i++;
    }

  tu_lex(buf, len, 0, &a);
  tu_lex(nl, len2, 0, &b);
  tu_lex(crlf, len3, 0, &c);
  assert_int_equal(b.rc, X12KIT_END);
  assert_int_equal(c.rc, X12KIT_END);
  assert_int_equal(a.n, b.n);
  assert_int_equal(a.n, c.n);
  for (i = 0; i < a.n; i++) {
    assert_string_equal(a.v[i].raw, b.v[i].raw);
    assert_string_equal(a.v[i].raw, c.v[i].raw);
    assert_int_equal(b.v[i].pos.line, i + 1);
    assert_int_equal(c.v[i].pos.line, i + 1);
  }
  check_chunking(nl, len2);
  check_chunking(crlf, len3);
  tu_segs_free(&a);
  tu_segs_free(&b);
  tu_segs_free(&c);
  free(crlf);
  free(nl);
  free(buf);
}

/* Two interchanges with other delimiters, blank lines between. */
static void test_two_interchanges(void **state)
{
  size_t len, len2, len3, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  char *other = malloc(len);
  char *both, *tmp;
  tu_segs a, b;

  (void)state;
  assert_non_null(other);
  memcpy(other, buf, len);
  map_byte(other, len, '*', '|');
  map_byte(other, len, '^', '}');
  map_byte(other, len, ':', '>');
  map_byte(other, len, '~', '\'');
  tmp = concat(buf, len, "\n\n  \r\n", 6, &len2);
  both = concat(tmp, len2, other, len, &len3);
  free(tmp);

  tu_lex(buf, len, 0, &a);
  tu_lex(both, len3, 0, &b);
  assert_int_equal(b.rc, X12KIT_END);
  assert_int_equal(b.n, 2 * a.n);
  for (i = 0; i < a.n; i++) {
    const tu_seg *s = &b.v[a.n + i];
    char want[1024];
    snprintf(want, sizeof want, "%s", a.v[i].raw);
    map_byte(want, strlen(want), '*', '|');
    map_byte(want, strlen(want), '^', '}');
    map_byte(want, strlen(want), ':', '>');
    assert_string_equal(s->raw, want);
    assert_int_equal(s->pos.in_interchange, i + 1);
    assert_int_equal(s->pos.segment, a.n + i + 1);
    assert_int_equal(s->pos.line, 4);
    assert_int_equal(s->pos.byte_offset, a.v[i].pos.byte_offset + len + 6);
  }
  check_chunking(both, len3);
  tu_segs_free(&a);
  tu_segs_free(&b);
  free(both);
  free(other);
  free(buf);
}

/* ---- errors ---- */

struct bad {
  const char *file;
  int code;
  const char *ack;      /* TA1 code or "" */
  unsigned long segment;
  const char *fragment; /* part of the message */
  const char *id;       /* segment ID the error names, or "" */
  size_t good;          /* segments given before the error */
};

static const struct bad bad_inputs[] = {
  { "lexer/isa-short-field.x12", X12KIT_ERR_ISA, "024", 1, "ISA06 is not 15 characters wide", "ISA", 0 },
  { "lexer/isa-truncated.x12", X12KIT_ERR_TRUNCATED, "023", 1, "ends inside the ISA", "ISA", 0 },
  { "lexer/delimiters-collide.x12", X12KIT_ERR_DELIMITER, "027", 1, "component separator", "ISA", 0 },
  { "lexer/delimiter-letter.x12", X12KIT_ERR_DELIMITER, "024", 1, "repetition separator", "ISA", 0 },
  { "lexer/isa12-00401.x12", X12KIT_ERR_VERSION, "003", 1, "ISA12 is 00401", "ISA", 0 },
  { "lexer/no-final-terminator.x12", X12KIT_ERR_TRUNCATED, "023", 18, "no terminator", "IEA", 17 },
  { "lexer/bad-segment-id.x12", X12KIT_ERR_SYNTAX, "", 12, "segment ID", "", 11 },
  { "lexer/empty-segment.x12", X12KIT_ERR_SYNTAX, "", 12, "empty segment", "", 11 },
  { "lexer/trailing-garbage.x12", X12KIT_ERR_ISA, "", 19, "expected an ISA", "", 18 },
  { "lexer/not-x12.x12", X12KIT_ERR_ISA, "", 1, "expected an ISA", "", 0 },
  { "lexer/empty.x12", X12KIT_ERR_TRUNCATED, "023", 1, "no ISA", "", 0 },
  { "lexer/segment-too-long.x12", X12KIT_ERR_TOO_LONG, "", 4, "longer than 65536 bytes", "MSG", 3 },
  { "lexer/broken-bom.x12", X12KIT_ERR_ISA, "", 1, "byte-order mark", "", 0 },
};

static void test_bad_inputs(void **state)
{
  size_t i, k;

  (void)state;
  for (i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
    const struct bad *b = &bad_inputs[i];
    size_t len;
    char *buf = tu_read_fixture(b->file, &len);
    for (k = 0; k < sizeof chunk_sizes / sizeof chunk_sizes[0]; k++) {
      tu_segs s;
      tu_lex(buf, len, chunk_sizes[k], &s);
      if (s.rc != b->code || strstr(s.err.text, b->fragment) == NULL)
        fail_msg("%s (chunk %zu): got %d \"%s\"", b->file, chunk_sizes[k], s.rc, s.err.text);
      assert_int_equal(s.err.code, b->code);
      assert_string_equal(s.err.ack_code, b->ack);
      assert_int_equal(s.err.ack_kind, b->ack[0] ? X12KIT_ACK_TA1 : X12KIT_ACK_NONE);
      assert_int_equal(s.err.pos.segment, b->segment);
      assert_string_equal(s.err.segment_id, b->id);
      assert_int_equal(s.n, b->good);
      /* no data copied into an error unless asked */
      assert_string_equal(s.err.value, "");
      tu_segs_free(&s);
    }
    free(buf);
  }
}

/* Patient data stays out of errors unless the caller asks for it. */
static void test_show_data(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/bad-segment-id.x12", &len);
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  const x12kit_error *err;
  char line[512];
  int rc, pass;

  (void)state;
  for (pass = 0; pass < 2; pass++) {
    assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
    x12kit_lexer_set_show_data(lx, pass);
    assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
    while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
      ;
    assert_int_equal(rc, X12KIT_ERR_SYNTAX);
    err = x12kit_lexer_error(lx);
    assert_non_null(err);
    x12kit_error_format(err, line, sizeof line);
    if (pass == 0) {
      assert_null(strstr(line, "5501234"));
      assert_string_equal(err->value, "");
    } else {
      assert_string_equal(err->value, "5501234");
      assert_non_null(strstr(line, "5501234"));
    }
    assert_non_null(strstr(line, "segment 12: "));
    x12kit_lexer_free(lx);
  }
  free(buf);
}

static void test_error_position(void **state)
{
  size_t len, len2;
  char *buf = tu_read_fixture("lexer/empty-segment.x12", &len);
  char *crlf = after_terminators(buf, len, "\n", &len2);
  tu_segs s;

  (void)state;
  tu_lex(crlf, len2, 0, &s);
  assert_int_equal(s.rc, X12KIT_ERR_SYNTAX);
  /* the empty segment sits between NM1 (line 11) and DMG */
  assert_int_equal(s.err.pos.line, 12);
  assert_int_equal(s.err.pos.segment, 12);
  assert_int_equal(s.err.pos.in_transaction, 10);
  tu_segs_free(&s);
  free(crlf);
  free(buf);
}

/* ---- limits and memory ---- */

static void test_max_segment(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/segment-too-long.x12", &len);
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  int rc, n = 0;

  (void)state;
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_set_max_segment(lx, 105), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_lexer_set_max_segment(lx, 80000), X12KIT_OK);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_set_max_segment(lx, 90000), X12KIT_ERR_STATE);
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
    n++;
  assert_int_equal(rc, X12KIT_NEED_INPUT);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_END);
  assert_int_equal(n, 7);
  x12kit_lexer_free(lx);
  free(buf);
}

/* Builds |copies| transactions of the base 270 inside one interchange. */
static char *big_input(size_t copies, size_t *len)
{
  size_t blen, i, n = 0;
  char *base = tu_read_fixture("lexer/base-270.x12", &blen);
  const char *st = strstr(base, "ST*270");
  const char *ge = strstr(base, "GE*1*");
  size_t head = (size_t)(st - base), body = (size_t)(ge - st);
  char *p = malloc(head + body * copies + 64);

  assert_non_null(p);
  memcpy(p, base, head);
  n = head;
  for (i = 0; i < copies; i++) {
    memcpy(p + n, st, body);
    n += body;
  }
  n += (size_t)sprintf(p + n, "GE*%zu*301~IEA*1*000000301~", copies);
  free(base);
  *len = n;
  return p;
}

/* Memory stays bounded whatever the input size and chunking. */
static void test_bounded_memory(void **state)
{
  static const size_t chunks[] = { 1, 7, 4096, 65536 };
  size_t len, i, k;
  char *buf = big_input(20000, &len); /* about 8 MB */

  (void)state;
  for (k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
    tu_alloc c = { 0, 0, 0, 0 };
    x12kit_mem mem = tu_alloc_mem(&c);
    x12kit_lexer *lx;
    const x12kit_segment *seg;
    size_t segs = 0;
    int rc = X12KIT_NEED_INPUT;

    assert_int_equal(x12kit_lexer_new(&lx, &mem), X12KIT_OK);
    for (i = 0; i < len; i += chunks[k]) {
      size_t n = len - i < chunks[k] ? len - i : chunks[k];
      assert_int_equal(x12kit_lexer_feed(lx, buf + i, n), X12KIT_OK);
      while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
        segs++;
      assert_int_equal(rc, X12KIT_NEED_INPUT);
    }
    assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
    assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_END);
    assert_int_equal(segs, 20000 * 14 + 4);
    /* one lexer, one segment's carry and its offsets: a few KiB */
    assert_true(c.peak < 8 * 1024);
    x12kit_lexer_free(lx);
    assert_int_equal(c.live, 0);
  }
  free(buf);
}

/* Every allocation failing in turn gives ERR_NOMEM, never a crash or a leak. */
static void test_alloc_failure(void **state)
{
  size_t len, fail_at;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  int saw_ok = 0;

  (void)state;
  for (fail_at = 1; fail_at < 20; fail_at++) {
    tu_alloc c = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&c);
    x12kit_lexer *lx;
    const x12kit_segment *seg;
    size_t i;
    int rc = x12kit_lexer_new(&lx, &mem);

    if (rc != X12KIT_OK) {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_null(lx);
      continue;
    }
    /* one byte at a time forces the carry buffer */
    for (i = 0; i < len; i++) {
      rc = x12kit_lexer_feed(lx, buf + i, 1);
      if (rc < 0)
        break;
      while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
        ;
      if (rc < 0)
        break;
    }
    if (rc >= 0) {
      assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
      rc = x12kit_lexer_next(lx, &seg);
    }
    if (rc == X12KIT_END)
      saw_ok = 1;
    else
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
    x12kit_lexer_free(lx);
    assert_int_equal(c.live, 0);
  }
  assert_true(saw_ok);
  free(buf);
}

/* ---- API contract ---- */

static int count_cb(void *ud, const x12kit_segment *seg)
{
  (void)seg;
  return ++*(int *)ud == 5;
}

static void test_api_contract(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  int n = 0;

  (void)state;
  assert_int_equal(x12kit_lexer_new(NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_null(x12kit_lexer_delimiters(lx));
  assert_null(x12kit_lexer_error(lx));
  assert_int_equal(x12kit_lexer_feed(lx, NULL, 3), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_lexer_next(lx, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_NEED_INPUT);
  assert_int_equal(x12kit_lexer_feed(lx, buf, 10), X12KIT_OK);
  /* the chunk is not used up yet */
  assert_int_equal(x12kit_lexer_feed(lx, buf, 10), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_NEED_INPUT);
  assert_int_equal(x12kit_lexer_feed(lx, buf + 10, len - 10), X12KIT_OK);
  while (x12kit_lexer_next(lx, &seg) == X12KIT_OK)
    n++;
  assert_int_equal(n, 18);
  assert_non_null(x12kit_lexer_delimiters(lx));
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_lexer_feed(lx, buf, 1), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_END);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_END);

  /* reset gives a new lexer, after success or error */
  x12kit_lexer_reset(lx);
  assert_int_equal(x12kit_lexer_feed(lx, "garbage", 7), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_ERR_ISA);
  assert_int_equal(x12kit_lexer_next(lx, &seg), X12KIT_ERR_ISA);
  assert_int_equal(x12kit_lexer_feed(lx, buf, 1), X12KIT_ERR_ISA);
  x12kit_lexer_reset(lx);
  assert_null(x12kit_lexer_error(lx));
  n = 0;
  assert_int_equal(x12kit_lexer_parse(lx, buf, len, 0, count_cb, &n), X12KIT_ERR_ABORTED);
  assert_int_equal(n, 5);
  x12kit_lexer_reset(lx);
  n = -1000;
  assert_int_equal(x12kit_lexer_parse(lx, buf, 300, 0, count_cb, &n), X12KIT_OK);
  assert_int_equal(x12kit_lexer_parse(lx, buf + 300, len - 300, 1, count_cb, &n), X12KIT_END);
  assert_int_equal(n, -1000 + 18);
  x12kit_lexer_free(lx);
  x12kit_lexer_free(NULL);
  free(buf);
}

/* An ISA before the previous IEA starts a new interchange. */
static void test_isa_without_iea(void **state)
{
  size_t len, len2;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  const char *iea = strstr(buf, "IEA*");
  char *two = concat(buf, (size_t)(iea - buf), buf, len, &len2);
  tu_segs s;

  (void)state;
  tu_lex(two, len2, 0, &s);
  assert_int_equal(s.rc, X12KIT_END);
  assert_int_equal(s.n, 17 + 18);
  assert_string_equal(s.v[17].id, "ISA");
  assert_int_equal(s.v[17].pos.in_interchange, 1);
  assert_int_equal(s.v[18].pos.in_interchange, 2);
  check_chunking(two, len2);
  tu_segs_free(&s);
  free(two);
  free(buf);
}

static void test_delimiters_check(void **state)
{
  static const x12kit_delimiters good[] = {
    { '*', '^', ':', '~' }, { '|', '}', '>', '\'' }, { '*', '^', ':', '\n' }, { 0x1d, 0x1f, 0x1e, 0x1c },
  };
  static const x12kit_delimiters bad[] = {
    { '*', '*', ':', '~' }, { '*', '^', '*', '~' }, { '*', '^', ':', '*' }, { 'A', '^', ':', '~' },
    { '*', '^', '5', '~' }, { '*', ' ', ':', '~' }, { '*', '^', ':', 0 },   { '*', '\n', ':', '~' },
    { '*', '^', ':', ':' },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof good / sizeof good[0]; i++)
    assert_int_equal(x12kit_delimiters_check(&good[i]), X12KIT_OK);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(x12kit_delimiters_check(&bad[i]), X12KIT_ERR_DELIMITER);
}

static void test_strerror_and_format(void **state)
{
  int code;
  x12kit_error e;
  char line[400];

  (void)state;
  for (code = X12KIT_ERR_SCHEMA; code <= X12KIT_END; code++) {
    const char *s = x12kit_strerror(code);
    assert_non_null(s);
    assert_string_not_equal(s, "unknown status code");
  }
  assert_string_equal(x12kit_strerror(-999), "unknown status code");

  memset(&e, 0, sizeof e);
  e.pos.segment = 16;
  snprintf(e.segment_id, sizeof e.segment_id, "SE");
  snprintf(e.text, sizeof e.text, "SE01 says 13 segments, the transaction has 14");
  e.ack_kind = X12KIT_ACK_TRANSACTION;
  snprintf(e.ack_code, sizeof e.ack_code, "4");
  assert_int_equal(x12kit_error_format(&e, line, sizeof line),
                   (int)strlen("segment 16 (SE): SE01 says 13 segments, the transaction has 14 [999 IK5 4]"));
  assert_string_equal(line, "segment 16 (SE): SE01 says 13 segments, the transaction has 14 [999 IK5 4]");
  /* truncation behaves like snprintf */
  assert_true(x12kit_error_format(&e, line, 10) > 9);
  assert_int_equal(strlen(line), 9);
  assert_string_equal(x12kit_ack_kind_name(X12KIT_ACK_TA1), "TA1");
  assert_string_equal(x12kit_ack_kind_name(X12KIT_ACK_ELEMENT), "999 IK4");
  assert_string_equal(x12kit_version(), X12KIT_VERSION);
  assert_int_equal(x12kit_version_num(), X12KIT_VERSION_NUM);
  assert_true(X12KIT_VERSION_AT_LEAST(0, 1, 0));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_base_segments),
    cmocka_unit_test(test_base_accessors),
    cmocka_unit_test(test_zero_copy),
    cmocka_unit_test(test_chunking_base),
    cmocka_unit_test(test_chunking_fixtures),
    cmocka_unit_test(test_crlf),
    cmocka_unit_test(test_bom),
    cmocka_unit_test(test_newline_terminator),
    cmocka_unit_test(test_two_interchanges),
    cmocka_unit_test(test_bad_inputs),
    cmocka_unit_test(test_show_data),
    cmocka_unit_test(test_error_position),
    cmocka_unit_test(test_max_segment),
    cmocka_unit_test(test_bounded_memory),
    cmocka_unit_test(test_alloc_failure),
    cmocka_unit_test(test_api_contract),
    cmocka_unit_test(test_isa_without_iea),
    cmocka_unit_test(test_delimiters_check),
    cmocka_unit_test(test_strerror_and_format),
  };
  return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
