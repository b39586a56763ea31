/* The sample photos in the other formats facecluster reads, made at bench time with
 * Debian's command-line tools (webp, libtiff-tools, libjpeg-turbo-progs,
 * libheif-examples: what `./run.sh test` installs). */
#ifndef FC_BENCH_FORMATS_H
#define FC_BENCH_FORMATS_H

/* The formats bench_convert makes, in the order the bench reports them. */
#define BENCH_FORMATS 4
extern const char *const bench_format_names[BENCH_FORMATS]; /* "png", "webp", "tiff", "heic" */

/* Converts the JPEG at `jpeg` into `format` at `out`: PNG lossless (as screenshots and
 * edits are saved), WebP lossy at quality 90 (as downloads are), TIFF with LZW (as
 * scanners and exports write), HEIC at quality 90 (as phones save). Temporary files go
 * beside out. Returns 0, or an error with err set (a tool missing or failing). */
int bench_convert(const char *jpeg, const char *format, const char *out, char *err);

#endif
