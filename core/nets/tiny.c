/* The tiny face detector, top to bottom (h x w x c); DETECTORS.md §3.
 *
 *   input 416x416x3: the photo padded at the bottom or right to a square, resized,
 *                    (v - mean) / 255
 *   conv0            conv 3x3 'valid' + bias, leaky 0.1                 414x414x16
 *   pool0            max 2x2/2                                          207x207x16
 *   conv1..5         depthwise 3x3 (no bias), pointwise 1x1 + bias, leaky, then max
 *                    2x2/2 ('same': 207 -> 104 -> 52 -> 26 -> 13), after conv5 max
 *                    2x2/1                                               13x13x512
 *   conv8            1x1 + bias: per cell and anchor x, y, w, h, score    13x13x25
 *   decode           YOLO v2: sigmoid offsets in the cell, anchor sizes scaled by exp
 *   NMS              greedy, IoU 0.4, on the unclipped boxes
 *
 * Every layer writes to the one of two buffers its input is not in. */
#include "core/nets/tiny.h"

#include "core/nets/face_input.h"
#include "core/fc_error.h"
#include "core/nn/nn.h"
#include "core/nn/nn_bind.h"
#include "core/nets/tiny_layers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(FC_TINY_INPUT <= FC_NET_INPUT_MAX,
               "fc_net_input plans at most FC_NET_INPUT_MAX columns");

static const fc_input_norm tiny_norm = {0, {117.001f, 114.697f, 97.404f}, 255.0f, 0.0f};

/* Anchor width and height, in grid cells. */
static const double tiny_anchors[FC_TINY_ANCHORS][2] = {{1.603231, 2.094468},
                                                        {6.041143, 7.080126},
                                                        {2.882459, 3.518061},
                                                        {4.266906, 5.178857},
                                                        {9.041765, 10.66308}};

struct fc_tiny {
    fc_conv conv0, pw[TINY_SEPARABLE], conv8;
    fc_dwconv dw[TINY_SEPARABLE];
    float *arena;
    fc_act input;
    float *buf[2];
    size_t buf_floats;
    float *out; /* 13 x 13 x 25, dense */
};

/* A tensor of h x h x c with border 1 on buffer b: sized when the arena is not made. */
static fc_act on_buffer(fc_tiny *net, int b, int h, int c)
{
    const size_t floats = fc_act_floats(h, h, c, 1);
    if (!net->arena) {
        if (floats > net->buf_floats) net->buf_floats = floats;
        return (fc_act){1, h, h, c, 1, NULL};
    }
    fc_act t = {1, h, h, c, 1, net->buf[b]};
    fc_act_clear_border(&t); /* read as the depthwise layers' zero padding */
    return t;
}

/* The whole network into net->out; with the arena not yet made it only sizes buffers. */
static void forward(fc_tiny *net)
{
    const int run = net->arena != NULL;
    int size = FC_TINY_INPUT - 2, cur = 0;
    fc_act x = on_buffer(net, cur, size, tiny_channels[0]);
    if (run) fc_conv2d(&net->conv0, &net->input, NULL, &x);
    for (int i = 0; i <= TINY_SEPARABLE; i++) {
        /* the pool after conv<i>: stride 1 after the last */
        const int stride = i < TINY_SEPARABLE ? 2 : 1, pooled = (size + stride - 1) / stride;
        fc_act p = on_buffer(net, 1 - cur, pooled, tiny_channels[i]);
        if (run) fc_maxpool(&x, 2, stride, FC_PAD_SAME, &p);
        size = pooled;
        if (i == TINY_SEPARABLE) {
            fc_act out = {1, size, size, net->conv8.cout, 0, net->out};
            if (run) fc_conv2d(&net->conv8, &p, NULL, &out);
            break;
        }
        fc_act d = on_buffer(net, cur, size, tiny_channels[i]);
        if (run) fc_dwconv2d(&net->dw[i], &p, &d);
        x = on_buffer(net, 1 - cur, size, tiny_channels[i + 1]);
        if (run) fc_conv2d(&net->pw[i], &d, NULL, &x);
        cur = 1 - cur;
    }
}

static int bind_all(fc_tiny *net, const fc_model *model, char *err)
{
    char key[FC_MODEL_NAME_MAX];
    int rc = fc_bind_conv(model, "tiny/conv0", 3, 1, 3, tiny_channels[0], FC_PAD_VALID,
                          FC_ACT_LEAKY, &net->conv0, err);
    for (int i = 1; i <= TINY_SEPARABLE && !rc; i++) {
        snprintf(key, sizeof key, "tiny/conv%d/dw", i);
        rc = fc_bind_dwconv(model, key, tiny_channels[i - 1], 1, 0, FC_ACT_NONE, &net->dw[i - 1],
                            err);
        snprintf(key, sizeof key, "tiny/conv%d", i);
        if (!rc)
            rc = fc_bind_conv(model, key, 1, 1, tiny_channels[i - 1], tiny_channels[i], FC_PAD_SAME,
                              FC_ACT_LEAKY, &net->pw[i - 1], err);
    }
    if (!rc)
        rc = fc_bind_conv(model, "tiny/conv8", 1, 1, tiny_channels[TINY_SEPARABLE], FC_TINY_OUTPUTS,
                          FC_PAD_SAME, FC_ACT_NONE, &net->conv8, err);
    return rc;
}

