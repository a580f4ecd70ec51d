# Fuzz targets.  make check replays the seed corpus through the target
# built with the normal compiler (and sanitizers when enabled);
# fuzz/run-libfuzzer builds the same target with clang's libFuzzer and
# runs it for a bounded time.
check_PROGRAMS += fuzz/replay_lexer
fuzz_replay_lexer_SOURCES = fuzz/fuzz_lexer.c fuzz/replay_main.c
fuzz_replay_lexer_LDADD = src/lib/libx12kit-core.la
TESTS += fuzz/replay.sh
EXTRA_DIST += fuzz/replay.sh fuzz/run-libfuzzer fuzz/make-corpus fuzz/README.md fuzz/corpus
