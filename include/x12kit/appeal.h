/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * appeal.h: (being written)
 */
#ifndef X12KIT_APPEAL_H
#define X12KIT_APPEAL_H

#include <x12kit/common.h>

#endif /* X12KIT_APPEAL_H */
