/* The fixtures the golden and pipeline tests share: a golden JSON file from the
 * repository, the converted model and the sample photos (both from set-up). */
#ifndef FC_TEST_FIXTURES_H
#define FC_TEST_FIXTURES_H

#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/nn/model.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

/* Loads tests/golden/<name> into *doc (name NULL: none) and opens the model. Returns 0
 * when everything is there; otherwise the exit status the test must end with: a missing
 * golden file or a model that exists but does not open fails, a missing model or sample
 * photo skips (fails under CI=true). On failure nothing is left open. */
static inline int fixtures_open(const char *name, json_t **doc, fc_model **model)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES"), *golden = getenv("FACECLUSTER_GOLDEN");
    const char *model_path = getenv("FACECLUSTER_MODEL");
    char path[4096], err[FC_ERR_MAX];
    *model = NULL;
    if (doc) *doc = NULL;
    if (name) {
        json_error_t jerr;
        snprintf(path, sizeof path, "%s/%s", golden ? golden : ".", name);
        *doc = json_load_file(path, 0, &jerr);
        if (!*doc) {
            fprintf(stderr, "cannot read %s: %s\n", path, jerr.text);
            return 1; /* it is in the repository: never a skip */
        }
    }
    int rc = model_path ? fc_model_open(model_path, model, err) : -ENOENT;
    snprintf(path, sizeof path, "%s/sample1.jpg", samples ? samples : "");
    int status = 0;
    if (rc == -ENOENT || access(path, R_OK) != 0)
        status = harness_missing("model or sample photos (run ./run.sh)");
    else if (rc) /* there but unusable (stale, corrupt): a failure, never a skip */
        fprintf(stderr, "%s\n", err), status = 1;
    if (status) {
        fc_model_close(*model);
        *model = NULL;
        if (doc) json_decref(*doc), *doc = NULL;
    }
    return status;
}

/* Decodes sample photo `file`, cut to rect ([x, y, w, h] in a JSON array) unless rect is
 * NULL. Returns 0, or records a failed check and returns -1 (out is then empty). */
static inline int fixtures_load_sample(const char *file, json_t *rect, fc_image *out)
{
    const char *samples = getenv("FACECLUSTER_SAMPLES");
    char path[4096], err[FC_ERR_MAX];
    snprintf(path, sizeof path, "%s/%s", samples ? samples : ".", file ? file : "");
    int rc = fc_image_load(path, out, err);
    CHECK_MSG(rc == 0, "%s: %s", path, err);
    if (rc || !rect) return rc ? -1 : 0;
    CHECK(json_array_size(rect) == 4);
    int r[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++) r[k] = (int)json_integer_value(json_array_get(rect, (size_t)k));
    fc_image part;
    rc = fc_image_crop(out, r[0], r[1], r[2], r[3], &part, err);
    CHECK_MSG(rc == 0, "%s: %s", path, err);
    fc_image_free(out);
    *out = part;
    return rc ? -1 : 0;
}

#endif
