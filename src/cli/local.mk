# The x12kit command-line tool.  It uses only the public API.
bin_PROGRAMS += src/cli/x12kit
src_cli_x12kit_SOURCES = \
	src/cli/cli.h \
	src/cli/main.c \
	src/cli/util.c \
	src/cli/json.h \
	src/cli/json.c \
	src/cli/cmd_parse.c \
	src/cli/cmd_envelope.c \
	src/cli/cmd_validate.c \
	src/cli/cmd_codes.c \
	src/cli/cmd_eligibility.c \
	src/cli/cmd_coverage.c \
	src/cli/cmd_auth.c \
	src/cli/cmd_auth_explain.c \
	src/cli/cmd_auth_status.c \
	src/cli/cmd_send.c \
	src/cli/connect.h \
	src/cli/connect.c \
	src/cli/cmd_submit.c \
	src/cli/cmd_batch.c \
	src/cli/cmd_convert.c \
	src/cli/cmd_auth_appeal.c \
	src/cli/serve.h \
	src/cli/serve.c \
	src/cli/serve_rules.c \
	src/cli/request.h \
	src/cli/request.c
src_cli_x12kit_CPPFLAGS = $(AM_CPPFLAGS) $(LIBXML2_CFLAGS) $(JANSSON_CFLAGS) $(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS)
src_cli_x12kit_LDADD = src/lib/libx12kit.la $(LIBXML2_LIBS) $(JANSSON_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS)
