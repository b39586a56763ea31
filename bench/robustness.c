/* bench/robustness: the FaceNet paper's Table 4 for our pipeline, on the LFW dev pairs.
 *
 *   robustness [DATA_DIR] [--model PATH] [--folds N] [--threads N]
 *
 * Rows: the photos as they are; re-encoded at JPEG quality 10, 20, 30, 50, 70 and 90
 * before the whole pipeline (detection included) sees them; and the aligned face chip
 * shrunk to 40, 60, 80 and 120 pixels and scaled back to 150 (the paper shrinks the
 * face, not the photo), from the landmarks found on the original photo. Each row is the
 * accuracy of the standard protocol (float embeddings), every pair counted. The paper
 * reports the validation rate at a false accept rate of 1e-3; 3,000 pairs (1,500
 * different-person pairs) cannot resolve 1e-3, so accuracy is printed instead.
 *
 * It runs the pipeline seven times over every photo: over an hour on two cores for the
 * five dev folds; --folds 2 (the first two, 1,200 pairs) about half an hour. */
#include "core/nets/align.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/image/image.h"
#include "bench/bench_util.h"
#include "bench/lfw_data.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int qualities[] = {10, 20, 30, 50, 70, 90};
static const int shrinks[] = {40, 60, 80, 120, FC_CHIP_SIZE}; /* the last: not shrunk */
#define QUALITIES (int)(sizeof qualities / sizeof qualities[0])
#define SHRINKS (int)(sizeof shrinks / sizeof shrinks[0])
#define ROWS (1 + QUALITIES + SHRINKS)

typedef struct {
    char **paths;
    int count;
    float (*unit)[ROWS][FC_EMBED_DIM]; /* per photo, per row */
    int (*failed)[ROWS];
} photo_set;

typedef struct {
    photo_set *set;
    fc_faces *faces;
    int first, step;
} job;

/* The whole pipeline on JPEG bytes; the centre face's embedding (and the photo's
 * decoded pixels and that face's landmarks, when asked). */
static int centre_face(fc_faces *f, const uint8_t *data, size_t len, float unit[FC_EMBED_DIM],
                       float landmarks[FC_LANDMARKS][2])
{
    char err[FC_ERR_MAX];
    fc_photo photo;
    const fc_faces_opts opts = fc_faces_default_opts();
    if (fc_faces_run(f, data, len, &opts, &photo, err) != 0) return -1;
    const int best = lfw_centre_face(&photo);
    if (best >= 0) {
        memcpy(unit, photo.faces[best].embedding, sizeof(float) * FC_EMBED_DIM);
        if (landmarks) memcpy(landmarks, photo.faces[best].landmarks, sizeof(float) * 2 * 68);
    }
    fc_photo_free(&photo);
    return best >= 0 ? 0 : -1;
}

/* The chip of the face, shrunk to `side` pixels and scaled back, embedded. */
static int shrunk_chip(fc_faces *f, const fc_image *img, const float (*landmarks)[2], int side,
                       float unit[FC_EMBED_DIM])
{
    char err[FC_ERR_MAX];
    uint8_t chip[FC_CHIP_SIZE * FC_CHIP_SIZE * 3];
    fc_similarity t;
    if (fc_align_dlib(landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING, &t, err) != 0 ||
        fc_align_extract(img, &t, FC_CHIP_SIZE, chip, err) != 0)
        return -1;
    if (side != FC_CHIP_SIZE) {
        fc_image full = {FC_CHIP_SIZE, FC_CHIP_SIZE, chip}, small, back;
        if (fc_image_resize(&full, side, side, &small, err) != 0) return -1;
        int rc = fc_image_resize(&small, FC_CHIP_SIZE, FC_CHIP_SIZE, &back, err);
        fc_image_free(&small);
        if (rc) return -1;
        memcpy(chip, back.rgb, sizeof chip);
        fc_image_free(&back);
    }
    fc_face face;
    const int mirror = fc_faces_default_opts().mirror;
    if (fc_faces_embed_chip(f, chip, mirror, &face, err) != 0) return -1;
    memcpy(unit, face.embedding, sizeof(float) * FC_EMBED_DIM);
    return 0;
}

