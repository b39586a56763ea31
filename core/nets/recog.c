/* The recognition network's forward pass, top to bottom. Shapes are h x w x c.
 *
 *   input 150x150x3 -> conv 7x7/2 valid, relu          72x72x32  (the stem, done
 *   maxpool 3x3/2 valid                                35x35x32   in bands of rows)
 *   3 residual blocks                                  35x35x32
 *   down block + 3 residual                            17x17x64
 *   down block + 2 residual                             8x8x128
 *   down block + 2 residual                             4x4x256
 *   down block                                          2x2x256
 *   mean over pixels, fully connected                      128
 *
 * Faces go through in batches. The stem and the first two stages run one face at a time:
 * their activations are large (195 KB a tensor at 35x35x32, three in use at once) and
 * their weights small (2.3 MB in all), so one face's working set stays in cache. From the third
 * stage on it is the other way round (21 MB of weights as a single face uses them, 30 MB in the
 * Winograd form batches use; at most 74 KB of pixels a face), so those stages run on the whole
 * batch at once and each weight is loaded once per batch instead of once per face.
 *
 * A residual block is relu(conv2(relu(conv1(x))) + x), both 3x3 'same'. A down block
 * starts with a 3x3/2 'valid' conv1, and its shortcut is a 2x2/2 average pool of x whose
 * missing channels are zero; where the pool is one pixel larger than conv2's output (an
 * even input: 8 -> 3 against 4, 4 -> 1 against 2), the reference pads conv2's output with
 * a zero bottom row and right column. */
#include "core/nets/recog.h"

#include "core/nets/face_input.h"
#include "core/fc_error.h"
#include "core/nn/nn.h"
#include "core/nn/nn_bind.h"
#include "core/nets/recog_layers.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_STAGES 5    /* pixel sizes 35, 17, 8, 4, 2 */
#define BATCHED_STAGE 2 /* stages from here on run on the whole batch */

/* Residual blocks per stage (after its down block, from stage 1 on), and the index in
 * recog_conv_specs of each stage's first convolution (0 is the stem). */
static const int stage_blocks[NUM_STAGES] = {3, 3, 2, 2, 0};
static const int stage_first_conv[NUM_STAGES] = {1, 7, 15, 21, 27};

static int stage_convs(int s)
{
    return 2 * (stage_blocks[s] + (s > 0));
}

struct fc_recog {
    fc_conv convs[RECOG_NUM_CONVS];
    fc_conv fc;
    int max_batch;
    float *arena;     /* every activation below, zeroed once so borders stay zero */
    fc_act input;     /* max_batch faces, set one by one */
    fc_act stem_band; /* 3 rows of the stem's 72x72x32 output, one face */
    fc_act x[NUM_STAGES], t[NUM_STAGES], y[NUM_STAGES]; /* per stage: one face or a batch */
    fc_act down[NUM_STAGES], pooled[NUM_STAGES];        /* down blocks (stages 1..) */
    fc_act handoff;      /* the per-face stages' outputs, gathered into a batch */
    fc_act mean, out;    /* batch x 1x1x256, batch x 1x1x128 */
    float *wino_scratch; /* shared by all Winograd convolutions: they run one at a time */
};

typedef struct {
    int n, h, w, c, border;
} act_shape;

/* Lays out one tensor in the arena, or with arena NULL only counts its floats. */
static void place(fc_act *t, act_shape s, float *arena, size_t *used)
{
    t->n = s.n;
    t->h = s.h;
    t->w = s.w;
    t->c = s.c;
    t->border = s.border;
    t->base = arena ? arena + *used : NULL;
    /* 16-float steps keep every tensor 64-byte aligned */
    *used += ((size_t)s.n * fc_act_floats(s.h, s.w, s.c, s.border) + 15) / 16 * 16;
}

