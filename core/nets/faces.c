#include "core/nets/faces.h"

#include "core/nets/align.h"
#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/nets/recog.h"
#include "core/util/sha256.h"
#include "core/nets/ssd.h"
#include "core/nets/tiny.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The descriptor sees a batch of faces at once: the deepest layers' weights are read
 * once a batch, which is what makes it fast (bench/embed). */
#define EMBED_BATCH 8

struct fc_faces {
    const fc_model *model;
    fc_ssd *ssd; /* each detector made when first asked for */
    fc_tiny *tiny;
    fc_landmarker *landmarks;
    fc_recog *recog;
    uint8_t chip[FC_CHIP_SIZE * FC_CHIP_SIZE * 3], mirrored[FC_CHIP_SIZE * FC_CHIP_SIZE * 3];
};

int fc_faces_new(const fc_model *model, fc_faces **out, char *err)
{
    *out = NULL;
    fc_faces *f = calloc(1, sizeof *f);
    if (!f) return fc_errorf(err, -ENOMEM, "out of memory");
    f->model = model;
    int rc = fc_landmarker_new(model, &f->landmarks, err);
    if (!rc) rc = fc_recog_new(model, EMBED_BATCH, &f->recog, err);
    if (rc) {
        fc_faces_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void fc_faces_free(fc_faces *f)
{
    if (!f) return;
    fc_ssd_free(f->ssd);
    fc_tiny_free(f->tiny);
    fc_landmarker_free(f->landmarks);
    fc_recog_free(f->recog);
    free(f);
}

void fc_photo_free(fc_photo *photo)
{
    free(photo->faces);
    memset(photo, 0, sizeof *photo);
}

/* The reference's crop of a detection box (DETECTORS.md §4.1): clipped, each part
 * floored. Returns 0 for an empty crop. */
static int crop_of(const fc_detection *d, int width, int height, int r[4])
{
    const double cx = fmax(d->x, 0), cy = fmax(d->y, 0);
    const double cw = fmin((double)d->x + d->w - cx, width - cx);
    const double ch = fmin((double)d->y + d->h - cy, height - cy);
    r[0] = (int)floor(cx), r[1] = (int)floor(cy), r[2] = (int)floor(cw), r[3] = (int)floor(ch);
    return r[2] > 0 && r[3] > 0 && r[0] + r[2] <= width && r[1] + r[3] <= height;
}

/* The reference's axis-aligned face box from landmarks (FaceLandmarks.align with dlib
 * alignment): centred on the eyes' and mouth's mean, sized from their distances. */
static int box_from_landmarks(const float p[FC_LANDMARK_POINTS][2], int width, int height, int r[4])
{
    double le[2] = {0, 0}, re[2] = {0, 0}, mo[2] = {0, 0};
    for (int i = 36; i < 42; i++) le[0] += p[i][0] / 6, le[1] += p[i][1] / 6;
    for (int i = 42; i < 48; i++) re[0] += p[i][0] / 6, re[1] += p[i][1] / 6;
    for (int i = 48; i < 68; i++) mo[0] += p[i][0] / 20, mo[1] += p[i][1] / 20;
    const double d1 = hypot(le[0] - mo[0], le[1] - mo[1]), d2 = hypot(re[0] - mo[0], re[1] - mo[1]);
    const double size = floor((d1 + d2) / 2 / 0.45);
    const double cx = (le[0] + re[0] + mo[0]) / 3, cy = (le[1] + re[1] + mo[1]) / 3;
    const double x = floor(fmax(0, cx - 0.5 * size)), y = floor(fmax(0, cy - 0.43 * size));
    r[0] = (int)x, r[1] = (int)y;
    r[2] = (int)fmin(size, width - x), r[3] = (int)fmin(size, height - y);
    return r[2] > 0 && r[3] > 0;
}

/* Where a face's descriptor input comes from: the photo as decoded for detection, or a
 * region of it decoded again with more detail; the face's landmarks (and the box
 * alignment's shift) in that image's pixels. */
typedef struct {
    const fc_image *img;
    float landmarks[FC_LANDMARK_POINTS][2];
    float shift[2];
    int needs_detail; /* more than the detection image shows (decode_detail) */
} face_view;

/* The encoded photo, kept for decoding a region of it again. */
typedef struct {
    const uint8_t *data;
    size_t len;
    int orientation;
    int full_w, full_h; /* the stored image at full size */
    int scale_num;      /* the detection image is scale_num / 8 of it */
} photo_source;

/* A chip (and with mirror, its mirror image) into the descriptor's slots from `slot` on;
 * returns how many it took. */
static int set_chip_inputs(fc_faces *f, const uint8_t *chip, int mirror, int slot)
{
    fc_recog_set_input(f->recog, slot, chip, FC_CHIP_SIZE, FC_CHIP_SIZE, FC_CHIP_SIZE * 3);
    if (!mirror) return 1;
    /* the same face seen in a mirror: its embedding's noise differs, its identity not */
    for (int y = 0; y < FC_CHIP_SIZE; y++)
        for (int x = 0; x < FC_CHIP_SIZE; x++)
            memcpy(f->mirrored + ((size_t)y * FC_CHIP_SIZE + x) * 3,
                   chip + ((size_t)y * FC_CHIP_SIZE + FC_CHIP_SIZE - 1 - x) * 3, 3);
    fc_recog_set_input(f->recog, slot + 1, f->mirrored, FC_CHIP_SIZE, FC_CHIP_SIZE,
                       FC_CHIP_SIZE * 3);
    return 2;
}

/* Puts a face's input(s) in the descriptor's next slots: its aligned crop and, with
 * mirror, that crop's mirror image. Returns how many slots it took, or an error.
 *
 * shift: the reference places landmarks relative to the detection box's unrounded corner
 * although it crops at the rounded one (DETECTORS.md §4); the box alignment, being the
 * reference's, copies that so that its embeddings match the reference's. */
static int set_inputs(fc_faces *f, const face_view *view, enum fc_alignment how, int mirror,
                      int slot, char *err)
{
    const fc_image *img = view->img;
    const float(*landmarks)[2] = (const float(*)[2])view->landmarks;
    const float *shift = view->shift;
    if (how == FC_ALIGN_BOX) {
        int r[4];
        float shifted[FC_LANDMARK_POINTS][2];
        for (int i = 0; i < FC_LANDMARK_POINTS; i++)
            shifted[i][0] = landmarks[i][0] + shift[0], shifted[i][1] = landmarks[i][1] + shift[1];
        if (!box_from_landmarks((const float(*)[2])shifted, img->width, img->height, r))
            return fc_errorf(err, -EINVAL, "no face box from these landmarks");
        fc_recog_set_input(f->recog, slot, img->rgb + ((size_t)r[1] * img->width + r[0]) * 3, r[2],
                           r[3], (size_t)img->width * 3);
        return 1;
    }
    /* FC_ALIGN_CHIPS: both chips, their errors of placement partly independent */
    int taken = 0;
    for (int five = 0; five < 2; five++) {
        if (how == (five ? FC_ALIGN_CHIP : FC_ALIGN_CHIP5)) continue;
        fc_similarity t;
        int rc = (five ? fc_align_dlib5 : fc_align_dlib)(landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING,
                                                         &t, err);
        if (!rc) rc = fc_align_extract(img, &t, FC_CHIP_SIZE, f->chip, err);
        if (rc) return rc;
        taken += set_chip_inputs(f, f->chip, mirror, slot + taken);
    }
    return taken;
}

/* A face's embedding from its descriptors (1 to 4: chips, mirror images): the mean of
 * their unit vectors, made unit again. */
static int finish_embedding(fc_face *face, const float (*raw)[FC_RECOG_DIM], int count, char *err)
{
    float sum[FC_EMBED_DIM] = {0}, unit[FC_EMBED_DIM];
    for (int k = 0; k < count; k++) {
        if (fc_embed_normalize(raw[k], unit) != 0)
            return fc_errorf(err, -EINVAL, "the network gave a zero descriptor");
        for (int i = 0; i < FC_EMBED_DIM; i++) sum[i] += unit[i];
    }
    if (fc_embed_normalize(sum, face->embedding) != 0)
        return fc_errorf(err, -EINVAL, "the network gave a zero descriptor");
    fc_qembed_encode(face->embedding, &face->quantized);
    return 0;
}

/* Faces the detection image shows with less detail than their chip wants (enlarged by
 * more than 1 / FC_FACES_DETAIL_SCALE), from a photo decoded below full size, get their
 * pixels from one region of the file decoded again, at the DCT scale the smallest of
 * them needs. views[i] then points there. Returns the region's scale (0: none needed),
 * or an error. *region owns the pixels. */
static int decode_detail(const photo_source *src, const fc_photo *photo, face_view *views,
                         fc_image *region, char *err)
{
    if (src->scale_num >= 8) return 0;
    const double k = src->scale_num / 8.0;
    int want = 0;
    double box[4] = {1e30, 1e30, -1e30, -1e30}; /* the needy faces' chips, in img */
    for (int i = 0; i < photo->count; i++) {
        /* how many pixels of img one chip pixel spans (below 1: enlarged) */
        fc_similarity t;
        if (fc_align_dlib((const float(*)[2])views[i].landmarks, FC_CHIP_SIZE, FC_CHIP_PADDING, &t,
                          err) != 0)
            continue; /* no chip at all: set_inputs will say why */
        const double s = sqrt(t.a * t.a + t.b * t.b);
        if (s >= FC_FACES_DETAIL_SCALE) continue;
        views[i].needs_detail = 1;
        const int n = (int)ceil(8 * k / s);
        want = n > want ? n : want;
        for (int corner = 0; corner < 4; corner++) {
            const double c = corner & 1 ? FC_CHIP_SIZE : 0, q = corner & 2 ? FC_CHIP_SIZE : 0;
            const double x = t.a * c - t.b * q + t.tx, y = t.b * c + t.a * q + t.ty;
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
        }
    }
    if (want <= src->scale_num) return 0;
    if (want > 8) want = 8;
    /* the box in the stored image's full-size pixels: upright detection pixels / k, then
     * turned back (orientations 6 and 8 undo each other, the others themselves) */
    const int turned = src->orientation >= 5 && src->orientation <= 8;
    const int up_w = turned ? src->full_h : src->full_w, up_h = turned ? src->full_w : src->full_h;
    const int back = src->orientation == 6 ? 8 : src->orientation == 8 ? 6 : src->orientation;
    double sx[2], sy[2];
    for (int c = 0; c < 2; c++)
        fc_orient_point(back, up_w, up_h, box[2 * c] / k, box[2 * c + 1] / k, &sx[c], &sy[c]);
    const int margin = 16;
    const int x0 = (int)floor(fmin(sx[0], sx[1])) - margin,
              y0 = (int)floor(fmin(sy[0], sy[1])) - margin;
    const int x1 = (int)ceil(fmax(sx[0], sx[1])) + margin,
              y1 = (int)ceil(fmax(sy[0], sy[1])) + margin;
    const fc_decode_opts opts = {.scale_num = want,
                                 .region = {x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0,
                                            x1 - (x0 < 0 ? 0 : x0), y1 - (y0 < 0 ? 0 : y0)}};
    fc_decode_info info;
    int rc = fc_image_decode_opts(src->data, src->len, &opts, region, &info, err);
    if (rc) return rc;
    /* where the region lands upright, in pixels at its scale */
    const double kr = want / 8.0;
    const int stored_w = (int)ceil(src->full_w * kr), stored_h = (int)ceil(src->full_h * kr);
    double ux[2], uy[2];
    fc_orient_point(src->orientation, stored_w, stored_h, info.region_x, info.region_y, &ux[0],
                    &uy[0]);
    fc_orient_point(src->orientation, stored_w, stored_h, info.region_x + region->width,
                    info.region_y + region->height, &ux[1], &uy[1]);
    rc = fc_image_orient(region, src->orientation, err);
    if (rc) return rc;
    const double ox = fmin(ux[0], ux[1]), oy = fmin(uy[0], uy[1]), f = kr / k;
    for (int i = 0; i < photo->count; i++) {
        if (!views[i].needs_detail) continue;
        views[i].img = region;
        for (int p = 0; p < FC_LANDMARK_POINTS; p++) {
            views[i].landmarks[p][0] = (float)(views[i].landmarks[p][0] * f - ox);
            views[i].landmarks[p][1] = (float)(views[i].landmarks[p][1] * f - oy);
        }
        views[i].shift[0] = (float)(views[i].shift[0] * f);
        views[i].shift[1] = (float)(views[i].shift[1] * f);
    }
    return want;
}

/* Embeds every face of the photo, a batch of descriptor inputs at a time. */
static int embed_faces(fc_faces *f, const fc_image *img, const photo_source *src, fc_photo *photo,
                       const float (*shifts)[2], const fc_faces_opts *opts, char *err)
{
    const int per_face = (opts->alignment != FC_ALIGN_BOX && opts->mirror ? 2 : 1) *
                         (opts->alignment == FC_ALIGN_CHIPS ? 2 : 1);
    float raw[EMBED_BATCH][FC_RECOG_DIM];
    face_view *views = malloc((size_t)(photo->count ? photo->count : 1) * sizeof *views);
    if (!views) return fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 0; i < photo->count; i++) {
        views[i].img = img;
        views[i].needs_detail = 0;
        memcpy(views[i].landmarks, photo->faces[i].landmarks, sizeof views[i].landmarks);
        views[i].shift[0] = shifts[i][0], views[i].shift[1] = shifts[i][1];
    }
    fc_image region = {0};
    int rc = decode_detail(src, photo, views, &region, err);
    if (rc > 0) photo->detail_scale_num = rc, rc = 0;
    for (int first = 0; first < photo->count && !rc;) {
        int slots = 0, last = first;
        for (; last < photo->count && slots + per_face <= EMBED_BATCH && !rc; last++) {
            int took = set_inputs(f, &views[last], opts->alignment, opts->mirror, slots, err);
            if (took < 0) rc = took;
            slots += took;
        }
        if (rc) break;
        fc_recog_forward(f->recog, slots, raw);
        for (int i = first; i < last && !rc; i++)
            rc = finish_embedding(&photo->faces[i],
                                  (const float(*)[FC_RECOG_DIM])raw + (i - first) * per_face,
                                  per_face, err);
        first = last;
    }
    fc_image_free(&region);
    free(views);
    return rc;
}

/* The photo shrunk (or grown) so its longer side is half the detector's input (size),
 * centred on a black square canvas of that size: as if it sat in a canvas twice its
 * size. *scale and the offsets map canvas pixels back: photo = (canvas - offset) / scale. */
static int context_canvas(const fc_image *img, int size, fc_image *canvas, double *scale,
                          int *off_x, int *off_y, char *err)
{
    const int side = img->width > img->height ? img->width : img->height;
    *scale = (size / 2.0) / side;
    const int w = (int)lround(img->width * *scale), h = (int)lround(img->height * *scale);
    fc_image small;
    int rc = fc_image_resize(img, w > 0 ? w : 1, h > 0 ? h : 1, &small, err);
    if (!rc) rc = fc_image_alloc(canvas, size, size, err);
    if (rc) {
        fc_image_free(&small);
        return rc;
    }
    memset(canvas->rgb, 0, (size_t)size * size * 3);
    *off_x = (size - small.width) / 2, *off_y = (size - small.height) / 2;
    for (int y = 0; y < small.height; y++)
        memcpy(canvas->rgb + ((size_t)(y + *off_y) * size + *off_x) * 3,
               small.rgb + (size_t)y * small.width * 3, (size_t)small.width * 3);
    fc_image_free(&small);
    return 0;
}

static double box_iou(const fc_detection *a, const fc_detection *b)
{
    const double ca[4] = {a->x, a->y, (double)a->x + a->w, (double)a->y + a->h};
    const double cb[4] = {b->x, b->y, (double)b->x + b->w, (double)b->y + b->h};
    return fc_box_iou(ca, cb);
}

/* One pass of the chosen detector, made on first use. Returns the count or an error. */
static int run_detector(fc_faces *f, enum fc_detector which, const fc_image *img, float min_score,
                        fc_detection dets[FC_DETECT_MAX_RESULTS], char *err)
{
    int rc = 0;
    if (which == FC_DETECTOR_TINY) {
        if (!f->tiny) rc = fc_tiny_new(f->model, &f->tiny, err);
        return rc ? rc : fc_tiny_detect(f->tiny, img, min_score, dets, FC_DETECT_MAX_RESULTS, err);
    }
    if (!f->ssd) rc = fc_ssd_new(f->model, &f->ssd, err);
    return rc ? rc : fc_ssd_detect(f->ssd, img, min_score, 1, dets, FC_DETECT_MAX_RESULTS, err);
}

static int by_score_desc(const void *pa, const void *pb)
{
    const fc_detection *a = pa, *b = pb;
    return (a->score < b->score) - (a->score > b->score);
}

/* Adds the detections of a pass to dets: photo = (found - offset) / scale, clipped to the
 * photo (a canvas's black margin is not part of it). A face already there (IoU > 0.5)
 * keeps whichever box scored better. */
static int merge(fc_detection dets[FC_DETECT_MAX_RESULTS], int n, const fc_detection *found, int m,
                 double scale, int off_x, int off_y, const fc_image *img)
{
    for (int j = 0; j < m; j++) {
        fc_detection d = found[j];
        d.x = (float)((d.x - off_x) / scale), d.y = (float)((d.y - off_y) / scale);
        d.w = (float)(d.w / scale), d.h = (float)(d.h / scale);
        const float x1 = fminf(d.x + d.w, (float)img->width),
                    y1 = fminf(d.y + d.h, (float)img->height);
        d.x = fmaxf(d.x, 0), d.y = fmaxf(d.y, 0), d.w = x1 - d.x, d.h = y1 - d.y;
        if (d.w <= 1 || d.h <= 1) continue;
        int same = -1;
        for (int i = 0; i < n && same < 0; i++)
            if (box_iou(&d, &dets[i]) > 0.5) same = i;
        if (same >= 0) {
            if (d.score > dets[same].score) dets[same] = d;
        } else if (n < FC_DETECT_MAX_RESULTS) {
            dets[n++] = d;
        }
    }
    return n;
}

/* One detector pass over the photo itself or, with canvas, over the photo shrunk into
 * a black canvas twice its size; its faces merged into dets. Returns the new count. */
static int pass(fc_faces *f, enum fc_detector which, int canvas, const fc_image *img,
                float min_score, fc_detection dets[FC_DETECT_MAX_RESULTS], int n, char *err)
{
    fc_detection found[FC_DETECT_MAX_RESULTS];
    if (!canvas) {
        int m = run_detector(f, which, img, min_score, found, err);
        return m < 0 ? m : merge(dets, n, found, m, 1.0, 0, 0, img);
    }
    fc_image big;
    double scale;
    int off_x, off_y;
    const int size = which == FC_DETECTOR_TINY ? FC_TINY_INPUT : FC_SSD_INPUT;
    int rc = context_canvas(img, size, &big, &scale, &off_x, &off_y, err);
    if (rc) return rc;
    int m = run_detector(f, which, &big, min_score, found, err);
    fc_image_free(&big);
    return m < 0 ? m : merge(dets, n, found, m, scale, off_x, off_y, img);
}

/* The SSD, as the reference runs it, misses faces that fill much of the frame: it was
 * trained on crowds. Measured on LFW, close-up portraits score 0.14-0.33 where the same
 * photo in a canvas twice its size scores 0.43-0.99, and the tiny detector finds most
 * of the rest. So the first pass runs on every photo; the others only where it and the
 * passes before found no face, or a face taking more than a third of the photo's
 * shorter side. Group photos with small faces take one pass. */
static int detect(fc_faces *f, const fc_faces_opts *opts, const fc_image *img, float min_score,
                  fc_detection dets[FC_DETECT_MAX_RESULTS], char *err)
{
    const int tiny_only = opts && opts->detector == FC_DETECTOR_TINY;
    unsigned passes = opts && opts->passes ? opts->passes
                      : tiny_only
                          ? FC_PASS_TINY | FC_PASS_TINY_CANVAS
                          : FC_PASS_SSD | FC_PASS_TINY | FC_PASS_SSD_CANVAS | FC_PASS_TINY_CANVAS;
    static const struct {
        unsigned bit;
        enum fc_detector which;
        int canvas;
    } order[] = {{FC_PASS_SSD, FC_DETECTOR_SSD, 0},
                 {FC_PASS_TINY, FC_DETECTOR_TINY, 0},
                 {FC_PASS_SSD_CANVAS, FC_DETECTOR_SSD, 1},
                 {FC_PASS_TINY_CANVAS, FC_DETECTOR_TINY, 1}};
    const double short_side = img->width < img->height ? img->width : img->height;
    int n = 0, first = 1;
    for (size_t p = 0; p < sizeof order / sizeof order[0]; p++) {
        if (!(passes & order[p].bit)) continue;
        if (!first) {
            int large = n == 0;
            for (int i = 0; i < n; i++) large |= fmax(dets[i].w, dets[i].h) > short_side / 3;
            if (!large) continue;
        }
        first = 0;
        n = pass(f, order[p].which, order[p].canvas, img, min_score, dets, n, err);
        if (n < 0) return n;
    }
    qsort(dets, (size_t)n, sizeof *dets, by_score_desc);
    return n;
}

/* Which point each of the 68 becomes in the mirror image (iBUG layout). */
static const uint8_t mirror_point[FC_LANDMARK_POINTS] = {
    16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0,  26, 25, 24, 23, 22, 21,
    20, 19, 18, 17, 27, 28, 29, 30, 35, 34, 33, 32, 31, 45, 44, 43, 42, 47, 46, 39, 38, 37, 36,
    41, 40, 54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65};

/* The landmarks of the crop r, averaged with those found on its mirror image (mapped
 * back): the net's answer for a face and for its mirror image differ by more than a
 * pixel, which would make a photo and its mirrored copy disagree; the mean does not,
 * and has less noise. */
static int landmarks_both_ways(fc_faces *f, const fc_image *img, const int r[4],
                               float points[FC_LANDMARK_POINTS][2], char *err)
{
    float flipped[FC_LANDMARK_POINTS][2];
    fc_image crop;
    int rc = fc_landmarker_run(f->landmarks, img, r[0], r[1], r[2], r[3], points, err);
    if (!rc) rc = fc_image_crop(img, r[0], r[1], r[2], r[3], &crop, err);
    if (rc) return rc;
    for (int y = 0; y < crop.height; y++) {
        uint8_t *row = crop.rgb + (size_t)y * crop.width * 3;
        for (int a = 0, b = crop.width - 1; a < b; a++, b--)
            for (int c = 0; c < 3; c++) {
                const uint8_t t = row[3 * a + c];
                row[3 * a + c] = row[3 * b + c], row[3 * b + c] = t;
            }
    }
    rc = fc_landmarker_run(f->landmarks, &crop, 0, 0, crop.width, crop.height, flipped, err);
    fc_image_free(&crop);
    if (rc) return rc;
    for (int i = 0; i < FC_LANDMARK_POINTS; i++) {
        const float *m = flipped[mirror_point[i]];
        points[i][0] = (points[i][0] + (float)r[0] + (float)r[2] - m[0]) / 2;
        points[i][1] = (points[i][1] + (float)r[1] + m[1]) / 2;
    }
    return 0;
}

/* The landmark net sees the detector's box, whose framing of the face varies from one
 * detection to the next. Run again on the box the first landmarks imply (where the SSD's
 * box sits around the 68 points on average: measured on the sample photos), it sees
 * every face framed alike. */
static int refine_landmarks(fc_faces *f, const fc_image *img, fc_face *face, char *err)
{
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int p = 0; p < FC_LANDMARK_POINTS; p++) {
        x0 = fminf(x0, face->landmarks[p][0]), x1 = fmaxf(x1, face->landmarks[p][0]);
        y0 = fminf(y0, face->landmarks[p][1]), y1 = fmaxf(y1, face->landmarks[p][1]);
    }
    const float lw = x1 - x0, lh = y1 - y0;
    const fc_detection box = {x0 + 0.05f * lw, y0 - 0.36f * lh, 0.93f * lw, 1.41f * lh, 0, 0};
    int r[4];
    if (!(lw > 4 && lh > 4) || !crop_of(&box, img->width, img->height, r)) return 0;
    return fc_landmarker_run(f->landmarks, img, r[0], r[1], r[2], r[3], face->landmarks, err);
}

