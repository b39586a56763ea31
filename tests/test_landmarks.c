/* The landmark network against the reference (face-api 1.7.15, tfjs-wasm): for every face
 * of the sample photos and a large-face case, fed the crop the reference fed its own net
 * (tests/golden/landmarks.json), all 68 points must agree within 0.5 px. The reference
 * places points relative to its detection box's unrounded corner while it crops at the
 * rounded one; the comparison applies the same shift. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nets/landmarks.h"
#include "core/nn/model.h"
#include "tests/fixtures.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

static double worst_px;
static json_t *detection_doc;

/* The rectangle of the large-face case's portrait in its photo, from detection_ssd.json. */
static json_t *portrait_rect(const char *golden)
{
    char path[4096];
    json_error_t jerr;
    if (!detection_doc) {
        snprintf(path, sizeof path, "%s/detection_ssd.json", golden ? golden : ".");
        detection_doc = json_load_file(path, 0, &jerr);
    }
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(detection_doc, "synthetic"), i, c)
    {
        const char *which = json_string_value(json_object_get(c, "case"));
        if (which && strcmp(which, "large_face") == 0) return json_object_get(c, "crop");
    }
    return NULL;
}

static void compare(fc_landmarker *net, const fc_image *img, json_t *face, const char *what)
{
    json_t *crop = json_object_get(face, "crop"), *box = json_object_get(face, "det_box");
    json_t *want = json_object_get(face, "points");
    CHECK(json_array_size(crop) == 4 && json_array_size(box) == 4 &&
          json_array_size(want) == 2 * FC_LANDMARK_POINTS);
    if (json_array_size(crop) != 4 || json_array_size(want) != 2 * FC_LANDMARK_POINTS) return;
    int c[4];
    for (int k = 0; k < 4; k++) c[k] = (int)json_integer_value(json_array_get(crop, (size_t)k));
    const double shift_x = json_number_value(json_array_get(box, 0)) - c[0];
    const double shift_y = json_number_value(json_array_get(box, 1)) - c[1];
    float points[FC_LANDMARK_POINTS][2];
    char err[FC_ERR_MAX];
    CHECK_MSG(fc_landmarker_run(net, img, c[0], c[1], c[2], c[3], points, err) == 0, "%s", err);
    double worst = 0;
    for (int i = 0; i < FC_LANDMARK_POINTS; i++) {
        double dx =
            points[i][0] + shift_x - json_number_value(json_array_get(want, (size_t)(2 * i)));
        double dy =
            points[i][1] + shift_y - json_number_value(json_array_get(want, (size_t)(2 * i + 1)));
        double d = sqrt(dx * dx + dy * dy);
        if (d > worst) worst = d;
    }
    CHECK_MSG(worst <= 0.5, "%s crop %d,%d %dx%d: a point is %.3f px off", what, c[0], c[1], c[2],
              c[3], worst);
    if (worst > worst_px) worst_px = worst;
}

int main(void)
{
    const char *golden = getenv("FACECLUSTER_GOLDEN");
    char err[FC_ERR_MAX];
    json_t *doc;
    fc_model *model;
    int status = fixtures_open("landmarks.json", &doc, &model);
    if (status) return status;
    fc_landmarker *net = NULL;
    CHECK_MSG(fc_landmarker_new(model, &net, err) == 0, "%s", err);
    const char *lists[] = {"faces", "synthetic"};
    int compared = 0;
    for (int l = 0; l < 2 && net; l++) {
        size_t i;
        json_t *face;
        json_array_foreach(json_object_get(doc, lists[l]), i, face)
        {
            const char *file = json_string_value(json_object_get(face, "file"));
            const char *which = json_string_value(json_object_get(face, "case"));
            /* the reference cut its portrait out of the photo first (the rectangle is
             * recorded with the detector's data): so do we */
            json_t *rect = which && strcmp(which, "large_face") == 0 ? portrait_rect(golden) : NULL;
            CHECK_MSG(!which || rect, "no portrait rectangle for the %s case", which);
            fc_image img;
            if ((which && !rect) || fixtures_load_sample(file, rect, &img) != 0) continue;
            compare(net, &img, face, lists[l]);
            compared++;
            fc_image_free(&img);
        }
    }
    CHECK(compared == 23); /* 22 photo faces and the portrait */
    fprintf(stderr, "%d faces compared, worst point %.4f px\n", compared, worst_px);
    fc_landmarker_free(net);
    fc_model_close(model);
    json_decref(doc);
    json_decref(detection_doc);
    return harness_exit();
}
