/*
 * x12kit - the CORE connectivity client: one real-time request, batch
 * submission or batch retrieval over HTTPS with libcurl, envelopes
 * built and read by core.c.
 *
 * Security settings are set on every send and have no switch: TLS 1.2
 * or newer, peer and host verification, https only, no redirects.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "internal.h"

#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TOTAL_MS 60000L
#define DEFAULT_MAX_RESPONSE (16u * 1024u * 1024u)

struct x12kit_client {
  CURL *curl;
  char *endpoint;
  x12kit_client_envelope envelope;
  char *ca;
  char *pin;
  char *cert;
  char *key;
  char *username;
  char *password;
  char *sender;
  char *receiver;
  long connect_ms;
  long total_ms;
  size_t max_response;
};

/* What a request is, and so what its answer must be. */
typedef enum req_mode {
  RQ_REALTIME,     /* a real-time request: the answer carries the response */
  RQ_SUBMIT,       /* a batch submission: the answer is a receipt, no payload */
  RQ_FETCH         /* a batch retrieval: an item, or nothing waiting */
} req_mode;

typedef struct expect {
  req_mode mode;
  const char *answer;    /* the transaction set expected ("271"), or NULL */
  int ack;               /* RQ_FETCH of acknowledgments: a 999 or a TA1 */
} expect;

typedef struct body {
  char *data;
  size_t len, cap, max;
  int too_big;
} body;

const char *x12kit_send_outcome_name(x12kit_send_outcome o)
{
  switch (o) {
  case X12KIT_SEND_DELIVERED: return "delivered";
  case X12KIT_SEND_ENVELOPE_ERROR: return "envelope error";
  case X12KIT_SEND_SOAP_FAULT: return "SOAP fault";
  case X12KIT_SEND_UNEXPECTED: return "unexpected answer";
  case X12KIT_SEND_BAD_RESPONSE: return "bad response";
  case X12KIT_SEND_HTTP_ERROR: return "HTTP error";
  case X12KIT_SEND_REDIRECT: return "redirect refused";
  case X12KIT_SEND_TLS_ERROR: return "TLS error";
  case X12KIT_SEND_CONNECT_FAILED: return "connect failed";
  case X12KIT_SEND_UNKNOWN: return "outcome unknown";
  case X12KIT_SEND_NOT_SENT: return "not sent";
  }
  return "";
}

static void wipe_free(char *s)
{
  if (s) {
    OPENSSL_cleanse(s, strlen(s));
    free(s);
  }
}

static int set_str(char **dst, const char *src, x12kit_error *err)
{
  char *copy = NULL;

  if (src && *src) {
    copy = strdup(src);
    if (!copy)
      return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  }
  wipe_free(*dst);
  *dst = copy;
  return X12KIT_OK;
}

void x12kit_client_response_clear(x12kit_client_response *r)
{
  if (!r)
    return;
  if (r->payload) {
    OPENSSL_cleanse(r->payload, r->payload_len);
    free(r->payload);
  }
  memset(r, 0, sizeof *r);
}

static int check_endpoint(const char *url, x12kit_error *err)
{
  const char *host, *end;

  if (!url || !*url)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no endpoint given");
  if (strncmp(url, "https://", 8) != 0)
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "the endpoint must be an https:// URL (plain http and other "
                        "schemes are refused)");
  host = url + 8;
  end = host + strcspn(host, "/?#");
  if (end == host)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "the endpoint URL has no host");
  if (memchr(host, '@', (size_t)(end - host)))
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "the endpoint URL must not hold credentials (user@host)");
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
      return x12kitp_fail(err, X12KIT_ERR_ARG,
                          "the endpoint URL holds a space or a control character");
  return X12KIT_OK;
}

int x12kit_client_new(const char *endpoint, x12kit_client **out, x12kit_error *err)
{
  x12kit_client *c;
  int rc;

  if (!out)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no output pointer");
  *out = NULL;
  rc = check_endpoint(endpoint, err);
  if (rc != X12KIT_OK)
    return rc;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot initialize the HTTP library");
  c = calloc(1, sizeof *c);
  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  c->endpoint = strdup(endpoint);
  c->curl = curl_easy_init();
  if (!c->endpoint || !c->curl) {
    x12kit_client_free(c);
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  }
  c->envelope = X12KIT_CLIENT_SOAP;
  c->connect_ms = DEFAULT_CONNECT_MS;
  c->total_ms = DEFAULT_TOTAL_MS;
  c->max_response = DEFAULT_MAX_RESPONSE;
  *out = c;
  return X12KIT_OK;
}

