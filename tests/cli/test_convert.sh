#!/bin/sh
# tests/cli/test_convert.sh - x12kit convert, end to end.  TAP.
#
# Environment: X12KIT_CLI, X12KIT_FIXTURES, X12KIT_SRCDIR,
# X12KIT_SCHEMA_DIR (the maps in the source tree).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES

# --- usage ---------------------------------------------------------------
run "$CLI" convert --help
expect 0 "convert --help" has_out 'Usage: x12kit convert'
run "$CLI" convert "$F/valid/270-eligibility.x12"
expect 2 "convert without --to is a usage error" has_err '--to is required'
run "$CLI" convert --to yaml "$F/valid/270-eligibility.x12"
expect 2 "convert --to yaml is a usage error" has_err '--to takes xml, json or x12'
run "$CLI" convert --to xml
expect 2 "convert without FILE is a usage error" has_err 'one input file'
run "$CLI" convert --to xml "$T/missing.x12"
expect 3 "convert a missing file: exit 3"
run "$CLI" convert --schemas "$T" --to xml "$F/valid/270-eligibility.x12"
expect 4 "maps that cannot be loaded: exit 4" has_err 'cannot load the implementation-guide maps'

# --- round trips over every X12 fixture -----------------------------------
# Canonical input comes back byte for byte; input with wrong counts or a
# byte order mark comes back as "convert --to x12" normalizes it; broken
# envelopes are refused with exit 1, a location and no crash.
find "$F" -name '*.x12' | sort > "$T/list"
while read -r f; do
  name=${f#"$F"/}
  "$CLI" convert --to x12 "$f" > "$T/norm" 2> "$T/err"
  nrc=$?
  for fmt in xml json; do
    run "$CLI" convert --to $fmt "$f"
    if [ $nrc -ne 0 ]; then
      if [ "$rc" = 0 ] && [ $fmt = json ]; then
        tap_not_ok "$name: refused as X12 but converted to $fmt"
      else
        expect 1 "$name to $fmt: refused cleanly, the file named" has_err "^$f:"
      fi
      continue
    fi
    if [ "$rc" = 1 ] && [ $fmt = xml ] && has_err 'XML cannot carry'; then
      expect 1 "$name to xml: a value XML cannot carry, refused"
      continue
    fi
    cp "$T/out" "$T/doc"
    run "$CLI" convert --to x12 "$T/doc"
    if cmp -s "$T/out" "$f"; then
      expect 0 "$name: X12 to $fmt to X12 is byte-identical"
    else
      expect 0 "$name: X12 to $fmt to X12 is the normalized input" cmp -s "$T/out" "$T/norm"
    fi
  done
done < "$T/list"

# --- formats --------------------------------------------------------------
f=$F/eligibility/271-two-transactions.x12
run "$CLI" convert --to xml "$f"
expect 0 "271 to XML names loops from the map" has_out '<loop id="2100C" name="Subscriber Name">'
cp "$T/out" "$T/271.xml"
run "$CLI" convert --to json "$f"
expect 0 "271 to JSON: one line per header, transaction and trailer" \
  test "$(wc -l < "$T/out")" -eq 6
cp "$T/out" "$T/271.json"
head -n 1 "$T/271.json" > "$T/out"
: > "$T/err"
rc=0
expect 0 "the first JSON line is the interchange, values as strings" \
  json "j['type'] == 'interchange' and j['segment']['elements']['ISA13'] == '000000717'"
run "$CLI" convert --to json "$T/271.xml"
expect 0 "XML to JSON directly" cmp -s "$T/out" "$T/271.json"
run sh -c "cat '$T/271.json' | '$CLI' convert --to xml -"
expect 0 "JSON from standard input to XML" cmp -s "$T/out" "$T/271.xml"
run "$CLI" convert --from xml --to x12 "$T/271.json"
expect 1 "--from xml on JSON input: refused with a line" has_err '271.json:1: '

# --- malformed documents ----------------------------------------------------
sed '5s/<element/<elemen/' "$T/271.xml" > "$T/bad.xml"
run "$CLI" convert --to x12 "$T/bad.xml"
expect 1 "malformed XML: exit 1 with its line" has_err 'bad.xml:[0-9][0-9]*: .*not well formed'
sed 's/<loop id="2100C"/<loop id="2100Z"/' "$T/271.xml" > "$T/bad.xml"
line=$(grep -n '2100Z' "$T/bad.xml" | head -n 1 | cut -d: -f1)
run "$CLI" convert --to x12 "$T/bad.xml"
expect 1 "XML not matching the map: exit 1 at line $line" has_err "bad.xml:$line: .*2100Z"
sed '3s/"content":\[/"content":[,/' "$T/271.json" > "$T/bad.json"
run "$CLI" convert --to x12 "$T/bad.json"
expect 1 "malformed JSON: exit 1 at line 3 with a column" has_err 'bad.json:3: column [0-9]'
printf '{"type":"group"}\n' > "$T/bad.json"
run "$CLI" convert --to x12 "$T/bad.json"
expect 1 "JSON out of envelope order: exit 1" has_err 'bad.json:1: '
run "$CLI" convert --to xml "$F/envelope/missing-se.x12"
expect 1 "X12 with a missing SE is refused" has_err 'whole envelopes'

tap_done
