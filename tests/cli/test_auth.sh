#!/bin/sh
# tests/cli/test_auth.sh - x12kit auth build: 278 requests that match the
# fixtures byte for byte and that the validator accepts, inputs refused
# with messages that name the field and never show the value, usage
# errors, request files, the creation time and the control-number
# counter.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR (the maps in
# the source tree).  X12KIT_COUNTER is unset but where a test sets it.

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${X12KIT_CLI:=x12kit}"
: "${X12KIT_SCHEMA_DIR:=$X12KIT_SRCDIR/schemas}"
export X12KIT_SCHEMA_DIR
unset X12KIT_COUNTER
. "$X12KIT_SRCDIR/tests/tap.sh"

CLI=$X12KIT_CLI
FIX=$X12KIT_SRCDIR/fixtures
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

. "$X12KIT_SRCDIR/tests/cli/common.sh"

has_out() { grep -q -e "$1" "$T/out"; }
has_err() { grep -q -e "$1" "$T/err"; }
no_err() { ! grep -q -e "$1" "$T/err"; }
no_out() { test ! -s "$T/out"; }
# same_as FIXTURE: the output without its line ends is the fixture.
same_as() { tr -d '\n' <"$T/out" >"$T/flat" && cmp -s "$T/flat" "$1"; }
# valid: x12kit validate accepts the last output.
valid() { cp "$T/out" "$T/built.x12" && "$CLI" validate "$T/built.x12" >/dev/null 2>&1; }

# build ARGS...: the options of a good request, then ARGS.
build()
{
  run "$CLI" auth build --payer-id ACME01 --payer-name 'ACME HEALTH PLAN' \
    --npi 1467503219 --provider-name 'SERENITY INFUSION CLINIC' \
    --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --gender F \
    --dx F33.2 --cpt 96365 --units 6 --from 2026-12-01 --to 2026-12-31 "$@"
}

# --- help ------------------------------------------------------------------
run "$CLI" auth --help
expect 0 "auth --help" has_out 'Usage: x12kit auth build'
expect 0 "auth --help lists explain" has_out '^  explain '
expect 0 "auth --help lists build" has_out '^  build '
run "$CLI" auth build --help
expect 0 "auth build --help" has_out '--attachment TYPE:CONTROL'
expect 0 "auth build --help tells --created" has_out '--created YYYY-MM-DDTHH:MM'
expect 0 "auth build --help tells --counter" has_out '--counter FILE'
expect 0 "auth build --help tells \$X12KIT_COUNTER" has_out 'X12KIT_COUNTER'
run "$CLI" help auth
expect 0 "help auth" has_out '--member-id ID'
run "$CLI" --help
expect 0 "x12kit --help lists auth" has_out '^  auth '

# --- usage errors ----------------------------------------------------------
run "$CLI" auth
expect 2 "auth without a subcommand" has_err 'missing subcommand'
run "$CLI" auth send
expect 2 "auth send is unknown" has_err 'unknown subcommand'
build --bogus
expect 2 "auth build --bogus" has_err 'unknown option'
build --npi
expect 2 "an option without its value" has_err 'unknown or incomplete option'
build extra.x12
expect 2 "an operand" has_err 'too many arguments'
build --control 0
expect 2 "--control 0" has_err 'control'
build --control 12x
expect 2 "--control 12x" has_err 'control'
build --control 1000000000
expect 2 "--control of 10 digits" has_err '\-\-control must be a number from 1 to 999999999'
for opt in payer-id payer-name npi member-id last first dob from; do
  # the good options without --OPT
  set -- --payer-id ACME01 --payer-name ACME --npi 1467503219 --provider-name CLINIC \
    --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --dx F33.2 \
    --cpt 96365 --units 6 --from 2026-12-01
  args=
  skip=
  for a in "$@"; do
    if [ -n "$skip" ]; then skip=; continue; fi
    if [ "$a" = "--$opt" ]; then skip=1; continue; fi
    args="$args '$a'"
  done
  eval "run \"\$CLI\" auth build $args"
  expect 2 "missing --$opt" has_err "missing --$opt"
done
run "$CLI" auth build --payer-id ACME01 --payer-name ACME --npi 1467503219 \
  --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --dx F33.2 \
  --cpt 96365 --units 6 --from 2026-12-01
