/*
 * x12kit tests - the 278 response reader: every fixture of
 * fixtures/auth-responses field by field, the summaries and next steps,
 * input that is not a 278 response, truncated input and allocation
 * failures.
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

/* ---- helpers ---- */

/* Reads a fixture that must be a clean 278 response. */
static x12kit_278_response *read_ok(const char *rel)
{
  size_t len;
  char *buf = tu_read_fixture(rel, &len);
  x12kit_278_response *r = NULL;
  x12kit_error err;
  int rc = x12kit_278_response_read(&r, tu_schema, buf, len, NULL, &err);

  if (rc != X12KIT_OK)
    fail_msg("%s: %s (%d)", rel, err.text, rc);
  /* the handle owns its strings: the input buffer may go */
  memset(buf, 'X', len);
  free(buf);
  assert_non_null(r);
  return r;
}

static const x12kit_278_resp_review *only_review(const x12kit_278_response *r)
{
  assert_int_equal(x12kit_278_response_review_count(r), 1);
  assert_int_equal(x12kit_278_response_finding_count(r), 0);
  return x12kit_278_response_review_at(r, 0);
}

#define has(s, frag) has_at((s), (frag), __LINE__)

static void has_at(const char *s, const char *frag, int line)
{
  assert_non_null(s);
  if (strstr(s, frag) == NULL)
    fail_msg("line %d: \"%s\" does not contain \"%s\"", line, s, frag);
}

#define lacks(s, frag) lacks_at((s), (frag), __LINE__)

static void lacks_at(const char *s, const char *frag, int line)
{
  assert_non_null(s);
  if (strstr(s, frag) != NULL)
    fail_msg("line %d: \"%s\" contains \"%s\"", line, s, frag);
}

/* Patient data of the fixtures, which no sentence may quote. */
static const char *const phi[] = { "QUILLFEATHER", "JUNO", "RORY", "MARROWDALE", "PEREGRINE",
                                   "HVH720", "1984-03-09", "2008-05-17", "19840309" };

static void no_phi(const char *s)
{
  size_t i;

  assert_non_null(s);
  for (i = 0; i < sizeof phi / sizeof phi[0]; i++)
    lacks(s, phi[i]);
}

static void check_summary(const x12kit_278_resp_summary *s)
{
  assert_non_null(s->loop);
  assert_non_null(s->code);
  assert_non_null(s->text);
  assert_non_null(s->certification);
  assert_true(strlen(s->next_step) > 20);
  no_phi(s->next_step);
  no_phi(s->text);
}

static void check_rejections(const x12kit_278_resp_rejection *a, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    assert_true(strlen(a[i].next_step) > 20);
    assert_true(a[i].segment > 0);
    assert_true(*a[i].reason_text);
    no_phi(a[i].next_step);
  }
}

/* Every string is non-NULL, every next step is there and quotes no patient data. */
static void check_review(const x12kit_278_resp_review *rv)
{
  size_t i, j;

  check_summary(&rv->overall);
  check_rejections(rv->rejections, rv->nrejections);
  for (i = 0; i < rv->nevents; i++) {
    const x12kit_278_resp_event *ev = &rv->events[i];
    check_summary(&ev->overall);
    check_rejections(ev->rejections, ev->nrejections);
    if (ev->decision.segment) {
      assert_true(strlen(ev->decision.next_step) > 20);
      no_phi(ev->decision.next_step);
    } else {
      assert_string_equal(ev->decision.next_step, "");
    }
    for (j = 0; j < ev->nlines; j++) {
      const x12kit_278_resp_line *ln = &ev->lines[j];
      check_summary(&ln->overall);
      check_rejections(ln->rejections, ln->nrejections);
      if (ln->decision.segment)
        no_phi(ln->decision.next_step);
      assert_true(ln->segment > ev->segment);
    }
  }
}

/* ---- certified in total ---- */

