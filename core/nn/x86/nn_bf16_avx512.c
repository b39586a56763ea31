/* Pointwise convolution with bfloat16 products, on AVX-512 BF16.
 *
 * The SSD's pointwise layers are most of a photo's time, and on float32 the GEMM is
 * bound by its multiplies. VDPBF16PS multiplies pairs of bfloat16 values (float32's
 * top 16 bits: 8 bits of mantissa) and adds both products to a float32 sum: twice the
 * products per instruction of an FMA, at the same rate, from half the bytes. A block of
 * input rows is rounded to bfloat16 (nearest even) into the conv's scratch, contiguous;
 * the weights were rounded once (fc_conv_pack_bf16: per 16 output channels, K/2 pairs
 * x 16 channels). The block structure, the 6 x 16 register block and its end (bias,
 * residual, activation) are the float32 kernel's (nn_avx2.c). */
#include "core/nn/x86/nn_avx2_act.h"
#include "core/nn/nn_internal.h"

#include <immintrin.h>
#include <stdint.h>

#define MR FC_GEMM_MR
#define NR FC_GEMM_NR
#define TARGET_BF16 __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bf16")))

/* acc += A B over `pairs` pairs of k: row r of A at a[r] (pairs of bfloat16 as 32-bit
 * words), B a panel of pairs x 16 channels x 2. */
TARGET_BF16 __attribute__((always_inline)) static inline void
block_bf16(const uint32_t *const *a, int pairs, const uint32_t *b, __m256 acc[MR][2])
{
    __m256 c00 = acc[0][0], c01 = acc[0][1], c10 = acc[1][0], c11 = acc[1][1];
    __m256 c20 = acc[2][0], c21 = acc[2][1], c30 = acc[3][0], c31 = acc[3][1];
    __m256 c40 = acc[4][0], c41 = acc[4][1], c50 = acc[5][0], c51 = acc[5][1];
    const uint32_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
    for (int k = 0; k < pairs; k++) {
        const __m256bh b0 = (__m256bh)_mm256_loadu_si256((const __m256i *)b);
        const __m256bh b1 = (__m256bh)_mm256_loadu_si256((const __m256i *)(b + 8));
        __m256bh t;
        t = (__m256bh)_mm256_set1_epi32((int)a0[k]);
        c00 = _mm256_dpbf16_ps(c00, t, b0), c01 = _mm256_dpbf16_ps(c01, t, b1);
        t = (__m256bh)_mm256_set1_epi32((int)a1[k]);
        c10 = _mm256_dpbf16_ps(c10, t, b0), c11 = _mm256_dpbf16_ps(c11, t, b1);
        t = (__m256bh)_mm256_set1_epi32((int)a2[k]);
        c20 = _mm256_dpbf16_ps(c20, t, b0), c21 = _mm256_dpbf16_ps(c21, t, b1);
        t = (__m256bh)_mm256_set1_epi32((int)a3[k]);
        c30 = _mm256_dpbf16_ps(c30, t, b0), c31 = _mm256_dpbf16_ps(c31, t, b1);
        t = (__m256bh)_mm256_set1_epi32((int)a4[k]);
        c40 = _mm256_dpbf16_ps(c40, t, b0), c41 = _mm256_dpbf16_ps(c41, t, b1);
        t = (__m256bh)_mm256_set1_epi32((int)a5[k]);
        c50 = _mm256_dpbf16_ps(c50, t, b0), c51 = _mm256_dpbf16_ps(c51, t, b1);
        b += NR;
    }
    acc[0][0] = c00, acc[0][1] = c01, acc[1][0] = c10, acc[1][1] = c11;
    acc[2][0] = c20, acc[2][1] = c21, acc[3][0] = c30, acc[3][1] = c31;
    acc[4][0] = c40, acc[4][1] = c41, acc[5][0] = c50, acc[5][1] = c51;
}

/* n floats (a multiple of 16) to bfloat16, nearest even. */
TARGET_BF16 static void round_bf16(const float *x, int n, uint16_t *y)
{
    for (int i = 0; i < n; i += 16)
        _mm256_storeu_si256((__m256i *)(y + i),
                            (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + i)));
}

TARGET_BF16 void fc_conv2d_bf16_avx512(const fc_conv *conv, const fc_act *in,
                                       const fc_act *residual, fc_act *out)
{
    enum { MAX_BLOCK = FC_CONV_MAX_BLOCK };
    const int cin = conv->cin, pairs = cin / 2;
    const int npix = in->n * in->h * in->w;
    /* the block's rows, rounded, fill the scratch: FC_BF16_SCRATCH_FLOATS floats */
    int block = (int)(2 * FC_BF16_SCRATCH_FLOATS / cin) / MR * MR;
    if (block > MAX_BLOCK) block = MAX_BLOCK;
    uint16_t *rows = (uint16_t *)conv->scratch;
    const float *a_row[MAX_BLOCK + MR];
    float *out_row[MAX_BLOCK + MR];
    const float *res_row[MAX_BLOCK + MR];
    for (int m0 = 0; m0 < npix; m0 += block) {
        const int m1 = npix - m0 < block ? npix : m0 + block;
        fc_conv_block_rows(conv, in, residual, out, m0, m1, 0, a_row, out_row, res_row);
        for (int i = 0; i < m1 - m0; i++) round_bf16(a_row[i], cin, rows + (size_t)i * cin);
        for (int panel = 0; panel < conv->cout / NR; panel++) {
            const uint32_t *b = (const uint32_t *)conv->bf16 + (size_t)panel * pairs * NR;
            const int ch0 = panel * NR;
            const int with_res = residual && ch0 < residual->c;
            for (int p0 = m0; p0 < m1; p0 += MR) {
                const int i = p0 - m0, nrows = m1 - p0 < MR ? m1 - p0 : MR;
                const uint32_t *a[MR];
                for (int r = 0; r < MR; r++)
                    a[r] =
                        (const uint32_t *)(rows + (size_t)(i + (r < nrows ? r : nrows - 1)) * cin);
                __m256 acc[MR][2];
                for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
                block_bf16(a, pairs, b, acc);
                store_block_avx2(acc, nrows, out_row + i, with_res ? res_row + i : NULL, ch0,
                                 conv->bias + ch0, conv->act, conv->leak);
            }
        }
    }
}
