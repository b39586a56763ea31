#include "bench/cluster_store.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    void *items;
    int n, cap;
} vec;

static void *vec_push(vec *v, size_t size)
{
    if (v->n == v->cap) {
        const int cap = v->cap ? 2 * v->cap : 256;
        void *items = realloc(v->items, (size_t)cap * size);
        if (!items) return NULL;
        v->items = items, v->cap = cap;
    }
    return (char *)v->items + (size_t)v->n++ * size;
}

static int collect_path(void *ctx, const char *path, const fc_store_file *file)
{
    photo_path *p = vec_push(ctx, sizeof *p);
    if (!p) return -ENOMEM;
    p->photo = file->photo, p->path = strdup(path);
    return p->path ? 0 : -ENOMEM;
}

static int collect_person(void *ctx, const fc_store_person *person)
{
    int64_t *id = vec_push(ctx, sizeof *id);
    if (!id) return -ENOMEM;
    *id = person->id;
    return 0;
}

static int by_int64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int by_photo(const void *a, const void *b)
{
    return by_int64(&((const photo_path *)a)->photo, &((const photo_path *)b)->photo);
}

typedef struct {
    store_view *v;
    int64_t *face_ids; /* (face id, index) pairs sorted by id */
} box_job;

static int collect_box(void *ctx, const fc_store_face_row *row)
{
    box_job *job = ctx;
    const int64_t *hit = bsearch(&row->face, job->face_ids, (size_t)job->v->f.n,
                                 2 * sizeof *job->face_ids, by_int64);
    if (!hit) return 0; /* a face the clustering does not consider (rejected) */
    const int i = (int)hit[1];
    memcpy(job->v->box[i], row->box, sizeof job->v->box[i]);
    job->v->has_box[i] = 1;
    return 0;
}

/* Boxes of every face in a person: fc_store_person_faces for each person. */
static int load_boxes(fc_store *s, store_view *v, char *err)
{
    vec people = {0};
    int64_t *pairs = malloc((size_t)(v->f.n > 0 ? v->f.n : 1) * 2 * sizeof *pairs);
    int rc = pairs ? fc_store_people(s, 1, 0, 1, collect_person, &people, err) : -ENOMEM;
    for (int i = 0; i < v->f.n && pairs; i++) pairs[2 * i] = v->f.face[i], pairs[2 * i + 1] = i;
    if (pairs) qsort(pairs, (size_t)v->f.n, 2 * sizeof *pairs, by_int64);
    box_job job = {.v = v, .face_ids = pairs};
    for (int p = 0; p < people.n && !rc; p++)
        rc = fc_store_person_faces(s, ((int64_t *)people.items)[p], collect_box, &job, err);
    free(people.items), free(pairs);
    return rc;
}

/* The daemon's person ids as labels 0..: their rank among the ids in use. */
static int label_ours(store_view *v)
{
    const int n = v->f.n;
    int64_t *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
    if (!ids) return -ENOMEM;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (v->f.person[i]) ids[m++] = v->f.person[i];
    qsort(ids, (size_t)m, sizeof *ids, by_int64);
    for (int i = 0; i < n; i++) {
        const int64_t *hit =
            v->f.person[i] ? bsearch(&v->f.person[i], ids, (size_t)m, sizeof *ids, by_int64) : NULL;
        /* the first of equal ids found is not guaranteed: step back to it */
        while (hit && hit > ids && hit[-1] == *hit) hit--;
        v->ours[i] = hit ? (int)(hit - ids) : -1;
    }
    free(ids);
    return 0;
}

void view_free(store_view *v)
{
    for (int i = 0; i < v->n_paths; i++) free(v->paths[i].path);
    free(v->paths), free(v->path), free(v->box), free(v->has_box), free(v->ours);
    fc_store_faces_free(&v->f);
    memset(v, 0, sizeof *v);
}

int view_load(const char *db, const char *dir, store_view *v, char *err)
{
    memset(v, 0, sizeof *v);
    fc_store *s;
    int rc = fc_store_open(db, FC_STORE_READ_ONLY, &s, err);
    if (rc) return rc;
    vec paths = {0};
    rc = fc_store_faces_load(s, &v->f, err);
    if (!rc) rc = fc_store_files_under(s, dir, collect_path, &paths, err);
    v->paths = paths.items, v->n_paths = paths.n;
    const size_t n = (size_t)(v->f.n > 0 ? v->f.n : 1);
    v->path = calloc(n, sizeof *v->path), v->box = calloc(n, sizeof *v->box);
    v->has_box = calloc(n, 1), v->ours = calloc(n, sizeof *v->ours);
    if (!rc && (!v->path || !v->box || !v->has_box || !v->ours))
        rc = fc_errorf(err, -ENOMEM, "out of memory");
    if (!rc) rc = load_boxes(s, v, err);
    if (!rc && label_ours(v) != 0) rc = fc_errorf(err, -ENOMEM, "out of memory");
    fc_store_close(s);
    if (rc) {
        if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
        view_free(v);
        return rc;
    }
    qsort(v->paths, (size_t)v->n_paths, sizeof *v->paths, by_photo);
    for (int i = 0; i < v->f.n; i++) {
        const photo_path key = {.photo = v->f.photo[i]},
                         *hit = bsearch(&key, v->paths, (size_t)v->n_paths, sizeof key, by_photo);
        v->path[i] = hit ? hit->path : NULL;
    }
    return 0;
}

int *view_faces_by_photo(const store_view *v)
{
    int64_t *pairs = malloc((size_t)(v->f.n > 0 ? v->f.n : 1) * 2 * sizeof *pairs);
    int *order = malloc((size_t)(v->f.n > 0 ? v->f.n : 1) * sizeof *order);
    if (!pairs || !order) {
        free(pairs), free(order);
        return NULL;
    }
    for (int i = 0; i < v->f.n; i++) pairs[2 * i] = v->f.photo[i], pairs[2 * i + 1] = i;
    qsort(pairs, (size_t)v->f.n, 2 * sizeof *pairs, by_int64);
    for (int i = 0; i < v->f.n; i++) order[i] = (int)pairs[2 * i + 1];
    free(pairs);
    return order;
}
