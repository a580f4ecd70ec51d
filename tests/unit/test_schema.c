/*
 * x12kit tests - loading implementation-guide maps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

static const char *schema_dir(void)
{
  const char *d = getenv("X12KIT_SCHEMA_DIR");
  return d && *d ? d : "schemas";
}

/* ---- the shipped maps ---- */

static void test_load_shipped(void **state)
{
  x12kit_schema *s;
  x12kit_error err;
  const x12kit_guide *g;
  size_t i;
  static const char *const ids[] = { "270", "271", "278-request", "278-response", "999" };

  (void)state;
  if (x12kit_schema_load(&s, schema_dir(), NULL, &err) != X12KIT_OK)
    fail_msg("loading %s: %s", schema_dir(), err.text);
  assert_int_equal(x12kit_schema_guide_count(s), 5);
  for (i = 0; i < 5; i++) {
    size_t k;
    int found = 0;
    for (k = 0; k < x12kit_schema_guide_count(s); k++)
      found |= strcmp(x12kit_guide_id(x12kit_schema_guide(s, k)), ids[i]) == 0;
    if (!found)
      fail_msg("guide %s is missing", ids[i]);
  }
  assert_null(x12kit_schema_guide(s, 5));

  g = x12kit_schema_find(s, "270", "005010X279A1", NULL);
  assert_non_null(g);
  assert_string_equal(x12kit_guide_functional_id(g), "HS");
  assert_string_equal(x12kit_guide_transaction(g), "270");
  assert_string_equal(x12kit_guide_version(g), "005010X279A1");
  assert_true(strlen(x12kit_guide_name(g)) > 0);
  g = x12kit_schema_find(s, "271", "005010X279A1", NULL);
  assert_string_equal(x12kit_guide_functional_id(g), "HB");
  /* 278 request and response share ST01 and ST03: BHT02 tells them apart */
  assert_string_equal(x12kit_guide_id(x12kit_schema_find(s, "278", "005010X217", "13")),
                      "278-request");
  assert_string_equal(x12kit_guide_id(x12kit_schema_find(s, "278", "005010X217", "11")),
                      "278-response");
  assert_null(x12kit_schema_find(s, "278", "005010X217", "99"));
  assert_non_null(x12kit_schema_find(s, "278", "005010X217", NULL));
  assert_null(x12kit_schema_find(s, "837", "005010X222A1", NULL));
  assert_null(x12kit_schema_find(s, "270", "004010X092A1", NULL));
  assert_string_equal(x12kit_guide_id(x12kit_schema_find(s, "999", "005010X231A1", NULL)), "999");

  /* one code table serves every guide */
  assert_string_equal(x12kit_schema_code(s, "1365", "MH"), "Mental Health");
  assert_non_null(x12kit_schema_code(s, "1365", "30"));
  assert_non_null(x12kit_schema_code(s, "901", "75"));
  assert_non_null(x12kit_schema_code(s, "306", "A1"));
  assert_non_null(x12kit_schema_code(s, "620", "8"));
  assert_non_null(x12kit_schema_code(s, "621", "7"));
  assert_non_null(x12kit_schema_code(s, "I18", "021"));
  assert_null(x12kit_schema_code(s, "1365", "ZZZ"));
  assert_null(x12kit_schema_code(s, "1365", ""));
  assert_null(x12kit_schema_code(s, "no-such-list", "30"));
  assert_null(x12kit_schema_code(NULL, "1365", "30"));
  x12kit_schema_free(s);
  x12kit_schema_free(NULL);
}

/* ---- x12kit_schema_codes_each ---- */

typedef struct each_log {
  unsigned n, stop_at;
  char first[8], last[8];
  const char *desc96365;
} each_log;

static int each_cb(void *ud, const char *value, const char *desc)
{
  each_log *e = ud;

  if (e->n == 0)
    snprintf(e->first, sizeof e->first, "%s", value);
  snprintf(e->last, sizeof e->last, "%s", value);
  if (strcmp(value, "96365") == 0)
    e->desc96365 = desc;
  return ++e->n == e->stop_at;
}

