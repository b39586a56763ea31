#include "core/fc_error.h"

#include <stdarg.h>
#include <stdio.h>

int fc_errorf(char *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, FC_ERR_MAX, fmt, ap);
        va_end(ap);
    }
    return code;
}
