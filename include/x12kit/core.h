/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * core.h: the CAQH CORE connectivity envelopes (rule vC2.2.0), built and
 * read without any I/O.  Two envelopes carry the same fields:
 *
 *   - SOAP 1.2, document/literal: a COREEnvelope* element in the
 *     namespace of the CORE 2.2.0 schema, with unqualified children, and
 *     for requests a WS-Security UsernameToken header;
 *   - HTTP MIME multipart/form-data: one form field per CORE field.
 *
 * Sending a 270 in real time:
 *
 *     char id[X12KIT_CORE_UUID_SIZE], ts[X12KIT_CORE_TIMESTAMP_SIZE];
 *     x12kit_core_message req;
 *     x12kit_core_output out;
 *
 *     x12kit_core_message_init(&req, X12KIT_CORE_REALTIME_REQUEST);
 *     x12kit_core_new_payload_id(id, sizeof id);
 *     x12kit_core_timestamp(ts, sizeof ts, time(NULL));
 *     req.payload_type = X12KIT_CORE_PT_270_REQUEST;
 *     req.payload_id = id;
 *     req.timestamp = ts;
 *     req.sender_id = "CLINIC01";
 *     req.receiver_id = "CLEARINGHOUSE";
 *     req.username = user;                  (optional: WS-Security)
 *     req.password = password;
 *     req.payload = x12;
 *     req.payload_len = x12_len;
 *     x12kit_core_build_soap(&req, NULL, &out, &err);
 *     ... POST out.data (out.len bytes) with Content-Type out.content_type ...
 *     x12kit_core_output_free(&out);
 *
 * and reading the answer:
 *
 *     x12kit_core_message resp;
 *     x12kit_core_parse(content_type, body, body_len, NULL, &resp, &err);
 *     if (x12kit_core_check_response(&req, &resp, &err) == X12KIT_OK)
 *       ... resp.payload, resp.payload_len: the 271 ...
 *     x12kit_core_message_clear(&resp);
 *
 * Ownership.  A message the caller fills to build an envelope points at
 * the caller's strings: the library reads them during the call and keeps
 * nothing.  A message filled by a parse function points into one block
 * that the message owns; its strings stay valid until
 * x12kit_core_message_clear(), which wipes and frees that block.  Built
 * envelopes go to an x12kit_core_output, freed (and wiped, since it may
 * hold a password) by x12kit_core_output_free().  Memory comes from the
 * x12kit_mem hooks given (NULL: the C library); libxml2 allocates its
 * own parse tree with its own allocator while a SOAP body is read.
 *
 * Errors.  Functions return X12KIT_OK or a negative X12KIT_ERR_* status
 * and fill an x12kit_error (which may be NULL).  Its text names fields,
 * positions and codes, never a field's value, the payload or the
 * credentials, so it is safe to log.
 *
 * Parsing is defensive: a size cap, no network, no DTD (a DOCTYPE is
 * refused outright, so no entity is ever declared or expanded), UTF-8
 * only, duplicate fields refused, and the variants real servers send
 * accepted and recorded as quirks (see X12KIT_CORE_QUIRK_*) unless
 * X12KIT_CORE_PARSE_STRICT asks for the rule's exact form.
 */
#ifndef X12KIT_CORE_H
#define X12KIT_CORE_H

#include <stddef.h>
#include <time.h>

#include <x12kit/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- names ---------------------------------------------------------- */

/* Namespaces. */
#define X12KIT_CORE_NS_SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define X12KIT_CORE_NS_CORE "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
#define X12KIT_CORE_NS_WSSE \
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#define X12KIT_CORE_NS_WSU \
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
#define X12KIT_CORE_PASSWORD_TEXT \
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
#define X12KIT_CORE_NS_XOP "http://www.w3.org/2004/08/xop/include"

/* The rule version this module speaks (CORERuleVersion). */
#define X12KIT_CORE_RULE_VERSION "2.2.0"

