#!/bin/sh
# tests/cli/test_coverage.sh - x12kit eligibility explain and x12kit
# estimate on the 271 fixtures: the answer, the rule behind it, the
# estimate to the cent, exit statuses and patient data kept out.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR.

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_SRCDIR/fixtures
PA=$F/valid/271-active-pa-required.x12
E=$F/eligibility

# --- usage -----------------------------------------------------------------
run "$CLI" eligibility explain --help
expect 0 "eligibility explain --help" has_out 'Usage: x12kit eligibility explain'
run "$CLI" estimate --help
expect 0 "estimate --help" has_out 'Usage: x12kit estimate'
run "$CLI" eligibility explain
expect 2 "explain without a file" has_err 'no input file'
run "$CLI" eligibility explain --cpt '96;365' "$PA"
expect 2 "explain with a malformed code" has_err 'CPT or HCPCS'
run "$CLI" estimate --sessions 6 --charge 650 "$PA"
expect 2 "estimate without --cpt" has_err '--cpt is required'
run "$CLI" estimate --cpt 96365 --charge 650 "$PA"
expect 2 "estimate without --sessions" has_err '--sessions is required'
run "$CLI" estimate --cpt 96365 --sessions 6 "$PA"
expect 2 "estimate without --charge" has_err '--charge is required'
for bad in 0 1001 x -3; do
  run "$CLI" estimate --cpt 96365 --sessions "$bad" --charge 650 "$PA"
  expect 2 "estimate --sessions $bad refused" has_err 'from 1 to 1000'
done
for bad in 6.505 abc '' 1.2.3 -5; do
  run "$CLI" estimate --cpt 96365 --sessions 6 --charge "$bad" "$PA"
  expect 2 "estimate --charge '$bad' refused" has_err 'dollar amount'
done
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650 --allowed 700 "$PA"
expect 2 "allowed above the charge refused" has_err 'cannot be more than --charge'
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650 --network maybe "$PA"
expect 2 "estimate --network takes in or out" has_err 'in or out'
run "$CLI" estimate --cpt 96365 --cpt 96366 --sessions 6 --charge 650 "$PA"
expect 2 "estimate takes one --cpt" has_err 'one --cpt'
run "$CLI" estimate --show-data --cpt 96365 --sessions 6 --charge 650 "$PA"
expect 2 "estimate has no --show-data" has_err 'does not apply'

# --- not a 271 ---------------------------------------------------------------
run "$CLI" eligibility explain "$F/valid/999-accepted.x12"
expect 1 "a 999 is not a 271" has_err '999'
run "$CLI" eligibility explain "$F/valid/270-eligibility.x12"
expect 1 "a 270 is not a 271" has_err '270'
printf 'hello\n' >"$T/junk"
run "$CLI" eligibility explain "$T/junk"
expect 1 "text that is not X12"
run "$CLI" eligibility explain "$T/missing.x12"
expect 3 "a missing file is an I/O error" has_err 'cannot open'
head -c 400 "$PA" >"$T/cut.x12"
run "$CLI" eligibility explain "$T/cut.x12"
if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then rc=ok; fi
expect ok "a 271 cut short: read or refused, never a crash"

# --- the answer for 96365 -------------------------------------------------------
run "$CLI" eligibility explain --cpt 96365 --service-type MH "$PA"
expect 0 "explain 96365: exit 0"
expect 0 "the plan is active" has_out 'Plan: active, CEDAR CHOICE PPO (EB segment 12)'
expect 0 "covered by the MH benefit" \
  has_out 'Covered: yes, from the benefit for service type MH (EB segment 15)'
expect 0 "prior auth from the procedure benefit" \
  has_out 'Prior authorization required: yes, from the benefit for the procedure (EB segment 16)'
expect 0 "copay \$35 per visit in network" \
  has_out 'copay  *\$35.00 (Visit), from the benefit for the procedure (EB segment 16)'
