/* bench/lfw: face verification accuracy on Labeled Faces in the Wild.
 *
 *   lfw [DATA_DIR] [--model PATH] [--align chip|chip5|chips|box|crop] [--no-mirror]
 *       [--single-landmarks] [--refine] [--passes ssd,tiny,ssd2,tiny2] [--detect-only]
 *       [--crop N] [--threads N] [--save FILE]
 *
 * DATA_DIR (default ../shared/data/lfw-dev) holds PERSON/PERSON_NNNN.jpg and pairs.txt in
 * the official format (first line "FOLDS N", then per fold N same-person lines and N
 * different-person lines). The standard protocol: for each fold, the distance threshold
 * that maximises accuracy on the other folds is applied to it; we print the mean accuracy
 * over folds with its standard deviation and a 95% interval (Student's t), for the float
 * embedding and the 128-byte form side by side.
 *
 * Each photo goes through the whole pipeline (detect, landmarks, align, embed) and the
 * face nearest the image centre is taken, LFW's convention; a photo where no face is
 * found counts against us (its pairs are answered wrongly). The pipeline runs with
 * fc_faces_default_opts() but for the flags: --align chip (default) is dlib's face chip,
 * chip5 the same from 5 landmarks, box the reference's axis-aligned crop; --no-mirror
 * embeds the chip alone (not averaged with its mirror image), --single-landmarks takes
 * the landmark net's answer alone, --refine runs it again on the box its first answer
 * implies, --passes picks the detector passes. --align crop skips detection and takes a
 * fixed centre crop of the deep-funneled 250 x 250 image (--crop N pixels, default 110:
 * the best of 85-190 on the dev folds). --save writes each photo's chosen face and
 * embedding, for looking into errors. */
#include "core/nets/align.h"
#include "core/nets/embedding.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/model.h"
#include "core/nn/nn.h"
#include "core/nets/recog.h"
#include "bench/lfw_data.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char **paths;
    int count;
    float (*unit)[FC_EMBED_DIM];
    fc_qembed *q;
    int *failed;
    float (*chosen)[8]; /* the chosen face: box, score; faces in the photo, its size */
} image_set;

typedef struct {
    image_set *set;
    fc_recog *net;
    fc_faces *faces; /* NULL: the fixed centre crop */
    fc_faces_opts opts;
    int first, step, crop;
    int jitter; /* chips placed slightly differently, their embeddings averaged in */
} embed_job;

/* Test-time jitter, as dlib's num_jitters: the chip moved by up to 3 px, turned by up
 * to 3 degrees and scaled by up to 3% about its centre (the same draws for every face,
 * from a fixed seed), each embedding averaged with the face's own. */
static int add_jitter(embed_job *job, const char *path, const fc_face *face,
                      float unit[FC_EMBED_DIM], fc_qembed *q, char *err)
{
    fc_image img;
    if (fc_image_load(path, &img, err) != 0) return -1;
    fc_similarity t;
    int rc = fc_align_dlib(face->landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING, &t, err);
    float sum[FC_EMBED_DIM];
    memcpy(sum, face->embedding, sizeof sum);
    uint32_t seed = 12345;
    for (int k = 0; k < job->jitter && !rc; k++) {
        double draw[4];
        for (int d = 0; d < 4; d++) {
            seed = seed * 1664525u + 1013904223u;
            draw[d] = (seed >> 8) / (double)(1u << 24) * 2.0 - 1.0; /* -1..1 */
        }
        const double angle = draw[0] * 3.0 * M_PI / 180.0, scale = 1.0 + 0.03 * draw[1];
        const double dx = 3.0 * draw[2], dy = 3.0 * draw[3], c = (FC_CHIP_SIZE - 1) / 2.0;
        /* chip' -> chip: p = z (p' - c) + c + d, then chip -> image by t */
        const double za = scale * cos(angle), zb = scale * sin(angle);
        const double px = c - (za * c - zb * c) + dx, py = c - (zb * c + za * c) + dy;
        fc_similarity j = {t.a * za - t.b * zb, t.a * zb + t.b * za, t.a * px - t.b * py + t.tx,
                           t.b * px + t.a * py + t.ty};
        uint8_t chip[FC_CHIP_SIZE * FC_CHIP_SIZE * 3];
        fc_face tmp;
        rc = fc_align_extract(&img, &j, FC_CHIP_SIZE, chip, err);
        if (!rc) rc = fc_faces_embed_chip(job->faces, chip, job->opts.mirror, &tmp, err);
        for (int i = 0; i < FC_EMBED_DIM && !rc; i++) sum[i] += tmp.embedding[i];
    }
    fc_image_free(&img);
    if (rc || fc_embed_normalize(sum, unit) != 0) return -1;
    fc_qembed_encode(unit, q);
    return 0;
}

