/* The converter's top level: every network we use from one face-api package into one
 * model file. */
#include "faceapi.h"
#include "fc_error.h"
#include "model.h"
#include "recog.h"

#include <errno.h>
#include <stdio.h>

int fc_faceapi_convert(const char *package_dir, const char *out_path, char *err)
{
    char source[FC_MODEL_SOURCE_MAX], model_dir[4096];
    fc_faceapi_weights *recog = NULL;
    fc_model_writer *writer = NULL;
    int rc = fc_faceapi_package_version(package_dir, source, sizeof source, err);
    if (rc) return rc;
    snprintf(model_dir, sizeof model_dir, "%s/model", package_dir);
    rc = fc_faceapi_load(model_dir, "face_recognition_model", &recog, err);
    if (rc) goto done;
    writer = fc_model_writer_new(source);
    if (!writer) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    rc = fc_recog_convert(recog, writer, err);
    if (rc) goto done;
    rc = fc_model_writer_save(writer, out_path, err);
done:
    fc_model_writer_free(writer);
    fc_faceapi_free(recog);
    return rc;
}
