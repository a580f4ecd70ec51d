/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * common.h: status codes, positions, errors, allocator hooks and slices
 * shared by every x12kit module.  Include <x12kit/x12kit.h> rather than
 * this file directly.
 */
#ifndef X12KIT_COMMON_H
#define X12KIT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BUILDING_X12KIT) && defined(__GNUC__)
#define X12KIT_EXTERN __attribute__((visibility("default")))
#else
#define X12KIT_EXTERN
#endif

/*
 * Status codes.  Functions return 0 (X12KIT_OK) on success, a small
 * positive value for a non-error state change, or a negative
 * X12KIT_ERR_* code.  Numbers are part of the ABI: never renumber,
 * only append.
 */
enum {
  X12KIT_OK = 0,
  X12KIT_NEED_INPUT = 1,      /* lexer: feed more bytes or call _finish */
  X12KIT_END = 2,             /* lexer: input finished cleanly */

  X12KIT_ERR_NOMEM = -1,      /* allocation failed */
  X12KIT_ERR_ARG = -2,        /* invalid argument from the caller */
  X12KIT_ERR_STATE = -3,      /* call not allowed in the current state */
  X12KIT_ERR_ISA = -4,        /* malformed ISA header */
  X12KIT_ERR_DELIMITER = -5,  /* delimiters invalid or colliding */
  X12KIT_ERR_VERSION = -6,    /* ISA12 is not 00501 */
  X12KIT_ERR_TOO_LONG = -7,   /* segment longer than the configured cap */
  X12KIT_ERR_TRUNCATED = -8,  /* input ended inside a segment or ISA */
  X12KIT_ERR_SYNTAX = -9,     /* malformed segment (bad segment ID, ...) */
  X12KIT_ERR_ENVELOPE = -10,  /* envelope check failed (counts, control numbers) */
  X12KIT_ERR_DATA = -11,      /* writer: value contains a delimiter or is too long */
  X12KIT_ERR_IO = -12,        /* write callback or file I/O failed */
  X12KIT_ERR_ABORTED = -13,   /* a callback asked to stop */
  X12KIT_ERR_SCHEMA = -14     /* an implementation-guide map is missing or invalid */
};

/* Returns a short English description of a status code.  Never NULL. */
X12KIT_EXTERN const char *x12kit_strerror(int code);

/*
 * Allocator hooks, per handle.  Pass NULL wherever a const x12kit_mem *
 * is taken to use the C library.  The library copies the structure; it
 * does not keep the pointer after the call returns.
 */
typedef struct x12kit_mem {
  void *user_data;
  void *(*malloc)(size_t size, void *user_data);
  void (*free)(void *ptr, void *user_data);
  void *(*realloc)(void *ptr, size_t size, void *user_data);
} x12kit_mem;

/* A run of bytes inside caller or library memory; never NUL-terminated. */
typedef struct x12kit_slice {
  const char *ptr;
  size_t len;
} x12kit_slice;

/* Where a segment starts.  Every count is 1-based; 0 means "not inside". */
typedef struct x12kit_position {
  uint64_t byte_offset;        /* first byte of the segment from start of input */
  unsigned long line;          /* line of that byte (1 when the input has no newlines) */
  unsigned long segment;       /* ordinal of the segment in the whole input */
  unsigned long in_interchange;/* ordinal from ISA (ISA = 1) */
  unsigned long in_transaction;/* ordinal from ST (ST = 1), 0 outside ST..SE (999 IK302) */
} x12kit_position;

/* Which X12 acknowledgment code list an error's ack_code belongs to. */
typedef enum x12kit_ack_kind {
  X12KIT_ACK_NONE = 0,
  X12KIT_ACK_TA1 = 1,         /* TA105 interchange note code (I18), e.g. "021" */
  X12KIT_ACK_GROUP = 2,       /* 999 AK905-AK909 functional group error (DE 716) */
  X12KIT_ACK_TRANSACTION = 3, /* 999 IK502-IK506 transaction set error (DE 618) */
  X12KIT_ACK_SEGMENT = 4,     /* 999 IK304 segment error (DE 620) */
  X12KIT_ACK_ELEMENT = 5      /* 999 IK403 element error (DE 621) */
} x12kit_ack_kind;

#define X12KIT_ERROR_TEXT_SIZE 200
#define X12KIT_ERROR_VALUE_SIZE 100

/*
 * One finding, with enough location to print "file:line: segment N (SE)"
 * and to fill a 999 or TA1.  Caller-owned; the library fills it.
 *
 * |text| names positions and codes, never the content of a data
 * element.  |value| holds a copy of the offending data only when the
 * caller asked for it (x12kit_lexer_set_show_data and friends); it is an
 * empty string otherwise.
 */
typedef struct x12kit_error {
  int code;                    /* X12KIT_ERR_* */
  x12kit_ack_kind ack_kind;    /* which list ack_code comes from */
  char ack_code[4];            /* e.g. "021", "4", "I5"; "" when none applies */
  x12kit_position pos;         /* of the segment the finding is about */
  char segment_id[4];          /* "SE", "IEA"; "" when not known */
  unsigned element;            /* 1-based element position, 0 for the whole segment */
  unsigned component;          /* 1-based, 0 when not applicable */
  unsigned repetition;         /* 1-based, 0 when not applicable */
  unsigned element_ref;        /* data element reference number (999 IK402), 0 when none */
  unsigned trigger_element;    /* element of the same segment whose presence made this one
                                  required (999 CTX situational trigger), 0 when none */
  char loop_id[8];             /* TR3 loop such as "2100C"; "" when not known */
  char text[X12KIT_ERROR_TEXT_SIZE];
  char value[X12KIT_ERROR_VALUE_SIZE];
} x12kit_error;

/*
 * Formats |err| as one line: "segment 14 (SE): SE01 says 13 segments,
 * the transaction has 12 [999 IK5 4]".  The caller prefixes a file
 * name and line.  Writes at most |size| bytes including the NUL and
 * returns the length it wanted, like snprintf.
 */
X12KIT_EXTERN int x12kit_error_format(const x12kit_error *err, char *buf, size_t size);

/* "TA1", "999 AK9", "999 IK5", "999 IK3", "999 IK4" or "" */
X12KIT_EXTERN const char *x12kit_ack_kind_name(x12kit_ack_kind kind);

/* The four delimiters of an interchange, as read from its ISA. */
typedef struct x12kit_delimiters {
  char element;      /* ISA byte 4 */
  char repetition;   /* ISA11 */
  char component;    /* ISA16 */
  char segment;      /* the byte after ISA16 */
} x12kit_delimiters;

/*
 * Checks that four delimiters are usable: pairwise different, none a
 * letter, a digit, a space or NUL, and only the segment terminator a
 * line break (CR or LF).  Returns X12KIT_OK or
 * X12KIT_ERR_DELIMITER.
 */
X12KIT_EXTERN int x12kit_delimiters_check(const x12kit_delimiters *d);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_COMMON_H */
