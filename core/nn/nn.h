/* The inference engine: the few layer types facecluster's networks are built from, on
 * batches of NHWC float32 activations. Each optimised kernel has a plain reference
 * twin (suffix _ref) that the tests compare it against. No function here allocates. */
#ifndef FC_NN_H
#define FC_NN_H

#include <stddef.h>
#include <stdint.h>

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

/* Padding as TensorFlow defines it. 'valid': none, out = (in - k) / stride + 1. 'same':
 * out = ceil(in / stride), and the padding needed, (out - 1) * stride + k - in, is split
 * with the odd pixel after (bottom, right). A layer's input needs a border at least as
 * wide as its padding on either side. */
enum fc_padding { FC_PAD_VALID, FC_PAD_SAME };

static inline int fc_out_size(int in, int k, int stride, enum fc_padding padding)
{
    return padding == FC_PAD_SAME ? (in + stride - 1) / stride : (in - k) / stride + 1;
}

/* Zero pixels before the first (top or left) input pixel. */
static inline int fc_pad_before(int in, int k, int stride, enum fc_padding padding)
{
    int total = (fc_out_size(in, k, stride, padding) - 1) * stride + k - in;
    return padding == FC_PAD_SAME && total > 0 ? total / 2 : 0;
}

/* Zero pixels after the last input pixel. */
static inline int fc_pad_after(int in, int k, int stride, enum fc_padding padding)
{
    int total = (fc_out_size(in, k, stride, padding) - 1) * stride + k - in;
    return padding == FC_PAD_SAME && total > 0 ? total - total / 2 : 0;
}

/* What a layer applies to its sums, after bias and residual. */
enum fc_activation {
    FC_ACT_NONE,
    FC_ACT_RELU,  /* max(x, 0) */
    FC_ACT_RELU6, /* min(max(x, 0), 6) */
    FC_ACT_LEAKY  /* x >= 0 ? x : leak * x */
};

/* Applies an activation to one value: the reference every kernel is tested against. */
static inline float fc_activate(float x, enum fc_activation act, float leak)
{
    switch (act) {
    case FC_ACT_RELU:
        return x > 0.0f ? x : 0.0f;
    case FC_ACT_RELU6:
        return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
    case FC_ACT_LEAKY:
        return x >= 0.0f ? x : leak * x;
    default:
        return x;
    }
}

/* A convolution with weights in FC_LAYOUT_CONV_P16 (model.h) and folded bias. A 1x1
 * kernel is a pointwise convolution, and on a 1x1 image a fully connected layer.
 *
 * A 3x3 stride-1 'same' convolution may also carry its kernel in the Winograd domain
 * (FC_LAYOUT_WINO_P16) and a scratch area of fc_wino_scratch_floats() floats; fc_conv2d
 * then uses Winograd's F(2x2, 3x3), which needs 2.25x fewer multiplies (whether that
 * pays is the network's choice: see recog.c). Its input then needs a border of 2 when
 * its size is odd (the last tile reads one pixel past the padding). */
typedef struct {
    int kh, kw, cin, cout, stride;
    enum fc_padding padding;
    enum fc_activation act;
    float leak;           /* slope below zero for FC_ACT_LEAKY */
    const float *weights; /* borrowed from the model */
    const float *bias;    /* cout floats, borrowed */
    const float *wino;    /* optional, borrowed from the model */
    float *scratch;       /* with wino or bf16: borrowed from the network's arena */
    const uint16_t *bf16; /* optional, 1x1 only: the weights as bfloat16, borrowed */
} fc_conv;

/* Lower precision where it pays (bench/lfw and the detection tests measure the cost): a
 * 1x1 stride-1 convolution with cin a multiple of 16 may carry its weights rounded to
 * bfloat16 (fc_conv_pack_bf16: cin * cout values, owned by the network) and a scratch of
 * FC_BF16_SCRATCH_FLOATS floats; where the CPU has AVX-512 BF16, fc_conv2d then rounds
 * its inputs to bfloat16 too and sums the products in float32, at twice the speed. Every
 * other CPU, and FACECLUSTER_KERNELS=avx2, computes in float32 and ignores them. */
#define FC_BF16_SCRATCH_FLOATS ((size_t)32 << 10)
void fc_conv_pack_bf16(const fc_conv *conv, uint16_t *out);
/* What the bfloat16 kernel computes, plainly: inputs and weights rounded to bfloat16
 * (nearest even), products summed in double. For tests. */
void fc_conv2d_bf16_ref(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out);

/* Floats of scratch a Winograd convolution needs (any cin, cout up to 256). */
size_t fc_wino_scratch_floats(void);

/* Transforms 3x3 HWIO weights (3, 3, cin, cout) into FC_LAYOUT_WINO_P16: 16 * cin * cout
 * floats, U = G g G^T computed in double. For converters and tests. */
void fc_wino_weights(const float *hwio, int cin, int cout, float *out);

/* Lays HWIO weights (kh, kw, cin, cout; cout a multiple of 16) out as
 * FC_LAYOUT_CONV_P16. For converters and tests. */
