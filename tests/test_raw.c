/* RAW files read through their embedded preview: run by tests/raw_preview.sh on DNGs it
 * makes with tests/tools/make_dng.py around a sample JPEG (no camera file is shipped).
 * In DIR: preview.jpg; simple.dng (the preview in IFD0), adobe.dng (a 160x120 bitmap
 * in IFD0, the preview in a SubIFD, as Adobe's converter writes them), none.dng (no
 * preview), o1.dng..o8.dng (each orientation), upright.dng (orientation 6 on a sensor
 * taller than wide while the preview is wider: the camera turned the preview itself). */
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/image/raw.h"
#include "core/util/file.h"
#include "tests/harness.h"

#include <errno.h>

static const char *dir;

static int load(const char *name, uint8_t **data, size_t *len)
{
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, data, len, err);
    if (rc) fprintf(stderr, "%s: %s\n", path, err);
    return rc;
}

static int same_pixels(const fc_image *a, const fc_image *b)
{
    return a->width == b->width && a->height == b->height &&
           memcmp(a->rgb, b->rgb, (size_t)a->width * a->height * 3) == 0;
}

/* The DNG decodes to exactly the preview JPEG's pixels, whole, DCT-scaled and cropped
 * (the JPEG decoder does the work, so scaling and regions cost what they cost a JPEG). */
static void check_same_as_jpeg(const char *name)
{
    uint8_t *jpeg, *raw;
    size_t jlen, rlen;
    if (load("preview.jpg", &jpeg, &jlen)) return;
    if (load(name, &raw, &rlen)) {
        free(jpeg);
        CHECK(0);
        return;
    }
    CHECK_MSG(fc_image_sniff(raw, rlen) == FC_FORMAT_RAW, "%s", name);
    const fc_decode_opts cases[] = {{0},
                                    {.min_long_side = 1024},
                                    {.scale_num = 3},
                                    {.scale_num = 4, .region = {100, 60, 300, 200}}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fc_image a, b;
        fc_decode_info ia, ib;
        char err[FC_ERR_MAX];
        CHECK(fc_image_decode_opts(jpeg, jlen, &cases[i], &a, &ia, err) == 0);
        const int rc = fc_image_decode_opts(raw, rlen, &cases[i], &b, &ib, err);
        CHECK_MSG(rc == 0, "%s case %zu: %s", name, i, err);
        CHECK_MSG(same_pixels(&a, &b), "%s case %zu: %dx%d vs %dx%d", name, i, a.width, a.height,
                  b.width, b.height);
        CHECK(memcmp(&ia, &ib, sizeof ia) == 0);
        fc_image_free(&a);
        fc_image_free(&b);
    }
    free(jpeg);
    free(raw);
}

static void test_preview_in_ifd0(void)
{
    check_same_as_jpeg("simple.dng");
}

/* libraw 0.20 keeps one preview: the largest, not IFD0's small bitmap */
static void test_largest_preview(void)
{
    check_same_as_jpeg("adobe.dng");
}

static void test_no_preview(void)
{
    uint8_t *raw;
    size_t len;
    if (load("none.dng", &raw, &len)) {
        CHECK(0);
        return;
    }
    fc_image img;
    char err[FC_ERR_MAX] = "";
    CHECK(fc_image_decode(raw, len, &img, err) == -ENOTSUP);
    CHECK_MSG(strstr(err, "no embedded preview") != NULL, "%s", err);
    CHECK(img.rgb == NULL);
    free(raw);
}

static void test_orientation_and_time(void)
{
    for (int n = 1; n <= 8; n++) {
        char name[16];
        snprintf(name, sizeof name, "o%d.dng", n);
        uint8_t *raw;
        size_t len;
        if (load(name, &raw, &len)) {
            CHECK(0);
            continue;
        }
        CHECK_MSG(fc_raw_orientation(raw, len) == n, "%s: %d", name, fc_raw_orientation(raw, len));
        fc_exif e;
        fc_raw_exif(raw, len, &e);
        CHECK(e.orientation == n);
        CHECK(e.has_time && e.year == 2021 && e.month == 6 && e.day == 5 && e.hour == 14 &&
              e.minute == 30 && e.second == 15);
        CHECK(!e.has_offset);
        free(raw);
    }
    uint8_t *raw;
    size_t len;
    if (load("upright.dng", &raw, &len) == 0) {
        CHECK(fc_raw_orientation(raw, len) == 1);
        free(raw);
    } else {
        CHECK(0);
    }
    /* not a RAW: the defaults, never a failure */
    const uint8_t junk[] = "II*\0junk";
    fc_exif e;
    fc_raw_exif(junk, sizeof junk, &e);
    CHECK(e.orientation == 1 && !e.has_time);
    CHECK(fc_raw_orientation(junk, sizeof junk) == 1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_raw DIR (run by tests/raw_preview.sh)\n");
        return 2;
    }
    dir = argv[1];
    RUN(test_preview_in_ifd0);
    RUN(test_largest_preview);
    RUN(test_no_preview);
    RUN(test_orientation_and_time);
    return harness_exit();
}
