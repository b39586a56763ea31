/* The SSD MobileNet v1 face detector (face-api's ssd_mobilenetv1_model): a photo in,
 * boxes with scores out. The computation is specified in tests/golden/DETECTORS.md. */
#ifndef FC_SSD_H
#define FC_SSD_H

#include "core/nets/detect.h"
#include "core/image/image.h"
#include "core/nn/model.h"

#define FC_SSD_INPUT 512
#define FC_SSD_ANCHORS 5118

typedef struct fc_ssd fc_ssd;

/* Builds the detector over the model's weights (borrowed; must outlive it), activations
 * sized once (about 25 MB). Caller frees with fc_ssd_free. One thread at a time. */
int fc_ssd_new(const fc_model *model, fc_ssd **out, char *err);
void fc_ssd_free(fc_ssd *net);

/* Finds faces scoring above min_score, at most max of them after non-maximum suppression
 * (IoU 0.5), best first, in img's pixels as the reference reports them. Returns how
 * many were written, or a negative error. crop: skip most of the square input's padding
 * (a third of the work for a 3:2 photo), at the price of results that differ slightly
 * from the reference's near the padding (ssd.c). */
int fc_ssd_detect(fc_ssd *net, const fc_image *img, float min_score, int crop, fc_detection *out,
                  int max, char *err);

/* After fc_ssd_detect, for tests: the network's raw box encodings (5118 x 4: ty, tx, th,
 * tw), class logits (5118 x 3), decoded boxes (5118 x 4: ymin, xmin, ymax, xmax in the
 * padded input's unit square) and scores. Borrowed from the detector. */
void fc_ssd_outputs(const fc_ssd *net, const float **encodings, const float **logits,
                    const float **boxes, const float **scores);

/* The normalised 512 x 512 x 3 input of the last detection, dense; for tests. Caller
 * provides 512 * 512 * 3 floats. With crop, only the part the network saw is written. */
void fc_ssd_input(const fc_ssd *net, float *out);

#endif
