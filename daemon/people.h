/* The daemon's people: new faces placed as photos arrive, and regroups of every face off
 * the loop thread.
 *
 * Between regroups, each new photo's faces are placed by core's one rule
 * (core/cluster/placement.h): among the named people as `who` names them (their nearest face,
 * under the naming threshold), then among the unnamed people by the linkage rule (core's
 * fc_cluster_live over them) under the clustering's threshold, or they start a new person
 * (when they may seed one). A regroup loads every face and the user's
 * constraints on a thread of its own (with its own connection to the store), clusters
 * them, writes the result and builds a fresh index of the people, which then replaces
 * the loop's. While one runs, new photos wait to be placed after it: a face is never in
 * both. A regroup the user's edits overtook is not written; it runs again at the next
 * coalesced regroup.
 *
 * A learned head (facecluster train), when the store has one that fits the model, is
 * applied to every embedding before clustering and placing: a job loads it with the
 * faces, and the index it builds lives with that head, so new faces are placed in the
 * same space, under the threshold calibrated for it. */
#ifndef FC_DAEMON_PEOPLE_H
#define FC_DAEMON_PEOPLE_H

#include "store/store.h"

#include <uv.h>

typedef struct people people;

/* Starts with no index: people_refresh builds the first. store is the loop's (borrowed),
 * db_path what the thread opens, model the version new faces are embedded by (a head
 * trained on another's is not used; copied); threshold 0: the default. *out is the
 * caller's (people_free, after the loop has run out). */
int people_new(uv_loop_t *loop, fc_store *store, const char *db_path, const char *model,
               float threshold, people **out, char *err);
void people_free(people *p);

/* A photo was indexed: its faces are placed now, or after the job that runs. */
void people_place(people *p, int64_t photo);

/* Regroups every face on the thread (regroup 1), or only loads the people again into a
 * fresh index (0: after the user's edits, whose people the store already shows). A
 * request while a job runs is kept for when it ends (a regroup wins over a refresh). */
void people_refresh(people *p, int regroup);

/* The same, here and now, on the calling thread and the loop's connection (--once, which
 * has nothing else to do meanwhile). Returns 0 or an error (logged). */
int people_run_now(people *p, int regroup);

/* The loop is closing: a regroup running stops early (nothing written), none starts. */
void people_stop(people *p);

/* Whether the last regroup failed or was overtaken by the user's edits: the next
 * coalesced one should run even if nothing else changed. */
int people_regroup_due(const people *p);

/* Whether a job runs or waits. */
int people_busy(const people *p);

#endif
