/* Contact sheets (sheet.h): the grid's geometry, resampling face squares into cells, and
 * decoding a photo once, upright, at the scale and over the region its faces need. */
#include "core/sheet/sheet.h"

#include "core/image/exif.h"
#include "core/fc_error.h"
#include "core/sheet/font.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t background[3] = {34, 34, 34};
static const uint8_t ink[3] = {235, 235, 235};
static const uint8_t dim_ink[3] = {160, 160, 160};
static const uint8_t missing_fill[3] = {96, 96, 96};
static const uint8_t mark_ink[3] = {255, 140, 0}; /* orange: look again */

struct fc_sheet {
    fc_sheet_layout layout;
    fc_image img;
    int title_h;  /* the title band's height (0: none) */
    int label_h;  /* the band under each cell for its label (0: none) */
    int grid_x0;  /* the first column's left edge */
    int grid_y0;  /* the first row's top edge */
    int row_step; /* from one row's top to the next */
};

/* ---------------------------------------------------------------- the canvas */

static void fill(fc_image *img, int x, int y, int w, int h, const uint8_t rgb[3])
{
    const int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    const int x1 = x + w > img->width ? img->width : x + w;
    const int y1 = y + h > img->height ? img->height : y + h;
    for (int row = y0; row < y1; row++)
        for (int col = x0; col < x1; col++)
            memcpy(img->rgb + ((size_t)row * img->width + col) * 3, rgb, 3);
}

int fc_sheet_new(const fc_sheet_layout *layout, fc_sheet **out, char *err)
{
    *out = NULL;
    const fc_sheet_layout *l = layout;
    if (l->columns < 1 || l->columns > FC_SHEET_MAX_COLUMNS || l->rows < 0 || l->cell < 8 ||
        l->cell > FC_SHEET_MAX_CELL || l->gap < 0 || l->gap > l->cell || l->label_scale < 0 ||
        l->label_scale > FC_SHEET_MAX_SCALE || l->title_scale < 0 ||
        l->title_scale > FC_SHEET_MAX_SCALE || l->row_label_width < 0 ||
        l->row_label_width > 8 * FC_SHEET_MAX_CELL || l->row_label_scale < 0 ||
        l->row_label_scale > FC_SHEET_MAX_SCALE || l->min_width < 0)
        return fc_errorf(err, -EINVAL, "contact sheet layout out of bounds");
    fc_sheet *s = calloc(1, sizeof *s);
    if (!s) return fc_errorf(err, -ENOMEM, "out of memory");
    s->layout = *l;
    s->title_h = l->title_scale * FC_FONT_GLYPH_H;
    s->label_h = l->label_scale ? l->label_scale * (FC_FONT_GLYPH_H + 3) : 0;
    s->grid_x0 = l->gap + (l->row_label_width ? l->row_label_width + l->gap : 0);
    s->grid_y0 = l->gap + (s->title_h ? s->title_h + l->gap : 0);
    s->row_step = l->cell + s->label_h + l->gap;
    /* all in int64: a huge grid is refused by fc_image_alloc, never overflows */
    int64_t width = s->grid_x0 + (int64_t)l->columns * (l->cell + l->gap);
    if (width < l->min_width) width = l->min_width;
    const int64_t height = s->grid_y0 + (int64_t)l->rows * s->row_step;
    if (width > FC_IMAGE_MAX_SIDE || height > FC_IMAGE_MAX_SIDE) {
        free(s);
        return fc_errorf(err, -EINVAL,
                         "a contact sheet of %lldx%lld pixels is too large (at most %d a side)",
                         (long long)width, (long long)height, FC_IMAGE_MAX_SIDE);
    }
    int rc = fc_image_alloc(&s->img, (int)width, (int)(height < 1 ? 1 : height), err);
    if (rc) {
        free(s);
        return rc;
    }
    fill(&s->img, 0, 0, s->img.width, s->img.height, background);
    *out = s;
    return 0;
}

void fc_sheet_free(fc_sheet *s)
{
    if (!s) return;
    fc_image_free(&s->img);
    free(s);
}

const fc_image *fc_sheet_image(const fc_sheet *s)
{
    return &s->img;
}

void fc_sheet_cell_origin(const fc_sheet *s, int row, int col, int *x, int *y)
{
    *x = s->grid_x0 + col * (s->layout.cell + s->layout.gap);
    *y = s->grid_y0 + row * s->row_step;
}

void fc_sheet_title(fc_sheet *s, const char *text)
{
    if (!s->title_h) return;
    const int gap = s->layout.gap;
    fc_typeface_draw(s->layout.font, &s->img, gap, gap, text, s->layout.title_scale, ink,
                     s->img.width - 2 * gap);
}

