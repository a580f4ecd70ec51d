/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * ack.h: 999 implementation acknowledgments and TA1 interchange
 * acknowledgments, written from what the envelope checker and the
 * validator found, and read back in plain words.
 *
 * Writing: tell the builder about each interchange, group and
 * transaction as they begin and end (the x12kit_envelope_event values
 * and info structs the validator reports), and hand it every finding
 * (x12kit_error with its ack kind and code).  Then write:
 *
 *   x12kit_ack_write_999(): one 999 transaction set per functional
 *     group received, inside a new interchange and FA group addressed
 *     back to the sender.
 *   x12kit_ack_write_ta1(): an interchange holding one TA1 per
 *     interchange received (A, E or R with its note code).
 *
 * IK404 (a copy of the bad value) is written only when the builder was
 * told to show data: it may hold patient information.
 */
#ifndef X12KIT_ACK_H
#define X12KIT_ACK_H

#include <x12kit/common.h>
#include <x12kit/envelope.h>
#include <x12kit/writer.h>
#include <x12kit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_ack x12kit_ack;

X12KIT_EXTERN int x12kit_ack_new(x12kit_ack **out, const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_ack_free(x12kit_ack *ack);

/* When non-zero, IK404 carries the offending value (x12kit_error.value). */
X12KIT_EXTERN void x12kit_ack_set_show_data(x12kit_ack *ack, int show);

/*
 * An envelope event, with the info structure the event carries
 * (x12kit_interchange_info, x12kit_group_info or
 * x12kit_transaction_info).  Suitable as the body of an
 * x12kit_envelope_event_cb.
 */
X12KIT_EXTERN int x12kit_ack_event(x12kit_ack *ack, x12kit_envelope_event ev, const void *info);

/*
 * A finding about the unit currently open.  Findings with ack kind TA1
 * go to the interchange's TA1, AK9 to the group's AK9, IK5 to the
 * transaction's IK5, IK3/IK4 to an IK3 loop keyed by the segment
 * position (and IK4 by element, component and repetition).
 */
X12KIT_EXTERN int x12kit_ack_finding(x12kit_ack *ack, const x12kit_error *finding);

/*
 * Business unit context for the open transaction: written as
 * CTX*name:value in each IK3 loop (for example "TRN02" and the trace
 * number).  Control data, not patient data.
 */
X12KIT_EXTERN int x12kit_ack_context(x12kit_ack *ack, const char *name, const char *value);

/* Header fields of the acknowledgment interchange and group. */
typedef struct x12kit_ack_options {
  const char *sender_qualifier;   /* ISA05; NULL: the receiver's of the input */
  const char *sender_id;          /* ISA06; NULL: ISA08 of the input */
  const char *receiver_qualifier; /* ISA07; NULL: the sender's of the input */
  const char *receiver_id;        /* ISA08; NULL: ISA06 of the input */
  const char *date;               /* YYMMDD for ISA09; GS04 gets the century; NULL: now (UTC) */
  const char *time;               /* HHMM; NULL: now */
  unsigned long control;          /* ISA13 and GS06 of the acknowledgment; 0 means 1 */
  char usage;                     /* ISA15; 0: the input's */
} x12kit_ack_options;

/*
 * Writes the 999 interchange.  Returns X12KIT_OK, X12KIT_ERR_STATE when
 * no group was seen, or a writer error.
 */
X12KIT_EXTERN int x12kit_ack_write_999(x12kit_ack *ack, x12kit_writer *w,
                                       const x12kit_ack_options *opt);
/* Writes the TA1 interchange. */
X12KIT_EXTERN int x12kit_ack_write_ta1(x12kit_ack *ack, x12kit_writer *w,
                                       const x12kit_ack_options *opt);

/* Non-zero when any finding made an interchange, group or transaction be rejected. */
X12KIT_EXTERN int x12kit_ack_rejected(const x12kit_ack *ack);

/*
 * Reading acknowledgments: explains a 999 or TA1 fed segment by segment
 * (from the lexer) in plain words, one line at a time through |out|:
 * which group and transaction sets were accepted or rejected, and for
 * each error the segment, position, element, and what the code means
 * (descriptions from the schema's code lists; |schema| may be NULL).
 */
typedef struct x12kit_explainer x12kit_explainer;
typedef int (*x12kit_line_cb)(void *user_data, const char *line);

X12KIT_EXTERN int x12kit_explainer_new(x12kit_explainer **out, const x12kit_schema *schema,
                                       x12kit_line_cb out_cb, void *user_data,
                                       const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_explainer_free(x12kit_explainer *ex);
X12KIT_EXTERN int x12kit_explainer_segment(x12kit_explainer *ex, const x12kit_segment *seg);
/* Ends the input; returns X12KIT_ERR_ARG when it held no 999 or TA1. */
X12KIT_EXTERN int x12kit_explainer_finish(x12kit_explainer *ex);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_ACK_H */