static size_t layout_activations(fc_recog *net, float *arena)
{
    size_t used = 0;
    const int batch = net->max_batch;
    place(&net->input, (act_shape){batch, FC_RECOG_INPUT, FC_RECOG_INPUT, 3, 0}, arena, &used);
    const int stem = fc_out_size(FC_RECOG_INPUT, 7, 2, FC_PAD_VALID); /* 72 */
    place(&net->stem_band, (act_shape){1, 3, stem, 32, 0}, arena, &used);
    int size = fc_out_size(stem, 3, 2, FC_PAD_VALID); /* 35 after the max pool */
    const int channels[NUM_STAGES] = {32, 64, 128, 256, 256};
    for (int s = 0; s < NUM_STAGES; s++) {
        const int n = s >= BATCHED_STAGE ? batch : 1;
        if (s > 0) {
            int conv_size = fc_out_size(size, 3, 2, FC_PAD_VALID);
            int pool_size = fc_out_size(size, 2, 2, FC_PAD_VALID);
            place(&net->down[s], (act_shape){n, conv_size, conv_size, channels[s], 2}, arena,
                  &used);
            place(&net->pooled[s], (act_shape){n, pool_size, pool_size, channels[s - 1], 0}, arena,
                  &used);
            size = pool_size;
        }
        /* border 2: Winograd's last tile on odd sizes reads one pixel past the padding */
        act_shape shape = {n, size, size, channels[s], 2};
        place(&net->x[s], shape, arena, &used);
        place(&net->t[s], shape, arena, &used);
        place(&net->y[s], shape, arena, &used);
        if (s == BATCHED_STAGE - 1) {
            shape.n = batch;
            place(&net->handoff, shape, arena, &used);
        }
    }
    place(&net->mean, (act_shape){batch, 1, 1, RECOG_FC_IN, 0}, arena, &used);
    place(&net->out, (act_shape){batch, 1, 1, FC_RECOG_DIM, 0}, arena, &used);
    net->wino_scratch = arena ? arena + used : NULL;
    used += fc_wino_scratch_floats();
    return used;
}

/* Which 3x3 convolutions run as Winograd (fc_wino_worthwhile). A single face at 4 x 4 has
 * 4 tiles, so the 256-channel layers use it only in handles made for batches of 4 or
 * more. The choice is fixed per handle, so a face's descriptor never depends on what
 * else is in its batch; it does depend, by rounding (about 1e-6, see test_golden), on
 * the handle's batch size. */
static void choose_winograd(fc_recog *net)
{
    for (int s = 0; s < NUM_STAGES; s++) {
        for (int i = stage_first_conv[s]; i < stage_first_conv[s] + stage_convs(s); i++) {
            /* a down block's conv2 reads the down-sampled image, every other conv x's size;
             * a down block's conv1 is strided and has no Winograd form */
            const fc_act *in = s > 0 && i == stage_first_conv[s] + 1 ? &net->down[s] : &net->x[s];
            const int use = net->convs[i].wino && fc_wino_worthwhile(in->n, in->h, in->w);
            net->convs[i].scratch = use ? net->wino_scratch : NULL;
            if (!use) net->convs[i].wino = NULL;
        }
    }
}

/* Every convolution of this network is followed by relu (after the shortcut, where there
 * is one), except the final fully connected layer. */
static int bind_conv(const fc_model *model, const char *name, int k, int stride, int cin, int cout,
                     int relu, fc_conv *conv, char *err)
{
    char key[FC_MODEL_NAME_MAX];
    fc_model_tensor w;
    snprintf(key, sizeof key, "recog/%s", name);
    int rc =
        fc_bind_conv(model, key, k, stride, cin, cout, stride == 1 ? FC_PAD_SAME : FC_PAD_VALID,
                     relu ? FC_ACT_RELU : FC_ACT_NONE, conv, err);
    if (rc) return rc;
    if (k == 3 && stride == 1) {
        snprintf(key, sizeof key, "recog/%s/wino", name);
        const uint32_t udims[4] = {4, 4, (uint32_t)cin, (uint32_t)cout};
        rc = fc_model_expect(model, key, FC_LAYOUT_WINO_P16, udims, &w, err);
        if (rc) return rc;
        conv->wino = w.data;
    }
    return 0;
}

