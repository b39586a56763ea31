/* Keeping one photo's sidecar as the store says (xmp.h): the one way `xmp write` and the
 * daemon's `xmp = write` put named faces into sidecars. */
#include "core/image/xmp.h"

#include "core/fc_error.h"
#include "core/image/exif.h"
#include "core/image/image.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A JPEG's EXIF sits in a segment of at most 64 KiB near its start, and a HEIF's does not
 * count; the other formats may keep it anywhere (WebP after the image, TIFF wherever its
 * directory is), so they are read whole. */
#define HEAD_BYTES ((size_t)256 << 10)

int fc_xmp_orientation(const uint8_t *data, size_t len)
{
    fc_exif exif;
    fc_exif_read(data, len, &exif);
    return exif.orientation;
}

int fc_xmp_photo_orientation(const char *path, int *orientation, char *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    *orientation = 1;
    int rc = fc_file_read_head(path, HEAD_BYTES, &data, &len, err);
    const fc_format format = rc ? FC_FORMAT_UNKNOWN : fc_image_sniff(data, len);
    if (!rc && len == HEAD_BYTES && format != FC_FORMAT_JPEG && format != FC_FORMAT_HEIF) {
        free(data);
        rc = fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
    }
    if (!rc) *orientation = fc_xmp_orientation(data, len);
    free(data);
    return rc;
}

int fc_xmp_face_box(const float px[4], int width, int height, double out[4])
{
    if (width <= 0 || height <= 0) return 0;
    /* a detector's box may reach past the photo: only what is inside is written */
    const double l = fmax(px[0], 0), t = fmax(px[1], 0);
    const double r = fmin(px[0] + px[2], width), b = fmin(px[1] + px[3], height);
    if (!(r > l && b > t)) return 0;
    out[0] = l / width, out[1] = t / height;
    out[2] = (r - l) / width, out[3] = (b - t) / height;
    return 1;
}

int fc_xmp_sidecar_update(const char *photo, int width, int height, const fc_xmp_face *faces, int n,
                          int dry_run, const fc_file_output *how, fc_xmp_sidecar_result *out,
                          char *err)
{
    char found[2][FC_XMP_PATH_MAX], all[2][FC_XMP_PATH_MAX];
    char *old = NULL, *packet = NULL;
    size_t old_len = 0, len = 0;
    memset(out, 0, sizeof *out);
    if (n > 0 && (width <= 0 || height <= 0))
        return fc_errorf(err, -EINVAL, "the store has no size for this photo (index it again)");
    int rc = fc_xmp_sidecars_present(photo, found, err);
    if (rc == 0 && n == 0) return 0; /* nothing to clear, and no file made to hold nothing */
    if (rc == 0 && (rc = fc_xmp_sidecar_paths(photo, all, err)) > 0)
        memcpy(out->path, all[0], FC_XMP_PATH_MAX), rc = 0;
    else if (rc > 0) {
        memcpy(out->path, found[0], FC_XMP_PATH_MAX);
        uint8_t *bytes = NULL;
        rc = fc_file_read_stat(out->path, FC_XMP_MAX_PACKET, &bytes, &old_len, &out->before, err);
        old = (char *)bytes;
        out->existed = !rc;
    }
    if (rc) goto done;
    /* a sidecar facecluster never wrote to has nothing of ours to clear (its namespace is
     * in every packet it wrote): not even parsed */
    if (n == 0 && !memmem(old, old_len, FC_XMP_NS, strlen(FC_XMP_NS))) goto done;
    fc_xmp_photo frame = {1, 1, 1};
    if (n > 0) {
        frame.width = width, frame.height = height;
        if ((rc = fc_xmp_photo_orientation(photo, &frame.orientation, err))) goto done;
    }
    if ((rc = fc_xmp_regions_write(old, old_len, &frame, faces, n, &packet, &len, err))) goto done;
    if (old && old_len == len && !memcmp(old, packet, len))
        out->status = FC_XMP_SIDECAR_UNCHANGED;
    else if (dry_run)
        out->status = FC_XMP_SIDECAR_WOULD;
    else if (!(rc = fc_file_write_atomic(out->path, packet, len, how, err))) {
        out->status = FC_XMP_SIDECAR_WRITTEN;
        if (stat(out->path, &out->after) != 0) memset(&out->after, 0, sizeof out->after);
    }
done:
    free(old), free(packet);
    return rc;
}
