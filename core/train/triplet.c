/* FaceNet's triplet loss, online mining and the head's gradients (triplet.h). */
#include "core/train/triplet.h"

#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned next_random(unsigned *state)
{
    unsigned x = *state ? *state : 2463534242u;
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return *state = x;
}

static float gaussian(unsigned *state)
{
    const float u = ((float)(next_random(state) >> 8) + 0.5f) / 16777216.0f;
    const float v = ((float)(next_random(state) >> 8) + 0.5f) / 16777216.0f;
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

static float dot(const float *a, const float *b, int n)
{
    float s = 0;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

int fc_head_init(fc_head *h, int dim, unsigned seed, char *err)
{
    h->dim = 0, h->w = NULL;
    if (dim < 1 || dim > FC_EMBED_DIM)
        return fc_errorf(err, -EINVAL, "a head's dimension is 1..%d, not %d", FC_EMBED_DIM, dim);
    float *w = calloc((size_t)dim * FC_EMBED_DIM, sizeof *w);
    if (!w) return fc_errorf(err, -ENOMEM, "out of memory");
    if (dim == FC_EMBED_DIM) {
        for (int d = 0; d < dim; d++) w[d * FC_EMBED_DIM + d] = 1;
    } else { /* orthonormal rows: Gram-Schmidt over Gaussian ones */
        unsigned rng = seed;
        for (int d = 0; d < dim; d++) {
            float *row = w + (size_t)d * FC_EMBED_DIM;
            for (float norm = 0; norm < 1e-3f;) {
                for (int k = 0; k < FC_EMBED_DIM; k++) row[k] = gaussian(&rng);
                for (int e = 0; e < d; e++) {
                    const float *other = w + (size_t)e * FC_EMBED_DIM;
                    const float along = dot(row, other, FC_EMBED_DIM);
                    for (int k = 0; k < FC_EMBED_DIM; k++) row[k] -= along * other[k];
                }
                norm = sqrtf(dot(row, row, FC_EMBED_DIM));
                if (norm >= 1e-3f)
                    for (int k = 0; k < FC_EMBED_DIM; k++) row[k] /= norm;
            }
        }
    }
    h->dim = dim, h->w = w;
    return 0;
}

void fc_head_free(fc_head *h)
{
    free(h->w);
    h->w = NULL, h->dim = 0;
}

float fc_head_apply(const fc_head *h, const float *x, float *out)
{
    for (int d = 0; d < h->dim; d++) out[d] = dot(h->w + (size_t)d * FC_EMBED_DIM, x, FC_EMBED_DIM);
    const float length = sqrtf(dot(out, out, h->dim));
    for (int d = 0; d < h->dim; d++) out[d] = length > 0 ? out[d] / length : 0;
    return length;
}

/* Squared L2 between two unit rows. */
static float sq_dist(const float *out, int dim, int a, int b)
{
    return 2.0f - 2.0f * dot(out + (size_t)a * dim, out + (size_t)b * dim, dim);
}

/* The negative for anchor a (its distances in row, n of them) whose positive is d_ap away,
 * or -1. */
static int pick_negative(const float *row, const int *label, int n, int a, float d_ap, float alpha,
                         enum fc_mining how, unsigned *rng)
{
    int best = -1, seen = 0;
    float best_d = INFINITY;
    for (int j = 0; j < n; j++) {
        if (label[j] == label[a]) continue;
        const float d = row[j];
        switch (how) {
        case FC_MINE_SEMIHARD:
            if (d > d_ap && d < d_ap + alpha && d < best_d) best = j, best_d = d;
            break;
        case FC_MINE_HARDEST:
            if (d < best_d) best = j, best_d = d;
            break;
        case FC_MINE_RANDOM: /* reservoir sampling over the violators */
            if (d < d_ap + alpha && next_random(rng) % (unsigned)++seen == 0) best = j;
            break;
        }
    }
    return best;
}

int fc_triplet_mine(const float *out, int dim, const int *label, int n, float alpha,
                    enum fc_mining how, unsigned *rng, fc_triplet *triplets, int cap)
{
    if (n < 0 || dim < 1 || (n > 0 && (!out || !label)) || cap < 0) return -EINVAL;
    /* every distance once: a batch of 1,800 mines ~70,000 pairs, each against every face */
    float *d = malloc((size_t)(n > 0 ? n : 1) * (size_t)(n > 0 ? n : 1) * sizeof *d);
    if (!d) return -ENOMEM;
    for (int a = 0; a < n; a++) {
        d[(size_t)a * n + a] = 0;
        for (int b = a + 1; b < n; b++)
            d[(size_t)a * n + b] = d[(size_t)b * n + a] = sq_dist(out, dim, a, b);
    }
    int count = 0;
    for (int a = 0; a < n; a++) {
        const float *row = d + (size_t)a * n;
        for (int p = 0; p < n; p++) {
            if (p == a || label[p] != label[a]) continue;
            const int neg = pick_negative(row, label, n, a, row[p], alpha, how, rng);
            if (neg < 0) continue;
            if (count < cap) triplets[count] = (fc_triplet){a, p, neg};
            count++;
        }
    }
    free(d);
    return count;
}

float fc_triplet_loss(const float *out, int dim, int n, const fc_triplet *triplets, int count,
                      float alpha, float *grad, int *active)
{
    if (grad) memset(grad, 0, (size_t)n * dim * sizeof *grad);
    double total = 0;
    int violating = 0;
    const float scale = count > 0 ? 2.0f / (float)count : 0; /* d/dx of |x|^2, averaged */
    for (int t = 0; t < count; t++) {
        const int a = triplets[t].anchor, p = triplets[t].positive, q = triplets[t].negative;
        const float l = sq_dist(out, dim, a, p) - sq_dist(out, dim, a, q) + alpha;
        if (l <= 0) continue;
        total += l, violating++;
        if (!grad) continue;
        const float *fa = out + (size_t)a * dim, *fp = out + (size_t)p * dim;
        const float *fn = out + (size_t)q * dim;
        for (int k = 0; k < dim; k++) {
            grad[(size_t)a * dim + k] += scale * (fn[k] - fp[k]);
            grad[(size_t)p * dim + k] += scale * (fp[k] - fa[k]);
            grad[(size_t)q * dim + k] += scale * (fa[k] - fn[k]);
        }
    }
    if (active) *active = violating;
    return count > 0 ? (float)(total / count) : 0;
}

void fc_head_backward(const fc_head *h, const float *x, int n, const float *grad_out, float *grad_w)
{
    const int dim = h->dim;
    memset(grad_w, 0, (size_t)dim * FC_EMBED_DIM * sizeof *grad_w);
    float *f = malloc((size_t)dim * sizeof *f), *gy = malloc((size_t)dim * sizeof *gy);
    if (!f || !gy) { /* the caller sees a zero gradient: no step */
        free(f), free(gy);
        return;
    }
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * FC_EMBED_DIM, *g = grad_out + (size_t)i * dim;
        const float length = fc_head_apply(h, xi, f);
        if (length <= 0) continue;
        /* f = y / |y|: dL/dy = (g - f (f . g)) / |y| */
        const float along = dot(f, g, dim);
        for (int d = 0; d < dim; d++) gy[d] = (g[d] - f[d] * along) / length;
        for (int d = 0; d < dim; d++) {
            float *row = grad_w + (size_t)d * FC_EMBED_DIM;
            for (int k = 0; k < FC_EMBED_DIM; k++) row[k] += gy[d] * xi[k];
        }
    }
    free(f), free(gy);
}

int fc_optimizer_init(fc_optimizer *o, enum fc_optimizer_kind kind, float rate, size_t size,
                      char *err)
{
    memset(o, 0, sizeof *o);
    if (!(rate > 0)) return fc_errorf(err, -EINVAL, "the learning rate must be positive");
    o->state = calloc(size ? size : 1, sizeof *o->state);
    if (!o->state) return fc_errorf(err, -ENOMEM, "out of memory");
    o->kind = kind, o->rate = rate, o->momentum = 0.9f, o->size = size;
    return 0;
}

void fc_optimizer_free(fc_optimizer *o)
{
    free(o->state);
    o->state = NULL;
}

void fc_optimizer_step(fc_optimizer *o, float *param, const float *grad)
{
    for (size_t i = 0; i < o->size; i++) {
        if (o->kind == FC_OPT_ADAGRAD) {
            o->state[i] += grad[i] * grad[i];
            param[i] -= o->rate * grad[i] / (sqrtf(o->state[i]) + 1e-8f);
        } else {
            o->state[i] = o->momentum * o->state[i] - o->rate * grad[i];
            param[i] += o->state[i];
        }
    }
}

int fc_triplet_step(fc_head *h, fc_optimizer *o, const float *x, const int *label, int n,
                    float alpha, enum fc_mining how, unsigned *rng, fc_triplet_stats *stats,
                    char *err)
{
    memset(stats, 0, sizeof *stats);
    if (n < 2 || o->size != (size_t)h->dim * FC_EMBED_DIM)
        return fc_errorf(err, -EINVAL, "a batch needs two faces or more and a matching optimiser");
    const size_t dim = (size_t)h->dim;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) stats->pairs += a != b && label[a] == label[b];
    float *out = malloc((size_t)n * dim * sizeof *out);
    float *grad = malloc((size_t)n * dim * sizeof *grad);
    float *grad_w = malloc(dim * FC_EMBED_DIM * sizeof *grad_w);
    const int cap = stats->pairs; /* one triplet per ordered anchor-positive pair at most */
    fc_triplet *triplets = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *triplets);
    int rc = out && grad && grad_w && triplets ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; !rc && i < n; i++)
        fc_head_apply(h, x + (size_t)i * FC_EMBED_DIM, out + (size_t)i * dim);
    if (!rc) {
        const int count = fc_triplet_mine(out, h->dim, label, n, alpha, how, rng, triplets, cap);
        if (count < 0) rc = fc_errorf(err, -ENOMEM, "out of memory");
        stats->triplets = count > 0 ? count : 0;
    }
    if (!rc) {
        stats->loss =
            fc_triplet_loss(out, h->dim, n, triplets, stats->triplets, alpha, grad, &stats->active);
        if (stats->active) {
            fc_head_backward(h, x, n, grad, grad_w);
            fc_optimizer_step(o, h->w, grad_w);
        }
    }
    free(out), free(grad), free(grad_w), free(triplets);
    return rc;
}

