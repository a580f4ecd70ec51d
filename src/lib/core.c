/*
 * x12kit - the CAQH CORE connectivity envelopes (rule vC2.2.0): SOAP 1.2
 * and HTTP MIME multipart/form-data, built and read without I/O.
 *
 * Building writes text directly: the SOAP envelope with only the
 * COREEnvelope* element qualified, the WS-Security UsernameToken for
 * requests with credentials, every value escaped; the MIME body with a
 * boundary that no field contains.
 *
 * Reading is defensive.  SOAP goes through libxml2 with no network, no
 * DTD (a DOCTYPE stops the parser before its internal subset is read,
 * so no entity is ever declared), no entity substitution, no huge-input
 * mode, after a size cap and a UTF-8 check of every byte.  Fields are
 * matched by namespace and local name, never by prefix.  Multipart
 * bodies (form-data, and MTOM's multipart/related) are split here.  All
 * values end up in one block owned by the message, wiped when freed,
 * because it may hold a password.
 *
 * Error texts name fields, parts, lines and codes; they never quote a
 * value, the payload or a credential.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#endif
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "internal.h"

#define NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_CORE_ANY "http://www.caqh.org/SOAP/WSDL/"  /* prefix of every CORE namespace */

#define MAX_PARTS 64                /* multipart parts */
#define MAX_HEADER 1024             /* one unfolded part header */
#define MAX_WRAP_DEPTH 3            /* elements around a wrapped envelope */
#define MAX_BOUNDARY 70

/* ---- fields ---------------------------------------------------------- */

enum {
  F_PAYLOAD_TYPE,
  F_PROCESSING_MODE,
  F_PAYLOAD_ID,
  F_PAYLOAD_LENGTH,
  F_TIMESTAMP,
  F_SENDER_ID,
  F_RECEIVER_ID,
  F_RULE_VERSION,
  F_CHECKSUM,
  F_PAYLOAD,
  F_ERROR_CODE,
  F_ERROR_MESSAGE,
  NSCHEMA,                          /* the schema's fields, in sequence order */
  F_USERNAME = NSCHEMA,
  F_PASSWORD,
  F_FAULT_CODE,
  F_FAULT_SUBCODE,
  F_FAULT_REASON,
  NFIELDS
};

static const char *const field_name[NFIELDS] = {
  "PayloadType", "ProcessingMode", "PayloadID", "PayloadLength", "TimeStamp", "SenderID",
  "ReceiverID", "CORERuleVersion", "CheckSum", "Payload", "ErrorCode", "ErrorMessage",
  "UserName", "Password", "fault code", "fault subcode", "fault reason"
};

static const size_t field_off[NFIELDS] = {
  offsetof(x12kit_core_message, payload_type),
  offsetof(x12kit_core_message, processing_mode),
  offsetof(x12kit_core_message, payload_id),
  offsetof(x12kit_core_message, payload_length),
  offsetof(x12kit_core_message, timestamp),
  offsetof(x12kit_core_message, sender_id),
  offsetof(x12kit_core_message, receiver_id),
  offsetof(x12kit_core_message, core_rule_version),
  offsetof(x12kit_core_message, checksum),
  offsetof(x12kit_core_message, payload),
  offsetof(x12kit_core_message, error_code),
  offsetof(x12kit_core_message, error_message),
  offsetof(x12kit_core_message, username),
  offsetof(x12kit_core_message, password),
  offsetof(x12kit_core_message, fault_code),
  offsetof(x12kit_core_message, fault_subcode),
  offsetof(x12kit_core_message, fault_reason),
};

static const char *field_get(const x12kit_core_message *m, int f)
{
  const char *v;

  memcpy(&v, (const char *)m + field_off[f], sizeof v);
  return v;
}

static void field_set(x12kit_core_message *m, int f, const char *v)
{
  memcpy((char *)m + field_off[f], &v, sizeof v);
}

/* ---- envelope kinds -------------------------------------------------- */

#define NKINDS 10

/*
 * Per kind: its element, which of the NSCHEMA fields it has (R
 * required, O optional, - absent, in schema order), its SOAP action
 * (requests), batch or real time, and the kind that answers it.
 */
static const struct kind_info {
  const char *element;
  const char *usage;
  const char *action;
  int batch;
  x12kit_core_kind answer;
} kinds[NKINDS] = {
  { "COREEnvelopeRealTimeRequest", "RRR-RRRR-R--", "RealTimeTransaction", 0,
    X12KIT_CORE_REALTIME_RESPONSE },
  { "COREEnvelopeRealTimeResponse", "RRR-RRRR-ORR", NULL, 0, X12KIT_CORE_REALTIME_RESPONSE },
  { "COREEnvelopeBatchSubmission", "RRRRRRRRRR--", "BatchSubmitTransaction", 1,
    X12KIT_CORE_BATCH_SUBMISSION_RESPONSE },
  { "COREEnvelopeBatchSubmissionResponse", "RRRORRRROORR", NULL, 1,
    X12KIT_CORE_BATCH_SUBMISSION_RESPONSE },
  { "COREEnvelopeBatchSubmissionAckRetrievalRequest", "RRRORRRROO--",
    "BatchSubmitAckRetrievalTransaction", 1, X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE },
  { "COREEnvelopeBatchSubmissionAckRetrievalResponse", "RRRORRRROORR", NULL, 1,
    X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE },
  { "COREEnvelopeBatchResultsRetrievalRequest", "RRRORRRROO--",
    "BatchResultsRetrievalTransaction", 1, X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE },
  { "COREEnvelopeBatchResultsRetrievalResponse", "RRRORRRROORR", NULL, 1,
    X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE },
  { "COREEnvelopeBatchResultsAckSubmission", "RRRORRRROO--",
    "BatchResultsAckSubmitTransaction", 1, X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE },
  { "COREEnvelopeBatchResultsAckSubmissionResponse", "RRRORRRROORR", NULL, 1,
    X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE },
};

static int kind_ok(x12kit_core_kind k)
{
  return (int)k >= 0 && (int)k < NKINDS;
}

const char *x12kit_core_kind_element(x12kit_core_kind kind)
{
  if (kind == X12KIT_CORE_SOAP_FAULT)
    return "Fault";
  return kind_ok(kind) ? kinds[kind].element : "";
}

int x12kit_core_kind_is_request(x12kit_core_kind kind)
{
  return kind_ok(kind) && kinds[kind].action != NULL;
}

const char *x12kit_core_soap_action(x12kit_core_kind kind)
{
  return kind_ok(kind) ? kinds[kind].action : NULL;
}

static char usage_of(x12kit_core_kind k, int f)
{
  if (!kind_ok(k))
    return '-';
  if (f < NSCHEMA)
    return kinds[k].usage[f];
  if (f == F_USERNAME || f == F_PASSWORD)
    return x12kit_core_kind_is_request(k) ? 'O' : '-';
  return '-';
}

/* ---- payload types --------------------------------------------------- */

#define K(k) (1u << (k))
#define K_RESPONSES                                                                    \
  (K(X12KIT_CORE_REALTIME_RESPONSE) | K(X12KIT_CORE_BATCH_SUBMISSION_RESPONSE) |      \
   K(X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE) |                                       \
   K(X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE) |                                   \
   K(X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE))
#define K_SUBMIT (K(X12KIT_CORE_REALTIME_REQUEST) | K(X12KIT_CORE_BATCH_SUBMISSION))

/* Every PayloadType known here, the envelopes it may travel in, and
   the transaction set it carries. */
static const struct ptype {
  const char *name;
  const char *transaction;
  unsigned kinds;
} ptypes[] = {
  { X12KIT_CORE_PT_270_REQUEST, "270", K_SUBMIT },
  { X12KIT_CORE_PT_276_REQUEST, "276", K_SUBMIT },
  { X12KIT_CORE_PT_278_REQUEST, "278", K_SUBMIT },
  { X12KIT_CORE_PT_271_RESPONSE, "271", K_RESPONSES },
  { X12KIT_CORE_PT_277_RESPONSE, "277", K_RESPONSES },
  { X12KIT_CORE_PT_278_RESPONSE, "278", K_RESPONSES },
  { X12KIT_CORE_PT_999_RESPONSE, "999", K_RESPONSES },
  { X12KIT_CORE_PT_TA1_RESPONSE, "TA1", K_RESPONSES },
  { X12KIT_CORE_PT_ENVELOPE_ERROR, NULL, K_RESPONSES },
  { "X12_834_Request_005010X220A1", "834", K(X12KIT_CORE_BATCH_SUBMISSION) },
  { "X12_820_Request_005010X218A1", "820", K(X12KIT_CORE_BATCH_SUBMISSION) },
  { "X12_837_Request_005010X222A1", "837", K(X12KIT_CORE_BATCH_SUBMISSION) },
  { "X12_837_Request_005010X223A1_2", "837", K(X12KIT_CORE_BATCH_SUBMISSION) },
  { "X12_837_Request_005010X224A1_2", "837", K(X12KIT_CORE_BATCH_SUBMISSION) },
  { "X12_999_RetrievalRequest_005010X231A1", NULL, K(X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST) },
  { "X12_TA1_RetrievalRequest_00501X231A1", NULL, K(X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST) },
  { "X12_005010_Request_Batch_Results_271", NULL,
    K(X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST) },
  { "X12_005010_Request_Batch_Results_277", NULL,
    K(X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST) },
  { "X12_999_SubmissionRequest_005010X231A1", "999",
    K(X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION) },
  { "X12_TA1_SubmissionRequest_00501X231A1", "TA1",
    K(X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION) },
};

#define NPTYPES (sizeof ptypes / sizeof ptypes[0])

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int ieq(const char *a, const char *b)
{
  while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
    a++;
    b++;
  }
  return *a == '\0' && *b == '\0';
}

/* Case-insensitive comparison of |n| bytes with a NUL-terminated word. */
static int ieqn(const char *a, size_t n, const char *word)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (word[i] == '\0' || lower((unsigned char)a[i]) != lower((unsigned char)word[i]))
      return 0;
  return word[n] == '\0';
}

static const struct ptype *ptype_find(const char *name, int anycase)
{
  size_t i;

  if (name == NULL)
    return NULL;
  for (i = 0; i < NPTYPES; i++)
    if (strcmp(ptypes[i].name, name) == 0)
      return &ptypes[i];
  if (anycase)
    for (i = 0; i < NPTYPES; i++)
      if (ieq(ptypes[i].name, name))
        return &ptypes[i];
  return NULL;
}

const char *x12kit_core_payload_type(const char *transaction, int response)
{
  if (transaction == NULL)
    return NULL;
  if (strcmp(transaction, "270") == 0)
    return X12KIT_CORE_PT_270_REQUEST;
  if (strcmp(transaction, "271") == 0)
    return X12KIT_CORE_PT_271_RESPONSE;
  if (strcmp(transaction, "276") == 0)
    return X12KIT_CORE_PT_276_REQUEST;
  if (strcmp(transaction, "277") == 0)
    return X12KIT_CORE_PT_277_RESPONSE;
  if (strcmp(transaction, "278") == 0)
    return response ? X12KIT_CORE_PT_278_RESPONSE : X12KIT_CORE_PT_278_REQUEST;
  if (strcmp(transaction, "999") == 0)
    return X12KIT_CORE_PT_999_RESPONSE;
  if (strcmp(transaction, "TA1") == 0)
    return X12KIT_CORE_PT_TA1_RESPONSE;
  return NULL;
}

const char *x12kit_core_payload_type_transaction(const char *payload_type)
{
  const struct ptype *p = ptype_find(payload_type, 1);

  return p ? p->transaction : NULL;
}

/* ---- messages -------------------------------------------------------- */

void x12kit_core_message_init(x12kit_core_message *m, x12kit_core_kind kind)
{
  if (m == NULL)
    return;
  memset(m, 0, sizeof *m);
  m->kind = kind;
}

void x12kit_core_message_clear(x12kit_core_message *m)
{
  if (m == NULL)
    return;
  if (m->storage_ != NULL) {
    OPENSSL_cleanse(m->storage_, m->storage_size_);
    x12kitp_free(&m->mem_, m->storage_);
  }
  memset(m, 0, sizeof *m);
}

void x12kit_core_output_free(x12kit_core_output *out)
{
  if (out == NULL)
    return;
  if (out->data != NULL) {
    OPENSSL_cleanse(out->data, out->len);
    x12kitp_free(&out->mem_, out->data);
  }
  memset(out, 0, sizeof *out);
}

/* ---- small helpers --------------------------------------------------- */

