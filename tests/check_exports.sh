#!/bin/sh
# The shared library exports exactly the functions the public headers
# declare with X12KIT_EXTERN, every one of them named x12kit_*, and every
# name the headers define carries the x12kit_/X12KIT_ prefix.
. "$X12KIT_SRCDIR/tests/tap.sh"

lib=$X12KIT_LIB
headers=$X12KIT_SRCDIR/include/x12kit
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$lib" ]; then
  tap_skip "exported symbols" "no shared library was built"
  tap_done
  exit 0
fi

nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort > "$tmp/exported"
# X12KIT_EXTERN declarations may span lines: drop preprocessor lines, join
# the rest, and take the name before each declaration's '('.
grep -h -v '^#' "$headers"/*.h | tr '\n' ' ' | tr ';' '\n' |
  sed -n 's/.*X12KIT_EXTERN[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)[ ]*(.*/\1/p' | sort > "$tmp/declared"

tap_check "the library exports some functions" test -s "$tmp/exported"
tap_check "the headers declare some functions" test -s "$tmp/declared"
if cmp -s "$tmp/exported" "$tmp/declared"; then
  tap_ok "exported functions are exactly the declared ones ($(wc -l < "$tmp/exported"))"
else
  tap_not_ok "exported functions differ from the declared ones"
  diff "$tmp/declared" "$tmp/exported" | sed 's/^/# /'
fi
bad=$(grep -v '^x12kit_' "$tmp/exported")
if [ -z "$bad" ]; then
  tap_ok "every exported function is named x12kit_*"
else
  tap_not_ok "exported without the prefix: $bad"
fi

# Names the headers introduce: struct and enum tags, typedef names
# (closing "} name;" and function pointers "(*name)"), macros, enumerators.
grep -h -o -E 'struct [A-Za-z_][A-Za-z0-9_]*|enum [A-Za-z_][A-Za-z0-9_]*|typedef [a-z_ *]*\(\*[A-Za-z_][A-Za-z0-9_]*\)|^\} [A-Za-z_][A-Za-z0-9_]*;|^typedef [A-Za-z_ ]+ [A-Za-z_][A-Za-z0-9_]*;|^#define [A-Za-z_][A-Za-z0-9_]*' \
  "$headers"/*.h | sed 's/^struct //; s/^enum //; s/^#define //; s/^typedef [a-z_ *]*(//; s/^typedef [A-Za-z_ ]* //; s/[(*)};]//g; s/^ *//' > "$tmp/names"
grep -h -o -E '^  [A-Z][A-Z0-9_]* *[=,]' "$headers"/*.h | sed 's/[ =,]//g' >> "$tmp/names"
sort -u -o "$tmp/names" "$tmp/names"
unprefixed=$(grep -v -E '^(x12kit_|X12KIT_)' "$tmp/names")
if [ -z "$unprefixed" ]; then
  tap_ok "every name the headers define carries the prefix ($(wc -l < "$tmp/names"))"
else
  tap_not_ok "names without the prefix: $(echo $unprefixed)"
fi
tap_done
