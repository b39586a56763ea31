/* A head for a user's people: training, and thresholds that mean with the head what the
 * raw ones meant (triplet.h).
 *
 * The thresholds are calibrated by impostors: a face against a person it is not, by the
 * linkage rule (1 - x . the person's mean). A raw threshold accepts some share of
 * impostors; the head's counterpart is the distance accepting the same share. Which
 * impostors matters: a head pulls the people it was trained on apart, so their own faces
 * make it look safer than it is for a stranger, who is what a loose threshold names
 * wrongly. So the impostors are faces of people the head never saw against the people it
 * was trained on: the named people are split in two halves, a head trained on each, and
 * calibrated on the other half's faces; the head returned is trained on everyone, with
 * the two calibrations' mean. */
#include "triplet.h"

#include "fc_error.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Impostor pairs looked at, at most: probes beyond are sampled evenly. */
#define MAX_IMPOSTORS 4000000L

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

/* Per labelled person of set: its label, face count and sum of (head) embeddings. */
typedef struct {
    int people;
    int *label, *count;
    float *raw, *head; /* people x FC_EMBED_DIM */
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
    p->head = calloc(people * FC_EMBED_DIM, sizeof *p->head);
    if (!p->count || !p->raw || !p->head) return -ENOMEM;
    float out[FC_EMBED_DIM];
    for (int i = 0; i < set->n; i++) {
        if (set->label[i] < 0) continue;
        const int q = find_label(p, set->label[i]);
        const float *x = set->x + (size_t)i * FC_EMBED_DIM;
        fc_head_apply(h, x, out);
        p->count[q]++;
        for (int k = 0; k < FC_EMBED_DIM; k++) p->raw[(size_t)q * FC_EMBED_DIM + k] += x[k];
        for (int k = 0; k < h->dim; k++) p->head[(size_t)q * FC_EMBED_DIM + k] += out[k];
    }
    return 0;
}

int fc_head_calibrate(const fc_head *h, const fc_train_set *named, const float *probe_x,
                      const int *probe_label, int n_probe, const float *raw, float *head, int count,
                      char *err)
{
    person_sums p;
    long *within = calloc((size_t)(count > 0 ? count : 1), sizeof *within);
    float *dist = NULL;
    int rc = within ? person_sums_of(h, named, &p) : -ENOMEM;
    long total = 0, cap = 0;
    const int stride = rc || !p.people ? 1 : (int)((long)n_probe * p.people / MAX_IMPOSTORS + 1);
    if (!rc) {
        cap = ((long)n_probe / stride + 1) * p.people;
        dist = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *dist);
        if (!dist) rc = -ENOMEM;
    }
    float out[FC_EMBED_DIM];
    for (int i = 0; !rc && i < n_probe; i += stride) {
        const float *x = probe_x + (size_t)i * FC_EMBED_DIM;
        fc_head_apply(h, x, out);
        for (int q = 0; q < p.people && total < cap; q++) {
            if (p.label[q] == probe_label[i] || !p.count[q]) continue;
            const float d_raw =
                1.0f - dot(x, p.raw + (size_t)q * FC_EMBED_DIM, FC_EMBED_DIM) / (float)p.count[q];
            for (int k = 0; k < count; k++) within[k] += d_raw <= raw[k];
            dist[total++] =
                1.0f - dot(out, p.head + (size_t)q * FC_EMBED_DIM, h->dim) / (float)p.count[q];
        }
    }
    if (!rc && total == 0) rc = -EINVAL;
    if (!rc) {
        qsort(dist, (size_t)total, sizeof *dist, by_float);
        for (int k = 0; k < count; k++) /* halfway between the last accepted and the next */
            head[k] = within[k] == 0       ? dist[0] * 0.999f
                      : within[k] >= total ? dist[total - 1]
                                           : 0.5f * (dist[within[k] - 1] + dist[within[k]]);
    }
    sums_free(&p);
    free(within), free(dist);
    if (rc == -ENOMEM) return fc_errorf(err, rc, "out of memory calibrating the head");
    if (rc == -EINVAL) return fc_errorf(err, rc, "no impostor to calibrate the head on");
    return rc;
}

static unsigned next_random(unsigned *state)
{
    unsigned x = *state ? *state : 2463534242u;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *state = x;
}

/* One half's calibration: a head trained on the people in_half says 1 (its faces of the
 * other half unlabelled), calibrated on the other half's faces. */
