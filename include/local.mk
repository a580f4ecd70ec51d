# Public headers, installed under $(includedir)/x12kit.
nobase_include_HEADERS = \
	include/x12kit/x12kit.h \
	include/x12kit/common.h \
	include/x12kit/lexer.h \
	include/x12kit/envelope.h \
	include/x12kit/writer.h \
	include/x12kit/schema.h \
	include/x12kit/validate.h \
	include/x12kit/ack.h \
	include/x12kit/eligibility.h \
	include/x12kit/coverage.h \
	include/x12kit/counter.h \
	include/x12kit/auth.h \
	include/x12kit/auth_response.h \
	include/x12kit/tracker.h \
	include/x12kit/core.h \
	include/x12kit/respond.h \
	include/x12kit/client.h \
	include/x12kit/convert.h \
	include/x12kit/appeal.h
nodist_nobase_include_HEADERS = include/x12kit/version.h