/* ProcessingMode values. */
#define X12KIT_CORE_MODE_REALTIME "RealTime"
#define X12KIT_CORE_MODE_BATCH "Batch"

/* PayloadType values for the transactions of x12kit. */
#define X12KIT_CORE_PT_270_REQUEST "X12_270_Request_005010X279A1"
#define X12KIT_CORE_PT_271_RESPONSE "X12_271_Response_005010X279A1"
#define X12KIT_CORE_PT_276_REQUEST "X12_276_Request_005010X212"
#define X12KIT_CORE_PT_277_RESPONSE "X12_277_Response_005010X212"
#define X12KIT_CORE_PT_278_REQUEST "X12_278_Request_005010X217E1_2"
#define X12KIT_CORE_PT_278_RESPONSE "X12_278_Response_005010X217E1_2"
#define X12KIT_CORE_PT_999_RESPONSE "X12_999_Response_005010X231A1"
#define X12KIT_CORE_PT_TA1_RESPONSE "X12_TA1_Response_00501X231A1"
/* PayloadType of a response that reports an envelope error. */
#define X12KIT_CORE_PT_ENVELOPE_ERROR "CoreEnvelopeError"

/*
 * The PayloadType for a transaction set: |transaction| is "270", "271",
 * "276", "277", "278", "999" or "TA1"; |response| picks the response
 * form of "278" (the others have one form).  NULL when unknown.
 */
X12KIT_EXTERN const char *x12kit_core_payload_type(const char *transaction, int response);

/*
 * The transaction set a PayloadType carries ("270", "271", "999",
 * "TA1", ...), or NULL for a type this module does not know or one that
 * carries no X12 of its own (CoreEnvelopeError, batch retrievals).
 */
X12KIT_EXTERN const char *x12kit_core_payload_type_transaction(const char *payload_type);

/* ---- messages ------------------------------------------------------- */

/* Which envelope a message is: the COREEnvelope* element, or a fault. */
typedef enum x12kit_core_kind {
  X12KIT_CORE_REALTIME_REQUEST = 0,           /* COREEnvelopeRealTimeRequest */
  X12KIT_CORE_REALTIME_RESPONSE = 1,          /* COREEnvelopeRealTimeResponse */
  X12KIT_CORE_BATCH_SUBMISSION = 2,           /* COREEnvelopeBatchSubmission */
  X12KIT_CORE_BATCH_SUBMISSION_RESPONSE = 3,  /* COREEnvelopeBatchSubmissionResponse */
  X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST = 4,     /* ...BatchSubmissionAckRetrievalRequest */
  X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE = 5,    /* ...BatchSubmissionAckRetrievalResponse */
  X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST = 6, /* ...BatchResultsRetrievalRequest */
  X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE = 7,/* ...BatchResultsRetrievalResponse */
  X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION = 8,    /* ...BatchResultsAckSubmission */
  X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE = 9, /* ...AckSubmissionResponse */
  X12KIT_CORE_SOAP_FAULT = 10                 /* a SOAP 1.2 Fault, no CORE fields */
} x12kit_core_kind;

/* The element name of |kind| ("COREEnvelopeRealTimeRequest"), "Fault", or "". */
X12KIT_EXTERN const char *x12kit_core_kind_element(x12kit_core_kind kind);

/* 1 when |kind| is a request (client to server), 0 otherwise. */
X12KIT_EXTERN int x12kit_core_kind_is_request(x12kit_core_kind kind);

/*
 * The SOAP action of a request kind, as the CORE WSDL names its
 * operation ("RealTimeTransaction", "BatchSubmitTransaction", ...);
 * NULL for responses and faults.
 */
X12KIT_EXTERN const char *x12kit_core_soap_action(x12kit_core_kind kind);

/*
 * Quirks: variants of the rule that servers and clients are known to
 * send.  A parse accepts them and sets their bits in |quirks|, unless
 * X12KIT_CORE_PARSE_STRICT is given, which refuses any of them.
 */
