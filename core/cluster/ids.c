#include "core/cluster/ids.h"

int fc_ids_find(const int64_t *sorted, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        const int mid = lo + (hi - lo) / 2;
        if (sorted[mid] == id) return mid;
        if (sorted[mid] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}
