/* The whole-photo pipeline on the sample photos: every face the reference finds, its box
 * as the reference reports it, embeddings of unit length, and with the reference's own
 * alignment (the axis-aligned box from the landmarks) the reference's descriptors.
 *
 *   test_faces                   the checks above
 *   test_faces --variants DIR    DIR/orig.jpg and DIR/1..8.jpg (orient_jpegtran.sh): the
 *                                same faces in every orientation, upright coordinates */
#include "tests/harness.h"

#include "core/image/exif.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/nn.h"
#include "tests/exif_builder.h"
#include "tests/fixtures.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

static double cosine(const float *a, const float *b, int n)
{
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < n; i++)
        dot += (double)a[i] * b[i], na += (double)a[i] * a[i], nb += (double)b[i] * b[i];
    return dot / sqrt(na * nb);
}

static fc_faces *open_pipeline(fc_model **model, int *status)
{
    char err[FC_ERR_MAX];
    *status = fixtures_open(NULL, NULL, model);
    if (*status) return NULL;
    fc_faces *f = NULL;
    if (fc_faces_new(*model, &f, err) != 0) {
        fprintf(stderr, "%s\n", err);
        *status = 1;
    }
    return f;
}

/* The float32 pipeline must give the reference's boxes and descriptors; with the SSD's
 * bfloat16 pointwise layers (nn.h and ssd.c, where the CPU has AVX-512 BF16) the boxes
 * move by up to a pixel and the chips with them, measured: cosine 0.9986. meson runs
 * this test both ways. */
static void test_samples(fc_faces *f)
{
    const int bf16 = strstr(fc_nn_kernel_name(), "bf16") != NULL;
    const double box_tol = bf16 ? 1.0 : 0.01, cos_tol = bf16 ? 0.997 : 0.999;
    const char *samples = getenv("FACECLUSTER_SAMPLES"), *golden = getenv("FACECLUSTER_GOLDEN");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/detection_ssd.json", golden);
    json_error_t jerr;
    json_t *ssd = json_load_file(path, 0, &jerr);
    snprintf(path, sizeof path, "%s/recognition.json", golden);
    json_t *recog = json_load_file(path, 0, &jerr);
    CHECK(ssd && recog);
    if (!ssd || !recog) return;
    int total = 0;
    double worst_cos = 1, worst_chip_vs_box = 1;
    size_t p;
    json_t *photo;
    json_array_foreach(json_object_get(ssd, "photos"), p, photo)
    {
        const char *file = json_string_value(json_object_get(photo, "file"));
        snprintf(path, sizeof path, "%s/%s", samples, file);
        fc_photo box_run, chip_run;
        const fc_faces_opts box_opts = {.alignment = FC_ALIGN_BOX, .want_embeddings = 1};
        const fc_faces_opts chip_opts = {.alignment = FC_ALIGN_CHIP, .want_embeddings = 1};
        CHECK_MSG(fc_faces_run_file(f, path, &box_opts, &box_run, err) == 0, "%s: %s", file, err);
        CHECK_MSG(fc_faces_run_file(f, path, &chip_opts, &chip_run, err) == 0, "%s", err);
        json_t *dets = json_object_get(photo, "detections");
        CHECK_MSG((size_t)box_run.count == json_array_size(dets), "%s: %d faces, reference %zu",
                  file, box_run.count, json_array_size(dets));
        for (int i = 0; i < box_run.count && (size_t)i < json_array_size(dets); i++) {
            const fc_face *face = &box_run.faces[i];
            json_t *want = json_object_get(json_array_get(dets, (size_t)i), "box");
            for (int k = 0; k < 4; k++)
                CHECK(fabs(face->box[k] - json_number_value(json_array_get(want, (size_t)k))) <=
                      box_tol);
            double n = 0;
            for (int k = 0; k < FC_EMBED_DIM; k++)
                n += (double)face->embedding[k] * face->embedding[k];
            CHECK(fabs(n - 1) < 1e-5 && !face->small);
            /* the same face among the reference's descriptors: the nearest box */
            double best = 1e30, c = 0;
            size_t r;
            json_t *rf;
            json_array_foreach(json_object_get(recog, "faces"), r, rf)
            {
                if (strcmp(json_string_value(json_object_get(rf, "file")), file) != 0) continue;
                json_t *b = json_object_get(rf, "box"), *d = json_object_get(rf, "descriptor");
                double dx = json_number_value(json_array_get(b, 0)) - face->box[0];
                double dy = json_number_value(json_array_get(b, 1)) - face->box[1];
                if (dx * dx + dy * dy >= best) continue;
                best = dx * dx + dy * dy;
                float ref[FC_EMBED_DIM];
                for (int k = 0; k < FC_EMBED_DIM; k++)
                    ref[k] = (float)json_number_value(json_array_get(d, (size_t)k));
                c = cosine(ref, face->embedding, FC_EMBED_DIM);
            }
            CHECK_MSG(c >= cos_tol, "%s face %d: cosine %.5f with the reference", file, i, c);
            if (c < worst_cos) worst_cos = c;
            /* the two framings differ (the chip is turned upright and has a margin), so
             * their embeddings differ too, yet must clearly be the same face */
            if (i < chip_run.count) {
                double cc = cosine(face->embedding, chip_run.faces[i].embedding, FC_EMBED_DIM);
                if (cc < worst_chip_vs_box) worst_chip_vs_box = cc;
                CHECK_MSG(cc > 0.8, "%s face %d: chip and box embeddings far apart (%.3f)", file, i,
                          cc);
            }
            total++;
        }
        fc_photo_free(&box_run);
        fc_photo_free(&chip_run);
    }
    CHECK(total == 22);
    fprintf(stderr,
            "%d faces (kernels %s); worst cosine with the reference %.6f; chip vs box %.4f\n",
            total, fc_nn_kernel_name(), worst_cos, worst_chip_vs_box);
    json_decref(ssd);
    json_decref(recog);
}

