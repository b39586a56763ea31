#include "daemon/scan.h"

#include "daemon/log.h"
#include "daemon/xmp_import.h"

#include "core/image/image.h"
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

/* What a file's extension says, before any byte is read. */
enum ext_kind { EXT_UNKNOWN, EXT_PHOTO, EXT_RAW, EXT_PARTNER, EXT_VIDEO, EXT_NOT_PHOTO };

static enum ext_kind ext_kind_of(const char *name)
{
    static const struct {
        const char *ext;
        enum ext_kind kind;
    } kinds[] = {
        /* JPEG and HEIF: the camera's or the phone's development of a RAW beside them */
        {"jpg", EXT_PARTNER},
        {"jpeg", EXT_PARTNER},
        {"jpe", EXT_PARTNER},
        {"heic", EXT_PARTNER},
        {"heif", EXT_PARTNER},
        {"hif", EXT_PARTNER},
        {"jfif", EXT_PHOTO},
        {"png", EXT_PHOTO},
        {"webp", EXT_PHOTO},
        {"tif", EXT_PHOTO},
        {"tiff", EXT_PHOTO},
        {"avif", EXT_PHOTO},
        {"ppm", EXT_PHOTO},
        {"dng", EXT_RAW},
        {"cr2", EXT_RAW},
        {"cr3", EXT_RAW},
        {"crw", EXT_RAW},
        {"nef", EXT_RAW},
        {"nrw", EXT_RAW},
        {"arw", EXT_RAW},
        {"srf", EXT_RAW},
        {"sr2", EXT_RAW},
        {"orf", EXT_RAW},
        {"rw2", EXT_RAW},
        {"rwl", EXT_RAW},
        {"raf", EXT_RAW},
        {"pef", EXT_RAW},
        {"srw", EXT_RAW},
        {"x3f", EXT_RAW},
        {"3fr", EXT_RAW},
        {"iiq", EXT_RAW},
        {"erf", EXT_RAW},
        {"kdc", EXT_RAW},
        {"dcr", EXT_RAW},
        {"mrw", EXT_RAW},
        {"mos", EXT_RAW},
        {"mef", EXT_RAW},
        {"mp4", EXT_VIDEO},
        {"m4v", EXT_VIDEO},
        {"mov", EXT_VIDEO},
        {"avi", EXT_VIDEO},
        {"mkv", EXT_VIDEO},
        {"webm", EXT_VIDEO},
        {"3gp", EXT_VIDEO},
        {"mts", EXT_VIDEO},
        {"m2ts", EXT_VIDEO},
        {"mpg", EXT_VIDEO},
        {"mpeg", EXT_VIDEO},
        {"wmv", EXT_VIDEO},
        {"flv", EXT_VIDEO},
        /* what libraries hold beside photos, never read: sidecars and editors' files
         * (a .thm is a camera's JPEG thumbnail of a video), documents, sound, archives,
         * images in formats we do not decode */
        {"xmp", EXT_NOT_PHOTO},
        {"thm", EXT_NOT_PHOTO},
        {"pp3", EXT_NOT_PHOTO},
        {"dop", EXT_NOT_PHOTO},
        {"on1", EXT_NOT_PHOTO},
        {"aae", EXT_NOT_PHOTO},
        {"txt", EXT_NOT_PHOTO},
        {"md", EXT_NOT_PHOTO},
        {"pdf", EXT_NOT_PHOTO},
        {"doc", EXT_NOT_PHOTO},
        {"docx", EXT_NOT_PHOTO},
        {"odt", EXT_NOT_PHOTO},
        {"ods", EXT_NOT_PHOTO},
        {"odp", EXT_NOT_PHOTO},
        {"xls", EXT_NOT_PHOTO},
        {"xlsx", EXT_NOT_PHOTO},
        {"ppt", EXT_NOT_PHOTO},
        {"pptx", EXT_NOT_PHOTO},
        {"rtf", EXT_NOT_PHOTO},
        {"csv", EXT_NOT_PHOTO},
        {"json", EXT_NOT_PHOTO},
        {"xml", EXT_NOT_PHOTO},
        {"html", EXT_NOT_PHOTO},
        {"htm", EXT_NOT_PHOTO},
        {"ini", EXT_NOT_PHOTO},
        {"log", EXT_NOT_PHOTO},
        {"db", EXT_NOT_PHOTO},
        {"mp3", EXT_NOT_PHOTO},
        {"m4a", EXT_NOT_PHOTO},
        {"wav", EXT_NOT_PHOTO},
        {"flac", EXT_NOT_PHOTO},
        {"ogg", EXT_NOT_PHOTO},
        {"zip", EXT_NOT_PHOTO},
        {"gz", EXT_NOT_PHOTO},
        {"tar", EXT_NOT_PHOTO},
        {"7z", EXT_NOT_PHOTO},
        {"gif", EXT_NOT_PHOTO},
        {"bmp", EXT_NOT_PHOTO},
        {"svg", EXT_NOT_PHOTO},
        {"psd", EXT_NOT_PHOTO},
        {"xcf", EXT_NOT_PHOTO},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
            if (strcasecmp(dot + 1, kinds[i].ext) == 0) return kinds[i].kind;
    return EXT_UNKNOWN;
}

int scan_wanted_name(const char *name)
{
    const enum ext_kind kind = ext_kind_of(name);
    return name[0] != '.' && (kind == EXT_PHOTO || kind == EXT_RAW || kind == EXT_PARTNER);
}

int scan_is_raw_name(const char *name)
{
    return ext_kind_of(name) == EXT_RAW;
}

int scan_is_partner_name(const char *name)
{
    return ext_kind_of(name) == EXT_PARTNER;
}

/* A file whose name says nothing, told by its first bytes. */
static int classify_by_content(int dirfd, const char *name)
{
    const int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return SCAN_SKIP_OTHER;
    uint8_t head[FC_IMAGE_SNIFF_BYTES];
    const ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n <= 0) return SCAN_SKIP_OTHER;
    switch (fc_image_sniff(head, (size_t)n)) {
    case FC_FORMAT_UNKNOWN:
        return SCAN_SKIP_OTHER;
    case FC_FORMAT_VIDEO:
        return SCAN_SKIP_VIDEO;
    default:
        return SCAN_PHOTO;
    }
}

