/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * client.h: the CAQH CORE connectivity client.  Sends one X12 payload
 * in a CORE real-time or batch envelope (SOAP 1.2 or MIME
 * multipart/form-data, built by core.h) over HTTPS, picks up batch
 * acknowledgments and results, and reads every answer defensively.
 *
 *     x12kit_client *c;
 *     x12kit_client_response r;
 *
 *     x12kit_client_new("https://hub.example/core", &c, &err);
 *     x12kit_client_set_ids(c, "CLINIC01", "HUB", &err);
 *     x12kit_client_set_credentials(c, user, password, &err);
 *     x12kit_client_send(c, x12, len, NULL, &r, &err);
 *     if (r.outcome == X12KIT_SEND_DELIVERED) ... r.payload ...
 *     x12kit_client_response_clear(&r);
 *     x12kit_client_free(c);
 *
 * Security is fixed and cannot be switched off: https only, TLS 1.2 or
 * newer, the server's certificate checked against the CA file given or
 * the system store, and its host name checked; redirects are refused;
 * the answer's size is capped.  Error texts never hold the credentials
 * or the payload.
 *
 * Resending.  A request whose outcome is unknown (X12KIT_SEND_UNKNOWN:
 * a timeout or a dropped connection after the request may have been
 * sent) is never resent by the library: the server may have processed
 * it.  Report its PayloadID to the clearinghouse instead.  Only
 * X12KIT_SEND_CONNECT_FAILED (nothing was sent) may be retried, once,
 * by the caller; no request is resent automatically inside 90 seconds.
 *
 * One client reuses one connection across sends (keep-alive).  A client
 * is not thread-safe: use one per thread.
 *
 * Batch.  x12kit_client_batch_submit() sends a batch in a
 * COREEnvelopeBatchSubmission; the answer is only a receipt.  The 999
 * (or TA1) and later the 271 results are picked up with
 * x12kit_client_batch_fetch(), one item per call, oldest first, until
 * the server says nothing is waiting:
 *
 *     x12kit_client_batch_submit(c, x12, len, NULL, &r, &err);
 *     ... keep r.payload_id: the receipt ...
 *     x12kit_client_batch_fetch(c, X12KIT_BATCH_ACK, NULL, &r, &err);
 *     if (r.outcome == X12KIT_SEND_DELIVERED && r.payload) ... the 999 ...
 *
 * A retrieval whose outcome is unknown may be repeated with the same
 * PayloadID: the server answers a PayloadID it has seen with the answer
 * it gave, so the item it handed out is not lost.  Wait 90 seconds
 * first, as the rule asks of any retransmission.
 */
#ifndef X12KIT_CLIENT_H
#define X12KIT_CLIENT_H

#include <stddef.h>

#include <x12kit/common.h>
#include <x12kit/core.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_client x12kit_client;

/* The envelope a client sends. */
typedef enum x12kit_client_envelope {
  X12KIT_CLIENT_SOAP = 0,     /* SOAP 1.2 with a WS-Security UsernameToken */
  X12KIT_CLIENT_MIME = 1      /* multipart/form-data with UserName and Password */
} x12kit_client_envelope;

/* What became of a send. */
typedef enum x12kit_send_outcome {
  X12KIT_SEND_DELIVERED = 0,      /* an answer of the expected type came back */
  X12KIT_SEND_ENVELOPE_ERROR = 1, /* the server answered with a CORE ErrorCode */
  X12KIT_SEND_SOAP_FAULT = 2,     /* the server answered with a SOAP fault */
  X12KIT_SEND_UNEXPECTED = 3,     /* a 999 or TA1 (or another type) instead of the answer */
  X12KIT_SEND_BAD_RESPONSE = 4,   /* unreadable answer, PayloadID mismatch, not X12 */
  X12KIT_SEND_HTTP_ERROR = 5,     /* an HTTP status other than 200 */
  X12KIT_SEND_REDIRECT = 6,       /* the server redirected: refused */
  X12KIT_SEND_TLS_ERROR = 7,      /* certificate not trusted, host name, pin, TLS version */
  X12KIT_SEND_CONNECT_FAILED = 8, /* no connection: nothing was sent, may retry once */
  X12KIT_SEND_UNKNOWN = 9,        /* timeout or drop after sending: never resend */
  X12KIT_SEND_NOT_SENT = 10       /* refused before sending (bad payload, memory) */
} x12kit_send_outcome;

