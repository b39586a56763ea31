/* Named faces by the file showing their photo: what sidecars are written from. */
#include "store/store_internal.h"

#include "core/fc_error.h"
#include "core/image/xmp.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* One file's rows, gathered: the strings are copies (SQLite's last until the next step). */
typedef struct {
    char *path;
    fc_store_named_face *faces;
    int n, cap;
} named_photo;

static void clear(named_photo *b)
{
    for (int i = 0; i < b->n; i++) free((char *)b->faces[i].name);
    free(b->path);
    b->path = NULL, b->n = 0;
}

static int add(named_photo *b, const fc_store_named_face *row)
{
    if (!b->path && !(b->path = strdup(row->path))) return -ENOMEM;
    if (b->n == b->cap) {
        const int cap = b->cap ? 2 * b->cap : 8;
        fc_store_named_face *grown = realloc(b->faces, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        b->faces = grown, b->cap = cap;
    }
    fc_store_named_face *f = &b->faces[b->n];
    *f = *row;
    f->path = b->path;
    if (!(f->name = strdup(row->name ? row->name : ""))) return -ENOMEM;
    b->n++;
    return 0;
}

static int flush(named_photo *b, fc_store_named_photo_fn fn, void *ctx)
{
    const fc_store_named_photo p = {.path = b->path,
                                    .photo = b->faces[0].photo,
                                    .width = b->faces[0].width,
                                    .height = b->faces[0].height,
                                    .faces = b->faces,
                                    .n = b->n};
    const int stop = fn(ctx, &p);
    clear(b);
    return stop;
}

int fc_store_named_photos(fc_store *s, int64_t person, fc_store_named_photo_fn fn, void *ctx,
                          char *err)
{
    /* every present file of every present photo holding a named face (of person, when not
     * 0): each file gets its own sidecar, and a photo's sidecar holds all its named faces */
    static const char sql[] =
        "SELECT fi.path, f.photo, f.id, p.id, p.name, f.x, f.y, f.w, f.h, ph.width, ph.height "
        "FROM faces f JOIN assignments a ON a.face = f.id JOIN people p ON p.id = a.person "
        "JOIN photos ph ON ph.id = f.photo JOIN files fi ON fi.photo = f.photo "
        "WHERE p.name IS NOT NULL AND NOT f.rejected AND ph.missing_since IS NULL "
        "AND fi.missing_since IS NULL AND (?1 = 0 OR f.photo IN (SELECT f2.photo FROM faces f2 "
        "JOIN assignments a2 ON a2.face = f2.id WHERE a2.person = ?1 AND NOT f2.rejected)) "
        "ORDER BY fi.path, f.id";
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading named faces", err);
    sqlite3_bind_int64(st, 1, person);
    named_photo buf = {0};
    int stop = 0, step;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        if (buf.n && strcmp(path, buf.path) && (stop = flush(&buf, fn, ctx))) break;
        fc_store_named_face row = {.path = path,
                                   .photo = sqlite3_column_int64(st, 1),
                                   .face = sqlite3_column_int64(st, 2),
                                   .person = sqlite3_column_int64(st, 3),
                                   .name = (const char *)sqlite3_column_text(st, 4),
                                   .width = sqlite3_column_int(st, 9),
                                   .height = sqlite3_column_int(st, 10)};
        for (int k = 0; k < 4; k++) row.box[k] = (float)sqlite3_column_double(st, 5 + k);
        if (add(&buf, &row)) stop = fc_errorf(err, -ENOMEM, "out of memory");
    }
    if (!stop && step != SQLITE_DONE)
        stop = fc_store_sql_error(s->db, step, "reading named faces", err);
    if (!stop && buf.n) stop = flush(&buf, fn, ctx);
    clear(&buf);
    free(buf.faces);
    sqlite3_finalize(st);
    return stop;
}

int fc_store_named_photo_update(const char *path, const fc_store_named_photo *p, int dry_run,
                                const fc_file_output *how, fc_xmp_sidecar_result *did, char *err)
{
    fc_xmp_face *faces = p ? malloc((size_t)p->n * sizeof *faces) : NULL;
    if (p && !faces) return fc_errorf(err, -ENOMEM, "out of memory");
    int n = 0;
    for (int i = 0; p && i < p->n; i++) {
        faces[n].name = p->faces[i].name;
        n += fc_xmp_face_box(p->faces[i].box, p->width, p->height, faces[n].box);
    }
    const int rc = fc_xmp_sidecar_update(path, p ? p->width : 0, p ? p->height : 0, faces, n,
                                         dry_run, how, did, err);
    free(faces);
    return rc;
}
