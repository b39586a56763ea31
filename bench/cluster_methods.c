#include "bench/cluster_methods.h"

#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

float *methods_similarity(const float (*emb)[FC_EMBED_DIM], int n)
{
    float *sim = malloc((size_t)n * (size_t)n * sizeof *sim);
    if (!sim) return NULL;
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            float dot = 0;
            for (int k = 0; k < FC_EMBED_DIM; k++) dot += emb[i][k] * emb[j][k];
            sim[(size_t)i * n + j] = sim[(size_t)j * n + i] = dot;
        }
    return sim;
}

/* --- DBSCAN -------------------------------------------------------------------------- */

int method_dbscan(const float *sim, int n, float eps, int min_pts, int *label)
{
    int *stack = malloc((size_t)(n > 0 ? n : 1) * sizeof *stack);
    uint8_t *core = calloc((size_t)(n > 0 ? n : 1), 1);
    if (!stack || !core) {
        free(stack), free(core);
        return -ENOMEM;
    }
    const float min_sim = 1.0f - eps;
    for (int i = 0; i < n; i++) {
        const float *row = sim + (size_t)i * n;
        int count = 0;
        for (int j = 0; j < n; j++) count += row[j] >= min_sim;
        core[i] = count >= min_pts;
        label[i] = -1;
    }
    int groups = 0;
    for (int i = 0; i < n; i++) {
        if (!core[i] || label[i] >= 0) continue;
        int top = 0;
        label[i] = groups, stack[top++] = i;
        while (top > 0) { /* grow the group through core points only */
            const int c = stack[--top];
            const float *row = sim + (size_t)c * n;
            for (int j = 0; j < n; j++) {
                if (label[j] >= 0 || row[j] < min_sim) continue;
                label[j] = groups;
                if (core[j]) stack[top++] = j;
            }
        }
        groups++;
    }
    free(stack), free(core);
    return 0;
}

/* --- Chinese whispers ---------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The graph in compressed rows: the neighbours of i are adj[start[i] .. start[i+1]). */
static int whisper_graph(const float *sim, int n, float max_dist, long long max_edges,
                         long long **start_out, int **adj_out)
{
    const float min_sim = 1.0f - max_dist;
    long long *start = malloc(((size_t)n + 1) * sizeof *start), edges = 0;
    if (!start) return -ENOMEM;
    for (int i = 0; i < n; i++) {
        start[i] = edges;
        const float *row = sim + (size_t)i * n;
        for (int j = 0; j < n; j++) edges += j == i || row[j] > min_sim;
    }
    start[n] = edges;
    if (edges > max_edges) {
        free(start);
        return -E2BIG;
    }
    int *adj = malloc((size_t)(edges > 0 ? edges : 1) * sizeof *adj);
    if (!adj) {
        free(start);
        return -ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        const float *row = sim + (size_t)i * n;
        long long e = start[i];
        for (int j = 0; j < n; j++)
            if (j == i || row[j] > min_sim) adj[e++] = j;
    }
    *start_out = start, *adj_out = adj;
    return 0;
}

int method_whispers(const float *sim, int n, float max_dist, int iterations, uint64_t seed,
                    long long max_edges, int *label)
{
    long long *start;
    int *adj;
    int rc = whisper_graph(sim, n, max_dist, max_edges, &start, &adj);
    if (rc) return rc;
    /* weight per label among one face's edges, cleared after each visit */
    double *weight = calloc((size_t)(n > 0 ? n : 1), sizeof *weight);
    if (!weight) {
        free(start), free(adj);
        return -ENOMEM;
    }
    for (int i = 0; i < n; i++) label[i] = i;
    const long long visits = (long long)n * iterations;
    for (long long v = 0; v < visits && n > 0; v++) {
        const int i = (int)(splitmix(&seed) % (uint64_t)n);
        int best = label[i];
        double best_w = -DBL_MAX;
        for (long long e = start[i]; e < start[i + 1]; e++) weight[label[adj[e]]] += 1.0;
        for (long long e = start[i]; e < start[i + 1]; e++) {
            const int l = label[adj[e]];
            if (weight[l] > best_w || (weight[l] == best_w && l < best))
                best_w = weight[l], best = l;
        }
        for (long long e = start[i]; e < start[i + 1]; e++) weight[label[adj[e]]] = 0;
        label[i] = best;
    }
    free(weight), free(start), free(adj);
    return 0;
}

