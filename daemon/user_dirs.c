/* user-dirs.dirs, as xdg-user-dirs-update(1) writes it and user-dirs.dirs(5) describes it:
 * a shell fragment of lines
 *
 *     XDG_PICTURES_DIR="$HOME/Pictures"
 *     XDG_PICTURES_DIR="/absolute/path"
 *
 * where the value is double-quoted with \ escaping the characters the shell would read
 * otherwise (" \ $ `), and starts with "$HOME" (followed by "/" or nothing) or "/": the
 * only two forms the specification allows. Lines starting with '#' are comments; a later
 * line overrides an earlier one, as when the shell sources the file. A folder set to $HOME
 * itself is disabled (user-dirs.defaults(5)), as is anything we do not read as one of the
 * two forms: the caller then falls back to its own default, never to the whole home. */
#include "daemon/user_dirs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of one line for key, unescaped into buf: 0; -ESRCH when the line does not set
 * key (another entry, a comment); -ENOENT when it does but not in a form we read, or to
 * $HOME (disabled); -ENAMETOOLONG. */
static int parse_value(const char *line, const char *key, const char *home, char *buf, size_t cap)
{
    const char *p = line + strspn(line, " \t");
    size_t klen = strlen(key);
    if (strncmp(p, key, klen) != 0) return -ESRCH;
    p += klen;
    p += strspn(p, " \t");
    if (*p++ != '=') return -ESRCH;
    p += strspn(p, " \t");
    if (*p++ != '"') return -ENOENT;
    size_t n = 0;
    if (strncmp(p, "$HOME", 5) == 0 && (p[5] == '/' || p[5] == '"')) {
        if (!home || home[0] != '/') return -ENOENT;
        n = strlen(home);
        if (n >= cap) return -ENAMETOOLONG;
        memcpy(buf, home, n);
        p += 5;
    } else if (*p != '/') {
        return -ENOENT;
    }
    for (; *p != '"'; p++) {
        if (*p == '\\' && p[1]) p++;
        if (*p == 0 || *p == '\n') return -ENOENT; /* no closing quote */
        if (n + 1 >= cap) return -ENAMETOOLONG;
        buf[n++] = *p;
    }
    p++;
    p += strspn(p, " \t\r\n");
    if (*p && *p != '#') return -ENOENT;
    while (n > 1 && buf[n - 1] == '/') n--;
    buf[n] = 0;
    size_t hlen = home ? strlen(home) : 0;
    while (hlen > 1 && home[hlen - 1] == '/') hlen--;
    if (home && n == hlen && strncmp(buf, home, n) == 0) return -ENOENT; /* disabled */
    return 0;
}

int user_dirs_get(const char *path, const char *name, const char *home, char *buf, size_t cap)
{
    char key[64], line[8192], value[4096];
    if (snprintf(key, sizeof key, "XDG_%s_DIR", name) >= (int)sizeof key) return -ENAMETOOLONG;
    FILE *f = fopen(path, "r");
    if (!f) return -ENOENT;
    int rc = -ENOENT;
    while (fgets(line, sizeof line, f)) {
        int got = parse_value(line, key, home, value, sizeof value);
        if (got == -ESRCH) continue;
        if (got == 0 && snprintf(buf, cap, "%s", value) >= (int)cap) got = -ENAMETOOLONG;
        rc = got; /* the last line setting it wins, as when the shell sources the file */
    }
    fclose(f);
    return rc;
}