static void test_a1_certified(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/a1-certified.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev;
  const x12kit_278_resp_line *ln;

  (void)state;
  check_review(rv);
  assert_int_equal(rv->transaction, 0);
  assert_string_equal(rv->control, "0001");
  assert_string_equal(rv->reference, "SKC278-1001");
  assert_string_equal(rv->date, "2026-12-14");
  assert_string_equal(rv->time, "1010");
  assert_string_equal(rv->type, "18");
  /* 2010A with its PER */
  assert_string_equal(rv->umo.loop, "2010A");
  assert_int_equal(rv->umo.segment, 4);
  assert_string_equal(rv->umo.code, "X3");
  assert_string_equal(rv->umo.code_text, "Utilization management organization");
  assert_string_equal(rv->umo.name, "HARBORVIEW HEALTH PLAN");
  assert_string_equal(rv->umo.id_qualifier, "PI");
  assert_string_equal(rv->umo.id, "HVHP01");
  assert_string_equal(rv->umo.contact, "UTILIZATION REVIEW");
  assert_string_equal(rv->umo.phone, "8005550134");
  assert_string_equal(rv->umo.extension, "212");
  assert_string_equal(rv->umo.fax, "");
  /* 2010B */
  assert_string_equal(rv->requester.loop, "2010B");
  assert_int_equal(rv->requester.segment, 7);
  assert_string_equal(rv->requester.code, "1P");
  assert_string_equal(rv->requester.name, "STILLWATER KETAMINE CLINIC");
  assert_string_equal(rv->requester.id_qualifier, "XX");
  assert_string_equal(rv->requester.id, "1728394051");
  /* 2010C: patient data, read into the person structure only */
  assert_string_equal(rv->subscriber.loop, "2010C");
  assert_int_equal(rv->subscriber.segment, 9);
  assert_string_equal(rv->subscriber.last, "QUILLFEATHER");
  assert_string_equal(rv->subscriber.first, "JUNO");
  assert_string_equal(rv->subscriber.middle, "");
  assert_string_equal(rv->subscriber.member_id, "HVH720193384");
  assert_string_equal(rv->subscriber.dob, "1984-03-09");
  assert_string_equal(rv->subscriber.gender, "F");
  assert_string_equal(rv->dependent.loop, "");
  assert_string_equal(rv->dependent.last, "");
  assert_int_equal(rv->nrejections, 0);

  assert_int_equal(rv->nevents, 1);
  ev = &rv->events[0];
  assert_int_equal(ev->segment, 11);
  assert_string_equal(ev->hl, "4");
  assert_int_equal(ev->dependent, 0);
  assert_int_equal(ev->ntraces, 2);
  assert_int_equal(ev->traces[0].segment, 12);
  assert_string_equal(ev->traces[0].type, "2");
  assert_string_equal(ev->traces[0].number, "SKC278-1001");
  assert_string_equal(ev->traces[0].entity, "9456123780");
  assert_string_equal(ev->traces[1].type, "1");
  assert_string_equal(ev->request_trace, "SKC278-1001");
  assert_string_equal(ev->payer_trace, "HV26121400417");
  assert_string_equal(ev->category, "HS");
  assert_string_equal(ev->certification_type, "I");
  assert_string_equal(ev->service_type, "MH");
  assert_string_equal(ev->place, "11");
  assert_string_equal(ev->level, "");
  /* HCR */
  assert_int_equal(ev->decision.segment, 15);
  assert_int_equal(ev->decision.action, X12KIT_278_CERTIFIED);
  assert_string_equal(ev->decision.code, "A1");
  assert_string_equal(ev->decision.code_text, "Certified in total");
  assert_string_equal(ev->decision.certification, "HV2612140417");
  assert_string_equal(ev->decision.reason, "");
  assert_int_equal(ev->decision.second_opinion, 0);
  has(ev->decision.next_step, "Certified in total");
  has(ev->decision.next_step, "between 2027-01-04 and 2027-01-29");
  has(ev->decision.next_step, "up to 2 visits per week for 4 weeks");
  has(ev->decision.next_step, "certification number HV2612140417 on every claim");
  /* REF, DTP, HSD */
  assert_int_equal(ev->nrefs, 1);
  assert_int_equal(ev->refs[0].segment, 16);
  assert_string_equal(ev->refs[0].qualifier, "NT");
  assert_string_equal(ev->refs[0].value, "HVR-558012");
  assert_true(*ev->refs[0].qualifier_text);
  assert_int_equal(ev->ndates, 3);
  assert_string_equal(ev->dates[0].qualifier, "102");
  assert_string_equal(ev->dates[0].qualifier_text, "Issue");
  assert_string_equal(ev->dates[0].from, "2026-12-14");
  assert_string_equal(ev->dates[0].to, "");
  assert_int_equal(ev->dates[1].segment, 18);
  assert_string_equal(ev->dates[1].qualifier, "007");
  assert_string_equal(ev->dates[2].qualifier, "036");
  assert_string_equal(ev->dates[2].from, "2027-01-29");
  assert_string_equal(ev->valid_from, "2027-01-04");
  assert_string_equal(ev->valid_to, "2027-01-29");
  assert_int_equal(ev->quantity.segment, 21);
  assert_string_equal(ev->quantity.qualifier, "VS");
  assert_string_equal(ev->quantity.count, "2");
  assert_string_equal(ev->quantity.unit, "WK");
  assert_string_equal(ev->quantity.period, "35");
  assert_string_equal(ev->quantity.periods, "4");
  assert_string_equal(ev->quantity.text, "2 visits per week for 4 weeks");
  assert_int_equal(ev->npaperwork, 0);
  assert_int_equal(ev->nmessages, 0);
  assert_int_equal(ev->nrejections, 0);
  /* 2010EA */
  assert_int_equal(ev->nproviders, 1);
  assert_string_equal(ev->providers[0].loop, "2010EA");
  assert_int_equal(ev->providers[0].segment, 22);
  assert_string_equal(ev->providers[0].code, "SJ");
  assert_string_equal(ev->providers[0].name, "VASQUEZ-OLIN, TOMAS");
  assert_string_equal(ev->providers[0].id, "1635482908");
  assert_string_equal(ev->providers[0].taxonomy, "2084P0800X");
  assert_string_equal(ev->contact.loop, "");
  /* the summary */
  assert_int_equal(ev->overall.action, X12KIT_278_CERTIFIED);
  assert_int_equal(ev->overall.basis, X12KIT_278_BASIS_EVENT);
  assert_string_equal(ev->overall.loop, "2000E");
  assert_int_equal(ev->overall.segment, 15);
  assert_string_equal(ev->overall.certification, "HV2612140417");
  assert_string_equal(ev->overall.next_step, ev->decision.next_step);
  assert_int_equal(rv->overall.action, X12KIT_278_CERTIFIED);
  assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_EVENT);
  assert_string_equal(rv->overall.code, "A1");
  assert_string_equal(rv->overall.certification, "HV2612140417");

  /* the lines */
  assert_int_equal(ev->nlines, 2);
  ln = &ev->lines[0];
  assert_int_equal(ln->segment, 24);
  assert_string_equal(ln->hl, "5");
  assert_int_equal(ln->decision.segment, 26);
  assert_int_equal(ln->decision.action, X12KIT_278_CERTIFIED);
  assert_string_equal(ln->decision.certification, "HV2612140417");
  assert_int_equal(ln->service.segment, 28);
  assert_string_equal(ln->service.segment_id, "SV1");
  assert_string_equal(ln->service.qualifier, "HC");
  assert_string_equal(ln->service.code, "96365");
  assert_string_equal(ln->service.modifiers[0], "");
  assert_string_equal(ln->service.description, "");
  assert_string_equal(ln->service.unit, "UN");
  assert_string_equal(ln->service.units, "8");
  assert_int_equal(ln->ndates, 1);
  assert_string_equal(ln->dates[0].qualifier, "472");
  assert_string_equal(ln->dates[0].from, "2027-01-04");
  assert_string_equal(ln->dates[0].to, "2027-01-29");
  assert_string_equal(ln->valid_from, "2027-01-04");
  assert_string_equal(ln->valid_to, "2027-01-29");
  assert_int_equal(ln->overall.basis, X12KIT_278_BASIS_LINE);
  assert_string_equal(ln->overall.loop, "2000F");
  has(ln->decision.next_step, "for 96365");
  has(ln->decision.next_step, "up to 8 units");
  ln = &ev->lines[1];
  assert_int_equal(ln->segment, 29);
  assert_string_equal(ln->service.code, "J3490");
  assert_string_equal(ln->service.description, "KETAMINE HCL IV");
  has(ln->overall.next_step, "J3490");
  x12kit_278_response_free(r);
}

