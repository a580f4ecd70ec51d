#!/bin/sh
# Tests of x12kit batch, the CORE batch client, against the simulator
# (x12kit serve) over loopback TLS with a CA made at test time: the
# receipt, the 999 and the 271 results fetched later, nothing waiting,
# a rejected batch, repeating a retrieval by its PayloadID, and the
# refusals (untrusted CA, usage errors).
: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES
RULES=$F/simulator/payer-rules.xml

if ! command -v openssl >/dev/null 2>&1; then
  echo "1..0 # SKIP openssl not found"
  exit 0
fi

trap 'stop_all; rm -rf "$T"' EXIT

sim_certs other

# An X12 request from a fixture with its own ISA13 (and more sed edits).
x12()
{
  fixture=$1
  control=$2
  shift 2
  sed -e "s/00000020[12]/$control/g" "$@" "$F/valid/$fixture"
}

ok_if() { tap_check "$@"; }
out_i() { grep -qi -e "$1" "$T/out"; }

# batch SUBCOMMAND ARGS...: x12kit batch against the simulator as NORTHWINDINF.
batch()
{
  sub=$1
  shift
  run "$CLI" batch "$sub" --endpoint "$URL" --ca "$T/ca.pem" --sender "${SENDER:-NORTHWINDINF}" \
    --receiver CEDARVALLEYHP "$@"
}

sim_start s1
if [ -z "$PORT" ]; then
  echo "Bail out! the simulator did not start"
  sed 's/^/# /' "$T/s1.err"
  exit 1
fi

# ---- a valid 270: receipt, 999, 271, then nothing ----
x12 270-eligibility.x12 000000801 >"$T/270ok"
batch submit "$T/270ok"
expect 0 "submit: the receipt's PayloadID is the one line on stdout" \
  sh -c "[ \$(wc -l <'$T/out') -eq 1 ] && grep -qx '[0-9a-f-]\{36\}' '$T/out'"
receipt=$(cat "$T/out")
ok_if "submit: stderr names the PayloadID" has_err "$receipt"

batch fetch ack
expect 0 "fetch ack: a 999 on stdout" has_out 'ST\*999\*'
cp "$T/out" "$T/999ok"
run "$CLI" explain "$T/999ok"
expect 0 "the fetched 999 accepts the batch (x12kit explain)" out_i 'accepted'

batch fetch results --output "$T/271ok"
expect 0 "fetch results --output: nothing on stdout" empty_out
ok_if "fetch results: the file holds a 271" grep -q 'ST\*271\*' "$T/271ok"
run "$CLI" eligibility explain "$T/271ok"
expect 0 "the fetched 271 reads with x12kit eligibility explain" has_out 'CEDAR CHOICE PPO'

batch fetch ack
expect 6 "fetch ack again: nothing waiting, exit 6" has_err 'nothing waiting'
ok_if "nothing waiting: nothing on stdout" empty_out
batch fetch results --output "$T/none"
expect 6 "fetch results again: nothing waiting, exit 6" test ! -e "$T/none"

# ---- MIME, and a 270 with an error: the 999 rejects it ----
x12 270-eligibility.x12 000000802 -e 's/EQ\*30~/EQ*ZZ9~/' >"$T/270bad"
batch submit --envelope mime "$T/270bad"
expect 0 "submit a 270 with an error (MIME): still a receipt"
batch fetch ack --envelope mime
expect 0 "fetch ack: a 999" has_out 'ST\*999\*'
cp "$T/out" "$T/999bad"
ok_if "the 999 rejects the transaction set" grep -q 'IK5\*R' "$T/999bad"
run "$CLI" explain "$T/999bad"
ok_if "x12kit explain reads the 999 as a rejection" out_i 'rejected'
batch fetch results
expect 6 "a rejected batch has no results"

# ---- repeating a retrieval by its PayloadID gives the stored answer ----
x12 270-eligibility.x12 000000803 >"$T/270r"
batch submit "$T/270r"
expect 0 "submit another 270"
batch fetch ack
expect 0 "fetch its 999" has_out 'ST\*999\*'
cp "$T/out" "$T/999r"
rid=$(sed -n 's/.*(PayloadID \([0-9a-f-]*\)).*/\1/p' "$T/err")
batch fetch ack --payload-id "$rid"
expect 0 "fetch ack --payload-id of that retrieval: the same 999 again" cmp -s "$T/out" "$T/999r"
batch fetch ack --payload-id not-a-uuid
expect 2 "a --payload-id that is no UUID: usage error"

# ---- other senders see nothing of ours ----
x12 270-eligibility.x12 000000804 >"$T/270s"
batch submit "$T/270s"
expect 0 "submit as NORTHWINDINF"
SENDER=OTHERCLINIC batch fetch ack
expect 6 "another sender has nothing waiting"

# ---- refusals ----
run "$CLI" batch submit --endpoint "$URL" --ca "$T/other.pem" --sender NORTHWINDINF \
  --receiver CEDARVALLEYHP "$T/270s"
expect 3 "an untrusted CA: exit 3, nothing sent" has_err 'not trusted'
run "$CLI" batch fetch --endpoint "$URL" --ca "$T/other.pem" --sender NORTHWINDINF \
  --receiver CEDARVALLEYHP ack
expect 3 "fetch with an untrusted CA: exit 3"
batch fetch everything
expect 2 "fetch of something else than ack or results: usage error"
batch submit
expect 2 "submit without a file: usage error"
run "$CLI" batch
expect 2 "batch without a subcommand: usage error"
batch submit "$T/missing.x12"
expect 3 "submit of a missing file: exit 3"
printf '{"not": "x12"}' >"$T/json"
batch submit "$T/json"
expect 1 "submit of something that is not X12: exit 1"
x12 278-request-infusions.x12 000000805 >"$T/278"
batch submit "$T/278"
expect 7 "a 278 in a batch: the simulator refuses its PayloadType, exit 7" \
  has_err 'PayloadTypeIllegal'
run "$CLI" batch --help
expect 0 "batch --help" has_out 'batch fetch ack|results'

# nothing of the payload in the simulator's log; no crash
stop_all
ok_if "the simulator logs no patient data" sh -c "! grep -q 'LINDQVIST\|CVK300418826' '$T/s1.err'"
ok_if "the simulator reported no sanitizer error" \
  sh -c "! grep -q -e Sanitizer -e 'runtime error' -e Segmentation '$T/s1.err'"

tap_done
