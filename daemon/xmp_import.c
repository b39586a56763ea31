#include "daemon/xmp_import.h"

#include "daemon/log.h"
#include "daemon/scan.h"

#include "core/image/exif.h"
#include "core/image/xmp.h"
#include "core/nets/detect.h"
#include "core/util/file.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* A packet's regions as the store takes them. A program that writes both kinds (digiKam,
 * Windows) names each face twice, once as MWG and once as Microsoft: the second is the
 * same decision, left out. */
static int take_regions(const fc_xmp_regions *r, xmp_source *s)
{
    s->regions = calloc((size_t)(r->n ? r->n : 1), sizeof *s->regions);
    if (!s->regions) return -ENOMEM;
    for (int i = 0; i < r->n; i++) {
        const fc_xmp_region *x = &r->region[i];
        int twice = 0;
        for (int j = 0; j < i && !twice; j++)
            twice = r->region[j].kind != x->kind && strcmp(r->region[j].name, x->name) == 0 &&
                    fc_box_region_match(r->region[j].box, x->box) > 0;
        if (twice) continue;
        fc_store_region *out = &s->regions[s->n];
        if (!(out->name = strdup(x->name))) return -ENOMEM;
        for (int k = 0; k < 4; k++) out->box[k] = (float)x->box[k];
        out->ours = x->ours; /* facecluster's own, written from the store: no decision */
        s->n++;
    }
    return 0;
}

/* Reads one source: 1 when it was read (its regions in s), 0 when it is to be left out. */
static int read_source(const char *path, const char *packet, size_t len, int orientation,
                       xmp_source *s)
{
    fc_xmp_regions r = {0};
    char err[FC_ERR_MAX];
    int rc = fc_xmp_regions_parse(packet, len, orientation, &r, err);
    if (rc) {
        log_path(LOG_WARNING, path, "face names not read: %s", err);
        return 0;
    }
    if (r.skipped)
        log_path(LOG_WARNING, path, "%d face %s left out: %s", r.skipped,
                 r.skipped == 1 ? "region" : "regions", r.note);
    rc = take_regions(&r, s);
    fc_xmp_regions_free(&r);
    if (!rc && (s->path = strdup(path))) return 1;
    for (int i = 0; i < s->n; i++) free((char *)s->regions[i].name);
    free(s->regions);
    s->regions = NULL, s->n = 0;
    return 0;
}

static void add_marked(xmp_found *f, const fc_store_region *r)
{
    const double box[4] = {r->box[0], r->box[1], r->box[2], r->box[3]};
    for (int i = 0; i < f->n_marked; i++) {
        const double seen[4] = {f->marked[i][0], f->marked[i][1], f->marked[i][2], f->marked[i][3]};
        if (fc_box_region_match(seen, box) > 0) return;
    }
    float(*grown)[4] = realloc(f->marked, (size_t)(f->n_marked + 1) * sizeof *grown);
    if (!grown) return;
    f->marked = grown;
    memcpy(f->marked[f->n_marked++], r->box, sizeof r->box);
}

static void free_source(xmp_source *s)
{
    for (int i = 0; i < s->n; i++) free((char *)s->regions[i].name);
    free(s->regions);
    free(s->path);
    memset(s, 0, sizeof *s);
}

