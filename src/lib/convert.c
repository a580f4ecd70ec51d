/* x12kit - convert.c (being written) */
#include "internal.h"
#include <x12kit/convert.h>
