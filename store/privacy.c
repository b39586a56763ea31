/* Whether the store is private, as the README promises: mode 0600 files in a 0700 folder. */
#include "store/store_internal.h"

#include "core/util/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The folder of path, in buf. */
static int folder_of(const char *path, char *buf, size_t cap, char *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return snprintf(buf, cap, ".") < 0 ? -EIO : 0;
    const size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap) return fc_errorf(err, -ENAMETOOLONG, "path too long: %s", path);
    memcpy(buf, path, n);
    buf[n] = 0;
    return 0;
}

int fc_store_make_private(const char *db_path, char *note, size_t cap, char *err)
{
    char dir[4096], def[4096], def_dir[4096];
    note[0] = 0;
    int rc = folder_of(db_path, dir, sizeof dir, err);
    if (rc) return rc;
    rc = fc_store_make_dirs(dir, err);
    if (rc) return rc;
    /* only the default data folder is facecluster's to change: a folder the user chose
     * (--db elsewhere) may be shared on purpose, and gets a warning instead */
    if (fc_file_data_path(NULL, "faces.db", def, sizeof def, NULL) != 0 ||
        folder_of(def, def_dir, sizeof def_dir, NULL) != 0)
        return 0;
    struct stat here, there;
    if (stat(dir, &here) != 0 || stat(def_dir, &there) != 0) return 0;
    if (here.st_dev != there.st_dev || here.st_ino != there.st_ino) return 0;
    if ((here.st_mode & 077) == 0) return 0;
    if (chmod(dir, 0700) != 0)
        return fc_errorf(err, -errno, "cannot make %s private: %s", dir, strerror(errno));
    snprintf(note, cap, "made the data folder %s private (mode %03o, was %03o)", dir, 0700,
             (unsigned)(here.st_mode & 0777));
    return 1;
}

int fc_store_exposed(const char *db_path, char *msg, size_t cap)
{
    char dir[4096], file[4200];
    msg[0] = 0;
    if (folder_of(db_path, dir, sizeof dir, NULL) != 0) return 0;
    const char *const suffixes[] = {"", "-wal", "-shm", ".lock"};
    int exposed = 0;
    struct stat st;
    if (stat(dir, &st) == 0 && (st.st_mode & 077)) {
        exposed++;
        snprintf(msg, cap, "the store's folder %s is mode %03o, open to others: chmod 700 it", dir,
                 (unsigned)(st.st_mode & 0777));
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(file, sizeof file, "%s%s", db_path, suffixes[i]);
        if (stat(file, &st) != 0 || (st.st_mode & 044) == 0) continue;
        if (!exposed++)
            snprintf(msg, cap, "the store %s is mode %03o, readable by others: chmod 600 it", file,
                     (unsigned)(st.st_mode & 0777));
    }
    return exposed;
}
