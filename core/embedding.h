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

/* The 128-byte form, version 1: component i is round(unit[i] * FC_QEMBED_SCALE) saturated
 * to [-127, 127]. The scale is fixed (a stored blob must mean the same forever) and was
 * chosen from the largest component seen over the LFW development set (see README). */
#define FC_QEMBED_VERSION 1
#define FC_QEMBED_SCALE 320.0f

typedef struct {
    int8_t v[FC_EMBED_DIM];
} fc_qembed;

void fc_qembed_encode(const float unit[FC_EMBED_DIM], fc_qembed *q);
void fc_qembed_decode(const fc_qembed *q, float unit[FC_EMBED_DIM]);
/* The cosine distance computed on the stored form with an integer dot product. */
float fc_qembed_distance(const fc_qembed *a, const fc_qembed *b);

#endif
