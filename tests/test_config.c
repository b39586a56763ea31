/* The daemon's config file, line by line (the syntax at the top of daemon/config.c): ~,
 * quotes, comments after a value, and the errors; then whole files through config_load,
 * and the default folder from user-dirs.dirs (HOME and XDG_CONFIG_HOME set per case). */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "daemon/config.h"
#include "daemon/user_dirs.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

/* Parses line with HOME=/home/ada: its return, and *out. */
static int parse(const char *line, config_setting *out, char *err)
{
    memset(out, 0, sizeof *out);
    err[0] = 0;
    return config_parse_line(line, strlen(line), "/home/ada", out, err);
}

/* line is the setting key with value want. */
static void check_setting(const char *line, const char *key, const char *want)
{
    static config_setting s;
    char err[FC_ERR_MAX];
    int rc = parse(line, &s, err);
    CHECK_MSG(rc == 1 && strcmp(s.key, key) == 0 && strcmp(s.value, want) == 0,
              "[%s]: rc %d, key [%s], value [%s] (want [%s]); %s", line, rc, s.key, s.value, want,
              err);
}

/* line is refused, the reason mentioning why. */
static void check_refused(const char *line, const char *why)
{
    static config_setting s;
    char err[FC_ERR_MAX];
    int rc = parse(line, &s, err);
    CHECK_MSG(rc < 0 && strstr(err, why), "[%s]: rc %d, value [%s], err [%s] (want [%s])", line, rc,
              s.value, err, why);
}

static void test_values(void)
{
    check_setting("watch = /photos", "watch", "/photos");
    check_setting("  watch=/photos  ", "watch", "/photos");
    check_setting("watch\t=\t/photos\t", "watch", "/photos");
    check_setting("watch = /photos\r", "watch", "/photos");
    check_setting("watch = /my photos", "watch", "/my photos"); /* blanks inside stay */
    check_setting("threads = 4", "threads", "4");
}

static void test_comments(void)
{
    static config_setting s;
    char err[FC_ERR_MAX];
    CHECK(parse("", &s, err) == 0);
    CHECK(parse("   \t", &s, err) == 0);
    CHECK(parse("# watch = /x", &s, err) == 0);
    CHECK(parse("   # indented", &s, err) == 0);
    /* a '#' after a blank starts a comment: never part of a path */
    check_setting("watch = /x # mine", "watch", "/x");
    check_setting("watch = /x\t#mine", "watch", "/x");
    check_setting("watch = /x #", "watch", "/x");
    check_setting("threads = 2 # two", "threads", "2");
    /* right after a character it is ambiguous: refused */
    check_refused("watch = /x#mine", "'#' inside a value");
    check_refused("watch = /x/#1", "'#' inside a value");
    check_refused("watch=#x", "'#' inside a value");
}

static void test_quotes(void)
{
    check_setting("watch = \"/my photos # 2023\"", "watch", "/my photos # 2023");
    check_setting("watch = '/my photos # 2023'", "watch", "/my photos # 2023");
    check_setting("watch = \"/a\" # a comment", "watch", "/a");
    check_setting("watch = '/a'\t", "watch", "/a");
    check_setting("watch = \"/say \\\"cheese\\\"\"", "watch", "/say \"cheese\"");
    check_setting("watch = \"/back\\\\slash\"", "watch", "/back\\slash");
    check_setting("watch = '/it\\s \"raw\"'", "watch", "/it\\s \"raw\"");
    check_setting("watch = \"/it's\"", "watch", "/it's");
    check_setting("db = \"\"", "db", "");
    check_setting("db = ''", "db", "");
    check_setting("watch = /Bob's photos", "watch", "/Bob's photos"); /* quoted only at start */
    check_refused("watch = \"/a", "no closing \"");
    check_refused("watch = '/a", "no closing '");
    check_refused("watch = \"/a\" /b", "text after the closing");
    check_setting("watch = \"/a\"#x", "watch", "/a"); /* after a quote: a comment */
    check_refused("watch = \"/a\\n\"", "backslash");
}

