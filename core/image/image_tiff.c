/* TIFF through libtiff, from memory: scans and exports. The first directory (page) is
 * read through libtiff's RGBA interface, which knows every photometric and compression
 * libtiff does, a band of rows at a time, in the stored orientation (the Orientation tag is
 * applied later with the EXIF rules, as for every other format). */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    char message[160]; /* libtiff's first complaint, for the error we return */
} tiff_source;

static tmsize_t source_read(thandle_t h, void *buf, tmsize_t size)
{
    tiff_source *s = h;
    const size_t left = s->len - s->pos, n = (size_t)size < left ? (size_t)size : left;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (tmsize_t)n;
}

static tmsize_t source_write(thandle_t h, void *buf, tmsize_t size)
{
    (void)h, (void)buf, (void)size;
    return -1;
}

static toff_t source_seek(thandle_t h, toff_t off, int whence)
{
    tiff_source *s = h;
    const uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->len : 0;
    if (off > UINT64_MAX - base || base + off > s->len) return (toff_t)-1;
    s->pos = (size_t)(base + off);
    return s->pos;
}

static int source_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t source_size(thandle_t h)
{
    return ((tiff_source *)h)->len;
}

static int source_map(thandle_t h, void **base, toff_t *size)
{
    (void)h, (void)base, (void)size;
    return 0; /* reads go through source_read: libtiff never writes through a map here */
}

static void source_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h, (void)base, (void)size;
}

/* libtiff would print to stderr: keep the first error for our message, drop warnings. */
static int keep_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif, (void)module;
    tiff_source *s = user;
    if (!s->message[0]) vsnprintf(s->message, sizeof s->message, fmt, ap);
    return 1;
}

static int drop_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif, (void)user, (void)module, (void)fmt, (void)ap;
    return 1;
}

static int tiff_failure(const tiff_source *s, const char *what, char *err)
{
    /* a file cut short (still being copied) shows as reads and seeks past its end */
    if (strstr(s->message, "Read error") || strstr(s->message, "Seek error") ||
        strstr(s->message, "EOF") || strstr(s->message, "past end"))
        return fc_errorf(err, -ENODATA, "truncated TIFF: %s", s->message);
    return fc_errorf(err, -EINVAL, "%s TIFF%s%s", what, s->message[0] ? ": " : "", s->message);
}

int fc_image_decode_tiff(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    tiff_source source = {.data = data, .len = len};
    uint32_t *band = NULL;
    int rc = 0, begun = 0;
    TIFFRGBAImage img;
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) return fc_errorf(err, -ENOMEM, "out of memory");
    /* no single allocation inside libtiff (a strip, a tile, a tag's array) past our cap */
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)FC_IMAGE_MAX_DECODER_BYTES);
    TIFFOpenOptionsSetErrorHandlerExtR(options, keep_error, &source);
    TIFFOpenOptionsSetWarningHandlerExtR(options, drop_warning, NULL);
    /* "m": no memory mapping, every read through source_read and its bounds */
    TIFF *tif = TIFFClientOpenExt("photo", "rm", &source, source_read, source_write, source_seek,
                                  source_close, source_size, source_map, source_unmap, options);
    TIFFOpenOptionsFree(options);
    if (!tif) return tiff_failure(&source, "corrupt", err);
    uint32_t width = 0, height = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    if (width == 0 || height == 0 || width > FC_IMAGE_MAX_SIDE || height > FC_IMAGE_MAX_SIDE ||
        (uint64_t)width * height > FC_IMAGE_MAX_PIXELS) {
        rc = fc_errorf(err, -EINVAL, "TIFF size %ux%u is outside the supported range", width,
                       height);
        goto done;
    }
    char why[1024] = "";
    if (!TIFFRGBAImageOK(tif, why) || !TIFFRGBAImageBegin(&img, tif, 1, why)) {
        rc = fc_errorf(err, -ENOTSUP, "a TIFF we do not read: %.200s", why);
        goto done;
    }
    begun = 1;
    img.req_orientation = img.orientation; /* the stored order: no flips */
    rc = fc_image_alloc(out, (int)width, (int)height, err);
    if (rc) goto done;
    /* a band of whole strips or tiles, so that none is decoded twice */
    uint32_t rows = 0;
    if (TIFFIsTiled(tif))
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &rows);
    else
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows);
    if (rows < 64) rows = rows ? (64 + rows - 1) / rows * rows : 64;
    if (rows > height) rows = height;
    band = malloc((size_t)width * rows * 4);
    if (!band) {
        rc = fc_errorf(err, -ENOMEM, "out of memory for a %ux%u TIFF", width, height);
        goto done;
    }
    for (uint32_t y = 0; y < height; y += rows) {
        const uint32_t n = height - y < rows ? height - y : rows;
        img.row_offset = (int)y;
        if (!TIFFRGBAImageGet(&img, band, width, n)) {
            rc = tiff_failure(&source, "corrupt", err);
            goto done;
        }
        for (uint32_t r = 0; r < n; r++) {
            uint8_t *dst = out->rgb + (size_t)(y + r) * width * 3;
            const uint32_t *src = band + (size_t)r * width;
            for (uint32_t x = 0; x < width; x++) {
                const uint8_t rgba[4] = {TIFFGetR(src[x]), TIFFGetG(src[x]), TIFFGetB(src[x]),
                                         TIFFGetA(src[x])};
                fc_image_rgba_row(dst + (size_t)x * 3, rgba, 1);
            }
        }
    }
done:
    free(band);
    if (begun) TIFFRGBAImageEnd(&img);
    TIFFClose(tif);
    if (rc) fc_image_free(out);
    return rc;
}
