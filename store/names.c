/* People by what a user types: an id, a name in any case, or the start of one. Names are
 * few (one per person the user named), so they are matched here in C, with Unicode case
 * folding (core/util/text.h), rather than by SQLite's ASCII-only NOCASE. */
#include "store/store_internal.h"

#include "core/util/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t id;
    char *name;
} named;

typedef struct {
    named *all;
    int n;
} name_list;

static void names_free(name_list *l)
{
    for (int i = 0; i < l->n; i++) free(l->all[i].name);
    free(l->all);
}

/* Every named person, but `except`. */
static int load_names(fc_store *s, int64_t except, name_list *out, char *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT id, name FROM people WHERE name IS NOT NULL AND id != ?1 "
                                "ORDER BY id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading names", err);
    sqlite3_bind_int64(st, 1, except);
    int cap = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 32;
            named *grown = realloc(out->all, (size_t)cap * sizeof *grown);
            if (!grown) break;
            out->all = grown;
        }
        named *p = &out->all[out->n];
        p->id = sqlite3_column_int64(st, 0);
        p->name = strdup((const char *)sqlite3_column_text(st, 1));
        if (!p->name) break;
        out->n++;
    }
    sqlite3_finalize(st);
    if (step == SQLITE_ROW) {
        names_free(out);
        return fc_errorf(err, -ENOMEM, "out of memory reading names");
    }
    if (step != SQLITE_DONE) {
        names_free(out);
        return fc_store_sql_error(s->db, step, "reading names", err);
    }
    return 0;
}

/* "'ad' could be Ada Lovelace (3), Adam (7) or ...": the candidates, as many as fit. */
static int ambiguous(const char *typed, const name_list *l, int how, char *err)
{
    char list[FC_ERR_MAX] = "";
    size_t used = 0;
    int shown = 0, total = 0;
    for (int i = 0; i < l->n; i++) {
        if (fc_text_match(typed, l->all[i].name) != how) continue;
        total++;
        char one[96];
        snprintf(one, sizeof one, "%s%.60s (%lld)", shown ? ", " : "", l->all[i].name,
                 (long long)l->all[i].id);
        if (used + strlen(one) + 1 < 140) {
            memcpy(list + used, one, strlen(one) + 1);
            used += strlen(one);
            shown++;
        }
    }
    return fc_errorf(err, -ENOTUNIQ, "'%.40s' could be %s%s: give more of the name, or the id",
                     typed, list, shown < total ? ", ..." : "");
}

int fc_store_person_find(fc_store *s, const char *typed, int64_t *id, char *err)
{
    /* an id first: it is what every list prints beside a name */
    if (typed[0] && strspn(typed, "0123456789") == strlen(typed) && strlen(typed) < 19) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(s->db, "SELECT id FROM people WHERE id = ?1", -1, &st, NULL);
        if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "finding a person", err);
        sqlite3_bind_int64(st, 1, strtoll(typed, NULL, 10));
        const int step = sqlite3_step(st);
        if (step == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (step == SQLITE_ROW) return 0;
        if (step != SQLITE_DONE) return fc_store_sql_error(s->db, step, "finding a person", err);
    }
    name_list l = {0};
    int rc = load_names(s, 0, &l, err);
    if (rc) return rc;
    int exact = -1, n_folded = 0, folded = -1, n_prefix = 0, prefix = -1;
    for (int i = 0; i < l.n; i++) {
        if (strcmp(typed, l.all[i].name) == 0) exact = i;
        const int how = fc_text_match(typed, l.all[i].name);
        if (how == FC_TEXT_EXACT) n_folded++, folded = i;
        if (how == FC_TEXT_PREFIX) n_prefix++, prefix = i;
    }
    /* the name as written, then in any case, then a unique start of one */
    const int found = exact >= 0      ? exact
                      : n_folded == 1 ? folded
                      : n_folded > 1  ? -2
                      : n_prefix == 1 ? prefix
                      : n_prefix > 1  ? -3
                                      : -1;
    if (found >= 0)
        *id = l.all[found].id;
    else if (found == -2)
        rc = ambiguous(typed, &l, FC_TEXT_EXACT, err);
    else if (found == -3)
        rc = ambiguous(typed, &l, FC_TEXT_PREFIX, err);
    else
        rc = fc_errorf(err, -ENOENT, "no person '%.100s' (facecluster people lists them)", typed);
    names_free(&l);
    return rc;
}

int fc_store_person_by_name(fc_store *s, const char *name, int64_t *id, char *err)
{
    name_list l = {0};
    int rc = load_names(s, 0, &l, err);
    if (rc) return rc;
    int exact = -1, folded = -1, n_folded = 0;
    for (int i = 0; i < l.n; i++) {
        if (strcmp(name, l.all[i].name) == 0) exact = i;
        if (fc_text_match(name, l.all[i].name) == FC_TEXT_EXACT) n_folded++, folded = i;
    }
    const int found = exact >= 0 ? exact : n_folded == 1 ? folded : -1;
    if (found >= 0) *id = l.all[found].id;
    names_free(&l);
    return found >= 0 ? 0 : -ENOENT;
}

int fc_store_name_check(fc_store *s, int64_t person, const char *name, char *err)
{
    if (!name[0]) return fc_errorf(err, -EINVAL, "a name cannot be empty");
    if (!fc_text_is_clean(name))
        return fc_errorf(err, -EINVAL,
                         "a name cannot hold control characters or bytes that are not UTF-8");
    name_list l = {0};
    int rc = load_names(s, person, &l, err);
    for (int i = 0; !rc && i < l.n; i++)
        if (fc_text_match(name, l.all[i].name) == FC_TEXT_EXACT)
            rc = fc_errorf(err, -EEXIST,
                           "person %lld is already called '%.100s' (names are told apart "
                           "ignoring case; facecluster merge joins two people)",
                           (long long)l.all[i].id, l.all[i].name);
    names_free(&l);
    return rc;
}

int fc_store_person_name_get(fc_store *s, int64_t person, char **name, char *err)
{
    *name = NULL;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT name FROM people WHERE id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "reading a name", err);
    sqlite3_bind_int64(st, 1, person);
    const int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *name = strdup((const char *)sqlite3_column_text(st, 0));
        if (!*name) rc = fc_errorf(err, -ENOMEM, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = fc_errorf(err, -ENOENT, "no person %lld", (long long)person);
    } else if (step != SQLITE_ROW) {
        rc = fc_store_sql_error(s->db, step, "reading a name", err);
    }
    sqlite3_finalize(st);
    return rc;
}