void x12kit_client_free(x12kit_client *c)
{
  if (!c)
    return;
  if (c->curl)
    curl_easy_cleanup(c->curl);
  free(c->endpoint);
  free(c->ca);
  free(c->pin);
  free(c->cert);
  free(c->key);
  wipe_free(c->username);
  wipe_free(c->password);
  free(c->sender);
  free(c->receiver);
  free(c);
}

int x12kit_client_set_envelope(x12kit_client *c, x12kit_client_envelope env, x12kit_error *err)
{
  if (!c || (env != X12KIT_CLIENT_SOAP && env != X12KIT_CLIENT_MIME))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "the envelope must be SOAP or MIME");
  c->envelope = env;
  return X12KIT_OK;
}

static int readable_file(const char *path, const char *what, x12kit_error *err)
{
  if (!path || !*path)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no %s file given", what);
  if (access(path, R_OK) != 0)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot read the %s file: %s", what,
                        strerror(errno));
  return X12KIT_OK;
}

int x12kit_client_set_ca_file(x12kit_client *c, const char *path, x12kit_error *err)
{
  int rc;

  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  rc = readable_file(path, "CA", err);
  return rc != X12KIT_OK ? rc : set_str(&c->ca, path, err);
}

int x12kit_client_set_pin(x12kit_client *c, const char *pin, x12kit_error *err)
{
  const char *p;

  if (!c || !pin)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no pin given");
  /* sha256//BASE64 of 44 characters, several joined by ';' */
  p = pin;
  for (;;) {
    size_t n = 0;

    if (strncmp(p, "sha256//", 8) != 0)
      return x12kitp_fail(err, X12KIT_ERR_ARG,
                          "the pin must be sha256//BASE64 (the SHA-256 of the server's "
                          "public key), several joined by ';'");
    p += 8;
    while (p[n] && p[n] != ';') {
      char ch = p[n];

      if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '+' || ch == '/' || ch == '='))
        return x12kitp_fail(err, X12KIT_ERR_ARG, "the pin is not base64");
      n++;
    }
    if (n != 44)
      return x12kitp_fail(err, X12KIT_ERR_ARG,
                          "the pin's hash must be 44 base64 characters (SHA-256)");
    p += n;
    if (!*p)
      break;
    p++;
  }
  return set_str(&c->pin, pin, err);
}

int x12kit_client_set_client_cert(x12kit_client *c, const char *cert, const char *key,
                                  x12kit_error *err)
{
  int rc;

  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  if (!x12kitp_given(cert) != !x12kitp_given(key))
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "a client certificate needs its key, and a key its certificate");
  if (x12kitp_given(cert)) {
    rc = readable_file(cert, "client certificate", err);
    if (rc == X12KIT_OK)
      rc = readable_file(key, "client key", err);
    if (rc != X12KIT_OK)
      return rc;
  }
  rc = set_str(&c->cert, cert, err);
  return rc != X12KIT_OK ? rc : set_str(&c->key, key, err);
}

int x12kit_client_set_credentials(x12kit_client *c, const char *username, const char *password,
                                  x12kit_error *err)
{
  int rc;

  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  if (!x12kitp_given(username) != !x12kitp_given(password))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "a username needs a password, and a password "
                        "a username");
  rc = set_str(&c->username, username, err);
  return rc != X12KIT_OK ? rc : set_str(&c->password, password, err);
}

int x12kit_client_set_ids(x12kit_client *c, const char *sender, const char *receiver,
                          x12kit_error *err)
{
  int rc;

  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  rc = set_str(&c->sender, sender, err);
  return rc != X12KIT_OK ? rc : set_str(&c->receiver, receiver, err);
}

int x12kit_client_set_timeouts(x12kit_client *c, long connect_ms, long total_ms,
                               x12kit_error *err)
{
  long cm, tm;

  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  cm = connect_ms ? connect_ms : c->connect_ms;
  tm = total_ms ? total_ms : c->total_ms;
  if (cm < 0 || tm < 0 || tm > 600000L)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "timeouts must be 1 ms to 600 s");
  if (cm > tm)
    cm = tm;
  c->connect_ms = cm;
  c->total_ms = tm;
  return X12KIT_OK;
}

int x12kit_client_set_max_response(x12kit_client *c, size_t bytes, x12kit_error *err)
{
  if (!c || bytes < 1024 || bytes > 256u * 1024u * 1024u)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "the answer cap must be 1 KiB to 256 MiB");
  c->max_response = bytes;
  return X12KIT_OK;
}

