/* Writing the model file described in model.c. */
#include "core/nn/model.h"

#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/nn/model_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char name[FC_MODEL_NAME_MAX];
    uint32_t layout;
    uint32_t dims[4];
    float *data;
    size_t count;
} writer_entry;

struct fc_model_writer {
    char source[FC_MODEL_SOURCE_MAX];
    writer_entry *entries;
    size_t count, cap;
};

fc_model_writer *fc_model_writer_new(const char *source)
{
    fc_model_writer *w = calloc(1, sizeof *w);
    if (w) snprintf(w->source, sizeof w->source, "%s", source);
    return w;
}

void fc_model_writer_free(fc_model_writer *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->count; i++) free(w->entries[i].data);
    free(w->entries);
    free(w);
}

int fc_model_writer_add(fc_model_writer *w, const char *name, uint32_t layout,
                        const uint32_t dims[4], const float *data, size_t count, char *err)
{
    size_t want = 1;
    for (int d = 0; d < 4; d++) want *= dims[d];
    if (strlen(name) == 0 || strlen(name) >= FC_MODEL_NAME_MAX || want != count || count == 0 ||
        (layout != FC_LAYOUT_DENSE && dims[3] % 16 != 0))
        return fc_errorf(err, -EINVAL, "bad tensor %s for the model file", name);
    for (size_t i = 0; i < w->count; i++)
        if (strcmp(w->entries[i].name, name) == 0)
            return fc_errorf(err, -EINVAL, "tensor %s added twice", name);
    if (w->count == FC_MODEL_MAX_TENSORS) return fc_errorf(err, -EINVAL, "too many tensors");
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        writer_entry *grown = realloc(w->entries, cap * sizeof *grown);
        if (!grown) return fc_errorf(err, -ENOMEM, "out of memory");
        w->entries = grown;
        w->cap = cap;
    }
    writer_entry *e = &w->entries[w->count];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->layout = layout;
    memcpy(e->dims, dims, sizeof e->dims);
    e->count = count;
    e->data = malloc(count * sizeof(float));
    if (!e->data) return fc_errorf(err, -ENOMEM, "out of memory");
    memcpy(e->data, data, count * sizeof(float));
    w->count++;
    return 0;
}

static size_t align_up(size_t n)
{
    return (n + MODEL_DATA_ALIGN - 1) / MODEL_DATA_ALIGN * MODEL_DATA_ALIGN;
}

static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void wr64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

int fc_model_writer_save(fc_model_writer *w, const char *path, char *err)
{
    uint8_t *image = NULL;
    if (w->count == 0) return fc_errorf(err, -EINVAL, "no tensors to write");

    size_t table_end = MODEL_HDR_BYTES + w->count * (size_t)MODEL_ENT_BYTES;
    size_t size = align_up(table_end);
    for (size_t i = 0; i < w->count; i++) size = align_up(size + w->entries[i].count * 4);
    image = calloc(1, size);
    if (!image) return fc_errorf(err, -ENOMEM, "out of memory for a %zu-byte model", size);

    memcpy(image + MODEL_HDR_MAGIC, FC_MODEL_MAGIC, 8);
    wr32(image + MODEL_HDR_VERSION, FC_MODEL_VERSION);
    wr32(image + MODEL_HDR_COUNT, (uint32_t)w->count);
    wr64(image + MODEL_HDR_FILE_SIZE, size);
    memcpy(image + MODEL_HDR_SOURCE, w->source, strlen(w->source));
    size_t offset = align_up(table_end);
    for (size_t i = 0; i < w->count; i++) {
        const writer_entry *e = &w->entries[i];
        uint8_t *ent = image + MODEL_HDR_BYTES + i * MODEL_ENT_BYTES;
        memcpy(ent + MODEL_ENT_NAME, e->name, strlen(e->name));
        wr32(ent + MODEL_ENT_DTYPE, MODEL_DTYPE_F32);
        wr32(ent + MODEL_ENT_LAYOUT, e->layout);
        for (int d = 0; d < 4; d++) wr32(ent + MODEL_ENT_DIMS + 4 * d, e->dims[d]);
        wr64(ent + MODEL_ENT_OFFSET, offset);
        wr64(ent + MODEL_ENT_SIZE, e->count * 4);
        memcpy(image + offset, e->data, e->count * 4);
        offset = align_up(offset + e->count * 4);
    }
    wr64(image + MODEL_HDR_CHECKSUM, model_checksum(image, size));

    const fc_file_output how = {.magic = FC_MODEL_MAGIC, .magic_len = 8};
    int rc = fc_file_write_atomic(path, image, size, &how, err);
    free(image);
    return rc;
}
