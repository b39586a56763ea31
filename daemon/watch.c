#include "daemon/watch.h"

#include "core/fc_error.h"
#include "daemon/log.h"
#include "daemon/scan.h"
#include "daemon/xmp_import.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MASK                                                                                   \
    (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF |       \
     IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define SETTLE_CHECK_MS 250
#define MOVE_PAIR_MS 100              /* an IN_MOVED_FROM waits this long for its IN_MOVED_TO */
#define UNWATCHED_RESCAN_MS 300000ULL /* folders without a watch: rescanned this often */
#define BUCKETS 4096                  /* of each table below; chains grow as needed */

/* A watch: its descriptor and the directory's current path. */
typedef struct dir_watch {
    int wd;
    char *path;
    struct dir_watch *next;
} dir_watch;

/* A file waiting to settle: ready once its size and mtime stay as they were for the
 * settle window. */
typedef struct settling {
    char *path;
    int64_t size, mtime_ns;
    double since; /* when it was last seen changing */
    struct settling *next;
} settling;

/* An IN_MOVED_FROM waiting for its IN_MOVED_TO. */
typedef struct move_from {
    uint32_t cookie;
    char *path;
    double at;
    struct move_from *next;
} move_from;

struct watcher {
    uv_loop_t *loop;
    watch_events ev;
    int fd, max_watches, settle_ms;
    uv_poll_t poll;
    uv_timer_t settle_timer, move_timer, unwatched_timer;
    dir_watch *by_wd[BUCKETS];
    int watch_count;
    settling *settle[BUCKETS];
    int settle_count;
    move_from *moves;
    char **unwatched;
    int unwatched_count, unwatched_cap, told_enospc;
    long overflows;
    int closing_handles;
};

/* libuv's monotonic clock, in seconds */
static double now_s(void)
{
    return (double)uv_hrtime() * 1e-9;
}

static size_t hash_text(const char *s)
{
    size_t h = 1469598103934665603u;
    while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h % BUCKETS;
}

static dir_watch *find_wd(watcher *w, int wd)
{
    for (dir_watch *d = w->by_wd[(unsigned)wd % BUCKETS]; d; d = d->next)
        if (d->wd == wd) return d;
    return NULL;
}

/* path is from/rest when path is from or under it: the new path to/rest, else NULL. */
static char *moved_path(const char *path, const char *from, const char *to)
{
    const size_t n = strlen(from);
    if (strncmp(path, from, n) != 0 || (path[n] != 0 && path[n] != '/')) return NULL;
    char *moved = malloc(strlen(to) + strlen(path + n) + 1);
    if (moved) strcat(strcpy(moved, to), path + n);
    return moved;
}

/* --- watches ---------------------------------------------------------------------------- */

static void on_unwatched_timer(uv_timer_t *t);

/* Folders without a watch are rescanned now and then, only while there are some. */
static void remember_unwatched(watcher *w, const char *dir)
{
    for (int i = 0; i < w->unwatched_count; i++)
        if (strcmp(w->unwatched[i], dir) == 0) return;
    if (w->unwatched_count == w->unwatched_cap) {
        int cap = w->unwatched_cap ? 2 * w->unwatched_cap : 16;
        char **grown = realloc(w->unwatched, (size_t)cap * sizeof *grown);
        if (!grown) return;
        w->unwatched = grown, w->unwatched_cap = cap;
    }
    char *copy = strdup(dir);
    if (copy) w->unwatched[w->unwatched_count++] = copy;
    if (!uv_is_active((uv_handle_t *)&w->unwatched_timer))
        uv_timer_start(&w->unwatched_timer, on_unwatched_timer, UNWATCHED_RESCAN_MS, 0);
}

void watch_add(watcher *w, const char *dir)
{
    int wd = -1, error = ENOSPC;
    if (w->max_watches <= 0 || w->watch_count < w->max_watches) {
        wd = inotify_add_watch(w->fd, dir, DIR_MASK);
        error = errno;
    }
    if (wd < 0) {
        if (error == ENOSPC) {
            if (!w->told_enospc++)
                log_msg(LOG_WARNING,
                        "no inotify watches left (%d in use): raise fs.inotify.max_user_watches "
                        "(e.g. sudo sysctl fs.inotify.max_user_watches=524288); until then, "
                        "folders without a watch are rescanned every %llu minutes",
                        w->watch_count, UNWATCHED_RESCAN_MS / 60000);
            remember_unwatched(w, dir);
        } else if (error != ENOENT && error != ENOTDIR) {
            log_path(LOG_WARNING, dir, "cannot watch: %s", strerror(error));
        }
        return;
    }
    dir_watch *d = find_wd(w, wd);
    if (d) { /* the same directory under a new name (inotify gives one wd per inode) */
        char *copy = strdup(dir);
        if (copy) free(d->path), d->path = copy;
        return;
    }
    d = malloc(sizeof *d);
    char *copy = strdup(dir);
    if (!d || !copy) {
        free(d), free(copy);
        return;
    }
    d->wd = wd, d->path = copy;
    d->next = w->by_wd[(unsigned)wd % BUCKETS];
    w->by_wd[(unsigned)wd % BUCKETS] = d;
    w->watch_count++;
}

static void forget_wd(watcher *w, int wd)
{
    for (dir_watch **p = &w->by_wd[(unsigned)wd % BUCKETS]; *p; p = &(*p)->next)
        if ((*p)->wd == wd) {
            dir_watch *d = *p;
            *p = d->next;
            free(d->path);
            free(d);
            w->watch_count--;
            return;
        }
}

/* A folder renamed: the watches below it keep their descriptors, under new paths. */
static void rename_watches(watcher *w, const char *from, const char *to)
{
    for (int b = 0; b < BUCKETS; b++)
        for (dir_watch *d = w->by_wd[b]; d; d = d->next) {
            char *moved = moved_path(d->path, from, to);
            if (moved) free(d->path), d->path = moved;
        }
}

/* --- the settle window ------------------------------------------------------------------- */

static void on_settle_timer(uv_timer_t *t);

/* The settle window is checked every SETTLE_CHECK_MS, only while a file waits in it. */
void watch_settle(watcher *w, const char *path)
{
    const size_t b = hash_text(path);
    settling *s = w->settle[b];
    while (s && strcmp(s->path, path) != 0) s = s->next;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || !(s->path = strdup(path))) {
            free(s);
            log_path(LOG_ERR, path, "out of memory: the next scan finds it");
            return;
        }
        s->size = -1;
        s->next = w->settle[b];
        w->settle[b] = s;
        w->settle_count++;
    }
    s->since = now_s(); /* written again: the window starts again */
    if (!uv_is_active((uv_handle_t *)&w->settle_timer))
        uv_timer_start(&w->settle_timer, on_settle_timer, SETTLE_CHECK_MS, SETTLE_CHECK_MS);
}

