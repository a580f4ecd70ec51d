# The x12kit command-line tool.  It uses only the public API.
bin_PROGRAMS += src/cli/x12kit
src_cli_x12kit_SOURCES = \
	src/cli/cli.h \
	src/cli/main.c \
	src/cli/util.c \
	src/cli/cmd_parse.c \
	src/cli/cmd_envelope.c \
	src/cli/cmd_validate.c \
	src/cli/cmd_codes.c \
	src/cli/cmd_eligibility.c
src_cli_x12kit_LDADD = src/lib/libx12kit.la
