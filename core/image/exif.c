#include "core/image/exif.h"

#include "core/image/heif.h"
#include "core/image/image.h"
#include "core/image/raw.h"

#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds the first APP1 segment holding EXIF, walking the JPEG's markers up to the image
 * data; returns its payload (starting "Exif\0\0") or NULL. */
static const uint8_t *find_exif_segment(const uint8_t *p, size_t len, size_t *seg_len)
{
    if (len < 4 || p[0] != 0xFF || p[1] != 0xD8) return NULL;
    size_t pos = 2;
    while (pos + 4 <= len) {
        if (p[pos] != 0xFF) return NULL;
        uint8_t marker = p[pos + 1];
        if (marker == 0xFF) { /* fill byte */
            pos++;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return NULL; /* image data or end: no EXIF */
        size_t size = (size_t)p[pos + 2] << 8 | p[pos + 3];
        if (size < 2 || size > len - pos - 2) return NULL;
        if (marker == 0xE1 && size >= 8 && memcmp(p + pos + 4, "Exif\0\0", 6) == 0) {
            *seg_len = size - 2;
            return p + pos + 4;
        }
        pos += 2 + size;
    }
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* PNG's eXIf chunk (PNG 1.5 extensions): a bare TIFF block, anywhere before IEND. */
static const uint8_t *find_png_exif(const uint8_t *p, size_t len, size_t *n)
{
    for (size_t pos = 8; pos + 12 <= len;) {
        const uint32_t size = be32(p + pos);
        if (size > len - pos - 12) return NULL;
        if (memcmp(p + pos + 4, "eXIf", 4) == 0) {
            *n = size;
            return p + pos + 8;
        }
        if (memcmp(p + pos + 4, "IEND", 4) == 0) return NULL;
        pos += 12 + (size_t)size;
    }
    return NULL;
}

/* WebP's EXIF chunk (RIFF, after VP8X): a TIFF block, with "Exif\0\0" before it when some
 * tools wrote it. */
static const uint8_t *find_webp_exif(const uint8_t *p, size_t len, size_t *n)
{
    for (size_t pos = 12; pos + 8 <= len;) {
        const uint32_t size = le32(p + pos + 4);
        if (size > len - pos - 8) return NULL;
        if (memcmp(p + pos, "EXIF", 4) == 0) {
            *n = size;
            return p + pos + 8;
        }
        pos += 8 + (size_t)size + (size & 1);
    }
    return NULL;
}

static const ExifEntry *entry_of(ExifData *data, ExifIfd ifd, ExifTag tag, ExifFormat format)
{
    ExifEntry *e = exif_content_get_entry(data->ifd[ifd], tag);
    return e && e->format == format && e->components >= 1 && e->data &&
                   e->size >= exif_format_get_size(format) * e->components
               ? e
               : NULL;
}

/* "YYYY:MM:DD HH:MM:SS" with plausible fields; cameras write blanks or zeros when unset. */
static int parse_datetime(const ExifEntry *e, fc_exif *out)
{
    char s[20];
    if (!e || e->size < 19) return 0;
    memcpy(s, e->data, 19);
    s[19] = 0;
    int y, mo, d, h, mi, sec;
    char tail;
    if (sscanf(s, "%4d:%2d:%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6) return 0;
    if (y < 1800 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60 || h < 0 || mi < 0 || sec < 0)
        return 0;
    out->year = y, out->month = mo, out->day = d, out->hour = h, out->minute = mi,
    out->second = sec;
    return 1;
}

/* "+HH:MM" or "-HH:MM". */
static int parse_offset(const ExifEntry *e, int *minutes)
{
    char s[7];
    if (!e || e->size < 6) return 0;
    memcpy(s, e->data, 6);
    s[6] = 0;
    int h, m;
    char tail;
    if ((s[0] != '+' && s[0] != '-') || sscanf(s + 1, "%2d:%2d%c", &h, &m, &tail) != 2 || h > 14 ||
        m > 59 || h < 0 || m < 0)
        return 0;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 1;
}

/* Reads orientation and capture time from an EXIF block starting "Exif\0\0". */
static void read_block(const uint8_t *block, size_t block_len, fc_exif *out)
{
    ExifData *data = exif_data_new();
    if (!data) return;
    /* loading interprets maker notes' structure; nothing here formats them */
    exif_data_load_data(data, block, (unsigned int)block_len);
    ExifByteOrder order = exif_data_get_byte_order(data);
    const ExifEntry *e = entry_of(data, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT);
    if (e) {
        int v = exif_get_short(e->data, order);
        if (v >= 1 && v <= 8) out->orientation = v;
    }
    out->has_time = parse_datetime(
        entry_of(data, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_FORMAT_ASCII), out);
    /* OffsetTimeOriginal (0x9011) came with EXIF 2.31, after libexif named its tags */
    if (out->has_time)
        out->has_offset =
            parse_offset(entry_of(data, EXIF_IFD_EXIF, (ExifTag)0x9011, EXIF_FORMAT_ASCII),
                         &out->offset_minutes);
    exif_data_unref(data);
}

/* The same for a bare TIFF block (a TIFF file, a PNG's or WebP's chunk), which libexif
 * reads only behind the "Exif\0\0" a JPEG segment has. Blocks past the limit (a TIFF
 * photo is its own EXIF block) are read whole: the directories may sit at the end. */
static void read_tiff_block(const uint8_t *tiff, size_t n, fc_exif *out)
{
    if (n >= 6 && memcmp(tiff, "Exif\0\0", 6) == 0) {
        read_block(tiff, n, out);
        return;
    }
    if (n < 8 || n > FC_IMAGE_MAX_FILE_BYTES || n > 0xFFFFFFFFu - 6) return;
    uint8_t *block = malloc(n + 6);
    if (!block) return;
    memcpy(block, "Exif\0\0", 6);
    memcpy(block + 6, tiff, n);
    read_block(block, n + 6, out);
    free(block);
}

void fc_exif_read(const uint8_t *photo, size_t len, fc_exif *out)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    size_t n = 0;
    const uint8_t *block;
    switch (fc_image_sniff(photo, len)) {
    case FC_FORMAT_JPEG:
        if ((block = find_exif_segment(photo, len, &n))) read_block(block, n, out);
        break;
    case FC_FORMAT_PNG:
        if ((block = find_png_exif(photo, len, &n))) read_tiff_block(block, n, out);
        break;
    case FC_FORMAT_WEBP:
        if ((block = find_webp_exif(photo, len, &n))) read_tiff_block(block, n, out);
        break;
    case FC_FORMAT_TIFF:
        read_tiff_block(photo, len, out);
        break;
    case FC_FORMAT_RAW: {
        /* the TIFF-based ones (DNG, NEF, ARW, CR2, PEF...) keep EXIF in their own IFDs, with
         * the time's offset; libraw knows every RAW's orientation and a time for the rest */
        if (len >= 4 && (memcmp(photo, "II*\0", 4) == 0 || memcmp(photo, "MM\0*", 4) == 0))
            read_tiff_block(photo, len, out);
        fc_exif raw;
        fc_raw_exif(photo, len, &raw);
        out->orientation = raw.orientation; /* of the preview, which is what is decoded */
        if (!out->has_time) {
            const int orientation = out->orientation;
            *out = raw;
            out->orientation = orientation;
        }
        break;
    }
    case FC_FORMAT_HEIF: {
        uint8_t *exif = NULL;
        if (fc_heif_metadata(photo, len, "Exif", NULL, &exif, &n) == 0 && n >= 4) {
            const uint32_t skip = be32(exif); /* the TIFF header's offset after the field */
            if (skip <= n - 4) read_tiff_block(exif + 4 + skip, n - 4 - skip, out);
        }
        free(exif);
        /* the container's irot/imir, applied by the decoder, are the only rotation */
        out->orientation = 1;
        break;
    }
    default:
        break;
    }
}

void fc_exif_time_string(const fc_exif *exif, char buf[26])
{
    buf[0] = 0;
    if (!exif->has_time) return;
    /* fields were range-checked when read; the modulos only tell the compiler so */
    int n =
        snprintf(buf, 26, "%04d-%02d-%02dT%02d:%02d:%02d", exif->year % 10000, exif->month % 100,
                 exif->day % 100, exif->hour % 100, exif->minute % 100, exif->second % 100);
    if (exif->has_offset && n == 19) {
        unsigned m =
            (unsigned)(exif->offset_minutes < 0 ? -exif->offset_minutes : exif->offset_minutes) %
            (100 * 60);
        snprintf(buf + 19, 7, "%c%02u:%02u", exif->offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
    }
}