#define X12KIT_CORE_QUIRK_QUALIFIED_FIELDS 0x0001u /* SOAP children in a CORE namespace */
#define X12KIT_CORE_QUIRK_FIELD_ORDER 0x0002u      /* SOAP children out of schema order */
#define X12KIT_CORE_QUIRK_WRAPPED 0x0004u          /* envelope element inside another element */
#define X12KIT_CORE_QUIRK_NAMESPACE 0x0008u        /* envelope element not in the 2.2.0 namespace */
#define X12KIT_CORE_QUIRK_UNKNOWN_FIELD 0x0010u    /* a field this envelope does not have, ignored
                                                      or kept (see x12kit_core_parse_soap) */
#define X12KIT_CORE_QUIRK_FIELD_CASE 0x0020u       /* a field name matched ignoring case
                                                      ("PayloadId") */
#define X12KIT_CORE_QUIRK_MTOM 0x0040u             /* a real-time envelope sent as MTOM/XOP */
#define X12KIT_CORE_QUIRK_BARE_LF 0x0080u          /* multipart lines end in LF, not CR LF */
#define X12KIT_CORE_QUIRK_RAW_BATCH_PAYLOAD 0x0100u/* batch Payload as X12 text, not base64 */
#define X12KIT_CORE_QUIRK_HEADER_IGNORED 0x0200u   /* a mustUnderstand SOAP header block ignored */
#define X12KIT_CORE_QUIRK_PI 0x0400u               /* an XML processing instruction ignored */
#define X12KIT_CORE_QUIRK_PASSWORD_TYPE 0x0800u    /* a WS-Security password not PasswordText
                                                      (dropped: password is NULL) */
#define X12KIT_CORE_QUIRK_SOAP_LAYOUT 0x1000u      /* Envelope, Header, Body out of order, or
                                                      other content around them */

/*
 * One CORE message.  Every string is NUL-terminated; NULL means "not in
 * the envelope" (an empty element or part is "").  Field names follow
 * the rule.  Which fields an envelope has is in docs/core-envelopes.md.
 *
 * To build: x12kit_core_message_init(), then point the fields at your
 * strings.  To read: a parse function fills the structure and the
 * message owns its strings (see the top of this file).
 */
typedef struct x12kit_core_message {
  x12kit_core_kind kind;
  const char *payload_type;       /* PayloadType */
  const char *processing_mode;    /* ProcessingMode; build: NULL = from kind */
  const char *payload_id;         /* PayloadID, a UUID */
  const char *payload_length;     /* PayloadLength (batch); build: NULL = computed */
  const char *timestamp;          /* TimeStamp, CCYY-MM-DDTHH:MM:SSZ */
  const char *sender_id;          /* SenderID */
  const char *receiver_id;        /* ReceiverID */
  const char *core_rule_version;  /* CORERuleVersion; build: NULL = "2.2.0" */
  const char *checksum;           /* CheckSum (batch), SHA-1 hex; build: NULL = computed */
  const char *payload;            /* Payload: the bytes (base64 is decoded), NUL after them */
  size_t payload_len;             /* build: 0 with a payload = strlen(payload) */
  const char *error_code;         /* ErrorCode (responses) */
  const char *error_message;      /* ErrorMessage (responses) */
  const char *username;           /* requests: WS-Security Username / MIME UserName */
  const char *password;           /* requests: WS-Security PasswordText / MIME Password */

  /* X12KIT_CORE_SOAP_FAULT only */
  const char *fault_code;         /* "Sender", "Receiver", "VersionMismatch",
                                     "MustUnderstand" or "DataEncodingUnknown" */
  const char *fault_subcode;      /* parse: local name of the first Subcode, or NULL */
  const char *fault_reason;       /* Reason Text */

  unsigned quirks;                /* parse: X12KIT_CORE_QUIRK_* seen */

  /* private: the block a parsed message owns */
  x12kit_mem mem_;
  void *storage_;
  size_t storage_size_;
} x12kit_core_message;

