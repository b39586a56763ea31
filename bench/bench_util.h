/* Small helpers the benchmarks share. */
#ifndef FC_BENCH_UTIL_H
#define FC_BENCH_UTIL_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* qsort comparator for doubles, ascending (medians of repeated runs). */
static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Peak resident memory of this process, in MiB (VmHWM), or -1. */
static inline double peak_rss_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kib) == 1) break;
    if (f) fclose(f);
    return kib < 0 ? -1 : kib / 1024;
}

/* The synthetic benches' random numbers: xorshift64, one stream per process. */
static unsigned long long bench_rng_state = 88172645463325252ULL;

static inline double uniform(void)
{
    unsigned long long x = bench_rng_state;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    bench_rng_state = x;
    return (double)(x >> 11) / 9007199254740992.0;
}

static inline float gaussian(void)
{
    return (float)(sqrt(-2.0 * log(uniform() + 1e-300)) * cos(2 * M_PI * uniform()));
}

/* "machine: N cores (nproc), CPU model" for a benchmark's header. */
static inline void bench_print_machine(void)
{
    char line[512], model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(model, sizeof model, "%s", colon + 2);
            model[strcspn(model, "\n")] = 0;
            break;
        }
    }
    if (f) fclose(f);
    printf("machine: %ld cores (nproc), %s\n", sysconf(_SC_NPROCESSORS_ONLN), model);
}

#endif
