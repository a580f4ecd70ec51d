#!/bin/sh
# Tests of x12kit auth appeal, revise, extend, cancel and checklist, and
# of the chain auth status shows: built from the decision fixtures, then
# end to end against the simulator over TLS (a denial appealed and
# overturned).
: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES
R=$F/auth-responses
ENV="--control 104 --created 2026-12-20T09:00"

# seg FILE PATTERN: the segments of FILE (one a line) that match PATTERN.
seg() { tr '~' '\n' <"$1" | grep -e "$2"; }

valid() { "$CLI" validate "$1" >/dev/null 2>&1; }

# ---- appeal of a denial (A3): no certification number, so REF NT ----
run "$CLI" auth appeal --response "$R/a3-not-certified.x12" --attachment lmn:LMN0001 \
  --note "FAILED SERTRALINE, BUPROPION AND 12 WEEKS OF CBT" $ENV
cp "$T/out" "$T/appeal-a3.x12"
expect 0 "appeal of a denial (A3) is built" valid "$T/appeal-a3.x12"
tap_check "A3 appeal: UM02 2 (standard) in 2000E and in the line" \
  test "$(seg "$T/appeal-a3.x12" '^UM\*' | sort -u)" = "UM*HS*2*MH*11:B"
tap_check "A3 appeal cites the review by the payer's reference (REF NT)" \
  test "$(seg "$T/appeal-a3.x12" '^REF\*')" = "REF*NT*HVR-558144"
tap_check "A3 appeal: the letter of medical necessity as PWK 03 by fax" \
  test "$(seg "$T/appeal-a3.x12" '^PWK\*')" = "PWK*03*FX***AC*LMN0001*LETTER OF MEDICAL NECESSITY"
tap_check "A3 appeal: the justification in MSG" \
  test "$(seg "$T/appeal-a3.x12" '^MSG\*')" = "MSG*FAILED SERTRALINE, BUPROPION AND 12 WEEKS OF CBT"
tap_check "A3 appeal: the denied line repeated with its units and dates" \
  test "$(seg "$T/appeal-a3.x12" '^SV1\*\|^DTP\*' | tr '\n' ' ')" = \
    "DTP*AAH*RD8*20270104-20270129 DTP*472*RD8*20270104-20270129 SV1*HC:96365**UN*8 "
tap_check "A3 appeal: the rendering provider repeated (2010EA)" \
  test "$(seg "$T/appeal-a3.x12" '^NM1\*SJ')" = "NM1*SJ*1*VASQUEZ-OLIN*TOMAS****XX*1635482908"
tap_check "A3 appeal: payer, requester and subscriber from the decision" \
  test "$(seg "$T/appeal-a3.x12" '^NM1\*X3\|^NM1\*1P\|^NM1\*IL' | tr '\n' ' ')" = \
    "NM1*X3*2*HARBORVIEW HEALTH PLAN*****PI*HVHP01 NM1*1P*2*STILLWATER KETAMINE CLINIC*****XX*1728394051 NM1*IL*1*QUILLFEATHER*JUNO****MI*HVH720193384 "

run "$CLI" auth appeal --response "$R/a3-not-certified.x12" --immediate $ENV
cp "$T/out" "$T/appeal-imm.x12"
expect 0 "an immediate appeal is built" valid "$T/appeal-imm.x12"
tap_check "--immediate is UM02 1" \
  test "$(seg "$T/appeal-imm.x12" '^UM\*' | sort -u)" = "UM*HS*1*MH*11:B"

# ---- appeal of a modification (A6) and of a partial approval (A2): REF BB ----
run "$CLI" auth appeal --response "$R/a6-modified.x12" --attachment lmn:LMN0002:EL $ENV
cp "$T/out" "$T/appeal-a6.x12"
expect 0 "appeal of a modification (A6) is built" valid "$T/appeal-a6.x12"
tap_check "A6 appeal cites the certification number (REF BB)" \
  test "$(seg "$T/appeal-a6.x12" '^REF\*')" = "REF*BB*HV2612140702"
tap_check "A6 appeal: both modified lines, transmission EL" \
  test "$(seg "$T/appeal-a6.x12" '^SV1\*\|^PWK' | tr '\n' ' ')" = \
    "PWK*03*EL***AC*LMN0002*LETTER OF MEDICAL NECESSITY SV1*HC:96365**UN*8 SV1*HC:96366**UN*8 "