/* Zeroes |m| and sets its kind. */
X12KIT_EXTERN void x12kit_core_message_init(x12kit_core_message *m, x12kit_core_kind kind);

/*
 * Wipes and frees what a parse stored in |m| and zeroes it.  Harmless
 * on a message the caller filled (its strings are not touched) and on a
 * cleared one.
 */
X12KIT_EXTERN void x12kit_core_message_clear(x12kit_core_message *m);

/* ---- identifiers and time ------------------------------------------- */

#define X12KIT_CORE_UUID_SIZE 37          /* 36 characters and the NUL */
#define X12KIT_CORE_TIMESTAMP_SIZE 21     /* CCYY-MM-DDTHH:MM:SSZ and the NUL */

/*
 * A fresh PayloadID: a random (version 4) UUID in lower-case
 * 8-4-4-4-12 form, from OpenSSL's RAND_bytes.  |size| must be at least
 * X12KIT_CORE_UUID_SIZE.  Returns X12KIT_OK, X12KIT_ERR_ARG, or
 * X12KIT_ERR_IO when the random generator fails.
 */
X12KIT_EXTERN int x12kit_core_new_payload_id(char *buf, size_t size);

/*
 * |t| as the rule's TimeStamp, CCYY-MM-DDTHH:MM:SSZ in UTC.  |size| must
 * be at least X12KIT_CORE_TIMESTAMP_SIZE.  Returns X12KIT_OK or
 * X12KIT_ERR_ARG.
 */
X12KIT_EXTERN int x12kit_core_timestamp(char *buf, size_t size, time_t t);

#define X12KIT_CORE_CHECKSUM_SIZE 41      /* 40 hexadecimal digits and the NUL */

/* The CheckSum of a payload: SHA-1 in lower-case hexadecimal. */
X12KIT_EXTERN int x12kit_core_checksum(const char *payload, size_t len, char *buf, size_t size);

/* ---- building ------------------------------------------------------- */

#define X12KIT_CORE_CONTENT_TYPE_SIZE 160

/* A built envelope. */
typedef struct x12kit_core_output {
  char *data;                     /* the HTTP body, NUL-terminated */
  size_t len;                     /* bytes of data, without the NUL */
  char content_type[X12KIT_CORE_CONTENT_TYPE_SIZE]; /* the Content-Type header value */
  x12kit_mem mem_;                /* private: how data was allocated */
} x12kit_core_output;

/* Wipes and frees |out->data| and zeroes |out|.  Harmless on a zeroed output. */
X12KIT_EXTERN void x12kit_core_output_free(x12kit_core_output *out);

/*
 * Builds a SOAP 1.2 envelope for |m|: any CORE envelope kind, or a fault
 * (fault_code and fault_reason).  Only the COREEnvelope* element is
 * namespace-qualified.  A request with a username and password carries
 * a WS-Security UsernameToken with a PasswordText password.  Text is
 * escaped (& < > and CR as a character reference, so the payload comes
 * back byte for byte); batch payloads are sent as base64.  ProcessingMode,
 * CORERuleVersion, PayloadLength and CheckSum are filled in when NULL.
 *
 * The content type is "application/soap+xml; charset=utf-8" with the
 * request's action ("...; action=\"RealTimeTransaction\"").
 *
 * Returns X12KIT_OK; X12KIT_ERR_ARG when a field the envelope needs is
 * missing, a field it does not have is set, or only one of username and
 * password is given; X12KIT_ERR_DATA when a value is not UTF-8 or holds
 * a control character XML cannot carry (X12 with control-character
 * delimiters needs the MIME envelope); X12KIT_ERR_NOMEM.
 */
X12KIT_EXTERN int x12kit_core_build_soap(const x12kit_core_message *m, const x12kit_mem *mem,
                                         x12kit_core_output *out, x12kit_error *err);

