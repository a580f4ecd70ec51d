/*
 * x12kit tests - the CORE client: option checks (https only, pins, key
 * pairs), credentials files and their permissions, configuration
 * profiles, error texts free of credentials, and real sends over TLS to
 * a loopback server run in a child process, with a test CA made at run
 * time with the openssl command: success, untrusted certificate, wrong
 * host name, TLS 1.1 only, redirect, HTTP 500, SOAP fault, PayloadID
 * mismatch, a 999 in place of a 271, text that is not X12, an MTOM
 * answer, public-key pins, mutual TLS, an envelope error, a timeout and
 * a dropped connection that leave the outcome unknown, the answer size
 * cap, a refused connection, and keep-alive across two sends.  Batch:
 * the receipt, a 999 wrongly put in it, ack and results retrievals,
 * nothing waiting, damaged payloads (CheckSum, PayloadLength), PayloadID
 * mismatches, and repeating a retrieval by its PayloadID.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "testutil.h"

#define USER "clinic-user-77"
#define PASS "S3cr3t-Pa55-word"

static const char X12_270[] =
  "ISA*00*          *00*          *ZZ*SAMPLECLINIC   *ZZ*SAMPLEHUB      "
  "*270101*0900*^*00501*000000042*0*T*:~"
  "GS*HS*SAMPLECLINIC*SAMPLEHUB*20270101*0900*42*X*005010X279A1~"
  "ST*270*0001*005010X279A1~BHT*0022*13*RQ42*20270101*0900~"
  "HL*1**20*1~NM1*PR*2*ACME*****PI*55555~EQ*30~SE*5*0001~GE*1*42~IEA*1*000000042~";

static const char X12_271[] =
  "ISA*00*          *00*          *ZZ*SAMPLEHUB      *ZZ*SAMPLECLINIC   "
  "*270101*0900*^*00501*000000043*0*T*:~GS*HB*SAMPLEHUB*SAMPLECLINIC*20270101*0900*43*X*"
  "005010X279A1~ST*271*0001*005010X279A1~EB*1*IND*30~SE*3*0001~GE*1*43~IEA*1*000000043~";

static const char X12_999[] =
  "ISA*00*          *00*          *ZZ*SAMPLEHUB      *ZZ*SAMPLECLINIC   "
  "*270101*0900*^*00501*000000044*0*T*:~GS*FA*SAMPLEHUB*SAMPLECLINIC*20270101*0900*44*X*"
  "005010X231A1~ST*999*0001*005010X231A1~AK1*HS*42*005010X279A1~AK9*R*1*1*0~SE*4*0001~"
  "GE*1*44~IEA*1*000000044~";

static char tmpdir[256];

static void no_secret(const char *text)
{
  assert_null(strstr(text, USER));
  assert_null(strstr(text, PASS));
  assert_null(strstr(text, "NM1*PR"));
}

/* ---- options -------------------------------------------------------- */

static void test_endpoint_checks(void **state)
{
  static const char *bad[] = {
    "http://127.0.0.1/core", "ftp://host/x", "HTTPS://host", "host/core", "https://",
    "https://" USER ":" PASS "@host/core", "https://host/a b", ""
  };
  x12kit_client *c = (x12kit_client *)1;
  x12kit_error err;

  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(&err, 0, sizeof err);
    assert_int_equal(x12kit_client_new(bad[i], &c, &err), X12KIT_ERR_ARG);
    assert_null(c);
    assert_true(err.text[0] != '\0');
    no_secret(err.text);
  }
  assert_int_equal(x12kit_client_new("https://127.0.0.1:9/core", &c, &err), X12KIT_OK);
  assert_non_null(c);
  x12kit_client_free(c);
}

