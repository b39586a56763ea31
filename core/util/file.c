#include "core/util/file.h"

#include "core/fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fc_file_open_regular(const char *path, int *fd, struct stat *st, char *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (*fd < 0) return fc_errorf(err, -errno, "cannot open: %s", strerror(errno));
    int rc = 0;
    if (fstat(*fd, st) != 0)
        rc = fc_errorf(err, -errno, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(st->st_mode))
        rc = fc_errorf(err, -EINVAL, "not a regular file");
    else if (fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) != 0)
        rc = fc_errorf(err, -errno, "cannot use: %s", strerror(errno));
    if (rc) {
        close(*fd);
        *fd = -1;
    }
    return rc;
}

/* Reads a regular file's first bytes: all of it when it holds at most max_bytes, else
 * (whole 0) its first max_bytes or (whole 1) -EFBIG. */
static int read_regular(const char *path, size_t max_bytes, int whole, uint8_t **data, size_t *len,
                        struct stat *stat_out, char *err)
{
    *data = NULL;
    *len = 0;
    struct stat st;
    int fd, rc = fc_file_open_regular(path, &fd, &st, err);
    if (!rc) *stat_out = st;
    if (rc) return rc;
    uint8_t *buf = NULL;
    if (whole && (uint64_t)st.st_size > max_bytes) {
        rc = fc_errorf(err, -EFBIG, "file too large (%lld bytes)", (long long)st.st_size);
        goto done;
    }
    size_t size = (uint64_t)st.st_size > max_bytes ? max_bytes : (size_t)st.st_size;
    buf = malloc(size ? size : 1);
    if (!buf) {
        rc = fc_errorf(err, -ENOMEM, "out of memory reading %zu bytes", size);
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = fc_errorf(err, -errno, "read failed: %s", strerror(errno));
            goto done;
        }
        if (n == 0) break; /* shrank while reading: the decoder will say what is missing */
        got += (size_t)n;
    }
    *data = buf;
    *len = got;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc;
}

int fc_file_read(const char *path, size_t max_bytes, uint8_t **data, size_t *len, char *err)
{
    struct stat st;
    return read_regular(path, max_bytes, 1, data, len, &st, err);
}

int fc_file_read_stat(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                      struct stat *stat_out, char *err)
{
    return read_regular(path, max_bytes, 1, data, len, stat_out, err);
}

int fc_file_read_head(const char *path, size_t max_bytes, uint8_t **data, size_t *len, char *err)
{
    struct stat st;
    return read_regular(path, max_bytes, 0, data, len, &st, err);
}

int fc_file_data_path(const char *env_var, const char *name, char *buf, size_t cap, char *err)
{
    const char *env = env_var ? getenv(env_var) : NULL, *xdg = getenv("XDG_DATA_HOME"),
               *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(buf, cap, "%s", env);
    else if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/facecluster/%s", xdg, name);
    else if (home && *home)
        n = snprintf(buf, cap, "%s/.local/share/facecluster/%s", home, name);
    else
        return fc_errorf(err, -ENOENT, "no place for %s: set %s%sHOME", name,
                         env_var ? env_var : "", env_var ? " or " : "");
    if (n < 0 || (size_t)n >= cap)
        return fc_errorf(err, -ENAMETOOLONG, "the path of %s is too long", name);
    return 0;
}

/* Appends a copy of the first len bytes of dir + suffix to the NULL-terminated list. */
static int add_place(char ***list, int *count, const char *dir, size_t len, const char *suffix)
{
    while (len > 1 && dir[len - 1] == '/') len--; /* "/usr/share/" as "/usr/share" */
    char **grown = realloc(*list, (size_t)(*count + 2) * sizeof *grown);
    if (!grown) return -ENOMEM;
    *list = grown;
    if (asprintf(&grown[*count], "%.*s%s", (int)len, dir, suffix) < 0) {
        grown[*count] = NULL;
        return -ENOMEM;
    }
    grown[++*count] = NULL;
    return 0;
}

int fc_file_data_places(const char *env_var, const char *name, char ***places, char *err)
{
    char own[4096], suffix[256];
    const char *env = getenv(env_var), *dirs = getenv("XDG_DATA_DIRS");
    char **list = calloc(1, sizeof *list);
    int count = 0, rc = list ? 0 : -ENOMEM;
    if (!rc && snprintf(suffix, sizeof suffix, "/facecluster/%s", name) >= (int)sizeof suffix)
        rc = fc_errorf(err, -ENAMETOOLONG, "the name %s is too long", name);
    int has_own = !rc && fc_file_data_path(env_var, name, own, sizeof own, err) == 0;
    if (!rc && has_own) rc = add_place(&list, &count, own, strlen(own), "");
    if (!rc && !(env && *env)) {
        if (!dirs || !*dirs) dirs = "/usr/local/share:/usr/share";
        for (const char *p = dirs; *p && !rc;) {
            size_t len = strcspn(p, ":");
            if (p[0] == '/') rc = add_place(&list, &count, p, len, suffix); /* others: invalid */
            p += len + (p[len] == ':');
        }
    }
    if (!rc && count == 0) rc = fc_errorf(err, -ENOENT, "no place to look for %s", name);
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    if (rc) {
        fc_file_places_free(list);
        list = NULL;
    }
    *places = list;
    return rc;
}

void fc_file_places_free(char **places)
{
    for (char **p = places; p && *p; p++) free(*p);
    free(places);
}
