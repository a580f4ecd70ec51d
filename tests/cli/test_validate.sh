#!/bin/sh
# tests/cli/test_validate.sh - x12kit validate and x12kit explain, end
# to end.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_FIXTURES, X12KIT_SRCDIR,
# X12KIT_SCHEMA_DIR (the maps in the source tree).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES

# --- usage ---------------------------------------------------------------
run "$CLI" validate --help
expect 0 "validate --help" has_out 'Usage: x12kit validate'
run "$CLI" help validate
expect 0 "help validate" has_out '--ack 999'
run "$CLI" explain --help
expect 0 "explain --help" has_out 'Usage: x12kit explain'
run "$CLI" validate --ack 997 "$F/valid/270-eligibility.x12"
expect 2 "validate --ack 997 is a usage error" has_err '--ack takes 999 or ta1'
run "$CLI" validate
expect 2 "validate without FILE is a usage error" has_err 'missing FILE'
run "$CLI" explain --show-data "$F/valid/999-rejected.x12"
expect 2 "explain has no --show-data" has_err 'unknown option'
run "$CLI" validate "$T/missing.x12"
expect 3 "validate a missing file: exit 3"
run "$CLI" validate --schemas "$T" "$F/valid/270-eligibility.x12"
expect 4 "maps that cannot be loaded: exit 4" has_err 'cannot load the implementation-guide maps'

# --- valid input ---------------------------------------------------------
for f in "$F"/valid/*.x12 "$F"/guide/*.x12; do
  run "$CLI" validate "$f"
  expect 0 "validate $(basename "$f"): valid" has_out 'checked: valid'
done
run sh -c "cat '$F/valid/270-eligibility.x12' | '$CLI' validate -"
expect 0 "validate reads standard input" has_out '1 transaction checked: valid'

# --- invalid input ---------------------------------------------------------
for f in "$F"/guide/invalid/*.x12; do
  run "$CLI" validate "$f"
  expect 1 "validate $(basename "$f"): invalid, one located finding" \
    grep -q "^$f:[0-9]*: segment [0-9]* ([A-Z0-9]*.*): .* \[999 IK[345] [0-9I]*\]$" "$T/err"
done
f=$F/guide/invalid/ik403-7-invalid-code.x12
run "$CLI" validate "$f"
expect 1 "the finding names segment, loop, element and code" \
  grep -qx "$f:1: segment 11 (NM1, loop 2100C): NM102 (Entity Type Qualifier) holds a code the guide does not allow here \[999 IK4 7\]" "$T/err"
f=$F/guide/invalid/ik403-5-too-long.x12
run "$CLI" validate "$f"
expect 1 "no patient data without --show-data" no_err 'SAMANTHA'
run "$CLI" validate --show-data "$f"
expect 1 "--show-data quotes the value" has_err 'SAMANTHAJOHANNA'

# --- acknowledgments ---------------------------------------------------------
run "$CLI" validate --ack 999 "$F/valid/270-eligibility.x12"
expect 0 "--ack 999 on a valid 270 accepts it" has_out 'AK2\*270\*0001\*005010X279A1~IK5\*A~AK9\*A\*1\*1\*1~'
cp "$T/out" "$T/accepted.999"
run "$CLI" validate "$T/accepted.999"
expect 0 "the 999 written is itself a valid 999" has_out 'checked: valid'
run "$CLI" validate --ack 999 "$F/guide/invalid/ik403-7-invalid-code.x12"
expect 1 "--ack 999 on a bad 270 rejects it with IK3 and IK4" \
  has_out 'IK3\*NM1\*9\*2100\*8~CTX\*TRN02:[^~]*~IK4\*2\*1065\*7~IK5\*R\*5~AK9\*R\*1\*1\*0~'
cp "$T/out" "$T/rejected.999"
run "$CLI" validate "$T/rejected.999"
expect 0 "the rejecting 999 is itself a valid 999" has_out 'checked: valid'
run "$CLI" explain "$T/rejected.999"
expect 0 "explain the rejecting 999" has_out 'rejected'
run "$CLI" validate --ack 999 "$F/guide/invalid/ik403-5-too-long.x12"
expect 1 "no IK404 without --show-data" sh -c "! grep -q 'IK4\*[^~]*\*5\*' '$T/out'"
run "$CLI" validate --ack ta1 "$F/envelope/iea01-count-wrong.x12"
expect 1 "--ack ta1 rejects a bad IEA01 with 021" has_out 'TA1\*[0-9]\{9\}\*[0-9]\{6\}\*[0-9]\{4\}\*R\*021~IEA\*0\*'
run "$CLI" validate --ack ta1 "$F/valid/270-eligibility.x12"
expect 0 "--ack ta1 accepts a good interchange" has_out '\*A\*000~IEA\*0\*'
run "$CLI" validate --ack 999 --control 4242 "$F/valid/270-eligibility.x12"
expect 0 "--control sets ISA13 and GS06 of the 999" has_out '\*000004242\*0\*T\*:~GS\*FA\*[^~]*\*4242\*X\*'
run "$CLI" validate --control 4242 "$F/valid/270-eligibility.x12"
expect 2 "--control without --ack is a usage error" has_err '--control goes with --ack'
run "$CLI" validate --ack 999 --control 0 "$F/valid/270-eligibility.x12"
expect 2 "--control 0 is a usage error" has_err '1 to 999999999'
run "$CLI" explain "$F/valid/ta1-rejected.x12"
expect 0 "explain a TA1" has_out 'Interchange'
run "$CLI" explain "$F/valid/270-eligibility.x12"
expect 1 "explain a 270: not an acknowledgment" has_err 'no 999 or TA1'
tap_done