static void test_setters(void **state)
{
  x12kit_client *c;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_client_new("https://localhost/core", &c, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_pin(c, "md5//abc", &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_client_set_pin(c, "sha256//short", &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_client_set_pin(c,
                   "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_pin(c,
                   "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;"
                   "sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=", &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_client_cert(c, "/etc/hostname", NULL, &err),
                   X12KIT_ERR_ARG);
  assert_int_equal(x12kit_client_set_ca_file(c, "/nonexistent/ca.pem", &err), X12KIT_ERR_IO);
  assert_int_equal(x12kit_client_set_credentials(c, USER, NULL, &err), X12KIT_ERR_ARG);
  no_secret(err.text);
  assert_int_equal(x12kit_client_set_credentials(c, USER, PASS, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_envelope(c, (x12kit_client_envelope)7, &err),
                   X12KIT_ERR_ARG);
  assert_int_equal(x12kit_client_set_timeouts(c, 100, 700000, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_client_set_timeouts(c, 100, 2000, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_max_response(c, 10, &err), X12KIT_ERR_ARG);
  x12kit_client_free(c);
}

/* The API has no way to turn certificate checks off: the public header
   declares no such setter. */
static void test_no_insecure_api(void **state)
{
  const char *src = getenv("X12KIT_SRCDIR");
  char path[1024], *text;
  size_t len;
  FILE *fp;

  (void)state;
  if (!src)
    skip();
  snprintf(path, sizeof path, "%s/include/x12kit/client.h", src);
  fp = fopen(path, "rb");
  assert_non_null(fp);
  text = calloc(1, 65536);
  assert_non_null(text);
  len = fread(text, 1, 65535, fp);
  fclose(fp);
  assert_true(len > 1000);
  assert_non_null(strstr(text, "x12kit_client_set_ca_file"));
  assert_null(strstr(text, "set_verify"));
  assert_null(strstr(text, "insecure"));
  assert_null(strstr(text, "no_verify"));
  assert_null(strstr(text, "set_tls_version"));
  free(text);
}

static void test_send_needs_x12(void **state)
{
  x12kit_client *c;
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_client_new("https://127.0.0.1:9/core", &c, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_send(c, X12_270, strlen(X12_270), NULL, &r, &err),
                   X12KIT_ERR_ARG);                      /* no SenderID */
  assert_int_equal(r.outcome, X12KIT_SEND_NOT_SENT);
  assert_int_equal(x12kit_client_set_ids(c, "CLINIC", "HUB", &err), X12KIT_OK);
  assert_int_equal(x12kit_client_send(c, "{\"not\":\"x12\"}", 13, NULL, &r, &err),
                   X12KIT_ERR_DATA);
  assert_int_equal(r.outcome, X12KIT_SEND_NOT_SENT);
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);
}

/* ---- files ---------------------------------------------------------- */

static const char *write_file(const char *name, const char *text, mode_t mode)
{
  static char path[512];
  FILE *fp;

  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
  assert_int_equal(chmod(path, mode), 0);
  return path;
}

static void test_credentials_file(void **state)
{
  char u[64], p[64];
  x12kit_error err;
  const char *path;

  (void)state;
  path = write_file("cred-open", "username=" USER "\npassword=" PASS "\n", 0644);
  memset(&err, 0, sizeof err);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "0644"));
  no_secret(err.text);
  path = write_file("cred-group", "username=" USER "\npassword=" PASS "\n", 0640);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_ERR_ARG);
  path = write_file("cred", "# clearinghouse\nusername = " USER "\npassword=" PASS "\n", 0600);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_OK);
  assert_string_equal(u, USER);
  assert_string_equal(p, PASS);
  path = write_file("cred-ro", "username=" USER "\npassword=" PASS "\n", 0400);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_OK);
  path = write_file("cred-bad", "user " USER "\npassword=" PASS "\n", 0600);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_ERR_SYNTAX);
  no_secret(err.text);
  assert_string_equal(p, "");
  path = write_file("cred-half", "username=" USER "\n", 0600);
  assert_int_equal(x12kit_client_read_credentials(path, u, sizeof u, p, sizeof p, &err),
                   X12KIT_ERR_SYNTAX);
}

static void test_config(void **state)
{
  x12kit_client_config cfg;
  x12kit_error err;
  const char *path;

  (void)state;
  path = write_file("x12kit.conf",
                    "# clearinghouses\n[hub]\nendpoint = https://hub.example/core\n"
                    "envelope=mime\nsender = CLINIC01\nreceiver=HUB\n\n"
                    "[other]\nendpoint=https://other.example/\n; comment\nca = /etc/ca.pem\n",
                    0644);
  assert_int_equal(x12kit_client_config_load(path, "hub", &cfg, &err), X12KIT_OK);
  assert_string_equal(cfg.endpoint, "https://hub.example/core");
  assert_string_equal(cfg.envelope, "mime");
  assert_string_equal(cfg.sender, "CLINIC01");
  assert_string_equal(cfg.receiver, "HUB");
  assert_string_equal(cfg.ca, "");
  assert_int_equal(x12kit_client_config_load(path, "other", &cfg, &err), X12KIT_OK);
  assert_string_equal(cfg.ca, "/etc/ca.pem");
  assert_string_equal(cfg.sender, "");
  assert_int_equal(x12kit_client_config_load(path, "missing", &cfg, &err), X12KIT_ERR_ARG);
  path = write_file("bad.conf", "[hub]\npassword=" PASS "\n", 0600);
  assert_int_equal(x12kit_client_config_load(path, "hub", &cfg, &err), X12KIT_ERR_SYNTAX);
  no_secret(err.text);
  path = write_file("bad2.conf", "[hub\n", 0600);
  assert_int_equal(x12kit_client_config_load(path, "hub", &cfg, &err), X12KIT_ERR_SYNTAX);
}

/* ---- the loopback TLS server ---------------------------------------- */

enum mode {
  M_OK, M_FAULT, M_WRONG_PID, M_999, M_HTTP500, M_REDIRECT, M_SLEEP, M_ENVELOPE_ERROR,
  M_TLS11, M_HTML, M_KEEPALIVE, M_JSON, M_MTOM, M_MTLS, M_DROP, M_BIG,
  /* batch: receipts, a 999 for ack retrievals, a 271 for results */
  M_BATCH, M_BATCH_EMPTY, M_BATCH_BADSUM, M_BATCH_BADLEN, M_BATCH_WRONG_PID,
  M_BATCH_999_RECEIPT, M_BATCH_WRONG_ITEM
};

/* What exchange() does: a real-time send, a batch submission or a fetch. */
enum op { OP_SEND, OP_SUBMIT, OP_ACK, OP_RESULTS };

static int have_certs;
static const char *exchange_pin;   /* a pin for the next exchange(), or NULL */
static size_t exchange_max;        /* an answer cap for the next exchange(), or 0 */
static int exchange_cert;          /* send the client certificate in the next exchange() */
static enum op exchange_op;        /* what the next exchange() does */
static const char *exchange_fetch_id; /* the PayloadID a fetch repeats, or NULL */

static int run(const char *cmd)
{
  char full[2048];

  snprintf(full, sizeof full, "cd '%s' && { %s; } >/dev/null 2>&1", tmpdir, cmd);
  return system(full);
}

