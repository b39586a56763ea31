/* Candidate pairs for the clustering: each face's nearest faces, found through an
 * inverted file. Faces are put in cells by spherical k-means (about 256 faces a cell);
 * a face's neighbours are searched in the few cells whose centres are nearest it. One
 * person's faces lie within a small angle of each other, so they share cells or lie in
 * neighbouring ones; a pair the search misses is only a candidate lost, never a wrong
 * merge. Under a few thousand faces there is one cell: the search is exact. */
#include "core/cluster/cluster_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEIGHBOURS 10  /* kept per face */
#define CELL_FACES 256 /* faces per cell, about */
#define PROBES 6       /* cells searched per face */
#define KMEANS_ROUNDS 6
#define KMEANS_SAMPLE 40 /* faces sampled per cell to place the centres */

/* The portable dot product: eight running sums, one per lane, so that the compiler may
 * use SIMD registers without reordering any one sum (strict floating point). */
static float dot_plain(const float *a, const float *b)
{
    float lane[8] = {0};
    for (int k = 0; k < FC_EMBED_DIM; k += 8)
        for (int j = 0; j < 8; j++) lane[j] += a[k + j] * b[k + j];
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) +
           ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Four independent FMA chains over 128 floats: the search's inner loop. */
__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (int k = 0; k < FC_EMBED_DIM; k += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 16), _mm256_loadu_ps(b + k + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 24), _mm256_loadu_ps(b + k + 24), s3);
    }
    const __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}
#endif

static float (*dot_kernel)(const float *, const float *);

float fc_cluster_dot(const float *a, const float *b)
{
    if (!dot_kernel) { /* a benign race: every thread would pick the same kernel */
#if defined(__x86_64__)
        __builtin_cpu_init();
        dot_kernel =
            __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? dot_avx2 : dot_plain;
#else
        dot_kernel = dot_plain;
#endif
    }
    return dot_kernel(a, b);
}

static void normalize(float *v)
{
    float norm = sqrtf(fc_cluster_dot(v, v));
    if (norm > 0)
        for (int k = 0; k < FC_EMBED_DIM; k++) v[k] /= norm;
}

/* The `want` cells nearest v (highest dot products), best first, into best[]. */
void fc_cluster_nearest_cells(const float (*centre)[FC_EMBED_DIM], int cells, const float *v,
                              int want, int *best, float *score)
{
    int have = 0;
    for (int c = 0; c < cells; c++) {
        const float s = fc_cluster_dot(centre[c], v);
        if (have == want && s <= score[have - 1]) continue;
        int i = have < want ? have++ : want - 1;
        while (i > 0 && score[i - 1] < s) best[i] = best[i - 1], score[i] = score[i - 1], i--;
        best[i] = c, score[i] = s;
    }
    for (int i = have; i < want; i++) best[i] = -1;
}

/* Spherical k-means on a deterministic sample: centres are unit means. */
int fc_cluster_place_centres(const float (*e)[FC_EMBED_DIM], int n, int cells,
                             float (*centre)[FC_EMBED_DIM])
{
    int sample = cells * KMEANS_SAMPLE < n ? cells * KMEANS_SAMPLE : n;
    int *pick = malloc((size_t)sample * sizeof *pick), *of = malloc((size_t)sample * sizeof *of);
    float(*sum)[FC_EMBED_DIM] = calloc((size_t)cells, sizeof *sum);
    if (!pick || !of || !sum) {
        free(pick), free(of), free(sum);
        return -ENOMEM;
    }
    for (int i = 0; i < sample; i++) pick[i] = (int)((long long)i * n / sample); /* spread */
    for (int c = 0; c < cells; c++)
        memcpy(centre[c], e[pick[(long long)c * sample / cells]], sizeof centre[c]);
    for (int round = 0; round < KMEANS_ROUNDS; round++) {
        memset(sum, 0, (size_t)cells * sizeof *sum);
        for (int i = 0; i < sample; i++) {
            float s;
            fc_cluster_nearest_cells((const float(*)[FC_EMBED_DIM])centre, cells, e[pick[i]], 1,
                                     &of[i], &s);
            for (int k = 0; k < FC_EMBED_DIM; k++) sum[of[i]][k] += e[pick[i]][k];
        }
        for (int c = 0; c < cells; c++)
            if (fc_cluster_dot(sum[c], sum[c]) > 0) { /* an empty cell keeps its centre */
                memcpy(centre[c], sum[c], sizeof centre[c]);
                normalize(centre[c]);
            }
    }
    free(pick), free(of), free(sum);
    return 0;
}

