/* The clustering's small relations (who shares a photo, who said "not") and sorting. */
#include "core/cluster/cluster_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fc_csr_free(fc_csr *csr)
{
    free(csr->start);
    free(csr->items);
    csr->start = csr->items = NULL;
}

int fc_csr_rows(const int *rows, const int *items, size_t count, int n, fc_csr *out)
{
    out->start = calloc((size_t)n + 1, sizeof *out->start);
    out->items = malloc((count ? count : 1) * sizeof *out->items);
    int *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!out->start || !out->items || !fill) {
        free(fill);
        fc_csr_free(out);
        return -ENOMEM;
    }
    for (size_t i = 0; i < count; i++) out->start[rows[i] + 1]++;
    for (int r = 0; r < n; r++) out->start[r + 1] += out->start[r];
    memcpy(fill, out->start, ((size_t)n + 1) * sizeof *fill);
    for (size_t i = 0; i < count; i++) out->items[fill[rows[i]]++] = items[i];
    free(fill);
    return 0;
}

/* qsort takes no context: the comparators' is per thread */
static _Thread_local const int64_t *sort_key;

static int by_key(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;
    if (sort_key[x] != sort_key[y]) return sort_key[x] < sort_key[y] ? -1 : 1;
    return (x > y) - (x < y);
}

void fc_sort_by_key(int *idx, int count, const int64_t *key)
{
    sort_key = key;
    if (count > 1) qsort(idx, (size_t)count, sizeof *idx, by_key);
}

int fc_csr_group_by_key(const int64_t *key, int n, fc_csr *out)
{
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order), count = 0;
    if (!order) return -ENOMEM;
    for (int f = 0; f < n; f++)
        if (key[f]) order[count++] = f;
    fc_sort_by_key(order, count, key);
    /* entries: every ordered pair of distinct faces within a run of one key */
    size_t pairs = 0;
    for (int i = 0, j; i < count; i = j) {
        for (j = i + 1; j < count && key[order[j]] == key[order[i]];) j++;
        pairs += (size_t)(j - i) * (size_t)(j - i - 1);
    }
    int *rows = malloc((pairs ? pairs : 1) * sizeof *rows);
    int *items = malloc((pairs ? pairs : 1) * sizeof *items);
    int rc = rows && items ? 0 : -ENOMEM;
    size_t at = 0;
    for (int i = 0, j; !rc && i < count; i = j) {
        for (j = i + 1; j < count && key[order[j]] == key[order[i]];) j++;
        for (int a = i; a < j; a++)
            for (int b = i; b < j; b++)
                if (a != b) rows[at] = order[a], items[at++] = order[b];
    }
    if (!rc) rc = fc_csr_rows(rows, items, pairs, n, out);
    free(order), free(rows), free(items);
    return rc;
}

int fc_csr_nots(const fc_cluster_not *nots, int n_nots, int n, fc_csr *out)
{
    int *rows = malloc((size_t)(n_nots > 0 ? n_nots : 1) * sizeof *rows);
    int *items = malloc((size_t)(n_nots > 0 ? n_nots : 1) * sizeof *items);
    int rc = rows && items ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < n_nots; i++) rows[i] = nots[i].face, items[i] = i;
    if (!rc) rc = fc_csr_rows(rows, items, (size_t)n_nots, n, out);
    free(rows), free(items);
    return rc;
}

int fc_csr_pairs(const int (*pairs)[2], int n_pairs, int n, fc_csr *out)
{
    const size_t count = 2 * (size_t)n_pairs;
    int *rows = malloc((count ? count : 1) * sizeof *rows);
    int *items = malloc((count ? count : 1) * sizeof *items);
    int rc = rows && items ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < n_pairs; i++) {
        rows[2 * i] = pairs[i][0], items[2 * i] = pairs[i][1];
        rows[2 * i + 1] = pairs[i][1], items[2 * i + 1] = pairs[i][0];
    }
    if (!rc) rc = fc_csr_rows(rows, items, count, n, out);
    free(rows), free(items);
    return rc;
}

static _Thread_local const int64_t *group_anchor;
static _Thread_local const int *group_size;

static int by_group(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;
    const int64_t ax = group_anchor[x], ay = group_anchor[y];
    if ((ax != 0) != (ay != 0)) return ax ? -1 : 1; /* anchored first */
    if (ax != ay) return ax < ay ? -1 : 1;
    if (group_size[x] != group_size[y]) return group_size[x] > group_size[y] ? -1 : 1;
    return (x > y) - (x < y);
}

void fc_sort_groups(int *roots, int count, const int64_t *anchor, const int *size)
{
    group_anchor = anchor, group_size = size;
    if (count > 1) qsort(roots, (size_t)count, sizeof *roots, by_group);
}
