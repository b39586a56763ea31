/* People between regroups (cluster.h, fc_cluster_live): each person's embedding sum and
 * face count, so that a new face finds the person it would join by the linkage rule at
 * once, without a regroup.
 *
 * The mean cosine similarity between a face e and person P's faces is e . sum_P / n_P:
 * a dot product with P's (unnormalised) mean. So the nearest person by average linkage
 * is the largest inner product over the means, found through an inverted file over the
 * people (cells of about 256 people by the means' directions, the few cells nearest the
 * face searched). Cells stay as built: a person's mean moves little as faces join, and a
 * new person joins the cell nearest it; the next regroup builds everything again. */
#include "core/cluster/cluster.h"

#include "core/cluster/cluster_internal.h"
#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_PEOPLE 256
#define CHUNK_BITS 12 /* 4096 people's sums a block: growing never copies them all */
#define CHUNK_SLOTS (1 << CHUNK_BITS)
#define PROBES 16      /* cells searched a face, at least */
#define PROBE_SHARE 32 /* and at least one cell in this many (a million faces: 31 of 1000) */
#define MAX_PROBES 64

typedef struct {
    int *slot, count, cap;
} cell;

/* CHUNK_SLOTS people's sums, ids and counts: the index grows a block at a time and never
 * copies what it holds (a doubling copy at a million faces made one add take 14 ms). */
typedef struct {
    float sum[CHUNK_SLOTS][FC_EMBED_DIM];
    int64_t person[CHUNK_SLOTS];
    int count[CHUNK_SLOTS];
} chunk;

/* person id -> slot, by open addressing (id 0: empty); cap a power of two */
typedef struct {
    int64_t *id;
    int *slot;
    int cap;
} id_table;

#define MIGRATE_PER_ADD 64 /* old buckets moved to the new table per new person */

struct fc_cluster_live {
    int people; /* slots used */
    chunk **chunk;
    int n_chunks;
    /* the table, at least twice the people; while it grows, the old one is still read
     * and moved into the new a few buckets at a time, as redis rehashes its dicts, so
     * that no add pays for moving every person at once */
    id_table table, old;
    int migrated;                  /* old's buckets moved so far */
    float (*centre)[FC_EMBED_DIM]; /* per cell */
    cell *cells;
    int n_cells;
};

static float *sum_of(const fc_cluster_live *l, int slot)
{
    return l->chunk[slot >> CHUNK_BITS]->sum[slot & (CHUNK_SLOTS - 1)];
}

static int64_t *person_of(const fc_cluster_live *l, int slot)
{
    return &l->chunk[slot >> CHUNK_BITS]->person[slot & (CHUNK_SLOTS - 1)];
}

static int *count_of(const fc_cluster_live *l, int slot)
{
    return &l->chunk[slot >> CHUNK_BITS]->count[slot & (CHUNK_SLOTS - 1)];
}

static size_t hash_id(int64_t id, int cap)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 17) & (size_t)(cap - 1);
}

static int table_find(const id_table *t, int64_t id)
{
    if (!t->cap) return -1;
    for (size_t h = hash_id(id, t->cap);; h = (h + 1) & (size_t)(t->cap - 1)) {
        if (!t->id[h]) return -1;
        if (t->id[h] == id) return t->slot[h];
    }
}

static void table_put(id_table *t, int64_t id, int slot)
{
    size_t h = hash_id(id, t->cap);
    while (t->id[h]) h = (h + 1) & (size_t)(t->cap - 1);
    t->id[h] = id, t->slot[h] = slot;
}

static int table_alloc(id_table *t, int cap)
{
    /* calloc of a large table maps zero pages: no time spent clearing them */
    t->id = calloc((size_t)cap, sizeof *t->id);
    t->slot = malloc((size_t)cap * sizeof *t->slot);
    if (!t->id || !t->slot) {
        free(t->id), free(t->slot);
        memset(t, 0, sizeof *t);
        return -ENOMEM;
    }
    t->cap = cap;
    return 0;
}

static void table_free(id_table *t)
{
    free(t->id), free(t->slot);
    memset(t, 0, sizeof *t);
}

/* The slot of person id, or -1 (in the new table, else in the old one while it moves). */
static int slot_of(const fc_cluster_live *l, int64_t id)
{
    const int s = table_find(&l->table, id);
    return s >= 0 ? s : table_find(&l->old, id);
}

