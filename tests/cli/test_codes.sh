#!/bin/sh
# tests/cli/test_codes.sh - x12kit codes: the ketamine listing, whole
# lists and searches.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR (the maps in
# the source tree).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

TAB=$(printf '\t')

# --- usage -----------------------------------------------------------------
run "$CLI" codes --help
expect 0 "codes --help" has_out 'Usage: x12kit codes'
run "$CLI" help codes
expect 0 "help codes" has_out 'ketamine|LIST|SEARCH'
run "$CLI" codes --bogus
expect 2 "codes --bogus is a usage error" has_err 'unknown option'
run "$CLI" codes 1365 901
expect 2 "codes with two arguments is a usage error" has_err 'too many arguments'
run "$CLI" codes --schemas "$T" 1365
expect 4 "maps that cannot be loaded: exit 4" has_err 'cannot load the implementation-guide maps'

# --- the ketamine listing --------------------------------------------------
run "$CLI" codes
expect 0 "codes: ketamine listing" has_out 'Procedure codes'
for want in 96365 J0013 G2082 'F33\.2 ' 'MH  *Mental Health' '30  *Health Benefit Plan Coverage'; do
  expect 0 "codes lists $want" has_out "^  $want"
done
expect 0 "codes leaves out the retired S0013" sh -c "! grep -q '^  S0013' '$T/out'"
run "$CLI" codes ketamine
expect 0 "codes ketamine" has_out '^  F43\.12 '

# --- whole lists -----------------------------------------------------------
run "$CLI" codes 1365
expect 0 "codes 1365" has_out "^30${TAB}Health Benefit Plan Coverage\$"
run "$CLI" codes HC
expect 0 "codes HC: S0013 retired in 2026" has_out "^S0013${TAB}.*2026"
run "$CLI" codes ICD10
expect 0 "codes ICD10: X12 form" has_out "^F332${TAB}"
run "$CLI" codes 306
expect 0 "codes 306" has_out "^A1${TAB}"

# --- search ----------------------------------------------------------------
run "$CLI" codes infusion
expect 0 "search infusion finds 96365" has_out "^HC${TAB}96365${TAB}"
run "$CLI" codes INFUSION
expect 0 "search ignores case" has_out "^HC${TAB}96365${TAB}"
run "$CLI" codes F33.2
expect 0 "search F33.2 finds F332" has_out "^ICD10${TAB}F332${TAB}"
run "$CLI" codes 'mental health'
expect 0 "search finds service types" has_out "^1365${TAB}MH${TAB}Mental Health\$"
run "$CLI" codes zzznothing
expect 1 "search zzznothing: exit 1" has_err 'no code matches'
expect 1 "search zzznothing prints nothing" test ! -s "$T/out"

# Every list of the shipped maps but the -ketamine subsets is searched:
# one code of each list is found by a search for its description.
for id in 1365 901 306 620 I18; do
  run "$CLI" codes "$(sed -n "/<codelist id=\"$id\"/,/<\/codelist>/s/.*<code value=\"[^\"]*\" desc=\"\([^\"]*\)\".*/\1/p" "$X12KIT_SRCDIR"/schemas/codes-*.xml | head -n 1)"
  expect 0 "search reaches list $id" grep -q "^$id	" "$T/out"
done
run "$CLI" codes "esketamine"
expect 0 "search skips the -ketamine subsets" sh -c "! grep -q -- '-ketamine' '$T/out'"

tap_done
