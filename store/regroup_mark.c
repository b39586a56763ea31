/* Where the last regroup left off (store.h: fc_store_regroup_mark), in the meta table. */
#include "store/store.h"

#include "store/store_internal.h"

#include <string.h>

static const char *const keys[] = {"regroup_last_face", "regroup_head_mark", "regroup_threshold",
                                   "regroup_full_at"};

int fc_store_regroup_mark_get(fc_store *s, fc_store_regroup_mark *out, char *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT key, value FROM meta WHERE key LIKE 'regroup\\_%' ESCAPE '\\'", -1, &st,
        NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the last regroup", err);
    int found = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        for (int k = 0; key && k < 4; k++) {
            if (strcmp(key, keys[k]) != 0) continue;
            found |= 1 << k;
            if (k == 0) out->last_face = sqlite3_column_int64(st, 1);
            if (k == 1) out->head_mark = sqlite3_column_int64(st, 1);
            if (k == 2) out->threshold = sqlite3_column_double(st, 1);
            if (k == 3) out->full_at = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return fc_store_sql_error(s->db, rc, "reading the last regroup", err);
    return found == 15; /* a mark only partly there is none */
}

int fc_store_regroup_mark_put(fc_store *s, const fc_store_regroup_mark *m, char *err)
{
    sqlite3_stmt *st;
    int rc =
        sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?5), (?2, ?6), "
                           "(?3, ?7), (?4, ?8)",
                           -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "recording the regroup", err);
    for (int k = 0; k < 4; k++) sqlite3_bind_text(st, k + 1, keys[k], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, m->last_face);
    sqlite3_bind_int64(st, 6, m->head_mark);
    sqlite3_bind_double(st, 7, m->threshold);
    sqlite3_bind_int64(st, 8, m->full_at);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "recording the regroup", err);
}