/* Moves a few of the old table's buckets into the new one; frees it when all are. */
static void migrate(fc_cluster_live *l, int buckets)
{
    for (; l->old.cap && buckets > 0 && l->migrated < l->old.cap; buckets--, l->migrated++)
        if (l->old.id[l->migrated])
            table_put(&l->table, l->old.id[l->migrated], l->old.slot[l->migrated]);
    if (l->old.cap && l->migrated == l->old.cap) table_free(&l->old);
}

/* Room for one more person: a table twice as large is started when this one would be
 * over half full (the old one has long been moved by then: a doubling gives as many adds
 * as the old table has buckets, and each add moves MIGRATE_PER_ADD of them). */
static int table_room(fc_cluster_live *l)
{
    if (2 * (l->people + 1) <= l->table.cap) return 0;
    migrate(l, l->old.cap); /* (never in practice: see above) */
    id_table bigger;
    if (table_alloc(&bigger, l->table.cap ? 2 * l->table.cap : 64) != 0) return -ENOMEM;
    l->old = l->table, l->table = bigger, l->migrated = 0;
    return 0;
}

static int cell_push(cell *c, int slot)
{
    if (c->count == c->cap) {
        const int cap = c->cap ? 2 * c->cap : 16;
        int *grown = realloc(c->slot, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        c->slot = grown, c->cap = cap;
    }
    c->slot[c->count++] = slot;
    return 0;
}

static int nearest_cell(const fc_cluster_live *l, const float *v)
{
    int best;
    float score;
    fc_cluster_nearest_cells((const float(*)[FC_EMBED_DIM])l->centre, l->n_cells, v, 1, &best,
                             &score);
    return best;
}

/* A slot for a person not seen before, filed in the cell nearest v. */
static int new_slot(fc_cluster_live *l, int64_t id, const float *v)
{
    if (l->people >> CHUNK_BITS == l->n_chunks) {
        chunk **grown = realloc(l->chunk, (size_t)(l->n_chunks + 1) * sizeof *grown);
        if (!grown) return -ENOMEM;
        l->chunk = grown;
        if (!(grown[l->n_chunks] = malloc(sizeof **grown))) return -ENOMEM;
        l->n_chunks++;
    }
    if (table_room(l) != 0) return -ENOMEM;
    const int s = l->people;
    if (cell_push(&l->cells[nearest_cell(l, v)], s) != 0) return -ENOMEM;
    l->people++;
    *person_of(l, s) = id, *count_of(l, s) = 0;
    memset(sum_of(l, s), 0, FC_EMBED_DIM * sizeof(float));
    table_put(&l->table, id, s);
    migrate(l, MIGRATE_PER_ADD);
    return s;
}

void fc_cluster_live_free(fc_cluster_live *l)
{
    if (!l) return;
    for (int c = 0; c < l->n_cells; c++) free(l->cells[c].slot);
    free(l->cells), free(l->centre);
    for (int c = 0; c < l->n_chunks; c++) free(l->chunk[c]);
    free(l->chunk);
    table_free(&l->table), table_free(&l->old);
    free(l);
}

/* The people's sums from their faces, then the cells over their directions. */
static int build(fc_cluster_live *l, const float (*embedding)[FC_EMBED_DIM], const int64_t *person,
                 int n)
{
    int distinct = 0;
    for (int i = 0; i < n; i++) distinct += person[i] != 0; /* an upper bound */
    int cap = 64;
    while (cap < 2 * distinct + 2) cap *= 2;
    /* one cell while sums are gathered: slots are filed into real cells afterwards */
    l->cells = calloc(1, sizeof *l->cells);
    l->centre = calloc(1, sizeof *l->centre);
    if (table_alloc(&l->table, cap) != 0 || !l->cells || !l->centre) return -ENOMEM;
    l->n_cells = 1;
    for (int i = 0; i < n; i++) {
        if (!person[i]) continue;
        int s = slot_of(l, person[i]);
        if (s < 0 && (s = new_slot(l, person[i], embedding[i])) < 0) return s;
        float *sum = sum_of(l, s);
        for (int k = 0; k < FC_EMBED_DIM; k++) sum[k] += embedding[i][k];
        (*count_of(l, s))++;
    }
    const int cells = l->people / CELL_PEOPLE > 1 ? l->people / CELL_PEOPLE : 1;
    float(*dir)[FC_EMBED_DIM] = malloc((size_t)(l->people > 0 ? l->people : 1) * sizeof *dir);
    float(*centre)[FC_EMBED_DIM] = calloc((size_t)cells, sizeof *centre);
    cell *grid = calloc((size_t)cells, sizeof *grid);
    int rc = dir && centre && grid ? 0 : -ENOMEM;
    for (int s = 0; !rc && s < l->people; s++) {
        const float *sum = sum_of(l, s), norm = sqrtf(fc_cluster_dot(sum, sum));
        for (int k = 0; k < FC_EMBED_DIM; k++) dir[s][k] = norm > 0 ? sum[k] / norm : 0;
    }
    if (!rc && l->people > 0)
        rc = fc_cluster_place_centres((const float(*)[FC_EMBED_DIM])dir, l->people, cells, centre);
    free(l->cells[0].slot), free(l->cells), free(l->centre);
    l->cells = grid, l->centre = centre, l->n_cells = cells;
    for (int s = 0; !rc && s < l->people; s++) rc = cell_push(&grid[nearest_cell(l, dir[s])], s);
    free(dir);
    if (!grid || !centre) l->n_cells = 0;
    return rc;
}

int fc_cluster_live_new(const float (*embedding)[FC_EMBED_DIM], const int64_t *person, int n,
                        fc_cluster_live **out, char *err)
{
    *out = NULL;
    if (n < 0 || (n > 0 && (!embedding || !person)))
        return fc_errorf(err, -EINVAL, "bad input for the people's index");
    fc_cluster_live *l = calloc(1, sizeof *l);
    int rc = l ? build(l, embedding, person, n) : -ENOMEM;
    if (rc) {
        fc_cluster_live_free(l);
        return fc_errorf(err, rc, "out of memory indexing the people of %d faces", n);
    }
    *out = l;
    return 0;
}

int fc_cluster_live_people(const fc_cluster_live *l)
{
    return l->people;
}

/* Keeps the k most similar people seen so far, most similar first. */
static int keep(int64_t id, float sim, int k, int kept, int64_t *person, float *best)
{
    if (kept == k && sim <= best[k - 1]) return kept;
    int at = kept < k ? kept++ : k - 1;
    while (at > 0 && best[at - 1] < sim) person[at] = person[at - 1], best[at] = best[at - 1], at--;
    person[at] = id, best[at] = sim;
    return kept;
}

int fc_cluster_live_nearest_k(const fc_cluster_live *l, const float e[FC_EMBED_DIM], int k,
                              int64_t *person, float *distance)
{
    int probe[MAX_PROBES];
    float score[MAX_PROBES];
    int want = l->n_cells / PROBE_SHARE > PROBES ? l->n_cells / PROBE_SHARE : PROBES;
    if (want > MAX_PROBES) want = MAX_PROBES;
    if (want > l->n_cells) want = l->n_cells;
    if (k < 1) return 0;
    int kept = 0;
    if (want > 0)
        fc_cluster_nearest_cells((const float(*)[FC_EMBED_DIM])l->centre, l->n_cells, e, want,
                                 probe, score);
    for (int p = 0; p < want && probe[p] >= 0; p++) {
        const cell *c = &l->cells[probe[p]];
        for (int j = 0; j < c->count; j++) {
            const int s = c->slot[j], count = *count_of(l, s);
            if (!count) continue;
            const float sim = fc_cluster_dot(e, sum_of(l, s)) / (float)count;
            kept = keep(*person_of(l, s), sim, k, kept, person, distance);
        }
    }
    for (int i = 0; i < kept; i++) distance[i] = 1.0f - distance[i];
    return kept;
}

int64_t fc_cluster_live_nearest(const fc_cluster_live *l, const float e[FC_EMBED_DIM],
                                const int64_t *skip, int n_skip, float *distance)
{
    int64_t small_person[8];
    float small_distance[8];
    const int k = n_skip + 1;
    int64_t *person = k <= 8 ? small_person : malloc((size_t)k * sizeof *person);
    float *dist = k <= 8 ? small_distance : malloc((size_t)k * sizeof *dist);
    int64_t best = 0;
    *distance = 2.0f;
    if (person && dist) {
        const int found = fc_cluster_live_nearest_k(l, e, k, person, dist);
        for (int i = 0; i < found && !best; i++) {
            int skipped = 0;
            for (int s = 0; s < n_skip && !skipped; s++) skipped = skip[s] == person[i];
            if (!skipped) best = person[i], *distance = dist[i];
        }
    }
    if (person != small_person) free(person);
    if (dist != small_distance) free(dist);
    return best;
}

int fc_cluster_live_add(fc_cluster_live *l, const float e[FC_EMBED_DIM], int64_t person)
{
    if (person <= 0) return -EINVAL;
    int s = slot_of(l, person);
    if (s < 0 && (s = new_slot(l, person, e)) < 0) return s;
    float *sum = sum_of(l, s);
    for (int k = 0; k < FC_EMBED_DIM; k++) sum[k] += e[k];
    (*count_of(l, s))++;
    return 0;
}
