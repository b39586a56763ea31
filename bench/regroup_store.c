/* bench/regroup-store: what a regroup costs the store at 10k, 100k (and, asked, 1M)
 * faces: loading every face and constraint, and writing the result (in transactions of
 * 20,000 faces: the daemon's loop waits for the write lock at most 5 s).
 *
 *   regroup-store [--sizes 10000,100000] [--dir DIR]
 *
 * Synthetic photos of three faces (people drawn like bench/cluster's), written through the
 * store's own API; then load, cluster, and apply twice: the first regroup (every face
 * newly assigned) and one after a few faces changed (a typical coalesced regroup). */
#include "bench/bench_util.h"
#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A face of a person (its centre drawn from the person's number). */
static void make_face(fc_face *f, int person)
{
    unsigned long long keep = bench_rng_state;
    bench_rng_state = 0x9E3779B97F4A7C15ULL * (unsigned long long)(person + 1);
    float v[FC_EMBED_DIM], norm = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) v[k] = gaussian();
    bench_rng_state = keep;
    /* the person's centre, then a face 0.02 per dimension around it (about bench/cluster's
     * within-person spread) */
    for (int k = 0; k < FC_EMBED_DIM; k++) v[k] = v[k] / sqrtf(FC_EMBED_DIM) + 0.02f * gaussian();
    for (int k = 0; k < FC_EMBED_DIM; k++) norm += v[k] * v[k];
    for (int k = 0; k < FC_EMBED_DIM; k++) f->embedding[k] = v[k] / sqrtf(norm);
    fc_qembed_encode(f->embedding, &f->quantized);
    f->score = 0.95f;
    f->box[2] = f->box[3] = 100;
}

static int regroup_once(fc_store *s, float *load_s, float *cluster_s, float *apply_s, char *err)
{
    double t0 = now_s();
    fc_store_faces f;
    int rc = fc_store_faces_load(s, &f, err);
    if (rc) return rc;
    *load_s = (float)(now_s() - t0);
    int *group = malloc((size_t)f.n * sizeof *group), groups = 0;
    int64_t *ids = malloc((size_t)f.n * sizeof *ids);
    fc_cluster_input in = {.n = f.n,
                           .embedding = (const float(*)[FC_EMBED_DIM])f.embedding,
                           .photo = f.photo,
                           .fixed = f.fixed,
                           .can_seed = f.can_seed};
    t0 = now_s();
    rc = group && ids ? fc_cluster_regroup(&in, group, &groups, err) : -ENOMEM;
    if (!rc) rc = fc_cluster_map_ids(group, f.person, f.fixed, f.n, groups, ids, err);
    *cluster_s = (float)(now_s() - t0);
    t0 = now_s();
    if (!rc) rc = fc_store_apply_groups(s, &f, group, groups, ids, err);
    *apply_s = (float)(now_s() - t0);
    free(group), free(ids);
    fc_store_faces_free(&f);
    return rc < 0 ? rc : 0;
}

static int run_size(int n, const char *dir)
{
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/regroup-store-%d-%d.db", dir, n, (int)getpid());
    fc_store *s = NULL;
    int rc = fc_store_open(path, 0, &s, err);
    const int photos = n / 3;
    double t0 = now_s();
    for (int p = 0; !rc && p < photos; p++) {
        if (p % 5000 == 0 && (rc = fc_store_begin(s, err)) != 0) break;
        fc_face faces[3];
        memset(faces, 0, sizeof faces);
        for (int i = 0; i < 3; i++) make_face(&faces[i], (int)(uniform() * n / 5));
        fc_store_indexed w = {
            .width = 640, .height = 480, .faces = faces, .count = 3, .model_version = "bench"};
        memcpy(w.hash, &p, sizeof p);
        char file[64];
        snprintf(file, sizeof file, "/bench/%d.jpg", p);
        const fc_file_identity id = {.device = 1, .inode = (uint64_t)p + 1, .size = 1000};
        rc = fc_store_put_indexed(s, file, &id, &w, NULL, err);
        if (!rc && (p % 5000 == 4999 || p == photos - 1)) rc = fc_store_commit(s, err);
    }
    const double fill = now_s() - t0;
    float load[2], cluster[2], apply[2];
    if (!rc) rc = regroup_once(s, &load[0], &cluster[0], &apply[0], err);
    if (!rc) rc = regroup_once(s, &load[1], &cluster[1], &apply[1], err);
    if (rc)
        fprintf(stderr, "regroup-store: %s\n", err);
    else
        printf("%8d faces: store filled in %.1f s; first regroup: load %.2f s, cluster %.2f s, "
               "write %.2f s (in transactions of 20,000 faces); again: load %.2f s, cluster %.2f "
               "s, write %.2f s; peak RSS %.0f MiB\n",
               photos * 3, fill, load[0], cluster[0], apply[0], load[1], cluster[1], apply[1],
               peak_rss_mib());
    fc_store_close(s);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char file[4200];
        snprintf(file, sizeof file, "%s%s", path, suffix[i]);
        unlink(file);
    }
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *sizes = "10000,100000", *dir = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
            sizes = argv[++i];
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: regroup-store [--sizes N,N,...] [--dir DIR]\n");
            return 2;
        }
    }
    printf("bench/regroup-store: the store's part of a regroup, threshold %.3f\n",
           FC_CLUSTER_THRESHOLD);
    int status = 0;
    for (const char *p = sizes; *p;) {
        status |= run_size(atoi(p), dir);
        fflush(stdout);
        p = strchr(p, ',') ? strchr(p, ',') + 1 : p + strlen(p);
    }
    return status;
}
