/* The face descriptor network: a port of dlib's ResNet-29 metric network as shipped in
 * face-api's face_recognition_model. A 150 x 150 RGB face in, 128 floats out. Its raw
 * output is not unit length; embedding.h turns it into facecluster's unit embedding. */
#ifndef FC_RECOG_H
#define FC_RECOG_H

#include "image.h"
#include "model.h"

#define FC_RECOG_INPUT 150
#define FC_RECOG_DIM 128

typedef struct fc_recog fc_recog;

/* Builds a network over the model's weights and sizes all activations once. The model is
 * borrowed and must outlive the network. Caller frees with fc_recog_free. A network is
 * used by one thread at a time; make one per thread, they share the mapped weights. */
int fc_recog_new(const fc_model *model, fc_recog **out, char *err);
void fc_recog_free(fc_recog *net);

/* Pads the w x h RGB face (row pitch `stride` bytes) to a centred square with zeros and
 * resizes it bilinearly to 150 x 150, exactly as the reference's toBatchTensor(150, true)
 * does, then normalises it into the network's input. */
void fc_recog_set_input(fc_recog *net, const uint8_t *rgb, int w, int h, size_t stride);

/* Runs the network on the current input; writes the raw (not normalised) descriptor. */
void fc_recog_forward(fc_recog *net, float descriptor[FC_RECOG_DIM]);

/* Both steps on a rectangle of an image (must lie inside it). */
int fc_recog_describe(fc_recog *net, const fc_image *img, int x, int y, int w, int h,
                      float descriptor[FC_RECOG_DIM], char *err);

/* The 150 x 150 x 3 normalised input last set, for tests: borrowed from the network. */
const float *fc_recog_input(const fc_recog *net);

/* Converter side: folds face-api's recognition weights into the model being written. */
struct fc_faceapi_weights;
struct fc_model_writer;
int fc_recog_convert(const struct fc_faceapi_weights *src, struct fc_model_writer *dst, char *err);

#endif
