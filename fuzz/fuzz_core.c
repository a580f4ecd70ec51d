/*
 * x12kit - libFuzzer target for the CORE envelope codec (core.h).
 *
 * Input: one selector byte, then a Content-Type line ended by '\n',
 * then the HTTP body.  The selector's low two bits pick the reader:
 * 0 SOAP (no content type used), 1 multipart/form-data, 2 MTOM
 * multipart/related, 3 the dispatcher x12kit_core_parse(); bit 2 asks
 * for strict parsing; bit 3 caps the size at half the body.
 *
 * A refusal is a normal answer to hostile input: it must come with a
 * sane x12kit_error and leave the message empty.  A message that was
 * read must have every field NUL-terminated where its length says, must
 * go through validation (requests) or the response check (answers)
 * without trouble, and must survive a round trip: built again as SOAP
 * and as MIME (when the builders take it) and read back, it gives the
 * same fields.  Every allocation goes through counting hooks, so
 * nothing may be left allocated at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static unsigned long sink;

static void check_failed(int rc, const x12kit_error *err, const x12kit_core_message *m)
{
  CHECK(rc < 0, "parse returned a positive status");
  CHECK(err->code == rc, "error code differs from the status");
  sink += fuzz_check_error(err, 0);
  CHECK(m->payload == NULL && m->payload_type == NULL && m->storage_ == NULL,
        "a refused message is not empty");
}

/* Fields as (pointer, length) for comparison. */
static const char *field(const x12kit_core_message *m, int i)
{
  switch (i) {
  case 0: return m->payload_type;
  case 1: return m->processing_mode;
  case 2: return m->payload_id;
  case 3: return m->payload_length;
  case 4: return m->timestamp;
  case 5: return m->sender_id;
  case 6: return m->receiver_id;
  case 7: return m->core_rule_version;
  case 8: return m->checksum;
  case 9: return m->error_code;
  case 10: return m->error_message;
  case 11: return m->username;
  case 12: return m->password;
  case 13: return m->fault_code;
  case 14: return m->fault_subcode;
  default: return m->fault_reason;
  }
}

#define NFIELD 16

static void check_message(const x12kit_core_message *m)
{
  int i;

  CHECK(m->kind >= X12KIT_CORE_REALTIME_REQUEST && m->kind <= X12KIT_CORE_SOAP_FAULT,
        "unknown kind");
  CHECK(m->storage_ != NULL, "a read message owns no block");
  for (i = 0; i < NFIELD; i++) {
    const char *v = field(m, i);
    if (v != NULL)
      sink = fuzz_fold(sink, v, strlen(v));
  }
  if (m->payload != NULL) {
    CHECK(m->payload[m->payload_len] == '\0', "payload not NUL-terminated at its length");
    sink = fuzz_fold(sink, m->payload, m->payload_len);
  } else {
    CHECK(m->payload_len == 0, "payload length without a payload");
  }
  if (m->kind == X12KIT_CORE_SOAP_FAULT)
    CHECK(m->fault_code != NULL && m->fault_reason != NULL, "a fault without code or reason");
  sink += x12kit_core_kind_element(m->kind)[0];
}

/*
 * |b| (read back from |a| built again) holds what |a| holds.  Fields the
 * builder fills in when absent (ProcessingMode, CORERuleVersion,
 * PayloadLength, CheckSum) are compared only when |a| has them.
 */
static void check_same(const x12kit_core_message *a, const x12kit_core_message *b, int mime)
{
  int i;

  if (!mime)
    CHECK(a->kind == b->kind, "round trip changed the kind");
  for (i = 0; i < NFIELD; i++) {
    const char *x = field(a, i), *y = field(b, i);
    if (x == NULL && (i == 1 || i == 3 || i == 7 || i == 8))
      continue;
    if (mime && i >= 13)
      continue;
    CHECK((x == NULL) == (y == NULL), "round trip lost or added a field");
    CHECK(x == NULL || strcmp(x, y) == 0, "round trip changed a field");
  }
  CHECK((a->payload == NULL) == (b->payload == NULL), "round trip lost or added the payload");
  CHECK(a->payload_len == b->payload_len, "round trip changed the payload length");
  CHECK(a->payload == NULL || memcmp(a->payload, b->payload, a->payload_len) == 0,
        "round trip changed the payload");
}

