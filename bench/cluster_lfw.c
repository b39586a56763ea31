/* bench/cluster-lfw: how well faceclusterd groups real faces into people, against the
 * truth and against other ways of grouping the same embeddings.
 *
 *   cluster-lfw [DATA_DIR] [--store PATH] [--daemon PATH] [--model PATH] [--threads N]
 *               [--album N]
 *
 * DATA_DIR (default ../shared/data/lfw-dev) holds one folder per person with that
 * person's photos: the folder is the truth. `faceclusterd --once` indexes it into a store
 * (--store PATH: kept, and reused by the next run, which then reads nothing; otherwise a
 * temporary one), then the store gives every face's embedding, photo and the person the
 * daemon put it in. Each photo's labelled face is LFW's: the one at the centre (see
 * label_lfw); the other faces (people in the background) are clustered but not scored.
 *
 * Scored on the same embeddings: ours as the daemon left it and fc_cluster_regroup over
 * a range of thresholds; DBSCAN as Immich runs it; Chinese whispers as dlib's example
 * runs it; exact average linkage (UPGMA), of which ours is a fast form. Each with
 * BCubed and pairwise precision, recall and F1, over all labelled faces and over the
 * faces of people with at least two, and a verdict.
 *
 * Then an album of --album N (default 600) composites of 2-6 faces of distinct people
 * (cluster_album.h), indexed into a second store: no person may hold two faces of one
 * photo, and ours is scored again. */
#include "bench/bench_daemon.h"
#include "bench/bench_util.h"
#include "bench/cluster_album.h"
#include "bench/cluster_eval.h"
#include "bench/cluster_methods.h"
#include "bench/cluster_store.h"
#include "bench/lfw_truth.h"
#include "bench/dlib_norm.h"
#include "core/fc_error.h"
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ROWS 64
#define DBSCAN_MIN_FACES 3       /* Immich's minFaces, the face itself counted */
#define DBSCAN_MAX_DISTANCE 0.5f /* Immich's maxDistance (cosine distance) */
#define DLIB_THRESHOLD 0.6f      /* dlib's example: euclidean distance between descriptors */
#define WHISPER_ITERATIONS 100   /* dlib's chinese_whispers() default */
#define WHISPER_MAX_EDGES 40000000LL
#define DLIB_NORM_PHOTOS 30      /* photos whose descriptor length is measured */
#define OPERATING_PRECISION 0.99 /* BCubed precision on people with >= 2 faces */

static int by_int64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* --- scoring and printing ------------------------------------------------------------ */

typedef struct {
    char setting[64];
    float threshold;
    int failed; /* the method refused the setting (too dense a graph) */
    eval_scores all, multi;
    double largest; /* the share of all faces in the largest group */
} result;

typedef struct {
    result row[MAX_ROWS];
    int n;
} results;

static double largest_share(const int *label, int n)
{
    int *count = calloc((size_t)(n > 0 ? n : 1), sizeof *count), most = 0;
    if (!count) return -1;
    for (int i = 0; i < n; i++)
        if (label[i] >= 0 && label[i] < n && ++count[label[i]] > most) most = count[label[i]];
    free(count);
    return n > 0 ? (double)(most ? most : 1) / n : 0;
}

static result *add_result(results *r, const char *setting, float threshold)
{
    if (r->n == MAX_ROWS) return NULL;
    result *row = &r->row[r->n++];
    memset(row, 0, sizeof *row);
    snprintf(row->setting, sizeof row->setting, "%s", setting);
    row->threshold = threshold;
    return row;
}

static int score_into(result *row, const int *label, int n, const truth_set *t)
{
    if (!row) return -ENOMEM;
    row->largest = largest_share(label, n);
    if (eval_score(label, t->truth, n, t->scored, &row->all) != 0 ||
        eval_score(label, t->truth, n, t->scored2, &row->multi) != 0 || row->largest < 0)
        return -ENOMEM;
    return 0;
}

static void print_scores(const eval_scores *s)
{
    printf("B %.4f %.4f %.4f  pairs %.4f %.4f %.4f  people %5d/%-5d", s->bp, s->br, s->bf, s->pp,
           s->pr, s->pf, s->found, s->people);
}

