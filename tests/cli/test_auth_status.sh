#!/bin/sh
# tests/cli/test_auth_status.sh - x12kit auth track and x12kit auth
# status: requests followed to a decision through pended, certified and
# modified answers, matched by reference, trace and certification
# number; text and JSON listings, filters, the database's place and
# mode, usage errors and unusable databases.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_SRCDIR, X12KIT_SCHEMA_DIR.

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

# Times in text are local: pin them.  No database from the environment.
TZ=UTC
export TZ
unset X12KIT_AUTH_DB XDG_STATE_HOME

F=$X12KIT_SRCDIR/fixtures
REQ=$F/valid/278-request-infusions.x12
CERT=$F/valid/278-response-certified.x12
PENDED=$F/tracking/nwi-pended.x12
MODIFIED=$F/tracking/nwi-modified.x12
ESK=$F/guide/278-request-esketamine.x12
LMH_TRACE=$F/tracking/lmh-pended-trace.x12
LMH_UMO=$F/tracking/lmh-certified-umo.x12
DENIED=$F/guide/278-response-denied.x12
AAA=$F/guide/278-response-aaa.x12
PCI=$F/tracking/pci-request.x12
DB=$T/auth.db

lines_out() { [ "$(grep -c -e "$1" "$T/out")" = "$2" ]; }
mode_of() { stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"; }

# --- help and usage --------------------------------------------------------
run "$CLI" auth track --help
expect 0 "auth track --help" has_out 'Usage: x12kit auth track'
run "$CLI" auth status --help
expect 0 "auth status --help lists the states" has_out 'partially-certified'
run "$CLI" auth track --db "$DB"
expect 2 "track without a file" has_err 'no input file'
run "$CLI" auth status --db "$DB" "$REQ"
expect 2 "status takes no file" has_err 'takes no file'
run "$CLI" auth status --db "$DB" --state approved
expect 2 "an unknown state" has_err '--state takes'
run "$CLI" auth status --db "$DB" --frobnicate
expect 2 "an unknown option" has_err 'unknown option'
run "$CLI" auth track --db "$DB" --json "$REQ"
expect 2 "a status option given to track" has_err 'unknown option for auth track'
run "$CLI" auth status --db "$DB" --schemas "$X12KIT_SCHEMA_DIR"
expect 2 "a track option given to status" has_err 'unknown option for auth status'
run "$CLI" auth status --db ''
expect 2 "an empty --db" has_err '--db takes'
run "$CLI" auth status --db "$DB" --reference ''
expect 2 "an empty --reference" has_err '--reference takes'

# --- nothing tracked yet ---------------------------------------------------
run "$CLI" auth status --db "$DB"
expect 0 "status before anything is tracked" has_out 'No prior-authorization requests tracked yet'
tap_check "status creates no database" test ! -e "$DB"
run "$CLI" auth status --db "$DB" --json
expect 0 "empty JSON listing" json 'j["requests"] == [] and j["unmatched"] == []'

# --- a request, pended, then certified: by reference -----------------------
run "$CLI" auth track --db "$DB" "$REQ"
expect 0 "track a request" has_out 'request NWI278-0001 recorded'
tap_check "the database is created with mode 600" test "$(mode_of "$DB")" = 600
run "$CLI" auth status --db "$DB"
expect 0 "a request with no answer is submitted" has_out '^NWI278-0001  submitted'
run "$CLI" auth track --db "$DB" "$PENDED"
expect 0 "a pended answer matched by reference" \
  has_out 'response to NWI278-0001: pended (A4) (matched by reference)'
run "$CLI" auth status --db "$DB" --reference NWI278-0001
expect 0 "now pended" has_out '^NWI278-0001  pended (A4)'
run "$CLI" auth track --db "$DB" "$CERT"
expect 0 "the decision: certified, with its number" \
  has_out 'response to NWI278-0001: certified (A1), certification CV2611200317'
run "$CLI" auth track --db "$DB" "$CERT"
expect 0 "the same file again is recognised" has_out 'already recorded'
run "$CLI" auth status --db "$DB"
expect 0 "status: certified" has_out '^NWI278-0001  certified (A1)'
expect 0 "status: approved dates" has_out 'certification CV2611200317, approved 2026-12-07 to 2026-12-31'
expect 0 "status: two responses, not three" has_out '2 responses'
expect 0 "status: approved units per service" has_out 'service 96365: requested 6, certified (A1), approved 6'
expect 0 "status: payer and requester" has_out 'payer CVHP01, requester NPI 1582037465'
run "$CLI" auth status --db "$DB" --history
expect 0 "history: both answers, oldest first" lines_out 'dated 2026-11-20' 2
expect 0 "history: pended before certified" sh -c \
  "grep '^    dated' '$T/out' | head -1 | grep -q 'pended (A4)'"
run "$CLI" auth status --db "$DB" --json
expect 0 "JSON: state, certification, counts" json \
  'len(j["requests"]) == 1 and j["requests"][0]["state"] == "certified" and j["requests"][0]["certification"] == "CV2611200317" and j["requests"][0]["responses"] == 2'
expect 0 "JSON: history in order" json \
  '[h["state"] for h in j["requests"][0]["history"]] == ["pended", "certified"]'
expect 0 "JSON: services and approved dates" json \
  'j["requests"][0]["services"][2]["procedure"] == "J3490" and j["requests"][0]["services"][2]["approved_units"] == "6" and j["requests"][0]["approved"] == {"from": "2026-12-07", "to": "2026-12-31"}'

# --- by certification number: a later answer with the payer's own BHT03 -----
run "$CLI" auth track --db "$DB" "$MODIFIED"
expect 0 "matched by certification number" \
  has_out 'response to NWI278-0001: modified (A6), certification CV2611200317 (matched by certification; its reference CVR-UPD-0611)'
run "$CLI" auth status --db "$DB" --reference NWI278-0001
expect 0 "now modified, four units each" has_out 'service J3490: requested 6, modified (A6), approved 4'

# --- by trace, and one file after another in one call ----------------------
run "$CLI" auth track --db "$DB" "$ESK" "$LMH_TRACE" "$LMH_UMO"
expect 0 "three files in one call" lines_out '' 3
expect 0 "the echoed trace" has_out 'lmh-pended-trace.x12: response to LMH278-0107: pended (A4) (matched by trace; its reference BWP-2612030088)'
expect 0 "the UMO's own trace" has_out 'lmh-certified-umo.x12: response to LMH278-0107: certified (A1), certification BW2612100412 (matched by trace'

# --- unmatched responses are kept, and matched when the request comes ------
run "$CLI" auth track --db "$DB" "$DENIED" "$AAA"
expect 0 "a response without its request is kept" \
  has_out 'unmatched response PCI278-0042: not certified (A3); kept until its request is tracked'
expect 0 "a rejection without its request is kept" \
  has_out 'unmatched response PCI278-0051: rejected (AAA 75)'
run "$CLI" auth status --db "$DB"
expect 0 "status lists the unmatched responses" has_out '^  PCI278-0042  not certified (A3)'
run "$CLI" auth track --db "$DB" "$PCI"
expect 0 "the request arrives: its answer is matched" \
  has_out 'request PCI278-0051 recorded; 1 earlier response now matched to it'
run "$CLI" auth status --db "$DB" --reference PCI278-0051
expect 0 "rejected, with the AAA codes" has_out 'rejected in loop 2010C: AAA reason 75, follow-up C'
run "$CLI" auth status --db "$DB" --json
expect 0 "JSON: three requests, one unmatched response" json \
  '[r["reference"] for r in j["requests"]] == ["NWI278-0001", "LMH278-0107", "PCI278-0051"] and [u["reference"] for u in j["unmatched"]] == ["PCI278-0042"] and j["unmatched"][0]["matched_by"] is None'

# --- filters ---------------------------------------------------------------
run "$CLI" auth status --db "$DB" --state rejected
expect 0 "--state rejected" sh -c "grep -q '^PCI278-0051  rejected' '$T/out' && ! grep -q -e NWI278 -e Unmatched '$T/out'"
run "$CLI" auth status --db "$DB" --state certified --json
expect 0 "--state certified, JSON" json \
  '[r["reference"] for r in j["requests"]] == ["LMH278-0107"] and j["unmatched"] == []'
run "$CLI" auth status --db "$DB" --state pended
expect 0 "--state with no match" has_out 'No tracked request matches'
run "$CLI" auth status --db "$DB" --reference LMH278-0107 --state certified
expect 0 "--reference and --state together" sh -c "grep -c '^[A-Z]' '$T/out' | grep -qx 1"
run "$CLI" auth status --db "$DB" --reference NOSUCH
expect 0 "--reference with no match" has_out 'No tracked request matches'

# --- invalid input ---------------------------------------------------------
run "$CLI" auth track --db "$DB" "$F/valid/270-eligibility.x12"
expect 1 "a 270 is not a 278" has_err 'is not a 278 request or response'
run "$CLI" auth track --db "$DB" "$F/guide/invalid/278-response-ik403-7-hcr01-code.x12"
expect 1 "a 278 breaking the guide is refused with its finding" has_err 'HCR01 (Action Code)'
run "$CLI" auth track --db "$DB" "$F/lexer/not-x12.x12" "$REQ"
expect 1 "a bad file does not stop the next one" has_out 'request NWI278-0001 already recorded'
run "$CLI" auth track --db "$DB" "$T/no-such-file.x12"
expect 3 "an input file that cannot be read" has_err 'cannot open'
run sh -c "'$CLI' auth track --db '$DB' - < '$PENDED'"
expect 0 "standard input" has_out '<stdin>: response to NWI278-0001 already recorded'

# --- no patient data -------------------------------------------------------
tap_check "no patient name, member ID or birth date in the database" \
  sh -c "! grep -a -q -e LINDQVIST -e CVK300418826 -e 19880622 -e HALVORSEN -e MORROW '$DB'*"
run "$CLI" auth status --db "$DB" --history --json
expect 0 "no patient data in the listing" sh -c "! grep -q -e LINDQVIST -e HALVORSEN -e MORROW '$T/out'"

# --- where the database lives ----------------------------------------------
run env X12KIT_AUTH_DB="$T/env.db" "$CLI" auth track "$REQ"
expect 0 "X12KIT_AUTH_DB" test -f "$T/env.db"
run env XDG_STATE_HOME="$T/state" "$CLI" auth track "$REQ"
expect 0 "XDG_STATE_HOME/x12kit/auth.db" test -f "$T/state/x12kit/auth.db"
tap_check "its directories are created with mode 700" \
  test "$(mode_of "$T/state")" = 700 -a "$(mode_of "$T/state/x12kit")" = 700
run env HOME="$T/home" "$CLI" auth track "$REQ"
expect 0 "~/.local/state/x12kit/auth.db" test -f "$T/home/.local/state/x12kit/auth.db"
run env HOME="$T/home" "$CLI" auth status
expect 0 "status finds the default database" has_out '^NWI278-0001  submitted'
run env X12KIT_AUTH_DB="$T/env.db" "$CLI" auth status --db "$DB" --reference LMH278-0107
expect 0 "--db wins over X12KIT_AUTH_DB" has_out '^LMH278-0107'

# --- two processes at once -------------------------------------------------
"$CLI" auth track --db "$T/two.db" "$REQ" "$PENDED" "$CERT" >"$T/one.out" 2>&1 &
pid1=$!
"$CLI" auth track --db "$T/two.db" "$ESK" "$LMH_TRACE" "$LMH_UMO" >"$T/two.out" 2>&1 &
pid2=$!
wait $pid1
rc1=$?
wait $pid2
rc2=$?
tap_check "two track processes at once both succeed" test "$rc1" = 0 -a "$rc2" = 0
run "$CLI" auth status --db "$T/two.db" --json
expect 0 "and everything they recorded is there" json \
  'sorted(r["state"] for r in j["requests"]) == ["certified", "certified"] and sum(r["responses"] for r in j["requests"]) == 4'

# --- unusable databases ----------------------------------------------------
run "$CLI" auth track --db "$T" "$REQ"
expect 3 "track: the database path is a directory" has_err 'is a directory'
run "$CLI" auth status --db "$T"
expect 3 "status: the database path is a directory" has_err 'is a directory'
run "$CLI" auth track --db "$T/missing/dir/auth.db" "$REQ"
expect 3 "the database's directory does not exist" has_err 'cannot create the file'
printf 'not a database, just text\n' >"$T/text.db"
chmod 600 "$T/text.db"
run "$CLI" auth status --db "$T/text.db"
expect 3 "a file that is not a database" has_err 'not a database'
cp "$DB" "$T/shared.db"
chmod 644 "$T/shared.db"
run "$CLI" auth status --db "$T/shared.db"
expect 3 "a database others may read is refused" has_err 'chmod 600'
run "$CLI" auth track --db "$T/shared.db" "$REQ"
expect 3 "and not written either" has_err 'mode 0644'
if command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null; then
  cp "$DB" "$T/newer.db"
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=99'); c.commit(); c.close()" "$T/newer.db"
  run "$CLI" auth status --db "$T/newer.db"
  expect 3 "a database from a newer x12kit is refused" has_err 'newer x12kit'
else
  tap_skip "a database from a newer x12kit is refused" "python3 with sqlite3 missing"
fi

tap_done
