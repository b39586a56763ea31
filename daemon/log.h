/* The daemon's log: lines on stderr with syslog priority prefixes ("<6>"), which journald
 * reads as levels. Paths are escaped (a file name cannot forge a line). Thread-safe: each
 * line is written with one call. */
#ifndef FC_DAEMON_LOG_H
#define FC_DAEMON_LOG_H

#include <syslog.h> /* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG */

/* Lines above this level (numerically) are dropped; LOG_INFO unless set. */
void log_set_level(int level);

/* "<level>message". */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<level>PATH: message", the path escaped. */
void log_path(int level, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
