/* A person's photos, each once with the person's faces in it: what `facecluster photos`
 * lists and links. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The photo being gathered: the rows of one photo are consecutive (ordered by photo
 * within a capture time and path), its strings copied because the next step frees them. */
typedef struct {
    fc_store_person_photo p;
    char *path, *taken;
    int64_t *faces;
    int cap;
} gathered;

static void gathered_clear(gathered *g)
{
    free(g->path), free(g->taken);
    g->path = g->taken = NULL;
    g->p.n_faces = 0;
}

int fc_store_person_photos(fc_store *s, int64_t person, fc_store_photo_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st;
    /* one present file per photo, the first by path (as `show` names a face's photo); no
     * capture time sorts last */
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT ph.id, (SELECT path FROM files WHERE photo = ph.id AND missing_since IS NULL "
        "ORDER BY path LIMIT 1) AS path, ph.taken, f.id FROM assignments a JOIN faces f ON f.id "
        "= a.face JOIN photos ph ON ph.id = f.photo WHERE a.person = ?1 AND ph.missing_since IS "
        "NULL AND NOT f.rejected ORDER BY ph.taken IS NULL, ph.taken, path, ph.id, f.id",
        -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "listing a person's photos", err);
    sqlite3_bind_int64(st, 1, person);
    gathered g = {0};
    int stop = 0, step;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const int64_t photo = sqlite3_column_int64(st, 0);
        const char *path = (const char *)sqlite3_column_text(st, 1);
        const char *taken = (const char *)sqlite3_column_text(st, 2);
        if (!path) continue; /* no present file (cannot be while the photo is present) */
        if (g.p.n_faces && g.p.photo != photo) {
            stop = fn(ctx, &g.p);
            gathered_clear(&g);
            if (stop) break;
        }
        if (!g.p.n_faces) {
            g.p.photo = photo;
            g.path = strdup(path);
            g.taken = taken ? strdup(taken) : NULL;
            if (!g.path || (taken && !g.taken)) {
                stop = fc_errorf(err, -ENOMEM, "out of memory");
                break;
            }
            g.p.path = g.path, g.p.taken = g.taken;
        }
        if (g.p.n_faces == g.cap) {
            const int cap = g.cap ? 2 * g.cap : 4;
            int64_t *more = realloc(g.faces, (size_t)cap * sizeof *more);
            if (!more) {
                stop = fc_errorf(err, -ENOMEM, "out of memory");
                break;
            }
            g.faces = more, g.cap = cap;
        }
        g.faces[g.p.n_faces++] = sqlite3_column_int64(st, 3);
        g.p.faces = g.faces;
    }
    if (!stop && step != SQLITE_DONE)
        stop = fc_store_sql_error(s->db, step, "listing a person's photos", err);
    if (!stop && g.p.n_faces) stop = fn(ctx, &g.p);
    gathered_clear(&g);
    free(g.faces);
    sqlite3_finalize(st);
    return stop;
}