int scan_classify(int dirfd, const char *name)
{
    if (name[0] == '.') return SCAN_SKIP_OTHER;
    switch (ext_kind_of(name)) {
    case EXT_PHOTO:
    case EXT_RAW:
    case EXT_PARTNER:
        return SCAN_PHOTO;
    case EXT_VIDEO:
        return SCAN_SKIP_VIDEO;
    case EXT_NOT_PHOTO:
        return SCAN_SKIP_OTHER;
    default:
        return classify_by_content(dirfd, name);
    }
}

int scan_maybe_photo(const char *name)
{
    const enum ext_kind kind = ext_kind_of(name);
    return name[0] != '.' && kind != EXT_VIDEO && kind != EXT_NOT_PHOTO;
}

int scan_classify_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return scan_classify(AT_FDCWD, path);
    char dir[4096];
    const size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) return SCAN_SKIP_TOO_LONG;
    memcpy(dir, path, n);
    dir[n] = 0;
    const int fd = open(n ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return SCAN_SKIP_OTHER;
    const int kind = scan_classify(fd, slash + 1);
    close(fd);
    return kind;
}

/* The length of name up to its extension's dot (all of it without one). */
static size_t stem_len(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

int scan_sibling(const char *path, int (*is_kind)(const char *name), char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const size_t dir_len = slash ? (size_t)(slash - path) : 0;
    char dir[4096];
    if (dir_len >= sizeof dir) return 0;
    memcpy(dir, path, dir_len);
    dir[dir_len] = 0;
    DIR *d = opendir(slash ? (dir_len ? dir : "/") : ".");
    if (!d) return 0;
    const size_t stem = stem_len(name);
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, name) == 0 || stem_len(e->d_name) != stem ||
            strncasecmp(e->d_name, name, stem) != 0 || !is_kind(e->d_name))
            continue;
        struct stat st;
        found = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISREG(st.st_mode) &&
                (size_t)snprintf(out, cap, "%.*s/%s", (int)dir_len, dir, e->d_name) < cap;
    }
    closedir(d);
    return found;
}

const char *const scan_skip_names[SCAN_SKIPS] = {
    [SCAN_SKIP_VIDEO] = "video",
    [SCAN_SKIP_RAW_WITH_JPEG] = "raw_with_jpeg",
    [SCAN_SKIP_OTHER] = "other",
    [SCAN_SKIP_TOO_LONG] = "path_too_long",
};

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
            const int kind = scan_classify(dirfd(d), e->d_name);
            scan_list *o = w->out;
            if (kind == SCAN_PHOTO)
                rc = add(&o->items, &o->count, &o->cap, child, &st);
            else if (xmp_is_sidecar(e->d_name)) /* read with its photo, not skipped */
                rc = add(&o->sidecars.items, &o->sidecars.count, &o->sidecars.cap, child, &st);
            else
                o->skipped[kind]++;
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

/* Orders entries by folder, then by name up to the extension without case: a RAW and
 * the JPEG standing for it meet. Paths here always hold a '/'. */
static int by_folder_stem(const void *a, const void *b)
{
    const char *p = (*(scan_entry *const *)a)->path, *q = (*(scan_entry *const *)b)->path;
    const char *ps = strrchr(p, '/') + 1, *qs = strrchr(q, '/') + 1;
    const size_t pd = (size_t)(ps - p), qd = (size_t)(qs - q);
    int c = pd != qd ? (pd < qd ? -1 : 1) : memcmp(p, q, pd);
    if (c) return c;
    const size_t pl = stem_len(ps), ql = stem_len(qs);
    c = strncasecmp(ps, qs, pl < ql ? pl : ql);
    return c ? c : (pl > ql) - (pl < ql);
}

/* Drops from items[from..count) each RAW with a partner beside it, counting it, and keeps
 * the others in their order. */
static int drop_paired_raws(scan_list *list, size_t from)
{
    const size_t n = list->count - from;
    if (n < 2) return 0;
    scan_entry **order = malloc(n * sizeof *order);
    if (!order) return -ENOMEM;
    for (size_t i = 0; i < n; i++) order[i] = &list->items[from + i];
    qsort(order, n, sizeof *order, by_folder_stem);
    for (size_t g = 0, end; g < n; g = end) {
        int partner = 0;
        for (end = g; end < n && by_folder_stem(&order[g], &order[end]) == 0; end++)
            partner |= scan_is_partner_name(strrchr(order[end]->path, '/') + 1);
        for (size_t i = g; partner && i < end; i++)
            if (scan_is_raw_name(strrchr(order[i]->path, '/') + 1)) {
                free(order[i]->path);
                order[i]->path = NULL;
                list->skipped[SCAN_SKIP_RAW_WITH_JPEG]++;
            }
    }
    free(order);
    size_t kept = from;
    for (size_t i = from; i < list->count; i++)
        if (list->items[i].path) list->items[kept++] = list->items[i];
    list->count = kept;
    return 0;
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
        if (!rc) rc = drop_paired_raws(out, before);
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
