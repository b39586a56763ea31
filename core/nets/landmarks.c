/* The landmark network, top to bottom (h x w x c):
 *
 *   input 112x112x3 (centred square, mean-subtracted, / 255)
 *   dense block 0: conv 3x3/2 3->32                         56x56x32
 *   dense block 1: separable 3x3/2 32->64                   28x28x64
 *   dense block 2: separable 3x3/2 64->128                  14x14x128
 *   dense block 3: separable 3x3/2 128->256                  7x7x256
 *   average pool 7x7/2 'valid'                               1x1x256
 *   fully connected 256 -> 136: (x, y) of 68 points in [0, 1] of the input
 *
 * A dense block: o1 = relu(first conv), then three separable convs (depthwise 3x3 with no
 * bias, pointwise 1x1 with bias, all 'same' stride 1), each fed the relu of everything so
 * far: s2 = o1 + sep(o1), s3 = s2 + sep(relu(s2)), s4 = s3 + sep(relu(s3)), out relu(s4).
 * The reference sums o1 + (o2 + (o3 + o4)); we keep running sums, equal up to rounding. */
#include "core/nets/landmarks.h"

#include "core/nn/model.h"
#include "core/nets/face_input.h"
#include "core/fc_error.h"
#include "core/nn/nn.h"
#include "core/nn/nn_bind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 4
#define FC_OUT 136
static const int block_channels[BLOCKS] = {32, 64, 128, 256};

typedef struct {
    fc_dwconv dw; /* for blocks 1..3; block 0's first conv is a plain one */
    fc_conv pw;
} separable;

typedef struct {
    fc_conv first;        /* block 0 only */
    separable sep[4];     /* sep[0] is the first conv of blocks 1..3 */
    fc_act o1, s[2], r;   /* o1, running sums (ping-pong), relu of the sum */
    fc_act dw_in, dw_mid; /* depthwise outputs: at the block's input and output width */
} dense_block;

struct fc_landmarker {
    dense_block blocks[BLOCKS];
    fc_conv fc;
    float *arena;
    fc_act input, pooled, out;
};

static void place(fc_act *t, int h, int c, float *arena, size_t *used)
{
    *t = (fc_act){1, h, h, c, 1, arena ? arena + *used : NULL};
    *used += (fc_act_floats(h, h, c, 1) + 15) / 16 * 16;
}

static size_t layout(fc_landmarker *net, float *arena)
{
    size_t used = 0;
    place(&net->input, FC_LANDMARK_INPUT, 3, arena, &used);
    int size = FC_LANDMARK_INPUT, cin = 3;
    for (int b = 0; b < BLOCKS; b++) {
        dense_block *d = &net->blocks[b];
        const int c = block_channels[b];
        size /= 2;
        place(&d->o1, size, c, arena, &used);
        place(&d->s[0], size, c, arena, &used);
        place(&d->s[1], size, c, arena, &used);
        place(&d->r, size, c, arena, &used);
        place(&d->dw_in, size, cin, arena, &used);
        place(&d->dw_mid, size, c, arena, &used);
        cin = c;
    }
    place(&net->pooled, 1, 256, arena, &used);
    place(&net->out, 1, (FC_OUT + 15) / 16 * 16, arena, &used);
    return used;
}

static int bind_pointwise(const fc_model *model, const char *key, int k, int stride, int cin,
                          int cout, enum fc_activation act, fc_conv *conv, char *err)
{
    return fc_bind_conv(model, key, k, stride, cin, cout, FC_PAD_SAME, act, conv, err);
}

static int bind_separable(const fc_model *model, int block, int conv, int stride, int cin, int cout,
                          enum fc_activation act, separable *sep, char *err)
{
    char key[FC_MODEL_NAME_MAX];
    snprintf(key, sizeof key, "lmk/dense%d/conv%d/dw", block, conv);
    int rc = fc_bind_dwconv(model, key, cin, stride, 0, FC_ACT_NONE, &sep->dw, err);
    if (rc) return rc;
    snprintf(key, sizeof key, "lmk/dense%d/conv%d/pw", block, conv);
    return bind_pointwise(model, key, 1, 1, cin, cout, act, &sep->pw, err);
}

