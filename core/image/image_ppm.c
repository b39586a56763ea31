/* Binary PPM ("P6"): ASCII header "P6 <width> <height> <maxval>" with optional '#' comments,
 * one whitespace byte, then width*height RGB triples. Only maxval 255 is read: it is what
 * every tool writes for 8-bit images, and anything else would need rescaling. */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* Parses one decimal header field at *pos, skipping whitespace and comments. Returns the
 * value or -1 if the field is missing or larger than limit. */
static long ppm_field(const uint8_t *data, size_t len, size_t *pos, long limit)
{
    size_t p = *pos;
    for (;;) {
        while (p < len && isspace(data[p])) p++;
        if (p < len && data[p] == '#') {
            while (p < len && data[p] != '\n') p++;
            continue;
        }
        break;
    }
    if (p >= len || !isdigit(data[p])) return -1;
    long value = 0;
    while (p < len && isdigit(data[p])) {
        value = value * 10 + (data[p] - '0');
        if (value > limit) return -1;
        p++;
    }
    *pos = p;
    return value;
}

int fc_image_decode_ppm(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (len < 2 || data[0] != 'P' || data[1] != '6')
        return fc_errorf(err, -EINVAL, "not a binary PPM (P6)");
    size_t pos = 2;
    long width = ppm_field(data, len, &pos, FC_IMAGE_MAX_SIDE);
    long height = ppm_field(data, len, &pos, FC_IMAGE_MAX_SIDE);
    long maxval = ppm_field(data, len, &pos, 65535);
    if (width <= 0 || height <= 0 || maxval <= 0)
        return fc_errorf(err, -EINVAL, "corrupt PPM header");
    if (maxval != 255) return fc_errorf(err, -ENOTSUP, "PPM maxval %ld is not supported", maxval);
    if (pos >= len || !isspace(data[pos])) return fc_errorf(err, -EINVAL, "corrupt PPM header");
    pos++;
    uint64_t need = (uint64_t)width * (uint64_t)height * 3;
    if (need > len - pos)
        return fc_errorf(err, -ENODATA, "truncated PPM: %zu of %llu pixel bytes", len - pos,
                         (unsigned long long)need);
    int rc = fc_image_alloc(out, (int)width, (int)height, err);
    if (rc) return rc;
    memcpy(out->rgb, data + pos, (size_t)need);
    return 0;
}