expect 2 "missing --provider-name" has_err 'missing --provider-name or --provider-last'
run "$CLI" auth build --payer-id ACME01 --payer-name ACME --npi 1467503219 --provider-name C \
  --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 \
  --cpt 96365 --units 6 --from 2026-12-01
expect 2 "missing --dx" has_err 'missing --dx'
run "$CLI" auth build --payer-id ACME01 --payer-name ACME --npi 1467503219 --provider-name C \
  --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --dx F33.2 \
  --units 6 --from 2026-12-01
expect 2 "missing --cpt" has_err 'missing --cpt'
run "$CLI" auth build --payer-id ACME01 --payer-name ACME --npi 1467503219 --provider-name C \
  --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --dx F33.2 \
  --cpt 96365 --from 2026-12-01
expect 2 "missing --units" has_err 'missing --units'
build --visits 2 --per fortnight
expect 2 "--per fortnight" has_err '--per must be'
build --visits 2 --weeks 3 --months 1
expect 2 "two periods" has_err 'one of --days'
build --per week
expect 2 "--per without --visits" has_err 'need --visits'
run "$CLI" auth build --cpt-description KETAMINE --payer-id ACME01
expect 2 "--cpt-description before any --cpt" has_err 'give --cpt first'
build --cpt J3490 --cpt-description KETAMINE --cpt-description KETAMINE
expect 2 "two descriptions for one --cpt" has_err 'one --cpt-description per --cpt'
build --cpt 96366 --cpt J3490 --units 6
expect 2 "two --units for three --cpt" has_err 'give --units once for every line, or once per --cpt'
build --charge 100 --charge 200
expect 2 "two --charge for one --cpt" has_err 'give --charge once'
build --attachment OB
expect 2 "--attachment without a control number" has_err 'TYPE:CONTROL'
build --dx F320 --dx F321 --dx F322 --dx F323 --dx F324 --dx F325 --dx F330 --dx F331 \
  --dx F333 --dx F338 --dx F339 --dx G894
expect 2 "13 --dx" has_err 'at most 12 --dx'
set --
i=0
while [ $i -lt 11 ]; do set -- "$@" --attachment "09:DOC$i"; i=$((i + 1)); done
build "$@"
expect 2 "11 --attachment" has_err 'at most 10 --attachment'
expect 2 "a usage error writes nothing" no_out

# --- refused inputs: exit 1, the field named, the value not shown ---------
build --npi 1467503218
expect 1 "bad NPI check digit" has_err '^x12kit: provider NPI check digit'
expect 1 "the message does not show the NPI" no_err '146750321'
expect 1 "nothing is written" no_out
build --member-id 'XKM*4008'
expect 1 "member ID with *" has_err 'member ID'
expect 1 "the message does not show the member ID" no_err 'XKM'
build --last 'DOE~SMITH'
expect 1 "last name with ~" has_err 'subscriber last name'
expect 1 "the message does not show the name" no_err 'SMITH'
build --dx f33.2
expect 1 "lower-case diagnosis" has_err 'diagnosis 2 must be an ICD-10-CM code'
expect 1 "the message does not show the diagnosis" no_err 'f33'
build --dx F332
expect 1 "the same diagnosis twice" has_err 'diagnosis 2 repeats diagnosis 1'
build --from 2026-02-30
expect 1 "February 30" has_err 'start date is not a real date'
build --to 2026-11-30
expect 1 "end before start" has_err 'end date is before the start date'
build --dob 2027-01-01
expect 1 "born after the start" has_err 'subscriber date of birth is after'
build --cpt 96366 --units 0
expect 1 "0 units" has_err 'service line 2 units'
build --cpt 9636 --units 6
expect 1 "procedure 9636" has_err 'service line 2 procedure'
expect 1 "the message does not show the code" no_err '9636'
build --cpt 96366:ABC --units 6
expect 1 "modifier ABC" has_err 'service line 2 procedure modifier 1'
build --service-type ZZ
expect 1 "service type ZZ" has_err 'service type (UM03) is not a code'
build --place 1A
expect 1 "place 1A" has_err 'place of service'
build --category XX
expect 1 "category XX" has_err 'request category (UM01)'
build --attachment ZZ:DOC1
expect 1 "attachment type ZZ" has_err 'attachment 1 type (PWK01)'
build --attachment 09:DOC1:QQ
expect 1 "transmission QQ" has_err 'attachment 1 transmission (PWK02)'
build --dependent-last DOE --dependent-first SAM --dependent-gender M
expect 1 "dependent gender without a birth date" has_err 'dependent gender needs the date of birth'
build --dependent-first SAM
expect 1 "a dependent without a last name" has_err 'dependent last name is missing'
build --contact-phone '503-555-0142'
expect 1 "phone with dashes" has_err 'contact phone'
expect 1 "the message does not show the phone" no_err '555'
build --rendering-npi 1982736451 --rendering-last RIVERA
expect 1 "rendering NPI check digit" has_err 'service provider 1 NPI'
build --rendering-npi 1982736450
expect 1 "rendering provider without a name" has_err 'service provider 1 name is missing'
build --note "$(printf '%0300d' 0)"
expect 1 "a 300-character note" has_err 'note must be 1 to 264 characters'
build --visits 0
expect 1 "0 visits" has_err 'delivery quantity (HSD02)'
build --schemas "$T/none"
expect 4 "maps that cannot be loaded: exit 4" has_err 'cannot load'