/*
 * Builds a multipart/form-data body for |m| (any kind but a fault): one
 * part per field, CR LF line ends, the payload as raw bytes.  |boundary|
 * (1-70 characters of the RFC 2046 set, not ending in a space) is used
 * as given, or, when NULL, made from random bytes.  Either way it does
 * not occur in any field; a given one that does is refused with
 * X12KIT_ERR_DATA.  The content type is
 * "multipart/form-data; boundary=..." (quoted when needed).
 */
X12KIT_EXTERN int x12kit_core_build_mime(const x12kit_core_message *m, const char *boundary,
                                         const x12kit_mem *mem, x12kit_core_output *out,
                                         x12kit_error *err);

/*
 * Fills |resp| as the answer to |req|: the matching response kind, the
 * same ProcessingMode and PayloadID, SenderID and ReceiverID swapped,
 * CORERuleVersion 2.2.0, ErrorCode Success, |timestamp|.  The caller
 * then sets payload_type and payload.  |resp| points at |req|'s strings,
 * so |req| must outlive it.  Returns X12KIT_ERR_ARG when |req| is not a
 * request.
 */
X12KIT_EXTERN int x12kit_core_response_init(x12kit_core_message *resp,
                                            const x12kit_core_message *req,
                                            const char *timestamp);

/* ---- reading -------------------------------------------------------- */

#define X12KIT_CORE_MAX_SIZE_DEFAULT (16u * 1024u * 1024u)

/* Parse flags. */
#define X12KIT_CORE_PARSE_STRICT 0x1u    /* refuse every X12KIT_CORE_QUIRK_* */

typedef struct x12kit_core_parse_options {
  const x12kit_mem *mem;          /* hooks for the message's block; NULL: C library */
  size_t max_size;                /* largest body accepted; 0: X12KIT_CORE_MAX_SIZE_DEFAULT */
  unsigned flags;                 /* X12KIT_CORE_PARSE_* */
} x12kit_core_parse_options;

/*
 * Reads a SOAP 1.2 envelope of |len| bytes (|opt| may be NULL for the
 * defaults).  On X12KIT_OK, |m| holds a CORE envelope or a fault; on
 * failure |m| is zeroed.
 *
 * Refused: a body over the size cap (X12KIT_ERR_TOO_LONG); bytes that
 * are not UTF-8, an encoding declaration other than UTF-8, a DOCTYPE,
 * XML that is not well-formed (X12KIT_ERR_SYNTAX); a root that is not a
 * SOAP 1.2 Envelope, a Body without a CORE envelope or fault, a field
 * given twice, markup inside a field, a batch payload that is not base64
 * (X12KIT_ERR_ENVELOPE).
 *
 * Accepted: CDATA sections and character references in any field;
 * whitespace around values (trimmed, except in a Payload without CDATA,
 * which is kept as sent); and the quirks listed above.  Fields the
 * envelope kind does not have are kept in |m| (so that validation can
 * name them) with X12KIT_CORE_QUIRK_UNKNOWN_FIELD; elements that are no
 * CORE field are skipped with the same bit.
 */
X12KIT_EXTERN int x12kit_core_parse_soap(const char *xml, size_t len,
                                         const x12kit_core_parse_options *opt,
                                         x12kit_core_message *m, x12kit_error *err);

