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

/* What the benchmarks that index a folder with faceclusterd take:
 * [DATA_DIR] [--store PATH] [--daemon PATH] [--model PATH] [--threads N]. */
typedef struct {
    const char *data_dir, *store, *exe, *model;
    int threads;
    char exe_buf[4096], model_buf[4096];
} bench_index;

/* argv[*i] if it is one of those: 1 (*i moved past its value), else 0. */
int bench_index_arg(int argc, char **argv, int *i, bench_index *b);

/* What was not given: DATA_DIR ../shared/data/lfw-dev, the daemon of the build tree argv0
 * was built in, the model $FACECLUSTER_MODEL or that build tree's, 2 threads. */
void bench_index_defaults(bench_index *b, const char *argv0);

#endif
