/* Our recognition network against the reference (face-api 1.7.15 on TensorFlow.js wasm):
 * for every face of the sample photos, and for non-square crops, the C descriptor must
 * match the reference's with cosine >= 0.99999 and max |difference| <= 1e-4. The decoded
 * pixels are pinned by SHA-256 so a decoder change cannot hide behind the tolerance.
 * The golden data and its generator live in tests/golden/ (see its README). */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/model.h"
#include "core/nets/recog.h"
#include "core/util/sha256.h"
#include "tests/fixtures.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

#define MAX_PHOTOS 16

static const char *samples;
static fc_image photos[MAX_PHOTOS];
static char photo_names[MAX_PHOTOS][64];
static int num_photos;
static double worst_cos = 1.0, worst_abs = 0.0;

static const fc_image *photo_named(const char *name)
{
    for (int i = 0; i < num_photos; i++)
        if (strcmp(photo_names[i], name) == 0) return &photos[i];
    return NULL;
}

/* Decodes each listed photo with our decoder and checks its pixel hash. */
static void load_photos(json_t *list)
{
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p)
    {
        const char *file = json_string_value(json_object_get(p, "file"));
        const char *want = json_string_value(json_object_get(p, "rgb_sha256"));
        char path[4096], err[FC_ERR_MAX], hex[65];
        CHECK(file && want && num_photos < MAX_PHOTOS);
        if (!file || !want || num_photos >= MAX_PHOTOS) return;
        snprintf(path, sizeof path, "%s/%s", samples, file);
        fc_image *img = &photos[num_photos];
        CHECK_MSG(fc_image_load(path, img, err) == 0, "%s: %s", path, err);
        if (!img->rgb) continue;
        snprintf(photo_names[num_photos++], 64, "%s", file);
        CHECK(img->width == json_integer_value(json_object_get(p, "width")));
        CHECK(img->height == json_integer_value(json_object_get(p, "height")));
        fc_sha256_hex(img->rgb, (size_t)img->width * img->height * 3, hex);
        CHECK_MSG(strcmp(hex, want) == 0,
                  "%s decodes to different pixels than the golden inputs (sha256 %s, want %s): "
                  "libjpeg-turbo or our decoder settings changed",
                  file, hex, want);
    }
}

/* Cosine and max |difference| of a descriptor against the reference; updates the worst. */
static void check_against(json_t *desc, const float *got, const char *what, const char *file,
                          const int b[4])
{
    double dot = 0, na = 0, nb = 0, max_abs = 0;
    for (int k = 0; k < FC_RECOG_DIM; k++) {
        double want = json_number_value(json_array_get(desc, (size_t)k));
        dot += want * got[k];
        na += want * want;
        nb += (double)got[k] * got[k];
        if (fabs(want - got[k]) > max_abs) max_abs = fabs(want - got[k]);
    }
    double cosine = dot / sqrt(na * nb);
    CHECK_MSG(cosine >= 0.99999 && max_abs <= 1e-4,
              "%s %s box %d,%d %dx%d: cosine %.8f, max abs diff %.3g", what, file, b[0], b[1], b[2],
              b[3], cosine, max_abs);
    if (cosine < worst_cos) worst_cos = cosine;
    if (max_abs > worst_abs) worst_abs = max_abs;
}

static int face_box(json_t *f, const fc_image **img, int b[4])
{
    const char *file = json_string_value(json_object_get(f, "file"));
    json_t *box = json_object_get(f, "box"), *desc = json_object_get(f, "descriptor");
    *img = file ? photo_named(file) : NULL;
    if (!*img || json_array_size(box) != 4 || json_array_size(desc) != FC_RECOG_DIM) return -1;
    for (int k = 0; k < 4; k++) b[k] = (int)json_integer_value(json_array_get(box, (size_t)k));
    return 0;
}

/* A batched handle: faces embedded in batches (the last one partial) match the reference
 * and are bit-identical to the same faces embedded one at a time by that handle. */
static void compare_batched(fc_recog *net, json_t *list)
{
    const int batch = fc_recog_max_batch(net), n = (int)json_array_size(list);
    float got[FC_RECOG_MAX_BATCH][FC_RECOG_DIM], alone[FC_RECOG_DIM];
    int mismatched = 0;
    for (int first = 0; first < n; first += batch) {
        int count = n - first < batch ? n - first : batch;
        for (int i = 0; i < count; i++) {
            const fc_image *img;
            int b[4];
            CHECK(face_box(json_array_get(list, (size_t)(first + i)), &img, b) == 0);
            if (!img) return;
            /* filled in reverse slot order: a face's slot must not matter either */
            int slot = count - 1 - i;
            fc_recog_set_input(net, slot, img->rgb + ((size_t)b[1] * img->width + b[0]) * 3, b[2],
                               b[3], (size_t)img->width * 3);
        }
        fc_recog_forward(net, count, got);
        for (int i = 0; i < count; i++) {
            json_t *f = json_array_get(list, (size_t)(first + i));
            const fc_image *img;
            int b[4];
            face_box(f, &img, b);
            const float *desc = got[count - 1 - i];
            check_against(json_object_get(f, "descriptor"), desc, "batched", "", b);
            char err[FC_ERR_MAX];
            CHECK(fc_recog_describe(net, img, b[0], b[1], b[2], b[3], alone, err) == 0);
            mismatched += memcmp(alone, desc, sizeof alone) != 0;
        }
    }
    CHECK_MSG(mismatched == 0, "%d faces differ between a batch and alone", mismatched);
    fprintf(stderr, "batches of %d: %d descriptors compared\n", batch, n);
}

static void compare_faces(fc_recog *net, json_t *list, const char *what)
{
    size_t i;
    json_t *f;
    int n = 0;
    json_array_foreach(list, i, f)
    {
        const fc_image *img;
        int b[4];
        CHECK(face_box(f, &img, b) == 0);
        if (!img) continue;
        float got[FC_RECOG_DIM];
        char err[FC_ERR_MAX];
        CHECK_MSG(fc_recog_describe(net, img, b[0], b[1], b[2], b[3], got, err) == 0, "%s", err);
        check_against(json_object_get(f, "descriptor"), got, what,
                      json_string_value(json_object_get(f, "file")), b);
        n++;
    }
    fprintf(stderr, "%s: %d descriptors compared\n", what, n);
}

int main(void)
{
    samples = getenv("FACECLUSTER_SAMPLES");
    char err[FC_ERR_MAX];
    json_t *golden;
    fc_model *model;
    int status = fixtures_open("recognition.json", &golden, &model);
    if (status) return status;
    fc_recog *net = NULL;
    CHECK_MSG(fc_recog_new(model, 1, &net, err) == 0, "%s", err);
    if (net) {
        load_photos(json_object_get(golden, "photos"));
        CHECK(num_photos == 6);
        json_t *faces = json_object_get(golden, "faces");
        CHECK(json_array_size(faces) == 22);
        compare_faces(net, faces, "faces");
        compare_faces(net, json_object_get(golden, "synthetic"), "synthetic crops");
        fc_recog *batched = NULL;
        CHECK_MSG(fc_recog_new(model, 8, &batched, err) == 0, "%s", err);
        if (batched) compare_batched(batched, faces);
        fc_recog_free(batched);
        fprintf(stderr, "worst cosine %.9f, worst max abs diff %.3g\n", worst_cos, worst_abs);
    }
    fc_recog_free(net);
    fc_model_close(model);
    for (int i = 0; i < num_photos; i++) fc_image_free(&photos[i]);
    json_decref(golden);
    return harness_exit();
}
