/* FaceNet's triplet loss in core/triplet: the gradients against finite differences, the
 * three mining rules on hand-placed faces, and training on synthetic data whose identity
 * is entangled with a nuisance the head must learn to ignore. */
#include "tests/harness.h"

#include "core/train/triplet.h"

#include <errno.h>
#include <string.h>

static unsigned rng = 99;

static float gaussian(void)
{
    float s = 0;
    for (int i = 0; i < 12; i++) s += (harness_random(&rng) + 1.0f) / 2.0f;
    return s - 6.0f;
}

static void unit(float *v, int n)
{
    float norm = 0;
    for (int k = 0; k < n; k++) norm += v[k] * v[k];
    norm = sqrtf(norm);
    for (int k = 0; k < n; k++) v[k] /= norm;
}

/* The mean loss of fixed triplets at the head's current weights. */
static float loss_at(const fc_head *h, const float *x, int n, const fc_triplet *t, int count,
                     float alpha, float *out)
{
    for (int i = 0; i < n; i++) fc_head_apply(h, x + i * FC_EMBED_DIM, out + i * h->dim);
    return fc_triplet_loss(out, h->dim, n, t, count, alpha, NULL, NULL);
}

static void test_gradients_match_finite_differences(void)
{
    enum { N = 8, DIM = 16 };
    float x[N * FC_EMBED_DIM], out[N * DIM], grad[N * DIM];
    static float grad_w[DIM * FC_EMBED_DIM];
    const int label[N] = {0, 0, 1, 1, 2, 2, 3, 3};
    for (int i = 0; i < N * FC_EMBED_DIM; i++) x[i] = gaussian();
    for (int i = 0; i < N; i++) unit(x + i * FC_EMBED_DIM, FC_EMBED_DIM);
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, DIM, 7, err) == 0);
    /* a large margin keeps every triplet active, away from the hinge's kink */
    const float alpha = 4.0f;
    fc_triplet t[N * N];
    unsigned r = 1;
    for (int i = 0; i < N; i++) fc_head_apply(&h, x + i * FC_EMBED_DIM, out + i * DIM);
    const int count = fc_triplet_mine(out, DIM, label, N, alpha, FC_MINE_HARDEST, &r, t, N * N);
    CHECK(count == N); /* each face has one positive */
    int active;
    fc_triplet_loss(out, DIM, N, t, count, alpha, grad, &active);
    CHECK(active == count);
    fc_head_backward(&h, x, N, grad, grad_w);
    double worst = 0;
    for (int probe = 0; probe < 64; probe++) {
        const int i = (probe * 977) % (DIM * FC_EMBED_DIM);
        const float keep = h.w[i], eps = 1e-2f;
        h.w[i] = keep + eps;
        const float up = loss_at(&h, x, N, t, count, alpha, out);
        h.w[i] = keep - eps;
        const float down = loss_at(&h, x, N, t, count, alpha, out);
        h.w[i] = keep;
        const double numeric = (up - down) / (2.0 * eps);
        const double diff = fabs(numeric - grad_w[i]) / (fabs(numeric) + fabs(grad_w[i]) + 1e-3);
        if (diff > worst) worst = diff;
    }
    CHECK_MSG(worst < 0.02, "worst relative difference %.4f", worst);
    fc_head_free(&h);
}

/* Faces on a circle (dim 2): the anchor at angle 0, its positive at 0.5 rad (squared
 * distance 0.245); negatives easy (2.0 rad: 1.83), semi-hard (0.6 rad: 0.349, within the
 * margin 0.2) and hard (0.3 rad: 0.089, closer than the positive). */
