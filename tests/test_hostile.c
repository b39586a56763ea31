/* Hostile and broken files through the whole pipeline (fc_faces_run, the daemon's entry):
 * each gets an error that says what is wrong, or is read as well as it can be, and never
 * crashes or leaks (this suite also runs under ASan and UBSan). The model is not needed
 * for the files refused before detection; the others skip without it. */
#include "tests/harness.h"

#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "tests/exif_builder.h"
#include "tests/fixtures.h"

#include <errno.h>
#include <unistd.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */

/* A small JPEG of a grey gradient: caller frees. */
static uint8_t *small_jpeg(int w, int h, size_t *len)
{
    char err[FC_ERR_MAX];
    fc_image img;
    uint8_t *out = NULL;
    if (fc_image_alloc(&img, w, h, err) != 0) return NULL;
    for (int i = 0; i < w * h * 3; i++) img.rgb[i] = (uint8_t)(i / 3 % w * 255 / w);
    if (fc_image_encode_jpeg(&img, 90, &out, len, err) != 0) out = NULL;
    fc_image_free(&img);
    return out;
}

/* Runs the pipeline on bytes; returns its status and leaves its message in err. */
static int run(fc_faces *faces, const uint8_t *data, size_t len, char *err)
{
    fc_photo photo;
    const fc_faces_opts opts = fc_faces_default_opts();
    err[0] = 0;
    int rc = fc_faces_run(faces, data, len, &opts, &photo, err);
    if (rc == 0) fc_photo_free(&photo);
    return rc;
}

static void expect_error(fc_faces *faces, const char *what, const uint8_t *data, size_t len,
                         const char *message)
{
    char err[FC_ERR_MAX];
    int rc = run(faces, data, len, err);
    CHECK_MSG(rc < 0 && strstr(err, message), "%s: status %d, message \"%s\", wanted \"%s\"", what,
              rc, err, message);
}

/* Rewrites the first SOF marker's height and width. */
static void set_sof_size(uint8_t *jpeg, size_t len, unsigned w, unsigned h)
{
    for (size_t i = 2; i + 9 < len; i++)
        if (jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2)) {
            jpeg[i + 5] = (uint8_t)(h >> 8), jpeg[i + 6] = (uint8_t)h;
            jpeg[i + 7] = (uint8_t)(w >> 8), jpeg[i + 8] = (uint8_t)w;
            return;
        }
}

/* A valid progressive JPEG of 379 scans: DC, then every AC coefficient of every
 * component alone, each in two passes of successive approximation. Each scan costs a
 * pass over the whole image; the decoder refuses the file past FC_IMAGE_MAX_SCANS. */
static uint8_t *scan_bomb(size_t *len)
{
    enum { SCANS = 1 + 63 * 3 * 2 };
    static jpeg_scan_info script[SCANS];
    int n = 0;
    script[n++] = (jpeg_scan_info){3, {0, 1, 2, 0}, 0, 0, 0, 0};
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < 3; c++)
            for (int k = 1; k < 64; k++)
                script[n++] = (jpeg_scan_info){1, {c, 0, 0, 0}, k, k, pass, pass ? 0 : 1};
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    unsigned char *buf = NULL;
    unsigned long size = 0;
    static uint8_t row[64 * 3];
    for (int i = 0; i < 64 * 3; i++) row[i] = (uint8_t)(i * 5);
    cinfo.err = jpeg_std_error(&jerr); /* a test: libjpeg's exit on error is acceptable */
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = 64, cinfo.image_height = 64, cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    cinfo.scan_info = script;
    cinfo.num_scans = SCANS;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < 64) {
        JSAMPROW r = row;
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *len = size;
    return buf;
}

static fc_faces *f;

static void test_refused(void)
{
    char err[FC_ERR_MAX];
    size_t len;
    uint8_t *jpeg = small_jpeg(64, 48, &len);
    CHECK(jpeg != NULL);
    if (!jpeg) return;
    CHECK_MSG(run(f, jpeg, len, err) == 0, "the untouched file: %s", err);

    expect_error(f, "zero bytes", jpeg, 0, "not a photo in a format we read");
    expect_error(f, "truncated", jpeg, len / 2, "truncated JPEG");
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    expect_error(f, "a PNG cut after its signature", png, sizeof png, "PNG");
    static const char text[] = "Dear diary, today I took no photos.\n";
    expect_error(f, "text", (const uint8_t *)text, sizeof text - 1,
                 "not a photo in a format we read");

    /* a header claiming 65500 x 65500 (4.3 gigapixels): refused before any allocation */
    uint8_t *huge = malloc(len);
    memcpy(huge, jpeg, len);
    set_sof_size(huge, len, 65500, 65500);
    expect_error(f, "65500 x 65500", huge, len, "JPEG too large (65500x65500)");
    free(huge);

    size_t bomb_len;
    uint8_t *bomb = scan_bomb(&bomb_len);
    expect_error(f, "scan bomb", bomb, bomb_len, "too many progressive scans");
    free(bomb);

    /* a file that does not exist, and an empty one */
    fc_photo photo;
    const fc_faces_opts opts = fc_faces_default_opts();
    CHECK(fc_faces_run_file(f, "/nonexistent/x.jpg", &opts, &photo, err) == -ENOENT);
    char path[] = "/tmp/facecluster-empty-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        CHECK(fc_faces_run_file(f, path, &opts, &photo, err) < 0 && err[0] != 0);
        unlink(path);
    }
    free(jpeg);
}

/* EXIF is advice: a broken block or an orientation outside 1..8 leaves the photo as
 * stored, read in full. */
static void test_bad_exif(void)
{
    char err[FC_ERR_MAX];
    size_t len;
    uint8_t *jpeg = small_jpeg(64, 48, &len);
    if (!jpeg) return;
    const int orientations[] = {0, 9, 6};
    for (int i = 0; i < 3; i++) {
        tiff t;
        size_t tlen = build_exif(&t, i == 1, orientations[i], "2024:05:06 07:08:09", NULL);
        if (i == 2) /* broken: the IFD offset points past the block */
            put32(&t, 4, 0x7FFFFFF0u);
        size_t tagged_len;
        uint8_t *tagged = with_exif(jpeg, len, t.buf, tlen, &tagged_len);
        fc_photo photo;
        const fc_faces_opts opts = fc_faces_default_opts();
        int rc = fc_faces_run(f, tagged, tagged_len, &opts, &photo, err);
        CHECK_MSG(rc == 0, "orientation %d%s: %s", orientations[i], i == 2 ? " (broken)" : "", err);
        if (rc == 0) {
            CHECK(photo.width == 64 && photo.height == 48 && photo.exif.orientation == 1);
            fc_photo_free(&photo);
        }
        free(tagged);
    }
    free(jpeg);
}

int main(void)
{
    fc_model *model;
    int status = fixtures_open(NULL, NULL, &model);
    if (status) return status;
    char err[FC_ERR_MAX];
    CHECK_MSG(fc_faces_new(model, &f, err) == 0, "%s", err);
    if (f) {
        RUN(test_refused);
        RUN(test_bad_exif);
    }
    fc_faces_free(f);
    fc_model_close(model);
    return harness_exit();
}
