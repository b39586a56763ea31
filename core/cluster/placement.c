#include "core/cluster/placement.h"

#include "core/cluster/cluster_internal.h"
#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Closest first; ties by face, then person: the same input always gives the same answer. */
static int by_distance(const void *a, const void *b)
{
    const fc_place_candidate *x = a, *y = b;
    if (x->distance != y->distance) return x->distance < y->distance ? -1 : 1;
    if (x->face != y->face) return x->face < y->face ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

static int is_not(const fc_place_input *in, int face, int64_t person)
{
    for (int k = 0; k < in->n_nots; k++)
        if (in->nots[k].face == face && in->nots[k].person == person) return 1;
    return 0;
}

static int is_taken(const fc_place_answer *out, int n, int64_t person)
{
    for (int i = 0; i < n; i++)
        if (out[i].person == person) return 1;
    return 0;
}

int fc_place(const fc_place_input *in, fc_place_answer *out, char *err)
{
    if (in->n_faces < 0 || in->n_candidates < 0 || in->n_nots < 0 ||
        (in->n_candidates && !in->candidates) || (in->n_nots && !in->nots))
        return fc_errorf(err, -EINVAL, "bad input for placing faces");
    for (int c = 0; c < in->n_candidates; c++) {
        const fc_place_candidate *p = &in->candidates[c];
        if (p->face < 0 || p->face >= in->n_faces || p->person <= 0)
            return fc_errorf(err, -EINVAL, "bad candidate for placing faces (face %d, person %lld)",
                             p->face, (long long)p->person);
    }
    for (int i = 0; i < in->n_faces; i++)
        out[i] = (fc_place_answer){.person = in->in ? in->in[i] : 0, .distance = 2};
    for (int i = 0; i < in->n_faces; i++)
        if (out[i].person) out[i].distance = 0;
    if (in->n_candidates > 1)
        qsort(in->candidates, (size_t)in->n_candidates, sizeof *in->candidates, by_distance);
    for (int c = 0; c < in->n_candidates; c++) {
        const fc_place_candidate *p = &in->candidates[c];
        fc_place_answer *a = &out[p->face];
        if (a->person || p->distance > in->threshold) continue;
        if (is_not(in, p->face, p->person) || is_taken(out, in->n_faces, p->person)) continue;
        a->person = p->person, a->distance = p->distance;
    }
    /* what a face left over came closest to, among the people it could still have had */
    for (int c = 0; c < in->n_candidates; c++) {
        const fc_place_candidate *p = &in->candidates[c];
        fc_place_answer *a = &out[p->face];
        if (a->person || a->nearest) continue;
        if (is_not(in, p->face, p->person) || is_taken(out, in->n_faces, p->person)) continue;
        a->nearest = p->person, a->nearest_distance = p->distance;
    }
    return 0;
}

/* Row `person` at distance d into kept[0..*count) (at most cap, nearest first, a person
 * at most once, at the distance of their nearest row). */
static void offer(fc_place_candidate *kept, int *count, int cap, int face, int64_t person, float d)
{
    if (*count == cap && d >= kept[cap - 1].distance) return; /* most rows: farther */
    int at = -1;
    for (int c = 0; c < *count && at < 0; c++)
        if (kept[c].person == person) at = c;
    if (at >= 0 && d >= kept[at].distance) return;        /* a nearer row of theirs is kept */
    if (at < 0) at = *count < cap ? (*count)++ : cap - 1; /* a new one, or the farthest out */
    while (at > 0 && kept[at - 1].distance > d) kept[at] = kept[at - 1], at--;
    kept[at] = (fc_place_candidate){.face = face, .person = person, .distance = d};
}

/* fc_embed_distance from q to four rows at once, each summed in the same order as it
 * sums (its lanes: so equal to it, bit for bit, tests/test_placement.c): the four rows'
 * lanes are independent vector sums that keep the adders busy. */
static void distances4(const float q[FC_EMBED_DIM], const float (*row)[FC_EMBED_DIM], float d[4])
{
    float lane[4][FC_EMBED_LANES] = {{0}};
    for (int k = 0; k < FC_EMBED_DIM; k += FC_EMBED_LANES)
        for (int r = 0; r < 4; r++)
            for (int j = 0; j < FC_EMBED_LANES; j++) lane[r][j] += q[k + j] * row[r][k + j];
    for (int r = 0; r < 4; r++) d[r] = 1.0f - fc_embed_lanes_sum(lane[r]);
}

int fc_place_nearest_faces(const float (*library)[FC_EMBED_DIM], const int64_t *person, int n,
                           const float (*query)[FC_EMBED_DIM], int m, int per_face,
                           fc_place_candidate *out, int *count, char *err)
{
    *count = 0;
    if (n < 0 || m < 0 || per_face < 1 || (n && (!library || !person)) || (m && !query))
        return fc_errorf(err, -EINVAL, "bad input for the nearest faces");
    for (int q = 0; q < m; q++) {
        fc_place_candidate *kept = out + *count;
        int n_kept = 0, i = 0;
        for (; i + 4 <= n; i += 4) {
            float d[4];
            distances4(query[q], library + i, d);
            for (int r = 0; r < 4; r++)
                if (person[i + r] > 0) offer(kept, &n_kept, per_face, q, person[i + r], d[r]);
        }
        for (; i < n; i++)
            if (person[i] > 0)
                offer(kept, &n_kept, per_face, q, person[i],
                      fc_embed_distance(query[q], library[i]));
        *count += n_kept;
    }
    return 0;
}

int fc_place_named_rule(fc_place_candidate *cand, int count, int m, const int64_t *in,
                        const fc_cluster_not *nots, int n_nots, float threshold,
                        fc_place_answer *out, char *err)
{
    const fc_place_input rule = {.n_faces = m,
                                 .in = in,
                                 .candidates = cand,
                                 .n_candidates = count,
                                 .nots = nots,
                                 .n_nots = n_nots,
                                 .threshold = threshold};
    return fc_place(&rule, out, err);
}

int fc_place_named(const float (*named)[FC_EMBED_DIM], const int64_t *person, int n,
                   const float (*query)[FC_EMBED_DIM], int m, const int64_t *in,
                   const fc_cluster_not *nots, int n_nots, float threshold, fc_place_answer *out,
                   char *err)
{
    /* each face's nearest named people, as many as the photo's faces and its nots could
     * take from it and one more: the nearest it may have is among them */
    const int per_face = (m > 0 ? m : 1) + (n_nots > 0 ? n_nots : 0);
    fc_place_candidate *cand = malloc((size_t)(m > 0 ? m : 1) * (size_t)per_face * sizeof *cand);
    if (!cand) return fc_errorf(err, -ENOMEM, "out of memory");
    int count = 0;
    int rc = fc_place_nearest_faces(named, person, n, query, m, per_face, cand, &count, err);
    if (!rc) rc = fc_place_named_rule(cand, count, m, in, nots, n_nots, threshold, out, err);
    free(cand);
    return rc;
}
