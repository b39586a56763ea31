/* Fuzz target: untrusted bytes as a camera RAW file (libraw opening them, its preview
 * unpacked and decoded, whole and reduced, its orientation and time read) never crash,
 * leak or hand back an image that breaks the size limits; a failure always says why. */
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/image/raw.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_exif exif;
    fc_raw_exif(data, size, &exif);
    if (exif.orientation < 1 || exif.orientation > 8) abort();
    if (fc_raw_orientation(data, size) != exif.orientation) abort();
    const fc_decode_opts cases[] = {{0}, {.min_long_side = 64}, {.region = {1, 1, 8, 8}}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fc_image img;
        fc_decode_info info;
        char err[FC_ERR_MAX] = "";
        if (fc_image_decode_raw(data, size, &cases[i], &img, &info, err) == 0) {
            if (img.width <= 0 || img.height <= 0 || img.width > info.full_width ||
                img.height > info.full_height || !img.rgb)
                abort();
            /* touch the last pixel: the buffer must be as large as it says */
            volatile uint8_t last = img.rgb[(size_t)img.width * img.height * 3 - 1];
            (void)last;
            fc_image_free(&img);
        } else if (img.rgb != NULL || err[0] == 0) {
            abort();
        }
    }
    return 0;
}
