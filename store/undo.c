/* Undo: the last change the user made, reverted whole from the journal's entries. */
#include "store/store_internal.h"

#include "core/util/text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A journal field of entry ?1. */
#define FIELD(path) "(SELECT json_extract(detail, '" path "') FROM journal WHERE id = ?1)"
/* Puts a face back where `path` ([person, by_user], or null) says it was. */
#define RESTORE(face, path)                                                                        \
    "INSERT INTO assignments (face, person, by_user, decided_at) SELECT " face ", "                \
    "json_extract(detail, '" path "[0]'), json_extract(detail, '" path "[1]'), ?3 FROM journal "   \
    "WHERE id = ?1 AND json_extract(detail, '" path "') IS NOT NULL ON CONFLICT (face) DO "        \
    "UPDATE SET person = excluded.person, by_user = excluded.by_user"

/* Faces listed as [face, by_user] pairs at `path` get their person and by_user back. */
#define PAIRS_BACK(path, person)                                                                   \
    "UPDATE assignments SET person = " person ", by_user = (SELECT json_extract(j.value, "         \
    "'$[1]') FROM journal, json_each(journal.detail, '" path "') AS j WHERE journal.id = ?1 AND "  \
    "json_extract(j.value, '$[0]') = assignments.face) WHERE face IN (SELECT "                     \
    "json_extract(j.value, '$[0]') FROM journal, json_each(journal.detail, '" path "') AS j "      \
    "WHERE journal.id = ?1)"

static const struct {
    const char *action;
    const char *steps[8];
} reverts[] = {
    {"name",
     {"UPDATE people SET name = " FIELD("$.old_name") " WHERE id = " FIELD("$.person"),
      "UPDATE assignments SET by_user = 0 WHERE face IN (SELECT j.value FROM journal, "
      "json_each(journal.detail, '$.confirmed') AS j WHERE journal.id = ?1)"}},
    {"move",
     {"DELETE FROM assignments WHERE face = " FIELD("$.face") " AND " FIELD("$.from") " IS NULL",
      RESTORE("json_extract(detail, '$.face')", "$.from")}},
    /* a face name read from a file: as a move, with the same fields */
    {"import",
     {"DELETE FROM assignments WHERE face = " FIELD("$.face") " AND " FIELD("$.from") " IS NULL",
      RESTORE("json_extract(detail, '$.face')", "$.from")}},
    {"not",
     {"DELETE FROM not_person WHERE face = " FIELD("$.face") " AND person = " FIELD("$.person"),
      RESTORE("json_extract(detail, '$.face')", "$.was")}},
    {"reject",
     {"UPDATE faces SET rejected = 0 WHERE id = " FIELD("$.face"),
      RESTORE("json_extract(detail, '$.face')", "$.was")}},
    {"hide", {"UPDATE people SET hidden = " FIELD("$.was") " WHERE id = " FIELD("$.person")}},
    {"cover", {"UPDATE people SET cover_face = " FIELD("$.was") " WHERE id = " FIELD("$.person")}},
    {"merge",
     {"INSERT INTO people (id, created_at) SELECT " FIELD("$.from") ", ?3",
      "UPDATE people SET name = " FIELD("$.into_name") " WHERE id = " FIELD("$.into"),
      "UPDATE people SET name = " FIELD("$.name") " WHERE id = " FIELD("$.from"),
      PAIRS_BACK("$.faces", FIELD("$.from")), PAIRS_BACK("$.into_faces", FIELD("$.into")),
      "DELETE FROM not_person WHERE person = " FIELD(
          "$.into") " AND face IN (SELECT j.value "
                    "FROM journal, json_each(journal.detail, '$.nots') AS j WHERE journal.id = ?1)",
      "INSERT OR IGNORE INTO not_person (face, person) SELECT j.value, " FIELD(
          "$.from") " FROM "
                    "journal, json_each(journal.detail, '$.nots') AS j WHERE journal.id = ?1"}},
};

static int do_undo(fc_store *s, void *ctx, char *err)
{
    int64_t *change = ctx;
    sqlite3_stmt *st;
    /* the newest change not undone yet, its entries newest first */
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT id, action, json_extract(detail, '$.change') FROM journal WHERE undone = 0 AND "
        "json_extract(detail, '$.change') = (SELECT json_extract(detail, "
        "'$.change') FROM journal WHERE undone = 0 ORDER BY id DESC "
        "LIMIT 1) ORDER BY id DESC",
        -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "undoing", err);
    int entries = 0;
    char action[32] = "";
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const int64_t entry = sqlite3_column_int64(st, 0);
        *change = sqlite3_column_int64(st, 2);
        snprintf(action, sizeof action, "%s", (const char *)sqlite3_column_text(st, 1));
        size_t r = 0;
        while (r < sizeof reverts / sizeof reverts[0] && strcmp(reverts[r].action, action) != 0)
            r++;
        if (r == sizeof reverts / sizeof reverts[0]) {
            rc = fc_errorf(err, -EINVAL, "the journal holds an unknown change '%s'", action);
            break;
        }
        for (int k = 0; k < 8 && reverts[r].steps[k] && !rc; k++)
            rc = fc_store_exec(s, reverts[r].steps[k], entry, 0, 0, err);
        if (!rc)
            rc = fc_store_exec(s, "UPDATE journal SET undone = 1 WHERE id = ?1", entry, 0, 0, err);
        entries++;
    }
    sqlite3_finalize(st);
    if (rc) return rc;
    if (!entries) return fc_errorf(err, -ENOENT, "nothing to undo");
    /* a person a move made, empty again */
    return fc_store_exec(s,
                         "DELETE FROM people WHERE name IS NULL AND NOT EXISTS (SELECT 1 FROM "
                         "assignments WHERE person = people.id)",
                         0, 0, 0, err);
}

int fc_store_undo(fc_store *s, int64_t *change, char *err)
{
    *change = 0;
    return fc_store_atomic(s, do_undo, change, err);
}
