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

/* The GEMM micro-kernel the convolutions share: a block of up to 6 rows x 16 columns of
 * C = act(A B + bias + residual). Row r of A is nseg segments of seglen floats at
 * a[r] + seg_off[s]; B is a K x 16 panel, K = nseg * seglen, 32-byte aligned. */
#define FC_GEMM_MR 6
#define FC_GEMM_NR 16
typedef struct {
    const float *a[FC_GEMM_MR];   /* start of each row's first segment */
    float *out[FC_GEMM_MR];       /* where each row's 16 results go */
    const float *res[FC_GEMM_MR]; /* residual for each row, or NULL */
} fc_gemm_rows;
/* bias may be NULL (none). Rows past nrows are computed (point them at valid memory) but
 * not stored. accumulate: start from the sums already in out (not zero); finish: add
 * bias and residual and activate (otherwise store the raw partial sums). */
void fc_gemm_6x16_avx2(const fc_gemm_rows *rows, int nrows, const ptrdiff_t *seg_off, int nseg,
                       int seglen, const float *b, const float *bias, enum fc_activation act,
                       float leak, int accumulate, int finish);
/* Plain C = A B on a 16-column panel: m rows of A at stride lda (k used), B a k x 16
 * panel, C rows at stride ldc. For the Winograd GEMMs, whose rows are contiguous. */
void fc_gemm_strided_avx2(const float *a, size_t lda, int m, int k, const float *b, float *c,
                          size_t ldc);

/* fc_rows_dot on AVX2 + FMA: one fc_gemm_strided_avx2 per panel. */
void fc_rows_dot_avx2(const float *a, size_t lda, int m, int k, const float *packed, int n,
                      float *out, size_t ldo);

#endif
