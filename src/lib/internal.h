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

/*
 * Input checks shared by the transaction builders (check.c).  Each
 * names |field| in its message, never the value, and returns X12KIT_OK
 * or X12KIT_ERR_ARG with |err| (may be NULL) filled.
 */
int x12kitp_given(const char *s);                     /* not NULL and not "" */
int x12kitp_is_alnum(char c);                         /* ASCII letter or digit */
int x12kitp_bad(x12kit_error *err, const char *fmt, ...) X12KITP_PRINTF(2, 3);
/* |min|..|max| printable ASCII characters, none of them a standard delimiter. */
int x12kitp_check_text(const char *s, const char *field, size_t min, size_t max,
                       x12kit_error *err);
/* 10 digits, the last a Luhn check digit over "80840" and the first 9. */
int x12kitp_check_npi(const char *s, const char *field, x12kit_error *err);
/* A real date, YYYY-MM-DD (|dashes|) or CCYYMMDD, into "CCYYMMDD". */
int x12kitp_parse_date(const char *s, int dashes, const char *field, char out[9],
                       x12kit_error *err);
/* A real time of day, HHMM. */
int x12kitp_parse_time(const char *s, const char *field, char out[5], x12kit_error *err);
/* CPT (5 digits, or 4 and F or T) or HCPCS (a capital and 4 digits), then
   up to 4 modifiers of 2 letters or digits, each after ':'. */
int x12kitp_check_procedure(const char *s, const char *field, x12kit_error *err);
/* An ICD-10-CM code with or without its dot (F33.2, F332), into X12 form "F332". */
int x12kitp_check_icd10(const char *s, const char *field, char out[8], x12kit_error *err);
/* Digits only, |min|..|max| (at most 9 digits); the value in *out when not NULL. */
int x12kitp_check_whole(const char *s, const char *field, unsigned long min, unsigned long max,
                        unsigned long *out, x12kit_error *err);
/* Dollars: 1-10 digits, optionally a dot and 1-2 digits, more than zero. */
int x12kitp_check_amount(const char *s, const char *field, x12kit_error *err);
/* NULL, "", or 2 letters or digits (ISA05, ISA07). */
int x12kitp_check_id_qualifier(const char *s, const char *field, x12kit_error *err);
/* The current UTC date CCYYMMDD and time HHMM; X12KIT_ERR_IO without a clock. */
int x12kitp_now(char date[9], char time4[5]);
/* An organization name (1-60), or a last name (1-60) and an optional first
   name (1-35), not both; |who| ("provider") starts each field's name. */
int x12kitp_check_party(const char *org, const char *last, const char *first, const char *who,
                        x12kit_error *err);

struct x12kitp_loopdef;
struct x12kitp_elem;
/* The loop |id| at or under |l| ("" for the transaction itself), or NULL. */
const struct x12kitp_loopdef *x12kitp_find_loop(const struct x12kitp_loopdef *l, const char *id);
/*
 * The definition of element |pos| of the first segment |seg| directly in
 * loop |loop| of guide |g| (may be NULL), or NULL.  Where a loop is
 * defined twice (the 278's 2000E under 2000C and under 2000D) both have
 * the same content; the first is used.
 */
const struct x12kitp_elem *x12kitp_map_elem(const x12kit_guide *g, const char *loop,
                                            const char *seg, unsigned pos);

/*
 * The envelope of a built transaction (check.c): one interchange (ISA)
 * holding one group (GS) and one transaction set (ST) that opens with
 * its BHT.  A builder fills one from its request and its transaction's
 * constants, checks it with x12kitp_check_envelope and writes it
 * around its own segments with x12kitp_envelope_open and _close.
 */
typedef struct x12kitp_envelope {
  const char *functional_id;      /* GS01: "HS", "HI" */
  const char *version;            /* GS08 and ST03: "005010X279A1" */
  const char *transaction;        /* ST01: "270" */
  const char *structure;          /* BHT01: "0022" */
  const char *payer_id;           /* checked: the default receiver ID */
  const char *provider_npi;       /* checked: the default sender ID and trace entity */
  const char *reference;          /* BHT03, 1-50; NULL or "": "X12KIT" + control number */
  const char *trace_entity;       /* TRN03, 10; NULL or "": "9" + the NPI's first 9 digits */
  const char *sender_id;          /* ISA06/GS02, 2-15; NULL or "": the NPI */
  const char *receiver_id;        /* ISA08/GS03, 2-15; NULL or "": the payer ID */
  const char *sender_qualifier;   /* ISA05, NULL or "": "ZZ" */
  const char *receiver_qualifier; /* ISA07, NULL or "": "ZZ" */
  char usage;                     /* ISA15 'T' or 'P'; 0 means 'P' */
  int ack_requested;              /* ISA14 */
  unsigned long control;          /* ISA13 and GS06, 1..X12KIT_CONTROL_MAX */
  const char *date;               /* creation CCYYMMDD; NULL: now, UTC */
  const char *time;               /* creation HHMM, given with |date| */
} x12kitp_envelope;

