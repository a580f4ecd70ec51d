#!/bin/sh
# tests/cli/test_eligibility.sh - x12kit eligibility build: a 270 that
# the validator accepts (one subscriber, a dependent, several patients
# from a request file), inputs refused with messages that name the
# field and never show the value, request files in JSON and XML that
# give the same bytes as the options, the control-number counter, usage
# errors.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR (the maps in
# the source tree).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${X12KIT_CLI:=x12kit}"
: "${X12KIT_SCHEMA_DIR:=$X12KIT_SRCDIR/schemas}"
export X12KIT_SCHEMA_DIR
unset X12KIT_COUNTER
. "$X12KIT_SRCDIR/tests/tap.sh"

CLI=$X12KIT_CLI
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

. "$X12KIT_SRCDIR/tests/cli/common.sh"

has_out() { grep -q -e "$1" "$T/out"; }
has_err() { grep -q -e "$1" "$T/err"; }
no_err() { ! grep -q -e "$1" "$T/err"; }

# build ARGS...: the options of a good request, then ARGS.
build()
{
  run "$CLI" eligibility build --payer-id ACME01 --payer-name 'ACME HEALTH PLAN' \
    --npi 1467503219 --provider-name 'SERENITY INFUSION CLINIC' \
    --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --gender F \
    --date 2026-12-01 "$@"
}

# --- usage -----------------------------------------------------------------
run "$CLI" eligibility --help
expect 0 "eligibility --help" has_out 'Usage: x12kit eligibility build'
run "$CLI" eligibility build --help
expect 0 "eligibility build --help" has_out '--service-type STC'
run "$CLI" help eligibility
expect 0 "help eligibility" has_out '--member-id ID'
run "$CLI" --help
expect 0 "x12kit --help lists eligibility" has_out '^  eligibility '
run "$CLI" eligibility
expect 2 "eligibility without a subcommand" has_err 'missing subcommand'
run "$CLI" eligibility send
expect 2 "eligibility send is unknown" has_err 'unknown subcommand'
build --bogus
expect 2 "eligibility build --bogus" has_err 'unknown option'
build --control 0
expect 2 "--control 0 is a usage error" has_err 'control'

# --- a 270 the validator accepts -------------------------------------------
build --cpt 96365 --cpt 96366 --service-type MH --control 42 --sender SERENITYCLINIC \
  --receiver ACMEHEALTH
expect 0 "build a 270 for 96365 and 96366 with MH" has_out '^EQ\*\*HC:96366~$'
cp "$T/out" "$T/270.x12"
expect 0 "one EQ for MH" has_out '^EQ\*MH~$'
expect 0 "one EQ for 96365" has_out '^EQ\*\*HC:96365~$'
expect 0 "test usage by default" has_out '^ISA\*.*\*000000042\*1\*T\*:~$'
expect 0 "ISA06 from --sender" has_out '^ISA\*00\*          \*00\*          \*ZZ\*SERENITYCLINIC \*ZZ\*ACMEHEALTH     \*'
expect 0 "SE counts 15 segments" has_out '^SE\*15\*0001~$'
run "$CLI" validate "$T/270.x12"
expect 0 "x12kit validate accepts the 270"

build --cpt 96365:59 --date-end 2026-12-31 --production
cp "$T/out" "$T/270b.x12"
expect 0 "a modifier, a date range, production" has_out '^DTP\*291\*RD8\*20261201-20261231~$'
run "$CLI" validate "$T/270b.x12"
expect 0 "x12kit validate accepts it"

run "$CLI" eligibility build --payer-id ACME01 --payer-name ACME --npi 1467503219 \
  --provider-last RIVERA --provider-first JORDAN --member-id XKM400812345 --last DOE --first ALEX
cp "$T/out" "$T/270c.x12"
expect 0 "a person as provider, no dates: EQ*30" has_out '^EQ\*30~$'
run "$CLI" validate "$T/270c.x12"
expect 0 "x12kit validate accepts it"

# --- refused inputs --------------------------------------------------------
build --npi 1467503218
expect 1 "bad NPI check digit: exit 1" has_err '^x12kit: .*NPI'
expect 1 "the message does not show the NPI" no_err '146750321'
expect 1 "nothing is written" test ! -s "$T/out"
build --npi 146750321
expect 1 "9-digit NPI: exit 1" has_err 'NPI'
build --date 2026-02-30
expect 1 "2026-02-30: exit 1" has_err 'service date'
build --dob 2027-01-01
expect 1 "DOB after the service date" has_err 'date of birth is after'
build --member-id 'XKM*4008'
expect 1 "member ID with *" has_err 'member ID'
expect 1 "the message does not show the member ID" no_err 'XKM'
build --service-type ZZ
expect 1 "unknown service type ZZ" has_err 'service type 1'
build --cpt 9636
expect 1 "procedure 9636" has_err 'procedure 1'
build --cpt 96365:ABC
expect 1 "modifier ABC" has_err 'modifier'
run "$CLI" eligibility build --payer-id ACME01 --payer-name ACME --npi 1467503219 \
  --provider-name CLINIC --last DOE --first ALEX