static void print_row(const char *what, const result *r)
{
    if (r->failed) {
        printf("  %-28s %-18s (not run: over %lld edges, everyone neighbours everyone)\n", what,
               r->setting, WHISPER_MAX_EDGES);
        return;
    }
    printf("  %-28s %-18s all: ", what, r->setting);
    print_scores(&r->all);
    printf(" | >=2: ");
    print_scores(&r->multi);
    printf("\n");
}

/* The row with the best F1 on people with >= 2 faces, among those whose BCubed precision
 * there is at least min_precision; -1 for none. */
static int best_row(const results *r, double min_precision)
{
    int best = -1;
    for (int i = 0; i < r->n; i++) {
        const result *x = &r->row[i];
        if (x->failed || x->multi.bp < min_precision) continue;
        if (best < 0 || x->multi.bf > r->row[best].multi.bf) best = i;
    }
    return best;
}

/* Prints a method's default (if any), best and operating point; returns the operating
 * point's row, -1 when no setting reaches the precision. */
static int summarise(const results *r, int default_row)
{
    if (default_row >= 0) {
        print_row("default, as is", &r->row[default_row]);
        if (r->row[default_row].largest > 0.5)
            printf("  %-28s note: at its default it puts %.0f%% of all faces in one group\n", "",
                   100 * r->row[default_row].largest);
    }
    const int best = best_row(r, -1), op = best_row(r, OPERATING_PRECISION);
    if (best >= 0) print_row("best F", &r->row[best]);
    if (op >= 0)
        print_row("operating point (P>=0.99)", &r->row[op]);
    else
        printf("  %-28s no setting reaches BCubed precision %.2f on people with >= 2\n",
               "operating point (P>=0.99)", OPERATING_PRECISION);
    return op;
}

/* --- the methods ---------------------------------------------------------------------- */

typedef struct {
    const store_view *v;
    const truth_set *t;
    const float *sim; /* n x n */
    int *label;       /* scratch, n */
    float dlib_cos;   /* dlib's euclidean threshold as a cosine distance */
} bench_ctx;

/* fc_cluster_regroup on the store's faces as the daemon calls it (seed_rule 0: any face
 * may start a person), into c->label. */
static int regroup(const bench_ctx *c, float threshold, int seed_rule)
{
    const fc_store_faces *f = &c->v->f;
    char err[FC_ERR_MAX];
    fc_cluster_input in = {.n = f->n,
                           .embedding = (const float(*)[FC_EMBED_DIM])f->embedding,
                           .photo = f->photo,
                           .can_seed = seed_rule ? f->can_seed : NULL,
                           .threshold = threshold};
    int groups;
    const int rc = fc_cluster_regroup(&in, c->label, &groups, err);
    if (rc) fprintf(stderr, "cluster-lfw: %s\n", err);
    return rc;
}

/* The sweep into r; the seed rule's cost into aside (not a setting of the sweep). */
static int run_ours(const bench_ctx *c, results *r, results *aside)
{
    int rc = 0;
    for (int step = 0; step <= 18 && !rc; step++) {
        const float threshold = 0.030f + 0.005f * step;
        char setting[64];
        snprintf(setting, sizeof setting, "threshold %.3f", threshold);
        rc = regroup(c, threshold, 1);
        if (!rc) rc = score_into(add_result(r, setting, threshold), c->label, c->v->f.n, c->t);
        if (!rc) print_row("fc_cluster_regroup", &r->row[r->n - 1]);
    }
    /* what the seed rule costs: its faces left alone count as people of one */
    if (!rc) rc = regroup(c, FC_CLUSTER_THRESHOLD, 0);
    result *row = rc ? NULL : add_result(aside, "", FC_CLUSTER_THRESHOLD);
    if (row) snprintf(row->setting, sizeof row->setting, "threshold %.3f", FC_CLUSTER_THRESHOLD);
    if (!rc) rc = score_into(row, c->label, c->v->f.n, c->t);
    if (!rc) print_row("regroup, any face may seed", row);
    return rc;
}

