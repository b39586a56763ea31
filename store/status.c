/* What `facecluster status` shows, read in one snapshot. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One integer from a query without parameters (or with ?1 = text). */
static int count(fc_store *s, const char *query, const char *text, int64_t *out, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, query, -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the status", err);
    if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? 0
               : fc_store_sql_error(s->db, rc, "reading the status", err);
}

/* The skipped files' record: "kind=count" words, space-separated, in the daemon's order. */
static void parse_skipped(const char *text, fc_store_status *out)
{
    int n = 0, used;
    char kind[sizeof out->skipped[0].kind];
    long long count;
    out->skipped_kinds = 0;
    while (n < FC_STORE_SKIP_KINDS_MAX &&
           sscanf(text, " %23[^= ]=%lld%n", kind, &count, &used) == 2) {
        snprintf(out->skipped[n].kind, sizeof out->skipped[n].kind, "%s", kind);
        out->skipped[n++].count = count;
        text += used;
    }
    out->skipped_kinds = n;
}

int fc_store_put_skipped(fc_store *s, const char *const kinds[], const long counts[], int n,
                         char *err)
{
    char text[FC_STORE_SKIP_KINDS_MAX * 48] = "";
    size_t len = 0;
    for (int i = 0; i < n && i < FC_STORE_SKIP_KINDS_MAX; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s=%ld", i ? " " : "", kinds[i],
                                counts[i]);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT OR REPLACE INTO meta (key, value) VALUES "
                                "('skipped', ?1)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "recording skipped files", err);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "recording skipped files", err);
}

int fc_store_status_get(fc_store *s, fc_store_status *out, char *err)
{
    const struct {
        const char *query;
        int64_t *into;
    } parts[] = {
        {"SELECT count(*) FROM photos WHERE status = 1 AND missing_since IS NULL", &out->photos},
        {"SELECT count(*) FROM faces f JOIN photos p ON p.id = f.photo WHERE "
         "p.missing_since IS NULL AND NOT f.rejected",
         &out->faces},
        {"SELECT count(*) FROM photos WHERE status = 0 AND missing_since IS NULL", &out->pending},
        {"SELECT count(*) FROM photos WHERE status = 2 AND missing_since IS NULL", &out->bad},
        {"SELECT count(*) FROM photos WHERE missing_since IS NOT NULL", &out->missing},
        {"SELECT count(*) FROM people WHERE name IS NOT NULL", &out->named},
        {"SELECT count(*) FROM regions WHERE state = 1", &out->region_conflicts},
        {"SELECT value FROM meta WHERE key = 'last_activity'", &out->last_activity},
    };
    /* one read transaction: the counts agree with each other while the daemon writes */
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading the status", err);
    int code = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && !code; i++)
        code = count(s, parts[i].query, NULL, parts[i].into, err);
    if (!code) code = fc_store_people_count(s, 1, &out->spread, err);
    out->people = out->spread.people;
    out->progress[0] = 0;
    out->progress_at = 0;
    sqlite3_stmt *st;
    if (!code && sqlite3_prepare_v2(s->db,
                                    "SELECT (SELECT value FROM meta WHERE key = 'progress'), "
                                    "(SELECT value FROM meta WHERE key = 'progress_at')",
                                    -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            snprintf(out->progress, sizeof out->progress, "%s", sqlite3_column_text(st, 0));
            out->progress_at = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    out->skipped_kinds = -1;
    if (!code && sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'skipped'", -1, &st,
                                    NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            parse_skipped((const char *)sqlite3_column_text(st, 0), out);
        sqlite3_finalize(st);
    }
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return code;
}

int fc_store_bad_files(fc_store *s, fc_store_bad_fn fn, void *ctx, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_BAD_FILES, err);
    if (!st) return -EIO;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *reason = (const char *)sqlite3_column_text(st, 1);
        stop = fn(ctx, (const char *)sqlite3_column_text(st, 0), reason ? reason : "",
                  sqlite3_column_int(st, 2));
    }
    if (!stop && rc != SQLITE_DONE) stop = fc_store_sql_error(s->db, rc, "listing bad files", err);
    sqlite3_reset(st);
    return stop;
}