/*
 * Length of the valid UTF-8 sequence at |s| (at most |n| bytes), with
 * its code point in |*cp|; 0 when the bytes are not UTF-8 (overlong
 * forms, surrogates and values above U+10FFFF included).
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
  unsigned long c;
  size_t len, i;

  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (s[0] >= 0xc2 && s[0] <= 0xdf) {
    len = 2;
    c = s[0] & 0x1fu;
  } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
    len = 3;
    c = s[0] & 0x0fu;
  } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
    len = 4;
    c = s[0] & 0x07u;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3fu);
  }
  if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
      (c >= 0xd800 && c <= 0xdfff))
    return 0;
  *cp = c;
  return len;
}

/*
 * Text checks.  TEXT_LINE: UTF-8 without control characters (what the
 * builders take for every field but the payload).  TEXT_XML: UTF-8
 * that XML 1.0 can carry, tab, LF and CR being the only controls (a
 * real-time SOAP payload, and any field a parse stores).  Returns 1 when
 * |s| passes.
 */
enum { TEXT_LINE, TEXT_XML };

static int text_ok(const char *s, size_t n, int mode)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, k;
  unsigned long cp;

  while (i < n) {
    k = utf8_seq(p + i, n - i, &cp);
    if (k == 0)
      return 0;
    if (cp < 0x20 || cp == 0x7f) {
      if (mode == TEXT_LINE || (cp != '\t' && cp != '\n' && cp != '\r'))
        return 0;
    }
    if (cp == 0xfffe || cp == 0xffff)
      return 0;
    i += k;
  }
  return 1;
}

/* Offset of the first byte that is not UTF-8, or |n| when all are. */
static size_t utf8_prefix(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, k;
  unsigned long cp;

  while (i < n) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    k = utf8_seq(p + i, n - i, &cp);
    if (k == 0)
      return i;
    i += k;
  }
  return n;
}

static int is_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, size_t *n)
{
  while (*n && is_ws(**p)) {
    (*p)++;
    (*n)--;
  }
  while (*n && is_ws((*p)[*n - 1]))
    (*n)--;
}

/* First occurrence of |needle| in |h|, or NULL. */
static const char *find_bytes(const char *h, size_t hn, const char *needle, size_t nn)
{
  const char *end, *p;

  if (nn == 0 || hn < nn)
    return nn == 0 ? h : NULL;
  end = h + (hn - nn);
  for (p = h; p <= end; p++) {
    p = memchr(p, needle[0], (size_t)(end - p) + 1);
    if (p == NULL)
      return NULL;
    if (memcmp(p, needle, nn) == 0)
      return p;
  }
  return NULL;
}

/* Starts with "ISA", after white space and a UTF-8 byte-order mark. */
static int looks_x12(const char *p, size_t n)
{
  if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
    p += 3;
    n -= 3;
  }
  while (n && is_ws(*p)) {
    p++;
    n--;
  }
  return n >= 3 && memcmp(p, "ISA", 3) == 0;
}

/* ---- growable output, wiped on every move ---------------------------- */

typedef struct sb {
  const x12kit_mem *mem;
  char *p;
  size_t len, cap;
  int failed;
} sb;

static void sb_free(sb *b)
{
  if (b->p) {
    OPENSSL_cleanse(b->p, b->cap);
    x12kitp_free(b->mem, b->p);
  }
  b->p = NULL;
  b->len = b->cap = 0;
}

static int sb_reserve(sb *b, size_t more)
{
  size_t cap;
  char *q;

  if (b->failed)
    return -1;
  if (more < b->cap - b->len)
    return 0;
  if (more > SIZE_MAX / 2 - b->len) {
    b->failed = 1;
    return -1;
  }
  cap = b->cap ? b->cap : 256;
  while (cap - b->len <= more)
    cap *= 2;
  /* never realloc: the old block may hold a password, so it is wiped */
  q = x12kitp_malloc(b->mem, cap);
  if (q == NULL) {
    b->failed = 1;
    return -1;
  }
  if (b->len)
    memcpy(q, b->p, b->len);
  if (b->p) {
    OPENSSL_cleanse(b->p, b->cap);
    x12kitp_free(b->mem, b->p);
  }
  b->p = q;
  b->cap = cap;
  b->p[b->len] = '\0';
  return 0;
}

static void sb_put(sb *b, const char *s, size_t n)
{
  if (sb_reserve(b, n) != 0)
    return;
  if (n)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_puts(sb *b, const char *s)
{
  sb_put(b, s, strlen(s));
}

/* XML character data: & < > escaped, CR as a reference so it survives
   the parser's line-end normalization. */
static void sb_xml(sb *b, const char *s, size_t n)
{
  size_t i, from = 0;

  for (i = 0; i < n; i++) {
    const char *rep;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '\r': rep = "&#13;"; break;
    default: continue;
    }
    sb_put(b, s + from, i - from);
    sb_puts(b, rep);
    from = i + 1;
  }
  sb_put(b, s + from, n - from);
}

static const char b64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void sb_base64(sb *b, const unsigned char *s, size_t n)
{
  size_t i;
  char q[4];

  for (i = 0; i + 3 <= n; i += 3) {
    unsigned long v = ((unsigned long)s[i] << 16) | ((unsigned long)s[i + 1] << 8) | s[i + 2];
    q[0] = b64_alphabet[(v >> 18) & 63];
    q[1] = b64_alphabet[(v >> 12) & 63];
    q[2] = b64_alphabet[(v >> 6) & 63];
    q[3] = b64_alphabet[v & 63];
    sb_put(b, q, 4);
  }
  if (i < n) {
    unsigned long v = (unsigned long)s[i] << 16;
    if (i + 1 < n)
      v |= (unsigned long)s[i + 1] << 8;
    q[0] = b64_alphabet[(v >> 18) & 63];
    q[1] = b64_alphabet[(v >> 12) & 63];
    q[2] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
    q[3] = '=';
    sb_put(b, q, 4);
  }
}

static int b64_value(unsigned char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/*
 * Decodes base64 text (white space ignored, padding optional) into
 * |out| (NULL: only check), returning the decoded length or -1 when the
 * text is not base64.  |out| needs n / 4 * 3 + 3 bytes.
 */
static long b64_decode(const char *s, size_t n, unsigned char *out)
{
  unsigned long acc = 0;
  size_t i, bits = 0, o = 0, pad = 0, chars = 0;

  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int v;

    if (is_ws((char)c))
      continue;
    if (c == '=') {
      pad++;
      continue;
    }
    if (pad)
      return -1;                    /* data after padding */
    v = b64_value(c);
    if (v < 0)
      return -1;
    chars++;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out)
        out[o] = (unsigned char)(acc >> bits);
      o++;
      acc &= (1ul << bits) - 1;
    }
  }
  if (chars % 4 == 1 || pad > 2 || (pad && (chars + pad) % 4 != 0))
    return -1;
  if (o > (size_t)LONG_MAX)
    return -1;
  return (long)o;
}

/* ---- identifiers, time, checksum ------------------------------------- */

int x12kit_core_new_payload_id(char *buf, size_t size)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char r[16];
  size_t i, o = 0;

  if (buf == NULL || size < X12KIT_CORE_UUID_SIZE)
    return X12KIT_ERR_ARG;
  if (RAND_bytes(r, (int)sizeof r) != 1)
    return X12KIT_ERR_IO;
  r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);   /* version 4 */
  r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      buf[o++] = '-';
    buf[o++] = hex[r[i] >> 4];
    buf[o++] = hex[r[i] & 15];
  }
  buf[o] = '\0';
  OPENSSL_cleanse(r, sizeof r);
  return X12KIT_OK;
}

int x12kit_core_timestamp(char *buf, size_t size, time_t t)
{
  struct tm tm;

  if (buf == NULL || size < X12KIT_CORE_TIMESTAMP_SIZE || gmtime_r(&t, &tm) == NULL ||
      tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
    return X12KIT_ERR_ARG;
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return X12KIT_OK;
}

int x12kit_core_checksum(const char *payload, size_t len, char *buf, size_t size)
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0, i;

  if (buf == NULL || size < X12KIT_CORE_CHECKSUM_SIZE || (payload == NULL && len))
    return X12KIT_ERR_ARG;
  if (EVP_Digest(payload ? payload : "", len, md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen != 20)
    return X12KIT_ERR_IO;
  for (i = 0; i < mdlen; i++) {
    buf[2 * i] = hex[md[i] >> 4];
    buf[2 * i + 1] = hex[md[i] & 15];
  }
  buf[2 * mdlen] = '\0';
  return X12KIT_OK;
}

/* ---- building -------------------------------------------------------- */

/* One envelope's field values, checked, with the computed ones filled. */
typedef struct resolved {
  const char *v[NFIELDS];
  size_t n[NFIELDS];
  char length_buf[24];
  char sum_buf[X12KIT_CORE_CHECKSUM_SIZE];
} resolved;

static int resolve(const x12kit_core_message *m, int soap, resolved *r, x12kit_error *err)
{
  const struct kind_info *ki;
  const char *elem;
  int f;

  memset(r, 0, sizeof *r);
  if (!kind_ok(m->kind))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "unknown CORE envelope kind %d", (int)m->kind);
  ki = &kinds[m->kind];
  elem = ki->element;

  /* the payload first: the computed fields depend on it */
  if (m->payload != NULL) {
    r->v[F_PAYLOAD] = m->payload;
    r->n[F_PAYLOAD] = m->payload_len ? m->payload_len : strlen(m->payload);
  }
  for (f = 0; f < NSCHEMA; f++) {
    char use = ki->usage[f];
    const char *v = f == F_PAYLOAD ? r->v[F_PAYLOAD] : field_get(m, f);

    if (v == NULL && use != '-') {
      if (f == F_PROCESSING_MODE)
        v = ki->batch ? X12KIT_CORE_MODE_BATCH : X12KIT_CORE_MODE_REALTIME;
      else if (f == F_RULE_VERSION)
        v = X12KIT_CORE_RULE_VERSION;
      else if (f == F_PAYLOAD_LENGTH && r->v[F_PAYLOAD] != NULL) {
        snprintf(r->length_buf, sizeof r->length_buf, "%zu", r->n[F_PAYLOAD]);
        v = r->length_buf;
      } else if (f == F_CHECKSUM && r->v[F_PAYLOAD] != NULL) {
        if (x12kit_core_checksum(r->v[F_PAYLOAD], r->n[F_PAYLOAD], r->sum_buf,
                                 sizeof r->sum_buf) != X12KIT_OK)
          return x12kitp_fail(err, X12KIT_ERR_IO, "SHA-1 of the payload failed");
        v = r->sum_buf;
      }
    }
    if (v == NULL) {
      if (use == 'R')
        return x12kitp_fail(err, X12KIT_ERR_ARG, "%s is required in %s", field_name[f], elem);
      continue;
    }
    if (use == '-')
      return x12kitp_fail(err, X12KIT_ERR_ARG, "%s has no place in %s", field_name[f], elem);
    r->v[f] = v;
    if (f == F_PAYLOAD) {
      /* batch SOAP payloads travel as base64, MIME ones as bytes */
      if (soap && !ki->batch && !text_ok(v, r->n[f], TEXT_XML))
        return x12kitp_fail(err, X12KIT_ERR_DATA,
                            "the payload holds bytes XML 1.0 cannot carry (control characters or "
                            "invalid UTF-8); send it in the MIME envelope");
      continue;
    }
    r->n[f] = strlen(v);
    if (!text_ok(v, r->n[f], TEXT_LINE))
      return x12kitp_fail(err, X12KIT_ERR_DATA, "%s is not UTF-8 text without control characters",
                          field_name[f]);
  }
  if ((m->username == NULL) != (m->password == NULL))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "a user name and a password go together");
  if (m->username != NULL) {
    if (!x12kit_core_kind_is_request(m->kind))
      return x12kitp_fail(err, X12KIT_ERR_ARG, "credentials have no place in %s", elem);
    for (f = F_USERNAME; f <= F_PASSWORD; f++) {
      r->v[f] = field_get(m, f);
      r->n[f] = strlen(r->v[f]);
      if (!text_ok(r->v[f], r->n[f], TEXT_LINE))
        return x12kitp_fail(err, X12KIT_ERR_DATA, "%s is not UTF-8 text without control characters",
                            field_name[f]);
    }
  }
  return X12KIT_OK;
}

static int finish_output(sb *b, x12kit_core_output *out, const x12kit_mem *m, x12kit_error *err)
{
  if (b->failed) {
    sb_free(b);
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory while building the envelope");
  }
  out->data = b->p;
  out->len = b->len;
  out->mem_ = *m;
  return X12KIT_OK;
}

