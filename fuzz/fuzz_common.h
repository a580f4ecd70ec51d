/*
 * x12kit - helpers shared by the fuzz targets: invariant checks,
 * counting allocator hooks and the sanity check of an x12kit_error.
 */
#ifndef X12KIT_FUZZ_COMMON_H
#define X12KIT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <x12kit/x12kit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__GNUC__)
#define FUZZ_NORETURN __attribute__((noreturn))
#else
#define FUZZ_NORETURN
#endif

/* Reports which invariant broke, then aborts so the fuzzer keeps the input. */
#define FAIL(what) fuzz_fail(__FILE__, __LINE__, what)
#define CHECK(cond, what) do { if (!(cond)) FAIL(what); } while (0)

/* A char array member holds a NUL within its size. */
#define CHECK_STR(field) \
  CHECK(fuzz_is_terminated(field, sizeof(field)), #field " not terminated")

void fuzz_fail(const char *file, int line, const char *what) FUZZ_NORETURN;

/* realloc() that aborts instead of failing; size 0 gives a 1-byte block. */
void *fuzz_xrealloc(void *ptr, size_t size);

/*
 * Allocator hooks for the library handles.  Every block carries a tag;
 * freeing anything else aborts.  fuzz_mem_live counts the blocks handed
 * out and not yet freed: it must be back to 0 once the handles are freed.
 */
extern const x12kit_mem fuzz_hooks;
extern unsigned long fuzz_mem_live;

/* Folds bytes into a sum, so that every read really happens. */
unsigned long fuzz_fold(unsigned long acc, const char *p, size_t len);

int fuzz_is_terminated(const char *s, size_t size);

/*
 * Sanity of an x12kit_error from any module: negative code known to
 * x12kit_strerror, fields NUL-terminated, text present, ack code
 * alphanumeric, value empty unless |show|, x12kit_error_format one line
 * and snprintf-like.  Returns a fold of the formatted line.
 */
unsigned long fuzz_check_error(const x12kit_error *err, int show);

/*
 * The implementation-guide maps, loaded on the first call from
 * $X12KIT_SCHEMA_DIR, else X12KIT_FUZZ_SCHEMA_DIR (when the target is
 * built with it), else the installed maps; never freed, since a fuzzer
 * runs until it is stopped.  Exits 2, naming |target|, when they cannot
 * be loaded or hold no guide.
 */
const x12kit_schema *fuzz_schema(const char *target);

#endif /* X12KIT_FUZZ_COMMON_H */
