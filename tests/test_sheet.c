/* Contact sheets: the bitmap font's glyphs and UTF-8 handling, a sheet's geometry, crops
 * resampled into cells at the right places, "missing" cells, face squares, and decoding
 * a photo's faces upright (EXIF orientation) at a reduced scale. No model needed. */
#include "tests/harness.h"

#include "tests/exif_builder.h"

#include "core/fc_error.h"
#include "core/sheet/font.h"
#include "core/image/image.h"
#include "core/sheet/sheet.h"
#include "core/sheet/typeface.h"

#include <errno.h>
#include <stdint.h>

static const uint8_t white[3] = {255, 255, 255};

static int blank(fc_image *img, int w, int h)
{
    char err[FC_ERR_MAX];
    if (fc_image_alloc(img, w, h, err) != 0) return -1;
    memset(img->rgb, 0, (size_t)w * h * 3);
    return 0;
}

static int lit(const fc_image *img, int x0, int y0, int w, int h)
{
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++)
            if (x >= 0 && y >= 0 && x < img->width && y < img->height &&
                img->rgb[((size_t)y * img->width + x) * 3] != 0)
                n++;
    return n;
}

static const uint8_t *px(const fc_image *img, int x, int y)
{
    return img->rgb + ((size_t)y * img->width + x) * 3;
}

static void test_glyphs(void)
{
    /* 'A': a round top, a bar across the middle */
    static const uint8_t a[8] = {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00};
    CHECK(memcmp(fc_font_glyph('A'), a, 8) == 0);
    /* 'I' and '1', drawn: the pixel counts of their shapes, times scale squared */
    fc_image img;
    if (blank(&img, 64, 32) != 0) {
        CHECK(!"alloc");
        return;
    }
    CHECK(fc_font_draw(&img, 0, 0, "I", 1, white, 0) == 5);
    CHECK(lit(&img, 0, 0, 64, 32) == 11);
    memset(img.rgb, 0, (size_t)img.width * img.height * 3);
    CHECK(fc_font_draw(&img, 2, 3, "1", 3, white, 0) == 15);
    CHECK(lit(&img, 0, 0, 64, 32) == 10 * 9);
    CHECK(lit(&img, 0, 0, 64, 3) == 0 && lit(&img, 0, 0, 2, 32) == 0); /* placed at (2, 3) */
    /* '1' at scale 3: its top pixel is column 2 of row 0, a 3x3 block */
    CHECK(px(&img, 2 + 6, 3)[0] == 255 && px(&img, 2 + 8, 5)[0] == 255);
    CHECK(px(&img, 2 + 5, 3)[0] == 0 && px(&img, 2 + 9, 3)[0] == 0);
    /* 'g' reaches into the descender row, 'a' does not */
    CHECK(fc_font_glyph('g')[7] != 0 && fc_font_glyph('a')[7] == 0);
    /* every printable glyph but the space draws something; outside ASCII is '?' */
    for (uint32_t c = 33; c < 127; c++) {
        int bits = 0;
        for (int r = 0; r < 8; r++) bits |= fc_font_glyph(c)[r];
        CHECK_MSG(bits != 0 && bits < 0x20, "glyph %u", (unsigned)c);
    }
    CHECK(fc_font_glyph(' ')[3] == 0);
    CHECK(fc_font_glyph(0x7f) == fc_font_glyph('?'));
    CHECK(fc_font_glyph(0xe9) == fc_font_glyph('?'));
    CHECK(fc_font_glyph('\n') == fc_font_glyph('?'));
    fc_image_free(&img);
}