/* --- exact average linkage ----------------------------------------------------------- */

static int by_height(const void *a, const void *b)
{
    const float x = ((const method_merge *)a)->height, y = ((const method_merge *)b)->height;
    return (x > y) - (x < y);
}

/* The nearest active group to a (ties: prefer `prefer`, so the chain cannot cycle). */
static int nearest(const float *d, int n, const uint8_t *active, int a, int prefer)
{
    const float *row = d + (size_t)a * n;
    int best = prefer;
    float best_d = prefer >= 0 ? row[prefer] : FLT_MAX;
    for (int j = 0; j < n; j++)
        if (active[j] && j != a && row[j] < best_d) best_d = row[j], best = j;
    return best;
}

/* Joins group b into group a (Lance-Williams for average linkage): the distance from any
 * k to the union is the size-weighted mean of its distances to a and b. */
static void join(float *d, int n, uint8_t *active, int *size, int a, int b)
{
    const float wa = (float)size[a] / (float)(size[a] + size[b]), wb = 1.0f - wa;
    float *ra = d + (size_t)a * n;
    const float *rb = d + (size_t)b * n;
    for (int k = 0; k < n; k++) {
        if (!active[k] || k == a || k == b) continue;
        ra[k] = wa * ra[k] + wb * rb[k];
        d[(size_t)k * n + a] = ra[k];
    }
    size[a] += size[b];
    active[b] = 0;
}

int method_upgma(const float *sim, int n, method_merge **merges)
{
    float *d = malloc((size_t)n * (size_t)n * sizeof *d);
    uint8_t *active = malloc((size_t)(n > 0 ? n : 1));
    int *size = malloc((size_t)(n > 0 ? n : 1) * sizeof *size),
        *chain = malloc((size_t)(n > 0 ? n : 1) * sizeof *chain);
    method_merge *out = malloc((size_t)(n > 1 ? n - 1 : 1) * sizeof *out);
    if (!d || !active || !size || !chain || !out) {
        free(d), free(active), free(size), free(chain), free(out);
        return -ENOMEM;
    }
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) d[i] = 1.0f - sim[i];
    for (int i = 0; i < n; i++) active[i] = 1, size[i] = 1;
    int len = 0, made = 0, next_start = 0;
    while (made < n - 1) {
        if (len == 0) { /* start a chain at any active group */
            while (!active[next_start]) next_start++;
            chain[len++] = next_start;
        }
        const int a = chain[len - 1], prev = len > 1 ? chain[len - 2] : -1;
        const int c = nearest(d, n, active, a, prev);
        if (c != prev) {
            chain[len++] = c;
            continue;
        }
        /* reciprocal nearest neighbours: merge them */
        out[made++] = (method_merge){.height = d[(size_t)a * n + c], .a = a, .b = c};
        join(d, n, active, size, a < c ? a : c, a < c ? c : a);
        len -= 2;
    }
    qsort(out, (size_t)made, sizeof *out, by_height);
    free(d), free(active), free(size), free(chain);
    *merges = out;
    return 0;
}

static int find(int *parent, int x)
{
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

int method_cut(const method_merge *merges, int n, float threshold, int *label)
{
    int *parent = malloc((size_t)(n > 0 ? n : 1) * sizeof *parent);
    if (!parent) return -ENOMEM;
    for (int i = 0; i < n; i++) parent[i] = i, label[i] = -1;
    for (int m = 0; m < n - 1 && merges[m].height <= threshold; m++)
        parent[find(parent, merges[m].a)] = find(parent, merges[m].b);
    int groups = 0;
    for (int i = 0; i < n; i++) {
        const int r = find(parent, i);
        if (label[r] < 0) label[r] = groups++;
        label[i] = label[r];
    }
    free(parent);
    return groups;
}
