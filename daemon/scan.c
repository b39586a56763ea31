#include "daemon/scan.h"

#include "daemon/log.h"
#include "daemon/xmp_import.h"

#include "core/util/text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Directories deeper than this below a root are not entered (a bound on the walk's
 * stack and on pathological trees). */
#define SCAN_MAX_DEPTH 64

fc_file_identity scan_identity(const struct stat *st)
{
    return (fc_file_identity){.device = (uint64_t)st->st_dev,
                              .inode = (uint64_t)st->st_ino,
                              .size = (int64_t)st->st_size,
                              .mtime_ns =
                                  (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec};
}

int scan_wanted_name(const char *name)
{
    if (name[0] == '.') return 0;
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0 ||
                   strcasecmp(dot, ".ppm") == 0);
}

const char *const scan_skip_names[SCAN_SKIPS] = {
    [SCAN_SKIP_HEIC] = "heic",   [SCAN_SKIP_PNG] = "png",
    [SCAN_SKIP_WEBP] = "webp",   [SCAN_SKIP_TIFF] = "tiff",
    [SCAN_SKIP_RAW] = "raw",     [SCAN_SKIP_VIDEO] = "video",
    [SCAN_SKIP_OTHER] = "other", [SCAN_SKIP_TOO_LONG] = "path_too_long",
};

