/* Being told instead of polling (nudge.h). */
#include "daemon/nudge.h"

#include "daemon/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MOUNTS_POLL_MS 30000 /* without /proc/self/mountinfo: the mount table polled so */
#define STORE_POLL_MS 5000   /* without inotify on the store's folder: the store polled so */
#define STORE_SETTLE_MS 100  /* a transaction writes the -wal several times: looked at once */

struct nudges {
    nudge_events ev;
    int mounts_fd;
    uv_poll_t mounts;
    uv_fs_event_t store_dir;
    uv_timer_t mounts_timer, store_timer;
    char db_name[256]; /* the store's file name, and its -wal's */
    size_t db_name_len;
    int has_mounts, has_store_dir; /* those handles were initialised */
    int open_handles;
};

static void on_mounts_timer(uv_timer_t *t)
{
    nudges *n = t->data;
    n->ev.mounts(n->ev.ctx);
}

static void on_mounts(uv_poll_t *h, int status, int events)
{
    nudges *n = h->data;
    (void)events; /* POLLPRI (with POLLERR, as the kernel marks it) is the news */
    if (status < 0 && !uv_is_active((uv_handle_t *)&n->mounts_timer)) {
        /* libuv stopped the poll: polling it is, from now on */
        log_msg(LOG_WARNING,
                "the mount table can no longer be watched (%s): it is looked at "
                "every %d s",
                uv_strerror(status), MOUNTS_POLL_MS / 1000);
        uv_timer_start(&n->mounts_timer, on_mounts_timer, MOUNTS_POLL_MS, MOUNTS_POLL_MS);
    }
    n->ev.mounts(n->ev.ctx);
}

static void on_store_timer(uv_timer_t *t)
{
    nudges *n = t->data;
    n->ev.store(n->ev.ctx);
}

static void on_store_dir(uv_fs_event_t *h, const char *name, int events, int status)
{
    nudges *n = h->data;
    (void)events;
    if (status < 0 || !name) return;
    /* only the database and its write-ahead log: never the daemon's own state file */
    if (strncmp(name, n->db_name, n->db_name_len) != 0 ||
        (name[n->db_name_len] && strcmp(name + n->db_name_len, "-wal") != 0))
        return;
    if (!uv_is_active((uv_handle_t *)&n->store_timer))
        uv_timer_start(&n->store_timer, on_store_timer, STORE_SETTLE_MS, 0);
}

int nudges_start(uv_loop_t *loop, const char *db_path, const nudge_events *ev, nudges **out)
{
    nudges *n = calloc(1, sizeof *n);
    if (!n) return -ENOMEM;
    n->ev = *ev;
    uv_timer_init(loop, &n->mounts_timer);
    uv_timer_init(loop, &n->store_timer);
    n->mounts_timer.data = n->store_timer.data = n;

    n->mounts_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    int mounts_watched = 0;
    if (n->mounts_fd >= 0 && uv_poll_init(loop, &n->mounts, n->mounts_fd) == 0) {
        n->mounts.data = n, n->has_mounts = 1;
        mounts_watched = uv_poll_start(&n->mounts, UV_PRIORITIZED, on_mounts) == 0;
    }
    if (!mounts_watched) {
        log_msg(LOG_INFO,
                "/proc/self/mountinfo cannot be watched: the mounts are looked at "
                "every %d s",
                MOUNTS_POLL_MS / 1000);
        uv_timer_start(&n->mounts_timer, on_mounts_timer, MOUNTS_POLL_MS, MOUNTS_POLL_MS);
    }

    const char *slash = strrchr(db_path, '/');
    const char *base = slash ? slash + 1 : db_path;
    char dir[4096];
    const size_t dir_len = slash ? (size_t)(slash - db_path) : 0;
    int watching = 0;
    if (strlen(base) < sizeof n->db_name && dir_len < sizeof dir) {
        snprintf(n->db_name, sizeof n->db_name, "%s", base);
        n->db_name_len = strlen(base);
        if (slash && dir_len == 0)
            strcpy(dir, "/");
        else if (slash)
            memcpy(dir, db_path, dir_len), dir[dir_len] = 0;
        else
            strcpy(dir, ".");
        if (uv_fs_event_init(loop, &n->store_dir) == 0) {
            n->store_dir.data = n, n->has_store_dir = 1;
            watching = uv_fs_event_start(&n->store_dir, on_store_dir, dir, 0) == 0;
        }
    }
    if (!watching) {
        log_msg(LOG_INFO, "the store's folder cannot be watched: edits are looked for every %d s",
                STORE_POLL_MS / 1000);
        uv_timer_start(&n->store_timer, on_store_timer, STORE_POLL_MS, STORE_POLL_MS);
    }
    *out = n;
    return 0;
}

static void closed(uv_handle_t *h)
{
    nudges *n = h->data;
    if (--n->open_handles) return;
    if (n->mounts_fd >= 0) close(n->mounts_fd); /* after its poll handle closed */
    free(n);
}

void nudges_free(nudges *n)
{
    if (!n) return;
    uv_handle_t *handles[4];
    int count = 0;
    handles[count++] = (uv_handle_t *)&n->mounts_timer;
    handles[count++] = (uv_handle_t *)&n->store_timer;
    if (n->has_mounts) handles[count++] = (uv_handle_t *)&n->mounts;
    if (n->has_store_dir) handles[count++] = (uv_handle_t *)&n->store_dir;
    n->open_handles = count;
    for (int i = 0; i < count; i++) uv_close(handles[i], closed);
}
