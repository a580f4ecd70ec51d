#!/bin/sh
# tests/cli/test_auth_explain.sh - x12kit auth explain on the 278
# responses of fixtures/auth-responses: the validator accepts each one,
# the decisions and next steps in text and JSON, every exit status, and
# patient data shown only with --show-data.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR.

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_SRCDIR/fixtures
A=$F/auth-responses

# json EXPR: evaluates a Python expression on the JSON in $T/out (as j).
if command -v python3 >/dev/null 2>&1; then
  json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/out"; }
  have_json=1
else
  json() { grep -q '^{' "$T/out"; }
  have_json=0
  tap_diag "python3 missing: JSON is checked for its first line only"
fi

# Patient data of the fixtures: names, member IDs, dates of birth.
PHI='QUILLFEATHER\|JUNO\|RORY\|MARROWDALE\|PEREGRINE\|HVH720193384\|HVH720554101\|HVH72019338\|1984-03-09\|2008-05-17\|1977-09-30'
no_phi() { ! grep -q -e "$PHI" "$T/out" "$T/err"; }

# --- usage -----------------------------------------------------------------
run "$CLI" auth explain --help
expect 0 "auth explain --help" has_out 'Usage: x12kit auth explain'
expect 0 "--help lists the exit statuses" has_out '6  not decided yet'
expect 0 "--help documents exit status 5" has_out '5  rejected (AAA) or not certified'
run "$CLI" auth explain
expect 2 "no file" has_err 'no input file'
run "$CLI" auth explain "$A/a1-certified.x12" "$A/a2-partial.x12"
expect 2 "two files" has_err 'more than one input file'
run "$CLI" auth explain --bogus "$A/a1-certified.x12"
expect 2 "unknown option" has_err 'unknown option'
run "$CLI" auth explain --schemas
expect 2 "--schemas without a directory" has_err 'Usage:'

# --- I/O and internal errors -----------------------------------------------
run "$CLI" auth explain "$T/no-such-file.x12"
expect 3 "a missing file is an I/O error" has_err 'cannot open'
run "$CLI" auth explain --schemas "$T/no-maps" "$A/a1-certified.x12"
expect 4 "maps that do not load" has_err 'cannot load the implementation-guide maps'
if [ -w /dev/full ]; then
  "$CLI" auth explain "$A/a1-certified.x12" >/dev/full 2>"$T/err"
  rc=$?
  expect 3 "a full disk is an I/O error" has_err 'cannot write'
else
  tap_skip "a full disk is an I/O error" "no /dev/full"
fi