static int run_dbscan(const bench_ctx *c, results *r, int *default_row)
{
    static const float extra[] = {0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.45f, DBSCAN_MAX_DISTANCE};
    const int n = c->v->f.n, steps = 27, total = steps + (int)(sizeof extra / sizeof *extra);
    int rc = 0;
    for (int s = 0; s < total && !rc; s++) {
        const float eps = s < steps ? 0.02f + 0.005f * s : extra[s - steps];
        char setting[64];
        snprintf(setting, sizeof setting, "maxDistance %.3f", eps);
        rc = method_dbscan(c->sim, n, eps, DBSCAN_MIN_FACES, c->label);
        if (!rc) rc = score_into(add_result(r, setting, eps), c->label, n, c->t);
        if (eps == DBSCAN_MAX_DISTANCE) *default_row = r->n - 1;
    }
    return rc;
}

/* dlib's 0.6 is a euclidean distance between its descriptors; ours are those descriptors
 * scaled to unit length: c->dlib_cos is it as a cosine distance (dlib_norm.h). */
static int run_whispers(const bench_ctx *c, results *r, int *default_row)
{
    const int n = c->v->f.n, steps = 19; /* to 0.11: beyond, the graph is one component */
    int rc = 0;
    for (int s = 0; s <= steps && !rc; s++) {
        const float dist = s < steps ? 0.02f + 0.005f * s : c->dlib_cos; /* the default */
        char setting[64];
        snprintf(setting, sizeof setting, "cosine < %.3f", dist);
        result *row = add_result(r, setting, dist);
        if (!row) return -ENOMEM;
        rc =
            method_whispers(c->sim, n, dist, WHISPER_ITERATIONS, 5489, WHISPER_MAX_EDGES, c->label);
        if (rc == -E2BIG) {
            row->failed = 1, rc = 0;
        } else if (!rc) {
            rc = score_into(row, c->label, n, c->t);
        }
        if (s == steps) *default_row = r->n - 1;
    }
    return rc;
}

static int run_upgma(const bench_ctx *c, results *r, int *default_row, double *build_s)
{
    const int n = c->v->f.n;
    method_merge *merges = NULL;
    const double t0 = now_s();
    int rc = method_upgma(c->sim, n, &merges);
    *build_s = now_s() - t0;
    for (int s = 0; s <= 36 && !rc; s++) {
        const float threshold = s < 36 ? 0.030f + 0.0025f * s : FC_CLUSTER_THRESHOLD;
        char setting[64];
        snprintf(setting, sizeof setting, "threshold %.4f", threshold);
        rc = method_cut(merges, n, threshold, c->label) < 0 ? -ENOMEM : 0;
        if (!rc) rc = score_into(add_result(r, setting, threshold), c->label, n, c->t);
        if (s == 36) *default_row = r->n - 1;
    }
    free(merges);
    return rc;
}

/* --- the LFW part --------------------------------------------------------------------- */

typedef struct {
    bench_index in;
    const char *tmp;
    int album;
} options;

static int index_folder(const options *o, const char *dir, const char *db, const char *what)
{
    char log[4200];
    snprintf(log, sizeof log, "%s/%s.log", o->tmp, what);
    daemon_run run;
    if (bench_run_daemon(o->in.exe, o->in.model, dir, db, o->in.threads, log, &run) != 0) return -1;
    printf("%s: faceclusterd --once, %d workers: %.1f s, %ld photos indexed (%ld faces), %ld "
           "unchanged, %ld photo files read, peak RSS %.0f MiB\n",
           what, o->in.threads, run.seconds, run.indexed, run.faces, run.unchanged, run.files_read,
           run.peak_mib);
    fflush(stdout);
    return 0;
}

static void print_verdict(const results *ours, int ours_row, const results *db, int db_op,
                          const results *cw, int cw_op, const results *up, int up_op)
{
    const double f = ours->row[ours_row].multi.bf;
    const double fdb = db_op >= 0 ? db->row[db_op].multi.bf : 0,
                 fcw = cw_op >= 0 ? cw->row[cw_op].multi.bf : 0,
                 fup = up_op >= 0 ? up->row[up_op].multi.bf : 0;
    printf("verdict (F1 on people with >= 2): ours as the daemon left it %.4f (P %.4f); "
           "DBSCAN at its operating point %.4f: %s; Chinese whispers %.4f: %s; exact average "
           "linkage %.4f: %s (%+.4f)\n",
           f, ours->row[ours_row].multi.bp, fdb, f > fdb ? "beaten" : "NOT beaten", fcw,
           f > fcw ? "beaten" : "NOT beaten", fup,
           f >= fup - 0.01 ? "within 0.01" : "NOT within 0.01", f - fup);
}

