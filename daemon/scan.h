/* Walking a watched folder: every photo file in it, with what stat says of it. */
#ifndef FC_DAEMON_SCAN_H
#define FC_DAEMON_SCAN_H

#include "store/store.h"

#include <stddef.h>
#include <sys/stat.h>

typedef struct {
    char *path; /* owned */
    fc_file_identity ident;
} scan_entry;

/* Files a scan passes over, by kind: what the daemon cannot read yet (its formats,
 * videos) and paths longer than PATH_MAX. Hidden files are not counted: skipping them is
 * the rule, not a loss. */
enum scan_skip {
    SCAN_SKIP_HEIC, /* .heic, .heif: phones' photos */
    SCAN_SKIP_PNG,
    SCAN_SKIP_WEBP,
    SCAN_SKIP_TIFF,
    SCAN_SKIP_RAW, /* cameras' raw files: .dng, .cr2, .nef, .arw, ... */
    SCAN_SKIP_VIDEO,
    SCAN_SKIP_OTHER,    /* any other file */
    SCAN_SKIP_TOO_LONG, /* its path does not fit in PATH_MAX */
    SCAN_SKIPS
};
/* "heic", "png", ..., "path_too_long": one word each (the store's record, JSON keys). */
extern const char *const scan_skip_names[SCAN_SKIPS];
/* The kind of a file name scan_wanted_name refuses. */
enum scan_skip scan_skip_kind(const char *name);

/* "skipped 3 other files: 2 heic, 1 path too long" (or "skipped 0 other files"), in buf. */
void scan_skip_summary(const long skipped[SCAN_SKIPS], char *buf, size_t cap);

typedef struct {
    scan_entry *items;
    size_t count, cap;
} scan_entries;

typedef struct {
    scan_entry *items;
    size_t count, cap;
    long skipped[SCAN_SKIPS]; /* files passed over, by kind */
    scan_entries sidecars;    /* XMP sidecars (daemon/xmp_import.h), sorted by path */
} scan_list;

/* A file's identity as the store keeps it. */
fc_file_identity scan_identity(const struct stat *st);

/* Whether a file name is one the daemon indexes: not hidden, ending in .jpg, .jpeg or
 * .ppm (any case). */
int scan_wanted_name(const char *name);

/* Called for each directory entered (the root included), e.g. to watch it. */
typedef void (*scan_dir_fn)(void *ctx, const char *dir);

/* Appends every wanted regular file under root to *out, sorted by path (strcmp, the
 * store's order), and counts the others in out->skipped. Hidden directories are skipped, symbolic
 * links never followed (so no walk leaves the root or loops), each directory entered once. An
 * unreadable directory below the root is logged and skipped. Returns 0, or a negative errno when
 * the root itself cannot be read (absent, unmounted, no permission). */
int scan_root(const char *root, scan_list *out, scan_dir_fn on_dir, void *ctx);
void scan_list_free(scan_list *list);

#endif
