/* Which sidecar files describe a photo (xmp.h). NAME.EXT.xmp comes first: digiKam and
 * darktable write it, digiKam reads it before NAME.xmp, and Immich prefers it when both
 * exist; Lightroom's NAME.xmp is shared by every photo named NAME (IMG_1.CR2 and IMG_1.JPG),
 * so it is the weaker claim. */
#include "core/image/xmp.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int fc_xmp_sidecar_paths(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err)
{
    const int n = snprintf(paths[0], FC_XMP_PATH_MAX, "%s.xmp", photo);
    if (n < 0 || n >= FC_XMP_PATH_MAX)
        return fc_errorf(err, -ENAMETOOLONG, "path too long: %.200s", photo);
    const char *slash = strrchr(photo, '/');
    const char *base = slash ? slash + 1 : photo;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return 1; /* no extension (".hidden" is a name, not one) */
    snprintf(paths[1], FC_XMP_PATH_MAX, "%.*s.xmp", (int)(dot - photo), photo);
    return 2;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* fc_xmp_sidecar_locate, also saying which of the paths exist (each stat'ed once). */
static int locate(const char *photo, char paths[2][FC_XMP_PATH_MAX], int exists[2], char *err)
{
    const int n = fc_xmp_sidecar_paths(photo, paths, err);
    for (int i = 0; i < n; i++) {
        exists[i] = is_file(paths[i]);
        if (exists[i]) continue;
        /* a camera or a Windows tool may have written it in capitals */
        char upper[FC_XMP_PATH_MAX];
        const size_t len = strlen(paths[i]);
        memcpy(upper, paths[i], len + 1);
        memcpy(upper + len - 4, ".XMP", 4);
        if ((exists[i] = is_file(upper))) memcpy(paths[i], upper, len + 1);
    }
    return n;
}

int fc_xmp_sidecar_locate(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err)
{
    int exists[2];
    return locate(photo, paths, exists, err);
}

int fc_xmp_sidecars_present(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err)
{
    char all[2][FC_XMP_PATH_MAX];
    int exists[2];
    const int n = locate(photo, all, exists, err);
    int found = 0;
    for (int i = 0; i < n; i++)
        if (exists[i] && strcmp(all[i], photo)) memcpy(paths[found++], all[i], FC_XMP_PATH_MAX);
    return n < 0 ? n : found;
}
