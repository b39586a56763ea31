/* The recognition network's forward pass, top to bottom. Shapes are h x w x c.
 *
 *   input 150x150x3 -> conv 7x7/2 valid, relu          72x72x32
 *   maxpool 3x3/2 valid                                35x35x32
 *   3 residual blocks                                  35x35x32
 *   down block + 3 residual                            17x17x64
 *   down block + 2 residual                             8x8x128
 *   down block + 2 residual                             4x4x256
 *   down block                                          2x2x256
 *   mean over pixels, fully connected                      128
 *
 * A residual block is relu(conv2(relu(conv1(x))) + x), both 3x3 'same'. A down block
 * starts with a 3x3/2 'valid' conv1, and its shortcut is a 2x2/2 average pool of x whose
 * missing channels are zero; where the pool is one pixel larger than conv2's output (odd
 * sizes), the reference pads conv2's output with a zero bottom row and right column. */
#include "recog.h"

#include "fc_error.h"
#include "nn.h"
#include "recog_layers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_STAGES 5 /* pixel sizes 35, 17, 8, 4, 2 */

/* Mean RGB the reference subtracts before dividing by 255. */
static const float mean_rgb[3] = {122.782f, 117.001f, 104.298f};

struct fc_recog {
    fc_conv convs[RECOG_NUM_CONVS];
    fc_conv fc;
    float *arena; /* every activation below, zeroed once so borders stay zero */
    fc_act input, first;
    fc_act x[NUM_STAGES], t[NUM_STAGES], y[NUM_STAGES]; /* per stage, 'same' border 1 */
    fc_act down[NUM_STAGES], pooled[NUM_STAGES];        /* down blocks (stages 1..) */
    fc_act mean, out;                                   /* 1x1x256, 1x1x128 */
    float *wino_scratch; /* shared by all Winograd convolutions: they run one at a time */
};

typedef struct {
    int h, w, c, border;
} act_shape;

/* Lays out one tensor in the arena, or with arena NULL only counts its floats. */
static void place(fc_act *t, act_shape s, float *arena, size_t *used)
{
    t->h = s.h;
    t->w = s.w;
    t->c = s.c;
    t->border = s.border;
    t->base = arena ? arena + *used : NULL;
    /* 16-float steps keep every tensor 64-byte aligned */
    *used += (fc_act_floats(s.h, s.w, s.c, s.border) + 15) / 16 * 16;
}

static size_t layout_activations(fc_recog *net, float *arena)
{
    size_t used = 0;
    place(&net->input, (act_shape){FC_RECOG_INPUT, FC_RECOG_INPUT, 3, 0}, arena, &used);
    const int first = fc_conv_out_size(FC_RECOG_INPUT, 7, 2, 0); /* 72 */
    place(&net->first, (act_shape){first, first, 32, 0}, arena, &used);
    int size = fc_conv_out_size(first, 3, 2, 0); /* 35 after the max pool */
    const int channels[NUM_STAGES] = {32, 64, 128, 256, 256};
    for (int s = 0; s < NUM_STAGES; s++) {
        if (s > 0) {
            int conv_size = fc_conv_out_size(size, 3, 2, 0);
            int pool_size = fc_conv_out_size(size, 2, 2, 0);
            place(&net->down[s], (act_shape){conv_size, conv_size, channels[s], 2}, arena, &used);
            place(&net->pooled[s], (act_shape){pool_size, pool_size, channels[s - 1], 0}, arena,
                  &used);
            size = pool_size;
        }
        /* border 2: Winograd's last tile on odd sizes reads one pixel past the padding */
        act_shape shape = {size, size, channels[s], 2};
        place(&net->x[s], shape, arena, &used);
        place(&net->t[s], shape, arena, &used);
        place(&net->y[s], shape, arena, &used);
    }
    place(&net->mean, (act_shape){1, 1, RECOG_FC_IN, 0}, arena, &used);
    place(&net->out, (act_shape){1, 1, FC_RECOG_DIM, 0}, arena, &used);
    net->wino_scratch = arena ? arena + used : NULL;
    used += fc_wino_scratch_floats();
    return used;
}

