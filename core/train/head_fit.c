/* A head for a user's people: training, and thresholds that mean with the head what the
 * raw ones meant (triplet.h).
 *
 * The thresholds are calibrated by impostors: a face against a person it is not, by the
 * linkage rule (1 - x . the person's mean). The raw thresholds sit deep in the impostors'
 * tail: FC_RECOGNIZE_THRESHOLD accepts about one impostor in ten thousand, so matching
 * that share directly rests on a handful of pairs (bench/triplet measured the head's
 * threshold moving by +-0.012 to +-0.029 between random halves of the same people, and
 * the faces named with it by +-17 to +-25 points). The impostors' 1% quantile rests on
 * hundreds: each threshold is carried over by the ratio of that quantile with the head
 * to that without, which assumes the tail keeps its shape and moves a few thousandths
 * between halves. */
#include "core/train/triplet.h"

#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Impostor pairs looked at, at most: probes beyond are sampled evenly. */
#define MAX_IMPOSTORS 4000000L
#define CALIBRATION_QUANTILE 0.01
#define CALIBRATION_MIN_IMPOSTORS 1000 /* 10 at the quantile */

static int by_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static float dot(const float *a, const float *b, int n)
{
    float s = 0;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

/* Per labelled person of set: its label, face count and sum of embeddings, raw and (when a head is
 * given) through the head. */
typedef struct {
    int people;
    int *label, *count;
    float *raw, *head; /* people x FC_EMBED_DIM; head NULL without a head */
} person_sums;

static void sums_free(person_sums *p)
{
    free(p->label), free(p->count), free(p->raw), free(p->head);
}

static int find_label(const person_sums *p, int label)
{
    int lo = 0, hi = p->people;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (p->label[mid] < label)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->people && p->label[lo] == label ? lo : -1;
}

static int by_int(const void *a, const void *b)
{
    const int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int person_sums_of(const fc_head *h, const fc_train_set *set, person_sums *p)
{
    memset(p, 0, sizeof *p);
    const size_t n = (size_t)(set->n > 0 ? set->n : 1);
    p->label = malloc(n * sizeof *p->label);
    if (!p->label) return -ENOMEM;
    for (int i = 0; i < set->n; i++)
        if (set->label[i] >= 0) p->label[p->people++] = set->label[i];
    qsort(p->label, (size_t)p->people, sizeof *p->label, by_int);
    int unique = 0;
    for (int i = 0; i < p->people; i++)
        if (!unique || p->label[unique - 1] != p->label[i]) p->label[unique++] = p->label[i];
    p->people = unique;
    const size_t people = (size_t)(unique > 0 ? unique : 1);
    p->count = calloc(people, sizeof *p->count);
    p->raw = calloc(people * FC_EMBED_DIM, sizeof *p->raw);
    p->head = h ? calloc(people * FC_EMBED_DIM, sizeof *p->head) : NULL;
    if (!p->count || !p->raw || (h && !p->head)) return -ENOMEM;
    float out[FC_EMBED_DIM];
    for (int i = 0; i < set->n; i++) {
        if (set->label[i] < 0) continue;
        const int q = find_label(p, set->label[i]);
        const float *x = set->x + (size_t)i * FC_EMBED_DIM;
        p->count[q]++;
        for (int k = 0; k < FC_EMBED_DIM; k++) p->raw[(size_t)q * FC_EMBED_DIM + k] += x[k];
        if (!h) continue;
        fc_head_apply(h, x, out);
        for (int k = 0; k < h->dim; k++) p->head[(size_t)q * FC_EMBED_DIM + k] += out[k];
    }
    return 0;
}

int fc_head_calibrate(const fc_head *h, const fc_train_set *named, const float *probe_x,
                      const int *probe_label, int n_probe, const float *raw, float *head, int count,
                      char *err)
{
    person_sums p;
    float *with = NULL, *without = NULL;
    int rc = person_sums_of(h, named, &p);
    long total = 0, cap = 0;
    const int stride = rc || !p.people ? 1 : (int)((long)n_probe * p.people / MAX_IMPOSTORS + 1);
    if (!rc) {
        cap = ((long)n_probe / stride + 1) * p.people;
        with = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *with);
        without = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *without);
        if (!with || !without) rc = -ENOMEM;
    }
    float out[FC_EMBED_DIM];
    for (int i = 0; !rc && i < n_probe; i += stride) {
        const float *x = probe_x + (size_t)i * FC_EMBED_DIM;
        fc_head_apply(h, x, out);
        for (int q = 0; q < p.people && total < cap; q++) {
            if (p.label[q] == probe_label[i] || !p.count[q]) continue;
            const float n = (float)p.count[q];
            without[total] = 1.0f - dot(x, p.raw + (size_t)q * FC_EMBED_DIM, FC_EMBED_DIM) / n;
            with[total++] = 1.0f - dot(out, p.head + (size_t)q * FC_EMBED_DIM, h->dim) / n;
        }
    }
    if (!rc && total == 0) rc = -EINVAL;
    if (!rc) {
        qsort(with, (size_t)total, sizeof *with, by_float);
        qsort(without, (size_t)total, sizeof *without, by_float);
        /* a few named people give too few impostors for a tail: their median, then */
        const long at = total >= CALIBRATION_MIN_IMPOSTORS
                            ? (long)(CALIBRATION_QUANTILE * (double)total)
                            : total / 2;
        const float ratio = without[at] > 0 ? with[at] / without[at] : 1.0f;
        for (int k = 0; k < count; k++) head[k] = raw[k] * ratio;
    }
    sums_free(&p);
    free(with), free(without);
    if (rc == -ENOMEM) return fc_errorf(err, rc, "out of memory calibrating the head");
    if (rc == -EINVAL) return fc_errorf(err, rc, "no impostor to calibrate the head on");
    return rc;
}

