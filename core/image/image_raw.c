/* Camera RAW files through libraw (the thread-safe libraw_r): only the embedded preview
 * is read, the JPEG every camera writes beside its sensor data for its own screen. A full
 * demosaic would take seconds and hundreds of megabytes for a picture no better for
 * finding faces. libraw 0.20 (Debian 12) keeps one preview per file: among a TIFF-based
 * RAW's directories it takes the largest (its apply_tiff compares width x height), which
 * is the one we want; 0.21's list of all previews (thumbs_list, unpack_thumb_ex) is not
 * needed for that. */
#include "core/image/raw.h"

#include "core/fc_error.h"
#include "core/image/image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libraw/libraw.h>

/* libraw's working memory for unpacking sensor data, which we never do: the cap is a
 * second fence should a path through it ever be taken. */
#define RAW_MAX_MEMORY_MB ((unsigned)(FC_IMAGE_MAX_DECODER_BYTES >> 20))

/* Opens data with libraw, its error and memory callbacks silenced (they print to
 * stderr). On success *out is the caller's to libraw_close. */
static int raw_open(const uint8_t *data, size_t len, libraw_data_t **out, char *err)
{
    *out = NULL;
    if (len > FC_IMAGE_MAX_FILE_BYTES)
        return fc_errorf(err, -EINVAL, "RAW file of %zu bytes is larger than we read", len);
    libraw_data_t *raw =
        libraw_init(LIBRAW_OPIONS_NO_MEMERR_CALLBACK | LIBRAW_OPIONS_NO_DATAERR_CALLBACK);
    if (!raw) return fc_errorf(err, -ENOMEM, "out of memory for the RAW reader");
    raw->params.max_raw_memory_mb = RAW_MAX_MEMORY_MB;
    /* libraw's buffer stream only reads: the cast drops a const its C API lacks */
    const int rc = libraw_open_buffer(raw, (void *)data, len);
    if (rc != LIBRAW_SUCCESS) {
        libraw_close(raw);
        if (rc == LIBRAW_IO_ERROR || rc == LIBRAW_DATA_ERROR)
            return fc_errorf(err, -ENODATA, "truncated or damaged RAW file (%s)",
                             libraw_strerror(rc));
        if (rc == LIBRAW_UNSUFFICIENT_MEMORY || rc == LIBRAW_TOO_BIG)
            return fc_errorf(err, -ENOMEM, "RAW file asks too much memory (%s)",
                             libraw_strerror(rc));
        return fc_errorf(err, -EINVAL, "not a RAW file libraw reads (%s)", libraw_strerror(rc));
    }
    *out = raw;
    return 0;
}

/* dcraw's flip (bit 0: mirror left-right, bit 1: upside down, bit 2: swap axes, applied
 * in that order after the swap) in EXIF's numbering; libraw turned the file's Orientation
 * tag into it with the inverse table. */
static int exif_of_flip(int flip)
{
    static const int exif[8] = {1, 2, 4, 3, 5, 8, 6, 7};
    return flip >= 0 && flip < 8 ? exif[flip] : 1;
}

static int orientation_of(const libraw_data_t *raw)
{
    const int orientation = exif_of_flip(raw->sizes.flip);
    const int turned = orientation >= 5;
    /* a preview already taller than wide while the sensor is wider than tall (or the
     * reverse) was turned upright by the camera: turning it again would lay it down */
    const int tw = raw->thumbnail.twidth, th = raw->thumbnail.theight;
    const int w = raw->sizes.width, h = raw->sizes.height;
    if (turned && tw > 0 && th > 0 && w > 0 && h > 0 && tw != th && w != h && (tw > th) != (w > h))
        return 1;
    return orientation;
}

int fc_raw_orientation(const uint8_t *data, size_t len)
{
    libraw_data_t *raw;
    if (raw_open(data, len, &raw, NULL)) return 1;
    const int orientation = orientation_of(raw);
    libraw_close(raw);
    return orientation;
}