/* Close-ups: each sample face cut out tight (the reference's recognition box, the face
 * filling the frame), the case the detector misses; the pipeline's second look, on the
 * photo shrunk into a larger canvas, must find most of them. */
static void test_close_ups(fc_faces *f)
{
    const char *golden = getenv("FACECLUSTER_GOLDEN");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/recognition.json", golden);
    json_error_t jerr;
    json_t *recog = json_load_file(path, 0, &jerr);
    CHECK(recog != NULL);
    if (!recog) return;
    int found = 0, total = 0;
    size_t i;
    json_t *rf;
    json_array_foreach(json_object_get(recog, "faces"), i, rf)
    {
        fc_image crop;
        if (fixtures_load_sample(json_string_value(json_object_get(rf, "file")),
                                 json_object_get(rf, "box"), &crop) != 0)
            continue;
        /* as a PPM in memory: the pipeline takes encoded photos */
        size_t len = (size_t)crop.width * crop.height * 3 + 32;
        uint8_t *ppm = malloc(len);
        int head = snprintf((char *)ppm, 32, "P6\n%d %d\n255\n", crop.width, crop.height);
        memcpy(ppm + head, crop.rgb, (size_t)crop.width * crop.height * 3);
        fc_photo photo;
        const fc_faces_opts opts = {.alignment = FC_ALIGN_CHIP};
        CHECK(fc_faces_run(f, ppm, (size_t)head + (size_t)crop.width * crop.height * 3, &opts,
                           &photo, err) == 0);
        int hit = 0;
        for (int k = 0; k < photo.count; k++) {
            const float *bx = photo.faces[k].box;
            hit |= bx[0] < crop.width / 2.0 && bx[0] + bx[2] > crop.width / 2.0 &&
                   bx[1] < crop.height / 2.0 && bx[1] + bx[3] > crop.height / 2.0;
        }
        found += hit;
        total++;
        fc_photo_free(&photo);
        fc_image_free(&crop);
        free(ppm);
    }
    fprintf(stderr, "close-ups: a face found at the centre of %d of %d\n", found, total);
    /* measured 17 of 22 with the SSD's passes alone, 18 with the tiny detector's added:
     * these crops have no margin at all, tighter than any photo (LFW's portraits: a face
     * at the centre of 3802 of 3811) */
    CHECK(total == 22 && found >= 17);
    json_decref(recog);
}

static void test_bad_input(fc_faces *f)
{
    char err[FC_ERR_MAX];
    fc_photo photo;
    const fc_faces_opts opts = {.alignment = FC_ALIGN_CHIP, .want_embeddings = 1};
    const uint8_t junk[] = "this is not a photo";
    CHECK(fc_faces_run(f, junk, sizeof junk, &opts, &photo, err) < 0 && photo.faces == NULL);
    CHECK(fc_faces_run_file(f, "/nonexistent.jpg", &opts, &photo, err) == -ENOENT);
    /* a photo without faces: a flat grey PPM */
    static uint8_t grey[64 * 48 * 3 + 32];
    int n = snprintf((char *)grey, 32, "P6\n64 48\n255\n");
    memset(grey + n, 128, 64 * 48 * 3);
    CHECK(fc_faces_run(f, grey, (size_t)n + 64 * 48 * 3, &opts, &photo, err) == 0 &&
          photo.count == 0 && photo.width == 64);
    fc_photo_free(&photo);
}

