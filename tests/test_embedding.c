/* The unit embedding, THE distance, and the 128-byte form. */
#include "tests/harness.h"

#include "core/nets/embedding.h"

#include <errno.h>

/* A random unit vector shaped like real embeddings: components around +-0.09. */
static void random_unit(unsigned *seed, float unit[FC_EMBED_DIM])
{
    float raw[FC_EMBED_DIM];
    for (int i = 0; i < FC_EMBED_DIM; i++) raw[i] = harness_random(seed);
    fc_embed_normalize(raw, unit);
}

static void test_normalize(void)
{
    float raw[FC_EMBED_DIM], unit[FC_EMBED_DIM];
    for (int i = 0; i < FC_EMBED_DIM; i++) raw[i] = (float)(i % 7) - 3.0f;
    CHECK(fc_embed_normalize(raw, unit) == 0);
    double norm = 0;
    for (int i = 0; i < FC_EMBED_DIM; i++) norm += (double)unit[i] * unit[i];
    CHECK(fabs(norm - 1.0) < 1e-6);
    CHECK(fabsf(fc_embed_distance(unit, unit)) < 1e-6f);
    float neg[FC_EMBED_DIM];
    for (int i = 0; i < FC_EMBED_DIM; i++) neg[i] = -unit[i];
    CHECK(fabsf(fc_embed_distance(unit, neg) - 2.0f) < 1e-5f);

    memset(raw, 0, sizeof raw);
    CHECK(fc_embed_normalize(raw, unit) == -EINVAL);
    raw[3] = NAN;
    CHECK(fc_embed_normalize(raw, unit) == -EINVAL);
    for (int i = 0; i < FC_EMBED_DIM; i++) CHECK(unit[i] == 0.0f);
}

static void test_round_trip_bounds(void)
{
    unsigned seed = 99;
    const float half_step = 0.5f / FC_QEMBED_SCALE;
    for (int trial = 0; trial < 200; trial++) {
        float unit[FC_EMBED_DIM], back[FC_EMBED_DIM];
        fc_qembed q;
        random_unit(&seed, unit);
        fc_qembed_encode(unit, &q);
        fc_qembed_decode(&q, back);
        for (int i = 0; i < FC_EMBED_DIM; i++)
            CHECK_MSG(fabsf(back[i] - unit[i]) <= half_step * 1.0001f, "component %d: %g vs %g", i,
                      back[i], unit[i]);
    }
}

static void test_saturation(void)
{
    float unit[FC_EMBED_DIM] = {0};
    unit[0] = 0.9f; /* far past 127 / scale */
    unit[1] = -0.9f;
    unit[2] = 126.6f / FC_QEMBED_SCALE;
    unit[3] = NAN;
    fc_qembed q;
    fc_qembed_encode(unit, &q);
    CHECK(q.v[0] == 127 && q.v[1] == -127 && q.v[2] == 127 && q.v[3] == 0);
    for (int i = 4; i < FC_EMBED_DIM; i++) CHECK(q.v[i] == 0);
}

static void test_zero_vector(void)
{
    float zero[FC_EMBED_DIM] = {0}, back[FC_EMBED_DIM];
    fc_qembed q;
    fc_qembed_encode(zero, &q);
    fc_qembed_decode(&q, back);
    for (int i = 0; i < FC_EMBED_DIM; i++) CHECK(q.v[i] == 0 && back[i] == 0.0f);
    /* the zero vector is at distance 1 from everything: no accidental match */
    CHECK(fc_qembed_distance(&q, &q) == 1.0f);
}

static void test_distance_error(void)
{
    /* the quantised distance tracks the float one closely for realistic vectors */
    unsigned seed = 7;
    float worst = 0.0f;
    for (int trial = 0; trial < 2000; trial++) {
        float a[FC_EMBED_DIM], b[FC_EMBED_DIM];
        fc_qembed qa, qb;
        random_unit(&seed, a);
        if (trial % 2) {
            random_unit(&seed, b);
        } else { /* a near neighbour, as same-person pairs are */
            for (int i = 0; i < FC_EMBED_DIM; i++) b[i] = a[i] + 0.05f * harness_random(&seed);
            fc_embed_normalize(b, b);
        }
        fc_qembed_encode(a, &qa);
        fc_qembed_encode(b, &qb);
        float d = fabsf(fc_qembed_distance(&qa, &qb) - fc_embed_distance(a, b));
        if (d > worst) worst = d;
    }
    CHECK_MSG(worst <= 0.005f, "worst distance error %g", worst);
}

int main(void)
{
    RUN(test_normalize);
    RUN(test_round_trip_bounds);
    RUN(test_saturation);
    RUN(test_zero_vector);
    RUN(test_distance_error);
    return harness_exit();
}
