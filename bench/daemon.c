/* bench/daemon: faceclusterd on a made-up library, as the README quotes it.
 *
 *   daemon [--photos N] [--large N] [--files N] [--daemon PATH] [--model PATH]
 *
 * 1. A library of N photos (default 500): the six sample photos copied with altered
 *    bytes (a line after the end-of-image marker: new content, same picture), N/100 of
 *    them (--large) enlarged to 6000 x 4000 (24 MP). The pipeline alone runs over them
 *    in this process on one thread; then `faceclusterd --once` indexes them into a new
 *    store with one worker, and again with two. Printed: photos/s, the daemon's overhead
 *    over the pipeline's own time (start-up, hashing, the store), and the daemon's peak
 *    resident memory against the budget of 250 MB plus 300 bytes a face.
 * 2. A restart over --files unchanged files (default 100,000 small distinct JPEGs in 100
 *    folders, indexed once first): its time, and how many photo files and bytes it read
 *    (the daemon's own count; must be zero).
 * 3. Idle (--idle-minutes M, default 2; 0: skipped): faceclusterd watching the six samples
 *    with two workers and model_ttl --ttl S (default 10): its resident memory once idle,
 *    and after model_ttl; its context switches per second (every thread's, from
 *    /proc/PID/task/N/status) and CPU time over M idle minutes; and a photo written after
 *    them: how long after its settle window it is indexed (networks made again and all). */
#include "bench/bench_daemon.h"
#include "bench/bench_idle.h"
#include "bench/bench_images.h"
#include "bench/bench_util.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/image/image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_bytes(const char *path, const void *a, size_t alen, const char *trailer)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(a, 1, alen, f) == alen && fputs(trailer, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The pipeline alone over every file of the library, one thread: the time the daemon
 * cannot avoid. */
static int pipeline_alone(const char *model_path, char **paths, int count, double *seconds,
                          long *faces)
{
    char err[FC_ERR_MAX];
    fc_model *model;
    fc_faces *f;
    if (fc_model_open_or_default(model_path, &model, err) != 0 ||
        fc_faces_new(model, &f, err) != 0) {
        fprintf(stderr, "daemon: %s\n", err);
        return -1;
    }
    const fc_faces_opts opts = fc_faces_default_opts();
    *faces = 0;
    const double t0 = now_s();
    for (int i = 0; i < count; i++) {
        fc_photo photo;
        if (fc_faces_run_file(f, paths[i], &opts, &photo, err) != 0) {
            fprintf(stderr, "daemon: %s: %s\n", paths[i], err);
            continue;
        }
        *faces += photo.count;
        fc_photo_free(&photo);
    }
    *seconds = now_s() - t0;
    fc_faces_free(f);
    fc_model_close(model);
    return 0;
}

static int make_library(const char *lib, int photos, int large, char ***paths_out, char *err)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    uint8_t *data[6];
    size_t len[6];
    for (int n = 0; n < 6; n++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/sample%d.jpg",
                 samples ? samples : ".cache/face-api-1.7.15/demo", n + 1);
        if (fc_file_read(path, (size_t)64 << 20, &data[n], &len[n], err) != 0) return -1;
    }
    char **paths = calloc((size_t)photos, sizeof *paths);
    int rc = paths && mkdir(lib, 0700) == 0 ? 0 : -1;
    for (int i = 0; i < photos && !rc; i++) {
        char path[8192], trailer[64];
        snprintf(path, sizeof path, "%s/%s%04d.jpg", lib, i < large ? "large" : "photo", i);
        snprintf(trailer, sizeof trailer, "\nfacecluster bench copy %d\n", i);
        if (i < large) {
            rc = bench_write_large_jpeg(data[i % 6], len[i % 6], 6000, 4000, path, err);
        } else {
            rc = write_bytes(path, data[i % 6], len[i % 6], trailer);
            if (rc) fc_errorf(err, -EIO, "cannot write %s", path);
        }
        paths[i] = strdup(path);
    }
    for (int n = 0; n < 6; n++) free(data[n]);
    *paths_out = paths;
    return rc;
}

/* count small distinct JPEGs (8 x 8 px: too small to search for faces, so indexing them
 * first is quick) in 100 folders. */
