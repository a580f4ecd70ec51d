/*
 * x12kit - libFuzzer target for the lexer, the envelope checker and the
 * writer.
 *
 * Input: byte 0 picks a chunk size (its value plus one, 1..256); the
 * rest is X12.  Each input is lexed twice on one lexer:
 *
 *  1. whole, through x12kit_lexer_parse(), recording every segment;
 *  2. after x12kit_lexer_reset(), in chunks through the pull interface.
 *     Every chunk is copied to its own malloc'd block, freed as soon as
 *     the lexer asks for more input, so AddressSanitizer catches a
 *     segment that still points into an old chunk.
 *
 * The two runs must give the same segments (bytes, IDs, positions,
 * delimiters) and end with the same status: the lexer promises that
 * chunking makes no difference.  During the chunked run every segment
 * is also walked through the accessors, checked by an envelope checker
 * and re-encoded by a writer.  Checker findings and writer refusals are
 * normal answers to hostile input; crashes, leaks, sanitizer reports and
 * broken invariants are failures, and the invariants abort().
 *
 * All three handles allocate through counting hooks, so a block the
 * library forgets to free, or frees with the wrong allocator, is caught
 * even without a leak checker.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/* --- run 1: the whole input, recorded ---------------------------------- */

struct seg_rec {
  size_t raw_off;              /* into record.bytes */
  size_t raw_len;
  char id[4];
  x12kit_position pos;
  x12kit_delimiters delims;
};

struct record {
  const char *input;
  size_t size;
  struct seg_rec *segs;
  size_t nsegs;
  size_t segs_cap;
  char *bytes;
  size_t nbytes;
  size_t bytes_cap;
};

static int delims_equal(const x12kit_delimiters *a, const x12kit_delimiters *b)
{
  return a->element == b->element && a->repetition == b->repetition
         && a->component == b->component && a->segment == b->segment;
}

static int position_equal(const x12kit_position *a, const x12kit_position *b)
{
  return a->byte_offset == b->byte_offset && a->line == b->line
         && a->segment == b->segment && a->in_interchange == b->in_interchange
         && a->in_transaction == b->in_transaction;
}

static int record_segment(void *user_data, const x12kit_segment *seg)
{
  struct record *rec = user_data;
  const x12kit_position *pos = x12kit_segment_position(seg);
  const x12kit_delimiters *d = x12kit_segment_delimiters(seg);
  x12kit_slice raw = x12kit_segment_raw(seg);
  const char *id = x12kit_segment_id(seg);
  struct seg_rec *sr;

  CHECK(pos != NULL && d != NULL && id != NULL, "segment accessor returned NULL");
  CHECK(strlen(id) >= 2 && strlen(id) <= 3, "segment ID length");
  CHECK(raw.len == 0 || raw.ptr != NULL, "raw slice");
  CHECK(x12kit_delimiters_check(d) == X12KIT_OK, "segment with unusable delimiters");

  /* Positions: ordinals count up, offsets move forward, raw is found there. */
  CHECK(pos->segment == rec->nsegs + 1, "segment ordinal");
  CHECK(pos->line >= 1, "line number");
  CHECK(pos->in_interchange >= 1 && pos->in_interchange <= pos->segment,
        "ordinal in interchange");
  CHECK(pos->in_transaction <= pos->in_interchange, "ordinal in transaction");
  if (rec->nsegs > 0) {
    const struct seg_rec *prev = &rec->segs[rec->nsegs - 1];
    CHECK(pos->byte_offset >= prev->pos.byte_offset + prev->raw_len + 1,
          "segments overlap");
    CHECK(pos->line >= prev->pos.line, "line number went back");
  }
  CHECK(pos->byte_offset <= rec->size && raw.len <= rec->size - pos->byte_offset,
        "segment beyond the input");
  CHECK(raw.len == 0 || memcmp(rec->input + pos->byte_offset, raw.ptr, raw.len) == 0,
        "raw bytes are not the input at byte_offset");

  if (rec->nsegs == rec->segs_cap) {
    rec->segs_cap = rec->segs_cap ? rec->segs_cap * 2 : 64;
    rec->segs = fuzz_xrealloc(rec->segs, rec->segs_cap * sizeof *rec->segs);
  }
  if (raw.len > rec->bytes_cap - rec->nbytes) {
    while (raw.len > rec->bytes_cap - rec->nbytes)
      rec->bytes_cap = rec->bytes_cap ? rec->bytes_cap * 2 : 4096;
    rec->bytes = fuzz_xrealloc(rec->bytes, rec->bytes_cap);
  }
  sr = &rec->segs[rec->nsegs++];
  sr->raw_off = rec->nbytes;
  sr->raw_len = raw.len;
  if (raw.len)
    memcpy(rec->bytes + rec->nbytes, raw.ptr, raw.len);
  rec->nbytes += raw.len;
  memcpy(sr->id, id, strlen(id) + 1);
  sr->pos = *pos;
  sr->delims = *d;
  return 0;
}

