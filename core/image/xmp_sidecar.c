/* Which sidecar files describe a photo (xmp.h). NAME.EXT.xmp comes first: digiKam and
 * darktable write it, digiKam reads it before NAME.xmp, and Immich prefers it when both
 * exist; Lightroom's NAME.xmp is shared by every photo named NAME (IMG_1.CR2 and IMG_1.JPG),
 * so it is the weaker claim. */
#include "core/image/xmp.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
