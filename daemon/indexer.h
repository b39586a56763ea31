/* The loop's side of indexing: which files need work (the scan against the store), a
 * queue of paths feeding the workers, and writing what they found. All on the loop
 * thread: the store has one writer. */
#ifndef FC_DAEMON_INDEXER_H
#define FC_DAEMON_INDEXER_H

#include "daemon/config.h"
#include "daemon/scan.h"
#include "daemon/work.h"

#include <uv.h>

typedef struct {
    long files_read, bytes_read; /* photo files read whole (hashing, decoding) */
    double pipeline_s[2];        /* worker time in the pipeline itself: wall, CPU */
    long indexed, linked, unchanged, came_back, moved, failed, bad, gone, missing, faces;
} indexer_counts;

typedef struct indexer indexer;

/* Starts the workers over model (borrowed) and the store (borrowed, opened read-write at
 * cfg->db). on_idle is called on the loop when nothing is queued or running. */
int indexer_new(uv_loop_t *loop, const daemon_config *cfg, const char *db_path, fc_store *store,
                const fc_model *model, void (*on_idle)(void *ctx), void *ctx, indexer **out,
                char *err);

/* Compares a watched folder with the store: new and changed files are queued, files
 * back from a missing disk are present again, vanished files become missing (their
 * photos kept). An unreadable root (unmounted) makes all of its files missing. */
int indexer_scan(indexer *ix, const char *root, scan_dir_fn on_dir, void *ctx);

/* Queues one path (a retry, a scan's find) without starting work yet. */
void indexer_queue(indexer *ix, const char *path);
/* Queues one path and starts work: a file the watcher says is ready. */
void indexer_add(indexer *ix, const char *path);
/* A file or folder renamed within the roots: the store follows, nothing is read. A file
 * the store did not know (written under a temporary name, then renamed) is indexed. */
void indexer_renamed(indexer *ix, const char *from, const char *to);
/* A file or folder deleted or moved out of the roots: its photos become missing. */
void indexer_gone(indexer *ix, const char *path);

/* Photos whose faces another model version made are queued to be embedded again (user
 * decisions follow the new faces: store.h). */
void indexer_embed_stale(indexer *ix);

/* Pending photos whose retry time has come are queued again. */
void indexer_retry_due(indexer *ix);

/* fn(ctx, photo) after each photo with faces is written (ctx: indexer_new's). */
void indexer_on_photo(indexer *ix, void (*fn)(void *ctx, int64_t photo));

/* Nothing queued, in the workers or waiting to be written. */
int indexer_idle(const indexer *ix);
/* Nothing new goes to the workers while why is set (the photos in hand are finished and
 * written; the rest wait, `status` saying "paused: WHY"); NULL: go on. */
void indexer_pause(indexer *ix, const char *why);
int indexer_paused(const indexer *ix);
/* The daemon's lock (borrowed, outlives ix): its state file is kept telling how many
 * photos wait to be written to the store and why. */
void indexer_set_lock(indexer *ix, fc_store_lock *lock);
/* What the last indexer_scan skipped, by kind (scan.h); borrowed from ix. */
const long *indexer_skipped(const indexer *ix);
/* A count that grows with every change to the faces in the store (indexed, moved, back,
 * missing): a regroup is due when it moved. */
long indexer_changes(const indexer *ix);
const indexer_counts *indexer_totals(indexer *ix);
long indexer_network_runs(const indexer *ix);
/* The model version (fc_faces_version()) the workers embed with: what a learned head must
 * have been trained on. Borrowed from ix. */
const char *indexer_model_version(const indexer *ix);
/* Logs done/queued, photos/s and an ETA, and returns the same as one line for
 * sd_notify's STATUS. */
const char *indexer_progress(indexer *ix);

/* Stops the workers: queued paths are dropped (the next scan finds them), the photos in
 * their hands finished and written (tried once more if they waited for the store; those
 * it still cannot take are read again at the next start). */
void indexer_stop(indexer *ix);
void indexer_free(indexer *ix);

#endif
