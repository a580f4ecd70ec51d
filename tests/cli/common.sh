# tests/cli/common.sh - helpers the CLI tests share.  Sourced after
# tests/tap.sh, with $T set to the test's scratch directory.

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

