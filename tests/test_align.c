/* Face alignment: the similarity fit, dlib's template, and sampling the chip. */
#include "tests/harness.h"

#include "core/nets/align.h"
#include "core/fc_error.h"

#include <errno.h>

static void apply(const fc_similarity *t, double x, double y, double *ox, double *oy)
{
    *ox = t->a * x - t->b * y + t->tx;
    *oy = t->b * x + t->a * y + t->ty;
}

static void test_fit(void)
{
    const fc_similarity truth = {1.7 * cos(0.3), 1.7 * sin(0.3), 40.5, -12.25};
    double from[10][2], to[10][2];
    unsigned seed = 5;
    for (int i = 0; i < 10; i++) {
        from[i][0] = 100 * harness_random(&seed), from[i][1] = 100 * harness_random(&seed);
        apply(&truth, from[i][0], from[i][1], &to[i][0], &to[i][1]);
    }
    fc_similarity t;
    char err[FC_ERR_MAX];
    CHECK(fc_similarity_fit((const double(*)[2])from, (const double(*)[2])to, 10, &t, err) == 0);
    CHECK(fabs(t.a - truth.a) < 1e-9 && fabs(t.b - truth.b) < 1e-9 &&
          fabs(t.tx - truth.tx) < 1e-7 && fabs(t.ty - truth.ty) < 1e-7);
    /* a mirror image cannot be fitted by a similarity: the fit is the best rotation */
    for (int i = 0; i < 10; i++) to[i][0] = -from[i][0], to[i][1] = from[i][1];
    CHECK(fc_similarity_fit((const double(*)[2])from, (const double(*)[2])to, 10, &t, err) == 0);
    CHECK(fabs(t.a) < 0.2); /* nowhere near the identity */
    for (int i = 0; i < 10; i++) from[i][0] = from[i][1] = 3.0;
    CHECK(fc_similarity_fit((const double(*)[2])from, (const double(*)[2])to, 10, &t, err) ==
          -EINVAL);
}

static void test_template(void)
{
    const fc_similarity truth = {0.8 * cos(-0.2), 0.8 * sin(-0.2), 300, 210};
    float face[FC_LANDMARKS][2], moved[FC_LANDMARKS][2];
    fc_similarity t, t2;
    char err[FC_ERR_MAX];
    for (int i = 0; i < FC_LANDMARKS; i++) face[i][0] = face[i][1] = 75.0f;
    CHECK(fc_align_dlib(face, FC_CHIP_SIZE, FC_CHIP_PADDING, &t, err) == -EINVAL);
    /* any face: moving every landmark by a similarity moves the fit by exactly that */
    for (int i = 0; i < FC_LANDMARKS; i++) face[i][0] = (float)i, face[i][1] = (float)(i * i % 37);
    CHECK(fc_align_dlib(face, FC_CHIP_SIZE, FC_CHIP_PADDING, &t, err) == 0);
    for (int i = 0; i < FC_LANDMARKS; i++) {
        double x, y;
        apply(&truth, face[i][0], face[i][1], &x, &y);
        moved[i][0] = (float)x, moved[i][1] = (float)y;
    }
    CHECK(fc_align_dlib(moved, FC_CHIP_SIZE, FC_CHIP_PADDING, &t2, err) == 0);
    for (int c = 0; c <= FC_CHIP_SIZE; c += 50)
        for (int r = 0; r <= FC_CHIP_SIZE; r += 50) {
            double x1, y1, x2, y2, xm, ym;
            apply(&t, c, r, &x1, &y1);
            apply(&truth, x1, y1, &xm, &ym);
            apply(&t2, c, r, &x2, &y2);
            CHECK(fabs(xm - x2) < 1e-3 && fabs(ym - y2) < 1e-3);
        }
    /* the jaw, eyebrows and lower lip do not count: moving them changes nothing */
    for (int i = 0; i < FC_LANDMARKS; i++)
        if (i <= 26 || (i >= 55 && i <= 59) || i >= 65) face[i][0] += 40, face[i][1] -= 25;
    fc_similarity t3;
    CHECK(fc_align_dlib(face, FC_CHIP_SIZE, FC_CHIP_PADDING, &t3, err) == 0);
    CHECK(t3.a == t.a && t3.b == t.b && t3.tx == t.tx && t3.ty == t.ty);
}

