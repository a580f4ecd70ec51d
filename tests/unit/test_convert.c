/*
 * x12kit tests - X12 to XML and JSON and back (convert.h).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "testutil.h"

/* ---- helpers ---- */

/* Converts |len| bytes; the output in |out| (free out->p); the status returned. */
static int conv(x12kit_format from, x12kit_format to, const char *in, size_t len, tu_buf *out,
                x12kit_error *err)
{
  out->p = NULL;
  out->len = 0;
  return x12kit_convert_buffer(tu_schema, from, to, in, len, tu_to_buf, out, NULL, NULL, err);
}

static void buf_free(tu_buf *b)
{
  free(b->p);
  b->p = NULL;
  b->len = 0;
}

/* A NUL-terminated copy of |s| with the first |from| replaced by |to|; fails when absent. */
static char *replace(const char *s, const char *from, const char *to)
{
  const char *at = strstr(s, from);
  size_t n = strlen(s), fl = strlen(from), tl = strlen(to);
  char *r;

  assert_non_null(at);
  r = malloc(n - fl + tl + 1);
  assert_non_null(r);
  memcpy(r, s, (size_t)(at - s));
  memcpy(r + (at - s), to, tl);
  memcpy(r + (at - s) + tl, at + fl, n - (size_t)(at - s) - fl + 1);
  return r;
}

/* ---- round trips over every X12 fixture ---- */

typedef struct tally {
  unsigned files, identical, normalized, refused;
} tally;

static int schema_ok(const char *xml, size_t len);

/*
 * One fixture: converted to |to| and back.  Refused input must be refused
 * cleanly and located.  Otherwise the result is the input, or, when the
 * input is not canonical, what X12 to X12 makes of it (counts recomputed),
 * and the same for both document formats.
 */
static void round_trip_file(const char *path, tally *t)
{
  FILE *fp = fopen(path, "rb");
  char *x12;
  long size;
  tu_buf norm, doc, back;
  x12kit_error err;
  int rc, k;
  static const x12kit_format formats[] = { X12KIT_FORMAT_XML, X12KIT_FORMAT_JSON };

  assert_non_null(fp);
  assert_int_equal(fseek(fp, 0, SEEK_END), 0);
  size = ftell(fp);
  rewind(fp);
  x12 = malloc((size_t)size + 1);
  assert_non_null(x12);
  assert_int_equal(fread(x12, 1, (size_t)size, fp), (size_t)size);
  fclose(fp);
  t->files++;

  rc = conv(X12KIT_FORMAT_AUTO, X12KIT_FORMAT_X12, x12, (size_t)size, &norm, &err);
  for (k = 0; k < 2; k++) {
    int rc2 = conv(X12KIT_FORMAT_AUTO, formats[k], x12, (size_t)size, &doc, &err);
    if (rc != X12KIT_OK) {
      /* refused as X12 is refused as a document too, with a reason */
      if (rc2 == X12KIT_OK && formats[k] == X12KIT_FORMAT_JSON) {
        fprintf(stderr, "# %s: refused to X12 but converted to JSON\n", path);
        fail();
      }
      if (rc2 != X12KIT_OK) {
        assert_true(rc2 < 0);
        assert_true(err.text[0] != '\0');
        assert_string_equal(err.value, "");   /* no patient data without show_data */
      }
      buf_free(&doc);
      continue;
    }
    if (rc2 != X12KIT_OK) {
      /* only XML may refuse what X12 takes: a value it cannot carry, located */
      assert_int_equal(formats[k], X12KIT_FORMAT_XML);
      assert_true(err.pos.segment > 0 && err.element > 0);
      assert_non_null(strstr(err.text, "XML cannot carry"));
      buf_free(&doc);
      continue;
    }
    if (formats[k] == X12KIT_FORMAT_XML && !schema_ok(doc.p, doc.len)) {
      fprintf(stderr, "# %s: the XML does not follow x12kit-document.xsd\n", path);
      fail();
    }
    rc2 = conv(X12KIT_FORMAT_AUTO, X12KIT_FORMAT_X12, doc.p, doc.len, &back, &err);
    if (rc2 != X12KIT_OK)
      fprintf(stderr, "# %s via %s: line %lu: %s\n", path, x12kit_format_name(formats[k]),
              err.pos.line, err.text);
    assert_int_equal(rc2, X12KIT_OK);
    assert_int_equal(back.len, norm.len);
    assert_memory_equal(back.p, norm.p, norm.len);
    buf_free(&doc);
    buf_free(&back);
  }
  if (rc != X12KIT_OK) {
    t->refused++;
    assert_true(err.text[0] != '\0');
  } else if (norm.len == (size_t)size && memcmp(norm.p, x12, norm.len) == 0) {
    t->identical++;
  } else {
    t->normalized++;
  }
  buf_free(&norm);
  free(x12);
}