void fc_sheet_row_label(fc_sheet *s, int row, const char *text, const char *detail)
{
    const fc_sheet_layout *l = &s->layout;
    if (!l->row_label_width || row < 0 || row >= l->rows) return;
    const int scale = l->row_label_scale ? l->row_label_scale : 1;
    const int small = scale / 2 ? scale / 2 : 1;
    const int line = scale * FC_FONT_GLYPH_H, second = detail ? small * (FC_FONT_GLYPH_H + 4) : 0;
    int x, y;
    fc_sheet_cell_origin(s, row, 0, &x, &y);
    y += (l->cell - line - second) / 2; /* centred beside the faces */
    fc_typeface_draw(s->layout.font, &s->img, l->gap, y, text, scale, ink, l->row_label_width);
    if (detail)
        fc_typeface_draw(s->layout.font, &s->img, l->gap, y + line + small * 4, detail, small,
                         dim_ink, l->row_label_width);
}

static void cell_label(fc_sheet *s, int x, int y, const char *label)
{
    if (!label || !s->label_h) return;
    const int scale = s->layout.label_scale, cell = s->layout.cell;
    const int w = fc_typeface_width(s->layout.font, label, scale);
    const int left = w < cell ? x + (cell - w) / 2 : x;
    fc_typeface_draw(s->layout.font, &s->img, left, y + cell + 2 * scale, label, scale, dim_ink,
                     cell);
}

static int in_grid(const fc_sheet *s, int row, int col)
{
    return row >= 0 && row < s->layout.rows && col >= 0 && col < s->layout.columns;
}

void fc_sheet_put_missing(fc_sheet *s, int row, int col, const char *label)
{
    if (!in_grid(s, row, col)) return;
    const int cell = s->layout.cell;
    int x, y;
    fc_sheet_cell_origin(s, row, col, &x, &y);
    fill(&s->img, x, y, cell, cell, missing_fill);
    const char *word = "missing";
    int scale =
        (cell - 4) / fc_typeface_width(s->layout.font, word, 1); /* as large as fits, up to 4 */
    scale = scale < 1 ? 1 : scale > 4 ? 4 : scale;
    const int w = fc_typeface_width(s->layout.font, word, scale);
    fc_typeface_draw(s->layout.font, &s->img, x + (cell - w) / 2,
                     y + (cell - scale * FC_FONT_GLYPH_H) / 2, word, scale, ink, cell);
    cell_label(s, x, y, label);
}

void fc_sheet_mark(fc_sheet *s, int row, int col)
{
    if (!in_grid(s, row, col)) return;
    const int cell = s->layout.cell, t = cell / 24 > 2 ? cell / 24 : 2;
    int x, y;
    fc_sheet_cell_origin(s, row, col, &x, &y);
    fill(&s->img, x, y, cell, t, mark_ink);
    fill(&s->img, x, y + cell - t, cell, t, mark_ink);
    fill(&s->img, x, y, t, cell, mark_ink);
    fill(&s->img, x + cell - t, y, t, cell, mark_ink);
}

/* ---------------------------------------------------------------- resampling */

/* Which source pixels one output pixel takes along an axis, and their weights. */
typedef struct {
    int first, count;
} span;

/* Output pixels 0..n_out-1 covering [start, start + len) of a source axis of n_src pixels:
 * each the average of the source pixels it covers (shrinking) or interpolated between
 * the two nearest centres (enlarging); clamped to the source's edge. weights holds
 * max_taps floats per output pixel. */
static void axis_taps(double start, double len, int n_out, int n_src, span *spans, float *weights,
                      int max_taps)
{
    const double step = len / n_out;
    for (int o = 0; o < n_out; o++) {
        float *w = weights + (size_t)o * max_taps;
        span *sp = &spans[o];
        if (step >= 1) {
            const double a = fmax(start + o * step, 0), b = fmin(start + (o + 1) * step, n_src);
            int i0 = (int)floor(a), i1 = (int)ceil(b);
            if (i0 > n_src - 1) i0 = n_src - 1;
            if (i1 <= i0) i1 = i0 + 1;
            if (i1 - i0 > max_taps) i1 = i0 + max_taps;
            double sum = 0;
            for (int i = i0; i < i1; i++) {
                const double cover = fmin(b, i + 1) - fmax(a, i);
                w[i - i0] = (float)(cover > 0 ? cover : 0);
                sum += w[i - i0];
            }
            for (int i = i0; i < i1; i++) w[i - i0] = sum > 0 ? (float)(w[i - i0] / sum) : 1.0f;
            sp->first = i0, sp->count = i1 - i0;
        } else {
            const double c = fmin(fmax(start + (o + 0.5) * step - 0.5, 0), n_src - 1);
            const int i0 = (int)c;
            const float f = (float)(c - i0);
            sp->first = i0;
            sp->count = i0 + 1 < n_src ? 2 : 1;
            w[0] = sp->count == 2 ? 1 - f : 1;
            if (sp->count == 2) w[1] = f;
        }
    }
}

