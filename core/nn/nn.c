/* The engine's dispatcher and its plain reference kernels. The references are written
 * for clarity, not speed: every optimised kernel is tested against them. */
#include "core/nn/nn.h"

#include "core/nn/model.h"
#include "core/nn/nn_internal.h"

#include <assert.h>
#include <float.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*conv_fn)(const fc_conv *, const fc_act *, const fc_act *, fc_act *);
typedef void (*dwconv_fn)(const fc_dwconv *, const fc_act *, fc_act *);
typedef void (*rows_dot_fn)(const float *, size_t, int, int, const float *, int, float *, size_t);

static struct {
    const char *name;
    int bf16; /* fc_conv2d_bf16_avx512 for convolutions that carry bfloat16 weights */
    conv_fn conv;
    dwconv_fn dwconv;
    rows_dot_fn rows_dot;
} kernels;
static pthread_once_t kernels_once = PTHREAD_ONCE_INIT;

static void choose_kernels(void)
{
    const char *force = getenv("FACECLUSTER_KERNELS");
    int plain = force && strcmp(force, "plain") == 0;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (!plain && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        kernels.bf16 = !(force && strcmp(force, "avx2") == 0) &&
                       __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                       __builtin_cpu_supports("avx512bf16");
        kernels.name = kernels.bf16 ? "avx2-fma+bf16" : "avx2-fma";
        kernels.conv = fc_conv2d_avx2;
        kernels.dwconv = fc_dwconv2d_avx2;
        kernels.rows_dot = fc_rows_dot_avx2;
        return;
    }
#endif
    (void)plain;
    kernels.name = "plain";
    kernels.conv = fc_conv2d_ref;
    kernels.dwconv = fc_dwconv2d_ref;
    kernels.rows_dot = fc_rows_dot_ref;
}

const char *fc_nn_kernel_name(void)
{
    pthread_once(&kernels_once, choose_kernels);
    return kernels.name;
}

/* Per-thread so that two handles on two threads time themselves. */
static _Thread_local int profile_on;
static _Thread_local double profile_ns[FC_OP_COUNT];

void fc_nn_profile_enable(int on)
{
    profile_on = on;
}

void fc_nn_profile_take(double ns[FC_OP_COUNT])
{
    memcpy(ns, profile_ns, sizeof profile_ns);
    memset(profile_ns, 0, sizeof profile_ns);
}

