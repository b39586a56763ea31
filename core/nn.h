/* The inference engine: the few layer types facecluster's networks are built from, on
 * batches of NHWC float32 activations. Each optimised kernel has a plain reference
 * twin (suffix _ref) that the tests compare it against. No function here allocates. */
#ifndef FC_NN_H
#define FC_NN_H

#include <stddef.h>

/* An activation tensor: n images of h x w x c, one after the other, each surrounded by a
 * zero border of `border` pixels so that 'same' convolutions read their padding without
 * branches. The border is zeroed once when the network's arena is made; kernels write
 * only the interior. Every layer below processes all n images: a batch shares each
 * weight it loads, which matters where weights outweigh pixels (the deep layers). */
typedef struct {
    int n, h, w, c, border;
    float *base; /* n * fc_act_floats(h, w, c, border) floats, borrowed from an arena */
} fc_act;

/* Floats of one image of a tensor, border included. */
static inline size_t fc_act_floats(int h, int w, int c, int border)
{
    return (size_t)(h + 2 * border) * (size_t)(w + 2 * border) * (size_t)c;
}

/* Pixel (y, x) of image img; y and x may reach into the border. */
static inline float *fc_act_at(const fc_act *t, int img, int y, int x)
{
    size_t pitch = (size_t)(t->w + 2 * t->border);
    return t->base + (size_t)img * fc_act_floats(t->h, t->w, t->c, t->border) +
           ((size_t)(y + t->border) * pitch + (size_t)(x + t->border)) * (size_t)t->c;
}

/* A view of image img of t, as a tensor of one image. */
static inline fc_act fc_act_image(const fc_act *t, int img)
{
    fc_act one = *t;
    one.n = 1;
    one.base = t->base + (size_t)img * fc_act_floats(t->h, t->w, t->c, t->border);
    return one;
}

/* A convolution with weights in FC_LAYOUT_CONV_P16 (model.h) and folded bias. pad is the
 * zero padding on each side: 0 for 'valid', (k - 1) / 2 for stride-1 'same'.
 *
 * A 3x3 stride-1 convolution may also carry its kernel in the Winograd domain
 * (FC_LAYOUT_WINO_P16) and a scratch area of fc_wino_scratch_floats() floats; fc_conv2d
 * then uses Winograd's F(2x2, 3x3), which needs 2.25x fewer multiplies (whether that
 * pays is the network's choice: see recog.c). Its input then needs a border of 2 when
 * its size is odd (the last tile reads one pixel past the padding). */
typedef struct {
    int kh, kw, cin, cout, stride, pad;
    const float *weights; /* borrowed from the model */
    const float *bias;    /* cout floats, borrowed */
    const float *wino;    /* optional, borrowed from the model */
    float *scratch;       /* with wino: borrowed from the network's arena */
} fc_conv;

/* Floats of scratch a Winograd convolution needs (any cin, cout up to 256). */
size_t fc_wino_scratch_floats(void);

/* Transforms 3x3 HWIO weights (3, 3, cin, cout) into FC_LAYOUT_WINO_P16: 16 * cin * cout
 * floats, U = G g G^T computed in double. For converters and tests. */
void fc_wino_weights(const float *hwio, int cin, int cout, float *out);

static inline int fc_conv_out_size(int in, int k, int stride, int pad)
{
    return (in + 2 * pad - k) / stride + 1;
}

/* out(y, x, n) = f(sum conv + bias[n] + residual(y, x, n)), f = relu if relu else identity,
 * for each image; in, out and residual hold the same number of images.
 * The computed region is fc_conv_out_size() of in; out may be larger (the rest is left
 * alone). residual may be NULL; it covers at least the computed region and its channels
 * may be fewer than cout (a multiple of 16): missing channels count as zero, which is
 * the reference's zero-padding rule for down-sampling shortcuts. in->border >= pad. */
void fc_conv2d(const fc_conv *conv, const fc_act *in, const fc_act *residual, int relu,
               fc_act *out);
void fc_conv2d_ref(const fc_conv *conv, const fc_act *in, const fc_act *residual, int relu,
                   fc_act *out);

/* 'valid' pooling with a k x k window; out must be fc_conv_out_size(in, k, stride, 0). */
void fc_maxpool(const fc_act *in, int k, int stride, fc_act *out);
void fc_avgpool(const fc_act *in, int k, int stride, fc_act *out);

/* Mean over all pixels of each image: out has in->n * in->c floats. */
void fc_global_avgpool(const fc_act *in, float *out);

/* Which convolution kernel fc_conv2d uses: "avx2-fma" or "plain". The choice is made once
 * from the CPU, and FACECLUSTER_KERNELS=plain forces the reference. */
const char *fc_nn_kernel_name(void);

/* Optional per-layer-type timing for bench/embed: accumulate nanoseconds per type while
 * enabled. Off by default (one branch per layer). */
enum fc_nn_op {
    FC_OP_CONV3_WINO,
    FC_OP_CONV3_S1,
    FC_OP_CONV_STRIDED,
    FC_OP_POOL,
    FC_OP_FC,
    FC_OP_OTHER,
    FC_OP_COUNT
};
void fc_nn_profile_enable(int on);
/* Copies the accumulated nanoseconds (FC_OP_COUNT entries) and resets them. */
void fc_nn_profile_take(double ns[FC_OP_COUNT]);
const char *fc_nn_op_name(enum fc_nn_op op);

#endif