static void one_photo(fc_faces *f, const char *path, float (*unit)[FC_EMBED_DIM], int *failed)
{
    char err[FC_ERR_MAX];
    uint8_t *data;
    size_t len;
    for (int r = 0; r < ROWS; r++) failed[r] = 1;
    if (fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err) != 0) {
        fprintf(stderr, "robustness: %s: %s\n", path, err);
        return;
    }
    float landmarks[FC_LANDMARKS][2];
    fc_image img;
    const int found = centre_face(f, data, len, unit[0], landmarks) == 0;
    failed[0] = !found;
    if (fc_image_decode(data, len, &img, err) == 0) {
        for (int q = 0; q < QUALITIES; q++) {
            uint8_t *jpeg;
            size_t jpeg_len;
            if (fc_image_encode_jpeg(&img, qualities[q], &jpeg, &jpeg_len, err) != 0) continue;
            failed[1 + q] = centre_face(f, jpeg, jpeg_len, unit[1 + q], NULL) != 0;
            free(jpeg);
        }
        for (int s = 0; s < SHRINKS && found; s++)
            failed[1 + QUALITIES + s] = shrunk_chip(f, &img, (const float(*)[2])landmarks,
                                                    shrinks[s], unit[1 + QUALITIES + s]) != 0;
        fc_image_free(&img);
    }
    free(data);
}

static void *worker(void *arg)
{
    job *j = arg;
    for (int i = j->first; i < j->set->count; i += j->step)
        one_photo(j->faces, j->set->paths[i], j->set->unit[i], j->set->failed[i]);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *dir = "../shared/data/lfw-dev", *model_path = NULL;
    int folds_wanted = 0, threads = 2;
    char err[FC_ERR_MAX];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model_path = argv[++i];
        else if (strcmp(argv[i], "--folds") == 0 && i + 1 < argc)
            folds_wanted = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (argv[i][0] != '-')
            dir = argv[i];
        else {
            fprintf(stderr, "usage: robustness [DATA_DIR] [--model PATH] [--folds N] "
                            "[--threads N]\n");
            return 2;
        }
    }
    if (threads < 1 || threads > 16 || folds_wanted < 0 || folds_wanted == 1) {
        fprintf(stderr, "robustness: --folds takes 2 or more: each fold's threshold is chosen on "
                        "the others\n");
        return 2;
    }
    lfw_pair *pairs;
    int npairs, folds;
    photo_set set = {0};
    if (lfw_load(dir, folds_wanted, &pairs, &npairs, &folds, &set.paths, &set.count) != 0) return 1;
    set.unit = calloc((size_t)set.count, sizeof *set.unit);
    set.failed = calloc((size_t)set.count, sizeof *set.failed);
    fc_model *model;
    if (!set.unit || !set.failed || fc_model_open_or_default(model_path, &model, err) != 0) {
        fprintf(stderr, "robustness: %s\n", set.unit ? err : "out of memory");
        return 1;
    }
    const double t0 = now_s();
    pthread_t tid[16];
    job jobs[16];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){&set, NULL, t, threads};
        if (fc_faces_new(model, &jobs[t].faces, err) != 0) {
            fprintf(stderr, "robustness: %s\n", err);
            return 1;
        }
        pthread_create(&tid[t], NULL, worker, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        fc_faces_free(jobs[t].faces);
    }
    fc_model_close(model);

    printf("bench/robustness: %s, %d pairs in %d folds, %d photos, %.0f s\n", dir, npairs, folds,
           set.count, now_s() - t0);
    printf("accuracy, not the paper's VAL at FAR 1e-3: %d different-person pairs cannot resolve "
           "a rate of 1e-3\n",
           npairs / 2);
    float(*unit)[FC_EMBED_DIM] = malloc((size_t)set.count * sizeof *unit);
    fc_qembed *q = calloc((size_t)set.count, sizeof *q);
    int *failed = malloc((size_t)set.count * sizeof *failed);
    for (int r = 0; r < ROWS; r++) {
        int lost = 0;
        for (int i = 0; i < set.count; i++) {
            memcpy(unit[i], set.unit[i][r], sizeof unit[i]);
            fc_qembed_encode(unit[i], &q[i]);
            failed[i] = set.failed[i][r];
            lost += failed[i];
        }
        lfw_distances(pairs, npairs, (const float(*)[FC_EMBED_DIM])unit, q, failed);
        char label[64];
        if (r == 0)
            snprintf(label, sizeof label, "as stored");
        else if (r <= QUALITIES)
            snprintf(label, sizeof label, "JPEG q%d", qualities[r - 1]);
        else
            snprintf(label, sizeof label, "face %d px", shrinks[r - 1 - QUALITIES]);
        lfw_report(label, pairs, npairs, folds, 0);
        if (lost) printf("    (%d photos without a face)\n", lost);
    }
    free(unit);
    free(q);
    free(failed);
    for (int i = 0; i < set.count; i++) free(set.paths[i]);
    free(set.paths);
    free(set.unit);
    free(set.failed);
    free(pairs);
    return 0;
}
