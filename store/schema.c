/* The schema and its forward migrations. migrations[v] takes a store at version v to
 * v + 1; PRAGMA user_version records where a store is. A migration runs in the same
 * transaction as the version bump, so a crash leaves the store at one version or the
 * next, never between. Never edit a migration that has shipped: add the next one. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>

static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE photos ("
    "  id INTEGER PRIMARY KEY,"
    "  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 16)," /* XXH3-128 of the bytes */
    "  status INTEGER NOT NULL CHECK (status IN (0, 1, 2))," /* pending, indexed, bad */
    "  reason TEXT,"                                         /* why bad, or the last failure */
    "  tries INTEGER NOT NULL DEFAULT 0,"
    "  retry_at INTEGER,"              /* pending: not before (unix s) */
    "  width INTEGER, height INTEGER," /* upright */
    "  taken TEXT,"                    /* EXIF DateTimeOriginal [+offset] */
    "  model TEXT,"                    /* the model version its faces were made by */
    "  indexed_at INTEGER,"
    "  missing_since INTEGER" /* no present file shows it since (unix s) */
    ");"
    "CREATE TABLE files ("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL UNIQUE," /* bytes as the file system has them */
    "  device INTEGER NOT NULL, inode INTEGER NOT NULL,"
    "  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    "  photo INTEGER REFERENCES photos(id) ON DELETE CASCADE,"
    "  missing_since INTEGER"
    ");"
    "CREATE INDEX files_photo ON files(photo);"
    "CREATE INDEX files_inode ON files(device, inode);"
    "CREATE TABLE faces ("
    "  id INTEGER PRIMARY KEY,"
    "  photo INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,"
    "  score REAL NOT NULL,"
    "  landmarks BLOB NOT NULL CHECK (length(landmarks) = 544)," /* 68 x, y float32 LE */
    "  small INTEGER NOT NULL,"
    "  embedding BLOB NOT NULL CHECK (length(embedding) = 128)," /* core/nets/embedding.h v1 */
    "  model TEXT NOT NULL,"
    "  rejected INTEGER NOT NULL DEFAULT 0" /* the user said: not a face */
    ");"
    "CREATE INDEX faces_photo ON faces(photo);"
    "CREATE TABLE people ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* ids are never reused */
    "  name TEXT UNIQUE,"
    "  hidden INTEGER NOT NULL DEFAULT 0,"
    "  cover_face INTEGER REFERENCES faces(id) ON DELETE SET NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE assignments ("
    "  face INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,"
    "  person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  by_user INTEGER NOT NULL DEFAULT 0," /* 1: placed or confirmed by the user */
    "  decided_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX assignments_person ON assignments(person);"
    "CREATE TABLE not_person (" /* the user said: this face is not this person */
    "  face INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,"
    "  person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (face, person)"
    ");"
    "CREATE TABLE different_faces (" /* the user said: these are two people */
    "  face_a INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,"
    "  face_b INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (face_a, face_b), CHECK (face_a < face_b)"
    ");"
    "CREATE TABLE journal (" /* user edits, for undo */
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL," /* JSON: what to restore */
    "  undone INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;",
    /* 1 -> 2: the head learned from the user's people (core/train/triplet.h); the newest row is
     * the one in use, none: the raw embeddings */
    "CREATE TABLE heads ("
    "  id INTEGER PRIMARY KEY,"
    "  dim INTEGER NOT NULL CHECK (dim BETWEEN 1 AND 128),"
    "  weights BLOB NOT NULL,"         /* dim x 128 float32, little-endian, row-major */
    "  version INTEGER NOT NULL,"      /* what the weights mean: FC_HEAD_VERSION */
    "  embedding_model TEXT NOT NULL," /* the faces' model version it was trained on */
    "  cluster_threshold REAL NOT NULL,"
    "  recognize_threshold REAL NOT NULL,"
    "  faces INTEGER NOT NULL, people INTEGER NOT NULL,"
    "  trained_at INTEGER NOT NULL"
    ");",
    /* 2 -> 3: face names read from XMP (store/regions.c); assignments.by_user 2 is a decision
     * the user made in another program */
    "CREATE TABLE regions ("
    "  id INTEGER PRIMARY KEY,"
    "  photo INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,"
    "  source TEXT NOT NULL," /* the file it was read from: the photo or its sidecar */
    "  name TEXT NOT NULL,"
    "  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL," /* of the upright */
    "  face INTEGER REFERENCES faces(id) ON DELETE SET NULL,"
    "  state INTEGER NOT NULL CHECK (state IN (0, 1, 2))," /* applied, contradicts, no face */
    "  reason TEXT"
    ");"
    "CREATE INDEX regions_photo ON regions(photo, source);"
    "CREATE INDEX regions_face ON regions(face);"
    /* the sidecars read, as they were: a scan finds those changed while no daemon ran */
    "CREATE TABLE sidecars ("
    "  path TEXT PRIMARY KEY,"
    "  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL"
    ") WITHOUT ROWID;",
};

#define LATEST ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(LATEST == FC_STORE_SCHEMA_VERSION, "a migration per schema version");

int fc_store_schema_version(sqlite3 *db, int *version, char *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fc_store_sql_error(db, rc, "reading the schema version", err);
}

int fc_store_migrate(sqlite3 *db, const char *path, char *err)
{
    for (;;) {
        /* the version is read again inside the write transaction: two processes opening a
         * new store at once must not both run a migration */
        int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(db, rc, "opening the store", err);
        int version;
        rc = fc_store_schema_version(db, &version, err);
        if (rc || version >= LATEST) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            if (rc || version == LATEST) return rc;
            return fc_errorf(err, -EPROTO,
                             "%s has schema version %d, newer than this facecluster knows "
                             "(%d): use a newer facecluster",
                             path, version, LATEST);
        }
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
        rc = sqlite3_exec(db, migrations[version], NULL, NULL, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_exec(db, bump, NULL, NULL, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            int code = fc_store_sql_error(db, rc, "migrating the schema", err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return code;
        }
    }
}
