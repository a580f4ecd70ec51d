/*
 * x12kit - command-line tool: a request given in a file (--request FILE,
 * JSON or XML) or on the command line, described by a table of keys.
 *
 * Every key is also a command-line option of the same name ("payer-id"
 * and --payer-id), so a command reads both into the same values and
 * lets the command line override the file.  A command brings its own
 * table (eligibility build today; the 278 builder can bring another),
 * and one key of the table may hold a list of items (the patients), each
 * item taking the keys marked REQ_ITEM.  docs/request-format.md
 * describes the two file formats.
 */
#ifndef X12KIT_CLI_REQUEST_H
#define X12KIT_CLI_REQUEST_H

#include <getopt.h>
#include <stddef.h>

/* The largest request file read. */
#define REQUEST_MAX_BYTES (1024u * 1024u)

/* Option values of the keys given on the command line: REQUEST_OPT_BASE + key index. */
#define REQUEST_OPT_BASE 1000

/* What a key holds. */
typedef enum req_kind {
  REQ_TEXT,   /* JSON string; XML element with text; option with a value */
  REQ_LIST,   /* JSON array of strings; XML element repeated; option repeated */
  REQ_NUMBER, /* JSON whole number; XML digits; option with digits */
  REQ_FLAG,   /* JSON true or false; XML empty element (or true, false); option alone */
  REQ_ITEMS   /* JSON array of objects; XML elements named |item| repeated; no option */
} req_kind;

/* Where a key may be given. */
#define REQ_TOP 1u  /* in the request itself (and as an option) */
#define REQ_ITEM 2u /* in each item of the REQ_ITEMS key */

typedef struct req_key {
  const char *name;  /* the key, and the option without "--" */
  req_kind kind;
  unsigned where;    /* REQ_TOP, REQ_ITEM or both */
  const char *item;  /* REQ_ITEMS: the XML element name of one item ("patient") */
} req_key;

/* The value of one key in the request or in one item. */
typedef struct req_value {
  int set;              /* given (a flag given as false is set, with flag 0) */
  const char *text;     /* REQ_TEXT */
  unsigned long number; /* REQ_NUMBER */
  int flag;             /* REQ_FLAG */
  const char **list;    /* REQ_LIST: nlist strings */
  size_t nlist;
  size_t cap;           /* private: > 0 when |list| is this value's own array */
} req_value;

typedef struct request {
  const req_key *keys;
  size_t nkeys;
  req_value *top;    /* nkeys values */
  req_value *items;  /* nitems * nkeys values: item i, key k at items[i * nkeys + k] */
  size_t nitems;
  void **owned;      /* every string and array the values point to */
  size_t nowned, capowned;
} request;

/*
 * Starts an empty request over |keys|.  Returns 0, or -1 when out of
 * memory (after printing it).
 */
int request_init(request *rq, const req_key *keys, size_t nkeys);
void request_free(request *rq);

/* The index of the key |name|, or -1. */
int request_key(const request *rq, const char *name);

/* Value of key |k| in item |i| (0-based). */
req_value *request_item(const request *rq, size_t i, size_t k);

/*
 * The getopt_long options of the keys given at the top (REQUEST_OPT_BASE
 * + key index), after |extra| (|nextra| entries, no terminator), with
 * the terminating entry.  Free the array.  NULL when out of memory.
 */
struct option *request_options(const request *rq, const struct option *extra, size_t nextra);

/*
 * Sets key |k| at the top from a command-line option: its argument
 * |arg| (NULL for a flag).  A list option adds to the list.  Returns 0,
 * -1 when a number is not written in digits, or -2 when out of memory.
 */
int request_option(request *rq, size_t k, const char *arg);

/*
 * Reads the request file |path| ("-" for standard input) into |rq|,
 * which must be empty: JSON when its first character other than
 * blanks (and a UTF-8 byte-order mark) is '{', XML when it is '<'.
 * Unknown keys, keys in the wrong place, values of the wrong type, keys
 * given twice, malformed JSON or XML, a DOCTYPE or a file over
 * REQUEST_MAX_BYTES are refused.  Prints the message (naming the file,
 * the line for XML, the key and the item, never a value) and returns an
 * enum cli_exit value: CLI_OK, CLI_USAGE for a refused file, CLI_IO,
 * CLI_INTERNAL.
 */
int request_read(request *rq, const char *path);

/*
 * Gives |over|'s top values to |rq| where |over| has them set (the
 * command line over the file).  |over| keeps ownership: free it after
 * |rq|.
 */
void request_override(request *rq, const request *over);

#endif /* X12KIT_CLI_REQUEST_H */