static void test_utf8(void)
{
    uint32_t c;
    CHECK(fc_font_next("\xc3\xa9", &c) == 2 && c == 0xe9);
    CHECK(fc_font_next("\xe6\x97\xa5", &c) == 3 && c == 0x65e5);
    CHECK(fc_font_next("\xf0\x9f\x98\x80", &c) == 4 && c == 0x1f600);
    CHECK(fc_font_next("\xff", &c) == 1 && c == 0xfffd);
    CHECK(fc_font_next("\xc3", &c) == 1 && c == 0xfffd); /* cut short */
    CHECK(fc_font_length("Zo\xc3\xab") == 3);
    CHECK(fc_font_length("\xe6\x97\xa5\xe6\x9c\xac") == 2);
    CHECK(fc_font_width("", 2) == 0);
    CHECK(fc_font_width("ab", 1) == 11 && fc_font_width("ab", 2) == 22);
    /* a non-ASCII name draws as the same text with '?' for each code point */
    fc_image one, two;
    if (blank(&one, 80, 10) != 0 || blank(&two, 80, 10) != 0) {
        CHECK(!"alloc");
        return;
    }
    fc_font_draw(&one, 0, 0, "Zo\xc3\xab \xf0\x9f\x98\x80\xff", 1, white, 0);
    fc_font_draw(&two, 0, 0, "Zo? ??", 1, white, 0);
    CHECK(memcmp(one.rgb, two.rgb, (size_t)80 * 10 * 3) == 0);
    /* too long for max_width: cut at a glyph and ended with "..", all inside */
    memset(one.rgb, 0, (size_t)80 * 10 * 3);
    const int w = fc_font_draw(&one, 0, 0, "a rather long name", 1, white, 40);
    CHECK(w <= 40 && w == fc_font_width("abcd..", 1));
    CHECK(lit(&one, 40, 0, 40, 10) == 0);
    /* clipped at the image's edges, never written outside */
    fc_font_draw(&one, -3, -4, "W", 4, white, 0);
    fc_font_draw(&one, 78, 8, "W", 4, white, 0);
    fc_image_free(&one);
    fc_image_free(&two);
}

static void test_layout(void)
{
    char err[FC_ERR_MAX];
    const fc_sheet_layout l = {.columns = 3,
                               .rows = 2,
                               .cell = 32,
                               .gap = 4,
                               .label_scale = 1,
                               .title_scale = 2,
                               .row_label_width = 50,
                               .row_label_scale = 1};
    fc_sheet *s;
    CHECK(fc_sheet_new(&l, &s, err) == 0);
    if (!s) return;
    const fc_image *img = fc_sheet_image(s);
    /* gap + label column + gap + 3 x (cell + gap); gap + title + gap + 2 x (cell + label + gap) */
    CHECK(img->width == 4 + 50 + 4 + 3 * 36);
    CHECK(img->height == 4 + 16 + 4 + 2 * (32 + 11 + 4));
    int x, y;
    fc_sheet_cell_origin(s, 1, 2, &x, &y);
    CHECK(x == 58 + 2 * 36 && y == 24 + 47);
    fc_sheet_free(s);
    fc_sheet_layout bad = l;
    bad.columns = 0;
    CHECK(fc_sheet_new(&bad, &s, err) == -EINVAL && s == NULL);
    bad = l;
    bad.rows = 5000; /* 5000 rows of 47 pixels: over the side limit */
    CHECK(fc_sheet_new(&bad, &s, err) == -EINVAL && s == NULL);
}

