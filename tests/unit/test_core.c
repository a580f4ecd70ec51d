/*
 * x12kit tests - the CORE envelope codec: SOAP and MIME round trips for
 * requests, responses, envelope errors and faults; the variants real
 * servers send; hostile input refused cleanly; every validation code;
 * credentials and payloads never in error texts; identifiers; and
 * allocation failure at every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* Markers that must never show up in an error text. */
#define USER "clinic-user-77"
#define PASS "S3cr3t&<Pa55>"
#define PATIENT "QUIMBYZORK"

/* A synthetic 270 (not checked against the guide here): names with the
   characters XML escapes, CR LF after every segment. */
static const char X12_270[] =
  "ISA*00*          *00*          *ZZ*SAMPLECLINIC   *ZZ*SAMPLEHUB      "
  "*270101*0900*^*00501*000000042*0*T*:~\r\n"
  "GS*HS*SAMPLECLINIC*SAMPLEHUB*20270101*0900*42*X*005010X279A1~\r\n"
  "ST*270*0001*005010X279A1~\r\n"
  "BHT*0022*13*RQ42*20270101*0900~\r\n"
  "HL*1**20*1~\r\nNM1*PR*2*ACME & SONS <HEALTH>*****PI*55555~\r\n"
  "HL*2*1*21*1~\r\nNM1*1P*2*NORTH ]]> INFUSION*****XX*1234567893~\r\n"
  "HL*3*2*22*0~\r\nNM1*IL*1*" PATIENT "*ANA****MI*M0001~\r\n"
  "EQ*30~\r\nSE*10*0001~\r\nGE*1*42~\r\nIEA*1*000000042~\r\n";

static const char X12_271[] =
  "ISA*00*          *00*          *ZZ*SAMPLEHUB      *ZZ*SAMPLECLINIC   "
  "*270101*0900*^*00501*000000043*0*T*:~GS*HB*SAMPLEHUB*SAMPLECLINIC*20270101*0900*43*X*"
  "005010X279A1~ST*271*0001*005010X279A1~EB*1*IND*30~SE*3*0001~GE*1*43~IEA*1*000000043~";

static const char PID[] = "0b9e3c1a-52d4-4f6e-9a10-7c3d2e1f4a58";
static const char TS[] = "2027-01-01T09:00:00Z";

static x12kit_core_message rt_request(void)
{
  x12kit_core_message m;

  x12kit_core_message_init(&m, X12KIT_CORE_REALTIME_REQUEST);
  m.payload_type = X12KIT_CORE_PT_270_REQUEST;
  m.processing_mode = "RealTime";
  m.payload_id = PID;
  m.timestamp = TS;
  m.sender_id = "SAMPLECLINIC";
  m.receiver_id = "SAMPLE HUB";
  m.core_rule_version = "2.2.0";
  m.payload = X12_270;
  m.payload_len = sizeof X12_270 - 1;
  m.username = USER;
  m.password = PASS;
  return m;
}

static x12kit_core_message batch_request(void)
{
  x12kit_core_message m;

  x12kit_core_message_init(&m, X12KIT_CORE_BATCH_SUBMISSION);
  m.payload_type = X12KIT_CORE_PT_270_REQUEST;
  m.payload_id = PID;
  m.timestamp = TS;
  m.sender_id = "SAMPLECLINIC";
  m.receiver_id = "SAMPLEHUB";
  m.payload = X12_270;
  m.payload_len = sizeof X12_270 - 1;
  return m;
}

/* ---- helpers ---- */

static void assert_no_secret_text(const char *t)
{
  if (strstr(t, USER) || strstr(t, "S3cr3t") || strstr(t, PATIENT) || strstr(t, "ISA*"))
    fail_msg("an error text shows a value: %s", t);
}

static void assert_no_secret(const x12kit_error *e)
{
  char line[512];

  assert_no_secret_text(e->text);
  assert_no_secret_text(e->value);
  x12kit_error_format(e, line, sizeof line);
  assert_no_secret_text(line);
}

static void assert_str_or_null(const char *want, const char *got)
{
  if (want == NULL)
    assert_null(got);
  else {
    assert_non_null(got);
    assert_string_equal(want, got);
  }
}

/* Every field of |want| is in |got|, byte for byte. */
static void assert_same(const x12kit_core_message *want, const x12kit_core_message *got)
{
  assert_int_equal(want->kind, got->kind);
  assert_str_or_null(want->payload_type, got->payload_type);
  assert_str_or_null(want->processing_mode, got->processing_mode);
  assert_str_or_null(want->payload_id, got->payload_id);
  assert_str_or_null(want->payload_length, got->payload_length);
  assert_str_or_null(want->timestamp, got->timestamp);
  assert_str_or_null(want->sender_id, got->sender_id);
  assert_str_or_null(want->receiver_id, got->receiver_id);
  assert_str_or_null(want->core_rule_version, got->core_rule_version);
  assert_str_or_null(want->checksum, got->checksum);
  assert_str_or_null(want->error_code, got->error_code);
  assert_str_or_null(want->error_message, got->error_message);
  assert_str_or_null(want->username, got->username);
  assert_str_or_null(want->password, got->password);
  if (want->payload == NULL) {
    assert_null(got->payload);
  } else {
    size_t n = want->payload_len ? want->payload_len : strlen(want->payload);
    assert_non_null(got->payload);
    assert_int_equal(n, got->payload_len);
    assert_memory_equal(want->payload, got->payload, n);
    assert_int_equal(got->payload[n], '\0');
  }
}

static x12kit_core_parse_options strict_opts(void)
{
  x12kit_core_parse_options o;

  memset(&o, 0, sizeof o);
  o.flags = X12KIT_CORE_PARSE_STRICT;
  return o;
}

/* Builds |m| as SOAP, parses it back strictly, checks every field. */
static void soap_round_trip(const x12kit_core_message *m, x12kit_core_message *back)
{
  x12kit_core_parse_options o = strict_opts();
  x12kit_core_output out;
  x12kit_error err;
  int rc;

  rc = x12kit_core_build_soap(m, NULL, &out, &err);
  if (rc != X12KIT_OK)
    fail_msg("build_soap: %d %s", rc, err.text);
  assert_int_equal(strlen(out.data), out.len);
  rc = x12kit_core_parse_soap(out.data, out.len, &o, back, &err);
  if (rc != X12KIT_OK)
    fail_msg("parse_soap: %d %s", rc, err.text);
  assert_int_equal(back->quirks, 0);
  x12kit_core_output_free(&out);
  assert_null(out.data);
}

static void mime_round_trip(const x12kit_core_message *m, const char *boundary,
                            x12kit_core_message *back)
{
  x12kit_core_parse_options o = strict_opts();
  x12kit_core_output out;
  x12kit_error err;
  int rc;

  rc = x12kit_core_build_mime(m, boundary, NULL, &out, &err);
  if (rc != X12KIT_OK)
    fail_msg("build_mime: %d %s", rc, err.text);
  rc = x12kit_core_parse(out.content_type, out.data, out.len, &o, back, &err);
  if (rc != X12KIT_OK)
    fail_msg("parse_mime: %d %s", rc, err.text);
  assert_int_equal(back->quirks, 0);
  x12kit_core_output_free(&out);
}

/* Parses |xml| leniently; returns the status, |m| filled on success. */
static int soap(const char *xml, unsigned flags, x12kit_core_message *m, x12kit_error *err)
{
  x12kit_core_parse_options o;

  memset(&o, 0, sizeof o);
  o.flags = flags;
  return x12kit_core_parse_soap(xml, strlen(xml), &o, m, err);
}

static int mime(const char *ct, const char *body, unsigned flags, x12kit_core_message *m,
                x12kit_error *err)
{
  x12kit_core_parse_options o;

  memset(&o, 0, sizeof o);
  o.flags = flags;
  return x12kit_core_parse_mime(ct, body, strlen(body), &o, m, err);
}

/* ---- names, identifiers, time ---- */

static void test_payload_types(void **state)
{
  (void)state;
  assert_string_equal(x12kit_core_payload_type("270", 0), "X12_270_Request_005010X279A1");
  assert_string_equal(x12kit_core_payload_type("271", 1), "X12_271_Response_005010X279A1");
  assert_string_equal(x12kit_core_payload_type("278", 0), "X12_278_Request_005010X217E1_2");
  assert_string_equal(x12kit_core_payload_type("278", 1), "X12_278_Response_005010X217E1_2");
  assert_string_equal(x12kit_core_payload_type("999", 1), "X12_999_Response_005010X231A1");
  assert_string_equal(x12kit_core_payload_type("TA1", 1), "X12_TA1_Response_00501X231A1");
  assert_null(x12kit_core_payload_type("837", 0));
  assert_null(x12kit_core_payload_type(NULL, 0));
  assert_string_equal(x12kit_core_payload_type_transaction(X12KIT_CORE_PT_271_RESPONSE), "271");
  assert_string_equal(x12kit_core_payload_type_transaction(X12KIT_CORE_PT_TA1_RESPONSE), "TA1");
  assert_string_equal(x12kit_core_payload_type_transaction("X12_999_Response_005010x231A1"),
                      "999");
  assert_null(x12kit_core_payload_type_transaction(X12KIT_CORE_PT_ENVELOPE_ERROR));
  assert_null(x12kit_core_payload_type_transaction("JSON"));
  assert_string_equal(x12kit_core_kind_element(X12KIT_CORE_REALTIME_REQUEST),
                      "COREEnvelopeRealTimeRequest");
  assert_string_equal(x12kit_core_kind_element(X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE),
                      "COREEnvelopeBatchResultsAckSubmissionResponse");
  assert_string_equal(x12kit_core_kind_element((x12kit_core_kind)99), "");
  assert_string_equal(x12kit_core_soap_action(X12KIT_CORE_REALTIME_REQUEST),
                      "RealTimeTransaction");
  assert_string_equal(x12kit_core_soap_action(X12KIT_CORE_BATCH_SUBMISSION),
                      "BatchSubmitTransaction");
  assert_null(x12kit_core_soap_action(X12KIT_CORE_REALTIME_RESPONSE));
  assert_true(x12kit_core_kind_is_request(X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST));
  assert_false(x12kit_core_kind_is_request(X12KIT_CORE_SOAP_FAULT));
}

