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
 * needed however deep the net: two for layer outputs in turn, one for depthwise ones.
 *
 * Cropping. The reference pads a 3:2 photo to a square, so a third of its input is black
 * padding, and a third of its work goes into it. Deep inside the padding every layer's
 * output is a constant vector (the response to an endless black plane; computed once by
 * collapsing each kernel). With cropping on, the trunk runs only on the photo's part of
 * the input plus a 32-pixel band of padding (rounded up to 32 pixels, so that strides
 * meet the same pixels); the row or column just past the band reads as that constant
 * instead of zero, as if the padding went on; at 16 x 16 the map is completed with the
 * constant for the extra layers. Results then differ from the reference's near the
 * band's edge only (bench/pipeline and bench/lfw show what that costs: nothing seen). */
#include "core/nets/ssd.h"

#include "core/nets/face_input.h"
#include "core/fc_error.h"
#include "core/nn/nn.h"
#include "core/nn/nn_bind.h"
#include "core/nets/ssd_layers.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(FC_SSD_INPUT <= FC_NET_INPUT_MAX,
               "fc_net_input plans at most FC_NET_INPUT_MAX columns");

static const fc_input_norm ssd_norm = {0, {0.0f, 0.0f, 0.0f}, 127.5f, 1.0f};

struct fc_ssd {
    fc_conv conv0, pw[SSD_TRUNK_LAYERS], extra[SSD_EXTRA_LAYERS];
    fc_dwconv dw[SSD_TRUNK_LAYERS];
    fc_conv box[SSD_HEADS], cls[SSD_HEADS];
    const float *anchors; /* 5118 x 4, borrowed from the model */
    float *arena;
    fc_act input;   /* the part of the reference's 512 x 512 x 3 input computed, bordered */
    int rows, cols; /* the computed part: 512 x 512 unless cropping */
    float *black;   /* each tensor's value deep inside the padding, in forward's order */
    float *buf[3];  /* two for layer outputs in turn, one for depthwise outputs */
    size_t buf_floats[3];
    float *head; /* one head's output at a time */
    size_t head_floats;
    float *encodings, *logits, *boxes, *scores; /* 5118 x 4, x 3, x 4, x 1 */
    uint16_t *bf16; /* pointwise weights as bfloat16, of the layers pack_bf16 picks */
};

/* The row just below (cropped rows) or column just right (cropped columns) of a cropped
 * tensor reads as the padding's constant; the rest of the border stays zero. */
static void fill_far_border(const fc_ssd *net, fc_act *t, const float *black)
{
    if (!black) return;
    if (net->rows < FC_SSD_INPUT)
        for (int x = 0; x < t->w; x++)
            memcpy(fc_act_at(t, 0, t->h, x), black, t->c * sizeof(float));
    if (net->cols < FC_SSD_INPUT)
        for (int y = 0; y < t->h; y++)
            memcpy(fc_act_at(t, 0, y, t->w), black, t->c * sizeof(float));
}

/* A tensor of h x w x c with border 1 on buffer b: only sized while the arena is not made.
 * black: the tensor's padding constant, for cropped runs. */
static fc_act on_buffer(fc_ssd *net, int b, int h, int w, int c, const float *black)
{
    const size_t floats = fc_act_floats(h, w, c, 1);
    if (!net->arena) {
        if (floats > net->buf_floats[b]) net->buf_floats[b] = floats;
        return (fc_act){1, h, w, c, 1, NULL};
    }
    fc_act t = {1, h, w, c, 1, net->buf[b]};
    /* the buffer held other shapes before: its border must read as zero padding */
    fc_act_clear_border(&t);
    fill_far_border(net, &t, black);
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

/* Runs head j on feature map f (the first rows and columns of a grid full_w wide):
 * copies its encodings and logits into the flat arrays. */
static void run_head(fc_ssd *net, int j, const fc_act *f, int full_w)
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
        for (int cell = 0; cell < f->h * f->w; cell++) {
            const int grid_cell = cell / f->w * full_w + cell % f->w;
            for (int a = 0; a < h->anchors; a++)
                memcpy(dest[which] + (size_t)(h->first_anchor + grid_cell * h->anchors + a) *
                                         per_anchor[which],
                       out.base + (size_t)cell * out.c + (size_t)a * per_anchor[which],
                       (size_t)per_anchor[which] * sizeof(float));
        }
    }
}

/* The 16 x 16 map the extra layers need, on buffer 2: the computed part of x, the rest
 * the padding's constant. */
