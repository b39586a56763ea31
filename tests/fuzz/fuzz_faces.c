/* Fuzz target: the whole pipeline (decode, EXIF, upright, both detectors, landmarks,
 * alignment, embedding) on untrusted bytes never crashes or leaks, and what it returns
 * is sane: boxes and landmarks finite, embeddings of unit length, or an error that says
 * why. The input is the file; its size picks the options (detector, alignment, mirror,
 * embeddings), so that any photo is an input and every option is reached. It replays
 * the image corpus and two sample photos (tests/meson.build). The model comes from
 * FACECLUSTER_MODEL (or the installed one). */
#include "core/nets/faces.h"
#include "core/fc_error.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fc_model *model;
static fc_faces *faces;

static int ready(void)
{
    static int tried;
    char err[FC_ERR_MAX];
    if (!tried) {
        tried = 1;
        if (fc_model_open_or_default(getenv("FACECLUSTER_MODEL"), &model, err) != 0 ||
            fc_faces_new(model, &faces, err) != 0) {
            const char *ci = getenv("CI");
            const int in_ci = ci && strcmp(ci, "true") == 0;
            fprintf(stderr, "fuzz_faces: %s%s\n", err, in_ci ? "" : ": SKIP (run ./run.sh)");
            exit(in_ci ? 1 : 77); /* nothing to fuzz without the model */
        }
    }
    return faces != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready()) return 0;
    fc_faces_opts opts = fc_faces_default_opts();
    opts.detector = size & 1 ? FC_DETECTOR_TINY : FC_DETECTOR_SSD;
    opts.alignment = size & 2 ? FC_ALIGN_BOX : FC_ALIGN_CHIP;
    opts.mirror = (size & 4) != 0;
    opts.want_embeddings = (size & 8) == 0;
    fc_photo photo;
    char err[FC_ERR_MAX] = "";
    if (fc_faces_run(faces, data, size, &opts, &photo, err) != 0) {
        if (photo.faces != NULL || photo.count != 0 || err[0] == 0) abort();
        return 0;
    }
    if (photo.width <= 0 || photo.height <= 0 || photo.count < 0) abort();
    for (int i = 0; i < photo.count; i++) {
        const fc_face *f = &photo.faces[i];
        for (int k = 0; k < 4; k++)
            if (!isfinite(f->box[k])) abort();
        for (int p = 0; p < FC_LANDMARK_POINTS; p++)
            if (!isfinite(f->landmarks[p][0]) || !isfinite(f->landmarks[p][1])) abort();
        if (!(f->score > 0 && f->score <= 1)) abort();
        double norm = 0;
        for (int k = 0; k < FC_EMBED_DIM; k++) norm += (double)f->embedding[k] * f->embedding[k];
        if (opts.want_embeddings && fabs(norm - 1) > 1e-3) abort();
    }
    fc_photo_free(&photo);
    return 0;
}
