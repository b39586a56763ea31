/* A depthwise convolution and the pointwise one that reads it, in strips of rows.
 *
 * Computed one after the other, the depthwise output of an early layer (the SSD's first:
 * 208 x 256 x 32 floats, 7 MB) leaves L2 before the pointwise layer reads it back, and
 * that layer's GEMM, which holds 80-95 GFLOP/s on data in cache, falls to 40-60. Here
 * each strip of about STRIP_FLOATS depthwise outputs is written to the front of `mid` and
 * read by the pointwise layer at once, while still in L2. Each output value is computed
 * by the same kernels with the same operations as the two layers apart: the same bits. */
#include "core/nn/nn_internal.h"

#include <stddef.h>

enum { STRIP_FLOATS = 16 << 10 }; /* 64 KB: with the input rows it reads, well inside L2 */

/* Rows y0 .. y0 + rows - 1 of image img of t, as a tensor of one image (for a 1x1
 * convolution, which reads no border). */
static fc_act row_view(const fc_act *t, int img, int y0, int rows)
{
    fc_act v = *t;
    v.n = 1;
    v.h = rows;
    v.base = fc_act_at(t, img, y0 - t->border, -t->border);
    return v;
}

void fc_separable2d_avx2(const fc_dwconv *dw, const fc_conv *pw, const fc_act *in, fc_act *mid,
                         const fc_act *residual, fc_act *out,
                         void (*pw_kernel)(const fc_conv *, const fc_act *, const fc_act *,
                                           fc_act *))
{
    const int oh = mid->h, ow = mid->w, c = dw->c;
    int rows = STRIP_FLOATS / (ow * c);
    if (rows < 1) rows = 1;
    for (int img = 0; img < in->n; img++) {
        for (int y0 = 0; y0 < oh; y0 += rows) {
            const int n = oh - y0 < rows ? oh - y0 : rows;
            fc_dwconv2d_rows_avx2(dw, in, img, y0, y0 + n, ow, mid->base, (size_t)ow * c);
            const fc_act strip = {1, n, ow, c, 0, mid->base};
            const fc_act res = residual ? row_view(residual, img, y0, n) : (fc_act){0};
            fc_act o = row_view(out, img, y0, n);
            pw_kernel(pw, &strip, residual ? &res : NULL, &o);
        }
    }
}