static int make_certs(void)
{
  if (run("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > good.ext && "
          "printf 'subjectAltName=DNS:other.example\\n' > wrong.ext"))
    return -1;
  if (run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
          "-subj /CN=x12kit-test-CA -days 2"))
    return -1;
  for (int i = 0; i < 2; i++) {
    char cmd[1024];
    const char *n = i ? "wrong" : "good";

    snprintf(cmd, sizeof cmd,
             "openssl req -newkey rsa:2048 -nodes -keyout %s.key -out %s.csr -subj /CN=%s && "
             "openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
             "-out %s.pem -days 2 -extfile %s.ext",
             n, n, i ? "other.example" : "localhost", n, n, n);
    if (run(cmd))
      return -1;
  }
  if (run("openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem "
          "-subj /CN=x12kit-other-CA -days 2"))
    return -1;
  if (run("openssl req -newkey rsa:2048 -nodes -keyout clinic.key -out clinic.csr "
          "-subj /CN=clinic && openssl x509 -req -in clinic.csr -CA ca.pem -CAkey ca.key "
          "-CAcreateserial -out clinic.pem -days 2"))
    return -1;
  if (run("openssl x509 -in good.pem -pubkey -noout | openssl pkey -pubin -outform der | "
          "openssl dgst -sha256 -binary | base64 > good.pin"))
    return -1;
  return 0;
}

/*
 * Answers a batch request the way a CORE server would: the request is
 * read and validated with the codec (credentials, PayloadLength,
 * CheckSum, PayloadType...), the SOAP action must match, and a
 * submission must carry the 270 byte for byte.  Returns 0 when |req| is
 * no batch request.
 */
static int respond_batch(SSL *ssl, enum mode mode, const char *req)
{
  const char *body = strstr(req, "\r\n\r\n"), *ct = strstr(req, "Content-Type: ");
  char ctype[256], head[512];
  x12kit_core_message m, resp;
  x12kit_core_output out;
  x12kit_core_code code = X12KIT_CORE_SUCCESS;
  size_t n;

  if (!body || !ct)
    return 0;
  ct += 14;
  n = strcspn(ct, "\r\n");
  if (n >= sizeof ctype)
    return 0;
  memcpy(ctype, ct, n);
  ctype[n] = '\0';
  body += 4;
  if (x12kit_core_parse(ctype, body, strlen(body), NULL, &m, NULL) != X12KIT_OK)
    return 0;
  if (m.kind != X12KIT_CORE_BATCH_SUBMISSION &&
      m.kind != X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST &&
      m.kind != X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST) {
    x12kit_core_message_clear(&m);
    return 0;
  }
  if (x12kit_core_validate(&m, X12KIT_CORE_VALIDATE_CREDENTIALS, &code, NULL) == X12KIT_OK) {
    char action[128];

    snprintf(action, sizeof action, "action=\"%s\"", x12kit_core_soap_action(m.kind));
    if (!strncmp(ctype, "application/soap+xml", 20) && !strstr(ctype, action))
      code = X12KIT_CORE_PROCESSING_MODE_ILLEGAL;
    if (m.kind == X12KIT_CORE_BATCH_SUBMISSION &&
        (m.payload_len != strlen(X12_270) || memcmp(m.payload, X12_270, m.payload_len) != 0 ||
         strcmp(m.payload_type, X12KIT_CORE_PT_270_REQUEST) != 0))
      code = X12KIT_CORE_PAYLOAD_ILLEGAL;
    if (m.kind == X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST &&
        strcmp(m.payload_type, "X12_999_RetrievalRequest_005010X231A1") != 0)
      code = X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL;
    if (m.kind == X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST &&
        strcmp(m.payload_type, "X12_005010_Request_Batch_Results_271") != 0)
      code = X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL;
  }
  x12kit_core_error_response_init(&resp, &m, code, "2027-01-01T09:00:01Z");
  if (code == X12KIT_CORE_SUCCESS) {
    resp.error_message = "None";
    if (m.kind == X12KIT_CORE_BATCH_SUBMISSION) {
      if (mode == M_BATCH_999_RECEIPT) {
        resp.payload_type = X12KIT_CORE_PT_999_RESPONSE;
        resp.payload = X12_999;
      } else
        resp.payload_type = X12KIT_CORE_PT_270_REQUEST;
    } else if (mode == M_BATCH_EMPTY) {
      resp.payload_type = m.payload_type;
    } else if ((m.kind == X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST) != (mode == M_BATCH_WRONG_ITEM)) {
      resp.payload_type = X12KIT_CORE_PT_999_RESPONSE;
      resp.payload = X12_999;
    } else {
      resp.payload_type = X12KIT_CORE_PT_271_RESPONSE;
      resp.payload = X12_271;
    }
    if (mode == M_BATCH_BADSUM)
      resp.checksum = "0123456789abcdef0123456789abcdef01234567";
    if (mode == M_BATCH_BADLEN)
      resp.payload_length = "12";
    if (mode == M_BATCH_WRONG_PID)
      resp.payload_id = "11111111-2222-4333-8444-555555555555";
  }
  /* a MIME request gets a MIME answer: it names no envelope element, so
     the client must take its kind from the request it made */
  memset(&out, 0, sizeof out);
  if ((!strncmp(ctype, "multipart/form-data", 19)
       ? x12kit_core_build_mime(&resp, NULL, NULL, &out, NULL)
       : x12kit_core_build_soap(&resp, NULL, &out, NULL)) == X12KIT_OK) {
    snprintf(head, sizeof head,
             "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
             out.content_type, out.len);
    SSL_write(ssl, head, (int)strlen(head));
    SSL_write(ssl, out.data, (int)out.len);
  }
  x12kit_core_output_free(&out);
  x12kit_core_message_clear(&m);
  return 1;
}

