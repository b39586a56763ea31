/* Fuzz targets for the decoders of whole images, one binary per format (meson builds this
 * file with -DFUZZ_FORMAT=png, webp, tiff or heif): the decoder is called directly, so the
 * fuzzer spends its time inside that format's library rather than on the magic bytes the
 * dispatcher checks first. */
#include "tests/fuzz/fuzz_check.h"

#include <stdint.h>

#define DECODER_OF(format) fc_image_decode_##format
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
