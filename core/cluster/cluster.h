/* Grouping faces into people: average-linkage agglomerative clustering of unit
 * embeddings under the user's constraints. Plain arrays in, group labels out: the store
 * and the daemon decide what the faces are and what the labels become (person ids).
 *
 * Average linkage on the unit sphere needs no pairwise matrix: the mean cosine
 * similarity between two groups A and B is (sum A . sum B) / (|A| |B|), so each group
 * carries only the sum of its members' embeddings and their count (O(n) memory). Which
 * pairs of groups are worth comparing comes from a nearest-neighbour structure over the
 * faces (an inverted file: spherical k-means cells, a few searched per face); the
 * linkage itself is exact. Groups merge best pair first while their linkage stays at or
 * above the threshold, as batch average linkage does, but only along those candidate
 * pairs; then each group looks for the groups its sum points nearest (parts of one person
 * the faces' search kept apart), and merges go on along those pairs.
 *
 * Incremental (fc_cluster_input.prior): the groups the last regroup made, as the user
 * left them, start whole, and only the faces new since are searched face by face; a
 * full regroup stays the reference (on constructed data both give the same people:
 * tests/test_cluster.c).
 *
 * Constraints, all hard:
 *  - two faces of one photo are never in one group;
 *  - faces the user fixed to a person start together in that person's group, and two
 *    groups anchored to different persons never merge;
 *  - a face the user said is not person P never joins P's group;
 *  - two faces the user said are different people are never in one group;
 *  - a group with no face allowed to seed (small or low-score faces are not) is not a
 *    person: its faces come back unassigned. */
#ifndef FC_CLUSTER_H
#define FC_CLUSTER_H

#include "core/nets/embedding.h"

#include <stddef.h>
#include <stdint.h>

/* The default merge threshold, as a cosine distance: groups merge while the mean
 * distance between their members is at most this. Calibrated on the LFW dev folds' faces
 * with exact average linkage: the largest threshold keeping BCubed precision on people
 * with two or more images at 0.99 or above (0.994 there, recall 0.878;
 * bench/cluster_threshold.py says how). */
#define FC_CLUSTER_THRESHOLD 0.058f

/* Recognition by the linkage rule: a face is a named person's when the mean cosine
 * distance to that person's faces is at most this (`who`'s rule before issue 13; it names
 * by the nearest face now, core/cluster/placement.h). A learned head's recognition threshold is
 * calibrated from this one, and `who` with a head uses a share of it. Tuned on the LFW
 * dev folds (half of each person's images named, the rest and every one-image person
 * asked, five splits): the largest threshold whose wrong names stay at or under 1% of the
 * names given (0.68% there; 58.9% of the known faces named, 0.55% of strangers named;
 * at 0.050: 1.21%; bench/who_threshold.py says how). */
#define FC_RECOGNIZE_THRESHOLD 0.045f

typedef struct {
    int face;       /* index into the faces */
    int64_t person; /* the person it is not */
} fc_cluster_not;

typedef struct {
    int n;                                  /* faces */
    const float (*embedding)[FC_EMBED_DIM]; /* unit vectors, n of them */
    const int64_t *photo;                   /* each face's photo (any id; equal = same photo) */
    const int64_t *fixed;                   /* the person the user put it in; 0: free */
    const uint8_t *can_seed;                /* 1: may start a person; NULL: all may */
    const fc_cluster_not *nots;             /* "not this person", any order */
    int n_nots;
    const int (*apart)[2]; /* pairs of faces the user said are two people */
    int n_apart;
    /* Incremental regroup: the person each face is in from the last regroup or the user
     * (0: none, or placed since). Faces sharing one start as one group and only the
     * rest are searched face by face; NULL: a full regroup, every face searched. */
    const int64_t *prior;
    float threshold;   /* cosine distance; 0: FC_CLUSTER_THRESHOLD */
    const int *cancel; /* when another thread sets it non-zero, -ECANCELED soon; may be NULL */
} fc_cluster_input;

/* Groups the faces. group[i] gets face i's group, 0..*n_groups-1, or -1 (unassigned: a
 * group without a seed). Groups anchored to a person come first, in increasing person id
 * order, then the others by decreasing size. Returns 0, -EINVAL (bad input) or -ENOMEM. */
