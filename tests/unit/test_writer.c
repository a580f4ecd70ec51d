/*
 * x12kit tests - the writer.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

/* ---- an in-memory sink ---- */

struct sink {
  char *buf;
  size_t len, cap;
  unsigned calls;
  int fail;
};

static int sink_write(void *ud, const char *p, size_t n)
{
  struct sink *s = ud;

  if (s->fail)
    return -1;
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->buf = realloc(s->buf, s->cap);
    assert_non_null(s->buf);
  }
  memcpy(s->buf + s->len, p, n);
  s->len += n;
  s->buf[s->len] = '\0';
  s->calls++;
  return 0;
}

static void sink_reset(struct sink *s)
{
  free(s->buf);
  memset(s, 0, sizeof *s);
}

static x12kit_writer *new_writer(struct sink *s, const x12kit_delimiters *d)
{
  x12kit_writer *w;

  memset(s, 0, sizeof *s);
  assert_int_equal(x12kit_writer_new(&w, sink_write, s, d, NULL), X12KIT_OK);
  return w;
}

/* Writes a segment from a NULL-terminated list of element strings. */
static void seg(x12kit_writer *w, const char *id, ...)
{
  va_list ap;
  const char *v;

  assert_int_equal(x12kit_writer_begin(w, id), X12KIT_OK);
  va_start(ap, id);
  while ((v = va_arg(ap, const char *)) != NULL)
    assert_int_equal(x12kit_writer_element(w, *v == '\1' ? NULL : v), X12KIT_OK);
  va_end(ap);
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
}

static const x12kit_isa_fields base_isa = {
  NULL, NULL, NULL, NULL, "ZZ", "BRIGHTPATHCLNC", "ZZ", "NORTHWINDHP", "261123", "1015",
  301, 0, 'T'
};

static const x12kit_gs_fields base_gs = {
  "HS", "BRIGHTPATHCLNC", "NORTHWINDHP", "20261123", "1015", 301, "005010X279A1"
};

