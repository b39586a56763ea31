/* Named faces by the file showing their photo: what `xmp write` puts in sidecars. */
#include "store/store_internal.h"

#include <sqlite3.h>

int fc_store_named_faces(fc_store *s, int64_t person, fc_store_named_face_fn fn, void *ctx,
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
    int stop = 0, step;
    while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
        fc_store_named_face row = {.path = (const char *)sqlite3_column_text(st, 0),
                                   .photo = sqlite3_column_int64(st, 1),
                                   .face = sqlite3_column_int64(st, 2),
                                   .person = sqlite3_column_int64(st, 3),
                                   .name = (const char *)sqlite3_column_text(st, 4),
                                   .width = sqlite3_column_int(st, 9),
                                   .height = sqlite3_column_int(st, 10)};
        for (int k = 0; k < 4; k++) row.box[k] = (float)sqlite3_column_double(st, 5 + k);
        stop = fn(ctx, &row);
    }
    if (!stop && step != SQLITE_DONE)
        stop = fc_store_sql_error(s->db, step, "reading named faces", err);
    sqlite3_finalize(st);
    return stop;
}