void xmp_import_read(const char *path, const uint8_t *data, size_t len, xmp_found *out)
{
    memset(out, 0, sizeof *out);
    fc_exif exif;
    fc_exif_read(data, len, &exif); /* HEIF says 1: its container turned it, not EXIF */
    char err[FC_ERR_MAX];
    char *packet = NULL;
    size_t packet_len = 0;
    const int found = fc_xmp_packet_find(data, len, &packet, &packet_len, err);
    if (found < 0) log_path(LOG_WARNING, path, "face names not read: %s", err);
    if (found > 0 && read_source(path, packet, packet_len, exif.orientation, &out->source[0]))
        out->count++;
    else if (found == 0 && (out->source[0].path = strdup(path)))
        out->count++; /* no XMP: no names of its own */
    free(packet);
    char sidecars[2][FC_XMP_PATH_MAX];
    const int n = fc_xmp_sidecar_locate(path, sidecars, err);
    /* NAME.xmp first, NAME.EXT.xmp last: the one digiKam and darktable keep wins */
    for (int i = n - 1; i >= 0; i--) {
        uint8_t *bytes = NULL;
        size_t size = 0;
        struct stat st;
        xmp_source *s = &out->source[out->count];
        memset(s, 0, sizeof *s); /* a slot a failed read left behind */
        s->sidecar = 1;
        const int rc = fc_file_read_stat(sidecars[i], FC_XMP_MAX_PACKET, &bytes, &size, &st, err);
        if (rc == -ENOENT) {
            if ((s->path = strdup(sidecars[i]))) out->count++; /* none: its names go */
            continue;
        }
        if (rc) {
            log_path(LOG_WARNING, sidecars[i], "face names not read: %s", err);
            free(bytes);
            continue;
        }
        s->present = 1;
        s->ident = scan_identity(&st);
        if (read_source(sidecars[i], (const char *)bytes, size, exif.orientation, s)) out->count++;
        free(bytes);
    }
    for (int i = 0; i < out->count; i++)
        for (int k = 0; k < out->source[i].n; k++)
            if (!out->source[i].regions[k].ours) add_marked(out, &out->source[i].regions[k]);
}

void xmp_found_free(xmp_found *f)
{
    for (int i = 0; i < f->count; i++) free_source(&f->source[i]);
    free(f->marked);
    memset(f, 0, sizeof *f);
}

void xmp_import_apply(fc_store *store, int64_t photo, const xmp_found *f)
{
    for (int i = 0; i < f->count; i++) {
        const xmp_source *s = &f->source[i];
        fc_store_import did;
        char err[FC_ERR_MAX];
        if (fc_store_regions_put(store, photo, s->path, s->regions, s->n, &did, err) != 0 ||
            (s->sidecar &&
             fc_store_sidecar_put(store, s->path, s->present ? &s->ident : NULL, err) != 0)) {
            log_path(LOG_ERR, s->path, "face names not recorded: %s", err);
            continue;
        }
        if (did.applied || did.removed)
            log_path(LOG_INFO, s->path, "face names: %d applied, %d withdrawn", did.applied,
                     did.removed);
        if (did.contradicted)
            log_path(LOG_WARNING, s->path,
                     "%d face %s against what you decided in facecluster: not applied "
                     "(facecluster status lists them)",
                     did.contradicted, did.contradicted == 1 ? "name" : "names");
    }
}

int xmp_is_sidecar(const char *name)
{
    const size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".xmp") == 0;
}

void xmp_sidecar_photos(const char *path, int (*wanted)(const char *name),
                        void (*fn)(void *ctx, const char *photo), void *ctx)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !xmp_is_sidecar(slash + 1)) return;
    char dir[FC_XMP_PATH_MAX], stem[FC_XMP_PATH_MAX];
    const size_t dir_len = (size_t)(slash - path), stem_len = strlen(slash + 1) - 4;
    if (dir_len >= sizeof dir || stem_len >= sizeof stem || stem_len == 0) return;
    memcpy(dir, path, dir_len), dir[dir_len] = 0;
    memcpy(stem, slash + 1, stem_len), stem[stem_len] = 0;
    DIR *d = opendir(dir_len ? dir : "/");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, stem, stem_len) != 0 || (name[stem_len] && name[stem_len] != '.') ||
            xmp_is_sidecar(name) || !wanted(name))
            continue;
        char photo[FC_XMP_PATH_MAX];
        if ((size_t)snprintf(photo, sizeof photo, "%s/%s", dir, name) >= sizeof photo) continue;
        struct stat st;
        if (lstat(photo, &st) == 0 && S_ISREG(st.st_mode)) fn(ctx, photo);
    }
    closedir(d);
}
