/* Candidate pairs for the clustering: each face's nearest faces, found through an
 * inverted file. Faces are put in cells by spherical k-means (about 256 faces a cell),
 * each face in the SPREAD cells whose centres are nearest it; two faces are compared
 * when they share a cell. One person's faces lie within a small angle of each other, so
 * they share cells; a pair the search misses is only a candidate lost, never a wrong
 * merge (and the clustering looks again between groups: cluster.c). Under 512 faces
 * there is one cell: the search is exact.
 *
 * Every search here is a block of dot products (faces against centres, a cell's faces
 * against each other), done by the networks' GEMM micro-kernel (fc_rows_dot): at a
 * million faces it is what the regroup spends its time on. */
#include "core/cluster/cluster_internal.h"

#include "core/nn/nn.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEIGHBOURS 10  /* kept per face */
#define CELL_FACES 256 /* faces per cell, about */
#define SPREAD 3       /* cells each face is put in */
#define KMEANS_ROUNDS 4
#define KMEANS_SAMPLE 40 /* faces sampled per cell to place the centres */
#define ROWS 192         /* rows of dot products computed at once (a multiple of 6) */

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
    return fc_cluster_hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
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

/* Keeps the `want` best items seen in best/score, best first (ties: the first seen). */
static void keep_best(int *best, float *score, int *have, int want, int item, float s)
{
    if (*have == want && s <= score[want - 1]) return;
    int i = *have < want ? (*have)++ : want - 1;
    while (i > 0 && score[i - 1] < s) best[i] = best[i - 1], score[i] = score[i - 1], i--;
    best[i] = item, score[i] = s;
}

/* The `want` cells nearest v (highest dot products), best first, into best[]. */
void fc_cluster_nearest_cells(const float (*centre)[FC_EMBED_DIM], int cells, const float *v,
                              int want, int *best, float *score)
{
    int have = 0;
    for (int c = 0; c < cells; c++)
        keep_best(best, score, &have, want, c, fc_cluster_dot(centre[c], v));
    for (int i = have; i < want; i++) best[i] = -1;
}

/* Vectors packed for fc_rows_dot (aligned as it needs); NULL when out of memory. */
static float *pack(const float (*v)[FC_EMBED_DIM], int n)
{
    float *packed = fc_arena_new(fc_rows_packed_floats(n, FC_EMBED_DIM));
    if (packed) fc_rows_pack(v[0], FC_EMBED_DIM, n, FC_EMBED_DIM, packed);
    return packed;
}

static size_t columns(int n)
{
    return (size_t)(n + 15) / 16 * 16;
}

#define DIRECT_CELLS 1024 /* up to this many cells, every centre is scored */
#define NEAR_SUPERS 8     /* above: the centres of this many groups of centres */
#define MAX_WANT 8

/* For the n vectors listed in which (NULL: 0..n-1), the `want` best of `count` centres
 * (packed; their cell ids in id, NULL: 0..count-1) into best[vector * want + i]. */
static int top_among(const float (*v)[FC_EMBED_DIM], const int *which, int n, const float *packed,
                     const int *id, int count, int want, int *best)
{
    float(*rows)[FC_EMBED_DIM] = (float(*)[FC_EMBED_DIM])fc_arena_new((size_t)ROWS * FC_EMBED_DIM);
    float *score = malloc(ROWS * columns(count) * sizeof *score);
    int rc = rows && score ? 0 : -ENOMEM;
    for (int r0 = 0; !rc && r0 < n; r0 += ROWS) {
        const int m = n - r0 < ROWS ? n - r0 : ROWS;
        for (int r = 0; which && r < m; r++) memcpy(rows[r], v[which[r0 + r]], sizeof rows[r]);
        fc_rows_dot(which ? rows[0] : v[r0], FC_EMBED_DIM, m, FC_EMBED_DIM, packed, count, score,
                    columns(count));
        for (int r = 0; r < m; r++) {
            const float *row = score + (size_t)r * columns(count);
            int *out = best + (size_t)(which ? which[r0 + r] : r0 + r) * want, have = 0;
            float kept[MAX_WANT];
            for (int c = 0; c < count; c++)
                keep_best(out, kept, &have, want, id ? id[c] : c, row[c]);
            for (int i = have; i < want; i++) out[i] = -1;
        }
    }
    free(rows), free(score);
    return rc;
}

