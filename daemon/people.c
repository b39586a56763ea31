#include "daemon/people.h"

#include "core/fc_error.h"
#include "core/util/text.h"
#include "core/cluster/ids.h"
#include "core/cluster/placement.h"
#include "daemon/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { WANT_NOTHING, WANT_REFRESH, WANT_REGROUP };

/* The named people's faces, as `who` names by them (in the head's space), and their
 * one-byte copies for placing (placement.h: fc_place_named_within). */
typedef struct {
    float (*embedding)[FC_EMBED_DIM];
    int64_t *person;
    int n, cap;
    fc_place_codes *codes;
} named_faces;

static void named_free(named_faces *f)
{
    free(f->embedding), free(f->person);
    fc_place_codes_free(f->codes);
    memset(f, 0, sizeof *f);
}

static int named_add(named_faces *f, const float e[FC_EMBED_DIM], int64_t person)
{
    if (!f->codes && fc_place_codes_new(&f->codes) != 0) return -ENOMEM;
    if (f->n == f->cap) {
        const int cap = f->cap ? 2 * f->cap : 64;
        float(*embedding)[FC_EMBED_DIM] = realloc(f->embedding, (size_t)cap * sizeof *embedding);
        if (embedding) f->embedding = embedding;
        int64_t *grown = realloc(f->person, (size_t)cap * sizeof *grown);
        if (grown) f->person = grown;
        if (!embedding || !grown) return -ENOMEM;
        f->cap = cap;
    }
    if (fc_place_codes_add(f->codes, e) != 0) return -ENOMEM;
    memcpy(f->embedding[f->n], e, sizeof f->embedding[0]);
    f->person[f->n++] = person;
    return 0;
}

/* One regroup or refresh: what it needs, and what it made for the loop to take. */
typedef struct {
    uv_work_t req;
    people *owner;
    int regroup;
    int rc;
    char err[FC_ERR_MAX];
    fc_cluster_live *live; /* the unnamed people */
    named_faces named;     /* the named people's faces */
    fc_head head;          /* the head live was built with (w NULL: none); owned */
    float threshold;       /* the clustering's threshold in that space */
    float name_threshold;  /* naming's, in that space */
    char note[FC_ERR_MAX]; /* why a stored head was not used ("": none stored, or used) */
    int faces, groups, alone, unassigned; /* alone: unnamed people of one face */
    int full;                             /* the regroup was a full one (else incremental) */
    int fresh; /* faces it searched face by face as new since the last (incremental) */
    double seconds;
} job;

struct people {
    uv_loop_t *loop;
    fc_store *store;
    char *db_path;
    char *model;           /* the version new faces are embedded by */
    float threshold;       /* as configured; 0: the default */
    fc_cluster_live *live; /* the unnamed people; NULL until the first job ends */
    named_faces named;     /* the named people's faces, from the same job */
    fc_head head;          /* the head live was built with; w NULL: the raw embeddings */
    float live_threshold;  /* the clustering's threshold in live's space */
    float name_threshold;  /* naming's (`who`'s), in that space */
    char note[FC_ERR_MAX]; /* the last note about the head, logged once */
    job *running;
    int wanted; /* WANT_*: the job to start when the running one ends */
    int64_t *pending;
    size_t n_pending, cap_pending;
    int stopping;    /* the loop is closing: no new job, nothing placed */
    int cancel;      /* read by the regroup's thread */
    int regroup_due; /* the last regroup failed or was overtaken by an edit */
};

static double now_s(void)
{
    return uv_hrtime() * 1e-9;
}

/* Each face's person after the regroup: the user's, the group's, or none. */
static void persons_after(const fc_store_faces *f, const int *group, const int64_t *ids,
                          int64_t *person)
{
    for (int i = 0; i < f->n; i++)
        person[i] = f->fixed[i] ? f->fixed[i] : group[i] >= 0 ? ids[group[i]] : 0;
}

static int by_id(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The faces of named people (by their person now: a regroup may have added some) into
 * j->named; person[] keeps the others' (those of named people become 0: the live index
 * holds the unnamed people only). */
static int split_named(const fc_store_library *lib, int64_t *person, job *j)
{
    const int n = lib->faces.n;
    int64_t *ids = malloc((size_t)(n > 0 ? n : 1) * sizeof *ids);
    int n_ids = 0, rc = ids ? 0 : -ENOMEM;
    for (int i = 0; !rc && i < n; i++)
        if (lib->named[i]) ids[n_ids++] = lib->named[i];
    if (!rc) qsort(ids, (size_t)n_ids, sizeof *ids, by_id);
    named_free(&j->named);
    for (int i = 0; !rc && i < n; i++) {
        if (!person[i] || fc_ids_find(ids, n_ids, person[i]) < 0) continue;
        rc = named_add(&j->named, lib->faces.embedding[i], person[i]);
        person[i] = 0;
    }
    free(ids);
    return rc ? fc_errorf(j->err, rc, "out of memory") : 0;
}

