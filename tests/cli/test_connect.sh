#!/bin/sh
# Tests of x12kit serve, the clearinghouse simulator, over real TLS:
# certificates made with openssl, requests sent with curl.
: "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$X12KIT_SRCDIR/tests/cli/common.sh"

F=$X12KIT_FIXTURES
RULES=$F/simulator/payer-rules.xml

if ! command -v openssl >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "1..0 # SKIP openssl or curl not found"
  exit 0
fi

trap 'stop_all; rm -rf "$T"' EXIT

sim_certs client

# An X12 request from a fixture with its own ISA13 (and more sed edits).
x12()
{
  fixture=$1
  control=$2
  shift 2
  sed -e "s/00000020[12]/$control/g" "$@" "$F/valid/$fixture"
}

# A fresh PayloadID (a counter in a file, so that $(new_id) works).
echo 0 >"$T/idn"
new_id()
{
  uuid_n=$(($(cat "$T/idn") + 1))
  echo "$uuid_n" >"$T/idn"
  printf '6f1d3c2e-9a47-4b6e-8d0f-%012d' "$uuid_n"
}

# soap OUT PAYLOADFILE TYPE ID [USER PASS [VERSION [TIMESTAMP [SENDER]]]]
soap()
{
  {
    printf '<?xml version="1.0" encoding="UTF-8"?>\n'
    printf '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">'
    if [ -n "$5" ]; then
      printf '<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>%s</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">%s</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>' "$5" "$6"
    fi
    printf '<soap:Body><cor:COREEnvelopeRealTimeRequest xmlns:cor="http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd">'
    printf '<PayloadType>%s</PayloadType><ProcessingMode>RealTime</ProcessingMode>' "$3"
    [ -n "$4" ] && printf '<PayloadID>%s</PayloadID>' "$4"
    printf '<TimeStamp>%s</TimeStamp>' "${8:-2026-11-22T14:30:00Z}"
    [ "${9-x}" != "" ] && printf '<SenderID>%s</SenderID>' "${9:-NORTHWINDINF}"
    printf '<ReceiverID>CEDARVALLEYHP</ReceiverID><CORERuleVersion>%s</CORERuleVersion>' "${7:-2.2.0}"
    printf '<Payload>'
    cat "$2"
    printf '</Payload></cor:COREEnvelopeRealTimeRequest></soap:Body></soap:Envelope>\n'
  } >"$1"
}

# mime OUT PAYLOADFILE TYPE ID
mime()
{
  {
    for kv in "PayloadType=$3" "ProcessingMode=RealTime" "PayloadID=$4" \
              "TimeStamp=2026-11-22T14:30:00Z" "SenderID=NORTHWINDINF" \
              "ReceiverID=CEDARVALLEYHP" "CORERuleVersion=2.2.0"; do
      printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' \
        "${kv%%=*}" "${kv#*=}"
    done
    printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="Payload"\r\n\r\n'
    cat "$2"
    printf '\r\n--x12kitBoundary7f3a--\r\n'
  } >"$1"
}

SOAP_CT='Content-Type: application/soap+xml; charset=utf-8; action="RealTimeTransaction"'
MIME_CT='Content-Type: multipart/form-data; boundary=x12kitBoundary7f3a'

# post BODYFILE CONTENT-TYPE-HEADER [CURL-OPTIONS...]: answer in $T/resp,
# headers in $T/hdr, HTTP status in $code, curl's exit status in $rc.
post()
{
  body=$1
  ct=$2
  shift 2
  rm -f "$T/resp" "$T/hdr"
  code=$(curl -s --cacert "$T/ca.pem" -H "$ct" --data-binary "@$body" -o "$T/resp" \
    -D "$T/hdr" -w '%{http_code}' "$@" "$URL" 2>"$T/curl.err")
  rc=$?
}

# The X12 payload of a SOAP answer in $T/resp, into $T/payload.
payload()
{
  tr -d '\n' <"$T/resp" | sed -n 's/.*<Payload>\(.*\)<\/Payload>.*/\1/p' >"$T/payload"
}

ok_if()
{
  desc=$1
  shift
  if "$@"; then
    tap_ok "$desc"
  else
    tap_not_ok "$desc"
    tap_diag "http $code, curl exit $rc"
    sed -n '1,12s/^/#   /p' "$T/resp" 2>/dev/null
  fi
}

in_resp() { grep -q -e "$1" "$T/resp"; }
in_payload() { grep -q -e "$1" "$T/payload"; }

tap_plan 97

# ---- a plain server ----
sim_start main --port-file "$T/port"
ok_if "serve prints the port it listens on" test -n "$PORT"
ok_if "serve writes the port to --port-file" test "$(cat "$T/port" 2>/dev/null)" = "$PORT"