static void test_extract(void)
{
    char err[FC_ERR_MAX];
    fc_image img;
    CHECK(fc_image_alloc(&img, 64, 48, err) == 0);
    for (int y = 0; y < 48; y++)
        for (int x = 0; x < 64; x++) {
            uint8_t *p = img.rgb + ((size_t)y * 64 + x) * 3;
            p[0] = (uint8_t)(x * 4), p[1] = (uint8_t)(y * 5), p[2] = (uint8_t)((x ^ y) * 3);
        }
    uint8_t chip[16 * 16 * 3];
    /* a translation is a crop */
    fc_similarity shift = {1, 0, 10, 20};
    CHECK(fc_align_extract(&img, &shift, 16, chip, err) == 0);
    CHECK(memcmp(chip, img.rgb + ((size_t)20 * 64 + 10) * 3, 16 * 3) == 0);
    CHECK(memcmp(chip + 15 * 16 * 3, img.rgb + ((size_t)35 * 64 + 10) * 3, 16 * 3) == 0);
    /* a quarter turn: chip (c, r) shows image (x0 - r, y0 + c) */
    fc_similarity turn = {0, 1, 40, 5};
    CHECK(fc_align_extract(&img, &turn, 16, chip, err) == 0);
    int same = 1;
    for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++)
            same &= memcmp(chip + ((size_t)r * 16 + c) * 3,
                           img.rgb + ((size_t)(5 + c) * 64 + (40 - r)) * 3, 3) == 0;
    CHECK(same);
    /* outside the image: black */
    fc_similarity away = {1, 0, 100, 100};
    CHECK(fc_align_extract(&img, &away, 16, chip, err) == 0);
    CHECK(chip[0] == 0 && chip[sizeof chip - 1] == 0);
    /* shrinking 3x goes through a halved copy: a smooth ramp stays a ramp */
    fc_similarity shrink = {3, 0, 0.5, 0.5};
    CHECK(fc_align_extract(&img, &shrink, 16, chip, err) == 0);
    for (int c = 0; c < 15; c++) {
        int want = (int)lround((3 * c + 0.5) * 4); /* red = 4x at the sampled place */
        CHECK_MSG(abs(chip[c * 3] - want) <= 4, "column %d: %d vs %d", c, chip[c * 3], want);
    }
    fc_image_free(&img);
}

/* The chip of a face far smaller than its photo is sampled from the face's neighbourhood
 * only: the same face placed elsewhere in a larger photo, at an offset that keeps the
 * halving grid (a multiple of 2^levels), gives the same chip (within a unit of rounding);
 * a chip reaching over the photo's edge works. */
static int imax(int a, int b)
{
    return a > b ? a : b;
}

static void test_extract_where_in_photo(void)
{
    char err[FC_ERR_MAX];
    fc_image small, large;
    CHECK(fc_image_alloc(&small, 1600, 1500, err) == 0);
    CHECK(fc_image_alloc(&large, 4000, 3200, err) == 0);
    unsigned seed = 11;
    for (size_t i = 0; i < (size_t)1600 * 1500 * 3; i++)
        small.rgb[i] = (uint8_t)(128 + 127 * harness_random(&seed));
    memset(large.rgb, 0, (size_t)4000 * 3200 * 3);
    const int dx = 1024 + 512, dy = 1024; /* multiples of 2^levels for scales up to 16 */
    for (int y = 0; y < 1500; y++)
        memcpy(large.rgb + ((size_t)(y + dy) * 4000 + dx) * 3, small.rgb + (size_t)y * 1600 * 3,
               1600 * 3);
    const double scales[] = {0.7, 2.5, 3.3, 9.0};
    uint8_t a[FC_CHIP_SIZE * FC_CHIP_SIZE * 3], b[FC_CHIP_SIZE * FC_CHIP_SIZE * 3];
    for (int k = 0; k < 4; k++) {
        const double s = scales[k], angle = k < 3 ? 0.2 * k : 0.05; /* inside the photo */
        /* centred on the small photo's centre, and shifted to reach over its left edge */
        for (int edge = 0; edge < 2; edge++) {
            const double cx = edge ? 40 : 800, cy = 750;
            fc_similarity t = {s * cos(angle), s * sin(angle), 0, 0};
            t.tx = cx - (t.a * 75 - t.b * 75), t.ty = cy - (t.b * 75 + t.a * 75);
            fc_similarity u = t;
            u.tx += dx, u.ty += dy;
            CHECK(fc_align_extract(&small, &t, FC_CHIP_SIZE, a, err) == 0);
            CHECK(fc_align_extract(&large, &u, FC_CHIP_SIZE, b, err) == 0);
            if (edge) continue; /* over the edge: the small photo ends, the large goes on */
            int worst = 0;      /* the shifted positions round differently in the last bit */
            for (size_t i = 0; i < sizeof a; i++) worst = imax(worst, abs(a[i] - b[i]));
            CHECK_MSG(worst <= 1, "scale %.1f: chips differ by %d", s, worst);
        }
    }
    fc_image_free(&small);
    fc_image_free(&large);
}

int main(void)
{
    RUN(test_fit);
    RUN(test_template);
    RUN(test_extract);
    RUN(test_extract_where_in_photo);
    return harness_exit();
}
