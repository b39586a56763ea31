/* systemd's readiness protocol (sd_notify): a datagram to $NOTIFY_SOCKET. A dozen lines
 * of documented protocol, so no libsystemd. Without NOTIFY_SOCKET it does nothing. */
#ifndef FC_DAEMON_NOTIFY_H
#define FC_DAEMON_NOTIFY_H

/* Sends e.g. "READY=1" or "STATUS=indexing...". Returns 0, or a negative errno. */
int notify_send(const char *message);

#endif