/* The body of fixtures/lexer/base-270.x12, built through the API. */
static void write_base_270(x12kit_writer *w)
{
  assert_int_equal(x12kit_writer_interchange(w, &base_isa), X12KIT_OK);
  assert_int_equal(x12kit_writer_group(w, &base_gs), X12KIT_OK);
  assert_int_equal(x12kit_writer_transaction(w, "270", NULL, NULL), X12KIT_OK);
  seg(w, "BHT", "0022", "13", "BP270-0301", "20261123", "1015", NULL);
  seg(w, "HL", "1", "", "20", "1", NULL);
  seg(w, "NM1", "PR", "2", "NORTHWIND HEALTH PLAN", "", "", "", "", "PI", "NWHP01", NULL);
  seg(w, "HL", "2", "1", "21", "1", NULL);
  seg(w, "NM1", "1P", "2", "BRIGHT PATH KETAMINE CLINIC", "", "", "", "", "XX", "1234567893", NULL);
  seg(w, "HL", "3", "2", "22", "0", NULL);
  seg(w, "TRN", "1", "BP270-0301", "9876543210", NULL);
  seg(w, "NM1", "IL", "1", "QUILL", "JORDAN", "", "", "", "MI", "NWH55501234", "", "", NULL);
  seg(w, "DMG", "D8", "19900321", "M", NULL);
  seg(w, "DTP", "291", "D8", "20261201", NULL);
  /* EQ01 repeats */
  assert_int_equal(x12kit_writer_begin(w, "EQ"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "30"), X12KIT_OK);
  assert_int_equal(x12kit_writer_repetition(w, "MH"), X12KIT_OK);
  assert_int_equal(x12kit_writer_repetition(w, NULL), X12KIT_OK); /* trimmed */
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
  /* EQ02 is a composite with trailing empty components */
  assert_int_equal(x12kit_writer_begin(w, "EQ"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "HC"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, "96365"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, ""), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_transaction_segments(w), 13);
  assert_int_equal(x12kit_writer_end_transaction(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_transaction_segments(w), 0);
  assert_int_equal(x12kit_writer_end_group(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_interchange(w), X12KIT_OK);
}

/* Building through the API gives the fixture byte for byte, ISA padding and counts included. */
static void test_build_270(void **state)
{
  struct sink s;
  size_t len;
  char *want = tu_read_fixture("lexer/base-270.x12", &len);
  x12kit_writer *w = new_writer(&s, NULL);

  (void)state;
  write_base_270(w);
  assert_int_equal(s.len, len);
  assert_memory_equal(s.buf, want, len);
  assert_null(x12kit_writer_error(w));
  x12kit_writer_free(w);
  sink_reset(&s);
  free(want);
}

static void test_trimming(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);

  (void)state;
  /* trailing empty elements go, inner ones stay */
  seg(w, "NM1", "IL", "", "DOE", "", "", NULL);
  /* an element of empty components is empty; inner empty components stay */
  assert_int_equal(x12kit_writer_begin(w, "SV1"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "HC"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, "J3490"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, "KETAMINE HCL"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, ""), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "UN"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "6"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
  /* a segment of nothing but its ID */
  assert_int_equal(x12kit_writer_begin(w, "LE"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, ""), X12KIT_OK);
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  assert_string_equal(s.buf, "NM1*IL**DOE~SV1*HC:J3490:::::KETAMINE HCL**UN*6~LE~");
  x12kit_writer_free(w);
  sink_reset(&s);
}

static void test_delimiter_in_data(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);
  const x12kit_error *e;

  (void)state;
  assert_int_equal(x12kit_writer_begin(w, "NM1"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "IL"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "1"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "O*BRIEN"), X12KIT_ERR_DATA);
  e = x12kit_writer_error(w);
  assert_non_null(e);
  assert_int_equal(e->code, X12KIT_ERR_DATA);
  assert_string_equal(e->segment_id, "NM1");
  assert_int_equal(e->element, 3);
  assert_non_null(strstr(e->text, "NM103"));
  assert_non_null(strstr(e->text, "element separator"));
  assert_null(strstr(e->text, "BRIEN"));
  assert_string_equal(e->value, "");
  /* the broken segment is dropped and the writer goes on */
  assert_int_equal(x12kit_writer_element(w, "X"), X12KIT_ERR_STATE);
  seg(w, "DMG", "D8", "19900321", NULL);
  assert_null(x12kit_writer_error(w));
  assert_int_equal(x12kit_writer_begin(w, "MSG"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "TAKE 2~3 TIMES"), X12KIT_ERR_DATA);
  assert_non_null(strstr(x12kit_writer_error(w)->text, "segment terminator"));
  assert_int_equal(x12kit_writer_begin(w, "EQ"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "30"), X12KIT_OK);
  assert_int_equal(x12kit_writer_repetition(w, "M^H"), X12KIT_ERR_DATA);
  assert_int_equal(x12kit_writer_begin(w, "EQ"), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_element(w, "HC"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, "963:65"), X12KIT_ERR_DATA);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  assert_string_equal(s.buf, "DMG*D8*19900321~");
  x12kit_writer_free(w);
  sink_reset(&s);
}

static void test_isa_fields(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);
  x12kit_isa_fields f = base_isa;

  (void)state;
  f.sender_id = "A-SENDER-ID-THAT-IS-TOO-LONG";
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_DATA);
  assert_non_null(strstr(x12kit_writer_error(w)->text, "ISA06"));
  f = base_isa;
  f.date = "2611";
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.time = "10:15";
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.control = 0;
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f.control = 1000000000ul;
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.usage = 'X';
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.ack_requested = 2;
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.receiver_id = NULL;
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_ARG);
  f = base_isa;
  f.auth_info = "PASS*WORD";
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_DATA);
  assert_int_equal(s.len, 0);
  /* defaults and padding */
  f = base_isa;
  f.sender_qualifier = NULL;
  f.usage = 0;
  f.control = 7;
  f.ack_requested = 1;
  f.auth_qualifier = "03";
  f.auth_info = "AUTH";
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_OK);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  assert_int_equal(s.len, 106);
  assert_string_equal(s.buf, "ISA*03*AUTH      *00*          *ZZ*BRIGHTPATHCLNC *ZZ*NORTHWINDHP    "
                             "*261123*1015*^*00501*000000007*1*P*:~");
  assert_int_equal(x12kit_writer_interchange(w, &f), X12KIT_ERR_STATE);
  x12kit_writer_free(w);
  sink_reset(&s);
}

