/*
 * x12kit - command-line tool: declarations shared by its files.
 */
#ifndef X12KIT_CLI_H
#define X12KIT_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <x12kit/x12kit.h>

/* Exit statuses of every x12kit command.  Documented in --help and docs. */
enum cli_exit {
  CLI_OK = 0,        /* input valid */
  CLI_INVALID = 1,   /* input invalid: lexer error or envelope fault */
  CLI_USAGE = 2,     /* bad command line */
  CLI_IO = 3,        /* cannot open or read input, cannot write output */
  CLI_INTERNAL = 4,  /* out of memory or internal error */
  CLI_REJECTED = 5,  /* the payer rejected the request (AAA) or did not certify it */
  CLI_PENDING = 6    /* the payer has not decided yet (pended, contact the payer) */
};

/* Name that prefixes messages about the tool itself. */
#define CLI_NAME "x12kit"

/* Text listing the exit statuses, for the --help outputs. */
extern const char cli_exit_help[];

/* A command: argv[0] is "x12kit NAME"; returns an enum cli_exit value. */
int cmd_parse(int argc, char **argv);
int cmd_envelope(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_codes(int argc, char **argv);
int cmd_eligibility(int argc, char **argv);
/* "x12kit eligibility explain": cmd_eligibility hands that subcommand over. */
int cmd_eligibility_explain(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_auth(int argc, char **argv);
/* "x12kit auth explain": cmd_auth hands that subcommand over. */
int cmd_auth_explain(int argc, char **argv);
/* "x12kit auth status" and "x12kit auth track". */
int cmd_auth_status(int argc, char **argv);
int cmd_auth_track(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_eligibility_check(int argc, char **argv);
int cmd_auth_submit(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_convert(int argc, char **argv);
/* auth appeal, revise, extend, cancel, checklist: argv[0] names which */
int cmd_auth_appeal(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* The input of a command: a file, or standard input for "-". */
typedef struct cli_input {
  const char *name;  /* for messages: the path as given, or "<stdin>" */
  int fd;
} cli_input;

/* Opens |path|; prints a message and returns CLI_IO on failure. */
int cli_open(cli_input *in, const char *path);
void cli_close(cli_input *in);

/*
 * Called for each segment.  Returns CLI_OK to go on, or an enum
 * cli_exit value that stops the read loop and is returned by cli_lex.
 */
typedef int (*cli_segment_fn)(void *user_data, const x12kit_segment *seg);

/*
 * Reads |in| in 64 KiB chunks, lexes it with |lx| and calls |fn| for
 * every segment.  Returns CLI_OK at a clean end of input, CLI_INVALID
 * after printing a lexer error or when the input holds no segment,
 * CLI_IO after a read error, CLI_INTERNAL when out of memory, or what
 * |fn| returned.
 */
int cli_lex(cli_input *in, x12kit_lexer *lx, cli_segment_fn fn, void *user_data);

/*
 * Reads all of |in| into a new NUL-terminated buffer (free it).  Input
 * longer than |cap| bytes is refused.  Prints a message and returns
 * CLI_IO or CLI_INVALID (too long) or CLI_INTERNAL on failure.
 */
int cli_read_all(cli_input *in, size_t cap, char **buf, size_t *len);

/* Prints "NAME:LINE: <formatted error>" to stderr. */
void cli_print_error(const char *name, const x12kit_error *err);

/* Prints "x12kit: out of memory" and returns CLI_INTERNAL. */
int cli_nomem(void);

/*
 * Loads the implementation-guide maps from |dir| (NULL: the default
 * directory).  Prints a message and returns CLI_INTERNAL when they
 * cannot be loaded.
 */
int cli_load_schema(const char *dir, x12kit_schema **out);

/* Writes |s| to |fp| with control bytes shown as '?'. */
void cli_put_safe(FILE *fp, const char *s);

/*
 * Writes |len| bytes at |buf| to |path| completely or not at all: a
 * temporary file beside it (mode 0600: it holds health information),
 * synced, then renamed over |path|.  On failure prints "cannot save the
 * WHAT to PATH: reason" and returns CLI_IO (CLI_INTERNAL without memory).
 */
int cli_save_file(const char *path, const char *what, const char *buf, size_t len);

/* "s" unless n is 1, for "1 segment" / "2 segments". */
const char *cli_plural(unsigned long n);

/*
 * Reads a command's options with getopt_long: --help and --show-data
 * (when |show_data| is not NULL) plus, for parse, --max-segment (when
 * |max_segment| is not NULL).  Leaves the file operand in *path.
 * Returns -1 to go on, or the exit status when done (help printed,
 * usage error).
 */
int cli_options(int argc, char **argv, const char *usage, const char *help,
                int *show_data, size_t *max_segment, const char **path);

/* ---- shared by the commands that read a whole file ---- */

/*
 * Opens |path| (standard input for "-"), reads all of it with
 * cli_read_all (at most |cap| bytes) and closes it.  *name is set for
 * messages once the file is open.  Prints a message and returns an
 * exit status on failure.
 */
int cli_read_file(const char *path, size_t cap, const char **name, char **buf, size_t *len);

/*
 * The exit status for a reader's failure |rc| on the input |name|:
 * CLI_INTERNAL after "out of memory", else CLI_INVALID after the error.
 */
int cli_read_failed(int rc, const char *name, const x12kit_error *err);

/* The meaning of |code| in the shared code list |list|; "" when unknown or empty. */
const char *cli_code_text(const x12kit_schema *schema, const char *list, const char *code);

/* Prints "x12kit: MSG" and |usage| to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *usage, const char *msg);

/* ---- shared by the builders: eligibility build, auth build ---- */

struct request;
struct req_key;

/*
 * The control number and creation time of the interchange a builder
 * writes.  Its request's keys include "control" (a number) and
 * "created" (YYYY-MM-DDTHH:MM, UTC), and it takes --counter FILE.  The
 * control number is --control, else the next number of the counter of
 * --counter, else the request file's "control", else the next number of
 * the counter named by $X12KIT_COUNTER, else 1; --control and --counter
 * together are a usage error.  A number is taken from a counter only
 * once the request has passed its checks (cli_stamp_take): a refused
 * request uses none.
 */
typedef struct cli_stamp {
  const char *counter;     /* the counter file to take the number from, or NULL */
  unsigned long control;   /* the control number given, else 1 */
  char date[9];            /* "created" as CCYYMMDD, "" when not given */
  char time4[5];           /* and HHMM */
} cli_stamp;

/*
 * "YYYY-MM-DDTHH:MM" into CCYYMMDD and HHMM.  Returns 0, or -1 when |s|
 * is not of that form (the library checks that the date and time are
 * real).
 */
int cli_parse_created(const char *s, char date[9], char time4[5]);

/*
 * Takes the control number from st->counter into *control when there is
 * a counter.  Returns CLI_OK, or after a message naming the counter:
 * CLI_INVALID (the file does not hold a number), CLI_IO, CLI_INTERNAL or
 * CLI_USAGE.
 */
int cli_stamp_take(const cli_stamp *st, unsigned long *control);

/*
 * What a builder brings to cli_build.  Its keys must include "control",
 * "created", "test" and "production".
 */
typedef struct cli_builder {
  const struct req_key *keys;
  size_t nkeys;
  const char *usage;            /* --help prints the usage, a blank line and the help */
  const char *help;
  /* Prints MSG and the usage to stderr; returns CLI_USAGE. */
  int (*usage_error)(const char *msg);
  /*
   * Key |k| (not "control" or "created") given as an option with |arg|
   * (NULL for a flag): sets it in |cli| with request_option and checks
   * it.  Returns -1 to go on, or an exit status after a message.
   */
  int (*option)(struct request *cli, size_t k, const char *arg);
  /* What the request file |name| holds that options do not check, or
     NULL: CLI_OK, or an exit status after a message. */
  int (*check_file)(const struct request *file, const char *name);
  /* Drops what the command line |cli| replaces in |file| beyond its own
     keys, before |cli| overrides the file; or NULL. */
  void (*override)(struct request *file, const struct request *cli);
  /* Checks and writes the request |q| (the command line over the file
     |path|, NULL without one) with |st|; returns the exit status. */
  int (*write)(const struct request *q, const char *dir, const char *path,
               const cli_stamp *st);
} cli_builder;

/*
 * Runs a builder: reads its options (its keys, and --help, --schemas
 * DIR, --counter FILE, --request FILE) and the request file, which the
 * options override (--test or --production on the command line
 * overrides both keys of the file), then calls b->write.  Returns the
 * exit status.
 */
int cli_build(const cli_builder *b, int argc, char **argv);

/*
 * What a command that builds and then sends the request (eligibility
 * check, auth submit) adds to a builder's run: options of its own, its
 * usage and help, and memory instead of standard output for the X12.
 */
typedef struct cli_build_hook {
  /* getopt_long entries of its options; values CLI_HOOK_OPT_BASE and up */
  const struct option *options;
  size_t noptions;
  /* One of |options| with its argument: -1 to go on, or an exit status after a message. */
  int (*option)(void *user_data, int ch, const char *arg);
  /* A builder key given as an option, |arg| NULL for a flag, before the builder takes it; or NULL. */
  void (*key)(void *user_data, const char *name, const char *arg);
  /* Once the options are read and before the request is checked and
     built (no counter number is taken yet): -1 to go on, or an exit
     status after a message.  Or NULL. */
  int (*ready)(void *user_data);
  const char *usage, *help;  /* for --help and cli_build's usage errors */
  void *user_data;
  /* Set by the run: --schemas DIR (or NULL), and the X12 the builder
     wrote (free it) when the run returned CLI_OK with a request built;
     NULL after --help. */
  const char *schemas;
  char *out;
  size_t out_len;
} cli_build_hook;

/* The lowest getopt value of a hook's options: above every builder key's. */
#define CLI_HOOK_OPT_BASE 2000

/* cli_build with |hook| (NULL: as cli_build). */
int cli_build_with(const cli_builder *b, cli_build_hook *hook, int argc, char **argv);

/*
 * A writer for a builder's output, segments ending with a newline:
 * standard output, or memory during a hooked build.  NULL after "out of
 * memory".
 */
x12kit_writer *cli_stdout_writer(void);

/*
 * Flushes and frees |w| after a build that returned |rc|: CLI_OK, or
 * CLI_IO after "cannot write output" (the inputs were checked before:
 * what is left is the output).
 */
int cli_stdout_done(x12kit_writer *w, int rc);

/* Prints "x12kit: " and err->text; CLI_INVALID for X12KIT_ERR_ARG, else CLI_INTERNAL. */
int cli_refused(const x12kit_error *err);

/* The eligibility builder (cmd_eligibility.c), for eligibility check. */
extern const cli_builder cli_eligibility_builder;
/* The 278 request builder (auth build), in cmd_auth.c. */
extern const cli_builder cli_auth_builder;

/* ---- explaining an answer held in memory: eligibility check, auth submit ---- */

/*
 * Reads |len| bytes at |buf| with |lx| as cli_lex reads a file: the
 * same statuses and messages, |name| naming the input.
 */
int cli_lex_buffer(const char *name, const char *buf, size_t len, x12kit_lexer *lx,
                   cli_segment_fn fn, void *user_data);

#define CLI_MAX_QUESTIONS 99

/* What eligibility explain and estimate are asked (cmd_coverage.c). */
typedef struct cli_271_opts {
  const char *cpt[CLI_MAX_QUESTIONS];
  size_t ncpt;
  const char *stc[CLI_MAX_QUESTIONS];
  size_t nstc;
  int json;
  int show_data;
  const char *schemas;
  const char *path;
  /* the estimate: none while sessions is 0 */
  unsigned long sessions;
  long long charge;          /* cents */
  long long allowed;         /* cents, -1 when not given */
  x12kit_network network;
  unsigned long patient;     /* 1-based, 0 when not given */
} cli_271_opts;

/* Empty questions, no estimate, in network. */
void cli_271_opts_init(cli_271_opts *o);

/*
 * An estimate option (|name| "sessions", "charge", "allowed", "network"
 * or "patient") with |arg|, as x12kit estimate reads it: -1 to go on,
 * or CLI_USAGE after a message and |usage|.
 */
int cli_271_estimate_option(cli_271_opts *o, const char *name, const char *arg,
                            const char *usage);

/*
 * Explains the 271 at |buf| as eligibility explain does (|name| stands
 * for the file), then, when o->sessions is set, the estimate for
 * o->cpt[0] as x12kit estimate does (text after the explanation; with
 * JSON an "estimate" member).  Returns the exit status of explain.
 */
int cli_271_explain(const cli_271_opts *o, const char *name, const char *buf, size_t len);

/* Explains the 278 response at |buf| as auth explain does; its exit status. */
int cli_278_explain(const char *name, const char *buf, size_t len, int json, int show_data,
                    const char *schemas);

/*
 * Explains the 999 or TA1 at |buf| as x12kit explain does, on |out|.
 * CLI_OK, or after a message: CLI_INVALID (not an acknowledgment),
 * CLI_IO, CLI_INTERNAL.
 */
int cli_ack_explain(const char *name, const char *buf, size_t len, const char *schemas,
                    FILE *out);

#endif /* X12KIT_CLI_H */
