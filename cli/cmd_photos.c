/* facecluster photos PERSON [-0 | --json | --link DIR]: a person's photos, each once, by
 * capture time then path. One a line as every command prints a path (escaped: a name
 * cannot forge a line), -0 raw and NUL-ended for xargs -0, --json one object per photo.
 *
 * --link DIR makes DIR an album: a symbolic link to each photo (its absolute path), named
 * by the photo's file name, "NAME (2).EXT" and on when names clash. A second run brings
 * it up to date without renaming what it made. DIR/.facecluster-album lists the links
 * this command made (NUL-ended names after its first line): only those may be removed,
 * and only while they are still symbolic links, so a user's own file or link in DIR is
 * never touched. The manifest (not the links' targets) tells ours apart because a photo
 * renamed or deleted in the library leaves a link that no longer points at a library
 * path, yet is still ours to remove. Removals happen before the manifest is written and
 * links are made after it, so a crash leaves no link of ours unlisted. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST ".facecluster-album"
#define MANIFEST_HEAD "facecluster album\n"
#define MANIFEST_MAX (64u << 20) /* far above any album's names */

typedef struct {
    char *path;
    int linked; /* a link in DIR points at it already */
} album_photo;

typedef struct {
    album_photo *photo; /* in listing order: links are named in it */
    album_photo **by_path;
    int n, cap;
    char **ours; /* the links this command made (names in DIR) */
    int n_ours, cap_ours;
    int added, removed, kept, failed;
} album;

/* --- listing ------------------------------------------------------------------------- */

enum { LIST_LINES, LIST_NUL, LIST_JSON };
/* Stops at the first object JSON cannot print: stop set to 1. */
typedef struct {
    int how, stop;
    int escaped; /* lines whose path was escaped: not the file's name as it is */
} lister;

/* Whether fc_text_escape changes s. */
static int needs_escape(const char *s)
{
    char *shown = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&shown, &len);
    if (!mem) return 0;
    fc_text_escape(mem, s);
    fclose(mem);
    const int differs = !shown || strcmp(shown, s) != 0;
    free(shown);
    return differs;
}

static int print_photo(void *ctx, const fc_store_person_photo *p)
{
    lister *out = ctx;
    const int how = out->how;
    if (how == LIST_JSON)
        return out->stop = cli_json_print(json_pack(
                               "{s:o, s:I, s:o, s:o}", "path", cli_json_text(p->path), "photo",
                               (json_int_t)p->photo, "faces", cli_json_ids(p->faces, p->n_faces),
                               "taken", cli_json_time(p->taken))) != 0;
    if (how == LIST_NUL) {
        fputs(p->path, stdout);
        fputc('\0', stdout);
    } else {
        fc_text_escape(stdout, p->path);
        fputc('\n', stdout);
        out->escaped += needs_escape(p->path);
    }
    return 0;
}

/* --- the album ----------------------------------------------------------------------- */

static int grow(void **items, int *cap, int n, size_t size)
{
    if (n < *cap) return 0;
    const int more = *cap ? 2 * *cap : 16;
    void *p = realloc(*items, (size_t)more * size);
    if (!p) return -ENOMEM;
    *items = p, *cap = more;
    return 0;
}

static int add_ours(album *a, const char *name)
{
    if (grow((void **)&a->ours, &a->cap_ours, a->n_ours, sizeof *a->ours)) return -ENOMEM;
    if (!(a->ours[a->n_ours] = strdup(name))) return -ENOMEM;
    a->n_ours++;
    return 0;
}

static int take_photo(void *ctx, const fc_store_person_photo *p)
{
    album *a = ctx;
    if (grow((void **)&a->photo, &a->cap, a->n, sizeof *a->photo)) return -ENOMEM;
    if (!(a->photo[a->n].path = strdup(p->path))) return -ENOMEM;
    a->photo[a->n++].linked = 0;
    return 0;
}

static void album_free(album *a)
{
    for (int i = 0; i < a->n; i++) free(a->photo[i].path);
    for (int i = 0; i < a->n_ours; i++) free(a->ours[i]);
    free(a->photo), free(a->by_path), free(a->ours);
}

