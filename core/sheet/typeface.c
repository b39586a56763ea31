/* Labels through FreeType (typeface.h): glyphs rendered anti-aliased at 9 pixels to the em
 * per unit of scale, on a baseline 7.5 units under the line box's top (a capital's ink about
 * 6.6 units high, the bitmap font's 7; accents and descenders reach a little beyond the box,
 * into the gaps a sheet leaves around its text). */
#include "core/sheet/typeface.h"

#include "core/fc_error.h"
#include "core/sheet/font.h"

#include <errno.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_PER_SCALE 9.0
#define BASELINE_PER_SCALE 7.5

struct fc_typeface {
    FT_Library lib;
    FT_Face face[FC_TYPEFACE_MAX_FONTS];
    int count;
    int size; /* the pixel size the faces are set to now; 0: none yet */
};

int fc_typeface_open(const char *const *paths, int count, fc_typeface **out, char *note, int cap,
                     char *err)
{
    *out = NULL;
    if (note && cap > 0) note[0] = 0;
    fc_typeface *t = calloc(1, sizeof *t);
    if (!t) return fc_errorf(err, -ENOMEM, "out of memory");
    if (FT_Init_FreeType(&t->lib)) {
        free(t);
        return fc_errorf(err, -ENOMEM, "cannot start FreeType");
    }
    for (int i = 0; i < count && t->count < FC_TYPEFACE_MAX_FONTS; i++) {
        FT_Face face;
        const FT_Error e = FT_New_Face(t->lib, paths[i], 0, &face);
        if (!e && FT_IS_SCALABLE(face)) {
            t->face[t->count++] = face;
            continue;
        }
        if (!e) FT_Done_Face(face);
        if (i == 0 && note && cap > 0)
            snprintf(note, (size_t)cap, "no font at %s (FreeType error %d)", paths[i], e);
    }
    if (!t->count) {
        fc_typeface_free(t);
        return fc_errorf(err, -ENOENT, "no font opens (%d tried)", count);
    }
    *out = t;
    return 0;
}

void fc_typeface_free(fc_typeface *t)
{
    if (!t) return;
    for (int i = 0; i < t->count; i++) FT_Done_Face(t->face[i]);
    FT_Done_FreeType(t->lib);
    free(t);
}

/* The face that has code point c (the first that does; else the first, whose "missing"
 * glyph then shows), at the size for scale, and the glyph's index in it. */
static FT_Face face_for(fc_typeface *t, uint32_t c, int scale, FT_UInt *glyph)
{
    const int size = (int)lround(EM_PER_SCALE * scale);
    if (size != t->size) {
        for (int i = 0; i < t->count; i++) FT_Set_Pixel_Sizes(t->face[i], 0, (FT_UInt)size);
        t->size = size;
    }
    for (int i = 0; i < t->count; i++)
        if ((*glyph = FT_Get_Char_Index(t->face[i], c)) != 0) return t->face[i];
    *glyph = 0;
    return t->face[0];
}

/* Code point c's advance in pixels; when img is not NULL, drawn with its pen at (x,
 * baseline). */
static int glyph(fc_typeface *t, uint32_t c, int scale, fc_image *img, int x, int baseline,
                 const uint8_t rgb[3])
{
    FT_UInt index;
    FT_Face face = face_for(t, c, scale, &index);
    if (FT_Load_Glyph(face, index, img ? FT_LOAD_RENDER : FT_LOAD_DEFAULT)) return 0;
    const FT_GlyphSlot g = face->glyph;
    const int advance = (int)((g->advance.x + 32) >> 6);
    if (!img || g->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return advance;
    const FT_Bitmap *b = &g->bitmap;
    for (unsigned row = 0; row < b->rows; row++) {
        const int py = baseline - g->bitmap_top + (int)row;
        if (py < 0 || py >= img->height) continue;
        for (unsigned col = 0; col < b->width; col++) {
            const int px = x + g->bitmap_left + (int)col;
            const unsigned a = b->buffer[row * b->pitch + col];
            if (px < 0 || px >= img->width || !a) continue;
            uint8_t *p = img->rgb + ((size_t)py * img->width + px) * 3;
            for (int k = 0; k < 3; k++)
                p[k] = (uint8_t)((rgb[k] * a + p[k] * (255 - a) + 127) / 255);
        }
    }
    return advance;
}

/* Width of the first `limit` code points of text (all: limit < 0). */
static int width_of(fc_typeface *t, const char *text, int limit, int scale)
{
    int w = 0;
    uint32_t c;
    for (const char *s = text; *s && limit != 0; limit--) {
        s += fc_font_next(s, &c);
        w += glyph(t, c, scale, NULL, 0, 0, NULL);
    }
    return w;
}

int fc_typeface_width(fc_typeface *t, const char *text, int scale)
{
    if (!t) return fc_font_width(text, scale);
    return width_of(t, text, -1, scale < 1 ? 1 : scale);
}

int fc_typeface_draw(fc_typeface *t, fc_image *img, int x, int y, const char *text, int scale,
                     const uint8_t rgb[3], int max_width)
{
    if (!t) return fc_font_draw(img, x, y, text, scale, rgb, max_width);
    if (scale < 1) scale = 1;
    const int n = fc_font_length(text);
    int shown = n, dots = 0;
    if (max_width > 0 && width_of(t, text, -1, scale) > max_width) {
        /* as many characters as fit with ".." after them */
        const int dot = width_of(t, ".", -1, scale);
        while (shown > 0 && width_of(t, text, shown, scale) + 2 * dot > max_width) shown--;
        dots = width_of(t, text, shown, scale) + 2 * dot <= max_width ? 2 : 0;
    }
    const int baseline = y + (int)lround(BASELINE_PER_SCALE * scale);
    int pen = x;
    uint32_t c;
    const char *s = text;
    for (int i = 0; i < shown; i++) {
        s += fc_font_next(s, &c);
        pen += glyph(t, c, scale, img, pen, baseline, rgb);
    }
    for (int i = 0; i < dots; i++) pen += glyph(t, '.', scale, img, pen, baseline, rgb);
    return pen - x;
}
