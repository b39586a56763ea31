/* Face names already in a library (README, "Names from other programs"): the XMP face
 * regions a photo carries and those of its sidecars, read on a worker beside the photo's
 * bytes, given to the pipeline as marked faces (a region no detector found is still a face)
 * and to the store as the user's decisions (store/regions.c). */
#ifndef FC_DAEMON_XMP_IMPORT_H
#define FC_DAEMON_XMP_IMPORT_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* One file names were read from: the photo itself or one of its sidecars. */
typedef struct {
    char *path;               /* owned */
    fc_store_region *regions; /* n of them, names owned */
    int n;
    int sidecar; /* a sidecar (else the photo itself) */
    int present; /* a sidecar that exists: ident is its identity when read */
    fc_file_identity ident;
} xmp_source;

typedef struct {
    xmp_source source[3]; /* the photo, NAME.xmp, NAME.EXT.xmp: applied in this order, so
                             the sidecar programs prefer has the last word */
    int count;
    float (*marked)[4]; /* every region's box, once: the pipeline's marked faces */
    int n_marked;
} xmp_found;

/* Reads the regions of the photo at path (its bytes in data) and of its sidecars. A source
 * that exists but cannot be read (a broken packet, a sidecar unreadable) is left out, so
 * that what was read from it before stays, and is logged; a sidecar that does not exist
 * is a source of no regions (one deleted gives its names back). Never fails the photo:
 * out of memory leaves *out empty. Free with xmp_found_free. */
void xmp_import_read(const char *path, const uint8_t *data, size_t len, xmp_found *out);
void xmp_found_free(xmp_found *f);

/* Writes what was read for the stored photo, source by source, and logs what it did. */
void xmp_import_apply(fc_store *store, int64_t photo, const xmp_found *f);

/* Whether name (no folder) is an XMP sidecar's. */
int xmp_is_sidecar(const char *name);

/* Calls fn for each photo file a sidecar at path may describe: dir/STEM for STEM.xmp, and
 * every dir/STEM.* (NAME.xmp is Lightroom's for NAME.CR2, NAME.EXT.xmp digiKam's for
 * NAME.EXT) that wanted(name) accepts. */
void xmp_sidecar_photos(const char *path, int (*wanted)(const char *name),
                        void (*fn)(void *ctx, const char *photo), void *ctx);

#endif
