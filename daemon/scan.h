/* Walking a watched folder: every photo file in it, with what stat says of it. */
#ifndef FC_DAEMON_SCAN_H
#define FC_DAEMON_SCAN_H

#include "../store/store.h"

#include <stddef.h>
#include <sys/stat.h>

typedef struct {
    char *path; /* owned */
    fc_file_identity ident;
} scan_entry;

typedef struct {
    scan_entry *items;
    size_t count, cap;
} scan_list;

/* A file's identity as the store keeps it. */
fc_file_identity scan_identity(const struct stat *st);

/* Whether a file name is one the daemon indexes: not hidden, ending in .jpg, .jpeg or
 * .ppm (any case). */
int scan_wanted_name(const char *name);

/* Called for each directory entered (the root included), e.g. to watch it. */
typedef void (*scan_dir_fn)(void *ctx, const char *dir);

/* Appends every wanted regular file under root to *out, sorted by path (strcmp, the
 * store's order). Hidden directories are skipped, symbolic links never followed (so no
 * walk leaves the root or loops), each directory entered once. An unreadable directory
 * below the root is logged and skipped. Returns 0, or a negative errno when the root
 * itself cannot be read (absent, unmounted, no permission). */
int scan_root(const char *root, scan_list *out, scan_dir_fn on_dir, void *ctx);
void scan_list_free(scan_list *list);

#endif
