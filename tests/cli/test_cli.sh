#!/bin/sh
# tests/cli/test_cli.sh - the x12kit command-line tool, end to end.  TAP.
#
# Environment: X12KIT_CLI (the built binary), X12KIT_FIXTURES (fixtures
# directory), X12KIT_SRCDIR (source tree, for tests/tap.sh).

: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

cd "$T" || exit 1

# --- helpers -----------------------------------------------------------

# The first stderr line is the exact text given.
err_is() { [ "$(sed -n 1p "$T/err")" = "$1" ]; }
# Neither the member ID nor the last name of the sample patient.
no_phi() { ! grep -q -e SMITHERSON -e W99887766 "$1"; }
# Stderr starts with "NAME:" (a located message about that input).
err_about() { [ "$(head -c $((${#1} + 1)) "$T/err")" = "$1:" ]; }

# mk270 FILE SE01 [EOL]: an eligibility inquiry whose SE01 is SE01 and
# whose segments end with "~" plus EOL (default a newline).  17
# segments; ST..SE is 13 of them; the subscriber's NM1 is segment 11,
# SE segment 15.
mk270()
{
  eol=${3-\\n}
  {
    printf "ISA*00*%10s*00*%10s*ZZ*%-15s*ZZ*%-15s*240115*1030*^*00501*000000001*0*T*:~$eol" \
      '' '' SUBMITTER PAYER
    printf "GS*HS*SUBMITTER*PAYER*20240115*1030*1*X*005010X279A1~$eol"
    printf "ST*270*0001*005010X279A1~$eol"
    printf "BHT*0022*13*10001234*20240115*1030~$eol"
    printf "HL*1**20*1~${eol}NM1*PR*2*ACME HEALTH*****PI*12345~$eol"
    printf "HL*2*1*21*1~${eol}NM1*1P*2*CLINIC*****XX*1234567893~$eol"
    printf "HL*3*2*22*0~${eol}TRN*1*93175-012547*9877281234~$eol"
    printf "NM1*IL*1*SMITHERSON*JOHN****MI*W99887766~$eol"
    printf "DMG*D8*19800101~${eol}DTP*291*D8*20240115~${eol}EQ*30~$eol"
    printf "SE*%s*0001~${eol}GE*1*1~${eol}IEA*1*000000001~$eol" "$2"
  } >"$1"
}

# mkbig FILE N: one interchange with N transactions (13 segments each).
mkbig()
{
  awk -v n="$2" 'BEGIN {
    printf "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*PAYER          "
    printf "*240115*1030*^*00501*000000001*0*P*:~\n"
    print "GS*HS*SUBMITTER*PAYER*20240115*1030*1*X*005010X279A1~"
    for (i = 1; i <= n; i++) {
      printf "ST*270*%04d*005010X279A1~\nBHT*0022*13*%d*20240115*1030~\n", i, i
      print "HL*1**20*1~\nNM1*PR*2*ACME HEALTH*****PI*12345~"
      print "HL*2*1*21*1~\nNM1*1P*2*CLINIC*****XX*1234567893~"
      print "HL*3*2*22*0~\nTRN*1*93175-012547*9877281234~"
      print "NM1*IL*1*SMITHERSON*JOHN****MI*W99887766~"
      print "DMG*D8*19800101~\nDTP*291*D8*20240115~\nEQ*30~"
      printf "SE*13*%04d~\n", i
    }
    printf "GE*%d*1~\nIEA*1*000000001~\n", n
  }' >"$1"
}

mk270 t.x12 13
mk270 bad.x12 12
mk270 line.x12 12 ''

# --- global options and help ------------------------------------------

version=$(sed -n 's/^AC_INIT(\[x12kit\], \[\([^]]*\)\]).*/\1/p' "$X12KIT_SRCDIR/configure.ac")
run "$CLI" --version
expect 0 "--version prints x12kit $version" eval '[ "$(cat "$T/out")" = "x12kit $version" ]'