int fc_recog_new(const fc_model *model, int max_batch, fc_recog **out, char *err)
{
    *out = NULL;
    int rc;
    if (max_batch < 1 || max_batch > FC_RECOG_MAX_BATCH)
        return fc_errorf(err, -EINVAL, "batch size %d is outside 1..%d", max_batch,
                         FC_RECOG_MAX_BATCH);
    fc_recog *net = calloc(1, sizeof *net);
    if (!net) return fc_errorf(err, -ENOMEM, "out of memory");
    net->max_batch = max_batch;
    for (int i = 0; i < RECOG_NUM_CONVS; i++) {
        const recog_conv_spec *s = &recog_conv_specs[i];
        rc = bind_conv(model, s->name, s->k, s->stride, s->cin, s->cout, 1, &net->convs[i], err);
        if (rc) goto fail;
    }
    rc = bind_conv(model, RECOG_FC_NAME, 1, 1, RECOG_FC_IN, FC_RECOG_DIM, 0, &net->fc, err);
    if (rc) goto fail;
    size_t floats = layout_activations(net, NULL);
    net->arena = fc_arena_new(floats);
    if (!net->arena) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for activations");
        goto fail;
    }
    layout_activations(net, net->arena);
    choose_winograd(net);
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

int fc_recog_max_batch(const fc_recog *net)
{
    return net->max_batch;
}

const float *fc_recog_input(const fc_recog *net, int slot)
{
    return fc_act_at(&net->input, slot, 0, 0);
}

void fc_recog_set_input(fc_recog *net, int slot, const uint8_t *rgb, int w, int h, size_t stride)
{
    assert(slot >= 0 && slot < net->max_batch);
    fc_face_input(rgb, w, h, stride, FC_RECOG_INPUT, fc_act_at(&net->input, slot, 0, 0),
                  (size_t)FC_RECOG_INPUT * 3);
}

/* Rows row .. row + h - 1 of t, as a tensor of h rows sharing t's memory. */
static fc_act rows_of(const fc_act *t, int row, int h)
{
    fc_act view = *t;
    view.h = h;
    view.base = t->base + (size_t)row * (size_t)(t->w + 2 * t->border) * (size_t)t->c;
    return view;
}

/* The stem, conv 7x7/2 (150 -> 72) then max pool 3x3/2 (72 -> 35), a band of rows at a
 * time: the conv's 663 KB output is never built whole, only a 27 KB band of 3 rows that
 * stays in L1. Pooled row r needs conv rows 2r .. 2r+2, and the last of them is the next
 * pooled row's first. */
static void stem(fc_recog *net, const fc_act *input, fc_act *pooled)
{
    fc_act *band = &net->stem_band;
    const size_t row_floats = (size_t)band->w * (size_t)band->c;
    for (int r = 0; r < pooled->h; r++) {
        const int fresh = r == 0 ? 3 : 2;            /* conv rows to compute */
        const int conv_row = r == 0 ? 0 : 2 * r + 1; /* the first of them */
        if (r > 0) memcpy(band->base, band->base + 2 * row_floats, row_floats * sizeof(float));
        const fc_act in = rows_of(input, 2 * conv_row, 2 * (fresh - 1) + 7);
        fc_act out = rows_of(band, 3 - fresh, fresh);
        fc_conv2d(&net->convs[0], &in, NULL, &out);
        fc_act pooled_row = rows_of(pooled, r, 1);
        fc_maxpool(band, 3, 2, FC_PAD_VALID, &pooled_row);
    }
}

/* relu(conv2(relu(conv1(x))) + x): x and y have the same shape, t is scratch. */
static void residual(const fc_recog *net, int conv, const fc_act *x, fc_act *t, fc_act *y)
{
    fc_conv2d(&net->convs[conv], x, NULL, t);
    fc_conv2d(&net->convs[conv + 1], t, x, y);
}