static void test_a2_partial(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/a2-partial.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_PARTIAL);
  assert_int_equal(ev->decision.action, X12KIT_278_PARTIAL);
  assert_string_equal(ev->decision.code, "A2");
  assert_string_equal(ev->decision.certification, "HV2612140533");
  /* an RD8 effective date covers the whole span */
  assert_int_equal(ev->ndates, 1);
  assert_string_equal(ev->dates[0].from, "2027-01-04");
  assert_string_equal(ev->dates[0].to, "2027-01-15");
  assert_string_equal(ev->valid_from, "2027-01-04");
  assert_string_equal(ev->valid_to, "2027-01-15");
  assert_string_equal(ev->quantity.text, "2 visits per week for 2 weeks");
  assert_int_equal(ev->nmessages, 1);
  has(ev->messages[0], "APPROVED 4 OF 8");
  has(ev->decision.next_step, "Only part of the request was certified");
  has(ev->decision.next_step, "2 visits per week for 2 weeks from 2027-01-04 to 2027-01-15");
  has(ev->decision.next_step, "appeal the difference");
  has(ev->decision.next_step, "HV2612140533");
  assert_int_equal(ev->nlines, 2);
  assert_string_equal(ev->lines[0].service.units, "4");
  assert_int_equal(ev->lines[0].decision.action, X12KIT_278_PARTIAL);
  /* lines without UM still read */
  assert_int_equal(ev->lines[0].decision.segment, 21);
  has(ev->lines[0].decision.next_step, "approved 4 units from 2027-01-04 to 2027-01-15");
  assert_string_equal(ev->lines[1].service.code, "J3490");
  x12kit_278_response_free(r);
}

static void test_a3_not_certified(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/a3-not-certified.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_NOT_CERTIFIED);
  assert_string_equal(rv->overall.certification, "");
  assert_int_equal(ev->decision.segment, 14);
  assert_string_equal(ev->decision.code, "A3");
  assert_string_equal(ev->decision.certification, "");
  assert_string_equal(ev->decision.reason, "0U");
  assert_string_equal(ev->decision.reason_text, ""); /* the maps hold no list 886 */
  /* no approval: the dates are those of the event */
  assert_string_equal(ev->valid_from, "2027-01-04");
  assert_string_equal(ev->valid_to, "2027-01-29");
  has(ev->decision.next_step, "Not certified");
  has(ev->decision.next_step, "reason code 0U");
  has(ev->decision.next_step, "Do not schedule");
  has(ev->decision.next_step, "peer-to-peer");
  has(ev->decision.next_step, "at 8005550134 extension 212");
  has(ev->decision.next_step, "appeal");
  has(ev->decision.next_step, "HVR-558144");
  lacks(ev->decision.next_step, "certification number");
  assert_int_equal(ev->nmessages, 1);
  has(ev->messages[0], "NOT MEDICALLY NECESSARY");
  assert_int_equal(ev->nlines, 1);
  assert_int_equal(ev->lines[0].decision.action, X12KIT_278_NOT_CERTIFIED);
  has(ev->lines[0].decision.next_step, "Not certified for 96365");
  x12kit_278_response_free(r);
}

static void test_a4_pended_dependent(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/a4-pended.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];
  const x12kit_278_resp_line *ln;

  (void)state;
  check_review(rv);
  assert_string_equal(rv->type, "19");
  assert_string_equal(rv->subscriber.member_id, "HVH720193384");
  assert_string_equal(rv->subscriber.dob, "");
  assert_string_equal(rv->dependent.loop, "2010D");
  assert_int_equal(rv->dependent.segment, 10);
  assert_string_equal(rv->dependent.last, "QUILLFEATHER");
  assert_string_equal(rv->dependent.first, "RORY");
  assert_string_equal(rv->dependent.member_id, "");
  assert_string_equal(rv->dependent.dob, "2008-05-17");
  assert_string_equal(rv->dependent.gender, "M");
  assert_int_equal(ev->dependent, 1);
  assert_int_equal(ev->segment, 12);
  assert_string_equal(ev->payer_trace, "HV26121400588");
  assert_int_equal(ev->decision.action, X12KIT_278_PENDED);
  assert_string_equal(ev->decision.certification, "");
  /* the records asked for */
  assert_int_equal(ev->npaperwork, 2);
  assert_string_equal(ev->paperwork[0].type, "09");
  assert_string_equal(ev->paperwork[0].type_text, "Progress report");
  assert_string_equal(ev->paperwork[0].transmission, "FX");
  assert_string_equal(ev->paperwork[0].transmission_text, "By fax");
  assert_string_equal(ev->paperwork[0].control, "HVPWK558203A");
  assert_string_equal(ev->paperwork[0].description, "PSYCHIATRY PROGRESS NOTES");
  assert_string_equal(ev->paperwork[1].type, "77");
  /* 2010EB: where to send them */
  assert_string_equal(ev->contact.loop, "2010EB");
  assert_string_equal(ev->contact.name, "HARBORVIEW CLINICAL REVIEW");
  assert_string_equal(ev->contact.contact, "BEHAVIORAL HEALTH INTAKE");
  assert_string_equal(ev->contact.phone, "8005550177");
  assert_string_equal(ev->contact.fax, "8005550178");
  assert_int_equal(ev->nproviders, 1);
  has(ev->decision.next_step, "Pended");
  has(ev->decision.next_step, "progress report (by fax, control number HVPWK558203A)");
  has(ev->decision.next_step, "HVPWK558203B");
  has(ev->decision.next_step, "to BEHAVIORAL HEALTH INTAKE, fax 8005550178");
  has(ev->decision.next_step, "quoting reference HVR-558203");
  has(ev->decision.next_step, "follow up");
  has(ev->decision.next_step, "2027-01-11");
  has(ev->decision.next_step, "further response will follow");
  /* lines without an HCR take the request's decision */
  assert_int_equal(ev->nlines, 2);
  ln = &ev->lines[0];
  assert_int_equal(ln->decision.segment, 0);
  assert_int_equal(ln->decision.action, X12KIT_278_NOT_STATED);
  assert_string_equal(ln->decision.code, "");
  assert_string_equal(ln->decision.next_step, "");
  assert_int_equal(ln->overall.action, X12KIT_278_PENDED);
  assert_int_equal(ln->overall.basis, X12KIT_278_BASIS_EVENT);
  assert_int_equal(ln->overall.segment, 16);
  has(ln->overall.next_step, "decision for the whole request");
  has(ln->overall.next_step, "J0013");
  assert_string_equal(ln->service.units, "784");
  assert_string_equal(ev->lines[1].service.code, "G2082");
  assert_int_equal(rv->overall.action, X12KIT_278_PENDED);
  x12kit_278_response_free(r);
}

