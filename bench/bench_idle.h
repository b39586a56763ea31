/* bench/daemon's idle section: faceclusterd watching a folder with nothing to do. */
#ifndef FC_BENCH_IDLE_H
#define FC_BENCH_IDLE_H

typedef struct {
    double index_s;              /* the first index of the library, to idle */
    double rss_busy_mib;         /* resident memory once idle, networks made */
    double rss_freed_mib;        /* after model_ttl, the networks freed */
    double wakeups_per_s, cpu_s; /* over the idle minutes: context switches, CPU time */
    double first_after_idle_s;   /* a new photo: written to indexed, less the settle window */
    int threads;                 /* the daemon's threads while idle */
} idle_run;

/* Starts `exe` watching lib (its photos: the files in it; photo_to_add is copied in after
 * the idle minutes) on db, with model_ttl ttl_s and a settle window of settle_ms; its log
 * goes to log. Returns 0 with *out, or -1 (said on stderr). */
int bench_idle(const char *exe, const char *model, const char *lib, const char *db, const char *log,
               const char *photo_to_add, int ttl_s, int settle_ms, double idle_minutes,
               idle_run *out);

#endif
