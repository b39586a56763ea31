/* Watching the folders with inotify, through libc: one descriptor driven by a uv_poll_t,
 * one watch per directory (inotify is not recursive), added as directories appear.
 * libuv's uv_fs_event is not used: on Linux it is not recursive, does not report
 * IN_CLOSE_WRITE and drops overflows silently.
 *
 * What the watcher reports, through callbacks on the loop thread:
 *  - a file is ready: it was closed after writing or moved in, and its size and mtime
 *    then stayed unchanged for the settle window (some writers reopen a file per chunk);
 *  - a file or folder was renamed within the roots (IN_MOVED_FROM and IN_MOVED_TO paired
 *    by cookie): nothing needs reading;
 *  - a file or folder is gone (deleted, or moved out of the roots);
 *  - a folder appeared (created, or moved in): its files may predate its watch and may
 *    still be being written, so they go through the settle window too;
 *  - a folder needs a scan against the store: events were lost (IN_Q_OVERFLOW: every
 *    root is rescanned, once), or it could not be watched (no inotify watches left: it
 *    is rescanned periodically instead). */
#ifndef FC_DAEMON_WATCH_H
#define FC_DAEMON_WATCH_H

#include <stddef.h>
#include <uv.h>

typedef struct {
    void (*ready)(void *ctx, const char *path);
    void (*renamed)(void *ctx, const char *from, const char *to);
    void (*gone)(void *ctx, const char *path);
    void (*scan)(void *ctx, const char *dir);     /* NULL dir: every root */
    void (*appeared)(void *ctx, const char *dir); /* a new folder: watch it, settle its files */
    void *ctx;
} watch_events;

typedef struct watcher watcher;

/* max_watches: 0 for as many as the kernel allows; settle_ms: the settle window. On
 * success *out is the caller's (watch_free). */
int watch_new(uv_loop_t *loop, const watch_events *events, int max_watches, int settle_ms,
              watcher **out, char *err);

/* Watches dir (a directory the scan entered). Failing for lack of watches logs one
 * actionable message and puts the directory on the periodic-rescan list. */
void watch_add(watcher *w, const char *dir);

/* Puts a file through the settle window, as if it had just been written. */
void watch_settle(watcher *w, const char *path);

/* Handles a buffer of raw inotify events as read from the descriptor: the poll callback
 * uses it, and tests feed it events (an overflow) directly. */
void watch_handle(watcher *w, const char *buf, size_t len);

/* Directories that could not be watched, and overflows so far (for tests and logs). */
int watch_unwatched(const watcher *w);
long watch_overflows(const watcher *w);

void watch_free(watcher *w);

#endif
