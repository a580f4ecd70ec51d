/* x12kit convert (being written) */
#include "cli.h"

int cmd_convert(int argc, char **argv)
{
  (void)argc; (void)argv;
  fprintf(stderr, CLI_NAME ": not written yet\n");
  return CLI_INTERNAL;
}
