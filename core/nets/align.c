#include "core/nets/align.h"

#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* dlib's mean face: positions of landmarks 17..67 in a unit square. */
static const double template_x[51] = {
    0.000213256, 0.0752622, 0.18113,  0.29077,  0.393397, 0.586856, 0.689483, 0.799124, 0.904991,
    0.98004,     0.490127,  0.490127, 0.490127, 0.490127, 0.36688,  0.426036, 0.490127, 0.554217,
    0.613373,    0.121737,  0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428,
    0.793132,    0.858516,  0.79751,  0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395,
    0.639268,    0.726104,  0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096,
    0.490127,    0.552157,  0.689874, 0.553364, 0.490127, 0.42689};
static const double template_y[51] = {
    0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915,
    0.106454, 0.203352, 0.307009,  0.409805,  0.515625,  0.587326,  0.609345,  0.628106,  0.609345,
    0.587326, 0.216423, 0.178758,  0.179852,  0.231733,  0.245099,  0.244077,  0.231733,  0.179852,
    0.178758, 0.216423, 0.244077,  0.245099,  0.780233,  0.745405,  0.727388,  0.742578,  0.727388,
    0.745405, 0.780233, 0.864805,  0.902192,  0.909281,  0.902192,  0.864805,  0.784792,  0.778746,
    0.785343, 0.778746, 0.784792,  0.824182,  0.831803,  0.824182};

int fc_similarity_fit(const double (*from)[2], const double (*to)[2], int n, fc_similarity *t,
                      char *err)
{
    double fx = 0, fy = 0, tx = 0, ty = 0;
    for (int i = 0; i < n; i++) fx += from[i][0], fy += from[i][1], tx += to[i][0], ty += to[i][1];
    fx /= n, fy /= n, tx /= n, ty /= n;
    /* with centred points, the best a + ib is sum(conj(p) q) / sum(|p|^2) in complex form */
    double dot = 0, cross = 0, norm = 0;
    for (int i = 0; i < n; i++) {
        const double px = from[i][0] - fx, py = from[i][1] - fy;
        const double qx = to[i][0] - tx, qy = to[i][1] - ty;
        dot += px * qx + py * qy;
        cross += px * qy - py * qx;
        norm += px * px + py * py;
    }
    if (!(norm > 1e-12) || !isfinite(dot) || !isfinite(cross))
        return fc_errorf(err, -EINVAL, "degenerate points for a similarity transform");
    t->a = dot / norm;
    t->b = cross / norm;
    if (!(t->a * t->a + t->b * t->b > 1e-12))
        return fc_errorf(err, -EINVAL, "degenerate points for a similarity transform");
    t->tx = tx - (t->a * fx - t->b * fy);
    t->ty = ty - (t->b * fx + t->a * fy);
    return 0;
}

int fc_align_dlib(const float landmarks[FC_LANDMARKS][2], int size, double padding,
                  fc_similarity *chip_to_image, char *err)
{
    double from[FC_LANDMARKS][2], to[FC_LANDMARKS][2];
    int n = 0;
    for (int i = 17; i < FC_LANDMARKS; i++) {
        /* as dlib: neither the eyebrows nor the lower lip, which move the most */
        if (i <= 26 || (i >= 55 && i <= 59) || i >= 65) continue;
        from[n][0] = (padding + template_x[i - 17]) / (2 * padding + 1) * size;
        from[n][1] = (padding + template_y[i - 17]) / (2 * padding + 1) * size;
        to[n][0] = landmarks[i][0];
        to[n][1] = landmarks[i][1];
        n++;
    }
    return fc_similarity_fit((const double(*)[2])from, (const double(*)[2])to, n, chip_to_image,
                             err);
}

int fc_align_dlib5(const float landmarks[FC_LANDMARKS][2], int size, double padding,
                   fc_similarity *chip_to_image, char *err)
{
    /* dlib's 5-point template: the subject's left eye outer and inner corners, right eye
     * outer and inner corners, base of the nose; 68-point indices of the same places */
    static const double template5[5][2] = {{0.8595674595992, 0.2134981538014},
                                           {0.6460604764104, 0.2289674387677},
                                           {0.1205750620789, 0.2137274526848},
                                           {0.3340850613712, 0.2290642403242},
                                           {0.4901123135679, 0.6277975316475}};
    static const int index68[5] = {45, 42, 36, 39, 33};
    double from[5][2], to[5][2];
    for (int i = 0; i < 5; i++) {
        from[i][0] = (padding + template5[i][0]) / (2 * padding + 1) * size;
        from[i][1] = (padding + template5[i][1]) / (2 * padding + 1) * size;
        to[i][0] = landmarks[index68[i]][0];
        to[i][1] = landmarks[index68[i]][1];
    }
    return fc_similarity_fit((const double(*)[2])from, (const double(*)[2])to, 5, chip_to_image,
                             err);
}

