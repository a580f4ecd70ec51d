/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * lexer.h: streaming, zero-copy X12 tokenizer.
 *
 * The lexer reads the delimiters of each interchange from its ISA and
 * cuts the input into segments.  Input arrives in chunks of any size;
 * the segments it gives are the same whatever the chunking.  A segment
 * that lies inside one chunk points into that chunk (no copy); one that
 * straddles chunks is assembled in an internal buffer bounded by
 * x12kit_lexer_set_max_segment().
 *
 * Pull use:
 *
 *     x12kit_lexer_feed(lx, buf, len);
 *     while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK)
 *       use(seg);                      // valid until the next call
 *     // rc == X12KIT_NEED_INPUT: feed the next chunk (buf may be reused)
 *     // at end of input: x12kit_lexer_finish(lx), then drain with _next
 *     // until X12KIT_END.
 *
 * Errors are fatal for the lexer: after a negative return only
 * x12kit_lexer_error(), x12kit_lexer_reset() and x12kit_lexer_free() are
 * allowed.
 */
#ifndef X12KIT_LEXER_H
#define X12KIT_LEXER_H

#include <x12kit/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_lexer x12kit_lexer;
typedef struct x12kit_segment x12kit_segment;

/* Default cap on one segment's length, terminator excluded. */
#define X12KIT_DEFAULT_MAX_SEGMENT (64u * 1024u)

/*
 * Creates a lexer in *out.  |mem| may be NULL.  Returns X12KIT_OK or
 * X12KIT_ERR_NOMEM.  The caller frees it with x12kit_lexer_free().
 */
X12KIT_EXTERN int x12kit_lexer_new(x12kit_lexer **out, const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_lexer_free(x12kit_lexer *lx);

/* Back to the state of a new lexer, keeping options. */
X12KIT_EXTERN void x12kit_lexer_reset(x12kit_lexer *lx);

/*
 * Longest segment accepted, terminator excluded (at least 106, the ISA).
 * A longer one fails with X12KIT_ERR_TOO_LONG.  Only before the first
 * feed.
 */
X12KIT_EXTERN int x12kit_lexer_set_max_segment(x12kit_lexer *lx, size_t max_len);

/* When non-zero, errors copy the offending bytes into x12kit_error.value. */
X12KIT_EXTERN void x12kit_lexer_set_show_data(x12kit_lexer *lx, int show);

/*
 * Hands the next chunk to the lexer.  The bytes must stay valid and
 * unchanged until x12kit_lexer_next() returns X12KIT_NEED_INPUT.
 * Returns X12KIT_ERR_STATE if the previous chunk is not used up yet or
 * after x12kit_lexer_finish().
 */
X12KIT_EXTERN int x12kit_lexer_feed(x12kit_lexer *lx, const char *buf, size_t len);

/*
 * Declares that no chunk follows the current one (which need not be
 * used up yet).  A second call returns X12KIT_ERR_STATE.
 */
X12KIT_EXTERN int x12kit_lexer_finish(x12kit_lexer *lx);

/*
 * Gives the next segment in *seg.  Returns X12KIT_OK (a segment),
 * X12KIT_NEED_INPUT (feed more), X12KIT_END (input finished on a
 * segment boundary), or a negative error whose details are in
 * x12kit_lexer_error().  The segment stays valid until the next call
 * on the lexer.
 */
X12KIT_EXTERN int x12kit_lexer_next(x12kit_lexer *lx, const x12kit_segment **seg);

/* The last error, or NULL when there was none.  Owned by the lexer. */
X12KIT_EXTERN const x12kit_error *x12kit_lexer_error(const x12kit_lexer *lx);

/* Delimiters of the current interchange; NULL before the first ISA. */
X12KIT_EXTERN const x12kit_delimiters *x12kit_lexer_delimiters(const x12kit_lexer *lx);

/* Bytes consumed so far (given out as segments or skipped). */
X12KIT_EXTERN uint64_t x12kit_lexer_offset(const x12kit_lexer *lx);

/*
 * Callback convenience: feeds |buf| and calls |cb| for every complete
 * segment; with |is_final| it also finishes the input.  A non-zero
 * return from |cb| stops with X12KIT_ERR_ABORTED.  Returns X12KIT_OK
 * (more input wanted), X12KIT_END (with is_final, all done) or an error.
 */
typedef int (*x12kit_segment_cb)(void *user_data, const x12kit_segment *seg);
X12KIT_EXTERN int x12kit_lexer_parse(x12kit_lexer *lx, const char *buf, size_t len,
                                     int is_final, x12kit_segment_cb cb, void *user_data);

/*
 * Segment accessors.  Positions are 1-based like X12 reference
 * designators: element 1 of "NM1*IL*1*DOE" is "IL".  Out-of-range
 * positions give an empty slice, as X12 treats missing trailing
 * elements.  Slices point into the input (or the lexer's buffer) and are
 * valid as long as the segment.
 */

/* Segment ID as a NUL-terminated string of 2 or 3 characters. */
X12KIT_EXTERN const char *x12kit_segment_id(const x12kit_segment *seg);

/* Number of elements after the ID (trailing empty ones included). */
X12KIT_EXTERN size_t x12kit_segment_count(const x12kit_segment *seg);

/* Whole element n, repetitions and components included. */
X12KIT_EXTERN x12kit_slice x12kit_segment_element(const x12kit_segment *seg, size_t n);

/* Number of repetitions of element n (1 when it does not repeat, 0 when empty). */
X12KIT_EXTERN size_t x12kit_segment_repetitions(const x12kit_segment *seg, size_t n);

/* Number of components in repetition r of element n (0 when empty). */
X12KIT_EXTERN size_t x12kit_segment_components(const x12kit_segment *seg, size_t n, size_t r);

/* Component c of repetition r of element n. */
X12KIT_EXTERN x12kit_slice x12kit_segment_component(const x12kit_segment *seg, size_t n,
                                                    size_t r, size_t c);

/* The segment's bytes from its ID to just before its terminator. */
X12KIT_EXTERN x12kit_slice x12kit_segment_raw(const x12kit_segment *seg);

/* Where the segment starts. */
X12KIT_EXTERN const x12kit_position *x12kit_segment_position(const x12kit_segment *seg);

/* The delimiters in force for this segment. */
X12KIT_EXTERN const x12kit_delimiters *x12kit_segment_delimiters(const x12kit_segment *seg);

/* Non-zero when element n equals the NUL-terminated string s. */
X12KIT_EXTERN int x12kit_slice_eq(x12kit_slice s, const char *str);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_LEXER_H */
