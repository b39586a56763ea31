/* EXIF (orientation, capture time), turning images upright, and DCT-scaled decoding.
 *
 *   test_exif                  unit tests on hand-built EXIF blocks and synthetic images
 *   test_exif --variants DIR   DIR/orig.jpg and DIR/1.jpg .. 8.jpg, made by
 *                              tests/orient_jpegtran.sh: each stored so that orientation n
 *                              turns it back; the EXIF tag is added here */
#include "tests/harness.h"

#include "core/image/exif.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "tests/exif_builder.h"

#include <errno.h>
#include <stdint.h>

/* A tiny valid JPEG to carry EXIF blocks: the fuzz corpus's baseline seed. */
static uint8_t *tiny_jpeg(size_t *len)
{
    const char *golden = getenv("FACECLUSTER_GOLDEN");
    char path[4096];
    snprintf(path, sizeof path, "%s/../fuzz/corpus/image/baseline.jpg", golden ? golden : ".");
    return read_all(path, len);
}

static void test_exif_fields(void)
{
    size_t jlen;
    uint8_t *jpeg = tiny_jpeg(&jlen);
    CHECK(jpeg != NULL);
    if (!jpeg) return;
    for (int big = 0; big <= 1; big++) {
        for (int o = 0; o <= 9; o++) {
            tiff t;
            size_t n, len;
            build_exif(&t, big, o, "2019:07:14 18:30:05", o % 2 ? "+05:30" : "-08:00");
            n = t.len;
            uint8_t *j = with_exif(jpeg, jlen, t.buf, n, &len);
            fc_exif e;
            fc_exif_read(j, len, &e);
            CHECK_MSG(e.orientation == (o >= 1 && o <= 8 ? o : 1), "orientation %d read as %d", o,
                      e.orientation);
            CHECK(e.has_time && e.year == 2019 && e.month == 7 && e.day == 14 && e.hour == 18 &&
                  e.minute == 30 && e.second == 5);
            CHECK(e.has_offset && e.offset_minutes == (o % 2 ? 330 : -480));
            char iso[26];
            fc_exif_time_string(&e, iso);
            CHECK(strcmp(iso, o % 2 ? "2019-07-14T18:30:05+05:30" : "2019-07-14T18:30:05-08:00") ==
                  0);
            /* the EXIF block changes nothing in the pixels' decoding */
            fc_image img;
            char err[FC_ERR_MAX];
            CHECK(fc_image_decode(j, len, &img, err) == 0);
            fc_image_free(&img);
            free(j);
        }
    }
    /* unset or malformed values: no time, no offset */
    const char *bad_times[] = {"0000:00:00 00:00:00", "    :  :     :  :  ", "2019-07-14 18:30:05",
                               "2019:13:14 18:30:05", "2019:07:14"};
    for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
        tiff t;
        size_t len;
        build_exif(&t, 0, 6, bad_times[i], "+01:00");
        uint8_t *j = with_exif(jpeg, jlen, t.buf, t.len, &len);
        fc_exif e;
        fc_exif_read(j, len, &e);
        CHECK_MSG(!e.has_time && !e.has_offset && e.orientation == 6, "time \"%s\" accepted",
                  bad_times[i]);
        free(j);
    }
    const char *bad_offsets[] = {"+25:00", "05:30", "+5:3", "+05:61"};
    for (size_t i = 0; i < sizeof bad_offsets / sizeof bad_offsets[0]; i++) {
        tiff t;
        size_t len;
        build_exif(&t, 1, 3, "2001:02:03 04:05:06", bad_offsets[i]);
        uint8_t *j = with_exif(jpeg, jlen, t.buf, t.len, &len);
        fc_exif e;
        fc_exif_read(j, len, &e);
        CHECK_MSG(e.has_time && !e.has_offset, "offset \"%s\" accepted", bad_offsets[i]);
        free(j);
    }
    /* no EXIF at all, and EXIF cut short or garbled at every length: defaults, no crash */
    fc_exif e;
    fc_exif_read(jpeg, jlen, &e);
    CHECK(e.orientation == 1 && !e.has_time);
    tiff t;
    build_exif(&t, 0, 8, "2019:07:14 18:30:05", "+01:00");
    for (size_t cut = 0; cut < t.len; cut++) {
        size_t len;
        uint8_t *j = with_exif(jpeg, jlen, t.buf, cut, &len);
        fc_exif_read(j, len, &e);
        CHECK(e.orientation >= 1 && e.orientation <= 8);
        uint8_t garbled[512];
        memcpy(garbled, t.buf, t.len);
        garbled[cut] ^= 0xFF;
        free(j);
        j = with_exif(jpeg, jlen, garbled, t.len, &len);
        fc_exif_read(j, len, &e);
        CHECK(e.orientation >= 1 && e.orientation <= 8);
        free(j);
    }
    free(jpeg);
}

