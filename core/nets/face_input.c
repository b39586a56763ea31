#include "core/nets/face_input.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

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

/* Each byte as a float: a load instead of a conversion, which would wait on the last. */
static float byte_value[256];
static pthread_once_t byte_value_once = PTHREAD_ONCE_INIT;

static void fill_byte_value(void)
{
    for (int i = 0; i < 256; i++) byte_value[i] = (float)i;
}

/* One source row (NULL: a padding row) resized across: cols * 3 values. */
static void resize_row(const uint8_t *row, const taps *col, int cols, float *out)
{
    if (!row) {
        memset(out, 0, (size_t)cols * 3 * sizeof(float));
        return;
    }
    for (int ox = 0; ox < cols; ox++) {
        const taps c = col[ox];
        for (int ch = 0; ch < 3; ch++) {
            const float near = c.near >= 0 ? byte_value[row[c.near + ch]] : 0.0f;
            const float far = c.far >= 0 ? byte_value[row[c.far + ch]] : 0.0f;
            *out++ = near + (far - near) * c.t;
        }
    }
}

void fc_net_input(const uint8_t *rgb, int w, int h, size_t stride, int size,
                  const fc_input_norm *norm, float *out, size_t out_pitch)
{
    fc_net_input_part(rgb, w, h, stride, size, size, size, norm, out, out_pitch);
}

void fc_net_input_part(const uint8_t *rgb, int w, int h, size_t stride, int size, int rows,
                       int cols, const fc_input_norm *norm, float *out, size_t out_pitch)
{
    const int side = w > h ? w : h;
    int off_x, off_y;
    square_offsets(w, h, norm->centred, &off_x, &off_y);
    /* TensorFlow's legacy bilinear resize: source = destination * (in / out), no
     * half-pixel offset, the far neighbour clamped to the last pixel. It is done as two
     * passes, across each source row a destination row reads (kept while the next
     * destination row reads it too), then down and normalised in one plain loop the
     * compiler vectorises: the same float operations in the same order as computing
     * each value from its four pixels, so the same bits. */
    const float scale = (float)side / (float)size;
    pthread_once(&byte_value_once, fill_byte_value);
    taps col[FC_NET_INPUT_MAX];
    float line[2][FC_NET_INPUT_MAX * 3], mean[FC_NET_INPUT_MAX * 3];
    int line_row[2] = {-2, -2}; /* the source row each line holds (-1: padding) */
    plan_taps(cols, scale, side, off_x, w, col);
    for (int i = 0; i < cols * 3; i++) mean[i] = norm->mean[i % 3];
    const int n = cols * 3;
    for (int oy = 0; oy < rows; oy++) {
        const float sy = (float)oy * scale;
        const int y0 = (int)sy, y1 = y0 + 1 < side ? y0 + 1 : side - 1;
        const float fy = sy - (float)y0;
        const int src[2] = {y0 - off_y >= 0 && y0 - off_y < h ? y0 - off_y : -1,
                            y1 - off_y >= 0 && y1 - off_y < h ? y1 - off_y : -1};
        int slot[2];
        for (int k = 0; k < 2; k++) {
            slot[k] = line_row[0] == src[k] ? 0 : line_row[1] == src[k] ? 1 : -1;
            if (slot[k] >= 0) continue;
            /* the top row goes where the bottom one is not; the bottom where the top is not */
            slot[k] = k == 0 ? line_row[0] == src[1] : 1 - slot[0];
            resize_row(src[k] >= 0 ? rgb + (size_t)src[k] * stride : NULL, col, cols,
                       line[slot[k]]);
            line_row[slot[k]] = src[k];
        }
        const float *top = line[slot[0]], *bottom = line[slot[1]];
        float *dst = out + (size_t)oy * out_pitch;
        const float divisor = norm->divisor, offset = norm->offset;
        for (int i = 0; i < n; i++) {
            const float v = top[i] + (bottom[i] - top[i]) * fy;
            dst[i] = (v - mean[i]) / divisor - offset;
        }
    }
}

void fc_net_input_unpad(int w, int h, int size, double *fx, double *fy)
{
    const double k = size / fmax(w, h);
    *fx = size / round(w * k);
    *fy = size / round(h * k);
}
