#include "image.h"

#include "fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fc_image_alloc(fc_image *img, int width, int height, char *err)
{
    img->width = img->height = 0;
    img->rgb = NULL;
    if (width <= 0 || height <= 0 || width > FC_IMAGE_MAX_SIDE || height > FC_IMAGE_MAX_SIDE ||
        (uint64_t)width * (uint64_t)height > FC_IMAGE_MAX_PIXELS)
        return fc_errorf(err, -EINVAL, "image size %dx%d is outside the supported range", width,
                         height);
    img->rgb = malloc((size_t)width * (size_t)height * 3);
    if (!img->rgb) return fc_errorf(err, -ENOMEM, "out of memory for a %dx%d image", width, height);
    img->width = width;
    img->height = height;
    return 0;
}

void fc_image_free(fc_image *img)
{
    free(img->rgb);
    img->rgb = NULL;
    img->width = img->height = 0;
}

int fc_image_decode(const uint8_t *data, size_t len, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return fc_image_decode_jpeg(data, len, out, err);
    if (len >= 2 && data[0] == 'P' && data[1] == '6')
        return fc_image_decode_ppm(data, len, out, err);
    return fc_errorf(err, -EINVAL, "not a JPEG or binary PPM image");
}

int fc_image_load(const char *path, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf = NULL;
    int rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fc_errorf(err, -errno, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = fc_errorf(err, -errno, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = fc_errorf(err, -EINVAL, "not a regular file");
        goto done;
    }
    if ((uint64_t)st.st_size > FC_IMAGE_MAX_FILE_BYTES) {
        rc = fc_errorf(err, -EFBIG, "file too large (%lld bytes)", (long long)st.st_size);
        goto done;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size ? size : 1);
    if (!buf) {
        rc = fc_errorf(err, -ENOMEM, "out of memory reading %zu bytes", size);
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = fc_errorf(err, -errno, "read failed: %s", strerror(errno));
            goto done;
        }
        if (n == 0) break; /* shrank while reading: decode what is there, it will say */
        got += (size_t)n;
    }
    rc = fc_image_decode(buf, got, out, err);
done:
    free(buf);
    close(fd);
    return rc;
}

int fc_image_crop(const fc_image *src, int x, int y, int w, int h, fc_image *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > src->width - w || y > src->height - h)
        return fc_errorf(err, -EINVAL, "crop %d,%d %dx%d is outside the %dx%d image", x, y, w, h,
                         src->width, src->height);
    int rc = fc_image_alloc(out, w, h, err);
    if (rc) return rc;
    for (int row = 0; row < h; row++)
        memcpy(out->rgb + (size_t)row * w * 3, src->rgb + ((size_t)(y + row) * src->width + x) * 3,
               (size_t)w * 3);
    return 0;
}
