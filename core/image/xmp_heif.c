/* The XMP packet of a HEIF photo: a "mime" metadata item of content type
 * application/rdf+xml attached to the primary image, read through libheif. */
#include "core/image/xmp.h"

#include "core/fc_error.h"

#include <errno.h>
#include <libheif/heif.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS 64

int fc_xmp_packet_heif(const uint8_t *data, size_t len, char **packet, size_t *packet_len,
                       char *err)
{
    *packet = NULL, *packet_len = 0;
    struct heif_context *ctx = heif_context_alloc();
    if (!ctx) return fc_errorf(err, -ENOMEM, "out of memory");
    struct heif_image_handle *handle = NULL;
    int rc = 0;
    struct heif_error he = heif_context_read_from_memory_without_copy(ctx, data, len, NULL);
    if (he.code == heif_error_Ok) he = heif_context_get_primary_image_handle(ctx, &handle);
    if (he.code != heif_error_Ok) {
        rc = fc_errorf(err, -EINVAL, "HEIF: %.200s", he.message ? he.message : "unreadable");
        goto cleanup;
    }
    heif_item_id ids[MAX_BLOCKS];
    int n = heif_image_handle_get_number_of_metadata_blocks(handle, "mime");
    if (n > MAX_BLOCKS) n = MAX_BLOCKS;
    n = n > 0 ? heif_image_handle_get_list_of_metadata_block_IDs(handle, "mime", ids, n) : 0;
    for (int i = 0; i < n; i++) {
        const char *type = heif_image_handle_get_metadata_content_type(handle, ids[i]);
        if (!type || strcmp(type, "application/rdf+xml")) continue;
        const size_t size = heif_image_handle_get_metadata_size(handle, ids[i]);
        if (size > FC_XMP_MAX_PACKET) {
            rc = fc_errorf(err, -EFBIG, "HEIF XMP of %zu bytes (at most %zu)", size,
                           FC_XMP_MAX_PACKET);
            goto cleanup;
        }
        char *buf = malloc(size + 1);
        if (!buf) {
            rc = fc_errorf(err, -ENOMEM, "out of memory");
            goto cleanup;
        }
        he = heif_image_handle_get_metadata(handle, ids[i], buf);
        if (he.code != heif_error_Ok) {
            free(buf);
            rc =
                fc_errorf(err, -EINVAL, "HEIF XMP: %.200s", he.message ? he.message : "unreadable");
            goto cleanup;
        }
        buf[size] = 0;
        *packet = buf, *packet_len = size;
        rc = 1;
        break;
    }
cleanup:
    if (handle) heif_image_handle_release(handle);
    heif_context_free(ctx);
    return rc;
}
