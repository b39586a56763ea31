/* faceclusterd idle (bench_idle.h): what /proc says of it while it has nothing to do. */
#include "bench/bench_idle.h"
#include "bench/bench_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int logged(const char *log, const char *what)
{
    FILE *f = fopen(log, "r");
    char line[2048];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f)) found = strstr(line, what) != NULL;
    if (f) fclose(f);
    return found;
}

/* Waits up to limit_s for the log to say what; the time it took, or -1. */
static double wait_logged(pid_t pid, const char *log, const char *what, double limit_s)
{
    const double t0 = now_s();
    while (now_s() - t0 < limit_s) {
        if (logged(log, what)) return now_s() - t0;
        if (waitpid(pid, NULL, WNOHANG) == pid) return -1;
        usleep(20000);
    }
    return -1;
}

static double rss_mib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1) break;
    if (f) fclose(f);
    return kib / 1024.0;
}

/* Context switches of every thread, and how many threads. */
static long switches(pid_t pid, int *threads)
{
    char dir[64], path[384], line[256];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    long total = 0;
    *threads = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s/status", dir, e->d_name);
        FILE *f = fopen(path, "r");
        long n;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1 ||
                sscanf(line, "nonvoluntary_ctxt_switches: %ld", &n) == 1)
                total += n;
        if (f) fclose(f), (*threads)++;
    }
    if (d) closedir(d);
    return total;
}

/* User and system CPU time of the whole process, in seconds. */
static double cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    const size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* the command name may hold anything */
    unsigned long utime = 0, stime = 0;
    if (p) sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

int bench_idle(const char *exe, const char *model, const char *lib, const char *db, const char *log,
               const char *photo_to_add, int ttl_s, int settle_ms, double idle_minutes,
               idle_run *out)
{
    char ttl[16], settle[16], added[4096], line[4200];
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    snprintf(settle, sizeof settle, "%d", settle_ms);
    char *argv[] = {(char *)exe, "--watch",     (char *)lib, "--db",      (char *)db,
                    "--model",   (char *)model, "--threads", "2",         "--model-ttl",
                    ttl,         "--settle-ms", settle,      "--verbose", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "bench: cannot run %s: %s\n", exe, strerror(rc));
        return -1;
    }
    memset(out, 0, sizeof *out);
    int status = -1;
    if ((out->index_s = wait_logged(pid, log, "regrouped", 600)) < 0) goto done;
    sleep(1);
    out->rss_busy_mib = rss_mib(pid);
    if (wait_logged(pid, log, "the networks are freed", ttl_s + 60.0) < 0) goto done;
    sleep(1);
    out->rss_freed_mib = rss_mib(pid);
    const long s0 = switches(pid, &out->threads);
    const double c0 = cpu_s(pid), t0 = now_s();
    usleep((useconds_t)(idle_minutes * 60e6));
    const double seconds = now_s() - t0;
    out->wakeups_per_s = (switches(pid, &out->threads) - s0) / seconds;
    out->cpu_s = cpu_s(pid) - c0;
    /* a new photo after the idle minutes: written, settled, networks made, indexed */
    const char *base = strrchr(photo_to_add, '/');
    snprintf(added, sizeof added, "%s/idle-%s", lib, base ? base + 1 : photo_to_add);
    snprintf(line, sizeof line, "cp '%s' '%s'", photo_to_add, added);
    const double written = now_s();
    if (system(line) != 0) goto done;
    snprintf(line, sizeof line, "%s: ", added);
    const double took = wait_logged(pid, log, line, 120);
    if (took < 0) goto done;
    out->first_after_idle_s = now_s() - written - settle_ms / 1000.0;
    status = 0;
done:
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (status) fprintf(stderr, "bench: faceclusterd did not get there (log: %s)\n", log);
    return status;
}