/* Matches each face of a to the face of b whose box centre is nearest; returns the
 * largest box corner distance over the diagonal and the lowest embedding cosine. */
static void compare_photos(const fc_photo *a, const fc_photo *b, double *worst_box,
                           double *worst_cos)
{
    *worst_box = 0, *worst_cos = 1;
    for (int i = 0; i < a->count; i++) {
        const fc_face *x = &a->faces[i], *y = NULL;
        double best = 1e30;
        for (int j = 0; j < b->count; j++) {
            const fc_face *c = &b->faces[j];
            double dx = x->box[0] + x->box[2] / 2 - c->box[0] - c->box[2] / 2;
            double dy = x->box[1] + x->box[3] / 2 - c->box[1] - c->box[3] / 2;
            if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, y = c;
        }
        if (!y) continue;
        const double diag = hypot(x->box[2], x->box[3]);
        for (int k = 0; k < 2; k++) {
            const double d =
                hypot(x->box[2 * k] - y->box[2 * k], x->box[2 * k + 1] - y->box[2 * k + 1]);
            if (d / diag > *worst_box) *worst_box = d / diag;
        }
        const double c = cosine(x->embedding, y->embedding, FC_EMBED_DIM);
        if (c < *worst_cos) *worst_cos = c;
    }
}

/* The fast path on large photos against decoding them whole: sample1 enlarged twice
 * (decoded at 5/8 for detection, every face detailed enough) and sample1 in the middle
 * of a black canvas twice its size (its faces then want more detail than 5/8 gives: a
 * region is decoded again). The same faces, boxes within 5% of their size (the
 * detector's input, resized without smoothing as the reference does, depends on the
 * size it is resized from), cosine >= 0.99. */
static void test_large_photos(fc_faces *f)
{
    char err[FC_ERR_MAX];
    fc_image sample, big;
    if (fixtures_load_sample("sample1.jpg", NULL, &sample) != 0) return;
    for (int canvas = 0; canvas < 2; canvas++) {
        const int w = sample.width * 2, h = sample.height * 2;
        if (!canvas) {
            CHECK(fc_image_resize(&sample, w, h, &big, err) == 0);
        } else {
            CHECK(fc_image_alloc(&big, w, h, err) == 0);
            memset(big.rgb, 0, (size_t)w * h * 3);
            for (int y = 0; y < sample.height; y++)
                memcpy(big.rgb + ((size_t)(y + h / 4) * w + w / 4) * 3,
                       sample.rgb + (size_t)y * sample.width * 3, (size_t)sample.width * 3);
        }
        uint8_t *jpeg;
        size_t len;
        CHECK(fc_image_encode_jpeg(&big, 95, &jpeg, &len, err) == 0);
        fc_image_free(&big);
        fc_faces_opts opts = {.alignment = FC_ALIGN_CHIP, .want_embeddings = 1};
        fc_photo fast, whole;
        CHECK_MSG(fc_faces_run(f, jpeg, len, &opts, &fast, err) == 0, "%s", err);
        opts.full_resolution = 1;
        CHECK_MSG(fc_faces_run(f, jpeg, len, &opts, &whole, err) == 0, "%s", err);
        free(jpeg);
        double worst_box, worst_cos;
        compare_photos(&fast, &whole, &worst_box, &worst_cos);
        fprintf(stderr,
                "large photo %d: %d faces (whole %d), decoded at %d/8, detail at %d/8; boxes "
                "within %.4f of their size, cosine >= %.5f\n",
                canvas, fast.count, whole.count, fast.decode_scale_num, fast.detail_scale_num,
                worst_box, worst_cos);
        CHECK(fast.width == w && fast.height == h && fast.decode_scale_num == 5);
        CHECK(whole.decode_scale_num == 8 && whole.detail_scale_num == 0);
        CHECK(canvas ? fast.detail_scale_num > 5 : fast.detail_scale_num == 0);
        CHECK(fast.count >= 3 && fast.count == whole.count);
        CHECK(worst_box <= 0.05 && worst_cos >= 0.99);
        fc_photo_free(&fast);
        fc_photo_free(&whole);
    }
    fc_image_free(&sample);
}

/* Small faces in a 500-pixel photo: each sample photo shrunk to 450 pixels wide (its
 * faces then 34-52 pixels across) on a 500-pixel grey canvas. Every face found at full
 * size is found again (its box centre within a quarter of its size), the smallest too. */
