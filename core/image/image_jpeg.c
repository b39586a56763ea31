/* JPEG decoding (and encoding) through libjpeg-turbo. Its error handler longjmps back
 * here so a corrupt file becomes an error return, never an exit(). Settings are fixed
 * (see image.h). */
#include "core/image/image.h"

#include "core/fc_error.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    const char *reason; /* set when we, not libjpeg, stop the decoding */
    int code;           /* with reason: the error to return (0: -EINVAL) */
    int warnings;
} jpeg_error_state;

static void jpeg_error_exit(j_common_ptr cinfo)
{
    jpeg_error_state *state = (jpeg_error_state *)cinfo->err;
    longjmp(state->escape, 1);
}

static void jpeg_emit_message(j_common_ptr cinfo, int level)
{
    jpeg_error_state *state = (jpeg_error_state *)cinfo->err;
    /* libjpeg only warns on a premature end and would go on painting grey; stop at once:
     * a truncated file is refused (it may still be being written), and a tiny file
     * claiming a huge image costs nothing */
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        state->reason = "truncated JPEG";
        state->code = -ENODATA;
        longjmp(state->escape, 1);
    }
    /* other warnings (extraneous bytes and the like) are common in real photos, a few of
     * them; a file raising them by the dozen is garbage and would cost a full decode */
    if (level < 0 && ++state->warnings > FC_IMAGE_MAX_WARNINGS) {
        state->reason = "corrupt JPEG: too many damaged places";
        longjmp(state->escape, 1);
    }
}

/* Refuses progressive files with absurdly many scans, each of which costs a full pass. */
static void jpeg_progress(j_common_ptr cinfo)
{
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (dinfo->input_scan_number > FC_IMAGE_MAX_SCANS) {
        jpeg_error_state *state = (jpeg_error_state *)cinfo->err;
        state->reason = "JPEG has too many progressive scans";
        longjmp(state->escape, 1);
    }
}