int fc_tiny_new(const fc_model *model, fc_tiny **out, char *err)
{
    *out = NULL;
    fc_tiny *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = bind_all(net, model, err);
    if (rc) goto fail;
    forward(net); /* sizes the buffers */
    const size_t input = fc_act_floats(FC_TINY_INPUT, FC_TINY_INPUT, 3, 0);
    const size_t buf = (net->buf_floats + 15) / 16 * 16;
    const size_t out_floats = (size_t)FC_TINY_GRID * FC_TINY_GRID * net->conv8.cout;
    net->arena = fc_arena_new((input + 15) / 16 * 16 + 2 * buf + out_floats);
    if (!net->arena) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for the detector's activations");
        goto fail;
    }
    net->input = (fc_act){1, FC_TINY_INPUT, FC_TINY_INPUT, 3, 0, net->arena};
    net->buf[0] = net->arena + (input + 15) / 16 * 16;
    net->buf[1] = net->buf[0] + buf;
    net->out = net->buf[1] + buf;
    *out = net;
    return 0;
fail:
    fc_tiny_free(net);
    return rc;
}

void fc_tiny_free(fc_tiny *net)
{
    if (!net) return;
    free(net->arena);
    free(net);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

int fc_tiny_detect(fc_tiny *net, const fc_image *img, float min_score, fc_detection *out, int max,
                   char *err)
{
    enum { CELLS = FC_TINY_GRID * FC_TINY_GRID * FC_TINY_ANCHORS };
    if (img->width <= 0 || img->height <= 0 || !img->rgb)
        return fc_errorf(err, -EINVAL, "empty image");
    fc_net_input(img->rgb, img->width, img->height, (size_t)img->width * 3, FC_TINY_INPUT,
                 &tiny_norm, net->input.base, (size_t)FC_TINY_INPUT * 3);
    forward(net);

    /* DETECTORS.md §3.4, in doubles on the float outputs, boxes relative to the photo */
    double fx, fy;
    fc_net_input_unpad(img->width, img->height, FC_TINY_INPUT, &fx, &fy);
    double(*boxes)[4] = malloc(CELLS * sizeof *boxes);
    float *scores = malloc(CELLS * sizeof *scores);
    int *kept = malloc((size_t)(max > 0 ? max : 1) * sizeof *kept);
    int nkept = -ENOMEM;
    if (boxes && scores && kept) {
        const int n = FC_TINY_GRID, pitch = net->conv8.cout;
        for (int cell = 0; cell < n * n; cell++)
            for (int a = 0; a < FC_TINY_ANCHORS; a++) {
                const float *v = net->out + (size_t)cell * pitch + 5 * a;
                const int i = cell * FC_TINY_ANCHORS + a, row = cell / n, col = cell % n;
                const double cx = ((col + sigmoid(v[0])) / n) * fx;
                const double cy = ((row + sigmoid(v[1])) / n) * fy;
                const double w = ((exp(v[2]) * tiny_anchors[a][0]) / n) * fx;
                const double h = ((exp(v[3]) * tiny_anchors[a][1]) / n) * fy;
                const double x = cx - w / 2, y = cy - h / 2;
                /* the reference suppresses on boxes scaled to the input's pixels */
                boxes[i][0] = x * FC_TINY_INPUT, boxes[i][1] = y * FC_TINY_INPUT;
                boxes[i][2] = (x + w) * FC_TINY_INPUT, boxes[i][3] = (y + h) * FC_TINY_INPUT;
                scores[i] = (float)sigmoid(v[4]);
            }
        nkept = fc_nms((const double(*)[4])boxes, scores, CELLS, min_score, 0.4, 1, max, kept);
    }
    for (int d = 0; d < nkept; d++) {
        const double *b = boxes[kept[d]], W = img->width, H = img->height;
        const double x = b[0] / FC_TINY_INPUT, y = b[1] / FC_TINY_INPUT;
        const double w = b[2] / FC_TINY_INPUT - x, h = b[3] / FC_TINY_INPUT - y;
        out[d] = (fc_detection){(float)(x * W), (float)(y * H),  (float)(w * W),
                                (float)(h * H), scores[kept[d]], kept[d]};
    }
    free(boxes);
    free(scores);
    free(kept);
    if (nkept < 0) return fc_errorf(err, -ENOMEM, "out of memory");
    return nkept;
}

const float *fc_tiny_outputs(const fc_tiny *net)
{
    return net->out;
}

void fc_tiny_input(const fc_tiny *net, float *out)
{
    memcpy(out, net->input.base, (size_t)FC_TINY_INPUT * FC_TINY_INPUT * 3 * sizeof(float));
}
