/* Decoded photos: 8-bit RGB, row-major, no padding between rows. */
#ifndef FC_IMAGE_H
#define FC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Limits checked before any allocation, so a hostile header cannot ask for gigabytes:
 * 120 megapixels covers the largest cameras (100 MP) and makes a 360 MB image at most;
 * the JPEG decoder's own working memory (whole-image buffers for progressive files) is
 * capped separately, and so is its number of progressive scans. */
#define FC_IMAGE_MAX_SIDE 65535
#define FC_IMAGE_MAX_PIXELS (120u * 1000u * 1000u)
#define FC_IMAGE_MAX_FILE_BYTES ((size_t)512 << 20)
#define FC_IMAGE_MAX_DECODER_BYTES ((size_t)512 << 20)
#define FC_IMAGE_MAX_SCANS 256
/* Corrupt-data warnings a JPEG may raise before it counts as broken: real photos raise a
 * few (stray bytes after a marker), garbage raises them by the thousand. */
#define FC_IMAGE_MAX_WARNINGS 64

typedef struct {
    int width, height;
    uint8_t *rgb; /* width * height * 3 bytes; owned, release with fc_image_free */
} fc_image;

/* Allocates an uninitialised image: on success img owns its pixels, the caller releases
 * them with fc_image_free. Returns 0, or -EINVAL (size out of limits) / -ENOMEM. */
int fc_image_alloc(fc_image *img, int width, int height, char *err);
/* Releases the pixels; safe on a zeroed or already freed image. */
void fc_image_free(fc_image *img);

/* How to decode; all zero means full size. */
typedef struct {
    /* > 0: decode a JPEG at the smallest DCT scale n/8 (n = 1..8) whose longer side is at
     * least this many pixels, never larger than the stored image: a detector that needs
     * 1024 pixels gets a 24 MP photo at 1/4 scale, decoded in a fraction of the time and
     * memory. Other formats are decoded whole and averaged down to the same size. */
    int min_long_side;
    /* 1..8: decode at exactly scale_num / 8 instead. */
    int scale_num;
    /* region[2] > 0: decode only the rectangle (x, y, w, h) of the stored image, in its
     * full-size pixels, clipped to it. The decoder widens it to whole blocks: info says
     * where the pixels it returns start. */
    int region[4];
} fc_decode_opts;

/* What decoding learned besides the pixels. */
typedef struct {
    int full_width, full_height; /* the stored image, before DCT scaling */
    int scale_num, scale_denom;  /* decoded size = ceil(full * num / denom) */
    int region_x, region_y;      /* the decoded pixels' top left, in scaled pixels */
} fc_decode_info;

/* The formats a photo may come in, told by content (magic bytes and, for TIFF-based RAW
 * files, the first directory), never by the file's name. */
typedef enum {
    FC_FORMAT_UNKNOWN = 0,
    FC_FORMAT_JPEG,
    FC_FORMAT_PPM,
    FC_FORMAT_PNG,
    FC_FORMAT_WEBP,
    FC_FORMAT_TIFF,
    FC_FORMAT_HEIF, /* HEIC and the other HEIF brands (and AVIF when libheif reads it) */
    FC_FORMAT_RAW,  /* camera RAW: only its embedded preview JPEG is read */
    FC_FORMAT_VIDEO /* MP4/QuickTime/Matroska/AVI...: recognised to be counted, never decoded */
} fc_format;

/* How many leading bytes fc_image_sniff needs to tell every format but TIFF-based RAW
 * from plain TIFF (which needs the whole first directory: pass what you have). */
#define FC_IMAGE_SNIFF_BYTES 400

/* The format of data (FC_FORMAT_UNKNOWN when none of the above). */
fc_format fc_image_sniff(const uint8_t *data, size_t len);
/* "jpeg", "ppm", "png", "webp", "tiff", "heif", "raw", "video" or "unknown". */
const char *fc_format_name(fc_format format);

/* Decodes a photo held in memory in any fc_format but VIDEO, chosen by its content.
 * On success *out owns new pixels (caller frees with fc_image_free); on failure *out is
 * zeroed and err says why (-EINVAL: not an image or corrupt, -ENODATA: truncated, which a
 * file still being written is, -ENOTSUP: a format or colour space we do not read, -ENOMEM). JPEGs
 * are decoded with fixed settings (integer slow DCT, fancy upsampling) so the same file gives the
 * same pixels on every machine running the same libjpeg-turbo. */