static void test_a6_modified(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/a6-modified.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_MODIFIED);
  assert_string_equal(ev->decision.code, "A6");
  assert_string_equal(ev->decision.code_text, "Modified");
  assert_string_equal(ev->valid_from, "2027-01-18");
  assert_string_equal(ev->valid_to, "2027-02-12");
  has(ev->decision.next_step, "Certified with changes");
  has(ev->decision.next_step, "from 2027-01-18 to 2027-02-12");
  has(ev->decision.next_step, "reschedule");
  has(ev->decision.next_step, "HV2612140702");
  assert_int_equal(ev->nlines, 2);
  assert_string_equal(ev->lines[1].service.code, "96366");
  assert_string_equal(ev->lines[1].valid_from, "2027-01-18");
  assert_string_equal(ev->lines[1].valid_to, "2027-02-12");
  assert_int_equal(ev->lines[1].decision.action, X12KIT_278_MODIFIED);
  x12kit_278_response_free(r);
}

static void test_ct_contact_payer(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/ct-contact-payer.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_CONTACT_PAYER);
  assert_string_equal(ev->decision.code, "CT");
  assert_string_equal(ev->decision.certification, "");
  assert_int_equal(ev->nlines, 0);
  assert_string_equal(rv->umo.contact, "DR. WELLER, MEDICAL DIRECTOR OFFICE");
  has(ev->decision.next_step, "asks you to call");
  has(ev->decision.next_step, "(DR. WELLER, MEDICAL DIRECTOR OFFICE) at 8005550199 extension 4410");
  has(ev->decision.next_step, "HVR-558377");
  x12kit_278_response_free(r);
}

static void test_c_cancelled(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/c-cancelled.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_CANCELLED);
  assert_string_equal(ev->certification_type, "3");
  assert_string_equal(ev->decision.code, "C");
  assert_string_equal(ev->refs[0].qualifier, "BB");
  assert_string_equal(ev->refs[0].value, "HV2612140417");
  has(ev->decision.next_step, "Cancelled");
  has(ev->decision.next_step, "send a new request");
  assert_int_equal(ev->lines[0].decision.action, X12KIT_278_CANCELLED);
  x12kit_278_response_free(r);
}

static void test_na_no_action(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/na-no-action.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_NO_ACTION);
  assert_string_equal(ev->service_type, "98");
  /* a single event date covers one day */
  assert_string_equal(ev->valid_from, "2027-01-06");
  assert_string_equal(ev->valid_to, "2027-01-06");
  assert_string_equal(ev->lines[0].valid_from, "2027-01-06");
  assert_string_equal(ev->lines[0].valid_to, "2027-01-06");
  assert_string_equal(ev->lines[0].service.code, "99214");
  assert_string_equal(ev->lines[0].service.units, "1");
  has(ev->decision.next_step, "No authorization is needed");
  has(ev->decision.next_step, "HVR-558431");
  has(ev->lines[0].decision.next_step, "for 99214");
  x12kit_278_response_free(r);
}

static void test_esketamine(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/esketamine-certified.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_CERTIFIED);
  assert_string_equal(rv->overall.certification, "HV2612140999");
  assert_string_equal(ev->valid_to, "2027-02-26");
  assert_string_equal(ev->providers[0].name, "BELLWEATHER, INGRID");
  assert_int_equal(ev->nlines, 2);
  assert_string_equal(ev->lines[0].service.code, "J0013");
  assert_string_equal(ev->lines[0].service.units, "672");
  assert_string_equal(ev->lines[1].service.code, "G2082");
  assert_string_equal(ev->lines[1].service.units, "12");
  has(ev->lines[0].decision.next_step, "up to 672 units between 2027-01-04 and 2027-02-26");
  has(ev->lines[1].decision.next_step, "G2082");
  x12kit_278_response_free(r);
}

/* ---- rejections at every level ---- */

enum level { AT_REVIEW, AT_EVENT, AT_LINE };

struct aaa_case {
  const char *file;
  enum level level;
  const char *loop;
  unsigned long segment;
  char valid;
  const char *reason, *action;
  const char *fragment;     /* of the next step */
  const char *then;         /* of the next step: the follow-up */
};

static const struct aaa_case aaa_cases[] = {
  { "aaa-2010a", AT_REVIEW, "2010A", 5, 'Y', "42", "P", "could not answer right now",
    "original request again later" },
  { "aaa-2010b", AT_REVIEW, "2010B", 7, 'N', "51", "C", "enroll the provider",
    "send the corrected request" },
  { "aaa-2010c", AT_REVIEW, "2010C", 9, 'N', "72", "C", "member ID", "send the corrected" },
  { "aaa-2010d", AT_REVIEW, "2010D", 11, 'N', "77", "C", "dependent's name", "send the corrected" },
  { "aaa-2000e", AT_EVENT, "2000E", 12, 'N', "AF", "C", "F332", "send the corrected" },
  { "aaa-2010ea", AT_EVENT, "2010EA", 14, 'N', "51", "C", "no record of this provider",
    "send the corrected" },
  { "aaa-2000f", AT_LINE, "2000F", 22, 'N', "AG", "C", "CPT/HCPCS", "send the corrected" },
};

