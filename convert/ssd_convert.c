/* face-api's SSD weights into our model file. MobileNet's depthwise layers keep their
 * batch norm unfolded in the package; we fold it: k = gamma / sqrt(variance + eps) into
 * the filter and beta - mean * k into a bias ("ssd/conv_<i>/dw", ".../dw/bias").
 * Pointwise layers ("ssd/conv_<i>/pw", "ssd/pred_<i>") carry their folded offset as
 * bias; box heads ("ssd/box_<j>", "ssd/class_<j>") are 1x1 convolutions padded to 16
 * outputs; the 5118 anchors are stored as given ("ssd/anchors"). */
#include "convert/convert.h"
#include "core/fc_error.h"
#include "core/nets/ssd.h"
#include "core/nets/ssd_layers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int store_depthwise(const fc_faceapi_weights *src, fc_model_writer *dst, int i, int c,
                           char *err)
{
    char prefix[64], key[FC_MODEL_NAME_MAX];
    const int fshape[4] = {3, 3, c, 1}, vshape[1] = {c};
    const float *f, *gamma, *beta, *mean, *var;
    snprintf(prefix, sizeof prefix, "MobilenetV1/Conv2d_%d_depthwise", i);
    int rc = fc_convert_get(src, prefix, "/depthwise_weights", fshape, 4, &f, err);
    if (!rc) rc = fc_convert_get(src, prefix, "/BatchNorm/gamma", vshape, 1, &gamma, err);
    if (!rc) rc = fc_convert_get(src, prefix, "/BatchNorm/beta", vshape, 1, &beta, err);
    if (!rc) rc = fc_convert_get(src, prefix, "/BatchNorm/moving_mean", vshape, 1, &mean, err);
    if (!rc) rc = fc_convert_get(src, prefix, "/BatchNorm/moving_variance", vshape, 1, &var, err);
    if (rc) return rc;
    float *w = malloc((size_t)9 * c * sizeof(float)), *bias = malloc((size_t)c * sizeof(float));
    if (!w || !bias) {
        free(w);
        free(bias);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    for (int ch = 0; ch < c; ch++) {
        /* as the reference: the norm in float32, the rest folded in double */
        const float norm = sqrtf(var[ch] + SSD_BN_EPSILON);
        const double k = (double)gamma[ch] / norm;
        bias[ch] = (float)(beta[ch] - mean[ch] * k);
        for (int tap = 0; tap < 9; tap++) w[tap * c + ch] = (float)(f[tap * c + ch] * k);
    }
    snprintf(key, sizeof key, "ssd/conv_%d/dw", i);
    const uint32_t ddims[4] = {3, 3, (uint32_t)c, 1};
    rc = fc_convert_dense(dst, key, ddims, w, err);
    snprintf(key, sizeof key, "ssd/conv_%d/dw/bias", i);
    const uint32_t bdims[4] = {(uint32_t)c, 1, 1, 1};
    if (!rc) rc = fc_convert_dense(dst, key, bdims, bias, err);
    free(w);
    free(bias);
    return rc;
}

/* A conv with weights [k, k, cin, cout] and a bias under `bias_name`. */
static int store_conv(const fc_faceapi_weights *src, fc_model_writer *dst, const char *prefix,
                      const char *weights_name, const char *bias_name, int k, int cin, int cout,
                      const char *key, char *err)
{
    const int wshape[4] = {k, k, cin, cout}, bshape[1] = {cout};
    const float *w, *b;
    int rc = fc_convert_get(src, prefix, weights_name, wshape, 4, &w, err);
    if (!rc) rc = fc_convert_get(src, prefix, bias_name, bshape, 1, &b, err);
    if (!rc) rc = fc_convert_conv(dst, key, k, cin, cout, w, b, NULL, NULL, 0, err);
    return rc;
}

int fc_ssd_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err)
{
    char prefix[64], key[FC_MODEL_NAME_MAX];
    int rc = store_conv(src, dst, "MobilenetV1/Conv2d_0_pointwise", "/weights",
                        "/convolution_bn_offset", 3, 3, 32, "ssd/conv_0", err);
    int cin = 32;
    for (int i = 1; i <= SSD_TRUNK_LAYERS && !rc; i++) {
        const int cout = ssd_trunk_channels[i - 1];
        rc = store_depthwise(src, dst, i, cin, err);
        snprintf(prefix, sizeof prefix, "MobilenetV1/Conv2d_%d_pointwise", i);
        snprintf(key, sizeof key, "ssd/conv_%d/pw", i);
        if (!rc)
            rc = store_conv(src, dst, prefix, "/weights", "/convolution_bn_offset", 1, cin, cout,
                            key, err);
        cin = cout;
    }
    for (int i = 0; i < SSD_EXTRA_LAYERS && !rc; i++) {
        const ssd_extra_spec *e = &ssd_extra_specs[i];
        snprintf(prefix, sizeof prefix, "Prediction/Conv2d_%d_pointwise", i);
        snprintf(key, sizeof key, "ssd/pred_%d", i);
        rc = store_conv(src, dst, prefix, "/weights", "/convolution_bn_offset", e->k, e->cin,
                        e->cout, key, err);
    }
    for (int j = 0; j < SSD_HEADS && !rc; j++) {
        const ssd_head_spec *h = &ssd_head_specs[j];
        snprintf(prefix, sizeof prefix, "Prediction/BoxPredictor_%d/BoxEncodingPredictor", j);
        snprintf(key, sizeof key, "ssd/box_%d", j);
        rc = store_conv(src, dst, prefix, "/weights", "/biases", 1, h->channels, 4 * h->anchors,
                        key, err);
        snprintf(prefix, sizeof prefix, "Prediction/BoxPredictor_%d/ClassPredictor", j);
        snprintf(key, sizeof key, "ssd/class_%d", j);
        if (!rc)
            rc = store_conv(src, dst, prefix, "/weights", "/biases", 1, h->channels, 3 * h->anchors,
                            key, err);
    }
    if (rc) return rc;
    const int ashape[3] = {1, FC_SSD_ANCHORS, 4};
    const float *anchors;
    rc = fc_convert_get(src, "Output/extra_dim", "", ashape, 3, &anchors, err);
    const uint32_t adims[4] = {FC_SSD_ANCHORS, 4, 1, 1};
    if (!rc) rc = fc_convert_dense(dst, "ssd/anchors", adims, anchors, err);
    return rc;
}
