/* bench/cluster: regrouping synthetic faces at 10k, 100k and 1M, each size in a fresh
 * process (its peak memory is the clustering's own, plus the embeddings).
 *
 *   cluster [--sizes 10000,100000,1000000] [--adds-only]
 *
 * The faces imitate this model's on LFW (measured on the dev folds' embeddings): people's
 * centres are not spread over the whole sphere but gathered around one direction, two
 * people's centres 0.15 apart on average (cosine distance); one person's faces are 0.046
 * apart on average. How many faces a person has follows a long tail (most people few,
 * some hundreds), and faces come three to a photo. Printed: regroup time, peak resident
 * memory, and BCubed precision and recall against the true people; an incremental regroup
 * after it, one face in 100 new since (cluster.h: prior); then the live index's
 * add-one-face and place-one-face times after it. --adds-only skips the regroup and times
 * those over the true people (as a perfect regroup would leave them). */
#include "bench/bench_util.h"
#include "bench/cluster_eval.h"
#include "core/cluster/cluster.h"
#include "core/cluster/placement.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* per-dimension spreads giving those distances on the 128-d sphere */
#define CENTRE_SPREAD 0.0371f
#define FACE_SPREAD 0.0194f

static void unit(float *v)
{
    float n = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) n += v[k] * v[k];
    n = sqrtf(n);
    for (int k = 0; k < FC_EMBED_DIM; k++) v[k] /= n;
}

static void face_of(const float *centre, float *face)
{
    for (int k = 0; k < FC_EMBED_DIM; k++) face[k] = centre[k] + FACE_SPREAD * gaussian();
    unit(face);
}

#define ADDS 20000  /* new faces timed */
#define CHECKED 200 /* of them compared with an exhaustive search */

/* The person nearest e by average linkage over every person's sum: what the live index
 * must find. */
static int exhaustive(const float (*sum)[FC_EMBED_DIM], const int *count, int groups,
                      const float *e, float *sim_out)
{
    int best = -1;
    float best_sim = -2;
    for (int g = 0; g < groups; g++) {
        const float sim = fc_cluster_linkage(e, 1, sum[g], count[g]);
        if (sim > best_sim) best_sim = sim, best = g;
    }
    *sim_out = best_sim;
    return best;
}

/* After the regroup, new faces arrive one at a time (of known people, and a tenth of new
 * ones): each finds its person through fc_cluster_live and joins it, or starts a new one,
 * as the daemon does between regroups. Printed: the time per face, and how often the
 * person found is the one an exhaustive search over every person finds. */
