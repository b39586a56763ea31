/* bench/gemm: our convolution kernels against OpenBLAS on this network's layer shapes.
 *
 *   gemm [--reps N]
 *
 * For every convolution shape of the recognition network (one face, batch 1), times
 * three ways of computing it: OpenBLAS (Debian's, one thread) on an im2col copy, the
 * im2col time included; our implicit-GEMM AVX2 kernel; and our Winograd kernel where the
 * network may use it. Prints each layer and the total for one face, weighted by how
 * often the shape occurs. This is the measurement behind the README's choice of GEMM. */
#include "bench/bench_util.h"
#include "core/nn/nn.h"
#include "core/nn/nn_internal.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int n);

typedef struct {
    int size, cin, cout, k, stride, same, times;
} shape;

/* The network's convolutions for one face: input size, channels, kernel, stride, 'same',
 * occurrences (see core/nets/recog.c). The fully connected layer is left out (0.2%). */
static const shape shapes[] = {
    {150, 3, 32, 7, 2, 0, 1},  {35, 32, 32, 3, 1, 1, 6},  {35, 32, 64, 3, 2, 0, 1},
    {17, 64, 64, 3, 1, 1, 7},  {17, 64, 128, 3, 2, 0, 1}, {8, 128, 128, 3, 1, 1, 5},
    {8, 128, 256, 3, 2, 0, 1}, {3, 256, 256, 3, 1, 1, 1}, {4, 256, 256, 3, 1, 1, 4},
    {4, 256, 256, 3, 2, 0, 1}, {1, 256, 256, 3, 1, 1, 1},
};

static float *alloc_floats(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    for (size_t i = 0; i < n; i++) p[i] = (float)((i * 2654435761u) >> 20) / 4096.0f - 0.5f;
    return p;
}

/* im2col of a padded input, then C = A B with OpenBLAS, then bias and relu. */
static void conv_openblas(const shape *s, const fc_act *in, const float *b_rowmajor,
                          const float *bias, float *cols, float *c, int out_size)
{
    const int m = out_size * out_size, kdim = s->k * s->k * s->cin;
    const int pad = fc_pad_before(s->size, s->k, s->stride, s->same ? FC_PAD_SAME : FC_PAD_VALID);
    for (int p = 0; p < m; p++) {
        const int oy = p / out_size, ox = p % out_size;
        for (int ky = 0; ky < s->k; ky++)
            memcpy(cols + (size_t)p * kdim + (size_t)ky * s->k * s->cin,
                   fc_act_at(in, 0, oy * s->stride - pad + ky, ox * s->stride - pad),
                   (size_t)s->k * s->cin * sizeof(float));
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, s->cout, kdim, 1.0f, cols, kdim,
                b_rowmajor, s->cout, 0.0f, c, s->cout);
    for (int p = 0; p < m; p++)
        for (int n = 0; n < s->cout; n++) {
            float v = c[(size_t)p * s->cout + n] + bias[n];
            c[(size_t)p * s->cout + n] = v > 0.0f ? v : 0.0f;
        }
}

int main(int argc, char **argv)
{
    int reps = 200;
    if (argc == 3 && strcmp(argv[1], "--reps") == 0) reps = atoi(argv[2]);
    if (reps < 1) {
        fprintf(stderr, "usage: gemm [--reps N]\n");
        return 2;
    }
    openblas_set_num_threads(1);
    const int have_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (!have_avx2) {
        fprintf(stderr, "gemm: this CPU has no AVX2+FMA; our fast kernels cannot run\n");
        return 1;
    }
    printf("bench/gemm: one face's convolutions, ms per layer (mean of %d reps)\n", reps);
    printf("%-22s %10s %10s %10s\n", "layer (in, cin>cout)", "openblas", "ours", "winograd");
    double total[3] = {0, 0, 0};
    float *scratch = alloc_floats(fc_wino_scratch_floats());
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape *s = &shapes[i];
        const enum fc_padding padding = s->same ? FC_PAD_SAME : FC_PAD_VALID;
        const int out_size = fc_out_size(s->size, s->k, s->stride, padding);
        const size_t kdim = (size_t)s->k * s->k * s->cin, nw = kdim * s->cout;
        fc_act in = {1, s->size, s->size, s->cin, 2, NULL};
        in.base = alloc_floats(fc_act_floats(s->size, s->size, s->cin, 2));
        fc_act out = {1, out_size, out_size, s->cout, 2, NULL};
        out.base = alloc_floats(fc_act_floats(out_size, out_size, s->cout, 2));
        float *weights = alloc_floats(nw), *bias = alloc_floats((size_t)s->cout);
        float *wino = alloc_floats((size_t)16 * s->cin * s->cout);
        float *cols = alloc_floats((size_t)out_size * out_size * kdim);
        float *c = alloc_floats((size_t)out_size * out_size * s->cout);
        fc_conv conv = {.kh = s->k,
                        .kw = s->k,
                        .cin = s->cin,
                        .cout = s->cout,
                        .stride = s->stride,
                        .padding = padding,
                        .act = FC_ACT_RELU,
                        .weights = weights,
                        .bias = bias};
        double t[3] = {0, 0, 0};

        double t0 = now_s();
        for (int r = 0; r < reps; r++) conv_openblas(s, &in, weights, bias, cols, c, out_size);
        t[0] = (now_s() - t0) / reps;
        t0 = now_s();
        for (int r = 0; r < reps; r++) fc_conv2d_avx2(&conv, &in, NULL, &out);
        t[1] = (now_s() - t0) / reps;
        /* timed wherever the kernel applies; counted where the network uses it (one face) */
        const int winograd = s->k == 3 && s->stride == 1 && s->same;
        const int chosen = winograd && fc_wino_worthwhile(1, s->size, s->size);
        if (winograd) {
            conv.wino = wino;
            conv.scratch = scratch;
            t0 = now_s();
            for (int r = 0; r < reps; r++) fc_conv2d_wino_avx2(&conv, &in, NULL, &out);
            t[2] = (now_s() - t0) / reps;
        }
        char name[64];
        snprintf(name, sizeof name, "%dx%d %d %d>%d /%d x%d", s->k, s->k, s->size, s->cin, s->cout,
                 s->stride, s->times);
        printf("%-22s %10.3f %10.3f ", name, t[0] * 1e3, t[1] * 1e3);
        if (winograd)
            printf("%10.3f%s\n", t[2] * 1e3, chosen ? " *" : "");
        else
            printf("%10s\n", "-");
        total[0] += t[0] * s->times;
        total[1] += t[1] * s->times;
        total[2] += (chosen ? t[2] : t[1]) * s->times;
        free(in.base);
        free(out.base);
        free(weights);
        free(bias);
        free(wino);
        free(cols);
        free(c);
    }
    printf("%-22s %10.3f %10.3f %10.3f   (ms per face; faces/s bound %.0f / %.0f / %.0f)\n"
           "(the last column's total takes Winograd only where the network does for one face, "
           "marked *)\n",
           "all convolutions", total[0] * 1e3, total[1] * 1e3, total[2] * 1e3, 1 / total[0],
           1 / total[1], 1 / total[2]);
    printf("(weights stay hot in cache here; in the network they stream from memory, which "
           "bench/embed includes)\n");
    free(scratch);
    return 0;
}