int fc_sheet_put(fc_sheet *s, int row, int col, const fc_image *src, const double crop[4],
                 const char *label, char *err)
{
    if (!in_grid(s, row, col))
        return fc_errorf(err, -EINVAL, "cell %d,%d is outside the %dx%d grid", row, col,
                         s->layout.rows, s->layout.columns);
    if (!src->rgb || src->width < 1 || src->height < 1 || !(crop[2] > 0) || !(crop[3] > 0) ||
        !isfinite(crop[0]) || !isfinite(crop[1]) || !isfinite(crop[2]) || !isfinite(crop[3]))
        return fc_errorf(err, -EINVAL, "an empty face crop");
    const int cell = s->layout.cell;
    const double step = fmax(crop[2], crop[3]) / cell;
    const int max_taps = step >= 1 ? (int)fmin(ceil(step) + 2, 65536) : 2;
    span *xs = malloc(2 * (size_t)cell * sizeof *xs);
    float *wx = malloc(2 * (size_t)cell * (size_t)max_taps * sizeof *wx);
    if (!xs || !wx) {
        free(xs);
        free(wx);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    span *ys = xs + cell;
    float *wy = wx + (size_t)cell * max_taps;
    axis_taps(crop[0], crop[2], cell, src->width, xs, wx, max_taps);
    axis_taps(crop[1], crop[3], cell, src->height, ys, wy, max_taps);
    int x0, y0;
    fc_sheet_cell_origin(s, row, col, &x0, &y0);
    for (int y = 0; y < cell; y++) {
        uint8_t *dst = s->img.rgb + ((size_t)(y0 + y) * s->img.width + x0) * 3;
        const float *wyy = wy + (size_t)y * max_taps;
        for (int x = 0; x < cell; x++, dst += 3) {
            const float *wxx = wx + (size_t)x * max_taps;
            float acc[3] = {0, 0, 0};
            for (int j = 0; j < ys[y].count; j++) {
                const uint8_t *p =
                    src->rgb + ((size_t)(ys[y].first + j) * src->width + xs[x].first) * 3;
                float r = 0, g = 0, b = 0;
                for (int i = 0; i < xs[x].count; i++, p += 3)
                    r += wxx[i] * p[0], g += wxx[i] * p[1], b += wxx[i] * p[2];
                acc[0] += wyy[j] * r, acc[1] += wyy[j] * g, acc[2] += wyy[j] * b;
            }
            for (int c = 0; c < 3; c++)
                dst[c] = (uint8_t)(acc[c] <= 0 ? 0 : acc[c] >= 255 ? 255 : lrintf(acc[c]));
        }
    }
    free(xs);
    free(wx);
    cell_label(s, x0, y0, label);
    return 0;
}

/* ---------------------------------------------------------------- geometry */

void fc_sheet_face_square(const float box[4], double margin, int width, int height, double out[4])
{
    const int bounded = width > 0 && height > 0;
    const int valid = isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) &&
                      isfinite(box[3]) && box[2] > 0 && box[3] > 0;
    if (!valid) {
        const double side = bounded ? (width < height ? width : height) : 1;
        out[0] = bounded ? (width - side) / 2 : 0, out[1] = bounded ? (height - side) / 2 : 0;
        out[2] = out[3] = side;
        return;
    }
    if (!(margin >= 0)) margin = 0;
    double side = fmax(box[2], box[3]) * (1 + 2 * margin);
    if (side < 1) side = 1;
    double x = box[0] + box[2] / 2.0 - side / 2, y = box[1] + box[3] / 2.0 - side / 2;
    if (bounded) {
        side = fmin(side, width < height ? width : height);
        x = box[0] + box[2] / 2.0 - side / 2, y = box[1] + box[3] / 2.0 - side / 2;
        x = fmin(fmax(x, 0), width - side);
        y = fmin(fmax(y, 0), height - side);
    }
    out[0] = x, out[1] = y, out[2] = out[3] = side;
}

int fc_sheet_decode_scale(double side, int cell)
{
    for (int n = 1; n < 8; n++)
        if (side * n / 8 >= cell) return n;
    return 8;
}

/* ---------------------------------------------------------------- decoding */

/* The stored size of a JPEG from its frame header (SOFn), without decoding: 0, or -1 when
 * the markers before it do not parse (the caller then decodes the whole image). */
static int jpeg_stored_size(const uint8_t *d, size_t len, int *w, int *h)
{
    if (len < 4 || d[0] != 0xFF || d[1] != 0xD8) return -1;
    size_t i = 2;
    while (i + 4 <= len) {
        if (d[i] != 0xFF) return -1;
        const uint8_t m = d[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) { /* markers without a length */
            i += 2;
            continue;
        }
        if (m == 0xD9 || m == 0xDA) return -1; /* end of image, or scan data, before a frame */
        const size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
        if (seg < 2) return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (seg < 7 || i + 9 > len) return -1;
            *h = d[i + 5] << 8 | d[i + 6];
            *w = d[i + 7] << 8 | d[i + 8];
            return *w > 0 && *h > 0 ? 0 : -1;
        }
        i += 2 + seg;
    }
    return -1;
}