/* Boxes and landmarks found on the photo decoded at scale k, in its full-size pixels. */
static void to_full_size(fc_photo *photo, double k)
{
    if (k == 1.0) return;
    for (int i = 0; i < photo->count; i++) {
        fc_face *face = &photo->faces[i];
        for (int c = 0; c < 4; c++) face->box[c] = (float)(face->box[c] / k);
        for (int p = 0; p < FC_LANDMARK_POINTS; p++)
            face->landmarks[p][0] = (float)(face->landmarks[p][0] / k),
            face->landmarks[p][1] = (float)(face->landmarks[p][1] / k);
        face->small = fminf(face->box[2], face->box[3]) < FC_FACE_SMALL;
    }
}

/* The centre of the eye whose six landmarks start at `first` (iBUG: 36 and 42). */
static void eye_centre(const float p[FC_LANDMARK_POINTS][2], int first, float c[2])
{
    c[0] = c[1] = 0;
    for (int i = first; i < first + 6; i++) c[0] += p[i][0] / 6, c[1] += p[i][1] / 6;
}

/* Whether face n is one of faces 0..n-1 found again: both eyes within a quarter of the
 * distance between them. The detector passes are merged by box overlap, but the two
 * detectors frame a face differently (boxes of one face overlap by IoU 0.47-0.50 on LFW,
 * under the merge's 0.5); the landmarks placed on either box agree. Faces come best
 * score first, so the better detection stays. A face twice in one photo would be two
 * people to the clustering, which keeps them apart for ever. */