enum scan_skip scan_skip_kind(const char *name)
{
    static const struct {
        const char *ext;
        enum scan_skip kind;
    } kinds[] = {
        {"heic", SCAN_SKIP_HEIC},  {"heif", SCAN_SKIP_HEIC},  {"hif", SCAN_SKIP_HEIC},
        {"png", SCAN_SKIP_PNG},    {"webp", SCAN_SKIP_WEBP},  {"tif", SCAN_SKIP_TIFF},
        {"tiff", SCAN_SKIP_TIFF},  {"dng", SCAN_SKIP_RAW},    {"cr2", SCAN_SKIP_RAW},
        {"cr3", SCAN_SKIP_RAW},    {"crw", SCAN_SKIP_RAW},    {"nef", SCAN_SKIP_RAW},
        {"nrw", SCAN_SKIP_RAW},    {"arw", SCAN_SKIP_RAW},    {"srf", SCAN_SKIP_RAW},
        {"sr2", SCAN_SKIP_RAW},    {"orf", SCAN_SKIP_RAW},    {"rw2", SCAN_SKIP_RAW},
        {"raf", SCAN_SKIP_RAW},    {"pef", SCAN_SKIP_RAW},    {"srw", SCAN_SKIP_RAW},
        {"x3f", SCAN_SKIP_RAW},    {"3fr", SCAN_SKIP_RAW},    {"mp4", SCAN_SKIP_VIDEO},
        {"m4v", SCAN_SKIP_VIDEO},  {"mov", SCAN_SKIP_VIDEO},  {"avi", SCAN_SKIP_VIDEO},
        {"mkv", SCAN_SKIP_VIDEO},  {"webm", SCAN_SKIP_VIDEO}, {"3gp", SCAN_SKIP_VIDEO},
        {"mts", SCAN_SKIP_VIDEO},  {"m2ts", SCAN_SKIP_VIDEO}, {"mpg", SCAN_SKIP_VIDEO},
        {"mpeg", SCAN_SKIP_VIDEO}, {"wmv", SCAN_SKIP_VIDEO},  {"flv", SCAN_SKIP_VIDEO},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
            if (strcasecmp(dot + 1, kinds[i].ext) == 0) return kinds[i].kind;
    return SCAN_SKIP_OTHER;
}

void scan_skip_summary(const long skipped[SCAN_SKIPS], char *buf, size_t cap)
{
    long total = 0;
    for (int k = 0; k < SCAN_SKIPS; k++) total += skipped[k];
    size_t n = (size_t)snprintf(buf, cap, "skipped %ld other %s", total,
                                fc_plural(total, "file", "files"));
    for (int k = 0, first = 1; k < SCAN_SKIPS && n < cap; k++) {
        if (!skipped[k]) continue;
        n += (size_t)snprintf(buf + n, cap - n, "%s%ld ", first ? ": " : ", ", skipped[k]);
        first = 0;
        for (const char *c = scan_skip_names[k]; *c && n + 1 < cap; c++)
            buf[n++] = *c == '_' ? ' ' : *c; /* "path too long" */
        buf[n < cap ? n : cap - 1] = 0;
    }
}

static int add(scan_entry **items, size_t *count, size_t *cap, const char *path,
               const struct stat *st)
{
    if (*count == *cap) {
        size_t bigger = *cap ? 2 * *cap : 256;
        scan_entry *grown = realloc(*items, bigger * sizeof *grown);
        if (!grown) return -ENOMEM;
        *items = grown, *cap = bigger;
    }
    char *copy = strdup(path);
    if (!copy) return -ENOMEM;
    (*items)[(*count)++] = (scan_entry){copy, scan_identity(st)};
    return 0;
}

typedef struct {
    dev_t dev;
    ino_t ino;
    int used;
} dir_key;

typedef struct {
    scan_list *out;
    scan_dir_fn on_dir;
    void *ctx;
    /* directories entered, by (device, inode), in an open-addressing set: a bind mount
     * cannot make us walk a tree twice */
    dir_key *seen;
    size_t seen_count, seen_cap; /* cap a power of two */
} walk;

static size_t slot_of(const walk *w, dev_t dev, ino_t ino)
{
    size_t h = ((size_t)dev * 0x9E3779B97F4A7C15u) ^ (size_t)ino * 0xC2B2AE3D27D4EB4Fu;
    size_t i = h & (w->seen_cap - 1);
    while (w->seen[i].used && (w->seen[i].dev != dev || w->seen[i].ino != ino))
        i = (i + 1) & (w->seen_cap - 1);
    return i;
}

/* 1 the first time a directory is met, 0 after, -ENOMEM. */
static int first_visit(walk *w, const struct stat *st)
{
    if (2 * (w->seen_count + 1) > w->seen_cap) {
        walk bigger = *w;
        bigger.seen_cap = w->seen_cap ? 2 * w->seen_cap : 64;
        bigger.seen = calloc(bigger.seen_cap, sizeof *bigger.seen);
        if (!bigger.seen) return -ENOMEM;
        for (size_t i = 0; i < w->seen_cap; i++)
            if (w->seen[i].used)
                bigger.seen[slot_of(&bigger, w->seen[i].dev, w->seen[i].ino)] = w->seen[i];
        free(w->seen);
        w->seen = bigger.seen, w->seen_cap = bigger.seen_cap;
    }
    const size_t i = slot_of(w, st->st_dev, st->st_ino);
    if (w->seen[i].used) return 0;
    w->seen[i] = (dir_key){st->st_dev, st->st_ino, 1};
    w->seen_count++;
    return 1;
}

/* fd is open on the directory path (owned here). */
static int walk_dir(walk *w, int fd, const char *path, int depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    if (w->on_dir) w->on_dir(w->ctx, path);
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* hidden, and . and .. */
        char child[4096];
        if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= sizeof child) {
            log_path(LOG_WARNING, path, "a name in this folder is too long; skipped");
            w->out->skipped[SCAN_SKIP_TOO_LONG]++;
            continue;
        }
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue; /* gone */
        if (S_ISREG(st.st_mode)) {
            scan_list *o = w->out;
            if (scan_wanted_name(e->d_name))
                rc = add(&o->items, &o->count, &o->cap, child, &st);
            else if (xmp_is_sidecar(e->d_name)) /* read with its photo, not skipped */
                rc = add(&o->sidecars.items, &o->sidecars.count, &o->sidecars.cap, child, &st);
            else
                w->out->skipped[scan_skip_kind(e->d_name)]++;
        } else if (S_ISDIR(st.st_mode) && depth < SCAN_MAX_DEPTH) {
            int first = first_visit(w, &st);
            if (first < 0) rc = first;
            if (first <= 0) continue;
            int sub_fd =
                openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub_fd < 0) {
                log_path(LOG_WARNING, child, "cannot read this folder: %s", strerror(errno));
                continue;
            }
            int sub = walk_dir(w, sub_fd, child, depth + 1);
            if (sub == -ENOMEM) rc = sub;
            if (sub && sub != -ENOMEM)
                log_path(LOG_WARNING, child, "cannot read this folder: %s", strerror(-sub));
        }
    }
    closedir(d);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const scan_entry *)a)->path, ((const scan_entry *)b)->path);
}

int scan_root(const char *root, scan_list *out, scan_dir_fn on_dir, void *ctx)
{
    walk w = {.out = out, .on_dir = on_dir, .ctx = ctx};
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st;
    int rc = fstat(fd, &st) == 0 ? first_visit(&w, &st) : -errno;
    if (rc < 0) {
        close(fd);
    } else {
        const size_t before = out->count, sidecars_before = out->sidecars.count;
        rc = walk_dir(&w, fd, strcmp(root, "/") == 0 ? "" : root, 0);
        if (out->count > before + 1) /* (items is NULL while nothing was found) */
            qsort(out->items + before, out->count - before, sizeof *out->items, by_path);
        if (out->sidecars.count > sidecars_before + 1)
            qsort(out->sidecars.items + sidecars_before, out->sidecars.count - sidecars_before,
                  sizeof *out->sidecars.items, by_path);
    }
    free(w.seen);
    return rc < 0 ? rc : 0;
}

void scan_list_free(scan_list *list)
{
    for (size_t i = 0; i < list->count; i++) free(list->items[i].path);
    free(list->items);
    for (size_t i = 0; i < list->sidecars.count; i++) free(list->sidecars.items[i].path);
    free(list->sidecars.items);
    memset(list, 0, sizeof *list);
}
