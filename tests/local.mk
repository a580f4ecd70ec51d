# Tests.  Every test program speaks TAP, so the harness counts single
# test cases (cmocka prints TAP when CMOCKA_MESSAGE_OUTPUT=TAP).
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	X12KIT_FIXTURES='$(abs_top_srcdir)/fixtures'; export X12KIT_FIXTURES; \
	X12KIT_CLI='$(abs_top_builddir)/src/cli/x12kit'; export X12KIT_CLI; \
	X12KIT_LIB='$(abs_top_builddir)/src/lib/.libs/libx12kit.so'; export X12KIT_LIB; \
	X12KIT_SRCDIR='$(abs_top_srcdir)'; export X12KIT_SRCDIR; \
	X12KIT_SCHEMA_DIR='$(abs_top_srcdir)/schemas'; export X12KIT_SCHEMA_DIR; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0; export ASAN_OPTIONS; \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; export UBSAN_OPTIONS;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = src/lib/libx12kit-core.la $(CMOCKA_LIBS)
UNIT_COMMON = tests/unit/testutil.c tests/unit/testutil.h

check_PROGRAMS += tests/unit/test_lexer tests/unit/test_envelope tests/unit/test_writer \
	tests/unit/test_schema tests/unit/test_validate tests/unit/test_ack \
	tests/unit/test_eligibility tests/unit/test_coverage tests/unit/test_estimate \
	tests/unit/test_auth tests/unit/test_auth_response tests/unit/test_tracker \
	tests/unit/test_core tests/unit/test_respond tests/unit/test_client \
	tests/unit/test_convert tests/unit/test_appeal
tests_unit_test_lexer_SOURCES = tests/unit/test_lexer.c $(UNIT_COMMON)
tests_unit_test_lexer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lexer_LDADD = $(UNIT_LDADD)
tests_unit_test_envelope_SOURCES = tests/unit/test_envelope.c $(UNIT_COMMON)
tests_unit_test_envelope_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_envelope_LDADD = $(UNIT_LDADD)
tests_unit_test_writer_SOURCES = tests/unit/test_writer.c $(UNIT_COMMON)
tests_unit_test_writer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_writer_LDADD = $(UNIT_LDADD)
tests_unit_test_schema_SOURCES = tests/unit/test_schema.c $(UNIT_COMMON)
tests_unit_test_schema_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_schema_LDADD = $(UNIT_LDADD)
tests_unit_test_validate_SOURCES = tests/unit/test_validate.c $(UNIT_COMMON)
tests_unit_test_validate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_validate_LDADD = $(UNIT_LDADD)
tests_unit_test_ack_SOURCES = tests/unit/test_ack.c $(UNIT_COMMON)
tests_unit_test_ack_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ack_LDADD = $(UNIT_LDADD)
tests_unit_test_eligibility_SOURCES = tests/unit/test_eligibility.c $(UNIT_COMMON)
tests_unit_test_eligibility_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_eligibility_LDADD = $(UNIT_LDADD)
tests_unit_test_coverage_SOURCES = tests/unit/test_coverage.c $(UNIT_COMMON)
tests_unit_test_coverage_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_coverage_LDADD = $(UNIT_LDADD)
tests_unit_test_estimate_SOURCES = tests/unit/test_estimate.c $(UNIT_COMMON)
tests_unit_test_estimate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_estimate_LDADD = $(UNIT_LDADD)
tests_unit_test_auth_SOURCES = tests/unit/test_auth.c $(UNIT_COMMON)
tests_unit_test_auth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_auth_LDADD = $(UNIT_LDADD)
tests_unit_test_auth_response_SOURCES = tests/unit/test_auth_response.c $(UNIT_COMMON)
tests_unit_test_auth_response_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_auth_response_LDADD = $(UNIT_LDADD)
tests_unit_test_tracker_SOURCES = tests/unit/test_tracker.c $(UNIT_COMMON)
tests_unit_test_tracker_CFLAGS = $(UNIT_CFLAGS) $(SQLITE3_CFLAGS)
tests_unit_test_tracker_LDADD = $(UNIT_LDADD) $(SQLITE3_LIBS)
tests_unit_test_core_SOURCES = tests/unit/test_core.c $(UNIT_COMMON)
tests_unit_test_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_core_LDADD = $(UNIT_LDADD)
tests_unit_test_respond_SOURCES = tests/unit/test_respond.c $(UNIT_COMMON)
tests_unit_test_respond_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_respond_LDADD = $(UNIT_LDADD)
tests_unit_test_client_SOURCES = tests/unit/test_client.c $(UNIT_COMMON)
tests_unit_test_client_CFLAGS = $(UNIT_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_test_client_LDADD = $(UNIT_LDADD) $(OPENSSL_LIBS)
tests_unit_test_convert_SOURCES = tests/unit/test_convert.c $(UNIT_COMMON)
tests_unit_test_convert_CFLAGS = $(UNIT_CFLAGS) $(LIBXML2_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_convert_LDADD = $(UNIT_LDADD) $(LIBXML2_LIBS) $(JANSSON_LIBS)
tests_unit_test_appeal_SOURCES = tests/unit/test_appeal.c $(UNIT_COMMON)
tests_unit_test_appeal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_appeal_LDADD = $(UNIT_LDADD)

TESTS += \
	tests/unit/test_lexer \
	tests/unit/test_envelope \
	tests/unit/test_writer \
	tests/unit/test_schema \
	tests/unit/test_validate \
	tests/unit/test_ack \
	tests/unit/test_eligibility \
	tests/unit/test_coverage \
	tests/unit/test_estimate \
	tests/unit/test_auth \
	tests/unit/test_auth_response \
	tests/unit/test_tracker \
	tests/unit/test_core \
	tests/unit/test_respond \
	tests/unit/test_client \
	tests/unit/test_convert \
	tests/unit/test_appeal \
	tests/cli/test_cli.sh \
	tests/cli/test_validate.sh \
	tests/cli/test_codes.sh \
	tests/cli/test_eligibility.sh \
	tests/cli/test_coverage.sh \
	tests/cli/test_auth.sh \
	tests/cli/test_auth_explain.sh \
	tests/cli/test_auth_status.sh \
	tests/cli/test_connect.sh \
	tests/cli/test_check.sh \
	tests/cli/test_batch.sh \
	tests/cli/test_convert.sh \
	tests/cli/test_appeal.sh \
	tests/check_exports.sh
EXTRA_DIST += tests/cli/common.sh tests/cli/test_cli.sh tests/cli/test_validate.sh tests/cli/test_codes.sh tests/cli/test_eligibility.sh tests/cli/test_coverage.sh tests/cli/test_auth.sh tests/cli/test_auth_explain.sh tests/cli/test_auth_status.sh tests/cli/test_connect.sh tests/cli/test_check.sh tests/cli/test_batch.sh tests/cli/test_convert.sh tests/cli/test_appeal.sh tests/check_exports.sh tests/tap.sh
