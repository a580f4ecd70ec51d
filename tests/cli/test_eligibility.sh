#!/bin/sh
# tests/cli/test_eligibility.sh - x12kit eligibility build: a 270 that
# the validator accepts, inputs refused with messages that name the
# field and never show the value, usage errors.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR (the maps in
# the source tree).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${X12KIT_CLI:=x12kit}"
: "${X12KIT_SCHEMA_DIR:=$X12KIT_SRCDIR/schemas}"
export X12KIT_SCHEMA_DIR
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

tap_done
