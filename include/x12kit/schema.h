/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * schema.h: implementation-guide maps.
 *
 * A schema is every map in one directory: the transaction guides (270,
 * 271, 278 request and response, 999), the interchange control
 * segments, and the shared code lists.  Each file is checked against
 * x12kit.xsd in the same directory when it is loaded, so a broken map
 * is an error at load time, never a crash later.  A loaded schema is
 * immutable: share it between validators and threads freely, free it
 * after the last user.
 */
#ifndef X12KIT_SCHEMA_H
#define X12KIT_SCHEMA_H

#include <x12kit/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_schema x12kit_schema;
typedef struct x12kit_guide x12kit_guide;

/*
 * The directory maps are read from when none is given: the environment
 * variable X12KIT_SCHEMA_DIR when set, else the installed data
 * directory ($datadir/x12kit/schemas).
 */
X12KIT_EXTERN const char *x12kit_schema_default_dir(void);

/*
 * Loads every *.xml map in |dir| (NULL: x12kit_schema_default_dir()).
 * On failure returns a negative status and, when |err| is not NULL,
 * fills it: the file in err->text with the line and the reason.
 */
X12KIT_EXTERN int x12kit_schema_load(x12kit_schema **out, const char *dir, const x12kit_mem *mem,
                                     x12kit_error *err);
X12KIT_EXTERN void x12kit_schema_free(x12kit_schema *schema);

/* Number of transaction guides, and guide i (0-based). */
X12KIT_EXTERN size_t x12kit_schema_guide_count(const x12kit_schema *schema);
X12KIT_EXTERN const x12kit_guide *x12kit_schema_guide(const x12kit_schema *schema, size_t i);

/*
 * The guide for a transaction: ST01 ("278"), ST03 or GS08
 * ("005010X217") and, where two guides share both, the value of their
 * select element (BHT02 "13" or "11"); |select| may be NULL when not
 * needed.  NULL when no guide fits.
 */
X12KIT_EXTERN const x12kit_guide *x12kit_schema_find(const x12kit_schema *schema, const char *st01,
                                                     const char *version, const char *select);

X12KIT_EXTERN const char *x12kit_guide_id(const x12kit_guide *g);          /* "278-request" */
X12KIT_EXTERN const char *x12kit_guide_name(const x12kit_guide *g);
X12KIT_EXTERN const char *x12kit_guide_transaction(const x12kit_guide *g); /* "278" */
X12KIT_EXTERN const char *x12kit_guide_version(const x12kit_guide *g);     /* "005010X217" */
X12KIT_EXTERN const char *x12kit_guide_functional_id(const x12kit_guide *g); /* "HI" */

/*
 * The description of |value| in the shared code list |list| (a data
 * element number such as "1365", or "I18" for TA1 notes).  NULL when
 * the list or the value is unknown.
 */
X12KIT_EXTERN const char *x12kit_schema_code(const x12kit_schema *schema, const char *list,
                                             const char *value);

/*
 * Calls |cb| for each code of the shared code list |list|, in the order
 * of their values (bytewise), with the code's description (NULL when
 * the list gives none).  Returns X12KIT_OK, X12KIT_ERR_ARG when an
 * argument is NULL or the list is unknown, or X12KIT_ERR_ABORTED as
 * soon as |cb| returns non-zero.
 */
X12KIT_EXTERN int x12kit_schema_codes_each(const x12kit_schema *schema, const char *list,
                                           int (*cb)(void *user_data, const char *value,
                                                     const char *desc),
                                           void *user_data);

/*
 * Calls |cb| with the ID and name of every shared code list, in ID
 * order.  Returns X12KIT_OK, X12KIT_ERR_ARG for a NULL argument, or
 * X12KIT_ERR_ABORTED as soon as |cb| returns non-zero.
 */
X12KIT_EXTERN int x12kit_schema_codelists_each(const x12kit_schema *schema,
                                               int (*cb)(void *user_data, const char *id,
                                                         const char *name),
                                               void *user_data);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_SCHEMA_H */
