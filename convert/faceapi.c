/* A TensorFlow.js weights manifest is a JSON array of groups {paths: [...], weights:
 * [{name, shape, dtype, quantization?: {dtype, scale, min}}]}; each group's shards are
 * concatenated and its weights stored back to back in manifest order. */
#include "convert/faceapi.h"

#include "core/fc_error.h"
#include "core/util/file.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS 4

typedef struct {
    char *name;
    int shape[MAX_DIMS];
    int ndim;
    float *values;
    size_t count;
} faceapi_tensor;

struct fc_faceapi_weights {
    faceapi_tensor *tensors;
    size_t count;
};

void fc_faceapi_free(fc_faceapi_weights *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->count; i++) {
        free(w->tensors[i].name);
        free(w->tensors[i].values);
    }
    free(w->tensors);
    free(w);
}

static int load_json(const char *path, json_t **out, char *err)
{
    json_error_t jerr;
    *out = json_load_file(path, 0, &jerr);
    if (!*out)
        return fc_errorf(err, -EINVAL, "cannot parse %s: line %d: %s", path, jerr.line, jerr.text);
    return 0;
}

/* Decodes one manifest entry from a group's concatenated shards at *pos. */
static int decode_tensor(json_t *entry, const uint8_t *shard, size_t shard_len, size_t *pos,
                         faceapi_tensor *t, char *err)
{
    json_t *name = json_object_get(entry, "name"), *shape = json_object_get(entry, "shape");
    json_t *dtype = json_object_get(entry, "dtype"),
           *quant = json_object_get(entry, "quantization");
    if (!json_is_string(name) || !json_is_array(shape) || !json_is_string(dtype) ||
        json_array_size(shape) > MAX_DIMS)
        return fc_errorf(err, -EINVAL, "malformed manifest entry");
    /* int32 entries (SSD's graph constants) are decoded as floats too: no network of
     * ours reads them, but their bytes must be walked past */
    if (strcmp(json_string_value(dtype), "float32") != 0 &&
        strcmp(json_string_value(dtype), "int32") != 0)
        return fc_errorf(err, -ENOTSUP, "tensor %s has dtype %s", json_string_value(name),
                         json_string_value(dtype));
    const int is_int = strcmp(json_string_value(dtype), "int32") == 0;
    t->name = strdup(json_string_value(name));
    if (!t->name) return fc_errorf(err, -ENOMEM, "out of memory");
    t->ndim = (int)json_array_size(shape); /* 0: a scalar, one element */
    t->count = 1;
    for (int d = 0; d < t->ndim; d++) {
        json_int_t v = json_integer_value(json_array_get(shape, (size_t)d));
        if (v <= 0 || v > (1 << 24)) return fc_errorf(err, -EINVAL, "bad shape for %s", t->name);
        t->shape[d] = (int)v;
        t->count *= (size_t)v;
        if (t->count > ((size_t)1 << 28)) return fc_errorf(err, -EINVAL, "%s too large", t->name);
    }
    size_t elem = 4;
    const char *qtype = NULL;
    double scale = 0.0, min = 0.0;
    if (quant) {
        qtype = json_string_value(json_object_get(quant, "dtype"));
        scale = json_number_value(json_object_get(quant, "scale"));
        min = json_number_value(json_object_get(quant, "min"));
        if (!qtype || (strcmp(qtype, "uint8") != 0 && strcmp(qtype, "uint16") != 0))
            return fc_errorf(err, -ENOTSUP, "tensor %s has unsupported quantisation", t->name);
        elem = strcmp(qtype, "uint8") == 0 ? 1 : 2;
    }
    if (t->count > (shard_len - *pos) / elem)
        return fc_errorf(err, -EINVAL, "weights file too short for %s", t->name);
    t->values = malloc(t->count * sizeof(float));
    if (!t->values) return fc_errorf(err, -ENOMEM, "out of memory");
    const uint8_t *src = shard + *pos;
    for (size_t i = 0; i < t->count; i++) {
        if (elem == 4 && is_int) {
            int32_t v;
            memcpy(&v, src + 4 * i, 4);
            t->values[i] = (float)v;
        } else if (elem == 4) {
            memcpy(&t->values[i], src + 4 * i, 4);
        } else {
            unsigned q = elem == 1 ? src[i] : (unsigned)(src[2 * i] | src[2 * i + 1] << 8);
            /* as TensorFlow.js: computed in double, then stored as float32 */
            t->values[i] = (float)(q * scale + min);
        }
    }
    *pos += t->count * elem;
    return 0;
}

