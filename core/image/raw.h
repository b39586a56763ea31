/* Camera RAW files (DNG, CR2, NEF, ARW, ...): what facecluster takes from them besides the
 * embedded preview's pixels (fc_image_decode_raw, image.h), read through libraw. */
#ifndef FC_RAW_H
#define FC_RAW_H

#include "core/image/exif.h"

#include <stddef.h>
#include <stdint.h>

/* The orientation (EXIF's 1..8) to apply to the preview fc_image_decode_raw returns: the
 * RAW's own (its TIFF Orientation or maker-note rotation, as libraw reads it), since
 * cameras store the preview the way the sensor saw it and most previews carry no EXIF of
 * their own (a preview's EXIF, when there is one, is ignored). 1 when data is not a RAW
 * libraw opens, has no orientation, or its preview is already upright (a portrait preview
 * of a landscape sensor: some cameras turn it themselves). */
int fc_raw_orientation(const uint8_t *data, size_t len);

/* The orientation as above and the capture time libraw reads (DateTimeOriginal or the
 * maker's equivalent; local time without a UTC offset, has_offset 0). Defaults (1, no
 * time) for anything it cannot read: like EXIF, this is advice and never fails. */
void fc_raw_exif(const uint8_t *data, size_t len, fc_exif *out);

#endif