int fc_image_decode(const uint8_t *data, size_t len, fc_image *out, char *err);
/* The same with options (NULL: full size) and, if info is not NULL, what was decoded. */
int fc_image_decode_opts(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err);

/* Encodes img as a baseline JPEG (quality 1..100, 4:2:0) in memory: on success *out is
 * the caller's to free() and *len its size. For contact sheets, tests and benchmarks. */
int fc_image_encode_jpeg(const fc_image *img, int quality, uint8_t **out, size_t *len, char *err);

/* Reads a whole regular file (at most FC_IMAGE_MAX_FILE_BYTES; a FIFO or directory is
 * refused, never waited on) and decodes it as above. */
int fc_image_load(const char *path, fc_image *out, char *err);

/* Format-specific decoders behind fc_image_decode_opts, same contract. JPEG (and RAW,
 * through its preview JPEG) decode scaled and cropped themselves; the others decode the
 * whole stored image (upright for HEIF, whose container's rotation and mirroring libheif
 * applies) and fc_image_decode_opts reduces it to the asked scale and region after. opts
 * and info are not NULL here (fc_image_decode_opts fills them in). */
int fc_image_decode_jpeg(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err);
int fc_image_decode_raw(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                        fc_decode_info *info, char *err);
int fc_image_decode_ppm(const uint8_t *data, size_t len, fc_image *out, char *err);
int fc_image_decode_png(const uint8_t *data, size_t len, fc_image *out, char *err);
int fc_image_decode_webp(const uint8_t *data, size_t len, fc_image *out, char *err);
int fc_image_decode_tiff(const uint8_t *data, size_t len, fc_image *out, char *err);
/* HEIF is reduced straight from libheif's picture (a 48 MP photo's copy would be 144 MB);
 * opts and info may be NULL (the whole image). */
int fc_image_decode_heif(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err);

/* Writes width RGBA pixels as RGB put over white (transparent screenshots and logos would
 * otherwise turn black or keep whatever colour their hidden pixels hold). */
void fc_image_rgba_row(uint8_t *rgb, const uint8_t *rgba, int width);

/* The scale n (of 8) min_long_side asks of a width x height image: the smallest whose
 * longer side is at least min_long_side, 8 when none is or min_long_side <= 0. */
int fc_image_pick_scale(int width, int height, int min_long_side);

/* Pixels someone else owns (a decoder's own buffer), rows stride bytes apart. */
typedef struct {
    const uint8_t *rgb;
    size_t stride;
    int width, height;
} fc_image_view;

/* The same as fc_image_reduce from pixels it does not own: *out is always a new image
 * (the caller frees it), however little there was to do. */
int fc_image_reduce_view(const fc_image_view *src, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err);

/* Reduces a whole decoded image to what opts ask (the same scale n/8 and region rules as
 * the JPEG decoder, by averaging), consuming *full: on return *out owns the result (which
 * may be *full's own pixels) and *full is zeroed, on success or failure. */
int fc_image_reduce(fc_image *full, const fc_decode_opts *opts, fc_image *out, fc_decode_info *info,
                    char *err);

/* 0 if the rectangle (x, y, w, h) is non-empty and lies inside img, else -EINVAL. */
int fc_image_rect_check(const fc_image *img, int x, int y, int w, int h, char *err);

/* Copies the rectangle (x, y, w, h), which must lie inside src, into a new image that
 * the caller frees with fc_image_free. */
int fc_image_crop(const fc_image *src, int x, int y, int w, int h, fc_image *out, char *err);

/* Resizes src to width x height by bilinear interpolation between pixel centres (no
 * smoothing: meant for factors under about 2, or for enlarging) into a new image the
 * caller frees with fc_image_free. */
int fc_image_resize(const fc_image *src, int width, int height, fc_image *out, char *err);

/* Turns an image stored with EXIF orientation 1..8 upright, in place (a new pixel buffer
 * replaces img's; on failure img is unchanged). Orientations 5 to 8 swap width and
 * height. Any other value is treated as 1: EXIF is advice, not a reason to fail. */
int fc_image_orient(fc_image *img, int orientation, char *err);

/* Where pixel (x, y) of an image stored with `orientation` (width w, height h) lands in
 * the upright image; for mapping coordinates found before turning. */
void fc_orient_point(int orientation, int w, int h, double x, double y, double *ux, double *uy);

#endif