/* A full regroup at least this often (seconds): the reference the incremental ones start
 * from, so that what they cannot see (two people the last one merged, by now far apart)
 * is put right within a day. Also whenever the space changed (a head, the threshold), and
 * when more than 1 face in FULL_NEW_SHARE is new since the last, where starting from it
 * saves little. */
#define FULL_EVERY (24 * 3600)
#define FULL_NEW_SHARE 4

/* What the regroup starts from (cluster.h: prior): NULL for a full regroup (*full set),
 * else each face's person now, 0 for the faces new since the last regroup (the live index
 * placed them: they are searched face by face again). *fresh counts those. */
static int regroup_prior(const fc_store_faces *faces, const fc_store_regroup_mark *last,
                         int had_last, const fc_store_regroup_mark *now, int64_t **prior, int *full,
                         int *fresh)
{
    *prior = NULL, *fresh = 0;
    for (int i = 0; i < faces->n; i++) *fresh += faces->face[i] > last->last_face;
    *full = had_last != 1 || last->head_mark != now->head_mark ||
            last->threshold != now->threshold || now->full_at < last->full_at ||
            now->full_at - last->full_at >= FULL_EVERY ||
            (int64_t)*fresh * FULL_NEW_SHARE > faces->n;
    if (*full) return 0;
    *prior = malloc((size_t)(faces->n > 0 ? faces->n : 1) * sizeof **prior);
    if (!*prior) return -ENOMEM;
    for (int i = 0; i < faces->n; i++)
        (*prior)[i] = faces->face[i] > last->last_face ? 0 : faces->person[i];
    return 0;
}

/* Regroups the library's faces (incrementally when the last regroup allows: see
 * regroup_prior), writes the people and records where it left off. group and ids are
 * the caller's, faces->n each. */
static int regroup(fc_store *store, const fc_store_library *lib, int64_t head_mark, job *j,
                   int *group, int64_t *ids, int *n_groups)
{
    const fc_store_faces *faces = &lib->faces;
    fc_store_regroup_mark last, now = {.head_mark = lib->head.w ? head_mark : 0,
                                       .threshold = j->threshold,
                                       .full_at = (int64_t)time(NULL)};
    for (int i = 0; i < faces->n; i++)
        if (faces->face[i] > now.last_face) now.last_face = faces->face[i];
    const int had_last = fc_store_regroup_mark_get(store, &last, j->err);
    if (had_last < 0) return had_last;
    int64_t *prior;
    int rc = regroup_prior(faces, &last, had_last, &now, &prior, &j->full, &j->fresh);
    if (rc) return fc_errorf(j->err, rc, "out of memory");
    fc_cluster_input in = {.n = faces->n,
                           .embedding = (const float(*)[FC_EMBED_DIM])faces->embedding,
                           .photo = faces->photo,
                           .fixed = faces->fixed,
                           .can_seed = faces->can_seed,
                           .nots = faces->nots,
                           .n_nots = faces->n_nots,
                           .apart = (const int(*)[2])faces->apart,
                           .n_apart = faces->n_apart,
                           .prior = prior,
                           .threshold = j->threshold,
                           .cancel = &j->owner->cancel};
    rc = fc_cluster_regroup(&in, group, n_groups, j->err);
    free(prior);
    if (!rc)
        rc = fc_cluster_map_ids(group, faces->person, faces->fixed, faces->n, *n_groups, ids,
                                j->err);
    if (!rc) rc = fc_store_apply_groups(store, faces, group, *n_groups, ids, j->err);
    if (rc > 0) rc = 0;
    if (!j->full) now.full_at = last.full_at;
    return rc ? rc : fc_store_regroup_mark_put(store, &now, j->err);
}

/* Loads the faces (through the head in use: fc_store_library_load; one that cannot be
 * used leaves a note to log, the raw embeddings still group), regroups them when
 * j->regroup, and builds the index of the people as the store now has them. Runs on any
 * thread, on the connection it is given. */