fc_train_opts fc_train_paper_opts(void)
{
    return (fc_train_opts){.people = 45,
                           .faces = 40,
                           .epochs = 20,
                           .alpha = FC_TRIPLET_ALPHA,
                           .mining = FC_MINE_SEMIHARD,
                           .optimizer = FC_OPT_ADAGRAD,
                           .rate = 0.02f,
                           .seed = 1};
}

fc_train_opts fc_train_default_opts(void)
{
    fc_train_opts o = fc_train_paper_opts();
    o.alpha = 0.01f, o.rate = 0.005f, o.decay = 0.02f, o.background = 400;
    return o;
}

static int by_int64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void shuffle(int *v, int n, unsigned *rng)
{
    for (int i = n - 1; i > 0; i--) {
        const int j = (int)(next_random(rng) % (unsigned)(i + 1)), t = v[i];
        v[i] = v[j], v[j] = t;
    }
}

/* The labelled faces in label order: person p's faces are order[start[p] .. start[p + 1]),
 * its label label_of[p]; faces labelled < 0 are in no person. */
typedef struct {
    int *order, *start, *label_of, people;
} by_person;

static void by_person_free(by_person *g)
{
    free(g->order), free(g->start), free(g->label_of);
}

static int group_by_person(const int *label, int n, by_person *g)
{
    g->order = malloc((size_t)(n > 0 ? n : 1) * sizeof *g->order);
    g->start = malloc((size_t)(n + 1) * sizeof *g->start);
    g->label_of = malloc((size_t)(n > 0 ? n : 1) * sizeof *g->label_of);
    int64_t *key = malloc((size_t)(n > 0 ? n : 1) * sizeof *key);
    if (!g->order || !g->start || !g->label_of || !key) {
        free(key);
        return -ENOMEM;
    }
    int labelled = 0;
    for (int i = 0; i < n; i++) /* stable by label */
        if (label[i] >= 0) key[labelled++] = (int64_t)label[i] * n + i;
    qsort(key, (size_t)labelled, sizeof *key, by_int64);
    g->people = 0;
    for (int i = 0; i < labelled; i++) {
        g->order[i] = (int)(key[i] % n);
        if (i == 0 || label[g->order[i]] != label[g->order[i - 1]]) {
            g->label_of[g->people] = label[g->order[i]];
            g->start[g->people++] = i;
        }
    }
    g->start[g->people] = labelled;
    free(key);
    return 0;
}

