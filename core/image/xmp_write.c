/* Writing named faces into an XMP packet (xmp.h), merged into what it holds.
 *
 * Which regions are facecluster's: the packet records the ones it wrote last time in
 * facecluster:Regions, a bag of "KIND x y w h NAME" (KIND MWG or MP, the four numbers as
 * written, in the stored frame), so that a face renamed or unnamed since loses its old region.
 * A Face region another program wrote under the same name over the same face (a digiKam user
 * who named it there too) is replaced as well: one region per face stays, not two. Every
 * other region, of another person, type or program, and every other property stays. */
#include "core/image/xmp_internal.h"

#include "core/fc_error.h"
#include "core/util/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much a region must overlap a face of the same name to be that face's (intersection
 * over union): a box drawn by hand in digiKam and a detector's differ in margins, not place. */
#define SAME_FACE_IOU 0.3
/* Written numbers are "%.6f": equal within rounding. */
#define SAME_NUMBER 2e-6

typedef struct {
    fc_xmp_kind kind;
    double v[4]; /* MWG: centre x, y, w, h; MP: left, top, w, h; stored frame */
    char name[4 * FC_XMP_MAX_NAME];
} written;

typedef struct {
    XmpPtr xmp;
    const fc_xmp_prefixes *px;
    written *mine; /* what the packet says we wrote */
    int n_mine;
    const fc_xmp_face *faces;
    double (*stored)[4]; /* the faces' boxes in the stored frame, left/top/w/h */
    int n;
} writer;

