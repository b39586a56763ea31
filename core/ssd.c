/* The SSD MobileNet v1 face detector, top to bottom (h x w x c); DETECTORS.md §2.
 *
 *   input 512x512x3: the photo padded at the bottom or right to a square, resized,
 *                    v / 127.5 - 1
 *   trunk conv_0     conv 3x3/2 + bias, relu6                          256x256x32
 *   trunk conv_1..13 depthwise 3x3 (stride 2 at 2, 4, 6, 12) + bias, relu6, then
 *                    pointwise 1x1 + bias, relu6                  ... 16x16x1024
 *   extra conv_0..7  1x1 and 3x3/2 alternately, relu6               ... 1x1x128
 *   6 heads          1x1 convs on trunk conv_11 (32x32), conv_13 (16x16) and extra
 *                    conv_1, 3, 5, 7 (8, 4, 2, 1): per anchor 4 box encodings and
 *                    3 class logits; 5118 anchors in all
 *   decode           anchor boxes moved and scaled (variances 0.1, 0.2); score =
 *                    sigmoid(logit 1)
 *   NMS              greedy, IoU 0.5, on the unclipped boxes
 *
 * Each head runs as soon as its feature map exists, so only three working buffers are
 * needed however deep the net: two for layer outputs in turn, one for depthwise ones. */
#include "ssd.h"

#include "face_input.h"
#include "fc_error.h"
#include "nn.h"
#include "nn_bind.h"
#include "ssd_layers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fc_input_norm ssd_norm = {0, {0.0f, 0.0f, 0.0f}, 127.5f, 1.0f};

struct fc_ssd {
    fc_conv conv0, pw[SSD_TRUNK_LAYERS], extra[SSD_EXTRA_LAYERS];
    fc_dwconv dw[SSD_TRUNK_LAYERS];
    fc_conv box[SSD_HEADS], cls[SSD_HEADS];
    const float *anchors; /* 5118 x 4, borrowed from the model */
    float *arena;
    fc_act input;
    float *buf[3]; /* two for layer outputs in turn, one for depthwise outputs */
    size_t buf_floats[3];
    float *head; /* one head's output at a time */
    size_t head_floats;
    float *encodings, *logits, *boxes, *scores; /* 5118 x 4, x 3, x 4, x 1 */
};

/* A tensor of h x h x c with border 1 on buffer b: sized when base is NULL. */
static fc_act on_buffer(fc_ssd *net, int b, int h, int c)
{
    const size_t floats = fc_act_floats(h, h, c, 1);
    if (!net->arena) {
        if (floats > net->buf_floats[b]) net->buf_floats[b] = floats;
        return (fc_act){1, h, h, c, 1, NULL};
    }
    fc_act t = {1, h, h, c, 1, net->buf[b]};
    /* the buffer held other shapes before: its border must read as zero padding */
    fc_act_clear_border(&t);
    return t;
}

static int bind(const fc_model *model, const char *key, int k, int stride, int cin, int cout,
                enum fc_activation act, fc_conv *conv, char *err)
{
    return fc_bind_conv(model, key, k, stride, cin, cout, FC_PAD_SAME, act, conv, err);
}

static int bind_all(fc_ssd *net, const fc_model *model, char *err)
{
    char key[FC_MODEL_NAME_MAX];
    fc_model_tensor t;
    int rc = bind(model, "ssd/conv_0", 3, 2, 3, 32, FC_ACT_RELU6, &net->conv0, err);
    int cin = 32;
    for (int i = 1; i <= SSD_TRUNK_LAYERS && !rc; i++) {
        const int cout = ssd_trunk_channels[i - 1];
        snprintf(key, sizeof key, "ssd/conv_%d/dw", i);
        rc = fc_bind_dwconv(model, key, cin, ssd_trunk_stride(i), 1, FC_ACT_RELU6, &net->dw[i - 1],
                            err);
        if (rc) break;
        snprintf(key, sizeof key, "ssd/conv_%d/pw", i);
        rc = bind(model, key, 1, 1, cin, cout, FC_ACT_RELU6, &net->pw[i - 1], err);
        cin = cout;
    }
    for (int i = 0; i < SSD_EXTRA_LAYERS && !rc; i++) {
        const ssd_extra_spec *e = &ssd_extra_specs[i];
        snprintf(key, sizeof key, "ssd/pred_%d", i);
        rc = bind(model, key, e->k, e->stride, e->cin, e->cout, FC_ACT_RELU6, &net->extra[i], err);
    }
    for (int j = 0; j < SSD_HEADS && !rc; j++) {
        const ssd_head_spec *h = &ssd_head_specs[j];
        snprintf(key, sizeof key, "ssd/box_%d", j);
        rc = bind(model, key, 1, 1, h->channels, 4 * h->anchors, FC_ACT_NONE, &net->box[j], err);
        snprintf(key, sizeof key, "ssd/class_%d", j);
        if (!rc)
            rc =
                bind(model, key, 1, 1, h->channels, 3 * h->anchors, FC_ACT_NONE, &net->cls[j], err);
    }
    const uint32_t adims[4] = {FC_SSD_ANCHORS, 4, 1, 1};
    if (!rc) rc = fc_model_expect(model, "ssd/anchors", FC_LAYOUT_DENSE, adims, &t, err);
    if (!rc) net->anchors = t.data;
    return rc;
}

