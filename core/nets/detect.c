#include "core/nets/detect.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

double fc_box_iou(const double a[4], const double b[4])
{
    const double ax0 = fmin(a[0], a[2]), ay0 = fmin(a[1], a[3]), ax1 = fmax(a[0], a[2]),
                 ay1 = fmax(a[1], a[3]);
    const double bx0 = fmin(b[0], b[2]), by0 = fmin(b[1], b[3]), bx1 = fmax(b[0], b[2]),
                 by1 = fmax(b[1], b[3]);
    const double area_a = (ax1 - ax0) * (ay1 - ay0), area_b = (bx1 - bx0) * (by1 - by0);
    if (area_a <= 0 || area_b <= 0) return 0;
    const double inter =
        fmax(fmin(ax1, bx1) - fmax(ax0, bx0), 0.0) * fmax(fmin(ay1, by1) - fmax(ay0, by0), 0.0);
    return inter / (area_a + area_b - inter);
}

double fc_box_region_match(const double face[4], const double region[4])
{
    const double fw = face[2], fh = face[3], rw = region[2], rh = region[3];
    const double small = fmin(fw * fh, rw * rh), large = fmax(fw * fh, rw * rh);
    if (!(small > 0) || large > 6 * small) return 0;
    const double f[4] = {face[0], face[1], face[0] + fw, face[1] + fh};
    const double r[4] = {region[0], region[1], region[0] + rw, region[1] + rh};
    const double iou = fc_box_iou(f, r);
    const double inter = iou * (fw * fh + rw * rh) / (1 + iou); /* from inter / (a + b - inter) */
    const double inside = inter / small;
    return inside >= 0.5 ? inside : 0;
}

typedef struct {
    float score;
    int index, tie_sign;
} candidate;

static int best_first(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    return a->tie_sign * (a->index - b->index);
}

int fc_nms(const double (*boxes)[4], const float *scores, int n, float min_score, double max_iou,
           int ties_to_higher, int max, int *kept)
{
    candidate *cand = malloc((size_t)(n > 0 ? n : 1) * sizeof *cand);
    if (!cand) return -ENOMEM;
    int m = 0, nkept = 0;
    for (int i = 0; i < n; i++)
        if (scores[i] > min_score) cand[m++] = (candidate){scores[i], i, ties_to_higher ? -1 : 1};
    qsort(cand, (size_t)m, sizeof *cand, best_first);
    for (int c = 0; c < m && nkept < max; c++) {
        int keep = 1;
        for (int k = 0; k < nkept && keep; k++)
            keep = fc_box_iou(boxes[cand[c].index], boxes[kept[k]]) <= max_iou;
        if (keep) kept[nkept++] = cand[c].index;
    }
    free(cand);
    return nkept;
}
