/* Test helper: hand-built EXIF blocks (a little TIFF writer independent of libexif) and
 * splicing them into JPEGs; shared by test_exif.c and test_faces.c. */
#ifndef FC_TEST_EXIF_BUILDER_H
#define FC_TEST_EXIF_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A little TIFF writer for EXIF blocks, independent of libexif. */
typedef struct {
    uint8_t buf[512];
    size_t len;
    int big; /* byte order */
} tiff;

static inline void put16(tiff *t, size_t at, unsigned v)
{
    t->buf[at + (t->big ? 0 : 1)] = (uint8_t)(v >> 8);
    t->buf[at + (t->big ? 1 : 0)] = (uint8_t)v;
}

static inline void put32(tiff *t, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++) t->buf[at + (t->big ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

/* 12-byte IFD entry at `at`; ASCII values longer than 4 bytes go to *data_at. */
static inline void entry(tiff *t, size_t at, unsigned tag, unsigned type, const void *value,
                         size_t n, size_t *data_at)
{
    put16(t, at, tag);
    put16(t, at + 2, type);
    put32(t, at + 4, (uint32_t)n);
    if (type == 3) {
        put16(t, at + 8, *(const unsigned *)value);
    } else if (type == 4) {
        put32(t, at + 8, *(const uint32_t *)value);
    } else if (n <= 4) {
        memcpy(t->buf + at + 8, value, n);
    } else {
        put32(t, at + 8, (uint32_t)*data_at);
        memcpy(t->buf + *data_at, value, n);
        *data_at += n + (n & 1);
    }
}

/* An EXIF TIFF with IFD0 {Orientation} and an Exif IFD {DateTimeOriginal, OffsetTime...}.
 * orientation < 0 leaves the tag out; NULL strings leave those tags out. */
static inline size_t build_exif(tiff *t, int big, int orientation, const char *datetime,
                                const char *offset)
{
    memset(t, 0, sizeof *t);
    t->big = big;
    memcpy(t->buf, big ? "MM\0*" : "II*\0", 4);
    put32(t, 4, 8);
    size_t ifd0 = 8, n0 = (orientation >= 0) + 1;
    size_t exif_ifd = ifd0 + 2 + 12 * n0 + 4;
    size_t n1 = (datetime != NULL) + (offset != NULL);
    size_t data_at = exif_ifd + 2 + 12 * n1 + 4;
    put16(t, ifd0, (unsigned)n0);
    size_t at = ifd0 + 2;
    if (orientation >= 0) {
        unsigned o = (unsigned)orientation;
        entry(t, at, 0x0112, 3, &o, 1, &data_at);
        at += 12;
    }
    uint32_t ptr = (uint32_t)exif_ifd;
    entry(t, at, 0x8769, 4, &ptr, 1, &data_at);
    put16(t, exif_ifd, (unsigned)n1);
    at = exif_ifd + 2;
    if (datetime) {
        entry(t, at, 0x9003, 2, datetime, strlen(datetime) + 1, &data_at);
        at += 12;
    }
    if (offset) entry(t, at, 0x9011, 2, offset, strlen(offset) + 1, &data_at);
    t->len = data_at;
    return t->len;
}

/* A JPEG with an APP1 EXIF segment holding tiff's bytes inserted after SOI (any EXIF the
 * JPEG had is left behind it, so ours is the first). Caller frees. */
static inline uint8_t *with_exif(const uint8_t *jpeg, size_t len, const uint8_t *tiff_bytes,
                                 size_t tiff_len, size_t *out_len)
{
    size_t seg = 2 + 6 + tiff_len;
    uint8_t *out = malloc(len + 2 + seg);
    memcpy(out, jpeg, 2);
    out[2] = 0xFF, out[3] = 0xE1, out[4] = (uint8_t)(seg >> 8), out[5] = (uint8_t)seg;
    memcpy(out + 6, "Exif\0\0", 6);
    memcpy(out + 12, tiff_bytes, tiff_len);
    memcpy(out + 12 + tiff_len, jpeg + 2, len - 2);
    *out_len = len + 2 + seg;
    return out;
}

static inline uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* DIR/<o>.jpg (a variant made by orient_jpegtran.sh) with an EXIF block saying
 * orientation o inserted, or NULL if it cannot be read. Caller frees. */
static inline uint8_t *read_tagged_variant(const char *dir, int o, size_t *len)
{
    char path[4096];
    size_t raw_len;
    snprintf(path, sizeof path, "%s/%d.jpg", dir, o);
    uint8_t *jpeg = read_all(path, &raw_len);
    if (!jpeg) return NULL;
    tiff t;
    build_exif(&t, o % 2, o, "2020:01:01 00:00:00", NULL); /* both byte orders in turn */
    uint8_t *tagged = with_exif(jpeg, raw_len, t.buf, t.len, len);
    free(jpeg);
    return tagged;
}

#endif