static void test_mining_picks_what_it_must(void)
{
    const float angle[5] = {0, 0.5f, 2.0f, 0.6f, 0.3f};
    const int label[5] = {0, 0, 1, 2, 3};
    float out[10];
    for (int i = 0; i < 5; i++) out[2 * i] = cosf(angle[i]), out[2 * i + 1] = sinf(angle[i]);
    fc_triplet t[20];
    unsigned r = 5;
    int n = fc_triplet_mine(out, 2, label, 5, FC_TRIPLET_ALPHA, FC_MINE_SEMIHARD, &r, t, 20);
    /* anchor 0 (positive 1): semi-hard is face 3; anchor 1 (positive 0): d_ap 0.245, the
     * band (0.245, 0.445): face 4 (0.2 rad from face 1: 0.04) is hard, face 3 (0.1 rad:
     * 0.01) hard too: none */
    CHECK(n == 1 && t[0].anchor == 0 && t[0].positive == 1 && t[0].negative == 3);
    n = fc_triplet_mine(out, 2, label, 5, FC_TRIPLET_ALPHA, FC_MINE_HARDEST, &r, t, 20);
    CHECK(n == 2 && t[0].negative == 4 && t[1].negative == 3);
    int seen[5] = {0};
    for (int draw = 0; draw < 200; draw++) {
        n = fc_triplet_mine(out, 2, label, 5, FC_TRIPLET_ALPHA, FC_MINE_RANDOM, &r, t, 20);
        CHECK(n == 2);
        seen[t[0].negative]++;
    }
    CHECK_MSG(seen[2] == 0 && seen[3] > 40 && seen[4] > 40, "easy %d semi-hard %d hard %d", seen[2],
              seen[3], seen[4]);
    /* the loss: anchor 0's semi-hard triplet violates by 0.245 - 0.349 + 0.2 */
    t[0] = (fc_triplet){0, 1, 3};
    int active;
    const float loss = fc_triplet_loss(out, 2, 5, t, 1, FC_TRIPLET_ALPHA, NULL, &active);
    CHECK(active == 1 && fabsf(loss - (2 - 2 * cosf(0.5f) - (2 - 2 * cosf(0.6f)) + 0.2f)) < 1e-5f);
    t[0] = (fc_triplet){0, 1, 2}; /* easy: no loss */
    CHECK(fc_triplet_loss(out, 2, 5, t, 1, FC_TRIPLET_ALPHA, NULL, &active) == 0 && !active);
}

/* People spread over the whole space, and a nuisance (lighting, pose) of larger size along
 * a few directions every face shares: the embedding mixes both, and a head that learns
 * to shrink those directions separates people it never saw. */
enum { PEOPLE = 60, PER = 8, NUISANCES = 6 };
static float data[PEOPLE * PER][FC_EMBED_DIM];

static void make_entangled(void)
{
    static float nuisance[NUISANCES][FC_EMBED_DIM];
    for (int d = 0; d < NUISANCES; d++) {
        for (int k = 0; k < FC_EMBED_DIM; k++) nuisance[d][k] = gaussian();
        unit(nuisance[d], FC_EMBED_DIM);
    }
    for (int p = 0; p < PEOPLE; p++) {
        float centre[FC_EMBED_DIM];
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[k] = gaussian();
        for (int j = 0; j < PER; j++) {
            float *x = data[p * PER + j];
            for (int k = 0; k < FC_EMBED_DIM; k++) x[k] = centre[k] + 0.5f * gaussian();
            for (int d = 0; d < NUISANCES; d++) {
                const float size = 5.0f * gaussian();
                for (int k = 0; k < FC_EMBED_DIM; k++) x[k] += size * nuisance[d][k];
            }
            unit(x, FC_EMBED_DIM);
        }
    }
}

/* Verification accuracy over every pair of the faces of people first..last-1 at the best
 * threshold, same and different pairs weighed equally. */
static double verification(const fc_head *h, int first, int last)
{
    const int n = (last - first) * PER;
    float *out = malloc((size_t)n * FC_EMBED_DIM * sizeof *out);
    for (int i = 0; i < n; i++) fc_head_apply(h, data[first * PER + i], out + (size_t)i * h->dim);
    double best = 0;
    for (float t = 0.05f; t < 4.0f; t += 0.05f) {
        double same_ok = 0, same = 0, diff_ok = 0, diff = 0;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) {
                float d = 0;
                for (int k = 0; k < h->dim; k++) {
                    const float e = out[(size_t)a * h->dim + k] - out[(size_t)b * h->dim + k];
                    d += e * e;
                }
                if (a / PER == b / PER)
                    same++, same_ok += d < t;
                else
                    diff++, diff_ok += d >= t;
            }
        const double acc = (same_ok / same + diff_ok / diff) / 2;
        if (acc > best) best = acc;
    }
    free(out);
    return best;
}

