/* Fuzz targets for the decoders of whole images, one binary per format (meson builds this
 * file with -DFUZZ_FORMAT=png, webp, tiff or heif): the decoder is called directly, so the
 * fuzzer spends its time inside that format's library rather than on the magic bytes the
 * dispatcher checks first. */
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>

/* each decoder called as for a whole image (HEIF's takes the options it reduces by) */
#define DECODE_png(d, n, img, err) fc_image_decode_png(d, n, img, err)
#define DECODE_webp(d, n, img, err) fc_image_decode_webp(d, n, img, err)
#define DECODE_tiff(d, n, img, err) fc_image_decode_tiff(d, n, img, err)
#define DECODE_heif(d, n, img, err) fc_image_decode_heif(d, n, NULL, img, NULL, err)
#define DECODER_OF(format) DECODE_##format
#define DECODER(format) DECODER_OF(format)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_image img;
    char err[FC_ERR_MAX] = "";
    const int rc = DECODER(FUZZ_FORMAT)(data, size, &img, err);
    fuzz_check_decoded(data, size, rc, &img, err);
    return 0;
}