static int bind_conv(const fc_model *model, const char *name, int k, int stride, int cin, int cout,
                     fc_conv *conv, char *err)
{
    char key[FC_MODEL_NAME_MAX];
    fc_model_tensor w, b;
    snprintf(key, sizeof key, "recog/%s", name);
    const uint32_t wdims[4] = {(uint32_t)k, (uint32_t)k, (uint32_t)cin, (uint32_t)cout};
    int rc = fc_model_expect(model, key, FC_LAYOUT_CONV_P16, wdims, &w, err);
    if (rc) return rc;
    snprintf(key, sizeof key, "recog/%s/bias", name);
    const uint32_t bdims[4] = {(uint32_t)cout, 1, 1, 1};
    rc = fc_model_expect(model, key, FC_LAYOUT_DENSE, bdims, &b, err);
    if (rc) return rc;
    *conv = (fc_conv){.kh = k,
                      .kw = k,
                      .cin = cin,
                      .cout = cout,
                      .stride = stride,
                      .pad = stride == 1 ? (k - 1) / 2 : 0,
                      .weights = w.data,
                      .bias = b.data};
    if (k == 3 && stride == 1) {
        snprintf(key, sizeof key, "recog/%s/wino", name);
        const uint32_t udims[4] = {4, 4, (uint32_t)cin, (uint32_t)cout};
        rc = fc_model_expect(model, key, FC_LAYOUT_WINO_P16, udims, &w, err);
        if (rc) return rc;
        conv->wino = w.data;
    }
    return 0;
}

int fc_recog_new(const fc_model *model, fc_recog **out, char *err)
{
    *out = NULL;
    int rc;
    fc_recog *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; i < RECOG_NUM_CONVS; i++) {
        const recog_conv_spec *s = &recog_conv_specs[i];
        rc = bind_conv(model, s->name, s->k, s->stride, s->cin, s->cout, &net->convs[i], err);
        if (rc) goto fail;
    }
    rc = bind_conv(model, RECOG_FC_NAME, 1, 1, RECOG_FC_IN, FC_RECOG_DIM, &net->fc, err);
    if (rc) goto fail;
    size_t floats = layout_activations(net, NULL);
    net->arena = aligned_alloc(64, floats * sizeof(float));
    if (!net->arena) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for activations");
        goto fail;
    }
    memset(net->arena, 0, floats * sizeof(float));
    layout_activations(net, net->arena);
    for (int i = 0; i < RECOG_NUM_CONVS; i++) net->convs[i].scratch = net->wino_scratch;
    *out = net;
    return 0;
fail:
    fc_recog_free(net);
    return rc;
}

void fc_recog_free(fc_recog *net)
{
    if (!net) return;
    free(net->arena);
    free(net);
}

const float *fc_recog_input(const fc_recog *net)
{
    return net->input.base;
}

