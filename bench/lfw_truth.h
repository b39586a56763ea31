/* The truth about an LFW-like folder (one folder per person) as a store saw it, for the
 * benchmarks: each face's person, and which face of each photo is the labelled one (LFW
 * labels one face per photo: the one at its centre; others are people in the
 * background). */
#ifndef FC_BENCH_LFW_TRUTH_H
#define FC_BENCH_LFW_TRUTH_H

#include "bench/cluster_store.h"

#include <stdint.h>

/* LFW's photos are 250 x 250, their person's face at the centre. */
#define LFW_CENTRE 125.0f
/* In a photo with several faces, a face whose box centre lies this near the photo's is
 * the labelled one even when the boxes of some others are unknown: two faces' centres
 * cannot both be this near without their boxes overlapping. */
#define CENTRE_RADIUS 40.0f

typedef struct {
    char **names; /* the people (folder names), sorted */
    int people;
    int *truth;       /* per face: its photo's person, -1 unknown */
    uint8_t *scored;  /* per face: its photo's labelled face */
    uint8_t *scored2; /* ... and its person has at least two labelled faces */
    int labelled, photos, faceless, multi, multi_dropped;
} truth_set;

void truth_free(truth_set *t);

/* How far a box (x, y, w, h) has its centre from (cx, cy). */
float centre_distance(const float box[4], float cx, float cy);

/* Sorting strings (char *) with qsort. */
int by_string(const void *a, const void *b);

/* The person (index into names) of a photo by its path's folder, or -1. */
int person_index(const truth_set *t, const char *path);

/* Marks scored2 from scored and truth over n faces. Returns 0 or -ENOMEM. */
int mark_multi(truth_set *t, int n);

/* The truth for v's faces: per face its photo's person, the labelled face of each photo
 * (the only one, or the one nearest the centre). On success *t is the caller's
 * (truth_free). Returns 0 or -ENOMEM. */
int label_lfw(const store_view *v, truth_set *t);

#endif
