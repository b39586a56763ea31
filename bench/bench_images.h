/* Test photos the benchmarks make from the sample photos. */
#ifndef FC_BENCH_IMAGES_H
#define FC_BENCH_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the JPEG in data, enlarges it to width x height and writes it to path as a
 * quality-92 JPEG (a camera-size photo). Returns 0, or an error with err set. */
int bench_write_large_jpeg(const uint8_t *data, size_t len, int width, int height, const char *path,
                           char *err);

#endif
