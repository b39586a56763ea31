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

int fc_image_decode_opts(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err)
{
    static const fc_decode_opts full_size = {0};
    fc_decode_info ignored;
    memset(out, 0, sizeof *out);
    if (!opts) opts = &full_size;
    if (!info) info = &ignored;
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return fc_image_decode_jpeg(data, len, opts, out, info, err);
    if (len >= 2 && data[0] == 'P' && data[1] == '6')
        return fc_image_decode_ppm(data, len, out, info, err);
    return fc_errorf(err, -EINVAL, "not a JPEG or binary PPM image");
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
    for (int row = 0; row < h; row++)
        memcpy(out->rgb + (size_t)row * w * 3, src->rgb + ((size_t)(y + row) * src->width + x) * 3,
               (size_t)w * 3);
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
