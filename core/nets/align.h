/* Aligning a face for the descriptor network: dlib's face chip. The descriptor weights
 * were trained by dlib on chips made this way: a similarity transform (rotation, scale,
 * translation) that puts the face's 68 landmarks onto dlib's mean-face template, sampled
 * into a square with a margin. The template and the choice of points are dlib's
 * (get_face_chip_details in dlib/image_transforms/interpolation.h, Boost Software
 * License 1.0, (C) Davis E. King); the code here is ours. */
#ifndef FC_ALIGN_H
#define FC_ALIGN_H

#include "core/image/image.h"

#define FC_CHIP_SIZE 150
#define FC_CHIP_PADDING 0.25 /* dlib's face recognition example uses 150 px, padding 0.25 */
#define FC_LANDMARKS 68

/* x_image = a x_chip - b y_chip + tx, y_image = b x_chip + a y_chip + ty, pixel centres at
 * integer coordinates in both. */
typedef struct {
    double a, b, tx, ty;
} fc_similarity;

/* The least-squares similarity mapping n points `from` onto `to` (no reflection). Returns
 * 0, or -EINVAL when either set is degenerate (all in one place). */
int fc_similarity_fit(const double (*from)[2], const double (*to)[2], int n, fc_similarity *t,
                      char *err);

/* The chip-to-image transform for a face with 68 landmarks (image pixel coordinates): the
 * nose, eyes and outer mouth onto dlib's template, in a size x size chip with `padding`
 * (a fraction of the template's size) on every side. */
int fc_align_dlib(const float landmarks[FC_LANDMARKS][2], int size, double padding,
                  fc_similarity *chip_to_image, char *err);

/* The same from five of the landmarks (eye corners, base of the nose) onto dlib's
 * 5-point template, which its 5-point shape predictor uses. */
int fc_align_dlib5(const float landmarks[FC_LANDMARKS][2], int size, double padding,
                   fc_similarity *chip_to_image, char *err);

/* Samples the chip: each chip pixel is the bilinear interpolation of the image at its
 * mapped position, black outside the image. When the face is more than twice the chip's
 * size it is first halved (2x2 means) as often as that holds, as dlib's pyramid does, so
 * that shrinking does not alias. out holds size * size * 3 bytes, row-major RGB. Returns
 * 0 or -ENOMEM (the halved copies are the only allocation). */
int fc_align_extract(const fc_image *img, const fc_similarity *chip_to_image, int size,
                     uint8_t *out, char *err);

#endif
