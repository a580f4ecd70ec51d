#!/bin/sh
# Tests of x12kit eligibility check and x12kit auth submit: build, send
# and explain in one step, against the simulator (x12kit serve) over TLS
# on loopback, with certificates made at test time.  What the one step
# prints is compared with what the separate commands print.
: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES
RULES=$F/simulator/payer-rules.xml

if ! command -v openssl >/dev/null 2>&1; then
  echo "1..0 # SKIP openssl not found"
  exit 0
fi

trap 'stop_all; rm -rf "$T"' EXIT

sim_certs other

ok_if()
{
  desc=$1
  shift
  if "$@"; then
    tap_ok "$desc"
  else
    tap_not_ok "$desc"
    tap_diag "exit status $rc" "stdout:"
    sed -n '1,10s/^/#   /p' "$T/out"
    tap_diag "stderr:"
    sed -n '1,10s/^/#   /p' "$T/err"
  fi
}

# The eligibility request of the clinic's day, as options of eligibility build.
PATIENT="--payer-id CVHP01 --payer-name CEDAR-VALLEY-HEALTH-PLAN --npi 1582037465
  --provider-name NORTHWIND-INFUSION-CLINIC --member-id CVK300418826 --last LINDQVIST
  --first SAM --dob 1988-06-22 --gender M --date 2026-12-07 --service-type MH
  --cpt 96365 --sender NORTHWINDINF --receiver CEDARVALLEYHP --created 2026-11-20T10:30"
REQ278=$F/auth/278-request-infusions.json

tap_plan 44

sim_start main
CONN="--endpoint $URL --ca $T/ca.pem"

# ---- eligibility check against build + send + explain ----
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --reference NWI270-0101 --control 101 \
  --save-request "$T/270.x12" --save-response "$T/271.x12"
cp "$T/out" "$T/check.out"
cp "$T/err" "$T/check.err"
expect 0 "eligibility check for the member with CPT 96365: exit 0" has_out 'Plan: active'
ok_if "the outcome of the send goes to stderr with the PayloadID" \
  grep -q 'delivered: 271 answer (PayloadID [0-9a-f-]*)' "$T/check.err"
# shellcheck disable=SC2086
"$CLI" eligibility build $PATIENT --reference NWI270-0101 --control 101 >"$T/270.built"
ok_if "--save-request holds exactly what eligibility build writes" cmp -s "$T/270.x12" "$T/270.built"
ok_if "the saved request is private (mode 0600)" \
  sh -c "ls -l '$T/270.x12' | grep -q '^-rw-------'"
run "$CLI" eligibility explain --cpt 96365 --service-type MH "$T/271.x12"
ok_if "check prints what eligibility explain prints for the saved response" \
  cmp -s "$T/out" "$T/check.out"
ok_if "the saved response is a 271" grep -q 'ST\*271\*' "$T/271.x12"

# the four-command path, with its own control number (ISA13 once per sender)
# shellcheck disable=SC2086
"$CLI" eligibility build $PATIENT --reference NWI270-0101 --control 102 >"$T/270.b"
"$CLI" send $CONN --sender NORTHWINDINF --receiver CEDARVALLEYHP "$T/270.b" \
  >"$T/271.b" 2>"$T/send.err"
run "$CLI" eligibility explain --cpt 96365 --service-type MH "$T/271.b"
sed 1d "$T/out" >"$T/explain.tail"
sed 1d "$T/check.out" >"$T/check.tail"
ok_if "build + send + explain and check say the same about the patient" \
  sh -c "[ -s '$T/check.tail' ] && cmp -s '$T/explain.tail' '$T/check.tail'"

ok_if "no patient data in stdout without --show-data" \
  sh -c "! grep -q -e LINDQVIST -e CVK300418826 -e 19880622 '$T/check.out'"
ok_if "no patient data on stderr" \
  sh -c "! grep -q -e LINDQVIST -e CVK300418826 -e 19880622 '$T/check.err'"
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 103 --show-data
expect 0 "--show-data prints the patient's name and member ID" \
  sh -c "grep -q LINDQVIST '$T/out' && grep -q CVK300418826 '$T/out'"

# --json: the same JSON as eligibility explain --json
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 104 --json --save-response "$T/271j.x12"
cp "$T/out" "$T/check.json"
expect 0 "--json: JSON with the plan active and an answer for 96365" \
  json "j['patients'][0]['plan']['status'] == 'active' and j['patients'][0]['answers'][0]['procedure'] == '96365'"