static int time_adds(const float (*emb)[FC_EMBED_DIM], const int *label, int n, int groups,
                     const float (*centre)[FC_EMBED_DIM], int people)
{
    int64_t *person = malloc((size_t)n * sizeof *person);
    float(*sum)[FC_EMBED_DIM] = calloc((size_t)groups + ADDS, sizeof *sum);
    int *count = calloc((size_t)groups + ADDS, sizeof *count);
    double *took = malloc(ADDS * sizeof *took);
    fc_cluster_live *live = NULL;
    char err[256];
    if (!person || !sum || !count || !took) return 1;
    for (int i = 0; i < n; i++) {
        person[i] = label[i] + 1; /* group g is person g + 1; unassigned: 0 */
        if (label[i] < 0) continue;
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[label[i]][k] += emb[i][k];
        count[label[i]]++;
    }
    const double t0 = now_s();
    if (fc_cluster_live_new(emb, person, n, &live, err) != 0) {
        fprintf(stderr, "cluster: %s\n", err);
        return 1;
    }
    const double build = now_s() - t0;
    int next = groups, agree = 0, checked = 0, joined = 0, joinable = 0, agree_joinable = 0;
    const float min_sim = 1.0f - FC_CLUSTER_THRESHOLD;
    for (int a = 0; a < ADDS; a++) {
        float e[FC_EMBED_DIM], distance;
        if (a % 10 == 9) { /* a new person */
            float c[FC_EMBED_DIM];
            for (int k = 0; k < FC_EMBED_DIM; k++) c[k] = centre[0][k] + CENTRE_SPREAD * gaussian();
            unit(c);
            face_of(c, e);
        } else {
            face_of(centre[(int)(uniform() * people)], e);
        }
        if (a < CHECKED) { /* before it joins: both see the same people */
            float want_sim;
            const int want =
                exhaustive((const float(*)[FC_EMBED_DIM])sum, count, next, e, &want_sim);
            const int64_t got = fc_cluster_live_nearest(live, e, NULL, 0, &distance);
            agree += got == want + 1, checked++;
            if (want_sim >= min_sim) joinable++, agree_joinable += got == want + 1;
        }
        const double s0 = now_s();
        int64_t p = fc_cluster_live_nearest(live, e, NULL, 0, &distance);
        if (!p || 1.0f - distance < min_sim)
            p = ++next; /* a new person */
        else
            joined++;
        if (fc_cluster_live_add(live, e, p) != 0) return 1;
        took[a] = now_s() - s0;
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[p - 1][k] += e[k];
        count[p - 1]++;
    }
    qsort(took, ADDS, sizeof *took, cmp_double);
    double total = 0;
    for (int a = 0; a < ADDS; a++) total += took[a];
    printf("          add one face: mean %.3f ms, median %.3f ms, p99 %.3f ms, max %.3f ms "
           "(%d new faces, %d joined a person; the index of %d people built in %.2f s); "
           "the person found is the exhaustive search's for %d of %d (%d of the %d it finds "
           "within the threshold)\n",
           1e3 * total / ADDS, 1e3 * took[ADDS / 2], 1e3 * took[ADDS * 99 / 100],
           1e3 * took[ADDS - 1], ADDS, joined, groups, build, agree, checked, agree_joinable,
           joinable);
    fc_cluster_live_free(live);
    free(person), free(sum), free(count), free(took);
    return 0;
}

#define NAMED_SHARE 10 /* one person in this many named, for placing as the daemon does */
#define PLACES 2000

/* New faces placed one photo face at a time as the daemon's place_now does it
 * (core/cluster/placement.h): first among the named people by the nearest named face
 * (fc_place_named_within, through the named faces' one-byte copies; a tenth of the
 * groups named), then among the unnamed people through
 * the live index's k nearest and fc_place; the face joins. Printed: the time per face. */
