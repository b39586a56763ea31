/* Opening the store, its prepared statements and transactions. */
#include "store/store_internal.h"

#include "core/util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A file's columns in the order read_file_row (files.c) takes them; FILE_ROW: its path
 * first. */
#define FILE_COLUMNS                                                                               \
    "f.id, f.photo, f.device, f.inode, f.size, f.mtime_ns, f.missing_since, p.status "
#define FILE_ROW "f.path, " FILE_COLUMNS

static const char *const sql[ST_COUNT] = {
    [ST_FILE_GET] = "SELECT " FILE_COLUMNS "FROM files f LEFT JOIN photos p ON p.id = f.photo "
                    "WHERE f.path = ?1",
    [ST_FILE_UPSERT] = "INSERT INTO files (path, device, inode, size, mtime_ns, photo) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (path) DO UPDATE SET "
                       "device = ?2, inode = ?3, size = ?4, mtime_ns = ?5, photo = ?6, "
                       "missing_since = NULL",
    [ST_FILE_PHOTO] = "SELECT photo FROM files WHERE path = ?1",
    [ST_FILE_MISSING] = "UPDATE files SET missing_since = ?2 WHERE path = ?1 AND "
                        "missing_since IS NULL RETURNING photo",
    [ST_FILE_UNDER] = "SELECT " FILE_ROW "FROM files f LEFT JOIN photos p ON "
                      "p.id = f.photo WHERE f.path > ?1 || '/' AND f.path < ?1 || '0' AND "
                      "f.missing_since IS NULL ORDER BY f.path",
    /* '/' + 1 = '0': the range holds exactly the paths under the directory */
    [ST_FILE_RENAME] = "UPDATE files SET path = ?2 || substr(path, length(?1) + 1) WHERE "
                       "path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')",
    [ST_FILE_DELETE] = "DELETE FROM files WHERE path = ?1 RETURNING photo",
    [ST_PHOTO_FIND] = "SELECT id, status FROM photos WHERE hash = ?1",
    [ST_PHOTO_INSERT] = "INSERT INTO photos (hash, status) VALUES (?1, 0) RETURNING id",
    [ST_PHOTO_SET_INDEXED] = "UPDATE photos SET status = 1, reason = NULL, retry_at = NULL, "
                             "width = ?2, height = ?3, taken = ?4, model = ?5, "
                             "indexed_at = ?6, missing_since = NULL WHERE id = ?1",
    [ST_PHOTO_SET_FAILED] = "UPDATE photos SET tries = tries + 1, reason = ?2, "
                            "retry_at = ?3 + (?6 << min(tries, 16)), "
                            "status = CASE WHEN ?4 AND tries + 1 < ?5 THEN 0 ELSE 2 END "
                            "WHERE id = ?1 AND status != 1 RETURNING status",
    [ST_PHOTO_PRESENT] = "UPDATE photos SET missing_since = NULL WHERE id = ?1",
    [ST_PHOTO_MISSING_IF_UNSHOWN] =
        "UPDATE photos SET missing_since = ?2 WHERE id = ?1 AND missing_since IS NULL AND "
        "NOT EXISTS (SELECT 1 FROM files WHERE photo = ?1 AND missing_since IS NULL)",
    /* a photo never indexed has no face and no decision: once no file shows it, nothing
     * is lost by forgetting it (a file written in chunks leaves one per chunk) */
    [ST_PHOTO_DROP_IF_ORPHAN] = "DELETE FROM photos WHERE id = ?1 AND status != 1 AND "
                                "NOT EXISTS (SELECT 1 FROM files WHERE photo = ?1)",
    [ST_PHOTO_SHOWN] = "SELECT 1 FROM files WHERE photo = ?1 LIMIT 1",
    [ST_PHOTO_DELETE] = "DELETE FROM photos WHERE id = ?1",
    [ST_FACE_INSERT] = "INSERT INTO faces (photo, x, y, w, h, score, landmarks, small, "
                       "embedding, model) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                       "RETURNING id",
    [ST_FACES_OF_PHOTO] = "SELECT id, x, y, w, h FROM faces WHERE photo = ?1",
    [ST_FACE_DELETE] = "DELETE FROM faces WHERE id = ?1",
    [ST_CARRY_ASSIGNMENT] = "UPDATE OR IGNORE assignments SET face = ?2 WHERE face = ?1",
    [ST_CARRY_NOT_PERSON] = "UPDATE OR IGNORE not_person SET face = ?2 WHERE face = ?1",
    [ST_CARRY_DIFFERENT_A] = "INSERT OR IGNORE INTO different_faces SELECT min(?2, face_b), "
                             "max(?2, face_b) FROM different_faces WHERE face_a = ?1 AND "
                             "face_b != ?2",
    [ST_CARRY_DIFFERENT_B] = "INSERT OR IGNORE INTO different_faces SELECT min(?2, face_a), "
                             "max(?2, face_a) FROM different_faces WHERE face_b = ?1 AND "
                             "face_a != ?2",
    [ST_CARRY_REJECTED] = "UPDATE faces SET rejected = (SELECT rejected FROM faces WHERE "
                          "id = ?1) WHERE id = ?2",
    [ST_CARRY_COVER] = "UPDATE people SET cover_face = ?2 WHERE cover_face = ?1",
    [ST_CARRY_REGION] = "UPDATE regions SET face = ?2 WHERE face = ?1",
    [ST_DUE_RETRIES] = "SELECT " FILE_ROW "FROM photos p JOIN files f ON f.photo = p.id "
                       "WHERE p.status = 0 AND p.retry_at <= ?1 AND f.missing_since IS NULL "
                       "GROUP BY p.id ORDER BY p.retry_at",
    [ST_STALE_PHOTOS] = "SELECT " FILE_ROW "FROM photos p JOIN files f ON f.photo = p.id "
                        "WHERE p.status = 1 AND p.model != ?1 AND f.missing_since IS NULL "
                        "GROUP BY p.id",
    [ST_BAD_FILES] = "SELECT f.path, p.reason, p.tries FROM files f JOIN photos p ON "
                     "p.id = f.photo WHERE p.status = 2 AND f.missing_since IS NULL "
                     "ORDER BY f.path",
    [ST_TOUCH] = "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_activity', ?1)",
};