static int is_ncname(const char *s)
{
  size_t i;

  if (s == NULL || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
    return 0;
  for (i = 1; s[i]; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
          (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
      return 0;
  return i <= 64;
}

static int build_fault(const x12kit_core_message *m, sb *b, x12kit_error *err)
{
  static const char *const codes[] = { "VersionMismatch", "MustUnderstand",
                                       "DataEncodingUnknown", "Sender", "Receiver" };
  size_t i;

  for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (m->fault_code && strcmp(m->fault_code, codes[i]) == 0)
      break;
  if (i == sizeof codes / sizeof codes[0])
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "a SOAP fault code is VersionMismatch, MustUnderstand, "
                        "DataEncodingUnknown, Sender or Receiver");
  if (m->fault_subcode != NULL && !is_ncname(m->fault_subcode))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "a SOAP fault subcode is a name of up to 64 letters, "
                        "digits, '_', '-' and '.'");
  if (m->fault_reason == NULL || !text_ok(m->fault_reason, strlen(m->fault_reason), TEXT_LINE))
    return x12kitp_fail(err, m->fault_reason ? X12KIT_ERR_DATA : X12KIT_ERR_ARG,
                        "a SOAP fault needs a reason of UTF-8 text without control characters");
  sb_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<soap:Envelope xmlns:soap=\"" X12KIT_CORE_NS_SOAP12 "\">\n"
             "  <soap:Body>\n"
             "    <soap:Fault>\n"
             "      <soap:Code>\n"
             "        <soap:Value>soap:");
  sb_puts(b, m->fault_code);
  sb_puts(b, "</soap:Value>\n");
  if (m->fault_subcode) {
    sb_puts(b, "        <soap:Subcode>\n"
               "          <soap:Value xmlns:cor=\"" X12KIT_CORE_NS_CORE "\">cor:");
    sb_puts(b, m->fault_subcode);
    sb_puts(b, "</soap:Value>\n"
               "        </soap:Subcode>\n");
  }
  sb_puts(b, "      </soap:Code>\n"
             "      <soap:Reason>\n"
             "        <soap:Text xml:lang=\"en\">");
  sb_xml(b, m->fault_reason, strlen(m->fault_reason));
  sb_puts(b, "</soap:Text>\n"
             "      </soap:Reason>\n"
             "    </soap:Fault>\n"
             "  </soap:Body>\n"
             "</soap:Envelope>\n");
  return X12KIT_OK;
}

int x12kit_core_build_soap(const x12kit_core_message *m, const x12kit_mem *mem,
                           x12kit_core_output *out, x12kit_error *err)
{
  x12kit_mem hooks;
  resolved r;
  sb b;
  int rc, f;

  if (err)
    memset(err, 0, sizeof *err);
  if (out == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no output given");
  memset(out, 0, sizeof *out);
  if (m == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no message given");
  x12kitp_mem_init(&hooks, mem);
  memset(&b, 0, sizeof b);
  b.mem = &hooks;

  if (m->kind == X12KIT_CORE_SOAP_FAULT) {
    rc = build_fault(m, &b, err);
    if (rc != X12KIT_OK) {
      sb_free(&b);
      return rc;
    }
    snprintf(out->content_type, sizeof out->content_type,
             "application/soap+xml; charset=utf-8");
    return finish_output(&b, out, &hooks, err);
  }

  rc = resolve(m, 1, &r, err);
  if (rc != X12KIT_OK)
    return rc;
  sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<soap:Envelope xmlns:soap=\"" X12KIT_CORE_NS_SOAP12 "\">\n");
  if (r.v[F_USERNAME]) {
    sb_puts(&b, "  <soap:Header>\n"
                "    <wsse:Security soap:mustUnderstand=\"true\""
                " xmlns:wsse=\"" X12KIT_CORE_NS_WSSE "\""
                " xmlns:wsu=\"" X12KIT_CORE_NS_WSU "\">\n"
                "      <wsse:UsernameToken wsu:Id=\"UsernameToken-1\">\n"
                "        <wsse:Username>");
    sb_xml(&b, r.v[F_USERNAME], r.n[F_USERNAME]);
    sb_puts(&b, "</wsse:Username>\n"
                "        <wsse:Password Type=\"" X12KIT_CORE_PASSWORD_TEXT "\">");
    sb_xml(&b, r.v[F_PASSWORD], r.n[F_PASSWORD]);
    sb_puts(&b, "</wsse:Password>\n"
                "      </wsse:UsernameToken>\n"
                "    </wsse:Security>\n"
                "  </soap:Header>\n");
  }
  sb_puts(&b, "  <soap:Body>\n    <cor:");
  sb_puts(&b, kinds[m->kind].element);
  sb_puts(&b, " xmlns:cor=\"" X12KIT_CORE_NS_CORE "\">\n");
  for (f = 0; f < NSCHEMA; f++) {
    if (r.v[f] == NULL)
      continue;
    sb_puts(&b, "      <");
    sb_puts(&b, field_name[f]);
    sb_puts(&b, ">");
    if (f == F_PAYLOAD && kinds[m->kind].batch)
      sb_base64(&b, (const unsigned char *)r.v[f], r.n[f]);
    else
      sb_xml(&b, r.v[f], r.n[f]);
    sb_puts(&b, "</");
    sb_puts(&b, field_name[f]);
    sb_puts(&b, ">\n");
  }
  sb_puts(&b, "    </cor:");
  sb_puts(&b, kinds[m->kind].element);
  sb_puts(&b, ">\n  </soap:Body>\n</soap:Envelope>\n");
  if (kinds[m->kind].action)
    snprintf(out->content_type, sizeof out->content_type,
             "application/soap+xml; charset=utf-8; action=\"%s\"", kinds[m->kind].action);
  else
    snprintf(out->content_type, sizeof out->content_type,
             "application/soap+xml; charset=utf-8");
  return finish_output(&b, out, &hooks, err);
}

/* RFC 2046 bchars, without the space (allowed only inside). */
static int is_bchar(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("'()+_,-./:=?", c) != NULL);
}

static int boundary_ok(const char *s, size_t n)
{
  size_t i;

  if (n == 0 || n > MAX_BOUNDARY || s[n - 1] == ' ')
    return 0;
  for (i = 0; i < n; i++)
    if (!is_bchar(s[i]) && s[i] != ' ')
      return 0;
  return 1;
}

/* The MIME part order: the rule's fields with the credentials after TimeStamp. */
static const int mime_order[] = {
  F_PAYLOAD_TYPE, F_PROCESSING_MODE, F_PAYLOAD_ID, F_PAYLOAD_LENGTH, F_TIMESTAMP,
  F_USERNAME, F_PASSWORD, F_SENDER_ID, F_RECEIVER_ID, F_RULE_VERSION, F_CHECKSUM,
  F_PAYLOAD, F_ERROR_CODE, F_ERROR_MESSAGE
};

static int boundary_in_fields(const resolved *r, const char *bnd, size_t blen)
{
  size_t i;

  for (i = 0; i < sizeof mime_order / sizeof mime_order[0]; i++) {
    int f = mime_order[i];
    if (r->v[f] && find_bytes(r->v[f], r->n[f], bnd, blen) != NULL)
      return 1;
  }
  return 0;
}