/* For each of the n vectors, the `want` cells whose centres are nearest (best[v * want
 * + i], best first). Past DIRECT_CELLS, scoring every centre would cost n x cells dot
 * products (at a million faces, more than the search itself): the centres are grouped
 * in turn, about sqrt(cells) groups, and a vector scores only the centres of the
 * NEAR_SUPERS groups nearest its own group's centre. A vector's nearest centres lie in
 * the groups around it; one missed costs a candidate, not a wrong merge. Returns 0 or
 * -ENOMEM. */
static int top_cells(const float (*v)[FC_EMBED_DIM], int n, const float (*centre)[FC_EMBED_DIM],
                     int cells, int want, int *best)
{
    if (cells <= DIRECT_CELLS) {
        float *packed = pack(centre, cells);
        int rc = packed ? top_among(v, NULL, n, packed, NULL, cells, want, best) : -ENOMEM;
        free(packed);
        return rc;
    }
    const int supers = (int)sqrtf((float)cells), near = supers < NEAR_SUPERS ? supers : NEAR_SUPERS;
    float(*super)[FC_EMBED_DIM] = malloc((size_t)supers * sizeof *super);
    int *super_of_centre = malloc((size_t)cells * sizeof(int)),
        *index = malloc((size_t)cells * sizeof(int));
    int *super_of_v = malloc((size_t)n * sizeof(int)), *order = malloc((size_t)n * sizeof(int));
    int *near_of = malloc((size_t)supers * near * sizeof(int)),
        *id = malloc((size_t)cells * sizeof(int));
    float(*picked)[FC_EMBED_DIM] = malloc((size_t)cells * sizeof *picked);
    fc_csr centres = {0}, vectors = {0};
    int rc = super && super_of_centre && index && super_of_v && order && near_of && id && picked
                 ? 0
                 : -ENOMEM;
    if (!rc) rc = fc_cluster_place_centres(centre, cells, supers, super);
    if (!rc)
        rc = top_cells(centre, cells, (const float(*)[FC_EMBED_DIM])super, supers, 1,
                       super_of_centre);
    if (!rc)
        rc = top_cells((const float(*)[FC_EMBED_DIM])super, supers,
                       (const float(*)[FC_EMBED_DIM])super, supers, near, near_of);
    if (!rc) rc = top_cells(v, n, (const float(*)[FC_EMBED_DIM])super, supers, 1, super_of_v);
    for (int c = 0; !rc && c < cells; c++) index[c] = c;
    for (int i = 0; !rc && i < n; i++) order[i] = i;
    if (!rc) rc = fc_csr_rows(super_of_centre, index, (size_t)cells, supers, &centres);
    if (!rc) rc = fc_csr_rows(super_of_v, order, (size_t)n, supers, &vectors);
    for (int s = 0; !rc && s < supers; s++) {
        const int count_v = vectors.start[s + 1] - vectors.start[s];
        if (!count_v) continue;
        int count = 0; /* the centres of the groups near s's */
        for (int t = 0; t < near && near_of[s * near + t] >= 0; t++) {
            const int g = near_of[s * near + t];
            for (int k = centres.start[g]; k < centres.start[g + 1]; k++) {
                id[count] = centres.items[k];
                memcpy(picked[count++], centre[centres.items[k]], sizeof picked[0]);
            }
        }
        float *packed = pack((const float(*)[FC_EMBED_DIM])picked, count);
        rc = packed ? top_among(v, vectors.items + vectors.start[s], count_v, packed, id, count,
                                want, best)
                    : -ENOMEM;
        free(packed);
    }
    fc_csr_free(&centres), fc_csr_free(&vectors);
    free(super), free(super_of_centre), free(index), free(super_of_v), free(order), free(near_of);
    free(id), free(picked);
    return rc;
}