static void test_paste_and_label(void)
{
    char err[FC_ERR_MAX];
    /* a photo: left half red, right half blue, a white dot at (150, 50) */
    fc_image photo;
    if (blank(&photo, 200, 100) != 0) {
        CHECK(!"alloc");
        return;
    }
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 200; x++) {
            uint8_t *p = photo.rgb + ((size_t)y * 200 + x) * 3;
            p[0] = x < 100 ? 200 : 0, p[2] = x < 100 ? 0 : 200;
        }
    const fc_sheet_layout l = {
        .columns = 3, .rows = 1, .cell = 40, .gap = 5, .label_scale = 1, .title_scale = 1};
    fc_sheet *s;
    CHECK(fc_sheet_new(&l, &s, err) == 0);
    if (!s) {
        fc_image_free(&photo);
        return;
    }
    const fc_image *img = fc_sheet_image(s);
    const uint8_t bg[3] = {img->rgb[0], img->rgb[1], img->rgb[2]};
    /* cell 0: the middle square (50..150), shrunk 2.5x: red on the left, blue on the right */
    const double middle[4] = {50, 0, 100, 100};
    CHECK(fc_sheet_put(s, 0, 0, &photo, middle, "7", err) == 0);
    /* cell 1: a quarter of the red half, enlarged */
    const double red[4] = {10, 10, 25, 25};
    CHECK(fc_sheet_put(s, 0, 1, &photo, red, NULL, err) == 0);
    fc_sheet_put_missing(s, 0, 2, "12");
    int x, y;
    fc_sheet_cell_origin(s, 0, 0, &x, &y);
    CHECK(x == 5 && y == 5 + 8 + 5);
    CHECK(px(img, x + 5, y + 20)[0] == 200 && px(img, x + 5, y + 20)[2] == 0);
    CHECK(px(img, x + 35, y + 20)[0] == 0 && px(img, x + 35, y + 20)[2] == 200);
    /* the edge between the halves is averaged, in the middle of the cell */
    CHECK(px(img, x + 19, y + 20)[0] > 0 || px(img, x + 20, y + 20)[0] > 0);
    CHECK(px(img, x + 19, y + 20)[0] == 200 && px(img, x + 20, y + 20)[2] == 200);
    /* the gap left of the cell stays background */
    CHECK(memcmp(px(img, x - 1, y + 20), bg, 3) == 0);
    /* the label "7" centred under cell 0: 5 pixels wide, 8 high, 2 below the cell */
    int ink = 0, outside = 0;
    for (int ly = y + 40; ly < y + 40 + 11; ly++)
        for (int lx = x; lx < x + 40; lx++) {
            const int on = memcmp(px(img, lx, ly), bg, 3) != 0;
            const int inside = lx >= x + 17 && lx < x + 22 && ly >= y + 42 && ly < y + 50;
            ink += on && inside, outside += on && !inside;
        }
    CHECK(ink == 11 && outside == 0); /* '7' has 11 pixels */
    fc_sheet_cell_origin(s, 0, 1, &x, &y);
    for (int i = 0; i < 40; i += 13) CHECK(px(img, x + i, y + i)[0] == 200);
    /* the missing cell: grey at its corners, its word in the middle */
    fc_sheet_cell_origin(s, 0, 2, &x, &y);
    CHECK(px(img, x, y)[0] == 96 && px(img, x + 39, y + 39)[1] == 96);
    CHECK(px(img, x + 1, y + 16)[0] == 96);
    int word = 0;
    for (int lx = x; lx < x + 40; lx++) word += px(img, lx, y + 16 + 3)[0] > 200;
    CHECK(word > 0);
    /* a cell outside the grid or an empty crop is refused */
    CHECK(fc_sheet_put(s, 1, 0, &photo, middle, NULL, err) == -EINVAL);
    const double empty[4] = {10, 10, 0, 0};
    CHECK(fc_sheet_put(s, 0, 0, &photo, empty, NULL, err) == -EINVAL);
    /* a crop reaching outside the photo is clamped to its edge, not read outside it */
    const double beyond[4] = {150, 50, 120, 120};
    CHECK(fc_sheet_put(s, 0, 0, &photo, beyond, NULL, err) == 0);
    /* titles and labels with names that are not ASCII, or not UTF-8, or too long */
    fc_sheet_title(s, "Jos\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xff\xfe and a very long title indeed");
    fc_sheet_row_label(s, 0, "\xf0\x9f\x98\x80", "x"); /* no label column: nothing */
    fc_sheet_free(s);
    fc_image_free(&photo);
}

static void test_row_labels(void)
{
    char err[FC_ERR_MAX];
    const fc_sheet_layout l = {
        .columns = 2, .rows = 2, .cell = 48, .gap = 4, .row_label_width = 60, .row_label_scale = 2};
    fc_sheet *s;
    CHECK(fc_sheet_new(&l, &s, err) == 0);
    if (!s) return;
    const fc_image *img = fc_sheet_image(s);
    fc_sheet_row_label(s, 1, "Zo\xc3\xab L\xc3\xa9vy-Strau\xc3\x9f", "3 faces");
    int x, y;
    fc_sheet_cell_origin(s, 1, 0, &x, &y);
    int row0 = 0, row1 = 0, beyond = 0;
    for (int yy = 0; yy < img->height; yy++)
        for (int xx = 0; xx < img->width; xx++) {
            const int on = px(img, xx, yy)[0] > 100;
            row0 += on && yy < y, row1 += on && yy >= y && yy < y + 48 && xx < 64;
            beyond += on && xx >= 64;
        }
    CHECK(row0 == 0 && row1 > 0 && beyond == 0);
    fc_sheet_free(s);
}

