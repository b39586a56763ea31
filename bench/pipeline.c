/* bench/pipeline: photos/s and faces/s of the whole pipeline (decode, upright, detect,
 * landmarks, align, embed) over photos held in memory, and one camera-size photo's time
 * and peak memory.
 *
 *   pipeline [--model PATH] [--runs N] [--detector ssd|tiny] [--no-mirror]
 *            [--single-landmarks] [--formats] [PHOTO...]
 *
 * PHOTO defaults to the six sample photos. One thread, then two (a pipeline each); each
 * figure the median of N passes over all the photos; then where one thread's time goes,
 * by stage and by layer type. Last, a 6000 x 4000 JPEG (24 MP: sample1 enlarged, quality
 * 92) goes through the pipeline in a fresh process, which reports its time and its peak
 * resident memory (the mapped model weights it touched included).
 *
 * --formats (with the sample photos): the same photos converted at bench time to PNG,
 * WebP, TIFF and HEIC (bench_formats.h), each set's photos/s on one thread beside the
 * JPEGs' and its decoding time; then a 48 MP photo (8000 x 6000, sample1 enlarged) as
 * JPEG and as HEIC, each decoded alone and put through the pipeline in fresh processes,
 * which report time and peak resident memory. */
#include "bench/bench_formats.h"
#include "bench/bench_images.h"
#include "bench/bench_util.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/image/image.h"
#include "core/nn/nn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PHOTOS 64
#define LARGE_W 6000
#define LARGE_H 4000
#define HUGE_W 8000 /* 48 MP, a phone's or camera's largest */
#define HUGE_H 6000

typedef struct {
    uint8_t *data[MAX_PHOTOS];
    size_t len[MAX_PHOTOS];
    int count;
} photo_set;

typedef struct {
    const photo_set *set;
    fc_faces *faces;
    fc_faces_opts opts;
    int found;
    double stage[FC_STAGE_COUNT];
} worker;

static const char *const stage_names[FC_STAGE_COUNT] = {"decode+upright", "detect", "landmarks",
                                                        "align+embed"};

static void *work(void *arg)
{
    worker *w = arg;
    char err[FC_ERR_MAX];
    w->found = 0;
    memset(w->stage, 0, sizeof w->stage);
    for (int i = 0; i < w->set->count; i++) {
        fc_photo photo;
        if (fc_faces_run(w->faces, w->set->data[i], w->set->len[i], &w->opts, &photo, err) == 0) {
            w->found += photo.count;
            for (int s = 0; s < FC_STAGE_COUNT; s++) w->stage[s] += photo.stage_seconds[s];
            fc_photo_free(&photo);
        }
    }
    return NULL;
}

/* The format of the file at path, told from its first bytes. */
static const char *format_of(const char *path)
{
    uint8_t head[FC_IMAGE_SNIFF_BYTES];
    FILE *f = fopen(path, "rb");
    const size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    return fc_format_name(fc_image_sniff(head, n));
}

/* The child's side of a decoding-only run: the photo decoded whole, as a viewer would. */
static int measure_decode(const char *path)
{
    char err[FC_ERR_MAX];
    const double before = peak_rss_mib(), t0 = now_s();
    fc_image img;
    if (fc_image_load(path, &img, err) != 0) {
        fprintf(stderr, "pipeline: %s: %s\n", path, err);
        return 1;
    }
    printf("decoding alone, whole (%dx%d %s): %.0f ms; peak resident memory %.0f MiB (%.0f "
           "before)\n",
           img.width, img.height, format_of(path), (now_s() - t0) * 1e3, peak_rss_mib(), before);
    fc_image_free(&img);
    return 0;
}

/* The child's side of the large-photo run: a fresh process, so its peak is the
 * pipeline's own. */
