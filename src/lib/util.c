/*
 * x12kit - small helpers shared by the readers and the other library
 * files: errors returned with their code, arenas, dates.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

int x12kitp_fail(x12kit_error *err, int code, const char *fmt, ...)
{
  va_list ap;

  if (err) {
    va_start(ap, fmt);
    x12kitp_error_vset(err, code, X12KIT_ACK_NONE, NULL, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* ---- arenas ---- */

struct x12kitp_arena_block {
  struct x12kitp_arena_block *next;
  size_t used, size;
  max_align_t data[];
};

void x12kitp_arena_init(x12kitp_arena *a, const x12kit_mem *mem, size_t block)
{
  a->mem = mem;
  a->head = NULL;
  a->block = block;
}

void *x12kitp_arena_alloc(x12kitp_arena *a, size_t n, size_t align)
{
  x12kitp_arena_block *b = a->head;
  size_t off, size;

  if (n == 0)
    n = 1;
  if (b) {
    off = (b->used + align - 1) / align * align;
    if (off <= b->size && b->size - off >= n) {
      b->used = off + n;
      return (char *)b->data + off;
    }
  }
  size = n > a->block ? n : a->block;
  if (size > SIZE_MAX - sizeof *b)
    return NULL;
  b = x12kitp_malloc(a->mem, sizeof *b + size);
  if (b == NULL)
    return NULL;
  b->size = size;
  b->used = n;
  if (n > a->block / 4 && a->head) {
    /* a large piece gets a block of its own; the current block stays current */
    b->next = a->head->next;
    a->head->next = b;
  } else {
    b->next = a->head;
    a->head = b;
  }
  return b->data;
}

void *x12kitp_arena_zalloc(x12kitp_arena *a, size_t n)
{
  void *p = x12kitp_arena_alloc(a, n, sizeof(max_align_t));

  return p ? memset(p, 0, n) : NULL;
}

char *x12kitp_arena_dup(x12kitp_arena *a, x12kit_slice s)
{
  char *p;

  if (s.len == SIZE_MAX)
    return NULL;
  p = x12kitp_arena_alloc(a, s.len + 1, 1);
  if (p == NULL)
    return NULL;
  if (s.len)
    memcpy(p, s.ptr, s.len);
  p[s.len] = '\0';
  return p;
}

void x12kitp_arena_free(x12kitp_arena *a)
{
  while (a->head) {
    x12kitp_arena_block *b = a->head;
    a->head = b->next;
    x12kitp_free(a->mem, b);
  }
}

/* ---- dates ---- */

int x12kitp_iso_date(x12kit_slice s, char out[11])
{
  if (s.len != 8 || !x12kitp_all_digits(s))
    return 0;
  memcpy(out, s.ptr, 4);
  out[4] = '-';
  memcpy(out + 5, s.ptr + 4, 2);
  out[7] = '-';
  memcpy(out + 8, s.ptr + 6, 2);
  out[10] = '\0';
  return 1;
}
