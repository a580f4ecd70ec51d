#!/bin/sh
# x12kit - make check: replays fuzz/corpus-convert through the conversion
# fuzz target, built with the normal compiler (and with ASan/UBSan when
# configured with --enable-sanitizers).  Prints TAP; a crash or a
# sanitizer report is the failure.
#
# Runs from the build directory.  X12KIT_SRCDIR comes from make check;
# by default it is found next to this script.

srcdir=${X12KIT_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
prog=./fuzz/replay_convert

if [ ! -x "$prog" ]; then
  echo "Bail out! $prog not built (run make check)"
  exit 1
fi

exec "$prog" "$srcdir/fuzz/corpus-convert"