static uint8_t *append(uint8_t *buf, size_t *len, const void *data, size_t n)
{
    uint8_t *grown = realloc(buf, *len + n);
    CHECK(grown != NULL);
    if (!grown) exit(1);
    memcpy(grown + *len, data, n);
    *len += n;
    return grown;
}

/* A PNG chunk: length, type, data, and a CRC the reader does not check. */
static uint8_t *png_chunk(uint8_t *buf, size_t *len, const char *type, const void *data, size_t n)
{
    const uint8_t size[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    buf = append(buf, len, size, 4);
    buf = append(buf, len, type, 4);
    buf = append(buf, len, data, n);
    return append(buf, len, "\0\0\0\0", 4);
}

/* A RIFF chunk: type, little-endian length, data, a pad byte to an even length. */
static uint8_t *riff_chunk(uint8_t *buf, size_t *len, const char *type, const void *data, size_t n)
{
    const uint8_t size[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    buf = append(buf, len, type, 4);
    buf = append(buf, len, size, 4);
    buf = append(buf, len, data, n);
    return n & 1 ? append(buf, len, "", 1) : buf;
}

/* The same EXIF block in every container that keeps one as a bare TIFF structure: a PNG's
 * eXIf chunk (before or after the image data), a WebP's EXIF chunk (bare, or behind
 * "Exif\0\0" as some tools write it), and a TIFF file's own directories. */
static void test_exif_containers(void)
{
    for (int o = 1; o <= 8; o++) {
        tiff t;
        build_exif(&t, o % 2, o, "2021:03:04 05:06:07", "+01:00");
        for (int kind = 0; kind < 5; kind++) {
            uint8_t *file = NULL;
            size_t len = 0;
            const char *what = "";
            if (kind <= 1) {
                what = kind ? "PNG, eXIf after IDAT" : "PNG";
                file = append(file, &len, "\x89PNG\r\n\x1a\n", 8);
                file = png_chunk(file, &len, "IHDR", "\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13);
                if (kind) file = png_chunk(file, &len, "IDAT", "x", 1);
                file = png_chunk(file, &len, "eXIf", t.buf, t.len);
                file = png_chunk(file, &len, "IEND", "", 0);
            } else if (kind <= 3) {
                what = kind == 3 ? "WebP, Exif header" : "WebP";
                uint8_t body[512];
                size_t n = 0;
                if (kind == 3) memcpy(body, "Exif\0\0", 6), n = 6;
                memcpy(body + n, t.buf, t.len);
                n += t.len;
                size_t chunks = 0;
                uint8_t *inner = riff_chunk(NULL, &chunks, "VP8X", "\x08\0\0\0\0\0\0\0\0\0", 10);
                inner = riff_chunk(inner, &chunks, "EXIF", body, n);
                const uint32_t riff = (uint32_t)chunks + 4;
                const uint8_t size[4] = {(uint8_t)riff, (uint8_t)(riff >> 8), (uint8_t)(riff >> 16),
                                         (uint8_t)(riff >> 24)};
                file = append(file, &len, "RIFF", 4);
                file = append(file, &len, size, 4);
                file = append(file, &len, "WEBP", 4);
                file = append(file, &len, inner, chunks);
                free(inner);
            } else {
                what = "TIFF";
                file = append(file, &len, t.buf, t.len);
            }
            fc_exif e;
            fc_exif_read(file, len, &e);
            CHECK_MSG(e.orientation == o, "%s: orientation %d read as %d", what, o, e.orientation);
            CHECK_MSG(e.has_time && e.year == 2021 && e.second == 7 && e.has_offset &&
                          e.offset_minutes == 60,
                      "%s: capture time not read", what);
            /* cut short anywhere: defaults or the right values, never a crash */
            for (size_t cut = 0; cut < len; cut += 7) {
                fc_exif_read(file, cut, &e);
                CHECK(e.orientation >= 1 && e.orientation <= 8);
            }
            free(file);
        }
    }
}

static void test_orient_pixels(void)
{
    /* a 5 x 3 image whose every pixel is different */
    fc_image src;
    char err[FC_ERR_MAX];
    CHECK(fc_image_alloc(&src, 5, 3, err) == 0);
    for (int i = 0; i < 15; i++)
        src.rgb[3 * i] = (uint8_t)i, src.rgb[3 * i + 1] = 0, src.rgb[3 * i + 2] = 7;
    for (int o = 0; o <= 9; o++) {
        fc_image up;
        CHECK(fc_image_alloc(&up, 5, 3, err) == 0);
        memcpy(up.rgb, src.rgb, 45);
        CHECK(fc_image_orient(&up, o, err) == 0);
        const int swap = o >= 5 && o <= 8;
        CHECK(up.width == (swap ? 3 : 5) && up.height == (swap ? 5 : 3));
        /* every stored pixel's centre, mapped upright, lands on the same pixel value */
        for (int sy = 0; sy < 3; sy++)
            for (int sx = 0; sx < 5; sx++) {
                double ux, uy;
                fc_orient_point(o, 5, 3, sx + 0.5, sy + 0.5, &ux, &uy);
                int px = (int)ux, py = (int)uy;
                CHECK(px >= 0 && py >= 0 && px < up.width && py < up.height &&
                      up.rgb[((size_t)py * up.width + px) * 3] == src.rgb[(sy * 5 + sx) * 3]);
            }
        /* and two fixed points, by hand: orientation 6 turns clockwise, so the stored
         * bottom-left pixel (10) is the upright top-left; 8 the other way round */
        if (o == 6) CHECK(up.rgb[0] == 10 && up.rgb[(size_t)(up.width - 1) * 3] == 0);
        if (o == 8) CHECK(up.rgb[0] == 4 && up.rgb[(size_t)(4 * up.width) * 3] == 0);
        if (o == 3) CHECK(up.rgb[0] == 14);
        fc_image_free(&up);
    }
    fc_image_free(&src);
}

static void test_scaled_decode(void)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/sample1.jpg", samples ? samples : "");
    size_t len;
    uint8_t *jpeg = read_all(path, &len);
    if (!jpeg) {
        harness_checks++;
        if (harness_missing("sample photos (FACECLUSTER_SAMPLES)") == 1) harness_failures++;
        return;
    }
    fc_image full, small;
    fc_decode_info info;
    CHECK(fc_image_decode_opts(jpeg, len, NULL, &full, &info, err) == 0);
    CHECK(info.full_width == 1920 && info.scale_num == 8 && info.scale_denom == 8);
    /* 1920 wide: 480 needs 2/8; 481 needs 3/8 (720); above 1920 means full size */
    const int want[][3] = {{480, 2, 480}, {481, 3, 720}, {100, 1, 240}, {5000, 8, 1920}};
    for (int i = 0; i < 4; i++) {
        fc_decode_opts opts = {.min_long_side = want[i][0]};
        CHECK(fc_image_decode_opts(jpeg, len, &opts, &small, &info, err) == 0);
        CHECK_MSG(info.scale_num == want[i][1] && small.width == want[i][2] &&
                      info.full_width == 1920 && info.full_height == 1280,
                  "min %d: scale %d/8, %dx%d", want[i][0], info.scale_num, small.width,
                  small.height);
        /* the scaled image is the full one, smaller: compare block means */
        int f = full.width / small.width;
        if (f > 1 && full.width == small.width * f) {
            double diff = 0;
            int n = 0;
            for (int y = 0; y < small.height; y += 7)
                for (int x = 0; x < small.width; x += 7, n++) {
                    double mean = 0;
                    for (int dy = 0; dy < f; dy++)
                        for (int dx = 0; dx < f; dx++)
                            mean += full.rgb[((size_t)(y * f + dy) * full.width + x * f + dx) * 3];
                    diff += fabs(mean / (f * f) - small.rgb[((size_t)y * small.width + x) * 3]);
                }
            CHECK_MSG(diff / n < 4.0, "scale 1/%d differs from the full image by %.2f", f,
                      diff / n);
        }
        fc_image_free(&small);
    }
    /* a region: the pixels of that part of the whole decode, from the whole block the
     * decoder widened it to; at full scale and at 1/2. Chroma upsampling near where the
     * decoder starts differs by a few levels in a few pixels. */
    const int regions[][5] = {{8, 333, 201, 150, 120},
                              {4, 1000, 700, 400, 300},
                              {8, 1800, 1200, 500, 500}}; /* the last runs off the corner */
    for (int i = 0; i < 3; i++) {
        fc_decode_opts opts = {
            .scale_num = regions[i][0],
            .region = {regions[i][1], regions[i][2], regions[i][3], regions[i][4]}};
        fc_image whole, part;
        fc_decode_opts scale_only = {.scale_num = regions[i][0]};
        CHECK(fc_image_decode_opts(jpeg, len, &scale_only, &whole, NULL, err) == 0);
        CHECK(fc_image_decode_opts(jpeg, len, &opts, &part, &info, err) == 0);
        const double k = regions[i][0] / 8.0;
        const int want_x = (int)(regions[i][1] * k), want_y = (int)(regions[i][2] * k);
        CHECK_MSG(info.region_x <= want_x && info.region_y == want_y &&
                      info.region_x + part.width >=
                          (int)fmin(ceil((regions[i][1] + regions[i][3]) * k), whole.width) &&
                      info.region_y + part.height ==
                          (int)fmin(ceil((regions[i][2] + regions[i][4]) * k), whole.height),
                  "region %d: %dx%d at %d,%d", i, part.width, part.height, info.region_x,
                  info.region_y);
        int worst = 0;
        double sum = 0;
        for (int y = 0; y < part.height; y++)
            for (int x = 0; x < part.width * 3; x++) {
                int d =
                    part.rgb[(size_t)y * part.width * 3 + x] -
                    whole.rgb[((size_t)(y + info.region_y) * whole.width + info.region_x) * 3 + x];
                if (abs(d) > worst) worst = abs(d);
                sum += abs(d);
            }
        const double mean = sum / ((double)part.width * part.height * 3);
        CHECK_MSG(worst <= 4 && mean < 0.05,
                  "region %d differs from the whole decode by %d (mean %.3f)", i, worst, mean);
        fc_image_free(&whole);
        fc_image_free(&part);
    }
    fc_decode_opts outside = {.region = {5000, 5000, 10, 10}};
    CHECK(fc_image_decode_opts(jpeg, len, &outside, &small, &info, err) == -EINVAL);
    fc_image_free(&full);
    free(jpeg);
}

/* The jpegtran variants: decoded, turned upright by their tag, each must show the
 * original crop (lossless DCT transforms; only upsampling rounding differs). */
static int run_variants(const char *dir)
{
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/orig.jpg", dir);
    fc_image orig;
    if (fc_image_load(path, &orig, err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err);
        return 1;
    }
    for (int o = 1; o <= 8; o++) {
        size_t tagged_len;
        uint8_t *tagged = read_tagged_variant(dir, o, &tagged_len);
        CHECK(tagged != NULL);
        if (!tagged) continue;
        fc_exif e;
        fc_image img;
        fc_exif_read(tagged, tagged_len, &e);
        CHECK(e.orientation == o);
        CHECK(fc_image_decode(tagged, tagged_len, &img, err) == 0 &&
              fc_image_orient(&img, e.orientation, err) == 0);
        CHECK(img.width == orig.width && img.height == orig.height);
        if (img.width == orig.width && img.height == orig.height) {
            double sum = 0;
            int worst = 0;
            for (size_t i = 0; i < (size_t)img.width * img.height * 3; i++) {
                int d = abs((int)img.rgb[i] - (int)orig.rgb[i]);
                sum += d;
                if (d > worst) worst = d;
            }
            double mean = sum / ((double)img.width * img.height * 3);
            fprintf(stderr, "orientation %d: mean |diff| %.3f, max %d\n", o, mean, worst);
            CHECK_MSG(mean < 0.3 && worst <= 6, "orientation %d: mean %.3f max %d", o, mean, worst);
        }
        fc_image_free(&img);
        free(tagged);
    }
    fc_image_free(&orig);
    return harness_exit();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--variants") == 0) return run_variants(argv[2]);
    RUN(test_exif_fields);
    RUN(test_exif_containers);
    RUN(test_orient_pixels);
    RUN(test_scaled_decode);
    return harness_exit();
}