run "$CLI" --help
expect 0 "--help lists commands and exit statuses" \
  eval 'has_out "^  parse" && has_out "^  envelope" && has_out "^Exit status" && has_out "^  4 "'

run "$CLI" -h
expect 0 "-h is --help" has_out "^Usage: x12kit"

for c in parse envelope; do
  run "$CLI" $c --help
  expect 0 "$c --help" eval "has_out '^Usage: x12kit $c' && has_out '^Exit status' && empty_err"
  cp "$T/out" "$T/help1"
  run "$CLI" help $c
  expect 0 "help $c is $c --help" cmp -s "$T/out" "$T/help1"
done

run "$CLI" help
expect 0 "help alone is --help" has_out "^Commands:"

# --- usage errors -------------------------------------------------------

run "$CLI"
expect 2 "no command: exit 2, usage on stderr" eval 'has_err "^Usage:" && empty_out'
run "$CLI" frobnicate t.x12
expect 2 "unknown command: exit 2" eval 'has_err "unknown command" && has_err "^Usage:"'
run "$CLI" --frobnicate
expect 2 "unknown global option: exit 2" has_err "^Usage:"
run "$CLI" help frobnicate
expect 2 "help for an unknown command: exit 2" has_err "unknown command"
for c in parse envelope; do
  run "$CLI" $c --frobnicate t.x12
  expect 2 "$c with a bad option: exit 2" eval "has_err '^Usage: x12kit $c' && empty_out"
  run "$CLI" $c
  expect 2 "$c without FILE: exit 2" has_err "missing FILE"
  run "$CLI" $c t.x12 t.x12
  expect 2 "$c with two files: exit 2" has_err "too many"
done
run "$CLI" parse t.x12 --max-segment
expect 2 "--max-segment without its argument: exit 2" has_err "^Usage:"
run "$CLI" parse --max-segment 12x t.x12
expect 2 "--max-segment not a number: exit 2" has_err "max-segment"
run "$CLI" parse --max-segment 105 t.x12
expect 2 "--max-segment below the ISA length: exit 2" has_err "max-segment"

# --- input errors ---------------------------------------------------------

run "$CLI" parse no-such-file.x12
expect 3 "parse a missing file: exit 3" has_err "no-such-file.x12"
run "$CLI" envelope no-such-file.x12
expect 3 "envelope a missing file: exit 3" has_err "no-such-file.x12"
mkdir adir
run "$CLI" parse adir
expect 3 "parse a directory: exit 3" has_err "adir"

# --- parse ----------------------------------------------------------------

off=$(head -n 14 t.x12 | wc -c | tr -d ' ')
run "$CLI" parse t.x12
expect 0 "parse a 270: header, 17 segments, summary" eval '
  [ "$(sed -n 1p "$T/out")" = "$(printf "segment\tline\toffset\tin_st\tid\telements")" ] &&
  [ "$(wc -l <"$T/out" | tr -d " ")" = 19 ] &&
  [ "$(sed -n \$p "$T/out")" = "17 segments, 1 interchange" ] && empty_err'
expect 0 "parse: ISA row" \
  eval '[ "$(sed -n 2p "$T/out")" = "$(printf "1\t1\t0\t-\tISA\t16")" ]'
expect 0 "parse: SE row with line, offset, position in transaction" \
  eval '[ "$(sed -n 16p "$T/out")" = "$(printf "15\t15\t%s\t13\tSE\t2" "$off")" ]'
expect 0 "parse: no element values without --show-data" no_phi "$T/out"
cp "$T/out" "$T/parse1"

run "$CLI" parse - <t.x12
expect 0 "parse - reads stdin" cmp -s "$T/out" "$T/parse1"

dd if=t.x12 bs=1 2>/dev/null | "$CLI" parse - >"$T/out" 2>"$T/err"
rc=$?
expect 0 "parse one byte at a time from a pipe: same output" cmp -s "$T/out" "$T/parse1"