/* The whole pipeline; the face whose box centre is nearest the image centre. */
static int embed_detected(embed_job *job, const char *path, float unit[FC_EMBED_DIM], fc_qembed *q,
                          float chosen[8])
{
    char err[FC_ERR_MAX];
    fc_photo photo;
    if (fc_faces_run_file(job->faces, path, &job->opts, &photo, err) != 0) {
        fprintf(stderr, "lfw: %s: %s\n", path, err);
        return -1;
    }
    const int best = lfw_centre_face(&photo);
    if (best >= 0) {
        memcpy(unit, photo.faces[best].embedding, sizeof(float) * FC_EMBED_DIM);
        *q = photo.faces[best].quantized;
        memcpy(chosen, photo.faces[best].box, 4 * sizeof(float));
        chosen[4] = photo.faces[best].score;
        if (job->jitter > 0 && add_jitter(job, path, &photo.faces[best], unit, q, err) != 0)
            fprintf(stderr, "lfw: %s: jitter: %s\n", path, err);
    }
    chosen[5] = (float)photo.count;
    chosen[6] = (float)photo.width, chosen[7] = (float)photo.height;
    fc_photo_free(&photo);
    return best >= 0 ? 0 : -1;
}

static void *embed_worker(void *arg)
{
    embed_job *job = arg;
    image_set *set = job->set;
    for (int i = job->first; i < set->count; i += job->step) {
        char err[FC_ERR_MAX];
        if (job->faces) {
            set->failed[i] =
                embed_detected(job, set->paths[i], set->unit[i], &set->q[i], set->chosen[i]) != 0;
            continue;
        }
        fc_image img;
        float raw[FC_RECOG_DIM];
        if (fc_image_load(set->paths[i], &img, err) != 0) {
            fprintf(stderr, "lfw: %s: %s\n", set->paths[i], err);
            set->failed[i] = 1;
            continue;
        }
        int side = job->crop < img.width ? job->crop : img.width;
        if (side > img.height) side = img.height;
        int rc = fc_recog_describe(job->net, &img, (img.width - side) / 2, (img.height - side) / 2,
                                   side, side, raw, err);
        fc_image_free(&img);
        if (rc != 0 || fc_embed_normalize(raw, set->unit[i]) != 0) {
            set->failed[i] = 1;
            continue;
        }
        fc_qembed_encode(set->unit[i], &set->q[i]);
    }
    return NULL;
}

/* "ssd,tiny2": FC_PASS_* bits. */
static int parse_passes(const char *arg, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"ssd", FC_PASS_SSD},
                 {"ssd2", FC_PASS_SSD_CANVAS},
                 {"tiny", FC_PASS_TINY},
                 {"tiny2", FC_PASS_TINY_CANVAS}};
    char buf[128];
    snprintf(buf, sizeof buf, "%s", arg);
    *out = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned bit = 0;
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strcmp(tok, names[k].name) == 0) bit = names[k].bit;
        if (!bit) return -1;
        *out |= bit;
    }
    return *out ? 0 : -1;
}

/* --save: one line an image (path, failed, faces found, the chosen face's box and score,
 * its embedding), for looking into the errors with other tools. */
