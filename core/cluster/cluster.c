/* Average-linkage clustering under constraints (cluster.h). Its parts: candidate pairs
 * from an inverted file over the faces (cluster_index.c), a lazy max-heap of group pairs
 * keyed by their linkage, merging with the constraint checks, then candidate pairs
 * between the groups (the same search over their sums' directions) for what the faces'
 * search missed. An incremental regroup starts from the last one's groups and searches
 * face by face only the faces new since. */
#include "core/cluster/cluster.h"

#include "core/cluster/cluster_internal.h"
#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

float fc_cluster_linkage(const float sum_a[FC_EMBED_DIM], int count_a,
                         const float sum_b[FC_EMBED_DIM], int count_b)
{
    return fc_cluster_dot(sum_a, sum_b) / ((float)count_a * (float)count_b);
}

/* --- the heap of candidate pairs ----------------------------------------------------- */

typedef struct {
    float sim;
    int a, b; /* groups when pushed (maybe merged since: see find) */
    unsigned version_a, version_b;
} pair;

typedef struct {
    pair *items;
    size_t count, cap;
} heap;

static int heap_push(heap *h, pair p)
{
    if (h->count == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        pair *grown = realloc(h->items, cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        h->items = grown, h->cap = cap;
    }
    size_t i = h->count++;
    while (i > 0 && h->items[(i - 1) / 2].sim < p.sim) {
        h->items[i] = h->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->items[i] = p;
    return 0;
}

static pair heap_pop(heap *h)
{
    pair top = h->items[0], last = h->items[--h->count];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->count) break;
        if (c + 1 < h->count && h->items[c + 1].sim > h->items[c].sim) c++;
        if (h->items[c].sim <= last.sim) break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (h->count) h->items[i] = last;
    return top;
}

/* --- groups ---------------------------------------------------------------------------- */

/* Some of a group's faces, as a list threaded through `next` (one slot per face), with
 * its head, tail and length per group: appending one group's list to another's is O(1). */
typedef struct {
    int *head, *tail, *len, *next;
} face_list;

static void list_push(face_list *l, int face, int group)
{
    l->next[face] = l->head[group];
    l->head[group] = face;
    if (l->tail[group] < 0) l->tail[group] = face;
    l->len[group]++;
}

static void list_append(face_list *l, int into, int from)
{
    if (l->head[from] < 0) return;
    l->next[l->tail[from]] = l->head[into];
    if (l->head[into] < 0) l->tail[into] = l->tail[from];
    l->head[into] = l->head[from];
    l->len[into] += l->len[from];
    l->head[from] = l->tail[from] = -1, l->len[from] = 0;
}

typedef struct {
    const fc_cluster_input *in;
    float (*sum)[FC_EMBED_DIM]; /* per group (indexed by its first face) */
    int *count, *seeds, *parent, *group_of, *next, *tail;
    unsigned *version;
    int64_t *anchor;
    unsigned char *touched; /* per group: merged since the last search between groups */
    long merges;
    /* the faces whose constraints a merge must check, per group: faces sharing a photo
     * with another face, faces with a "not", faces with an "apart" */
    face_list multi, nots_of, apart_of;
    fc_csr same_photo, nots, apart; /* per face: other faces, entries of in->nots, faces */
} groups;

static int find(groups *g, int x)
{
    while (g->parent[x] != x) {
        g->parent[x] = g->parent[g->parent[x]];
        x = g->parent[x];
    }
    return x;
}

/* Whether a face of `group` on list l relates, through rel, to a face of group other. */
static int related_into(const groups *g, const face_list *l, const fc_csr *rel, int group,
                        int other)
{
    for (int f = l->head[group]; f >= 0; f = l->next[f])
        for (int k = rel->start[f]; k < rel->start[f + 1]; k++)
            if (g->group_of[rel->items[k]] == other) return 1;
    return 0;
}

/* The same for a symmetric relation: walking the shorter of the two lists is enough. */
static int related(const groups *g, const face_list *l, const fc_csr *rel, int a, int b)
{
    if (!l->len[a] || !l->len[b]) return 0;
    return l->len[a] <= l->len[b] ? related_into(g, l, rel, a, b) : related_into(g, l, rel, b, a);
}

/* Whether a face of `group` is "not" the person `person`. */
static int refuses(const groups *g, int group, int64_t person)
{
    if (!person) return 0;
    for (int f = g->nots_of.head[group]; f >= 0; f = g->nots_of.next[f])
        for (int k = g->nots.start[f]; k < g->nots.start[f + 1]; k++)
            if (g->in->nots[g->nots.items[k]].person == person) return 1;
    return 0;
}

static int may_merge(const groups *g, int a, int b)
{
    if (g->anchor[a] && g->anchor[b] && g->anchor[a] != g->anchor[b]) return 0;
    if (refuses(g, a, g->anchor[b]) || refuses(g, b, g->anchor[a])) return 0;
    return !related(g, &g->multi, &g->same_photo, a, b) &&
           !related(g, &g->apart_of, &g->apart, a, b);
}

/* b's faces join a (the larger); b is gone. */
static void merge(groups *g, int a, int b)
{
    for (int f = b; f >= 0; f = g->next[f]) g->group_of[f] = a;
    g->next[g->tail[a]] = b;
    g->tail[a] = g->tail[b];
    for (int k = 0; k < FC_EMBED_DIM; k++) g->sum[a][k] += g->sum[b][k];
    g->count[a] += g->count[b];
    g->seeds[a] += g->seeds[b];
    if (!g->anchor[a]) g->anchor[a] = g->anchor[b];
    list_append(&g->multi, a, b);
    list_append(&g->nots_of, a, b);
    list_append(&g->apart_of, a, b);
    g->parent[b] = a;
    g->version[a]++;
    g->count[b] = 0;
    g->touched[a] = 1;
    g->merges++;
}

/* The smaller group joins the larger (ties: b joins a). */
static void join(groups *g, int a, int b)
{
    if (g->count[a] >= g->count[b])
        merge(g, a, b);
    else
        merge(g, b, a);
}

/* Every face starts alone, except faces fixed to one person, which start together. */
static int start_groups(groups *g)
{
    const fc_cluster_input *in = g->in;
    const int n = in->n;
    for (int f = 0; f < n; f++) {
        g->parent[f] = g->group_of[f] = f, g->next[f] = -1, g->tail[f] = f;
        g->count[f] = 1, g->seeds[f] = in->can_seed ? in->can_seed[f] != 0 : 1;
        g->anchor[f] = in->fixed ? in->fixed[f] : 0;
        face_list *lists[] = {&g->multi, &g->nots_of, &g->apart_of};
        for (int l = 0; l < 3; l++)
            lists[l]->head[f] = lists[l]->tail[f] = lists[l]->next[f] = -1, lists[l]->len[f] = 0;
        memcpy(g->sum[f], in->embedding[f], sizeof g->sum[f]);
    }
    if (!in->fixed) return 0;
    /* the fixed faces in person order: each run of one person becomes one group */
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order), count = 0;
    if (!order) return -ENOMEM;
    for (int f = 0; f < n; f++)
        if (in->fixed[f]) order[count++] = f;
    fc_sort_by_key(order, count, in->fixed);
    for (int i = 1; i < count; i++)
        if (in->fixed[order[i]] == in->fixed[order[i - 1]]) {
            const int a = find(g, order[i - 1]), b = find(g, order[i]);
            if (a != b) merge(g, a, b);
        }
    free(order);
    return 0;
}