static void on_settle_timer(uv_timer_t *t)
{
    watcher *w = t->data;
    const double now = now_s();
    for (int b = 0; b < BUCKETS && w->settle_count; b++)
        for (settling **p = &w->settle[b]; *p;) {
            settling *s = *p;
            struct stat st;
            int ready = 0, drop = lstat(s->path, &st) != 0 || !S_ISREG(st.st_mode);
            if (!drop) {
                const fc_file_identity id = scan_identity(&st);
                if (id.size != s->size || id.mtime_ns != s->mtime_ns)
                    s->size = id.size, s->mtime_ns = id.mtime_ns, s->since = now;
                else if ((now - s->since) * 1000.0 >= w->settle_ms)
                    ready = 1;
            }
            if (!ready && !drop) {
                p = &s->next;
                continue;
            }
            *p = s->next;
            w->settle_count--;
            if (ready) w->ev.ready(w->ev.ctx, s->path);
            free(s->path);
            free(s);
        }
    if (!w->settle_count) uv_timer_stop(&w->settle_timer);
}

static void rename_settling(watcher *w, const char *from, const char *to)
{
    for (int b = 0; b < BUCKETS && w->settle_count; b++)
        for (settling *s = w->settle[b]; s; s = s->next) {
            char *moved = moved_path(s->path, from, to);
            if (moved) free(s->path), s->path = moved; /* its bucket is stale: harmless */
        }
}