run "$CLI" auth appeal --response "$R/a2-partial.x12" --units 8 $ENV
cp "$T/out" "$T/appeal-a2.x12"
expect 0 "appeal of a partial approval (A2) is built" valid "$T/appeal-a2.x12"
tap_check "A2 appeal: REF BB and the first quantity asked again (--units 8)" \
  test "$(seg "$T/appeal-a2.x12" '^REF\*\|^SV1\*' | tr '\n' ' ')" = \
    "REF*BB*HV2612140533 SV1*HC:96365**UN*8 SV1*HC:J3490:::::KETAMINE HCL IV**UN*8 "

# ---- revision, extension of an approval (A1); cancellation of a pended request ----
run "$CLI" auth revise --response "$R/a1-certified.x12" --units 6 $ENV
cp "$T/out" "$T/revise.x12"
expect 0 "revision of an approval is built" valid "$T/revise.x12"
tap_check "revision: UM02 S, REF BB, the new units" \
  test "$(seg "$T/revise.x12" '^UM\*HS\|^REF\*\|^SV1\*' | sort -u | tr '\n' ' ')" = \
    "REF*BB*HV2612140417 SV1*HC:96365**UN*6 SV1*HC:J3490:::::KETAMINE HCL IV**UN*6 UM*HS*S*MH*11:B "

run "$CLI" auth extend --response "$R/a1-certified.x12" --to 2027-02-26 $ENV
cp "$T/out" "$T/extend.x12"
expect 0 "extension of an approval is built" valid "$T/extend.x12"
tap_check "extension: UM02 4 and the longer period" \
  test "$(seg "$T/extend.x12" '^UM\*HS\|^DTP\*' | sort -u | tr '\n' ' ')" = \
    "DTP*472*RD8*20270104-20270226 DTP*AAH*RD8*20270104-20270226 UM*HS*4*MH*11:B "

run "$CLI" auth cancel --response "$R/a4-pended.x12" $ENV
cp "$T/out" "$T/cancel.x12"
expect 0 "cancellation of a pended request is built" valid "$T/cancel.x12"
tap_check "cancellation: UM02 3, REF NT, the dependent and every line" \
  test "$(seg "$T/cancel.x12" '^UM\*HS\|^REF\*\|^SV1\*\|^NM1\*QC' | sort -u | tr '\n' ' ')" = \
    "NM1*QC*1*QUILLFEATHER*RORY REF*NT*HVR-558203 SV1*HC:G2082**UN*14 SV1*HC:J0013**UN*784 UM*HS*3*MH*11:B "

# ---- what is refused, with a message for the clinic ----
run "$CLI" auth appeal --response "$R/a1-certified.x12" $ENV
expect 1 "nothing to appeal in a certification" \
  has_err "denied or cut back nothing"
run "$CLI" auth appeal --response "$R/a4-pended.x12" $ENV
expect 1 "a pended request cannot be appealed yet" grep -q 'not decided the request yet' "$T/err"
run "$CLI" auth revise --response "$R/a3-not-certified.x12" --units 2 $ENV
expect 1 "a denial cannot be revised: the message says to appeal" grep -q 'appeal it instead' "$T/err"
run "$CLI" auth revise --response "$R/a1-certified.x12" $ENV
expect 2 "a revision without a change is a usage error"
run "$CLI" auth cancel --response "$R/a4-pended.x12" --units 3 $ENV
expect 2 "cancel takes no --units"
run "$CLI" auth appeal --response "$R/aaa-2010c.x12" $ENV
expect 1 "a rejected request is not appealed: correct and resend" grep -q 'rejected' "$T/err"
run "$CLI" auth appeal --response "$R/a3-not-certified.x12" --attachment lmn $ENV
expect 2 "an attachment without a control number is a usage error"
run "$CLI" auth appeal --response "$F/valid/278-request-infusions.x12" $ENV
tap_check "a request is not a decision (exit 1, no crash)" test "$rc" = 1
run "$CLI" auth appeal --response "$R/a3-not-certified.x12" --member-id X $ENV
expect 1 "a bad override is refused without its value" no_err 'X12KIT\|QUILLFEATHER'
tap_check "no patient name in any refusal" sh -c "! grep -q 'QUILLFEATHER\|JUNO' '$T/err'"

# ---- checklist ----
run "$CLI" auth checklist --response "$R/a3-not-certified.x12" --today 2026-12-20
expect 0 "checklist of a denial" has_out 'deadline 2027-06-12 - 174 days left'
tap_check "checklist: HCR03 0U is not known to x12kit, said so" \
  grep -q 'decision reason 0U (not known to x12kit)' "$T/out"