x12 270-eligibility.x12 000000301 >"$T/270a"
ID1=$(new_id)
soap "$T/req1" "$T/270a" X12_270_Request_005010X279A1 "$ID1"
post "$T/req1" "$SOAP_CT"
payload
ok_if "SOAP 270 gets a 271 with benefits for the member" \
  sh -c "[ '$code' = 200 ] && grep -q 'ST\*271' '$T/payload' && grep -q 'EB\*B\*IND\*\*PR\*CEDAR CHOICE PPO\*27\*35\*' '$T/payload' && grep -q 'HC:96365' '$T/payload'"
ok_if "the answer echoes PayloadID and says Success" \
  sh -c "grep -q '<PayloadID>$ID1</PayloadID>' '$T/resp' && grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && grep -q 'X12_271_Response_005010X279A1' '$T/resp'"
cp "$T/resp" "$T/resp1"
run "$CLI" validate "$T/payload"
expect 0 "the 271 passes the 005010X279A1 guide"

x12 278-request-infusions.x12 000000302 >"$T/278a"
soap "$T/req" "$T/278a" X12_278_Request_005010X217E1_2 "$(new_id)"
post "$T/req" "$SOAP_CT"
payload
ok_if "278 request gets a certified 278 response" \
  sh -c "grep -q 'ST\*278' '$T/payload' && grep -q 'HCR\*A1\*CV' '$T/payload' && grep -q 'X12_278_Response_005010X217E1_2' '$T/resp'"
ok_if "the ketamine line is partly certified with fewer units" \
  sh -c "grep -q 'HCR\*A6\*CV[0-9]*\*0U~DTP\*472\*RD8\*20261207-20261231~SV1\*HC:J3490\*\*UN\*4' '$T/payload'"
run "$CLI" validate "$T/payload"
expect 0 "the 278 response passes the 005010X217 guide"

# appeals (UM02 1 or 2) citing the review they contest, and a cancellation
APPEAL_REF='s/UM\*HS\*1\*MH\*11:B~DTP\*AAH/UM*HS*1*MH*11:B~REF*BB*CV2611200001~DTP*AAH/'
LETTER='s/PWK\*09\*FX\*\*\*AC\*NWIPA0042/PWK*03*FX***AC*NWIAPL0042/'
NOTE='s/\(PWK\*03\*FX\*\*\*AC\*NWIAPL0042\)/\1~MSG*TWO ORAL ANTIDEPRESSANTS FAILED, LETTER ATTACHED/'
# appeal CONTROL SED...: a 278 appeal from the sample request, answered into $T/payload
appeal()
{
  control=$1
  shift
  x12 278-request-infusions.x12 "$control" -e 's/UM\*HS\*I\*/UM*HS*1*/g' "$@" >"$T/278ap"
  # the segment count changes with the segments added
  n=$(tr '~' '\n' <"$T/278ap" | sed -n '/^ST\*/,/^SE\*/p' | wc -l | tr -d ' ')
  sed -i "s/SE\*[0-9]*\*0001/SE*$n*0001/" "$T/278ap"
  soap "$T/req" "$T/278ap" X12_278_Request_005010X217E1_2 "$(new_id)"
  post "$T/req" "$SOAP_CT"
  payload
}
appeal 000000311 -e "$APPEAL_REF" -e "$LETTER" -e "$NOTE"
ok_if "an appeal with a letter of medical necessity and a message is overturned" \
  sh -c "grep -q 'UM\*HS\*1\*MH\*11:B~HCR\*A1\*CV[0-9]*~REF\*BB\*CV2611200001~' '$T/payload' && grep -q 'HCR\*A1\*CV[0-9]*~DTP\*472\*RD8\*20261207-20261231~SV1\*HC:J3490\*\*UN\*6' '$T/payload' && ! grep -q 'HCR\*A[36]' '$T/payload'"
run "$CLI" validate "$T/payload"
expect 0 "the overturned appeal's 278 response passes the 005010X217 guide"
appeal 000000312 -e "$APPEAL_REF" -e "$LETTER"
ok_if "an appeal with the letter but no message is upheld with a reason" \
  sh -c "grep -q 'UM\*HS\*1\*MH\*11:B~HCR\*A3\*\*35~REF\*BB\*CV2611200001' '$T/payload' && ! grep -q 'HCR\*A1' '$T/payload'"
appeal 000000313 -e "$APPEAL_REF" -e 's/UM\*HS\*1\*/UM*HS*2*/g' -e "$NOTE"
ok_if "a standard appeal with a message but no letter is upheld" \
  sh -c "grep -q 'UM\*HS\*2\*MH\*11:B~HCR\*A3\*\*35' '$T/payload' && ! grep -q 'HCR\*A1' '$T/payload'"
appeal 000000314 -e "$LETTER" -e "$NOTE"
ok_if "an appeal citing no earlier review is not certified" \
  sh -c "grep -q 'HCR\*A3\*\*35' '$T/payload' && ! grep -q 'HCR\*A1' '$T/payload' && ! grep -q 'REF\*BB' '$T/payload'"