# --- the fixtures, rebuilt from options ------------------------------------
run "$CLI" auth build --payer-id CVHP01 --payer-name 'CEDAR VALLEY HEALTH PLAN' \
  --npi 1582037465 --provider-name 'NORTHWIND INFUSION CLINIC' \
  --contact-name 'AUTHORIZATION DESK' --contact-phone 6125550188 \
  --member-id CVK300418826 --last LINDQVIST --first SAM --dob 1988-06-22 --gender M \
  --service-type MH --place 11 --from 2026-12-07 --to 2026-12-31 --dx F33.2 \
  --visits 2 --per week --weeks 3 --attachment 09:NWIPA0042 \
  --rendering-last OKAFOR --rendering-first PRIYA --rendering-npi 1930475821 \
  --rendering-taxonomy 2084P0800X \
  --cpt 96365 --cpt 96366 --cpt J3490 --cpt-description 'KETAMINE HYDROCHLORIDE INJ' \
  --units 6 --reference NWI278-0001 --trace-entity 9876543210 \
  --sender NORTHWINDINF --receiver CEDARVALLEYHP --control 202 --created 2026-11-20T10:30
expect 0 "the infusion series is valid/278-request-infusions.x12" \
  same_as "$FIX/valid/278-request-infusions.x12"
expect 0 "one segment per line" has_out '^HSD\*VS\*2\*WK\*\*35\*3~$'
expect 0 "x12kit validate accepts it" valid

run "$CLI" auth build --payer-id BWHP01 --payer-name 'BIRCHWOOD HEALTH PLAN' \
  --npi 1743920682 --provider-name 'LAKESIDE MENTAL HEALTH CLINIC' \
  --provider-address '410 HARBOR ROAD' --provider-city DULUTH --provider-state MN \
  --provider-zip 55802 --contact-name 'PRIOR AUTH TEAM' --contact-phone 2185550147 \
  --contact-fax 2185550148 --taxonomy 261QM0801X \
  --member-id BWH551902376 --last HALVORSEN --first KARI --dob 1979-03-11 --gender F \
  --dependent-last HALVORSEN --dependent-first ERIK --dependent-dob 2007-08-19 \
  --dependent-gender M --dependent-relationship 19 \
  --service-type MH --place 11 --from 2026-12-14 --to 2027-01-10 --dx F33.2 \
  --visits 2 --per week --weeks 4 \
  --attachment '09:LMHPA0107A:FX:PSYCHIATRY PROGRESS NOTES' \
  --attachment '77:LMHPA0107B:EL:PHQ-9 SCORES' \
  --attachment 'M1:LMHPA0107C::PRIOR ANTIDEPRESSANT TRIALS' \
  --rendering-last BRANDT --rendering-first LEONIE --rendering-npi 1285604371 \
  --rendering-taxonomy 2084P0800X \
  --cpt J0013 --cpt G2082 --units 448 --units 8 \
  --reference LMH278-0107 --trace-entity 9412345678 \
  --sender LAKESIDEMH --receiver BIRCHWOODHP --control 311 --created 2026-12-03T14:15
expect 0 "esketamine for a dependent is guide/278-request-esketamine.x12" \
  same_as "$FIX/guide/278-request-esketamine.x12"