int fc_sheet_decode_faces(const uint8_t *data, size_t len, const float (*boxes)[4], int count,
                          double margin, int cell, fc_image *img, double (*squares)[4], char *err)
{
    memset(img, 0, sizeof *img);
    if (count < 1) return fc_errorf(err, -EINVAL, "no face to decode");
    fc_exif exif;
    fc_exif_read(data, len, &exif);
    const int o = exif.orientation;
    const int turned = o >= 5 && o <= 8;
    int stored_w = 0, stored_h = 0;
    int have_size = jpeg_stored_size(data, len, &stored_w, &stored_h) == 0;
    /* the squares (bounded by the photo when its size is known) decide scale and region */
    const int up_w = turned ? stored_h : stored_w, up_h = turned ? stored_w : stored_h;
    double smallest = 1e30, region[4] = {1e30, 1e30, -1e30, -1e30};
    for (int i = 0; i < count; i++) {
        fc_sheet_face_square(boxes[i], margin, up_w, up_h, squares[i]);
        smallest = fmin(smallest, squares[i][2]);
        /* its corners in the stored image (orientations 6 and 8 undo each other, the others
         * themselves) */
        const int back = o == 6 ? 8 : o == 8 ? 6 : o;
        for (int c = 0; c < 2; c++) {
            double sx, sy;
            fc_orient_point(back, up_w, up_h, squares[i][0] + c * squares[i][2],
                            squares[i][1] + c * squares[i][3], &sx, &sy);
            region[0] = fmin(region[0], sx), region[1] = fmin(region[1], sy);
            region[2] = fmax(region[2], sx), region[3] = fmax(region[3], sy);
        }
    }
    const int margin_px = 16; /* full-size pixels around the squares, for rounding */
    fc_decode_opts opts = {.scale_num = fc_sheet_decode_scale(smallest, cell)};
    if (have_size) {
        const double x0 = fmax(floor(region[0]) - margin_px, 0);
        const double y0 = fmax(floor(region[1]) - margin_px, 0);
        const double x1 = fmin(ceil(region[2]) + margin_px, stored_w);
        const double y1 = fmin(ceil(region[3]) + margin_px, stored_h);
        if (x1 > x0 && y1 > y0) {
            opts.region[0] = (int)x0, opts.region[1] = (int)y0;
            opts.region[2] = (int)(x1 - x0), opts.region[3] = (int)(y1 - y0);
        }
    }
    fc_decode_info info;
    int rc = fc_image_decode_opts(data, len, &opts, img, &info, err);
    if (rc) return rc;
    if (have_size && (info.full_width != stored_w || info.full_height != stored_h)) {
        /* the header we read is not the one the decoder used: take the whole image */
        fc_image_free(img);
        memset(opts.region, 0, sizeof opts.region);
        rc = fc_image_decode_opts(data, len, &opts, img, &info, err);
        if (rc) return rc;
    }
    stored_w = info.full_width, stored_h = info.full_height;
    /* where the decoded pixels land upright, in pixels at the decoded scale */
    const double k = (double)info.scale_num / info.scale_denom;
    const int scaled_w = (int)ceil(stored_w * k), scaled_h = (int)ceil(stored_h * k);
    double ux[2], uy[2];
    fc_orient_point(o, scaled_w, scaled_h, info.region_x, info.region_y, &ux[0], &uy[0]);
    fc_orient_point(o, scaled_w, scaled_h, info.region_x + img->width, info.region_y + img->height,
                    &ux[1], &uy[1]);
    rc = fc_image_orient(img, o, err);
    if (rc) {
        fc_image_free(img);
        return rc;
    }
    const double ox = fmin(ux[0], ux[1]), oy = fmin(uy[0], uy[1]);
    const int full_up_w = turned ? stored_h : stored_w, full_up_h = turned ? stored_w : stored_h;
    for (int i = 0; i < count; i++) {
        /* again with the photo's true size, then in img's pixels, inside img */
        double sq[4];
        fc_sheet_face_square(boxes[i], margin, full_up_w, full_up_h, sq);
        double side = fmin(sq[2] * k, fmin(img->width, img->height));
        double x = fmin(fmax(sq[0] * k - ox, 0), img->width - side);
        double y = fmin(fmax(sq[1] * k - oy, 0), img->height - side);
        squares[i][0] = x, squares[i][1] = y, squares[i][2] = squares[i][3] = side;
    }
    return 0;
}