static void round_trip(const x12kit_core_message *m, int mime)
{
  x12kit_core_parse_options opt;
  x12kit_core_message back;
  x12kit_core_output out;
  x12kit_error err;
  int rc;

  memset(&opt, 0, sizeof opt);
  opt.mem = &fuzz_hooks;
  if (mime)
    rc = x12kit_core_build_mime(m, NULL, &fuzz_hooks, &out, &err);
  else
    rc = x12kit_core_build_soap(m, &fuzz_hooks, &out, &err);
  if (rc != X12KIT_OK) {
    /* values a read message may hold but an envelope cannot carry */
    CHECK(rc == X12KIT_ERR_ARG || rc == X12KIT_ERR_DATA, "builder failed oddly");
    CHECK(out.data == NULL, "a refused build left output");
    sink += fuzz_check_error(&err, 0);
    return;
  }
  CHECK(out.data != NULL && out.data[out.len] == '\0', "built output not terminated");
  rc = x12kit_core_parse(out.content_type, out.data, out.len, &opt, &back, &err);
  if (rc != X12KIT_OK) {
    fprintf(stderr, "rebuilt envelope refused: %s\n", err.text);
    FAIL("a built envelope does not read back");
  }
  check_same(m, &back, mime);
  x12kit_core_message_clear(&back);
  x12kit_core_output_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  x12kit_core_parse_options opt;
  x12kit_core_message m;
  x12kit_error err;
  const char *nl, *body;
  char *input, *ct = NULL;
  size_t blen;
  unsigned sel;
  int rc;

  if (size == 0)
    return 0;
  sel = data[0];
  data++;
  size--;

  /* the content type line, then the body in a block of exactly its size */
  nl = memchr(data, '\n', size);
  if (nl != NULL && (sel & 3) != 0) {
    size_t n = (size_t)(nl - (const char *)data);
    ct = fuzz_xrealloc(NULL, n + 1);
    memcpy(ct, data, n);
    ct[n] = '\0';
    body = nl + 1;
    blen = size - n - 1;
  } else {
    body = (const char *)data;
    blen = size;
  }
  input = fuzz_xrealloc(NULL, blen);
  if (blen)
    memcpy(input, body, blen);

  memset(&opt, 0, sizeof opt);
  opt.mem = &fuzz_hooks;
  opt.flags = sel & 4 ? X12KIT_CORE_PARSE_STRICT : 0;
  opt.max_size = sel & 8 ? blen / 2 + 1 : 0;
  memset(&err, 0, sizeof err);
  switch (sel & 3) {
  case 0: rc = x12kit_core_parse_soap(input, blen, &opt, &m, &err); break;
  case 1: rc = x12kit_core_parse_mime(ct ? ct : "", input, blen, &opt, &m, &err); break;
  case 2: rc = x12kit_core_parse_mtom(ct ? ct : "", input, blen, &opt, &m, &err); break;
  default: rc = x12kit_core_parse(ct, input, blen, &opt, &m, &err); break;
  }

  if (rc != X12KIT_OK) {
    check_failed(rc, &err, &m);
  } else {
    x12kit_core_code code;

    check_message(&m);
    if (opt.flags & X12KIT_CORE_PARSE_STRICT)
      CHECK(m.quirks == 0, "strict parsing let a quirk through");
    if (x12kit_core_kind_is_request(m.kind)) {
      rc = x12kit_core_validate(&m, sel & 16 ? X12KIT_CORE_VALIDATE_LENIENT : 0, &code, &err);
      CHECK(rc == X12KIT_OK || rc == X12KIT_ERR_ENVELOPE, "validation status");
      CHECK((rc == X12KIT_OK) == (code == X12KIT_CORE_SUCCESS), "validation code and status");
      CHECK(x12kit_core_code_name(code)[0] != '\0', "validation code without a name");
      if (rc != X12KIT_OK)
        sink += fuzz_check_error(&err, 0);
    } else {
      rc = x12kit_core_check_response(NULL, &m, &err);
      CHECK(rc == X12KIT_OK || rc == X12KIT_ERR_ENVELOPE, "response check status");
      if (rc != X12KIT_OK)
        sink += fuzz_check_error(&err, 0);
    }
    round_trip(&m, 0);
    if (m.kind != X12KIT_CORE_SOAP_FAULT)
      round_trip(&m, 1);
    x12kit_core_message_clear(&m);
  }

  CHECK(fuzz_mem_live == 0, "library leaked blocks from its allocator hooks");
  free(input);
  free(ct);
  if (sink == 1)
    fputc('\0', stderr);
  return 0;
}
