#include "bench/cluster_album.h"

#include "core/fc_error.h"
#include "core/image/image.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned next_random(unsigned *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* Written under another name and renamed, so that an interrupted run leaves no half
 * photo for the next one to keep. */
static int write_file(const char *path, const uint8_t *data, size_t len, char *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return fc_errorf(err, -errno, "cannot write %s", tmp);
    const int ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0 || !ok || rename(tmp, path) != 0)
        return fc_errorf(err, -EIO, "cannot write %s", path);
    return 0;
}

/* Pastes the centre ALBUM_TILE square of the photo at path into tile k of canvas. */
static int paste_tile(fc_image *canvas, int k, int tiles, const char *path, char *err)
{
    fc_image src;
    int rc = fc_image_load(path, &src, err);
    if (rc) return rc;
    if (src.width < ALBUM_TILE || src.height < ALBUM_TILE) {
        fc_image_free(&src);
        return fc_errorf(err, -EINVAL, "%s: smaller than %d pixels", path, ALBUM_TILE);
    }
    const int x0 = (src.width - ALBUM_TILE) / 2, y0 = (src.height - ALBUM_TILE) / 2,
              cols = album_cols(tiles);
    const int dx = ALBUM_GAP + k % cols * ALBUM_PITCH, dy = ALBUM_GAP + k / cols * ALBUM_PITCH;
    for (int y = 0; y < ALBUM_TILE; y++)
        memcpy(canvas->rgb + ((size_t)(dy + y) * canvas->width + dx) * 3,
               src.rgb + ((size_t)(y0 + y) * src.width + x0) * 3, ALBUM_TILE * 3);
    fc_image_free(&src);
    return 0;
}

/* Whether dir/cNNNN.jpg exists and its note (cNNNN.txt, written after it) names these
 * sources: an earlier run made the same picture. */
static int already_made(const char *path, const char *note_path, const char *note)
{
    if (access(path, F_OK) != 0) return 0;
    FILE *f = fopen(note_path, "r");
    if (!f) return 0;
    const size_t len = strlen(note);
    char *old = malloc(len + 2);
    const size_t got = old ? fread(old, 1, len + 1, f) : 0;
    const int same = old && got == len && memcmp(old, note, len) == 0;
    fclose(f);
    free(old);
    return same;
}

static int write_composite(const char *dir, int c, char *const *paths, const int *source, int tiles,
                           char *err)
{
    char path[4096], note_path[4096], note[ALBUM_MAX_TILES * 4100] = "";
    snprintf(path, sizeof path, "%s/c%04d.jpg", dir, c);
    snprintf(note_path, sizeof note_path, "%s/c%04d.txt", dir, c);
    for (int k = 0; k < tiles; k++)
        snprintf(note + strlen(note), sizeof note - strlen(note), "%s\n", paths[source[k]]);
    if (already_made(path, note_path, note)) return 0;
    fc_image canvas;
    const int cols = album_cols(tiles), rows = (tiles + cols - 1) / cols;
    int rc = fc_image_alloc(&canvas, ALBUM_GAP + cols * ALBUM_PITCH, ALBUM_GAP + rows * ALBUM_PITCH,
                            err);
    if (rc) return rc;
    memset(canvas.rgb, 128, (size_t)canvas.width * canvas.height * 3);
    for (int k = 0; k < tiles && !rc; k++)
        rc = paste_tile(&canvas, k, tiles, paths[source[k]], err);
    uint8_t *jpeg = NULL;
    size_t len = 0;
    if (!rc) rc = fc_image_encode_jpeg(&canvas, 92, &jpeg, &len, err);
    if (!rc) rc = write_file(path, jpeg, len, err);
    if (!rc) rc = write_file(note_path, (const uint8_t *)note, strlen(note), err);
    free(jpeg);
    fc_image_free(&canvas);
    return rc;
}

/* Picks the next composite's sources from the shuffled order, skipping (for a later
 * composite) a source whose person is already in this one. */
static int pick_tiles(const int *order, uint8_t *used, int sources, const int *person, int want,
                      int *source)
{
    int tiles = 0;
    for (int i = 0; i < sources && tiles < want; i++) {
        const int s = order[i];
        if (used[s]) continue;
        int clash = 0;
        for (int k = 0; k < tiles; k++) clash |= person[source[k]] == person[s];
        if (clash) continue;
        used[s] = 1, source[tiles++] = s;
    }
    return tiles;
}

int album_make(const char *dir, char *const *paths, const int *person, int sources, int count,
               unsigned seed, album *out, char *err)
{
    memset(out, 0, sizeof *out);
    int *order = malloc((size_t)(sources > 0 ? sources : 1) * sizeof *order);
    uint8_t *used = calloc((size_t)(sources > 0 ? sources : 1), 1);
    out->photo = calloc((size_t)(count > 0 ? count : 1), sizeof *out->photo);
    int rc = order && used && out->photo ? 0 : fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; i < sources && !rc; i++) order[i] = i;
    for (int i = sources - 1; i > 0 && !rc; i--) { /* Fisher-Yates */
        const int j = (int)(next_random(&seed) % (unsigned)(i + 1)), t = order[i];
        order[i] = order[j], order[j] = t;
    }
    for (int c = 0; c < count && !rc; c++) {
        const int want = 2 + (int)(next_random(&seed) % (ALBUM_MAX_TILES - 1));
        int source[ALBUM_MAX_TILES];
        const int tiles = pick_tiles(order, used, sources, person, want, source);
        if (tiles < 2) {
            rc = fc_errorf(err, -ENOSPC, "only %d photos: not enough for %d composites", sources,
                           count);
            break;
        }
        album_photo *p = &out->photo[c];
        p->tiles = tiles;
        for (int k = 0; k < tiles; k++) p->person[k] = person[source[k]];
        rc = write_composite(dir, c, paths, source, tiles, err);
        out->count = c + 1;
    }
    free(order), free(used);
    if (rc) album_free(out);
    return rc;
}

void album_free(album *a)
{
    free(a->photo);
    memset(a, 0, sizeof *a);
}

int album_photo_of(const album *a, const char *path)
{
    const char *base = strrchr(path, '/');
    int c;
    char tail[8];
    if (sscanf(base ? base + 1 : path, "c%d.%4s", &c, tail) != 2 || strcmp(tail, "jpg") != 0)
        return -1;
    return c >= 0 && c < a->count ? c : -1;
}

int album_cols(int tiles)
{
    return tiles <= 4 ? 2 : 3;
}

void album_tile_centre(const album_photo *p, int k, float *x, float *y)
{
    const int cols = album_cols(p->tiles);
    *x = ALBUM_GAP + k % cols * ALBUM_PITCH + ALBUM_TILE / 2.0f;
    *y = ALBUM_GAP + k / cols * ALBUM_PITCH + ALBUM_TILE / 2.0f;
}

int album_tile_of(const album_photo *p, const float box[4])
{
    const int cols = album_cols(p->tiles);
    const float cx = box[0] + box[2] / 2 - ALBUM_GAP, cy = box[1] + box[3] / 2 - ALBUM_GAP;
    if (cx < 0 || cy < 0) return -1;
    const int col = (int)(cx / ALBUM_PITCH), row = (int)(cy / ALBUM_PITCH), k = row * cols + col;
    if (col >= cols || cx - col * ALBUM_PITCH > ALBUM_TILE || cy - row * ALBUM_PITCH > ALBUM_TILE)
        return -1;
    return k < p->tiles ? k : -1;
}
