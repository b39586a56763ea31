/* Labels in a real typeface: TrueType fonts through FreeType, so that a name in any script
 * reads as written ("Zoë Ångström 李"), not as the bitmap font's '?' (font.h). Fonts are
 * tried in order for each character: the first that has it draws it (a Latin font, then a
 * CJK one). Text takes the bitmap font's line box: at scale s, 8 s pixels from the top to
 * just under the baseline (font.h), so a layout sized for one suits the other. A NULL
 * typeface is the bitmap font: every function here then draws and measures as font.h. */
#ifndef FC_TYPEFACE_H
#define FC_TYPEFACE_H

#include "core/image/image.h"

#include <stdint.h>

#define FC_TYPEFACE_MAX_FONTS 4

typedef struct fc_typeface fc_typeface;

/* Opens the fonts at paths[0..count) (at most FC_TYPEFACE_MAX_FONTS; a path that is not
 * there is passed over, and named in note, cap bytes, when it is the first). -ENOENT when
 * none opens. On success *out is the caller's, freed with fc_typeface_free. */
int fc_typeface_open(const char *const *paths, int count, fc_typeface **out, char *note, int cap,
                     char *err);
void fc_typeface_free(fc_typeface *t);

/* Width in pixels of text (UTF-8; invalid bytes show as U+FFFD) at scale (>= 1). */
int fc_typeface_width(fc_typeface *t, const char *text, int scale);

/* Draws text onto img with its line box's top left corner at (x, y), at scale in colour rgb,
 * blended by each pixel's coverage; what falls outside img is clipped. With max_width > 0,
 * text wider than that is cut short at a character and ends in "..", all within
 * max_width. Returns the width drawn. */
int fc_typeface_draw(fc_typeface *t, fc_image *img, int x, int y, const char *text, int scale,
                     const uint8_t rgb[3], int max_width);

#endif