static int build_constraints(groups *g)
{
    const fc_cluster_input *in = g->in;
    int rc = fc_csr_group_by_key(in->photo, in->n, &g->same_photo);
    if (!rc) rc = fc_csr_nots(in->nots, in->n_nots, in->n, &g->nots);
    if (!rc) rc = fc_csr_pairs(in->apart, in->n_apart, in->n, &g->apart);
    if (rc) return rc;
    for (int f = 0; f < in->n; f++) {
        const int grp = find(g, f);
        if (g->same_photo.start[f + 1] > g->same_photo.start[f]) list_push(&g->multi, f, grp);
        if (g->nots.start[f + 1] > g->nots.start[f]) list_push(&g->nots_of, f, grp);
        if (g->apart.start[f + 1] > g->apart.start[f]) list_push(&g->apart_of, f, grp);
    }
    return 0;
}

/* Labels: anchored groups by person id, then the others by size; seedless groups -1. */
static int label(groups *g, int *group, int *n_groups)
{
    const int n = g->in->n;
    int *roots = malloc((size_t)(n > 0 ? n : 1) * sizeof *roots), count = 0;
    if (!roots) return -ENOMEM;
    for (int f = 0; f < n; f++)
        if (g->parent[f] == f && (g->anchor[f] || g->seeds[f] > 0)) roots[count++] = f;
    fc_sort_groups(roots, count, g->anchor, g->count);
    for (int f = 0; f < n; f++) group[f] = -1;
    for (int i = 0; i < count; i++)
        for (int f = roots[i]; f >= 0; f = g->next[f]) group[f] = i;
    *n_groups = count;
    free(roots);
    return 0;
}