int x12kit_core_build_mime(const x12kit_core_message *m, const char *boundary,
                           const x12kit_mem *mem, x12kit_core_output *out, x12kit_error *err)
{
  static const char hex[] = "0123456789abcdef";
  char gen[48];
  const char *bnd;
  size_t blen, i;
  x12kit_mem hooks;
  resolved r;
  sb b;
  int rc, quote = 0;

  if (err)
    memset(err, 0, sizeof *err);
  if (out == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no output given");
  memset(out, 0, sizeof *out);
  if (m == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no message given");
  if (m->kind == X12KIT_CORE_SOAP_FAULT)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "a SOAP fault has no MIME form");
  rc = resolve(m, 0, &r, err);
  if (rc != X12KIT_OK)
    return rc;

  if (boundary != NULL) {
    bnd = boundary;
    blen = strlen(boundary);
    if (!boundary_ok(bnd, blen))
      return x12kitp_fail(err, X12KIT_ERR_ARG,
                          "a MIME boundary is 1-70 characters of letters, digits, "
                          "space and '()+_,-./:=? and does not end in a space");
    if (boundary_in_fields(&r, bnd, blen))
      return x12kitp_fail(err, X12KIT_ERR_DATA, "the boundary occurs in a field");
  } else {
    int tries;
    for (tries = 0;; tries++) {
      unsigned char rnd[16];
      size_t o;
      if (tries == 8)
        return x12kitp_fail(err, X12KIT_ERR_IO, "no boundary found that the fields do not contain");
      if (RAND_bytes(rnd, (int)sizeof rnd) != 1)
        return x12kitp_fail(err, X12KIT_ERR_IO, "the random generator failed");
      memcpy(gen, "x12kit-", 7);
      o = 7;
      for (i = 0; i < sizeof rnd; i++) {
        gen[o++] = hex[rnd[i] >> 4];
        gen[o++] = hex[rnd[i] & 15];
      }
      gen[o] = '\0';
      if (!boundary_in_fields(&r, gen, o))
        break;
    }
    bnd = gen;
    blen = strlen(gen);
  }
  for (i = 0; i < blen; i++)
    if (strchr("()<>@,;:\\\"/[]?= ", bnd[i]) != NULL)
      quote = 1;

  x12kitp_mem_init(&hooks, mem);
  memset(&b, 0, sizeof b);
  b.mem = &hooks;
  for (i = 0; i < sizeof mime_order / sizeof mime_order[0]; i++) {
    int f = mime_order[i];
    if (r.v[f] == NULL)
      continue;
    sb_puts(&b, "--");
    sb_put(&b, bnd, blen);
    sb_puts(&b, "\r\nContent-Disposition: form-data; name=\"");
    sb_puts(&b, field_name[f]);
    sb_puts(&b, "\"\r\n\r\n");
    sb_put(&b, r.v[f], r.n[f]);
    sb_puts(&b, "\r\n");
  }
  sb_puts(&b, "--");
  sb_put(&b, bnd, blen);
  sb_puts(&b, "--\r\n");
  snprintf(out->content_type, sizeof out->content_type, "multipart/form-data; boundary=%s%.*s%s",
           quote ? "\"" : "", (int)blen, bnd, quote ? "\"" : "");
  return finish_output(&b, out, &hooks, err);
}

static int response_fill(x12kit_core_message *resp, const x12kit_core_message *req,
                         const char *timestamp)
{
  x12kit_core_kind k;

  if (resp == NULL || req == NULL || !x12kit_core_kind_is_request(req->kind))
    return X12KIT_ERR_ARG;
  k = kinds[req->kind].answer;
  x12kit_core_message_init(resp, k);
  resp->processing_mode = kinds[k].batch ? X12KIT_CORE_MODE_BATCH : X12KIT_CORE_MODE_REALTIME;
  resp->payload_id = req->payload_id;
  resp->timestamp = timestamp;
  resp->sender_id = req->receiver_id;
  resp->receiver_id = req->sender_id;
  resp->core_rule_version = X12KIT_CORE_RULE_VERSION;
  resp->error_code = x12kit_core_code_name(X12KIT_CORE_SUCCESS);
  resp->error_message = x12kit_core_code_message(X12KIT_CORE_SUCCESS);
  return X12KIT_OK;
}

int x12kit_core_response_init(x12kit_core_message *resp, const x12kit_core_message *req,
                              const char *timestamp)
{
  return response_fill(resp, req, timestamp);
}

int x12kit_core_error_response_init(x12kit_core_message *resp, const x12kit_core_message *req,
                                    x12kit_core_code code, const char *timestamp)
{
  int rc;

  if (x12kit_core_code_name(code)[0] == '\0')
    return X12KIT_ERR_ARG;
  rc = response_fill(resp, req, timestamp);
  if (rc != X12KIT_OK || code == X12KIT_CORE_SUCCESS)
    return rc;
  resp->payload_type = X12KIT_CORE_PT_ENVELOPE_ERROR;
  resp->error_code = x12kit_core_code_name(code);
  resp->error_message = x12kit_core_code_message(code);
  if (resp->payload_id == NULL)
    resp->payload_id = "";
  if (resp->sender_id == NULL)
    resp->sender_id = "";
  if (resp->receiver_id == NULL)
    resp->receiver_id = "";
  return X12KIT_OK;
}

/* ---- reading: shared state ------------------------------------------- */

/* One field as found: bytes in the input or in |own| (our hooks). */
typedef struct fieldval {
  const char *p;
  size_t n;
  char *own;
  size_t own_cap;
  int present;
  int b64;                          /* base64 text, decoded when stored */
} fieldval;

/* A part of a multipart body. */
typedef struct mpart {
  const char *head;
  size_t head_len;
  const char *body;
  size_t body_len;
} mpart;

typedef struct pctx {
  x12kit_mem mem;
  unsigned flags;
  unsigned quirks;
  x12kit_error *err;
  int status;
  x12kit_core_kind kind;
  fieldval f[NFIELDS];
  int bare_lf;                      /* multipart lines end in LF */
  /* MTOM: the parts an xop:Include may name */
  const mpart *parts;
  size_t nparts;
  int mtom;
} pctx;

static int pfail(pctx *c, int code, const char *fmt, ...) X12KITP_PRINTF(3, 4);

static int pfail(pctx *c, int code, const char *fmt, ...)
{
  va_list ap;

  if (c->status)
    return c->status;
  c->status = code;
  if (c->err) {
    va_start(ap, fmt);
    x12kitp_error_vset(c->err, code, X12KIT_ACK_NONE, NULL, fmt, ap);
    va_end(ap);
  }
  return code;
}

static const char *quirk_text(unsigned bit)
{
  switch (bit) {
  case X12KIT_CORE_QUIRK_QUALIFIED_FIELDS: return "fields in a namespace (they are unqualified)";
  case X12KIT_CORE_QUIRK_FIELD_ORDER: return "fields out of the schema's order";
  case X12KIT_CORE_QUIRK_WRAPPED: return "an envelope element inside another element";
  case X12KIT_CORE_QUIRK_NAMESPACE: return "an envelope element outside the CORE 2.2.0 namespace";
  case X12KIT_CORE_QUIRK_UNKNOWN_FIELD: return "a field this envelope does not have";
  case X12KIT_CORE_QUIRK_FIELD_CASE: return "a field name in another letter case";
  case X12KIT_CORE_QUIRK_MTOM: return "a real-time envelope sent as MTOM";
  case X12KIT_CORE_QUIRK_BARE_LF: return "multipart lines ending in LF without CR";
  case X12KIT_CORE_QUIRK_RAW_BATCH_PAYLOAD: return "a batch payload that is not base64";
  case X12KIT_CORE_QUIRK_HEADER_IGNORED: return "a mustUnderstand header block it does not know";
  case X12KIT_CORE_QUIRK_PI: return "an XML processing instruction";
  case X12KIT_CORE_QUIRK_PASSWORD_TYPE: return "a password that is not PasswordText";
  case X12KIT_CORE_QUIRK_SOAP_LAYOUT: return "content around the SOAP Header and Body";
  default: return "a variant";
  }
}

/* Notes a quirk; fails in strict mode. */
static int quirk(pctx *c, unsigned bit)
{
  c->quirks |= bit;
  if (c->flags & X12KIT_CORE_PARSE_STRICT)
    return pfail(c, X12KIT_ERR_ENVELOPE, "strict parsing refuses %s", quirk_text(bit));
  return c->status;
}

static void fv_release(pctx *c, fieldval *v)
{
  if (v->own) {
    OPENSSL_cleanse(v->own, v->own_cap);
    x12kitp_free(&c->mem, v->own);
  }
  memset(v, 0, sizeof *v);
}

static void ctx_release(pctx *c)
{
  int f;

  for (f = 0; f < NFIELDS; f++)
    fv_release(c, &c->f[f]);
}

/* Sets a field to bytes of the input (or copied by the caller). */
static int fv_set(pctx *c, int f, const char *p, size_t n)
{
  if (c->f[f].present)
    return pfail(c, X12KIT_ERR_ENVELOPE, "%s appears twice", field_name[f]);
  c->f[f].present = 1;
  c->f[f].p = p;
  c->f[f].n = n;
  return X12KIT_OK;
}

/* Sets a field to a block of ours (taken over). */
static int fv_own(pctx *c, int f, sb *b)
{
  if (c->f[f].present) {
    sb_free(b);
    return pfail(c, X12KIT_ERR_ENVELOPE, "%s appears twice", field_name[f]);
  }
  c->f[f].present = 1;
  c->f[f].own = b->p;
  c->f[f].own_cap = b->cap;
  c->f[f].p = b->p ? b->p : "";
  c->f[f].n = b->len;
  b->p = NULL;
  b->len = b->cap = 0;
  return X12KIT_OK;
}

/* The batch payload: base64, or (leniently) X12 text as sent. */
static int payload_encoding(pctx *c)
{
  fieldval *v = &c->f[F_PAYLOAD];

  if (!v->present || v->b64 < 0 || !kind_ok(c->kind) || !kinds[c->kind].batch)
    return c->status;
  if (b64_decode(v->p, v->n, NULL) >= 0) {
    v->b64 = 1;
    return c->status;
  }
  if (looks_x12(v->p, v->n))
    return quirk(c, X12KIT_CORE_QUIRK_RAW_BATCH_PAYLOAD);
  return pfail(c, X12KIT_ERR_ENVELOPE, "the batch Payload is not base64");
}

/* Copies every field into one block owned by |m|. */
static int store(pctx *c, x12kit_core_message *m)
{
  size_t total = 0, at = 0, need;
  char *block;
  int f;

  for (f = 0; f < NFIELDS; f++) {
    fieldval *v = &c->f[f];
    if (!v->present)
      continue;
    if (f != F_PAYLOAD && !text_ok(v->p, v->n, TEXT_XML))
      return pfail(c, X12KIT_ERR_ENVELOPE,
                   "the %s field is not UTF-8 text (or holds control characters)", field_name[f]);
    need = v->b64 == 1 ? v->n / 4 * 3 + 3 : v->n;
    if (need >= SIZE_MAX - total - 1)
      return pfail(c, X12KIT_ERR_TOO_LONG, "the message is too large");
    total += need + 1;
  }
  block = x12kitp_malloc(&c->mem, total ? total : 1);
  if (block == NULL)
    return pfail(c, X12KIT_ERR_NOMEM, "out of memory while storing the message");
  memset(m, 0, sizeof *m);
  for (f = 0; f < NFIELDS; f++) {
    fieldval *v = &c->f[f];
    size_t n = v->n;
    if (!v->present)
      continue;
    if (v->b64 == 1)
      n = (size_t)b64_decode(v->p, v->n, (unsigned char *)block + at);
    else if (n)
      memcpy(block + at, v->p, n);
    block[at + n] = '\0';
    field_set(m, f, block + at);
    if (f == F_PAYLOAD)
      m->payload_len = n;
    at += n + 1;
  }
  m->kind = c->kind;
  m->quirks = c->quirks;
  m->mem_ = c->mem;
  m->storage_ = block;
  m->storage_size_ = total ? total : 1;
  return X12KIT_OK;
}

static void ctx_init(pctx *c, const x12kit_core_parse_options *opt, x12kit_error *err)
{
  memset(c, 0, sizeof *c);
  x12kitp_mem_init(&c->mem, opt ? opt->mem : NULL);
  c->flags = opt ? opt->flags : 0;
  c->err = err;
  if (err)
    memset(err, 0, sizeof *err);
}

static size_t max_size(const x12kit_core_parse_options *opt)
{
  return opt && opt->max_size ? opt->max_size : X12KIT_CORE_MAX_SIZE_DEFAULT;
}

/* Ends a parse: the message on success, nothing (and no leak) on failure. */
static int parse_end(pctx *c, x12kit_core_message *m)
{
  if (!c->status)
    store(c, m);
  ctx_release(c);
  if (c->status)
    memset(m, 0, sizeof *m);
  return c->status;
}

/* ---- reading SOAP ---------------------------------------------------- */

typedef struct xml_guard {
  int doctype;
  int pi;
} xml_guard;

/* SAX hooks: a DOCTYPE stops the parser before its subset is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
  xmlParserCtxtPtr p = ctx;
  xml_guard *g = p->_private;

  (void)name;
  (void)ext;
  (void)sys;
  if (g)
    g->doctype = 1;
  xmlStopParser(p);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
  xmlParserCtxtPtr p = ctx;
  xml_guard *g = p->_private;

  (void)name;
  (void)type;
  (void)pub;
  (void)sys;
  (void)content;
  if (g)
    g->doctype = 1;
  xmlStopParser(p);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
  xmlParserCtxtPtr p = ctx;
  xml_guard *g = p->_private;

  (void)target;
  (void)data;
  if (g)
    g->pi = 1;
}

static int ns_is(xmlNodePtr n, const char *uri)
{
  return n->ns && n->ns->href && strcmp((const char *)n->ns->href, uri) == 0;
}

static int is_el(xmlNodePtr n, const char *uri, const char *local)
{
  return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0 &&
         (uri == NULL ? n->ns == NULL : ns_is(n, uri));
}

/* A namespace that CORE uses (2.2.0, 4.0.0, the WSDL's). */
static int ns_core_any(xmlNodePtr n)
{
  return n->ns && n->ns->href &&
         strncmp((const char *)n->ns->href, NS_CORE_ANY, sizeof NS_CORE_ANY - 1) == 0;
}

static int only_ws(const xmlChar *s)
{
  if (s == NULL)
    return 1;
  for (; *s; s++)
    if (!is_ws((char)*s))
      return 0;
  return 1;
}

/*
 * The text of an element that must hold only text: text and CDATA
 * children joined, comments skipped.  |cdata_trim|: when a CDATA
 * section is there, text children that are only white space are left
 * out (the pretty-printing around it).  Markup inside is refused.
 */
static int element_text(pctx *c, xmlNodePtr el, const char *what, int cdata_trim, sb *out)
{
  xmlNodePtr k;
  int has_cdata = 0;

  for (k = el->children; k; k = k->next) {
    if (k->type == XML_CDATA_SECTION_NODE)
      has_cdata = 1;
    else if (k->type == XML_ELEMENT_NODE || k->type == XML_ENTITY_REF_NODE)
      return pfail(c, X12KIT_ERR_ENVELOPE, "%s holds markup, not text", what);
  }
  for (k = el->children; k; k = k->next) {
    if (k->type != XML_TEXT_NODE && k->type != XML_CDATA_SECTION_NODE)
      continue;
    if (k->type == XML_TEXT_NODE && has_cdata && cdata_trim && only_ws(k->content))
      continue;
    if (k->content)
      sb_puts(out, (const char *)k->content);
  }
  if (out->failed)
    return pfail(c, X12KIT_ERR_NOMEM, "out of memory while reading %s", what);
  return X12KIT_OK;
}

/* Element text, trimmed, stored as field |f|. */
static int take_text(pctx *c, xmlNodePtr el, int f, int trimmed)
{
  sb b;

  memset(&b, 0, sizeof b);
  b.mem = &c->mem;
  if (element_text(c, el, field_name[f], 0, &b) != X12KIT_OK) {
    sb_free(&b);
    return c->status;
  }
  if (trimmed && b.p) {
    const char *p = b.p;
    size_t n = b.len;
    trim(&p, &n);
    memmove(b.p, p, n);
    b.p[n] = '\0';
    b.len = n;
  }
  return fv_own(c, f, &b);
}

/* Overwrites the text under |el|, which held a credential. */
static void wipe_text(xmlNodePtr el)
{
  xmlNodePtr k;

  for (k = el->children; k; k = k->next)
    if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content)
      OPENSSL_cleanse(k->content, strlen((const char *)k->content));
}

static int soap_mu(xmlNodePtr n)
{
  xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"mustUnderstand",
                            (const xmlChar *)X12KIT_CORE_NS_SOAP12);
  int mu = v && (strcmp((const char *)v, "true") == 0 || strcmp((const char *)v, "1") == 0);

  xmlFree(v);
  return mu;
}

static int read_security(pctx *c, xmlNodePtr sec)
{
  xmlNodePtr tok, k;
  int seen = 0;

  for (tok = sec->children; tok && !c->status; tok = tok->next) {
    if (!is_el(tok, X12KIT_CORE_NS_WSSE, "UsernameToken"))
      continue;
    if (seen++)
      return pfail(c, X12KIT_ERR_ENVELOPE, "the WS-Security header holds two UsernameTokens");
    for (k = tok->children; k && !c->status; k = k->next) {
      if (is_el(k, X12KIT_CORE_NS_WSSE, "Username")) {
        take_text(c, k, F_USERNAME, 0);
        wipe_text(k);
      } else if (is_el(k, X12KIT_CORE_NS_WSSE, "Password")) {
        xmlChar *type = xmlGetProp(k, (const xmlChar *)"Type");
        int text = type == NULL || strcmp((const char *)type, X12KIT_CORE_PASSWORD_TEXT) == 0;
        xmlFree(type);
        if (text)
          take_text(c, k, F_PASSWORD, 0);
        else
          quirk(c, X12KIT_CORE_QUIRK_PASSWORD_TYPE);
        wipe_text(k);
      }
    }
  }
  return c->status;
}

static int read_header(pctx *c, xmlNodePtr hdr)
{
  xmlNodePtr k;
  int seen = 0;

  for (k = hdr->children; k && !c->status; k = k->next) {
    if (k->type != XML_ELEMENT_NODE)
      continue;
    if (is_el(k, X12KIT_CORE_NS_WSSE, "Security")) {
      if (seen++)
        return pfail(c, X12KIT_ERR_ENVELOPE, "the SOAP header holds two WS-Security blocks");
      read_security(c, k);
    } else if (soap_mu(k)) {
      quirk(c, X12KIT_CORE_QUIRK_HEADER_IGNORED);
    }
  }
  return c->status;
}