#define SMALL_WIDTH 450
static void test_small_faces(fc_faces *f)
{
    char err[FC_ERR_MAX], name[32];
    const fc_faces_opts opts = fc_faces_default_opts();
    double smallest = 1e9;
    int missed = 0, total = 0;
    for (int i = 1; i <= 6; i++) {
        snprintf(name, sizeof name, "sample%d.jpg", i);
        fc_image img, small;
        if (fixtures_load_sample(name, NULL, &img) != 0) continue;
        const double k = (double)SMALL_WIDTH / img.width;
        fc_image shrunk_img;
        CHECK(fc_image_resize(&img, SMALL_WIDTH, (int)lround(img.height * k), &shrunk_img, err) ==
              0);
        CHECK(fc_image_alloc(&small, 500, shrunk_img.height, err) == 0);
        memset(small.rgb, 128, (size_t)small.width * small.height * 3);
        for (int y = 0; y < small.height; y++)
            memcpy(small.rgb + (size_t)y * small.width * 3,
                   shrunk_img.rgb + (size_t)y * shrunk_img.width * 3, (size_t)shrunk_img.width * 3);
        fc_image_free(&shrunk_img);
        uint8_t *big_jpeg, *small_jpeg;
        size_t big_len, small_len;
        CHECK(fc_image_encode_jpeg(&img, 95, &big_jpeg, &big_len, err) == 0);
        CHECK(fc_image_encode_jpeg(&small, 95, &small_jpeg, &small_len, err) == 0);
        fc_photo full, shrunk;
        CHECK(fc_faces_run(f, big_jpeg, big_len, &opts, &full, err) == 0);
        CHECK(fc_faces_run(f, small_jpeg, small_len, &opts, &shrunk, err) == 0);
        for (int a = 0; a < full.count; a++) {
            const float *b = full.faces[a].box;
            const double cx = (b[0] + b[2] / 2) * k, cy = (b[1] + b[3] / 2) * k, size = b[2] * k;
            int found = 0;
            for (int c = 0; c < shrunk.count && !found; c++) {
                const float *s = shrunk.faces[c].box;
                found = hypot(s[0] + s[2] / 2 - cx, s[1] + s[3] / 2 - cy) < size / 4;
            }
            total++;
            if (!found) {
                missed++;
                fprintf(stderr, "%s: the face at %.0f,%.0f (%.0f px) not found when small\n", name,
                        cx, cy, size);
            } else if (size < smallest) {
                smallest = size;
            }
        }
        fc_photo_free(&full);
        fc_photo_free(&shrunk);
        free(big_jpeg);
        free(small_jpeg);
        fc_image_free(&img);
        fc_image_free(&small);
    }
    fprintf(stderr, "small faces: %d of %d found in 500 px photos; the smallest %.1f px\n",
            total - missed, total, smallest);
    CHECK(total == 22 && missed == 0 && smallest <= 36);
}

/* Orientation end to end: every variant, turned upright by its tag, shows the same faces
 * at the same places with the same embeddings. */
static int run_variants(fc_faces *f, const char *dir)
{
    char path[4096], err[FC_ERR_MAX];
    const fc_faces_opts opts = fc_faces_default_opts();
    fc_photo orig;
    snprintf(path, sizeof path, "%s/orig.jpg", dir);
    CHECK_MSG(fc_faces_run_file(f, path, &opts, &orig, err) == 0, "%s", err);
    CHECK(orig.count >= 3);
    for (int o = 1; o <= 8; o++) {
        size_t tagged_len;
        uint8_t *tagged = read_tagged_variant(dir, o, &tagged_len);
        CHECK(tagged != NULL);
        if (!tagged) continue;
        fc_photo v;
        CHECK_MSG(fc_faces_run(f, tagged, tagged_len, &opts, &v, err) == 0, "%s", err);
        free(tagged);
        CHECK_MSG(v.exif.orientation == o, "variant %d read as orientation %d", o,
                  v.exif.orientation);
        CHECK_MSG(v.count == orig.count && v.width == orig.width && v.height == orig.height,
                  "orientation %d: %d faces in %dx%d, upright original %d in %dx%d", o, v.count,
                  v.width, v.height, orig.count, orig.width, orig.height);
        double worst_px = 0, worst_cos = 1;
        for (int i = 0; i < v.count && i < orig.count; i++) {
            /* detections come best first; match by the nearest box centre */
            const fc_face *a = &v.faces[i], *b = NULL;
            double best = 1e30;
            for (int j = 0; j < orig.count; j++) {
                const fc_face *c = &orig.faces[j];
                double dx = a->box[0] + a->box[2] / 2 - c->box[0] - c->box[2] / 2;
                double dy = a->box[1] + a->box[3] / 2 - c->box[1] - c->box[3] / 2;
                if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, b = c;
            }
            for (int k = 0; k < FC_LANDMARK_POINTS; k++) {
                double d = hypot(a->landmarks[k][0] - b->landmarks[k][0],
                                 a->landmarks[k][1] - b->landmarks[k][1]);
                if (d > worst_px) worst_px = d;
            }
            double c = cosine(a->embedding, b->embedding, FC_EMBED_DIM);
            if (c < worst_cos) worst_cos = c;
        }
        fprintf(stderr, "orientation %d: %d faces, landmarks within %.2f px, cosine >= %.5f\n", o,
                v.count, worst_px, worst_cos);
        /* Issue 3's bound. Measured 1.63 px at most (orientations 5 and 8): libjpeg's
         * chroma upsampling is not mirror-symmetric, so the turned photos differ by about
         * 0.1 levels and the detector's box by a pixel. With the landmark net's answer
         * alone (not averaged with its mirror image's) it was 3.9 px. */
        CHECK_MSG(worst_px <= 2.0 && worst_cos >= 0.999, "orientation %d: %.2f px, cosine %.5f", o,
                  worst_px, worst_cos);
        fc_photo_free(&v);
    }
    fc_photo_free(&orig);
    return harness_exit();
}

