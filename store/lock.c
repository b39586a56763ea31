/* The daemon's lock and state file beside the store, STORE.lock: one daemon per store,
 * and what `status` learns of the daemon when the store itself cannot say it.
 *
 * The lock is flock(2) on this separate file, never an fcntl lock on the database: a
 * close() of any descriptor of the database would drop SQLite's own POSIX locks
 * (store.c). The kernel releases it when the daemon exits, however it exits.
 *
 * Format: exactly LOCK_FILE_BYTES bytes of text, "key value" lines, padded with
 * newlines after a closing "end" line (a reader that sees no "end" read a torn write
 * and reads again):
 *     pid 1234            the daemon holding or last holding the lock
 *     started 1764650000  unix seconds
 *     updated 1764650100  its last rewrite (a daemon killed: when it was last seen)
 *     stopped 0           when it stopped cleanly; 0 while it runs or if it was killed
 *     unwritten 6         photos read but waiting to be written to the store
 *     queued 20           photos waiting to be read behind them
 *     cause disk full     why they wait (the rest of the line; absent if none wait)
 *     end
 * The daemon writes the whole record in place with one pwrite at offset 0 and never
 * truncates: the file's blocks are allocated once at start, so it can still be
 * rewritten when the disk is full and the store cannot take a write. */
#include "store/store.h"

#include "core/fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define LOCK_FILE_BYTES 4096
#define LOCK_TRIES 20 /* `status` holds a shared lock for a moment: taking it waits that out */

struct fc_store_lock {
    int fd;
    fc_store_daemon state;
};

static int lock_path(const char *db_path, char *buf, size_t cap, char *err)
{
    if ((size_t)snprintf(buf, cap, "%s.lock", db_path) >= cap)
        return fc_errorf(err, -ENAMETOOLONG, "path too long: %s", db_path);
    return 0;
}

/* Reads the record; 0 with *out filled, -EAGAIN on a torn or foreign record. */
static int read_record(int fd, fc_store_daemon *out)
{
    char buf[LOCK_FILE_BYTES + 1];
    const ssize_t n = pread(fd, buf, LOCK_FILE_BYTES, 0);
    if (n < 0) return -errno;
    buf[n] = 0;
    memset(out, 0, sizeof *out);
    int ended = 0;
    for (char *line = buf, *next; line && *line && !ended; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *value = strchr(line, ' ');
        if (strcmp(line, "end") == 0) ended = 1;
        if (!value) continue;
        *value++ = 0;
        if (strcmp(line, "pid") == 0) out->pid = strtol(value, NULL, 10);
        if (strcmp(line, "started") == 0) out->started = strtoll(value, NULL, 10);
        if (strcmp(line, "updated") == 0) out->updated = strtoll(value, NULL, 10);
        if (strcmp(line, "stopped") == 0) out->stopped = strtoll(value, NULL, 10);
        if (strcmp(line, "unwritten") == 0) out->unwritten = strtoll(value, NULL, 10);
        if (strcmp(line, "queued") == 0) out->queued = strtoll(value, NULL, 10);
        if (strcmp(line, "cause") == 0) snprintf(out->cause, sizeof out->cause, "%s", value);
    }
    return ended ? 0 : -EAGAIN;
}

static int write_record(fc_store_lock *l)
{
    char buf[LOCK_FILE_BYTES];
    memset(buf, '\n', sizeof buf);
    const fc_store_daemon *s = &l->state;
    int n = snprintf(buf, sizeof buf,
                     "pid %ld\nstarted %" PRId64 "\nupdated %" PRId64 "\nstopped %" PRId64
                     "\nunwritten %" PRId64 "\nqueued %" PRId64 "\n",
                     s->pid, s->started, s->updated, s->stopped, s->unwritten, s->queued);
    /* the cause is the daemon's text: one line, whatever it holds */
    if (s->unwritten > 0 && s->cause[0]) {
        n += snprintf(buf + n, sizeof buf - (size_t)n, "cause ");
        for (const char *c = s->cause; *c && n < (int)sizeof buf - 8; c++)
            buf[n++] = *c == '\n' ? ' ' : *c;
        buf[n++] = '\n';
    }
    memcpy(buf + n, "end\n", 4);
    const ssize_t w = pwrite(l->fd, buf, sizeof buf, 0);
    return w == (ssize_t)sizeof buf ? 0 : w < 0 ? -errno : -EIO;
}

int fc_store_lock_take(const char *db_path, int64_t now, fc_store_lock **out, char *err)
{
    *out = NULL;
    char path[4200];
    int rc = lock_path(db_path, path, sizeof path, err);
    if (rc) return rc;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return fc_errorf(err, -errno, "cannot open %s: %s", path, strerror(errno));
    for (int i = 0; (rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EWOULDBLOCK; i++) {
        if (i + 1 == LOCK_TRIES) {
            fc_store_daemon other;
            const int known = read_record(fd, &other) == 0 && other.pid > 0;
            close(fd);
            if (known)
                return fc_errorf(err, -EBUSY,
                                 "another faceclusterd (pid %ld) is using this store (its lock: "
                                 "%s): stop it first, or give this one another --db",
                                 other.pid, path);
            return fc_errorf(err, -EBUSY, "another faceclusterd holds %s: stop it first", path);
        }
        nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
    }
    if (rc) {
        rc = fc_errorf(err, -errno, "cannot lock %s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    fc_store_lock *l = calloc(1, sizeof *l);
    if (!l) {
        close(fd);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    l->fd = fd;
    l->state = (fc_store_daemon){.pid = (long)getpid(), .started = now, .updated = now};
    *out = l;
    return 0;
}

int fc_store_lock_update(fc_store_lock *l, int64_t unwritten, int64_t queued, const char *cause,
                         int64_t now, char *err)
{
    l->state.unwritten = unwritten, l->state.queued = queued;
    snprintf(l->state.cause, sizeof l->state.cause, "%s", cause ? cause : "");
    l->state.updated = now;
    const int rc = write_record(l);
    return rc ? fc_errorf(err, rc, "cannot write the daemon's lock file: %s", strerror(-rc)) : 0;
}

void fc_store_lock_release(fc_store_lock *l, int64_t now)
{
    if (!l) return;
    l->state.updated = l->state.stopped = now;
    l->state.unwritten = l->state.queued = 0, l->state.cause[0] = 0;
    write_record(l); /* at worst `status` says it was last seen earlier */
    close(l->fd);    /* releases the lock */
    free(l);
}

int fc_store_daemon_get(const char *db_path, fc_store_daemon *out, char *err)
{
    memset(out, 0, sizeof *out);
    char path[4200];
    int rc = lock_path(db_path, path, sizeof path, err);
    if (rc) return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) return 0;
    if (fd < 0) return fc_errorf(err, -errno, "cannot open %s: %s", path, strerror(errno));
    /* a shared lock we can take: no daemon holds it */
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        flock(fd, LOCK_UN);
    } else if (errno == EWOULDBLOCK) {
        out->running = 1;
    } else {
        rc = fc_errorf(err, -errno, "cannot test the lock %s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    const int running = out->running;
    for (int i = 0; i < LOCK_TRIES; i++) {
        rc = read_record(fd, out);
        if (rc != -EAGAIN) break;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    out->running = running;
    close(fd);
    /* -EAGAIN: an empty file (the daemon could not write it); the lock says enough */
    if (rc < 0 && rc != -EAGAIN)
        return fc_errorf(err, rc, "cannot read %s: %s", path, strerror(-rc));
    return 1;
}