run "$CLI" eligibility explain --json --cpt 96365 --service-type MH "$T/271j.x12"
ok_if "--json prints what eligibility explain --json prints" cmp -s "$T/out" "$T/check.json"

# the estimate: the explanation, a blank line, then what x12kit estimate prints
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 105 --save-response "$T/271e.x12" \
  --sessions 6 --charge 650.00 --allowed 480.00
cp "$T/out" "$T/check.est"
expect 0 "check with --sessions and --charge: exit 0" has_out 'The patient pays'
{
  "$CLI" eligibility explain --cpt 96365 --service-type MH "$T/271e.x12"
  echo
  "$CLI" estimate --cpt 96365 --service-type MH --sessions 6 --charge 650.00 \
    --allowed 480.00 "$T/271e.x12"
} >"$T/expected.est" 2>/dev/null
ok_if "the estimate is x12kit estimate's, after the explanation" cmp -s "$T/check.est" "$T/expected.est"
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 106 --json --sessions 6 --charge 650.00 \
  --allowed 480.00
expect 0 "--json with an estimate: an estimate member with the totals" \
  json "j['estimate']['sessions'] == 6 and j['estimate']['total']['patient'] > 0"
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 107 --sessions 6
expect 2 "--sessions without --charge is a usage error" has_err 'needs --sessions and --charge'

# no --cpt and no --service-type: the 270 asks about the plan (30), and
# the answer is explained as eligibility explain explains it asked nothing
run "$CLI" eligibility check $CONN --payer-id CVHP01 --payer-name CEDAR --npi 1582037465 \
  --provider-name NWI --member-id CVK300418826 --last LINDQVIST --first SAM \
  --dob 1988-06-22 --sender NORTHWINDINF --receiver CEDARVALLEYHP --control 108 \
  --save-response "$T/271p.x12"
cp "$T/out" "$T/plan.out"
run "$CLI" eligibility explain "$T/271p.x12"
ok_if "a plan-level check lists every benefit, as explain does" \
  sh -c "grep -q 'Benefits stated' '$T/plan.out' && cmp -s '$T/out' '$T/plan.out'"

# members the payer does not cover
run "$CLI" eligibility check $CONN --payer-id CVHP01 --payer-name CEDAR --npi 1582037465 \
  --provider-name NWI --member-id CVK399000001 --last INACTIVE --first PAT \
  --dob 1970-01-01 --cpt 96365 --sender NORTHWINDINF --receiver CEDARVALLEYHP --control 110
expect 0 "an inactive member: the answer says inactive" has_out 'Plan: inactive'
run "$CLI" eligibility check $CONN --payer-id CVHP01 --payer-name CEDAR --npi 1582037465 \
  --provider-name NWI --member-id CVK000000000 --last NOBODY --first PAT \
  --dob 1970-01-01 --cpt 96365 --sender NORTHWINDINF --receiver CEDARVALLEYHP --control 111
expect 5 "an unknown member: rejected (exit 5), AAA 75 explained" \
  sh -c "grep -q 'AAA03 75' '$T/out' && ! grep -q CVK000000000 '$T/err'"

# ---- usage and control numbers ----
echo 500 >"$T/counter"
# shellcheck disable=SC2086
run "$CLI" eligibility check --ca "$T/ca.pem" $PATIENT --counter "$T/counter" \
  --save-request "$T/none.x12"
expect 2 "no --endpoint: usage error (exit 2)" has_err 'endpoint'
ok_if "a usage error takes no control number and saves nothing" \
  sh -c "[ \"\$(cat '$T/counter')\" = 500 ] && [ ! -e '$T/none.x12' ]"
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --counter "$T/counter" --save-request "$T/c.x12"
expect 0 "--counter: the number is taken as eligibility build takes it" \
  sh -c "[ \"\$(cat '$T/counter')\" = 501 ] && grep -q '^ISA.*\*000000501\*' '$T/c.x12'"
run "$CLI" eligibility check $CONN --payer-id CVHP01
expect 2 "a builder check still applies (missing --payer-name)" has_err 'payer-name'
run "$CLI" eligibility check --help
expect 0 "eligibility check --help" sh -c "grep -q 'save-response' '$T/out' && grep -q 'endpoint' '$T/out'"
run "$CLI" auth submit --help
expect 0 "auth submit --help" has_out '--track DB'

# ---- auth submit, decisions per the rules file ----
run "$CLI" auth submit $CONN --request "$REQ278" --cpt 96365 --units 6 --control 201 \
  --reference NWI278-0201 --save-request "$T/278.x12" --save-response "$T/278r.x12" \
  --track "$T/auth.db"
