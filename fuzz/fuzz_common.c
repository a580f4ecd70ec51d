/*
 * x12kit - helpers shared by the fuzz targets.  See fuzz_common.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

void fuzz_fail(const char *file, int line, const char *what)
{
  const char *base = strrchr(file, '/');

  fprintf(stderr, "%s:%d: invariant broken: %s\n", base ? base + 1 : file, line, what);
  abort();
}

void *fuzz_xrealloc(void *ptr, size_t size)
{
  void *p = realloc(ptr, size ? size : 1);

  CHECK(p != NULL, "harness out of memory");
  return p;
}

/* --- allocator hooks ---------------------------------------------------- */

#define MEM_TAG 0x78313243u

typedef union mem_header {
  max_align_t align;
  struct {
    uint32_t tag;
    size_t size;
  } h;
} mem_header;

unsigned long fuzz_mem_live;

static void *hook_malloc(size_t size, void *user_data)
{
  mem_header *hd;

  (void)user_data;
  if (size > SIZE_MAX - sizeof *hd)
    return NULL;
  hd = malloc(sizeof *hd + size);
  if (hd == NULL)
    return NULL;
  hd->h.tag = MEM_TAG;
  hd->h.size = size;
  fuzz_mem_live++;
  return hd + 1;
}

static mem_header *hook_header(void *ptr)
{
  mem_header *hd = (mem_header *)ptr - 1;

  CHECK(hd->h.tag == MEM_TAG, "library freed a block it did not get from its hooks");
  return hd;
}

static void hook_free(void *ptr, void *user_data)
{
  mem_header *hd;

  (void)user_data;
  if (ptr == NULL)
    return;
  hd = hook_header(ptr);
  hd->h.tag = 0;
  fuzz_mem_live--;
  free(hd);
}

static void *hook_realloc(void *ptr, size_t size, void *user_data)
{
  mem_header *hd, *nhd;

  if (ptr == NULL)
    return hook_malloc(size, user_data);
  hd = hook_header(ptr);
  if (size > SIZE_MAX - sizeof *hd)
    return NULL;
  nhd = realloc(hd, sizeof *nhd + size);
  if (nhd == NULL)
    return NULL;
  nhd->h.size = size;
  return nhd + 1;
}

const x12kit_mem fuzz_hooks = { NULL, hook_malloc, hook_free, hook_realloc };

/* --- checks -------------------------------------------------------------- */

unsigned long fuzz_fold(unsigned long acc, const char *p, size_t len)
{
  size_t i;

  for (i = 0; i < len; i++)
    acc = acc * 31 + (unsigned char)p[i];
  return acc;
}

int fuzz_is_terminated(const char *s, size_t size)
{
  return memchr(s, '\0', size) != NULL;
}

unsigned long fuzz_check_error(const x12kit_error *err, int show)
{
  char buf[1024], small[8];
  size_t i;
  int n, m;

  CHECK(err != NULL, "error details missing");
  CHECK(err->code < 0, "error code is not negative");
  CHECK(strcmp(x12kit_strerror(err->code), x12kit_strerror(INT_MIN)) != 0,
        "error code unknown to x12kit_strerror");
  CHECK((int)err->ack_kind >= (int)X12KIT_ACK_NONE
        && (int)err->ack_kind <= (int)X12KIT_ACK_ELEMENT,
        "ack_kind out of range");
  CHECK_STR(err->ack_code);
  CHECK_STR(err->segment_id);
  CHECK_STR(err->loop_id);
  CHECK_STR(err->text);
  CHECK_STR(err->value);
  CHECK(err->text[0] != '\0', "error without text");
  CHECK(show || err->value[0] == '\0', "error shows data nobody asked for");
  if (err->ack_kind == X12KIT_ACK_NONE)
    CHECK(err->ack_code[0] == '\0', "ack_code without ack_kind");
  for (i = 0; err->ack_code[i]; i++)
    CHECK((err->ack_code[i] >= '0' && err->ack_code[i] <= '9')
          || (err->ack_code[i] >= 'A' && err->ack_code[i] <= 'Z'), "ack_code not alphanumeric");

  n = x12kit_error_format(err, buf, sizeof buf);
  CHECK(n > 0 && (size_t)n < sizeof buf && strlen(buf) == (size_t)n,
        "x12kit_error_format length");
  CHECK(strpbrk(buf, "\r\n") == NULL, "formatted error is not one line");
  m = x12kit_error_format(err, small, sizeof small);
  CHECK(m == n && strlen(small) == ((size_t)n < sizeof small ? (size_t)n : sizeof small - 1),
        "x12kit_error_format truncation");
  m = x12kit_error_format(err, NULL, 0);
  CHECK(m == n, "x12kit_error_format sizing call");
  return fuzz_fold(0, buf, (size_t)n);
}

const x12kit_schema *fuzz_schema(const char *target)
{
  static x12kit_schema *schema;
  const char *dir = getenv("X12KIT_SCHEMA_DIR");
  x12kit_error err;
  int rc;

  if (schema != NULL)
    return schema;
  if (dir == NULL || *dir == '\0') {
#ifdef X12KIT_FUZZ_SCHEMA_DIR
    dir = X12KIT_FUZZ_SCHEMA_DIR;
#else
    dir = x12kit_schema_default_dir();
#endif
  }
  memset(&err, 0, sizeof err);
  rc = x12kit_schema_load(&schema, dir, NULL, &err);
  if (rc != X12KIT_OK || schema == NULL || x12kit_schema_guide_count(schema) == 0) {
    fprintf(stderr, "%s: cannot load the maps from %s: %s\n", target, dir,
            rc != X12KIT_OK && err.text[0] ? err.text
            : rc != X12KIT_OK ? x12kit_strerror(rc) : "no implementation guide in them");
    exit(2);
  }
  return schema;
}