static int time_place(const float (*emb)[FC_EMBED_DIM], const int *label, int n,
                      const float (*centre)[FC_EMBED_DIM], int people)
{
    int64_t *unnamed = malloc((size_t)n * sizeof *unnamed),
            *named = malloc((size_t)n * sizeof *named);
    float(*named_emb)[FC_EMBED_DIM] = malloc((size_t)(n + PLACES) * sizeof *named_emb);
    double *took = malloc(PLACES * sizeof *took);
    fc_cluster_live *live = NULL;
    char err[256];
    int n_named = 0, by_name = 0, joined = 0;
    if (!unnamed || !named || !named_emb || !took) return 1;
    for (int i = 0; i < n; i++) {
        const int64_t p = label[i] + 1; /* group g is person g + 1; unassigned: 0 */
        unnamed[i] = p && p % NAMED_SHARE == 0 ? 0 : p;
        if (p && p % NAMED_SHARE == 0)
            memcpy(named_emb[n_named], emb[i], sizeof named_emb[0]), named[n_named++] = p;
    }
    if (fc_cluster_live_new(emb, unnamed, n, &live, err) != 0) {
        fprintf(stderr, "cluster: %s\n", err);
        return 1;
    }
    fc_place_codes *codes = NULL;
    if (fc_place_codes_new(&codes) != 0) return 1;
    for (int j = 0; j < n_named; j++)
        if (fc_place_codes_add(codes, named_emb[j]) != 0) return 1;
    int64_t next = n + 1;
    for (int a = 0; a < PLACES; a++) {
        float e[FC_EMBED_DIM], dist[1];
        int64_t near[1];
        face_of(centre[(int)(uniform() * people)], e);
        const double s0 = now_s();
        fc_place_answer answer;
        if (fc_place_named_within(codes, (const float(*)[FC_EMBED_DIM])named_emb, named,
                                  (const float(*)[FC_EMBED_DIM])e, 1, NULL, NULL, 0,
                                  FC_NAME_THRESHOLD, &answer, err) != 0)
            return 1;
        if (answer.person) {
            if (fc_place_codes_add(codes, e) != 0) return 1;
            memcpy(named_emb[n_named], e, sizeof named_emb[0]), named[n_named++] = answer.person;
            by_name++;
        } else {
            const int found = fc_cluster_live_nearest_k(live, e, 1, near, dist);
            fc_place_candidate cand = {.face = 0, .person = near[0], .distance = dist[0]};
            const fc_place_input rule = {.n_faces = 1,
                                         .candidates = &cand,
                                         .n_candidates = found,
                                         .threshold = FC_CLUSTER_THRESHOLD};
            if (fc_place(&rule, &answer, err) != 0) return 1;
            joined += answer.person != 0;
            if (fc_cluster_live_add(live, e, answer.person ? answer.person : next++) != 0) return 1;
        }
        took[a] = now_s() - s0;
    }
    qsort(took, PLACES, sizeof *took, cmp_double);
    double total = 0;
    for (int a = 0; a < PLACES; a++) total += took[a];
    printf("          place one face as the daemon does (1 in %d people named: %d named faces "
           "searched by the nearest face, then the live index): mean %.3f ms, median %.3f ms, "
           "p99 %.3f ms, max %.3f ms (%d faces: %d named, %d joined an unnamed person)\n",
           NAMED_SHARE, n_named - by_name, 1e3 * total / PLACES, 1e3 * took[PLACES / 2],
           1e3 * took[PLACES * 99 / 100], 1e3 * took[PLACES - 1], PLACES, by_name, joined);
    fc_cluster_live_free(live);
    fc_place_codes_free(codes);
    free(unnamed), free(named), free(named_emb), free(took);
    return 0;
}

#define NEW_SHARE 100 /* one face in this many new since the last regroup */

/* The daemon's regroup after photos arrived: the full regroup's people as the prior, but
 * for one face in NEW_SHARE, new since (the live index had placed it). Printed: its time,
 * its scores, and how far its people are the full regroup's (BCubed against them). */
static int time_incremental(const fc_cluster_input *full_in, const int *full, int full_groups,
                            const int *truth)
{
    const int n = full_in->n;
    int64_t *prior = malloc((size_t)n * sizeof *prior);
    int *label = malloc((size_t)n * sizeof *label),
        *as_truth = malloc((size_t)n * sizeof *as_truth);
    if (!prior || !label || !as_truth) return 1;
    for (int i = 0; i < n; i++) {
        prior[i] = i % NEW_SHARE == NEW_SHARE / 3 || full[i] < 0 ? 0 : full[i] + 1;
        as_truth[i] = full[i] >= 0 ? full[i] : full_groups + i; /* alone: a person of its own */
    }
    fc_cluster_input in = *full_in;
    in.prior = prior;
    int groups;
    char err[256];
    const double t0 = now_s();
    if (fc_cluster_regroup(&in, label, &groups, err) != 0) {
        fprintf(stderr, "cluster: %s\n", err);
        return 1;
    }
    const double seconds = now_s() - t0;
    eval_scores score, same;
    if (eval_score(label, truth, n, NULL, &score) != 0 ||
        eval_score(label, as_truth, n, NULL, &same) != 0)
        return 1;
    printf("          incremental regroup (1 face in %d new since the last): %.2f s, peak RSS %.0f "
           "MiB, %d groups, BCubed precision %.4f recall %.4f; against the full regroup's people: "
           "precision %.4f recall %.4f\n",
           NEW_SHARE, seconds, peak_rss_mib(), groups, score.bp, score.br, same.bp, same.br);
    fflush(stdout);
    free(prior), free(label), free(as_truth);
    return 0;
}

static int adds_only;

