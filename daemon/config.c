/* The daemon's settings: the defaults, then the config file, then the command line.
 *
 * The config file is $XDG_CONFIG_HOME/facecluster/config (by default
 * ~/.config/facecluster/config; no file there is no error), or the file --config PATH
 * names (which must exist). It is read line by line; "blanks" below are spaces and tabs,
 * and a "\r" ending a line is ignored.
 *
 *   - A line that is empty, only blanks, or whose first non-blank character is '#' is a
 *     comment.
 *   - Any other line is a setting: KEY = VALUE, blanks allowed around KEY, '=' and VALUE.
 *     KEY is a long option of faceclusterd without its dashes: watch, db, model, detector,
 *     threads, settle-ms, max-watches, purge-days, max-tries, model-ttl, index-on-battery or
 *     xmp ('_' may stand for '-': model_ttl is model-ttl; --once, --verbose and --config
 *     are not settings). watch may appear on several lines, a folder each; for
 *     any other key the last line wins. Flags on the command line override the file, and
 *     --watch flags replace all of its watch lines.
 *   - VALUE is quoted when its first character is '"' or '\'':
 *       - it ends at the next quote of the same kind (not one escaped as \" in double
 *         quotes) and keeps every character between, blanks and '#' included; "" and ''
 *         are an empty value;
 *       - between single quotes no character is special; between double quotes \" is a
 *         quote and \\ a backslash, and a backslash before anything else is an error;
 *       - after the closing quote come, optionally, blanks and then a comment starting
 *         with '#' (`watch = "/x"# mine` is "/x"); anything else is an error.
 *     Otherwise VALUE is bare:
 *       - it runs to the end of the line, or to a '#' preceded by a blank: that '#' starts
 *         a comment (so `watch = /x # mine` watches "/x"); the blanks before the comment
 *         or the end of the line are not part of the value, blanks inside it are;
 *       - a '#' right after a non-blank character (`watch = /x#1`) is an error: it would
 *         be unclear whether it starts a comment; quote such a value;
 *       - a bare value cannot be empty (`db =` is an error; write `db = ""`).
 *   - In the paths (watch, db, model), quoted or bare, a leading "~" alone or "~/" stands
 *     for $HOME (an error when HOME is unset or not absolute); "~user" is an error.
 *     Nothing else is expanded: no variables, no globs. A relative watch folder (from
 *     the daemon's working directory) must exist, and is made absolute; an empty db or
 *     model means the default. Numbers are decimal, within each key's range.
 *   - Bytes other than NUL may appear anywhere (UTF-8 is expected); a NUL byte, or a
 *     line of more than 8191 bytes, is an error.
 *
 * Every error stops faceclusterd before it starts (exit 2), or on SIGHUP keeps the
 * settings it had; its message names the file and line: "faceclusterd: PATH:LINE: WHY"
 * (a file that cannot be read at all: "faceclusterd: cannot read PATH: WHY").
 *
 * The default folder, when neither the file nor the command line names one, is the
 * user's pictures folder: XDG_PICTURES_DIR in $XDG_CONFIG_HOME/user-dirs.dirs (by default
 * ~/.config/user-dirs.dirs; how it is read: user_dirs.c); without one (or when it is the
 * home folder itself, which xdg-user-dirs uses to disable it), ~/Pictures. */
#include "daemon/config.h"

#include "core/fc_error.h"
#include "core/util/text.h"
#include "daemon/user_dirs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES 8191

static const char usage[] =
    "usage: faceclusterd [--once] [--watch DIR]... [--db PATH] [--model PATH]\n"
    "                    [--detector ssd|tiny] [--threads N] [--config PATH]\n"
    "                    [--max-watches N] [--settle-ms N] [--purge-days N]\n"
    "                    [--max-tries N] [--model-ttl SECONDS] [--xmp read|write]\n"
    "                    [--index-on-battery first|always|never] [--verbose]\n"
    "                    [--help] [--version]\n"
    "Watches photo folders and indexes every face (see README).\n";

/* "faceclusterd: [PATH:LINE: ]WHY", the path and the reason escaped (they hold what a
 * file said). */