/* ---- sending -------------------------------------------------------- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
  body *b = user;
  size_t n = size * nmemb;

  if (n > b->max - b->len) {
    b->too_big = 1;
    return 0;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 16384;
    char *p;

    while (cap < b->len + n + 1)
      cap *= 2;
    p = realloc(b->data, cap);
    if (!p)
      return 0;
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, ptr, n);
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

/* The transaction set of the first ST in |p| ("270"), or "" */
static void first_st(const char *p, size_t len, char out[4])
{
  char sep;

  out[0] = '\0';
  if (len < 106 || strncmp(p, "ISA", 3) != 0)
    return;
  sep = p[3];
  for (size_t i = 0; i + 7 < len; i++) {
    if ((i == 0 || p[i - 1] == '\n' || p[i - 1] == '\r' || p[i - 1] == p[105]) &&
        p[i] == 'S' && p[i + 1] == 'T' && p[i + 2] == sep) {
      memcpy(out, p + i + 3, 3);
      out[3] = '\0';
      return;
    }
  }
}

/* The transaction set expected in answer to |tx|. */
static const char *expected_answer(const char *tx)
{
  if (!strcmp(tx, "270"))
    return "271";
  if (!strcmp(tx, "276"))
    return "277";
  if (!strcmp(tx, "278"))
    return "278";
  return NULL;
}

static void copy_str(char *dst, size_t size, const char *src)
{
  size_t n = 0;

  if (src)
    for (; src[n] && n + 1 < size; n++)
      dst[n] = ((unsigned char)src[n] < 0x20 || src[n] == 0x7f) ? '?' : src[n];
  dst[n] = '\0';
}

static int fail_as(x12kit_client_response *r, x12kit_send_outcome o, x12kit_error *err,
                   int code, const char *fmt, ...) X12KITP_PRINTF(5, 6);

static int fail_as(x12kit_client_response *r, x12kit_send_outcome o, x12kit_error *err,
                   int code, const char *fmt, ...)
{
  va_list ap;

  r->outcome = o;
  va_start(ap, fmt);
  x12kitp_error_vset(err, code, X12KIT_ACK_NONE, NULL, fmt, ap);
  va_end(ap);
  return code;
}

/* Maps a libcurl failure to an outcome. */
static int curl_failed(x12kit_client *c, req_mode mode, CURLcode cc, const char *ebuf,
                       x12kit_client_response *r, x12kit_error *err)
{
  long verify = 0;
  curl_off_t tls_done = 0, sent = 0;

  curl_easy_getinfo(c->curl, CURLINFO_SSL_VERIFYRESULT, &verify);
  curl_easy_getinfo(c->curl, CURLINFO_APPCONNECT_TIME_T, &tls_done);
  curl_easy_getinfo(c->curl, CURLINFO_SIZE_UPLOAD_T, &sent);
  switch (cc) {
  case CURLE_PEER_FAILED_VERIFICATION:
    if (verify == 0 || strstr(ebuf, "host name") || strstr(ebuf, "subject name"))
      return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                     "host name does not match the certificate");
    if (verify == 10)
      return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                     "the server's certificate has expired");
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                   "the server's certificate is not trusted (use --ca for a private CA)");
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                   "the server's public key does not match the pin");
  case CURLE_SSL_CACERT_BADFILE:
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO, "cannot load the CA file");
  case CURLE_SSL_CERTPROBLEM:
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                   "cannot use the client certificate or key");
  case CURLE_SSL_CONNECT_ERROR:
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                   "TLS handshake failed (the server needs TLS 1.2 or newer): %.120s", ebuf);
  case CURLE_COULDNT_RESOLVE_HOST:
    return fail_as(r, X12KIT_SEND_CONNECT_FAILED, err, X12KIT_ERR_IO,
                   "cannot resolve the endpoint's host name");
  case CURLE_COULDNT_CONNECT:
    return fail_as(r, X12KIT_SEND_CONNECT_FAILED, err, X12KIT_ERR_IO,
                   "cannot connect to the endpoint: %.120s", ebuf);
  case CURLE_UNSUPPORTED_PROTOCOL:
    return fail_as(r, X12KIT_SEND_NOT_SENT, err, X12KIT_ERR_ARG, "only https is allowed");
  case CURLE_WRITE_ERROR:
    return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_IO,
                   "the answer is larger than the cap of %zu bytes", c->max_response);
  default:
    break;
  }
  /* With TLS 1.3 the server checks the client certificate after the
     client has finished its handshake: its alert arrives as a receive
     error, but the server never read the request. */
  if (strstr(ebuf, "alert") && strstr(ebuf, "certificate"))
    return fail_as(r, X12KIT_SEND_TLS_ERROR, err, X12KIT_ERR_IO,
                   "the server refused the TLS connection: client certificate missing or "
                   "not accepted (use --cert and --key)");
  if (tls_done == 0 && sent == 0)
    return fail_as(r, X12KIT_SEND_CONNECT_FAILED, err, X12KIT_ERR_IO,
                   "no connection to the endpoint (%s); nothing was sent",
                   cc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(cc));
  /* A retrieval changes nothing the server cannot answer again: the
     server keeps its answer under the PayloadID, so the item handed out
     is had by asking again with the same one. */
  if (mode == RQ_FETCH)
    return fail_as(r, X12KIT_SEND_UNKNOWN, err, X12KIT_ERR_IO,
                   "%s after the retrieval was sent: repeat it with PayloadID %s (after "
                   "90 seconds) to get its answer; a new retrieval would skip the item",
                   cc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(cc),
                   r->payload_id);
  return fail_as(r, X12KIT_SEND_UNKNOWN, err, X12KIT_ERR_IO,
                 "%s after the request was sent: do not resend; ask the "
                 "clearinghouse about PayloadID %s",
                 cc == CURLE_OPERATION_TIMEDOUT ? "timed out" : curl_easy_strerror(cc),
                 r->payload_id);
}

