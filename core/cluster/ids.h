/* Row ids in sorted arrays, as the store loads them (ORDER BY id): found by bisection. */
#ifndef FC_IDS_H
#define FC_IDS_H

#include <stdint.h>

/* The index of id in sorted[0..n) (ascending), or -1. */
int fc_ids_find(const int64_t *sorted, int n, int64_t id);

#endif
