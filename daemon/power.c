/* On battery or on mains (power.h), from the power supplies' attributes in sysfs. */
#include "daemon/power.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *power_supply_dir(void)
{
    const char *fake = getenv("FACECLUSTER_POWER_SUPPLY");
    return fake && *fake ? fake : "/sys/class/power_supply";
}

/* The first line of dir/name/attr, into buf ("" when it cannot be read). */
static void attribute(const char *dir, const char *name, const char *attr, char *buf, size_t cap)
{
    char path[4096];
    buf[0] = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/%s/%s", dir, name, attr) >= sizeof path) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (!fgets(buf, (int)cap, f)) buf[0] = 0;
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

int power_on_battery(void)
{
    const char *dir = power_supply_dir();
    DIR *d = opendir(dir);
    if (!d) return 0;
    int online = 0, offline = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char type[64], state[16];
        attribute(dir, e->d_name, "type", type, sizeof type);
        if (!type[0] || strcmp(type, "Battery") == 0) continue;
        /* a peripheral's own battery (a mouse's) says scope Device: not the machine's */
        char scope[32];
        attribute(dir, e->d_name, "scope", scope, sizeof scope);
        if (strcmp(scope, "Device") == 0) continue;
        attribute(dir, e->d_name, "online", state, sizeof state);
        if (!state[0]) continue;
        if (atoi(state) > 0)
            online = 1;
        else
            offline = 1;
    }
    closedir(d);
    return offline && !online;
}