static void test_codes_each(void **state)
{
  x12kit_schema *s;
  x12kit_error err;
  each_log e;

  (void)state;
  if (x12kit_schema_load(&s, schema_dir(), NULL, &err) != X12KIT_OK)
    fail_msg("loading %s: %s", schema_dir(), err.text);
  /* every code in order of value, with its description */
  memset(&e, 0, sizeof e);
  assert_int_equal(x12kit_schema_codes_each(s, "HC", each_cb, &e), X12KIT_OK);
  assert_string_equal(e.first, "90785");
  assert_string_equal(e.last, "S0013");
  assert_ptr_equal(e.desc96365, x12kit_schema_code(s, "HC", "96365"));
  assert_non_null(e.desc96365);
  assert_string_equal(x12kit_schema_code(s, "ICD10-ketamine", "F332"),
                      x12kit_schema_code(s, "ICD10", "F332"));
  /* a non-zero return stops the walk */
  memset(&e, 0, sizeof e);
  e.stop_at = 2;
  assert_int_equal(x12kit_schema_codes_each(s, "1365", each_cb, &e), X12KIT_ERR_ABORTED);
  assert_int_equal(e.n, 2);
  assert_string_equal(e.last, "10");
  /* unknown list, bad arguments */
  memset(&e, 0, sizeof e);
  assert_int_equal(x12kit_schema_codes_each(s, "no-such-list", each_cb, &e), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_schema_codes_each(s, NULL, each_cb, &e), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_schema_codes_each(s, "HC", NULL, &e), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_schema_codes_each(NULL, "HC", each_cb, &e), X12KIT_ERR_ARG);
  assert_int_equal(e.n, 0);
  x12kit_schema_free(s);
}

static void test_default_dir(void **state)
{
  const char *old = getenv("X12KIT_SCHEMA_DIR");
  char *copy = old ? strdup(old) : NULL;
  x12kit_schema *s;

  (void)state;
  setenv("X12KIT_SCHEMA_DIR", "/nonexistent/x12kit-maps", 1);
  assert_string_equal(x12kit_schema_default_dir(), "/nonexistent/x12kit-maps");
  assert_int_equal(x12kit_schema_load(&s, NULL, NULL, NULL), X12KIT_ERR_SCHEMA);
  assert_null(s);
  unsetenv("X12KIT_SCHEMA_DIR");
  assert_string_not_equal(x12kit_schema_default_dir(), "/nonexistent/x12kit-maps");
  if (copy) {
    setenv("X12KIT_SCHEMA_DIR", copy, 1);
    free(copy);
  }
  assert_int_equal(x12kit_schema_load(NULL, NULL, NULL, NULL), X12KIT_ERR_ARG);
}

/* ---- broken maps ---- */

static const char guide_head[] =
  "<guide id=\"t\" name=\"Test\" transaction=\"270\" functional-id=\"HS\" version=\"V1\">\n"
  "  <segment id=\"ST\" name=\"Header\" usage=\"R\" max=\"1\">\n"
  "    <element pos=\"1\" ref=\"143\" name=\"Id\" usage=\"R\" type=\"ID\" min=\"3\" max=\"3\">"
  "<code value=\"270\"/></element>\n"
  "  </segment>\n";
static const char guide_tail[] =
  "  <segment id=\"SE\" name=\"Trailer\" usage=\"R\" max=\"1\"/>\n"
  "</guide>\n";

static char tmpdir[256];

static void write_file(const char *name, const char *a, const char *b, const char *c)
{
  char path[512];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(a, f);
  if (b)
    fputs(b, f);
  if (c)
    fputs(c, f);
  assert_int_equal(fclose(f), 0);
}

static void copy_xsd(void)
{
  char src[512], buf[4096];
  FILE *in, *out;
  size_t n;

  snprintf(src, sizeof src, "%s/x12kit.xsd", schema_dir());
  in = fopen(src, "rb");
  assert_non_null(in);
  snprintf(buf, sizeof buf, "%s/x12kit.xsd", tmpdir);
  out = fopen(buf, "wb");
  assert_non_null(out);
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(fwrite(buf, 1, n, out), n);
  fclose(in);
  assert_int_equal(fclose(out), 0);
}