rc_missing=$rc
if [ "$rc_missing" = 2 ] || [ "$rc_missing" = 1 ]; then rc_want=$rc_missing; else rc_want=2; fi
expect "$rc_want" "missing --member-id: exit 1 or 2" has_err 'missing --member-id'
build --schemas "$T/none"
expect 4 "maps that cannot be loaded: exit 4" has_err 'cannot load'

# --- eligibility explain is handed over ------------------------------------
run "$CLI" eligibility --help
expect 0 "eligibility --help lists explain" has_out 'x12kit eligibility explain'
run "$CLI" eligibility explain --help
expect 0 "eligibility explain --help is explain's help" has_out 'eligibility explain'

# --- the control number without --control, --counter or a file: 1 ----------
build
expect 0 "control number 1 by default" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'

# --- a dependent -------------------------------------------------------------
build --dependent-last DOE --dependent-first RIO --dependent-dob 2012-09-15 \
  --dependent-gender M --dependent-relationship 19 --cpt 96365 --created 2026-11-20T10:15
cp "$T/out" "$T/dep.x12"
expect 0 "a dependent: the subscriber's HL04 is 1" has_out '^HL\*3\*2\*22\*1~$'
expect 0 "the dependent's HL under the subscriber's" has_out '^HL\*4\*3\*23\*0~$'
expect 0 "the dependent's name" has_out '^NM1\*03\*1\*DOE\*RIO~$'
expect 0 "the dependent's birth date and gender" has_out '^DMG\*D8\*20120915\*M~$'
expect 0 "the dependent's relationship" has_out '^INS\*N\*19~$'
expect 0 "the creation date and time of --created" has_out '^BHT\*0022\*13\*X12KIT1\*20261120\*1015~$'
# the subscriber's 2000C has no TRN, DTP or EQ: they follow the dependent's HL
sed -n '/^HL\*3\*/,/^HL\*4\*/p' "$T/dep.x12" >"$T/2000c"
expect 0 "no TRN, DTP or EQ in the subscriber's loop" test "$(grep -c -e '^TRN' -e '^DTP' -e '^EQ' "$T/2000c")" = 0
sed -n '/^HL\*4\*/,$p' "$T/dep.x12" >"$T/2000d"
expect 0 "TRN, DTP and EQ in the dependent's loop" test "$(grep -c -e '^TRN' -e '^DTP' -e '^EQ' "$T/2000d")" = 3
run "$CLI" validate "$T/dep.x12"
expect 0 "x12kit validate accepts the dependent's 270"

build --dependent-last DOE
expect 1 "a dependent without a first name" has_err 'dependent first name is missing'
build --dependent-last DOE --dependent-first RIO --dependent-dob 2027-03-01
expect 1 "a dependent born after the service date" has_err 'dependent date of birth is after'
expect 1 "the message does not show the date" no_err '2027'
build --dependent-last DOE --dependent-first RIO --dependent-relationship 18
expect 1 "relationship 18 is not one of a dependent" has_err 'dependent relationship must be'
build --dependent-last 'DO*E' --dependent-first RIO
expect 1 "a delimiter in the dependent's name" has_err 'dependent last name contains a delimiter'
expect 1 "the message does not show the name" no_err 'DO\*E'

# --- request files -------------------------------------------------------------
REQ=$X12KIT_SRCDIR/fixtures/requests
# the options that say what fixtures/requests/eligibility.json says
# (CPT: the --cpt options, default the file's two codes)
same_options()
{
  run "$CLI" eligibility build --payer-id ACME01 --payer-name 'ACME HEALTH PLAN' \
    --npi 1467503219 --provider-name 'SERENITY INFUSION CLINIC' \
    --member-id XKM400812345 --last DOE --first ALEX --dob 1985-02-14 --gender F \
    --date 2026-12-01 --service-type MH ${CPT:---cpt 96365 --cpt 96366:59} \
    --sender SERENITYCLINIC --receiver ACMEHEALTH --control 42 \
    --created 2026-11-20T10:15 --test "$@"
}
same_options
expect 0 "the request on the command line"
cp "$T/out" "$T/options.x12"
run "$CLI" eligibility build --request "$REQ/eligibility.json"
expect 0 "--request JSON gives the same bytes as the options" cmp -s "$T/out" "$T/options.x12"
run "$CLI" eligibility build --request "$REQ/eligibility.xml"
expect 0 "--request XML gives the same bytes as the options" cmp -s "$T/out" "$T/options.x12"
run "$CLI" validate "$T/options.x12"
expect 0 "x12kit validate accepts it"
run "$CLI" eligibility build --request - <"$REQ/eligibility.json"
expect 0 "--request - reads standard input" cmp -s "$T/out" "$T/options.x12"

