/* One rule for where a photo's faces go: the daemon places new faces among the people
 * with it, and `who` names faces with it. The rule, over plain arrays:
 *
 *   - a face already in a person keeps it, and that person is taken for the photo;
 *   - the (face, person) pairs are taken closest first: a pair is given when the face has
 *     no person yet, the person is not taken by another face of the photo (one person
 *     is never twice in a photo), the user did not say the face is not that person, and
 *     its distance is at most the threshold;
 *   - a face left over is in no person (placing: until a regroup says; `who`: unknown).
 *
 * How far a face is from a person is the caller's measure, given as candidates. Named
 * people are at the distance of their face nearest it, under FC_NAME_THRESHOLD
 * (fc_place_named: bench/triplet measured that it names more of a user's people's faces
 * than the linkage rule, at no more strangers or wrong names, README "Naming faces"):
 * `who` names with it, and the daemon places a photo's new faces among the named people
 * with it first, so that the daemon files a face under a name exactly when `who` would
 * give it that name. The faces left join the unnamed people by the clustering's linkage
 * (the mean distance to the person's faces, from the daemon's live index) under the
 * clustering's threshold: what the next regroup would do. */
#ifndef FC_PLACEMENT_H
#define FC_PLACEMENT_H

#include "core/cluster/cluster.h"
#include "core/nets/embedding.h"

#include <stdint.h>

/* Naming by the nearest named face (`who`): a face is a named person's when its nearest
 * face of theirs is at most this cosine distance away. Chosen on bench/triplet's LFW
 * personalisation (README "Naming faces"): the largest threshold at which no stranger and
 * no face of another person was named in any of its five splits (the closest came at
 * 0.0328), as the centroid rule at FC_RECOGNIZE_THRESHOLD names none. */
#define FC_NAME_THRESHOLD 0.032f

/* With a learned head: this share of its calibrated recognition threshold (which is
 * calibrated for the linkage rule). Chosen the same way, on the heads bench/triplet trains
 * as `facecluster train` does: the closest a stranger or another person's face came to a
 * named face was 0.671 of it. */
#define FC_NAME_HEAD_SHARE 0.65f

/* Face `face` (an index into the photo's faces) could be `person`, `distance` away. */
typedef struct {
    int face;
    int64_t person; /* > 0 */
    float distance;
} fc_place_candidate;

typedef struct {
    int n_faces;
    const int64_t *in; /* per face, the person it is in already (0: none); NULL: none is */
    fc_place_candidate *candidates; /* any order; sorted in place (closest first) */
    int n_candidates;
    const fc_cluster_not *nots; /* face (an index) is not person */
    int n_nots;
    float threshold;
} fc_place_input;

typedef struct {
    int64_t person; /* the person it is in or was given; 0: none */
    float distance; /* to person; 2 when in none given by the rule */
    /* when person is 0: the closest person it could have had but for the threshold (0:
     * none), and how far: `who`'s "unknown (nearest: ...)" */
    int64_t nearest;
    float nearest_distance;
} fc_place_answer;

/* The rule above: out[i] for each face. Returns 0, or -EINVAL (bad input: a face index
 * or person out of range) with err set. */
int fc_place(const fc_place_input *in, fc_place_answer *out, char *err);

/* The candidates by the nearest face: for each query (m unit rows), its per_face nearest
 * people among the library's faces (n unit rows, person[i] their person; 0: left out),
 * each person at the distance of its face nearest the query (fc_embed_distance, to the
 * bit). Writes at most m * per_face candidates into out (the caller's, that many; each
 * query's nearest first) and *count. One pass over the library, nothing allocated.
 * Returns 0 or -EINVAL. */
int fc_place_nearest_faces(const float (*library)[FC_EMBED_DIM], const int64_t *person, int n,
                           const float (*query)[FC_EMBED_DIM], int m, int per_face,
                           fc_place_candidate *out, int *count, char *err);

/* Naming (`who`) and placing among named people (the daemon), in one: the query faces
 * (m unit rows; in, nots as in fc_place_input) given named people by fc_place over the
 * candidates of fc_place_nearest_faces among the named faces (n rows, person[i] their
 * named person, 0: left out), under threshold (FC_NAME_THRESHOLD in the raw space).
 * Returns 0, -EINVAL or -ENOMEM. */
int fc_place_named(const float (*named)[FC_EMBED_DIM], const int64_t *person, int n,
                   const float (*query)[FC_EMBED_DIM], int m, const int64_t *in,
                   const fc_cluster_not *nots, int n_nots, float threshold, fc_place_answer *out,
                   char *err);

/* Placing among the named people as fc_place_named does, for the daemon, reading less:
 * out[i].person and .distance are fc_place_named's exactly (the faces that may be within
 * the threshold are found through a one-byte copy of each named face, with a bound, and
 * measured on their floats); .nearest is only ever a person within the threshold, so
 * `who`'s "unknown (nearest: ...)" keeps fc_place_named. The copy holds row i of named
 * for each fc_place_codes_add, in order (person[i] its person, 0: left out); made empty
 * by fc_place_codes_new (-ENOMEM), the caller's, freed with fc_place_codes_free; NULL
 * holds nothing. */
typedef struct fc_place_codes fc_place_codes;
int fc_place_codes_new(fc_place_codes **out);
int fc_place_codes_add(fc_place_codes *codes, const float e[FC_EMBED_DIM]);
int fc_place_codes_count(const fc_place_codes *codes);
void fc_place_codes_free(fc_place_codes *codes);
int fc_place_named_within(const fc_place_codes *codes, const float (*named)[FC_EMBED_DIM],
                          const int64_t *person, const float (*query)[FC_EMBED_DIM], int m,
                          const int64_t *in, const fc_cluster_not *nots, int n_nots,
                          float threshold, fc_place_answer *out, char *err);

#endif