/* Faces a person marked (XMP regions): one a detection matches adds nothing, one on a face
 * the detector missed becomes a face (score 0) with that face's embedding, and absurd
 * boxes are ignored. */
static void test_marked_faces(fc_faces *f)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/sample1.jpg", samples);
    fc_faces_opts opts = fc_faces_default_opts();
    fc_photo plain, marked;
    CHECK_MSG(fc_faces_run_file(f, path, &opts, &plain, err) == 0, "%s", err);
    CHECK(plain.count >= 2);
    if (plain.count < 2) return;
    const float *b = plain.faces[0].box;
    const float w = (float)plain.width, h = (float)plain.height;
    /* a head drawn around the first face, larger than the detector's box; a NaN; nothing */
    const float boxes[3][4] = {{(b[0] - 20) / w, (b[1] - 30) / h, (b[2] + 40) / w, (b[3] + 50) / h},
                               {NAN, 0, 0.1f, 0.1f},
                               {0.5f, 0.5f, 0, 0}};
    opts.marked = boxes;
    opts.marked_count = 3;
    CHECK_MSG(fc_faces_run_file(f, path, &opts, &marked, err) == 0, "%s", err);
    CHECK_MSG(marked.count == plain.count, "%d faces with the marks, %d without", marked.count,
              plain.count);
    fc_photo_free(&marked);
    /* the detector made blind (nothing scores past 0.99999): the marked face is found anyway */
    const float exact[1][4] = {{b[0] / w, b[1] / h, b[2] / w, b[3] / h}};
    opts.min_score = 0.99999f;
    opts.marked = exact;
    opts.marked_count = 1;
    CHECK_MSG(fc_faces_run_file(f, path, &opts, &marked, err) == 0, "%s", err);
    int found = -1;
    for (int i = 0; i < marked.count; i++)
        if (marked.faces[i].score == 0) found = i;
    CHECK_MSG(found >= 0, "the marked face is not among %d faces", marked.count);
    if (found >= 0) {
        const fc_face *m = &marked.faces[found];
        CHECK_MSG(fabsf(m->box[0] - b[0]) < 1 && fabsf(m->box[1] - b[1]) < 1 &&
                      fabsf(m->box[2] - b[2]) < 1 && fabsf(m->box[3] - b[3]) < 1,
                  "marked box moved: %.1f,%.1f %.1fx%.1f", m->box[0], m->box[1], m->box[2],
                  m->box[3]);
        const double c = cosine(m->embedding, plain.faces[0].embedding, FC_EMBED_DIM);
        CHECK_MSG(c > 0.99, "the marked face's embedding is %.4f from the detected one's", c);
    }
    fc_photo_free(&marked);
    fc_photo_free(&plain);
}

int main(int argc, char **argv)
{
    fc_model *model = NULL;
    int status = 0;
    fc_faces *f = open_pipeline(&model, &status);
    if (!f) {
        fc_model_close(model);
        return status;
    }
    if (argc == 3 && strcmp(argv[1], "--variants") == 0) {
        status = run_variants(f, argv[2]);
    } else {
        test_samples(f);
        test_close_ups(f);
        test_bad_input(f);
        test_large_photos(f);
        test_small_faces(f);
        test_marked_faces(f);
        status = harness_exit();
    }
    fc_faces_free(f);
    fc_model_close(model);
    return status;
}