static void test_home(void)
{
    check_setting("watch = ~", "watch", "/home/ada");
    check_setting("watch = ~/Pictures", "watch", "/home/ada/Pictures");
    check_setting("watch = \"~/My Pictures\"", "watch", "/home/ada/My Pictures");
    check_setting("db = ~/faces.db", "db", "/home/ada/faces.db");
    check_setting("model = ~/m", "model", "/home/ada/m");
    check_setting("watch = /x/~/y", "watch", "/x/~/y"); /* leading only */
    check_refused("watch = ~bob/photos", "not ~user");
    static config_setting s;
    char err[FC_ERR_MAX];
    CHECK(config_parse_line("watch = ~/x", 11, NULL, &s, err) < 0 && strstr(err, "HOME"));
}

static void test_errors(void)
{
    check_refused("watch /photos", "expected 'key = value'");
    check_refused("= /photos", "expected a key");
    check_refused("watch =", "has no value");
    check_refused("watch =   # nothing", "has no value");
    static config_setting s;
    char err[FC_ERR_MAX];
    CHECK(config_parse_line("watch = /a\0b", 12, "/h", &s, err) < 0 && strstr(err, "NUL"));
    static char line[9000];
    memset(line, 'a', sizeof line - 1);
    memcpy(line, "watch = /", 9);
    CHECK(config_parse_line(line, strlen(line), "/h", &s, err) < 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* config_load on argv; stderr into tmp/stderr. */
static int load(daemon_config *cfg, char **argv, int argc, char *said, size_t cap)
{
    char log[512];
    snprintf(log, sizeof log, "%s/stderr", tmp);
    fflush(stderr);
    int saved = dup(2);
    FILE *to = freopen(log, "w", stderr);
    int rc = config_load(cfg, argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (to) clearerr(stderr);
    said[0] = 0;
    FILE *f = fopen(log, "r");
    if (f) {
        size_t n = fread(said, 1, cap - 1, f);
        said[n] = 0;
        fclose(f);
    }
    return rc;
}

static void test_file(void)
{
    char path[512], text[2048], said[1024], want[1024];
    snprintf(path, sizeof path, "%s/config", tmp);
    snprintf(text, sizeof text,
             "# my settings\n"
             "watch = %s/a # the first\n"
             "watch = \"%s/b c\"\n"
             "watch = ~/d\n"
             "threads = 3 # three\n"
             "detector = 'tiny'\n",
             tmp, tmp);
    write_text(path, text);
    char *argv[] = {"faceclusterd", "--config", path, NULL};
    daemon_config cfg;
    setenv("HOME", "/home/ada", 1);
    int rc = load(&cfg, argv, 3, said, sizeof said);
    CHECK_MSG(rc == 0, "rc %d: %s", rc, said);
    if (rc) return;
    CHECK(cfg.root_count == 3);
    snprintf(want, sizeof want, "%s/a", tmp);
    CHECK_MSG(cfg.root_count > 0 && strcmp(cfg.roots[0], want) == 0, "%s", cfg.roots[0]);
    snprintf(want, sizeof want, "%s/b c", tmp);
    CHECK_MSG(cfg.root_count > 1 && strcmp(cfg.roots[1], want) == 0, "%s", cfg.roots[1]);
    CHECK_MSG(cfg.root_count > 2 && strcmp(cfg.roots[2], "/home/ada/d") == 0, "%s", cfg.roots[2]);
    CHECK(cfg.threads == 3 && cfg.detector == FC_DETECTOR_TINY);
    config_free(&cfg);

    /* an error names the file and the line, and is a usage error (2) */
    write_text(path, "threads = 2\n\nwatch = /x#mine\n");
    rc = load(&cfg, argv, 3, said, sizeof said);
    snprintf(want, sizeof want, "faceclusterd: %s:3: '#' inside a value", path);
    CHECK_MSG(rc == 2 && strstr(said, want), "rc %d: %s", rc, said);
    write_text(path, "threads = many\n");
    rc = load(&cfg, argv, 3, said, sizeof said);
    snprintf(want, sizeof want, "faceclusterd: %s:1: threads takes a number", path);
    CHECK_MSG(rc == 2 && strstr(said, want), "rc %d: %s", rc, said);
    write_text(path, "# ok\nbogus = 1\n");
    rc = load(&cfg, argv, 3, said, sizeof said);
    snprintf(want, sizeof want, "faceclusterd: %s:2: unknown setting 'bogus'", path);
    CHECK_MSG(rc == 2 && strstr(said, want), "rc %d: %s", rc, said);
}

/* With neither the file nor a flag naming a folder: the user's pictures folder. */
static const char *default_folder(char *said, size_t cap)
{
    static char root[512];
    char *argv[] = {"faceclusterd", NULL};
    daemon_config cfg;
    root[0] = 0;
    if (load(&cfg, argv, 1, said, cap) == 0) {
        snprintf(root, sizeof root, "%s", cfg.root_count == 1 ? cfg.roots[0] : "(not one)");
        config_free(&cfg);
    }
    return root;
}

static void test_default_folder(void)
{
    char home[300], dirs[700], text[1200], want[700], said[1024];
    snprintf(home, sizeof home, "%s/home", tmp);
    snprintf(dirs, sizeof dirs, "%s/.config", home);
    mkdir(home, 0700);
    mkdir(dirs, 0700);
    setenv("HOME", home, 1);
    unsetenv("XDG_CONFIG_HOME");

    /* no user-dirs.dirs: ~/Pictures */
    snprintf(want, sizeof want, "%s/Pictures", home);
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "%s", said);

    /* as xdg-user-dirs-update writes it */
    snprintf(dirs, sizeof dirs, "%s/.config/user-dirs.dirs", home);
    write_text(dirs, "# written by xdg-user-dirs-update\n"
                     "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
                     "XDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
    snprintf(want, sizeof want, "%s/Bilder", home);
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "%s", said);

    /* an absolute path, escaped as the shell reads it; the last line wins */
    snprintf(text, sizeof text,
             "XDG_PICTURES_DIR=\"$HOME/Bilder\"\nXDG_PICTURES_DIR=\"%s/\\$pics \\\"x\\\"/\"\n",
             tmp);
    write_text(dirs, text);
    snprintf(want, sizeof want, "%s/$pics \"x\"", tmp);
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "%s", said);

    /* disabled (set to $HOME) or in a form the specification does not allow: ~/Pictures */
    snprintf(want, sizeof want, "%s/Pictures", home);
    write_text(dirs, "XDG_PICTURES_DIR=\"$HOME/Bilder\"\nXDG_PICTURES_DIR=\"$HOME/\"\n");
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "disabled: %s", said);
    write_text(dirs, "XDG_PICTURES_DIR=\"relative/pics\"\n");
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "relative: %s", said);
    write_text(dirs, "XDG_PICTURES_DIRS=\"$HOME/no\"\nXDG_PICTURES_DIR=\"$HOMEX/no\"\n");
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "other keys: %s", said);

    /* $XDG_CONFIG_HOME/user-dirs.dirs when set */
    char xdg[300];
    snprintf(xdg, sizeof xdg, "%s/xdg", tmp);
    mkdir(xdg, 0700);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    snprintf(dirs, sizeof dirs, "%s/user-dirs.dirs", xdg);
    write_text(dirs, "XDG_PICTURES_DIR=\"$HOME/Immagini\"\n");
    snprintf(want, sizeof want, "%s/Immagini", home);
    CHECK_MSG(strcmp(default_folder(said, sizeof said), want) == 0, "%s", said);
    unsetenv("XDG_CONFIG_HOME");

    /* no HOME: no default, said so */
    unsetenv("HOME");
    char *argv[] = {"faceclusterd", NULL};
    daemon_config cfg;
    CHECK(load(&cfg, argv, 1, said, sizeof said) == 2 && strstr(said, "pass --watch DIR"));
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/fc-config-XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    char *real = realpath(tmp, NULL); /* roots are real paths */
    if (!real) return 1;
    snprintf(tmp, sizeof tmp, "%s", real);
    free(real);
    RUN(test_values);
    RUN(test_comments);
    RUN(test_quotes);
    RUN(test_home);
    RUN(test_errors);
    RUN(test_file);
    RUN(test_default_folder);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return harness_exit();
}
