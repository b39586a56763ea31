/* Running faceclusterd --once from a benchmark, as a child process, and reading what its
 * summary line says. */
#ifndef FC_BENCH_DAEMON_H
#define FC_BENCH_DAEMON_H

#include <stddef.h>

typedef struct {
    double seconds, peak_mib, cpu_s;              /* wall, peak RSS, CPU time of all its threads */
    double pipeline_s, pipeline_cpu_s, running_s; /* the daemon's own count */
    long indexed, faces, runs, unchanged, files_read, bytes_read;
    int status;
} daemon_run;

/* Runs `exe --once --watch lib --db db --threads N --model model`; its log (stderr) goes
 * to the file log. Returns 0, or -1 when it could not run or exited non-zero (said on
 * stderr). */
int bench_run_daemon(const char *exe, const char *model, const char *lib, const char *db,
                     int threads, const char *log, daemon_run *out);

/* The faceclusterd of the build tree a benchmark binary (argv0) was built in:
 * dirname(argv0)/../daemon/faceclusterd, into buf. */
void bench_daemon_path(const char *argv0, char *buf, size_t cap);

#endif
