/* Convolution as an implicit GEMM on AVX2 + FMA.
 *
 * For output pixel p and output channel n, out[p][n] = sum_k A[p][k] * B[k][n] with
 * K = kh * kw * cin. In NHWC the kw * cin inputs of one kernel row are contiguous, so a
 * row of A is kh segments of kw * cin floats read straight from the input tensor: no
 * im2col copy. B is the weight panel (K x 16, model.c's layout 1).
 *
 * The micro-kernel keeps a 6 x 16 block of C in 12 ymm registers: per k it loads two
 * vectors of B, broadcasts six values of A and issues 12 FMAs, which the two FMA pipes
 * retire in 6 cycles while loads stay under three per cycle. Rows of a block may lie in
 * different output rows, or images of a batch: each has its own A pointer. */
#include "core/nn/x86/nn_avx2_act.h"
#include "core/nn/nn_internal.h"

#include <immintrin.h>
#include <stddef.h>

#define MR FC_GEMM_MR
#define NR FC_GEMM_NR

/* acc += A B for one 6 x 16 block over k values: A's rows at a0..a5, B a k x 16 panel.
 * Inlined into both kernels below so the 12 accumulators stay in registers. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
block_6x16(const float *a0, const float *a1, const float *a2, const float *a3, const float *a4,
           const float *a5, const float *b, int k_count, __m256 acc[MR][2])
{
    __m256 c00 = acc[0][0], c01 = acc[0][1], c10 = acc[1][0], c11 = acc[1][1];
    __m256 c20 = acc[2][0], c21 = acc[2][1], c30 = acc[3][0], c31 = acc[3][1];
    __m256 c40 = acc[4][0], c41 = acc[4][1], c50 = acc[5][0], c51 = acc[5][1];
    for (int k = 0; k < k_count; k++) {
        const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        __m256 t;
        t = _mm256_broadcast_ss(a0 + k);
        c00 = _mm256_fmadd_ps(t, b0, c00), c01 = _mm256_fmadd_ps(t, b1, c01);
        t = _mm256_broadcast_ss(a1 + k);
        c10 = _mm256_fmadd_ps(t, b0, c10), c11 = _mm256_fmadd_ps(t, b1, c11);
        t = _mm256_broadcast_ss(a2 + k);
        c20 = _mm256_fmadd_ps(t, b0, c20), c21 = _mm256_fmadd_ps(t, b1, c21);
        t = _mm256_broadcast_ss(a3 + k);
        c30 = _mm256_fmadd_ps(t, b0, c30), c31 = _mm256_fmadd_ps(t, b1, c31);
        t = _mm256_broadcast_ss(a4 + k);
        c40 = _mm256_fmadd_ps(t, b0, c40), c41 = _mm256_fmadd_ps(t, b1, c41);
        t = _mm256_broadcast_ss(a5 + k);
        c50 = _mm256_fmadd_ps(t, b0, c50), c51 = _mm256_fmadd_ps(t, b1, c51);
        b += NR;
    }
    acc[0][0] = c00, acc[0][1] = c01, acc[1][0] = c10, acc[1][1] = c11;
    acc[2][0] = c20, acc[2][1] = c21, acc[3][0] = c30, acc[3][1] = c31;
    acc[4][0] = c40, acc[4][1] = c41, acc[5][0] = c50, acc[5][1] = c51;
}

/* A block of up to 6 rows x 16 columns of a convolution's C = act(A B + bias + residual).
 * Row r of A is nseg segments of seglen floats at a[r] + a_off + seg_off[s]; its 16
 * results go to out[r] + c_off, its residual is res[r] + c_off (res NULL: none). B is a
 * K x 16 panel, K = nseg * seglen, 32-byte aligned. The arrays hold 6 rows even when
 * nrows is fewer (the caller repeats its last row): those are computed, never stored.
 * accumulate: start from the sums already in out (not zero); finish: add bias and
 * residual and activate (otherwise store the raw partial sums). Inlined into the
 * convolution's loop: with short rows (32 inputs) a call and its argument block per
 * 6 x 16 block cost a fifth as much as the multiplies. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
conv_block(const float *const *a, ptrdiff_t a_off, float *const *out, const float *const *res,
           ptrdiff_t c_off, int nrows, const ptrdiff_t *seg_off, int nseg, int seglen,
           const float *b, const float *bias, enum fc_activation act, float leak, int accumulate,
           int finish)
{
    __m256 acc[MR][2];
    for (int r = 0; r < MR; r++) {
        const int stored = accumulate && r < nrows;
        acc[r][0] = stored ? _mm256_loadu_ps(out[r] + c_off) : _mm256_setzero_ps();
        acc[r][1] = stored ? _mm256_loadu_ps(out[r] + c_off + 8) : _mm256_setzero_ps();
    }
    for (int s = 0; s < nseg; s++) {
        const ptrdiff_t off = a_off + seg_off[s];
        block_6x16(a[0] + off, a[1] + off, a[2] + off, a[3] + off, a[4] + off, a[5] + off, b,
                   seglen, acc);
        b += (size_t)seglen * NR;
    }
    if (!finish) { /* a partial sum over some of K: the next call goes on from here */
        for (int r = 0; r < nrows; r++) {
            _mm256_storeu_ps(out[r] + c_off, acc[r][0]);
            _mm256_storeu_ps(out[r] + c_off + 8, acc[r][1]);
        }
        return;
    }
    store_block_avx2(acc, nrows, out, res, c_off, bias, act, leak);
}

