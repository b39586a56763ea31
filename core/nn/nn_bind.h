/* Layers of a network bound to a model's tensors, as every converter stores them. */
#ifndef FC_NN_BIND_H
#define FC_NN_BIND_H

#include "core/nn/model.h"
#include "core/nn/nn.h"

/* A convolution: "<key>" (FC_LAYOUT_CONV_P16, k x k x cin x cout rounded up to 16) and
 * "<key>/bias". conv borrows the model's memory. */
int fc_bind_conv(const fc_model *model, const char *key, int k, int stride, int cin, int cout,
                 enum fc_padding padding, enum fc_activation act, fc_conv *conv, char *err);

/* A 3x3 depthwise convolution: "<key>" (dense 3 x 3 x c x 1) and, with_bias, "<key>/bias". */
int fc_bind_dwconv(const fc_model *model, const char *key, int c, int stride, int with_bias,
                   enum fc_activation act, fc_dwconv *conv, char *err);

#endif
