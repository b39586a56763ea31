/* The journal in words and in JSON: what `history` lists and `undo` says it undid. Each
 * entry's detail is what undo restores (store/undo.c); the words say what the edit did. */
#include "cli/cli.h"

#include <string.h>
#include <time.h>

static long long id_at(json_t *d, const char *key, size_t index)
{
    json_t *v = json_object_get(d, key);
    if (json_is_array(v)) v = json_array_get(v, index);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

void cli_journal_describe(FILE *out, const fc_store_journal_entry *e)
{
    json_t *d = json_loads(e->detail, 0, NULL);
    const char *a = e->action;
    if (strcmp(a, "name") == 0) {
        json_t *old = json_object_get(d, "old_name");
        fprintf(out, "named person %lld", id_at(d, "person", 0));
        if (json_is_string(old)) {
            fputs(" (it was called ", out);
            fc_text_escape(out, json_string_value(old));
            fputc(')', out);
        }
    } else if (strcmp(a, "merge") == 0) {
        fprintf(out, "merged person %lld into person %lld", id_at(d, "from", 0),
                id_at(d, "into", 0));
    } else if (strcmp(a, "move") == 0) {
        const long long from = id_at(d, "from", 0);
        fprintf(out, "moved face %lld to person %lld", id_at(d, "face", 0), id_at(d, "to", 0));
        if (from) fprintf(out, " (from person %lld)", from);
    } else if (strcmp(a, "import") == 0) {
        json_t *name = json_object_get(d, "name"), *source = json_object_get(d, "source");
        if (id_at(d, "to", 0)) {
            fprintf(out, "face %lld named ", id_at(d, "face", 0));
            fc_text_escape(out, json_is_string(name) ? json_string_value(name) : "?");
            fprintf(out, " (person %lld)", id_at(d, "to", 0));
        } else {
            fprintf(out, "face %lld no longer named by its file", id_at(d, "face", 0));
        }
        if (json_is_string(source)) {
            fputs(" from ", out);
            fc_text_escape(out, json_string_value(source));
        }
    } else if (strcmp(a, "not") == 0) {
        fprintf(out, "face %lld is not person %lld", id_at(d, "face", 0), id_at(d, "person", 0));
    } else if (strcmp(a, "reject") == 0) {
        fprintf(out, "face %lld rejected (not a face)", id_at(d, "face", 0));
    } else if (strcmp(a, "hide") == 0) {
        fprintf(out, "%s person %lld", id_at(d, "was", 0) ? "unhid" : "hid", id_at(d, "person", 0));
    } else if (strcmp(a, "cover") == 0) {
        fprintf(out, "chose person %lld's cover face", id_at(d, "person", 0));
    } else {
        fc_text_escape(out, a);
    }
    json_decref(d);
}

json_t *cli_journal_json(const fc_store_journal_entry *e)
{
    char at[32];
    cli_time_string(e->at, at, sizeof at);
    json_t *detail = json_loads(e->detail, 0, NULL);
    return json_pack("{s:I, s:I, s:s, s:o, s:b, s:o}", "entry", (json_int_t)e->entry, "change",
                     (json_int_t)e->change, "at", at, "action", cli_json_text(e->action), "undone",
                     e->undone, "detail", detail ? detail : json_null());
}

void cli_time_string(int64_t unix_seconds, char *buf, size_t cap)
{
    const time_t t = (time_t)unix_seconds;
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%S%z", &tm)) {
        snprintf(buf, cap, "@%lld", (long long)unix_seconds);
        return;
    }
    /* ISO 8601 writes the zone +HH:MM */
    const size_t n = strlen(buf);
    if (n >= 5 && n + 2 <= cap && (buf[n - 5] == '+' || buf[n - 5] == '-')) {
        memmove(buf + n - 1, buf + n - 2, 3);
        buf[n - 2] = ':';
    }
}
