/*
 * x12kit - private declarations shared between library files.
 * Names here use the x12kitp_ prefix and are never exported.
 */
#ifndef X12KIT_INTERNAL_H
#define X12KIT_INTERNAL_H

#include <stdarg.h>
#include <x12kit/x12kit.h>

#if defined(__GNUC__)
#define X12KITP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define X12KITP_LIKELY(x) __builtin_expect(!!(x), 1)
#define X12KITP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define X12KITP_PRINTF(f, a)
#define X12KITP_LIKELY(x) (x)
#define X12KITP_UNLIKELY(x) (x)
#endif

/* Allocation through a handle's hooks. */
void x12kitp_mem_init(x12kit_mem *dst, const x12kit_mem *src);
void *x12kitp_malloc(const x12kit_mem *m, size_t size);
void *x12kitp_calloc(const x12kit_mem *m, size_t size);
void *x12kitp_realloc(const x12kit_mem *m, void *ptr, size_t size);
void x12kitp_free(const x12kit_mem *m, void *ptr);

/* Clears |err| and sets code, ack and message (printf-style). */
void x12kitp_error_set(x12kit_error *err, int code, x12kit_ack_kind kind, const char *ack,
                       const char *fmt, ...) X12KITP_PRINTF(5, 6);

void x12kitp_error_vset(x12kit_error *err, int code, x12kit_ack_kind kind, const char *ack,
                        const char *fmt, va_list ap) X12KITP_PRINTF(5, 0);

/* Copies |s| into |err->value| (truncated), for callers that asked to see data. */
void x12kitp_error_value(x12kit_error *err, x12kit_slice s);

/* Copies a slice into a fixed buffer, truncating, always NUL-terminated. */
void x12kitp_copy(char *dst, size_t size, x12kit_slice s);

/* Days in month |m| (1-12) of Gregorian year |y|; 0 for a month out of range. */
unsigned x12kitp_days_in_month(unsigned y, unsigned m);

/* 1 when all of s is ASCII digits and s is not empty. */
int x12kitp_all_digits(x12kit_slice s);

/* ISA field layout: width of ISA01..ISA16 and offsets in the 106 bytes. */
#define X12KITP_ISA_LEN 106
extern const unsigned char x12kitp_isa_width[16];

/* Internal segment layout, exposed here for the writer and the tests. */
struct x12kit_segment {
  const char *data;            /* ID through last element, no terminator */
  size_t len;
  size_t nelem;                /* elements after the ID */
  uint32_t *offs;              /* nelem + 1 entries: offs[i] = start of element i+1
                                  minus one (the separator); offs[nelem] = len */
  char id[4];
  x12kit_delimiters delims;
  x12kit_position pos;
};

#endif /* X12KIT_INTERNAL_H */
