/* Reading face regions out of an XMP packet (xmp.h). Where they live:
 *
 *   mwg-rs:Regions/mwg-rs:AppliedToDimensions  stDim:w, stDim:h, stDim:unit="pixel"
 *   mwg-rs:Regions/mwg-rs:RegionList[i]        mwg-rs:Name, mwg-rs:Type (Face, Pet, Focus,
 *                                              BarCode), mwg-rs:Area: stArea:x, y (the
 *                                              CENTRE), w, h, unit="normalized"
 *   MP:RegionInfo/MPRI:Regions[i]              MPReg:PersonDisplayName, MPReg:Rectangle
 *                                              "left, top, width, height" normalized
 *
 * both relative to the stored pixels (docs/xmp-regions.md). */
#include "core/image/xmp_internal.h"

#include "core/fc_error.h"
#include "core/util/text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sliver of area outside the photo is rounding (or a face at its edge); more is nonsense. */
#define SLACK 0.05

typedef struct {
    XmpPtr xmp;
    const fc_xmp_prefixes *px;
    int orientation;
    fc_xmp_regions *out;
    int cap;
} reader;

static void skip(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void skip(reader *r, const char *fmt, ...)
{
    if (!r->out->skipped++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->out->note, sizeof r->out->note, fmt, ap);
        va_end(ap);
    }
}

/* Checks a stored-frame box and adds the region, turned upright. -ENOMEM or 0. */
static int add(reader *r, fc_xmp_kind kind, int i, const char *name, const double stored[4],
               const int *dims)
{
    const char *what = kind == FC_XMP_MWG ? "MWG" : "Microsoft";
    const double l = stored[0], t = stored[1], w = stored[2], h = stored[3];
    if (!(w > 0 && h > 0 && w <= 1 + SLACK && h <= 1 + SLACK && l >= -SLACK && t >= -SLACK &&
          l + w <= 1 + SLACK && t + h <= 1 + SLACK)) {
        skip(r, "%s region %d: area %g, %g, %g, %g is not inside the photo", what, i, l, t, w, h);
        return 0;
    }
    if (strlen(name) > FC_XMP_MAX_NAME || !fc_text_is_clean(name)) {
        skip(r, "%s region %d: its name is not clean UTF-8 of at most %d bytes", what, i,
             FC_XMP_MAX_NAME);
        return 0;
    }
    if (r->out->n == FC_XMP_MAX_REGIONS) {
        skip(r, "more than %d regions", FC_XMP_MAX_REGIONS);
        return 0;
    }
    if (r->out->n == r->cap) {
        const int cap = r->cap ? 2 * r->cap : 8;
        fc_xmp_region *grown = realloc(r->out->region, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        r->out->region = grown, r->cap = cap;
    }
    fc_xmp_region *g = &r->out->region[r->out->n];
    memset(g, 0, sizeof *g);
    if (!(g->name = strdup(name))) return -ENOMEM;
    g->kind = kind;
    const double clipped[4] = {fmax(l, 0), fmax(t, 0), fmin(l + w, 1) - fmax(l, 0),
                               fmin(t + h, 1) - fmax(t, 0)};
    fc_xmp_box_orient(r->orientation, 1, clipped, g->box);
    if (dims) g->has_dims = 1, g->dims[0] = dims[0], g->dims[1] = dims[1];
    r->out->n++;
    return 0;
}

/* Whether a name says nothing: empty or only white space (XML turns what it may not hold,
 * control characters, into spaces). */
static int blank(const char *name)
{
    for (; *name; name++)
        if (*name != ' ' && *name != '\t' && *name != '\n' && *name != '\r') return 0;
    return 1;
}

/* A field of item i of a list into buf: 1, 0 when absent (or too long). */
static int field(reader *r, const char *ns, const char *list, int i, const char *prefix,
                 const char *name, char *buf, size_t cap)
{
    char f[96], path[256];
    snprintf(f, sizeof f, "%s:%s", prefix, name);
    return !fc_xmp_item_path(path, sizeof path, list, i, f) &&
           fc_xmp_get(r->xmp, ns, path, buf, cap);
}

/* AppliedToDimensions in pixels, when present and sane. */
static int applied_dims(reader *r, int dims[2])
{
    const fc_xmp_prefixes *px = r->px;
    char path[128], text[64];
    double v[2];
    const char *names[2] = {"w", "h"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "Regions/%s:AppliedToDimensions/%s:%s", px->mwg_rs, px->st_dim,
                 names[k]);
        if (!fc_xmp_get(r->xmp, FC_NS_MWG_RS, path, text, sizeof text) ||
            !fc_xmp_number(text, &v[k]) || v[k] < 1 || v[k] > 1e6 || v[k] != floor(v[k]))
            return 0;
    }
    snprintf(path, sizeof path, "Regions/%s:AppliedToDimensions/%s:unit", px->mwg_rs, px->st_dim);
    if (fc_xmp_get(r->xmp, FC_NS_MWG_RS, path, text, sizeof text) && strcmp(text, "pixel"))
        return 0;
    dims[0] = (int)v[0], dims[1] = (int)v[1];
    return 1;
}

