#include "bench/bench_images.h"

#include "core/fc_error.h"
#include "core/image/image.h"

#include <stdio.h>
#include <stdlib.h>

int bench_write_large_jpeg(const uint8_t *data, size_t len, int width, int height, const char *path,
                           char *err)
{
    fc_image src, big;
    uint8_t *jpeg = NULL;
    size_t jpeg_len = 0;
    int rc = fc_image_decode(data, len, &src, err);
    if (!rc) rc = fc_image_resize(&src, width, height, &big, err);
    fc_image_free(&src);
    if (!rc) rc = fc_image_encode_jpeg(&big, 92, &jpeg, &jpeg_len, err);
    fc_image_free(&big);
    FILE *out = rc ? NULL : fopen(path, "wb");
    if (!rc && (!out || fwrite(jpeg, 1, jpeg_len, out) != jpeg_len))
        rc = fc_errorf(err, -1, "cannot write %s", path);
    if (out && fclose(out) != 0) rc = -1;
    free(jpeg);
    return rc;
}
