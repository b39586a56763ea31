/* Reading face-api's published weights (a TensorFlow.js weights manifest plus its .bin
 * shards) into float32 tensors by name. Used only by the converter. */
#ifndef FC_FACEAPI_H
#define FC_FACEAPI_H

#include <stddef.h>

typedef struct fc_faceapi_weights fc_faceapi_weights;

/* Loads <model_dir>/<net>-weights_manifest.json and the shards it names, dequantising
 * uint8/uint16 tensors the way TensorFlow.js does (q * scale + min, in double, stored as
 * float32). On success the caller owns *out and frees it with fc_faceapi_free. */
int fc_faceapi_load(const char *model_dir, const char *net, fc_faceapi_weights **out, char *err);
void fc_faceapi_free(fc_faceapi_weights *w);

/* Points *out at tensor `name` if its shape equals shape[0..ndim); borrowed until
 * fc_faceapi_free. Returns 0, -ENOENT (no such tensor) or -EINVAL (another shape). */
int fc_faceapi_get(const fc_faceapi_weights *w, const char *name, const int *shape, int ndim,
                   const float **out, char *err);

/* Reads "version" from <package_dir>/package.json into buf. */
int fc_faceapi_package_version(const char *package_dir, char *buf, size_t cap, char *err);

/* Converts a whole unpacked face-api package into a facecluster model file. */
int fc_faceapi_convert(const char *package_dir, const char *out_path, char *err);

#endif
