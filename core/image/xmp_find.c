/* Where each container keeps its XMP packet (xmp.h), read with bounds checked at every step:
 *
 *   JPEG  APP1 segments (FF E1, 2-byte big-endian length) before the scan, the first whose
 *         payload starts "http://ns.adobe.com/xap/1.0/\0"
 *   PNG   chunks (4-byte big-endian length, type, data, CRC) until IEND; an iTXt whose
 *         keyword is "XML:com.adobe.xmp": keyword \0, compression flag, method (0: zlib),
 *         language \0, translated keyword \0, then the text
 *   WebP  RIFF chunks (fourcc, 4-byte little-endian size, data padded to even) after
 *         "RIFF" size "WEBP"; the "XMP " chunk
 *   TIFF  "II*\0" or "MM\0*", IFD0's entries (tag, type, count, value or offset); tag 700
 *         of type BYTE (1) or UNDEFINED (7)
 *   HEIF  xmp_heif.c */
#include "core/image/image.h"
#include "core/image/xmp.h"

#include "core/fc_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char jpeg_xmp_id[] = "http://ns.adobe.com/xap/1.0/"; /* and its NUL */
static const char png_xmp_keyword[] = "XML:com.adobe.xmp";

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t get32(const uint8_t *p, int big)
{
    return big ? be32(p) : le32(p);
}

static unsigned get16(const uint8_t *p, int big)
{
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

/* A copy of len bytes, NUL-terminated: 1, or an error. */
static int copy_out(const uint8_t *p, size_t len, char **packet, size_t *packet_len, char *err)
{
    if (len > FC_XMP_MAX_PACKET)
        return fc_errorf(err, -EFBIG, "XMP packet of %zu bytes (at most %zu)", len,
                         FC_XMP_MAX_PACKET);
    char *buf = malloc(len + 1);
    if (!buf) return fc_errorf(err, -ENOMEM, "out of memory");
    memcpy(buf, p, len);
    buf[len] = 0;
    *packet = buf, *packet_len = len;
    return 1;
}

static int from_jpeg(const uint8_t *d, size_t len, char **packet, size_t *plen, char *err)
{
    size_t at = 2; /* after SOI */
    while (at + 4 <= len) {
        if (d[at] != 0xFF) return 0; /* not a marker: the headers are over or broken */
        const uint8_t marker = d[at + 1];
        if (marker == 0xFF) {
            at++; /* fill byte */
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return 0; /* the scan: no metadata after it */
        const size_t seg = (size_t)d[at + 2] << 8 | d[at + 3];
        if (seg < 2 || at + 2 + seg > len) return 0;
        const uint8_t *payload = d + at + 4;
        const size_t n = seg - 2;
        if (marker == 0xE1 && n >= sizeof jpeg_xmp_id &&
            !memcmp(payload, jpeg_xmp_id, sizeof jpeg_xmp_id))
            return copy_out(payload + sizeof jpeg_xmp_id, n - sizeof jpeg_xmp_id, packet, plen,
                            err);
        at += 2 + seg;
    }
    return 0;
}

static int inflate_text(const uint8_t *p, size_t len, char **packet, size_t *plen, char *err)
{
    size_t cap = len * 4 + 1024;
    if (cap > FC_XMP_MAX_PACKET + 1) cap = FC_XMP_MAX_PACKET + 1;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) return fc_errorf(err, -ENOMEM, "out of memory");
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK) {
        free(buf);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    z.next_in = (Bytef *)p, z.avail_in = (uInt)len;
    int zr;
    for (;;) {
        z.next_out = buf + z.total_out, z.avail_out = (uInt)(cap - z.total_out);
        zr = inflate(&z, Z_FINISH);
        if (zr != Z_BUF_ERROR || z.avail_out) break;
        /* out of room: grow up to the limit (a zip bomb stops there) */
        if (cap > FC_XMP_MAX_PACKET) break;
        size_t grown = cap * 2 > FC_XMP_MAX_PACKET + 1 ? FC_XMP_MAX_PACKET + 1 : cap * 2;
        uint8_t *more = realloc(buf, grown + 1);
        if (!more) {
            zr = Z_MEM_ERROR;
            break;
        }
        buf = more, cap = grown;
    }
    const size_t out = z.total_out;
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(buf);
        if (zr == Z_MEM_ERROR) return fc_errorf(err, -ENOMEM, "out of memory");
        if (out > FC_XMP_MAX_PACKET)
            return fc_errorf(err, -EFBIG, "PNG XMP over %zu bytes", FC_XMP_MAX_PACKET);
        return fc_errorf(err, -EINVAL, "PNG XMP: broken compressed text");
    }
    buf[out] = 0;
    *packet = (char *)buf, *plen = out;
    return 1;
}

