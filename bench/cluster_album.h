/* A made-up album for bench/cluster-lfw: LFW has few photos showing several people, so
 * composites of 2 to ALBUM_MAX_TILES face photos each, of distinct people, side by side,
 * test what real albums do (several faces a photo, never one person twice in a photo).
 * The tiles make a grid of 2 columns (up to 4 tiles) or 3, in rows, so that composites
 * keep a photo's proportions: a strip of six is not one, and the detector sees it
 * squeezed. */
#ifndef FC_BENCH_CLUSTER_ALBUM_H
#define FC_BENCH_CLUSTER_ALBUM_H

#define ALBUM_MAX_TILES 6
#define ALBUM_TILE 160 /* the centre of each 250 x 250 LFW photo: its face, little else */
#define ALBUM_GAP 40   /* grey between tiles, so no face box spans two */
#define ALBUM_PITCH (ALBUM_TILE + ALBUM_GAP)

typedef struct {
    int tiles;
    int person[ALBUM_MAX_TILES]; /* the true person of each tile, left to right */
} album_photo;

typedef struct {
    album_photo *photo; /* photo c is DIR/cNNNN.jpg */
    int count;
} album;

/* Writes `count` composites into dir (which must exist) from the source photos (paths,
 * each with its true person), drawn in an order fixed by seed, each source used at most
 * once. A composite already in dir whose note (cNNNN.txt beside it) names the same
 * sources is the same picture: it is kept as it is, so that the daemon reads nothing
 * again. *out
 * (release with album_free) says who is where. Returns 0 or a negative error
 * code, with err. */
int album_make(const char *dir, char *const *paths, const int *person, int sources, int count,
               unsigned seed, album *out, char *err);
void album_free(album *a);

/* Which composite a path is (its cNNNN.jpg name), or -1. */
int album_photo_of(const album *a, const char *path);

/* Columns of the grid of a composite of `tiles`; tile k is at column k % cols, row
 * k / cols. */
int album_cols(int tiles);
/* The centre of tile k, in the composite's pixels. */
void album_tile_centre(const album_photo *p, int k, float *x, float *y);

/* The tile a face box (x, y, w, h) lies in, by its centre: 0..tiles-1, or -1 when the
 * centre is in a gap or an empty cell. */
int album_tile_of(const album_photo *p, const float box[4]);

#endif
