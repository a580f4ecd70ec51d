/*
 * x12kit - libFuzzer target for the converter (convert.h).
 *
 * Input: anything; the format is detected (X12, XML or JSON Lines).
 *
 * The input is converted to X12, to XML and to JSON.  When it converts
 * to X12 (its normal form: counts recomputed), both documents made from
 * that X12 must convert back to exactly those bytes, and converting the
 * X12 again must not change it (XML may refuse control characters,
 * both may refuse bytes that are not UTF-8).  Refusals are normal answers to hostile
 * input, but each must be a well-formed error without patient data.
 * Crashes, leaks, sanitizer reports and broken round trips are failures
 * (the invariants abort()).  Every call allocates through counting
 * hooks, so nothing may be left allocated at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static const x12kit_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  schema = fuzz_schema("fuzz_convert");
  return 0;
}

struct out {
  char *p;
  size_t len;
};

static int collect(void *ud, const char *buf, size_t len)
{
  struct out *o = ud;

  o->p = fuzz_xrealloc(o->p, o->len + len + 1);
  memcpy(o->p + o->len, buf, len);
  o->len += len;
  o->p[o->len] = '\0';
  return 0;
}

/* Converts; on a refusal checks the error and returns its status. */
/* The last refusal's message. */
static char last_text[X12KIT_ERROR_TEXT_SIZE];

static int conv(x12kit_format from, x12kit_format to, const char *in, size_t len,
                struct out *o)
{
  x12kit_error err;
  int rc;

  o->p = NULL;
  o->len = 0;
  memset(&err, 0, sizeof err);
  rc = x12kit_convert_buffer(schema, from, to, in, len, collect, o, NULL, &fuzz_hooks, &err);
  if (rc != X12KIT_OK) {
    CHECK(rc < 0, "convert returned a positive status");
    fuzz_check_error(&err, 0);
    memcpy(last_text, err.text, sizeof last_text);
  }
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *in = (const char *)data;
  struct out norm, doc, back, again;
  static const x12kit_format docs[] = { X12KIT_FORMAT_XML, X12KIT_FORMAT_JSON };
  size_t k;
  int rc;

  if (schema == NULL)
    LLVMFuzzerInitialize(NULL, NULL);

  rc = conv(X12KIT_FORMAT_AUTO, X12KIT_FORMAT_X12, in, size, &norm);
  for (k = 0; k < 2; k++) {
    if (conv(X12KIT_FORMAT_AUTO, docs[k], in, size, &doc) == X12KIT_OK)
      CHECK(doc.len > 0 || size == 0, "a conversion succeeded with no output");
    free(doc.p);
  }
  if (rc == X12KIT_OK) {
    /* the normal form is stable */
    CHECK(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_X12, norm.p, norm.len, &again) == X12KIT_OK,
          "X12 written by convert does not convert again");
    CHECK(again.len == norm.len && memcmp(again.p, norm.p, norm.len) == 0,
          "converting X12 twice changed it");
    free(again.p);
    for (k = 0; k < 2; k++) {
      if (conv(X12KIT_FORMAT_X12, docs[k], norm.p, norm.len, &doc) != X12KIT_OK) {
        /* XML cannot carry control characters, and neither carries bytes that
           are not UTF-8 */
        CHECK(docs[k] == X12KIT_FORMAT_XML || strstr(last_text, "not UTF-8") != NULL,
              "X12 that converts to X12 refused as JSON");
        free(doc.p);
        continue;
      }
      CHECK(conv(docs[k], X12KIT_FORMAT_X12, doc.p, doc.len, &back) == X12KIT_OK,
            "a document convert wrote does not convert back");
      CHECK(back.len == norm.len && memcmp(back.p, norm.p, norm.len) == 0,
            "the round trip through a document changed the X12");
      free(doc.p);
      free(back.p);
    }
  }
  free(norm.p);
  CHECK(fuzz_mem_live == 0, "library leaked blocks from its allocator hooks");
  return 0;
}
