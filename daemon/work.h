/* The workers: N threads, each with its own networks, fed by a bounded queue; finished
 * work goes back to the event loop through a uv_async_t. Workers only read the store
 * (their own read-only connection); the loop is its one writer. */
#ifndef FC_DAEMON_WORK_H
#define FC_DAEMON_WORK_H

#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "daemon/xmp_import.h"
#include "store/store.h"

#include <uv.h>

enum work_outcome {
    WORK_INDEXED, /* the networks ran: photo holds the faces */
    WORK_KNOWN,   /* these bytes are a photo the store knows already: known_photo */
    WORK_FAILED,  /* could not be read or decoded: code, reason */
    WORK_GONE     /* no longer there, or no longer a regular file */
};

typedef struct work_result {
    char *path;             /* owned */
    fc_file_identity ident; /* as the file was when read */
    uint8_t hash[FC_STORE_HASH_BYTES];
    enum work_outcome outcome;
    int64_t known_photo;
    fc_photo photo; /* WORK_INDEXED: owned (fc_photo_free) */
    xmp_found xmp;  /* WORK_INDEXED and WORK_KNOWN: face names read (xmp_found_free) */
    int code;       /* WORK_FAILED: negative errno (-ENODATA: truncated, may pass) */
    char reason[FC_ERR_MAX];
    int write_tries; /* the loop's: failed writes of this result to the store */
    struct work_result *next;
} work_result;

typedef struct work_pool work_pool;

typedef struct {
    const fc_model *model; /* shared by every worker; outlives the pool */
    fc_faces_opts opts;
    const char *db_path; /* each worker opens it read-only */
    int threads;
    int capacity;    /* jobs waiting at most */
    int model_ttl_s; /* a worker frees its networks after this long without a photo; 0: never */
    uv_loop_t *loop;
    void (*on_results)(void *ctx); /* on the loop thread: results are ready to take */
    void *ctx;
} work_config;

/* Starts the threads (each makes its networks: about 60 MB). On success *out is the
 * caller's, released with work_pool_stop. */
int work_pool_start(const work_config *cfg, work_pool **out, char *err);

/* Queues a file to index; -EAGAIN when the queue is full (submit again after results),
 * -ENOMEM. The path is copied. embed_again: run the networks even if the store knows
 * these bytes (its faces were made by another model version). */
int work_pool_submit(work_pool *pool, const char *path, int embed_again);
int work_pool_room(const work_pool *pool);
/* Jobs queued, running, or done and not taken yet: each photo in the pool's hands. */
int work_pool_busy(const work_pool *pool);
/* Every result finished so far, oldest first; the caller frees each with
 * work_result_free. */
work_result *work_pool_take(work_pool *pool);
void work_result_free(work_result *r);
/* How many photos the networks have run on since the start. */
long work_pool_network_runs(const work_pool *pool);
/* Photo files read (to hash them, and to decode them) since the start, their bytes, and
 * the seconds the workers spent in the pipeline itself, wall and CPU (the rest is the
 * daemon's own). */
void work_pool_reads(const work_pool *pool, long *files, long *bytes, double pipeline_s[2]);

/* Whether a worker failed to start (its networks or memory): the pool cannot do its work. */
int work_pool_broken(const work_pool *pool);

/* Drops queued jobs (a later scan finds them again), lets each worker finish the photo
 * in hand, joins the threads and releases the pool (its async handle closes with the
 * loop's next turn). Returns the results not taken yet, for the caller to write. */
work_result *work_pool_stop(work_pool *pool);

#endif
