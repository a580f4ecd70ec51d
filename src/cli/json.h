/*
 * x12kit - command-line tool: JSON output over jansson, shared by the
 * commands that write --json.
 *
 * The builders tolerate NULL on the way in, so a document is built
 * without a check after each call.  A failed allocation sets
 * cli_json_failed, which cli_json_print checks once before anything is
 * written: a partial document is never printed.
 */
#ifndef X12KIT_CLI_JSON_H
#define X12KIT_CLI_JSON_H

#include <jansson.h>

/* Set by a failed allocation in the builders; a command may clear it. */
extern int cli_json_failed;

/* Text as a JSON string ("" for NULL); bytes outside printable ASCII become '?'. */
json_t *cli_jstr(const char *s);

/* As cli_jstr, or null when |s| is NULL or empty. */
json_t *cli_jopt(const char *s);

/* {"code": CODE, "meaning": MEANING}, or null when |code| is NULL or empty. */
json_t *cli_jcode(const char *code, const char *meaning);

/* Adds |v| to |obj| under |key|, or to the end of |arr|; takes |v|. */
void cli_jset(json_t *obj, const char *key, json_t *v);
void cli_jpush(json_t *arr, json_t *v);

/*
 * Writes |root| to standard output, indented by 2, keys in insertion
 * order, then a newline, and flushes.  Returns CLI_OK; CLI_INTERNAL
 * after "out of memory" when |root| is NULL, a builder failed or
 * json_dumps did; CLI_IO after "cannot write the output".  |root| stays
 * the caller's.
 */
int cli_json_print(json_t *root);

#endif /* X12KIT_CLI_JSON_H */