static fc_act complete_map(fc_ssd *net, const fc_act *x, const float *black)
{
    const int full = FC_SSD_INPUT / 32;
    fc_act t = on_buffer(net, 2, full, full, x->c, NULL);
    if (!net->arena) return t;
    for (int y = 0; y < full; y++)
        for (int col = 0; col < full; col++)
            memcpy(fc_act_at(&t, 0, y, col),
                   y < x->h && col < x->w ? fc_act_at(x, 0, y, col) : black,
                   (size_t)x->c * sizeof(float));
    return t;
}

/* The whole network; with the arena not yet made it only sizes the buffers. The black
 * constants are taken in the order collapse() makes them. */
static void forward(fc_ssd *net)
{
    const float *black = net->black + 3; /* after the input's */
    int h = (net->rows + 1) / 2, w = (net->cols + 1) / 2;
    fc_act x = on_buffer(net, 0, h, w, 32, black);
    black += net->conv0.cout;
    if (net->arena) fc_conv2d(&net->conv0, &net->input, NULL, &x);
    int cur = 0;
    for (int i = 1; i <= SSD_TRUNK_LAYERS; i++) {
        const int stride = ssd_trunk_stride(i);
        h = (h + stride - 1) / stride, w = (w + stride - 1) / stride;
        fc_act d = on_buffer(net, 2, h, w, net->dw[i - 1].c, black);
        black += net->dw[i - 1].c;
        fc_act y = on_buffer(net, 1 - cur, h, w, ssd_trunk_channels[i - 1], black);
        if (net->arena) fc_separable2d(&net->dw[i - 1], &net->pw[i - 1], &x, &d, NULL, &y);
        x = y;
        cur = 1 - cur;
        if (i == 11) run_head(net, 0, &x, FC_SSD_INPUT / 16);
        if (i == 13) run_head(net, 1, &x, FC_SSD_INPUT / 32);
        if (i < SSD_TRUNK_LAYERS) black += net->pw[i - 1].cout;
    }
    if (net->rows < FC_SSD_INPUT || net->cols < FC_SSD_INPUT) x = complete_map(net, &x, black);
    int size = x.h;
    for (int i = 0; i < SSD_EXTRA_LAYERS; i++) {
        const ssd_extra_spec *e = &ssd_extra_specs[i];
        const int out_size = (size + e->stride - 1) / e->stride;
        fc_act y = on_buffer(net, 1 - cur, out_size, out_size, e->cout, NULL);
        if (net->arena) fc_conv2d(&net->extra[i], &x, NULL, &y);
        x = y;
        cur = 1 - cur;
        size = out_size;
        if (i % 2 == 1) run_head(net, 2 + i / 2, &x, size);
    }
}

/* A layer's output deep inside an endless plane of `in`: every tap reads the same
 * vector, so the kernel collapses to a sum over its taps. */
static void collapse_conv(const fc_conv *conv, const float *in, float *out)
{
    const size_t k_total = (size_t)conv->kh * conv->kw * conv->cin;
    for (int co = 0; co < conv->cout; co++) {
        const float *w = conv->weights + (size_t)(co / 16) * k_total * 16 + co % 16;
        double sum = conv->bias[co];
        for (size_t k = 0; k < k_total; k++) sum += (double)w[k * 16] * in[k % conv->cin];
        out[co] = fc_activate((float)sum, conv->act, conv->leak);
    }
}

static void collapse_dwconv(const fc_dwconv *conv, const float *in, float *out)
{
    for (int ch = 0; ch < conv->c; ch++) {
        double sum = conv->bias ? conv->bias[ch] : 0.0;
        for (int tap = 0; tap < conv->k * conv->k; tap++)
            sum += (double)conv->weights[(size_t)tap * conv->c + ch] * in[ch];
        out[ch] = fc_activate((float)sum, conv->act, conv->leak);
    }
}

/* The padding's constants: the input's (black pixels: -1), then each trunk layer's output
 * in turn. Returns how many floats they take; writes them when out is not NULL. */
static size_t collapse(const fc_ssd *net, float *out)
{
    size_t n = 3 + (size_t)net->conv0.cout;
    for (int i = 0; i < SSD_TRUNK_LAYERS; i++) n += (size_t)net->dw[i].c + net->pw[i].cout;
    if (!out) return n;
    float *v = out;
    v[0] = v[1] = v[2] = -1.0f;
    collapse_conv(&net->conv0, v, v + 3);
    v += 3;
    for (int i = 0; i < SSD_TRUNK_LAYERS; i++) {
        const int c_in = i == 0 ? net->conv0.cout : net->pw[i - 1].cout;
        collapse_dwconv(&net->dw[i], v, v + c_in);
        v += c_in;
        collapse_conv(&net->pw[i], v, v + net->dw[i].c);
        v += net->dw[i].c;
    }
    return n;
}

