/* The engine's kernels: each optimised kernel against its plain reference, and each
 * reference against a naive computation over unpacked weights (so the packing, the
 * padding rule and the activations are checked too). Every case runs on a batch of two
 * images, which the kernels must keep apart. */
#include "tests/harness.h"

#include "core/nn/model.h"
#include "core/nn/nn.h"
#include "core/nn/nn_internal.h"

#include <stdint.h>

#define BATCH 2

static int have_avx2(void)
{
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static float *alloc_floats(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (p) memset(p, 0, n * sizeof(float));
    return p;
}

/* A tensor of BATCH images with its interior random (the border stays zero). */
static fc_act make_act(int h, int w, int c, int border, unsigned *seed)
{
    fc_act t = {BATCH, h, w, c, border, alloc_floats(BATCH * fc_act_floats(h, w, c, border))};
    for (int img = 0; img < BATCH; img++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    fc_act_at(&t, img, y, x)[ch] = seed ? 2.0f * harness_random(seed) : 7.0f;
    return t;
}

/* Fills a whole tensor (border too) with a sentinel, to see what a kernel leaves alone. */
static void fill_sentinel(fc_act *t)
{
    size_t n = BATCH * fc_act_floats(t->h, t->w, t->c, t->border);
    for (size_t i = 0; i < n; i++) t->base[i] = 7.0f;
}

static double max_diff(const fc_act *a, const fc_act *b)
{
    size_t n = BATCH * fc_act_floats(a->h, a->w, a->c, a->border);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a->base[i] - b->base[i]);
        if (d > worst || d != d) worst = d != d ? INFINITY : d;
    }
    return worst;
}

/* The input value a tap reads, zero in the padding: the definition, not the border. */
static double tap(const fc_act *in, int img, int y, int x, int ch)
{
    if (y < 0 || x < 0 || y >= in->h || x >= in->w) return 0.0;
    return fc_act_at(in, img, y, x)[ch];
}

typedef struct {
    int h, w, cin, cout, k, stride;
    enum fc_padding padding;
    int res_c;
    enum fc_activation act;
} conv_case;

static double naive_conv(const conv_case *cc, const float *hwio, const float *bias,
                         const fc_act *in, const fc_act *res, int img, int oy, int ox, int co)
{
    const int top = fc_pad_before(cc->h, cc->k, cc->stride, cc->padding);
    const int left = fc_pad_before(cc->w, cc->k, cc->stride, cc->padding);
    double sum = bias[co];
    for (int ky = 0; ky < cc->k; ky++)
        for (int kx = 0; kx < cc->k; kx++)
            for (int ci = 0; ci < cc->cin; ci++)
                sum += tap(in, img, oy * cc->stride - top + ky, ox * cc->stride - left + kx, ci) *
                       hwio[(((size_t)ky * cc->k + kx) * cc->cin + ci) * cc->cout + co];
    if (res && co < res->c) sum += fc_act_at(res, img, oy, ox)[co];
    return fc_activate((float)sum, cc->act, 0.1f);
}

