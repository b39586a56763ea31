/* The SSD detector against the reference (tests/golden/detection_ssd.json): for each
 * sample photo and a large-face portrait, the network input (hashed), the 50 best anchors'
 * raw encodings and scores, and the final detections (every face found, boxes within
 * 1 px, scores within 0.005; measured far tighter). */
#include "harness.h"

#include "../core/fc_error.h"
#include "../core/image.h"
#include "../core/model.h"
#include "../core/sha256.h"
#include "../core/ssd.h"
#include "fixtures.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

static double worst_box, worst_score, worst_encoding;

static void check_case(fc_ssd *net, const fc_image *img, json_t *c, const char *name)
{
    char err[FC_ERR_MAX], hex[65];
    fc_detection found[FC_SSD_MAX_RESULTS];
    int n = fc_ssd_detect(net, img, FC_SSD_MIN_SCORE, found, FC_SSD_MAX_RESULTS, err);
    CHECK_MSG(n >= 0, "%s: %s", name, err);
    if (n < 0) return;
    /* the normalised input, bit for bit */
    float *input = malloc((size_t)FC_SSD_INPUT * FC_SSD_INPUT * 3 * sizeof(float));
    fc_ssd_input(net, input);
    fc_sha256_hex(input, (size_t)FC_SSD_INPUT * FC_SSD_INPUT * 3 * sizeof(float), hex);
    const char *want_hash =
        json_string_value(json_object_get(json_object_get(c, "input"), "normalized_sha256"));
    CHECK_MSG(want_hash && strcmp(hex, want_hash) == 0, "%s: input differs from the reference's",
              name);
    free(input);
    /* the best anchors' raw outputs */
    const float *enc, *logits, *boxes, *scores;
    fc_ssd_outputs(net, &enc, &logits, &boxes, &scores);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(c, "top"), i, t)
    {
        int a = (int)json_integer_value(json_object_get(t, "anchor"));
        CHECK(a >= 0 && a < FC_SSD_ANCHORS);
        if (a < 0 || a >= FC_SSD_ANCHORS) continue;
        json_t *e = json_object_get(t, "encoding");
        for (int k = 0; k < 4; k++) {
            double d = fabs(enc[4 * a + k] - json_number_value(json_array_get(e, (size_t)k)));
            if (d > worst_encoding) worst_encoding = d;
        }
        double ds = fabs(scores[a] - json_number_value(json_object_get(t, "score")));
        if (ds > worst_score) worst_score = ds;
    }
    /* the detections, in order */
    json_t *dets = json_object_get(c, "detections");
    CHECK_MSG((size_t)n == json_array_size(dets), "%s: %d faces, the reference %zu", name, n,
              json_array_size(dets));
    for (int d = 0; d < n && (size_t)d < json_array_size(dets); d++) {
        json_t *want = json_array_get(dets, (size_t)d), *box = json_object_get(want, "box");
        CHECK(found[d].anchor == (int)json_integer_value(json_object_get(want, "anchor")));
        const float got[4] = {found[d].x, found[d].y, found[d].w, found[d].h};
        for (int k = 0; k < 4; k++) {
            double diff = fabs(got[k] - json_number_value(json_array_get(box, (size_t)k)));
            CHECK_MSG(diff <= 1.0, "%s face %d: box differs by %.3f px", name, d, diff);
            if (diff > worst_box) worst_box = diff;
        }
        double ds = fabs(found[d].score - json_number_value(json_object_get(want, "score")));
        CHECK_MSG(ds <= 0.005, "%s face %d: score differs by %.4f", name, d, ds);
    }
}

int main(void)
{
    char err[FC_ERR_MAX];
    json_t *doc;
    fc_model *model;
    int status = fixtures_open("detection_ssd.json", &doc, &model);
    if (status) return status;
    fc_ssd *net = NULL;
    CHECK_MSG(fc_ssd_new(model, &net, err) == 0, "%s", err);
    const char *lists[] = {"photos", "synthetic"};
    int cases = 0;
    for (int l = 0; l < 2 && net; l++) {
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
            check_case(net, &img, c, file);
            cases++;
            fc_image_free(&img);
        }
    }
    CHECK(cases == 7);
    fprintf(stderr, "%d cases; worst box %.4f px, score %.2g, encoding %.2g\n", cases, worst_box,
            worst_score, worst_encoding);
    CHECK(worst_encoding < 1e-3);
    fc_ssd_free(net);
    fc_model_close(model);
    json_decref(doc);
    return harness_exit();
}
