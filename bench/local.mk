# Benchmarks: built by make, run by scripts/bench (never by make check).
noinst_PROGRAMS += bench/bench_lexer bench/bench_validate bench/bench_connect bench/bench_convert
EXTRA_DIST += bench/README.md
BENCH_GEN271 = bench/gen271.c bench/gen271.h
bench_bench_lexer_SOURCES = bench/bench_lexer.c $(BENCH_GEN271)
bench_bench_lexer_LDADD = src/lib/libx12kit-core.la
bench_bench_validate_SOURCES = bench/bench_validate.c $(BENCH_GEN271)
bench_bench_validate_CPPFLAGS = $(AM_CPPFLAGS) \
	-DX12KIT_BENCH_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"'
bench_bench_validate_LDADD = src/lib/libx12kit-core.la
bench_bench_connect_SOURCES = bench/bench_connect.c
bench_bench_connect_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS) $(LIBCURL_CFLAGS) \
	-DX12KIT_BENCH_SRCDIR='"$(abs_top_srcdir)"'
bench_bench_connect_LDADD = src/lib/libx12kit-core.la $(OPENSSL_LIBS) $(LIBCURL_LIBS)
bench_bench_convert_SOURCES = bench/bench_convert.c $(BENCH_GEN271)
bench_bench_convert_CPPFLAGS = $(AM_CPPFLAGS) \
	-DX12KIT_BENCH_SCHEMA_DIR='"$(abs_top_srcdir)/schemas"'
bench_bench_convert_LDADD = src/lib/libx12kit-core.la