static int by_path(const void *x, const void *y)
{
    return strcmp((*(album_photo *const *)x)->path, (*(album_photo *const *)y)->path);
}

static int index_photos(album *a)
{
    a->by_path = malloc((size_t)(a->n ? a->n : 1) * sizeof *a->by_path);
    if (!a->by_path) return -ENOMEM;
    for (int i = 0; i < a->n; i++) a->by_path[i] = &a->photo[i];
    if (a->n > 1) qsort(a->by_path, (size_t)a->n, sizeof *a->by_path, by_path);
    return 0;
}

/* The photo a link's target names that has no link yet, or NULL. */
static album_photo *unlinked_target(album *a, int dir, const char *name)
{
    char target[PATH_MAX];
    const ssize_t len = readlinkat(dir, name, target, sizeof target - 1);
    if (len < 0) return NULL;
    target[len] = 0;
    const album_photo key = {.path = target}, *k = &key;
    album_photo **found =
        a->n ? bsearch(&k, a->by_path, (size_t)a->n, sizeof *a->by_path, by_path) : NULL;
    return found && !(*found)->linked ? *found : NULL;
}

/* mkdir -p: dir and the folders above it, each made 0755 (less the umask) when missing. */
static int make_dirs(const char *dir, char *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return fc_errorf(err, -ENAMETOOLONG, "the folder's name is too long");
    for (char *p = path + 1;; p++) {
        const char c = *p;
        if (c != '/' && c != 0) continue;
        *p = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return fc_errorf(err, -errno, "cannot make %.200s: %s", path, strerror(errno));
        *p = c;
        if (!c) return 0;
    }
}

/* DIR made if missing, and refused when it is a file or the store's own folder. */
static int open_album_dir(const cli_globals *globals, const char *dir, int *fd, char *err)
{
    struct stat st, store_st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return fc_errorf(err, -ENOTDIR, "refusing to make an album in %.200s: it is not a folder",
                         dir);
    int rc = make_dirs(dir, err);
    if (rc) return rc;
    char store[PATH_MAX];
    if (cli_store_path(globals, store, sizeof store, NULL) == 0) {
        char *slash = strrchr(store, '/');
        if (slash == store)
            slash[1] = 0;
        else if (slash)
            *slash = 0;
        else
            snprintf(store, sizeof store, ".");
        if (stat(dir, &st) == 0 && stat(store, &store_st) == 0 && st.st_dev == store_st.st_dev &&
            st.st_ino == store_st.st_ino)
            return fc_errorf(err, -EPERM,
                             "refusing to make an album in %.200s: it is the store's folder", dir);
    }
    *fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*fd < 0) return fc_errorf(err, -errno, "cannot open %.200s: %s", dir, strerror(errno));
    return 0;
}

/* A name the manifest may hold: one entry of DIR, not a path. */
static int plain_name(const char *s, size_t len)
{
    return len > 0 && len <= NAME_MAX && !memchr(s, '/', len) && strcmp(s, ".") != 0 &&
           strcmp(s, "..") != 0 && strcmp(s, MANIFEST) != 0;
}