static int make_small_files(const char *dir, int count, char *err)
{
    fc_image tiny;
    uint8_t *jpeg = NULL;
    size_t jpeg_len;
    int rc = fc_image_alloc(&tiny, 8, 8, err);
    if (rc) return rc;
    for (int i = 0; i < 8 * 8 * 3; i++) tiny.rgb[i] = (uint8_t)(i * 7);
    rc = fc_image_encode_jpeg(&tiny, 90, &jpeg, &jpeg_len, err);
    fc_image_free(&tiny);
    if (!rc && mkdir(dir, 0700) != 0) rc = fc_errorf(err, -errno, "cannot make %s", dir);
    for (int i = 0; i < count && !rc; i++) {
        char path[8192], trailer[32];
        if (i % (count / 100 + 1) == 0) {
            snprintf(path, sizeof path, "%s/%03d", dir, i / (count / 100 + 1));
            mkdir(path, 0700);
        }
        snprintf(path, sizeof path, "%s/%03d/f%06d.jpg", dir, i / (count / 100 + 1), i);
        snprintf(trailer, sizeof trailer, "%d", i);
        if (write_bytes(path, jpeg, jpeg_len, trailer) != 0)
            rc = fc_errorf(err, -EIO, "cannot write %s", path);
    }
    free(jpeg);
    return rc;
}

/* Section 3 (the header). */
static int idle_section(const char *exe, const char *model, const char *tmp, double minutes,
                        int ttl_s)
{
    char lib[4096], db[4096], log[4096], extra[4096], err[FC_ERR_MAX] = "";
    char **paths = NULL;
    snprintf(lib, sizeof lib, "%s/idle", tmp);
    snprintf(db, sizeof db, "%s/idle.db", tmp);
    snprintf(log, sizeof log, "%s/log-idle", tmp);
    snprintf(extra, sizeof extra, "%s/extra.jpg", tmp);
    int rc = make_library(lib, 6, 0, &paths, err);
    uint8_t *data = NULL;
    size_t len = 0;
    /* the photo written after the idle minutes: new bytes, a known picture */
    if (!rc) rc = fc_file_read(paths[1], (size_t)64 << 20, &data, &len, err);
    if (!rc && write_bytes(extra, data, len, "\nfacecluster bench idle\n") != 0)
        rc = fc_errorf(err, -EIO, "cannot write %s", extra);
    free(data);
    for (int i = 0; paths && i < 6; i++) free(paths[i]);
    free(paths);
    if (rc) {
        fprintf(stderr, "daemon: %s\n", err);
        return -1;
    }
    idle_run r;
    const int settle_ms = 500;
    if (bench_idle(exe, model, lib, db, log, extra, ttl_s, settle_ms, minutes, &r) != 0) return -1;
    printf("idle, watching 6 photos (2 workers, model_ttl %d s, %d threads): first index %.1f s; "
           "resident memory %.0f MiB with the networks, %.1f MiB after model_ttl; over %.0f idle "
           "minutes: %.3f wake-ups/s (context switches, all threads), %.2f s CPU; a photo "
           "written then: indexed %.2f s after its %d ms settle window\n",
           ttl_s, r.threads, r.index_s, r.rss_busy_mib, r.rss_freed_mib, minutes, r.wakeups_per_s,
           r.cpu_s, r.first_after_idle_s, settle_ms);
    return 0;
}

