/* The user's special folders as xdg-user-dirs records them (user-dirs.dirs in the config
 * home): the daemon's default folder is the user's pictures folder. */
#ifndef FC_DAEMON_USER_DIRS_H
#define FC_DAEMON_USER_DIRS_H

#include <stddef.h>

/* Reads XDG_<name>_DIR (name e.g. "PICTURES") from the user-dirs.dirs file at path into
 * buf, with $HOME as home. Returns 0, or -ENOENT when the file or the entry is missing,
 * malformed or the folder is disabled (set to $HOME itself), or -ENAMETOOLONG. */
int user_dirs_get(const char *path, const char *name, const char *home, char *buf, size_t cap);

#endif