/* --- run 2: chunked, with the checker and the writer -------------------- */

struct run {
  const struct record *ref;
  size_t next;                 /* index of the next expected segment */
  int show;                    /* show_data asked of lexer and checker */
  x12kit_envelope *env;
  unsigned long env_errors;    /* error callbacks seen */
  x12kit_writer *w;
  x12kit_delimiters wdelims;   /* the writer's */
  uint64_t written;
  unsigned long sink;
};

/*
 * The component accessors scan the element, so a full walk is quadratic
 * in its length.  Long elements get a partial walk: the first WALK_MAX
 * repetitions and components, without the length sum.
 */
#define WALK_MAX 16

static unsigned long walk_element(const x12kit_segment *seg, size_t n, x12kit_slice e)
{
  unsigned long acc = 0;
  size_t reps, r, comps, c, total = 0;
  int full = e.len <= 1024;

  reps = x12kit_segment_repetitions(seg, n);
  if (e.len == 0) {
    CHECK(reps == 0, "empty element has repetitions");
    CHECK(x12kit_segment_components(seg, n, 1) == 0, "empty element has components");
    CHECK(x12kit_segment_component(seg, n, 1, 1).len == 0, "empty element has a component");
    return 0;
  }
  CHECK(reps >= 1 && reps <= e.len + 1, "repetition count");
  for (r = 1; r <= reps && (full || r <= WALK_MAX); r++) {
    size_t rlen = 0;

    comps = x12kit_segment_components(seg, n, r);
    CHECK(comps <= e.len + 1, "component count");
    for (c = 1; c <= comps && (full || c <= WALK_MAX); c++) {
      x12kit_slice s = x12kit_segment_component(seg, n, r, c);
      if (s.len > 0) {
        CHECK(s.ptr >= e.ptr && s.len <= e.len
              && (size_t)(s.ptr - e.ptr) <= e.len - s.len, "component outside its element");
        acc = fuzz_fold(acc, s.ptr, s.len);
      }
      rlen += s.len;
    }
    if (comps > 0)
      rlen += comps - 1;
    CHECK(x12kit_segment_component(seg, n, r, comps + 1).len == 0,
          "component past the last one");
    CHECK(x12kit_segment_component(seg, n, r, SIZE_MAX).len == 0, "component SIZE_MAX");
    total += rlen;
  }
  total += reps - 1;
  CHECK(!full || total == e.len, "repetitions and components do not add up to the element");
  CHECK(x12kit_segment_components(seg, n, reps + 1) == 0, "repetition past the last one");
  CHECK(x12kit_segment_component(seg, n, reps + 1, 1).len == 0,
        "component of a repetition past the last one");
  CHECK(x12kit_segment_components(seg, n, 0) == 0, "repetition 0");
  CHECK(x12kit_segment_component(seg, n, 1, 0).len == 0, "component 0");
  return acc;
}