/* Runs head j on feature map f: copies its encodings and logits into the flat arrays. */
static void run_head(fc_ssd *net, int j, const fc_act *f)
{
    const ssd_head_spec *h = &ssd_head_specs[j];
    const size_t need = fc_act_floats(f->h, f->w, net->box[j].cout, 0);
    if (!net->arena) {
        if (need > net->head_floats) net->head_floats = need;
        return;
    }
    const fc_conv *convs[2] = {&net->box[j], &net->cls[j]};
    float *dest[2] = {net->encodings, net->logits};
    const int per_anchor[2] = {4, 3};
    for (int which = 0; which < 2; which++) {
        fc_act out = {1, f->h, f->w, convs[which]->cout, 0, net->head};
        fc_conv2d(convs[which], f, NULL, &out);
        for (int cell = 0; cell < f->h * f->w; cell++)
            for (int a = 0; a < h->anchors; a++)
                memcpy(dest[which] +
                           (size_t)(h->first_anchor + cell * h->anchors + a) * per_anchor[which],
                       out.base + (size_t)cell * out.c + (size_t)a * per_anchor[which],
                       (size_t)per_anchor[which] * sizeof(float));
    }
}

/* The whole network; with the arena not yet made it only sizes the buffers. */
static void forward(fc_ssd *net)
{
    fc_act x = on_buffer(net, 0, FC_SSD_INPUT / 2, 32);
    if (net->arena) fc_conv2d(&net->conv0, &net->input, NULL, &x);
    int cur = 0, size = FC_SSD_INPUT / 2;
    for (int i = 1; i <= SSD_TRUNK_LAYERS; i++) {
        const int stride = ssd_trunk_stride(i), out_size = (size + stride - 1) / stride;
        fc_act d = on_buffer(net, 2, out_size, net->dw[i - 1].c);
        if (net->arena) fc_dwconv2d(&net->dw[i - 1], &x, &d);
        fc_act y = on_buffer(net, 1 - cur, out_size, ssd_trunk_channels[i - 1]);
        if (net->arena) fc_conv2d(&net->pw[i - 1], &d, NULL, &y);
        x = y;
        cur = 1 - cur;
        size = out_size;
        if (i == 11) run_head(net, 0, &x);
        if (i == 13) run_head(net, 1, &x);
    }
    for (int i = 0; i < SSD_EXTRA_LAYERS; i++) {
        const ssd_extra_spec *e = &ssd_extra_specs[i];
        const int out_size = (size + e->stride - 1) / e->stride;
        fc_act y = on_buffer(net, 1 - cur, out_size, e->cout);
        if (net->arena) fc_conv2d(&net->extra[i], &x, NULL, &y);
        x = y;
        cur = 1 - cur;
        size = out_size;
        if (i % 2 == 1) run_head(net, 2 + i / 2, &x);
    }
}

int fc_ssd_new(const fc_model *model, fc_ssd **out, char *err)
{
    *out = NULL;
    fc_ssd *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = bind_all(net, model, err);
    if (rc) goto fail;
    forward(net); /* sizes the buffers */
    size_t input = fc_act_floats(FC_SSD_INPUT, FC_SSD_INPUT, 3, 1);
    size_t total = input + net->buf_floats[0] + net->buf_floats[1] + net->buf_floats[2] +
                   net->head_floats + (size_t)FC_SSD_ANCHORS * 12 + 64;
    net->arena = fc_arena_new(total);
    if (!net->arena) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for the detector's activations");
        goto fail;
    }
    float *p = net->arena;
    net->input = (fc_act){1, FC_SSD_INPUT, FC_SSD_INPUT, 3, 1, p};
    p += (input + 15) / 16 * 16;
    for (int b = 0; b < 3; b++) net->buf[b] = p, p += (net->buf_floats[b] + 15) / 16 * 16;
    net->head = p, p += (net->head_floats + 15) / 16 * 16;
    net->encodings = p, p += FC_SSD_ANCHORS * 4;
    net->logits = p, p += FC_SSD_ANCHORS * 3;
    net->boxes = p, p += FC_SSD_ANCHORS * 4;
    net->scores = p;
    *out = net;
    return 0;