static void test_geometry(void)
{
    double q[4];
    const float box[4] = {100, 100, 40, 40};
    fc_sheet_face_square(box, 0.25, 1000, 1000, q);
    CHECK(q[0] == 90 && q[1] == 90 && q[2] == 60 && q[3] == 60);
    const float corner[4] = {0, 5, 40, 20}; /* the longer side decides */
    fc_sheet_face_square(corner, 0.25, 1000, 1000, q);
    CHECK(q[0] == 0 && q[1] == 0 && q[2] == 60);
    const float big[4] = {10, 10, 300, 200};
    fc_sheet_face_square(big, 0.25, 400, 250, q);
    CHECK(q[2] == 250 && q[1] == 0 && q[0] >= 0 && q[0] + q[2] <= 400);
    fc_sheet_face_square(big, 0.25, 0, 0, q); /* unbounded */
    CHECK(q[2] == 450 && q[0] == 160 - 225);
    const float broken[4] = {NAN, 0, -5, 10};
    fc_sheet_face_square(broken, 0.25, 400, 250, q);
    CHECK(q[2] == 250 && q[0] == 75 && q[1] == 0);
    CHECK(fc_sheet_decode_scale(1000, 112) == 1);
    CHECK(fc_sheet_decode_scale(200, 112) == 5);
    CHECK(fc_sheet_decode_scale(100, 112) == 8);
    CHECK(fc_sheet_decode_scale(224, 112) == 4);
}

/* A JPEG of w x h, grey, with solid squares: red at (rx, ry), green at (gx, gy), 32 px. */
static uint8_t *test_jpeg(int w, int h, int rx, int ry, int gx, int gy, size_t *len)
{
    char err[FC_ERR_MAX];
    fc_image img;
    if (blank(&img, w, h) != 0) return NULL;
    memset(img.rgb, 128, (size_t)w * h * 3);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++) {
            uint8_t *r = img.rgb + ((size_t)(ry + y) * w + rx + x) * 3;
            uint8_t *g = img.rgb + ((size_t)(gy + y) * w + gx + x) * 3;
            r[0] = 250, r[1] = 0, r[2] = 0;
            g[0] = 0, g[1] = 250, g[2] = 0;
        }
    uint8_t *out = NULL;
    fc_image_encode_jpeg(&img, 95, &out, len, err);
    fc_image_free(&img);
    return out;
}

static void check_colour(const fc_image *img, const double sq[4], int channel, const char *what)
{
    const uint8_t *p = px(img, (int)(sq[0] + sq[2] / 2), (int)(sq[1] + sq[3] / 2));
    CHECK_MSG(p[channel] > 200 && p[(channel + 1) % 3] < 60, "%s: %d %d %d", what, p[0], p[1],
              p[2]);
}

