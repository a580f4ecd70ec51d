# Benchmarks: built by make, run by scripts/bench (never by make check).
noinst_PROGRAMS += bench/bench_lexer
EXTRA_DIST += bench/README.md
bench_bench_lexer_SOURCES = bench/bench_lexer.c
bench_bench_lexer_LDADD = src/lib/libx12kit-core.la
