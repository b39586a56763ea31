/* Between `xmp write` and `xmp read` (cli/cmd_xmp.c, cli/xmp_read.c): the photo's
 * orientation and the sidecars beside it. */
#ifndef FC_CLI_XMP_H
#define FC_CLI_XMP_H

#include "cli/cli.h"
#include "core/image/xmp.h"

#include <stddef.h>
#include <stdint.h>

/* The EXIF orientation (1..8) XMP regions of a photo are turned by (core/image/xmp.h), from
 * its first bytes: a JPEG's EXIF; 1 for the other formats until their EXIF is read (and
 * always for HEIF, whose container turns it). */
int cli_xmp_orientation(const uint8_t *data, size_t len);

/* Reads a photo's first `max` bytes (a whole file when shorter) into *data (caller frees). */
int cli_xmp_read_head(const char *path, size_t max, uint8_t **data, size_t *len, char *err);

/* The photo's sidecars that exist, in fc_xmp_sidecar_paths's order, into paths; how many
 * (0..2), or a negative errno. A "sidecar" that is the photo itself is never one. */
int cli_xmp_sidecars(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err);

int cli_xmp_read(const cli_command *cmd, char **paths, int count, int json);

#endif