static void test_rejections(void **state)
{
  size_t i;

  (void)state;
  for (i = 0; i < sizeof aaa_cases / sizeof aaa_cases[0]; i++) {
    const struct aaa_case *c = &aaa_cases[i];
    char path[128];
    x12kit_278_response *r;
    const x12kit_278_resp_review *rv;
    const x12kit_278_resp_rejection *a = NULL;
    size_t n = 0;

    snprintf(path, sizeof path, "auth-responses/%s.x12", c->file);
    r = read_ok(path);
    rv = only_review(r);
    check_review(rv);
    switch (c->level) {
    case AT_REVIEW:
      a = rv->rejections;
      n = rv->nrejections;
      assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_REJECTION);
      break;
    case AT_EVENT:
      assert_int_equal(rv->nrejections, 0);
      assert_int_equal(rv->nevents, 1);
      a = rv->events[0].rejections;
      n = rv->events[0].nrejections;
      assert_int_equal(rv->events[0].overall.action, X12KIT_278_REJECTED);
      assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_REJECTION);
      break;
    case AT_LINE:
      assert_int_equal(rv->nrejections, 0);
      assert_int_equal(rv->events[0].nrejections, 0);
      assert_int_equal(rv->events[0].nlines, 2);
      a = rv->events[0].lines[1].rejections;
      n = rv->events[0].lines[1].nrejections;
      assert_int_equal(rv->events[0].lines[1].overall.action, X12KIT_278_REJECTED);
      /* the request has no HCR: the worst line decides */
      assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_LINES);
      break;
    }
    if (n != 1)
      fail_msg("%s: %zu rejections", c->file, n);
    assert_string_equal(a[0].loop, c->loop);
    assert_int_equal(a[0].segment, c->segment);
    assert_int_equal(a[0].valid, c->valid);
    assert_string_equal(a[0].reason, c->reason);
    assert_string_equal(a[0].action, c->action);
    assert_string_equal(a[0].action_text,
                        strcmp(c->action, "C") == 0 ? "Correct and resubmit"
                                                    : "Resubmit the original transaction");
    has(a[0].next_step, c->fragment);
    has(a[0].next_step, c->then);
    assert_int_equal(rv->overall.action, X12KIT_278_REJECTED);
    assert_string_equal(rv->overall.code, c->reason);
    assert_string_equal(rv->overall.loop, c->loop);
    assert_int_equal(rv->overall.segment, c->segment);
    assert_string_equal(rv->overall.text, a[0].reason_text);
    if (c->level != AT_LINE)
      assert_string_equal(rv->overall.next_step, a[0].next_step);
    x12kit_278_response_free(r);
  }
}

static void test_rejection_details(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/aaa-2010c.x12");
  const x12kit_278_resp_review *rv = only_review(r);

  (void)state;
  assert_string_equal(rv->rejections[0].reason_text, "Invalid or missing subscriber/insured ID");
  assert_int_equal(rv->nevents, 0);
  assert_string_equal(rv->type, "");
  x12kit_278_response_free(r);

  r = read_ok("auth-responses/aaa-2010a.x12");
  rv = only_review(r);
  assert_string_equal(rv->rejections[0].reason_text, "Unable to respond at current time");
  assert_string_equal(rv->requester.loop, "");
  assert_string_equal(rv->subscriber.loop, "");
  x12kit_278_response_free(r);

  /* 2000F: the other line keeps its own decision */
  r = read_ok("auth-responses/aaa-2000f.x12");
  rv = only_review(r);
  assert_int_equal(rv->events[0].lines[0].overall.action, X12KIT_278_CERTIFIED);
  assert_string_equal(rv->events[0].lines[0].decision.certification, "HV2612141120");
  assert_string_equal(rv->events[0].lines[1].service.code, "96399");
  has(rv->overall.next_step, "each service line separately");
  has(rv->overall.next_step, "1 rejected");
  has(rv->overall.next_step, "1 certified in total");
  x12kit_278_response_free(r);
}

/* A line's provider rejected (2010FA) under a request certified in part. */
static void test_rejection_2010fa(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/aaa-2010fa.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];
  const x12kit_278_resp_line *ln;

  (void)state;
  check_review(rv);
  /* the request's own HCR wins over its lines */
  assert_int_equal(rv->overall.action, X12KIT_278_PARTIAL);
  assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_EVENT);
  assert_int_equal(ev->nlines, 2);
  assert_int_equal(ev->lines[0].overall.action, X12KIT_278_CERTIFIED);
  assert_int_equal(ev->lines[0].overall.basis, X12KIT_278_BASIS_LINE);
  ln = &ev->lines[1];
  assert_int_equal(ln->segment, 22);
  assert_string_equal(ln->service.code, "90785");
  assert_int_equal(ln->nproviders, 1);
  assert_string_equal(ln->providers[0].loop, "2010FA");
  assert_int_equal(ln->providers[0].segment, 25);
  assert_string_equal(ln->providers[0].code, "72");
  assert_string_equal(ln->providers[0].name, "ASHGROVE, LENNART");
  assert_string_equal(ln->providers[0].taxonomy, "103T00000X");
  assert_int_equal(ln->nrejections, 1);
  assert_string_equal(ln->rejections[0].loop, "2010FA");
  assert_int_equal(ln->rejections[0].segment, 26);
  assert_string_equal(ln->rejections[0].reason, "45");
  has(ln->rejections[0].next_step, "taxonomy code (PRV) in the provider of this service line");
  assert_int_equal(ln->overall.action, X12KIT_278_REJECTED);
  assert_string_equal(ln->overall.next_step, ln->rejections[0].next_step);
  assert_int_equal(ln->decision.segment, 0);
  /* the line has no dates of its own beyond 472 */
  assert_string_equal(ln->valid_from, "2027-01-04");
  x12kit_278_response_free(r);
}

/* ---- lines decided separately ---- */

