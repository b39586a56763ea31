/* Depthwise convolution on AVX2 + FMA, for 3x3 kernels (the only size the networks use)
 * and any other size more slowly. For each output row, 8 channels at a time: their nine
 * weight vectors and bias stay in registers while the row's pixels stream by, so each
 * output vector costs nine loads and nine FMAs (with the weights reloaded for every
 * pixel, the loads would double and bound the loop). NHWC keeps the three input rows a
 * pass reads in L2. Padding is read from the input's zero border. */
#include "core/nn/x86/nn_avx2_act.h"
#include "core/nn/nn_internal.h"

#include <immintrin.h>

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
    const ptrdiff_t step = (ptrdiff_t)stride * c;
    for (int oy = y0; oy < y1; oy++) {
        const float *src0 = fc_act_at(in, img, oy * stride - top, -left);
        float *dst0 = dst + (size_t)(oy - y0) * dst_pitch;
        for (int ch = 0; ch < c; ch += 8) {
            const float *w = conv->weights + ch;
            const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + c),
                         w2 = _mm256_loadu_ps(w + 2 * c), w3 = _mm256_loadu_ps(w + 3 * c),
                         w4 = _mm256_loadu_ps(w + 4 * c), w5 = _mm256_loadu_ps(w + 5 * c),
                         w6 = _mm256_loadu_ps(w + 6 * c), w7 = _mm256_loadu_ps(w + 7 * c),
                         w8 = _mm256_loadu_ps(w + 8 * c);
            const __m256 bias = conv->bias ? _mm256_loadu_ps(conv->bias + ch) : _mm256_setzero_ps();
            const float *r0 = src0 + ch, *r1 = r0 + pitch, *r2 = r1 + pitch;
            float *out = dst0 + ch;
            for (int ox = 0; ox < out_w; ox++) {
                __m256 acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0), w0, bias);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + c), w1, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + 2 * c), w2, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1), w3, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + c), w4, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + 2 * c), w5, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2), w6, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + c), w7, acc);
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + 2 * c), w8, acc);
                _mm256_storeu_ps(out, activate_avx2(acc, conv->act, slope));
                r0 += step, r1 += step, r2 += step, out += c;
            }
        }
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