tap_check "checklist: the payer's note is the reason in words" \
  grep -q "payer's note: NOT MEDICALLY NECESSARY" "$T/out"
tap_check "checklist: letter of medical necessity and failed trials" \
  sh -c "grep -q '(lmn, PWK01 03)' '$T/out' && grep -q 'failed antidepressant trials' '$T/out'"
tap_check "checklist: peer-to-peer not stated, ask the payer" \
  grep -q 'Peer-to-peer review: not stated' "$T/out"
tap_check "checklist: no patient data" sh -c "! grep -q 'QUILLFEATHER\|HVH720193384' '$T/out'"

run "$CLI" auth checklist --response "$R/a3-not-certified.x12" --decided 2026-07-20 \
  --window 180 --today 2027-01-10 --json
expect 0 "checklist across a year boundary (JSON)" \
  json 'j["deadline"] == "2027-01-16" and j["days_left"] == 6 and j["decided_from"] == "given"'
run "$CLI" auth checklist --response "$R/a3-not-certified.x12" --decided 2026-07-20 \
  --window 180 --today 2027-01-20
expect 0 "an appeal deadline passed is overdue" has_out 'OVERDUE by 4 days'

printf '# appeal windows\ndefault = 90\nHVHP01 = 60\n' >"$T/windows"
run "$CLI" auth checklist --response "$R/a6-modified.x12" --window-file "$T/windows" --json
expect 0 "the window file's entry for the payer" \
  json 'j["window_days"] == 60 and j["decided"] == "2026-12-14" and j["deadline"] == "2027-02-12"'
printf 'HVHP01 sixty\n' >"$T/bad-windows"
run "$CLI" auth checklist --response "$R/a6-modified.x12" --window-file "$T/bad-windows"
expect 1 "a malformed window file names its line" has_err ':1: appeal window file'
run "$CLI" auth checklist --response "$R/a1-certified.x12" --json
expect 0 "a certification: nothing to appeal" json 'j["appealable"] is False'
run "$CLI" auth checklist --response "$R/a1-certified.x12" --json --today 2026-12-20
expect 0 "decision date from DTP 102" json 'j["decided_from"] == "DTP 102"'

# ---- the chain in auth status, from fixtures: request, denial, appeal, certification ----
DB0=$T/chain.db
"$CLI" auth build --payer-id HVHP01 --payer-name "HARBORVIEW HEALTH PLAN" \
  --npi 1728394051 --provider-name "STILLWATER KETAMINE CLINIC" \
  --member-id HVH720193384 --last QUILLFEATHER --first JUNO --dob 1984-03-09 \
  --dx F33.2 --cpt 96365 --units 8 --from 2027-01-04 --to 2027-01-29 --service-type MH \
  --place 11 --reference SKC278-1003 --control 803 --created 2026-12-13T16:00 \
  >"$T/orig.x12" 2>/dev/null
run "$CLI" auth track --db "$DB0" "$T/orig.x12" "$R/a3-not-certified.x12"
expect 0 "the first request and its denial are tracked"
run "$CLI" auth status --db "$DB0" --today 2027-06-01
expect 0 "a denial not appealed shows its deadline coming due" \
  has_out 'appeal deadline 2027-06-12: DUE SOON, 11 days left'
run "$CLI" auth status --db "$DB0" --today 2027-06-20 --window 200
expect 0 "--window moves the deadline" has_out 'appeal deadline 2027-07-02: DUE SOON, 12 days left'
run "$CLI" auth status --db "$DB0" --today 2027-06-20
expect 0 "a deadline passed is overdue" has_out 'appeal deadline 2027-06-12: OVERDUE by 8 days'
run "$CLI" auth appeal --response "$R/a3-not-certified.x12" --attachment lmn:LMN0003 \
  --note "THREE FAILED ANTIDEPRESSANT TRIALS" --reference SKC278-1003A --control 805 \
  --created 2026-12-16T09:00
cp "$T/out" "$T/chain-appeal.x12"
run "$CLI" auth track --db "$DB0" "$T/chain-appeal.x12" "$F/appeals/a3-appeal-certified.x12"
expect 0 "the appeal and its certification are tracked"
run "$CLI" auth status --db "$DB0" --today 2026-12-22
expect 0 "auth status shows request, denied, appeal, certified" \
  has_out 'chain: SKC278-1003 (not certified) -> appeal SKC278-1003A (certified)'
