#include "daemon/log.h"

#include "core/util/text.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int max_level = LOG_INFO;
static int to_journal;
static pthread_once_t checked = PTHREAD_ONCE_INIT;

/* A child inherits JOURNAL_STREAM even when its stderr was redirected (to a terminal, a
 * file): the stream is the journal only if it is the very file systemd connected, whose
 * "DEVICE:INODE" the variable holds (sd_journal_stream_fd(3), systemd.exec(5)). */
static void check_journal(void)
{
    const char *env = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    char extra;
    struct stat st;
    to_journal = env && sscanf(env, "%llu:%llu%c", &dev, &ino, &extra) == 2 &&
                 fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
                 (unsigned long long)st.st_ino == ino;
}

void log_set_level(int level)
{
    max_level = level;
}

static void emit(int level, const char *path, const char *fmt, va_list ap)
{
    if (level > max_level) return;
    char *line = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&line, &len);
    if (!mem) return;
    pthread_once(&checked, check_journal);
    if (to_journal)
        fprintf(mem, "<%d>", level);
    else if (level <= LOG_ERR)
        fputs("error: ", mem);
    else if (level == LOG_WARNING)
        fputs("warning: ", mem);
    if (path) {
        fc_text_escape(mem, path);
        fputs(": ", mem);
    }
    vfprintf(mem, fmt, ap);
    fputc('\n', mem);
    if (fclose(mem) == 0) fwrite(line, 1, len, stderr);
    free(line);
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, NULL, fmt, ap);
    va_end(ap);
}

void log_path(int level, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(level, path, fmt, ap);
    va_end(ap);
}