/* The reference, trace entity, IDs, qualifiers, usage, control number and creation time. */
int x12kitp_check_envelope(const x12kitp_envelope *e, x12kit_error *err);
/* BHT03 of |e|: its reference, or "X12KIT" and the control number in |buf|. */
const char *x12kitp_reference(const x12kitp_envelope *e, char buf[24]);
/* TRN03 of a checked |e|: its trace entity, or "9" and the NPI's first 9 digits in |buf|. */
const char *x12kitp_trace_entity(const x12kitp_envelope *e, char buf[11]);

/* A writer and its first failure: segment after segment, the status looked at once. */
typedef struct x12kitp_out {
  x12kit_writer *w;
  int rc;                         /* X12KIT_OK until a call fails; nothing is written after */
} x12kitp_out;

void x12kitp_out_begin(x12kitp_out *o, const char *id);
void x12kitp_out_element(x12kitp_out *o, const char *v);
void x12kitp_out_component(x12kitp_out *o, const char *v);
void x12kitp_out_repetition(x12kitp_out *o, const char *v);
void x12kitp_out_end(x12kitp_out *o);
/* One segment of |n| simple elements; NULL or "" is an empty element. */
void x12kitp_out_segment(x12kitp_out *o, const char *id, const char *const *v, size_t n);
#define X12KITP_SEG(o, id, ...)                                                               \
  do {                                                                                        \
    const char *const x12kitp_seg_v_[] = { __VA_ARGS__ };                                     \
    x12kitp_out_segment((o), (id), x12kitp_seg_v_,                                            \
                        sizeof x12kitp_seg_v_ / sizeof x12kitp_seg_v_[0]);                    \
  } while (0)
/* HL*id*parent*level*child: |parent| 0 leaves HL02 empty; HL04 "1" when |children|. */
void x12kitp_out_hl(x12kitp_out *o, unsigned long id, unsigned long parent, const char *level,
                    int children);
/* NM1 of entity |code|: organization |org| (NM102 "2"), else the person |last|,
   |first| (NM102 "1"); NM108 |qualifier| and NM109 |id| when |id| is given. */
void x12kitp_out_nm1(x12kitp_out *o, const char *code, const char *org, const char *last,
                     const char *first, const char *qualifier, const char *id);
/* DMG*D8 of a checked YYYY-MM-DD date of birth and a gender; nothing without |dob|. */
/* PER*IC*name then each given number with its qualifier (TE, EX, FX, EM, UR); nothing
   when all are empty. */
void x12kitp_out_per(x12kitp_out *o, const char *name, const char *phone, const char *ext,
                     const char *fax, const char *email, const char *url);
void x12kitp_out_dmg(x12kitp_out *o, const char *dob, const char *gender);
/* A checked procedure as the next element: HC:code[:modifier...], then
   |description| (when given) in component 7. */
void x12kitp_out_procedure(x12kitp_out *o, const char *p, const char *description);

/*
 * Opens the interchange, group and transaction set of the checked |e|
 * with |o| and writes the BHT (BHT02 "13").  Returns X12KIT_OK, or a
 * failure with |err| filled (nothing is written when the clock cannot
 * be read for a default creation time).
 */
int x12kitp_envelope_open(x12kitp_out *o, const x12kitp_envelope *e, x12kit_error *err);
/* Closes them when |o| has not failed; returns o->rc, |err| filled on a failure. */
int x12kitp_envelope_close(x12kitp_out *o, x12kit_error *err);

/* ---- util.c: helpers shared by the readers and other library files ---- */

/* Fills |err| (may be NULL) with |code| and the message, no ack code; returns |code|. */
int x12kitp_fail(x12kit_error *err, int code, const char *fmt, ...) X12KITP_PRINTF(3, 4);

/*
 * An arena: blocks of |block| bytes (a larger piece gets one of its
 * own) allocated through |mem| and freed together.  Pieces are never
 * freed one by one.
 */
typedef struct x12kitp_arena_block x12kitp_arena_block;
typedef struct x12kitp_arena {
  const x12kit_mem *mem;
  x12kitp_arena_block *head;    /* the current block first */
  size_t block;
} x12kitp_arena;

void x12kitp_arena_init(x12kitp_arena *a, const x12kit_mem *mem, size_t block);
/* |n| bytes (at least 1) aligned to |align| (a power of two up to
   sizeof(max_align_t)), or NULL when out of memory. */
void *x12kitp_arena_alloc(x12kitp_arena *a, size_t n, size_t align);
/* |n| zeroed bytes aligned for any object, or NULL. */
void *x12kitp_arena_zalloc(x12kitp_arena *a, size_t n);
/* A NUL-terminated copy of |s|, or NULL. */
char *x12kitp_arena_dup(x12kitp_arena *a, x12kit_slice s);
/* Frees every block; the arena is empty after it and can be used again. */
void x12kitp_arena_free(x12kitp_arena *a);

/* CCYYMMDD (8 digits) as "CCYY-MM-DD" in |out|; 0 when |s| is not 8 digits. */
int x12kitp_iso_date(x12kit_slice s, char out[11]);

#endif /* X12KIT_INTERNAL_H */