/* --- events ------------------------------------------------------------------------------- */

static void flush_moves(watcher *w, double older_than)
{
    for (move_from **p = &w->moves; *p;) {
        move_from *m = *p;
        if (m->at > older_than) {
            p = &m->next;
            continue;
        }
        *p = m->next;
        w->ev.gone(w->ev.ctx, m->path); /* moved out of the roots */
        free(m->path);
        free(m);
    }
}

static void on_move_timer(uv_timer_t *t)
{
    watcher *w = t->data;
    flush_moves(w, now_s() - MOVE_PAIR_MS / 1000.0);
    if (w->moves) uv_timer_start(&w->move_timer, on_move_timer, MOVE_PAIR_MS, 0);
}

static void moved_to(watcher *w, uint32_t cookie, const char *path, int is_dir)
{
    for (move_from **p = &w->moves; *p; p = &(*p)->next)
        if ((*p)->cookie == cookie) {
            move_from *m = *p;
            *p = m->next;
            if (is_dir) rename_watches(w, m->path, path);
            rename_settling(w, m->path, path);
            w->ev.renamed(w->ev.ctx, m->path, path);
            free(m->path);
            free(m);
            return;
        }
    /* moved in from outside the roots: new to us */
    if (is_dir)
        w->ev.appeared(w->ev.ctx, path);
    else if (scan_maybe_photo(strrchr(path, '/') + 1) || xmp_is_sidecar(strrchr(path, '/') + 1))
        watch_settle(w, path);
}

static void moved_from(watcher *w, uint32_t cookie, const char *path)
{
    move_from *m = malloc(sizeof *m);
    if (!m || !(m->path = strdup(path))) {
        free(m);
        w->ev.gone(w->ev.ctx, path);
        return;
    }
    m->cookie = cookie, m->at = now_s();
    m->next = w->moves;
    w->moves = m;
    uv_timer_start(&w->move_timer, on_move_timer, MOVE_PAIR_MS, 0);
}

void watch_handle(watcher *w, const char *buf, size_t len)
{
    int overflowed = 0;
    for (size_t at = 0; at + sizeof(struct inotify_event) <= len;) {
        struct inotify_event ev;
        memcpy(&ev, buf + at, sizeof ev); /* the buffer need not be aligned */
        const char *name = buf + at + sizeof ev;
        at += sizeof ev + ev.len;
        if (at > len) break;
        if (ev.mask & IN_Q_OVERFLOW) {
            overflowed = 1;
            continue;
        }
        if (ev.mask & IN_IGNORED) { /* the directory is gone or unmounted */
            forget_wd(w, ev.wd);
            continue;
        }
        dir_watch *d = find_wd(w, ev.wd);
        if (!d || ev.len == 0 || name[0] == 0) continue; /* events on the directory itself */
        if (name[0] == '.') continue;                    /* hidden: never indexed */
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", d->path, name) >= sizeof path) continue;
        const int is_dir = (ev.mask & IN_ISDIR) != 0;
        if (ev.mask & IN_MOVED_FROM)
            moved_from(w, ev.cookie, path);
        else if (ev.mask & IN_MOVED_TO)
            moved_to(w, ev.cookie, path, is_dir);
        else if (ev.mask & IN_DELETE)
            w->ev.gone(w->ev.ctx, path);
        else if (is_dir && (ev.mask & IN_CREATE))
            w->ev.appeared(w->ev.ctx, path); /* it may hold files already */
        else if (!is_dir && (ev.mask & IN_CLOSE_WRITE) &&
                 (scan_maybe_photo(name) || xmp_is_sidecar(name)))
            watch_settle(w, path);
    }
    if (overflowed) {
        /* events were lost: only a full rescan can tell what changed, and one is enough */
        w->overflows++;
        log_msg(LOG_WARNING, "inotify queue overflowed (more changes than "
                             "/proc/sys/fs/inotify/max_queued_events): rescanning every folder");
        w->ev.scan(w->ev.ctx, NULL);
    }
}