static void walk(const char *dir, tally *t)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[1024];
  struct stat st;

  assert_non_null(d);
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    assert_int_equal(stat(path, &st), 0);
    if (S_ISDIR(st.st_mode))
      walk(path, t);
    else if (n > 4 && strcmp(e->d_name + n - 4, ".x12") == 0)
      round_trip_file(path, t);
  }
  closedir(d);
}

static void round_trip_every_fixture(void **state)
{
  char dir[1024];
  tally t = { 0, 0, 0, 0 };

  (void)state;
  snprintf(dir, sizeof dir, "%s", tu_fixture_path(""));
  if (strlen(dir) && dir[strlen(dir) - 1] == '/')
    dir[strlen(dir) - 1] = '\0';
  walk(dir, &t);
  fprintf(stderr, "# %u fixtures: %u byte-identical, %u with counts or BOM normalized, "
          "%u refused\n", t.files, t.identical, t.normalized, t.refused);
  assert_true(t.files > 100);
  /* the valid fixtures are the bulk: they come back byte for byte */
  assert_true(t.identical > t.files / 2);
}

/* Canonical fixtures, named, must come back identical (not merely normalized). */
static void round_trip_canonical(void **state)
{
  static const char *const files[] = {
    "eligibility/271-two-transactions.x12", "eligibility/271-many-mh.x12",
    "valid/crlf.x12", "valid/newline-terminator.x12", "guide/278-request-esketamine.x12",
    "guide/invalid/ik304-1-unrecognized-segment.x12"
  };
  static const x12kit_format formats[] = { X12KIT_FORMAT_XML, X12KIT_FORMAT_JSON };
  size_t i, k, len;

  (void)state;
  for (i = 0; i < sizeof files / sizeof *files; i++) {
    char *x12 = tu_read_fixture(files[i], &len);
    for (k = 0; k < 2; k++) {
      tu_buf doc, back;
      x12kit_error err;
      assert_int_equal(conv(X12KIT_FORMAT_X12, formats[k], x12, len, &doc, &err), X12KIT_OK);
      assert_int_equal(conv(formats[k], X12KIT_FORMAT_X12, doc.p, doc.len, &back, &err),
                       X12KIT_OK);
      assert_int_equal(back.len, len);
      assert_memory_equal(back.p, x12, len);
      buf_free(&doc);
      buf_free(&back);
    }
    free(x12);
  }
}

/* ---- the XSD ---- */

static xmlSchemaPtr xsd;

/* Validation errors are the answer the test looks at, not output. */
#if LIBXML_VERSION >= 21200
static void quiet(void *arg, const xmlError *e)
#else
static void quiet(void *arg, xmlErrorPtr e)
#endif
{
  (void)arg;
  (void)e;
}

static int schema_ok(const char *xml, size_t len)
{
  xmlDocPtr doc = xmlReadMemory(xml, (int)len, "out.xml", NULL, XML_PARSE_NONET);
  xmlSchemaValidCtxtPtr v;
  int rc;

  if (doc == NULL)
    return 0;
  v = xmlSchemaNewValidCtxt(xsd);
  assert_non_null(v);
  xmlSchemaSetValidStructuredErrors(v, quiet, NULL);
  rc = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  xmlFreeDoc(doc);
  return rc == 0;
}