__attribute__((target("avx2,fma"))) void
fc_gemm_strided_avx2(const float *a, size_t lda, int m, int k, const float *b, float *c, size_t ldc)
{
    for (int r0 = 0; r0 < m; r0 += MR) {
        /* a short last block repeats its last row: computed, never stored */
        const int nrows = m - r0 < MR ? m - r0 : MR;
        const float *row[MR];
        for (int r = 0; r < MR; r++) row[r] = a + (size_t)(r0 + (r < nrows ? r : nrows - 1)) * lda;
        __m256 acc[MR][2];
        for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        block_6x16(row[0], row[1], row[2], row[3], row[4], row[5], b, k, acc);
        for (int r = 0; r < nrows; r++) {
            _mm256_storeu_ps(c + (size_t)(r0 + r) * ldc, acc[r][0]);
            _mm256_storeu_ps(c + (size_t)(r0 + r) * ldc + 8, acc[r][1]);
        }
    }
}

__attribute__((target("avx2,fma"))) void fc_rows_dot_avx2(const float *a, size_t lda, int m, int k,
                                                          const float *packed, int n, float *out,
                                                          size_t ldo)
{
    for (int p = 0; p < (n + NR - 1) / NR; p++)
        fc_gemm_strided_avx2(a, lda, m, k, packed + (size_t)p * k * NR, out + (size_t)p * NR, ldo);
}

void fc_conv_block_rows(const fc_conv *conv, const fc_act *in, const fc_act *residual,
                        const fc_act *out, int m0, int m1, ptrdiff_t a_skip, const float **a_row,
                        float **out_row, const float **res_row)
{
    const int oh = fc_out_size(in->h, conv->kh, conv->stride, conv->padding);
    const int ow = fc_out_size(in->w, conv->kw, conv->stride, conv->padding);
    const int top = fc_pad_before(in->h, conv->kh, conv->stride, conv->padding);
    const int left = fc_pad_before(in->w, conv->kw, conv->stride, conv->padding);
    const int plane = oh * ow;
    /* stepping through pixels: no division per row */
    int img = m0 / plane, oy = m0 % plane / ow, ox = m0 % ow;
    for (int p = m0; p < m1; p++) {
        a_row[p - m0] =
            fc_act_at(in, img, oy * conv->stride - top, ox * conv->stride - left) + a_skip;
        out_row[p - m0] = fc_act_at(out, img, oy, ox);
        res_row[p - m0] = residual ? fc_act_at(residual, img, oy, ox) : NULL;
        if (++ox == ow) {
            ox = 0;
            if (++oy == oh) oy = 0, img++;
        }
    }
    for (int r = m1 - m0; r < m1 - m0 + MR; r++) {
        a_row[r] = a_row[m1 - m0 - 1];
        out_row[r] = out_row[m1 - m0 - 1];
        res_row[r] = res_row[m1 - m0 - 1];
    }
}