expect 0 "x12kit validate accepts it" valid

run "$CLI" auth build --payer-id ACME01 --payer-name 'ACME HEALTH PLAN' --npi 1467503219 \
  --provider-name 'SERENITY INFUSION CLINIC' --contact-name 'PRIOR AUTH DESK' \
  --contact-phone 5035550142 --contact-email 'PA@SERENITY.EXAMPLE' \
  --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --gender F \
  --category HS --certification 4 --previous-auth ACME-PA-77120 --level U \
  --service-type MH --place 11 --from 2027-01-04 --to 2027-01-22 --dx F33.2 --dx F43.10 \
  --visits 6 --weeks 3 --attachment 09:KETPA0002:EL \
  --attachment 'P5:KETPA0003:FX:PHQ-9 AND GAD-7 SCORES' \
  --note 'EXTENSION, 3 OF 6 INFUSIONS GIVEN, PHQ-9 DOWN FROM 24 TO 15' \
  --rendering-last RIVERA --rendering-first MORGAN --rendering-npi 1982736450 \
  --rendering-taxonomy 2084P0800X \
  --cpt 96365:59 --cpt 96366 --cpt J3490:JZ --cpt-description 'KETAMINE HCL IV' --units 6 \
  --charge 350 --charge 120.00 --charge 45.50 --reference KET278-0002 \
  --sender SERENITYCLINIC --receiver ACMEHEALTH --control 103 --created 2026-12-30T09:05
expect 0 "an urgent extension is auth/278-request-extension.x12" \
  same_as "$FIX/auth/278-request-extension.x12"
expect 0 "principal diagnosis first, without the dot" has_out '^HI\*ABK:F332\*ABF:F4310~$'
expect 0 "x12kit validate accepts it" valid

run "$CLI" auth build --payer-id BWHP01 --payer-name 'BIRCHWOOD HEALTH PLAN' \
  --npi 1285604371 --facility --provider-name 'LAKESIDE HOSPITAL INFUSION CENTER' \
  --provider-address '900 LAKE AVENUE' --provider-address2 'BUILDING C' \
  --provider-city DULUTH --provider-state MN --provider-zip 558021234 \
  --contact-phone 2185550199 --contact-fax 2185550198 \
  --member-id BWH551902376 --last HALVORSEN --first KARI --dob 1979-03-11 --gender F \
  --dependent-last HALVORSEN --dependent-first ERIK --dependent-dob 2007-08-19 \
  --dependent-gender M --dependent-relationship 19 --service-type A4 --place 22 \
  --from 2027-02-01 --to 2027-02-26 --dx F33.2 --visits 2 --per week --weeks 4 \
  --attachment 'M1:LKH-2027-0042:BM:MEDICAL RECORD EXCERPT' \
  --rendering-name 'LAKESIDE HOSPITAL INFUSION CENTER' --rendering-npi 1285604371 \
  --cpt 96365 --cpt J3490 --cpt-description 'KETAMINE HCL' --units 8 --units 8 \
  --revenue-code 0260 --revenue-code 0636 --charge 2400 --charge 360 \
  --reference LKH278-0042 --sender LAKESIDEHOSP --receiver BIRCHWOODHP --control 4207 \
  --created 2027-01-15T16:20 --production
expect 0 "a facility, a dependent, SV2 is auth/278-request-dependent-facility.x12" \
  same_as "$FIX/auth/278-request-dependent-facility.x12"
expect 0 "x12kit validate accepts it" valid

# --- request files ---------------------------------------------------------
for f in json xml; do
  run "$CLI" auth build --request "$FIX/auth/278-request-infusions.$f"
  expect 0 "--request $f gives valid/278-request-infusions.x12" \
    same_as "$FIX/valid/278-request-infusions.x12"
done
run sh -c '"$1" auth build --request - <"$2"' sh "$CLI" "$FIX/auth/278-request-infusions.json"
expect 0 "--request - reads standard input" same_as "$FIX/valid/278-request-infusions.x12"
run "$CLI" auth build --request "$FIX/auth/278-request-infusions.json" --control 203 --production
expect 0 "options override the file" has_out '^ISA\*.*\*000000203\*1\*P\*:~$'
expect 0 "x12kit validate accepts it" valid
run "$CLI" auth build --request "$FIX/auth/278-request-infusions.xml" --cpt J3490 --units 4
expect 0 "--cpt replaces the file's lines and their descriptions" has_out '^SV1\*HC:J3490\*\*UN\*4~$'
expect 0 "one line left" test "$(grep -c '^SV1' "$T/out")" = 1
sed -e 's/"membre-id"/"x"/' -e 's/"member-id"/"membre-id"/' \
  "$FIX/auth/278-request-infusions.json" >"$T/unknown.json"
