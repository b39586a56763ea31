/* Writing output files (core/util/file.h): what may be replaced, and what never is. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/util/file.h"

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static const char *at(const char *name)
{
    static char path[4][128];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int holds(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strcmp(buf, text) == 0;
}

static int count_entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) n = -1;
        pclose(p);
    }
    return n;
}

static void test_store_and_companions(void)
{
    char err[FC_ERR_MAX];
    char store[128];
    snprintf(store, sizeof store, "%s", at("faces.db"));
    put(store, "SQLite format 3");
    const char *const protect[] = {store, NULL};
    const fc_file_output how = {.protect = protect, .force = 1};
    /* the store itself, and its companions by name even before SQLite made them */
    CHECK(fc_file_write_atomic(store, "x", 1, &how, err) == -EPERM);
    CHECK(holds(store, "SQLite format 3"));
    CHECK(fc_file_write_atomic(at("faces.db-wal"), "x", 1, &how, err) == -EPERM);
    CHECK(fc_file_write_atomic(at("faces.db-shm"), "x", 1, &how, err) == -EPERM);
    CHECK(fc_file_write_atomic(at("faces.db-journal"), "x", 1, &how, err) == -EPERM);
    CHECK(access(at("faces.db-wal"), F_OK) != 0);
    /* under another name: a path through "..", a hard link */
    char other[160];
    snprintf(other, sizeof other, "%s/../%s/faces.db", dir, strrchr(dir, '/') + 1);
    CHECK(fc_file_write_atomic(other, "x", 1, &how, err) == -EPERM);
    CHECK(link(store, at("hard")) == 0);
    CHECK(fc_file_write_atomic(at("hard"), "x", 1, &how, err) == -EPERM);
    CHECK_MSG(strstr(err, "faces.db") != NULL, "%s", err);
    CHECK(holds(store, "SQLite format 3"));
    /* another file in the folder is fine */
    CHECK(fc_file_write_atomic(at("faces.db.jpg"), "x", 1, &how, err) == 0);
    CHECK(holds(at("faces.db.jpg"), "x"));
}

static void test_not_files(void)
{
    char err[FC_ERR_MAX];
    const fc_file_output how = {.force = 1};
    CHECK(symlink("faces.db", at("link")) == 0);
    CHECK(fc_file_write_atomic(at("link"), "x", 1, &how, err) == -EPERM);
    CHECK(symlink("nowhere", at("dangling")) == 0);
    CHECK(fc_file_write_atomic(at("dangling"), "x", 1, &how, err) == -EPERM);
    CHECK(mkfifo(at("fifo"), 0600) == 0);
    CHECK(fc_file_write_atomic(at("fifo"), "x", 1, &how, err) == -EPERM);
    CHECK(mkdir(at("folder"), 0700) == 0);
    CHECK(fc_file_write_atomic(at("folder"), "x", 1, &how, err) == -EPERM);
    CHECK(fc_file_write_atomic(at("folder/"), "x", 1, &how, err) == -EISDIR);
    CHECK(fc_file_output_check("/dev/null", &how, err) == -EPERM);
    CHECK(fc_file_write_atomic(at("none/x"), "x", 1, &how, err) == -ENOENT);
}

static void test_magic_and_force(void)
{
    char err[FC_ERR_MAX];
    fc_file_output how = {.magic = "JPG", .magic_len = 3};
    put(at("notes"), "my notes");
    CHECK(fc_file_output_check(at("notes"), &how, err) == -EEXIST);
    CHECK(fc_file_write_atomic(at("notes"), "JPG2", 4, &how, err) == -EEXIST);
    CHECK(holds(at("notes"), "my notes"));
    put(at("earlier"), "JPG1");
    CHECK(chmod(at("earlier"), 0640) == 0);
    CHECK(fc_file_write_atomic(at("earlier"), "JPG2", 4, &how, err) == 0);
    CHECK(holds(at("earlier"), "JPG2"));
    struct stat st;
    CHECK(stat(at("earlier"), &st) == 0 && (st.st_mode & 0777) == 0640);
    how.force = 1;
    CHECK(fc_file_write_atomic(at("notes"), "JPG3", 4, &how, err) == 0);
    CHECK(holds(at("notes"), "JPG3"));
    CHECK(fc_file_write_atomic(at("new"), "", 0, &how, err) == 0);
    CHECK(stat(at("new"), &st) == 0 && st.st_size == 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fc-test-file-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(test_store_and_companions);
    RUN(test_not_files);
    RUN(test_magic_and_force);
    /* faces.db hard link symlinks fifo folder dangling faces.db.jpg notes earlier new: no
     * temporary file left behind */
    CHECK_MSG(count_entries() == 10, "%d entries", count_entries());
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return harness_exit();
}
