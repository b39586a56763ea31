/* Reading the facecluster model file.
 *
 * Format, version 3. All integers little-endian; the file is mapped and its float32 data
 * used in place, so every tensor starts at a multiple of 64 bytes.
 *
 *   offset size  field
 *   0      8     magic "FCMODEL\0"
 *   8      4     version (3)
 *   12     4     tensor count n, 1..4096
 *   16     8     file size in bytes (a truncated copy is caught here)
 *   24     8     checksum of the whole file, this field read as 0: model_checksum()
 *   32     64    source, NUL-padded text: the upstream package and version
 *   96     96*n  tensor table, one entry each:
 *                  0  48  name, NUL-padded (at least one NUL)
 *                  48 4   dtype: 1 = float32
 *                  52 4   layout: 0 dense row-major; 1 conv packed; 2 Winograd (below)
 *                  56 16  dims[4], unused trailing dims 1, product = number of floats
 *                  72 8   data offset from the start of the file, multiple of 64
 *                  80 8   data size in bytes = 4 * product of dims
 *                  88 8   reserved, 0
 *
 * Layout 1 (FC_LAYOUT_CONV_P16): dims KH, KW, Cin, Cout with Cout a multiple of 16. The
 * weights are the GEMM operand B[K][Cout], K = (ky, kx, ci) in that order, cut into
 * Cout/16 panels of K x 16 floats stored one after the other: the convolution kernel
 * streams one panel per 16 output channels. See fc_conv_p16_index(). Batch-norm style
 * scale and shift are already folded into these weights and the "<name>/bias" vector.
 *
 * Layout 2 (FC_LAYOUT_WINO_P16): dims 4, 4, Cin, Cout. A 3x3 stride-1 kernel g already
 * transformed for Winograd's F(2x2, 3x3), U = G g G^T (4 x 4 per channel pair), stored as
 * 16 matrices, one per position t = 4i + j of U, each in layout 1's panel order
 * [Cout/16][Cin][16]. See fc_wino_p16_index() and core/nn/nn_wino.c.
 *
 * Version history: 1 had no layout 2; 2 checksummed only the tensor data. A file of
 * another version is refused with a message to convert again (the build does that by
 * itself).
 *
 * Everything read from the file is checked with overflow-safe arithmetic before use. */
#include "core/nn/model.h"

#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/nn/model_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char name[FC_MODEL_NAME_MAX];
    uint32_t layout;
    uint32_t dims[4];
    const float *data;
    size_t count;
} model_entry;

struct fc_model {
    const uint8_t *map;
    size_t map_size;
    char source[FC_MODEL_SOURCE_MAX];
    uint64_t checksum;
    size_t count;
    model_entry *entries;
};

static int validate_entry(const uint8_t *raw, size_t file_size, size_t data_start, size_t index,
                          model_entry *e, char *err)
{
    memcpy(e->name, raw + MODEL_ENT_NAME, FC_MODEL_NAME_MAX);
    if (memchr(e->name, 0, FC_MODEL_NAME_MAX) == NULL || e->name[0] == 0)
        return fc_errorf(err, -EINVAL, "corrupt model: tensor %zu has no valid name", index);
    if (rd32(raw + MODEL_ENT_DTYPE) != MODEL_DTYPE_F32)
        return fc_errorf(err, -EINVAL, "corrupt model: tensor %s has unknown dtype", e->name);
    e->layout = rd32(raw + MODEL_ENT_LAYOUT);
    if (e->layout != FC_LAYOUT_DENSE && e->layout != FC_LAYOUT_CONV_P16 &&
        e->layout != FC_LAYOUT_WINO_P16)
        return fc_errorf(err, -EINVAL, "corrupt model: tensor %s has unknown layout", e->name);
    uint64_t count = 1;
    for (int d = 0; d < 4; d++) {
        e->dims[d] = rd32(raw + MODEL_ENT_DIMS + 4 * d);
        if (e->dims[d] == 0 || e->dims[d] > (1u << 24))
            return fc_errorf(err, -EINVAL, "corrupt model: tensor %s has bad dims", e->name);
        count *= e->dims[d];
        if (count > ((uint64_t)1 << 32))
            return fc_errorf(err, -EINVAL, "corrupt model: tensor %s is too large", e->name);
    }
    if (e->layout != FC_LAYOUT_DENSE && e->dims[3] % 16 != 0)
        return fc_errorf(err, -EINVAL, "corrupt model: tensor %s has Cout not a multiple of 16",
                         e->name);
    uint64_t offset = rd64(raw + MODEL_ENT_OFFSET), size = rd64(raw + MODEL_ENT_SIZE);
    if (size != count * 4 || offset % MODEL_DATA_ALIGN != 0 || offset < data_start ||
        offset > file_size || size > file_size - offset)
        return fc_errorf(err, -EINVAL, "corrupt model: tensor %s lies outside the file", e->name);
    e->count = (size_t)count;
    return 0;
}

