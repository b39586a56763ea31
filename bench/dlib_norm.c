#include "bench/dlib_norm.h"

#include "core/nets/align.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/model.h"
#include "core/nets/recog.h"
#include "bench/lfw_data.h"

#include <errno.h>
#include <math.h>

/* The raw descriptor of photo's face `which`, from its chip cut out of the image. */
static int chip_norm(fc_recog *net, const char *path, const fc_face *face, double *norm, char *err)
{
    fc_image img, chip = {0};
    int rc = fc_image_load(path, &img, err);
    if (rc) return rc;
    fc_similarity t;
    rc = fc_align_dlib(face->landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING, &t, err);
    if (!rc) rc = fc_image_alloc(&chip, FC_CHIP_SIZE, FC_CHIP_SIZE, err);
    if (!rc) rc = fc_align_extract(&img, &t, FC_CHIP_SIZE, chip.rgb, err);
    float d[FC_RECOG_DIM];
    if (!rc) rc = fc_recog_describe(net, &chip, 0, 0, FC_CHIP_SIZE, FC_CHIP_SIZE, d, err);
    double sum = 0;
    for (int k = 0; k < FC_RECOG_DIM && !rc; k++) sum += (double)d[k] * d[k];
    *norm = sqrt(sum);
    fc_image_free(&chip), fc_image_free(&img);
    return rc;
}

int dlib_descriptor_norm(const char *model_path, char *const *paths, int count, double *mean,
                         int *faces, char *err)
{
    fc_model *model = NULL;
    fc_faces *f = NULL;
    fc_recog *net = NULL;
    int rc = fc_model_open_or_default(model_path, &model, err);
    if (!rc) rc = fc_faces_new(model, &f, err);
    if (!rc) rc = fc_recog_new(model, 1, &net, err);
    fc_faces_opts opts = fc_faces_default_opts();
    opts.want_embeddings = 0; /* the chip is described below, without its mirror image */
    double sum = 0;
    *faces = 0;
    for (int i = 0; i < count && !rc; i++) {
        fc_photo photo;
        if (fc_faces_run_file(f, paths[i], &opts, &photo, err) != 0) continue;
        const int best = lfw_centre_face(&photo);
        double norm;
        if (best >= 0 && chip_norm(net, paths[i], &photo.faces[best], &norm, err) == 0)
            sum += norm, ++*faces;
        fc_photo_free(&photo);
    }
    *mean = *faces > 0 ? sum / *faces : 0;
    if (!rc && *faces == 0) rc = fc_errorf(err, -ENODATA, "no face in %d photos", count);
    fc_recog_free(net), fc_faces_free(f), fc_model_close(model);
    return rc;
}
