/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * envelope.h: interchange (ISA/IEA), functional group (GS/GE) and
 * transaction set (ST/SE) checks.
 *
 * Feed it the segments the lexer gives, in order.  It reports the
 * headers it meets through an event callback and every envelope fault
 * through an error callback, each fault carrying the TA1 or 999 code
 * X12 uses for it, so that an acknowledgment only has to print them.
 * It never stops at a fault: a file with ten bad transactions reports
 * ten faults.
 *
 * Checks: ISA13 = IEA02, IEA01 = groups, GS06 = GE02, GE01 =
 * transactions, ST02 = SE02, SE01 = segments ST..SE, ST03 = GS08, GS01
 * matches ST01, control numbers well formed and unique, trailers
 * present, segments where the envelope allows them, ISA field values.
 */
#ifndef X12KIT_ENVELOPE_H
#define X12KIT_ENVELOPE_H

#include <x12kit/common.h>
#include <x12kit/lexer.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_envelope x12kit_envelope;

/* Header fields, copied out of ISA, GS and ST.  Control data, not PHI. */
typedef struct x12kit_interchange_info {
  char auth_qualifier[3];     /* ISA01 */
  char security_qualifier[3]; /* ISA03 */
  char sender_qualifier[3];   /* ISA05 */
  char sender_id[16];         /* ISA06, trailing spaces removed */
  char receiver_qualifier[3]; /* ISA07 */
  char receiver_id[16];       /* ISA08, trailing spaces removed */
  char date[7];               /* ISA09 YYMMDD */
  char time[5];               /* ISA10 HHMM */
  char version[6];            /* ISA12 */
  char control[10];           /* ISA13 */
  char ack_requested;         /* ISA14 '0' or '1' */
  char usage;                 /* ISA15 'P' or 'T' */
  x12kit_delimiters delimiters;
  unsigned long groups;       /* groups seen (at the end event) */
  unsigned long ta1_count;    /* TA1 segments seen inside it */
} x12kit_interchange_info;

typedef struct x12kit_group_info {
  char functional_id[3];      /* GS01 */
  char sender[16];            /* GS02 */
  char receiver[16];          /* GS03 */
  char date[9];               /* GS04 CCYYMMDD */
  char time[9];               /* GS05 */
  char control[10];           /* GS06 */
  char agency[3];             /* GS07 */
  char version[13];           /* GS08 */
  unsigned long transactions; /* transactions seen (at the end event) */
} x12kit_group_info;

typedef struct x12kit_transaction_info {
  char id[4];                 /* ST01 */
  char control[10];           /* ST02 */
  char version[36];           /* ST03 */
  unsigned long segments;     /* ST..SE inclusive (at the end event) */
} x12kit_transaction_info;

typedef enum x12kit_envelope_event {
  X12KIT_INTERCHANGE_BEGIN,
  X12KIT_INTERCHANGE_END,
  X12KIT_GROUP_BEGIN,
  X12KIT_GROUP_END,
  X12KIT_TRANSACTION_BEGIN,
  X12KIT_TRANSACTION_END
} x12kit_envelope_event;

/*
 * Event callback.  |info| points at an x12kit_interchange_info,
 * x12kit_group_info or x12kit_transaction_info according to the event,
 * valid during the call.  |pos| is the segment that caused the event
 * (ISA, IEA, GS, GE, ST, SE), or the last segment when input ended
 * without a trailer.  Non-zero stops with X12KIT_ERR_ABORTED.
 */
typedef int (*x12kit_envelope_event_cb)(void *user_data, x12kit_envelope_event ev,
                                        const void *info, const x12kit_position *pos);

/* Error callback, one call per fault.  Non-zero stops with X12KIT_ERR_ABORTED. */
typedef int (*x12kit_error_cb)(void *user_data, const x12kit_error *err);

X12KIT_EXTERN int x12kit_envelope_new(x12kit_envelope **out, const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_envelope_free(x12kit_envelope *env);
X12KIT_EXTERN void x12kit_envelope_reset(x12kit_envelope *env);

/* Either callback may be NULL. */
X12KIT_EXTERN void x12kit_envelope_set_callbacks(x12kit_envelope *env,
                                                 x12kit_envelope_event_cb on_event,
                                                 x12kit_error_cb on_error, void *user_data);

/* When non-zero, faults copy the offending element into x12kit_error.value. */
X12KIT_EXTERN void x12kit_envelope_set_show_data(x12kit_envelope *env, int show);

/*
 * Checks one segment.  Returns X12KIT_OK (faults, if any, went to the
 * error callback), X12KIT_ERR_ABORTED or X12KIT_ERR_NOMEM.
 */
X12KIT_EXTERN int x12kit_envelope_segment(x12kit_envelope *env, const x12kit_segment *seg);

/* End of input: reports every interchange, group or transaction left open. */
X12KIT_EXTERN int x12kit_envelope_finish(x12kit_envelope *env);

/* Number of faults reported since creation or reset. */
X12KIT_EXTERN unsigned long x12kit_envelope_error_count(const x12kit_envelope *env);

/*
 * Transaction set ID expected for a GS01 functional identifier: "270"
 * for "HS", "271" for "HB", "278" for "HI", "999" for "FA", ... NULL
 * when x12kit does not know the code.
 */
X12KIT_EXTERN const char *x12kit_functional_id_transaction(const char *gs01);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_ENVELOPE_H */