static int measure_one(const char *model_path, const char *path, const fc_faces_opts *opts)
{
    char err[FC_ERR_MAX];
    fc_model *model;
    fc_faces *faces;
    if (fc_model_open_or_default(model_path, &model, err) != 0 ||
        fc_faces_new(model, &faces, err) != 0) {
        fprintf(stderr, "pipeline: %s\n", err);
        return 1;
    }
    const double before = peak_rss_mib(), t0 = now_s();
    fc_photo photo;
    if (fc_faces_run_file(faces, path, opts, &photo, err) != 0) {
        fprintf(stderr, "pipeline: %s: %s\n", path, err);
        return 1;
    }
    const double wall = now_s() - t0;
    printf("large photo %dx%d (%.1f MP %s): %.0f ms, %d faces (", photo.width, photo.height,
           photo.width * (double)photo.height / 1e6, format_of(path), wall * 1e3, photo.count);
    for (int s = 0; s < FC_STAGE_COUNT; s++)
        printf("%s%s %.0f ms", s ? ", " : "", stage_names[s], photo.stage_seconds[s] * 1e3);
    printf("); peak resident memory %.0f MiB (%.0f MiB before the photo: code, model, "
           "networks)\n",
           peak_rss_mib(), before);
    fc_photo_free(&photo);
    fc_faces_free(faces);
    fc_model_close(model);
    return 0;
}

static int load_samples(photo_set *set, char *err)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    char path[4096];
    for (int n = 1; n <= 6; n++) {
        snprintf(path, sizeof path, "%s/sample%d.jpg",
                 samples ? samples : ".cache/face-api-1.7.15/demo", n);
        if (fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &set->data[n - 1], &set->len[n - 1], err)) {
            fprintf(stderr, "pipeline: %s: %s (give photos, or set FACECLUSTER_SAMPLES)\n", path,
                    err);
            return -1;
        }
        set->count = n;
    }
    return 0;
}

static void throughput(worker w[2], int runs)
{
    double *rate = calloc((size_t)runs, sizeof *rate);
    const int count = w[0].set->count;
    for (int threads = 1; threads <= 2; threads++) {
        work(&w[0]); /* warm up */
        for (int r = 0; r < runs; r++) {
            pthread_t tid[2];
            double t0 = now_s();
            for (int t = 0; t < threads; t++) pthread_create(&tid[t], NULL, work, &w[t]);
            for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
            rate[r] = threads * count / (now_s() - t0);
        }
        qsort(rate, (size_t)runs, sizeof *rate, cmp_double);
        double faces_per_photo = (double)w[0].found / count;
        printf("%d thread%s: %.2f photos/s, %.1f faces/s (median of %d passes; %.1f faces a "
               "photo)\n",
               threads, threads == 1 ? " " : "s", rate[runs / 2], rate[runs / 2] * faces_per_photo,
               runs, faces_per_photo);
    }
    free(rate);
}

static void breakdown(worker *w)
{
    const int count = w->set->count;
    double ns[FC_OP_COUNT], total = 0;
    fc_nn_profile_enable(1);
    fc_nn_profile_take(ns);
    double t0 = now_s();
    work(w);
    double wall = (now_s() - t0) * 1e9;
    fc_nn_profile_take(ns);
    fc_nn_profile_enable(0);
    printf("time per photo by stage (one thread, profiled):");
    for (int s = 0; s < FC_STAGE_COUNT; s++)
        printf("%s %s %.1f ms", s ? "," : "", stage_names[s], w->stage[s] / count * 1e3);
    printf("\ntime per photo by layer type:");
    for (int op = 0; op < FC_OP_COUNT; op++)
        if (ns[op] > 0) {
            printf(" %s %.1f ms,", fc_nn_op_name((enum fc_nn_op)op), ns[op] / count / 1e6);
            total += ns[op];
        }
    printf(" the rest (decode, resizing, NMS, alignment) %.1f ms\n", (wall - total) / count / 1e6);
}

/* Runs this program again on path in a fresh process (mode "--measure-one" or
 * "--measure-decode"), with the same model and options; 0 when it succeeded. */
static int measure_in_child(const char *self, const char *model_path, const fc_faces_opts *opts,
                            const char *mode, const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *child[12];
        int n = 0;
        child[n++] = (char *)self;
        if (model_path) child[n++] = "--model", child[n++] = (char *)model_path;
        child[n++] = "--detector";
        child[n++] = opts->detector == FC_DETECTOR_TINY ? "tiny" : "ssd";
        if (!opts->mirror) child[n++] = "--no-mirror";
        if (!opts->mirror_landmarks) child[n++] = "--single-landmarks";
        child[n++] = (char *)mode;
        child[n++] = (char *)path;
        child[n] = NULL;
        execv("/proc/self/exe", child);
        _exit(127);
    }
    int ws = 0;
    return pid < 0 || waitpid(pid, &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0;
}

