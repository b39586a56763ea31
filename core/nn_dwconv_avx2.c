/* Depthwise convolution on AVX2 + FMA: for each output pixel, all its channels 8 at a
 * time, so that the input and output stream through memory in order (NHWC keeps a
 * pixel's channels together). The k x k x c weights stay in L1 (36 KB at c = 1024).
 * Padding is read from the input's zero border. */
#include "nn_avx2_act.h"
#include "nn_internal.h"

#include <immintrin.h>

__attribute__((target("avx2,fma"))) void fc_dwconv2d_avx2(const fc_dwconv *conv, const fc_act *in,
                                                          fc_act *out)
{
    const int k = conv->k, c = conv->c, stride = conv->stride;
    const int top = fc_pad_before(in->h, k, stride, conv->padding);
    const int left = fc_pad_before(in->w, k, stride, conv->padding);
    const ptrdiff_t pitch = (ptrdiff_t)(in->w + 2 * in->border) * c;
    const __m256 slope = _mm256_set1_ps(conv->leak);
    for (int img = 0; img < in->n; img++) {
        for (int oy = 0; oy < out->h; oy++) {
            for (int ox = 0; ox < out->w; ox++) {
                const float *src = fc_act_at(in, img, oy * stride - top, ox * stride - left);
                float *dst = fc_act_at(out, img, oy, ox);
                for (int ch = 0; ch < c; ch += 8) {
                    __m256 acc =
                        conv->bias ? _mm256_loadu_ps(conv->bias + ch) : _mm256_setzero_ps();
                    const float *w = conv->weights + ch;
                    for (int ky = 0; ky < k; ky++) {
                        const float *row = src + ky * pitch + ch;
                        for (int kx = 0; kx < k; kx++)
                            acc = _mm256_fmadd_ps(_mm256_loadu_ps(row + kx * c),
                                                  _mm256_loadu_ps(w + ((size_t)ky * k + kx) * c),
                                                  acc);
                    }
                    _mm256_storeu_ps(dst + ch, activate_avx2(acc, conv->act, slope));
                }
            }
        }
    }
}