/* The loss with each pair's hardest negative, on a fixed batch of the first 10 people:
 * what the mined (semi-hard) loss of a step cannot show, since its band moves. */
static float hardest_loss(const fc_head *h)
{
    enum { N = 10 * PER };
    static float out[N * FC_EMBED_DIM];
    static fc_triplet t[N * PER];
    int label[N];
    unsigned r = 1;
    for (int i = 0; i < N; i++) {
        fc_head_apply(h, data[i], out + (size_t)i * h->dim);
        label[i] = i / PER;
    }
    const int count =
        fc_triplet_mine(out, h->dim, label, N, FC_TRIPLET_ALPHA, FC_MINE_HARDEST, &r, t, N * PER);
    return fc_triplet_loss(out, h->dim, N, t, count, FC_TRIPLET_ALPHA, NULL, NULL);
}

static void test_training_learns_the_metric(void)
{
    make_entangled();
    fc_head h;
    fc_optimizer o;
    char err[256];
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 1, err) == 0);
    CHECK(fc_optimizer_init(&o, FC_OPT_ADAGRAD, 0.02f, (size_t)FC_EMBED_DIM * FC_EMBED_DIM, err) ==
          0);
    const int train = 40; /* people 0..39 train, 40..59 are held out */
    const double before = verification(&h, train, PEOPLE);
    const float loss_before = hardest_loss(&h);
    enum { P = 10, K = 6 };
    static float batch[P * K][FC_EMBED_DIM];
    int label[P * K];
    unsigned r = 3;
    float first_loss = 0, last_loss = 0;
    for (int step = 0; step < 150; step++) {
        for (int p = 0; p < P; p++) {
            const int person = (int)(harness_random(&r) * 0.5f * train + 0.5f * train) % train;
            for (int k = 0; k < K; k++) {
                memcpy(batch[p * K + k], data[person * PER + k], sizeof batch[0]);
                label[p * K + k] = p;
            }
        }
        fc_triplet_stats stats;
        CHECK(fc_triplet_step(&h, &o, &batch[0][0], label, P * K, FC_TRIPLET_ALPHA,
                              FC_MINE_SEMIHARD, &r, &stats, err) == 0);
        if (step < 10) first_loss += stats.loss / 10;
        if (step >= 140) last_loss += stats.loss / 10;
    }
    const double after = verification(&h, train, PEOPLE);
    const float loss_after = hardest_loss(&h);
    CHECK_MSG(loss_after < 0.5f * loss_before, "loss %.4f -> %.4f", loss_before, loss_after);
    CHECK_MSG(after > before + 0.03, "held-out verification %.4f -> %.4f", before, after);
    fprintf(stderr,
            "  hardest-negative loss %.4f -> %.4f, mined %.4f -> %.4f, held-out verification "
            "%.4f -> %.4f\n",
            loss_before, loss_after, first_loss, last_loss, before, after);
    fc_optimizer_free(&o);
    fc_head_free(&h);
}

typedef struct {
    int epochs;
    float first_share, last_share;
} progress_seen;

static void on_epoch(void *ctx, int epoch, float loss, float active_share)
{
    progress_seen *seen = ctx;
    (void)loss;
    if (epoch == 0) seen->first_share = active_share;
    seen->last_share = active_share;
    seen->epochs++;
}

