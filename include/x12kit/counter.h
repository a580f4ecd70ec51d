/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * counter.h: a control-number counter kept in a file, so that every
 * interchange a sender writes gets its own ISA13 and GS06, across runs
 * and across processes running at the same time.
 *
 *     unsigned long control;
 *     if (x12kit_counter_next("/var/lib/clinic/x12-control", &control, &err) == X12KIT_OK)
 *       r.control = control;
 *
 * The file holds the last number handed out, in decimal, and a newline.
 * Beside it lives FILE.lock, an empty file that x12kit_counter_next locks
 * (flock, exclusive) for the whole read-and-replace, so two processes
 * never get the same number.  The new number is written to a temporary
 * file in the same directory (FILE.XXXXXX), flushed to disk, renamed over
 * FILE, and the directory is flushed too before the number is returned:
 * after a crash FILE holds either the old number or the new one, never
 * half of one, and a number returned is never handed out again.  A crash
 * before the rename can leave the temporary file behind; it can be
 * removed.
 *
 * The directory must be writable (for the lock file and the rename);
 * FILE is replaced by a file with the same mode bits (0644 when it is
 * created), and it must be a regular file, not a symbolic link.  Several hosts sharing FILE over a
 * network file system are safe only where that file system honours
 * flock.
 */
#ifndef X12KIT_COUNTER_H
#define X12KIT_COUNTER_H

#include <x12kit/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest control number: ISA13 has 9 digits.  After it comes 1. */
#define X12KIT_CONTROL_MAX 999999999ul

/*
 * Takes the next control number from the counter file |path| into
 * |*out|: 1 when the file does not exist yet (it is created), else the
 * number in it plus one, and 1 again after X12KIT_CONTROL_MAX.  The file
 * may hold 0 ("none handed out yet"): writing N-1 into it makes N the
 * next number.
 *
 * Returns X12KIT_OK, or
 *   X12KIT_ERR_ARG   |path| or |out| is NULL or |path| is empty;
 *   X12KIT_ERR_DATA  the file does not hold one number from 0 to
 *                    999999999 (digits and an optional newline): it is
 *                    left as it is, never silently restarted;
 *   X12KIT_ERR_IO    the file or its lock cannot be created, read,
 *                    written or renamed (err->text gives the system's
 *                    reason);
 *   X12KIT_ERR_NOMEM.
 * On failure |*out| is not touched; the file keeps its number, except
 * when only the final flush of the directory failed, in which case the
 * new number stays in the file unused: a number is skipped, never
 * handed out twice.  |err| may be NULL.  Its text never holds the path (the caller knows
 * it).  Safe to call from several threads and processes at once.
 */
X12KIT_EXTERN int x12kit_counter_next(const char *path, unsigned long *out, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_COUNTER_H */