appeal 000000315 -e "$APPEAL_REF" -e 's/UM\*HS\*1\*/UM*HS*3*/g'
ok_if "a cancellation (UM02 3) is answered C with the review it cancels" \
  sh -c "grep -q 'UM\*HS\*3\*MH\*11:B~HCR\*C\*CV2611200001~REF\*BB\*CV2611200001~' '$T/payload' && grep -q 'HCR\*C\*CV2611200001~DTP\*472' '$T/payload' && ! grep -q 'HCR\*A' '$T/payload'"
run "$CLI" validate "$T/payload"
expect 0 "the cancellation's 278 response passes the 005010X217 guide"
appeal 000000316 -e 's/UM\*HS\*1\*/UM*HS*4*/g' -e 's/UM\*HS\*4\*MH\*11:B~DTP\*AAH/UM*HS*4*MH*11:B~REF*BB*CV2611200001~DTP*AAH/'
ok_if "an extension (UM02 4) goes through the auth rules" \
  sh -c "grep -q 'HCR\*A6\*CV[0-9]*\*0U~DTP\*472\*RD8\*20261207-20261231~SV1\*HC:J3490\*\*UN\*4' '$T/payload'"

x12 270-eligibility.x12 000000303 -e 's/CVK300418826/CVK000000000/' >"$T/270u"
mime "$T/req" "$T/270u" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$MIME_CT"
ok_if "MIME 270 for an unknown member gets AAA 75 in a MIME answer" \
  sh -c "grep -qi '^content-type: multipart/form-data' '$T/hdr' && grep -q 'AAA\*Y\*\*75\*C' '$T/resp'"

run "$CLI" eligibility build --request "$F/requests/eligibility-family.json" --control 801
cp "$T/out" "$T/270fam"
mime "$T/req" "$T/270fam" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$MIME_CT"
tr -d '\r' <"$T/resp" | sed -n '/^ISA/p' >"$T/payload"
ok_if "a family 270: the dependent is answered in 2000D" \
  sh -c "grep -q 'HL\*5\*4\*23\*0~TRN\*2\*NWI270-0301-2\*[0-9]*~NM1\*03\*1\*LINDQVIST\*NOOR~DMG\*D8\*20120915~EB\*1' '$T/payload' && grep -q 'NM1\*IL\*1\*MORENO\*DANA' '$T/payload'"
run "$CLI" validate "$T/payload"
expect 0 "the family 271 passes the 005010X279A1 guide"

x12 270-eligibility.x12 000000304 -e 's/LINDQVIST/LINDQUIST/' >"$T/270n"
mime "$T/req" "$T/270n" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$MIME_CT"
ok_if "a name that does not match gets AAA 73" in_resp 'AAA\*Y\*\*73\*C'

x12 270-eligibility.x12 000000305 -e 's/EQ\*30~/EQ*ZZ9~/' >"$T/270bad"
soap "$T/req" "$T/270bad" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT"
payload
ok_if "a payload that breaks the guide gets a rejecting 999" \
  sh -c "grep -q 'X12_999_Response_005010X231A1' '$T/resp' && grep -q 'ST\*999' '$T/payload' && grep -q 'IK5\*R' '$T/payload'"

x12 270-eligibility.x12 000000306 -e 's/IEA\*1\*000000306/IEA*1*000000399/' >"$T/270ta1"
soap "$T/req" "$T/270ta1" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT"
ok_if "a bad interchange gets a rejecting TA1" \
  sh -c "grep -q 'X12_TA1_Response_00501X231A1' '$T/resp' && grep -q 'TA1\*000000306\*[0-9]*\*[0-9]*\*R\*' '$T/resp'"

soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT"
ok_if "an ISA13 used again by the same sender gets TA1 note 025" in_resp 'TA1\*000000301\*[0-9]*\*[0-9]*\*R\*025'

post "$T/req1" "$SOAP_CT"
ok_if "a PayloadID sent again gets the stored answer" cmp -s "$T/resp" "$T/resp1"

# envelope errors
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 ""
post "$T/req" "$SOAP_CT"
ok_if "no PayloadID: PayloadIDRequired" in_resp '<ErrorCode>PayloadIDRequired</ErrorCode>'
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "not-a-uuid"
post "$T/req" "$SOAP_CT"
ok_if "a PayloadID that is no UUID: PayloadIDIllegal" in_resp '<ErrorCode>PayloadIDIllegal</ErrorCode>'
soap "$T/req" "$T/270a" X12_999_Request "$(new_id)"
post "$T/req" "$SOAP_CT"
ok_if "an unknown PayloadType: PayloadTypeIllegal" in_resp '<ErrorCode>PayloadTypeIllegal</ErrorCode>'
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "$(new_id)" "" "" 2.1.0
post "$T/req" "$SOAP_CT"
ok_if "CORERuleVersion 2.1.0: VersionMismatch" in_resp '<ErrorCode>VersionMismatch</ErrorCode>'
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "$(new_id)" "" "" "" 2026-13-45T99:00:00Z
post "$T/req" "$SOAP_CT"
ok_if "a bad TimeStamp: TimeStampIllegal" in_resp '<ErrorCode>TimeStampIllegal</ErrorCode>'
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "$(new_id)" "" "" "" "" ""
post "$T/req" "$SOAP_CT"
ok_if "no SenderID: SenderIDRequired" in_resp '<ErrorCode>SenderIDRequired</ErrorCode>'
printf 'hello, not X12' >"$T/notx12"
soap "$T/req" "$T/notx12" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT"
ok_if "a payload that is not X12: PayloadIllegal" in_resp '<ErrorCode>PayloadIllegal</ErrorCode>'
printf '<nope/>' >"$T/req"
post "$T/req" "$SOAP_CT"
ok_if "XML that is not SOAP: HTTP 400 with a Sender fault" \
  sh -c "[ '$code' = 400 ] && grep -q 'Sender' '$T/resp'"