/* The local part of a QName held by |el| when its prefix names the SOAP
   1.2 namespace, else the whole text; stored as field |f|. */
static int take_qname(pctx *c, xmlNodePtr el, int f)
{
  sb b;
  char *colon;

  memset(&b, 0, sizeof b);
  b.mem = &c->mem;
  if (element_text(c, el, field_name[f], 0, &b) != X12KIT_OK) {
    sb_free(&b);
    return c->status;
  }
  if (b.p) {
    const char *p = b.p;
    size_t n = b.len;
    trim(&p, &n);
    memmove(b.p, p, n);
    b.p[n] = '\0';
    b.len = n;
    colon = strchr(b.p, ':');
    if (colon) {
      xmlNsPtr ns;
      *colon = '\0';
      ns = xmlSearchNs(el->doc, el, (const xmlChar *)b.p);
      *colon = ':';
      if (f == F_FAULT_SUBCODE ||
          (ns && ns->href && strcmp((const char *)ns->href, X12KIT_CORE_NS_SOAP12) == 0)) {
        size_t rest = b.len - (size_t)(colon + 1 - b.p);
        memmove(b.p, colon + 1, rest + 1);
        b.len = rest;
      }
    }
  }
  return fv_own(c, f, &b);
}

static int read_fault(pctx *c, xmlNodePtr fault)
{
  xmlNodePtr k, v;

  c->kind = X12KIT_CORE_SOAP_FAULT;
  for (k = fault->children; k && !c->status; k = k->next) {
    if (is_el(k, X12KIT_CORE_NS_SOAP12, "Code")) {
      for (v = k->children; v && !c->status; v = v->next) {
        if (is_el(v, X12KIT_CORE_NS_SOAP12, "Value") && !c->f[F_FAULT_CODE].present) {
          take_qname(c, v, F_FAULT_CODE);
        } else if (is_el(v, X12KIT_CORE_NS_SOAP12, "Subcode")) {
          xmlNodePtr s;
          for (s = v->children; s && !c->status; s = s->next)
            if (is_el(s, X12KIT_CORE_NS_SOAP12, "Value") && !c->f[F_FAULT_SUBCODE].present)
              take_qname(c, s, F_FAULT_SUBCODE);
        }
      }
    } else if (is_el(k, X12KIT_CORE_NS_SOAP12, "Reason")) {
      for (v = k->children; v && !c->status; v = v->next)
        if (is_el(v, X12KIT_CORE_NS_SOAP12, "Text") && !c->f[F_FAULT_REASON].present)
          take_text(c, v, F_FAULT_REASON, 1);
    }
  }
  if (!c->status && !c->f[F_FAULT_CODE].present)
    return pfail(c, X12KIT_ERR_ENVELOPE, "a SOAP fault without a code");
  if (!c->status && !c->f[F_FAULT_REASON].present)
    fv_set(c, F_FAULT_REASON, "", 0);
  return c->status;
}

static int envelope_kind(xmlNodePtr n)
{
  int k;

  if (n->type != XML_ELEMENT_NODE || (n->ns != NULL && !ns_core_any(n)))
    return -1;
  for (k = 0; k < NKINDS; k++)
    if (strcmp((const char *)n->name, kinds[k].element) == 0)
      return k;
  return -1;
}

/* The CORE envelope element under |n|, at most |depth| levels down. */
static xmlNodePtr find_envelope(xmlNodePtr n, int depth)
{
  xmlNodePtr k, r;

  for (k = n->children; k; k = k->next)
    if (envelope_kind(k) >= 0)
      return k;
  if (depth == 0)
    return NULL;
  for (k = n->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && (r = find_envelope(k, depth - 1)) != NULL)
      return r;
  return NULL;
}

/* Index of a field name (schema fields and the MIME credentials):
   exact, else ignoring case with |*anycase| set; -1 when unknown. */
static int field_index(const char *name, size_t n, int *anycase)
{
  int f;

  *anycase = 0;
  for (f = 0; f <= F_PASSWORD; f++)
    if (strlen(field_name[f]) == n && memcmp(field_name[f], name, n) == 0)
      return f;
  for (f = 0; f <= F_PASSWORD; f++)
    if (ieqn(name, n, field_name[f])) {
      *anycase = 1;
      return f;
    }
  return -1;
}

/* Resolves an xop:Include in the Payload to the bytes of its part. */
static int read_xop(pctx *c, xmlNodePtr inc);

static int read_payload(pctx *c, xmlNodePtr el)
{
  xmlNodePtr k;
  sb b;

  for (k = el->children; k; k = k->next)
    if (is_el(k, X12KIT_CORE_NS_XOP, "Include"))
      return read_xop(c, k);
  memset(&b, 0, sizeof b);
  b.mem = &c->mem;
  if (element_text(c, el, "Payload", 1, &b) != X12KIT_OK) {
    sb_free(&b);
    return c->status;
  }
  return fv_own(c, F_PAYLOAD, &b);
}

static int read_core(pctx *c, xmlNodePtr env)
{
  xmlNodePtr k;
  int last = -1, f, anycase;

  c->kind = (x12kit_core_kind)envelope_kind(env);
  if (!ns_is(env, X12KIT_CORE_NS_CORE) && quirk(c, X12KIT_CORE_QUIRK_NAMESPACE))
    return c->status;
  for (k = env->children; k && !c->status; k = k->next) {
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
      if (!only_ws(k->content))
        quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
      continue;
    }
    if (k->type != XML_ELEMENT_NODE)
      continue;
    f = -1;
    if (k->ns == NULL || ns_core_any(k))
      f = field_index((const char *)k->name, strlen((const char *)k->name), &anycase);
    if (f < 0 || f >= NSCHEMA) {
      quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
      continue;
    }
    if (k->ns != NULL && quirk(c, X12KIT_CORE_QUIRK_QUALIFIED_FIELDS))
      break;
    if (anycase && quirk(c, X12KIT_CORE_QUIRK_FIELD_CASE))
      break;
    if (usage_of(c->kind, f) == '-' && quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD))
      break;
    if (c->f[f].present)
      return pfail(c, X12KIT_ERR_ENVELOPE, "%s appears twice", field_name[f]);
    if (f < last && quirk(c, X12KIT_CORE_QUIRK_FIELD_ORDER))
      break;
    if (f > last)
      last = f;
    if (f == F_PAYLOAD)
      read_payload(c, k);
    else
      take_text(c, k, f, 1);
  }
  if (!c->status)
    payload_encoding(c);
  return c->status;
}

static int read_envelope(pctx *c, xmlNodePtr root)
{
  xmlNodePtr k, header = NULL, body = NULL, env;

  if (root == NULL)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the document has no root element");
  if (strcmp((const char *)root->name, "Envelope") == 0 && ns_is(root, NS_SOAP11))
    return pfail(c, X12KIT_ERR_ENVELOPE, "a SOAP 1.1 envelope; CORE uses SOAP 1.2");
  if (!is_el(root, X12KIT_CORE_NS_SOAP12, "Envelope"))
    return pfail(c, X12KIT_ERR_ENVELOPE, "the root element is not a SOAP 1.2 Envelope");
  for (k = root->children; k && !c->status; k = k->next) {
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
      if (!only_ws(k->content))
        quirk(c, X12KIT_CORE_QUIRK_SOAP_LAYOUT);
    } else if (is_el(k, X12KIT_CORE_NS_SOAP12, "Header")) {
      if (header)
        return pfail(c, X12KIT_ERR_ENVELOPE, "the SOAP envelope has two Headers");
      if (body)
        quirk(c, X12KIT_CORE_QUIRK_SOAP_LAYOUT);
      header = k;
    } else if (is_el(k, X12KIT_CORE_NS_SOAP12, "Body")) {
      if (body)
        return pfail(c, X12KIT_ERR_ENVELOPE, "the SOAP envelope has two Bodies");
      body = k;
    } else if (k->type == XML_ELEMENT_NODE) {
      quirk(c, X12KIT_CORE_QUIRK_SOAP_LAYOUT);
    }
  }
  if (c->status)
    return c->status;
  if (body == NULL)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the SOAP envelope has no Body");
  if (header && read_header(c, header))
    return c->status;
  for (k = body->children; k; k = k->next)
    if (is_el(k, X12KIT_CORE_NS_SOAP12, "Fault"))
      return read_fault(c, k);
  env = find_envelope(body, 0);
  if (env == NULL) {
    env = find_envelope(body, MAX_WRAP_DEPTH);
    if (env && quirk(c, X12KIT_CORE_QUIRK_WRAPPED))
      return c->status;
  }
  if (env == NULL)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the SOAP Body holds no CORE envelope and no fault");
  return read_core(c, env);
}

/*
 * Does the XML declaration name an encoding other than UTF-8 (or its
 * subset US-ASCII)?  libxml2 is told the body is UTF-8 whatever it
 * says, so the declaration is checked here.
 */
static int foreign_encoding(const char *s, size_t n)
{
  size_t i = 0, end, vs;
  char q;

  if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  if (n - i < 6 || memcmp(s + i, "<?xml", 5) != 0 || !is_ws(s[i + 5]))
    return 0;
  for (end = i + 5; end + 1 < n && end < 512; end++)
    if (s[end] == '?' && s[end + 1] == '>')
      break;
  if (end + 1 >= n || end >= 512)
    return 0;                       /* libxml2 refuses an unterminated declaration */
  for (; i + 8 <= end; i++) {
    if (memcmp(s + i, "encoding", 8) != 0)
      continue;
    i += 8;
    while (i < end && is_ws(s[i]))
      i++;
    if (i == end || s[i] != '=')
      return 0;
    i++;
    while (i < end && is_ws(s[i]))
      i++;
    if (i == end || (s[i] != '"' && s[i] != '\''))
      return 0;
    q = s[i++];
    for (vs = i; i < end && s[i] != q; i++)
      ;
    return !(ieqn(s + vs, i - vs, "UTF-8") || ieqn(s + vs, i - vs, "UTF8") ||
             ieqn(s + vs, i - vs, "US-ASCII") || ieqn(s + vs, i - vs, "ASCII"));
  }
  return 0;
}

/* libxml2's own error output is turned off while we parse: a few of its
   reports (encoding errors among them) go to stderr past the parser
   context, and some quote input bytes. */
static void silent_generic(void *ctx, const char *msg, ...)
{
  (void)ctx;
  (void)msg;
}

static void silent_structured(void *ctx, xmlErrorPtr e)
{
  (void)ctx;
  (void)e;
}

static int parse_soap_bytes(pctx *c, const char *xml, size_t len, size_t cap)
{
  xmlParserCtxtPtr p;
  xmlDocPtr doc;
  xml_guard guard = { 0, 0 };
  xmlGenericErrorFunc old_generic;
  xmlStructuredErrorFunc old_structured;
  void *old_generic_ctx, *old_structured_ctx;
  size_t bad;

  if (xml == NULL && len)
    return pfail(c, X12KIT_ERR_ARG, "no SOAP body given");
  if (len > cap || len > INT_MAX)
    return pfail(c, X12KIT_ERR_TOO_LONG, "the SOAP body has %zu bytes, over the cap of %zu",
                 len, cap < (size_t)INT_MAX ? cap : (size_t)INT_MAX);
  if (len == 0)
    return pfail(c, X12KIT_ERR_SYNTAX, "the SOAP body is empty");
  bad = utf8_prefix(xml, len);
  if (bad < len)
    return pfail(c, X12KIT_ERR_SYNTAX, "the SOAP body is not UTF-8 (byte %zu)", bad + 1);
  if (foreign_encoding(xml, len))
    return pfail(c, X12KIT_ERR_SYNTAX, "the SOAP body declares an encoding other than UTF-8");

  xmlInitParser();
  p = xmlNewParserCtxt();
  if (p == NULL)
    return pfail(c, X12KIT_ERR_NOMEM, "out of memory while starting the XML parser");
  p->_private = &guard;
  p->sax->internalSubset = on_doctype;
  p->sax->externalSubset = on_doctype;
  p->sax->entityDecl = on_entity_decl;
  p->sax->processingInstruction = on_pi;
  /* No NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE: entities stay
     unexpanded, nothing is fetched, the parser's limits hold.  The
     body is UTF-8 (checked above): no encoding is guessed or switched. */
  old_generic = xmlGenericError;
  old_generic_ctx = xmlGenericErrorContext;
  old_structured = xmlStructuredError;
  old_structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(NULL, silent_generic);
  xmlSetStructuredErrorFunc(NULL, silent_structured);
  doc = xmlCtxtReadMemory(p, xml, (int)len, NULL, "UTF-8",
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                          XML_PARSE_IGNORE_ENC);
  xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
  xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
  /* only the DOCTYPE hooks stop the parser */
  if (guard.doctype || p->errNo == XML_ERR_USER_STOP) {
    pfail(c, X12KIT_ERR_SYNTAX, "the SOAP body has a DOCTYPE, which is refused");
  } else if (doc == NULL || !p->wellFormed) {
    pfail(c, X12KIT_ERR_SYNTAX, "the SOAP body is not well-formed XML (line %d, column %d, "
          "libxml2 error %d)", p->lastError.line, p->lastError.int2, p->lastError.code);
  } else if (!guard.pi || !quirk(c, X12KIT_CORE_QUIRK_PI)) {
    read_envelope(c, xmlDocGetRootElement(doc));
  }
  if (doc)
    xmlFreeDoc(doc);
  xmlFreeParserCtxt(p);
  return c->status;
}

