#include "daemon/work.h"

#include "core/nn/model.h"
#include "core/util/file.h"
#include "daemon/log.h"
#include "daemon/scan.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define MAX_THREADS 64

typedef struct job {
    char *path;
    int embed_again;
    struct job *next;
} job;

struct work_pool {
    work_config cfg;
    pthread_t threads[MAX_THREADS];
    int started;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a job was queued, or stopping */
    job *queue_head, *queue_tail;
    int queued, running, stopping, broken;
    int holding; /* workers whose networks are made (model_ttl frees idle ones) */
    int done;    /* results not taken yet */
    work_result *done_head, *done_tail;
    uv_async_t async;
    atomic_long network_runs;
    atomic_long files_read, bytes_read;        /* photo files opened and read whole */
    atomic_llong pipeline_ns, pipeline_cpu_ns; /* in fc_faces_run: wall and CPU, all workers */
};

void work_result_free(work_result *r)
{
    if (!r) return;
    if (r->outcome == WORK_INDEXED) fc_photo_free(&r->photo);
    xmp_found_free(&r->xmp);
    free(r->path);
    free(r);
}

static long long clock_ns(clockid_t which)
{
    struct timespec ts;
    clock_gettime(which, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One file, start to end, on a worker thread. */
static void process(work_pool *pool, fc_faces *faces, fc_store *reader, int embed_again,
                    work_result *r)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct stat st;
    int rc = fc_file_read_stat(r->path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, &st, r->reason);
    if (rc == -ENOENT || rc == -ENOTDIR || (rc == -EINVAL && !data)) {
        r->outcome = WORK_GONE;
        return;
    }
    if (rc) {
        /* unreadable (permissions, I/O): no bytes to know it by, so its path stands in */
        XXH128_canonical_t by_path;
        XXH128_canonicalFromHash(&by_path, XXH3_128bits_withSeed(r->path, strlen(r->path), 1));
        memcpy(r->hash, by_path.digest, FC_STORE_HASH_BYTES);
        r->outcome = WORK_FAILED, r->code = rc;
        return;
    }
    atomic_fetch_add(&pool->files_read, 1);
    atomic_fetch_add(&pool->bytes_read, (long)len);
    r->ident = scan_identity(&st);
    fc_store_hash(data, len, r->hash);
    int64_t photo;
    int status;
    char err[FC_ERR_MAX];
    rc = reader ? fc_store_photo_find(reader, r->hash, &photo, &status, err) : 0;
    xmp_import_read(r->path, data, len, &r->xmp);
    if (rc == 1 && status != FC_PHOTO_PENDING && !embed_again) {
        /* the same bytes were indexed (or found bad) before, under another path */
        r->outcome = WORK_KNOWN, r->known_photo = photo;
        free(data);
        return;
    }
    atomic_fetch_add(&pool->network_runs, 1);
    const long long wall0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    fc_faces_opts opts = pool->cfg.opts;
    opts.marked = (const float(*)[4])r->xmp.marked, opts.marked_count = r->xmp.n_marked;
    rc = fc_faces_run(faces, data, len, &opts, &r->photo, r->reason);
    atomic_fetch_add(&pool->pipeline_ns, clock_ns(CLOCK_MONOTONIC) - wall0);
    atomic_fetch_add(&pool->pipeline_cpu_ns, clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0);
    free(data);
    if (rc) {
        r->outcome = WORK_FAILED, r->code = rc;
        return;
    }
    r->outcome = WORK_INDEXED;
}

/* A worker's networks and its connection to the store: made when it is given a photo,
 * freed after model_ttl seconds without one. */
typedef struct {
    fc_faces *faces;
    fc_store *reader;
} worker_kit;

/* Called with the lock held; returns with it held. */
static int kit_make(work_pool *pool, worker_kit *kit, char *err)
{
    pthread_mutex_unlock(&pool->lock);
    const double t0 = clock_ns(CLOCK_MONOTONIC) * 1e-9;
    int rc = fc_faces_new(pool->cfg.model, &kit->faces, err);
    if (!rc && fc_store_open(pool->cfg.db_path, FC_STORE_READ_ONLY, &kit->reader, err) != 0)
        log_msg(LOG_WARNING, "a worker cannot read the store (%s): copies are indexed again", err);
    if (!rc && pool->cfg.model_ttl_s > 0)
        log_msg(LOG_DEBUG, "a worker made its networks again in %.2f s",
                clock_ns(CLOCK_MONOTONIC) * 1e-9 - t0);
    pthread_mutex_lock(&pool->lock);
    if (!rc) pool->holding++;
    return rc;
}

/* Called with the lock held; returns with it held. The last worker to let go of its
 * networks lets go of the model's pages too, and of the memory malloc keeps. */
static void kit_free(work_pool *pool, worker_kit *kit)
{
    const int last = --pool->holding == 0;
    pthread_mutex_unlock(&pool->lock);
    fc_store_close(kit->reader);
    fc_faces_free(kit->faces);
    kit->reader = NULL, kit->faces = NULL;
    if (last && !pool->stopping) {
        fc_model_release_pages(pool->cfg.model);
        malloc_trim(0);
        log_msg(LOG_INFO, "idle for %d s: the networks are freed until the next photo",
                pool->cfg.model_ttl_s);
    }
    pthread_mutex_lock(&pool->lock);
}

/* Waits for a job (the lock held); the networks go after model_ttl_s without one. */
static void wait_for_job(work_pool *pool, worker_kit *kit)
{
    while (!pool->queue_head && !pool->stopping) {
        if (!kit->faces || pool->cfg.model_ttl_s <= 0) {
            pthread_cond_wait(&pool->wake, &pool->lock);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += pool->cfg.model_ttl_s;
        int rc = 0;
        while (rc != ETIMEDOUT && !pool->queue_head && !pool->stopping)
            rc = pthread_cond_timedwait(&pool->wake, &pool->lock, &until);
        if (rc == ETIMEDOUT && !pool->queue_head && !pool->stopping) kit_free(pool, kit);
    }
}

static void *worker_main(void *arg)
{
    work_pool *pool = arg;
    char err[FC_ERR_MAX];
    worker_kit kit = {0};
    pthread_mutex_lock(&pool->lock);
    if (kit_make(pool, &kit, err) != 0) {
        log_msg(LOG_ERR, "a worker could not make its networks: %s", err);
        pool->broken = 1;
        pthread_mutex_unlock(&pool->lock);
        uv_async_send(&pool->async);
        return NULL;
    }
    for (;;) {
        wait_for_job(pool, &kit);
        if (pool->stopping) break;
        job *j = pool->queue_head;
        pool->queue_head = j->next;
        if (!pool->queue_head) pool->queue_tail = NULL;
        pool->queued--, pool->running++;
        const int made = kit.faces ? 0 : kit_make(pool, &kit, err);
        pthread_mutex_unlock(&pool->lock);

        work_result *r = calloc(1, sizeof *r);
        if (r) {
            r->path = j->path;
            if (made == 0) {
                process(pool, kit.faces, kit.reader, j->embed_again, r);
            } else { /* out of memory: tried again later */
                r->outcome = WORK_FAILED, r->code = -ENOMEM;
                snprintf(r->reason, sizeof r->reason, "the networks could not be made: %.200s",
                         err);
            }
        } else {
            free(j->path);
        }
        free(j);

        pthread_mutex_lock(&pool->lock);
        pool->running--;
        if (r) {
            if (pool->done_tail)
                pool->done_tail->next = r;
            else
                pool->done_head = r;
            pool->done_tail = r;
            pool->done++;
        }
        uv_async_send(&pool->async);
    }
    if (kit.faces) kit_free(pool, &kit);
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static void on_async(uv_async_t *async)
{
    work_pool *pool = async->data;
    pool->cfg.on_results(pool->cfg.ctx);
}

int work_pool_start(const work_config *cfg, work_pool **out, char *err)
{
    *out = NULL;
    if (cfg->threads < 1 || cfg->threads > MAX_THREADS || cfg->capacity < 1)
        return fc_errorf(err, -EINVAL, "threads 1..%d and a queue of at least 1", MAX_THREADS);
    work_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return fc_errorf(err, -ENOMEM, "out of memory");
    pool->cfg = *cfg;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_condattr_t attr; /* model_ttl's waits on the monotonic clock */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->wake, &attr);
    pthread_condattr_destroy(&attr);
    int rc = uv_async_init(cfg->loop, &pool->async, on_async);
    if (rc) {
        free(pool);
        return fc_errorf(err, -EIO, "uv_async_init: %s", uv_strerror(rc));
    }
    pool->async.data = pool;
    for (int i = 0; i < cfg->threads; i++) {
        rc = pthread_create(&pool->threads[i], NULL, worker_main, pool);
        if (rc) {
            fc_errorf(err, -rc, "cannot start a worker thread: %s", strerror(rc));
            work_pool_stop(pool);
            return -rc; /* the pool is freed when the loop next runs */
        }
        pool->started++;
    }
    *out = pool;
    return 0;
}

int work_pool_submit(work_pool *pool, const char *path, int embed_again)
{
    job *j = malloc(sizeof *j);
    char *copy = strdup(path);
    if (!j || !copy) {
        free(j), free(copy);
        return -ENOMEM;
    }
    j->path = copy, j->embed_again = embed_again, j->next = NULL;
    pthread_mutex_lock(&pool->lock);
    if (pool->queued >= pool->cfg.capacity) {
        pthread_mutex_unlock(&pool->lock);
        free(copy), free(j);
        return -EAGAIN;
    }
    if (pool->queue_tail)
        pool->queue_tail->next = j;
    else
        pool->queue_head = j;
    pool->queue_tail = j;
    pool->queued++;
    pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

int work_pool_room(const work_pool *pool)
{
    pthread_mutex_lock((pthread_mutex_t *)&pool->lock);
    int room = pool->cfg.capacity - pool->queued;
    pthread_mutex_unlock((pthread_mutex_t *)&pool->lock);
    return room;
}

int work_pool_busy(const work_pool *pool)
{
    pthread_mutex_lock((pthread_mutex_t *)&pool->lock);
    int busy = pool->queued + pool->running + pool->done;
    pthread_mutex_unlock((pthread_mutex_t *)&pool->lock);
    return busy;
}

work_result *work_pool_take(work_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    work_result *all = pool->done_head;
    pool->done_head = pool->done_tail = NULL;
    pool->done = 0;
    pthread_mutex_unlock(&pool->lock);
    return all;
}

long work_pool_network_runs(const work_pool *pool)
{
    return atomic_load(&((work_pool *)pool)->network_runs);
}

void work_pool_reads(const work_pool *pool, long *files, long *bytes, double pipeline_s[2])
{
    work_pool *p = (work_pool *)pool; /* atomics are read through non-const pointers */
    *files = atomic_load(&p->files_read);
    *bytes = atomic_load(&p->bytes_read);
    pipeline_s[0] = (double)atomic_load(&p->pipeline_ns) * 1e-9;
    pipeline_s[1] = (double)atomic_load(&p->pipeline_cpu_ns) * 1e-9;
}

int work_pool_broken(const work_pool *pool)
{
    pthread_mutex_lock((pthread_mutex_t *)&pool->lock);
    int broken = pool->broken;
    pthread_mutex_unlock((pthread_mutex_t *)&pool->lock);
    return broken;
}

static void free_pool(uv_handle_t *handle)
{
    free(handle->data);
}

work_result *work_pool_stop(work_pool *pool)
{
    if (!pool) return NULL;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->started; i++) pthread_join(pool->threads[i], NULL);
    for (job *j = pool->queue_head, *next; j; j = next) {
        next = j->next;
        free(j->path);
        free(j);
    }
    work_result *left = work_pool_take(pool);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wake);
    /* the async handle is the loop's until closed: the pool goes with it */
    uv_close((uv_handle_t *)&pool->async, free_pool);
    return left;
}