/* Epochs of P x K batches over labelled faces, as `facecluster train` will run them. */
static void test_train_epochs(void)
{
    make_entangled();
    const int train = 40;
    int label[40 * PER];
    for (int i = 0; i < train * PER; i++) label[i] = 1000 + i / PER; /* any ids */
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, 64, 3, err) == 0); /* a smaller head, from a random projection */
    const double before = verification(&h, train, PEOPLE);
    fc_train_opts opts = fc_train_paper_opts(); /* FaceNet's method as the paper runs it */
    opts.people = 10, opts.faces = 6, opts.epochs = 12;
    progress_seen seen = {0};
    const fc_train_set set = {&data[0][0], label, train * PER, NULL, 0};
    CHECK_MSG(fc_triplet_train(&h, &set, &opts, on_epoch, &seen, err) == 0, "%s", err);
    const double after = verification(&h, train, PEOPLE);
    CHECK(seen.epochs == 12);
    CHECK_MSG(seen.last_share < seen.first_share, "active share %.3f -> %.3f", seen.first_share,
              seen.last_share);
    CHECK_MSG(after > before + 0.03, "held-out verification %.4f -> %.4f", before, after);
    fprintf(stderr, "  D = 64: active share %.3f -> %.3f, held-out verification %.4f -> %.4f\n",
            seen.first_share, seen.last_share, before, after);
    /* one person: nothing to learn from */
    for (int i = 0; i < PER; i++) label[i] = 7;
    const fc_train_set one = {&data[0][0], label, PER, NULL, 0};
    CHECK(fc_triplet_train(&h, &one, &opts, NULL, NULL, err) == -EINVAL);
    fc_head_free(&h);
}

static void test_identity_head_changes_nothing(void)
{
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
    float x[FC_EMBED_DIM], out[FC_EMBED_DIM];
    for (int k = 0; k < FC_EMBED_DIM; k++) x[k] = gaussian();
    unit(x, FC_EMBED_DIM);
    fc_head_apply(&h, x, out);
    float worst = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) worst = fmaxf(worst, fabsf(out[k] - x[k]));
    CHECK(worst < 1e-6f);
    fc_head_free(&h);
    CHECK(fc_head_init(&h, 0, 0, err) == -EINVAL && fc_head_init(&h, 129, 0, err) == -EINVAL);
}

/* The user's "not this person": a face in no person, close to person 0, is pushed away
 * from person 0's faces only when the user said so. */
static void test_known_negatives_are_pushed_away(void)
{
    enum { N = 4 * PER + 1 };
    static float x[N][FC_EMBED_DIM];
    int label[N];
    for (int p = 0; p < 4; p++) {
        float centre[FC_EMBED_DIM];
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[k] = gaussian();
        unit(centre, FC_EMBED_DIM);
        for (int j = 0; j < PER; j++) {
            for (int k = 0; k < FC_EMBED_DIM; k++)
                x[p * PER + j][k] = centre[k] + 0.05f * gaussian();
            unit(x[p * PER + j], FC_EMBED_DIM);
            label[p * PER + j] = p;
        }
        if (p == 0) { /* the look-alike: as near person 0 as its own faces are */
            for (int k = 0; k < FC_EMBED_DIM; k++) x[N - 1][k] = centre[k] + 0.05f * gaussian();
            unit(x[N - 1], FC_EMBED_DIM);
        }
    }
    label[N - 1] = -1;
    const fc_known_negative not_zero = {N - 1, 0};
    fc_train_opts opts = fc_train_paper_opts();
    opts.people = 4, opts.faces = PER, opts.epochs = 30;
    float gap[2];
    char err[256];
    for (int with = 0; with < 2; with++) {
        const fc_train_set set = {&x[0][0], label, N, with ? &not_zero : NULL, with};
        fc_head h;
        CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
        CHECK_MSG(fc_triplet_train(&h, &set, &opts, NULL, NULL, err) == 0, "%s", err);
        /* the look-alike's distance to person 0's faces, less theirs among themselves */
        float out[N][FC_EMBED_DIM], far = 0, near = 0;
        for (int i = 0; i < N; i++) fc_head_apply(&h, x[i], out[i]);
        for (int j = 0; j < PER; j++) {
            far += fc_embed_distance(out[N - 1], out[j]);
            for (int i = 0; i < PER; i++) near += fc_embed_distance(out[i], out[j]);
        }
        gap[with] = far / PER - near / (PER * PER);
        fc_head_free(&h);
    }
    CHECK_MSG(gap[1] > gap[0] + 0.05f, "look-alike's margin over person 0: %.3f without, %.3f with",
              gap[0], gap[1]);
    fprintf(stderr, "  the look-alike's margin over person 0: %.3f untold, %.3f told\n", gap[0],
            gap[1]);
    /* a known negative naming a face that is not there is refused */
    const fc_known_negative bad = {N, 0};
    const fc_train_set set = {&x[0][0], label, N, &bad, 1};
    fc_head h;
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
    CHECK(fc_triplet_train(&h, &set, &opts, NULL, NULL, err) == -EINVAL);
    fc_head_free(&h);
}

