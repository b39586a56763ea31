#include "core/image/image.h"

#include "core/fc_error.h"
#include "core/util/file.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int fc_image_alloc(fc_image *img, int width, int height, char *err)
{
    img->width = img->height = 0;
    img->rgb = NULL;
    if (width <= 0 || height <= 0 || width > FC_IMAGE_MAX_SIDE || height > FC_IMAGE_MAX_SIDE ||
        (uint64_t)width * (uint64_t)height > FC_IMAGE_MAX_PIXELS)
        return fc_errorf(err, -EINVAL, "image size %dx%d is outside the supported range", width,
                         height);
    img->rgb = malloc((size_t)width * (size_t)height * 3);
    if (!img->rgb) return fc_errorf(err, -ENOMEM, "out of memory for a %dx%d image", width, height);
    img->width = width;
    img->height = height;
    return 0;
}

void fc_image_free(fc_image *img)
{
    free(img->rgb);
    img->rgb = NULL;
    img->width = img->height = 0;
}

/* Averages each k x k block (k = 8 / n, any n/8 scale: blocks of fractional size are
 * weighted by their overlap) of src, rows y0..y1 and columns x0..x1 of the scaled image. */
static void average_down(const fc_image_view *src, int num, int x0, int y0, fc_image *dst)
{
    const double step = 8.0 / num;
    for (int y = 0; y < dst->height; y++) {
        const double top = (y0 + y) * step, bottom = fmin(top + step, src->height);
        for (int x = 0; x < dst->width; x++) {
            const double left = (x0 + x) * step, right = fmin(left + step, src->width);
            double sum[3] = {0, 0, 0}, weight = 0;
            for (int sy = (int)top; sy < bottom; sy++) {
                const double wy = fmin(sy + 1, bottom) - fmax(sy, top);
                const uint8_t *row = src->rgb + (size_t)sy * src->stride;
                for (int sx = (int)left; sx < right; sx++) {
                    const double w = wy * (fmin(sx + 1, right) - fmax(sx, left));
                    const uint8_t *p = row + (size_t)sx * 3;
                    sum[0] += w * p[0], sum[1] += w * p[1], sum[2] += w * p[2];
                    weight += w;
                }
            }
            uint8_t *d = dst->rgb + ((size_t)y * dst->width + x) * 3;
            for (int c = 0; c < 3; c++) d[c] = (uint8_t)lround(weight > 0 ? sum[c] / weight : 0);
        }
    }
}

void fc_image_rgba_row(uint8_t *rgb, const uint8_t *rgba, int width)
{
    for (int x = 0; x < width; x++, rgb += 3, rgba += 4) {
        const unsigned a = rgba[3];
        for (int c = 0; c < 3; c++) rgb[c] = (uint8_t)((rgba[c] * a + 255 * (255 - a) + 127) / 255);
    }
}

int fc_image_pick_scale(int width, int height, int min_long_side)
{
    const int long_side = width > height ? width : height;
    if (min_long_side <= 0 || min_long_side >= long_side) return 8;
    for (int n = 1; n < 8; n++)
        if ((long_side * n + 7) / 8 >= min_long_side) return n;
    return 8;
}

/* The scale and the rectangle of the scaled image opts ask of a width x height image
 * (fc_image_reduce's rules), into *num, r (x0, y0, x1, y1) and *info. */
static int plan_reduce(int width, int height, const fc_decode_opts *opts, int *num, int r[4],
                       fc_decode_info *info, char *err)
{
    *num = opts->scale_num >= 1 && opts->scale_num <= 8
               ? opts->scale_num
               : fc_image_pick_scale(width, height, opts->min_long_side);
    const int scaled_w = (width * *num + 7) / 8, scaled_h = (height * *num + 7) / 8;
    r[0] = 0, r[1] = 0, r[2] = scaled_w, r[3] = scaled_h;
    if (opts->region[2] > 0 && opts->region[3] > 0) {
        const double k = *num / 8.0;
        r[0] = (int)fmax(floor(opts->region[0] * k), 0);
        r[1] = (int)fmax(floor(opts->region[1] * k), 0);
        r[2] = (int)fmin(ceil((opts->region[0] + (double)opts->region[2]) * k), scaled_w);
        r[3] = (int)fmin(ceil((opts->region[1] + (double)opts->region[3]) * k), scaled_h);
        if (r[0] >= r[2] || r[1] >= r[3])
            return fc_errorf(err, -EINVAL, "region outside the image");
    }
    *info = (fc_decode_info){width, height, *num, 8, r[0], r[1]};
    return 0;
}

/* Copies out->width x out->height pixels of src from (x, y), which lie inside it. */
static void copy_rect(const fc_image_view *src, int x, int y, fc_image *out)
{
    for (int row = 0; row < out->height; row++)
        memcpy(out->rgb + (size_t)row * out->width * 3,
               src->rgb + (size_t)(y + row) * src->stride + (size_t)x * 3, (size_t)out->width * 3);
}

/* The reduction plan_reduce planned, into a new image. */
static int reduce_planned(const fc_image_view *src, int num, const int r[4], fc_image *out,
                          char *err)
{
    int rc = fc_image_alloc(out, r[2] - r[0], r[3] - r[1], err);
    if (rc) return rc;
    if (num < 8)
        average_down(src, num, r[0], r[1], out);
    else
        copy_rect(src, r[0], r[1], out);
    return 0;
}

