#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <string.h>

int fc_image_decode_webp(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    (void)data, (void)len;
    memset(out, 0, sizeof *out);
    return fc_errorf(err, -ENOTSUP, "webp is not read yet");
}
