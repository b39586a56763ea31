/* Folding face-api's recognition weights into our model file. Each face-api conv layer
 * computes ((x * W) + bias) * scale + shift per output channel; with W' = W * scale and
 * bias' = bias * scale + shift it is one convolution, which is what we store, in the
 * panel layout our kernel streams (model.c). The reference multiplies in that order in
 * float32; folding first changes results by about one rounding (golden test: 4e-7). */
#include "convert/convert.h"
#include "convert/faceapi.h"
#include "core/fc_error.h"
#include "core/nn/model.h"
#include "core/nn/nn.h"
#include "core/nets/recog.h"
#include "core/nets/recog_layers.h"

#include <stdio.h>

static int store_conv(fc_model_writer *dst, const char *name, int k, int stride, int cin, int cout,
                      const float *hwio, const float *bias, const float *mul, const float *add,
                      char *err)
{
    char key[FC_MODEL_NAME_MAX];
    snprintf(key, sizeof key, "recog/%s", name);
    return fc_convert_conv(dst, key, k, cin, cout, hwio, bias, mul, add, k == 3 && stride == 1,
                           err);
}

int fc_recog_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err)
{
    for (int i = 0; i < RECOG_NUM_CONVS; i++) {
        const recog_conv_spec *s = &recog_conv_specs[i];
        const int wshape[4] = {s->k, s->k, s->cin, s->cout}, vshape[1] = {s->cout};
        const float *w, *bias, *mul, *add;
        int rc = fc_convert_get(src, s->name, "/conv/filters", wshape, 4, &w, err);
        if (!rc) rc = fc_convert_get(src, s->name, "/conv/bias", vshape, 1, &bias, err);
        if (!rc) rc = fc_convert_get(src, s->name, "/scale/weights", vshape, 1, &mul, err);
        if (!rc) rc = fc_convert_get(src, s->name, "/scale/biases", vshape, 1, &add, err);
        if (!rc)
            rc = store_conv(dst, s->name, s->k, s->stride, s->cin, s->cout, w, bias, mul, add, err);
        if (rc) return rc;
    }
    /* face-api's fc is stored (256, 128): input-major, i.e. already HWIO for a 1x1 conv */
    const int fshape[2] = {RECOG_FC_IN, FC_RECOG_DIM};
    const float *fc;
    int rc = fc_convert_get(src, RECOG_FC_NAME, "", fshape, 2, &fc, err);
    if (rc) return rc;
    return store_conv(dst, RECOG_FC_NAME, 1, 1, RECOG_FC_IN, FC_RECOG_DIM, fc, NULL, NULL, NULL,
                      err);
}
