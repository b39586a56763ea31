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

/* Where facecluster keeps a data file: $<env_var> if set, else
 * $XDG_DATA_HOME/facecluster/<name>, else ~/.local/share/facecluster/<name> (env_var NULL:
 * the default place, whatever the environment chose). Returns 0,
 * -ENOENT (no HOME either) or -ENAMETOOLONG. */
int fc_file_data_path(const char *env_var, const char *name, char *buf, size_t cap, char *err);

#endif
