# tests/cli/common.sh - the preamble and helpers the CLI tests share.
#
# A test script finds the source tree, then sources this file:
#
#   : "${X12KIT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
#   . "$X12KIT_SRCDIR/tests/cli/common.sh"
#
# which sets the environment defaults (X12KIT_FIXTURES, X12KIT_CLI,
# X12KIT_SCHEMA_DIR, exported), sources tests/tap.sh, sets CLI to the
# binary and T to a scratch directory removed on exit, and defines the
# helpers below.  A script that has already sourced tests/tap.sh and set
# $T itself keeps its own set-up and only gets the helpers.

if [ -z "${tap_count+set}" ]; then
  : "${X12KIT_FIXTURES:=$X12KIT_SRCDIR/fixtures}"
  : "${X12KIT_CLI:=x12kit}"
  : "${X12KIT_SCHEMA_DIR:=$X12KIT_SRCDIR/schemas}"
  export X12KIT_SCHEMA_DIR
  . "$X12KIT_SRCDIR/tests/tap.sh"

  CLI=$X12KIT_CLI
  T=$(mktemp -d) || exit 1
  trap 'rm -rf "$T"' EXIT
  trap 'exit 1' HUP INT TERM
fi

# run CMD...: stdout to $T/out, stderr to $T/err, exit status in $rc.
run()
{
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
}

# No sanitizer report and no crash message on stderr.
clean()
{
  ! grep -q -e 'Sanitizer' -e 'runtime error' -e 'Segmentation' "$T/err"
}

# expect RC DESC [COMMAND...]: ok when the last run exited RC, left a
# clean stderr and COMMAND (if any) succeeds.
expect()
{
  want=$1
  desc=$2
  shift 2
  if [ "$rc" = "$want" ] && clean && { [ $# -eq 0 ] || "$@"; }; then
    tap_ok "$desc"
  else
    tap_not_ok "$desc"
    tap_diag "exit status $rc, wanted $want" "stdout:"
    sed -n '1,10s/^/#   /p' "$T/out"
    tap_diag "stderr:"
    sed -n '1,10s/^/#   /p' "$T/err"
  fi
}

# Whether the last run's stdout or stderr matches (grep -e) a pattern.
has_out() { grep -q -e "$1" "$T/out"; }
has_err() { grep -q -e "$1" "$T/err"; }
no_out() { ! grep -q -e "$1" "$T/out"; }
no_err() { ! grep -q -e "$1" "$T/err"; }
# Whether the last run wrote nothing to stdout or stderr.
empty_out() { ! [ -s "$T/out" ]; }
empty_err() { ! [ -s "$T/err" ]; }

# json EXPR: evaluates a Python expression on the JSON in $T/out (as j).
if command -v python3 >/dev/null 2>&1; then
  json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/out"; }
else
  json() { tap_diag "python3 missing: JSON checked for well-formedness only"; grep -q '^{' "$T/out"; }
fi

# ---- the simulator (x12kit serve) over TLS on loopback ----
#
# For the tests that talk to it.  They skip themselves when openssl is
# missing, make certificates with sim_certs, set
#   trap 'stop_all; rm -rf "$T"' EXIT
# and start servers with sim_start.  $RULES, when set, is the payer
# rules file (default: the bundled sample).

# sim_certs [client] [other]: a test CA ($T/ca.pem, ca.key) and a server
# certificate for 127.0.0.1 and localhost signed by it ($T/server.pem,
# server.key); "client" adds a client certificate signed by the CA
# ($T/client.pem, client.key), "other" a second CA that signed nothing
# the server has ($T/other.pem).  Bails out when openssl fails.
sim_certs()
{
  (
    cd "$T" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj "/CN=x12kit test CA" || exit 1
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
      -subj "/CN=localhost" || exit 1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
      -out server.pem -days 2 -extfile server.ext || exit 1
    for extra in "$@"; do
      case $extra in
        client)
          openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
            -subj "/CN=x12kit test clinic" || exit 1
          openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -out client.pem -days 2 || exit 1 ;;
        other)
          openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 \
            -subj "/CN=x12kit other CA" || exit 1 ;;
      esac
    done
  ) >"$T/openssl.log" 2>&1 || { echo "Bail out! cannot make test certificates"; exit 1; }
}

# The simulators started by sim_start; stop_all stops every one.
PIDS=
stop_all()
{
  for p in $PIDS; do
    kill "$p" 2>/dev/null
  done
  wait 2>/dev/null
  PIDS=
}

# sim_start NAME ARGS...: starts x12kit serve with the test server
# certificate, $RULES and ARGS, its output in $T/NAME.out and
# $T/NAME.err, and waits until it listens.  Sets PORT and URL (PORT is
# empty when it did not start).
sim_start()
{
  name=$1
  shift
  "$CLI" serve --cert "$T/server.pem" --key "$T/server.key" \
    --rules "${RULES:-$X12KIT_FIXTURES/simulator/payer-rules.xml}" "$@" \
    >"$T/$name.out" 2>"$T/$name.err" &
  pid=$!
  PIDS="$PIDS $pid"
  i=0
  while [ $i -lt 200 ] && ! grep -q '^listening on ' "$T/$name.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  PORT=$(sed -n '1s/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/$name.out")
  URL=https://127.0.0.1:$PORT/core
}