static void set_options(x12kit_client *c, const x12kit_core_output *out,
                        struct curl_slist *headers, body *b, char *ebuf)
{
  CURL *h = c->curl;

  curl_easy_setopt(h, CURLOPT_URL, c->endpoint);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (c->ca)                     /* else libcurl's default: the system store */
    curl_easy_setopt(h, CURLOPT_CAINFO, c->ca);
  curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
  curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
  curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->total_ms);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, out->data);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)out->len);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "x12kit/" X12KIT_VERSION);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response);
}

/*
 * Whether a batch answer's PayloadLength and CheckSum, when it has them,
 * describe the payload it carries.  Fills |why| when not.
 */
static int sums_ok(const x12kit_core_message *m, char *why, size_t size)
{
  size_t n = m->payload ? m->payload_len : 0;
  char sum[X12KIT_CORE_CHECKSUM_SIZE];

  if (m->payload_length && m->payload_length[0]) {
    const char *p = m->payload_length;
    unsigned long long v = 0;

    for (; *p >= '0' && *p <= '9' && v <= 0xffffffffULL; p++)
      v = v * 10 + (unsigned)(*p - '0');
    if (*p || v != (unsigned long long)n) {
      snprintf(why, size, "the answer's PayloadLength is not the size of its payload "
               "(%zu bytes): the payload was damaged or cut", n);
      return 0;
    }
  }
  if (m->checksum && m->checksum[0]) {
    if (x12kit_core_checksum(m->payload ? m->payload : "", n, sum, sizeof sum) != X12KIT_OK) {
      snprintf(why, size, "cannot compute the SHA-1 of the answer's payload");
      return 0;
    }
    if (strlen(m->checksum) != 40 || strncasecmp(m->checksum, sum, 40) != 0) {
      snprintf(why, size, "the answer's CheckSum is not the SHA-1 of its payload: the "
               "payload was damaged");
      return 0;
    }
  }
  return 1;
}

static void drop_payload(x12kit_client_response *r)
{
  if (r->payload) {
    OPENSSL_cleanse(r->payload, r->payload_len);
    free(r->payload);
  }
  r->payload = NULL;
  r->payload_len = 0;
}

static int batch_answer(x12kit_core_kind k)
{
  return k == X12KIT_CORE_BATCH_SUBMISSION_RESPONSE ||
         k == X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE ||
         k == X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE;
}

