/* The XMP packet of a HEIF photo: a "mime" metadata item of content type
 * application/rdf+xml attached to the primary image (core/image/heif.h reads it). */
#include "core/image/heif.h"
#include "core/image/xmp.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>

int fc_xmp_packet_heif(const uint8_t *data, size_t len, char **packet, size_t *packet_len,
                       char *err)
{
    *packet = NULL, *packet_len = 0;
    uint8_t *block = NULL;
    size_t size = 0;
    int rc = fc_heif_metadata(data, len, "mime", "application/rdf+xml", &block, &size);
    if (rc == -ENOENT) return 0;
    if (rc == -EINVAL) return fc_errorf(err, rc, "HEIF: unreadable");
    if (rc) return fc_errorf(err, rc, "HEIF XMP: %s", rc == -EFBIG ? "too large" : "out of memory");
    if (size > FC_XMP_MAX_PACKET) {
        free(block);
        return fc_errorf(err, -EFBIG, "HEIF XMP of %zu bytes (at most %zu)", size,
                         FC_XMP_MAX_PACKET);
    }
    char *text = realloc(block, size + 1); /* a NUL after it, as the other containers give */
    if (!text) {
        free(block);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    text[size] = 0;
    *packet = text, *packet_len = size;
    return 1;
}
