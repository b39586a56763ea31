/* Shared by the model reader (model.c) and writer (model_write.c): byte offsets of the
 * on-disk format documented in model.c, and the payload checksum. */
#ifndef FC_MODEL_INTERNAL_H
#define FC_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

enum {
    MODEL_HDR_MAGIC = 0,
    MODEL_HDR_VERSION = 8,
    MODEL_HDR_COUNT = 12,
    MODEL_HDR_FILE_SIZE = 16,
    MODEL_HDR_CHECKSUM = 24,
    MODEL_HDR_SOURCE = 32,
    MODEL_HDR_BYTES = 96,

    MODEL_ENT_NAME = 0,
    MODEL_ENT_DTYPE = 48,
    MODEL_ENT_LAYOUT = 52,
    MODEL_ENT_DIMS = 56,
    MODEL_ENT_OFFSET = 72,
    MODEL_ENT_SIZE = 80,
    MODEL_ENT_BYTES = 96,

    MODEL_DTYPE_F32 = 1,
    MODEL_DATA_ALIGN = 64,
};

/* FNV-1a over 64-bit little-endian words (then the tail bytes) of the whole file, the
 * checksum field itself read as zero: cheap enough to check ~55 MB at every open, strong
 * enough to catch a flipped bit or a zeroed block anywhere, tensor table included. */
static inline uint64_t model_checksum(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = 0;
        if (i != MODEL_HDR_CHECKSUM) __builtin_memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The mapped bytes of an open model, for tests that check tensors lie inside them. */
struct fc_model;
const uint8_t *model_map(const struct fc_model *model, size_t *size);

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the model file is little-endian and mapped as is"
#endif

#endif
