#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: faceclusterd [--once] [--watch DIR]... [--db PATH] [--model PATH]\n"
    "                    [--detector ssd|tiny] [--threads N] [--config PATH]\n"
    "                    [--max-watches N] [--settle-ms N] [--purge-days N] [--verbose]\n"
    "Watches photo folders and indexes every face (see README).\n";

static int add_root(daemon_config *cfg, const char *dir)
{
    if (cfg->root_count == CONFIG_MAX_ROOTS) {
        fprintf(stderr, "faceclusterd: at most %d folders can be watched\n", CONFIG_MAX_ROOTS);
        return 2;
    }
    /* absolute, without symlinks or trailing slash: paths in the store start with it */
    char *real = realpath(dir, NULL);
    if (!real) real = strdup(dir); /* not there now (an unmounted disk): kept as given */
    if (!real) return 2;
    if (real[0] != '/') {
        fprintf(stderr, "faceclusterd: %s: a watched folder must exist or be an absolute path\n",
                dir);
        free(real);
        return 2;
    }
    size_t n = strlen(real);
    while (n > 1 && real[n - 1] == '/') real[--n] = 0;
    cfg->roots[cfg->root_count++] = real;
    return 0;
}

static void clear_roots(daemon_config *cfg)
{
    for (int i = 0; i < cfg->root_count; i++) free(cfg->roots[i]);
    cfg->root_count = 0;
}

static int parse_int(const char *key, const char *value, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi) {
        fprintf(stderr, "faceclusterd: %s takes a number from %d to %d, not '%s'\n", key, lo, hi,
                value);
        return 2;
    }
    *out = (int)v;
    return 0;
}

/* One setting, from the file (key = value) or a flag (--key value). */
static int apply(daemon_config *cfg, const char *key, const char *value)
{
    if (strcmp(key, "watch") == 0) return add_root(cfg, value);
    if (strcmp(key, "db") == 0 || strcmp(key, "model") == 0) {
        char *dest = key[0] == 'd' ? cfg->db : cfg->model;
        if (snprintf(dest, CONFIG_PATH_MAX, "%s", value) >= CONFIG_PATH_MAX) return 2;
        return 0;
    }
    if (strcmp(key, "detector") == 0) {
        if (strcmp(value, "ssd") != 0 && strcmp(value, "tiny") != 0) {
            fprintf(stderr, "faceclusterd: detector is ssd or tiny, not '%s'\n", value);
            return 2;
        }
        cfg->detector = value[0] == 's' ? FC_DETECTOR_SSD : FC_DETECTOR_TINY;
        return 0;
    }
    if (strcmp(key, "threads") == 0) return parse_int(key, value, 0, 64, &cfg->threads);
    if (strcmp(key, "max-watches") == 0)
        return parse_int(key, value, 0, INT_MAX, &cfg->max_watches);
    if (strcmp(key, "settle-ms") == 0) return parse_int(key, value, 0, 600000, &cfg->settle_ms);
    if (strcmp(key, "purge-days") == 0) return parse_int(key, value, 0, 36500, &cfg->purge_days);
    if (strcmp(key, "max-tries") == 0) return parse_int(key, value, 1, 100, &cfg->max_tries);
    fprintf(stderr, "faceclusterd: unknown setting '%s'\n", key);
    return 2;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) *--end = 0;
    return s;
}

static int read_file(daemon_config *cfg, const char *path, int must_exist)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT) return 0;
        fprintf(stderr, "faceclusterd: cannot read %s: %s\n", path, strerror(errno));
        return 2;
    }
    snprintf(cfg->config_path, sizeof cfg->config_path, "%s", path);
    char line[CONFIG_PATH_MAX + 64];
    int rc = 0, number = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        number++;
        char *text = trim(line);
        if (*text == 0 || *text == '#') continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            fprintf(stderr, "faceclusterd: %s:%d: expected 'key = value'\n", path, number);
            rc = 2;
            break;
        }
        *eq = 0;
        rc = apply(cfg, trim(text), trim(eq + 1));
        if (rc) fprintf(stderr, "faceclusterd: (in %s, line %d)\n", path, number);
    }
    fclose(f);
    return rc;
}

static void default_config_path(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    buf[0] = 0;
    if (xdg && xdg[0] == '/')
        snprintf(buf, cap, "%s/facecluster/config", xdg);
    else if (home && *home)
        snprintf(buf, cap, "%s/.config/facecluster/config", home);
}

int config_load(daemon_config *cfg, int argc, char **argv)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->detector = FC_DETECTOR_SSD;
    cfg->settle_ms = 2000;
    cfg->purge_days = 30;
    cfg->max_tries = 3;
    /* the config file first, so that flags override it: find --config before the rest */
    const char *config = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0) config = argv[i + 1];
    char path[CONFIG_PATH_MAX];
    if (!config) default_config_path(path, sizeof path);
    int rc = read_file(cfg, config ? config : path, config != NULL);
    int flag_roots = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        } else if (strcmp(arg, "--once") == 0) {
            cfg->once = 1;
        } else if (strcmp(arg, "--verbose") == 0) {
            cfg->verbose = 1;
        } else if (strncmp(arg, "--", 2) == 0 && i + 1 < argc) {
            const char *key = arg + 2;
            if (strcmp(key, "config") == 0) {
                i++;
                continue;
            }
            if (strcmp(key, "watch") == 0 && !flag_roots++) clear_roots(cfg);
            rc = apply(cfg, key, argv[++i]);
        } else {
            fprintf(stderr, "faceclusterd: unknown argument '%s'\n%s", arg, usage);
            rc = 2;
        }
    }
    if (!rc && cfg->root_count == 0) {
        /* a photo library's usual place */
        const char *home = getenv("HOME");
        char pictures[CONFIG_PATH_MAX];
        if (!home || !*home) {
            fprintf(stderr, "faceclusterd: no folder to watch: pass --watch DIR\n");
            rc = 2;
        } else {
            snprintf(pictures, sizeof pictures, "%s/Pictures", home);
            rc = add_root(cfg, pictures);
        }
    }
    if (rc) config_free(cfg);
    return rc;
}

void config_free(daemon_config *cfg)
{
    clear_roots(cfg);
}