/* One thread's photos/s over set (median of runs passes) and its decoding ms a photo. */
static double one_thread_rate(worker *w, int runs, double *decode_ms)
{
    double *rate = calloc((size_t)runs, sizeof *rate), median = 0, decode = 0;
    *decode_ms = 0;
    if (!rate) return 0;
    work(w); /* warm up */
    for (int r = 0; r < runs; r++) {
        const double t0 = now_s();
        work(w);
        rate[r] = w->set->count / (now_s() - t0);
        decode += w->stage[0];
    }
    qsort(rate, (size_t)runs, sizeof *rate, cmp_double);
    median = rate[runs / 2];
    free(rate);
    *decode_ms = decode / runs / w->set->count * 1e3;
    return median;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    const int ok = f && fwrite(data, 1, len, f) == len;
    return (f && fclose(f) != 0) || !ok ? -1 : 0;
}

/* The --formats section: the sample set in each format against the JPEGs, then the
 * 48 MP photo as JPEG and HEIC in fresh processes. Files live in a temporary folder. */
static int formats(const char *self, const char *model_path, const photo_set *jpegs, worker *w,
                   int runs)
{
    char dir[] = "/tmp/facecluster-formats-XXXXXX", path[4096], out[4096], err[FC_ERR_MAX];
    if (!mkdtemp(dir)) return 1;
    int status = 0;
    photo_set sets[BENCH_FORMATS] = {0};
    for (int i = 0; i < jpegs->count && !status; i++) {
        snprintf(path, sizeof path, "%s/%d.jpg", dir, i);
        status = write_file(path, jpegs->data[i], jpegs->len[i]) != 0;
        for (int f = 0; f < BENCH_FORMATS && !status; f++) {
            snprintf(out, sizeof out, "%s/%d.%s", dir, i, bench_format_names[f]);
            status = bench_convert(path, bench_format_names[f], out, err) != 0 ||
                     fc_file_read(out, FC_IMAGE_MAX_FILE_BYTES, &sets[f].data[i], &sets[f].len[i],
                                  err) != 0;
            sets[f].count = i + 1;
        }
    }
    if (status) fprintf(stderr, "pipeline: cannot make the formats' photos: %s\n", err);
    printf("the same %d photos in each format, one thread (median of %d passes):\n", jpegs->count,
           runs);
    for (int f = -1; f < BENCH_FORMATS && !status; f++) {
        const photo_set *set = f < 0 ? jpegs : &sets[f];
        size_t bytes = 0;
        for (int i = 0; i < set->count; i++) bytes += set->len[i];
        worker one = *w;
        one.set = set;
        double decode_ms = 0;
        const double rate = one_thread_rate(&one, runs, &decode_ms);
        printf("  %-5s %6.1f MB: %.2f photos/s, decoding %.1f ms a photo, %d faces\n",
               f < 0 ? "jpeg" : bench_format_names[f], bytes / 1e6, rate, decode_ms, one.found);
    }
    for (int f = 0; f < BENCH_FORMATS; f++)
        for (int i = 0; i < sets[f].count; i++) free(sets[f].data[i]);
    /* 48 MP: enlarged once as a JPEG, that JPEG converted to HEIC */
    snprintf(path, sizeof path, "%s/huge.jpg", dir);
    snprintf(out, sizeof out, "%s/huge.heic", dir);
    if (!status &&
        (bench_write_large_jpeg(jpegs->data[0], jpegs->len[0], HUGE_W, HUGE_H, path, err) != 0 ||
         bench_convert(path, "heic", out, err) != 0)) {
        fprintf(stderr, "pipeline: cannot make the 48 MP photo: %s\n", err);
        status = 1;
    }
    for (int f = 0; f < 2 && !status; f++) {
        const char *photo = f ? out : path;
        status = measure_in_child(self, model_path, &w->opts, "--measure-decode", photo) ||
                 measure_in_child(self, model_path, &w->opts, "--measure-one", photo);
    }
    for (int i = 0; i < jpegs->count; i++) {
        snprintf(path, sizeof path, "%s/%d.jpg", dir, i);
        unlink(path);
        for (int f = 0; f < BENCH_FORMATS; f++) {
            snprintf(path, sizeof path, "%s/%d.%s", dir, i, bench_format_names[f]);
            unlink(path);
        }
    }
    snprintf(path, sizeof path, "%s/huge.jpg", dir);
    unlink(path);
    unlink(out);
    rmdir(dir);
    return status;
}

