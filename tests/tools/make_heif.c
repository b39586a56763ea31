/* Test tool: encodes a photo's stored pixels as HEIC the way a phone does, which heif-enc
 * 1.15 cannot: the rotation and mirroring that turn it upright in the container (irot and
 * imir boxes, written by libheif from heif_encoding_options.image_orientation), and
 * optionally an EXIF block whose orientation the HEIF spec says readers must ignore.
 *
 *   make_heif IN OUT.heic [-o ORIENTATION] [-e EXIF_ORIENTATION] [-t DATETIME] [-q QUALITY]
 *             [--thumb SIZE] [--decoy]
 *
 * IN is anything fc_image_load reads (a PPM from djpeg). ORIENTATION 1..8 as EXIF counts
 * it: IN's pixels are stored as they are and the container says how to turn them upright.
 * -e and -t write an EXIF block (orientation, DateTimeOriginal "YYYY:MM:DD HH:MM:SS").
 * --thumb adds a thumbnail; --decoy first stores a small grey image, so the photo is not
 * the file's first image but its primary one. */
#include "core/fc_error.h"
#include "core/image/image.h"
#include "tests/exif_builder.h"

#include <libheif/heif.h>

static int fail(const char *what, struct heif_error e)
{
    fprintf(stderr, "make_heif: %s: %s\n", what, e.message);
    return 1;
}

/* A heif_image of img's pixels (interleaved RGB): caller releases with heif_image_release. */
static struct heif_error to_heif(const fc_image *img, struct heif_image **out)
{
    struct heif_error e = heif_image_create(img->width, img->height, heif_colorspace_RGB,
                                            heif_chroma_interleaved_RGB, out);
    if (e.code) return e;
    e = heif_image_add_plane(*out, heif_channel_interleaved, img->width, img->height, 8);
    if (e.code) return e;
    int stride;
    uint8_t *plane = heif_image_get_plane(*out, heif_channel_interleaved, &stride);
    for (int y = 0; y < img->height; y++)
        memcpy(plane + (size_t)y * stride, img->rgb + (size_t)y * img->width * 3,
               (size_t)img->width * 3);
    return e;
}

static int usage(void)
{
    fprintf(stderr, "usage: make_heif IN OUT.heic [-o N] [-e N] [-t DATETIME] [-q Q] "
                    "[--thumb SIZE] [--decoy]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3) return usage();
    int orientation = 1, exif_orientation = -1, quality = 90, thumb = 0, decoy = 0;
    const char *datetime = NULL;
    for (int i = 3; i < argc; i++) {
        const int more = i + 1 < argc;
        if (strcmp(argv[i], "-o") == 0 && more)
            orientation = atoi(argv[++i]);
        else if (strcmp(argv[i], "-e") == 0 && more)
            exif_orientation = atoi(argv[++i]);
        else if (strcmp(argv[i], "-t") == 0 && more)
            datetime = argv[++i];
        else if (strcmp(argv[i], "-q") == 0 && more)
            quality = atoi(argv[++i]);
        else if (strcmp(argv[i], "--thumb") == 0 && more)
            thumb = atoi(argv[++i]);
        else if (strcmp(argv[i], "--decoy") == 0)
            decoy = 1;
        else
            return usage();
    }
    if (orientation < 1 || orientation > 8) return usage();

    char err[FC_ERR_MAX];
    fc_image img = {0}, grey = {0};
    if (fc_image_load(argv[1], &img, err) != 0) {
        fprintf(stderr, "make_heif: %s: %s\n", argv[1], err);
        return 1;
    }
    int status = 1;
    struct heif_context *ctx = heif_context_alloc();
    struct heif_encoder *encoder = NULL;
    struct heif_image *image = NULL, *decoy_image = NULL;
    struct heif_image_handle *handle = NULL, *decoy_handle = NULL;
    struct heif_encoding_options *options = heif_encoding_options_alloc();
    struct heif_error e = heif_context_get_encoder_for_format(ctx, heif_compression_HEVC, &encoder);
    if (e.code) {
        status = fail("no HEVC encoder", e);
        goto cleanup;
    }
    heif_encoder_set_lossy_quality(encoder, quality);
    /* x265's default preset takes seconds a photo; a test makes dozens */
    heif_encoder_set_parameter_string(encoder, "preset", "ultrafast");
    if (decoy) {
        if (fc_image_alloc(&grey, 64, 64, err) != 0) goto cleanup;
        memset(grey.rgb, 128, (size_t)64 * 64 * 3);
        if ((e = to_heif(&grey, &decoy_image)).code ||
            (e = heif_context_encode_image(ctx, decoy_image, encoder, NULL, &decoy_handle)).code) {
            status = fail("encoding the decoy", e);
            goto cleanup;
        }
    }
    options->image_orientation = (enum heif_orientation)orientation;
    if ((e = to_heif(&img, &image)).code ||
        (e = heif_context_encode_image(ctx, image, encoder, options, &handle)).code) {
        status = fail("encoding", e);
        goto cleanup;
    }
    if (decoy && (e = heif_context_set_primary_image(ctx, handle)).code) {
        status = fail("setting the primary image", e);
        goto cleanup;
    }
    if (thumb > 0 &&
        (e = heif_context_encode_thumbnail(ctx, image, handle, encoder, NULL, thumb, NULL)).code) {
        status = fail("encoding the thumbnail", e);
        goto cleanup;
    }
    if (exif_orientation >= 0 || datetime) {
        tiff t;
        build_exif(&t, 0, exif_orientation, datetime, NULL);
        if ((e = heif_context_add_exif_metadata(ctx, handle, t.buf, (int)t.len)).code) {
            status = fail("adding EXIF", e);
            goto cleanup;
        }
    }
    if ((e = heif_context_write_to_file(ctx, argv[2])).code) {
        status = fail(argv[2], e);
        goto cleanup;
    }
    status = 0;
cleanup:
    heif_image_handle_release(handle);
    heif_image_handle_release(decoy_handle);
    heif_image_release(image);
    heif_image_release(decoy_image);
    heif_encoding_options_free(options);
    if (encoder) heif_encoder_release(encoder);
    heif_context_free(ctx);
    fc_image_free(&img);
    fc_image_free(&grey);
    return status;
}