/* Reads the answer in |b|. */
static int read_answer(x12kit_client *c, const x12kit_core_message *req, const expect *ex,
                       const char *ctype, const body *b, x12kit_client_response *r,
                       x12kit_error *err)
{
  x12kit_core_message resp;
  x12kit_core_parse_options po;
  x12kit_error e;
  const char *tx, *got;
  char why[160];
  int rc, sums, refusal;

  memset(&po, 0, sizeof po);
  po.max_size = c->max_response;
  memset(&e, 0, sizeof e);
  rc = x12kit_core_parse(ctype, b->data ? b->data : "", b->len, &po, &resp, &e);
  if (rc != X12KIT_OK) {
    if (r->http_status != 200)
      return fail_as(r, X12KIT_SEND_HTTP_ERROR, err, X12KIT_ERR_IO,
                     "the server answered with HTTP status %ld", r->http_status);
    if (rc == X12KIT_ERR_NOMEM)
      return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, rc, "out of memory");
    return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_ENVELOPE,
                   "the answer is not a CORE envelope (Content-Type %.60s): %.100s",
                   ctype ? ctype : "none", e.text);
  }
  /* A MIME answer names no envelope element: its kind is inferred from
     ProcessingMode and PayloadType, and a retrieval answer carrying a
     999 reads the same as a submission's.  Any batch answer to a batch
     request is therefore taken as the answer to that request. */
  if (ctype && !strncasecmp(ctype, "multipart/form-data", 19) && ex->mode != RQ_REALTIME &&
      batch_answer(resp.kind))
    resp.kind = req->kind == X12KIT_CORE_BATCH_SUBMISSION ? X12KIT_CORE_BATCH_SUBMISSION_RESPONSE
              : req->kind == X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST
              ? X12KIT_CORE_BATCH_ACK_RETRIEVAL_RESPONSE
              : X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_RESPONSE;
  if (resp.kind == X12KIT_CORE_SOAP_FAULT) {
    copy_str(r->error_code, sizeof r->error_code, resp.fault_code);
    copy_str(r->error_message, sizeof r->error_message, resp.fault_reason);
    x12kit_core_message_clear(&resp);
    return fail_as(r, X12KIT_SEND_SOAP_FAULT, err, X12KIT_ERR_ENVELOPE,
                   "the server answered with a SOAP fault (%s, HTTP status %ld)",
                   r->error_code[0] ? r->error_code : "no code", r->http_status);
  }
  copy_str(r->error_code, sizeof r->error_code, resp.error_code);
  copy_str(r->error_message, sizeof r->error_message, resp.error_message);
  copy_str(r->payload_type, sizeof r->payload_type, resp.payload_type);
  if (resp.payload && resp.payload_len) {
    r->payload = malloc(resp.payload_len + 1);
    if (!r->payload) {
      x12kit_core_message_clear(&resp);
      return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_NOMEM, "out of memory");
    }
    memcpy(r->payload, resp.payload, resp.payload_len);
    r->payload[resp.payload_len] = '\0';
    r->payload_len = resp.payload_len;
    first_st(r->payload, r->payload_len, r->transaction);
  }
  tx = x12kit_core_payload_type_transaction(resp.payload_type);
  if (!r->transaction[0] && tx)
    copy_str(r->transaction, sizeof r->transaction, tx);
  rc = x12kit_core_check_response(req, &resp, &e);
  if (rc != X12KIT_OK) {
    int pid_bad = !resp.payload_id || strcmp(resp.payload_id, req->payload_id) != 0;
    int code_bad = resp.error_code && strcmp(resp.error_code, "Success") != 0;

    x12kit_core_message_clear(&resp);
    if (pid_bad && !code_bad)
      return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_ENVELOPE,
                     "the answer's PayloadID does not match the request's %s",
                     r->payload_id);
    if (code_bad || (r->payload_type[0] && !strcmp(r->payload_type,
                                                    X12KIT_CORE_PT_ENVELOPE_ERROR)))
      return fail_as(r, X12KIT_SEND_ENVELOPE_ERROR, err, X12KIT_ERR_ENVELOPE,
                     "the server refused the envelope: ErrorCode %s",
                     r->error_code[0] ? r->error_code : "none");
    return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_ENVELOPE, "%s", e.text);
  }
  /* batch payloads carry their own length and digest: a payload that
     does not match them is damaged and is not handed on */
  why[0] = '\0';
  sums = ex->mode == RQ_REALTIME || sums_ok(&resp, why, sizeof why);
  x12kit_core_message_clear(&resp);
  if (r->http_status != 200)
    return fail_as(r, X12KIT_SEND_HTTP_ERROR, err, X12KIT_ERR_IO,
                   "the server answered with HTTP status %ld", r->http_status);
  if (!sums) {
    drop_payload(r);
    return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_ENVELOPE, "%s", why);
  }
  if (ex->mode == RQ_FETCH && !r->payload) {
    r->outcome = X12KIT_SEND_DELIVERED;       /* nothing is waiting */
    return X12KIT_OK;
  }
  if (ex->mode == RQ_SUBMIT) {
    if (!r->payload) {
      r->transaction[0] = '\0';             /* its PayloadType names what was sent */
      r->outcome = X12KIT_SEND_DELIVERED;     /* the receipt */
      return X12KIT_OK;
    }
    return fail_as(r, X12KIT_SEND_UNEXPECTED, err, X12KIT_ERR_ENVELOPE,
                   "the server took the batch (PayloadID %s) but put a %s in its receipt, "
                   "which the rule forbids: the acknowledgment is to be fetched later; "
                   "do not resubmit", r->payload_id,
                   r->transaction[0] ? r->transaction : "payload");
  }
  if (!r->payload)
    return fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_ENVELOPE,
                   "the answer carries no payload");
  refusal = !strcmp(r->transaction, "999") || !strcmp(r->transaction, "TA1") ||
            (tx && (!strcmp(tx, "999") || !strcmp(tx, "TA1")));
  got = !strcmp(r->transaction, "TA1") || (tx && !strcmp(tx, "TA1")) ? "TA1" : "999";
  if (ex->mode == RQ_FETCH && ex->ack) {
    if (refusal)
      r->outcome = X12KIT_SEND_DELIVERED;
    else
      return fail_as(r, X12KIT_SEND_UNEXPECTED, err, X12KIT_ERR_ENVELOPE,
                     "the server answered with a %s in place of a 999 or TA1",
                     r->transaction[0] ? r->transaction : "payload of unknown type");
    return X12KIT_OK;
  }
  if (refusal)
    return fail_as(r, X12KIT_SEND_UNEXPECTED, err, X12KIT_ERR_ENVELOPE,
                   "the server answered with a %s in place of a %s%s", got,
                   ex->answer ? ex->answer : "response",
                   ex->mode == RQ_REALTIME ? ": the request was refused" : "");
  if (ex->answer && strcmp(r->transaction, ex->answer) != 0)
    return fail_as(r, X12KIT_SEND_UNEXPECTED, err, X12KIT_ERR_ENVELOPE,
                   "the server answered with a %s in place of a %s",
                   r->transaction[0] ? r->transaction : "payload of unknown type", ex->answer);
  r->outcome = X12KIT_SEND_DELIVERED;
  return X12KIT_OK;
}