static int png_itxt(const uint8_t *p, size_t n, char **packet, size_t *plen, char *err)
{
    const size_t klen = sizeof png_xmp_keyword; /* with its NUL */
    if (n < klen + 2 || memcmp(p, png_xmp_keyword, klen)) return 0;
    const uint8_t compressed = p[klen], method = p[klen + 1];
    size_t at = klen + 2;
    for (int skip = 0; skip < 2; skip++) { /* language tag, translated keyword */
        const uint8_t *nul = memchr(p + at, 0, n - at);
        if (!nul) return fc_errorf(err, -EINVAL, "PNG XMP: broken iTXt chunk");
        at = (size_t)(nul - p) + 1;
    }
    if (!compressed) return copy_out(p + at, n - at, packet, plen, err);
    if (method != 0) return fc_errorf(err, -EINVAL, "PNG XMP: unknown compression %u", method);
    return inflate_text(p + at, n - at, packet, plen, err);
}

static int from_png(const uint8_t *d, size_t len, char **packet, size_t *plen, char *err)
{
    size_t at = 8;
    while (at + 12 <= len) {
        const size_t n = be32(d + at);
        if (n > len - at - 12) return 0; /* truncated: nothing more to find */
        const uint8_t *type = d + at + 4, *data = d + at + 8;
        if (!memcmp(type, "iTXt", 4)) {
            const int rc = png_itxt(data, n, packet, plen, err);
            if (rc) return rc;
        }
        if (!memcmp(type, "IEND", 4)) return 0;
        at += 12 + n;
    }
    return 0;
}

static int from_webp(const uint8_t *d, size_t len, char **packet, size_t *plen, char *err)
{
    size_t end = 8 + (size_t)le32(d + 4); /* the RIFF's own size, the file's at most */
    if (end > len) end = len;
    size_t at = 12;
    while (at + 8 <= end) {
        const size_t n = le32(d + at + 4);
        if (n > end - at - 8) return 0;
        if (!memcmp(d + at, "XMP ", 4)) return copy_out(d + at + 8, n, packet, plen, err);
        at += 8 + n + (n & 1);
    }
    return 0;
}

static int from_tiff(const uint8_t *d, size_t len, char **packet, size_t *plen, char *err)
{
    if (len < 8) return 0;
    const int big = d[0] == 'M';
    const size_t ifd = get32(d + 4, big);
    if (ifd < 8 || ifd > len - 2) return 0;
    const unsigned count = get16(d + ifd, big);
    if (count > (len - ifd - 2) / 12) return 0;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = d + ifd + 2 + 12 * i;
        if (get16(e, big) != 700) continue;
        const unsigned type = get16(e + 2, big);
        const size_t n = get32(e + 4, big);
        if (type != 1 && type != 7) return fc_errorf(err, -EINVAL, "TIFF XMP of type %u", type);
        if (n <= 4) return copy_out(e + 8, n, packet, plen, err);
        const size_t off = get32(e + 8, big);
        if (off > len || n > len - off) return fc_errorf(err, -EINVAL, "TIFF XMP past the file");
        return copy_out(d + off, n, packet, plen, err);
    }
    return 0;
}

int fc_xmp_packet_find(const uint8_t *data, size_t len, char **packet, size_t *packet_len,
                       char *err)
{
    *packet = NULL, *packet_len = 0;
    switch (fc_image_sniff(data, len)) {
    case FC_FORMAT_JPEG:
        return from_jpeg(data, len, packet, packet_len, err);
    case FC_FORMAT_PNG:
        return from_png(data, len, packet, packet_len, err);
    case FC_FORMAT_WEBP:
        return from_webp(data, len, packet, packet_len, err);
    case FC_FORMAT_TIFF:
        return from_tiff(data, len, packet, packet_len, err);
    case FC_FORMAT_RAW: /* TIFF-based ones keep it as TIFF does */
        if (len >= 4 && (!memcmp(data, "II*\0", 4) || !memcmp(data, "MM\0*", 4)))
            return from_tiff(data, len, packet, packet_len, err);
        return 0;
    case FC_FORMAT_HEIF:
        return fc_xmp_packet_heif(data, len, packet, packet_len, err);
    default:
        return 0;
    }
}
