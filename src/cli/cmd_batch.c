/* x12kit batch (being written) */
#include "cli.h"

int cmd_batch(int argc, char **argv)
{
  (void)argc; (void)argv;
  fprintf(stderr, CLI_NAME ": not written yet\n");
  return CLI_INTERNAL;
}