run "$CLI" auth build --request "$T/unknown.json"
expect 2 "an unknown key" has_err 'unknown key "membre-id"'
expect 2 "the message does not show the member ID" no_err 'CVK300418826'
grep -v '"dob"' "$FIX/auth/278-request-infusions.json" >"$T/nodob.json"
run "$CLI" auth build --request "$T/nodob.json"
expect 2 "a required key missing" has_err 'missing --dob (or its key in the request file)'
sed 's/"visits": 2/"visits": "two"/' "$FIX/auth/278-request-infusions.json" >"$T/type.json"
run "$CLI" auth build --request "$T/type.json"
expect 2 "a number given as a string" has_err 'visits'
sed 's/"test": true/"test": true, "production": true/' \
  "$FIX/auth/278-request-infusions.json" >"$T/both.json"
run "$CLI" auth build --request "$T/both.json"
expect 2 "test and production both true" has_err 'both true'
sed 's/"per": "week"/"per": "fortnight"/' "$FIX/auth/278-request-infusions.json" >"$T/per.json"
run "$CLI" auth build --request "$T/per.json"
expect 2 "per fortnight in the file" has_err '--per must be day, week, month or year (or its key'
sed 's/"1930475821"/"1930475822"/' "$FIX/auth/278-request-infusions.json" >"$T/npi.json"
run "$CLI" auth build --request "$T/npi.json"
expect 1 "a bad NPI in the file: exit 1" has_err 'service provider 1 NPI check digit'
expect 1 "the message does not show the NPI" no_err '193047582'
run "$CLI" auth build --request "$T/missing.json"
expect 3 "a request file that cannot be read: exit 3"
sed 's/"control": 202/"control": 0/' "$FIX/auth/278-request-infusions.json" >"$T/control0.json"
run "$CLI" auth build --request "$T/control0.json"
expect 2 "control 0 in the file: exit 2" \
  has_err 'control0.json: key "control" must be a number from 1 to 999999999'
sed 's/<created>2026-11-20T10:30</<created>20261120</' \
  "$FIX/auth/278-request-infusions.xml" >"$T/created.xml"
run "$CLI" auth build --request "$T/created.xml"
expect 2 "created in another form in the file: exit 2" \
  has_err 'created.xml: key "created" must be YYYY-MM-DDTHH:MM'
run "$CLI" auth build --request "$T/created.xml" --created 2026-11-20T10:30
expect 2 "--created does not excuse the file's bad created" has_err 'key "created"'

# --- defaults --------------------------------------------------------------
build
expect 0 "the smallest request" has_out '^SV1\*HC:96365\*\*UN\*6~$'
expect 0 "test usage and a TA1 asked by default" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'
expect 0 "ISA06 is the NPI, ISA08 the payer ID" \
  has_out '^ISA\*00\*          \*00\*          \*ZZ\*1467503219     \*ZZ\*ACME01         \*'
expect 0 "BHT03 and TRN02 default to X12KIT1" has_out '^TRN\*1\*X12KIT1\*9146750321~$'
expect 0 "UM defaults to HS and I" has_out '^UM\*HS\*I~$'
expect 0 "the requested period" has_out '^DTP\*AAH\*RD8\*20261201-20261231~$'
expect 0 "x12kit validate accepts it" valid

build --cpt 96366 --units 4 --visits 12 --months 3 --production --to 2026-12-01 \
  --note 'SEE ATTACHED' --attachment OB:DOC0001:EL --place 19 --service-type 1
expect 0 "several lines, units in order" has_out '^SV1\*HC:96366\*\*UN\*4~$'
expect 0 "12 visits in 3 months" has_out '^HSD\*VS\*12\*\*\*34\*3~$'
expect 0 "one date: D8" has_out '^DTP\*472\*D8\*20261201~$'
expect 0 "attachment OB sent electronically" has_out '^PWK\*OB\*EL\*\*\*AC\*DOC0001~$'
expect 0 "the note" has_out '^MSG\*SEE ATTACHED~$'
expect 0 "production" has_out '\*P\*:~$'
expect 0 "x12kit validate accepts it" valid