/* The user's "not this person" faces of the person labelled `label`: set->nots sorted by
 * person, [*from, *to). */
static void nots_of(const fc_train_set *set, const int *sorted_nots, int label, int *from, int *to)
{
    int lo = 0, hi = set->n_nots;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (set->nots[sorted_nots[mid]].person < label)
            lo = mid + 1;
        else
            hi = mid;
    }
    *from = lo;
    while (lo < set->n_nots && set->nots[sorted_nots[lo]].person == label) lo++;
    *to = lo;
}

/* sorted: set->nots' indexes, by person. */
static int sort_nots(const fc_train_set *set, int *sorted)
{
    const int n = set->n_nots;
    int64_t *key = malloc((size_t)(n > 0 ? n : 1) * sizeof *key);
    if (!key) return -ENOMEM;
    for (int i = 0; i < n; i++) key[i] = (int64_t)set->nots[i].person * n + i;
    qsort(key, (size_t)n, sizeof *key, by_int64);
    for (int i = 0; i < n; i++) sorted[i] = (int)(key[i] % n);
    free(key);
    return 0;
}

/* A batch being filled. */
typedef struct {
    float *x;
    int *label;
    int count, cap;
} batch;

static void batch_add(batch *b, const float *x, int label)
{
    if (b->count == b->cap) return;
    memcpy(b->x + (size_t)b->count * FC_EMBED_DIM, x, FC_EMBED_DIM * sizeof *x);
    b->label[b->count++] = label;
}

