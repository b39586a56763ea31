/* Fuzz target: decoding untrusted bytes as a photo (JPEG or PPM) never crashes, leaks or
 * hands back an image that breaks the size limits. */
#include "../../core/fc_error.h"
#include "../../core/image.h"

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
        fc_image_free(&img);
    } else if (img.rgb != NULL || err[0] == 0) {
        abort(); /* a failure leaves no image and always says why */
    }
    return 0;
}
