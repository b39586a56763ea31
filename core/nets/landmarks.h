/* The 68-point landmark network (face-api's face_landmark_68_model): a face crop in, the
 * 68 points of dlib's iBUG layout (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth
 * 48-67) out, in the crop's image coordinates. */
#ifndef FC_LANDMARKS_H
#define FC_LANDMARKS_H

#include "core/image/image.h"
#include "core/nn/model.h"

#define FC_LANDMARK_INPUT 112
#define FC_LANDMARK_POINTS 68

typedef struct fc_landmarker fc_landmarker;

/* Builds the network over the model's weights (borrowed; must outlive it), activations
 * sized once. Caller frees with fc_landmarker_free. One thread at a time per handle. */
int fc_landmarker_new(const fc_model *model, fc_landmarker **out, char *err);
void fc_landmarker_free(fc_landmarker *net);

/* The landmarks of the face in rectangle (x, y, w, h) of img (inside it), as image pixel
 * coordinates. The crop is fed as the reference does (centred square, 112 x 112), and the
 * output mapped back with the reference's own rule, which takes the padding as
 * |w - h| / 2 unrounded. */
int fc_landmarker_run(fc_landmarker *net, const fc_image *img, int x, int y, int w, int h,
                      float points[FC_LANDMARK_POINTS][2], char *err);

#endif
