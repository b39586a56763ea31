/* The engine's kernels: the AVX2 convolution against the plain reference, the reference
 * against a naive convolution over unpacked HWIO weights (so the packing is checked too),
 * and the pooling rules. */
#include "harness.h"

#include "../core/model.h"
#include "../core/nn.h"
#include "../core/nn_internal.h"

#include <stdint.h>

typedef struct {
    int h, w, cin, cout, k, stride, pad, border_out, res_c;
} conv_case;

static float *alloc_floats(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (p) memset(p, 0, n * sizeof(float));
    return p;
}

/* Fills an activation's interior (border stays zero). */
static void fill_act(fc_act *t, unsigned *seed)
{
    for (int y = 0; y < t->h; y++)
        for (int x = 0; x < t->w; x++)
            for (int c = 0; c < t->c; c++)
                for (int img = 0; img < t->n; img++)
                    fc_act_at(t, img, y, x)[c] = harness_random(seed);
}

static double naive_conv(const conv_case *cc, const float *hwio, const float *bias,
                         const fc_act *in, const fc_act *res, int img, int oy, int ox, int co,
                         int relu)
{
    double sum = bias[co];
    for (int ky = 0; ky < cc->k; ky++)
        for (int kx = 0; kx < cc->k; kx++) {
            int iy = oy * cc->stride - cc->pad + ky, ix = ox * cc->stride - cc->pad + kx;
            if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w) continue;
            for (int ci = 0; ci < cc->cin; ci++)
                sum += (double)fc_act_at(in, img, iy, ix)[ci] *
                       hwio[(((size_t)ky * cc->k + kx) * cc->cin + ci) * cc->cout + co];
        }
    if (res && co < res->c) sum += fc_act_at(res, img, oy, ox)[co];
    return relu && sum < 0 ? 0 : sum;
}

static void run_case(const conv_case *cc, int relu)
{
    unsigned seed = 12345u + (unsigned)(cc->h * 131 + cc->cin * 7 + cc->k);
    const int oh = fc_conv_out_size(cc->h, cc->k, cc->stride, cc->pad);
    const int ow = fc_conv_out_size(cc->w, cc->k, cc->stride, cc->pad);
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
    fc_conv conv = {cc->k, cc->k, cc->cin, cc->cout, cc->stride, cc->pad, packed, bias, NULL, NULL};
    const int winograd = cc->k == 3 && cc->stride == 1;
    float *wino = NULL, *scratch = NULL;
    if (winograd) {
        wino = alloc_floats((size_t)16 * cc->cin * cc->cout);
        scratch = alloc_floats(fc_wino_scratch_floats());
        fc_wino_weights(hwio, cc->cin, cc->cout, wino);
    }

    /* border 2: Winograd's last tile on odd sizes reads one pixel past the padding */
    /* two images: every kernel must keep a batch's images apart */
    const int n = 2;
    fc_act in = {n, cc->h, cc->w, cc->cin, winograd ? 2 : cc->pad, NULL};
    in.base = alloc_floats(n * fc_act_floats(in.h, in.w, in.c, in.border));
    fill_act(&in, &seed);
    /* outputs one pixel larger than computed, to see that the rest is left alone */
    fc_act out_ref = {n, oh + 1, ow + 1, cc->cout, cc->border_out, NULL}, out_fast = out_ref;
    size_t out_floats = n * fc_act_floats(oh + 1, ow + 1, cc->cout, cc->border_out);
    out_ref.base = alloc_floats(out_floats);
    out_fast.base = alloc_floats(out_floats);
    for (size_t i = 0; i < out_floats; i++) out_ref.base[i] = out_fast.base[i] = 7.0f;
    fc_act res = {n, oh, ow, cc->res_c, 0, NULL};
    if (cc->res_c) {
        res.base = alloc_floats(n * fc_act_floats(oh, ow, cc->res_c, 0));
        fill_act(&res, &seed);
    }
    const fc_act *resp = cc->res_c ? &res : NULL;

    fc_conv2d_ref(&conv, &in, resp, relu, &out_ref);
    double worst_ref = 0.0;
    for (int img = 0; img < n; img++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int co = 0; co < cc->cout; co++) {
                    double want = naive_conv(cc, hwio, bias, &in, resp, img, y, x, co, relu);
                    double d = fabs(want - fc_act_at(&out_ref, img, y, x)[co]);
                    if (d > worst_ref) worst_ref = d;
                }
    CHECK_MSG(worst_ref < 1e-4, "reference vs naive: %g (k=%d s=%d cin=%d)", worst_ref, cc->k,
              cc->stride, cc->cin);

#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        fc_conv2d_avx2(&conv, &in, resp, relu, &out_fast);
        double worst = 0.0;
        int untouched = 1;
        for (size_t i = 0; i < out_floats; i++) {
            double d = fabs((double)out_ref.base[i] - out_fast.base[i]);
            if (d > worst) worst = d;
        }
        for (int co = 0; co < cc->cout; co++)
            untouched &= fc_act_at(&out_fast, n - 1, oh, ow)[co] == 7.0f;
        CHECK_MSG(worst < 1e-5, "avx2 vs reference: %g (k=%d s=%d cin=%d cout=%d)", worst, cc->k,
                  cc->stride, cc->cin, cc->cout);
        CHECK(untouched);
        if (winograd) {
            fc_conv wconv = conv;
            wconv.wino = wino;
            wconv.scratch = scratch;
            for (size_t i = 0; i < out_floats; i++) out_fast.base[i] = 7.0f;
            fc_conv2d_wino_avx2(&wconv, &in, resp, relu, &out_fast);
            worst = 0.0;
            untouched = 1;
            for (size_t i = 0; i < out_floats; i++) {
                double d = fabs((double)out_ref.base[i] - out_fast.base[i]);
                if (d > worst) worst = d;
            }
            for (int co = 0; co < cc->cout; co++)
                untouched &= fc_act_at(&out_fast, n - 1, oh, ow)[co] == 7.0f;
            CHECK_MSG(worst < 1e-4, "winograd vs reference: %g (%dx%d cin=%d cout=%d)", worst,
                      cc->h, cc->w, cc->cin, cc->cout);
            CHECK(untouched);
        }
    } else {
        fprintf(stderr, "note: no AVX2+FMA on this CPU, only the reference kernel is checked\n");
    }