static void complain(const char *file, int line, const char *why)
{
    fputs("faceclusterd: ", stderr);
    if (file) {
        fc_text_escape(stderr, file);
        fprintf(stderr, ":%d: ", line);
    }
    fc_text_escape(stderr, why);
    fputc('\n', stderr);
}

static int add_root(daemon_config *cfg, const char *dir, char *err)
{
    if (cfg->root_count == CONFIG_MAX_ROOTS)
        return fc_errorf(err, -E2BIG, "at most %d folders can be watched", CONFIG_MAX_ROOTS);
    /* absolute, without symlinks or trailing slash: paths in the store start with it */
    char *real = realpath(dir, NULL);
    if (!real) real = strdup(dir); /* not there now (an unmounted disk): kept as given */
    if (!real) return fc_errorf(err, -ENOMEM, "out of memory");
    if (real[0] != '/') {
        free(real);
        return fc_errorf(err, -EINVAL, "%s: a watched folder must exist or be an absolute path",
                         dir);
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

static int parse_int(const char *key, const char *value, int lo, int hi, int *out, char *err)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < lo || v > hi)
        return fc_errorf(err, -EINVAL, "%s takes a number from %d to %d, not '%s'", key, lo, hi,
                         value);
    *out = (int)v;
    return 0;
}

static int is_path_key(const char *key)
{
    return strcmp(key, "watch") == 0 || strcmp(key, "db") == 0 || strcmp(key, "model") == 0;
}

/* One setting, from the file (key = value) or a flag (--key value); in a key '_' is '-'
 * (model_ttl is model-ttl), as other programs' config files spell them. */