int fc_cluster_regroup(const fc_cluster_input *in, int *group, int *n_groups, char *err);
/* (-ECANCELED too, when in->cancel was set.) */

/* Which person each new group is, so that ids and names do not churn across regroups.
 * group[i] is face i's new group (-1 none, from fc_cluster_regroup), old_person[i] the
 * person it was in (0 none), fixed[i] the person the user put it in (0 none; may be
 * NULL). A group holding fixed faces is their person. Otherwise each old person goes to
 * the new group holding most of its former faces (in a split, the largest part keeps the
 * id); a group that is the heir of several (a merge) keeps the oldest (smallest id).
 * person_of_group[g] gets the id, or 0 for a new person. Returns 0 or -ENOMEM. */
int fc_cluster_map_ids(const int *group, const int64_t *old_person, const int64_t *fixed, int n,
                       int n_groups, int64_t *person_of_group, char *err);

/* People between regroups: each person's embedding sum and face count, for adding a new
 * face at once (the daemon, as photos arrive) and for naming faces (`who`): the person a
 * face is nearest by the linkage rule is the one with the highest mean similarity to it,
 * found among the people whose means point nearest it. Opaque; not thread-safe. */
typedef struct fc_cluster_live fc_cluster_live;

/* Builds it from faces and the person each is in (0: none, left out). On success *out is
 * the caller's, released with fc_cluster_live_free. Returns 0, -EINVAL or -ENOMEM. */
int fc_cluster_live_new(const float (*embedding)[FC_EMBED_DIM], const int64_t *person, int n,
                        fc_cluster_live **out, char *err);
void fc_cluster_live_free(fc_cluster_live *l);
int fc_cluster_live_people(const fc_cluster_live *l);

/* The person nearest face e by average linkage, skipping the people in skip (those
 * holding another face of its photo, or that it is not): its id, *distance the mean
 * cosine distance (1 - linkage). 0 and distance 2 when there is none. The caller compares
 * the distance with its threshold. */
int64_t fc_cluster_live_nearest(const fc_cluster_live *l, const float e[FC_EMBED_DIM],
                                const int64_t *skip, int n_skip, float *distance);

/* The k people nearest face e by average linkage, nearest first: their ids into person
 * and their mean cosine distances into distance (k each, the caller's). Returns how many
 * (fewer than k when there are fewer people). */
int fc_cluster_live_nearest_k(const fc_cluster_live *l, const float e[FC_EMBED_DIM], int k,
                              int64_t *person, float *distance);

/* Face e joins person (a person not seen before is added). Returns 0 or -ENOMEM. */
int fc_cluster_live_add(fc_cluster_live *l, const float e[FC_EMBED_DIM], int64_t person);

/* Doubt: for each of a person's n faces (unit vectors), its mean cosine distance to the
 * person's OTHER faces, as average linkage measures a face against a group: doubt[i] = 1 -
 * mean over j != i of e_i . e_j (0 when n is 1). The faces farthest from the rest are the
 * likeliest not to be that person. O(n) through the sum of the faces. Returns 0 or
 * -EINVAL. */
int fc_cluster_doubt(const float (*embedding)[FC_EMBED_DIM], int n, float *doubt, char *err);

/* A face whose doubt is over this (the raw embeddings' cosine distance) is marked as
 * doubtful by `show`, `sheet` and `name`; through a learned head the threshold scales as
 * the head's cluster threshold does against FC_CLUSTER_THRESHOLD. Just under the merge
 * threshold: on the LFW dev photos as the daemon grouped them (bench/doubt.py), 25% of
 * the faces in the wrong person are over it and 4.0% of the right ones (0.050: 64% and
 * 14%; 0.060: none wrong); a face put in a person by hand from farther away is far over. */
#define FC_DOUBT_THRESHOLD 0.055f

/* The mean cosine similarity between two sets of unit vectors, from their sums and
 * counts: the average-linkage rule (exposed for tests and for `who`). */
float fc_cluster_linkage(const float sum_a[FC_EMBED_DIM], int count_a,
                         const float sum_b[FC_EMBED_DIM], int count_b);

#endif
