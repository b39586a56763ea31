/* facecluster:Regions, the record of the regions facecluster wrote into a packet
 * (xmp_internal.h): a bag of "KIND x y w h NAME", the numbers as written. */
#include "core/image/xmp_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written numbers are "%.6f": equal within rounding. */
#define SAME_NUMBER 2e-6

int fc_xmp_written_load(XmpPtr xmp, fc_xmp_written **out, int *n)
{
    *out = NULL, *n = 0;
    char text[sizeof(fc_xmp_written) + 128];
    for (int i = 1; i <= 2 * FC_XMP_MAX_REGIONS; i++) {
        char path[64];
        snprintf(path, sizeof path, "Regions[%d]", i);
        if (!xmp_has_property(xmp, FC_NS_FC, path)) break;
        if (!fc_xmp_get(xmp, FC_NS_FC, path, text, sizeof text)) continue;
        fc_xmp_written r = {0};
        char kind[8];
        int at = 0;
        if (sscanf(text, "%7s %lf %lf %lf %lf %n", kind, &r.v[0], &r.v[1], &r.v[2], &r.v[3], &at) !=
                5 ||
            !at || strlen(text + at) >= sizeof r.name)
            continue;
        r.kind = !strcmp(kind, "MWG") ? FC_XMP_MWG : !strcmp(kind, "MP") ? FC_XMP_MP : 0;
        if (!r.kind) continue;
        strcpy(r.name, text + at);
        fc_xmp_written *grown = realloc(*out, (size_t)(*n + 1) * sizeof *grown);
        if (!grown) {
            free(*out);
            *out = NULL, *n = 0;
            return -ENOMEM;
        }
        *out = grown;
        (*out)[(*n)++] = r;
    }
    return 0;
}

int fc_xmp_written_has(const fc_xmp_written *w, int n, fc_xmp_kind kind, const double v[4],
                       const char *name)
{
    for (int i = 0; i < n; i++) {
        int same = w[i].kind == kind && !strcmp(w[i].name, name);
        for (int k = 0; same && k < 4; k++) same = fabs(w[i].v[k] - v[k]) <= SAME_NUMBER;
        if (same) return 1;
    }
    return 0;
}