static unsigned long walk_segment(const x12kit_segment *seg)
{
  const x12kit_delimiters *d = x12kit_segment_delimiters(seg);
  x12kit_slice raw = x12kit_segment_raw(seg);
  const char *id = x12kit_segment_id(seg);
  size_t idlen = strlen(id), count, n, at;
  unsigned long acc;
  x12kit_slice e;

  CHECK(raw.len >= idlen && memcmp(raw.ptr, id, idlen) == 0, "raw does not start with the ID");
  acc = fuzz_fold(0, raw.ptr, raw.len);
  count = x12kit_segment_count(seg);
  CHECK(count <= raw.len, "element count");

  /* The elements, with one separator before each, make up the segment. */
  at = idlen;
  for (n = 1; n <= count; n++) {
    CHECK(at < raw.len && raw.ptr[at] == d->element, "element not after a separator");
    at++;
    e = x12kit_segment_element(seg, n);
    CHECK(e.len <= raw.len - at, "element runs past the segment");
    CHECK(e.len == 0 || e.ptr == raw.ptr + at, "element not where the separator says");
    acc += walk_element(seg, n, e);
    at += e.len;
  }
  CHECK(at == raw.len, "elements do not cover the segment");

  /* Out of range reads are empty, not crashes. */
  CHECK(x12kit_segment_element(seg, count + 1).len == 0, "element past the last one");
  CHECK(x12kit_segment_element(seg, SIZE_MAX).len == 0, "element SIZE_MAX");
  CHECK(x12kit_segment_repetitions(seg, count + 1) == 0, "repetitions past the last element");
  CHECK(x12kit_segment_components(seg, SIZE_MAX, 1) == 0, "components SIZE_MAX");
  CHECK(x12kit_segment_component(seg, count + 1, 1, 1).len == 0,
        "component past the last element");
  e = x12kit_segment_element(seg, 0);
  CHECK(e.len <= raw.len, "element 0");
  return acc;
}

static int write_discard(void *user_data, const char *buf, size_t len)
{
  struct run *run = user_data;

  CHECK(len == 0 || buf != NULL, "writer passed NULL bytes");
  run->sink = fuzz_fold(run->sink, buf, len);
  run->written += len;
  return 0;
}

static void writer_result(struct run *run, int rc)
{
  CHECK(rc <= 0, "writer returned a positive status");
  if (rc == X12KIT_OK)
    CHECK(x12kit_writer_error(run->w) == NULL, "writer error left after a success");
  else
    run->sink += fuzz_check_error(x12kit_writer_error(run->w), 0);
}

/*
 * Re-encodes with the delimiters of the input, so that canonical input
 * goes through; a refused change of delimiters is an acceptable result.
 */
static void copy_segment(struct run *run, const x12kit_segment *seg)
{
  const x12kit_delimiters *d = x12kit_segment_delimiters(seg);

  if (run->w == NULL) {
    int rc = x12kit_writer_new(&run->w, write_discard, run, d, &fuzz_hooks);

    CHECK(rc == X12KIT_OK && run->w != NULL, "x12kit_writer_new");
    run->wdelims = *d;
    if (d->segment != '\n' && d->segment != '\r')
      CHECK(x12kit_writer_set_line_end(run->w, "\n") == X12KIT_OK,
            "x12kit_writer_set_line_end");
  } else if (!delims_equal(d, &run->wdelims)) {
    int rc = x12kit_writer_set_delimiters(run->w, d);

    writer_result(run, rc);
    if (rc == X12KIT_OK)
      run->wdelims = *d;
  }
  writer_result(run, x12kit_writer_copy(run->w, seg));
  CHECK(x12kit_writer_transaction_segments(run->w) <= run->ref->nsegs,
        "writer counts more segments than there are");
}

static int on_event(void *user_data, x12kit_envelope_event ev, const void *info,
                    const x12kit_position *pos)
{
  struct run *run = user_data;

  CHECK(info != NULL && pos != NULL, "event without info or position");
  CHECK(pos->segment <= run->next, "event about a segment not given yet");
  switch (ev) {
  case X12KIT_INTERCHANGE_BEGIN:
  case X12KIT_INTERCHANGE_END: {
    const x12kit_interchange_info *ii = info;
    CHECK_STR(ii->auth_qualifier);
    CHECK_STR(ii->security_qualifier);
    CHECK_STR(ii->sender_qualifier);
    CHECK_STR(ii->sender_id);
    CHECK_STR(ii->receiver_qualifier);
    CHECK_STR(ii->receiver_id);
    CHECK_STR(ii->date);
    CHECK_STR(ii->time);
    CHECK_STR(ii->version);
    CHECK_STR(ii->control);
    run->sink = fuzz_fold(run->sink, ii->sender_id, strlen(ii->sender_id));
    break;
  }
  case X12KIT_GROUP_BEGIN:
  case X12KIT_GROUP_END: {
    const x12kit_group_info *gi = info;
    CHECK_STR(gi->functional_id);
    CHECK_STR(gi->sender);
    CHECK_STR(gi->receiver);
    CHECK_STR(gi->date);
    CHECK_STR(gi->time);
    CHECK_STR(gi->control);
    CHECK_STR(gi->agency);
    CHECK_STR(gi->version);
    run->sink = fuzz_fold(run->sink, gi->functional_id, strlen(gi->functional_id));
    /* Must not crash whatever GS01 holds. */
    if (x12kit_functional_id_transaction(gi->functional_id) != NULL)
      run->sink++;
    break;
  }
  case X12KIT_TRANSACTION_BEGIN:
  case X12KIT_TRANSACTION_END: {
    const x12kit_transaction_info *ti = info;
    CHECK_STR(ti->id);
    CHECK_STR(ti->control);
    CHECK_STR(ti->version);
    CHECK(ev == X12KIT_TRANSACTION_BEGIN || ti->segments <= run->next,
          "transaction longer than the input");
    run->sink = fuzz_fold(run->sink, ti->id, strlen(ti->id));
    break;
  }
  default:
    FAIL("unknown envelope event");
  }
  return 0;
}

