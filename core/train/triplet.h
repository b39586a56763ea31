/* FaceNet's training method (Schroff et al., 2015), for a learned head on the frozen
 * network: a linear map 128 -> D followed by L2 normalisation, trained with the triplet
 * loss
 *
 *     L = mean over triplets of max(0, |f(a) - f(p)|^2 - |f(a) - f(n)|^2 + alpha)
 *
 * on batches of P people x K faces: every anchor-positive pair of a batch is used, and each
 * gets one negative mined online from the batch (semi-hard by default: farther from the
 * anchor than the positive but within the margin, the paper's choice, because the hardest
 * negatives collapse training early). Plain arrays in and out: which faces and people make
 * the data is the caller's business.
 *
 * Distances are squared L2 between unit vectors (2 - 2 cos: twice THE distance of
 * embedding.h). */
#ifndef FC_TRIPLET_H
#define FC_TRIPLET_H

#include "core/nets/embedding.h"

#include <stddef.h>

#define FC_TRIPLET_ALPHA 0.2f /* the paper's margin */

/* The head: out[d] = sum_k w[d * FC_EMBED_DIM + k] x[k], then scaled to unit length. */
typedef struct {
    int dim;  /* D, 1..FC_EMBED_DIM */
    float *w; /* D x FC_EMBED_DIM, row-major; owned */
} fc_head;

/* A head of dim D: the identity for D = FC_EMBED_DIM (an untrained head changes nothing),
 * else D orthonormal rows drawn from seed. On success h->w is the caller's (fc_head_free).
 * Returns 0, -EINVAL or -ENOMEM. */
int fc_head_init(fc_head *h, int dim, unsigned seed, char *err);
void fc_head_free(fc_head *h);
/* A head of dim D that keeps the most of x (n x FC_EMBED_DIM unit embeddings): for D <
 * FC_EMBED_DIM the principal directions of their second moment, else the identity. On
 * success h->w is the caller's. Returns 0, -EINVAL or -ENOMEM. */
int fc_head_init_principal(fc_head *h, int dim, const float *x, int n, char *err);

/* out (dim floats, unit length) from x (FC_EMBED_DIM floats). Returns the pre-normalisation
 * length (0: out is zero). */
float fc_head_apply(const fc_head *h, const float *x, float *out);

enum fc_mining {
    FC_MINE_SEMIHARD, /* the closest negative farther than the positive, within the margin */
    FC_MINE_HARDEST,  /* the closest negative */
    FC_MINE_RANDOM,   /* any negative violating the margin, at random */
};

typedef struct {
    int anchor, positive, negative; /* indexes into the batch */
} fc_triplet;

/* The batch's triplets: for every ordered anchor-positive pair (same label, a != p) one
 * negative chosen by `how` from the outputs out (n x dim, unit rows); a pair with no
 * negative to choose (semi-hard: none in the band; random: none violating) gives none.
 * rng: a xorshift state (FC_MINE_RANDOM). Writes at most cap triplets; returns how many there were
 * (may exceed cap), or -EINVAL. */
int fc_triplet_mine(const float *out, int dim, const int *label, int n, float alpha,
                    enum fc_mining how, unsigned *rng, fc_triplet *triplets, int cap);

/* The mean loss over the triplets, and d(mean loss)/d(out) into grad (n x dim, zeroed
 * first) when not NULL. *active gets how many triplets violate the margin. */
float fc_triplet_loss(const float *out, int dim, int n, const fc_triplet *triplets, int count,
                      float alpha, float *grad, int *active);

/* d(loss)/d(w) from d(loss)/d(out) through the normalisation and the linear map, summed
 * over the batch's inputs x (n x FC_EMBED_DIM) into grad_w (dim x FC_EMBED_DIM, zeroed
 * first). */
void fc_head_backward(const fc_head *h, const float *x, int n, const float *grad_out,
                      float *grad_w);

/* The optimisers: AdaGrad (the paper's) and SGD with momentum. */
enum fc_optimizer_kind { FC_OPT_ADAGRAD, FC_OPT_MOMENTUM };

typedef struct {
    enum fc_optimizer_kind kind;
    float rate;     /* learning rate */
    float momentum; /* FC_OPT_MOMENTUM: the velocity kept, e.g. 0.9 */
    float *state;   /* per parameter: squared-gradient sums or velocities; owned */
    size_t size;
} fc_optimizer;

/* An optimiser for size parameters. On success o->state is the caller's
 * (fc_optimizer_free). */
int fc_optimizer_init(fc_optimizer *o, enum fc_optimizer_kind kind, float rate, size_t size,
                      char *err);
void fc_optimizer_free(fc_optimizer *o);
/* param -= the step for grad. */
void fc_optimizer_step(fc_optimizer *o, float *param, const float *grad);

/* What one training step saw. */
typedef struct {
    float loss;   /* mean over the mined triplets */
    int pairs;    /* anchor-positive pairs in the batch */
    int triplets; /* mined (a pair with no negative to mine gives none) */
    int active;   /* violating the margin (contributing a gradient) */
} fc_triplet_stats;

/* One step on a batch: outputs, mining, loss, gradients, the optimiser's update of h->w.
 * x: n x FC_EMBED_DIM inputs (unit embeddings), label: each input's person. Returns 0,
 * -EINVAL or -ENOMEM. */
