/* Inside the converter: each network's converter (ssd_convert.c, tiny_convert.c,
 * landmarks_convert.c, recog_convert.c) adds its tensors to the model being written, and
 * shares with the others fetching face-api tensors and storing convolutions in our model
 * file's layouts. */
#ifndef FC_CONVERT_H
#define FC_CONVERT_H

#include "convert/faceapi.h"
#include "core/nn/model.h"

/* Each network's converter: folds face-api's weights for it into the model being written
 * ("lmk/..." for the landmarks). */
int fc_ssd_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err);
int fc_tiny_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err);
int fc_landmarks_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err);
int fc_recog_convert(const fc_faceapi_weights *src, fc_model_writer *dst, char *err);

/* fc_faceapi_get on the name prefix + suffix. */
int fc_convert_get(const fc_faceapi_weights *src, const char *prefix, const char *suffix,
                   const int *shape, int ndim, const float **out, char *err);

/* Stores "<key>" (FC_LAYOUT_CONV_P16) and "<key>/bias" from HWIO weights (k, k, cin, cout),
 * folding a per-output-channel multiplier and addend (either may be NULL: 1 and 0) into
 * them. Output channels are padded with zeros up to a multiple of 16, the panel width;
 * the stored dims say how many. With `winograd` (3x3 only) also "<key>/wino". */
int fc_convert_conv(fc_model_writer *dst, const char *key, int k, int cin, int cout,
                    const float *hwio, const float *bias, const float *mul, const float *add,
                    int winograd, char *err);

/* Stores a dense tensor as is. */
int fc_convert_dense(fc_model_writer *dst, const char *key, const uint32_t dims[4],
                     const float *data, char *err);

#endif