/* Spherical k-means on a deterministic sample: centres are unit means. */
int fc_cluster_place_centres(const float (*e)[FC_EMBED_DIM], int n, int cells,
                             float (*centre)[FC_EMBED_DIM])
{
    const int sample = cells * KMEANS_SAMPLE < n ? cells * KMEANS_SAMPLE : n;
    float(*picked)[FC_EMBED_DIM] = malloc((size_t)sample * sizeof *picked);
    int *of = malloc((size_t)sample * sizeof *of);
    float(*sum)[FC_EMBED_DIM] = calloc((size_t)cells, sizeof *sum);
    int rc = picked && of && sum ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < sample; i++) /* spread over the whole list */
        memcpy(picked[i], e[(long long)i * n / sample], sizeof picked[i]);
    for (int c = 0; !rc && c < cells; c++)
        memcpy(centre[c], picked[(long long)c * sample / cells], sizeof centre[c]);
    for (int round = 0; !rc && round < KMEANS_ROUNDS; round++) {
        rc = top_cells((const float(*)[FC_EMBED_DIM])picked, sample,
                       (const float(*)[FC_EMBED_DIM])centre, cells, 1, of);
        memset(sum, 0, (size_t)cells * sizeof *sum);
        for (int i = 0; !rc && i < sample; i++)
            for (int k = 0; k < FC_EMBED_DIM; k++) sum[of[i]][k] += picked[i][k];
        for (int c = 0; !rc && c < cells; c++)
            if (fc_cluster_dot(sum[c], sum[c]) > 0) { /* an empty cell keeps its centre */
                memcpy(centre[c], sum[c], sizeof centre[c]);
                normalize(centre[c]);
            }
    }
    free(picked), free(of), free(sum);
    return rc;
}

/* Offers `other` to face f's list, once: a pair sharing two cells is met twice. */
static void offer(int *best, float *score, int *have, int other, float s)
{
    if (*have == NEIGHBOURS && s <= score[NEIGHBOURS - 1]) return;
    for (int i = 0; i < *have; i++)
        if (best[i] == other) return;
    keep_best(best, score, have, NEIGHBOURS, other, s);
}

/* What a face's next neighbour must beat: its worst kept once it has all. */
static float bar_of(const float *kept, const int *have, int f, float min_sim)
{
    return have[f] == NEIGHBOURS ? kept[(size_t)f * NEIGHBOURS + NEIGHBOURS - 1] : min_sim;
}

/* The faces of one cell against each other: the queries' rows against every member, or
 * (no query: every member asks) each pair once, offered both ways. Most pairs are
 * nothing either face would keep: a branch-free test over 16 scores at a time, against
 * each face's bar (a column's read at the block's start: bars only rise, so a stale one
 * lets more through, never fewer), goes before the offers. */
static int search_cell(const float (*e)[FC_EMBED_DIM], const int *member, int m,
                       const unsigned char *query, float min_sim, int *index, float *kept,
                       int *have, float (*rows)[FC_EMBED_DIM], int *row_face, float *score)
{
    float(*own)[FC_EMBED_DIM] = malloc((size_t)(m > 0 ? m : 1) * sizeof *own);
    if (!own) return -ENOMEM;
    for (int j = 0; j < m; j++) memcpy(own[j], e[member[j]], sizeof own[j]);
    float *packed = pack((const float(*)[FC_EMBED_DIM])own, m);
    free(own);
    if (!packed) return -ENOMEM;
    const int symmetric = !query;
    float col_bar[ROWS];
    for (int j0 = 0; j0 < m;) {
        const int first = j0; /* symmetric: the rows are members first.. in order */
        int count = 0;
        for (; j0 < m && count < ROWS; j0++)
            if (!query || query[member[j0]]) {
                memcpy(rows[count], e[member[j0]], sizeof rows[count]);
                row_face[count++] = member[j0];
            }
        if (!count) break;
        for (int c0 = symmetric ? first : 0; c0 < m; c0 += ROWS) { /* a block of the scores */
            const int width = m - c0 < ROWS ? m - c0 : ROWS;
            fc_rows_dot(rows[0], FC_EMBED_DIM, count, FC_EMBED_DIM,
                        packed + (size_t)c0 * FC_EMBED_DIM, width, score, columns(ROWS));
            for (int c = 0; c < (int)columns(width); c++)
                col_bar[c] =
                    symmetric && c < width ? bar_of(kept, have, member[c0 + c], min_sim) : 2.0f;
            for (int r = 0; r < count; r++) {
                const int f = row_face[r];
                const int from = symmetric && c0 == first ? r + 1 : 0; /* above the diagonal */
                const float *row = score + (size_t)r * columns(ROWS);
                for (int b = from / 16 * 16; b < width; b += 16) {
                    const float bar = bar_of(kept, have, f, min_sim);
                    int hit = 0;
                    for (int c = b; c < b + 16; c++)
                        hit |= row[c] >= (bar < col_bar[c] ? bar : col_bar[c]);
                    for (int c = b > from ? b : from; hit && c < b + 16 && c < width; c++) {
                        const int other = member[c0 + c];
                        if (row[c] < min_sim || other == f) continue;
                        offer(index + (size_t)f * NEIGHBOURS, kept + (size_t)f * NEIGHBOURS,
                              &have[f], other, row[c]);
                        if (symmetric)
                            offer(index + (size_t)other * NEIGHBOURS,
                                  kept + (size_t)other * NEIGHBOURS, &have[other], f, row[c]);
                    }
                }
            }
        }
    }
    free(packed);
    return 0;
}