head -c 3000 /dev/urandom >"$T/req"
post "$T/req" "Content-Type: application/octet-stream"
ok_if "random bytes: HTTP 400" test "$code" = 400
code=$(curl -s --cacert "$T/ca.pem" -o /dev/null -w '%{http_code}' "$URL")
ok_if "GET: HTTP 405" test "$code" = 405
head -c 2000 /dev/urandom | curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null
post "$T/req1" "$SOAP_CT"
ok_if "the server still answers after garbage" sh -c "[ '$code' = 200 ] && cmp -s '$T/resp' '$T/resp1'"

curl -s --cacert "$T/ca.pem" --tlsv1.1 --tls-max 1.1 -o /dev/null "$URL" 2>/dev/null
ok_if "a TLS 1.1 client is refused" test $? -ne 0

# ---- batch ----
# batch_soap OUT ELEMENT TYPE ID [PAYLOADFILE [LENGTH [CHECKSUM]]]: a
# batch envelope; SenderID is $BSENDER.  PayloadLength and CheckSum are
# computed from the payload unless given.
BSENDER=NORTHWINDINF
batch_soap()
{
  {
    printf '<?xml version="1.0" encoding="UTF-8"?>\n'
    printf '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>'
    printf '<cor:%s xmlns:cor="http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd">' "$2"
    printf '<PayloadType>%s</PayloadType><ProcessingMode>Batch</ProcessingMode>' "$3"
    printf '<PayloadID>%s</PayloadID>' "$4"
    [ -n "$5" ] && printf '<PayloadLength>%s</PayloadLength>' "${6:-$(wc -c <"$5" | tr -d ' ')}"
    printf '<TimeStamp>2026-11-22T14:30:00Z</TimeStamp><SenderID>%s</SenderID>' "$BSENDER"
    printf '<ReceiverID>CEDARVALLEYHP</ReceiverID><CORERuleVersion>2.2.0</CORERuleVersion>'
    if [ -n "$5" ]; then
      printf '<CheckSum>%s</CheckSum><Payload>' "${7:-$(openssl dgst -sha1 -r "$5" | cut -d' ' -f1)}"
      openssl base64 -A <"$5"
      printf '</Payload>'
    fi
    printf '</cor:%s></soap:Body></soap:Envelope>\n' "$2"
  } >"$1"
}
SUBMIT=COREEnvelopeBatchSubmission
ACKREQ=COREEnvelopeBatchSubmissionAckRetrievalRequest
RESREQ=COREEnvelopeBatchResultsRetrievalRequest
PT_ACKREQ=X12_999_RetrievalRequest_005010X231A1
PT_RESREQ=X12_005010_Request_Batch_Results_271
BATCH_CT='Content-Type: application/soap+xml; charset=utf-8; action="BatchSubmitTransaction"'

# The base64 payload of a batch SOAP answer in $T/resp, decoded into $T/payload.
bpayload()
{
  [ -f "$T/resp" ] || { : >"$T/payload"; return; }
  tr -d '\n' <"$T/resp" | sed -n 's/.*<Payload>\(.*\)<\/Payload>.*/\1/p' |
    openssl base64 -d -A >"$T/payload"
}
# Whether PayloadLength and CheckSum of the answer describe $T/payload.
bsums()
{
  grep -q "<PayloadLength>$(wc -c <"$T/payload" | tr -d ' ')</PayloadLength>" "$T/resp" &&
    grep -qi "<CheckSum>$(openssl dgst -sha1 -r "$T/payload" | cut -d' ' -f1)</CheckSum>" "$T/resp"
}
# retrieve ELEMENT TYPE [ID]: a retrieval with a fresh (or the given) PayloadID.
retrieve()
{
  RID=${3:-$(new_id)}
  batch_soap "$T/breq" "$1" "$2" "$RID"
  post "$T/breq" "$BATCH_CT"
  rm -f "$T/payload"
  bpayload
}

x12 270-eligibility.x12 000000801 >"$T/270b1"
BID1=$(new_id)
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$BID1" "$T/270b1"
post "$T/breq" "$BATCH_CT"
ok_if "batch submission: a receipt with Success, the PayloadID, no payload and no 999" \
  sh -c "[ '$code' = 200 ] && grep -q 'COREEnvelopeBatchSubmissionResponse' '$T/resp' && grep -q '<PayloadID>$BID1</PayloadID>' '$T/resp' && grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && ! grep -q '<Payload>' '$T/resp' && ! grep -q 'X12_999' '$T/resp'"
