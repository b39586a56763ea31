/* The converter's top level: every network we use from one face-api package into one
 * model file. */
#include "convert/faceapi.h"
#include "convert/convert.h"
#include "core/fc_error.h"
#include "core/nn/model.h"

#include <errno.h>
#include <stdio.h>

/* Each network we use: its manifest's name in the package, and its converter. */
static const struct {
    const char *manifest;
    int (*convert)(const fc_faceapi_weights *, fc_model_writer *, char *);
} networks[] = {
    {"face_recognition_model", fc_recog_convert},
    {"face_landmark_68_model", fc_landmarks_convert},
    {"ssd_mobilenetv1_model", fc_ssd_convert},
    {"tiny_face_detector_model", fc_tiny_convert},
};

int fc_faceapi_convert(const char *package_dir, const char *out_path, char *err)
{
    char source[FC_MODEL_SOURCE_MAX], model_dir[4096];
    fc_model_writer *writer = NULL;
    int rc = fc_faceapi_package_version(package_dir, source, sizeof source, err);
    if (rc) return rc;
    snprintf(model_dir, sizeof model_dir, "%s/model", package_dir);
    writer = fc_model_writer_new(source);
    if (!writer) return fc_errorf(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < sizeof networks / sizeof networks[0] && !rc; i++) {
        fc_faceapi_weights *weights = NULL;
        rc = fc_faceapi_load(model_dir, networks[i].manifest, &weights, err);
        if (!rc) rc = networks[i].convert(weights, writer, err);
        fc_faceapi_free(weights);
    }
    if (!rc) rc = fc_model_writer_save(writer, out_path, err);
    fc_model_writer_free(writer);
    return rc;
}