cp "$T/out" "$T/submit.out"
expect 0 "auth submit for CPT 96365 with F33.2: certified (exit 0)" has_out 'certified'
ok_if "the CORE IDs came from the request's ISA06 and ISA08 (no --sender given)" \
  grep -q 'delivered: 278 answer' "$T/err"
ok_if "--track: the request and the response are recorded" \
  sh -c "grep -q 'tracked: request NWI278-0201 recorded' '$T/err' && grep -q 'tracked: response to NWI278-0201: certified' '$T/err'"
"$CLI" auth build --request "$REQ278" --cpt 96365 --units 6 --control 201 \
  --reference NWI278-0201 >"$T/278.built"
ok_if "--save-request holds exactly what auth build writes" cmp -s "$T/278.x12" "$T/278.built"
run "$CLI" auth explain "$T/278r.x12"
ok_if "auth submit prints what auth explain prints for the saved response" \
  cmp -s "$T/out" "$T/submit.out"
run "$CLI" auth status --db "$T/auth.db"
expect 0 "auth status shows the tracked request and its decision" \
  sh -c "grep -q 'NWI278-0201' '$T/out' && grep -q 'certified' '$T/out'"

run "$CLI" auth submit $CONN --request "$REQ278" --cpt G2082 --units 6 --control 202 \
  --reference NWI278-0202
expect 6 "G2082: pended (exit 6)" has_out 'pended'
run "$CLI" auth submit $CONN --request "$REQ278" --cpt 99213 --units 6 --control 203 \
  --reference NWI278-0203 --json
expect 5 "99213: not certified (exit 5), as JSON" json "j['exit_status'] == 5"

# ---- refusals and failures ----
sim_start ack --fault ack999
# shellcheck disable=SC2086
run "$CLI" eligibility check --endpoint "$URL" --ca "$T/ca.pem" $PATIENT --control 301 \
  --save-response "$T/999.x12"
expect 7 "a 999 instead of the 271: exit 7, explained in plain words" \
  sh -c "grep -q 'Verdict' '$T/out' && grep -q '999' '$T/err'"
cp "$T/out" "$T/999.out"
ok_if "--save-response keeps the 999" grep -q 'ST\*999\*' "$T/999.x12"
run "$CLI" explain "$T/999.x12"
ok_if "the 999 is explained as x12kit explain explains it" cmp -s "$T/out" "$T/999.out"

# shellcheck disable=SC2086
run "$CLI" eligibility check --endpoint "$URL" --ca "$T/other.pem" $PATIENT --control 303 \
  --save-request "$T/untrusted.x12"
expect 3 "a CA that did not sign the server: exit 3" has_err 'not trusted'
# shellcheck disable=SC2086
"$CLI" eligibility build $PATIENT --control 303 >"$T/untrusted.built"
ok_if "the request is saved even when the send fails" cmp -s "$T/untrusted.x12" "$T/untrusted.built"

sim_start slow --fault delay=3000
# shellcheck disable=SC2086
run "$CLI" eligibility check --endpoint "$URL" --ca "$T/ca.pem" $PATIENT --control 304 --timeout 1
expect 8 "no answer in time: outcome unknown (exit 8) with the PayloadID" \
  sh -c "grep -q 'PayloadID [0-9a-f]\{8\}-' '$T/err' && grep -q 'do not resend' '$T/err'"

# saving that fails
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 401 --save-response "$T/no/such/dir/271.x12"
expect 3 "--save-response that cannot be written: exit 3, the answer still explained" \
  sh -c "grep -q 'cannot save the response' '$T/err' && grep -q 'Plan: active' '$T/out'"
# shellcheck disable=SC2086
run "$CLI" eligibility check $CONN $PATIENT --control 402 --save-request "$T/no/such/dir/270.x12"
expect 3 "--save-request that cannot be written: exit 3, nothing sent" \
  sh -c "grep -q 'cannot save the request' '$T/err' && grep -q 'nothing was sent' '$T/err' && ! grep -q delivered '$T/err'"
ok_if "no temporary file is left behind" sh -c "! ls '$T' | grep -q '\.x12\.'"

stop_all
ok_if "no simulator reported a sanitizer error or crashed" \
  sh -c "! cat '$T'/*.err | grep -q -e Sanitizer -e 'runtime error' -e Segmentation"
ok_if "the simulator logged no patient data" \
  sh -c "! cat '$T/main.err' | grep -q -e CVK300 -e LINDQ"
