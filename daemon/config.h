/* The daemon's settings: defaults, then the config file, then command-line flags. */
#ifndef FC_DAEMON_CONFIG_H
#define FC_DAEMON_CONFIG_H

#include "core/nets/detect.h"

#include <stddef.h>

#define CONFIG_MAX_ROOTS 64
#define CONFIG_PATH_MAX 4096

/* index_on_battery: when indexing goes on while the machine runs on battery */
enum { BATTERY_FIRST, BATTERY_ALWAYS, BATTERY_NEVER };

typedef struct {
    char db[CONFIG_PATH_MAX];      /* the store; "" = fc_store_default_path */
    char model[CONFIG_PATH_MAX];   /* "" = the default model path */
    char *roots[CONFIG_MAX_ROOTS]; /* watched folders, absolute, owned */
    int root_count;
    enum fc_detector detector;
    int threads;          /* workers running the networks; 0 = one per core */
    int once;             /* scan, index, exit */
    int max_watches;      /* inotify watches at most (0: as many as the kernel gives) */
    int settle_ms;        /* a file is ready once unchanged this long */
    int purge_days;       /* missing photos are forgotten after this many days */
    int max_tries;        /* a truncated file is bad after this many failed reads */
    int xmp_write;        /* xmp = write: named faces are kept in the photos' XMP sidecars */
    int model_ttl_s;      /* idle workers free their networks after this long; 0: never */
    int index_on_battery; /* BATTERY_*: first (the first index only), always, never */
    int verbose;
    char config_path[CONFIG_PATH_MAX]; /* the file read, "" if none */
} daemon_config;

/* Fills *cfg from the defaults, the config file ($XDG_CONFIG_HOME/facecluster/config or
 * ~/.config/..., or --config PATH; its syntax: config.c) and argv, in that order; --watch
 * on the command line replaces the file's watch lines; without any, the user's pictures
 * folder is watched. Returns 0, 1 when --help was printed, 2 after printing a usage error
 * (a file's names its path and line). *cfg owns memory: config_free. */
int config_load(daemon_config *cfg, int argc, char **argv);
void config_free(daemon_config *cfg);

/* One line of a config file, parsed. */
typedef struct {
    char key[32];
    char value[CONFIG_PATH_MAX]; /* unquoted, a path's leading ~ expanded */
} config_setting;

/* Parses one line of a config file (len bytes, without its newline) by the syntax at the
 * top of config.c; home expands a path's leading ~ (NULL: unset). Returns 1 with *out
 * filled for a setting, 0 for a comment or blank line, or a negative errno with the
 * reason in err (FC_ERR_MAX bytes). Whether the key is known is not checked here. */
int config_parse_line(const char *line, size_t len, const char *home, config_setting *out,
                      char *err);

#endif
