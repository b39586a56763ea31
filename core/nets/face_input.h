/* How face-api feeds images to its networks (toBatchTensor, then a normalisation): shared
 * by the descriptor, landmark and detector networks. */
#ifndef FC_FACE_INPUT_H
#define FC_FACE_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* How a network wants its input: the image padded to a square with zeros (centred, or
 * at the top left with the padding after), and each value v made (v - mean) / divisor -
 * offset, in that order of float operations. */
typedef struct {
    int centred;
    float mean[3], divisor, offset;
} fc_input_norm;

/* The face networks': centred, face-api's mean RGB, / 255. */
extern const fc_input_norm fc_face_norm;

/* Pads the w x h RGB image (row pitch `stride` bytes) to a square with zeros as `norm`
 * says, resizes it bilinearly to size x size (at most FC_NET_INPUT_MAX) as TensorFlow's
 * legacy resize does, and writes the normalised values: size rows of size * 3 floats,
 * out_pitch floats apart. */
#define FC_NET_INPUT_MAX 1024
void fc_net_input(const uint8_t *rgb, int w, int h, size_t stride, int size,
                  const fc_input_norm *norm, float *out, size_t out_pitch);
/* The same, only the top-left rows x cols of the size x size input (for a detector that
 * leaves out the padding it would otherwise compute). */
void fc_net_input_part(const uint8_t *rgb, int w, int h, size_t stride, int size, int rows,
                       int cols, const fc_input_norm *norm, float *out, size_t out_pitch);

/* The factors that undo fc_net_input's bottom/right padding of a w x h image for a
 * detector: a position relative to the size x size input times *fx (*fy) is relative to
 * the image. As the reference computes them, from the rounded resized size. */
void fc_net_input_unpad(int w, int h, int size, double *fx, double *fy);

/* fc_net_input with fc_face_norm. */
void fc_face_input(const uint8_t *rgb, int w, int h, size_t stride, int size, float *out,
                   size_t out_pitch);

#endif