void fc_model_release_pages(const fc_model *model)
{
    /* a shared read-only mapping of a file: the pages leave this process's resident set
     * and stay in the page cache, from where the next access maps them again */
    if (model && model->map) madvise((void *)model->map, model->map_size, MADV_DONTNEED);
}

int fc_model_open(const char *path, fc_model **out, char *err)
{
    *out = NULL;
    int rc = 0;
    fc_model *m = calloc(1, sizeof *m);
    if (!m) return fc_errorf(err, -ENOMEM, "out of memory");
    struct stat st;
    char why[FC_ERR_MAX];
    int fd;
    rc = fc_file_open_regular(path, &fd, &st, why);
    if (rc) {
        rc = fc_errorf(err, rc, "cannot open model %s: %s", path, why);
        goto fail;
    }
    if (st.st_size < MODEL_HDR_BYTES) {
        rc = fc_errorf(err, -EINVAL, "%s is not a facecluster model (too small)", path);
        goto fail;
    }
    m->map_size = (size_t)st.st_size;
    void *map = mmap(NULL, m->map_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        rc = fc_errorf(err, -errno, "cannot map model %s: %s", path, strerror(errno));
        goto fail;
    }
    m->map = map;
    const uint8_t *h = m->map;
    if (memcmp(h + MODEL_HDR_MAGIC, FC_MODEL_MAGIC, 8) != 0) {
        rc = fc_errorf(err, -EINVAL, "%s is not a facecluster model (bad magic)", path);
        goto fail;
    }
    uint32_t version = rd32(h + MODEL_HDR_VERSION);
    if (version != FC_MODEL_VERSION) {
        rc = fc_errorf(err, -ENOTSUP, "model %s has version %u, this build reads %d: convert again",
                       path, version, FC_MODEL_VERSION);
        goto fail;
    }
    if (rd64(h + MODEL_HDR_FILE_SIZE) != m->map_size) {
        rc = fc_errorf(err, -EINVAL, "model %s is truncated or padded: %zu bytes, header says %llu",
                       path, m->map_size, (unsigned long long)rd64(h + MODEL_HDR_FILE_SIZE));
        goto fail;
    }
    m->count = rd32(h + MODEL_HDR_COUNT);
    size_t table_end = MODEL_HDR_BYTES + m->count * (size_t)MODEL_ENT_BYTES;
    if (m->count == 0 || m->count > FC_MODEL_MAX_TENSORS || table_end > m->map_size) {
        rc = fc_errorf(err, -EINVAL, "corrupt model %s: bad tensor count", path);
        goto fail;
    }
    if (model_checksum(h, m->map_size) != rd64(h + MODEL_HDR_CHECKSUM)) {
        rc = fc_errorf(err, -EINVAL, "corrupt model %s: checksum mismatch", path);
        goto fail;
    }
    m->checksum = rd64(h + MODEL_HDR_CHECKSUM);
    memcpy(m->source, h + MODEL_HDR_SOURCE, FC_MODEL_SOURCE_MAX);
    m->source[FC_MODEL_SOURCE_MAX - 1] = 0;
    m->entries = calloc(m->count, sizeof *m->entries);
    if (!m->entries) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < m->count; i++) {
        model_entry *e = &m->entries[i];
        rc = validate_entry(h + MODEL_HDR_BYTES + i * MODEL_ENT_BYTES, m->map_size, table_end, i, e,
                            err);
        if (rc) goto fail;
        e->data = (const float *)(const void *)(h + rd64(h + MODEL_HDR_BYTES + i * MODEL_ENT_BYTES +
                                                         MODEL_ENT_OFFSET));
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->entries[j].name, e->name) == 0) {
                rc = fc_errorf(err, -EINVAL, "corrupt model %s: tensor %s appears twice", path,
                               e->name);
                goto fail;
            }
    }
    close(fd);
    *out = m;
    return 0;