static void test_decode_upright(void)
{
    char err[FC_ERR_MAX];
    size_t len, tagged_len;
    /* stored 320 x 240: red square at (40, 80), green at (240, 160) */
    uint8_t *jpeg = test_jpeg(320, 240, 40, 80, 240, 160, &len);
    CHECK(jpeg != NULL);
    if (!jpeg) return;
    fc_image img;
    double sq[2][4];
    /* orientation 1: boxes are the stored squares */
    const float plain[2][4] = {{40, 80, 32, 32}, {240, 160, 32, 32}};
    CHECK(fc_sheet_decode_faces(jpeg, len, plain, 2, 0, 32, &img, sq, err) == 0);
    check_colour(&img, sq[0], 0, "plain red");
    check_colour(&img, sq[1], 1, "plain green");
    CHECK(fabs(sq[0][2] - 32) < 1e-9);
    /* only the region the squares cover was decoded */
    CHECK(img.width < 320 && img.height < 240);
    fc_image_free(&img);
    /* at a cell of 8 pixels, a quarter scale is enough */
    CHECK(fc_sheet_decode_faces(jpeg, len, plain, 2, 0, 8, &img, sq, err) == 0);
    CHECK(fabs(sq[0][2] - 8) < 1e-9 && img.width <= 80 + 16);
    check_colour(&img, sq[0], 0, "quarter red");
    fc_image_free(&img);
    /* EXIF orientations: the boxes are where the squares are once upright */
    for (int o = 1; o <= 8; o++) {
        tiff t;
        build_exif(&t, o % 2, o, NULL, NULL);
        uint8_t *tagged = with_exif(jpeg, len, t.buf, t.len, &tagged_len);
        float up[2][4];
        const float stored[2][2] = {{40, 80}, {240, 160}};
        const int turned = o >= 5;
        for (int i = 0; i < 2; i++) {
            double x0, y0, x1, y1;
            fc_orient_point(o, 320, 240, stored[i][0], stored[i][1], &x0, &y0);
            fc_orient_point(o, 320, 240, stored[i][0] + 32, stored[i][1] + 32, &x1, &y1);
            up[i][0] = (float)fmin(x0, x1), up[i][1] = (float)fmin(y0, y1);
            up[i][2] = up[i][3] = 32;
        }
        for (int cell = 8; cell <= 32; cell += 24) {
            int rc = fc_sheet_decode_faces(tagged, tagged_len, (const float(*)[4])up, 2, 0.25, cell,
                                           &img, sq, err);
            CHECK_MSG(rc == 0, "orientation %d: %s", o, err);
            if (rc) continue;
            char what[64];
            snprintf(what, sizeof what, "orientation %d cell %d red", o, cell);
            check_colour(&img, sq[0], 0, what);
            snprintf(what, sizeof what, "orientation %d cell %d green", o, cell);
            check_colour(&img, sq[1], 1, what);
            /* the whole upright photo decoded would be 240 wide when turned */
            CHECK(img.width <= (turned ? 240 : 320) && img.height <= (turned ? 320 : 240));
            fc_image_free(&img);
        }
        free(tagged);
    }
    /* not an image, and a PPM (decoded whole, as it is) */
    const float one[1][4] = {{1, 1, 2, 2}};
    CHECK(fc_sheet_decode_faces((const uint8_t *)"garbage", 7, one, 1, 0.25, 32, &img, sq, err) <
              0 &&
          img.rgb == NULL);
    const char ppm[] = "P6\n2 2\n255\n\xff\x00\x00\xff\x00\x00\xff\x00\x00\xff\x00\x00";
    CHECK(fc_sheet_decode_faces((const uint8_t *)ppm, sizeof ppm - 1, one, 1, 0.25, 32, &img, sq,
                                err) == 0);
    CHECK(img.width == 2 && sq[0][2] == 2);
    fc_image_free(&img);
    /* a truncated JPEG fails cleanly */
    CHECK(fc_sheet_decode_faces(jpeg, len / 3, plain, 2, 0.25, 32, &img, sq, err) < 0 &&
          img.rgb == NULL);
    free(jpeg);
}

/* The label fonts ($FACECLUSTER_FONTS, set by tests/meson.build from the meson option
 * label_fonts), paths separated by ':'; the count found. */
static int font_paths(const char *paths[FC_TYPEFACE_MAX_FONTS], char *copy, size_t cap)
{
    const char *list = getenv("FACECLUSTER_FONTS");
    snprintf(copy, cap, "%s", list ? list : "");
    int n = 0;
    for (char *save = NULL, *p = strtok_r(copy, ":", &save); p && n < FC_TYPEFACE_MAX_FONTS;
         p = strtok_r(NULL, ":", &save))
        paths[n++] = p;
    return n;
}

/* text drawn alone at scale 3 on black: the image (caller frees) */
static int drawn(fc_typeface *t, const char *text, fc_image *img)
{
    if (blank(img, 160, 40) != 0) return -1;
    fc_typeface_draw(t, img, 4, 4, text, 3, white, 0);
    return 0;
}

static int same_pixels(const fc_image *a, const fc_image *b)
{
    return a->width == b->width && a->height == b->height &&
           memcmp(a->rgb, b->rgb, (size_t)a->width * a->height * 3) == 0;
}

/* Names in other scripts than ASCII's are drawn as themselves through FreeType, not as the
 * bitmap font's '?': each letter inks pixels and differs from '?'; a title on a sheet
 * differs from the same title with '?' for each of them. No font: the bitmap font. */