static int compute(fc_store *store, const people *p, job *j)
{
    const double t0 = now_s();
    fc_store_library lib;
    int64_t head_mark = 0; /* read first: a head stored meanwhile makes the next one full */
    int rc = fc_store_head_mark(store, &head_mark, j->err);
    if (!rc) rc = fc_store_library_load(store, p->model, &lib, j->err);
    if (rc) return rc;
    const fc_store_faces *faces = &lib.faces;
    snprintf(j->note, sizeof j->note, "%s", lib.note);
    j->threshold = fc_store_library_cluster_threshold(&lib, p->threshold);
    j->name_threshold = fc_store_library_name_threshold(&lib, 0);
    const size_t n = (size_t)(faces->n > 0 ? faces->n : 1);
    int *group = malloc(n * sizeof *group), n_groups = 0;
    int64_t *ids = malloc(n * sizeof *ids), *person = malloc(n * sizeof *person);
    rc = group && ids && person ? 0 : fc_errorf(j->err, -ENOMEM, "out of memory");
    if (!rc && j->regroup) {
        rc = regroup(store, &lib, head_mark, j, group, ids, &n_groups);
        if (!rc) persons_after(faces, group, ids, person);
        /* people, the unnamed alone and the faces in no person as `status` counts them */
        fc_store_people_counts counts;
        if (!rc) rc = fc_store_people_count(store, 1, &counts, j->err);
        if (!rc) {
            n_groups = (int)counts.people;
            j->alone = (int)counts.alone, j->unassigned = (int)counts.unplaced;
        }
    } else if (!rc) {
        if (faces->n) memcpy(person, faces->person, (size_t)faces->n * sizeof *person);
    }
    fc_head_free(&j->head);
    j->head = lib.head, lib.head = (fc_head){0}; /* the job's now (its thresholds taken) */
    if (!rc) rc = split_named(&lib, person, j);
    if (!rc)
        rc = fc_cluster_live_new((const float(*)[FC_EMBED_DIM])faces->embedding, person, faces->n,
                                 &j->live, j->err);
    j->faces = faces->n, j->groups = n_groups;
    j->seconds = now_s() - t0;
    free(group), free(ids), free(person);
    fc_store_library_free(&lib);
    return rc;
}

static void on_work(uv_work_t *req)
{
    job *j = req->data;
    fc_store *store = NULL;
    j->rc = fc_store_open(j->owner->db_path, 0, &store, j->err);
    if (!j->rc) j->rc = compute(store, j->owner, j);
    fc_store_close(store);
}

static void place_now(people *p, int64_t photo);

static void start(people *p, int regroup);

/* A note about the head, logged when it changes (not at every job). */
static void note_head(people *p, const job *j)
{
    if (strcmp(p->note, j->note) == 0) return;
    snprintf(p->note, sizeof p->note, "%s", j->note);
    if (j->note[0]) log_msg(LOG_WARNING, "%s", j->note);
}

/* On the loop: the job's index (and the head it was built with) replaces the old one, the
 * photos that waited are placed, and a job asked for meanwhile starts. */
static void take(people *p, job *j)
{
    note_head(p, j);
    if (j->rc == -ECANCELED) {
        log_msg(LOG_INFO, "regroup stopped: the daemon is stopping");
    } else if (j->rc == -EAGAIN) { /* again at the next coalesced regroup */
        log_msg(LOG_INFO, "%s", j->err);
        p->regroup_due = 1;
    } else if (j->rc) {
        log_msg(LOG_ERR, "cannot %s the people: %s", j->regroup ? "regroup" : "load", j->err);
        if (j->regroup) p->regroup_due = 1;
    } else {
        fc_cluster_live_free(p->live);
        p->live = j->live, j->live = NULL;
        named_free(&p->named);
        p->named = j->named, j->named = (named_faces){0};
        fc_head_free(&p->head);
        p->head = j->head, j->head = (fc_head){0};
        p->live_threshold = j->threshold;
        p->name_threshold = j->name_threshold;
        if (j->regroup) {
            char with[96] = "";
            if (p->head.w)
                snprintf(with, sizeof with,
                         " with the learned head (%d dimensions, threshold %.4f)", p->head.dim,
                         p->live_threshold);
            p->regroup_due = 0;
            char kind[96] = "a full regroup";
            if (!j->full)
                snprintf(kind, sizeof kind, "incremental: %d %s new since the last", j->fresh,
                         fc_plural(j->fresh, "face", "faces"));
            log_msg(LOG_INFO,
                    "regrouped %d %s into %d %s (%d named or with 2+ faces, %d alone; %d %s in no "
                    "person)%s in %.1f s (%s)",
                    j->faces, fc_plural(j->faces, "face", "faces"), j->groups,
                    fc_plural(j->groups, "person", "people"), j->groups - j->alone, j->alone,
                    j->unassigned, fc_plural(j->unassigned, "face", "faces"), with, j->seconds,
                    kind);
        }
    }
    fc_cluster_live_free(j->live);
    named_free(&j->named);
    fc_head_free(&j->head);
}

