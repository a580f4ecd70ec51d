#!/bin/sh
# x12kit - make check: replays fuzz/corpus-validate and every fixture
# (*.x12, and the expected *.999 acknowledgments, which the explainer
# reads) through the validation fuzz target, built with the normal
# compiler (and with ASan/UBSan when configured with --enable-sanitizers).
# Prints TAP; a crash or a sanitizer report is the failure.
#
# Runs from the build directory.  X12KIT_SRCDIR, X12KIT_FIXTURES and
# X12KIT_SCHEMA_DIR come from make check; by default they are found next
# to this script (the program also knows the source tree's schemas/).

srcdir=${X12KIT_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
fixtures=${X12KIT_FIXTURES:-$srcdir/fixtures}
prog=./fuzz/replay_validate

if [ ! -x "$prog" ]; then
  echo "Bail out! $prog not built (run make check)"
  exit 1
fi

set -- "$srcdir/fuzz/corpus-validate"
if [ -d "$fixtures" ]; then
  list=$(find "$fixtures" -type f \( -name '*.x12' -o -name '*.999' \) | LC_ALL=C sort)
  while IFS= read -r f; do
    [ -n "$f" ] && set -- "$@" "$f"
  done <<EOT
$list
EOT
fi

exec "$prog" "$@"
