/* The little facecluster takes from a photo's EXIF block: how to turn it upright and when
 * it was taken. Read through libexif from the entries' raw bytes, never through its
 * value formatting (which walks maker notes and locale-dependent text). */
#ifndef FC_EXIF_H
#define FC_EXIF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int orientation; /* 1..8 (see image.h fc_image_orient); 1 when absent or invalid */
    int has_time;    /* DateTimeOriginal was present and valid */
    int year, month, day, hour, minute, second;
    int has_offset;     /* OffsetTimeOriginal was present and valid */
    int offset_minutes; /* east of UTC, e.g. +02:00 is 120 */
} fc_exif;

/* Reads a photo's EXIF, wherever its format keeps it: a JPEG's first APP1 "Exif" segment,
 * a PNG's eXIf chunk, a WebP's EXIF chunk, a TIFF's (or TIFF-based RAW's) own directories,
 * a HEIF's Exif item. A HEIF's orientation is always 1: its decoder has already applied the
 * container's rotation, which is the one that counts. Missing or broken EXIF gives the
 * defaults: it is advice and never fails a photo. */
void fc_exif_read(const uint8_t *photo, size_t len, fc_exif *out);

/* Writes the capture time as ISO 8601, "YYYY-MM-DDTHH:MM:SS" plus "+HH:MM" when the offset
 * is known; an empty string without a time. buf holds at least 26 bytes. */
void fc_exif_time_string(const fc_exif *exif, char buf[26]);

#endif