/*
 * Builds |req|'s envelope, posts it on the client's connection and reads
 * the answer into |r| (whose payload_id |req| points at).
 */
static int transact(x12kit_client *c, const x12kit_core_message *req, const expect *ex,
                    x12kit_client_response *r, x12kit_error *err)
{
  x12kit_core_output out;
  char ebuf[CURL_ERROR_SIZE], ctbuf[256];
  const char *ctype = NULL;
  struct curl_slist *headers = NULL, *h2;
  body b;
  CURLcode cc;
  int rc;

  memset(&out, 0, sizeof out);
  if (c->envelope == X12KIT_CLIENT_MIME)
    rc = x12kit_core_build_mime(req, NULL, NULL, &out, err);
  else
    rc = x12kit_core_build_soap(req, NULL, &out, err);
  if (rc != X12KIT_OK)
    return rc;

  snprintf(ctbuf, sizeof ctbuf, "Content-Type: %s", out.content_type);
  headers = curl_slist_append(NULL, ctbuf);
  h2 = headers ? curl_slist_append(headers, "Expect:") : NULL;
  if (!h2) {
    curl_slist_free_all(headers);
    x12kit_core_output_free(&out);
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  }
  memset(&b, 0, sizeof b);
  b.max = c->max_response;
  ebuf[0] = '\0';
  set_options(c, &out, headers, &b, ebuf);
  cc = curl_easy_perform(c->curl);
  curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
  if (cc == CURLE_WRITE_ERROR && !b.too_big)
    rc = fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_NOMEM, "out of memory");
  else if (cc == CURLE_FILESIZE_EXCEEDED)
    rc = fail_as(r, X12KIT_SEND_BAD_RESPONSE, err, X12KIT_ERR_IO,
                 "the answer is larger than the cap of %zu bytes", c->max_response);
  else if (cc != CURLE_OK)
    rc = curl_failed(c, ex->mode, cc, ebuf, r, err);
  else if (r->http_status >= 300 && r->http_status < 400)
    rc = fail_as(r, X12KIT_SEND_REDIRECT, err, X12KIT_ERR_IO,
                 "the server redirected the request (HTTP status %ld); redirects are refused: "
                 "check the endpoint URL", r->http_status);
  else {
    curl_easy_getinfo(c->curl, CURLINFO_CONTENT_TYPE, &ctype);
    rc = read_answer(c, req, ex, ctype, &b, r, err);
  }
  /* no pointers to this call's memory stay in the handle */
  curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
  curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, NULL);
  curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
  curl_slist_free_all(headers);
  x12kit_core_output_free(&out);
  if (b.data) {
    OPENSSL_cleanse(b.data, b.len);
    free(b.data);
  }
  return rc;
}

/* Zeroes |r| and checks what every request needs. */
static int begin(x12kit_client *c, x12kit_client_response *r, x12kit_error *err)
{
  if (!r)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no response structure");
  memset(r, 0, sizeof *r);
  r->outcome = X12KIT_SEND_NOT_SENT;
  if (!c)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no client");
  if (!c->sender || !c->receiver)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "SenderID and ReceiverID are required");
  return X12KIT_OK;
}