static void respond(SSL *ssl, enum mode mode, const char *req)
{
  char pid[X12KIT_CORE_UUID_SIZE] = "00000000-0000-4000-8000-000000000000";
  const char *p = strstr(req, "<PayloadID>");
  char head[512];
  x12kit_core_message m;
  x12kit_core_output out;
  const char *status = "200 OK";

  if (p)
    p += 11;
  else if ((p = strstr(req, "name=\"PayloadID\"")) != NULL && (p = strstr(p, "\r\n\r\n")))
    p += 4;                                      /* the MIME envelope */
  if (p && strlen(p) >= 36) {
    memcpy(pid, p, 36);
    pid[36] = '\0';
  }
  if (mode == M_SLEEP) {
    sleep(3);
    return;
  }
  if (mode == M_DROP)
    return;                            /* read the request, close without an answer */
  if (mode >= M_BATCH && respond_batch(ssl, mode, req))
    return;
  if (mode == M_BIG) {
    static char junk[65536];
    const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
    char chunk[16];

    memset(junk, '<', sizeof junk);
    SSL_write(ssl, h, (int)strlen(h));
    snprintf(chunk, sizeof chunk, "%x\r\n", (unsigned)sizeof junk);
    for (int i = 0; i < 32; i++)       /* 2 MiB, no Content-Length */
      if (SSL_write(ssl, chunk, (int)strlen(chunk)) <= 0 ||
          SSL_write(ssl, junk, (int)sizeof junk) <= 0 || SSL_write(ssl, "\r\n", 2) <= 0)
        return;
    return;
  }
  if (mode == M_REDIRECT) {
    const char r[] = "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1/elsewhere\r\n"
                     "Content-Length: 0\r\n\r\n";
    SSL_write(ssl, r, (int)strlen(r));
    return;
  }
  if (mode == M_HTML) {
    const char r[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n"
                     "Content-Length: 13\r\n\r\n<html></html>";
    SSL_write(ssl, r, (int)strlen(r));
    return;
  }
  if (mode == M_MTOM) {
    static char body[8192];
    int blen = snprintf(body, sizeof body,
      "--MIMEb1\r\nContent-Type: application/xop+xml; charset=UTF-8; "
      "type=\"application/soap+xml\"\r\nContent-ID: <root@hub>\r\n\r\n"
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<s:Envelope xmlns:s=\"" X12KIT_CORE_NS_SOAP12 "\"><s:Body>"
      "<c:COREEnvelopeRealTimeResponse xmlns:c=\"" X12KIT_CORE_NS_CORE "\">"
      "<PayloadType>" X12KIT_CORE_PT_271_RESPONSE "</PayloadType>"
      "<ProcessingMode>RealTime</ProcessingMode><PayloadID>%s</PayloadID>"
      "<TimeStamp>2027-01-01T09:00:01Z</TimeStamp><SenderID>HUB</SenderID>"
      "<ReceiverID>CLINIC</ReceiverID><CORERuleVersion>2.2.0</CORERuleVersion>"
      "<Payload><xop:Include xmlns:xop=\"" X12KIT_CORE_NS_XOP "\" href=\"cid:x12@hub\"/>"
      "</Payload><ErrorCode>Success</ErrorCode><ErrorMessage>None</ErrorMessage>"
      "</c:COREEnvelopeRealTimeResponse></s:Body></s:Envelope>\r\n"
      "--MIMEb1\r\nContent-Type: application/octet-stream\r\nContent-ID: <x12@hub>\r\n\r\n"
      "%s\r\n--MIMEb1--\r\n", pid, X12_271);
    char head2[512];
    int hl = snprintf(head2, sizeof head2,
      "HTTP/1.1 200 OK\r\nContent-Type: multipart/related; type=\"application/xop+xml\"; "
      "boundary=\"MIMEb1\"; start=\"<root@hub>\"; start-info=\"application/soap+xml\"\r\n"
      "Content-Length: %d\r\n\r\n", blen);

    SSL_write(ssl, head2, hl);
    SSL_write(ssl, body, blen);
    return;
  }
  x12kit_core_message_init(&m, X12KIT_CORE_REALTIME_RESPONSE);
  m.payload_id = mode == M_WRONG_PID ? "11111111-2222-4333-8444-555555555555" : pid;
  m.timestamp = "2027-01-01T09:00:01Z";
  m.sender_id = "HUB";
  m.receiver_id = "CLINIC";
  m.error_code = "Success";
  m.error_message = "None";
  m.payload_type = X12KIT_CORE_PT_271_RESPONSE;
  m.payload = X12_271;
  if (mode == M_JSON) {
    m.payload = "{\"eligible\": true}";
  } else if (mode == M_999) {
    m.payload_type = X12KIT_CORE_PT_999_RESPONSE;
    m.payload = X12_999;
  } else if (mode == M_ENVELOPE_ERROR) {
    m.payload_type = X12KIT_CORE_PT_ENVELOPE_ERROR;
    m.payload = NULL;
    m.error_code = "UnAuthorized";
    m.error_message = "bad credentials";
  } else if (mode == M_FAULT || mode == M_HTTP500) {
    x12kit_core_message_init(&m, X12KIT_CORE_SOAP_FAULT);
    m.fault_code = "Receiver";
    m.fault_reason = "backend down";
    status = "500 Internal Server Error";
  }
  memset(&out, 0, sizeof out);
  if (x12kit_core_build_soap(&m, NULL, &out, NULL) != X12KIT_OK)
    return;
  snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
           status, out.content_type, out.len);
  SSL_write(ssl, head, (int)strlen(head));
  SSL_write(ssl, out.data, (int)out.len);
  x12kit_core_output_free(&out);
}