static void test_mixed_lines(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/mixed-lines.x12");
  const x12kit_278_resp_review *rv = only_review(r);
  const x12kit_278_resp_event *ev = &rv->events[0];

  (void)state;
  check_review(rv);
  assert_int_equal(ev->decision.segment, 0);
  assert_int_equal(ev->nlines, 3);
  assert_int_equal(ev->lines[0].overall.action, X12KIT_278_CERTIFIED);
  assert_int_equal(ev->lines[1].overall.action, X12KIT_278_NOT_CERTIFIED);
  assert_int_equal(ev->lines[2].overall.action, X12KIT_278_PENDED);
  assert_int_equal(ev->lines[2].npaperwork, 1);
  assert_string_equal(ev->lines[2].paperwork[0].type, "04");
  has(ev->lines[2].decision.next_step, "HVPWK558612");
  /* the request's reference is quoted by the lines */
  has(ev->lines[1].decision.next_step, "HVR-558612");
  /* worst of the lines: not certified, from line 2's HCR */
  assert_int_equal(ev->overall.action, X12KIT_278_NOT_CERTIFIED);
  assert_int_equal(ev->overall.basis, X12KIT_278_BASIS_LINES);
  assert_int_equal(ev->overall.segment, 23);
  assert_string_equal(ev->overall.code, "A3");
  has(ev->overall.next_step, "1 not certified, 1 pended, 1 certified in total");
  assert_int_equal(rv->overall.action, X12KIT_278_NOT_CERTIFIED);
  assert_int_equal(rv->overall.basis, X12KIT_278_BASIS_LINES);
  x12kit_278_response_free(r);
}

static void test_two_transactions(void **state)
{
  x12kit_278_response *r = read_ok("auth-responses/two-transactions.x12");
  const x12kit_278_resp_review *a, *b;

  (void)state;
  assert_int_equal(x12kit_278_response_review_count(r), 2);
  a = x12kit_278_response_review_at(r, 0);
  b = x12kit_278_response_review_at(r, 1);
  assert_null(x12kit_278_response_review_at(r, 2));
  check_review(a);
  check_review(b);
  assert_int_equal(a->transaction, 0);
  assert_int_equal(b->transaction, 1);
  assert_string_equal(a->control, "0001");
  assert_string_equal(b->control, "0002");
  assert_string_equal(a->reference, "SKC278-1019");
  assert_string_equal(b->reference, "SKC278-1020");
  assert_int_equal(a->overall.action, X12KIT_278_CERTIFIED);
  assert_int_equal(b->overall.action, X12KIT_278_NOT_CERTIFIED);
  assert_string_equal(b->subscriber.last, "MARROWDALE");
  assert_int_equal(a->events[0].nlines, 0);
  x12kit_278_response_free(r);
}

/* The 278 responses of valid/ and guide/ read too. */
static void test_other_fixtures(void **state)
{
  x12kit_278_response *r = read_ok("valid/278-response-certified.x12");
  const x12kit_278_resp_review *rv = only_review(r);

  (void)state;
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_CERTIFIED);
  assert_string_equal(rv->overall.certification, "CV2611200317");
  assert_int_equal(rv->events[0].nlines, 3);
  assert_string_equal(rv->events[0].lines[2].service.description, "KETAMINE HYDROCHLORIDE INJ");
  x12kit_278_response_free(r);

  r = read_ok("guide/278-response-aaa.x12");
  rv = only_review(r);
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_REJECTED);
  assert_string_equal(rv->rejections[0].reason, "75");
  assert_int_equal(rv->rejections[0].valid, 'Y');
  has(rv->rejections[0].next_step, "cannot find the subscriber");
  /* an event with no HCR under a rejected subscriber */
  assert_int_equal(rv->nevents, 1);
  assert_int_equal(rv->events[0].overall.action, X12KIT_278_NOT_STATED);
  has(rv->events[0].overall.next_step, "rejected the request before reviewing it");
  x12kit_278_response_free(r);

  r = read_ok("guide/278-response-denied.x12");
  rv = only_review(r);
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_NOT_CERTIFIED);
  has(rv->overall.next_step, "8005550163"); /* the UMO's appeals line */
  x12kit_278_response_free(r);

  r = read_ok("guide/278-response-pended.x12");
  rv = only_review(r);
  check_review(rv);
  assert_int_equal(rv->overall.action, X12KIT_278_PENDED);
  assert_int_equal(rv->events[0].dependent, 1);
  assert_string_equal(rv->events[0].payer_trace, "BWP2612030088");
  x12kit_278_response_free(r);
}

/* A response with guide errors is read all the same; they are counted. */
static void test_with_findings(void **state)
{
  static const struct {
    const char *file;
    x12kit_278_action action;
    const char *code, *fragment;
  } cases[] = {
    { "278-response-ik403-7-hcr01-code", X12KIT_278_UNKNOWN, "A9", "A9 is not one x12kit knows" },
    { "278-response-ik403-1-hcr01-missing", X12KIT_278_UNKNOWN, "", "code is missing" },
    { "278-response-ik304-7-hcr-before-um", X12KIT_278_CERTIFIED, "A1", "CV2611200317" },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[128];
    size_t len;
    char *buf;
    x12kit_278_response *r;
    const x12kit_278_resp_review *rv;
    x12kit_error err;

    snprintf(path, sizeof path, "guide/invalid/%s.x12", cases[i].file);
    buf = tu_read_fixture(path, &len);
    assert_int_equal(x12kit_278_response_read(&r, tu_schema, buf, len, NULL, &err), X12KIT_OK);
    assert_int_equal(x12kit_278_response_finding_count(r), 1);
    rv = x12kit_278_response_review_at(r, 0);
    check_review(rv);
    assert_int_equal(rv->events[0].decision.action, cases[i].action);
    assert_string_equal(rv->events[0].decision.code, cases[i].code);
    has(rv->events[0].decision.next_step, cases[i].fragment);
    assert_int_equal(rv->overall.action, cases[i].action);
    x12kit_278_response_free(r);
    free(buf);
  }
}

/* ---- input that is not a 278 response ---- */

