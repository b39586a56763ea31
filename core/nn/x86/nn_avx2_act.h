/* The activations on 8 lanes, shared by the AVX2 kernels (must match fc_activate). */
#ifndef FC_NN_AVX2_ACT_H
#define FC_NN_AVX2_ACT_H

#include "core/nn/nn.h"

#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline __m256
activate_avx2(__m256 v, enum fc_activation act, __m256 leak)
{
    switch (act) {
    case FC_ACT_RELU:
        return _mm256_max_ps(v, _mm256_setzero_ps());
    case FC_ACT_RELU6:
        return _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), _mm256_set1_ps(6.0f));
    case FC_ACT_LEAKY:
        /* blend, not max(v, leak * v): exact for any slope, as fc_activate */
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, leak),
                                _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ));
    default:
        return v;
    }
}

#endif
