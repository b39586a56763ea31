/* Between the engine's dispatcher (nn.c) and its SIMD kernels. */
#ifndef FC_NN_INTERNAL_H
#define FC_NN_INTERNAL_H

#include "nn.h"

/* Available only when the CPU has AVX2 and FMA (checked by the caller). */
void fc_conv2d_avx2(const fc_conv *conv, const fc_act *in, const fc_act *residual, int relu,
                    fc_act *out);

#endif
