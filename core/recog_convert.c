/* Folding face-api's recognition weights into our model file. Each face-api conv layer
 * computes ((x * W) + bias) * scale + shift per output channel; with W' = W * scale and
 * bias' = bias * scale + shift it is one convolution, which is what we store, in the
 * panel layout our kernel streams (model.c). The reference multiplies in that order in
 * float32; folding first changes results by about one rounding (golden test: 4e-7). */
#include "faceapi.h"
#include "fc_error.h"
#include "model.h"
#include "nn.h"
#include "recog.h"
#include "recog_layers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int get(const fc_faceapi_weights *src, const char *prefix, const char *suffix,
               const int *shape, int ndim, const float **out, char *err)
{
    char name[128];
    snprintf(name, sizeof name, "%s%s", prefix, suffix);
    return fc_faceapi_get(src, name, shape, ndim, out, err);
}

/* Adds "recog/<name>/wino": the folded 3x3 kernel in the Winograd domain (model.c). */
static int store_winograd(fc_model_writer *dst, const char *name, int cin, int cout,
                          const float *folded, char *err)
{
    const size_t count = (size_t)16 * cin * cout;
    float *wino = malloc(count * sizeof(float));
    if (!wino) return fc_errorf(err, -ENOMEM, "out of memory");
    fc_wino_weights(folded, cin, cout, wino);
    char key[FC_MODEL_NAME_MAX];
    snprintf(key, sizeof key, "recog/%s/wino", name);
    const uint32_t dims[4] = {4, 4, (uint32_t)cin, (uint32_t)cout};
    int rc = fc_model_writer_add(dst, key, FC_LAYOUT_WINO_P16, dims, wino, count, err);
    free(wino);
    return rc;
}

/* Stores a convolution given HWIO weights (k, k, cin, cout), per-channel multiplier and
 * additive term (either may be NULL: 1 and 0); stride-1 3x3 ones also in Winograd form. */
static int store_conv(fc_model_writer *dst, const char *name, int k, int stride, int cin, int cout,
                      const float *hwio, const float *bias, const float *mul, const float *add,
                      char *err)
{
    const size_t count = (size_t)k * k * cin * cout;
    float *folded = malloc(count * sizeof(float)), *packed = malloc(count * sizeof(float));
    float *folded_bias = malloc((size_t)cout * sizeof(float));
    int rc = 0;
    if (!folded || !packed || !folded_bias) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < count; i++) folded[i] = mul ? hwio[i] * mul[i % (size_t)cout] : hwio[i];
    fc_conv_pack_p16(folded, k, k, cin, cout, packed);
    for (int co = 0; co < cout; co++) {
        float b = bias ? bias[co] : 0.0f;
        folded_bias[co] = (mul ? b * mul[co] : b) + (add ? add[co] : 0.0f);
    }
    char key[FC_MODEL_NAME_MAX];
    snprintf(key, sizeof key, "recog/%s", name);
    const uint32_t wdims[4] = {(uint32_t)k, (uint32_t)k, (uint32_t)cin, (uint32_t)cout};
    rc = fc_model_writer_add(dst, key, FC_LAYOUT_CONV_P16, wdims, packed, count, err);
    if (rc) goto done;
    snprintf(key, sizeof key, "recog/%s/bias", name);
    const uint32_t bdims[4] = {(uint32_t)cout, 1, 1, 1};
    rc = fc_model_writer_add(dst, key, FC_LAYOUT_DENSE, bdims, folded_bias, (size_t)cout, err);
    if (rc == 0 && k == 3 && stride == 1) rc = store_winograd(dst, name, cin, cout, folded, err);
done:
    free(folded);
    free(packed);
    free(folded_bias);
    return rc;
}

int fc_recog_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err)
{
    for (int i = 0; i < RECOG_NUM_CONVS; i++) {
        const recog_conv_spec *s = &recog_conv_specs[i];
        const int wshape[4] = {s->k, s->k, s->cin, s->cout}, vshape[1] = {s->cout};
        const float *w, *bias, *mul, *add;
        int rc = get(src, s->name, "/conv/filters", wshape, 4, &w, err);
        if (!rc) rc = get(src, s->name, "/conv/bias", vshape, 1, &bias, err);
        if (!rc) rc = get(src, s->name, "/scale/weights", vshape, 1, &mul, err);
        if (!rc) rc = get(src, s->name, "/scale/biases", vshape, 1, &add, err);
        if (!rc)
            rc = store_conv(dst, s->name, s->k, s->stride, s->cin, s->cout, w, bias, mul, add, err);
        if (rc) return rc;
    }
    /* face-api's fc is stored (256, 128): input-major, i.e. already HWIO for a 1x1 conv */
    const int fshape[2] = {RECOG_FC_IN, FC_RECOG_DIM};
    const float *fc;
    int rc = get(src, RECOG_FC_NAME, "", fshape, 2, &fc, err);
    if (rc) return rc;
    return store_conv(dst, RECOG_FC_NAME, 1, 1, RECOG_FC_IN, FC_RECOG_DIM, fc, NULL, NULL, NULL,
                      err);
}