static int on_error(void *user_data, const x12kit_error *err)
{
  struct run *run = user_data;

  run->env_errors++;
  run->sink += fuzz_check_error(err, run->show);
  CHECK(err->pos.segment <= run->next, "envelope error about a segment not given yet");
  return 0;
}

/* Compares a segment of the chunked run with the whole-input record. */
static void compare_segment(struct run *run, const x12kit_segment *seg)
{
  const struct record *ref = run->ref;
  const struct seg_rec *sr;
  x12kit_slice raw = x12kit_segment_raw(seg);

  CHECK(run->next < ref->nsegs, "chunked lexing gave more segments than whole input");
  sr = &ref->segs[run->next];
  CHECK(raw.len == sr->raw_len
        && (raw.len == 0 || memcmp(raw.ptr, ref->bytes + sr->raw_off, raw.len) == 0),
        "chunked lexing gave other segment bytes");
  CHECK(strcmp(x12kit_segment_id(seg), sr->id) == 0, "chunked lexing gave another ID");
  CHECK(position_equal(x12kit_segment_position(seg), &sr->pos),
        "chunked lexing gave another position");
  CHECK(delims_equal(x12kit_segment_delimiters(seg), &sr->delims),
        "chunked lexing gave other delimiters");
}

static void check_segment(struct run *run, x12kit_lexer *lx, const x12kit_segment *seg)
{
  const x12kit_delimiters *cur = x12kit_lexer_delimiters(lx);

  compare_segment(run, seg);
  run->next++;
  CHECK(cur != NULL && delims_equal(cur, x12kit_segment_delimiters(seg)),
        "lexer and segment disagree on delimiters");
  run->sink += walk_segment(seg);
  CHECK(x12kit_envelope_segment(run->env, seg) == X12KIT_OK, "x12kit_envelope_segment");
  copy_segment(run, seg);
}

