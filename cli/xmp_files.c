/* The files around XMP regions (cli/xmp.h): the photo's first bytes and its sidecars. */
#include "cli/xmp.h"

#include "core/fc_error.h"
#include "core/image/exif.h"
#include "core/util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_xmp_orientation(const uint8_t *data, size_t len)
{
    if (fc_image_sniff(data, len) != FC_FORMAT_JPEG) return 1;
    fc_exif exif;
    fc_exif_read(data, len, &exif);
    return exif.orientation;
}

int cli_xmp_read_head(const char *path, size_t max, uint8_t **data, size_t *len, char *err)
{
    int fd;
    struct stat st;
    *data = NULL, *len = 0;
    int rc = fc_file_open_regular(path, &fd, &st, err);
    if (rc) return rc;
    const size_t want = (size_t)st.st_size < max ? (size_t)st.st_size : max;
    uint8_t *buf = malloc(want ? want : 1);
    size_t got = 0;
    while (buf && got < want) {
        const ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    const int read_errno = errno;
    close(fd);
    if (!buf) return fc_errorf(err, -ENOMEM, "out of memory");
    if (got < want && got == 0 && want) {
        free(buf);
        return fc_errorf(err, -read_errno, "%.200s: %s", path, strerror(read_errno));
    }
    *data = buf, *len = got;
    return 0;
}

int cli_xmp_sidecars(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err)
{
    char all[2][FC_XMP_PATH_MAX];
    const int n = fc_xmp_sidecar_paths(photo, all, err);
    if (n < 0) return n;
    int found = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(all[i], photo) && stat(all[i], &st) == 0 && S_ISREG(st.st_mode))
            memcpy(paths[found++], all[i], FC_XMP_PATH_MAX);
    }
    return found;
}