# --- every fixture passes the validator --------------------------------------
for f in "$A"/*.x12; do
  run "$CLI" validate "$f"
  expect 0 "x12kit validate accepts $(basename "$f")"
done

# --- not a 278 response: exit 1 ----------------------------------------------
run "$CLI" auth explain "$F/valid/999-accepted.x12"
expect 1 "a 999" has_err '999 implementation acknowledgment, not a 278 response'
run "$CLI" auth explain "$F/valid/ta1-rejected.x12"
expect 1 "a TA1" has_err 'TA1 interchange acknowledgment'
run "$CLI" auth explain "$F/valid/271-active-pa-required.x12"
expect 1 "a 271" has_err '271 eligibility response'
run "$CLI" auth explain "$F/valid/278-request-infusions.x12"
expect 1 "a 278 request" has_err '278 request for review'
expect 1 "the message names the line and the ST" has_err 'infusions.x12:1: segment 3 (ST)'
expect 1 "no patient data in the message" no_err 'LINDQVIST\|CVK300418826'
run "$CLI" auth explain "$F/lexer/not-x12.x12"
expect 1 "not X12 at all" has_err 'not X12'
head -c 700 "$A/a1-certified.x12" >"$T/cut.x12"
run "$CLI" auth explain "$T/cut.x12"
expect 1 "a response cut short" has_err 'cut short\|ends inside a segment'
expect 1 "nothing on stdout for it" empty_out
expect 1 "no patient data for it" no_phi

# --- exit statuses of the decisions ------------------------------------------
for case in a1-certified:0 a2-partial:0 a6-modified:0 c-cancelled:0 na-no-action:0 \
  esketamine-certified:0 a3-not-certified:5 aaa-2010a:5 aaa-2010b:5 aaa-2010c:5 \
  aaa-2010d:5 aaa-2000e:5 aaa-2010ea:5 aaa-2000f:5 aaa-2010fa:5 mixed-lines:5 \
  two-transactions:5 \
  a4-pended:6 ct-contact-payer:6; do
  name=${case%:*}
  want=${case#*:}
  run "$CLI" auth explain "$A/$name.x12"
  expect "$want" "$name exits $want" has_out 'What to do: '
  expect "$want" "$name: no patient data without --show-data" no_phi
  run "$CLI" auth explain --json "$A/$name.x12"
  expect "$want" "$name --json exits $want" json "j['exit_status'] == $want"
  expect "$want" "$name --json: no patient data" no_phi
done

run "$CLI" auth explain "$F/guide/invalid/278-response-ik403-7-hcr01-code.x12"
expect 6 "an unknown HCR01 code is not a decision" has_out 'unknown decision code \[HCR01 A9'
expect 6 "guide errors are counted, the answer given" has_out '1 implementation-guide error'

# --- text ----------------------------------------------------------------------
run "$CLI" auth explain "$A/a1-certified.x12"
expect 0 "A1: the decision" has_out '^Transaction 1 (ST02 0001): certified in total \[HCR01 A1, loop 2000E, segment 15\]'
expect 0 "A1: the certification number" has_out '^  Certification number: HV2612140417$'
expect 0 "A1: the echoed reference" has_out 'Your request: SKC278-1001 (BHT03)'
expect 0 "A1: the traces" has_out "Your trace: SKC278-1001   Payer's trace: HV26121400417"
expect 0 "A1: the approved dates" has_out '^    Approved dates: 2027-01-04 to 2027-01-29$'
expect 0 "A1: the approved quantity" has_out '^    Approved: 2 visits per week for 4 weeks$'
expect 0 "A1: a line with its units" has_out '^      Approved quantity: 8 units$'
expect 0 "A1: the J3490 description" has_out 'J3490 KETAMINE HCL IV'
expect 0 "A1: the next step" has_out 'Put certification number HV2612140417 on every claim'
expect 0 "A1: the payer's phone" has_out 'phone 8005550134 ext. 212'
expect 0 "A1: no subscriber line" no_out 'Subscriber:'

run "$CLI" auth explain "$A/a2-partial.x12"
expect 0 "A2: certified in part" has_out 'certified in part \[HCR01 A2'
expect 0 "A2: 4 units approved" has_out 'approved 4 units from 2027-01-04 to 2027-01-15'
expect 0 "A2: appeal the difference" has_out 'appeal the difference'
expect 0 "A2: the payer's note" has_out "Payer's note: APPROVED 4 OF 8 INFUSIONS"

run "$CLI" auth explain "$A/a3-not-certified.x12"
expect 5 "A3: the reason code" has_out 'Reason: 0U'
expect 5 "A3: peer-to-peer" has_out 'peer-to-peer review'
expect 5 "A3: requested, not approved, dates" has_out 'Requested dates: 2027-01-04 to 2027-01-29'

run "$CLI" auth explain "$A/a4-pended.x12"
expect 6 "A4: the records to send" has_out 'progress report (by fax, control number HVPWK558203A)'
expect 6 "A4: where to send them" has_out 'Send information to: HARBORVIEW CLINICAL REVIEW'
expect 6 "A4: further updates" has_out 'further updates to follow'
expect 6 "A4: lines under the request's decision" has_out '(the decision for the whole request)'
expect 6 "A4: the dependent's request" has_out 'for the dependent'

run "$CLI" auth explain "$A/a6-modified.x12"
expect 0 "A6: modified" has_out 'certified with changes \[HCR01 A6'
expect 0 "A6: the changed dates" has_out 'Approved dates: 2027-01-18 to 2027-02-12'

run "$CLI" auth explain "$A/ct-contact-payer.x12"
expect 6 "CT: call the reviewer" has_out 'at 8005550199 extension 4410'

run "$CLI" auth explain "$A/na-no-action.x12"
expect 0 "NA: a single day" has_out 'Approved dates: on 2027-01-06'
expect 0 "NA: no authorization needed" has_out 'No authorization is needed'

run "$CLI" auth explain "$A/aaa-2010c.x12"
expect 5 "AAA 2010C: the reason" has_out 'Rejected in loop 2010C (segment 9): Invalid or missing subscriber/insured ID \[AAA03 72, AAA04 C: Correct and resubmit\]'
expect 5 "AAA 2010C: correct the member ID" has_out 'The member ID is wrong or missing'

run "$CLI" auth explain "$A/aaa-2000f.x12"
expect 5 "AAA 2000F: the worst line decides" has_out 'rejected (worst service line: AAA03 AG, segment 22)'
expect 5 "AAA 2000F: the other line is certified" has_out 'Decision: certified in total \[HCR01 A1, segment 18\]'

run "$CLI" auth explain "$A/aaa-2010fa.x12"
expect 5 "a rejected line under a partial certification exits 5" has_out '^Transaction 1 (ST02 0001): certified in part'
expect 5 "the rejected line" has_out 'Rejected in loop 2010FA (segment 26)'

run "$CLI" auth explain "$A/mixed-lines.x12"
expect 5 "mixed lines: counted" has_out '1 not certified, 1 pended, 1 certified in total'

run "$CLI" auth explain - <"$A/esketamine-certified.x12"
expect 0 "standard input" has_out '^Prior-authorization response <stdin>: 1 transaction$'
expect 0 "esketamine: J0013" has_out 'J0013'
expect 0 "esketamine: G2082" has_out 'G2082'

# --- patient data with --show-data -------------------------------------------------
run "$CLI" auth explain --show-data "$A/a1-certified.x12"
expect 0 "--show-data: the subscriber" has_out '^  Subscriber: QUILLFEATHER, JUNO  Member ID: HVH720193384  Born: 1984-03-09  Gender: F$'
run "$CLI" auth explain --show-data "$A/a4-pended.x12"
expect 6 "--show-data: the dependent" has_out '^  Patient (dependent): QUILLFEATHER, RORY  Born: 2008-05-17  Gender: M$'
run "$CLI" auth explain --show-data --json "$A/a4-pended.x12"
expect 6 "--show-data --json: the dependent" json "j['transactions'][0]['dependent']['first'] == 'RORY' and j['transactions'][0]['subscriber']['member_id'] == 'HVH720193384'"
run "$CLI" auth explain --json "$A/a4-pended.x12"
expect 6 "--json without --show-data has no patient keys" json "'subscriber' not in j['transactions'][0] and 'dependent' not in j['transactions'][0]"

# --- JSON ------------------------------------------------------------------------
run "$CLI" auth explain --json "$A/a1-certified.x12"
expect 0 "JSON: the overall decision" json "j['transactions'][0]['overall']['decision'] == 'certified' and j['transactions'][0]['overall']['from'] == 'request'"
expect 0 "JSON: the certification number" json "j['transactions'][0]['overall']['certification'] == 'HV2612140417'"
expect 0 "JSON: the echoed reference and traces" json "j['transactions'][0]['reference'] == 'SKC278-1001' and j['transactions'][0]['events'][0]['request_trace'] == 'SKC278-1001' and j['transactions'][0]['events'][0]['payer_trace'] == 'HV26121400417'"
expect 0 "JSON: the HCR" json "j['transactions'][0]['events'][0]['decision']['action'] == {'code': 'A1', 'meaning': 'Certified in total'} and j['transactions'][0]['events'][0]['decision']['segment'] == 15"
expect 0 "JSON: the dates" json "[d['qualifier']['code'] for d in j['transactions'][0]['events'][0]['dates']] == ['102', '007', '036'] and j['transactions'][0]['events'][0]['valid_to'] == '2027-01-29'"
expect 0 "JSON: the quantity" json "j['transactions'][0]['events'][0]['quantity']['words'] == '2 visits per week for 4 weeks'"
expect 0 "JSON: the lines" json "[l['service']['code'] for l in j['transactions'][0]['events'][0]['lines']] == ['96365', 'J3490'] and j['transactions'][0]['events'][0]['lines'][0]['service']['units'] == '8'"
expect 0 "JSON: the UMO" json "j['transactions'][0]['umo']['id'] == 'HVHP01' and j['transactions'][0]['umo']['phone'] == '8005550134'"
expect 0 "JSON: no guide errors" json "j['guide_errors'] == 0"
run "$CLI" auth explain --json "$A/aaa-2010b.x12"
expect 5 "JSON: a 2010B rejection" json "j['transactions'][0]['rejections'][0]['loop'] == '2010B' and j['transactions'][0]['rejections'][0]['reason']['code'] == '51' and j['transactions'][0]['rejections'][0]['follow_up']['code'] == 'C' and j['transactions'][0]['overall']['decision'] == 'rejected'"
expect 5 "JSON: its next step" json "'enroll the provider' in j['transactions'][0]['rejections'][0]['next_step']"
run "$CLI" auth explain --json "$A/mixed-lines.x12"
expect 5 "JSON: worst of the lines" json "j['transactions'][0]['events'][0]['overall']['from'] == 'worst_line' and [l['overall']['decision'] for l in j['transactions'][0]['events'][0]['lines']] == ['certified', 'not_certified', 'pended']"
run "$CLI" auth explain --json "$A/two-transactions.x12"
expect 5 "JSON: two transactions" json "[t['overall']['decision'] for t in j['transactions']] == ['certified', 'not_certified']"
run "$CLI" auth explain --json "$A/a4-pended.x12"
expect 6 "JSON: paperwork" json "[p['control'] for p in j['transactions'][0]['events'][0]['paperwork']] == ['HVPWK558203A', 'HVPWK558203B']"
expect 6 "JSON: a line under the request's decision" json "j['transactions'][0]['events'][0]['lines'][0]['overall']['from'] == 'request' and j['transactions'][0]['events'][0]['lines'][0]['decision'] is None"
if [ "$have_json" = 0 ]; then
  tap_diag "the JSON checks above only looked at the first line"
fi

tap_done
