#include "placement.h"

#include "fc_error.h"
#include "ids.h"

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

static int by_id(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The per_face smallest of best[0..k) (people ids[]) for query q, appended to out. */
static int keep_nearest(const float *best, const int64_t *ids, int k, int q, int per_face,
                        fc_place_candidate *out)
{
    int kept = 0;
    for (int p = 0; p < k; p++) {
        if (best[p] > 2) continue; /* no face of theirs */
        if (kept == per_face && best[p] >= out[kept - 1].distance) continue;
        int at = kept < per_face ? kept++ : kept - 1;
        while (at > 0 && out[at - 1].distance > best[p]) out[at] = out[at - 1], at--;
        out[at] = (fc_place_candidate){.face = q, .person = ids[p], .distance = best[p]};
    }
    return kept;
}

int fc_place_nearest_faces(const float (*library)[FC_EMBED_DIM], const int64_t *person, int n,
                           const float (*query)[FC_EMBED_DIM], int m, int per_face,
                           fc_place_candidate *out, int *count, char *err)
{
    *count = 0;
    if (n < 0 || m < 0 || per_face < 1 || (n && (!library || !person)) || (m && !query))
        return fc_errorf(err, -EINVAL, "bad input for the nearest faces");
    const size_t size = (size_t)(n > 0 ? n : 1);
    int64_t *ids = malloc(size * sizeof *ids);
    int *slot = malloc(size * sizeof *slot);
    float *best = malloc(size * sizeof *best);
    int rc = ids && slot && best ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    int k = 0;
    for (int i = 0; !rc && i < n; i++)
        if (person[i] > 0) ids[k++] = person[i];
    if (!rc) qsort(ids, (size_t)k, sizeof *ids, by_id);
    int people = 0;
    for (int i = 0; !rc && i < k; i++)
        if (!people || ids[people - 1] != ids[i]) ids[people++] = ids[i];
    for (int i = 0; !rc && i < n; i++)
        slot[i] = person[i] > 0 ? fc_ids_find(ids, people, person[i]) : -1;
    for (int q = 0; !rc && q < m; q++) {
        for (int p = 0; p < people; p++) best[p] = 3; /* above any distance */
        for (int i = 0; i < n; i++) {
            if (slot[i] < 0) continue;
            const float d = fc_embed_distance(query[q], library[i]);
            if (d < best[slot[i]]) best[slot[i]] = d;
        }
        *count += keep_nearest(best, ids, people, q, per_face, out + *count);
    }
    free(ids), free(slot), free(best);
    return rc;
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
    if (!rc) {
        const fc_place_input rule = {.n_faces = m,
                                     .in = in,
                                     .candidates = cand,
                                     .n_candidates = count,
                                     .nots = nots,
                                     .n_nots = n_nots,
                                     .threshold = threshold};
        rc = fc_place(&rule, out, err);
    }
    free(cand);
    return rc;
}