/* Keeps the best NEIGHBOURS of one face in best/score (sorted, best first). */
static void offer(int *best, float *score, int *have, int face, float s)
{
    if (*have == NEIGHBOURS && s <= score[NEIGHBOURS - 1]) return;
    int i = *have < NEIGHBOURS ? (*have)++ : NEIGHBOURS - 1;
    while (i > 0 && score[i - 1] < s) best[i] = best[i - 1], score[i] = score[i - 1], i--;
    best[i] = face, score[i] = s;
}

int fc_cluster_neighbours(const float (*e)[FC_EMBED_DIM], int n, float min_sim, const int *cancel,
                          fc_neighbours *out)
{
    out->k = NEIGHBOURS;
    out->index = malloc((size_t)(n > 0 ? n : 1) * NEIGHBOURS * sizeof *out->index);
    const int cells = n / CELL_FACES > 1 ? n / CELL_FACES : 1;
    const int probes = cells < PROBES ? cells : PROBES;
    float(*centre)[FC_EMBED_DIM] = malloc((size_t)cells * sizeof *centre);
    int *cell_of = malloc((size_t)(n > 0 ? n : 1) * sizeof *cell_of);
    fc_csr members = {0};
    int rc = out->index && centre && cell_of ? 0 : -ENOMEM;
    if (!rc) rc = fc_cluster_place_centres(e, n, cells, centre);
    for (int f = 0; !rc && f < n; f++) {
        float s;
        fc_cluster_nearest_cells((const float(*)[FC_EMBED_DIM])centre, cells, e[f], 1, &cell_of[f],
                                 &s);
    }
    if (!rc) { /* the cells' members, through the same compressed rows as the constraints */
        int *rows = malloc((size_t)(n > 0 ? n : 1) * sizeof *rows);
        int *items = malloc((size_t)(n > 0 ? n : 1) * sizeof *items);
        rc = rows && items ? 0 : -ENOMEM;
        for (int f = 0; !rc && f < n; f++) rows[f] = cell_of[f], items[f] = f;
        if (!rc) rc = fc_csr_rows(rows, items, (size_t)n, cells, &members);
        free(rows), free(items);
    }
    /* the faces copied cell by cell: a cell is scanned as one contiguous block, and faces
     * are taken in cell order, so the blocks a face scans are the ones its neighbours in
     * the order scanned just before (hot in cache) */
    float(*packed)[FC_EMBED_DIM] = rc ? NULL : malloc((size_t)(n > 0 ? n : 1) * sizeof *packed);
    if (!rc && !packed) rc = -ENOMEM;
    for (int m = 0; !rc && m < n; m++) memcpy(packed[m], e[members.items[m]], sizeof packed[m]);
    for (int q = 0; !rc && q < n; q++) {
        if (q % 4096 == 0 && fc_cluster_cancelled(cancel)) rc = -ECANCELED;
        if (rc) break;
        const int f = members.items[q];
        int cell[PROBES], have = 0;
        float cell_score[PROBES], score[NEIGHBOURS];
        int *best = out->index + (size_t)f * NEIGHBOURS;
        fc_cluster_nearest_cells((const float(*)[FC_EMBED_DIM])centre, cells, e[f], probes, cell,
                                 cell_score);
        for (int p = 0; p < probes && cell[p] >= 0; p++)
            for (int m = members.start[cell[p]]; m < members.start[cell[p] + 1]; m++) {
                const int other = members.items[m];
                if (other == f) continue;
                const float s = fc_cluster_dot(packed[q], packed[m]);
                if (s >= min_sim) offer(best, score, &have, other, s);
            }
        for (int j = have; j < NEIGHBOURS; j++) best[j] = -1;
    }
    fc_csr_free(&members);
    free(packed), free(centre), free(cell_of);
    if (rc) fc_neighbours_free(out);
    return rc;
}

void fc_neighbours_free(fc_neighbours *nb)
{
    free(nb->index);
    nb->index = NULL;
}
