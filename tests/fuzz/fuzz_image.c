/* Fuzz target: decoding untrusted bytes as a photo (any format, told by its content), at
 * full size and scaled, reading its EXIF and turning it upright never crashes, leaks or
 * hands back an image that breaks the size limits. */
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_image img;
    char err[FC_ERR_MAX] = "";
    int rc = fc_image_decode(data, size, &img, err);
    fuzz_check_decoded(data, size, rc, &img, err);
    fc_decode_opts small = {.min_long_side = 64};
    fc_decode_info info;
    if (rc == 0 && fc_image_decode_opts(data, size, &small, &img, &info, err) == 0) {
        if (img.width > info.full_width || img.height > info.full_height) abort();
        fc_image_free(&img);
    }
    return 0;
}