void fc_recog_set_input(fc_recog *net, const uint8_t *rgb, int w, int h, size_t stride)
{
    /* Centred square: the reference appends round(diff / 2) zero pixels after the face
     * and the rest before it (JavaScript's Math.round rounds halves up). */
    const int side = w > h ? w : h, diff = side - (w < h ? w : h);
    const int after = (diff + 1) / 2, before = diff - after;
    const int off_x = w < h ? before : 0, off_y = h < w ? before : 0;
    (void)after;
    /* TensorFlow's legacy bilinear resize: source = destination * (in / out), no
     * half-pixel offset, the far neighbour clamped to the last pixel. */
    const float scale = (float)side / (float)FC_RECOG_INPUT;
    float *dst = net->input.base;
    for (int oy = 0; oy < FC_RECOG_INPUT; oy++) {
        const float sy = (float)oy * scale;
        const int y0 = (int)sy, y1 = y0 + 1 < side ? y0 + 1 : side - 1;
        const float fy = sy - (float)y0;
        for (int ox = 0; ox < FC_RECOG_INPUT; ox++) {
            const float sx = (float)ox * scale;
            const int x0 = (int)sx, x1 = x0 + 1 < side ? x0 + 1 : side - 1;
            const float fx = sx - (float)x0;
            const int py[2] = {y0 - off_y, y1 - off_y}, px[2] = {x0 - off_x, x1 - off_x};
            const uint8_t *p[2][2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    p[i][j] = py[i] >= 0 && py[i] < h && px[j] >= 0 && px[j] < w
                                  ? rgb + (size_t)py[i] * stride + (size_t)px[j] * 3
                                  : NULL;
            for (int ch = 0; ch < 3; ch++) {
                const float tl = p[0][0] ? p[0][0][ch] : 0.0f, tr = p[0][1] ? p[0][1][ch] : 0.0f;
                const float bl = p[1][0] ? p[1][0][ch] : 0.0f, br = p[1][1] ? p[1][1][ch] : 0.0f;
                const float top = tl + (tr - tl) * fx, bottom = bl + (br - bl) * fx;
                const float v = top + (bottom - top) * fy;
                *dst++ = (v - mean_rgb[ch]) / 255.0f;
            }
        }
    }
}

/* relu(conv2(relu(conv1(x))) + x): x and y have the same shape, t is scratch. */
static void residual(const fc_recog *net, int conv, const fc_act *x, fc_act *t, fc_act *y)
{
    fc_conv2d(&net->convs[conv], x, NULL, 1, t);
    fc_conv2d(&net->convs[conv + 1], t, x, 1, y);
}

static void residual_down(fc_recog *net, int conv, int stage, const fc_act *x, fc_act *y)
{
    fc_act *down = &net->down[stage], *pooled = &net->pooled[stage];
    fc_conv2d(&net->convs[conv], x, NULL, 1, down);
    fc_avgpool(x, 2, 2, pooled);
    fc_conv2d(&net->convs[conv + 1], down, pooled, 1, y);
    /* the zero row/column the reference appends to conv2's output: only the shortcut */
    for (int py = 0; py < y->h; py++) {
        for (int px = 0; px < y->w; px++) {
            if (py < down->h && px < down->w) continue;
            float *dst = fc_act_at(y, py, px);
            const float *src = fc_act_at(pooled, py, px);
            for (int ch = 0; ch < y->c; ch++)
                dst[ch] = ch < pooled->c && src[ch] > 0.0f ? src[ch] : 0.0f;
        }
    }
}

void fc_recog_forward(fc_recog *net, float descriptor[FC_RECOG_DIM])
{
    /* block counts per stage; the first stage has no down block */
    static const int blocks[NUM_STAGES] = {3, 3, 2, 2, 0};
    fc_conv2d(&net->convs[0], &net->input, NULL, 1, &net->first); /* 72x72x32 */
    fc_maxpool(&net->first, 3, 2, &net->x[0]);                    /* 35x35x32 */
    const fc_act *cur = &net->x[0];
    int conv = 1;
    for (int s = 0; s < NUM_STAGES; s++) {
        if (s > 0) {
            residual_down(net, conv, s, cur, &net->x[s]);
            cur = &net->x[s];
            conv += 2;
        }
        for (int b = 0; b < blocks[s]; b++) {
            /* ping-pong between x and y; t is the block's middle */
            fc_act *next = cur == &net->x[s] ? &net->y[s] : &net->x[s];
            residual(net, conv, cur, &net->t[s], next);
            cur = next;
            conv += 2;
        }
    }
    fc_global_avgpool(cur, net->mean.base);
    fc_conv2d(&net->fc, &net->mean, NULL, 0, &net->out);
    memcpy(descriptor, net->out.base, FC_RECOG_DIM * sizeof(float));
}

int fc_recog_describe(fc_recog *net, const fc_image *img, int x, int y, int w, int h,
                      float descriptor[FC_RECOG_DIM], char *err)
{
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > img->width - w || y > img->height - h)
        return fc_errorf(err, -EINVAL, "face %d,%d %dx%d is outside the %dx%d image", x, y, w, h,
                         img->width, img->height);
    fc_recog_set_input(net, img->rgb + ((size_t)y * img->width + x) * 3, w, h,
                       (size_t)img->width * 3);
    fc_recog_forward(net, descriptor);
    return 0;
}
