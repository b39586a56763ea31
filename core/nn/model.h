/* The facecluster model file: every network's weights, converted once from the upstream
 * package, validated on open and mapped read-only so all network handles in a process
 * share one copy. The format is documented at the top of model.c. */
#ifndef FC_MODEL_H
#define FC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define FC_MODEL_MAGIC "FCMODEL"
#define FC_MODEL_VERSION 3
#define FC_MODEL_NAME_MAX 48 /* bytes of a tensor name, NUL included */
#define FC_MODEL_SOURCE_MAX 64
#define FC_MODEL_MAX_TENSORS 4096
#define FC_MODEL_FILE_NAME "facecluster.model"

enum fc_model_layout {
    FC_LAYOUT_DENSE = 0,    /* row-major with dims as given */
    FC_LAYOUT_CONV_P16 = 1, /* dims KH,KW,Cin,Cout; panels of 16 output channels, see model.c */
    FC_LAYOUT_WINO_P16 = 2  /* dims 4,4,Cin,Cout: a 3x3 kernel in the Winograd domain */
};

typedef struct {
    const char *name;  /* borrowed from the model */
    uint32_t layout;   /* enum fc_model_layout */
    uint32_t dims[4];  /* unused trailing dims are 1 */
    const float *data; /* borrowed until fc_model_close */
    size_t count;      /* number of floats */
} fc_model_tensor;

typedef struct fc_model fc_model;

/* Maps and validates a model file. On success *out is owned by the caller, released with
 * fc_model_close after every network built from it is freed. */
int fc_model_open(const char *path, fc_model **out, char *err);
void fc_model_close(fc_model *model);
/* Nothing uses the model for a while (no networks made from it exist): its mapped pages
 * leave the resident set; the file stays mapped, and is read again as it is used. */
void fc_model_release_pages(const fc_model *model);

/* Looks a tensor up by name; -ENOENT if absent. The tensor is borrowed from the model. */
int fc_model_find(const fc_model *model, const char *name, fc_model_tensor *out, char *err);
/* Like fc_model_find, and also checks layout and dims (0 in want_dims = any). */
int fc_model_expect(const fc_model *model, const char *name, uint32_t layout,
                    const uint32_t want_dims[4], fc_model_tensor *out, char *err);

/* Where the upstream weights came from, e.g. "@vladmandic/face-api@1.7.15". */
const char *fc_model_source(const fc_model *model);
size_t fc_model_tensor_count(const fc_model *model);
/* The file's checksum (every byte): two models with equal checksums hold the same weights. */
uint64_t fc_model_checksum(const fc_model *model);

/* Where a model is looked for when none is given, in order: $FACECLUSTER_MODEL alone if
 * set; else the user's own $XDG_DATA_HOME/facecluster/facecluster.model (by default
 * ~/.local/share/facecluster/...: where ./run.sh installs it), then a system-wide one in
 * each $XDG_DATA_DIRS folder's facecluster/ (/usr/local/share, /usr/share by default).
 * A NULL-terminated list the caller frees with fc_file_places_free (file.h). */
int fc_model_places(char ***places, char *err);
/* fc_model_open on path, or when path is NULL on the first of fc_model_places that
 * exists (one that exists but cannot be read is an error, not skipped). */
int fc_model_open_or_default(const char *path, fc_model **out, char *err);

/* Building a model file (used by the converter). The writer owns copies of the data.
 * fc_model_writer_new returns NULL when out of memory; the caller frees the writer with
 * fc_model_writer_free. */
typedef struct fc_model_writer fc_model_writer;
fc_model_writer *fc_model_writer_new(const char *source);
/* Adds a tensor: copies count floats. Returns 0, -EINVAL (bad name/dims) or -ENOMEM. */
int fc_model_writer_add(fc_model_writer *w, const char *name, uint32_t layout,
                        const uint32_t dims[4], const float *data, size_t count, char *err);
/* Writes atomically (temporary file, fsync, rename). */
int fc_model_writer_save(fc_model_writer *w, const char *path, char *err);
void fc_model_writer_free(fc_model_writer *w);

/* Index of a weight in the FC_LAYOUT_CONV_P16 layout, for kernels and converters alike. */
static inline size_t fc_conv_p16_index(uint32_t kh, uint32_t kw, uint32_t cin, uint32_t ky,
                                       uint32_t kx, uint32_t ci, uint32_t co)
{
    size_t k = ((size_t)ky * kw + kx) * cin + ci;
    return ((size_t)(co / 16) * kh * kw * cin + k) * 16 + co % 16;
}

/* Index in the FC_LAYOUT_WINO_P16 layout: for each of the 16 Winograd positions t, a
 * complete CONV_P16-style matrix [Cout/16][Cin][16]. */
static inline size_t fc_wino_p16_index(uint32_t cin, uint32_t cout, uint32_t t, uint32_t ci,
                                       uint32_t co)
{
    return (((size_t)t * (cout / 16) + co / 16) * cin + ci) * 16 + co % 16;
}

#endif
