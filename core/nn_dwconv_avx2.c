/* Depthwise convolution on AVX2 + FMA: 8 channels per vector, every output pixel of a
 * channel group before the next group, so the group's k x k weight vectors stay in L1.
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
        for (int ch = 0; ch < c; ch += 8) {
            const __m256 bias = conv->bias ? _mm256_loadu_ps(conv->bias + ch) : _mm256_setzero_ps();
            const float *w = conv->weights + ch;
            for (int oy = 0; oy < out->h; oy++) {
                for (int ox = 0; ox < out->w; ox++) {
                    const float *src =
                        fc_act_at(in, img, oy * stride - top, ox * stride - left) + ch;
                    __m256 acc = bias;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                            acc = _mm256_fmadd_ps(_mm256_loadu_ps(src + ky * pitch + kx * c),
                                                  _mm256_loadu_ps(w + ((size_t)ky * k + kx) * c),
                                                  acc);
                    _mm256_storeu_ps(fc_act_at(out, img, oy, ox) + ch,
                                     activate_avx2(acc, conv->act, slope));
                }
            }
        }
    }
}
