/* face-api's landmark weights into our model file: "lmk/dense<b>/conv0" (block 0's plain
 * conv) and, for each separable conv, "lmk/dense<b>/conv<k>/dw" (TensorFlow's depthwise
 * filter [3, 3, c, 1], stored as is) and "lmk/dense<b>/conv<k>/pw" (1x1, with the bias);
 * "lmk/fc" as a 1x1 convolution, its 136 outputs padded to 144. */
#include "convert/convert.h"
#include "core/fc_error.h"
#include "core/nets/landmarks.h"

#include <stdio.h>

int fc_landmarks_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err)
{
    static const int channels[4] = {32, 64, 128, 256};
    char prefix[24], key[FC_MODEL_NAME_MAX];
    const float *w, *pw, *bias;
    int cin = 3, rc;
    {
        const int shape[4] = {3, 3, 3, 32}, bshape[1] = {32};
        rc = fc_convert_get(src, "dense0/conv0", "/filters", shape, 4, &w, err);
        if (!rc) rc = fc_convert_get(src, "dense0/conv0", "/bias", bshape, 1, &bias, err);
        if (!rc)
            rc = fc_convert_conv(dst, "lmk/dense0/conv0", 3, 3, 32, w, bias, NULL, NULL, 0, err);
        if (rc) return rc;
    }
    for (int b = 0; b < 4; b++) {
        const int c = channels[b];
        for (int k = b == 0 ? 1 : 0; k < 4; k++) {
            const int in = k == 0 ? cin : c;
            const int dshape[4] = {3, 3, in, 1}, pshape[4] = {1, 1, in, c}, bshape[1] = {c};
            snprintf(prefix, sizeof prefix, "dense%d/conv%d", b, k);
            rc = fc_convert_get(src, prefix, "/depthwise_filter", dshape, 4, &w, err);
            if (!rc) rc = fc_convert_get(src, prefix, "/pointwise_filter", pshape, 4, &pw, err);
            if (!rc) rc = fc_convert_get(src, prefix, "/bias", bshape, 1, &bias, err);
            if (rc) return rc;
            snprintf(key, sizeof key, "lmk/dense%d/conv%d/dw", b, k);
            const uint32_t ddims[4] = {3, 3, (uint32_t)in, 1};
            rc = fc_convert_dense(dst, key, ddims, w, err);
            snprintf(key, sizeof key, "lmk/dense%d/conv%d/pw", b, k);
            if (!rc) rc = fc_convert_conv(dst, key, 1, in, c, pw, bias, NULL, NULL, 0, err);
            if (rc) return rc;
        }
        cin = c;
    }
    const int fshape[2] = {256, 136}, fbshape[1] = {136};
    rc = fc_convert_get(src, "fc", "/weights", fshape, 2, &w, err);
    if (!rc) rc = fc_convert_get(src, "fc", "/bias", fbshape, 1, &bias, err);
    if (!rc) rc = fc_convert_conv(dst, "lmk/fc", 1, 256, 136, w, bias, NULL, NULL, 0, err);
    return rc;
}