int fc_store_data_version(fc_store *s, int64_t *version, char *err)
{
    return count(s, "PRAGMA data_version", NULL, version, err);
}

int fc_store_next_retry(fc_store *s, int64_t *when, char *err)
{
    /* as fc_store_due_retries counts them: pending, with a present file */
    int rc = count(s,
                   "SELECT coalesce(min(p.retry_at), -1) FROM photos p WHERE p.status = 0 AND "
                   "EXISTS (SELECT 1 FROM files f WHERE f.photo = p.id AND f.missing_since IS "
                   "NULL)",
                   NULL, when, err);
    return rc ? rc : *when >= 0;
}

int fc_store_touch(fc_store *s, int64_t now, char *err)
{
    sqlite3_stmt *st = fc_store_stmt(s, ST_TOUCH, err);
    if (!st) return -EIO;
    sqlite3_bind_int64(st, 1, now);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "stamping activity", err);
}

int fc_store_put_progress(fc_store *s, const char *line, int64_t now, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT OR REPLACE INTO meta (key, value) VALUES ('progress', ?1), "
                                "('progress_at', ?2)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "recording progress", err);
    sqlite3_bind_text(st, 1, line, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "recording progress", err);
}

int fc_store_first_index_done(fc_store *s, int64_t *when, char *err)
{
    int rc = count(s, "SELECT coalesce((SELECT value FROM meta WHERE key = 'first_index_done'), 0)",
                   NULL, when, err);
    return rc ? rc : *when > 0;
}

int fc_store_put_first_index_done(fc_store *s, int64_t now, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        s->db, "INSERT OR IGNORE INTO meta (key, value) VALUES ('first_index_done', ?1)", -1, &st,
        NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "recording the first index", err);
    sqlite3_bind_int64(st, 1, now);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fc_store_sql_error(s->db, rc, "recording the first index", err);
}

int64_t fc_store_stale_faces(fc_store *s, const char *current_model, char *err)
{
    int64_t n;
    int rc = count(s, "SELECT count(*) FROM faces WHERE model != ?1", current_model, &n, err);
    return rc ? rc : n;
}

int fc_store_check(fc_store *s, fc_store_problem_fn fn, void *ctx, char *err)
{
    /* each query yields one text row per problem; "ok" alone means none (integrity) */
    static const char *const checks[] = {
        "PRAGMA integrity_check",
        "SELECT 'foreign key broken: ' || \"table\" || ' row ' || rowid || ' -> ' || parent "
        "FROM pragma_foreign_key_check",
        "SELECT 'face stored twice in photo ' || photo || ' at ' || x || ',' || y FROM faces "
        "GROUP BY photo, x, y, w, h HAVING count(*) > 1",
        "SELECT 'indexed photo ' || id || ' has no model version' FROM photos WHERE status = 1 "
        "AND model IS NULL",
        "SELECT 'photo ' || id || ' is not indexed but has faces' FROM photos p WHERE status != 1 "
        "AND EXISTS (SELECT 1 FROM faces WHERE photo = p.id)",
        "SELECT 'faces ' || a.face || ' and ' || b.face || ' of one photo are one person' FROM "
        "assignments a JOIN assignments b ON a.person = b.person AND a.face < b.face JOIN faces "
        "fa ON fa.id = a.face JOIN faces fb ON fb.id = b.face WHERE fa.photo = fb.photo",
    };
    int problems = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, checks[i], -1, &st, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "checking the store", err);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *text = (const char *)sqlite3_column_text(st, 0);
            if (i == 0 && text && strcmp(text, "ok") == 0) continue;
            problems++;
            fn(ctx, text ? text : "(null)");
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) return fc_store_sql_error(s->db, rc, "checking the store", err);
    }
    return problems;
}
