/* EXIF orientation: how the stored pixels must be turned to stand upright.
 *
 *   1 as stored          2 mirrored left-right   3 turned 180         4 mirrored top-bottom
 *   5 transposed         6 turned 90 clockwise   7 transversed        8 turned 90 anti-clockwise
 *
 * Each is a map from an upright pixel back to the stored pixel it shows. */
#include "image.h"

#include "fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The stored (sx, sy) shown at upright (ux, uy); w and h are the stored size. */
static void stored_of(int orientation, int w, int h, int ux, int uy, int *sx, int *sy)
{
    switch (orientation) {
    case 2:
        *sx = w - 1 - ux, *sy = uy;
        break;
    case 3:
        *sx = w - 1 - ux, *sy = h - 1 - uy;
        break;
    case 4:
        *sx = ux, *sy = h - 1 - uy;
        break;
    case 5:
        *sx = uy, *sy = ux;
        break;
    case 6:
        *sx = uy, *sy = h - 1 - ux;
        break;
    case 7:
        *sx = w - 1 - uy, *sy = h - 1 - ux;
        break;
    case 8:
        *sx = w - 1 - uy, *sy = ux;
        break;
    default:
        *sx = ux, *sy = uy;
        break;
    }
}

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
    for (int uy = 0; uy < up.height; uy++) {
        uint8_t *dst = up.rgb + (size_t)uy * up.width * 3;
        for (int ux = 0; ux < up.width; ux++, dst += 3) {
            int sx, sy;
            stored_of(orientation, img->width, img->height, ux, uy, &sx, &sy);
            memcpy(dst, img->rgb + ((size_t)sy * img->width + sx) * 3, 3);
        }
    }
    fc_image_free(img);
    *img = up;
    return 0;
}
