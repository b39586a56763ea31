#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <string.h>

int fc_image_decode_raw(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                        fc_decode_info *info, char *err)
{
    (void)data, (void)len, (void)opts, (void)info;
    memset(out, 0, sizeof *out);
    return fc_errorf(err, -ENOTSUP, "raw is not read yet");
}
