/* Reading files the way facecluster must: a path might name a FIFO, a directory or a file
 * that grows while it is read, and none of those may hang or crash a caller. */
#ifndef FC_FILE_H
#define FC_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Opens path read-only without blocking (a FIFO cannot hang us), then refuses anything
 * but a regular file. On success *fd is a blocking descriptor the caller closes, and *st
 * describes it. Returns 0 or a negative errno (-EINVAL: not a regular file). */
int fc_file_open_regular(const char *path, int *fd, struct stat *st, char *err);

/* Reads a whole regular file of at most max_bytes. On success *data (caller frees with
 * free) holds *len bytes; a file that shrank while being read gives what was there. */
int fc_file_read(const char *path, size_t max_bytes, uint8_t **data, size_t *len, char *err);
/* The same, and *st says what the file was when opened (its identity for the store). */
int fc_file_read_stat(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                      struct stat *st, char *err);
/* Reads a regular file's first max_bytes (all of it when shorter), as fc_file_read does. */
int fc_file_read_head(const char *path, size_t max_bytes, uint8_t **data, size_t *len, char *err);

/* Where facecluster keeps a data file: $<env_var> if set, else
 * $XDG_DATA_HOME/facecluster/<name>, else ~/.local/share/facecluster/<name> (env_var NULL:
 * the default place, whatever the environment chose). Returns 0,
 * -ENOENT (no HOME either) or -ENAMETOOLONG. */
int fc_file_data_path(const char *env_var, const char *name, char *buf, size_t cap, char *err);

/* What an output file may replace. facecluster writes its outputs (sheets, the model
 * file) over what the user names, so it refuses every target that is not plainly an
 * earlier output: a device, a FIFO, a socket, a directory, a symbolic link, the store
 * and SQLite's files beside it, and (without force) a regular file that does not start
 * with the output's magic bytes. */
typedef struct {
    /* paths never written over, nor their SQLite companions (-wal, -shm, -journal), under
     * any name that reaches the same file; NULL-terminated, or NULL for none */
    const char *const *protect;
    const void *magic; /* an existing file holding an earlier output starts with these */
    size_t magic_len;
    int force; /* replace an existing regular file whatever it holds */
} fc_file_output;

/* Whether path may be written as `how` says: 0, or a negative errno with why not (-EEXIST:
 * a file that needs force; -EPERM: never). A caller checks before it does the work that
 * makes the output; fc_file_write_atomic checks again. */
int fc_file_output_check(const char *path, const fc_file_output *how, char *err);

/* Writes len bytes to path, atomically and durably: into a new temporary file beside it,
 * flushed, renamed over path, and the folder flushed, so a reader sees the old file or
 * the new one, and a crash leaves one of them. A file replaced keeps its mode; a new one
 * gets 0666 less the umask. Refused as fc_file_output_check says. */
int fc_file_write_atomic(const char *path, const void *bytes, size_t len, const fc_file_output *how,
                         char *err);

/* Where facecluster looks for a data file it only reads (the model), in order: $<env_var>
 * alone when it is set; else the user's own place (fc_file_data_path's, when HOME or
 * XDG_DATA_HOME gives one), then DIR/facecluster/<name> for each absolute DIR of
 * $XDG_DATA_DIRS (by default /usr/local/share:/usr/share), as the XDG base directory
 * specification orders them. On success *places is a NULL-terminated array of at least one
 * path; the caller frees it with fc_file_places_free. Returns 0, -ENOMEM or -ENAMETOOLONG. */
int fc_file_data_places(const char *env_var, const char *name, char ***places, char *err);
void fc_file_places_free(char **places);

#endif