static void residual_down(fc_recog *net, int conv, int stage, const fc_act *x, fc_act *y)
{
    fc_act *down = &net->down[stage], *pooled = &net->pooled[stage];
    fc_conv2d(&net->convs[conv], x, NULL, down);
    fc_avgpool(x, 2, 2, FC_PAD_VALID, pooled);
    fc_conv2d(&net->convs[conv + 1], down, pooled, y);
    /* the zero row/column the reference appends to conv2's output: only the shortcut */
    for (int img = 0; img < y->n; img++) {
        for (int py = 0; py < y->h; py++) {
            for (int px = 0; px < y->w; px++) {
                if (py < down->h && px < down->w) continue;
                float *dst = fc_act_at(y, img, py, px);
                const float *src = fc_act_at(pooled, img, py, px);
                for (int ch = 0; ch < y->c; ch++)
                    dst[ch] = ch < pooled->c && src[ch] > 0.0f ? src[ch] : 0.0f;
            }
        }
    }
}

/* Runs stage s (its down block, then its residual blocks) on x; returns the tensor that
 * holds the result, one of the stage's own. */
static const fc_act *run_stage(fc_recog *net, int s, const fc_act *x)
{
    int conv = stage_first_conv[s];
    const fc_act *cur = x;
    if (s > 0) {
        residual_down(net, conv, s, cur, &net->x[s]);
        cur = &net->x[s];
        conv += 2;
    }
    for (int b = 0; b < stage_blocks[s]; b++) {
        /* ping-pong between x and y; t is the block's middle */
        fc_act *next = cur == &net->x[s] ? &net->y[s] : &net->x[s];
        residual(net, conv, cur, &net->t[s], next);
        cur = next;
        conv += 2;
    }
    return cur;
}

/* The batched tensors hold max_batch images; this forward pass uses `count`. */
static void set_batch(fc_recog *net, int count)
{
    for (int s = BATCHED_STAGE; s < NUM_STAGES; s++) {
        net->x[s].n = net->t[s].n = net->y[s].n = count;
        net->down[s].n = net->pooled[s].n = count;
    }
    net->handoff.n = net->mean.n = net->out.n = count;
}

void fc_recog_forward(fc_recog *net, int count, float (*descriptors)[FC_RECOG_DIM])
{
    assert(count >= 1 && count <= net->max_batch);
    for (int face = 0; face < count; face++) {
        const fc_act input = fc_act_image(&net->input, face);
        stem(net, &input, &net->x[0]); /* 35x35x32 */
        const fc_act *cur = &net->x[0];
        for (int s = 0; s < BATCHED_STAGE; s++) cur = run_stage(net, s, cur);
        const fc_act gathered = fc_act_image(&net->handoff, face);
        memcpy(gathered.base, cur->base,
               fc_act_floats(cur->h, cur->w, cur->c, cur->border) * sizeof(float));
    }
    set_batch(net, count);
    const fc_act *cur = &net->handoff;
    for (int s = BATCHED_STAGE; s < NUM_STAGES; s++) cur = run_stage(net, s, cur);
    fc_global_avgpool(cur, net->mean.base);
    fc_conv2d(&net->fc, &net->mean, NULL, &net->out);
    memcpy(descriptors, net->out.base, (size_t)count * FC_RECOG_DIM * sizeof(float));
}

int fc_recog_describe(fc_recog *net, const fc_image *img, int x, int y, int w, int h,
                      float descriptor[FC_RECOG_DIM], char *err)
{
    int rc = fc_image_rect_check(img, x, y, w, h, err);
    if (rc) return rc;
    fc_recog_set_input(net, 0, img->rgb + ((size_t)y * img->width + x) * 3, w, h,
                       (size_t)img->width * 3);
    fc_recog_forward(net, 1, (float(*)[FC_RECOG_DIM])descriptor);
    return 0;
}
