#include "convert/convert.h"

#include "core/fc_error.h"
#include "core/nn/nn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int fc_convert_get(const fc_faceapi_weights *src, const char *prefix, const char *suffix,
                   const int *shape, int ndim, const float **out, char *err)
{
    char name[128];
    snprintf(name, sizeof name, "%s%s", prefix, suffix);
    return fc_faceapi_get(src, name, shape, ndim, out, err);
}

int fc_convert_dense(fc_model_writer *dst, const char *key, const uint32_t dims[4],
                     const float *data, char *err)
{
    size_t count = (size_t)dims[0] * dims[1] * dims[2] * dims[3];
    return fc_model_writer_add(dst, key, FC_LAYOUT_DENSE, dims, data, count, err);
}

int fc_convert_conv(fc_model_writer *dst, const char *key, int k, int cin, int cout,
                    const float *hwio, const float *bias, const float *mul, const float *add,
                    int winograd, char *err)
{
    const int padded = (cout + 15) / 16 * 16;
    const size_t count = (size_t)k * k * cin * padded;
    float *folded = calloc(count, sizeof(float)), *packed = malloc(count * sizeof(float));
    float *folded_bias = calloc((size_t)padded, sizeof(float)), *wino = NULL;
    int rc = 0;
    if (!folded || !packed || !folded_bias) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    for (size_t tap = 0; tap < (size_t)k * k * cin; tap++)
        for (int co = 0; co < cout; co++) {
            float w = hwio[tap * (size_t)cout + (size_t)co];
            folded[tap * (size_t)padded + (size_t)co] = mul ? w * mul[co] : w;
        }
    fc_conv_pack_p16(folded, k, k, cin, padded, packed);
    for (int co = 0; co < cout; co++) {
        float b = bias ? bias[co] : 0.0f;
        folded_bias[co] = (mul ? b * mul[co] : b) + (add ? add[co] : 0.0f);
    }
    char name[FC_MODEL_NAME_MAX];
    snprintf(name, sizeof name, "%s", key);
    const uint32_t wdims[4] = {(uint32_t)k, (uint32_t)k, (uint32_t)cin, (uint32_t)padded};
    rc = fc_model_writer_add(dst, name, FC_LAYOUT_CONV_P16, wdims, packed, count, err);
    if (rc) goto done;
    snprintf(name, sizeof name, "%s/bias", key);
    const uint32_t bdims[4] = {(uint32_t)padded, 1, 1, 1};
    rc = fc_convert_dense(dst, name, bdims, folded_bias, err);
    if (rc || !winograd || k != 3) goto done;
    wino = malloc((size_t)16 * cin * padded * sizeof(float));
    if (!wino) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    fc_wino_weights(folded, cin, padded, wino);
    snprintf(name, sizeof name, "%s/wino", key);
    const uint32_t udims[4] = {4, 4, (uint32_t)cin, (uint32_t)padded};
    rc = fc_model_writer_add(dst, name, FC_LAYOUT_WINO_P16, udims, wino, (size_t)16 * cin * padded,
                             err);
done:
    free(folded);
    free(packed);
    free(folded_bias);
    free(wino);
    return rc;
}
