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

/* Files a scan passes over, by kind. Hidden files are not counted: skipping them is the
 * rule, not a loss. */
enum scan_skip {
    SCAN_SKIP_VIDEO,         /* by name or content: facecluster reads photos only */
    SCAN_SKIP_RAW_WITH_JPEG, /* a RAW with a same-named JPEG or HEIC beside it, which
                              * stands for it (the camera's or the user's development) */
    SCAN_SKIP_OTHER,         /* any other file: documents, sidecars, formats we do not read */
    SCAN_SKIP_TOO_LONG,      /* its path does not fit in PATH_MAX */
    SCAN_SKIPS
};
/* "video", "raw_with_jpeg", "other", "path_too_long": one word each (the store's record,
 * JSON keys). */
extern const char *const scan_skip_names[SCAN_SKIPS];

/* scan_classify's answer for a photo to index (the decoder goes by its content). */
#define SCAN_PHOTO (-1)

/* Whether the file `name` in the directory dirfd is a photo to index (SCAN_PHOTO) or the
 * enum scan_skip it is skipped as. A photo's extension (.jpg .png .webp .tif .heic .avif .dng .cr2
 * ..., any case) makes a candidate, a video's or a known non-photo's (.txt .pdf .xmp .mp3 ...) does
 * not, without reading a byte: a library of documents costs one readdir. Only a name with no
 * extension or an unknown one is read (its first FC_IMAGE_SNIFF_BYTES) and told by content. Hidden
 * names are never photos. */
int scan_classify(int dirfd, const char *name);
/* The same for a path (its directory opened for the call). */
int scan_classify_path(const char *path);

/* Whether a name may be a photo, by the name alone (the watcher's filter, before the file
 * settles): not hidden, and a photo's extension or one that says nothing. */
int scan_maybe_photo(const char *name);

/* Whether name (not hidden) ends in a photo's extension: the photos a sidecar of the same
 * name may describe. */
int scan_wanted_name(const char *name);

/* Whether name ends in a camera RAW extension (.dng, .cr2, .nef, ...; any case). */
int scan_is_raw_name(const char *name);
/* Whether name ends in an extension that stands for a RAW beside it: .jpg, .jpeg, .jpe,
 * .heic, .heif, .hif (any case). */
int scan_is_partner_name(const char *name);
/* Looks beside path (in its directory) for a file of the same name up to its extension,
 * compared without case, whose name is_kind accepts: IMG_1.CR2 finds IMG_1.jpg. Writes
 * its path into out (cap bytes) and returns 1, or returns 0. */
int scan_sibling(const char *path, int (*is_kind)(const char *name), char *out, size_t cap);

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

/* Called for each directory entered (the root included), e.g. to watch it. */
typedef void (*scan_dir_fn)(void *ctx, const char *dir);

/* Appends every photo (scan_classify) under root to *out, sorted by path (strcmp, the
 * store's order), and counts the others in out->skipped; a RAW with a partner beside it
 * (scan_is_partner_name, same name up to the extension without case) is skipped. Hidden directories
 * are skipped, symbolic links never followed (so no walk leaves the root or loops), each directory
 * entered once. An unreadable directory below the root is logged and skipped. Returns 0, or a
 * negative errno when the root itself cannot be read (absent, unmounted, no permission). */
int scan_root(const char *root, scan_list *out, scan_dir_fn on_dir, void *ctx);
void scan_list_free(scan_list *list);

#endif
