/* One error convention for all of facecluster's libraries: a function returns 0 on success
 * or a negative errno-style code, and writes a human-readable detail into an optional
 * caller-owned buffer (may be NULL) of FC_ERR_MAX bytes. */
#ifndef FC_ERROR_H
#define FC_ERROR_H

#include <stddef.h>

#define FC_ERR_MAX 256

/* Formats the detail into err (if not NULL) and returns code, so a failure path reads
 * `return fc_errorf(err, -EINVAL, "...", ...);`. */
int fc_errorf(char *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