int main(int argc, char **argv)
{
    int photos = 500, large = -1, files = 100000, ttl_s = 10;
    double idle_minutes = 2;
    const char *exe = NULL, *model = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--photos") == 0 && i + 1 < argc)
            photos = atoi(argv[++i]);
        else if (strcmp(argv[i], "--large") == 0 && i + 1 < argc)
            large = atoi(argv[++i]);
        else if (strcmp(argv[i], "--files") == 0 && i + 1 < argc)
            files = atoi(argv[++i]);
        else if (strcmp(argv[i], "--daemon") == 0 && i + 1 < argc)
            exe = argv[++i];
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model = argv[++i];
        else if (strcmp(argv[i], "--idle-minutes") == 0 && i + 1 < argc)
            idle_minutes = atof(argv[++i]);
        else if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc)
            ttl_s = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: daemon [--photos N] [--large N] [--files N] "
                            "[--daemon PATH] [--model PATH] [--idle-minutes M] [--ttl S]\n");
            return 2;
        }
    }
    if (large < 0) large = photos / 100;
    if (photos < 1 || large > photos || files < 0 || idle_minutes < 0 || ttl_s < 1) return 2;
    char exe_buf[4096];
    if (!exe) { /* the faceclusterd of this build tree */
        bench_daemon_path(argv[0], exe_buf, sizeof exe_buf);
        exe = exe_buf;
    }
    if (!model) model = getenv("FACECLUSTER_MODEL");
    if (!model) model = "build/facecluster.model";
    char tmp[] = "/tmp/facecluster-bench-XXXXXX", path[4096], db[4096], log[4096];
    char err[FC_ERR_MAX] = "";
    if (!mkdtemp(tmp)) return 1;
    int status = 1;
    char **paths = NULL;
    snprintf(path, sizeof path, "%s/library", tmp);
    printf("bench/daemon: %d photos (%d of them 6000x4000), faceclusterd --once, SSD detector\n",
           photos, large);
    fflush(stdout);
    if (make_library(path, photos, large, &paths, err) != 0) {
        fprintf(stderr, "daemon: %s\n", err);
        goto out;
    }
    double alone;
    long faces;
    if (pipeline_alone(model, paths, photos, &alone, &faces) != 0) goto out;
    printf("pipeline alone, in-process, 1 thread: %.1f s, %.2f photos/s, %ld faces\n", alone,
           photos / alone, faces);
    fflush(stdout);
    for (int threads = 1; threads <= 2; threads++) {
        daemon_run r;
        snprintf(db, sizeof db, "%s/faces%d.db", tmp, threads);
        snprintf(log, sizeof log, "%s/log%d", tmp, threads);
        if (bench_run_daemon(exe, model, path, db, threads, log, &r) != 0) goto out;
        const double budget = 250.0 + 300.0 * r.faces / (1 << 20);
        printf("faceclusterd, %d worker%s: %.1f s, %.2f photos/s, %ld photos, %ld faces, the "
               "pipeline ran %ld times",
               threads, threads == 1 ? " " : "s", r.seconds, r.indexed / r.seconds, r.indexed,
               r.faces, r.runs);
        /* against the daemon's own count of its workers' time in the pipeline, taken at
         * the same moments (this shared machine's speed drifts between runs): the wall
         * time beyond it, and the CPU time beyond it (hashing, the store, the loop) */
        const double busy = r.pipeline_s / threads;
        printf("; overhead over the pipeline: wall %.1f%% (%.1f s of %.1f), CPU %.1f%% "
               "(%.1f s)",
               100.0 * (r.running_s - busy) / busy, r.running_s - busy, r.running_s,
               100.0 * (r.cpu_s - r.pipeline_cpu_s) / r.pipeline_cpu_s, r.cpu_s - r.pipeline_cpu_s);
        printf("; peak RSS %.0f MiB (budget %.0f)\n", r.peak_mib, budget);
        fflush(stdout);
    }
    if (files > 0) {
        daemon_run first, again;
        snprintf(path, sizeof path, "%s/small", tmp);
        snprintf(db, sizeof db, "%s/small.db", tmp);
        snprintf(log, sizeof log, "%s/log-small", tmp);
        if (make_small_files(path, files, err) != 0) {
            fprintf(stderr, "daemon: %s\n", err);
            goto out;
        }
        if (bench_run_daemon(exe, model, path, db, 2, log, &first) != 0 ||
            bench_run_daemon(exe, model, path, db, 2, log, &again) != 0)
            goto out;
        printf("%d small files: first indexed in %.1f s; restart over them unchanged: %.2f s, "
               "%ld unchanged, %ld photo files read (%ld bytes), the pipeline ran %ld times, "
               "peak RSS %.0f MiB\n",
               files, first.seconds, again.seconds, again.unchanged, again.files_read,
               again.bytes_read, again.runs, again.peak_mib);
    }
    if (idle_minutes > 0 && idle_section(exe, model, tmp, idle_minutes, ttl_s) != 0) goto out;
    status = 0;
out:
    if (paths)
        for (int i = 0; i < photos; i++) free(paths[i]);
    free(paths);
    snprintf(path, sizeof path, "rm -rf '%s'", tmp);
    if (system(path) != 0) fprintf(stderr, "daemon: could not remove %s\n", tmp);
    return status;
}
