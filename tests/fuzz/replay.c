/* Replays a fuzz target over corpus files or directories: what `meson test` runs, so
 * every input a fuzzer ever found interesting stays a regression test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (!buf) return -1;
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, failures = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            /* the sample photos come with set-up (./run.sh): skip without them, but not
             * in CI, where set-up has run */
            const char *ci = getenv("CI");
            const int in_ci = ci && strcmp(ci, "true") == 0;
            fprintf(stderr, "replay: no such corpus %s%s\n", argv[i], in_ci ? "" : ": SKIP");
            return in_ci ? 1 : 77;
        }
        if (!S_ISDIR(st.st_mode)) {
            failures += replay_file(argv[i]) != 0;
            files++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        struct dirent *e;
        while (dir && (e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            failures += replay_file(path) != 0;
            files++;
        }
        if (dir) closedir(dir);
    }
    /* a crash never gets here; reaching it means every input was handled */
    printf("%d passed, %d failed\n", files - failures, failures);
    return files == 0 || failures ? 1 : 0;
}