# A slow writer: 7-byte pieces with pauses, so reads end mid-segment.
size=$(wc -c <t.x12 | tr -d ' ')
i=0
while [ "$i" -lt "$size" ]; do
  dd if=t.x12 bs=1 skip="$i" count=7 2>/dev/null
  sleep 0.01 2>/dev/null || sleep 1
  i=$((i + 7))
done | "$CLI" parse - >"$T/out" 2>"$T/err"
rc=$?
expect 0 "parse from a slow writer: same output" cmp -s "$T/out" "$T/parse1"

run "$CLI" parse --show-data t.x12
expect 0 "parse --show-data prints member ID and last name" \
  eval 'has_out SMITHERSON && has_out W99887766'
expect 0 "parse --show-data: raw segment in the last column" \
  eval '[ "$(sed -n 12p "$T/out" | cut -f 7)" = "NM1*IL*1*SMITHERSON*JOHN****MI*W99887766" ]'

run "$CLI" parse --max-segment 200 t.x12
expect 0 "parse --max-segment 200" cmp -s "$T/out" "$T/parse1"

mkbig big.x12 2000
run "$CLI" parse big.x12
expect 0 "parse a file of many 64 KiB chunks" \
  eval '[ "$(sed -n \$p "$T/out")" = "26004 segments, 1 interchange" ]'
run "$CLI" envelope big.x12
expect 0 "envelope over many chunks" has_out "^1 interchange, 1 group, 2000 transactions: envelope OK$"

# --- envelope ---------------------------------------------------------------

run "$CLI" envelope t.x12
expect 0 "envelope a valid 270: exit 0, nothing on stderr" \
  eval 'has_out "^1 interchange, 1 group, 1 transaction: envelope OK$" && empty_err'
expect 0 "envelope outline: interchange" \
  has_out "^interchange 000000001: sender ZZ:SUBMITTER, receiver ZZ:PAYER, 2024-01-15 10:30, Test, TA1 requested no$"
expect 0 "envelope outline: group" has_out "^  group HS (eligibility inquiry 270) 1: version 005010X279A1$"
expect 0 "envelope outline: transaction" has_out "^    transaction 270 0001: version 005010X279A1, 13 segments$"
expect 0 "envelope outline: group and interchange ends" \
  eval 'has_out "^  end of group 1: 1 transaction$" && has_out "^end of interchange 000000001: 1 group$"'

run "$CLI" envelope bad.x12
expect 1 "wrong SE01: exit 1 and the exact error line" \
  err_is "bad.x12:15: segment 15 (SE): SE01 says 12 segments, the transaction has 13 [999 IK5 4]"
expect 1 "wrong SE01: summary counts the error" has_out ": 1 envelope error$"
expect 1 "wrong SE01: no PHI on stderr" no_phi "$T/err"

run "$CLI" envelope line.x12
expect 1 "wrong SE01 on a one-line file: line 1" \
  err_is "line.x12:1: segment 15 (SE): SE01 says 12 segments, the transaction has 13 [999 IK5 4]"

run "$CLI" envelope - <bad.x12
expect 1 "envelope - names <stdin> in messages" has_err "^<stdin>:15: segment 15 (SE): "

head -n 15 t.x12 >noiea.x12
run "$CLI" envelope noiea.x12
expect 1 "missing GE and IEA: exit 1 with located errors" has_err "^noiea.x12:[0-9]*: segment "

# --- invalid input, and PHI kept out of messages ---------------------------

: >empty.x12
run "$CLI" parse empty.x12
expect 1 "parse empty input: exit 1 with a message" err_about empty.x12
run "$CLI" envelope - </dev/null
expect 1 "envelope empty stdin: exit 1 with a message" err_about "<stdin>"

printf 'Dear doctor, this is not X12 at all.\n' >garbage.x12
run "$CLI" parse garbage.x12
expect 1 "parse garbage: exit 1 with a message" err_about garbage.x12
run "$CLI" envelope garbage.x12
expect 1 "envelope garbage: exit 1" err_about garbage.x12

awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", (i * 7919) % 256 }' >binary.x12
run "$CLI" parse binary.x12
expect 1 "parse binary noise: exit 1, no crash" err_about binary.x12

head -c 60 t.x12 >halfisa.x12
run "$CLI" parse halfisa.x12
expect 1 "parse a cut ISA: exit 1" err_about halfisa.x12

# Input cut inside the subscriber's NM1.
head -n 10 t.x12 >cut.x12
printf 'NM1*IL*1*SMITHERSON*JOHN****MI*W9988' >>cut.x12
for c in parse envelope; do
  run "$CLI" $c cut.x12
  expect 1 "$c input cut inside NM1: exit 1, no PHI on stderr" \
    eval 'err_about cut.x12 && no_phi "$T/err" && no_phi "$T/out"'
done

# A segment over --max-segment.
long=$(awk 'BEGIN { for (i = 0; i < 120; i++) printf "X" }')
sed "s/JOHN/JOHN$long/" t.x12 >long.x12
run "$CLI" parse --max-segment 106 long.x12
expect 1 "segment too long: exit 1, no PHI on stderr" \
  eval 'err_about long.x12 && no_phi "$T/err"'

# A malformed segment ID on the subscriber's line.
sed 's/^NM1\*IL/N@1*IL/' t.x12 >badid.x12
for c in parse envelope; do
  run "$CLI" $c badid.x12
  if [ "$rc" = 0 ]; then rc=1; fi   # the library may accept it: only PHI matters here
  expect 1 "$c malformed segment ID: no PHI on stderr" no_phi "$T/err"
done

# Colliding delimiters: ISA11 equal to the element separator.
sed '1s/\*\^\*/***/' t.x12 >delim.x12
run "$CLI" parse delim.x12
expect 1 "colliding delimiters: exit 1" err_about delim.x12

# --- output errors ----------------------------------------------------------

if [ -w /dev/full ]; then
  run eval '"$CLI" parse t.x12 >/dev/full'
  expect 3 "parse to /dev/full: exit 3" has_err "cannot write"
  run eval '"$CLI" envelope t.x12 >/dev/full'
  expect 3 "envelope to /dev/full: exit 3" has_err "cannot write"
  run eval '"$CLI" --help >/dev/full'
  expect 3 "--help to /dev/full: exit 3"
else
  tap_skip "parse to /dev/full" "no /dev/full"
  tap_skip "envelope to /dev/full" "no /dev/full"
  tap_skip "--help to /dev/full" "no /dev/full"
fi

{ "$CLI" parse big.x12 2>"$T/err"; echo $? >"$T/rc"; } | head -n 1 >/dev/null
rc=$(cat "$T/rc")
expect 3 "parse into a closed pipe: exit 3, not SIGPIPE"

run eval '"$CLI" --version >&-'
expect 3 "closed stdout: exit 3"

# --- fixtures -----------------------------------------------------------------

# Every line of parse output but the summary has six columns.
six_columns()
{
  sed '$d' "$T/out" | awk -F '\t' 'NF != 6 { bad = 1 } END { exit bad }'
}

# located FILE: stderr has a "FILE:LINE: segment" line.
located()
{
  awk -v p="$1:" 'index($0, p) == 1 && substr($0, length(p) + 1) ~ /^[0-9]+: segment / { f = 1 }
                  END { exit !f }' "$T/err"
}

for dir in valid envelope; do
  found=
  for f in "$X12KIT_FIXTURES/$dir"/*.x12; do
    [ -f "$f" ] || continue
    found=1
    name=$dir/$(basename "$f")
    run "$CLI" envelope "$f"
    if [ $dir = valid ]; then
      expect 0 "envelope fixtures/$name: valid" empty_err
      run "$CLI" parse "$f"
      expect 0 "parse fixtures/$name: no data columns" six_columns
    else
      expect 1 "envelope fixtures/$name: located fault" located "$f"
    fi
  done
  [ -n "$found" ] || tap_skip "fixtures/$dir" "no fixtures"
done

tap_done
exit 0