/* dlib's threshold on these embeddings, from the length of dlib's descriptors measured on
 * DLIB_NORM_PHOTOS photos spread over the folder. */
static int dlib_threshold(const options *o, const store_view *v, float *cos_dist)
{
    char *paths[DLIB_NORM_PHOTOS], err[FC_ERR_MAX];
    int count = 0, faces;
    for (int i = 0; i < v->n_paths && count < DLIB_NORM_PHOTOS; i++)
        if (i % (v->n_paths / DLIB_NORM_PHOTOS + 1) == 0) paths[count++] = v->paths[i].path;
    double norm;
    const double t0 = now_s();
    if (dlib_descriptor_norm(o->in.model, paths, count, &norm, &faces, err) != 0) {
        fprintf(stderr, "cluster-lfw: %s\n", err);
        return -1;
    }
    *cos_dist = (float)(DLIB_THRESHOLD * DLIB_THRESHOLD / (2 * norm * norm));
    printf("dlib's descriptors (this network's raw output on dlib's face chip, no mirror) are "
           "%.3f long on average (%d faces of %d photos, %.1f s): its euclidean %.1f is cosine "
           "distance %.1f^2 / (2 x %.3f^2) = %.4f here\n",
           norm, faces, count, now_s() - t0, DLIB_THRESHOLD, DLIB_THRESHOLD, norm, *cos_dist);
    return 0;
}

static int run_methods(const options *o, const store_view *v, const truth_set *t)
{
    const int n = v->f.n;
    bench_ctx c = {.v = v, .t = t};
    if (dlib_threshold(o, v, &c.dlib_cos) != 0) return -1;
    double t0 = now_s();
    float *sim = methods_similarity((const float(*)[FC_EMBED_DIM])v->f.embedding, n);
    int *label = malloc((size_t)(n > 0 ? n : 1) * sizeof *label);
    results *r = calloc(5, sizeof *r); /* store, ours, dbscan, whispers, upgma */
    if (!sim || !label || !r) {
        free(sim), free(label), free(r);
        return -ENOMEM;
    }
    c.sim = sim, c.label = label;
    printf("similarity matrix (%d x %d): %.1f s\n\n", n, n, now_s() - t0);
    printf("ours (the daemon's clustering: average linkage over candidate pairs, one photo's "
           "faces never together, seeds only from faces not small with score >= %.1f):\n",
           FC_STORE_SEED_SCORE);
    char setting[64];
    snprintf(setting, sizeof setting, "threshold %.3f", FC_CLUSTER_THRESHOLD);
    int rc = score_into(add_result(&r[0], setting, FC_CLUSTER_THRESHOLD), v->ours, n, t);
    if (!rc) print_row("as the daemon left it", &r[0].row[0]);
    t0 = now_s();
    if (!rc) rc = run_ours(&c, &r[1], &r[0]);
    if (!rc) {
        printf("  (%d regroups in %.1f s)\n", r[1].n + 1, now_s() - t0);
        summarise(&r[1], -1);
    }
    int db_default = -1, cw_default = -1, up_default = -1, db_op = -1, cw_op = -1, up_op = -1;
    double build_s = 0;
    t0 = now_s();
    if (!rc) rc = run_dbscan(&c, &r[2], &db_default);
    if (!rc) {
        printf("\nDBSCAN as Immich runs it (minFaces %d counting the face itself, cosine "
               "distance; default maxDistance %.1f; %d settings, %.1f s):\n",
               DBSCAN_MIN_FACES, DBSCAN_MAX_DISTANCE, r[2].n, now_s() - t0);
        db_op = summarise(&r[2], db_default);
    }
    t0 = now_s();
    if (!rc) rc = run_whispers(&c, &r[3], &cw_default);
    if (!rc) {
        printf("\nChinese whispers as dlib's example runs it (edges of weight 1 below the "
               "distance, self-edges, %d iterations; default: euclidean %.1f = cosine %.4f; %d "
               "settings, %.1f s):\n",
               WHISPER_ITERATIONS, DLIB_THRESHOLD, c.dlib_cos, r[3].n, now_s() - t0);
        cw_op = summarise(&r[3], cw_default);
    }
    t0 = now_s();
    if (!rc) rc = run_upgma(&c, &r[4], &up_default, &build_s);
    if (!rc) {
        printf("\nexact average linkage (UPGMA, NN-chain, dendrogram in %.1f s, %d cuts in "
               "%.1f s; 'default' is our threshold, calibrated with it):\n",
               build_s, r[4].n, now_s() - t0 - build_s);
        up_op = summarise(&r[4], up_default);
        printf("\n");
        print_verdict(&r[0], 0, &r[2], db_op, &r[3], cw_op, &r[4], up_op);
    }
    free(sim), free(label), free(r);
    return rc;
}