static int read_mwg(reader *r)
{
    const fc_xmp_prefixes *px = r->px;
    char list[96];
    snprintf(list, sizeof list, "Regions/%s:RegionList", px->mwg_rs);
    int dims[2];
    const int has_dims = applied_dims(r, dims);
    char name[4 * FC_XMP_MAX_NAME], text[64];
    for (int i = 1;; i++) {
        char item[128];
        if (fc_xmp_item_path(item, sizeof item, list, i, NULL) ||
            !xmp_has_property(r->xmp, FC_NS_MWG_RS, item))
            break;
        if (i > FC_XMP_MAX_REGIONS) {
            skip(r, "more than %d MWG regions", FC_XMP_MAX_REGIONS);
            break;
        }
        if (field(r, FC_NS_MWG_RS, list, i, px->mwg_rs, "Type", text, sizeof text) &&
            strcmp(text, "Face"))
            continue; /* a pet, a focus point, a bar code */
        if (!field(r, FC_NS_MWG_RS, list, i, px->mwg_rs, "Name", name, sizeof name) || blank(name))
            continue; /* a face nobody named */
        char area[96];
        snprintf(area, sizeof area, "%s:Area/%s", px->mwg_rs, px->st_area);
        double v[4];
        const char *keys[4] = {"x", "y", "w", "h"};
        int ok = 1;
        for (int k = 0; ok && k < 4; k++) {
            char f[160], path[320];
            snprintf(f, sizeof f, "%s:%s", area, keys[k]);
            ok = !fc_xmp_item_path(path, sizeof path, list, i, f) &&
                 fc_xmp_get(r->xmp, FC_NS_MWG_RS, path, text, sizeof text) &&
                 fc_xmp_number(text, &v[k]);
        }
        if (!ok) {
            skip(r, "MWG region %d: no area of four numbers", i);
            continue;
        }
        char unit[32], f[160], path[320];
        snprintf(f, sizeof f, "%s:unit", area);
        if (!fc_xmp_item_path(path, sizeof path, list, i, f) &&
            fc_xmp_get(r->xmp, FC_NS_MWG_RS, path, unit, sizeof unit) &&
            strcmp(unit, "normalized")) {
            skip(r, "MWG region %d: area in unit \"%.20s\", not normalized", i, unit);
            continue;
        }
        /* MWG's x, y is the area's centre */
        const double stored[4] = {v[0] - v[2] / 2, v[1] - v[3] / 2, v[2], v[3]};
        if (add(r, FC_XMP_MWG, i, name, stored, has_dims ? dims : NULL)) return -ENOMEM;
    }
    return 0;
}

/* "left, top, width, height": four numbers and commas, nothing else. */
static int rectangle(const char *text, double v[4])
{
    char buf[128];
    if (strlen(text) >= sizeof buf) return 0;
    strcpy(buf, text);
    char *p = buf;
    for (int k = 0; k < 4; k++) {
        char *comma = strchr(p, ',');
        if ((k < 3) != (comma != NULL)) return 0;
        if (comma) *comma = 0;
        if (!fc_xmp_number(p, &v[k])) return 0;
        p = comma ? comma + 1 : p;
    }
    return 1;
}

static int read_mp(reader *r)
{
    const fc_xmp_prefixes *px = r->px;
    char list[96];
    snprintf(list, sizeof list, "RegionInfo/%s:Regions", px->mpri);
    char name[4 * FC_XMP_MAX_NAME], text[128];
    for (int i = 1;; i++) {
        char item[128];
        if (fc_xmp_item_path(item, sizeof item, list, i, NULL) ||
            !xmp_has_property(r->xmp, FC_NS_MP, item))
            break;
        if (i > FC_XMP_MAX_REGIONS) {
            skip(r, "more than %d Microsoft regions", FC_XMP_MAX_REGIONS);
            break;
        }
        if (!field(r, FC_NS_MP, list, i, px->mpreg, "PersonDisplayName", name, sizeof name) ||
            blank(name))
            continue;
        double v[4];
        if (!field(r, FC_NS_MP, list, i, px->mpreg, "Rectangle", text, sizeof text) ||
            !rectangle(text, v)) {
            skip(r, "Microsoft region %d: no rectangle of four numbers", i);
            continue;
        }
        if (add(r, FC_XMP_MP, i, name, v, NULL)) return -ENOMEM;
    }
    return 0;
}

int fc_xmp_regions_parse(const char *packet, size_t len, int orientation, fc_xmp_regions *out,
                         char *err)
{
    memset(out, 0, sizeof *out);
    reader r = {.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1, .out = out};
    if (!(r.px = fc_xmp_setup(err))) return -EIO;
    int rc = fc_xmp_open(packet, len, &r.xmp, err);
    if (rc) return rc;
    rc = read_mwg(&r);
    if (!rc) rc = read_mp(&r);
    xmp_free(r.xmp);
    if (rc) {
        fc_xmp_regions_free(out);
        return fc_errorf(err, rc, "out of memory");
    }
    return 0;
}

void fc_xmp_regions_free(fc_xmp_regions *r)
{
    for (int i = 0; i < r->n; i++) free(r->region[i].name);
    free(r->region);
    memset(r, 0, sizeof *r);
}