static void clear_dir(void)
{
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -f '%s'/*.xml '%s'/*.xsd", tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/x12kit-schema-test-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  clear_dir();
  return rmdir(tmpdir);
}

/* Loads tmpdir and checks the failure names |file| (and |line| > 0) and |fragment|. */
static void expect_broken(const char *file, int line, const char *fragment)
{
  x12kit_schema *s = (x12kit_schema *)1;
  x12kit_error err;
  char where[64];

  assert_int_equal(x12kit_schema_load(&s, tmpdir, NULL, &err), X12KIT_ERR_SCHEMA);
  assert_null(s);
  assert_int_equal(err.code, X12KIT_ERR_SCHEMA);
  if (line > 0)
    snprintf(where, sizeof where, "%s:%d: ", file, line);
  else
    snprintf(where, sizeof where, "%s", file);
  if (strstr(err.text, where) == NULL || strstr(err.text, fragment) == NULL)
    fail_msg("expected \"%s\" and \"%s\" in \"%s\"", where, fragment, err.text);
}

static void test_broken_maps(void **state)
{
  x12kit_schema *s;
  x12kit_error err;

  (void)state;
  /* a directory without the map schema */
  clear_dir();
  write_file("a.xml", guide_head, guide_tail, NULL);
  expect_broken("x12kit.xsd", 0, "");
  copy_xsd();

  /* the minimal guide loads */
  assert_int_equal(x12kit_schema_load(&s, tmpdir, NULL, &err), X12KIT_OK);
  assert_int_equal(x12kit_schema_guide_count(s), 1);
  x12kit_schema_free(s);

  write_file("a.xml", guide_head, "  <segment id=\"BHT\"", guide_tail);
  expect_broken("a.xml", 0, "not well-formed");

  write_file("a.xml", guide_head,
             "  <segment id=\"BHT\" name=\"B\" usage=\"X\" max=\"1\"/>\n", guide_tail);
  expect_broken("a.xml", 5, "usage");

  write_file("a.xml", guide_head,
             "  <segment id=\"BHT\" name=\"B\" usage=\"R\" max=\"1\">\n"
             "    <element pos=\"1\" ref=\"1\" name=\"E\" usage=\"R\" type=\"AN\" min=\"1\" max=\"2\"/>\n"
             "    <element pos=\"1\" ref=\"1\" name=\"F\" usage=\"R\" type=\"AN\" min=\"1\" max=\"2\"/>\n"
             "  </segment>\n", guide_tail);
  expect_broken("a.xml", 5, "defines element 1 twice");

  write_file("a.xml", guide_head,
             "  <segment id=\"BHT\" name=\"B\" usage=\"R\" max=\"1\">\n"
             "    <element pos=\"1\" ref=\"1\" name=\"E\" usage=\"R\" type=\"AN\" min=\"5\" max=\"2\"/>\n"
             "  </segment>\n", guide_tail);
  expect_broken("a.xml", 6, "min length 5 is above max length 2");

  write_file("a.xml", guide_head,
             "  <segment id=\"BHT\" name=\"B\" usage=\"R\" max=\"1\">\n"
             "    <element pos=\"1\" ref=\"1\" name=\"E\" usage=\"R\" type=\"ID\" min=\"1\" max=\"2\" codes=\"4242\"/>\n"
             "  </segment>\n", guide_tail);
  expect_broken("a.xml", 6, "code list 4242");

  write_file("a.xml", guide_head,
             "  <segment id=\"BHT\" name=\"B\" usage=\"R\" max=\"1\">\n"
             "    <element pos=\"1\" ref=\"1\" name=\"E\" usage=\"R\" type=\"AN\" min=\"1\" max=\"2\"/>\n"
             "    <syntax rule=\"P\" positions=\"1 100\"/>\n"
             "  </segment>\n", guide_tail);
  expect_broken("a.xml", 7, "syntax rule P names a position outside 1 to 99");

  write_file("a.xml", guide_head,
             "  <loop id=\"2000A\" name=\"L\" usage=\"R\" repeat=\"1\">\n"
             "    <loop id=\"2100A\" name=\"M\" usage=\"R\" repeat=\"1\">\n"
             "      <segment id=\"NM1\" name=\"N\" usage=\"R\" max=\"1\"/>\n"
             "    </loop>\n"
             "  </loop>\n", guide_tail);
  expect_broken("a.xml", 6, "Expected is ( segment )");

  write_file("a.xml", "<guide id=\"t\" name=\"Test\" transaction=\"270\" functional-id=\"HS\" "
             "version=\"V1\">\n  <segment id=\"BHT\" name=\"B\" usage=\"R\" max=\"1\"/>\n",
             guide_tail, NULL);
  expect_broken("a.xml", 1, "must start with ST and end with SE");

  /* two guides nothing tells apart */
  write_file("a.xml", guide_head, guide_tail, NULL);
  write_file("b.xml", guide_head, guide_tail, NULL);
  expect_broken("b.xml", 1, "guide id t is used twice");
  clear_dir();
  copy_xsd();

  /* code lists: duplicates within and across files */
  write_file("a.xml", guide_head, guide_tail, NULL);
  write_file("codes-1.xml", "<codes><codelist id=\"1\" name=\"One\"><code value=\"A\"/>"
             "<code value=\"A\"/></codelist></codes>\n", NULL, NULL);
  expect_broken("codes-1.xml", 1, "lists the code \"A\" twice");
  write_file("codes-1.xml", "<codes><codelist id=\"1\" name=\"One\"><code value=\"A\"/>"
             "</codelist></codes>\n", NULL, NULL);
  write_file("codes-2.xml", "<codes><codelist id=\"1\" name=\"Again\"><code value=\"B\"/>"
             "</codelist></codes>\n", NULL, NULL);
  expect_broken("codes-2.xml", 1, "code list 1 is defined in two files");
  clear_dir();
  copy_xsd();

  /* no guide at all */
  write_file("codes-1.xml", "<codes><codelist id=\"1\" name=\"One\"><code value=\"A\"/>"
             "</codelist></codes>\n", NULL, NULL);
  expect_broken("", 0, "no transaction guide");
  clear_dir();
  copy_xsd();
  expect_broken("", 0, "no *.xml maps");
}

/* An entity in a map is never expanded and nothing is fetched. */
static void test_no_entities(void **state)
{
  x12kit_schema *s;
  x12kit_error err;

  (void)state;
  clear_dir();
  copy_xsd();
  write_file("a.xml",
             "<?xml version=\"1.0\"?>\n<!DOCTYPE guide [<!ENTITY x SYSTEM \"/etc/passwd\">]>\n"
             "<guide id=\"&x;\" name=\"Test\" transaction=\"270\" functional-id=\"HS\" version=\"V1\">\n"
             "  <segment id=\"ST\" name=\"Header\" usage=\"R\" max=\"1\"/>\n",
             guide_tail, NULL);
  if (x12kit_schema_load(&s, tmpdir, NULL, &err) == X12KIT_OK) {
    /* the reference stays unexpanded */
    assert_null(strstr(x12kit_guide_id(x12kit_schema_guide(s, 0)), "root:"));
    x12kit_schema_free(s);
  } else {
    assert_int_equal(err.code, X12KIT_ERR_SCHEMA);
  }
  clear_dir();
}

/* Every allocation failing in turn: ERR_NOMEM, no leak, no crash. */
static void test_alloc_failure(void **state)
{
  unsigned fail_at;
  int ok = 0;

  (void)state;
  for (fail_at = 1; fail_at < 200 && !ok; fail_at += 7) {
    tu_alloc f = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&f);
    x12kit_schema *s;
    x12kit_error err;
    int rc = x12kit_schema_load(&s, schema_dir(), &mem, &err);
    if (rc == X12KIT_OK) {
      ok = 1;
      x12kit_schema_free(s);
    } else {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_null(s);
    }
  }
  assert_true(ok);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_load_shipped),
    cmocka_unit_test(test_codes_each),
    cmocka_unit_test(test_default_dir),
    cmocka_unit_test(test_broken_maps),
    cmocka_unit_test(test_no_entities),
    cmocka_unit_test(test_alloc_failure),
  };
  return cmocka_run_group_tests_name("schema", tests, setup, teardown);
}
