/* The daemon's placing among named people without reading every named face in full
 * (placement.h: fc_place_named_within). A face is named only by a named face within the
 * threshold; each named face's 128-byte form (core/nets/embedding.h, fc_qembed), with
 * its rounding error measured, bounds how far the face can be from it, so that only the
 * faces that might be within the threshold are measured, by THE distance
 * (fc_embed_distance), on their floats. The bytes decide nothing: they only spare reading
 * the faces that cannot matter, a quarter of the bytes per face read. */
#include "core/cluster/placement.h"

#include "core/cluster/cluster_internal.h"
#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

struct fc_place_codes {
    int n, cap;
    fc_qembed *code;
    float *error; /* per face: the largest |component - code / FC_QEMBED_SCALE|, measured
                   * (a head's components may saturate the form: the bound still holds) */
};

void fc_place_codes_free(fc_place_codes *c)
{
    if (!c) return;
    free(c->code), free(c->error);
    free(c);
}

int fc_place_codes_new(fc_place_codes **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -ENOMEM;
}

int fc_place_codes_add(fc_place_codes *c, const float e[FC_EMBED_DIM])
{
    if (c->n == c->cap) {
        const int cap = c->cap ? 2 * c->cap : 64;
        fc_qembed *code = realloc(c->code, (size_t)cap * sizeof *code);
        if (code) c->code = code;
        float *error = realloc(c->error, (size_t)cap * sizeof *error);
        if (error) c->error = error;
        if (!code || !error) return -ENOMEM;
        c->cap = cap;
    }
    fc_qembed_encode(e, &c->code[c->n]);
    double worst = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++)
        worst = fmax(worst, fabs((double)e[k] - c->code[c->n].v[k] / (double)FC_QEMBED_SCALE));
    /* rounded up: the bound must hold for the float it is compared in */
    c->error[c->n++] = (float)worst * (1.0f + 1e-6f);
    return 0;
}

int fc_place_codes_count(const fc_place_codes *c)
{
    return c ? c->n : 0;
}

/* a . code, in FC_EMBED_LANES running sums. Its rounding only has to stay within SLACK
 * (below): the AVX2 form may fuse and order its sums as it likes. */
static float code_dot_plain(const float *a, const int8_t *code)
{
    float lane[FC_EMBED_LANES] = {0};
    for (int k = 0; k < FC_EMBED_DIM; k += FC_EMBED_LANES)
        for (int j = 0; j < FC_EMBED_LANES; j++) lane[j] += a[k + j] * (float)code[k + j];
    return fc_embed_lanes_sum(lane);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static float code_dot_avx2(const float *a, const int8_t *code)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0;
    for (int k = 0; k < FC_EMBED_DIM; k += 16) {
        const __m128i c = _mm_loadu_si128((const __m128i *)(code + k));
        const __m256 c0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(c));
        const __m256 c1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(c, 8)));
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), c0, s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), c1, s1);
    }
    return fc_cluster_hsum(_mm256_add_ps(s0, s1));
}
#endif

static float (*code_dot)(const float *, const int8_t *);

static void choose_code_dot(void)
{
    if (code_dot) return; /* a benign race: every thread would pick the same */
#if defined(__x86_64__)
    __builtin_cpu_init();
    code_dot = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? code_dot_avx2
                                                                               : code_dot_plain;
#else
    code_dot = code_dot_plain;
#endif
}

/* Room for float rounding in both sums (128 products of magnitude at most 1: a few
 * times 128 * 2^-24), far under any threshold's resolution. */
#define SLACK 1e-4f

/* Candidate (face, person, d) in, or a nearer distance for one already in. */
static int keep(fc_place_candidate **cand, int *count, int *cap, int face, int64_t person, float d)
{
    for (int c = *count - 1; c >= 0 && (*cand)[c].face == face; c--)
        if ((*cand)[c].person == person) {
            if (d < (*cand)[c].distance) (*cand)[c].distance = d;
            return 0;
        }
    if (*count == *cap) {
        const int grown_cap = *cap ? 2 * *cap : 64;
        fc_place_candidate *grown = realloc(*cand, (size_t)grown_cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        *cand = grown, *cap = grown_cap;
    }
    (*cand)[(*count)++] = (fc_place_candidate){.face = face, .person = person, .distance = d};
    return 0;
}

int fc_place_named_within(const fc_place_codes *codes, const float (*named)[FC_EMBED_DIM],
                          const int64_t *person, const float (*query)[FC_EMBED_DIM], int m,
                          const int64_t *in, const fc_cluster_not *nots, int n_nots,
                          float threshold, fc_place_answer *out, char *err)
{
    if (m < 0 || (codes && codes->n > 0 && (!named || !person)))
        return fc_errorf(err, -EINVAL, "bad input for placing faces");
    fc_place_candidate *cand = NULL;
    int count = 0, cap = 0, rc = 0;
    choose_code_dot();
    for (int i = 0; !rc && i < m; i++) {
        float l1 = 0; /* |a . (b - code / scale)| <= l1 * the face's error */
        for (int k = 0; k < FC_EMBED_DIM; k++) l1 += fabsf(query[i][k]);
        for (int j = 0; !rc && j < fc_place_codes_count(codes); j++) {
            if (!person[j]) continue;
            const float near =
                1.0f - code_dot(query[i], codes->code[j].v) * (1.0f / FC_QEMBED_SCALE);
            if (near > threshold + l1 * codes->error[j] + SLACK) continue;
            const float d = fc_embed_distance(query[i], named[j]);
            if (d <= threshold) rc = keep(&cand, &count, &cap, i, person[j], d);
        }
    }
    if (rc) {
        free(cand);
        return fc_errorf(err, rc, "out of memory");
    }
    rc = fc_place_named_rule(cand, count, m, in, nots, n_nots, threshold, out, err);
    free(cand);
    return rc;
}
