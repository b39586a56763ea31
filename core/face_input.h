/* How face-api feeds a face to its face networks (toBatchTensor(size, true), then
 * normalize): shared by the descriptor and the landmark network. */
#ifndef FC_FACE_INPUT_H
#define FC_FACE_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Pads the w x h RGB face (row pitch `stride` bytes) to a centred square with zeros,
 * resizes it bilinearly to size x size as TensorFlow's legacy resize does, and writes
 * (value - mean RGB) / 255: size rows of size * 3 floats, out_pitch floats apart. */
void fc_face_input(const uint8_t *rgb, int w, int h, size_t stride, int size, float *out,
                   size_t out_pitch);

/* Where a point of the size x size input lies in the face's own pixels (the inverse of
 * the padding and scaling above); for mapping a network's output back. */
void fc_face_input_unmap(int w, int h, int size, float x, float y, float *fx, float *fy);

#endif
