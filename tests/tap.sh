# tests/tap.sh - a small TAP producer for shell tests.  POSIX sh.
#
#   . "$X12KIT_SRCDIR/tests/tap.sh"
#   tap_plan 3              # optional: without it tap_done prints the plan
#   tap_ok "it works"
#   tap_not_ok "it broke"
#   tap_check "file exists" test -f some/file
#   tap_skip "needs /dev/full" "no /dev/full here"
#   tap_diag "text shown as a TAP comment"
#   tap_done                # trailing plan and a summary comment
#
# Descriptions must not contain '#', which starts a TAP directive.

tap_count=0
tap_failed=0
tap_planned=

tap_plan()
{
  tap_planned=$1
  echo "1..$1"
}

tap_ok()
{
  tap_count=$((tap_count + 1))
  echo "ok $tap_count - $*"
}

tap_not_ok()
{
  tap_count=$((tap_count + 1))
  tap_failed=$((tap_failed + 1))
  echo "not ok $tap_count - $*"
}

tap_skip()
{
  tap_count=$((tap_count + 1))
  echo "ok $tap_count - $1 # SKIP $2"
}

# tap_check DESC COMMAND...: ok when COMMAND succeeds.
tap_check()
{
  tap_desc=$1
  shift
  if "$@"; then
    tap_ok "$tap_desc"
  else
    tap_not_ok "$tap_desc"
  fi
}

# Each argument becomes one comment line.
tap_diag()
{
  for tap_line in "$@"; do
    printf '# %s\n' "$tap_line"
  done
}

tap_done()
{
  if [ -z "$tap_planned" ]; then
    echo "1..$tap_count"
  elif [ "$tap_planned" -ne "$tap_count" ]; then
    tap_diag "planned $tap_planned tests but ran $tap_count"
  fi
  tap_diag "$tap_failed of $tap_count tests failed"
}