static void run_conv_case(const conv_case *cc)
{
    unsigned seed = 12345u + (unsigned)(cc->h * 131 + cc->cin * 7 + cc->k + cc->act);
    const int oh = fc_out_size(cc->h, cc->k, cc->stride, cc->padding);
    const int ow = fc_out_size(cc->w, cc->k, cc->stride, cc->padding);
    const size_t nw = (size_t)cc->k * cc->k * cc->cin * cc->cout;
    float *hwio = alloc_floats(nw), *packed = alloc_floats(nw), *bias = alloc_floats(cc->cout);
    for (size_t i = 0; i < nw; i++) hwio[i] = harness_random(&seed) * 0.2f;
    for (int ky = 0; ky < cc->k; ky++)
        for (int kx = 0; kx < cc->k; kx++)
            for (int ci = 0; ci < cc->cin; ci++)
                for (int co = 0; co < cc->cout; co++)
                    packed[fc_conv_p16_index(cc->k, cc->k, cc->cin, ky, kx, ci, co)] =
                        hwio[(((size_t)ky * cc->k + kx) * cc->cin + ci) * cc->cout + co];
    for (int co = 0; co < cc->cout; co++) bias[co] = harness_random(&seed);
    fc_conv conv = {.kh = cc->k,
                    .kw = cc->k,
                    .cin = cc->cin,
                    .cout = cc->cout,
                    .stride = cc->stride,
                    .padding = cc->padding,
                    .act = cc->act,
                    .leak = 0.1f,
                    .weights = packed,
                    .bias = bias};
    const int winograd = cc->k == 3 && cc->stride == 1 && cc->padding == FC_PAD_SAME;

    /* border 2 covers every padding here, and Winograd's odd-size last tile */
    fc_act in = make_act(cc->h, cc->w, cc->cin, 2, &seed);
    /* outputs one pixel larger than computed, to see that the rest is left alone */
    fc_act ref = make_act(oh + 1, ow + 1, cc->cout, 1, NULL), fast = ref;
    fast.base = alloc_floats(BATCH * fc_act_floats(oh + 1, ow + 1, cc->cout, 1));
    fc_act res = {0};
    if (cc->res_c) res = make_act(oh, ow, cc->res_c, 0, &seed);
    const fc_act *resp = cc->res_c ? &res : NULL;

    fill_sentinel(&ref);
    fc_conv2d_ref(&conv, &in, resp, &ref);
    double worst_ref = 0.0;
    for (int img = 0; img < BATCH; img++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int co = 0; co < cc->cout; co++) {
                    double want = naive_conv(cc, hwio, bias, &in, resp, img, y, x, co);
                    double d = fabs(want - fc_act_at(&ref, img, y, x)[co]);
                    if (d > worst_ref) worst_ref = d;
                }
    CHECK_MSG(worst_ref < 1e-4, "reference vs naive: %g (%dx%d k=%d s=%d cin=%d)", worst_ref, cc->h,
              cc->w, cc->k, cc->stride, cc->cin);
    CHECK(fc_act_at(&ref, BATCH - 1, oh, ow)[0] == 7.0f);

    if (have_avx2()) {
        fill_sentinel(&fast);
        fc_conv2d_avx2(&conv, &in, resp, &fast);
        double worst = max_diff(&ref, &fast);
        CHECK_MSG(worst < 1e-5, "avx2 vs reference: %g (%dx%d k=%d s=%d cin=%d cout=%d)", worst,
                  cc->h, cc->w, cc->k, cc->stride, cc->cin, cc->cout);
        if (winograd) {
            fc_conv wconv = conv;
            wconv.wino = alloc_floats((size_t)16 * cc->cin * cc->cout);
            wconv.scratch = alloc_floats(fc_wino_scratch_floats());
            fc_wino_weights(hwio, cc->cin, cc->cout, (float *)wconv.wino);
            fill_sentinel(&fast);
            fc_conv2d_wino_avx2(&wconv, &in, resp, &fast);
            worst = max_diff(&ref, &fast);
            CHECK_MSG(worst < 1e-4, "winograd vs reference: %g (%dx%d cin=%d cout=%d)", worst,
                      cc->h, cc->w, cc->cin, cc->cout);
            free((float *)wconv.wino);
            free(wconv.scratch);
        }
    }
    free(hwio);
    free(packed);
    free(bias);
    free(in.base);
    free(ref.base);
    free(fast.base);
    free(res.base);
}

