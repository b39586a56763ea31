/* Scoring a clustering of faces against the true people, for the clustering benchmarks.
 *
 * BCubed (Bagga and Baldwin, 1998): for each face, precision is the share of its group
 * that is its person, recall the share of its person that is in its group; both averaged
 * over faces, so a large person weighs by its faces. Pairwise: of the pairs of faces put
 * in one group, the share that are one person (precision), and of the pairs that are one
 * person, the share put in one group (recall). A face with label -1 (unassigned) is a
 * group of its own. */
#ifndef FC_BENCH_CLUSTER_EVAL_H
#define FC_BENCH_CLUSTER_EVAL_H

#include <stdint.h>

typedef struct {
    double bp, br, bf; /* BCubed precision, recall, F1 */
    double pp, pr, pf; /* pairwise precision, recall, F1 (1 when there is no pair) */
    int faces;         /* faces scored */
    int found;         /* groups among them, each unassigned face one */
    int people;        /* true people among them */
} eval_scores;

/* Scores label (any int >= 0, or -1) against truth (0..people-1) over the faces whose
 * mask is non-zero (mask NULL: all n); group and person sizes count only those faces.
 * Returns 0, or -ENOMEM (out zeroed). */
int eval_score(const int *label, const int *truth, int n, const uint8_t *mask, eval_scores *out);

/* 2pr / (p + r), 0 when both are 0. */
double eval_f1(double precision, double recall);

#endif