static void on_readable(uv_poll_t *poll, int status, int events)
{
    watcher *w = poll->data;
    (void)events;
    if (status < 0) return;
    /* aligned for struct inotify_event, large enough for many events a read */
    _Alignas(struct inotify_event) char buf[64 * 1024];
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0) break; /* EAGAIN: drained */
        watch_handle(w, buf, (size_t)n);
    }
}

static void on_unwatched_timer(uv_timer_t *t)
{
    watcher *w = t->data;
    /* taken out before scanning: the scan puts back what still has no watch */
    char **dirs = w->unwatched;
    const int count = w->unwatched_count;
    w->unwatched = NULL, w->unwatched_count = w->unwatched_cap = 0;
    for (int i = 0; i < count; i++) {
        w->ev.scan(w->ev.ctx, dirs[i]);
        free(dirs[i]);
    }
    free(dirs);
}

int watch_new(uv_loop_t *loop, const watch_events *events, int max_watches, int settle_ms,
              watcher **out, char *err)
{
    *out = NULL;
    watcher *w = calloc(1, sizeof *w);
    if (!w) return fc_errorf(err, -ENOMEM, "out of memory");
    w->loop = loop, w->ev = *events, w->max_watches = max_watches, w->settle_ms = settle_ms;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        int code = fc_errorf(err, -errno, "inotify_init1: %s", strerror(errno));
        free(w);
        return code;
    }
    uv_poll_init(loop, &w->poll, w->fd);
    uv_timer_init(loop, &w->settle_timer);
    uv_timer_init(loop, &w->move_timer);
    uv_timer_init(loop, &w->unwatched_timer);
    w->poll.data = w->settle_timer.data = w->move_timer.data = w->unwatched_timer.data = w;
    uv_poll_start(&w->poll, UV_READABLE, on_readable);
    *out = w; /* its timers start when they have work: watch_settle, remember_unwatched */
    return 0;
}

int watch_unwatched(const watcher *w)
{
    return w->unwatched_count;
}

long watch_overflows(const watcher *w)
{
    return w->overflows;
}

static void free_watcher(uv_handle_t *h)
{
    watcher *w = h->data;
    if (--w->closing_handles == 0) free(w);
}

void watch_free(watcher *w)
{
    if (!w) return;
    for (int b = 0; b < BUCKETS; b++) {
        for (dir_watch *d = w->by_wd[b], *next; d; d = next) {
            next = d->next;
            free(d->path);
            free(d);
        }
        for (settling *s = w->settle[b], *next; s; s = next) {
            next = s->next;
            free(s->path);
            free(s);
        }
    }
    for (move_from *m = w->moves, *next; m; m = next) {
        next = m->next;
        free(m->path);
        free(m);
    }
    for (int i = 0; i < w->unwatched_count; i++) free(w->unwatched[i]);
    free(w->unwatched);
    uv_poll_stop(&w->poll); /* before its descriptor closes */
    close(w->fd);
    /* the handles belong to the loop until closed: the watcher goes with the last */
    uv_handle_t *handles[] = {(uv_handle_t *)&w->poll, (uv_handle_t *)&w->settle_timer,
                              (uv_handle_t *)&w->move_timer, (uv_handle_t *)&w->unwatched_timer};
    w->closing_handles = 4;
    for (int i = 0; i < 4; i++) uv_close(handles[i], free_watcher);
}
