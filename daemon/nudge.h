/* What tells the daemon to look again, instead of a timer that polls: the mount table
 * changed (a disk mounted or unmounted: /proc/self/mountinfo, which poll(2) marks POLLPRI
 * on every change), and the store's files changed (the CLI wrote: inotify on the store's
 * folder, for the database and its -wal). Where the kernel cannot tell (no /proc, a store
 * on a network file system inotify does not see), each falls back to polling, as the
 * daemon did before, and says so in the log. An idle daemon wakes for neither. */
#ifndef FC_DAEMON_NUDGE_H
#define FC_DAEMON_NUDGE_H

#include <uv.h>

typedef struct nudges nudges;

typedef struct {
    void (*mounts)(void *ctx); /* the mount table changed (or the fallback's time came) */
    void (*store)(void *ctx);  /* the store's files were written (shortly after: coalesced) */
    void *ctx;
} nudge_events;

/* Starts both on loop; db_path: the store (its folder is watched). *out is the caller's:
 * nudges_free before the loop closes. Returns 0, or -ENOMEM. */
int nudges_start(uv_loop_t *loop, const char *db_path, const nudge_events *ev, nudges **out);
void nudges_free(nudges *n);

#endif
