/* The inotify watcher on a private folder: an overflow injected as a raw event gives one
 * rescan; real writes settle before they are ready; renames pair by cookie; a file moved
 * out of the roots is gone; a new folder is reported; no watches left falls back to
 * rescans. */
#include "tests/harness.h"

#include "daemon/watch.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int ready, renamed, gone, scans, scans_all, appeared;
    char last[4][512]; /* last path of each kind: ready, renamed-to, gone, appeared */
} seen;

static void on_ready(void *ctx, const char *path)
{
    seen *s = ctx;
    s->ready++;
    snprintf(s->last[0], sizeof s->last[0], "%s", path);
}
static void on_renamed(void *ctx, const char *from, const char *to)
{
    seen *s = ctx;
    (void)from;
    s->renamed++;
    snprintf(s->last[1], sizeof s->last[1], "%s", to);
}
static void on_gone(void *ctx, const char *path)
{
    seen *s = ctx;
    s->gone++;
    snprintf(s->last[2], sizeof s->last[2], "%s", path);
}
static void on_scan(void *ctx, const char *dir)
{
    seen *s = ctx;
    s->scans++;
    s->scans_all += dir == NULL;
}
static void on_appeared(void *ctx, const char *dir)
{
    seen *s = ctx;
    s->appeared++;
    snprintf(s->last[3], sizeof s->last[3], "%s", dir);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Runs the loop until *counter reaches want or a few seconds pass. */
static void run_until(uv_loop_t *loop, const int *counter, int want)
{
    const double deadline = now_s() + 5.0;
    while (*counter < want && now_s() < deadline) {
        uv_run(loop, UV_RUN_NOWAIT);
        usleep(10000);
    }
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    if (fd < 0) return;
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

int main(void)
{
    char dir[256], outside[256], path[512], other[512];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fc-watch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    snprintf(outside, sizeof outside, "%s/fc-outside-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir) || !mkdtemp(outside)) return 1;

    uv_loop_t loop;
    uv_loop_init(&loop);
    seen s = {0};
    const watch_events events = {on_ready, on_renamed, on_gone, on_scan, on_appeared, &s};
    watcher *w = NULL;
    char err[256];
    CHECK(watch_new(&loop, &events, 2, 100, &w, err) == 0);
    if (!w) return harness_exit();
    watch_add(w, dir);

    /* an overflow, injected as the kernel sends it: one rescan of every root, however
     * many overflow events a read holds */
    struct inotify_event overflow = {.wd = -1, .mask = IN_Q_OVERFLOW};
    watch_handle(w, (const char *)&overflow, sizeof overflow);
    CHECK(s.scans == 1 && s.scans_all == 1 && watch_overflows(w) == 1);
    char two[2 * sizeof overflow];
    memcpy(two, &overflow, sizeof overflow);
    memcpy(two + sizeof overflow, &overflow, sizeof overflow);
    watch_handle(w, two, sizeof two);
    CHECK(s.scans == 2 && watch_overflows(w) == 2);
    watch_handle(w, (const char *)&overflow, sizeof overflow - 1); /* a torn event: ignored */
    CHECK(s.scans == 2);

    /* a photo written: ready once, after it settles; other names are not photos */
    snprintf(path, sizeof path, "%s/a.jpg", dir);
    const double written = now_s();
    write_file(path, "jpeg bytes");
    snprintf(other, sizeof other, "%s/notes.txt", dir);
    write_file(other, "text");
    run_until(&loop, &s.ready, 1);
    CHECK(s.ready == 1 && strcmp(s.last[0], path) == 0);
    CHECK_MSG(now_s() - written >= 0.1, "ready after %.3f s, before the settle window",
              now_s() - written);

    /* renamed within the folder: paired by cookie, nothing to read */
    snprintf(other, sizeof other, "%s/b.jpg", dir);
    CHECK(rename(path, other) == 0);
    run_until(&loop, &s.renamed, 1);
    CHECK(s.renamed == 1 && strcmp(s.last[1], other) == 0 && s.gone == 0);

    /* moved out of the roots: no IN_MOVED_TO comes, so it is gone */
    snprintf(path, sizeof path, "%s/b.jpg", outside);
    CHECK(rename(other, path) == 0);
    run_until(&loop, &s.gone, 1);
    CHECK(s.gone == 1 && strcmp(s.last[2], other) == 0);

    /* a new folder is reported, to be watched and its files settled */
    snprintf(path, sizeof path, "%s/new", dir);
    CHECK(mkdir(path, 0700) == 0);
    run_until(&loop, &s.appeared, 1);
    CHECK(s.appeared == 1 && strcmp(s.last[3], path) == 0);

    /* watches run out (at most 2 here): the folder is listed for periodic rescans */
    watch_add(w, path);
    CHECK(watch_unwatched(w) == 0);
    watch_add(w, outside);
    CHECK(watch_unwatched(w) == 1);

    watch_free(w);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, outside);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return harness_exit();
}
