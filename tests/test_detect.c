/* Both face detectors against the reference (tests/golden/detection_ssd.json and
 * detection_tiny.json): for each sample photo and a large-face portrait, the network
 * input (hashed), the 50 best anchors' raw outputs and scores, and the final detections
 * (every face found, boxes within 1 px, scores within 0.005; measured far tighter). */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/model.h"
#include "core/util/sha256.h"
#include "core/nn/nn.h"
#include "core/nets/ssd.h"
#include "core/nets/tiny.h"
#include "tests/fixtures.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

typedef struct {
    fc_ssd *ssd;
    fc_tiny *tiny; /* one of the two */
    double worst_box, worst_score, worst_raw;
} detector;

/* How close to the reference's outputs. The float32 network must match it closely
 * (measured far tighter); the bfloat16 pointwise layers the SSD uses where the CPU has
 * AVX-512 BF16 (nn.h, ssd.c) are allowed what rounding the products to 8 bits of
 * mantissa costs, measured on these cases: boxes 0.56 px, scores 0.0073, raw outputs
 * 0.054. The tiny detector is float32 either way. meson runs this test both ways. */
typedef struct {
    double box, score, raw;
} tolerance;
static const tolerance float32_tol = {1.0, 0.005, 1e-3}, bf16_tol = {1.0, 0.015, 0.1};
static tolerance tol;

static void note(double *worst, double d)
{
    if (d > *worst) *worst = d;
}

/* The anchor id our detector gives a golden "top" or "detections" entry. */
static int anchor_of(const detector *det, json_t *t)
{
    const int a = (int)json_integer_value(json_object_get(t, "anchor"));
    if (det->ssd) return a;
    json_t *cell = json_object_get(t, "cell");
    const int row = (int)json_integer_value(json_array_get(cell, 0));
    const int col = (int)json_integer_value(json_array_get(cell, 1));
    return (row * FC_TINY_GRID + col) * FC_TINY_ANCHORS + a;
}

/* The raw outputs of the reference's 50 best anchors. */
static void check_raw(detector *det, json_t *c)
{
    const float *enc = NULL, *logits, *boxes, *scores, *grid = NULL;
    if (det->ssd)
        fc_ssd_outputs(det->ssd, &enc, &logits, &boxes, &scores);
    else
        grid = fc_tiny_outputs(det->tiny);
    const int anchors = det->ssd ? FC_SSD_ANCHORS : FC_TINY_GRID * FC_TINY_GRID * FC_TINY_ANCHORS;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(c, "top"), i, t)
    {
        const int a = anchor_of(det, t);
        CHECK(a >= 0 && a < anchors);
        if (a < 0 || a >= anchors) continue;
        if (det->ssd) {
            json_t *e = json_object_get(t, "encoding");
            for (int k = 0; k < 4; k++)
                note(&det->worst_raw,
                     fabs(enc[4 * a + k] - json_number_value(json_array_get(e, (size_t)k))));
            note(&det->worst_score,
                 fabs(scores[a] - json_number_value(json_object_get(t, "score"))));
        } else {
            /* the grid is padded to 32 channels a cell */
            const float *v = grid + (size_t)(a / FC_TINY_ANCHORS) * 32 + 5 * (a % FC_TINY_ANCHORS);
            json_t *raw = json_object_get(t, "raw");
            for (int k = 0; k < 5; k++)
                note(&det->worst_raw,
                     fabs(v[k] - json_number_value(json_array_get(raw, (size_t)k))));
            note(&det->worst_score, fabs(1 / (1 + exp(-(double)v[4])) -
                                         json_number_value(json_object_get(t, "score"))));
        }
    }
}

