/* bench/pipeline: photos/s and faces/s of the whole pipeline (decode, upright, detect,
 * landmarks, align, embed) over photos held in memory.
 *
 *   pipeline [--model PATH] [--runs N] [PHOTO...]   (default: the six sample photos)
 *
 * One thread, then two (a pipeline each); each figure the median of N passes over all
 * the photos; then where one thread's time goes by layer type. */
#include "bench_util.h"
#include "../core/faces.h"
#include "../core/fc_error.h"
#include "../core/file.h"
#include "../core/nn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PHOTOS 64

typedef struct {
    uint8_t *data[MAX_PHOTOS];
    size_t len[MAX_PHOTOS];
    int count;
} photo_set;

typedef struct {
    const photo_set *set;
    fc_faces *faces;
    int found;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char err[FC_ERR_MAX];
    const fc_faces_opts opts = {.alignment = FC_ALIGN_CHIP, .want_embeddings = 1, .mirror = 1};
    w->found = 0;
    for (int i = 0; i < w->set->count; i++) {
        fc_photo photo;
        if (fc_faces_run(w->faces, w->set->data[i], w->set->len[i], &opts, &photo, err) == 0) {
            w->found += photo.count;
            fc_photo_free(&photo);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL;
    int runs = 5;
    photo_set set = {0};
    char err[FC_ERR_MAX], path[4096];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model_path = argv[++i];
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (set.count < MAX_PHOTOS) {
            if (fc_file_read(argv[i], FC_IMAGE_MAX_FILE_BYTES, &set.data[set.count],
                             &set.len[set.count], err) != 0) {
                fprintf(stderr, "pipeline: %s: %s\n", argv[i], err);
                return 1;
            }
            set.count++;
        }
    }
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    for (int n = 1; set.count == 0 && n <= 6; n++) {
        snprintf(path, sizeof path, "%s/sample%d.jpg",
                 samples ? samples : ".cache/face-api-1.7.15/demo", n);
        if (fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &set.data[n - 1], &set.len[n - 1], err)) {
            fprintf(stderr, "pipeline: %s: %s (give photos, or set FACECLUSTER_SAMPLES)\n", path,
                    err);
            return 1;
        }
        if (n == 6) set.count = 6;
    }
    if (runs < 1 || runs > 100) return 2;
    fc_model *model;
    if (fc_model_open_or_default(model_path, &model, err) != 0) {
        fprintf(stderr, "pipeline: %s\n", err);
        return 1;
    }
    worker w[2];
    for (int t = 0; t < 2; t++) {
        w[t] = (worker){&set, NULL, 0};
        if (fc_faces_new(model, &w[t].faces, err) != 0) {
            fprintf(stderr, "pipeline: %s\n", err);
            return 1;
        }
    }
    printf("bench/pipeline: %d photos, kernel %s\n", set.count, fc_nn_kernel_name());
    double *rate = calloc((size_t)runs, sizeof *rate);
    for (int threads = 1; threads <= 2; threads++) {
        work(&w[0]); /* warm up */
        for (int r = 0; r < runs; r++) {
            pthread_t tid[2];
            double t0 = now_s();
            for (int t = 0; t < threads; t++) pthread_create(&tid[t], NULL, work, &w[t]);
            for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
            rate[r] = threads * set.count / (now_s() - t0);
        }
        qsort(rate, (size_t)runs, sizeof *rate, cmp_double);
        double faces_per_photo = (double)w[0].found / set.count;
        printf("%d thread%s: %.2f photos/s, %.1f faces/s (median of %d passes; %.1f faces a "
               "photo)\n",
               threads, threads == 1 ? " " : "s", rate[runs / 2], rate[runs / 2] * faces_per_photo,
               runs, faces_per_photo);
    }
    double ns[FC_OP_COUNT], total = 0;
    fc_nn_profile_enable(1);
    fc_nn_profile_take(ns);
    double t0 = now_s();
    work(&w[0]);
    double wall = (now_s() - t0) * 1e9;
    fc_nn_profile_take(ns);
    printf("time per photo by layer type (one thread):");
    for (int op = 0; op < FC_OP_COUNT; op++)
        if (ns[op] > 0) {
            printf(" %s %.1f ms,", fc_nn_op_name((enum fc_nn_op)op), ns[op] / set.count / 1e6);
            total += ns[op];
        }
    printf(" rest (decode, resize, NMS, alignment) %.1f ms\n", (wall - total) / set.count / 1e6);
    free(rate);
    for (int t = 0; t < 2; t++) fc_faces_free(w[t].faces);
    fc_model_close(model);
    for (int i = 0; i < set.count; i++) free(set.data[i]);
    return 0;
}