static void free_groups(groups *g)
{
    free(g->sum);
    free(g->count), free(g->seeds), free(g->parent), free(g->group_of), free(g->next);
    free(g->tail), free(g->version), free(g->anchor), free(g->touched);
    face_list *lists[] = {&g->multi, &g->nots_of, &g->apart_of};
    for (int l = 0; l < 3; l++)
        free(lists[l]->head), free(lists[l]->tail), free(lists[l]->len), free(lists[l]->next);
    fc_csr_free(&g->same_photo), fc_csr_free(&g->nots), fc_csr_free(&g->apart);
}

static int alloc_groups(groups *g, const fc_cluster_input *in)
{
    const size_t n = (size_t)(in->n > 0 ? in->n : 1);
    memset(g, 0, sizeof *g);
    g->in = in;
    g->sum = malloc(n * sizeof *g->sum);
    int **ints[] = {&g->count,        &g->seeds,        &g->parent,        &g->group_of,
                    &g->next,         &g->tail,         &g->multi.head,    &g->multi.tail,
                    &g->multi.len,    &g->multi.next,   &g->nots_of.head,  &g->nots_of.tail,
                    &g->nots_of.len,  &g->nots_of.next, &g->apart_of.head, &g->apart_of.tail,
                    &g->apart_of.len, &g->apart_of.next};
    int ok = g->sum != NULL;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        ok &= (*ints[i] = malloc(n * sizeof(int))) != NULL;
    g->version = calloc(n, sizeof *g->version);
    g->anchor = malloc(n * sizeof *g->anchor);
    g->touched = calloc(n, sizeof *g->touched);
    return ok && g->version && g->anchor && g->touched ? 0 : -ENOMEM;
}

static int constrained(const groups *g, int group)
{
    return g->nots_of.len[group] > 0 || g->apart_of.len[group] > 0;
}

/* Merges the best candidate pair while its linkage is at least min_sim. With `defer`,
 * merges of two unanchored groups where one holds a constrained face are set aside there
 * instead (the first round). */
static int agglomerate(groups *g, heap *h, float min_sim, heap *defer)
{
    int rc = 0;
    for (unsigned long pops = 0; !rc && h->count; pops++) {
        if (pops % 4096 == 0 && fc_cluster_cancelled(g->in->cancel)) return -ECANCELED;
        pair p = heap_pop(h);
        const int a = find(g, p.a), b = find(g, p.b);
        if (a == b) continue;
        if (a != p.a || b != p.b || g->version[a] != p.version_a || g->version[b] != p.version_b) {
            /* merged since: its linkage now is at most what was stored (average linkage
             * is reducible). Still the best of all (every other stored value is an upper
             * bound of its own), it is taken now; otherwise it goes back at its value. */
            const float s = fc_cluster_linkage(g->sum[a], g->count[a], g->sum[b], g->count[b]);
            if (s < min_sim) continue;
            if (h->count && s < h->items[0].sim) {
                rc = heap_push(h, (pair){s, a, b, g->version[a], g->version[b]});
                continue;
            }
        }
        if (!may_merge(g, a, b)) continue;
        if (defer && !g->anchor[a] && !g->anchor[b] && (constrained(g, a) || constrained(g, b))) {
            rc = heap_push(defer, p);
            continue;
        }
        join(g, a, b);
    }
    return rc;
}

/* Groups a and b as a candidate pair when their linkage reaches min_sim. */
static int offer_pair(groups *g, heap *h, int a, int b, float min_sim)
{
    if (a == b) return 0;
    const float s = fc_cluster_linkage(g->sum[a], g->count[a], g->sum[b], g->count[b]);
    return s >= min_sim ? heap_push(h, (pair){s, a, b, g->version[a], g->version[b]}) : 0;
}