int fc_triplet_train(fc_head *h, const fc_train_set *set, const fc_train_opts *opts,
                     fc_train_progress progress, void *ctx, char *err)
{
    const fc_train_opts o = opts ? *opts : fc_train_default_opts();
    if (!set || set->n < 0 || o.people < 2 || o.faces < 2 || o.epochs < 0 ||
        (set->n_nots > 0 && !set->nots))
        return fc_errorf(err, -EINVAL, "nothing to train on, or bad training options");
    for (int i = 0; i < set->n_nots; i++)
        if (set->nots[i].face < 0 || set->nots[i].face >= set->n || set->nots[i].person < 0)
            return fc_errorf(err, -EINVAL, "a known negative names face %d of %d",
                             set->nots[i].face, set->n);
    by_person g = {0};
    fc_optimizer opt = {0};
    /* each person's known negatives join its batch, up to a quarter of its faces */
    const int extra = o.faces / 4;
    batch b = {.cap = o.people * (o.faces + extra) + (o.background > 0 ? o.background : 0)};
    b.x = malloc((size_t)b.cap * FC_EMBED_DIM * sizeof *b.x);
    b.label = malloc((size_t)b.cap * sizeof *b.label);
    int *eligible = NULL, *pick = NULL, *sorted_nots = NULL, n_eligible = 0;
    int *unlabelled = malloc((size_t)(set->n + 1) * sizeof *unlabelled), n_unlabelled = 0;
    for (int i = 0; unlabelled && i < set->n; i++)
        if (set->label[i] < 0) unlabelled[n_unlabelled++] = i;
    const size_t n_w = (size_t)h->dim * FC_EMBED_DIM;
    float *w0 = malloc(n_w * sizeof *w0); /* where decay pulls back to */
    if (w0) memcpy(w0, h->w, n_w * sizeof *w0);
    int rc = b.x && b.label && w0 && unlabelled ? group_by_person(set->label, set->n, &g) : -ENOMEM;
    if (!rc) {
        eligible = malloc((size_t)(g.people + 1) * sizeof *eligible);
        pick = malloc((size_t)(set->n + 1) * sizeof *pick);
        sorted_nots = malloc((size_t)(set->n_nots + 1) * sizeof *sorted_nots);
        rc = eligible && pick && sorted_nots ? 0 : -ENOMEM;
    }
    for (int p = 0; !rc && p < g.people; p++)
        if (g.start[p + 1] - g.start[p] >= 2) eligible[n_eligible++] = p;
    if (!rc && n_eligible < 2) rc = -EINVAL;
    if (!rc) {
        rc = sort_nots(set, sorted_nots);
        if (!rc)
            rc = fc_optimizer_init(&opt, o.optimizer, o.rate, (size_t)h->dim * FC_EMBED_DIM, err);
    }
    unsigned rng = o.seed;
    for (int epoch = 0; !rc && epoch < o.epochs; epoch++) {
        shuffle(eligible, n_eligible, &rng);
        double loss = 0;
        long pairs = 0, active = 0;
        int steps = 0;
        for (int first = 0; !rc && first + 1 < n_eligible; first += o.people) {
            const int last = first + o.people < n_eligible ? first + o.people : n_eligible;
            b.count = 0;
            for (int q = first; q < last; q++) {
                const int p = eligible[q], have = g.start[p + 1] - g.start[p];
                for (int i = 0; i < have; i++) pick[i] = g.order[g.start[p] + i];
                shuffle(pick, have, &rng);
                for (int i = 0; i < have && i < o.faces; i++)
                    batch_add(&b, set->x + (size_t)pick[i] * FC_EMBED_DIM, q - first);
            }
            /* known negatives: a face the user said is not person p is a negative for p's
             * anchors whatever its own person; one of a person in this batch is there
             * already (or may be), the others come as people of one face (a label no
             * other face has: never an anchor) */
            for (int q = first; q < last; q++) {
                int from, to, added = 0;
                nots_of(set, sorted_nots, g.label_of[eligible[q]], &from, &to);
                for (int k = from; k < to && added < extra; k++) {
                    const int face = set->nots[sorted_nots[k]].face, own = set->label[face];
                    int in_batch = 0;
                    for (int r = first; own >= 0 && r < last; r++)
                        in_batch |= g.label_of[eligible[r]] == own;
                    if (in_batch) continue;
                    batch_add(&b, set->x + (size_t)face * FC_EMBED_DIM, -1 - b.count);
                    added++;
                }
            }
            for (int k = 0; k < o.background && n_unlabelled > 0; k++) {
                const int face = unlabelled[next_random(&rng) % (unsigned)n_unlabelled];
                batch_add(&b, set->x + (size_t)face * FC_EMBED_DIM, -1 - b.count);
            }
            if (last - first < 2) break; /* a last batch of one person has no negative */
            fc_triplet_stats stats;
            rc = fc_triplet_step(h, &opt, b.x, b.label, b.count, o.alpha, o.mining, &rng, &stats,
                                 err);
            for (size_t k = 0; !rc && o.decay > 0 && k < opt.size; k++)
                h->w[k] -= o.decay * (h->w[k] - w0[k]);
            loss += stats.loss, pairs += stats.pairs, active += stats.active, steps++;
        }
        if (!rc && progress)
            progress(ctx, epoch, steps ? (float)(loss / steps) : 0,
                     pairs ? (float)active / (float)pairs : 0);
    }
    fc_optimizer_free(&opt);
    free(b.x), free(b.label), free(eligible), free(pick), free(sorted_nots), free(w0);
    free(unlabelled);
    by_person_free(&g);
    if (rc == -ENOMEM) return fc_errorf(err, rc, "out of memory training");
    if (rc == -EINVAL && n_eligible < 2)
        return fc_errorf(err, rc, "training needs two people with two faces or more");
    return rc;
}

void fc_head_transform(const fc_head *h, float (*embedding)[FC_EMBED_DIM], int n)
{
    float out[FC_EMBED_DIM];
    for (int i = 0; h && h->w && i < n; i++) {
        fc_head_apply(h, embedding[i], out);
        memset(embedding[i], 0, sizeof embedding[i]);
        memcpy(embedding[i], out, (size_t)h->dim * sizeof *out);
    }
}