const char *fc_nn_op_name(enum fc_nn_op op)
{
    static const char *const names[FC_OP_COUNT] = {
        "conv3x3 Winograd",    "conv3x3 direct", "conv strided",    "depthwise",
        "depthwise+pointwise", "pooling",        "fully connected", "other"};
    return names[op];
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The input's border must hold the padding on both sides of both axes. */
static int border_fits(const fc_act *in, int kh, int kw, int stride, enum fc_padding padding)
{
    return in->border >= fc_pad_before(in->h, kh, stride, padding) &&
           in->border >= fc_pad_after(in->h, kh, stride, padding) &&
           in->border >= fc_pad_before(in->w, kw, stride, padding) &&
           in->border >= fc_pad_after(in->w, kw, stride, padding);
}

static void check_conv_shapes(const fc_conv *conv, const fc_act *in, const fc_act *residual,
                              const fc_act *out)
{
    /* internal invariants: shapes are fixed by the network definition, not by input data */
    assert(in->c == conv->cin && out->c == conv->cout && conv->cout % 16 == 0);
    assert(out->n == in->n && (!residual || residual->n == in->n));
    assert(conv->kh <= 16 && border_fits(in, conv->kh, conv->kw, conv->stride, conv->padding));
    assert(out->h >= fc_out_size(in->h, conv->kh, conv->stride, conv->padding));
    assert(out->w >= fc_out_size(in->w, conv->kw, conv->stride, conv->padding));
    assert(!residual || (residual->c <= conv->cout && residual->c % 16 == 0));
    (void)conv, (void)in, (void)residual, (void)out;
}

static int use_winograd(const fc_conv *conv, const fc_act *in)
{
    if (!conv->wino || !conv->scratch || kernels.conv != fc_conv2d_avx2) return 0;
    assert(conv->kh == 3 && conv->kw == 3 && conv->stride == 1 && conv->padding == FC_PAD_SAME);
    assert(in->border >= 1 + in->h % 2 && in->border >= 1 + in->w % 2);
    assert(conv->cin <= 256 && conv->cout <= 256 && conv->cin % 8 == 0);
    (void)in;
    return 1;
}

static int use_bf16(const fc_conv *conv)
{
    /* the scratch holds at least one group of 6 rounded rows */
    return kernels.bf16 && conv->bf16 && conv->scratch && conv->kh == 1 && conv->kw == 1 &&
           conv->stride == 1 && conv->cin % 16 == 0 &&
           (size_t)conv->cin * FC_GEMM_MR <= 2 * FC_BF16_SCRATCH_FLOATS;
}

void fc_conv2d(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out)
{
    pthread_once(&kernels_once, choose_kernels);
    check_conv_shapes(conv, in, residual, out);
    const int winograd = use_winograd(conv, in);
    double t0 = profile_on ? now_ns() : 0.0;
    if (winograd)
        fc_conv2d_wino_avx2(conv, in, residual, out);
    else if (use_bf16(conv))
        fc_conv2d_bf16_avx512(conv, in, residual, out);
    else
        kernels.conv(conv, in, residual, out);
    if (profile_on) {
        enum fc_nn_op op = winograd                         ? FC_OP_CONV3_WINO
                           : conv->kh == 1 && conv->kw == 1 ? FC_OP_FC
                           : conv->stride == 1              ? FC_OP_CONV3_S1
                                                            : FC_OP_CONV_STRIDED;
        profile_ns[op] += now_ns() - t0;
    }
}

void fc_conv2d_ref(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out)
{
    check_conv_shapes(conv, in, residual, out);
    const int oh = fc_out_size(in->h, conv->kh, conv->stride, conv->padding);
    const int ow = fc_out_size(in->w, conv->kw, conv->stride, conv->padding);
    const int top = fc_pad_before(in->h, conv->kh, conv->stride, conv->padding);
    const int left = fc_pad_before(in->w, conv->kw, conv->stride, conv->padding);
    for (int img = 0; img < in->n; img++) {
        for (int p = 0; p < oh * ow; p++) {
            const int oy = p / ow, ox = p % ow;
            float *dst = fc_act_at(out, img, oy, ox);
            for (int co = 0; co < conv->cout; co++) {
                float sum = 0.0f;
                for (int ky = 0; ky < conv->kh; ky++) {
                    for (int kx = 0; kx < conv->kw; kx++) {
                        /* reads the zero border when the window hangs over the edge */
                        const float *src = fc_act_at(in, img, oy * conv->stride - top + ky,
                                                     ox * conv->stride - left + kx);
                        for (int ci = 0; ci < conv->cin; ci++)
                            sum += src[ci] *
                                   conv->weights[fc_conv_p16_index(
                                       (uint32_t)conv->kh, (uint32_t)conv->kw, (uint32_t)conv->cin,
                                       (uint32_t)ky, (uint32_t)kx, (uint32_t)ci, (uint32_t)co)];
                    }
                }
                sum += conv->bias[co];
                if (residual && co < residual->c) sum += fc_act_at(residual, img, oy, ox)[co];
                dst[co] = fc_activate(sum, conv->act, conv->leak);
            }
        }
    }
}

/* float32 to bfloat16, nearest even (what VCVTNEPS2BF16 does for finite values). */
static uint16_t to_bf16(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

static double from_bf16(uint16_t v)
{
    const uint32_t bits = (uint32_t)v << 16;
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

void fc_conv_pack_bf16(const fc_conv *conv, uint16_t *out)
{
    assert(conv->kh == 1 && conv->kw == 1 && conv->cin % 2 == 0 && conv->cout % 16 == 0);
    /* per 16 output channels: for each pair of inputs, 16 x (even input, odd input) */
    for (int co = 0; co < conv->cout; co++)
        for (int ci = 0; ci < conv->cin; ci++)
            out[(((size_t)(co / 16) * (conv->cin / 2) + ci / 2) * 16 + co % 16) * 2 + ci % 2] =
                to_bf16(conv->weights[fc_conv_p16_index(1, 1, (uint32_t)conv->cin, 0, 0,
                                                        (uint32_t)ci, (uint32_t)co)]);
}

void fc_conv2d_bf16_ref(const fc_conv *conv, const fc_act *in, const fc_act *residual, fc_act *out)
{
    check_conv_shapes(conv, in, residual, out);
    assert(conv->kh == 1 && conv->kw == 1 && conv->stride == 1);
    for (int img = 0; img < in->n; img++)
        for (int y = 0; y < in->h; y++)
            for (int x = 0; x < in->w; x++) {
                const float *src = fc_act_at(in, img, y, x);
                float *dst = fc_act_at(out, img, y, x);
                for (int co = 0; co < conv->cout; co++) {
                    double sum = 0.0;
                    for (int ci = 0; ci < conv->cin; ci++)
                        sum += from_bf16(to_bf16(src[ci])) *
                               from_bf16(to_bf16(conv->weights[fc_conv_p16_index(
                                   1, 1, (uint32_t)conv->cin, 0, 0, (uint32_t)ci, (uint32_t)co)]));
                    float v = (float)sum + conv->bias[co];
                    if (residual && co < residual->c) v += fc_act_at(residual, img, y, x)[co];
                    dst[co] = fc_activate(v, conv->act, conv->leak);
                }
            }
}

static void check_dwconv_shapes(const fc_dwconv *conv, const fc_act *in, const fc_act *out)
{
    assert(in->c == conv->c && out->c == conv->c && out->n == in->n);
    assert(border_fits(in, conv->k, conv->k, conv->stride, conv->padding));
    assert(out->h == fc_out_size(in->h, conv->k, conv->stride, conv->padding));
    assert(out->w == fc_out_size(in->w, conv->k, conv->stride, conv->padding));
    (void)conv, (void)in, (void)out;
}

void fc_dwconv2d(const fc_dwconv *conv, const fc_act *in, fc_act *out)
{
    pthread_once(&kernels_once, choose_kernels);
    check_dwconv_shapes(conv, in, out);
    double t0 = profile_on ? now_ns() : 0.0;
    if (conv->c % 8 == 0)
        kernels.dwconv(conv, in, out);
    else
        fc_dwconv2d_ref(conv, in, out);
    if (profile_on) profile_ns[FC_OP_DEPTHWISE] += now_ns() - t0;
}

void fc_separable2d(const fc_dwconv *dw, const fc_conv *pw, const fc_act *in, fc_act *mid,
                    const fc_act *residual, fc_act *out)
{
    pthread_once(&kernels_once, choose_kernels);
    assert(pw->kh == 1 && pw->kw == 1 && pw->stride == 1);
    if (kernels.conv != fc_conv2d_avx2 || dw->k != 3 || dw->c % 8 != 0) {
        fc_dwconv2d(dw, in, mid);
        fc_conv2d(pw, mid, residual, out);
        return;
    }
    check_dwconv_shapes(dw, in, mid);
    check_conv_shapes(pw, mid, residual, out);
    double t0 = profile_on ? now_ns() : 0.0;
    fc_separable2d_avx2(dw, pw, in, mid, residual, out,
                        use_bf16(pw) ? fc_conv2d_bf16_avx512 : fc_conv2d_avx2);
    if (profile_on) profile_ns[FC_OP_SEPARABLE] += now_ns() - t0;
}

void fc_dwconv2d_ref(const fc_dwconv *conv, const fc_act *in, fc_act *out)
{
    check_dwconv_shapes(conv, in, out);
    const int top = fc_pad_before(in->h, conv->k, conv->stride, conv->padding);
    const int left = fc_pad_before(in->w, conv->k, conv->stride, conv->padding);
    for (int img = 0; img < in->n; img++) {
        for (int p = 0; p < out->h * out->w; p++) {
            const int oy = p / out->w, ox = p % out->w;
            float *dst = fc_act_at(out, img, oy, ox);
            for (int ch = 0; ch < conv->c; ch++) {
                float sum = 0.0f;
                for (int ky = 0; ky < conv->k; ky++)
                    for (int kx = 0; kx < conv->k; kx++)
                        sum += fc_act_at(in, img, oy * conv->stride - top + ky,
                                         ox * conv->stride - left + kx)[ch] *
                               conv->weights[((size_t)ky * conv->k + kx) * conv->c + ch];
                dst[ch] =
                    fc_activate(sum + (conv->bias ? conv->bias[ch] : 0.0f), conv->act, conv->leak);
            }
        }
    }
}

/* Pooling is a small share of the work: one plain loop serves both kinds. The window is
 * clipped to the image, so padded cells never count. */
static void pool(const fc_act *in, int k, int stride, enum fc_padding padding, fc_act *out,
                 int is_max)
{
    assert(out->c == in->c && out->n == in->n);
    assert(out->h == fc_out_size(in->h, k, stride, padding));
    assert(out->w == fc_out_size(in->w, k, stride, padding));
    double t0 = profile_on ? now_ns() : 0.0;
    const int c = in->c;
    const int top = fc_pad_before(in->h, k, stride, padding);
    const int left = fc_pad_before(in->w, k, stride, padding);
    for (int img = 0; img < in->n; img++) {
        for (int p = 0; p < out->h * out->w; p++) {
            const int oy = p / out->w, ox = p % out->w;
            const int y0 = oy * stride - top, x0 = ox * stride - left;
            const int ya = y0 < 0 ? 0 : y0, yb = y0 + k > in->h ? in->h : y0 + k;
            const int xa = x0 < 0 ? 0 : x0, xb = x0 + k > in->w ? in->w : x0 + k;
            float *dst = fc_act_at(out, img, oy, ox);
            for (int ch = 0; ch < c; ch++) dst[ch] = is_max ? -FLT_MAX : 0.0f;
            for (int y = ya; y < yb; y++) {
                for (int x = xa; x < xb; x++) {
                    const float *src = fc_act_at(in, img, y, x);
                    if (is_max)
                        for (int ch = 0; ch < c; ch++)
                            dst[ch] = src[ch] > dst[ch] ? src[ch] : dst[ch];
                    else
                        for (int ch = 0; ch < c; ch++) dst[ch] += src[ch];
                }
            }
            if (!is_max) {
                const float inv = 1.0f / (float)((yb - ya) * (xb - xa));
                for (int ch = 0; ch < c; ch++) dst[ch] *= inv;
            }
        }
    }
    if (profile_on) profile_ns[FC_OP_POOL] += now_ns() - t0;
}

void fc_maxpool(const fc_act *in, int k, int stride, enum fc_padding padding, fc_act *out)
{
    pool(in, k, stride, padding, out, 1);
}

void fc_avgpool(const fc_act *in, int k, int stride, enum fc_padding padding, fc_act *out)
{
    pool(in, k, stride, padding, out, 0);
}

void fc_act_clear_border(fc_act *t)
{
    const int b = t->border, pitch = t->w + 2 * b;
    if (b == 0) return;
    for (int img = 0; img < t->n; img++) {
        for (int y = -b; y < t->h + b; y++) {
            float *row = fc_act_at(t, img, y, -b);
            if (y < 0 || y >= t->h) {
                memset(row, 0, (size_t)pitch * t->c * sizeof(float));
            } else {
                memset(row, 0, (size_t)b * t->c * sizeof(float));
                memset(row + (size_t)(b + t->w) * t->c, 0, (size_t)b * t->c * sizeof(float));
            }
        }
    }
}

void fc_relu(const fc_act *in, fc_act *out)
{
    assert(in->n == out->n && in->h == out->h && in->w == out->w && in->c == out->c);
    for (int img = 0; img < in->n; img++)
        for (int y = 0; y < in->h; y++) {
            const float *src = fc_act_at(in, img, y, 0);
            float *dst = fc_act_at(out, img, y, 0);
            for (int i = 0; i < in->w * in->c; i++) dst[i] = src[i] > 0.0f ? src[i] : 0.0f;
        }
}

void fc_global_avgpool(const fc_act *in, float *out)
{
    const float inv = 1.0f / (float)(in->h * in->w);
    for (int img = 0; img < in->n; img++, out += in->c) {
        for (int ch = 0; ch < in->c; ch++) out[ch] = 0.0f;
        for (int y = 0; y < in->h; y++)
            for (int x = 0; x < in->w; x++) {
                const float *src = fc_act_at(in, img, y, x);
                for (int ch = 0; ch < in->c; ch++) out[ch] += src[ch];
            }
        for (int ch = 0; ch < in->c; ch++) out[ch] *= inv;
    }
}

void fc_wino_weights(const float *hwio, int cin, int cout, float *out)
{
    static const double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    for (int ci = 0; ci < cin; ci++) {
        for (int co = 0; co < cout; co++) {
            double g[3][3], gg[4][3];
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                    g[ky][kx] = hwio[(((size_t)ky * 3 + kx) * cin + ci) * cout + co];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++)
                    gg[i][j] = G[i][0] * g[0][j] + G[i][1] * g[1][j] + G[i][2] * g[2][j];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    out[fc_wino_p16_index((uint32_t)cin, (uint32_t)cout, (uint32_t)(4 * i + j),
                                          (uint32_t)ci, (uint32_t)co)] =
                        (float)(gg[i][0] * G[j][0] + gg[i][1] * G[j][1] + gg[i][2] * G[j][2]);
        }
    }
}

void fc_conv_pack_p16(const float *hwio, int kh, int kw, int cin, int cout, float *out)
{
    for (int ky = 0; ky < kh; ky++)
        for (int kx = 0; kx < kw; kx++)
            for (int ci = 0; ci < cin; ci++)
                for (int co = 0; co < cout; co++)
                    out[fc_conv_p16_index((uint32_t)kh, (uint32_t)kw, (uint32_t)cin, (uint32_t)ky,
                                          (uint32_t)kx, (uint32_t)ci, (uint32_t)co)] =
                        hwio[(((size_t)ky * kw + kx) * cin + ci) * cout + co];
}

size_t fc_rows_packed_floats(int n, int k)
{
    return (size_t)(n + FC_GEMM_NR - 1) / FC_GEMM_NR * FC_GEMM_NR * (size_t)k;
}

/* Panel p holds vectors 16p..16p+15 as a k x 16 matrix: the micro-kernel's B. */
void fc_rows_pack(const float *b, size_t ldb, int n, int k, float *packed)
{
    const int panels = (n + FC_GEMM_NR - 1) / FC_GEMM_NR;
    for (int p = 0; p < panels; p++)
        for (int d = 0; d < k; d++)
            for (int j = 0; j < FC_GEMM_NR; j++) {
                const int v = p * FC_GEMM_NR + j;
                packed[((size_t)p * k + d) * FC_GEMM_NR + j] = v < n ? b[(size_t)v * ldb + d] : 0;
            }
}

void fc_rows_dot_ref(const float *a, size_t lda, int m, int k, const float *packed, int n,
                     float *out, size_t ldo)
{
    const int columns = (n + FC_GEMM_NR - 1) / FC_GEMM_NR * FC_GEMM_NR;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < columns; j++) {
            const float *panel = packed + (size_t)(j / FC_GEMM_NR) * k * FC_GEMM_NR;
            float sum = 0;
            for (int d = 0; d < k; d++)
                sum += a[(size_t)i * lda + d] * panel[d * FC_GEMM_NR + j % FC_GEMM_NR];
            out[(size_t)i * ldo + j] = sum;
        }
}

void fc_rows_dot(const float *a, size_t lda, int m, int k, const float *packed, int n, float *out,
                 size_t ldo)
{
    pthread_once(&kernels_once, choose_kernels);
    kernels.rows_dot(a, lda, m, k, packed, n, out, ldo);
}

float *fc_arena_new(size_t floats)
{
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    float *arena = aligned_alloc(64, bytes ? bytes : 64);
    if (arena) memset(arena, 0, bytes);
    return arena;
}