/* Fills the fields every request has; |id| NULL makes a fresh PayloadID. */
static int fill_request(x12kit_client *c, x12kit_core_message *req, x12kit_core_kind kind,
                        const char *id, char ts[X12KIT_CORE_TIMESTAMP_SIZE],
                        x12kit_client_response *r, x12kit_error *err)
{
  if (id)
    memcpy(r->payload_id, id, X12KIT_CORE_UUID_SIZE);
  else if (x12kit_core_new_payload_id(r->payload_id, sizeof r->payload_id) != X12KIT_OK)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot make a PayloadID");
  if (x12kit_core_timestamp(ts, X12KIT_CORE_TIMESTAMP_SIZE, time(NULL)) != X12KIT_OK)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot make a TimeStamp");
  x12kit_core_message_init(req, kind);
  req->payload_id = r->payload_id;
  req->timestamp = ts;
  req->sender_id = c->sender;
  req->receiver_id = c->receiver;
  req->username = c->username;
  req->password = c->password;
  return X12KIT_OK;
}

/* The real-time request or batch submission of |payload|. */
static int send_x12(x12kit_client *c, x12kit_core_kind kind, const char *payload, size_t len,
                    const char *payload_type, x12kit_client_response *r, x12kit_error *err)
{
  x12kit_core_message req;
  char ts[X12KIT_CORE_TIMESTAMP_SIZE], tx[4];
  const char *ptx;
  expect ex;
  int rc;

  rc = begin(c, r, err);
  if (rc != X12KIT_OK)
    return rc;
  if (!payload)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no payload");
  first_st(payload, len, tx);
  if (!tx[0])
    return x12kitp_fail(err, X12KIT_ERR_DATA, "the payload is not an X12 interchange with "
                        "a transaction set");
  if (!payload_type)
    payload_type = x12kit_core_payload_type(tx, 0);
  if (!payload_type)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no PayloadType is known for a %s; give one", tx);
  ptx = x12kit_core_payload_type_transaction(payload_type);
  memset(&ex, 0, sizeof ex);
  ex.mode = kind == X12KIT_CORE_BATCH_SUBMISSION ? RQ_SUBMIT : RQ_REALTIME;
  ex.answer = expected_answer(ptx ? ptx : tx);
  rc = fill_request(c, &req, kind, NULL, ts, r, err);
  if (rc != X12KIT_OK)
    return rc;
  req.payload_type = payload_type;
  req.payload = payload;
  req.payload_len = len;
  return transact(c, &req, &ex, r, err);
}

int x12kit_client_send(x12kit_client *c, const char *payload, size_t len,
                       const char *payload_type, x12kit_client_response *r, x12kit_error *err)
{
  return send_x12(c, X12KIT_CORE_REALTIME_REQUEST, payload, len, payload_type, r, err);
}

int x12kit_client_batch_submit(x12kit_client *c, const char *payload, size_t len,
                               const char *payload_type, x12kit_client_response *r,
                               x12kit_error *err)
{
  return send_x12(c, X12KIT_CORE_BATCH_SUBMISSION, payload, len, payload_type, r, err);
}

/* A PayloadID as the rule writes it: 8-4-4-4-12 hexadecimal digits. */
static int uuid_ok(const char *s)
{
  for (int i = 0; i < 36; i++) {
    int dash = i == 8 || i == 13 || i == 18 || i == 23;
    char ch = s[i];

    if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                             (ch >= 'A' && ch <= 'F')))
      return 0;
  }
  return s[36] == '\0';
}

int x12kit_client_batch_fetch(x12kit_client *c, x12kit_batch_item what, const char *payload_id,
                              x12kit_client_response *r, x12kit_error *err)
{
  x12kit_core_message req;
  char ts[X12KIT_CORE_TIMESTAMP_SIZE];
  expect ex;
  int rc;

  rc = begin(c, r, err);
  if (rc != X12KIT_OK)
    return rc;
  if (what != X12KIT_BATCH_ACK && what != X12KIT_BATCH_RESULTS)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "fetch acknowledgments or results");
  if (payload_id && !uuid_ok(payload_id))
    return x12kitp_fail(err, X12KIT_ERR_ARG, "the PayloadID to repeat must be a UUID "
                        "(8-4-4-4-12 hexadecimal digits)");
  memset(&ex, 0, sizeof ex);
  ex.mode = RQ_FETCH;
  ex.ack = what == X12KIT_BATCH_ACK;
  ex.answer = ex.ack ? NULL : "271";
  rc = fill_request(c, &req, ex.ack ? X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST
                                    : X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST,
                    payload_id, ts, r, err);
  if (rc != X12KIT_OK)
    return rc;
  req.payload_type = ex.ack ? "X12_999_RetrievalRequest_005010X231A1"
                            : "X12_005010_Request_Batch_Results_271";
  return transact(c, &req, &ex, r, err);
}

/* ---- files ---------------------------------------------------------- */

static char *trim(char *s)
{
  char *e;

  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
    *--e = '\0';
  return s;
}