fail:
    if (fd >= 0) close(fd);
    fc_model_close(m);
    return rc;
}

void fc_model_close(fc_model *m)
{
    if (!m) return;
    if (m->map) munmap((void *)m->map, m->map_size);
    free(m->entries);
    free(m);
}

int fc_model_find(const fc_model *m, const char *name, fc_model_tensor *out, char *err)
{
    for (size_t i = 0; i < m->count; i++) {
        const model_entry *e = &m->entries[i];
        if (strcmp(e->name, name) != 0) continue;
        out->name = e->name;
        out->layout = e->layout;
        memcpy(out->dims, e->dims, sizeof out->dims);
        out->data = e->data;
        out->count = e->count;
        return 0;
    }
    return fc_errorf(err, -ENOENT, "model has no tensor %s: convert it again", name);
}

int fc_model_expect(const fc_model *m, const char *name, uint32_t layout,
                    const uint32_t want_dims[4], fc_model_tensor *out, char *err)
{
    int rc = fc_model_find(m, name, out, err);
    if (rc) return rc;
    int ok = out->layout == layout;
    for (int d = 0; d < 4; d++) ok = ok && (want_dims[d] == 0 || want_dims[d] == out->dims[d]);
    if (!ok)
        return fc_errorf(err, -EINVAL,
                         "model tensor %s has layout %u dims %ux%ux%ux%u, expected %u "
                         "%ux%ux%ux%u",
                         name, out->layout, out->dims[0], out->dims[1], out->dims[2], out->dims[3],
                         layout, want_dims[0], want_dims[1], want_dims[2], want_dims[3]);
    return 0;
}

const char *fc_model_source(const fc_model *m)
{
    return m->source;
}

uint64_t fc_model_checksum(const fc_model *m)
{
    return m->checksum;
}

size_t fc_model_tensor_count(const fc_model *m)
{
    return m->count;
}

int fc_model_places(char ***places, char *err)
{
    return fc_file_data_places("FACECLUSTER_MODEL", FC_MODEL_FILE_NAME, places, err);
}

int fc_model_open_or_default(const char *path, fc_model **out, char *err)
{
    *out = NULL;
    if (path) return fc_model_open(path, out, err);
    char **places;
    int rc = fc_model_places(&places, err);
    if (rc) return rc;
    rc = -ENOENT;
    for (int i = 0; places[i] && (rc == -ENOENT || rc == -ENOTDIR); i++)
        rc = fc_model_open(places[i], out, err);
    if (rc == -ENOENT || rc == -ENOTDIR) { /* a missing model is named by where it was looked for */
        char looked[FC_ERR_MAX] = "";
        for (int i = 0; places[i]; i++) {
            size_t used = strlen(looked);
            snprintf(looked + used, sizeof looked - used, "%s%s", i ? ", " : "", places[i]);
        }
        rc = fc_errorf(err, -ENOENT, "no model file: looked for %s", looked);
    }
    fc_file_places_free(places);
    return rc;
}

const uint8_t *model_map(const fc_model *m, size_t *size)
{
    *size = m->map_size;
    return m->map;
}