/* Cyclic Jacobi: a (m x m, symmetric) is diagonalised in place, its eigenvectors into
 * the columns of v. Plenty for m = 128, once per training. */
static void jacobi(double *a, double *v, int m)
{
    for (int i = 0; i < m * m; i++) v[i] = i % (m + 1) == 0;
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = 0;
        for (int p = 0; p < m; p++)
            for (int q = p + 1; q < m; q++) off += a[p * m + q] * a[p * m + q];
        if (off < 1e-22) break;
        for (int p = 0; p < m; p++)
            for (int q = p + 1; q < m; q++) {
                const double apq = a[p * m + q];
                if (fabs(apq) < 1e-300) continue;
                const double theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
                const double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                const double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < m; k++) { /* columns p and q */
                    const double akp = a[k * m + p], akq = a[k * m + q];
                    a[k * m + p] = c * akp - s * akq, a[k * m + q] = s * akp + c * akq;
                }
                for (int k = 0; k < m; k++) { /* rows p and q */
                    const double apk = a[p * m + k], aqk = a[q * m + k];
                    a[p * m + k] = c * apk - s * aqk, a[q * m + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < m; k++) {
                    const double vkp = v[k * m + p], vkq = v[k * m + q];
                    v[k * m + p] = c * vkp - s * vkq, v[k * m + q] = s * vkp + c * vkq;
                }
            }
    }
}

int fc_head_init_principal(fc_head *h, int dim, const float *x, int n, char *err)
{
    int rc = fc_head_init(h, dim, 0, err);
    if (rc || dim == FC_EMBED_DIM || n < 1) return rc;
    const int m = FC_EMBED_DIM;
    double *a = calloc((size_t)m * m, sizeof *a), *v = malloc((size_t)m * m * sizeof *v);
    int *order = malloc((size_t)m * sizeof *order);
    if (!a || !v || !order) {
        free(a), free(v), free(order);
        fc_head_free(h);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    /* the second moment about 0, not the covariance: the faces' mean direction is most of
     * what the distances are made of (bench/triplet: centring loses 0.9 points) */
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * m;
        for (int p = 0; p < m; p++)
            for (int q = p; q < m; q++) a[p * m + q] += (double)xi[p] * xi[q];
    }
    for (int p = 0; p < m; p++)
        for (int q = 0; q < p; q++) a[p * m + q] = a[q * m + p];
    jacobi(a, v, m);
    for (int k = 0; k < m; k++) order[k] = k;
    for (int k = 0; k < m; k++) /* the largest eigenvalues first (selection: m is small) */
        for (int j = k + 1; j < m; j++)
            if (a[order[j] * m + order[j]] > a[order[k] * m + order[k]]) {
                const int t = order[k];
                order[k] = order[j], order[j] = t;
            }
    for (int d = 0; d < dim; d++)
        for (int k = 0; k < m; k++) h->w[(size_t)d * m + k] = (float)v[k * m + order[d]];
    free(a), free(v), free(order);
    return 0;
}