int x12kit_core_parse_soap(const char *xml, size_t len, const x12kit_core_parse_options *opt,
                           x12kit_core_message *m, x12kit_error *err)
{
  pctx c;

  ctx_init(&c, opt, err);
  if (m == NULL)
    return pfail(&c, X12KIT_ERR_ARG, "no message given");
  memset(m, 0, sizeof *m);
  parse_soap_bytes(&c, xml, len, max_size(opt));
  return parse_end(&c, m);
}

/* ---- reading multipart ------------------------------------------------ */

/*
 * Reads parameter |name| of a header value such as
 * "multipart/form-data; boundary=\"abc\"" into |out|.  Returns 1 when
 * found, 0 when absent, -1 when the value is malformed or too long.
 */
static int header_param(const char *v, size_t vn, const char *name, char *out, size_t size)
{
  size_t i = 0;

  while (i < vn && v[i] != ';')
    i++;
  while (i < vn) {
    size_t ns, ne, o = 0;
    int match;

    i++;                                        /* ';' */
    while (i < vn && (v[i] == ' ' || v[i] == '\t'))
      i++;
    if (i == vn)
      return 0;                                 /* a trailing ';' */
    ns = i;
    while (i < vn && v[i] != '=' && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
      i++;
    ne = i;
    while (i < vn && (v[i] == ' ' || v[i] == '\t'))
      i++;
    if (ne == ns || i == vn || v[i] != '=')
      return -1;
    i++;
    while (i < vn && (v[i] == ' ' || v[i] == '\t'))
      i++;
    match = ieqn(v + ns, ne - ns, name);
    if (i < vn && v[i] == '"') {
      i++;
      while (i < vn && v[i] != '"') {
        if (v[i] == '\\' && i + 1 < vn)
          i++;
        if (match) {
          if (o + 1 >= size)
            return -1;
          out[o++] = v[i];
        }
        i++;
      }
      if (i == vn)
        return -1;                              /* unterminated quoted string */
      i++;
    } else {
      while (i < vn && v[i] != ';' && v[i] != ' ' && v[i] != '\t') {
        if (match) {
          if (o + 1 >= size)
            return -1;
          out[o++] = v[i];
        }
        i++;
      }
    }
    if (match) {
      out[o] = '\0';
      return 1;
    }
    while (i < vn && (v[i] == ' ' || v[i] == '\t'))
      i++;
    if (i < vn && v[i] != ';')
      return -1;
  }
  return 0;
}

/* Is the media type of header value |v| |type| (case-insensitive)? */
static int media_type_is(const char *v, size_t vn, const char *type)
{
  const char *p = v;
  size_t n = 0;

  while (n < vn && v[n] != ';')
    n++;
  trim(&p, &n);
  return ieqn(p, n, type);
}

/*
 * Is there a delimiter "--boundary" at |i|?  Sets |*after| past its
 * line (or past "--" for the closing one), |*close| and |*lf| (the line
 * ended in a bare LF).
 */
static int at_delim(const char *s, size_t n, size_t i, const char *bnd, size_t blen,
                    size_t *after, int *close, int *lf)
{
  size_t j;

  if (n - i < blen + 2 || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, bnd, blen) != 0)
    return 0;
  j = i + 2 + blen;
  if (n - j >= 2 && s[j] == '-' && s[j + 1] == '-') {
    *close = 1;
    *lf = 0;
    *after = j + 2;
    return 1;
  }
  while (j < n && (s[j] == ' ' || s[j] == '\t'))
    j++;
  *close = 0;
  if (n - j >= 2 && s[j] == '\r' && s[j + 1] == '\n') {
    *lf = 0;
    *after = j + 2;
    return 1;
  }
  if (j < n && s[j] == '\n') {
    *lf = 1;
    *after = j + 1;
    return 1;
  }
  return 0;
}

/* Splits a multipart body into parts (headers, then content). */
static int split_multipart(pctx *c, const char *s, size_t n, const char *bnd, size_t blen,
                           mpart *parts, size_t *nparts)
{
  char needle[MAX_BOUNDARY + 5];
  size_t pos, after = 0, nl;
  int close = 0, lf = 0, found = 0;

  *nparts = 0;
  /* the first delimiter, at the start or at a line start after a preamble */
  if (at_delim(s, n, 0, bnd, blen, &after, &close, &lf)) {
    found = 1;
  } else {
    const char *q;
    memcpy(needle, "\n--", 3);
    memcpy(needle + 3, bnd, blen);
    pos = 0;
    while ((q = find_bytes(s + pos, n - pos, needle, blen + 3)) != NULL) {
      pos = (size_t)(q - s) + 1;
      if (at_delim(s, n, pos, bnd, blen, &after, &close, &lf)) {
        found = 1;
        break;
      }
    }
  }
  if (!found)
    return pfail(c, X12KIT_ERR_SYNTAX, "the multipart body has no boundary line");
  if (close)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the multipart body has no parts");
  c->bare_lf = lf;
  if (lf && quirk(c, X12KIT_CORE_QUIRK_BARE_LF))
    return c->status;
  nl = lf ? 1 : 2;
  memcpy(needle, lf ? "\n--" : "\r\n--", nl + 2);
  memcpy(needle + nl + 2, bnd, blen);

  for (;;) {
    size_t start = after, end;
    const char *q, *content, *blank;
    size_t clen;

    found = 0;
    pos = start;
    /* an empty part: its closing CR LF is also the delimiter's */
    while ((q = find_bytes(s + pos, n - pos, needle, blen + nl + 2)) != NULL) {
      end = (size_t)(q - s);
      if (at_delim(s, n, end + nl, bnd, blen, &after, &close, &lf)) {
        found = 1;
        break;
      }
      pos = end + 1;
    }
    if (!found)
      return pfail(c, X12KIT_ERR_TRUNCATED, "the multipart body ends without its closing "
                   "boundary (part %zu)", *nparts + 1);
    if (*nparts == MAX_PARTS)
      return pfail(c, X12KIT_ERR_ENVELOPE, "the multipart body has more than %d parts",
                   MAX_PARTS);
    content = s + start;
    clen = end - start;
    blank = find_bytes(content, clen, c->bare_lf ? "\n\n" : "\r\n\r\n", 2 * nl);
    if (clen == 0 || (clen >= nl && memcmp(content, c->bare_lf ? "\n" : "\r\n", nl) == 0)) {
      /* no headers */
      parts[*nparts].head = content;
      parts[*nparts].head_len = 0;
      parts[*nparts].body = clen ? content + nl : content;
      parts[*nparts].body_len = clen ? clen - nl : 0;
    } else if (blank == NULL && memcmp(content + clen - nl, c->bare_lf ? "\n" : "\r\n", nl) == 0) {
      /* headers only: the delimiter's line break ends the part */
      parts[*nparts].head = content;
      parts[*nparts].head_len = clen;
      parts[*nparts].body = content + clen;
      parts[*nparts].body_len = 0;
    } else {
      if (blank == NULL)
        return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has no empty line after its headers",
                     *nparts + 1);
      parts[*nparts].head = content;
      parts[*nparts].head_len = (size_t)(blank - content) + nl;
      parts[*nparts].body = blank + 2 * nl;
      parts[*nparts].body_len = clen - (size_t)(blank - content) - 2 * nl;
    }
    (*nparts)++;
    if (close)
      return X12KIT_OK;
  }
}

/* The headers of a part that matter here, unfolded. */
typedef struct part_headers {
  char disposition[MAX_HEADER];
  char type[MAX_HEADER];
  char id[MAX_HEADER];
  char encoding[MAX_HEADER];
  int has_disposition, has_type, has_id, has_encoding;
} part_headers;

static int is_token_char(char c)
{
  return c > 0x20 && c < 0x7f && strchr("()<>@,;:\\\"/[]?={}", c) == NULL;
}

static int read_part_headers(pctx *c, const mpart *pt, size_t index, part_headers *h)
{
  size_t i = 0, n = pt->head_len;
  const char *s = pt->head;
  char *cur = NULL;
  size_t curlen = 0;
  int *curflag = NULL;

  memset(h, 0, sizeof *h);
  while (i < n) {
    size_t ls = i, le, name_end, vs;
    while (i < n && s[i] != '\n')
      i++;
    le = i;
    if (i < n)
      i++;
    if (le > ls && s[le - 1] == '\r')
      le--;
    if (le == ls)
      continue;
    for (vs = ls; vs < le; vs++)
      if (s[vs] == '\0' || (s[vs] == '\r'))
        return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has a control byte in its headers", index);
    if (s[ls] == ' ' || s[ls] == '\t') {
      /* a folded line continues the previous header */
      if (cur != NULL) {
        if (curlen + (le - ls) + 1 >= MAX_HEADER)
          return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has a header over %d bytes", index,
                       MAX_HEADER - 1);
        memcpy(cur + curlen, s + ls, le - ls);
        curlen += le - ls;
        cur[curlen] = '\0';
      }
      continue;
    }
    for (name_end = ls; name_end < le && s[name_end] != ':'; name_end++)
      if (!is_token_char(s[name_end]))
        return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has a malformed header line", index);
    if (name_end == le || name_end == ls)
      return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has a header line without a name and colon",
                   index);
    vs = name_end + 1;
    while (vs < le && (s[vs] == ' ' || s[vs] == '\t'))
      vs++;
    cur = NULL;
    if (ieqn(s + ls, name_end - ls, "Content-Disposition")) {
      cur = h->disposition;
      curflag = &h->has_disposition;
    } else if (ieqn(s + ls, name_end - ls, "Content-Type")) {
      cur = h->type;
      curflag = &h->has_type;
    } else if (ieqn(s + ls, name_end - ls, "Content-ID")) {
      cur = h->id;
      curflag = &h->has_id;
    } else if (ieqn(s + ls, name_end - ls, "Content-Transfer-Encoding")) {
      cur = h->encoding;
      curflag = &h->has_encoding;
    }
    if (cur == NULL)
      continue;
    if (*curflag)
      return pfail(c, X12KIT_ERR_SYNTAX, "part %zu repeats a header", index);
    *curflag = 1;
    if (le - vs >= MAX_HEADER)
      return pfail(c, X12KIT_ERR_SYNTAX, "part %zu has a header over %d bytes", index,
                   MAX_HEADER - 1);
    memcpy(cur, s + vs, le - vs);
    curlen = le - vs;
    cur[curlen] = '\0';
  }
  return X12KIT_OK;
}

/* Part content, with its transfer encoding: 0 as is, 1 base64, -1 refused. */
static int part_encoding(const part_headers *h)
{
  const char *p = h->encoding;
  size_t n = strlen(p);

  if (!h->has_encoding)
    return 0;
  trim(&p, &n);
  if (ieqn(p, n, "7bit") || ieqn(p, n, "8bit") || ieqn(p, n, "binary"))
    return 0;
  if (ieqn(p, n, "base64"))
    return 1;
  return -1;
}

/* The boundary of a multipart content type, checked. */
static int content_boundary(pctx *c, const char *ct, char *bnd, size_t size, size_t *blen)
{
  int rc = header_param(ct, strlen(ct), "boundary", bnd, size);

  if (rc < 0)
    return pfail(c, X12KIT_ERR_SYNTAX, "the Content-Type parameters are malformed");
  if (rc == 0)
    return pfail(c, X12KIT_ERR_SYNTAX, "the Content-Type has no boundary parameter");
  *blen = strlen(bnd);
  if (!boundary_ok(bnd, *blen))
    return pfail(c, X12KIT_ERR_SYNTAX, "the multipart boundary is not 1-70 allowed characters");
  return X12KIT_OK;
}