int fc_store_sql_error(sqlite3 *db, int rc, const char *doing, char *err)
{
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return fc_errorf(err, -EBUSY, "%s: the database is in use by another process (%s)", doing,
                         sqlite3_errmsg(db));
    /* a full disk told apart: the daemon keeps what it could not write until there is room */
    const int code = primary == SQLITE_NOMEM ? -ENOMEM : primary == SQLITE_FULL ? -ENOSPC : -EIO;
    return fc_errorf(err, code, "%s: %s", doing, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

sqlite3_stmt *fc_store_stmt(fc_store *s, enum store_stmt id, char *err)
{
    sqlite3_stmt *st = s->stmts[id];
    if (!st) {
        int rc = sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK) {
            fc_store_sql_error(s->db, rc, "preparing a statement", err);
            return NULL;
        }
        s->stmts[id] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

int fc_store_make_dirs(const char *dir, char *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return fc_errorf(err, -ENAMETOOLONG, "path too long: %s", dir);
    for (char *p = buf + 1;; p++) {
        const int end = *p == 0;
        if (*p == '/' || end) {
            *p = 0;
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return fc_errorf(err, -errno, "cannot make directory %s: %s", buf, strerror(errno));
            if (end) return 0;
            *p = '/';
        }
    }
}

/* The database file, made mode 0600 before SQLite opens it (its -wal and -shm files take
 * the same mode), in a directory made 0700. */
static int create_private(const char *path, char *err)
{
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char dir[4096];
        const size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) return fc_errorf(err, -ENAMETOOLONG, "path too long: %s", path);
        memcpy(dir, path, n);
        dir[n] = 0;
        int rc = fc_store_make_dirs(dir, err);
        if (rc) return rc;
    }
    /* Only a file that is not there is touched: close() on a descriptor of a database
     * drops every POSIX lock this process holds on it, those of its other connections
     * too, and another process closing the store last would then delete the WAL under
     * them (SQLite's "how to corrupt" 2.2). */
    if (access(path, F_OK) == 0) return 0;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST) return 0; /* made meanwhile */
    if (fd < 0) return fc_errorf(err, -errno, "cannot open %s: %s", path, strerror(errno));
    close(fd);
    return 0;
}

