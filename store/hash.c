/* What a photo is known by: the XXH3-128 hash of its bytes (several GB/s, so hashing a
 * photo costs less than decoding it), for the daemon that indexes and the CLI that asks
 * whether a file it was given is indexed. */
#include "store/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void fc_store_hash(const void *data, size_t len, uint8_t hash[FC_STORE_HASH_BYTES])
{
    XXH128_canonical_t canon;
    XXH128_canonicalFromHash(&canon, XXH3_128bits(data, len));
    memcpy(hash, canon.digest, FC_STORE_HASH_BYTES);
}

int fc_store_photo_boxes(fc_store *s, const uint8_t hash[FC_STORE_HASH_BYTES], int64_t **faces,
                         float (**boxes)[4], int *count, char *err)
{
    *faces = NULL, *boxes = NULL, *count = 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT f.id, f.x, f.y, f.w, f.h FROM faces f JOIN photos p ON "
                                "p.id = f.photo WHERE p.hash = ?1 AND p.status = 1 AND NOT "
                                "f.rejected ORDER BY f.id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return fc_store_sql_error(s->db, rc, "finding a photo's faces", err);
    sqlite3_bind_blob(st, 1, hash, FC_STORE_HASH_BYTES, SQLITE_STATIC);
    int cap = 0, step;
    rc = 0;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? 2 * cap : 8;
            int64_t *f = realloc(*faces, (size_t)cap * sizeof *f);
            if (f) *faces = f;
            float(*b)[4] = realloc(*boxes, (size_t)cap * sizeof *b);
            if (b) *boxes = b;
            if (!f || !b) {
                rc = fc_errorf(err, -ENOMEM, "out of memory");
                break;
            }
        }
        (*faces)[*count] = sqlite3_column_int64(st, 0);
        for (int k = 0; k < 4; k++) (*boxes)[*count][k] = (float)sqlite3_column_double(st, 1 + k);
        ++*count;
    }
    if (!rc && step != SQLITE_DONE)
        rc = fc_store_sql_error(s->db, step, "finding a photo's faces", err);
    sqlite3_finalize(st);
    if (rc) {
        free(*faces), free(*boxes);
        *faces = NULL, *boxes = NULL, *count = 0;
    }
    return rc;
}