static int calibrate_half(int dim, const fc_train_set *set, const fc_train_opts *opts,
                          const uint8_t *in_half, const float *raw, float *calibrated, int count,
                          char *err)
{
    fc_head h = {0};
    const size_t n = (size_t)(set->n > 0 ? set->n : 1);
    int *label = malloc(n * sizeof *label);
    float *probe = malloc(n * FC_EMBED_DIM * sizeof *probe);
    int *probe_label = malloc(n * sizeof *probe_label), probes = 0;
    int rc = label && probe && probe_label ? fc_head_init(&h, dim, opts->seed, err)
                                           : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; !rc && i < set->n; i++) {
        const int own = set->label[i];
        label[i] = own >= 0 && in_half[i] ? own : -1;
        if (own < 0 || in_half[i]) continue;
        memcpy(probe + (size_t)probes * FC_EMBED_DIM, set->x + (size_t)i * FC_EMBED_DIM,
               FC_EMBED_DIM * sizeof *probe);
        probe_label[probes++] = own;
    }
    const fc_train_set half = {set->x, label, set->n, set->nots, set->n_nots};
    if (!rc) rc = fc_triplet_train(&h, &half, opts, NULL, NULL, err);
    if (!rc)
        rc = fc_head_calibrate(&h, &half, probe, probe_label, probes, raw, calibrated, count, err);
    fc_head_free(&h);
    free(label), free(probe), free(probe_label);
    return rc;
}

int fc_head_fit(fc_head *out, int dim, const fc_train_set *set, const fc_train_opts *opts,
                const float *raw, float *calibrated, int count, fc_train_progress progress,
                void *ctx, char *err)
{
    const fc_train_opts o = opts ? *opts : fc_train_default_opts();
    out->w = NULL, out->dim = 0;
    if (!set || set->n < 0 || count < 0 || count > 16)
        return fc_errorf(err, -EINVAL, "nothing to fit a head on");
    /* the halves: each labelled person in one, at random */
    const size_t n = (size_t)(set->n > 0 ? set->n : 1);
    uint8_t *in_half = malloc(n);
    int *labels = malloc(n * sizeof *labels), people = 0;
    int rc = in_half && labels ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; !rc && i < set->n; i++)
        if (set->label[i] >= 0) labels[people++] = set->label[i];
    if (!rc) {
        qsort(labels, (size_t)people, sizeof *labels, by_int);
        int unique = 0;
        for (int i = 0; i < people; i++)
            if (!unique || labels[unique - 1] != labels[i]) labels[unique++] = labels[i];
        people = unique;
        unsigned rng = o.seed ^ 0x9e3779b9u;
        uint8_t *half_of = malloc((size_t)(people > 0 ? people : 1));
        if (!half_of) rc = fc_errorf(err, -ENOMEM, "out of memory");
        for (int q = 0; !rc && q < people; q++) half_of[q] = next_random(&rng) & 1;
        person_sums lookup = {.people = people, .label = labels};
        for (int i = 0; !rc && i < set->n; i++)
            in_half[i] = set->label[i] >= 0 && half_of[find_label(&lookup, set->label[i])];
        free(half_of);
    }
    float sum[16] = {0}, one[16];
    int halves = 0;
    for (int side = 0; !rc && side < 2; side++) {
        if (side)
            for (int i = 0; i < set->n; i++) in_half[i] = set->label[i] >= 0 && !in_half[i];
        char half_err[FC_ERR_MAX];
        const int half_rc = calibrate_half(dim, set, &o, in_half, raw, one, count, half_err);
        if (half_rc == -ENOMEM) rc = fc_errorf(err, half_rc, "%s", half_err);
        if (half_rc) continue; /* a half with too few people to train on */
        for (int k = 0; k < count; k++) sum[k] += one[k];
        halves++;
    }
    if (!rc) rc = fc_head_init(out, dim, o.seed, err);
    if (!rc) rc = fc_triplet_train(out, set, &o, progress, ctx, err);
    if (!rc && halves) {
        for (int k = 0; k < count; k++) calibrated[k] = sum[k] / (float)halves;
    } else if (!rc) { /* too few people to split: their own faces, the best there is */
        rc = fc_head_calibrate(out, set, set->x, set->label, set->n, raw, calibrated, count, err);
    }
    if (rc) fc_head_free(out);
    free(in_half), free(labels);
    return rc;
}

float fc_head_threshold(float given, float raw_default, float head_default)
{
    return given > 0 && raw_default > 0 ? head_default * given / raw_default : head_default;
}