int fc_store_open(const char *path, int flags, fc_store **out, char *err)
{
    *out = NULL;
    const int read_only = (flags & FC_STORE_READ_ONLY) != 0;
    if (read_only) {
        if (access(path, F_OK) != 0)
            return fc_errorf(err, -ENOENT, "no store at %s: has faceclusterd indexed anything?",
                             path);
    } else {
        int rc = create_private(path, err);
        if (rc) return rc;
    }
    fc_store *s = calloc(1, sizeof *s);
    if (!s) return fc_errorf(err, -ENOMEM, "out of memory");
    s->read_only = read_only;
    int rc = sqlite3_open_v2(
        path, &s->db, read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
        NULL);
    int code = 0;
    if (rc != SQLITE_OK) {
        code = fc_store_sql_error(s->db, rc, path, err);
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, FC_STORE_BUSY_TIMEOUT_MS);
    /* WAL: readers (the CLI) never block the writer (the daemon), and a commit is one
     * append; synchronous=NORMAL in WAL mode stays consistent after a crash and loses
     * at most the last transactions after a power cut. */
    const char *setup = read_only ? "PRAGMA foreign_keys = ON;"
                                  : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                                    "PRAGMA foreign_keys = ON;";
    rc = sqlite3_exec(s->db, setup, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        code = fc_store_sql_error(s->db, rc, path, err);
        goto fail;
    }
    if (read_only) {
        int version;
        code = fc_store_schema_version(s->db, &version, err);
        if (!code && version != FC_STORE_SCHEMA_VERSION)
            code = fc_errorf(
                err, -EPROTO, "%s has schema version %d, this facecluster reads version %d%s", path,
                version, FC_STORE_SCHEMA_VERSION,
                version < FC_STORE_SCHEMA_VERSION ? ": run faceclusterd to upgrade it" : "");
    } else {
        code = fc_store_migrate(s->db, path, err);
    }
    if (code) goto fail;
    *out = s;
    return 0;
fail:
    fc_store_close(s);
    return code;
}

void fc_store_close(fc_store *s)
{
    if (!s) return;
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->stmts[i]);
    sqlite3_close(s->db);
    free(s);
}

void fc_store_set_busy_timeout(fc_store *s, int ms)
{
    sqlite3_busy_timeout(s->db, ms);
}

int fc_store_default_path(char *buf, size_t cap, char *err)
{
    return fc_file_data_path("FACECLUSTER_DB", "faces.db", buf, cap, err);
}

int fc_store_exec(fc_store *s, const char *sql, int64_t a, int64_t b, int must_change, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "writing", err);
    const int n = sqlite3_bind_parameter_count(st);
    if (n >= 1) sqlite3_bind_int64(st, 1, a);
    if (n >= 2) sqlite3_bind_int64(st, 2, b);
    if (n >= 3) sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) continue;
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) return fc_store_sql_error(s->db, step, "writing", err);
    return must_change && sqlite3_changes(s->db) == 0 ? -ENOENT : 0;
}

static int exec(fc_store *s, const char *what, char *err)
{
    int rc = sqlite3_exec(s->db, what, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : fc_store_sql_error(s->db, rc, what, err);
}

int fc_store_begin(fc_store *s, char *err)
{
    if (s->in_transaction) return fc_errorf(err, -EINVAL, "a transaction is already open");
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (!rc) s->in_transaction = 1;
    return rc;
}

int fc_store_commit(fc_store *s, char *err)
{
    s->change = 0;
    int rc = exec(s, "COMMIT", err);
    if (rc) fc_store_rollback(s);
    s->in_transaction = 0;
    return rc;
}

void fc_store_rollback(fc_store *s)
{
    s->change = 0;
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_transaction = 0;
}

int fc_store_atomic(fc_store *s, int (*fn)(fc_store *s, void *ctx, char *err), void *ctx, char *err)
{
    if (s->in_transaction) return fn(s, ctx, err);
    int rc = fc_store_begin(s, err);
    if (rc) return rc;
    rc = fn(s, ctx, err);
    if (rc) {
        fc_store_rollback(s);
        return rc;
    }
    return fc_store_commit(s, err);
}
