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
