/* A small built-in bitmap font for labels on contact sheets: printable ASCII (32..126) in
 * 5 x 8 glyphs (7 rows above the baseline, 1 for descenders), drawn at an integer scale.
 * Text is UTF-8; anything outside printable ASCII (another script, an emoji, a control
 * byte, invalid UTF-8) is drawn as '?', one per code point or stray byte. */
#ifndef FC_FONT_H
#define FC_FONT_H

#include "core/image/image.h"

#include <stdint.h>

#define FC_FONT_GLYPH_W 5
#define FC_FONT_GLYPH_H 8
#define FC_FONT_ADVANCE 6 /* the glyph and a column of space */

/* The 8 rows of the glyph for code point c, top first; bit 4 of a row is its leftmost
 * column, bit 0 its rightmost. Outside 32..126: the glyph of '?'. Static storage. */
const uint8_t *fc_font_glyph(uint32_t c);

/* The next code point of UTF-8 text at s (not at its end): *c gets it, and the return
 * value is how many bytes it took (1..4). A byte that starts no valid sequence is taken
 * alone and gives U+FFFD. */
int fc_font_next(const char *s, uint32_t *c);

/* How many code points text has (as fc_font_next counts them). */
int fc_font_length(const char *text);

/* Width in pixels of text drawn at scale (>= 1), without the space after its last glyph:
 * 0 for "". Text is FC_FONT_GLYPH_H * scale pixels high. */
int fc_font_width(const char *text, int scale);

/* Draws text onto img with its top left corner at (x, y), at scale (>= 1) in colour rgb;
 * what falls outside img is clipped. With max_width > 0, text wider than that is cut
 * short at a glyph boundary and ends in "..", all within max_width. Returns the width
 * drawn in pixels (as fc_font_width of what was drawn). */
int fc_font_draw(fc_image *img, int x, int y, const char *text, int scale, const uint8_t rgb[3],
                 int max_width);

#endif