int fc_image_decode_jpeg(const uint8_t *data, size_t len, const fc_decode_opts *opts, fc_image *out,
                         fc_decode_info *info, char *err)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_error_state jerr;
    /* volatile: modified between setjmp and longjmp */
    volatile int rc = 0;
    memset(out, 0, sizeof *out);
    memset(&cinfo, 0, sizeof cinfo);

    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = jpeg_error_exit;
    jerr.base.emit_message = jpeg_emit_message;
    jerr.reason = NULL;
    jerr.warnings = 0;
    jerr.code = 0;
    struct jpeg_progress_mgr progress = {.progress_monitor = jpeg_progress};
    if (setjmp(jerr.escape)) {
        char msg[JMSG_LENGTH_MAX];
        jerr.base.format_message((j_common_ptr)&cinfo, msg);
        if (jerr.reason)
            rc = fc_errorf(err, jerr.code ? jerr.code : -EINVAL, "%s", jerr.reason);
        else
            rc = fc_errorf(err, rc ? rc : -EINVAL, "corrupt JPEG: %s", msg);
        goto fail;
    }
    jpeg_create_decompress(&cinfo);
    /* caps the whole-image buffers progressive and multi-scan files need; past it libjpeg
     * fails (it has no backing store) instead of allocating */
    cinfo.mem->max_memory_to_use = (long)FC_IMAGE_MAX_DECODER_BYTES;
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        rc = fc_errorf(err, -ENOTSUP, "CMYK JPEGs are not supported");
        goto fail;
    }
    if (cinfo.image_width > FC_IMAGE_MAX_SIDE || cinfo.image_height > FC_IMAGE_MAX_SIDE ||
        (uint64_t)cinfo.image_width * cinfo.image_height > FC_IMAGE_MAX_PIXELS) {
        /* refused on the header alone, whatever scale was asked for */
        rc = fc_errorf(err, -EINVAL, "JPEG too large (%ux%u)", cinfo.image_width,
                       cinfo.image_height);
        goto fail;
    }
    cinfo.out_color_space = JCS_RGB;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    cinfo.scale_num =
        opts->scale_num >= 1 && opts->scale_num <= 8
            ? (unsigned)opts->scale_num
            : (unsigned)fc_image_pick_scale((int)cinfo.image_width, (int)cinfo.image_height,
                                            opts->min_long_side);
    cinfo.scale_denom = 8;
    jpeg_calc_output_dimensions(&cinfo);
    if (cinfo.output_width > FC_IMAGE_MAX_SIDE || cinfo.output_height > FC_IMAGE_MAX_SIDE) {
        rc = fc_errorf(err, -EINVAL, "JPEG too large (%ux%u)", cinfo.output_width,
                       cinfo.output_height);
        goto fail;
    }
    /* the region in output pixels, clipped; all of it without one */
    JDIMENSION x0 = 0, y0 = 0, x1 = cinfo.output_width, y1 = cinfo.output_height;
    if (opts->region[2] > 0 && opts->region[3] > 0) {
        const double k = cinfo.scale_num / 8.0;
        x0 = (JDIMENSION)fmax(floor(opts->region[0] * k), 0);
        y0 = (JDIMENSION)fmax(floor(opts->region[1] * k), 0);
        x1 = (JDIMENSION)fmin(ceil((opts->region[0] + (double)opts->region[2]) * k), x1);
        y1 = (JDIMENSION)fmin(ceil((opts->region[1] + (double)opts->region[3]) * k), y1);
        if (x0 >= x1 || y0 >= y1) {
            rc = fc_errorf(err, -EINVAL, "region outside the image");
            goto fail;
        }
    }
    jpeg_start_decompress(&cinfo);
    JDIMENSION width = x1 - x0;
    if (width < cinfo.output_width) jpeg_crop_scanline(&cinfo, &x0, &width); /* widens it */
    rc = fc_image_alloc(out, (int)width, (int)(y1 - y0), err);
    if (rc) goto fail;
    if (y0 > 0) jpeg_skip_scanlines(&cinfo, y0);
    while (cinfo.output_scanline < y1) {
        JSAMPROW row = out->rgb + (size_t)(cinfo.output_scanline - y0) * (size_t)out->width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    if (y1 < cinfo.output_height)
        jpeg_abort_decompress(&cinfo); /* the rest is not wanted */
    else
        jpeg_finish_decompress(&cinfo);
    *info = (fc_decode_info){(int)cinfo.image_width,
                             (int)cinfo.image_height,
                             (int)cinfo.scale_num,
                             (int)cinfo.scale_denom,
                             (int)x0,
                             (int)y0};
    jpeg_destroy_decompress(&cinfo);
    return 0;
fail:
    jpeg_destroy_decompress(&cinfo);
    fc_image_free(out);
    return rc;
}

int fc_image_encode_jpeg(const fc_image *img, int quality, uint8_t **out, size_t *len, char *err)
{
    struct jpeg_compress_struct cinfo;
    jpeg_error_state jerr = {.reason = NULL};
    *out = NULL;
    *len = 0;
    if (img->width <= 0 || img->height <= 0 || !img->rgb || quality < 1 || quality > 100)
        return fc_errorf(err, -EINVAL, "nothing to encode, or quality not 1..100");
    /* libjpeg grows the buffer behind our back: kept off the stack so that it is still
     * known after a longjmp */
    struct {
        unsigned char *data;
        unsigned long size;
    } *dest = calloc(1, sizeof *dest);
    if (!dest) return fc_errorf(err, -ENOMEM, "out of memory");
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = jpeg_error_exit;
    if (setjmp(jerr.escape)) {
        char msg[JMSG_LENGTH_MAX];
        jerr.base.format_message((j_common_ptr)&cinfo, msg);
        jpeg_destroy_compress(&cinfo);
        free(dest->data);
        free(dest);
        return fc_errorf(err, -EINVAL, "cannot encode JPEG: %s", msg);
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &dest->data, &dest->size);
    cinfo.image_width = (JDIMENSION)img->width;
    cinfo.image_height = (JDIMENSION)img->height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = img->rgb + (size_t)cinfo.next_scanline * (size_t)img->width * 3;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = dest->data; /* malloc'd by libjpeg: the caller frees it */
    *len = dest->size;
    free(dest);
    return 0;
}
