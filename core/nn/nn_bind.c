#include "core/nn/nn_bind.h"

#include <stdio.h>

int fc_bind_conv(const fc_model *model, const char *key, int k, int stride, int cin, int cout,
                 enum fc_padding padding, enum fc_activation act, fc_conv *conv, char *err)
{
    char name[FC_MODEL_NAME_MAX];
    fc_model_tensor w, b;
    const int padded = (cout + 15) / 16 * 16;
    const uint32_t wdims[4] = {(uint32_t)k, (uint32_t)k, (uint32_t)cin, (uint32_t)padded};
    const uint32_t bdims[4] = {(uint32_t)padded, 1, 1, 1};
    snprintf(name, sizeof name, "%s/bias", key);
    int rc = fc_model_expect(model, key, FC_LAYOUT_CONV_P16, wdims, &w, err);
    if (!rc) rc = fc_model_expect(model, name, FC_LAYOUT_DENSE, bdims, &b, err);
    if (rc) return rc;
    *conv = (fc_conv){.kh = k,
                      .kw = k,
                      .cin = cin,
                      .cout = padded,
                      .stride = stride,
                      .padding = padding,
                      .act = act,
                      .leak = act == FC_ACT_LEAKY ? 0.1f : 0.0f,
                      .weights = w.data,
                      .bias = b.data};
    return 0;
}

int fc_bind_dwconv(const fc_model *model, const char *key, int c, int stride, int with_bias,
                   enum fc_activation act, fc_dwconv *conv, char *err)
{
    char name[FC_MODEL_NAME_MAX];
    fc_model_tensor w, b = {0};
    const uint32_t wdims[4] = {3, 3, (uint32_t)c, 1}, bdims[4] = {(uint32_t)c, 1, 1, 1};
    snprintf(name, sizeof name, "%s/bias", key);
    int rc = fc_model_expect(model, key, FC_LAYOUT_DENSE, wdims, &w, err);
    if (!rc && with_bias) rc = fc_model_expect(model, name, FC_LAYOUT_DENSE, bdims, &b, err);
    if (rc) return rc;
    *conv = (fc_dwconv){3, c, stride, FC_PAD_SAME, act, 0.0f, w.data, with_bias ? b.data : NULL};
    return 0;
}