/* The links the last run made: the manifest's names that are symbolic links still. */
static int read_manifest(album *a, const char *dir, int fd, char *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = fc_file_read(path, MANIFEST_MAX, &data, &len, err);
    if (rc == -ENOENT) return 0;
    if (rc) return rc;
    const size_t head = strlen(MANIFEST_HEAD);
    if (len < head || memcmp(data, MANIFEST_HEAD, head) != 0) {
        free(data);
        return fc_errorf(err, -EEXIST, "refusing to use %.200s: it is not a facecluster album",
                         path);
    }
    struct stat st;
    for (size_t at = head; at < len && !rc;) {
        const char *name = (const char *)data + at;
        const uint8_t *end = memchr(data + at, 0, len - at);
        if (!end) break; /* a torn last name */
        at = (size_t)(end - data) + 1;
        /* a name the user made into something else is theirs now */
        if (plain_name(name, strlen(name)) && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            rc = add_ours(a, name);
    }
    free(data);
    return rc ? fc_errorf(err, rc, "out of memory") : 0;
}

/* Our links to photos still wanted are kept (one per photo), the others removed. */
static void remove_stale(album *a, int fd)
{
    int n = 0;
    for (int i = 0; i < a->n_ours; i++) {
        album_photo *p = unlinked_target(a, fd, a->ours[i]);
        if (p) {
            p->linked = 1, a->kept++;
            a->ours[n++] = a->ours[i];
        } else if (unlinkat(fd, a->ours[i], 0) == 0 || errno == ENOENT) {
            a->removed++;
            free(a->ours[i]);
        } else {
            cli_warn(&cli_cmd_photos, a->ours[i], strerror(errno));
            a->ours[n++] = a->ours[i];
            a->failed++;
        }
    }
    a->n_ours = n;
}

/* A link the user made to a wanted photo stands for it: no second one beside it. (Our
 * links to wanted photos were claimed by remove_stale already.) */
static void adopt_users_links(album *a, int fd)
{
    const int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0) close(dup_fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
            album_photo *p = unlinked_target(a, fd, e->d_name);
            if (p) p->linked = 1, a->kept++;
        }
    closedir(d);
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The first free name of "NAME.EXT", "NAME (2).EXT", ... (the stem and extension split at
 * the last dot that does not start the name): nothing in DIR by that name, and none of
 * the names planned this run. */
static int free_name(int fd, const char *path, char **planned, int n_planned, char *name,
                     size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) dot = base + strlen(base);
    struct stat st;
    for (int k = 1; k < 10000; k++) {
        const int n = k == 1 ? snprintf(name, cap, "%s", base)
                             : snprintf(name, cap, "%.*s (%d)%s", (int)(dot - base), base, k, dot);
        if (n <= 0 || (size_t)n >= cap || n > NAME_MAX) return -ENAMETOOLONG;
        if (!plain_name(name, (size_t)n)) continue;
        int clash = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
        for (int i = 0; i < n_planned && !clash; i++) clash = strcmp(planned[i], name) == 0;
        if (!clash) return 0;
    }
    return -EEXIST;
}

static int write_manifest(const cli_globals *globals, album *a, const char *dir, char *err)
{
    char **names = malloc((size_t)(a->n_ours ? a->n_ours : 1) * sizeof *names);
    size_t len = strlen(MANIFEST_HEAD);
    for (int i = 0; i < a->n_ours; i++) len += strlen(a->ours[i]) + 1;
    char *buf = malloc(len), *at = buf;
    if (!buf || !names) {
        free(buf), free(names);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    /* sorted: the same album, the same bytes */
    memcpy(names, a->ours, (size_t)a->n_ours * sizeof *names);
    if (a->n_ours > 1) qsort(names, (size_t)a->n_ours, sizeof *names, by_name);
    at = stpcpy(at, MANIFEST_HEAD);
    for (int i = 0; i < a->n_ours; i++) at = stpcpy(at, names[i]) + 1;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, MANIFEST);
    cli_output out;
    cli_output_init(&out, globals, MANIFEST_HEAD, strlen(MANIFEST_HEAD), 0);
    const int rc = fc_file_write_atomic(path, buf, len, &out.how, err);
    free(buf), free(names);
    return rc;
}

/* Each photo without a link gets one: the names are chosen and written to the manifest
 * first, then the links made. */
static int link_photos(const cli_globals *globals, album *a, int fd, const char *dir, char *err)
{
    int *planned = malloc((size_t)(a->n ? a->n : 1) * sizeof *planned), n_planned = 0;
    if (!planned) return fc_errorf(err, -ENOMEM, "out of memory");
    const int before = a->n_ours;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        if (a->photo[i].linked) continue;
        char name[NAME_MAX + 1];
        if (free_name(fd, a->photo[i].path, a->ours + before, a->n_ours - before, name,
                      sizeof name) != 0) {
            cli_warn(&cli_cmd_photos, a->photo[i].path, "no free name for its link");
            a->failed++;
        } else if (add_ours(a, name) != 0) {
            rc = fc_errorf(err, -ENOMEM, "out of memory");
        } else {
            planned[n_planned++] = i;
        }
    }
    if (!rc) rc = write_manifest(globals, a, dir, err);
    for (int k = 0; k < n_planned && !rc; k++) {
        const char *target = a->photo[planned[k]].path;
        if (symlinkat(target, fd, a->ours[before + k]) == 0) {
            a->added++;
        } else {
            cli_warn(&cli_cmd_photos, target, strerror(errno));
            a->failed++;
        }
    }
    free(planned);
    return rc;
}

