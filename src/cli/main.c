/*
 * x12kit - command-line tool: global options and command dispatch.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "cli.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
  { "parse", cmd_parse, "list the segments of an X12 file with their positions" },
  { "envelope", cmd_envelope, "check ISA/GS/ST envelopes and print their outline" },
  { "validate", cmd_validate, "check against the implementation guides; write a 999 or TA1" },
  { "explain", cmd_explain, "explain a 999 or TA1 acknowledgment in plain words" },
  { "codes", cmd_codes, "look up code lists: ketamine codes, a list, or a search" },
  { "eligibility", cmd_eligibility, "build a 270 inquiry, explain a 271 answer, or check in one step" },
  { "auth", cmd_auth, "prior authorization: build, submit, explain, track, appeal a 278" },
  { "send", cmd_send, "send an X12 request to a clearinghouse over CORE (SOAP or MIME, TLS)" },
  { "batch", cmd_batch, "submit a batch of X12 over CORE and fetch its 999 and results" },
  { "convert", cmd_convert, "convert X12 to XML or JSON with its loops, and back" },
  { "serve", cmd_serve, "run the clearinghouse simulator (CORE over TLS) for tests" },
  { "estimate", cmd_estimate, "what the patient pays for a series of sessions, from a 271" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char usage_text[] =
  "Usage: " CLI_NAME " [--help] [--version] COMMAND [OPTIONS] FILE|-\n"
  "       " CLI_NAME " help COMMAND\n";

static void print_help(void)
{
  size_t i;

  printf("%s\nRead HIPAA X12 5010 files (270/271, 278, 999, TA1).\n\nCommands:\n",
         usage_text);
  for (i = 0; i < NCOMMANDS; i++)
    printf("  %-12s %s\n", commands[i].name, commands[i].summary);
  printf("  %-12s %s\n", "help", "show the help of a command");
  printf("\nOptions:\n"
         "  -h, --help     show this help and exit\n"
         "      --version  show the version and exit\n"
         "\nElement values (which may be patients' health information) are\n"
         "printed only with a command's --show-data option.\n\n%s",
         cli_exit_help);
}

static int usage_error(void)
{
  fprintf(stderr, "%sTry '" CLI_NAME " --help' for more information.\n", usage_text);
  return CLI_USAGE;
}

static const command *find_command(const char *name)
{
  size_t i;

  for (i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* Runs |cmd| with argv[0] replaced by "x12kit NAME" for getopt's messages. */
static int run(const command *cmd, int argc, char **argv)
{
  char label[32];

  snprintf(label, sizeof label, "%s %s", CLI_NAME, cmd->name);
  argv[0] = label;
  return cmd->fn(argc, argv);
}

/* "x12kit help COMMAND" is "x12kit COMMAND --help". */
static int help_command(int argc, char **argv)
{
  char opt[] = "--help";
  char *args[3];
  const command *cmd;

  if (argc < 2) {
    print_help();
    return CLI_OK;
  }
  if (argc > 2) {
    fprintf(stderr, "%s help: too many arguments\n", CLI_NAME);
    return usage_error();
  }
  cmd = find_command(argv[1]);
  if (cmd == NULL) {
    fprintf(stderr, "%s: unknown command '%s'\n", CLI_NAME, argv[1]);
    return usage_error();
  }
  args[0] = argv[1];
  args[1] = opt;
  args[2] = NULL;
  return run(cmd, 2, args);
}

/*
 * Standard output is checked once, at the end: a full disk or a closed
 * pipe makes the whole run an I/O error whatever the command found.  A
 * closed descriptor that was never written to is not an error.
 */
static int close_stdout(int status)
{
  int failed = ferror(stdout);

  errno = 0;
  if (fflush(stdout) != 0)
    failed = 1;
  else if (fclose(stdout) != 0 && errno != EBADF)
    failed = 1;
  if (!failed)
    return status;
  if (errno != 0)
    fprintf(stderr, "%s: cannot write output: %s\n", CLI_NAME, strerror(errno));
  else
    fprintf(stderr, "%s: cannot write output\n", CLI_NAME);
  return CLI_IO;
}

static int dispatch(int argc, char **argv)
{
  enum { OPT_VERSION = 256 };
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
  };
  const command *cmd;
  int c;

  /* "+": stop at the command name; its options are its own. */
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      print_help();
      return CLI_OK;
    case OPT_VERSION:
      printf("%s %s\n", CLI_NAME, x12kit_version());
      return CLI_OK;
    default:
      return usage_error();
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "%s: missing COMMAND\n", CLI_NAME);
    return usage_error();
  }
  argc -= optind;
  argv += optind;
  if (strcmp(argv[0], "help") == 0)
    return help_command(argc, argv);
  cmd = find_command(argv[0]);
  if (cmd == NULL) {
    fprintf(stderr, "%s: unknown command '%s'\n", CLI_NAME, argv[0]);
    return usage_error();
  }
  return run(cmd, argc, argv);
}

int main(int argc, char **argv)
{
  /* A closed pipe must give exit status 3, not death by SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  return close_stdout(dispatch(argc, argv));
}