# --- --created ---------------------------------------------------------------
build --created 2026-11-20T10:15
expect 0 "--created: the creation date and time of BHT" \
  has_out '^BHT\*0007\*13\*X12KIT1\*20261120\*1015~$'
expect 0 "... of GS" has_out '^GS\*HI\*1467503219\*ACME01\*20261120\*1015\*1\*X\*005010X217~$'
expect 0 "... and of ISA" has_out '^ISA\*.*\*261120\*1015\*^\*00501\*'
build --created '2026-11-20 10:15'
expect 2 "--created in another form: exit 2" has_err '\-\-created must be YYYY-MM-DDTHH:MM (UTC)'
build --created 20261120
expect 2 "--created without its time: exit 2" has_err '\-\-created must be YYYY-MM-DDTHH:MM'
build --created 2026-13-01T12:00
expect 1 "--created in month 13: exit 1" has_err 'creation date is not a real date'
build --created 2026-11-20T24:00
expect 1 "--created at 24:00: exit 1" has_err 'creation time is not a real time of day'
build --date 20261120 --time 1030
expect 2 "--date and --time are not options of auth build" has_err 'unknown option'

# --- the control-number counter -----------------------------------------------
build --counter "$T/control"
expect 0 "--counter: the first number is 1" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'
expect 0 "the counter file holds 1" test "$(cat "$T/control")" = 1
build --counter "$T/control"
expect 0 "--counter: then 2" has_out '^ISA\*.*\*000000002\*1\*T\*:~$'
expect 0 "the group has the same number" has_out '^GS\*HI\*.*\*2\*X\*005010X217~$'
expect 0 "the default reference has it too" has_out '^TRN\*1\*X12KIT2\*9146750321~$'
run "$CLI" auth build --request "$FIX/auth/278-request-infusions.json" --counter "$T/control"
expect 0 "--counter over the file's control: then 3" has_out '^ISA\*.*\*000000003\*1\*T\*:~$'
X12KIT_COUNTER=$T/control; export X12KIT_COUNTER
build
expect 0 "\$X12KIT_COUNTER: then 4" has_out '^ISA\*.*\*000000004\*1\*T\*:~$'
build --control 9
expect 0 "--control over \$X12KIT_COUNTER" has_out '^ISA\*.*\*000000009\*1\*T\*:~$'
run "$CLI" auth build --request "$FIX/auth/278-request-infusions.json"
expect 0 "the file's control over \$X12KIT_COUNTER" has_out '^ISA\*.*\*000000202\*1\*T\*:~$'
unset X12KIT_COUNTER
expect 0 "the counter file holds the last number used" test "$(cat "$T/control")" = 4
build --counter "$T/control" --npi 1467503218
expect 1 "an invalid request is refused" has_err 'provider NPI check digit'
expect 1 "an invalid request takes no number" test "$(cat "$T/control")" = 4
X12KIT_COUNTER=$T/control; export X12KIT_COUNTER
build --dx F332
expect 1 "an invalid request with \$X12KIT_COUNTER" has_err 'diagnosis 2 repeats'
unset X12KIT_COUNTER
expect 1 "takes no number either" test "$(cat "$T/control")" = 4
build --counter "$T/control" --per week
expect 2 "a usage error takes no number" test "$(cat "$T/control")" = 4
build --counter "$T/control" --control 5
expect 2 "--counter with --control: exit 2" has_err 'give --control or --counter, not both'
build --control 5 --counter "$T/control"
expect 2 "--control with --counter: exit 2" has_err 'not both'
echo 999999999 >"$T/control"
build --counter "$T/control"
expect 0 "after 999999999 comes 1" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'
echo 'twelve' >"$T/control"
build --counter "$T/control"
expect 1 "a corrupt counter file: exit 1" has_err 'does not hold one number'
expect 1 "nothing is written" no_out
expect 1 "the corrupt file is left as it is" test "$(cat "$T/control")" = twelve
build --counter "$T/no/such/dir/control"
expect 3 "a counter in a directory that does not exist: exit 3" has_err 'lock file'

tap_done
