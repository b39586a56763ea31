/* Depthwise convolution on AVX2 + FMA, for 3x3 kernels (the only size the networks use)
 * and any other size more slowly. Each output vector (8 channels of a pixel) costs nine
 * input loads, nine weight loads (from L1: 9 x c floats) and nine FMAs; NHWC keeps the
 * three input rows a row of output reads in L2. Padding is read from the input's zero
 * border. */
#include "core/nn/x86/nn_avx2_act.h"
#include "core/nn/nn_internal.h"

#include <immintrin.h>

/* Output pixels of 8 channels: act(bias + the nine taps in row-major order, each one
 * FMA), the order of the reference's sum. r: the top-left input pixel, rows pitch apart,
 * pixels c floats apart; w: the tap weights, c floats apart. */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256
dw_one(const float *r, ptrdiff_t pitch, ptrdiff_t c, const float *w, __m256 acc)
{
    for (int ky = 0; ky < 3; ky++, r += pitch, w += 3 * c) {
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r), _mm256_loadu_ps(w), acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r + c), _mm256_loadu_ps(w + c), acc);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(r + 2 * c), _mm256_loadu_ps(w + 2 * c), acc);
    }
    return acc;
}

/* One output row, pixel by pixel, all channels of a pixel 8 at a time. The other order,
 * a row's pixels for 8 channels then the next 8 (the weights kept in registers), reads
 * the input at a stride of c floats: for c >= 512 every load lands in one or two sets of
 * L1 (4 KB apart) and thrashes it, and the SSD's depthwise layers took 1.7-2x as long.
 * Four pixels at a time sharing weight loads measured slower still. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
dw_row(const float *src, ptrdiff_t pitch, int c, int stride, const fc_dwconv *conv, int out_w,
       float *dst, __m256 slope)
{
    for (int ox = 0; ox < out_w; ox++) {
        const float *r = src + (ptrdiff_t)ox * stride * c;
        float *out = dst + (size_t)ox * c;
        for (int ch = 0; ch < c; ch += 8) {
            const __m256 bias = conv->bias ? _mm256_loadu_ps(conv->bias + ch) : _mm256_setzero_ps();
            const __m256 acc = dw_one(r + ch, pitch, c, conv->weights + ch, bias);
            _mm256_storeu_ps(out + ch, activate_avx2(acc, conv->act, slope));
        }
    }
}

__attribute__((target("avx2,fma"))) void fc_dwconv2d_rows_avx2(const fc_dwconv *conv,
                                                               const fc_act *in, int img, int y0,
                                                               int y1, int out_w, float *dst,
                                                               size_t dst_pitch)
{
    const int c = conv->c, stride = conv->stride;
    const int top = fc_pad_before(in->h, 3, stride, conv->padding);
    const int left = fc_pad_before(in->w, 3, stride, conv->padding);
    const ptrdiff_t pitch = (ptrdiff_t)(in->w + 2 * in->border) * c;
    const __m256 slope = _mm256_set1_ps(conv->leak);
    for (int oy = y0; oy < y1; oy++) {
        const float *src = fc_act_at(in, img, oy * stride - top, -left);
        float *row = dst + (size_t)(oy - y0) * dst_pitch;
        dw_row(src, pitch, c, stride, conv, out_w, row, slope);
    }
}

__attribute__((target("avx2,fma"))) void fc_dwconv2d_avx2(const fc_dwconv *conv, const fc_act *in,
                                                          fc_act *out)
{
    if (conv->k != 3) {
        fc_dwconv2d_ref(conv, in, out);
        return;
    }
    const size_t pitch = (size_t)(out->w + 2 * out->border) * out->c;
    for (int img = 0; img < in->n; img++)
        fc_dwconv2d_rows_avx2(conv, in, img, 0, out->h, out->w, fc_act_at(out, img, 0, 0), pitch);
}
