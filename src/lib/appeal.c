/* x12kit - appeal.c (being written) */
#include "internal.h"
#include <x12kit/appeal.h>
