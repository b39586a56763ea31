/* Exempi, set up once: the region namespaces registered, packets screened before the XMP
 * toolkit parses them, and the small helpers reading and writing share. */
#include "core/image/image.h"
#include "core/image/xmp_internal.h"

#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Real XMP nests about a dozen elements deep (darktable's history a few more); the toolkit's
 * RDF parser recurses per level, so a hostile packet nesting a million deep would overflow
 * the stack. */
#define MAX_DEPTH 64

static fc_xmp_prefixes prefixes;
static int setup_failed;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int register_ns(const char *uri, const char *suggested, char *prefix, size_t cap)
{
    XmpStringPtr got = xmp_string_new();
    if (!got) return 0;
    int ok = xmp_register_namespace(uri, suggested, got) && xmp_string_len(got) > 0;
    if (ok) {
        /* Exempi answers "prefix:"; paths want the bare prefix */
        snprintf(prefix, cap, "%s", xmp_string_cstr(got));
        char *colon = strchr(prefix, ':');
        if (colon) *colon = 0;
    }
    xmp_string_free(got);
    return ok;
}

static void setup(void)
{
    fc_xmp_prefixes *p = &prefixes;
    setup_failed = !xmp_init() ||
                   !register_ns(FC_NS_MWG_RS, "mwg-rs", p->mwg_rs, sizeof p->mwg_rs) ||
                   !register_ns(FC_NS_ST_AREA, "stArea", p->st_area, sizeof p->st_area) ||
                   !register_ns(FC_NS_ST_DIM, "stDim", p->st_dim, sizeof p->st_dim) ||
                   !register_ns(FC_NS_MPRI, "MPRI", p->mpri, sizeof p->mpri) ||
                   !register_ns(FC_NS_MPREG, "MPReg", p->mpreg, sizeof p->mpreg) ||
                   !register_ns(FC_NS_FC, "facecluster", p->fc, sizeof p->fc);
    char mp[32];
    if (!setup_failed) setup_failed = !register_ns(FC_NS_MP, "MP", mp, sizeof mp);
}

const fc_xmp_prefixes *fc_xmp_setup(char *err)
{
    pthread_once(&once, setup);
    if (setup_failed) {
        fc_errorf(err, -EIO, "cannot start Exempi (the XMP library)");
        return NULL;
    }
    return &prefixes;
}

/* How deep elements nest, counted over the tags (comments, processing instructions and
 * CDATA are not elements); -1 for a DTD, which XMP never has. */
static int nesting(const char *p, size_t len)
{
    int depth = 0, deepest = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] != '<') continue;
        const char c = p[i + 1];
        if (c == '!') {
            if (i + 2 < len && p[i + 2] != '-' && p[i + 2] != '[')
                return -1; /* <!DOCTYPE, <!ENTITY */
            continue;
        }
        if (c == '?') continue;
        if (c == '/') {
            depth--;
            continue;
        }
        /* an element: empty ("/>") unless its tag ends otherwise */
        size_t j = i + 1;
        char quote = 0;
        while (j < len && (quote || p[j] != '>')) {
            if (quote && p[j] == quote)
                quote = 0;
            else if (!quote && (p[j] == '"' || p[j] == '\''))
                quote = p[j];
            j++;
        }
        if (j >= len || p[j - 1] != '/') depth++;
        if (depth > deepest) deepest = depth;
        i = j;
    }
    return deepest;
}

int fc_xmp_open(const char *packet, size_t len, XmpPtr *out, char *err)
{
    *out = NULL;
    if (!fc_xmp_setup(err)) return -EIO;
    if (len > FC_XMP_MAX_PACKET)
        return fc_errorf(err, -EFBIG, "XMP packet of %zu bytes (at most %zu)", len,
                         FC_XMP_MAX_PACKET);
    const int depth = nesting(packet, len);
    if (depth < 0) return fc_errorf(err, -EINVAL, "XMP packet with a DTD (refused)");
    if (depth > MAX_DEPTH)
        return fc_errorf(err, -EINVAL, "XMP nested %d elements deep (at most %d)", depth,
                         MAX_DEPTH);
    XmpPtr xmp = xmp_new_empty();
    if (!xmp) return fc_errorf(err, -ENOMEM, "out of memory");
    if (!xmp_parse(xmp, packet, len)) {
        xmp_free(xmp);
        return fc_errorf(err, -EINVAL, "not an XMP packet (Exempi error %d)", xmp_get_error());
    }
    *out = xmp;
    return 0;
}

int fc_xmp_get(XmpPtr xmp, const char *ns, const char *path, char *buf, size_t cap)
{
    XmpStringPtr s = xmp_string_new();
    if (!s) return 0;
    uint32_t bits = 0;
    int ok = xmp_get_property(xmp, ns, path, s, &bits) &&
             !(bits & (XMP_PROP_VALUE_IS_STRUCT | XMP_PROP_VALUE_IS_ARRAY)) &&
             xmp_string_len(s) < cap && strlen(xmp_string_cstr(s)) == xmp_string_len(s);
    if (ok) memcpy(buf, xmp_string_cstr(s), xmp_string_len(s) + 1);
    xmp_string_free(s);
    return ok;
}

int fc_xmp_item_path(char *buf, size_t cap, const char *list, int i, const char *field)
{
    const int n = field ? snprintf(buf, cap, "%s[%d]/%s", list, i, field)
                        : snprintf(buf, cap, "%s[%d]", list, i);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int fc_xmp_number(const char *text, double *out)
{
    while (*text == ' ' || *text == '\t') text++;
    if (!*text) return 0;
    char *end;
    const double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (*end || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static int inverse(int orientation)
{
    return orientation == 6 ? 8 : orientation == 8 ? 6 : orientation;
}

void fc_xmp_box_orient(int orientation, int to_upright, const double in[4], double out[4])
{
    const int o = to_upright ? orientation : inverse(orientation);
    double x0, y0, x1, y1;
    /* the unit square is the image at either orientation: map two opposite corners */
    fc_orient_point(o, 1, 1, in[0], in[1], &x0, &y0);
    fc_orient_point(o, 1, 1, in[0] + in[2], in[1] + in[3], &x1, &y1);
    out[0] = fmin(x0, x1), out[1] = fmin(y0, y1);
    out[2] = fabs(x1 - x0), out[3] = fabs(y1 - y0);
}
