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

/*
 * Writes a 271 interchange of at least |target| bytes to |fd| (it stops
 * at the first transaction that passes the target).  Returns 0 and sets
 * *bytes and *transactions, or -1 with a message in |err| (at most
 * |errsize| bytes).
 */
int gen271_write(int fd, uint64_t target, uint64_t *bytes, unsigned long *transactions,
                 char *err, size_t errsize);

#endif /* X12KIT_BENCH_GEN271_H */