static double iou(const double a[4], const double b[4])
{
    const double w = fmin(a[0] + a[2], b[0] + b[2]) - fmax(a[0], b[0]);
    const double h = fmin(a[1] + a[3], b[1] + b[3]) - fmax(a[1], b[1]);
    if (w <= 0 || h <= 0) return 0;
    const double inter = w * h;
    return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

static int load_mine(writer *w)
{
    char text[sizeof(written) + 128];
    for (int i = 1; i <= 2 * FC_XMP_MAX_REGIONS; i++) {
        char path[64];
        snprintf(path, sizeof path, "Regions[%d]", i);
        if (!xmp_has_property(w->xmp, FC_NS_FC, path)) break;
        if (!fc_xmp_get(w->xmp, FC_NS_FC, path, text, sizeof text)) continue;
        written r = {0};
        char kind[8];
        int at = 0;
        if (sscanf(text, "%7s %lf %lf %lf %lf %n", kind, &r.v[0], &r.v[1], &r.v[2], &r.v[3], &at) !=
                5 ||
            !at || strlen(text + at) >= sizeof r.name)
            continue;
        r.kind = !strcmp(kind, "MWG") ? FC_XMP_MWG : !strcmp(kind, "MP") ? FC_XMP_MP : 0;
        if (!r.kind) continue;
        strcpy(r.name, text + at);
        written *grown = realloc(w->mine, (size_t)(w->n_mine + 1) * sizeof *grown);
        if (!grown) return -ENOMEM;
        w->mine = grown;
        w->mine[w->n_mine++] = r;
    }
    return 0;
}

/* Whether a region (kind, its numbers as stored, name) is ours to replace. */
static int ours(const writer *w, fc_xmp_kind kind, const double v[4], const char *name)
{
    for (int i = 0; i < w->n_mine; i++) {
        const written *m = &w->mine[i];
        int same = m->kind == kind && !strcmp(m->name, name);
        for (int k = 0; same && k < 4; k++) same = fabs(m->v[k] - v[k]) <= SAME_NUMBER;
        if (same) return 1;
    }
    const double box[4] = {kind == FC_XMP_MWG ? v[0] - v[2] / 2 : v[0],
                           kind == FC_XMP_MWG ? v[1] - v[3] / 2 : v[1], v[2], v[3]};
    for (int i = 0; i < w->n; i++)
        if (fc_text_match(name, w->faces[i].name) == FC_TEXT_EXACT &&
            iou(box, w->stored[i]) >= SAME_FACE_IOU)
            return 1;
    return 0;
}

/* A region's numbers: MWG area x, y, w, h or MP rectangle; 0 when it has none readable. */
static int numbers(writer *w, fc_xmp_kind kind, const char *list, int i, double v[4])
{
    const fc_xmp_prefixes *px = w->px;
    char f[96], path[256], text[128];
    if (kind == FC_XMP_MP) {
        snprintf(f, sizeof f, "%s:Rectangle", px->mpreg);
        if (fc_xmp_item_path(path, sizeof path, list, i, f) ||
            !fc_xmp_get(w->xmp, FC_NS_MP, path, text, sizeof text))
            return 0;
        for (char *c = text; *c; c++)
            if (*c == ',') *c = ' ';
        char *p = text;
        for (int k = 0; k < 4; k++) {
            char *end;
            v[k] = strtod(p, &end);
            if (end == p || !isfinite(v[k])) return 0;
            p = end;
        }
        return 1;
    }
    const char *keys[4] = {"x", "y", "w", "h"};
    for (int k = 0; k < 4; k++) {
        snprintf(f, sizeof f, "%s:Area/%s:%s", px->mwg_rs, px->st_area, keys[k]);
        if (fc_xmp_item_path(path, sizeof path, list, i, f) ||
            !fc_xmp_get(w->xmp, FC_NS_MWG_RS, path, text, sizeof text) ||
            !fc_xmp_number(text, &v[k]))
            return 0;
    }
    return 1;
}

/* Deletes our regions from one list, the last first so that the indices hold. */
static void remove_ours(writer *w, fc_xmp_kind kind)
{
    const fc_xmp_prefixes *px = w->px;
    const char *ns = kind == FC_XMP_MWG ? FC_NS_MWG_RS : FC_NS_MP;
    char list[96], name_field[64], type_field[64];
    if (kind == FC_XMP_MWG) {
        snprintf(list, sizeof list, "Regions/%s:RegionList", px->mwg_rs);
        snprintf(name_field, sizeof name_field, "%s:Name", px->mwg_rs);
        snprintf(type_field, sizeof type_field, "%s:Type", px->mwg_rs);
    } else {
        snprintf(list, sizeof list, "RegionInfo/%s:Regions", px->mpri);
        snprintf(name_field, sizeof name_field, "%s:PersonDisplayName", px->mpreg);
        type_field[0] = 0;
    }
    int count = 0;
    char path[256];
    while (count < 4 * FC_XMP_MAX_REGIONS &&
           !fc_xmp_item_path(path, sizeof path, list, count + 1, NULL) &&
           xmp_has_property(w->xmp, ns, path))
        count++;
    for (int i = count; i >= 1; i--) {
        char name[4 * FC_XMP_MAX_NAME], type[64];
        double v[4];
        if (type_field[0] && !fc_xmp_item_path(path, sizeof path, list, i, type_field) &&
            fc_xmp_get(w->xmp, ns, path, type, sizeof type) && strcmp(type, "Face"))
            continue;
        if (fc_xmp_item_path(path, sizeof path, list, i, name_field) ||
            !fc_xmp_get(w->xmp, ns, path, name, sizeof name) || !numbers(w, kind, list, i, v) ||
            !ours(w, kind, v, name))
            continue;
        if (!fc_xmp_item_path(path, sizeof path, list, i, NULL))
            xmp_delete_property(w->xmp, ns, path);
    }
    /* a list left empty goes, and with it a region block holding nothing else */
    if (!fc_xmp_item_path(path, sizeof path, list, 1, NULL) &&
        !xmp_has_property(w->xmp, ns, path)) {
        xmp_delete_property(w->xmp, ns, list);
        if (kind == FC_XMP_MWG) {
            snprintf(path, sizeof path, "Regions/%s:AppliedToDimensions", px->mwg_rs);
            xmp_delete_property(w->xmp, ns, path);
        }
        const char *top = kind == FC_XMP_MWG ? "Regions" : "RegionInfo";
        XmpIteratorPtr it = xmp_iterator_new(w->xmp, ns, top, XMP_ITER_JUSTCHILDREN);
        int children = 0;
        if (it) {
            XmpStringPtr a = xmp_string_new(), b = xmp_string_new(), c = xmp_string_new();
            if (a && b && c) children = xmp_iterator_next(it, a, b, c, NULL);
            xmp_string_free(a), xmp_string_free(b), xmp_string_free(c);
            xmp_iterator_free(it);
        }
        if (!children) xmp_delete_property(w->xmp, ns, top);
    }
}

static int set(writer *w, const char *ns, const char *path, const char *value)
{
    return xmp_set_property(w->xmp, ns, path, value, 0) ? 0 : -EINVAL;
}

/* Appends face i to both lists and to the record. */
static int add_face(writer *w, int i)
{
    const fc_xmp_prefixes *px = w->px;
    const double *b = w->stored[i];
    const double c[4] = {b[0] + b[2] / 2, b[1] + b[3] / 2, b[2], b[3]};
    char list[96], path[256], value[160];
    int rc = 0;

    snprintf(list, sizeof list, "Regions/%s:RegionList", px->mwg_rs);
    if (!xmp_append_array_item(w->xmp, FC_NS_MWG_RS, list, XMP_PROP_VALUE_IS_ARRAY, NULL,
                               XMP_PROP_VALUE_IS_STRUCT))
        return -EINVAL;
    const char *keys[4] = {"x", "y", "w", "h"};
    for (int k = 0; !rc && k < 4; k++) {
        snprintf(path, sizeof path, "%s[last()]/%s:Area/%s:%s", list, px->mwg_rs, px->st_area,
                 keys[k]);
        snprintf(value, sizeof value, "%.6f", c[k]);
        rc = set(w, FC_NS_MWG_RS, path, value);
    }
    snprintf(path, sizeof path, "%s[last()]/%s:Area/%s:unit", list, px->mwg_rs, px->st_area);
    if (!rc) rc = set(w, FC_NS_MWG_RS, path, "normalized");
    snprintf(path, sizeof path, "%s[last()]/%s:Name", list, px->mwg_rs);
    if (!rc) rc = set(w, FC_NS_MWG_RS, path, w->faces[i].name);
    snprintf(path, sizeof path, "%s[last()]/%s:Type", list, px->mwg_rs);
    if (!rc) rc = set(w, FC_NS_MWG_RS, path, "Face");

    snprintf(list, sizeof list, "RegionInfo/%s:Regions", px->mpri);
    if (!rc && !xmp_append_array_item(w->xmp, FC_NS_MP, list, XMP_PROP_VALUE_IS_ARRAY, NULL,
                                      XMP_PROP_VALUE_IS_STRUCT))
        rc = -EINVAL;
    char rect[128];
    snprintf(rect, sizeof rect, "%.6f, %.6f, %.6f, %.6f", b[0], b[1], b[2], b[3]);
    snprintf(path, sizeof path, "%s[last()]/%s:Rectangle", list, px->mpreg);
    if (!rc) rc = set(w, FC_NS_MP, path, rect);
    snprintf(path, sizeof path, "%s[last()]/%s:PersonDisplayName", list, px->mpreg);
    if (!rc) rc = set(w, FC_NS_MP, path, w->faces[i].name);

    /* the record, as the numbers read back */
    char *entry = malloc(strlen(w->faces[i].name) + 256);
    if (!entry) return -ENOMEM;
    for (int kind = 0; !rc && kind < 2; kind++) {
        const double *v = kind ? b : c;
        sprintf(entry, "%s %.6f %.6f %.6f %.6f %s", kind ? "MP" : "MWG", v[0], v[1], v[2], v[3],
                w->faces[i].name);
        if (!xmp_append_array_item(w->xmp, FC_NS_FC, "Regions", XMP_PROP_VALUE_IS_ARRAY, entry, 0))
            rc = -EINVAL;
    }
    free(entry);
    return rc;
}

static int set_dims(writer *w, const fc_xmp_photo *photo)
{
    const int swap = photo->orientation >= 5 && photo->orientation <= 8;
    const int dims[2] = {swap ? photo->height : photo->width, swap ? photo->width : photo->height};
    const char *keys[2] = {"w", "h"};
    char path[160], value[32];
    int rc = 0;
    for (int k = 0; !rc && k < 2; k++) {
        snprintf(path, sizeof path, "Regions/%s:AppliedToDimensions/%s:%s", w->px->mwg_rs,
                 w->px->st_dim, keys[k]);
        snprintf(value, sizeof value, "%d", dims[k]);
        rc = set(w, FC_NS_MWG_RS, path, value);
    }
    snprintf(path, sizeof path, "Regions/%s:AppliedToDimensions/%s:unit", w->px->mwg_rs,
             w->px->st_dim);
    return rc ? rc : set(w, FC_NS_MWG_RS, path, "pixel");
}

static int check_faces(const fc_xmp_photo *photo, const fc_xmp_face *faces, int n, char *err)
{
    if (photo->width < 1 || photo->height < 1)
        return fc_errorf(err, -EINVAL, "photo of %dx%d pixels", photo->width, photo->height);
    if (n < 0 || n > FC_XMP_MAX_REGIONS)
        return fc_errorf(err, -EINVAL, "%d faces (at most %d)", n, FC_XMP_MAX_REGIONS);
    for (int i = 0; i < n; i++) {
        const double *b = faces[i].box;
        int ok = faces[i].name && faces[i].name[0] && fc_text_is_clean(faces[i].name) &&
                 strlen(faces[i].name) <= FC_XMP_MAX_NAME;
        for (int k = 0; ok && k < 4; k++) ok = isfinite(b[k]) && b[k] >= 0 && b[k] <= 1;
        if (!ok || b[2] <= 0 || b[3] <= 0 || b[0] + b[2] > 1 + 1e-9 || b[1] + b[3] > 1 + 1e-9)
            return fc_errorf(err, -EINVAL, "face %d: not a named box inside the photo", i + 1);
    }
    return 0;
}

int fc_xmp_regions_write(const char *existing, size_t existing_len, const fc_xmp_photo *photo,
                         const fc_xmp_face *faces, int n, char **out, size_t *out_len, char *err)
{
    *out = NULL, *out_len = 0;
    writer w = {.faces = faces, .n = n};
    if (!(w.px = fc_xmp_setup(err))) return -EIO;
    int rc = check_faces(photo, faces, n, err);
    if (rc) return rc;
    const int orientation =
        photo->orientation >= 1 && photo->orientation <= 8 ? photo->orientation : 1;
    if (existing && existing_len) {
        rc = fc_xmp_open(existing, existing_len, &w.xmp, err);
        if (rc) return rc;
    } else if (!(w.xmp = xmp_new_empty())) {
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    XmpStringPtr s = NULL;
    w.stored = malloc((size_t)(n ? n : 1) * sizeof *w.stored);
    rc = w.stored ? load_mine(&w) : -ENOMEM;
    if (rc) goto cleanup;
    for (int i = 0; i < n; i++) fc_xmp_box_orient(orientation, 0, faces[i].box, w.stored[i]);
    remove_ours(&w, FC_XMP_MWG);
    remove_ours(&w, FC_XMP_MP);
    xmp_delete_property(w.xmp, FC_NS_FC, "Regions");
    for (int i = 0; !rc && i < n; i++) rc = add_face(&w, i);
    if (!rc && n) rc = set_dims(&w, &(fc_xmp_photo){photo->width, photo->height, orientation});
    if (rc) {
        fc_errorf(err, rc, rc == -ENOMEM ? "out of memory" : "Exempi refused a region (error %d)",
                  xmp_get_error());
        goto cleanup;
    }
    /* wrapped as exiftool and Exiv2 write sidecars; 0 would ask for the toolkit's 2 KiB of
     * padding (for editing a photo's packet in place), which a sidecar never needs */
    s = xmp_string_new();
    if (!s || !xmp_serialize(w.xmp, s, 0, 1)) {
        rc = fc_errorf(err, s ? -EINVAL : -ENOMEM, "cannot serialize the XMP (error %d)",
                       xmp_get_error());
        goto cleanup;
    }
    const size_t len = xmp_string_len(s);
    if (!(*out = malloc(len + 1))) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto cleanup;
    }
    memcpy(*out, xmp_string_cstr(s), len + 1);
    *out_len = len;
cleanup:
    if (s) xmp_string_free(s);
    free(w.mine);
    free(w.stored);
    xmp_free(w.xmp);
    return rc;
}
