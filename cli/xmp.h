/* `xmp read` (cli/xmp_read.c), for the command's table in cli/cmd_xmp.c. */
#ifndef FC_CLI_XMP_H
#define FC_CLI_XMP_H

#include "cli/cli.h"
#include "core/image/xmp.h"

int cli_xmp_read(const cli_command *cmd, char **paths, int count, int json);

#endif
