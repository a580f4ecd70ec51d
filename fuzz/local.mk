# Fuzz targets.  make check replays the seed corpora through the targets
# built with the normal compiler (and sanitizers when enabled);
# fuzz/run-libfuzzer builds the same targets with clang's libFuzzer and
# runs them for a bounded time.
FUZZ_COMMON = fuzz/fuzz_common.c fuzz/fuzz_common.h

check_PROGRAMS += fuzz/replay_lexer fuzz/replay_validate fuzz/replay_core fuzz/replay_convert
fuzz_replay_lexer_SOURCES = fuzz/fuzz_lexer.c fuzz/replay_main.c $(FUZZ_COMMON)
fuzz_replay_lexer_LDADD = src/lib/libx12kit-core.la
fuzz_replay_validate_SOURCES = fuzz/fuzz_validate.c fuzz/replay_main.c $(FUZZ_COMMON)
fuzz_replay_validate_CPPFLAGS = $(AM_CPPFLAGS) \
	-DX12KIT_FUZZ_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"'
fuzz_replay_validate_LDADD = src/lib/libx12kit-core.la
fuzz_replay_core_SOURCES = fuzz/fuzz_core.c fuzz/replay_main.c $(FUZZ_COMMON)
fuzz_replay_core_LDADD = src/lib/libx12kit-core.la
fuzz_replay_convert_SOURCES = fuzz/fuzz_convert.c fuzz/replay_main.c $(FUZZ_COMMON)
fuzz_replay_convert_CPPFLAGS = $(AM_CPPFLAGS) \
	-DX12KIT_FUZZ_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"'
fuzz_replay_convert_LDADD = src/lib/libx12kit-core.la
TESTS += fuzz/replay.sh fuzz/replay-validate.sh fuzz/replay-core.sh fuzz/replay-convert.sh
EXTRA_DIST += fuzz/replay.sh fuzz/replay-validate.sh fuzz/run-libfuzzer fuzz/make-corpus \
	fuzz/README.md fuzz/corpus fuzz/corpus-validate
EXTRA_DIST += fuzz/replay-core.sh fuzz/corpus-core fuzz/replay-convert.sh fuzz/corpus-convert