static void serve_one(int lfd, enum mode mode, const char *cert)
{
  char path[512], kpath[512], req[65536];
  size_t got = 0;
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  SSL *ssl;
  int fd, served = 0;

  snprintf(path, sizeof path, "%s/%s.pem", tmpdir, cert);
  snprintf(kpath, sizeof kpath, "%s/%s.key", tmpdir, cert);
  if (!ctx || SSL_CTX_use_certificate_file(ctx, path, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, kpath, SSL_FILETYPE_PEM) != 1)
    _exit(2);
  if (mode == M_MTLS) {
    char ca[512];

    snprintf(ca, sizeof ca, "%s/ca.pem", tmpdir);
    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
      _exit(2);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    /* TLS 1.2: the client learns of the refusal inside the handshake,
       before it sends anything (with TLS 1.3 it may already have sent
       the request, and the outcome is then reported as unknown) */
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  }
  if (mode == M_TLS11) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  }
  alarm(10);
  fd = accept(lfd, NULL, NULL);
  if (fd < 0)
    _exit(2);
  ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
   more:
    got = 0;
    /* read the headers and the body (Content-Length) */
    for (;;) {
      int n = SSL_read(ssl, req + got, (int)(sizeof req - 1 - got));
      char *end, *cl;

      if (n <= 0)
        break;
      got += (size_t)n;
      req[got] = '\0';
      end = strstr(req, "\r\n\r\n");
      cl = strstr(req, "Content-Length:");
      if (end && cl && got >= (size_t)(end + 4 - req) + strtoul(cl + 15, NULL, 10))
        break;
      if (got == sizeof req - 1)
        break;
    }
    if (got == 0)
      _exit(served);
    respond(ssl, mode, req);
    served++;
    if (mode == M_KEEPALIVE)
      goto more;                     /* answer every request of this connection */
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  _exit(0);
}

typedef struct server {
  pid_t pid;
  char url[64];
} server;

static void start(server *s, enum mode mode, const char *cert, const char *host)
{
  struct sockaddr_in a;
  socklen_t alen = sizeof a;
  int lfd = socket(AF_INET, SOCK_STREAM, 0);

  assert_true(lfd >= 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(lfd, 4), 0);
  assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
  fflush(NULL);
  s->pid = fork();
  assert_true(s->pid >= 0);
  if (s->pid == 0)
    serve_one(lfd, mode, cert);
  close(lfd);
  snprintf(s->url, sizeof s->url, "https://%s:%u/core", host, (unsigned)ntohs(a.sin_port));
}

static void stop(server *s)
{
  int st;

  kill(s->pid, SIGTERM);
  waitpid(s->pid, &st, 0);
}

/* Sends the 270 to a server in |mode|; returns the outcome. */
static x12kit_send_outcome exchange(enum mode mode, const char *cert, const char *host,
                                    int use_ca, x12kit_client_envelope env,
                                    x12kit_client_response *r, x12kit_error *err)
{
  char ca[512];
  server s;
  x12kit_client *c;
  int rc;

  if (!have_certs)
    skip();
  start(&s, mode, cert, host);
  assert_int_equal(x12kit_client_new(s.url, &c, err), X12KIT_OK);
  /* use_ca: 1 the test CA, 2 another CA (a store that does not hold the
     server's), 0 the system store */
  snprintf(ca, sizeof ca, "%s/%s.pem", tmpdir, use_ca == 2 ? "other-ca" : "ca");
  if (use_ca)
    assert_int_equal(x12kit_client_set_ca_file(c, ca, err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_envelope(c, env, err), X12KIT_OK);
  if (exchange_pin)
    assert_int_equal(x12kit_client_set_pin(c, exchange_pin, err), X12KIT_OK);
  if (exchange_max)
    assert_int_equal(x12kit_client_set_max_response(c, exchange_max, err), X12KIT_OK);
  if (exchange_cert) {
    char ccert[512], ckey[512];

    snprintf(ccert, sizeof ccert, "%s/clinic.pem", tmpdir);
    snprintf(ckey, sizeof ckey, "%s/clinic.key", tmpdir);
    assert_int_equal(x12kit_client_set_client_cert(c, ccert, ckey, err), X12KIT_OK);
  }
  assert_int_equal(x12kit_client_set_ids(c, "CLINIC", "HUB", err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_credentials(c, USER, PASS, err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_timeouts(c, 1000, 1000, err), X12KIT_OK);
  memset(err, 0, sizeof *err);
  if (exchange_op == OP_SEND)
    rc = x12kit_client_send(c, X12_270, strlen(X12_270), NULL, r, err);
  else if (exchange_op == OP_SUBMIT)
    rc = x12kit_client_batch_submit(c, X12_270, strlen(X12_270), NULL, r, err);
  else
    rc = x12kit_client_batch_fetch(c, exchange_op == OP_ACK ? X12KIT_BATCH_ACK
                                   : X12KIT_BATCH_RESULTS, exchange_fetch_id, r, err);
  if (rc != X12KIT_OK)
    fprintf(stderr, "# %s: %s\n", x12kit_send_outcome_name(r->outcome), err->text);
  assert_int_equal(rc == X12KIT_OK, r->outcome == X12KIT_SEND_DELIVERED);
  assert_int_equal(strlen(r->payload_id), 36);
  no_secret(err->text);
  x12kit_client_free(c);
  stop(&s);
  return r->outcome;
}

static void test_net_success(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_OK, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  assert_int_equal(r.http_status, 200);
  assert_string_equal(r.transaction, "271");
  assert_string_equal(r.payload_type, X12KIT_CORE_PT_271_RESPONSE);
  assert_memory_equal(r.payload, X12_271, strlen(X12_271));
  x12kit_client_response_clear(&r);
  assert_int_equal(exchange(M_OK, "good", "localhost", 1, X12KIT_CLIENT_MIME, &r, &err),
                   X12KIT_SEND_DELIVERED);
  x12kit_client_response_clear(&r);
}

static void test_net_untrusted(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_OK, "good", "127.0.0.1", 2, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_TLS_ERROR);
  assert_non_null(strstr(err.text, "not trusted (use --ca for a private CA)"));
  assert_null(r.payload);
  x12kit_client_response_clear(&r);
}

static void test_net_wrong_host(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_OK, "wrong", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_TLS_ERROR);
  assert_non_null(strstr(err.text, "host name does not match the certificate"));
  x12kit_client_response_clear(&r);
}

static void test_net_tls11(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_TLS11, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_TLS_ERROR);
  x12kit_client_response_clear(&r);
}

