/* Between the store's source files: the handle, its prepared statements, SQL errors. */
#ifndef FC_STORE_INTERNAL_H
#define FC_STORE_INTERNAL_H

#include "core/fc_error.h"
#include "store/store.h"

#include <sqlite3.h>

/* Every statement the store runs more than once, prepared on first use and kept. */
enum store_stmt {
    ST_FILE_GET,
    ST_FILE_UPSERT,
    ST_FILE_PHOTO,
    ST_FILE_MISSING,
    ST_FILE_UNDER,
    ST_FILE_RENAME,
    ST_FILE_DELETE,
    ST_PHOTO_FIND,
    ST_PHOTO_INSERT,
    ST_PHOTO_SET_INDEXED,
    ST_PHOTO_SET_FAILED,
    ST_PHOTO_PRESENT,
    ST_PHOTO_MISSING_IF_UNSHOWN,
    ST_PHOTO_DROP_IF_ORPHAN,
    ST_PHOTO_SHOWN,
    ST_PHOTO_DELETE,
    ST_FACE_INSERT,
    ST_FACES_OF_PHOTO,
    ST_FACE_DELETE,
    ST_CARRY_ASSIGNMENT,
    ST_CARRY_NOT_PERSON,
    ST_CARRY_DIFFERENT_A,
    ST_CARRY_DIFFERENT_B,
    ST_CARRY_REJECTED,
    ST_CARRY_COVER,
    ST_CARRY_REGION,
    ST_DUE_RETRIES,
    ST_STALE_PHOTOS,
    ST_BAD_FILES,
    ST_TOUCH,
    ST_COUNT
};

struct fc_store {
    sqlite3 *db;
    int read_only;
    int in_transaction;
    sqlite3_stmt *stmts[ST_COUNT];
    int64_t change; /* the journal's change id in the open transaction; 0: none yet */
};

/* mkdir -p with mode 0700 for every directory it makes. */
int fc_store_make_dirs(const char *dir, char *err);

/* The statement, reset and unbound, ready for its parameters; NULL with err set if it
 * cannot be prepared. Borrowed from the store. */
sqlite3_stmt *fc_store_stmt(fc_store *s, enum store_stmt id, char *err);

/* An SQLite failure as facecluster's error: -EBUSY for a database in use, -ENOSPC for a
 * full disk, -ENOMEM, -EIO for the rest, with SQLite's own message after `doing`. */
int fc_store_sql_error(sqlite3 *db, int rc, const char *doing, char *err);

/* schema.c */
int fc_store_schema_version(sqlite3 *db, int *version, char *err);
int fc_store_migrate(sqlite3 *db, const char *path, char *err);

/* Runs one ad hoc statement with ?1 = a, ?2 = b and ?3 = now (unix seconds), those it
 * uses. Returns 0, -ENOENT when must_change and no row changed, or an error. */
int fc_store_exec(fc_store *s, const char *sql, int64_t a, int64_t b, int must_change, char *err);

/* Adds a journal entry: action, and a detail JSON object made by detail_sql (an SQL
 * expression over ?1 = a and ?2 = b). Every entry of one transaction carries the same
 * "change" number: undo reverts a change whole. */
int fc_store_journal(fc_store *s, const char *action, const char *detail_sql, int64_t a, int64_t b,
                     char *err);

/* The model version of the present, indexed photos: 0 (none indexed), 1 (one: in buf)
 * or 2 (several, photos being embedded again: one of them in buf), or an error. */
int fc_store_faces_model(fc_store *s, char *buf, size_t cap, char *err);

/* Runs fn(s, ctx) inside a transaction of its own unless one is open already (then as
 * part of it). Commits on 0, rolls back otherwise. */
int fc_store_atomic(fc_store *s, int (*fn)(fc_store *s, void *ctx, char *err), void *ctx,
                    char *err);

#endif