static int make_album(const cli_globals *globals, const cli_args *args, fc_store *store,
                      int64_t person, char *err)
{
    const char *dir = cli_args_get(args, "link");
    album a = {0};
    int fd = -1;
    int rc = fc_store_person_photos(store, person, take_photo, &a, err);
    if (!rc && index_photos(&a)) rc = -ENOMEM;
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    if (!rc) rc = open_album_dir(globals, dir, &fd, err);
    if (!rc) rc = read_manifest(&a, dir, fd, err);
    if (!rc) {
        remove_stale(&a, fd);
        adopt_users_links(&a, fd);
        rc = link_photos(globals, &a, fd, dir, err);
    }
    if (fd >= 0) close(fd);
    const int added = a.added, removed = a.removed, kept = a.kept, failed = a.failed;
    album_free(&a);
    if (rc) return rc;
    json_t *what = json_pack("{s:o, s:i, s:i, s:i}", "path", cli_json_text(dir), "added", added,
                             "removed", removed, "kept", kept);
    char who[400], *escaped = NULL;
    size_t len;
    cli_person_words(store, person, who, sizeof who, what);
    FILE *mem = open_memstream(&escaped, &len);
    if (mem) {
        fc_text_escape(mem, dir);
        fclose(mem);
    }
    rc = cli_edit_report(args, what, "album %s of %s: %d %s added, %d removed, %d kept",
                         escaped ? escaped : "", who, added, fc_plural(added, "link", "links"),
                         removed, kept);
    free(escaped);
    if (rc == CLI_OK && failed)
        return fc_errorf(err, -EIO, "%d %s could not be linked", failed,
                         fc_plural(failed, "photo", "photos"));
    return rc == CLI_OK ? 0 : -EIO;
}

static const cli_option_spec options[] = {
    {"null", '0', NULL, "end each path with a NUL byte, unescaped (for xargs -0)"},
    {"json", 0, NULL, "one JSON object per photo (JSON Lines); with --link, what changed"},
    {"link", 'l', "DIR",
     "make DIR (made if needed) a folder of symbolic links to the photos, kept up to date"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const int json = cli_args_has(args, "json"), nul = cli_args_has(args, "null");
    const char *link = cli_args_get(args, "link");
    if ((json && nul) || (link && nul)) {
        fputs("facecluster photos: -0 goes with neither --json nor --link\n", stderr);
        return cli_usage(&cli_cmd_photos);
    }
    if (link && !*link) {
        fputs("facecluster photos: --link needs a folder\n", stderr);
        return cli_usage(&cli_cmd_photos);
    }
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX];
    int64_t person = 0;
    lister out = {.how = json ? LIST_JSON : nul ? LIST_NUL : LIST_LINES};
    int rc = fc_store_person_find(store, args->argv[0], &person, err);
    if (!rc && link)
        rc = make_album(globals, args, store, person, err);
    else if (!rc)
        rc = fc_store_person_photos(store, person, print_photo, &out, err);
    if (!rc && out.escaped) /* a pipe to xargs would miss them: say how to get them */
        fprintf(stderr,
                "facecluster photos: %d %s shown escaped (\\xNN); -0 prints every path as it "
                "is\n",
                out.escaped, fc_plural(out.escaped, "path", "paths"));
    if (out.stop || (!rc && fflush(stdout) != 0))
        rc = fc_errorf(err, -EIO, "the output could not be written");
    fc_store_close(store);
    return rc ? cli_failed(&cli_cmd_photos, err) : CLI_OK;
}

const cli_command cli_cmd_photos = {
    .name = "photos",
    .usage = "PERSON [-0 | --json | --link DIR]",
    .summary = "a person's photos, each once, by capture time: one path a line, -0 for xargs "
               "-0, --json; --link DIR: an album of symbolic links, kept up to date",
    .options = options,
    .min_args = 1,
    .max_args = 1,
    .exec = exec,
};
