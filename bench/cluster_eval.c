#include "bench/cluster_eval.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
    const long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

double eval_f1(double precision, double recall)
{
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

/* (group, person) of each scored face as one sortable key: runs of one group are then
 * contiguous, and within them runs of one person. Unassigned faces get groups of their
 * own past the largest label. */
static long long *make_keys(const int *label, const int *truth, int n, const uint8_t *mask,
                            int people, int *count)
{
    long long *key = malloc((size_t)(n > 0 ? n : 1) * sizeof *key);
    if (!key) return NULL;
    int top = 0;
    for (int i = 0; i < n; i++)
        if (label[i] >= top) top = label[i] + 1;
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        const long long g = label[i] >= 0 ? label[i] : top++;
        key[m++] = g * people + truth[i];
    }
    qsort(key, (size_t)m, sizeof *key, by_value);
    *count = m;
    return key;
}

int eval_score(const int *label, const int *truth, int n, const uint8_t *mask, eval_scores *out)
{
    memset(out, 0, sizeof *out);
    int people = 1;
    for (int i = 0; i < n; i++)
        if ((!mask || mask[i]) && truth[i] >= people) people = truth[i] + 1;
    int *psize = calloc((size_t)people, sizeof *psize), m;
    long long *key = psize ? make_keys(label, truth, n, mask, people, &m) : NULL;
    if (!key) {
        free(psize);
        return -ENOMEM;
    }
    for (int i = 0; i < m; i++) psize[key[i] % people]++;
    double p = 0, r = 0, pairs_both = 0, pairs_group = 0, pairs_person = 0;
    for (int i = 0, j; i < m; i = j) { /* one group: [i, j) */
        for (j = i + 1; j < m && key[j] / people == key[i] / people;) j++;
        const double gsize = j - i;
        pairs_group += gsize * (gsize - 1) / 2;
        out->found++;
        for (int a = i, b; a < j; a = b) { /* one person within it: [a, b) */
            for (b = a + 1; b < j && key[b] == key[a];) b++;
            const double both = b - a, ps = psize[key[a] % people];
            p += both * both / gsize, r += both * both / ps;
            pairs_both += both * (both - 1) / 2;
        }
    }
    for (int t = 0; t < people; t++) {
        pairs_person += (double)psize[t] * (psize[t] - 1) / 2;
        out->people += psize[t] > 0;
    }
    out->faces = m;
    if (m > 0) out->bp = p / m, out->br = r / m;
    out->bf = eval_f1(out->bp, out->br);
    out->pp = pairs_group > 0 ? pairs_both / pairs_group : 1;
    out->pr = pairs_person > 0 ? pairs_both / pairs_person : 1;
    out->pf = eval_f1(out->pp, out->pr);
    free(key), free(psize);
    return 0;
}