x12 270-eligibility.x12 000000807 -e 's/CVK300418826/CVK000000000/' >"$T/270b7"
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/270b7"
post "$T/breq" "$BATCH_CT"
ok_if "a second batch submission: a receipt" in_resp '<ErrorCode>Success</ErrorCode>'
BSENDER=OTHERCLINIC
retrieve $ACKREQ $PT_ACKREQ
ok_if "another sender finds no acknowledgment waiting" \
  sh -c "grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && ! grep -q '<Payload>' '$T/resp' && grep -q 'No acknowledgment' '$T/resp'"
BSENDER=NORTHWINDINF
retrieve $ACKREQ $PT_ACKREQ
ok_if "ack retrieval: the accepting 999 of the submission, with its length and checksum" \
  sh -c "grep -q 'COREEnvelopeBatchSubmissionAckRetrievalResponse' '$T/resp' && grep -q '<PayloadID>$RID</PayloadID>' '$T/resp' && grep -q '<PayloadType>X12_999_Response_005010X231A1</PayloadType>' '$T/resp' && grep -q 'ST\*999' '$T/payload' && grep -q 'AK9\*A\*1\*1\*1' '$T/payload' && grep -q 'AK1\*HS\*201' '$T/payload'" 
ok_if "the 999's PayloadLength and CheckSum match it" bsums
run "$CLI" validate "$T/payload"
expect 0 "the batch 999 passes the 005010X231A1 guide"
retrieve $ACKREQ $PT_ACKREQ
ok_if "the next ack retrieval: the second submission's 999" in_payload 'AK9\*A\*1\*1\*1'
retrieve $ACKREQ $PT_ACKREQ
ok_if "ack retrieval with nothing waiting: Success, no payload, a message" \
  sh -c "grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && ! grep -q '<Payload>' '$T/resp' && grep -q 'No acknowledgment is waiting' '$T/resp'"
retrieve $RESREQ $PT_RESREQ
ok_if "results retrieval: the 271 for the member" \
  sh -c "grep -q 'COREEnvelopeBatchResultsRetrievalResponse' '$T/resp' && grep -q '<PayloadType>X12_271_Response_005010X279A1</PayloadType>' '$T/resp' && grep -q 'ST\*271' '$T/payload' && grep -q 'NM1\*IL\*1\*LINDQVIST\*SAM' '$T/payload' && grep -q 'EB\*B\*IND\*\*PR\*CEDAR CHOICE PPO\*27\*35' '$T/payload'"
ok_if "the 271's PayloadLength and CheckSum match it" bsums
run "$CLI" validate "$T/payload"
expect 0 "the batch 271 passes the 005010X279A1 guide"
RES1=$RID
cp "$T/resp" "$T/bres1"
retrieve $RESREQ $PT_RESREQ
ok_if "the next results retrieval: the second submission's 271, member not found" \
  sh -c "grep -q 'ST\*271' '$T/payload' && grep -q 'AAA\*Y\*\*75\*C' '$T/payload' && ! grep -q 'EB\*' '$T/payload'"
retrieve $RESREQ $PT_RESREQ
ok_if "results retrieval with nothing waiting: Success, no payload" \
  sh -c "grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && ! grep -q '<Payload>' '$T/resp' && grep -q 'No batch results' '$T/resp'"
retrieve $RESREQ $PT_RESREQ "$RES1"
ok_if "a retrieval repeating its PayloadID gets the same 271 again" cmp -s "$T/resp" "$T/bres1"

batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$BID1" "$T/270b1"
post "$T/breq" "$BATCH_CT"
retrieve $ACKREQ $PT_ACKREQ
ok_if "a submission repeating its PayloadID is not queued twice" \
  sh -c "grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp' && ! grep -q '<Payload>' '$T/resp'"

x12 270-eligibility.x12 000000802 >"$T/270b2"
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/270b2" "" \
  0000000000000000000000000000000000000000
post "$T/breq" "$BATCH_CT"
ok_if "batch with a wrong CheckSum: CheckSumIllegal" in_resp '<ErrorCode>CheckSumIllegal</ErrorCode>'
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/270b2" 17
post "$T/breq" "$BATCH_CT"
ok_if "batch with a wrong PayloadLength: PayloadLengthIllegal" \
  in_resp '<ErrorCode>PayloadLengthIllegal</ErrorCode>'
x12 278-request-infusions.x12 000000803 >"$T/278b"
batch_soap "$T/breq" $SUBMIT X12_278_Request_005010X217E1_2 "$(new_id)" "$T/278b"
post "$T/breq" "$BATCH_CT"
ok_if "batch of another PayloadType than the 270: PayloadTypeIllegal" \
  in_resp '<ErrorCode>PayloadTypeIllegal</ErrorCode>'
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/278b"
post "$T/breq" "$BATCH_CT"
ok_if "a batch 270 whose payload is a 278: PayloadIllegal" \
  in_resp '<ErrorCode>PayloadIllegal</ErrorCode>'