/* Decay 1 pulls the head all the way back after every step: it stays the identity. */
static void test_full_decay_keeps_the_start(void)
{
    make_entangled();
    int label[20 * PER];
    for (int i = 0; i < 20 * PER; i++) label[i] = i / PER;
    const fc_train_set set = {&data[0][0], label, 20 * PER, NULL, 0};
    fc_train_opts opts = fc_train_paper_opts();
    opts.people = 10, opts.faces = PER, opts.epochs = 3, opts.decay = 1;
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
    CHECK(fc_triplet_train(&h, &set, &opts, NULL, NULL, err) == 0);
    float worst = 0;
    for (int d = 0; d < FC_EMBED_DIM; d++)
        for (int k = 0; k < FC_EMBED_DIM; k++)
            worst = fmaxf(worst, fabsf(h.w[d * FC_EMBED_DIM + k] - (d == k)));
    CHECK_MSG(worst < 1e-6f, "%g", worst);
    fc_head_free(&h);
}

/* Below 128 outputs, a head starts from the directions the faces vary most along (about
 * 0: their mean direction counts): faces living in 4 dimensions keep all of them. */
static void test_principal_start(void)
{
    enum { N = 200 };
    static float x[N][FC_EMBED_DIM];
    for (int i = 0; i < N; i++) {
        memset(x[i], 0, sizeof x[i]);
        for (int k = 0; k < 4; k++) x[i][10 + k * 7] = gaussian() + (k == 0 ? 3 : 0);
        unit(x[i], FC_EMBED_DIM);
    }
    fc_head h;
    char err[256];
    CHECK(fc_head_init_principal(&h, 4, &x[0][0], N, err) == 0 && h.dim == 4);
    for (int d = 0; d < 4; d++) {
        float inside = 0, norm = 0;
        for (int k = 0; k < FC_EMBED_DIM; k++) {
            const float w = h.w[d * FC_EMBED_DIM + k];
            norm += w * w;
            if (k >= 10 && k <= 31 && (k - 10) % 7 == 0) inside += w * w;
        }
        CHECK_MSG(fabsf(norm - 1) < 1e-4f && inside > 0.999f, "row %d: norm %g, inside %g", d, norm,
                  inside);
        for (int e = 0; e < d; e++) {
            float along = 0;
            for (int k = 0; k < FC_EMBED_DIM; k++)
                along += h.w[d * FC_EMBED_DIM + k] * h.w[e * FC_EMBED_DIM + k];
            CHECK(fabsf(along) < 1e-4f);
        }
    }
    /* the distances are kept: the faces are all inside the 4 directions */
    float out[2][FC_EMBED_DIM];
    fc_head_apply(&h, x[0], out[0]), fc_head_apply(&h, x[1], out[1]);
    float dot_in = 0, dot_out = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) dot_in += x[0][k] * x[1][k];
    for (int k = 0; k < 4; k++) dot_out += out[0][k] * out[1][k];
    CHECK(fabsf(dot_in - dot_out) < 1e-4f);
    fc_head_free(&h);
}

/* Thresholds carried into a head's space: the identity carries them as they are; a head
 * that stretches every distance (it shrinks the faces' shared direction) raises them all
 * by one ratio; fc_head_transform pads with zeros so that dot products are the head's. */