static int setup(void **state)
{
  char path[1024];
  const char *dir = getenv("X12KIT_SCHEMA_DIR");
  xmlSchemaParserCtxtPtr p;

  if (tu_schema_setup(state))
    return -1;
  snprintf(path, sizeof path, "%s/x12kit-document.xsd", dir && *dir ? dir : "schemas");
  p = xmlSchemaNewParserCtxt(path);
  if (p == NULL)
    return -1;
  xsd = xmlSchemaParse(p);
  xmlSchemaFreeParserCtxt(p);
  return xsd == NULL ? -1 : 0;
}

static int teardown(void **state)
{
  xmlSchemaFree(xsd);
  xmlCleanupParser();
  return tu_schema_teardown(state);
}

/* The XSD is strict enough to refuse a document that breaks the vocabulary. */
static void xsd_refuses_foreign_xml(void **state)
{
  static const char bad[] = "<x12><interchange element-separator=\"*\" "
                            "segment-terminator=\"~\"><loop id=\"2000A\"/></interchange></x12>";
  (void)state;
  assert_false(schema_ok(bad, sizeof bad - 1));
}

/* ---- the shapes ---- */

static void xml_keeps_loops_and_names(void **state)
{
  size_t len;
  char *x12 = tu_read_fixture("eligibility/271-two-transactions.x12", &len);
  tu_buf doc;
  x12kit_error err;

  (void)state;
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_XML, x12, len, &doc, &err), X12KIT_OK);
  assert_non_null(strstr(doc.p, "<transaction set=\"271\" control=\"0001\""));
  assert_non_null(strstr(doc.p, "guide=\"271\""));
  assert_non_null(strstr(doc.p, "<loop id=\"2100C\" name=\"Subscriber Name\">"));
  assert_non_null(strstr(doc.p, "<element pos=\"01\" ref=\"98\" name=\"Entity Identifier Code\">"));
  assert_non_null(strstr(doc.p, "<element pos=\"11\" ref=\"I65\" name=\"Repetition Separator\">^<"));
  assert_non_null(strstr(doc.p, "repetition-separator=\"^\" component-separator=\":\""));
  buf_free(&doc);
  free(x12);
}

static void json_loops_nest_and_repeat(void **state)
{
  size_t len, i;
  char *x12 = tu_read_fixture("eligibility/271-two-transactions.x12", &len);
  tu_buf doc;
  x12kit_error err;
  json_error_t jerr;
  const char *line, *nl;
  unsigned txs = 0, lines = 0;

  (void)state;
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, x12, len, &doc, &err),
                   X12KIT_OK);
  for (line = doc.p; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
    json_t *o = json_loadb(line, (size_t)(nl - line), 0, &jerr), *content, *item;
    assert_non_null(o);
    lines++;
    if (strcmp(json_string_value(json_object_get(o, "type")), "transaction") == 0) {
      int found = 0;
      txs++;
      content = json_object_get(o, "content");
      assert_true(json_is_array(content));
      json_array_foreach(content, i, item) {
        if (json_object_get(item, "loop") &&
            strcmp(json_string_value(json_object_get(item, "loop")), "2000A") == 0) {
          json_t *insts = json_object_get(item, "instances");
          assert_true(json_is_array(insts));
          assert_int_equal(json_array_size(insts), 1);
          found = 1;
        }
      }
      assert_true(found);
    }
    json_decref(o);
  }
  /* interchange, group, 2 transactions, group_end, interchange_end */
  assert_int_equal(lines, 6);
  assert_int_equal(txs, 2);
  /* values stay strings: ISA13 keeps its zeros */
  assert_non_null(strstr(doc.p, "\"ISA13\":\"000000717\""));
  buf_free(&doc);
  free(x12);
}

/* ---- delimiters and counts ---- */

static char *swap_bytes(const char *s, size_t len, const char *from, const char *to)
{
  char *r = malloc(len + 1);
  size_t i;

  assert_non_null(r);
  for (i = 0; i < len; i++) {
    const char *p = strchr(from, s[i]);
    r[i] = p && s[i] ? to[p - from] : s[i];
  }
  r[len] = '\0';
  return r;
}