/* Halves an image by 2x2 means (odd last rows and columns average what they have). */
static int halve(const fc_image *in, fc_image *out, char *err)
{
    int rc = fc_image_alloc(out, (in->width + 1) / 2, (in->height + 1) / 2, err);
    if (rc) return rc;
    for (int y = 0; y < out->height; y++) {
        const int y0 = 2 * y, y1 = 2 * y + 1 < in->height ? 2 * y + 1 : 2 * y;
        for (int x = 0; x < out->width; x++) {
            const int x0 = 2 * x, x1 = 2 * x + 1 < in->width ? 2 * x + 1 : 2 * x;
            for (int c = 0; c < 3; c++) {
                int sum = in->rgb[((size_t)y0 * in->width + x0) * 3 + c] +
                          in->rgb[((size_t)y0 * in->width + x1) * 3 + c] +
                          in->rgb[((size_t)y1 * in->width + x0) * 3 + c] +
                          in->rgb[((size_t)y1 * in->width + x1) * 3 + c];
                out->rgb[((size_t)y * out->width + x) * 3 + c] = (uint8_t)((sum + 2) / 4);
            }
        }
    }
    return 0;
}

static void sample_bilinear(const fc_image *img, double x, double y, uint8_t *dst)
{
    const double fx = floor(x), fy = floor(y);
    const int x0 = (int)fx, y0 = (int)fy;
    if (x0 < 0 || y0 < 0 || x0 + 1 >= img->width || y0 + 1 >= img->height) {
        memset(dst, 0, 3); /* outside the image (its last row and column included): black */
        return;
    }
    const double ax = x - fx, ay = y - fy;
    const uint8_t *p = img->rgb + ((size_t)y0 * img->width + x0) * 3;
    const size_t row = (size_t)img->width * 3;
    for (int c = 0; c < 3; c++) {
        double top = p[c] + (p[3 + c] - p[c]) * ax;
        double bottom = p[row + c] + (p[row + 3 + c] - p[row + c]) * ax;
        double v = top + (bottom - top) * ay;
        dst[c] = (uint8_t)(v + 0.5);
    }
}

/* The part of img the chip reads, aligned so that halving it `levels` times meets the
 * same pixels as halving the whole image, with a margin wide enough that its own edges
 * are never read. Halving a 24 MP photo for one face would cost far more than the face. */
static void chip_region(const fc_image *img, const fc_similarity *t, int size, int levels, int r[4])
{
    double x0 = 1e30, y0 = 1e30, x1 = -1e30, y1 = -1e30;
    for (int corner = 0; corner < 4; corner++) {
        const double c = corner & 1 ? size : 0, q = corner & 2 ? size : 0;
        const double x = t->a * c - t->b * q + t->tx, y = t->b * c + t->a * q + t->ty;
        x0 = fmin(x0, x), y0 = fmin(y0, y), x1 = fmax(x1, x), y1 = fmax(y1, y);
    }
    const int unit = 1 << levels, margin = 2 * unit + 2;
    const double left = fmax(floor(x0) - margin, 0), top = fmax(floor(y0) - margin, 0);
    r[0] = (int)left / unit * unit;
    r[1] = (int)top / unit * unit;
    r[2] = (int)fmin(ceil(x1) + margin, img->width) - r[0];
    r[3] = (int)fmin(ceil(y1) + margin, img->height) - r[1];
}

int fc_align_extract(const fc_image *img, const fc_similarity *t, int size, uint8_t *out, char *err)
{
    /* scale: image pixels per chip pixel; halve while it stays above 2 */
    double scale = sqrt(t->a * t->a + t->b * t->b);
    int levels = 0;
    for (double s = scale; s > 2.0; s /= 2) levels++;
    fc_similarity m = *t;
    fc_image level = {0}, next;
    const fc_image *src = img;
    if (levels > 0) {
        int r[4];
        chip_region(img, t, size, levels, r);
        if (r[2] <= 0 || r[3] <= 0) { /* the chip lies outside the photo */
            memset(out, 0, (size_t)size * size * 3);
            return 0;
        }
        int rc = fc_image_crop(img, r[0], r[1], r[2], r[3], &level, err);
        if (rc) return rc;
        src = &level;
        m.tx -= r[0], m.ty -= r[1];
    }
    while (scale > 2.0 && src->width > 2 && src->height > 2) {
        int rc = halve(src, &next, err);
        if (rc) {
            fc_image_free(&level);
            return rc;
        }
        fc_image_free(&level);
        level = next;
        src = &level;
        /* pixel i of the halved image sits at 2i + 0.5 of the one before */
        m.a /= 2, m.b /= 2, m.tx = (m.tx - 0.5) / 2, m.ty = (m.ty - 0.5) / 2;
        scale /= 2;
    }
    for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
            sample_bilinear(src, m.a * c - m.b * r + m.tx, m.b * c + m.a * r + m.ty,
                            out + ((size_t)r * size + c) * 3);
    fc_image_free(&level);
    return 0;
}
