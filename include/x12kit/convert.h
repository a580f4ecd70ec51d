/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * convert.h: (being written)
 */
#ifndef X12KIT_CONVERT_H
#define X12KIT_CONVERT_H

#include <x12kit/common.h>

#endif /* X12KIT_CONVERT_H */
