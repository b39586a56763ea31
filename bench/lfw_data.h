/* Labeled Faces in the Wild for the benchmarks: pairs.txt in the official format, the
 * unique photos it names, and the standard protocol's accuracy (the threshold for each
 * fold chosen on the other folds). */
#ifndef FC_BENCH_LFW_DATA_H
#define FC_BENCH_LFW_DATA_H

#include "core/nets/faces.h"

typedef struct {
    int a, b; /* indices into the photo list */
    int same;
    int fold;
    float dist, qdist; /* float embeddings, 128-byte form */
} lfw_pair;

/* Reads DIR/pairs.txt (first line "FOLDS N", then per fold N same-person lines and N
 * different-person lines); max_folds > 1 keeps only the first folds (one fold alone
 * would leave no other to choose its threshold on). *paths gets each
 * photo once, sorted. The caller frees *pairs, each path and *paths. Returns 0, or -1
 * after saying why on stderr. */
int lfw_load(const char *dir, int max_folds, lfw_pair **pairs, int *npairs, int *folds,
             char ***paths, int *nphotos);

/* Each pair's distances; a pair with a failed photo is answered wrongly (distance 2 for
 * the same person, 0 for two). Returns how many pairs had both photos. */
int lfw_distances(lfw_pair *pairs, int npairs, const float (*unit)[FC_EMBED_DIM],
                  const fc_qembed *q, const int *failed);

/* Prints "label accuracy M% +- S (std over folds), 95% interval [..], threshold T" and
 * returns the mean accuracy. */
double lfw_report(const char *label, const lfw_pair *pairs, int npairs, int folds, int quantized);

/* The face LFW is about: the one whose box centre is nearest the photo's centre; -1 for
 * none. */
int lfw_centre_face(const fc_photo *photo);

#endif