static void test_conv(void)
{
    static const conv_case cases[] = {
        /* h   w  cin cout k s pad res act */
        {7, 9, 32, 32, 3, 1, FC_PAD_SAME, 32, FC_ACT_RELU},    /* residual block conv2 */
        {5, 5, 16, 32, 3, 1, FC_PAD_SAME, 16, FC_ACT_RELU},    /* shortcut, fewer channels */
        {1, 1, 48, 16, 3, 1, FC_PAD_SAME, 0, FC_ACT_NONE},     /* 1x1 image: only the centre */
        {9, 9, 16, 32, 3, 2, FC_PAD_VALID, 0, FC_ACT_RELU},    /* down-sampling conv1 */
        {8, 8, 16, 16, 3, 2, FC_PAD_VALID, 0, FC_ACT_RELU6},   /* even size, stride 2 */
        {8, 6, 16, 16, 3, 2, FC_PAD_SAME, 0, FC_ACT_RELU6},    /* 'same' /2, even: pad after */
        {7, 7, 8, 32, 3, 2, FC_PAD_SAME, 0, FC_ACT_LEAKY},     /* 'same' /2, odd: both sides */
        {23, 23, 3, 16, 7, 2, FC_PAD_VALID, 0, FC_ACT_RELU},   /* the stem: 7x7/2 on RGB */
        {1, 1, 64, 32, 1, 1, FC_PAD_VALID, 0, FC_ACT_NONE},    /* fully connected as 1x1 */
        {6, 5, 24, 32, 1, 1, FC_PAD_SAME, 0, FC_ACT_RELU6},    /* pointwise */
        {13, 3, 8, 48, 3, 1, FC_PAD_SAME, 0, FC_ACT_LEAKY},    /* tall, 3 panels, leaky */
        {35, 35, 32, 32, 3, 1, FC_PAD_SAME, 32, FC_ACT_RELU},  /* first stage: tile blocks */
        {4, 4, 256, 256, 3, 1, FC_PAD_SAME, 256, FC_ACT_RELU}, /* last stage, wide */
        {17, 17, 32, 64, 3, 1, FC_PAD_SAME, 32, FC_ACT_RELU},  /* odd size, short shortcut */
        {9, 7, 600, 32, 1, 1, FC_PAD_SAME, 32, FC_ACT_RELU6},  /* long K: chunks, partial last */
        {4, 4, 512, 48, 1, 1, FC_PAD_SAME, 0, FC_ACT_LEAKY},   /* long K: two whole chunks */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_conv_case(&cases[i]);
}

typedef struct {
    int h, w, c, k, stride;
    enum fc_padding padding;
    enum fc_activation act;
} dw_case;

static void run_dw_case(const dw_case *dc)
{
    unsigned seed = 777u + (unsigned)(dc->h * 31 + dc->c + dc->stride);
    const int oh = fc_out_size(dc->h, dc->k, dc->stride, dc->padding);
    const int ow = fc_out_size(dc->w, dc->k, dc->stride, dc->padding);
    const int top = fc_pad_before(dc->h, dc->k, dc->stride, dc->padding);
    const int left = fc_pad_before(dc->w, dc->k, dc->stride, dc->padding);
    float *w = alloc_floats((size_t)dc->k * dc->k * dc->c), *bias = alloc_floats(dc->c);
    for (int i = 0; i < dc->k * dc->k * dc->c; i++) w[i] = harness_random(&seed) * 0.5f;
    for (int i = 0; i < dc->c; i++) bias[i] = harness_random(&seed);
    fc_dwconv conv = {dc->k, dc->c, dc->stride, dc->padding, dc->act, 0.1f, w, bias};
    fc_act in = make_act(dc->h, dc->w, dc->c, 2, &seed);
    fc_act ref = make_act(oh, ow, dc->c, 1, NULL), fast = ref;
    fast.base = alloc_floats(BATCH * fc_act_floats(oh, ow, dc->c, 1));
    fc_dwconv2d_ref(&conv, &in, &ref);
    double worst_ref = 0.0;
    for (int img = 0; img < BATCH; img++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int ch = 0; ch < dc->c; ch++) {
                    double sum = bias[ch];
                    for (int ky = 0; ky < dc->k; ky++)
                        for (int kx = 0; kx < dc->k; kx++)
                            sum += tap(&in, img, y * dc->stride - top + ky,
                                       x * dc->stride - left + kx, ch) *
                                   w[((size_t)ky * dc->k + kx) * dc->c + ch];
                    double want = fc_activate((float)sum, dc->act, 0.1f);
                    double d = fabs(want - fc_act_at(&ref, img, y, x)[ch]);
                    if (d > worst_ref) worst_ref = d;
                }
    CHECK_MSG(worst_ref < 1e-5, "depthwise reference vs naive: %g (%dx%d s=%d)", worst_ref, dc->h,
              dc->w, dc->stride);
    if (have_avx2() && dc->c % 8 == 0) {
        fc_dwconv2d_avx2(&conv, &in, &fast);
        double worst = max_diff(&ref, &fast);
        CHECK_MSG(worst < 1e-5, "depthwise avx2 vs reference: %g (%dx%d s=%d c=%d)", worst, dc->h,
                  dc->w, dc->stride, dc->c);
    }
    /* the dispatcher takes any channel count */
    memset(fast.base, 0, BATCH * fc_act_floats(oh, ow, dc->c, 1) * sizeof(float));
    fc_dwconv2d(&conv, &in, &fast);
    CHECK(max_diff(&ref, &fast) < 1e-5);
    free(w);
    free(bias);
    free(in.base);
    free(ref.base);
    free(fast.base);
}

static void test_depthwise(void)
{
    static const dw_case cases[] = {
        {9, 7, 32, 3, 1, FC_PAD_SAME, FC_ACT_RELU6},  {10, 10, 16, 3, 2, FC_PAD_SAME, FC_ACT_RELU6},
        {9, 9, 8, 3, 2, FC_PAD_SAME, FC_ACT_LEAKY},   {6, 8, 24, 3, 1, FC_PAD_VALID, FC_ACT_NONE},
        {5, 5, 12, 3, 1, FC_PAD_SAME, FC_ACT_RELU}, /* 12: not a multiple of 8 */
        {3, 70, 16, 3, 1, FC_PAD_SAME, FC_ACT_RELU6}, {4, 67, 8, 3, 2, FC_PAD_SAME, FC_ACT_LEAKY},
        /* wide rows: tiles of 32 pixels, the last one short */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_dw_case(&cases[i]);
}

/* fc_separable2d against the two layers run apart (fc_dwconv2d into a tensor, fc_conv2d
 * from it): the same bits, whatever strips of rows it takes. Shapes: several strips with
 * a short last one, rows wider than a strip, stride 2, a residual with fewer channels
 * (border 1 and border 0), channels the depthwise AVX2 kernel cannot take. */
typedef struct {
    int h, w, c, cout, stride, res_c, res_border;
} sep_case;

static void run_separable_case(const sep_case *sc)
{
    unsigned seed = 4242u + (unsigned)(sc->h * 17 + sc->w + sc->c);
    const int oh = fc_out_size(sc->h, 3, sc->stride, FC_PAD_SAME);
    const int ow = fc_out_size(sc->w, 3, sc->stride, FC_PAD_SAME);
    float *dw_w = alloc_floats((size_t)9 * sc->c), *dw_b = alloc_floats(sc->c);
    float *pw_w = alloc_floats((size_t)sc->c * sc->cout), *pw_b = alloc_floats(sc->cout);
    for (int i = 0; i < 9 * sc->c; i++) dw_w[i] = harness_random(&seed) * 0.5f;
    for (int i = 0; i < sc->c; i++) dw_b[i] = harness_random(&seed);
    for (int i = 0; i < sc->c * sc->cout; i++) pw_w[i] = harness_random(&seed) * 0.2f;
    for (int i = 0; i < sc->cout; i++) pw_b[i] = harness_random(&seed);
    const fc_dwconv dw = {3, sc->c, sc->stride, FC_PAD_SAME, FC_ACT_RELU6, 0.0f, dw_w, dw_b};
    const fc_conv pw = {.kh = 1,
                        .kw = 1,
                        .cin = sc->c,
                        .cout = sc->cout,
                        .stride = 1,
                        .padding = FC_PAD_SAME,
                        .act = FC_ACT_RELU6,
                        .weights = pw_w,
                        .bias = pw_b};
    fc_act in = make_act(sc->h, sc->w, sc->c, 1, &seed);
    fc_act mid = make_act(oh, ow, sc->c, 1, NULL), apart = make_act(oh, ow, sc->cout, 1, NULL);
    fc_act mid2 = make_act(oh, ow, sc->c, 1, NULL), fused = make_act(oh, ow, sc->cout, 1, NULL);
    fc_act res = {0};
    if (sc->res_c) res = make_act(oh, ow, sc->res_c, sc->res_border, &seed);
    fill_sentinel(&apart);
    fill_sentinel(&fused);
    fc_dwconv2d(&dw, &in, &mid);
    fc_conv2d(&pw, &mid, sc->res_c ? &res : NULL, &apart);
    fc_separable2d(&dw, &pw, &in, &mid2, sc->res_c ? &res : NULL, &fused);
    const size_t bytes = BATCH * fc_act_floats(oh, ow, sc->cout, 1) * sizeof(float);
    CHECK_MSG(memcmp(apart.base, fused.base, bytes) == 0,
              "separable %dx%d c=%d>%d s=%d res=%d: differs from the layers apart (%g)", sc->h,
              sc->w, sc->c, sc->cout, sc->stride, sc->res_c, max_diff(&apart, &fused));
    free(dw_w), free(dw_b), free(pw_w), free(pw_b);
    free(in.base), free(mid.base), free(mid2.base), free(apart.base), free(fused.base);
    free(res.base);
}

static void test_separable(void)
{
    static const sep_case cases[] = {
        {45, 67, 32, 64, 1, 0, 0},  /* 67 x 32 floats a row: strips of 7 rows, the last short */
        {40, 67, 64, 32, 2, 0, 0},  /* stride 2, an odd output width */
        {9, 600, 32, 32, 1, 16, 1}, /* a row wider than a strip; a residual of 16 channels */
        {14, 14, 128, 128, 1, 128, 0}, {7, 7, 256, 256, 1, 256, 1},
        {8, 9, 12, 16, 1, 0, 0}, /* 12 channels: the layers apart, by the dispatcher */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_separable_case(&cases[i]);
}

static int have_bf16(void)
{
#if defined(__x86_64__)
    return have_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

/* The bfloat16 pointwise kernel against its plain reference (the same roundings, products
 * summed in double), and that reference against float32: what the rounding costs. Shapes:
 * more rows than a block (cin 32: 2048), a short last group of 6, a residual of fewer
 * channels, both images of the batch. */
typedef struct {
    int h, w, cin, cout, res_c;
    enum fc_activation act;
} bf16_case;

static void run_bf16_case(const bf16_case *bc)
{
    unsigned seed = 99u + (unsigned)(bc->h * 7 + bc->cin + bc->cout);
    float *w = alloc_floats((size_t)bc->cin * bc->cout), *bias = alloc_floats(bc->cout);
    uint16_t *packed = malloc((size_t)bc->cin * bc->cout * sizeof *packed);
    float *scratch = alloc_floats(FC_BF16_SCRATCH_FLOATS);
    for (int i = 0; i < bc->cin * bc->cout; i++) w[i] = harness_random(&seed) * 0.2f;
    for (int i = 0; i < bc->cout; i++) bias[i] = harness_random(&seed);
    fc_conv conv = {.kh = 1,
                    .kw = 1,
                    .cin = bc->cin,
                    .cout = bc->cout,
                    .stride = 1,
                    .padding = FC_PAD_SAME,
                    .act = bc->act,
                    .leak = 0.1f,
                    .weights = w,
                    .bias = bias,
                    .scratch = scratch};
    fc_conv_pack_bf16(&conv, packed);
    conv.bf16 = packed;
    fc_act in = make_act(bc->h, bc->w, bc->cin, 1, &seed);
    fc_act res = {0};
    if (bc->res_c) res = make_act(bc->h, bc->w, bc->res_c, 0, &seed);
    fc_act f32 = make_act(bc->h, bc->w, bc->cout, 1, NULL), ref = f32, fast = f32;
    ref.base = alloc_floats(BATCH * fc_act_floats(bc->h, bc->w, bc->cout, 1));
    fast.base = alloc_floats(BATCH * fc_act_floats(bc->h, bc->w, bc->cout, 1));
    fill_sentinel(&f32);
    fill_sentinel(&ref);
    fill_sentinel(&fast);
    fc_conv2d_ref(&conv, &in, bc->res_c ? &res : NULL, &f32);
    fc_conv2d_bf16_ref(&conv, &in, bc->res_c ? &res : NULL, &ref);
    /* inputs in [-1, 1], weights in [-0.2, 0.2]: rounding both to 8 bits of mantissa moves
     * a sum of cin products by about sqrt(cin) * 0.2 * 2^-8 */
    const double rounding = max_diff(&f32, &ref);
    CHECK_MSG(rounding > 0 && rounding < 0.01 * sqrt(bc->cin),
              "bf16 reference vs float32: %g (cin %d)", rounding, bc->cin);
    if (have_bf16()) {
        fc_conv2d_bf16_avx512(&conv, &in, bc->res_c ? &res : NULL, &fast);
        const double worst = max_diff(&ref, &fast);
        CHECK_MSG(worst < 1e-4, "bf16 avx512 vs its reference: %g (%dx%d %d>%d res %d)", worst,
                  bc->h, bc->w, bc->cin, bc->cout, bc->res_c);
    }
    free(w), free(bias), free(packed), free(scratch);
    free(in.base), free(res.base), free(f32.base), free(ref.base), free(fast.base);
}

static void test_bf16(void)
{
    static const bf16_case cases[] = {
        {50, 45, 32, 64, 0, FC_ACT_RELU6}, /* 2250 rows a image: two blocks */
        {7, 5, 64, 32, 16, FC_ACT_LEAKY},  /* 35 rows: a short last 6; residual of 16 */
        {13, 16, 512, 48, 48, FC_ACT_NONE},
        {3, 3, 1024, 16, 0, FC_ACT_RELU},
    };
    if (!have_bf16()) fprintf(stderr, "no AVX-512 BF16: only the bf16 reference is checked\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_bf16_case(&cases[i]);
}

/* fc_rows_dot against plain double sums, ragged shapes: a last panel of 5 vectors, a last
 * block of rows short of the micro-kernel's 6, rows at a stride wider than k. */
static void test_rows_dot(void)
{
    static const int shapes[][3] = {{1, 1, 128}, {7, 21, 128}, {13, 48, 64}, {30, 3, 5}};
    unsigned seed = 4242u;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2], lda = k + 3;
        const int ldo = (n + 15) / 16 * 16 + 1;
        float *a = alloc_floats((size_t)m * lda), *b = alloc_floats((size_t)n * k);
        float *packed = alloc_floats(fc_rows_packed_floats(n, k));
        float *out = alloc_floats((size_t)m * ldo), *ref = alloc_floats((size_t)m * ldo);
        for (int i = 0; i < m * lda; i++) a[i] = harness_random(&seed);
        for (int i = 0; i < n * k; i++) b[i] = harness_random(&seed);
        fc_rows_pack(b, (size_t)k, n, k, packed);
        fc_rows_dot(a, (size_t)lda, m, k, packed, n, out, (size_t)ldo);
        fc_rows_dot_ref(a, (size_t)lda, m, k, packed, n, ref, (size_t)ldo);
        double worst = 0, worst_ref = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < (n + 15) / 16 * 16; j++) {
                double want = 0;
                for (int d = 0; j < n && d < k; d++) want += (double)a[i * lda + d] * b[j * k + d];
                worst = fmax(worst, fabs(want - out[i * ldo + j]));
                worst_ref = fmax(worst_ref, fabs(want - ref[i * ldo + j]));
            }
        CHECK_MSG(worst < 1e-4 && worst_ref < 1e-4, "rows_dot %dx%dx%d: %g, reference %g", m, n, k,
                  worst, worst_ref);
        free(a), free(b), free(packed), free(out), free(ref);
    }
}

static void test_activations(void)
{
    CHECK(fc_activate(-2.0f, FC_ACT_NONE, 0.1f) == -2.0f);
    CHECK(fc_activate(-2.0f, FC_ACT_RELU, 0.1f) == 0.0f);
    CHECK(fc_activate(3.0f, FC_ACT_RELU, 0.1f) == 3.0f);
    CHECK(fc_activate(7.5f, FC_ACT_RELU6, 0.1f) == 6.0f);
    CHECK(fc_activate(-1.0f, FC_ACT_RELU6, 0.1f) == 0.0f);
    CHECK(fabsf(fc_activate(-2.0f, FC_ACT_LEAKY, 0.1f) + 0.2f) < 1e-7f);
    CHECK(fc_activate(2.0f, FC_ACT_LEAKY, 0.1f) == 2.0f);
}

static void test_padding_rule(void)
{
    /* TensorFlow's 'same': ceil(in / stride) outputs, the odd padding pixel after */
    CHECK(fc_out_size(150, 3, 2, FC_PAD_SAME) == 75);
    CHECK(fc_pad_before(150, 3, 2, FC_PAD_SAME) == 0 && fc_pad_after(150, 3, 2, FC_PAD_SAME) == 1);
    CHECK(fc_out_size(75, 3, 2, FC_PAD_SAME) == 38);
    CHECK(fc_pad_before(75, 3, 2, FC_PAD_SAME) == 1 && fc_pad_after(75, 3, 2, FC_PAD_SAME) == 1);
    CHECK(fc_pad_before(35, 3, 1, FC_PAD_SAME) == 1 && fc_pad_after(35, 3, 1, FC_PAD_SAME) == 1);
    CHECK(fc_out_size(150, 7, 2, FC_PAD_VALID) == 72 &&
          fc_pad_before(150, 7, 2, FC_PAD_VALID) == 0);
    CHECK(fc_out_size(4, 2, 2, FC_PAD_SAME) == 2 && fc_pad_after(4, 2, 2, FC_PAD_SAME) == 0);
}

static void test_pooling(void)
{
    /* 4x4 ramp: values y*4+x, every other channel negated, 16 channels */
    float in_data[4 * 4 * 16], max_data[16], avg_data[2 * 2 * 16], same_data[2 * 2 * 16];
    for (int p = 0; p < 16; p++)
        for (int c = 0; c < 16; c++) in_data[p * 16 + c] = (float)p * (c % 2 ? -1.0f : 1.0f);
    fc_act in = {1, 4, 4, 16, 0, in_data}, mx = {1, 1, 1, 16, 0, max_data};
    fc_act av = {1, 2, 2, 16, 0, avg_data}, same = {1, 2, 2, 16, 0, same_data};
    fc_maxpool(&in, 3, 2, FC_PAD_VALID, &mx);
    CHECK(max_data[0] == 10.0f); /* window rows 0-2, cols 0-2: max is 2*4+2 */
    CHECK(max_data[1] == 0.0f);  /* negated channel: max of -p is -0 */
    fc_avgpool(&in, 2, 2, FC_PAD_VALID, &av);
    CHECK(fabsf(avg_data[0] - 2.5f) < 1e-6f);       /* (0+1+4+5)/4 */
    CHECK(fabsf(avg_data[3 * 16] - 12.5f) < 1e-6f); /* (10+11+14+15)/4 */
    CHECK(fabsf(avg_data[3 * 16 + 1] + 12.5f) < 1e-6f);
    /* 'same' 3x3/2 on 4x4: pad 0 before, 1 after; padded cells take no part */
    fc_maxpool(&in, 3, 2, FC_PAD_SAME, &same);
    CHECK(same_data[1 * 16 + 1] == -2.0f); /* rows 0-2, cols 2-3: max of -p is -2 */
    fc_avgpool(&in, 3, 2, FC_PAD_SAME, &same);
    CHECK(fabsf(same_data[3 * 16] - 12.5f) < 1e-6f); /* rows 2-3, cols 2-3 only */
    float mean[16];
    fc_global_avgpool(&in, mean);
    CHECK(fabsf(mean[0] - 7.5f) < 1e-6f && fabsf(mean[1] + 7.5f) < 1e-6f);
}

int main(void)
{
    fprintf(stderr, "kernel in use: %s%s\n", fc_nn_kernel_name(),
            have_avx2() ? "" : " (no AVX2+FMA: only the references are checked)");
    RUN(test_activations);
    RUN(test_rows_dot);
    RUN(test_padding_rule);
    RUN(test_conv);
    RUN(test_depthwise);
    RUN(test_separable);
    RUN(test_bf16);
    RUN(test_pooling);
    return harness_exit();
}