/*
 * Reads a multipart/form-data body.  |content_type| is the value of the
 * Content-Type header ("multipart/form-data; boundary=..."; the boundary
 * may be quoted).  Field names are matched exactly, else ignoring case
 * (X12KIT_CORE_QUIRK_FIELD_CASE).  The kind is inferred: a message with
 * an ErrorCode is a response; ProcessingMode Batch and the PayloadType
 * tell the batch kinds apart; anything else is real time.
 *
 * Refused: no content type (X12KIT_ERR_ARG); a content type that is not
 * multipart/form-data (X12KIT_ERR_ENVELOPE); no boundary parameter, a
 * malformed or invalid one, no boundary line in the body, malformed
 * part headers (X12KIT_ERR_SYNTAX); a body over the cap
 * (X12KIT_ERR_TOO_LONG); no closing boundary (X12KIT_ERR_TRUNCATED); a
 * part without a form-data name, a field given twice (in any letter
 * case), more than 64 parts, a transfer encoding other than 7bit, 8bit,
 * binary or base64, a field other than the payload that is not UTF-8 or
 * holds control characters other than tab, CR and LF
 * (X12KIT_ERR_ENVELOPE).  Values other than the payload and the
 * credentials are trimmed of surrounding white space.
 */
X12KIT_EXTERN int x12kit_core_parse_mime(const char *content_type, const char *body, size_t len,
                                         const x12kit_core_parse_options *opt,
                                         x12kit_core_message *m, x12kit_error *err);

/*
 * Reads an MTOM/XOP multipart/related body: the root part (the "start"
 * parameter's Content-ID, else the first part) is the SOAP envelope,
 * and a Payload holding an xop:Include takes the bytes of the part its
 * "cid:" reference names.  Real-time envelopes in MTOM carry
 * X12KIT_CORE_QUIRK_MTOM.  Errors as for the two functions above.
 */
X12KIT_EXTERN int x12kit_core_parse_mtom(const char *content_type, const char *body, size_t len,
                                         const x12kit_core_parse_options *opt,
                                         x12kit_core_message *m, x12kit_error *err);

/*
 * Picks the reader from |content_type|: application/soap+xml (also
 * text/xml and application/xml), multipart/related, multipart/form-data.
 * A NULL content type means SOAP when the body starts with '<'.
 * Anything else is X12KIT_ERR_ENVELOPE.
 */
X12KIT_EXTERN int x12kit_core_parse(const char *content_type, const char *body, size_t len,
                                    const x12kit_core_parse_options *opt,
                                    x12kit_core_message *m, x12kit_error *err);

/* ---- checking ------------------------------------------------------- */

/* The CORE ErrorCode values a server answers with. */
typedef enum x12kit_core_code {
  X12KIT_CORE_SUCCESS = 0,                 /* "Success" */
  X12KIT_CORE_PAYLOAD_TYPE_REQUIRED,       /* "PayloadTypeRequired" */
  X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL,        /* "PayloadTypeIllegal" */
  X12KIT_CORE_PROCESSING_MODE_REQUIRED,    /* "ProcessingModeRequired" */
  X12KIT_CORE_PROCESSING_MODE_ILLEGAL,     /* "ProcessingModeIllegal" */
  X12KIT_CORE_PAYLOAD_ID_REQUIRED,         /* "PayloadIDRequired" */
  X12KIT_CORE_PAYLOAD_ID_ILLEGAL,          /* "PayloadIDIllegal" */
  X12KIT_CORE_PAYLOAD_LENGTH_REQUIRED,     /* "PayloadLengthRequired" */
  X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL,      /* "PayloadLengthIllegal" */
  X12KIT_CORE_TIMESTAMP_REQUIRED,          /* "TimeStampRequired" */
  X12KIT_CORE_TIMESTAMP_ILLEGAL,           /* "TimeStampIllegal" */
  X12KIT_CORE_SENDER_ID_REQUIRED,          /* "SenderIDRequired" */
  X12KIT_CORE_SENDER_ID_ILLEGAL,           /* "SenderIDIllegal" */
  X12KIT_CORE_RECEIVER_ID_REQUIRED,        /* "ReceiverIDRequired" */
  X12KIT_CORE_RECEIVER_ID_ILLEGAL,         /* "ReceiverIDIllegal" */
  X12KIT_CORE_RULE_VERSION_REQUIRED,       /* "CORERuleVersionRequired" */
  X12KIT_CORE_VERSION_MISMATCH,            /* "VersionMismatch" */
  X12KIT_CORE_CHECKSUM_REQUIRED,           /* "CheckSumRequired" */
  X12KIT_CORE_CHECKSUM_ILLEGAL,            /* "CheckSumIllegal" */
  X12KIT_CORE_PAYLOAD_REQUIRED,            /* "PayloadRequired" */
  X12KIT_CORE_PAYLOAD_ILLEGAL,             /* "PayloadIllegal" */
  X12KIT_CORE_UNAUTHORIZED                 /* "UnAuthorized" */
} x12kit_core_code;