static void test_calibration(void)
{
    enum { N = 30 * PER };
    static float x[N][FC_EMBED_DIM];
    int label[N];
    float shared[FC_EMBED_DIM];
    for (int k = 0; k < FC_EMBED_DIM; k++) shared[k] = gaussian();
    unit(shared, FC_EMBED_DIM);
    for (int p = 0; p < 30; p++) {
        float centre[FC_EMBED_DIM];
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[k] = 3 * shared[k] + 0.4f * gaussian();
        for (int j = 0; j < PER; j++) {
            for (int k = 0; k < FC_EMBED_DIM; k++)
                x[p * PER + j][k] = centre[k] + 0.1f * gaussian();
            unit(x[p * PER + j], FC_EMBED_DIM);
            label[p * PER + j] = p;
        }
    }
    const fc_train_set set = {&x[0][0], label, N, NULL, 0};
    const float raw[2] = {0.058f, 0.045f};
    float carried[2];
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
    CHECK(fc_head_calibrate(&h, &set, &x[0][0], label, N, raw, carried, 2, err) == 0);
    CHECK_MSG(fabsf(carried[0] - raw[0]) < 1e-5f && fabsf(carried[1] - raw[1]) < 1e-5f, "%g %g",
              carried[0], carried[1]);
    for (int d = 0; d < FC_EMBED_DIM; d++) /* W = I - 0.8 s s^T */
        for (int k = 0; k < FC_EMBED_DIM; k++)
            h.w[d * FC_EMBED_DIM + k] -= 0.8f * shared[d] * shared[k];
    CHECK(fc_head_calibrate(&h, &set, &x[0][0], label, N, raw, carried, 2, err) == 0);
    const float ratio = carried[0] / raw[0];
    CHECK_MSG(ratio > 1.2f && fabsf(carried[1] / raw[1] - ratio) < 1e-4f, "ratio %g and %g", ratio,
              carried[1] / raw[1]);
    fprintf(stderr, "  a head stretching distances carries the thresholds by %.2f\n", ratio);
    float once[2][FC_EMBED_DIM];
    memcpy(once, x, sizeof once);
    fc_head_transform(&h, once, 2);
    float expect[FC_EMBED_DIM];
    fc_head_apply(&h, x[0], expect);
    float worst = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) worst = fmaxf(worst, fabsf(once[0][k] - expect[k]));
    CHECK(worst < 1e-6f);
    fc_head_free(&h);
    /* a D = 8 head pads its rows with zeros */
    CHECK(fc_head_init(&h, 8, 1, err) == 0);
    memcpy(once, x, sizeof once);
    fc_head_transform(&h, once, 2);
    float tail = 0;
    for (int k = 8; k < FC_EMBED_DIM; k++) tail = fmaxf(tail, fabsf(once[1][k]));
    CHECK(tail == 0);
    fc_head_free(&h);
    /* given thresholds carry over by their ratio to the raw default */
    CHECK(fabsf(fc_head_threshold(0, 0.045f, 0.09f) - 0.09f) < 1e-7f);
    CHECK(fabsf(fc_head_threshold(0.0225f, 0.045f, 0.09f) - 0.045f) < 1e-7f);
}

/* The closed-form baseline: whitening how each person's faces vary about their mean
 * shrinks the shared nuisance, as training does. */
static void test_whitening_baseline(void)
{
    make_entangled();
    const int train = 40;
    int label[40 * PER];
    for (int i = 0; i < train * PER; i++) label[i] = i / PER;
    const fc_train_set set = {&data[0][0], label, train * PER, NULL, 0};
    fc_head h;
    char err[256];
    CHECK(fc_head_init(&h, FC_EMBED_DIM, 0, err) == 0);
    const double before = verification(&h, train, PEOPLE);
    fc_head_free(&h);
    CHECK_MSG(fc_head_whitened(&h, &set, 0.01f, err) == 0, "%s", err);
    const double after = verification(&h, train, PEOPLE);
    CHECK_MSG(after > before + 0.05, "held-out verification %.4f -> %.4f", before, after);
    fprintf(stderr, "  whitened: held-out verification %.4f -> %.4f\n", before, after);
    fc_head_free(&h);
    int none[4] = {-1, -1, -1, -1};
    const fc_train_set unlabelled = {&data[0][0], none, 4, NULL, 0};
    CHECK(fc_head_whitened(&h, &unlabelled, 0.01f, err) == -EINVAL);
}

int main(void)
{
    RUN(test_identity_head_changes_nothing);
    RUN(test_gradients_match_finite_differences);
    RUN(test_mining_picks_what_it_must);
    RUN(test_training_learns_the_metric);
    RUN(test_train_epochs);
    RUN(test_known_negatives_are_pushed_away);
    RUN(test_full_decay_keeps_the_start);
    RUN(test_principal_start);
    RUN(test_calibration);
    RUN(test_whitening_baseline);
    return harness_exit();
}