/* The trunk's pointwise layers with 512 or more inputs (conv_7 .. conv_13: 62% of the
 * detector's multiplies) in bfloat16 where the CPU has it (nn.h): 5.8 MB of weights
 * rounded once. Where the multiplies dominate, bfloat16 doubles their rate; the early
 * layers, whose time goes to memory more than to multiplies, gained little from it and
 * moved the boxes more (all 13 layers: 9.04 photos/s, boxes 0.78 px from float32's; these
 * 7: 8.78 photos/s, 0.56 px). The heads, whose outputs are the scores and boxes
 * themselves, stay in float32. bench/lfw: docs/benchmarks.md. */
enum { BF16_MIN_INPUTS = 512 };

static int pack_bf16(fc_ssd *net, char *err)
{
    size_t values = 0;
    for (int i = 0; i < SSD_TRUNK_LAYERS; i++)
        if (net->pw[i].cin >= BF16_MIN_INPUTS) values += (size_t)net->pw[i].cin * net->pw[i].cout;
    net->bf16 = malloc(values * sizeof *net->bf16);
    if (!net->bf16) return fc_errorf(err, -ENOMEM, "out of memory");
    uint16_t *p = net->bf16;
    for (int i = 0; i < SSD_TRUNK_LAYERS; i++) {
        if (net->pw[i].cin < BF16_MIN_INPUTS) continue;
        fc_conv_pack_bf16(&net->pw[i], p);
        net->pw[i].bf16 = p;
        p += (size_t)net->pw[i].cin * net->pw[i].cout;
    }
    return 0;
}

int fc_ssd_new(const fc_model *model, fc_ssd **out, char *err)
{
    *out = NULL;
    fc_ssd *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = bind_all(net, model, err);
    if (rc) goto fail;
    net->rows = net->cols = FC_SSD_INPUT;
    net->black = malloc(collapse(net, NULL) * sizeof(float));
    if (!net->black) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto fail;
    }
    collapse(net, net->black);
    rc = pack_bf16(net, err);
    if (rc) goto fail;
    forward(net); /* sizes the buffers */
    const size_t input = fc_act_floats(FC_SSD_INPUT, FC_SSD_INPUT, 3, 1);
    size_t total = input + net->buf_floats[0] + net->buf_floats[1] + net->buf_floats[2] +
                   net->head_floats + (size_t)FC_SSD_ANCHORS * 12 + FC_BF16_SCRATCH_FLOATS + 144;
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
    net->scores = p, p += (FC_SSD_ANCHORS + 15) / 16 * 16;
    for (int i = 0; i < SSD_TRUNK_LAYERS; i++) net->pw[i].scratch = p;
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
    free(net->black);
    free(net->bf16);
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

/* The part of the reference's input the network will see. */
static void set_input(fc_ssd *net, const fc_image *img, int crop)
{
    enum { SIZE = FC_SSD_INPUT, MARGIN = 32 };
    const double k = SIZE / fmax(img->width, img->height);
    const int rw = (int)round(img->width * k), rh = (int)round(img->height * k);
    net->rows = net->cols = SIZE;
    if (crop && rh < rw) net->rows = (rh + MARGIN + 31) / 32 * 32;
    if (crop && rw < rh) net->cols = (rw + MARGIN + 31) / 32 * 32;
    if (net->rows > SIZE) net->rows = SIZE;
    if (net->cols > SIZE) net->cols = SIZE;
    net->input.h = net->rows, net->input.w = net->cols;
    fc_act_clear_border(&net->input);
    fill_far_border(net, &net->input, net->black);
    fc_net_input_part(img->rgb, img->width, img->height, (size_t)img->width * 3, SIZE, net->rows,
                      net->cols, &ssd_norm, fc_act_at(&net->input, 0, 0, 0),
                      (size_t)(net->cols + 2 * net->input.border) * 3);
    if (net->rows < SIZE || net->cols < SIZE) {
        /* anchors over the padding past the band are not computed: no face there */
        memset(net->encodings, 0, FC_SSD_ANCHORS * 4 * sizeof(float));
        for (int i = 0; i < FC_SSD_ANCHORS * 3; i++) net->logits[i] = -100.0f;
    }
}

int fc_ssd_detect(fc_ssd *net, const fc_image *img, float min_score, int crop, fc_detection *out,
                  int max, char *err)
{
    if (img->width <= 0 || img->height <= 0 || !img->rgb)
        return fc_errorf(err, -EINVAL, "empty image");
    set_input(net, img, crop);
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
    for (int y = 0; y < net->rows; y++)
        memcpy(out + (size_t)y * FC_SSD_INPUT * 3, fc_act_at(&net->input, 0, y, 0),
               (size_t)net->cols * 3 * sizeof(float));
}