static void isa11_isa16_kept(void **state)
{
  size_t len;
  char *orig = tu_read_fixture("eligibility/271-active-auth-copay.x12", &len);
  char *x12 = swap_bytes(orig, len, "*^:~", "|!>`");
  static const x12kit_format formats[] = { X12KIT_FORMAT_XML, X12KIT_FORMAT_JSON };
  size_t k;

  (void)state;
  for (k = 0; k < 2; k++) {
    tu_buf doc, back;
    x12kit_error err;
    assert_int_equal(conv(X12KIT_FORMAT_X12, formats[k], x12, len, &doc, &err), X12KIT_OK);
    assert_non_null(strstr(doc.p, k == 0 ? "repetition-separator=\"!\"" : "\"ISA11\":\"!\""));
    assert_non_null(strstr(doc.p, k == 0 ? "component-separator=\">\"" : "\"ISA16\":\">\""));
    assert_int_equal(conv(formats[k], X12KIT_FORMAT_X12, doc.p, doc.len, &back, &err),
                     X12KIT_OK);
    assert_int_equal(back.len, len);
    assert_memory_equal(back.p, x12, len);
    buf_free(&doc);
    buf_free(&back);
  }
  free(x12);
  free(orig);
}

static void counts_recomputed(void **state)
{
  size_t len;
  char *x12 = tu_read_fixture("eligibility/271-two-transactions.x12", &len);
  tu_buf doc, back;
  x12kit_error err;
  char *bad1, *bad2, *bad3;

  (void)state;
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, x12, len, &doc, &err),
                   X12KIT_OK);
  bad1 = replace(doc.p, "\"SE01\":\"", "\"SE01\":\"9");
  bad2 = replace(bad1, "\"GE01\":\"", "\"GE01\":\"7");
  bad3 = replace(bad2, "\"IEA01\":\"", "\"IEA01\":\"5");
  assert_int_equal(conv(X12KIT_FORMAT_JSON, X12KIT_FORMAT_X12, bad3, strlen(bad3), &back, &err),
                   X12KIT_OK);
  assert_int_equal(back.len, len);
  assert_memory_equal(back.p, x12, len);
  buf_free(&back);
  free(bad1);
  free(bad2);
  free(bad3);
  buf_free(&doc);

  /* the same in XML, with SE01 absent altogether */
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_XML, x12, len, &doc, &err), X12KIT_OK);
  bad1 = replace(doc.p, "name=\"Transaction Segment Count\">", "name=\"x\">4");
  assert_int_equal(conv(X12KIT_FORMAT_XML, X12KIT_FORMAT_X12, bad1, strlen(bad1), &back, &err),
                   X12KIT_OK);
  assert_int_equal(back.len, len);
  assert_memory_equal(back.p, x12, len);
  buf_free(&back);
  free(bad1);
  buf_free(&doc);
  free(x12);
}

/* ---- malformed documents ---- */

typedef struct bad_doc {
  const char *text;
  unsigned long line;
  const char *says;
} bad_doc;

#define XML_HEAD "<?xml version=\"1.0\"?>\n<x12>\n"
#define IC_OPEN "<interchange element-separator=\"*\" segment-terminator=\"~\">\n"

static void refused(x12kit_format from, const bad_doc *b, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    tu_buf out;
    x12kit_error err;
    int rc = conv(from, X12KIT_FORMAT_X12, b[i].text, strlen(b[i].text), &out, &err);
    if (rc == X12KIT_OK || (b[i].line && err.pos.line != b[i].line) || strstr(err.text, b[i].says) == NULL)
      fprintf(stderr, "# case %zu: rc %d, line %lu: %s\n", i, rc, err.pos.line, err.text);
    assert_true(rc < 0);
    /* 0: somewhere, as libxml2 reads a DOCTYPE ahead of where it is */
    if (b[i].line)
      assert_int_equal(err.pos.line, b[i].line);
    else
      assert_true(err.pos.line > 0);
    assert_non_null(strstr(err.text, b[i].says));
    assert_string_equal(err.value, "");
    buf_free(&out);
  }
}