/* The ErrorCode string of |code| ("PayloadIDRequired"), or "" when unknown. */
X12KIT_EXTERN const char *x12kit_core_code_name(x12kit_core_code code);

/* A short ErrorMessage for |code|, in English, naming no value. */
X12KIT_EXTERN const char *x12kit_core_code_message(x12kit_core_code code);

/* Validation flags. */
#define X12KIT_CORE_VALIDATE_LENIENT 0x1u     /* also accept "RealTimeMode"/"BatchMode",
                                                 "v2.2.0", fractional seconds, PayloadType
                                                 in another letter case */
#define X12KIT_CORE_VALIDATE_CREDENTIALS 0x2u /* a request without username and password
                                                 is UnAuthorized */

/*
 * Checks a request the way a CORE server must, field by field, and puts
 * the ErrorCode to answer with in |*code| (X12KIT_CORE_SUCCESS when all
 * is well).  Checked, in this order: credentials (with
 * X12KIT_CORE_VALIDATE_CREDENTIALS), CORERuleVersion 2.2.0, then in
 * schema order: PayloadType known for the envelope and its processing
 * mode, ProcessingMode matching the envelope, PayloadID a UUID,
 * PayloadLength the payload's byte count (batch), TimeStamp
 * CCYY-MM-DDTHH:MM:SSZ with a real date, SenderID and ReceiverID present
 * and printable, CheckSum the payload's SHA-1 (batch, hexadecimal in
 * either case), Payload present where required and an X12 interchange
 * (it starts with ISA).  An empty field counts as missing; fields the
 * envelope does not have are not looked at.
 *
 * Returns X12KIT_OK when the request is valid, X12KIT_ERR_ENVELOPE when
 * it is not (|err| says which field and why), X12KIT_ERR_ARG when |m| is
 * not a request.
 */
X12KIT_EXTERN int x12kit_core_validate(const x12kit_core_message *m, unsigned flags,
                                       x12kit_core_code *code, x12kit_error *err);

/*
 * Fills |resp| as the envelope-error answer to |req|: the response kind,
 * PayloadType CoreEnvelopeError, ErrorCode and ErrorMessage of |code|,
 * the request's PayloadID (or "" when it had none), SenderID and
 * ReceiverID swapped ("" when missing), |timestamp|, and no payload.
 * |resp| points at |req|'s strings.  An X12KIT_CORE_SUCCESS code gives
 * the same as x12kit_core_response_init().
 */
X12KIT_EXTERN int x12kit_core_error_response_init(x12kit_core_message *resp,
                                                  const x12kit_core_message *req,
                                                  x12kit_core_code code,
                                                  const char *timestamp);

/*
 * What a client checks in an answer before using its payload: not a
 * fault; a response to |req|'s kind (when |req| is not NULL) with the
 * same PayloadID; ErrorCode Success; and, when there is a payload, X12
 * (it starts with ISA) rather than, say, JSON.  Returns X12KIT_OK or
 * X12KIT_ERR_ENVELOPE with |err| saying which check failed (the fault
 * code or the ErrorCode is named when it is a plain identifier; the
 * fault reason and ErrorMessage never are).  The payload is left in
 * |resp| either way: a 999 or TA1 may explain the refusal.
 */
X12KIT_EXTERN int x12kit_core_check_response(const x12kit_core_message *req,
                                             const x12kit_core_message *resp,
                                             x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_CORE_H */
