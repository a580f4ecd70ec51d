/*
 * x12kit - synthetic 271 interchanges for the benchmarks.
 *
 * One ISA, one HB group and as many ST..SE eligibility responses as fit,
 * written with the x12kit writer ('*', '^', ':', '~' and a newline after
 * each segment).  Each transaction is valid against schemas/271.xml
 * (005010X279A1): payer (2000A/2100A), provider (2000B/2100B) and one
 * subscriber (2000C: TRN, 2100C with NM1, REF, N3, N4, DMG, two DTP),
 * then 10 to 15 benefits (2110C: EB with repeating EB03 and composite
 * EB13, one MSG), the last one holding LS, a 2120C utilization review
 * entity (NM1, PER) and LE.  Every name and number is made up.
 */
#ifndef X12KIT_BENCH_GEN271_H
#define X12KIT_BENCH_GEN271_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Writes a 271 interchange of at least |target| bytes to |fd| (it stops
 * at the first transaction that passes the target).  Returns 0 and sets
 * *bytes and *transactions, or -1 with a message in |err| (at most
 * |errsize| bytes).
 */
int gen271_write(int fd, uint64_t target, uint64_t *bytes, unsigned long *transactions,
                 char *err, size_t errsize);

/* Helpers the benchmark programs share. */

/* The program name bench_die() prefixes. */
extern const char *bench_progname;

#if defined(__GNUC__)
#define BENCH_DIES(f, a) __attribute__((format(printf, f, a), noreturn))
#else
#define BENCH_DIES(f, a)
#endif

/* Prints "PROGRAM: message" to stderr and exits 2. */
void bench_die(const char *fmt, ...) BENCH_DIES(1, 2);

/* Seconds on the monotonic clock. */
double bench_now(void);

/* A temporary file, unlinked at once: it goes away however the program exits. */
int bench_temp_file(void);

/* The size of an open file. */
uint64_t bench_file_size(int fd);

/* gen271_write, or bench_die with its message; returns the transactions. */
unsigned long bench_generate(int fd, uint64_t target, uint64_t *bytes);

/*
 * The options every benchmark takes: --size MB, --quick, --file PATH,
 * --help.  Returns -1 to go on, or the status to exit with (|usage| has
 * printed to stdout for --help, to stderr for a bad option).
 */
int bench_args(int argc, char **argv, unsigned long *size_mb, const char **file,
               void (*usage)(FILE *fp));

/*
 * The benchmark's input: |file| when it exists, else a 271 of |size_mb|
 * generated there (or in a temporary file when |file| is NULL).  Prints
 * one line about it; returns an open descriptor, its size and, when
 * generated, its transactions (0 otherwise).
 */
int bench_input(const char *file, unsigned long size_mb, uint64_t *len, unsigned long *txns);

/* Reads the whole of |fd| (|len| bytes) into a malloc'd buffer. */
char *bench_load(int fd, size_t len);

/*
 * Runs |fn|(|ud|, |out|) in a child process, so that the peak RSS is the
 * child's own and not the parent's, and brings back what |fn| wrote into
 * |out| (|out_size| bytes), the seconds it took and the child's peak RSS
 * in KiB.  bench_die when the child fails.
 */
void bench_in_child(void (*fn)(void *ud, void *out), void *ud, void *out, size_t out_size,
                    double *seconds, long *maxrss_kib);

#endif /* X12KIT_BENCH_GEN271_H */