static void malformed_xml_refused_with_line(void **state)
{
  static const bad_doc docs[] = {
    { XML_HEAD IC_OPEN "<segment id=\"ISA\">\n<element>00</elemen>\n", 5, "not well formed" },
    { XML_HEAD "<banana/>\n</x12>\n", 3, "not an element" },
    { XML_HEAD "\n" IC_OPEN "<banana>\n", 5, "not an element" },
    { "<?xml version=\"1.0\"?>\n<!DOCTYPE x12 [<!ENTITY e \"SECRET\">]>\n<x12>&e;</x12>\n", 0,
      "entities" },
    { XML_HEAD "<group/>\n</x12>\n", 3, "not allowed" },
    { XML_HEAD IC_OPEN "<segment id=\"nm1\"/>\n", 4, "capital letters" },
    { XML_HEAD IC_OPEN "<segment id=\"ISA\"><element>00</element></segment>\n", 4,
      "fixed widths" },
    { XML_HEAD "\n\n<interchange element-separator=\"**\" segment-terminator=\"~\"/>\n", 5,
      "one character each" },
  };

  (void)state;
  refused(X12KIT_FORMAT_XML, docs, sizeof docs / sizeof *docs);
}

/* A whole valid document, then one mistake in it, found on its line. */
static void xml_not_matching_the_map(void **state)
{
  size_t len;
  char *x12 = tu_read_fixture("eligibility/271-active-auth-copay.x12", &len);
  tu_buf doc, out;
  x12kit_error err;
  char *bad;
  const char *at;
  unsigned long line = 1;

  (void)state;
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_XML, x12, len, &doc, &err), X12KIT_OK);

  /* a loop the guide does not have there */
  bad = replace(doc.p, "<loop id=\"2100C\"", "<loop id=\"2100X\"");
  at = strstr(bad, "<loop id=\"2100X\"");
  for (const char *p = bad; p < at; p++)
    line += *p == '\n';
  assert_true(conv(X12KIT_FORMAT_XML, X12KIT_FORMAT_X12, bad, strlen(bad), &out, &err) < 0);
  if (err.pos.line != line)
    fprintf(stderr, "# line %lu, wanted %lu: %s\n", err.pos.line, line, err.text);
  assert_int_equal(err.pos.line, line);
  assert_non_null(strstr(err.text, "2100X"));
  buf_free(&out);
  free(bad);

  /* a value holding the segment terminator */
  bad = replace(doc.p, ">IL<", ">I~L<");
  assert_true(conv(X12KIT_FORMAT_XML, X12KIT_FORMAT_X12, bad, strlen(bad), &out, &err) < 0);
  assert_true(err.pos.line > 1);
  assert_non_null(strstr(err.text, "delimiter"));
  assert_string_equal(err.value, "");
  buf_free(&out);
  free(bad);

  /* a segment where its loop has none */
  bad = replace(doc.p, "<segment id=\"DMG\"", "<segment id=\"BHT\"");
  assert_true(conv(X12KIT_FORMAT_XML, X12KIT_FORMAT_X12, bad, strlen(bad), &out, &err) < 0);
  assert_non_null(strstr(err.text, "mark it unplaced"));
  buf_free(&out);
  free(bad);

  buf_free(&doc);
  free(x12);
}

