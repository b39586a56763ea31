/* face-api's tiny face detector weights into our model file: "tiny/conv0" (3x3, 3 -> 16),
 * "tiny/conv<i>/dw" (depthwise 3x3, dense, no bias) and "tiny/conv<i>" (its pointwise
 * half with the layer's bias) for i = 1..5, "tiny/conv8" (1x1, 512 -> 25, padded to 32).
 * Batch norm is already folded in the package. */
#include "convert/convert.h"
#include "core/fc_error.h"
#include "core/nets/tiny.h"
#include "core/nets/tiny_layers.h"

#include <stdio.h>

int fc_tiny_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err)
{
    char prefix[32], key[FC_MODEL_NAME_MAX];
    const int c0shape[4] = {3, 3, 3, 16}, b0shape[1] = {16};
    const float *w, *b, *dw;
    int rc = fc_convert_get(src, "conv0", "/filters", c0shape, 4, &w, err);
    if (!rc) rc = fc_convert_get(src, "conv0", "/bias", b0shape, 1, &b, err);
    if (!rc) rc = fc_convert_conv(dst, "tiny/conv0", 3, 3, 16, w, b, NULL, NULL, 0, err);
    for (int i = 1; i <= TINY_SEPARABLE && !rc; i++) {
        const int cin = tiny_channels[i - 1], cout = tiny_channels[i];
        const int dshape[4] = {3, 3, cin, 1}, pshape[4] = {1, 1, cin, cout}, bshape[1] = {cout};
        snprintf(prefix, sizeof prefix, "conv%d", i);
        rc = fc_convert_get(src, prefix, "/depthwise_filter", dshape, 4, &dw, err);
        if (!rc) rc = fc_convert_get(src, prefix, "/pointwise_filter", pshape, 4, &w, err);
        if (!rc) rc = fc_convert_get(src, prefix, "/bias", bshape, 1, &b, err);
        snprintf(key, sizeof key, "tiny/conv%d/dw", i);
        const uint32_t ddims[4] = {3, 3, (uint32_t)cin, 1};
        if (!rc) rc = fc_convert_dense(dst, key, ddims, dw, err);
        snprintf(key, sizeof key, "tiny/conv%d", i);
        if (!rc) rc = fc_convert_conv(dst, key, 1, cin, cout, w, b, NULL, NULL, 0, err);
    }
    const int c8shape[4] = {1, 1, 512, FC_TINY_OUTPUTS}, b8shape[1] = {FC_TINY_OUTPUTS};
    if (!rc) rc = fc_convert_get(src, "conv8", "/filters", c8shape, 4, &w, err);
    if (!rc) rc = fc_convert_get(src, "conv8", "/bias", b8shape, 1, &b, err);
    if (!rc)
        rc = fc_convert_conv(dst, "tiny/conv8", 1, 512, FC_TINY_OUTPUTS, w, b, NULL, NULL, 0, err);
    return rc;
}
