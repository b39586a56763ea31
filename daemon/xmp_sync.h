/* xmp = write: the named faces the store holds, kept in the photos' XMP sidecars as
 * `facecluster xmp write` writes them (core/image/xmp.h fc_xmp_sidecar_update), after every
 * name, edit, import and regroup.
 *
 * A pass reads the named faces of every file from the store and writes the sidecar of each
 * file whose faces (names, boxes, size) differ from the last pass's, and clears ours from
 * each file that lost its last named face; the first pass after a start looks at every
 * file's sidecar (what changed while the daemon was stopped), later ones only at what
 * changed. A sidecar it writes is recorded in the store as read (its size and time), so that
 * the daemon does not take its own write for someone else's and read the photo again; one
 * that changed since the daemon last read it is not recorded, so that the other program's
 * edit is still read. What it writes are facecluster's regions (facecluster:Regions), which
 * the import never takes as the user's decisions: no loop. */
#ifndef FC_DAEMON_XMP_SYNC_H
#define FC_DAEMON_XMP_SYNC_H

#include "store/store.h"

typedef struct xmp_sync xmp_sync;

/* *out is the caller's (xmp_sync_free). protect: the files never written over
 * (fc_file_output's), borrowed for the sync's life. */
int xmp_sync_new(const char *const *protect, xmp_sync **out, char *err);
void xmp_sync_free(xmp_sync *x);

/* One pass, logged; returns how many sidecars were written. */
long xmp_sync_run(xmp_sync *x, fc_store *store);

#endif
