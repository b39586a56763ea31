/* Telling a photo's format from its bytes: users rename files, browsers save WebP as .jpg,
 * and phones' HEIC arrive as .jpeg after some transfers, so a name is never trusted. */
#include "core/image/image.h"

#include <string.h>

static int starts(const uint8_t *data, size_t len, size_t at, const char *magic, size_t n)
{
    return len >= at + n && memcmp(data + at, magic, n) == 0;
}

static unsigned read16(const uint8_t *p, int big)
{
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t read32(const uint8_t *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Most RAW formats are TIFF files whose first directory says "camera": a DNG version, or a
 * camera's make beside sub-directories or a colour-filter-array photometric. A scanned or
 * exported TIFF has neither sub-directories nor CFA data. */
static int tiff_is_raw(const uint8_t *data, size_t len)
{
    if (len < 8) return 0;
    const int big = data[0] == 'M';
    const uint32_t ifd = read32(data + 4, big);
    if (ifd < 8 || ifd > len - 2) return 0;
    const unsigned count = read16(data + ifd, big);
    int make = 0, camera_data = 0;
    for (unsigned i = 0; i < count && ifd + 2 + (size_t)(i + 1) * 12 <= len; i++) {
        const uint8_t *entry = data + ifd + 2 + (size_t)i * 12;
        const unsigned tag = read16(entry, big);
        if (tag == 50706) return 1; /* DNGVersion */
        if (tag == 271) make = 1;
        if (tag == 330) camera_data = 1; /* SubIFDs: the raw data lives below */
        if (tag == 262) {
            const unsigned photometric = read16(entry + 8, big);
            camera_data |= photometric == 32803 || photometric == 34892; /* CFA, LinearRaw */
        }
    }
    return make && camera_data;
}

/* ISO base media files (HEIF, AVIF, MP4, QuickTime, CR3) say what they are in the ftyp
 * box: the major brand, then compatible brands. */
static fc_format bmff_format(const uint8_t *data, size_t len)
{
    static const char *const heif[] = {"heic", "heix", "hevc", "hevx", "heim", "heis",
                                       "hevm", "hevs", "mif1", "msf1", "avif", "avis"};
    size_t box = len >= 4 ? read32(data, 1) : 0;
    if (box < 16 || box > len) box = len < 64 ? len : 64;
    if (starts(data, len, 8, "crx ", 4)) return FC_FORMAT_RAW; /* Canon CR3 */
    for (size_t at = 8; at + 4 <= box; at += at == 8 ? 8 : 4)  /* skip the minor version */
        for (size_t i = 0; i < sizeof heif / sizeof *heif; i++)
            if (memcmp(data + at, heif[i], 4) == 0) return FC_FORMAT_HEIF;
    return FC_FORMAT_VIDEO; /* isom, mp41, mp42, qt, 3gp...: a movie */
}

fc_format fc_image_sniff(const uint8_t *data, size_t len)
{
    if (starts(data, len, 0, "\xFF\xD8\xFF", 3)) return FC_FORMAT_JPEG;
    if (starts(data, len, 0, "\x89PNG\r\n\x1A\n", 8)) return FC_FORMAT_PNG;
    if (starts(data, len, 0, "RIFF", 4) && starts(data, len, 8, "WEBP", 4)) return FC_FORMAT_WEBP;
    if (starts(data, len, 0, "RIFF", 4) && starts(data, len, 8, "AVI ", 4)) return FC_FORMAT_VIDEO;
    if (starts(data, len, 4, "ftyp", 4)) return bmff_format(data, len);
    if (starts(data, len, 0, "II*\0", 4) && starts(data, len, 8, "CR\x02", 3)) return FC_FORMAT_RAW;
    if (starts(data, len, 0, "II*\0", 4) || starts(data, len, 0, "MM\0*", 4))
        return tiff_is_raw(data, len) ? FC_FORMAT_RAW : FC_FORMAT_TIFF;
    if (starts(data, len, 0, "II+\0", 4) || starts(data, len, 0, "MM\0+", 4))
        return FC_FORMAT_TIFF; /* BigTIFF */
    /* RAW formats with magic of their own: Olympus, Panasonic, Fujifilm, Canon CRW, Sigma */
    if (starts(data, len, 0, "IIRO", 4) || starts(data, len, 0, "IIRS", 4) ||
        starts(data, len, 0, "MMOR", 4) || starts(data, len, 0, "IIU\0", 4) ||
        starts(data, len, 0, "FUJIFILMCCD-RAW", 15) || starts(data, len, 6, "HEAPCCDR", 8) ||
        starts(data, len, 0, "FOVb", 4))
        return FC_FORMAT_RAW;
    if (starts(data, len, 0, "\x1A\x45\xDF\xA3", 4)) return FC_FORMAT_VIDEO; /* Matroska, WebM */
    if (starts(data, len, 0, "\0\0\x01\xBA", 4)) return FC_FORMAT_VIDEO;     /* MPEG program */
    if (len >= 377 && data[0] == 0x47 && data[188] == 0x47 && data[376] == 0x47)
        return FC_FORMAT_VIDEO; /* MPEG transport stream */
    if (len >= 389 && data[4] == 0x47 && data[196] == 0x47 && data[388] == 0x47)
        return FC_FORMAT_VIDEO; /* M2TS (AVCHD) */
    if (starts(data, len, 0, "P6", 2)) return FC_FORMAT_PPM;
    return FC_FORMAT_UNKNOWN;
}

const char *fc_format_name(fc_format format)
{
    static const char *const names[] = {"unknown", "jpeg", "ppm", "png",  "webp",
                                        "tiff",    "heif", "raw", "video"};
    return (unsigned)format < sizeof names / sizeof *names ? names[format] : "unknown";
}