int fc_cluster_neighbours(const float (*e)[FC_EMBED_DIM], int n, float min_sim,
                          const unsigned char *query, const int *cancel, fc_neighbours *out)
{
    const size_t slots = (size_t)(n > 0 ? n : 1) * NEIGHBOURS;
    const int cells = n / CELL_FACES > 1 ? n / CELL_FACES : 1;
    const int spread = cells < SPREAD ? cells : SPREAD;
    out->k = NEIGHBOURS;
    out->index = malloc(slots * sizeof *out->index);
    float *kept = malloc(slots * sizeof *kept);
    int *have = calloc((size_t)(n > 0 ? n : 1), sizeof *have);
    float(*centre)[FC_EMBED_DIM] = malloc((size_t)cells * sizeof *centre);
    int *cell_of = malloc((size_t)(n > 0 ? n : 1) * spread * sizeof *cell_of);
    int *face_of = malloc((size_t)(n > 0 ? n : 1) * spread * sizeof *face_of);
    float(*rows)[FC_EMBED_DIM] = (float(*)[FC_EMBED_DIM])fc_arena_new((size_t)ROWS * FC_EMBED_DIM);
    int *row_face = malloc(ROWS * sizeof *row_face);
    float *score = malloc(ROWS * columns(ROWS) * sizeof *score);
    fc_csr members = {0};
    int rc = out->index && kept && have && centre && cell_of && face_of && rows && row_face && score
                 ? 0
                 : -ENOMEM;
    if (!rc) rc = fc_cluster_place_centres(e, n, cells, centre);
    if (!rc) rc = top_cells(e, n, (const float(*)[FC_EMBED_DIM])centre, cells, spread, cell_of);
    for (size_t i = 0; !rc && i < (size_t)n * spread; i++) {
        face_of[i] = (int)(i / spread);
        if (cell_of[i] < 0) cell_of[i] = cell_of[i - i % spread]; /* fewer cells near: its best */
    }
    if (!rc) rc = fc_csr_rows(cell_of, face_of, (size_t)n * spread, cells, &members);
    for (int c = 0; !rc && c < cells; c++) {
        if (fc_cluster_cancelled(cancel)) rc = -ECANCELED;
        if (!rc)
            rc = search_cell(e, members.items + members.start[c],
                             members.start[c + 1] - members.start[c], query, min_sim, out->index,
                             kept, have, rows, row_face, score);
    }
    for (int f = 0; !rc && f < n; f++)
        for (int j = have[f]; j < NEIGHBOURS; j++) out->index[(size_t)f * NEIGHBOURS + j] = -1;
    fc_csr_free(&members);
    free(kept), free(have), free(centre), free(cell_of), free(face_of), free(rows), free(row_face);
    free(score);
    if (rc) fc_neighbours_free(out);
    return rc;
}

void fc_neighbours_free(fc_neighbours *nb)
{
    free(nb->index);
    nb->index = NULL;
}