int x12kit_client_read_credentials(const char *path, char *username, size_t usize,
                                   char *password, size_t psize, x12kit_error *err)
{
  struct stat st;
  char line[1024];
  FILE *fp;
  int fd, rc = X12KIT_OK;
  unsigned long lineno = 0;

  if (!path || !username || !password || usize == 0 || psize == 0)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no credentials file given");
  username[0] = password[0] = '\0';
  fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot open the credentials file: %s",
                        strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return x12kitp_fail(err, X12KIT_ERR_IO, "the credentials file is not a regular file");
  }
  if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    close(fd);
    return x12kitp_fail(err, X12KIT_ERR_ARG,
                        "the credentials file must be owned by you and readable by you "
                        "only (chmod 600); it is mode %04o", (unsigned)(st.st_mode & 07777));
  }
  fp = fdopen(fd, "r");
  if (!fp) {
    close(fd);
    return x12kitp_fail(err, X12KIT_ERR_NOMEM, "out of memory");
  }
  while (rc == X12KIT_OK && fgets(line, sizeof line, fp)) {
    char *s = trim(line), *eq;

    lineno++;
    if (!*s || *s == '#')
      continue;
    eq = strchr(s, '=');
    if (eq) {
      *eq = '\0';
      if (!strcmp(trim(s), "username") && strlen(eq + 1) < usize)
        strcpy(username, trim(eq + 1));
      else if (!strcmp(trim(s), "password") && strlen(eq + 1) < psize)
        strcpy(password, trim(eq + 1));
      else
        eq = NULL;
    }
    if (!eq)
      rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                        "credentials file line %lu: expected username=... or password=...",
                        lineno);
  }
  OPENSSL_cleanse(line, sizeof line);
  fclose(fp);
  if (rc == X12KIT_OK && (!username[0] || !password[0]))
    rc = x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                      "the credentials file needs both username= and password=");
  if (rc != X12KIT_OK) {
    OPENSSL_cleanse(username, usize);
    OPENSSL_cleanse(password, psize);
  }
  return rc;
}

int x12kit_client_config_load(const char *path, const char *profile,
                              x12kit_client_config *cfg, x12kit_error *err)
{
  static const struct {
    const char *key;
    size_t off, size;
  } keys[] = {
#define K(name, field) { name, offsetof(x12kit_client_config, field), \
                         sizeof(((x12kit_client_config *)0)->field) }
    K("endpoint", endpoint), K("envelope", envelope), K("ca", ca), K("cert", cert),
    K("key", key), K("pin", pin), K("sender", sender), K("receiver", receiver),
    K("credentials", credentials), K("timeout", timeout)
#undef K
  };
  char line[2048];
  FILE *fp;
  int in = 0, found = 0;
  unsigned long lineno = 0;

  if (!path || !profile || !cfg)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "no configuration file or profile given");
  memset(cfg, 0, sizeof *cfg);
  fp = fopen(path, "r");
  if (!fp)
    return x12kitp_fail(err, X12KIT_ERR_IO, "cannot open the configuration file: %s",
                        strerror(errno));
  while (fgets(line, sizeof line, fp)) {
    char *s = trim(line), *eq, *val;
    size_t i;

    lineno++;
    if (!*s || *s == '#' || *s == ';')
      continue;
    if (*s == '[') {
      char *e = strchr(s, ']');

      if (!e || e[1]) {
        fclose(fp);
        return x12kitp_fail(err, X12KIT_ERR_SYNTAX,
                            "configuration line %lu: a section is [name]", lineno);
      }
      *e = '\0';
      in = !strcmp(trim(s + 1), profile);
      found |= in;
      continue;
    }
    eq = strchr(s, '=');
    if (!eq) {
      fclose(fp);
      return x12kitp_fail(err, X12KIT_ERR_SYNTAX, "configuration line %lu: expected key = value",
                          lineno);
    }
    *eq = '\0';
    s = trim(s);
    val = trim(eq + 1);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
      if (!strcmp(s, keys[i].key))
        break;
    if (i == sizeof keys / sizeof keys[0]) {
      fclose(fp);
      return x12kitp_fail(err, X12KIT_ERR_SYNTAX, "configuration line %lu: unknown key %.40s",
                          lineno, s);
    }
    if (!in)
      continue;
    if (strlen(val) >= keys[i].size) {
      fclose(fp);
      return x12kitp_fail(err, X12KIT_ERR_SYNTAX, "configuration line %lu: %s is too long",
                          lineno, keys[i].key);
    }
    strcpy((char *)cfg + keys[i].off, val);
  }
  fclose(fp);
  if (!found)
    return x12kitp_fail(err, X12KIT_ERR_ARG, "the configuration has no profile [%.60s]",
                        profile);
  return X12KIT_OK;
}
