/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * writer.h: emits X12 with chosen delimiters.
 *
 * The writer pads the ISA to its fixed widths, trims trailing empty
 * elements and components, refuses data that contains a delimiter (X12
 * has no escape character), and writes the trailers itself: SE with the
 * segment count and ST02, GE with the transaction count and GS06, IEA
 * with the group count and ISA13.
 *
 * Building a segment:
 *
 *     x12kit_writer_begin(w, "NM1");
 *     x12kit_writer_element(w, "IL");
 *     x12kit_writer_element(w, "1");
 *     x12kit_writer_element(w, "DOE");
 *     x12kit_writer_element(w, NULL);        // empty element
 *     x12kit_writer_element(w, "HC");         // composite: element + components
 *     x12kit_writer_component(w, "96365");
 *     x12kit_writer_end(w);
 *
 * Copying parsed segments: x12kit_writer_copy() re-encodes a segment
 * from the lexer with the writer's delimiters; ISA/GS/ST open envelopes
 * and SE/GE/IEA close them with recomputed counts.  For canonical input
 * (its own delimiters, no trailing empty elements, correct counts),
 * lexing then copying gives the same bytes.
 *
 * Output goes through a write callback, buffered; x12kit_writer_flush()
 * pushes what is buffered, and so does closing an interchange.
 * x12kit_writer_free() does not flush.
 *
 * After a failed call the segment being built, if any, is dropped and
 * the writer stays usable; x12kit_writer_error() tells what failed.
 */
#ifndef X12KIT_WRITER_H
#define X12KIT_WRITER_H

#include <x12kit/common.h>
#include <x12kit/lexer.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_writer x12kit_writer;

/* Writes all |len| bytes or returns non-zero. */
typedef int (*x12kit_write_fn)(void *user_data, const char *buf, size_t len);

/* Header fields for x12kit_writer_interchange.  NULL or "" means the default. */
typedef struct x12kit_isa_fields {
  const char *auth_qualifier;     /* ISA01, default "00" */
  const char *auth_info;          /* ISA02, padded to 10 */
  const char *security_qualifier; /* ISA03, default "00" */
  const char *security_info;      /* ISA04, padded to 10 */
  const char *sender_qualifier;   /* ISA05, default "ZZ" */
  const char *sender_id;          /* ISA06, required, padded to 15 */
  const char *receiver_qualifier; /* ISA07, default "ZZ" */
  const char *receiver_id;        /* ISA08, required, padded to 15 */
  const char *date;               /* ISA09 YYMMDD, required */
  const char *time;               /* ISA10 HHMM, required */
  unsigned long control;          /* ISA13, 1..999999999, written as 9 digits */
  int ack_requested;              /* ISA14: 0 or 1 */
  char usage;                     /* ISA15: 'P' or 'T'; 0 means 'P' */
} x12kit_isa_fields;

typedef struct x12kit_gs_fields {
  const char *functional_id;      /* GS01, e.g. "HS" */
  const char *sender;             /* GS02 */
  const char *receiver;           /* GS03 */
  const char *date;               /* GS04 CCYYMMDD */
  const char *time;               /* GS05 HHMM */
  unsigned long control;          /* GS06, 1..999999999 */
  const char *version;            /* GS08, e.g. "005010X279A1" (at most 12); also ST03 default */
} x12kit_gs_fields;

/*
 * Creates a writer in *out that sends bytes to |fn|.  |delims| may be
 * NULL for "*", "^", ":", "~"; they are checked with
 * x12kit_delimiters_check().  |mem| may be NULL.
 */
X12KIT_EXTERN int x12kit_writer_new(x12kit_writer **out, x12kit_write_fn fn, void *user_data,
                                    const x12kit_delimiters *delims, const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_writer_free(x12kit_writer *w);

/*
 * Changes the delimiters for the next interchange; only between
 * interchanges.  Returns X12KIT_ERR_DELIMITER for an unusable set.
 */
X12KIT_EXTERN int x12kit_writer_set_delimiters(x12kit_writer *w, const x12kit_delimiters *delims);

/* Text written after every segment terminator: "", "\n" or "\r\n". Default "". */
X12KIT_EXTERN int x12kit_writer_set_line_end(x12kit_writer *w, const char *eol);

/* Envelopes.  Each begin must be closed by its end; ends write the trailer. */
X12KIT_EXTERN int x12kit_writer_interchange(x12kit_writer *w, const x12kit_isa_fields *isa);
X12KIT_EXTERN int x12kit_writer_group(x12kit_writer *w, const x12kit_gs_fields *gs);
/* |control| NULL numbers transactions 0001, 0002, ... within the group;
   |version| NULL repeats GS08 in ST03, "" leaves ST03 out. */
X12KIT_EXTERN int x12kit_writer_transaction(x12kit_writer *w, const char *id,
                                            const char *control, const char *version);
X12KIT_EXTERN int x12kit_writer_end_transaction(x12kit_writer *w);
X12KIT_EXTERN int x12kit_writer_end_group(x12kit_writer *w);
X12KIT_EXTERN int x12kit_writer_end_interchange(x12kit_writer *w);

/* Segments, element by element.  NULL or "" is an empty element or component. */
X12KIT_EXTERN int x12kit_writer_begin(x12kit_writer *w, const char *segment_id);
X12KIT_EXTERN int x12kit_writer_element(x12kit_writer *w, const char *value);
X12KIT_EXTERN int x12kit_writer_element_n(x12kit_writer *w, const char *value, size_t len);
/* Next component of the current element. */
X12KIT_EXTERN int x12kit_writer_component(x12kit_writer *w, const char *value);
/* Starts the next repetition of the current element with its first component. */
X12KIT_EXTERN int x12kit_writer_repetition(x12kit_writer *w, const char *value);
X12KIT_EXTERN int x12kit_writer_end(x12kit_writer *w);

/* Re-encodes a parsed segment; see the comment at the top. */
X12KIT_EXTERN int x12kit_writer_copy(x12kit_writer *w, const x12kit_segment *seg);

/* Pushes buffered bytes to the write callback. */
X12KIT_EXTERN int x12kit_writer_flush(x12kit_writer *w);

/* Segments written in the open transaction (ST counts as 1); 0 outside. */
X12KIT_EXTERN unsigned long x12kit_writer_transaction_segments(const x12kit_writer *w);

/* Error details after a failed call; NULL when the last call succeeded. */
X12KIT_EXTERN const x12kit_error *x12kit_writer_error(const x12kit_writer *w);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_WRITER_H */