static void malformed_json_refused_with_line(void **state)
{
  static const char ic[] =
    "{\"type\":\"interchange\",\"delimiters\":{\"element\":\"*\",\"segment\":\"~\"},"
    "\"segment\":{\"segment\":\"ISA\",\"elements\":{\"ISA01\":\"00\",\"ISA02\":\"          \","
    "\"ISA03\":\"00\",\"ISA04\":\"          \",\"ISA05\":\"ZZ\",\"ISA06\":\"A              \","
    "\"ISA07\":\"ZZ\",\"ISA08\":\"B              \",\"ISA09\":\"270122\",\"ISA10\":\"1010\","
    "\"ISA11\":\"^\",\"ISA12\":\"00501\",\"ISA13\":\"000000001\",\"ISA14\":\"0\","
    "\"ISA15\":\"T\",\"ISA16\":\":\"}}}\n";
  char d0[2048], d1[2048], d2[2048], d3[2048], d4[2048];
  bad_doc docs[6];

  (void)state;
  snprintf(d0, sizeof d0, "%s{\"type\":\"group\",\"segment\":{\"segment\":\"GS\",}}\n", ic);
  snprintf(d1, sizeof d1, "%s\n{\"type\":\"banana\"}\n", ic);
  snprintf(d2, sizeof d2, "%s{\"type\":\"group\",\"segment\":{\"segment\":\"GS\","
           "\"elements\":{\"GS01\":\"HB\",\"XX02\":\"1\"}}}\n", ic);
  snprintf(d3, sizeof d3, "%s{\"type\":\"group\",\"segment\":{\"segment\":\"GS\","
           "\"elements\":{\"GS01\":7}}}\n", ic);
  snprintf(d4, sizeof d4, "%s{\"type\":\"group\",\"segment\":{\"segment\":\"GS\","
           "\"elements\":{\"GS01\":\"H*B\"}}}\n", ic);
  docs[0] = (bad_doc){ d0, 2, "not well formed" };
  docs[1] = (bad_doc){ d1, 3, "unknown line type" };
  docs[2] = (bad_doc){ d2, 2, "not an element" };
  docs[3] = (bad_doc){ d3, 2, "must be a string" };
  docs[4] = (bad_doc){ d4, 2, "delimiter" };
  docs[5] = (bad_doc){ "[1,2]\n", 1, "must be an object" };
  refused(X12KIT_FORMAT_JSON, docs, 6);
}

/* jansson quotes what it choked on: that text stays out of the message */
static void json_error_hides_data(void **state)
{
  static const char doc[] = "{\"type\":\"segment\",\"segment\":SMITHJOHN}\n";
  tu_buf out;
  x12kit_error err;

  (void)state;
  assert_true(conv(X12KIT_FORMAT_JSON, X12KIT_FORMAT_X12, doc, sizeof doc - 1, &out, &err) < 0);
  assert_int_equal(err.pos.line, 1);
  assert_null(strstr(err.text, "SMITH"));
  buf_free(&out);
}

static void broken_envelope_refused(void **state)
{
  size_t len;
  char *x12 = tu_read_fixture("envelope/missing-se.x12", &len);
  tu_buf out;
  x12kit_error err;

  (void)state;
  assert_int_equal(conv(X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, x12, len, &out, &err),
                   X12KIT_ERR_SYNTAX);
  assert_true(err.pos.segment > 0);
  assert_string_equal(err.segment_id, "GE");
  assert_non_null(strstr(err.text, "whole envelopes"));
  buf_free(&out);
  free(x12);
}

static void detects_format(void **state)
{
  (void)state;
  assert_int_equal(x12kit_format_detect("ISA*00", 6), X12KIT_FORMAT_X12);
  assert_int_equal(x12kit_format_detect("\xef\xbb\xbfISA*", 7), X12KIT_FORMAT_X12);
  assert_int_equal(x12kit_format_detect("  <?xml", 7), X12KIT_FORMAT_XML);
  assert_int_equal(x12kit_format_detect("\n{\"type\"", 8), X12KIT_FORMAT_JSON);
  assert_int_equal(x12kit_format_detect("Dear", 4), X12KIT_FORMAT_AUTO);
  assert_int_equal(x12kit_format_parse("JSON"), X12KIT_FORMAT_JSON);
  assert_int_equal(x12kit_format_parse("csv"), -1);
}

/* ---- memory follows one transaction, not the file ---- */

