/* Fuzz target: untrusted bytes as a photo carrying XMP and as an XMP packet (an embedded one
 * or a sidecar): finding the packet, listing its regions and merging named faces into it
 * never crash or leak, list only boxes inside the upright photo, and what is written reads
 * back with the face in it. */
#include "core/fc_error.h"
#include "core/image/xmp.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void regions(const char *packet, size_t len, int orientation)
{
    fc_xmp_regions r;
    char err[FC_ERR_MAX] = "";
    if (fc_xmp_regions_parse(packet, len, orientation, &r, err)) {
        if (r.n || r.region || !err[0]) abort(); /* a failure lists nothing and says why */
        return;
    }
    for (int i = 0; i < r.n; i++) {
        const double *b = r.region[i].box;
        for (int k = 0; k < 4; k++)
            if (!isfinite(b[k]) || b[k] < 0 || b[k] > 1) abort();
        if (b[2] <= 0 || b[3] <= 0 || b[0] + b[2] > 1 + 1e-9 || b[1] + b[3] > 1 + 1e-9) abort();
        if (!r.region[i].name || !r.region[i].name[0]) abort();
    }
    fc_xmp_regions_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int orientation = size ? 1 + data[size - 1] % 8 : 1;
    char *packet = NULL, err[FC_ERR_MAX];
    size_t len = 0;
    const int found = fc_xmp_packet_find(data, size, &packet, &len, err);
    if (found == 1)
        regions(packet, len, orientation);
    else if (packet)
        abort();
    free(packet);
    regions((const char *)data, size, orientation);

    const fc_xmp_face face = {"Fuzz", {0.25, 0.25, 0.5, 0.5}};
    const fc_xmp_photo photo = {640, 480, orientation};
    char *out = NULL;
    size_t out_len = 0;
    if (fc_xmp_regions_write((const char *)data, size, &photo, &face, 1, &out, &out_len, err) ==
        0) {
        fc_xmp_regions r;
        int seen = 0;
        if (fc_xmp_regions_parse(out, out_len, orientation, &r, err)) abort();
        for (int i = 0; i < r.n; i++) seen += !strcmp(r.region[i].name, "Fuzz");
        fc_xmp_regions_free(&r);
        if (seen < 2) abort(); /* ours, as MWG and as Microsoft (another program may have one) */
    } else if (out) {
        abort();
    }
    free(out);
    return 0;
}