int fc_triplet_step(fc_head *h, fc_optimizer *o, const float *x, const int *label, int n,
                    float alpha, enum fc_mining how, unsigned *rng, fc_triplet_stats *stats,
                    char *err);

/* What a head learns from: faces labelled by person (label >= 0; < 0: in no person, used
 * only as a known negative), and the user's "not this person" decisions: face (an index
 * into x) is not the person labelled `person`, whatever its own label. */
typedef struct {
    int face, person;
} fc_known_negative;

typedef struct {
    const float *x;   /* n x FC_EMBED_DIM unit embeddings */
    const int *label; /* n */
    int n;
    const fc_known_negative *nots;
    int n_nots;
} fc_train_set;

/* Training: epochs of P x K batches (every person with two faces or more, in a new random
 * order each epoch, K of their faces drawn at random); each person's known negatives
 * join its batch (up to K / 4), as negatives for every anchor. */
typedef struct {
    int people, faces;                /* P and K per batch (1,800 faces at most) */
    int epochs;                       /* passes over the people */
    float alpha;                      /* the margin */
    enum fc_mining mining;            /* which negative each pair gets */
    enum fc_optimizer_kind optimizer; /* AdaGrad or SGD with momentum */
    float rate;                       /* learning rate */
    float decay;    /* per step, the share of the way back to the initial weights (0: none) */
    int background; /* per batch, faces in no person drawn at random as negatives (0: none) */
    unsigned seed;
} fc_train_opts;

/* FaceNet's: P 45 x K 40, margin FC_TRIPLET_ALPHA (0.2), semi-hard, AdaGrad 0.02, no
 * decay, 20 epochs. */
fc_train_opts fc_train_paper_opts(void);

/* facecluster's, for a head on this frozen network (`facecluster train`): the paper's,
 * except margin 0.01, AdaGrad 0.005, decay 0.02, and 400 faces in no person (the
 * library's strangers) drawn into every batch as negatives. The network's embeddings fill
 * a cap, not the sphere (their mean has length 0.92; two random faces are 0.156 apart),
 * so a margin of 0.2 (0.1 in THE distance) asks for the whole space to be stretched:
 * bench/triplet measured a head trained so losing 0.83 points of verification on people
 * it never saw (stretching alone, centring the embeddings, loses 0.92). The smaller
 * margin and the pull back towards the identity keep it where the network was right
 * (+0.00); the strangers teach it what `who` must not name. */
fc_train_opts fc_train_default_opts(void);

/* Called after each epoch: the mean mined loss of its steps and the share of the
 * anchor-positive pairs whose triplet was active (violating the margin): the share of the
 * data still teaching something. */
typedef void (*fc_train_progress)(void *ctx, int epoch, float loss, float active_share);

/* Trains h on set. Returns 0, -EINVAL (fewer than two people with two faces, a known
 * negative out of range) or -ENOMEM. */
int fc_triplet_train(fc_head *h, const fc_train_set *set, const fc_train_opts *opts,
                     fc_train_progress progress, void *ctx, char *err);

/* Each embedding (unit, FC_EMBED_DIM floats) replaced by its head output, padded with
 * zeros: dot products, and so every distance of clustering and recognition, are then the
 * head's. A NULL head (or h->w NULL) changes nothing. */
void fc_head_transform(const fc_head *h, float (*embedding)[FC_EMBED_DIM], int n);

/* The thresholds of the head's space that accept impostors as often as the raw ones do:
 * impostors are the probe faces against the mean of each labelled person of `named` not
 * their own (the linkage rule of clustering and `who`: distance 1 - x . mean). For each
 * raw[i], the share of impostors within it on the raw embeddings; head[i] is the distance
 * that accepts the same share with the head. Returns 0, -EINVAL (no impostor) or -ENOMEM. */
int fc_head_calibrate(const fc_head *h, const fc_train_set *named, const float *probe_x,
                      const int *probe_label, int n_probe, const float *raw, float *head, int count,
                      char *err);

/* A head for a user's people, as `facecluster train` makes it: dim outputs (starting from
 * fc_head_init_principal over set's faces), trained on set, and for each
 * raw[i] (a threshold of the raw embeddings) calibrated[i], its counterpart with the head
 * (how: head_fit.c). progress sees the training of the head returned. On success out->w
 * is the caller's (fc_head_free). Returns 0, -EINVAL or -ENOMEM. */
int fc_head_fit(fc_head *out, int dim, const fc_train_set *set, const fc_train_opts *opts,
                const float *raw, float *calibrated, int count, fc_train_progress progress,
                void *ctx, char *err);

/* Not FaceNet's: within-class covariance normalisation, a head in closed form that whitens
 * how each labelled person's faces vary about their mean, W = V (L + shrink l_max)^-1/2
 * V^T from the scatter's eigenvectors V and values L (shrink 0.01: bench/triplet). Kept as
 * the baseline the triplet-trained head is measured against. On success h->w is the
 * caller's. Returns 0, -EINVAL (no labelled face) or -ENOMEM. */
int fc_head_whitened(fc_head *h, const fc_train_set *set, float shrink, char *err);

/* A threshold the user gave for the raw embeddings (0: none), in a head's space: the
 * head's calibrated default scaled by the user's ratio to the raw default. */
float fc_head_threshold(float given, float raw_default, float head_default);

#endif
