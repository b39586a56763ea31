/* PNG through libspng: screenshots, edits and exports. The image is decoded in one piece
 * (8-bit RGB, or RGBA put over white when the file has transparency); limits are set on
 * the context and checked on the header before the pixels are allocated. */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <spng.h>
#include <stdlib.h>
#include <string.h>

/* Ancillary chunks (text, ICC profiles, XMP) past this are refused, whole or cached:
 * real files hold kilobytes, a hostile one could ask for gigabytes. */
#define PNG_MAX_CHUNK_BYTES ((size_t)64 << 20)

static int spng_failure(int code, char *err)
{
    if (code == SPNG_IO_EOF || code == SPNG_EOF) return fc_errorf(err, -ENODATA, "truncated PNG");
    if (code == SPNG_EMEM) return fc_errorf(err, -ENOMEM, "out of memory decoding a PNG");
    return fc_errorf(err, -EINVAL, "corrupt PNG: %s", spng_strerror(code));
}

int fc_image_decode_png(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *rgba = NULL;
    int rc = 0;
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx) return fc_errorf(err, -ENOMEM, "out of memory");
    spng_set_image_limits(ctx, FC_IMAGE_MAX_SIDE, FC_IMAGE_MAX_SIDE);
    spng_set_chunk_limits(ctx, PNG_MAX_CHUNK_BYTES, PNG_MAX_CHUNK_BYTES);
    int code = spng_set_png_buffer(ctx, data, len);
    struct spng_ihdr ihdr;
    if (!code) code = spng_get_ihdr(ctx, &ihdr);
    if (code) {
        rc = code == SPNG_EWIDTH || code == SPNG_EHEIGHT || code == SPNG_EUSER_WIDTH ||
                     code == SPNG_EUSER_HEIGHT
                 ? fc_errorf(err, -EINVAL, "PNG too large")
                 : spng_failure(code, err);
        goto done;
    }
    if ((uint64_t)ihdr.width * ihdr.height > FC_IMAGE_MAX_PIXELS) {
        rc = fc_errorf(err, -EINVAL, "PNG too large (%ux%u)", ihdr.width, ihdr.height);
        goto done;
    }
    rc = fc_image_alloc(out, (int)ihdr.width, (int)ihdr.height, err);
    if (rc) goto done;
    struct spng_trns trns;
    const int alpha = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
                      ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA ||
                      spng_get_trns(ctx, &trns) == 0;
    const size_t pixels = (size_t)ihdr.width * ihdr.height;
    if (!alpha) {
        code = spng_decode_image(ctx, out->rgb, pixels * 3, SPNG_FMT_RGB8, 0);
    } else {
        rgba = malloc(pixels * 4);
        if (!rgba) {
            rc = fc_errorf(err, -ENOMEM, "out of memory for a %ux%u PNG", ihdr.width, ihdr.height);
            goto done;
        }
        code = spng_decode_image(ctx, rgba, pixels * 4, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
        if (!code)
            for (uint32_t y = 0; y < ihdr.height; y++)
                fc_image_rgba_row(out->rgb + (size_t)y * ihdr.width * 3,
                                  rgba + (size_t)y * ihdr.width * 4, (int)ihdr.width);
    }
    if (code) rc = spng_failure(code, err);
done:
    free(rgba);
    spng_ctx_free(ctx);
    if (rc) fc_image_free(out);
    return rc;
}
