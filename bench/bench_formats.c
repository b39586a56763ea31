#include "bench/bench_formats.h"

#include "core/fc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const bench_format_names[BENCH_FORMATS] = {"png", "webp", "tiff", "heic"};

/* Runs argv (looked up in PATH), its standard output into stdout_path when not NULL and
 * its chatter discarded. */
static int run(char *const argv[], const char *stdout_path, char *err)
{
    fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        const int out = stdout_path ? open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : null;
        if (out < 0 || null < 0) _exit(126);
        dup2(out, 1);
        dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return fc_errorf(err, -errno, "cannot run %s: %s", argv[0], strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fc_errorf(err, -EIO, "%s failed (%s)", argv[0],
                         WIFEXITED(status) && WEXITSTATUS(status) == 127
                             ? "not installed? ./run.sh test installs it"
                             : "exit status not 0");
    return 0;
}

int bench_convert(const char *jpeg, const char *format, const char *out, char *err)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", out) >= sizeof tmp)
        return fc_errorf(err, -ENAMETOOLONG, "path too long: %s", out);
    int rc;
    if (strcmp(format, "png") == 0) { /* through lossless WebP: no PNG encoder is at hand */
        rc = run((char *[]){"cwebp", "-quiet", "-lossless", (char *)jpeg, "-o", tmp, NULL}, NULL,
                 err);
        if (!rc) rc = run((char *[]){"dwebp", "-quiet", tmp, "-o", (char *)out, NULL}, NULL, err);
    } else if (strcmp(format, "webp") == 0) {
        rc = run((char *[]){"cwebp", "-quiet", "-q", "90", (char *)jpeg, "-o", (char *)out, NULL},
                 NULL, err);
    } else if (strcmp(format, "tiff") == 0) {
        rc = run((char *[]){"djpeg", "-pnm", (char *)jpeg, NULL}, tmp, err);
        if (!rc) rc = run((char *[]){"ppm2tiff", "-c", "lzw", tmp, (char *)out, NULL}, NULL, err);
    } else if (strcmp(format, "heic") == 0) {
        rc = run((char *[]){"heif-enc", "-q", "90", (char *)jpeg, "-o", (char *)out, NULL}, NULL,
                 err);
    } else {
        rc = fc_errorf(err, -EINVAL, "no conversion to %s", format);
    }
    unlink(tmp);
    return rc;
}
