#include "cli.h"

#include "../core/text.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

void cli_json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    while (*s) {
        size_t n = fc_utf8_sequence(s);
        if (n == 0) {
            fputs("\\ufffd", out);
            s++;
        } else if (*s == '"' || *s == '\\') {
            fprintf(out, "\\%c", *s++);
        } else if (*s < 0x20 || *s == 0x7F) {
            switch (*s) {
            case '\b':
                fputs("\\b", out);
                break;
            case '\f':
                fputs("\\f", out);
                break;
            case '\n':
                fputs("\\n", out);
                break;
            case '\r':
                fputs("\\r", out);
                break;
            case '\t':
                fputs("\\t", out);
                break;
            default:
                fprintf(out, "\\u%04x", *s);
            }
            s++;
        } else {
            fwrite(s, 1, n, out);
            s += n;
        }
    }
    fputc('"', out);
}

json_t *cli_json_text(const char *str)
{
    if (!str) return json_null();
    const unsigned char *s = (const unsigned char *)str;
    size_t len = strlen(str), out = 0;
    char *clean = malloc(3 * len + 1); /* each bad byte becomes three */
    if (!clean) return NULL;
    while (*s) {
        const size_t n = fc_utf8_sequence(s);
        if (n == 0) {
            memcpy(clean + out, "\xEF\xBF\xBD", 3);
            out += 3, s++;
        } else {
            memcpy(clean + out, s, n);
            out += n, s += n;
        }
    }
    json_t *j = json_stringn(clean, out);
    free(clean);
    return j;
}

json_t *cli_json_ids(const int64_t *ids, int count)
{
    json_t *a = json_array();
    for (int i = 0; a && i < count; i++) json_array_append_new(a, json_integer(ids[i]));
    return a;
}

int cli_json_print(json_t *o)
{
    int rc = o ? json_dumpf(o, stdout, JSON_ENCODE_ANY) : -1;
    if (rc == 0) fputc('\n', stdout);
    json_decref(o);
    return rc == 0 ? 0 : -1;
}
