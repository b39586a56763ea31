/* facecluster's face embedding: the recognition network's 128 floats scaled to unit
 * length, and its 128-byte stored form.
 *
 * THE distance. Everywhere in facecluster (verification threshold, nearest neighbour,
 * clustering, training) the distance between two faces is the cosine distance between
 * their unit embeddings, d = 1 - a.b, in [0, 2]; squared L2 is exactly 2d. Use
 * fc_embed_distance or fc_qembed_distance; never compute another one. */
#ifndef FC_EMBEDDING_H
#define FC_EMBEDDING_H

#include <stdint.h>

#define FC_EMBED_DIM 128

/* Scales raw to unit length. Returns 0, or -EINVAL for a zero or non-finite vector (unit
 * is then zeroed). */
int fc_embed_normalize(const float raw[FC_EMBED_DIM], float unit[FC_EMBED_DIM]);

/* Cosine distance between two unit embeddings. */
float fc_embed_distance(const float a[FC_EMBED_DIM], const float b[FC_EMBED_DIM]);

/* How fc_embed_distance sums: FC_EMBED_LANES running sums over the components (lane j
 * takes components j, j + 8, ...), then added up by fc_embed_lanes_sum. Another loop that
 * must give the same distance bit for bit (many rows at once) sums in this order. */
#define FC_EMBED_LANES 8
static inline float fc_embed_lanes_sum(const float lane[FC_EMBED_LANES])
{
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
           ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/* The 128-byte form, version 1: component i is round(unit[i] * FC_QEMBED_SCALE) saturated
 * to [-127, 127]. The scale is fixed (a stored blob must mean the same forever) and was
 * chosen from the data: the largest component over the LFW development set is 0.389
 * (bench/lfw), and 320 maps 0.397 to 127, keeping 2% headroom while using 7 of the 8
 * bits; a component beyond saturates. */
#define FC_QEMBED_VERSION 1
#define FC_QEMBED_SCALE 320.0f

typedef struct {
    int8_t v[FC_EMBED_DIM];
} fc_qembed;

void fc_qembed_encode(const float unit[FC_EMBED_DIM], fc_qembed *q);
void fc_qembed_decode(const fc_qembed *q, float unit[FC_EMBED_DIM]);
/* The stored form as a unit vector (decoded, scaled to length 1; zero if it is zero): what
 * the clustering and searches compare, for stored faces and new ones alike. */
void fc_qembed_unit(const fc_qembed *q, float unit[FC_EMBED_DIM]);
/* The cosine distance computed on the stored form: integer dot products a.b, a.a, b.b,
 * then 1 - a.b / (|a| |b|). Dividing by the quantised norms (rather than by scale^2)
 * cancels the rounding's effect on length: the largest error against the float distance
 * over all LFW dev pairs is 0.0023 this way, 0.0055 the other. A zero vector is at
 * distance 1 from everything. */
float fc_qembed_distance(const fc_qembed *a, const fc_qembed *b);

#endif