static void test_not_a_response(void **state)
{
  static const struct {
    const char *file;
    const char *fragment;
    unsigned long segment;
  } cases[] = {
    { "valid/999-accepted.x12", "999 implementation acknowledgment", 3 },
    { "valid/ta1-rejected.x12", "TA1 interchange acknowledgment", 0 },
    { "valid/271-active-pa-required.x12", "271 eligibility response", 3 },
    { "valid/270-eligibility.x12", "270 eligibility inquiry", 3 },
    { "valid/278-request-infusions.x12", "278 request for review", 3 },
    { "guide/278-request-esketamine.x12", "278 request for review", 3 },
    { "lexer/not-x12.x12", "not X12", 1 },
    { "lexer/empty.x12", "not X12", 1 },
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *buf = tu_read_fixture(cases[i].file, &len);
    x12kit_278_response *r = (x12kit_278_response *)&len; /* must be set to NULL */
    x12kit_error err;

    assert_int_equal(x12kit_278_response_read(&r, tu_schema, buf, len, NULL, &err),
                     X12KIT_ERR_SYNTAX);
    assert_null(r);
    assert_int_equal(err.code, X12KIT_ERR_SYNTAX);
    has(err.text, cases[i].fragment);
    if (cases[i].segment)
      assert_int_equal(err.pos.segment, cases[i].segment);
    assert_string_equal(err.value, "");
    /* no patient data of those files */
    lacks(err.text, "LINDQVIST");
    lacks(err.text, "CVK300418826");
    lacks(err.text, "HALVORSEN");
    free(buf);
  }
}

static void test_not_a_response_inline(void **state)
{
  static const char garbage[] = "%PDF-1.7 not an interchange";
  static const char isa_only[] =
    "ISA*00*          *00*          *ZZ*HARBORVIEWHP   *ZZ*STILLWATERKC   *261214*1010*^*00501"
    "*000000900*0*T*:~IEA*0*000000900~";
  x12kit_278_response *r;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, garbage, sizeof garbage - 1, NULL, &err),
                   X12KIT_ERR_SYNTAX);
  has(err.text, "not X12");
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, "", 0, NULL, &err), X12KIT_ERR_SYNTAX);
  has(err.text, "not X12");
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, NULL, 0, NULL, &err), X12KIT_ERR_SYNTAX);
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, isa_only, sizeof isa_only - 1, NULL,
                                            &err),
                   X12KIT_ERR_SYNTAX);
  has(err.text, "no transaction set");
  assert_null(r);
}

/* ---- truncated input ---- */

static void test_truncated(void **state)
{
  size_t len, cut, se, ok = 0, truncated = 0;
  char *buf = tu_read_fixture("auth-responses/a1-certified.x12", &len);
  const char *p = strstr(buf, "~SE*");

  (void)state;
  assert_non_null(p);
  se = (size_t)(strchr(p + 1, '~') - buf) + 1; /* just after the SE */
  for (cut = 0; cut < len; cut++) {
    char *part = malloc(cut ? cut : 1);
    x12kit_278_response *r = NULL;
    x12kit_error err;
    int rc;

    assert_non_null(part);
    memcpy(part, buf, cut);
    rc = x12kit_278_response_read(&r, tu_schema, part, cut, NULL, &err);
    if (rc == X12KIT_OK) {
      /* only once the whole transaction is there; GE and IEA missing are findings */
      if (cut < se)
        fail_msg("cut at %zu of %zu read as a whole response", cut, len);
      assert_true(x12kit_278_response_finding_count(r) > 0);
      assert_int_equal(x12kit_278_response_review_at(r, 0)->events[0].nlines, 2);
      ok++;
    } else {
      assert_null(r);
      if (rc != X12KIT_ERR_TRUNCATED && rc != X12KIT_ERR_SYNTAX)
        fail_msg("cut at %zu: %d %s", cut, rc, err.text);
      if (rc == X12KIT_ERR_TRUNCATED)
        truncated++;
      lacks(err.text, "QUILLFEATHER");
      lacks(err.text, "HVH720193384");
    }
    x12kit_278_response_free(r);
    free(part);
  }
  assert_true(ok > 0);
  assert_true(truncated > 100);
  free(buf);
}

static void test_truncated_messages(void **state)
{
  size_t len;
  char *buf = tu_read_fixture("auth-responses/a1-certified.x12", &len);
  char *hl5 = strstr(buf, "HL*5*");
  x12kit_278_response *r;
  x12kit_error err;

  (void)state;
  /* cut on a segment boundary: the transaction has no SE */
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, buf, (size_t)(hl5 - buf), NULL, &err),
                   X12KIT_ERR_TRUNCATED);
  has(err.text, "transaction 278 0001 ends without its SE trailer");
  assert_int_equal(err.pos.in_transaction, 1);
  /* cut inside a segment */
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, buf, (size_t)(hl5 - buf) + 3, NULL,
                                            &err),
                   X12KIT_ERR_TRUNCATED);
  has(err.text, "ends inside a segment");
  assert_string_equal(err.ack_code, "");
  /* the SE removed, the group's trailer still there */
  {
    char *se = strstr(buf, "SE*34*0001~");
    assert_non_null(se);
    memmove(se, se + 11, strlen(se + 11) + 1);
    assert_int_equal(x12kit_278_response_read(&r, tu_schema, buf, strlen(buf), NULL, &err),
                     X12KIT_ERR_TRUNCATED);
  }
  free(buf);
}

/* ---- memory and contract ---- */

static void test_alloc_failure(void **state)
{
  static const char *const files[] = { "auth-responses/a4-pended.x12",
                                       "auth-responses/mixed-lines.x12" };
  size_t f;

  (void)state;
  for (f = 0; f < 2; f++) {
    size_t len;
    char *buf = tu_read_fixture(files[f], &len);
    unsigned fail_at;
    int ok = 0;

    for (fail_at = 1; fail_at < 2000 && !ok; fail_at++) {
      tu_alloc c = { 0, 0, 0, fail_at };
      x12kit_mem mem = tu_alloc_mem(&c);
      x12kit_278_response *r = NULL;
      x12kit_error err;
      int rc = x12kit_278_response_read(&r, tu_schema, buf, len, &mem, &err);
      if (rc == X12KIT_OK) {
        ok = 1;
        assert_true(c.live > 0);
        check_review(x12kit_278_response_review_at(r, 0));
        x12kit_278_response_free(r);
      } else {
        assert_int_equal(rc, X12KIT_ERR_NOMEM);
        assert_null(r);
      }
      assert_int_equal(c.live, 0);
    }
    assert_true(ok);
    assert_true(fail_at > 10);
    free(buf);
  }
}