int main(int argc, char **argv)
{
    const char *model_path = NULL;
    int runs = 5, with_formats = 0;
    photo_set set = {0};
    fc_faces_opts opts = fc_faces_default_opts();
    char err[FC_ERR_MAX];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model_path = argv[++i];
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--detector") == 0 && i + 1 < argc) {
            opts.detector = strcmp(argv[++i], "tiny") == 0 ? FC_DETECTOR_TINY : FC_DETECTOR_SSD;
        } else if (strcmp(argv[i], "--no-mirror") == 0) {
            opts.mirror = 0;
        } else if (strcmp(argv[i], "--single-landmarks") == 0) {
            opts.mirror_landmarks = 0;
        } else if (strcmp(argv[i], "--formats") == 0) {
            with_formats = 1;
        } else if (strcmp(argv[i], "--measure-decode") == 0 && i + 1 < argc) {
            return measure_decode(argv[i + 1]); /* a child of --formats */
        } else if (strcmp(argv[i], "--measure-one") == 0 && i + 1 < argc) {
            return measure_one(model_path, argv[i + 1], &opts); /* the child, below */
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: pipeline [--model PATH] [--runs N] [--detector ssd|tiny] "
                            "[--no-mirror] [--single-landmarks] [--formats] [PHOTO...]\n");
            return 2;
        } else if (set.count < MAX_PHOTOS) {
            if (fc_file_read(argv[i], FC_IMAGE_MAX_FILE_BYTES, &set.data[set.count],
                             &set.len[set.count], err) != 0) {
                fprintf(stderr, "pipeline: %s: %s\n", argv[i], err);
                return 1;
            }
            set.count++;
        }
    }
    const int own_photos = set.count > 0;
    if ((!own_photos && load_samples(&set, err) != 0) || runs < 1 || runs > 100) return 1;
    fc_model *model;
    if (fc_model_open_or_default(model_path, &model, err) != 0) {
        fprintf(stderr, "pipeline: %s\n", err);
        return 1;
    }
    worker w[2];
    for (int t = 0; t < 2; t++) {
        w[t] = (worker){.set = &set, .opts = opts};
        if (fc_faces_new(model, &w[t].faces, err) != 0) {
            fprintf(stderr, "pipeline: %s\n", err);
            return 1;
        }
    }
    printf("bench/pipeline: %d photos, %s detector, landmarks %s, chip alignment%s, kernel %s\n",
           set.count, opts.detector == FC_DETECTOR_TINY ? "tiny" : "SSD",
           opts.mirror_landmarks ? "averaged with the mirrored face's" : "found once",
           opts.mirror ? " averaged with the mirror image" : "", fc_nn_kernel_name());
    throughput(w, runs);
    breakdown(&w[0]);
    int status = with_formats && !own_photos ? formats(argv[0], model_path, &set, &w[0], runs) : 0;
    for (int t = 0; t < 2; t++) fc_faces_free(w[t].faces);
    fc_model_close(model);

    if (!own_photos && !status) {
        char path[] = "/tmp/facecluster-large-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0 ||
            bench_write_large_jpeg(set.data[0], set.len[0], LARGE_W, LARGE_H, path, err) != 0) {
            fprintf(stderr, "pipeline: cannot make the large photo: %s\n", err);
            status = 1;
        } else {
            status = measure_in_child(argv[0], model_path, &opts, "--measure-one", path);
        }
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
    }
    for (int i = 0; i < set.count; i++) free(set.data[i]);
    return status;
}