# options override the file, lists as a whole
CPT='--cpt 96372'
same_options --control 77 --production
unset CPT
cp "$T/out" "$T/over-options.x12"
run "$CLI" eligibility build --request "$REQ/eligibility.json" --control 77 --cpt 96372 --production
expect 0 "options override the file" cmp -s "$T/out" "$T/over-options.x12"
expect 0 "--control over the file's control" has_out '^ISA\*.*\*000000077\*1\*P\*:~$'
expect 0 "--cpt replaces the file's list" test "$(grep -c '^EQ\*\*HC' "$T/out")" = 1

# several patients with a dependent
run "$CLI" eligibility build --request "$REQ/eligibility-family.json" --created 2026-11-21T09:15
cp "$T/out" "$T/family.x12"
expect 0 "a family: three patients" test "$(grep -c '^TRN\*1\*' "$T/family.x12")" = 3
expect 0 "patient 1: HL 3 under HL 2, no dependent" has_out '^HL\*3\*2\*22\*0~$'
expect 0 "patient 2: HL 4 with a dependent" has_out '^HL\*4\*2\*22\*1~$'
expect 0 "patient 2's dependent: HL 5 under HL 4" has_out '^HL\*5\*4\*23\*0~$'
expect 0 "patient 3: HL 6" has_out '^HL\*6\*2\*22\*0~$'
expect 0 "trace numbers from the reference" has_out '^TRN\*1\*NWI270-0301-2\*9158203746~$'
expect 0 "a patient's own trace number" has_out '^TRN\*1\*NWI270-0301-MORENO\*9158203746~$'
run "$CLI" validate "$T/family.x12"
expect 0 "x12kit validate accepts the family's 270"
run "$CLI" eligibility build --request "$REQ/eligibility-family.xml" --created 2026-11-21T09:15
expect 0 "the family in XML gives the same bytes" cmp -s "$T/out" "$T/family.x12"

sed 's/"member-id": "CVK300418842",//' "$REQ/eligibility-family.json" >"$T/nomember.json"
run "$CLI" eligibility build --request "$T/nomember.json"
expect 1 "a patient without a member ID: exit 1" has_err '^x12kit: patient 3: member ID is missing$'
expect 1 "nothing is written" test ! -s "$T/out"
run "$CLI" eligibility build --request "$REQ/eligibility-family.json" --member-id XKM400812345
expect 1 "--member-id with a file of patients" has_err 'member ID is given for the request and patients'

# refused files: exit 2, the key named, no value shown
printf '{ "payer-id": "ACME01", "membre-id": "XKM400812345" }\n' >"$T/typo.json"
run "$CLI" eligibility build --request "$T/typo.json"
expect 2 "an unknown key: exit 2" has_err "typo.json: unknown key \"membre-id\""
expect 2 "the message does not show the value" no_err 'XKM400812345'
printf '{ "patients": [ { "last": "DOE" }, { "lastname": "DOE" } ] }\n' >"$T/typo2.json"
run "$CLI" eligibility build --request "$T/typo2.json"
expect 2 "an unknown key in a patient" has_err 'unknown key "lastname" in patient 2'
printf '<request>\n  <payer-id>ACME01</payer-id>\n  <surname>DOE</surname>\n</request>\n' >"$T/typo.xml"
run "$CLI" eligibility build --request "$T/typo.xml"
expect 2 "an unknown XML element: exit 2, with its line" has_err 'typo.xml:3: unknown key "surname"'
printf '{ "cpt": "96365" }\n' >"$T/type.json"
run "$CLI" eligibility build --request "$T/type.json"
expect 2 "a string for a list: exit 2" has_err 'key "cpt" must be a list of strings'
printf '{ "control": "42" }\n' >"$T/type2.json"
run "$CLI" eligibility build --request "$T/type2.json"
expect 2 "a string for a number: exit 2" has_err 'key "control" must be a whole number'
printf '{ "payer-id": "ACME01",\n  "last": SECRETNAME }\n' >"$T/bad.json"
run "$CLI" eligibility build --request "$T/bad.json"
expect 2 "malformed JSON: exit 2, with its line" has_err 'bad.json:2: column .*not valid JSON'
expect 2 "the message does not show the text" no_err 'SECRETNAME'
printf '{ "control": 0 }\n' >"$T/control0.json"
run "$CLI" eligibility build --request "$T/control0.json"
expect 2 "control 0 in the file: exit 2" \
  has_err 'control0.json: key "control" must be a number from 1 to 999999999'