static int apply(daemon_config *cfg, const char *given, const char *value, char *err)
{
    char key[32];
    if (snprintf(key, sizeof key, "%s", given) >= (int)sizeof key)
        return fc_errorf(err, -EINVAL, "unknown setting '%.64s'", given);
    for (char *c = key; *c; c++)
        if (*c == '_') *c = '-';
    if (strcmp(key, "watch") == 0) return add_root(cfg, value, err);
    if (strcmp(key, "db") == 0 || strcmp(key, "model") == 0) {
        char *dest = key[0] == 'd' ? cfg->db : cfg->model;
        if (snprintf(dest, CONFIG_PATH_MAX, "%s", value) >= CONFIG_PATH_MAX)
            return fc_errorf(err, -ENAMETOOLONG, "%s: the path is too long", key);
        return 0;
    }
    if (strcmp(key, "detector") == 0) {
        if (strcmp(value, "ssd") != 0 && strcmp(value, "tiny") != 0)
            return fc_errorf(err, -EINVAL, "detector is ssd or tiny, not '%s'", value);
        cfg->detector = value[0] == 's' ? FC_DETECTOR_SSD : FC_DETECTOR_TINY;
        return 0;
    }
    if (strcmp(key, "threads") == 0) return parse_int(key, value, 0, 64, &cfg->threads, err);
    if (strcmp(key, "max-watches") == 0)
        return parse_int(key, value, 0, INT_MAX, &cfg->max_watches, err);
    if (strcmp(key, "settle-ms") == 0)
        return parse_int(key, value, 0, 600000, &cfg->settle_ms, err);
    if (strcmp(key, "purge-days") == 0)
        return parse_int(key, value, 0, 36500, &cfg->purge_days, err);
    if (strcmp(key, "max-tries") == 0) return parse_int(key, value, 1, 100, &cfg->max_tries, err);
    if (strcmp(key, "model-ttl") == 0)
        return parse_int(key, value, 0, 7 * 86400, &cfg->model_ttl_s, err);
    if (strcmp(key, "index-on-battery") == 0) {
        static const char *const modes[] = {"first", "always", "never"};
        for (int m = 0; m < 3; m++)
            if (strcmp(value, modes[m]) == 0) return cfg->index_on_battery = m, 0;
        return fc_errorf(err, -EINVAL, "index-on-battery is first, always or never, not '%s'",
                         value);
    }
    if (strcmp(key, "xmp") == 0) {
        if (strcmp(value, "read") != 0 && strcmp(value, "write") != 0)
            return fc_errorf(err, -EINVAL, "xmp is read or write, not '%s'", value);
        cfg->xmp_write = value[0] == 'w';
        return 0;
    }
    return fc_errorf(err, -EINVAL, "unknown setting '%s'", key);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Appends c to out's value; -ENAMETOOLONG when it does not fit. */
static int put(config_setting *out, size_t *n, char c, char *err)
{
    if (*n + 1 >= sizeof out->value)
        return fc_errorf(err, -ENAMETOOLONG, "%s: the value is too long", out->key);
    out->value[(*n)++] = c;
    return 0;
}

/* The value starting at p, quoted or bare (the syntax above), into out->value. */
static int parse_value(const char *p, const char *end, config_setting *out, char *err)
{
    size_t n = 0;
    int rc = 0;
    if (*p == '"' || *p == '\'') {
        const char quote = *p++;
        for (; p < end && *p != quote && !rc; p++) {
            if (quote == '"' && *p == '\\') {
                if (p + 1 == end || (p[1] != '"' && p[1] != '\\'))
                    return fc_errorf(err, -EINVAL,
                                     "a backslash in double quotes is \\\" or \\\\ only: "
                                     "use single quotes for a value holding other backslashes");
                p++;
            }
            rc = put(out, &n, *p, err);
        }
        if (rc) return rc;
        if (p == end) return fc_errorf(err, -EINVAL, "no closing %c", quote);
        for (p++; p < end && is_blank(*p); p++) {
        }
        if (p < end && *p != '#')
            return fc_errorf(err, -EINVAL, "text after the closing %c (a comment starts with #)",
                             quote);
    } else {
        const char *stop = p;
        while (stop < end && !(*stop == '#' && is_blank(stop[-1]))) {
            if (*stop == '#')
                return fc_errorf(err, -EINVAL,
                                 "'#' inside a value: quote the value if it belongs to it, "
                                 "or put a blank before a comment");
            stop++;
        }
        while (stop > p && is_blank(stop[-1])) stop--;
        if (stop == p)
            return fc_errorf(err, -EINVAL, "%s has no value (an empty one is written \"\")",
                             out->key);
        for (; p < stop && !rc; p++) rc = put(out, &n, *p, err);
        if (rc) return rc;
    }
    out->value[n] = 0;
    return 0;
}

/* A path's leading "~" or "~/" as $HOME, in place. */
static int expand_home(config_setting *out, const char *home, char *err)
{
    const char *v = out->value;
    if (v[0] != '~') return 0;
    if (v[1] != 0 && v[1] != '/')
        return fc_errorf(err, -EINVAL, "%s: only ~ and ~/ are expanded, not ~user", out->key);
    if (!home || home[0] != '/')
        return fc_errorf(err, -EINVAL, "%s: ~ needs HOME to be set to an absolute path", out->key);
    char expanded[sizeof out->value];
    if (snprintf(expanded, sizeof expanded, "%s%s", home, v + 1) >= (int)sizeof expanded)
        return fc_errorf(err, -ENAMETOOLONG, "%s: the value is too long", out->key);
    memcpy(out->value, expanded, sizeof expanded);
    return 0;
}

int config_parse_line(const char *line, size_t len, const char *home, config_setting *out,
                      char *err)
{
    const char *p = line, *end = line + len;
    if (memchr(line, 0, len)) return fc_errorf(err, -EINVAL, "a NUL byte in the line");
    if (len > LINE_MAX_BYTES)
        return fc_errorf(err, -EINVAL, "a line of more than %d bytes", LINE_MAX_BYTES);
    if (end > p && end[-1] == '\r') end--;
    while (p < end && is_blank(*p)) p++;
    if (p == end || *p == '#') return 0;
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq) return fc_errorf(err, -EINVAL, "expected 'key = value'");
    const char *key_end = eq;
    while (key_end > p && is_blank(key_end[-1])) key_end--;
    if (key_end == p) return fc_errorf(err, -EINVAL, "expected a key before '='");
    if ((size_t)(key_end - p) >= sizeof out->key)
        return fc_errorf(err, -EINVAL, "unknown setting '%.*s'", (int)(key_end - p), p);
    memcpy(out->key, p, (size_t)(key_end - p));
    out->key[key_end - p] = 0;
    for (p = eq + 1; p < end && is_blank(*p); p++) {
    }
    if (p == end)
        return fc_errorf(err, -EINVAL, "%s has no value (an empty one is written \"\")", out->key);
    int rc = parse_value(p, end, out, err);
    if (!rc && is_path_key(out->key)) rc = expand_home(out, home, err);
    return rc ? rc : 1;
}