static void test_typeface(void)
{
    const char *paths[FC_TYPEFACE_MAX_FONTS];
    char copy[4096], note[256], err[FC_ERR_MAX];
    const int n = font_paths(paths, copy, sizeof copy);
    fc_typeface *t = NULL;
    CHECK_MSG(n >= 1 && fc_typeface_open(paths, n, &t, note, sizeof note, err) == 0,
              "the label fonts (%s): %s", getenv("FACECLUSTER_FONTS"), err);
    CHECK_MSG(note[0] == 0, "%s", note);
    if (!t) return;
    fc_image q, c;
    CHECK(drawn(t, "?", &q) == 0);
    const char *letters[] = {"\xc3\xab", "\xc3\x85", "\xc3\xb6", "\xe6\x9d\x8e"}; /* ë Å ö 李 */
    for (size_t i = 0; i < sizeof letters / sizeof *letters; i++) {
        if (drawn(t, letters[i], &c) != 0) break;
        CHECK_MSG(lit(&c, 0, 0, c.width, c.height) > 20, "letter %zu inks", i);
        CHECK_MSG(!same_pixels(&c, &q), "letter %zu is not '?'", i);
        fc_image_free(&c);
    }
    /* 李 is not in DejaVu Sans: the CJK font behind it draws it, not DejaVu's empty box */
    fc_typeface *latin = NULL;
    if (n >= 2 && fc_typeface_open(paths, 1, &latin, note, sizeof note, err) == 0) {
        fc_image box;
        if (drawn(latin, "\xe6\x9d\x8e", &box) == 0 && drawn(t, "\xe6\x9d\x8e", &c) == 0) {
            CHECK(!same_pixels(&box, &c));
            fc_image_free(&c);
        }
        fc_image_free(&box);
        fc_typeface_free(latin);
    }
    fc_image_free(&q);
    /* a sheet's title: the name's letters, not '?' */
    const char *titles[] = {"Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m \xe6\x9d\x8e", "Zo? ?ngstr?m ?"};
    fc_image shown[2];
    for (int i = 0; i < 2; i++) {
        const fc_sheet_layout l = {.columns = 4, .cell = 32, .gap = 4, .title_scale = 3, .font = t};
        fc_sheet *s = NULL;
        CHECK(fc_sheet_new(&l, &s, err) == 0);
        if (!s) return;
        fc_sheet_title(s, titles[i]);
        const fc_image *img = fc_sheet_image(s);
        CHECK(fc_image_alloc(&shown[i], img->width, img->height, err) == 0);
        memcpy(shown[i].rgb, img->rgb, (size_t)img->width * img->height * 3);
        fc_sheet_free(s);
    }
    CHECK(lit(&shown[0], 0, 0, shown[0].width, shown[0].height) > 100);
    CHECK(!same_pixels(&shown[0], &shown[1]));
    fc_image_free(&shown[0]);
    fc_image_free(&shown[1]);
    /* cut short within max_width, ending in ".." */
    const int whole = fc_typeface_width(t, titles[0], 2);
    CHECK(whole > 0);
    if (blank(&c, 200, 40) == 0) {
        const int w = fc_typeface_draw(t, &c, 0, 0, titles[0], 2, white, whole / 2);
        CHECK(w > 0 && w <= whole / 2);
        CHECK(lit(&c, whole / 2, 0, c.width - whole / 2, c.height) == 0);
        fc_image_free(&c);
    }
    fc_typeface_free(t);
    /* no font there: an error, and NULL is the bitmap font */
    const char *none[] = {"/nonexistent/font.ttf"};
    t = NULL;
    CHECK(fc_typeface_open(none, 1, &t, note, sizeof note, err) == -ENOENT && t == NULL);
    CHECK(strstr(note, "/nonexistent/font.ttf") != NULL);
    CHECK(fc_typeface_width(NULL, "abc", 2) == fc_font_width("abc", 2));
    /* ...where a letter outside ASCII is '?' (what every label was before FreeType) */
    fc_image b1, b2;
    if (drawn(NULL, "\xc3\xab", &b1) == 0 && drawn(NULL, "?", &b2) == 0) {
        CHECK(same_pixels(&b1, &b2));
        fc_image_free(&b1);
        fc_image_free(&b2);
    }
}

int main(void)
{
    RUN(test_glyphs);
    RUN(test_typeface);
    RUN(test_utf8);
    RUN(test_layout);
    RUN(test_paste_and_label);
    RUN(test_row_labels);
    RUN(test_geometry);
    RUN(test_decode_upright);
    return harness_exit();
}