/* The photos that waited for the index, placed one at a time. */
static void place_pending(people *p)
{
    const size_t count = p->n_pending;
    p->n_pending = 0;
    for (size_t i = 0; i < count && p->live; i++) place_now(p, p->pending[i]);
}

static void on_done(uv_work_t *req, int status)
{
    job *j = req->data;
    people *p = j->owner;
    if (status == 0) take(p, j);
    p->running = NULL;
    free(j);
    if (p->stopping) return;
    place_pending(p); /* before another job: they have waited long enough */
    if (p->wanted) {
        const int regroup = p->wanted == WANT_REGROUP;
        p->wanted = WANT_NOTHING;
        start(p, regroup);
    }
}

static void start(people *p, int regroup)
{
    job *j = calloc(1, sizeof *j);
    if (!j) {
        log_msg(LOG_ERR, "cannot %s the people: out of memory", regroup ? "regroup" : "load");
        return;
    }
    j->owner = p, j->regroup = regroup, j->req.data = j;
    p->running = j;
    if (uv_queue_work(p->loop, &j->req, on_work, on_done) != 0) {
        log_msg(LOG_ERR, "cannot start a thread to regroup the people");
        p->running = NULL;
        free(j);
    }
}

void people_refresh(people *p, int regroup)
{
    const int want = regroup ? WANT_REGROUP : WANT_REFRESH;
    if (p->running) {
        if (p->wanted < want) p->wanted = want;
        return;
    }
    start(p, regroup);
}

int people_run_now(people *p, int regroup)
{
    job j = {.owner = p, .regroup = regroup};
    /* an edit overtaking a regroup (the CLI meanwhile) is rare: a few tries */
    for (int tries = 0; tries < 3; tries++) {
        j.rc = compute(p->store, p, &j);
        if (j.rc != -EAGAIN) break;
        fc_cluster_live_free(j.live), j.live = NULL;
        named_free(&j.named);
    }
    take(p, &j);
    if (regroup) p->n_pending = 0; /* the regroup saw their faces */
    place_pending(p);
    return j.rc;
}

void people_stop(people *p)
{
    p->stopping = 1;
    __atomic_store_n(&p->cancel, 1, __ATOMIC_RELAXED); /* a regroup running ends early */
}

int people_regroup_due(const people *p)
{
    return p->regroup_due;
}

int people_busy(const people *p)
{
    return p->running != NULL || p->wanted != WANT_NOTHING;
}

/* The photo's faces in no person placed by the one rule (core/cluster/placement.h), in the space
 * of the head the index was built with: first among the named people, as `who` names
 * them (fc_place_named_within: fc_place_named's names, under the naming threshold), then the faces
 * left among the unnamed people by the clustering's linkage, under its threshold (what the next
 * regroup would do). A face no person takes starts one when it may seed it, else waits in none
 * until a regroup says. */
