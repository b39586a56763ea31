/* Faces cut out of their photos for sheets and pages: each photo read and decoded once
 * for all of its faces, at the smallest DCT scale that still fills a face's cell. */
#include "cli/cli.h"

#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/image/image.h"
#include "core/sheet/sheet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int by_path(const void *a, const void *b)
{
    const cli_cut *x = a, *y = b;
    if (!x->path || !y->path) return (x->path != NULL) - (y->path != NULL);
    return strcmp(x->path, y->path);
}

int cli_cut_faces(const cli_command *cmd, cli_cut *faces, int count, int cell, double margin,
                  cli_cut_fn fn, void *ctx)
{
    if (count > 1) qsort(faces, (size_t)count, sizeof *faces, by_path);
    const size_t room = (size_t)(count ? count : 1);
    float(*boxes)[4] = malloc(room * sizeof *boxes);
    double(*squares)[4] = malloc(room * sizeof *squares);
    int rc = boxes && squares ? 0 : -ENOMEM;
    for (int first = 0, last; first < count && !rc; first = last) {
        for (last = first + 1; last < count && faces[first].path && faces[last].path &&
                               strcmp(faces[first].path, faces[last].path) == 0;
             last++)
            continue;
        char err[FC_ERR_MAX];
        uint8_t *data = NULL;
        size_t len = 0;
        fc_image img = {0};
        int failed = faces[first].path ? 0 : fc_errorf(err, -ENOENT, "no file shows its photo");
        if (!failed)
            failed = fc_file_read(faces[first].path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
        for (int i = first; i < last && !failed; i++)
            memcpy(boxes[i - first], faces[i].box, sizeof *boxes);
        if (!failed)
            failed = fc_sheet_decode_faces(data, len, (const float(*)[4])boxes, last - first,
                                           margin, cell, &img, squares, err);
        free(data);
        if (failed == -ENOMEM) rc = failed;
        if (failed) cli_warn(cmd, faces[first].path, err);
        for (int i = first; i < last && !rc; i++)
            rc = fn(ctx, &faces[i], failed ? NULL : &img, failed ? NULL : squares[i - first]);
        fc_image_free(&img);
    }
    free(boxes);
    free(squares);
    return rc;
}