static void test_net_redirect(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_REDIRECT, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_REDIRECT);
  assert_int_equal(r.http_status, 302);
  assert_non_null(strstr(err.text, "redirects are refused"));
  x12kit_client_response_clear(&r);
}

static void test_net_http500(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_HTML, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_HTTP_ERROR);
  assert_int_equal(r.http_status, 500);
  x12kit_client_response_clear(&r);
  /* a SOAP fault on a 500, as SOAP 1.2 sends it */
  assert_int_equal(exchange(M_HTTP500, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_SOAP_FAULT);
  assert_string_equal(r.error_code, "Receiver");
  assert_string_equal(r.error_message, "backend down");
  x12kit_client_response_clear(&r);
}

static void test_net_wrong_pid(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_WRONG_PID, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_BAD_RESPONSE);
  assert_non_null(strstr(err.text, "PayloadID"));
  x12kit_client_response_clear(&r);
}

static void test_net_999(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_999, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_UNEXPECTED);
  assert_string_equal(r.transaction, "999");
  assert_non_null(strstr(err.text, "999 in place of a 271"));
  assert_non_null(r.payload);
  x12kit_client_response_clear(&r);
}

/* text that is not X12 under an X12 PayloadType */
static void test_net_not_x12(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_JSON, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_BAD_RESPONSE);
  assert_string_equal(r.transaction, "271");
  x12kit_client_response_clear(&r);
}

static void test_net_mtom(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_MTOM, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  assert_string_equal(r.transaction, "271");
  assert_int_equal(r.payload_len, strlen(X12_271));
  assert_memory_equal(r.payload, X12_271, r.payload_len);
  x12kit_client_response_clear(&r);
}