/* --- the album -------------------------------------------------------------------------- */

/* Faces of one composite: in each tile, the face nearest its centre is that tile's person;
 * a face with no box (not in a person) takes the one tile left without a face, when
 * exactly one face and one tile are left. Returns faces labelled. */
static int label_composite(const store_view *v, const album_photo *p, const int *run, int count,
                           truth_set *t, int *unplaced)
{
    int at[ALBUM_MAX_TILES], left = -1, loose = 0, loose_face = -1, done = 0;
    float best[ALBUM_MAX_TILES];
    for (int k = 0; k < p->tiles; k++) at[k] = -1, best[k] = 1e30f;
    for (int j = 0; j < count; j++) {
        const int i = run[j];
        if (!v->has_box[i]) {
            loose++, loose_face = i;
            continue;
        }
        const int k = album_tile_of(p, v->box[i]);
        if (k < 0) continue;
        float cx, cy;
        album_tile_centre(p, k, &cx, &cy);
        const float d = centre_distance(v->box[i], cx, cy);
        if (d < best[k]) best[k] = d, at[k] = i;
    }
    int empty = 0;
    for (int k = 0; k < p->tiles; k++)
        if (at[k] < 0) empty++, left = k;
    if (loose == 1 && empty == 1) at[left] = loose_face, loose = 0;
    *unplaced += loose;
    for (int k = 0; k < p->tiles; k++) {
        if (at[k] < 0) continue;
        t->truth[at[k]] = p->person[k], t->scored[at[k]] = 1, done++;
    }
    return done;
}

static int label_album(const store_view *v, const album *a, const truth_set *lfw, truth_set *t,
                       int *tiles, int *unplaced)
{
    memset(t, 0, sizeof *t);
    const size_t n = (size_t)(v->f.n > 0 ? v->f.n : 1);
    t->truth = malloc(n * sizeof *t->truth);
    t->scored = calloc(n, 1), t->scored2 = calloc(n, 1);
    int *order = view_faces_by_photo(v);
    if (!t->truth || !t->scored || !t->scored2 || !order) {
        free(order);
        return -ENOMEM;
    }
    t->people = lfw->people; /* names stay lfw's */
    for (int i = 0; i < v->f.n; i++) t->truth[i] = -1;
    *tiles = *unplaced = 0;
    for (int c = 0; c < a->count; c++) *tiles += a->photo[c].tiles;
    for (int x = 0, y; x < v->f.n; x = y) {
        for (y = x + 1; y < v->f.n && v->f.photo[order[y]] == v->f.photo[order[x]];) y++;
        const int c = v->path[order[x]] ? album_photo_of(a, v->path[order[x]]) : -1;
        if (c >= 0) t->labelled += label_composite(v, &a->photo[c], order + x, y - x, t, unplaced);
    }
    free(order);
    t->photos = a->count;
    const int rc = mark_multi(t, v->f.n);
    t->people = 0; /* the names belong to lfw: truth_free must not free them */
    return rc;
}

static int by_pair(const void *a, const void *b)
{
    const int c = by_int64(a, b);
    return c ? c : by_int64((const int64_t *)a + 1, (const int64_t *)b + 1);
}

/* Faces of one photo that the daemon put in a person already holding another face of
 * that photo: must be none. */
