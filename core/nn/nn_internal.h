/* Between the engine's dispatcher (nn.c) and its SIMD kernels. */
#ifndef FC_NN_INTERNAL_H
#define FC_NN_INTERNAL_H

#include "core/nn/nn.h"

#include <stddef.h>

/* Available only when the CPU has AVX2 and FMA (checked by the caller). */
void fc_conv2d_avx2(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out);
/* Needs conv->wino, conv->scratch, a 3x3 stride-1 'same' conv and in->border >= 1 + in->h % 2. */
void fc_conv2d_wino_avx2(const fc_conv *conv, const fc_act *in, const fc_act *residual,
                         fc_act *out);
/* Needs c a multiple of 8. */
void fc_dwconv2d_avx2(const fc_dwconv *conv, const fc_act *in, fc_act *out);
/* Output rows y0..y1-1 of image img of a 3x3 depthwise convolution (c a multiple of 8),
 * out_w pixels each, written from dst with rows dst_pitch floats apart. */
void fc_dwconv2d_rows_avx2(const fc_dwconv *conv, const fc_act *in, int img, int y0, int y1,
                           int out_w, float *dst, size_t dst_pitch);
/* fc_separable2d with the depthwise kernel above and pw_kernel (fc_conv2d_avx2 or
 * fc_conv2d_bf16_avx512), in strips of rows. */
void fc_separable2d_avx2(const fc_dwconv *dw, const fc_conv *pw, const fc_act *in, fc_act *mid,
                         const fc_act *residual, fc_act *out,
                         void (*pw_kernel)(const fc_conv *, const fc_act *, const fc_act *,
                                           fc_act *));

/* The GEMM micro-kernel's block: 6 rows x 16 columns. */
#define FC_GEMM_MR 6
#define FC_GEMM_NR 16

/* A convolution's implicit GEMM takes its rows (output pixels of every image in turn) in
 * blocks of at most FC_CONV_MAX_BLOCK. fc_conv_block_rows works out rows m0..m1-1: where
 * each reads its input (plus a_skip floats), writes its output and reads its residual
 * (NULL without); then FC_GEMM_MR copies of the last row, which a short last group of 6
 * computes but does not store. The arrays hold m1 - m0 + FC_GEMM_MR entries. */
#define FC_CONV_MAX_BLOCK 2048
void fc_conv_block_rows(const fc_conv *conv, const fc_act *in, const fc_act *residual,
                        const fc_act *out, int m0, int m1, ptrdiff_t a_skip, const float **a_row,
                        float **out_row, const float **res_row);

/* A 1x1 stride-1 convolution with bfloat16 products (conv->bf16 and conv->scratch set,
 * cin a multiple of 16), on AVX-512 BF16; the caller checked the CPU. */
void fc_conv2d_bf16_avx512(const fc_conv *conv, const fc_act *in, const fc_act *residual,
                           fc_act *out);
/* Plain C = A B on a 16-column panel: m rows of A at stride lda (k used), B a k x 16
 * panel, C rows at stride ldc. For the Winograd GEMMs, whose rows are contiguous. */
void fc_gemm_strided_avx2(const float *a, size_t lda, int m, int k, const float *b, float *c,
                          size_t ldc);

/* fc_rows_dot on AVX2 + FMA: one fc_gemm_strided_avx2 per panel. */
void fc_rows_dot_avx2(const float *a, size_t lda, int m, int k, const float *packed, int n,
                      float *out, size_t ldo);

#endif
