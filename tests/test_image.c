/* Decoding: real sample photos, PPM, and every kind of bad input as an error. Also the
 * SHA-256 that pins decoded pixels in the golden tests. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/util/sha256.h"

#include <errno.h>
#include <stdint.h>

static void test_sha256_vectors(void)
{
    char hex[65];
    fc_sha256_hex("", 0, hex);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    fc_sha256_hex("abc", 3, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    fc_sha256_hex(two_blocks, strlen(two_blocks), hex);
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
    /* fed in uneven pieces gives the same digest as one shot */
    uint8_t big[1000], d1[32], d2[32];
    for (int i = 0; i < 1000; i++) big[i] = (uint8_t)(i * 7);
    fc_sha256 ctx;
    fc_sha256_init(&ctx);
    for (size_t off = 0, step = 1; off < 1000; off += step, step = step * 3 % 97 + 1)
        fc_sha256_update(&ctx, big + off, off + step > 1000 ? 1000 - off : step);
    fc_sha256_final(&ctx, d1);
    fc_sha256_init(&ctx);
    fc_sha256_update(&ctx, big, 1000);
    fc_sha256_final(&ctx, d2);
    CHECK(memcmp(d1, d2, 32) == 0);
}

static void test_ppm(void)
{
    char err[FC_ERR_MAX];
    fc_image img;
    const char good[] = "P6\n# a comment\n2 1\n255\n\x01\x02\x03\x04\x05\x06";
    CHECK(fc_image_decode((const uint8_t *)good, sizeof good - 1, &img, err) == 0);
    CHECK(img.width == 2 && img.height == 1 && img.rgb[5] == 6);
    fc_image_free(&img);
    const char *bad[] = {
        "P6\n2 1\n255\n\x01\x02\x03",   /* truncated pixels */
        "P6\n2 1\n65535\n",             /* 16-bit */
        "P6\n0 1\n255\n",               /* zero width */
        "P6\n99999999 99999999\n255\n", /* absurd size */
        "P6\n70000 70000\n255\n",       /* over the side limit */
        "P6\n",                         /* no header */
        "P5\n1 1\n255\n\x01",           /* greyscale PGM */
        "hello world",                  /* not an image */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        int rc = fc_image_decode((const uint8_t *)bad[i], strlen(bad[i]), &img, err);
        CHECK_MSG(rc < 0 && img.rgb == NULL && err[0] != 0, "bad input %zu accepted", i);
    }
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*len);
    if (fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static void test_jpeg(void)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/sample1.jpg", samples ? samples : "");
    size_t len = 0;
    uint8_t *jpeg = read_all(path, &len);
    if (!jpeg) {
        harness_checks++;
        if (harness_missing("sample photos (FACECLUSTER_SAMPLES)") == 1) harness_failures++;
        return;
    }
    fc_image img;
    CHECK_MSG(fc_image_load(path, &img, err) == 0, "%s", err);
    CHECK(img.width == 1920 && img.height == 1280);
    fc_image_free(&img);

    /* truncated anywhere: an error, never a crash and never half an image */
    size_t cuts[] = {2, 3, 100, 600, len / 4, len / 2, len - 2};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        int rc = fc_image_decode(jpeg, cuts[i], &img, err);
        CHECK_MSG(rc < 0 && img.rgb == NULL, "JPEG cut at %zu bytes decoded", cuts[i]);
    }
    /* garbage in the entropy-coded data: error or a full image, no crash (ASan watches) */
    uint8_t *bad = malloc(len);
    for (int trial = 0; trial < 8; trial++) {
        memcpy(bad, jpeg, len);
        for (size_t p = 2000 + (size_t)trial * 977; p < len; p += 4099) bad[p] ^= 0x5A;
        if (fc_image_decode(bad, len, &img, err) == 0) {
            CHECK(img.width == 1920 && img.height == 1280);
            fc_image_free(&img);
        }
    }
    /* a corrupted header */
    memcpy(bad, jpeg, len);
    for (size_t p = 20; p < 200; p++) bad[p] = 0xFF;
    CHECK(fc_image_decode(bad, len, &img, err) < 0 && err[0] != 0);
    free(bad);
    free(jpeg);

    CHECK(fc_image_load("/nonexistent/photo.jpg", &img, err) == -ENOENT);
    CHECK(fc_image_load(samples, &img, err) == -EINVAL); /* a directory */
}

static void test_crop(void)
{
    char err[FC_ERR_MAX];
    fc_image src, out;
    CHECK(fc_image_alloc(&src, 4, 3, err) == 0);
    for (int i = 0; i < 36; i++) src.rgb[i] = (uint8_t)i;
    CHECK(fc_image_crop(&src, 1, 1, 2, 2, &out, err) == 0);
    CHECK(out.rgb[0] == 15 && out.rgb[11] == (2 * 4 + 2) * 3 + 2);
    fc_image_free(&out);
    CHECK(fc_image_crop(&src, 3, 0, 2, 1, &out, err) == -EINVAL);
    CHECK(fc_image_crop(&src, 0, 0, 0, 1, &out, err) == -EINVAL);
    CHECK(fc_image_crop(&src, -1, 0, 1, 1, &out, err) == -EINVAL);
    fc_image_free(&src);
}

int main(void)
{
    RUN(test_sha256_vectors);
    RUN(test_ppm);
    RUN(test_jpeg);
    RUN(test_crop);
    return harness_exit();
}
