/* The journal of the user's edits, read back: what `history` lists and `undo` says it
 * undid. The entries are written where each edit is made (edits.c, people.c). */
#include "store/store_internal.h"

#include <errno.h>

int fc_store_history(fc_store *s, int64_t change, int limit, fc_store_journal_fn fn, void *ctx,
                     char *err)
{
    sqlite3_stmt *st;
    /* newest change first; a change's entries in the order they were made */
    int rc = sqlite3_prepare_v2(
        s->db,
        "WITH j AS (SELECT id, at, action, detail, undone, json_extract(detail, '$.change') AS "
        "change FROM journal), wanted AS (SELECT DISTINCT change FROM j WHERE ?1 = 0 OR change "
        "= ?1 ORDER BY change DESC LIMIT ?2) SELECT j.id, j.change, j.at, j.action, j.detail, "
        "j.undone FROM j JOIN wanted USING (change) ORDER BY j.change DESC, j.id",
        -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the journal", err);
    sqlite3_bind_int64(st, 1, change);
    sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const fc_store_journal_entry e = {
            .entry = sqlite3_column_int64(st, 0),
            .change = sqlite3_column_int64(st, 1),
            .at = sqlite3_column_int64(st, 2),
            .action = (const char *)sqlite3_column_text(st, 3),
            .detail = (const char *)sqlite3_column_text(st, 4),
            .undone = sqlite3_column_int(st, 5),
        };
        if ((rc = fn(ctx, &e)) != 0) break;
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    return step == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, step, "reading the journal", err);
}
