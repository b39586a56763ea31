/* What a store says about the faces of one folder, for bench/cluster-lfw: every face's
 * embedding and photo (fc_store_faces_load), the path of each photo under the folder, the
 * box of each face the daemon put in a person (the store lists boxes only through
 * people: fc_store_person_faces) and that person as a small label. Only store.h is used:
 * no SQL outside store/. */
#ifndef FC_BENCH_CLUSTER_STORE_H
#define FC_BENCH_CLUSTER_STORE_H

#include "store/store.h"

#include <stdint.h>

typedef struct {
    int64_t photo;
    char *path;
} photo_path;

typedef struct {
    fc_store_faces f;
    photo_path *paths; /* every file under the folder, by photo id */
    int n_paths;
    const char **path; /* per face: its photo's path (in paths), NULL if not under the folder */
    float (*box)[4];   /* per face, where has_box */
    uint8_t *has_box;  /* the store lists boxes only for faces in a person */
    int *ours;         /* per face: the daemon's person as a label 0.., -1 none */
} store_view;

/* Reads the store at db (read-only) about the folder dir (absolute, as the daemon was
 * given it). On success *v is the caller's, released with view_free. Returns 0 or a
 * negative error code, with err. */
int view_load(const char *db, const char *dir, store_view *v, char *err);
void view_free(store_view *v);

/* Face indices sorted by photo, so that each photo's faces are a run: a new array the
 * caller frees, NULL when out of memory. */
int *view_faces_by_photo(const store_view *v);

#endif