expect 0 "deductible left from the plan-level benefit" \
  has_out 'deductible left  *\$1,250.00 (Remaining), from the plan-level benefit (EB segment 14)'
expect 0 "coinsurance 30% out of network" \
  has_out 'coinsurance  *30% (Visit), from the benefit for the procedure (EB segment 22)'
expect 0 "the payer's note" has_out "Payer's note: PRIOR AUTH NEEDED FOR KETAMINE INFUSION SERIES"
expect 0 "who to call" has_out '8005550147'
expect 0 "no patient name or member ID without --show-data" \
  sh -c "! grep -q -e LINDQVIST -e CVK300418826 -e 1988-06-22 '$T/out'"
run "$CLI" eligibility explain --show-data --cpt 96365 "$PA"
expect 0 "--show-data prints the patient" has_out 'LINDQVIST'
expect 0 "--show-data prints the member ID" has_out 'CVK300418826'

run "$CLI" eligibility explain "$PA"
expect 0 "explain with no question lists every benefit" has_out 'EB segment 22: '
expect 0 "plan-level question answered" has_out 'Covered: yes, from the plan-level benefit (EB segment 12)'

# --- JSON ------------------------------------------------------------------
run "$CLI" eligibility explain --json --cpt 96365 --service-type MH "$PA"
expect 0 "explain --json" json 'j["patients"][0]["plan"]["status"] == "active"'
expect 0 "json: covered by service type MH" \
  json 'j["patients"][0]["answers"][0]["covered"] == {"answer": "yes", "source": {"rule": "service_type", "service_type": "MH", "segment": 15}}'
expect 0 "json: copay in cents with its rule" \
  json 'j["patients"][0]["answers"][0]["in_network"]["copay"]["cents"] == 3500 and j["patients"][0]["answers"][0]["in_network"]["copay"]["source"]["rule"] == "procedure"'
expect 0 "json: coinsurance in basis points out of network" \
  json 'j["patients"][0]["answers"][0]["out_of_network"]["coinsurance"]["basis_points"] == 3000'
expect 0 "json: in-network coinsurance not stated" \
  json 'j["patients"][0]["answers"][0]["in_network"]["coinsurance"] is None'
expect 0 "json: no patient block without --show-data" json '"patient" not in j["patients"][0]'
expect 0 "json: every benefit listed" json 'len(j["patients"][0]["benefits"]) == 6'

# --- estimate: in network, 6 sessions at $650 charged, $480 allowed ---------
# Deductible left $1,250: sessions 1 and 2 pay $480 each toward it, session
# 3 the last $290 and then the $35 copay, sessions 4-6 the $35 copay:
# 480 + 480 + 325 + 35 * 3 = $1,390.00; the payer pays 2,880 - 1,390.
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650.00 --allowed 480.00 "$PA"
expect 0 "estimate in network: exit 0" has_out 'The patient pays \$1,390.00 in all'
expect 0 "session 3 splits deductible and copay" \
  has_out '^  3  *\$480.00  *\$290.00  *\$0.00  *\$35.00  *\$0.00  *\$0.00  *\$325.00  *\$155.00'
expect 0 "total row" \
  has_out '^  total  *\$2,880.00  *\$1,250.00  *\$0.00  *\$140.00  *\$0.00  *\$0.00  *\$1,390.00  *\$1,490.00'
expect 0 "assumption: prior authorization" has_out 'prior authorization'
run "$CLI" estimate --json --cpt 96365 --sessions 6 --charge 650.00 --allowed 480.00 "$PA"
expect 0 "estimate --json total" \
  json 'j["total"]["patient"] == 139000 and j["total"]["payer"] == 149000 and len(j["per_session"]) == 6'
expect 0 "estimate --json lists assumptions" json 'len(j["assumptions"]) >= 1'