printf '<request><created>2026-11-20 10:15</created></request>\n' >"$T/created.xml"
run "$CLI" eligibility build --request "$T/created.xml"
expect 2 "created in another form in the file: exit 2" \
  has_err 'created.xml: key "created" must be YYYY-MM-DDTHH:MM'
printf '{ "test": true, "production": true }\n' >"$T/both.json"
run "$CLI" eligibility build --request "$T/both.json"
expect 2 "test and production both true in the file: exit 2" has_err 'both true'
printf '{ "patients": [] }\n' >"$T/empty.json"
run "$CLI" eligibility build --request "$T/empty.json"
expect 2 "an empty list of patients: exit 2" has_err 'key "patients" is an empty list'
printf '{ "last": "DOE", "last": "DOE" }\n' >"$T/dup.json"
run "$CLI" eligibility build --request "$T/dup.json"
expect 2 "a key given twice in JSON" has_err 'a key given twice'
printf '<request>\n  <last>SECRETNAME</lastt>\n</request>\n' >"$T/bad.xml"
run "$CLI" eligibility build --request "$T/bad.xml"
expect 2 "malformed XML: exit 2, with its line" has_err 'bad.xml:2: .*not well-formed XML'
expect 2 "the message does not show the text" no_err 'SECRETNAME'
printf '<?xml version="1.0"?>\n<!DOCTYPE request [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]>\n<request><last>&e;</last></request>\n' >"$T/dtd.xml"
run "$CLI" eligibility build --request "$T/dtd.xml"
expect 2 "an XML request with a DOCTYPE: exit 2" has_err 'DOCTYPE is not allowed'
expect 2 "no entity was read" no_err 'root:'
printf 'payer-id=ACME01\n' >"$T/ini.txt"
run "$CLI" eligibility build --request "$T/ini.txt"
expect 2 "neither JSON nor XML: exit 2" has_err 'must be JSON .* or XML'
run "$CLI" eligibility build --request "$T/none.json"
expect 3 "a request file that cannot be opened: exit 3" has_err 'cannot open'

# --- --created ----------------------------------------------------------------
build --created '2026-11-20 10:15'
expect 2 "--created in another form: exit 2" has_err '\-\-created must be YYYY-MM-DDTHH:MM'
build --created 2026-02-30T10:15
expect 1 "--created on February 30: exit 1" has_err 'creation date is not a real date'

# --- the control-number counter -----------------------------------------------
build --counter "$T/control"
expect 0 "--counter: the first number is 1" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'
build --counter "$T/control"
expect 0 "--counter: then 2" has_out '^ISA\*.*\*000000002\*1\*T\*:~$'
expect 0 "the group has the same number" has_out '^GS\*HS\*.*\*2\*X\*005010X279A1~$'
X12KIT_COUNTER=$T/control; export X12KIT_COUNTER
build
expect 0 "\$X12KIT_COUNTER: then 3" has_out '^ISA\*.*\*000000003\*1\*T\*:~$'
build --control 9
expect 0 "--control over \$X12KIT_COUNTER" has_out '^ISA\*.*\*000000009\*1\*T\*:~$'
unset X12KIT_COUNTER
expect 0 "the counter file holds the last number used" test "$(cat "$T/control")" = 3
build --counter "$T/control" --npi 1467503218
expect 1 "an invalid request takes no number" test "$(cat "$T/control")" = 3
build --counter "$T/control" --control 5
expect 2 "--counter with --control: exit 2" has_err 'not both'
build --control 5 --counter "$T/control"
expect 2 "--control with --counter: exit 2" has_err 'give --control or --counter, not both'
run "$CLI" eligibility build --request "$REQ/eligibility.json" --counter "$T/control"
expect 0 "--counter over the file's control: then 4" has_out '^ISA\*.*\*000000004\*1\*T\*:~$'
X12KIT_COUNTER=$T/control; export X12KIT_COUNTER
run "$CLI" eligibility build --request "$REQ/eligibility.json"
expect 0 "the file's control over \$X12KIT_COUNTER" has_out '^ISA\*.*\*000000042\*1\*T\*:~$'
unset X12KIT_COUNTER
expect 0 "which takes no number" test "$(cat "$T/control")" = 4
echo 999999999 >"$T/control"
build --counter "$T/control"
expect 0 "after 999999999 comes 1" has_out '^ISA\*.*\*000000001\*1\*T\*:~$'
echo 'twelve' >"$T/control"
build --counter "$T/control"
expect 1 "a corrupt counter file: exit 1" has_err 'does not hold one number'
expect 1 "nothing is written" test ! -s "$T/out"
expect 1 "the corrupt file is left as it is" test "$(cat "$T/control")" = twelve
build --counter "$T/no/such/dir/control"
expect 3 "a counter in a directory that does not exist: exit 3" has_err 'lock file'

tap_done
