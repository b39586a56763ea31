/* Between the XMP files: Exempi set up once, the namespaces regions live in, the property
 * paths into them, and the geometry both directions share. */
#ifndef FC_XMP_INTERNAL_H
#define FC_XMP_INTERNAL_H

#include "core/image/xmp.h"

#include <exempi/xmp.h>

#define FC_NS_MWG_RS "http://www.metadataworkinggroup.com/schemas/regions/"
#define FC_NS_ST_AREA "http://ns.adobe.com/xmp/sType/Area#"
#define FC_NS_ST_DIM "http://ns.adobe.com/xap/1.0/sType/Dimensions#"
#define FC_NS_MP "http://ns.microsoft.com/photo/1.2/"
#define FC_NS_MPRI "http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
#define FC_NS_MPREG "http://ns.microsoft.com/photo/1.2/t/Region#"
/* facecluster's own: which regions it wrote (xmp_write.c). A URI names a namespace and need
 * not resolve; .invalid is reserved, so it can never clash with a real one. */
#define FC_NS_FC "http://facecluster.invalid/xmp/1.0/"

/* The prefixes Exempi registered for those namespaces (a packet may spell them otherwise:
 * paths use these), set by fc_xmp_setup. */
typedef struct {
    char mwg_rs[32], st_area[32], st_dim[32], mpri[32], mpreg[32], fc[32];
} fc_xmp_prefixes;

/* Initialises Exempi and registers the namespaces, once per process (thread-safe). Returns
 * the prefixes, or NULL with err set when Exempi cannot start. */
const fc_xmp_prefixes *fc_xmp_setup(char *err);

/* Parses packet into a new XmpPtr (the caller frees with xmp_free) after refusing what the
 * XMP toolkit should never be given: over FC_XMP_MAX_PACKET, a DTD (entity expansion), or
 * elements nested deeper than any XMP needs (its parser recurses). Returns 0 or -EINVAL /
 * -EFBIG / -ENOMEM with err set. */
int fc_xmp_open(const char *packet, size_t len, XmpPtr *out, char *err);

/* A property's text into buf (cap bytes): 1, or 0 when absent, not plain text or too long. */
int fc_xmp_get(XmpPtr xmp, const char *ns, const char *path, char *buf, size_t cap);

/* The path of field `field` (prefix:name) of item i (1-based) of a region list:
 * "Regions/mwg-rs:RegionList[i]/mwg-rs:Name" style. 0, or -ENAMETOOLONG. */
int fc_xmp_item_path(char *buf, size_t cap, const char *list, int i, const char *field);

/* A number as XMP writes it: the whole text a finite decimal. 1 when it is, else 0. */
int fc_xmp_number(const char *text, double *out);

/* Maps a normalized box (left, top, width, height) of the image stored with orientation to
 * the upright image (to_upright) or back. */
void fc_xmp_box_orient(int orientation, int to_upright, const double in[4], double out[4]);

#endif
