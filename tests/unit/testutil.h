/* x12kit tests - shared helpers for the cmocka suites. */
#ifndef X12KIT_TESTUTIL_H
#define X12KIT_TESTUTIL_H

#include <stddef.h>
#include <x12kit/x12kit.h>

/* Path of a file under fixtures/ (X12KIT_FIXTURES, else "fixtures"). Static buffer. */
const char *tu_fixture_path(const char *rel);

/* Reads a fixture into a malloc'd buffer; fails the test when missing. */
char *tu_read_fixture(const char *rel, size_t *len);

/* One segment as lexed, flattened for comparison. */
typedef struct tu_seg {
  char *raw;                 /* malloc'd copy of the raw bytes */
  size_t raw_len;
  char id[4];
  size_t nelem;
  x12kit_position pos;
} tu_seg;

typedef struct tu_segs {
  tu_seg *v;
  size_t n, cap;
  int rc;                    /* X12KIT_END, or the error that stopped lexing */
  x12kit_error err;          /* copy of the lexer error when rc < 0 */
} tu_segs;

/*
 * Lexes |len| bytes of |buf| fed in chunks of |chunk| bytes (0 = all at
 * once), each chunk copied to its own heap block that is freed as soon
 * as the lexer asks for more input (so ASan catches a lexer that keeps
 * pointers into old chunks).  Returns the segments in |out|.
 */
void tu_lex(const char *buf, size_t len, size_t chunk, tu_segs *out);
void tu_segs_free(tu_segs *s);

/*
 * The maps of $X12KIT_SCHEMA_DIR (else ./schemas), or NULL after
 * printing why they do not load.  The caller frees them.
 */
x12kit_schema *tu_load_schema(void);

/*
 * The maps shared by a suite's tests: tu_schema_setup, a cmocka group
 * setup, loads them into tu_schema (-1 when they do not load);
 * tu_schema_teardown frees them.
 */
extern x12kit_schema *tu_schema;
int tu_schema_setup(void **state);
int tu_schema_teardown(void **state);

/*
 * An allocator for x12kit_mem that counts live and peak bytes and,
 * when fail_at is not 0, fails the fail_at-th call and every one after.
 */
typedef struct tu_alloc {
  size_t live, peak;
  unsigned calls, fail_at;
} tu_alloc;

/* Hooks that allocate through |a|. */
x12kit_mem tu_alloc_mem(tu_alloc *a);

/* Output collected in memory: |p| (malloc'd, NUL-terminated) holds |len| bytes. */
typedef struct tu_buf {
  char *p;
  size_t len;
} tu_buf;

/* An x12kit_writer sink appending to the tu_buf |ud|; -1 when out of memory. */
int tu_to_buf(void *ud, const char *data, size_t len);

/*
 * Lexes and validates |len| bytes of |x12| against |schema|; fails the
 * test on any lexer or validator error or finding (each printed).
 */
void tu_assert_valid(const x12kit_schema *schema, const char *x12, size_t len);

#endif