retrieve $ACKREQ $PT_ACKREQ
ok_if "refused submissions leave nothing waiting" sh -c "! grep -q '<Payload>' '$T/resp'"

x12 270-eligibility.x12 000000804 -e 's/EQ\*30~/EQ*ZZ9~/' >"$T/270bbad"
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/270bbad"
post "$T/breq" "$BATCH_CT"
ok_if "a batch that breaks the guide still gets a Success receipt" \
  in_resp '<ErrorCode>Success</ErrorCode>'
retrieve $ACKREQ $PT_ACKREQ
ok_if "its acknowledgment is a rejecting 999" \
  sh -c "grep -q 'ST\*999' '$T/payload' && grep -q 'IK5\*R' '$T/payload'"
retrieve $RESREQ $PT_RESREQ
ok_if "and no results wait for it" sh -c "! grep -q '<Payload>' '$T/resp'"
x12 270-eligibility.x12 000000805 -e 's/IEA\*1\*000000805/IEA*1*000000899/' >"$T/270bta1"
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/270bta1"
post "$T/breq" "$BATCH_CT"
retrieve $ACKREQ $PT_ACKREQ
ok_if "a batch with a bad interchange: a TA1 waits as its acknowledgment" \
  sh -c "grep -q '<PayloadType>X12_TA1_Response_00501X231A1</PayloadType>' '$T/resp' && grep -q 'TA1\*000000805\*[0-9]*\*[0-9]*\*R\*' '$T/payload'"

# MIME batch: the same fields as form parts, the payload as bytes
bmime()
{
  {
    for kv in "PayloadType=$2" "ProcessingMode=Batch" "PayloadID=$3" \
              "TimeStamp=2026-11-22T14:30:00Z" "SenderID=$BSENDER" \
              "ReceiverID=CEDARVALLEYHP" "CORERuleVersion=2.2.0"; do
      printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' \
        "${kv%%=*}" "${kv#*=}"
    done
    if [ -n "$4" ]; then
      printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="PayloadLength"\r\n\r\n%s\r\n' \
        "$(wc -c <"$4" | tr -d ' ')"
      printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="CheckSum"\r\n\r\n%s\r\n' \
        "$(openssl dgst -sha1 -r "$4" | cut -d' ' -f1)"
      printf -- '--x12kitBoundary7f3a\r\nContent-Disposition: form-data; name="Payload"\r\n\r\n'
      cat "$4"
      printf '\r\n'
    fi
    printf -- '--x12kitBoundary7f3a--\r\n'
  } >"$1"
}
x12 270-eligibility.x12 000000806 >"$T/270b6"
bmime "$T/breq" X12_270_Request_005010X279A1 "$(new_id)" "$T/270b6"
post "$T/breq" "$MIME_CT"
ok_if "MIME batch submission: a MIME receipt with Success and no payload" \
  sh -c "grep -qi '^content-type: multipart/form-data' '$T/hdr' && grep -q 'Success' '$T/resp' && grep -q 'Batch' '$T/resp' && ! grep -q 'name=\"Payload\"' '$T/resp'"
bmime "$T/breq" $PT_RESREQ "$(new_id)"
post "$T/breq" "$MIME_CT"
ok_if "MIME results retrieval: the 271 as bytes" \
  sh -c "grep -q 'X12_271_Response_005010X279A1' '$T/resp' && grep -q 'ST\*271' '$T/resp'"
retrieve $ACKREQ $PT_ACKREQ
ok_if "the acknowledgment of the MIME batch waits too" in_payload 'AK9\*A'

# the limit per sender: 100 accepted submissions fill it, the next is refused
BSENDER=CAPCLINIC
i=1
: >"$T/curlcfg"
while [ $i -le 101 ]; do
  x12 270-eligibility.x12 "$(printf '0000019%02d' $((i % 100)))" >"$T/cap$i.x12"
  [ $i = 101 ] && x12 270-eligibility.x12 000002001 >"$T/cap$i.x12"
  batch_soap "$T/cap$i" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/cap$i.x12"
  [ $i = 1 ] || echo next >>"$T/curlcfg"
  printf 'url = "%s"\ncacert = "%s"\ndata-binary = "@%s"\nheader = "%s"\noutput = "%s"\n' \
    "$URL" "$T/ca.pem" "$T/cap$i" "$(printf '%s' "$BATCH_CT" | sed 's/"/\\"/g')" "$T/cap$i.resp" >>"$T/curlcfg"
  i=$((i + 1))
done
curl -s -K "$T/curlcfg" 2>"$T/curl.err" || tap_diag "curl: $(head -c 300 "$T/curl.err")"
ok_if "submissions up to the limit per sender are received" \
  sh -c "grep -q '<ErrorCode>Success</ErrorCode>' '$T/cap100.resp' && grep -q '<ErrorCode>Success</ErrorCode>' '$T/cap1.resp'"