static int is_hex_lower(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_uuid(void **state)
{
  char ids[64][X12KIT_CORE_UUID_SIZE], small[36];
  size_t i, j;

  (void)state;
  for (i = 0; i < 64; i++) {
    x12kit_core_message m = rt_request();
    x12kit_core_code code;

    assert_int_equal(x12kit_core_new_payload_id(ids[i], sizeof ids[i]), X12KIT_OK);
    assert_int_equal(strlen(ids[i]), 36);
    for (j = 0; j < 36; j++) {
      if (j == 8 || j == 13 || j == 18 || j == 23)
        assert_int_equal(ids[i][j], '-');
      else
        assert_true(is_hex_lower(ids[i][j]));
    }
    assert_int_equal(ids[i][14], '4');                     /* version 4 */
    assert_non_null(strchr("89ab", ids[i][19]));            /* RFC 4122 variant */
    for (j = 0; j < i; j++)
      assert_string_not_equal(ids[i], ids[j]);
    m.payload_id = ids[i];
    assert_int_equal(x12kit_core_validate(&m, 0, &code, NULL), X12KIT_OK);
    assert_int_equal(code, X12KIT_CORE_SUCCESS);
  }
  assert_int_equal(x12kit_core_new_payload_id(small, sizeof small), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_new_payload_id(NULL, 64), X12KIT_ERR_ARG);
}

static void test_timestamp_and_checksum(void **state)
{
  char ts[X12KIT_CORE_TIMESTAMP_SIZE], sum[X12KIT_CORE_CHECKSUM_SIZE];

  (void)state;
  assert_int_equal(x12kit_core_timestamp(ts, sizeof ts, (time_t)1798794000), X12KIT_OK);
  assert_string_equal(ts, "2027-01-01T09:00:00Z");
  assert_int_equal(x12kit_core_timestamp(ts, sizeof ts, (time_t)951782400), X12KIT_OK);
  assert_string_equal(ts, "2000-02-29T00:00:00Z");
  assert_int_equal(x12kit_core_timestamp(ts, 20, 0), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_checksum("abc", 3, sum, sizeof sum), X12KIT_OK);
  assert_string_equal(sum, "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert_int_equal(x12kit_core_checksum("", 0, sum, sizeof sum), X12KIT_OK);
  assert_string_equal(sum, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert_int_equal(x12kit_core_checksum("abc", 3, sum, 40), X12KIT_ERR_ARG);
}

/* ---- SOAP round trips ---- */

static void test_soap_request(void **state)
{
  x12kit_core_message m = rt_request(), back;
  x12kit_core_output out;
  x12kit_error err;
  x12kit_core_code code;

  (void)state;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_OK);
  assert_string_equal(out.content_type,
                      "application/soap+xml; charset=utf-8; action=\"RealTimeTransaction\"");
  /* only the envelope element is qualified; the header carries PasswordText */
  assert_non_null(strstr(out.data, "<cor:COREEnvelopeRealTimeRequest xmlns:cor=\""
                                   "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd\">"));
  assert_non_null(strstr(out.data, "<PayloadType>X12_270_Request_005010X279A1</PayloadType>"));
  assert_null(strstr(out.data, "<cor:PayloadType"));
  assert_non_null(strstr(out.data, "<soap:Envelope xmlns:soap=\""
                                   "http://www.w3.org/2003/05/soap-envelope\">"));
  assert_non_null(strstr(out.data, "#PasswordText\">S3cr3t&amp;&lt;Pa55&gt;</wsse:Password>"));
  assert_non_null(strstr(out.data, "ACME &amp; SONS &lt;HEALTH&gt;"));
  assert_non_null(strstr(out.data, "NORTH ]]&gt; INFUSION"));
  assert_non_null(strstr(out.data, "~&#13;\n"));
  assert_null(strstr(out.data, "\r"));
  x12kit_core_output_free(&out);

  soap_round_trip(&m, &back);
  assert_same(&m, &back);
  assert_int_equal(x12kit_core_validate(&back, X12KIT_CORE_VALIDATE_CREDENTIALS, &code, &err),
                   X12KIT_OK);
  assert_int_equal(code, X12KIT_CORE_SUCCESS);
  x12kit_core_message_clear(&back);
  assert_null(back.payload);

  /* without credentials: no header at all */
  m.username = m.password = NULL;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_OK);
  assert_null(strstr(out.data, "Header"));
  x12kit_core_output_free(&out);
  soap_round_trip(&m, &back);
  assert_same(&m, &back);
  x12kit_core_message_clear(&back);

  /* defaults: ProcessingMode and CORERuleVersion */
  m.processing_mode = NULL;
  m.core_rule_version = NULL;
  soap_round_trip(&m, &back);
  assert_string_equal(back.processing_mode, "RealTime");
  assert_string_equal(back.core_rule_version, "2.2.0");
  x12kit_core_message_clear(&back);
}

static void test_soap_response(void **state)
{
  x12kit_core_message req = rt_request(), resp, back;
  x12kit_core_output out;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_core_response_init(&resp, &req, "2027-01-01T09:00:02Z"), X12KIT_OK);
  assert_int_equal(resp.kind, X12KIT_CORE_REALTIME_RESPONSE);
  assert_string_equal(resp.sender_id, req.receiver_id);
  assert_string_equal(resp.receiver_id, req.sender_id);
  assert_string_equal(resp.payload_id, PID);
  assert_string_equal(resp.error_code, "Success");
  resp.payload_type = X12KIT_CORE_PT_271_RESPONSE;
  resp.payload = X12_271;
  assert_int_equal(x12kit_core_build_soap(&resp, NULL, &out, &err), X12KIT_OK);
  assert_string_equal(out.content_type, "application/soap+xml; charset=utf-8");
  assert_null(strstr(out.data, "Security"));
  x12kit_core_output_free(&out);
  soap_round_trip(&resp, &back);
  assert_same(&resp, &back);
  assert_int_equal(x12kit_core_check_response(&req, &back, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);

  /* no payload: Payload is optional in a response */
  resp.payload = NULL;
  soap_round_trip(&resp, &back);
  assert_null(back.payload);
  assert_int_equal(x12kit_core_check_response(&req, &back, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);

  /* credentials have no place in a response */
  resp.username = USER;
  resp.password = PASS;
  assert_int_equal(x12kit_core_build_soap(&resp, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_no_secret(&err);
  assert_int_equal(x12kit_core_response_init(&resp, &resp, TS), X12KIT_ERR_ARG);
}

static void test_soap_envelope_error(void **state)
{
  x12kit_core_message req = rt_request(), resp, back;
  x12kit_error err;

  (void)state;
  req.timestamp = "2027-01-01 09:00:00";
  assert_int_equal(x12kit_core_error_response_init(&resp, &req, X12KIT_CORE_TIMESTAMP_ILLEGAL,
                                                   "2027-01-01T09:00:01Z"), X12KIT_OK);
  assert_string_equal(resp.payload_type, "CoreEnvelopeError");
  assert_string_equal(resp.error_code, "TimeStampIllegal");
  assert_null(resp.payload);
  soap_round_trip(&resp, &back);
  assert_same(&resp, &back);
  assert_int_equal(x12kit_core_check_response(&req, &back, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "TimeStampIllegal"));
  x12kit_core_message_clear(&back);

  /* a request with nothing to echo still gets a buildable answer */
  req.payload_id = NULL;
  req.sender_id = NULL;
  assert_int_equal(x12kit_core_error_response_init(&resp, &req, X12KIT_CORE_PAYLOAD_ID_REQUIRED,
                                                   TS), X12KIT_OK);
  assert_string_equal(resp.payload_id, "");
  soap_round_trip(&resp, &back);
  assert_string_equal(back.payload_id, "");
  assert_string_equal(back.error_code, "PayloadIDRequired");
  x12kit_core_message_clear(&back);
  assert_int_equal(x12kit_core_error_response_init(&resp, &req, (x12kit_core_code)77, TS),
                   X12KIT_ERR_ARG);
}

static void test_soap_fault(void **state)
{
  x12kit_core_message f, back;
  x12kit_core_output out;
  x12kit_error err;

  (void)state;
  x12kit_core_message_init(&f, X12KIT_CORE_SOAP_FAULT);
  f.fault_code = "Sender";
  f.fault_subcode = "UnAuthorized";
  f.fault_reason = "The user name & password were not accepted";
  assert_int_equal(x12kit_core_build_soap(&f, NULL, &out, &err), X12KIT_OK);
  assert_non_null(strstr(out.data, "<soap:Value>soap:Sender</soap:Value>"));
  assert_non_null(strstr(out.data, "password were not accepted"));
  x12kit_core_output_free(&out);
  soap_round_trip(&f, &back);
  assert_int_equal(back.kind, X12KIT_CORE_SOAP_FAULT);
  assert_string_equal(back.fault_code, "Sender");
  assert_string_equal(back.fault_subcode, "UnAuthorized");
  assert_string_equal(back.fault_reason, f.fault_reason);
  assert_int_equal(x12kit_core_check_response(NULL, &back, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "SOAP fault (Sender)"));
  x12kit_core_message_clear(&back);

  f.fault_code = "Client";                   /* SOAP 1.1's name */
  assert_int_equal(x12kit_core_build_soap(&f, NULL, &out, &err), X12KIT_ERR_ARG);
  f.fault_code = "Receiver";
  f.fault_reason = NULL;
  assert_int_equal(x12kit_core_build_soap(&f, NULL, &out, &err), X12KIT_ERR_ARG);
  f.fault_reason = "x";
  f.fault_subcode = "not a name";
  assert_int_equal(x12kit_core_build_soap(&f, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_mime(&f, NULL, NULL, &out, &err), X12KIT_ERR_ARG);

  /* a fault from elsewhere: another prefix, a foreign subcode, two texts */
  assert_int_equal(soap("<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'>"
                        "<e:Body><e:Fault><e:Code><e:Value>e:Receiver</e:Value>"
                        "<e:Subcode><e:Value xmlns:x='urn:x'>x:Busy</e:Value></e:Subcode>"
                        "</e:Code><e:Reason><e:Text xml:lang='en'> try later </e:Text>"
                        "<e:Text xml:lang='fr'>plus tard</e:Text></e:Reason>"
                        "<e:Detail><x:d xmlns:x='urn:x'/></e:Detail></e:Fault></e:Body>"
                        "</e:Envelope>", 0, &back, &err), X12KIT_OK);
  assert_string_equal(back.fault_code, "Receiver");
  assert_string_equal(back.fault_subcode, "Busy");
  assert_string_equal(back.fault_reason, "try later");
  x12kit_core_message_clear(&back);
  assert_int_equal(soap("<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'>"
                        "<e:Body><e:Fault><e:Reason><e:Text>x</e:Text></e:Reason></e:Fault>"
                        "</e:Body></e:Envelope>", 0, &back, &err), X12KIT_ERR_ENVELOPE);
}

static void test_soap_batch(void **state)
{
  x12kit_core_message m = batch_request(), back, want;
  x12kit_core_output out;
  x12kit_error err;
  x12kit_core_code code;
  char sum[X12KIT_CORE_CHECKSUM_SIZE], len[24];
  static const char binary[] = "ISA*\x1c\x1d\x1e\x1f\x01 raw bytes\xff\xfe";

  (void)state;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_OK);
  assert_string_equal(out.content_type,
                      "application/soap+xml; charset=utf-8; action=\"BatchSubmitTransaction\"");
  assert_null(strstr(out.data, "ISA*"));                  /* base64, not text */
  assert_non_null(strstr(out.data, "<Payload>SVNBKjAw"));
  x12kit_core_output_free(&out);
  soap_round_trip(&m, &back);
  want = m;
  want.processing_mode = "Batch";
  want.core_rule_version = "2.2.0";
  snprintf(len, sizeof len, "%zu", m.payload_len);
  want.payload_length = len;
  x12kit_core_checksum(m.payload, m.payload_len, sum, sizeof sum);
  want.checksum = sum;
  assert_same(&want, &back);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);

  /* control bytes and non-UTF-8 travel fine in base64 */
  m.payload = binary;
  m.payload_len = sizeof binary - 1;
  soap_round_trip(&m, &back);
  assert_int_equal(back.payload_len, sizeof binary - 1);
  assert_memory_equal(back.payload, binary, sizeof binary - 1);
  x12kit_core_message_clear(&back);

  /* every batch kind builds and reads back as itself */
  {
    x12kit_core_kind k;
    for (k = X12KIT_CORE_BATCH_SUBMISSION; k <= X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION_RESPONSE;
         k++) {
      x12kit_core_message b = batch_request();
      b.kind = k;
      if (!x12kit_core_kind_is_request(k)) {
        b.error_code = "Success";
        b.error_message = "ok";
        b.payload_type = X12KIT_CORE_PT_999_RESPONSE;
      } else if (k != X12KIT_CORE_BATCH_SUBMISSION) {
        b.payload = NULL;           /* a retrieval has no payload, nor length or sum */
      }
      soap_round_trip(&b, &back);
      assert_int_equal(back.kind, k);
      assert_int_equal(back.payload != NULL, b.payload != NULL);
      assert_int_equal(back.checksum != NULL, b.payload != NULL);
      x12kit_core_message_clear(&back);
    }
  }
}

static void test_soap_refuses_to_build(void **state)
{
  x12kit_core_message m = rt_request();
  x12kit_core_output out;
  x12kit_error err;
  static const char ctl[] = "ISA*00*\x1c~";

  (void)state;
  m.payload = ctl;
  m.payload_len = sizeof ctl - 1;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_DATA);
  assert_null(out.data);
  assert_no_secret(&err);
  m.payload = "ISA\xc3(";                                  /* not UTF-8 */
  m.payload_len = 0;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_DATA);
  m = rt_request();
  m.sender_id = NULL;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "SenderID is required"));
  m = rt_request();
  m.checksum = "abc";
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_non_null(strstr(err.text, "CheckSum has no place"));
  m = rt_request();
  m.password = NULL;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_no_secret(&err);
  m = rt_request();
  m.password = "line\nbreak " PASS;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_DATA);
  assert_no_secret(&err);
  m = rt_request();
  m.receiver_id = "TAB\tHERE";
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_DATA);
  m.kind = (x12kit_core_kind)42;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_soap(NULL, NULL, &out, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_soap(&m, NULL, NULL, &err), X12KIT_ERR_ARG);
}

