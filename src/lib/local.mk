# libx12kit.  The sources are built once into a convenience library that
# the unit tests link directly (so they can reach x12kitp_ internals),
# and that the installed library wraps with only x12kit_ names exported.
noinst_LTLIBRARIES += src/lib/libx12kit-core.la
src_lib_libx12kit_core_la_SOURCES = \
	src/lib/internal.h \
	src/lib/guide.h \
	src/lib/common.c \
	src/lib/util.c \
	src/lib/lexer.c \
	src/lib/envelope.c \
	src/lib/writer.c \
	src/lib/schema.c \
	src/lib/validate.c \
	src/lib/ack.c \
	src/lib/eligibility.c \
	src/lib/check.c \
	src/lib/coverage.c \
	src/lib/advice.c \
	src/lib/estimate.c \
	src/lib/counter.c \
	src/lib/auth.c \
	src/lib/auth_response.c \
	src/lib/tracker.c \
	src/lib/core.c \
	src/lib/respond.c \
	src/lib/client.c \
	src/lib/convert.c \
	src/lib/appeal.c \
	src/lib/version.c
src_lib_libx12kit_core_la_CPPFLAGS = $(AM_CPPFLAGS) -DBUILDING_X12KIT \
	-DX12KIT_SCHEMA_DIR='"$(pkgdatadir)/schemas"' $(LIBXML2_CFLAGS) $(SQLITE3_CFLAGS) $(LIBCURL_CFLAGS) $(OPENSSL_CFLAGS) $(JANSSON_CFLAGS)
src_lib_libx12kit_core_la_CFLAGS = $(AM_CFLAGS) $(VISIBILITY_CFLAGS)
src_lib_libx12kit_core_la_LIBADD = $(LIBXML2_LIBS) $(SQLITE3_LIBS) $(LIBCURL_LIBS) $(OPENSSL_LIBS) $(JANSSON_LIBS)

lib_LTLIBRARIES += src/lib/libx12kit.la
src_lib_libx12kit_la_SOURCES =
src_lib_libx12kit_la_LIBADD = src/lib/libx12kit-core.la
src_lib_libx12kit_la_LDFLAGS = $(AM_LDFLAGS) -no-undefined \
	-version-info $(X12KIT_LT_CURRENT):$(X12KIT_LT_REVISION):$(X12KIT_LT_AGE) \
	-export-symbols-regex '^x12kit_'

# Implementation-guide maps, installed to $(pkgdatadir)/schemas.
schemadir = $(pkgdatadir)/schemas
dist_schema_DATA = \
	schemas/x12kit.xsd \
	schemas/x12kit-document.xsd \
	schemas/codes-eligibility.xml \
	schemas/codes-auth.xml \
	schemas/codes-ack.xml \
	schemas/codes-clinical.xml \
	schemas/control.xml \
	schemas/270.xml \
	schemas/271.xml \
	schemas/278-request.xml \
	schemas/278-response.xml \
	schemas/999.xml