/* |n| copies of the first transaction of a fixture, in one group. */
static char *many(size_t n, size_t *out_len)
{
  size_t len, i, hl, tl;
  char *x12 = tu_read_fixture("eligibility/271-active-auth-copay.x12", &len);
  const char *st = strstr(x12, "ST*"), *ge = strstr(x12, "GE*");
  char *r, *p;

  assert_non_null(st);
  assert_non_null(ge);
  hl = (size_t)(st - x12);
  tl = len - (size_t)(ge - x12);
  r = malloc(hl + n * (size_t)(ge - st) + tl);
  assert_non_null(r);
  memcpy(r, x12, hl);
  p = r + hl;
  for (i = 0; i < n; i++, p += ge - st)
    memcpy(p, st, (size_t)(ge - st));
  memcpy(p, ge, tl);
  *out_len = hl + n * (size_t)(ge - st) + tl;
  free(x12);
  return r;
}

static int count_only(void *ud, const char *buf, size_t len)
{
  (void)buf;
  *(size_t *)ud += len;
  return 0;
}

static size_t peak_for(size_t n, x12kit_format from, x12kit_format to)
{
  size_t len, outn = 0;
  char *x12 = many(n, &len);
  tu_alloc a = { 0, 0, 0, 0 };
  x12kit_mem m = tu_alloc_mem(&a);
  x12kit_error err;
  char *doc = x12;
  tu_buf d = { NULL, 0 };

  if (from != X12KIT_FORMAT_X12) {
    assert_int_equal(conv(X12KIT_FORMAT_X12, from, x12, len, &d, &err), X12KIT_OK);
    doc = d.p;
    len = d.len;
  }
  assert_int_equal(x12kit_convert_buffer(tu_schema, from, to, doc, len, count_only, &outn, NULL,
                                         &m, &err), X12KIT_OK);
  assert_true(outn > 0);
  assert_int_equal(a.live, 0);
  free(x12);
  buf_free(&d);
  return a.peak;
}

static void memory_flat(void **state)
{
  static const x12kit_format pairs[][2] = {
    { X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON }, { X12KIT_FORMAT_X12, X12KIT_FORMAT_XML },
    { X12KIT_FORMAT_JSON, X12KIT_FORMAT_X12 }, { X12KIT_FORMAT_XML, X12KIT_FORMAT_X12 },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    size_t small = peak_for(20, pairs[i][0], pairs[i][1]);
    size_t big = peak_for(400, pairs[i][0], pairs[i][1]);
    fprintf(stderr, "# %s to %s: peak %zu bytes for 20 transactions, %zu for 400\n",
            x12kit_format_name(pairs[i][0]), x12kit_format_name(pairs[i][1]), small, big);
    /* 20 times the transactions, the same memory give or take one buffer's growth */
    assert_true(big <= small + small / 4);
  }
}

static void out_of_memory_is_clean(void **state)
{
  size_t len;
  char *x12 = tu_read_fixture("eligibility/271-two-transactions.x12", &len);
  unsigned k;

  (void)state;
  for (k = 1; k < 60; k++) {
    tu_alloc a = { 0, 0, 0, k };
    x12kit_mem m = tu_alloc_mem(&a);
    x12kit_error err;
    size_t outn = 0;
    int rc = x12kit_convert_buffer(tu_schema, X12KIT_FORMAT_X12, X12KIT_FORMAT_JSON, x12, len,
                                   count_only, &outn, NULL, &m, &err);
    assert_true(rc == X12KIT_OK || rc == X12KIT_ERR_NOMEM);
    assert_int_equal(a.live, 0);
  }
  free(x12);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(detects_format),
    cmocka_unit_test(round_trip_every_fixture),
    cmocka_unit_test(round_trip_canonical),
    cmocka_unit_test(xsd_refuses_foreign_xml),
    cmocka_unit_test(xml_keeps_loops_and_names),
    cmocka_unit_test(json_loops_nest_and_repeat),
    cmocka_unit_test(isa11_isa16_kept),
    cmocka_unit_test(counts_recomputed),
    cmocka_unit_test(malformed_xml_refused_with_line),
    cmocka_unit_test(xml_not_matching_the_map),
    cmocka_unit_test(malformed_json_refused_with_line),
    cmocka_unit_test(json_error_hides_data),
    cmocka_unit_test(broken_envelope_refused),
    cmocka_unit_test(memory_flat),
    cmocka_unit_test(out_of_memory_is_clean),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
