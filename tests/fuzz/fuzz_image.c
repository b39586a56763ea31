/* Fuzz target: decoding untrusted bytes as a photo (JPEG or PPM), at full size and DCT-
 * scaled, reading its EXIF and turning it upright never crashes, leaks or hands back an
 * image that breaks the size limits. */
#include "core/image/exif.h"
#include "core/fc_error.h"
#include "core/image/image.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_image img;
    char err[FC_ERR_MAX];
    if (fc_image_decode(data, size, &img, err) == 0) {
        if (img.width <= 0 || img.height <= 0 || img.width > FC_IMAGE_MAX_SIDE ||
            img.height > FC_IMAGE_MAX_SIDE || !img.rgb)
            abort();
        /* touch the last pixel: the buffer must be as large as it says */
        volatile uint8_t last = img.rgb[(size_t)img.width * img.height * 3 - 1];
        (void)last;
        fc_exif exif;
        fc_exif_read(data, size, &exif);
        if (exif.orientation < 1 || exif.orientation > 8) abort();
        if (fc_image_orient(&img, exif.orientation, err) == 0) {
            last = img.rgb[(size_t)img.width * img.height * 3 - 1];
        }
        fc_image_free(&img);
        fc_decode_opts small = {.min_long_side = 64};
        fc_decode_info info;
        if (fc_image_decode_opts(data, size, &small, &img, &info, err) == 0) {
            if (img.width > info.full_width || img.height > info.full_height) abort();
            fc_image_free(&img);
        }
    } else if (img.rgb != NULL || err[0] == 0) {
        abort(); /* a failure leaves no image and always says why */
    }
    return 0;
}