/* "delivered", "envelope error", ... */
X12KIT_EXTERN const char *x12kit_send_outcome_name(x12kit_send_outcome outcome);

/* The result of a send, batch submission or fetch.  Free with x12kit_client_response_clear(). */
typedef struct x12kit_client_response {
  x12kit_send_outcome outcome;
  long http_status;                          /* 0 when no answer came */
  char payload_id[X12KIT_CORE_UUID_SIZE];    /* the PayloadID sent */
  char *payload;                             /* the answer's payload (NUL after it), or NULL */
  size_t payload_len;
  char payload_type[96];                     /* the answer's PayloadType, or "" */
  char transaction[4];                       /* "271", "999", "TA1" ... or "" */
  char error_code[64];                       /* the server's ErrorCode or fault code, or "" */
  char error_message[256];                   /* the server's ErrorMessage or fault reason */
} x12kit_client_response;

/* Wipes and frees the payload and zeroes |r|. */
X12KIT_EXTERN void x12kit_client_response_clear(x12kit_client_response *r);

/*
 * A client for |endpoint|, which must be an https:// URL without user
 * information.  Defaults: SOAP, the system CA store, connect timeout
 * 10 s, total timeout 60 s (the rule's limit; a server should answer
 * within 20 s), answers up to 16 MiB.
 */
X12KIT_EXTERN int x12kit_client_new(const char *endpoint, x12kit_client **out,
                                    x12kit_error *err);
/* Frees |c| (wipes the credentials); NULL is harmless. */
X12KIT_EXTERN void x12kit_client_free(x12kit_client *c);

X12KIT_EXTERN int x12kit_client_set_envelope(x12kit_client *c, x12kit_client_envelope env,
                                             x12kit_error *err);
/* A CA file (PEM) for a private CA instead of the system store. */
X12KIT_EXTERN int x12kit_client_set_ca_file(x12kit_client *c, const char *path,
                                            x12kit_error *err);
/* The server's public key pin, "sha256//BASE64[;sha256//...]". */
X12KIT_EXTERN int x12kit_client_set_pin(x12kit_client *c, const char *pin, x12kit_error *err);
/* Client certificate and key (PEM) for mutual TLS; both or neither. */
X12KIT_EXTERN int x12kit_client_set_client_cert(x12kit_client *c, const char *cert,
                                                const char *key, x12kit_error *err);
/* Username and password (both or neither), copied. */
X12KIT_EXTERN int x12kit_client_set_credentials(x12kit_client *c, const char *username,
                                                const char *password, x12kit_error *err);
/* SenderID and ReceiverID, copied. */
X12KIT_EXTERN int x12kit_client_set_ids(x12kit_client *c, const char *sender,
                                        const char *receiver, x12kit_error *err);
/* Timeouts in milliseconds (0 keeps the default); connect <= total <= 600000. */
X12KIT_EXTERN int x12kit_client_set_timeouts(x12kit_client *c, long connect_ms, long total_ms,
                                             x12kit_error *err);
/* The largest answer read, in bytes (1 KiB to 256 MiB). */
X12KIT_EXTERN int x12kit_client_set_max_response(x12kit_client *c, size_t bytes,
                                                 x12kit_error *err);

/*
 * Sends |len| bytes of X12 in a real-time request with a fresh PayloadID
 * and the current UTC TimeStamp.  |payload_type| NULL takes it from the
 * payload's first ST01 (270, 276, 278).  |r| is always filled (zeroed
 * first); its outcome says what happened.  Returns X12KIT_OK when the
 * outcome is X12KIT_SEND_DELIVERED; otherwise a negative status, with
 * |err| saying why in words that are safe to log (for X12KIT_SEND_UNKNOWN
 * they include the PayloadID).
 */
X12KIT_EXTERN int x12kit_client_send(x12kit_client *c, const char *payload, size_t len,
                                     const char *payload_type, x12kit_client_response *r,
                                     x12kit_error *err);