static x12kit_core_kind infer_kind(const pctx *c)
{
  const fieldval *mode = &c->f[F_PROCESSING_MODE];
  int response = c->f[F_ERROR_CODE].present;
  const struct ptype *pt;
  const char *p;
  size_t n;
  char name[64];

  p = mode->p;
  n = mode->n;
  if (mode->present)
    trim(&p, &n);
  if (!mode->present || !(ieqn(p, n, "Batch") || ieqn(p, n, "BatchMode")))
    return response ? X12KIT_CORE_REALTIME_RESPONSE : X12KIT_CORE_REALTIME_REQUEST;
  pt = NULL;
  if (c->f[F_PAYLOAD_TYPE].present) {
    p = c->f[F_PAYLOAD_TYPE].p;
    n = c->f[F_PAYLOAD_TYPE].n;
    trim(&p, &n);
    if (n < sizeof name) {
      memcpy(name, p, n);
      name[n] = '\0';
      pt = ptype_find(name, 1);
    }
  }
  if (pt && pt->kinds & K(X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST))
    return response ? X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE
                    : X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST;
  if (pt && pt->kinds & K(X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST))
    return response ? X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE
                    : X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST;
  if (pt && pt->kinds & K(X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION))
    return response ? X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE
                    : X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION;
  return response ? X12KIT_CORE_BATCH_SUBMISSION_RESPONSE : X12KIT_CORE_BATCH_SUBMISSION;
}

static int parse_form(pctx *c, const char *content_type, const char *body, size_t len,
                      size_t cap)
{
  char bnd[MAX_BOUNDARY + 1], name[128];
  mpart parts[MAX_PARTS];
  part_headers h;
  size_t blen, np, i;
  int f, anycase;

  if (content_type == NULL)
    return pfail(c, X12KIT_ERR_ARG, "no Content-Type given");
  if (body == NULL && len)
    return pfail(c, X12KIT_ERR_ARG, "no body given");
  if (!media_type_is(content_type, strlen(content_type), "multipart/form-data"))
    return pfail(c, X12KIT_ERR_ENVELOPE, "the Content-Type is not multipart/form-data");
  if (len > cap)
    return pfail(c, X12KIT_ERR_TOO_LONG, "the body has %zu bytes, over the cap of %zu", len, cap);
  if (content_boundary(c, content_type, bnd, sizeof bnd, &blen))
    return c->status;
  if (split_multipart(c, body ? body : "", len, bnd, blen, parts, &np))
    return c->status;
  for (i = 0; i < np && !c->status; i++) {
    const char *v;
    size_t vn;
    int rc, enc;

    if (read_part_headers(c, &parts[i], i + 1, &h))
      break;
    if (!h.has_disposition || !media_type_is(h.disposition, strlen(h.disposition), "form-data"))
      return pfail(c, X12KIT_ERR_ENVELOPE, "part %zu is not a form-data field", i + 1);
    rc = header_param(h.disposition, strlen(h.disposition), "name", name, sizeof name);
    if (rc <= 0)
      return pfail(c, X12KIT_ERR_ENVELOPE, "part %zu has no form-data name", i + 1);
    f = field_index(name, strlen(name), &anycase);
    if (f < 0) {
      quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
      continue;
    }
    if (anycase && quirk(c, X12KIT_CORE_QUIRK_FIELD_CASE))
      break;
    enc = part_encoding(&h);
    if (enc < 0)
      return pfail(c, X12KIT_ERR_ENVELOPE, "part %zu has a transfer encoding other than "
                   "7bit, 8bit, binary or base64", i + 1);
    v = parts[i].body;
    vn = parts[i].body_len;
    if (f != F_PAYLOAD && f != F_PASSWORD && f != F_USERNAME)
      trim(&v, &vn);
    if (enc == 1 && b64_decode(v, vn, NULL) < 0)
      return pfail(c, X12KIT_ERR_ENVELOPE, "the %s part is not base64", field_name[f]);
    if (c->f[f].present)
      return pfail(c, X12KIT_ERR_ENVELOPE, "the %s field appears twice", field_name[f]);
    fv_set(c, f, v, vn);
    c->f[f].b64 = enc == 1 ? 1 : -1;
  }
  if (c->status)
    return c->status;
  c->kind = infer_kind(c);
  for (f = 0; f < NSCHEMA && !c->status; f++)
    if (c->f[f].present && usage_of(c->kind, f) == '-')
      quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
  if (!c->status && (c->f[F_USERNAME].present || c->f[F_PASSWORD].present) &&
      !x12kit_core_kind_is_request(c->kind))
    quirk(c, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
  return c->status;
}

int x12kit_core_parse_mime(const char *content_type, const char *body, size_t len,
                           const x12kit_core_parse_options *opt, x12kit_core_message *m,
                           x12kit_error *err)
{
  pctx c;

  ctx_init(&c, opt, err);
  if (m == NULL)
    return pfail(&c, X12KIT_ERR_ARG, "no message given");
  memset(m, 0, sizeof *m);
  parse_form(&c, content_type, body, len, max_size(opt));
  return parse_end(&c, m);
}

/* "<id>" or "id", surrounding white space and angle brackets dropped. */
static void bare_id(const char *s, const char **p, size_t *n)
{
  *p = s;
  *n = strlen(s);
  trim(p, n);
  if (*n >= 2 && (*p)[0] == '<' && (*p)[*n - 1] == '>') {
    (*p)++;
    *n -= 2;
  }
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)lower((unsigned char)c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static int read_xop(pctx *c, xmlNodePtr inc)
{
  xmlChar *href;
  char want[MAX_HEADER];
  size_t i, o = 0, hn;
  part_headers h;

  if (!c->mtom)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the Payload holds an xop:Include outside an MTOM "
                 "message");
  href = xmlGetProp(inc, (const xmlChar *)"href");
  if (href == NULL || strncmp((const char *)href, "cid:", 4) != 0) {
    xmlFree(href);
    return pfail(c, X12KIT_ERR_ENVELOPE, "the xop:Include has no cid: reference");
  }
  hn = strlen((const char *)href);
  for (i = 4; i < hn; i++) {
    char ch = (char)href[i];
    if (ch == '%' && i + 2 < hn && hexval((char)href[i + 1]) >= 0 &&
        hexval((char)href[i + 2]) >= 0) {
      ch = (char)(hexval((char)href[i + 1]) * 16 + hexval((char)href[i + 2]));
      i += 2;
    }
    if (o + 1 >= sizeof want) {
      xmlFree(href);
      return pfail(c, X12KIT_ERR_ENVELOPE, "the xop:Include reference is too long");
    }
    want[o++] = ch;
  }
  want[o] = '\0';
  xmlFree(href);
  for (i = 0; i < c->nparts; i++) {
    const char *id;
    size_t idn;
    int enc;

    if (read_part_headers(c, &c->parts[i], i + 1, &h))
      return c->status;
    if (!h.has_id)
      continue;
    bare_id(h.id, &id, &idn);
    if (idn != o || memcmp(id, want, o) != 0)
      continue;
    enc = part_encoding(&h);
    if (enc < 0)
      return pfail(c, X12KIT_ERR_ENVELOPE, "part %zu has an unsupported transfer encoding",
                   i + 1);
    if (enc == 1 && b64_decode(c->parts[i].body, c->parts[i].body_len, NULL) < 0)
      return pfail(c, X12KIT_ERR_ENVELOPE, "part %zu is not base64", i + 1);
    if (fv_set(c, F_PAYLOAD, c->parts[i].body, c->parts[i].body_len))
      return c->status;
    /* attachment bytes are the payload itself, never base64 text */
    c->f[F_PAYLOAD].b64 = enc == 1 ? 1 : -1;
    return X12KIT_OK;
  }
  return pfail(c, X12KIT_ERR_ENVELOPE, "the xop:Include names no part of the message");
}

static int parse_related(pctx *c, const char *content_type, const char *body, size_t len,
                         size_t cap)
{
  char bnd[MAX_BOUNDARY + 1], start[MAX_HEADER];
  mpart parts[MAX_PARTS];
  part_headers h;
  size_t blen, np, i, root = 0;
  int rc;

  if (content_type == NULL)
    return pfail(c, X12KIT_ERR_ARG, "no Content-Type given");
  if (body == NULL && len)
    return pfail(c, X12KIT_ERR_ARG, "no body given");
  if (!media_type_is(content_type, strlen(content_type), "multipart/related"))
    return pfail(c, X12KIT_ERR_ENVELOPE, "the Content-Type is not multipart/related");
  if (len > cap)
    return pfail(c, X12KIT_ERR_TOO_LONG, "the body has %zu bytes, over the cap of %zu", len, cap);
  if (content_boundary(c, content_type, bnd, sizeof bnd, &blen))
    return c->status;
  rc = header_param(content_type, strlen(content_type), "start", start, sizeof start);
  if (rc < 0)
    return pfail(c, X12KIT_ERR_SYNTAX, "the Content-Type parameters are malformed");
  if (split_multipart(c, body ? body : "", len, bnd, blen, parts, &np))
    return c->status;
  if (rc == 1) {
    const char *want, *id;
    size_t wn, idn;

    bare_id(start, &want, &wn);
    for (i = 0; i < np; i++) {
      if (read_part_headers(c, &parts[i], i + 1, &h))
        return c->status;
      if (!h.has_id)
        continue;
      bare_id(h.id, &id, &idn);
      if (idn == wn && memcmp(id, want, wn) == 0)
        break;
    }
    if (i == np)
      return pfail(c, X12KIT_ERR_ENVELOPE, "no part has the start Content-ID");
    root = i;
  }
  if (read_part_headers(c, &parts[root], root + 1, &h))
    return c->status;
  if (part_encoding(&h) != 0)
    return pfail(c, X12KIT_ERR_ENVELOPE, "the root part is not sent as text");
  if (h.has_type && !media_type_is(h.type, strlen(h.type), "application/xop+xml") &&
      !media_type_is(h.type, strlen(h.type), "application/soap+xml"))
    return pfail(c, X12KIT_ERR_ENVELOPE, "the root part is not XOP or SOAP XML");
  c->parts = parts;
  c->nparts = np;
  c->mtom = 1;
  parse_soap_bytes(c, parts[root].body, parts[root].body_len, cap);
  c->parts = NULL;
  c->nparts = 0;
  if (!c->status && kind_ok(c->kind) && !kinds[c->kind].batch)
    quirk(c, X12KIT_CORE_QUIRK_MTOM);
  return c->status;
}

int x12kit_core_parse_mtom(const char *content_type, const char *body, size_t len,
                           const x12kit_core_parse_options *opt, x12kit_core_message *m,
                           x12kit_error *err)
{
  pctx c;

  ctx_init(&c, opt, err);
  if (m == NULL)
    return pfail(&c, X12KIT_ERR_ARG, "no message given");
  memset(m, 0, sizeof *m);
  parse_related(&c, content_type, body, len, max_size(opt));
  return parse_end(&c, m);
}

int x12kit_core_parse(const char *content_type, const char *body, size_t len,
                      const x12kit_core_parse_options *opt, x12kit_core_message *m,
                      x12kit_error *err)
{
  pctx c;
  size_t cn;

  if (content_type == NULL) {
    size_t i = 0;
    if (body != NULL && len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
      i = 3;
    while (body != NULL && i < len && is_ws(body[i]))
      i++;
    if (body != NULL && i < len && body[i] == '<')
      return x12kit_core_parse_soap(body, len, opt, m, err);
  } else {
    cn = strlen(content_type);
    if (media_type_is(content_type, cn, "application/soap+xml") ||
        media_type_is(content_type, cn, "text/xml") ||
        media_type_is(content_type, cn, "application/xml"))
      return x12kit_core_parse_soap(body, len, opt, m, err);
    if (media_type_is(content_type, cn, "multipart/related"))
      return x12kit_core_parse_mtom(content_type, body, len, opt, m, err);
    if (media_type_is(content_type, cn, "multipart/form-data"))
      return x12kit_core_parse_mime(content_type, body, len, opt, m, err);
  }
  ctx_init(&c, opt, err);
  if (m)
    memset(m, 0, sizeof *m);
  return pfail(&c, X12KIT_ERR_ENVELOPE,
               "the content type is neither SOAP XML nor a multipart form or MTOM message");
}

/* ---- checking -------------------------------------------------------- */

static const struct code_info {
  const char *name;
  const char *message;
} codes[] = {
  { "Success", "The envelope was accepted." },
  { "PayloadTypeRequired", "PayloadType is missing." },
  { "PayloadTypeIllegal", "PayloadType is not one this envelope can carry." },
  { "ProcessingModeRequired", "ProcessingMode is missing." },
  { "ProcessingModeIllegal", "ProcessingMode must be RealTime or Batch, as the envelope is." },
  { "PayloadIDRequired", "PayloadID is missing." },
  { "PayloadIDIllegal", "PayloadID must be a UUID in 8-4-4-4-12 hexadecimal form." },
  { "PayloadLengthRequired", "PayloadLength is missing." },
  { "PayloadLengthIllegal", "PayloadLength must be the payload's size in bytes." },
  { "TimeStampRequired", "TimeStamp is missing." },
  { "TimeStampIllegal", "TimeStamp must be a UTC time written CCYY-MM-DDTHH:MM:SSZ." },
  { "SenderIDRequired", "SenderID is missing." },
  { "SenderIDIllegal", "SenderID must be printable text." },
  { "ReceiverIDRequired", "ReceiverID is missing." },
  { "ReceiverIDIllegal", "ReceiverID must be printable text." },
  { "CORERuleVersionRequired", "CORERuleVersion is missing." },
  { "VersionMismatch", "This server speaks CORE rule version 2.2.0." },
  { "CheckSumRequired", "CheckSum is missing." },
  { "CheckSumIllegal", "CheckSum must be the SHA-1 of the payload in hexadecimal." },
  { "PayloadRequired", "Payload is missing." },
  { "PayloadIllegal", "Payload is not an X12 interchange." },
  { "UnAuthorized", "The credentials are missing or were not accepted." },
};

const char *x12kit_core_code_name(x12kit_core_code code)
{
  if ((int)code < 0 || (size_t)code >= sizeof codes / sizeof codes[0])
    return "";
  return codes[code].name;
}

const char *x12kit_core_code_message(x12kit_core_code code)
{
  if ((int)code < 0 || (size_t)code >= sizeof codes / sizeof codes[0])
    return "";
  return codes[code].message;
}

static int vfail(x12kit_core_code *out, x12kit_core_code code, x12kit_error *err,
                 const char *fmt, ...) X12KITP_PRINTF(4, 5);

static int vfail(x12kit_core_code *out, x12kit_core_code code, x12kit_error *err,
                 const char *fmt, ...)
{
  va_list ap;
  char text[X12KIT_ERROR_TEXT_SIZE];

  *out = code;
  if (err) {
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    x12kitp_error_set(err, X12KIT_ERR_ENVELOPE, X12KIT_ACK_NONE, NULL, "%s [%s]", text,
                      codes[code].name);
  }
  return X12KIT_ERR_ENVELOPE;
}

static int empty(const char *s)
{
  return s == NULL || s[0] == '\0';
}

static int is_hex(char c)
{
  return hexval(c) >= 0;
}

static int uuid_ok(const char *s)
{
  size_t i;

  if (strlen(s) != 36)
    return 0;
  for (i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return 0;
    } else if (!is_hex(s[i])) {
      return 0;
    }
  }
  return 1;
}

static int num2(const char *s, unsigned *v)
{
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
    return 0;
  *v = (unsigned)(s[0] - '0') * 10u + (unsigned)(s[1] - '0');
  return 1;
}

static int timestamp_ok(const char *s, int lenient)
{
  unsigned cc, yy, mo, dd, hh, mi, ss;
  size_t n = strlen(s), frac = 0;

  if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return 0;
  if (!num2(s, &cc) || !num2(s + 2, &yy) || !num2(s + 5, &mo) || !num2(s + 8, &dd) ||
      !num2(s + 11, &hh) || !num2(s + 14, &mi) || !num2(s + 17, &ss))
    return 0;
  if (n > 20 && lenient && s[19] == '.') {
    for (frac = 20; frac < n && s[frac] >= '0' && s[frac] <= '9'; frac++)
      ;
    if (frac == 20 || frac - 20 > 9 || frac != n - 1)
      return 0;
  } else if (n != 20) {
    return 0;
  }
  if (s[n - 1] != 'Z')
    return 0;
  return mo >= 1 && mo <= 12 && dd >= 1 && dd <= x12kitp_days_in_month(cc * 100 + yy, mo) &&
         hh <= 23 && mi <= 59 && ss <= 60;
}

static int printable(const char *s)
{
  return text_ok(s, strlen(s), TEXT_LINE);
}

int x12kit_core_validate(const x12kit_core_message *m, unsigned flags, x12kit_core_code *code,
                         x12kit_error *err)
{
  int lenient = (flags & X12KIT_CORE_VALIDATE_LENIENT) != 0;
  x12kit_core_code dummy;
  const struct ptype *pt;
  const char *elem, *v;
  char sum[X12KIT_CORE_CHECKSUM_SIZE];
  int batch;

  if (code == NULL)
    code = &dummy;
  *code = X12KIT_CORE_SUCCESS;
  if (err)
    memset(err, 0, sizeof *err);
  if (m == NULL || !x12kit_core_kind_is_request(m->kind))
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "x12kit_core_validate checks requests; this is not one");
  elem = kinds[m->kind].element;
  batch = kinds[m->kind].batch;

  if ((flags & X12KIT_CORE_VALIDATE_CREDENTIALS) && (empty(m->username) || empty(m->password)))
    return vfail(code, X12KIT_CORE_UNAUTHORIZED, err, "the request has no user name and "
                 "password");

  v = m->core_rule_version;
  if (empty(v))
    return vfail(code, X12KIT_CORE_RULE_VERSION_REQUIRED, err, "CORERuleVersion is missing");
  if (strcmp(v, X12KIT_CORE_RULE_VERSION) != 0 && !(lenient && strcmp(v, "v2.2.0") == 0))
    return vfail(code, X12KIT_CORE_VERSION_MISMATCH, err, "CORERuleVersion is not 2.2.0");

  if (empty(m->payload_type))
    return vfail(code, X12KIT_CORE_PAYLOAD_TYPE_REQUIRED, err, "PayloadType is missing");
  pt = ptype_find(m->payload_type, lenient);
  if (pt == NULL)
    return vfail(code, X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, err,
                 "PayloadType is not a CORE payload type known here");
  if (!(pt->kinds & K(m->kind)))
    return vfail(code, X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, err,
                 "PayloadType is not one a %s carries", elem);

  v = m->processing_mode;
  if (empty(v))
    return vfail(code, X12KIT_CORE_PROCESSING_MODE_REQUIRED, err, "ProcessingMode is missing");
  if (strcmp(v, batch ? X12KIT_CORE_MODE_BATCH : X12KIT_CORE_MODE_REALTIME) != 0 &&
      !(lenient && strcmp(v, batch ? "BatchMode" : "RealTimeMode") == 0)) {
    int known = strcmp(v, X12KIT_CORE_MODE_BATCH) == 0 ||
                strcmp(v, X12KIT_CORE_MODE_REALTIME) == 0;
    if (known)
      return vfail(code, X12KIT_CORE_PROCESSING_MODE_ILLEGAL, err,
                   "ProcessingMode does not match the %s envelope", elem);
    return vfail(code, X12KIT_CORE_PROCESSING_MODE_ILLEGAL, err,
                 "ProcessingMode is neither RealTime nor Batch");
  }

  if (empty(m->payload_id))
    return vfail(code, X12KIT_CORE_PAYLOAD_ID_REQUIRED, err, "PayloadID is missing");
  if (!uuid_ok(m->payload_id))
    return vfail(code, X12KIT_CORE_PAYLOAD_ID_ILLEGAL, err,
                 "PayloadID is not a UUID (8-4-4-4-12 hexadecimal digits)");

  if (usage_of(m->kind, F_PAYLOAD_LENGTH) != '-') {
    v = m->payload_length;
    if (empty(v)) {
      if (usage_of(m->kind, F_PAYLOAD_LENGTH) == 'R')
        return vfail(code, X12KIT_CORE_PAYLOAD_LENGTH_REQUIRED, err, "PayloadLength is missing");
    } else {
      size_t i, n = strlen(v);
      unsigned long long len = 0;
      for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9' || len > INT_MAX)
          break;
        len = len * 10 + (unsigned)(v[i] - '0');
      }
      if (i < n || len > INT_MAX)
        return vfail(code, X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, err,
                     "PayloadLength is not a whole number up to 2147483647");
      if (len != (unsigned long long)(m->payload ? m->payload_len : 0))
        return vfail(code, X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, err,
                     "PayloadLength is not the payload's size in bytes");
    }
  }

  if (empty(m->timestamp))
    return vfail(code, X12KIT_CORE_TIMESTAMP_REQUIRED, err, "TimeStamp is missing");
  if (!timestamp_ok(m->timestamp, lenient))
    return vfail(code, X12KIT_CORE_TIMESTAMP_ILLEGAL, err,
                 "TimeStamp is not a UTC time written CCYY-MM-DDTHH:MM:SSZ");

  if (empty(m->sender_id))
    return vfail(code, X12KIT_CORE_SENDER_ID_REQUIRED, err, "SenderID is missing");
  if (!printable(m->sender_id))
    return vfail(code, X12KIT_CORE_SENDER_ID_ILLEGAL, err,
                 "SenderID holds control characters or is not UTF-8");
  if (empty(m->receiver_id))
    return vfail(code, X12KIT_CORE_RECEIVER_ID_REQUIRED, err, "ReceiverID is missing");
  if (!printable(m->receiver_id))
    return vfail(code, X12KIT_CORE_RECEIVER_ID_ILLEGAL, err,
                 "ReceiverID holds control characters or is not UTF-8");

  if (usage_of(m->kind, F_CHECKSUM) != '-') {
    v = m->checksum;
    if (empty(v)) {
      if (usage_of(m->kind, F_CHECKSUM) == 'R')
        return vfail(code, X12KIT_CORE_CHECKSUM_REQUIRED, err, "CheckSum is missing");
    } else {
      size_t i;
      for (i = 0; v[i] && is_hex(v[i]); i++)
        ;
      if (i != 40 || v[i] != '\0')
        return vfail(code, X12KIT_CORE_CHECKSUM_ILLEGAL, err,
                     "CheckSum is not 40 hexadecimal digits");
      if (x12kit_core_checksum(m->payload, m->payload ? m->payload_len : 0, sum, sizeof sum) !=
          X12KIT_OK)
        return x12kitp_fail(err, X12KIT_ERR_IO, "SHA-1 of the payload failed");
      if (!ieq(v, sum))
        return vfail(code, X12KIT_CORE_CHECKSUM_ILLEGAL, err,
                     "CheckSum is not the SHA-1 of the payload");
    }
  }

  if (usage_of(m->kind, F_PAYLOAD) == 'R') {
    if (m->payload == NULL || m->payload_len == 0)
      return vfail(code, X12KIT_CORE_PAYLOAD_REQUIRED, err, "Payload is missing");
    if (!looks_x12(m->payload, m->payload_len))
      return vfail(code, X12KIT_CORE_PAYLOAD_ILLEGAL, err,
                   "Payload is not an X12 interchange (no ISA at its start)");
  }
  return X12KIT_OK;
}