int fc_image_reduce_view(const fc_image_view *src, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err)
{
    int num, r[4];
    memset(out, 0, sizeof *out);
    const int rc = plan_reduce(src->width, src->height, opts, &num, r, info, err);
    return rc ? rc : reduce_planned(src, num, r, out, err);
}

int fc_image_reduce(fc_image *full, const fc_decode_opts *opts, fc_image *out, fc_decode_info *info,
                    char *err)
{
    int num, r[4];
    memset(out, 0, sizeof *out);
    int rc = plan_reduce(full->width, full->height, opts, &num, r, info, err);
    if (!rc && num == 8 && r[0] == 0 && r[1] == 0 && r[2] == full->width && r[3] == full->height) {
        *out = *full; /* nothing to do: hand the pixels over */
        memset(full, 0, sizeof *full);
        return 0;
    }
    const fc_image_view view = {full->rgb, (size_t)full->width * 3, full->width, full->height};
    if (!rc) rc = reduce_planned(&view, num, r, out, err);
    fc_image_free(full);
    return rc;
}

int fc_image_decode_opts(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err)
{
    static const fc_decode_opts full_size = {0};
    fc_decode_info ignored;
    memset(out, 0, sizeof *out);
    if (!opts) opts = &full_size;
    if (!info) info = &ignored;
    const fc_format format = fc_image_sniff(data, len);
    fc_image full = {0};
    int rc;
    switch (format) {
    case FC_FORMAT_JPEG:
        return fc_image_decode_jpeg(data, len, opts, out, info, err);
    case FC_FORMAT_RAW:
        return fc_image_decode_raw(data, len, opts, out, info, err);
    case FC_FORMAT_PPM:
        rc = fc_image_decode_ppm(data, len, &full, err);
        break;
    case FC_FORMAT_PNG:
        rc = fc_image_decode_png(data, len, &full, err);
        break;
    case FC_FORMAT_WEBP:
        rc = fc_image_decode_webp(data, len, &full, err);
        break;
    case FC_FORMAT_TIFF:
        rc = fc_image_decode_tiff(data, len, &full, err);
        break;
    case FC_FORMAT_HEIF:
        return fc_image_decode_heif(data, len, opts, out, info, err);
    case FC_FORMAT_VIDEO:
        return fc_errorf(err, -ENOTSUP, "a video, not a photo");
    default:
        return fc_errorf(err, -EINVAL,
                         "not a photo in a format we read (JPEG, HEIF, PNG, WebP, TIFF, RAW, PPM)");
    }
    if (rc) return rc;
    return fc_image_reduce(&full, opts, out, info, err);
}

int fc_image_decode(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    return fc_image_decode_opts(data, len, NULL, out, NULL, err);
}

int fc_image_load(const char *path, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *data;
    size_t len;
    int rc = fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
    if (rc) return rc;
    rc = fc_image_decode(data, len, out, err);
    free(data);
    return rc;
}

int fc_image_rect_check(const fc_image *img, int x, int y, int w, int h, char *err)
{
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > img->width - w || y > img->height - h)
        return fc_errorf(err, -EINVAL, "rectangle %d,%d %dx%d is outside the %dx%d image", x, y, w,
                         h, img->width, img->height);
    return 0;
}

int fc_image_crop(const fc_image *src, int x, int y, int w, int h, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    int rc = fc_image_rect_check(src, x, y, w, h, err);
    if (rc) return rc;
    rc = fc_image_alloc(out, w, h, err);
    if (rc) return rc;
    const fc_image_view view = {src->rgb, (size_t)src->width * 3, src->width, src->height};
    copy_rect(&view, x, y, out);
    return 0;
}

int fc_image_resize(const fc_image *src, int width, int height, fc_image *out, char *err)
{
    int rc = fc_image_alloc(out, width, height, err);
    if (rc) return rc;
    const double sx = (double)src->width / width, sy = (double)src->height / height;
    const size_t pitch = (size_t)src->width * 3;
    for (int y = 0; y < height; y++) {
        const double fy = fmin(fmax((y + 0.5) * sy - 0.5, 0), src->height - 1);
        const int y0 = (int)fy, y1 = y0 + 1 < src->height ? y0 + 1 : y0;
        const double ay = fy - y0;
        for (int x = 0; x < width; x++) {
            const double fx = fmin(fmax((x + 0.5) * sx - 0.5, 0), src->width - 1);
            const int x0 = (int)fx, x1 = x0 + 1 < src->width ? x0 + 1 : x0;
            const double ax = fx - x0;
            uint8_t *dst = out->rgb + ((size_t)y * width + x) * 3;
            for (int c = 0; c < 3; c++) {
                const double tl = src->rgb[y0 * pitch + (size_t)x0 * 3 + c];
                const double tr = src->rgb[y0 * pitch + (size_t)x1 * 3 + c];
                const double bl = src->rgb[y1 * pitch + (size_t)x0 * 3 + c];
                const double br = src->rgb[y1 * pitch + (size_t)x1 * 3 + c];
                const double top = tl + (tr - tl) * ax, bottom = bl + (br - bl) * ax;
                dst[c] = (uint8_t)lround(top + (bottom - top) * ay);
            }
        }
    }
    return 0;
}