void fc_raw_exif(const uint8_t *data, size_t len, fc_exif *out)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    libraw_data_t *raw;
    if (raw_open(data, len, &raw, NULL)) return;
    out->orientation = orientation_of(raw);
    /* libraw turns the file's "YYYY:MM:DD HH:MM:SS" into a time_t with mktime (local
     * time): localtime_r in the same process gives the written fields back */
    const time_t t = raw->other.timestamp;
    struct tm tm;
    if (t > 0 && localtime_r(&t, &tm) && tm.tm_year + 1900 >= 1800) {
        out->has_time = 1;
        out->year = tm.tm_year + 1900, out->month = tm.tm_mon + 1, out->day = tm.tm_mday;
        out->hour = tm.tm_hour, out->minute = tm.tm_min, out->second = tm.tm_sec;
    }
    libraw_close(raw);
}

/* An uncompressed 8-bit preview (grey or RGB, as old cameras and DNG's IFD0 thumbnails
 * store them), copied into an image the caller frees. */
static int bitmap_image(const libraw_thumbnail_t *t, fc_image *out, char *err)
{
    const size_t pixels = (size_t)t->twidth * t->theight;
    if ((t->tcolors != 1 && t->tcolors != 3) || t->tlength < pixels * (size_t)t->tcolors)
        return fc_errorf(err, -ENOTSUP, "RAW preview bitmap of a kind we do not read");
    int rc = fc_image_alloc(out, t->twidth, t->theight, err);
    if (rc) return rc;
    const uint8_t *src = (const uint8_t *)t->thumb;
    for (size_t i = 0; i < pixels; i++)
        for (int c = 0; c < 3; c++)
            out->rgb[i * 3 + c] = src[i * t->tcolors + (t->tcolors == 3) * c];
    return 0;
}

int fc_image_decode_raw(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                        fc_decode_info *info, char *err)
{
    memset(out, 0, sizeof *out);
    libraw_data_t *raw;
    int rc = raw_open(data, len, &raw, err);
    if (rc) return rc;
    const libraw_thumbnail_t *t = &raw->thumbnail;
    /* what unpacking would allocate, before it does: a JPEG's bytes lie in the file, a
     * bitmap's pixels within the image limits */
    if (t->tlength > len || (size_t)t->twidth * t->theight > FC_IMAGE_MAX_PIXELS) {
        rc = fc_errorf(err, -EINVAL, "RAW preview of %ux%u pixels, %u bytes, is out of bounds",
                       t->twidth, t->theight, t->tlength);
        goto done;
    }
    const int unpacked = libraw_unpack_thumb(raw);
    if (unpacked == LIBRAW_NO_THUMBNAIL || (unpacked == LIBRAW_SUCCESS && !t->thumb)) {
        rc = fc_errorf(err, -ENOTSUP,
                       "RAW file has no embedded preview (facecluster does not develop the "
                       "sensor data itself)");
        goto done;
    }
    if (unpacked != LIBRAW_SUCCESS) {
        rc = fc_errorf(err, unpacked == LIBRAW_UNSUPPORTED_THUMBNAIL ? -ENOTSUP : -EINVAL,
                       "RAW preview unreadable (%s)", libraw_strerror(unpacked));
        goto done;
    }
    /* libraw calls a JPEG it cannot parse the header of "unknown": our decoder says
     * what is wrong with it (a truncated one is -ENODATA, a file still being written) */
    const int jpeg = t->tformat == LIBRAW_THUMBNAIL_JPEG ||
                     (t->tformat == LIBRAW_THUMBNAIL_UNKNOWN && t->tlength >= 2 &&
                      (uint8_t)t->thumb[0] == 0xFF && (uint8_t)t->thumb[1] == 0xD8);
    if (jpeg) {
        rc = fc_image_decode_jpeg((const uint8_t *)t->thumb, t->tlength, opts, out, info, err);
    } else if (t->tformat == LIBRAW_THUMBNAIL_BITMAP) {
        fc_image full;
        rc = bitmap_image(t, &full, err);
        if (!rc) rc = fc_image_reduce(&full, opts, out, info, err);
    } else {
        rc = fc_errorf(err, -ENOTSUP, "RAW preview in a format we do not read (libraw kind %d)",
                       (int)t->tformat);
    }
done:
    libraw_close(raw);
    return rc;
}
