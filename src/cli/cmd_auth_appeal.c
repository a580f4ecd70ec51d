/* x12kit auth_appeal (being written) */
#include "cli.h"

int cmd_auth_appeal(int argc, char **argv)
{
  (void)argc; (void)argv;
  fprintf(stderr, CLI_NAME ": not written yet\n");
  return CLI_INTERNAL;
}
