/* What facecluster reads from a HEIF container besides the pixels (which image.h decodes):
 * the primary image's metadata blocks, EXIF for the capture time and XMP for face names. */
#ifndef FC_HEIF_H
#define FC_HEIF_H

#include <stddef.h>
#include <stdint.h>

/* Copies the first metadata block of the primary image whose item type is `type` ("Exif",
 * "mime") and, when content_type is not NULL, whose content type is content_type
 * ("application/rdf+xml" for XMP), exactly as stored (an Exif block starts with the 4-byte
 * offset of its TIFF header). On success *out is the caller's to free() and *len its size;
 * returns -ENOENT when there is none, -EINVAL when the file is not a readable HEIF,
 * -ENOMEM. Blocks past 16 MiB are refused (-EFBIG). */
int fc_heif_metadata(const uint8_t *data, size_t len, const char *type, const char *content_type,
                     uint8_t **out, size_t *out_len);

#endif
