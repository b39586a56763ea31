#include "faces.h"

#include "align.h"
#include "fc_error.h"
#include "file.h"
#include "recog.h"
#include "ssd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fc_faces {
    fc_ssd *ssd;
    fc_landmarker *landmarks;
    fc_recog *recog;
    uint8_t chip[FC_CHIP_SIZE * FC_CHIP_SIZE * 3];
};

int fc_faces_new(const fc_model *model, fc_faces **out, char *err)
{
    *out = NULL;
    fc_faces *f = calloc(1, sizeof *f);
    if (!f) return fc_errorf(err, -ENOMEM, "out of memory");
    int rc = fc_ssd_new(model, &f->ssd, err);
    if (!rc) rc = fc_landmarker_new(model, &f->landmarks, err);
    if (!rc) rc = fc_recog_new(model, 1, &f->recog, err);
    if (rc) {
        fc_faces_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void fc_faces_free(fc_faces *f)
{
    if (!f) return;
    fc_ssd_free(f->ssd);
    fc_landmarker_free(f->landmarks);
    fc_recog_free(f->recog);
    free(f);
}

void fc_photo_free(fc_photo *photo)
{
    free(photo->faces);
    memset(photo, 0, sizeof *photo);
}

/* The reference's crop of a detection box (DETECTORS.md §4.1): clipped, each part
 * floored. Returns 0 for an empty crop. */
static int crop_of(const fc_detection *d, int width, int height, int r[4])
{
    const double cx = fmax(d->x, 0), cy = fmax(d->y, 0);
    const double cw = fmin((double)d->x + d->w - cx, width - cx);
    const double ch = fmin((double)d->y + d->h - cy, height - cy);
    r[0] = (int)floor(cx), r[1] = (int)floor(cy), r[2] = (int)floor(cw), r[3] = (int)floor(ch);
    return r[2] > 0 && r[3] > 0 && r[0] + r[2] <= width && r[1] + r[3] <= height;
}

/* The reference's axis-aligned face box from landmarks (FaceLandmarks.align with dlib
 * alignment): centred on the eyes' and mouth's mean, sized from their distances. */
static int box_from_landmarks(const float p[FC_LANDMARK_POINTS][2], int width, int height, int r[4])
{
    double le[2] = {0, 0}, re[2] = {0, 0}, mo[2] = {0, 0};
    for (int i = 36; i < 42; i++) le[0] += p[i][0] / 6, le[1] += p[i][1] / 6;
    for (int i = 42; i < 48; i++) re[0] += p[i][0] / 6, re[1] += p[i][1] / 6;
    for (int i = 48; i < 68; i++) mo[0] += p[i][0] / 20, mo[1] += p[i][1] / 20;
    const double d1 = hypot(le[0] - mo[0], le[1] - mo[1]), d2 = hypot(re[0] - mo[0], re[1] - mo[1]);
    const double size = floor((d1 + d2) / 2 / 0.45);
    const double cx = (le[0] + re[0] + mo[0]) / 3, cy = (le[1] + re[1] + mo[1]) / 3;
    const double x = floor(fmax(0, cx - 0.5 * size)), y = floor(fmax(0, cy - 0.43 * size));
    r[0] = (int)x, r[1] = (int)y;
    r[2] = (int)fmin(size, width - x), r[3] = (int)fmin(size, height - y);
    return r[2] > 0 && r[3] > 0;
}

/* shift: the reference places landmarks relative to the detection box's unrounded corner
 * although it crops at the rounded one (DETECTORS.md §4); the box alignment, being the
 * reference's, copies that so that its embeddings match the reference's */
static int describe(fc_faces *f, const fc_image *img, fc_face *face, enum fc_alignment how,
                    const float shift[2], char *err)
{
    float raw[FC_RECOG_DIM];
    int rc;
    if (how == FC_ALIGN_BOX) {
        int r[4];
        float shifted[FC_LANDMARK_POINTS][2];
        for (int i = 0; i < FC_LANDMARK_POINTS; i++)
            shifted[i][0] = face->landmarks[i][0] + shift[0],
            shifted[i][1] = face->landmarks[i][1] + shift[1];
        if (!box_from_landmarks((const float(*)[2])shifted, img->width, img->height, r))
            return fc_errorf(err, -EINVAL, "no face box from these landmarks");
        rc = fc_recog_describe(f->recog, img, r[0], r[1], r[2], r[3], raw, err);
    } else {
        fc_similarity t;
        rc = fc_align_dlib((const float(*)[2])face->landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING, &t,
                           err);
        if (!rc) rc = fc_align_extract(img, &t, FC_CHIP_SIZE, f->chip, err);
        if (!rc) {
            fc_recog_set_input(f->recog, 0, f->chip, FC_CHIP_SIZE, FC_CHIP_SIZE, FC_CHIP_SIZE * 3);
            fc_recog_forward(f->recog, 1, (float(*)[FC_RECOG_DIM])raw);
        }
    }
    if (rc) return rc;
    if (fc_embed_normalize(raw, face->embedding) != 0)
        return fc_errorf(err, -EINVAL, "the network gave a zero descriptor");
    fc_qembed_encode(face->embedding, &face->quantized);
    return 0;
}

int fc_faces_run(fc_faces *f, const uint8_t *data, size_t len, const fc_faces_opts *opts,
                 fc_photo *photo, char *err)
{
    memset(photo, 0, sizeof *photo);
    fc_image img;
    fc_exif_read(data, len, &photo->exif);
    int rc = fc_image_decode(data, len, &img, err);
    if (rc) return rc;
    rc = fc_image_orient(&img, photo->exif.orientation, err);
    if (rc) goto done;
    photo->width = img.width;
    photo->height = img.height;
    fc_detection dets[FC_SSD_MAX_RESULTS];
    const float min_score = opts && opts->min_score > 0 ? opts->min_score : FC_SSD_MIN_SCORE;
    int n = fc_ssd_detect(f->ssd, &img, min_score, dets, FC_SSD_MAX_RESULTS, err);
    if (n < 0) {
        rc = n;
        goto done;
    }
    photo->faces = calloc((size_t)(n ? n : 1), sizeof *photo->faces);
    if (!photo->faces) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        int r[4];
        if (!crop_of(&dets[i], img.width, img.height, r)) continue; /* nothing inside */
        fc_face *face = &photo->faces[photo->count];
        face->box[0] = dets[i].x, face->box[1] = dets[i].y;
        face->box[2] = dets[i].w, face->box[3] = dets[i].h;
        face->score = dets[i].score;
        face->small = fminf(dets[i].w, dets[i].h) < FC_FACE_SMALL;
        rc = fc_landmarker_run(f->landmarks, &img, r[0], r[1], r[2], r[3], face->landmarks, err);
        const float shift[2] = {dets[i].x - (float)r[0], dets[i].y - (float)r[1]};
        if (!rc && opts && opts->want_embeddings)
            rc = describe(f, &img, face, opts->alignment, shift, err);
        if (rc) goto done;
        photo->count++;
    }
done:
    fc_image_free(&img);
    if (rc) fc_photo_free(photo);
    return rc;
}

int fc_faces_run_file(fc_faces *f, const char *path, const fc_faces_opts *opts, fc_photo *photo,
                      char *err)
{
    uint8_t *data;
    size_t len;
    memset(photo, 0, sizeof *photo);
    int rc = fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
    if (rc) return rc;
    rc = fc_faces_run(f, data, len, opts, photo, err);
    free(data);
    return rc;
}
