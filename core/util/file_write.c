/* Writing an output file without ever destroying what its path named before: the one way
 * facecluster writes a file (file.h). */
#include "core/util/file.h"

#include "core/fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* SQLite keeps these beside a database; writing over one corrupts or loses it. */
static const char *const sqlite_companions[] = {"", "-wal", "-shm", "-journal"};
#define NUM_COMPANIONS (sizeof sqlite_companions / sizeof sqlite_companions[0])

/* Splits path into its folder (".": none given) and its last component. */
static int split_path(const char *path, char *dir, size_t cap, const char **base, char *err)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!**base) return fc_errorf(err, -EISDIR, "%.200s names a folder, not a file", path);
    const size_t n = slash ? (size_t)(slash - path) : 0;
    if (n + 2 > cap) return fc_errorf(err, -ENAMETOOLONG, "path too long: %.200s", path);
    if (!slash)
        strcpy(dir, ".");
    else if (n == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, n);
        dir[n] = 0;
    }
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the entry `base` in the folder dir_st (target: what it is now, or NULL) is one
 * of the protected files or their companions, by name or by identity; which one goes to
 * which (cap bytes). */
static int is_protected(const struct stat *dir_st, const char *base, const struct stat *target,
                        const char *const *protect, char *which, size_t cap)
{
    for (; protect && *protect; protect++) {
        char dir[PATH_MAX], path[PATH_MAX + 16];
        const char *pbase;
        struct stat st;
        if (split_path(*protect, dir, sizeof dir, &pbase, NULL) != 0) continue;
        const int same_dir = stat(dir, &st) == 0 && same_file(&st, dir_st);
        for (size_t c = 0; c < NUM_COMPANIONS; c++) {
            snprintf(path, sizeof path, "%s%s", *protect, sqlite_companions[c]);
            if ((same_dir && strcmp(base, path + (pbase - *protect)) == 0) ||
                (target && stat(path, &st) == 0 && same_file(&st, target))) {
                snprintf(which, cap, "%s", path);
                return 1;
            }
        }
    }
    return 0;
}

static int starts_with(int fd, const void *magic, size_t len)
{
    uint8_t head[64];
    if (len > sizeof head) len = sizeof head;
    size_t got = 0;
    while (got < len) {
        const ssize_t n = pread(fd, head + got, len - got, (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got == len && memcmp(head, magic, len) == 0;
}

/* The check, also telling the folder and the mode a replaced file had (0: a new file). */
static int check_output(const char *path, const fc_file_output *how, char *dir, size_t cap,
                        mode_t *mode, char *err)
{
    const char *base;
    struct stat dir_st, st;
    int rc = split_path(path, dir, cap, &base, err);
    if (rc) return rc;
    if (stat(dir, &dir_st) != 0)
        return fc_errorf(err, -errno, "cannot write %.200s: %s", path, strerror(errno));
    if (!S_ISDIR(dir_st.st_mode))
        return fc_errorf(err, -ENOTDIR, "cannot write %.200s: %.200s is not a folder", path, dir);
    *mode = 0;
    const int exists = lstat(path, &st) == 0;
    if (!exists && errno != ENOENT)
        return fc_errorf(err, -errno, "cannot write %.200s: %s", path, strerror(errno));
    char which[PATH_MAX + 16];
    if (is_protected(&dir_st, base, exists ? &st : NULL, how->protect, which, sizeof which))
        return fc_errorf(err, -EPERM,
                         "refusing to write over %.100s: it is %.100s, facecluster's own", path,
                         which);
    if (!exists) return 0;
    const char *what = S_ISLNK(st.st_mode)    ? "a symbolic link"
                       : S_ISDIR(st.st_mode)  ? "a folder"
                       : S_ISCHR(st.st_mode)  ? "a device"
                       : S_ISBLK(st.st_mode)  ? "a device"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : NULL;
    if (what)
        return fc_errorf(err, -EPERM, "refusing to write over %.200s: it is %s, not a file", path,
                         what);
    *mode = st.st_mode & 07777;
    if (how->force || !how->magic_len) return 0;
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    const int ours = fd >= 0 && starts_with(fd, how->magic, how->magic_len);
    if (fd >= 0) close(fd);
    if (!ours)
        return fc_errorf(err, -EEXIST,
                         "refusing to replace %.200s: it holds something else (--force replaces "
                         "it)",
                         path);
    return 0;
}

int fc_file_output_check(const char *path, const fc_file_output *how, char *err)
{
    char dir[PATH_MAX];
    mode_t mode;
    return check_output(path, how, dir, sizeof dir, &mode, err);
}

/* A new file beside the target with a name no one else uses; O_EXCL so that nothing a
 * name already points to (a link planted there) is opened. */
static int create_temporary(const char *dir, char *tmp, size_t cap, char *err)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned seed = (unsigned)now.tv_nsec ^ (unsigned)getpid() << 16;
    for (int attempt = 0; attempt < 100; attempt++) {
        seed = seed * 1103515245u + 12345u;
        if (snprintf(tmp, cap, "%s/.facecluster-%ld-%08x.tmp", dir, (long)getpid(), seed) >=
            (int)cap)
            return fc_errorf(err, -ENAMETOOLONG, "path too long in %.200s", dir);
        const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd >= 0 || errno != EEXIST) {
            if (fd < 0)
                return fc_errorf(err, -errno, "cannot write in %.200s: %s", dir, strerror(errno));
            return fd;
        }
    }
    return fc_errorf(err, -EEXIST, "cannot make a temporary file in %.200s", dir);
}

static int write_all(int fd, const uint8_t *bytes, size_t len)
{
    for (size_t put = 0; put < len;) {
        const ssize_t n = write(fd, bytes + put, len - put);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        put += (size_t)n;
    }
    return 0;
}

int fc_file_write_atomic(const char *path, const void *bytes, size_t len, const fc_file_output *how,
                         char *err)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 64];
    mode_t mode;
    int rc = check_output(path, how, dir, sizeof dir, &mode, err);
    if (rc) return rc;
    const int fd = create_temporary(dir, tmp, sizeof tmp, err);
    if (fd < 0) return fd;
    if ((rc = write_all(fd, bytes, len)) != 0)
        fc_errorf(err, rc, "cannot write %.200s: %s", path, strerror(-rc));
    else if (mode && fchmod(fd, mode) != 0)
        rc = fc_errorf(err, -errno, "cannot write %.200s: %s", path, strerror(errno));
    else if (fsync(fd) != 0)
        rc = fc_errorf(err, -errno, "cannot flush %.200s: %s", path, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = fc_errorf(err, -errno, "cannot write %.200s: %s", path, strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = fc_errorf(err, -errno, "cannot write %.200s: %s", path, strerror(errno));
    if (rc) {
        unlink(tmp);
        return rc;
    }
    /* the rename itself is durable only once its folder is flushed */
    const int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0 || fsync(dir_fd) != 0)
        rc = fc_errorf(err, -errno, "cannot flush %.200s: %s", dir, strerror(errno));
    if (dir_fd >= 0) close(dir_fd);
    return rc;
}
