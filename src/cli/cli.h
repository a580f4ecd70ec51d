/*
 * x12kit - command-line tool: declarations shared by its files.
 */
#ifndef X12KIT_CLI_H
#define X12KIT_CLI_H

#include <stdio.h>
#include <x12kit/x12kit.h>

/* Exit statuses of every x12kit command.  Documented in --help and docs. */
enum cli_exit {
  CLI_OK = 0,        /* input valid */
  CLI_INVALID = 1,   /* input invalid: lexer error or envelope fault */
  CLI_USAGE = 2,     /* bad command line */
  CLI_IO = 3,        /* cannot open or read input, cannot write output */
  CLI_INTERNAL = 4   /* out of memory or internal error */
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

#endif /* X12KIT_CLI_H */