static void place_now(people *p, int64_t photo)
{
    char err[FC_ERR_MAX];
    fc_store_photo_face *faces;
    fc_cluster_not *nots;
    int count, n_nots;
    if (fc_store_photo_faces(p->store, photo, &faces, &count, &nots, &n_nots, err) != 0) {
        log_msg(LOG_ERR, "cannot place the faces of photo %lld: %s", (long long)photo, err);
        return;
    }
    /* enough of each face's nearest people that the nearest it may join is among them:
     * the photo's other faces take at most count - 1, and its nots the rest */
    const int per_face = count + n_nots;
    const size_t n = (size_t)(count > 0 ? count : 1), k = (size_t)(per_face > 0 ? per_face : 1);
    float(*unit)[FC_EMBED_DIM] = malloc(n * sizeof *unit);
    fc_place_candidate *cand = malloc(n * k * sizeof *cand);
    int64_t *in = malloc(n * sizeof *in), *near = malloc(k * sizeof *near);
    float *dist = malloc(k * sizeof *dist);
    fc_place_answer *named = malloc(n * sizeof *named), *answer = malloc(n * sizeof *answer);
    int64_t *face = malloc(n * sizeof *face), *person = malloc(n * sizeof *person);
    int *which = malloc(n * sizeof *which), n_cand = 0, placing = 0;
    if (!unit || !cand || !in || !near || !dist || !named || !answer || !face || !person ||
        !which) {
        log_msg(LOG_ERR, "cannot place the faces of photo %lld: out of memory", (long long)photo);
        goto out;
    }
    for (int i = 0; i < count; i++) {
        memcpy(unit[i], faces[i].embedding, sizeof unit[i]);
        in[i] = faces[i].person;
    }
    fc_head_transform(&p->head, unit, count);
    if (fc_place_named_within(p->named.codes, (const float(*)[FC_EMBED_DIM])p->named.embedding,
                              p->named.person, (const float(*)[FC_EMBED_DIM])unit, count, in, nots,
                              n_nots, p->name_threshold, named, err) != 0) {
        log_msg(LOG_ERR, "cannot place the faces of photo %lld: %s", (long long)photo, err);
        goto out;
    }
    for (int i = 0; i < count; i++) {
        in[i] = named[i].person; /* theirs, or given a name: taken */
        if (in[i]) continue;
        const int found = fc_cluster_live_nearest_k(p->live, unit[i], per_face, near, dist);
        for (int c = 0; c < found; c++)
            cand[n_cand++] =
                (fc_place_candidate){.face = i, .person = near[c], .distance = dist[c]};
    }
    const fc_place_input unnamed = {.n_faces = count,
                                    .in = in,
                                    .candidates = cand,
                                    .n_candidates = n_cand,
                                    .nots = nots,
                                    .n_nots = n_nots,
                                    .threshold = p->live_threshold};
    if (fc_place(&unnamed, answer, err) != 0) {
        log_msg(LOG_ERR, "cannot place the faces of photo %lld: %s", (long long)photo, err);
        goto out;
    }
    for (int i = 0; i < count; i++) {
        if (faces[i].person || (!answer[i].person && !faces[i].can_seed)) continue;
        face[placing] = faces[i].face, person[placing] = answer[i].person, which[placing++] = i;
    }
    if (placing && fc_store_place_faces(p->store, face, person, placing, err) != 0) {
        log_msg(LOG_ERR, "cannot place the faces of photo %lld: %s", (long long)photo, err);
        goto out;
    }
    log_msg(LOG_DEBUG, "photo %lld: %d of its %d faces placed now", (long long)photo, placing,
            count);
    for (int c = 0; c < placing; c++) {
        const int i = which[c], by_name = named[i].person != 0;
        if (!person[c]) continue; /* the store kept it out (a decision meanwhile) */
        if (answer[i].person)
            log_msg(LOG_DEBUG, "photo %lld: face %lld (index %d) placed in %s person %lld at %.4f",
                    (long long)photo, (long long)face[c], i, by_name ? "named" : "unnamed",
                    (long long)person[c], by_name ? named[i].distance : answer[i].distance);
        else
            log_msg(LOG_DEBUG, "photo %lld: face %lld (index %d) starts person %lld",
                    (long long)photo, (long long)face[c], i, (long long)person[c]);
        const int rc = by_name ? named_add(&p->named, unit[i], person[c])
                               : fc_cluster_live_add(p->live, unit[i], person[c]);
        if (rc != 0) log_msg(LOG_ERR, "out of memory placing faces");
    }
out:
    free(unit), free(cand), free(in), free(near), free(dist), free(named), free(answer);
    free(face), free(person), free(which), free(faces), free(nots);
}

void people_place(people *p, int64_t photo)
{
    if (p->stopping) return; /* its faces wait for the next start's regroup */
    if (p->live && !p->running) {
        place_now(p, photo);
        return;
    }
    if (p->n_pending == p->cap_pending) {
        const size_t cap = p->cap_pending ? 2 * p->cap_pending : 64;
        int64_t *grown = realloc(p->pending, cap * sizeof *grown);
        if (!grown) return; /* its faces wait for the next regroup */
        p->pending = grown, p->cap_pending = cap;
    }
    p->pending[p->n_pending++] = photo;
    log_msg(LOG_DEBUG, "photo %lld: its faces placed after the people are loaded",
            (long long)photo);
    if (!p->running && !p->live) people_refresh(p, 0);
}

int people_new(uv_loop_t *loop, fc_store *store, const char *db_path, const char *model,
               float threshold, people **out, char *err)
{
    people *p = calloc(1, sizeof *p);
    if (p) p->db_path = strdup(db_path), p->model = strdup(model);
    if (!p || !p->db_path || !p->model) {
        if (p) free(p->db_path), free(p->model);
        free(p);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    p->loop = loop, p->store = store, p->threshold = threshold;
    p->live_threshold = threshold > 0 ? threshold : FC_CLUSTER_THRESHOLD;
    *out = p;
    return 0;
}

void people_free(people *p)
{
    if (!p) return;
    fc_cluster_live_free(p->live);
    named_free(&p->named);
    fc_head_free(&p->head);
    free(p->pending), free(p->db_path), free(p->model);
    free(p);
}