/* ---- MIME round trips ---- */

static void test_mime_request(void **state)
{
  x12kit_core_message m = rt_request(), back;
  x12kit_core_output out;
  x12kit_error err;
  x12kit_core_code code;

  (void)state;
  assert_int_equal(x12kit_core_build_mime(&m, "CoreBoundary42", NULL, &out, &err), X12KIT_OK);
  assert_string_equal(out.content_type, "multipart/form-data; boundary=CoreBoundary42");
  assert_non_null(strstr(out.data, "--CoreBoundary42\r\nContent-Disposition: form-data; "
                                   "name=\"PayloadID\"\r\n\r\n" "0b9e3c1a"));
  assert_non_null(strstr(out.data, "name=\"UserName\"\r\n\r\n" USER "\r\n"));
  assert_non_null(strstr(out.data, "\r\n--CoreBoundary42--\r\n"));
  assert_non_null(strstr(out.data, "ACME & SONS <HEALTH>"));     /* raw bytes */
  x12kit_core_output_free(&out);

  mime_round_trip(&m, "CoreBoundary42", &back);
  assert_same(&m, &back);
  assert_int_equal(x12kit_core_validate(&back, X12KIT_CORE_VALIDATE_CREDENTIALS, &code, &err),
                   X12KIT_OK);
  x12kit_core_message_clear(&back);

  /* a boundary that needs quoting, and a generated one */
  mime_round_trip(&m, "a b:c=d?", &back);
  assert_same(&m, &back);
  x12kit_core_message_clear(&back);
  assert_int_equal(x12kit_core_build_mime(&m, NULL, NULL, &out, &err), X12KIT_OK);
  assert_non_null(strstr(out.content_type, "multipart/form-data; boundary=x12kit-"));
  assert_int_equal(strlen(out.content_type), strlen("multipart/form-data; boundary=x12kit-") + 32);
  x12kit_core_output_free(&out);
  mime_round_trip(&m, NULL, &back);
  assert_same(&m, &back);
  x12kit_core_message_clear(&back);

  /* control-character delimiters go through MIME untouched */
  {
    static const char ctl[] = "ISA*00*\x1c\x1d\x1e~\r\n\x00tail";
    m.payload = ctl;
    m.payload_len = sizeof ctl - 1;
    mime_round_trip(&m, NULL, &back);
    assert_same(&m, &back);
    x12kit_core_message_clear(&back);
  }
}

static void test_mime_response_and_batch(void **state)
{
  x12kit_core_message req = rt_request(), resp, back, b = batch_request(), want;
  x12kit_error err;
  x12kit_core_code code;
  char sum[X12KIT_CORE_CHECKSUM_SIZE], len[24];

  (void)state;
  x12kit_core_response_init(&resp, &req, TS);
  resp.payload_type = X12KIT_CORE_PT_271_RESPONSE;
  resp.payload = X12_271;
  mime_round_trip(&resp, NULL, &back);
  assert_same(&resp, &back);
  assert_int_equal(x12kit_core_check_response(&req, &back, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);

  x12kit_core_error_response_init(&resp, &req, X12KIT_CORE_UNAUTHORIZED, TS);
  mime_round_trip(&resp, NULL, &back);
  assert_same(&resp, &back);
  assert_int_equal(x12kit_core_check_response(&req, &back, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "UnAuthorized"));
  x12kit_core_message_clear(&back);

  mime_round_trip(&b, NULL, &back);
  want = b;
  want.processing_mode = "Batch";
  want.core_rule_version = "2.2.0";
  snprintf(len, sizeof len, "%zu", b.payload_len);
  want.payload_length = len;
  x12kit_core_checksum(b.payload, b.payload_len, sum, sizeof sum);
  want.checksum = sum;
  assert_same(&want, &back);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);

  /* the kind of a MIME batch message comes from its PayloadType */
  b.kind = X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST;
  b.payload_type = "X12_999_RetrievalRequest_005010X231A1";
  b.payload = NULL;
  mime_round_trip(&b, NULL, &back);
  assert_int_equal(back.kind, X12KIT_CORE_BATCH_ACK_RETRIEVAL_REQUEST);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_OK);
  x12kit_core_message_clear(&back);
  b.kind = X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST;
  b.payload_type = "X12_005010_Request_Batch_Results_271";
  mime_round_trip(&b, NULL, &back);
  assert_int_equal(back.kind, X12KIT_CORE_BATCH_RESULTS_RETRIEVAL_REQUEST);
  x12kit_core_message_clear(&back);
  b.kind = X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION;
  b.payload_type = "X12_999_SubmissionRequest_005010X231A1";
  b.payload = X12_271;
  b.payload_len = 0;
  mime_round_trip(&b, NULL, &back);
  assert_int_equal(back.kind, X12KIT_CORE_BATCH_RESULTS_ACK_SUBMISSION);
  x12kit_core_message_clear(&back);
}

