/* The activations on 8 lanes (must match fc_activate), and the end of a 6 x 16 block of a
 * convolution, shared by the float32 and bfloat16 GEMM kernels. */
#ifndef FC_NN_AVX2_ACT_H
#define FC_NN_AVX2_ACT_H

#include "core/nn/nn.h"

#include <immintrin.h>
#include <stddef.h>

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

/* Stores a finished block of up to 6 rows x 16 columns: act(acc + bias + residual) to
 * out[r] + c_off, the residual read at res[r] + c_off (res NULL: none; bias NULL: none).
 * Rows past nrows were computed but are not stored. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
store_block_avx2(__m256 acc[6][2], int nrows, float *const *out, const float *const *res,
                 ptrdiff_t c_off, const float *bias, enum fc_activation act, float leak)
{
    const __m256 bias0 = bias ? _mm256_loadu_ps(bias) : _mm256_setzero_ps();
    const __m256 bias1 = bias ? _mm256_loadu_ps(bias + 8) : _mm256_setzero_ps();
    const __m256 slope = _mm256_set1_ps(leak);
    for (int r = 0; r < nrows; r++) {
        __m256 v0 = _mm256_add_ps(acc[r][0], bias0), v1 = _mm256_add_ps(acc[r][1], bias1);
        if (res) {
            v0 = _mm256_add_ps(v0, _mm256_loadu_ps(res[r] + c_off));
            v1 = _mm256_add_ps(v1, _mm256_loadu_ps(res[r] + c_off + 8));
        }
        _mm256_storeu_ps(out[r] + c_off, activate_avx2(v0, act, slope));
        _mm256_storeu_ps(out[r] + c_off + 8, activate_avx2(v1, act, slope));
    }
}

#endif