/* |s| when it is a short plain identifier, safe to name in a message. */
static const char *plain_ident(const char *s)
{
  size_t i;

  if (s == NULL)
    return "(none)";
  for (i = 0; s[i]; i++)
    if (i >= 40 || !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= '0' && s[i] <= '9') || strchr("_-.:", s[i]) != NULL))
      return "(not shown)";
  return s;
}

int x12kit_core_check_response(const x12kit_core_message *req, const x12kit_core_message *resp,
                               x12kit_error *err)
{
  if (err)
    memset(err, 0, sizeof *err);
  if (resp == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no answer given");
  if (resp->kind == X12KIT_CORE_SOAP_FAULT)
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the server answered with a SOAP fault (%s)",
                        plain_ident(resp->fault_code));
  if (!kind_ok(resp->kind) || x12kit_core_kind_is_request(resp->kind))
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the answer is not a CORE response envelope");
  if (req != NULL) {
    if (!x12kit_core_kind_is_request(req->kind))
      return x12kitp_fail(err, X12KIT_ERR_ARG, "the request given is not a request");
    if (resp->kind != kinds[req->kind].answer)
      return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the answer is a %s, not a %s",
                          kinds[resp->kind].element, kinds[kinds[req->kind].answer].element);
    if (resp->payload_id == NULL || req->payload_id == NULL ||
        strcmp(resp->payload_id, req->payload_id) != 0)
      return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the answer's PayloadID is not the request's");
  }
  if (resp->error_code == NULL)
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the answer has no ErrorCode");
  if (resp->error_code[0] == '\0')
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the answer has an empty ErrorCode");
  if (strcmp(resp->error_code, "Success") != 0)
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE, "the server answered ErrorCode %s",
                        plain_ident(resp->error_code));
  if (resp->payload != NULL && resp->payload_len > 0 &&
      !looks_x12(resp->payload, resp->payload_len))
    return x12kitp_fail(err, X12KIT_ERR_ENVELOPE,
                        "the answer's payload is not X12 (no ISA at its start)");
  return X12KIT_OK;
}