static void test_mime_boundary_in_payload(void **state)
{
  x12kit_core_message m = rt_request(), back;
  x12kit_core_output out;
  x12kit_error err;
  char payload[512];
  int i;

  (void)state;
  snprintf(payload, sizeof payload, "%s--CoreBoundary42--\r\n--CoreBoundary42\r\n"
           "x12kit-0123456789abcdef", X12_271);
  m.payload = payload;
  m.payload_len = 0;
  assert_int_equal(x12kit_core_build_mime(&m, "CoreBoundary42", NULL, &out, &err),
                   X12KIT_ERR_DATA);
  assert_null(out.data);
  assert_no_secret(&err);
  m.password = "pw-CoreBoundary42";
  m.payload = X12_271;
  assert_int_equal(x12kit_core_build_mime(&m, "CoreBoundary42", NULL, &out, &err),
                   X12KIT_ERR_DATA);
  m.password = PASS;
  m.payload = payload;
  /* a generated boundary avoids it, every time */
  for (i = 0; i < 20; i++) {
    mime_round_trip(&m, NULL, &back);
    assert_same(&m, &back);
    x12kit_core_message_clear(&back);
  }
  /* a boundary the payload's text merely starts like is fine */
  mime_round_trip(&m, "CoreBoundary42x", &back);
  assert_same(&m, &back);
  x12kit_core_message_clear(&back);

  assert_int_equal(x12kit_core_build_mime(&m, "", NULL, &out, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_mime(&m, "ends in space ", NULL, &out, &err),
                   X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_mime(&m, "semi;colon", NULL, &out, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_build_mime(&m, "01234567890123456789012345678901234567890123456789"
                                              "012345678901234567890", NULL, &out, &err),
                   X12KIT_ERR_ARG);
}

/* ---- variants a client must accept ---- */

#define ENV_OPEN "<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'><soap:Body>"
#define ENV_CLOSE "</soap:Body></soap:Envelope>"
#define CORE_NS "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
#define RESP_FIELDS                                                                   \
  "<PayloadType>X12_271_Response_005010X279A1</PayloadType>"                           \
  "<ProcessingMode>RealTime</ProcessingMode>"                                          \
  "<PayloadID>0b9e3c1a-52d4-4f6e-9a10-7c3d2e1f4a58</PayloadID>"                        \
  "<TimeStamp>2027-01-01T09:00:00Z</TimeStamp><SenderID>HUB</SenderID>"                \
  "<ReceiverID>CLINIC</ReceiverID><CORERuleVersion>2.2.0</CORERuleVersion>"            \
  "<Payload>ISA*00*~</Payload><ErrorCode>Success</ErrorCode>"                          \
  "<ErrorMessage>fine</ErrorMessage>"

/* Lenient parsing accepts |xml| with |quirk| set; strict parsing refuses it. */
static void variant(const char *xml, unsigned quirk)
{
  x12kit_core_message m;
  x12kit_error err;
  int rc;

  rc = soap(xml, 0, &m, &err);
  if (rc != X12KIT_OK)
    fail_msg("variant refused: %s", err.text);
  assert_int_equal(m.quirks, quirk);
  assert_int_equal(m.kind, X12KIT_CORE_REALTIME_RESPONSE);
  assert_string_equal(m.payload_type, X12KIT_CORE_PT_271_RESPONSE);
  assert_string_equal(m.error_code, "Success");
  x12kit_core_message_clear(&m);
  if (quirk) {
    assert_int_equal(soap(xml, X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_ERR_ENVELOPE);
    assert_non_null(strstr(err.text, "strict parsing refuses"));
    assert_null(m.payload_type);
  }
}

static void test_soap_tolerant(void **state)
{
  x12kit_core_message m;
  x12kit_error err;

  (void)state;
  /* the rule's form */
  variant(ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>" RESP_FIELDS
          "</cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE, 0);
  /* other prefixes, a default namespace on the envelope element undone below it */
  variant("<S:Envelope xmlns:S='http://www.w3.org/2003/05/soap-envelope'><S:Header/><S:Body>"
          "<ns7:COREEnvelopeRealTimeResponse xmlns:ns7='" CORE_NS "'>" RESP_FIELDS
          "</ns7:COREEnvelopeRealTimeResponse></S:Body></S:Envelope>", 0);
  variant("<Envelope xmlns='http://www.w3.org/2003/05/soap-envelope'><Body>"
          "<COREEnvelopeRealTimeResponse xmlns='" CORE_NS "'><PayloadType xmlns=''>"
          "X12_271_Response_005010X279A1</PayloadType><ErrorCode xmlns=''>Success</ErrorCode>"
          "</COREEnvelopeRealTimeResponse></Body></Envelope>", 0);
  /* white space, comments, an XML declaration, CDATA and references */
  {
    static const char xml[] =
      "<?xml version='1.0' encoding='utf-8'?>\n<!-- hi -->\n" ENV_OPEN "\n  "
      "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>\n"
      "    <PayloadType>\n      X12_271_Response_005010X279A1\n    </PayloadType>\n"
      "    <ProcessingMode> Real<!-- x -->Time </ProcessingMode>\n"
      "    <PayloadID>0b9e3c1a-52d4-4f6e-9a10-7c3d2e1f4a58</PayloadID>\n"
      "    <SenderID>A&amp;B &#x41;</SenderID>\n"
      "    <Payload>\n      <![CDATA[ISA*00*<&>~\r\nIEA*1~]]>\n    </Payload>\n"
      "    <ErrorCode><![CDATA[Success]]></ErrorCode>\n"
      "  </cor:COREEnvelopeRealTimeResponse>\n" ENV_CLOSE "\n";
    assert_int_equal(soap(xml, X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_OK);
    assert_string_equal(m.payload_type, X12KIT_CORE_PT_271_RESPONSE);
    assert_string_equal(m.processing_mode, "RealTime");
    assert_string_equal(m.sender_id, "A&B A");
    /* CDATA: the white space around it is layout; CR inside CDATA is
       normalized by XML itself */
    assert_string_equal(m.payload, "ISA*00*<&>~\nIEA*1~");
    assert_string_equal(m.error_code, "Success");
    x12kit_core_message_clear(&m);
  }
  /* an encoding declaration that says UTF-8 or ASCII, in any case and spacing */
  assert_int_equal(soap("\xef\xbb\xbf<?xml version=\"1.0\" encoding = \"US-ASCII\"?>" ENV_OPEN
                        "<c:COREEnvelopeRealTimeResponse xmlns:c='" CORE_NS "'>" RESP_FIELDS
                        "</c:COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_PARSE_STRICT,
                        &m, &err), X12KIT_OK);
  x12kit_core_message_clear(&m);
  /* a payload without CDATA keeps its white space */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeRealTimeResponse xmlns:c='" CORE_NS "'>"
                        "<Payload> ISA*x~&#13;\n</Payload></c:COREEnvelopeRealTimeResponse>"
                        ENV_CLOSE, 0, &m, &err), X12KIT_OK);
  assert_string_equal(m.payload, " ISA*x~\r\n");
  x12kit_core_message_clear(&m);

  /* quirks */
  variant(ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>"
          "<cor:PayloadType>X12_271_Response_005010X279A1</cor:PayloadType>"
          "<cor:ErrorCode>Success</cor:ErrorCode></cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE,
          X12KIT_CORE_QUIRK_QUALIFIED_FIELDS);
  variant(ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>"
          "<ErrorCode>Success</ErrorCode><PayloadType>X12_271_Response_005010X279A1</PayloadType>"
          "</cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_QUIRK_FIELD_ORDER);
  variant(ENV_OPEN "<ns2:realTimeTransactionResponse xmlns:ns2='urn:vendor'>"
          "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>" RESP_FIELDS
          "</cor:COREEnvelopeRealTimeResponse></ns2:realTimeTransactionResponse>" ENV_CLOSE,
          X12KIT_CORE_QUIRK_WRAPPED);
  variant(ENV_OPEN "<v4:COREEnvelopeRealTimeResponse "
          "xmlns:v4='http://www.caqh.org/SOAP/WSDL/CORERule4.0.0.xsd'>" RESP_FIELDS
          "</v4:COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_QUIRK_NAMESPACE);
  variant(ENV_OPEN "<COREEnvelopeRealTimeResponse>" RESP_FIELDS
          "</COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_QUIRK_NAMESPACE);
  variant(ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>" RESP_FIELDS
          "<Vendor>1</Vendor><x:PayloadType xmlns:x='urn:x'>no</x:PayloadType>"
          "</cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
  variant(ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>"
          "<Payloadtype>X12_271_Response_005010X279A1</Payloadtype>"
          "<ErrorCode>Success</ErrorCode></cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE,
          X12KIT_CORE_QUIRK_FIELD_CASE);
  variant("<?xml-stylesheet href='a'?>" ENV_OPEN "<cor:COREEnvelopeRealTimeResponse xmlns:cor='"
          CORE_NS "'>" RESP_FIELDS "</cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE,
          X12KIT_CORE_QUIRK_PI);
  variant("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'><soap:Header>"
          "<a:Action xmlns:a='http://www.w3.org/2005/08/addressing' soap:mustUnderstand='1'>x"
          "</a:Action><b:Note xmlns:b='urn:b'/></soap:Header><soap:Body>"
          "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>" RESP_FIELDS
          "</cor:COREEnvelopeRealTimeResponse>" ENV_CLOSE, X12KIT_CORE_QUIRK_HEADER_IGNORED);
  variant("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'>junk<soap:Body>"
          "<cor:COREEnvelopeRealTimeResponse xmlns:cor='" CORE_NS "'>" RESP_FIELDS
          "</cor:COREEnvelopeRealTimeResponse></soap:Body><soap:Header/></soap:Envelope>",
          X12KIT_CORE_QUIRK_SOAP_LAYOUT);

  /* a field the envelope does not have is kept, for validation to name */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>"
                        "<PayloadType>X12_270_Request_005010X279A1</PayloadType>"
                        "<ErrorCode>Success</ErrorCode></c:COREEnvelopeRealTimeRequest>"
                        ENV_CLOSE, 0, &m, &err), X12KIT_OK);
  assert_int_equal(m.quirks, X12KIT_CORE_QUIRK_UNKNOWN_FIELD);
  assert_string_equal(m.error_code, "Success");
  x12kit_core_message_clear(&m);

  /* a password digest is not a password */
  assert_int_equal(soap("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' "
                        "xmlns:w='" X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security>"
                        "<w:UsernameToken><w:Username>" USER "</w:Username>"
                        "<w:Password Type='urn:digest'>abc</w:Password></w:UsernameToken>"
                        "</w:Security></soap:Header><soap:Body><c:COREEnvelopeRealTimeRequest "
                        "xmlns:c='" CORE_NS "'/></soap:Body></soap:Envelope>", 0, &m, &err),
                   X12KIT_OK);
  assert_int_equal(m.quirks, X12KIT_CORE_QUIRK_PASSWORD_TYPE);
  assert_string_equal(m.username, USER);
  assert_null(m.password);
  x12kit_core_message_clear(&m);

  /* a batch payload sent as text, not base64 */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeBatchSubmission xmlns:c='" CORE_NS "'>"
                        "<Payload>ISA*00*~IEA*1~</Payload></c:COREEnvelopeBatchSubmission>"
                        ENV_CLOSE, 0, &m, &err), X12KIT_OK);
  assert_int_equal(m.quirks, X12KIT_CORE_QUIRK_RAW_BATCH_PAYLOAD);
  assert_string_equal(m.payload, "ISA*00*~IEA*1~");
  x12kit_core_message_clear(&m);
  /* base64 with line breaks and without padding */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeBatchSubmission xmlns:c='" CORE_NS "'>"
                        "<Payload>\n SVNB\nKjAw\n  fg</Payload></c:COREEnvelopeBatchSubmission>"
                        ENV_CLOSE, X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_OK);
  assert_int_equal(m.payload_len, 7);
  assert_string_equal(m.payload, "ISA*00~");
  x12kit_core_message_clear(&m);
}

static void test_mime_tolerant(void **state)
{
  x12kit_core_message m;
  x12kit_error err;

  (void)state;
  /* preamble, quoted boundary, transport padding, folded header, epilogue */
  assert_int_equal(mime("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"b q\"",
                        "This is a preamble.\r\n"
                        "--b q  \r\nContent-Disposition: form-data;\r\n name=\"PayloadType\"\r\n"
                        "Content-Type: text/plain\r\n\r\n"
                        X12KIT_CORE_PT_270_REQUEST "\r\n"
                        "--b q\r\nContent-Disposition: form-data; name=Payload\r\n\r\n"
                        "ISA*--b qx~\r\n\r\n"
                        "--b q\r\ncontent-disposition: form-data; name=\"SenderID\"\r\n\r\n"
                        "  CLINIC \r\n"
                        "--b q--\r\nepilogue --b q\r\n", X12KIT_CORE_PARSE_STRICT, &m, &err),
                   X12KIT_OK);
  assert_int_equal(m.kind, X12KIT_CORE_REALTIME_REQUEST);
  assert_string_equal(m.payload_type, X12KIT_CORE_PT_270_REQUEST);
  assert_string_equal(m.payload, "ISA*--b qx~\r\n");
  assert_string_equal(m.sender_id, "CLINIC");
  x12kit_core_message_clear(&m);

  /* field names in another case, an unknown field, bare LF line ends */
  assert_int_equal(mime("multipart/form-data; boundary=B",
                        "--B\nContent-Disposition: form-data; name=\"PayloadId\"\n\nX\n"
                        "--B\nContent-Disposition: form-data; name=\"Extra\"\n\n1\n"
                        "--B\nContent-Disposition: form-data; name=\"ErrorCode\"\n\nSuccess\n"
                        "--B--", 0, &m, &err), X12KIT_OK);
  assert_int_equal(m.quirks, X12KIT_CORE_QUIRK_FIELD_CASE | X12KIT_CORE_QUIRK_UNKNOWN_FIELD |
                   X12KIT_CORE_QUIRK_BARE_LF);
  assert_int_equal(m.kind, X12KIT_CORE_REALTIME_RESPONSE);
  assert_string_equal(m.payload_id, "X");
  x12kit_core_message_clear(&m);
  assert_int_equal(mime("multipart/form-data; boundary=B",
                        "--B\nContent-Disposition: form-data; name=\"PayloadID\"\n\nX\n--B--",
                        X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(mime("multipart/form-data; boundary=B",
                        "--B\r\nContent-Disposition: form-data; name=\"payloadid\"\r\n\r\nX\r\n"
                        "--B--", X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_ERR_ENVELOPE);

  /* base64 transfer encoding, a headers-only part, an empty value */
  assert_int_equal(mime("multipart/form-data; boundary=B",
                        "--B\r\nContent-Disposition: form-data; name=\"Payload\"\r\n"
                        "Content-Transfer-Encoding: BASE64\r\n\r\nSVNBKjAwfg==\r\n"
                        "--B\r\nContent-Disposition: form-data; name=\"SenderID\"\r\n\r\n"
                        "--B\r\nContent-Disposition: form-data; name=\"ReceiverID\"\r\n\r\n\r\n"
                        "--B--\r\n", X12KIT_CORE_PARSE_STRICT, &m, &err), X12KIT_OK);
  assert_string_equal(m.payload, "ISA*00~");
  assert_string_equal(m.sender_id, "");
  assert_string_equal(m.receiver_id, "");
  x12kit_core_message_clear(&m);
}

/* ---- MTOM ---- */

static void test_mtom(void **state)
{
  x12kit_core_message m;
  x12kit_error err;
  x12kit_core_parse_options o;
  static const char ct[] = "multipart/related; type=\"application/xop+xml\"; "
                           "boundary=\"uuid:4e2d-aa\"; start=\"<root.part@x12kit.test>\"; "
                           "start-info=\"application/soap+xml\"";
  static const char body[] =
    "--uuid:4e2d-aa\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: binary\r\n"
    "Content-ID: <pay%load@x12kit.test>\r\n\r\n"
    "ISA*00*\x1c binary~\r\n"
    "--uuid:4e2d-aa\r\n"
    "Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"\r\n"
    "Content-Transfer-Encoding: binary\r\n"
    "Content-ID: <root.part@x12kit.test>\r\n\r\n"
    ENV_OPEN "<c:COREEnvelopeBatchSubmissionResponse xmlns:c='" CORE_NS "'>"
    "<PayloadType>X12_999_Response_005010X231A1</PayloadType>"
    "<Payload><xop:Include xmlns:xop='http://www.w3.org/2004/08/xop/include' "
    "href='cid:pay%25load@x12kit.test'/></Payload><ErrorCode>Success</ErrorCode>"
    "</c:COREEnvelopeBatchSubmissionResponse>" ENV_CLOSE "\r\n"
    "--uuid:4e2d-aa--\r\n";
  static const char rt[] =
    "--MIMEBoundary_1\r\n"
    "Content-Type: application/xop+xml; charset=utf-8; type=\"application/soap+xml\"\r\n\r\n"
    ENV_OPEN "<c:COREEnvelopeRealTimeResponse xmlns:c='" CORE_NS "'>" RESP_FIELDS
    "</c:COREEnvelopeRealTimeResponse>" ENV_CLOSE "\r\n"
    "--MIMEBoundary_1--\r\n";
  static const char missing[] =
    "--b\r\nContent-Type: application/xop+xml\r\n\r\n"
    ENV_OPEN "<c:COREEnvelopeBatchSubmissionResponse xmlns:c='" CORE_NS "'>"
    "<Payload><xop:Include xmlns:xop='http://www.w3.org/2004/08/xop/include' "
    "href='cid:nowhere'/></Payload></c:COREEnvelopeBatchSubmissionResponse>" ENV_CLOSE "\r\n"
    "--b--\r\n";

  (void)state;
  memset(&o, 0, sizeof o);
  o.flags = X12KIT_CORE_PARSE_STRICT;
  assert_int_equal(x12kit_core_parse(ct, body, sizeof body - 1, &o, &m, &err), X12KIT_OK);
  assert_int_equal(m.kind, X12KIT_CORE_BATCH_SUBMISSION_RESPONSE);
  assert_int_equal(m.quirks, 0);
  assert_int_equal(m.payload_len, strlen("ISA*00*\x1c binary~"));
  assert_string_equal(m.payload, "ISA*00*\x1c binary~");
  x12kit_core_message_clear(&m);

  /* a real-time answer in MTOM: accepted, noted, refused when strict */
  assert_int_equal(x12kit_core_parse_mtom("multipart/related; boundary=MIMEBoundary_1", rt,
                                          sizeof rt - 1, NULL, &m, &err), X12KIT_OK);
  assert_int_equal(m.quirks, X12KIT_CORE_QUIRK_MTOM);
  assert_string_equal(m.payload, "ISA*00*~");
  x12kit_core_message_clear(&m);
  assert_int_equal(x12kit_core_parse_mtom("multipart/related; boundary=MIMEBoundary_1", rt,
                                          sizeof rt - 1, &o, &m, &err), X12KIT_ERR_ENVELOPE);

  assert_int_equal(x12kit_core_parse_mtom("multipart/related; boundary=b", missing,
                                          sizeof missing - 1, NULL, &m, &err),
                   X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "names no part"));
  assert_int_equal(x12kit_core_parse_mtom("multipart/related; boundary=b; start=\"<zz>\"",
                                          missing, sizeof missing - 1, NULL, &m, &err),
                   X12KIT_ERR_ENVELOPE);
  assert_int_equal(x12kit_core_parse_mtom("multipart/form-data; boundary=b", missing,
                                          sizeof missing - 1, NULL, &m, &err),
                   X12KIT_ERR_ENVELOPE);
  /* xop:Include in plain SOAP */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeBatchSubmissionResponse xmlns:c='" CORE_NS "'>"
                        "<Payload><xop:Include xmlns:xop='http://www.w3.org/2004/08/xop/include'"
                        " href='cid:a'/></Payload></c:COREEnvelopeBatchSubmissionResponse>"
                        ENV_CLOSE, 0, &m, &err), X12KIT_ERR_ENVELOPE);
}

static void test_dispatch(void **state)
{
  x12kit_core_message req = rt_request(), m;
  x12kit_core_output out;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_core_build_soap(&req, NULL, &out, &err), X12KIT_OK);
  assert_int_equal(x12kit_core_parse("text/xml", out.data, out.len, NULL, &m, &err), X12KIT_OK);
  x12kit_core_message_clear(&m);
  assert_int_equal(x12kit_core_parse(NULL, out.data, out.len, NULL, &m, &err), X12KIT_OK);
  assert_same(&req, &m);
  x12kit_core_message_clear(&m);
  assert_int_equal(x12kit_core_parse("application/json", out.data, out.len, NULL, &m, &err),
                   X12KIT_ERR_ENVELOPE);
  x12kit_core_output_free(&out);
  assert_int_equal(x12kit_core_parse(NULL, "{\"a\":1}", 7, NULL, &m, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(x12kit_core_parse(NULL, NULL, 0, NULL, &m, &err), X12KIT_ERR_ENVELOPE);
}

/* ---- hostile input ---- */

static void refused_soap(const char *xml, size_t len, size_t cap, int want, const char *why)
{
  x12kit_core_message m;
  x12kit_error err;
  x12kit_core_parse_options o;
  tu_alloc a = { 0, 0, 0, 0 };
  x12kit_mem hooks = tu_alloc_mem(&a);
  int rc;

  memset(&o, 0, sizeof o);
  o.mem = &hooks;
  o.max_size = cap;
  memset(&m, 0x5a, sizeof m);
  rc = x12kit_core_parse_soap(xml, len, &o, &m, &err);
  if (rc != want)
    fail_msg("%s: status %d, wanted %d (%s)", why, rc, want, err.text);
  assert_int_equal(err.code, want);
  assert_true(err.text[0] != '\0');
  assert_no_secret(&err);
  assert_null(m.payload);
  assert_null(m.storage_);
  assert_int_equal(a.live, 0);
}

#define REFUSED_SOAP(xml, want) refused_soap(xml, strlen(xml), 0, want, #want ": " xml)

static void test_soap_hostile(void **state)
{
  char *big;
  size_t i, n;

  (void)state;
  REFUSED_SOAP("<!DOCTYPE x [<!ENTITY a 'b'>]>" ENV_OPEN "&a;" ENV_CLOSE, X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
               "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
               "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
               "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
               "<lolz>&lol3;</lolz>", X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("<!DOCTYPE e SYSTEM 'file:///etc/passwd'>" ENV_OPEN ENV_CLOSE, X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("<!DOCTYPE e PUBLIC '-//x//y' 'http://127.0.0.1:1/x.dtd'><e/>", X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("<!DOCTYPE e>" ENV_OPEN ENV_CLOSE, X12KIT_ERR_SYNTAX);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><SenderID>"
               "&xxe;</SenderID></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE, X12KIT_ERR_SYNTAX);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><Payload>"
               "ISA*" PATIENT " & CO~</Payload></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
               X12KIT_ERR_SYNTAX);                   /* a bare & */
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>",
               X12KIT_ERR_SYNTAX);                   /* truncated */
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><SenderID>"
               "\xc0\xaf</SenderID></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
               X12KIT_ERR_SYNTAX);                   /* overlong UTF-8 */
  REFUSED_SOAP("<?xml version='1.0' encoding='ISO-8859-1'?>" ENV_OPEN ENV_CLOSE,
               X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("\xfe\xff\x00<", X12KIT_ERR_SYNTAX);   /* UTF-16 */
  REFUSED_SOAP("<a>&#1;</a>", X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("", X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("not xml at all", X12KIT_ERR_SYNTAX);
  REFUSED_SOAP("<Envelope/>", X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body/>"
               "</s:Envelope>", X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'/>",
               X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN ENV_CLOSE, X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN "<x:COREEnvelopeRealTimeRequest xmlns:x='urn:other'/>" ENV_CLOSE,
               X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'>"
               "<soap:Body/><soap:Body/></soap:Envelope>", X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope'>"
               "<soap:Header/><soap:Header/><soap:Body/></soap:Envelope>", X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>"
               "<PayloadID>a</PayloadID><PayloadID>b</PayloadID>"
               "</c:COREEnvelopeRealTimeRequest>" ENV_CLOSE, X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>"
               "<PayloadID>a</PayloadID><payloadID>b</payloadID>"
               "</c:COREEnvelopeRealTimeRequest>" ENV_CLOSE, X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>"
               "<SenderID>a<b/></SenderID></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
               X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP(ENV_OPEN "<c:COREEnvelopeBatchSubmission xmlns:c='" CORE_NS "'>"
               "<Payload>%%% not base64 " PATIENT "</Payload></c:COREEnvelopeBatchSubmission>"
               ENV_CLOSE, X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' "
               "xmlns:w='" X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security><w:UsernameToken/>"
               "<w:UsernameToken/></w:Security></soap:Header><soap:Body/></soap:Envelope>",
               X12KIT_ERR_ENVELOPE);
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' "
               "xmlns:w='" X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security><w:UsernameToken>"
               "<w:Password>" PASS "x</w:Password><w:Password>" PASS "</w:Password>"
               "</w:UsernameToken></w:Security></soap:Header><soap:Body/></soap:Envelope>",
               X12KIT_ERR_SYNTAX);                  /* the raw & < in PASS */
  REFUSED_SOAP("<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' "
               "xmlns:w='" X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security><w:UsernameToken>"
               "<w:Password>S3cr3tA</w:Password><w:Password>S3cr3tB</w:Password>"
               "</w:UsernameToken></w:Security></soap:Header><soap:Body/></soap:Envelope>",
               X12KIT_ERR_ENVELOPE);

  /* NUL bytes are UTF-8, but must not make the parser guess UCS-4 */
  refused_soap("\0\0\0<\0\0\0a\0\0\0>", 12, 0, X12KIT_ERR_SYNTAX, "UCS-4 guess");
  refused_soap("<\0?\0x\0m\0l\0", 10, 0, X12KIT_ERR_SYNTAX, "UTF-16 guess");
  REFUSED_SOAP("\xef\xbb\xbf<?xml version=\"1.0\" encoding = \"windows-1252\" ?><a/>",
               X12KIT_ERR_SYNTAX);
  /* over the cap */
  refused_soap(ENV_OPEN ENV_CLOSE, strlen(ENV_OPEN ENV_CLOSE), 10, X12KIT_ERR_TOO_LONG,
               "cap");
  /* nesting deeper than the parser allows (XML_PARSE_HUGE is off) */
  n = 300000;
  big = malloc(n * 3 + 1);
  assert_non_null(big);
  for (i = 0; i < n; i++)
    memcpy(big + 3 * i, "<a>", 3);
  big[3 * n] = '\0';
  refused_soap(big, 3 * n, 0, X12KIT_ERR_SYNTAX, "deep nesting");
  free(big);
}

static void refused_mime(const char *ct, const char *body, unsigned flags, size_t cap, int want,
                         const char *why)
{
  x12kit_core_message m;
  x12kit_error err;
  x12kit_core_parse_options o;
  tu_alloc a = { 0, 0, 0, 0 };
  x12kit_mem hooks = tu_alloc_mem(&a);
  int rc;

  memset(&o, 0, sizeof o);
  o.mem = &hooks;
  o.max_size = cap;
  o.flags = flags;
  rc = x12kit_core_parse_mime(ct, body, strlen(body), &o, &m, &err);
  if (rc != want)
    fail_msg("%s: status %d, wanted %d (%s)", why, rc, want, err.text);
  assert_true(err.text[0] != '\0');
  assert_no_secret(&err);
  assert_null(m.payload);
  assert_null(m.storage_);
  assert_int_equal(a.live, 0);
}

#define PART(name, value) \
  "--B\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" value "\r\n"
#define REFUSED_MIME(ct, body, want) refused_mime(ct, body, 0, 0, want, #want ": " body)

static void test_mime_hostile(void **state)
{
  char big[8192];

  (void)state;
  REFUSED_MIME("multipart/form-data", PART("PayloadID", "x") "--B--\r\n", X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=\"B", PART("PayloadID", "x") "--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary", PART("PayloadID", "x") "--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=\"\"", PART("PayloadID", "x") "--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=a<b", PART("PayloadID", "x") "--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("text/plain; boundary=B", PART("PayloadID", "x") "--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  refused_mime(NULL, PART("PayloadID", "x") "--B--\r\n", 0, 0, X12KIT_ERR_ARG, "no type");
  /* truncated: no closing boundary, or cut in the middle of it */
  REFUSED_MIME("multipart/form-data; boundary=B", PART("Payload", "ISA*" PATIENT "~"),
               X12KIT_ERR_TRUNCATED);
  REFUSED_MIME("multipart/form-data; boundary=B",
               PART("PayloadID", "x") "--B\r\nContent-Disposition: form-data; name=\"Payload\""
               "\r\n\r\nISA*" PATIENT, X12KIT_ERR_TRUNCATED);
  REFUSED_MIME("multipart/form-data; boundary=B", PART("PayloadID", "x") "--B-",
               X12KIT_ERR_TRUNCATED);
  REFUSED_MIME("multipart/form-data; boundary=B", "no delimiter " PATIENT, X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=B", "", X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=B", "--B--\r\n", X12KIT_ERR_ENVELOPE);
  /* duplicates, exact and in another case */
  REFUSED_MIME("multipart/form-data; boundary=B",
               PART("PayloadID", "x") PART("PayloadID", "y") "--B--\r\n", X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B",
               PART("Password", PASS) PART("password", PASS) "--B--\r\n", X12KIT_ERR_ENVELOPE);
  /* parts that are no fields */
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: attachment; name=\"Payload\"\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B", "--B\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition form-data; name=\"Payload\"\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data; name=\"Payload\"\r\nno blank line"
               "\r\nx\r\n--B--\r\n", X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data; name=\"Payload\"\r\n"
               "Content-Disposition: form-data; name=\"SenderID\"\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_SYNTAX);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data; name=\"Payload\"\r\n"
               "Content-Transfer-Encoding: quoted-printable\r\n\r\nx\r\n--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data; name=\"Payload\"\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n" PATIENT "!\r\n--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  /* values that are not text */
  REFUSED_MIME("multipart/form-data; boundary=B", PART("PayloadID", "\xff\xfe") "--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  REFUSED_MIME("multipart/form-data; boundary=B", PART("UserName", USER "\x01") "--B--\r\n",
               X12KIT_ERR_ENVELOPE);
  {
    static const char nul[] = PART("SenderID", "A\0B") "--B--\r\n";
    x12kit_core_message m;
    x12kit_error err;
    assert_int_equal(x12kit_core_parse_mime("multipart/form-data; boundary=B", nul,
                                            sizeof nul - 1, NULL, &m, &err),
                     X12KIT_ERR_ENVELOPE);
  }
  /* strict: an unknown field */
  refused_mime("multipart/form-data; boundary=B", PART("Vendor", "1") "--B--\r\n",
               X12KIT_CORE_PARSE_STRICT, 0, X12KIT_ERR_ENVELOPE, "strict unknown");
  /* over the cap, and too many parts */
  refused_mime("multipart/form-data; boundary=B", PART("PayloadID", "x") "--B--\r\n", 0, 20,
               X12KIT_ERR_TOO_LONG, "cap");
  {
    size_t i, at = 0;
    static const char p[] = PART("Vendor", "1");
    for (i = 0; i < 70; i++) {
      memcpy(big + at, p, sizeof p - 1);
      at += sizeof p - 1;
    }
    memcpy(big + at, "--B--\r\n", 8);
    refused_mime("multipart/form-data; boundary=B", big, 0, 0, X12KIT_ERR_ENVELOPE, "parts");
  }
}

/* ---- validation ---- */

typedef struct vcase {
  const char *what;
  x12kit_core_code want;
  unsigned flags;
  int batch;
  void (*change)(x12kit_core_message *m);
} vcase;

static void c_none(x12kit_core_message *m) { (void)m; }
static void c_no_creds(x12kit_core_message *m) { m->username = m->password = NULL; }
static void c_empty_pass(x12kit_core_message *m) { m->password = ""; }
static void c_no_version(x12kit_core_message *m) { m->core_rule_version = NULL; }
static void c_version_4(x12kit_core_message *m) { m->core_rule_version = "4.0.0"; }
static void c_version_v(x12kit_core_message *m) { m->core_rule_version = "v2.2.0"; }
static void c_no_type(x12kit_core_message *m) { m->payload_type = ""; }
static void c_type_unknown(x12kit_core_message *m) { m->payload_type = "X12_270_Request"; }
static void c_type_response(x12kit_core_message *m)
{
  m->payload_type = X12KIT_CORE_PT_271_RESPONSE;
}
static void c_type_837(x12kit_core_message *m) { m->payload_type = "X12_837_Request_005010X222A1"; }
static void c_type_lower(x12kit_core_message *m) { m->payload_type = "x12_270_request_005010x279a1"; }
static void c_no_mode(x12kit_core_message *m) { m->processing_mode = NULL; }
static void c_mode_junk(x12kit_core_message *m) { m->processing_mode = "Realtime"; }
static void c_mode_batch(x12kit_core_message *m) { m->processing_mode = "Batch"; }
static void c_mode_xsd(x12kit_core_message *m) { m->processing_mode = "RealTimeMode"; }
static void c_mode_xsd_batch(x12kit_core_message *m) { m->processing_mode = "BatchMode"; }
static void c_no_id(x12kit_core_message *m) { m->payload_id = NULL; }
static void c_id_short(x12kit_core_message *m) { m->payload_id = "0b9e3c1a-52d4-4f6e-9a10"; }
static void c_id_nothex(x12kit_core_message *m)
{
  m->payload_id = "0b9e3c1a-52d4-4f6e-9a10-7c3d2e1f4a5g";
}
static void c_id_upper(x12kit_core_message *m)
{
  m->payload_id = "0B9E3C1A-52D4-4F6E-9A10-7C3D2E1F4A58";
}
static void c_id_dashes(x12kit_core_message *m)
{
  m->payload_id = "0b9e3c1a52d4-4f6e-9a10-7c3d2e1f4a58-";
}
static void c_no_length(x12kit_core_message *m) { m->payload_length = NULL; }
static void c_length_text(x12kit_core_message *m) { m->payload_length = "12a"; }
static void c_length_sign(x12kit_core_message *m) { m->payload_length = "-5"; }
static void c_length_huge(x12kit_core_message *m) { m->payload_length = "99999999999999999999"; }
static void c_length_off(x12kit_core_message *m) { m->payload_length = "3"; }
static void c_no_ts(x12kit_core_message *m) { m->timestamp = ""; }
static void c_ts_micro(x12kit_core_message *m) { m->timestamp = "2027-01-01T09:00:00.123456Z"; }
static void c_ts_milli(x12kit_core_message *m) { m->timestamp = "2027-01-01T09:00:00.123Z"; }
static void c_ts_space(x12kit_core_message *m) { m->timestamp = "2027-01-01 09:00:00.487"; }
static void c_ts_noz(x12kit_core_message *m) { m->timestamp = "2027-01-01T09:00:00"; }
static void c_ts_offset(x12kit_core_message *m) { m->timestamp = "2027-01-01T09:00:00+00:00"; }
static void c_ts_feb30(x12kit_core_message *m) { m->timestamp = "2027-02-30T09:00:00Z"; }
static void c_ts_leap(x12kit_core_message *m) { m->timestamp = "2028-02-29T23:59:60Z"; }
static void c_ts_hour(x12kit_core_message *m) { m->timestamp = "2027-01-01T24:00:00Z"; }
static void c_no_sender(x12kit_core_message *m) { m->sender_id = NULL; }
static void c_sender_tab(x12kit_core_message *m) { m->sender_id = "A\tB"; }
static void c_no_receiver(x12kit_core_message *m) { m->receiver_id = ""; }
static void c_receiver_nl(x12kit_core_message *m) { m->receiver_id = "A\nB"; }
static void c_no_sum(x12kit_core_message *m) { m->checksum = NULL; }
static void c_sum_short(x12kit_core_message *m) { m->checksum = "43B8485AB5"; }
static void c_sum_wrong(x12kit_core_message *m)
{
  m->checksum = "0000000000000000000000000000000000000000";
}
static void c_no_payload(x12kit_core_message *m)
{
  m->payload = NULL;
  m->payload_len = 0;
}
static void c_payload_json(x12kit_core_message *m)
{
  m->payload = "{\"message\":\"x\"}";
  m->payload_len = strlen(m->payload);
}

static const vcase vcases[] = {
  { "a valid real-time request", X12KIT_CORE_SUCCESS, 0, 0, c_none },
  { "a valid batch submission", X12KIT_CORE_SUCCESS, 0, 1, c_none },
  { "no credentials, not asked for", X12KIT_CORE_SUCCESS, 0, 0, c_no_creds },
  { "no credentials", X12KIT_CORE_UNAUTHORIZED, X12KIT_CORE_VALIDATE_CREDENTIALS, 0, c_no_creds },
  { "empty password", X12KIT_CORE_UNAUTHORIZED, X12KIT_CORE_VALIDATE_CREDENTIALS, 0,
    c_empty_pass },
  { "no rule version", X12KIT_CORE_RULE_VERSION_REQUIRED, 0, 0, c_no_version },
  { "rule version 4.0.0", X12KIT_CORE_VERSION_MISMATCH, 0, 0, c_version_4 },
  { "rule version v2.2.0", X12KIT_CORE_VERSION_MISMATCH, 0, 0, c_version_v },
  { "rule version v2.2.0, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 0,
    c_version_v },
  { "no payload type", X12KIT_CORE_PAYLOAD_TYPE_REQUIRED, 0, 0, c_no_type },
  { "unknown payload type", X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, 0, 0, c_type_unknown },
  { "a response type in a request", X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, 0, 0, c_type_response },
  { "an 837 in real time", X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, 0, 0, c_type_837 },
  { "an 837 in batch", X12KIT_CORE_SUCCESS, 0, 1, c_type_837 },
  { "payload type in lower case", X12KIT_CORE_PAYLOAD_TYPE_ILLEGAL, 0, 0, c_type_lower },
  { "payload type in lower case, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 0,
    c_type_lower },
  { "no processing mode", X12KIT_CORE_PROCESSING_MODE_REQUIRED, 0, 0, c_no_mode },
  { "processing mode Realtime", X12KIT_CORE_PROCESSING_MODE_ILLEGAL, 0, 0, c_mode_junk },
  { "Batch in real time", X12KIT_CORE_PROCESSING_MODE_ILLEGAL, 0, 0, c_mode_batch },
  { "RealTimeMode", X12KIT_CORE_PROCESSING_MODE_ILLEGAL, 0, 0, c_mode_xsd },
  { "RealTimeMode, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 0, c_mode_xsd },
  { "BatchMode in real time, lenient", X12KIT_CORE_PROCESSING_MODE_ILLEGAL,
    X12KIT_CORE_VALIDATE_LENIENT, 0, c_mode_xsd_batch },
  { "BatchMode in batch, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 1,
    c_mode_xsd_batch },
  { "no payload ID", X12KIT_CORE_PAYLOAD_ID_REQUIRED, 0, 0, c_no_id },
  { "short payload ID", X12KIT_CORE_PAYLOAD_ID_ILLEGAL, 0, 0, c_id_short },
  { "payload ID with a g", X12KIT_CORE_PAYLOAD_ID_ILLEGAL, 0, 0, c_id_nothex },
  { "payload ID with dashes moved", X12KIT_CORE_PAYLOAD_ID_ILLEGAL, 0, 0, c_id_dashes },
  { "payload ID in upper case", X12KIT_CORE_SUCCESS, 0, 0, c_id_upper },
  { "no payload length", X12KIT_CORE_PAYLOAD_LENGTH_REQUIRED, 0, 1, c_no_length },
  { "payload length 12a", X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, 0, 1, c_length_text },
  { "payload length -5", X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, 0, 1, c_length_sign },
  { "payload length too large", X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, 0, 1, c_length_huge },
  { "payload length not the size", X12KIT_CORE_PAYLOAD_LENGTH_ILLEGAL, 0, 1, c_length_off },
  { "payload length in real time is ignored", X12KIT_CORE_SUCCESS, 0, 0, c_length_off },
  { "no timestamp", X12KIT_CORE_TIMESTAMP_REQUIRED, 0, 0, c_no_ts },
  { "microseconds", X12KIT_CORE_TIMESTAMP_ILLEGAL, 0, 0, c_ts_micro },
  { "microseconds, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 0, c_ts_micro },
  { "milliseconds, lenient", X12KIT_CORE_SUCCESS, X12KIT_CORE_VALIDATE_LENIENT, 0, c_ts_milli },
  { "Java timestamp, lenient", X12KIT_CORE_TIMESTAMP_ILLEGAL, X12KIT_CORE_VALIDATE_LENIENT, 0,
    c_ts_space },
  { "no Z", X12KIT_CORE_TIMESTAMP_ILLEGAL, 0, 0, c_ts_noz },
  { "an offset", X12KIT_CORE_TIMESTAMP_ILLEGAL, 0, 0, c_ts_offset },
  { "February 30", X12KIT_CORE_TIMESTAMP_ILLEGAL, 0, 0, c_ts_feb30 },
  { "hour 24", X12KIT_CORE_TIMESTAMP_ILLEGAL, 0, 0, c_ts_hour },
  { "a leap second on a leap day", X12KIT_CORE_SUCCESS, 0, 0, c_ts_leap },
  { "no sender", X12KIT_CORE_SENDER_ID_REQUIRED, 0, 0, c_no_sender },
  { "sender with a tab", X12KIT_CORE_SENDER_ID_ILLEGAL, 0, 0, c_sender_tab },
  { "no receiver", X12KIT_CORE_RECEIVER_ID_REQUIRED, 0, 0, c_no_receiver },
  { "receiver with a line break", X12KIT_CORE_RECEIVER_ID_ILLEGAL, 0, 0, c_receiver_nl },
  { "no checksum", X12KIT_CORE_CHECKSUM_REQUIRED, 0, 1, c_no_sum },
  { "checksum too short", X12KIT_CORE_CHECKSUM_ILLEGAL, 0, 1, c_sum_short },
  { "checksum of something else", X12KIT_CORE_CHECKSUM_ILLEGAL, 0, 1, c_sum_wrong },
  { "no payload", X12KIT_CORE_PAYLOAD_REQUIRED, 0, 0, c_no_payload },
  { "JSON payload", X12KIT_CORE_PAYLOAD_ILLEGAL, 0, 0, c_payload_json },
};

static void test_validate_codes(void **state)
{
  int seen[X12KIT_CORE_UNAUTHORIZED + 1] = { 0 };
  char sum[X12KIT_CORE_CHECKSUM_SIZE], len[24];
  size_t i;
  int k;

  (void)state;
  for (i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
    const vcase *vc = &vcases[i];
    x12kit_core_message m = vc->batch ? batch_request() : rt_request();
    x12kit_core_code code = (x12kit_core_code)-1;
    x12kit_error err;
    int rc;

    if (vc->batch) {
      m.processing_mode = "Batch";
      m.core_rule_version = "2.2.0";
      snprintf(len, sizeof len, "%zu", m.payload_len);
      m.payload_length = len;
      x12kit_core_checksum(m.payload, m.payload_len, sum, sizeof sum);
      m.checksum = sum;
    }
    vc->change(&m);
    rc = x12kit_core_validate(&m, vc->flags, &code, &err);
    if (code != vc->want)
      fail_msg("%s: got %s, wanted %s (%s)", vc->what, x12kit_core_code_name(code),
               x12kit_core_code_name(vc->want), err.text);
    seen[code] = 1;
    if (vc->want == X12KIT_CORE_SUCCESS) {
      assert_int_equal(rc, X12KIT_OK);
    } else {
      char tail[64];
      assert_int_equal(rc, X12KIT_ERR_ENVELOPE);
      assert_int_equal(err.code, X12KIT_ERR_ENVELOPE);
      snprintf(tail, sizeof tail, "[%s]", x12kit_core_code_name(vc->want));
      assert_non_null(strstr(err.text, tail));
      assert_no_secret(&err);
    }
  }
  /* every code is produced by some case, and has a name and a message */
  for (k = 0; k <= X12KIT_CORE_UNAUTHORIZED; k++) {
    if (!seen[k])
      fail_msg("no case gives %s", x12kit_core_code_name((x12kit_core_code)k));
    assert_true(x12kit_core_code_name((x12kit_core_code)k)[0] != '\0');
    assert_true(x12kit_core_code_message((x12kit_core_code)k)[0] != '\0');
  }
  assert_string_equal(x12kit_core_code_name(X12KIT_CORE_PAYLOAD_ID_REQUIRED), "PayloadIDRequired");
  assert_string_equal(x12kit_core_code_name(X12KIT_CORE_VERSION_MISMATCH), "VersionMismatch");
  assert_string_equal(x12kit_core_code_name((x12kit_core_code)99), "");

  /* responses and faults are not validated as requests */
  {
    x12kit_core_message req = rt_request(), resp;
    x12kit_core_code code;
    x12kit_core_response_init(&resp, &req, TS);
    assert_int_equal(x12kit_core_validate(&resp, 0, &code, NULL), X12KIT_ERR_ARG);
    assert_int_equal(x12kit_core_validate(NULL, 0, &code, NULL), X12KIT_ERR_ARG);
    assert_int_equal(x12kit_core_validate(&req, 0, NULL, NULL), X12KIT_OK);
  }
}

/* A request built, sent and parsed by a server, then validated. */
static void test_validate_parsed(void **state)
{
  x12kit_core_message m = rt_request(), back;
  x12kit_core_code code;
  x12kit_error err;

  (void)state;
  m.payload_id = "not-a-uuid";
  soap_round_trip(&m, &back);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(code, X12KIT_CORE_PAYLOAD_ID_ILLEGAL);
  x12kit_core_message_clear(&back);
  mime_round_trip(&m, NULL, &back);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(code, X12KIT_CORE_PAYLOAD_ID_ILLEGAL);
  x12kit_core_message_clear(&back);

  /* an empty element is a missing field */
  assert_int_equal(soap(ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'>"
                        "<CORERuleVersion>2.2.0</CORERuleVersion>"
                        "<PayloadType>  </PayloadType></c:COREEnvelopeRealTimeRequest>"
                        ENV_CLOSE, 0, &back, &err), X12KIT_OK);
  assert_int_equal(x12kit_core_validate(&back, 0, &code, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(code, X12KIT_CORE_PAYLOAD_TYPE_REQUIRED);
  x12kit_core_message_clear(&back);
}

static void test_check_response(void **state)
{
  x12kit_core_message req = rt_request(), resp;
  x12kit_error err;

  (void)state;
  x12kit_core_response_init(&resp, &req, TS);
  resp.payload_type = X12KIT_CORE_PT_999_RESPONSE;
  resp.payload = "\xef\xbb\xbf\r\nISA*00*~";             /* a 999 in place of the 271 */
  resp.payload_len = strlen(resp.payload);
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_OK);
  resp.payload = "{\"message\":\"An error occurred\"}";
  resp.payload_len = strlen(resp.payload);
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "not X12"));
  resp.payload = X12_271;
  resp.payload_len = 0;
  resp.payload_id = "0b9e3c1a-52d4-4f6e-9a10-000000000000";
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "PayloadID"));
  resp.payload_id = PID;
  resp.error_code = "";
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  resp.error_code = NULL;
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  resp.error_code = "Bad code " PATIENT;
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  assert_non_null(strstr(err.text, "(not shown)"));
  assert_no_secret(&err);
  resp.error_code = "Success";
  resp.kind = X12KIT_CORE_BATCH_SUBMISSION_RESPONSE;
  assert_int_equal(x12kit_core_check_response(&req, &resp, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(x12kit_core_check_response(&req, &req, &err), X12KIT_ERR_ENVELOPE);
  assert_int_equal(x12kit_core_check_response(&resp, &resp, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_core_check_response(&req, NULL, &err), X12KIT_ERR_ARG);
}

/* ---- secrets never in error texts ---- */

static void test_no_secrets(void **state)
{
  x12kit_core_message m = rt_request(), back;
  x12kit_core_output out;
  x12kit_error err;
  x12kit_core_code code;
  size_t i;
  /* envelopes whose every field holds a marker, each broken some way */
  static const char *const broken[] = {
    ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><SenderID>" PATIENT
    "</SenderID><SenderID>" USER "</SenderID></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
    ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><Payload>ISA*" PATIENT
    "<" USER "/></Payload></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
    ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><Payload>ISA*" PATIENT
    "</Payload></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE "<" USER ">",
    ENV_OPEN "<" PATIENT ">" USER "</" PATIENT ">" ENV_CLOSE,
    ENV_OPEN "<c:COREEnvelopeRealTimeRequest xmlns:c='" CORE_NS "'><Payload>&" PATIENT
    ";</Payload></c:COREEnvelopeRealTimeRequest>" ENV_CLOSE,
    "<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' xmlns:w='"
    X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security><w:UsernameToken><w:Username>" USER
    "</w:Username><w:Password>S3cr3tPa55</w:Password><w:Password>S3cr3tPa55</w:Password>"
    "</w:UsernameToken></w:Security></soap:Header><soap:Body/></soap:Envelope>",
    "<soap:Envelope xmlns:soap='http://www.w3.org/2003/05/soap-envelope' xmlns:w='"
    X12KIT_CORE_NS_WSSE "'><soap:Header><w:Security><w:UsernameToken><w:Username>" USER
    "</w:Username><w:Password>S3cr3tPa55<S3cr3tPa55></w:Password></w:UsernameToken>"
    "</w:Security></soap:Header><soap:Body/></soap:Envelope>",
  };

  (void)state;
  for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
    int rc = soap(broken[i], 0, &back, &err);
    if (rc == X12KIT_OK)
      fail_msg("broken envelope %zu was accepted", i);
    assert_no_secret(&err);
  }
  /* builders */
  m.sender_id = PATIENT "\x01";
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &out, &err), X12KIT_ERR_DATA);
  assert_no_secret(&err);
  m = rt_request();
  m.username = USER "\n";
  assert_int_equal(x12kit_core_build_mime(&m, NULL, NULL, &out, &err), X12KIT_ERR_DATA);
  assert_no_secret(&err);
  /* every validation failure of a request carrying the markers */
  for (i = 0; i < sizeof vcases / sizeof vcases[0]; i++) {
    m = vcases[i].batch ? batch_request() : rt_request();
    m.sender_id = vcases[i].change == c_sender_tab ? PATIENT "\t" : PATIENT;
    m.payload_id = vcases[i].change == c_no_id ? NULL : USER;
    vcases[i].change(&m);
    x12kit_core_validate(&m, vcases[i].flags, &code, &err);
    assert_no_secret(&err);
  }
}

/* ---- allocation failure ---- */

static void test_alloc_failure(void **state)
{
  x12kit_core_message m = rt_request(), b = batch_request(), back;
  x12kit_core_output soap_out, mime_out, batch_out;
  x12kit_error err;
  unsigned at;
  int pass;

  (void)state;
  assert_int_equal(x12kit_core_build_soap(&m, NULL, &soap_out, &err), X12KIT_OK);
  assert_int_equal(x12kit_core_build_mime(&m, NULL, NULL, &mime_out, &err), X12KIT_OK);
  assert_int_equal(x12kit_core_build_soap(&b, NULL, &batch_out, &err), X12KIT_OK);
  for (pass = 0; pass < 5; pass++) {
    int done = 0;
    for (at = 1; !done; at++) {
      tu_alloc a = { 0, 0, 0, at };
      x12kit_mem hooks = tu_alloc_mem(&a);
      x12kit_core_parse_options o;
      x12kit_core_output out;
      int rc;

      memset(&o, 0, sizeof o);
      o.mem = &hooks;
      memset(&back, 0, sizeof back);
      memset(&out, 0, sizeof out);
      switch (pass) {
      case 0: rc = x12kit_core_build_soap(&m, &hooks, &out, &err); break;
      case 1: rc = x12kit_core_build_mime(&m, NULL, &hooks, &out, &err); break;
      case 2: rc = x12kit_core_parse_soap(soap_out.data, soap_out.len, &o, &back, &err); break;
      case 3:
        rc = x12kit_core_parse(mime_out.content_type, mime_out.data, mime_out.len, &o, &back,
                               &err);
        break;
      default: rc = x12kit_core_parse_soap(batch_out.data, batch_out.len, &o, &back, &err); break;
      }
      if (rc == X12KIT_OK) {
        done = 1;
        assert_true(a.live > 0);
        if (pass == 2 || pass == 3)
          assert_same(&m, &back);
        if (pass == 4) {
          assert_int_equal(back.payload_len, b.payload_len);
          assert_memory_equal(back.payload, b.payload, b.payload_len);
        }
      } else {
        assert_int_equal(rc, X12KIT_ERR_NOMEM);
        assert_int_equal(err.code, X12KIT_ERR_NOMEM);
        assert_null(out.data);
        assert_null(back.storage_);
      }
      x12kit_core_output_free(&out);
      x12kit_core_message_clear(&back);
      assert_int_equal(a.live, 0);
      assert_true(at < 200);
    }
  }
  x12kit_core_output_free(&soap_out);
  x12kit_core_output_free(&mime_out);
  x12kit_core_output_free(&batch_out);
}

static void test_clear(void **state)
{
  x12kit_core_message m = rt_request();
  x12kit_core_output out;

  (void)state;
  x12kit_core_message_clear(&m);          /* the caller's strings are left alone */
  assert_null(m.payload);
  x12kit_core_message_clear(&m);
  x12kit_core_message_clear(NULL);
  memset(&out, 0, sizeof out);
  x12kit_core_output_free(&out);
  x12kit_core_output_free(NULL);
  x12kit_core_message_init(NULL, X12KIT_CORE_REALTIME_REQUEST);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_payload_types),
    cmocka_unit_test(test_uuid),
    cmocka_unit_test(test_timestamp_and_checksum),
    cmocka_unit_test(test_soap_request),
    cmocka_unit_test(test_soap_response),
    cmocka_unit_test(test_soap_envelope_error),
    cmocka_unit_test(test_soap_fault),
    cmocka_unit_test(test_soap_batch),
    cmocka_unit_test(test_soap_refuses_to_build),
    cmocka_unit_test(test_mime_request),
    cmocka_unit_test(test_mime_response_and_batch),
    cmocka_unit_test(test_mime_boundary_in_payload),
    cmocka_unit_test(test_soap_tolerant),
    cmocka_unit_test(test_mime_tolerant),
    cmocka_unit_test(test_mtom),
    cmocka_unit_test(test_dispatch),
    cmocka_unit_test(test_soap_hostile),
    cmocka_unit_test(test_mime_hostile),
    cmocka_unit_test(test_validate_codes),
    cmocka_unit_test(test_validate_parsed),
    cmocka_unit_test(test_check_response),
    cmocka_unit_test(test_no_secrets),
    cmocka_unit_test(test_alloc_failure),
    cmocka_unit_test(test_clear),
  };

  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
