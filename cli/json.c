#include "cli/cli.h"

#include "core/util/text.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>

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
    /* 9 significant digits: a float's value exactly, and numbers rounded by
     * cli_json_number print as they were rounded */
    int rc = o ? json_dumpf(o, stdout, JSON_ENCODE_ANY | JSON_REAL_PRECISION(9)) : -1;
    if (rc == 0) fputc('\n', stdout);
    json_decref(o);
    return rc == 0 ? 0 : -1;
}

json_t *cli_json_time(const char *taken)
{
    if (!taken || !*taken) return json_null();
    struct tm tm = {0};
    const char *rest = strptime(taken, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest || *rest) return cli_json_text(taken); /* a zone already, or not a time */
    /* a camera's clock has no zone: the time is taken as local time here */
    tm.tm_isdst = -1;
    const time_t t = mktime(&tm);
    if (t == (time_t)-1) return cli_json_text(taken);
    char buf[40];
    cli_time_string((int64_t)t, buf, sizeof buf);
    return json_string(buf);
}

json_t *cli_json_number(double v, int decimals)
{
    const double scale = pow(10, decimals), r = round(v * scale) / scale;
    return json_real(r == 0 ? 0.0 : r); /* never -0.0 */
}

json_t *cli_json_box(const float box[4])
{
    return json_pack("[o, o, o, o]", cli_json_number(box[0], 2), cli_json_number(box[1], 2),
                     cli_json_number(box[2], 2), cli_json_number(box[3], 2));
}

json_t *cli_json_id_or_null(int64_t id)
{
    return id > 0 ? json_integer(id) : json_null();
}

json_t *cli_json_floats(const float *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++) json_array_append_new(a, json_real(v[i]));
    return a;
}