static void check_case(detector *det, const fc_image *img, json_t *c, const char *name)
{
    char err[FC_ERR_MAX], hex[65];
    fc_detection found[FC_DETECT_MAX_RESULTS];
    const int size = det->ssd ? FC_SSD_INPUT : FC_TINY_INPUT;
    int n = det->ssd ? fc_ssd_detect(det->ssd, img, FC_DETECT_MIN_SCORE, 0, found,
                                     FC_DETECT_MAX_RESULTS, err)
                     : fc_tiny_detect(det->tiny, img, FC_DETECT_MIN_SCORE, found,
                                      FC_DETECT_MAX_RESULTS, err);
    CHECK_MSG(n >= 0, "%s: %s", name, err);
    if (n < 0) return;
    /* the normalised input, bit for bit */
    float *input = malloc((size_t)size * size * 3 * sizeof(float));
    if (det->ssd)
        fc_ssd_input(det->ssd, input);
    else
        fc_tiny_input(det->tiny, input);
    fc_sha256_hex(input, (size_t)size * size * 3 * sizeof(float), hex);
    const char *want_hash =
        json_string_value(json_object_get(json_object_get(c, "input"), "normalized_sha256"));
    CHECK_MSG(want_hash && strcmp(hex, want_hash) == 0, "%s: input differs from the reference's",
              name);
    free(input);
    check_raw(det, c);
    /* the detections, in order */
    json_t *dets = json_object_get(c, "detections");
    CHECK_MSG((size_t)n == json_array_size(dets), "%s: %d faces, the reference %zu", name, n,
              json_array_size(dets));
    for (int d = 0; d < n && (size_t)d < json_array_size(dets); d++) {
        json_t *want = json_array_get(dets, (size_t)d), *box = json_object_get(want, "box");
        CHECK(found[d].anchor == anchor_of(det, want));
        const float got[4] = {found[d].x, found[d].y, found[d].w, found[d].h};
        for (int k = 0; k < 4; k++) {
            double diff = fabs(got[k] - json_number_value(json_array_get(box, (size_t)k)));
            CHECK_MSG(diff <= tol.box, "%s face %d: box differs by %.3f px", name, d, diff);
            note(&det->worst_box, diff);
        }
        double ds = fabs(found[d].score - json_number_value(json_object_get(want, "score")));
        CHECK_MSG(ds <= tol.score, "%s face %d: score differs by %.4f", name, d, ds);
    }
}

/* Returns 0, or the exit status for a missing fixture. */
static int check_detector(const char *golden, int tiny)
{
    char err[FC_ERR_MAX];
    json_t *doc;
    fc_model *model;
    int status = fixtures_open(golden, &doc, &model);
    if (status) return status;
    detector det = {0};
    tol = !tiny && strstr(fc_nn_kernel_name(), "bf16") ? bf16_tol : float32_tol;
    fprintf(stderr, "%s: kernels %s\n", golden, fc_nn_kernel_name());
    if (tiny)
        CHECK_MSG(fc_tiny_new(model, &det.tiny, err) == 0, "%s", err);
    else
        CHECK_MSG(fc_ssd_new(model, &det.ssd, err) == 0, "%s", err);
    const char *lists[] = {"photos", "synthetic"};
    int cases = 0;
    for (int l = 0; l < 2 && (det.ssd || det.tiny); l++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(doc, lists[l]), i, c)
        {
            const char *file = json_string_value(json_object_get(c, "file"));
            /* the portrait is cut out of its photo: its "crop" */
            json_t *crop = json_object_get(c, "crop");
            fc_image img;
            if (fixtures_load_sample(file, json_array_size(crop) == 4 ? crop : NULL, &img) != 0)
                continue;
            check_case(&det, &img, c, file);
            cases++;
            fc_image_free(&img);
        }
    }
    CHECK(cases == 7);
    fprintf(stderr, "%s: %d cases; worst box %.4f px, score %.2g, raw output %.2g\n", golden, cases,
            det.worst_box, det.worst_score, det.worst_raw);
    CHECK(det.worst_raw < tol.raw);
    fc_ssd_free(det.ssd);
    fc_tiny_free(det.tiny);
    fc_model_close(model);
    json_decref(doc);
    return 0;
}

/* A cropped run's input (part, unwritten values left NaN) is the whole run's top-left part,
 * bit for bit. The cropped run goes first, so that no value of the whole run's is left
 * in the network's buffer to be read back as its own. */
