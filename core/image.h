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

typedef struct {
    int width, height;
    uint8_t *rgb; /* width * height * 3 bytes; owned, release with fc_image_free */
} fc_image;

/* Allocates an uninitialised image: on success img owns its pixels, the caller releases
 * them with fc_image_free. Returns 0, or -EINVAL (size out of limits) / -ENOMEM. */
int fc_image_alloc(fc_image *img, int width, int height, char *err);
/* Releases the pixels; safe on a zeroed or already freed image. */
void fc_image_free(fc_image *img);

/* Decodes a JPEG or binary PPM (P6, maxval 255) held in memory, chosen by its magic bytes.
 * On success *out owns new pixels (caller frees with fc_image_free); on failure *out is
 * zeroed and err says why (-EINVAL: not an image or corrupt, -ENOTSUP: a format or colour
 * space we do not read, -ENOMEM). JPEGs are decoded with fixed settings (integer slow DCT,
 * fancy upsampling) so the same file gives the same pixels on every machine running the
 * same libjpeg-turbo. */
int fc_image_decode(const uint8_t *data, size_t len, fc_image *out, char *err);

/* Reads a whole regular file (at most FC_IMAGE_MAX_FILE_BYTES; a FIFO or directory is
 * refused, never waited on) and decodes it as above. */
int fc_image_load(const char *path, fc_image *out, char *err);

/* Format-specific decoders behind fc_image_decode, same contract. */
int fc_image_decode_jpeg(const uint8_t *data, size_t len, fc_image *out, char *err);
int fc_image_decode_ppm(const uint8_t *data, size_t len, fc_image *out, char *err);

/* 0 if the rectangle (x, y, w, h) is non-empty and lies inside img, else -EINVAL. */
int fc_image_rect_check(const fc_image *img, int x, int y, int w, int h, char *err);

/* Copies the rectangle (x, y, w, h), which must lie inside src, into a new image that
 * the caller frees with fc_image_free. */
int fc_image_crop(const fc_image *src, int x, int y, int w, int h, fc_image *out, char *err);

#endif
