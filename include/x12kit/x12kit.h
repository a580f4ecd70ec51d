/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * The only header applications need:
 *
 *     #include <x12kit/x12kit.h>
 *
 * Threading: handles (lexer, envelope checker, writer, validator,
 * acknowledgment builder) are not shared between threads; use one per
 * thread.  A loaded schema is immutable and may be shared.  Functions
 * without a handle are safe to call from any thread.
 */
#ifndef X12KIT_X12KIT_H
#define X12KIT_X12KIT_H

#include <x12kit/version.h>
#include <x12kit/common.h>
#include <x12kit/lexer.h>
#include <x12kit/envelope.h>
#include <x12kit/writer.h>
#include <x12kit/schema.h>
#include <x12kit/validate.h>
#include <x12kit/ack.h>
#include <x12kit/eligibility.h>
#include <x12kit/coverage.h>
#include <x12kit/counter.h>
#include <x12kit/auth.h>
#include <x12kit/auth_response.h>
#include <x12kit/tracker.h>
#include <x12kit/core.h>
#include <x12kit/respond.h>
#include <x12kit/client.h>
#include <x12kit/convert.h>
#include <x12kit/appeal.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the library actually linked, "MAJOR.MINOR.PATCH". */
X12KIT_EXTERN const char *x12kit_version(void);
/* X12KIT_VERSION_NUM of the library actually linked. */
X12KIT_EXTERN unsigned long x12kit_version_num(void);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_X12KIT_H */