static long violations(const fc_store_faces *f)
{
    int64_t *pairs = malloc((size_t)(f->n > 0 ? f->n : 1) * 2 * sizeof *pairs);
    if (!pairs) return -1;
    int m = 0;
    for (int i = 0; i < f->n; i++)
        if (f->person[i]) pairs[2 * m] = f->person[i], pairs[2 * m + 1] = f->photo[i], m++;
    qsort(pairs, (size_t)m, 2 * sizeof *pairs, by_pair);
    long bad = 0;
    for (int k = 1; k < m; k++) bad += by_pair(pairs + 2 * k, pairs + 2 * k - 2) == 0;
    free(pairs);
    return bad;
}

static int run_album(const options *o, const store_view *lfw_view, const truth_set *lfw)
{
    char dir[4200], db[4200], err[FC_ERR_MAX];
    if (o->in.store)
        snprintf(dir, sizeof dir, "%s-album", o->in.store),
            snprintf(db, sizeof db, "%s-album.db", o->in.store);
    else
        snprintf(dir, sizeof dir, "%s/album", o->tmp),
            snprintf(db, sizeof db, "%s/album.db", o->tmp);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "cluster-lfw: cannot make %s: %s\n", dir, strerror(errno));
        return -1;
    }
    /* the sources: every photo of the folder with its person, in path order (photo ids
     * follow the order the workers finished in: the same album from every store) */
    char **paths = malloc((size_t)(lfw_view->n_paths > 0 ? lfw_view->n_paths : 1) * sizeof *paths);
    int *person = malloc((size_t)(lfw_view->n_paths > 0 ? lfw_view->n_paths : 1) * sizeof *person);
    if (!paths || !person) {
        free(paths), free(person);
        return -1;
    }
    int sources = 0;
    for (int i = 0; i < lfw_view->n_paths; i++) paths[sources++] = lfw_view->paths[i].path;
    qsort(paths, (size_t)sources, sizeof *paths, by_string);
    for (int i = 0; i < sources; i++) person[i] = person_index(lfw, paths[i]);
    double t0 = now_s();
    album a;
    int rc = album_make(dir, paths, person, sources, o->album, 20240607, &a, err);
    free(paths), free(person);
    if (rc) {
        fprintf(stderr, "cluster-lfw: %s\n", err);
        return -1;
    }
    int tiles = 0;
    for (int c = 0; c < a.count; c++) tiles += a.photo[c].tiles;
    printf("\nalbum: %d composites of 2-%d faces of distinct people (%d faces; the centre %d x "
           "%d of each photo, %d px apart) in %s: made in %.1f s\n",
           a.count, ALBUM_MAX_TILES, tiles, ALBUM_TILE, ALBUM_TILE, ALBUM_GAP, dir, now_s() - t0);
    fflush(stdout);
    store_view v;
    truth_set t;
    int unplaced = 0;
    rc = index_folder(o, dir, db, "album");
    char real[4096];
    if (!rc && !realpath(dir, real)) rc = -1;
    if (!rc && view_load(db, real, &v, err) != 0) {
        fprintf(stderr, "cluster-lfw: %s\n", err);
        rc = -1;
    } else if (!rc) {
        t0 = now_s();
        rc = label_album(&v, &a, lfw, &t, &tiles, &unplaced);
        const long bad = rc ? -1 : violations(&v.f);
        printf("album: %d faces found for %d tiles; %d labelled (the face nearest its tile's "
               "centre), %d without a box left out\n",
               v.f.n, tiles, t.labelled, unplaced);
        printf("album: faces of one photo in one person: %ld (must be 0)\n", bad);
        result row;
        memset(&row, 0, sizeof row);
        snprintf(row.setting, sizeof row.setting, "threshold %.3f", FC_CLUSTER_THRESHOLD);
        if (!rc) rc = score_into(&row, v.ours, v.f.n, &t);
        if (!rc) print_row("album, ours as left", &row);
        printf("album: scored in %.1f s\n", now_s() - t0);
        if (bad != 0) rc = -1;
        truth_free(&t);
        view_free(&v);
    }
    album_free(&a);
    return rc;
}

/* --- main ------------------------------------------------------------------------------ */

static int parse_args(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        if (bench_index_arg(argc, argv, &i, &o->in)) continue;
        if (strcmp(argv[i], "--album") == 0 && i + 1 < argc)
            o->album = atoi(argv[++i]);
        else
            return -1;
    }
    return o->in.threads >= 1 && o->album >= 0 ? 0 : -1;
}