static void test_net_pin(void **state)
{
  x12kit_client_response r;
  x12kit_error err;
  char path[512], pin[128] = "sha256//";
  FILE *fp;

  (void)state;
  if (!have_certs)
    skip();
  snprintf(path, sizeof path, "%s/good.pin", tmpdir);
  fp = fopen(path, "r");
  assert_non_null(fp);
  assert_non_null(fgets(pin + 8, (int)sizeof pin - 8, fp));
  fclose(fp);
  pin[strcspn(pin, "\r\n")] = '\0';
  exchange_pin = pin;
  assert_int_equal(exchange(M_OK, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  x12kit_client_response_clear(&r);
  exchange_pin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  assert_int_equal(exchange(M_OK, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_TLS_ERROR);
  exchange_pin = NULL;
  assert_non_null(strstr(err.text, "pin"));
  x12kit_client_response_clear(&r);
}

static void test_net_mutual_tls(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_cert = 1;
  assert_int_equal(exchange(M_MTLS, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  exchange_cert = 0;
  x12kit_client_response_clear(&r);
  assert_int_equal(exchange(M_MTLS, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_TLS_ERROR);
  x12kit_client_response_clear(&r);
}

static void test_net_envelope_error(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_ENVELOPE_ERROR, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_ENVELOPE_ERROR);
  assert_string_equal(r.error_code, "UnAuthorized");
  assert_non_null(strstr(err.text, "UnAuthorized"));
  x12kit_client_response_clear(&r);
}

static void test_net_timeout_unknown(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_SLEEP, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_UNKNOWN);
  assert_non_null(strstr(err.text, r.payload_id));
  assert_non_null(strstr(err.text, "do not resend"));
  x12kit_client_response_clear(&r);
}

/* Two sends on one client use one connection: the server counts the
   requests it answered on the connection it accepted. */
static void test_net_keepalive(void **state)
{
  x12kit_client *c;
  x12kit_client_response r;
  x12kit_error err;
  char ca[512];
  char first[X12KIT_CORE_UUID_SIZE];
  server s;
  int st;

  (void)state;
  if (!have_certs)
    skip();
  start(&s, M_KEEPALIVE, "good", "127.0.0.1");
  snprintf(ca, sizeof ca, "%s/ca.pem", tmpdir);
  assert_int_equal(x12kit_client_new(s.url, &c, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_ca_file(c, ca, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_ids(c, "CLINIC", "HUB", &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_timeouts(c, 1000, 2000, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_send(c, X12_270, strlen(X12_270), NULL, &r, &err), X12KIT_OK);
  memcpy(first, r.payload_id, sizeof first);
  x12kit_client_response_clear(&r);
  assert_int_equal(x12kit_client_send(c, X12_270, strlen(X12_270), NULL, &r, &err), X12KIT_OK);
  assert_string_not_equal(first, r.payload_id);      /* a fresh PayloadID each time */
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);                             /* closes the connection */
  assert_int_equal(waitpid(s.pid, &st, 0), s.pid);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 2);
}

/* the server reads the request and hangs up: it may have processed it */
static void test_net_dropped_unknown(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(exchange(M_DROP, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_UNKNOWN);
  assert_non_null(strstr(err.text, r.payload_id));
  x12kit_client_response_clear(&r);
}

static void test_net_size_cap(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_max = 1024 * 1024;
  assert_int_equal(exchange(M_BIG, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_BAD_RESPONSE);
  exchange_max = 0;
  assert_non_null(strstr(err.text, "larger than the cap"));
  x12kit_client_response_clear(&r);
}

static void test_net_connect_refused(void **state)
{
  x12kit_client *c;
  x12kit_client_response r;
  x12kit_error err;
  struct sockaddr_in a;
  socklen_t alen = sizeof a;
  char url[64];
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  (void)state;
  /* a port bound but not listening: connection refused */
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
  snprintf(url, sizeof url, "https://127.0.0.1:%u/core", (unsigned)ntohs(a.sin_port));
  assert_int_equal(x12kit_client_new(url, &c, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_ids(c, "CLINIC", "HUB", &err), X12KIT_OK);
  assert_int_not_equal(x12kit_client_send(c, X12_270, strlen(X12_270), NULL, &r, &err),
                       X12KIT_OK);
  assert_int_equal(r.outcome, X12KIT_SEND_CONNECT_FAILED);
  close(fd);
  x12kit_client_response_clear(&r);
  x12kit_client_free(c);
}

/* ---- batch ---------------------------------------------------------- */

/* A submission is answered with a receipt: our PayloadID, no payload. */
static void test_batch_receipt(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_SUBMIT;
  assert_int_equal(exchange(M_BATCH, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  assert_null(r.payload);
  assert_string_equal(r.error_code, "Success");
  assert_string_equal(r.transaction, "");
  x12kit_client_response_clear(&r);
  assert_int_equal(exchange(M_BATCH, "good", "127.0.0.1", 1, X12KIT_CLIENT_MIME, &r, &err),
                   X12KIT_SEND_DELIVERED);
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

/* The rule keeps the 999 out of the submission's answer. */
static void test_batch_receipt_999(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_SUBMIT;
  assert_int_equal(exchange(M_BATCH_999_RECEIPT, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP,
                            &r, &err), X12KIT_SEND_UNEXPECTED);
  exchange_op = OP_SEND;
  assert_string_equal(r.transaction, "999");
  assert_non_null(r.payload);                       /* kept: the caller may read it */
  assert_non_null(strstr(err.text, "forbids"));
  assert_non_null(strstr(err.text, r.payload_id));
  x12kit_client_response_clear(&r);
}

static void test_batch_fetch_ack(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_ACK;
  for (int env = 0; env < 2; env++) {
    assert_int_equal(exchange(M_BATCH, "good", "127.0.0.1", 1, (x12kit_client_envelope)env,
                              &r, &err), X12KIT_SEND_DELIVERED);
    assert_string_equal(r.transaction, "999");
    assert_string_equal(r.payload_type, X12KIT_CORE_PT_999_RESPONSE);
    assert_int_equal(r.payload_len, strlen(X12_999));
    assert_memory_equal(r.payload, X12_999, r.payload_len);
    x12kit_client_response_clear(&r);
  }
  /* a 271 where the 999 was asked for */
  assert_int_equal(exchange(M_BATCH_WRONG_ITEM, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP,
                            &r, &err), X12KIT_SEND_UNEXPECTED);
  assert_non_null(strstr(err.text, "271 in place of a 999"));
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

static void test_batch_fetch_results(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_RESULTS;
  assert_int_equal(exchange(M_BATCH, "good", "127.0.0.1", 1, X12KIT_CLIENT_MIME, &r, &err),
                   X12KIT_SEND_DELIVERED);
  assert_string_equal(r.transaction, "271");
  assert_int_equal(r.payload_len, strlen(X12_271));
  assert_memory_equal(r.payload, X12_271, r.payload_len);
  x12kit_client_response_clear(&r);
  /* a 999 where the results were asked for */
  assert_int_equal(exchange(M_BATCH_WRONG_ITEM, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP,
                            &r, &err), X12KIT_SEND_UNEXPECTED);
  assert_non_null(strstr(err.text, "999 in place of a 271"));
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

static void test_batch_nothing_waiting(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_ACK;
  assert_int_equal(exchange(M_BATCH_EMPTY, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_DELIVERED);
  assert_null(r.payload);
  assert_int_equal(r.payload_len, 0);
  x12kit_client_response_clear(&r);
  exchange_op = OP_RESULTS;
  assert_int_equal(exchange(M_BATCH_EMPTY, "good", "127.0.0.1", 1, X12KIT_CLIENT_MIME, &r,
                            &err), X12KIT_SEND_DELIVERED);
  assert_null(r.payload);
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

/* A fetched payload that does not match its CheckSum or PayloadLength
   is damaged: refused, and not handed on. */
static void test_batch_bad_sums(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_RESULTS;
  assert_int_equal(exchange(M_BATCH_BADSUM, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_BAD_RESPONSE);
  assert_non_null(strstr(err.text, "CheckSum"));
  assert_null(r.payload);
  x12kit_client_response_clear(&r);
  exchange_op = OP_ACK;
  assert_int_equal(exchange(M_BATCH_BADLEN, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_BAD_RESPONSE);
  assert_non_null(strstr(err.text, "PayloadLength"));
  assert_null(r.payload);
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

static void test_batch_wrong_pid(void **state)
{
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  exchange_op = OP_SUBMIT;
  assert_int_equal(exchange(M_BATCH_WRONG_PID, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_BAD_RESPONSE);
  assert_non_null(strstr(err.text, "PayloadID"));
  x12kit_client_response_clear(&r);
  exchange_op = OP_ACK;
  assert_int_equal(exchange(M_BATCH_WRONG_PID, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r,
                            &err), X12KIT_SEND_BAD_RESPONSE);
  assert_non_null(strstr(err.text, "PayloadID"));
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

/* A retrieval repeated with its PayloadID sends that PayloadID; a
   timed-out one says to repeat it, not to give up on it. */
static void test_batch_repeat(void **state)
{
  static const char id[] = "6f1d3c2e-9a47-4b6e-8d0f-000000000042";
  x12kit_client *c;
  x12kit_client_response r;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_client_new("https://127.0.0.1:9/core", &c, &err), X12KIT_OK);
  assert_int_equal(x12kit_client_set_ids(c, "CLINIC", "HUB", &err), X12KIT_OK);
  assert_int_equal(x12kit_client_batch_fetch(c, X12KIT_BATCH_ACK, "not-a-uuid", &r, &err),
                   X12KIT_ERR_ARG);
  assert_int_equal(r.outcome, X12KIT_SEND_NOT_SENT);
  assert_int_equal(x12kit_client_batch_fetch(c, (x12kit_batch_item)5, NULL, &r, &err),
                   X12KIT_ERR_ARG);
  x12kit_client_free(c);

  exchange_op = OP_ACK;
  exchange_fetch_id = id;
  assert_int_equal(exchange(M_BATCH, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_DELIVERED);
  assert_string_equal(r.payload_id, id);            /* the server echoed the one we sent */
  assert_string_equal(r.transaction, "999");
  x12kit_client_response_clear(&r);
  exchange_fetch_id = NULL;
  assert_int_equal(exchange(M_SLEEP, "good", "127.0.0.1", 1, X12KIT_CLIENT_SOAP, &r, &err),
                   X12KIT_SEND_UNKNOWN);
  assert_non_null(strstr(err.text, "repeat it with PayloadID"));
  assert_non_null(strstr(err.text, r.payload_id));
  x12kit_client_response_clear(&r);
  exchange_op = OP_SEND;
}

static int setup(void **state)
{
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/x12kit-client-XXXXXX");
  if (!mkdtemp(tmpdir))
    return -1;
  have_certs = make_certs() == 0;
  if (!have_certs)
    fprintf(stderr, "# the openssl command failed: network cases are skipped\n");
  return 0;
}

static int teardown(void **state)
{
  char cmd[300];

  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_endpoint_checks),
    cmocka_unit_test(test_setters),
    cmocka_unit_test(test_no_insecure_api),
    cmocka_unit_test(test_send_needs_x12),
    cmocka_unit_test(test_credentials_file),
    cmocka_unit_test(test_config),
    cmocka_unit_test(test_net_success),
    cmocka_unit_test(test_net_untrusted),
    cmocka_unit_test(test_net_wrong_host),
    cmocka_unit_test(test_net_tls11),
    cmocka_unit_test(test_net_redirect),
    cmocka_unit_test(test_net_http500),
    cmocka_unit_test(test_net_wrong_pid),
    cmocka_unit_test(test_net_999),
    cmocka_unit_test(test_net_not_x12),
    cmocka_unit_test(test_net_mtom),
    cmocka_unit_test(test_net_pin),
    cmocka_unit_test(test_net_mutual_tls),
    cmocka_unit_test(test_net_envelope_error),
    cmocka_unit_test(test_net_timeout_unknown),
    cmocka_unit_test(test_net_keepalive),
    cmocka_unit_test(test_net_dropped_unknown),
    cmocka_unit_test(test_net_size_cap),
    cmocka_unit_test(test_net_connect_refused),
    cmocka_unit_test(test_batch_receipt),
    cmocka_unit_test(test_batch_receipt_999),
    cmocka_unit_test(test_batch_fetch_ack),
    cmocka_unit_test(test_batch_fetch_results),
    cmocka_unit_test(test_batch_nothing_waiting),
    cmocka_unit_test(test_batch_bad_sums),
    cmocka_unit_test(test_batch_wrong_pid),
    cmocka_unit_test(test_batch_repeat),
  };

  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests(tests, setup, teardown);
}