/* Lexes |in| in |chunk|-byte pieces, each in a block of its own. */
static int lex_chunked(struct run *run, x12kit_lexer *lx, const char *in, size_t size,
                       size_t chunk)
{
  const x12kit_segment *seg;
  char *blk = NULL;
  size_t fed = 0;
  uint64_t last = 0;
  int finished = 0;
  int rc;

  for (;;) {
    rc = x12kit_lexer_next(lx, &seg);
    CHECK(x12kit_lexer_offset(lx) >= last && x12kit_lexer_offset(lx) <= fed,
          "lexer offset");
    last = x12kit_lexer_offset(lx);
    if (rc == X12KIT_OK) {
      CHECK(seg != NULL, "X12KIT_OK without a segment");
      check_segment(run, lx, seg);
      continue;
    }
    if (rc != X12KIT_NEED_INPUT)
      break;
    free(blk);
    blk = NULL;
    if (fed < size) {
      size_t n = size - fed < chunk ? size - fed : chunk;

      blk = fuzz_xrealloc(NULL, n);
      memcpy(blk, in + fed, n);
      CHECK(x12kit_lexer_feed(lx, blk, n) == X12KIT_OK, "x12kit_lexer_feed");
      fed += n;
    } else {
      CHECK(!finished, "X12KIT_NEED_INPUT after x12kit_lexer_finish");
      CHECK(x12kit_lexer_finish(lx) == X12KIT_OK, "x12kit_lexer_finish");
      finished = 1;
    }
  }
  free(blk);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct record rec;
  struct run run;
  x12kit_lexer *lx = NULL;
  char *input;
  size_t chunk;
  int rc_whole, rc_chunked;

  if (size == 0)
    return 0;
  chunk = (size_t)data[0] + 1;
  data++;
  size--;

  /* A block of exactly the input's size, so over-reads are caught. */
  input = fuzz_xrealloc(NULL, size);
  if (size)
    memcpy(input, data, size);

  memset(&rec, 0, sizeof rec);
  rec.input = input;
  rec.size = size;
  memset(&run, 0, sizeof run);
  run.ref = &rec;
  run.show = (int)(size & 1);

  CHECK(x12kit_lexer_new(&lx, &fuzz_hooks) == X12KIT_OK && lx != NULL, "x12kit_lexer_new");
  CHECK(x12kit_lexer_error(lx) == NULL, "new lexer has an error");
  CHECK(x12kit_lexer_delimiters(lx) == NULL, "new lexer has delimiters");

  /* Run 1: whole input. */
  rc_whole = x12kit_lexer_parse(lx, input, size, 1, record_segment, &rec);
  CHECK(rc_whole == X12KIT_END || (rc_whole < 0 && rc_whole != X12KIT_ERR_ABORTED),
        "x12kit_lexer_parse status");
  if (rc_whole == X12KIT_END) {
    CHECK(x12kit_lexer_error(lx) == NULL, "error details after a clean end");
    CHECK(x12kit_lexer_offset(lx) == size, "clean end before all input was read");
  } else {
    const x12kit_error *err = x12kit_lexer_error(lx);
    run.sink += fuzz_check_error(err, 0);
    CHECK(err->code == rc_whole, "lexer error code differs from the status");
  }

  /* Run 2: chunked, on the same lexer after a reset. */
  x12kit_lexer_reset(lx);
  CHECK(x12kit_lexer_error(lx) == NULL, "reset lexer has an error");
  CHECK(x12kit_lexer_delimiters(lx) == NULL, "reset lexer has delimiters");
  CHECK(x12kit_lexer_offset(lx) == 0, "reset lexer has an offset");
  x12kit_lexer_set_show_data(lx, run.show);

  CHECK(x12kit_envelope_new(&run.env, &fuzz_hooks) == X12KIT_OK && run.env != NULL,
        "x12kit_envelope_new");
  x12kit_envelope_set_callbacks(run.env, on_event, on_error, &run);
  x12kit_envelope_set_show_data(run.env, run.show);

  rc_chunked = lex_chunked(&run, lx, input, size, chunk);
  CHECK(rc_chunked == rc_whole, "chunked lexing ended with another status");
  CHECK(run.next == rec.nsegs, "chunked lexing gave fewer segments than whole input");
  if (rc_chunked == X12KIT_END) {
    CHECK(x12kit_lexer_error(lx) == NULL, "error details after a clean end");
    CHECK(x12kit_lexer_offset(lx) == size, "clean end before all input was read");
  } else {
    const x12kit_error *err = x12kit_lexer_error(lx);
    run.sink += fuzz_check_error(err, run.show);
    CHECK(err->code == rc_chunked, "lexer error code differs from the status");
  }

  CHECK(x12kit_envelope_finish(run.env) == X12KIT_OK, "x12kit_envelope_finish");
  CHECK(x12kit_envelope_error_count(run.env) == run.env_errors,
        "envelope error count differs from the callbacks");

  if (run.w != NULL) {
    /* Close whatever is open; refusals are fine. */
    writer_result(&run, x12kit_writer_end_transaction(run.w));
    writer_result(&run, x12kit_writer_end_group(run.w));
    writer_result(&run, x12kit_writer_end_interchange(run.w));
    writer_result(&run, x12kit_writer_flush(run.w));
    x12kit_writer_free(run.w);
  }
  x12kit_envelope_free(run.env);
  x12kit_lexer_free(lx);
  CHECK(fuzz_mem_live == 0, "library leaked blocks from its allocator hooks");

  free(rec.segs);
  free(rec.bytes);
  free(input);

  /* Keep the folded reads alive. */
  if (run.sink == 1 && run.written == 1)
    fputc('\0', stderr);
  return 0;
}