static void print_header(const options *o, const store_view *v, const truth_set *t)
{
    printf("%s: %d photos (%d without a face), %d people (folders), %d faces\n", o->in.data_dir,
           t->photos, t->faceless, t->people, v->f.n);
    printf("labelled faces: %d, one per photo with a face: a photo's only face, or in the %d "
           "photos with several the face whose box centre is nearest the centre (%.0f, %.0f), "
           "boxes coming from the store's people (fc_store_person_faces); %d of those photos "
           "are left out, their centre face having no box (not in a person) and no known face "
           "within %.0f px of the centre. Other faces (background people) are clustered by "
           "every method but not scored.\n",
           t->labelled, t->multi, LFW_CENTRE, LFW_CENTRE, t->multi_dropped, CENTRE_RADIUS);
    int people2 = 0, faces2 = 0;
    int *count = calloc((size_t)(t->people > 0 ? t->people : 1), sizeof *count);
    for (int i = 0; i < v->f.n && count; i++)
        if (t->scored[i]) count[t->truth[i]]++;
    for (int p = 0; p < t->people && count; p++) people2 += count[p] >= 2;
    for (int i = 0; i < v->f.n; i++) faces2 += t->scored2[i];
    free(count);
    printf("people with >= 2 labelled faces: %d (%d faces). Scores: BCubed (B) and pairwise "
           "precision, recall, F1; people found/true among the scored faces (an unassigned "
           "face is a group of one); 'all' over every labelled face, '>=2' over those of "
           "people with >= 2 (group sizes counted within the set). 'best' and 'operating "
           "point' maximise F1 on '>=2', the operating point among settings with BCubed "
           "precision >= %.2f there.\n\n",
           people2, faces2, OPERATING_PRECISION);
}

int main(int argc, char **argv)
{
    options o = {.in.threads = 2, .album = 600};
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: cluster-lfw [DATA_DIR] [--store PATH] [--daemon PATH] "
                        "[--model PATH] [--threads N] [--album N]\n");
        return 2;
    }
    char tmp[] = "/tmp/cluster-lfw-XXXXXX", db[4200], real[4096], err[FC_ERR_MAX];
    bench_index_defaults(&o.in, argv[0]);
    if (!realpath(o.in.data_dir, real)) {
        fprintf(stderr, "cluster-lfw: %s: %s\n", o.in.data_dir, strerror(errno));
        return 1;
    }
    if (!mkdtemp(tmp)) return 1;
    o.tmp = tmp;
    snprintf(db, sizeof db, "%s", o.in.store ? o.in.store : "");
    if (!o.in.store) snprintf(db, sizeof db, "%s/lfw.db", tmp);
    int status = 1;
    store_view v = {0};
    truth_set t = {0};
    const double start = now_s();
    printf("bench/cluster-lfw: %s (%s), faceclusterd %s, model %s\n", o.in.data_dir, real, o.in.exe,
           o.in.model);
    bench_print_machine();
    printf("store: %s\n", o.in.store ? o.in.store : "temporary");
    fflush(stdout);
    if (index_folder(&o, real, db, "index") != 0) goto out;
    double t0 = now_s();
    if (view_load(db, real, &v, err) != 0) {
        fprintf(stderr, "cluster-lfw: %s\n", err);
        goto out;
    }
    if (label_lfw(&v, &t) != 0) {
        fprintf(stderr, "cluster-lfw: out of memory\n");
        goto out;
    }
    printf("store read and faces labelled in %.1f s\n", now_s() - t0);
    print_header(&o, &v, &t);
    t0 = now_s();
    if (run_methods(&o, &v, &t) != 0) {
        fprintf(stderr, "cluster-lfw: the methods failed (out of memory, or said above)\n");
        goto out;
    }
    printf("methods: %.1f s\n", now_s() - t0);
    if (o.album > 0 && run_album(&o, &v, &t) != 0) goto out;
    printf("\ntotal: %.1f s, peak RSS %.0f MiB\n", now_s() - start, peak_rss_mib());
    status = 0;
out:
    truth_free(&t);
    view_free(&v);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "cluster-lfw: could not remove %s\n", tmp);
    return status;
}