ok_if "the submission past the limit is refused with ErrorCode Receiver" \
  sh -c "grep -q '<ErrorCode>Receiver</ErrorCode>' '$T/cap101.resp' && grep -q 'retrieve them' '$T/cap101.resp'"
retrieve $ACKREQ $PT_ACKREQ
retrieve $RESREQ $PT_RESREQ
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$(new_id)" "$T/cap101.x12"
post "$T/breq" "$BATCH_CT"
ok_if "retrieving makes room again" in_resp '<ErrorCode>Success</ErrorCode>'
BSENDER=NORTHWINDINF

# the log: one line per request, no patient data
ok_if "the log has a line per request with PayloadID and outcome" \
  grep -q "PayloadID=$ID1 PayloadType=X12_270_Request_005010X279A1 outcome=\"271\"" "$T/main.err"
ok_if "the log holds no member ID or name" \
  sh -c "! grep -q -e CVK300 -e LINDQ -e SAM '$T/main.err'"

main_pid=$(echo $PIDS | cut -d' ' -f1)
kill -TERM "$main_pid"
wait "$main_pid"
ok_if "SIGTERM stops the server with status 0" test $? -eq 0

# ---- credentials ----
printf 'username=clinic\npassword=s3cret-pw\n' >"$T/creds"
chmod 0644 "$T/creds"
run "$CLI" serve --cert "$T/server.pem" --key "$T/server.key" --rules "$RULES" --credentials "$T/creds"
expect 2 "a credentials file others can read is refused" has_err '0600'
chmod 0600 "$T/creds"
sim_start creds --credentials "$T/creds"
x12 270-eligibility.x12 000000401 >"$T/270c"
soap "$T/req" "$T/270c" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT"
ok_if "no credentials: UnAuthorized" in_resp '<ErrorCode>UnAuthorized</ErrorCode>'
soap "$T/req" "$T/270c" X12_270_Request_005010X279A1 "$(new_id)" clinic wrong-pw
post "$T/req" "$SOAP_CT"
ok_if "a wrong password: UnAuthorized" in_resp '<ErrorCode>UnAuthorized</ErrorCode>'
soap "$T/req" "$T/270c" X12_270_Request_005010X279A1 "$(new_id)" clinic s3cret-pw
post "$T/req" "$SOAP_CT"
ok_if "the right credentials: a 271" in_resp 'ST\*271'
ok_if "the password is not logged" sh -c "! grep -q s3cret '$T/creds.err'"

# ---- mutual TLS ----
sim_start mtls --client-ca "$T/ca.pem"
soap "$T/req" "$T/270a" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT" --cert "$T/client.pem" --key "$T/client.key"
ok_if "mutual TLS: a client with a certificate is answered" test "$code" = 200
post "$T/req" "$SOAP_CT"
ok_if "mutual TLS: a client without a certificate is refused" \
  sh -c "[ '$rc' -ne 0 ] && [ '$code' != 200 ]"

# ---- x12kit send, the client of this project, against the simulator ----
send() { run "$CLI" send --endpoint "$URL" --ca "$T/ca.pem" --cert "$T/client.pem" \
  --key "$T/client.key" --sender NORTHWINDINF --receiver CEDARVALLEYHP "$@"; }
x12 270-eligibility.x12 000000701 >"$T/270s1"
send "$T/270s1"
expect 0 "x12kit send over mutual TLS: a 271 for the member" has_out 'EB\*B\*IND\*\*PR\*CEDAR CHOICE PPO\*27\*35'
x12 278-request-infusions.x12 000000702 >"$T/278s1"
send --envelope mime "$T/278s1"
expect 0 "x12kit send with MIME: a certified 278 response" has_out 'HCR\*A1\*CV'
send "$T/270s1"
ok_if "x12kit send of a reused ISA13: refused with TA1 025" \
  sh -c "[ '$rc' -ne 0 ] && grep -q 'TA1\*000000701\*[0-9]*\*[0-9]*\*R\*025' '$T/out'"

# ---- faults ----
n=500
fault_post()
{
  n=$((n + 1))
  x12 270-eligibility.x12 000000$n >"$T/270f"
  FID=$(new_id)
  soap "$T/req" "$T/270f" X12_270_Request_005010X279A1 "$FID"
  post "$T/req" "$SOAP_CT" "$@"
}
sim_start f1 --fault delay=400
fault_post -w '%{http_code} %{time_total}' -o "$T/resp"
t=$(echo "$code" | cut -d' ' -f2)
ok_if "fault delay=400: the answer comes after 0.4 s" \
  sh -c "echo '$t' | awk '{ exit !(\$1 >= 0.4) }' && grep -q 'ST\*271' '$T/resp'"
sim_start f2 --fault drop
fault_post
ok_if "fault drop: the connection closes with no answer" \
  sh -c "[ '$rc' -ne 0 ] && [ ! -s '$T/resp' ]"
