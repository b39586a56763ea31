/* Other ways of grouping faces, as their authors run them, for bench/cluster-lfw to set
 * ours against. All work on unit embeddings through their full n x n cosine similarity
 * matrix (n = 7000: 196 MB), which is what a benchmark can afford and a daemon cannot.
 * Labels come out 0..groups-1, or -1 for a face left alone (noise). */
#ifndef FC_BENCH_CLUSTER_METHODS_H
#define FC_BENCH_CLUSTER_METHODS_H

#include "core/nets/embedding.h"

#include <stdint.h>

/* The n x n similarities a.b, row-major, in a new array the caller frees; NULL when out
 * of memory. */
float *methods_similarity(const float (*emb)[FC_EMBED_DIM], int n);

/* DBSCAN (Ester et al., 1996) on cosine distance: a face is a core point when at least
 * min_pts faces, itself included, lie within eps of it; groups are core points joined
 * through each other's neighbourhoods, plus the non-core faces they reach (a border face
 * goes to the first group that reaches it, in face order); the rest is noise (-1).
 * Returns 0 or -ENOMEM. */
int method_dbscan(const float *sim, int n, float eps, int min_pts, int *label);

/* Chinese whispers (Biemann, 2006) as dlib's chinese_whispers() runs it: an edge, of
 * weight 1, joins every two faces nearer than max_dist (cosine distance), and every face
 * to itself; each face starts with a label of its own; then iterations * n times a face
 * chosen at random takes the label carrying the most weight among its edges (ties: the
 * smallest label, as dlib's std::map walk does). Fails with -E2BIG when the graph would
 * have more than max_edges edges (a threshold where everyone neighbours everyone),
 * else returns 0 or -ENOMEM. */
int method_whispers(const float *sim, int n, float max_dist, int iterations, uint64_t seed,
                    long long max_edges, int *label);

/* The exact average-linkage (UPGMA) dendrogram: n-1 merges, each of two groups whose mean
 * pairwise cosine distance is `height`, found by the nearest-neighbour chain algorithm
 * (Murtagh, 1983) in O(n^2) time on a working copy of the matrix. Average linkage never
 * inverts, so cutting where height <= t gives batch agglomerative clustering at
 * threshold t. *merges (caller frees) is sorted by height. Returns 0 or -ENOMEM. */
typedef struct {
    float height;
    int a, b; /* a face of each side */
} method_merge;
int method_upgma(const float *sim, int n, method_merge **merges);

/* The groups the merges at or below threshold make (labels 0..groups-1, none -1).
 * Returns the number of groups, or -ENOMEM. */
int method_cut(const method_merge *merges, int n, float threshold, int *label);

#endif
