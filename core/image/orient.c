/* EXIF orientation: how the stored pixels must be turned to stand upright.
 *
 *   1 as stored          2 mirrored left-right   3 turned 180         4 mirrored top-bottom
 *   5 transposed         6 turned 90 clockwise   7 transversed        8 turned 90 anti-clockwise
 *
 * fc_orient_point maps stored coordinates to upright ones; turning an image moves each
 * stored pixel to where its centre lands. */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fc_orient_point(int orientation, int w, int h, double x, double y, double *ux, double *uy)
{
    /* the inverse of stored_of, on continuous coordinates (pixel edges at integers) */
    switch (orientation) {
    case 2:
        *ux = w - x, *uy = y;
        break;
    case 3:
        *ux = w - x, *uy = h - y;
        break;
    case 4:
        *ux = x, *uy = h - y;
        break;
    case 5:
        *ux = y, *uy = x;
        break;
    case 6:
        *ux = h - y, *uy = x;
        break;
    case 7:
        *ux = h - y, *uy = w - x;
        break;
    case 8:
        *ux = y, *uy = w - x;
        break;
    default:
        *ux = x, *uy = y;
        break;
    }
}

int fc_image_orient(fc_image *img, int orientation, char *err)
{
    if (orientation < 2 || orientation > 8) return 0;
    const int swap = orientation >= 5;
    fc_image up;
    int rc =
        fc_image_alloc(&up, swap ? img->height : img->width, swap ? img->width : img->height, err);
    if (rc) return rc;
    /* each stored pixel goes where its centre lands upright: one mapping serves pixels and
     * points alike */
    for (int sy = 0; sy < img->height; sy++) {
        const uint8_t *src = img->rgb + (size_t)sy * img->width * 3;
        for (int sx = 0; sx < img->width; sx++, src += 3) {
            double ux, uy;
            fc_orient_point(orientation, img->width, img->height, sx + 0.5, sy + 0.5, &ux, &uy);
            memcpy(up.rgb + ((size_t)uy * up.width + (size_t)ux) * 3, src, 3);
        }
    }
    fc_image_free(img);
    *img = up;
    return 0;
}
