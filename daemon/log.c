#include "log.h"

#include "../core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int max_level = LOG_INFO;

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
    fprintf(mem, "<%d>", level);
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