int fc_head_whitened(fc_head *h, const fc_train_set *set, float shrink, char *err)
{
    const int m = FC_EMBED_DIM;
    person_sums p = {0};
    double *a = calloc((size_t)m * m, sizeof *a), *v = malloc((size_t)m * m * sizeof *v);
    int rc = a && v ? fc_head_init(h, m, 0, err) : fc_errorf(err, -ENOMEM, "out of memory");
    if (!rc && person_sums_of(NULL, set, &p) != 0) rc = fc_errorf(err, -ENOMEM, "out of memory");
    if (!rc && p.people < 1) rc = fc_errorf(err, -EINVAL, "whitening needs labelled faces");
    double d[FC_EMBED_DIM];
    for (int i = 0; !rc && i < set->n; i++) { /* the scatter about each face's person */
        if (set->label[i] < 0) continue;
        const int q = find_label(&p, set->label[i]);
        for (int k = 0; k < m; k++)
            d[k] = set->x[(size_t)i * m + k] - p.raw[(size_t)q * m + k] / p.count[q];
        for (int r = 0; r < m; r++)
            for (int c = r; c < m; c++) a[r * m + c] += d[r] * d[c];
    }
    if (!rc) {
        for (int r = 0; r < m; r++)
            for (int c = 0; c < r; c++) a[r * m + c] = a[c * m + r];
        jacobi(a, v, m);
        double largest = 0;
        for (int k = 0; k < m; k++) largest = fmax(largest, a[k * m + k]);
        for (int r = 0; r < m; r++) /* W = V diag((w + shrink w_max)^-1/2) V^T */
            for (int c = 0; c < m; c++) {
                double sum = 0;
                for (int k = 0; k < m; k++)
                    sum += v[r * m + k] * v[c * m + k] /
                           sqrt(fmax(a[k * m + k], 0) + shrink * largest + 1e-30);
                h->w[(size_t)r * m + c] = (float)sum;
            }
    }
    if (rc) fc_head_free(h);
    sums_free(&p);
    free(a), free(v);
    return rc;
}

int fc_head_fit(fc_head *out, int dim, const fc_train_set *set, const fc_train_opts *opts,
                const float *raw, float *calibrated, int count, fc_train_progress progress,
                void *ctx, char *err)
{
    const fc_train_opts o = opts ? *opts : fc_train_default_opts();
    int rc = fc_head_init_principal(out, dim, set->x, set->n, err);
    if (!rc) rc = fc_triplet_train(out, set, &o, progress, ctx, err);
    /* the impostors are the named faces against each other: the faces of no person were
     * trained to be far from them, and as probes would carry the thresholds too far */
    const size_t n = (size_t)(set->n > 0 ? set->n : 1);
    float *probe = rc ? NULL : malloc(n * FC_EMBED_DIM * sizeof *probe);
    int *probe_label = rc ? NULL : malloc(n * sizeof *probe_label), probes = 0;
    if (!rc && (!probe || !probe_label)) rc = fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; !rc && i < set->n; i++) {
        if (set->label[i] < 0) continue;
        memcpy(probe + (size_t)probes * FC_EMBED_DIM, set->x + (size_t)i * FC_EMBED_DIM,
               FC_EMBED_DIM * sizeof *probe);
        probe_label[probes++] = set->label[i];
    }
    if (!rc)
        rc = fc_head_calibrate(out, set, probe, probe_label, probes, raw, calibrated, count, err);
    free(probe), free(probe_label);
    if (rc) fc_head_free(out);
    return rc;
}

float fc_head_threshold(float given, float raw_default, float head_default)
{
    return given > 0 && raw_default > 0 ? head_default * given / raw_default : head_default;
}
