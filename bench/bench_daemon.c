#include "bench/bench_daemon.h"
#include "bench/bench_util.h"

#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

/* Runs faceclusterd --once on lib into db with `threads` workers; its log goes to log. */
int bench_run_daemon(const char *exe, const char *model, const char *lib, const char *db,
                     int threads, const char *log, daemon_run *out)
{
    char threads_arg[16];
    snprintf(threads_arg, sizeof threads_arg, "%d", threads);
    char *argv[] = {(char *)exe, "--once",    "--watch", (char *)lib,   "--db", (char *)db,
                    "--threads", threads_arg, "--model", (char *)model, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    const double t0 = now_s();
    int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "bench: cannot run %s: %s\n", exe, strerror(rc));
        return -1;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return -1;
    memset(out, 0, sizeof *out);
    out->seconds = now_s() - t0;
    out->peak_mib = ru.ru_maxrss / 1024.0;
    out->cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec * 1e-6;
    out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *f = fopen(log, "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        const char *done = strstr(line, "done: ");
        if (!done) continue;
        long ignored;
        sscanf(done,
               "done: %ld photos indexed with %ld faces (the pipeline ran %ld times), %ld copies "
               "linked, %ld moved, %ld unchanged",
               &out->indexed, &out->faces, &out->runs, &ignored, &ignored, &out->unchanged);
        const char *read = strstr(done, "; ");
        if (read)
            sscanf(read,
                   "; %ld photo files read (%ld bytes); %lf s in the pipeline (%lf s CPU), %lf s "
                   "running",
                   &out->files_read, &out->bytes_read, &out->pipeline_s, &out->pipeline_cpu_s,
                   &out->running_s);
    }
    if (f) fclose(f);
    if (out->status != 0)
        fprintf(stderr, "bench: faceclusterd exited %d (log: %s)\n", out->status, log);
    return out->status == 0 ? 0 : -1;
}

void bench_daemon_path(const char *argv0, char *buf, size_t cap)
{
    char own_dir[4096];
    snprintf(own_dir, sizeof own_dir, "%s", argv0);
    snprintf(buf, cap, "%s/../daemon/faceclusterd", dirname(own_dir));
}

int bench_index_arg(int argc, char **argv, int *i, bench_index *b)
{
    const char *arg = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    const char **field = strcmp(arg, "--store") == 0    ? &b->store
                         : strcmp(arg, "--daemon") == 0 ? &b->exe
                         : strcmp(arg, "--model") == 0  ? &b->model
                                                        : NULL;
    if (field && value) {
        *field = value, ++*i;
        return 1;
    }
    if (strcmp(arg, "--threads") == 0 && value) {
        b->threads = atoi(value), ++*i;
        return 1;
    }
    if (arg[0] != '-') {
        b->data_dir = arg;
        return 1;
    }
    return 0;
}

void bench_index_defaults(bench_index *b, const char *argv0)
{
    if (!b->data_dir) b->data_dir = "../shared/data/lfw-dev";
    if (!b->threads) b->threads = 2;
    if (!b->exe) bench_daemon_path(argv0, b->exe_buf, sizeof b->exe_buf), b->exe = b->exe_buf;
    if (!b->model) b->model = getenv("FACECLUSTER_MODEL");
    if (!b->model) { /* the model of this build tree */
        char own[4096];
        snprintf(own, sizeof own, "%s", argv0);
        snprintf(b->model_buf, sizeof b->model_buf, "%s/../facecluster.model", dirname(own));
        b->model = b->model_buf;
    }
}
