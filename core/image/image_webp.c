/* WebP through libwebp: what browsers save. Still images only (an animation's frames are
 * a video's problem); transparency is put over white as for PNG. */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

static int webp_failure(VP8StatusCode status, char *err)
{
    switch (status) {
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return fc_errorf(err, -ENODATA, "truncated WebP");
    case VP8_STATUS_OUT_OF_MEMORY:
        return fc_errorf(err, -ENOMEM, "out of memory decoding a WebP");
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return fc_errorf(err, -ENOTSUP, "a WebP feature we do not read");
    default:
        return fc_errorf(err, -EINVAL, "corrupt WebP (libwebp status %d)", (int)status);
    }
}

int fc_image_decode_webp(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) return fc_errorf(err, -EINVAL, "libwebp version mismatch");
    VP8StatusCode status = WebPGetFeatures(data, len, &config.input);
    if (status != VP8_STATUS_OK) return webp_failure(status, err);
    if (config.input.has_animation)
        return fc_errorf(err, -ENOTSUP, "an animated WebP, not a photo");
    const int width = config.input.width, height = config.input.height;
    int rc = fc_image_alloc(out, width, height, err); /* checks the size limits first */
    if (rc) return rc;
    const int alpha = config.input.has_alpha;
    uint8_t *rgba = NULL;
    if (alpha && !(rgba = malloc((size_t)width * height * 4))) {
        fc_image_free(out);
        return fc_errorf(err, -ENOMEM, "out of memory for a %dx%d WebP", width, height);
    }
    /* decoded straight into our buffer: libwebp allocates no second copy */
    config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = alpha ? rgba : out->rgb;
    config.output.u.RGBA.stride = width * (alpha ? 4 : 3);
    config.output.u.RGBA.size = (size_t)width * height * (alpha ? 4 : 3);
    status = WebPDecode(data, len, &config);
    if (status == VP8_STATUS_OK && alpha)
        for (int y = 0; y < height; y++)
            fc_image_rgba_row(out->rgb + (size_t)y * width * 3, rgba + (size_t)y * width * 4,
                              width);
    WebPFreeDecBuffer(&config.output);
    free(rgba);
    if (status != VP8_STATUS_OK) {
        fc_image_free(out);
        return webp_failure(status, err);
    }
    return 0;
}