/* Where the last regroup left off: the faces that were in one person start as one group,
 * unless the user's constraints now part them (a face that cannot join its old group starts
 * alone, as do faces new since and faces the user moved). *loose gets, per face, whether
 * it starts alone: those are searched face by face; the other groups stand as they were.
 * Only the groups holding loose faces are marked touched. Returns 0 or -ENOMEM. */
static int start_from_prior(groups *g, unsigned char **loose_out)
{
    const fc_cluster_input *in = g->in;
    const int n = in->n;
    const size_t slots = (size_t)(n > 0 ? n : 1);
    unsigned char *loose = malloc(slots);
    int *order = malloc(slots * sizeof *order), count = 0;
    if (!loose || !order) {
        free(loose), free(order);
        return -ENOMEM;
    }
    for (int f = 0; f < n; f++) {
        const int moved = in->fixed && in->fixed[f] && in->fixed[f] != in->prior[f];
        loose[f] = !in->prior[f] || moved;
        if (!loose[f]) order[count++] = f;
    }
    fc_sort_by_key(order, count, in->prior);
    for (int i = 0, j; i < count; i = j) /* the run's first face holds its group */
        for (j = i + 1; j < count && in->prior[order[j]] == in->prior[order[i]]; j++) {
            const int a = find(g, order[i]), b = find(g, order[j]);
            if (a == b) continue;
            if (may_merge(g, a, b))
                join(g, a, b);
            else
                loose[order[j]] = 1;
        }
    free(order);
    memset(g->touched, 0, slots);
    for (int f = 0; f < n; f++)
        if (loose[f]) g->touched[find(g, f)] = 1;
    *loose_out = loose;
    return 0;
}

/* Whether item is among row's neighbours. */
static int listed(const fc_neighbours *nb, int row, int item)
{
    for (int k = 0; k < nb->k; k++) {
        const int other = nb->index[(size_t)row * nb->k + k];
        if (other < 0) return 0;
        if (other == item) return 1;
    }
    return 0;
}

/* Candidate pairs from each face's nearest faces, among the loose faces only when loose
 * is given (all of them otherwise). */
static int face_candidates(groups *g, heap *h, float min_sim, const unsigned char *loose)
{
    const fc_cluster_input *in = g->in;
    const float(*e)[FC_EMBED_DIM] = in->embedding;
    int *face = NULL, count = in->n, rc = 0;
    float(*picked)[FC_EMBED_DIM] = NULL;
    if (loose) {
        face = malloc((size_t)in->n * sizeof *face);
        if (!face) return -ENOMEM;
        count = 0;
        for (int f = 0; f < in->n; f++)
            if (loose[f]) face[count++] = f;
        picked = malloc((size_t)(count > 0 ? count : 1) * sizeof *picked);
        if (!picked) rc = -ENOMEM;
        for (int i = 0; !rc && i < count; i++) memcpy(picked[i], e[face[i]], sizeof picked[i]);
        e = (const float(*)[FC_EMBED_DIM])picked;
    }
    fc_neighbours nb = {0};
    if (!rc && count > 0)
        rc = fc_cluster_neighbours(e, count, min_sim - 0.1f, NULL, in->cancel, &nb);
    for (int i = 0; !rc && count > 0 && i < count; i++)
        for (int k = 0; k < nb.k && !rc; k++) {
            const int other = nb.index[(size_t)i * nb.k + k];
            if (other < 0) break;
            if (other < i && listed(&nb, other, i)) continue; /* pushed from other's side */
            rc = offer_pair(g, h, find(g, face ? face[i] : i), find(g, face ? face[other] : other),
                            min_sim);
        }
    fc_neighbours_free(&nb);
    free(face), free(picked);
    return rc;
}

#define GROUP_PASSES 3

/* Groups the face search did not bring together: each touched group's nearest groups
 * by the direction of its sum (every group's at the first pass of a full regroup), merged
 * while their linkage allows, again for the groups that changed. A face search misses
 * pairs whose faces lie in no common cell; two parts of one person found apart have
 * their sums pointing almost the same way, which the search between groups finds. */