static int run_size(int n)
{
    float(*emb)[FC_EMBED_DIM] = malloc((size_t)n * sizeof *emb);
    int64_t *photo = malloc((size_t)n * sizeof *photo);
    int *truth = malloc((size_t)n * sizeof *truth), *label = malloc((size_t)n * sizeof *label);
    if (!emb || !photo || !truth || !label) return 1;
    float mean[FC_EMBED_DIM];
    for (int k = 0; k < FC_EMBED_DIM; k++) mean[k] = gaussian();
    unit(mean);
    int people = 0;
    float(*centre)[FC_EMBED_DIM] = malloc((size_t)n * sizeof *centre); /* per person */
    if (!centre) return 1;
    for (int i = 0; i < n; people++) {
        /* a long tail: 1 + a Pareto-like count, at most 500 faces */
        int faces = 1 + (int)(0.8 / pow(uniform() + 1e-9, 0.9));
        if (faces > 500) faces = 500;
        for (int k = 0; k < FC_EMBED_DIM; k++)
            centre[people][k] = mean[k] + CENTRE_SPREAD * gaussian();
        unit(centre[people]);
        for (int j = 0; j < faces && i < n; j++, i++) {
            face_of(centre[people], emb[i]);
            truth[i] = people;
        }
    }
    /* three faces a photo: faces a third of the list apart, so of three people (no
     * person has that many faces) */
    const int photos = (n + 2) / 3;
    for (int i = 0; i < n; i++) photo[i] = 1 + i % photos;
    const double before = peak_rss_mib(), t0 = now_s();
    fc_cluster_input in = {.n = n, .embedding = (const float(*)[FC_EMBED_DIM])emb, .photo = photo};
    int groups;
    char err[256];
    if (adds_only) {
        memcpy(label, truth, (size_t)n * sizeof *label);
        printf("%8d faces, %7d people: no regroup (--adds-only: the true people)\n", n, people);
        groups = people;
    } else if (fc_cluster_regroup(&in, label, &groups, err) != 0) {
        fprintf(stderr, "cluster: %s\n", err);
        return 1;
    }
    const double seconds = now_s() - t0;
    eval_scores score;
    if (!adds_only && eval_score(label, truth, n, NULL, &score) != 0) return 1;
    if (!adds_only)
        printf("%8d faces, %7d people: regroup %.2f s, peak RSS %.0f MiB (%.0f before: the "
               "embeddings), %d groups, BCubed precision %.4f recall %.4f\n",
               n, people, seconds, peak_rss_mib(), before, groups, score.bp, score.br);
    int rc = adds_only ? 0 : time_incremental(&in, label, groups, truth);
    if (!rc) rc = time_adds(emb, label, n, groups, (const float(*)[FC_EMBED_DIM])centre, people);
    if (!rc)
        rc = time_place((const float(*)[FC_EMBED_DIM])emb, label, n,
                        (const float(*)[FC_EMBED_DIM])centre, people);
    free(emb), free(photo), free(truth), free(label), free(centre);
    return rc;
}

int main(int argc, char **argv)
{
    const char *sizes = "10000,100000,1000000";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
            sizes = argv[++i];
        else if (strcmp(argv[i], "--adds-only") == 0)
            adds_only = 1;
        else {
            fprintf(stderr, "usage: cluster [--sizes N,N,...] [--adds-only]\n");
            return 2;
        }
    }
    printf("bench/cluster: synthetic faces (centres 0.15 apart, faces 0.046, as this model "
           "on LFW), threshold %.3f, one thread\n",
           FC_CLUSTER_THRESHOLD);
    fflush(stdout);
    int status = 0;
    for (const char *s = sizes; *s;) {
        const int n = atoi(s);
        pid_t pid = fork();
        if (pid == 0) {
            const int rc = run_size(n);
            fflush(stdout);
            _exit(rc);
        }
        int st;
        waitpid(pid, &st, 0);
        status |= !WIFEXITED(st) || WEXITSTATUS(st);
        s = strchr(s, ',') ? strchr(s, ',') + 1 : s + strlen(s);
    }
    return status;
}