tap_check "the appeal names the request it follows" grep -q '^  appeal of SKC278-1003$' "$T/out"
tap_check "no deadline once the denial is appealed" sh -c "! grep -q 'appeal deadline' '$T/out'"
run "$CLI" auth status --db "$DB0" --json --today 2026-12-22
expect 0 "auth status JSON: kind and follows" \
  json '[(r["kind"], r["follows"]) for r in j["requests"]] == [("request", None), ("appeal", "SKC278-1003")]'

# ---- end to end: denied, appealed with a letter, overturned ----
if ! command -v openssl >/dev/null 2>&1; then
  tap_skip "end to end appeal against the simulator" "openssl not found"
  tap_done
  exit
fi
if ! grep -q -i 'appeal' "$X12KIT_SRCDIR/src/cli/serve.c" 2>/dev/null; then
  tap_skip "end to end appeal against the simulator" "the simulator has no appeal rule yet"
  tap_done
  exit
fi

trap 'stop_all; rm -rf "$T"' EXIT
sim_certs
sim_start serve
if [ -z "$PORT" ]; then
  tap_not_ok "the simulator starts"
  tap_done
  exit
fi
CONN="--endpoint https://127.0.0.1:$PORT/core --ca $T/ca.pem --sender NORTHWINDINF --receiver CEDARVALLEYHP"
DB=$T/auth.db

# a request the rules deny (a procedure no rule certifies)
"$CLI" auth build --payer-id CVHP01 --payer-name "CEDAR VALLEY HEALTH PLAN" \
  --npi 1582037465 --provider-name "NORTHWIND INFUSION CLINIC" \
  --member-id CVK300418826 --last LINDQVIST --first SAM --dob 1988-06-22 --gender M \
  --dx F33.2 --cpt 90837 --units 6 --from 2027-01-04 --to 2027-01-29 --service-type MH \
  --place 11 --sender NORTHWINDINF --receiver CEDARVALLEYHP --reference NWI278-0901 \
  --control 901 --created 2026-12-14T10:00 >"$T/req.x12" 2>"$T/build.err"
# shellcheck disable=SC2086
"$CLI" send $CONN "$T/req.x12" >"$T/resp.x12" 2>"$T/send1.err"
run "$CLI" auth track --db "$DB" "$T/req.x12" "$T/resp.x12"
expect 0 "the request and its denial are tracked" has_out 'not certified'

# The denial names the review by the payer's reference (REF NT): the
# appeal cites it and the tracker links the two by it.
tap_check "the simulator's denial carries its review reference (REF NT)" \
  sh -c "tr '~' '\\n' <'$T/resp.x12' | grep -q '^REF\\*NT\\*'"
run "$CLI" auth appeal --response "$T/resp.x12" --attachment lmn:NWI-LMN-0901 \
  --note "TWO FAILED SSRI TRIALS AND 16 WEEKS OF CBT; PHQ-9 22" --dx F33.2 \
  --reference NWI278-0902 --control 902 --created 2026-12-16T09:00 --sender NORTHWINDINF \
  --receiver CEDARVALLEYHP
cp "$T/out" "$T/appeal.x12"
expect 0 "the appeal is built from the simulator's denial" valid "$T/appeal.x12"
# shellcheck disable=SC2086
"$CLI" send $CONN "$T/appeal.x12" >"$T/appeal-resp.x12" 2>"$T/send2.err"
run "$CLI" auth explain "$T/appeal-resp.x12"
expect 0 "the simulator overturns the appeal (certified)"
run "$CLI" auth track --db "$DB" "$T/appeal.x12" "$T/appeal-resp.x12"
expect 0 "the appeal and its decision are tracked"
run "$CLI" auth status --db "$DB" --today 2026-12-20
expect 0 "auth status shows the chain request, denied, appeal, certified" \
  has_out 'chain: NWI278-0901 (not certified) -> appeal NWI278-0902 (certified)'
tap_check "the appeal says which request it follows" grep -q '^  appeal of NWI278-0901' "$T/out"
tap_check "no appeal deadline once appealed" sh -c "! grep -q 'appeal deadline' '$T/out'"
run "$CLI" auth status --db "$DB" --json --today 2026-12-20
expect 0 "auth status JSON links the appeal" \
  json '[r["follows"] for r in j["requests"]] == [None, "NWI278-0901"] and j["requests"][1]["kind"] == "appeal"'

tap_done
