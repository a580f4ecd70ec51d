#!/bin/sh
# x12kit - make check: replays the seed corpus and every *.x12 fixture
# through the fuzz target, built with the normal compiler (and with
# ASan/UBSan when configured with --enable-sanitizers).  Prints TAP; a
# crash or a sanitizer report is the failure.
#
# Runs from the build directory.  X12KIT_SRCDIR and X12KIT_FIXTURES come
# from make check; by default they are found next to this script.

srcdir=${X12KIT_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
fixtures=${X12KIT_FIXTURES:-$srcdir/fixtures}
prog=./fuzz/replay_lexer

if [ ! -x "$prog" ]; then
  echo "Bail out! $prog not built (run make check)"
  exit 1
fi

set -- "$srcdir/fuzz/corpus"
if [ -d "$fixtures" ]; then
  list=$(find "$fixtures" -type f -name '*.x12' | LC_ALL=C sort)
  while IFS= read -r f; do
    [ -n "$f" ] && set -- "$@" "$f"
  done <<EOT
$list
EOT
fi

exec "$prog" "$@"
