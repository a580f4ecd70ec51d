/* x12kit - run-time version. */
#include "internal.h"

const char *x12kit_version(void)
{
  return X12KIT_VERSION;
}

unsigned long x12kit_version_num(void)
{
  return X12KIT_VERSION_NUM;
}
