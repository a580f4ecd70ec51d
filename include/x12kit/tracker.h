/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * tracker.h: following each 278 prior-authorization request to a
 * decision.
 *
 * A payer often answers a 278 request with "pended" and sends the
 * decision in a later 278 response.  The tracker keeps, in one SQLite
 * database file, every 278 request and response it is given and links
 * each response to its request, so that "where does this request
 * stand?" has an answer:
 *
 *     x12kit_tracker *t;
 *     x12kit_tracker_result *res;
 *     x12kit_tracker_open(&t, "auth.db", 0, NULL, &err);
 *     x12kit_tracker_record(t, schema, bytes, len, time(NULL), &res, &err);
 *     // x12kit_tracker_result_at(res, 0)->request_reference, ->state ...
 *     x12kit_tracker_result_free(res);
 *     x12kit_tracker_list(t, NULL, print_request, NULL, &err);
 *     x12kit_tracker_close(t);
 *
 * Matching.  A response is linked to its request, in this order:
 *   1. by reference: its BHT03 equals the request's BHT03 (and the payer
 *      ID of 2010A and the requester NPI of 2010B agree when both sides
 *      have them); the latest such request wins;
 *   2. by trace: a TRN01 2 of its 2000E or 2000F echoes a TRN01 1 of the
 *      request (same TRN02 and TRN03), or a TRN01 1 of its own (the
 *      UMO's trace) equals that of an earlier response already linked;
 *   3. by certification number: an HCR02 of it equals an HCR02 of an
 *      earlier linked response from the same payer.
 * A response that matches nothing is stored all the same, as unmatched;
 * when its request is recorded later, or when a later response links a
 * trace or certification number it shares, it is linked then.
 *
 * History.  Responses are never overwritten: each one is a row of its
 * own.  A request's current state comes from its latest response,
 * latest by the response's own creation date and time (BHT04, BHT05),
 * then by recording order; a response recorded late does not undo a
 * newer decision.
 *
 * Duplicates.  A transaction is identified by its interchange sender
 * and receiver (ISA06, ISA08), control numbers (ISA13, GS06, ST02),
 * purpose (request or response), BHT03 and creation date and time.
 * X12 makes those control numbers unique per sender, so recording the
 * same file twice adds nothing and says so (x12kit_tracked_outcome
 * .duplicate).
 *
 * What is stored.  Only what matching and status need: BHT03
 * references, creation dates, TRN trace numbers, the interchange
 * control numbers and trading-partner IDs, the payer ID (2010A NM109),
 * the requester NPI (2010B NM109 when NM108 is XX), procedure codes,
 * units and quantities, dates of service and of certification, HCR
 * decisions (action, certification number, reason) and AAA reject and
 * follow-up codes.  Never stored: patient and subscriber names, member
 * IDs, dates of birth, gender, addresses, diagnosis codes, MSG text,
 * contacts, or any other provider than the requester.  Dates of service
 * tied to a provider and procedure codes are still health information:
 * the database file is created with mode 0600, and a file that group or
 * others may read or write is refused (X12KIT_ERR_STATE) unless the
 * caller passes X12KIT_TRACKER_ALLOW_SHARED.
 *
 * Crash safety.  Each x12kit_tracker_record() is one SQLite transaction
 * (BEGIN IMMEDIATE ... COMMIT): a file is recorded entirely or not at
 * all.  The database uses write-ahead logging (PRAGMA journal_mode=WAL)
 * with synchronous=FULL, so a recorded file survives a power cut once
 * the call returns, and readers (x12kit auth status) never block a
 * writer.  WAL needs shared memory between the processes that use the
 * file: keep the database on a local file system, not a network share.
 * The -wal and -shm files SQLite creates next to the database get the
 * database file's permissions.  Several processes may record at once:
 * a writer waits for another up to the busy timeout (10 seconds unless
 * x12kit_tracker_set_busy_timeout() says otherwise), then fails with
 * X12KIT_ERR_IO.  The layout version is kept in PRAGMA user_version
 * (X12KIT_TRACKER_SCHEMA_VERSION) and the file is marked with PRAGMA
 * application_id; a file written by a newer x12kit is refused with
 * X12KIT_ERR_VERSION and never modified, and an SQLite file of another
 * application is refused with X12KIT_ERR_IO.
 *
 * Errors.  Every function fills |err| (when not NULL) with a message
 * that names the operation, the SQLite error text and positions in the
 * input, never a value from the input.  Status codes:
 *   X12KIT_ERR_ARG      an argument is NULL or out of range
 *   X12KIT_ERR_NOMEM    out of memory (the library's or SQLite's)
 *   X12KIT_ERR_IO       the database cannot be created, opened, read or
 *                       written (busy past the timeout, disk full, not a
 *                       database, a directory...)
 *   X12KIT_ERR_STATE    the database file is open to group or others
 *   X12KIT_ERR_VERSION  the database was written by a newer x12kit
 *   X12KIT_ERR_DATA     the input is X12 but holds a transaction that is
 *                       not a 278 request or response, or none at all
 *   lexer codes, X12KIT_ERR_ENVELOPE, X12KIT_ERR_SYNTAX
 *                       the input is not valid X12 or breaks the 278
 *                       guide: |err| is the first finding, with its
 *                       position; nothing is recorded
 *
 * One handle per thread; several handles (in one or several processes)
 * may use the same file.
 */
#ifndef X12KIT_TRACKER_H
#define X12KIT_TRACKER_H

#include <stdint.h>
#include <x12kit/common.h>
#include <x12kit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_tracker x12kit_tracker;
typedef struct x12kit_tracker_result x12kit_tracker_result;

/* Layout version this library writes (PRAGMA user_version). */
#define X12KIT_TRACKER_SCHEMA_VERSION 2

/* Flags of x12kit_tracker_open(). */
#define X12KIT_TRACKER_NO_CREATE 0x1u     /* a missing file is X12KIT_ERR_IO, not created */
#define X12KIT_TRACKER_ALLOW_SHARED 0x2u  /* open a file group or others may access */

/* Where a request stands, from its latest response. */
typedef enum x12kit_auth_state {
  X12KIT_AUTH_SUBMITTED = 1,     /* request recorded, no answer yet */
  X12KIT_AUTH_PENDED = 2,        /* HCR01 A4 */
  X12KIT_AUTH_CERTIFIED = 3,     /* HCR01 A1, certified in total */
  X12KIT_AUTH_PARTIAL = 4,       /* HCR01 A2, or lines certified and others not */
  X12KIT_AUTH_MODIFIED = 5,      /* HCR01 A6 */
  X12KIT_AUTH_NOT_CERTIFIED = 6, /* HCR01 A3 */
  X12KIT_AUTH_CANCELLED = 7,     /* HCR01 C */
  X12KIT_AUTH_CONTACT_PAYER = 8, /* HCR01 CT */
  X12KIT_AUTH_REJECTED = 9,      /* no HCR, and an AAA: the request was rejected */
  X12KIT_AUTH_NO_ACTION = 10,    /* HCR01 NA, no action required */
  X12KIT_AUTH_NO_DECISION = 11   /* a response with neither HCR nor AAA */
} x12kit_auth_state;

#define X12KIT_AUTH_STATE_MAX 11

/* "submitted, no answer yet", "pended", "partially certified"...; "" when out of range. */
X12KIT_EXTERN const char *x12kit_auth_state_text(int state);

/*
 * The state's name for filters and JSON: "submitted", "pended",
 * "certified", "partially-certified", "modified", "not-certified",
 * "cancelled", "contact-payer", "rejected", "no-action",
 * "no-decision"; "" for a value out of range.
 */
X12KIT_EXTERN const char *x12kit_auth_state_name(int state);

/* The state named |name| (x12kit_auth_state_name), or 0 when none is. */
X12KIT_EXTERN int x12kit_auth_state_from_name(const char *name);

/*
 * The state an HCR01 action code stands for ("A4": X12KIT_AUTH_PENDED),
 * 0 for a code the 278 response guide does not list.
 */
X12KIT_EXTERN int x12kit_auth_action_state(const char *hcr01);

/* How a response was linked to its request. */
typedef enum x12kit_auth_match {
  X12KIT_MATCH_NONE = 0,          /* unmatched */
  X12KIT_MATCH_REFERENCE = 1,     /* BHT03 */
  X12KIT_MATCH_TRACE = 2,         /* TRN */
  X12KIT_MATCH_CERTIFICATION = 3  /* HCR02 */
} x12kit_auth_match;

/* "reference", "trace", "certification" or "" (none). */
X12KIT_EXTERN const char *x12kit_auth_match_name(int match);

/*
 * Opens the database at |path|, creating it (mode 0600, empty layout)
 * unless |flags| has X12KIT_TRACKER_NO_CREATE.  The directory must
 * exist.  Returns X12KIT_OK and the handle in *out, or an error (see
 * above) with *out set to NULL.  |mem| may be NULL; it serves the
 * tracker's own allocations (SQLite allocates through its own).
 */
X12KIT_EXTERN int x12kit_tracker_open(x12kit_tracker **out, const char *path, unsigned flags,
                                      const x12kit_mem *mem, x12kit_error *err);

/* Closes the database and frees the handle.  NULL is allowed. */
X12KIT_EXTERN void x12kit_tracker_close(x12kit_tracker *t);

/* How long a call waits for another process's write, in milliseconds. */
X12KIT_EXTERN void x12kit_tracker_set_busy_timeout(x12kit_tracker *t, unsigned ms);

/* Permission bits of the database file when it was opened (0600). */
X12KIT_EXTERN unsigned x12kit_tracker_file_mode(const x12kit_tracker *t);

/* What recording did with one transaction of the input. */
typedef struct x12kit_tracked_outcome {
  unsigned long transaction;  /* ordinal of the transaction in the input, from 1 */
  char control[10];           /* ST02 */
  int is_response;            /* 0: a request (BHT02 13); 1: a response (BHT02 11) */
  int duplicate;              /* already recorded: nothing was added */
  int64_t id;                 /* its row (the earlier one when a duplicate) */
  char reference[51];         /* its BHT03 */
  /* responses */
  int match;                  /* x12kit_auth_match; X12KIT_MATCH_NONE: unmatched */
  int64_t request_id;         /* the request it answers, 0 when unmatched */
  char request_reference[51]; /* that request's BHT03 */
  int state;                  /* x12kit_auth_state this response carries */
  char action[3];             /* HCR01 behind the state, "" when none */
  char certification[51];     /* HCR02, "" when none */
  char reason[31];            /* HCR03, "" when none */
  char rejection[3];          /* AAA03 of the first AAA, "" when none */
  /* requests */
  unsigned long adopted;      /* earlier unmatched responses linked to it now */
} x12kit_tracked_outcome;

/*
 * Records every transaction of one X12 input (|len| bytes at |data|):
 * lexes it, validates it against |schema| (which must hold the 278
 * request and response maps), takes what matching and status need from
 * each transaction's loop tree, and stores it all in one SQLite
 * transaction.  |now| is the recording time in seconds since the epoch
 * (time(NULL)).  An input with any lexer error, envelope fault or guide
 * finding, or with a transaction other than a 278 request or response,
 * records nothing.  When |result| is not NULL it receives what happened
 * to each transaction (free it with x12kit_tracker_result_free); NULL
 * on error.
 */
X12KIT_EXTERN int x12kit_tracker_record(x12kit_tracker *t, const x12kit_schema *schema,
                                        const char *data, size_t len, int64_t now,
                                        x12kit_tracker_result **result, x12kit_error *err);

X12KIT_EXTERN size_t x12kit_tracker_result_count(const x12kit_tracker_result *r);
/* Outcome |i| (0-based) in input order; NULL when out of range. */
X12KIT_EXTERN const x12kit_tracked_outcome *x12kit_tracker_result_at(const x12kit_tracker_result *r,
                                                                    size_t i);
X12KIT_EXTERN void x12kit_tracker_result_free(x12kit_tracker_result *r);

/*
 * One service line (2000F) of a request: what was asked for and what
 * the latest response said about it (paired by procedure code, in
 * order).  Strings are never NULL; "" when absent.
 */
typedef struct x12kit_tracked_service {
  const char *qualifier;       /* SV101-1 / SV202-1 / SV301-1: "HC" */
  const char *procedure;       /* "96365" (for SV2 without a procedure, the revenue code) */
  const char *unit;            /* SV103 / SV204: "UN" */
  const char *requested_units; /* SV104 / SV205 / SV306 of the request: "6" */
  const char *from, *to;       /* requested dates of service (DTP 472), CCYYMMDD */
  const char *action;          /* HCR01 of the latest response for this line (or its event) */
  const char *certification;   /* its HCR02 */
  const char *approved_units;  /* the response's units when it certified the line */
  const char *approved_from, *approved_to; /* the response's dates for the line when certified */
} x12kit_tracked_service;

/* One AAA of a response. */
typedef struct x12kit_tracked_rejection {
  const char *loop;            /* "2010C" */
  const char *reason;          /* AAA03 */
  const char *action;          /* AAA04 follow-up code */
} x12kit_tracked_rejection;

/*
 * A request and where it stands.  Valid during the callback only.
 * Strings are never NULL; "" when absent.  Dates are CCYYMMDD, times
 * seconds since the epoch as given to x12kit_tracker_record().
 */
typedef struct x12kit_tracked_request {
  int64_t id;
  const char *reference;       /* BHT03 */
  const char *created;         /* BHT04 and BHT05: CCYYMMDDHHMM[SS] */
  const char *payer_id;        /* 2010A NM109 */
  const char *npi;             /* 2010B NM109 when an NPI */
  const char *trace;           /* first TRN02 of type 1 of the request */
  const char *requested_from, *requested_to; /* 2000E DTP AAH, else the service dates */
  const char *quantity_qualifier, *requested_quantity; /* 2000E HSD01, HSD02 */
  int state;                   /* x12kit_auth_state */
  const char *action;          /* HCR01 of the latest response */
  const char *certification;   /* HCR02 of the latest response, else of an earlier one */
  const char *reason;          /* HCR03 of the latest response */
  const char *approved_from, *approved_to; /* certification effective/expires (DTP 007/036),
                                              else the certified dates of service */
  const char *approved_quantity; /* HSD02 of the latest response when it certified */
  int64_t submitted_at;        /* when the request was recorded */
  int64_t updated_at;          /* when its latest response was recorded (or submitted_at) */
  unsigned long responses;     /* responses linked to it */
  int64_t latest_response;     /* id of the latest response, 0 when none */
  size_t nservices;
  const x12kit_tracked_service *services;
  size_t nrejections;          /* AAAs of the latest response */
  const x12kit_tracked_rejection *rejections;
  /* follow-ups (layout version 2) */
  const char *certification_type; /* UM02 of its 2000E: "I", "1"/"2" appeal, "S", "4", "3" */
  int64_t follows;             /* the request whose decision it follows up (it cites that
                                  decision's HCR02 in REF BB, or its REF NT), 0 when none */
  const char *follows_reference; /* that request's BHT03 */
  const char *decided;         /* BHT04 (CCYYMMDD) of the latest response, "" when none */
} x12kit_tracked_request;

/* A response, in a request's history or unmatched.  Valid during the callback only. */
typedef struct x12kit_tracked_response {
  int64_t id;
  int64_t request_id;          /* 0 when unmatched */
  int match;                   /* x12kit_auth_match */
  const char *reference;       /* its BHT03 */
  const char *created;         /* BHT04 and BHT05 */
  const char *payer_id;
  const char *npi;
  int state;                   /* x12kit_auth_state it carries */
  const char *action;          /* HCR01 */
  const char *certification;   /* HCR02 */
  const char *reason;          /* HCR03 */
  const char *type_code;       /* BHT06: 18 final, 19 further updates to follow */
  int64_t recorded_at;
  size_t nrejections;
  const x12kit_tracked_rejection *rejections;
} x12kit_tracked_response;

/* Which requests x12kit_tracker_list() gives. */
typedef struct x12kit_tracker_filter {
  const char *reference;       /* BHT03, exact; NULL or "" for any */
  int state;                   /* x12kit_auth_state; 0 for any */
} x12kit_tracker_filter;

/*
 * Callbacks return 0 to go on; non-zero stops with X12KIT_ERR_ABORTED.
 * They run inside one read transaction, so that a listing is consistent
 * while other processes record; a callback may call
 * x12kit_tracker_history() and x12kit_tracker_unmatched() on the same
 * handle, but not x12kit_tracker_record().
 */
typedef int (*x12kit_tracker_request_cb)(void *user_data, const x12kit_tracked_request *req);
typedef int (*x12kit_tracker_response_cb)(void *user_data, const x12kit_tracked_response *resp);

/*
 * Calls |cb| for each request that passes |filter| (NULL: all), in the
 * order they were recorded.  Returns X12KIT_OK, X12KIT_ERR_ABORTED, or
 * an error.
 */
X12KIT_EXTERN int x12kit_tracker_list(x12kit_tracker *t, const x12kit_tracker_filter *filter,
                                      x12kit_tracker_request_cb cb, void *user_data,
                                      x12kit_error *err);

/*
 * Calls |cb| for each response linked to request |request_id|, oldest
 * first (by BHT04/BHT05, then recording order): the request's history.
 */
X12KIT_EXTERN int x12kit_tracker_history(x12kit_tracker *t, int64_t request_id,
                                         x12kit_tracker_response_cb cb, void *user_data,
                                         x12kit_error *err);

/*
 * Calls |cb| for each unmatched response, in recording order; only
 * those whose BHT03 is |reference| when it is neither NULL nor "".
 */
X12KIT_EXTERN int x12kit_tracker_unmatched(x12kit_tracker *t, const char *reference,
                                           x12kit_tracker_response_cb cb, void *user_data,
                                           x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_TRACKER_H */
