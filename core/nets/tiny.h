/* The tiny face detector (face-api's tiny_face_detector_model): a YOLO v2 style grid
 * over a small MobileNet, about an eighth of the SSD's work; it misses faces under about
 * 40 px in its 416-pixel input. The computation is specified in tests/golden/DETECTORS.md
 * §3. */
#ifndef FC_TINY_H
#define FC_TINY_H

#include "core/nets/detect.h"
#include "core/image/image.h"
#include "core/nn/model.h"

#define FC_TINY_INPUT 416
#define FC_TINY_GRID 13
#define FC_TINY_ANCHORS 5
#define FC_TINY_OUTPUTS (5 * FC_TINY_ANCHORS) /* per cell and anchor: x, y, w, h, score */

typedef struct fc_tiny fc_tiny;

/* Builds the detector over the model's weights (borrowed; must outlive it), activations
 * sized once (about 16 MB). Caller frees with fc_tiny_free. One thread at a time. */
int fc_tiny_new(const fc_model *model, fc_tiny **out, char *err);
void fc_tiny_free(fc_tiny *net);

/* Finds faces scoring above min_score, at most max after non-maximum suppression (IoU
 * 0.4), best first, in img's pixels as the reference reports them (unclipped: a box may
 * start left of or above the image). anchor is (row * 13 + col) * 5 + anchor. Returns how
 * many were written, or a negative error. */
int fc_tiny_detect(fc_tiny *net, const fc_image *img, float min_score, fc_detection *out, int max,
                   char *err);

/* After fc_tiny_detect, for tests: the raw 13 x 13 x 25 output grid, dense and borrowed,
 * and the normalised 416 x 416 x 3 input copied to out. */
const float *fc_tiny_outputs(const fc_tiny *net);
void fc_tiny_input(const fc_tiny *net, float *out);

#endif