/* The handle keeps its own copies of code texts: the maps may go first. */
static void test_schema_freed_first(void **state)
{
  x12kit_schema *own = tu_load_schema();
  size_t len;
  char *buf = tu_read_fixture("auth-responses/a4-pended.x12", &len);
  x12kit_278_response *r;
  const x12kit_278_resp_event *ev;
  x12kit_error err;

  (void)state;
  assert_non_null(own);
  assert_int_equal(x12kit_278_response_read(&r, own, buf, len, NULL, &err), X12KIT_OK);
  x12kit_schema_free(own);
  free(buf);
  ev = &x12kit_278_response_review_at(r, 0)->events[0];
  assert_string_equal(ev->decision.code_text, "Pended");
  assert_string_equal(ev->paperwork[1].type_text, "Support data for verification");
  assert_string_equal(ev->dates[0].qualifier_text, "Event");
  assert_string_equal(ev->contact.code_text, "Utilization management organization");
  x12kit_278_response_free(r);
}

static void test_contract(void **state)
{
  x12kit_278_response *r = NULL;
  x12kit_error err;

  (void)state;
  assert_int_equal(x12kit_278_response_read(NULL, tu_schema, "", 0, NULL, &err), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_278_response_read(&r, NULL, "", 0, NULL, &err), X12KIT_ERR_ARG);
  assert_null(r);
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, NULL, 5, NULL, NULL), X12KIT_ERR_ARG);
  assert_int_equal(x12kit_278_response_read(&r, tu_schema, "", 0, NULL, NULL), X12KIT_ERR_SYNTAX);
  x12kit_278_response_free(NULL);
  assert_int_equal(x12kit_278_response_review_count(NULL), 0);
  assert_int_equal(x12kit_278_response_finding_count(NULL), 0);
  assert_null(x12kit_278_response_review_at(NULL, 0));
}

static void test_action_words(void **state)
{
  static const x12kit_278_action worst_first[] = {
    X12KIT_278_REJECTED, X12KIT_278_NOT_CERTIFIED, X12KIT_278_UNKNOWN,
    X12KIT_278_CONTACT_PAYER, X12KIT_278_PENDED, X12KIT_278_NOT_STATED, X12KIT_278_CANCELLED,
    X12KIT_278_PARTIAL, X12KIT_278_MODIFIED, X12KIT_278_CERTIFIED, X12KIT_278_NO_ACTION
  };
  size_t i;

  (void)state;
  for (i = 0; i + 1 < sizeof worst_first / sizeof worst_first[0]; i++)
    assert_true(x12kit_278_action_severity(worst_first[i]) >
                x12kit_278_action_severity(worst_first[i + 1]));
  assert_int_equal(x12kit_278_action_severity(X12KIT_278_REJECTED), 10);
  assert_int_equal(x12kit_278_action_severity(X12KIT_278_NO_ACTION), 0);
  assert_string_equal(x12kit_278_action_name(X12KIT_278_CERTIFIED), "certified in total");
  assert_string_equal(x12kit_278_action_name(X12KIT_278_PARTIAL), "certified in part");
  assert_string_equal(x12kit_278_action_name(X12KIT_278_NOT_CERTIFIED), "not certified");
  assert_string_equal(x12kit_278_action_name(X12KIT_278_PENDED), "pended");
  assert_string_equal(x12kit_278_action_name(X12KIT_278_REJECTED), "rejected");
  assert_string_equal(x12kit_278_action_name(X12KIT_278_NOT_STATED), "no decision stated");
  assert_string_equal(x12kit_278_action_name((x12kit_278_action)99), "no decision stated");
}

/* Every next step of every fixture is specific: no two decisions share one. */
static void test_next_steps_differ(void **state)
{
  static const char *const files[] = {
    "a1-certified", "a2-partial", "a3-not-certified", "a4-pended", "a6-modified",
    "ct-contact-payer", "c-cancelled", "na-no-action",
  };
  const char *steps[8];
  x12kit_278_response *rs[8];
  size_t i, j;

  (void)state;
  for (i = 0; i < 8; i++) {
    char path[128];
    snprintf(path, sizeof path, "auth-responses/%s.x12", files[i]);
    rs[i] = read_ok(path);
    steps[i] = x12kit_278_response_review_at(rs[i], 0)->overall.next_step;
  }
  for (i = 0; i < 8; i++)
    for (j = i + 1; j < 8; j++)
      if (strcmp(steps[i], steps[j]) == 0)
        fail_msg("%s and %s have the same next step", files[i], files[j]);
  for (i = 0; i < 8; i++)
    x12kit_278_response_free(rs[i]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_a1_certified),
    cmocka_unit_test(test_a2_partial),
    cmocka_unit_test(test_a3_not_certified),
    cmocka_unit_test(test_a4_pended_dependent),
    cmocka_unit_test(test_a6_modified),
    cmocka_unit_test(test_ct_contact_payer),
    cmocka_unit_test(test_c_cancelled),
    cmocka_unit_test(test_na_no_action),
    cmocka_unit_test(test_esketamine),
    cmocka_unit_test(test_rejections),
    cmocka_unit_test(test_rejection_details),
    cmocka_unit_test(test_rejection_2010fa),
    cmocka_unit_test(test_mixed_lines),
    cmocka_unit_test(test_two_transactions),
    cmocka_unit_test(test_other_fixtures),
    cmocka_unit_test(test_with_findings),
    cmocka_unit_test(test_not_a_response),
    cmocka_unit_test(test_not_a_response_inline),
    cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_truncated_messages),
    cmocka_unit_test(test_alloc_failure),
    cmocka_unit_test(test_schema_freed_first),
    cmocka_unit_test(test_contract),
    cmocka_unit_test(test_action_words),
    cmocka_unit_test(test_next_steps_differ),
  };

  return cmocka_run_group_tests(tests, tu_schema_setup, tu_schema_teardown);
}
