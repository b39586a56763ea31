/* facecluster xmp read PATH...: the named face regions a photo carries, in its own XMP and
 * in each sidecar beside it, turned upright (core/image/xmp.h). What a later import reads. */
#include "cli/xmp.h"

#include "core/fc_error.h"
#include "core/util/file.h"

#include <stdlib.h>
#include <string.h>

static const char *kind_name(fc_xmp_kind kind)
{
    return kind == FC_XMP_MWG ? "mwg" : "mp";
}

static void print_region(const char *photo, const char *source, const fc_xmp_region *g, int json)
{
    if (json) {
        json_t *area = json_array();
        for (int k = 0; k < 4; k++) json_array_append_new(area, cli_json_number(g->box[k], 6));
        cli_json_print(
            json_pack("{s:o, s:o, s:s, s:o, s:o, s:o}", "photo", cli_json_text(photo), "source",
                      cli_json_text(source), "kind", kind_name(g->kind), "name",
                      cli_json_text(g->name), "area", area, "dims",
                      g->has_dims ? json_pack("[i, i]", g->dims[0], g->dims[1]) : json_null()));
        return;
    }
    fc_text_escape(stdout, photo);
    printf("  %-3s  %.4f %.4f %.4f %.4f  ", kind_name(g->kind), g->box[0], g->box[1], g->box[2],
           g->box[3]);
    fc_text_escape(stdout, g->name);
    fputs("  (", stdout);
    fc_text_escape(stdout, source);
    fputs(")\n", stdout);
}

/* Parses one packet and prints its regions; 0, or -1 after saying why it failed. */
static int show(const cli_command *cmd, const char *photo, const char *source, const char *packet,
                size_t len, int orientation, int json)
{
    char err[FC_ERR_MAX] = "";
    fc_xmp_regions r;
    if (fc_xmp_regions_parse(packet, len, orientation, &r, err)) {
        cli_warn(cmd, source, err);
        return -1;
    }
    for (int i = 0; i < r.n; i++) print_region(photo, source, &r.region[i], json);
    if (r.skipped) {
        char note[FC_ERR_MAX + 64];
        snprintf(note, sizeof note, "%d %s skipped: %s", r.skipped,
                 fc_plural(r.skipped, "region", "regions"), r.note);
        cli_warn(cmd, source, note);
    }
    fc_xmp_regions_free(&r);
    return 0;
}

static int read_one(const cli_command *cmd, const char *photo, int json)
{
    char err[FC_ERR_MAX] = "";
    uint8_t *data = NULL;
    size_t len = 0;
    if (fc_file_read(photo, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err)) {
        cli_warn(cmd, photo, err);
        return -1;
    }
    const int orientation = fc_xmp_orientation(data, len);
    char *packet = NULL;
    size_t plen = 0;
    int failed = 0;
    const int found = fc_xmp_packet_find(data, len, &packet, &plen, err);
    free(data);
    if (found < 0) cli_warn(cmd, photo, err), failed = 1;
    if (found == 1) failed |= show(cmd, photo, "embedded", packet, plen, orientation, json) != 0;
    free(packet);
    char sidecars[2][FC_XMP_PATH_MAX];
    const int n = fc_xmp_sidecars_present(photo, sidecars, err);
    if (n < 0) cli_warn(cmd, photo, err), failed = 1;
    for (int i = 0; i < n; i++) {
        uint8_t *bytes = NULL;
        if (fc_file_read(sidecars[i], FC_XMP_MAX_PACKET, &bytes, &plen, err)) {
            cli_warn(cmd, sidecars[i], err);
            failed = 1;
            continue;
        }
        failed |= show(cmd, photo, sidecars[i], (const char *)bytes, plen, orientation, json) != 0;
        free(bytes);
    }
    return failed ? -1 : 0;
}

int cli_xmp_read(const cli_command *cmd, char **paths, int count, int json)
{
    int failed = 0;
    for (int i = 0; i < count; i++) failed |= read_one(cmd, paths[i], json) != 0;
    return failed ? CLI_FAILED : CLI_OK;
}