int fc_landmarker_new(const fc_model *model, fc_landmarker **out, char *err)
{
    *out = NULL;
    fc_landmarker *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = bind_pointwise(model, "lmk/dense0/conv0", 3, 2, 3, 32, FC_ACT_RELU,
                            &net->blocks[0].first, err);
    int cin = 3;
    for (int b = 0; b < BLOCKS && !rc; b++) {
        const int c = block_channels[b];
        for (int k = b == 0 ? 1 : 0; k < 4 && !rc; k++)
            rc = bind_separable(model, b, k, k == 0 ? 2 : 1, k == 0 ? cin : c, c,
                                k == 0 ? FC_ACT_RELU : FC_ACT_NONE, &net->blocks[b].sep[k], err);
        cin = c;
    }
    if (!rc) rc = bind_pointwise(model, "lmk/fc", 1, 1, 256, FC_OUT, FC_ACT_NONE, &net->fc, err);
    if (rc) goto fail;
    size_t floats = layout(net, NULL);
    net->arena = fc_arena_new(floats);
    if (!net->arena) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for activations");
        goto fail;
    }
    layout(net, net->arena);
    *out = net;
    return 0;
fail:
    fc_landmarker_free(net);
    return rc;
}

void fc_landmarker_free(fc_landmarker *net)
{
    if (!net) return;
    free(net->arena);
    free(net);
}

/* out = act(pointwise(depthwise(in)) + residual) */
static void separable_conv(const separable *sep, const fc_act *in, fc_act *mid,
                           const fc_act *residual, fc_act *out)
{
    fc_separable2d(&sep->dw, &sep->pw, in, mid, residual, out);
}

static const fc_act *dense_block_run(dense_block *d, int b, const fc_act *x)
{
    if (b == 0)
        fc_conv2d(&d->first, x, NULL, &d->o1);
    else
        separable_conv(&d->sep[0], x, &d->dw_in, NULL, &d->o1);
    separable_conv(&d->sep[1], &d->o1, &d->dw_mid, &d->o1, &d->s[0]); /* s2 */
    fc_relu(&d->s[0], &d->r);
    separable_conv(&d->sep[2], &d->r, &d->dw_mid, &d->s[0], &d->s[1]); /* s3 */
    fc_relu(&d->s[1], &d->r);
    separable_conv(&d->sep[3], &d->r, &d->dw_mid, &d->s[1], &d->s[0]); /* s4 */
    fc_relu(&d->s[0], &d->r);
    return &d->r;
}

int fc_landmarker_run(fc_landmarker *net, const fc_image *img, int x, int y, int w, int h,
                      float points[FC_LANDMARK_POINTS][2], char *err)
{
    int rc = fc_image_rect_check(img, x, y, w, h, err);
    if (rc) return rc;
    fc_face_input(img->rgb + ((size_t)y * img->width + x) * 3, w, h, (size_t)img->width * 3,
                  FC_LANDMARK_INPUT, fc_act_at(&net->input, 0, 0, 0),
                  (size_t)(FC_LANDMARK_INPUT + 2 * net->input.border) * 3);
    const fc_act *cur = &net->input;
    for (int b = 0; b < BLOCKS; b++) cur = dense_block_run(&net->blocks[b], b, cur);
    fc_avgpool(cur, 7, 2, FC_PAD_VALID, &net->pooled);
    fc_conv2d(&net->fc, &net->pooled, NULL, &net->out);
    /* the reference's mapping back: out * 112 minus the padding |w - h| / 2 (unrounded,
     * in input pixels), over the scale */
    const float side = (float)(w > h ? w : h), scale = FC_LANDMARK_INPUT / side;
    const float pad_x = w < h ? (float)(h - w) * scale / 2 : 0.0f;
    const float pad_y = h < w ? (float)(w - h) * scale / 2 : 0.0f;
    const float *o = fc_act_at(&net->out, 0, 0, 0);
    for (int i = 0; i < FC_LANDMARK_POINTS; i++) {
        points[i][0] = (float)x + (o[2 * i] * FC_LANDMARK_INPUT - pad_x) / scale;
        points[i][1] = (float)y + (o[2 * i + 1] * FC_LANDMARK_INPUT - pad_y) / scale;
    }
    return 0;
}
