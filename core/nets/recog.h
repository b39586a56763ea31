/* The face descriptor network: a port of dlib's ResNet-29 metric network as shipped in
 * face-api's face_recognition_model. A 150 x 150 RGB face in, 128 floats out. Its raw
 * output is not unit length; embedding.h turns it into facecluster's unit embedding. */
#ifndef FC_RECOG_H
#define FC_RECOG_H

#include "core/image/image.h"
#include "core/nn/model.h"

#define FC_RECOG_INPUT 150
#define FC_RECOG_DIM 128
#define FC_RECOG_MAX_BATCH 16

typedef struct fc_recog fc_recog;

/* Builds a network over the model's weights and sizes all activations once, for batches
 * of up to max_batch faces (1..FC_RECOG_MAX_BATCH; about 1 MB of activations a face).
 * The model is borrowed and must outlive the network. Caller frees with fc_recog_free. A
 * network is used by one thread at a time; make one per thread, they share the mapped
 * weights. Batches are faster per face: the deepest layers' weights are read once per
 * batch (see bench/embed). */
int fc_recog_new(const fc_model *model, int max_batch, fc_recog **out, char *err);
int fc_recog_max_batch(const fc_recog *net);
void fc_recog_free(fc_recog *net);

/* Pads the w x h RGB face (row pitch `stride` bytes) to a centred square with zeros and
 * resizes it bilinearly to 150 x 150, exactly as the reference's toBatchTensor(150, true)
 * does, then normalises it into input slot `slot` (0..max_batch-1) of the next batch. */
void fc_recog_set_input(fc_recog *net, int slot, const uint8_t *rgb, int w, int h, size_t stride);

/* Runs the network on the faces in slots 0..count-1; writes their raw (not normalised)
 * descriptors. A face's descriptor does not depend on the others in its batch. */
void fc_recog_forward(fc_recog *net, int count, float (*descriptors)[FC_RECOG_DIM]);

/* Both steps for one face, a rectangle of an image (must lie inside it). */
int fc_recog_describe(fc_recog *net, const fc_image *img, int x, int y, int w, int h,
                      float descriptor[FC_RECOG_DIM], char *err);

/* The 150 x 150 x 3 normalised input last set in a slot, for tests: borrowed. */
const float *fc_recog_input(const fc_recog *net, int slot);

#endif