static int read_file(daemon_config *cfg, const char *path, int must_exist)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT) return 0;
        char why[FC_ERR_MAX];
        snprintf(why, sizeof why, "cannot read %.200s: %s", path, strerror(errno));
        complain(NULL, 0, why);
        return 2;
    }
    snprintf(cfg->config_path, sizeof cfg->config_path, "%s", path);
    const char *home = getenv("HOME");
    char *line = NULL, err[FC_ERR_MAX];
    size_t cap = 0;
    ssize_t len;
    int rc = 0, number = 0;
    config_setting *setting = malloc(sizeof *setting);
    if (!setting) {
        complain(path, 0, "out of memory");
        rc = 2;
    }
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        number++;
        if (len > 0 && line[len - 1] == '\n') len--;
        int got = config_parse_line(line, (size_t)len, home, setting, err);
        if (got == 1) got = apply(cfg, setting->key, setting->value, err);
        if (got < 0) {
            complain(path, number, err);
            rc = 2;
        }
    }
    if (!rc && ferror(f)) {
        snprintf(err, sizeof err, "cannot read: %s", strerror(errno));
        complain(path, number + 1, err);
        rc = 2;
    }
    free(setting);
    free(line);
    fclose(f);
    return rc;
}

/* $XDG_CONFIG_HOME/name, or ~/.config/name; "" when neither is known. */
static void config_home_path(const char *name, char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    buf[0] = 0;
    if (xdg && xdg[0] == '/')
        snprintf(buf, cap, "%s/%s", xdg, name);
    else if (home && *home)
        snprintf(buf, cap, "%s/.config/%s", home, name);
}

/* The user's pictures folder (the header comment). */
static int default_root(daemon_config *cfg, char *err)
{
    const char *home = getenv("HOME");
    char dirs[CONFIG_PATH_MAX], pictures[CONFIG_PATH_MAX];
    config_home_path("user-dirs.dirs", dirs, sizeof dirs);
    if (dirs[0] && user_dirs_get(dirs, "PICTURES", home, pictures, sizeof pictures) == 0)
        return add_root(cfg, pictures, err);
    if (!home || home[0] != '/')
        return fc_errorf(err, -ENOENT, "no folder to watch: pass --watch DIR");
    if (snprintf(pictures, sizeof pictures, "%s/Pictures", home) >= (int)sizeof pictures)
        return fc_errorf(err, -ENAMETOOLONG, "HOME is too long");
    return add_root(cfg, pictures, err);
}

int config_load(daemon_config *cfg, int argc, char **argv)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->detector = FC_DETECTOR_SSD;
    cfg->settle_ms = 2000;
    cfg->purge_days = 30;
    cfg->max_tries = 3;
    cfg->model_ttl_s = 300; /* as Immich's machine learning service unloads its models */
    /* --help and --version answer whatever the config file says */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            config_free(cfg);
            return 1;
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            printf("faceclusterd %s\n", FC_VERSION);
            config_free(cfg);
            return 1;
        }
    }
    /* the config file first, so that flags override it: find --config before the rest */
    const char *config = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0) config = argv[i + 1];
    char path[CONFIG_PATH_MAX], err[FC_ERR_MAX];
    if (!config) config_home_path("facecluster/config", path, sizeof path);
    int rc = config || path[0] ? read_file(cfg, config ? config : path, config != NULL) : 0;
    int flag_roots = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--once") == 0) {
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
            if (apply(cfg, key, argv[++i], err) != 0) {
                complain(NULL, 0, err);
                rc = 2;
            }
        } else {
            fprintf(stderr, "faceclusterd: unknown argument '%s'\n%s", arg, usage);
            rc = 2;
        }
    }
    if (!rc && cfg->root_count == 0 && default_root(cfg, err) != 0) {
        complain(NULL, 0, err);
        rc = 2;
    }
    if (rc) config_free(cfg);
    return rc;
}

void config_free(daemon_config *cfg)
{
    clear_roots(cfg);
}
