/* Between the clustering's source files. */
#ifndef FC_CLUSTER_INTERNAL_H
#define FC_CLUSTER_INTERNAL_H

#include "core/cluster/cluster.h"
#include "core/cluster/placement.h"

#include <stddef.h>
#include <stdint.h>

/* a . b over FC_EMBED_DIM floats. */
float fc_cluster_dot(const float *a, const float *b);

#if defined(__x86_64__)
#include <immintrin.h>

/* The sum of an AVX register's eight floats, for the AVX2 dot products. */
__attribute__((target("avx2"), always_inline)) static inline float fc_cluster_hsum(__m256 s)
{
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}
#endif

/* A relation as compressed rows: the items of row r are items[start[r] .. start[r+1]). */
typedef struct {
    int *start, *items;
} fc_csr;

/* Rows 0..n-1 from count (row, item) entries (a counting sort by row). */
int fc_csr_rows(const int *rows, const int *items, size_t count, int n, fc_csr *out);
/* Per face, the other faces with the same key (key 0: none: such faces get no row). */
int fc_csr_group_by_key(const int64_t *key, int n, fc_csr *out);
/* Per face, the indexes of its entries in nots. */
int fc_csr_nots(const fc_cluster_not *nots, int n_nots, int n, fc_csr *out);
/* Per face, the faces it is paired with (both directions). */
int fc_csr_pairs(const int (*pairs)[2], int n_pairs, int n, fc_csr *out);
void fc_csr_free(fc_csr *csr);

/* Sorts indexes by key[index] ascending (stable for equal keys: by index). */
void fc_sort_by_key(int *idx, int count, const int64_t *key);
/* Sorts group roots: anchored ones first by anchor ascending, then by size descending,
 * ties by root ascending (a deterministic order). */
void fc_sort_groups(int *roots, int count, const int64_t *anchor, const int *size);

/* Each face's nearest faces by cosine similarity (at most k, at least min_sim), from an
 * inverted file: index[f * k + j], -1 past the last. */
typedef struct {
    int k;
    int *index;
} fc_neighbours;

/* The inverted file's parts, shared with the incremental add (cluster_live.c). Centres
 * by spherical k-means over a deterministic sample of the vectors (unit ones, or sums:
 * only directions matter); the `want` cells nearest v, best first (-1 past the last). */
int fc_cluster_place_centres(const float (*v)[FC_EMBED_DIM], int n, int cells,
                             float (*centre)[FC_EMBED_DIM]);
void fc_cluster_nearest_cells(const float (*centre)[FC_EMBED_DIM], int cells, const float *v,
                              int want, int *best, float *score);

/* Each vector's nearest others; with query (NULL: all), only the rows of the vectors
 * marked there are searched (the others' stay empty), among all the vectors. */
int fc_cluster_neighbours(const float (*embedding)[FC_EMBED_DIM], int n, float min_sim,
                          const unsigned char *query, const int *cancel, fc_neighbours *out);

/* fc_place over candidates for the m faces of a photo being named (fc_place_named and
 * fc_place_named_within): the photo's faces in a person already (in), its nots. */
int fc_place_named_rule(fc_place_candidate *cand, int count, int m, const int64_t *in,
                        const fc_cluster_not *nots, int n_nots, float threshold,
                        fc_place_answer *out, char *err);

/* Whether another thread asked the clustering to stop (cancel may be NULL). */
static inline int fc_cluster_cancelled(const int *cancel)
{
    return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED);
}
void fc_neighbours_free(fc_neighbours *nb);

#endif
