/* What every image fuzz target asserts of a decoder's answer: a success hands back an
 * image inside the limits whose buffer is as large as it says; a failure leaves no image
 * and says why. Then the photo's EXIF is read and the image turned upright and reduced,
 * as the pipeline does. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include "core/fc_error.h"
#include "core/image/exif.h"
#include "core/image/image.h"

#include <stdlib.h>

static void fuzz_check_decoded(const uint8_t *data, size_t size, int rc, fc_image *img,
                               const char *err)
{
    if (rc != 0) {
        if (img->rgb != NULL || err[0] == 0) abort();
        return;
    }
    if (img->width <= 0 || img->height <= 0 || img->width > FC_IMAGE_MAX_SIDE ||
        img->height > FC_IMAGE_MAX_SIDE || !img->rgb)
        abort();
    volatile uint8_t last = img->rgb[(size_t)img->width * img->height * 3 - 1];
    (void)last;
    fc_exif exif;
    fc_exif_read(data, size, &exif);
    if (exif.orientation < 1 || exif.orientation > 8) abort();
    char why[FC_ERR_MAX];
    if (fc_image_orient(img, exif.orientation, why) == 0)
        last = img->rgb[(size_t)img->width * img->height * 3 - 1];
    fc_image small;
    fc_decode_info info;
    const fc_decode_opts opts = {.min_long_side = 8, .region = {1, 1, 5, 3}};
    if (fc_image_reduce(img, &opts, &small, &info, why) == 0) {
        if (small.width > info.full_width || small.height > info.full_height) abort();
        last = small.rgb[(size_t)small.width * small.height * 3 - 1];
        fc_image_free(&small);
    }
    fc_image_free(img); /* reduce consumed it; freeing twice is safe */
}

#endif