sim_start f3 --fault http500
fault_post
ok_if "fault http500: HTTP 500" test "$code" = 500
sim_start f4 --fault soapfault
fault_post
ok_if "fault soapfault: a Receiver SOAP fault" sh -c "[ '$code' = 500 ] && grep -q 'Receiver' '$T/resp' && grep -q 'Fault' '$T/resp'"
sim_start f5 --fault mtom
fault_post
ok_if "fault mtom: a multipart/related answer holding the 271" \
  sh -c "grep -qi '^content-type: multipart/related' '$T/hdr' && grep -q 'ST\*271' '$T/resp'"
sim_start f6 --fault wrong-payload-id
fault_post
ok_if "fault wrong-payload-id: another PayloadID comes back" \
  sh -c "grep -q '<PayloadID>' '$T/resp' && ! grep -q '$FID' '$T/resp'"
sim_start f7 --fault ack999
fault_post
ok_if "fault ack999: a 999 instead of the 271" \
  sh -c "grep -q 'ST\*999' '$T/resp' && grep -q 'AK9\*A' '$T/resp'"
sim_start f8 --fault ta1
fault_post
ok_if "fault ta1: a TA1 instead of the 271" in_resp 'TA1\*000000[0-9]*\*[0-9]*\*[0-9]*\*A\*000'
sim_start f9 --fault drop
x12 270-eligibility.x12 000000811 >"$T/270fb"
FID=$(new_id)
batch_soap "$T/breq" $SUBMIT X12_270_Request_005010X279A1 "$FID" "$T/270fb"
post "$T/breq" "$BATCH_CT"
ok_if "fault drop on a batch submission: no answer" sh -c "[ '$rc' -ne 0 ] && [ ! -s '$T/resp' ]"
post "$T/breq" "$BATCH_CT"
ok_if "the submission repeated with its PayloadID gets the receipt" \
  sh -c "grep -q '<PayloadID>$FID</PayloadID>' '$T/resp' && grep -q '<ErrorCode>Success</ErrorCode>' '$T/resp'"
retrieve $RESREQ $PT_RESREQ
ok_if "fault drop on a results retrieval: no answer" sh -c "[ '$rc' -ne 0 ] && [ ! -s '$T/resp' ]"
retrieve $RESREQ $PT_RESREQ "$RID"
ok_if "the retrieval repeated with its PayloadID gets the 271 it lost" \
  sh -c "grep -q 'NM1\*IL\*1\*LINDQVIST\*SAM' '$T/payload'"
sim_start main2
x12 270-eligibility.x12 000000601 -e 's/CVK300418826/CVK399000002/' -e 's/LINDQVIST\*SAM/SLOW*SAM/' >"$T/270s"
soap "$T/req" "$T/270s" X12_270_Request_005010X279A1 "$(new_id)"
post "$T/req" "$SOAP_CT" -w '%{time_total}'
ok_if "a fault set for one member in the rules file applies to that member" \
  sh -c "echo '$code' | awk '{ exit !(\$1 >= 1.4) }'"
# certified periods from the rules: start and end of an <auth> rule
sed 's|<auth procedure="96365" diagnosis="F332" decision="certified" cert-prefix="CV"/>|<auth procedure="96365" diagnosis="F332" decision="certified" cert-prefix="CV" start="20261201" end="20270531"/>|' \
  "$RULES" >"$T/rules-dates.xml"
RULES_SAVED=$RULES
RULES=$T/rules-dates.xml
sim_start dates
RULES=$RULES_SAVED
x12 278-request-infusions.x12 000000321 >"$T/278d"
soap "$T/req" "$T/278d" X12_278_Request_005010X217E1_2 "$(new_id)"
post "$T/req" "$SOAP_CT"
payload
ok_if "a rule's start and end give the certified period (DTP*007) of its line" \
  sh -c "grep -q 'DTP\*472\*RD8\*20261207-20261231~DTP\*007\*RD8\*20261201-20270531~SV1\*HC:96365\*' '$T/payload' && [ \$(grep -o 'DTP\*007' '$T/payload' | wc -l) = 1 ]"
run "$CLI" validate "$T/payload"
expect 0 "the 278 response with certified periods passes the 005010X217 guide"
sed 's|decision="pended"/>|decision="pended" start="2026-12-01"/>|' "$RULES" >"$T/rules-baddate.xml"
run "$CLI" serve --cert "$T/server.pem" --key "$T/server.key" --rules "$T/rules-baddate.xml"
expect 1 "a rule date not written CCYYMMDD is refused with the line" has_err 'line [0-9]*: start and end'
run "$CLI" serve --cert "$T/server.pem" --key "$T/server.key" --rules "$RULES" --fault bogus
expect 2 "an unknown fault is a usage error"

stop_all
ok_if "no server reported a sanitizer error or crashed" \
  sh -c "! cat '$T'/*.err | grep -q -e Sanitizer -e 'runtime error' -e Segmentation"
