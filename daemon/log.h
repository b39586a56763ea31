/* The daemon's log: lines on stderr. When stderr is the journal's own stream, each line
 * starts with its syslog priority ("<6>"), which journald reads as the level; elsewhere (a
 * terminal, a file) lines are plain, errors and warnings marked "error: " and
 * "warning: ". Paths are escaped (a file name cannot forge a line). Thread-safe: each line
 * is written with one call. */
#ifndef FC_DAEMON_LOG_H
#define FC_DAEMON_LOG_H

#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

/* Lines above this level (numerically) are dropped; LOG_INFO unless set. */
void log_set_level(int level);

/* "<level>message" for the journal, else "message" ("warning: message"...). */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same with "PATH: " before the message, the path escaped. */
void log_path(int level, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
