/* bench/cluster: regrouping synthetic faces at 10k, 100k and 1M, each size in a fresh
 * process (its peak memory is the clustering's own, plus the embeddings).
 *
 *   cluster [--sizes 10000,100000,1000000]
 *
 * The faces imitate this model's on LFW (measured on the dev folds' embeddings): people's
 * centres are not spread over the whole sphere but gathered around one direction, two
 * people's centres 0.15 apart on average (cosine distance); one person's faces are 0.046
 * apart on average. How many faces a person has follows a long tail (most people few,
 * some hundreds), and faces come three to a photo. Printed: regroup time, peak resident
 * memory, and BCubed precision and recall against the true people. */
#include "bench_util.h"
#include "../core/cluster.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* per-dimension spreads giving those distances on the 128-d sphere */
#define CENTRE_SPREAD 0.0371f
#define FACE_SPREAD 0.0194f

static unsigned long long rng_state = 88172645463325252ULL;

static double uniform(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static float gaussian(void)
{
    return (float)(sqrt(-2.0 * log(uniform() + 1e-300)) * cos(2 * M_PI * uniform()));
}

static void unit(float *v)
{
    float n = 0;
    for (int k = 0; k < FC_EMBED_DIM; k++) n += v[k] * v[k];
    n = sqrtf(n);
    for (int k = 0; k < FC_EMBED_DIM; k++) v[k] /= n;
}

static int by_value(const void *a, const void *b)
{
    const long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* BCubed precision and recall of labels against truth (each face weighs the same;
 * unassigned faces count as groups of one). */
static void bcubed(const int *label, const int *truth, int n, int groups, int people,
                   double *precision, double *recall)
{
    /* sizes of groups, people and their intersections, by sorting (group, person) keys */
    long long *key = malloc((size_t)n * sizeof *key);
    int *gsize = calloc((size_t)groups + 1, sizeof *gsize),
        *psize = calloc((size_t)people, sizeof *psize);
    for (int i = 0; i < n; i++) {
        const int g = label[i] >= 0 ? label[i] : groups; /* singletons handled below */
        key[i] = (long long)g * people + truth[i];
        if (label[i] >= 0) gsize[g]++;
        psize[truth[i]]++;
    }
    qsort(key, (size_t)n, sizeof *key, by_value);
    double p = 0, r = 0;
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && key[j] == key[i];) j++;
        const int g = (int)(key[i] / people), t = (int)(key[i] % people), both = j - i;
        if (g == groups) { /* unassigned: each alone */
            p += both, r += (double)both / psize[t];
        } else {
            p += (double)both * both / gsize[g];
            r += (double)both * both / psize[t];
        }
    }
    *precision = p / n, *recall = r / n;
    free(key), free(gsize), free(psize);
}

static int run_size(int n)
{
    float(*emb)[FC_EMBED_DIM] = malloc((size_t)n * sizeof *emb);
    int64_t *photo = malloc((size_t)n * sizeof *photo);
    int *truth = malloc((size_t)n * sizeof *truth), *label = malloc((size_t)n * sizeof *label);
    if (!emb || !photo || !truth || !label) return 1;
    float mean[FC_EMBED_DIM], centre[FC_EMBED_DIM];
    for (int k = 0; k < FC_EMBED_DIM; k++) mean[k] = gaussian();
    unit(mean);
    int people = 0;
    for (int i = 0; i < n; people++) {
        /* a long tail: 1 + a Pareto-like count, at most 500 faces */
        int faces = 1 + (int)(0.8 / pow(uniform() + 1e-9, 0.9));
        if (faces > 500) faces = 500;
        for (int k = 0; k < FC_EMBED_DIM; k++) centre[k] = mean[k] + CENTRE_SPREAD * gaussian();
        unit(centre);
        for (int j = 0; j < faces && i < n; j++, i++) {
            for (int k = 0; k < FC_EMBED_DIM; k++) emb[i][k] = centre[k] + FACE_SPREAD * gaussian();
            unit(emb[i]);
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
    if (fc_cluster_regroup(&in, label, &groups, err) != 0) {
        fprintf(stderr, "cluster: %s\n", err);
        return 1;
    }
    const double seconds = now_s() - t0;
    double precision, recall;
    bcubed(label, truth, n, groups, people, &precision, &recall);
    printf("%8d faces, %7d people: regroup %.2f s, peak RSS %.0f MiB (%.0f before: the "
           "embeddings), %d groups, BCubed precision %.4f recall %.4f\n",
           n, people, seconds, peak_rss_mib(), before, groups, precision, recall);
    free(emb), free(photo), free(truth), free(label);
    return 0;
}

int main(int argc, char **argv)
{
    const char *sizes = "10000,100000,1000000";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc)
            sizes = argv[++i];
        else {
            fprintf(stderr, "usage: cluster [--sizes N,N,...]\n");
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