/* Counts and control numbers are the writer's own. */
static void test_envelope_counts(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);
  x12kit_gs_fields g = base_gs;
  int i;

  (void)state;
  assert_int_equal(x12kit_writer_group(w, &g), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_interchange(w, &base_isa), X12KIT_OK);
  assert_int_equal(x12kit_writer_transaction(w, "270", NULL, NULL), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_group(w, &g), X12KIT_OK);
  for (i = 0; i < 3; i++) {
    assert_int_equal(x12kit_writer_transaction(w, "270", NULL, i == 2 ? "" : NULL), X12KIT_OK);
    seg(w, "BHT", "0022", "13", NULL);
    assert_int_equal(x12kit_writer_end_group(w), X12KIT_ERR_STATE);
    assert_int_equal(x12kit_writer_end_transaction(w), X12KIT_OK);
  }
  assert_int_equal(x12kit_writer_transaction(w, "270", "123456789", "005010X279A1"), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_transaction(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_transaction(w, "270", "123", NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_end_transaction(w), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_end_interchange(w), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_end_group(w), X12KIT_OK);
  g.control = 302;
  g.functional_id = "HB";
  g.version = "005010X279A1";
  assert_int_equal(x12kit_writer_group(w, &g), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_group(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_interchange(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_interchange(w), X12KIT_ERR_STATE);
  assert_string_equal(s.buf,
      "ISA*00*          *00*          *ZZ*BRIGHTPATHCLNC *ZZ*NORTHWINDHP    *261123*1015*^*00501*000000301*0*T*:~"
      "GS*HS*BRIGHTPATHCLNC*NORTHWINDHP*20261123*1015*301*X*005010X279A1~"
      "ST*270*0001*005010X279A1~BHT*0022*13~SE*3*0001~"
      "ST*270*0002*005010X279A1~BHT*0022*13~SE*3*0002~"
      "ST*270*0003~BHT*0022*13~SE*3*0003~"
      "ST*270*123456789*005010X279A1~SE*2*123456789~"
      "GE*4*301~"
      "GS*HB*BRIGHTPATHCLNC*NORTHWINDHP*20261123*1015*302*X*005010X279A1~GE*0*302~"
      "IEA*2*000000301~");
  x12kit_writer_free(w);
  sink_reset(&s);
}

static void test_api_contract(void **state)
{
  static const x12kit_delimiters bad = { '*', '*', ':', '~' };
  static const x12kit_delimiters nl = { '*', '^', ':', '\n' };
  struct sink s;
  x12kit_writer *w;

  (void)state;
  memset(&s, 0, sizeof s);
  assert_int_equal(x12kit_writer_new(NULL, sink_write, &s, NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_new(&w, NULL, &s, NULL, NULL), X12KIT_ERR_ARG);
  assert_null(w);
  assert_int_equal(x12kit_writer_new(&w, sink_write, &s, &bad, NULL), X12KIT_ERR_DELIMITER);
  w = new_writer(&s, NULL);
  assert_int_equal(x12kit_writer_begin(w, "nm1"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_begin(w, "N"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_begin(w, "NM12"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_begin(w, "1NM"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_end(w), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_element(w, "X"), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_begin(w, "N3"), X12KIT_OK);
  assert_int_equal(x12kit_writer_component(w, "X"), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_begin(w, "N3"), X12KIT_OK);
  assert_int_equal(x12kit_writer_begin(w, "N4"), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_end(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_line_end(w, "\r"), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_writer_set_line_end(w, "\r\n"), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_delimiters(w, &nl), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_set_line_end(w, ""), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_delimiters(w, &bad), X12KIT_ERR_DELIMITER);
  assert_int_equal(x12kit_writer_set_delimiters(w, &nl), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_line_end(w, "\n"), X12KIT_ERR_ARG);
  seg(w, "LS", "2120", NULL);
  assert_int_equal(x12kit_writer_interchange(w, &base_isa), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_delimiters(w, &bad), X12KIT_ERR_STATE);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  assert_string_equal(s.buf, "N3~LS*2120\nISA*00*          *00*          *ZZ*BRIGHTPATHCLNC *ZZ*NORTHWINDHP    "
                             "*261123*1015*^*00501*000000301*0*T*:\n");
  x12kit_writer_free(w);
  x12kit_writer_free(NULL);
  sink_reset(&s);
}

static void test_write_failure(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);

  (void)state;
  s.fail = 1;
  seg(w, "LS", "2120", NULL);
  assert_int_equal(x12kit_writer_flush(w), X12KIT_ERR_IO);
  assert_int_equal(x12kit_writer_error(w)->code, X12KIT_ERR_IO);
  s.fail = 0;
  /* nothing was lost: the bytes are still waiting */
  assert_int_equal(x12kit_writer_flush(w), X12KIT_OK);
  assert_string_equal(s.buf, "LS*2120~");
  x12kit_writer_free(w);
  sink_reset(&s);
}

/* Large output is handed over in pieces that end on segment boundaries. */
static void test_large_output(void **state)
{
  struct sink s;
  x12kit_writer *w = new_writer(&s, NULL);
  char want[64];
  int i;

  (void)state;
  assert_int_equal(x12kit_writer_interchange(w, &base_isa), X12KIT_OK);
  assert_int_equal(x12kit_writer_group(w, &base_gs), X12KIT_OK);
  for (i = 0; i < 20000; i++) {
    char ctl[16];
    snprintf(ctl, sizeof ctl, "%09d", i + 1);
    assert_int_equal(x12kit_writer_transaction(w, "270", ctl, NULL), X12KIT_OK);
    seg(w, "BHT", "0022", "13", "A-REFERENCE-NUMBER", "20261123", "1015", NULL);
    assert_int_equal(x12kit_writer_end_transaction(w), X12KIT_OK);
    assert_true(s.len == 0 || s.buf[s.len - 1] == '~');
  }
  assert_int_equal(x12kit_writer_end_group(w), X12KIT_OK);
  assert_int_equal(x12kit_writer_end_interchange(w), X12KIT_OK);
  assert_true(s.calls > 10);
  snprintf(want, sizeof want, "GE*20000*301~IEA*1*000000301~");
  assert_string_equal(s.buf + s.len - strlen(want), want);
  x12kit_writer_free(w);
  sink_reset(&s);
}

/* ---- copying lexed segments ---- */

/* Lexes |buf| and copies every segment; returns what the writer wrote. */
static int rewrite(const char *buf, size_t len, const x12kit_delimiters *force, const char *eol,
                   struct sink *out)
{
  x12kit_lexer *lx;
  x12kit_writer *w;
  const x12kit_segment *seg;
  int rc;

  memset(out, 0, sizeof *out);
  assert_int_equal(x12kit_writer_new(&w, sink_write, out, NULL, NULL), X12KIT_OK);
  assert_int_equal(x12kit_writer_set_line_end(w, eol), X12KIT_OK);
  assert_int_equal(x12kit_lexer_new(&lx, NULL), X12KIT_OK);
  assert_int_equal(x12kit_lexer_feed(lx, buf, len), X12KIT_OK);
  assert_int_equal(x12kit_lexer_finish(lx), X12KIT_OK);
  while ((rc = x12kit_lexer_next(lx, &seg)) == X12KIT_OK) {
    if (strcmp(x12kit_segment_id(seg), "ISA") == 0)
      assert_int_equal(x12kit_writer_set_delimiters(w, force ? force : x12kit_segment_delimiters(seg)),
                       X12KIT_OK);
    rc = x12kit_writer_copy(w, seg);
    if (rc != X12KIT_OK)
      break;
  }
  if (rc == X12KIT_END)
    rc = x12kit_writer_flush(w);
  x12kit_lexer_free(lx);
  x12kit_writer_free(w);
  return rc;
}

/* Canonical input comes back byte for byte, whatever its delimiters and line ends. */
static void test_round_trip_fixtures(void **state)
{
  const char *dirs[] = { "valid", "lexer" };
  int files = 0;
  size_t k;

  (void)state;
  for (k = 0; k < 2; k++) {
    DIR *d = opendir(tu_fixture_path(dirs[k]));
    struct dirent *e;
    if (d == NULL)
      continue;
    while ((e = readdir(d)) != NULL) {
      char path[512];
      const char *eol, *t, *body;
      size_t len, blen;
      struct sink out;
      char *buf;

      if (strstr(e->d_name, ".x12") == NULL)
        continue;
      if (k == 1 && strcmp(e->d_name, "base-270.x12") != 0)
        continue; /* the other lexer fixtures are broken on purpose */
      snprintf(path, sizeof path, "%s/%s", dirs[k], e->d_name);
      buf = tu_read_fixture(path, &len);
      body = buf;
      blen = len;
      if (blen >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        body += 3; /* the byte-order mark is not X12 */
        blen -= 3;
      }
      /* what follows the first terminator is the line end of the file */
      t = body + 106;
      eol = blen > 107 && t[0] == '\r' && t[1] == '\n' ? "\r\n"
            : blen > 106 && t[0] == '\n' && body[105] != '\n' ? "\n" : "";
      if (rewrite(body, blen, NULL, eol, &out) != X12KIT_OK)
        fail_msg("%s: rewrite failed", path);
      if (out.len != blen || memcmp(out.buf, body, blen) != 0)
        fail_msg("%s: the rewritten bytes differ", path);
      sink_reset(&out);
      free(buf);
      files++;
    }
    closedir(d);
  }
  assert_true(files >= 8);
}

/* Other delimiters: every element, repetition and component survives. */
static void test_rewrite_other_delimiters(void **state)
{
  static const x12kit_delimiters other = { '|', '}', '>', '\n' };
  size_t len, i;
  char *buf = tu_read_fixture("lexer/base-270.x12", &len);
  struct sink out, back;
  tu_segs a, b;

  (void)state;
  assert_int_equal(rewrite(buf, len, &other, "", &out), X12KIT_OK);
  assert_null(strchr(out.buf, '*'));
  assert_non_null(strstr(out.buf, "\nEQ|30}MH\nEQ||HC>96365\n"));
  tu_lex(buf, len, 0, &a);
  tu_lex(out.buf, out.len, 0, &b);
  assert_int_equal(b.rc, X12KIT_END);
  assert_int_equal(a.n, b.n);
  for (i = 0; i < a.n; i++) {
    char want[1024];
    size_t j;
    snprintf(want, sizeof want, "%s", a.v[i].raw);
    for (j = 0; want[j]; j++)
      want[j] = want[j] == '*' ? '|' : want[j] == '^' ? '}' : want[j] == ':' ? '>' : want[j];
    assert_string_equal(b.v[i].raw, want);
  }
  /* and back again */
  assert_int_equal(rewrite(out.buf, out.len, &(x12kit_delimiters){ '*', '^', ':', '~' }, "", &back),
                   X12KIT_OK);
  assert_int_equal(back.len, len);
  assert_memory_equal(back.buf, buf, len);
  /* a value holding the new delimiter cannot be carried */
  sink_reset(&back);
  assert_int_equal(rewrite(buf, len, &(x12kit_delimiters){ '*', '^', ':', '-' }, "", &back),
                   X12KIT_ERR_DATA);
  tu_segs_free(&a);
  tu_segs_free(&b);
  sink_reset(&out);
  sink_reset(&back);
  free(buf);
}

/* ---- allocation failure ---- */

static void test_alloc_failure(void **state)
{
  unsigned fail_at;
  int saw_ok = 0;

  (void)state;
  for (fail_at = 1; fail_at < 6; fail_at++) {
    tu_alloc f = { 0, 0, 0, fail_at };
    x12kit_mem mem = tu_alloc_mem(&f);
    struct sink s;
    x12kit_writer *w;
    int rc;

    memset(&s, 0, sizeof s);
    rc = x12kit_writer_new(&w, sink_write, &s, NULL, &mem);
    if (rc != X12KIT_OK) {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      continue;
    }
    rc = x12kit_writer_begin(w, "LS");
    if (rc == X12KIT_OK)
      rc = x12kit_writer_element(w, "2120");
    if (rc == X12KIT_OK)
      rc = x12kit_writer_end(w);
    if (rc == X12KIT_OK) {
      saw_ok = 1;
    } else {
      assert_int_equal(rc, X12KIT_ERR_NOMEM);
      assert_int_equal(x12kit_writer_error(w)->code, X12KIT_ERR_NOMEM);
    }
    x12kit_writer_free(w);
    sink_reset(&s);
  }
  assert_true(saw_ok);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_build_270),
    cmocka_unit_test(test_trimming),
    cmocka_unit_test(test_delimiter_in_data),
    cmocka_unit_test(test_isa_fields),
    cmocka_unit_test(test_envelope_counts),
    cmocka_unit_test(test_api_contract),
    cmocka_unit_test(test_write_failure),
    cmocka_unit_test(test_large_output),
    cmocka_unit_test(test_round_trip_fixtures),
    cmocka_unit_test(test_rewrite_other_delimiters),
    cmocka_unit_test(test_alloc_failure),
  };
  return cmocka_run_group_tests_name("writer", tests, NULL, NULL);
}
