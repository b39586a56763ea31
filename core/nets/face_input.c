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

/* Where an output column reads: its two source pixels' byte offsets in a row (-1: outside
 * the photo, that is the square's padding) and the weight of the second. */
typedef struct {
    int near, far;
    float t;
} taps;

static void plan_taps(int size, float scale, int side, int off, int limit, taps *out)
{
    for (int o = 0; o < size; o++) {
        const float s = (float)o * scale;
        const int a = (int)s, b = a + 1 < side ? a + 1 : side - 1;
        out[o].t = s - (float)a;
        out[o].near = a - off >= 0 && a - off < limit ? 3 * (a - off) : -1;
        out[o].far = b - off >= 0 && b - off < limit ? 3 * (b - off) : -1;
    }
}

void fc_net_input(const uint8_t *rgb, int w, int h, size_t stride, int size,
                  const fc_input_norm *norm, float *out, size_t out_pitch)
{
    const int side = w > h ? w : h;
    int off_x, off_y;
    square_offsets(w, h, norm->centred, &off_x, &off_y);
    /* TensorFlow's legacy bilinear resize: source = destination * (in / out), no
     * half-pixel offset, the far neighbour clamped to the last pixel. The taps are
     * planned once per column and per row (the arithmetic per value is the same as
     * computing them at each pixel, to the bit). */
    const float scale = (float)side / (float)size;
    taps col[FC_NET_INPUT_MAX];
    plan_taps(size, scale, side, off_x, w, col);
    for (int oy = 0; oy < size; oy++) {
        float *dst = out + (size_t)oy * out_pitch;
        const float sy = (float)oy * scale;
        const int y0 = (int)sy, y1 = y0 + 1 < side ? y0 + 1 : side - 1;
        const float fy = sy - (float)y0;
        const uint8_t *r0 =
            y0 - off_y >= 0 && y0 - off_y < h ? rgb + (size_t)(y0 - off_y) * stride : 0;
        const uint8_t *r1 =
            y1 - off_y >= 0 && y1 - off_y < h ? rgb + (size_t)(y1 - off_y) * stride : 0;
        for (int ox = 0; ox < size; ox++) {
            const taps c = col[ox];
            const uint8_t *tl = r0 && c.near >= 0 ? r0 + c.near : 0,
                          *tr = r0 && c.far >= 0 ? r0 + c.far : 0;
            const uint8_t *bl = r1 && c.near >= 0 ? r1 + c.near : 0,
                          *br = r1 && c.far >= 0 ? r1 + c.far : 0;
            for (int ch = 0; ch < 3; ch++) {
                const float vtl = tl ? tl[ch] : 0.0f, vtr = tr ? tr[ch] : 0.0f;
                const float vbl = bl ? bl[ch] : 0.0f, vbr = br ? br[ch] : 0.0f;
                const float top = vtl + (vtr - vtl) * c.t, bottom = vbl + (vbr - vbl) * c.t;
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
