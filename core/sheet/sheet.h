/* Contact sheets: face crops cut from photos, laid out in a grid on a plain background
 * with a title, a label under each face and optionally one left of each row. Pixel work
 * only: which faces, which files, and where the sheet goes are the caller's business.
 *
 *   +-----------------------------------------------+
 *   | TITLE                                         |  title band (optional)
 *   | ROW LABEL  [cell] [cell] [cell] ...           |  each cell a square of `cell` px,
 *   |            label  label  label                |  its label centred under it
 *   | ROW LABEL  [cell] [cell] ...                  |
 *   +-----------------------------------------------+
 *   `gap` px between everything and around the edge. */
#ifndef FC_SHEET_H
#define FC_SHEET_H

#include "core/image/image.h"
#include "core/sheet/typeface.h"

#include <stddef.h>
#include <stdint.h>

/* Bounds checked by fc_sheet_new (the canvas itself is bounded by fc_image_alloc). */
#define FC_SHEET_MAX_CELL 1024
#define FC_SHEET_MAX_COLUMNS 256
#define FC_SHEET_MAX_SCALE 16

typedef struct {
    int columns, rows;   /* rows may be 0: a sheet with its title only */
    int cell;            /* a face's square, in pixels (8..FC_SHEET_MAX_CELL) */
    int gap;             /* between cells, bands and the edge (0..cell) */
    int label_scale;     /* font scale of the text under each cell; 0: none */
    int title_scale;     /* font scale of the title band; 0: no title band */
    int row_label_width; /* a column left of each row for its label; 0: none */
    int row_label_scale; /* font scale of row labels (their second line: half, at least 1) */
    int min_width;       /* the canvas is at least this wide (a long title); 0: the grid's */
    fc_typeface *font;   /* the labels' typeface (borrowed while the sheet is drawn); NULL: the
                            bitmap font */
} fc_sheet_layout;

typedef struct fc_sheet fc_sheet;

/* A blank sheet for layout (copied). Caller frees with fc_sheet_free. Returns 0, -EINVAL
 * (a layout out of bounds, or a canvas over fc_image_alloc's limits) or -ENOMEM. */
int fc_sheet_new(const fc_sheet_layout *layout, fc_sheet **out, char *err);
void fc_sheet_free(fc_sheet *s);

/* The canvas (borrowed until fc_sheet_free), ready for fc_image_encode_jpeg. */
const fc_image *fc_sheet_image(const fc_sheet *s);

/* The top left corner of cell (row, col)'s square on the canvas. */
void fc_sheet_cell_origin(const fc_sheet *s, int row, int col, int *x, int *y);

/* Writes the title in the title band (nothing without one), cut short with ".." if too
 * long. Text is UTF-8 (in the bitmap font, what is not ASCII shows as '?'). */
void fc_sheet_title(fc_sheet *s, const char *text);

/* Writes a row's label in the label column, beside the row's faces: `text` and, if not
 * NULL, `detail` on a second line in smaller type (nothing without a label column). */
void fc_sheet_row_label(fc_sheet *s, int row, const char *text, const char *detail);

/* Fills cell (row, col) with the square crop (x, y, side, side) of src, in src's pixels
 * (fractions allowed; the part outside src is clamped to its edge), resampled to the cell:
 * averaged over the pixels it covers when shrinking, bilinear when enlarging. Writes
 * label (may be NULL) under it. Returns 0, -EINVAL (a cell outside the grid or an empty
 * crop) or -ENOMEM. */
int fc_sheet_put(fc_sheet *s, int row, int col, const fc_image *src, const double crop[4],
                 const char *label, char *err);

/* Fills cell (row, col) with grey and the word "missing": a photo that could not be
 * read. Writes label (may be NULL) under it. A cell outside the grid is ignored. */
void fc_sheet_put_missing(fc_sheet *s, int row, int col, const char *label);

/* Frames cell (row, col) in a warning colour, over the edge of what it shows: a face
 * that may not be the person's. A cell outside the grid is ignored. */
void fc_sheet_mark(fc_sheet *s, int row, int col);

/* The square a face is shown in: its box (x, y, w, h) widened by `margin` of its longer
 * side on each side, centred on it, then made to fit a photo of width x height (shrunk
 * to the photo's shorter side if larger, moved inside it); width or height <= 0: no
 * photo bounds. out gets (x, y, side, side). A box that is not finite or not positive
 * gives the photo's centre square (or a 1-pixel square at 0, 0 without bounds). */
void fc_sheet_face_square(const float box[4], double margin, int width, int height, double out[4]);

/* The smallest JPEG DCT scale n (1..8, the image decoded at n / 8) at which a square of
 * `side` full-size pixels still covers at least `cell` pixels; 8 if none does. */
int fc_sheet_decode_scale(double side, int cell);

/* Decodes the photo in data (JPEG or PPM bytes, as fc_image_decode_opts) once for all of
 * its faces shown in cells of `cell` pixels: turned upright by its EXIF orientation, at
 * the smallest DCT scale that still shows every face's square (fc_sheet_face_square of
 * boxes[i] with margin, boxes in the upright photo's full-size pixels, as the pipeline
 * reports them) with at least `cell` pixels, and only the region of the file those
 * squares cover. On success *img holds the pixels (caller frees with fc_image_free) and
 * squares[i] is face i's square in img's pixels, for fc_sheet_put. Errors as
 * fc_image_decode_opts. */
int fc_sheet_decode_faces(const uint8_t *data, size_t len, const float (*boxes)[4], int count,
                          double margin, int cell, fc_image *img, double (*squares)[4], char *err);

#endif