static int save_embeddings(const char *path, const image_set *set)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "lfw: cannot write %s\n", path);
        return -1;
    }
    for (int i = 0; i < set->count; i++) {
        const float *c = set->chosen[i];
        fprintf(f, "%s\t%d\t%d\t%.1f %.1f %.1f %.1f\t%.4f\t", set->paths[i], set->failed[i],
                (int)c[5], c[0], c[1], c[2], c[3], c[4]);
        for (int k = 0; k < FC_EMBED_DIM; k++) fprintf(f, "%s%.6f", k ? " " : "", set->unit[i][k]);
        fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *dir = "../shared/data/lfw-dev", *model_path = NULL;
    int crop = 110, threads = 2, jitter = 0;
    const char *align = "chip", *save_path = NULL, *passes_arg = NULL;
    fc_faces_opts opts = fc_faces_default_opts();
    char err[FC_ERR_MAX];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model_path = argv[++i];
        else if (strcmp(argv[i], "--crop") == 0 && i + 1 < argc)
            crop = atoi(argv[++i]);
        else if (strcmp(argv[i], "--mirror") == 0) /* the default now */
            opts.mirror = 1;
        else if (strcmp(argv[i], "--no-mirror") == 0)
            opts.mirror = 0;
        else if (strcmp(argv[i], "--single-landmarks") == 0)
            opts.mirror_landmarks = 0;
        else if (strcmp(argv[i], "--align") == 0 && i + 1 < argc)
            align = argv[++i];
        else if (strcmp(argv[i], "--refine") == 0)
            opts.refine_landmarks = 1;
        else if (strcmp(argv[i], "--detect-only") == 0)
            opts.want_embeddings = 0;
        else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc)
            passes_arg = argv[++i];
        else if (strcmp(argv[i], "--save") == 0 && i + 1 < argc)
            save_path = argv[++i];
        else if (strcmp(argv[i], "--jitter") == 0 && i + 1 < argc)
            jitter = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (argv[i][0] != '-')
            dir = argv[i];
        else {
            fprintf(stderr,
                    "usage: lfw [DATA_DIR] [--model PATH] [--align chip|chip5|chips|box|crop] "
                    "[--no-mirror] [--single-landmarks] [--refine]\n"
                    "           [--passes ssd,tiny,ssd2,tiny2] [--detect-only] [--crop N] "
                    "[--threads N] [--jitter N] [--save FILE]\n");
            return 2;
        }
    }
    const int use_crop = strcmp(align, "crop") == 0;
    if (passes_arg && parse_passes(passes_arg, &opts.passes) != 0) {
        fprintf(stderr,
                "lfw: --passes takes ssd, ssd2 (on a canvas), tiny, tiny2, comma-separated\n");
        return 2;
    }
    if (crop < 16 || crop > 4096 || threads < 1 || threads > 64 || jitter < 0 || jitter > 64 ||
        (!use_crop && strcmp(align, "chip") != 0 && strcmp(align, "box") != 0 &&
         strcmp(align, "chip5") != 0 && strcmp(align, "chips") != 0)) {
        fprintf(stderr, "lfw: --align chip|box|crop, --crop 16..4096, --threads 1..64\n");
        return 2;
    }
    opts.alignment = strcmp(align, "box") == 0     ? FC_ALIGN_BOX
                     : strcmp(align, "chip5") == 0 ? FC_ALIGN_CHIP5
                     : strcmp(align, "chips") == 0 ? FC_ALIGN_CHIPS
                                                   : FC_ALIGN_CHIP;
    if (opts.alignment == FC_ALIGN_BOX) opts.mirror = 0; /* the reference's crop, as it is */
    lfw_pair *pairs;
    int npairs, folds;
    image_set set = {0};
    if (lfw_load(dir, 0, &pairs, &npairs, &folds, &set.paths, &set.count) != 0) return 1;

    set.unit = calloc((size_t)set.count, sizeof *set.unit);
    set.q = calloc((size_t)set.count, sizeof *set.q);
    set.failed = calloc((size_t)set.count, sizeof *set.failed);
    set.chosen = calloc((size_t)set.count, sizeof *set.chosen);

    fc_model *model;
    if (fc_model_open_or_default(model_path, &model, err) != 0) {
        fprintf(stderr, "lfw: %s\n", err);
        return 1;
    }
    pthread_t tid[64];
    embed_job jobs[64];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (embed_job){
            .set = &set, .opts = opts, .first = t, .step = threads, .crop = crop, .jitter = jitter};
        if ((!use_crop && fc_faces_new(model, &jobs[t].faces, err) != 0) ||
            fc_recog_new(model, 1, &jobs[t].net, err) != 0) {
            fprintf(stderr, "lfw: %s\n", err);
            return 1;
        }
        pthread_create(&tid[t], NULL, embed_worker, &jobs[t]);
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        fc_recog_free(jobs[t].net);
        fc_faces_free(jobs[t].faces);
    }
    fc_model_close(model);

    int failed = 0;
    for (int i = 0; i < set.count; i++) failed += set.failed[i];
    float max_err = 0, max_comp = 0;
    for (int i = 0; i < set.count; i++)
        for (int k = 0; k < FC_EMBED_DIM; k++)
            if (fabsf(set.unit[i][k]) > max_comp) max_comp = fabsf(set.unit[i][k]);
    const int used =
        lfw_distances(pairs, npairs, (const float(*)[FC_EMBED_DIM])set.unit, set.q, set.failed);
    for (int i = 0; i < npairs; i++)
        if (!set.failed[pairs[i].a] && !set.failed[pairs[i].b])
            max_err = fmaxf(max_err, fabsf(pairs[i].dist - pairs[i].qdist));
    char how[200];
    if (use_crop)
        snprintf(how, sizeof how, "centre crop %dx%d", crop, crop);
    else
        snprintf(how, sizeof how, "detected (passes %s), %s alignment%s%s; landmarks %s%s",
                 passes_arg ? passes_arg : "default", align,
                 opts.mirror ? ", averaged with the mirror image" : "",
                 jitter ? " and jittered chips" : "",
                 opts.mirror_landmarks ? "averaged with the mirror image's" : "as found",
                 opts.refine_landmarks ? ", refined" : "");
    int lost = 0, centred = 0;
    for (int i = 0; i < npairs; i++) lost += set.failed[pairs[i].a] || set.failed[pairs[i].b];
    for (int i = 0; i < set.count && !use_crop; i++) {
        /* LFW centres each photo on its face: the chosen box must hold the centre */
        const float *c = set.chosen[i];
        if (!set.failed[i])
            centred += c[0] <= c[6] / 2 && c[0] + c[2] >= c[6] / 2 && c[1] <= c[7] / 2 &&
                       c[1] + c[3] >= c[7] / 2;
    }
    printf("bench/lfw: %s, %d pairs in %d folds, %d images (%d without a face), %s, kernels %s; "
           "%d pairs counted wrong for it\n",
           dir, npairs, folds, set.count, failed, how, fc_nn_kernel_name(), lost);
    if (!use_crop)
        printf("recall: a face found at the centre in %d of %d photos (%.2f%%)\n", centred,
               set.count, 100.0 * centred / set.count);
    if (!opts.want_embeddings) return 0;
    lfw_report("float embedding", pairs, npairs, folds, 0);
    lfw_report("128-byte form", pairs, npairs, folds, 1);
    printf("128-byte form: largest |distance error| over the %d pairs %.5f; largest embedding "
           "component %.4f (stored scale %.0f saturates at %.4f)\n",
           used, max_err, max_comp, FC_QEMBED_SCALE, 127.0f / FC_QEMBED_SCALE);
    if (save_path && save_embeddings(save_path, &set) != 0) return 1;
    for (int i = 0; i < set.count; i++) free(set.paths[i]);
    free(set.paths);
    free(set.unit);
    free(set.q);
    free(set.failed);
    free(set.chosen);
    free(pairs);
    return 0;
}