/*
 * Sends |len| bytes of X12 as a batch in a COREEnvelopeBatchSubmission
 * (ProcessingMode Batch, PayloadLength, CheckSum, the payload in base64
 * for SOAP, SOAP action BatchSubmitTransaction) with a fresh PayloadID.
 * |payload_type| NULL takes it from the first ST01.  Delivered means the
 * server answered with a COREEnvelopeBatchSubmissionResponse carrying
 * ErrorCode Success and our PayloadID: the receipt; r->payload_id is the
 * batch's PayloadID.  The receipt carries no payload: a 999 or TA1 in it
 * breaks the rule (the 999 is to be fetched later) and is reported as
 * X12KIT_SEND_UNEXPECTED with the payload kept in |r|, although the
 * server did take the batch.  Other outcomes as for x12kit_client_send().
 */
X12KIT_EXTERN int x12kit_client_batch_submit(x12kit_client *c, const char *payload, size_t len,
                                             const char *payload_type,
                                             x12kit_client_response *r, x12kit_error *err);

/* What x12kit_client_batch_fetch() picks up. */
typedef enum x12kit_batch_item {
  X12KIT_BATCH_ACK = 0,       /* the 999 (or TA1) of a submitted batch */
  X12KIT_BATCH_RESULTS = 1    /* the 271 results of a submitted batch */
} x12kit_batch_item;

/*
 * Picks up the oldest item of kind |what| waiting for this SenderID:
 * a COREEnvelopeBatchSubmissionAckRetrievalRequest with PayloadType
 * X12_999_RetrievalRequest_005010X231A1 (X12KIT_BATCH_ACK), or a
 * COREEnvelopeBatchResultsRetrievalRequest with PayloadType
 * X12_005010_Request_Batch_Results_271 (X12KIT_BATCH_RESULTS).
 *
 * |payload_id| NULL sends a fresh PayloadID.  Otherwise it must be the
 * PayloadID (a UUID) of an earlier retrieval whose outcome was unknown:
 * the server answers it again with the answer it stored.
 *
 * Delivered (X12KIT_OK) with r->payload NULL: nothing is waiting.
 * Delivered with a payload: r->payload is the 999 or TA1 interchange
 * (ACK) or the 271 interchange (RESULTS); its PayloadLength and CheckSum,
 * when the answer has them, match the bytes, and it is X12.  A mismatch
 * is X12KIT_SEND_BAD_RESPONSE with no payload kept.  Another transaction
 * than the one asked for is X12KIT_SEND_UNEXPECTED.  Otherwise the
 * outcomes, timeouts and security are those of x12kit_client_send(),
 * except that for X12KIT_SEND_UNKNOWN |err| says to repeat the retrieval
 * with its PayloadID.
 */
X12KIT_EXTERN int x12kit_client_batch_fetch(x12kit_client *c, x12kit_batch_item what,
                                            const char *payload_id, x12kit_client_response *r,
                                            x12kit_error *err);

/*
 * Reads a credentials file: lines "username=..." and "password=...".
 * Refused unless it is a regular file owned by the user and not
 * readable or writable by group or others (mode 0600 or 0400).
 */
X12KIT_EXTERN int x12kit_client_read_credentials(const char *path, char *username,
                                                 size_t usize, char *password, size_t psize,
                                                 x12kit_error *err);

#define X12KIT_CLIENT_CONFIG_VALUE_SIZE 1024

/* One profile of a client configuration file; "" for a key not given. */
typedef struct x12kit_client_config {
  char endpoint[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char envelope[16];
  char ca[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char cert[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char key[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char pin[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char sender[128];
  char receiver[128];
  char credentials[X12KIT_CLIENT_CONFIG_VALUE_SIZE];
  char timeout[16];
} x12kit_client_config;

/*
 * Reads profile |profile| of a key=value file with [profile] sections
 * ('#' and ';' start comments).  Unknown keys and a missing profile are
 * refused with X12KIT_ERR_SYNTAX / X12KIT_ERR_ARG.
 */
X12KIT_EXTERN int x12kit_client_config_load(const char *path, const char *profile,
                                            x12kit_client_config *cfg, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_CLIENT_H */