void fc_conv_pack_p16(const float *hwio, int kh, int kw, int cin, int cout, float *out);

/* Whether Winograd pays for a 3x3 'same' convolution over n images of h x w pixels. It
 * trades multiplies for weight bytes (16 per kernel instead of 9) and transform work;
 * measured with bench/embed and bench/gemm, it wins from 4 x 4 pixels up once at least
 * 16 output tiles share each weight. Networks decide with this, once per layer. */
static inline int fc_wino_worthwhile(int n, int h, int w)
{
    return h >= 4 && w >= 4 && n * ((h + 1) / 2) * ((w + 1) / 2) >= 16;
}

/* out(y, x, n) = act(sum conv + bias[n] + residual(y, x, n)) for each image; in, out and
 * residual hold the same number of images. The computed region is fc_out_size() of in;
 * out may be larger (the rest is left alone). residual may be NULL; it covers at least
 * the computed region and its channels may be fewer than cout (a multiple of 16):
 * missing channels count as zero, which is the reference's zero-padding rule for
 * down-sampling shortcuts. */
void fc_conv2d(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out);
void fc_conv2d_ref(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out);

/* A depthwise convolution (channel multiplier 1): each channel filtered by its own k x k
 * kernel, then bias and activation. */
typedef struct {
    int k, c, stride;
    enum fc_padding padding;
    enum fc_activation act;
    float leak;
    const float *weights; /* k * k * c floats, [ky][kx][c] as TensorFlow stores them */
    const float *bias;    /* c floats, or NULL for none */
} fc_dwconv;

void fc_dwconv2d(const fc_dwconv *conv, const fc_act *in, fc_act *out);
void fc_dwconv2d_ref(const fc_dwconv *conv, const fc_act *in, fc_act *out);

/* A separable convolution: out = pw(dw(in)) with residual as fc_conv2d takes it, pw a 1x1
 * stride-1 convolution. mid has the depthwise output's shape; it is scratch, its contents
 * (border included) undefined afterwards. out and mid must not share memory with in. The same
 * values as fc_dwconv2d into mid then fc_conv2d from it, bit for bit, but faster where the maps are
 * large (nn_separable_avx2.c). */
void fc_separable2d(const fc_dwconv *dw, const fc_conv *pw, const fc_act *in, fc_act *mid,
                    const fc_act *residual, fc_act *out);

/* k x k pooling; out must be fc_out_size() of in. With 'same' padding the padded cells
 * take no part (TensorFlow's rule): the max or mean is over the window's real pixels. */
void fc_maxpool(const fc_act *in, int k, int stride, enum fc_padding padding, fc_act *out);
void fc_avgpool(const fc_act *in, int k, int stride, enum fc_padding padding, fc_act *out);

/* An arena of activations: `floats` zeroed floats, 64-byte aligned (so every tensor placed
 * at a multiple of 16 floats is too). NULL when out of memory; the caller frees it. */
float *fc_arena_new(size_t floats);

/* Zeroes t's border (for a buffer that held other shapes before); the interior is left. */
void fc_act_clear_border(fc_act *t);

/* out = max(in, 0), element by element (same shape; out may be in). */
void fc_relu(const fc_act *in, fc_act *out);

/* Mean over all pixels of each image: out has in->n * in->c floats. */
void fc_global_avgpool(const fc_act *in, float *out);

/* Dot products of many vectors with many others, for the clustering's searches, on the
 * networks' GEMM micro-kernel: out[i * ldo + j] = a_i . b_j for the m rows of a (k floats
 * each, rows lda apart) and the n vectors b was packed from. The b side is packed once in
 * panels of 16 vectors (fc_rows_pack: fc_rows_packed_floats(n, k) floats, 32-byte
 * aligned, e.g. from fc_arena_new); every 16th column is written, so ldo must be at least
 * n rounded up to 16 (the columns past n hold 0). */
size_t fc_rows_packed_floats(int n, int k);
void fc_rows_pack(const float *b, size_t ldb, int n, int k, float *packed);
void fc_rows_dot(const float *a, size_t lda, int m, int k, const float *packed, int n, float *out,
                 size_t ldo);
void fc_rows_dot_ref(const float *a, size_t lda, int m, int k, const float *packed, int n,
                     float *out, size_t ldo);

/* Which kernels fc_conv2d, fc_dwconv2d and fc_rows_dot use: "avx2-fma+bf16" (with
 * AVX-512 BF16), "avx2-fma" or "plain". The choice is made once from the CPU;
 * FACECLUSTER_KERNELS=avx2 leaves bfloat16 out, =plain forces the references. */
const char *fc_nn_kernel_name(void);

/* Optional per-layer-type timing for bench/embed: accumulate nanoseconds per type while
 * enabled. Off by default (one branch per layer). */
enum fc_nn_op {
    FC_OP_CONV3_WINO,
    FC_OP_CONV3_S1,
    FC_OP_CONV_STRIDED,
    FC_OP_DEPTHWISE,
    FC_OP_SEPARABLE,
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