fail:
    fc_ssd_free(net);
    return rc;
}

void fc_ssd_free(fc_ssd *net)
{
    if (!net) return;
    free(net->arena);
    free(net);
}

/* DETECTORS.md §2.5-2.6, in float32 as the reference's tensor ops. */
static void decode(fc_ssd *net)
{
    for (int i = 0; i < FC_SSD_ANCHORS; i++) {
        const float *a = net->anchors + 4 * i, *e = net->encodings + 4 * i;
        const float ha = a[2] - a[0], wa = a[3] - a[1];
        const float cy = a[0] + ha / 2, cx = a[1] + wa / 2;
        const float dy = expf(e[2] / 5) * ha / 2, dx = expf(e[3] / 5) * wa / 2;
        const float py = e[0] / 10 * ha + cy, px = e[1] / 10 * wa + cx;
        float *b = net->boxes + 4 * i;
        b[0] = py - dy, b[1] = px - dx, b[2] = py + dy, b[3] = px + dx;
        net->scores[i] = 1.0f / (1.0f + expf(-net->logits[3 * i + 1]));
    }
}

int fc_ssd_detect(fc_ssd *net, const fc_image *img, float min_score, fc_detection *out, int max,
                  char *err)
{
    if (img->width <= 0 || img->height <= 0 || !img->rgb)
        return fc_errorf(err, -EINVAL, "empty image");
    fc_net_input(img->rgb, img->width, img->height, (size_t)img->width * 3, FC_SSD_INPUT, &ssd_norm,
                 fc_act_at(&net->input, 0, 0, 0),
                 (size_t)(FC_SSD_INPUT + 2 * net->input.border) * 3);
    forward(net);
    decode(net);

    /* the reference's IoU treats both axes alike: (ymin, xmin, ymax, xmax) serves as is */
    double(*boxes)[4] = malloc(FC_SSD_ANCHORS * sizeof *boxes);
    int *kept = malloc((size_t)(max > 0 ? max : 1) * sizeof *kept);
    int nkept = -ENOMEM;
    if (boxes && kept) {
        for (int i = 0; i < FC_SSD_ANCHORS; i++)
            for (int k = 0; k < 4; k++) boxes[i][k] = net->boxes[4 * i + k];
        nkept = fc_nms((const double(*)[4])boxes, net->scores, FC_SSD_ANCHORS, min_score, 0.5, 0,
                       max, kept);
    }
    free(boxes);
    if (nkept < 0) {
        free(kept);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    /* to the photo's pixels, DETECTORS.md §2.8 (the rounded reshaped size included) */
    const double W = img->width, H = img->height;
    double pad_x, pad_y;
    fc_net_input_unpad(img->width, img->height, FC_SSD_INPUT, &pad_x, &pad_y);
    for (int d = 0; d < nkept; d++) {
        const float *b = net->boxes + 4 * kept[d];
        const double top = fmax(0, b[0]) * pad_y, bottom = fmin(1, b[2]) * pad_y;
        const double left = fmax(0, b[1]) * pad_x, right = fmin(1, b[3]) * pad_x;
        out[d] = (fc_detection){(float)(left * W),           (float)(top * H),
                                (float)((right - left) * W), (float)((bottom - top) * H),
                                net->scores[kept[d]],        kept[d]};
    }
    free(kept);
    return nkept;
}

void fc_ssd_outputs(const fc_ssd *net, const float **encodings, const float **logits,
                    const float **boxes, const float **scores)
{
    *encodings = net->encodings;
    *logits = net->logits;
    *boxes = net->boxes;
    *scores = net->scores;
}

void fc_ssd_input(const fc_ssd *net, float *out)
{
    for (int y = 0; y < FC_SSD_INPUT; y++)
        memcpy(out + (size_t)y * FC_SSD_INPUT * 3, fc_act_at(&net->input, 0, y, 0),
               (size_t)FC_SSD_INPUT * 3 * sizeof(float));
}