static int load_group(const char *model_dir, json_t *group, fc_faceapi_weights *w, char *err)
{
    json_t *paths = json_object_get(group, "paths"), *weights = json_object_get(group, "weights");
    if (!json_is_array(paths) || !json_is_array(weights))
        return fc_errorf(err, -EINVAL, "malformed manifest group");
    uint8_t *shard = NULL;
    size_t shard_len = 0, pos = 0;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(paths) && !rc; i++) {
        const char *file = json_string_value(json_array_get(paths, i));
        char path[4096];
        uint8_t *part;
        size_t part_len;
        if (!file || strchr(file, '/')) {
            rc = fc_errorf(err, -EINVAL, "manifest names a bad shard path");
            break;
        }
        snprintf(path, sizeof path, "%s/%s", model_dir, file);
        rc = fc_file_read(path, (size_t)1 << 30, &part, &part_len, err);
        if (rc) break;
        uint8_t *grown = realloc(shard, shard_len + part_len);
        if (!grown) {
            free(part);
            rc = fc_errorf(err, -ENOMEM, "out of memory");
            break;
        }
        shard = grown;
        memcpy(shard + shard_len, part, part_len);
        shard_len += part_len;
        free(part);
    }
    size_t n = json_array_size(weights);
    faceapi_tensor *grown = rc ? NULL : realloc(w->tensors, (w->count + n) * sizeof *grown);
    if (!rc && !grown) rc = fc_errorf(err, -ENOMEM, "out of memory");
    if (!rc) {
        w->tensors = grown;
        for (size_t i = 0; i < n && !rc; i++) {
            faceapi_tensor *t = &w->tensors[w->count];
            memset(t, 0, sizeof *t);
            w->count++; /* counted before decoding so a failure still frees it */
            rc = decode_tensor(json_array_get(weights, i), shard, shard_len, &pos, t, err);
        }
    }
    if (!rc && pos != shard_len)
        rc = fc_errorf(err, -EINVAL, "weights file has %zu unread bytes", shard_len - pos);
    free(shard);
    return rc;
}

int fc_faceapi_load(const char *model_dir, const char *net, fc_faceapi_weights **out, char *err)
{
    *out = NULL;
    char path[4096];
    json_t *manifest = NULL;
    snprintf(path, sizeof path, "%s/%s-weights_manifest.json", model_dir, net);
    int rc = load_json(path, &manifest, err);
    if (rc) return rc;
    fc_faceapi_weights *w = calloc(1, sizeof *w);
    if (!w) {
        json_decref(manifest);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    if (!json_is_array(manifest)) rc = fc_errorf(err, -EINVAL, "%s is not a manifest", path);
    for (size_t g = 0; !rc && g < json_array_size(manifest); g++)
        rc = load_group(model_dir, json_array_get(manifest, g), w, err);
    json_decref(manifest);
    if (rc) {
        fc_faceapi_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int fc_faceapi_get(const fc_faceapi_weights *w, const char *name, const int *shape, int ndim,
                   const float **out, char *err)
{
    *out = NULL;
    for (size_t i = 0; i < w->count; i++) {
        const faceapi_tensor *t = &w->tensors[i];
        if (strcmp(t->name, name) != 0) continue;
        int same = t->ndim == ndim;
        for (int d = 0; same && d < ndim; d++) same = t->shape[d] == shape[d];
        if (!same)
            return fc_errorf(err, -EINVAL, "face-api tensor %s has an unexpected shape", name);
        *out = t->values;
        return 0;
    }
    return fc_errorf(err, -ENOENT, "face-api weights have no tensor %s", name);
}

int fc_faceapi_package_version(const char *package_dir, char *buf, size_t cap, char *err)
{
    char path[4096];
    json_t *pkg = NULL;
    snprintf(path, sizeof path, "%s/package.json", package_dir);
    int rc = load_json(path, &pkg, err);
    if (rc) return rc;
    const char *name = json_string_value(json_object_get(pkg, "name"));
    const char *version = json_string_value(json_object_get(pkg, "version"));
    if (!name || !version || strcmp(name, "@vladmandic/face-api") != 0)
        rc = fc_errorf(err, -EINVAL, "%s is not the @vladmandic/face-api package", package_dir);
    else
        snprintf(buf, cap, "%s@%s", name, version);
    json_decref(pkg);
    return rc;
}