# Out of network: no deductible stated for it, 30 % coinsurance of $480 =
# $144.00, plus $170.00 balance billing = $314.00 a session, $1,884.00.
run "$CLI" estimate --json --network out --cpt 96365 --sessions 6 --charge 650 --allowed 480 "$PA"
expect 0 "estimate out of network to the cent" \
  json 'j["total"]["patient"] == 188400 and j["per_session"][0]["coinsurance"] == 14400 and j["per_session"][0]["balance"] == 17000'

# --- the other fixtures ------------------------------------------------------
# Deductible left $650.50, 20 % coinsurance, out-of-pocket left $4,100.25:
# session 1 pays $480.00 toward the deductible; session 2 the last $170.50
# and 20 % of $309.50 = $61.90; sessions 3-6 20 % of $480 = $96.00 each.
# 480.00 + 232.40 + 4 * 96.00 = $1,096.40.
run "$CLI" estimate --json --cpt 96365 --service-type MH --sessions 6 --charge 650 --allowed 480 \
  "$E/271-deductible-met.x12"
expect 0 "deductible partly met: estimate to the cent" \
  json 'j["total"]["patient"] == 109640 and j["per_session"][1]["deductible"] == 17050 and j["per_session"][1]["coinsurance"] == 6190 and j["total"]["payer"] == 178360'

run "$CLI" eligibility explain --cpt 96365 --service-type MH "$E/271-procedure-not-covered.x12"
expect 0 "EB01 I on the procedure: not covered" \
  has_out 'Covered: no, from the benefit for the procedure'
expect 0 "the payer's note on the non-covered procedure" \
  has_out 'IV KETAMINE INFUSION IS NOT A COVERED BENEFIT'
run "$CLI" estimate --json --cpt 96365 --service-type MH --sessions 6 --charge 650 \
  "$E/271-procedure-not-covered.x12"
expect 0 "not covered: the patient pays every charge" \
  json 'j["total"]["patient"] == 390000 and j["total"]["not_covered"] == 390000 and j["total"]["payer"] == 0'

run "$CLI" eligibility explain "$E/271-aaa-2100c.x12"
expect 5 "AAA in 2100C: exit 5" has_out 'Rejected in loop 2100C'
expect 5 "the rejection says what to do" has_out 'What to do: '
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650 "$E/271-aaa-2100c.x12"
expect 5 "no estimate for a rejected patient" has_err 'rejected the inquiry'

run "$CLI" eligibility explain --cpt 96365 "$E/271-aaa-2110c.x12"
expect 5 "AAA on the procedure's benefit: exit 5" has_out 'Rejected in loop 2110C'
run "$CLI" eligibility explain --json --cpt 96365 "$E/271-aaa-2110c.x12"
expect 5 "json: the answer carries the procedure's rejection" \
  json 'j["patients"][0]["answers"][0]["rejections"][0]["reason"] == "E8"'
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650 "$E/271-aaa-2110c.x12"
expect 5 "no estimate when the payer could not answer for the procedure" \
  has_err 'could not answer for this procedure'

run "$CLI" eligibility explain "$E/271-two-patients.x12"
expect 0 "two patients explained" has_out 'Patient 2: subscriber, trace LKC270-1022'
expect 0 "the second plan is inactive" has_out 'Plan: inactive'
run "$CLI" estimate --cpt 96365 --sessions 6 --charge 650 "$E/271-two-patients.x12"
expect 2 "two patients: --patient needed" has_err 'choose one with --patient N'
run "$CLI" estimate --patient 3 --cpt 96365 --sessions 6 --charge 650 "$E/271-two-patients.x12"
expect 2 "no patient 3" has_err 'there is no patient 3'
run "$CLI" estimate --json --patient 2 --cpt 96365 --sessions 6 --charge 650 "$E/271-two-patients.x12"
expect 0 "inactive plan: the patient pays every charge" \
  json 'j["total"]["patient"] == 390000 and j["covered"]["source"]["rule"] == "plan_status"'

tap_done
