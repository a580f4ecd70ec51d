/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * validate.h: implementation-guide validation and the loop tree.
 *
 * Feed the validator the segments the lexer gives.  It runs the
 * envelope checks, picks the guide for each transaction (ST01, ST03,
 * and BHT02 where two guides share them), walks the segments against
 * the guide's loops, and reports every finding with its TR3 location:
 * loop ID, segment position in the transaction (ST = 1), element,
 * component and repetition, and the 999 code (IK304 for a segment,
 * IK403 for an element, IK5 and AK9 from the envelope checks).
 *
 * When a transaction ends, the transaction callback receives its loop
 * tree: each loop instance and segment in order, with segments readable
 * through the lexer's accessors.  The tree lives only during the call,
 * so memory follows the size of one transaction, not of the file.
 *
 * Messages name loops, segments, positions and codes; a value is copied
 * into x12kit_error.value only after x12kit_validator_set_show_data().
 */
#ifndef X12KIT_VALIDATE_H
#define X12KIT_VALIDATE_H

#include <x12kit/common.h>
#include <x12kit/lexer.h>
#include <x12kit/envelope.h>
#include <x12kit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12kit_validator x12kit_validator;
typedef struct x12kit_node x12kit_node;

typedef enum x12kit_node_kind {
  X12KIT_NODE_LOOP = 1,
  X12KIT_NODE_SEGMENT = 2
} x12kit_node_kind;

/*
 * Called once per transaction, before its TRANSACTION_END event.
 * |guide| is NULL when no guide fits the transaction (then |root| holds
 * its segments flat).  Non-zero stops with X12KIT_ERR_ABORTED.
 */
typedef int (*x12kit_transaction_cb)(void *user_data, const x12kit_guide *guide,
                                     const x12kit_transaction_info *st, const x12kit_node *root);

/* |schema| must outlive the validator; it is not copied. */
X12KIT_EXTERN int x12kit_validator_new(x12kit_validator **out, const x12kit_schema *schema,
                                       const x12kit_mem *mem);
X12KIT_EXTERN void x12kit_validator_free(x12kit_validator *v);
X12KIT_EXTERN void x12kit_validator_reset(x12kit_validator *v);
X12KIT_EXTERN void x12kit_validator_set_show_data(x12kit_validator *v, int show);

/*
 * Off by default.  When on, segments are still placed into loops, the
 * loop tree is the same and segment, loop, HL and envelope findings are
 * still reported, but no segment's elements are checked against the
 * guide (values, codes, lengths, repeats, syntax and date rules): no
 * element findings, which x12kit_validator_error_count() then leaves out
 * too.  For callers that want the loop tree and not a validation, such as
 * the conversions; about a fifth faster.  Kept by x12kit_validator_reset().
 */
X12KIT_EXTERN void x12kit_validator_set_skip_elements(x12kit_validator *v, int skip);

/*
 * Any callback may be NULL.  Envelope events and findings arrive in
 * input order; a finding is about the unit (interchange, group,
 * transaction) open when it arrives.
 */
X12KIT_EXTERN void x12kit_validator_set_callbacks(x12kit_validator *v,
                                                  x12kit_envelope_event_cb on_event,
                                                  x12kit_error_cb on_finding,
                                                  x12kit_transaction_cb on_transaction,
                                                  void *user_data);

/* Checks one segment.  Returns X12KIT_OK, X12KIT_ERR_ABORTED or X12KIT_ERR_NOMEM. */
X12KIT_EXTERN int x12kit_validator_segment(x12kit_validator *v, const x12kit_segment *seg);

/* End of input: closes and reports whatever is still open. */
X12KIT_EXTERN int x12kit_validator_finish(x12kit_validator *v);

/* Findings reported since creation or reset (envelope faults included). */
X12KIT_EXTERN unsigned long x12kit_validator_error_count(const x12kit_validator *v);

/* ---- the loop tree ---- */

X12KIT_EXTERN x12kit_node_kind x12kit_node_kind_of(const x12kit_node *n);

/* Loop ID ("2100C"; "" for the transaction itself) or segment ID ("NM1"). */
X12KIT_EXTERN const char *x12kit_node_id(const x12kit_node *n);

/* The guide's name for the loop or segment ("Subscriber Name"); "" when unknown. */
X12KIT_EXTERN const char *x12kit_node_name(const x12kit_node *n);

X12KIT_EXTERN const x12kit_node *x12kit_node_parent(const x12kit_node *n);
X12KIT_EXTERN const x12kit_node *x12kit_node_first_child(const x12kit_node *n);
X12KIT_EXTERN const x12kit_node *x12kit_node_next(const x12kit_node *n);

/* The segment of a segment node (NULL for a loop): use the lexer's accessors on it. */
X12KIT_EXTERN const x12kit_segment *x12kit_node_segment(const x12kit_node *n);

/*
 * The first node below |n| along |path|, IDs separated by '/':
 * "2000A/2000B/2000C/2100C/NM1".  Each step looks among the children of
 * the node reached so far.  NULL when there is none.
 */
X12KIT_EXTERN const x12kit_node *x12kit_node_find(const x12kit_node *n, const char *path);

/*
 * An element of a segment node by reference designator ("NM109") or by
 * the guide's element name ("Subscriber Primary Identifier", any case).
 * An empty slice when absent.
 */
X12KIT_EXTERN x12kit_slice x12kit_node_element(const x12kit_node *n, const char *name);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_VALIDATE_H */
