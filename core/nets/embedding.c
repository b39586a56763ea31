#include "core/nets/embedding.h"

#include <errno.h>
#include <math.h>
#include <string.h>

int fc_embed_normalize(const float raw[FC_EMBED_DIM], float unit[FC_EMBED_DIM])
{
    double sum = 0.0;
    for (int i = 0; i < FC_EMBED_DIM; i++) sum += (double)raw[i] * raw[i];
    if (!(sum > 0.0) || !isfinite(sum)) {
        memset(unit, 0, FC_EMBED_DIM * sizeof(float));
        return -EINVAL;
    }
    const double inv = 1.0 / sqrt(sum);
    for (int i = 0; i < FC_EMBED_DIM; i++) unit[i] = (float)(raw[i] * inv);
    return 0;
}

float fc_embed_distance(const float a[FC_EMBED_DIM], const float b[FC_EMBED_DIM])
{
    /* eight running sums, added up in a fixed order: the compiler keeps them in vector
     * registers, and core/cluster/placement.c sums rows the same way, bit for bit */
    float lane[FC_EMBED_LANES] = {0};
    for (int i = 0; i < FC_EMBED_DIM; i += FC_EMBED_LANES)
        for (int j = 0; j < FC_EMBED_LANES; j++) lane[j] += a[i + j] * b[i + j];
    return 1.0f - fc_embed_lanes_sum(lane);
}

void fc_qembed_encode(const float unit[FC_EMBED_DIM], fc_qembed *q)
{
    for (int i = 0; i < FC_EMBED_DIM; i++) {
        float v = roundf(unit[i] * FC_QEMBED_SCALE);
        /* NaN compares false both ways and lands on 0 */
        q->v[i] = (int8_t)(v > 127.0f ? 127 : v < -127.0f ? -127 : v == v ? (int)v : 0);
    }
}

void fc_qembed_decode(const fc_qembed *q, float unit[FC_EMBED_DIM])
{
    for (int i = 0; i < FC_EMBED_DIM; i++) unit[i] = (float)q->v[i] / FC_QEMBED_SCALE;
}

void fc_qembed_unit(const fc_qembed *q, float unit[FC_EMBED_DIM])
{
    float raw[FC_EMBED_DIM];
    fc_qembed_decode(q, raw);
    if (fc_embed_normalize(raw, unit) != 0) memset(unit, 0, sizeof raw);
}

float fc_qembed_distance(const fc_qembed *a, const fc_qembed *b)
{
    int32_t dot = 0, na = 0, nb = 0;
    for (int i = 0; i < FC_EMBED_DIM; i++) {
        dot += (int32_t)a->v[i] * b->v[i];
        na += (int32_t)a->v[i] * a->v[i];
        nb += (int32_t)b->v[i] * b->v[i];
    }
    if (na == 0 || nb == 0) return 1.0f;
    return 1.0f - (float)((double)dot / sqrt((double)na * (double)nb));
}