static void check_cropped_input(const float *part, const float *whole, const char *name)
{
    const size_t n = (size_t)FC_SSD_INPUT * FC_SSD_INPUT * 3;
    size_t written = 0, differ = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(part[i])) continue;
        written++;
        differ += memcmp(&part[i], &whole[i], sizeof(float)) != 0;
    }
    CHECK_MSG(written > n / 2 && written < n && differ == 0,
              "%s: cropped input %zu of %zu values, %zu differ from the whole's", name, written, n,
              differ);
}

/* The SSD with cropping (the pipeline's fast path) against the reference's whole square:
 * the same faces, boxes within 1 px, scores within 0.01, on every sample photo
 * (landscape: rows cropped) and on portrait cuts of them (columns cropped). */
static void check_cropping(void)
{
    char err[FC_ERR_MAX], name[32];
    fc_model *model;
    if (fixtures_open(NULL, NULL, &model) != 0) return;
    fc_ssd *net = NULL;
    CHECK_MSG(fc_ssd_new(model, &net, err) == 0, "%s", err);
    double worst_box = 0, worst_score = 0;
    const size_t input_floats = (size_t)FC_SSD_INPUT * FC_SSD_INPUT * 3;
    float *whole_input = malloc(input_floats * sizeof(float));
    float *part_input = malloc(input_floats * sizeof(float));
    for (int i = 0; i < 12 && net && whole_input && part_input; i++) {
        snprintf(name, sizeof name, "sample%d.jpg", i % 6 + 1);
        fc_image img;
        if (fixtures_load_sample(name, NULL, &img) != 0) continue;
        if (i >= 6) { /* a portrait cut around the best face */
            fc_detection best;
            fc_image part;
            int x = 0;
            if (fc_ssd_detect(net, &img, FC_DETECT_MIN_SCORE, 0, &best, 1, err) == 1)
                x = (int)(best.x + best.w / 2) - 380;
            x = x < 0 ? 0 : x > img.width - 760 ? img.width - 760 : x;
            CHECK(fc_image_crop(&img, x, 0, 760, img.height, &part, err) == 0);
            fc_image_free(&img);
            img = part;
        }
        fc_detection whole[FC_DETECT_MAX_RESULTS], cropped[FC_DETECT_MAX_RESULTS];
        int m =
            fc_ssd_detect(net, &img, FC_DETECT_MIN_SCORE, 1, cropped, FC_DETECT_MAX_RESULTS, err);
        for (size_t v = 0; v < input_floats; v++) part_input[v] = NAN;
        fc_ssd_input(net, part_input);
        int n = fc_ssd_detect(net, &img, FC_DETECT_MIN_SCORE, 0, whole, FC_DETECT_MAX_RESULTS, err);
        fc_ssd_input(net, whole_input);
        check_cropped_input(part_input, whole_input, name);
        CHECK_MSG(n > 0 && m == n, "%s%s: %d faces cropped, %d whole", name,
                  i < 6 ? "" : " (portrait)", m, n);
        for (int d = 0; d < n && d < m; d++) {
            const float a[5] = {whole[d].x, whole[d].y, whole[d].w, whole[d].h, whole[d].score};
            const float b[5] = {cropped[d].x, cropped[d].y, cropped[d].w, cropped[d].h,
                                cropped[d].score};
            for (int k = 0; k < 4; k++) note(&worst_box, fabs(a[k] - b[k]));
            note(&worst_score, fabs(a[4] - b[4]));
        }
        fc_image_free(&img);
    }
    fprintf(stderr, "cropping: worst box %.4f px, score %.2g\n", worst_box, worst_score);
    CHECK(worst_box <= 1.0 && worst_score <= 0.01);
    free(whole_input);
    free(part_input);
    fc_ssd_free(net);
    fc_model_close(model);
}

int main(void)
{
    int status = check_detector("detection_ssd.json", 0);
    if (!status) status = check_detector("detection_tiny.json", 1);
    if (!status) check_cropping();
    return status ? status : harness_exit();
}
