/* HEIF (HEIC from phones, and AVIF where libheif reads it) through libheif. The primary
 * image, never a thumbnail; libheif applies the container's rotation and mirroring (irot,
 * imir) while decoding, so the pixels come out upright and the EXIF orientation a HEIF may
 * also carry must be ignored (HEIF, ISO/IEC 23008-12, 6.5.1: the transformative properties
 * rule; exif.c reports orientation 1 for HEIF). HEVC has no reduced-size decoding: the
 * photo is decoded whole and reduced right after. */
#include "core/image/heif.h"
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <libheif/heif.h>
#include <stdlib.h>
#include <string.h>

#define HEIF_MAX_METADATA_BYTES ((size_t)16 << 20)

static int heif_failure(struct heif_error e, const char *what, char *err)
{
    int code = -EINVAL;
    if (e.code == heif_error_Memory_allocation_error) code = -ENOMEM;
    if (e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype)
        code = -ENOTSUP;
    if (e.subcode == heif_suberror_End_of_data) code = -ENODATA;
    if (e.subcode == heif_suberror_Security_limit_exceeded) code = -EINVAL, what = "too large a";
    const char *message = e.message ? e.message : "unknown error";
    int n = (int)strcspn(message, "\n"); /* some of libheif's messages end in a newline */
    return fc_errorf(err, code, "%s HEIF: %.*s", what, n < 160 ? n : 160, message);
}

/* Whether the file's top-level boxes run past its end: a file cut short (still being
 * copied), whatever libheif then makes of it. */
static int cut_short(const uint8_t *data, size_t len)
{
    size_t pos = 0;
    while (pos + 8 <= len) {
        uint64_t size = (uint64_t)data[pos] << 24 | (uint64_t)data[pos + 1] << 16 |
                        (uint64_t)data[pos + 2] << 8 | data[pos + 3];
        if (size == 1) { /* a 64-bit size follows the type */
            if (pos + 16 > len) return 1;
            size = 0;
            for (int i = 0; i < 8; i++) size = size << 8 | data[pos + 8 + i];
        } else if (size == 0) {
            return 0; /* to the end of the file */
        }
        if (size < 8) return 0; /* broken, not cut */
        if (size > len - pos) return 1;
        pos += (size_t)size;
    }
    return pos < len; /* a box header itself cut */
}

/* Opens data's primary image with our limits; on success the caller releases *handle and
 * frees *ctx. */
static int open_primary(const uint8_t *data, size_t len, struct heif_context **ctx,
                        struct heif_image_handle **handle, char *err)
{
    *handle = NULL;
    *ctx = heif_context_alloc();
    if (!*ctx) return fc_errorf(err, -ENOMEM, "out of memory");
    /* libheif's own size limit (32768 a side) is tighter than ours and checked on the
     * header; our pixel count is checked on the handle before decoding */
    /* one worker is one core: grid tiles are decoded in the calling thread */
    heif_context_set_max_decoding_threads(*ctx, 0);
    struct heif_error e = heif_context_read_from_memory_without_copy(*ctx, data, len, NULL);
    if (!e.code) e = heif_context_get_primary_image_handle(*ctx, handle);
    if (e.code) {
        /* (libheif's message lives in the context) */
        const int rc = cut_short(data, len) ? fc_errorf(err, -ENODATA, "truncated HEIF")
                                            : heif_failure(e, "corrupt", err);
        heif_context_free(*ctx);
        *ctx = NULL;
        return rc;
    }
    return 0;
}

int fc_image_decode_heif(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err)
{
    static const fc_decode_opts whole = {0};
    fc_decode_info ignored;
    if (!opts) opts = &whole;
    if (!info) info = &ignored;
    memset(out, 0, sizeof *out);
    struct heif_context *ctx;
    struct heif_image_handle *handle;
    struct heif_image *img = NULL;
    int rc = open_primary(data, len, &ctx, &handle, err);
    if (rc) return rc;
    /* the size after rotation, refused before anything is decoded */
    const int width = heif_image_handle_get_width(handle),
              height = heif_image_handle_get_height(handle);
    if (width <= 0 || height <= 0 || width > FC_IMAGE_MAX_SIDE || height > FC_IMAGE_MAX_SIDE ||
        (uint64_t)width * (uint64_t)height > FC_IMAGE_MAX_PIXELS) {
        rc = fc_errorf(err, -EINVAL, "HEIF size %dx%d is outside the supported range", width,
                       height);
        goto done;
    }
    struct heif_error e =
        heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
    if (e.code) {
        rc = cut_short(data, len) ? fc_errorf(err, -ENODATA, "truncated HEIF")
                                  : heif_failure(e, "corrupt", err);
        goto done;
    }
    int stride = 0;
    const uint8_t *plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
    const int w = heif_image_get_width(img, heif_channel_interleaved),
              h = heif_image_get_height(img, heif_channel_interleaved);
    if (!plane || w != width || h != height || stride < w * 3) {
        rc = fc_errorf(err, -EINVAL, "corrupt HEIF: decoded %dx%d, expected %dx%d", w, h, width,
                       height);
        goto done;
    }
    const fc_image_view view = {plane, (size_t)stride, width, height};
    rc = fc_image_reduce_view(&view, opts, out, info, err);
done:
    if (img) heif_image_release(img);
    heif_image_handle_release(handle);
    heif_context_free(ctx);
    return rc;
}

int fc_heif_metadata(const uint8_t *data, size_t len, const char *type, const char *content_type,
                     uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    char err[FC_ERR_MAX];
    struct heif_context *ctx;
    struct heif_image_handle *handle;
    if (open_primary(data, len, &ctx, &handle, err)) return -EINVAL;
    heif_item_id ids[16];
    const int n = heif_image_handle_get_list_of_metadata_block_IDs(handle, type, ids, 16);
    int rc = -ENOENT;
    for (int i = 0; i < n && rc == -ENOENT; i++) {
        const char *content = heif_image_handle_get_metadata_content_type(handle, ids[i]);
        if (content_type && (!content || strcmp(content, content_type) != 0)) continue;
        const size_t size = heif_image_handle_get_metadata_size(handle, ids[i]);
        if (size == 0) continue;
        if (size > HEIF_MAX_METADATA_BYTES) {
            rc = -EFBIG;
            break;
        }
        if (!(*out = malloc(size))) {
            rc = -ENOMEM;
            break;
        }
        if (heif_image_handle_get_metadata(handle, ids[i], *out).code) {
            free(*out);
            *out = NULL;
            continue;
        }
        *out_len = size;
        rc = 0;
    }
    heif_image_handle_release(handle);
    heif_context_free(ctx);
    return rc;
}
