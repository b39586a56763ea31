#include "core/nets/face_input.h"

#include <math.h>

const fc_input_norm fc_face_norm = {1, {122.782f, 117.001f, 104.298f}, 255.0f, 0.0f};

/* Centred square: the reference appends round(diff / 2) zero pixels after the face and
 * the rest before it (JavaScript's Math.round rounds halves up). Otherwise all after. */
static void square_offsets(int w, int h, int centred, int *off_x, int *off_y)
{
    const int diff = w > h ? w - h : h - w, before = centred ? diff - (diff + 1) / 2 : 0;
    *off_x = w < h ? before : 0;
    *off_y = h < w ? before : 0;
}

void fc_face_input(const uint8_t *rgb, int w, int h, size_t stride, int size, float *out,
                   size_t out_pitch)
{
    fc_net_input(rgb, w, h, stride, size, &fc_face_norm, out, out_pitch);
}

void fc_net_input(const uint8_t *rgb, int w, int h, size_t stride, int size,
                  const fc_input_norm *norm, float *out, size_t out_pitch)
{
    const int side = w > h ? w : h;
    int off_x, off_y;
    square_offsets(w, h, norm->centred, &off_x, &off_y);
    /* TensorFlow's legacy bilinear resize: source = destination * (in / out), no
     * half-pixel offset, the far neighbour clamped to the last pixel. */
    const float scale = (float)side / (float)size;
    for (int oy = 0; oy < size; oy++) {
        float *dst = out + (size_t)oy * out_pitch;
        const float sy = (float)oy * scale;
        const int y0 = (int)sy, y1 = y0 + 1 < side ? y0 + 1 : side - 1;
        const float fy = sy - (float)y0;
        for (int ox = 0; ox < size; ox++) {
            const float sx = (float)ox * scale;
            const int x0 = (int)sx, x1 = x0 + 1 < side ? x0 + 1 : side - 1;
            const float fx = sx - (float)x0;
            const int py[2] = {y0 - off_y, y1 - off_y}, px[2] = {x0 - off_x, x1 - off_x};
            const uint8_t *p[2][2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    p[i][j] = py[i] >= 0 && py[i] < h && px[j] >= 0 && px[j] < w
                                  ? rgb + (size_t)py[i] * stride + (size_t)px[j] * 3
                                  : 0;
            for (int ch = 0; ch < 3; ch++) {
                const float tl = p[0][0] ? p[0][0][ch] : 0.0f, tr = p[0][1] ? p[0][1][ch] : 0.0f;
                const float bl = p[1][0] ? p[1][0][ch] : 0.0f, br = p[1][1] ? p[1][1][ch] : 0.0f;
                const float top = tl + (tr - tl) * fx, bottom = bl + (br - bl) * fx;
                const float v = top + (bottom - top) * fy;
                *dst++ = (v - norm->mean[ch]) / norm->divisor - norm->offset;
            }
        }
    }
}

void fc_net_input_unpad(int w, int h, int size, double *fx, double *fy)
{
    const double k = size / fmax(w, h);
    *fx = size / round(w * k);
    *fy = size / round(h * k);
}