static int seen_before(const fc_face *faces, int n)
{
    float left[2], right[2];
    eye_centre((const float(*)[2])faces[n].landmarks, 36, left);
    eye_centre((const float(*)[2])faces[n].landmarks, 42, right);
    const float apart = hypotf(left[0] - right[0], left[1] - right[1]);
    for (int j = 0; j < n; j++) {
        float l[2], r[2];
        eye_centre((const float(*)[2])faces[j].landmarks, 36, l);
        eye_centre((const float(*)[2])faces[j].landmarks, 42, r);
        if (hypotf(l[0] - left[0], l[1] - left[1]) < apart / 4 &&
            hypotf(r[0] - right[0], r[1] - right[1]) < apart / 4)
            return 1;
    }
    return 0;
}

/* Appends, as detections of score 0 in the decoded upright image's pixels (width x
 * height), the marked faces no detection matches; returns the new count. */
static int add_marked(const fc_faces_opts *opts, int width, int height, fc_detection *dets, int n)
{
    const int detected = n;
    for (int m = 0; m < opts->marked_count && m < FC_FACES_MAX_MARKED; m++) {
        const float *b = opts->marked[m];
        if (!isfinite(b[0]) || !isfinite(b[1]) || !(b[2] > 0 && b[3] > 0) || !isfinite(b[2]) ||
            !isfinite(b[3]))
            continue;
        const double region[4] = {b[0] * width, b[1] * height, b[2] * width, b[3] * height};
        int matched = 0;
        for (int i = 0; i < detected && !matched; i++) {
            const double face[4] = {dets[i].x, dets[i].y, dets[i].w, dets[i].h};
            matched = fc_box_region_match(face, region) > 0;
        }
        if (!matched)
            dets[n++] = (fc_detection){
                (float)region[0], (float)region[1], (float)region[2], (float)region[3], 0.0f, -1};
    }
    return n;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Adds the time since *mark to the stage and moves the mark on. */
static void stage_done(fc_photo *photo, enum fc_stage stage, double *mark)
{
    const double t = seconds_now();
    photo->stage_seconds[stage] += t - *mark;
    *mark = t;
}

int fc_faces_run(fc_faces *f, const uint8_t *data, size_t len, const fc_faces_opts *opts,
                 fc_photo *photo, char *err)
{
    memset(photo, 0, sizeof *photo);
    double mark = seconds_now();
    fc_image img;
    fc_decode_info info;
    fc_exif_read(data, len, &photo->exif);
    const fc_decode_opts decode = {.min_long_side =
                                       opts && opts->full_resolution ? 0 : FC_FACES_DECODE_SIDE};
    int rc = fc_image_decode_opts(data, len, &decode, &img, &info, err);
    if (rc) return rc;
    const int orientation = photo->exif.orientation;
    rc = fc_image_orient(&img, orientation, err);
    if (rc) goto done;
    const photo_source src = {data,
                              len,
                              orientation,
                              info.full_width,
                              info.full_height,
                              info.scale_num * 8 / info.scale_denom};
    const int turned = orientation >= 5 && orientation <= 8;
    photo->width = turned ? info.full_height : info.full_width;
    photo->height = turned ? info.full_width : info.full_height;
    photo->decode_scale_num = src.scale_num;
    stage_done(photo, FC_STAGE_DECODE, &mark);
    fc_detection dets[FC_DETECT_MAX_RESULTS + FC_FACES_MAX_MARKED];
    const float min_score = opts && opts->min_score > 0 ? opts->min_score : FC_DETECT_MIN_SCORE;
    const int too_small = img.width < FC_FACES_MIN_SIDE || img.height < FC_FACES_MIN_SIDE;
    int n = too_small ? 0 : detect(f, opts, &img, min_score, dets, err);
    if (n < 0) {
        rc = n;
        goto done;
    }
    if (opts && opts->marked_count > 0) n = add_marked(opts, img.width, img.height, dets, n);
    stage_done(photo, FC_STAGE_DETECT, &mark);
    photo->faces = calloc((size_t)(n ? n : 1), sizeof *photo->faces);
    if (!photo->faces) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    float(*shifts)[2] = malloc((size_t)(n ? n : 1) * sizeof *shifts);
    if (!shifts) {
        rc = fc_errorf(err, -ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n && !rc; i++) {
        int r[4];
        if (!crop_of(&dets[i], img.width, img.height, r)) continue; /* nothing inside */
        fc_face *face = &photo->faces[photo->count];
        face->box[0] = dets[i].x, face->box[1] = dets[i].y;
        face->box[2] = dets[i].w, face->box[3] = dets[i].h;
        face->score = dets[i].score;
        face->small = fminf(dets[i].w, dets[i].h) < FC_FACE_SMALL;
        rc = opts && opts->mirror_landmarks ? landmarks_both_ways(f, &img, r, face->landmarks, err)
                                            : fc_landmarker_run(f->landmarks, &img, r[0], r[1],
                                                                r[2], r[3], face->landmarks, err);
        if (!rc && opts && opts->refine_landmarks) rc = refine_landmarks(f, &img, face, err);
        shifts[photo->count][0] = dets[i].x - (float)r[0];
        shifts[photo->count][1] = dets[i].y - (float)r[1];
        if (!rc && !seen_before(photo->faces, photo->count)) photo->count++;
    }
    stage_done(photo, FC_STAGE_LANDMARKS, &mark);
    if (!rc && opts && opts->want_embeddings)
        rc = embed_faces(f, &img, &src, photo, (const float(*)[2])shifts, opts, err);
    to_full_size(photo, src.scale_num / 8.0);
    stage_done(photo, FC_STAGE_EMBED, &mark);
    free(shifts);
done:
    fc_image_free(&img);
    if (rc) fc_photo_free(photo);
    return rc;
}

int fc_faces_embed_chip(fc_faces *f, const uint8_t *chip, int mirror, fc_face *face, char *err)
{
    float raw[EMBED_BATCH][FC_RECOG_DIM];
    const int n = set_chip_inputs(f, chip, mirror, 0);
    fc_recog_forward(f->recog, n, raw);
    return finish_embedding(face, (const float(*)[FC_RECOG_DIM])raw, n, err);
}

fc_faces_opts fc_faces_default_opts(void)
{
    /* the best of the variants measured on the LFW dev folds (README) */
    return (fc_faces_opts){.detector = FC_DETECTOR_SSD,
                           .alignment = FC_ALIGN_CHIP,
                           .want_embeddings = 1,
                           .mirror = 1,
                           .mirror_landmarks = 1};
}

void fc_faces_version(const fc_model *model, const fc_faces_opts *opts,
                      char out[FC_FACES_VERSION_LEN + 1])
{
    char what[256], hex[65];
    const int n =
        snprintf(what, sizeof what,
                 "pipeline %d model %016llx qembed %d chip %d %.3f detector %d passes %u min %.4f "
                 "align %d mirror %d full %d refine %d mirror-landmarks %d",
                 FC_FACES_PIPELINE_VERSION, (unsigned long long)fc_model_checksum(model),
                 FC_QEMBED_VERSION, FC_CHIP_SIZE, FC_CHIP_PADDING, (int)opts->detector,
                 opts->passes, opts->min_score, (int)opts->alignment, opts->mirror,
                 opts->full_resolution, opts->refine_landmarks, opts->mirror_landmarks);
    fc_sha256_hex(what, (size_t)n, hex);
    memcpy(out, hex, FC_FACES_VERSION_LEN);
    out[FC_FACES_VERSION_LEN] = 0;
}

int fc_faces_run_file(fc_faces *f, const char *path, const fc_faces_opts *opts, fc_photo *photo,
                      char *err)
{
    uint8_t *data;
    size_t len;
    memset(photo, 0, sizeof *photo);
    int rc = fc_file_read(path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
    if (rc) return rc;
    rc = fc_faces_run(f, data, len, opts, photo, err);
    free(data);
    return rc;
}