__attribute__((target("avx2,fma"))) void fc_conv2d_avx2(const fc_conv *conv, const fc_act *in,
                                                        const fc_act *residual, fc_act *out)
{
    const int oh = fc_out_size(in->h, conv->kh, conv->stride, conv->padding);
    const int ow = fc_out_size(in->w, conv->kw, conv->stride, conv->padding);
    const int top = fc_pad_before(in->h, conv->kh, conv->stride, conv->padding);
    const int left = fc_pad_before(in->w, conv->kw, conv->stride, conv->padding);
    const int plane = oh * ow, npix = in->n * plane; /* rows of the GEMM: every image */
    const size_t k_total = (size_t)conv->kh * conv->kw * conv->cin;
    const ptrdiff_t in_row_pitch = (ptrdiff_t)(in->w + 2 * in->border) * in->c;
    ptrdiff_t seg_off[16];
    for (int ky = 0; ky < conv->kh; ky++) seg_off[ky] = ky * in_row_pitch;
    int nseg = conv->kh, seglen = conv->kw * conv->cin;
    size_t k_skip = 0; /* rows of each weight panel not read */
    ptrdiff_t a_skip = 0;
    if (in->h == 1 && in->w == 1 && conv->stride == 1 && conv->padding == FC_PAD_SAME &&
        conv->kh == conv->kw && conv->kh % 2 == 1) {
        /* A 1x1 image under a 'same' kernel: every tap but the centre reads padding, so
         * read only the centre's weights (1/9 of a 3x3 layer's bytes). */
        nseg = 1;
        seglen = conv->cin;
        k_skip = ((size_t)top * conv->kw + left) * conv->cin;
        a_skip = (ptrdiff_t)top * in_row_pitch + (ptrdiff_t)left * in->c;
    }

    /* Rows in blocks whose inputs fit in L2 (256 KB), every weight panel over a block
     * before the next: a large image is read once, not once per 16 output channels. A
     * block's row addresses are worked out once, by stepping through pixels (no
     * division per row), and reused by every panel: with short rows (32 inputs) the
     * address arithmetic would otherwise cost more than the multiplies. A long pointwise
     * K is taken in chunks of K_CHUNK, each over every row of the block before the next,
     * so that a chunk of the weight panel (16 KB) stays in L1 instead of streaming from
     * L2 once per six rows; the partial sums wait in the output. */
    enum { K_CHUNK = 256 };
    const int chunk = nseg == 1 && seglen > K_CHUNK ? K_CHUNK : seglen;
    enum { MAX_BLOCK = FC_CONV_MAX_BLOCK };
    int block = (int)(((size_t)64 << 10) / k_total) / MR * MR;
    if (block < MR) block = MR;
    if (block > MAX_BLOCK) block = MAX_BLOCK;
    /* MR spare entries: a short last block repeats its last row there */
    const float *a_row[MAX_BLOCK + MR];
    float *out_row[MAX_BLOCK + MR];
    const float *res_row[MAX_BLOCK + MR];
    for (int m0 = 0; m0 < npix; m0 += block) {
        const int m1 = npix - m0 < block ? npix : m0 + block;
        fc_conv_block_rows(conv, in, residual, out, m0, m1, a_skip, a_row, out_row, res_row);
        for (int panel = 0; panel < conv->cout / NR; panel++) {
            const float *b = conv->weights + (size_t)panel * k_total * NR + k_skip * NR;
            const float *bias = conv->bias + panel * NR;
            const int ch0 = panel * NR;
            const int with_res = residual && ch0 < residual->c;
            for (int k0 = 0; k0 < seglen; k0 += chunk) {
                const int klen = seglen - k0 < chunk ? seglen - k0 : chunk;
                for (int p0 = m0; p0 < m1; p0 += MR) {
                    const int i = p0 - m0, nrows = m1 - p0 < MR ? m1 - p0 : MR;
                    conv_block(a_row + i, k0, out_row + i, with_res ? res_row + i : NULL, ch0,
                               nrows, seg_off, nseg, klen, b + (size_t)k0 * NR, bias, conv->act,
                               conv->leak, k0 > 0, k0 + klen == seglen);
                }
            }
        }
    }
}