#endif
    free(wino);
    free(scratch);
    free(hwio);
    free(packed);
    free(bias);
    free(in.base);
    free(out_ref.base);
    free(out_fast.base);
    free(res.base);
}

static void test_conv_shapes(void)
{
    static const conv_case cases[] = {
        /* h  w  cin cout k s pad bo res */
        {7, 9, 32, 32, 3, 1, 1, 1, 32},    /* residual block conv2 */
        {5, 5, 16, 32, 3, 1, 1, 0, 16},    /* shortcut with fewer channels: zero padding */
        {1, 1, 48, 16, 3, 1, 1, 1, 0},     /* 1x1 image, 3x3 same: all but the centre is pad */
        {9, 9, 16, 32, 3, 2, 0, 1, 0},     /* down-sampling conv1 */
        {8, 8, 16, 16, 3, 2, 0, 0, 0},     /* even size, stride 2 */
        {23, 23, 3, 16, 7, 2, 0, 0, 0},    /* the stem: 7x7/2 on RGB */
        {1, 1, 64, 32, 1, 1, 0, 0, 0},     /* fully connected as 1x1 */
        {13, 3, 8, 48, 3, 1, 1, 1, 0},     /* more rows than columns, 3 panels */
        {35, 35, 32, 32, 3, 1, 1, 2, 32},  /* the first stage: several tile blocks */
        {4, 4, 256, 256, 3, 1, 1, 2, 256}, /* the last stage: 4 tiles, wide channels */
        {17, 17, 32, 64, 3, 1, 1, 2, 32},  /* odd size, shortcut with fewer channels */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_case(&cases[i], 1);
        run_case(&cases[i], 0);
    }
}

static void test_pooling(void)
{
    /* 4x4x1 ramp: values y*4+x, plus a 16-channel copy so channel loops are covered */
    float in_data[4 * 4 * 16], max_data[1 * 1 * 16], avg_data[2 * 2 * 16];
    for (int p = 0; p < 16; p++)
        for (int c = 0; c < 16; c++) in_data[p * 16 + c] = (float)p * (c % 2 ? -1.0f : 1.0f);
    fc_act in = {1, 4, 4, 16, 0, in_data}, mx = {1, 1, 1, 16, 0, max_data};
    fc_act av = {1, 2, 2, 16, 0, avg_data};
    fc_maxpool(&in, 3, 2, &mx);
    CHECK(max_data[0] == 10.0f); /* window rows 0-2, cols 0-2: max is 2*4+2 */
    CHECK(max_data[1] == 0.0f);  /* negated channel: max of -p is -0 */
    fc_avgpool(&in, 2, 2, &av);
    CHECK(fabsf(avg_data[0] - 2.5f) < 1e-6f);       /* (0+1+4+5)/4 */
    CHECK(fabsf(avg_data[3 * 16] - 12.5f) < 1e-6f); /* (10+11+14+15)/4 */
    CHECK(fabsf(avg_data[3 * 16 + 1] + 12.5f) < 1e-6f);
    float mean[16];
    fc_global_avgpool(&in, mean);
    CHECK(fabsf(mean[0] - 7.5f) < 1e-6f && fabsf(mean[1] + 7.5f) < 1e-6f);
}

int main(void)
{
    fprintf(stderr, "kernel in use: %s\n", fc_nn_kernel_name());
    RUN(test_conv_shapes);
    RUN(test_pooling);
    return harness_exit();
}
