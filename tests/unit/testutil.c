/* x12kit tests - shared helpers for the cmocka suites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

const char *tu_fixture_path(const char *rel)
{
  static char path[4096];
  const char *dir = getenv("X12KIT_FIXTURES");

  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "fixtures", rel);
  return path;
}

char *tu_read_fixture(const char *rel, size_t *len)
{
  const char *path = tu_fixture_path(rel);
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  if (f == NULL)
    fail_msg("cannot open fixture %s", path);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  n = ftell(f);
  assert_true(n >= 0);
  assert_int_equal(fseek(f, 0, SEEK_SET), 0);
  buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static void push(tu_segs *s, const x12kit_segment *seg)
{
  x12kit_slice raw = x12kit_segment_raw(seg);
  tu_seg *t;

  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    assert_non_null(s->v);
  }
  t = &s->v[s->n++];
  t->raw = malloc(raw.len + 1);
  assert_non_null(t->raw);
  memcpy(t->raw, raw.ptr, raw.len);
  t->raw[raw.len] = '\0';
  t->raw_len = raw.len;
  snprintf(t->id, sizeof t->id, "%s", x12kit_segment_id(seg));
  t->nelem = x12kit_segment_count(seg);
  t->pos = *x12kit_segment_position(seg);
}

void tu_lex(const char *buf, size_t len, size_t chunk, tu_segs *out)
{
  x12kit_lexer *lx;
  const x12kit_segment *seg;
  size_t off = 0;
  char *block = NULL;
  int rc;

  memset(out, 0, sizeof *out);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  if (chunk == 0)
    chunk = len ? len : 1;
  for (;;) {
    if (off < len) {
      size_t n = len - off < chunk ? len - off : chunk;
      free(block);
      block = malloc(n);
      assert_non_null(block);
      memcpy(block, buf + off, n);
      off += n;
      assert_int_equal(x12kit_lexer_feed(lx, block, n), X12KIT_OK);
    } else {
      assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
    }
    while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
      push(out, seg);
    if (rc == X12KIT_NEED_INPUT)
      continue;
    break;
  }
  out->rc = rc;
  if (rc < 0) {
    assert_non_null(x12kit_lexer_error(lx));
    out->err = *x12kit_lexer_error(lx);
  }
  free(block);
  x12kit_lexer_free(lx);
}

void tu_segs_free(tu_segs *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    free(s->v[i].raw);
  free(s->v);
  memset(s, 0, sizeof *s);
}

static void *tu_malloc(size_t n, void *ud)
{
  tu_alloc *a = ud;
  size_t *p;

  if (a->fail_at && ++a->calls >= a->fail_at)
    return NULL;
  p = malloc(n + 2 * sizeof(size_t));
  if (p == NULL)
    return NULL;
  p[0] = n;
  a->live += n;
  if (a->live > a->peak)
    a->peak = a->live;
  return p + 2;
}

static void tu_free(void *q, void *ud)
{
  tu_alloc *a = ud;
  size_t *p = (size_t *)q - 2;

  a->live -= p[0];
  free(p);
}

static void *tu_realloc(void *q, size_t n, void *ud)
{
  tu_alloc *a = ud;
  size_t *p, old;

  if (q == NULL)
    return tu_malloc(n, ud);
  if (a->fail_at && ++a->calls >= a->fail_at)
    return NULL;
  p = (size_t *)q - 2;
  old = p[0];
  p = realloc(p, n + 2 * sizeof(size_t));
  if (p == NULL)
    return NULL;
  p[0] = n;
  a->live = a->live - old + n;
  if (a->live > a->peak)
    a->peak = a->live;
  return p + 2;
}

x12kit_mem tu_alloc_mem(tu_alloc *a)
{
  x12kit_mem m = { a, tu_malloc, tu_free, tu_realloc };
  return m;
}

x12kit_schema *tu_load_schema(void)
{
  const char *dir = getenv("X12KIT_SCHEMA_DIR");
  x12kit_schema *s;
  x12kit_error err;

  if (x12kit_schema_load(&s, dir && *dir ? dir : "schemas", NULL, &err) != X12KIT_OK) {
    fprintf(stderr, "cannot load the maps: %s\n", err.text);
    return NULL;
  }
  return s;
}

x12kit_schema *tu_schema;

int tu_schema_setup(void **state)
{
  (void)state;
  tu_schema = tu_load_schema();
  return tu_schema ? 0 : -1;
}

int tu_schema_teardown(void **state)
{
  (void)state;
  x12kit_schema_free(tu_schema);
  tu_schema = NULL;
  return 0;
}

int tu_to_buf(void *ud, const char *data, size_t len)
{
  tu_buf *b = ud;
  char *q = realloc(b->p, b->len + len + 1);

  if (q == NULL)
    return -1;
  memcpy(q + b->len, data, len);
  b->p = q;
  b->len += len;
  b->p[b->len] = '\0';
  return 0;
}

static int count_finding(void *ud, const x12kit_error *e)
{
  unsigned long *n = ud;

  fprintf(stderr, "# finding: %s %s %u: %s\n", e->loop_id, e->segment_id, e->element, e->text);
  (*n)++;
  return 0;
}

void tu_assert_valid(const x12kit_schema *schema, const char *x12, size_t len)
{
  x12kit_lexer *lx;
  x12kit_validator *v;
  const x12kit_segment *seg;
  unsigned long findings = 0;
  int rc;

  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_validator_new(&v, schema, NULL), X12KIT_OK);
  x12kit_validator_set_callbacks(v, NULL, count_finding, NULL, &findings);
  assert_int_equal(x12kit_lexer_feed(lx, x12, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
    assert_int_equal(x12kit_validator_segment(v, seg), X12KIT_OK);
  assert_int_equal(rc, X12KIT_END);
  assert_int_equal(x12kit_validator_finish(v), X12KIT_OK);
  if (findings != 0)
    fail_msg("%lu findings in %s", findings, x12);
  assert_int_equal(x12kit_validator_error_count(v), 0);
  x12kit_validator_free(v);
  x12kit_lexer_free(lx);
}
