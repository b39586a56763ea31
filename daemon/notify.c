#include "daemon/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int notify_send(const char *message)
{
    const char *where = getenv("NOTIFY_SOCKET");
    if (!where || !*where) return 0;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    const size_t len = strlen(where);
    if ((where[0] != '/' && where[0] != '@') || len >= sizeof addr.sun_path) return -EINVAL;
    memcpy(addr.sun_path, where, len);
    if (where[0] == '@') addr.sun_path[0] = 0; /* Linux's abstract namespace */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    const socklen_t addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    ssize_t sent =
        sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len);
    int rc = sent < 0 ? -errno : 0;
    close(fd);
    return rc;
}