static int join_groups(groups *g, heap *h, float min_sim, int all_first)
{
    const int n = g->in->n;
    int *root = malloc((size_t)n * sizeof *root), rc = root ? 0 : -ENOMEM;
    for (int pass = 0; !rc && pass < GROUP_PASSES; pass++) {
        int count = 0, queries = 0;
        for (int f = 0; f < n; f++)
            if (g->parent[f] == f) root[count++] = f;
        float(*dir)[FC_EMBED_DIM] = malloc((size_t)count * sizeof *dir);
        unsigned char *query = malloc((size_t)count);
        fc_neighbours nb = {0};
        rc = dir && query ? 0 : -ENOMEM;
        for (int i = 0; !rc && i < count; i++) {
            const float *sum = g->sum[root[i]], norm = sqrtf(fc_cluster_dot(sum, sum));
            for (int k = 0; k < FC_EMBED_DIM; k++) dir[i][k] = norm > 0 ? sum[k] / norm : 0;
            query[i] = (all_first && pass == 0) || g->touched[root[i]];
            queries += query[i];
            g->touched[root[i]] = 0;
        }
        if (!rc && queries)
            rc = fc_cluster_neighbours((const float(*)[FC_EMBED_DIM])dir, count, min_sim - 0.1f,
                                       query, g->in->cancel, &nb);
        for (int i = 0; !rc && queries && i < count; i++)
            for (int k = 0; query[i] && k < nb.k && !rc; k++) {
                const int other = nb.index[(size_t)i * nb.k + k];
                if (other < 0) break;
                rc = offer_pair(g, h, root[i], root[other], min_sim);
            }
        fc_neighbours_free(&nb);
        free(dir), free(query);
        const long before = g->merges;
        if (!rc && h->count) rc = agglomerate(g, h, min_sim, NULL);
        if (!queries || g->merges == before) break;
    }
    free(root);
    return rc;
}

int fc_cluster_regroup(const fc_cluster_input *in, int *group, int *n_groups, char *err)
{
    *n_groups = 0;
    if (in->n < 0 || (in->n > 0 && (!in->embedding || !in->photo)) || in->n_nots < 0 ||
        in->n_apart < 0)
        return fc_errorf(err, -EINVAL, "bad clustering input");
    for (int i = 0; i < in->n_nots; i++)
        if (in->nots[i].face < 0 || in->nots[i].face >= in->n)
            return fc_errorf(err, -EINVAL, "a constraint names face %d of %d", in->nots[i].face,
                             in->n);
    for (int i = 0; i < in->n_apart; i++)
        if (in->apart[i][0] < 0 || in->apart[i][0] >= in->n || in->apart[i][1] < 0 ||
            in->apart[i][1] >= in->n)
            return fc_errorf(err, -EINVAL, "a constraint names a face out of range");
    if (in->n == 0) return 0;
    const float min_sim = 1.0f - (in->threshold > 0 ? in->threshold : FC_CLUSTER_THRESHOLD);
    groups g;
    heap h = {0};
    unsigned char *loose = NULL;
    int rc = alloc_groups(&g, in);
    if (!rc) rc = start_groups(&g);
    if (!rc) rc = build_constraints(&g);
    if (!rc && in->prior) rc = start_from_prior(&g, &loose);
    if (!rc) rc = face_candidates(&g, &h, min_sim, loose);
    /* Two rounds. In the first, a face the user said something against ("not this
     * person", "these two differ") joins only an anchored group: were it to gather free
     * faces first, the group it made could never join the person those faces belong
     * to. Its other merges wait for the second round. */
    heap deferred = {0};
    for (int round = 0; round < 2 && !rc; round++) {
        for (size_t i = 0; round == 1 && i < deferred.count && !rc; i++)
            rc = heap_push(&h, deferred.items[i]);
        rc = rc ? rc : agglomerate(&g, &h, min_sim, round == 0 ? &deferred : NULL);
    }
    free(deferred.items);
    if (!rc) rc = join_groups(&g, &h, min_sim, !in->prior);
    if (!rc) rc = label(&g, group, n_groups);
    free(h.items);
    free(loose);
    free_groups(&g);
    if (rc == -ECANCELED) return fc_errorf(err, rc, "clustering stopped on request");
    return rc == -ENOMEM ? fc_errorf(err, rc, "out of memory clustering %d faces", in->n) : rc;
}
